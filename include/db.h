/*
 * db.h - the SQL connection under the store: one interface over SQLite
 * (a file) and PostgreSQL (libpq, a connection URI), so that the store's
 * logic and the SQL both engines understand are written once.
 *
 * The calls follow SQLite's statement model, which libpq's is mapped
 * onto: prepare a statement with numbered parameters (?1, ?2, ...),
 * bind them, step through its rows, read columns, reset it to run again.
 * Result codes are SQLite's primary codes (DB_ROW is SQLITE_ROW); a
 * PostgreSQL error is given the code of the SQLite error it means
 * (a serialization failure or deadlock is DB_BUSY, a full disk DB_FULL,
 * a lost connection DB_IOERR).
 *
 * Strings and blobs bound are not copied: they must stay as they are
 * until the statement is stepped, reset or bound again. A column's text
 * or blob lives until the next step, reset or finalize of its statement.
 * A connection and its statements belong to one thread at a time.
 */
#ifndef BLOGSTAT_DB_H
#define BLOGSTAT_DB_H

#include <stddef.h>
#include <stdint.h>

#define DB_OK 0
#define DB_ERROR 1
#define DB_BUSY 5
#define DB_LOCKED 6
#define DB_NOMEM 7
#define DB_READONLY 8
#define DB_IOERR 10
#define DB_CORRUPT 11
#define DB_FULL 13
#define DB_CANTOPEN 14
#define DB_CONSTRAINT 19
#define DB_NOTADB 26
#define DB_ROW 100
#define DB_DONE 101

/* Column types. */
#define DB_INTEGER 1
#define DB_FLOAT 2
#define DB_TEXT 3
#define DB_BLOB 4
#define DB_NULL 5

enum db_engine { DB_SQLITE, DB_POSTGRES };

struct db;
struct db_stmt;

/* Whether a --db names a PostgreSQL database (a libpq URI). */
int db_is_uri(const char *name);

/* Open a SQLite file with sqlite3_open_v2()'s flags: DB_OK, or a code
 * (*out is then a connection that holds the message, or NULL). */
int db_open_sqlite(const char *path, int flags, struct db **out);
/* Connect to PostgreSQL: DB_OK, or DB_CANTOPEN with the message kept in
 * *out (a connection to close). */
int db_open_pg(const char *uri, struct db **out);
void db_close(struct db *d);
enum db_engine db_engine(const struct db *d);
/* The SQLite handle (NULL for PostgreSQL): for what only SQLite has
 * (functions, pragmas, tracing). */
struct sqlite3 *db_sqlite(struct db *d);
/* The libpq connection (NULL for SQLite). */
struct pg_conn *db_pg(struct db *d);

/* The last error's message, and for PostgreSQL its SQLSTATE ("" else). */
const char *db_errmsg(struct db *d);
const char *db_sqlstate(struct db *d);
/* A code's own words, for when there is no connection. */
const char *db_errstr(int rc);
int db_errcode(struct db *d);

/* Run SQL without parameters or rows (several statements may be given
 * to SQLite): DB_OK or a code. */
int db_exec(struct db *d, const char *sql);
/* Rows the last INSERT, UPDATE or DELETE changed. */
int64_t db_changes(struct db *d);

/* Prepare sql; persistent: it will be run many times. */
int db_prepare(struct db *d, const char *sql, int persistent,
               struct db_stmt **out);
int db_finalize(struct db_stmt *st);
/* Back to before its first step; bindings stay. */
int db_reset(struct db_stmt *st);
int db_clear_bindings(struct db_stmt *st);
int db_step(struct db_stmt *st);

/*
 * Run st, bound, for its effect alone: a write whose rows and count
 * nobody reads. DB_OK, or a code. On SQLite it runs at once (a step and
 * a reset). On PostgreSQL it is sent without waiting for the server, and
 * its failure may come from a later call of the connection: db_sync(),
 * or any call that talks to the server (db_step(), db_exec(),
 * db_prepare()), which reports the first failure of the statements sent
 * (the statements after it are not run, and the transaction is
 * aborted). st may be bound and sent again at once.
 */
int db_send(struct db_stmt *st);
/* The statements sent done: DB_OK, or the code of the first that failed. */
int db_sync(struct db *d);

/*
 * PostgreSQL: COPY rows in. _begin runs sql, a COPY ... FROM STDIN; _put
 * sends data[0..n), rows in COPY's text format (a row may span two
 * calls); _end ends it, with rc the first failure of the calls before
 * (DB_OK: none; else the COPY is undone): DB_OK once the server has
 * taken every row, or a code. After a failed _begin, nothing is to be
 * ended. DB_ERROR on SQLite.
 */
int db_copy_begin(struct db *d, const char *sql);
int db_copy_put(struct db *d, const void *data, size_t n);
int db_copy_end(struct db *d, int rc);

/* i counts from 1. n < 0: text up to its NUL. */
int db_bind_int64(struct db_stmt *st, int i, int64_t v);
int db_bind_int(struct db_stmt *st, int i, int v);
int db_bind_text(struct db_stmt *st, int i, const char *p, int n);
int db_bind_blob(struct db_stmt *st, int i, const void *p, int n);
int db_bind_null(struct db_stmt *st, int i);
/* The highest parameter number the SQL names. */
int db_bind_parameter_count(struct db_stmt *st);

/* Columns count from 0. A boolean reads as 1 or 0; NULL as 0 or "". */
int db_column_count(struct db_stmt *st);
int db_column_type(struct db_stmt *st, int i);
int64_t db_column_int64(struct db_stmt *st, int i);
int db_column_int(struct db_stmt *st, int i);
const unsigned char *db_column_text(struct db_stmt *st, int i);
const void *db_column_blob(struct db_stmt *st, int i);
int db_column_bytes(struct db_stmt *st, int i);

/* SQLite's virtual machine steps of the statement so far (0 for
 * PostgreSQL): a measure of a query's work that no clock gives. */
uint64_t db_stmt_steps(struct db_stmt *st);

#endif
