/*
 * test_util.c - blogstat.h / util.c: calendar arithmetic, day parsing and
 * formatting, the arena, bs_hash and the error record; ascii.h's digit,
 * number and month readers.
 */
#include "testutil.h"
#include "ascii.h"

/* ---- calendar ------------------------------------------------------------ */

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Walk every day of 1900..2200 by hand and check both directions. */
static void test_util__civil_round_trip(void **state)
{
    int32_t expect = days_from_civil(1900, 1, 1);
    static const int len[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    long checked = 0;

    (void)state;
    /* 1900-01-01 is 25567 days before 1970-01-01. */
    assert_int_equal(expect, -25567);
    for (int y = 1900; y <= 2200; y++) {
        for (unsigned m = 1; m <= 12; m++) {
            int ml = len[m - 1] + (m == 2 && is_leap(y));

            assert_int_equal(days_in_month(y, m), ml);
            for (unsigned d = 1; d <= (unsigned)ml; d++) {
                int yy;
                unsigned mm, dd;

                if (days_from_civil(y, m, d) != expect)
                    fail_msg("days_from_civil(%d, %u, %u) = %d, want %d", y,
                             m, d, days_from_civil(y, m, d), expect);
                civil_from_days(expect, &yy, &mm, &dd);
                if (yy != y || mm != m || dd != d)
                    fail_msg("civil_from_days(%d) = %d-%u-%u, want %d-%u-%u",
                             expect, yy, mm, dd, y, m, d);
                expect++;
                checked++;
            }
        }
    }
    /* 301 years, 73 leap years among them (1900 and 2100 are not). */
    assert_int_equal(checked, 301 * 365 + 73);
    assert_int_equal(days_from_civil(2201, 1, 1), expect);
}

static void test_util__civil_known_values(void **state)
{
    int y;
    unsigned m, d;

    (void)state;
    assert_int_equal(days_from_civil(1970, 1, 1), 0);
    assert_int_equal(days_from_civil(1969, 12, 31), -1);
    assert_int_equal(days_from_civil(1970, 1, 2), 1);
    assert_int_equal(days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(days_from_civil(2000, 2, 29), 11016);
    assert_int_equal(days_from_civil(2013, 2, 7), 15743);
    assert_int_equal(days_from_civil(2038, 1, 19), 24855);
    assert_int_equal(days_from_civil(1600, 1, 1), -135140);
    civil_from_days(15743, &y, &m, &d);
    assert_int_equal(y, 2013);
    assert_int_equal(m, 2);
    assert_int_equal(d, 7);
    civil_from_days(-1, &y, &m, &d);
    assert_int_equal(y, 1969);
    assert_int_equal(m, 12);
    assert_int_equal(d, 31);
    civil_from_days(11016, &y, &m, &d);
    assert_int_equal(y, 2000);
    assert_int_equal(m, 2);
    assert_int_equal(d, 29);
}

static void test_util__days_in_month(void **state)
{
    (void)state;
    assert_int_equal(days_in_month(2013, 1), 31);
    assert_int_equal(days_in_month(2013, 2), 28);
    assert_int_equal(days_in_month(2012, 2), 29);
    assert_int_equal(days_in_month(2000, 2), 29);
    assert_int_equal(days_in_month(1900, 2), 28);
    assert_int_equal(days_in_month(2100, 2), 28);
    assert_int_equal(days_in_month(2400, 2), 29);
    assert_int_equal(days_in_month(2013, 4), 30);
    assert_int_equal(days_in_month(2013, 6), 30);
    assert_int_equal(days_in_month(2013, 9), 30);
    assert_int_equal(days_in_month(2013, 11), 30);
    assert_int_equal(days_in_month(2013, 7), 31);
    assert_int_equal(days_in_month(2013, 8), 31);
    assert_int_equal(days_in_month(2013, 12), 31);
}

/* ---- day_parse / day_format ------------------------------------------ */

static void test_util__day_parse_valid(void **state)
{
    int32_t day = -12345;

    (void)state;
    assert_int_equal(day_parse("2013-02-07", &day), 0);
    assert_int_equal(day, 15743);
    assert_int_equal(day_parse("1970-01-01", &day), 0);
    assert_int_equal(day, 0);
    assert_int_equal(day_parse("2000-03-01", &day), 0);
    assert_int_equal(day, 11017);
    assert_int_equal(day_parse("2013-12-31", &day), 0);
    assert_int_equal(day, days_from_civil(2013, 12, 31));
    assert_int_equal(day_parse("1969-12-31", &day), 0);
    assert_int_equal(day, -1);
    assert_int_equal(day_parse("9999-12-31", &day), 0);
    assert_int_equal(day, days_from_civil(9999, 12, 31));
}

static void test_util__day_parse_invalid(void **state)
{
    static const char *const bad[] = {
        "2013-2-07", "2013-02-7", "2013-02-30", "2013-02-29", "2013-13-01",
        "2013-00-10", "2013-01-00", "2013-01-32", "2013-04-31",
        "2013-02-07x", "x2013-02-07", "", "2013", "2013-02-07 ",
        " 2013-02-07", "2013/02/07", "2013-02-0a", "201a-02-07",
        "+013-02-07", "-013-02-07", "0000-01-01", "20130207",
        "2013-02--7", "1900-02-29", "2100-02-29",
    };
    int32_t day = 4242;

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        if (day_parse(bad[i], &day) != -1)
            fail_msg("day_parse(\"%s\") accepted it as %d", bad[i], day);
        /* A failed parse leaves *day alone. */
        assert_int_equal(day, 4242);
    }
}

static void test_util__day_parse_leap(void **state)
{
    int32_t day;

    (void)state;
    assert_int_equal(day_parse("2000-02-29", &day), 0);
    assert_int_equal(day, days_from_civil(2000, 2, 29));
    assert_int_equal(day_parse("2012-02-29", &day), 0);
    assert_int_equal(day, days_from_civil(2012, 2, 29));
    assert_int_equal(day_parse("2400-02-29", &day), 0);
    assert_int_equal(day_parse("1900-02-29", &day), -1);
    assert_int_equal(day_parse("2013-02-29", &day), -1);
    assert_int_equal(day_parse("2100-02-29", &day), -1);
}

static void test_util__day_format(void **state)
{
    char buf[11];

    (void)state;
    memset(buf, 'x', sizeof(buf));
    day_format(0, buf);
    assert_string_equal(buf, "1970-01-01");
    day_format(15743, buf);
    assert_string_equal(buf, "2013-02-07");
    day_format(-1, buf);
    assert_string_equal(buf, "1969-12-31");
    day_format(11016, buf);
    assert_string_equal(buf, "2000-02-29");
    day_format(days_from_civil(2099, 12, 31), buf);
    assert_string_equal(buf, "2099-12-31");
    day_format(days_from_civil(1, 1, 1), buf);
    assert_string_equal(buf, "0001-01-01");
    day_format(days_from_civil(9999, 12, 31), buf);
    assert_string_equal(buf, "9999-12-31");
    /* Out of the 4-digit range: a recognisable placeholder. */
    day_format(days_from_civil(10000, 1, 1), buf);
    assert_string_equal(buf, "0000-00-00");
    day_format(days_from_civil(-1, 12, 31), buf);
    assert_string_equal(buf, "0000-00-00");
}

/* day_format and day_parse are inverses over 1900..2200. */
static void test_util__day_format_parse_round_trip(void **state)
{
    int32_t first = days_from_civil(1900, 1, 1);
    int32_t last = days_from_civil(2200, 12, 31);

    (void)state;
    for (int32_t z = first; z <= last; z++) {
        char buf[11];
        int32_t back = INT32_MIN;

        day_format(z, buf);
        assert_int_equal(strlen(buf), 10);
        if (day_parse(buf, &back) != 0 || back != z)
            fail_msg("day %d -> \"%s\" -> %d", z, buf, back);
    }
}

/* ---- arena ----------------------------------------------------------- */

static void test_util__arena_many_allocations(void **state)
{
    struct arena a;
    enum { N = 20000 };
    unsigned char **ptrs = xcalloc(N, sizeof(*ptrs));
    size_t total = 0;

    (void)state;
    arena_init(&a, 4096);
    assert_null(a.head);
    assert_int_equal(a.total, 0);
    for (size_t i = 0; i < N; i++) {
        size_t n = (i * 7919) % 97 + (i % 500 == 0 ? 10000 : 0);

        ptrs[i] = arena_alloc(&a, n);
        assert_non_null(ptrs[i]);
        if ((uintptr_t)ptrs[i] % 8 != 0)
            fail_msg("allocation %zu of %zu bytes at %p: not 8-aligned", i,
                     n, (void *)ptrs[i]);
        memset(ptrs[i], (int)(i & 0xff), n);
        total += (n + 7) & ~(size_t)7;
    }
    assert_int_equal(a.total, total);
    /* No allocation overwrote another. */
    for (size_t i = 0; i < N; i++) {
        size_t n = (i * 7919) % 97 + (i % 500 == 0 ? 10000 : 0);

        for (size_t k = 0; k < n; k++)
            if (ptrs[i][k] != (unsigned char)(i & 0xff))
                fail_msg("allocation %zu byte %zu overwritten", i, k);
    }
    arena_release(&a);
    assert_null(a.head);
    assert_int_equal(a.total, 0);
    /* Usable again after release. */
    assert_non_null(arena_alloc(&a, 16));
    assert_int_equal(a.total, 16);
    arena_release(&a);
    free(ptrs);
}

static void test_util__arena_alignment(void **state)
{
    struct arena a;

    (void)state;
    arena_init(&a, 0);   /* 0: the default block size */
    assert_int_equal(a.block_size, 64 * 1024);
    for (size_t n = 0; n < 300; n++) {
        void *p = arena_alloc(&a, n % 17 + 1);

        assert_int_equal((uintptr_t)p % 8, 0);
    }
    /* Bigger than a block: still served, still aligned. */
    {
        unsigned char *big = arena_alloc(&a, 200 * 1024 + 3);

        assert_int_equal((uintptr_t)big % 8, 0);
        memset(big, 0xab, 200 * 1024 + 3);
        assert_int_equal(big[200 * 1024 + 2], 0xab);
    }
    arena_release(&a);
}

static void test_util__arena_memdup(void **state)
{
    struct arena a;
    static const char bin[] = {'a', '\0', 'b', '\xff', '\n'};
    char *s, *e, *b;

    (void)state;
    arena_init(&a, 64);
    s = arena_memdup(&a, "hello, world", 5);
    assert_string_equal(s, "hello");
    assert_int_equal(s[5], '\0');
    e = arena_memdup(&a, "", 0);
    assert_non_null(e);
    assert_int_equal(e[0], '\0');
    b = arena_memdup(&a, bin, sizeof(bin));
    assert_memory_equal(b, bin, sizeof(bin));
    assert_int_equal(b[sizeof(bin)], '\0');
    /* Spanning several 64-byte blocks. */
    for (int i = 0; i < 100; i++) {
        char key[40];
        char *k;

        snprintf(key, sizeof(key), "key-%d-%0*d", i, i % 20, i);
        k = arena_memdup(&a, key, strlen(key));
        assert_string_equal(k, key);
        assert_int_equal((uintptr_t)k % 8, 0);
    }
    assert_string_equal(s, "hello");
    assert_memory_equal(b, bin, sizeof(bin));
    arena_release(&a);
}

/* ---- bs_hash --------------------------------------------------------- */

static void test_util__hash_equal_input(void **state)
{
    unsigned char buf[64 + 16];
    unsigned char data[64];

    (void)state;
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (unsigned char)(i * 37 + 11);
    assert_true(bs_hash("abc", 3) == bs_hash("abc", 3));
    assert_true(bs_hash(NULL, 0) == bs_hash("", 0));
    /* The same bytes at any alignment hash the same, for every length. */
    for (size_t n = 0; n <= 64; n++) {
        uint64_t h = bs_hash(data, n);

        for (size_t off = 0; off < 8; off++) {
            memset(buf, 0x5a, sizeof(buf));
            memcpy(buf + off, data, n);
            if (bs_hash(buf + off, n) != h)
                fail_msg("length %zu at offset %zu hashes differently", n,
                         off);
        }
        /* Bytes past the end do not count. */
        memcpy(buf, data, n);
        buf[n] = 0x01;
        assert_true(bs_hash(buf, n) == h);
        buf[n] = 0xfe;
        assert_true(bs_hash(buf, n) == h);
    }
}

static void test_util__hash_one_byte_change(void **state)
{
    unsigned char data[64];

    (void)state;
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (unsigned char)(i * 131 + 7);
    for (size_t n = 1; n <= 64; n++) {
        uint64_t h = bs_hash(data, n);

        for (size_t pos = 0; pos < n; pos++) {
            for (unsigned flip = 1; flip < 256; flip <<= 1) {
                data[pos] ^= (unsigned char)flip;
                if (bs_hash(data, n) == h)
                    fail_msg("flipping bit %u of byte %zu of %zu leaves "
                             "the hash unchanged", flip, pos, n);
                data[pos] ^= (unsigned char)flip;
            }
        }
        assert_true(bs_hash(data, n) == h);
    }
}

static void test_util__hash_lengths_differ(void **state)
{
    unsigned char zeros[65];
    uint64_t h[65];

    (void)state;
    memset(zeros, 0, sizeof(zeros));
    /* A run of NUL bytes of each length: all different, so "" and "\0"
     * are different keys. */
    for (size_t n = 0; n <= 64; n++) {
        h[n] = bs_hash(zeros, n);
        for (size_t k = 0; k < n; k++)
            if (h[k] == h[n])
                fail_msg("%zu and %zu NUL bytes hash the same", k, n);
    }
    assert_true(bs_hash("a", 1) != bs_hash("b", 1));
    assert_true(bs_hash("ab", 2) != bs_hash("ba", 2));
    assert_true(bs_hash("/2013/02/07/a/", 14) !=
                bs_hash("/2013/02/07/b/", 14));
}

/* ---- bs_fail --------------------------------------------------------- */

static void test_util__fail_keeps_first(void **state)
{
    struct bs_err err;
    int line;

    (void)state;
    memset(&err, 0, sizeof(err));
    line = __LINE__ + 1;
    assert_int_equal(bs_fail(&err, BS_NOINPUT, "cannot open '%s': %s",
                             "x.log", "No such file"), -1);
    assert_int_equal(err.status, BS_NOINPUT);
    assert_string_equal(err.msg, "cannot open 'x.log': No such file");
    assert_non_null(err.src_file);
    assert_non_null(strstr(err.src_file, "test_util.c"));
    assert_int_equal(err.src_line, line);

    /* A later failure is a consequence: the first stays. */
    assert_int_equal(bs_fail(&err, BS_IOERR, "second %d", 2), -1);
    assert_int_equal(err.status, BS_NOINPUT);
    assert_string_equal(err.msg, "cannot open 'x.log': No such file");
    assert_int_equal(err.src_line, line);

    /* Cleared, it takes the next one. */
    memset(&err, 0, sizeof(err));
    assert_int_equal(bs_fail(&err, BS_DATAERR, "third"), -1);
    assert_int_equal(err.status, BS_DATAERR);
    assert_string_equal(err.msg, "third");
}

static void test_util__fail_null_err(void **state)
{
    (void)state;
    assert_int_equal(bs_fail(NULL, BS_IOERR, "nobody listens: %d", 42), -1);
}

static void test_util__fail_long_message_truncated(void **state)
{
    struct bs_err err;
    char big[2000];

    (void)state;
    memset(&err, 0, sizeof(err));
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(bs_fail(&err, BS_USAGE, "%s", big), -1);
    assert_int_equal(err.status, BS_USAGE);
    assert_int_equal(strlen(err.msg), sizeof(err.msg) - 1);
    assert_int_equal(err.msg[0], 'x');
}

/* ---- allocation wrappers --------------------------------------------- */

static void test_util__xmemdup(void **state)
{
    char *s = xmemdup("ab\0cd", 5);
    char *z = xmemdup("", 0);
    char *d = xstrdup("blogstat");

    (void)state;
    assert_memory_equal(s, "ab\0cd", 5);
    assert_int_equal(s[5], '\0');
    assert_int_equal(z[0], '\0');
    assert_string_equal(d, "blogstat");
    free(s);
    free(z);
    free(d);
}

/* ---- ascii.h ------------------------------------------------------------- */

/* Every byte: digits and hex digits are the ASCII ones, whatever the
 * byte's sign as a char. */
static void test_util__is_digit_hex_digit(void **state)
{
    (void)state;
    for (int b = 0; b < 256; b++) {
        char c = (char)b;
        int dec = b >= '0' && b <= '9';
        int hex = dec ? b - '0'
                : b >= 'a' && b <= 'f' ? b - 'a' + 10
                : b >= 'A' && b <= 'F' ? b - 'A' + 10 : -1;

        if (is_digit(c) != dec || hex_digit(c) != hex)
            fail_msg("byte %d: is_digit %d, hex_digit %d", b, is_digit(c),
                     hex_digit(c));
    }
}

static void test_util__digits_n(void **state)
{
    int v = -7;

    (void)state;
    assert_int_equal(digits_n("2013", 4, &v), 0);
    assert_int_equal(v, 2013);
    assert_int_equal(digits_n("07/", 2, &v), 0);
    assert_int_equal(v, 7);
    assert_int_equal(digits_n("999999999", 9, &v), 0);
    assert_int_equal(v, 999999999);
    assert_int_equal(digits_n("000", 3, &v), 0);
    assert_int_equal(v, 0);
    /* A non-digit anywhere refuses, and leaves *v as it was. */
    v = -7;
    assert_int_equal(digits_n("20a3", 4, &v), -1);
    assert_int_equal(digits_n("-1", 2, &v), -1);
    assert_int_equal(digits_n(" 1", 2, &v), -1);
    assert_int_equal(digits_n("1:", 2, &v), -1);
    assert_int_equal(v, -7);
    /* A NUL stops it: a short C string is refused, not read past. */
    {
        char *s = xmemdup("12", 2);

        assert_int_equal(digits_n(s, 4, &v), -1);
        free(s);
    }
}

static void test_util__digits_u64(void **state)
{
    static const char big[] = "18446744073709551615";     /* UINT64_MAX */
    static const char over[] = "18446744073709551616";
    static const char huge[] = "99999999999999999999999999999";
    const char *s, *text;
    uint64_t v;

    (void)state;
    text = "1360241736.5";
    s = text;
    assert_int_equal(digits_u64(&s, text + strlen(text), &v), 10);
    assert_true(v == UINT64_C(1360241736));
    assert_ptr_equal(s, text + 10);
    /* end bounds it. */
    s = text;
    assert_int_equal(digits_u64(&s, text + 3, &v), 3);
    assert_true(v == 136);
    /* None: 0, *s stays, *out 0. */
    text = "-12";
    s = text;
    v = 5;
    assert_int_equal(digits_u64(&s, text + 3, &v), 0);
    assert_ptr_equal(s, text);
    assert_true(v == 0);
    s = text;
    assert_int_equal(digits_u64(&s, text, &v), 0);
    /* Saturation at UINT64_MAX, never a wrap. */
    s = big;
    assert_int_equal(digits_u64(&s, big + strlen(big), &v), 20);
    assert_true(v == UINT64_MAX);
    s = over;
    assert_int_equal(digits_u64(&s, over + strlen(over), &v), 20);
    assert_true(v == UINT64_MAX);
    s = huge;
    assert_int_equal(digits_u64(&s, huge + strlen(huge), &v), strlen(huge));
    assert_true(v == UINT64_MAX);
    /* Nineteen digits read plainly, the twentieth with the check. */
    text = "9999999999999999999 ";
    s = text;
    assert_int_equal(digits_u64(&s, text + strlen(text), &v), 19);
    assert_true(v == UINT64_C(9999999999999999999));
    text = "18446744073709551614";
    s = text;
    assert_int_equal(digits_u64(&s, text + strlen(text), &v), 20);
    assert_true(v == UINT64_MAX - 1);
    s = "18446744073709551614";
    assert_int_equal(digits_u64(&s, s + 20, &v), 20);
    assert_true(v == UINT64_MAX - 1);
}

static void test_util__months(void **state)
{
    static const char *const full[] = {
        "January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December",
    };

    (void)state;
    for (int m = 1; m <= 12; m++) {
        assert_int_equal(strlen(month_abbr[m - 1]), 3);
        assert_memory_equal(month_abbr[m - 1], full[m - 1], 3);
        assert_int_equal(month_from_abbr(month_abbr[m - 1]), m);
        /* Only the first 3 bytes count: "Feb/2013" is February. */
        assert_int_equal(month_from_abbr(full[m - 1]), m);
    }
    assert_int_equal(month_from_abbr("jan"), 0);
    assert_int_equal(month_from_abbr("JAN"), 0);
    assert_int_equal(month_from_abbr("Jux"), 0);
    assert_int_equal(month_from_abbr("Ja\0"), 0);
    assert_int_equal(month_from_abbr("\0\0\0"), 0);
}

#define FFFD "\xEF\xBF\xBD"    /* U+FFFD, the replacement character */
#define RLO "\xE2\x80\xAE"     /* U+202E RIGHT-TO-LEFT OVERRIDE */

/* Every invisible format character is escaped; the visible neighbours of
 * their ranges are not. */
static void test_util__visible(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"/a" RLO "txt.exe/", "/a<U+202E>txt.exe/"},
        {"\xE2\x80\xAA\xE2\x80\xAB\xE2\x80\xAC\xE2\x80\xAD",
         "<U+202A><U+202B><U+202C><U+202D>"},
        {"\xE2\x81\xA6x\xE2\x81\xA7x\xE2\x81\xA8x\xE2\x81\xA9",
         "<U+2066>x<U+2067>x<U+2068>x<U+2069>"},
        {"\xE2\x80\x8B\xE2\x80\x8C\xE2\x80\x8D\xE2\x80\x8E\xE2\x80\x8F",
         "<U+200B><U+200C><U+200D><U+200E><U+200F>"},
        {"\xD8\x9C" "a\xEF\xBB\xBF" "b", "<U+061C>a<U+FEFF>b"},
        {"\xE2\x80\xA8\xE2\x80\xA9\xE2\x81\xA0", "<U+2028><U+2029><U+2060>"},
        /* ‚ U+201A, … U+2026, U+202F, ‰ U+2030, U+2065, ⁰ U+2070, ﻿
         * U+FEFE, U+FFFD and Arabic U+061B: shown as they are. */
        {"\xE2\x80\x9A\xE2\x80\xA6\xE2\x80\xAF\xE2\x80\xB0\xE2\x81\xA5"
         "\xE2\x81\xB0\xEF\xBB\xBE" FFFD "\xD8\x9B",
         "\xE2\x80\x9A\xE2\x80\xA6\xE2\x80\xAF\xE2\x80\xB0\xE2\x81\xA5"
         "\xE2\x81\xB0\xEF\xBB\xBE" FFFD "\xD8\x9B"},
        {"", ""},
        {"<U+202E>", "<U+202E>"},
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char *v = utf8_visible(cases[i].in);

        if (strcmp(v, cases[i].out) != 0)
            fail_msg("case %zu: '%s', expected '%s'", i, v, cases[i].out);
        free(v);
    }
}

/* One is the word for 1 alone: "0 views", "1 view", "2 views". */
static void test_util__plural(void **state)
{
    (void)state;
    assert_string_equal(plural(0, "view", "views"), "views");
    assert_string_equal(plural(1, "view", "views"), "view");
    assert_string_equal(plural(2, "view", "views"), "views");
    assert_string_equal(plural(-1, "day", "days"), "day");
    assert_string_equal(plural(INT64_MAX, "day", "days"), "days");
}

/* bs_hash_seeded() as first written, a byte at a time for the tail:
 * the hashes are kept in databases (sources' fingerprints), so a faster
 * one must give the same values. */
static uint64_t hash_reference(const void *p, size_t n, uint64_t seed)
{
    const unsigned char *s = p;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (n * 0x100000001b3ULL) ^
                 bs_fmix64(seed + 0x632be59bd9b4e019ULL);
    uint64_t tail = 0, w;

    for (; n >= 8; s += 8, n -= 8) {
        w = 0;
        for (int i = 7; i >= 0; i--)
            w = w << 8 | s[i];
        h ^= w * 0x87c37b91114253d5ULL;
        h = ((h << 31) | (h >> 33)) * 0x4cf5ad432745937fULL;
    }
    for (size_t i = 0; i < n; i++)
        tail |= (uint64_t)s[i] << (8 * i);
    h ^= tail * 0x87c37b91114253d5ULL;
    return bs_fmix64(h);
}

static void test_util__hash_values_kept(void **state)
{
    unsigned char buf[80];
    uint64_t x = 88172645463325252ULL;

    (void)state;
    /* Every length to 64 at every alignment, bytes of all values. */
    for (int round = 0; round < 20; round++)
        for (size_t off = 0; off < 8; off++)
            for (size_t n = 0; n + off <= 72; n++) {
                for (size_t i = 0; i < sizeof(buf); i++) {
                    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                    buf[i] = (unsigned char)x;
                }
                assert_true(bs_hash_seeded(buf + off, n, (uint64_t)round) ==
                            hash_reference(buf + off, n, (uint64_t)round));
                assert_true(bs_hash(buf + off, n) ==
                            hash_reference(buf + off, n, 0));
            }
    assert_true(bs_hash("", 0) != bs_hash("a", 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_util__hash_values_kept),
        cmocka_unit_test(test_util__civil_round_trip),
        cmocka_unit_test(test_util__civil_known_values),
        cmocka_unit_test(test_util__days_in_month),
        cmocka_unit_test(test_util__day_parse_valid),
        cmocka_unit_test(test_util__day_parse_invalid),
        cmocka_unit_test(test_util__day_parse_leap),
        cmocka_unit_test(test_util__day_format),
        cmocka_unit_test(test_util__day_format_parse_round_trip),
        cmocka_unit_test(test_util__arena_many_allocations),
        cmocka_unit_test(test_util__arena_alignment),
        cmocka_unit_test(test_util__arena_memdup),
        cmocka_unit_test(test_util__hash_equal_input),
        cmocka_unit_test(test_util__hash_one_byte_change),
        cmocka_unit_test(test_util__hash_lengths_differ),
        cmocka_unit_test(test_util__fail_keeps_first),
        cmocka_unit_test(test_util__fail_null_err),
        cmocka_unit_test(test_util__fail_long_message_truncated),
        cmocka_unit_test(test_util__xmemdup),
        cmocka_unit_test(test_util__is_digit_hex_digit),
        cmocka_unit_test(test_util__digits_n),
        cmocka_unit_test(test_util__digits_u64),
        cmocka_unit_test(test_util__months),
        cmocka_unit_test(test_util__visible),
        cmocka_unit_test(test_util__plural),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
