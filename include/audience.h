/*
 * audience.h - the audience state of the open days, with one owner.
 *
 * A visitor is counted per day under that day's salt (visitor.h): the
 * keyed id of an address and a browser, hashed with a random salt of the
 * day, so that no id links two days. A day stays open (its salt and its
 * visitors' open visits kept in the store) while logs of it keep coming,
 * then closes: the salt and the visits go, and with them any link
 * between a day's visits.
 *
 * This module holds, for one ingest, the salts of the open days it read
 * and their visitors' visits (visits.h), loads a day from the store the
 * first time a view of it comes, writes back what changed, and closes
 * the days no ingest has read for two days. Every call but
 * audience_new()/audience_free() runs under the caller's commit lock,
 * in (or, for audience_close_days(), as) a store transaction.
 */
#ifndef BLOGSTAT_AUDIENCE_H
#define BLOGSTAT_AUDIENCE_H

#include "blogstat.h"

struct store;
struct audience;

/* Seconds a day stays open after the last ingest that read a line of it. */
#define AUDIENCE_DAY_OPEN_SECS (2 * 86400)
/*
 * Distinct visitors of a day whose visits are kept while it is open (some
 * 70 bytes each in memory). A further visitor is still counted in the
 * day's visitors (the sketches of agg.h), but each of its views counts as
 * a visit of its own, landing on its page: bounded memory for a day of
 * any number of clients, exact visits below it.
 */
#define AUDIENCE_OPEN_MAX (1u << 17)

/* The audience of store, read at now (Unix seconds). Caller frees with
 * audience_free(); store outlives it. */
struct audience *audience_new(struct store *store, int64_t now);
void audience_free(struct audience *a);

/*
 * A view of page (a path id) at second sec of day by visitor (the keyed
 * id of visitor.h, not yet salted), in the open transaction. The day's
 * salt and open visits are loaded (or a new salt made) on its first
 * view. delta(ctx, day, page, d) gets each change of the visits landing
 * on page (page 0: the day's visits), d being +1 or -1. 0, or -1 with
 * err.
 */
int audience_view(struct audience *a, int32_t day, int32_t sec,
                  uint64_t visitor, int64_t page,
                  void (*delta)(void *ctx, int32_t day, int64_t page, int d),
                  void *ctx, struct bs_err *err);

/*
 * Before the views of a transaction, on a store of several writers
 * (store_shared()): lock the open days of days[0..n) (ascending, so that
 * writers never wait for each other in a circle), and forget what memory
 * holds of those another writer changed since, so that their views meet
 * the visits every writer's views made. A no-op for a database file.
 * 0, or -1 with err.
 */
int audience_lock_days(struct audience *a, const int32_t *days, size_t n,
                       struct bs_err *err);

/* Write the open visits the views changed, and keep the days viewed open
 * two days more, in the open transaction: 0, or -1 with err. */
int audience_write(struct audience *a, struct bs_err *err);

/*
 * After the transaction: committed, what was written is clean; not, the
 * state in memory cannot be trusted and goes (the next view loads what
 * the store holds). Either way the days the last views did not touch
 * leave memory, so that memory follows the days in flight, not the
 * length of the logs.
 */
void audience_settle(struct audience *a, int committed);

/* Close the open days no ingest has read for AUDIENCE_DAY_OPEN_SECS, in
 * a transaction of its own: 0, or -1 with err. */
int audience_close_days(struct audience *a, struct bs_err *err);

#endif
