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
 */
#include "blogstat.h"
#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define IN_SIZE (256 * 1024)
#define OUT_SIZE (1024 * 1024)
#define NCHUNKS 4              /* inflated megabytes in flight */

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

/*
 * Past the end of a member: another member follows (cat a.gz b.gz), or
 * padding of NUL bytes, which gzip(1) ignores too, or garbage.
 */
static int next_member(struct gz *g)
{
    for (;;) {
        while (g->in_len - g->in_pos < 2 && !g->in_eof)
            if (gz_read(g) < 0)
                return -1;
        if (g->in_len == g->in_pos)
            return 0;
        if (g->in_len - g->in_pos >= 2 && g->in[g->in_pos] == 0x1f &&
            g->in[g->in_pos + 1] == 0x8b) {
            dec_reset(g);
            g->member_open = 1;
            return 0;
        }
        for (size_t i = g->in_pos; i < g->in_len; i++)
            if (g->in[i] != 0)
                return bs_fail(&g->err, BS_DATAERR,
                               "%s: corrupt gzip file: garbage after "
                               "compressed data; check the file with "
                               "'gzip -t'", g->name);
        g->in_pos = g->in_len;
        if (g->in_eof)
            return 0;
    }
}

/*
 * Inflate into out[0..room): 1 when bytes came (*produced), 0 at the
 * clean end of the last member, -1 on damage (g->err).
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
            if (next_member(g) < 0)
                return -1;
            if (!g->member_open)
                return 0;
        }
        if (g->in_pos == g->in_len && !g->in_eof && gz_read(g) < 0)
            return -1;
        before = g->in_pos;
        rc = dec_step(g, out, room, produced, &msg);
        if (rc == DEC_ERROR)
            return bs_fail(&g->err, BS_DATAERR,
                           "%s: corrupt gzip file: %s (after %llu "
                           "compressed bytes); check it with 'gzip -t'",
                           g->name, msg, (unsigned long long)g->bytes);
        if (rc == DEC_END)
            g->member_open = 0;
        if (*produced > 0)
            return 1;
        if (rc == DEC_END || g->in_pos != before)
            continue;
        /* No progress: it needs more input, and there is none. */
        if (g->in_eof)
            return bs_fail(&g->err, BS_DATAERR,
                           "%s: truncated gzip file: it ends in the middle "
                           "of compressed data after %llu bytes; the lines "
                           "before are counted",
                           g->name, (unsigned long long)g->bytes);
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

struct chunk {
    unsigned char *data;
    size_t len;
    uint64_t bytes;            /* compressed bytes read when it was full */
    int last;                  /* 0 more, 1 the clean end, -1 damage */
    struct bs_err err;         /* with last -1 */
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

        /* Fill the chunk outside the lock: the reader works meanwhile. */
        c->len = 0;
        while (c->len < OUT_SIZE && !last) {
            int rc = gz_inflate(&p->gz, c->data + c->len, OUT_SIZE - c->len,
                                &got);

            c->len += got;
            if (rc == 0)
                last = 1;
            else if (rc < 0)
                last = -1;
        }
        c->bytes = p->gz.bytes;
        c->last = last;
        if (last < 0)
            c->err = p->gz.err;

        pthread_mutex_lock(&p->mu);
        p->count++;
        pthread_cond_signal(&p->full);
        pthread_mutex_unlock(&p->mu);
    }
    return NULL;
}

/* ---- the reader -------------------------------------------------------------- */

struct reader {
    int fd;
    char *name;
    uint64_t file_size;
    int regular;           /* a regular file: it can seek */

    int gzip;
    struct pipe *pipe;     /* gzip: the inflating thread and its chunks */
    int gz_done;           /* the last chunk has been taken */
    uint64_t bytes_read;

    char *buf;             /* decompressed (or plain) bytes */
    size_t cap, start, end;
    int out_eof;           /* no more bytes will come */
    int failed;            /* the input is damaged: err holds why */
    struct bs_err err;

    int hold_partial;      /* keep a last line without "\n" back */
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
    for (int i = 0; i < NCHUNKS; i++)
        p->chunks[i].data = xmalloc(OUT_SIZE);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->full, NULL);
    pthread_cond_init(&p->empty, NULL);
    if (pthread_create(&p->thread, NULL, inflater, p) != 0) {
        for (int i = 0; i < NCHUNKS; i++)
            free(p->chunks[i].data);
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
        free(p->chunks[i].data);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->full);
    pthread_cond_destroy(&p->empty);
    free(p);
    r->pipe = NULL;
}

/* Take the next inflated chunk into buf[end..): 1, 0 at the end, -1. */
static int fill_gzip(struct reader *r)
{
    struct pipe *p = r->pipe;
    struct chunk *c;
    size_t len;
    int last;

    if (r->gz_done)
        return 0;
    pthread_mutex_lock(&p->mu);
    while (p->count == 0)
        pthread_cond_wait(&p->full, &p->mu);
    c = &p->chunks[p->head];
    pthread_mutex_unlock(&p->mu);

    /* Everything needed from the chunk is taken now: once it is handed
     * back, the inflater refills it (its len first set to 0). */
    len = c->len;
    memcpy(r->buf + r->end, c->data, len);
    r->end += len;
    r->bytes_read = c->bytes;
    last = c->last;
    if (last < 0)
        r->err = c->err;

    pthread_mutex_lock(&p->mu);
    p->head = (p->head + 1) % NCHUNKS;
    p->count--;
    pthread_cond_signal(&p->empty);
    pthread_mutex_unlock(&p->mu);

    if (last != 0)
        r->gz_done = 1;
    if (last < 0)
        return -1;
    return len > 0 ? 1 : 0;
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
    if (S_ISREG(st.st_mode)) {
        r->file_size = (uint64_t)st.st_size;
        r->regular = 1;
    }
    /* Room for a block, the line being scanned and the last one kept. */
    r->cap = OUT_SIZE + 2 * READER_MAX_LINE + 2;
    r->buf = xmalloc(r->cap);

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
        if (start_pipe(r, &g, err) != 0) {
            free(g.in);
            reader_close(r);
            return NULL;
        }
    } else {
        /* Plain: what was sniffed is the start of the text. */
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
     * (NULs skipped, bytes of an overlong line dropped) goes. */
    {
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
        size_t before = r->end;

        got = r->gzip ? fill_gzip(r) : fill_plain(r);
        r->filled += r->end - before;
        if (got < 0) {
            /* Hand out what came before the damage; the error comes at the
             * next fill. */
            r->failed = 1;
            return r->end > before ? 1 : -1;
        }
    }
    if (got == 0)
        r->out_eof = 1;
    return got > 0;
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
    line->lineno = ++r->lineno;
    r->start += used;
    r->offset += used;
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
                line->p = NULL;
                line->n = 0;
                line->overlong = 1;
                line->lineno = ++r->lineno;
                r->last_overlong = 1;
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
            line->p = NULL;
            line->n = 0;
            line->overlong = 1;
            line->lineno = ++r->lineno;
            r->last_overlong = 1;
            return 1;
        }
        if (r->end > r->start && !r->hold_partial) {
            emit(r, line, r->end - r->start, r->end - r->start);
            return 1;
        }
        return 0;
    }
}

int reader_last_line(const struct reader *r, struct reader_line *line)
{
    if (r->lineno == 0)
        return 0;
    line->lineno = r->lineno;
    line->overlong = r->last_overlong;
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
    free(r->buf);
    free(r->name);
    free(r);
}
