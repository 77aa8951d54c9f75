/*
 * test_visitor.c - visitor.h: keyed SipHash identities of readers.
 */
#include "testutil.h"
#include "visitor.h"

/* The key of SipHash's reference vectors: bytes 00 01 ... 0f. */
static void ref_key(unsigned char key[VISITOR_KEY_BYTES])
{
    for (int i = 0; i < VISITOR_KEY_BYTES; i++)
        key[i] = (unsigned char)i;
}

static uint64_t id_of(const unsigned char *key, const char *addr,
                      const char *ua)
{
    return visitor_id(key, addr, strlen(addr), ua, strlen(ua));
}

/*
 * SipHash-2-4 of the reference key over address, a NUL, User-Agent; the
 * result read little-endian. With an empty address the message is 00,
 * then the User-Agent: 01 02 ... 0e gives the paper's vector for the 15
 * bytes 00..0e. Others were computed with a Python SipHash.
 */
static void test_visitor__known_answers(void **state)
{
    unsigned char key[VISITOR_KEY_BYTES];
    char ua[14];

    (void)state;
    ref_key(key);
    for (int i = 0; i < 14; i++)
        ua[i] = (char)(i + 1);
    assert_int_equal(visitor_id(key, "", 0, ua, sizeof(ua)),
                     0xa129ca6149be45e5ull);
    assert_int_equal(id_of(key, "192.0.2.1", "Mozilla/5.0"),
                     0x104f602119854f5bull);
    /* The day id hashes the id's 8 bytes, little-endian: 00 01 .. 07. */
    assert_int_equal(visitor_day_id(key, 0x0706050403020100ull),
                     0x93f5f5799a932462ull);
}

static void test_visitor__deterministic(void **state)
{
    unsigned char key[VISITOR_KEY_BYTES];
    char a1[] = "2001:db8::1", u1[] = "Mozilla/5.0 (X11; Linux x86_64)";
    char *a2 = xmemdup(a1, strlen(a1)), *u2 = xmemdup(u1, strlen(u1));

    (void)state;
    ref_key(key);
    /* The same bytes at other addresses, and from slices of a line. */
    assert_int_equal(id_of(key, a1, u1), id_of(key, a2, u2));
    {
        const char line[] = "2001:db8::1 - - \"Mozilla/5.0 (X11; Linux "
                            "x86_64)\"";

        assert_int_equal(visitor_id(key, line, 11, line + 17, strlen(u1)),
                         id_of(key, a1, u1));
    }
    free(a2);
    free(u2);
}

static void test_visitor__differs(void **state)
{
    unsigned char key[VISITOR_KEY_BYTES], k2[VISITOR_KEY_BYTES];
    uint64_t base;

    (void)state;
    ref_key(key);
    base = id_of(key, "192.0.2.1", "Mozilla/5.0");
    /* Another key: each bit of it matters. */
    for (int bit = 0; bit < VISITOR_KEY_BYTES * 8; bit++) {
        memcpy(k2, key, sizeof(k2));
        k2[bit / 8] ^= (unsigned char)(1u << (bit % 8));
        assert_int_not_equal(id_of(k2, "192.0.2.1", "Mozilla/5.0"), base);
    }
    /* Another address, another User-Agent. */
    assert_int_not_equal(id_of(key, "192.0.2.2", "Mozilla/5.0"), base);
    assert_int_not_equal(id_of(key, "192.0.2.1", "Mozilla/5.1"), base);
    assert_int_not_equal(id_of(key, "192.0.2.1", "mozilla/5.0"), base);
    assert_int_not_equal(id_of(key, "192.0.2.1", "Mozilla/5.0 "), base);
    assert_int_not_equal(id_of(key, "192.0.2.1", ""), base);
    /* The NUL between them: a byte moved across the border differs. */
    assert_int_not_equal(id_of(key, "a", "bc"), id_of(key, "ab", "c"));
    assert_int_not_equal(id_of(key, "", "abc"), id_of(key, "abc", ""));
    assert_int_not_equal(id_of(key, "", ""), id_of(key, "", "x"));
}

/* Distinct inputs give distinct ids (64 bits: a collision among 10^5 is
 * about 1 in 3.7 million). */
static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

static void test_visitor__no_collisions(void **state)
{
    enum { N = 100000 };
    unsigned char key[VISITOR_KEY_BYTES];
    uint64_t *ids = xmalloc(N * sizeof(*ids));
    int ones[64] = {0};

    (void)state;
    ref_key(key);
    for (int i = 0; i < N; i++) {
        char addr[32];

        snprintf(addr, sizeof(addr), "10.%d.%d.%d", i >> 16, (i >> 8) & 255,
                 i & 255);
        ids[i] = id_of(key, addr, "Mozilla/5.0");
        for (int b = 0; b < 64; b++)
            ones[b] += (int)(ids[i] >> b & 1);
    }
    qsort(ids, N, sizeof(*ids), cmp_u64);
    for (int i = 1; i < N; i++)
        assert_int_not_equal(ids[i], ids[i - 1]);
    /* Well mixed, as the sketch needs: each bit set about half the time
     * (50,000 +- 158; 5 sigma is 790). */
    for (int b = 0; b < 64; b++)
        assert_true(ones[b] > N / 2 - 800 && ones[b] < N / 2 + 800);
    free(ids);
}

/* A long User-Agent is the same visitor by its start; the bound keeps
 * the stack buffer safe. */
static void test_visitor__long_inputs(void **state)
{
    enum { LONG = 70000 };
    unsigned char key[VISITOR_KEY_BYTES];
    char *u1 = xmalloc(LONG), *u2 = xmalloc(LONG), addr[200];
    uint64_t id;

    (void)state;
    ref_key(key);
    memset(u1, 'A', LONG);
    memcpy(u2, u1, LONG);
    u2[LONG - 1] = 'B';
    assert_int_equal(visitor_id(key, "1.2.3.4", 7, u1, LONG),
                     visitor_id(key, "1.2.3.4", 7, u2, LONG));
    /* Different early on: different. */
    u2[100] = 'B';
    assert_int_not_equal(visitor_id(key, "1.2.3.4", 7, u1, LONG),
                         visitor_id(key, "1.2.3.4", 7, u2, LONG));
    /* An overlong address: its start still tells visitors apart. */
    memset(addr, '9', sizeof(addr));
    id = visitor_id(key, addr, sizeof(addr), u1, 10);
    assert_int_equal(visitor_id(key, addr, sizeof(addr), u1, 10), id);
    addr[3] = '8';
    assert_int_not_equal(visitor_id(key, addr, sizeof(addr), u1, 10), id);
    free(u1);
    free(u2);
}

/* No User-Agent at all (a line without one): a NULL of length 0. */
static void test_visitor__empty_inputs(void **state)
{
    unsigned char key[VISITOR_KEY_BYTES];

    (void)state;
    ref_key(key);
    assert_int_equal(visitor_id(key, "1.2.3.4", 7, NULL, 0),
                     visitor_id(key, "1.2.3.4", 7, "", 0));
    assert_int_equal(visitor_id(key, NULL, 0, NULL, 0),
                     visitor_id(key, "", 0, "", 0));
    assert_int_not_equal(visitor_id(key, NULL, 0, NULL, 0),
                         visitor_id(key, "1.2.3.4", 7, NULL, 0));
}

static void test_visitor__day_id(void **state)
{
    unsigned char s1[VISITOR_KEY_BYTES], s2[VISITOR_KEY_BYTES];
    uint64_t id;

    (void)state;
    ref_key(s1);
    memcpy(s2, s1, sizeof(s2));
    s2[15] ^= 0x80;
    id = id_of(s1, "192.0.2.1", "Mozilla/5.0");
    assert_int_equal(visitor_day_id(s1, id), visitor_day_id(s1, id));
    assert_int_not_equal(visitor_day_id(s1, id), visitor_day_id(s2, id));
    assert_int_not_equal(visitor_day_id(s1, id), visitor_day_id(s1, id + 1));
    assert_int_not_equal(visitor_day_id(s1, id), id);
    assert_int_not_equal(visitor_day_id(s1, 0), visitor_day_id(s2, 0));
    /* Each byte of the id counts. */
    for (int b = 0; b < 8; b++)
        assert_int_not_equal(visitor_day_id(s1, id),
                             visitor_day_id(s1, id ^ (0x80ull << (8 * b))));
}

static void test_visitor__key_new(void **state)
{
    unsigned char k[4][VISITOR_KEY_BYTES], zero[VISITOR_KEY_BYTES];

    (void)state;
    memset(zero, 0, sizeof(zero));
    for (int i = 0; i < 4; i++) {
        memset(k[i], 0, sizeof(k[i]));
        visitor_key_new(k[i]);
        assert_memory_not_equal(k[i], zero, sizeof(zero));
        for (int j = 0; j < i; j++)
            assert_memory_not_equal(k[i], k[j], sizeof(zero));
    }
    /* And they key different ids. */
    assert_int_not_equal(id_of(k[0], "192.0.2.1", "UA"),
                         id_of(k[1], "192.0.2.1", "UA"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_visitor__known_answers),
        cmocka_unit_test(test_visitor__deterministic),
        cmocka_unit_test(test_visitor__differs),
        cmocka_unit_test(test_visitor__no_collisions),
        cmocka_unit_test(test_visitor__long_inputs),
        cmocka_unit_test(test_visitor__empty_inputs),
        cmocka_unit_test(test_visitor__day_id),
        cmocka_unit_test(test_visitor__key_new),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
