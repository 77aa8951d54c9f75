/*
 * test_store_top.c - `top posts` from the all-time totals: the first rows
 * that store_top_posts() finds from path_totals are exactly those that
 * summing every row of the range gives (store_top_posts_read()), for
 * random databases of posts, pages, "/?p=ID" links, sites, ties and
 * cleared days, over many ranges, limits and kinds; the totals follow
 * every write and delete; a version 7 database gets them on upgrade; and
 * the first rows cost far less work than reading the range.
 */
#include "tustore.h"
#include "testsql.h"
#include "sketch.h"
#include "store.h"

#include <stdio.h>

/* Run sql (statements of their own) behind the store's back. */
static void sql_exec(const char *path, const char *sql)
{
    sqlite3 *db;
    char *msg = NULL;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
    sqlite3_close(db);
}

static struct store *open_ok(const char *path, enum store_mode mode)
{
    struct bs_err err = {0};
    struct store *s = store_open(path, mode, &err);

    if (!s)
        fail_msg("store_open: %s", err.msg);
    return s;
}

/* A small deterministic generator (xorshift), seeded per database. */
static uint64_t rnd_state;

static uint32_t rnd(uint32_t n)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return (uint32_t)(rnd_state % n);
}

/* The rows of one query, as text: one line a row. */
struct dump {
    char *p;
    size_t n, cap;
    int rows;
};

static int dump_row(void *ctx, const struct store_post_row *r)
{
    struct dump *d = ctx;
    char line[512];
    int n = snprintf(line, sizeof(line), "%s|%s|%lld|%lld|%lld|%lld\n",
                     r->path, r->title, (long long)r->views,
                     (long long)r->id, (long long)r->visitors,
                     (long long)r->visits);

    assert_true(n > 0 && (size_t)n < sizeof(line));
    if (d->n + (size_t)n + 1 > d->cap) {
        d->cap = (d->n + (size_t)n + 1) * 2;
        d->p = xrealloc(d->p, d->cap);
    }
    memcpy(d->p + d->n, line, (size_t)n + 1);
    d->n += (size_t)n;
    d->rows++;
    return 0;
}

/* A sketch of visitors count distinct hashes, as a blob. */
static void add_sketch(struct store *s, int64_t site, int32_t day,
                       int64_t id, uint32_t count)
{
    struct sketch *k = sketch_new();
    struct bs_err err = {0};
    unsigned char *b;
    size_t n;

    for (uint32_t i = 0; i < count; i++)
        sketch_add(k, bs_hash_seeded(&i, sizeof(i), (uint64_t)id));
    b = sketch_serialize(k, &n);
    assert_int_equal(store_add_sketch(s, site, STORE_SKETCH_PATH, day, id,
                                      NULL, b, n, &err), 0);
    free(b);
    sketch_free(k);
}

/*
 * A random database: two sites, each with imported posts and pages (some
 * with WordPress ids, two sharing one), paths never imported, and "/?p=",
 * "/?page_id=" and zero-padded links to them and to ids no post has;
 * views of 1 to 3 on random days of 0..29 (ties everywhere), a few big
 * ones, visits and visitors; then some days cleared.
 */
static void build(const char *path, uint64_t seed)
{
    struct store *s = open_ok(path, STORE_WRITE);
    struct bs_err err = {0};
    int64_t sites[2] = {0, 0};
    char name[64];

    rnd_state = seed * 2654435761u + 1;
    assert_int_equal(store_site_id(s, "other.example", 1, &sites[1], &err),
                     1);
    assert_int_equal(store_begin(s, &err), 0);
    for (int si = 0; si < 2; si++) {
        int nposts = 5 + (int)rnd(40), npaths = 5 + (int)rnd(60);

        for (int i = 0; i < nposts; i++) {
            struct store_post p = {
                .kind = rnd(3) ? URL_POST : URL_PAGE, .title = name,
                .post_id = rnd(4) ? i + 1 : (i == 3 ? 1 : 0),
            };

            snprintf(name, sizeof(name), "/post-%d/", i);
            p.path = name;
            assert_int_equal(store_put_post(s, sites[si], &p, &err), 0);
        }
        for (int k = 0, n = 40 + (int)rnd(400); k < n; k++) {
            int32_t day = (int32_t)rnd(30);
            uint32_t what = rnd(10), views = 1 + rnd(3);
            enum url_kind kind = URL_POST;
            int64_t id = 0;

            if (rnd(50) == 0)
                views = 20 + rnd(30);
            if (what < 4) {
                snprintf(name, sizeof(name), "/post-%d/", (int)rnd(nposts));
            } else if (what < 7) {
                kind = rnd(2) ? URL_POST : URL_PAGE;
                snprintf(name, sizeof(name), "/page-%d/", (int)rnd(npaths));
            } else {
                static const char *const forms[] = {"/?p=", "/?page_id=",
                                                    "/?p=0"};

                kind = URL_POSTID;
                snprintf(name, sizeof(name), "%s%d", forms[rnd(3)],
                         (int)rnd(nposts + 5) + 1);
            }
            assert_int_equal(store_add_path_views(s, sites[si], day, kind,
                                                  name, strlen(name), views,
                                                  &err), 0);
            if (rnd(3) == 0) {
                assert_int_equal(store_path_id(s, sites[si], kind, name,
                                               strlen(name), &id, &err), 0);
                assert_int_equal(store_add_visits(s, sites[si], day, id,
                                                  1 + rnd(2), &err), 0);
                add_sketch(s, sites[si], day, id, 1 + rnd(5));
            }
        }
    }
    assert_int_equal(store_commit(s, &err), 0);
    /* A recount clears days: the totals lose their rows. */
    assert_int_equal(store_begin(s, &err), 0);
    for (int i = 0, n = (int)rnd(3); i < n; i++)
        assert_int_equal(store_day_clear(s, (int32_t)rnd(30), &err), 0);
    assert_int_equal(store_commit(s, &err), 0);
    store_close(s);
}

/* The totals are the sums of what they total. */
static void totals_hold(const char *path)
{
    assert_int_equal(
        tu_sql_int(path,
                   "SELECT count(*) FROM paths p LEFT JOIN path_totals t "
                   "ON t.path_id = p.id WHERE coalesce(t.views, 0) <> "
                   "(SELECT coalesce(sum(views), 0) FROM path_views "
                   "WHERE path_id = p.id) OR coalesce(t.days, 0) <> "
                   "(SELECT count(*) FROM path_views WHERE path_id = p.id) "
                   "OR coalesce(t.visits, 0) <> "
                   "(SELECT coalesce(sum(visits), 0) FROM visits "
                   "WHERE path_id = p.id) OR coalesce(t.site, p.site) <> "
                   "p.site"),
        0);
}

typedef int top_fn(struct store *s, const struct store_filter *f,
                   int (*fn)(void *ctx, const struct store_post_row *row),
                   void *ctx, struct bs_err *err);

static int scan_most(struct store *s, const struct store_filter *f,
                     int (*fn)(void *ctx, const struct store_post_row *row),
                     void *ctx, struct bs_err *err)
{
    return store_top_posts_scan(s, f, 0, fn, ctx, err);
}

/* Two ways of the filter give the same rows, in the same order. */
static void same_rows_of(struct store *s, const struct store_filter *f,
                         top_fn *one, top_fn *ref, const char *what)
{
    struct dump a = {0}, b = {0};
    struct bs_err err = {0};

    if (one(s, f, dump_row, &a, &err))
        fail_msg("%s: %s", what, err.msg);
    if (ref(s, f, dump_row, &b, &err))
        fail_msg("%s, read: %s", what, err.msg);
    if (a.rows != b.rows || (a.n && strcmp(a.p, b.p) != 0))
        fail_msg("%s, days %d..%d, limit %lld, kind %d, site %lld:\n"
                 "found:\n%s\nread:\n%s", what, (int)f->from, (int)f->to,
                 (long long)f->limit, (int)f->kind, (long long)f->site,
                 a.n ? a.p : "", b.n ? b.p : "");
    free(a.p);
    free(b.p);
}

/* The totals' first rows, the scan's rows and the least read equal the
 * SQL that reads the range whole. */
static void same_rows(struct store *s, const struct store_filter *f)
{
    same_rows_of(s, f, store_top_posts, store_top_posts_read, "top");
    same_rows_of(s, f, scan_most, store_top_posts_read, "scan");
    same_rows_of(s, f, store_least_posts, store_least_posts_read, "least");
}

static void test_store_top__same_as_reading(void **state)
{
    struct tu_store *f = *state;
    static const enum url_kind kinds[] = {URL_OTHER, URL_POST, URL_PAGE};
    int checked = 0;
    /* 10 databases of 60 queries; 2 of 20 under valgrind, which checks
     * the memory of the same code (the plain and ASan runs keep them). */
    uint64_t seeds = TU_UNDER_VALGRIND() ? 2 : 10;
    int queries = TU_UNDER_VALGRIND() ? 20 : 60;

    for (uint64_t seed = 1; seed <= seeds; seed++) {
        struct store *s;

        tu_rmrf(f->dir);
        free(f->dir);
        free(f->path);
        f->dir = tu_tmpdir();
        f->path = tu_path(f->dir, "top.db");
        build(f->path, seed);
        totals_hold(f->path);
        s = open_ok(f->path, STORE_READ);
        for (int q = 0; q < queries; q++) {
            struct store_filter flt = {0};
            int32_t a = (int32_t)rnd(34) - 2, b = (int32_t)rnd(34) - 2;

            flt.from = a < b ? a : b;
            flt.to = a < b ? b : a;
            if (q % 6 == 0) {
                flt.from = -5;   /* every day: the totals alone */
                flt.to = 40;
            }
            flt.limit = q % 10 == 9 ? 0 : 1 + (int64_t)rnd(25);
            flt.kind = kinds[rnd(3)];
            flt.site = rnd(2) ? 0 : 1;
            same_rows(s, &flt);
            checked++;
        }
        store_close(s);
    }
    assert_int_equal(checked, (int)seeds * queries);
}

/* Rows written behind the store (as an older blogstat or a test does)
 * are totalled too, and the totals follow updates and deletes. */
static void test_store_top__totals_follow_rows(void **state)
{
    struct tu_store *f = *state;

    store_close(open_ok(f->path, STORE_WRITE));
    sql_exec(f->path,
             "INSERT INTO paths(id, site, path, kind) "
             "VALUES(1, 0, '/a/', 'post'), (2, 0, '/b/', 'page');"
             "INSERT INTO path_views(day, path_id, views) "
             "VALUES(1, 1, 5), (2, 1, 7), (1, 2, 1);"
             "INSERT INTO visits(day, path_id, visits) "
             "VALUES(1, 1, 2), (2, 2, 3);"
             "UPDATE path_views SET views = views + 10 "
             "WHERE day = 2 AND path_id = 1;"
             "DELETE FROM path_views WHERE day = 1;"
             "UPDATE visits SET visits = 4 WHERE path_id = 2;");
    totals_hold(f->path);
    assert_int_equal(tu_sql_int(f->path, "SELECT views * 100 + days FROM "
                                         "path_totals WHERE path_id = 1"),
                     1701);
    assert_int_equal(tu_sql_int(f->path, "SELECT views * 100 + visits FROM "
                                         "path_totals WHERE path_id = 2"),
                     4);
}

static void test_store_top__migrate_from_v7(void **state)
{
    struct tu_store *f = *state;
    struct bs_err err = {0};
    struct store_filter flt = {.from = 0, .to = 100, .limit = 1};
    struct dump d = {0};
    struct store *s;

    assert_int_equal(store_create_at_version(f->path, 7, &err), 0);
    sql_exec(f->path,
               "INSERT INTO sites(id, name) VALUES(1, 'b.example');"
               "INSERT INTO paths(id, site, path, kind, post_id, imported) "
               "VALUES(1, 0, '/a/', 'post', 9, 1), (2, 0, '/b/', 'page', "
               "NULL, 0), (3, 0, '/?p=9', 'postid', 9, 0), "
               "(4, 1, '/a/', 'post', NULL, 0);"
               "INSERT INTO path_views(day, path_id, views) "
               "VALUES(1, 1, 2), (2, 1, 1), (1, 2, 4), (3, 3, 2), "
               "(1, 4, 50);"
               "INSERT INTO visits(day, path_id, visits) VALUES(1, 2, 3);");
    assert_true(tu_sql_int(f->path, "SELECT count(*) FROM sqlite_master "
                                    "WHERE name = 'path_totals'") == 0);
    s = open_ok(f->path, STORE_READ);
    /* /a/ with its link: 5, more than /b/'s 4. */
    assert_int_equal(store_top_posts(s, &flt, dump_row, &d, &err), 0);
    assert_int_equal(d.rows, 1);
    assert_string_equal(d.p, "/a/||5|1|0|0\n");
    store_close(s);
    free(d.p);
    assert_int_equal(tu_sql_int(f->path, "PRAGMA user_version"),
                     STORE_SCHEMA_VERSION);
    assert_int_equal(tu_sql_int(f->path, "SELECT count(*) FROM path_totals"),
                     4);
    totals_hold(f->path);
    /* And the triggers keep them from then on. */
    s = open_ok(f->path, STORE_WRITE);
    assert_int_equal(store_begin(s, &err), 0);
    assert_int_equal(store_add_path_views(s, 0, 4, URL_PAGE, "/b/", 3, 6,
                                          &err), 0);
    assert_int_equal(store_commit(s, &err), 0);
    store_close(s);
    totals_hold(f->path);
    assert_int_equal(tu_sql_int(f->path, "SELECT views FROM path_totals "
                                         "WHERE path_id = 2"), 10);
}

/* Counts the rows. */
static int count_row(void *ctx, const struct store_post_row *r)
{
    (void)r;
    (*(int *)ctx)++;
    return 0;
}

/*
 * The first 20 of 200 posts read often among 5,000 pages read once, over
 * part of the range and all of it: a small part of the work of reading
 * the range, whatever the machine.
 */
static void test_store_top__first_rows_cheap(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct bs_err err = {0};
    char name[48];

    assert_int_equal(store_begin(s, &err), 0);
    for (int i = 0; i < 5000; i++) {
        int32_t day = i % 20;

        snprintf(name, sizeof(name), "/page-%d/", i);
        assert_int_equal(store_add_path_views(s, 0, day, URL_PAGE, name,
                                              strlen(name), 1, &err), 0);
        snprintf(name, sizeof(name), "/post-%d/", i % 200);
        assert_int_equal(store_add_path_views(s, 0, day, URL_POST, name,
                                              strlen(name), 1 + i % 3, &err),
                         0);
    }
    assert_int_equal(store_commit(s, &err), 0);
    for (int whole = 0; whole < 2; whole++) {
        struct store_filter flt = {.from = whole ? 0 : 5, .to = 19,
                                   .limit = 20};
        uint64_t before = store_query_steps(s), fast, slow;
        int a = 0, b = 0;

        assert_int_equal(store_top_posts(s, &flt, count_row, &a, &err), 0);
        fast = store_query_steps(s) - before;
        before = store_query_steps(s);
        assert_int_equal(store_top_posts_read(s, &flt, count_row, &b, &err),
                         0);
        slow = store_query_steps(s) - before;
        assert_int_equal(a, 20);
        assert_int_equal(b, 20);
        printf("  top 20 of days %d..19: %llu steps from the totals, "
               "%llu reading the range\n", (int)flt.from,
               (unsigned long long)fast, (unsigned long long)slow);
        assert_true(fast * 4 < slow);
    }
    store_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_store_top__same_as_reading,
                                        tu_store_setup, tu_store_teardown),
        cmocka_unit_test_setup_teardown(test_store_top__totals_follow_rows,
                                        tu_store_setup, tu_store_teardown),
        cmocka_unit_test_setup_teardown(test_store_top__migrate_from_v7,
                                        tu_store_setup, tu_store_teardown),
        cmocka_unit_test_setup_teardown(test_store_top__first_rows_cheap,
                                        tu_store_setup, tu_store_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
