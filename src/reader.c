/*
 * reader.c - block reads, inflate over gzip members, and line splitting
 * with memchr over large buffers.
 *
 * We inflate ourselves rather than with gzread(): gzread hides a
 * truncated file until gzclose and cannot tell how far into the
 * decompressed stream a line lies. The decoder is a backend of four
 * calls (dec_init, dec_reset, dec_step, dec_end): ISA-L's igzip
 * (reader_isal.c) where it is built in, zlib (reader_zlib.c) with
 * `make ZLIB=1`.
 *
 * A gzip file is inflated on a thread of its own, a megabyte at a time,
 * while the caller's thread splits and parses the previous megabyte: the
 * two cores each do half the work. The caller sees the same stream.
 *
 * A member's CRC and length come after its data, and a member can be
 * gigabytes: its lines cannot all wait for the check. The inflating
 * thread hands on chunks of at most a megabyte that never span two
 * members: a chunk ends where its member ends and checks out, or where
 * damage shows. So a member's last chunk is checked before its lines go
 * out, and a member of one chunk is checked whole. The chunk where
 * damage shows gives no line (nor does the line it would finish); the
 * earlier chunks of a member over a megabyte have been handed on by
 * then: the caller, told where such a member begins (READER_UNCHECKED)
 * and that it was damaged (READER_DROP, reader_tail_damaged()), drops
 * what it counted of it. Reading then goes on at the next member header
 * after the damage; the damage is the error at the end. Files pay for
 * this a compare a line, and a mark a member (flag_line()); a file of
 * many small members also hands on smaller chunks, so the ring holds
 * fewer bytes ahead.
 *
 * Two edges: a member that ends exactly where a chunk is full is known
 * to have checked out only with the next (empty) chunk, after the line
 * ending it went out unmarked; and from a pipe, which ISA-L cannot read
 * again, its error may come after it read past the next member's header,
 * and that member is lost with the damaged one.
 */
#include "blogstat.h"
#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define IN_SIZE (256 * 1024)
#define OUT_SIZE (1024 * 1024)
#define NCHUNKS 5              /* inflated megabytes in flight, and the
                                  one the reader reads */
/* Room before a chunk's bytes and at the start of the reader's own buffer:
 * the last line handed out and the start of the next (reader.c's fill()). */
#define HEAD (2 * READER_MAX_LINE + 2)
/* A gzip file cut inside its last member and modified less than this
 * long ago is still being written. */
#define GROWING_SECS 3600

/* ---- the gzip side: input, decoder, members ---------------------------- */

struct dec;                    /* the backend's state */

/* What inflating a gzip file needs; owned by the inflating thread. */
struct gz {
    int fd;
    off_t base;                /* fd's offset when opened; -1: a pipe */
    const char *name;
    struct dec *dec;           /* from dec_init() to dec_end() */
    int member_open;           /* inside a member, its end not yet seen */
    unsigned char *in;         /* compressed input */
    size_t in_pos, in_len;     /* its unread bytes */
    int in_eof;
    uint64_t bytes;            /* compressed bytes read */
    struct bs_err err;

    /* Members: where they begin, which checked out, which did not. */
    unsigned members;          /* begun so far */
    uint64_t member_at;        /* file offset of the current one's header */
    int member_done;           /* the member just ended and checked out */
    int resync;                /* after damage: look for a member header */
    int candidate;             /* the member open was found so, and has
                                  given no byte yet */
    unsigned damaged;          /* damaged members (and garbage between
                                  members) skipped */
    uint64_t first_at;         /* where the first of them began */
    char first_why[96];        /* what was wrong with it */
    struct bs_err note;        /* the last damage: its warning */
    /* How the input ends. */
    int growing_ok;            /* a cut last member is still being written */
    int stale;                 /* a cut last member has been so for long */
    int growing;               /* the input ended in a cut, being written */
    uint64_t garbage;          /* bytes after the last member that are no
                                  gzip data, ignored */
};

static int gz_read(struct gz *g)
{
    ssize_t got;

    if (g->in_pos > 0) {
        memmove(g->in, g->in + g->in_pos, g->in_len - g->in_pos);
        g->in_len -= g->in_pos;
        g->in_pos = 0;
    }
    if (g->in_len == IN_SIZE)
        return 1;
    do
        got = read(g->fd, g->in + g->in_len, IN_SIZE - g->in_len);
    while (got < 0 && errno == EINTR);
    if (got < 0)
        return bs_fail(&g->err, BS_IOERR, "%s: read error: %s", g->name,
                       strerror(errno));
    if (got == 0) {
        g->in_eof = 1;
        return 0;
    }
    g->in_len += (size_t)got;
    g->bytes += (uint64_t)got;
    return 1;
}

/*
 * The backend: four static functions of the same names in each of
 * reader_isal.c and reader_zlib.c, chosen by BLOGSTAT_ISAL.
 *
 *   dec_init(g)   allocate g->dec and start: 0, or -1
 *   dec_reset(g)  a new member starts at g->in[g->in_pos]
 *   dec_step(g, out, room, &produced, &msg)
 *                 inflate from g->in[in_pos..in_len) into out[0..room),
 *                 *produced bytes: DEC_OK, DEC_END at the end of the
 *                 member, DEC_ERROR with *msg saying why
 *   dec_recheck(g) the input ended inside the member: 1 when the member
 *                 is read again to be sure (go on stepping), else 0
 *   dec_end(g)    free g->dec (after a failed dec_init too)
 *
 * reader_zlib.c comes in both builds: the ISA-L backend reads a damaged
 * member again with zlib.
 */
enum { DEC_OK, DEC_END, DEC_ERROR };

#include "reader_zlib.c" /* NOLINT(bugprone-suspicious-include) */
#if defined(BLOGSTAT_ISAL) && BLOGSTAT_ISAL
#include "reader_isal.c" /* NOLINT(bugprone-suspicious-include) */
#endif

/* gz_inflate(): damage was skipped (besides 1 bytes, 0 end, -1 error). */
#define GZ_DAMAGE 2

/* The file offset of in[in_pos]. */
static uint64_t gz_at(const struct gz *g)
{
    return g->bytes - (uint64_t)(g->in_len - g->in_pos);
}

/* A member begins at in[in_pos]. */
static void open_member(struct gz *g)
{
    g->member_at = gz_at(g);
    g->members++;
    g->candidate = g->resync;
    g->resync = 0;
    dec_reset(g);
    g->member_open = 1;
}

/* Damage that began at file offset at: counted, its warning in g->note,
 * and the next member looked for by its header. Returns GZ_DAMAGE. */
static int gz_damage(struct gz *g, uint64_t at, const char *what,
                     const char *why)
{
    if (g->damaged++ == 0) {
        g->first_at = at;
        snprintf(g->first_why, sizeof(g->first_why), "%s", why);
    }
    bs_fail(&g->note, BS_DATAERR, "%s: %s at byte %llu is damaged (%s): "
            "skipped, read on from the next member", g->name, what,
            (unsigned long long)at, why);
    g->resync = 1;
    return GZ_DAMAGE;
}

/* Look for the member after a damaged one from the byte after the
 * damaged one's header at the earliest. */
static void skip_damaged(struct gz *g)
{
    g->member_open = 0;
    g->resync = 1;
    if (gz_at(g) <= g->member_at && g->in_pos < g->in_len)
        g->in_pos++;
}

/*
 * Past the end of a member: another member follows (cat a.gz b.gz), or
 * padding of NUL bytes, which gzip(1) ignores too, or garbage. Garbage
 * before a member header is damage; after the last member it is ignored
 * (g->garbage), as gzip -dc ignores it. A member begins with "1f 8b 08"
 * (a header with deflate); after damage (g->resync) the next one is
 * looked for byte by byte. Returns 0 with member_open set, or at the end
 * of the input without; GZ_DAMAGE when garbage came before the member
 * now open; -1 on a read error.
 */
static int next_member(struct gz *g)
{
    uint64_t junk_at = 0;
    int junk = 0;      /* garbage since the last member */

    for (;;) {
        const unsigned char *p, *q;
        size_t avail;

        while (g->in_len - g->in_pos < 3 && !g->in_eof)
            if (gz_read(g) < 0)
                return -1;
        avail = g->in_len - g->in_pos;
        if (avail == 0)
            break;
        p = g->in + g->in_pos;
        /* A header; or right after a member, at the end of the input,
         * the start of one (a member cut short). */
        if (p[0] == 0x1f && avail >= 2 && p[1] == 0x8b &&
            (avail >= 3 ? p[2] == 8 : !junk && !g->resync)) {
            if (junk && !g->resync) {
                gz_damage(g, junk_at, "garbage between members",
                          "no gzip data");
                open_member(g);
                return GZ_DAMAGE;
            }
            open_member(g);
            return 0;
        }
        if (!junk && !g->resync) {
            size_t i = g->in_pos;

            while (i < g->in_len && g->in[i] == 0)
                i++;
            if (i > g->in_pos) {
                g->in_pos = i;
                continue;
            }
            junk = 1;
            junk_at = gz_at(g);
        }
        /* Look for the next header from the byte after this one. */
        q = memchr(p + 1, 0x1f, avail - 1);
        g->in_pos = q ? (size_t)(q - g->in) : g->in_len;
    }
    if (junk && !g->resync)
        g->garbage = g->bytes - junk_at;
    return 0;
}

/* The end of the input: the damage skipped on the way is the error. */
static int gz_end(struct gz *g)
{
    if (g->damaged == 0)
        return 0;
    return bs_fail(&g->err, BS_DATAERR,
                   "%s: corrupt gzip file: %u damaged part%s skipped, the "
                   "first at byte %llu (%s); check it with 'gzip -t'",
                   g->name, g->damaged, g->damaged == 1 ? "" : "s",
                   (unsigned long long)g->first_at, g->first_why);
}

/* The input ends inside a member: still being written (a clean end), or
 * truncated (-1). */
static int gz_cut(struct gz *g)
{
    g->member_open = 0;
    if (g->damaged)
        return gz_end(g);
    if (g->growing_ok) {
        g->growing = 1;
        return 0;
    }
    return bs_fail(&g->err, BS_DATAERR,
                   "%s: truncated gzip file: it ends in the middle of "
                   "compressed data after %llu bytes%s; the lines before "
                   "are counted", g->name, (unsigned long long)g->bytes,
                   g->stale ? " and has not changed for an hour" : "");
}

/*
 * Inflate into out[0..room): 1 when bytes came (*produced) or the member
 * ended and checked out (g->member_done), 0 at the clean end of the last
 * member, GZ_DAMAGE when damage was skipped (*produced bytes of the
 * damaged member before it), -1 on an error (g->err).
 */
static int gz_inflate(struct gz *g, unsigned char *out, size_t room,
                      size_t *produced)
{
    *produced = 0;
    for (;;) {
        const char *msg = NULL;
        size_t before;
        int rc;

        if (!g->member_open) {
            rc = next_member(g);
            if (rc != 0)
                return rc;
            if (!g->member_open)
                return gz_end(g);
        }
        if (g->in_pos == g->in_len && !g->in_eof && gz_read(g) < 0)
            return -1;
        before = g->in_pos;
        /* RFC 1952: a header with a reserved flag bit set is an error
         * (zlib says so; ISA-L would read on). */
        if (gz_at(g) == g->member_at && g->in_len - g->in_pos >= 4 &&
            (g->in[g->in_pos + 3] & 0xE0) != 0) {
            rc = DEC_ERROR;
            msg = "unknown header flags set";
        } else {
            rc = dec_step(g, out, room, produced, &msg);
        }
        if (rc == DEC_ERROR) {
            char what[48];

            skip_damaged(g);
            /* Three bytes that only looked like a header: the same
             * damage goes on. */
            if (g->candidate) {
                g->members--;
                continue;
            }
            snprintf(what, sizeof(what), "gzip member %u", g->members);
            return gz_damage(g, g->member_at, what, msg);
        }
        if (*produced > 0 || rc == DEC_END)
            g->candidate = 0;
        if (rc == DEC_END) {
            g->member_open = 0;
            g->member_done = 1;
            return 1;
        }
        if (*produced > 0)
            return 1;
        if (g->in_pos != before)
            continue;
        /* No progress: it needs more input, and there is none. */
        if (g->in_eof) {
            if (dec_recheck(g))
                continue;
            return gz_cut(g);
        }
        if (g->in_len - g->in_pos == IN_SIZE)
            return bs_fail(&g->err, BS_DATAERR,
                           "%s: corrupt gzip file: the decompressor is stuck "
                           "after %llu compressed bytes", g->name,
                           (unsigned long long)g->bytes);
        if (gz_read(g) < 0)
            return -1;
    }
}

/* ---- the inflating thread ------------------------------------------------ */

/* Inflated bytes of one member, at most OUT_SIZE, at data: HEAD bytes
 * into base, whose HEAD first bytes the reader fills (fill_gzip()). */
struct chunk {
    char *base;
    unsigned char *data;
    size_t len;
    uint64_t bytes;            /* compressed bytes read when it was full */
    int last;                  /* 0 more, 1 the clean end, -1 an error */
    struct bs_err err;         /* with last -1 */
    int member_end;            /* its member ends here and checked out */
    int damaged;               /* its member is damaged: note says where */
    struct bs_err note;
    int growing;               /* with last 1: g->growing, g->garbage */
    uint64_t garbage;
};

/* A ring of NCHUNKS chunks: the thread fills them, the reader empties. */
struct pipe {
    struct gz gz;
    struct chunk chunks[NCHUNKS];
    size_t head, count;        /* the oldest full chunk, how many are full */
    int stop;                  /* the reader closes: the thread ends */
    pthread_mutex_t mu;
    pthread_cond_t full, empty;
    pthread_t thread;
};

static void *inflater(void *arg)
{
    struct pipe *p = arg;
    int last = 0;

    while (!last) {
        struct chunk *c;
        size_t got;

        pthread_mutex_lock(&p->mu);
        while (p->count == NCHUNKS && !p->stop)
            pthread_cond_wait(&p->empty, &p->mu);
        if (p->stop) {
            pthread_mutex_unlock(&p->mu);
            break;
        }
        c = &p->chunks[(p->head + p->count) % NCHUNKS];
        pthread_mutex_unlock(&p->mu);

        /* Fill the chunk outside the lock: the reader works meanwhile.
         * It ends early where its member ends or shows damage. */
        c->len = 0;
        c->member_end = c->damaged = 0;
        while (c->len < OUT_SIZE && !last) {
            int rc = gz_inflate(&p->gz, c->data + c->len, OUT_SIZE - c->len,
                                &got);

            c->len += got;
            if (rc == 0) {
                last = 1;
            } else if (rc < 0) {
                last = -1;
            } else if (rc == GZ_DAMAGE) {
                c->damaged = 1;
                c->note = p->gz.note;
                break;
            } else if (p->gz.member_done) {
                p->gz.member_done = 0;
                c->member_end = 1;
                break;
            }
        }
        c->bytes = p->gz.bytes;
        c->last = last;
        if (last < 0)
            c->err = p->gz.err;
        c->growing = p->gz.growing;
        c->garbage = p->gz.garbage;

        pthread_mutex_lock(&p->mu);
        p->count++;
        pthread_cond_signal(&p->full);
        pthread_mutex_unlock(&p->mu);
    }
    return NULL;
}

/* ---- the reader -------------------------------------------------------------- */

/* What buf is before any byte came (memchr() wants a pointer). */
static char no_bytes[1];

struct reader {
    int fd;
    char *name;
    uint64_t file_size;
    int regular;           /* a regular file: it can seek */

    int gzip;
    struct pipe *pipe;     /* gzip: the inflating thread and its chunks */
    int gz_done;           /* the last chunk has been taken */
    uint64_t bytes_read;

    /* Decompressed (or plain) bytes: own's for a plain input; for gzip,
     * those of the chunk held (the pipe's oldest), read in place. */
    char *buf;
    char *own;             /* plain: cap bytes; gzip: NULL */
    int held;              /* gzip: buf is the pipe's oldest chunk's */
    size_t cap, start, end;
    int out_eof;           /* no more bytes will come */
    int failed;            /* the input is damaged: err holds why */
    struct bs_err err;

    int hold_partial;      /* keep a last line without "\n" back */
    /* gzip members, in decompressed offsets (see filled): */
    uint64_t mark;         /* the least of the three below: a line
                              ending at or past it is looked at
                              (flag_line()) */
    uint64_t member_end;   /* where a member that checked out ends, or
                              UINT64_MAX */
    uint64_t unchecked_at; /* where a member over one chunk begins: the
                              first line from there is marked, or
                              UINT64_MAX */
    uint64_t damage_at;    /* the first line at or past it comes after
                              damage (with damage_pending) */
    int first_piece;       /* the next chunk begins a member */
    int unchecked;         /* lines of the member being read were
                              returned before its check */
    int damage_pending;    /* no line returned since the damage */
    int damage_drop;       /* and lines of a damaged member were */
    struct bs_err damage;  /* its warning (the first of several) */
    int growing;           /* the input ended: a .gz still being written */
    uint64_t garbage;      /* the input ended: bytes of no gzip data */
    char end_note[600];    /* what reader_end_note() says */
    size_t keep;           /* start of the last line returned: kept valid */
    size_t keep_len;       /* its bytes */
    size_t keep_skip;      /* NULs skipped at its start */
    size_t keep_n;         /* its length as returned */
    int last_overlong;     /* the last line returned was overlong */
    int skipping;          /* inside an overlong line */
    uint64_t lineno;
    uint64_t offset;       /* decompressed offset of buf[start] */
    uint64_t filled;       /* decompressed bytes taken in so far */
    uint64_t limit;        /* reader_set_limit(), 0: none */
};

static int start_pipe(struct reader *r, struct gz *g, struct bs_err *err)
{
    struct pipe *p = xcalloc(1, sizeof(*p));

    p->gz = *g;
    if (dec_init(&p->gz) != 0) {
        free(p);
        return bs_fail(err, BS_SOFTWARE, "%s: cannot start the "
                       "decompressor", r->name);
    }
    for (int i = 0; i < NCHUNKS; i++) {
        p->chunks[i].base = xmalloc(HEAD + OUT_SIZE);
        p->chunks[i].data = (unsigned char *)p->chunks[i].base + HEAD;
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->full, NULL);
    pthread_cond_init(&p->empty, NULL);
    if (pthread_create(&p->thread, NULL, inflater, p) != 0) {
        for (int i = 0; i < NCHUNKS; i++)
            free(p->chunks[i].base);
        dec_end(&p->gz);
        free(p);
        return bs_fail(err, BS_OSERR, "%s: cannot start a thread: %s",
                       r->name, strerror(errno));
    }
    r->pipe = p;
    return 0;
}

static void stop_pipe(struct reader *r)
{
    struct pipe *p = r->pipe;

    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_signal(&p->empty);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    dec_end(&p->gz);
    free(p->gz.in);
    for (int i = 0; i < NCHUNKS; i++)
        free(p->chunks[i].base);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->full);
    pthread_cond_destroy(&p->empty);
    free(p);
    r->pipe = NULL;
}

/* The least offset at which a line is looked at by flag_line(). */
static void set_mark(struct reader *r)
{
    uint64_t m = r->member_end < r->unchecked_at ? r->member_end
                                                  : r->unchecked_at;

    r->mark = r->damage_pending && r->damage_at < m ? r->damage_at : m;
}

/* A chunk that shows damage was taken: none of its bytes is returned,
 * nor the line they would finish; the next line is marked. */
static void took_damage(struct reader *r, const struct bs_err *note)
{
    r->end = r->start;
    r->filled = r->offset;
    r->skipping = 0;
    r->member_end = r->unchecked_at = UINT64_MAX;
    if (!r->damage_pending)
        r->damage = *note;
    r->damage_pending = 1;
    r->damage_drop |= r->unchecked;
    r->unchecked = 0;
    r->damage_at = r->offset;
    set_mark(r);
}

/* The last chunk was taken: how the input ends. */
static void took_end(struct reader *r, const struct chunk *c)
{
    r->growing = c->growing;
    r->garbage = c->garbage;
    if (r->growing) {
        /* A file still being written may end in half a line. */
        r->hold_partial = 1;
        snprintf(r->end_note, sizeof(r->end_note), "%s: a gzip file still "
                 "being written: read as far as it goes (%llu bytes), the "
                 "rest on a later run", r->name,
                 (unsigned long long)c->bytes);
    } else if (r->garbage) {
        snprintf(r->end_note, sizeof(r->end_note), "%s: %llu bytes after "
                 "the last gzip member are no gzip data: ignored, as gzip "
                 "-dc ignores them", r->name,
                 (unsigned long long)r->garbage);
    }
}

/*
 * Read on in the next inflated chunk, in place: the last line handed out
 * (kept until the next one is) and the bytes not scanned yet go into the
 * room before its bytes, and the chunk read so far goes back to the
 * inflater. 1 (bytes may have come), 0 at the end, -1.
 */
static int fill_gzip(struct reader *r)
{
    struct pipe *p = r->pipe;
    struct chunk *c;
    size_t len, kl, rest, at;
    int last;

    if (r->gz_done)
        return 0;
    pthread_mutex_lock(&p->mu);
    while (p->count < (size_t)r->held + 1)
        pthread_cond_wait(&p->full, &p->mu);
    c = &p->chunks[(p->head + (size_t)r->held) % NCHUNKS];
    pthread_mutex_unlock(&p->mu);

    kl = r->keep_len && r->keep < r->start ? r->keep_len : 0;
    rest = r->end - r->start;
    /* A line kept is at most READER_MAX_LINE and its ending; bytes with
     * no newline past READER_MAX_LINE were dropped (reader_next()). */
    if (kl + rest > HEAD)
        BUG("%zu bytes kept before a chunk", kl + rest);
    at = HEAD - rest - kl;
    if (kl)
        memcpy(c->base + at, r->buf + r->keep, kl);
    if (rest)
        memcpy(c->base + at + kl, r->buf + r->start, rest);
    r->keep = at;
    r->start = at + kl;
    len = c->len;
    r->buf = c->base;
    r->end = HEAD + len;
    if (r->held) {
        pthread_mutex_lock(&p->mu);
        p->head = (p->head + 1) % NCHUNKS;
        p->count--;
        pthread_cond_signal(&p->empty);
        pthread_mutex_unlock(&p->mu);
    }
    r->held = 1;
    r->filled += len;
    r->bytes_read = c->bytes;
    last = c->last;
    if (last < 0)
        r->err = c->err;
    if (c->member_end) {
        /* Its lines come after the check: all of them are checked. */
        r->member_end = r->filled;
        r->unchecked_at = UINT64_MAX;
        r->unchecked = 0;
        set_mark(r);
    } else if (r->first_piece && !c->damaged && last == 0) {
        /* A member over one chunk: its lines come before its check. */
        r->unchecked_at = r->filled - len;
        set_mark(r);
    }
    if (c->damaged)
        took_damage(r, &c->note);
    r->first_piece = c->member_end || c->damaged;
    if (last > 0)
        took_end(r, c);
    if (last != 0)
        r->gz_done = 1;
    if (last < 0)
        return -1;
    return last == 0 || len > 0 ? 1 : 0;
}

static int fill_plain(struct reader *r)
{
    ssize_t got;

    do
        got = read(r->fd, r->buf + r->end, r->cap - r->end);
    while (got < 0 && errno == EINTR);
    if (got < 0)
        return bs_fail(&r->err, BS_IOERR, "%s: read error: %s", r->name,
                       strerror(errno));
    r->end += (size_t)got;
    r->filled += (uint64_t)got;
    r->bytes_read += (uint64_t)got;
    return got > 0;
}

struct reader *reader_open(const char *path, int flags, struct bs_err *err)
{
    struct reader *r;
    struct gz g;
    struct stat st;
    int fd;

    if (strcmp(path, "-") == 0) {
        fd = STDIN_FILENO;
    } else {
        /* Non-blocking only to open: a FIFO without a writer would block
         * open() for ever; reads block as usual. */
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (fd < 0) {
            bs_fail(err, BS_NOINPUT, "cannot open '%s': %s", path,
                    strerror(errno));
            return NULL;
        }
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    }
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        bs_fail(err, BS_NOINPUT, "cannot read '%s': it is a directory",
                path);
        if (fd != STDIN_FILENO)
            close(fd);
        return NULL;
    }

    r = xcalloc(1, sizeof(*r));
    r->fd = fd;
    r->name = xstrdup(path);
    r->mark = r->member_end = r->unchecked_at = UINT64_MAX;
    r->first_piece = 1;
    if (S_ISREG(st.st_mode)) {
        r->file_size = (uint64_t)st.st_size;
        r->regular = 1;
    }
    r->buf = no_bytes;

    /* Sniff the first bytes: gzip by magic, whatever the name says. */
    memset(&g, 0, sizeof(g));
    g.fd = fd;
    g.base = lseek(fd, 0, SEEK_CUR);
    g.name = r->name;
    g.in = xmalloc(IN_SIZE);
    while (g.in_len < 2 && !g.in_eof) {
        if (gz_read(&g) < 0) {
            *err = g.err;
            free(g.in);
            reader_close(r);
            return NULL;
        }
    }
    if (g.in_len >= 2 && g.in[0] == 0x1f && g.in[1] == 0x8b) {
        r->gzip = 1;
        g.member_open = 1;
        g.members = 1;
        if (r->regular && (flags & READER_HOLD_PARTIAL)) {
            /* A log cut inside its last member: being written, or
             * truncated when it has not changed for long. */
            g.growing_ok = st.st_mtime > time(NULL) - GROWING_SECS;
            g.stale = !g.growing_ok;
        }
        if (start_pipe(r, &g, err) != 0) {
            free(g.in);
            reader_close(r);
            return NULL;
        }
    } else {
        /* Plain: what was sniffed is the start of the text, in a buffer
         * with room for a block, the line being scanned and the last one
         * kept. */
        r->cap = HEAD + OUT_SIZE;
        r->buf = r->own = xmalloc(r->cap);
        memcpy(r->buf, g.in, g.in_len);
        r->end = g.in_len;
        r->bytes_read = g.bytes;
        if (g.in_eof)
            r->out_eof = 1;
        free(g.in);
        /* A live log may end in a line still being written. */
        r->hold_partial = (flags & READER_HOLD_PARTIAL) != 0;
    }
    return r;
}

/*
 * Make room at the end of buf and add bytes. Returns 1 when bytes came,
 * 0 at the end of the input, -1 when the input is damaged (r->err).
 */
static int fill(struct reader *r)
{
    int got;

    if (r->out_eof || r->failed)
        return r->failed ? -1 : 0;
    /* Make room: the last line handed out (kept until the next one is)
     * goes first, then the bytes not scanned yet; whatever lay between
     * (NULs skipped, bytes of an overlong line dropped) goes. A gzip
     * input's go before the next chunk's bytes (fill_gzip()). */
    if (!r->gzip) {
        size_t kl = r->keep_len && r->keep < r->start ? r->keep_len : 0;

        if (kl && r->keep > 0)
            memmove(r->buf, r->buf + r->keep, kl);
        if (r->start > kl)
            memmove(r->buf + kl, r->buf + r->start, r->end - r->start);
        r->end = kl + (r->end - r->start);
        r->start = kl;
        r->keep = 0;
    }
    if (r->limit && r->filled >= r->limit) {
        r->failed = 1;
        return bs_fail(&r->err, BS_DATAERR,
                       "%s: stopped after %llu bytes, the limit of "
                       "--max-bytes; the lines before are counted", r->name,
                       (unsigned long long)r->limit);
    }
    {
        uint64_t before = r->filled;

        got = r->gzip ? fill_gzip(r) : fill_plain(r);
        if (got < 0) {
            /* Hand out what came before the error; the error comes at the
             * next fill. */
            r->failed = 1;
            return r->filled > before ? 1 : -1;
        }
    }
    if (got == 0)
        r->out_eof = 1;
    return got > 0;
}

/* A gzip line that took [from, r->offset) ends at or past r->mark: it
 * ends a member that checked out, begins a member over one chunk, or is
 * the first after damage (a line after damage begins after it: the line
 * damage cut was dropped). */
static void flag_line(struct reader *r, struct reader_line *line,
                      uint64_t from)
{
    if (r->damage_pending && r->offset > r->damage_at) {
        line->gz |= READER_AFTER_DAMAGE |
                    (r->damage_drop ? READER_DROP : 0);
        r->damage_pending = r->damage_drop = 0;
    }
    if (r->offset > r->unchecked_at) {
        if (from >= r->unchecked_at) {
            line->gz |= READER_UNCHECKED;
            r->unchecked = 1;
        }
        r->unchecked_at = UINT64_MAX;
    }
    if (r->offset >= r->member_end) {
        if (r->offset == r->member_end)
            line->gz |= READER_MEMBER_END;
        r->member_end = UINT64_MAX;
    }
    set_mark(r);
}

/* An overlong line was returned: its bytes are gone, its flags not. */
static void emit_overlong(struct reader *r, struct reader_line *line)
{
    line->p = NULL;
    line->n = 0;
    line->overlong = 1;
    line->gz = 0;
    line->lineno = ++r->lineno;
    r->last_overlong = 1;
    /* Where it began is not kept: it counts as beginning at its end. */
    if (r->offset >= r->mark)
        flag_line(r, line, r->offset);
}

static void emit(struct reader *r, struct reader_line *line, size_t len,
                 size_t used)
{
    const char *p = r->buf + r->start;

    r->keep = r->start;
    r->keep_len = used;
    r->last_overlong = 0;

    /* NULs at the start of a line: a copytruncate under a live writer. */
    while (len > 0 && *p == '\0') {
        p++;
        len--;
    }
    if (len > 0 && p[len - 1] == '\r')
        len--;
    r->keep_skip = (size_t)(p - (r->buf + r->start));
    r->keep_n = len;
    line->p = p;
    line->n = len;
    line->overlong = 0;
    line->gz = 0;
    line->lineno = ++r->lineno;
    r->start += used;
    r->offset += used;
    if (r->offset >= r->mark)
        flag_line(r, line, r->offset - used);
}

int reader_next(struct reader *r, struct reader_line *line,
                struct bs_err *err)
{
    size_t scan = 0;   /* bytes after start already known to hold no \n */

    for (;;) {
        const char *nl;
        size_t have;
        int got;

        /* NULs before a line (a copytruncate hole, possibly megabytes
         * long) are no part of it: skip them before they look overlong. */
        if (!r->skipping && scan == 0 && r->start < r->end &&
            r->buf[r->start] == '\0') {
            size_t i = r->start;
            uint64_t w;

            /* Eight at a time: a hole can be gigabytes. */
            while (i + 8 <= r->end && (memcpy(&w, r->buf + i, 8), w == 0))
                i += 8;
            while (i < r->end && r->buf[i] == '\0')
                i++;
            r->offset += i - r->start;
            r->start = i;
        }
        nl = memchr(r->buf + r->start + scan, '\n', r->end - r->start - scan);
        have = r->end - r->start;

        if (nl) {
            size_t len = (size_t)(nl - (r->buf + r->start));

            if (r->skipping) {
                /* The end of an overlong line: report it now, bytes gone. */
                r->skipping = 0;
                r->start += len + 1;
                r->offset += len + 1;
                emit_overlong(r, line);
                return 1;
            }
            /* The limit is on the line, not on its "\r\n" ending. */
            if (len - (len > 0 && nl[-1] == '\r') > READER_MAX_LINE) {
                r->skipping = 1;
                continue;
            }
            emit(r, line, len, len + 1);
            return 1;
        }
        if (have > READER_MAX_LINE) {
            /* No newline in sight: drop the bytes, remember the line, and
             * keep the last line returned where the next fill keeps it. */
            r->skipping = 1;
            r->offset += have;
            if (r->keep < r->start) {
                memmove(r->buf, r->buf + r->keep, r->keep_len);
                r->keep = 0;
                r->start = r->end = r->keep_len;
            } else {
                r->start = r->end;
            }
            have = 0;
        }
        scan = have;
        got = fill(r);
        /* Damage took the bytes scanned away (took_damage()). */
        if (scan > r->end - r->start)
            scan = 0;
        if (got > 0)
            continue;
        if (got < 0) {
            if (err)
                *err = r->err;
            return -1;
        }
        /* Clean end of the input: a last line without "\n" still counts. */
        if (r->skipping) {
            r->skipping = 0;
            emit_overlong(r, line);
            return 1;
        }
        if (r->end > r->start && !r->hold_partial) {
            emit(r, line, r->end - r->start, r->end - r->start);
            return 1;
        }
        return 0;
    }
}

const char *reader_damage_note(const struct reader *r)
{
    return r->damage.msg;
}

int reader_tail_damaged(const struct reader *r)
{
    return r->damage_pending && r->damage_drop;
}

const char *reader_end_note(const struct reader *r, int *growing)
{
    if (growing)
        *growing = r->growing;
    return r->end_note[0] ? r->end_note : NULL;
}

int reader_last_line(const struct reader *r, struct reader_line *line)
{
    if (r->lineno == 0)
        return 0;
    line->lineno = r->lineno;
    line->overlong = r->last_overlong;
    line->gz = 0;
    if (r->last_overlong) {
        line->p = NULL;
        line->n = 0;
    } else {
        line->p = r->buf + r->keep + r->keep_skip;
        line->n = r->keep_n;
    }
    return 1;
}

size_t reader_peek(const struct reader *r, const char **p)
{
    size_t at = r->keep + r->keep_skip;

    *p = NULL;
    if (r->lineno == 0 || r->last_overlong || at > r->end)
        return 0;
    *p = r->buf + at;
    return r->end - at;
}

void reader_set_limit(struct reader *r, uint64_t max_bytes)
{
    r->limit = max_bytes;
}

int reader_can_seek(const struct reader *r)
{
    return r->regular && !r->gzip;
}

int reader_seek(struct reader *r, uint64_t offset, uint64_t lineno,
                struct bs_err *err)
{
    if (!reader_can_seek(r))
        BUG("reader_seek on a stream");
    if (lseek(r->fd, (off_t)offset, SEEK_SET) < 0)
        return bs_fail(err, BS_IOERR, "%s: cannot seek: %s", r->name,
                       strerror(errno));
    r->start = r->end = r->keep = 0;
    r->out_eof = r->failed = r->skipping = 0;
    r->offset = offset;
    r->lineno = lineno;
    r->bytes_read = offset;
    r->filled = offset;
    return 0;
}

long reader_pread(struct reader *r, uint64_t offset, void *buf, size_t n,
                  struct bs_err *err)
{
    ssize_t got;

    if (!reader_can_seek(r))
        BUG("reader_pread on a stream");
    do
        got = pread(r->fd, buf, n, (off_t)offset);
    while (got < 0 && errno == EINTR);
    if (got < 0)
        return bs_fail(err, BS_IOERR, "%s: read error: %s", r->name,
                       strerror(errno));
    return (long)got;
}

const char *reader_name(const struct reader *r)
{
    return r->name;
}

int reader_is_gzip(const struct reader *r)
{
    return r->gzip;
}

uint64_t reader_offset(const struct reader *r)
{
    return r->offset;
}

uint64_t reader_bytes_read(const struct reader *r)
{
    return r->bytes_read;
}

uint64_t reader_file_size(const struct reader *r)
{
    return r->file_size;
}

void reader_close(struct reader *r)
{
    if (!r)
        return;
    stop_pipe(r);
    if (r->fd != STDIN_FILENO)
        close(r->fd);
    free(r->own);
    free(r->name);
    free(r);
}
