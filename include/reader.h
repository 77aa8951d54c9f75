/*
 * reader.h - stream the lines of an access log, gzip or plain.
 *
 * gzip is recognised by its magic bytes, never by the file name, and may
 * hold several members (as `cat a.gz b.gz` makes).
 *
 * A gzip member's CRC and length come after its data. Its lines come in
 * pieces of at most a megabyte (decompressed), and a piece never spans
 * two members: the lines of a member's last piece are returned after its
 * check, those of its earlier pieces (a member over a megabyte) before.
 * The first line of such a member is marked READER_UNCHECKED; the line
 * that ends a member that checked out, READER_MEMBER_END. When a member
 * turns out damaged, the piece where the damage shows gives no line,
 * reading goes on at the next member header after the damage, and the
 * next line is marked READER_AFTER_DAMAGE; with READER_DROP too (or at
 * the end, reader_tail_damaged()) when the damaged member had given
 * lines before its damage showed: those since the last READER_UNCHECKED
 * line, the caller's to drop. The damage is the error at the end. Bytes
 * after the last member that are no gzip data are ignored, with a note
 * (reader_end_note()), as gzip -dc ignores them.
 *
 * Lines are returned
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
#define READER_HOLD_PARTIAL 1   /* a last line without "\n" is being
                                 * written: leave it for next time; and a
                                 * gzip file cut short that changed in the
                                 * last hour is being written too */

/* struct reader_line's gz flags */
#define READER_MEMBER_END 1     /* the line ends a gzip member whose CRC
                                 * and length checked out */
#define READER_AFTER_DAMAGE 2   /* a damaged member was skipped before the
                                 * line (reader_damage_note()) */
#define READER_DROP 4           /* with READER_AFTER_DAMAGE: the lines
                                 * since the last READER_UNCHECKED one came
                                 * from the damaged member */
#define READER_UNCHECKED 8      /* the line begins a gzip member whose
                                 * lines come before its check */

struct reader_line {
    const char *p;       /* borrowed: valid until the next reader_next() */
    size_t n;
    uint64_t lineno;     /* 1-based */
    int overlong;        /* 1: the line exceeded READER_MAX_LINE; p is NULL */
    int gz;              /* gzip: READER_MEMBER_END and the others */
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
 * file, BS_IOERR for a read error). The lines are all returned before
 * the error is (those of damaged gzip members as said above).
 *
 * A gzip file that ends inside a member is read as far as it goes (the
 * member cannot be checked: its CRC is not there yet). Opened with
 * READER_HOLD_PARTIAL and modified within the last hour, it is a file
 * still being written: the input ends cleanly (0), a half-written last
 * line held back, and reader_end_note() says so. Otherwise it is
 * truncated: BS_DATAERR after its complete lines.
 *
 * A last line without "\n" is returned when the input ends cleanly (but
 * not with READER_HOLD_PARTIAL), and dropped when it ends in an error.
 * The line's bytes stay until the next line is returned; after a call
 * that returned 0 or -1, reader_last_line() says where they are.
 */
int reader_next(struct reader *r, struct reader_line *line,
                struct bs_err *err);

/* The warning for the damage skipped before the line marked
 * READER_AFTER_DAMAGE (the first, when there were several in a row):
 * the file, the member and its byte offset, and what was wrong. Valid
 * until the next reader_next(). */
const char *reader_damage_note(const struct reader *r);
/* After reader_next() returned 0 or -1: 1 when damage was skipped after
 * the last line returned, and the lines since the last READER_UNCHECKED
 * line came from the damaged member (as READER_DROP says). */
int reader_tail_damaged(const struct reader *r);
/*
 * After reader_next() returned 0: NULL when the input ended cleanly, or
 * a note naming the file (valid until reader_close()) on what its end
 * left unread: with *growing 1 (growing may be NULL), a gzip file still
 * being written, whose last lines come on a later run; with 0, bytes
 * after the last gzip member that are no gzip data, ignored.
 */
const char *reader_end_note(const struct reader *r, int *growing);

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
