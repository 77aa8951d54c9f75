/*
 * test_agg.c - agg.h: in-memory counts of a chunk of lines. Iteration
 * order is unspecified, so each test gathers what the iterators report
 * and looks entries up by (day, kind, key).
 */
#include "testutil.h"
#include "agg.h"
#include "dims.h"
#include "sketch.h"
#include "table.h"

#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>

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
    /* A dated post's key is kept whole. */
    agg_view(a, 1, URL_POST, longkey, URL_KEY_MAX, "SE");
    agg_view(a, 1, URL_POST, longkey, URL_KEY_MAX, "SE");
    agg_view(a, 1, URL_POST, longkey2, URL_KEY_MAX, "SE");
    agg_view(a, 1, URL_POST, longkey, URL_KEY_MAX - 1, "SE");   /* prefix */
    agg_view(a, 1, URL_PAGE, nul, sizeof(nul) - 1, "SE");
    agg_view(a, 1, URL_PAGE, nul, 2, "SE");                      /* "/a" */
    agg_view(a, 1, URL_CATEGORY, nul, sizeof(nul) - 1, "SE");
    agg_view(a, 1, URL_HOME, "", 0, "SE");                       /* empty */

    paths_of(a, &p);
    assert_int_equal(p.count, 7);
    assert_int_equal(find(&p, 1, URL_POST, utf8), 2);
    assert_int_equal(find_n(&p, 1, URL_POST, longkey, URL_KEY_MAX), 2);
    assert_int_equal(find_n(&p, 1, URL_POST, longkey2, URL_KEY_MAX), 1);
    assert_int_equal(find_n(&p, 1, URL_POST, longkey, URL_KEY_MAX - 1), 1);
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

/* A long key of any kind but a dated post's, unless known, is cut to
 * AGG_KEY_CAP bytes on a character boundary: its views and its visitors
 * count under the cut key. */
static void test_agg__long_keys_cut(void **state)
{
    char key[600], *cut;
    struct agg *a = agg_new();
    struct strtab *known = strtab_new();
    struct keyed p, t;
    size_t n;

    (void)state;
    memset(key, 'x', sizeof(key));
    key[0] = '/';
    /* "ä" across the cut: the cut goes before it. */
    key[AGG_KEY_CAP - 1] = '\xc3';
    key[AGG_KEY_CAP] = '\xa4';
    key[sizeof(key) - 1] = '/';
    cut = xmemdup(key, AGG_KEY_CAP - 1);
    /* Known at full length: kept. */
    {
        char k[sizeof(key) + 1];

        k[0] = (char)URL_PAGE;
        memcpy(k + 1, key, sizeof(key));
        k[sizeof(key) - 1] = 'y';
        k[sizeof(key)] = 'k';
        strtab_intern(known, k, sizeof(k), NULL);
    }
    agg_set_known(a, known);
    agg_view(a, 1, URL_PAGE, key, sizeof(key), "SE");
    key[sizeof(key) - 2] = 'y';     /* another key, the same cut */
    agg_view(a, 1, URL_PAGE, key, sizeof(key), "SE");
    agg_view(a, 1, URL_TAG, key + 1, sizeof(key) - 1, "SE");
    key[sizeof(key) - 1] = 'k';
    agg_view(a, 1, URL_PAGE, key, sizeof(key), "SE");
    agg_referrer(a, 1, URL_PAGE, key, 300, "other", "r.example", 9);
    paths_of(a, &p);
    terms_of(a, &t);
    assert_int_equal(p.count, 2);
    assert_int_equal(find_n(&p, 1, URL_PAGE, cut, AGG_KEY_CAP - 1), 2);
    assert_int_equal(find_n(&p, 1, URL_PAGE, key, sizeof(key)), 1);
    assert_int_equal(t.count, 1);
    /* Its "ä" ends at the cut: whole. */
    n = AGG_KEY_CAP;
    assert_int_equal(find_n(&t, 1, URL_TAG, key + 1, n), 1);
    keyed_free(&p);
    keyed_free(&t);
    free(cut);
    agg_free(a);
    strtab_free(known);
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

    /* Distinct keys make it grow (below AGG_FOLD_KEYS: none folded). */
    for (int i = 0; i < 4000; i++) {
        char key[64];

        snprintf(key, sizeof(key), "/2013/02/07/post-number-%d/", i);
        view(a, 100, URL_POST, key, "SE");
    }
    m2 = agg_memory(a);
    assert_true(m2 > m1 + 4000 * 20);
    /* And repeating them does not. */
    for (int r = 0; r < 3; r++)
        for (int i = 0; i < 4000; i++) {
            char key[64];

            snprintf(key, sizeof(key), "/2013/02/07/post-number-%d/", i);
            view(a, 100, URL_POST, key, "SE");
        }
    assert_int_equal(agg_memory(a), m2);

    /* After a clear, the same keys again need no more than before. */
    agg_clear(a);
    for (int i = 0; i < 4000; i++) {
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

/* ---- the audience ------------------------------------------------------- */

/* One sketch reported by agg_each_sketch(), decoded. */
struct sk_ent {
    int32_t day;
    enum agg_sketch dim;
    enum url_kind kind;
    char key[64];
    char cc[3];
    uint64_t count;
};

struct sketches {
    int count;
    int calls;
    int stop_at;
    struct sk_ent e[MAXENT];
};

static int on_sketch(void *ctx, int32_t day, enum agg_sketch dim,
                     enum url_kind kind, const char *key, size_t n,
                     const char *country, const void *blob, size_t blob_n)
{
    struct sketches *s = ctx;
    struct sketch *sk = sketch_new();
    struct sk_ent *e;

    s->calls++;
    assert_true(s->count < MAXENT);
    e = &s->e[s->count++];
    memset(e, 0, sizeof(*e));
    e->day = day;
    e->dim = dim;
    e->kind = kind;
    assert_non_null(country);
    assert_true(n < sizeof(e->key));
    if (dim == AGG_SKETCH_PATH) {
        assert_non_null(key);
        assert_int_equal(key[n], '\0');
        memcpy(e->key, key, n);
        assert_string_equal(country, "");
    } else {
        assert_int_equal(n, 0);
    }
    if (dim == AGG_SKETCH_COUNTRY)
        assert_int_equal(strlen(country), 2);
    else
        assert_string_equal(country, "");
    memcpy(e->cc, country, strlen(country) + 1);
    /* A blob sketch_merge_blob() takes. */
    assert_int_equal(sketch_merge_blob(sk, blob, blob_n), 0);
    e->count = sketch_count(sk);
    sketch_free(sk);
    for (int i = 0; i < s->count - 1; i++)
        if (s->e[i].day == day && s->e[i].dim == dim &&
            s->e[i].kind == e->kind && strcmp(s->e[i].key, e->key) == 0 &&
            strcmp(s->e[i].cc, e->cc) == 0)
            fail_msg("sketch of day %d dim %d key '%s' cc '%s' twice",
                     (int)day, (int)dim, e->key, e->cc);
    return s->stop_at && s->calls == s->stop_at ? -1 : 0;
}

static void sketches_of(const struct agg *a, struct sketches *s)
{
    memset(s, 0, sizeof(*s));
    assert_int_equal(agg_each_sketch(a, on_sketch, s), 0);
}

/* The count of a sketch, or -1 when it was not reported. */
static int64_t sk_count(const struct sketches *s, int32_t day,
                        enum agg_sketch dim, enum url_kind kind,
                        const char *key, const char *cc)
{
    for (int i = 0; i < s->count; i++)
        if (s->e[i].day == day && s->e[i].dim == dim &&
            (dim != AGG_SKETCH_PATH ||
             (s->e[i].kind == kind && strcmp(s->e[i].key, key) == 0)) &&
            (dim != AGG_SKETCH_COUNTRY || strcmp(s->e[i].cc, cc) == 0))
            return (int64_t)s->e[i].count;
    return -1;
}

static void visit(struct agg *a, int32_t day, int32_t sec, uint64_t visitor,
                  enum url_kind kind, const char *key, const char *cc)
{
    agg_visitor(a, day, sec, visitor, kind, key, strlen(key), cc);
}

/* A well-mixed visitor id, as visitor_id() gives: SplitMix64's output. */
static uint64_t mix64(uint64_t z)
{
    z = (z + 1) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Distinct visitors per day, per post (posts, pages, post ids) and per
 * country, each a sketch of the visitors' ids. */
static void test_agg__visitor_sketches(void **state)
{
    struct agg *a = agg_new();
    struct sketches s;

    (void)state;
    for (int rep = 0; rep < 2; rep++) {
        for (uint64_t v = 1; v <= 50; v++)
            visit(a, 100, 60, v * 77, URL_POST, "/a/", "SE");
        for (uint64_t v = 26; v <= 75; v++)
            visit(a, 100, 70, v * 77, URL_POST, "/b/", "DE");
        for (uint64_t v = 1; v <= 10; v++)
            visit(a, 100, 80, v * 77, URL_TAG, "eu", "SE");
        visit(a, 100, 90, 77, URL_HOME, "/", "--");
        visit(a, 100, 91, 9999, URL_PAGE, "/om/", "FI");
        visit(a, 100, 92, 9999, URL_POSTID, "/?p=4", "FI");
        visit(a, 100, 93, 9998, URL_ARCHIVE, "/2013/", "FI");
        for (uint64_t v = 1; v <= 5; v++)
            visit(a, 101, 60, v * 77, URL_POST, "/a/", "SE");
    }
    /* A view of another kind with the same key is another page. */
    visit(a, 100, 94, 1, URL_PAGE, "/a/", "SE");
    sketches_of(a, &s);
    /* 75, the page readers 9999 and 9998, and 1 (77 is visitor 1). */
    assert_int_equal(sk_count(&s, 100, AGG_SKETCH_DAY, 0, NULL, NULL), 78);
    assert_int_equal(sk_count(&s, 101, AGG_SKETCH_DAY, 0, NULL, NULL), 5);
    assert_int_equal(sk_count(&s, 100, AGG_SKETCH_PATH, URL_POST, "/a/",
                              NULL), 50);
    assert_int_equal(sk_count(&s, 100, AGG_SKETCH_PATH, URL_POST, "/b/",
                              NULL), 50);
    assert_int_equal(sk_count(&s, 101, AGG_SKETCH_PATH, URL_POST, "/a/",
                              NULL), 5);
    assert_int_equal(sk_count(&s, 100, AGG_SKETCH_PATH, URL_PAGE, "/om/",
                              NULL), 1);
    assert_int_equal(sk_count(&s, 100, AGG_SKETCH_PATH, URL_POSTID, "/?p=4",
                              NULL), 1);
    assert_int_equal(sk_count(&s, 100, AGG_SKETCH_PATH, URL_PAGE, "/a/",
                              NULL), 1);
    /* Tags, home, archives: no page sketch. */
    assert_int_equal(sk_count(&s, 100, AGG_SKETCH_PATH, URL_TAG, "eu", NULL),
                     -1);
    assert_int_equal(sk_count(&s, 100, AGG_SKETCH_PATH, URL_HOME, "/", NULL),
                     -1);
    assert_int_equal(sk_count(&s, 100, AGG_SKETCH_PATH, URL_ARCHIVE,
                              "/2013/", NULL), -1);
    /* Countries: SE is /a/'s 50 and the tag's 10 (among them) and 1. */
    assert_int_equal(sk_count(&s, 100, AGG_SKETCH_COUNTRY, 0, NULL, "SE"),
                     51);
    assert_int_equal(sk_count(&s, 100, AGG_SKETCH_COUNTRY, 0, NULL, "DE"),
                     50);
    assert_int_equal(sk_count(&s, 100, AGG_SKETCH_COUNTRY, 0, NULL, "--"),
                     1);
    assert_int_equal(sk_count(&s, 100, AGG_SKETCH_COUNTRY, 0, NULL, "FI"),
                     2);
    assert_int_equal(sk_count(&s, 101, AGG_SKETCH_COUNTRY, 0, NULL, "SE"),
                     5);
    /* 2 days, 6 pages, 4 + 1 countries. */
    assert_int_equal(s.count, 2 + 6 + 5);
    agg_free(a);
}

/* Past the sparse list: a dense sketch, still within its bound. */
static void test_agg__visitor_sketch_large(void **state)
{
    struct agg *a = agg_new();
    struct sketches s;

    (void)state;
    for (uint64_t v = 0; v < 20000; v++)
        visit(a, 7, 0, mix64(v), URL_POST, "/p/", "SE");
    sketches_of(a, &s);
    assert_int_equal(s.count, 3);
    for (int i = 0; i < s.count; i++)
        assert_true(s.e[i].count > 19600 && s.e[i].count < 20400);
    agg_free(a);
}

/* View events, in the order they came. */
struct events {
    int count;
    int calls;
    int stop_at;
    struct {
        struct agg_event ev;
        enum url_kind kind;
        char key[64];
    } e[MAXENT];
};

static int on_event(void *ctx, const struct agg_event *ev,
                    enum url_kind kind, const char *key, size_t n)
{
    struct events *es = ctx;

    es->calls++;
    assert_true(es->count < MAXENT);
    assert_true(n < sizeof(es->e[0].key));
    assert_int_equal(key[n], '\0');
    es->e[es->count].ev = *ev;
    es->e[es->count].kind = kind;
    memcpy(es->e[es->count].key, key, n + 1);
    es->count++;
    return es->stop_at && es->calls == es->stop_at ? -1 : 0;
}

static void test_agg__events(void **state)
{
    struct agg *a = agg_new();
    struct events es;
    static const struct {
        int32_t day, sec;
        uint64_t visitor;
        enum url_kind kind;
        const char *key;
    } in[] = {
        {100, 36000, 1, URL_POST, "/a/"},
        {100, 35000, 2, URL_HOME, "/"},
        {99, 86399, UINT64_MAX, URL_TAG, "eu"},
        {100, 36000, 1, URL_POST, "/a/"},
        {101, 0, 0, URL_CATEGORY, "eu"},
        {100, 1, 1, URL_PAGE, "/a/"},
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(in); i++)
        visit(a, in[i].day, in[i].sec, in[i].visitor, in[i].kind, in[i].key,
              "SE");
    memset(&es, 0, sizeof(es));
    assert_int_equal(agg_each_event(a, on_event, &es), 0);
    assert_int_equal(es.count, ARRAY_SIZE(in));
    for (size_t i = 0; i < ARRAY_SIZE(in); i++) {
        assert_int_equal(es.e[i].ev.day, in[i].day);
        assert_int_equal(es.e[i].ev.sec, in[i].sec);
        assert_int_equal(es.e[i].ev.visitor, in[i].visitor);
        assert_int_equal(es.e[i].kind, in[i].kind);
        assert_string_equal(es.e[i].key, in[i].key);
    }
    /* The same page, the same internal key; another kind, another. */
    assert_int_equal(es.e[0].ev.key, es.e[3].ev.key);
    assert_int_not_equal(es.e[0].ev.key, es.e[5].ev.key);
    assert_int_not_equal(es.e[2].ev.key, es.e[4].ev.key);
    /* Many events, kept in order. */
    for (int i = 0; i < 5000; i++)
        visit(a, 100, i, (uint64_t)i, URL_POST, "/a/", "SE");
    memset(&es, 0, sizeof(es));
    es.stop_at = MAXENT;
    assert_int_equal(agg_each_event(a, on_event, &es), -1);
    assert_int_equal(es.calls, MAXENT);
    assert_int_equal(es.e[ARRAY_SIZE(in)].ev.sec, 0);
    assert_int_equal(es.e[MAXENT - 1].ev.sec,
                     MAXENT - 1 - (int)ARRAY_SIZE(in));
    agg_free(a);
}

/* Referrers and search terms. */
struct refs {
    int count;
    int calls;
    int stop_at;
    struct {
        int32_t day;
        enum url_kind kind;
        char key[64];
        char cls[16];
        char host[300];
        size_t host_n;
        uint64_t views;
    } e[MAXENT];
};

static int on_ref(void *ctx, int32_t day, enum url_kind kind,
                  const char *key, size_t n, const char *cls,
                  const char *host, size_t host_n, uint64_t views)
{
    struct refs *r = ctx;

    r->calls++;
    assert_true(r->count < MAXENT);
    assert_true(n < sizeof(r->e[0].key));
    assert_true(strlen(cls) < sizeof(r->e[0].cls));
    assert_true(host_n < sizeof(r->e[0].host));
    r->e[r->count].day = day;
    r->e[r->count].kind = kind;
    memcpy(r->e[r->count].key, key, n);
    r->e[r->count].key[n] = '\0';
    strcpy(r->e[r->count].cls, cls);
    memcpy(r->e[r->count].host, host, host_n);
    r->e[r->count].host[host_n] = '\0';
    r->e[r->count].host_n = host_n;
    r->e[r->count].views = views;
    r->count++;
    return r->stop_at && r->calls == r->stop_at ? -1 : 0;
}

static uint64_t ref_views(const struct refs *r, int32_t day,
                          enum url_kind kind, const char *key,
                          const char *cls, const char *host)
{
    int found = -1;

    for (int i = 0; i < r->count; i++)
        if (r->e[i].day == day && r->e[i].kind == kind &&
            strcmp(r->e[i].key, key) == 0 && strcmp(r->e[i].cls, cls) == 0 &&
            strcmp(r->e[i].host, host) == 0) {
            if (found >= 0)
                fail_msg("referrer %s %s of %s reported twice", cls, host,
                         key);
            found = i;
        }
    return found < 0 ? 0 : r->e[found].views;
}

static void referrer(struct agg *a, int32_t day, enum url_kind kind,
                     const char *key, const char *cls, const char *host)
{
    agg_referrer(a, day, kind, key, strlen(key), cls, host, strlen(host));
}

static void test_agg__referrers(void **state)
{
    struct agg *a = agg_new();
    struct refs r;
    char longhost[400];

    (void)state;
    for (int i = 0; i < 3; i++)
        referrer(a, 100, URL_POST, "/a/", "search", "google.se");
    referrer(a, 100, URL_POST, "/a/", "social", "t.co");
    referrer(a, 100, URL_POST, "/b/", "search", "google.se");
    referrer(a, 101, URL_POST, "/a/", "search", "google.se");
    referrer(a, 100, URL_PAGE, "/a/", "search", "google.se");
    referrer(a, 100, URL_TAG, "eu", "internal", "blog.example.eu");
    /* The same host in two classes (never from classify, but kept). */
    referrer(a, 100, URL_POST, "/a/", "other", "google.se");
    /* A host of 400 bytes is cut to AGG_KEY_CAP. */
    memset(longhost, 'h', sizeof(longhost) - 1);
    longhost[sizeof(longhost) - 1] = '\0';
    referrer(a, 100, URL_POST, "/a/", "other", longhost);
    referrer(a, 100, URL_POST, "/a/", "other", longhost);
    memset(&r, 0, sizeof(r));
    assert_int_equal(agg_each_referrer(a, on_ref, &r), 0);
    assert_int_equal(r.count, 8);
    assert_int_equal(ref_views(&r, 100, URL_POST, "/a/", "search",
                               "google.se"), 3);
    assert_int_equal(ref_views(&r, 100, URL_POST, "/a/", "social", "t.co"),
                     1);
    assert_int_equal(ref_views(&r, 100, URL_POST, "/b/", "search",
                               "google.se"), 1);
    assert_int_equal(ref_views(&r, 101, URL_POST, "/a/", "search",
                               "google.se"), 1);
    assert_int_equal(ref_views(&r, 100, URL_PAGE, "/a/", "search",
                               "google.se"), 1);
    assert_int_equal(ref_views(&r, 100, URL_TAG, "eu", "internal",
                               "blog.example.eu"), 1);
    assert_int_equal(ref_views(&r, 100, URL_POST, "/a/", "other",
                               "google.se"), 1);
    longhost[AGG_KEY_CAP] = '\0';
    assert_int_equal(ref_views(&r, 100, URL_POST, "/a/", "other", longhost),
                     2);
    /* Stopping. */
    memset(&r, 0, sizeof(r));
    r.stop_at = 2;
    assert_int_equal(agg_each_referrer(a, on_ref, &r), -1);
    assert_int_equal(r.calls, 2);
    agg_free(a);
}

struct sterms {
    int count;
    int calls;
    int stop_at;
    struct {
        int32_t day;
        char term[300];
        size_t n;
        uint64_t views;
    } e[MAXENT];
};

static int on_sterm(void *ctx, int32_t day, const char *term, size_t n,
                    uint64_t views)
{
    struct sterms *t = ctx;

    t->calls++;
    assert_true(t->count < MAXENT);
    assert_true(n < sizeof(t->e[0].term));
    t->e[t->count].day = day;
    memcpy(t->e[t->count].term, term, n);
    t->e[t->count].term[n] = '\0';
    t->e[t->count].n = n;
    t->e[t->count].views = views;
    t->count++;
    return t->stop_at && t->calls == t->stop_at ? -1 : 0;
}

static uint64_t sterm_views(const struct sterms *t, int32_t day,
                            const char *term, size_t n)
{
    for (int i = 0; i < t->count; i++)
        if (t->e[i].day == day && t->e[i].n == n &&
            memcmp(t->e[i].term, term, n) == 0)
            return t->e[i].views;
    return 0;
}

static void test_agg__search_terms(void **state)
{
    struct agg *a = agg_new();
    struct sterms t;
    char longterm[400];

    (void)state;
    agg_search_term(a, 100, "acta", 4);
    agg_search_term(a, 100, "acta", 4);
    agg_search_term(a, 101, "acta", 4);
    agg_search_term(a, 100, "s" "\xC3\xA4" "kerhet", 9);
    agg_search_term(a, 100, "a\0b", 3);
    agg_search_term(a, 100, "a", 1);
    memset(longterm, 'x', sizeof(longterm));
    agg_search_term(a, 100, longterm, sizeof(longterm));
    agg_search_term(a, 100, longterm, AGG_KEY_CAP + 1);
    memset(&t, 0, sizeof(t));
    assert_int_equal(agg_each_search_term(a, on_sterm, &t), 0);
    assert_int_equal(t.count, 6);
    assert_int_equal(sterm_views(&t, 100, "acta", 4), 2);
    assert_int_equal(sterm_views(&t, 101, "acta", 4), 1);
    assert_int_equal(sterm_views(&t, 100, "s" "\xC3\xA4" "kerhet", 9), 1);
    assert_int_equal(sterm_views(&t, 100, "a\0b", 3), 1);
    assert_int_equal(sterm_views(&t, 100, "a", 1), 1);
    /* Cut at AGG_KEY_CAP bytes: both long ones are one term. */
    assert_int_equal(sterm_views(&t, 100, longterm, AGG_KEY_CAP), 2);
    memset(&t, 0, sizeof(t));
    t.stop_at = 1;
    assert_int_equal(agg_each_search_term(a, on_sterm, &t), -1);
    assert_int_equal(t.calls, 1);
    agg_free(a);
}

/* agg_clear() forgets the audience too; what comes after starts afresh. */
static void test_agg__audience_clear(void **state)
{
    struct agg *a = agg_new();
    struct sketches s;
    struct events es;
    struct refs r;
    struct sterms t;

    (void)state;
    for (uint64_t v = 1; v <= 100; v++)
        visit(a, 100, 0, v, URL_POST, "/a/", "SE");
    referrer(a, 100, URL_POST, "/a/", "search", "google.se");
    agg_search_term(a, 100, "acta", 4);
    agg_clear(a);
    sketches_of(a, &s);
    assert_int_equal(s.count, 0);
    memset(&es, 0, sizeof(es));
    assert_int_equal(agg_each_event(a, on_event, &es), 0);
    assert_int_equal(es.count, 0);
    memset(&r, 0, sizeof(r));
    assert_int_equal(agg_each_referrer(a, on_ref, &r), 0);
    assert_int_equal(r.count, 0);
    memset(&t, 0, sizeof(t));
    assert_int_equal(agg_each_search_term(a, on_sterm, &t), 0);
    assert_int_equal(t.count, 0);
    /* New sketches hold only what came after. */
    visit(a, 100, 0, 1000, URL_POST, "/b/", "DE");
    visit(a, 100, 0, 1001, URL_POST, "/a/", "SE");
    sketches_of(a, &s);
    assert_int_equal(s.count, 5);
    assert_int_equal(sk_count(&s, 100, AGG_SKETCH_DAY, 0, NULL, NULL), 2);
    assert_int_equal(sk_count(&s, 100, AGG_SKETCH_PATH, URL_POST, "/a/",
                              NULL), 1);
    assert_int_equal(sk_count(&s, 100, AGG_SKETCH_COUNTRY, 0, NULL, "SE"),
                     1);
    memset(&es, 0, sizeof(es));
    assert_int_equal(agg_each_event(a, on_event, &es), 0);
    assert_int_equal(es.count, 2);
    assert_string_equal(es.e[0].key, "/b/");
    /* Stopping the sketches. */
    memset(&s, 0, sizeof(s));
    s.stop_at = 2;
    assert_int_equal(agg_each_sketch(a, on_sketch, &s), -1);
    assert_int_equal(s.calls, 2);
    agg_free(a);
}

/*
 * The memory bound counts the audience: the sketches' lists, 8 bytes a
 * distinct visitor in each of the day's, the page's and the country's
 * sketch (the events come on top). FAILS while agg_memory() leaves out
 * sketch_memory() of the sketches (src/agg.c, agg_memory).
 */
static void test_agg__memory_counts_sketches(void **state)
{
    enum { N = 2000 };
    struct agg *a = agg_new();
    size_t m0, m1;

    (void)state;
    visit(a, 100, 0, 0, URL_POST, "/a/", "SE");
    m0 = agg_memory(a);
    for (uint64_t v = 1; v <= N; v++)
        visit(a, 100, 0, mix64(v), URL_POST, "/a/", "SE");
    m1 = agg_memory(a);
    agg_free(a);
    if (m1 - m0 < N * 3 * sizeof(uint64_t))
        fail_msg("%d visitors in 3 sketches: agg_memory grew by %zu bytes, "
                 "less than their hashes alone (%zu)", N, m1 - m0,
                 N * 3 * sizeof(uint64_t));
}

/* The hot path's agg_view() id with agg_visitor_key() and
 * agg_referrer_key() counts what the string calls count, also when new
 * sketches move the array of sketches. */
static void test_agg__by_key_id(void **state)
{
    struct agg *a = agg_new(), *b = agg_new();
    static const char *const cc[] = {"SE", "DE", "FI", "--"};
    static struct sketches sa, sb;
    struct refs ra, rb;
    char key[32];

    (void)state;
    for (int i = 0; i < 400; i++) {
        int32_t day = 100 + i % 5;
        enum url_kind kind = i % 29 % 5 == 0 ? URL_TAG : URL_POST;
        uint64_t v = mix64((uint64_t)i % 37);
        uint32_t id;

        snprintf(key, sizeof(key), "/p%d/", i % 29);
        id = agg_view(a, day, kind, key, strlen(key), cc[i % 4]);
        agg_visitor_key(a, day, i, v, id, cc[i % 4]);
        agg_referrer_key(a, day, id, "search", "google.se", 9);
        agg_view(b, day, kind, key, strlen(key), cc[i % 4]);
        agg_visitor(b, day, i, v, kind, key, strlen(key), cc[i % 4]);
        agg_referrer(b, day, kind, key, strlen(key), "search", "google.se",
                     9);
    }
    sketches_of(a, &sa);
    sketches_of(b, &sb);
    assert_int_equal(sa.count, sb.count);
    assert_true(sa.count > 64);      /* past the first array */
    for (int i = 0; i < sa.count; i++) {
        assert_int_equal(sa.e[i].day, sb.e[i].day);
        assert_int_equal(sa.e[i].dim, sb.e[i].dim);
        assert_int_equal(sa.e[i].kind, sb.e[i].kind);
        assert_string_equal(sa.e[i].key, sb.e[i].key);
        assert_string_equal(sa.e[i].cc, sb.e[i].cc);
        assert_int_equal(sa.e[i].count, sb.e[i].count);
    }
    memset(&ra, 0, sizeof(ra));
    memset(&rb, 0, sizeof(rb));
    assert_int_equal(agg_each_referrer(a, on_ref, &ra), 0);
    assert_int_equal(agg_each_referrer(b, on_ref, &rb), 0);
    assert_int_equal(ra.count, rb.count);
    assert_int_equal(ref_views(&ra, 100, URL_POST, "/p1/", "search",
                               "google.se"),
                     ref_views(&rb, 100, URL_POST, "/p1/", "search",
                               "google.se"));
    agg_free(a);
    agg_free(b);
}

/* ---- the fold of what traffic can make without end -------------------- */

/* What an iterator gave: how many entries, their views, and the views
 * and entries of AGG_OTHER. */
struct tally {
    size_t entries, others;
    uint64_t views, other_views;
    const char *want;          /* a key to find */
    size_t want_n;
    uint64_t want_views;
    enum url_kind other_kind;
};

static void tally_one(struct tally *t, const char *key, size_t n,
                      uint64_t views)
{
    t->entries++;
    t->views += views;
    if (n == AGG_OTHER_LEN && memcmp(key, AGG_OTHER, n) == 0) {
        t->others++;
        t->other_views += views;
    }
    if (t->want && n == t->want_n && memcmp(key, t->want, n) == 0)
        t->want_views += views;
}

static int on_tally_path(void *ctx, int32_t day, enum url_kind kind,
                         const char *key, size_t n, uint64_t views)
{
    struct tally *t = ctx;

    (void)day;
    if (n == AGG_OTHER_LEN && memcmp(key, AGG_OTHER, n) == 0)
        t->other_kind = kind;
    tally_one(t, key, n, views);
    return 0;
}

static int on_tally_ref(void *ctx, int32_t day, enum url_kind kind,
                        const char *key, size_t n, const char *cls,
                        const char *host, size_t host_n, uint64_t views)
{
    (void)day, (void)kind, (void)key, (void)n, (void)cls;
    tally_one(ctx, host, host_n, views);
    return 0;
}

static int on_tally_sterm(void *ctx, int32_t day, const char *term,
                          size_t n, uint64_t views)
{
    (void)day;
    tally_one(ctx, term, n, views);
    return 0;
}

/* Past AGG_FOLD_KEYS new pages a day, new ones count as AGG_OTHER; the
 * pages let in, the known ones, home and another day are never folded. */
static void test_agg__fold_paths(void **state)
{
    struct agg *a = agg_new();
    struct strtab *known = strtab_new();
    const char kn[] = "\x01/2013/02/07/known/";
    struct tally t = {0};
    int n = AGG_FOLD_KEYS + 1000;
    char key[64];

    (void)state;
    assert_int_equal(kn[0], URL_POST);
    strtab_intern(known, kn, sizeof(kn) - 1, NULL);
    agg_set_known(a, known);
    view(a, 100, URL_PAGE, "/first/", "SE");
    for (int i = 0; i < n; i++) {
        snprintf(key, sizeof(key), "/junk-%d/", i);
        view(a, 100, URL_PAGE, key, "SE");
    }
    /* Let in before the flood, known, home, another day: their own. */
    view(a, 100, URL_PAGE, "/first/", "SE");
    view(a, 100, URL_POST, "/2013/02/07/known/", "SE");
    view(a, 100, URL_HOME, "/", "SE");
    view(a, 101, URL_PAGE, "/junk-4999/", "SE");
    /* A new tag has its own room. */
    view(a, 100, URL_TAG, "eu", "SE");
    t.want = "/first/";
    t.want_n = 7;
    assert_int_equal(agg_each_path(a, on_tally_path, &t), 0);
    /* 4096 let in on day 100 (/first/ and 4095 junk), other, known,
     * home, and day 101's. */
    assert_int_equal(t.entries, AGG_FOLD_KEYS + 4);
    assert_int_equal(t.others, 1);
    assert_int_equal(t.other_kind, URL_PAGE);
    assert_int_equal(t.other_views, (uint64_t)n - (AGG_FOLD_KEYS - 1));
    assert_int_equal(t.views, (uint64_t)n + 5);
    assert_int_equal(t.want_views, 2);
    memset(&t, 0, sizeof(t));
    assert_int_equal(agg_each_term(a, on_tally_path, &t), 0);
    assert_int_equal(t.entries, 1);
    assert_int_equal(t.others, 0);
    /* The next chunk starts afresh. */
    agg_clear(a);
    view(a, 100, URL_PAGE, "/junk-4999/", "SE");
    memset(&t, 0, sizeof(t));
    assert_int_equal(agg_each_path(a, on_tally_path, &t), 0);
    assert_int_equal(t.entries, 1);
    assert_int_equal(t.others, 0);
    agg_free(a);
    strtab_free(known);
}

/* Tags and categories fold alike, as AGG_OTHER of their own kind. */
static void test_agg__fold_terms(void **state)
{
    struct agg *a = agg_new();
    struct tally t = {0};
    char key[64];

    (void)state;
    for (int i = 0; i < AGG_FOLD_KEYS + 10; i++) {
        snprintf(key, sizeof(key), "tag-%d", i);
        view(a, 100, URL_TAG, key, "SE");
    }
    assert_int_equal(agg_each_term(a, on_tally_path, &t), 0);
    assert_int_equal(t.entries, AGG_FOLD_KEYS + 1);
    assert_int_equal(t.other_kind, URL_TAG);
    assert_int_equal(t.other_views, 10);
    assert_int_equal(t.views, AGG_FOLD_KEYS + 10);
    agg_free(a);
}

/* A flood of distinct referrers keeps the heavy one exact, holds at most
 * AGG_FOLD_KEYS entries, and the rest is AGG_OTHER: totals exact. */
static void test_agg__fold_referrers(void **state)
{
    struct agg *a = agg_new();
    struct tally t = {0};
    int n = 3 * AGG_FOLD_KEYS;
    char host[64];
    size_t m0, m1;

    (void)state;
    for (int i = 0; i < 50; i++)
        referrer(a, 100, URL_POST, "/a/", "social", "t.co");
    m0 = agg_memory(a);
    for (int i = 0; i < n; i++) {
        snprintf(host, sizeof(host), "h%d.example", i);
        referrer(a, 100, URL_POST, "/a/", "other", host);
        /* A steady one among them stays in, counted from when it came. */
        if (i % 100 == 0)
            referrer(a, 100, URL_POST, "/a/", "search", "google.se");
    }
    m1 = agg_memory(a);
    for (int i = 0; i < n; i++) {
        snprintf(host, sizeof(host), "g%d.example", i);
        referrer(a, 100, URL_POST, "/a/", "other", host);
    }
    /* Full: more distinct hosts take no more memory. */
    assert_int_equal(agg_memory(a), m1);
    assert_true(m1 > m0);
    t.want = "t.co";
    t.want_n = 4;
    assert_int_equal(agg_each_referrer(a, on_tally_ref, &t), 0);
    assert_int_equal(t.want_views, 50);
    assert_true(t.entries <= AGG_FOLD_KEYS + 1);
    assert_int_equal(t.others, 1);
    assert_int_equal(t.views, 50 + (uint64_t)2 * n + (n + 99) / 100);
    assert_true(t.other_views >= (uint64_t)2 * n - AGG_FOLD_KEYS);
    memset(&t, 0, sizeof(t));
    t.want = "google.se";
    t.want_n = 9;
    assert_int_equal(agg_each_referrer(a, on_tally_ref, &t), 0);
    assert_int_equal(t.want_views, (uint64_t)(n + 99) / 100);
    agg_free(a);
}

/* Search terms alike; a long one is cut on a character boundary. */
static void test_agg__fold_search_terms(void **state)
{
    struct agg *a = agg_new();
    struct tally t = {0};
    char term[AGG_KEY_CAP + 8];
    int n = 2 * AGG_FOLD_KEYS;

    (void)state;
    /* 199 bytes, then a two-byte character across the cut. */
    memset(term, 'x', AGG_KEY_CAP - 1);
    memcpy(term + AGG_KEY_CAP - 1, "\xC3\xA4yy", 4);
    agg_search_term(a, 100, term, AGG_KEY_CAP + 3);
    agg_search_term(a, 100, term, AGG_KEY_CAP - 1);
    for (int i = 0; i < n; i++) {
        char s[32];

        snprintf(s, sizeof(s), "term %d", i);
        agg_search_term(a, 100 + i % 2, s, strlen(s));
    }
    t.want = term;
    t.want_n = AGG_KEY_CAP - 1;
    assert_int_equal(agg_each_search_term(a, on_tally_sterm, &t), 0);
    assert_true(t.entries <= AGG_FOLD_KEYS + 2);
    /* One "(other)" a day. */
    assert_int_equal(t.others, 2);
    assert_int_equal(t.views, (uint64_t)n + 2);
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
        cmocka_unit_test(test_agg__long_keys_cut),
        cmocka_unit_test(test_agg__same_key_two_kinds),
        cmocka_unit_test(test_agg__empty_and_clear),
        cmocka_unit_test(test_agg__stop_iteration),
        cmocka_unit_test(test_agg__memory),
        cmocka_unit_test(test_agg__keys_stable_until_clear),
        cmocka_unit_test(test_agg__independent),
        cmocka_unit_test(test_agg__post_countries),
        cmocka_unit_test(test_agg__visitor_sketches),
        cmocka_unit_test(test_agg__visitor_sketch_large),
        cmocka_unit_test(test_agg__events),
        cmocka_unit_test(test_agg__referrers),
        cmocka_unit_test(test_agg__by_key_id),
        cmocka_unit_test(test_agg__search_terms),
        cmocka_unit_test(test_agg__audience_clear),
        cmocka_unit_test(test_agg__memory_counts_sketches),
        cmocka_unit_test(test_agg__fold_paths),
        cmocka_unit_test(test_agg__fold_terms),
        cmocka_unit_test(test_agg__fold_referrers),
        cmocka_unit_test(test_agg__fold_search_terms),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
