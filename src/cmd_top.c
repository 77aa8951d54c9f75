/*
 * cmd_top.c - `blogstat top posts|tags|categories|countries|days`.
 */
#include "blogstat.h"
#include "cli.h"
#include "output.h"
#include "store.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char top_usage[] =
    "usage: blogstat top posts|tags|categories|countries|days [OPTIONS]\n"
    "\n"
    "The ranked table for a date range (days: one row per day, oldest\n"
    "first). Dates are YYYY-MM-DD, inclusive; no range means everything.\n"
    "\n"
    "  --from DATE      first day\n"
    "  --to DATE        last day\n"
    "  --days N         the N days ending with the newest day in the\n"
    "                   database (or with --to)\n"
    "  --limit N        at most N rows (default 20, days: all; 0: all)\n"
    "  --format FMT     table (default), csv or json\n"
    "  --kind post|page top posts: only posts, or only pages\n"
    "\n"
    "columns (csv/json keys):\n"
    "  posts       path, title, views (posts and pages)\n"
    "  tags        tag, post_views, archive_views\n"
    "  categories  category, post_views, archive_views\n"
    "  countries   country, name, views\n"
    "  days        day, views\n"
    "\n"
    "post_views of a tag or category are the views of the posts that carry\n"
    "it now (after 'blogstat import'); archive_views those of its own\n"
    "archive pages.\n";

static const struct out_column posts_cols[] = {
    {"path", NULL, OUT_TEXT, 60},
    {"title", NULL, OUT_TEXT, 50},
    {"views", NULL, OUT_INT, 0},
};
static const struct out_column tags_cols[] = {
    {"tag", NULL, OUT_TEXT, 40},
    {"post_views", "post views", OUT_INT, 0},
    {"archive_views", "archive views", OUT_INT, 0},
};
static const struct out_column categories_cols[] = {
    {"category", NULL, OUT_TEXT, 40},
    {"post_views", "post views", OUT_INT, 0},
    {"archive_views", "archive views", OUT_INT, 0},
};
static const struct out_column countries_cols[] = {
    {"country", NULL, OUT_TEXT, 0},
    {"name", NULL, OUT_TEXT, 40},
    {"views", NULL, OUT_INT, 0},
};
static const struct out_column days_cols[] = {
    {"day", NULL, OUT_TEXT, 0},
    {"views", NULL, OUT_INT, 0},
};

static const struct top_kind {
    const char *name;
    enum store_query query;
    const struct out_column *cols;
    int ncols;
    int ntext;               /* leading text columns, from row.s */
    int64_t default_limit;
} kinds[] = {
    {"posts", STORE_TOP_POSTS, posts_cols, 3, 2, 20},
    {"tags", STORE_TOP_TAGS, tags_cols, 3, 1, 20},
    {"categories", STORE_TOP_CATEGORIES, categories_cols, 3, 1, 20},
    {"countries", STORE_TOP_COUNTRIES, countries_cols, 3, 2, 20},
    {"days", STORE_DAYS, days_cols, 2, 1, 0},
};

struct top_ctx {
    const struct top_kind *kind;
    struct out_table *out;
};

static int add_row(void *ctx, const struct store_row *row)
{
    struct top_ctx *t = ctx;
    int c;

    for (c = 0; c < t->kind->ntext; c++)
        out_add_text(t->out, row->s[c]);
    for (; c < t->kind->ncols; c++)
        out_add_int(t->out, row->n[c - t->kind->ntext]);
    return 0;
}

int cmd_top(int argc, char **argv)
{
    enum { OPT_FROM = 256, OPT_TO, OPT_DAYS, OPT_LIMIT, OPT_FORMAT, OPT_KIND };
    static const struct option longopts[] = {
        {"from", required_argument, NULL, OPT_FROM},
        {"to", required_argument, NULL, OPT_TO},
        {"days", required_argument, NULL, OPT_DAYS},
        {"limit", required_argument, NULL, OPT_LIMIT},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"kind", required_argument, NULL, OPT_KIND},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const struct top_kind *kind = NULL;
    struct bs_err err = {0};
    struct conf *conf;
    struct store *store;
    struct top_ctx ctx;
    struct store_filter filter = {0};
    const char *post_kind = NULL;
    enum out_format fmt = OUT_TABLE;
    int32_t from = INT32_MIN, to = INT32_MAX;
    int have_from = 0, have_to = 0, c, status = 0;
    int64_t days = -1, limit = -1;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_FROM:
            if (day_parse(optarg, &from))
                return cli_usage("top ", "bad date '%s': use YYYY-MM-DD",
                                 optarg);
            have_from = 1;
            break;
        case OPT_TO:
            if (day_parse(optarg, &to))
                return cli_usage("top ", "bad date '%s': use YYYY-MM-DD",
                                 optarg);
            have_to = 1;
            break;
        case OPT_DAYS:
            days = cli_parse_count(optarg);
            if (days <= 0 || days > 1000000)
                return cli_usage("top ", "bad --days '%s': give a number "
                                 "of days", optarg);
            break;
        case OPT_LIMIT:
            limit = cli_parse_count(optarg);
            if (limit < 0)
                return cli_usage("top ", "bad --limit '%s'", optarg);
            break;
        case OPT_FORMAT:
            if (out_format_parse(optarg, &fmt))
                return cli_usage("top ", "unknown --format '%s': use table, "
                                 "csv or json", optarg);
            break;
        case OPT_KIND:
            if (strcmp(optarg, "post") != 0 && strcmp(optarg, "page") != 0)
                return cli_usage("top ", "unknown --kind '%s': use post or "
                                 "page", optarg);
            post_kind = optarg;
            break;
        case 'h':
            fputs(top_usage, stdout);
            return 0;
        default:
            return cli_usage("top ", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage("top ", "say what to rank: posts, tags, "
                         "categories, countries or days");
    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
        if (strcmp(kinds[i].name, argv[optind]) == 0)
            kind = &kinds[i];
    if (!kind)
        return cli_usage("top ", "cannot rank '%s': use posts, tags, "
                         "categories, countries or days", argv[optind]);
    if (optind + 1 < argc)
        return cli_usage("top ", "unexpected argument '%s'",
                         argv[optind + 1]);
    if (post_kind && kind->query != STORE_TOP_POSTS)
        return cli_usage("top ", "--kind goes with 'top posts'");
    if (days > 0 && have_from)
        return cli_usage("top ", "give --days or --from, not both");
    if (have_from && have_to && from > to)
        return cli_usage("top ", "--from is after --to");

    if (!(conf = cli_conf(&err))) {
        cli_error(&err);
        return err.status;
    }
    store = store_open(cli_db_path(conf), STORE_READ, &err);
    conf_free(conf);
    if (!store) {
        cli_error(&err);
        return err.status;
    }
    if (days > 0) {
        int32_t first, last;
        int found = have_to ? 1 : store_day_span(store, &first, &last, &err);

        if (found < 0) {
            cli_error(&err);
            store_close(store);
            return err.status;
        }
        if (!have_to)
            to = found ? last : 0;
        from = to - (int32_t)(days - 1);
    }

    ctx.kind = kind;
    ctx.out = out_new(kind->cols, kind->ncols);
    filter.from = from;
    filter.to = to;
    filter.limit = limit >= 0 ? limit : kind->default_limit;
    filter.kind = post_kind;
    if (store_query(store, kind->query, &filter, add_row, &ctx, &err)) {
        cli_error(&err);
        status = err.status;
    } else if (out_print(ctx.out, fmt, stdout)) {
        status = BS_IOERR;
    }
    out_free(ctx.out);
    store_close(store);
    return status;
}
