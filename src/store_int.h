/*
 * store_int.h - what the files of the SQLite store share, and nothing
 * outside them sees: the connection, its cache of prepared statements and
 * the calls that map SQLite's errors to blogstat's.
 *
 * store.c opens the database and owns the statement cache and the
 * transactions; store_schema.c creates and upgrades the schema;
 * store_write.c adds counts; store_query.c answers queries.
 */
#ifndef BLOGSTAT_STORE_INT_H
#define BLOGSTAT_STORE_INT_H

#include "blogstat.h"
#include "store.h"

#include <sqlite3.h>

/* The cached write statements (store.c holds their SQL): every write
 * goes through this one cache, prepared on first use, finalized by
 * store_close(). */
enum stmt_id {
    ST_DAY, ST_PATH_FIND, ST_PATH_ID, ST_PATH_VIEWS, ST_TERM_ID, ST_TERM_VIEWS,
    ST_COUNTRY_VIEWS, ST_SOURCE_FIND, ST_SOURCE_NEW, ST_SOURCE_PUT, ST_POST,
    ST_POST_TERMS_CLEAR, ST_POST_TERM, ST_POST_COUNTRY, ST_META_GET,
    ST_META_PUT, ST_META_DEL, ST_SITE_NEW, ST_SITE_FIND, ST_SALT_GET,
    ST_SALT_PUT, ST_SALT_TOUCH, ST_DAY_SKETCH, ST_PATH_SKETCH,
    ST_COUNTRY_SKETCH, ST_VISITS, ST_DAY_VISITS, ST_OPEN_LOAD, ST_OPEN_DEL,
    ST_OPEN_PUT, ST_CLOSE_VISITS, ST_CLOSE_SALTS, ST_COUNTRY_NAMES,
    ST_REFERRER, ST_TERM_SEARCH, ST_NSTMTS
};

/* A paths row the open transaction has asked for: its id, and the kind
 * the last ask gave it (store_write.c). */
struct path_row {
    int64_t id;
    enum url_kind kind;
};

struct store {
    sqlite3 *db;
    char *path;
    enum store_mode mode;
    int in_tx;
    sqlite3_stmt *stmt[ST_NSTMTS];
    /* The paths rows of the open transaction, by site and row name:
     * emptied when it ends (store_rows_forget()). */
    struct strtab *row_names;
    struct path_row *rows;
    size_t caprows;
    uint64_t query_steps;    /* SQLite VM steps of the queries run */
    struct store_fold *fold; /* the day bounds' state (store_fold.c) */
};

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
int store_fold_referrer(struct store *s, int64_t site, int32_t day,
                        int64_t path_id, const char *host, size_t n,
                        const char *cls, struct bs_err *err);
int store_fold_search(struct store *s, int64_t site, int32_t day,
                      const char *term, size_t n, struct bs_err *err);
int store_is_other(const char *key, size_t n);
void store_fold_forget(struct store *s);
void store_fold_free(struct store *s);

/* Forget the paths rows remembered (a transaction ended, or a write
 * changed rows behind the cache). */
void store_rows_forget(struct store *s);


/* Map an SQLite failure (rc) while doing what to an exit status and a
 * message naming the database: always -1. */
int store_fail(struct store *s, struct bs_err *err, int rc, const char *what);
/* Run SQL without results: 0, or -1 with err. */
int store_exec(struct store *s, const char *sql, const char *what,
               struct bs_err *err);
/* The one integer a pragma or query returns, -1 on error. */
int64_t store_pragma_int(struct store *s, const char *sql);
/* The cached statement id, reset and unbound: NULL with err. */
sqlite3_stmt *store_stmt(struct store *s, enum stmt_id id,
                         struct bs_err *err);
/* Step a statement that returns no row (or one id with RETURNING). */
int store_step(struct store *s, sqlite3_stmt *st, int64_t *id,
               struct bs_err *err);
/* The blob of st's first column, of exactly n bytes, into buf: 1 found,
 * 0 none, -1 error. */
int store_get_blob(struct store *s, sqlite3_stmt *st, void *buf, size_t n,
                   struct bs_err *err);

/* Create the schema or upgrade it to STORE_SCHEMA_VERSION (store_schema.c):
 * 0, or -1 with err. */
int store_schema_setup(struct store *s, struct bs_err *err);

#endif
