/*
 * test_audience.c - audience.h: the open days' salts and visits have one
 * owner; a visit spanning two chunks, or two runs, is one visit; a
 * closed day forgets its visitors.
 */
#include "testsql.h"
#include "audience.h"
#include "store.h"


#define DAY 15000
#define NOW 1700000000

struct fixture {
    char *dir, *db;
    struct store *s;
    int64_t deltas[4];         /* [page]: the sum of the deltas */
};

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof(*f));
    struct bs_err err = {0};

    f->dir = tu_tmpdir();
    f->db = tu_path(f->dir, "a.db");
    f->s = store_open(f->db, STORE_WRITE, &err);
    assert_non_null(f->s);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    store_close(f->s);
    tu_rmrf(f->dir);
    free(f->db);
    free(f->dir);
    free(f);
    return 0;
}

static void on_delta(void *ctx, int32_t day, int64_t page, int d)
{
    struct fixture *f = ctx;

    assert_int_equal(day, DAY);
    assert_true(page >= 0 && page < 4);
    f->deltas[page] += d;
}

/* One chunk: the views of visitor at secs[0..n) of pages[], committed. */
static void chunk(struct fixture *f, struct audience *a, uint64_t visitor,
                  const int32_t *secs, const int64_t *pages, size_t n)
{
    struct bs_err err = {0};

    assert_int_equal(store_begin(f->s, &err), 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(audience_view(a, DAY, secs[i], visitor, pages[i],
                                       on_delta, f, &err), 0);
    assert_int_equal(audience_write(a, &err), 0);
    assert_int_equal(store_commit(f->s, &err), 0);
    audience_settle(a, 1);
}

/* Views 10 minutes apart in two chunks: one visit, landing on the first
 * page; a third 2 hours later: a second visit. */
static void test_audience__visit_spans_chunks(void **state)
{
    struct fixture *f = *state;
    struct audience *a = audience_new(f->s, NOW);
    static const int32_t s1[] = {1000}, s2[] = {1600}, s3[] = {8800};
    static const int64_t p1[] = {1}, p2[] = {2}, p3[] = {3};

    chunk(f, a, 42, s1, p1, 1);
    chunk(f, a, 42, s2, p2, 1);
    assert_int_equal(f->deltas[0], 1);
    assert_int_equal(f->deltas[1], 1);
    assert_int_equal(f->deltas[2], 0);
    chunk(f, a, 42, s3, p3, 1);
    assert_int_equal(f->deltas[0], 2);
    assert_int_equal(f->deltas[3], 1);
    assert_int_equal(tu_sql_int(f->db, "SELECT count(*) FROM day_salts"), 1);
    assert_int_equal(TU_OPEN_VISITORS(f->db), 1);
    audience_free(a);
}

/* The next run loads the day's salt and open visits: a view of the
 * same visitor joins its visit; another visitor's starts one. */
static void test_audience__visit_spans_runs(void **state)
{
    struct fixture *f = *state;
    struct audience *a = audience_new(f->s, NOW);
    static const int32_t s1[] = {1000}, s2[] = {1500};
    static const int64_t p1[] = {1}, p2[] = {2};

    chunk(f, a, 42, s1, p1, 1);
    audience_free(a);
    a = audience_new(f->s, NOW + 3600);
    chunk(f, a, 42, s2, p2, 1);
    assert_int_equal(f->deltas[0], 1);
    chunk(f, a, 43, s2, p2, 1);
    assert_int_equal(f->deltas[0], 2);
    assert_int_equal(f->deltas[2], 1);
    audience_free(a);
}

/* Past AUDIENCE_OPEN_MAX visitors a day, a new visitor's views are each
 * a visit of their own and nothing of it is kept; those within go on as
 * before, in this run and the next. */
static void test_audience__open_visitors_bounded(void **state)
{
    struct fixture *f = *state;
    struct audience *a = audience_new(f->s, NOW);
    struct bs_err err = {0};
    const uint64_t extra = 10;

    assert_int_equal(store_begin(f->s, &err), 0);
    for (uint64_t v = 1; v <= AUDIENCE_OPEN_MAX + extra; v++)
        for (int i = 0; i < 2; i++)
            assert_int_equal(audience_view(a, DAY, 1000 + 600 * i, v, 1,
                                           on_delta, f, &err),
                             0);
    assert_int_equal(audience_write(a, &err), 0);
    assert_int_equal(store_commit(f->s, &err), 0);
    audience_settle(a, 1);
    assert_int_equal(f->deltas[0], AUDIENCE_OPEN_MAX + 2 * extra);
    assert_int_equal(f->deltas[1], AUDIENCE_OPEN_MAX + 2 * extra);
    assert_int_equal(TU_OPEN_VISITORS(f->db),
                     AUDIENCE_OPEN_MAX);
    audience_free(a);
    /* The next run: visitor 1 joins its visit, a new one is counted
     * alone. */
    a = audience_new(f->s, NOW + 60);
    chunk(f, a, 1, (const int32_t[]){2000}, (const int64_t[]){2}, 1);
    assert_int_equal(f->deltas[0], AUDIENCE_OPEN_MAX + 2 * extra);
    chunk(f, a, AUDIENCE_OPEN_MAX + 99, (const int32_t[]){2000},
          (const int64_t[]){2}, 1);
    assert_int_equal(f->deltas[0], AUDIENCE_OPEN_MAX + 2 * extra + 1);
    assert_int_equal(TU_OPEN_VISITORS(f->db),
                     AUDIENCE_OPEN_MAX);
    audience_free(a);
}

/* Days no ingest read for two days close: their salts and visits go,
 * and a later view of the day is a visit of a stranger. */
static void test_audience__close_days(void **state)
{
    struct fixture *f = *state;
    struct bs_err err = {0};
    struct audience *a = audience_new(f->s, NOW);
    static const int32_t s1[] = {1000}, s2[] = {1100};
    static const int64_t p1[] = {1};

    chunk(f, a, 42, s1, p1, 1);
    assert_int_equal(audience_close_days(a, &err), 0);
    assert_int_equal(tu_sql_int(f->db, "SELECT count(*) FROM day_salts"), 1);
    audience_free(a);
    a = audience_new(f->s, NOW + AUDIENCE_DAY_OPEN_SECS + 1);
    assert_int_equal(audience_close_days(a, &err), 0);
    assert_int_equal(tu_sql_int(f->db, "SELECT count(*) FROM day_salts"), 0);
    assert_int_equal(TU_OPEN_VISITORS(f->db), 0);
    chunk(f, a, 42, s2, p1, 1);
    assert_int_equal(f->deltas[0], 2);
    audience_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_audience__visit_spans_chunks,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_audience__open_visitors_bounded,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_audience__visit_spans_runs,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_audience__close_days, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
