/*
 * cmd_top.c - `blogstat top posts|tags|categories|countries|days`.
 */
#include "blogstat.h"
#include "cli.h"
#include "output.h"
#include "classify.h"
#include "agg.h"
#include "store.h"
#include "table.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char top_usage[] =
    "usage: blogstat top posts|tags|categories|countries|days|referrers|sites\n"
    "                    |robots|hours|campaigns|browsers|systems|devices\n"
    "                    |missing|feeds|trending [OPTIONS]\n"
    "\n"
    "The ranked table for a date range (days: one row per day, oldest\n"
    "first). Dates are YYYY-MM-DD, inclusive; no range means everything.\n"
    "\n"
    "  --from DATE      first day\n"
    "  --to DATE        last day\n"
    "  --days N         the N days ending with the newest complete day\n"
    "                   (or with --to)\n"
    "  --limit N        at most N rows (default 20, days: all; 0: all)\n"
    "  --format FMT     table (default), csv or json\n"
    "  --kind post|page top posts: only posts, or only pages\n"
    "  --compare        top posts: also the views of the period of the same\n"
    "                   length before, and the change\n"
    "  --least          top posts: the least read first (with the imported\n"
    "                   posts nobody read)\n"
    "  --since-published N\n"
    "                   top posts: ranked by their views in their first N\n"
    "                   days (the posts with a publishing date whose first\n"
    "                   N days are all in the data up to the range's end;\n"
    "                   columns path, title, views)\n"
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
    "  robots      robot, category (search, ai, seo, social, feed, monitor,\n"
    "              tool, other), hits\n"
    "  hours       weekday, hour, views (the log's own time; all rows)\n"
    "  campaigns   source, medium, campaign, views (utm_source or ref or\n"
    "              source, utm_medium, utm_campaign)\n"
    "  browsers    browser, views, visitors\n"
    "  systems     system, views, visitors\n"
    "  devices     device (desktop, mobile, tablet, tv, console, other),\n"
    "              views, visitors\n"
    "  missing     path, hits, referrer (pages that answered 404 to people,\n"
    "              scanners' probes left out; the host that linked most)\n"
    "  feeds       feed, subscribers (of the range's last day), fetches\n"
    "  trending    path, title, views (the 7 days ending with the range's\n"
    "              last day), usual (the median of the 4 weeks before),\n"
    "              change: posts well above their usual week\n"
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
    {"change", NULL, OUT_WORD, 0},
};
static const struct out_column tags_cols[] = {
    {"tag", NULL, OUT_TEXT, 40},
    {"post_views", "post views", OUT_INT, 0},
    {"archive_views", "archive views", OUT_INT, 0},
    {"visitors", NULL, OUT_INT, 0},
    {"title", NULL, OUT_TEXT, 40},
};
static const struct out_column categories_cols[] = {
    {"category", NULL, OUT_TEXT, 40},
    {"post_views", "post views", OUT_INT, 0},
    {"archive_views", "archive views", OUT_INT, 0},
    {"visitors", NULL, OUT_INT, 0},
    {"title", NULL, OUT_TEXT, 40},
};
static const struct out_column countries_cols[] = {
    {"country", NULL, OUT_WORD, 0},
    {"name", NULL, OUT_TEXT, 40},
    {"views", NULL, OUT_INT, 0},
    {"visitors", NULL, OUT_INT, 0},
};
static const struct out_column days_cols[] = {
    {"day", NULL, OUT_WORD, 0},
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
    {"type", NULL, OUT_WORD, 0},
    {"views", NULL, OUT_INT, 0},
};

/* Views of each post in the period before, for --compare: the paths
 * interned, their views by id. */
struct before {
    struct strtab *paths;
    int64_t *views;
    size_t cap;
};

struct top_ctx {
    struct out_table *out;
    const struct before *before;   /* --compare, all rows: the period
                                      before read whole; else NULL */
    struct store *store;           /* --compare with a limit: each row's
                                      period before asked for (prev) */
    const struct store_filter *prev;
    struct bs_err *err;            /* a failure of those */
    int failed;
    enum out_format fmt;
    int64_t limit;                 /* posts to show, 0: all */
    int64_t nposts;                /* shown so far */
    int has_other;                 /* "(other)" came: shown last */
    struct store_post_row other;   /* its numbers (path and title unset) */
};

static int keep_before(void *ctx, const struct store_post_row *row)
{
    struct before *b = ctx;
    uint32_t id = strtab_intern(b->paths, row->path, strlen(row->path), NULL);

    if (id >= b->cap) {
        b->cap = b->cap ? 2 * b->cap : 256;
        b->views = xrealloc(b->views, b->cap * sizeof(*b->views));
    }
    b->views[id] = row->views;
    return 0;
}

static int sum_views(void *ctx, const struct store_post_day_row *row)
{
    *(int64_t *)ctx += row->views;
    return 0;
}

/* The views of row's post in the period before: looked up by its path in
 * the whole listing, or asked of the store for it alone (a seek a day). */
static int64_t views_before(struct top_ctx *t, const struct store_post_row *row)
{
    int64_t prev = 0;

    if (t->before) {
        int64_t id = strtab_find(t->before->paths, row->path,
                                 strlen(row->path));

        return id >= 0 ? t->before->views[id] : 0;
    }
    if (!t->failed) {
        struct store_filter f = *t->prev;

        f.path_id = row->id;
        if (store_post_days(t->store, &f, sum_views, &prev, t->err))
            t->failed = 1;
    }
    return prev;
}

static void put_post(struct top_ctx *t, const struct store_post_row *row,
                     const char *path, const char *title)
{
    out_add_text(t->out, path);
    out_add_text(t->out, title);
    out_add_int(t->out, row->views);
    out_add_int(t->out, row->visitors);
    out_add_int(t->out, row->visits);
    if (t->before || t->prev) {
        int64_t prev = views_before(t, row);
        char change[32];

        if (prev == 0)
            snprintf(change, sizeof(change), "%s", row->views ? "new" : "");
        else
            snprintf(change, sizeof(change), "%+.0f%%",
                     100.0 * (double)(row->views - prev) / (double)prev);
        out_add_int(t->out, prev);
        out_add_text(t->out, change);
    }
}

/*
 * A post's row. "(other)" (the pages folded, agg.h) is no post: it is
 * kept aside and shown after the ranking (add_other()).
 */
/* A post of --since-published: its views in its first days. */
static int add_first(void *ctx, const struct store_post_row *row)
{
    struct top_ctx *t = ctx;

    out_add_text(t->out, row->path);
    out_add_text(t->out, row->title);
    out_add_int(t->out, row->views);
    return 0;
}

static int add_post(void *ctx, const struct store_post_row *row)
{
    struct top_ctx *t = ctx;

    if (strcmp(row->path, AGG_OTHER) == 0) {
        t->has_other = 1;
        t->other = *row;
        return 0;
    }
    if (t->limit > 0 && t->nposts >= t->limit)
        return 0;
    t->nposts++;
    put_post(t, row, row->path, row->title);
    return 0;
}

/* "(other)" last: in a table named for what it is; in CSV and JSON under
 * its stable key. */
static void add_other(struct top_ctx *t)
{
    if (!t->has_other)
        return;
    t->other.path = AGG_OTHER;
    if (t->fmt == OUT_TABLE)
        put_post(t, &t->other, "(other pages)",
                 "the long tail: past " AGG_FOLD_KEYS_TEXT
                 " new pages a day");
    else
        put_post(t, &t->other, AGG_OTHER, "");
}

static int add_term(void *ctx, const struct store_term_row *row)
{
    struct top_ctx *t = ctx;

    out_add_text(t->out, row->name);
    out_add_int(t->out, row->post_views);
    out_add_int(t->out, row->archive_views);
    out_add_int(t->out, row->visitors);
    out_add_text(t->out, row->title);
    return 0;
}

static int add_country(void *ctx, const struct store_country_row *row)
{
    struct top_ctx *t = ctx;

    out_add_text(t->out, row->code);
    out_add_text(t->out, row->name);
    out_add_int(t->out, row->views);
    out_add_int(t->out, row->visitors);
    return 0;
}

static int add_day(void *ctx, const struct store_day_row *row)
{
    struct top_ctx *t = ctx;
    char day[11];

    day_format(row->day, day);
    out_add_text(t->out, day);
    out_add_int(t->out, row->views);
    out_add_int(t->out, row->visitors);
    out_add_int(t->out, row->visits);
    return 0;
}

static int add_referrer(void *ctx, const struct store_referrer_row *row)
{
    struct top_ctx *t = ctx;

    out_add_text(t->out, row->host);
    out_add_text(t->out, ref_class_name(row->cls));
    out_add_int(t->out, row->views);
    return 0;
}

static int add_site(void *ctx, const struct store_site_row *row)
{
    struct top_ctx *t = ctx;

    out_add_text(t->out, row->name);
    out_add_int(t->out, row->views);
    out_add_int(t->out, row->visitors);
    return 0;
}

enum top_what { TOP_POSTS, TOP_TAGS, TOP_CATEGORIES, TOP_COUNTRIES,
                TOP_DAYS, TOP_REFERRERS, TOP_SITES, TOP_DIM };

static const struct top_kind {
    const char *name;
    const struct out_column *cols;
    int64_t default_limit;
    enum top_what what;
    int ncols;
} kinds[] = {
    {"posts", posts_cols, 20, TOP_POSTS, 5},
    {"tags", tags_cols, 20, TOP_TAGS, 5},
    {"categories", categories_cols, 20, TOP_CATEGORIES, 5},
    {"countries", countries_cols, 20, TOP_COUNTRIES, 4},
    {"days", days_cols, 0, TOP_DAYS, 4},
    {"referrers", referrers_cols, 20, TOP_REFERRERS, 3},
    {"sites", sites_cols, 0, TOP_SITES, 3},
};

/* Run the query of what into the table. */
static int top_query(struct store *store, enum top_what what, int least,
                     const struct store_filter *f, struct top_ctx *ctx,
                     struct bs_err *err)
{
    switch (what) {
    case TOP_POSTS:
        return least ? store_least_posts(store, f, add_post, ctx, err)
                     : store_top_posts(store, f, add_post, ctx, err);
    case TOP_TAGS:
        return store_top_terms(store, f, URL_TAG, add_term, ctx, err);
    case TOP_CATEGORIES:
        return store_top_terms(store, f, URL_CATEGORY, add_term, ctx, err);
    case TOP_COUNTRIES:
        return store_top_countries(store, f, add_country, ctx, err);
    case TOP_DAYS:
        return store_days(store, f, add_day, ctx, err);
    case TOP_REFERRERS:
        return store_top_referrers(store, f, add_referrer, ctx, err);
    case TOP_SITES:
        return store_sites(store, f, add_site, ctx, err);
    case TOP_DIM:
        break;
    }
    BUG("top %d", (int)what);
}

int cmd_top(int argc, char **argv)
{
    enum {
        OPT_FROM = 256, OPT_TO, OPT_DAYS, OPT_LIMIT, OPT_FORMAT, OPT_KIND,
        OPT_COMPARE, OPT_LEAST, OPT_SITE, OPT_SINCE
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
        {"since-published", required_argument, NULL, OPT_SINCE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const struct top_kind *kind = NULL;
    const struct top_dim_kind *dk = NULL;
    struct top_kind dim_kind;
    struct bs_err err = {0};
    struct conf *conf;
    struct store *store;
    struct top_ctx ctx;
    struct store_filter filter = {0};
    struct cli_range range;
    const char *site = NULL, *from_s = NULL, *to_s = NULL, *days_s = NULL;
    enum url_kind post_kind = URL_OTHER;
    enum out_format fmt = OUT_TABLE;
    int c, status = 0, compare = 0, least = 0;
    struct before before = {NULL, NULL, 0};
    struct store_filter prev_f;
    int64_t want;
    int64_t limit = -1, since = 0;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_FROM: from_s = optarg; break;
        case OPT_TO: to_s = optarg; break;
        case OPT_DAYS: days_s = optarg; break;
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
        case OPT_SINCE:
            since = cli_parse_count(optarg);
            if (since < 1 || since > 36500)
                return cli_usage("top ", "bad --since-published '%s': "
                                 "give a number of days, 1 or more", optarg);
            break;
        case OPT_KIND:
            if (strcmp(optarg, "post") == 0)
                post_kind = URL_POST;
            else if (strcmp(optarg, "page") == 0)
                post_kind = URL_PAGE;
            else
                return cli_usage("top ", "unknown --kind '%s': use post or "
                                 "page", optarg);
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
    if (!kind && (dk = top_dim_kind(argv[optind]))) {
        dim_kind = (struct top_kind){dk->name, dk->cols, dk->default_limit,
                                     TOP_DIM, dk->ncols};
        kind = &dim_kind;
    }
    if (!kind)
        return cli_usage("top ", "cannot rank '%s': use posts, tags, "
                         "categories, countries, days, referrers, sites, "
                         "robots, hours, campaigns, browsers, systems, "
                         "devices, missing, feeds or trending",
                         argv[optind]);
    if (optind + 1 < argc)
        return cli_usage("top ", "unexpected argument '%s'",
                         argv[optind + 1]);
    if ((post_kind != URL_OTHER || compare || least || since) &&
        kind->what != TOP_POSTS)
        return cli_usage("top ", "--kind, --compare, --least and "
                         "--since-published go with 'top posts'");
    if (since && (compare || least))
        return cli_usage("top ", "--since-published ranks by the first "
                         "days: no --compare or --least");
    if ((status = cli_range_parse(&range, "top ", from_s, to_s, days_s)))
        return status;
    if (site && kind->what == TOP_SITES)
        return cli_usage("top ", "'top sites' shows every site: no --site");

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
    if (cli_site_select(store, site, &filter.site, &err) ||
        cli_range(store,
                  kind->what == TOP_SITES ? STORE_SITE_ALL : filter.site,
                  &range, &filter.from, &filter.to, &err) ||
        cli_say_empty(store, kind->what == TOP_SITES ? STORE_SITE_ALL
                                                     : filter.site,
                      site, filter.from, filter.to, &err)) {
        cli_error(&err);
        store_close(store);
        return err.status;
    }

    memset(&ctx, 0, sizeof(ctx));
    ctx.out = out_new(kind->cols, since ? 3 : kind->ncols + (compare ? 2 : 0));
    ctx.fmt = fmt;
    /* CSV and JSON rows go out as they come: a million rows cost one. */
    out_stream(ctx.out, fmt, stdout);
    want = limit >= 0 ? limit : kind->default_limit;
    filter.limit = want;
    if (kind->what == TOP_POSTS && !since) {
        /* One more: "(other)" may be among them, and is not ranked. */
        ctx.limit = want;
        if (want > 0)
            filter.limit = want + 1;
    }
    filter.kind = post_kind;
    if (compare) {
        /* The period of the same length just before. */
        struct store_filter prev = filter;

        prev.to = filter.from - 1;
        prev.from = filter.from - (filter.to - filter.from + 1);
        prev.limit = 0;
        if (filter.limit > 0) {
            /* A few rows: each one's period before, by itself. */
            prev_f = prev;
            ctx.store = store;
            ctx.prev = &prev_f;
            ctx.err = &err;
        } else {
            before.paths = strtab_new();
            if (store_top_posts(store, &prev, keep_before, &before, &err)) {
                cli_error(&err);
                status = err.status;
                goto out;
            }
            ctx.before = &before;
        }
    }
    if ((dk      ? top_dim_rows(store, dk, &filter, ctx.out, &err)
         : since ? store_top_first_days(store, &filter, (int32_t)since,
                                        add_first, &ctx, &err)
                 : top_query(store, kind->what, least, &filter, &ctx, &err)) ||
        ctx.failed) {
        cli_error(&err);
        status = err.status;
    } else {
        add_other(&ctx);
        if (out_print(ctx.out, fmt, stdout))
            status = BS_IOERR;
    }
out:
    out_free(ctx.out);
    strtab_free(before.paths);
    free(before.views);
    store_close(store);
    return status;
}
