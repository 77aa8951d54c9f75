/*
 * agg.h - the counts of a chunk of lines, in memory hash tables, until
 * they are added to the store in one transaction.
 *
 * Keys are copied once per distinct key (not per line) into the tables.
 * agg_clear() forgets everything.
 *
 * Bounded whatever the lines: what traffic can name without end is
 * folded. A key that is neither a dated post's nor known is cut to
 * AGG_KEY_CAP bytes. A day's pages (every content kind but home and search) and its
 * tags and categories are let in up to AGG_FOLD_KEYS new keys each in a
 * chunk; the views of further new keys count under the key AGG_OTHER
 * (of kind URL_PAGE, or of their own kind for tags and categories), all
 * but the known keys (agg_set_known()), which are never folded. Referrer
 * hosts and search terms are cut to AGG_KEY_CAP bytes and kept in a
 * space-saving summary of AGG_FOLD_KEYS entries: a key is counted
 * exactly while it is in; an evicted one's views count under AGG_OTHER
 * (of its day, and for a referrer of its page and class), so totals stay
 * exact. Below those numbers nothing is folded. The store holds the same
 * bounds over a whole day, across chunks and runs (store.h).
 */
#ifndef BLOGSTAT_AGG_H
#define BLOGSTAT_AGG_H

#include "blogstat.h"
#include "classify.h"

struct agg;
struct strtab;

/* New keys a day, per group and chunk; distinct referrers and search
 * terms a chunk. */
#define AGG_FOLD_KEYS 4096
#define AGG_FOLD_KEYS_TEXT "4,096"
/* Bytes of a referrer host, search term or unknown page key (cut on a
 * UTF-8 boundary). */
#define AGG_KEY_CAP 200
/* The key the folded views count under. */
#define AGG_OTHER "(other)"
#define AGG_OTHER_LEN 7
/* Bytes an agg may hold before its chunk should end (agg_memory()). A
 * run holds about three times this at its peak (the chunk counted, the
 * chunk committed, and the commit's own state): 8 MiB keeps a log of a
 * million distinct pages over many days under 64 MiB. */
#define AGG_MEMORY_BUDGET (8u << 20)

struct agg *agg_new(void);
void agg_free(struct agg *a);
/*
 * The keys never folded: kind byte then key bytes, as agg_view() takes
 * them (imported posts and pages, their "/?p=ID" links, their tags and
 * categories). known is the caller's, read-only, and outlives the agg's
 * use of it; NULL: none.
 */
void agg_set_known(struct agg *a, const struct strtab *known);

/* A line that parsed (robot: 1 when its User-Agent is a robot's). */
void agg_hit(struct agg *a, int32_t day, int robot);
/* count bad lines filed under day. */
void agg_bad(struct agg *a, int32_t day, uint64_t count);
/*
 * A view of key (a struct url_class key) of kind (url_kind_is_content()),
 * from country ("XX" or "--"). Returns the id of the key it counts under
 * ((kind, key), or AGG_OTHER when folded) in this agg, valid until
 * agg_clear(), for agg_visitor_key() and agg_referrer_key().
 */
uint32_t agg_view(struct agg *a, int32_t day, enum url_kind kind,
                  const char *key, size_t n, const char *country);

/* Per-day totals. */
struct agg_day {
    int32_t day;
    uint64_t hits, views, robots, bad;
};

/*
 * Iterate over what was counted. Each callback returns 0 to go on or -1
 * to stop; the iteration returns what the last callback did. Order is
 * unspecified. Strings are owned by the agg and valid until agg_clear().
 */
int agg_each_day(const struct agg *a,
                 int (*fn)(void *ctx, const struct agg_day *d), void *ctx);
/* Views per day and page-like key (every content kind but tag/category). */
int agg_each_path(const struct agg *a,
                  int (*fn)(void *ctx, int32_t day, enum url_kind kind,
                            const char *key, size_t n, uint64_t views),
                  void *ctx);
/* Archive views per day and tag or category (kind URL_TAG/URL_CATEGORY). */
int agg_each_term(const struct agg *a,
                  int (*fn)(void *ctx, int32_t day, enum url_kind kind,
                            const char *name, size_t n, uint64_t views),
                  void *ctx);
/* Views per day and country. */
int agg_each_country(const struct agg *a,
                     int (*fn)(void *ctx, int32_t day, const char *country,
                               uint64_t views),
                     void *ctx);

/* Views per day, post (kinds post, page, postid) and country. */
int agg_each_post_country(const struct agg *a,
                          int (*fn)(void *ctx, int32_t day,
                                    enum url_kind kind, const char *key,
                                    size_t n, const char *country,
                                    uint64_t views),
                          void *ctx);

/* ---- the audience ---- */

enum agg_sketch { AGG_SKETCH_DAY, AGG_SKETCH_PATH, AGG_SKETCH_COUNTRY };

/*
 * The visitor of a view (the keyed id of visitor.h) at local second sec:
 * into the sketches of the day, of the page (posts and pages) and of the
 * country, and into the list of view events that visits are made of.
 */
void agg_visitor(struct agg *a, int32_t day, int32_t sec, uint64_t visitor,
                 enum url_kind kind, const char *key, size_t n,
                 const char *country);
/* The same, of the key whose id agg_view() returned (no second lookup of
 * its bytes: the hot path). */
void agg_visitor_key(struct agg *a, int32_t day, int32_t sec,
                     uint64_t visitor, uint32_t key, const char *country);
/* A view of key that came from host, of referrer class cls (host cut to
 * AGG_KEY_CAP bytes). */
void agg_referrer(struct agg *a, int32_t day, enum url_kind kind,
                  const char *key, size_t n, const char *cls,
                  const char *host, size_t host_n);
/* The same, of the key whose id agg_view() returned. */
void agg_referrer_key(struct agg *a, int32_t day, uint32_t key,
                      const char *cls, const char *host, size_t host_n);
/* A view that came from a search for term (cut to AGG_KEY_CAP bytes). */
void agg_search_term(struct agg *a, int32_t day, const char *term, size_t n);

struct agg_event {
    int32_t day, sec;
    uint64_t visitor;
    uint32_t key;              /* internal: the page */
};

/* Each sketch, serialized (sketch.h): key and kind for AGG_SKETCH_PATH,
 * country for AGG_SKETCH_COUNTRY. */
int agg_each_sketch(const struct agg *a,
                    int (*fn)(void *ctx, int32_t day, enum agg_sketch dim,
                              enum url_kind kind, const char *key, size_t n,
                              const char *country, const void *blob,
                              size_t blob_n),
                    void *ctx);
/* Each view event, in the order they came, with its page. */
int agg_each_event(const struct agg *a,
                   int (*fn)(void *ctx, const struct agg_event *e,
                             enum url_kind kind, const char *key, size_t n),
                   void *ctx);
int agg_each_referrer(const struct agg *a,
                      int (*fn)(void *ctx, int32_t day, enum url_kind kind,
                                const char *key, size_t n, const char *cls,
                                const char *host, size_t host_n,
                                uint64_t views),
                      void *ctx);
int agg_each_search_term(const struct agg *a,
                         int (*fn)(void *ctx, int32_t day, const char *term,
                                   size_t n, uint64_t views),
                         void *ctx);

/* The agg's counts by the other dimensions (dims.h): owned by the agg,
 * cleared with it. */
struct dims *agg_dims(const struct agg *a);

/* 1 when nothing has been counted since the last clear. */
int agg_empty(const struct agg *a);
void agg_clear(struct agg *a);
/* Bytes held, for the memory bound. */
size_t agg_memory(const struct agg *a);

#endif
