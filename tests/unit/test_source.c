/*
 * test_source.c - source.h: a log known by its first line, read on from
 * where it stopped (grown, rotated and gzipped, still being written),
 * refused when it differs, and claimed by one worker at a time.
 *
 * Each test writes a small log, reads part of it as an ingest does
 * (marking the position after the last line counted), changes the log,
 * and resumes.
 */
#include "testutil.h"
#include "source.h"

#include <pthread.h>

struct fixture {
    char *dir;
};

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof(*f));

    f->dir = tu_tmpdir();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    tu_rmrf(f->dir);
    free(f->dir);
    free(f);
    return 0;
}

/*
 * Read path as an ingest does: the first line's fingerprint, then lines
 * up to max (0: all), src marked after the last one read. Returns the
 * reader's last answer (1: more to come).
 */
static int read_some(const char *path, int flags, struct store_source *src,
                     uint64_t max)
{
    struct bs_err err = {0};
    struct reader *r = reader_open(path, flags, &err);
    struct reader_line l;
    uint64_t start = 0;
    int rc;

    assert_non_null(r);
    memset(src, 0, sizeof(*src));
    while ((rc = reader_next(r, &l, &err)) == 1) {
        if (src->lines == 0)
            source_fingerprint(&l, src->fingerprint);
        src->lines++;
        source_mark(src, &l, start, reader_offset(r));
        start = reader_offset(r);
        if (max && src->lines == max)
            break;
    }
    assert_true(rc >= 0);
    src->gzip = reader_is_gzip(r);
    src->size = reader_file_size(r);
    reader_close(r);
    return rc;
}

/* Open path, check its fingerprint is src's and resume: the enum
 * source_resume, and on SOURCE_RESUME_AT the next line into next
 * ("" at the end). */
static int resume_at(const char *path, int flags,
                     const struct store_source *src, char *next, size_t cap)
{
    struct bs_err err = {0};
    struct reader *r = reader_open(path, flags, &err);
    struct reader_line l;
    char fp[SOURCE_HASH_LEN];
    int rc;

    assert_non_null(r);
    assert_int_equal(reader_next(r, &l, &err), 1);
    source_fingerprint(&l, fp);
    assert_string_equal(fp, src->fingerprint);
    rc = source_resume(r, src, &l, &err);
    assert_true(rc >= 0);
    next[0] = '\0';
    if (rc == SOURCE_RESUME_AT && reader_next(r, &l, &err) == 1)
        snprintf(next, cap, "%.*s", (int)l.n, l.p);
    reader_close(r);
    return rc;
}

static const char lines3[] = "first line\nsecond line\nthird line\n";

static void test_source__fingerprint_is_first_line(void **state)
{
    struct fixture *f = *state;
    char *a = tu_write(f->dir, "a", lines3, strlen(lines3));
    char *b = tu_write(f->dir, "b", "first line\nother\n", 17);
    char *c = tu_write(f->dir, "c", "First line\nsecond line\n", 23);
    struct store_source sa, sb, sc;

    read_some(a, READER_HOLD_PARTIAL, &sa, 1);
    read_some(b, READER_HOLD_PARTIAL, &sb, 1);
    read_some(c, READER_HOLD_PARTIAL, &sc, 1);
    assert_int_equal(strlen(sa.fingerprint), 32);
    assert_string_equal(sa.fingerprint, sb.fingerprint);
    assert_string_not_equal(sa.fingerprint, sc.fingerprint);
    free(a);
    free(b);
    free(c);
}

/* A log that grew is read on from where it stopped. */
static void test_source__grown(void **state)
{
    struct fixture *f = *state;
    char *p = tu_write(f->dir, "access.log", lines3, 23);
    struct store_source src;
    char next[64];

    assert_int_equal(read_some(p, READER_HOLD_PARTIAL, &src, 0), 0);
    assert_int_equal(src.lines, 2);
    assert_int_equal(src.position, 23);
    free(tu_write(f->dir, "access.log", lines3, strlen(lines3)));
    assert_int_equal(resume_at(p, READER_HOLD_PARTIAL, &src, next,
                               sizeof(next)), SOURCE_RESUME_AT);
    assert_string_equal(next, "third line");
    /* Nothing new: resumed at the end. */
    read_some(p, READER_HOLD_PARTIAL, &src, 0);
    assert_int_equal(resume_at(p, READER_HOLD_PARTIAL, &src, next,
                               sizeof(next)), SOURCE_RESUME_AT);
    assert_string_equal(next, "");
    free(p);
}

/* Read as access.log, then rotated and compressed with a line more. */
static void test_source__rotated_gzipped(void **state)
{
    struct fixture *f = *state;
    char *p = tu_write(f->dir, "access.log", lines3, 23);
    char *gz = tu_write_gz(f->dir, "access.log.1.gz", lines3, strlen(lines3));
    struct store_source src;
    char next[64];

    read_some(p, READER_HOLD_PARTIAL, &src, 0);
    assert_int_equal(resume_at(gz, 0, &src, next, sizeof(next)),
                     SOURCE_RESUME_AT);
    assert_string_equal(next, "third line");
    /* A gzip file read whole, then met again as it was: done. */
    read_some(gz, 0, &src, 0);
    src.complete = 1;
    {
        struct bs_err err = {0};
        struct reader *r = reader_open(gz, 0, &err);

        assert_non_null(r);
        assert_true(source_done(&src, r));
        src.size++;
        assert_false(source_done(&src, r));
        reader_close(r);
    }
    free(p);
    free(gz);
}

/* The same first line, but not the same lines after: refused, plain or
 * gzip; a shorter copy of what was read: nothing to read. */
static void test_source__changed(void **state)
{
    struct fixture *f = *state;
    static const char other[] = "first line\nsecond LINE\nthird line\n";
    char *p = tu_write(f->dir, "access.log", lines3, strlen(lines3));
    char *q = tu_write(f->dir, "other.log", other, strlen(other));
    char *gz = tu_write_gz(f->dir, "other.log.gz", other, strlen(other));
    char *half = tu_write(f->dir, "half.log", lines3, 11);
    char *halfgz = tu_write_gz(f->dir, "half.log.gz", lines3, 11);
    struct store_source src;
    char next[64];

    read_some(p, READER_HOLD_PARTIAL, &src, 2);
    assert_int_equal(resume_at(q, READER_HOLD_PARTIAL, &src, next,
                               sizeof(next)), SOURCE_RESUME_CONFLICT);
    assert_int_equal(resume_at(gz, 0, &src, next, sizeof(next)),
                     SOURCE_RESUME_CONFLICT);
    assert_int_equal(resume_at(half, READER_HOLD_PARTIAL, &src, next,
                               sizeof(next)), SOURCE_RESUME_NOTHING);
    assert_int_equal(resume_at(halfgz, 0, &src, next, sizeof(next)),
                     SOURCE_RESUME_NOTHING);
    free(p);
    free(q);
    free(gz);
    free(half);
    free(halfgz);
}

/* A last line still being written is left for the next run. */
static void test_source__partial_last_line(void **state)
{
    struct fixture *f = *state;
    static const char grown[] = "first line\nsecond line\nthird li";
    char *p = tu_write(f->dir, "access.log", grown, strlen(grown));
    struct store_source src;
    char next[64];

    assert_int_equal(read_some(p, READER_HOLD_PARTIAL, &src, 0), 0);
    assert_int_equal(src.lines, 2);
    assert_int_equal(src.position, 23);
    free(tu_write(f->dir, "access.log", lines3, strlen(lines3)));
    assert_int_equal(resume_at(p, READER_HOLD_PARTIAL, &src, next,
                               sizeof(next)), SOURCE_RESUME_AT);
    assert_string_equal(next, "third line");
    free(p);
}

static void test_source__unchanged(void **state)
{
    struct store_source a, b;

    (void)state;
    memset(&a, 0, sizeof(a));
    snprintf(a.name, sizeof(a.name), "access.log");
    a.lines = 5;
    b = a;
    assert_true(source_unchanged(&a, &b));
    b.lines++;
    assert_false(source_unchanged(&a, &b));
    b = a;
    snprintf(b.name, sizeof(b.name), "access.log.1");
    assert_false(source_unchanged(&a, &b));
    b = a;
    snprintf(b.error, sizeof(b.error), "truncated");
    assert_false(source_unchanged(&a, &b));
}

/* ---- claims ---- */

struct claimer {
    struct source_claims *c;
    pthread_mutex_t mu;
    int released;              /* under mu: the main thread released fp */
    int saw_released;          /* the claimer's view once it held fp */
};

static const char fp1[] = "0123456789abcdef0123456789abcdef";
static const char fp2[] = "fedcba9876543210fedcba9876543210";

static void *claim_main(void *arg)
{
    struct claimer *t = arg;

    source_claim(t->c, fp1);
    pthread_mutex_lock(&t->mu);
    t->saw_released = t->released;
    pthread_mutex_unlock(&t->mu);
    source_release(t->c, fp1);
    return NULL;
}

/* Two workers, one fingerprint: the second holds it only after the
 * first let it go; another fingerprint is free meanwhile. */
static void test_source__claim(void **state)
{
    struct claimer t = {.c = source_claims_new()};
    pthread_t th;

    (void)state;
    pthread_mutex_init(&t.mu, NULL);
    source_claim(t.c, fp1);
    assert_true(source_claimed(t.c, fp1));
    assert_false(source_claimed(t.c, fp2));
    assert_int_equal(pthread_create(&th, NULL, claim_main, &t), 0);
    source_claim(t.c, fp2);
    assert_true(source_claimed(t.c, fp2));
    source_release(t.c, fp2);
    pthread_mutex_lock(&t.mu);
    t.released = 1;
    pthread_mutex_unlock(&t.mu);
    source_release(t.c, fp1);
    pthread_join(th, NULL);
    assert_int_equal(t.saw_released, 1);
    assert_false(source_claimed(t.c, fp1));
    pthread_mutex_destroy(&t.mu);
    source_claims_free(t.c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_source__fingerprint_is_first_line,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_source__grown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_source__rotated_gzipped, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_source__changed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_source__partial_last_line,
                                        setup, teardown),
        cmocka_unit_test(test_source__unchanged),
        cmocka_unit_test(test_source__claim),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
