/*
 * test_source.c - source.h: a log known by a keyed fingerprint of its
 * beginning and its site, found again grown or under an earlier
 * blogstat's fingerprint, read on from where it stopped (grown, rotated
 * and gzipped, still being written), refused when it differs, and
 * claimed by one worker at a time.
 *
 * Each test writes a small log, reads part of it as an ingest does
 * (marking the position after the last line counted), changes the log,
 * and resumes.
 */
#include "testsql.h"
#include "source.h"

#include <pthread.h>

static const unsigned char the_key[VISITOR_KEY_BYTES] = "0123456789abcdef";
static const struct source_keys keys = {the_key, NULL};

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
        if (src->lines == 0) {
            struct source_head h;

            source_head(&keys, r, &l, &h);
            snprintf(src->fingerprint, sizeof(src->fingerprint), "%s",
                     h.fingerprint);
            src->head_len = h.n;
        }
        src->lines++;
        source_mark(&keys, src, &l, start, reader_offset(r));
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

/* 1 when the log at path is known as src. */
static int is_src(const char *path, const struct store_source *src)
{
    struct source_head h;

    assert_int_equal(source_head_of(&keys, path, &h), 0);
    return source_head_matches(&keys, &h, src);
}

/* Open path and resume where src stopped: the enum
 * source_resume, and on SOURCE_RESUME_AT the next line into next
 * ("" at the end). */
static int resume_at(const char *path, int flags,
                     const struct store_source *src, char *next, size_t cap)
{
    struct bs_err err = {0};
    struct reader *r = reader_open(path, flags, &err);
    struct reader_line l;
    int rc;

    assert_non_null(r);
    assert_int_equal(reader_next(r, &l, &err), 1);
    rc = source_resume(&keys, r, src, &l, &err);
    assert_true(rc >= 0);
    next[0] = '\0';
    if (rc == SOURCE_RESUME_AT && reader_next(r, &l, &err) == 1)
        snprintf(next, cap, "%.*s", (int)l.n, l.p);
    reader_close(r);
    return rc;
}

static const char lines3[] = "first line\nsecond line\nthird line\n";

/* The fingerprint covers the first KiB, not the first line, with the
 * site and under the key; a gzip copy has the plain file's. */
static void test_source__fingerprint_is_the_head(void **state)
{
    struct fixture *f = *state;
    static const char probe[] = "1.2.3.4 - - [04/Feb/2013:06:25:01 +0100] "
                                "\"HEAD / HTTP/1.1\" 200 0 \"-\" \"up\"\n";
    char big[3000], other[3000];
    char *a, *b, *c, *gz;
    struct source_head ha, hb, hc, hg, h2;
    static const unsigned char key2[VISITOR_KEY_BYTES] = "fedcba9876543210";
    const struct source_keys site_b = {the_key, "b"}, other_key = {key2, NULL};

    snprintf(big, sizeof(big), "%s", probe);
    while (strlen(big) + 20 < sizeof(big))
        strcat(big, "a line of site a\n");
    snprintf(other, sizeof(other), "%sa line of site b\n", probe);
    a = tu_write(f->dir, "a", big, strlen(big));
    b = tu_write(f->dir, "b", other, strlen(other));
    c = tu_write(f->dir, "c", big, strlen(big));
    gz = tu_write_gz(f->dir, "a.gz", big, strlen(big));
    assert_int_equal(source_head_of(&keys, a, &ha), 0);
    assert_int_equal(source_head_of(&keys, b, &hb), 0);
    assert_int_equal(source_head_of(&keys, gz, &hg), 0);
    assert_int_equal(ha.n, SOURCE_HEAD_MAX);
    assert_int_equal(hb.n, (int)strlen(other));
    assert_int_equal(strlen(ha.fingerprint), 32);
    /* One first line, two logs. */
    assert_string_not_equal(ha.fingerprint, hb.fingerprint);
    assert_string_equal(ha.claim, hb.claim);
    assert_string_equal(ha.fingerprint, hg.fingerprint);
    /* The same bytes for two sites: two logs. */
    assert_int_equal(source_head_of(&site_b, c, &hc), 0);
    assert_string_not_equal(ha.fingerprint, hc.fingerprint);
    /* Another database's key: another fingerprint. */
    assert_int_equal(source_head_of(&other_key, c, &h2), 0);
    assert_string_not_equal(ha.fingerprint, h2.fingerprint);
    free(a);
    free(b);
    free(c);
    free(gz);
}

/* A store to find sources in. */
static struct store *store_in(const char *dir)
{
    struct bs_err err = {0};
    char *db = tu_path(dir, "a.db");
    struct store *s = store_open(db, STORE_WRITE, &err);

    assert_non_null(s);
    free(db);
    return s;
}

static void put(struct store *s, struct store_source *src)
{
    struct bs_err err = {0};

    assert_int_equal(store_begin(s, &err), 0);
    assert_int_equal(store_put_source(s, src, &err), 0);
    assert_int_equal(store_commit(s, &err), 0);
}

/* A log first seen short is found again as it grows, and its
 * fingerprint grows with it; another log beginning alike is not it. */
static void test_source__found_grown(void **state)
{
    struct fixture *f = *state;
    struct store *s = store_in(f->dir);
    char *p = tu_write(f->dir, "access.log", lines3, 23);
    char body[2048];
    struct store_source src, got;
    struct source_head h;
    struct bs_err err = {0};
    char next[64];

    read_some(p, READER_HOLD_PARTIAL, &src, 0);
    assert_int_equal(src.head_len, 23);
    put(s, &src);
    /* Grown past a KiB. */
    snprintf(body, sizeof(body), "%s", lines3);
    while (strlen(body) + 12 < sizeof(body))
        strcat(body, "more lines\n");
    free(tu_write(f->dir, "access.log", body, strlen(body)));
    assert_int_equal(source_head_of(&keys, p, &h), 0);
    assert_int_equal(source_find(s, &keys, &h, &got, &err), 1);
    assert_int_equal(got.id, src.id);
    assert_true(got.rekey);
    assert_int_equal(got.head_len, SOURCE_HEAD_MAX);
    assert_false(source_unchanged(&src, &got));
    assert_int_equal(resume_at(p, READER_HOLD_PARTIAL, &got, next,
                               sizeof(next)), SOURCE_RESUME_AT);
    assert_string_equal(next, "third line");
    put(s, &got);
    assert_int_equal(source_find(s, &keys, &h, &got, &err), 1);
    assert_false(got.rekey);
    /* Beginning as access.log did when first seen, then other lines: a
     * log of its own, now that access.log is known by its first KiB. */
    free(tu_write(f->dir, "other.log", "first line\nsecond line\nX\n", 25));
    {
        char *q = tu_path(f->dir, "other.log");

        assert_int_equal(source_head_of(&keys, q, &h), 0);
        assert_int_equal(source_find(s, &keys, &h, &got, &err), 0);
        assert_int_equal(got.id, 0);
        assert_string_equal(got.fingerprint, h.fingerprint);
        free(q);
    }
    store_close(s);
    free(p);
}

/* A source of an earlier blogstat (unkeyed first-line fingerprint and
 * check) is found once, read on from where it stopped, and written back
 * keyed. */
static void test_source__legacy(void **state)
{
    struct fixture *f = *state;
    struct store *s = store_in(f->dir);
    char *p = tu_write(f->dir, "access.log", lines3, strlen(lines3));
    struct store_source src, got;
    struct source_head h;
    struct bs_err err = {0};
    char next[64];

    memset(&src, 0, sizeof(src));
    snprintf(src.fingerprint, sizeof(src.fingerprint), "%016llx%016llx",
             (unsigned long long)bs_hash_seeded("first line", 10, 1),
             (unsigned long long)bs_hash_seeded("first line", 10, 2));
    snprintf(src.last_hash, sizeof(src.last_hash), "%016llx",
             (unsigned long long)bs_hash_seeded("second line", 11, 3));
    snprintf(src.name, sizeof(src.name), "access.log");
    src.position = 23;
    src.last_len = 12;
    src.lines = 2;
    src.head_len = -1;
    put(s, &src);
    {
        char *db = tu_path(f->dir, "a.db");

        assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM sources "
                                        "WHERE head_len IS NULL"), 1);
        free(db);
    }
    assert_int_equal(source_head_of(&keys, p, &h), 0);
    assert_int_equal(source_find(s, &keys, &h, &got, &err), 1);
    assert_true(got.rekey);
    assert_string_equal(got.fingerprint, h.fingerprint);
    assert_true(source_holds(&keys, p, &src));
    assert_int_equal(resume_at(p, READER_HOLD_PARTIAL, &got, next,
                               sizeof(next)), SOURCE_RESUME_AT);
    assert_string_equal(next, "third line");
    put(s, &got);
    /* Keyed now: found by its fingerprint, the unkeyed one gone. */
    assert_int_equal(store_find_source(s, src.fingerprint, &got, &err), 0);
    assert_int_equal(source_find(s, &keys, &h, &got, &err), 1);
    assert_false(got.rekey);
    assert_int_equal(got.head_len, (int)strlen(lines3));
    store_close(s);
    free(p);
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
    assert_true(is_src(p, &src));
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
    assert_true(is_src(gz, &src));
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

/* The same first line, but not the same lines after: another log by its
 * fingerprint, and refused if read on, plain or gzip; a shorter copy of
 * what was read: nothing to read. */
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
    assert_false(is_src(q, &src));
    assert_false(is_src(gz, &src));
    assert_false(is_src(half, &src));
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
    /* A fingerprint to write back: changed. */
    b = a;
    b.rekey = 1;
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
        cmocka_unit_test_setup_teardown(test_source__fingerprint_is_the_head,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_source__found_grown, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_source__legacy, setup,
                                        teardown),
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
