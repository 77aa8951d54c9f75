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

/* An imported post or page of site at path, published on day (none when
 * day < 0). */
static void import(struct tu_store *f, int64_t site, const char *path,
                   enum url_kind kind, int32_t day)
{
    struct store_post p;

    memset(&p, 0, sizeof(p));
    p.path = path;
    p.kind = kind;
    p.title = path;
    p.has_published = day >= 0;
    p.published = day < 0 ? 0 : day;
    assert_int_equal(store_put_post(f->s, site, &p, &f->err), 0);
}

static int put_age(void *ctx, int64_t path_id, int32_t published,
                   int32_t age, int64_t views)
{
    struct got *g = ctx;

    (void)path_id;
    g->n += (size_t)snprintf(g->s + g->n, sizeof(g->s) - g->n,
                             "%d+%d:%lld;", (int)published, (int)age,
                             (long long)views);
    return 0;
}

/*
 * A post's life: the views of each imported post or page with a date, by
 * its age, up to the last day: not those before it was published, nor
 * the views of paths not imported, of one without a date or of another
 * site's post. Without any such post, nothing (path_views is then not
 * read at all).
 */
static void test_store_trend__post_ages(void **state)
{
    struct tu_store *f = *state;
    struct got g = {.n = 0};

    assert_int_equal(store_begin(f->s, &f->err), 0);
    for (int d = 0; d < 6; d++) {
        views(f, 1000 + d, "/a/", 1 + (uint64_t)d);
        views(f, 1000 + d, "/b/", 10);
        views(f, 1000 + d, "/c/", 100);
    }
    assert_int_equal(store_commit(f->s, &f->err), 0);
    assert_int_equal(store_post_ages(f->s, STORE_SITE_DEFAULT, 1005,
                                     put_age, &g, &f->err), 0);
    assert_string_equal(g.s, "");

    assert_int_equal(store_begin(f->s, &f->err), 0);
    import(f, STORE_SITE_DEFAULT, "/a/", URL_POST, 1002);
    import(f, STORE_SITE_DEFAULT, "/b/", URL_PAGE, -1);
    import(f, STORE_SITE_DEFAULT + 1, "/c/", URL_POST, 1000);
    assert_int_equal(store_commit(f->s, &f->err), 0);
    assert_int_equal(store_post_ages(f->s, STORE_SITE_DEFAULT, 1004,
                                     put_age, &g, &f->err), 0);
    assert_string_equal(g.s, "1002+0:3;1002+1:4;1002+2:5;");

    /* A page with a date counts too. */
    assert_int_equal(store_begin(f->s, &f->err), 0);
    import(f, STORE_SITE_DEFAULT, "/b/", URL_PAGE, 1004);
    assert_int_equal(store_commit(f->s, &f->err), 0);
    g.n = 0;
    g.s[0] = '\0';
    assert_int_equal(store_post_ages(f->s, STORE_SITE_DEFAULT, 1005,
                                     put_age, &g, &f->err), 0);
    /* Day by day, each day's posts by their id. */
    assert_string_equal(g.s, "1002+0:3;1002+1:4;1002+2:5;1004+0:10;"
                             "1002+3:6;1004+1:10;");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_trend__usual),
        cmocka_unit_test(test_store_trend__rising),
        cmocka_unit_test_setup_teardown(test_store_trend__query,
                                        tu_store_setup_open,
                                        tu_store_teardown),
        cmocka_unit_test_setup_teardown(test_store_trend__post_ages,
                                        tu_store_setup_open,
                                        tu_store_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
