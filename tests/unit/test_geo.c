/*
 * test_geo.c - geo.h: country lookups through MaxMind DB files of both
 * layouts (build/fixtures/city.mmdb and flat.mmdb, written by
 * tests/fixtures/mkmmdb.pl), the address cache, the search for a database
 * and the errors.
 *
 * The fixtures hold, in an IPv6 tree with IPv4 aliased into it:
 *   81.2.69.0/24 SE, 185.51.100.0/24 DE, 89.160.20.0/25 US,
 *   2a02:ff0:1::/48 FI, 2a02:ff0:2::/48 DK,
 *   89.160.20.128/26: city layout registered_country NO only,
 *                     flat layout country_code "" (nothing usable),
 *   1.1.1.0/24 AU,
 * and, as a real database may, special-purpose blocks that are nobody's:
 *   10/8, 100.64/10, 127/8, 169.254/16, 172.16/12, 192.0.2/24,
 *   192.168/16, 198.18/15, 198.51.100/24, 203.0.113/24, 224/4, 240/4 AU,
 *   2001:db8::/32, fc00::/7, fe80::/10, ff00::/8 JP.
 */
#include "testutil.h"
#include "geo.h"
#include "netrange.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#define CITY "build/fixtures/city.mmdb"
#define FLAT "build/fixtures/flat.mmdb"
#define REAL "data/geo-whois-asn-country.mmdb"

static void need_fixture(const char *path)
{
    if (access(path, R_OK) != 0)
        fail_msg("%s is missing (%s): run `make build/fixtures/city.mmdb` "
                 "from the repository root first", path, strerror(errno));
}

static struct geo *open_fixture(const char *path)
{
    struct bs_err err;
    struct geo *g;

    need_fixture(path);
    memset(&err, 0, sizeof(err));
    g = geo_open(path, &err);
    if (!g)
        fail_msg("geo_open(%s): %d %s", path, err.status, err.msg);
    assert_int_equal(err.status, 0);
    return g;
}

/* geo_country of a NUL-terminated address. */
static const char *cc(struct geo *g, const char *addr)
{
    const char *r = geo_country(g, addr, strlen(addr));

    assert_non_null(r);
    assert_int_equal(strlen(r), 2);
    return r;
}

struct expect {
    const char *addr;
    const char *city;    /* answer of the city layout */
    const char *flat;    /* answer of the flat layout */
};

/* Check every address in both layouts; report every mismatch at once. */
static void check_both(const struct expect *e, size_t n)
{
    struct geo *city = open_fixture(CITY);
    struct geo *flat = open_fixture(FLAT);
    char msg[2048];
    size_t used = 0;
    int bad = 0;

    msg[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *c = cc(city, e[i].addr), *f = cc(flat, e[i].addr);

        if (strcmp(c, e[i].city) != 0 || strcmp(f, e[i].flat) != 0) {
            bad++;
            if (used < sizeof(msg) - 1)
                used += (size_t)snprintf(msg + used, sizeof(msg) - used,
                                         "\n  '%s': city '%s' (expected "
                                         "'%s'), flat '%s' (expected '%s')",
                                         e[i].addr, c, e[i].city, f,
                                         e[i].flat);
        }
    }
    /* Closed before failing, so that a failure leaks nothing. */
    geo_close(city);
    geo_close(flat);
    if (bad)
        fail_msg("%d of %zu addresses wrong:%s", bad, n, msg);
}

static void test_geo__ipv4(void **state)
{
    static const struct expect e[] = {
        {"81.2.69.1", "SE", "SE"},
        {"81.2.69.0", "SE", "SE"},
        {"81.2.69.255", "SE", "SE"},
        {"185.51.100.7", "DE", "DE"},
        {"185.51.100.255", "DE", "DE"},
        {"89.160.20.0", "US", "US"},
        {"89.160.20.127", "US", "US"},
        {"81.2.68.255", "--", "--"},     /* just below 81.2.69.0/24 */
        {"81.2.70.0", "--", "--"},       /* just above */
        {"89.160.20.192", "--", "--"},   /* above the /26 */
    };

    (void)state;
    check_both(e, ARRAY_SIZE(e));
}

static void test_geo__ipv6(void **state)
{
    static const struct expect e[] = {
        {"2a02:ff0:1::1", "FI", "FI"},
        {"2a02:ff0:1::", "FI", "FI"},
        {"2a02:ff0:1:ffff:ffff:ffff:ffff:ffff", "FI", "FI"},
        {"2A02:FF0:1::ABCD", "FI", "FI"},                 /* upper case */
        {"2a02:0ff0:0001:0000:0000:0000:0000:0001", "FI", "FI"},
        {"2a02:ff0:2::5", "DK", "DK"},
        {"2a02:ff0:2:abcd:1:2:3:4", "DK", "DK"},
        {"2a02:ff0:3::1", "--", "--"},
        {"2a02:ff0::1", "--", "--"},
        {"::1", "--", "--"},
        {"::", "--", "--"},
    };

    (void)state;
    check_both(e, ARRAY_SIZE(e));
}

/* IPv4 addresses written as IPv6 reach the IPv4 part of the tree. */
static void test_geo__ipv4_in_ipv6_tree(void **state)
{
    static const struct expect e[] = {
        {"::ffff:81.2.69.7", "SE", "SE"},             /* IPv4-mapped */
        {"::FFFF:185.51.100.1", "DE", "DE"},
        {"::ffff:5102:4501", "SE", "SE"},             /* same, in hex */
        {"0000:0000:0000:0000:0000:ffff:185.51.100.200", "DE", "DE"},
        {"2002:5102:4501::", "SE", "SE"},             /* 6to4 */
        {"2002:59a0:1405::1", "US", "US"},            /* 6to4 89.160.20.5 */
        {"::ffff:10.0.0.1", "--", "--"},
        {"::ffff:89.160.20.130", "NO", "--"},
    };

    (void)state;
    check_both(e, ARRAY_SIZE(e));
}

static void test_geo__not_in_db(void **state)
{
    static const struct expect e[] = {
        {"10.0.0.1", "--", "--"},
        {"127.0.0.1", "--", "--"},
        {"8.8.8.8", "--", "--"},
        {"0.0.0.0", "--", "--"},
        {"255.255.255.255", "--", "--"},
        {"fe80::1", "--", "--"},
        {"2a00:1450:4001::1", "--", "--"},
    };

    (void)state;
    check_both(e, ARRAY_SIZE(e));
}

/*
 * Addresses of the blocks that are nobody's are "--" although the
 * database answers for them (the fixtures say AU and JP): a home network,
 * Docker's bridge, CGNAT, a documentation example, also written as
 * IPv4-mapped IPv6 or carried in 6to4 and NAT64.
 */
static void test_geo__special_never_asked(void **state)
{
    static const struct expect e[] = {
        {"1.1.1.1", "AU", "AU"},                 /* the database's AU */
        {"192.168.1.10", "--", "--"},
        {"172.17.0.1", "--", "--"},
        {"10.0.0.1", "--", "--"},
        {"100.64.0.1", "--", "--"},
        {"100.127.255.255", "--", "--"},
        {"127.0.0.1", "--", "--"},
        {"169.254.10.1", "--", "--"},
        {"192.0.2.1", "--", "--"},
        {"198.18.0.1", "--", "--"},
        {"198.19.255.255", "--", "--"},
        {"198.51.100.7", "--", "--"},
        {"203.0.113.5", "--", "--"},
        {"224.0.0.1", "--", "--"},
        {"255.255.255.255", "--", "--"},
        {"::ffff:192.168.1.10", "--", "--"},
        {"::ffff:c0a8:010a", "--", "--"},
        {"2002:c0a8:010a::1", "--", "--"},      /* 6to4 of 192.168.1.10 */
        {"64:ff9b::10.1.2.3", "--", "--"},      /* NAT64 of 10.1.2.3 */
        {"2001:db8::", "--", "--"},
        {"2001:db8:1::1", "--", "--"},
        {"fd12:3456:789a::1", "--", "--"},
        {"fe80::1", "--", "--"},
        {"fe80::1%eth0", "--", "--"},
        {"ff02::1", "--", "--"},
        {"::1", "--", "--"},
        /* Next to them, public addresses are asked. */
        {"::ffff:1.1.1.1", "AU", "AU"},
        {"2002:0101:0101::", "AU", "AU"},        /* 6to4 of 1.1.1.1 */
    };

    (void)state;
    check_both(e, ARRAY_SIZE(e));
}

/* A zone id names the server's interface: the address is the one before
 * it. */
static void test_geo__zone_id(void **state)
{
    static const struct expect e[] = {
        {"2a02:ff0:1::1%eth0", "FI", "FI"},
        {"2a02:ff0:1::1%", "--", "--"},
    };

    (void)state;
    check_both(e, ARRAY_SIZE(e));
}

static void test_geo__not_an_ip(void **state)
{
    static const struct expect e[] = {
        {"example.com", "--", "--"},
        {"", "--", "--"},
        {"999.1.1.1", "--", "--"},
        {"81.2.69", "--", "--"},
        {"81.2.69.1.5", "--", "--"},
        {"81.2.69.1 ", "--", "--"},
        {" 81.2.69.1", "--", "--"},
        {"81.2.69.01", "--", "--"},
        {"::g", "--", "--"},
        {"2a02:ff0:1::1::2", "--", "--"},
        {"[2a02:ff0:1::1]", "--", "--"},
        {"-", "--", "--"},
        {":", "--", "--"},
        {"SE", "--", "--"},
    };
    char longaddr[101];

    (void)state;
    check_both(e, ARRAY_SIZE(e));

    /* 100 characters: an IPv4 address padded with digits, and one that is
     * a valid address followed by junk. */
    memset(longaddr, '1', 100);
    longaddr[100] = '\0';
    {
        struct geo *city = open_fixture(CITY);
        struct geo *flat = open_fixture(FLAT);

        assert_string_equal(geo_country(city, longaddr, 100), "--");
        assert_string_equal(geo_country(flat, longaddr, 100), "--");
        memcpy(longaddr, "81.2.69.1", 9);
        assert_string_equal(geo_country(city, longaddr, 100), "--");
        assert_string_equal(geo_country(flat, longaddr, 100), "--");
        /* The first 9 bytes of the same buffer are an address in SE. */
        assert_string_equal(geo_country(city, longaddr, 9), "SE");
        assert_string_equal(geo_country(flat, longaddr, 9), "SE");
        geo_close(city);
        geo_close(flat);
    }
}

/* Only n bytes are read, and the cache keys on exactly those n bytes. */
static void test_geo__reads_n_bytes(void **state)
{
    static const char buf[] = "81.2.69.12x";
    struct geo *g = open_fixture(CITY);

    (void)state;
    assert_string_equal(geo_country(g, buf, 8), "--");   /* "81.2.69." */
    assert_string_equal(geo_country(g, buf, 9), "SE");   /* "81.2.69.1" */
    assert_string_equal(geo_country(g, buf, 10), "SE");  /* "81.2.69.12" */
    assert_string_equal(geo_country(g, buf, 11), "--");  /* "...12x" */
    assert_string_equal(geo_country(g, buf, 8), "--");
    assert_string_equal(geo_country(g, buf, 9), "SE");
    assert_string_equal(geo_country(g, "2a02:ff0:1::1", 13), "FI");
    assert_string_equal(geo_country(g, "2a02:ff0:1::1", 12), "FI");
    assert_string_equal(geo_country(g, "2a02:ff0:1::1", 11), "--");
    geo_close(g);
}

/*
 * An address of n bytes with a NUL inside is not an IP address: the bytes
 * after the NUL must not be ignored.
 */
static void test_geo__embedded_nul(void **state)
{
    static const char addr[] = "81.2.69.1\0junk";
    static const char addr6[] = "2a02:ff0:1::1\0x";
    struct geo *g = open_fixture(CITY);
    char got4[3], got6[3];

    (void)state;
    memcpy(got4, geo_country(g, addr, sizeof(addr) - 1), 3);
    memcpy(got6, geo_country(g, addr6, sizeof(addr6) - 1), 3);
    geo_close(g);
    assert_string_equal(got4, "--");
    assert_string_equal(got6, "--");
}

static void test_geo__registered_country(void **state)
{
    static const struct expect e[] = {
        {"89.160.20.128", "NO", "--"},
        {"89.160.20.130", "NO", "--"},
        {"89.160.20.191", "NO", "--"},
    };

    (void)state;
    check_both(e, ARRAY_SIZE(e));
}

static void test_geo__cache_same_pointer(void **state)
{
    struct geo *g = open_fixture(CITY);
    const char *a, *b, *c, *d;

    (void)state;
    a = geo_country(g, "81.2.69.1", 9);
    b = geo_country(g, "81.2.69.1", 9);
    assert_ptr_equal(a, b);
    assert_string_equal(a, "SE");
    c = geo_country(g, "10.1.1.1", 8);
    d = geo_country(g, "10.1.1.1", 8);
    assert_ptr_equal(c, d);
    assert_string_equal(c, "--");
    /* Another address in the same country: same answer. */
    assert_string_equal(geo_country(g, "81.2.69.2", 9), "SE");
    /* The first answer is still valid and unchanged. */
    assert_string_equal(a, "SE");
    assert_ptr_equal(geo_country(g, "81.2.69.1", 9), a);
    geo_close(g);
}

/*
 * The address of round i and what it must answer. The period, 5, does not
 * divide the cache size, so that after a reset an id never meets an
 * address of the same country as the one it had before.
 */
static const char *many_addr(unsigned i, char *buf, size_t cap)
{
    switch (i % 5) {
    case 0:
        snprintf(buf, cap, "2a02:ff0:1::%x:%x", i >> 16, i & 0xffff);
        return "FI";
    case 1:
        snprintf(buf, cap, "2a02:ff0:2:%x::%x", i >> 16, i & 0xffff);
        return "DK";
    case 2:
        snprintf(buf, cap, "10.%u.%u.%u", i >> 16 & 255, i >> 8 & 255,
                 i & 255);
        return "--";
    case 3:
        /* 6to4 of 81.2.69.x, the low 80 bits vary. */
        snprintf(buf, cap, "2002:5102:45%02x:%x::", i & 255, i >> 8);
        return "SE";
    default:
        /* 6to4 of 185.51.100.x. */
        snprintf(buf, cap, "2002:b933:64%02x:%x::", i & 255, i >> 8);
        return "DE";
    }
}

/* Look rounds [from, to) up; on the first wrong answer describe it in bad. */
static int many_pass(struct geo *g, unsigned from, unsigned to, char *bad,
                     size_t cap)
{
    char buf[64];

    for (unsigned i = from; i < to; i++) {
        const char *want = many_addr(i, buf, sizeof(buf));
        const char *got = geo_country(g, buf, strlen(buf));

        if (strcmp(got, want) != 0) {
            snprintf(bad, cap, "round %u: %s -> '%s', expected '%s'", i, buf,
                     got, want);
            return -1;
        }
    }
    return 0;
}

/*
 * IPv4 addresses have a cache of their own, for the forms inet_pton takes:
 * the others (a leading zero, a part over 255, a missing or extra part)
 * are not addresses; and past its size it starts over, answers unchanged.
 */
static void test_geo__ipv4_cache(void **state)
{
    static const char *const not_ip[] = {
        "81.2.69.01", "192.0.02.1", "081.2.69.1", "81.2.69.256",
        "81.2.69", "81.2.69.1.", ".81.2.69.1", "81.2.69.1.5", "192..2.1",
        "81.2.69.1 ", "81.2.69.-1", "81.2.69.1000", "1920.0.2.1",
    };
    const unsigned N = (1u << 18) + 1000;
    struct geo *g = open_fixture(CITY);
    char buf[32];
    int bad = 0;

    (void)state;
    for (int rep = 0; rep < 2; rep++) {
        for (size_t i = 0; i < ARRAY_SIZE(not_ip); i++)
            assert_string_equal(cc(g, not_ip[i]), "--");
        assert_string_equal(cc(g, "81.2.69.1"), "SE");
        assert_string_equal(cc(g, "81.2.69.0"), "SE");
        assert_string_equal(cc(g, "81.2.69.255"), "SE");
        assert_string_equal(cc(g, "89.160.20.130"), "NO");
        assert_string_equal(cc(g, "0.0.0.0"), "--");
        assert_string_equal(cc(g, "255.255.255.255"), "--");
    }
    for (int rep = 0; rep < 2; rep++)
        for (unsigned i = 0; i < N; i++) {
            const char *want = i % 3 ? "--" : "SE";

            if (i % 3)
                snprintf(buf, sizeof(buf), "10.%u.%u.%u", i >> 16 & 255,
                         i >> 8 & 255, i & 255);
            else
                snprintf(buf, sizeof(buf), "81.2.69.%u", i % 256);
            if (strcmp(geo_country(g, buf, strlen(buf)), want) != 0 &&
                bad++ < 5)
                printf("  %s: not %s\n", buf, want);
        }
    assert_string_equal(cc(g, "81.2.69.1"), "SE");
    geo_close(g);
    assert_int_equal(bad, 0);
}

/*
 * A copy of FLAT at dir/broken.mmdb whose record for 224.0.0.0/3 (or a
 * block in it: multicast and reserved addresses, which blogstat never
 * asks about) is invalid: lookups elsewhere work, but the tree cannot
 * be walked, so no IPv4 table is built and the address cache answers
 * alone. Returns the path (caller frees).
 */
static char *broken_tree_copy(const char *dir)
{
    MMDB_s db;
    MMDB_search_node_s sn;
    uint32_t node = 0;
    unsigned char *bytes;
    unsigned rs, at;
    char *path;
    int depth;

    need_fixture(FLAT);
    assert_int_equal(MMDB_open(FLAT, MMDB_MODE_MMAP, &db), MMDB_SUCCESS);
    assert_int_equal(db.metadata.ip_version, 6);
    /* ::/96, then right (bit 1) down to the first record that is data,
     * three levels down at least: 1.../3. */
    for (depth = 0;; depth++) {
        assert_true(depth < 128);
        assert_int_equal(MMDB_read_node(&db, node, &sn), MMDB_SUCCESS);
        if (depth < 96) {
            assert_int_equal(sn.left_record_type,
                             MMDB_RECORD_TYPE_SEARCH_NODE);
            node = (uint32_t)sn.left_record;
        } else if (sn.right_record_type == MMDB_RECORD_TYPE_SEARCH_NODE) {
            node = (uint32_t)sn.right_record;
        } else {
            break;
        }
    }
    assert_int_equal(sn.right_record_type, MMDB_RECORD_TYPE_DATA);
    assert_true(depth >= 96 + 2);
    rs = db.metadata.record_size;
    bytes = (unsigned char *)xmemdup(db.file_content, (size_t)db.file_size);
    /* The right record, all ones: past the data section, so invalid. */
    at = node * rs / 4;
    if (rs == 24) {
        memset(bytes + at + 3, 0xff, 3);
    } else if (rs == 28) {
        bytes[at + 3] |= 0x0f;
        memset(bytes + at + 4, 0xff, 3);
    } else {
        assert_int_equal(rs, 32);
        memset(bytes + at + 4, 0xff, 4);
    }
    path = tu_write(dir, "broken.mmdb", bytes, (size_t)db.file_size);
    free(bytes);
    MMDB_close(&db);
    return path;
}

/*
 * Without a table (a tree that cannot be walked), the IPv4 cache grows
 * from its first size to its last, then starts over, and answers stay
 * right throughout: 300,000 distinct addresses, more than it holds
 * (2^18), an eighth of them asked twice in a row.
 */
static void test_geo__ipv4_cache_without_table(void **state)
{
    char *dir = tu_tmpdir(), *path = broken_tree_copy(dir);
    struct geo *g = open_fixture(path);
    /* Under valgrind, the growth to 2^15 slots only. */
    unsigned n = TU_UNDER_VALGRIND() ? 40000 : 400000;
    char buf[32];
    int bad = 0;

    (void)state;
    assert_string_equal(cc(g, "81.2.69.1"), "SE");
    for (unsigned i = 0; i < n; i++) {
        const char *want = i % 4 ? "--" : i % 8 ? "SE" : "AU";

        if (i % 4)
            snprintf(buf, sizeof(buf), "10.%u.%u.%u", i >> 16 & 255,
                     i >> 8 & 255, i & 255);
        else
            snprintf(buf, sizeof(buf), "%s.%u",
                     i % 8 ? "81.2.69" : "1.1.1", i % 256);
        for (int k = 0; k < (i % 16 < 2 ? 2 : 1); k++)
            if (strcmp(geo_country(g, buf, strlen(buf)), want) != 0 &&
                bad++ < 5)
                printf("  %s: not %s\n", buf, want);
    }
    assert_int_equal(geo_ipv4_table_bytes(g), 0);
    assert_string_equal(cc(g, "89.160.20.1"), "US");
    assert_string_equal(cc(g, "81.2.69.1"), "SE");
    geo_close(g);
    tu_rmrf(dir);
    free(path);
    free(dir);
    assert_int_equal(bad, 0);
}

/* More distinct addresses than the cache holds: answers stay right. */
static void test_geo__cache_reset(void **state)
{
    const unsigned N = 65536 + 4 * 1024 + 3;
    struct geo *city = open_fixture(CITY);
    struct geo *flat = open_fixture(FLAT);
    const char *se = geo_country(city, "81.2.69.1", 9);
    char bad[160] = "";
    char c1[3], c2[3], c3[3];
    int rc;

    (void)state;
    assert_string_equal(se, "SE");
    rc = many_pass(city, 0, N, bad, sizeof(bad)) ||
         many_pass(flat, 0, N, bad, sizeof(bad)) ||
         /* Again, after the reset: the early ones were dropped. */
         many_pass(city, 0, N, bad, sizeof(bad)) ||
         many_pass(flat, 0, 1000, bad, sizeof(bad));
    /* A string returned before the reset is still valid. */
    memcpy(c1, se, 3);
    memcpy(c2, geo_country(city, "89.160.20.130", 13), 3);
    memcpy(c3, geo_country(city, "2a02:ff0:1::1", 13), 3);
    geo_close(city);
    geo_close(flat);
    if (rc)
        fail_msg("%s", bad);
    assert_string_equal(c1, "SE");
    assert_string_equal(c2, "NO");
    assert_string_equal(c3, "FI");
}

static void test_geo__path(void **state)
{
    struct geo *city = open_fixture(CITY);
    struct geo *flat = open_fixture(FLAT);

    (void)state;
    assert_non_null(geo_path(city));
    assert_string_equal(geo_path(city), CITY);
    assert_non_null(geo_path(flat));
    assert_string_equal(geo_path(flat), FLAT);
    geo_close(city);
    geo_close(flat);
}

static void test_geo__missing_file(void **state)
{
    char *dir = tu_tmpdir();
    char *path = tu_path(dir, "nope.mmdb");
    struct bs_err err;
    struct geo *g;

    (void)state;
    memset(&err, 0, sizeof(err));
    g = geo_open(path, &err);
    assert_null(g);
    assert_int_equal(err.status, BS_NOINPUT);
    assert_non_null(strstr(err.msg, path));
    assert_null(strchr(err.msg, '\n'));
    free(path);
    tu_rmrf(dir);
    free(dir);
}

static void test_geo__not_a_mmdb(void **state)
{
    static const char text[] = "this is not a MaxMind DB file\n";
    char *dir = tu_tmpdir();
    char *path = tu_write(dir, "text.mmdb", text, sizeof(text) - 1);
    char *empty = tu_write(dir, "empty.mmdb", "", 0);
    struct bs_err err;
    struct geo *g;

    (void)state;
    memset(&err, 0, sizeof(err));
    g = geo_open(path, &err);
    assert_null(g);
    assert_int_equal(err.status, BS_NOINPUT);
    assert_non_null(strstr(err.msg, path));
    assert_null(strchr(err.msg, '\n'));

    memset(&err, 0, sizeof(err));
    g = geo_open(empty, &err);
    assert_null(g);
    assert_int_equal(err.status, BS_NOINPUT);
    assert_non_null(strstr(err.msg, empty));

    /* A directory is no database either. */
    memset(&err, 0, sizeof(err));
    g = geo_open(dir, &err);
    assert_null(g);
    assert_int_equal(err.status, BS_NOINPUT);
    assert_non_null(strstr(err.msg, dir));

    free(path);
    free(empty);
    tu_rmrf(dir);
    free(dir);
}

/* 1 when dir holds a file whose name ends in ".mmdb". */
static int dir_has_mmdb(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int found = 0;

    if (!d)
        return 0;
    while (!found && (e = readdir(d))) {
        size_t n = strlen(e->d_name);

        found = n > 5 && strcmp(e->d_name + n - 5, ".mmdb") == 0;
    }
    closedir(d);
    return found;
}

/* geo_open(NULL) in a directory with no data/: whatever the system has. */
static void test_geo__search_nothing(void **state)
{
    char *dir = tu_tmpdir();
    char cwd[PATH_MAX], exe[PATH_MAX];
    struct bs_err err;
    struct geo *g;
    ssize_t n;
    int system_db;

    (void)state;
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 8);
    assert_true(n > 0);
    exe[n] = '\0';
    strcpy(strrchr(exe, '/') + 1, "data");
    system_db = dir_has_mmdb(exe) || dir_has_mmdb("/usr/share/GeoIP") ||
                dir_has_mmdb("/var/lib/GeoIP");

    assert_int_equal(chdir(dir), 0);
    memset(&err, 0, sizeof(err));
    g = geo_open(NULL, &err);
    assert_int_equal(chdir(cwd), 0);

    assert_non_null(g);
    assert_int_equal(err.status, 0);
    if (system_db) {
        const char *p = geo_path(g);

        assert_non_null(p);
        assert_true(strncmp(p, exe, strlen(exe)) == 0 ||
                    strncmp(p, "/usr/share/GeoIP/", 17) == 0 ||
                    strncmp(p, "/var/lib/GeoIP/", 15) == 0);
        assert_string_equal(p + strlen(p) - 5, ".mmdb");
    } else {
        char *found;

        assert_null(geo_path(g));
        assert_string_equal(cc(g, "81.2.69.1"), "--");
        assert_string_equal(cc(g, "8.8.8.8"), "--");
        assert_string_equal(cc(g, "2a02:ff0:1::1"), "--");
        assert_string_equal(cc(g, "example.com"), "--");
        assert_string_equal(geo_country(g, "", 0), "--");
        assert_int_equal(chdir(dir), 0);
        found = geo_search();
        assert_int_equal(chdir(cwd), 0);
        assert_null(found);
    }
    geo_close(g);
    tu_rmrf(dir);
    free(dir);
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out;
    char buf[8192];
    size_t n;

    assert_non_null(in);
    out = fopen(to, "wb");
    assert_non_null(out);
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    assert_int_equal(ferror(in), 0);
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

/* geo_open(NULL) finds a .mmdb in data/, preferring a name that says country. */
static void test_geo__search_data_dir(void **state)
{
    char *dir = tu_tmpdir();
    char *data = tu_path(dir, "data");
    char cwd[PATH_MAX], *absflat, *abscity, *p;
    struct bs_err err;
    struct geo *g;

    (void)state;
    need_fixture(CITY);
    need_fixture(FLAT);
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    absflat = tu_path(cwd, FLAT);
    abscity = tu_path(cwd, CITY);
    assert_int_equal(mkdir(data, 0700), 0);
    /* By name alone "a-flat" comes first; "Country" must win. */
    p = tu_path(data, "a-flat.mmdb");
    copy_file(absflat, p);
    free(p);
    p = tu_path(data, "GeoLite2-Country.mmdb");
    copy_file(abscity, p);
    free(p);
    free(tu_write(data, "notes.txt", "x", 1));
    free(tu_write(data, "old.mmdb.bak", "x", 1));

    assert_int_equal(chdir(dir), 0);
    memset(&err, 0, sizeof(err));
    g = geo_open(NULL, &err);
    p = geo_search();
    assert_int_equal(chdir(cwd), 0);

    assert_non_null(g);
    assert_non_null(p);
    assert_string_equal(p, "data/GeoLite2-Country.mmdb");
    free(p);
    assert_non_null(geo_path(g));
    assert_string_equal(geo_path(g), "data/GeoLite2-Country.mmdb");
    /* The city layout answers NO here, the flat one "--". */
    assert_string_equal(cc(g, "89.160.20.130"), "NO");
    assert_string_equal(cc(g, "81.2.69.1"), "SE");
    geo_close(g);

    /* Without a "country" name: the first by name. */
    p = tu_path(data, "GeoLite2-Country.mmdb");
    assert_int_equal(unlink(p), 0);
    free(p);
    p = tu_path(data, "b-city.mmdb");
    copy_file(abscity, p);
    free(p);
    assert_int_equal(chdir(dir), 0);
    memset(&err, 0, sizeof(err));
    g = geo_open(NULL, &err);
    assert_int_equal(chdir(cwd), 0);
    assert_non_null(g);
    assert_string_equal(geo_path(g), "data/a-flat.mmdb");
    assert_string_equal(cc(g, "89.160.20.130"), "--");
    assert_string_equal(cc(g, "185.51.100.1"), "DE");
    geo_close(g);

    free(absflat);
    free(abscity);
    free(data);
    tu_rmrf(dir);
    free(dir);
}

/*
 * What mmdblookup says about addr's country_code in the real database:
 * "XX", or "--" when it finds no entry. 0 on success.
 */
static int mmdblookup(const char *addr, char out[3])
{
    char cmd[512], line[256];
    FILE *p;
    int found = 0;

    snprintf(cmd, sizeof(cmd),
             "mmdblookup --file '%s' --ip '%s' country_code 2>&1", REAL,
             addr);
    p = popen(cmd, "r");
    if (!p)
        return -1;
    strcpy(out, "--");
    while (fgets(line, sizeof(line), p)) {
        char *q = strchr(line, '"');

        if (!found && q && q[1] && q[2] && q[3] == '"') {
            out[0] = q[1];
            out[1] = q[2];
            out[2] = '\0';
            found = 1;
        }
    }
    /* 0: found; mmdblookup exits non-zero when there is no entry. */
    return pclose(p) == -1 ? -1 : 0;
}

static void test_geo__real_database(void **state)
{
    static const char *const addrs[] = {
        "8.8.8.8", "1.1.1.1", "9.9.9.9", "193.10.252.19", "77.111.240.1",
        "2001:4860:4860::8888", "2a00:1450:400f:80c::200e", "10.0.0.1",
    };
    struct bs_err err;
    struct geo *g;
    int checked = 0;

    (void)state;
    if (access(REAL, R_OK) != 0) {
        print_message("  (no %s: run `make geoip` to check it)\n", REAL);
        skip();
    }
    if (system("command -v mmdblookup >/dev/null 2>&1") != 0) {
        print_message("  (no mmdblookup to compare with)\n");
        skip();
    }
    memset(&err, 0, sizeof(err));
    g = geo_open(REAL, &err);
    if (!g)
        fail_msg("geo_open(%s): %s", REAL, err.msg);
    assert_string_equal(geo_path(g), REAL);
    for (size_t i = 0; i < ARRAY_SIZE(addrs); i++) {
        char want[3];
        const char *got;

        assert_int_equal(mmdblookup(addrs[i], want), 0);
        got = geo_country(g, addrs[i], strlen(addrs[i]));
        if (strcmp(got, want) != 0)
            fail_msg("%s: geo_country '%s', mmdblookup '%s'", addrs[i], got,
                     want);
        checked += strcmp(want, "--") != 0;
    }
    /* Most of them are somewhere; a private address nowhere. */
    assert_true(checked >= 5);
    assert_string_equal(cc(g, "10.0.0.1"), "--");
    geo_close(g);
}

/* The real database places a home network, Docker's bridge and the
 * documentation prefix (AU, AU, JP): blogstat does not ask it. */
static void test_geo__real_database_special(void **state)
{
    static const char *const addrs[] = {"192.168.1.10", "172.17.0.1",
                                        "2001:db8::"};
    struct bs_err err;
    struct geo *g;
    int placed = 0;

    (void)state;
    if (access(REAL, R_OK) != 0 ||
        system("command -v mmdblookup >/dev/null 2>&1") != 0) {
        print_message("  (no %s or no mmdblookup)\n", REAL);
        skip();
    }
    memset(&err, 0, sizeof(err));
    g = geo_open(REAL, &err);
    if (!g)
        fail_msg("geo_open(%s): %s", REAL, err.msg);
    for (size_t i = 0; i < ARRAY_SIZE(addrs); i++) {
        char want[3];

        assert_int_equal(mmdblookup(addrs[i], want), 0);
        placed += strcmp(want, "--") != 0;
        assert_string_equal(cc(g, addrs[i]), "--");
    }
    geo_close(g);
    print_message("  (the database places %d of the %zu)\n", placed,
                  ARRAY_SIZE(addrs));
}

/*
 * A server on a dual-stack socket logs IPv4 clients as IPv4-mapped IPv6
 * addresses (::ffff:8.8.4.4). They are the same client and must get the
 * same country, also from a database that, unlike MaxMind's own, does not
 * alias ::ffff:0:0/96 to its IPv4 tree (the geo-whois-asn-country one).
 */
static void test_geo__real_database_ipv4_mapped(void **state)
{
    static const char *const v4[] = {"8.8.4.4", "193.10.252.19",
                                     "77.111.240.1"};
    struct bs_err err;
    struct geo *g;
    char got[3][3], want[3][3], mapped[64];

    (void)state;
    if (access(REAL, R_OK) != 0 ||
        system("command -v mmdblookup >/dev/null 2>&1") != 0) {
        print_message("  (no %s or no mmdblookup)\n", REAL);
        skip();
    }
    memset(&err, 0, sizeof(err));
    g = geo_open(REAL, &err);
    if (!g)
        fail_msg("geo_open(%s): %s", REAL, err.msg);
    for (size_t i = 0; i < ARRAY_SIZE(v4); i++) {
        assert_int_equal(mmdblookup(v4[i], want[i]), 0);
        snprintf(mapped, sizeof(mapped), "::ffff:%s", v4[i]);
        memcpy(got[i], geo_country(g, mapped, strlen(mapped)), 3);
    }
    geo_close(g);
    for (size_t i = 0; i < ARRAY_SIZE(v4); i++) {
        assert_string_not_equal(want[i], "--");
        if (strcmp(got[i], want[i]) != 0)
            fail_msg("::ffff:%s -> '%s', but %s is in '%s'", v4[i], got[i],
                     v4[i], want[i]);
    }
}

/*
 * The country libmaxminddb gives IPv4 address a (host order), read the
 * way geo.h says (country.iso_code, country_code, then
 * registered_country.iso_code; two upper-case letters), "--" for a block
 * that is nobody's; *len, the prefix length of a's network in the tree.
 */
static void mmdb_country(MMDB_s *db, uint32_t a, char out[3], unsigned *len)
{
    static const char *const paths[][3] = {{"country", "iso_code", NULL},
                                           {"country_code", NULL, NULL},
                                           {"registered_country", "iso_code",
                                            NULL}};
    struct sockaddr_in sin = {.sin_family = AF_INET};
    struct netaddr na = {.v6 = 0, .v4 = a};
    MMDB_lookup_result_s res;
    int err;

    sin.sin_addr.s_addr = htonl(a);
    res = MMDB_lookup_sockaddr(db, (struct sockaddr *)&sin, &err);
    assert_int_equal(err, MMDB_SUCCESS);
    *len = db->metadata.ip_version == 6 ?
           (res.netmask > 96 ? res.netmask - 96u : 0) : res.netmask;
    strcpy(out, "--");
    if (!res.found_entry || netaddr_special(&na))
        return;
    for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
        MMDB_entry_data_s d;

        if (MMDB_aget_value(&res.entry, &d, paths[i]) == MMDB_SUCCESS &&
            d.has_data && d.type == MMDB_DATA_TYPE_UTF8_STRING &&
            d.data_size == 2 && d.utf8_string[0] >= 'A' &&
            d.utf8_string[0] <= 'Z' && d.utf8_string[1] >= 'A' &&
            d.utf8_string[1] <= 'Z') {
            memcpy(out, d.utf8_string, 2);
            return;
        }
    }
}

/* geo_country of IPv4 address a must be want. */
static void check_v4(struct geo *g, uint32_t a, const char *want)
{
    char text[16];
    const char *got;

    snprintf(text, sizeof(text), "%u.%u.%u.%u", a >> 24, a >> 16 & 255,
             a >> 8 & 255, a & 255);
    got = geo_country(g, text, strlen(text));
    if (strcmp(got, want) != 0)
        fail_msg("%s: geo_country '%s', libmaxminddb '%s'", text, got, want);
}

/*
 * The IPv4 table of path against libmaxminddb: random addresses (the
 * first few thousand answered through the database, the others by the
 * table built after them), then every network of the tree, walked by
 * the prefix lengths libmaxminddb reports, at its first and last
 * address and at one inside it. Returns the number of networks.
 */
static unsigned long table_against_mmdb(const char *path)
{
    struct geo *g = open_fixture(path);
    uint64_t a = 0, x = 88172645463325252ull;
    unsigned long nets = 0;
    MMDB_s db;

    assert_int_equal(MMDB_open(path, MMDB_MODE_MMAP, &db), MMDB_SUCCESS);
    for (int i = 0; i < 200000; i++) {
        char want[3];
        unsigned len;

        assert_true(i >= 1000 || geo_ipv4_table_bytes(g) == 0);
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        mmdb_country(&db, (uint32_t)x, want, &len);
        check_v4(g, (uint32_t)x, want);
    }
    assert_true(geo_ipv4_table_bytes(g) > 0);
    while (a <= 0xffffffffu) {
        char want[3];
        unsigned len, len2;
        uint64_t last;

        mmdb_country(&db, (uint32_t)a, want, &len);
        check_v4(g, (uint32_t)a, want);
        last = a | (0xffffffffull >> len);
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        /* Its last address and one inside: the same network, but a
         * special-purpose block may hold one and not the other. */
        for (int k = 0; k < 2; k++) {
            uint64_t b = k ? a + x % (last - a + 1) : last;

            mmdb_country(&db, (uint32_t)b, want, &len2);
            assert_int_equal(len2, len);
            check_v4(g, (uint32_t)b, want);
        }
        nets++;
        a = last + 1;
    }
    print_message("  (%s: %lu IPv4 networks, table %zu bytes)\n", path,
                  nets, geo_ipv4_table_bytes(g));
    MMDB_close(&db);
    geo_close(g);
    return nets;
}

/* n random IPv4 addresses (xorshift from *x) answered by g as by alone. */
static void same_as_alone(struct geo *g, struct geo *alone, uint64_t *x,
                          int n)
{
    for (int i = 0; i < n; i++) {
        char text[16];
        uint32_t a;

        *x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
        a = (uint32_t)*x;
        snprintf(text, sizeof(text), "%u.%u.%u.%u", a >> 24, a >> 16 & 255,
                 a >> 8 & 255, a & 255);
        assert_string_equal(geo_country(g, text, strlen(text)),
                            geo_country(alone, text, strlen(text)));
    }
}

/*
 * Geos opened like another share its IPv4 table: the one that first
 * looks up enough addresses builds it, each answers as a geo of its own
 * would, and the last one closed frees it, in either order (ASan and
 * valgrind see a table freed too early).
 */
static void test_geo__ipv4_table_shared(void **state)
{
    struct bs_err err = {0};

    (void)state;
    for (int order = 0; order < 2; order++) {
        struct geo *first = open_fixture(CITY), *alone = open_fixture(CITY);
        struct geo *other = geo_open_like(first, &err);
        uint64_t x = 88172645463325252ull + (uint64_t)order;

        assert_non_null(other);
        assert_string_equal(geo_path(other), geo_path(first));
        /* other builds the table ... */
        same_as_alone(other, alone, &x, 6000);
        assert_true(geo_ipv4_table_bytes(other) > 0);
        assert_int_equal(geo_ipv4_table_bytes(first), 0);
        if (order == 0) {
            geo_close(other);
            other = NULL;
        }
        /* ... which first takes once it needs one. */
        same_as_alone(first, alone, &x, 6000);
        assert_int_equal(geo_ipv4_table_bytes(first),
                         geo_ipv4_table_bytes(alone));
        geo_close(first);
        geo_close(other);
        geo_close(alone);
    }
}

static void test_geo__ipv4_table_fixtures(void **state)
{
    (void)state;
    /* The networks of the fixtures and the gaps between them. */
    assert_true(table_against_mmdb(CITY) > 20);
    assert_true(table_against_mmdb(FLAT) > 20);
}

static void test_geo__ipv4_table_real_database(void **state)
{
    (void)state;
    if (access(REAL, R_OK) != 0) {
        print_message("  (no %s: run `make geoip` to check it)\n", REAL);
        skip();
    }
    /* Half a million networks, three lookups each: the plain and ASan
     * runs compare them; valgrind sees the same code on the fixtures. */
    if (TU_UNDER_VALGRIND()) {
        print_message("  (under valgrind: the fixtures' tables only)\n");
        skip();
    }
    assert_true(table_against_mmdb(REAL) > 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_geo__ipv4),
        cmocka_unit_test(test_geo__ipv6),
        cmocka_unit_test(test_geo__ipv4_in_ipv6_tree),
        cmocka_unit_test(test_geo__not_in_db),
        cmocka_unit_test(test_geo__special_never_asked),
        cmocka_unit_test(test_geo__zone_id),
        cmocka_unit_test(test_geo__not_an_ip),
        cmocka_unit_test(test_geo__reads_n_bytes),
        cmocka_unit_test(test_geo__embedded_nul),
        cmocka_unit_test(test_geo__registered_country),
        cmocka_unit_test(test_geo__cache_same_pointer),
        cmocka_unit_test(test_geo__cache_reset),
        cmocka_unit_test(test_geo__ipv4_cache),
        cmocka_unit_test(test_geo__ipv4_cache_without_table),
        cmocka_unit_test(test_geo__path),
        cmocka_unit_test(test_geo__missing_file),
        cmocka_unit_test(test_geo__not_a_mmdb),
        cmocka_unit_test(test_geo__search_nothing),
        cmocka_unit_test(test_geo__search_data_dir),
        cmocka_unit_test(test_geo__real_database),
        cmocka_unit_test(test_geo__real_database_ipv4_mapped),
        cmocka_unit_test(test_geo__real_database_special),
        cmocka_unit_test(test_geo__ipv4_table_fixtures),
        cmocka_unit_test(test_geo__ipv4_table_shared),
        cmocka_unit_test(test_geo__ipv4_table_real_database),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
