/*
 * visits.h - visits: a visitor's runs of views with gaps under 30 minutes,
 * each counted for the page it landed on.
 *
 * The state is each visitor's visits of the open days as intervals
 * (first and last view, landing page). A view joins the visit it falls
 * within 30 minutes of, may join two into one, or starts one; the
 * changes to the counts come out as deltas (a view earlier than a
 * visit's start moves its landing page). So the result does not depend
 * on the order the lines come in: two files of one day, read in either
 * order or at once, give the same visits.
 */
#ifndef BLOGSTAT_VISITS_H
#define BLOGSTAT_VISITS_H

#include "blogstat.h"

#define VISIT_GAP 1800           /* seconds: 30 minutes */
#define VISITS_MAX 256           /* visits of one visitor in one day */

struct visits;

struct visits *visits_new(void);
void visits_free(struct visits *v);

/* A visit as stored: its first and last view, its landing page. */
struct visit {
    int32_t start, end;
    int64_t landing;
};

/*
 * Load a visitor's visits of day (from the store, before its first view
 * of this run); replaces what is held for it.
 */
void visits_load(struct visits *v, int32_t day, uint64_t visitor,
                 const struct visit *iv, size_t n);

/* 1 when visits of (day, visitor) are held. */
int visits_has(const struct visits *v, int32_t day, uint64_t visitor);

/*
 * A view at second sec of day by visitor, of page (a path id). Calls
 * delta(ctx, day, page, d) for each change of the visits landing on page
 * (page 0: the day's visits), d being +1 or -1.
 */
void visits_view(struct visits *v, int32_t day, uint64_t visitor,
                 int32_t sec, int64_t page,
                 void (*delta)(void *ctx, int32_t day, int64_t page, int d),
                 void *ctx);
/* The same, only when visits of (day, visitor) are held already: 1, or 0
 * (nothing done) for a visitor new to the day. One lookup where
 * visits_has() and visits_view() take two. */
int visits_view_held(struct visits *v, int32_t day, uint64_t visitor,
                     int32_t sec, int64_t page,
                     void (*delta)(void *ctx, int32_t day, int64_t page,
                                   int d),
                     void *ctx);

/*
 * Each visitor changed since the last visits_clean(): fn gets its visits
 * to store. Returns what the last fn returned (0 to go on).
 */
int visits_each_dirty(struct visits *v,
                      int (*fn)(void *ctx, int32_t day, uint64_t visitor,
                                const struct visit *iv, size_t n),
                      void *ctx);
/*
 * The same, a set at a time: a day's visitors fall into sets by their
 * id >> shift, and each set that holds a visitor changed since the last
 * visits_clean() is given whole, every visitor of it held: begin(), then
 * person() for each, then end(). Returns the first nonzero
 * callback's value, else 0.
 */
struct visits_set_writer {
    int (*begin)(void *ctx, int32_t day, uint32_t set);
    int (*person)(void *ctx, uint64_t visitor, const struct visit *iv,
                  size_t n);
    int (*end)(void *ctx);
};
int visits_each_dirty_set(struct visits *v, unsigned shift,
                          const struct visits_set_writer *w, void *ctx);
void visits_clean(struct visits *v);
/* Forget every visitor of the days before `before` (closed days). */
void visits_forget(struct visits *v, int32_t before);
/* Forget every visitor of the days keep() returns 0 for (say, days whose
 * visits are written and that the last lines did not touch, so that
 * memory follows the days in flight, not the length of the logs). */
void visits_retain(struct visits *v, int (*keep)(void *ctx, int32_t day),
                   void *ctx);

#endif
