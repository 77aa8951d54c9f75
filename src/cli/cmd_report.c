/*
 * cmd_report.c - `blogstat report`: queries -> charts -> HTML pages.
 */
#include "blogstat.h"
#include "chart.h"
#include "cli.h"
#include "report.h"
#include "store.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TOP_POSTS 20
#define TOP_TERMS 15
#define TOP_COUNTRIES 15
#define TOP_REFERRERS 15
#define TOP_SEARCHES 20
#define CHART_W 760
#define NARROW_W 360          /* the phone copies of the charts */
#define NARROW_DAILY_H 240
#define DAILY_H 300
#define POST_DAILY_H 240
#define SPARK_W 96
#define SPARK_H 24
/* A report longer than this many days is refused: about 275 years. */
#define MAX_DAYS 100000

static const char report_usage[] =
    "usage: blogstat report [--from DATE] [--to DATE] [--days N] "
    "[--out DIR] [--site NAME]\n"
    "\n"
    "Write the HTML report (index.html, a page per top post, and the charts\n"
    "as PNG and SVG) into DIR (default reports/). No range: every day in\n"
    "the database; --days N: the N days ending with the newest one.\n"
    "--site NAME: the report of site NAME ([site NAME] in the config)\n"
    "alone, into DIR. Without it, every site's: the default site's in DIR,\n"
    "each other's in DIR/site/NAME, linked to each other.\n";

/* Rows of a query, strings copied. */
struct rows {
    struct store_row *r;
    size_t n, cap;
};

static int keep_row(void *ctx, const struct store_row *row)
{
    struct rows *rs = ctx;
    struct store_row *c;

    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? rs->cap * 2 : 32;
        rs->r = xrealloc(rs->r, rs->cap * sizeof(*rs->r));
    }
    c = &rs->r[rs->n++];
    *c = *row;
    for (int i = 0; i < 3; i++)
        c->s[i] = xstrdup(row->s[i]);
    return 0;
}

static void rows_free(struct rows *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        for (int k = 0; k < 3; k++)
            free((char *)rs->r[i].s[k]);
    free(rs->r);
    rs->r = NULL;
    rs->n = rs->cap = 0;
}


/* Where a day's numbers are in the rows of STORE_DAYS, STORE_POST_DAYS. */
struct day_cols {
    int views, visitors, visits;
};
static const struct day_cols site_cols = {0, 4, 5};
static const struct day_cols post_cols = {0, 1, 2};

/* One entry per day of [from, to] from rows of days; views -1: none. */
static struct report_day *day_series(const struct rows *rs, int32_t from,
                                     int32_t to, const struct day_cols *col)
{
    size_t n = (size_t)((int64_t)to - from + 1);
    struct report_day *d = xmalloc(n * sizeof(*d));

    for (size_t i = 0; i < n; i++) {
        d[i].day = from + (int32_t)i;
        d[i].views = -1;
        d[i].visitors = d[i].visits = 0;
    }
    for (size_t i = 0; i < rs->n; i++) {
        int32_t day;
        struct report_day *t;

        if (day_parse(rs->r[i].s[0], &day) != 0 || day < from || day > to)
            continue;
        t = &d[day - from];
        t->views = rs->r[i].n[col->views];
        t->visitors = rs->r[i].n[col->visitors];
        t->visits = rs->r[i].n[col->visits];
    }
    return d;
}

/* A post's series: 0 on days the site has data for but the post has no
 * view, a gap only where the whole site has none. */
static void zero_fill(struct report_day *post, const struct report_day *site,
                      size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (post[i].views < 0 && site[i].views >= 0)
            post[i].views = 0;
}

/* The views (or visitors) of each day as a chart's values; -1: a gap. */
static double *as_doubles(const struct report_day *d, size_t n, int visitors)
{
    double *v = xmalloc((n ? n : 1) * sizeof(*v));

    for (size_t i = 0; i < n; i++)
        v[i] = d[i].views < 0 ? -1
               : visitors     ? (double)d[i].visitors
                              : (double)d[i].views;
    return v;
}

/* A daily chart and its narrow copy for phones (NAME-narrow). */
static int daily_charts(const char *dir, const char *name,
                        const struct chart_daily *d, int height,
                        struct bs_err *err)
{
    char narrow[96];

    snprintf(narrow, sizeof(narrow), "%s-narrow", name);
    return chart_daily_write(dir, name, d, CHART_W, height, err) ||
           chart_daily_write(dir, narrow, d, NARROW_W, NARROW_DAILY_H, err)
               ? -1 : 0;
}

/* Largest total first, then by label: the order a bar chart reads in. */
static int by_total(const void *a, const void *b)
{
    const struct chart_bar *x = a, *y = b;
    double tx = x->a + x->b, ty = y->a + y->b;

    if (tx != ty)
        return tx > ty ? -1 : 1;
    return strcmp(x->label, y->label);
}

static int make_dir(const char *path, struct bs_err *err)
{
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        return bs_fail(err, BS_CANTCREAT, "cannot create directory '%s': %s",
                       path, strerror(errno));
    return 0;
}

/* Draw a bar chart of rows; label from s[label_col], a and b from n[]. */
static int bars(const char *charts, const char *name, const struct rows *rs,
                int label_col, int alt_col, int a_col, int b_col,
                const char *a_label, const char *b_label, int *height,
                struct bs_err *err)
{
    struct chart_bar *b = xcalloc(rs->n + 1, sizeof(*b));
    struct chart_bars c;
    int rc;

    for (size_t i = 0; i < rs->n; i++) {
        const char *label = rs->r[i].s[label_col];

        b[i].label = *label || alt_col < 0 ? label : rs->r[i].s[alt_col];
        b[i].a = (double)rs->r[i].n[a_col];
        b[i].b = b_col >= 0 ? (double)rs->r[i].n[b_col] : 0;
    }
    if (b_col >= 0)
        qsort(b, rs->n, sizeof(*b), by_total);
    c.bars = b;
    c.n = rs->n;
    c.a_label = a_label;
    c.b_label = b_label;
    {
        char narrow[96];

        snprintf(narrow, sizeof(narrow), "%s-narrow", name);
        rc = chart_bars_write(charts, name, &c, CHART_W, err) ||
             chart_bars_write(charts, narrow, &c, NARROW_W, err) ? -1 : 0;
    }
    *height = chart_bars_height(rs->n);
    free(b);
    return rc;
}

static struct report_term *terms(const struct rows *rs)
{
    struct report_term *t = xcalloc(rs->n + 1, sizeof(*t));

    for (size_t i = 0; i < rs->n; i++) {
        t[i].name = rs->r[i].s[0];
        t[i].post_views = rs->r[i].n[0];
        t[i].archive_views = rs->r[i].n[1];
        t[i].visitors = rs->r[i].n[2];
    }
    return t;
}

/* with_visitors: the rows have them (STORE_TOP_COUNTRIES), else -1. */
static struct report_country *countries(const struct rows *rs,
                                        int with_visitors)
{
    struct report_country *c = xcalloc(rs->n + 1, sizeof(*c));

    for (size_t i = 0; i < rs->n; i++) {
        c[i].code = rs->r[i].s[0];
        c[i].name = rs->r[i].s[1];
        c[i].views = rs->r[i].n[0];
        c[i].visitors = with_visitors ? rs->r[i].n[1] : -1;
    }
    return c;
}

static struct report_referrer *referrers(const struct rows *rs)
{
    struct report_referrer *r = xcalloc(rs->n + 1, sizeof(*r));

    for (size_t i = 0; i < rs->n; i++) {
        r[i].host = rs->r[i].s[0];
        r[i].cls = rs->r[i].s[1];
        r[i].views = rs->r[i].n[0];
    }
    return r;
}

/* The views of the range by kind of referrer; "none" is what is left. */
static void sources(const struct rows *rs, int64_t views, int64_t *src)
{
    static const char *const names[REPORT_NSOURCES] = {
        [REPORT_SRC_SEARCH] = "search", [REPORT_SRC_SOCIAL] = "social",
        [REPORT_SRC_OTHER] = "other", [REPORT_SRC_INTERNAL] = "internal",
    };
    int64_t linked = 0;

    memset(src, 0, REPORT_NSOURCES * sizeof(*src));
    for (size_t i = 0; i < rs->n; i++)
        for (int k = 0; k < REPORT_SRC_NONE; k++)
            if (strcmp(rs->r[i].s[0], names[k]) == 0) {
                src[k] += rs->r[i].n[0];
                linked += rs->r[i].n[0];
            }
    src[REPORT_SRC_NONE] = views > linked ? views - linked : 0;
}

/* The bar chart of sources, largest first. */
static int sources_chart(const char *charts, const int64_t *src, int *height,
                         struct bs_err *err)
{
    static const char *const labels[REPORT_NSOURCES] = {
        [REPORT_SRC_SEARCH] = "Search engines",
        [REPORT_SRC_SOCIAL] = "Social networks",
        [REPORT_SRC_OTHER] = "Other sites",
        [REPORT_SRC_INTERNAL] = "Links on this site",
        [REPORT_SRC_NONE] = "No referrer (typed, bookmarks, apps)",
    };
    struct chart_bar b[REPORT_NSOURCES];
    struct chart_bars c = {b, 0, "Views", NULL};

    for (int k = 0; k < REPORT_NSOURCES; k++)
        if (src[k] > 0) {
            b[c.n].label = labels[k];
            b[c.n].a = (double)src[k];
            b[c.n].b = 0;
            c.n++;
        }
    qsort(b, c.n, sizeof(*b), by_total);
    *height = chart_bars_height(c.n);
    return chart_bars_write(charts, "sources", &c, CHART_W, err) ||
                   chart_bars_write(charts, "sources-narrow", &c, NARROW_W,
                                    err)
               ? -1
               : 0;
}

struct ctx {
    struct store *store;
    const struct conf *conf;
    int64_t site;            /* the site of the report (--site) */
    const char *site_name;   /* its title and address, or NULL */
    const char *site_url;
    const char *out;
    char *charts;            /* OUT/charts */
    int32_t from, to;
    int32_t first;           /* the first day of the site */
    const struct report_link *sites;   /* every site's report, or none */
    size_t nsites;
};

static int query(const struct ctx *c, enum store_query q, int32_t from,
                 int32_t to, int64_t limit, int64_t path_id, struct rows *rs,
                 struct bs_err *err)
{
    struct store_filter f = {from, to, limit, NULL, path_id, c->site};

    return store_query(c->store, q, &f, keep_row, rs, err);
}

/* posts/ID.html: the post's days since it was published (or first read). */
static int post_page(struct ctx *c, int64_t id, struct bs_err *err)
{
    struct rows info = {0}, all = {0}, days = {0}, ctry = {0}, trm = {0},
                site = {0}, range = {0}, refs = {0};
    struct report_referrer *rr = NULL;
    struct report_day *site_series = NULL;
    struct report_post_page p;
    struct report_day *series = NULL;
    struct report_country *cs = NULL;
    const char **tags = NULL, **cats = NULL;
    double *v = NULL, *vis = NULL;
    char file[64], chart[64], chart_rel[80];
    int32_t from;
    int rc = -1;

    memset(&p, 0, sizeof(p));
    if (query(c, STORE_POST_INFO, c->from, c->to, 1, id, &info,
              err) ||
        info.n == 0 ||
        query(c, STORE_POST_DAYS, INT32_MIN, c->to, 1, id, &all, err))
        goto out;
    from = c->first;
    if (info.r[0].n[1])          /* published */
        from = (int32_t)info.r[0].n[0];
    if (all.n > 0) {
        int32_t d0;

        if (day_parse(all.r[0].s[0], &d0) == 0 && (!info.r[0].n[1] || d0 < from))
            from = d0;
    }
    if (from < c->first)
        from = c->first;
    if (from > c->to)
        from = c->to;
    if (c->to - from >= MAX_DAYS)
        from = c->to - MAX_DAYS + 1;
    if (query(c, STORE_POST_DAYS, from, c->to, 0, id, &days, err) ||
        query(c, STORE_DAYS, from, c->to, 0, 0, &site, err) ||
        query(c, STORE_POST_COUNTRIES, from, c->to, TOP_COUNTRIES, id,
              &ctry, err) ||
        query(c, STORE_POST_TERMS, INT32_MIN, INT32_MAX, 0, id, &trm,
              err) ||
        query(c, STORE_POST_RANGE, from, c->to, 1, id, &range, err) ||
        query(c, STORE_POST_REFERRERS, from, c->to, TOP_REFERRERS, id,
              &refs, err))
        goto out;
    series = day_series(&days, from, c->to, &post_cols);
    p.ndays = (size_t)((int64_t)c->to - from + 1);
    site_series = day_series(&site, from, c->to, &site_cols);
    zero_fill(series, site_series, p.ndays);
    for (size_t i = 0; i < p.ndays; i++)
        if (series[i].views > 0)
            p.views += series[i].views;
    snprintf(chart, sizeof(chart), "post-%lld", (long long)id);
    snprintf(chart_rel, sizeof(chart_rel), "../charts/%s", chart);
    v = as_doubles(series, p.ndays, 0);
    vis = as_doubles(series, p.ndays, 1);
    {
        struct chart_daily d = {from, p.ndays, v, vis, "Views", "Visitors"};

        if (daily_charts(c->charts, chart, &d, POST_DAILY_H, err))
            goto out;
    }
    if (range.n) {
        p.visitors = range.r[0].n[0];
        p.visits = range.r[0].n[1];
    }
    rr = referrers(&refs);
    p.referrers = rr;
    p.nreferrers = refs.n;
    tags = xcalloc(trm.n + 1, sizeof(*tags));
    cats = xcalloc(trm.n + 1, sizeof(*cats));
    for (size_t i = 0; i < trm.n; i++) {
        if (strcmp(trm.r[i].s[0], "tag") == 0)
            tags[p.ntags++] = trm.r[i].s[1];
        else
            cats[p.ncategories++] = trm.r[i].s[1];
    }
    cs = countries(&ctry, 0);
    p.site_name = c->site_name;
    p.site_url = c->site_url;
    p.path = info.r[0].s[0];
    p.title = info.r[0].s[1];
    p.kind = info.r[0].s[2];
    p.published = info.r[0].n[1] ? (int32_t)info.r[0].n[0] : INT32_MIN;
    p.from = from;
    p.to = c->to;
    p.days = series;
    p.countries = cs;
    p.ncountries = ctry.n;
    p.tags = tags;
    p.categories = cats;
    p.chart = chart_rel;
    p.chart_width = CHART_W;
    p.chart_height = POST_DAILY_H;
    p.narrow_width = NARROW_W;
    p.narrow_height = NARROW_DAILY_H;
    p.back = "../index.html";
    snprintf(file, sizeof(file), "posts/%lld.html", (long long)id);
    rc = report_write_post(c->out, file, &p, err);
out:
    free(series);
    free(site_series);
    rows_free(&site);
    free(v);
    free(vis);
    free(cs);
    free(rr);
    free(tags);
    free(cats);
    rows_free(&range);
    rows_free(&refs);
    rows_free(&info);
    rows_free(&all);
    rows_free(&days);
    rows_free(&ctry);
    rows_free(&trm);
    return rc;
}

static int write_report(struct ctx *c, struct bs_err *err)
{
    struct rows days = {0}, prev = {0}, posts = {0}, tags = {0}, cats = {0},
                ctry = {0}, range = {0}, prange = {0}, src = {0}, refs = {0},
                terms_ = {0};
    struct report_index r;
    struct report_referrer *rr = NULL;
    struct report_search *rs = NULL;
    struct report_day *series = NULL;
    struct report_post *rp = NULL;
    struct report_term *rt = NULL, *rc_ = NULL;
    struct report_country *rcn = NULL;
    char (*pages)[48] = NULL, (*sparks)[48] = NULL;
    double *v = NULL, *vis = NULL;
    int32_t len = c->to - c->from + 1;
    int rc = -1;

    memset(&r, 0, sizeof(r));
    if (query(c, STORE_DAYS, c->from, c->to, 0, 0, &days, err) ||
        query(c, STORE_DAYS, c->from - len, c->from - 1, 0, 0, &prev,
              err) ||
        query(c, STORE_TOP_POSTS, c->from, c->to, TOP_POSTS, 0, &posts,
              err) ||
        query(c, STORE_TOP_TAGS, c->from, c->to, TOP_TERMS, 0, &tags,
              err) ||
        query(c, STORE_TOP_CATEGORIES, c->from, c->to, TOP_TERMS, 0,
              &cats, err) ||
        query(c, STORE_TOP_COUNTRIES, c->from, c->to, TOP_COUNTRIES, 0,
              &ctry, err) ||
        query(c, STORE_RANGE, c->from, c->to, 1, 0, &range, err) ||
        query(c, STORE_RANGE, c->from - len, c->from - 1, 1, 0, &prange,
              err) ||
        query(c, STORE_SOURCES, c->from, c->to, 0, 0, &src, err) ||
        query(c, STORE_TOP_REFERRERS, c->from, c->to, TOP_REFERRERS, 0,
              &refs, err) ||
        query(c, STORE_TOP_SEARCH_TERMS, c->from, c->to, TOP_SEARCHES,
              0, &terms_, err))
        goto out;

    series = day_series(&days, c->from, c->to, &site_cols);
    r.ndays = (size_t)len;
    for (size_t i = 0; i < days.n; i++)
        r.views += days.r[i].n[0];
    for (size_t i = 0; i < prev.n; i++)
        r.prev_views += prev.r[i].n[0];
    r.has_prev = c->first <= c->from - len;
    if (range.n) {
        r.visitors = range.r[0].n[0];
        r.visits = range.r[0].n[1];
    }
    if (prange.n)
        r.prev_visitors = prange.r[0].n[0];
    sources(&src, r.views, r.sources);
    rr = referrers(&refs);
    r.referrers = rr;
    r.nreferrers = refs.n;
    rs = xcalloc(terms_.n + 1, sizeof(*rs));
    for (size_t i = 0; i < terms_.n; i++) {
        rs[i].term = terms_.r[i].s[0];
        rs[i].views = terms_.r[i].n[0];
    }
    r.searches = rs;
    r.nsearches = terms_.n;
    v = as_doubles(series, r.ndays, 0);
    vis = as_doubles(series, r.ndays, 1);
    {
        struct chart_daily d = {c->from, r.ndays, v, vis, "Views",
                                "Visitors"};

        if (daily_charts(c->charts, "daily", &d, DAILY_H, err) ||
            sources_chart(c->charts, r.sources, &r.sources_height, err))
            goto out;
    }
    if (bars(c->charts, "posts", &posts, 1, 0, 0, -1, "Views", NULL,
             &r.posts_height, err) ||
        bars(c->charts, "tags", &tags, 0, -1, 0, 1, "Post views",
             "Archive views", &r.tags_height, err) ||
        bars(c->charts, "categories", &cats, 0, -1, 0, 1, "Post views",
             "Archive views", &r.categories_height, err) ||
        bars(c->charts, "countries", &ctry, 1, 0, 0, -1, "Views", NULL,
             &r.countries_height, err))
        goto out;

    rp = xcalloc(posts.n + 1, sizeof(*rp));
    pages = xcalloc(posts.n + 1, sizeof(*pages));
    sparks = xcalloc(posts.n + 1, sizeof(*sparks));
    for (size_t i = 0; i < posts.n; i++) {
        struct rows pd = {0};
        struct report_day *ps;
        double *pv;
        char name[40];
        int64_t id = posts.r[i].n[1];
        int bad;

        rp[i].path = posts.r[i].s[0];
        rp[i].title = posts.r[i].s[1];
        rp[i].views = posts.r[i].n[0];
        rp[i].visitors = posts.r[i].n[2];
        rp[i].visits = posts.r[i].n[3];
        snprintf(pages[i], sizeof(pages[i]), "posts/%lld.html",
                 (long long)id);
        snprintf(name, sizeof(name), "spark-%lld", (long long)id);
        snprintf(sparks[i], sizeof(sparks[i]), "charts/%s", name);
        rp[i].page = pages[i];
        rp[i].spark = sparks[i];
        if (query(c, STORE_POST_DAYS, c->from, c->to, 0, id, &pd,
                  err))
            goto out;
        ps = day_series(&pd, c->from, c->to, &post_cols);
        zero_fill(ps, series, r.ndays);
        pv = as_doubles(ps, r.ndays, 0);
        bad = chart_spark_write(c->charts, name, pv, r.ndays, SPARK_W,
                                SPARK_H, err) ||
              post_page(c, id, err);
        free(pv);
        free(ps);
        rows_free(&pd);
        if (bad)
            goto out;
    }
    rt = terms(&tags);
    rc_ = terms(&cats);
    rcn = countries(&ctry, 1);

    r.site_name = c->site_name;
    r.site_url = c->site_url;
    r.sites = c->sites;
    r.nsites = c->nsites;
    r.from = c->from;
    r.to = c->to;
    r.days = series;
    r.posts = rp;
    r.nposts = posts.n;
    r.tags = rt;
    r.ntags = tags.n;
    r.categories = rc_;
    r.ncategories = cats.n;
    r.countries = rcn;
    r.ncountries = ctry.n;
    r.daily_chart = "charts/daily";
    r.posts_chart = "charts/posts";
    r.tags_chart = "charts/tags";
    r.categories_chart = "charts/categories";
    r.countries_chart = "charts/countries";
    r.sources_chart = "charts/sources";
    r.chart_width = CHART_W;
    r.daily_height = DAILY_H;
    r.narrow_width = NARROW_W;
    r.daily_narrow_height = NARROW_DAILY_H;
    rc = report_write_index(c->out, &r, err);
out:
    free(series);
    free(v);
    free(vis);
    free(rr);
    free(rs);
    rows_free(&range);
    rows_free(&prange);
    rows_free(&src);
    rows_free(&refs);
    rows_free(&terms_);
    free(rp);
    free(pages);
    free(sparks);
    free(rt);
    free(rc_);
    free(rcn);
    rows_free(&days);
    rows_free(&prev);
    rows_free(&posts);
    rows_free(&tags);
    rows_free(&cats);
    rows_free(&ctry);
    return rc;
}

/* A site whose report is written: its name (from the database) and id. */
struct site_report {
    char name[STORE_SITE_NAME_MAX + 1];
    int64_t id;
};

#define REPORT_SITES_MAX 64

struct sites_ctx {
    struct site_report *s;
    size_t n;
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

static int add_site(void *ctx, const struct store_row *row)
{
    struct sites_ctx *sc = ctx;

    /* n: views, visitors, hits; the default site always, the others
     * when they have a line. */
    if (sc->n == REPORT_SITES_MAX || !safe_name(row->s[0]) ||
        (strcmp(row->s[0], "default") != 0 && row->n[2] == 0))
        return 0;
    snprintf(sc->s[sc->n].name, sizeof(sc->s[sc->n].name), "%s", row->s[0]);
    sc->n++;
    return 0;
}

/* The sites of a report without --site: the default first. */
static int report_sites(struct store *st, struct site_report **out,
                        size_t *n, struct bs_err *err)
{
    struct store_filter f = {INT32_MIN, INT32_MAX, 0, NULL, 0, 0};
    struct sites_ctx sc = {xcalloc(REPORT_SITES_MAX, sizeof(*sc.s)), 0};

    *out = sc.s;
    *n = 0;
    if (store_query(st, STORE_SITES, &f, add_site, &sc, err))
        return -1;
    for (size_t i = 0; i < sc.n; i++) {
        if (store_site_id(st, sc.s[i].name, 0, &sc.s[i].id, err) < 0)
            return -1;
        if (sc.s[i].id == STORE_SITE_DEFAULT && i > 0) {
            struct site_report d = sc.s[i];

            memmove(&sc.s[1], &sc.s[0], i * sizeof(*sc.s));
            sc.s[0] = d;
        }
    }
    *n = sc.n;
    return 0;
}

/* Where a site's report goes: OUT for the default, OUT/site/NAME for
 * the others. */
static char *site_dir(const char *out, const struct site_report *s)
{
    size_t n = strlen(out) + sizeof(s->name) + 8;
    char *d = xmalloc(n);

    if (s->id == STORE_SITE_DEFAULT)
        snprintf(d, n, "%s", out);
    else
        snprintf(d, n, "%s/site/%s", out, s->name);
    return d;
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

/* A site's report into c->out: its folders, then its pages. */
static int write_site(struct ctx *c, struct bs_err *err)
{
    size_t n = strlen(c->out) + 16;
    char *posts = xmalloc(n), *parent = xmalloc(n);
    int rc;

    c->charts = xmalloc(n);
    snprintf(c->charts, n, "%s/charts", c->out);
    snprintf(posts, n, "%s/posts", c->out);
    rc = 0;
    if (c->nsites > 1 && c->site != STORE_SITE_DEFAULT) {
        /* OUT/site first */
        const char *slash = strrchr(c->out, '/');

        snprintf(parent, n, "%.*s", (int)(slash - c->out), c->out);
        rc = make_dir(parent, err);
    }
    rc = rc || make_dir(c->out, err) || make_dir(c->charts, err) ||
         make_dir(posts, err) || write_report(c, err);
    free(posts);
    free(parent);
    return rc ? -1 : 0;
}

int cmd_report(int argc, char **argv)
{
    enum { OPT_FROM = 256, OPT_TO, OPT_DAYS, OPT_OUT, OPT_SITE };
    static const struct option longopts[] = {
        {"from", required_argument, NULL, OPT_FROM},
        {"to", required_argument, NULL, OPT_TO},
        {"days", required_argument, NULL, OPT_DAYS},
        {"out", required_argument, NULL, OPT_OUT},
        {"site", required_argument, NULL, OPT_SITE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct bs_err err = {0};
    struct ctx c;
    struct conf *conf;
    int32_t first = 0, last = 0, from = 0, to = 0;
    int have_from = 0, have_to = 0, span, status = 0, ch;
    int64_t days = -1;
    const char *out = "reports", *site = NULL;
    struct site_report *sites = NULL;
    size_t nsites = 0;
    struct report_link *links = NULL;
    char hrefs[REPORT_SITES_MAX][96];
    char *dir = NULL;

    memset(&c, 0, sizeof(c));
    opterr = 0;
    while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (ch) {
        case OPT_FROM:
            if (day_parse(optarg, &from))
                return cli_usage("report ", "bad date '%s': use YYYY-MM-DD",
                                 optarg);
            have_from = 1;
            break;
        case OPT_TO:
            if (day_parse(optarg, &to))
                return cli_usage("report ", "bad date '%s': use YYYY-MM-DD",
                                 optarg);
            have_to = 1;
            break;
        case OPT_DAYS:
            days = cli_parse_count(optarg);
            if (days <= 0 || days > MAX_DAYS)
                return cli_usage("report ", "bad --days '%s'", optarg);
            break;
        case OPT_OUT:
            out = optarg;
            break;
        case OPT_SITE:
            site = optarg;
            break;
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
    if (days > 0 && have_from)
        return cli_usage("report ", "give --days or --from, not both");
    if (have_from && have_to && from > to)
        return cli_usage("report ", "--from is after --to");

    if (!(conf = cli_conf(&err))) {
        cli_error(&err);
        return err.status;
    }
    c.conf = conf;
    c.store = store_open(cli_db_path(conf), STORE_READ, &err);
    if (!c.store)
        goto fail;
    if (site) {
        struct site_report one;

        memset(&one, 0, sizeof(one));
        snprintf(one.name, sizeof(one.name), "%s", site);
        if (cli_site_select(c.store, site, &one.id, &err))
            goto fail;
        span = store_day_span(c.store, one.id, &first, &last, &err);
        sites = xmalloc(sizeof(*sites));
        sites[0] = one;
        nsites = 1;
    } else {
        if (report_sites(c.store, &sites, &nsites, &err))
            goto fail;
        span = store_day_span(c.store, STORE_SITE_ALL, &first, &last, &err);
    }
    if (span < 0)
        goto fail;
    if (!span) {
        first = last = days_from_civil(1970, 1, 1);
    }
    if (!have_to)
        to = days > 0 || !have_from ? last : (from > last ? from : last);
    if (days > 0)
        from = to - (int32_t)(days - 1);
    else if (!have_from)
        from = first < to ? first : to;
    if (to - from >= MAX_DAYS) {
        status = cli_usage("report ", "a report of more than %d days",
                           MAX_DAYS);
        goto done;
    }
    c.from = from;
    c.to = to;
    if (nsites > 1) {
        links = xcalloc(nsites, sizeof(*links));
        c.sites = links;
        c.nsites = nsites;
    }
    for (size_t i = 0; i < nsites; i++) {
        /* The config's title and address of the site; one it no longer
         * declares is shown by its name. */
        int k = conf_site_find(conf, sites[i].name);
        int32_t f0, l0;
        int has;

        c.site = sites[i].id;
        c.site_name = k >= 0 ? conf->sites[k].name : sites[i].name;
        c.site_url = k >= 0 ? conf->sites[k].url : NULL;
        if (c.site == STORE_SITE_DEFAULT && k >= 0 && nsites > 1 &&
            !c.site_name)
            c.site_name = "default";
        has = store_day_span(c.store, c.site, &f0, &l0, &err);
        if (has < 0)
            goto fail;
        c.first = has ? f0 : first;
        for (size_t j = 0; j < c.nsites; j++) {
            int kj = conf_site_find(conf, sites[j].name);

            links[j].name = kj >= 0 && conf->sites[kj].name
                                ? conf->sites[kj].name
                                : sites[j].name;
            links[j].href = i == j ? NULL
                                   : site_href(&sites[i], &sites[j],
                                               hrefs[j], sizeof(hrefs[j]));
        }
        free(c.charts);
        c.charts = NULL;
        free(dir);
        /* With --site the report goes where --out says. */
        dir = site ? xstrdup(out) : site_dir(out, &sites[i]);
        c.out = dir;
        if (write_site(&c, &err))
            goto fail;
        if (!cli.quiet && (cli.verbose || isatty(STDERR_FILENO)))
            fprintf(stderr, "blogstat: report written to %s/index.html\n",
                    dir);
    }
    goto done;
fail:
    cli_error(&err);
    status = err.status;
done:
    free(c.charts);
    free(dir);
    free(sites);
    free(links);
    store_close(c.store);
    conf_free(conf);
    return status;
}
