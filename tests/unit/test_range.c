/*
 * test_range.c - cli_range() (cli.h): the days --from, --to and --days
 * select, with a fixed clock: --days ends with the newest complete day.
 */
#include "tustore.h"
#include "cli.h"
#include "store.h"

#define D(n) (days_from_civil(2024, 3, 1) + (n))

static void ok(int rc, const struct bs_err *err, const char *what)
{
    if (rc != 0)
        fail_msg("%s: %d %s", what, err->status, err->msg);
}

/* Unix seconds of h:m UTC on day D(d). */
static int64_t utc(int d, int h, int m)
{
    return (int64_t)D(d) * 86400 + h * 3600 + m * 60;
}

/* Days D(0)..D(4) with data; the newest line at 04:15 +0100 on D(4). */
static int setup(void **state)
{
    struct tu_store *f = tu_store_new(1);
    struct bs_err err = {0};

    ok(store_begin(f->s, &err), &err, "store_begin");
    for (int d = 0; d <= 4; d++)
        ok(store_add_day(f->s, 0, D(d), 10, 5, 0, 0, &err), &err,
           "store_add_day");
    ok(store_commit(f->s, &err), &err, "store_commit");
    ok(store_newest_line_put(f->s, 0, utc(4, 3, 15), 60, &err), &err,
       "store_newest_line_put");
    *state = f;
    return 0;
}

/* The range of the options at now: from, to as offsets of D(0). */
static void range(struct tu_store *f, const char *from, const char *to,
                  const char *days, int64_t now, int want_from, int want_to)
{
    struct cli_range r;
    struct bs_err err = {0};
    int32_t a = 0, b = 0;

    assert_int_equal(cli_range_parse(&r, "top ", from, to, days), 0);
    r.now = now;
    ok(cli_range(f->s, 0, &r, &a, &b, &err), &err, "cli_range");
    if (a != D(want_from) || b != D(want_to))
        fail_msg("%s %s %s at %lld: %d..%d, expected %d..%d",
                 from ? from : "-", to ? to : "-", days ? days : "-",
                 (long long)now, a - D(0), b - D(0), want_from, want_to);
}

static void test_range__days_end_with_complete_day(void **state)
{
    struct tu_store *f = *state;

    (void)state;
    /* 04:20 at +0100 on day 4: day 4 is being written. */
    range(f, NULL, NULL, "1", utc(4, 3, 20), 3, 3);
    range(f, NULL, NULL, "3", utc(4, 3, 20), 1, 3);
    /* 23:59 at +0100 still; midnight there ends it. */
    range(f, NULL, NULL, "1", utc(4, 22, 59), 3, 3);
    range(f, NULL, NULL, "1", utc(4, 23, 0), 4, 4);
    range(f, NULL, NULL, "2", utc(9, 0, 0), 3, 4);
    /* --to can name it; without --days every day is there. */
    range(f, NULL, "2024-03-05", "1", utc(4, 3, 20), 4, 4);
    range(f, NULL, "2024-03-05", "2", utc(4, 3, 20), 3, 4);
    range(f, NULL, NULL, NULL, utc(4, 3, 20), 0, 4);
    range(f, "2024-03-03", NULL, NULL, utc(4, 3, 20), 2, 4);
}

static void test_range__now_from_environment(void **state)
{
    struct cli_range r;

    (void)state;
    assert_int_equal(setenv("BLOGSTAT_NOW", "1709608500", 1), 0);
    assert_int_equal(cli_range_parse(&r, "top ", NULL, NULL, "3"), 0);
    assert_int_equal(r.now, 1709608500);
    assert_int_equal(setenv("BLOGSTAT_NOW", "yesterday", 1), 0);
    assert_int_equal(cli_range_parse(&r, "top ", NULL, NULL, "3"), BS_USAGE);
    assert_int_equal(unsetenv("BLOGSTAT_NOW"), 0);
    assert_int_equal(cli_range_parse(&r, "top ", NULL, NULL, "3"), 0);
    assert_true(r.now > 1709608500);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            test_range__days_end_with_complete_day, setup, tu_store_teardown),
        cmocka_unit_test(test_range__now_from_environment),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
