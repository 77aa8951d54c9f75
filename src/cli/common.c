/*
 * common.c - what the commands share: the global options, messages, the
 * config and database found, the sites, the clock, and the options of
 * the commands that read logs.
 */
#include "blogstat.h"
#include "cli.h"
#include "store.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct cli_opts cli;

/*
 * Write "blogstat: " fmt ap tail "\n" to standard error with one call:
 * a message is one line whatever another thread prints (a longer one is
 * cut, its newline kept).
 */
static void put_line(const char *tail, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void put_line(const char *tail, const char *fmt, va_list ap)
{
    char line[2048];
    size_t n = 10, room = sizeof(line) - 1;
    int k;

    memcpy(line, "blogstat: ", n);
    k = vsnprintf(line + n, room - n, fmt, ap);
    n = k < 0 ? n : (size_t)k >= room - n ? room - 1 : n + (size_t)k;
    k = snprintf(line + n, room - n, "%s", tail);
    n = k < 0 ? n : (size_t)k >= room - n ? room - 1 : n + (size_t)k;
    line[n++] = '\n';
    line[n] = '\0';
    fputs(line, stderr);
}

static void put(const char *tail, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void put(const char *tail, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    put_line(tail, fmt, ap);
    va_end(ap);
}

void cli_error(const struct bs_err *err)
{
    if (cli.verbose && err->src_file)
        put("", "%s [%s:%d]", err->msg, err->src_file, err->src_line);
    else
        put("", "%s", err->msg);
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    put_line("", fmt, ap);
    va_end(ap);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    char tail[64];
    va_list ap;

    snprintf(tail, sizeof(tail), "; see 'blogstat %s--help'", cmd ? cmd : "");
    va_start(ap, fmt);
    put_line(tail, fmt, ap);
    va_end(ap);
    return BS_USAGE;
}

void cli_bytes(uint64_t n, char *out, size_t cap)
{
    double v = (double)n;

    if (n < 1000)
        snprintf(out, cap, "%llu B", (unsigned long long)n);
    else if (n < 999950)        /* not "1000.0 kB" */
        snprintf(out, cap, "%.1f kB", v / 1e3);
    else if (n < 999950000)
        snprintf(out, cap, "%.1f MB", v / 1e6);
    else
        snprintf(out, cap, "%.2f GB", v / 1e9);
}

int64_t cli_parse_count(const char *s)
{
    int64_t v = 0;

    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (INT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (*s - '0');
    }
    return v;
}

const char *cli_conf_find(const char *sysconf, char *buf, size_t cap)
{
    const char *path = cli.config;

    if (!path)
        path = getenv("BLOGSTAT_CONFIG");
    if (path && *path)
        return path;
    if (access("blogstat.conf", F_OK) == 0)
        return "blogstat.conf";
    if (sysconf && *sysconf &&
        (size_t)snprintf(buf, cap, "%s/blogstat.conf", sysconf) < cap &&
        access(buf, F_OK) == 0)
        return buf;
    return NULL;
}

struct conf *cli_conf(struct bs_err *err)
{
    char buf[4096];
    const char *path = cli_conf_find(BLOGSTAT_SYSCONFDIR, buf, sizeof(buf));
    struct conf *c = conf_load(path, err);

    if (!c || cli.quiet)
        return c;
    if (path && cli.verbose)
        fprintf(stderr, "blogstat: config %s, database %s\n", path,
                cli_db_path(c));
    else if (!path && (cli.verbose || isatty(STDERR_FILENO)))
        fprintf(stderr, "blogstat: no config (not ./blogstat.conf nor "
                "%s/blogstat.conf): WordPress's URLs, database %s\n",
                BLOGSTAT_SYSCONFDIR, cli_db_path(c));
    return c;
}

const char *cli_db_path(const struct conf *conf)
{
    const char *env = getenv("BLOGSTAT_DB");

    if (cli.db)
        return cli.db;
    if (env && *env)
        return env;
    if (conf && conf->db)
        return conf->db;
    return "blogstat.db";
}

int cli_site_ids(struct store *s, const struct conf *conf, int64_t *ids,
                 struct bs_err *err)
{
    for (size_t i = 0; i < conf->nsites; i++)
        if (store_site_id(s, conf->sites[i].id, 1, &ids[i], err) < 0)
            return -1;
    return 0;
}

/* Append a site's name to the list of the message. */
static int list_site(void *ctx, const struct store_site_row *row)
{
    char *buf = ctx;
    size_t n = strlen(buf);

    if (n + strlen(row->name) + 3 < 512)
        snprintf(buf + n, 512 - n, "%s%s", n ? ", " : "", row->name);
    return 0;
}

int cli_site_select(struct store *s, const char *name, int64_t *id,
                    struct bs_err *err)
{
    struct store_filter f = {.from = INT32_MIN, .to = INT32_MAX};
    char list[512] = "";
    int found;

    *id = STORE_SITE_DEFAULT;
    if (!name)
        return 0;
    found = store_site_id(s, name, 0, id, err);
    if (found != 0)
        return found < 0 ? -1 : 0;
    if (store_sites(s, &f, list_site, list, err))
        return -1;
    return bs_fail(err, BS_USAGE, "no site '%s' in the database; it has: %s",
                   name, list);
}

int cli_now(const char *cmd, int64_t *now)
{
    const char *env = getenv("BLOGSTAT_NOW");

    *now = (int64_t)time(NULL);
    /* A fixed clock, for tests of the day still being written. */
    if (env && (*now = cli_parse_count(env)) < 0)
        return cli_usage(cmd, "bad BLOGSTAT_NOW '%s': give Unix seconds",
                         env);
    return 0;
}

int cli_log_opts(const struct conf *conf, const char *cmd, const char *site,
                 const char *format, struct cli_log *out)
{
    const char *geoip = cli.geoip ? cli.geoip : getenv("BLOGSTAT_GEOIP");
    struct bs_err err = {0};

    out->site = site ? conf_site_find(conf, site) : -1;
    if (site && out->site < 0)
        return cli_usage(cmd, "no site '%s' in the config: declare it with "
                         "[site %s] (and its [urls %s])", site, site, site);
    out->format = format ? format : conf->format ? conf->format : "auto";
    /* Checked now, before the threads: a time zone is read with TZ set. */
    if (conf_check_format(conf, out->format, &err))
        return cli_usage(cmd, "bad --format: %s", err.msg);
    if (geoip && !*geoip)
        geoip = NULL;
    out->geoip = geoip ? geoip : conf->geoip;
    out->db = cli_db_path(conf);
    return cli_now(cmd, &out->now);
}

/* Add a site's views of the range: of every site (ctx->site
 * STORE_SITE_ALL), or of one. */
struct range_views {
    int64_t site, views;
};

static int sum_views(void *ctx, const struct store_site_row *row)
{
    struct range_views *rv = ctx;

    if (rv->site == STORE_SITE_ALL || rv->site == row->id)
        rv->views += row->views;
    return 0;
}

int cli_say_empty(struct store *s, int64_t site, const char *name,
                  int32_t from, int32_t to, struct bs_err *err)
{
    struct store_filter f = {.from = from, .to = to};
    struct range_views rv = {site, 0};
    char a[11], b[11], c[11], d[11], who[128];
    int32_t first, last;
    int has;

    if (store_sites(s, &f, sum_views, &rv, err) ||
        (has = store_day_span(s, site, &first, &last, err)) < 0)
        return -1;
    if (rv.views > 0 || cli.quiet)
        return 0;
    day_format(from, a);
    day_format(to, b);
    if (name)
        snprintf(who, sizeof(who), "site '%s'", name);
    else
        snprintf(who, sizeof(who), "the database");
    if (!has) {
        cli_warn("no views between %s and %s (%s holds no day yet)", a, b,
                 who);
    } else {
        day_format(first, c);
        day_format(last, d);
        cli_warn("no views between %s and %s (%s holds %s to %s)", a, b,
                 who, c, d);
    }
    return 0;
}
