/*
 * test_store_trend.c - the rule of trending posts (store_trend.c): the
 * usual week and what rises above it, and the query over a store.
 */
#include "tustore.h"
#include "store.h"

static void test_store_trend__usual(void **state)
{
    (void)state;
    assert_int_equal(store_trend_usual((int64_t[]){4, 1, 3, 2}, 4), 3);
    assert_int_equal(store_trend_usual((int64_t[]){4, 1, 3, 1}, 4), 2);
    assert_int_equal(store_trend_usual((int64_t[]){0, 0, 0, 9}, 4), 0);
    assert_int_equal(store_trend_usual((int64_t[]){7, 1, 5}, 3), 5);
    assert_int_equal(store_trend_usual((int64_t[]){7}, 1), 7);
    assert_int_equal(store_trend_usual((int64_t[]){2, 5}, 2), 4);
}

static void test_store_trend__rising(void **state)
{
    (void)state;
    /* Too few views to tell, whatever the usual. */
    assert_false(store_trend_rising(STORE_TREND_MIN - 1, 0));
    assert_true(store_trend_rising(STORE_TREND_MIN, 0));
    /* Twice the usual, and by 3 square roots of it. */
    assert_false(store_trend_rising(199, 100));
    assert_true(store_trend_rising(200, 100));
    assert_false(store_trend_rising(11, 6));   /* 5 < 3 sqrt(6) = 7.3 */
    assert_true(store_trend_rising(14, 6));
    assert_false(store_trend_rising(5, 5));
}

struct got {
    char s[512];
    size_t n;
};

static int put(void *ctx, const struct store_trend_row *r)
{
    struct got *g = ctx;

    g->n += (size_t)snprintf(g->s + g->n, sizeof(g->s) - g->n,
                             "%s %lld %lld;", r->path, (long long)r->views,
                             (long long)r->usual);
    return 0;
}

static void views(struct tu_store *f, int32_t day, const char *path,
                  uint64_t n)
{
    assert_int_equal(store_add_day(f->s, STORE_SITE_DEFAULT, day, n, n, 0, 0,
                                   &f->err),
                     0);
    assert_int_equal(store_add_path_views(f->s, STORE_SITE_DEFAULT, day,
                                          URL_POST, path, strlen(path), n,
                                          &f->err),
                     0);
}

static void test_store_trend__query(void **state)
{
    struct tu_store *f = *state;
    struct store_filter flt = {.to = 1000 + 34, .limit = 0};
    struct got g = {.n = 0};

    assert_int_equal(store_begin(f->s, &f->err), 0);
    for (int w = 0; w < 5; w++) {
        views(f, 1000 + 7 * w, "/a/", w < 4 ? 10 : 40);
        views(f, 1000 + 7 * w + 1, "/b/", 10);
    }
    /* The same week's views on several days add up. */
    views(f, 1000 + 29, "/c/", 6);
    views(f, 1000 + 30, "/c/", 6);

    assert_int_equal(store_commit(f->s, &f->err), 0);
    assert_int_equal(store_top_trending(f->s, &flt, put, &g, &f->err), 0);
    assert_string_equal(g.s, "/c/ 12 0;/a/ 40 10;");
    /* Limited to one. */
    g.n = 0;
    g.s[0] = '\0';
    flt.limit = 1;
    assert_int_equal(store_top_trending(f->s, &flt, put, &g, &f->err), 0);
    assert_string_equal(g.s, "/c/ 12 0;");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_trend__usual),
        cmocka_unit_test(test_store_trend__rising),
        cmocka_unit_test_setup_teardown(test_store_trend__query,
                                        tu_store_setup_open,
                                        tu_store_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
