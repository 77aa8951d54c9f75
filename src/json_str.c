/*
 * json_str.c - JSON string escapes decoded (json_str.h).
 *
 * Runs between escapes are copied with one memcpy each: a log line's
 * strings are mostly plain, with an escaped quote or slash here and
 * there.
 */
#include "blogstat.h"
#include "ascii.h"
#include "json_str.h"

#include <stdint.h>
#include <string.h>

static int hex4(const char *s, const char *end, unsigned *v)
{
    unsigned x = 0;

    if (end - s < 4)
        return -1;
    for (int i = 0; i < 4; i++) {
        int h = hex_digit(s[i]);

        if (h < 0)
            return -1;
        x = x << 4 | (unsigned)h;
    }
    *v = x;
    return 0;
}

/* Code point cp as UTF-8 into out (4 bytes); its length. NUL and lone
 * surrogates become U+FFFD. */
static size_t utf8_put(unsigned cp, char *out)
{
    if (cp == 0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        cp = 0xfffd;
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

size_t json_unescape(const char *s, size_t n, char *out, size_t cap)
{
    const char *end = s + n;
    size_t o = 0;

    while (s < end) {
        const char *bs = memchr(s, '\\', (size_t)(end - s));
        size_t run = bs ? (size_t)(bs - s) : (size_t)(end - s);
        unsigned cp, lo;
        char c;

        if (run > cap - o)
            return SIZE_MAX;
        memcpy(out + o, s, run);
        o += run;
        if (!bs)
            break;
        s = bs + 1;
        if (s >= end)
            return SIZE_MAX;
        c = *s++;
        if (c == 'u') {
            if (hex4(s, end, &cp))
                return SIZE_MAX;
            s += 4;
            if (cp >= 0xd800 && cp <= 0xdbff && end - s >= 6 && s[0] == '\\' &&
                s[1] == 'u' && hex4(s + 2, end, &lo) == 0 && lo >= 0xdc00 &&
                lo <= 0xdfff) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                s += 6;
            }
            /* Decoding never lengthens, but a cap below n may still
             * leave less than the up to 4 bytes of this code point. */
            if (cap - o < 4)
                return SIZE_MAX;
            o += utf8_put(cp, out + o);
            continue;
        }
        switch (c) {
        case '"': case '\\': case '/': break;
        case 'b': c = '\b'; break;
        case 'f': c = '\f'; break;
        case 'n': c = '\n'; break;
        case 'r': c = '\r'; break;
        case 't': c = '\t'; break;
        default: return SIZE_MAX;
        }
        if (o == cap)
            return SIZE_MAX;
        out[o++] = c;
    }
    return o;
}
