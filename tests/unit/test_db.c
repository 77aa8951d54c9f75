/*
 * test_db.c - the SQL connection under the store (db.h): writes sent
 * without waiting (db_send(), db_sync()) and COPY (db_copy_*()), on
 * SQLite always, on PostgreSQL when BLOGSTAT_TEST_PG holds a libpq URI
 * of a database to use (tests/run-all.sh sets it; else those tests say
 * so and pass).
 */
#include "testutil.h"
#include "db.h"

/* ---- SQLite -------------------------------------------------------- */

static struct db *lite_open(char **dir)
{
    struct db *d;
    char *path;

    *dir = tu_tmpdir();
    path = tu_path(*dir, "t.db");
    /* SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE */
    assert_int_equal(db_open_sqlite(path, 0x2 | 0x4, &d), DB_OK);
    free(path);
    assert_int_equal(db_exec(d, "CREATE TABLE t(k INTEGER PRIMARY KEY, "
                                "v TEXT)"), DB_OK);
    return d;
}

static int64_t count(struct db *d, const char *sql)
{
    struct db_stmt *st;
    int64_t n = -1;

    assert_int_equal(db_prepare(d, sql, 0, &st), DB_OK);
    if (db_step(st) == DB_ROW)
        n = db_column_int64(st, 0);
    db_finalize(st);
    return n;
}

/* On SQLite a statement sent runs at once, and fails at once. */
static void test_lite_send(void **state)
{
    char *dir;
    struct db *d = lite_open(&dir);
    struct db_stmt *st;

    (void)state;
    assert_int_equal(db_prepare(d, "INSERT INTO t(k, v) VALUES(?1, ?2)", 1,
                                &st), DB_OK);
    for (int k = 1; k <= 3; k++) {
        db_bind_int(st, 1, k);
        db_bind_text(st, 2, "x", -1);
        assert_int_equal(db_send(st), DB_OK);
    }
    assert_int_equal(count(d, "SELECT count(*) FROM t"), 3);
    db_bind_int(st, 1, 2);
    assert_int_equal(db_send(st), DB_CONSTRAINT);
    assert_int_equal(db_sync(d), DB_OK);
    /* The statement is reset: it runs again. */
    db_bind_int(st, 1, 4);
    assert_int_equal(db_send(st), DB_OK);
    assert_int_equal(count(d, "SELECT count(*) FROM t"), 4);
    assert_int_equal(db_copy_begin(d, "COPY t FROM STDIN"), DB_ERROR);
    db_finalize(st);
    db_close(d);
    tu_rmrf(dir);
    free(dir);
}

/* ---- PostgreSQL ------------------------------------------------------ */

static struct db *pg;

static int pg_setup(void **state)
{
    const char *uri = getenv("BLOGSTAT_TEST_PG");

    (void)state;
    if (!uri || !*uri) {
        printf("test_db: BLOGSTAT_TEST_PG is not set: the tests against "
               "PostgreSQL are skipped\n");
        return 0;
    }
    if (db_open_pg(uri, &pg) != DB_OK) {
        fprintf(stderr, "test_db: %s\n", db_errmsg(pg));
        return -1;
    }
    return 0;
}

static int pg_teardown(void **state)
{
    (void)state;
    db_close(pg);
    pg = NULL;
    return 0;
}

/* A fresh temporary table t(k, v, b) of this connection. */
static void pg_table(void)
{
    assert_int_equal(db_exec(pg, "SET client_min_messages = warning;"
                                 "DROP TABLE IF EXISTS t;"
                                 "CREATE TEMP TABLE t(k integer PRIMARY KEY,"
                                 " v text, b bytea)"),
                     DB_OK);
}

/* More statements than the pipeline holds before it syncs: all run, in
 * order, and a read after them sees them all. */
static void test_pg_pipeline(void **state)
{
    struct db_stmt *st;

    (void)state;
    if (!pg)
        skip();
    pg_table();
    assert_int_equal(db_exec(pg, "BEGIN"), DB_OK);
    assert_int_equal(db_prepare(pg, "INSERT INTO t(k, v) VALUES(?1, ?2) "
                                    "ON CONFLICT(k) DO UPDATE SET "
                                    "v = t.v || excluded.v", 1, &st),
                     DB_OK);
    for (int i = 0; i < 1500; i++) {
        char v[8];

        snprintf(v, sizeof(v), "%d", i % 10);
        db_bind_int(st, 1, i % 1000);
        db_bind_text(st, 2, v, -1);
        assert_int_equal(db_send(st), DB_OK);
    }
    assert_int_equal(count(pg, "SELECT count(*) FROM t"), 1000);
    /* Keys sent twice took both, the second after the first. */
    assert_int_equal(count(pg, "SELECT count(*) FROM t WHERE k = 7 AND "
                               "v = '77'"), 1);
    assert_int_equal(db_sync(pg), DB_OK);
    assert_int_equal(db_exec(pg, "COMMIT"), DB_OK);
    assert_int_equal(count(pg, "SELECT count(*) FROM t"), 1000);
    db_finalize(st);
}

/* The first failure of the statements sent comes from the next call that
 * talks to the server, which then does not run; the transaction is
 * undone, and the connection goes on. */
static void test_pg_pipeline_failure(void **state)
{
    struct db_stmt *ins, *sel;

    (void)state;
    if (!pg)
        skip();
    pg_table();
    assert_int_equal(db_prepare(pg, "INSERT INTO t(k) VALUES(?1)", 1, &ins),
                     DB_OK);
    assert_int_equal(db_prepare(pg, "SELECT count(*) FROM t", 1, &sel),
                     DB_OK);
    /* Reported by db_sync(). */
    assert_int_equal(db_exec(pg, "BEGIN"), DB_OK);
    for (int k = 1; k <= 3; k++) {
        db_bind_int(ins, 1, k == 3 ? 1 : k);
        assert_int_equal(db_send(ins), DB_OK);
    }
    assert_int_equal(db_sync(pg), DB_CONSTRAINT);
    assert_string_equal(db_sqlstate(pg), "23505");
    assert_int_equal(db_sync(pg), DB_OK);
    assert_int_equal(db_exec(pg, "ROLLBACK"), DB_OK);
    assert_int_equal(count(pg, "SELECT count(*) FROM t"), 0);
    /* Reported by the step of a read, which does not run. */
    assert_int_equal(db_exec(pg, "BEGIN"), DB_OK);
    db_bind_int(ins, 1, 5);
    assert_int_equal(db_send(ins), DB_OK);
    assert_int_equal(db_send(ins), DB_OK);
    assert_int_equal(db_step(sel), DB_CONSTRAINT);
    db_reset(sel);
    assert_int_equal(db_exec(pg, "ROLLBACK"), DB_OK);
    /* Reported by COMMIT, which commits nothing. */
    assert_int_equal(db_exec(pg, "BEGIN"), DB_OK);
    db_bind_int(ins, 1, 6);
    assert_int_equal(db_send(ins), DB_OK);
    assert_int_equal(db_send(ins), DB_OK);
    assert_int_equal(db_exec(pg, "COMMIT"), DB_CONSTRAINT);
    db_exec(pg, "ROLLBACK");
    assert_int_equal(count(pg, "SELECT count(*) FROM t"), 0);
    db_finalize(ins);
    db_finalize(sel);
}

/* COPY's rows, a row split over two pieces, its escapes and bytea's hex
 * read back as they were. */
static void test_pg_copy(void **state)
{
    static const char rows[] = "1\ta\\tb\\\\c\\nd\t\\\\x00ff10\n"
                               "2\t\\N\t\\N\n3\tplain\t\\\\x\n";
    struct db_stmt *st;

    (void)state;
    if (!pg)
        skip();
    pg_table();
    assert_int_equal(db_copy_begin(pg, "COPY t(k, v, b) FROM STDIN"), DB_OK);
    assert_int_equal(db_copy_put(pg, rows, 10), DB_OK);
    assert_int_equal(db_copy_put(pg, rows + 10, sizeof(rows) - 1 - 10),
                     DB_OK);
    assert_int_equal(db_copy_end(pg, DB_OK), DB_OK);
    assert_int_equal(count(pg, "SELECT count(*) FROM t"), 3);
    assert_int_equal(db_prepare(pg, "SELECT v, b FROM t WHERE k = 1", 0, &st),
                     DB_OK);
    assert_int_equal(db_step(st), DB_ROW);
    assert_string_equal(db_column_text(st, 0), "a\tb\\c\nd");
    assert_int_equal(db_column_bytes(st, 1), 3);
    assert_memory_equal(db_column_blob(st, 1), "\x00\xff\x10", 3);
    db_finalize(st);
    assert_int_equal(count(pg, "SELECT count(*) FROM t WHERE v IS NULL "
                               "AND b IS NULL"), 1);
}

/* A COPY that fails (a key twice) or that its caller gives up copies
 * nothing, and the connection goes on. */
static void test_pg_copy_failure(void **state)
{
    static const char dup[] = "1\ta\t\\N\n1\tb\t\\N\n";

    (void)state;
    if (!pg)
        skip();
    pg_table();
    assert_int_equal(db_copy_begin(pg, "COPY t(k, v, b) FROM STDIN"), DB_OK);
    assert_int_equal(db_copy_put(pg, dup, sizeof(dup) - 1), DB_OK);
    assert_int_equal(db_copy_end(pg, DB_OK), DB_CONSTRAINT);
    assert_int_equal(count(pg, "SELECT count(*) FROM t"), 0);
    assert_int_equal(db_copy_begin(pg, "COPY t(k, v, b) FROM STDIN"), DB_OK);
    assert_int_equal(db_copy_put(pg, dup, 8), DB_OK);
    assert_int_not_equal(db_copy_end(pg, DB_IOERR), DB_OK);
    assert_int_equal(count(pg, "SELECT count(*) FROM t"), 0);
    /* Not a COPY: refused, nothing to end. */
    assert_int_not_equal(db_copy_begin(pg, "SELECT 1"), DB_OK);
    assert_int_equal(count(pg, "SELECT count(*) FROM t"), 0);
}

int main(void)
{
    const struct CMUnitTest lite[] = {
        cmocka_unit_test(test_lite_send),
    };
    const struct CMUnitTest pgt[] = {
        cmocka_unit_test(test_pg_pipeline),
        cmocka_unit_test(test_pg_pipeline_failure),
        cmocka_unit_test(test_pg_copy),
        cmocka_unit_test(test_pg_copy_failure),
    };

    return cmocka_run_group_tests(lite, NULL, NULL) |
           cmocka_run_group_tests(pgt, pg_setup, pg_teardown);
}
