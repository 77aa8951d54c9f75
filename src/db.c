/*
 * db.c - the SQL connection under the store: SQLite here, PostgreSQL in
 * db_pg.c. Each call goes to the statement's engine; for SQLite it is
 * the sqlite3_* call of the same name.
 */
#include "blogstat.h"
#include "db.h"
#include "db_int.h"

#include <stdlib.h>
#include <string.h>

int db_is_uri(const char *name)
{
    return name && (strncmp(name, "postgresql://", 13) == 0 ||
                    strncmp(name, "postgres://", 11) == 0);
}

int db_open_sqlite(const char *path, int flags, struct db **out)
{
    struct db *d = xcalloc(1, sizeof(*d));
    int rc;

    d->engine = DB_SQLITE;
    rc = sqlite3_open_v2(path, &d->lite, flags, NULL);
    if (rc == SQLITE_OK)
        sqlite3_extended_result_codes(d->lite, 0);
    *out = d;
    return rc & 0xff;
}

int db_open_pg(const char *uri, struct db **out)
{
    struct db *d = xcalloc(1, sizeof(*d));

    d->engine = DB_POSTGRES;
    *out = d;
    return pg_open(uri, &d->pg);
}

void db_close(struct db *d)
{
    if (!d)
        return;
    if (d->lite)
        sqlite3_close(d->lite);
    pg_close(d->pg);
    free(d);
}

enum db_engine db_engine(const struct db *d)
{
    return d->engine;
}

struct sqlite3 *db_sqlite(struct db *d)
{
    return d->lite;
}

struct pg_conn *db_pg(struct db *d)
{
    return d->pg ? pg_conn(d->pg) : NULL;
}

const char *db_errmsg(struct db *d)
{
    if (d->engine == DB_POSTGRES)
        return pg_errmsg(d->pg);
    return d->lite ? sqlite3_errmsg(d->lite) : "out of memory";
}

const char *db_sqlstate(struct db *d)
{
    return d->engine == DB_POSTGRES ? pg_sqlstate(d->pg) : "";
}

const char *db_errstr(int rc)
{
    return sqlite3_errstr(rc);
}

int db_errcode(struct db *d)
{
    if (d->engine == DB_POSTGRES)
        return pg_errcode(d->pg);
    return sqlite3_errcode(d->lite) & 0xff;
}

int db_exec(struct db *d, const char *sql)
{
    if (d->engine == DB_POSTGRES)
        return pg_exec(d->pg, sql);
    return sqlite3_exec(d->lite, sql, NULL, NULL, NULL) & 0xff;
}

int64_t db_changes(struct db *d)
{
    if (d->engine == DB_POSTGRES)
        return pg_changes(d->pg);
    return sqlite3_changes(d->lite);
}

int db_prepare(struct db *d, const char *sql, int persistent,
               struct db_stmt **out)
{
    struct db_stmt *st = xcalloc(1, sizeof(*st));
    int rc;

    st->d = d;
    if (d->engine == DB_POSTGRES)
        rc = pg_prepare(d->pg, sql, persistent, &st->pg);
    else
        rc = sqlite3_prepare_v3(d->lite, sql, -1,
                                persistent ? SQLITE_PREPARE_PERSISTENT : 0,
                                &st->lite, NULL) & 0xff;
    if (rc != DB_OK) {
        db_finalize(st);
        st = NULL;
    }
    *out = st;
    return rc;
}

int db_finalize(struct db_stmt *st)
{
    if (!st)
        return DB_OK;
    if (st->pg)
        pg_finalize(st->pg);
    else
        sqlite3_finalize(st->lite);
    free(st);
    return DB_OK;
}

int db_reset(struct db_stmt *st)
{
    if (st->pg) {
        pg_reset(st->pg);
        return DB_OK;
    }
    return sqlite3_reset(st->lite) & 0xff;
}

int db_clear_bindings(struct db_stmt *st)
{
    if (st->pg) {
        pg_clear_bindings(st->pg);
        return DB_OK;
    }
    return sqlite3_clear_bindings(st->lite);
}

int db_step(struct db_stmt *st)
{
    if (st->pg)
        return pg_step(st->pg);
    return sqlite3_step(st->lite) & 0xff;
}

int db_send(struct db_stmt *st)
{
    int rc;

    if (st->pg)
        return pg_send(st->pg);
    rc = sqlite3_step(st->lite) & 0xff;
    sqlite3_reset(st->lite);
    return rc == DB_DONE || rc == DB_ROW ? DB_OK : rc;
}

int db_sync(struct db *d)
{
    return d->engine == DB_POSTGRES ? pg_sync(d->pg) : DB_OK;
}

int db_copy_begin(struct db *d, const char *sql)
{
    return d->engine == DB_POSTGRES ? pg_copy_begin(d->pg, sql) : DB_ERROR;
}

int db_copy_put(struct db *d, const void *data, size_t n)
{
    return d->engine == DB_POSTGRES ? pg_copy_put(d->pg, data, n)
                                    : DB_ERROR;
}

int db_copy_end(struct db *d, int rc)
{
    return d->engine == DB_POSTGRES ? pg_copy_end(d->pg, rc) : DB_ERROR;
}

int db_bind_int64(struct db_stmt *st, int i, int64_t v)
{
    if (st->pg)
        return pg_bind_int64(st->pg, i, v);
    return sqlite3_bind_int64(st->lite, i, v);
}

int db_bind_int(struct db_stmt *st, int i, int v)
{
    return db_bind_int64(st, i, v);
}

int db_bind_text(struct db_stmt *st, int i, const char *p, int n)
{
    if (st->pg)
        return pg_bind_bytes(st->pg, i, p, n < 0 ? strlen(p) : (size_t)n, 0);
    return sqlite3_bind_text(st->lite, i, p, n, SQLITE_STATIC);
}

int db_bind_blob(struct db_stmt *st, int i, const void *p, int n)
{
    if (st->pg)
        return pg_bind_bytes(st->pg, i, p, (size_t)n, 1);
    return sqlite3_bind_blob(st->lite, i, p, n, SQLITE_STATIC);
}

int db_bind_null(struct db_stmt *st, int i)
{
    if (st->pg)
        return pg_bind_null(st->pg, i);
    return sqlite3_bind_null(st->lite, i);
}

int db_bind_parameter_count(struct db_stmt *st)
{
    if (st->pg)
        return pg_param_count(st->pg);
    return sqlite3_bind_parameter_count(st->lite);
}

int db_column_count(struct db_stmt *st)
{
    if (st->pg)
        return pg_column_count(st->pg);
    return sqlite3_column_count(st->lite);
}

int db_column_type(struct db_stmt *st, int i)
{
    if (st->pg)
        return pg_column_type(st->pg, i);
    return sqlite3_column_type(st->lite, i);
}

int64_t db_column_int64(struct db_stmt *st, int i)
{
    if (st->pg)
        return pg_column_int64(st->pg, i);
    return sqlite3_column_int64(st->lite, i);
}

int db_column_int(struct db_stmt *st, int i)
{
    if (st->pg)
        return (int)pg_column_int64(st->pg, i);
    return sqlite3_column_int(st->lite, i);
}

const unsigned char *db_column_text(struct db_stmt *st, int i)
{
    if (st->pg)
        return pg_column_text(st->pg, i);
    return sqlite3_column_text(st->lite, i);
}

const void *db_column_blob(struct db_stmt *st, int i)
{
    if (st->pg)
        return pg_column_blob(st->pg, i, NULL);
    return sqlite3_column_blob(st->lite, i);
}

int db_column_bytes(struct db_stmt *st, int i)
{
    if (st->pg)
        return pg_column_bytes(st->pg, i);
    return sqlite3_column_bytes(st->lite, i);
}

uint64_t db_stmt_steps(struct db_stmt *st)
{
    if (st->pg)
        return 0;
    return (uint64_t)sqlite3_stmt_status(st->lite, SQLITE_STMTSTATUS_VM_STEP,
                                         0);
}
