/*
 * util.c - allocation wrappers, the arena, hashing, calendar arithmetic,
 * the month names and the error record shared by all modules.
 */
#define _DEFAULT_SOURCE /* madvise */
#include "blogstat.h"
#include "ascii.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int bs_fail_at(struct bs_err *err, int status, const char *file, int line,
               const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return -1;
    /* Keep the first error: it is the cause, later ones are consequences. */
    if (err->status)
        return -1;
    err->status = status;
    err->src_file = file;
    err->src_line = line;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return -1;
}

_Noreturn void bs_bug_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "blogstat: BUG: %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

static _Noreturn void oom(size_t n)
{
    fprintf(stderr, "blogstat: out of memory allocating %zu bytes\n", n);
    exit(BS_OSERR);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (!p)
        oom(n);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);

    if (!p)
        oom(count * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (!q)
        oom(n);
    return q;
}

/*
 * Take in the whole pages of [p, p + n) at once: a page's first write
 * otherwise faults it in alone, and on some virtual machines (the 2-core
 * ones this project is measured on) each such fault costs about 10 us,
 * against under 1 us a page taken this way. Only for memory that is
 * about to be written all over. A kernel before Linux 5.14 refuses the
 * advice; the pages then fault in one at a time.
 */
void mem_populate(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
    long pg = sysconf(_SC_PAGESIZE);
    uintptr_t mask = pg > 0 ? (uintptr_t)pg - 1 : 4095;
    uintptr_t a = ((uintptr_t)p + mask) & ~mask;
    uintptr_t e = ((uintptr_t)p + n) & ~mask;

    if (n >= POPULATE_MIN && e > a)
        (void)madvise((void *)a, e - a, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)n;
#endif
}

void *xcalloc_filled(size_t count, size_t size)
{
    void *p = xcalloc(count, size);

    mem_populate(p, count * size);
    return p;
}

char *xstrdup(const char *s)
{
    return xmemdup(s, strlen(s));
}

char *xmemdup(const void *p, size_t n)
{
    char *q = xmalloc(n + 1);

    memcpy(q, p, n);
    q[n] = '\0';
    return q;
}

struct arena_block {
    struct arena_block *next;
    size_t used, size;
    /* Keep data 8-byte aligned whatever the header's size. */
    _Alignas(8) unsigned char data[];
};

void arena_init(struct arena *a, size_t block_size)
{
    a->head = NULL;
    a->block_size = block_size ? block_size : 64 * 1024;
    a->total = 0;
}

void *arena_alloc(struct arena *a, size_t n)
{
    struct arena_block *b = a->head;

    n = (n + 7) & ~(size_t)7;
    if (!b || b->size - b->used < n) {
        size_t size = n > a->block_size ? n : a->block_size;

        b = xmalloc(sizeof(*b) + size);
        mem_populate(b, sizeof(*b) + size);
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    b->used += n;
    a->total += n;
    return b->data + b->used - n;
}

char *arena_memdup(struct arena *a, const void *p, size_t n)
{
    char *q = arena_alloc(a, n + 1);

    memcpy(q, p, n);
    q[n] = '\0';
    return q;
}

void arena_release(struct arena *a)
{
    struct arena_block *b = a->head;

    while (b) {
        struct arena_block *next = b->next;

        free(b);
        b = next;
    }
    a->head = NULL;
    a->total = 0;
}

static inline uint64_t load64(const unsigned char *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return v;
}

static inline uint32_t load32(const unsigned char *p)
{
    uint32_t v;

    memcpy(&v, p, 4);
    return v;
}

uint64_t bs_hash(const void *p, size_t n)
{
    return bs_hash_seeded(p, n, 0);
}

uint64_t bs_hash_seeded(const void *p, size_t n, uint64_t seed)
{
    const unsigned char *s = p;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (n * 0x100000001b3ULL) ^
                 bs_fmix64(seed + 0x632be59bd9b4e019ULL);
    uint64_t tail = 0;

    /* Eight bytes a step, multiply-rotate mixing; fmix64 finishes. */
    for (; n >= 8; s += 8, n -= 8) {
        h ^= load64(s) * 0x87c37b91114253d5ULL;
        h = ((h << 31) | (h >> 33)) * 0x4cf5ad432745937fULL;
    }
    /* The last n % 8 bytes, little-endian: loaded whole (a key is a
     * few dozen bytes, so this part costs as much as the loop). */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (n > 0 && s != p) {
        /* The 8 bytes that end with them: theirs are the top ones. */
        tail = load64(s + n - 8) >> (64 - 8 * n);
    } else if (n >= 4) {
        tail = load32(s) | (uint64_t)load32(s + n - 4) << (8 * (n - 4));
    } else if (n > 0) {
        tail = s[0] | (uint64_t)s[n / 2] << (8 * (n / 2)) |
               (uint64_t)s[n - 1] << (8 * (n - 1));
    }
#else
    for (size_t i = 0; i < n; i++)
        tail |= (uint64_t)s[i] << (8 * i);
#endif
    h ^= tail * 0x87c37b91114253d5ULL;
    return bs_fmix64(h);
}

/* Howard Hinnant's days_from_civil, on the proleptic Gregorian calendar. */
int32_t days_from_civil(int y, unsigned m, unsigned d)
{
    int era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int32_t)doe - 719468;
}

void civil_from_days(int32_t z, int *y, unsigned *m, unsigned *d)
{
    int era;
    unsigned doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)yoe + era * 400 + (*m <= 2);
}

void day_format(int32_t day, char buf[11])
{
    int y;
    unsigned m, d;

    civil_from_days(day, &y, &m, &d);
    if (y < 0 || y > 9999) {
        memcpy(buf, "0000-00-00", 11);
        return;
    }
    buf[0] = (char)('0' + y / 1000);
    buf[1] = (char)('0' + y / 100 % 10);
    buf[2] = (char)('0' + y / 10 % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + d / 10);
    buf[9] = (char)('0' + d % 10);
    buf[10] = '\0';
}

const char month_abbr[12][4] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

int days_in_month(int y, unsigned m)
{
    static const unsigned char len[] = {31, 28, 31, 30, 31, 30,
                                        31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 ? 28 + leap : len[m - 1];
}

int day_parse(const char *s, int32_t *day)
{
    int y, m, d;

    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
        digits_n(s, 4, &y) || digits_n(s + 5, 2, &m) || digits_n(s + 8, 2, &d))
        return -1;
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, (unsigned)m))
        return -1;
    *day = days_from_civil(y, (unsigned)m, (unsigned)d);
    return 0;
}

const char *plural(int64_t n, const char *one, const char *many)
{
    return n == 1 || n == -1 ? one : many;
}

size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    if (n == 0)
        return 0;
    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF)
        return n >= 2 && (s[1] & 0xC0) == 0x80 ? 2 : 0;
    if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0))
            return 0;
        return 3;
    }
    if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
            (s[3] & 0xC0) != 0x80)
            return 0;
        if ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))
            return 0;
        return 4;
    }
    return 0;
}

size_t utf8_invisible(const char *s, size_t n, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    uint32_t c;

    if (n >= 2 && u[0] == 0xD8 && u[1] == 0x9C) {
        *cp = 0x061C;
        return 2;
    }
    if (n < 3 || (u[0] != 0xE2 && u[0] != 0xEF) || utf8_seq_len(u, n) != 3)
        return 0;
    c = (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 |
        (uint32_t)(u[2] & 0x3F);
    if ((c >= 0x200B && c <= 0x200F) || (c >= 0x2028 && c <= 0x202E) ||
        (c >= 0x2060 && c <= 0x206F && c != 0x2065) || c == 0xFEFF) {
        *cp = c;
        return 3;
    }
    return 0;
}

char *utf8_visible(const char *s)
{
    size_t n = strlen(s), extra = 0, len;
    uint32_t cp;
    char *out, *o;

    for (size_t i = 0; i < n; i++)
        if ((len = utf8_invisible(s + i, n - i, &cp)) > 0) {
            extra += 8;        /* "<U+XXXX>" for at most 3 bytes */
            i += len - 1;
        }
    out = o = xmalloc(n + extra + 1);
    for (size_t i = 0; i < n;) {
        if ((len = utf8_invisible(s + i, n - i, &cp)) > 0) {
            o += snprintf(o, 9, "<U+%04" PRIX32 ">", cp);
            i += len;
        } else {
            *o++ = s[i++];
        }
    }
    *o = '\0';
    return out;
}

size_t utf8_sanitize(const char *in, size_t n, char *out, size_t cap)
{
    const unsigned char *p = (const unsigned char *)in, *end = p + n;
    size_t o = 0;

    while (p < end) {
        size_t l = utf8_seq_len(p, (size_t)(end - p));
        const char *src = (const char *)p;

        /* C0 and C1 controls (U+0080..U+009F is C2 80..C2 9F) included. */
        if (l == 0 || (l == 1 && ((*p < 0x20 && *p != '\t') || *p == 0x7f)) ||
            (l == 2 && p[0] == 0xC2 && p[1] < 0xA0)) {
            /* One U+FFFD per invalid byte or per control character. */
            p += l ? l : 1;
            src = "\xEF\xBF\xBD";
            l = 3;
        } else {
            p += l;
        }
        if (o + l >= cap)
            break;
        memcpy(out + o, src, l);
        o += l;
    }
    out[o] = '\0';
    return o;
}

int bs_fail_create_db(struct bs_err *err, const char *path, int e)
{
    const char *slash = strrchr(path, '/');
    int n = slash ? (int)(slash - path) : 1;
    const char *dir = slash ? path : ".";

    char folder[PATH_MAX];
    struct stat st;

    if (slash == path)
        n = 1;
    snprintf(folder, sizeof(folder), "%.*s", n, dir);
    if (e == ENOENT && stat(folder, &st) != 0)
        return bs_fail(err, BS_CANTCREAT, "cannot create database '%s': its "
                       "folder '%.*s' does not exist; create it (mkdir -p "
                       "'%.*s') or give --db another path", path, n, dir, n,
                       dir);
    if (e == EACCES || e == EROFS || e == EPERM)
        return bs_fail(err, BS_CANTCREAT, "cannot create database '%s': %s; "
                       "give --db a path in a folder you may write to", path,
                       strerror(e));
    return bs_fail(err, BS_IOERR, "cannot create database '%s': %s", path,
                   strerror(e));
}

size_t utf8_trim_partial(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t k = n, want;

    /* The last lead byte, at most 3 continuation bytes back. */
    while (k > 0 && n - k < 4 && (u[k - 1] & 0xC0) == 0x80)
        k--;
    if (k == 0 || (u[k - 1] & 0xC0) != 0xC0)
        return n;
    k--;
    want = u[k] >= 0xF0 ? 4 : u[k] >= 0xE0 ? 3 : 2;
    return n - k < want ? k : n;
}
