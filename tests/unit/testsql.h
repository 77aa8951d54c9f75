/*
 * testsql.h - reading a database behind the store's back, for the unit
 * tests that check what a write left in it. Header-only.
 */
#ifndef BLOGSTAT_TESTSQL_H
#define BLOGSTAT_TESTSQL_H

#include "testutil.h"

#include <sqlite3.h>

/* The integer of the first row of sql, through a connection of its own:
 * -1 when sql returns no row. */
static inline int64_t tu_sql_int(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int64_t v = -1;

    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL),
                     SQLITE_OK);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

#endif
