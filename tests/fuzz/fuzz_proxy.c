/*
 * fuzz_proxy.c - the input is a trusted_proxies list, a connection
 * address and an X-Forwarded-For header, in that order, split at the
 * first two NUL or newline bytes (the header is the rest, and may hold
 * either). Read with proxies_parse() and proxies_client() (proxy.h).
 *
 * A list that parses: every entry's address, and the last address of its
 * prefix, is trusted; proxies_count() is at least 1 and at most the
 * number of entries. A list that does not: NULL with BS_USAGE and a
 * message of one line, free of control bytes, that quotes an entry when
 * every entry is printable ASCII of at most 48 bytes.
 *
 * proxies_client(), with that list and with a fixed one: the result lies
 * within the connection address or within the header, and is
 *  - the connection address exactly, or the address of one item of the
 *    header (trimmed of blanks; "A", "A:PORT", "[A]", "[A]:PORT"), an
 *    IPv4 or IPv6 address;
 *  - the connection address whenever that is not trusted;
 *  - what a model computes: the items split from the left, walked from
 *    the right; the first untrusted is the client, a malformed one
 *    stops the walk at the last trusted address, all trusted give the
 *    left-most;
 * and the same twice. With no list (NULL), the connection address.
 */
#include "blogstat.h"
#include "proxy.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_proxy: %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    abort();
}

/* Trusts every address: proxies_contains() on it says "is an address". */
static struct proxies *any_address(void)
{
    static struct proxies *all;

    if (!all) {
        struct bs_err err;

        memset(&err, 0, sizeof(err));
        all = proxies_parse("0.0.0.0/0 ::/0", &err);
        if (!all)
            fail("the list of every address is refused", err.msg);
    }
    return all;
}

static struct proxies *fixed_list(void)
{
    static struct proxies *px;

    if (!px) {
        struct bs_err err;

        memset(&err, 0, sizeof(err));
        px = proxies_parse("10.0.0.0/8 172.16.0.0/12 192.168.0.0/16 "
                           "127.0.0.1 ::1 2001:db8::/32 ::ffff:0:0/112",
                           &err);
        if (!px)
            fail("the fixed list is refused", err.msg);
    }
    return px;
}

static int is_addr(const char *p, size_t n)
{
    return proxies_contains(any_address(), p, n);
}

static int list_sep(char c)
{
    return c == ' ' || c == '\t' || c == ',' || c == '\r' || c == '\n' ||
           c == '\v' || c == '\f';
}

static int printable(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] < 0x21 || (unsigned char)p[i] > 0x7e)
            return 0;
    return 1;
}

/* ---- the list ------------------------------------------------------- */

static void check_refused(const char *list, const struct bs_err *err)
{
    int all_shown = 1, quoted = 0;
    const char *p = list;

    if (err->status != BS_USAGE)
        fail("a refused list is not BS_USAGE", err->msg);
    if (err->msg[0] == '\0')
        fail("a refused list without a message", NULL);
    for (const char *m = err->msg; *m; m++)
        if ((unsigned char)*m < 0x20 || *m == 0x7f)
            fail("a control byte in the message", err->msg);
    for (;;) {
        size_t n = 0;

        while (*p && list_sep(*p))
            p++;
        if (!*p)
            break;
        while (p[n] && !list_sep(p[n]))
            n++;
        if (n > 48 || !printable(p, n)) {
            all_shown = 0;
        } else {
            char q[64];

            snprintf(q, sizeof(q), "'%.*s'", (int)n, p);
            if (strstr(err->msg, q))
                quoted = 1;
        }
        p += n;
    }
    if (all_shown && !quoted)
        fail("the message quotes no entry of the list", err->msg);
}

static int is_mapped(const unsigned char b[16])
{
    static const unsigned char prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0,
                                             0, 0, 0xff, 0xff};

    return memcmp(b, prefix, sizeof(prefix)) == 0;
}

/* The address of an entry's prefix with every host bit set, as text: 0,
 * 1 when it is not to be checked, -1 when the entry is no address. */
static int last_of_prefix(const char *a, size_t an, unsigned len, char *out,
                          size_t cap)
{
    char buf[64];
    unsigned char b[16], first[16];
    int v6 = memchr(a, ':', an) != NULL;
    unsigned bits = v6 ? 128 : 32;

    if (an >= sizeof(buf))
        return -1;
    memcpy(buf, a, an);
    buf[an] = '\0';
    if (inet_pton(v6 ? AF_INET6 : AF_INET, buf, b) != 1)
        return -1;
    memcpy(first, b, sizeof(first));
    for (unsigned k = len; k < bits; k++)
        b[k / 8] |= (unsigned char)(0x80u >> (k % 8));
    /* An IPv6 prefix such as ::/80 ends in ::ffff:255.255.255.255, an
     * IPv4 address to proxy.h, which no IPv6 prefix holds. */
    if (v6 && !is_mapped(first) && is_mapped(b))
        return 1;
    return inet_ntop(v6 ? AF_INET6 : AF_INET, b, out, (socklen_t)cap) ? 0
                                                                       : -1;
}

static void check_accepted(const char *list, const struct proxies *px)
{
    const char *p = list;
    size_t entries = 0;

    for (;;) {
        size_t n = 0, an;
        const char *slash;
        unsigned len;
        char last[64];
        int rc;

        while (*p && list_sep(*p))
            p++;
        if (!*p)
            break;
        while (p[n] && !list_sep(p[n]))
            n++;
        entries++;
        slash = memchr(p, '/', n);
        an = slash ? (size_t)(slash - p) : n;
        if (!proxies_contains(px, p, an))
            fail("an entry's address is not trusted", list);
        len = memchr(p, ':', an) ? 128 : 32;
        if (slash)
            len = (unsigned)strtoul(slash + 1, NULL, 10);
        rc = last_of_prefix(p, an, len, last, sizeof(last));
        if (rc < 0)
            fail("an accepted entry inet_pton refuses", list);
        if (rc == 0 && !proxies_contains(px, last, strlen(last)))
            fail("the last address of an entry's prefix is not trusted",
                 last);
        p += n;
    }
    if (proxies_count(px) > entries || (entries > 0 && proxies_count(px) == 0))
        fail("proxies_count() out of range", list);
}

/* ---- the client ------------------------------------------------------ */

static int blank(char c)
{
    return c == ' ' || c == '\t';
}

static int port_ok(const char *p, size_t n)
{
    unsigned long v = 0;

    if (n < 2 || n > 6 || p[0] != ':')
        return 0;
    for (size_t i = 1; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return 0;
        v = v * 10 + (unsigned long)(p[i] - '0');
    }
    return v <= 65535;
}

/* The model of an item's address: 0 and *out, or -1 when malformed. */
static int model_addr(const char *p, size_t n, struct slice *out)
{
    size_t colons = 0;
    const char *c1 = NULL;

    if (n > 0 && p[0] == '[') {
        const char *close = memchr(p, ']', n);
        size_t an;

        if (!close)
            return -1;
        an = (size_t)(close - p - 1);
        if (!memchr(p + 1, ':', an) || !is_addr(p + 1, an))
            return -1;
        if ((size_t)(close - p) + 1 < n &&
            !port_ok(close + 1, n - (size_t)(close - p) - 1))
            return -1;
        *out = slice_make(p + 1, an);
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        if (p[i] == ':' && colons++ == 0)
            c1 = p + i;
    if (colons == 1) {
        size_t an = (size_t)(c1 - p);

        if (!port_ok(c1, n - an) || !is_addr(p, an))
            return -1;
        *out = slice_make(p, an);
        return 0;
    }
    if (!is_addr(p, n))
        return -1;
    *out = slice_make(p, n);
    return 0;
}

struct item {
    const char *p;
    size_t n;
};

/* The answer of the rule, computed from the items split left to right. */
static struct slice model_client(const struct proxies *px, struct slice conn,
                                 struct slice xff, struct item *items)
{
    size_t nitems = 0, start = 0;
    struct slice last = conn;

    if (!proxies_contains(px, conn.p, conn.n))
        return conn;
    while (xff.n > 0 && blank(xff.p[0]))
        xff.p++, xff.n--;
    while (xff.n > 0 && blank(xff.p[xff.n - 1]))
        xff.n--;
    if (xff.n == 0 || (xff.n == 1 && xff.p[0] == '-'))
        return conn;
    for (size_t i = 0; i <= xff.n; i++) {
        if (i == xff.n || xff.p[i] == ',') {
            const char *a = xff.p + start;
            size_t n = i - start;

            while (n > 0 && blank(*a))
                a++, n--;
            while (n > 0 && blank(a[n - 1]))
                n--;
            items[nitems].p = a;
            items[nitems].n = n;
            nitems++;
            start = i + 1;
        }
    }
    while (nitems-- > 0) {
        struct slice s;

        if (model_addr(items[nitems].p, items[nitems].n, &s) != 0)
            return last;
        if (!proxies_contains(px, s.p, s.n))
            return s;
        last = s;
    }
    return last;
}

static int inside(struct slice in, struct slice s)
{
    uintptr_t a = (uintptr_t)in.p, b = (uintptr_t)s.p;

    return b >= a && b <= a + in.n && s.n <= a + in.n - b;
}

static void check_client(const struct proxies *px, struct slice conn,
                         struct slice xff, struct item *items)
{
    struct slice r = proxies_client(px, conn, xff);
    struct slice again = proxies_client(px, conn, xff);
    struct slice want = model_client(px, conn, xff, items);

    if (r.p != again.p || r.n != again.n)
        fail("proxies_client() is not deterministic", NULL);
    if (r.p != want.p || r.n != want.n) {
        fprintf(stderr, "fuzz_proxy: got '%.*s', the model '%.*s'\n",
                (int)r.n, r.p, (int)want.n, want.p);
        fail("proxies_client() differs from the model", NULL);
    }
    if (r.p == conn.p && r.n == conn.n) {
        /* The connection address. */
    } else if (inside(conn, r)) {
        fail("a part of the connection address", NULL);
    } else if (inside(xff, r)) {
        size_t off = (size_t)(r.p - xff.p), b = off, e = off + r.n;

        if (memchr(r.p, ',', r.n))
            fail("the result spans two items", NULL);
        while (b > 0 && xff.p[b - 1] != ',')
            b--;
        while (e < xff.n && xff.p[e] != ',')
            e++;
        while (b < off && blank(xff.p[b]))
            b++;
        while (e > off + r.n && blank(xff.p[e - 1]))
            e--;
        /* The item is the address, [address] or either with :PORT. */
        if (b == off) {
            if (e != off + r.n &&
                (memchr(r.p, ':', r.n) || !port_ok(r.p + r.n,
                                                   e - off - r.n)))
                fail("the result is not an item of the header", NULL);
        } else if (b + 1 != off || xff.p[b] != '[' || e < off + r.n + 1 ||
                   xff.p[off + r.n] != ']' ||
                   (e > off + r.n + 1 &&
                    !port_ok(r.p + r.n + 1, e - off - r.n - 1))) {
            fail("the result is not an item of the header", NULL);
        }
        if (!is_addr(r.p, r.n))
            fail("the client taken from the header is no address", NULL);
    } else {
        fail("the result lies in neither input", NULL);
    }
    if (!proxies_contains(px, conn.p, conn.n) &&
        (r.p != conn.p || r.n != conn.n))
        fail("an untrusted connection and the header was read", NULL);
}

/* A copy of exactly n bytes, so that ASan sees a read past the end. */
static char *exact(const uint8_t *p, size_t n)
{
    char *c = malloc(n ? n : 1);

    if (!c)
        abort();
    if (n)
        memcpy(c, p, n);
    return c;
}

static const uint8_t *next_sep(const uint8_t *p, const uint8_t *end)
{
    while (p < end && *p != '\0' && *p != '\n')
        p++;
    return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *end = data + size, *s1 = next_sep(data, end), *s2;
    const uint8_t *cp, *xp;
    size_t ln = (size_t)(s1 - data), cn, xn;
    char *list = malloc(ln + 1), *conn, *xff;
    struct bs_err err;
    struct proxies *px;
    struct item *items;

    if (!list)
        abort();
    memcpy(list, data, ln);
    list[ln] = '\0';
    cp = s1 < end ? s1 + 1 : end;
    s2 = next_sep(cp, end);
    cn = (size_t)(s2 - cp);
    xp = s2 < end ? s2 + 1 : end;
    xn = (size_t)(end - xp);
    conn = exact(cp, cn);
    xff = exact(xp, xn);
    items = malloc((xn + 1) * sizeof(*items));
    if (!items)
        abort();

    memset(&err, 0, sizeof(err));
    px = proxies_parse(list, &err);
    if (px) {
        if (err.status != 0)
            fail("a list accepted with an error set", err.msg);
        check_accepted(list, px);
        check_client(px, slice_make(conn, cn), slice_make(xff, xn), items);
        proxies_free(px);
    } else {
        check_refused(list, &err);
    }
    check_client(fixed_list(), slice_make(conn, cn), slice_make(xff, xn),
                 items);
    {
        struct slice r = proxies_client(NULL, slice_make(conn, cn),
                                        slice_make(xff, xn));

        if (r.p != conn || r.n != cn)
            fail("no list, and not the connection address", NULL);
    }
    free(items);
    free(xff);
    free(conn);
    free(list);
    return 0;
}
