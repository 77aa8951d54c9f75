/*
 * reader.h - stream the lines of an access log, gzip or plain.
 *
 * gzip is recognised by its magic bytes, never by the file name, and may
 * hold several members (as `cat a.gz b.gz` makes). Lines are returned
 * without their "\n" (and without a "\r" before it); NUL bytes at the start
 * of a line (left by copytruncate) are skipped. A line longer than
 * READER_MAX_LINE is returned as overlong, without its bytes, and the
 * reader skips to the next newline.
 */
#ifndef BLOGSTAT_READER_H
#define BLOGSTAT_READER_H

#include "blogstat.h"

#define READER_MAX_LINE (64 * 1024)

struct reader;

/* reader_open() flags */
#define READER_HOLD_PARTIAL 1   /* plain files: a last line without "\n" is
                                 * being written; leave it for next time */

struct reader_line {
    const char *p;       /* borrowed: valid until the next reader_next() */
    size_t n;
    uint64_t lineno;     /* 1-based */
    int overlong;        /* 1: the line exceeded READER_MAX_LINE; p is NULL */
};

/*
 * Open path for reading; "-" is standard input. On failure returns NULL
 * with err filled (BS_NOINPUT when it cannot be opened or is a directory,
 * BS_IOERR on a read error). Caller frees with reader_close().
 */
struct reader *reader_open(const char *path, int flags, struct bs_err *err);

/*
 * The next line. Returns 1 with *line filled, 0 at the end of the input,
 * -1 on an error (err filled: BS_DATAERR for a corrupt or truncated gzip
 * file, BS_IOERR for a read error). The lines before the damage are all
 * returned before the error is. A last line without "\n" is returned when
 * the input ends cleanly (but not with READER_HOLD_PARTIAL), and dropped
 * when it ends in damage. The line's bytes stay until the next line is
 * returned; after a call that returned 0 or -1, reader_last_line() says
 * where they are.
 */
int reader_next(struct reader *r, struct reader_line *line,
                struct bs_err *err);

/*
 * The last line reader_next() returned, where it is now (the reader
 * moves its buffer): valid until the next line is returned, even after
 * reader_next() returned 0 or -1. Returns 0 when no line was returned.
 */
int reader_last_line(const struct reader *r, struct reader_line *line);
/* The bytes from the start of the last line returned (its NULs skipped)
 * to the end of what the reader holds, into *p without moving: a look
 * ahead, valid until the next reader_next(). 0 after an overlong line. */
size_t reader_peek(const struct reader *r, const char **p);
/* Stop with an error (BS_DATAERR) past max_bytes decompressed bytes:
 * for endless inputs such as /dev/zero. 0: no limit. */
void reader_set_limit(struct reader *r, uint64_t max_bytes);
/* 1 for a plain regular file: reader_seek() and reader_pread() work. */
int reader_can_seek(const struct reader *r);
/* Go on from decompressed offset (just after a "\n"), counting lines from
 * lineno. Only when reader_can_seek(). */
int reader_seek(struct reader *r, uint64_t offset, uint64_t lineno,
                struct bs_err *err);
/* Read n bytes at offset without moving; returns the count, -1 on error. */
long reader_pread(struct reader *r, uint64_t offset, void *buf, size_t n,
                  struct bs_err *err);

/* The name given to reader_open(). */
const char *reader_name(const struct reader *r);
/* 1 when the input is gzip-compressed. */
int reader_is_gzip(const struct reader *r);
/* Decompressed bytes up to the end of the last line returned. */
uint64_t reader_offset(const struct reader *r);
/* Bytes read from the file so far (compressed, for gzip). */
uint64_t reader_bytes_read(const struct reader *r);
/* The size of the file when it is a regular file, else 0. */
uint64_t reader_file_size(const struct reader *r);

void reader_close(struct reader *r);

#endif
