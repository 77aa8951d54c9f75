/*
 * test_agg.c - agg.h: in-memory counts of a chunk of lines. Iteration
 * order is unspecified, so each test gathers what the iterators report
 * and looks entries up by (day, kind, key).
 */
#include "testutil.h"
#include "agg.h"

#include <limits.h>

/* ---- gathering what the iterators report ------------------------------ */

#define MAXENT 256

struct kent {
    int32_t day;
    enum url_kind kind;
    char *key;           /* malloc'ed copy, n bytes + NUL */
    const char *orig;    /* the agg's pointer */
    size_t n;
    uint64_t views;
};

struct keyed {
    int count;
    int calls;
    int stop_at;         /* return -1 on this call (1-based); 0: never */
    struct kent e[MAXENT];
};

static int on_keyed(void *ctx, int32_t day, enum url_kind kind,
                    const char *key, size_t n, uint64_t views)
{
    struct keyed *k = ctx;

    k->calls++;
    assert_true(k->count < MAXENT);
    assert_non_null(key);
    assert_int_equal(key[n], '\0');          /* NUL-terminated copy */
    k->e[k->count].day = day;
    k->e[k->count].kind = kind;
    k->e[k->count].key = xmemdup(key, n);
    k->e[k->count].orig = key;
    k->e[k->count].n = n;
    k->e[k->count].views = views;
    k->count++;
    return k->stop_at && k->calls == k->stop_at ? -1 : 0;
}

static void keyed_free(struct keyed *k)
{
    for (int i = 0; i < k->count; i++)
        free(k->e[i].key);
    memset(k, 0, sizeof(*k));
}

static void paths_of(const struct agg *a, struct keyed *k)
{
    memset(k, 0, sizeof(*k));
    assert_int_equal(agg_each_path(a, on_keyed, k), 0);
    assert_int_equal(k->calls, k->count);
}

static void terms_of(const struct agg *a, struct keyed *k)
{
    memset(k, 0, sizeof(*k));
    assert_int_equal(agg_each_term(a, on_keyed, k), 0);
}

/* The views of (day, kind, key of n bytes); fails when it is there twice. */
static uint64_t find_n(const struct keyed *k, int32_t day,
                       enum url_kind kind, const char *key, size_t n)
{
    int found = -1;

    for (int i = 0; i < k->count; i++) {
        if (k->e[i].day == day && k->e[i].kind == kind && k->e[i].n == n &&
            memcmp(k->e[i].key, key, n) == 0) {
            if (found >= 0)
                fail_msg("day %d kind %d key '%s' reported twice", (int)day,
                         (int)kind, key);
            found = i;
        }
    }
    return found < 0 ? 0 : k->e[found].views;
}

static uint64_t find(const struct keyed *k, int32_t day, enum url_kind kind,
                     const char *key)
{
    return find_n(k, day, kind, key, strlen(key));
}

struct days {
    int count;
    int calls;
    int stop_at;
    struct agg_day d[MAXENT];
};

static int on_day(void *ctx, const struct agg_day *d)
{
    struct days *ds = ctx;

    ds->calls++;
    assert_true(ds->count < MAXENT);
    for (int i = 0; i < ds->count; i++)
        if (ds->d[i].day == d->day)
            fail_msg("day %d reported twice", (int)d->day);
    ds->d[ds->count++] = *d;
    return ds->stop_at && ds->calls == ds->stop_at ? -1 : 0;
}

static void days_of(const struct agg *a, struct days *ds)
{
    memset(ds, 0, sizeof(*ds));
    assert_int_equal(agg_each_day(a, on_day, ds), 0);
}

static const struct agg_day *day_in(const struct days *ds, int32_t day)
{
    for (int i = 0; i < ds->count; i++)
        if (ds->d[i].day == day)
            return &ds->d[i];
    fail_msg("day %d not reported", (int)day);
    return NULL;
}

static void expect_day(const struct days *ds, int32_t day, uint64_t hits,
                       uint64_t views, uint64_t robots, uint64_t bad)
{
    const struct agg_day *d = day_in(ds, day);

    if (d->hits != hits || d->views != views || d->robots != robots ||
        d->bad != bad)
        fail_msg("day %d: hits %llu views %llu robots %llu bad %llu, "
                 "expected %llu %llu %llu %llu", (int)day,
                 (unsigned long long)d->hits, (unsigned long long)d->views,
                 (unsigned long long)d->robots, (unsigned long long)d->bad,
                 (unsigned long long)hits, (unsigned long long)views,
                 (unsigned long long)robots, (unsigned long long)bad);
}

struct countries {
    int count;
    int calls;
    int stop_at;
    struct {
        int32_t day;
        char cc[3];
        uint64_t views;
    } e[MAXENT];
};

static int on_country(void *ctx, int32_t day, const char *country,
                      uint64_t views)
{
    struct countries *c = ctx;

    c->calls++;
    assert_true(c->count < MAXENT);
    assert_non_null(country);
    assert_int_equal(strlen(country), 2);
    for (int i = 0; i < c->count; i++)
        if (c->e[i].day == day && strcmp(c->e[i].cc, country) == 0)
            fail_msg("day %d country %s reported twice", (int)day, country);
    c->e[c->count].day = day;
    memcpy(c->e[c->count].cc, country, 3);
    c->e[c->count].views = views;
    c->count++;
    return c->stop_at && c->calls == c->stop_at ? -1 : 0;
}

static void countries_of(const struct agg *a, struct countries *c)
{
    memset(c, 0, sizeof(*c));
    assert_int_equal(agg_each_country(a, on_country, c), 0);
}

static uint64_t country(const struct countries *c, int32_t day,
                        const char *cc)
{
    for (int i = 0; i < c->count; i++)
        if (c->e[i].day == day && strcmp(c->e[i].cc, cc) == 0)
            return c->e[i].views;
    return 0;
}

static void view(struct agg *a, int32_t day, enum url_kind kind,
                 const char *key, const char *cc)
{
    agg_view(a, day, kind, key, strlen(key), cc);
}

/* ---- tests ------------------------------------------------------------ */

static void test_agg__day_sums(void **state)
{
    struct agg *a = agg_new();
    int32_t d1 = days_from_civil(2013, 2, 7), d2 = d1 + 1, d3 = d1 + 30;
    struct days ds;

    (void)state;
    for (int i = 0; i < 10; i++)
        agg_hit(a, d1, 0);
    for (int i = 0; i < 4; i++)
        agg_hit(a, d1, 1);
    agg_hit(a, d2, 1);
    agg_bad(a, d1, 3);
    agg_bad(a, d1, 2);
    agg_bad(a, d3, 7);                       /* a day with bad lines only */
    view(a, d1, URL_POST, "/2013/02/07/a/", "SE");
    view(a, d1, URL_TAG, "linux", "SE");
    view(a, d1, URL_HOME, "/", "--");

    days_of(a, &ds);
    assert_int_equal(ds.count, 3);
    expect_day(&ds, d1, 14, 3, 4, 5);
    expect_day(&ds, d2, 1, 0, 1, 0);
    expect_day(&ds, d3, 0, 0, 0, 7);
    agg_free(a);
}

static void test_agg__paths_and_terms(void **state)
{
    struct agg *a = agg_new();
    int32_t d = days_from_civil(2013, 2, 7);
    struct keyed p, t;
    struct days ds;

    (void)state;
    view(a, d, URL_POST, "/2013/02/07/a/", "SE");
    view(a, d, URL_POST, "/2013/02/07/a/", "SE");
    view(a, d, URL_POST, "/2013/02/07/a/", "DE");
    view(a, d, URL_POST, "/2013/02/07/b/", "SE");
    view(a, d + 1, URL_POST, "/2013/02/07/a/", "SE");
    view(a, d, URL_PAGE, "/om-mig/", "SE");
    view(a, d, URL_HOME, "/", "SE");
    view(a, d, URL_HOME, "/", "SE");
    view(a, d, URL_ARCHIVE, "/2013/02/", "SE");
    view(a, d, URL_SEARCH, "/?s=", "SE");
    view(a, d, URL_POSTID, "/?p=12", "SE");
    view(a, d, URL_TAG, "linux", "SE");
    view(a, d, URL_TAG, "linux", "FI");
    view(a, d, URL_TAG, "eu", "SE");
    view(a, d, URL_CATEGORY, "politik", "SE");
    view(a, d + 1, URL_CATEGORY, "politik", "SE");

    paths_of(a, &p);
    assert_int_equal(p.count, 8);
    assert_int_equal(find(&p, d, URL_POST, "/2013/02/07/a/"), 3);
    assert_int_equal(find(&p, d, URL_POST, "/2013/02/07/b/"), 1);
    assert_int_equal(find(&p, d + 1, URL_POST, "/2013/02/07/a/"), 1);
    assert_int_equal(find(&p, d, URL_PAGE, "/om-mig/"), 1);
    assert_int_equal(find(&p, d, URL_HOME, "/"), 2);
    assert_int_equal(find(&p, d, URL_ARCHIVE, "/2013/02/"), 1);
    assert_int_equal(find(&p, d, URL_SEARCH, "/?s="), 1);
    assert_int_equal(find(&p, d, URL_POSTID, "/?p=12"), 1);
    /* No tags or categories among the paths. */
    for (int i = 0; i < p.count; i++)
        assert_true(p.e[i].kind != URL_TAG && p.e[i].kind != URL_CATEGORY);

    terms_of(a, &t);
    assert_int_equal(t.count, 4);
    assert_int_equal(find(&t, d, URL_TAG, "linux"), 2);
    assert_int_equal(find(&t, d, URL_TAG, "eu"), 1);
    assert_int_equal(find(&t, d, URL_CATEGORY, "politik"), 1);
    assert_int_equal(find(&t, d + 1, URL_CATEGORY, "politik"), 1);

    /* Day views count every view, terms included. */
    days_of(a, &ds);
    assert_int_equal(ds.count, 2);
    expect_day(&ds, d, 0, 14, 0, 0);
    expect_day(&ds, d + 1, 0, 2, 0, 0);

    keyed_free(&p);
    keyed_free(&t);
    agg_free(a);
}

static void test_agg__countries_per_day(void **state)
{
    struct agg *a = agg_new();
    int32_t d = days_from_civil(2013, 2, 7);
    struct countries c;

    (void)state;
    view(a, d, URL_POST, "/a/", "SE");
    view(a, d, URL_POST, "/b/", "SE");
    view(a, d, URL_TAG, "x", "SE");
    view(a, d, URL_POST, "/a/", "DE");
    view(a, d, URL_POST, "/a/", "--");
    view(a, d + 1, URL_POST, "/a/", "SE");
    view(a, d - 1, URL_HOME, "/", "--");
    view(a, d - 1, URL_HOME, "/", "--");

    countries_of(a, &c);
    assert_int_equal(c.count, 5);
    assert_int_equal(country(&c, d, "SE"), 3);
    assert_int_equal(country(&c, d, "DE"), 1);
    assert_int_equal(country(&c, d, "--"), 1);
    assert_int_equal(country(&c, d + 1, "SE"), 1);
    assert_int_equal(country(&c, d - 1, "--"), 2);
    assert_int_equal(country(&c, d + 1, "DE"), 0);
    agg_free(a);
}

/* Only the two letters of the country count, not what follows. */
static void test_agg__country_two_letters(void **state)
{
    struct agg *a = agg_new();
    struct countries c;

    (void)state;
    agg_view(a, 5, URL_POST, "/a/", 3, "SEx");
    agg_view(a, 5, URL_POST, "/a/", 3, "SE");
    countries_of(a, &c);
    assert_int_equal(c.count, 1);
    assert_string_equal(c.e[0].cc, "SE");
    assert_int_equal(c.e[0].views, 2);
    agg_free(a);
}

static void test_agg__days_round_trip(void **state)
{
    const int32_t days[] = {
        -1, 0, 1, -25567 /* 1900-01-01 */, -719468 /* 0000-03-01 */,
        2932896 /* 9999-12-31 */, INT32_MIN, INT32_MAX, INT32_MIN + 1,
        INT32_MAX - 1, 65535, 65536, -65536,
    };
    struct agg *a = agg_new();
    struct keyed p, t;
    struct countries c;
    struct days ds;

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(days); i++) {
        /* i + 1 hits, i robots, i + 2 bad, one post, i tag views. */
        for (size_t j = 0; j <= i; j++)
            agg_hit(a, days[i], j < i);
        agg_bad(a, days[i], i + 2);
        view(a, days[i], URL_POST, "/p/", "SE");
        for (size_t j = 0; j < i; j++)
            view(a, days[i], URL_TAG, "t", "--");
    }

    days_of(a, &ds);
    assert_int_equal(ds.count, (int)ARRAY_SIZE(days));
    paths_of(a, &p);
    assert_int_equal(p.count, (int)ARRAY_SIZE(days));
    terms_of(a, &t);
    assert_int_equal(t.count, (int)ARRAY_SIZE(days) - 1);
    countries_of(a, &c);
    assert_int_equal(c.count, 2 * (int)ARRAY_SIZE(days) - 1);
    for (size_t i = 0; i < ARRAY_SIZE(days); i++) {
        expect_day(&ds, days[i], i + 1, 1 + i, i, i + 2);
        assert_int_equal(find(&p, days[i], URL_POST, "/p/"), 1);
        assert_int_equal(find(&t, days[i], URL_TAG, "t"), i);
        assert_int_equal(country(&c, days[i], "SE"), 1);
        assert_int_equal(country(&c, days[i], "--"), i);
    }
    keyed_free(&p);
    keyed_free(&t);
    agg_free(a);
}

static void test_agg__keys_utf8_and_max_length(void **state)
{
    static const char utf8[] = "/2013/02/07/s\xc3\xa4kerhet/";
    static const char tag[] = "\xc3\xa5\xc3\xa4\xc3\xb6 \xe2\x82\xac "
                              "\xf0\x9f\x98\x80";
    static const char nul[] = "/a\0b/";
    char *longkey = xmalloc(URL_KEY_MAX + 1), *longkey2;
    struct agg *a = agg_new();
    struct keyed p, t;

    (void)state;
    for (size_t i = 0; i < URL_KEY_MAX; i++)
        longkey[i] = (char)('a' + i % 26);
    longkey[0] = '/';
    longkey[URL_KEY_MAX] = '\0';
    longkey2 = xmemdup(longkey, URL_KEY_MAX);
    longkey2[URL_KEY_MAX - 1] = '/';        /* differs in the last byte */

    view(a, 1, URL_POST, utf8, "SE");
    view(a, 1, URL_POST, utf8, "SE");
    view(a, 1, URL_TAG, tag, "SE");
    agg_view(a, 1, URL_PAGE, longkey, URL_KEY_MAX, "SE");
    agg_view(a, 1, URL_PAGE, longkey, URL_KEY_MAX, "SE");
    agg_view(a, 1, URL_PAGE, longkey2, URL_KEY_MAX, "SE");
    agg_view(a, 1, URL_PAGE, longkey, URL_KEY_MAX - 1, "SE");   /* prefix */
    agg_view(a, 1, URL_PAGE, nul, sizeof(nul) - 1, "SE");
    agg_view(a, 1, URL_PAGE, nul, 2, "SE");                      /* "/a" */
    agg_view(a, 1, URL_CATEGORY, nul, sizeof(nul) - 1, "SE");
    agg_view(a, 1, URL_HOME, "", 0, "SE");                       /* empty */

    paths_of(a, &p);
    assert_int_equal(p.count, 7);
    assert_int_equal(find(&p, 1, URL_POST, utf8), 2);
    assert_int_equal(find_n(&p, 1, URL_PAGE, longkey, URL_KEY_MAX), 2);
    assert_int_equal(find_n(&p, 1, URL_PAGE, longkey2, URL_KEY_MAX), 1);
    assert_int_equal(find_n(&p, 1, URL_PAGE, longkey, URL_KEY_MAX - 1), 1);
    assert_int_equal(find_n(&p, 1, URL_PAGE, nul, sizeof(nul) - 1), 1);
    assert_int_equal(find_n(&p, 1, URL_PAGE, nul, 2), 1);
    assert_int_equal(find_n(&p, 1, URL_HOME, "", 0), 1);
    terms_of(a, &t);
    assert_int_equal(t.count, 2);
    assert_int_equal(find(&t, 1, URL_TAG, tag), 1);
    assert_int_equal(find_n(&t, 1, URL_CATEGORY, nul, sizeof(nul) - 1), 1);

    keyed_free(&p);
    keyed_free(&t);
    free(longkey);
    free(longkey2);
    agg_free(a);
}

static void test_agg__same_key_two_kinds(void **state)
{
    struct agg *a = agg_new();
    struct keyed p, t;

    (void)state;
    view(a, 9, URL_POST, "/x/", "SE");
    view(a, 9, URL_PAGE, "/x/", "SE");
    view(a, 9, URL_PAGE, "/x/", "SE");
    view(a, 9, URL_ARCHIVE, "/x/", "SE");
    view(a, 9, URL_TAG, "linux", "SE");
    view(a, 9, URL_CATEGORY, "linux", "SE");
    view(a, 9, URL_CATEGORY, "linux", "SE");
    view(a, 9, URL_CATEGORY, "linux", "SE");
    /* A term and a path with the same bytes. */
    view(a, 9, URL_PAGE, "linux", "SE");

    paths_of(a, &p);
    assert_int_equal(p.count, 4);
    assert_int_equal(find(&p, 9, URL_POST, "/x/"), 1);
    assert_int_equal(find(&p, 9, URL_PAGE, "/x/"), 2);
    assert_int_equal(find(&p, 9, URL_ARCHIVE, "/x/"), 1);
    assert_int_equal(find(&p, 9, URL_PAGE, "linux"), 1);
    terms_of(a, &t);
    assert_int_equal(t.count, 2);
    assert_int_equal(find(&t, 9, URL_TAG, "linux"), 1);
    assert_int_equal(find(&t, 9, URL_CATEGORY, "linux"), 3);
    keyed_free(&p);
    keyed_free(&t);
    agg_free(a);
}

static int never(void *ctx, const struct agg_day *d)
{
    (void)ctx;
    (void)d;
    fail_msg("callback called on an empty agg");
    return -1;
}

static int never_keyed(void *ctx, int32_t day, enum url_kind kind,
                       const char *key, size_t n, uint64_t views)
{
    (void)ctx;
    (void)day;
    (void)kind;
    (void)key;
    (void)n;
    (void)views;
    fail_msg("callback called on an empty agg");
    return -1;
}

static int never_country(void *ctx, int32_t day, const char *cc,
                         uint64_t views)
{
    (void)ctx;
    (void)day;
    (void)cc;
    (void)views;
    fail_msg("callback called on an empty agg");
    return -1;
}

static void expect_nothing(const struct agg *a)
{
    assert_int_equal(agg_empty(a), 1);
    assert_int_equal(agg_each_day(a, never, NULL), 0);
    assert_int_equal(agg_each_path(a, never_keyed, NULL), 0);
    assert_int_equal(agg_each_term(a, never_keyed, NULL), 0);
    assert_int_equal(agg_each_country(a, never_country, NULL), 0);
}

static void test_agg__empty_and_clear(void **state)
{
    struct agg *a = agg_new();
    struct keyed p;
    struct days ds;
    struct countries c;

    (void)state;
    expect_nothing(a);

    agg_hit(a, 3, 0);
    assert_int_equal(agg_empty(a), 0);
    agg_clear(a);
    expect_nothing(a);

    agg_bad(a, 3, 1);
    assert_int_equal(agg_empty(a), 0);
    agg_clear(a);
    expect_nothing(a);

    for (int i = 0; i < 1000; i++) {
        char key[32];

        snprintf(key, sizeof(key), "/k%d/", i);
        view(a, i % 7, i % 2 ? URL_POST : URL_TAG, key, "SE");
        agg_hit(a, i % 7, 0);
    }
    assert_int_equal(agg_empty(a), 0);
    agg_clear(a);
    expect_nothing(a);
    agg_clear(a);                     /* twice is fine */
    expect_nothing(a);

    /* Counting starts again from zero, with nothing left over. */
    view(a, 3, URL_POST, "/k1/", "DE");
    agg_hit(a, 3, 1);
    assert_int_equal(agg_empty(a), 0);
    paths_of(a, &p);
    assert_int_equal(p.count, 1);
    assert_int_equal(find(&p, 3, URL_POST, "/k1/"), 1);
    days_of(a, &ds);
    assert_int_equal(ds.count, 1);
    expect_day(&ds, 3, 1, 1, 1, 0);
    countries_of(a, &c);
    assert_int_equal(c.count, 1);
    assert_int_equal(country(&c, 3, "DE"), 1);
    keyed_free(&p);
    agg_free(a);
}

/* A callback returning -1 stops the iteration, which returns -1. */
static void test_agg__stop_iteration(void **state)
{
    struct agg *a = agg_new();
    struct keyed k;
    struct days ds;
    struct countries c;

    (void)state;
    for (int d = 0; d < 5; d++) {
        agg_hit(a, d, 0);
        view(a, d, URL_POST, "/a/", "SE");
        view(a, d, URL_TAG, "t", "DE");
    }

    memset(&ds, 0, sizeof(ds));
    ds.stop_at = 1;
    assert_int_equal(agg_each_day(a, on_day, &ds), -1);
    assert_int_equal(ds.calls, 1);
    memset(&ds, 0, sizeof(ds));
    ds.stop_at = 3;
    assert_int_equal(agg_each_day(a, on_day, &ds), -1);
    assert_int_equal(ds.calls, 3);

    memset(&k, 0, sizeof(k));
    k.stop_at = 1;
    assert_int_equal(agg_each_path(a, on_keyed, &k), -1);
    assert_int_equal(k.calls, 1);
    keyed_free(&k);
    k.stop_at = 2;
    assert_int_equal(agg_each_term(a, on_keyed, &k), -1);
    assert_int_equal(k.calls, 2);
    keyed_free(&k);

    memset(&c, 0, sizeof(c));
    c.stop_at = 4;
    assert_int_equal(agg_each_country(a, on_country, &c), -1);
    assert_int_equal(c.calls, 4);

    /* Stopping on the last entry still says -1; not stopping says 0. */
    memset(&c, 0, sizeof(c));
    c.stop_at = 10;
    assert_int_equal(agg_each_country(a, on_country, &c), -1);
    assert_int_equal(c.calls, 10);
    memset(&c, 0, sizeof(c));
    assert_int_equal(agg_each_country(a, on_country, &c), 0);
    assert_int_equal(c.calls, 10);
    agg_free(a);
}

static void test_agg__memory(void **state)
{
    struct agg *a = agg_new();
    size_t m0, m1, m2, m3;
    struct keyed p;
    struct days ds;

    (void)state;
    m0 = agg_memory(a);
    assert_true(m0 > 0);
    agg_hit(a, 100, 0);
    view(a, 100, URL_POST, "/2013/02/07/a/", "SE");
    m1 = agg_memory(a);
    assert_true(m1 >= m0);
    for (int i = 0; i < 100000; i++) {
        agg_hit(a, 100, i & 1);
        view(a, 100, URL_POST, "/2013/02/07/a/", "SE");
    }
    assert_int_equal(agg_memory(a), m1);

    paths_of(a, &p);
    assert_int_equal(p.count, 1);
    assert_int_equal(p.e[0].views, 100001);
    keyed_free(&p);
    days_of(a, &ds);
    expect_day(&ds, 100, 100001, 100001, 50000, 0);

    /* Distinct keys make it grow. */
    for (int i = 0; i < 5000; i++) {
        char key[64];

        snprintf(key, sizeof(key), "/2013/02/07/post-number-%d/", i);
        view(a, 100, URL_POST, key, "SE");
    }
    m2 = agg_memory(a);
    assert_true(m2 > m1 + 5000 * 20);
    /* And repeating them does not. */
    for (int r = 0; r < 3; r++)
        for (int i = 0; i < 5000; i++) {
            char key[64];

            snprintf(key, sizeof(key), "/2013/02/07/post-number-%d/", i);
            view(a, 100, URL_POST, key, "SE");
        }
    assert_int_equal(agg_memory(a), m2);

    /* After a clear, the same keys again need no more than before. */
    agg_clear(a);
    for (int i = 0; i < 5000; i++) {
        char key[64];

        snprintf(key, sizeof(key), "/2013/02/07/post-number-%d/", i);
        view(a, 100, URL_POST, key, "SE");
    }
    m3 = agg_memory(a);
    assert_true(m3 <= m2);
    agg_free(a);
}

struct first {
    size_t total;
    const char *first;      /* the agg's pointer to "/first/" */
};

static int on_first(void *ctx, int32_t day, enum url_kind kind,
                    const char *key, size_t n, uint64_t views)
{
    struct first *f = ctx;

    (void)day;
    f->total += views;
    if (kind == URL_POST && n == 7 && memcmp(key, "/first/", 8) == 0)
        f->first = key;
    return 0;
}

/* Key strings stay valid (and unchanged) while the tables grow. */
static void test_agg__keys_stable_until_clear(void **state)
{
    struct agg *a = agg_new();
    struct first before, after;

    (void)state;
    memset(&before, 0, sizeof(before));
    memset(&after, 0, sizeof(after));
    view(a, 1, URL_POST, "/first/", "SE");
    view(a, 1, URL_TAG, "first-tag", "SE");
    assert_int_equal(agg_each_path(a, on_first, &before), 0);
    assert_non_null(before.first);
    assert_int_equal(before.total, 1);
    for (int i = 0; i < 20000; i++) {
        char key[64];

        snprintf(key, sizeof(key), "/grow/%d/", i);
        view(a, 1 + i % 3, URL_PAGE, key, "SE");
    }
    /* The pointer handed out before the tables grew still reads right. */
    assert_string_equal(before.first, "/first/");
    assert_int_equal(agg_each_path(a, on_first, &after), 0);
    assert_int_equal(after.total, 20001);
    assert_non_null(after.first);
    assert_string_equal(after.first, "/first/");
    agg_free(a);
}

/* Two aggs do not share counts. */
static void test_agg__independent(void **state)
{
    struct agg *a = agg_new(), *b = agg_new();
    struct keyed p;

    (void)state;
    view(a, 1, URL_POST, "/a/", "SE");
    view(b, 1, URL_POST, "/a/", "SE");
    view(b, 1, URL_POST, "/a/", "SE");
    paths_of(a, &p);
    assert_int_equal(find(&p, 1, URL_POST, "/a/"), 1);
    keyed_free(&p);
    paths_of(b, &p);
    assert_int_equal(find(&p, 1, URL_POST, "/a/"), 2);
    keyed_free(&p);
    agg_clear(a);
    assert_int_equal(agg_empty(a), 1);
    assert_int_equal(agg_empty(b), 0);
    agg_free(a);
    agg_free(b);
    agg_free(NULL);
}

/* Views per (day, post, country): posts, pages and /?p=ID only. */
struct pcs {
    char line[16][96];
    int n;
};

static int on_post_country(void *ctx, int32_t day, enum url_kind kind,
                           const char *key, size_t n, const char *country,
                           uint64_t views)
{
    struct pcs *p = ctx;

    assert_true(p->n < 16);
    snprintf(p->line[p->n++], sizeof(p->line[0]), "%d %s %.*s %s %llu",
             (int)day, url_kind_name(kind), (int)n, key, country,
             (unsigned long long)views);
    return 0;
}

static int cmp_lines(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void test_agg__post_countries(void **state)
{
    struct agg *a = agg_new();
    struct pcs p;

    (void)state;
    memset(&p, 0, sizeof(p));
    agg_view(a, 5, URL_POST, "/a/", 3, "SE");
    agg_view(a, 5, URL_POST, "/a/", 3, "SE");
    agg_view(a, 5, URL_POST, "/a/", 3, "DE");
    agg_view(a, 6, URL_POST, "/a/", 3, "SE");
    agg_view(a, 5, URL_PAGE, "/om/", 4, "--");
    agg_view(a, 5, URL_POSTID, "/?p=3", 5, "FI");
    agg_view(a, 5, URL_TAG, "eu", 2, "SE");       /* not a post */
    agg_view(a, 5, URL_HOME, "/", 1, "SE");       /* not a post */
    assert_int_equal(agg_each_post_country(a, on_post_country, &p), 0);
    qsort(p.line, (size_t)p.n, sizeof(p.line[0]), cmp_lines);
    assert_int_equal(p.n, 5);
    assert_string_equal(p.line[0], "5 page /om/ -- 1");
    assert_string_equal(p.line[1], "5 post /a/ DE 1");
    assert_string_equal(p.line[2], "5 post /a/ SE 2");
    assert_string_equal(p.line[3], "5 postid /?p=3 FI 1");
    assert_string_equal(p.line[4], "6 post /a/ SE 1");
    agg_clear(a);
    p.n = 0;
    assert_int_equal(agg_each_post_country(a, on_post_country, &p), 0);
    assert_int_equal(p.n, 0);
    agg_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_agg__day_sums),
        cmocka_unit_test(test_agg__paths_and_terms),
        cmocka_unit_test(test_agg__countries_per_day),
        cmocka_unit_test(test_agg__country_two_letters),
        cmocka_unit_test(test_agg__days_round_trip),
        cmocka_unit_test(test_agg__keys_utf8_and_max_length),
        cmocka_unit_test(test_agg__same_key_two_kinds),
        cmocka_unit_test(test_agg__empty_and_clear),
        cmocka_unit_test(test_agg__stop_iteration),
        cmocka_unit_test(test_agg__memory),
        cmocka_unit_test(test_agg__keys_stable_until_clear),
        cmocka_unit_test(test_agg__independent),
        cmocka_unit_test(test_agg__post_countries),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
