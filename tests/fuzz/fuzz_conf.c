/*
 * fuzz_conf.c - the input is a whole config file (README.md "Config"):
 * written to a private temporary file (mkstemp under $TMPDIR or /tmp,
 * removed after each input) and read with conf_load().
 *
 * A config that loads: path is the file's name, the log format a known
 * one, and its rules classify a fixed list of targets, plus the path of
 * every comment line "# /PATH" of the input (at most 8), with the
 * invariants of fuzz_classify.c: a known kind, key_len <= URL_KEY_MAX + 1,
 * the key NUL-terminated at key_len with no NUL before, valid UTF-8
 * without control characters, empty exactly for the kinds that are never
 * views; the same target twice, the same answer. Then conf_free().
 *
 * A config that does not: NULL with BS_USAGE and a one-line message
 * "PATH:LINE: what" where LINE >= 1 (and, for an input without NUL bytes,
 * at most its number of lines; a line said to be too long is longer than
 * the limit the message gives), or BS_NOINPUT with a message naming the
 * file. Once per process, a directory and a missing file must both be
 * BS_NOINPUT.
 */
#include "blogstat.h"
#include "classify.h"
#include "conf.h"
#include "fuzzutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_conf: %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    abort();
}

/* Targets every config is asked about: each kind of doc/counting.md under
 * the WordPress defaults and the Hugo rules of README.md "Config". */
static const char *const targets[] = {
    "/",
    "/2013/02/07/sakerhet/",
    "/2013/02/07/s%C3%A4kerhet/",
    "/2013/02/07/s%C3%A4kerhet/amp/",
    "/2013/02/07/sakerhet/2/",
    "/2013/02/07/sakerhet/comment-page-3/",
    "/2013/02/",
    "/2013/",
    "/posts/hello-world/",
    "/posts/hello-world/index.xml",
    "/tags/eu/",
    "/tag/eu/",
    "/tag/s%C3%A4kerhet/page/3/",
    "/category/politik/handel/",
    "/categories/politik/",
    "/author/cecilia/",
    "/page/2/",
    "/index.xml",
    "/feed/",
    "/?p=12",
    "/?s=europa",
    "/wp-admin/post.php",
    "/wp-json/wp/v2/posts",
    "/robots.txt",
    "/om-mig/",
    "/about.html",
    "/%E2%82%AC/%2F/%00/",
    "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z/",
    "//double//slash//",
    "not-a-path",
};

#define MAX_INPUT_TARGETS 8

static void check_target(const struct url_rules *rules, const char *t,
                         size_t n)
{
    struct url_class *cls = malloc(sizeof(*cls));
    struct url_class *again = malloc(sizeof(*again));
    enum url_kind kind;
    char shown[96];

    if (!cls || !again)
        abort();
    snprintf(shown, sizeof(shown), "%.*s", n > 80 ? 80 : (int)n, t);
    memset(cls, 0xa5, sizeof(*cls));
    kind = classify_url(rules, t, n, cls);
    if ((unsigned)kind >= URL_NKINDS)
        fail("kind out of range", shown);
    if (cls->kind != kind)
        fail("cls.kind differs from the returned kind", shown);
    if (cls->key_len > URL_KEY_MAX + 1)
        fail("key_len > URL_KEY_MAX + 1", shown);
    if (cls->key[cls->key_len] != '\0')
        fail("key not NUL-terminated at key_len", shown);
    if (memchr(cls->key, '\0', cls->key_len))
        fail("NUL byte inside the key", shown);
    if (!fuzz_clean_utf8((const unsigned char *)cls->key, cls->key_len, 0, 0))
        fail("key is not valid UTF-8 free of control characters", shown);
    /* A feed keeps its path (its fetches are counted by it); the other
     * kinds that are never views have no key. */
    if (!url_kind_is_content(kind) && kind != URL_FEED && cls->key_len != 0)
        fail("a kind that is never a view has a key", shown);
    if (kind == URL_FEED && (cls->key_len == 0 || cls->key[0] != '/'))
        fail("a feed's key is not its path", shown);
    if (url_kind_is_content(kind) && cls->key_len == 0)
        fail("a content kind without a key", shown);
    if (classify_url(rules, t, n, again) != kind ||
        again->key_len != cls->key_len ||
        memcmp(again->key, cls->key, cls->key_len) != 0)
        fail("classify_url is not deterministic", shown);
    free(again);
    free(cls);
}

/* The rules of a config that loaded, on the fixed targets and the input's
 * "# /PATH" comment lines. */
static void check_rules(const struct url_rules *rules, const uint8_t *data,
                        size_t size)
{
    int found = 0;

    for (size_t i = 0; i < ARRAY_SIZE(targets); i++)
        check_target(rules, targets[i], strlen(targets[i]));
    for (size_t pos = 0; pos < size && found < MAX_INPUT_TARGETS;) {
        const uint8_t *nl = memchr(data + pos, '\n', size - pos);
        size_t len = nl ? (size_t)(nl - (data + pos)) : size - pos;
        size_t k = pos;

        if (data[k] == '#') {
            k++;
            while (k < pos + len && (data[k] == ' ' || data[k] == '\t'))
                k++;
            if (k < pos + len && data[k] == '/') {
                size_t tn = pos + len - k;
                /* An exact-size copy: ASan sees a read past the target. */
                char *t = malloc(tn);

                if (!t)
                    abort();
                memcpy(t, data + k, tn);
                check_target(rules, t, tn);
                free(t);
                found++;
            }
        }
        pos += len + 1;
    }
}

/* Number of lines of the input as fgets() counts them. */
static long count_lines(const uint8_t *data, size_t size)
{
    long lines = 0;

    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    if (size > 0 && data[size - 1] != '\n')
        lines++;
    return lines;
}

/* Length of line number lineno (1-based) without its "\n", or -1. */
static long line_length(const uint8_t *data, size_t size, long lineno)
{
    size_t pos = 0;

    for (long l = 1; pos < size; l++) {
        const uint8_t *nl = memchr(data + pos, '\n', size - pos);
        size_t len = nl ? (size_t)(nl - (data + pos)) : size - pos;

        if (l == lineno)
            return (long)len;
        pos += len + 1;
    }
    return -1;
}

static void check_error(const struct bs_err *err, const char *path,
                        const uint8_t *data, size_t size)
{
    size_t pn = strlen(path);
    const char *p;
    char *end;
    long line;

    if (err->msg[0] == '\0')
        fail("error without a message", NULL);
    if (memchr(err->msg, '\n', strlen(err->msg)) != NULL)
        fail("error message of more than one line", err->msg);
    if (err->status == BS_NOINPUT) {
        if (strstr(err->msg, path) == NULL)
            fail("BS_NOINPUT message does not name the file", err->msg);
        return;
    }
    if (err->status != BS_USAGE) {
        fprintf(stderr, "fuzz_conf: status %d\n", err->status);
        fail("error status is neither BS_USAGE nor BS_NOINPUT", err->msg);
    }
    if (strncmp(err->msg, path, pn) != 0 || err->msg[pn] != ':')
        fail("message does not start with \"PATH:\"", err->msg);
    p = err->msg + pn + 1;
    if (*p < '0' || *p > '9')
        fail("message does not start with \"PATH:LINE:\"", err->msg);
    line = strtol(p, &end, 10);
    if (*end != ':' || line < 1)
        fail("message does not start with \"PATH:LINE:\", LINE >= 1",
             err->msg);
    /* fgets() splits a long line holding a NUL byte in two: the line
     * numbers of such inputs are not checked. */
    if (memchr(data, '\0', size) != NULL)
        return;
    if (line > count_lines(data, size))
        fail("error on a line after the last", err->msg);
    {
        static const char too_long[] = " line longer than ";
        const char *t = strstr(end, too_long);

        if (t && t == end + 1) {
            long limit = strtol(t + strlen(too_long), NULL, 10);
            long len = line_length(data, size, line);

            if (len <= limit) {
                fprintf(stderr, "fuzz_conf: line %ld is %ld bytes\n", line,
                        len);
#ifndef FUZZ_ALLOW_SHORT_LONG_LINE
                /* -DFUZZ_ALLOW_SHORT_LONG_LINE looks past this one. */
                fail("a line said to be longer than the limit is not",
                     err->msg);
#endif
            }
        }
    }
}

/* Once: a directory and a missing file cannot be opened. */
static void check_noinput(const char *dir, const char *path)
{
    static int done;
    struct bs_err err;
    char missing[600];

    if (done)
        return;
    done = 1;
    memset(&err, 0, sizeof(err));
    if (conf_load(dir, &err) != NULL || err.status != BS_NOINPUT ||
        strstr(err.msg, dir) == NULL)
        fail("a directory is not BS_NOINPUT naming it", err.msg);
    snprintf(missing, sizeof(missing), "%s.missing", path);
    memset(&err, 0, sizeof(err));
    if (conf_load(missing, &err) != NULL || err.status != BS_NOINPUT ||
        strstr(err.msg, missing) == NULL)
        fail("a missing file is not BS_NOINPUT naming it", err.msg);
}

/*
 * The sites of a config that loads: the default first, each with rules;
 * names unique and not "default"; each host a site declares (not a
 * wildcard) finds that site, with any port or case; the input's bytes,
 * as a host, find some site without a crash.
 */
static void check_sites(const struct conf *c, const uint8_t *data,
                        size_t size)
{
    if (c->nsites < 1 || c->nsites > CONF_SITES_MAX ||
        strcmp(c->sites[0].id, "default") != 0)
        fail("no default site first, or too many sites", NULL);
    for (size_t i = 0; i < c->nsites; i++) {
        const struct conf_site *st = &c->sites[i];

        if (!st->rules)
            fail("a site without rules", st->id);
        if (conf_site_find(c, st->id) != (int)i)
            fail("a site's name is not unique", st->id);
        if (i > 0 && st->nhosts == 0)
            fail("a site without hosts", st->id);
        for (size_t j = 0; j < st->nhosts; j++) {
            char h[300];
            int n;

            if (st->hosts[j][0] == '*' || st->hosts[j][0] == '[')
                continue;
            n = snprintf(h, sizeof(h), "%s:8080", st->hosts[j]);
            if (n > 0 && (size_t)n < sizeof(h)) {
                for (char *q = h; *q; q++)
                    if (*q >= 'a' && *q <= 'z')
                        *q = (char)(*q - 'a' + 'A');
                if (conf_site_of_host(c, h, (size_t)n) != (int)i)
                    fail("a declared host does not find its site", h);
            }
        }
    }
    int k = conf_site_of_host(c, (const char *)data, size);

    if (k < -1 || k >= (int)c->nsites)
        fail("a host found no site index", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[512];
    struct bs_err err;
    struct conf *c;
    const char *dir = fuzz_write_temp("fuzz_conf", data, size, path, sizeof(path));

    check_noinput(dir, path);
    memset(&err, 0, sizeof(err));
    c = conf_load(path, &err);
    unlink(path);
    if (c) {
        if (err.status != 0 || err.msg[0] != '\0')
            fail("success with an error set", err.msg);
        if (!c->path || strcmp(c->path, path) != 0)
            fail("conf.path is not the file read", NULL);
        /* A config that loads has a format that compiles, and never
         * takes the client from a header without trusted proxies. */
        if (conf_check_format(c, NULL, &err) != 0)
            fail("a loaded format does not compile", err.msg);
        if (c->client_xff && !c->proxies)
            fail("client = x_forwarded_for without trusted proxies", NULL);
        if ((c->format && strlen(c->format) > size) ||
            (c->timezone && strlen(c->timezone) > size))
            fail("a log setting longer than the file", NULL);
        if (!c->sites[0].rules)
            fail("no rules", NULL);
        /* Touch every string: ASan checks they are NUL-terminated. */
        if ((c->db && strlen(c->db) > size) ||
            (c->geoip && strlen(c->geoip) > size) ||
            (c->sites[0].name && strlen(c->sites[0].name) > size) ||
            (c->sites[0].url && strlen(c->sites[0].url) > size))
            fail("a setting longer than the file", NULL);
        check_rules(c->sites[0].rules, data, size);
        check_sites(c, data, size);
        conf_free(c);
    } else {
        check_error(&err, path, data, size);
    }
    return 0;
}
