/*
 * netrange.c - addresses read by hand, the special-purpose blocks, and
 * CIDR sets as sorted disjoint ranges.
 *
 * CIDR prefixes are nested or disjoint: sorted by first address (the
 * widest first at a start), a prefix that overlaps the last one kept lies
 * inside it, so dropping those leaves disjoint ranges, and the last range
 * starting at or before an address holds it or nothing does.
 */
#include "blogstat.h"
#include "ascii.h"
#include "netrange.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

struct range4 {
    uint32_t first, last;
};

struct range6 {
    uint64_t first_hi, first_lo, last_hi, last_lo;
};

struct netrange {
    struct range4 *v4;
    size_t n4, cap4;
    struct range6 *v6;
    size_t n6, cap6;
};

/* ---- reading an address -------------------------------------------------- */

/* A dotted quad filling [p, end) exactly, as inet_pton(AF_INET) reads it. */
static int parse_quad(const char *p, const char *end, uint32_t *out)
{
    uint32_t v = 0;

    for (int part = 0; part < 4; part++) {
        unsigned o = 0, digits = 0;

        if (part > 0) {
            if (p == end || *p != '.')
                return -1;
            p++;
        }
        for (; p < end && is_digit(*p) && digits < 4; p++) {
            if (digits > 0 && o == 0)
                return -1;
            o = o * 10 + (unsigned)(*p - '0');
            digits++;
        }
        if (digits == 0 || o > 255)
            return -1;
        v = v << 8 | o;
    }
    if (p != end)
        return -1;
    *out = v;
    return 0;
}

/* IPv6 text filling [p, end) exactly, as inet_pton(AF_INET6) reads it:
 * eight groups of 1 to 4 hex digits, "::" once for a run of zero groups
 * (one or more), the last two groups maybe written as a dotted quad. */
static int parse_six(const char *p, const char *end, uint16_t g[8])
{
    uint16_t t[8];
    int ng = 0, gap = -1;
    const char *q = p;

    if (end - p >= 2 && p[0] == ':' && p[1] == ':') {
        gap = 0;
        q += 2;
    } else if (p < end && p[0] == ':') {
        return -1;
    }
    while (q < end) {
        const char *s = q;
        unsigned v = 0;
        int k = 0, h;

        while (q < end && k < 5 && (h = hex_digit(*q)) >= 0) {
            v = v << 4 | (unsigned)h;
            q++;
            k++;
        }
        if (q < end && *q == '.') {
            uint32_t quad;

            if (ng > 6 || parse_quad(s, end, &quad))
                return -1;
            t[ng++] = (uint16_t)(quad >> 16);
            t[ng++] = (uint16_t)quad;
            break;
        }
        if (k == 0 || k > 4 || ng == 8)
            return -1;
        t[ng++] = (uint16_t)v;
        if (q == end)
            break;
        if (*q++ != ':' || q == end)
            return -1;
        if (*q == ':') {
            if (gap >= 0)
                return -1;
            gap = ng;
            q++;
        }
    }
    if (gap < 0 && ng != 8)
        return -1;
    if (gap >= 0 && ng > 7)
        return -1;
    memset(g, 0, 8 * sizeof(*g));
    if (gap < 0)
        gap = ng;
    memcpy(g, t, (size_t)gap * sizeof(*g));
    memcpy(g + 8 - (ng - gap), t + gap, (size_t)(ng - gap) * sizeof(*g));
    return 0;
}

/* A zone id: what names an interface ("eth0", "en0", "3"). */
static int zone_ok(const char *p, const char *end)
{
    if (p == end || end - p > 32)
        return 0;
    for (; p < end; p++)
        if (!is_digit(*p) && !(*p >= 'a' && *p <= 'z') &&
            !(*p >= 'A' && *p <= 'Z') && !strchr("._-", *p))
            return 0;
    return 1;
}

int netaddr_parse(const char *p, size_t n, struct netaddr *a)
{
    const char *end = p + n, *pct;
    uint16_t g[8];
    uint64_t hi = 0, lo = 0;

    if (n == 0 || n > NETADDR_MAX_TEXT)
        return -1;
    if (!memchr(p, ':', n)) {
        uint32_t v;

        if (parse_quad(p, end, &v))
            return -1;
        *a = (struct netaddr){0, v, 0, 0};
        return 0;
    }
    if ((pct = memchr(p, '%', n)) != NULL) {
        if (!zone_ok(pct + 1, end))
            return -1;
        end = pct;
    }
    if (parse_six(p, end, g))
        return -1;
    for (int i = 0; i < 4; i++) {
        hi = hi << 16 | g[i];
        lo = lo << 16 | g[i + 4];
    }
    if (hi == 0 && lo >> 32 == 0xffff)
        *a = (struct netaddr){0, (uint32_t)lo, 0, 0};
    else
        *a = (struct netaddr){1, 0, hi, lo};
    return 0;
}

size_t netaddr_bytes(const struct netaddr *a, unsigned char out[16])
{
    if (!a->v6) {
        for (int i = 0; i < 4; i++)
            out[i] = (unsigned char)(a->v4 >> (24 - 8 * i));
        return 4;
    }
    for (int i = 0; i < 8; i++) {
        out[i] = (unsigned char)(a->hi >> (56 - 8 * i));
        out[8 + i] = (unsigned char)(a->lo >> (56 - 8 * i));
    }
    return 16;
}

/* ---- the special-purpose blocks ------------------------------------------ */

struct special4 {
    uint32_t net;
    unsigned len;
    const char *name;
};

struct special6 {
    uint64_t hi, lo;
    unsigned len;
    const char *name;
};

/*
 * IANA's IPv4 Special-Purpose Address Registry, the blocks that are not
 * globally reachable (192.0.0.0/24 whole: its two reachable addresses
 * are anycast services, never a reader), with multicast and the
 * limited broadcast inside 240.0.0.0/4.
 */
static const struct special4 special4[] = {
    {0x00000000u, 8, "this network"},
    {0x0a000000u, 8, "private-use"},
    {0x64400000u, 10, "shared address space"},
    {0x7f000000u, 8, "loopback"},
    {0xa9fe0000u, 16, "link-local"},
    {0xac100000u, 12, "private-use"},
    {0xc0000000u, 24, "IETF protocol assignments"},
    {0xc0000200u, 24, "documentation"},
    {0xc0586300u, 24, "6to4 relay anycast"},
    {0xc0a80000u, 16, "private-use"},
    {0xc6120000u, 15, "benchmarking"},
    {0xc6336400u, 24, "documentation"},
    {0xcb007100u, 24, "documentation"},
    {0xe0000000u, 4, "multicast"},
    {0xf0000000u, 4, "reserved"},
};

/*
 * The IPv6 registry's blocks that are not globally reachable and lie in
 * 2000::/3 (outside it everything but the IPv4 carriers is reserved or
 * local: unique-local, link-local, multicast, ::1, ...). Of 2001::/23
 * only the benchmarking block and ORCHID: the rest holds Teredo clients
 * and anycast services.
 */
static const struct special6 special6[] = {
    {0x20010002ull << 32, 0, 48, "benchmarking"},
    {0x20010010ull << 32, 0, 28, "ORCHID"},
    {0x20010db8ull << 32, 0, 32, "documentation"},
    {0x3fffull << 48, 0, 20, "documentation"},
};

/* Outside 2000::/3, from the first address on, by name. */
static const struct special6 local6[] = {
    {0, 0, 128, "unspecified"},
    {0, 1, 128, "loopback"},
    {0x0064ff9b0001ull << 16, 0, 48, "IPv4/IPv6 translation"},
    {0x0100ull << 48, 0, 64, "discard-only"},
    {0x5f00ull << 48, 0, 16, "segment routing"},
    {0xfcull << 56, 0, 7, "unique-local"},
    {0xfe80ull << 48, 0, 10, "link-local"},
    {0xfec0ull << 48, 0, 10, "site-local"},
    {0xffull << 56, 0, 8, "multicast"},
};

static int in4(uint32_t a, uint32_t net, unsigned len)
{
    return len == 0 || (a ^ net) >> (32 - len) == 0;
}

static int in6(uint64_t hi, uint64_t lo, uint64_t nhi, uint64_t nlo,
               unsigned len)
{
    if (len <= 64)
        return len == 0 || (hi ^ nhi) >> (64 - len) == 0;
    return hi == nhi && (lo ^ nlo) >> (128 - len) == 0;
}

static const char *special_v4(uint32_t a)
{
    for (size_t i = 0; i < ARRAY_SIZE(special4); i++)
        if (in4(a, special4[i].net, special4[i].len))
            return special4[i].name;
    return NULL;
}

static const char *match6(const struct special6 *t, size_t n,
                          const struct netaddr *a)
{
    for (size_t i = 0; i < n; i++)
        if (in6(a->hi, a->lo, t[i].hi, t[i].lo, t[i].len))
            return t[i].name;
    return NULL;
}

const char *netaddr_special(const struct netaddr *a)
{
    const char *name;

    if (!a->v6)
        return special_v4(a->v4);
    /* NAT64 (64:ff9b::/96) and 6to4 (2002::/16) carry an IPv4 client. */
    if (a->hi == 0x0064ff9b00000000ull && a->lo >> 32 == 0)
        return special_v4((uint32_t)a->lo);
    if (a->hi >> 48 == 0x2002)
        return special_v4((uint32_t)(a->hi >> 16));
    if ((name = match6(local6, ARRAY_SIZE(local6), a)) != NULL)
        return name;
    if (a->hi >> 61 != 1)
        return "reserved";
    return match6(special6, ARRAY_SIZE(special6), a);
}

/* ---- sets ----------------------------------------------------------------- */

static int le6(uint64_t ahi, uint64_t alo, uint64_t bhi, uint64_t blo)
{
    return ahi < bhi || (ahi == bhi && alo <= blo);
}

static void add4(struct netrange *r, uint32_t a, unsigned len)
{
    uint32_t host = len >= 32 ? 0 : 0xffffffffu >> len;

    if (r->n4 == r->cap4) {
        r->cap4 = r->cap4 ? 2 * r->cap4 : 8;
        r->v4 = xrealloc(r->v4, r->cap4 * sizeof(*r->v4));
    }
    r->v4[r->n4++] = (struct range4){a & ~host, a | host};
}

/* The host bits of a /len IPv6 prefix, each half. */
static void host6(unsigned len, uint64_t *hi, uint64_t *lo)
{
    *hi = len >= 64 ? 0 : len == 0 ? ~0ull : ~0ull >> len;
    *lo = len >= 128 ? 0 : len <= 64 ? ~0ull : ~0ull >> (len - 64);
}

static void add6(struct netrange *r, uint64_t hi, uint64_t lo, unsigned len)
{
    uint64_t hh, hl;

    host6(len, &hh, &hl);
    if (r->n6 == r->cap6) {
        r->cap6 = r->cap6 ? 2 * r->cap6 : 8;
        r->v6 = xrealloc(r->v6, r->cap6 * sizeof(*r->v6));
    }
    r->v6[r->n6++] = (struct range6){hi & ~hh, lo & ~hl, hi | hh, lo | hl};
}

/* The entry as a message shows it: valid UTF-8, cut after 48 bytes. */
static const char *shown(const char *p, size_t n, char out[160])
{
    size_t k = n > 48 ? 48 : n;
    size_t w = utf8_sanitize(p, k, out, 150);

    if (k < n)
        memcpy(out + w, "...", 4);
    return out;
}

/* One entry, ADDR or ADDR/LEN: 0, or -1 with err. */
static int parse_entry(struct netrange *r, const char *p, size_t n,
                       const char *what, struct bs_err *err)
{
    char show[160], net[64];
    const char *slash = memchr(p, '/', n);
    size_t an = slash ? (size_t)(slash - p) : n;
    int mapped, v;
    unsigned len, max;
    struct netaddr a;
    unsigned char b[16];

    if (memchr(p, '%', an))
        return bs_fail(err, BS_USAGE, "%s '%s': zone ids (%%eth0) are not "
                       "allowed; write the address alone", what,
                       shown(p, n, show));
    if (netaddr_parse(p, an, &a))
        return bs_fail(err, BS_USAGE, "%s '%s' is not an IP address or a "
                       "CIDR prefix (such as 192.168.0.0/16 or "
                       "2001:db8::/32)", what, shown(p, n, show));
    mapped = !a.v6 && memchr(p, ':', an) != NULL;
    max = a.v6 || mapped ? 128 : 32;
    len = max;
    if (slash) {
        size_t dn = n - an - 1;

        len = dn >= 1 && dn <= 3 && !digits_n(slash + 1, (int)dn, &v)
                  ? (unsigned)v : 999;
        if (len > max)
            return bs_fail(err, BS_USAGE, "%s '%s': the prefix length must "
                           "be a number from 0 to %u", what,
                           shown(p, n, show), max);
        if (mapped && len < 96)
            return bs_fail(err, BS_USAGE, "%s '%s': an IPv4-mapped prefix "
                           "is at least /96 (::ffff:10.0.0.0/104 is "
                           "10.0.0.0/8)", what, shown(p, n, show));
    }
    if (mapped)
        len -= 96;
    if (a.v6) {
        uint64_t hh, hl;

        host6(len, &hh, &hl);
        if ((a.hi & hh) || (a.lo & hl)) {
            a.hi &= ~hh;
            a.lo &= ~hl;
            netaddr_bytes(&a, b);
            if (!inet_ntop(AF_INET6, b, net, sizeof(net)))
                net[0] = '\0';
            return bs_fail(err, BS_USAGE, "%s '%s' has host bits set; "
                           "write the network %s/%u, or the one address "
                           "without /%u", what, shown(p, n, show), net, len,
                           len);
        }
        add6(r, a.hi, a.lo, len);
        return 0;
    }
    if (len < 32 && (a.v4 & (0xffffffffu >> len))) {
        a.v4 &= ~(0xffffffffu >> len);
        netaddr_bytes(&a, b);
        if (!inet_ntop(AF_INET, b, net, sizeof(net)))
            net[0] = '\0';
        return bs_fail(err, BS_USAGE, "%s '%s' has host bits set; write the "
                       "network %s%s/%u, or the one address without /%u",
                       what, shown(p, n, show), mapped ? "::ffff:" : "", net,
                       len + (mapped ? 96 : 0), len + (mapped ? 96 : 0));
    }
    add4(r, a.v4, len);
    return 0;
}

/* By first address; at the same start, the widest first. */
static int cmp4(const void *x, const void *y)
{
    const struct range4 *a = x, *b = y;

    if (a->first != b->first)
        return a->first < b->first ? -1 : 1;
    if (a->last != b->last)
        return a->last > b->last ? -1 : 1;
    return 0;
}

static int cmp6(const void *x, const void *y)
{
    const struct range6 *a = x, *b = y;

    if (a->first_hi != b->first_hi)
        return a->first_hi < b->first_hi ? -1 : 1;
    if (a->first_lo != b->first_lo)
        return a->first_lo < b->first_lo ? -1 : 1;
    if (a->last_hi != b->last_hi)
        return a->last_hi > b->last_hi ? -1 : 1;
    if (a->last_lo != b->last_lo)
        return a->last_lo > b->last_lo ? -1 : 1;
    return 0;
}

/* Sort, and drop the ranges that lie inside the one kept before. */
static void normalize(struct netrange *r)
{
    size_t k = 0;

    if (r->n4 > 1) {
        qsort(r->v4, r->n4, sizeof(*r->v4), cmp4);
        for (size_t i = 1; i < r->n4; i++)
            if (r->v4[i].first > r->v4[k].last)
                r->v4[++k] = r->v4[i];
        r->n4 = k + 1;
    }
    k = 0;
    if (r->n6 > 1) {
        qsort(r->v6, r->n6, sizeof(*r->v6), cmp6);
        for (size_t i = 1; i < r->n6; i++)
            if (!le6(r->v6[i].first_hi, r->v6[i].first_lo,
                     r->v6[k].last_hi, r->v6[k].last_lo))
                r->v6[++k] = r->v6[i];
        r->n6 = k + 1;
    }
}

static int is_sep(char c)
{
    return c == ' ' || c == '\t' || c == ',' || c == '\r' || c == '\n' ||
           c == '\v' || c == '\f';
}

struct netrange *netrange_parse(const char *list, const char *what,
                                struct bs_err *err)
{
    struct netrange *r = xcalloc(1, sizeof(*r));
    const char *p = list ? list : "";

    for (;;) {
        size_t n = 0;

        while (is_sep(*p))
            p++;
        if (*p == '\0')
            break;
        while (p[n] && !is_sep(p[n]))
            n++;
        if (parse_entry(r, p, n, what, err)) {
            netrange_free(r);
            return NULL;
        }
        p += n;
    }
    normalize(r);
    return r;
}

void netrange_free(struct netrange *r)
{
    if (!r)
        return;
    free(r->v4);
    free(r->v6);
    free(r);
}

size_t netrange_count(const struct netrange *r)
{
    return r ? r->n4 + r->n6 : 0;
}

int netrange_has(const struct netrange *r, const struct netaddr *a)
{
    size_t lo = 0, hi;

    if (!r)
        return 0;
    if (!a->v6) {
        /* The number of ranges starting at or before the address. */
        for (hi = r->n4; lo < hi;) {
            size_t mid = lo + (hi - lo) / 2;

            if (r->v4[mid].first <= a->v4)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo > 0 && a->v4 <= r->v4[lo - 1].last;
    }
    for (hi = r->n6; lo < hi;) {
        size_t mid = lo + (hi - lo) / 2;

        if (le6(r->v6[mid].first_hi, r->v6[mid].first_lo, a->hi, a->lo))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 &&
           le6(a->hi, a->lo, r->v6[lo - 1].last_hi, r->v6[lo - 1].last_lo);
}

int netrange_contains(const struct netrange *r, const char *addr, size_t n)
{
    struct netaddr a;

    return r && netaddr_parse(addr, n, &a) == 0 && netrange_has(r, &a);
}
