/*
 * test_proxy.c - proxy.h: the trusted_proxies list and the right-most
 * untrusted address of X-Forwarded-For (doc/proxies.md), with the
 * spoofing attempts that rule is there to defeat.
 */
#include "proxy.h"
#include "testutil.h"

#include <arpa/inet.h>
#include <time.h>

/* ---- helpers ------------------------------------------------------- */

static struct proxies *parse_ok(const char *list)
{
    struct bs_err err;
    struct proxies *px;

    memset(&err, 0, sizeof(err));
    px = proxies_parse(list, &err);
    if (!px)
        fail_msg("'%s' refused: %s", list, err.msg);
    assert_int_equal(err.status, 0);
    return px;
}

/* The list is refused with BS_USAGE and a one-line message holding each
 * of the given strings. */
static void parse_bad(const char *list, const char *want1, const char *want2)
{
    struct bs_err err;

    memset(&err, 0, sizeof(err));
    if (proxies_parse(list, &err) != NULL)
        fail_msg("'%s' was accepted", list);
    assert_int_equal(err.status, BS_USAGE);
    assert_null(strchr(err.msg, '\n'));
    if (want1 && !strstr(err.msg, want1))
        fail_msg("'%s': message '%s' lacks '%s'", list, err.msg, want1);
    if (want2 && !strstr(err.msg, want2))
        fail_msg("'%s': message '%s' lacks '%s'", list, err.msg, want2);
}

static int has(const struct proxies *px, const char *addr)
{
    /* An exact-size copy: ASan sees a read past the address. */
    size_t n = strlen(addr);
    char *copy = xmalloc(n ? n : 1);
    int r;

    memcpy(copy, addr, n);
    r = proxies_contains(px, copy, n);
    free(copy);
    return r;
}

static int within(struct slice in, struct slice s)
{
    uintptr_t a = (uintptr_t)in.p, b = (uintptr_t)s.p;

    return b >= a && b + s.n <= a + in.n;
}

/*
 * proxies_client() on exact-size copies of conn and xff: the result lies
 * inside one of them and reads want; from_conn says which one.
 */
static void client_is(const struct proxies *px, const char *conn,
                      const char *xff, size_t xff_n, const char *want,
                      int from_conn)
{
    size_t cn = strlen(conn);
    char *c = xmalloc(cn ? cn : 1), *x = xmalloc(xff_n ? xff_n : 1);
    struct slice cs, xs, r;

    memcpy(c, conn, cn);
    memcpy(x, xff, xff_n);
    cs = slice_make(c, cn);
    xs = slice_make(x, xff_n);
    r = proxies_client(px, cs, xs);
    if (!slice_eq_str(r, want))
        fail_msg("conn '%s' xff '%.*s': got '%.*s', want '%s'", conn,
                 (int)xff_n, xff, (int)r.n, r.p ? r.p : "", want);
    if (from_conn) {
        if (r.p != c || r.n != cn)
            fail_msg("conn '%s' xff '%.*s': not the connection address",
                     conn, (int)xff_n, xff);
    } else if (!within(xs, r)) {
        fail_msg("conn '%s' xff '%.*s': '%s' not taken from the header",
                 conn, (int)xff_n, xff, want);
    }
    free(c);
    free(x);
}

/* The client is an item of the header... */
static void xff_is(const struct proxies *px, const char *conn,
                   const char *xff, const char *want)
{
    client_is(px, conn, xff, strlen(xff), want, 0);
}

/* ...or the connection address. */
static void conn_is(const struct proxies *px, const char *conn,
                    const char *xff)
{
    client_is(px, conn, xff, strlen(xff), conn, 1);
}

#define SITE_LIST \
    "10.0.0.0/8 172.16.0.0/12 192.168.0.0/16 127.0.0.1 ::1 2001:db8::/32"

/* ---- the list ------------------------------------------------------ */

static void test_proxy__parse_issue_example(void **state)
{
    struct proxies *px = parse_ok(SITE_LIST);

    (void)state;
    assert_int_equal(proxies_count(px), 6);
    assert_true(has(px, "10.0.0.0"));
    assert_true(has(px, "10.255.255.255"));
    assert_true(has(px, "172.16.0.1"));
    assert_true(has(px, "172.31.255.255"));
    assert_false(has(px, "172.32.0.0"));
    assert_false(has(px, "172.15.255.255"));
    assert_true(has(px, "192.168.1.1"));
    assert_true(has(px, "127.0.0.1"));
    assert_false(has(px, "127.0.0.2"));
    assert_true(has(px, "::1"));
    assert_false(has(px, "::2"));
    assert_true(has(px, "2001:db8::1"));
    assert_true(has(px, "2001:DB8:ffff:ffff:ffff:ffff:ffff:ffff"));
    assert_false(has(px, "2001:db9::"));
    assert_false(has(px, "203.0.113.7"));
    assert_false(has(px, "8.8.8.8"));
    proxies_free(px);
}

static void test_proxy__parse_separators(void **state)
{
    static const char *const lists[] = {
        "10.0.0.0/8,192.168.0.0/16,::1",
        "10.0.0.0/8, 192.168.0.0/16 , ::1",
        "  10.0.0.0/8\t192.168.0.0/16\t\t::1  ",
        ",10.0.0.0/8,,192.168.0.0/16,, ,::1,",
        "10.0.0.0/8\r\n192.168.0.0/16 ::1\n",
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
        struct proxies *px = parse_ok(lists[i]);

        assert_int_equal(proxies_count(px), 3);
        assert_true(has(px, "10.1.2.3"));
        assert_true(has(px, "192.168.255.255"));
        assert_true(has(px, "::1"));
        assert_false(has(px, "11.0.0.0"));
        proxies_free(px);
    }
}

static void test_proxy__parse_empty(void **state)
{
    static const char *const lists[] = {"", " ", ",", " , ,\t", NULL};

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
        struct proxies *px = parse_ok(lists[i]);

        assert_int_equal(proxies_count(px), 0);
        assert_false(has(px, "127.0.0.1"));
        assert_false(has(px, "::1"));
        /* Trusting nothing, the header is never read. */
        conn_is(px, "127.0.0.1", "203.0.113.7");
        proxies_free(px);
    }
    proxies_free(NULL);
    assert_int_equal(proxies_count(NULL), 0);
    assert_false(proxies_contains(NULL, "127.0.0.1", 9));
}

static void test_proxy__parse_bad(void **state)
{
    (void)state;
    parse_bad("10.0.0.0/33", "'10.0.0.0/33'", "0 to 32");
    parse_bad("::/129", "'::/129'", "0 to 128");
    parse_bad("2001:db8::/999", "'2001:db8::/999'", "0 to 128");
    parse_bad("10.0.0.0/0008", "'10.0.0.0/0008'", "0 to 32");
    parse_bad("300.1.1.1", "'300.1.1.1'", "not an IP address");
    parse_bad("1.2.3", "'1.2.3'", "not an IP address");
    parse_bad("1.2.3.4.5", "'1.2.3.4.5'", "not an IP address");
    /* Leading zeros: octal to some parsers, refused by inet_pton. */
    parse_bad("010.0.0.1", "'010.0.0.1'", "not an IP address");
    parse_bad("fe80::1%eth0", "'fe80::1%eth0'", "zone id");
    parse_bad("fe80::%eth0/64", "'fe80::%eth0/64'", "zone id");
    parse_bad("10.0.0.1/8", "'10.0.0.1/8' has host bits set",
              "10.0.0.0/8");
    parse_bad("192.168.1.1/16", "host bits", "192.168.0.0/16");
    parse_bad("2001:db8::1/32", "host bits", "2001:db8::/32");
    parse_bad("::1/0", "host bits", "network ::/0,");
    parse_bad("0.0.0.1/31", "host bits", "0.0.0.0/31");
    parse_bad("junk", "'junk'", NULL);
    parse_bad("localhost", "'localhost'", NULL);
    parse_bad("1.2.3.4/", "'1.2.3.4/'", "0 to 32");
    parse_bad("1.2.3.4/-1", "'1.2.3.4/-1'", NULL);
    parse_bad("1.2.3.4/+8", "'1.2.3.4/+8'", NULL);
    parse_bad("1.2.3.4/8x", "'1.2.3.4/8x'", NULL);
    parse_bad("1.2.3.4/ 8", "'1.2.3.4/'", NULL);
    parse_bad("1.2.3.4//8", "'1.2.3.4//8'", NULL);
    parse_bad("/8", "'/8'", NULL);
    parse_bad("[::1]", "'[::1]'", NULL);
    parse_bad("1.2.3.4:80", "'1.2.3.4:80'", NULL);
    parse_bad("::ffff:10.0.0.0/8", "IPv4-mapped", NULL);
    parse_bad("*", "'*'", NULL);
    /* The first bad entry is named, after good ones. */
    parse_bad("10.0.0.0/8 ::1 10.0.0.0/33 junk", "'10.0.0.0/33'", NULL);
    parse_bad("10.0.0.0/8,bad,::1", "'bad'", NULL);
}

static void test_proxy__parse_bad_shown_safely(void **state)
{
    char list[300];
    struct bs_err err;

    (void)state;
    /* A long entry is cut in the message. */
    memset(list, '1', sizeof(list) - 1);
    list[sizeof(list) - 1] = '\0';
    memset(&err, 0, sizeof(err));
    assert_null(proxies_parse(list, &err));
    assert_int_equal(err.status, BS_USAGE);
    assert_non_null(strstr(err.msg, "..."));
    assert_true(strlen(err.msg) < 200);
    /* Control bytes and invalid UTF-8 do not reach the terminal. */
    memset(&err, 0, sizeof(err));
    assert_null(proxies_parse("10.0.0.1\x1b[31m\xff", &err));
    for (const char *p = err.msg; *p; p++)
        assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
    assert_null(strchr(err.msg, '\x1b'));
}

static void test_proxy__parse_dedup(void **state)
{
    struct proxies *px;

    (void)state;
    px = parse_ok("10.0.0.0/8 10.1.0.0/16 10.0.0.0/8 10.1.2.3 10.255.0.0/16");
    assert_int_equal(proxies_count(px), 1);
    assert_true(has(px, "10.1.2.3"));
    assert_true(has(px, "10.200.0.1"));
    proxies_free(px);
    /* Narrow ones first: the wide one still swallows them. */
    px = parse_ok("10.1.2.3 10.1.0.0/16 10.0.0.0/8 ::1 ::/0 2001:db8::/32");
    assert_int_equal(proxies_count(px), 2);
    proxies_free(px);
    /* Disjoint and adjacent ranges are all kept. */
    px = parse_ok("10.0.0.0/9 10.128.0.0/9 11.0.0.0/8 9.255.255.255");
    assert_int_equal(proxies_count(px), 4);
    assert_true(has(px, "10.127.255.255"));
    assert_true(has(px, "10.128.0.0"));
    assert_true(has(px, "9.255.255.255"));
    assert_false(has(px, "9.255.255.254"));
    assert_false(has(px, "12.0.0.0"));
    proxies_free(px);
}

/* ---- matching ------------------------------------------------------ */

static void test_proxy__match_v4_boundaries(void **state)
{
    struct proxies *px;

    (void)state;
    px = parse_ok("0.0.0.0/0");
    assert_true(has(px, "0.0.0.0"));
    assert_true(has(px, "255.255.255.255"));
    assert_true(has(px, "203.0.113.7"));
    assert_true(has(px, "::ffff:203.0.113.7"));
    assert_false(has(px, "::1"));
    assert_false(has(px, "2001:db8::1"));
    proxies_free(px);

    px = parse_ok("128.0.0.0/1");
    assert_true(has(px, "128.0.0.0"));
    assert_true(has(px, "255.255.255.255"));
    assert_false(has(px, "127.255.255.255"));
    assert_false(has(px, "0.0.0.0"));
    proxies_free(px);

    px = parse_ok("0.0.0.0/1");
    assert_true(has(px, "0.0.0.0"));
    assert_true(has(px, "127.255.255.255"));
    assert_false(has(px, "128.0.0.0"));
    proxies_free(px);

    px = parse_ok("198.51.100.6/31");
    assert_true(has(px, "198.51.100.6"));
    assert_true(has(px, "198.51.100.7"));
    assert_false(has(px, "198.51.100.5"));
    assert_false(has(px, "198.51.100.8"));
    proxies_free(px);

    px = parse_ok("198.51.100.7/32 255.255.255.255");
    assert_true(has(px, "198.51.100.7"));
    assert_false(has(px, "198.51.100.6"));
    assert_false(has(px, "198.51.100.8"));
    assert_true(has(px, "255.255.255.255"));
    assert_false(has(px, "255.255.255.254"));
    proxies_free(px);

    px = parse_ok("0.0.0.0/32");
    assert_true(has(px, "0.0.0.0"));
    assert_false(has(px, "0.0.0.1"));
    assert_false(has(px, "::"));
    proxies_free(px);
}

static void test_proxy__match_v6_boundaries(void **state)
{
    struct proxies *px;

    (void)state;
    px = parse_ok("::/0");
    assert_true(has(px, "::"));
    assert_true(has(px, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
    assert_true(has(px, "2001:db8::1"));
    /* IPv6 prefixes never hold IPv4 addresses, in either spelling. */
    assert_false(has(px, "10.0.0.1"));
    assert_false(has(px, "::ffff:10.0.0.1"));
    proxies_free(px);

    px = parse_ok("8000::/1");
    assert_true(has(px, "8000::"));
    assert_true(has(px, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
    assert_false(has(px, "7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
    proxies_free(px);

    px = parse_ok("2001:db8:0:1::/64");
    assert_true(has(px, "2001:db8:0:1::"));
    assert_true(has(px, "2001:db8:0:1:ffff:ffff:ffff:ffff"));
    assert_false(has(px, "2001:db8:0:0:ffff:ffff:ffff:ffff"));
    assert_false(has(px, "2001:db8:0:2::"));
    proxies_free(px);

    px = parse_ok("2001:db8:0:0:8000::/65");
    assert_true(has(px, "2001:db8::8000:0:0:0"));
    assert_true(has(px, "2001:db8::ffff:ffff:ffff:ffff"));
    assert_false(has(px, "2001:db8::7fff:ffff:ffff:ffff"));
    assert_false(has(px, "2001:db8:0:1::"));
    proxies_free(px);

    px = parse_ok("2001:db8::6/127");
    assert_true(has(px, "2001:db8::6"));
    assert_true(has(px, "2001:db8::7"));
    assert_false(has(px, "2001:db8::5"));
    assert_false(has(px, "2001:db8::8"));
    proxies_free(px);

    px = parse_ok("2001:db8::7/128 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    assert_true(has(px, "2001:db8::7"));
    assert_true(has(px, "2001:0db8:0000:0000:0000:0000:0000:0007"));
    assert_false(has(px, "2001:db8::6"));
    assert_false(has(px, "2001:db8::8"));
    assert_true(has(px, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
    assert_false(has(px, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"));
    proxies_free(px);

    px = parse_ok("::/128");
    assert_true(has(px, "::"));
    assert_false(has(px, "::1"));
    assert_false(has(px, "0.0.0.0"));
    proxies_free(px);
}

static void test_proxy__match_mapped(void **state)
{
    struct proxies *px;

    (void)state;
    px = parse_ok("10.0.0.0/8 203.0.113.7");
    assert_true(has(px, "::ffff:10.1.2.3"));
    assert_true(has(px, "::FFFF:10.1.2.3"));
    assert_true(has(px, "::ffff:a01:203"));
    assert_true(has(px, "0:0:0:0:0:ffff:10.1.2.3"));
    assert_true(has(px, "::ffff:203.0.113.7"));
    assert_false(has(px, "::ffff:203.0.113.8"));
    assert_false(has(px, "::ffff:11.0.0.0"));
    /* IPv4-compatible (deprecated) and NAT64 addresses are IPv6. */
    assert_false(has(px, "::10.1.2.3"));
    assert_false(has(px, "64:ff9b::10.1.2.3"));
    proxies_free(px);

    /* A mapped entry is the IPv4 prefix it holds. */
    px = parse_ok("::ffff:10.0.0.0/104 ::ffff:192.0.2.1 ::ffff:0:0/96");
    assert_true(has(px, "10.9.9.9"));
    assert_true(has(px, "192.0.2.1"));
    assert_true(has(px, "1.1.1.1"));
    assert_true(has(px, "::ffff:1.1.1.1"));
    assert_false(has(px, "::1.1.1.1"));
    assert_false(has(px, "2001:db8::1"));
    assert_int_equal(proxies_count(px), 1);
    proxies_free(px);
    px = parse_ok("::ffff:10.0.0.0/104 ::ffff:192.0.2.1");
    assert_true(has(px, "10.255.255.255"));
    assert_false(has(px, "11.0.0.0"));
    assert_true(has(px, "::ffff:192.0.2.1"));
    assert_false(has(px, "192.0.2.2"));
    assert_int_equal(proxies_count(px), 2);
    proxies_free(px);
}

static void test_proxy__match_not_addresses(void **state)
{
    struct proxies *px = parse_ok("0.0.0.0/0 ::/0");

    (void)state;
    assert_false(has(px, ""));
    assert_false(has(px, "-"));
    assert_false(has(px, " 10.0.0.1"));
    assert_false(has(px, "10.0.0.1 "));
    assert_false(has(px, "10.0.0.1:80"));
    assert_false(has(px, "[::1]"));
    assert_false(has(px, "fe80::1%eth0"));
    assert_false(has(px, "localhost"));
    assert_false(has(px, "unknown"));
    assert_false(has(px, "10.0.0.01"));
    assert_false(has(px, "1:2:3:4:5:6:7:8:9"));
    /* A NUL inside: not "10.0.0.1". */
    assert_false(proxies_contains(px, "10.0.0.1\0x", 10));
    assert_true(proxies_contains(px, "10.0.0.1\0x", 8));
    /* Longer than any address. */
    assert_false(has(px, "0000:0000:0000:0000:0000:0000:0000:0000:0000"));
    proxies_free(px);
}

/* A naive model: the prefix and address as bytes, compared bit by bit. */
struct model_prefix {
    int v6;
    unsigned char b[16];
    unsigned len;
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    /* xorshift64*: reproducible across runs. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static int model_in(const struct model_prefix *p, int v6,
                    const unsigned char *a)
{
    if (p->v6 != v6)
        return 0;
    for (unsigned i = 0; i < p->len; i++) {
        unsigned bit = 7 - i % 8;

        if (((p->b[i / 8] >> bit) & 1) != ((a[i / 8] >> bit) & 1))
            return 0;
    }
    return 1;
}

static unsigned random_len(unsigned max)
{
    static const unsigned edges4[] = {0, 1, 7, 8, 9, 16, 24, 31, 32};
    static const unsigned edges6[] = {0,  1,  32, 48,  63,  64,
                                      65, 96, 120, 127, 128};

    if (rnd() % 2 == 0)
        return (unsigned)(rnd() % (max + 1));
    if (max == 32)
        return edges4[rnd() % ARRAY_SIZE(edges4)];
    return edges6[rnd() % ARRAY_SIZE(edges6)];
}

/* Agreement with the model on random lists and addresses at prefix
 * edges: the sort, the dropping of nested ranges, the binary search. */
static void test_proxy__match_random_model(void **state)
{
    (void)state;
    for (int round = 0; round < 300; round++) {
        struct model_prefix pre[24];
        size_t npre = 1 + rnd() % ARRAY_SIZE(pre);
        char list[24 * 56], text[INET6_ADDRSTRLEN];
        size_t used = 0;
        struct proxies *px;

        for (size_t i = 0; i < npre; i++) {
            struct model_prefix *p = &pre[i];
            size_t nb;

            /* Mostly few families and close prefixes, to nest them. */
            p->v6 = (int)(rnd() % 2);
            nb = p->v6 ? 16 : 4;
            p->len = random_len(p->v6 ? 128 : 32);
            for (size_t k = 0; k < nb; k++)
                p->b[k] = (unsigned char)(k < 2 ? rnd() % 3 : rnd());
            for (unsigned k = p->len; k < nb * 8; k++)
                p->b[k / 8] &= (unsigned char)~(0x80u >> (k % 8));
            assert_non_null(inet_ntop(p->v6 ? AF_INET6 : AF_INET, p->b,
                                      text, sizeof(text)));
            used += (size_t)snprintf(list + used, sizeof(list) - used,
                                     "%s/%u%s", text, p->len,
                                     rnd() % 2 ? " " : ",");
        }
        px = parse_ok(list);
        assert_true(proxies_count(px) <= npre);
        for (int q = 0; q < 200; q++) {
            const struct model_prefix *p = &pre[rnd() % npre];
            unsigned char a[16];
            size_t nb = p->v6 ? 16 : 4;
            int want = 0;

            /* Inside a prefix, just past one of its edges, or anywhere. */
            memcpy(a, p->b, sizeof(a));
            for (unsigned k = p->len; k < nb * 8; k++)
                if (rnd() % 2 || q % 3 == 0)
                    a[k / 8] |= (unsigned char)(0x80u >> (k % 8));
            if (q % 4 == 1 && p->len > 0)
                a[(p->len - 1) / 8] ^= (unsigned char)(0x80u >>
                                                       ((p->len - 1) % 8));
            if (q % 7 == 2)
                for (size_t k = 0; k < nb; k++)
                    a[k] = (unsigned char)rnd();
            for (size_t i = 0; i < npre; i++)
                want |= model_in(&pre[i], p->v6, a);
            assert_non_null(inet_ntop(p->v6 ? AF_INET6 : AF_INET, a, text,
                                      sizeof(text)));
            if (has(px, text) != want)
                fail_msg("list '%s': %s should %sbe trusted", list, text,
                         want ? "" : "not ");
            if (!p->v6) {
                char mapped[INET6_ADDRSTRLEN + 8];

                snprintf(mapped, sizeof(mapped), "::ffff:%s", text);
                assert_int_equal(has(px, mapped), want);
            }
        }
        proxies_free(px);
    }
}

/* ---- the client of a request --------------------------------------- */

static void test_proxy__client_direct(void **state)
{
    struct proxies *px = parse_ok(SITE_LIST);

    (void)state;
    /* No proxy in front: the header is whatever the client wrote. */
    conn_is(px, "203.0.113.7", "");
    conn_is(px, "203.0.113.7", "-");
    conn_is(px, "203.0.113.7", "1.1.1.1");
    conn_is(px, "203.0.113.7", "127.0.0.1");
    conn_is(px, "203.0.113.7", "8.8.8.8, 10.0.0.1");
    conn_is(px, "2001:db9::1", "10.0.0.1");
    /* Not an address (HostnameLookups, "-"): never trusted. */
    conn_is(px, "-", "198.51.100.1");
    conn_is(px, "proxy.example", "198.51.100.1");
    conn_is(px, "", "198.51.100.1");
    conn_is(px, "10.0.0.1:443", "198.51.100.1");
    /* No list at all (px NULL): the connection address. */
    client_is(NULL, "10.0.0.1", "198.51.100.1", 12, "10.0.0.1", 1);
    proxies_free(px);
}

static void test_proxy__client_one_proxy(void **state)
{
    struct proxies *px = parse_ok(SITE_LIST);

    (void)state;
    xff_is(px, "10.0.0.1", "203.0.113.7", "203.0.113.7");
    xff_is(px, "127.0.0.1", "203.0.113.7", "203.0.113.7");
    xff_is(px, "::1", "2001:db9::7", "2001:db9::7");
    xff_is(px, "::1", "203.0.113.7", "203.0.113.7");
    xff_is(px, "10.0.0.1", "2a00:1450:4001::1", "2a00:1450:4001::1");
    /* A trusted proxy without the header (a health check): itself. */
    conn_is(px, "10.0.0.1", "");
    conn_is(px, "10.0.0.1", "-");
    conn_is(px, "10.0.0.1", "   ");
    conn_is(px, "10.0.0.1", " - ");
    conn_is(px, "10.0.0.1", "\t");
    proxies_free(px);
}

static void test_proxy__client_spoofing(void **state)
{
    struct proxies *px = parse_ok(SITE_LIST);

    (void)state;
    /* The client sends "X-Forwarded-For: 1.1.1.1"; nginx appends the
     * address it saw. The forged entry is to the left. */
    xff_is(px, "10.0.0.1", "1.1.1.1, 203.0.113.7", "203.0.113.7");
    /* Forged trusted-looking entries: they do not make the real client
     * trusted, nor does skipping reach them. */
    xff_is(px, "10.0.0.1", "10.0.0.99, 203.0.113.7", "203.0.113.7");
    xff_is(px, "10.0.0.1", "127.0.0.1, 192.168.1.1, 203.0.113.7",
           "203.0.113.7");
    xff_is(px, "10.0.0.1", "::1, 2001:db8::5, 203.0.113.7", "203.0.113.7");
    /* Forged junk on the left is never reached. */
    xff_is(px, "10.0.0.1", "unknown, <script>, 203.0.113.7", "203.0.113.7");
    xff_is(px, "10.0.0.1", ",,,, 203.0.113.7", "203.0.113.7");
    xff_is(px, "10.0.0.1", "1.1.1.1:80, [::1]:1, 203.0.113.7",
           "203.0.113.7");
    /* The untrusted connection with a forged chain that looks right. */
    conn_is(px, "203.0.113.7", "198.51.100.1, 10.0.0.1");
    conn_is(px, "203.0.113.7", "10.0.0.1, 10.0.0.2");
    /* Without a proxy in front, no entry at all is believed. */
    conn_is(px, "198.51.100.9", "203.0.113.7");
    proxies_free(px);
}

static void test_proxy__client_proxy_chain(void **state)
{
    /* A CDN (198.51.100.0/24, 2001:db8:cd::/48) in front of a load
     * balancer (10.0.0.0/8) in front of the server. */
    struct proxies *px =
        parse_ok("10.0.0.0/8, 198.51.100.0/24, 2001:db8:cd::/48");

    (void)state;
    xff_is(px, "10.0.0.2", "203.0.113.7, 198.51.100.10", "203.0.113.7");
    xff_is(px, "10.0.0.2", "203.0.113.7, 198.51.100.10, 10.0.0.3",
           "203.0.113.7");
    xff_is(px, "10.0.0.2", "6.6.6.6, 203.0.113.7, 198.51.100.10",
           "203.0.113.7");
    xff_is(px, "10.0.0.2", "2001:db8:1::7, 2001:db8:cd::1, 10.0.0.3",
           "2001:db8:1::7");
    /* A request that bypassed the CDN and hit the balancer directly:
     * the balancer's entry is the client, what the client wrote is not
     * read. */
    xff_is(px, "10.0.0.2", "198.51.100.10, 6.6.6.6", "6.6.6.6");
    /* Mapped addresses, as a dual-stack proxy writes them. */
    xff_is(px, "::ffff:10.0.0.2", "::ffff:203.0.113.7, ::ffff:198.51.100.1",
           "::ffff:203.0.113.7");
    proxies_free(px);
}

static void test_proxy__client_all_trusted(void **state)
{
    struct proxies *px = parse_ok(SITE_LIST);

    (void)state;
    /* Internal traffic: every hop is ours; the left-most is the origin. */
    xff_is(px, "10.0.0.1", "10.0.0.3, 10.0.0.2", "10.0.0.3");
    xff_is(px, "10.0.0.1", "192.168.0.9", "192.168.0.9");
    xff_is(px, "::1", "::1, 127.0.0.1, 10.0.0.2", "::1");
    xff_is(px, "10.0.0.1", "  10.0.0.3 ,10.0.0.2", "10.0.0.3");
    proxies_free(px);
}

static void test_proxy__client_blanks(void **state)
{
    struct proxies *px = parse_ok(SITE_LIST);

    (void)state;
    xff_is(px, "10.0.0.1", "  203.0.113.7 ,\t10.0.0.2  ", "203.0.113.7");
    xff_is(px, "10.0.0.1", "203.0.113.7,10.0.0.2", "203.0.113.7");
    xff_is(px, "10.0.0.1", "\t203.0.113.7\t", "203.0.113.7");
    xff_is(px, "10.0.0.1", "1.1.1.1 ,  203.0.113.7", "203.0.113.7");
    /* Blanks inside an item are not an address. */
    conn_is(px, "10.0.0.1", "203.0.113. 7");
    conn_is(px, "10.0.0.1", "203.0.113.7 1.1.1.1");
    proxies_free(px);
}

static void test_proxy__client_ports(void **state)
{
    struct proxies *px = parse_ok(SITE_LIST);

    (void)state;
    xff_is(px, "10.0.0.1", "203.0.113.7:5678", "203.0.113.7");
    xff_is(px, "10.0.0.1", "203.0.113.7:0", "203.0.113.7");
    xff_is(px, "10.0.0.1", "203.0.113.7:65535", "203.0.113.7");
    xff_is(px, "10.0.0.1", "[2001:db9::1]:443", "2001:db9::1");
    xff_is(px, "10.0.0.1", "[2001:db9::1]", "2001:db9::1");
    xff_is(px, "10.0.0.1", "[::ffff:203.0.113.7]:80", "::ffff:203.0.113.7");
    /* Trusted hops with ports are skipped like any other. */
    xff_is(px, "10.0.0.1", "203.0.113.7:1, 10.0.0.2:2, [::1]:3",
           "203.0.113.7");
    /* A bare IPv6 address has no port: this is an address. */
    xff_is(px, "10.0.0.1", "2001:db9::1:443", "2001:db9::1:443");
    /* Bad ports and brackets are malformed: the walk stops. */
    conn_is(px, "10.0.0.1", "203.0.113.7:");
    conn_is(px, "10.0.0.1", "203.0.113.7:65536");
    conn_is(px, "10.0.0.1", "203.0.113.7:123456");
    conn_is(px, "10.0.0.1", "203.0.113.7:80:80");
    conn_is(px, "10.0.0.1", "203.0.113.7:http");
    conn_is(px, "10.0.0.1", "203.0.113.7:-1");
    conn_is(px, "10.0.0.1", "[203.0.113.7]");
    conn_is(px, "10.0.0.1", "[203.0.113.7]:80");
    conn_is(px, "10.0.0.1", "[2001:db9::1");
    conn_is(px, "10.0.0.1", "[2001:db9::1]443");
    conn_is(px, "10.0.0.1", "[2001:db9::1]:");
    conn_is(px, "10.0.0.1", "[2001:db9::1]]");
    conn_is(px, "10.0.0.1", "[]");
    conn_is(px, "10.0.0.1", "[]:80");
    conn_is(px, "10.0.0.1", ":80");
    conn_is(px, "10.0.0.1", "[[2001:db9::1]]");
    proxies_free(px);
}

static void test_proxy__client_malformed(void **state)
{
    struct proxies *px = parse_ok(SITE_LIST);

    (void)state;
    /* A trusted proxy wrote something we cannot read: the client hides
     * behind it, and what is left of it came from an unknown party. The
     * answer is the last trusted address. */
    conn_is(px, "10.0.0.1", "unknown");
    conn_is(px, "10.0.0.1", "203.0.113.7, unknown");
    conn_is(px, "10.0.0.1", "203.0.113.7, _hidden");
    conn_is(px, "10.0.0.1", "203.0.113.7, garbage");
    conn_is(px, "10.0.0.1", "203.0.113.7, fe80::1%eth0");
    conn_is(px, "10.0.0.1", "203.0.113.7, proxy.example");
    conn_is(px, "10.0.0.1", "203.0.113.7, for=192.0.2.60");
    conn_is(px, "10.0.0.1", "203.0.113.7, \"203.0.113.8\"");
    conn_is(px, "10.0.0.1", "203.0.113.7, 010.0.0.1");
    conn_is(px, "10.0.0.1", "203.0.113.7, -");
    xff_is(px, "10.0.0.1", "203.0.113.7, unknown, 10.0.0.2", "10.0.0.2");
    xff_is(px, "10.0.0.1", "203.0.113.7, _a.b-c, 10.0.0.3, 10.0.0.2",
           "10.0.0.3");
    /* Empty items: a,,b and a trailing or leading comma. */
    xff_is(px, "10.0.0.1", "203.0.113.7,,10.0.0.2", "10.0.0.2");
    xff_is(px, "10.0.0.1", "203.0.113.7, ,10.0.0.2", "10.0.0.2");
    conn_is(px, "10.0.0.1", "203.0.113.7,");
    conn_is(px, "10.0.0.1", "203.0.113.7, ");
    conn_is(px, "10.0.0.1", ",");
    xff_is(px, "10.0.0.1", ",10.0.0.2", "10.0.0.2");
    xff_is(px, "10.0.0.1", ", 203.0.113.7", "203.0.113.7");
    /* Malformed left of the client is never looked at. */
    xff_is(px, "10.0.0.1", "garbage,203.0.113.7", "203.0.113.7");
    xff_is(px, "10.0.0.1", "unknown, 203.0.113.7, 10.0.0.2", "203.0.113.7");
    /* An item longer than any address, of digits or of blanks. */
    {
        char x[200];

        memset(x, '1', 100);
        strcpy(x + 100, ", 10.0.0.2");
        xff_is(px, "10.0.0.1", x, "10.0.0.2");
        memset(x, ' ', 150);
        strcpy(x + 150, "203.0.113.7");
        xff_is(px, "10.0.0.1", x, "203.0.113.7");
    }
    /* A NUL byte: "203.0.113.7\0" is not 203.0.113.7. */
    client_is(px, "10.0.0.1", "203.0.113.7\0, 10.0.0.2", 22, "10.0.0.2", 0);
    client_is(px, "10.0.0.1", "203.0.113.7\0", 12, "10.0.0.1", 1);
    proxies_free(px);
}

/* "10.A.B.C" for i, all in 10.0.0.0/8. */
static size_t put_hop(char *buf, unsigned i)
{
    return (size_t)sprintf(buf, "10.%u.%u.%u", (i >> 16) & 255,
                           (i >> 8) & 255, i & 255);
}

/*
 * A header of n items separated by ", ": the item at client_at (if not
 * (unsigned)-1) is 203.0.113.7, those left of it forged junk or
 * addresses, those right of it trusted hops.
 */
static char *long_header(unsigned n, unsigned client_at, size_t *len)
{
    char *buf = xmalloc((size_t)n * 20 + 1);
    size_t used = 0;

    for (unsigned i = 0; i < n; i++) {
        if (i)
            used += (size_t)sprintf(buf + used, ", ");
        if (i == client_at)
            used += (size_t)sprintf(buf + used, "203.0.113.7");
        else if (client_at != (unsigned)-1 && i < client_at)
            used += (size_t)sprintf(buf + used, i % 2 ? "1.1.1.%u" : "x%u",
                                    i % 250);
        else
            used += put_hop(buf + used, i);
    }
    buf[used] = '\0';
    *len = used;
    return buf;
}

static void test_proxy__client_long_headers(void **state)
{
    struct proxies *px = parse_ok(SITE_LIST);
    size_t n;
    char *x;

    (void)state;
    /* 10,000 trusted hops: the left-most. About 120 KiB. */
    x = long_header(10000, (unsigned)-1, &n);
    assert_true(n > 64 * 1024);
    client_is(px, "10.0.0.1", x, n, "10.0.0.0", 0);
    free(x);
    /* 5,000 forged items, the client, 4,999 trusted hops. */
    x = long_header(10000, 5000, &n);
    client_is(px, "10.0.0.1", x, n, "203.0.113.7", 0);
    free(x);
    /* 9,999 forged items then the client, appended by our proxy. */
    x = long_header(10000, 9999, &n);
    client_is(px, "10.0.0.1", x, n, "203.0.113.7", 0);
    free(x);
    /* Thousands of empty items after the client: malformed at once. */
    x = xmalloc(70000);
    memcpy(x, "203.0.113.7", 11);
    memset(x + 11, ',', 70000 - 11);
    client_is(px, "10.0.0.1", x, 70000, "10.0.0.1", 1);
    memset(x, ',', 70000 - 11);
    memcpy(x + 70000 - 11, "203.0.113.7", 11);
    client_is(px, "10.0.0.1", x, 70000, "203.0.113.7", 0);
    free(x);
    proxies_free(px);
}

/*
 * Headers of 10,000 and 100,000 trusted hops: the walk reaches the
 * left-most, right answer with no recursion or quadratic copy to
 * overflow (its linear cost is the bench's business, not a timed test's).
 */
static void test_proxy__client_many_hops(void **state)
{
    struct proxies *px = parse_ok(SITE_LIST);

    (void)state;
    for (unsigned n = 10000; n <= 100000; n *= 10) {
        size_t len;
        char *x = long_header(n, (unsigned)-1, &len);
        struct slice r = proxies_client(px, SLICE_LIT("10.0.0.1"),
                                        slice_make(x, len));

        assert_true(slice_eq_str(r, "10.0.0.0"));
        assert_true(r.p >= x && r.p + r.n <= x + len);
        free(x);
    }
    proxies_free(px);
}

/* A zone id names an interface of the server, never a client: an item
 * that carries one is malformed, bracketed or not, and a connection
 * address with one is not a trusted proxy. */
static void test_proxy__client_zone_ids(void **state)
{
    struct proxies *px = parse_ok("10.0.0.0/8 fe80::/10");

    (void)state;
    conn_is(px, "10.0.0.1", "203.0.113.7, [fe80::1%eth0]");
    conn_is(px, "10.0.0.1", "203.0.113.7, [fe80::1%eth0]:443");
    conn_is(px, "10.0.0.1", "203.0.113.7, fe80::1%25eth0");
    conn_is(px, "fe80::1%eth0", "203.0.113.7");
    xff_is(px, "fe80::1", "203.0.113.7", "203.0.113.7");
    xff_is(px, "10.0.0.1", "203.0.113.7, [fe80::1]:443", "203.0.113.7");
    proxies_free(px);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_proxy__parse_issue_example),
        cmocka_unit_test(test_proxy__parse_separators),
        cmocka_unit_test(test_proxy__parse_empty),
        cmocka_unit_test(test_proxy__parse_bad),
        cmocka_unit_test(test_proxy__parse_bad_shown_safely),
        cmocka_unit_test(test_proxy__parse_dedup),
        cmocka_unit_test(test_proxy__match_v4_boundaries),
        cmocka_unit_test(test_proxy__match_v6_boundaries),
        cmocka_unit_test(test_proxy__match_mapped),
        cmocka_unit_test(test_proxy__match_not_addresses),
        cmocka_unit_test(test_proxy__match_random_model),
        cmocka_unit_test(test_proxy__client_direct),
        cmocka_unit_test(test_proxy__client_one_proxy),
        cmocka_unit_test(test_proxy__client_spoofing),
        cmocka_unit_test(test_proxy__client_proxy_chain),
        cmocka_unit_test(test_proxy__client_all_trusted),
        cmocka_unit_test(test_proxy__client_blanks),
        cmocka_unit_test(test_proxy__client_ports),
        cmocka_unit_test(test_proxy__client_malformed),
        cmocka_unit_test(test_proxy__client_zone_ids),
        cmocka_unit_test(test_proxy__client_long_headers),
        cmocka_unit_test(test_proxy__client_many_hops),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
