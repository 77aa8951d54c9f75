/*
 * slice.h - a borrowed run of bytes: a pointer and a length, no NUL.
 */
#ifndef BLOGSTAT_SLICE_H
#define BLOGSTAT_SLICE_H

#include <stddef.h>
#include <string.h>

struct slice {
    const char *p;
    size_t n;
};

#define SLICE_LIT(s) ((struct slice){ (s), sizeof(s) - 1 })

static inline struct slice slice_make(const char *p, size_t n)
{
    struct slice s = { p, n };
    return s;
}

static inline int slice_eq(struct slice s, const char *lit, size_t n)
{
    return s.n == n && (n == 0 || memcmp(s.p, lit, n) == 0);
}

static inline int slice_eq_str(struct slice s, const char *z)
{
    return slice_eq(s, z, strlen(z));
}

static inline int slice_starts(struct slice s, const char *lit, size_t n)
{
    return s.n >= n && memcmp(s.p, lit, n) == 0;
}

static inline int slice_ends(struct slice s, const char *lit, size_t n)
{
    return s.n >= n && memcmp(s.p + s.n - n, lit, n) == 0;
}

#endif
