/*
 * test_netrange.c - netrange.h: addresses read by hand (against
 * inet_pton on every form and on random text), the special-purpose
 * blocks at both ends of each, and CIDR sets.
 */
#include "netrange.h"
#include "testutil.h"

#include <arpa/inet.h>

/* ---- helpers ------------------------------------------------------- */

/* Parse an exact-size copy (ASan sees a read past the text). */
static int parse(const char *text, struct netaddr *a)
{
    size_t n = strlen(text);
    char *copy = xmalloc(n ? n : 1);
    int rc;

    memcpy(copy, text, n);
    rc = netaddr_parse(copy, n, a);
    free(copy);
    return rc;
}

static const char *special(const char *text)
{
    struct netaddr a;

    if (parse(text, &a))
        fail_msg("'%s' does not parse", text);
    return netaddr_special(&a);
}

static void is_special(const char *text, const char *name)
{
    const char *got = special(text);

    if (!got || strcmp(got, name) != 0)
        fail_msg("'%s': special '%s', expected '%s'", text,
                 got ? got : "(none)", name);
}

static void not_special(const char *text)
{
    const char *got = special(text);

    if (got)
        fail_msg("'%s' is special ('%s')", text, got);
}

static struct netrange *set_ok(const char *list)
{
    struct bs_err err;
    struct netrange *r;

    memset(&err, 0, sizeof(err));
    r = netrange_parse(list, "exclude", &err);
    if (!r)
        fail_msg("'%s' refused: %s", list, err.msg);
    return r;
}

static void set_bad(const char *list, const char *want)
{
    struct bs_err err;

    memset(&err, 0, sizeof(err));
    if (netrange_parse(list, "exclude", &err))
        fail_msg("'%s' was accepted", list);
    assert_int_equal(err.status, BS_USAGE);
    assert_non_null(strstr(err.msg, "exclude '"));
    if (!strstr(err.msg, want))
        fail_msg("'%s': message '%s' lacks '%s'", list, err.msg, want);
}

static int in(const struct netrange *r, const char *text)
{
    size_t n = strlen(text);
    char *copy = xmalloc(n ? n : 1);
    int rc;

    memcpy(copy, text, n);
    rc = netrange_contains(r, copy, n);
    free(copy);
    return rc;
}

/* ---- reading addresses ---------------------------------------------- */

static void test_netrange__ipv4(void **state)
{
    struct netaddr a;
    static const char *const bad[] = {
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.04",
        "1..2.3", ".1.2.3", "1.2.3.", "1.2.3.4 ", " 1.2.3.4", "1.2.3.4/8",
        "1.2.3.a", "0x1.2.3.4", "1.2.3.1000", "-1.2.3.4", "1.2.3.4%eth0",
    };

    (void)state;
    assert_int_equal(parse("192.168.1.10", &a), 0);
    assert_int_equal(a.v6, 0);
    assert_int_equal(a.v4, 0xc0a8010au);
    assert_int_equal(parse("0.0.0.0", &a), 0);
    assert_int_equal(a.v4, 0);
    assert_int_equal(parse("255.255.255.255", &a), 0);
    assert_int_equal(a.v4, 0xffffffffu);
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        if (parse(bad[i], &a) == 0)
            fail_msg("'%s' was read as an address", bad[i]);
}

static void test_netrange__ipv6_forms(void **state)
{
    struct netaddr a;

    (void)state;
    assert_int_equal(parse("2001:db8::1", &a), 0);
    assert_int_equal(a.v6, 1);
    assert_true(a.hi == 0x20010db800000000ull && a.lo == 1);
    assert_int_equal(parse("2001:0DB8:0000:0000:0000:0000:0000:0001", &a), 0);
    assert_true(a.hi == 0x20010db800000000ull && a.lo == 1);
    assert_int_equal(parse("::", &a), 0);
    assert_true(a.v6 && a.hi == 0 && a.lo == 0);
    assert_int_equal(parse("::1", &a), 0);
    assert_true(a.v6 && a.hi == 0 && a.lo == 1);
    assert_int_equal(parse("1::", &a), 0);
    assert_true(a.hi == 0x0001000000000000ull && a.lo == 0);
    assert_int_equal(parse("1:2:3:4:5:6:7::", &a), 0);
    assert_true(a.lo == 0x0005000600070000ull);
    assert_int_equal(parse("::2:3:4:5:6:7:8", &a), 0);
    assert_true(a.hi == 0x0000000200030004ull);
    /* An embedded dotted quad, and the IPv4-mapped form read as IPv4. */
    assert_int_equal(parse("64:ff9b::192.0.2.33", &a), 0);
    assert_true(a.v6 && a.lo == 0xc0000221ull);
    assert_int_equal(parse("::ffff:192.168.1.10", &a), 0);
    assert_int_equal(a.v6, 0);
    assert_int_equal(a.v4, 0xc0a8010au);
    assert_int_equal(parse("::FFFF:c0a8:010a", &a), 0);
    assert_int_equal(a.v6, 0);
    assert_int_equal(a.v4, 0xc0a8010au);
    /* A zone id names the interface; the address is the one before. */
    assert_int_equal(parse("fe80::1%eth0", &a), 0);
    assert_true(a.v6 && a.hi == 0xfe80000000000000ull && a.lo == 1);
    assert_int_equal(parse("fe80::1%3", &a), 0);
    assert_int_equal(parse("fe80::1%", &a), -1);
    assert_int_equal(parse("fe80::1%eth 0", &a), -1);
    assert_int_equal(parse("fe80::1%%", &a), -1);
}

static void test_netrange__ipv6_garbage(void **state)
{
    struct netaddr a = {0, 7, 0, 0};
    static const char *const bad[] = {
        ":", ":::", "1:2", "1:2:3:4:5:6:7:8:9", "1::2::3", ":1::", "1::2:",
        "12345::", "::g", "[::1]", "[::1]:443", "::1 ", "1:2:3:4:5:6:7:8::",
        "::ffff:1.2.3", "::ffff:01.2.3.4", "::1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4",
        "::1.2.3.4.5", "2001:db8::/32", "-", "unknown", "localhost",
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        if (parse(bad[i], &a) == 0)
            fail_msg("'%s' was read as an address", bad[i]);
    /* Untouched on failure. */
    assert_int_equal(a.v4, 7);
    assert_int_equal(netaddr_parse("1.2.3.4\0", 8, &a), -1);
}

/* The reading agrees with inet_pton on random text made of the bytes
 * addresses are made of. */
static void test_netrange__like_inet_pton(void **state)
{
    static const char alpha[] = "0123456789abcdefABCDEF:.::..1f";
    uint64_t x = 88172645463325252ull;
    unsigned agree = 0, ok = 0;

    (void)state;
    for (int i = 0; i < 400000; i++) {
        char buf[48];
        unsigned char want[16], got[16];
        size_t n;
        int v6, pton, mine;
        struct netaddr a;

        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        n = 1 + x % 40;
        for (size_t k = 0; k < n; k++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            buf[k] = alpha[x % (sizeof(alpha) - 1)];
        }
        buf[n] = '\0';
        v6 = strchr(buf, ':') != NULL;
        pton = inet_pton(v6 ? AF_INET6 : AF_INET, buf, want) == 1;
        mine = netaddr_parse(buf, n, &a) == 0;
        if (pton != mine)
            fail_msg("'%s': inet_pton %d, netaddr_parse %d", buf, pton, mine);
        if (mine) {
            ok++;
            if (!a.v6 && v6) {
                /* Mapped: compare the IPv4 part. */
                netaddr_bytes(&a, got);
                assert_memory_equal(got, want + 12, 4);
            } else {
                assert_int_equal(netaddr_bytes(&a, got), v6 ? 16 : 4);
                assert_memory_equal(got, want, v6 ? 16 : 4);
            }
        }
        agree++;
    }
    assert_int_equal(agree, 400000);
    assert_true(ok > 1000);
}

/* Well-formed addresses of every shape, through inet_ntop and back. */
static void test_netrange__round_trip(void **state)
{
    uint64_t x = 0x9e3779b97f4a7c15ull;

    (void)state;
    for (int i = 0; i < 100000; i++) {
        unsigned char b[16], got[16];
        char text[INET6_ADDRSTRLEN];
        struct netaddr a;

        for (int k = 0; k < 16; k++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            /* Runs of zeros, so that "::" shows up. */
            b[k] = (x >> 8) % 3 == 0 ? 0 : (unsigned char)x;
        }
        if (i % 5 == 0)
            memset(b, 0, 10), b[10] = b[11] = 0xff;
        assert_non_null(inet_ntop(AF_INET6, b, text, sizeof(text)));
        assert_int_equal(parse(text, &a), 0);
        if (i % 5 == 0) {
            assert_int_equal(a.v6, 0);
            netaddr_bytes(&a, got);
            assert_memory_equal(got, b + 12, 4);
        } else {
            netaddr_bytes(&a, got);
            assert_memory_equal(got, b, 16);
        }
    }
}

/* ---- the special-purpose blocks ------------------------------------- */

static void test_netrange__special_v4(void **state)
{
    static const struct {
        const char *first, *last, *name, *before, *after;
    } blocks[] = {
        {"0.0.0.0", "0.255.255.255", "this network", NULL, "1.0.0.0"},
        {"10.0.0.0", "10.255.255.255", "private-use", "9.255.255.255",
         "11.0.0.0"},
        {"100.64.0.0", "100.127.255.255", "shared address space",
         "100.63.255.255", "100.128.0.0"},
        {"127.0.0.0", "127.255.255.255", "loopback", "126.255.255.255",
         "128.0.0.0"},
        {"169.254.0.0", "169.254.255.255", "link-local", "169.253.255.255",
         "169.255.0.0"},
        {"172.16.0.0", "172.31.255.255", "private-use", "172.15.255.255",
         "172.32.0.0"},
        {"192.0.0.0", "192.0.0.255", "IETF protocol assignments",
         "191.255.255.255", "192.0.1.0"},
        {"192.0.2.0", "192.0.2.255", "documentation", "192.0.1.255",
         "192.0.3.0"},
        {"192.88.99.0", "192.88.99.255", "6to4 relay anycast",
         "192.88.98.255", "192.88.100.0"},
        {"192.168.0.0", "192.168.255.255", "private-use", "192.167.255.255",
         "192.169.0.0"},
        {"198.18.0.0", "198.19.255.255", "benchmarking", "198.17.255.255",
         "198.20.0.0"},
        {"198.51.100.0", "198.51.100.255", "documentation",
         "198.51.99.255", "198.51.101.0"},
        {"203.0.113.0", "203.0.113.255", "documentation", "203.0.112.255",
         "203.0.114.0"},
        {"224.0.0.0", "239.255.255.255", "multicast", "223.255.255.255",
         NULL},
        {"240.0.0.0", "255.255.255.255", "reserved", NULL, NULL},
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(blocks); i++) {
        char mapped[64];

        is_special(blocks[i].first, blocks[i].name);
        is_special(blocks[i].last, blocks[i].name);
        /* The same address written as IPv4-mapped IPv6. */
        snprintf(mapped, sizeof(mapped), "::ffff:%s", blocks[i].last);
        is_special(mapped, blocks[i].name);
        if (blocks[i].before)
            not_special(blocks[i].before);
        if (blocks[i].after)
            not_special(blocks[i].after);
    }
    /* Readers: public addresses. */
    not_special("8.8.8.8");
    not_special("::ffff:81.2.69.160");
    not_special("172.217.0.1");
    not_special("192.0.3.1");
}

static void test_netrange__special_v6(void **state)
{
    static const struct {
        const char *first, *last, *name, *before, *after;
    } blocks[] = {
        {"::", "::", "unspecified", NULL, NULL},
        {"::1", "::1", "loopback", NULL, NULL},
        {"64:ff9b:1::", "64:ff9b:1:ffff:ffff:ffff:ffff:ffff",
         "IPv4/IPv6 translation", NULL, NULL},
        {"100::", "100::ffff:ffff:ffff:ffff", "discard-only", NULL, NULL},
        {"2001:2::", "2001:2:0:ffff:ffff:ffff:ffff:ffff", "benchmarking",
         "2001:1:ffff:ffff:ffff:ffff:ffff:ffff", "2001:2:1::"},
        {"2001:10::", "2001:1f:ffff:ffff:ffff:ffff:ffff:ffff", "ORCHID",
         "2001:f:ffff:ffff:ffff:ffff:ffff:ffff", "2001:20::"},
        {"2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
         "documentation", "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff",
         "2001:db9::"},
        {"3fff::", "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff", "documentation",
         "3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "3fff:1000::"},
        {"5f00::", "5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
         "segment routing", NULL, NULL},
        {"fc00::", "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "unique-local",
         NULL, NULL},
        {"fe80::", "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "link-local",
         NULL, NULL},
        {"ff00::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "multicast",
         NULL, NULL},
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(blocks); i++) {
        is_special(blocks[i].first, blocks[i].name);
        is_special(blocks[i].last, blocks[i].name);
        if (blocks[i].before)
            not_special(blocks[i].before);
        if (blocks[i].after)
            not_special(blocks[i].after);
    }
    /* Outside 2000::/3 and no block of its own: reserved. */
    is_special("::2", "reserved");
    is_special("::1.2.3.4", "reserved");
    is_special("1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "reserved");
    is_special("4000::", "reserved");
    is_special("fe80::1%eth0", "link-local");
    /* The first and last of 2000::/3 are public. */
    not_special("2000::");
    not_special("3ffe::1");
    not_special("2a00:1450:4001:82b::200e");
    not_special("2001:4860:4860::8888");
    /* Teredo and the anycast services of 2001::/23 are left to the DB. */
    not_special("2001:0:4136:e378:8000:63bf:3fff:fdd2");
    not_special("2001:1::1");
    /* IPv4 carried in NAT64 and 6to4 is judged as IPv4. */
    is_special("64:ff9b::192.168.1.1", "private-use");
    not_special("64:ff9b::8.8.8.8");
    is_special("2002:c0a8:0101::1", "private-use");
    is_special("2002:0a00:0001::", "private-use");
    not_special("2002:0808:0808::1");
}

/* ---- sets ------------------------------------------------------------ */

static void test_netrange__set_match(void **state)
{
    struct netrange *r = set_ok("192.168.0.0/16, 172.17.0.1\t2001:db8::/32 "
                                "10.1.2.3/32 ::ffff:100.64.0.0/106");

    (void)state;
    assert_int_equal(netrange_count(r), 5);
    assert_true(in(r, "192.168.0.0"));
    assert_true(in(r, "192.168.255.255"));
    assert_false(in(r, "192.167.255.255"));
    assert_false(in(r, "192.169.0.0"));
    assert_true(in(r, "::ffff:192.168.1.10"));
    assert_true(in(r, "172.17.0.1"));
    assert_false(in(r, "172.17.0.2"));
    assert_false(in(r, "172.17.0.0"));
    assert_true(in(r, "10.1.2.3"));
    assert_false(in(r, "10.1.2.4"));
    assert_true(in(r, "100.64.0.0"));
    assert_true(in(r, "100.127.255.255"));
    assert_false(in(r, "100.128.0.0"));
    assert_true(in(r, "2001:db8::"));
    assert_true(in(r, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
    assert_true(in(r, "2001:DB8::1%eth0"));
    assert_false(in(r, "2001:db9::"));
    assert_false(in(r, "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff"));
    /* IPv6 prefixes never hold IPv4 addresses, nor the other way. */
    assert_false(in(r, "::c0a8:0101"));
    assert_false(in(r, "-"));
    assert_false(in(r, ""));
    assert_false(netrange_contains(NULL, "192.168.1.1", 11));
    netrange_free(r);
    netrange_free(NULL);
}

static void test_netrange__set_merge(void **state)
{
    struct netrange *r =
        set_ok("10.0.0.0/8 10.1.0.0/16 10.1.2.3 10.0.0.0/8 0.0.0.0/0 "
               "2001:db8:1::/48 2001:db8::/32 2001:db8::1 ::/0");
    struct netrange *e = set_ok("  ,, \t");

    (void)state;
    assert_int_equal(netrange_count(r), 2);
    assert_true(in(r, "1.2.3.4"));
    assert_true(in(r, "2a00::1"));
    assert_int_equal(netrange_count(e), 0);
    assert_false(in(e, "1.2.3.4"));
    netrange_free(r);
    netrange_free(e);
    r = set_ok(NULL);
    assert_int_equal(netrange_count(r), 0);
    netrange_free(r);
}

/* A set against a list of ranges checked one by one. */
static void test_netrange__set_model(void **state)
{
    uint64_t x = 0x2545f4914f6cdd1dull;

    (void)state;
    for (int round = 0; round < 200; round++) {
        char list[4096] = "";
        uint32_t net[12], last[12];
        int n = 1 + round % 12;
        struct netrange *r;

        for (int i = 0; i < n; i++) {
            unsigned len;
            char e[40];

            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            len = 8 + (unsigned)(x % 25);
            net[i] = (uint32_t)(x >> 20) & ~(len >= 32 ? 0 : 0xffffffffu >> len);
            last[i] = net[i] | (len >= 32 ? 0 : 0xffffffffu >> len);
            snprintf(e, sizeof(e), "%u.%u.%u.%u/%u ", net[i] >> 24,
                     net[i] >> 16 & 255, net[i] >> 8 & 255, net[i] & 255, len);
            strcat(list, e);
        }
        r = set_ok(list);
        for (int k = 0; k < 2000; k++) {
            struct netaddr a = {0, 0, 0, 0};
            int want = 0;

            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            a.v4 = k % 2 ? (uint32_t)x : net[k % n] + (uint32_t)(x % 3) - 1;
            for (int i = 0; i < n; i++)
                want |= a.v4 >= net[i] && a.v4 <= last[i];
            assert_int_equal(netrange_has(r, &a), want);
        }
        netrange_free(r);
    }
}

static void test_netrange__set_errors(void **state)
{
    (void)state;
    set_bad("192.168.1.0/16", "network 192.168.0.0/16");
    set_bad("2001:db8::1/32", "network 2001:db8::/32");
    set_bad("::ffff:10.0.0.1/104", "network ::ffff:10.0.0.0/104");
    set_bad("10.0.0.0/33", "0 to 32");
    set_bad("2001:db8::/129", "0 to 128");
    set_bad("10.0.0.0/", "0 to 32");
    set_bad("10.0.0.0/+8", "0 to 32");
    set_bad("10.0.0.0/0x8", "0 to 32");
    set_bad("::ffff:10.0.0.0/95", "at least /96");
    set_bad("fe80::1%eth0", "zone ids");
    set_bad("192.168.0.0/16 nonsense", "'nonsense' is not");
    set_bad("192.168.1.256", "is not an IP address");
    set_bad("[::1]", "is not");
    set_bad("localhost", "is not");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_netrange__ipv4),
        cmocka_unit_test(test_netrange__ipv6_forms),
        cmocka_unit_test(test_netrange__ipv6_garbage),
        cmocka_unit_test(test_netrange__like_inet_pton),
        cmocka_unit_test(test_netrange__round_trip),
        cmocka_unit_test(test_netrange__special_v4),
        cmocka_unit_test(test_netrange__special_v6),
        cmocka_unit_test(test_netrange__set_match),
        cmocka_unit_test(test_netrange__set_merge),
        cmocka_unit_test(test_netrange__set_model),
        cmocka_unit_test(test_netrange__set_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
