/*
 * test_store_scale.c - the store's queries and the import's writes do
 * work in proportion to what they read: twice the posts, tags and links,
 * about twice the work (SQLite's VM steps, store_query_steps()), never
 * four times. A query that scanned every path for each row it returns
 * (a correlated subquery) fails here before any blog grows slow.
 */
#include "tustore.h"
#include "store.h"

#include <sqlite3.h>

/*
 * A database of n imported posts, each with one view on day 1, a tag of
 * its own and the tag "common"; a quarter of them with a "/?p=ID" link
 * that was read too.
 */
static char *build(const char *dir, int n)
{
    char name[32], sql[2048], *path;
    struct bs_err err = {0};
    struct store *s;
    sqlite3 *db;

    snprintf(name, sizeof(name), "s%d.db", n);
    path = tu_path(dir, name);
    s = store_open(path, STORE_WRITE, &err);
    if (!s)
        fail_msg("store_open: %s", err.msg);
    store_close(s);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    snprintf(sql, sizeof(sql),
             "BEGIN;"
             "WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM i "
             "WHERE x < %d) "
             "INSERT INTO paths(id, site, path, kind, title, post_id, imported)"
             " SELECT x, 0, '/p/' || x || '/', 'post', 'Post ' || x, x, 1 "
             "FROM i;"
             "WITH RECURSIVE i(x) AS (SELECT 1 UNION ALL SELECT x + 4 FROM i "
             "WHERE x + 4 <= %d) "
             "INSERT INTO paths(id, site, path, kind, post_id)"
             " SELECT 1000000 + x, 0, '/?p=' || x, 'postid', x FROM i;"
             "INSERT INTO path_views(day, path_id, views)"
             " SELECT 1, id, 1 FROM paths;"
             "INSERT INTO terms(id, site, taxonomy, name)"
             " SELECT id, 0, 'tag', 'tag-' || id FROM paths WHERE kind = 'post';"
             "INSERT INTO terms(id, site, taxonomy, name)"
             " VALUES (0, 0, 'tag', 'common');"
             "INSERT INTO post_terms(path_id, term_id)"
             " SELECT id, id FROM paths WHERE kind = 'post';"
             "INSERT INTO post_terms(path_id, term_id)"
             " SELECT id, 0 FROM paths WHERE kind = 'post';"
             "COMMIT;",
             n, n);
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        fail_msg("build: %s", sqlite3_errmsg(db));
    sqlite3_close(db);
    return path;
}

static int count_post(void *ctx, const struct store_post_row *row)
{
    (void)row;
    (*(int64_t *)ctx)++;
    return 0;
}

static int count_term(void *ctx, const struct store_term_row *row)
{
    (void)row;
    (*(int64_t *)ctx)++;
    return 0;
}

enum which { TOP, LEAST, TERMS, NWHICH };
static const char *const which_name[] = {"top posts", "least posts",
                                         "top tags"};

/* The VM steps of one query over the whole database, all its rows. */
static uint64_t steps(const char *path, enum which w, int64_t want_rows)
{
    struct store_filter f = {.from = 0, .to = 10, .limit = 0};
    struct bs_err err = {0};
    struct store *s = store_open(path, STORE_READ, &err);
    uint64_t before, used;
    int64_t rows = 0;
    int rc;

    assert_non_null(s);
    before = store_query_steps(s);
    rc = w == TOP     ? store_top_posts(s, &f, count_post, &rows, &err)
         : w == LEAST ? store_least_posts(s, &f, count_post, &rows, &err)
                      : store_top_terms(s, &f, URL_TAG, count_term, &rows,
                                        &err);
    if (rc)
        fail_msg("%s: %s", which_name[w], err.msg);
    assert_int_equal(rows, want_rows);
    used = store_query_steps(s) - before;
    assert_true(used > 0);
    store_close(s);
    return used;
}

static void test_store_scale__queries_linear(void **state)
{
    struct tu_store *f = *state;
    char *small = build(f->dir, 2000), *big = build(f->dir, 4000);

    for (int w = 0; w < NWHICH; w++) {
        uint64_t a = steps(small, (enum which)w, w == TERMS ? 2001 : 2000);
        uint64_t b = steps(big, (enum which)w, w == TERMS ? 4001 : 4000);
        double ratio = (double)b / (double)a;

        printf("  %s: %llu steps for 2,000 posts, %llu for 4,000 (%.2f x)\n",
               which_name[w], (unsigned long long)a, (unsigned long long)b,
               ratio);
        if (ratio > 2.6)
            fail_msg("%s: twice the posts took %.2f times the work",
                     which_name[w], ratio);
    }
    free(small);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_store_scale__queries_linear,
                                        tu_store_setup, tu_store_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
