/*
 * store.h - the SQLite database: daily aggregates written in large
 * transactions with prepared statements, and the queries behind `top`
 * and `status`. The schema is described in doc/schema.md.
 */
#ifndef BLOGSTAT_STORE_H
#define BLOGSTAT_STORE_H

#include "blogstat.h"
#include "classify.h"
#include "visits.h"
#include "dims.h"

#define STORE_SCHEMA_VERSION 11

enum store_mode {
    STORE_READ,     /* queries only; the database must exist */
    STORE_WRITE     /* created (mode 0600 under the umask) when missing */
};

struct store;

/*
 * Open the database at path. Errors: BS_NOINPUT (read mode, missing or
 * unreadable), BS_IOERR (cannot create or write), BS_DATAERR (not a
 * blogstat database, or a newer schema), BS_TEMPFAIL (locked).
 * Caller frees with store_close().
 */
struct store *store_open(const char *path, enum store_mode mode,
                         struct bs_err *err);
void store_close(struct store *s);
/* A --db as messages show it (malloc'ed): a libpq URI without its
 * password, a path as it is. */
char *store_uri_shown(const char *db);
/* How long a statement waits for another connection's lock before it
 * fails with BS_TEMPFAIL (store_open sets 5,000 ms). */
void store_set_busy_timeout(struct store *s, int ms);
/* An ingest's connection: each statement's journal (its changed pages,
 * to undo it alone inside the transaction) kept in memory rather than a
 * temporary file. An ingest's statements are a batch of rows or a day's,
 * and on disk their journals would be a third of its writes (a log of
 * many readers); other commands (a migration, a copy) keep the default,
 * whose statements may change a whole table. 0 (also on PostgreSQL,
 * where there is nothing to do), -1 when SQLite kept them on disk. */
int store_journal_in_memory(struct store *s);
/* A new, empty database at the older schema version (1 to
 * STORE_SCHEMA_VERSION), for tests of upgrades: 0, or -1 with err. */
int store_create_at_version(const char *path, int version,
                            struct bs_err *err);

/* One write transaction around the store_add_*() calls. */
int store_begin(struct store *s, struct bs_err *err);
int store_commit(struct store *s, struct bs_err *err);
void store_rollback(struct store *s);

/*
 * Sites: the counts of a log holding several virtual hosts are kept per
 * site (conf.h). A site is a row of its own, known by its name; site 0 is
 * "default", the only one of a single-site blog. Paths and tags belong to
 * one site; the calls below that count by day, or that name a path or
 * tag, say which site with its id.
 */
#define STORE_SITE_DEFAULT 0
#define STORE_SITE_NAME_MAX 64
/* The id of the site name: 1 found (or created, when create), 0 none,
 * -1 error. */
int store_site_id(struct store *s, const char *name, int create,
                  int64_t *id, struct bs_err *err);

/*
 * Add to the counts (upserts). kind is a content kind (classify.h).
 *
 * Bounded per day: a day's pages (of every kind but home and search),
 * its tags and categories, its referrers and its search terms each take
 * at most AGG_FOLD_KEYS keys that traffic can make; once a day holds
 * that many, a further new key's counts go to "(other)" of its group (a
 * page of kind URL_PAGE, a tag or category of its taxonomy, a referrer
 * host of its page and class, a search term). Imported posts and pages,
 * "/?p=ID" links to them, and the terms imported posts carry are never
 * folded.
 */
int store_add_day(struct store *s, int64_t site, int32_t day, uint64_t hits,
                  uint64_t views, uint64_t robots, uint64_t bad,
                  struct bs_err *err);
int store_add_path_views(struct store *s, int64_t site, int32_t day,
                         enum url_kind kind, const char *path, size_t n,
                         uint64_t views, struct bs_err *err);
/* taxonomy is URL_TAG or URL_CATEGORY. */
int store_add_term_views(struct store *s, int64_t site, int32_t day,
                         enum url_kind taxonomy, const char *name, size_t n,
                         uint64_t views, struct bs_err *err);
int store_add_country_views(struct store *s, int64_t site, int32_t day,
                            const char *country, uint64_t views,
                            struct bs_err *err);
/* Views of one post (URL_POST, URL_PAGE or URL_POSTID) from one
 * country. */
int store_add_post_country_views(struct store *s, int64_t site, int32_t day,
                                 enum url_kind kind, const char *path,
                                 size_t n, const char *country,
                                 uint64_t views, struct bs_err *err);

/*
 * A source: a log's content, known by the fingerprint of its beginning
 * (source.h), and how far it has been read. Written in the transaction of
 * the counts it adds (exactly once, whatever a kill -9 interrupts).
 */
struct store_source {
    int64_t id;                /* 0: not stored yet */
    char fingerprint[40];
    int head_len;              /* the bytes of its beginning the fingerprint
                                  covers; -1: an unkeyed fingerprint of its
                                  first line (an earlier blogstat's) */
    char name[512];            /* the name it was last read under */
    int gzip;
    uint64_t size;             /* bytes of the file (compressed) */
    uint64_t position;         /* decompressed bytes read, after a "\n" */
    uint64_t last_len;         /* the line ending there, "\n" included */
    char last_hash[40];        /* its check */
    uint64_t lines, bad_lines, hits;
    uint64_t pending_bad;      /* bad lines before the first good one */
    int has_last_day;
    int32_t last_day;          /* of the last good line: bad lines' day */
    int has_days;
    int32_t first_day, max_day;
    int complete;              /* a gzip file read to its clean end */
    char error[512];           /* why it stopped short, or "" */
    /* Not columns: how the record stands against the database. */
    uint64_t stored_position;  /* the position the database held when
                                  the record was read or last written */
    int rekey;                 /* fingerprint or head_len differ from the
                                  stored ones: to write even when nothing
                                  else changed */
};

/*
 * Claim a log (by its claim, source.h) for this connection while it is
 * read: 1 claimed, 0 another connection holds it, -1 with err. A
 * database file is locked whole for an ingest (dbfiles.h), so there
 * every claim succeeds; on PostgreSQL, where several servers count into
 * one database at once, a claim is a session advisory lock, dropped by
 * store_release() or when the connection ends (a killed ingest too).
 */
int store_claim(struct store *s, const char *claim, struct bs_err *err);
void store_release(struct store *s, const char *claim);

/* Look a source up by its fingerprint: 1 found (filled), 0 none, -1
 * error. */
int store_find_source(struct store *s, const char *fingerprint,
                      struct store_source *src, struct bs_err *err);
/*
 * Insert (id 0, which is then set) or update a source, in the open
 * transaction, only if the database still holds it where the record was
 * read (stored_position; a new one: no row of its fingerprint). Returns
 * 0 (stored_position is then position, rekey 0), or -1 with err: the
 * store's failure, or BS_TEMPFAIL when another writer advanced it (the
 * caller rolls back).
 */
int store_put_source(struct store *s, struct store_source *src,
                     struct bs_err *err);
/* The distinct head_len of the sources, under max, into lens[0..cap):
 * how many (at most cap), or -1 with err. */
int store_source_head_lens(struct store *s, int max, int *lens, int cap,
                           struct bs_err *err);

/* A post or page as `import` describes it. */
struct store_post {
    const char *path;        /* canonical, as the classifier makes it */
    enum url_kind kind;      /* URL_POST or URL_PAGE */
    const char *title;
    int has_published;
    int32_t published;       /* day */
    int64_t post_id;         /* WordPress ID, 0 when none */
    const char *const *tags; /* decoded slugs */
    size_t ntags;
    const char *const *categories;
    size_t ncategories;
    /* NULL, or each tag's and category's name as the import wrote it
     * ("" none): kept on the term, never erased by an import without */
    const char *const *tag_titles;
    const char *const *category_titles;
    int has_tags;            /* replace the post's tags with these */
    int has_categories;      /* replace its categories with these */
};
/*
 * Add or update a post: its title, date, id and kind, and (when has_tags,
 * has_categories) its tags and categories, which replace those of an
 * earlier import. Its views (also those counted before) are untouched.
 */
int store_put_post(struct store *s, int64_t site, const struct store_post *p,
                   struct bs_err *err);

/* ---- the audience (visitors, visits, referrers) ---- */

/*
 * The id of the page key of kind (a path, or a tag's or category's name,
 * as struct url_class keys them), created with kind when new. Within a
 * transaction the store remembers the ids it gave, so asking again for
 * the same page and kind costs no query.
 */
int store_path_id(struct store *s, int64_t site, enum url_kind kind,
                  const char *path, size_t n, int64_t *id, struct bs_err *err);
/* The same, of a view of day: the id the day's views of the key count
 * under ("(other)" of its group when the day folded it). */
int store_view_path_id(struct store *s, int64_t site, int32_t day,
                       enum url_kind kind, const char *path, size_t n,
                       int64_t *id, struct bs_err *err);
/*
 * The keys of site that traffic cannot make (imported posts and pages,
 * the "/?p=ID" links to them, the tags and categories of imported posts)
 * through fn, as struct url_class keys them; fn returns 0 to go on. 0,
 * or -1 with err.
 */
int store_each_known(struct store *s, int64_t site,
                     int (*fn)(void *ctx, enum url_kind kind,
                               const char *key, size_t n),
                     void *ctx, struct bs_err *err);
/* Put every imported post of from (every site), with its tags and
 * categories, into to, whose sites have from's ids: the keys to never
 * fold in a scratch store. 0, or -1 with err. */
int store_copy_posts(struct store *from, struct store *to,
                     struct bs_err *err);
/*
 * In the open transaction: the visitor key the counts are made under is
 * the database's, known by check (visitor_key_check()), which the first
 * commit stores. 0, or -1 with err (BS_DATAERR) when the database was
 * counted under another key: a node given a key of its own would count
 * every reader again.
 */
int store_key_check(struct store *s, uint64_t check, struct bs_err *err);
/* A named secret of exactly n bytes: 1 found, 0 none, -1 error. */
int store_meta_get(struct store *s, const char *key, void *buf, size_t n,
                   struct bs_err *err);
int store_meta_put(struct store *s, const char *key, const void *buf,
                   size_t n, struct bs_err *err);
int store_meta_delete(struct store *s, const char *key, struct bs_err *err);
/*
 * The newest line read for a site (STORE_SITE_ALL: for any): its time in
 * Unix seconds and its offset from UTC in minutes, the zone its log is
 * written in (when the newest day is still being written). _get: 1
 * found, 0 none, -1 error. _put keeps what is there when it is as new.
 */
int store_newest_line_get(struct store *s, int64_t site, int64_t *utc,
                          int *tz_min, struct bs_err *err);
int store_newest_line_put(struct store *s, int64_t site, int64_t utc,
                          int tz_min, struct bs_err *err);
/* 1 when some day has visitors, 0 when none. */
int store_has_visitors(struct store *s);
/* The salt of an open day: 1 found, 0 none (the day is new or closed). */
int store_salt_get(struct store *s, int32_t day, void *salt, size_t n,
                   struct bs_err *err);
/* A new open day's salt, touched at now (Unix seconds). When another
 * writer made the day's salt first, salt becomes that one. */
int store_salt_put(struct store *s, int32_t day, void *salt, size_t n,
                   int64_t now, struct bs_err *err);
/*
 * Several writers at once (PostgreSQL: every node of a site counts into
 * one database) take turns on an open day: store_salt_lock() locks the
 * day's salt until the transaction ends, making it from salt when there
 * is none, and gives the salt the database holds (into salt) and its
 * version, the
 * number of commits that changed its open visits; store_salt_bump()
 * counts one more. A writer whose version of a day is behind loads the
 * day's open visits again (audience.c). 1 and *version, or -1 with err.
 * store_shared() is 0 for a database file, whose one writer holds its
 * lock (dbfiles.h): nothing to lock there, the calls are not made.
 */
int store_shared(const struct store *s);
int store_salt_lock(struct store *s, int32_t day, void *salt, size_t n,
                    int64_t now, int64_t *version, struct bs_err *err);
int store_salt_bump(struct store *s, int32_t day, int64_t *version,
                    struct bs_err *err);
/* Lines of an open day were read at now: it stays open two days more. */
int store_salt_touch(struct store *s, int32_t day, int64_t now,
                     struct bs_err *err);

enum store_sketch { STORE_SKETCH_DAY, STORE_SKETCH_PATH, STORE_SKETCH_COUNTRY };
/* Merge a serialized sketch (sketch.h) into the site's day's, the path's
 * (by id) or the site's country's ("XX") sketch of that day. */
int store_add_sketch(struct store *s, int64_t site, enum store_sketch dim,
                     int32_t day, int64_t path_id, const char *country,
                     const void *blob, size_t n, struct bs_err *err);
/* Add delta (it may be negative) to the visits landing on path_id that
 * day, or to the site's day's visits with path_id 0. */
int store_add_visits(struct store *s, int64_t site, int32_t day,
                     int64_t path_id, int64_t delta, struct bs_err *err);

/* Every open visit of day (visits.h: first and last view in local
 * seconds of the day, landing page as a path id), a visitor's (a salted
 * id) one after another, by start. */
int store_open_visits_load(struct store *s, int32_t day,
                           int (*fn)(void *ctx, int64_t visitor,
                                     const struct visit *v),
                           void *ctx, struct bs_err *err);
/* Replace a visitor's open visits of day with v[0..n), n at most
 * STORE_OPEN_VISITS_MAX (0: none): a read and a write of its set, for a
 * visitor or two (a copy, a test). */
#define STORE_OPEN_VISITS_MAX 256
int store_open_visits_put(struct store *s, int32_t day, int64_t visitor,
                          const struct visit *v, size_t n,
                          struct bs_err *err);
/* Open visits v[0..n) added to the visitor's, at the end of its set:
 * for copies of a day, which come by visitor (a visitor's records stay
 * one after another). */
int store_open_visits_append(struct store *s, int32_t day, int64_t visitor,
                             const struct visit *v, size_t n,
                             struct bs_err *err);
/*
 * A day's open visits are kept in STORE_OPEN_SETS sets of visitors, a
 * visitor's set the top bits of its id. A writer that holds a day whole
 * (audience.c) rewrites each set it changed: _set_begin(), then each
 * visitor of the set with _set_visitor(), then _set_end(), which writes
 * it (a set of no visits goes): 0, or -1 with err.
 */
#define STORE_OPEN_SET_BITS 6
#define STORE_OPEN_SETS (1u << STORE_OPEN_SET_BITS)
static inline uint32_t store_open_set_of(int64_t visitor)
{
    return (uint32_t)((uint64_t)visitor >> (64 - STORE_OPEN_SET_BITS));
}
void store_open_set_begin(struct store *s, int32_t day, uint32_t set);
void store_open_set_visitor(struct store *s, int64_t visitor,
                            const struct visit *v, size_t n);
int store_open_set_end(struct store *s, struct bs_err *err);
/* Close the open days last touched before touched_before (Unix seconds):
 * their salts and open visits go. */
int store_close_days(struct store *s, int64_t touched_before,
                     struct bs_err *err);

/* Views of path_id that came from host, of class ("search", "social",
 * "other", "internal"), and search terms. */
int store_add_referrer(struct store *s, int64_t site, int32_t day,
                       int64_t path_id, const char *host, size_t host_n,
                       const char *cls, uint64_t views, struct bs_err *err);
int store_add_search_term(struct store *s, int64_t site, int32_t day,
                          const char *term, size_t n, uint64_t views,
                          struct bs_err *err);

/* 1 when the country names are loaded. */
int store_has_country_names(struct store *s);
/* Load names from the text of iso-codes' iso_3166-1.json. */
int store_load_country_names(struct store *s, const char *json, size_t n,
                             struct bs_err *err);

/* ---- queries ---- */

/*
 * Queries are typed: each calls fn once per row of its own struct, best
 * first (days and files: oldest first), until fn returns nonzero; the
 * strings of a row live until fn returns. Each returns 0, or -1 with err.
 * Days are day numbers (days_from_civil()). Kinds of posts and of terms
 * are enum url_kind, classes of referrers enum ref_class.
 */

/* The first and last day with data of a site (STORE_SITE_ALL: of any):
 * 1, or 0 for none. */
#define STORE_SITE_ALL (-1)
int store_day_span(struct store *s, int64_t site, int32_t *first,
                   int32_t *last, struct bs_err *err);

struct store_filter {
    int32_t from, to;        /* days, inclusive */
    int64_t limit;           /* 0: all rows */
    enum url_kind kind;      /* posts: URL_POST or URL_PAGE alone;
                              * URL_OTHER (0): both */
    int64_t path_id;         /* store_post_*(): the post (a post row's id) */
    int64_t site;            /* the site (store_site_id()), 0: default */
};

/* A post or page and its readers in the range. Its views include those
 * of "/?p=ID" links to it when it was imported with that ID. */
struct store_post_row {
    int64_t id;              /* the path's id, for store_post_*() */
    const char *path;
    const char *title;       /* "" when not imported */
    int64_t views;
    int64_t visitors;        /* distinct in the range */
    int64_t visits;          /* that landed on it */
};
/*
 * The work the queries below have done on s so far, in SQLite's virtual
 * machine steps: a measure that does not depend on the machine, for
 * tests that a query's work grows with what it reads, not faster.
 */
uint64_t store_query_steps(const struct store *s);

/*
 * For tests of the queries' plans: while t is set, t->fn(t->arg, sql) is
 * called with the text of each statement s runs (as prepared, parameters
 * unbound); NULL stops. t must outlive the tracing.
 */
struct store_trace {
    void (*fn)(void *arg, const char *sql);
    void *arg;
};
void store_trace(struct store *s, const struct store_trace *t);
/* SQLite's EXPLAIN QUERY PLAN of sql on s: fn(arg, id, parent, detail)
 * for each line of the plan. 0, or -1 with err. */
int store_explain(struct store *s, const char *sql,
                  void (*fn)(void *arg, int id, int parent,
                             const char *detail),
                  void *arg, struct bs_err *err);

/* Most read first; filter kind. The first rows come from the all-time
 * totals where those rule the other posts out, else (and for every row,
 * limit 0) from store_top_posts_scan(). */
int store_top_posts(struct store *s, const struct store_filter *f,
                    int (*fn)(void *ctx, const struct store_post_row *row),
                    void *ctx, struct bs_err *err);
/* Least read first, with the imported posts that had no view
 * (store_top_posts_scan() with least). */
int store_least_posts(struct store *s, const struct store_filter *f,
                      int (*fn)(void *ctx, const struct store_post_row *row),
                      void *ctx, struct bs_err *err);
/* Every post of the range ranked (least: least read first, imported
 * posts without a view among them), each table read once in its key
 * order and the sums kept in memory (a slot, path and title per post and
 * page of the site): time linear in the posts and rows of the range. */
int store_top_posts_scan(struct store *s, const struct store_filter *f,
                         int least,
                         int (*fn)(void *ctx,
                                   const struct store_post_row *row),
                         void *ctx, struct bs_err *err);
/* The rows of store_top_posts() and store_least_posts() by one SQL
 * statement that joins the range's rows post by post: the reference the
 * tests hold both to. */
int store_top_posts_read(struct store *s, const struct store_filter *f,
                         int (*fn)(void *ctx,
                                   const struct store_post_row *row),
                         void *ctx, struct bs_err *err);
int store_least_posts_read(struct store *s, const struct store_filter *f,
                           int (*fn)(void *ctx,
                                     const struct store_post_row *row),
                           void *ctx, struct bs_err *err);

/* A tag or category: the views of the posts carrying it now, of its own
 * archive pages, and its posts' distinct readers. */
struct store_term_row {
    const char *name;        /* the slug, as its archive's URL has it */
    const char *title;       /* its name as an import gave it, "" none */
    int64_t post_views, archive_views;
    int64_t visitors;
};
/* taxonomy: URL_TAG or URL_CATEGORY. */
int store_top_terms(struct store *s, const struct store_filter *f,
                    enum url_kind taxonomy,
                    int (*fn)(void *ctx, const struct store_term_row *row),
                    void *ctx, struct bs_err *err);

struct store_country_row {
    const char *code;        /* "SE"; "--" for unknown */
    const char *name;        /* "Sweden", "Unknown", or "" */
    int64_t views;
    int64_t visitors;        /* -1 from store_post_countries() */
};
int store_top_countries(struct store *s, const struct store_filter *f,
                        int (*fn)(void *ctx,
                                  const struct store_country_row *row),
                        void *ctx, struct bs_err *err);

/* A day of the site with data; oldest first. */
struct store_day_row {
    int32_t day;
    int64_t views, hits, robots, bad;
    int64_t visitors, visits;
};
int store_days(struct store *s, const struct store_filter *f,
               int (*fn)(void *ctx, const struct store_day_row *row),
               void *ctx, struct bs_err *err);
/* store_days() without the visitors (0): their count costs each day's
 * sketch read and counted, which a sum of views or hits does not need. */
int store_day_counts(struct store *s, const struct store_filter *f,
                     int (*fn)(void *ctx, const struct store_day_row *row),
                     void *ctx, struct bs_err *err);

/* The distinct visitors and the visits of a range. */
struct store_audience {
    int64_t visitors, visits;
};
int store_range(struct store *s, const struct store_filter *f,
                struct store_audience *out, struct bs_err *err);

/* Views that came from a referring host; the site's own links are left
 * out of store_top_referrers(). */
struct store_referrer_row {
    const char *host;
    enum ref_class cls;
    int64_t views;
};
int store_top_referrers(struct store *s, const struct store_filter *f,
                        int (*fn)(void *ctx,
                                  const struct store_referrer_row *row),
                        void *ctx, struct bs_err *err);

/*
 * The reader's other dimensions (dims.h), written and ranked.
 *
 * store_add_dim(): r's count added to its row of site (the larger kept
 * for dim_is_max()), its sketch, when it has one, unioned into the key's
 * visitors of the day; a key new to a day that holds dim_cap() keys of
 * the dimension counts under "(other)". 0, or -1 with err.
 */
int store_add_dim(struct store *s, int64_t site, const struct dim_row *r,
                  struct bs_err *err);

/* A ranked row of a dimension over the filter's days and site. */
struct store_dim_row {
    const char *k[3];        /* the key's parts ("" when unused); for
                              * DIM_MISSING k[1] is the host that linked
                              * most often, for DIM_FEED k[0] the feed */
    int64_t n;               /* hits (robots, missing), views, fetches */
    int64_t visitors;        /* browsers, systems, devices; -1: not kept */
    int64_t subscribers;     /* feeds: of the range's last day with data */
    int weekday;             /* DIM_HOUR: 0 Monday .. 6 Sunday */
};
/*
 * The rows of dimension dim, most first (DIM_HOUR: by weekday and hour;
 * DIM_FEED: by subscribers, then fetches), at most f->limit of them
 * (0: all). DIM_FEED_SUBS is read through DIM_FEED. 0, or -1 with err.
 */
int store_top_dim(struct store *s, const struct store_filter *f,
                  enum dim dim,
                  int (*fn)(void *ctx, const struct store_dim_row *row),
                  void *ctx, struct bs_err *err);
/* The subscribers of feed on each day of the filter's range it was
 * fetched, oldest first (as store_top_dim() counts them for a day). 0,
 * or -1 with err. */
int store_feed_days(struct store *s, const struct store_filter *f,
                    const char *feed,
                    int (*fn)(void *ctx, int32_t day, int64_t subscribers),
                    void *ctx, struct bs_err *err);

/*
 * Trending (doc/counting.md "Trending"): the posts and pages whose views
 * in the 7 days ending with f->to are well above their usual week, the
 * median of the 4 weeks before (those the site has data for, the most
 * recent first; a post's week without a view counts as 0): at least
 * STORE_TREND_MIN views, at least twice the usual, and above it by 3
 * times its square root (of 1, when less). Highest change first (a post
 * with a usual of 0 first of all), at most f->limit (0: all). No week
 * before known: no row. f->from is not read. 0, or -1 with err.
 */
#define STORE_TREND_MIN 10
struct store_trend_row {
    const char *path;
    const char *title;       /* "" when not imported */
    int64_t views;           /* of the last 7 days */
    int64_t usual;           /* the median week before, rounded half up */
};
int store_top_trending(struct store *s, const struct store_filter *f,
                       int (*fn)(void *ctx,
                                 const struct store_trend_row *row),
                       void *ctx, struct bs_err *err);
/* A post's life: each imported post's (and page's, with a publishing
 * date) views of each day from its publishing to the day to, as its age
 * in days (0 the day it was published). 0, or -1 with err. */
int store_post_ages(struct store *s, int64_t site, int32_t to,
                    int (*fn)(void *ctx, int64_t path_id, int32_t published,
                              int32_t age, int64_t views),
                    void *ctx, struct bs_err *err);
/* The posts and pages ranked by their views in their first days days,
 * of those whose first days are all in the data (published on or after
 * the site's first day, and days old by f->to), most first, at most
 * f->limit (0: all); visitors and visits -1 (not counted). 0, or -1
 * with err. */
int store_top_first_days(struct store *s, const struct store_filter *f,
                         int32_t days,
                         int (*fn)(void *ctx,
                                   const struct store_post_row *row),
                         void *ctx, struct bs_err *err);
/* The rule, for its tests: the usual week of n (1 to 4), and whether
 * views rise above it. */
int64_t store_trend_usual(const int64_t *weeks, int n);
int store_trend_rising(int64_t views, int64_t usual);

struct store_search_row {
    const char *term;
    int64_t views;
};
int store_top_search_terms(struct store *s, const struct store_filter *f,
                           int (*fn)(void *ctx,
                                     const struct store_search_row *row),
                           void *ctx, struct bs_err *err);

/* The views of the range by class of referrer, REF_INTERNAL too (views
 * with none are the days' views less these). */
struct store_source_row {
    enum ref_class cls;
    int64_t views;
};
int store_sources(struct store *s, const struct store_filter *f,
                  int (*fn)(void *ctx, const struct store_source_row *row),
                  void *ctx, struct bs_err *err);

/* A log the store has read from, in the order they were first read, of
 * those whose days meet the range. */
enum store_file_state {
    STORE_FILE_COMPLETE = 1, /* a gzip file read to its clean end */
    STORE_FILE_OPEN,         /* it may grow */
    STORE_FILE_ERROR         /* stopped by an error */
};
struct store_file_row {
    const char *name;        /* the name it was last read under */
    const char *error;       /* "" when none */
    const char *last_read;   /* when, as SQLite's datetime() writes it */
    int64_t lines, bad_lines, hits;
    int gzip;
    int64_t size;            /* bytes on disk (compressed for gzip) */
    int64_t position;        /* bytes read, decompressed */
    enum store_file_state state;
    int has_days;            /* a line of it had a date: */
    int32_t first_day, last_day;   /* the days of its lines */
};
int store_files(struct store *s, const struct store_filter *f,
                int (*fn)(void *ctx, const struct store_file_row *row),
                void *ctx, struct bs_err *err);

/* Every site (filter site unused), those with views of the range first,
 * then the default one, then by name. */
struct store_site_row {
    int64_t id;
    const char *name;
    int64_t views, visitors, hits;
};
int store_sites(struct store *s, const struct store_filter *f,
                int (*fn)(void *ctx, const struct store_site_row *row),
                void *ctx, struct bs_err *err);

/*
 * Of one post (filter path_id), its "/?p=ID" views included.
 */
struct store_post_info {
    const char *path, *title;    /* title "" when not imported */
    enum url_kind kind;          /* URL_POST, URL_PAGE, ... */
    int has_published;
    int32_t published;           /* day */
};
/* fn is called once when the post exists (the range must not be empty). */
int store_post_info(struct store *s, const struct store_filter *f,
                    int (*fn)(void *ctx, const struct store_post_info *row),
                    void *ctx, struct bs_err *err);
/* Its days with views, oldest first. */
struct store_post_day_row {
    int32_t day;
    int64_t views, visitors;
    int64_t visits;              /* that landed on it */
};
int store_post_days(struct store *s, const struct store_filter *f,
                    int (*fn)(void *ctx,
                              const struct store_post_day_row *row),
                    void *ctx, struct bs_err *err);
/* Its views by country (visitors -1). */
int store_post_countries(struct store *s, const struct store_filter *f,
                         int (*fn)(void *ctx,
                                   const struct store_country_row *row),
                         void *ctx, struct bs_err *err);
/* Its tags (taxonomy URL_TAG) first, then its categories, by name; the
 * range must not be empty. */
struct store_post_term_row {
    enum url_kind taxonomy;
    const char *name;
    const char *title;       /* as an import gave it, "" none */
};
int store_post_terms(struct store *s, const struct store_filter *f,
                     int (*fn)(void *ctx,
                               const struct store_post_term_row *row),
                     void *ctx, struct bs_err *err);
/* Its distinct visitors and the visits that landed on it. */
int store_post_range(struct store *s, const struct store_filter *f,
                     struct store_audience *out, struct bs_err *err);
/* Its referring hosts. */
int store_post_referrers(struct store *s, const struct store_filter *f,
                         int (*fn)(void *ctx,
                                   const struct store_referrer_row *row),
                         void *ctx, struct bs_err *err);

/* Totals for `status`. */
struct store_totals {
    int64_t files;           /* sources */
    int64_t lines, bad_lines, hits, views, robots;
    int64_t excluded;        /* lines of [site] exclude addresses */
    int64_t db_bytes;        /* pages in use, in bytes (PostgreSQL: the
                              * database's size on disk) */
};
int store_totals(struct store *s, struct store_totals *t, struct bs_err *err);

/* Fingerprints of the counts of site's days from[i]..to[i] (i < n) and
 * of its imported posts, into fp[i]: a report of a range whose
 * fingerprint is the one of its last writing shows the same. The tables
 * are read once for all the ranges. 0, or -1 with err. */
int store_fingerprints(struct store *s, int64_t site, const int32_t *from,
                       const int32_t *to, size_t n, uint64_t *fp,
                       struct bs_err *err);

/* ---- a day's rows, to count a day again (recount.h) ---- */

/*
 * Every row a day has, of every site, as an item the write API takes
 * back: sites by name, pages by kind and key (a path, or a tag's or
 * category's name), never by row id, so that the items of one store
 * can be added to another whose ids differ.
 */
enum store_item_table {
    STORE_ITEM_DAY,            /* n[0..4]: hits, views, robots, bad lines,
                                  visits */
    STORE_ITEM_PATH_VIEWS,     /* kind, key: n[0] views */
    STORE_ITEM_TERM_VIEWS,     /* kind (the taxonomy), key: n[0] views */
    STORE_ITEM_COUNTRY_VIEWS,  /* country: n[0] views */
    STORE_ITEM_POST_COUNTRY,   /* kind, key, country: n[0] views */
    STORE_ITEM_DAY_SKETCH,     /* blob */
    STORE_ITEM_PATH_SKETCH,    /* kind, key, blob */
    STORE_ITEM_COUNTRY_SKETCH, /* country, blob */
    STORE_ITEM_VISITS,         /* kind, key: n[0] visits landing there */
    STORE_ITEM_REFERRER,       /* kind, key, host, cls: n[0] views */
    STORE_ITEM_SEARCH_TERM,    /* key (the term): n[0] views */
    STORE_ITEM_DIM,            /* dim, part[0..2]: n[0] its count */
    STORE_ITEM_DIM_SKETCH,     /* dim, part[0..2], blob */
    STORE_ITEM_OPEN_VISIT,     /* kind, key (its landing page): n[0] the
                                  salted visitor, n[1] first and n[2] last
                                  view (visits.h) */
    STORE_ITEM_NTABLES
};
struct store_item {
    enum store_item_table table;
    const char *site;          /* the site's name */
    enum url_kind kind;
    const char *key;           /* not NUL-terminated: key_n bytes */
    size_t key_n;
    char country[3];           /* "SE", "--" */
    const char *host, *cls;    /* a referrer's */
    int64_t n[5];
    const void *blob;          /* a serialized sketch (sketch.h) */
    size_t blob_n;
    enum dim dim;              /* a dimension's (dims.h) */
    struct slice part[3];
};
/* Call fn with each item of day, table by table (open visits by visitor,
 * then by start), until fn returns nonzero; an item's strings live until
 * fn returns. 0, or -1 with err. */
int store_day_items(struct store *s, int32_t day,
                    int (*fn)(void *ctx, const struct store_item *it),
                    void *ctx, struct bs_err *err);
/* Add an item (from store_day_items() of another store) to day, its site
 * and page made when new: 0, or -1 with err. */
int store_put_item(struct store *s, int32_t day, const struct store_item *it,
                   struct bs_err *err);
/* Delete every row of day, of every site, its open visits included (not
 * its salt), in the open transaction: 0, or -1 with err. */
int store_day_clear(struct store *s, int32_t day, struct bs_err *err);
/* Add the site name with the id another store gave it, in a store that
 * has neither yet: 0, or -1 with err. */
int store_site_put(struct store *s, int64_t id, const char *name,
                   struct bs_err *err);
/* Every source with a fingerprint, oldest first, until fn returns
 * nonzero: 0, or -1 with err. */
int store_each_source(struct store *s,
                      int (*fn)(void *ctx, const struct store_source *src),
                      void *ctx, struct bs_err *err);
/* Every day from..to with a row in days, of any site, oldest first. */
int store_each_day(struct store *s, int32_t from, int32_t to,
                   int (*fn)(void *ctx, int32_t day), void *ctx,
                   struct bs_err *err);

/* ---- a whole database into another (copy.h) ---- */

/* The database as messages name it: its path, or its URI without the
 * password. It lives as long as s. */
const char *store_name(const struct store *s);

/* A transaction of reads only that sees one state of s throughout, what
 * other connections commit meanwhile left out; store_rollback() ends it.
 * 0, or -1 with err. */
int store_begin_read(struct store *s, struct bs_err *err);
/* 1 when s holds nothing but what every new database holds (the default
 * site, country names), 0 when it holds more (*table, when not NULL,
 * names a table with rows), -1 with err. */
int store_is_empty(struct store *s, const char **table, struct bs_err *err);
/* Every site of from but the default one into to, with its id, in to's
 * open transaction; to holds no site but the default one. *n: how many.
 * 0, or -1 with err. */
int store_copy_sites(struct store *from, struct store *to, uint64_t *n,
                     struct bs_err *err);
/* The tables that name no row of another, copied whole. */
enum store_copy_table {
    STORE_COPY_SOURCES,        /* the logs read (new ids, in order) */
    STORE_COPY_SALTS,          /* the open days' salts, and when touched */
    STORE_COPY_META,           /* named values (the newest lines); never
                                  an earlier blogstat's visitor key */
    STORE_COPY_COUNTRY_NAMES,  /* added to, or replacing, to's */
    STORE_COPY_NTABLES
};
/* Every row of table t of from into to's open transaction, each value of
 * the type it has (blobs stay blobs between the engines); *n: how many.
 * 0, or -1 with err (a row to has already: a failed constraint). */
int store_copy_rows(struct store *from, struct store *to,
                    enum store_copy_table t, uint64_t *n,
                    struct bs_err *err);
/* Every open day's salt (n bytes) and when it was touched, oldest day
 * first, until fn returns nonzero: 0, or -1 with err. */
int store_each_salt(struct store *s,
                    int (*fn)(void *ctx, int32_t day, const void *salt,
                              size_t n, int64_t touched),
                    void *ctx, struct bs_err *err);

#endif
