/*
 * commit.h - a chunk's counts into the database: every site's aggregates
 * (agg.h), the visits of its view events (audience.h) and the position
 * of the source they were read from, in one transaction, so that a run
 * killed at any moment resumes as before (source.h).
 *
 * Calling sequence, per worker:
 *
 *   struct committer *c = committer_new(db);
 *   ... count lines into committer_counting(c)[site] ...
 *   committer_start(c, src, err);   the chunk goes in on a thread of its
 *                                   own while the next is counted
 *   ... count ...
 *   committer_wait(c, src, err);    the chunk before is in (or failed)
 *   committer_commit(c, src, err);  the last chunk, here and now
 *   committer_free(c);
 *
 * Chunks of one worker are committed one at a time and in order, each
 * with its own position, and only while the database still holds the
 * position the chunk's read started from (store_put_source()): a second
 * writer of the same log, under another name of the database or on a
 * file system whose locks do not hold, fails with BS_TEMPFAIL rather
 * than count its lines twice. A failed commit leaves nothing: the transaction
 * is rolled back and the chunk's counts are dropped (the database stays
 * at the commit before it).
 */
#ifndef BLOGSTAT_COMMIT_H
#define BLOGSTAT_COMMIT_H

#include "blogstat.h"

#include <pthread.h>

struct agg;
struct audience;
struct source_head;
struct source_keys;
struct store;
struct store_source;

/* What the commits of one run share. */
struct commit_db {
    pthread_mutex_t lock;          /* the commit lock: store and audience */
    struct store *store;           /* under lock */
    struct audience *audience;     /* under lock */
    const int64_t *site_ids;       /* read-only: the database id of each
                                      of the config's sites */
    size_t nsites;                 /* read-only */
    uint64_t key_check;            /* read-only: the visitor key's
                                      check (store_key_check()), 0: none */
};

/*
 * Commit aggs[0..db->nsites) (the counts of each site) and src's position
 * in one transaction, under the commit lock. src->id is set when src is
 * new. The aggs are cleared either way. 0, or -1 with err.
 */
int commit_chunk(struct commit_db *db, struct agg *const *aggs,
                 struct store_source *src, struct bs_err *err);

/* Claim the log of claim for this run in the database (store_claim()),
 * under the commit lock (wait: until the other holder lets it go, the
 * lock free meanwhile): 1, 0 held by another, -1 error. _release lets
 * it go. */
int commit_claim(struct commit_db *db, const char *claim, int wait,
                 struct bs_err *err);
void commit_release(struct commit_db *db, const char *claim);

/* The source of the log of head h (source_find()), under the commit
 * lock: 1 found, 0 none (src is a new source of h), -1 error. */
int commit_find_source(struct commit_db *db, const struct source_keys *k,
                       const struct source_head *h, struct store_source *src,
                       struct bs_err *err);

/* One worker's chunks: the one being counted, and the one before it
 * being committed. */
struct committer;

struct committer *committer_new(struct commit_db *db);
/* Waits for a chunk being committed (its error is dropped). */
void committer_free(struct committer *c);
/* The aggs the chunk is counted into, one a site; they change with each
 * start. */
struct agg *const *committer_counting(const struct committer *c);
/* Commit the chunk counted so far, with src's position, on a thread
 * while the next chunk is counted (after the chunk before is in): 0, or
 * -1 with err when the chunk before failed (that chunk is then dropped,
 * as is the one counted, when it could not be written either). */
int committer_start(struct committer *c, struct store_source *src,
                    struct bs_err *err);
/* Wait for the chunk being committed: 0 (src learns its row's id from
 * a first commit), or -1 with err when it failed. */
int committer_wait(struct committer *c, struct store_source *src,
                   struct bs_err *err);
/* Commit the chunk counted so far, with src, here: 0, or -1 with err. */
int committer_commit(struct committer *c, struct store_source *src,
                     struct bs_err *err);
/* Drop the chunk counted so far (its counts are not committed). */
void committer_drop(struct committer *c);

#endif
