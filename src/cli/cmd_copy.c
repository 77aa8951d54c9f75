/*
 * cmd_copy.c - `blogstat copy --to URI|FILE`: the options into struct
 * copy_opts, copy.h run, its result into a summary line and the exit
 * status.
 */
#include "blogstat.h"
#include "cli.h"
#include "conf.h"
#include "copy.h"
#include "sink.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char copy_usage[] =
    "usage: blogstat copy --to URI|FILE\n"
    "\n"
    "Copy the whole database (--db) into a new or empty one: a PostgreSQL\n"
    "database (a libpq URI, postgresql://...) or a database file, either\n"
    "way. Sites, imported posts, every day's counts and visitors, the open\n"
    "days' visits and the logs read go over, so that an ingest of the same\n"
    "logs into the copy adds nothing. The copy is written in one\n"
    "transaction: one that fails leaves the destination as it was.\n"
    "\n"
    "The visitor key stays a file: a copy into a file gets the database's\n"
    "key beside it (FILE.key) unless the config names one ([db] key); a\n"
    "PostgreSQL copy needs '[db] key' naming the same key file.\n"
    "\n"
    "  --to URI|FILE   the new database (refused when it holds data)\n"
    "  -q, --quiet     only errors\n"
    "  -v, --verbose   every day copied\n";

int cmd_copy(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"to", required_argument, NULL, 't'},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct copy_opts o = {0};
    struct copy_result res;
    struct bs_err err = {0};
    struct cli_sink sink;
    struct conf *conf;
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "qvh", longopts, NULL)) != -1) {
        switch (c) {
        case 't': o.to = optarg; break;
        case 'q': cli.quiet = 1; break;
        case 'v': cli.verbose = 1; break;
        case 'h':
            fputs(copy_usage, stdout);
            return 0;
        default:
            return cli_usage("copy ", "unknown option '%s'",
                             argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage("copy ", "unexpected argument '%s'", argv[optind]);
    if (!o.to || !*o.to)
        return cli_usage("copy ", "give the new database with --to URI|FILE");
    if (!(conf = cli_conf(&err))) {
        cli_error(&err);
        return err.status;
    }
    o.from = cli_db_path(conf);
    o.key_path = conf->db_key;
    cli_sink(&sink, 0);
    if (copy_run(&o, &sink.sink, &res, &err)) {
        cli_error(&err);
        conf_free(conf);
        return err.status;
    }
    if (!cli.quiet)
        fprintf(stderr, "blogstat: copied %llu day%s (%llu rows), %llu "
                "log%s, %llu open day%s%s, in %.1f s\n",
                (unsigned long long)res.days, res.days == 1 ? "" : "s",
                (unsigned long long)res.rows,
                (unsigned long long)res.sources,
                res.sources == 1 ? "" : "s",
                (unsigned long long)res.salts, res.salts == 1 ? "" : "s",
                res.key_written ? "; the key beside it" : "", res.secs);
    conf_free(conf);
    return 0;
}
