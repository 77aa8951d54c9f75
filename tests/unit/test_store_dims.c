/*
 * test_store_dims.c - the other dimensions in the store (store_dims.c):
 * rows added over transactions, the day bound across them, the largest
 * subscriber report kept, and each table ranked over a range and a site.
 */
#include "tustore.h"
#include "testsql.h"
#include "agg.h"
#include "dims.h"
#include "sketch.h"
#include "store.h"

#include <stdio.h>

#define DAY 15743            /* 2013-02-07, a Thursday */

static void begin(struct tu_store *f)
{
    assert_int_equal(store_begin(f->s, &f->err), 0);
}

static void commit(struct tu_store *f)
{
    assert_int_equal(store_commit(f->s, &f->err), 0);
}

static void add(struct tu_store *f, int64_t site, int32_t day, enum dim dim,
                const char *k0, const char *k1, const char *k2, uint64_t n)
{
    struct dim_row r = {.day = day, .dim = dim,
                        .k = {slice_make(k0, strlen(k0)),
                              slice_make(k1, strlen(k1)),
                              slice_make(k2, strlen(k2))},
                        .n = n};

    assert_int_equal(store_add_dim(f->s, site, &r, &f->err), 0);
}

/* Visitors first..first+n-1 of key (k0, k1, k2) of dim on day, with n
 * views. */
static void add_seen3(struct tu_store *f, int32_t day, enum dim dim,
                      const char *k0, const char *k1, const char *k2,
                      uint64_t first, uint64_t n)
{
    struct sketch *sk = sketch_new();
    struct dim_row r = {.day = day, .dim = dim,
                        .k = {slice_make(k0, strlen(k0)),
                              slice_make(k1, strlen(k1)),
                              slice_make(k2, strlen(k2))},
                        .n = n};
    unsigned char *blob;

    for (uint64_t v = first; v < first + n; v++)
        sketch_add(sk, bs_hash(&v, sizeof(v)));
    blob = sketch_serialize(sk, &r.sketch_n);
    r.sketch = blob;
    assert_int_equal(store_add_dim(f->s, STORE_SITE_DEFAULT, &r, &f->err), 0);
    free(blob);
    sketch_free(sk);
}

static void add_seen(struct tu_store *f, int32_t day, enum dim dim,
                     const char *k0, uint64_t first, uint64_t n)
{
    add_seen3(f, day, dim, k0, "", "", first, n);
}

/* The rows of a table, as "k0|k1|k2|n|visitors|subscribers|weekday;". */
struct out {
    char s[8192];
    size_t n;
};

static int put(void *ctx, const struct store_dim_row *r)
{
    struct out *o = ctx;
    int w = snprintf(o->s + o->n, sizeof(o->s) - o->n,
                     "%s|%s|%s|%lld|%lld|%lld|%d;", r->k[0], r->k[1], r->k[2],
                     (long long)r->n, (long long)r->visitors,
                     (long long)r->subscribers, r->weekday);

    assert_true(w > 0 && (size_t)w < sizeof(o->s) - o->n);
    o->n += (size_t)w;
    return 0;
}

static const char *top(struct tu_store *f, enum dim dim, int32_t from,
                       int32_t to, int64_t limit, struct out *o)
{
    struct store_filter flt = {.from = from, .to = to, .limit = limit};

    o->n = 0;
    o->s[0] = '\0';
    assert_int_equal(store_top_dim(f->s, &flt, dim, put, o, &f->err), 0);
    return o->s;
}

static void test_store_dims__robots_and_campaigns(void **state)
{
    struct tu_store *f = *state;
    struct out o;

    begin(f);
    add(f, 0, DAY, DIM_ROBOT, "Googlebot", "search", "", 5);
    add(f, 0, DAY, DIM_ROBOT, "GPTBot", "ai", "", 7);
    commit(f);
    begin(f);
    add(f, 0, DAY, DIM_ROBOT, "Googlebot", "search", "", 4);
    add(f, 0, DAY + 1, DIM_ROBOT, "Googlebot", "search", "", 1);
    add(f, 0, DAY, DIM_CAMPAIGN, "news", "email", "week 6", 3);
    add(f, 0, DAY, DIM_CAMPAIGN, "news", "email", "", 1);
    add(f, 0, DAY + 1, DIM_CAMPAIGN, "news", "email", "week 6", 2);
    commit(f);
    assert_string_equal(top(f, DIM_ROBOT, DAY, DAY + 1, 0, &o),
                        "Googlebot|search||10|-1|0|0;GPTBot|ai||7|-1|0|0;");
    assert_string_equal(top(f, DIM_ROBOT, DAY + 1, DAY + 1, 0, &o),
                        "Googlebot|search||1|-1|0|0;");
    assert_string_equal(top(f, DIM_ROBOT, DAY, DAY + 1, 1, &o),
                        "Googlebot|search||10|-1|0|0;");
    assert_string_equal(top(f, DIM_CAMPAIGN, DAY, DAY + 1, 0, &o),
                        "news|email|week 6|5|-1|0|0;news|email||1|-1|0|0;");
    /* Nothing in range: no row. */
    assert_string_equal(top(f, DIM_CAMPAIGN, DAY + 5, DAY + 9, 0, &o), "");
}

static void test_store_dims__hours_by_weekday(void **state)
{
    struct tu_store *f = *state;
    struct out o;

    begin(f);
    add(f, 0, DAY, DIM_HOUR, "09", "", "", 2);
    add(f, 0, DAY + 4, DIM_HOUR, "09", "", "", 3);   /* a Monday */
    add(f, 0, DAY + 4, DIM_HOUR, "23", "", "", 1);
    add(f, 0, DAY + 7, DIM_HOUR, "09", "", "", 5);   /* Thursday again */
    commit(f);
    assert_string_equal(top(f, DIM_HOUR, DAY, DAY + 7, 0, &o),
                        "09|||3|-1|0|0;23|||1|-1|0|0;09|||7|-1|0|3;");
}

static void test_store_dims__missing_names_the_top_referrer(void **state)
{
    struct tu_store *f = *state;
    struct out o;

    begin(f);
    add(f, 0, DAY, DIM_MISSING, "/old/", "a.example", "", 2);
    add(f, 0, DAY, DIM_MISSING, "/old/", "b.example", "", 1);
    add(f, 0, DAY + 1, DIM_MISSING, "/old/", "b.example", "", 2);
    add(f, 0, DAY, DIM_MISSING, "/typo/", "", "", 1);
    commit(f);
    assert_string_equal(top(f, DIM_MISSING, DAY, DAY + 1, 0, &o),
                        "/old/|b.example||5|-1|0|0;/typo/|||1|-1|0|0;");
    assert_string_equal(top(f, DIM_MISSING, DAY, DAY, 0, &o),
                        "/old/|a.example||3|-1|0|0;/typo/|||1|-1|0|0;");
}

static void test_store_dims__feeds_of_the_last_day(void **state)
{
    struct tu_store *f = *state;
    struct out o;

    begin(f);
    /* Day 1: Feedly says 40 then 42; 3 other clients. */
    add(f, 0, DAY, DIM_FEED_SUBS, "/feed/", "Feedly", "", 40);
    add(f, 0, DAY, DIM_FEED_SUBS, "/feed/", "Feedly", "", 42);
    add_seen(f, DAY, DIM_FEED, "/feed/", 1, 3);
    add(f, 0, DAY, DIM_FEED, "/feed/", "", "", 2);
    commit(f);
    begin(f);
    /* Day 2: Feedly 41, NewsBlur for two feed ids 5 and 6; 2 others. */
    add(f, 0, DAY + 1, DIM_FEED_SUBS, "/feed/", "Feedly", "", 41);
    add(f, 0, DAY + 1, DIM_FEED_SUBS, "/feed/", "NewsBlur", "1", 5);
    add(f, 0, DAY + 1, DIM_FEED_SUBS, "/feed/", "NewsBlur", "2", 6);
    add_seen(f, DAY + 1, DIM_FEED, "/feed/", 2, 2);
    add(f, 0, DAY + 1, DIM_FEED, "/feed/", "", "", 3);
    add_seen(f, DAY, DIM_FEED, "/comments/feed/", 9, 1);
    commit(f);
    assert_string_equal(top(f, DIM_FEED, DAY, DAY + 1, 0, &o),
                        "/feed/|||10|-1|54|0;/comments/feed/|||1|-1|1|0;");
    assert_string_equal(top(f, DIM_FEED, DAY, DAY, 0, &o),
                        "/feed/|||5|-1|45|0;/comments/feed/|||1|-1|1|0;");
    assert_string_equal(top(f, DIM_FEED, DAY, DAY + 1, 1, &o),
                        "/feed/|||10|-1|54|0;");
}

static void test_store_dims__visitors_over_days(void **state)
{
    struct tu_store *f = *state;
    struct out o;

    begin(f);
    add_seen3(f, DAY, DIM_CLIENT, "Firefox", "Linux", "desktop", 0, 10);
    add_seen3(f, DAY + 1, DIM_CLIENT, "Firefox", "Linux", "desktop", 5, 10);
    add_seen3(f, DAY + 1, DIM_CLIENT, "Firefox", "Android", "mobile", 30, 4);
    add_seen3(f, DAY, DIM_CLIENT, "Lynx", "Linux", "desktop", 100, 2);
    commit(f);
    /* Visitors 0..14 and 30..33: 19, not the 24 of a sum of days. */
    assert_string_equal(top(f, DIM_BROWSER, DAY, DAY + 1, 0, &o),
                        "Firefox|||24|19|0|0;Lynx|||2|2|0|0;");
    assert_string_equal(top(f, DIM_SYSTEM, DAY, DAY + 1, 0, &o),
                        "Linux|||22|17|0|0;Android|||4|4|0|0;");
    assert_string_equal(top(f, DIM_DEVICE, DAY, DAY, 0, &o),
                        "desktop|||12|12|0|0;");
}

/* A day's keys of a dimension are bounded across transactions. */
static void test_store_dims__bounded_per_day(void **state)
{
    struct tu_store *f = *state;
    unsigned cap = dim_cap(DIM_CAMPAIGN);
    char k[32];

    begin(f);
    for (unsigned i = 0; i < cap - 10; i++) {
        snprintf(k, sizeof(k), "s%u", i);
        add(f, 0, DAY, DIM_CAMPAIGN, k, "", "", 1);
    }
    commit(f);
    begin(f);
    for (unsigned i = cap - 10; i < cap + 30; i++) {
        snprintf(k, sizeof(k), "s%u", i);
        add(f, 0, DAY, DIM_CAMPAIGN, k, "", "", 1);
    }
    /* Known keys still count as themselves. */
    add(f, 0, DAY, DIM_CAMPAIGN, "s3", "", "", 1);
    add(f, 0, DAY + 1, DIM_CAMPAIGN, "s5000", "", "", 1);
    commit(f);
    assert_int_equal(tu_sql_int(f->path, "SELECT count(*) FROM dim_counts "
                                         "WHERE day = 15743 AND k1 <> "
                                         "'(other)'"),
                     cap);
    assert_int_equal(tu_sql_int(f->path, "SELECT n FROM dim_counts "
                                         "WHERE day = 15743 AND k1 = "
                                         "'(other)'"),
                     30);
    assert_int_equal(tu_sql_int(f->path, "SELECT sum(n) FROM dim_counts "
                                         "WHERE day = 15743"),
                     cap + 30 + 1);
    assert_int_equal(tu_sql_int(f->path, "SELECT n FROM dim_counts "
                                         "WHERE k1 = 's3'"),
                     2);
    assert_int_equal(tu_sql_int(f->path, "SELECT n FROM dim_counts "
                                         "WHERE k1 = 's5000'"),
                     1);
}

/* A day's rows read back as items and put into another store. */
struct copy {
    struct tu_store *to;
    int n;
};

static int put_item(void *ctx, const struct store_item *it)
{
    struct copy *c = ctx;

    if (it->table == STORE_ITEM_DIM || it->table == STORE_ITEM_DIM_SKETCH)
        c->n++;
    assert_int_equal(store_put_item(c->to->s, DAY, it, &c->to->err), 0);
    return 0;
}

static void test_store_dims__day_items(void **state)
{
    struct tu_store *f = *state, *g = tu_store_new(1);
    struct copy c = {g, 0};
    struct out o1, o2;

    begin(f);
    add(f, 0, DAY, DIM_ROBOT, "Googlebot", "search", "", 5);
    add(f, 0, DAY, DIM_FEED_SUBS, "/feed/", "Feedly", "", 42);
    add_seen(f, DAY, DIM_FEED, "/feed/", 1, 3);
    commit(f);
    begin(g);
    assert_int_equal(store_day_items(f->s, DAY, put_item, &c, &f->err), 0);
    commit(g);
    assert_int_equal(c.n, 4);
    top(f, DIM_FEED, DAY, DAY, 0, &o1);
    top(g, DIM_FEED, DAY, DAY, 0, &o2);
    assert_string_equal(o1.s, "/feed/|||3|-1|45|0;");
    assert_string_equal(o2.s, o1.s);
    top(g, DIM_ROBOT, DAY, DAY, 0, &o2);
    assert_string_equal(o2.s, "Googlebot|search||5|-1|0|0;");
    tu_store_free(g);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, tu_store_setup_open, \
                                                tu_store_teardown)
    const struct CMUnitTest tests[] = {
        T(test_store_dims__robots_and_campaigns),
        T(test_store_dims__hours_by_weekday),
        T(test_store_dims__missing_names_the_top_referrer),
        T(test_store_dims__feeds_of_the_last_day),
        T(test_store_dims__visitors_over_days),
        T(test_store_dims__bounded_per_day),
        T(test_store_dims__day_items),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
