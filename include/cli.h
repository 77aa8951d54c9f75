/*
 * cli.h - what the command-line front end shares between its files:
 * the parsed global options (the program's only global), error printing,
 * and the subcommands.
 */
#ifndef BLOGSTAT_CLI_H
#define BLOGSTAT_CLI_H

#include "blogstat.h"
#include "conf.h"
#include "dims.h"
#include "sink.h"

/* Where an installed blogstat finds its config (make sysconfdir=...). */
#ifndef BLOGSTAT_SYSCONFDIR
#define BLOGSTAT_SYSCONFDIR "/usr/local/etc"
#endif

struct cli_opts {
    const char *db;          /* --db */
    const char *config;      /* --config */
    const char *geoip;       /* --geoip */
    int quiet;               /* -q */
    int verbose;             /* -v */
};

extern struct cli_opts cli;

/* Print err as "blogstat: message" (and where it was raised, with -v). */
void cli_error(const struct bs_err *err);
/* Print "blogstat: message" to stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print a usage error and return BS_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The config's path: --config, $BLOGSTAT_CONFIG, ./blogstat.conf, else
 * SYSCONF/blogstat.conf (written into buf[cap]) when it exists; NULL:
 * none, the built-in defaults. */
const char *cli_conf_find(const char *sysconf, char *buf, size_t cap);
/* Load the config cli_conf_find() names for the installed sysconfdir;
 * with -v, say which config and database (and, on a terminal, when there
 * is no config at all). Returns NULL with err on failure. */
struct conf *cli_conf(struct bs_err *err);
/* The database path: --db, $BLOGSTAT_DB, the config, ./blogstat.db. */
const char *cli_db_path(const struct conf *conf);

struct store;
/* The database ids of the config's sites, ids[conf->nsites], made when
 * new: 0, or -1 with err. */
int cli_site_ids(struct store *s, const struct conf *conf, int64_t *ids,
                 struct bs_err *err);
/* The id of the site --site name selects (NULL: the default): 0, or -1
 * with err (an unknown name: BS_USAGE, with the sites there are). */
int cli_site_select(struct store *s, const char *name, int64_t *id,
                    struct bs_err *err);

/* The sink of the library's reports (sink.h) on standard error, by -q
 * and -v; with progress (a terminal), a progress line too, its inputs
 * numbered in the order they end: "[3/15]" never after "[4/15]". */
struct cli_sink {
    struct sink sink;
    int ended;               /* inputs whose last report came */
};
/* Fill s; pass &s->sink to the library. */
void cli_sink(struct cli_sink *s, int progress);

/* n bytes for a person, into out[cap]: "812 B", "45.3 kB", "12.0 MB",
 * "3.41 GB" (powers of 1000). */
void cli_bytes(uint64_t n, char *out, size_t cap);

/* Parse a non-negative integer option value; -1 when it is not one. */
int64_t cli_parse_count(const char *s);

/* The clock: now, or $BLOGSTAT_NOW (Unix seconds, for tests). 0, or
 * BS_USAGE once cli_usage(cmd, ...) has said why. */
int cli_now(const char *cmd, int64_t *now);

/* What the commands that read logs (ingest, recount) take alike. */
struct cli_log {
    int site;                /* the config's site of --site, -1: none */
    const char *format;      /* --format, the config's, or "auto" */
    const char *geoip;       /* --geoip, $BLOGSTAT_GEOIP, the config's;
                              * NULL: search */
    const char *db;          /* cli_db_path() */
    int64_t now;             /* cli_now() */
};
/* Fill out from --site and --format (NULL: not given), the config and
 * the environment, the format checked: 0, or BS_USAGE once
 * cli_usage(cmd, ...) has said why. */
int cli_log_opts(const struct conf *conf, const char *cmd, const char *site,
                 const char *format, struct cli_log *out);

/* A command's --from, --to and --days, checked. */
struct cli_range {
    int32_t from, to;        /* days, when has_from, has_to */
    int has_from, has_to;
    int64_t days;            /* 0: no --days */
    int64_t now;             /* Unix seconds: the clock that says whether
                              * the newest day is complete */
};
/* Check the values of --from, --to and --days (NULL: not given) into r,
 * with now the clock (or $BLOGSTAT_NOW, Unix seconds, for tests): 0, or
 * BS_USAGE once cli_usage(cmd, ...) has said why. */
int cli_range_parse(struct cli_range *r, const char *cmd, const char *from,
                    const char *to, const char *days);
/*
 * The days r selects, inclusive, over the data of site (STORE_SITE_ALL:
 * of every site). --days N: the N days ending with --to, else with the
 * newest complete day: the newest day with data, or the day before it
 * while that one is still being written at r->now (report_partial_day()).
 * --from alone runs to the newest day (or to
 * --from, when later); --to alone starts at the oldest day (or at --to,
 * when earlier); neither: every day with data. A database without data
 * has one day, 1970-01-01. 0, or -1 with err.
 */
int cli_range(struct store *s, int64_t site, const struct cli_range *r,
              int32_t *from, int32_t *to, struct bs_err *err);

/* Unless -q: when site (STORE_SITE_ALL: every site; name: its --site,
 * NULL: none given) has no view in [from, to], say so on standard error
 * with the days it does hold. 0, or -1 with err. */
int cli_say_empty(struct store *s, int64_t site, const char *name,
                  int32_t from, int32_t to, struct bs_err *err);

int cmd_ingest(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_digest(int argc, char **argv);

/* The tables of `top` over the other dimensions (top_dims.c). */
struct out_column;
struct out_table;
struct store_filter;
struct top_dim_kind {
    const char *name;          /* "robots", "hours" ... */
    enum dim dim;
    const struct out_column *cols;
    int ncols;
    int64_t default_limit;     /* 0: all */
};
/* The table named name, or NULL. */
const struct top_dim_kind *top_dim_kind(const char *name);
/* Its rows over the filter into out: 0, or -1 with err. */
int top_dim_rows(struct store *store, const struct top_dim_kind *k,
                 const struct store_filter *f, struct out_table *out,
                 struct bs_err *err);
int cmd_report(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_recount(int argc, char **argv);
int cmd_copy(int argc, char **argv);

#endif
