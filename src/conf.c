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
                       "long ignore list over several 'ignore =' lines",
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
    } else if (strcmp(section, "log") == 0 && strcmp(name, "format") == 0) {
        if (parse_format_name(value, &conf->format)) {
            conf_error(c, c->lineno, "unknown log format '%s'; use common, "
                       "combined or auto", value);
            return 0;
        }
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

struct conf *conf_load(const char *path, struct bs_err *err)
{
    struct conf *conf = xcalloc(1, sizeof(*conf));
    struct conf_ctx ctx = {0};
    struct stat st;
    int rc;

    conf->rules = url_rules_new();
    conf->format = LOG_AUTO;
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
    } else {
        return conf;
    }
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
    free(c);
}
