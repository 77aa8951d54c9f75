/*
 * test_ingest.c - ingest.h: the engine over small logs, reporting only
 * through the sink it is given: counts, bad lines, a file read again,
 * and a database another ingest holds.
 */
#include "testsql.h"
#include "conf.h"
#include "dbfiles.h"
#include "ingest.h"


/* What the sink was told. */
struct told {
    int messages, errors, bad_lines, nothing_new;
    int last_status;
};

static void on_message(void *ctx, enum sink_level level, const char *msg)
{
    struct told *t = ctx;

    assert_true(level >= SINK_ERROR && level <= SINK_INFO);
    t->messages++;
    if (strstr(msg, ": bad line: "))
        t->bad_lines++;
    if (strstr(msg, "nothing new"))
        t->nothing_new++;
}

static void on_error(void *ctx, const struct bs_err *err)
{
    struct told *t = ctx;

    t->errors++;
    t->last_status = err->status;
}

static void on_progress(void *ctx, const struct sink_progress *p)
{
    (void)ctx;
    (void)p;
    fail_msg("progress was not asked for");
}

struct fixture {
    char *dir, *db, *log;
    struct conf *conf;
    struct told told;
    struct sink sink;
    struct ingest_opts o;
};

static const char log_text[] =
    "192.0.2.1 - - [07/Feb/2013:10:00:00 +0100] \"GET /2013/02/07/a/ "
    "HTTP/1.1\" 200 100 \"-\" \"Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0\"\n"
    "192.0.2.2 - - [07/Feb/2013:10:05:00 +0100] \"GET /2013/02/07/a/ "
    "HTTP/1.1\" 200 100 \"-\" \"Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0\"\n"
    "this is no log line\n"
    "192.0.2.1 - - [08/Feb/2013:11:00:00 +0100] \"GET /about/ "
    "HTTP/1.1\" 200 100 \"-\" \"Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0\"\n";

static int setup(void **state)
{
    struct fixture *f = xcalloc(1, sizeof(*f));
    struct bs_err err = {0};

    f->dir = tu_tmpdir();
    f->db = tu_path(f->dir, "a.db");
    f->log = tu_write(f->dir, "access.log", log_text, strlen(log_text));
    f->conf = conf_load(NULL, &err);
    assert_non_null(f->conf);
    f->sink = (struct sink){.level = SINK_INFO, .ctx = &f->told,
                            .message = on_message, .error = on_error,
                            .progress_fn = on_progress};
    f->o = (struct ingest_opts){.conf = f->conf, .db = f->db,
                                .format = "combined", .site = -1,
                                .commit_every = 2, .jobs = 1,
                                .now = 1700000000, .files = &f->log,
                                .nfiles = 1};
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    conf_free(f->conf);
    tu_rmrf(f->dir);
    free(f->log);
    free(f->db);
    free(f->dir);
    free(f);
    return 0;
}

static void test_ingest__counts_once(void **state)
{
    struct fixture *f = *state;
    struct ingest_result res;
    struct bs_err err = {0};

    assert_int_equal(ingest_run(&f->o, &f->sink, &res, &err), 0);
    assert_int_equal(res.status, 0);
    assert_int_equal(res.files, 1);
    assert_int_equal(res.lines, 4);
    assert_int_equal(res.bad, 1);
    assert_int_equal(res.bad_shown, 1);
    assert_int_equal(res.hits, 3);
    assert_int_equal(res.views, 3);
    assert_int_equal(f->told.bad_lines, 1);
    assert_int_equal(f->told.errors, 0);
    assert_int_equal(tu_sql_int(f->db, "SELECT sum(views) FROM days"), 3);
    assert_int_equal(tu_sql_int(f->db, "SELECT sum(bad_lines) FROM days"), 1);
    assert_int_equal(tu_sql_int(f->db, "SELECT lines FROM sources"), 4);
    /* Again: nothing new, nothing counted twice. */
    memset(&f->told, 0, sizeof(f->told));
    assert_int_equal(ingest_run(&f->o, &f->sink, &res, &err), 0);
    assert_int_equal(res.lines, 0);
    assert_int_equal(f->told.bad_lines, 0);
    assert_int_equal(tu_sql_int(f->db, "SELECT sum(views) FROM days"), 3);
    /* Quiet: no bad line is even made into a message. */
    free(tu_write(f->dir, "access.log", log_text, strlen(log_text)));
    f->sink.level = SINK_ERROR;
    {
        char *other = tu_write(f->dir, "other.log", log_text + 1,
                               strlen(log_text) - 1);

        f->o.files = &other;
        memset(&f->told, 0, sizeof(f->told));
        assert_int_equal(ingest_run(&f->o, &f->sink, &res, &err), 0);
        assert_int_equal(res.bad, 1);
        assert_int_equal(f->told.messages, 0);
        free(other);
    }
}

/* A file that cannot be opened is told through the sink; its status is
 * the run's. */
static void test_ingest__missing_file(void **state)
{
    struct fixture *f = *state;
    struct ingest_result res;
    struct bs_err err = {0};
    char *missing = tu_path(f->dir, "missing.log");

    f->o.files = &missing;
    assert_int_equal(ingest_run(&f->o, &f->sink, &res, &err), 0);
    assert_int_equal(res.status, BS_NOINPUT);
    assert_int_equal(f->told.errors, 1);
    assert_int_equal(f->told.last_status, BS_NOINPUT);
    free(missing);
}

/* Another ingest holds the database: nothing starts. */
static void test_ingest__busy(void **state)
{
    struct fixture *f = *state;
    struct ingest_result res;
    struct bs_err err = {0};
    int fd = dbfiles_lock(f->db, 0, &err);

    assert_true(fd >= 0);
    assert_int_equal(ingest_run(&f->o, &f->sink, &res, &err), -1);
    assert_int_equal(err.status, BS_TEMPFAIL);
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ingest__counts_once, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ingest__missing_file, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ingest__busy, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
