/*
 * test_store_fold.c - the day bounds of the store: a day's pages, tags,
 * referrers and search terms that traffic can make take at most
 * AGG_FOLD_KEYS keys each, whatever the transactions that add them; the
 * rest count under "(other)", totals exact; imported posts and their
 * terms are never folded.
 */
#include "tustore.h"
#include "testsql.h"
#include "agg.h"
#include "store.h"

#include <stdio.h>

#define DAY 15743

static void begin(struct tu_store *f)
{
    assert_int_equal(store_begin(f->s, &f->err), 0);
}

static void commit(struct tu_store *f)
{
    assert_int_equal(store_commit(f->s, &f->err), 0);
}

/* Views of the pages "/pN/" for N in [from, to), one each. */
static void pages(struct tu_store *f, int32_t day, int from, int to)
{
    for (int i = from; i < to; i++) {
        char p[32];
        int n = snprintf(p, sizeof(p), "/p%d/", i);

        assert_int_equal(store_add_path_views(f->s, STORE_SITE_DEFAULT, day,
                                              URL_PAGE, p, (size_t)n, 1,
                                              &f->err),
                         0);
    }
}

static int64_t q(struct tu_store *f, const char *sql)
{
    return tu_sql_int(f->path, sql);
}

static void test_store_fold__pages_bounded_per_day(void **state)
{
    struct tu_store *f = *state;
    int64_t id, other;

    /* Two transactions of 3,000 new pages each: 4,096 in all. */
    begin(f);
    pages(f, DAY, 0, 3000);
    commit(f);
    begin(f);
    pages(f, DAY, 3000, 6000);
    /* A page the day has counts on; one it folded counts under
     * "(other)". */
    pages(f, DAY, 10, 11);
    assert_int_equal(store_view_path_id(f->s, STORE_SITE_DEFAULT, DAY,
                                        URL_PAGE, "/p10/", 5, &id, &f->err),
                     0);
    assert_int_equal(store_view_path_id(f->s, STORE_SITE_DEFAULT, DAY,
                                        URL_PAGE, "/p5999/", 7, &other,
                                        &f->err),
                     0);
    /* Another day has its own places. */
    pages(f, DAY + 1, 5000, 5001);
    commit(f);
    assert_int_equal(id, q(f, "SELECT id FROM paths WHERE path = '/p10/'"));
    assert_int_equal(other,
                     q(f, "SELECT id FROM paths WHERE path = '(other)'"));
    assert_int_equal(q(f, "SELECT count(*) FROM path_views WHERE day = 15743"),
                     AGG_FOLD_KEYS + 1);
    assert_int_equal(q(f, "SELECT v.views FROM path_views v JOIN paths p "
                          "ON p.id = v.path_id WHERE p.path = '(other)' "
                          "AND p.kind = 'page'"),
                     6000 - AGG_FOLD_KEYS);
    assert_int_equal(q(f, "SELECT sum(views) FROM path_views "
                          "WHERE day = 15743"),
                     6001);
    assert_int_equal(q(f, "SELECT views FROM path_views v JOIN paths p "
                          "ON p.id = v.path_id WHERE p.path = '/p10/'"),
                     2);
    assert_int_equal(q(f, "SELECT count(*) FROM path_views WHERE day = 15744"),
                     1);
    /* No row for a page folded. */
    assert_int_equal(q(f, "SELECT count(*) FROM paths"), AGG_FOLD_KEYS + 2);
}

/* A day whose known pages come again in each commit still takes new
 * ones up to the bound, and no more; a rollback gives back the places
 * its pages took. */
static void test_store_fold__count_over_transactions(void **state)
{
    struct tu_store *f = *state;

    begin(f);
    pages(f, DAY, 0, 3000);
    commit(f);
    for (int r = 0; r < 2; r++) {
        begin(f);
        pages(f, DAY, 0, 3000);
        commit(f);
    }
    begin(f);
    pages(f, DAY, 3000, 4000);
    store_rollback(f->s);
    begin(f);
    pages(f, DAY, 0, 3000);
    pages(f, DAY, 4000, 6000);
    commit(f);
    assert_int_equal(q(f, "SELECT count(*) FROM path_views WHERE day = 15743"),
                     AGG_FOLD_KEYS + 1);
    /* The first of the new pages, in the order they came. */
    assert_int_equal(q(f, "SELECT count(*) FROM paths WHERE path LIKE '/p%' "
                          "AND CAST(substr(path, 3) AS INTEGER) >= 4000"),
                     AGG_FOLD_KEYS - 3000);
    assert_int_equal(q(f, "SELECT max(CAST(substr(path, 3) AS INTEGER)) "
                          "FROM paths WHERE path LIKE '/p%'"),
                     4000 + AGG_FOLD_KEYS - 3000 - 1);
    assert_int_equal(q(f, "SELECT v.views FROM path_views v JOIN paths p "
                          "ON p.id = v.path_id WHERE p.path = '(other)'"),
                     2000 - (AGG_FOLD_KEYS - 3000));
    assert_int_equal(q(f, "SELECT sum(views) FROM path_views "
                          "WHERE day = 15743"),
                     4 * 3000 + 2000);
}

static void test_store_fold__imported_never_folded(void **state)
{
    struct tu_store *f = *state;
    const char *tags[] = {"kept"};
    struct store_post p = {.path = "/2013/02/07/post/", .kind = URL_POST,
                           .title = "Post", .post_id = 7, .tags = tags,
                           .ntags = 1, .has_tags = 1};

    begin(f);
    assert_int_equal(store_put_post(f->s, STORE_SITE_DEFAULT, &p, &f->err), 0);
    pages(f, DAY, 0, AGG_FOLD_KEYS);
    assert_int_equal(store_add_path_views(f->s, STORE_SITE_DEFAULT, DAY,
                                          URL_POST, p.path, strlen(p.path), 3,
                                          &f->err),
                     0);
    assert_int_equal(store_add_path_views(f->s, STORE_SITE_DEFAULT, DAY,
                                          URL_POSTID, "/?p=7", 5, 1, &f->err),
                     0);
    assert_int_equal(store_add_path_views(f->s, STORE_SITE_DEFAULT, DAY,
                                          URL_HOME, "/", 1, 1, &f->err),
                     0);
    pages(f, DAY, AGG_FOLD_KEYS, AGG_FOLD_KEYS + 1);
    for (int i = 0; i < AGG_FOLD_KEYS + 2; i++) {
        char t[32];
        int n = snprintf(t, sizeof(t), "t%d", i);

        assert_int_equal(store_add_term_views(f->s, STORE_SITE_DEFAULT, DAY,
                                              URL_TAG, t, (size_t)n, 1,
                                              &f->err),
                         0);
    }
    assert_int_equal(store_add_term_views(f->s, STORE_SITE_DEFAULT, DAY,
                                          URL_TAG, "kept", 4, 5, &f->err),
                     0);
    commit(f);
    assert_int_equal(q(f, "SELECT views FROM path_views v JOIN paths p "
                          "ON p.id = v.path_id WHERE p.path = "
                          "'/2013/02/07/post/'"),
                     3);
    assert_int_equal(q(f, "SELECT views FROM path_views v JOIN paths p "
                          "ON p.id = v.path_id WHERE p.path = '/?p=7'"),
                     1);
    assert_int_equal(q(f, "SELECT views FROM path_views v JOIN paths p "
                          "ON p.id = v.path_id WHERE p.path = '/'"),
                     1);
    assert_int_equal(q(f, "SELECT views FROM path_views v JOIN paths p "
                          "ON p.id = v.path_id WHERE p.path = '(other)'"),
                     1);
    assert_int_equal(q(f, "SELECT views FROM term_views v JOIN terms t "
                          "ON t.id = v.term_id WHERE t.name = 'kept'"),
                     5);
    assert_int_equal(q(f, "SELECT views FROM term_views v JOIN terms t "
                          "ON t.id = v.term_id WHERE t.name = '(other)'"),
                     2);
    assert_int_equal(q(f, "SELECT count(*) FROM term_views"),
                     AGG_FOLD_KEYS + 2);
}

static void test_store_fold__referrers_and_terms(void **state)
{
    struct tu_store *f = *state;
    int64_t page;

    for (int tx = 0; tx < 2; tx++) {
        begin(f);
        pages(f, DAY, 0, 1);
        assert_int_equal(store_view_path_id(f->s, STORE_SITE_DEFAULT, DAY,
                                            URL_PAGE, "/p0/", 4, &page,
                                            &f->err),
                         0);
        for (int i = tx * 3000; i < tx * 3000 + 3000; i++) {
            char h[32];
            int n = snprintf(h, sizeof(h), "r%d.example", i);

            assert_int_equal(store_add_referrer(f->s, STORE_SITE_DEFAULT,
                                                DAY, page, h, (size_t)n,
                                                "other", 1, &f->err),
                             0);
            assert_int_equal(store_add_search_term(f->s, STORE_SITE_DEFAULT,
                                                   DAY, h, (size_t)n, 2,
                                                   &f->err),
                             0);
        }
        /* A host the day has goes on counting under its name. */
        assert_int_equal(store_add_referrer(f->s, STORE_SITE_DEFAULT, DAY,
                                            page, "r1.example", 10, "other",
                                            5, &f->err),
                         0);
        commit(f);
    }
    assert_int_equal(q(f, "SELECT count(*) FROM referrers"),
                     AGG_FOLD_KEYS + 1);
    assert_int_equal(q(f, "SELECT sum(views) FROM referrers"), 6000 + 10);
    assert_int_equal(q(f, "SELECT views FROM referrers "
                          "WHERE host = 'r1.example'"),
                     11);
    assert_int_equal(q(f, "SELECT views FROM referrers "
                          "WHERE host = '(other)'"),
                     6000 - AGG_FOLD_KEYS);
    assert_int_equal(q(f, "SELECT count(*) FROM search_terms"),
                     AGG_FOLD_KEYS + 1);
    assert_int_equal(q(f, "SELECT sum(views) FROM search_terms"), 12000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_store_fold__pages_bounded_per_day, tu_store_setup_open, tu_store_teardown),
        cmocka_unit_test_setup_teardown(
            test_store_fold__count_over_transactions, tu_store_setup_open, tu_store_teardown),
        cmocka_unit_test_setup_teardown(
            test_store_fold__imported_never_folded, tu_store_setup_open, tu_store_teardown),
        cmocka_unit_test_setup_teardown(test_store_fold__referrers_and_terms,
                                        tu_store_setup_open, tu_store_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
