/*
 * fuzz_import.c - the input is a whole import file (a WordPress export, an
 * RSS or Atom feed, or CSV, told apart by its content as import_file does):
 * written to a private temporary file (mkstemp under $TMPDIR or /tmp,
 * removed after each input) and read with import_file().
 *
 * Invariants for every post the callback sees: link non-empty; link and
 * title valid UTF-8 without control characters (C0 but tab, DEL, C1: they
 * went through utf8_sanitize) and shorter than IMPORT_MAX_TEXT; published
 * IMPORT_NO_DAY or a real date of years 1..9999; post_id >= 0; type NULL,
 * "post" or "page"; at most IMPORT_MAX_TERMS tags and categories, each a
 * non-empty slug of valid UTF-8 without C0 or DEL, NUL-terminated within
 * IMPORT_MAX_TEXT bytes, no slug twice in a list; tags only when has_tags.
 *
 * And for the whole import: 0 (err untouched), or -1 with BS_DATAERR or
 * BS_IOERR and a message naming the file; stats.posts is the number of
 * calls; the format is CSV exactly when the file neither starts with a
 * UTF-16 BOM nor has '<' as first character after a UTF-8 BOM and blanks
 * in its first 512 bytes (import_file's rule).
 *
 * The stop path: when the input's first byte is odd, the callback returns
 * -1 (BS_DATAERR, a message of its own) at the third post. import_file
 * must then return -1 with that error as the callback left it, and never
 * call back again.
 */
#include "blogstat.h"
#include "import.h"
#include "fuzzutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define STOP_AT 3   /* the post at which an odd first byte stops */

/* The temporary file of the input being read; fail() removes it too. */
static char tmp_path[512];
static int tmp_live;

static void fail(const char *what, uint64_t post)
{
    fprintf(stderr, "fuzz_import: post %llu: %s\n", (unsigned long long)post,
            what);
    if (tmp_live)
        unlink(tmp_path);
    abort();
}

/* A title or link: NUL-terminated, short, clean. */
static void check_text(const char *s, const char *what, int nonempty,
                       uint64_t post)
{
    char msg[128];
    size_t n;

    if (!s) {
        snprintf(msg, sizeof(msg), "%s is NULL", what);
        fail(msg, post);
    }
    n = strnlen(s, IMPORT_MAX_TEXT);
    if (n >= IMPORT_MAX_TEXT) {
        snprintf(msg, sizeof(msg), "%s is %d bytes or longer", what,
                 IMPORT_MAX_TEXT);
        fail(msg, post);
    }
    if (nonempty && n == 0) {
        snprintf(msg, sizeof(msg), "%s is empty", what);
        fail(msg, post);
    }
    if (!fuzz_clean_utf8((const unsigned char *)s, n, 1, 0)) {
        snprintf(msg, sizeof(msg),
                 "%s is not valid UTF-8 free of control characters", what);
        fail(msg, post);
    }
}

/* The tags or the categories of a post. */
static void check_terms(const char *const *t, size_t n, const char *what,
                        uint64_t post)
{
    char msg[128];

    if (n > IMPORT_MAX_TERMS) {
        snprintf(msg, sizeof(msg), "more than IMPORT_MAX_TERMS %s", what);
        fail(msg, post);
    }
    if (n > 0 && !t) {
        snprintf(msg, sizeof(msg), "%s is NULL with n%s = %zu", what, what,
                 n);
        fail(msg, post);
    }
    for (size_t i = 0; i < n; i++) {
        const char *s = t[i];
        size_t len;

        if (!s) {
            snprintf(msg, sizeof(msg), "%s[%zu] is NULL", what, i);
            fail(msg, post);
        }
        /* ASan sees a slug that is not NUL-terminated in its block. */
        len = strnlen(s, IMPORT_MAX_TEXT);
        if (len >= IMPORT_MAX_TEXT) {
            snprintf(msg, sizeof(msg), "%s[%zu] not NUL-terminated within "
                     "IMPORT_MAX_TEXT bytes", what, i);
            fail(msg, post);
        }
        if (len == 0) {
            snprintf(msg, sizeof(msg), "%s[%zu] is empty", what, i);
            fail(msg, post);
        }
        if (!fuzz_clean_utf8((const unsigned char *)s, len, 0, 1)) {
            snprintf(msg, sizeof(msg), "%s[%zu] is not valid UTF-8 free of "
                     "C0 controls and DEL", what, i);
            fail(msg, post);
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(t[j], s) == 0) {
                snprintf(msg, sizeof(msg), "%s[%zu] repeats %s[%zu]", what,
                         i, what, j);
                fail(msg, post);
            }
    }
}

struct run {
    const char *path;
    uint64_t calls;
    uint64_t stop_at;        /* the call that returns -1; 0: none */
    int stopped;
    struct bs_err stop_err;  /* the error it returned */
};

static int on_post(void *ctx, const struct import_post *p, struct bs_err *err)
{
    struct run *r = ctx;
    uint64_t n = ++r->calls;

    if (r->stopped)
        fail("called back after the callback stopped the import", n);
    if (!p)
        fail("post is NULL", n);
    if (!err)
        fail("err is NULL", n);
    check_text(p->link, "link", 1, n);
    check_text(p->title, "title", 0, n);
    if (p->published != IMPORT_NO_DAY) {
        char day[11];
        int32_t back;

        if (p->published < days_from_civil(1, 1, 1) ||
            p->published > days_from_civil(9999, 12, 31))
            fail("published is not a date of years 1..9999", n);
        day_format(p->published, day);
        if (day_parse(day, &back) != 0 || back != p->published)
            fail("published does not round-trip", n);
    }
    if (p->post_id < 0)
        fail("post_id < 0", n);
    if (p->type && strcmp(p->type, "post") != 0 &&
        strcmp(p->type, "page") != 0)
        fail("type is neither NULL, \"post\" nor \"page\"", n);
    if ((p->has_tags != 0 && p->has_tags != 1) ||
        (p->has_categories != 0 && p->has_categories != 1))
        fail("has_tags or has_categories neither 0 nor 1", n);
    check_terms(p->tags, p->ntags, "tags", n);
    check_terms(p->categories, p->ncategories, "categories", n);
    if (p->ntags > 0 && !p->has_tags)
        fail("tags given but has_tags is 0", n);

    if (n == r->stop_at) {
        r->stopped = 1;
        bs_fail(err, BS_DATAERR, "%s: fuzz_import stops at post %llu",
                r->path, (unsigned long long)n);
        r->stop_err = *err;
        return -1;
    }
    return 0;
}

/* import_file's rule: XML when the file starts with a UTF-16 byte order
 * mark, or when the first character after a UTF-8 one and blanks, in the
 * first 512 bytes it reads, is '<'. */
static int looks_xml(const uint8_t *d, size_t n)
{
    size_t i = 0;

    if (n > 512)
        n = 512;
    if (n >= 2 && ((d[0] == 0xFF && d[1] == 0xFE) ||
                   (d[0] == 0xFE && d[1] == 0xFF)))
        return 1;
    if (n >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < n && (d[i] == ' ' || d[i] == '\n' || d[i] == '\r' ||
                     d[i] == '\t'))
        i++;
    return i < n && d[i] == '<';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *path = tmp_path;
    struct run run;
    struct import_stats stats;
    struct bs_err err;
    int rc;

    fuzz_write_temp("fuzz_import", data, size, path, sizeof(tmp_path));
    tmp_live = 1;
    memset(&run, 0, sizeof(run));
    run.path = path;
    run.stop_at = size > 0 && (data[0] & 1) ? STOP_AT : 0;
    memset(&err, 0, sizeof(err));
    memset(&stats, 0xa5, sizeof(stats));
    rc = import_file(path, on_post, &run, &stats, &err);
    unlink(path);
    tmp_live = 0;   /* path keeps the name: messages must hold it */

    if (stats.posts != run.calls)
        fail("stats.posts differs from the number of calls", run.calls);
    if (rc == 0) {
        if (err.status != 0 || err.msg[0] != '\0')
            fail("success with an error set", run.calls);
        if (run.stopped)
            fail("success although the callback stopped the import",
                 run.calls);
        if (size == 0)
            fail("an empty file imported", 0);
        if (looks_xml(data, size)) {
            if (stats.format != IMPORT_WXR && stats.format != IMPORT_RSS &&
                stats.format != IMPORT_ATOM)
                fail("an XML file imported as CSV (or worse)", run.calls);
        } else if (stats.format != IMPORT_CSV) {
            fail("a file not starting with '<' imported as XML",
                 run.calls);
        }
        if (import_format_name(stats.format)[0] == '?')
            fail("format without a name", run.calls);
    } else if (rc == -1) {
        if (run.stopped) {
            if (err.status != run.stop_err.status ||
                strcmp(err.msg, run.stop_err.msg) != 0)
                fail("the callback's error was overwritten", run.calls);
        } else {
            if (err.status != BS_DATAERR && err.status != BS_IOERR) {
                fprintf(stderr, "fuzz_import: status %d: %s\n", err.status,
                        err.msg);
                fail("error status is neither BS_DATAERR nor BS_IOERR",
                     run.calls);
            }
            if (err.msg[0] == '\0')
                fail("error without a message", run.calls);
            if (strstr(err.msg, path) == NULL) {
                fprintf(stderr, "fuzz_import: message: %s\n", err.msg);
                fail("error message does not name the file", run.calls);
            }
            if (memchr(err.msg, '\n', strlen(err.msg)) != NULL)
                fail("error message of more than one line", run.calls);
        }
    } else {
        fail("import_file returned neither 0 nor -1", run.calls);
    }
    return 0;
}
