/*
 * test_dbfiles.c - dbfiles.h: one ingest at a time per database, whatever
 * its name, none on what is not a regular file, and the visitor key
 * beside it (made 0600, kept, refused when damaged, another's or open to
 * others, moved out of an old database, remade with a warning when
 * lost).
 */
#include "testutil.h"
#include "dbfiles.h"
#include "sketch.h"
#include "store.h"

#include <sys/stat.h>

struct fixture {
    char *dir, *db;
    struct store *s;
};

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof(*f));
    struct bs_err err = {0};

    umask(022);
    f->dir = tu_tmpdir();
    f->db = tu_path(f->dir, "a.db");
    f->s = store_open(f->db, STORE_WRITE, &err);
    assert_non_null(f->s);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    store_close(f->s);
    tu_rmrf(f->dir);
    free(f->db);
    free(f->dir);
    free(f);
    return 0;
}

/* The second holder is told the database is busy; after the first ends,
 * it gets the lock. */
static void test_dbfiles__lock(void **state)
{
    struct fixture *f = *state;
    struct bs_err err = {0};
    int a = dbfiles_lock(f->db, 0, &err), b;

    assert_true(a >= 0);
    b = dbfiles_lock(f->db, 0, &err);
    assert_int_equal(b, -1);
    assert_int_equal(err.status, BS_TEMPFAIL);
    assert_non_null(strstr(err.msg, "another ingest"));
    close(a);
    memset(&err, 0, sizeof(err));
    b = dbfiles_lock(f->db, 0, &err);
    assert_true(b >= 0);
    close(b);
}

static void test_dbfiles__key_new_then_kept(void **state)
{
    struct fixture *f = *state;
    struct bs_err err = {0};
    unsigned char k1[VISITOR_KEY_BYTES], k2[VISITOR_KEY_BYTES];
    char *path = dbfiles_key_file(f->db, NULL, NULL);
    struct stat st;

    assert_int_equal(dbfiles_key(f->db, NULL, f->s, k1, &err), DBFILES_KEY_NEW);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, VISITOR_KEY_BYTES);
    assert_int_equal(dbfiles_key(f->db, NULL, f->s, k2, &err), DBFILES_KEY_READ);
    assert_memory_equal(k1, k2, sizeof(k1));
    free(path);
}

/* A key of the wrong size is refused, naming it, and left as it is. */
static void test_dbfiles__key_wrong_size(void **state)
{
    struct fixture *f = *state;
    struct bs_err err = {0};
    unsigned char k[VISITOR_KEY_BYTES];
    static const unsigned char big[VISITOR_KEY_BYTES + 1] = {1};
    char *path = dbfiles_key_file(f->db, NULL, NULL);
    struct stat st;

    free(tu_write(f->dir, "a.db.key", "short", 5));
    assert_int_equal(chmod(path, 0600), 0);
    assert_int_equal(dbfiles_key(f->db, NULL, f->s, k, &err), -1);
    assert_int_equal(err.status, BS_DATAERR);
    assert_non_null(strstr(err.msg, "a.db.key"));
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 5);
    free(tu_write(f->dir, "a.db.key", big, sizeof(big)));
    assert_int_equal(chmod(path, 0600), 0);
    memset(&err, 0, sizeof(err));
    assert_int_equal(dbfiles_key(f->db, NULL, f->s, k, &err), -1);
    assert_int_equal(err.status, BS_DATAERR);
    free(path);
}

/* The database under two other names (a symbolic link, a hard link) is
 * one lock. */
static void test_dbfiles__lock_any_name(void **state)
{
    struct fixture *f = *state;
    struct bs_err err = {0};
    char *sym = tu_path(f->dir, "alias.db"), *hard = tu_path(f->dir, "h.db");
    int a;

    assert_int_equal(symlink(f->db, sym), 0);
    assert_int_equal(link(f->db, hard), 0);
    a = dbfiles_lock(f->db, 0, &err);
    assert_true(a >= 0);
    assert_int_equal(dbfiles_lock(sym, 0, &err), -1);
    assert_int_equal(err.status, BS_TEMPFAIL);
    assert_int_equal(dbfiles_lock(hard, 0, &err), -1);
    assert_int_equal(err.status, BS_TEMPFAIL);
    close(a);
    free(sym);
    free(hard);
}

/* What is not a regular file is refused, and nothing made beside it. */
static void test_dbfiles__lock_not_a_file(void **state)
{
    struct fixture *f = *state;
    struct bs_err err = {0};
    char *fifo = tu_path(f->dir, "p.db"), *lock = tu_path(f->dir, "p.db.lock");
    struct stat st;

    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(dbfiles_lock(fifo, 0, &err), -1);
    assert_int_equal(err.status, BS_NOINPUT);
    assert_non_null(strstr(err.msg, "a FIFO"));
    memset(&err, 0, sizeof(err));
    assert_int_equal(dbfiles_lock("/dev/null", 0, &err), -1);
    assert_int_equal(err.status, BS_NOINPUT);
    assert_non_null(strstr(err.msg, "character device"));
    memset(&err, 0, sizeof(err));
    assert_int_equal(dbfiles_lock(f->dir, 0, &err), -1);
    assert_int_equal(err.status, BS_NOINPUT);
    assert_int_not_equal(stat(lock, &st), 0);
    free(fifo);
    free(lock);
}

/* A key others can read, or that is another user's, is not used. */
static void test_dbfiles__key_untrusted(void **state)
{
    struct fixture *f = *state;
    struct bs_err err = {0};
    unsigned char k[VISITOR_KEY_BYTES];
    char *path = dbfiles_key_file(f->db, NULL, NULL);

    assert_int_equal(dbfiles_key(f->db, NULL, f->s, k, &err), DBFILES_KEY_NEW);
    assert_int_equal(chmod(path, 0644), 0);
    assert_int_equal(dbfiles_key(f->db, NULL, f->s, k, &err), -1);
    assert_int_equal(err.status, BS_NOINPUT);
    assert_non_null(strstr(err.msg, "chmod 600"));
    memset(&err, 0, sizeof(err));
    assert_int_equal(chmod(path, 0660), 0);
    assert_int_equal(dbfiles_key(f->db, NULL, f->s, k, &err), -1);
    assert_int_equal(chmod(path, 0600), 0);
    memset(&err, 0, sizeof(err));
    assert_int_equal(dbfiles_key(f->db, NULL, f->s, k, &err), DBFILES_KEY_READ);
    /* Another user's: only root can make one here. */
    if (geteuid() == 0) {
        assert_int_equal(chown(path, 12345, 12345), 0);
        memset(&err, 0, sizeof(err));
        assert_int_equal(dbfiles_key(f->db, NULL, f->s, k, &err), -1);
        assert_int_equal(err.status, BS_NOINPUT);
        assert_non_null(strstr(err.msg, "another user"));
        /* ... unless it is the database's owner's, for root. */
        assert_int_equal(chown(f->db, 12345, 12345), 0);
        memset(&err, 0, sizeof(err));
        assert_int_equal(dbfiles_key(f->db, NULL, f->s, k, &err),
                         DBFILES_KEY_READ);
    }
    free(path);
}

/* A key kept in the database moves out, byte for byte. */
static void test_dbfiles__key_moved(void **state)
{
    struct fixture *f = *state;
    struct bs_err err = {0};
    unsigned char old[VISITOR_KEY_BYTES], k[VISITOR_KEY_BYTES];

    for (size_t i = 0; i < sizeof(old); i++)
        old[i] = (unsigned char)(i * 7 + 1);
    assert_int_equal(store_meta_put(f->s, "visitor_key", old, sizeof(old),
                                    &err), 0);
    assert_int_equal(dbfiles_key(f->db, NULL, f->s, k, &err), DBFILES_KEY_MOVED);
    assert_memory_equal(k, old, sizeof(k));
    assert_int_equal(store_meta_get(f->s, "visitor_key", k, sizeof(k), &err),
                     0);
    assert_int_equal(dbfiles_key(f->db, NULL, f->s, k, &err), DBFILES_KEY_READ);
    assert_memory_equal(k, old, sizeof(k));
}

/* No key for a database that counted visitors: a new one, said so. */
static void test_dbfiles__key_lost(void **state)
{
    struct fixture *f = *state;
    struct bs_err err = {0};
    unsigned char k[VISITOR_KEY_BYTES];
    struct sketch *sk = sketch_new();
    unsigned char *b;
    size_t n;

    sketch_add(sk, 42);
    b = sketch_serialize(sk, &n);
    assert_int_equal(store_add_sketch(f->s, 0, STORE_SKETCH_DAY, 10, 0, NULL,
                                      b, n, &err), 0);
    assert_int_equal(dbfiles_key(f->db, NULL, f->s, k, &err), DBFILES_KEY_LOST);
    assert_int_equal(dbfiles_key(f->db, NULL, f->s, k, &err), DBFILES_KEY_READ);
    free(b);
    sketch_free(sk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_dbfiles__lock, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dbfiles__key_new_then_kept,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_dbfiles__key_wrong_size, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_dbfiles__key_moved, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_dbfiles__lock_any_name, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_dbfiles__lock_not_a_file, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_dbfiles__key_untrusted, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_dbfiles__key_lost, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
