/*
 * range.c - the days a command's --from, --to and --days select.
 */
#include "blogstat.h"
#include "cli.h"
#include "report_data.h"
#include "store.h"


/* --days at most this: about 2,700 years. */
#define CLI_DAYS_MAX 1000000

int cli_range_parse(struct cli_range *r, const char *cmd, const char *from,
                    const char *to, const char *days)
{
    int st;

    r->has_from = from != NULL;
    r->has_to = to != NULL;
    r->from = r->to = 0;
    r->days = 0;
    if ((st = cli_now(cmd, &r->now)))
        return st;
    if (from && day_parse(from, &r->from))
        return cli_usage(cmd, "bad date '%s': use YYYY-MM-DD", from);
    if (to && day_parse(to, &r->to))
        return cli_usage(cmd, "bad date '%s': use YYYY-MM-DD", to);
    if (days) {
        r->days = cli_parse_count(days);
        if (r->days <= 0 || r->days > CLI_DAYS_MAX)
            return cli_usage(cmd, "bad --days '%s': give a number of days",
                             days);
    }
    if (r->days && r->has_from)
        return cli_usage(cmd, "give --days or --from, not both");
    if (r->has_from && r->has_to && r->from > r->to)
        return cli_usage(cmd, "--from is after --to");
    return 0;
}

int cli_range(struct store *s, int64_t site, const struct cli_range *r,
              int32_t *from, int32_t *to, struct bs_err *err)
{
    int32_t first, last;
    int span = store_day_span(s, site, &first, &last, err);

    if (span < 0)
        return -1;
    if (!span)
        first = last = 0;
    if (span && r->days && !r->has_to) {
        int32_t day;
        int partial = report_partial_day(s, site, r->now, &day, err);

        if (partial < 0)
            return -1;
        if (partial && day == last)
            last--;
    }
    if (r->has_to)
        *to = r->to;
    else if (r->has_from && r->from > last)
        *to = r->from;
    else
        *to = last;
    if (r->days)
        *from = *to - (int32_t)(r->days - 1);
    else if (r->has_from)
        *from = r->from;
    else
        *from = first < *to ? first : *to;
    return 0;
}
