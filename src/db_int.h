/*
 * db_int.h - what db.c (the interface and SQLite) and db_pg.c (libpq)
 * share, and nothing else sees.
 */
#ifndef BLOGSTAT_DB_INT_H
#define BLOGSTAT_DB_INT_H

#include "db.h"

#include <sqlite3.h>

struct pg_db;
struct pg_stmt;

struct db {
    enum db_engine engine;
    sqlite3 *lite;             /* DB_SQLITE */
    struct pg_db *pg;          /* DB_POSTGRES */
};

struct db_stmt {
    struct db *d;
    sqlite3_stmt *lite;
    struct pg_stmt *pg;
};

/* db_pg.c: the same calls for a PostgreSQL connection. */
int pg_open(const char *uri, struct pg_db **out);
void pg_close(struct pg_db *p);
struct pg_conn *pg_conn(struct pg_db *p);
const char *pg_errmsg(struct pg_db *p);
const char *pg_sqlstate(struct pg_db *p);
int pg_errcode(struct pg_db *p);
int pg_exec(struct pg_db *p, const char *sql);
int pg_send(struct pg_stmt *st);
int pg_sync(struct pg_db *p);
int pg_copy_begin(struct pg_db *p, const char *sql);
int pg_copy_put(struct pg_db *p, const char *data, size_t n);
int pg_copy_end(struct pg_db *p, int rc);
int64_t pg_changes(struct pg_db *p);
int pg_prepare(struct pg_db *p, const char *sql, int persistent,
               struct pg_stmt **out);
void pg_finalize(struct pg_stmt *st);
void pg_reset(struct pg_stmt *st);
void pg_clear_bindings(struct pg_stmt *st);
int pg_step(struct pg_stmt *st);
int pg_bind_int64(struct pg_stmt *st, int i, int64_t v);
int pg_bind_bytes(struct pg_stmt *st, int i, const void *p, size_t n,
                  int blob);
int pg_bind_null(struct pg_stmt *st, int i);
int pg_param_count(struct pg_stmt *st);
int pg_column_count(struct pg_stmt *st);
int pg_column_type(struct pg_stmt *st, int i);
int64_t pg_column_int64(struct pg_stmt *st, int i);
const unsigned char *pg_column_text(struct pg_stmt *st, int i);
const void *pg_column_blob(struct pg_stmt *st, int i, int *n);
int pg_column_bytes(struct pg_stmt *st, int i);

#endif
