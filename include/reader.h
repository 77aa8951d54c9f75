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
struct reader *reader_open(const char *path, struct bs_err *err);

/*
 * The next line. Returns 1 with *line filled, 0 at the end of the input,
 * -1 on an error (err filled: BS_DATAERR for a corrupt or truncated gzip
 * file, BS_IOERR for a read error). The lines before the damage are all
 * returned before the error is. A last line without "\n" is returned when
 * the input ends cleanly, and dropped when it ends in damage.
 */
int reader_next(struct reader *r, struct reader_line *line,
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
