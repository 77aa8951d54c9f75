/*
 * cmd_report.c - `blogstat report`: the options, the sites whose reports
 * are written, and for each its data (report_data.h) written out
 * (report.h).
 */
#include "blogstat.h"
#include "atomicfile.h"
#include "cli.h"
#include "report.h"
#include "report_data.h"
#include "store.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char report_usage[] =
    "usage: blogstat report [--from DATE] [--to DATE] [--days N] "
    "[--out DIR] [--site NAME]\n"
    "                       [--no-periods]\n"
    "\n"
    "Write the HTML report (index.html, a page per top post, and the charts\n"
    "as PNG and SVG) into DIR (default reports/). No range: every day in\n"
    "the database; --days N: the N days ending with the newest complete\n"
    "one (not the day still being written; --to can name it).\n"
    "--site NAME: the report of site NAME ([site NAME] in the config)\n"
    "alone, into DIR. Without it, every site's: the default site's in DIR,\n"
    "each other's in DIR/site/NAME, linked to each other.\n"
    "Besides the range, the report holds the last 7, 30, 90 and 365 days,\n"
    "each year and each month in DIR/periods/ (drawn again only when their\n"
    "counts changed); --no-periods: the range alone.\n";

/* A site whose report is written: its name (from the database) and id. */
struct site_report {
    char name[STORE_SITE_NAME_MAX + 1];
    int64_t id;
};

/* The sites of the database, as many as it has. */
struct sites_ctx {
    struct site_report *s;
    size_t n, cap;
};

/* A site's name makes a folder name: the letters of [site NAME] only. */
static int safe_name(const char *s)
{
    size_t n = strlen(s);

    return n > 0 && n <= STORE_SITE_NAME_MAX &&
           strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                     "0123456789._-") == n &&
           strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

static int add_site(void *ctx, const struct store_site_row *row)
{
    struct sites_ctx *sc = ctx;

    /* The default site always, the others when they have a line. */
    if (row->id != STORE_SITE_DEFAULT && row->hits == 0)
        return 0;
    /* The config refuses such a name; a database made otherwise is told
     * about, never skipped in silence. */
    if (!safe_name(row->name)) {
        cli_warn("site '%s' has no report: its name cannot be a folder's",
                 row->name);
        return 0;
    }
    if (sc->n == sc->cap) {
        sc->cap = sc->cap ? 2 * sc->cap : 16;
        sc->s = xrealloc(sc->s, sc->cap * sizeof(*sc->s));
    }
    snprintf(sc->s[sc->n].name, sizeof(sc->s[sc->n].name), "%s", row->name);
    sc->s[sc->n].id = row->id;
    sc->n++;
    return 0;
}

/* The sites of a report without --site: the default first. */
static int report_sites(struct store *st, struct site_report **out,
                        size_t *n, struct bs_err *err)
{
    struct store_filter f = {.from = INT32_MIN, .to = INT32_MAX};
    struct sites_ctx sc = {NULL, 0, 0};
    int rc = store_sites(st, &f, add_site, &sc, err);

    *out = sc.s;
    *n = 0;
    if (rc)
        return -1;
    for (size_t i = 1; i < sc.n; i++)
        if (sc.s[i].id == STORE_SITE_DEFAULT) {
            struct site_report d = sc.s[i];

            memmove(&sc.s[1], &sc.s[0], i * sizeof(*sc.s));
            sc.s[0] = d;
        }
    *n = sc.n;
    return 0;
}

/* The link from the report of site from to the report of site to. */
static const char *site_href(const struct site_report *from,
                             const struct site_report *to, char *buf,
                             size_t cap)
{
    if (from->id == STORE_SITE_DEFAULT)
        snprintf(buf, cap, "site/%s/index.html", to->name);
    else if (to->id == STORE_SITE_DEFAULT)
        snprintf(buf, cap, "../../index.html");
    else
        snprintf(buf, cap, "../%s/index.html", to->name);
    return buf;
}

/* The title of a site: the config's, else its name. */
static const char *site_title(const struct conf *conf,
                              const struct site_report *s)
{
    int k = conf_site_find(conf, s->name);

    return k >= 0 && conf->sites[k].name ? conf->sites[k].name : s->name;
}

/* Write the report of site i of sites[0..n) over [from, to] into dir,
 * and its other periods when periods_too; first: the first day of the
 * sites reported, for a site without data. */
static int write_site(struct store *st, const struct conf *conf,
                      const struct site_report *sites, size_t n, size_t i,
                      int32_t from, int32_t to, int32_t first, int64_t now,
                      int periods_too, const struct atomic_dir *dir,
                      struct bs_err *err)
{
    const struct site_report *me = &sites[i];
    int k = conf_site_find(conf, me->name);
    struct report_range range = {me->id, from, to, first, now, 0};
    struct report_site site = {NULL, NULL, NULL, 0, NULL, 0, 0};
    struct report_link *links = NULL;
    char (*hrefs)[96] = NULL;
    struct report_data *d;
    struct report_periods *periods = NULL;
    int32_t last;
    int has, rc = -1;

    /* The config's title and address; a site it no longer declares is
     * shown by its name. */
    site.name = k >= 0 ? conf->sites[k].name : me->name;
    site.url = k >= 0 ? conf->sites[k].url : NULL;
    if (me->id == STORE_SITE_DEFAULT && k >= 0 && n > 1 && !site.name)
        site.name = "default";
    if (n > 1) {
        links = xcalloc(n, sizeof(*links));
        hrefs = xcalloc(n, sizeof(*hrefs));
        for (size_t j = 0; j < n; j++) {
            links[j].name = site_title(conf, &sites[j]);
            links[j].href = i == j ? NULL
                                   : site_href(me, &sites[j], hrefs[j],
                                               sizeof(hrefs[j]));
        }
        site.links = links;
        site.nlinks = n;
    }
    if ((has = store_day_span(st, me->id, &range.first, &last, err)) < 0)
        goto out;
    if (!has)
        range.first = first;
    /* The other periods, in the menu of every page: a site with data. */
    if (has && periods_too &&
        !(periods = report_periods_plan(st, me->id, range.first, last, now,
                                        err)))
        goto out;
    if (periods)
        site.periods = report_periods_menu(periods, &site.nperiods);
    if (!(d = report_data_build(st, &range, err)))
        goto out;
    rc = report_write(dir, d, &site, err);
    report_data_free(d);
    if (rc == 0 && periods) {
        size_t written;

        site.periods = NULL;
        site.nperiods = 0;
        rc = report_periods_write(st, periods, &site, dir, &written, err);
        if (rc == 0 && cli.verbose)
            fprintf(stderr, "blogstat: %zu period report%s written, the "
                    "others unchanged\n", written, written == 1 ? "" : "s");
    }
out:
    report_periods_free(periods);
    free(links);
    free(hrefs);
    return rc;
}

int cmd_report(int argc, char **argv)
{
    enum { OPT_FROM = 256, OPT_TO, OPT_DAYS, OPT_OUT, OPT_SITE,
           OPT_NO_PERIODS };
    static const struct option longopts[] = {
        {"from", required_argument, NULL, OPT_FROM},
        {"to", required_argument, NULL, OPT_TO},
        {"days", required_argument, NULL, OPT_DAYS},
        {"out", required_argument, NULL, OPT_OUT},
        {"site", required_argument, NULL, OPT_SITE},
        {"no-periods", no_argument, NULL, OPT_NO_PERIODS},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct bs_err err = {0};
    struct conf *conf;
    int periods = 1;
    struct store *store = NULL;
    struct cli_range range;
    int32_t from, to, first = 0, last;
    int status = 0, ch;
    const char *out = "reports", *site = NULL;
    const char *from_s = NULL, *to_s = NULL, *days_s = NULL;
    struct site_report *sites = NULL;
    size_t nsites = 0;
    /* OUT, OUT/site and a site's OUT/site/NAME: each opened inside the one
     * above it, never through a link. */
    struct atomic_dir *out_dir = NULL, *site_dir = NULL, *own = NULL;

    opterr = 0;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case OPT_FROM: from_s = optarg; break;
        case OPT_TO: to_s = optarg; break;
        case OPT_DAYS: days_s = optarg; break;
        case OPT_OUT:
            if (optarg)
                out = optarg;
            break;
        case OPT_SITE: site = optarg; break;
        case OPT_NO_PERIODS: periods = 0; break;
        case 'h':
            fputs(report_usage, stdout);
            return 0;
        default:
            return cli_usage("report ", "unknown option '%s'",
                             argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage("report ", "unexpected argument '%s'", argv[optind]);
    if ((status = cli_range_parse(&range, "report ", from_s, to_s, days_s)))
        return status;

    if (!(conf = cli_conf(&err))) {
        cli_error(&err);
        return err.status;
    }
    if (!(store = store_open(cli_db_path(conf), STORE_READ, &err)))
        goto fail;
    if (site) {
        sites = xcalloc(1, sizeof(*sites));
        snprintf(sites[0].name, sizeof(sites[0].name), "%s", site);
        nsites = 1;
        if (cli_site_select(store, site, &sites[0].id, &err) ||
            cli_range(store, sites[0].id, &range, &from, &to, &err))
            goto fail;
    } else if (report_sites(store, &sites, &nsites, &err) ||
               cli_range(store, STORE_SITE_ALL, &range, &from, &to, &err)) {
        goto fail;
    }
    if (store_day_span(store, site ? sites[0].id : STORE_SITE_ALL, &first,
                       &last, &err) < 0 ||
        cli_say_empty(store, site ? sites[0].id : STORE_SITE_ALL, site, from,
                      to, &err))
        goto fail;
    if (to - from >= REPORT_MAX_DAYS) {
        status = cli_usage("report ", "a report of more than %d days",
                           REPORT_MAX_DAYS);
        goto done;
    }
    if (nsites > 0 && !(out_dir = atomic_dir_open(out, &err)))
        goto fail;
    for (size_t i = 0; i < nsites; i++) {
        const struct atomic_dir *dir = out_dir;

        /* With --site the report goes where --out says. */
        if (!site && sites[i].id != STORE_SITE_DEFAULT) {
            if (!site_dir && !(site_dir = atomic_dir_sub(out_dir, "site",
                                                         &err)))
                goto fail;
            if (!(own = atomic_dir_sub(site_dir, sites[i].name, &err)))
                goto fail;
            dir = own;
        }
        if (write_site(store, conf, sites, nsites, i, from, to, first,
                       range.now, periods, dir, &err))
            goto fail;
        if (!cli.quiet && (cli.verbose || isatty(STDERR_FILENO)))
            fprintf(stderr, "blogstat: report written to %s/index.html\n",
                    atomic_dir_path(dir));
        atomic_dir_close(own);
        own = NULL;
    }
    goto done;
fail:
    cli_error(&err);
    status = err.status;
done:
    atomic_dir_close(own);
    atomic_dir_close(site_dir);
    atomic_dir_close(out_dir);
    free(sites);
    store_close(store);
    conf_free(conf);
    return status;
}
