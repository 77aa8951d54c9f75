/*
 * proxy.c - trusted proxies and the right-most untrusted address of
 * X-Forwarded-For (doc/proxies.md).
 *
 * The list is kept as two arrays of address ranges, IPv4 and IPv6,
 * sorted by first address with every range that lies inside another
 * dropped. CIDR prefixes are nested or disjoint, so what is left is
 * disjoint, and a lookup is one binary search: the last range that
 * starts at or before the address holds it or nothing does. A CDN's
 * published list runs to a few dozen prefixes (hundreds for the largest),
 * and each log line may look up several X-Forwarded-For hops, so the
 * search beats a linear scan where it matters and costs nothing where
 * the list is short; the work of a lookup is dominated by inet_pton().
 */
#include "blogstat.h"
#include "ascii.h"
#include "proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct u128 {
    uint64_t hi, lo;
};

struct range4 {
    uint32_t first, last;
};

struct range6 {
    struct u128 first, last;
};

struct proxies {
    struct range4 *v4;
    size_t n4;
    struct range6 *v6;
    size_t n6;
};

/* An address as matched: IPv4 (IPv4-mapped IPv6 included) or IPv6. */
struct ipaddr {
    int v6;
    uint32_t a4;
    struct u128 a6;
    unsigned char raw[16];   /* as inet_pton wrote it, 4 or 16 bytes */
    int mapped;              /* IPv6 text holding an IPv4-mapped address */
};

/* Which text forms addr_parse() takes. */
enum { FAM_ANY, FAM_V4, FAM_V6 };

static uint64_t load64(const unsigned char *b)
{
    uint64_t v = 0;

    for (int i = 0; i < 8; i++)
        v = (v << 8) | b[i];
    return v;
}

static uint32_t load32(const unsigned char *b)
{
    return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
           ((uint32_t)b[2] << 8) | b[3];
}

/* ::ffff:a.b.c.d (IN6_IS_ADDR_V4MAPPED without its aligned loads). */
static int is_mapped(const unsigned char b[16])
{
    static const unsigned char prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0,
                                             0, 0, 0xff, 0xff};

    return memcmp(b, prefix, sizeof(prefix)) == 0;
}

/*
 * Exactly n bytes of address text into a: IPv6 when the text holds a
 * colon, IPv4 otherwise. 0, or -1 when it is not an address of the family
 * asked for. A NUL inside the text is refused, or "1.2.3.4\0x" would
 * read as 1.2.3.4.
 */
static int addr_parse(const char *p, size_t n, int fam, struct ipaddr *a)
{
    char buf[INET6_ADDRSTRLEN];
    int v6;

    if (n == 0 || n >= sizeof(buf) || memchr(p, '\0', n))
        return -1;
    memcpy(buf, p, n);
    buf[n] = '\0';
    v6 = memchr(buf, ':', n) != NULL;
    if ((fam == FAM_V4 && v6) || (fam == FAM_V6 && !v6))
        return -1;
    memset(a, 0, sizeof(*a));
    if (inet_pton(v6 ? AF_INET6 : AF_INET, buf, a->raw) != 1)
        return -1;
    if (v6 && is_mapped(a->raw)) {
        a->mapped = 1;
        v6 = 0;
        a->a4 = load32(a->raw + 12);
    } else if (v6) {
        a->a6.hi = load64(a->raw);
        a->a6.lo = load64(a->raw + 8);
    } else {
        a->a4 = load32(a->raw);
    }
    a->v6 = v6;
    return 0;
}

static int has4(const struct proxies *px, uint32_t a)
{
    size_t lo = 0, hi = px->n4;

    /* The number of ranges starting at or before a. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (px->v4[mid].first <= a)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && a <= px->v4[lo - 1].last;
}

static int le128(struct u128 a, struct u128 b)
{
    return a.hi < b.hi || (a.hi == b.hi && a.lo <= b.lo);
}

static int has6(const struct proxies *px, struct u128 a)
{
    size_t lo = 0, hi = px->n6;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (le128(px->v6[mid].first, a))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && le128(a, px->v6[lo - 1].last);
}

static int has(const struct proxies *px, const struct ipaddr *a)
{
    return a->v6 ? has6(px, a->a6) : has4(px, a->a4);
}

/* ---- parsing the list ---------------------------------------------- */

/* The entry as an error message shows it: valid UTF-8, no control
 * characters, cut after 48 bytes. */
static const char *shown(const char *p, size_t n, char out[160])
{
    size_t k = n > 48 ? 48 : n;
    size_t w = utf8_sanitize(p, k, out, 150);

    if (k < n)
        memcpy(out + w, "...", 4);
    return out;
}

/* Clear the bits of b (nbytes) after the first len; 1 when one was set. */
static int mask_bytes(unsigned char *b, size_t nbytes, unsigned len)
{
    int changed = 0;

    for (size_t i = 0; i < nbytes; i++) {
        unsigned keep = len >= 8 * (i + 1) ? 8
                        : len > 8 * i      ? len - 8 * (unsigned)i
                                           : 0;
        unsigned char m = (unsigned char)(0xff00u >> keep);

        if (b[i] & ~m)
            changed = 1;
        b[i] &= m;
    }
    return changed;
}

static void add4(struct proxies *px, size_t *cap, uint32_t a, unsigned len)
{
    /* A shift by 32 is undefined. */
    uint32_t host = len >= 32 ? 0 : 0xffffffffu >> len;

    if (px->n4 == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        px->v4 = xrealloc(px->v4, *cap * sizeof(*px->v4));
    }
    px->v4[px->n4].first = a & ~host;
    px->v4[px->n4].last = a | host;
    px->n4++;
}

static void add6(struct proxies *px, size_t *cap, struct u128 a,
                 unsigned len)
{
    struct u128 host;

    /* Shifts by 64 are undefined: each half is all or part. */
    host.hi = len >= 64 ? 0 : len == 0 ? ~0ull : ~0ull >> len;
    host.lo = len >= 128 ? 0 : len <= 64 ? ~0ull : ~0ull >> (len - 64);
    if (px->n6 == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        px->v6 = xrealloc(px->v6, *cap * sizeof(*px->v6));
    }
    px->v6[px->n6].first.hi = a.hi & ~host.hi;
    px->v6[px->n6].first.lo = a.lo & ~host.lo;
    px->v6[px->n6].last.hi = a.hi | host.hi;
    px->v6[px->n6].last.lo = a.lo | host.lo;
    px->n6++;
}

/* One entry of the list: ADDR or ADDR/LEN. */
static int parse_entry(struct proxies *px, size_t caps[2], const char *p,
                       size_t n, struct bs_err *err)
{
    char show[160];
    const char *slash = memchr(p, '/', n);
    size_t an = slash ? (size_t)(slash - p) : n;
    unsigned len, max;
    struct ipaddr a;

    if (memchr(p, '%', an))
        return bs_fail(err, BS_USAGE,
                       "trusted proxy '%s': zone ids (%%eth0) are not "
                       "allowed; write the address alone",
                       shown(p, n, show));
    if (n > PROXY_MAX_ITEM || addr_parse(p, an, FAM_ANY, &a) != 0)
        return bs_fail(err, BS_USAGE,
                       "trusted proxy '%s' is not an IP address or a CIDR "
                       "prefix (such as 10.0.0.0/8 or 2001:db8::/32)",
                       shown(p, n, show));
    max = a.v6 || a.mapped ? 128 : 32;
    len = max;
    if (slash) {
        size_t dn = n - an - 1;
        int v;

        len = dn >= 1 && dn <= 3 && !digits_n(slash + 1, (int)dn, &v)
                  ? (unsigned)v : 999;
        if (len > max)
            return bs_fail(err, BS_USAGE,
                           "trusted proxy '%s': the prefix length must be "
                           "a number from 0 to %u",
                           shown(p, n, show), max);
    }
    if (a.mapped && len < 96)
        return bs_fail(err, BS_USAGE,
                       "trusted proxy '%s': an IPv4-mapped prefix is at "
                       "least /96 (::ffff:10.0.0.0/104 is 10.0.0.0/8)",
                       shown(p, n, show));
    if (mask_bytes(a.raw, a.v6 || a.mapped ? 16 : 4, len)) {
        char net[INET6_ADDRSTRLEN];

        if (!inet_ntop(a.v6 || a.mapped ? AF_INET6 : AF_INET, a.raw, net,
                       sizeof(net)))
            net[0] = '\0';
        return bs_fail(err, BS_USAGE,
                       "trusted proxy '%s' has host bits set; write the "
                       "network %s/%u, or the one address without /%u",
                       shown(p, n, show), net, len, len);
    }
    if (a.v6)
        add6(px, &caps[1], a.a6, len);
    else
        add4(px, &caps[0], a.a4, a.mapped ? len - 96 : len);
    return 0;
}

/* Sorted by first address; at the same start, the widest first. */
static int cmp4(const void *x, const void *y)
{
    const struct range4 *a = x, *b = y;

    if (a->first != b->first)
        return a->first < b->first ? -1 : 1;
    if (a->last != b->last)
        return a->last > b->last ? -1 : 1;
    return 0;
}

static int cmp128(struct u128 a, struct u128 b)
{
    if (a.hi != b.hi)
        return a.hi < b.hi ? -1 : 1;
    if (a.lo != b.lo)
        return a.lo < b.lo ? -1 : 1;
    return 0;
}

static int cmp6(const void *x, const void *y)
{
    const struct range6 *a = x, *b = y;
    int c = cmp128(a->first, b->first);

    return c ? c : -cmp128(a->last, b->last);
}

/*
 * Sort and drop the ranges inside another. Sorted by start, the widest
 * first at a start, a range that overlaps the last one kept lies inside
 * it (prefixes nest or are disjoint), and the kept ones are disjoint.
 */
static void normalize(struct proxies *px)
{
    size_t k = 0;

    if (px->n4 > 1) {
        qsort(px->v4, px->n4, sizeof(*px->v4), cmp4);
        for (size_t i = 1; i < px->n4; i++)
            if (px->v4[i].first > px->v4[k].last)
                px->v4[++k] = px->v4[i];
        px->n4 = k + 1;
    }
    k = 0;
    if (px->n6 > 1) {
        qsort(px->v6, px->n6, sizeof(*px->v6), cmp6);
        for (size_t i = 1; i < px->n6; i++)
            if (!le128(px->v6[i].first, px->v6[k].last))
                px->v6[++k] = px->v6[i];
        px->n6 = k + 1;
    }
}

static int is_sep(char c)
{
    return c == ' ' || c == '\t' || c == ',' || c == '\r' || c == '\n' ||
           c == '\v' || c == '\f';
}

struct proxies *proxies_parse(const char *list, struct bs_err *err)
{
    struct proxies *px = xcalloc(1, sizeof(*px));
    size_t caps[2] = {0, 0};
    const char *p = list ? list : "";

    for (;;) {
        size_t n = 0;

        while (is_sep(*p))
            p++;
        if (*p == '\0')
            break;
        while (p[n] && !is_sep(p[n]))
            n++;
        if (parse_entry(px, caps, p, n, err) != 0) {
            proxies_free(px);
            return NULL;
        }
        p += n;
    }
    normalize(px);
    return px;
}

void proxies_free(struct proxies *px)
{
    if (!px)
        return;
    free(px->v4);
    free(px->v6);
    free(px);
}

size_t proxies_count(const struct proxies *px)
{
    return px ? px->n4 + px->n6 : 0;
}

int proxies_contains(const struct proxies *px, const char *addr, size_t n)
{
    struct ipaddr a;

    if (!px || addr_parse(addr, n, FAM_ANY, &a) != 0)
        return 0;
    return has(px, &a);
}

/* ---- X-Forwarded-For ------------------------------------------------ */

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static struct slice trim(struct slice s)
{
    while (s.n > 0 && is_blank(s.p[0]))
        s.p++, s.n--;
    while (s.n > 0 && is_blank(s.p[s.n - 1]))
        s.n--;
    return s;
}

/* ":PORT" (n bytes), the port a decimal number up to 65535. */
static int port_ok(const char *p, size_t n)
{
    int v = 0;

    return n >= 2 && n <= 6 && p[0] == ':' &&
           digits_n(p + 1, (int)n - 1, &v) == 0 && v <= 65535;
}

/*
 * The address of one trimmed X-Forwarded-For item: "ADDR", "IPV4:PORT",
 * "[IPV6]" or "[IPV6]:PORT". 0 with the address's slice in *out, or -1.
 * A bare IPv6 address cannot carry a port: "2001:db8::1:443" is an
 * address, and is read as one.
 */
static int item_addr(struct slice it, struct slice *out, struct ipaddr *a)
{
    const char *colon;

    if (it.n == 0 || it.n > PROXY_MAX_ITEM)
        return -1;
    if (it.p[0] == '[') {
        const char *close = memchr(it.p, ']', it.n);
        size_t an, rest;

        if (!close)
            return -1;
        an = (size_t)(close - it.p) - 1;
        rest = it.n - an - 2;
        if ((rest && !port_ok(close + 1, rest)) ||
            addr_parse(it.p + 1, an, FAM_V6, a) != 0)
            return -1;
        *out = slice_make(it.p + 1, an);
        return 0;
    }
    colon = memchr(it.p, ':', it.n);
    if (colon && !memchr(colon + 1, ':', it.n - (size_t)(colon - it.p) - 1)) {
        size_t an = (size_t)(colon - it.p);

        if (!port_ok(colon, it.n - an) ||
            addr_parse(it.p, an, FAM_V4, a) != 0)
            return -1;
        *out = slice_make(it.p, an);
        return 0;
    }
    if (addr_parse(it.p, it.n, FAM_ANY, a) != 0)
        return -1;
    *out = it;
    return 0;
}

struct slice proxies_client(const struct proxies *px, struct slice conn,
                            struct slice xff)
{
    struct slice last = conn;
    size_t end;

    if (!px || !proxies_contains(px, conn.p, conn.n))
        return conn;
    xff = trim(xff);
    if (xff.n == 0 || (xff.n == 1 && xff.p[0] == '-'))
        return conn;
    /* Items from the right: each byte is read by the scan, and again at
     * most by trim() and, up to PROXY_MAX_ITEM, item_addr(). */
    end = xff.n;
    for (;;) {
        size_t start = end;
        struct slice addr;
        struct ipaddr a;

        while (start > 0 && xff.p[start - 1] != ',')
            start--;
        if (item_addr(trim(slice_make(xff.p + start, end - start)), &addr,
                      &a) != 0)
            return last;
        if (!has(px, &a))
            return addr;
        last = addr;
        if (start == 0)
            return last;
        end = start - 1;
    }
}
