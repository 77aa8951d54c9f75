/*
 * cmd_digest.c - `blogstat digest`: the week's mail on standard output,
 * for `sendmail -t` in cron (digest.h).
 */
#include "blogstat.h"
#include "cli.h"
#include "digest.h"
#include "store.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char digest_usage[] =
    "usage: blogstat digest [--days N | --from DATE --to DATE] "
    "[--to-addr ADDR]\n"
    "                       [--from-addr ADDR] [--site NAME]\n"
    "\n"
    "Write a MIME mail of the range (default: the 7 days ending with the\n"
    "newest complete day) to standard output: views, visitors and visits\n"
    "with their change, the top posts, what is trending, new referring\n"
    "sites and feed subscribers, as text and as HTML with the day chart.\n"
    "Every number is the one 'blogstat top' prints for the same range.\n"
    "\n"
    "  blogstat digest --to-addr me@example.org | /usr/sbin/sendmail -t\n";

int cmd_digest(int argc, char **argv)
{
    enum { OPT_FROM = 256, OPT_TO, OPT_DAYS, OPT_TO_ADDR, OPT_FROM_ADDR,
           OPT_SITE };
    static const struct option longopts[] = {
        {"from", required_argument, NULL, OPT_FROM},
        {"to", required_argument, NULL, OPT_TO},
        {"days", required_argument, NULL, OPT_DAYS},
        {"to-addr", required_argument, NULL, OPT_TO_ADDR},
        {"from-addr", required_argument, NULL, OPT_FROM_ADDR},
        {"site", required_argument, NULL, OPT_SITE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct bs_err err = {0};
    struct conf *conf = NULL;
    struct store *store = NULL;
    struct digest *d = NULL;
    struct cli_range range;
    struct digest_mail mail = {0};
    struct report_range rr = {0};
    const char *from_s = NULL, *to_s = NULL, *days_s = NULL, *site = NULL;
    int32_t first, last;
    int ch, status = 0, k;

    opterr = 0;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case OPT_FROM: from_s = optarg; break;
        case OPT_TO: to_s = optarg; break;
        case OPT_DAYS: days_s = optarg; break;
        case OPT_TO_ADDR: mail.to = optarg; break;
        case OPT_FROM_ADDR: mail.from = optarg; break;
        case OPT_SITE: site = optarg; break;
        case 'h':
            fputs(digest_usage, stdout);
            return 0;
        default:
            return cli_usage("digest ", "unknown option '%s'",
                             argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage("digest ", "unexpected argument '%s'", argv[optind]);
    /* A week unless told otherwise. */
    if (!from_s && !to_s && !days_s)
        days_s = "7";
    if ((status = cli_range_parse(&range, "digest ", from_s, to_s, days_s)))
        return status;
    if (!(conf = cli_conf(&err)))
        goto fail;
    if (!(store = store_open(cli_db_path(conf), STORE_READ, &err)) ||
        cli_site_select(store, site, &rr.site, &err) ||
        cli_range(store, rr.site, &range, &rr.from, &rr.to, &err) ||
        store_day_span(store, rr.site, &first, &last, &err) < 0)
        goto fail;
    if (rr.to - rr.from >= REPORT_MAX_DAYS) {
        status = cli_usage("digest ", "a digest of more than %d days",
                           REPORT_MAX_DAYS);
        goto done;
    }
    rr.first = first;
    rr.now = range.now;
    k = conf_site_find(conf, site ? site : "default");
    mail.site_name = k >= 0 ? conf->sites[k].name : site;
    mail.site_url = k >= 0 ? conf->sites[k].url : NULL;
    mail.now = range.now;
    if (!(d = digest_build(store, &rr, &err)) ||
        digest_write(stdout, d, &mail, &err))
        goto fail;
    goto done;
fail:
    cli_error(&err);
    status = err.status;
done:
    digest_free(d);
    store_close(store);
    conf_free(conf);
    return status;
}
