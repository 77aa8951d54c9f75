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

/*
 * The open visits sets sql returns (blobs of open_visit_sets.visitors),
 * read as the store documents them (store_open.c: a record is the
 * visitor, 8 bytes, its count of visits, 2, then 16 bytes a visit, all
 * little-endian): the number of visitors' records, or with visits set
 * the number of visits. Fails the test on a blob that does not parse.
 */
static inline int64_t tu_open_count(const char *path, const char *sql,
                                    int visits)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int64_t total = 0;

    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL),
                     SQLITE_OK);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    while (sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *b = sqlite3_column_blob(st, 0);
        size_t n = (size_t)sqlite3_column_bytes(st, 0), i = 0;

        while (i < n) {
            size_t k;

            if (n - i < 10)
                fail_msg("open visits: a record cut at %zu of %zu", i, n);
            k = (size_t)b[i + 8] | (size_t)b[i + 9] << 8;
            i += 10 + 16 * k;
            if (i > n)
                fail_msg("open visits: %zu visits past the blob", k);
            total += visits ? (int64_t)k : 1;
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return total;
}

/* The visitors whose open visits a database holds. */
#define TU_OPEN_VISITORS(path)                                                 \
    tu_open_count(path, "SELECT visitors FROM open_visit_sets", 0)

#endif
