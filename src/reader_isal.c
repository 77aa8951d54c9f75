/*
 * reader_isal.c - the gzip backend over ISA-L's igzip: the four dec_*
 * functions reader.c calls. #included by reader.c when BLOGSTAT_ISAL is
 * set, after reader_zlib.c; never compiled alone.
 *
 * ISA-L inflates, and zlib has the last word on a damaged file. ISA-L
 * writes out some of a bad block before it says the block is bad, and
 * not the same bytes zlib would: on an ISA-L error the member is read
 * again from its start with zlib, which drops the bytes already handed
 * on and goes on from there. So both builds return the same lines and
 * the same error for every file; only a pipe, which cannot be read
 * again, gets ISA-L's error with its last step's bytes dropped.
 */
#include <isa-l/igzip_lib.h>

#define ISAL_STEP (64 * 1024)  /* bytes ISA-L may inflate in one call */

struct dec {
    struct inflate_state is;
    struct zlib_dec z;         /* the referee, once ISA-L failed */
    int replaying;             /* zlib took over after an ISA-L error */
    uint64_t member_at;        /* file offset of the member's first byte */
    uint64_t member_out;       /* its bytes inflated by good ISA-L steps */
    uint64_t skip;             /* replay: bytes zlib must make again */
};

static const char *isal_error(int rc)
{
    switch (rc) {
    case ISAL_INVALID_BLOCK: return "invalid block type";
    case ISAL_INVALID_SYMBOL: return "invalid code";
    case ISAL_INVALID_LOOKBACK: return "invalid distance too far back";
    case ISAL_INVALID_WRAPPER: return "incorrect header";
    case ISAL_UNSUPPORTED_METHOD: return "unknown compression method";
    case ISAL_INCORRECT_CHECKSUM: return "incorrect data check";
    default: return "bad data";
    }
}

static int dec_init(struct gz *g)
{
    /* Zeroed: a back-reference before the start of the data must copy
     * zeros, not the heap (isal_inflate_init leaves the window alone). */
    g->dec = xcalloc(1, sizeof(*g->dec));
    isal_inflate_init(&g->dec->is);
    g->dec->is.crc_flag = ISAL_GZIP;
    return 0;
}

static void dec_reset(struct gz *g)
{
    struct dec *d = g->dec;

    if (d->replaying) {
        zlib_reset(&d->z);
        return;
    }
    isal_inflate_reset(&d->is);
    d->is.crc_flag = ISAL_GZIP;
    d->member_at = g->bytes - (uint64_t)(g->in_len - g->in_pos);
    d->member_out = 0;
}

/* Read the member again from its start with zlib: 0, or -1 when the file
 * cannot be read again (a pipe). */
static int dec_replay(struct gz *g)
{
    struct dec *d = g->dec;

    if (g->base < 0 ||
        lseek(g->fd, g->base + (off_t)d->member_at, SEEK_SET) < 0)
        return -1;
    if (zlib_init(&d->z) != 0)
        return -1;
    d->replaying = 1;
    d->skip = d->member_out;
    g->in_pos = g->in_len = 0;
    g->in_eof = 0;
    g->bytes = d->member_at;
    return 0;
}

/* Inflate from in[in_pos..in_len) into out[0..room). */
static int dec_step(struct gz *g, unsigned char *out, size_t room,
                    size_t *produced, const char **msg)
{
    struct dec *d = g->dec;
    int rc;

    if (d->replaying) {
        /* Make again, and drop, what ISA-L handed on before its error. */
        while (d->skip > 0) {
            size_t n = room < d->skip ? room : (size_t)d->skip;

            rc = zlib_step(&d->z, g, out, n, produced, msg);
            d->skip -= *produced;
            if (rc != DEC_OK || *produced == 0) {
                *produced = 0;
                return rc;
            }
        }
        return zlib_step(&d->z, g, out, room, produced, msg);
    }
    /* Steps of ISAL_STEP bytes: on a pipe, all an error costs. */
    if (room > ISAL_STEP)
        room = ISAL_STEP;
    d->is.next_in = g->in + g->in_pos;
    d->is.avail_in = (uint32_t)(g->in_len - g->in_pos);
    d->is.next_out = out;
    d->is.avail_out = (uint32_t)room;
    rc = isal_inflate(&d->is);
    g->in_pos = (size_t)(d->is.next_in - g->in);
    *produced = room - d->is.avail_out;
    if (rc < 0) {
        *produced = 0;
        if (dec_replay(g) == 0)
            return DEC_OK;
        *msg = isal_error(rc);
        return DEC_ERROR;
    }
    d->member_out += *produced;
    return d->is.block_state == ISAL_BLOCK_FINISH ? DEC_END : DEC_OK;
}

/*
 * The input ended inside a member, which no CRC has checked: ISA-L reads
 * on through some data zlib refuses (a Huffman code that is not
 * complete), so zlib reads the member again to say whether it is only
 * cut short or damaged. 1 when it does (the caller steps on), 0 when it
 * already did or cannot (a pipe).
 */
static int dec_recheck(struct gz *g)
{
    return !g->dec->replaying && dec_replay(g) == 0;
}

static void dec_end(struct gz *g)
{
    if (g->dec)
        zlib_end(&g->dec->z);
    free(g->dec);
    g->dec = NULL;
}
