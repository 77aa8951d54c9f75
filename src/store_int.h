/*
 * store_int.h - what the files of the store share, and nothing outside
 * them sees: the connection (db.h: SQLite or PostgreSQL), its cache of
 * prepared statements and the calls that map the engine's errors to
 * blogstat's.
 *
 * store.c opens the database and owns the statement cache and the
 * transactions; store_schema.c creates and upgrades the schema;
 * store_write.c adds counts; store_batch.c writes the rows of the tables
 * of many rows; store_query.c answers queries.
 */
#ifndef BLOGSTAT_STORE_INT_H
#define BLOGSTAT_STORE_INT_H

#include "blogstat.h"
#include "store.h"

#include "db.h"
#include "dims.h"

/* The cached write statements (store.c holds their SQL): every write
 * but those of batched tables (store_batch.c) goes through this cache,
 * prepared on first use, finalized by store_close(). */
enum stmt_id {
    ST_DAY, ST_PATH_FIND, ST_PATH_ID, ST_TERM_ID, ST_SOURCE_FIND,
    ST_SOURCE_NEW, ST_SOURCE_PUT, ST_POST,
    ST_POST_TERMS_CLEAR, ST_POST_TERM, ST_META_GET, ST_META_PUT, ST_META_DEL,
    ST_SITE_NEW, ST_SITE_FIND, ST_SALT_GET, ST_SALT_PUT, ST_SALT_TOUCH,
    ST_DAY_SKETCH, ST_DAY_VISITS, ST_DAY_FIND, ST_OPEN_LOAD, ST_CLOSE_VISITS,
    ST_CLOSE_SALTS, ST_COUNTRY_NAMES, ST_TERM_SEARCH, ST_DIM_ADD,
    ST_DIM_SKETCH, ST_TERM_TITLE, ST_OPEN_SET_GET, ST_OPEN_SET_PUT,
    ST_OPEN_SET_DEL, ST_OPEN_SET_ADD, ST_NSTMTS
};

/* The tables whose rows a transaction gathers and writes sorted, many a
 * statement (store_batch.c), and the most columns of one. */
enum batch_id {
    B_PATH_VIEWS, B_VISITS, B_POST_COUNTRY, B_PATH_SKETCH, B_COUNTRY_SKETCH,
    B_REFERRER, B_COUNTRY_VIEWS, B_TERM_VIEWS, B_NBATCHES
};
#define BATCH_COLS 6

/* One value of a row to write: an integer, or bytes the store copies. */
enum store_bv_type { STORE_BV_NULL, STORE_BV_INT, STORE_BV_TEXT,
                     STORE_BV_BLOB };
struct store_bval {
    enum store_bv_type type;
    int64_t i;
    const void *p;
    size_t len;
};

/* A paths row the open transaction has asked for: its id, and the kind
 * the last ask gave it (store_write.c). */
struct path_row {
    int64_t id;
    enum url_kind kind;
};

struct store {
    struct db *db;
    char *path;
    enum store_mode mode;
    int in_tx;
    struct db_stmt *stmt[ST_NSTMTS];
    /* The paths rows asked for, by site and row name, and the terms by
     * site, taxonomy and name: kept from one committed transaction to
     * the next (a row's id never changes once committed), emptied by a
     * rollback and by the writes that change rows behind them
     * (store_rows_forget()), and when they grow past a bound. */
    struct strtab *row_names;
    struct path_row *rows;
    size_t caprows;
    struct strtab *term_names;
    int64_t *term_ids;
    size_t capterms;
    uint64_t query_steps;    /* SQLite VM steps of the queries run */
    struct store_fold *fold; /* the day bounds' state (store_fold.c) */
    /* The rows waiting to be written (store_batch.c), and how many and
     * how many bytes over all tables. */
    struct store_batch *batch[B_NBATCHES];
    size_t batch_rows, batch_bytes;
    /* The open visits set being written (store_open.c). */
    unsigned char *open_buf;
    size_t open_n, open_cap;
    int32_t open_day;
    uint32_t open_set;
    /* PostgreSQL: the (site, day)s the open transaction counts: 2 when
     * the database held nothing of it when it began, 1 else
     * (store_write.c). */
    struct cntmap *days_seen;
};

/*
 * The rows of batched tables (store_batch.c). _add: a row of table id,
 * its values in the order of the table's columns there, written as how
 * says, kept until the next flush inside a transaction, else
 * written at once: 0, or -1 with err. _flush: every waiting row written,
 * sorted by its table's key: 0, or -1 with err (the rows are dropped
 * either way); every read of these tables through the connection comes
 * after one. _drop: the waiting rows forgotten (a rollback); _free: the
 * store closes.
 */
enum store_row {
    STORE_ROW_UPSERT,          /* added to the row of its key, or new */
    STORE_ROW_NEW              /* an upsert whose key the table is known
                                  not to hold: PostgreSQL copies it in */
};
int store_batch_add(struct store *s, enum batch_id id,
                    const struct store_bval *v, enum store_row how,
                    struct bs_err *err);
int store_batch_flush(struct store *s, struct bs_err *err);
void store_batch_drop(struct store *s);
/* A transaction begins or ends: the keys it copied in are forgotten. */
void store_batch_tx_end(struct store *s);
void store_batch_free(struct store *s);

/*
 * The day bounds (store_fold.c): whether a key written for day counts
 * under its own name (1) or under "(other)" (0), -1 with err: a view of
 * (kind, key), a referrer of path_id, a search term; each new key of the
 * day takes one of its group's places. _forget: a transaction ended;
 * _free: the store closes.
 */
int store_fold_view(struct store *s, int64_t site, int32_t day,
                    enum url_kind kind, const char *key, size_t n,
                    struct bs_err *err);
/* store_fold_view(), and when the key is folded, *kind, *key and *n
 * rewritten to the day's "(other)" of its group (a tag's or category's
 * for those, a page's for the rest): 0, or -1 with err. */
int store_fold_key(struct store *s, int64_t site, int32_t day,
                   enum url_kind *kind, const char **key, size_t *n,
                   struct bs_err *err);
/* The post id a "/?p=ID" link names. */
int64_t store_link_id(const char *key, size_t n);
int store_fold_referrer(struct store *s, int64_t site, int32_t day,
                        int64_t path_id, const char *host, size_t n,
                        const char *cls, struct bs_err *err);
int store_fold_search(struct store *s, int64_t site, int32_t day,
                      const char *term, size_t n, struct bs_err *err);
int store_is_other(const char *key, size_t n);
void store_fold_forget(struct store *s);
void store_fold_free(struct store *s);

/* A visitor sketch (sketch.h) as the engine stores it: checked, and
 * converted (into *owned, the caller frees it) when the engine keeps the
 * other format; *blob and *n then name the converted bytes. 0, or -1
 * with err. */
int store_sketch_value(struct store *s, const void **blob, size_t *n,
                       unsigned char **owned, struct bs_err *err);
/* A dimension's key (dims.h) written for r's day counts under its own
 * name (1) or under "(other)" (0), as store_fold_view(); -1 with err. */
int store_fold_dim(struct store *s, int64_t site, const struct dim_row *r,
                   struct bs_err *err);

/* Forget the paths and terms rows remembered and the day bounds' state
 * (a rollback, or a write changed rows behind the cache). */
void store_rows_forget(struct store *s);
/* A transaction begins or commits: the day bounds' state forgotten, the
 * rows remembered kept (all forgotten past their bound). */
void store_rows_keep(struct store *s);


/* Map an SQLite failure (rc) while doing what to an exit status and a
 * message naming the database: always -1. */
int store_fail(struct store *s, struct bs_err *err, int rc, const char *what);
/* Run SQL without results: 0, or -1 with err. */
int store_exec(struct store *s, const char *sql, const char *what,
               struct bs_err *err);
/* The one integer a pragma or query returns, -1 on error. */
int64_t store_pragma_int(struct store *s, const char *sql);
/* The cached statement id, reset and unbound: NULL with err. */
struct db_stmt *store_stmt(struct store *s, enum stmt_id id,
                         struct bs_err *err);
/* Step a statement that returns no row (or one id with RETURNING). */
int store_step(struct store *s, struct db_stmt *st, int64_t *id,
               struct bs_err *err);
/* Run a write whose result nobody reads: in a transaction it is sent
 * (db_send(): a failure may come from the next statement that reads, or
 * the commit), else stepped. 0, or -1 with err. */
int store_put(struct store *s, struct db_stmt *st, struct bs_err *err);
/* The blob of st's first column, of exactly n bytes, into buf: 1 found,
 * 0 none, -1 error. */
int store_get_blob(struct store *s, struct db_stmt *st, void *buf, size_t n,
                   struct bs_err *err);

/* PostgreSQL (store_pg.c): connect to uri and create or check the
 * schema: 0, or -1 with err. */
int store_pg_open(struct store *s, const char *uri, struct bs_err *err);
/* Begin a write transaction on PostgreSQL: 0, or -1 with err. */
int store_pg_begin(struct store *s, struct bs_err *err);
/* The SQL of a cached statement on PostgreSQL, when it is not SQLite's. */
const char *store_pg_stmt_sql(enum stmt_id id);

/* A set's blob of open visits (store_open.c): fn for each visit, a
 * visitor's one after another. 0 done, 1 when fn stopped it (returned
 * nonzero), -1 a damaged blob. */
int store_open_decode(const unsigned char *b, size_t n,
                      int (*fn)(void *ctx, int64_t visitor,
                                const struct visit *v),
                      void *ctx);
/* Schema 10's open_visits rows into sets, and the table dropped: 0, or
 * -1 with err. */
int store_open_upgrade(struct store *s, struct bs_err *err);

/* Create the schema or upgrade it to STORE_SCHEMA_VERSION (store_schema.c):
 * 0, or -1 with err. */
int store_schema_setup(struct store *s, struct bs_err *err);

/* A JSON array of ids or rows being written, for statements that take
 * a list (?N bound to the text): appended text, or a number after
 * before (store_query.c). The caller frees p. */
struct store_jbuf {
    char *p;
    size_t n, cap;
};
void store_jb_add(struct store_jbuf *b, const char *text);
void store_jb_int(struct store_jbuf *b, const char *before, int64_t v);

/* The elements of the JSON array ?N as j(value), an element as an id,
 * and the i-th of an element that is an array, in SQLite's words and in
 * PostgreSQL's. */
#define J_EACH_LITE(n) "json_each(?" #n ") j"
#define J_ID_LITE "j.value"
#define J_AT_LITE(i) "json_extract(j.value, '$[" #i "]')"
#define J_EACH_PG(n) "jsonb_array_elements(CAST(?" #n " AS jsonb)) j(value)"
#define J_ID_PG "CAST(j.value AS bigint)"
#define J_AT_PG(i) "CAST(j.value->>" #i " AS bigint)"

#endif
