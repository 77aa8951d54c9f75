/*
 * reader_zlib.c - the zlib gzip decoder. #included by reader.c after
 * struct gz, never compiled alone.
 *
 * zlib_init, zlib_reset, zlib_step and zlib_end drive one zlib inflate
 * stream over struct gz's input. They are in both builds: the ISA-L
 * backend (reader_isal.c) reads a damaged member again with them. Built
 * without ISA-L (`make ZLIB=1`), this file is also the backend: the four
 * dec_* functions reader.c calls, over zlib alone.
 */
#include <zlib.h>

/* One zlib inflate stream; z_stream points to itself, so it stays where
 * zlib_init() set it up. */
struct zlib_dec {
    z_stream zs;
    int ready;                 /* inflateInit2 done */
};

/* Start a stream that reads gzip members (z zeroed): 0, or -1. */
static int zlib_init(struct zlib_dec *z)
{
    if (inflateInit2(&z->zs, 15 + 16) != Z_OK)
        return -1;
    z->ready = 1;
    return 0;
}

/* A new member starts. */
static void zlib_reset(struct zlib_dec *z)
{
    inflateReset(&z->zs);
}

/* Inflate from g->in[in_pos..in_len) into out[0..room). */
static int zlib_step(struct zlib_dec *z, struct gz *g, unsigned char *out,
                     size_t room, size_t *produced, const char **msg)
{
    int rc;

    z->zs.next_in = g->in + g->in_pos;
    z->zs.avail_in = (unsigned)(g->in_len - g->in_pos);
    z->zs.next_out = out;
    z->zs.avail_out = (unsigned)room;
    rc = inflate(&z->zs, Z_NO_FLUSH);
    g->in_pos = (size_t)(z->zs.next_in - g->in);
    *produced = room - z->zs.avail_out;
    switch (rc) {
    case Z_STREAM_END:
        return DEC_END;
    case Z_OK:
    case Z_BUF_ERROR:
        return DEC_OK;
    default:
        *msg = rc == Z_MEM_ERROR ? "out of memory"
               : z->zs.msg       ? z->zs.msg
                                 : "bad data";
        return DEC_ERROR;
    }
}

static void zlib_end(struct zlib_dec *z)
{
    if (z->ready)
        inflateEnd(&z->zs);
    z->ready = 0;
}

#if !(defined(BLOGSTAT_ISAL) && BLOGSTAT_ISAL)
/* The backend: zlib alone. */
struct dec {
    struct zlib_dec z;
};

static int dec_init(struct gz *g)
{
    g->dec = xcalloc(1, sizeof(*g->dec));
    if (zlib_init(&g->dec->z) != 0) {
        free(g->dec);
        g->dec = NULL;
        return -1;
    }
    return 0;
}

static void dec_reset(struct gz *g)
{
    zlib_reset(&g->dec->z);
}

static int dec_step(struct gz *g, unsigned char *out, size_t room,
                    size_t *produced, const char **msg)
{
    return zlib_step(&g->dec->z, g, out, room, produced, msg);
}

/* The input ended inside a member: zlib has read it as zlib does. */
static int dec_recheck(struct gz *g)
{
    (void)g;
    return 0;
}

static void dec_end(struct gz *g)
{
    if (g->dec)
        zlib_end(&g->dec->z);
    free(g->dec);
    g->dec = NULL;
}
#endif
