/*
 * source.h - exactly once: a log is known by the fingerprint of its first
 * line, not its name, and how far it was read (the position after the
 * last line counted, with a check of that line) is committed with the
 * counts of the lines before it. So a rotated, renamed, compressed,
 * grown or interrupted log is read on from where it stopped, never twice.
 *
 * The record of a source is struct store_source (store.h): this module
 * computes what goes in it and checks an input against it; the commit
 * writes it (commit.h).
 *
 * Between the workers of one run, a fingerprint is claimed while it is
 * read (source_claim()), so that the .1 and the .1.gz of one log given
 * at once are read one after the other, the second from where the first
 * stopped.
 */
#ifndef BLOGSTAT_SOURCE_H
#define BLOGSTAT_SOURCE_H

#include "blogstat.h"
#include "reader.h"
#include "store.h"

/* A fingerprint or a line check in hex, with its NUL. */
#define SOURCE_HASH_LEN 40

/* The fingerprint of a log: two independent 64-bit hashes of its first
 * line, in hex. */
void source_fingerprint(const struct reader_line *first,
                        char out[SOURCE_HASH_LEN]);
/* The check of the line that ends a read: a hash of it as the reader
 * returns it (no newline, no "\r", no leading NULs). */
void source_line_check(const char *p, size_t n, char out[SOURCE_HASH_LEN]);

/* Where src stands after the last line counted, line, which took the
 * bytes [start, end) of the input. */
void source_mark(struct store_source *src, const struct reader_line *line,
                 uint64_t start, uint64_t end);

/* 1 when src is a gzip file read whole before and r is that same file
 * again (gzip, the same size): nothing to read, not even to check. */
int source_done(const struct store_source *src, const struct reader *r);

/* 1 when a read left src as it was found (was): nothing to commit, so
 * that running twice leaves the database as it was. */
int source_unchanged(const struct store_source *was,
                     const struct store_source *src);

enum source_resume {
    SOURCE_RESUME_AT,          /* the reader is where src stopped */
    SOURCE_RESUME_NOTHING,     /* the input is a prefix of what was read */
    SOURCE_RESUME_CONFLICT     /* it begins like src but differs later */
};

/*
 * Put the reader r, whose first line is in *line, where src stopped,
 * checking that the line ending there is the one read: a plain file
 * seeks after reading that line back; a stream (gzip, stdin) reads up
 * to there (*line is then the last line read). Returns an enum
 * source_resume, or -1 with err on a read error.
 */
int source_resume(struct reader *r, const struct store_source *src,
                  struct reader_line *line, struct bs_err *err);

/* The fingerprints the workers of one run are reading. */
struct source_claims;

struct source_claims *source_claims_new(void);
void source_claims_free(struct source_claims *c);
/* Claim fingerprint fp: wait while another worker holds it. */
void source_claim(struct source_claims *c, const char *fp);
/* 1 when fp is claimed now (for tests and checks). */
int source_claimed(struct source_claims *c, const char *fp);
/* Give fp back: a worker waiting for it goes on. */
void source_release(struct source_claims *c, const char *fp);

#endif
