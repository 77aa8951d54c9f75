/*
 * conf.c - config file handling on top of inih.
 */
#include "blogstat.h"
#include "conf.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/*
 * Debian's inih passes no line number to the handler, cuts lines at 200
 * bytes and never shows the handler a section header. So we feed it lines
 * ourselves (ini_parse_stream): the reader counts them, refuses long ones
 * and checks section names; the first error wins, with its line.
 */
struct conf_ctx {
    struct conf *conf;
    FILE *f;
    int lineno;
    int err_line;            /* line of err, 0 when none */
    struct bs_err err;
    int cont;                /* the line is indented: it goes on with the
                              * key before (inih's multi-line values) */
    int format_line, client_line; /* where they were set, for messages */
    char *proxies;           /* the trusted_proxies lines, joined */
};

static const char *const json_keys[CONF_JSON_NKEYS] = {
    "json_client", "json_time", "json_status", "json_method", "json_uri",
    "json_request", "json_protocol", "json_bytes", "json_referer",
    "json_agent", "json_host", "json_xff"
};

#define CONF_MAX_LINE 200    /* inih's INI_MAX_LINE on Debian */

static void conf_error(struct conf_ctx *c, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void conf_error(struct conf_ctx *c, int line, const char *fmt, ...)
{
    va_list ap;

    if (c->err_line)
        return;
    c->err_line = line;
    c->err.status = BS_USAGE;
    va_start(ap, fmt);
    vsnprintf(c->err.msg, sizeof(c->err.msg), fmt, ap);
    va_end(ap);
}

static const char *const sections[] = {"site", "urls", "log", "geoip", "db"};

static char *reader(char *str, int num, void *stream)
{
    struct conf_ctx *c = stream;
    size_t n;
    char *p, *e;

    /* fgets cannot say how much it read when a NUL is in the line. */
    n = 0;
    for (;;) {
        int ch;

        if (n + 1 >= (size_t)num)
            break;
        ch = fgetc(c->f);
        if (ch == EOF)
            break;
        if (ch == '\0') {
            conf_error(c, c->lineno + 1, "NUL byte in the line");
            ch = ' ';
        }
        str[n++] = (char)ch;
        if (ch == '\n')
            break;
    }
    if (n == 0)
        return NULL;
    str[n] = '\0';
    c->lineno++;
    for (p = str; *p == ' ' || *p == '\t'; p++)
        ;
    c->cont = p > str && *p && !strchr(";#\r\n", *p);
    if (n == (size_t)num - 1 && str[n - 1] != '\n' && !feof(c->f)) {
        int ch = fgetc(c->f);

        /* Exactly the longest line: only its newline was left. */
        if (ch == '\n' || ch == EOF)
            return str;
        while ((ch = fgetc(c->f)) != EOF && ch != '\n')
            ;
        /* A long comment is harmless; a long setting cannot be read. */
        if (*p != ';' && *p != '#')
            conf_error(c, c->lineno, "line longer than %d bytes; split a "
                       "long ignore list over several 'ignore =' lines, a "
                       "long format over indented lines below 'format ='",
                       CONF_MAX_LINE - 1);
        str[0] = '\0';
        return str;
    }
    if (*p == '[' && (e = strchr(p, ']'))) {
        size_t k;

        *e = '\0';
        for (k = 0; k < ARRAY_SIZE(sections); k++)
            if (strcmp(p + 1, sections[k]) == 0)
                break;
        if (k == ARRAY_SIZE(sections))
            conf_error(c, c->lineno, "unknown section [%s]; use [site], "
                       "[urls], [log], [geoip] or [db]", p + 1);
        *e = ']';
    }
    return str;
}

static void set_str(char **dst, const char *v)
{
    free(*dst);
    *dst = xstrdup(v);
}

/* Split a value on blanks and add each word as a glob of the list. */
static int add_globs(struct conf_ctx *c, const char *v,
                     int (*add)(struct url_rules *, const char *,
                                struct bs_err *))
{
    char word[512];

    while (*v) {
        size_t n = 0;

        while (*v == ' ' || *v == '\t')
            v++;
        while (v[n] && v[n] != ' ' && v[n] != '\t')
            n++;
        if (n == 0)
            break;
        if (n >= sizeof(word)) {
            conf_error(c, c->lineno, "pattern too long");
            return -1;
        }
        memcpy(word, v, n);
        word[n] = '\0';
        {
            struct bs_err e = {0};

            if (add(c->conf->rules, word, &e)) {
                conf_error(c, c->lineno, "%s", e.msg);
                return -1;
            }
        }
        v += n;
    }
    return 0;
}

/* Append " value" to *dst (a format string or a list over lines). */
static void append_str(char **dst, const char *v)
{
    size_t n = *dst ? strlen(*dst) : 0, m = strlen(v);
    char *s = xmalloc(n + m + 2);

    if (n)
        memcpy(s, *dst, n);
    s[n] = ' ';
    memcpy(s + (n ? n + 1 : 0), v, m + 1);
    free(*dst);
    *dst = s;
}

/* A key of [log]: 0, or -1 with the error recorded. */
static int log_setting(struct conf_ctx *c, const char *name,
                       const char *value)
{
    struct conf *conf = c->conf;

    if (strcmp(name, "format") == 0) {
        if (!*value) {
            conf_error(c, c->lineno, "empty format; use auto, common, "
                       "combined, vhost_combined, nginx, caddy, json or a "
                       "format string (doc/formats.md)");
            return -1;
        }
        /* An indented line goes on with the format string above it. */
        if (c->cont && conf->format) {
            append_str(&conf->format, value);
        } else {
            set_str(&conf->format, value);
            c->format_line = c->lineno;
        }
        return 0;
    }
    if (strcmp(name, "timezone") == 0) {
        set_str(&conf->timezone, value);
        return 0;
    }
    if (strcmp(name, "trusted_proxies") == 0) {
        struct bs_err err = {0};
        struct proxies *px = proxies_parse(value, &err);

        /* Each line is checked on its own, to name it. */
        if (!px) {
            conf_error(c, c->lineno, "%s", err.msg);
            return -1;
        }
        proxies_free(px);
        append_str(&c->proxies, value);
        return 0;
    }
    if (strcmp(name, "client") == 0) {
        if (strcmp(value, "x_forwarded_for") == 0) {
            conf->client_xff = 1;
        } else if (strcmp(value, "connection") == 0) {
            conf->client_xff = 0;
        } else {
            conf_error(c, c->lineno, "unknown client '%s'; use connection "
                       "or x_forwarded_for", value);
            return -1;
        }
        c->client_line = c->lineno;
        return 0;
    }
    for (size_t k = 0; k < CONF_JSON_NKEYS; k++) {
        if (strcmp(name, json_keys[k]) == 0) {
            set_str(&conf->json[k], value);
            return 0;
        }
    }
    conf_error(c, c->lineno, "unknown setting '%s' in [log]", name);
    return -1;
}

static int handler(void *user, const char *section, const char *name,
                   const char *value)
{
    struct conf_ctx *c = user;
    struct conf *conf = c->conf;
    struct bs_err err = {0};

    if (strcmp(section, "site") == 0 && strcmp(name, "name") == 0) {
        set_str(&conf->site_name, value);
    } else if (strcmp(section, "site") == 0 && strcmp(name, "url") == 0) {
        set_str(&conf->site_url, value);
        /* Links from the site itself are internal referrers. */
        if (url_rules_set_site(conf->rules, value, &err)) {
            conf_error(c, c->lineno, "%s", err.msg);
            return 0;
        }
    } else if (strcmp(section, "urls") == 0 &&
               (strcmp(name, "post") == 0 || strcmp(name, "tag") == 0 ||
                strcmp(name, "category") == 0)) {
        if (url_rules_set(conf->rules, name, value, &err)) {
            conf_error(c, c->lineno, "%s", err.msg);
            return 0;
        }
    } else if (strcmp(section, "urls") == 0 && strcmp(name, "ignore") == 0) {
        if (add_globs(c, value, url_rules_add_ignore))
            return 0;
    } else if (strcmp(section, "urls") == 0 && strcmp(name, "feed") == 0) {
        if (add_globs(c, value, url_rules_add_feed))
            return 0;
    } else if (strcmp(section, "log") == 0) {
        if (log_setting(c, name, value))
            return 0;
    } else if (strcmp(section, "geoip") == 0 &&
               strcmp(name, "database") == 0) {
        set_str(&conf->geoip, value);
    } else if (strcmp(section, "db") == 0 && strcmp(name, "path") == 0) {
        set_str(&conf->db, value);
    } else {
        conf_error(c, c->lineno, "unknown setting '%s' in [%s]", name,
                   section);
        return 0;
    }
    return 1;
}

/* What can only be checked once every line is read: 0, or -1 with the
 * error recorded. */
static int finish(struct conf_ctx *c)
{
    struct conf *conf = c->conf;
    struct bs_err err = {0};

    if (c->proxies) {
        conf->proxies = proxies_parse(c->proxies, &err);
        if (!conf->proxies) {
            conf_error(c, c->lineno, "trusted_proxies: %s", err.msg);
            return -1;
        }
        if (proxies_count(conf->proxies) == 0) {
            proxies_free(conf->proxies);
            conf->proxies = NULL;
        }
    }
    if (conf->client_xff && !conf->proxies) {
        conf_error(c, c->client_line, "client = x_forwarded_for needs "
                   "trusted_proxies = the addresses of your proxies: "
                   "anyone can send X-Forwarded-For");
        return -1;
    }
    for (size_t k = 0; k < CONF_JSON_NKEYS; k++) {
        const char *f = conf->format ? conf->format : "auto";

        if (conf->json[k] && strcmp(f, "json") != 0 &&
            strcmp(f, "caddy") != 0 && strcmp(f, "auto") != 0) {
            conf_error(c, c->format_line, "%s is set but format is not "
                       "json, caddy or auto; the json_* keys map the "
                       "fields of JSON logs", json_keys[k]);
            return -1;
        }
    }
    if (conf_check_format(conf, NULL, &err)) {
        conf_error(c, c->format_line ? c->format_line : c->lineno, "%s",
                   err.msg);
        return -1;
    }
    return 0;
}

struct conf *conf_load(const char *path, struct bs_err *err)
{
    struct conf *conf = xcalloc(1, sizeof(*conf));
    struct conf_ctx ctx = {0};
    struct stat st;
    int rc;

    conf->rules = url_rules_new();
    if (!path)
        return conf;
    conf->path = xstrdup(path);
    ctx.f = fopen(path, "r");
    if (!ctx.f || (fstat(fileno(ctx.f), &st) == 0 && S_ISDIR(st.st_mode))) {
        bs_fail(err, BS_NOINPUT, "cannot open config '%s': %s", path,
                ctx.f ? "it is a directory" : strerror(errno));
        if (ctx.f)
            fclose(ctx.f);
        conf_free(conf);
        return NULL;
    }
    ctx.conf = conf;
    rc = ini_parse_stream(reader, &ctx, handler, &ctx);
    fclose(ctx.f);
    /* inih's rc is the first line it found wrong, ours or a syntax error. */
    if (ctx.err_line && (rc <= 0 || ctx.err_line <= rc)) {
        bs_fail(err, ctx.err.status, "%s:%d: %s", path, ctx.err_line,
                ctx.err.msg);
    } else if (rc != 0) {
        bs_fail(err, BS_USAGE, "%s:%d: syntax error; expected '[section]' "
                "or 'key = value'", path, rc);
    } else if (finish(&ctx) == 0) {
        free(ctx.proxies);
        return conf;
    } else {
        bs_fail(err, ctx.err.status, "%s:%d: %s", path, ctx.err_line,
                ctx.err.msg);
    }
    free(ctx.proxies);
    conf_free(conf);
    return NULL;
}

void conf_free(struct conf *c)
{
    if (!c)
        return;
    url_rules_free(c->rules);
    free(c->path);
    free(c->db);
    free(c->geoip);
    free(c->site_name);
    free(c->site_url);
    free(c->format);
    free(c->timezone);
    for (size_t k = 0; k < CONF_JSON_NKEYS; k++)
        free(c->json[k]);
    proxies_free(c->proxies);
    free(c);
}

void conf_parse_options(const struct conf *c, struct log_json_map *map,
                        struct parse_options *opt)
{
    const char *const *j = (const char *const *)c->json;

    *map = (struct log_json_map){
        .client = j[CONF_JSON_CLIENT], .time = j[CONF_JSON_TIME],
        .status = j[CONF_JSON_STATUS], .method = j[CONF_JSON_METHOD],
        .uri = j[CONF_JSON_URI], .request = j[CONF_JSON_REQUEST],
        .protocol = j[CONF_JSON_PROTOCOL], .bytes = j[CONF_JSON_BYTES],
        .referer = j[CONF_JSON_REFERER], .agent = j[CONF_JSON_AGENT],
        .host = j[CONF_JSON_HOST], .xff = j[CONF_JSON_XFF],
    };
    opt->timezone = c->timezone;
    opt->json = map;
}

int conf_check_format(const struct conf *c, const char *format,
                      struct bs_err *err)
{
    struct log_json_map map;
    struct parse_options opt;
    struct parser *p;

    conf_parse_options(c, &map, &opt);
    if (!format)
        format = c->format ? c->format : "auto";
    p = parser_compile(format, &opt, err);
    if (!p)
        return -1;
    parser_free(p);
    return 0;
}
