/*
 * cmd_top.c - `blogstat top posts|tags|categories|countries|days`.
 */
#include "blogstat.h"
#include "cli.h"
#include "output.h"
#include "store.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char top_usage[] =
    "usage: blogstat top posts|tags|categories|countries|days|referrers|sites\n"
    "                    [OPTIONS]\n"
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
    "  --compare        top posts: also the views of the period of the same\n"
    "                   length before, and the change\n"
    "  --least          top posts: the least read first (with the imported\n"
    "                   posts nobody read)\n"
    "  --site NAME      the counts of site NAME ([site NAME] in the config);\n"
    "                   without it, of the default site\n"
    "\n"
    "columns (csv/json keys):\n"
    "  posts       path, title, views, visitors, visits (posts and pages;\n"
    "              --compare adds previous_views, change)\n"
    "  tags        tag, post_views, archive_views, visitors\n"
    "  categories  category, post_views, archive_views, visitors\n"
    "  countries   country, name, views, visitors\n"
    "  days        day, views, visitors, visits\n"
    "  referrers   referrer, type (search, social, other), views\n"
    "  sites       site, views, visitors (every site of the database)\n"
    "\n"
    "visitors: distinct readers (address and browser) in the range, not a\n"
    "sum of days; exact to 2,048 a day, then within about 1%. visits: runs\n"
    "of views with gaps under 30 minutes, counted for the page they\n"
    "landed on.\n"
    "\n"
    "post_views of a tag or category are the views of the posts that carry\n"
    "it now (after 'blogstat import'); archive_views those of its own\n"
    "archive pages.\n";

static const struct out_column posts_cols[] = {
    {"path", NULL, OUT_TEXT, 60},
    {"title", NULL, OUT_TEXT, 50},
    {"views", NULL, OUT_INT, 0},
    {"visitors", NULL, OUT_INT, 0},
    {"visits", NULL, OUT_INT, 0},
    /* with --compare */
    {"previous_views", "before", OUT_INT, 0},
    {"change", NULL, OUT_TEXT, 0},
};
static const struct out_column tags_cols[] = {
    {"tag", NULL, OUT_TEXT, 40},
    {"post_views", "post views", OUT_INT, 0},
    {"archive_views", "archive views", OUT_INT, 0},
    {"visitors", NULL, OUT_INT, 0},
};
static const struct out_column categories_cols[] = {
    {"category", NULL, OUT_TEXT, 40},
    {"post_views", "post views", OUT_INT, 0},
    {"archive_views", "archive views", OUT_INT, 0},
    {"visitors", NULL, OUT_INT, 0},
};
static const struct out_column countries_cols[] = {
    {"country", NULL, OUT_TEXT, 0},
    {"name", NULL, OUT_TEXT, 40},
    {"views", NULL, OUT_INT, 0},
    {"visitors", NULL, OUT_INT, 0},
};
static const struct out_column days_cols[] = {
    {"day", NULL, OUT_TEXT, 0},
    {"views", NULL, OUT_INT, 0},
    {"visitors", NULL, OUT_INT, 0},
    {"visits", NULL, OUT_INT, 0},
};
static const struct out_column sites_cols[] = {
    {"site", NULL, OUT_TEXT, 40},
    {"views", NULL, OUT_INT, 0},
    {"visitors", NULL, OUT_INT, 0},
};
static const struct out_column referrers_cols[] = {
    {"referrer", NULL, OUT_TEXT, 50},
    {"type", NULL, OUT_TEXT, 0},
    {"views", NULL, OUT_INT, 0},
};

#define NMAX 8

static const struct top_kind {
    const char *name;
    enum store_query query;
    const struct out_column *cols;
    int ncols;
    int ntext;               /* leading text columns, from row.s */
    int nidx[NMAX];          /* then ints: which row.n, in column order */
    int64_t default_limit;
} kinds[] = {
    {"posts", STORE_TOP_POSTS, posts_cols, 5, 2, {0, 2, 3}, 20},
    {"tags", STORE_TOP_TAGS, tags_cols, 4, 1, {0, 1, 2}, 20},
    {"categories", STORE_TOP_CATEGORIES, categories_cols, 4, 1, {0, 1, 2},
     20},
    {"countries", STORE_TOP_COUNTRIES, countries_cols, 4, 2, {0, 1}, 20},
    {"days", STORE_DAYS, days_cols, 4, 1, {0, 4, 5}, 0},
    {"referrers", STORE_TOP_REFERRERS, referrers_cols, 3, 2, {0}, 20},
    {"sites", STORE_SITES, sites_cols, 3, 1, {0, 1}, 0},
};

/* Views of each post in the period before, for --compare. */
struct before {
    char **path;
    int64_t *views;
    size_t n;
};

struct top_ctx {
    const struct top_kind *kind;
    struct out_table *out;
    const struct before *before;   /* NULL without --compare */
};

static int keep_before(void *ctx, const struct store_row *row)
{
    struct before *b = ctx;

    b->path = xrealloc(b->path, (b->n + 1) * sizeof(*b->path));
    b->views = xrealloc(b->views, (b->n + 1) * sizeof(*b->views));
    b->path[b->n] = xstrdup(row->s[0]);
    b->views[b->n++] = row->n[0];
    return 0;
}

static int add_row(void *ctx, const struct store_row *row)
{
    struct top_ctx *t = ctx;
    int c, ints = t->kind->ncols - t->kind->ntext;

    for (c = 0; c < t->kind->ntext; c++)
        out_add_text(t->out, row->s[c]);
    for (c = 0; c < ints; c++)
        out_add_int(t->out, row->n[t->kind->nidx[c]]);
    if (t->before) {
        int64_t prev = 0;
        char change[32];

        for (size_t i = 0; i < t->before->n; i++)
            if (strcmp(t->before->path[i], row->s[0]) == 0)
                prev = t->before->views[i];
        if (prev == 0)
            snprintf(change, sizeof(change), "%s", row->n[0] ? "new" : "");
        else
            snprintf(change, sizeof(change), "%+.0f%%",
                     100.0 * (double)(row->n[0] - prev) / (double)prev);
        out_add_int(t->out, prev);
        out_add_text(t->out, change);
    }
    return 0;
}

int cmd_top(int argc, char **argv)
{
    enum {
        OPT_FROM = 256, OPT_TO, OPT_DAYS, OPT_LIMIT, OPT_FORMAT, OPT_KIND,
        OPT_COMPARE, OPT_LEAST, OPT_SITE
    };
    static const struct option longopts[] = {
        {"from", required_argument, NULL, OPT_FROM},
        {"to", required_argument, NULL, OPT_TO},
        {"days", required_argument, NULL, OPT_DAYS},
        {"limit", required_argument, NULL, OPT_LIMIT},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"kind", required_argument, NULL, OPT_KIND},
        {"compare", no_argument, NULL, OPT_COMPARE},
        {"least", no_argument, NULL, OPT_LEAST},
        {"site", required_argument, NULL, OPT_SITE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const struct top_kind *kind = NULL;
    struct bs_err err = {0};
    struct conf *conf;
    struct store *store;
    struct top_ctx ctx;
    struct store_filter filter = {0};
    const char *post_kind = NULL, *site = NULL;
    enum out_format fmt = OUT_TABLE;
    int32_t from = INT32_MIN, to = INT32_MAX;
    int have_from = 0, have_to = 0, c, status = 0, compare = 0, least = 0;
    struct before before = {NULL, NULL, 0};
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
        case OPT_COMPARE: compare = 1; break;
        case OPT_LEAST: least = 1; break;
        case OPT_SITE: site = optarg; break;
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
                         "categories, countries, days, referrers or sites");
    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
        if (strcmp(kinds[i].name, argv[optind]) == 0)
            kind = &kinds[i];
    if (!kind)
        return cli_usage("top ", "cannot rank '%s': use posts, tags, "
                         "categories, countries, days, referrers or sites",
                         argv[optind]);
    if (optind + 1 < argc)
        return cli_usage("top ", "unexpected argument '%s'",
                         argv[optind + 1]);
    if ((post_kind || compare || least) && kind->query != STORE_TOP_POSTS)
        return cli_usage("top ", "--kind, --compare and --least go with "
                         "'top posts'");
    if (days > 0 && have_from)
        return cli_usage("top ", "give --days or --from, not both");
    if (site && kind->query == STORE_SITES)
        return cli_usage("top ", "'top sites' shows every site: no --site");
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
    if (cli_site_select(store, site, &filter.site, &err)) {
        cli_error(&err);
        store_close(store);
        return err.status;
    }
    if (days > 0) {
        int32_t first, last;
        int found = have_to ? 1
                            : store_day_span(store,
                                             kind->query == STORE_SITES
                                                 ? STORE_SITE_ALL
                                                 : filter.site,
                                             &first, &last, &err);

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
    ctx.out = out_new(kind->cols, kind->ncols + (compare ? 2 : 0));
    ctx.before = NULL;
    filter.from = from;
    filter.to = to;
    filter.limit = limit >= 0 ? limit : kind->default_limit;
    filter.kind = post_kind;
    if (compare) {
        /* The period of the same length just before. */
        struct store_filter prev = filter;
        int32_t first, last;

        if (from == INT32_MIN &&
            store_day_span(store, filter.site, &first, &last, &err) > 0) {
            from = first;
            if (to == INT32_MAX)
                to = last;
        }
        if (from != INT32_MIN && to != INT32_MAX) {
            prev.to = from - 1;
            prev.from = from - (to - from + 1);
            prev.limit = 0;
            if (store_query(store, STORE_TOP_POSTS, &prev, keep_before,
                            &before, &err)) {
                cli_error(&err);
                store_close(store);
                return err.status;
            }
        }
        ctx.before = &before;
    }
    if (store_query(store, least ? STORE_LEAST_POSTS : kind->query, &filter,
                    add_row, &ctx, &err)) {
        cli_error(&err);
        status = err.status;
    } else if (out_print(ctx.out, fmt, stdout)) {
        status = BS_IOERR;
    }
    out_free(ctx.out);
    for (size_t i = 0; i < before.n; i++)
        free(before.path[i]);
    free(before.path);
    free(before.views);
    store_close(store);
    return status;
}
