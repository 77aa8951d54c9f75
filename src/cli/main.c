/*
 * main.c - global options, the command table, and the exit status
 * (what the commands share is in common.c).
 */
#include "blogstat.h"
#include "cli.h"
#include "store.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} commands[] = {
    {"ingest", cmd_ingest, "read access logs into the database"},
    {"import", cmd_import, "read post titles, dates, tags and categories"},
    {"top", cmd_top, "ranked posts, tags, countries, days, sites ..."},
    {"report", cmd_report, "write the HTML report and its charts"},
    {"digest", cmd_digest, "the week's mail, for sendmail -t"},
    {"status", cmd_status, "what has been ingested"},
    {"recount", cmd_recount, "count days again after a config change"},
    {"copy", cmd_copy, "copy the database into a new one (PostgreSQL, file)"},
};

static const char usage_text[] =
    "usage: blogstat [--db PATH] [--config PATH] [--geoip PATH] [-q|-v]\n"
    "                COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "commands:\n"
    "%s"
    "\n"
    "global options:\n"
    "  --db PATH       database (default: $BLOGSTAT_DB, the config's [db]\n"
    "                  path, else ./blogstat.db)\n"
    "  --config PATH   config file (default: $BLOGSTAT_CONFIG, else\n"
    "                  ./blogstat.conf, else " BLOGSTAT_SYSCONFDIR
    "/blogstat.conf,\n"
    "                  when they exist; else WordPress defaults)\n"
    "  --geoip PATH    MaxMind DB file for countries\n"
    "  -q, --quiet     only errors\n"
    "  -v, --verbose   more detail, every bad line\n"
    "  -h, --help      this help; 'blogstat COMMAND --help' for a command\n"
    "  --version       print the version\n"
    "\n"
    "exit status: 0 ok, 64 usage, 65 bad data, 66 cannot open an input,\n"
    "73 cannot create an output, 74 I/O error, 75 database busy\n";

static void usage(FILE *f)
{
    char list[512];
    size_t o = 0;

    for (size_t i = 0; i < ARRAY_SIZE(commands) && o < sizeof(list); i++)
        o += (size_t)snprintf(list + o, sizeof(list) - o, "  %-10s %s\n",
                              commands[i].name, commands[i].summary);
    fprintf(f, usage_text, list);
}


/*
 * The global options given after the command (blogstat top posts --db X):
 * taken out of argv[1..*argc) up to a "--", into cli. -1 to go on, else
 * the exit status. cmd: "NAME " for messages.
 */
static int take_globals(const char *cmd, int *argc, char **argv)
{
    static const struct {
        const char *name;
        const char **to;
    } valued[] = {
        {"--db", &cli.db}, {"--config", &cli.config}, {"--geoip", &cli.geoip},
    };
    int n = 1;

    for (int i = 1; i < *argc; i++) {
        const char *a = argv[i];
        int taken = 0;

        if (strcmp(a, "--") == 0) {
            while (i < *argc)
                argv[n++] = argv[i++];
            break;
        }
        if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            cli.quiet = taken = 1;
        } else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            cli.verbose = taken = 1;
        }
        for (size_t k = 0; k < ARRAY_SIZE(valued) && !taken; k++) {
            size_t m = strlen(valued[k].name);

            if (strncmp(a, valued[k].name, m) != 0)
                continue;
            if (a[m] == '=') {
                *valued[k].to = a + m + 1;
                taken = 1;
            } else if (a[m] == '\0') {
                if (i + 1 >= *argc)
                    return cli_usage(cmd, "%s needs a value", a);
                *valued[k].to = argv[++i];
                taken = 1;
            }
        }
        if (!taken)
            argv[n++] = argv[i];
    }
    argv[n] = NULL;
    *argc = n;
    return -1;
}

int main(int argc, char **argv)
{
    enum { OPT_DB = 256, OPT_CONFIG, OPT_GEOIP, OPT_VERSION };
    static const struct option longopts[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"config", required_argument, NULL, OPT_CONFIG},
        {"geoip", required_argument, NULL, OPT_GEOIP},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    const struct command *cmd = NULL;
    char prefix[32];
    struct sigaction sa;
    int c, status;

    /* A file too big for its limit (ulimit -f) is a write error to report
     * (exit 74), not a signal that kills mid-transaction. */
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_IGN;
    sigaction(SIGXFSZ, &sa, NULL);
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+qvh", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_DB: cli.db = optarg; break;
        case OPT_CONFIG: cli.config = optarg; break;
        case OPT_GEOIP: cli.geoip = optarg; break;
        case 'q': cli.quiet = 1; break;
        case 'v': cli.verbose = 1; break;
        case 'h':
            usage(stdout);
            return 0;
        case OPT_VERSION:
            printf("blogstat %s\n", BLOGSTAT_VERSION);
            return 0;
        default:
            return cli_usage(NULL, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return BS_USAGE;
    }
    if (strcmp(argv[optind], "help") == 0) {
        if (optind + 1 < argc) {
            /* "help CMD" is "CMD --help". */
            char *args[] = {argv[optind + 1], "--help", NULL};

            for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
                if (strcmp(commands[i].name, args[0]) == 0)
                    return commands[i].fn(2, args);
            return cli_usage(NULL, "unknown command '%s'", args[0]);
        }
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
        if (strcmp(commands[i].name, argv[optind]) == 0)
            cmd = &commands[i];
    if (!cmd)
        return cli_usage(NULL, "unknown command '%s'", argv[optind]);

    optind++;
    argv += optind - 1;
    argc -= optind - 1;
    optind = 0;   /* glibc: start the next getopt_long afresh */
    snprintf(prefix, sizeof(prefix), "%s ", cmd->name);
    if ((status = take_globals(prefix, &argc, argv)) >= 0)
        return status;
    status = cmd->fn(argc, argv);

    /* Output that never reached its destination is an error too. */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "blogstat: cannot write the output: %s\n",
                strerror(errno));
        return status ? status : BS_IOERR;
    }
    return status;
}
