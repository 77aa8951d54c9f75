/*
 * source.h - exactly once: a log is known by the fingerprint of its
 * beginning, not its name, and how far it was read (the position after
 * the last line counted, with a check of that line) is committed with the
 * counts of the lines before it. So a rotated, renamed, compressed,
 * grown or interrupted log is read on from where it stopped, never twice.
 *
 * The fingerprint covers the first SOURCE_HEAD_MAX bytes of the log
 * (decompressed, from its first line on), or all it holds when it is
 * shorter, and the site it is read for (--site): two sites' logs that
 * begin alike, or a request sent to both right after rotation, are two
 * logs. A log first seen shorter is stored with the length covered
 * (head_len) and found again, grown, by the fingerprint of as many of its
 * first bytes; its fingerprint then grows with it.
 *
 * Fingerprints and line checks are keyed hashes (BLAKE2b, libsodium)
 * under the database's secret key (dbfiles.h): the database alone cannot
 * tell whether a guessed line is in a log. The unkeyed first-line
 * fingerprints and checks of an earlier blogstat are still recognised,
 * once: the source is written back keyed the first time its log is seen.
 *
 * The record of a source is struct store_source (store.h): this module
 * computes what goes in it and checks an input against it; the commit
 * writes it (commit.h).
 *
 * Between the workers of one run, a log is claimed while it is read
 * (source_claim(), by its first line), so that the .1 and the .1.gz of
 * one log given at once are read one after the other, the second from
 * where the first stopped.
 */
#ifndef BLOGSTAT_SOURCE_H
#define BLOGSTAT_SOURCE_H

#include "blogstat.h"
#include "reader.h"
#include "store.h"
#include "visitor.h"

/* A fingerprint or a line check in hex, with its NUL. */
#define SOURCE_HASH_LEN 40

/* The bytes of a log's beginning its fingerprint covers, at most. */
#define SOURCE_HEAD_MAX 1024

/* What fingerprints and checks are keyed with; borrowed. */
struct source_keys {
    const unsigned char *key;  /* the database's, VISITOR_KEY_BYTES */
    const char *site;          /* the --site NAME, or NULL: by host */
};

/* The beginning of an open log. */
struct source_head {
    char bytes[SOURCE_HEAD_MAX];
    int n;                             /* of bytes */
    char fingerprint[SOURCE_HASH_LEN]; /* keyed, of site and bytes[0..n) */
    char legacy[SOURCE_HASH_LEN];      /* an earlier blogstat's: unkeyed,
                                          of the first line */
    char claim[SOURCE_HASH_LEN];       /* what workers claim: keyed, of
                                          site and the first line */
};

/* The fingerprint of a log, under k, whose first n bytes are p[0..n),
 * n at most SOURCE_HEAD_MAX. */
void source_fingerprint(const struct source_keys *k, const char *p,
                        size_t n, char out[SOURCE_HASH_LEN]);
/* The head of the log r, whose first line (just returned) is first. */
void source_head(const struct source_keys *k, const struct reader *r,
                 const struct reader_line *first, struct source_head *h);
/* The head of the log at path: 0, or -1 when it cannot be read or has no
 * whole line. */
int source_head_of(const struct source_keys *k, const char *path,
                   struct source_head *h);

/* 1 when the log of head h is src's: its fingerprint over src's
 * head_len first bytes (or, for an earlier blogstat's source, its first
 * line) is src's. */
int source_head_matches(const struct source_keys *k,
                        const struct source_head *h,
                        const struct store_source *src);

/*
 * The source of the log of head h in store s: 1 found (src filled, its
 * fingerprint and head_len set to h's, rekey when they differ from the
 * stored ones), 0 none (src cleared to a new source of h), -1 with err.
 * Found by h's fingerprint, else by the fingerprint of as many bytes as a
 * source first seen shorter covers, else by an earlier blogstat's.
 */
int source_find(struct store *s, const struct source_keys *k,
                const struct source_head *h, struct store_source *src,
                struct bs_err *err);

/* The check of the line that ends a read: a keyed hash of it as the
 * reader returns it (no newline, no "\r", no leading NULs). */
void source_line_check(const struct source_keys *k, const char *p, size_t n,
                       char out[SOURCE_HASH_LEN]);

/* Where src stands after the last line counted, line, which took the
 * bytes [start, end) of the input. */
void source_mark(const struct source_keys *k, struct store_source *src,
                 const struct reader_line *line, uint64_t start,
                 uint64_t end);

/* 1 when src is a gzip file read whole before and r is that same file
 * again (gzip, the same size): nothing to read, not even to check. */
int source_done(const struct store_source *src, const struct reader *r);

/* 1 when a read left src as it was found (was), its fingerprint too:
 * nothing to commit, so that running twice leaves the database as it
 * was. */
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
int source_resume(const struct source_keys *k, struct reader *r,
                  const struct store_source *src, struct reader_line *line,
                  struct bs_err *err);

/* 1 when the log at path holds what src read: a line of src's check
 * ends at its position. */
int source_holds(const struct source_keys *k, const char *path,
                 const struct store_source *src);

/* The fingerprints the workers of one run are reading. */
struct source_claims;

struct source_claims *source_claims_new(void);
void source_claims_free(struct source_claims *c);
/* Claim fp (a head's claim): wait while another worker holds it. */
void source_claim(struct source_claims *c, const char *fp);
/* 1 when fp is claimed now (for tests and checks). */
int source_claimed(struct source_claims *c, const char *fp);
/* Give fp back: a worker waiting for it goes on. */
void source_release(struct source_claims *c, const char *fp);

#endif
