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

/*
 * Debian's inih passes no line number to the handler; ini_parse_file()
 * returns the line of the first error, and the handler keeps the first
 * message: conf_load() puts the two together.
 */
struct conf_ctx {
    struct conf *conf;
    struct bs_err err;
};

static void set_str(char **dst, const char *v)
{
    free(*dst);
    *dst = xstrdup(v);
}

/* Split a value on blanks and add each word as an ignore glob. */
static int add_ignores(struct conf_ctx *c, const char *v)
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
        if (n >= sizeof(word))
            return bs_fail(&c->err, BS_USAGE, "ignore pattern too long");
        memcpy(word, v, n);
        word[n] = '\0';
        {
            struct bs_err e = {0};

            if (url_rules_add_ignore(c->conf->rules, word, &e))
                return bs_fail(&c->err, BS_USAGE, "%s", e.msg);
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
    } else if (strcmp(section, "urls") == 0 &&
               (strcmp(name, "post") == 0 || strcmp(name, "tag") == 0 ||
                strcmp(name, "category") == 0)) {
        if (url_rules_set(conf->rules, name, value, &err)) {
            bs_fail(&c->err, BS_USAGE, "%s", err.msg);
            return 0;
        }
    } else if (strcmp(section, "urls") == 0 && strcmp(name, "ignore") == 0) {
        if (add_ignores(c, value))
            return 0;
    } else if (strcmp(section, "log") == 0 && strcmp(name, "format") == 0) {
        if (parse_format_name(value, &conf->format)) {
            bs_fail(&c->err, BS_USAGE,
                    "unknown log format '%s'; use common, combined or auto",
                    value);
            return 0;
        }
    } else if (strcmp(section, "geoip") == 0 &&
               strcmp(name, "database") == 0) {
        set_str(&conf->geoip, value);
    } else if (strcmp(section, "db") == 0 && strcmp(name, "path") == 0) {
        set_str(&conf->db, value);
    } else {
        bs_fail(&c->err, BS_USAGE, "unknown setting '%s' in [%s]", name,
                section);
        return 0;
    }
    return 1;
}

struct conf *conf_load(const char *path, struct bs_err *err)
{
    struct conf *conf = xcalloc(1, sizeof(*conf));
    struct conf_ctx ctx = {0};
    FILE *f;
    int rc;

    conf->rules = url_rules_new();
    conf->format = LOG_AUTO;
    if (!path)
        return conf;
    conf->path = xstrdup(path);
    f = fopen(path, "r");
    if (!f) {
        bs_fail(err, BS_NOINPUT, "cannot open config '%s': %s", path,
                strerror(errno));
        conf_free(conf);
        return NULL;
    }
    ctx.conf = conf;
    rc = ini_parse_file(f, handler, &ctx);
    fclose(f);
    if (rc != 0) {
        if (ctx.err.status)
            bs_fail(err, ctx.err.status, "%s:%d: %s", path, rc, ctx.err.msg);
        else
            bs_fail(err, BS_USAGE, "%s:%d: syntax error; expected "
                    "'[section]' or 'key = value'", path, rc);
        conf_free(conf);
        return NULL;
    }
    return conf;
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
