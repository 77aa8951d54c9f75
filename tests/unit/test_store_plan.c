/*
 * test_store_plan.c - every statement the store's queries run, read
 * through SQLite's EXPLAIN QUERY PLAN: none reads a whole table of counts
 * to answer a week (the rows of a range are found by index), and none
 * runs a subquery again for each row it returns. A query that would grow
 * slow with a blog's years of pages fails here on an empty database,
 * whatever the machine.
 */
#include "testutil.h"
#include "store.h"

/* The tables that are small whatever the traffic: their rows are sites,
 * logs, settings, countries or days (one a day), and a query may read
 * them whole. */
static const char *const small_tables[] = {
    "meta", "sites", "sources", "files", "country_names", "day_salts", "days",
};

struct sqls {
    char *v[256];
    size_t n;
};

/* Keep each distinct statement once. */
static void keep_sql(void *arg, const char *sql)
{
    struct sqls *q = arg;

    for (size_t i = 0; i < q->n; i++)
        if (strcmp(q->v[i], sql) == 0)
            return;
    assert_true(q->n < sizeof(q->v) / sizeof(q->v[0]));
    q->v[q->n++] = xstrdup(sql);
}

struct verdict {
    const char *sql;
    int bad;
    unsigned char per_row[1024];  /* by plan id: runs once per outer row */
};

static int small(const char *table, size_t n)
{
    for (size_t i = 0; i < sizeof(small_tables) / sizeof(small_tables[0]);
         i++)
        if (strlen(small_tables[i]) == n &&
            memcmp(small_tables[i], table, n) == 0)
            return 1;
    return 0;
}

/*
 * One line of a plan. "SCAN t" of a table of counts reads all of it;
 * "SCAN" of a CTE or subquery reads what the query built, which is fine.
 * A CORRELATED subquery runs once for each row of its outer query: there
 * a SEARCH must find its rows by more than the days ("(day=?)" or
 * "(day>? AND day<?)" alone read all of a range's rows for each row: the
 * quadratic shape; "(day>?)" alone is the seek of a min(), one row), and
 * nothing may be MATERIALIZEd again for each row.
 */
static void judge(void *arg, int id, int parent, const char *detail)
{
    struct verdict *v = arg;
    size_t cap = sizeof(v->per_row);
    int per_row = parent > 0 && (size_t)parent < cap && v->per_row[parent];
    const char *t;
    size_t n;

    if (id > 0 && (size_t)id < cap)
        v->per_row[id] = (unsigned char)(per_row ||
                                         strstr(detail, "CORRELATED"));
    if (per_row && (strncmp(detail, "MATERIALIZE ", 12) == 0 ||
                    (strncmp(detail, "SEARCH ", 7) == 0 &&
                     (strstr(detail, "(day=?)") ||
                      strstr(detail, "(day>? AND day<?)"))))) {
        print_message("a range's rows for each row: %s\n  in: %s\n", detail,
                      v->sql);
        v->bad++;
        return;
    }
    if (strncmp(detail, "SCAN ", 5) != 0)
        return;
    t = detail + 5;
    n = strcspn(t, " ");
    /* CTEs and subqueries: "SCAN members", "SCAN (subquery-3)". The
     * tables of counts all have names with an underscore or are paths,
     * terms, visits or referrers. */
    if (*t == '(' || small(t, n))
        return;
    if (memchr(t, '_', n) || (n == 5 && memcmp(t, "paths", 5) == 0) ||
        (n == 5 && memcmp(t, "terms", 5) == 0) ||
        (n == 6 && memcmp(t, "visits", 6) == 0) ||
        (n == 9 && memcmp(t, "referrers", 9) == 0)) {
        print_message("whole table read%s: %s\n  in: %s\n",
                      per_row ? " for each row" : "", detail, v->sql);
        v->bad++;
    }
}

static int no_post(void *ctx, const struct store_post_row *r)
{
    (void)ctx, (void)r;
    return 0;
}
static int no_term(void *ctx, const struct store_term_row *r)
{
    (void)ctx, (void)r;
    return 0;
}
static int no_country(void *ctx, const struct store_country_row *r)
{
    (void)ctx, (void)r;
    return 0;
}
static int no_day(void *ctx, const struct store_day_row *r)
{
    (void)ctx, (void)r;
    return 0;
}
static int no_referrer(void *ctx, const struct store_referrer_row *r)
{
    (void)ctx, (void)r;
    return 0;
}
static int no_search(void *ctx, const struct store_search_row *r)
{
    (void)ctx, (void)r;
    return 0;
}
static int no_source(void *ctx, const struct store_source_row *r)
{
    (void)ctx, (void)r;
    return 0;
}
static int no_info(void *ctx, const struct store_post_info *r)
{
    (void)ctx, (void)r;
    return 0;
}
static int no_post_day(void *ctx, const struct store_post_day_row *r)
{
    (void)ctx, (void)r;
    return 0;
}
static int no_post_term(void *ctx, const struct store_post_term_row *r)
{
    (void)ctx, (void)r;
    return 0;
}

/* A database with one imported post read on a day, so that every query
 * below has something to find and runs all of its statements, and a page
 * read at both ends of a year, so that a week is a small part of it. */
static char *build(const char *dir, int64_t *post)
{
    static const char *const tags[] = {"t"};
    char *path = tu_path(dir, "plan.db");
    struct bs_err err = {0};
    struct store *s = store_open(path, STORE_WRITE, &err);
    struct store_post p = {
        .path = "/p/", .kind = URL_POST, .title = "P", .has_published = 1,
        .published = 100, .tags = tags, .ntags = 1, .has_tags = 1,
    };

    if (!s)
        fail_msg("store_open: %s", err.msg);
    assert_int_equal(store_begin(s, &err), 0);
    assert_int_equal(store_put_post(s, STORE_SITE_DEFAULT, &p, &err), 0);
    assert_int_equal(store_add_day(s, 0, 103, 2, 1, 1, 0, &err), 0);
    assert_int_equal(store_add_path_views(s, 0, 103, URL_POST, "/p/", 3, 1,
                                          &err), 0);
    assert_int_equal(store_add_path_views(s, 0, 1, URL_PAGE, "/a/", 3, 1,
                                          &err), 0);
    assert_int_equal(store_add_path_views(s, 0, 365, URL_PAGE, "/a/", 3, 1,
                                          &err), 0);
    assert_int_equal(store_add_term_views(s, 0, 103, URL_TAG, "t", 1, 1,
                                          &err), 0);
    assert_int_equal(store_add_country_views(s, 0, 103, "SE", 1, &err), 0);
    assert_int_equal(store_add_post_country_views(s, 0, 103, URL_POST, "/p/",
                                                  3, "SE", 1, &err), 0);
    assert_int_equal(store_path_id(s, 0, URL_POST, "/p/", 3, post, &err), 0);
    assert_int_equal(store_add_referrer(s, 0, 103, *post, "example.org", 11,
                                        "other", 1, &err), 0);
    assert_int_equal(store_add_search_term(s, 0, 103, "q", 1, 1, &err), 0);
    assert_int_equal(store_add_visits(s, 0, 103, *post, 1, &err), 0);
    assert_int_equal(store_add_visits(s, 0, 103, 0, 1, &err), 0);
    assert_int_equal(store_commit(s, &err), 0);
    store_close(s);
    return path;
}

static void test_store_plan__queries(void **state)
{
    char *dir = tu_tmpdir(), *path;
    struct sqls q = {0};
    struct store_trace t = {keep_sql, &q};
    struct bs_err err = {0};
    struct store *s;
    struct store_audience a;
    struct store_totals tot;
    int64_t post = 0;
    int bad = 0;

    (void)state;
    path = build(dir, &post);
    s = store_open(path, STORE_READ, &err);
    assert_non_null(s);
    store_trace(s, &t);
    /* A week of a year, as `top --days 7` and the report ask. */
    {
        struct store_filter f = {.from = 100, .to = 106, .limit = 20,
                                 .path_id = post};

        assert_int_equal(store_top_posts(s, &f, no_post, NULL, &err), 0);
        assert_int_equal(store_least_posts(s, &f, no_post, NULL, &err), 0);
        assert_int_equal(store_top_terms(s, &f, URL_TAG, no_term, NULL, &err),
                         0);
        assert_int_equal(store_top_terms(s, &f, URL_CATEGORY, no_term, NULL,
                                         &err), 0);
        assert_int_equal(store_top_countries(s, &f, no_country, NULL, &err),
                         0);
        assert_int_equal(store_days(s, &f, no_day, NULL, &err), 0);
        assert_int_equal(store_range(s, &f, &a, &err), 0);
        assert_int_equal(store_top_referrers(s, &f, no_referrer, NULL, &err),
                         0);
        assert_int_equal(store_top_search_terms(s, &f, no_search, NULL, &err),
                         0);
        assert_int_equal(store_sources(s, &f, no_source, NULL, &err), 0);
        assert_int_equal(store_post_info(s, &f, no_info, NULL, &err), 0);
        assert_int_equal(store_post_days(s, &f, no_post_day, NULL, &err), 0);
        assert_int_equal(store_post_countries(s, &f, no_country, NULL, &err),
                         0);
        assert_int_equal(store_post_terms(s, &f, no_post_term, NULL, &err),
                         0);
        assert_int_equal(store_post_range(s, &f, &a, &err), 0);
        assert_int_equal(store_post_referrers(s, &f, no_referrer, NULL, &err),
                         0);
        /* The same with every row asked for. */
        f.limit = 0;
        assert_int_equal(store_top_posts(s, &f, no_post, NULL, &err), 0);
        assert_int_equal(store_least_posts(s, &f, no_post, NULL, &err), 0);
        assert_int_equal(store_top_terms(s, &f, URL_TAG, no_term, NULL, &err),
                         0);
    }
    assert_int_equal(store_totals(s, &tot, &err), 0);
    store_trace(s, NULL);
    assert_true(q.n >= 15);

    for (size_t i = 0; i < q.n; i++) {
        struct verdict v = {.sql = q.v[i]};

        if (store_explain(s, q.v[i], judge, &v, &err))
            fail_msg("explain: %s\n  in: %s", err.msg, q.v[i]);
        bad += v.bad;
        free(q.v[i]);
    }
    store_close(s);
    tu_rmrf(dir);
    free(dir);
    free(path);
    assert_int_equal(bad, 0);
}

/* The judge itself: it catches what it is there to catch. */
static void test_store_plan__judge(void **state)
{
    struct verdict v = {.sql = "test"};

    (void)state;
    judge(&v, 2, 0, "SCAN path_views");
    assert_int_equal(v.bad, 1);
    judge(&v, 5, 0, "SCAN paths USING COVERING INDEX paths_post_id");
    assert_int_equal(v.bad, 2);
    judge(&v, 6, 0, "SEARCH path_views USING INDEX pv_day (day>? AND day<?)");
    judge(&v, 7, 0, "SCAN members");
    judge(&v, 8, 0, "SCAN (subquery-2)");
    judge(&v, 9, 0, "SCAN sites");
    judge(&v, 10, 0, "USE TEMP B-TREE FOR ORDER BY");
    assert_int_equal(v.bad, 2);
    /* Under a correlated subquery: a seek by key is fine, a day's rows
     * are not, and neither is a scan. */
    judge(&v, 11, 0, "CORRELATED SCALAR SUBQUERY 11");
    judge(&v, 12, 11, "SEARCH cs USING INDEX cs_key (site=? AND country=? "
                      "AND day>? AND day<?)");
    judge(&v, 13, 11, "SEARCH path_views USING COVERING INDEX pv_day (day>?)");
    assert_int_equal(v.bad, 2);
    judge(&v, 14, 11, "SEARCH visits USING INDEX visits_day (day=?)");
    assert_int_equal(v.bad, 3);
    judge(&v, 15, 11, "LIST SUBQUERY 15");
    judge(&v, 16, 15, "SCAN path_sketches");
    assert_int_equal(v.bad, 4);
    /* A top posts quadratic in the paths: a range read again per row. */
    judge(&v, 223, 0, "CORRELATED SCALAR SUBQUERY 5");
    judge(&v, 227, 223, "MATERIALIZE vis");
    judge(&v, 234, 227, "SEARCH visits USING PRIMARY KEY (day>? AND day<?)");
    assert_int_equal(v.bad, 6);
    /* Its top level reads the range once: fine. */
    judge(&v, 16, 6, "SEARCH pv USING PRIMARY KEY (day>? AND day<?)");
    assert_int_equal(v.bad, 6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_plan__judge),
        cmocka_unit_test(test_store_plan__queries),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
