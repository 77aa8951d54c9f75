/*
 * test_commit.c - commit.h: a chunk's aggregates reach the store with
 * the position of their source in one transaction; a failed commit
 * leaves nothing, in the database or in memory; the commit thread
 * commits a chunk while the next is counted; a chunk whose source the
 * database no longer holds where its read started is refused.
 */
#include "testsql.h"
#include "agg.h"
#include "audience.h"
#include "commit.h"
#include "source.h"
#include "store.h"


#define DAY 15000

static const unsigned char the_key[VISITOR_KEY_BYTES] = "0123456789abcdef";
static const struct source_keys keys = {the_key, NULL};

struct fixture {
    char *dir, *db;
    struct source_head head;   /* of access.log */
    int64_t site_ids[1];
    struct commit_db cdb;
    struct agg *aggs[1];
};

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof(*f));
    struct bs_err err = {0};

    f->dir = tu_tmpdir();
    f->db = tu_path(f->dir, "a.db");
    pthread_mutex_init(&f->cdb.lock, NULL);
    f->cdb.store = store_open(f->db, STORE_WRITE, &err);
    assert_non_null(f->cdb.store);
    assert_int_equal(store_site_id(f->cdb.store, "default", 1,
                                   &f->site_ids[0], &err), 1);
    f->cdb.audience = audience_new(f->cdb.store, 1700000000);
    f->cdb.site_ids = f->site_ids;
    f->cdb.nsites = 1;
    f->aggs[0] = agg_new();
    {
        static const char log[] = "one line\nanother\n";
        char *p = tu_write(f->dir, "access.log", log, sizeof(log) - 1);

        assert_int_equal(source_head_of(&keys, p, &f->head), 0);
        free(p);
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    agg_free(f->aggs[0]);
    audience_free(f->cdb.audience);
    store_close(f->cdb.store);
    pthread_mutex_destroy(&f->cdb.lock);
    tu_rmrf(f->dir);
    free(f->db);
    free(f->dir);
    free(f);
    return 0;
}

static void sql_exec(const char *path, const char *sql)
{
    sqlite3 *db;

    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL),
                     SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    sqlite3_close(db);
}

/* A hit that is a view of post path at sec by visitor, into a. */
static void view(struct agg *a, int32_t sec, uint64_t visitor,
                 const char *path)
{
    uint32_t key;

    agg_hit(a, DAY, 0);
    key = agg_view(a, DAY, URL_POST, path, strlen(path), "SE");
    agg_visitor_key(a, DAY, sec, visitor, key, "SE");
}

/* A new source of access.log, read to position. */
static void source(const struct fixture *f, struct store_source *src,
                   uint64_t position)
{
    memset(src, 0, sizeof(*src));
    snprintf(src->fingerprint, sizeof(src->fingerprint), "%s",
             f->head.fingerprint);
    src->head_len = f->head.n;
    snprintf(src->name, sizeof(src->name), "access.log");
    src->position = position;
    src->lines = position / 10;
}

static void test_commit__chunk_reaches_store(void **state)
{
    struct fixture *f = *state;
    struct store_source src, got;
    struct bs_err err = {0};

    view(f->aggs[0], 1000, 1, "/a/");
    view(f->aggs[0], 1100, 1, "/b/");
    view(f->aggs[0], 1200, 2, "/a/");
    agg_bad(f->aggs[0], DAY, 1);
    source(f, &src, 100);
    assert_int_equal(commit_chunk(&f->cdb, f->aggs, &src, &err), 0);
    assert_true(src.id > 0);
    assert_true(agg_empty(f->aggs[0]));
    assert_int_equal(tu_sql_int(f->db, "SELECT views FROM days"), 3);
    assert_int_equal(tu_sql_int(f->db, "SELECT hits FROM days"), 3);
    assert_int_equal(tu_sql_int(f->db, "SELECT bad_lines FROM days"), 1);
    assert_int_equal(tu_sql_int(f->db, "SELECT visits FROM days"), 2);
    assert_int_equal(tu_sql_int(f->db, "SELECT views FROM path_views JOIN paths "
                             "ON paths.id = path_id WHERE path = '/a/'"), 2);
    assert_int_equal(tu_sql_int(f->db, "SELECT count(*) FROM day_salts"), 1);
    assert_int_equal(TU_OPEN_VISITORS(f->db), 2);
    assert_int_equal(commit_find_source(&f->cdb, &keys, &f->head, &got, &err),
                     1);
    assert_int_equal(got.id, src.id);
    assert_int_equal(got.position, 100);
}

/* A commit that fails at its last write leaves nothing: no counts, no
 * position, no salt, no visits, in the database or in memory. */
static void test_commit__failed_leaves_nothing(void **state)
{
    struct fixture *f = *state;
    struct store_source src, got;
    struct bs_err err = {0};

    sql_exec(f->db, "CREATE TRIGGER no_sources BEFORE INSERT ON sources "
                    "BEGIN SELECT RAISE(ABORT, 'refused'); END");
    view(f->aggs[0], 1000, 1, "/a/");
    source(f, &src, 100);
    assert_int_equal(commit_chunk(&f->cdb, f->aggs, &src, &err), -1);
    assert_true(err.status != 0);
    assert_true(agg_empty(f->aggs[0]));
    assert_int_equal(tu_sql_int(f->db, "SELECT count(*) FROM days"), 0);
    assert_int_equal(tu_sql_int(f->db, "SELECT count(*) FROM paths"), 0);
    assert_int_equal(tu_sql_int(f->db, "SELECT count(*) FROM day_salts"), 0);
    assert_int_equal(TU_OPEN_VISITORS(f->db), 0);
    assert_int_equal(commit_find_source(&f->cdb, &keys, &f->head, &got, &err),
                     0);
    /* The same view again, once the database takes it: one visit (the
     * failed chunk's visit was not kept in memory either). */
    sql_exec(f->db, "DROP TRIGGER no_sources");
    view(f->aggs[0], 1000, 1, "/a/");
    source(f, &src, 100);
    memset(&err, 0, sizeof(err));
    assert_int_equal(commit_chunk(&f->cdb, f->aggs, &src, &err), 0);
    assert_int_equal(tu_sql_int(f->db, "SELECT views FROM days"), 1);
    assert_int_equal(tu_sql_int(f->db, "SELECT visits FROM days"), 1);
}

/* Chunks through the commit thread, then the last one here. */
static void test_commit__committer(void **state)
{
    struct fixture *f = *state;
    struct committer *c = committer_new(&f->cdb);
    struct store_source src;
    struct bs_err err = {0};
    struct agg *const *counting = committer_counting(c);

    source(f, &src, 100);
    view(counting[0], 1000, 1, "/a/");
    assert_int_equal(committer_start(c, &src, &err), 0);
    /* A new set to count into while the chunk is written. */
    assert_ptr_not_equal(committer_counting(c), counting);
    counting = committer_counting(c);
    assert_true(agg_empty(counting[0]));
    view(counting[0], 5000, 2, "/b/");
    assert_int_equal(committer_wait(c, &src, &err), 0);
    assert_true(src.id > 0);
    assert_int_equal(tu_sql_int(f->db, "SELECT views FROM days"), 1);
    src.position = 200;
    assert_int_equal(committer_commit(c, &src, &err), 0);
    assert_int_equal(tu_sql_int(f->db, "SELECT views FROM days"), 2);
    assert_int_equal(tu_sql_int(f->db, "SELECT count(*) FROM sources"), 1);
    assert_int_equal(tu_sql_int(f->db, "SELECT position FROM sources"), 200);
    /* A chunk dropped is not committed. */
    view(committer_counting(c)[0], 6000, 3, "/c/");
    committer_drop(c);
    assert_true(agg_empty(committer_counting(c)[0]));
    committer_free(c);
}

/* Two writers that read on one log from the same position: the second
 * commit finds the position moved and leaves nothing. */
static void test_commit__position_moved(void **state)
{
    struct fixture *f = *state;
    struct store_source src, a, b;
    struct bs_err err = {0};

    source(f, &src, 100);
    view(f->aggs[0], 1000, 1, "/a/");
    assert_int_equal(commit_chunk(&f->cdb, f->aggs, &src, &err), 0);
    assert_int_equal(commit_find_source(&f->cdb, &keys, &f->head, &a, &err),
                     1);
    assert_int_equal(commit_find_source(&f->cdb, &keys, &f->head, &b, &err),
                     1);
    assert_int_equal(a.stored_position, 100);
    /* The first goes on to 200. */
    a.position = 200;
    view(f->aggs[0], 2000, 2, "/b/");
    assert_int_equal(commit_chunk(&f->cdb, f->aggs, &a, &err), 0);
    assert_int_equal(a.stored_position, 200);
    /* The second read the same lines from 100: refused, rolled back. */
    b.position = 200;
    view(f->aggs[0], 2000, 2, "/b/");
    assert_int_equal(commit_chunk(&f->cdb, f->aggs, &b, &err), -1);
    assert_int_equal(err.status, BS_TEMPFAIL);
    assert_non_null(strstr(err.msg, "another ingest"));
    assert_true(agg_empty(f->aggs[0]));
    assert_int_equal(tu_sql_int(f->db, "SELECT views FROM days"), 2);
    assert_int_equal(tu_sql_int(f->db, "SELECT position FROM sources"), 200);
    /* The first goes on from where it is. */
    a.position = 300;
    assert_int_equal(commit_chunk(&f->cdb, f->aggs, &a, &err), 0);
    assert_int_equal(tu_sql_int(f->db, "SELECT position FROM sources"), 300);
}

/* Two writers that both found a log new: the second cannot add it. */
static void test_commit__new_twice(void **state)
{
    struct fixture *f = *state;
    struct store_source a, b;
    struct bs_err err = {0};

    source(f, &a, 100);
    source(f, &b, 100);
    view(f->aggs[0], 1000, 1, "/a/");
    assert_int_equal(commit_chunk(&f->cdb, f->aggs, &a, &err), 0);
    view(f->aggs[0], 1000, 1, "/a/");
    assert_int_equal(commit_chunk(&f->cdb, f->aggs, &b, &err), -1);
    assert_int_equal(err.status, BS_TEMPFAIL);
    assert_int_equal(tu_sql_int(f->db, "SELECT views FROM days"), 1);
    assert_int_equal(tu_sql_int(f->db, "SELECT count(*) FROM sources"), 1);
}

/* The commit thread hands back where the database stands, so that the
 * chunk after it is checked against the right position. */
static void test_commit__committer_position(void **state)
{
    struct fixture *f = *state;
    struct committer *c = committer_new(&f->cdb);
    struct store_source src;
    struct bs_err err = {0};

    source(f, &src, 100);
    view(committer_counting(c)[0], 1000, 1, "/a/");
    assert_int_equal(committer_start(c, &src, &err), 0);
    src.position = 200;
    view(committer_counting(c)[0], 2000, 1, "/a/");
    assert_int_equal(committer_start(c, &src, &err), 0);
    assert_int_equal(committer_wait(c, &src, &err), 0);
    assert_int_equal(src.stored_position, 200);
    src.position = 300;
    assert_int_equal(committer_commit(c, &src, &err), 0);
    assert_int_equal(tu_sql_int(f->db, "SELECT position FROM sources"), 300);
    committer_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_commit__chunk_reaches_store,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit__failed_leaves_nothing,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit__committer, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_commit__position_moved, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_commit__new_twice, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_commit__committer_position,
                                        setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
