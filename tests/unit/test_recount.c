/*
 * test_recount.c - recount.h: which days a recount takes and which it
 * leaves, logs found by fingerprint under their rotated names, and the
 * replacement of one day, whole or not at all; store.h's day items.
 */
#include "tustore.h"
#include "testsql.h"
#include "recount.h"
#include "reader.h"
#include "sketch.h"
#include "source.h"
#include "store.h"

#include <sys/stat.h>

static const unsigned char the_key[VISITOR_KEY_BYTES] = "0123456789abcdef";
static const struct source_keys keys = {the_key, NULL};

/* A source as the store keeps it: known by first_line (as the whole of
 * its log when first seen), days. */
static struct store_source source(const char *name, const char *first_line,
                                  int32_t first, int32_t max,
                                  uint64_t position)
{
    struct store_source s;
    char head[256];

    memset(&s, 0, sizeof(s));
    snprintf(head, sizeof(head), "%s\n", first_line);
    source_fingerprint(&keys, head, strlen(head), s.fingerprint);
    s.head_len = (int)strlen(head);
    snprintf(s.name, sizeof(s.name), "%s", name);
    s.has_days = 1;
    s.first_day = first;
    s.max_day = max;
    s.position = position;
    return s;
}

/* ---- the days ---------------------------------------------------------- */

static void test_days_of_range(void **state)
{
    struct recount_plan *p = recount_plan_new(100, 110, &keys);
    struct store_source a = source("a.log", "line a", 95, 101, 10);
    struct store_source b = source("b.log", "line b", 108, 120, 10);
    struct store_source c = source("c.log", "line c", 200, 201, 10);
    const char *name = NULL, *why = NULL;

    (void)state;
    recount_plan_add_source(p, &a);
    recount_plan_add_source(p, &b);
    recount_plan_add_source(p, &c);     /* out of the range: no day */
    recount_plan_add_day(p, 105);       /* data, but no log known */
    recount_plan_add_day(p, 101);       /* also a's */
    recount_plan_add_day(p, 99);        /* before the range */
    /* 100, 101 (a), 105, 108, 109, 110 (b, clipped), once each. */
    assert_int_equal(recount_plan_ndays(p), 6);
    assert_int_equal(recount_plan_day_at(p, 0), 100);
    assert_int_equal(recount_plan_day_at(p, 1), 101);
    assert_int_equal(recount_plan_day_at(p, 2), 105);
    assert_int_equal(recount_plan_day_at(p, 5), 110);
    assert_int_equal(recount_plan_day(p, 105, &name, &why),
                     RECOUNT_DAY_UNKNOWN);
    /* No log found yet: every day of one is missing, and names it. */
    assert_int_equal(recount_plan_day(p, 100, &name, &why),
                     RECOUNT_DAY_MISSING);
    assert_string_equal(name, "a.log");
    recount_plan_free(p);
}

/* ---- finding the logs ---------------------------------------------------- */

static void test_offer_by_fingerprint(void **state)
{
    struct tu_store *f = *state;
    const char one[] = "line a\nline a2\n", other[] = "line z\n";
    char *pa = tu_write(f->dir, "moved.log", one, sizeof(one) - 1);
    char *pz = tu_write_gz(f->dir, "other.gz", other, sizeof(other) - 1);
    char *pg = tu_write_gz(f->dir, "moved.gz", one, sizeof(one) - 1);
    struct recount_plan *p = recount_plan_new(0, 10, &keys);
    struct store_source a = source("gone/a.log", "line a", 1, 2,
                                   sizeof(one) - 1);
    struct store_source b = source("gone/b.log", "line b", 2, 3, 7);
    const char *name, *why;
    char **paths;
    uint64_t *stops;

    recount_plan_add_source(p, &a);
    recount_plan_add_source(p, &b);
    assert_int_equal(recount_plan_offer(p, pz), 0);     /* no such log */
    assert_int_equal(recount_plan_offer(p, "/nonexistent/x"), 0);
    assert_int_equal(recount_plan_offer(p, pa), 1);
    /* Found already: a second copy is not taken. */
    assert_int_equal(recount_plan_offer(p, pg), 0);
    recount_plan_search(p);                /* b is nowhere */
    assert_int_equal(recount_plan_day(p, 1, &name, &why),
                     RECOUNT_DAY_READY);
    assert_int_equal(recount_plan_day(p, 2, &name, &why),
                     RECOUNT_DAY_MISSING);
    assert_string_equal(name, "gone/b.log");
    assert_non_null(strstr(why, "not on disk"));
    assert_int_equal(recount_plan_day(p, 3, &name, &why),
                     RECOUNT_DAY_MISSING);
    /* a is read for day 1, to where it was read. */
    assert_int_equal(recount_plan_files(p, &paths, &stops), 1);
    assert_string_equal(paths[0], pa);
    assert_int_equal(stops[0], sizeof(one) - 1);
    /* Not what was read after all: its days go too. */
    recount_plan_reject(p, a.fingerprint, "damaged");
    assert_int_equal(recount_plan_day(p, 1, &name, &why),
                     RECOUNT_DAY_MISSING);
    assert_string_equal(why, "damaged");
    assert_int_equal(recount_plan_files(p, &paths, &stops), 0);
    recount_plan_free(p);
    free(pa);
    free(pz);
    free(pg);
}

static void collect(void *ctx, const char *path)
{
    char *buf = ctx;
    const char *slash = strrchr(path, '/');

    strcat(buf, slash ? slash + 1 : path);
    strcat(buf, " ");
}

static int has_word(const char *list, const char *w)
{
    char pat[64];

    snprintf(pat, sizeof(pat), "%s ", w);
    for (const char *p = list; (p = strstr(p, pat)); p++)
        if (p == list || p[-1] == ' ')
            return 1;
    return 0;
}

static void test_rotated_siblings(void **state)
{
    struct tu_store *f = *state;
    const char one[] = "first line\nsecond\n", two[] = "another\n";
    const char *names[] = {"access.log", "access.log.1", "access.log.2.gz",
                           "access.log-20240101.gz", "error.log"};
    char list[512] = "", *name, *sub;
    struct recount_plan *p = recount_plan_new(0, 10, &keys);
    struct store_source s = source("", "first line", 4, 4, sizeof(one) - 1);
    const char *n, *why;
    char **paths;
    uint64_t *stops;

    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        free(i == 2 ? tu_write_gz(f->dir, names[i], one, sizeof(one) - 1)
                    : tu_write(f->dir, names[i], two, sizeof(two) - 1));
    sub = tu_path(f->dir, "access.log.3.gz");
    assert_int_equal(mkdir(sub, 0700), 0);   /* a folder: not a log */
    /* The log last read as access.log.1 may be any of its family. */
    name = tu_path(f->dir, "access.log.1");
    recount_siblings(name, collect, list);
    assert_true(has_word(list, "access.log"));
    assert_true(has_word(list, "access.log.1"));
    assert_true(has_word(list, "access.log.2.gz"));
    assert_true(has_word(list, "access.log-20240101.gz"));
    assert_false(has_word(list, "error.log"));
    assert_false(has_word(list, "access.log.3.gz"));
    /* ... and the search finds it by its first line, compressed now. */
    snprintf(s.name, sizeof(s.name), "%s", name);
    recount_plan_add_source(p, &s);
    recount_plan_search(p);
    assert_int_equal(recount_plan_day(p, 4, &n, &why), RECOUNT_DAY_READY);
    assert_int_equal(recount_plan_files(p, &paths, &stops), 1);
    assert_non_null(strstr(paths[0], "access.log.2.gz"));
    recount_plan_free(p);
    free(name);
    free(sub);
}

/* ---- one day replaced --------------------------------------------------- */

static struct store *open_store(const char *dir, const char *name)
{
    char *path = tu_path(dir, name);
    struct bs_err err = {0};
    struct store *s = store_open(path, STORE_WRITE, &err);

    assert_non_null(s);
    free(path);
    return s;
}

/* Some counts of day in s: views of path, a tag, a country, a visitor
 * sketch, a referrer of the tag page, a search term, visits. */
static void fill(struct store *s, int32_t day, const char *path,
                 uint64_t views)
{
    struct bs_err err = {0};
    struct sketch *sk = sketch_new();
    unsigned char *blob;
    size_t n;
    int64_t id;

    sketch_add(sk, 0x1234 + views);
    blob = sketch_serialize(sk, &n);
    assert_int_equal(store_begin(s, &err), 0);
    assert_int_equal(store_add_day(s, 0, day, views + 1, views, 1, 0, &err),
                     0);
    assert_int_equal(store_add_path_views(s, 0, day, URL_POST, path,
                                          strlen(path), views, &err), 0);
    assert_int_equal(store_add_term_views(s, 0, day, URL_TAG, "eu", 2, views,
                                          &err), 0);
    assert_int_equal(store_add_country_views(s, 0, day, "SE", views, &err),
                     0);
    assert_int_equal(store_add_sketch(s, 0, STORE_SKETCH_DAY, day, 0, NULL,
                                      blob, n, &err), 0);
    assert_int_equal(store_path_id(s, 0, URL_TAG, "eu", 2, &id, &err), 0);
    assert_int_equal(store_add_referrer(s, 0, day, id, "example.org", 11,
                                        "other", views, &err), 0);
    assert_int_equal(store_add_search_term(s, 0, day, "privacy", 7, views,
                                           &err), 0);
    assert_int_equal(store_add_visits(s, 0, day, id, 1, &err), 0);
    assert_int_equal(store_add_visits(s, 0, day, 0, 1, &err), 0);
    assert_int_equal(store_commit(s, &err), 0);
    free(blob);
    sketch_free(sk);
}

static int64_t q(const char *dir, const char *db, const char *sql)
{
    char *path = tu_path(dir, db);
    int64_t v = tu_sql_int(path, sql);

    free(path);
    return v;
}

/* A column of to.db's days row of day. */
static int64_t day_n(const struct tu_store *f, const char *col, int32_t day)
{
    char sql[128];

    snprintf(sql, sizeof(sql), "SELECT %s FROM days WHERE day = %d", col,
             (int)day);
    return q(f->dir, "to.db", sql);
}

static void test_replace_day(void **state)
{
    struct tu_store *f = *state;
    struct store *to = open_store(f->dir, "to.db");
    struct store *from = open_store(f->dir, "from.db");
    struct bs_err err = {0};
    int64_t id;

    /* Ids differ between the two: "to" has a path "from" lacks. */
    assert_int_equal(store_begin(to, &err), 0);
    assert_int_equal(store_path_id(to, 0, URL_PAGE, "/first/", 7, &id, &err),
                     0);
    assert_int_equal(store_commit(to, &err), 0);
    fill(to, 10, "/old/", 5);
    fill(to, 11, "/old/", 7);
    fill(from, 10, "/new/", 3);
    assert_int_equal(recount_day(to, from, 10, 0, &err), 0);
    /* Day 10 is from's, by name; day 11 as it was. */
    assert_int_equal(day_n(f, "views", 10),
                     3);
    assert_int_equal(day_n(f, "hits", 10),
                     4);
    assert_int_equal(day_n(f, "visits", 10),
                     1);
    assert_int_equal(q(f->dir, "to.db", "SELECT count(*) FROM path_views v "
                       "JOIN paths p ON p.id = v.path_id WHERE day = 10 "
                       "AND p.path = '/new/' AND views = 3"), 1);
    assert_int_equal(q(f->dir, "to.db", "SELECT count(*) FROM path_views "
                       "WHERE day = 10"), 1);
    assert_int_equal(q(f->dir, "to.db", "SELECT views FROM term_views v JOIN "
                       "terms t ON t.id = v.term_id WHERE day = 10 AND "
                       "t.name = 'eu'"), 3);
    assert_int_equal(q(f->dir, "to.db", "SELECT r.views FROM referrers r JOIN "
                       "paths p ON p.id = r.path_id WHERE r.day = 10 AND "
                       "p.path = 'tag:eu' AND p.kind = 'tag'"), 3);
    assert_int_equal(q(f->dir, "to.db", "SELECT views FROM search_terms "
                       "WHERE day = 10"), 3);
    assert_int_equal(q(f->dir, "to.db", "SELECT views FROM country_views "
                       "WHERE day = 10 AND country = 'SE'"), 3);
    assert_int_equal(q(f->dir, "to.db", "SELECT v.visits FROM visits v JOIN "
                       "paths p ON p.id = v.path_id WHERE v.day = 10 AND "
                       "p.path = 'tag:eu'"), 1);
    /* One visitor: a sparse sketch of one hash (1 + 4 + 8 bytes). */
    assert_int_equal(q(f->dir, "to.db", "SELECT length(sketch) FROM "
                       "day_sketches WHERE day = 10"), 13);
    assert_int_equal(day_n(f, "views", 11),
                     7);
    assert_int_equal(q(f->dir, "to.db", "SELECT count(*) FROM path_views "
                       "WHERE day = 11"), 1);
    /* Twice is once. */
    assert_int_equal(recount_day(to, from, 10, 0, &err), 0);
    assert_int_equal(day_n(f, "views", 10),
                     3);
    /* A day from lacks goes empty. */
    assert_int_equal(recount_day(to, from, 11, 0, &err), 0);
    assert_int_equal(q(f->dir, "to.db", "SELECT count(*) FROM days "
                       "WHERE day = 11"), 0);
    store_close(to);
    store_close(from);
}

static void test_replace_day_whole_or_not(void **state)
{
    struct tu_store *f = *state;
    struct store *to = open_store(f->dir, "to.db");
    struct store *from = open_store(f->dir, "from.db");
    struct bs_err err = {0};
    char *path = tu_path(f->dir, "from.db");
    sqlite3 *db;

    fill(to, 10, "/old/", 5);
    fill(from, 10, "/new/", 3);
    /* A damaged sketch in from, read after the day's other rows. */
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "INSERT INTO country_sketches(site, "
                                  "day, country, sketch) VALUES(0, 10, 'SE', "
                                  "x'07')", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(recount_day(to, from, 10, 0, &err), -1);
    assert_int_not_equal(err.status, 0);
    /* to's day is the old one, every row of it. */
    assert_int_equal(day_n(f, "views", 10),
                     5);
    assert_int_equal(q(f->dir, "to.db", "SELECT count(*) FROM path_views v "
                       "JOIN paths p ON p.id = v.path_id WHERE day = 10 "
                       "AND p.path = '/old/'"), 1);
    assert_int_equal(q(f->dir, "to.db", "SELECT count(*) FROM path_views v "
                       "JOIN paths p ON p.id = v.path_id WHERE p.path = "
                       "'/new/'"), 0);
    /* And the store goes on: a transaction can begin. */
    assert_int_equal(store_begin(to, &err), 0);
    store_rollback(to);
    free(path);
    store_close(to);
    store_close(from);
}

/* Open visits go over with their landing page by name, only to an open
 * day. */
static void test_open_visits(void **state)
{
    struct tu_store *f = *state;
    struct store *to = open_store(f->dir, "to.db");
    struct store *from = open_store(f->dir, "from.db");
    struct bs_err err = {0};
    struct visit v[2] = {{.start = 100, .end = 200}, {.start = 5000,
                                                      .end = 5000}};
    int64_t id, pad;

    assert_int_equal(store_begin(from, &err), 0);
    assert_int_equal(store_path_id(from, 0, URL_POST, "/x/", 3, &id, &err),
                     0);
    v[0].landing = v[1].landing = id;
    assert_int_equal(store_open_visits_put(from, 10, 77, v, 2, &err), 0);
    assert_int_equal(store_commit(from, &err), 0);
    assert_int_equal(store_begin(to, &err), 0);
    assert_int_equal(store_path_id(to, 0, URL_PAGE, "/pad/", 5, &pad, &err),
                     0);
    assert_int_equal(store_commit(to, &err), 0);
    assert_int_equal(recount_day(to, from, 10, 0, &err), 0);
    assert_int_equal(q(f->dir, "to.db",
                       "SELECT count(*) FROM open_visit_sets"), 0);
    assert_int_equal(recount_day(to, from, 10, 1, &err), 0);
    /* Visitor 77 (4D) of day 10, its two visits as two records of one
     * visit each (items come one visit at a time), one after another. */
    assert_int_equal(q(f->dir, "to.db", "SELECT count(*) FROM "
                       "open_visit_sets WHERE day = 10 AND "
                       "length(visitors) = 2 * (10 + 16) AND "
                       "hex(substr(visitors, 1, 10)) = "
                       "'4D000000000000000100' AND "
                       "substr(visitors, 1, 10) = substr(visitors, 27, 10)"),
                     1);
    /* The landing is to's id of "/x/", in both visits. */
    id = q(f->dir, "to.db", "SELECT id FROM paths WHERE path = '/x/'");
    assert_true(id > 0 && id != pad);
    assert_int_equal(q(f->dir, "to.db", "SELECT count(*) FROM "
                       "open_visit_sets o, paths p WHERE p.path = '/x/' AND "
                       "hex(substr(o.visitors, 19, 8)) = "
                       "printf('%02X00000000000000', p.id) AND "
                       "substr(o.visitors, 19, 8) = substr(o.visitors, 45, 8)"),
                     1);
    store_close(to);
    store_close(from);
}

int main(void)
{
#define T(name) \
    cmocka_unit_test_setup_teardown(name, tu_store_setup, tu_store_teardown)
    const struct CMUnitTest tests[] = {
        T(test_days_of_range),
        T(test_offer_by_fingerprint),
        T(test_rotated_siblings),
        T(test_replace_day),
        T(test_replace_day_whole_or_not),
        T(test_open_visits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
