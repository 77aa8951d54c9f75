/*
 * sketch_hll.c - blogstat's sketches as values of PostgreSQL's hll
 * extension (postgresql-hll, storage schema version 1), both ways.
 *
 * The hll value, as the extension reads and writes it (checked against
 * postgresql-15-hll 2.17 by tests/unit/test_sketch_hll.c):
 *
 *   byte 0   version << 4 | type: 0x11 EMPTY, 0x12 EXPLICIT, 0x13 SPARSE,
 *            0x14 FULL (0x10 UNDEFINED, which blogstat never takes)
 *   byte 1   (regwidth - 1) << 5 | log2m: 0xae for 6-bit registers, 2^14
 *   byte 2   sparseon << 6 | e, the explicit threshold being 2^(e - 1):
 *            0x4c for sparse on and 2048 (e = 12). The SQL parameter is
 *            the threshold itself, a power of two (hll_empty(14, 6, 2048,
 *            1)), not e.
 *   EMPTY    nothing more.
 *   EXPLICIT the values, 8 bytes each, big-endian, strictly ascending as
 *            SIGNED 64-bit integers (the extension rejects any other
 *            order). It holds up to the threshold: the 2049th distinct
 *            value makes registers of them all, as a sketch's list of
 *            2048 becomes registers at the 2049th hash.
 *   SPARSE   the nonzero registers, ascending by index, each
 *            index << 6 | value in 20 bits; FULL: all 2^14 registers, 6
 *            bits each. Both are bit-packed from the most significant bit
 *            of each byte down, the last byte padded with zero bits. The
 *            extension writes SPARSE while filled * 20 < 2^14 * 6 (up to
 *            4915 nonzero registers), FULL past that (unless a session
 *            changed that with hll_set_max_sparse(): both are read).
 *   hll_add_agg() over no rows is NULL, not EMPTY.
 *
 * The registers. hll puts a 64-bit value v in register v & (2^14 - 1),
 * at value 1 + ctz(v >> 14) (0 when v >> 14 is 0), capped at 63. The
 * sketch puts a hash h in register h >> 50 at 1 + clz(h << 14 | 1 << 13).
 * Fed v = the bit reverse of h, hll's index is the 14-bit reverse of the
 * sketch's, and the trailing zeros of v >> 14 are the leading zeros of
 * h's low 50 bits, so the values agree but in one case: when those 50
 * bits are all zero (one hash in 2^50) the sketch's register takes 51 and
 * hll's is left as it was. Registers never exceed 51, which 6 bits hold;
 * an explicit list holds the same set as a sketch's list. So the bytes
 * here are the very bytes the extension builds from the reversed hashes
 * (sketch_hll_hashval()), a union the server makes (hll_union,
 * hll_union_agg) holds the registers or list sketch_merge() would, and
 * the count read back is sketch_count()'s, Ertl's estimator and all.
 * The server's hll_cardinality() (and #) agrees only while EXPLICIT: it
 * uses another estimator, and with 6-bit registers its large-range
 * correction computes 2^76 in 64 bits, giving NaN from about 41,000
 * distinct on (seen with 2.17). Count these values with blogstat.
 *
 * Bytes read here come from a database: every length is checked before
 * a byte is read, and anything the extension would not write with these
 * parameters is refused.
 */
#include "blogstat.h"
#include "sketch.h"

#include <stdlib.h>
#include <string.h>

enum {
    HLL_HDR = 3,
    HLL_VERSION = 1,
    HLL_EMPTY = HLL_VERSION << 4 | 1,
    HLL_EXPLICIT = HLL_VERSION << 4 | 2,
    HLL_SPARSE = HLL_VERSION << 4 | 3,
    HLL_FULL = HLL_VERSION << 4 | 4,
    /* log2 of the explicit threshold, plus one: byte 2's low 6 bits. */
    HLL_EXPTHRESH_CODE = 12,
    HLL_PARAM_BYTE = (SKETCH_HLL_REGWIDTH - 1) << 5 | SKETCH_HLL_LOG2M,
    HLL_CUTOFF_BYTE = SKETCH_HLL_SPARSEON << 6 | HLL_EXPTHRESH_CODE,
    /* One SPARSE entry: index, then value. */
    HLL_CHUNK = SKETCH_HLL_LOG2M + SKETCH_HLL_REGWIDTH,
    HLL_FULL_BYTES = SKETCH_M * SKETCH_HLL_REGWIDTH / 8,
    /* The largest register a 64-bit hash gives the sketch. */
    REG_MAX = 64 - SKETCH_P + 1,
};

_Static_assert(SKETCH_HLL_EXPTHRESH == 1 << (HLL_EXPTHRESH_CODE - 1),
               "byte 2 encodes the explicit threshold");
_Static_assert(REG_MAX < 1 << SKETCH_HLL_REGWIDTH,
               "an hll register holds every register of the sketch");
_Static_assert(SKETCH_M * SKETCH_HLL_REGWIDTH % 8 == 0,
               "FULL has no padding");

/* The bits of x in reverse order. */
static uint64_t rev64(uint64_t x)
{
    x = (x >> 1 & 0x5555555555555555ull) | (x & 0x5555555555555555ull) << 1;
    x = (x >> 2 & 0x3333333333333333ull) | (x & 0x3333333333333333ull) << 2;
    x = (x >> 4 & 0x0f0f0f0f0f0f0f0full) | (x & 0x0f0f0f0f0f0f0f0full) << 4;
    return __builtin_bswap64(x);
}

/* The register of the sketch that hll's register i is (and back). */
static uint32_t rev_index(uint32_t i)
{
    return (uint32_t)(rev64(i) >> (64 - SKETCH_P));
}

/* v as the two's-complement int64 PostgreSQL holds. */
static int64_t as_signed(uint64_t v)
{
    return v <= INT64_MAX ? (int64_t)v : -(int64_t)~v - 1;
}

int64_t sketch_hll_hashval(uint64_t hash)
{
    return as_signed(rev64(hash));
}

int sketch_is_hll(const void *p, size_t n)
{
    return n > 0 && ((const unsigned char *)p)[0] >> 4 == HLL_VERSION;
}

static uint64_t get64le(const unsigned char *p)
{
    uint64_t v = 0;

    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static uint64_t get64be(const unsigned char *p)
{
    uint64_t v = 0;

    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return (x > y) - (x < y);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

/* Bits written from the most significant bit of each byte down. */
struct bitw {
    unsigned char *p;
    uint64_t acc;
    unsigned nacc;          /* bits in acc not yet written, < 8 between calls */
};

static void bw_put(struct bitw *w, uint32_t v, unsigned width)
{
    w->acc = w->acc << width | v;
    w->nacc += width;
    while (w->nacc >= 8) {
        w->nacc -= 8;
        *w->p++ = (unsigned char)(w->acc >> w->nacc);
    }
}

/* The last bits, padded with zeros. */
static void bw_flush(struct bitw *w)
{
    if (w->nacc > 0)
        *w->p++ = (unsigned char)(w->acc << (8 - w->nacc));
    w->nacc = 0;
}

/* Bits read the same way; the caller reads no more bits than the bytes
 * it has, so p never passes their end. */
struct bitr {
    const unsigned char *p;
    uint64_t acc;
    unsigned nacc;
};

static uint32_t br_get(struct bitr *r, unsigned width)
{
    while (r->nacc < width) {
        r->acc = r->acc << 8 | *r->p++;
        r->nacc += 8;
    }
    r->nacc -= width;
    return (uint32_t)(r->acc >> r->nacc) & ((1u << width) - 1);
}

static unsigned char *hll_header(size_t n, int type)
{
    unsigned char *b = xcalloc(n, 1);

    b[0] = (unsigned char)type;
    b[1] = HLL_PARAM_BYTE;
    b[2] = HLL_CUTOFF_BYTE;
    return b;
}

/* EXPLICIT (EMPTY when c is 0) of the c hashes at h, a sparse blob's
 * list: the reversed hashes in signed order. */
static unsigned char *list_to_hll(const unsigned char *h, uint32_t c,
                                  size_t *out_n)
{
    int64_t *v;
    unsigned char *b;

    if (c == 0) {
        *out_n = HLL_HDR;
        return hll_header(HLL_HDR, HLL_EMPTY);
    }
    v = xmalloc((size_t)c * sizeof(*v));
    for (uint32_t i = 0; i < c; i++)
        v[i] = sketch_hll_hashval(get64le(h + (size_t)i * 8));
    qsort(v, c, sizeof(*v), cmp_i64);
    *out_n = HLL_HDR + (size_t)c * 8;
    b = hll_header(*out_n, HLL_EXPLICIT);
    for (uint32_t i = 0; i < c; i++) {
        uint64_t u = (uint64_t)v[i];

        for (int k = 0; k < 8; k++)
            b[HLL_HDR + (size_t)i * 8 + (size_t)k] =
                (unsigned char)(u >> (56 - 8 * k));
    }
    free(v);
    return b;
}

/* SPARSE or FULL, as the extension would choose, of the sketch's
 * registers reg (each at most REG_MAX). */
static unsigned char *regs_to_hll(const unsigned char *reg, size_t *out_n)
{
    size_t filled = 0;
    int sparse;
    unsigned char *b;
    struct bitw w = {0};

    for (uint32_t i = 0; i < SKETCH_M; i++)
        filled += reg[i] != 0;
    sparse = SKETCH_HLL_SPARSEON &&
             filled * HLL_CHUNK < (size_t)SKETCH_M * SKETCH_HLL_REGWIDTH;
    *out_n = HLL_HDR + (sparse ? (filled * HLL_CHUNK + 7) / 8
                               : (size_t)HLL_FULL_BYTES);
    b = hll_header(*out_n, sparse ? HLL_SPARSE : HLL_FULL);
    w.p = b + HLL_HDR;
    for (uint32_t j = 0; j < SKETCH_M; j++) {
        uint32_t r = reg[rev_index(j)];

        if (!sparse)
            bw_put(&w, r, SKETCH_HLL_REGWIDTH);
        else if (r != 0)
            bw_put(&w, j << SKETCH_HLL_REGWIDTH | r, HLL_CHUNK);
    }
    bw_flush(&w);
    return b;
}

unsigned char *sketch_to_hll(const void *blob, size_t n, size_t *out_n)
{
    const unsigned char *b = blob;
    uint64_t count;

    if (sketch_is_hll(blob, n)) {
        size_t tn;
        unsigned char *t = sketch_from_hll(blob, n, &tn), *out;

        if (!t)
            return NULL;
        out = sketch_to_hll(t, tn, out_n);
        free(t);
        return out;
    }
    /* Checks the blob whole: a list of at most SKETCH_SPARSE_MAX hashes
     * (kind 1), or SKETCH_M registers of at most REG_MAX (kind 2). */
    if (sketch_blob_count(blob, n, &count) < 0)
        return NULL;
    if (b[0] == 1)
        return list_to_hll(b + 5, (uint32_t)count, out_n);
    return regs_to_hll(b + 1, out_n);
}

unsigned char *sketch_serialize_hll(const struct sketch *s, size_t *n)
{
    size_t bn;
    unsigned char *blob = sketch_serialize(s, &bn);
    unsigned char *out = sketch_to_hll(blob, bn, n);

    free(blob);
    return out;
}

/* The number of values of an EXPLICIT body of len bytes at p, or -1 when
 * it is not one the extension writes: whole values, no more than the
 * threshold, strictly ascending as signed integers. */
static long explicit_count(const unsigned char *p, size_t len)
{
    size_t c = len / 8;

    if (len % 8 != 0 || c > SKETCH_HLL_EXPTHRESH)
        return -1;
    for (size_t i = 1; i < c; i++)
        if (as_signed(get64be(p + (i - 1) * 8)) >=
            as_signed(get64be(p + i * 8)))
            return -1;
    return (long)c;
}

/* The sparse blob of the c values of an EXPLICIT body at p (checked by
 * explicit_count()): the hashes they are the reverses of, ascending. */
static unsigned char *explicit_to_blob(const unsigned char *p, size_t c,
                                       size_t *out_n)
{
    uint64_t *h = xmalloc((c ? c : 1) * sizeof(*h));
    unsigned char *b;

    for (size_t i = 0; i < c; i++)
        h[i] = rev64(get64be(p + i * 8));
    qsort(h, c, sizeof(*h), cmp_u64);
    *out_n = 5 + c * 8;
    b = xmalloc(*out_n);
    b[0] = 1;
    for (int k = 0; k < 4; k++)
        b[1 + k] = (unsigned char)(c >> (8 * k));
    for (size_t i = 0; i < c; i++)
        for (int k = 0; k < 8; k++)
            b[5 + i * 8 + (size_t)k] = (unsigned char)(h[i] >> (8 * k));
    free(h);
    return b;
}

/* The registers of a SPARSE body of len bytes at p into reg (zeroed, the
 * sketch's order); -1 when the extension would not write it: padding of
 * 8 bits or more or not zero, indexes not strictly ascending, a value 0
 * or above REG_MAX. */
static int sparse_regs(const unsigned char *p, size_t len,
                       unsigned char *reg)
{
    size_t bits = len * 8, filled = bits / HLL_CHUNK;
    unsigned pad = (unsigned)(bits - filled * HLL_CHUNK);
    struct bitr r = {p, 0, 0};
    long prev = -1;

    if (pad >= 8)
        return -1;
    for (size_t i = 0; i < filled; i++) {
        uint32_t e = br_get(&r, HLL_CHUNK);
        uint32_t idx = e >> SKETCH_HLL_REGWIDTH;
        uint32_t v = e & ((1u << SKETCH_HLL_REGWIDTH) - 1);

        if ((long)idx <= prev || v == 0 || v > REG_MAX)
            return -1;
        prev = (long)idx;
        reg[rev_index(idx)] = (unsigned char)v;
    }
    if (pad > 0 && br_get(&r, pad) != 0)
        return -1;
    return 0;
}

/* The registers of a FULL body; -1 unless it is exactly 2^14 registers
 * of at most REG_MAX. */
static int full_regs(const unsigned char *p, size_t len, unsigned char *reg)
{
    struct bitr r = {p, 0, 0};

    if (len != HLL_FULL_BYTES)
        return -1;
    for (uint32_t j = 0; j < SKETCH_M; j++) {
        uint32_t v = br_get(&r, SKETCH_HLL_REGWIDTH);

        if (v > REG_MAX)
            return -1;
        reg[rev_index(j)] = (unsigned char)v;
    }
    return 0;
}

/* The type of hll bytes of our parameters (the header checked), or -1. */
static int hll_type(const unsigned char *p, size_t n)
{
    if (n < HLL_HDR || !sketch_is_hll(p, n) || p[1] != HLL_PARAM_BYTE ||
        p[2] != HLL_CUTOFF_BYTE)
        return -1;
    switch (p[0]) {
    case HLL_EMPTY:
        return n == HLL_HDR ? HLL_EMPTY : -1;
    case HLL_EXPLICIT:
    case HLL_SPARSE:
    case HLL_FULL:
        return p[0];
    default:
        return -1;
    }
}

unsigned char *sketch_from_hll(const void *vp, size_t n, size_t *out_n)
{
    const unsigned char *p = vp;
    unsigned char *b;
    long c;
    int rc;

    switch (hll_type(p, n)) {
    case HLL_EMPTY:
        return explicit_to_blob(p + HLL_HDR, 0, out_n);
    case HLL_EXPLICIT:
        c = explicit_count(p + HLL_HDR, n - HLL_HDR);
        return c < 0 ? NULL : explicit_to_blob(p + HLL_HDR, (size_t)c, out_n);
    case HLL_SPARSE:
    case HLL_FULL:
        b = xcalloc(1 + SKETCH_M, 1);
        b[0] = 2;
        rc = p[0] == HLL_SPARSE
                 ? sparse_regs(p + HLL_HDR, n - HLL_HDR, b + 1)
                 : full_regs(p + HLL_HDR, n - HLL_HDR, b + 1);
        if (rc < 0) {
            free(b);
            return NULL;
        }
        *out_n = 1 + SKETCH_M;
        return b;
    default:
        return NULL;
    }
}

int sketch_merge_hll(struct sketch *s, const void *p, size_t n)
{
    size_t bn;
    unsigned char *b = sketch_from_hll(p, n, &bn);
    int rc;

    if (!b)
        return -1;
    rc = sketch_merge_blob(s, b, bn);
    free(b);
    return rc;
}

int sketch_hll_count(const void *vp, size_t n, uint64_t *count)
{
    const unsigned char *p = vp;
    size_t bn;
    unsigned char *b;
    long c;
    int rc;

    switch (hll_type(p, n)) {
    case HLL_EMPTY:
        *count = 0;
        return 0;
    case HLL_EXPLICIT:
        /* At most SKETCH_SPARSE_MAX distinct values: exact, as the
         * sketch's list. */
        c = explicit_count(p + HLL_HDR, n - HLL_HDR);
        if (c < 0)
            return -1;
        *count = (uint64_t)c;
        return 0;
    case HLL_SPARSE:
    case HLL_FULL:
        b = sketch_from_hll(p, n, &bn);
        if (!b)
            return -1;
        rc = sketch_blob_count(b, bn, count);
        free(b);
        return rc;
    default:
        return -1;
    }
}
