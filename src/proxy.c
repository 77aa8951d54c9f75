/*
 * proxy.c - trusted proxies and the right-most untrusted address of
 * X-Forwarded-For (doc/proxies.md).
 *
 * The list is a netrange set (netrange.h): sorted disjoint ranges, one
 * binary search per lookup, addresses read by hand without a copy. A
 * CDN's published list runs to a few dozen prefixes (hundreds for the
 * largest), and each log line may look up several X-Forwarded-For hops.
 * What this module adds is the rule that walks the header, and the
 * refusal of zone ids: an X-Forwarded-For item names a client, and a
 * zone id (fe80::1%eth0) names an interface of the server.
 */
#include "blogstat.h"
#include "ascii.h"
#include "netrange.h"
#include "proxy.h"

#include <stdlib.h>
#include <string.h>

struct proxies {
    struct netrange *set;
};

/* Exactly n bytes of address text into a: 0, or -1 for anything that is
 * not an IPv4 or IPv6 address, a zone id included. */
static int addr_parse(const char *p, size_t n, struct netaddr *a)
{
    if (memchr(p, '%', n))
        return -1;
    return netaddr_parse(p, n, a);
}

struct proxies *proxies_parse(const char *list, struct bs_err *err)
{
    struct netrange *set = netrange_parse(list, "trusted proxy", err);
    struct proxies *px;

    if (!set)
        return NULL;
    px = xcalloc(1, sizeof(*px));
    px->set = set;
    return px;
}

void proxies_free(struct proxies *px)
{
    if (!px)
        return;
    netrange_free(px->set);
    free(px);
}

size_t proxies_count(const struct proxies *px)
{
    return px ? netrange_count(px->set) : 0;
}

int proxies_contains(const struct proxies *px, const char *addr, size_t n)
{
    struct netaddr a;

    if (!px || addr_parse(addr, n, &a) != 0)
        return 0;
    return netrange_has(px->set, &a);
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
static int item_addr(struct slice it, struct slice *out, struct netaddr *a)
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
            !memchr(it.p + 1, ':', an) || addr_parse(it.p + 1, an, a) != 0)
            return -1;
        *out = slice_make(it.p + 1, an);
        return 0;
    }
    colon = memchr(it.p, ':', it.n);
    if (colon && !memchr(colon + 1, ':', it.n - (size_t)(colon - it.p) - 1)) {
        size_t an = (size_t)(colon - it.p);

        if (!port_ok(colon, it.n - an) ||
            addr_parse(it.p, an, a) != 0)
            return -1;
        *out = slice_make(it.p, an);
        return 0;
    }
    if (addr_parse(it.p, it.n, a) != 0)
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
        struct netaddr a;

        while (start > 0 && xff.p[start - 1] != ',')
            start--;
        if (item_addr(trim(slice_make(xff.p + start, end - start)), &addr,
                      &a) != 0)
            return last;
        if (!netrange_has(px->set, &a))
            return addr;
        last = addr;
        if (start == 0)
            return last;
        end = start - 1;
    }
}
