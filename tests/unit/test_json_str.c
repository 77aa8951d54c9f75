/*
 * test_json_str.c - json_str.h: JSON string escapes decoded, the one
 * decoder of the log parser and the feed importer.
 */
#include "json_str.h"
#include "testutil.h"

/* Decode in (as a C string) into an exact-size buffer of cap bytes, so
 * ASan sees any write past it; the result or SIZE_MAX. */
static size_t dec(const char *in, size_t cap, char *got)
{
    size_t n = strlen(in);
    char *src = xmalloc(n ? n : 1), *out = xmalloc(cap ? cap : 1);
    size_t r;

    memcpy(src, in, n);
    r = json_unescape(src, n, out, cap);
    if (r != SIZE_MAX) {
        assert_true(r <= cap);
        memcpy(got, out, r);
        got[r] = '\0';
    }
    free(src);
    free(out);
    return r;
}

static void is(const char *in, const char *want)
{
    char got[256];
    size_t r = dec(in, strlen(in), got);

    if (r == SIZE_MAX)
        fail_msg("'%s' refused", in);
    if (r != strlen(want) || memcmp(got, want, r) != 0)
        fail_msg("'%s': got '%s', want '%s'", in, got, want);
}

static void refused(const char *in)
{
    char got[256];

    if (dec(in, strlen(in) + 8, got) != SIZE_MAX)
        fail_msg("'%s' accepted as '%s'", in, got);
}

static void test_json_str__escapes(void **state)
{
    (void)state;
    is("", "");
    is("plain /2013/02/07/", "plain /2013/02/07/");
    is("a\\\"b", "a\"b");
    is("\\\\\\/", "\\/");
    is("\\b\\f\\n\\r\\t", "\b\f\n\r\t");
    is("User\\u002dAgent", "User-Agent");
    is("caf\\u00e9", "caf\xc3\xa9");
    is("\\u20AC", "\xe2\x82\xac");
    /* A surrogate pair is one code point. */
    is("\\ud83d\\ude00", "\xf0\x9f\x98\x80");
    /* NUL and lone surrogates: U+FFFD, never a NUL in a value. */
    is("a\\u0000b", "a\xef\xbf\xbd" "b");
    is("\\ud800x", "\xef\xbf\xbdx");
    is("\\ude00", "\xef\xbf\xbd");
    is("\\ud800\\u0041", "\xef\xbf\xbd" "A");
    /* Bytes outside escapes are copied as they are. */
    is("\xc3\xa9\\n", "\xc3\xa9\n");
}

static void test_json_str__malformed(void **state)
{
    (void)state;
    refused("\\");
    refused("abc\\");
    refused("\\x41");
    refused("\\u12");
    refused("\\u12g4");
    refused("\\U0041");
    refused("\\'");
}

/* The output bound: cap n always suffices; less is refused, never
 * overrun, whichever escape the end falls in. */
static void test_json_str__bounds(void **state)
{
    static const char *const inputs[] = {
        "abcdef", "a\\nb", "\\u00e9\\u00e9", "x\\ud83d\\ude00y",
        "\\u20ac\\u20ac\\u20ac",
    };
    char got[64];

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(inputs); i++) {
        size_t n = strlen(inputs[i]), need = dec(inputs[i], n, got);

        assert_true(need != SIZE_MAX && need <= n);
        for (size_t cap = 0; cap < n; cap++) {
            size_t r = dec(inputs[i], cap, got);

            assert_true(r == SIZE_MAX || r == need);
            if (cap < need)
                assert_true(r == SIZE_MAX);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_str__escapes),
        cmocka_unit_test(test_json_str__malformed),
        cmocka_unit_test(test_json_str__bounds),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
