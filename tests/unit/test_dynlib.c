/*
 * test_dynlib.c - dynlib.h: a table of functions filled from libraries
 * opened by soname, and what it says when one is missing. zlib stands in
 * for the libraries blogstat opens this way: the test links it too, so
 * the address found must be the one the linker gave.
 */
#include "dynlib.h"
#include "testutil.h"

#include <zlib.h>

static struct {
    __typeof__(zlibVersion) *zlibVersion;
    __typeof__(crc32) *crc32;
} z;

static const char *const libz[] = {"libz.so.1"};

static void test_dynlib__fills_the_table(void **state)
{
    const struct dynlib_sym syms[] = {DYNLIB_SYM(z, zlibVersion)
                                          DYNLIB_SYM(z, crc32)};
    char why[128] = "";

    (void)state;
    memset(&z, 0, sizeof(z));
    assert_int_equal(dynlib_load(libz, 1, syms, 2, why, sizeof(why)), 0);
    assert_ptr_equal(z.zlibVersion, zlibVersion);
    assert_string_equal(z.zlibVersion(), zlibVersion());
    assert_int_equal(z.crc32(0, (const Bytef *)"blog", 4),
                     crc32(0, (const Bytef *)"blog", 4));
}

static void test_dynlib__names_the_missing_library(void **state)
{
    static const char *const libs[] = {"libz.so.1",
                                       "libblogstat-nosuch.so.9"};
    const struct dynlib_sym syms[] = {DYNLIB_SYM(z, crc32)};
    char why[256] = "";

    (void)state;
    assert_int_equal(dynlib_load(libs, 2, syms, 1, why, sizeof(why)), -1);
    assert_non_null(strstr(why, "libblogstat-nosuch.so.9"));
}

static void test_dynlib__names_the_missing_function(void **state)
{
    struct {
        void (*blogstat_nosuch)(void);
    } t = {NULL};
    const struct dynlib_sym syms[] = {DYNLIB_SYM(z, crc32)
                                          DYNLIB_SYM(t, blogstat_nosuch)};
    char why[128] = "";

    (void)state;
    assert_int_equal(dynlib_load(libz, 1, syms, 2, why, sizeof(why)), -1);
    assert_string_equal(why, "no blogstat_nosuch in libz.so.1");
    assert_null(t.blogstat_nosuch);
}

static void test_dynlib__message_fits(void **state)
{
    static const char *const libs[] = {"libblogstat-a-very-long-name-that-"
                                       "does-not-exist.so.1"};
    char why[16];

    (void)state;
    memset(why, 'x', sizeof(why));
    assert_int_equal(dynlib_load(libs, 1, NULL, 0, why, sizeof(why)), -1);
    assert_int_equal(strlen(why), sizeof(why) - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dynlib__fills_the_table),
        cmocka_unit_test(test_dynlib__names_the_missing_library),
        cmocka_unit_test(test_dynlib__names_the_missing_function),
        cmocka_unit_test(test_dynlib__message_fits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
