/*
 * test_sketch_hll.c - sketch.h's hll side: blogstat's sketches as values
 * of PostgreSQL's hll extension, and back.
 *
 * Two kinds of tests. The first are plain C: round trips across the
 * sizes where the representation changes, the bytes against a model of
 * the extension's register rule written from its definition, and hostile
 * bytes refused. The second run against a live server when
 * BLOGSTAT_TEST_PG holds a libpq URI of a database where
 * `CREATE EXTENSION IF NOT EXISTS hll` works (skipped, with a note, when
 * it is unset): the server builds hll values from the reversed hashes and
 * unions ours, and blogstat must read back exactly its own counts.
 *
 * Elements are SplitMix64-mixed hashes of (seed, i) (tusketch.h).
 */
#include "testutil.h"
#include "sketch.h"
#include "tusketch.h"

#include <inttypes.h>
#include <libpq-fe.h>

/* ---- helpers ---------------------------------------------------------- */

struct bytes {
    unsigned char *b;
    size_t n;
};

static struct bytes ser(const struct sketch *s)
{
    struct bytes b;

    b.b = sketch_serialize(s, &b.n);
    return b;
}

static struct bytes to_hll(const struct sketch *s)
{
    struct bytes b;

    b.b = sketch_serialize_hll(s, &b.n);
    assert_non_null(b.b);
    return b;
}

static void assert_bytes_eq(struct bytes a, struct bytes b, const char *what)
{
    size_t i = 0;

    while (i < a.n && i < b.n && a.b[i] == b.b[i])
        i++;
    if (a.n != b.n || i < a.n)
        fail_msg("%s: %zu and %zu bytes, first difference at %zu", what,
                 a.n, b.n, i);
}

/* A copy of n bytes in a buffer of exactly n (so that ASan sees any read
 * past the end). */
static unsigned char *exact(const unsigned char *p, size_t n)
{
    unsigned char *c = xmalloc(n ? n : 1);

    if (n)
        memcpy(c, p, n);
    return c;
}

static uint64_t be64(const unsigned char *p)
{
    uint64_t v = 0;

    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/* ---- a model of the extension, from its definition ------------------- */

/*
 * The registers the extension gives a set of 64-bit values: register
 * v & (2^14 - 1) at 1 + ctz(v >> 14), 0 when that is 0, capped at 63.
 */
static void model_add(unsigned char *reg, uint64_t v)
{
    uint64_t w = v >> 14;
    unsigned p = w == 0 ? 0 : (unsigned)__builtin_ctzll(w) + 1;

    if (p > 63)
        p = 63;
    if (reg[v & (SKETCH_M - 1)] < p)
        reg[v & (SKETCH_M - 1)] = (unsigned char)p;
}

/* Its SPARSE or FULL bytes of reg (its own order), bit by bit. */
static struct bytes model_pack(const unsigned char *reg)
{
    size_t filled = 0, bit = 0;
    struct bytes b;
    int sparse;

    for (uint32_t i = 0; i < SKETCH_M; i++)
        filled += reg[i] != 0;
    sparse = filled * 20 < (size_t)SKETCH_M * 6;
    b.n = 3 + (sparse ? (filled * 20 + 7) / 8 : (size_t)SKETCH_M * 6 / 8);
    b.b = xcalloc(b.n, 1);
    b.b[0] = sparse ? 0x13 : 0x14;
    b.b[1] = 0xae;
    b.b[2] = 0x4c;
    for (uint32_t i = 0; i < SKETCH_M; i++) {
        uint32_t v = sparse ? i << 6 | reg[i] : reg[i];
        unsigned width = sparse ? 20 : 6;

        if (sparse && reg[i] == 0)
            continue;
        for (unsigned k = width; k-- > 0; bit++)
            if (v >> k & 1)
                b.b[3 + bit / 8] |= (unsigned char)(0x80 >> (bit % 8));
    }
    return b;
}

/* ---- plain C ---------------------------------------------------------- */

static void test_sketch_hll__params(void **state)
{
    char args[64], type[80];

    (void)state;
    snprintf(args, sizeof(args), "%d, %d, %d, %d", SKETCH_HLL_LOG2M,
             SKETCH_HLL_REGWIDTH, SKETCH_HLL_EXPTHRESH, SKETCH_HLL_SPARSEON);
    assert_string_equal(SKETCH_HLL_ARGS, args);
    snprintf(type, sizeof(type), "hll(%s)", args);
    assert_string_equal(SKETCH_HLL_TYPE, type);
    assert_int_equal(SKETCH_HLL_EXPTHRESH, SKETCH_SPARSE_MAX);
}

static void test_sketch_hll__hashval(void **state)
{
    (void)state;
    assert_int_equal(sketch_hll_hashval(0), 0);
    assert_int_equal(sketch_hll_hashval(~0ull), -1);
    assert_true(sketch_hll_hashval(1) == INT64_MIN);
    assert_int_equal(sketch_hll_hashval(1ull << 63), 1);
    assert_int_equal(sketch_hll_hashval(0x8000000000000003ull),
                     (int64_t)0xC000000000000001ull);
    for (uint64_t i = 0; i < 1000; i++) {
        uint64_t h = elem(1, i), r = (uint64_t)sketch_hll_hashval(h);

        for (int k = 0; k < 64; k++)
            assert_int_equal(h >> k & 1, r >> (63 - k) & 1);
    }
}

/*
 * Each size where the representation changes: EMPTY, EXPLICIT up to 2048,
 * registers from 2049 on (SPARSE while few are filled, FULL at 100,000).
 * blob -> hll -> sketch gives the same count and the same blob, and
 * rewriting the hll bytes gives the same bytes.
 */
static void round_trip(uint64_t n, int type, size_t hll_n)
{
    struct sketch *s = range(2, 0, n), *t = sketch_new(), *u = sketch_new();
    struct bytes blob = ser(s), h = to_hll(s), back, again;
    uint64_t c = 0, c2 = 0;

    assert_int_equal(h.b[0], type);
    if (hll_n)
        assert_int_equal(h.n, hll_n);
    assert_int_equal(sketch_merge_hll(t, h.b, h.n), 0);
    assert_int_equal(sketch_count(t), sketch_count(s));
    back = ser(t);
    assert_bytes_eq(back, blob, "blob after hll");
    free(back.b);
    back.b = sketch_from_hll(h.b, h.n, &back.n);
    assert_non_null(back.b);
    assert_bytes_eq(back, blob, "sketch_from_hll");
    /* The blob functions take hll bytes too. */
    assert_int_equal(sketch_hll_count(h.b, h.n, &c), 0);
    assert_int_equal(sketch_blob_count(h.b, h.n, &c2), 0);
    assert_int_equal(c, sketch_count(s));
    assert_int_equal(c2, c);
    assert_int_equal(sketch_merge_blob(u, h.b, h.n), 0);
    assert_int_equal(sketch_count(u), c);
    again.b = sketch_to_hll(h.b, h.n, &again.n);
    assert_non_null(again.b);
    assert_bytes_eq(again, h, "hll rewritten");
    free(again.b);
    again.b = sketch_to_hll(blob.b, blob.n, &again.n);
    assert_bytes_eq(again, h, "sketch_to_hll of the blob");
    free(again.b);
    free(back.b);
    free(blob.b);
    free(h.b);
    sketch_free(s);
    sketch_free(t);
    sketch_free(u);
}

static void test_sketch_hll__round_trips(void **state)
{
    (void)state;
    round_trip(0, 0x11, 3);
    round_trip(1, 0x12, 3 + 8);
    round_trip(2047, 0x12, 3 + 2047 * 8);
    round_trip(2048, 0x12, 3 + 2048 * 8);
    round_trip(2049, 0x13, 0);
    round_trip(100000, 0x14, 3 + 12288);
}

/* EXPLICIT holds the reversed hashes, big-endian, ascending as signed. */
static void test_sketch_hll__explicit_order(void **state)
{
    struct sketch *s = range(3, 0, 500);
    struct bytes h = to_hll(s);
    int negative = 0, positive = 0;

    (void)state;
    assert_int_equal(h.n, 3 + 500 * 8);
    for (size_t i = 0; i < 500; i++) {
        int64_t v = (int64_t)be64(h.b + 3 + i * 8);
        int found = 0;

        negative += v < 0;
        positive += v > 0;
        if (i > 0)
            assert_true((int64_t)be64(h.b + 3 + (i - 1) * 8) < v);
        for (uint64_t j = 0; j < 500 && !found; j++)
            found = sketch_hll_hashval(elem(3, j)) == v;
        assert_true(found);
    }
    /* Both signs, so the signed order was exercised. */
    assert_true(negative > 100 && positive > 100);
    free(h.b);
    sketch_free(s);
}

/*
 * The registers: the bytes of a dense sketch are those the extension's
 * rule gives the reversed hashes; the only difference is a hash whose low
 * 50 bits are zero (51 in the sketch, nothing in hll).
 */
static void test_sketch_hll__model(void **state)
{
    const uint64_t sizes[] = {2049, 5000, 6500, 30000, 200000};

    (void)state;
    for (size_t k = 0; k < ARRAY_SIZE(sizes); k++) {
        struct sketch *s = range(4, 0, sizes[k]);
        unsigned char *reg = xcalloc(SKETCH_M, 1);
        struct bytes h = to_hll(s), m;

        for (uint64_t i = 0; i < sizes[k]; i++)
            model_add(reg, (uint64_t)sketch_hll_hashval(elem(4, i)));
        m = model_pack(reg);
        assert_bytes_eq(h, m, "sketch against the model");
        free(m.b);
        free(h.b);
        free(reg);
        sketch_free(s);
    }
    {
        unsigned char reg[SKETCH_M] = {0};
        uint64_t h = 5ull << 50;

        model_add(reg, (uint64_t)sketch_hll_hashval(h));
        for (uint32_t i = 0; i < SKETCH_M; i++)
            assert_int_equal(reg[i], 0);
    }
}

/* A dense blob of the given registers (the sketch's order). */
static struct bytes dense_blob(const unsigned char *reg)
{
    struct bytes b;

    b.n = 1 + SKETCH_M;
    b.b = xmalloc(b.n);
    b.b[0] = 2;
    memcpy(b.b + 1, reg, SKETCH_M);
    return b;
}

/* SPARSE up to 4915 filled registers, FULL from 4916 (20 bits each
 * against 6 * 2^14); register 51 kept; every register where it was. */
static void test_sketch_hll__sparse_full_switch(void **state)
{
    const size_t fills[] = {0, 1, 4915, 4916, SKETCH_M};

    (void)state;
    for (size_t k = 0; k < ARRAY_SIZE(fills); k++) {
        unsigned char *reg = xcalloc(SKETCH_M, 1);
        struct bytes blob, h, back;

        for (size_t i = 0; i < fills[k]; i++)
            reg[(i * 7919) % SKETCH_M] = (unsigned char)(1 + i % 51);
        blob = dense_blob(reg);
        h.b = sketch_to_hll(blob.b, blob.n, &h.n);
        assert_non_null(h.b);
        assert_int_equal(h.b[0], fills[k] <= 4915 ? 0x13 : 0x14);
        if (fills[k] <= 4915)
            assert_int_equal(h.n, 3 + (fills[k] * 20 + 7) / 8);
        back.b = sketch_from_hll(h.b, h.n, &back.n);
        assert_non_null(back.b);
        assert_bytes_eq(back, blob, "registers after hll");
        free(back.b);
        free(h.b);
        free(blob.b);
        free(reg);
    }
}

static void check_rejects(const unsigned char *p, size_t n, const char *what)
{
    unsigned char *c = exact(p, n);
    struct sketch *s = range(5, 0, 10);
    struct bytes before = ser(s), after, out;
    uint64_t count = 12345;

    if (sketch_merge_hll(s, c, n) != -1)
        fail_msg("merged %s", what);
    if (sketch_merge_blob(s, c, n) != -1)
        fail_msg("merged %s as a blob", what);
    after = ser(s);
    assert_bytes_eq(after, before, what);
    if (sketch_hll_count(c, n, &count) != -1 ||
        sketch_blob_count(c, n, &count) != -1)
        fail_msg("counted %s", what);
    assert_int_equal(count, 12345);
    out.b = sketch_from_hll(c, n, &out.n);
    if (out.b)
        fail_msg("read %s", what);
    out.b = sketch_to_hll(c, n, &out.n);
    if (out.b)
        fail_msg("converted %s", what);
    free(before.b);
    free(after.b);
    free(c);
    sketch_free(s);
}

/* h with byte i set to v, checked to be refused. */
static void reject_with(struct bytes h, size_t i, unsigned char v,
                        const char *what)
{
    unsigned char *c = exact(h.b, h.n);

    c[i] = v;
    check_rejects(c, h.n, what);
    free(c);
}

static void test_sketch_hll__rejects(void **state)
{
    struct sketch *e = range(6, 0, 40), *sp = range(6, 0, 3000),
                  *fu = range(6, 0, 100000);
    struct bytes ex = to_hll(e), sh = to_hll(sp), fh = to_hll(fu);
    unsigned char buf[3 + 2049 * 8];

    (void)state;
    assert_int_equal(sh.b[0], 0x13);
    check_rejects(NULL, 0, "nothing");
    check_rejects((const unsigned char *)"\x11", 1, "a type alone");
    check_rejects((const unsigned char *)"\x11\xae", 2, "a short header");
    check_rejects((const unsigned char *)"\x11\xae\x4c\x00", 4,
                  "EMPTY with a byte more");
    check_rejects((const unsigned char *)"\x10\xae\x4c", 3, "UNDEFINED");
    check_rejects((const unsigned char *)"\x15\xae\x4c", 3, "type 5");
    check_rejects((const unsigned char *)"\x21\xae\x4c", 3, "version 2");
    /* Other parameters. */
    reject_with(ex, 1, 0xad, "log2m 13");
    reject_with(ex, 1, 0x8e, "regwidth 5");
    reject_with(fh, 1, 0xce, "regwidth 7");
    reject_with(ex, 2, 0x4b, "expthresh 1024");
    reject_with(ex, 2, 0x7f, "expthresh auto");
    reject_with(ex, 2, 0x0c, "sparse off");
    /* Every truncation: refused, or (EXPLICIT on a value's boundary, a
     * SPARSE on an entry's) a smaller set; never a read past the end. */
    for (size_t n = 0; n < ex.n; n++) {
        unsigned char *c = exact(ex.b, n);
        uint64_t count = 0;
        int rc = sketch_hll_count(c, n, &count);

        assert_int_equal(rc, n >= 3 && (n - 3) % 8 == 0 ? 0 : -1);
        if (rc == 0)
            assert_int_equal(count, (n - 3) / 8);
        free(c);
    }
    for (size_t n = 0; n < sh.n; n++) {
        unsigned char *c = exact(sh.b, n);
        uint64_t count = 0;

        if (sketch_hll_count(c, n, &count) == 0)
            assert_true(n >= 3 && ((n - 3) * 8) % 20 < 8);
        free(c);
    }
    for (size_t n = 0; n < fh.n; n += n < 100 || n > fh.n - 100 ? 1 : 97)
        check_rejects(fh.b, n, "a truncated FULL");
    /* EXPLICIT out of order, repeated, or too long. */
    memcpy(buf, ex.b, ex.n);
    memcpy(buf + 3, ex.b + 11, 8);
    memcpy(buf + 11, ex.b + 3, 8);
    check_rejects(buf, ex.n, "EXPLICIT out of order");
    memcpy(buf, ex.b, ex.n);
    memcpy(buf + 11, ex.b + 3, 8);
    check_rejects(buf, ex.n, "EXPLICIT with a repeat");
    memcpy(buf, ex.b, 3);
    for (size_t i = 0; i < 2049; i++)
        for (int k = 0; k < 8; k++)
            buf[3 + i * 8 + (size_t)k] = (unsigned char)(i >> (56 - 8 * k));
    check_rejects(buf, 3 + 2049 * 8, "EXPLICIT of 2049");
    /* SPARSE: a value 0 or 52, indexes repeated or descending, padding
     * not zero. Entry 0 is the body's bits 0..19 (bytes 3, 4 and the top
     * half of 5: index in 14 bits, then value in 6), entry 1 bits 20..39
     * (the low half of byte 5, bytes 6 and 7). */
    {
        unsigned char *c = exact(sh.b, sh.n);
        uint32_t e0 = (uint32_t)sh.b[3] << 12 | (uint32_t)sh.b[4] << 4 |
                      sh.b[5] >> 4;

        c[4] &= 0xfc;
        c[5] &= 0x0f;
        check_rejects(c, sh.n, "SPARSE value 0");
        memcpy(c, sh.b, sh.n);
        c[4] = (unsigned char)((c[4] & 0xfc) | 52 >> 4);
        c[5] = (unsigned char)((52 & 0x0f) << 4 | (c[5] & 0x0f));
        check_rejects(c, sh.n, "SPARSE value 52");
        memcpy(c, sh.b, sh.n);
        c[5] = (unsigned char)((c[5] & 0xf0) | e0 >> 16);
        c[6] = (unsigned char)(e0 >> 8);
        c[7] = (unsigned char)e0;
        check_rejects(c, sh.n, "SPARSE index repeated");
        memcpy(c, sh.b, sh.n);
        c[3] = 0xff;
        c[4] = (unsigned char)(0xfc | (c[4] & 3));
        check_rejects(c, sh.n, "SPARSE index descending");
        free(c);
    }
    if (((sh.n - 3) * 8) % 20 != 0)
        reject_with(sh, sh.n - 1, (unsigned char)(sh.b[sh.n - 1] | 1),
                    "SPARSE padding not zero");
    /* FULL: register 52 (register 0 is byte 3's top 6 bits). */
    reject_with(fh, 3, (unsigned char)(52 << 2 | (fh.b[3] & 3)),
                "FULL register 52");
    reject_with(fh, 3, (unsigned char)(63 << 2 | (fh.b[3] & 3)),
                "FULL register 63");
    free(ex.b);
    free(sh.b);
    free(fh.b);
    sketch_free(e);
    sketch_free(sp);
    sketch_free(fu);
}

/* ---- against a live server ------------------------------------------- */

static PGconn *pg;

static int pg_setup(void **state)
{
    const char *uri = getenv("BLOGSTAT_TEST_PG");
    PGresult *r;

    (void)state;
    if (!uri || !*uri) {
        printf("test_sketch_hll: BLOGSTAT_TEST_PG is not set: the tests "
               "against PostgreSQL's hll are skipped\n");
        return 0;
    }
    pg = PQconnectdb(uri);
    if (PQstatus(pg) != CONNECTION_OK) {
        fprintf(stderr, "test_sketch_hll: %s", PQerrorMessage(pg));
        return -1;
    }
    r = PQexec(pg, "SET client_min_messages = warning;"
                   "CREATE EXTENSION IF NOT EXISTS hll;"
                   "CREATE TEMP TABLE hs (h " SKETCH_HLL_TYPE ")");
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        fprintf(stderr, "test_sketch_hll: %s", PQerrorMessage(pg));
        PQclear(r);
        return -1;
    }
    PQclear(r);
    return 0;
}

static int pg_teardown(void **state)
{
    (void)state;
    if (pg)
        PQfinish(pg);
    pg = NULL;
    return 0;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c - 'a' + 10;
}

/* One row, one column of text '\x...' (bytea's output): its bytes. */
static struct bytes result_bytes(PGresult *r)
{
    struct bytes b;
    const char *t;
    size_t len;

    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s", PQresultErrorMessage(r));
    assert_int_equal(PQntuples(r), 1);
    assert_false(PQgetisnull(r, 0, 0));
    t = PQgetvalue(r, 0, 0);
    len = strlen(t);
    assert_true(len >= 2 && len % 2 == 0 && t[0] == '\\' && t[1] == 'x');
    b.n = (len - 2) / 2;
    b.b = xmalloc(b.n ? b.n : 1);
    for (size_t i = 0; i < b.n; i++)
        b.b[i] = (unsigned char)(hexval(t[2 + 2 * i]) << 4 |
                                 hexval(t[3 + 2 * i]));
    PQclear(r);
    return b;
}

/* b as the hex text hll_in reads. */
static char *hex_text(struct bytes b)
{
    char *t = xmalloc(3 + 2 * b.n);

    t[0] = '\\';
    t[1] = 'x';
    for (size_t i = 0; i < b.n; i++)
        snprintf(t + 2 + 2 * i, 3, "%02x", b.b[i]);
    return t;
}

static struct bytes pg_query1(const char *sql, int n, const char *const *v)
{
    return result_bytes(PQexecParams(pg, sql, n, NULL, v, NULL, NULL, 0));
}

/* The hll the server builds of elements [from, to) of seed, fed the
 * reversed hashes. */
static struct bytes server_agg(uint32_t seed, uint64_t from, uint64_t to)
{
    size_t cap = 8 + (size_t)(to - from) * 22, len = 0;
    char *arr = xmalloc(cap);
    const char *v[1];
    struct bytes b;

    arr[len++] = '{';
    for (uint64_t i = from; i < to; i++)
        len += (size_t)snprintf(arr + len, cap - len, "%s%" PRId64,
                                i > from ? "," : "",
                                sketch_hll_hashval(elem(seed, i)));
    snprintf(arr + len, cap - len, "}");
    v[0] = arr;
    b = pg_query1("SELECT coalesce(hll_add_agg(hll_hashval(x), "
                  SKETCH_HLL_ARGS "), hll_empty(" SKETCH_HLL_ARGS "))"
                  " FROM unnest($1::bigint[]) x", 1, v);
    free(arr);
    return b;
}

/* (a) The server's bytes for a set are ours; (c) its cardinality is our
 * count while explicit. */
static void test_sketch_hll__server_builds_ours(void **state)
{
    const uint64_t sizes[] = {0, 1, 2, 100, 2047, 2048, 2049, 2500,
                              5000, 5800, 6000, 7000, 20000, 100000};

    (void)state;
    if (!pg)
        skip();
    for (size_t k = 0; k < ARRAY_SIZE(sizes); k++) {
        uint32_t seed = 100 + (uint32_t)k;
        struct sketch *s = range(seed, 0, sizes[k]);
        struct bytes ours = to_hll(s), theirs = server_agg(seed, 0, sizes[k]);
        uint64_t c = 0;
        char *t = hex_text(theirs);
        const char *v[1] = {t};
        PGresult *r;

        assert_bytes_eq(theirs, ours, "server's hll_add_agg against ours");
        assert_int_equal(sketch_hll_count(theirs.b, theirs.n, &c), 0);
        assert_int_equal(c, sketch_count(s));
        /* Only while explicit: past that the server estimates otherwise
         * (and, with 6-bit registers, gives NaN past about 40,000). */
        if (sizes[k] <= SKETCH_SPARSE_MAX) {
            r = PQexecParams(pg, "SELECT hll_cardinality($1::hll)::bigint",
                             1, NULL, v, NULL, NULL, 0);
            if (PQresultStatus(r) != PGRES_TUPLES_OK)
                fail_msg("%s", PQresultErrorMessage(r));
            assert_int_equal(strtoull(PQgetvalue(r, 0, 0), NULL, 10), c);
            PQclear(r);
        }
        free(t);
        free(theirs.b);
        free(ours.b);
        sketch_free(s);
    }
}

/* (b) hll_union of two converted sketches, read back, counts exactly
 * what the merged sketch counts, and is its very blob. */
static void test_sketch_hll__server_union(void **state)
{
    /* {from, to} of seed 7 for A and B: overlapping, disjoint, across
     * 2048 by one, explicit into FULL, dense and dense. */
    static const uint64_t pairs[][4] = {
        {0, 1000, 500, 1500},   {0, 1024, 1024, 2048},
        {0, 2048, 2047, 2049},  {0, 2048, 0, 2048},
        {0, 1500, 1500, 3000},  {0, 2000, 1000, 100000},
        {0, 100000, 50000, 150000}, {0, 3000, 2000, 6000},
        {0, 0, 0, 10},
    };

    (void)state;
    if (!pg)
        skip();
    for (size_t k = 0; k < ARRAY_SIZE(pairs); k++) {
        struct sketch *a = range(7, pairs[k][0], pairs[k][1]);
        struct sketch *b = range(7, pairs[k][2], pairs[k][3]);
        struct bytes ha = to_hll(a), hb = to_hll(b), u, blob, back;
        char *ta = hex_text(ha), *tb = hex_text(hb);
        const char *v[2] = {ta, tb};
        uint64_t c = 0;

        u = pg_query1("SELECT hll_union($1::hll, $2::hll)", 2, v);
        sketch_merge(a, b);
        assert_int_equal(sketch_hll_count(u.b, u.n, &c), 0);
        if (c != sketch_count(a))
            fail_msg("pair %zu: server union counts %" PRIu64 ", the sketch "
                     "%" PRIu64, k, c, sketch_count(a));
        blob = ser(a);
        back.b = sketch_from_hll(u.b, u.n, &back.n);
        assert_non_null(back.b);
        assert_bytes_eq(back, blob, "the server's union as a blob");
        free(back.b);
        free(blob.b);
        free(u.b);
        free(ta);
        free(tb);
        free(ha.b);
        free(hb.b);
        sketch_free(a);
        sketch_free(b);
    }
}

/* hll_union_agg over a week of days, stored in a column of the type,
 * counts what the union of the days' sketches counts; so does every
 * prefix of the week, across 2048. */
static void test_sketch_hll__server_union_agg(void **state)
{
    static const uint64_t days[][2] = {
        {0, 300}, {200, 900}, {800, 1500}, {1400, 2100},
        {2000, 2600}, {0, 40000}, {39000, 120000},
    };
    struct sketch *all = sketch_new();
    PGresult *r;

    (void)state;
    if (!pg)
        skip();
    r = PQexec(pg, "TRUNCATE hs");
    assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
    PQclear(r);
    for (size_t k = 0; k < ARRAY_SIZE(days); k++) {
        struct sketch *d = range(8, days[k][0], days[k][1]);
        struct bytes h = to_hll(d), u;
        char *t = hex_text(h);
        const char *v[1] = {t};
        uint64_t c = 0;

        r = PQexecParams(pg, "INSERT INTO hs VALUES ($1)", 1, NULL, v, NULL,
                         NULL, 0);
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            fail_msg("%s", PQresultErrorMessage(r));
        PQclear(r);
        sketch_merge(all, d);
        u = pg_query1("SELECT hll_union_agg(h) FROM hs", 0, NULL);
        assert_int_equal(sketch_hll_count(u.b, u.n, &c), 0);
        if (c != sketch_count(all))
            fail_msg("day %zu: server union counts %" PRIu64 ", the sketch "
                     "%" PRIu64, k, c, sketch_count(all));
        free(u.b);
        free(t);
        free(h.b);
        sketch_free(d);
    }
    sketch_free(all);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sketch_hll__params),
        cmocka_unit_test(test_sketch_hll__hashval),
        cmocka_unit_test(test_sketch_hll__round_trips),
        cmocka_unit_test(test_sketch_hll__explicit_order),
        cmocka_unit_test(test_sketch_hll__model),
        cmocka_unit_test(test_sketch_hll__sparse_full_switch),
        cmocka_unit_test(test_sketch_hll__rejects),
        cmocka_unit_test(test_sketch_hll__server_builds_ours),
        cmocka_unit_test(test_sketch_hll__server_union),
        cmocka_unit_test(test_sketch_hll__server_union_agg),
    };

    return cmocka_run_group_tests(tests, pg_setup, pg_teardown);
}
