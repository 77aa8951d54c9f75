/*
 * cmd_ingest.c - `blogstat ingest`: options into struct ingest_opts, the
 * engine (ingest.h) run over the files, its result into the summary
 * lines and the exit status.
 */
#include "blogstat.h"
#include "cli.h"
#include "conf.h"
#include "ingest.h"
#include "sink.h"

#include <errno.h>
#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char ingest_usage[] =
    "usage: blogstat ingest [OPTIONS] FILE...\n"
    "\n"
    "Read access logs (gzip or plain, '-' for standard input) and add what\n"
    "they count to the database.\n"
    "\n"
    "  --format FORMAT  log format: auto (default: chosen per file from its\n"
    "                   first lines), common, combined, vhost_combined,\n"
    "                   nginx, nginx_main, caddy, json, or an Apache\n"
    "                   LogFormat or nginx log_format string\n"
    "  --site NAME      every line is site NAME's ([site NAME] in the\n"
    "                   config), whatever host it names: for a site's own\n"
    "                   log (default: by each line's host)\n"
    "  --max-bad N[%]   exit 65 when more lines than this are bad:\n"
    "                   a count, or a percentage of the lines (default 1%)\n"
    "  --geoip PATH     MaxMind DB file for countries\n"
    "  --wait           wait for another ingest of the same database (on\n"
    "                   PostgreSQL: of the same log) to end\n"
    "                   (without it: exit 75 at once)\n"
    "  --commit-every N lines per transaction (default 262144)\n"
    "  -j, --jobs N     count on N threads: N files at once, and more\n"
    "                   than the files: each file's lines shared out\n"
    "                   (default: a file per core)\n"
    "  --max-bytes SIZE stop reading a file after SIZE bytes (K, M, G):\n"
    "                   for endless inputs such as a device\n"
    "  -q, --quiet      only errors\n"
    "  -v, --verbose    report every bad line and what is done with each file\n"
    "\n"
    "A log is known by its first line, not its name: giving the same files\n"
    "again, or yesterday's file under its rotated or compressed name, counts\n"
    "nothing twice; a file that grew is read on from where it stopped, and a\n"
    "last line still being written is left for the next run.\n";

/* "N%" is a share of the lines, "N" a count; -1 when it is neither. */
static int parse_max_bad(const char *s, double *pct, int64_t *count)
{
    size_t n = strlen(s);
    char *end;

    if (n > 1 && s[n - 1] == '%') {
        double v;

        errno = 0;
        v = strtod(s, &end);
        if (errno || end != s + n - 1 || v < 0 || v > 100)
            return -1;
        *pct = v;
        *count = -1;
        return 0;
    }
    *count = cli_parse_count(s);
    *pct = -1;
    return *count < 0 ? -1 : 0;
}

/* "500M" -> bytes: a count with an optional K, M, G or T (powers of
 * 1024). -1 when it is none. */
static int parse_size(const char *s, uint64_t *out)
{
    size_t n = strlen(s);
    int shift = 0;
    int64_t v;
    char num[32];

    if (n == 0 || n >= sizeof(num))
        return -1;
    switch (s[n - 1]) {
    case 'K': case 'k': shift = 10; break;
    case 'M': case 'm': shift = 20; break;
    case 'G': case 'g': shift = 30; break;
    case 'T': case 't': shift = 40; break;
    default: break;
    }
    memcpy(num, s, n + 1);
    if (shift)
        num[n - 1] = '\0';
    v = cli_parse_count(num);
    if (v <= 0 || (uint64_t)v > (UINT64_MAX >> shift))
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

/* What the options say beyond ingest_opts. */
struct ingest_args {
    const char *format;        /* --format, NULL: the config's */
    const char *site;          /* --site */
    double max_pct;            /* --max-bad N%, -1: a count */
    int64_t max_count;         /* --max-bad N, -1: a share */
};

/* Parse the options into o and a: -1 to go on, else the exit status. */
static int parse_opts(int argc, char **argv, struct ingest_opts *o,
                      struct ingest_args *a)
{
    enum {
        OPT_FORMAT = 256, OPT_MAX_BAD, OPT_GEOIP, OPT_WAIT, OPT_COMMIT,
        OPT_MAX_BYTES, OPT_SITE
    };
    static const struct option longopts[] = {
        {"format", required_argument, NULL, OPT_FORMAT},
        {"max-bad", required_argument, NULL, OPT_MAX_BAD},
        {"geoip", required_argument, NULL, OPT_GEOIP},
        {"wait", no_argument, NULL, OPT_WAIT},
        {"commit-every", required_argument, NULL, OPT_COMMIT},
        {"jobs", required_argument, NULL, 'j'},
        {"max-bytes", required_argument, NULL, OPT_MAX_BYTES},
        {"site", required_argument, NULL, OPT_SITE},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int64_t v;
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "qvhj:", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_FORMAT: a->format = optarg; break;
        case OPT_MAX_BAD:
            if (parse_max_bad(optarg, &a->max_pct, &a->max_count))
                return cli_usage("ingest ", "bad --max-bad '%s': give a "
                                 "count or a percentage such as 1%%",
                                 optarg);
            break;
        case OPT_GEOIP: cli.geoip = optarg; break;
        case OPT_WAIT: o->wait = 1; break;
        case OPT_SITE: a->site = optarg; break;
        case OPT_COMMIT:
            v = cli_parse_count(optarg);
            if (v <= 0)
                return cli_usage("ingest ", "bad --commit-every '%s'",
                                 optarg);
            o->commit_every = (uint64_t)v;
            break;
        case OPT_MAX_BYTES:
            if (parse_size(optarg, &o->max_bytes))
                return cli_usage("ingest ", "bad --max-bytes '%s': give a "
                                 "size such as 500M or 20G", optarg);
            break;
        case 'j':
            v = cli_parse_count(optarg);
            if (v <= 0 || v > 256)
                return cli_usage("ingest ", "bad --jobs '%s'", optarg);
            o->jobs = (int)v;
            break;
        case 'q': cli.quiet = 1; break;
        case 'v': cli.verbose = 1; break;
        case 'h':
            fputs(ingest_usage, stdout);
            return 0;
        default:
            return cli_usage("ingest ", "unknown option '%s'",
                             argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage("ingest ", "no log file given");
    o->files = argv + optind;
    o->nfiles = argc - optind;
    return -1;
}

/* The options the config completes: -1 to go on, else the exit status. */
static int complete_opts(struct ingest_opts *o, const struct ingest_args *a)
{
    struct cli_log l;
    int st;

    if ((st = cli_log_opts(o->conf, "ingest ", a->site, a->format, &l)))
        return st;
    o->site = l.site;
    o->format = l.format;
    o->geoip = l.geoip;
    o->db = l.db;
    o->key_path = o->conf->db_key;
    o->now = l.now;
    return -1;
}

/* "1 line" or "2 lines": n and its word, into buf[64]. */
static const char *count(uint64_t n, const char *one, const char *many,
                         char buf[64])
{
    snprintf(buf, 64, "%llu %s", (unsigned long long)n,
             plural((int64_t)n, one, many));
    return buf;
}

/* When some files failed and the others were read: what was counted. An
 * error that stopped every worker (I/O, a busy database) says so itself. */
static void say_partial(const struct ingest_result *res,
                        const struct ingest_opts *o)
{
    uint64_t n = (uint64_t)o->nfiles, ok = n - res->failed;
    const char *first;
    char a[64];

    if (!res->failed || res->first_failed < 0 || n < 2 ||
        res->status == BS_IOERR || res->status == BS_TEMPFAIL ||
        res->status == BS_OSERR)
        return;
    first = o->files[res->first_failed];
    if (strcmp(first, "-") == 0)
        first = "(stdin)";
    if (res->failed == 1)
        cli_warn("counted %llu of %s, and kept; %s failed (said above)",
                 (unsigned long long)ok, count(n, "file", "files", a), first);
    else
        cli_warn("counted %llu of %s, and kept; %s and %llu other%s "
                 "failed (said above)", (unsigned long long)ok,
                 count(n, "file", "files", a), first,
                 (unsigned long long)(res->failed - 1),
                 res->failed == 2 ? "" : "s");
}

/* The summary lines of a run, and its exit status. */
static int summary(const struct ingest_result *res,
                   const struct ingest_opts *o, const struct ingest_args *a,
                   int progress)
{
    int status = res->status;
    char n1[64], n2[64], n3[64], n4[64];

    if (res->bad > 0) {
        int over = a->max_count >= 0
                       ? res->bad > (uint64_t)a->max_count
                       : (double)res->bad * 100.0 >
                             a->max_pct * (double)res->lines;

        if (over || !cli.quiet)
            cli_warn("%s of %llu (%.2f%%)%s%s",
                     count(res->bad, "bad line", "bad lines", n1),
                     (unsigned long long)res->lines,
                     res->lines ? 100.0 * (double)res->bad /
                                      (double)res->lines
                                : 100.0,
                     res->bad > res->bad_shown && res->bad_shown
                         ? "; the first are shown above"
                         : "",
                     over ? "; more than --max-bad allows (exit status "
                            "65); the other lines are counted and kept"
                          : "");
        if (over && !status)
            status = BS_DATAERR;
    }
    say_partial(res, o);
    if (res->stray && (progress || cli.verbose)) {
        char shown[256];

        /* A host is the client's to write: no control reaches the tty. */
        utf8_sanitize(res->stray_host, strlen(res->stray_host), shown,
                      sizeof(shown));
        cli_warn("%s of hosts no [site NAME] declares (such as '%s') "
                 "counted for the default site",
                 count(res->stray, "hit", "hits", n1), shown);
    }
    if (progress || cli.verbose)
        cli_warn("%s, %s, %s, %s in %.1f s",
                 count(res->files, "file", "files", n1),
                 count(res->lines, "line", "lines", n2),
                 count(res->hits, "hit", "hits", n3),
                 count(res->views, "view", "views", n4), res->secs);
    if (res->excluded && (progress || cli.verbose))
        cli_warn("%s of [site] exclude addresses left out",
                 count(res->excluded, "line", "lines", n1));
    return status;
}

int cmd_ingest(int argc, char **argv)
{
    struct ingest_opts o = {.commit_every = INGEST_CHUNK_LINES};
    struct ingest_args a = {.max_pct = 1.0, .max_count = -1};
    struct ingest_result res;
    struct bs_err err = {0};
    struct cli_sink sink;
    struct conf *conf;
    int status, progress;

    if ((status = parse_opts(argc, argv, &o, &a)) >= 0)
        return status;
#ifdef __GLIBC__
    /* A chunk's big arrays (its events, hash tables as they grow) mapped
     * on their own and given back when freed, not kept by glibc's moving
     * threshold in the heaps of the threads that freed them: 2 MiB off
     * the peak of a log of many readers. Not for the report, whose
     * charts' surfaces would then be mapped and zeroed afresh each. */
    mallopt(M_MMAP_THRESHOLD, 256 << 10);
#endif
    if (!(conf = cli_conf(&err))) {
        cli_error(&err);
        return err.status;
    }
    o.conf = conf;
    if ((status = complete_opts(&o, &a)) >= 0) {
        conf_free(conf);
        return status;
    }
    progress = !cli.quiet && isatty(STDERR_FILENO);
    cli_sink(&sink, progress);
    if (ingest_run(&o, &sink.sink, &res, &err)) {
        cli_error(&err);
        conf_free(conf);
        return err.status;
    }
    status = summary(&res, &o, &a, progress);
    conf_free(conf);
    return status;
}
