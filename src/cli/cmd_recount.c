/*
 * cmd_recount.c - `blogstat recount`: options into struct recount_opts,
 * recount.h run, its result into a summary line and the exit status.
 */
#include "blogstat.h"
#include "cli.h"
#include "conf.h"
#include "recount.h"
#include "sink.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char recount_usage[] =
    "usage: blogstat recount [OPTIONS] [FILE...]\n"
    "\n"
    "Count days again with the config as it is now (after a change of a\n"
    "URL rule, an ignore pattern, a site), from the logs still on disk:\n"
    "each day's counts are replaced whole, in one transaction a day.\n"
    "Logs are found by their first line under the name they were last\n"
    "read as, its rotated siblings (.1, .2.gz, -20240101.gz) and the FILEs\n"
    "given; each is read only as far as ingest read it, so that the next\n"
    "ingest goes on from there. A day with a log no longer on disk is left\n"
    "as it was, and named.\n"
    "\n"
    "  --from DATE      the first day (YYYY-MM-DD; default: the oldest)\n"
    "  --to DATE        the last day, inclusive (default: the newest)\n"
    "  --format FORMAT  log format, as for ingest (default: the config's)\n"
    "  --site NAME      every line is site NAME's, as for ingest\n"
    "  --geoip PATH     MaxMind DB file for countries\n"
    "  --wait           wait for an ingest of the same database to end\n"
    "                   (without it: exit 75 at once)\n"
    "  -j, --jobs N     read N files at once (default: one per core)\n"
    "  -q, --quiet      only errors\n"
    "  -v, --verbose    every day counted again, every bad line\n"
    "\n"
    "Exit status 66 when some days were left as they were for want of\n"
    "their logs (the others are counted again).\n";

struct recount_args {
    const char *from, *to;     /* --from, --to */
    const char *format;        /* --format, NULL: the config's */
    const char *site;          /* --site */
};

/* Parse the options: -1 to go on, else the exit status. */
static int parse_opts(int argc, char **argv, struct recount_opts *o,
                      struct recount_args *a)
{
    enum { OPT_FROM = 256, OPT_TO, OPT_FORMAT, OPT_SITE, OPT_GEOIP,
           OPT_WAIT };
    static const struct option longopts[] = {
        {"from", required_argument, NULL, OPT_FROM},
        {"to", required_argument, NULL, OPT_TO},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"site", required_argument, NULL, OPT_SITE},
        {"geoip", required_argument, NULL, OPT_GEOIP},
        {"wait", no_argument, NULL, OPT_WAIT},
        {"jobs", required_argument, NULL, 'j'},
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
        case OPT_FROM: a->from = optarg; break;
        case OPT_TO: a->to = optarg; break;
        case OPT_FORMAT: a->format = optarg; break;
        case OPT_SITE: a->site = optarg; break;
        case OPT_GEOIP: cli.geoip = optarg; break;
        case OPT_WAIT: o->wait = 1; break;
        case 'j':
            v = cli_parse_count(optarg);
            if (v <= 0 || v > 256)
                return cli_usage("recount ", "bad --jobs '%s'", optarg);
            o->jobs = (int)v;
            break;
        case 'q': cli.quiet = 1; break;
        case 'v': cli.verbose = 1; break;
        case 'h':
            fputs(recount_usage, stdout);
            return 0;
        default:
            return cli_usage("recount ", "unknown option '%s'",
                             argv[optind - 1]);
        }
    }
    o->files = argv + optind;
    o->nfiles = argc - optind;
    for (int i = 0; i < o->nfiles; i++)
        if (strcmp(o->files[i], "-") == 0)
            return cli_usage("recount ", "a log is read again from a file, "
                             "not from standard input");
    return -1;
}

/* The options the config and the range complete: -1 to go on, else the
 * exit status. */
static int complete_opts(struct recount_opts *o, const struct recount_args *a)
{
    struct cli_log l;
    struct cli_range r;
    int st;

    if ((st = cli_range_parse(&r, "recount ", a->from, a->to, NULL)))
        return st;
    /* Unbounded ends: the plan keeps only days with data or a log. */
    o->from = r.has_from ? r.from : INT32_MIN / 2;
    o->to = r.has_to ? r.to : INT32_MAX / 2;
    if ((st = cli_log_opts(o->conf, "recount ", a->site, a->format, &l)))
        return st;
    o->site = l.site;
    o->format = l.format;
    o->geoip = l.geoip;
    o->db = l.db;
    o->key_path = o->conf->db_key;
    o->now = l.now;
    return -1;
}

int cmd_recount(int argc, char **argv)
{
    struct recount_opts o = {0};
    struct recount_args a = {0};
    struct recount_result res;
    struct bs_err err = {0};
    struct cli_sink sink;
    struct conf *conf;
    int status, progress;

    if ((status = parse_opts(argc, argv, &o, &a)) >= 0)
        return status;
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
    if (recount_run(&o, &sink.sink, &res, &err)) {
        cli_error(&err);
        conf_free(conf);
        return err.status;
    }
    if (!cli.quiet)
        fprintf(stderr, "blogstat: %llu day%s counted again from %llu "
                "log%s; %llu left as %s, in %.1f s\n",
                (unsigned long long)res.days, res.days == 1 ? "" : "s",
                (unsigned long long)res.files, res.files == 1 ? "" : "s",
                (unsigned long long)res.kept,
                res.kept == 1 ? "it was" : "they were", res.secs);
    conf_free(conf);
    return res.status;
}
