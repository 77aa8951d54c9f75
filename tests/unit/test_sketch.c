/*
 * test_sketch.c - sketch.h: the mergeable distinct count behind visitors.
 *
 * Elements are well-mixed 64-bit hashes, as visitor.h makes them: here the
 * SplitMix64 finalizer of (seed, counter), so that a seed picks a set and
 * the same (seed, i) is the same element in any sketch.
 */
#include "testutil.h"
#include "sketch.h"
#include "tusketch.h"

#include <math.h>

/* ---- helpers ---------------------------------------------------------- */

static double rel_err(uint64_t est, uint64_t truth)
{
    return ((double)est - (double)truth) / (double)truth;
}

/* The serialization of s, for byte comparisons. */
struct blob {
    unsigned char *b;
    size_t n;
};

static struct blob ser(const struct sketch *s)
{
    struct blob b;

    b.b = sketch_serialize(s, &b.n);
    assert_non_null(b.b);
    assert_true(b.n >= 5);
    return b;
}

static int blob_eq(struct blob a, struct blob b)
{
    return a.n == b.n && memcmp(a.b, b.b, a.n) == 0;
}

/* s and t hold the same set: same bytes, same count. */
static void assert_same(const struct sketch *s, const struct sketch *t)
{
    struct blob a = ser(s), b = ser(t);

    if (!blob_eq(a, b))
        fail_msg("sketches differ: %zu and %zu bytes, counts %llu and %llu",
                 a.n, b.n, (unsigned long long)sketch_count(s),
                 (unsigned long long)sketch_count(t));
    assert_int_equal(sketch_count(s), sketch_count(t));
    free(a.b);
    free(b.b);
}

static int is_dense(const struct sketch *s)
{
    struct blob b = ser(s);
    int dense = b.b[0] == 2;

    assert_true(b.b[0] == 1 || b.b[0] == 2);
    assert_int_equal(b.n, dense ? 1 + SKETCH_M : 5 + sketch_count(s) * 8);
    free(b.b);
    return dense;
}

/* ---- exact while small ------------------------------------------------ */

static void test_sketch__empty(void **state)
{
    struct sketch *s = sketch_new();
    struct blob b;

    (void)state;
    assert_true(sketch_empty(s));
    assert_int_equal(sketch_count(s), 0);
    b = ser(s);
    assert_int_equal(b.n, 5);
    assert_int_equal(b.b[0], 1);
    assert_int_equal(b.b[1] | b.b[2] | b.b[3] | b.b[4], 0);
    free(b.b);
    sketch_free(s);
    sketch_free(NULL);       /* a no-op */
}

static void test_sketch__exact_small(void **state)
{
    static const uint64_t ns[] = {1, 2, 3, 7, 8, 9, 100, 1023, 1024, 1025,
                                  2046, 2047, 2048};

    (void)state;
    for (size_t k = 0; k < ARRAY_SIZE(ns); k++) {
        struct sketch *s = range(1, 0, ns[k]);

        assert_false(sketch_empty(s));
        assert_int_equal(sketch_count(s), ns[k]);
        assert_false(is_dense(s));
        /* Counting twice changes nothing. */
        assert_int_equal(sketch_count(s), ns[k]);
        sketch_free(s);
    }
}

/* The extreme hashes are elements like any other. */
static void test_sketch__zero_and_max_hash(void **state)
{
    struct sketch *s = sketch_new();

    (void)state;
    sketch_add(s, 0);
    assert_false(sketch_empty(s));
    assert_int_equal(sketch_count(s), 1);
    sketch_add(s, 0);
    assert_int_equal(sketch_count(s), 1);
    sketch_add(s, UINT64_MAX);
    sketch_add(s, 1);
    sketch_add(s, UINT64_MAX);
    assert_int_equal(sketch_count(s), 3);
    sketch_free(s);
}

/* Repeats count once, however they are interleaved with new elements and
 * counts (which sort the list). */
static void test_sketch__duplicates(void **state)
{
    struct sketch *s = sketch_new();

    (void)state;
    for (int round = 0; round < 5; round++) {
        for (uint64_t i = 0; i < 1000; i++) {
            sketch_add(s, elem(2, (i * 7919 + (uint64_t)round) % 1000));
            if (i % 333 == 0)
                assert_int_equal(sketch_count(s), round ? 1000 : i + 1);
        }
        assert_int_equal(sketch_count(s), 1000);
    }
    /* One element a million times. */
    sketch_clear(s);
    for (int i = 0; i < 1000000; i++)
        sketch_add(s, 42);
    assert_int_equal(sketch_count(s), 1);
    sketch_free(s);
}

/* 2048 distinct, then each of them again and again: still exact and
 * sparse (the repeats fill the list's spare room many times). */
static void test_sketch__2048_with_repeats(void **state)
{
    struct sketch *s = range(3, 0, 2048);

    (void)state;
    for (int round = 0; round < 4; round++)
        for (uint64_t i = 2048; i-- > 0;)
            sketch_add(s, elem(3, i));
    assert_int_equal(sketch_count(s), 2048);
    assert_false(is_dense(s));
    /* One more makes it a HyperLogLog. */
    sketch_add(s, elem(3, 2048));
    assert_true(is_dense(s));
    assert_true(fabs(rel_err(sketch_count(s), 2049)) < 0.02);
    sketch_free(s);
}

/* Past SKETCH_SPARSE_MAX the count is an estimate, the same one whatever
 * the order the elements came in: 2049..4095 distinct added once each
 * used to stay an exact list in memory while the same set with a repeat,
 * or serialized, was an estimate. */
static void test_sketch__past_sparse_max(void **state)
{
    static const uint64_t ns[] = {2049, 2050, 2100, 3000, 4095, 4096, 4097,
                                  6000};

    (void)state;
    for (size_t k = 0; k < ARRAY_SIZE(ns); k++) {
        struct sketch *once = range(4, 0, ns[k]);
        struct sketch *twice = range(4, 0, ns[k]);
        struct sketch *rev = sketch_new();
        struct sketch *back = sketch_new();
        struct blob b;
        uint64_t c;

        for (uint64_t i = 0; i < ns[k]; i += 3)
            sketch_add(twice, elem(4, i));
        for (uint64_t i = ns[k]; i-- > 0;)
            sketch_add(rev, elem(4, i));
        /* Counted before anything is serialized, too. */
        c = sketch_count(once);
        assert_int_equal(sketch_count(twice), c);
        assert_int_equal(sketch_count(rev), c);
        b = ser(once);
        assert_int_equal(b.n, 1 + SKETCH_M);
        assert_int_equal(sketch_merge_blob(back, b.b, b.n), 0);
        free(b.b);
        assert_true(fabs(rel_err(sketch_count(once), ns[k])) < 0.02);
        assert_int_equal(sketch_count(back), c);
        assert_same(once, twice);
        assert_same(once, rev);
        assert_same(once, back);
        sketch_free(once);
        sketch_free(twice);
        sketch_free(rev);
        sketch_free(back);
    }
}

/* ---- the error once dense --------------------------------------------- */

/*
 * The standard error of a HyperLogLog of m = 2^14 registers is
 * 1.04 / sqrt(m) = 0.81%. The header promises "within 2% at 10,000"
 * (2.5 sigma); for 10^5 and 10^6 we allow 3%, well above 3 sigma (2.4%),
 * so that the test fails for a bias or a broken estimator, not for bad
 * luck. The seeds are fixed, so the test is deterministic; a few of them
 * keep one lucky set from hiding a bias.
 */
static void check_error(uint64_t n, double bound, int nseeds)
{
    double sum = 0;

    for (int seed = 0; seed < nseeds; seed++) {
        struct sketch *s = range(100 + (uint32_t)seed, 0, n);
        uint64_t c = sketch_count(s);
        double e = rel_err(c, n);

        if (fabs(e) >= bound)
            fail_msg("%llu distinct (seed %d): estimate %llu, error %.2f%% "
                     "(bound %.1f%%)", (unsigned long long)n, seed,
                     (unsigned long long)c, e * 100, bound * 100);
        sum += e;
        sketch_free(s);
    }
    /* The mean of the seeds: a bias shows even when each is in bounds. */
    if (fabs(sum / nseeds) >= bound / 2)
        fail_msg("%llu distinct: mean error %.2f%% over %d seeds",
                 (unsigned long long)n, sum / nseeds * 100, nseeds);
}

static void test_sketch__error_1e4(void **state)
{
    (void)state;
    check_error(10000, 0.02, 8);
}

static void test_sketch__error_1e5(void **state)
{
    (void)state;
    check_error(100000, 0.03, 4);
}

static void test_sketch__error_1e6(void **state)
{
    (void)state;
    check_error(1000000, 0.03, 2);
}

/*
 * Where the classic estimator switched from linear counting to the raw
 * estimate (2.5 m = 40,960) the raw estimate is biased: it read +1.6% on
 * average at 45,000, +4% at worst at 41,000 (checked over 100 seeds). The
 * whole range holds the same bound.
 */
static void test_sketch__error_across_range(void **state)
{
    static const uint64_t ns[] = {3000, 5000, 20000, 30000, 40000, 41000,
                                  43000, 45000, 50000, 60000, 80000};

    (void)state;
    for (size_t k = 0; k < ARRAY_SIZE(ns); k++)
        check_error(ns[k], 0.03, 6);
}

/* ---- merge ------------------------------------------------------------ */

/* a and b of seed 5: [a0, a1) and [b0, b1); their merge in both orders is
 * the sketch of the union built directly. */
static void check_union(uint64_t a0, uint64_t a1, uint64_t b0, uint64_t b1)
{
    uint64_t lo = a0 < b0 ? a0 : b0, hi = a1 > b1 ? a1 : b1;
    struct sketch *a = range(5, a0, a1), *b = range(5, b0, b1);
    struct sketch *ab = range(5, a0, a1), *ba = range(5, b0, b1);
    struct sketch *u = range(5, lo, hi);

    /* The test's ranges overlap or touch: the union is [lo, hi). */
    assert_true(a1 >= b0 && b1 >= a0);
    sketch_merge(ab, b);
    sketch_merge(ba, a);
    assert_same(ab, u);
    assert_same(ba, u);
    if (hi - lo <= SKETCH_SPARSE_MAX)
        assert_int_equal(sketch_count(ab), hi - lo);
    else
        assert_true(fabs(rel_err(sketch_count(ab), hi - lo)) < 0.03);
    /* The operands are untouched. */
    if (a1 - a0 <= SKETCH_SPARSE_MAX)
        assert_int_equal(sketch_count(a), a1 - a0);
    if (b1 - b0 <= SKETCH_SPARSE_MAX)
        assert_int_equal(sketch_count(b), b1 - b0);
    sketch_free(a);
    sketch_free(b);
    sketch_free(ab);
    sketch_free(ba);
    sketch_free(u);
}

static void test_sketch__merge_sparse_sparse(void **state)
{
    (void)state;
    check_union(0, 10, 5, 15);          /* overlap */
    check_union(0, 10, 0, 10);          /* the same set */
    check_union(0, 10, 3, 7);           /* one inside the other */
    check_union(0, 1000, 1000, 2048);   /* to exactly 2048 */
    check_union(0, 1500, 1000, 2500);   /* beyond: becomes dense */
    check_union(0, 2048, 2000, 2049);
}

static void test_sketch__merge_sparse_dense(void **state)
{
    (void)state;
    check_union(0, 100, 50, 20000);
    check_union(0, 20000, 19990, 20010);
    check_union(0, 3000, 2990, 3010);
}

static void test_sketch__merge_dense_dense(void **state)
{
    (void)state;
    check_union(0, 30000, 20000, 50000);
    check_union(0, 100000, 0, 100000);
}

static void test_sketch__merge_empty(void **state)
{
    struct sketch *e = sketch_new(), *s = range(6, 0, 50);
    struct sketch *d = range(6, 0, 5000), *e2 = sketch_new();
    struct sketch *ref = range(6, 0, 50), *dref = range(6, 0, 5000);

    (void)state;
    sketch_merge(s, e);
    assert_same(s, ref);
    sketch_merge(d, e);
    assert_same(d, dref);
    sketch_merge(e, s);
    assert_same(e, ref);
    sketch_merge(e2, d);
    assert_same(e2, dref);
    sketch_free(e);
    sketch_free(e2);
    sketch_free(s);
    sketch_free(d);
    sketch_free(ref);
    sketch_free(dref);
}

/* The union of a set with itself is the set. */
static void test_sketch__merge_self(void **state)
{
    static const uint64_t ns[] = {0, 3, 7, 8, 9, 2047, 2048, 3000, 50000};

    (void)state;
    for (size_t k = 0; k < ARRAY_SIZE(ns); k++) {
        struct sketch *s = range(7, 0, ns[k]), *ref = range(7, 0, ns[k]);

        sketch_merge(s, s);
        assert_same(s, ref);
        sketch_merge(s, s);
        assert_same(s, ref);
        sketch_free(s);
        sketch_free(ref);
    }
}

/* Ten parts of one set merged in three orders, some through blobs. */
static void test_sketch__merge_order(void **state)
{
    enum { PARTS = 10 };
    static const uint64_t sizes[] = {100, 300, 5000};

    (void)state;
    for (size_t k = 0; k < ARRAY_SIZE(sizes); k++) {
        struct sketch *part[PARTS];
        struct sketch *fwd = sketch_new(), *rev = sketch_new();
        struct sketch *odd = sketch_new(), *all;
        uint64_t per = sizes[k];

        /* Part i holds [i * per / 2, i * per / 2 + per): halves overlap. */
        for (int i = 0; i < PARTS; i++)
            part[i] = range(8, (uint64_t)i * per / 2,
                            (uint64_t)i * per / 2 + per);
        all = range(8, 0, (PARTS - 1) * per / 2 + per);
        for (int i = 0; i < PARTS; i++)
            sketch_merge(fwd, part[i]);
        for (int i = PARTS; i-- > 0;) {
            struct blob b = ser(part[i]);

            assert_int_equal(sketch_merge_blob(rev, b.b, b.n), 0);
            free(b.b);
        }
        for (int i = 1; i < PARTS; i += 2)
            sketch_merge(odd, part[i]);
        for (int i = 0; i < PARTS; i += 2)
            sketch_merge(odd, part[i]);
        assert_same(fwd, all);
        assert_same(rev, all);
        assert_same(odd, all);
        if ((PARTS - 1) * per / 2 + per <= SKETCH_SPARSE_MAX)
            assert_int_equal(sketch_count(fwd),
                             (PARTS - 1) * per / 2 + per);
        for (int i = 0; i < PARTS; i++)
            sketch_free(part[i]);
        sketch_free(fwd);
        sketch_free(rev);
        sketch_free(odd);
        sketch_free(all);
    }
}

/* ---- blobs ------------------------------------------------------------ */

static void test_sketch__blob_round_trip(void **state)
{
    static const uint64_t ns[] = {0, 1, 3, 2048, 2049, 10000, 200000};

    (void)state;
    for (size_t k = 0; k < ARRAY_SIZE(ns); k++) {
        struct sketch *s = range(9, 0, ns[k]), *t = sketch_new();
        struct blob b = ser(s), c;

        assert_int_equal(b.b[0], ns[k] <= SKETCH_SPARSE_MAX ? 1 : 2);
        assert_int_equal(sketch_merge_blob(t, b.b, b.n), 0);
        c = ser(t);
        assert_true(blob_eq(b, c));
        assert_int_equal(sketch_count(t), sketch_count(s));
        /* Counted in place, the blob gives the sketch's count. */
        {
            uint64_t n = 7;

            assert_int_equal(sketch_blob_count(b.b, b.n, &n), 0);
            assert_int_equal(n, sketch_count(s));
        }
        assert_int_equal(sketch_empty(t), ns[k] == 0);
        if (ns[k] <= SKETCH_SPARSE_MAX)
            assert_int_equal(sketch_count(t), ns[k]);
        /* Merging the blob again changes nothing. */
        assert_int_equal(sketch_merge_blob(t, b.b, b.n), 0);
        free(c.b);
        c = ser(t);
        assert_true(blob_eq(b, c));
        free(b.b);
        free(c.b);
        sketch_free(s);
        sketch_free(t);
    }
}

/* A blob merged into an empty sketch is its list as it is; what comes
 * after it merges as into any sketch, sparse or past SKETCH_SPARSE_MAX. */
static void test_sketch__merge_into_empty(void **state)
{
    static const uint64_t ns[] = {0, 1, 7, 2000, 2048};

    (void)state;
    for (size_t k = 0; k < ARRAY_SIZE(ns); k++) {
        struct sketch *a = range(13, 0, ns[k]), *t = sketch_new();
        struct sketch *b = range(13, ns[k] / 2, ns[k] + 40);
        struct sketch *want = range(13, 0, ns[k] + 40);
        struct blob ab = ser(a), bb = ser(b), got, wb;

        assert_int_equal(sketch_merge_blob(t, ab.b, ab.n), 0);
        assert_int_equal(sketch_count(t), ns[k]);
        for (uint64_t i = ns[k]; i < ns[k] + 3; i++)
            sketch_add(t, elem(13, i));
        assert_int_equal(sketch_merge_blob(t, bb.b, bb.n), 0);
        got = ser(t);
        wb = ser(want);
        assert_true(blob_eq(got, wb));
        assert_int_equal(sketch_count(t), sketch_count(want));
        free(ab.b);
        free(bb.b);
        free(got.b);
        free(wb.b);
        sketch_free(a);
        sketch_free(b);
        sketch_free(t);
        sketch_free(want);
    }
}

/* The sparse blob is little-endian: count, then the hashes ascending. */
static void test_sketch__blob_format(void **state)
{
    struct sketch *s = sketch_new();
    struct blob b;
    static const unsigned char want[] = {
        1, 3, 0, 0, 0,
        0x01, 0, 0, 0, 0, 0, 0, 0,
        0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    };

    (void)state;
    sketch_add(s, UINT64_MAX);
    sketch_add(s, 0x0102030405060708ull);
    sketch_add(s, 1);
    sketch_add(s, 1);
    b = ser(s);
    assert_int_equal(b.n, sizeof(want));
    assert_memory_equal(b.b, want, sizeof(want));
    free(b.b);
    sketch_free(s);
}

/* A post read by 3 people costs bytes, not kilobytes. */
static void test_sketch__small_is_small(void **state)
{
    struct sketch *s = range(10, 0, 3), *d = range(10, 0, 5000);
    struct blob b = ser(s);

    (void)state;
    assert_int_equal(b.n, 5 + 3 * 8);
    assert_true(b.n < 64);
    assert_true(sketch_memory(s) < 256);
    /* Dense: the registers, once. */
    assert_true(sketch_memory(d) >= SKETCH_M);
    assert_true(sketch_memory(d) < 2 * SKETCH_M);
    free(b.b);
    sketch_free(s);
    sketch_free(d);
}

/* Each bad blob is refused and leaves the sketch as it was. */
static void check_rejects(const unsigned char *bad, size_t n,
                          const char *what)
{
    static const uint64_t ns[] = {0, 5, 3000};

    for (size_t k = 0; k < ARRAY_SIZE(ns); k++) {
        struct sketch *s = range(11, 0, ns[k]);
        struct blob before = ser(s), after;

        uint64_t count = 42;

        if (sketch_merge_blob(s, bad, n) != -1)
            fail_msg("%s (%zu bytes) was accepted", what, n);
        if (sketch_blob_count(bad, n, &count) != -1 || count != 42)
            fail_msg("%s (%zu bytes) was counted", what, n);
        after = ser(s);
        if (!blob_eq(before, after))
            fail_msg("%s changed the sketch", what);
        free(before.b);
        free(after.b);
        sketch_free(s);
    }
}

static void put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++, v >>= 8)
        p[i] = (unsigned char)v;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

/*
 * The sparse list is the sorted distinct set, whatever the hashes look
 * like: uniform ones, ones that share their top 16 bits (a long run for
 * the sort's first passes), small ones, repeats, added in any order.
 */
static void test_sketch__sparse_sorted(void **state)
{
    uint64_t *want = xmalloc(2048 * sizeof(*want));

    (void)state;
    /* k: uniform, one top 16 bits, small */
    for (size_t k = 0; k < 3; k++)
        for (uint32_t n = 1; n <= 2048; n = n * 3 + 1) {
            struct sketch *s = sketch_new();
            struct blob b;
            size_t m = 0;

            for (uint32_t i = 0; i < 2 * n; i++) {
                uint64_t h = elem(k == 0 ? 7 : 8, i % n);

                if (k == 1)
                    h = 0xabcd000000000000ull | (h >> 16);
                else if (k == 2)
                    h = i % n * 3;
                sketch_add(s, h);
                if (i < n)
                    want[m++] = h;
            }
            qsort(want, m, sizeof(*want), cmp_u64);
            b = ser(s);
            assert_int_equal(b.n, 5 + 8 * (size_t)n);
            assert_int_equal(b.b[0], 1);
            for (uint32_t i = 0; i < n; i++) {
                uint64_t v = 0;

                for (int j = 7; j >= 0; j--)
                    v = v << 8 | b.b[5 + (size_t)i * 8 + (size_t)j];
                if (v != want[i])
                    fail_msg("shape %zu, n %u: hash %u is %llx, not %llx", k,
                             n, i, (unsigned long long)v,
                             (unsigned long long)want[i]);
            }
            free(b.b);
            sketch_free(s);
        }
    free(want);
}

static void test_sketch__blob_rejects(void **state)
{
    struct sketch *src = range(12, 0, 3), *dsrc = range(12, 0, 5000);
    struct blob sp = ser(src), de = ser(dsrc);
    unsigned char *buf = xcalloc(1, de.n + 16);
    unsigned char big[5 + (SKETCH_SPARSE_MAX + 1) * 8];

    (void)state;
    check_rejects(NULL, 0, "nothing");
    check_rejects((const unsigned char *)"", 0, "an empty blob");
    check_rejects((const unsigned char *)"\x01", 1, "a kind alone");
    check_rejects((const unsigned char *)"\x01\x00\x00\x00", 4,
                  "a short count");
    check_rejects((const unsigned char *)"garbage!garbage!", 16, "text");
    /* Wrong kinds. */
    memcpy(buf, sp.b, sp.n);
    buf[0] = 0;
    check_rejects(buf, sp.n, "kind 0");
    buf[0] = 3;
    check_rejects(buf, sp.n, "kind 3");
    buf[0] = 2;
    check_rejects(buf, sp.n, "a sparse body of kind dense");
    memcpy(buf, de.b, de.n);
    buf[0] = 1;
    check_rejects(buf, de.n, "a dense body of kind sparse");
    /* Truncated or too long. */
    check_rejects(sp.b, sp.n - 1, "a truncated sparse blob");
    check_rejects(sp.b, sp.n - 8, "a sparse blob missing a hash");
    memcpy(buf, sp.b, sp.n);
    check_rejects(buf, sp.n + 1, "a sparse blob with a byte more");
    check_rejects(de.b, de.n - 1, "a truncated dense blob");
    check_rejects(de.b, 1, "a dense kind alone");
    memcpy(buf, de.b, de.n);
    buf[de.n] = 0;
    check_rejects(buf, de.n + 1, "a dense blob with a byte more");
    /* A count that overflows 32-bit arithmetic of count * 8. */
    memcpy(buf, sp.b, sp.n);
    buf[1] = 0x03;
    buf[2] = buf[3] = 0;
    buf[4] = 0x20;
    check_rejects(buf, sp.n, "a huge count");
    /* A register no 64-bit hash can give (64 - 14 + 1 = 51 at most). */
    memcpy(buf, de.b, de.n);
    buf[1 + SKETCH_M / 2] = 52;
    check_rejects(buf, de.n, "register 52");
    buf[1 + SKETCH_M - 1] = 255;
    check_rejects(buf, de.n, "register 255");
    /* Hashes out of order, or repeated: not a serialized sketch. */
    memcpy(buf, sp.b, sp.n);
    memcpy(buf + 5, sp.b + 13, 8);
    memcpy(buf + 13, sp.b + 5, 8);
    check_rejects(buf, sp.n, "hashes out of order");
    memcpy(buf, sp.b, sp.n);
    memcpy(buf + 13, sp.b + 5, 8);
    check_rejects(buf, sp.n, "a repeated hash");
    /* More hashes than a sparse sketch holds. */
    big[0] = 1;
    big[1] = (unsigned char)((SKETCH_SPARSE_MAX + 1) & 0xff);
    big[2] = (unsigned char)((SKETCH_SPARSE_MAX + 1) >> 8);
    big[3] = big[4] = 0;
    {
        /* Well-mixed hashes, in order: elem(16, i) sorted. */
        uint64_t *h = xmalloc((SKETCH_SPARSE_MAX + 1) * sizeof(*h));

        for (uint64_t i = 0; i <= SKETCH_SPARSE_MAX; i++)
            h[i] = elem(16, i);
        qsort(h, SKETCH_SPARSE_MAX + 1, sizeof(*h), cmp_u64);
        for (uint64_t i = 0; i <= SKETCH_SPARSE_MAX; i++)
            put_u64(big + 5 + i * 8, h[i]);
        free(h);
    }
    check_rejects(big, sizeof(big), "a list of 2049");
    /* The valid blobs still go in. */
    {
        struct sketch *t = sketch_new();

        assert_int_equal(sketch_merge_blob(t, sp.b, sp.n), 0);
        assert_int_equal(sketch_merge_blob(t, big, sizeof(big) - 8), -1);
        big[1] = (unsigned char)(SKETCH_SPARSE_MAX & 0xff);
        big[2] = (unsigned char)(SKETCH_SPARSE_MAX >> 8);
        assert_int_equal(sketch_merge_blob(t, big, sizeof(big) - 8), 0);
        assert_true(fabs(rel_err(sketch_count(t), 2048 + 3)) < 0.02);
        sketch_free(t);
    }
    /* Registers at the maximum, 51, are valid. */
    memcpy(buf, de.b, de.n);
    buf[1] = 64 - SKETCH_P + 1;
    {
        struct sketch *t = sketch_new();

        assert_int_equal(sketch_merge_blob(t, buf, de.n), 0);
        assert_false(sketch_empty(t));
        sketch_free(t);
    }
    free(buf);
    free(sp.b);
    free(de.b);
    sketch_free(src);
    sketch_free(dsrc);
}

/* An all-zero dense blob is an empty set. */
static void test_sketch__dense_empty(void **state)
{
    unsigned char *z = xcalloc(1, 1 + SKETCH_M);
    struct sketch *s = sketch_new(), *t = range(13, 0, 10);

    (void)state;
    z[0] = 2;
    assert_int_equal(sketch_merge_blob(s, z, 1 + SKETCH_M), 0);
    assert_true(sketch_empty(s));
    assert_int_equal(sketch_count(s), 0);
    /* Merged into a sparse one: the elements stay, estimated. */
    assert_int_equal(sketch_merge_blob(t, z, 1 + SKETCH_M), 0);
    assert_false(sketch_empty(t));
    assert_int_equal(sketch_count(t), 10);
    free(z);
    sketch_free(s);
    sketch_free(t);
}

/* ---- clear ------------------------------------------------------------ */

static void test_sketch__clear(void **state)
{
    static const uint64_t ns[] = {0, 5, 2048, 50000};

    (void)state;
    for (size_t k = 0; k < ARRAY_SIZE(ns); k++) {
        struct sketch *s = range(14, 0, ns[k]), *ref = range(14, 100, 110);
        struct blob b;

        sketch_clear(s);
        assert_true(sketch_empty(s));
        assert_int_equal(sketch_count(s), 0);
        b = ser(s);
        assert_int_equal(b.n, 5);
        free(b.b);
        /* It is reused as a new sketch. */
        for (uint64_t i = 100; i < 110; i++)
            sketch_add(s, elem(14, i));
        assert_same(s, ref);
        assert_int_equal(sketch_count(s), 10);
        sketch_clear(s);
        sketch_clear(s);
        assert_true(sketch_empty(s));
        sketch_free(s);
        sketch_free(ref);
    }
}

/* ---- a year of days --------------------------------------------------- */

/*
 * 365 daily sketches: a core of returning readers, each coming on some
 * days, and new readers every day. Their union, merged from the stored
 * blobs as a range query does, is compared with the true number of
 * people: exact while that is under SKETCH_SPARSE_MAX, within 3% past it.
 */
static void check_year(uint64_t core, uint64_t per_day_new, int every)
{
    enum { DAYS = 365 };
    struct blob day[DAYS];
    struct sketch *fwd = sketch_new(), *rev = sketch_new();
    unsigned char *seen = xcalloc(1, core);
    uint64_t truth = 0, next_new = core;

    for (int d = 0; d < DAYS; d++) {
        struct sketch *s = sketch_new();

        /* Reader r of the core comes on day d when (r + d) % every == 0,
         * twice (two views). */
        for (uint64_t r = 0; r < core; r++)
            if ((r * 7 + (uint64_t)d) % (uint64_t)every == 0) {
                sketch_add(s, elem(15, r));
                sketch_add(s, elem(15, r));
                if (!seen[r])
                    truth++;
                seen[r] = 1;
            }
        for (uint64_t i = 0; i < per_day_new; i++)
            sketch_add(s, elem(15, next_new++));
        truth += per_day_new;
        day[d] = ser(s);
        sketch_free(s);
    }
    for (int d = 0; d < DAYS; d++)
        assert_int_equal(sketch_merge_blob(fwd, day[d].b, day[d].n), 0);
    for (int d = DAYS; d-- > 0;)
        assert_int_equal(sketch_merge_blob(rev, day[d].b, day[d].n), 0);
    assert_same(fwd, rev);
    if (truth <= SKETCH_SPARSE_MAX) {
        assert_int_equal(sketch_count(fwd), truth);
    } else if (fabs(rel_err(sketch_count(fwd), truth)) >= 0.03) {
        fail_msg("a year of %llu readers counted %llu",
                 (unsigned long long)truth,
                 (unsigned long long)sketch_count(fwd));
    }
    for (int d = 0; d < DAYS; d++)
        free(day[d].b);
    free(seen);
    sketch_free(fwd);
    sketch_free(rev);
}

static void test_sketch__year_small(void **state)
{
    (void)state;
    /* 300 regulars, each every 10th day, and 4 new a day: 1,760. */
    check_year(300, 4, 10);
}

static void test_sketch__year_large(void **state)
{
    (void)state;
    /* 5,000 regulars every 3rd day and 150 new a day: 59,750. */
    check_year(5000, 150, 3);
    /* Many regulars, few new: the days' sketches are dense. */
    check_year(40000, 10, 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sketch__empty),
        cmocka_unit_test(test_sketch__exact_small),
        cmocka_unit_test(test_sketch__zero_and_max_hash),
        cmocka_unit_test(test_sketch__duplicates),
        cmocka_unit_test(test_sketch__2048_with_repeats),
        cmocka_unit_test(test_sketch__past_sparse_max),
        cmocka_unit_test(test_sketch__error_1e4),
        cmocka_unit_test(test_sketch__error_1e5),
        cmocka_unit_test(test_sketch__error_1e6),
        cmocka_unit_test(test_sketch__error_across_range),
        cmocka_unit_test(test_sketch__merge_sparse_sparse),
        cmocka_unit_test(test_sketch__merge_sparse_dense),
        cmocka_unit_test(test_sketch__merge_dense_dense),
        cmocka_unit_test(test_sketch__merge_empty),
        cmocka_unit_test(test_sketch__merge_self),
        cmocka_unit_test(test_sketch__merge_order),
        cmocka_unit_test(test_sketch__blob_round_trip),
        cmocka_unit_test(test_sketch__merge_into_empty),
        cmocka_unit_test(test_sketch__blob_format),
        cmocka_unit_test(test_sketch__small_is_small),
        cmocka_unit_test(test_sketch__blob_rejects),
        cmocka_unit_test(test_sketch__sparse_sorted),
        cmocka_unit_test(test_sketch__dense_empty),
        cmocka_unit_test(test_sketch__clear),
        cmocka_unit_test(test_sketch__year_small),
        cmocka_unit_test(test_sketch__year_large),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
