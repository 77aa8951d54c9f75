/*
 * test_store_pg.c - what the store does on PostgreSQL only: a URI shown
 * without its password; and, against a live server (BLOGSTAT_TEST_PG, a
 * libpq URI whose server the test may make a database on; skipped with
 * a note when unset): the schema made once, logs claimed by one
 * connection at a time, the key check, the open days' salts and
 * versions, and blogstat_visitors() in SQL counting an hll value as
 * blogstat does.
 */
#include "testutil.h"

#include "sketch.h"
#include "store.h"

#include <libpq-fe.h>
#include <time.h>
#include <unistd.h>

/* ---- without a server ---------------------------------------------- */

static void test_store_pg__uri_shown(void **state)
{
    static const char *const cases[][2] = {
        {"postgresql://ann:s3cret@db.example/blog",
         "postgresql://ann@db.example/blog"},
        {"postgresql://ann:s3cret@db.example:5433/blog?sslmode=require",
         "postgresql://ann@db.example:5433/blog?sslmode=require"},
        {"postgresql:///blog?host=/run/pg&password=s3cret&user=ann",
         "postgresql:///blog?host=/run/pg&password=&user=ann"},
        {"postgres://db.example/blog", "postgres://db.example/blog"},
        {"postgresql:///blog?host=/tmp/x&user=blogstat",
         "postgresql:///blog?host=/tmp/x&user=blogstat"},
    };

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char *got = store_uri_shown(cases[i][0]);

        assert_string_equal(got, cases[i][1]);
        assert_null(strstr(got, "s3cret"));
        free(got);
    }
}

/* ---- against a server ------------------------------------------------ */

static PGconn *admin;          /* to the suite's database */
static char *uri;              /* of this test's own database */
static char dbname[64];

static PGresult *sql(PGconn *c, const char *q)
{
    PGresult *r = PQexec(c, q);

    if (PQresultStatus(r) != PGRES_COMMAND_OK &&
        PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", q, PQerrorMessage(c));
    return r;
}

static int setup(void **state)
{
    const char *base = getenv("BLOGSTAT_TEST_PG");
    const char *q;
    char cmd[128];

    (void)state;
    if (!base || !*base)
        return 0;
    admin = PQconnectdb(base);
    if (PQstatus(admin) != CONNECTION_OK) {
        fprintf(stderr, "test_store_pg: %s", PQerrorMessage(admin));
        return -1;
    }
    /* A database of its own: the unit runs of the suite go at once. */
    snprintf(dbname, sizeof(dbname), "store_pg_%ld", (long)getpid());
    snprintf(cmd, sizeof(cmd), "CREATE DATABASE %s", dbname);
    PQclear(sql(admin, cmd));
    /* The same URI but for its database: "scheme://auth/DB?query". */
    q = strchr(strstr(base, "://") + 3, '/');
    assert_non_null(q);
    uri = xmalloc(strlen(base) + sizeof(dbname));
    snprintf(uri, strlen(base) + sizeof(dbname), "%.*s/%s%s",
             (int)(q - base), base, dbname, q + strcspn(q, "?"));
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];

    (void)state;
    if (admin && uri) {
        snprintf(cmd, sizeof(cmd), "DROP DATABASE %s WITH (FORCE)", dbname);
        PQclear(PQexec(admin, cmd));
    }
    if (admin)
        PQfinish(admin);
    free(uri);
    return 0;
}

#define NEED_SERVER()                                                     \
    do {                                                                  \
        if (!uri) {                                                       \
            printf("test_store_pg: BLOGSTAT_TEST_PG is not set: "         \
                   "skipped\n");                                          \
            return;                                                       \
        }                                                                 \
    } while (0)

static struct store *open_store(enum store_mode mode)
{
    struct bs_err err = {0};
    struct store *s = store_open(uri, mode, &err);

    if (!s)
        fail_msg("store_open: %s", err.msg);
    return s;
}

/* A new database reads as empty; a writer makes the schema, once: a
 * second writer and a reader open it as it is. */
static void test_store_pg__schema(void **state)
{
    struct bs_err err = {0};
    struct store *a, *b, *r;
    int32_t first, last;

    (void)state;
    NEED_SERVER();
    assert_null(store_open(uri, STORE_READ, &err));
    assert_int_equal(err.status, BS_NOINPUT);
    assert_non_null(strstr(err.msg, "run 'blogstat ingest' first"));
    a = open_store(STORE_WRITE);
    b = open_store(STORE_WRITE);
    r = open_store(STORE_READ);
    assert_int_equal(store_day_span(r, STORE_SITE_ALL, &first, &last, &err),
                     0);
    store_close(r);
    store_close(b);
    store_close(a);
}

/* The open sets of visitors (random ids) are stored uncompressed: in a
 * new database, and in one made before, once a writer opens it. */
static char open_sets_storage(PGconn *c)
{
    PGresult *r = sql(c, "SELECT attstorage FROM pg_attribute WHERE "
                         "attrelid = 'open_visit_sets'::regclass AND "
                         "attname = 'visitors'");
    char st;

    assert_int_equal(PQntuples(r), 1);
    st = PQgetvalue(r, 0, 0)[0];
    PQclear(r);
    return st;
}

static void test_store_pg__open_sets_uncompressed(void **state)
{
    PGconn *c;

    (void)state;
    NEED_SERVER();
    store_close(open_store(STORE_WRITE));
    c = PQconnectdb(uri);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    assert_int_equal(open_sets_storage(c), 'e');
    /* As a database of before: compressed ('x', the default). */
    PQclear(sql(c, "ALTER TABLE open_visit_sets ALTER COLUMN visitors "
                   "SET STORAGE EXTENDED"));
    assert_int_equal(open_sets_storage(c), 'x');
    store_close(open_store(STORE_READ));
    assert_int_equal(open_sets_storage(c), 'x');
    store_close(open_store(STORE_WRITE));
    assert_int_equal(open_sets_storage(c), 'e');
    PQfinish(c);
}

/* A log is claimed by one connection at a time, and free once released
 * or once its connection ends. */
static void test_store_pg__claims(void **state)
{
    struct bs_err err = {0};
    struct store *a, *b;
    int got;

    (void)state;
    NEED_SERVER();
    a = open_store(STORE_WRITE);
    b = open_store(STORE_WRITE);
    assert_int_equal(store_claim(a, "log-one", &err), 1);
    assert_int_equal(store_claim(b, "log-one", &err), 0);
    assert_int_equal(store_claim(b, "log-two", &err), 1);
    store_release(a, "log-one");
    assert_int_equal(store_claim(b, "log-one", &err), 1);
    assert_int_equal(store_claim(a, "log-one", &err), 0);
    /* The server lets a closed connection's locks go when its backend
     * ends, a moment after the client hangs up. */
    store_close(b);
    got = 0;
    for (int i = 0; i < 500 && !got; i++) {
        got = store_claim(a, "log-one", &err);
        if (!got)
            nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
    assert_int_equal(got, 1);
    assert_int_equal(store_claim(a, "log-two", &err), 1);
    store_close(a);
}

/* The first check stays; another key is refused. */
static void test_store_pg__key_check(void **state)
{
    struct bs_err err = {0};
    struct store *a = NULL;

    (void)state;
    NEED_SERVER();
    a = open_store(STORE_WRITE);
    assert_int_equal(store_begin(a, &err), 0);
    assert_int_equal(store_key_check(a, 0x1234, &err), 0);
    assert_int_equal(store_commit(a, &err), 0);
    assert_int_equal(store_begin(a, &err), 0);
    assert_int_equal(store_key_check(a, 0x1234, &err), 0);
    assert_int_equal(store_key_check(a, 0x1235, &err), -1);
    assert_int_equal(err.status, BS_DATAERR);
    assert_non_null(strstr(err.msg, "another visitor key"));
    store_rollback(a);
    store_close(a);
}

/* A day's salt is made by the first writer; a later one gets it and the
 * day's version, which each commit that changed the day counts. */
static void test_store_pg__salts(void **state)
{
    struct bs_err err = {0};
    unsigned char s1[16], s2[16], got[16];
    struct store *a, *b;
    int64_t v;

    (void)state;
    NEED_SERVER();
    memset(s1, 0x11, sizeof(s1));
    memset(s2, 0x22, sizeof(s2));
    a = open_store(STORE_WRITE);
    b = open_store(STORE_WRITE);
    assert_int_equal(store_shared(a), 1);
    assert_int_equal(store_begin(a, &err), 0);
    memcpy(got, s1, 16);
    assert_int_equal(store_salt_lock(a, 15000, got, 16, 1000, &v, &err), 1);
    assert_memory_equal(got, s1, 16);
    assert_int_equal(v, 0);
    assert_int_equal(store_salt_bump(a, 15000, &v, &err), 0);
    assert_int_equal(v, 1);
    assert_int_equal(store_commit(a, &err), 0);

    assert_int_equal(store_begin(b, &err), 0);
    memcpy(got, s2, 16);
    assert_int_equal(store_salt_lock(b, 15000, got, 16, 1000, &v, &err), 1);
    assert_memory_equal(got, s1, 16);
    assert_int_equal(v, 1);
    memcpy(got, s2, 16);
    assert_int_equal(store_salt_put(b, 15000, got, 16, 1000, &err), 0);
    assert_memory_equal(got, s1, 16);
    assert_int_equal(store_commit(b, &err), 0);
    store_close(b);
    store_close(a);
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c - 'a' + 10;
}

/* blogstat_visitors() in SQL gives what blogstat counts of the same hll
 * value: exact while EXPLICIT, Ertl's estimate of SPARSE and FULL ones. */
static void test_store_pg__visitors_sql(void **state)
{
    static const int sizes[] = {1, 2, 2047, 2048, 2049, 3000, 6000, 40000,
                                100000, 250000};
    struct store *s;
    PGconn *c;

    (void)state;
    NEED_SERVER();
    s = open_store(STORE_WRITE);    /* the schema and its function */
    c = PQconnectdb(uri);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        char q[256];
        PGresult *r;
        const char *hex;
        unsigned char *b;
        size_t n;
        uint64_t want;

        snprintf(q, sizeof(q),
                 "WITH h AS (SELECT hll_add_agg(hll_hash_bigint(x + %zu), "
                 SKETCH_HLL_ARGS ") AS v FROM generate_series(1, %d) x) "
                 "SELECT v::text, blogstat_visitors(v) FROM h",
                 i * 1000003, sizes[i]);
        r = sql(c, q);
        hex = PQgetvalue(r, 0, 0);
        assert_true(hex[0] == '\\' && hex[1] == 'x');
        n = (strlen(hex) - 2) / 2;
        b = xmalloc(n);
        for (size_t k = 0; k < n; k++)
            b[k] = (unsigned char)(hexval(hex[2 + 2 * k]) << 4 |
                                   hexval(hex[3 + 2 * k]));
        assert_int_equal(sketch_blob_count(b, n, &want), 0);
        if (sizes[i] <= SKETCH_SPARSE_MAX)
            assert_int_equal(want, (uint64_t)sizes[i]);
        assert_int_equal(strtoull(PQgetvalue(r, 0, 1), NULL, 10), want);
        free(b);
        PQclear(r);
    }
    PQfinish(c);
    store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_pg__uri_shown),
        cmocka_unit_test(test_store_pg__schema),
        cmocka_unit_test(test_store_pg__open_sets_uncompressed),
        cmocka_unit_test(test_store_pg__claims),
        cmocka_unit_test(test_store_pg__key_check),
        cmocka_unit_test(test_store_pg__salts),
        cmocka_unit_test(test_store_pg__visitors_sql),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
