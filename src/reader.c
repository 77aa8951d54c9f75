/*
 * reader.c - block reads, raw zlib inflate over gzip members, and line
 * splitting with memchr over large buffers.
 *
 * We call inflate() ourselves rather than gzread(): gzread hides a
 * truncated file until gzclose and cannot tell how far into the
 * decompressed stream a line lies.
 */
#include "blogstat.h"
#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define IN_SIZE (256 * 1024)
#define OUT_SIZE (1024 * 1024)

struct reader {
    int fd;
    char *name;
    uint64_t file_size;
    int regular;           /* a regular file: it can seek */

    int gzip;
    z_stream zs;
    int zs_ready;          /* inflateInit2 done */
    int member_open;       /* inside a gzip member, its end not yet seen */
    unsigned char *in;     /* compressed input (gzip only) */
    int in_eof;
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
};

static int read_some(struct reader *r, void *dst, size_t n)
{
    ssize_t got;

    do
        got = read(r->fd, dst, n);
    while (got < 0 && errno == EINTR);
    if (got < 0)
        return bs_fail(&r->err, BS_IOERR, "%s: read error: %s", r->name,
                       strerror(errno));
    r->bytes_read += (uint64_t)got;
    return (int)got;
}

struct reader *reader_open(const char *path, int flags, struct bs_err *err)
{
    struct reader *r;
    struct stat st;
    int fd;

    if (strcmp(path, "-") == 0) {
        fd = STDIN_FILENO;
    } else {
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
            bs_fail(err, BS_NOINPUT, "cannot open '%s': %s", path,
                    strerror(errno));
            return NULL;
        }
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
    r->in = xmalloc(IN_SIZE);

    /* Sniff the first bytes: gzip by magic, whatever the name says. */
    while (r->zs.avail_in < 2 && !r->in_eof) {
        int got = read_some(r, r->in + r->zs.avail_in,
                            IN_SIZE - r->zs.avail_in);

        if (got < 0) {
            *err = r->err;
            reader_close(r);
            return NULL;
        }
        if (got == 0)
            r->in_eof = 1;
        r->zs.avail_in += (unsigned)got;
    }
    if (r->zs.avail_in >= 2 && r->in[0] == 0x1f && r->in[1] == 0x8b) {
        r->gzip = 1;
        r->zs.next_in = r->in;
        if (inflateInit2(&r->zs, 15 + 16) != Z_OK) {
            bs_fail(err, BS_SOFTWARE, "%s: cannot start zlib", path);
            reader_close(r);
            return NULL;
        }
        r->zs_ready = 1;
        r->member_open = 1;
    } else {
        /* Plain: what was sniffed is the start of the text. */
        memcpy(r->buf, r->in, r->zs.avail_in);
        r->end = r->zs.avail_in;
        r->zs.avail_in = 0;
        free(r->in);
        r->in = NULL;
        if (r->in_eof)
            r->out_eof = 1;
        /* A live log may end in a line still being written. */
        r->hold_partial = (flags & READER_HOLD_PARTIAL) != 0;
    }
    return r;
}

/*
 * Past the end of a member: another member follows (cat a.gz b.gz), or
 * padding of NUL bytes, which gzip(1) ignores too, or garbage.
 */
static int next_member(struct reader *r)
{
    while (r->zs.avail_in < 2 && !r->in_eof) {
        int got;

        memmove(r->in, r->zs.next_in, r->zs.avail_in);
        r->zs.next_in = r->in;
        got = read_some(r, r->in + r->zs.avail_in,
                        IN_SIZE - r->zs.avail_in);
        if (got < 0)
            return -1;
        if (got == 0)
            r->in_eof = 1;
        r->zs.avail_in += (unsigned)got;
    }
    if (r->zs.avail_in == 0)
        return 0;
    if (r->zs.avail_in >= 2 && r->zs.next_in[0] == 0x1f &&
        r->zs.next_in[1] == 0x8b) {
        if (inflateReset(&r->zs) != Z_OK)
            return bs_fail(&r->err, BS_SOFTWARE, "%s: zlib reset failed",
                           r->name);
        r->member_open = 1;
        return 0;
    }
    for (;;) {
        for (unsigned i = 0; i < r->zs.avail_in; i++)
            if (r->zs.next_in[i] != 0)
                return bs_fail(&r->err, BS_DATAERR,
                               "%s: corrupt gzip file: garbage after "
                               "compressed data; check the file with "
                               "'gzip -t'", r->name);
        r->zs.avail_in = 0;
        if (r->in_eof)
            return 0;
        {
            int got = read_some(r, r->in, IN_SIZE);

            if (got < 0)
                return -1;
            if (got == 0)
                r->in_eof = 1;
            r->zs.next_in = r->in;
            r->zs.avail_in = (unsigned)got;
        }
    }
}

/* Inflate into buf[end..cap); returns 1 when bytes came, 0 at the end. */
static int fill_gzip(struct reader *r)
{
    for (;;) {
        size_t room = r->cap - r->end;
        int ret;

        if (!r->member_open) {
            if (next_member(r) < 0)
                return -1;
            if (!r->member_open)
                return 0;   /* clean end of the last member */
        }
        if (r->zs.avail_in == 0 && !r->in_eof) {
            int got = read_some(r, r->in, IN_SIZE);

            if (got < 0)
                return -1;
            if (got == 0)
                r->in_eof = 1;
            r->zs.next_in = r->in;
            r->zs.avail_in = (unsigned)got;
        }
        r->zs.next_out = (unsigned char *)r->buf + r->end;
        r->zs.avail_out = (unsigned)room;
        ret = inflate(&r->zs, Z_NO_FLUSH);
        r->end += room - r->zs.avail_out;
        switch (ret) {
        case Z_STREAM_END:
            r->member_open = 0;
            break;
        case Z_OK:
            break;
        case Z_BUF_ERROR:
            /* No progress possible: only the end of the input does that. */
            if (r->in_eof && r->zs.avail_in == 0)
                return bs_fail(&r->err, BS_DATAERR,
                               "%s: truncated gzip file: it ends in the "
                               "middle of compressed data after %llu "
                               "bytes; the lines before are counted",
                               r->name, (unsigned long long)r->bytes_read);
            break;
        case Z_MEM_ERROR:
            return bs_fail(&r->err, BS_OSERR, "%s: out of memory in zlib",
                           r->name);
        default:
            return bs_fail(&r->err, BS_DATAERR,
                           "%s: corrupt gzip file: %s (after %llu "
                           "compressed bytes); check it with 'gzip -t'",
                           r->name, r->zs.msg ? r->zs.msg : "bad data",
                           (unsigned long long)r->bytes_read);
        }
        if (r->cap - r->end < room)
            return 1;
    }
}

static int fill_plain(struct reader *r)
{
    int got = read_some(r, r->buf + r->end, r->cap - r->end);

    if (got > 0)
        r->end += (size_t)got;
    return got;
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
    /* The last line handed out stays valid until the next one is: move
     * from its start, not from where scanning goes on. */
    if (r->keep > r->start)
        r->keep = r->start;
    if (r->keep > 0) {
        memmove(r->buf, r->buf + r->keep, r->end - r->keep);
        r->end -= r->keep;
        r->start -= r->keep;
        r->keep = 0;
    }
    {
        size_t before = r->end;

        got = r->gzip ? fill_gzip(r) : fill_plain(r);
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
        if (!r->skipping && scan == 0) {
            while (r->start < r->end && r->buf[r->start] == '\0') {
                r->start++;
                r->offset++;
            }
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
    if (r->zs_ready)
        inflateEnd(&r->zs);
    if (r->fd != STDIN_FILENO)
        close(r->fd);
    free(r->in);
    free(r->buf);
    free(r->name);
    free(r);
}
