/*
 * test_table.c - table.h: the string interning table (strtab) and the
 * counter map (cntmap).
 */
#include "testutil.h"
#include "table.h"

/* "k<i>" with a varying tail, so that keys have many lengths. */
static size_t key_of(uint32_t i, char *buf, size_t cap)
{
    int n = snprintf(buf, cap, "/%u/%.*s", i, (int)(i % 23),
                     "abcdefghijklmnopqrstuvwxyz");

    assert_true(n > 0 && (size_t)n < cap);
    return (size_t)n;
}

/* ---- strtab ---------------------------------------------------------- */

static void test_table__strtab_dense_ids(void **state)
{
    struct strtab *t = strtab_new();
    static const char *const keys[] = {"/a/", "/b/", "tag", "säkerhet",
                                       "/2013/02/07/x/"};
    int added = -1;

    (void)state;
    assert_int_equal(strtab_count(t), 0);
    for (uint32_t i = 0; i < ARRAY_SIZE(keys); i++) {
        assert_int_equal(strtab_intern(t, keys[i], strlen(keys[i]), &added),
                         i);
        assert_int_equal(added, 1);
        assert_int_equal(strtab_count(t), i + 1);
    }
    /* The same key again: the same id, nothing added. */
    for (uint32_t i = ARRAY_SIZE(keys); i-- > 0;) {
        added = -1;
        assert_int_equal(strtab_intern(t, keys[i], strlen(keys[i]), &added),
                         i);
        assert_int_equal(added, 0);
    }
    assert_int_equal(strtab_count(t), ARRAY_SIZE(keys));
    /* added may be NULL. */
    assert_int_equal(strtab_intern(t, "/c/", 3, NULL), ARRAY_SIZE(keys));
    assert_int_equal(strtab_intern(t, "/c/", 3, NULL), ARRAY_SIZE(keys));
    for (uint32_t i = 0; i < ARRAY_SIZE(keys); i++) {
        size_t n = 0;
        const char *k = strtab_key(t, i, &n);

        assert_int_equal(n, strlen(keys[i]));
        assert_string_equal(k, keys[i]);
        assert_int_equal(strtab_find(t, keys[i], strlen(keys[i])), i);
    }
    /* A prefix or an extension of a key is another key. */
    assert_int_equal(strtab_find(t, "/a", 2), -1);
    assert_int_equal(strtab_find(t, "/a/x", 4), -1);
    assert_int_equal(strtab_find(t, "absent", 6), -1);
    /* The key is a copy: the caller's buffer may change. */
    {
        char buf[8] = "/zz/";

        assert_int_equal(strtab_intern(t, buf, 4, NULL), ARRAY_SIZE(keys) + 1);
        buf[1] = 'y';
        assert_string_equal(strtab_key(t, ARRAY_SIZE(keys) + 1, NULL),
                            "/zz/");
        assert_int_equal(strtab_find(t, "/yz/", 4), -1);
    }
    assert_true(strtab_memory(t) > 0);
    strtab_free(t);
}

static void test_table__strtab_nul_and_empty_keys(void **state)
{
    struct strtab *t = strtab_new();
    int added;
    uint32_t e, z1, z2, a0, a0b, ab;
    size_t n;
    const char *k;

    (void)state;
    e = strtab_intern(t, "", 0, &added);
    assert_int_equal(e, 0);
    assert_int_equal(added, 1);
    z1 = strtab_intern(t, "\0", 1, &added);
    assert_int_equal(z1, 1);
    assert_int_equal(added, 1);
    z2 = strtab_intern(t, "\0\0", 2, &added);
    assert_int_equal(z2, 2);
    assert_int_equal(added, 1);
    a0 = strtab_intern(t, "a\0", 2, &added);
    assert_int_equal(a0, 3);
    assert_int_equal(added, 1);
    a0b = strtab_intern(t, "a\0b", 3, &added);
    assert_int_equal(a0b, 4);
    assert_int_equal(added, 1);
    ab = strtab_intern(t, "a\0c", 3, &added);
    assert_int_equal(ab, 5);
    assert_int_equal(added, 1);
    assert_int_equal(strtab_intern(t, "a", 1, &added), 6);
    assert_int_equal(added, 1);

    assert_int_equal(strtab_intern(t, "", 0, &added), e);
    assert_int_equal(added, 0);
    assert_int_equal(strtab_intern(t, "\0", 1, &added), z1);
    assert_int_equal(added, 0);
    assert_int_equal(strtab_intern(t, "a\0b", 3, &added), a0b);
    assert_int_equal(added, 0);
    assert_int_equal(strtab_find(t, "", 0), e);
    assert_int_equal(strtab_find(t, "\0\0", 2), z2);
    assert_int_equal(strtab_find(t, "\0\0\0", 3), -1);
    assert_int_equal(strtab_find(t, "a\0d", 3), -1);

    k = strtab_key(t, e, &n);
    assert_int_equal(n, 0);
    assert_int_equal(k[0], '\0');
    k = strtab_key(t, a0b, &n);
    assert_int_equal(n, 3);
    assert_memory_equal(k, "a\0b", 4);   /* and its terminating NUL */
    k = strtab_key(t, z2, &n);
    assert_int_equal(n, 2);
    assert_memory_equal(k, "\0\0\0", 3);
    assert_int_equal(strtab_count(t), 7);
    strtab_free(t);
}

static void test_table__strtab_growth_100k(void **state)
{
    enum { N = 100000 };
    struct strtab *t = strtab_new();
    char buf[64];
    size_t mem0 = strtab_memory(t);

    (void)state;
    for (uint32_t i = 0; i < N; i++) {
        size_t n = key_of(i, buf, sizeof(buf));
        int added = -1;
        uint32_t id = strtab_intern(t, buf, n, &added);

        if (id != i || added != 1)
            fail_msg("key %u: id %u added %d", i, id, added);
        /* Now and then, an old key again. */
        if (i % 997 == 0 && i > 0) {
            n = key_of(i / 2, buf, sizeof(buf));
            assert_int_equal(strtab_intern(t, buf, n, &added), i / 2);
            assert_int_equal(added, 0);
        }
    }
    assert_int_equal(strtab_count(t), N);
    assert_true(strtab_memory(t) > mem0);
    for (uint32_t i = 0; i < N; i++) {
        size_t n = key_of(i, buf, sizeof(buf)), kn = 0;
        const char *k = strtab_key(t, i, &kn);
        int added = -1;

        if (kn != n || memcmp(k, buf, n) != 0 || k[n] != '\0')
            fail_msg("id %u: key \"%s\", want \"%s\"", i, k, buf);
        if (strtab_find(t, buf, n) != (int64_t)i)
            fail_msg("find \"%s\" = %lld, want %u", buf,
                     (long long)strtab_find(t, buf, n), i);
        if (strtab_intern(t, buf, n, &added) != i || added != 0)
            fail_msg("re-intern \"%s\"", buf);
    }
    assert_int_equal(strtab_count(t), N);
    /* Absent keys stay absent in a big table. */
    for (uint32_t i = N; i < N + 1000; i++) {
        size_t n = key_of(i, buf, sizeof(buf));

        assert_int_equal(strtab_find(t, buf, n), -1);
    }
    strtab_free(t);
}

static void test_table__strtab_intern_hashed(void **state)
{
    struct strtab *t = strtab_new();
    int added;

    (void)state;
    assert_int_equal(strtab_intern_hashed(t, "abc", 3, bs_hash("abc", 3),
                                          &added), 0);
    assert_int_equal(added, 1);
    /* strtab_intern and strtab_find agree with the pre-hashed form. */
    assert_int_equal(strtab_intern(t, "abc", 3, &added), 0);
    assert_int_equal(added, 0);
    assert_int_equal(strtab_find(t, "abc", 3), 0);
    assert_int_equal(strtab_intern(t, "abd", 3, &added), 1);
    assert_int_equal(strtab_intern_hashed(t, "abd", 3, bs_hash("abd", 3),
                                          &added), 1);
    assert_int_equal(added, 0);
    strtab_free(t);
}

static void test_table__strtab_find_absent(void **state)
{
    struct strtab *t = strtab_new();

    (void)state;
    assert_int_equal(strtab_find(t, "", 0), -1);
    assert_int_equal(strtab_find(t, "x", 1), -1);
    strtab_intern(t, "x", 1, NULL);
    assert_int_equal(strtab_find(t, "x", 1), 0);
    assert_int_equal(strtab_find(t, "X", 1), -1);
    assert_int_equal(strtab_find(t, "", 0), -1);
    strtab_free(t);
}

static void test_table__strtab_clear(void **state)
{
    struct strtab *t = strtab_new();
    char buf[64];
    int added;

    (void)state;
    for (uint32_t i = 0; i < 1000; i++) {
        size_t n = key_of(i, buf, sizeof(buf));

        assert_int_equal(strtab_intern(t, buf, n, NULL), i);
    }
    strtab_clear(t);
    assert_int_equal(strtab_count(t), 0);
    for (uint32_t i = 0; i < 1000; i++) {
        size_t n = key_of(i, buf, sizeof(buf));

        assert_int_equal(strtab_find(t, buf, n), -1);
    }
    /* Ids restart at 0, in the new order. */
    for (uint32_t i = 0; i < 2000; i++) {
        size_t n = key_of(1999 - i, buf, sizeof(buf));

        assert_int_equal(strtab_intern(t, buf, n, &added), i);
        assert_int_equal(added, 1);
    }
    for (uint32_t i = 0; i < 2000; i++) {
        size_t n = key_of(1999 - i, buf, sizeof(buf)), kn;
        const char *k = strtab_key(t, i, &kn);

        assert_int_equal(kn, n);
        assert_memory_equal(k, buf, n);
        assert_int_equal(strtab_find(t, buf, n), i);
    }
    assert_int_equal(strtab_count(t), 2000);
    /* Clearing an empty and a just-cleared table is fine. */
    strtab_clear(t);
    strtab_clear(t);
    assert_int_equal(strtab_count(t), 0);
    assert_int_equal(strtab_intern(t, "", 0, &added), 0);
    assert_int_equal(added, 1);
    strtab_free(t);
    strtab_free(NULL);
}

/* ---- cntmap ---------------------------------------------------------- */

static void test_table__cntmap_add_get(void **state)
{
    struct cntmap *m = cntmap_new();

    (void)state;
    assert_int_equal(cntmap_count(m), 0);
    assert_int_equal(cntmap_get(m, 42), 0);
    cntmap_add(m, 42, 1);
    cntmap_add(m, 42, 2);
    cntmap_add(m, 7, 10);
    assert_int_equal(cntmap_get(m, 42), 3);
    assert_int_equal(cntmap_get(m, 7), 10);
    assert_int_equal(cntmap_get(m, 8), 0);
    assert_int_equal(cntmap_count(m), 2);
    /* Key 0 is an ordinary key. */
    assert_int_equal(cntmap_get(m, 0), 0);
    cntmap_add(m, 0, 5);
    assert_int_equal(cntmap_get(m, 0), 5);
    assert_int_equal(cntmap_count(m), 3);
    /* The biggest valid key, and a delta of 0 still creates the key. */
    cntmap_add(m, UINT64_MAX - 1, 9);
    assert_true(cntmap_get(m, UINT64_MAX - 1) == 9);
    cntmap_add(m, 99, 0);
    assert_int_equal(cntmap_count(m), 5);
    assert_int_equal(cntmap_get(m, 99), 0);
    /* Values are 64-bit. */
    cntmap_add(m, 1, UINT64_C(0x100000000));
    cntmap_add(m, 1, UINT64_C(0x100000000));
    assert_true(cntmap_get(m, 1) == UINT64_C(0x200000000));
    assert_true(cntmap_memory(m) > 0);
    cntmap_free(m);
    cntmap_free(NULL);
}

/* The keys the aggregation uses look like (day << 32 | id). */
static uint64_t ckey(uint32_t i)
{
    return i % 3 == 0 ? i : ((uint64_t)(15000 + i % 400) << 32) | (i / 3);
}

static void test_table__cntmap_growth_100k(void **state)
{
    enum { N = 100000 };
    struct cntmap *m = cntmap_new();

    (void)state;
    for (uint32_t i = 0; i < N; i++)
        cntmap_add(m, ckey(i), (uint64_t)i + 1);
    for (uint32_t i = 0; i < N; i += 2)
        cntmap_add(m, ckey(i), 1000000);
    assert_int_equal(cntmap_count(m), N);
    for (uint32_t i = 0; i < N; i++) {
        uint64_t want = (uint64_t)i + 1 + (i % 2 == 0 ? 1000000 : 0);

        if (cntmap_get(m, ckey(i)) != want)
            fail_msg("key %llu: %llu, want %llu",
                     (unsigned long long)ckey(i),
                     (unsigned long long)cntmap_get(m, ckey(i)),
                     (unsigned long long)want);
    }
    assert_int_equal(cntmap_get(m, (uint64_t)1 << 63), 0);
    cntmap_free(m);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

static void test_table__cntmap_iterate(void **state)
{
    enum { N = 100000 };
    struct cntmap *m = cntmap_new();
    uint64_t *seen = xcalloc(N, sizeof(*seen)), *want = xcalloc(N,
                                                                sizeof(*want));
    uint64_t key, value;
    size_t pos = 0, count = 0;

    (void)state;
    /* Nothing to visit in an empty map. */
    assert_int_equal(cntmap_next(m, &pos, &key, &value), 0);
    pos = 0;
    for (uint32_t i = 0; i < N; i++)
        cntmap_add(m, ckey(i), (uint64_t)i * 3 + 1);
    while (cntmap_next(m, &pos, &key, &value)) {
        assert_true(count < N);
        seen[count++] = key;
        /* The value belongs to the key: ckey(i) -> 3i + 1. */
        assert_true(value % 3 == 1);
        if (ckey((uint32_t)(value / 3)) != key)
            fail_msg("key %llu has value %llu", (unsigned long long)key,
                     (unsigned long long)value);
    }
    assert_int_equal(count, N);
    /* Each key exactly once. */
    for (uint32_t i = 0; i < N; i++)
        want[i] = ckey(i);
    qsort(seen, N, sizeof(*seen), cmp_u64);
    qsort(want, N, sizeof(*want), cmp_u64);
    assert_memory_equal(seen, want, N * sizeof(*seen));
    /* The end stays the end. */
    assert_int_equal(cntmap_next(m, &pos, &key, &value), 0);
    free(seen);
    free(want);
    cntmap_free(m);
}

static void test_table__cntmap_clear(void **state)
{
    struct cntmap *m = cntmap_new();
    size_t pos = 0;
    uint64_t key, value;

    (void)state;
    for (uint64_t k = 0; k < 5000; k++)
        cntmap_add(m, k, k + 1);
    assert_int_equal(cntmap_count(m), 5000);
    cntmap_clear(m);
    assert_int_equal(cntmap_count(m), 0);
    for (uint64_t k = 0; k < 5000; k++)
        assert_int_equal(cntmap_get(m, k), 0);
    assert_int_equal(cntmap_next(m, &pos, &key, &value), 0);
    /* Counting starts again from zero. */
    cntmap_add(m, 17, 4);
    cntmap_add(m, 17, 4);
    assert_int_equal(cntmap_get(m, 17), 8);
    assert_int_equal(cntmap_count(m), 1);
    pos = 0;
    assert_int_equal(cntmap_next(m, &pos, &key, &value), 1);
    assert_int_equal(key, 17);
    assert_int_equal(value, 8);
    assert_int_equal(cntmap_next(m, &pos, &key, &value), 0);
    cntmap_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table__strtab_dense_ids),
        cmocka_unit_test(test_table__strtab_nul_and_empty_keys),
        cmocka_unit_test(test_table__strtab_growth_100k),
        cmocka_unit_test(test_table__strtab_intern_hashed),
        cmocka_unit_test(test_table__strtab_find_absent),
        cmocka_unit_test(test_table__strtab_clear),
        cmocka_unit_test(test_table__cntmap_add_get),
        cmocka_unit_test(test_table__cntmap_growth_100k),
        cmocka_unit_test(test_table__cntmap_iterate),
        cmocka_unit_test(test_table__cntmap_clear),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
