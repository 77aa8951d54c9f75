/*
 * test_report_data.c - report_data.h: a report's numbers, read from a
 * small database made here, every one of them checked.
 */
#include "tustore.h"
#include "atomicfile.h"
#include "chart.h"
#include "report.h"
#include "report_data.h"
#include "sketch.h"
#include "store.h"

#include <sys/stat.h>

#define D(n) (days_from_civil(2013, 2, 1) + (n))

static void ok(int rc, const struct bs_err *err, const char *what)
{
    if (rc != 0)
        fail_msg("%s: %d %s", what, err->status, err->msg);
}

/* A visitor id: distinct for each i. */
static uint64_t vid(uint64_t i)
{
    uint64_t z = (i + 1) * 0x9E3779B97F4A7C15ull;

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    return z ^ (z >> 31);
}

/* Visitors [from, to) into the sketch dim of day (path id, country). */
static void sketch(struct store *s, enum store_sketch dim, int32_t day,
                   int64_t path_id, uint64_t from, uint64_t to)
{
    struct sketch *sk = sketch_new();
    struct bs_err err = {0};
    unsigned char *b;
    size_t n;

    for (uint64_t i = from; i < to; i++)
        sketch_add(sk, vid(i));
    b = sketch_serialize(sk, &n);
    ok(store_add_sketch(s, 0, dim, day, path_id, NULL, b, n, &err), &err,
       "store_add_sketch");
    free(b);
    sketch_free(sk);
}

static void day(struct store *s, int32_t d, uint64_t hits, uint64_t views)
{
    struct bs_err err = {0};

    ok(store_add_day(s, 0, d, hits, views, 0, 0, &err), &err,
       "store_add_day");
}

static void path(struct store *s, int32_t d, enum url_kind kind,
                 const char *p, uint64_t views)
{
    struct bs_err err = {0};

    ok(store_add_path_views(s, 0, d, kind, p, strlen(p), views, &err), &err,
       "store_add_path_views");
}

static void country(struct store *s, int32_t d, const char *cc,
                    uint64_t views)
{
    struct bs_err err = {0};

    ok(store_add_country_views(s, 0, d, cc, views, &err), &err,
       "store_add_country_views");
}

static void post_country(struct store *s, int32_t d, const char *p,
                         const char *cc, uint64_t views)
{
    struct bs_err err = {0};

    ok(store_add_post_country_views(s, 0, d, URL_POST, p, strlen(p), cc, views,
                                    &err),
       &err, "store_add_post_country_views");
}

static void referrer(struct store *s, int32_t d, int64_t pid,
                     const char *host, const char *cls, uint64_t views)
{
    struct bs_err err = {0};

    ok(store_add_referrer(s, 0, d, pid, host, strlen(host), cls, views, &err),
       &err, "store_add_referrer");
}

/*
 * Six days: data on 1, 2, 3, 4 and 6 (none on 5); the report is of days
 * 4..6, the period before 1..3. Post /a/ (imported, published on day 3,
 * tag x, category k) is read on days 2, 4 and 6, page /b/ on day 4.
 */
static void fill(struct store *s)
{
    struct bs_err err = {0};
    const char *tags[] = {"x"}, *cats[] = {"k"};
    struct store_post p = {0};
    int64_t a;

    ok(store_begin(s, &err), &err, "store_begin");
    day(s, D(1), 10, 5);
    day(s, D(2), 20, 8);
    day(s, D(3), 15, 7);
    day(s, D(4), 30, 12);
    day(s, D(6), 25, 9);
    path(s, D(2), URL_POST, "/a/", 3);
    path(s, D(4), URL_POST, "/a/", 6);
    path(s, D(6), URL_POST, "/a/", 4);
    path(s, D(4), URL_PAGE, "/b/", 2);
    p.path = "/a/";
    p.kind = URL_POST;
    p.title = "A";
    p.has_published = 1;
    p.published = D(3);
    p.tags = tags;
    p.ntags = 1;
    p.has_tags = 1;
    p.categories = cats;
    p.ncategories = 1;
    p.has_categories = 1;
    ok(store_put_post(s, 0, &p, &err), &err, "store_put_post");
    ok(store_add_term_views(s, 0, D(4), URL_TAG, "x", 1, 1, &err), &err,
       "store_add_term_views");
    country(s, D(4), "SE", 10);
    country(s, D(6), "SE", 5);
    country(s, D(6), "DE", 4);
    post_country(s, D(4), "/a/", "SE", 6);
    post_country(s, D(6), "/a/", "DE", 4);
    ok(store_path_id(s, 0, URL_POST, "/a/", 3, &a, &err), &err,
       "store_path_id");
    referrer(s, D(4), a, "google.com", "search", 3);
    referrer(s, D(6), a, "t.co", "social", 1);
    referrer(s, D(4), a, "blog.example", "internal", 2);
    ok(store_add_search_term(s, 0, D(4), "foo", 3, 2, &err), &err,
       "store_add_search_term");
    sketch(s, STORE_SKETCH_DAY, D(2), 0, 0, 2);
    sketch(s, STORE_SKETCH_DAY, D(4), 0, 0, 5);
    sketch(s, STORE_SKETCH_DAY, D(6), 0, 3, 8);
    sketch(s, STORE_SKETCH_PATH, D(4), a, 0, 3);
    ok(store_add_visits(s, 0, D(4), 0, 4, &err), &err, "store_add_visits");
    ok(store_add_visits(s, 0, D(6), 0, 3, &err), &err, "store_add_visits");
    ok(store_add_visits(s, 0, D(4), a, 2, &err), &err, "store_add_visits");
    ok(store_commit(s, &err), &err, "store_commit");
}

static int setup(void **state)
{
    struct tu_store *f = tu_store_new(1);

    fill(f->s);
    *state = f;
    return 0;
}

/* The path id of /a/. */
static int64_t a_id(struct tu_store *f)
{
    struct bs_err err = {0};
    int64_t id = 0;

    ok(store_path_id(f->s, 0, URL_POST, "/a/", 3, &id, &err), &err,
       "store_path_id");
    return id;
}

/* Unix seconds of h:m UTC on day D(d). */
static int64_t utc(int d, int h, int m)
{
    return (int64_t)D(d) * 86400 + h * 3600 + m * 60;
}

static void check_day(const struct report_day *d, int32_t day,
                      int64_t views, int64_t visitors, int64_t visits)
{
    assert_int_equal(d->day, day);
    assert_int_equal(d->views, views);
    if (views >= 0) {
        assert_int_equal(d->visitors, visitors);
        assert_int_equal(d->visits, visits);
    }
}

static void test_report_data__index(void **state)
{
    struct tu_store *f = *state;
    struct report_range r = {0, D(4), D(6), D(1), 0, 0};
    struct bs_err err = {0};
    struct report_data *d = report_data_build(f->s, &r, &err);
    const struct report_index *x;

    if (!d)
        fail_msg("report_data_build: %s", err.msg);
    x = &d->index;
    assert_int_equal(x->from, D(4));
    assert_int_equal(x->to, D(6));
    /* Day 5 has no data: a gap. */
    assert_int_equal(x->ndays, 3);
    check_day(&x->days[0], D(4), 12, 5, 4);
    check_day(&x->days[1], D(5), -1, 0, 0);
    check_day(&x->days[2], D(6), 9, 5, 3);
    assert_int_equal(x->views, 12 + 9);
    assert_int_equal(x->prev_views, 5 + 8 + 7);
    assert_int_equal(x->has_prev, 1);
    assert_int_equal(x->visitors, 8);        /* 0..4 and 3..7 */
    assert_int_equal(x->visits, 4 + 3);
    assert_int_equal(x->prev_visitors, 2);
    assert_int_equal(x->sources[REPORT_SRC_SEARCH], 3);
    assert_int_equal(x->sources[REPORT_SRC_SOCIAL], 1);
    assert_int_equal(x->sources[REPORT_SRC_OTHER], 0);
    assert_int_equal(x->sources[REPORT_SRC_INTERNAL], 2);
    assert_int_equal(x->sources[REPORT_SRC_NONE], 21 - 3 - 1 - 2);
    /* The site's own links are no referrer of the index. */
    assert_int_equal(x->nreferrers, 2);
    assert_string_equal(x->referrers[0].host, "google.com");
    assert_int_equal(x->referrers[0].cls, REF_SEARCH);
    assert_int_equal(x->referrers[0].views, 3);
    assert_string_equal(x->referrers[1].host, "t.co");
    assert_int_equal(x->referrers[1].cls, REF_SOCIAL);
    assert_int_equal(x->referrers[1].views, 1);
    assert_int_equal(x->nsearches, 1);
    assert_string_equal(x->searches[0].term, "foo");
    assert_int_equal(x->searches[0].views, 2);

    assert_int_equal(x->nposts, 2);
    assert_string_equal(x->posts[0].path, "/a/");
    assert_string_equal(x->posts[0].title, "A");
    assert_int_equal(x->posts[0].views, 10);
    assert_int_equal(x->posts[0].visitors, 3);
    assert_int_equal(x->posts[0].visits, 2);
    assert_null(x->posts[0].page);
    assert_null(x->posts[0].spark);
    assert_string_equal(x->posts[1].path, "/b/");
    assert_string_equal(x->posts[1].title, "");
    assert_int_equal(x->posts[1].views, 2);
    assert_int_equal(x->posts[1].visitors, 0);
    assert_int_equal(x->posts[1].visits, 0);

    assert_int_equal(x->ntags, 1);
    assert_string_equal(x->tags[0].name, "x");
    assert_int_equal(x->tags[0].post_views, 10);
    assert_int_equal(x->tags[0].archive_views, 1);
    assert_int_equal(x->tags[0].visitors, 3);
    assert_int_equal(x->ncategories, 1);
    assert_string_equal(x->categories[0].name, "k");
    assert_int_equal(x->categories[0].post_views, 10);
    assert_int_equal(x->categories[0].archive_views, 0);
    assert_int_equal(x->categories[0].visitors, 3);
    assert_int_equal(x->ncountries, 2);
    assert_string_equal(x->countries[0].code, "SE");
    assert_int_equal(x->countries[0].views, 15);
    assert_int_equal(x->countries[0].visitors, 0);
    assert_string_equal(x->countries[1].code, "DE");
    assert_int_equal(x->countries[1].views, 4);

    /* Each post's days of the range: 0 where the site has data. */
    assert_int_equal(d->posts[0].id, a_id(f));
    check_day(&d->posts[0].days[0], D(4), 6, 3, 2);
    check_day(&d->posts[0].days[1], D(5), -1, 0, 0);
    check_day(&d->posts[0].days[2], D(6), 4, 0, 0);
    check_day(&d->posts[1].days[0], D(4), 2, 0, 0);
    check_day(&d->posts[1].days[1], D(5), -1, 0, 0);
    check_day(&d->posts[1].days[2], D(6), 0, 0, 0);
    report_data_free(d);

    /* The index alone (a period's report, the digest): the same index,
     * no post's days. */
    r.index_only = 1;
    if (!(d = report_data_build(f->s, &r, &err)))
        fail_msg("report_data_build, index only: %s", err.msg);
    assert_int_equal(d->index.views, 12 + 9);
    assert_int_equal(d->index.nposts, 2);
    assert_int_equal(d->index.posts[0].views, 10);
    assert_int_equal(d->index.tags[0].visitors, 3);
    assert_null(d->posts);
    report_data_free(d);
}

static void test_report_data__post_pages(void **state)
{
    struct tu_store *f = *state;
    struct report_range r = {0, D(4), D(6), D(1), 0, 0};
    struct bs_err err = {0};
    struct report_data *d = report_data_build(f->s, &r, &err);
    const struct report_post_page *p;

    if (!d)
        fail_msg("report_data_build: %s", err.msg);
    /* /a/ was published on day 3 but read on day 2: its page starts
     * there. */
    p = &d->posts[0].page;
    assert_string_equal(p->path, "/a/");
    assert_string_equal(p->title, "A");
    assert_int_equal(p->kind, URL_POST);
    assert_int_equal(p->published, D(3));
    assert_int_equal(p->from, D(2));
    assert_int_equal(p->to, D(6));
    assert_int_equal(p->ndays, 5);
    check_day(&p->days[0], D(2), 3, 0, 0);
    check_day(&p->days[1], D(3), 0, 0, 0);
    check_day(&p->days[2], D(4), 6, 3, 2);
    check_day(&p->days[3], D(5), -1, 0, 0);
    check_day(&p->days[4], D(6), 4, 0, 0);
    assert_int_equal(p->views, 13);
    assert_int_equal(p->visitors, 3);
    assert_int_equal(p->visits, 2);
    assert_int_equal(p->ncountries, 2);
    assert_string_equal(p->countries[0].code, "SE");
    assert_int_equal(p->countries[0].views, 6);
    assert_int_equal(p->countries[0].visitors, -1);
    assert_string_equal(p->countries[1].code, "DE");
    assert_int_equal(p->countries[1].views, 4);
    /* Its referrers, its own site's links too. */
    assert_int_equal(p->nreferrers, 3);
    assert_string_equal(p->referrers[0].host, "google.com");
    assert_int_equal(p->referrers[0].views, 3);
    assert_string_equal(p->referrers[1].host, "blog.example");
    assert_int_equal(p->referrers[1].cls, REF_INTERNAL);
    assert_int_equal(p->referrers[1].views, 2);
    assert_string_equal(p->referrers[2].host, "t.co");
    assert_int_equal(p->ntags, 1);
    assert_string_equal(p->tags[0], "x");
    assert_int_equal(p->ncategories, 1);
    assert_string_equal(p->categories[0], "k");
    assert_null(p->site_name);
    assert_null(p->chart);

    /* /b/: no date, first read on day 4. */
    p = &d->posts[1].page;
    assert_string_equal(p->path, "/b/");
    assert_int_equal(p->kind, URL_PAGE);
    assert_int_equal(p->published, INT32_MIN);
    assert_int_equal(p->from, D(4));
    assert_int_equal(p->ndays, 3);
    assert_int_equal(p->views, 2);
    assert_int_equal(p->visitors, 0);
    assert_int_equal(p->ncountries, 0);
    assert_int_equal(p->nreferrers, 0);
    assert_int_equal(p->ntags + p->ncategories, 0);
    report_data_free(d);
}

/* A range before the data: no day, no post, nothing before it. */
static void test_report_data__empty_range(void **state)
{
    struct tu_store *f = *state;
    struct report_range r = {0, D(-10), D(-9), D(1), 0, 0};
    struct bs_err err = {0};
    struct report_data *d = report_data_build(f->s, &r, &err);

    if (!d)
        fail_msg("report_data_build: %s", err.msg);
    assert_int_equal(d->index.ndays, 2);
    check_day(&d->index.days[0], D(-10), -1, 0, 0);
    check_day(&d->index.days[1], D(-9), -1, 0, 0);
    assert_int_equal(d->index.views, 0);
    assert_int_equal(d->index.has_prev, 0);
    assert_int_equal(d->index.nposts, 0);
    assert_int_equal(d->index.ntags + d->index.ncategories, 0);
    assert_int_equal(d->index.ncountries + d->index.nreferrers, 0);
    assert_int_equal(d->index.sources[REPORT_SRC_NONE], 0);
    report_data_free(d);
    report_data_free(NULL);
}

/* Another site's report holds none of site 0's numbers. */
static void test_report_data__other_site(void **state)
{
    struct tu_store *f = *state;
    struct bs_err err = {0};
    struct report_range r = {0, D(1), D(6), D(1), 0, 0};
    struct report_data *d;

    assert_int_equal(store_site_id(f->s, "other", 1, &r.site, &err), 1);
    d = report_data_build(f->s, &r, &err);
    if (!d)
        fail_msg("report_data_build: %s", err.msg);
    assert_int_equal(d->index.views, 0);
    assert_int_equal(d->index.visitors, 0);
    assert_int_equal(d->index.nposts, 0);
    assert_int_equal(d->index.ncountries, 0);
    report_data_free(d);
}

/* The newest line read for the site: local time h:m of day D(d) in a
 * log at +0100, as ingest records it. */
static void newest(struct tu_store *f, int64_t site, int d, int h, int m)
{
    struct bs_err err = {0};

    ok(store_newest_line_put(f->s, site, utc(d, h, m) - 3600, 60, &err),
       &err, "store_newest_line_put");
}

/* Day 6 is the newest: while it is still day 6 at +0100 it is being
 * written, from its midnight there to the next. */
static void test_report_data__partial_day_clock(void **state)
{
    struct tu_store *f = *state;
    struct bs_err err = {0};
    int32_t d = 0;

    /* Nothing recorded: the day is judged in UTC. */
    assert_int_equal(report_partial_day(f->s, 0, utc(6, 23, 30), &d, &err),
                     1);
    assert_int_equal(d, D(6));
    assert_int_equal(report_partial_day(f->s, 0, utc(7, 0, 0), &d, &err), 0);
    newest(f, 0, 6, 4, 15);
    assert_int_equal(report_partial_day(f->s, 0, utc(6, 3, 15), &d, &err),
                     1);
    assert_int_equal(d, D(6));
    /* 23:30 UTC is 00:30 of day 7 at +0100: day 6 is over. */
    assert_int_equal(report_partial_day(f->s, 0, utc(6, 22, 59), &d, &err),
                     1);
    assert_int_equal(report_partial_day(f->s, 0, utc(6, 23, 0), &d, &err), 0);
    assert_int_equal(report_partial_day(f->s, 0, utc(6, 23, 30), &d, &err),
                     0);
    /* A clock behind the log: still being written. */
    assert_int_equal(report_partial_day(f->s, 0, utc(2, 0, 0), &d, &err), 1);
    /* Of every site: the same. */
    assert_int_equal(report_partial_day(f->s, STORE_SITE_ALL, utc(6, 3, 15),
                                        &d, &err),
                     1);
    /* A line of day 7 was read (of an excluded address): day 6 is over. */
    newest(f, 0, 7, 0, 5);
    assert_int_equal(report_partial_day(f->s, 0, utc(6, 3, 15), &d, &err), 0);
    assert_int_equal(err.status, 0);
}

/* Another site of the log has a later day: the log moved on. */
static void test_report_data__partial_day_other_site(void **state)
{
    struct tu_store *f = *state;
    struct bs_err err = {0};
    int64_t other = 0;
    int32_t d = 0;

    newest(f, 0, 6, 4, 15);
    assert_int_equal(report_partial_day(f->s, 0, utc(6, 12, 0), &d, &err),
                     1);
    assert_int_equal(store_site_id(f->s, "other", 1, &other, &err), 1);
    ok(store_add_day(f->s, other, D(7), 1, 1, 0, 0, &err), &err,
       "store_add_day");
    newest(f, other, 7, 0, 10);
    assert_int_equal(report_partial_day(f->s, 0, utc(6, 12, 0), &d, &err), 0);
    /* The other site's own newest day is being written. */
    assert_int_equal(report_partial_day(f->s, other, utc(7, 1, 0), &d, &err),
                     1);
    assert_int_equal(d, D(7));
    assert_int_equal(err.status, 0);
}

/* A report ending with the day being written marks it and compares its
 * complete days with as many before them; of that day alone, nothing. */
static void test_report_data__partial_day_report(void **state)
{
    struct tu_store *f = *state;
    struct report_range r = {0, D(4), D(6), D(1), 0, 0};
    struct bs_err err = {0};
    struct report_data *d;
    const struct report_index *x;

    newest(f, 0, 6, 4, 15);
    r.now = utc(6, 4, 20);
    if (!(d = report_data_build(f->s, &r, &err)))
        fail_msg("report_data_build: %s", err.msg);
    x = &d->index;
    assert_int_equal(x->has_partial, 1);
    assert_int_equal(x->partial_day, D(6));
    /* Every number of the range still holds the day. */
    assert_int_equal(x->views, 12 + 9);
    assert_int_equal(x->visitors, 8);
    check_day(&x->days[2], D(6), 9, 5, 3);
    /* Days 4 and 5 against 2 and 3. */
    assert_int_equal(x->cmp_days, 2);
    assert_int_equal(x->cmp_views, 12);
    assert_int_equal(x->cmp_visitors, 5);
    assert_int_equal(x->has_prev, 1);
    assert_int_equal(x->prev_views, 8 + 7);
    assert_int_equal(x->prev_visitors, 2);
    report_data_free(d);

    /* The same range once the day is over: the whole against 1..3. */
    r.now = utc(7, 0, 0);
    if (!(d = report_data_build(f->s, &r, &err)))
        fail_msg("report_data_build: %s", err.msg);
    assert_int_equal(d->index.has_partial, 0);
    assert_int_equal(d->index.prev_views, 5 + 8 + 7);
    report_data_free(d);

    /* The day alone: nothing to compare it with. */
    r.from = D(6);
    r.now = utc(6, 4, 20);
    if (!(d = report_data_build(f->s, &r, &err)))
        fail_msg("report_data_build: %s", err.msg);
    assert_int_equal(d->index.has_partial, 1);
    assert_int_equal(d->index.cmp_days, 0);
    assert_int_equal(d->index.has_prev, 0);
    assert_int_equal(d->index.views, 9);
    report_data_free(d);

    /* A range that ends before it knows nothing of it. */
    r.from = D(2);
    r.to = D(4);
    if (!(d = report_data_build(f->s, &r, &err)))
        fail_msg("report_data_build: %s", err.msg);
    assert_int_equal(d->index.has_partial, 0);
    report_data_free(d);
}

/* Each period's report, drawn on two threads: every one whole (its page,
 * its daily chart, its fingerprint); a second run draws none; a day
 * added draws again the periods it falls in. */
static void test_report_data__periods(void **state)
{
    static const char *const ids[] = {"last-7", "last-30", "2013",
                                      "2013-02", "2013-01"};
    static const char *const files[] = {"index.html", ".fingerprint",
                                        "charts/daily.png",
                                        "charts/daily.svg"};
    struct tu_store *f = *state;
    struct report_site site = {"Blogg", NULL, NULL, 0, NULL, 0, 0};
    struct bs_err err = {0};
    char *tmp = tu_tmpdir();
    struct atomic_dir *out = atomic_dir_open(tmp, &err);
    struct report_periods *ps;
    size_t written = 99;
    struct stat st;

    assert_non_null(out);
    /* A day of January too: the periods are the last 7 and 30 days, the
     * year and its two months. The clock on D(8): every day of the data
     * is complete. */
    ok(store_begin(f->s, &err), &err, "store_begin");
    day(f->s, D(-20), 3, 2);
    ok(store_commit(f->s, &err), &err, "store_commit");
    ps = report_periods_plan(f->s, 0, D(-20), D(6), (int64_t)D(8) * 86400,
                             &err);
    assert_non_null(ps);
    if (report_periods_write(f->s, ps, &site, out, &written, &err))
        fail_msg("report_periods_write: %s", err.msg);
    assert_int_equal(written, ARRAY_SIZE(ids));
    for (size_t i = 0; i < ARRAY_SIZE(ids); i++)
        for (size_t k = 0; k < ARRAY_SIZE(files); k++) {
            char name[64];
            char *path;

            snprintf(name, sizeof(name), "periods/%s/%s", ids[i], files[k]);
            path = tu_path(tmp, name);
            if (stat(path, &st) != 0 || st.st_size == 0)
                fail_msg("%s missing", name);
            free(path);
        }
    assert_int_equal(report_periods_write(f->s, ps, &site, out, &written,
                                          &err), 0);
    assert_int_equal(written, 0);
    /* A view on D(5): all but January change. */
    ok(store_begin(f->s, &err), &err, "store_begin");
    day(f->s, D(5), 1, 1);
    ok(store_commit(f->s, &err), &err, "store_commit");
    assert_int_equal(report_periods_write(f->s, ps, &site, out, &written,
                                          &err), 0);
    assert_int_equal(written, ARRAY_SIZE(ids) - 1);
    report_periods_free(ps);
    atomic_dir_close(out);
    chart_cleanup();
    tu_rmrf(tmp);
    free(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_report_data__periods, setup,
                                        tu_store_teardown),
        cmocka_unit_test_setup_teardown(test_report_data__index, setup,
                                        tu_store_teardown),
        cmocka_unit_test_setup_teardown(test_report_data__post_pages, setup,
                                        tu_store_teardown),
        cmocka_unit_test_setup_teardown(test_report_data__empty_range, setup,
                                        tu_store_teardown),
        cmocka_unit_test_setup_teardown(test_report_data__other_site, setup,
                                        tu_store_teardown),
        cmocka_unit_test_setup_teardown(test_report_data__partial_day_clock,
                                        setup, tu_store_teardown),
        cmocka_unit_test_setup_teardown(
            test_report_data__partial_day_other_site, setup, tu_store_teardown),
        cmocka_unit_test_setup_teardown(test_report_data__partial_day_report,
                                        setup, tu_store_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
