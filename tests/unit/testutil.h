/*
 * testutil.h - what the cmocka unit tests share: temporary directories
 * and files, plain and gzip. Header-only; each test binary is one file.
 */
#ifndef BLOGSTAT_TESTUTIL_H
#define BLOGSTAT_TESTUTIL_H

#include "blogstat.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* Whether the test runs under valgrind (make test's unit-valgrind run):
 * a loop that only repeats what it already did, to reach a size, may run
 * shorter there; the plain and ASan runs keep the full size. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define TU_UNDER_VALGRIND() (RUNNING_ON_VALGRIND != 0)
#endif
#endif
#ifndef TU_UNDER_VALGRIND
#define TU_UNDER_VALGRIND() 0
#endif

/* A fresh directory under $TMPDIR (or /tmp); caller frees the string. */
static inline char *tu_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char *dir;
    size_t n;

    if (!base || !*base)
        base = "/tmp";
    n = strlen(base) + 32;
    dir = xmalloc(n);
    snprintf(dir, n, "%s/blogstat-test.XXXXXX", base);
    assert_non_null(mkdtemp(dir));
    return dir;
}

/* Remove a directory made by tu_tmpdir() and everything in it. */
static inline void tu_rmrf(const char *dir)
{
    char cmd[4096];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* dir/name, malloc'ed. */
static inline char *tu_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = xmalloc(n);

    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* Write n bytes to dir/name; returns the path (caller frees). */
static inline char *tu_write(const char *dir, const char *name,
                             const void *data, size_t n)
{
    char *p = tu_path(dir, name);
    FILE *f = fopen(p, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
    return p;
}

/* Compress n bytes as one gzip member into a malloc'ed buffer. */
static inline unsigned char *tu_gzip(const void *data, size_t n,
                                     size_t *out_n)
{
    z_stream zs;
    size_t cap = n + n / 10 + 128;
    unsigned char *out = xmalloc(cap);

    memset(&zs, 0, sizeof(zs));
    assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8,
                                  Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (unsigned char *)(uintptr_t)data;
    zs.avail_in = (unsigned)n;
    zs.next_out = out;
    zs.avail_out = (unsigned)cap;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    *out_n = zs.total_out;
    deflateEnd(&zs);
    return out;
}

/* Write data as a one-member gzip file dir/name; returns the path. */
static inline char *tu_write_gz(const char *dir, const char *name,
                                const void *data, size_t n)
{
    size_t zn;
    unsigned char *z = tu_gzip(data, n, &zn);
    char *p = tu_write(dir, name, z, zn);

    free(z);
    return p;
}

#endif
