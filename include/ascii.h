/*
 * ascii.h - reading the ASCII that logs, feeds and dates are written in:
 * digits, decimal numbers, hexadecimal digits and the English month
 * abbreviations.
 *
 * The readers are static inline: the parsers run them on every line, and
 * with a constant count (digits_n(s, 2, &v)) they compile to the same
 * straight code a hand-written two-digit reader would. None of them looks
 * at the C locale.
 */
#ifndef BLOGSTAT_ASCII_H
#define BLOGSTAT_ASCII_H

#include <stddef.h>
#include <stdint.h>

/* 1 for '0'..'9', else 0. */
static inline int is_digit(char c)
{
    return (unsigned char)(c - '0') < 10;
}

/* The value of the hexadecimal digit c (either case), or -1. */
static inline int hex_digit(char c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/*
 * Exactly n decimal digits at s (1 <= n <= 9) as a number: 0 with *v set,
 * or -1 when one of the n bytes is no digit (then *v is untouched). s must
 * hold n bytes; a NUL among them is no digit, so a C string shorter than
 * n is refused without reading past its end.
 */
static inline int digits_n(const char *s, int n, int *v)
{
    int x = 0;

    /* Unrolled when n is a constant, which -O2 alone does not do. */
#pragma GCC unroll 9
    for (int i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return -1;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return 0;
}

/*
 * The run of decimal digits at [*s, end) as an unsigned number,
 * saturating at UINT64_MAX (so "a larger number than max" is one compare
 * for any length). Returns how many digits there were, and moves *s past
 * them; *out is 0 when there were none.
 */
static inline size_t digits_u64(const char **s, const char *end,
                                uint64_t *out)
{
    const char *c = *s;
    /* Nineteen digits cannot pass UINT64_MAX (twenty digits long). */
    const char *plain = end - c > 19 ? c + 19 : end;
    uint64_t v = 0;
    size_t n;

    for (; c < plain && is_digit(*c); c++)
        v = v * 10 + (unsigned)(*c - '0');
    for (; c < end && is_digit(*c); c++) {
        unsigned d = (unsigned)(*c - '0');

        v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
    }
    *out = v;
    n = (size_t)(c - *s);
    *s = c;
    return n;
}

/* "Jan", "Feb", ... "Dec": month m (1..12) is month_abbr[m - 1]. */
extern const char month_abbr[12][4];

/* The month (1..12) that the 3 bytes at m abbreviate ("Feb", case as
 * month_abbr writes it), or 0 when they are none. */
static inline int month_from_abbr(const char *m)
{
    for (int i = 0; i < 12; i++)
        if (m[0] == month_abbr[i][0] && m[1] == month_abbr[i][1] &&
            m[2] == month_abbr[i][2])
            return i + 1;
    return 0;
}

#endif
