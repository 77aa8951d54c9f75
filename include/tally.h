/*
 * tally.h - what a counted line adds to the reader's other dimensions
 * (dims.h): a robot's hit under its name, a view's hour, campaign,
 * browser, system and device, a feed's fetch and subscribers, a missing
 * page. Runs on every line: allocates nothing per line; its scratch
 * space is its own, so each counting thread needs one.
 */
#ifndef BLOGSTAT_TALLY_H
#define BLOGSTAT_TALLY_H

#include "blogstat.h"
#include "classify.h"
#include "dims.h"
#include "parser.h"

struct tally;

struct ua_families;

struct tally *tally_new(void);
/* The same, its User-Agent parser numbering answers in families (uagent.h),
 * shared with the parsers of other tallies (not freed by it). */
struct tally *tally_new_shared(struct ua_families *families);
void tally_free(struct tally *t);

/* A hit of robot id (robots.h), on day. Returns 1 when the robot is a
 * feed reader (its fetches of feeds count, tally_feed()), else 0. */
int tally_robot(struct tally *t, struct dims *d, int32_t day, int robot);
/* 1 when robot id is a feed reader's, else 0 (what tally_robot()
 * returns, nothing counted). */
int tally_feed_reader(const struct tally *t, int robot);
/* A view of rec by visitor (visitor.h): its hour, its campaign, and
 * (when the log has User-Agents) its browser, system and device. */
void tally_view(struct tally *t, struct dims *d, const struct logrec *rec,
                uint64_t visitor);
/* The family number (uagent.h) of rec's User-Agent, UA_FAMILY_NONE for
 * none: work a judge can do (ingest_judge()) for tally_view_family(). */
uint32_t tally_family(struct tally *t, const struct logrec *rec);
/* tally_view() of a view whose User-Agent's family is known (from a
 * tally of the same families, or UA_FAMILY_NONE: read here). */
void tally_view_family(struct tally *t, struct dims *d,
                       const struct logrec *rec, uint64_t visitor,
                       uint32_t family);
/* A fetch of the feed cls (URL_FEED, its key) by a person or a feed
 * reader. Returns the key whose sketch the fetcher's visitor goes into
 * (dims_visitor()) when it is one client among the feed's others, or
 * UINT32_MAX when it reported its subscribers (no visitor to count: the
 * caller need not make one). */
uint32_t tally_feed(struct tally *t, struct dims *d, const struct logrec *rec,
                    const struct url_class *cls);
/* A GET of a page that answered 404 (not a robot's), classified as cls:
 * its decoded path, unless a scanner's probe, with ref's host (ref NULL
 * or REF_NONE: none). A post id's link is missing under its key, "/?p=N"
 * or "/?page_id=N": its path alone is the home page's. */
void tally_missing(struct tally *t, struct dims *d, const struct logrec *rec,
                   const struct url_class *cls, const struct ref_info *ref);

#endif
