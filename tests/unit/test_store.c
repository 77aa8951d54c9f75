/*
 * test_store.c - store.h: the SQLite database. Each test works on a fresh
 * database in its own temporary directory; the file is checked from the
 * outside with sqlite3 where the store's API cannot tell (file mode,
 * schema version, journal mode, the bytes stored).
 */
#include "testsql.h"
#include "tustore.h"
#include "sketch.h"
#include "store.h"

#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/types.h>

/* ---- helpers ---------------------------------------------------------- */

#define MAXROWS 64

/*
 * The rows of any query in one shape, so that a test reads each query's
 * rows alike: the text fields in s, the numbers in n, in the order each
 * keep_*() below copies them from the query's typed row.
 */
struct rows {
    int count;
    int stop_after;          /* 0: never stop */
    struct {
        char s[3][256];
        int64_t n[8];
    } r[MAXROWS];
};

/* The queries of store.h, by name. */
enum q {
    Q_TOP_POSTS, Q_TOP_TAGS, Q_TOP_CATEGORIES, Q_TOP_COUNTRIES, Q_DAYS,
    Q_FILES, Q_POST_INFO, Q_POST_DAYS, Q_POST_COUNTRIES, Q_POST_TERMS,
    Q_LEAST_POSTS, Q_RANGE, Q_TOP_REFERRERS, Q_TOP_SEARCH_TERMS, Q_SOURCES,
    Q_POST_RANGE, Q_POST_REFERRERS, Q_SITES, Q_DAY_COUNTS
};

/* A new row: its text fields "" until set. */
static int row_add(struct rows *rs)
{
    assert_true(rs->count < MAXROWS);
    memset(&rs->r[rs->count], 0, sizeof(rs->r[0]));
    return rs->count++;
}

static void row_text(struct rows *rs, int i, int col, const char *t)
{
    assert_non_null(t);
    assert_true(strlen(t) < sizeof(rs->r[0].s[0]));
    strcpy(rs->r[i].s[col], t);
}

static int row_done(struct rows *rs)
{
    return rs->stop_after && rs->count >= rs->stop_after ? -1 : 0;
}

/* s: path, title; n: views, id, visitors, visits */
static int keep_post(void *ctx, const struct store_post_row *row)
{
    struct rows *rs = ctx;
    int i = row_add(rs);

    row_text(rs, i, 0, row->path);
    row_text(rs, i, 1, row->title);
    rs->r[i].n[0] = row->views;
    rs->r[i].n[1] = row->id;
    rs->r[i].n[2] = row->visitors;
    rs->r[i].n[3] = row->visits;
    return row_done(rs);
}

/* s: name; n: post_views, archive_views, visitors */
static int keep_term(void *ctx, const struct store_term_row *row)
{
    struct rows *rs = ctx;
    int i = row_add(rs);

    row_text(rs, i, 0, row->name);
    rs->r[i].n[0] = row->post_views;
    rs->r[i].n[1] = row->archive_views;
    rs->r[i].n[2] = row->visitors;
    return row_done(rs);
}

/* s: code, name; n: views, visitors (0 when not counted) */
static int keep_country(void *ctx, const struct store_country_row *row)
{
    struct rows *rs = ctx;
    int i = row_add(rs);

    row_text(rs, i, 0, row->code);
    row_text(rs, i, 1, row->name);
    rs->r[i].n[0] = row->views;
    rs->r[i].n[1] = row->visitors < 0 ? 0 : row->visitors;
    return row_done(rs);
}

/* s: "YYYY-MM-DD"; n: views, hits, robots, bad, visitors, visits */
static int keep_day(void *ctx, const struct store_day_row *row)
{
    struct rows *rs = ctx;
    int i = row_add(rs);

    day_format(row->day, rs->r[i].s[0]);
    rs->r[i].n[0] = row->views;
    rs->r[i].n[1] = row->hits;
    rs->r[i].n[2] = row->robots;
    rs->r[i].n[3] = row->bad;
    rs->r[i].n[4] = row->visitors;
    rs->r[i].n[5] = row->visits;
    return row_done(rs);
}

/* s: name, error, last read; n: lines, bad, hits, gzip, size, position,
 * state */
static int keep_file(void *ctx, const struct store_file_row *row)
{
    struct rows *rs = ctx;
    int i = row_add(rs);

    row_text(rs, i, 0, row->name);
    row_text(rs, i, 1, row->error);
    row_text(rs, i, 2, row->last_read);
    rs->r[i].n[0] = row->lines;
    rs->r[i].n[1] = row->bad_lines;
    rs->r[i].n[2] = row->hits;
    rs->r[i].n[3] = row->gzip;
    rs->r[i].n[4] = row->size;
    rs->r[i].n[5] = row->position;
    rs->r[i].n[6] = row->state;
    return row_done(rs);
}

/* s: path, title, kind; n: published (-1: none), has it */
static int keep_post_info(void *ctx, const struct store_post_info *row)
{
    struct rows *rs = ctx;
    int i = row_add(rs);

    row_text(rs, i, 0, row->path);
    row_text(rs, i, 1, row->title);
    row_text(rs, i, 2, url_kind_name(row->kind));
    rs->r[i].n[0] = row->has_published ? row->published : -1;
    rs->r[i].n[1] = row->has_published;
    return row_done(rs);
}

/* s: "YYYY-MM-DD"; n: views, visitors, visits */
static int keep_post_day(void *ctx, const struct store_post_day_row *row)
{
    struct rows *rs = ctx;
    int i = row_add(rs);

    day_format(row->day, rs->r[i].s[0]);
    rs->r[i].n[0] = row->views;
    rs->r[i].n[1] = row->visitors;
    rs->r[i].n[2] = row->visits;
    return row_done(rs);
}

/* s: "tag" or "category", name */
static int keep_post_term(void *ctx, const struct store_post_term_row *row)
{
    struct rows *rs = ctx;
    int i = row_add(rs);

    assert_true(row->taxonomy == URL_TAG || row->taxonomy == URL_CATEGORY);
    row_text(rs, i, 0, url_kind_name(row->taxonomy));
    row_text(rs, i, 1, row->name);
    return row_done(rs);
}

/* s: host, class; n: views */
static int keep_referrer(void *ctx, const struct store_referrer_row *row)
{
    struct rows *rs = ctx;
    int i = row_add(rs);

    row_text(rs, i, 0, row->host);
    row_text(rs, i, 1, ref_class_name(row->cls));
    rs->r[i].n[0] = row->views;
    return row_done(rs);
}

/* s: term; n: views */
static int keep_search(void *ctx, const struct store_search_row *row)
{
    struct rows *rs = ctx;
    int i = row_add(rs);

    row_text(rs, i, 0, row->term);
    rs->r[i].n[0] = row->views;
    return row_done(rs);
}

/* s: class; n: views */
static int keep_source(void *ctx, const struct store_source_row *row)
{
    struct rows *rs = ctx;
    int i = row_add(rs);

    row_text(rs, i, 0, ref_class_name(row->cls));
    rs->r[i].n[0] = row->views;
    return row_done(rs);
}

/* s: name; n: views, visitors, hits, id */
static int keep_site(void *ctx, const struct store_site_row *row)
{
    struct rows *rs = ctx;
    int i = row_add(rs);

    row_text(rs, i, 0, row->name);
    rs->r[i].n[0] = row->views;
    rs->r[i].n[1] = row->visitors;
    rs->r[i].n[2] = row->hits;
    rs->r[i].n[3] = row->id;
    return row_done(rs);
}

/* n: visitors, visits (one row) */
static void keep_audience(struct rows *rs, const struct store_audience *a)
{
    int i = row_add(rs);

    rs->r[i].n[0] = a->visitors;
    rs->r[i].n[1] = a->visits;
}

/* Run query q into rs (rows added to those there): 0, or -1 with err. */
static int run_query(struct store *s, enum q q, const struct store_filter *f,
                     struct rows *rs, struct bs_err *err)
{
    struct store_audience a;

    switch (q) {
    case Q_TOP_POSTS: return store_top_posts(s, f, keep_post, rs, err);
    case Q_LEAST_POSTS: return store_least_posts(s, f, keep_post, rs, err);
    case Q_TOP_TAGS:
        return store_top_terms(s, f, URL_TAG, keep_term, rs, err);
    case Q_TOP_CATEGORIES:
        return store_top_terms(s, f, URL_CATEGORY, keep_term, rs, err);
    case Q_TOP_COUNTRIES:
        return store_top_countries(s, f, keep_country, rs, err);
    case Q_DAYS: return store_days(s, f, keep_day, rs, err);
    case Q_DAY_COUNTS: return store_day_counts(s, f, keep_day, rs, err);
    case Q_FILES: return store_files(s, f, keep_file, rs, err);
    case Q_POST_INFO: return store_post_info(s, f, keep_post_info, rs, err);
    case Q_POST_DAYS: return store_post_days(s, f, keep_post_day, rs, err);
    case Q_POST_COUNTRIES:
        return store_post_countries(s, f, keep_country, rs, err);
    case Q_POST_TERMS: return store_post_terms(s, f, keep_post_term, rs, err);
    case Q_TOP_REFERRERS:
        return store_top_referrers(s, f, keep_referrer, rs, err);
    case Q_TOP_SEARCH_TERMS:
        return store_top_search_terms(s, f, keep_search, rs, err);
    case Q_SOURCES: return store_sources(s, f, keep_source, rs, err);
    case Q_POST_REFERRERS:
        return store_post_referrers(s, f, keep_referrer, rs, err);
    case Q_SITES: return store_sites(s, f, keep_site, rs, err);
    case Q_RANGE:
        if (store_range(s, f, &a, err))
            return -1;
        keep_audience(rs, &a);
        return 0;
    case Q_POST_RANGE:
        if (store_post_range(s, f, &a, err))
            return -1;
        keep_audience(rs, &a);
        return 0;
    }
    fail_msg("query %d", (int)q);
    return -1;
}

static void query(struct store *s, enum q q, int32_t from,
                  int32_t to, int64_t limit, struct rows *rs)
{
    struct bs_err err;
    struct store_filter f = {from, to, limit, URL_OTHER, 0, 0};

    memset(&err, 0, sizeof(err));
    memset(rs, 0, sizeof(*rs));
    if (run_query(s, q, &f, rs, &err) != 0)
        fail_msg("query %d: %d %s", (int)q, err.status, err.msg);
    assert_int_equal(err.status, 0);
}

/* Everything. */
static void query_all(struct store *s, enum q q, struct rows *rs)
{
    query(s, q, INT32_MIN, INT32_MAX, 0, rs);
}

static struct store *open_ok(const char *path, enum store_mode mode)
{
    struct bs_err err;
    struct store *s;

    memset(&err, 0, sizeof(err));
    s = store_open(path, mode, &err);
    if (!s)
        fail_msg("store_open(%s, %d): %d %s", path, (int)mode, err.status,
                 err.msg);
    assert_int_equal(err.status, 0);
    return s;
}

/* store_open that must fail with status; returns nothing, checks msg. */
static void open_fails(const char *path, enum store_mode mode, int status,
                       const char *needle)
{
    struct bs_err err;
    struct store *s;

    memset(&err, 0, sizeof(err));
    s = store_open(path, mode, &err);
    if (s) {
        store_close(s);
        fail_msg("store_open(%s, %d) succeeded, expected status %d", path,
                 (int)mode, status);
    }
    if (err.status != status)
        fail_msg("store_open(%s, %d): status %d (%s), expected %d", path,
                 (int)mode, err.status, err.msg, status);
    assert_non_null(strstr(err.msg, path));
    assert_null(strchr(err.msg, '\n'));
    if (needle && !strstr(err.msg, needle))
        fail_msg("message '%s' does not say '%s'", err.msg, needle);
}

static void begin(struct store *s)
{
    struct bs_err err;

    memset(&err, 0, sizeof(err));
    if (store_begin(s, &err) != 0)
        fail_msg("store_begin: %d %s", err.status, err.msg);
}

static void commit(struct store *s)
{
    struct bs_err err;

    memset(&err, 0, sizeof(err));
    if (store_commit(s, &err) != 0)
        fail_msg("store_commit: %d %s", err.status, err.msg);
}

static void add_day(struct store *s, int32_t day, uint64_t hits,
                    uint64_t views, uint64_t robots, uint64_t bad)
{
    struct bs_err err;

    memset(&err, 0, sizeof(err));
    assert_int_equal(store_add_day(s, 0, day, hits, views, robots, bad, &err),
                     0);
}

/* The kind named name ("post", "tag" ...), as the tests name kinds. */
static enum url_kind K(const char *name)
{
    for (int k = 0; k < URL_NKINDS; k++)
        if (strcmp(url_kind_name((enum url_kind)k), name) == 0)
            return (enum url_kind)k;
    fail_msg("no kind '%s'", name);
    return URL_OTHER;
}

static void add_path(struct store *s, int32_t day, const char *kind,
                     const char *path, uint64_t views)
{
    struct bs_err err;

    memset(&err, 0, sizeof(err));
    assert_int_equal(store_add_path_views(s, 0, day, K(kind), path, strlen(path),
                                          views, &err), 0);
}

static void add_term(struct store *s, int32_t day, const char *taxonomy,
                     const char *name, uint64_t views)
{
    struct bs_err err;

    memset(&err, 0, sizeof(err));
    assert_int_equal(store_add_term_views(s, 0, day, K(taxonomy), name,
                                          strlen(name), views, &err), 0);
}

static void add_country(struct store *s, int32_t day, const char *cc,
                        uint64_t views)
{
    struct bs_err err;

    memset(&err, 0, sizeof(err));
    assert_int_equal(store_add_country_views(s, 0, day, cc, views, &err), 0);
}

/* One integer from sql on the file at path, through a separate handle. */
static int64_t sql_int(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int64_t v;

    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL),
                     SQLITE_OK);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* One text from sql, copied into buf. */
static const char *sql_text(const char *path, const char *sql, char *buf,
                            size_t cap)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    const unsigned char *t;

    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL),
                     SQLITE_OK);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    t = sqlite3_column_text(st, 0);
    snprintf(buf, cap, "%s", t ? (const char *)t : "(null)");
    sqlite3_finalize(st);
    sqlite3_close(db);
    return buf;
}

static void sql_exec(const char *path, const char *sql)
{
    sqlite3 *db;
    char *msg = NULL;

    assert_int_equal(sqlite3_open_v2(path, &db,
                                     SQLITE_OPEN_READWRITE |
                                         SQLITE_OPEN_CREATE, NULL),
                     SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg ? msg : "?");
    sqlite3_close(db);
}

static int32_t D(int y, unsigned m, unsigned d)
{
    return days_from_civil(y, m, d);
}

/* ---- opening ---------------------------------------------------------- */

static void test_store__create(void **state)
{
    struct tu_store *f = *state;
    struct store *s;
    struct stat st;
    char buf[64];

    s = open_ok(f->path, STORE_WRITE);
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_true(S_ISREG(st.st_mode));
    store_close(s);

    assert_int_equal(sql_int(f->path, "PRAGMA user_version"),
                     STORE_SCHEMA_VERSION);
    assert_string_equal(sql_text(f->path, "PRAGMA journal_mode", buf,
                                 sizeof(buf)), "wal");
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sqlite_master "
                                      "WHERE type = 'table' AND name IN "
                                      "('days', 'paths', 'path_views', "
                                      "'terms', 'term_views', "
                                      "'country_views', 'country_names', "
                                      "'post_terms', 'post_country_views', "
                                      "'sources')"), 10);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sqlite_master "
                                      "WHERE name = 'files'"), 0);

    /* Opened again, for writing and for reading: same file, same mode. */
    s = open_ok(f->path, STORE_WRITE);
    store_close(s);
    s = open_ok(f->path, STORE_READ);
    store_close(s);
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(sql_int(f->path, "PRAGMA user_version"),
                     STORE_SCHEMA_VERSION);
}

/* An existing empty file (touch blog.db) becomes a database. */
static void test_store__create_in_empty_file(void **state)
{
    struct tu_store *f = *state;
    struct store *s;
    int32_t a = 1, b = 2;
    struct bs_err err;

    free(tu_write(f->dir, "blog.db", "", 0));
    s = open_ok(f->path, STORE_WRITE);
    memset(&err, 0, sizeof(err));
    assert_int_equal(store_day_span(s, 0, &a, &b, &err), 0);
    store_close(s);
    assert_int_equal(sql_int(f->path, "PRAGMA user_version"),
                     STORE_SCHEMA_VERSION);
}

/* ---- writing and reading --------------------------------------------- */

static void test_store__days_sum_across_transactions(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct rows rs;

    begin(s);
    add_day(s, D(2013, 2, 8), 100, 40, 30, 2);
    add_day(s, D(2013, 2, 7), 10, 4, 3, 1);
    add_day(s, D(2013, 2, 7), 1, 1, 0, 0);      /* same tx, same day */
    commit(s);
    begin(s);
    add_day(s, D(2013, 2, 7), 5, 2, 1, 7);
    add_day(s, D(2013, 2, 6), 9, 8, 0, 0);
    commit(s);

    query_all(s, Q_DAYS, &rs);
    assert_int_equal(rs.count, 3);
    /* Oldest first: day, then views, hits, robots, bad. */
    assert_string_equal(rs.r[0].s[0], "2013-02-06");
    assert_int_equal(rs.r[0].n[0], 8);
    assert_int_equal(rs.r[0].n[1], 9);
    assert_int_equal(rs.r[0].n[2], 0);
    assert_int_equal(rs.r[0].n[3], 0);
    assert_string_equal(rs.r[1].s[0], "2013-02-07");
    assert_int_equal(rs.r[1].n[0], 4 + 1 + 2);
    assert_int_equal(rs.r[1].n[1], 10 + 1 + 5);
    assert_int_equal(rs.r[1].n[2], 3 + 0 + 1);
    assert_int_equal(rs.r[1].n[3], 1 + 0 + 7);
    assert_string_equal(rs.r[2].s[0], "2013-02-08");
    assert_int_equal(rs.r[2].n[0], 40);
    assert_int_equal(rs.r[2].n[1], 100);
    assert_int_equal(rs.r[2].n[2], 30);
    assert_int_equal(rs.r[2].n[3], 2);
    assert_string_equal(rs.r[2].s[1], "");
    assert_string_equal(rs.r[2].s[2], "");
    assert_int_equal(rs.r[2].n[4], 0);
    assert_int_equal(rs.r[2].n[5], 0);
    store_close(s);
}

static void test_store__paths_sum_across_transactions(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct rows rs;

    begin(s);
    add_path(s, D(2013, 2, 7), "post", "/2013/02/07/a/", 3);
    add_path(s, D(2013, 2, 8), "post", "/2013/02/07/a/", 4);
    add_path(s, D(2013, 2, 7), "post", "/2013/02/07/b/", 1);
    commit(s);
    store_close(s);

    /* Another handle, another transaction: the upserts add up. */
    s = open_ok(f->path, STORE_WRITE);
    begin(s);
    add_path(s, D(2013, 2, 7), "post", "/2013/02/07/a/", 10);
    add_path(s, D(2013, 2, 7), "post", "/2013/02/07/b/", 20);
    commit(s);

    query_all(s, Q_TOP_POSTS, &rs);
    assert_int_equal(rs.count, 2);
    assert_string_equal(rs.r[0].s[0], "/2013/02/07/b/");
    assert_string_equal(rs.r[0].s[1], "");          /* no title yet */
    assert_int_equal(rs.r[0].n[0], 21);
    assert_string_equal(rs.r[1].s[0], "/2013/02/07/a/");
    assert_int_equal(rs.r[1].n[0], 17);
    store_close(s);
    /* The second number is the path's id, for the report's post pages. */
    assert_int_equal(rs.r[1].n[1],
                     sql_int(f->path, "SELECT id FROM paths "
                                      "WHERE path = '/2013/02/07/a/'"));

    /* One row per path and per (day, path). */
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM paths"), 2);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM path_views"), 3);
}

/* Five days of data to query ranges over. */
static void fill_five_days(struct store *s, int32_t d0)
{
    begin(s);
    for (int i = 0; i < 5; i++) {
        char cc[3] = {'A', (char)('A' + i), '\0'};

        add_day(s, d0 + i, 100 + (uint64_t)i, 10 + (uint64_t)i, 1, 0);
        add_path(s, d0 + i, "post", "/p/", 1u << i);
        add_term(s, d0 + i, "tag", "t", 1u << i);
        add_term(s, d0 + i, "category", "c", 1u << i);
        add_country(s, d0 + i, "SE", 1u << i);
        add_country(s, d0 + i, cc, 1);
    }
    commit(s);
}

static void test_store__day_range_inclusive(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    int32_t d0 = D(2020, 2, 27);   /* 27, 28, 29 (leap), 1 March, 2 March */
    struct rows rs;

    fill_five_days(s, d0);

    query(s, Q_DAYS, d0 + 1, d0 + 3, 0, &rs);
    assert_int_equal(rs.count, 3);
    assert_string_equal(rs.r[0].s[0], "2020-02-28");
    assert_string_equal(rs.r[1].s[0], "2020-02-29");
    assert_string_equal(rs.r[2].s[0], "2020-03-01");
    assert_int_equal(rs.r[0].n[0], 11);
    assert_int_equal(rs.r[2].n[1], 103);

    /* Views of days 1..3: 2 + 4 + 8. */
    query(s, Q_TOP_POSTS, d0 + 1, d0 + 3, 0, &rs);
    assert_int_equal(rs.count, 1);
    assert_int_equal(rs.r[0].n[0], 14);
    query(s, Q_TOP_TAGS, d0 + 1, d0 + 3, 0, &rs);
    assert_int_equal(rs.count, 1);
    assert_int_equal(rs.r[0].n[1], 14);
    query(s, Q_TOP_CATEGORIES, d0 + 1, d0 + 3, 0, &rs);
    assert_int_equal(rs.count, 1);
    assert_int_equal(rs.r[0].n[1], 14);
    query(s, Q_TOP_COUNTRIES, d0 + 1, d0 + 3, 0, &rs);
    assert_int_equal(rs.count, 4);            /* SE, AB, AC, AD */
    assert_string_equal(rs.r[0].s[0], "SE");
    assert_int_equal(rs.r[0].n[0], 14);
    assert_string_equal(rs.r[1].s[0], "AB");
    assert_string_equal(rs.r[3].s[0], "AD");

    /* One day: from == to. */
    query(s, Q_TOP_POSTS, d0 + 4, d0 + 4, 0, &rs);
    assert_int_equal(rs.count, 1);
    assert_int_equal(rs.r[0].n[0], 16);
    query(s, Q_DAYS, d0, d0, 0, &rs);
    assert_int_equal(rs.count, 1);
    assert_string_equal(rs.r[0].s[0], "2020-02-27");

    /* Everything, and ranges wider than the data. */
    query(s, Q_TOP_POSTS, d0 - 100, d0 + 100, 0, &rs);
    assert_int_equal(rs.r[0].n[0], 31);
    query_all(s, Q_TOP_COUNTRIES, &rs);
    assert_int_equal(rs.count, 6);
    assert_int_equal(rs.r[0].n[0], 31);

    /* Nothing: before, after, and from > to. */
    query(s, Q_TOP_POSTS, d0 - 10, d0 - 1, 0, &rs);
    assert_int_equal(rs.count, 0);
    query(s, Q_DAYS, d0 + 5, d0 + 50, 0, &rs);
    assert_int_equal(rs.count, 0);
    query(s, Q_DAYS, d0 + 3, d0 + 1, 0, &rs);
    assert_int_equal(rs.count, 0);
    store_close(s);
}

static void test_store__limit(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    int32_t d0 = D(2014, 1, 1);
    struct rows rs;

    fill_five_days(s, d0);
    begin(s);
    add_path(s, d0, "page", "/about/", 100);
    add_path(s, d0, "post", "/x/", 50);
    add_term(s, d0, "tag", "u", 60);
    commit(s);

    query_all(s, Q_TOP_POSTS, &rs);
    assert_int_equal(rs.count, 3);
    query(s, Q_TOP_POSTS, INT32_MIN, INT32_MAX, 2, &rs);
    assert_int_equal(rs.count, 2);
    assert_string_equal(rs.r[0].s[0], "/about/");
    assert_string_equal(rs.r[1].s[0], "/x/");
    query(s, Q_TOP_POSTS, INT32_MIN, INT32_MAX, 1, &rs);
    assert_int_equal(rs.count, 1);
    assert_string_equal(rs.r[0].s[0], "/about/");
    query(s, Q_TOP_POSTS, INT32_MIN, INT32_MAX, 1000, &rs);
    assert_int_equal(rs.count, 3);

    query(s, Q_DAYS, INT32_MIN, INT32_MAX, 2, &rs);
    assert_int_equal(rs.count, 2);                 /* the oldest two */
    assert_string_equal(rs.r[0].s[0], "2014-01-01");
    assert_string_equal(rs.r[1].s[0], "2014-01-02");
    query(s, Q_TOP_TAGS, INT32_MIN, INT32_MAX, 1, &rs);
    assert_int_equal(rs.count, 1);
    assert_string_equal(rs.r[0].s[0], "u");
    query(s, Q_TOP_COUNTRIES, INT32_MIN, INT32_MAX, 3, &rs);
    assert_int_equal(rs.count, 3);
    assert_string_equal(rs.r[0].s[0], "SE");
    assert_string_equal(rs.r[1].s[0], "AA");
    assert_string_equal(rs.r[2].s[0], "AB");
    store_close(s);
}

/* A callback returning -1 stops the query, which still succeeds. */
static void test_store__callback_stops(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct bs_err err;
    struct rows rs;

    fill_five_days(s, 0);
    memset(&rs, 0, sizeof(rs));
    memset(&err, 0, sizeof(err));
    rs.stop_after = 2;
    {
        struct store_filter all = {INT32_MIN, INT32_MAX, 0, URL_OTHER, 0, 0};

        assert_int_equal(run_query(s, Q_DAYS, &all, &rs, &err),
                         0);
    }
    assert_int_equal(rs.count, 2);
    assert_string_equal(rs.r[1].s[0], "1970-01-02");
    assert_int_equal(err.status, 0);
    store_close(s);
}

static void test_store__ordering(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    int32_t d = D(2013, 2, 7);
    struct rows rs;

    begin(s);
    /* Ties on views are broken by key, ascending (bytewise). */
    add_path(s, d, "post", "/b/", 5);
    add_path(s, d, "post", "/c/", 7);
    add_path(s, d, "page", "/a/", 5);
    add_path(s, d, "post", "/B/", 5);
    add_path(s, d, "post", "/z/", 9);
    add_term(s, d, "tag", "beta", 2);
    add_term(s, d, "tag", "alpha", 2);
    add_term(s, d, "tag", "gamma", 3);
    add_country(s, d, "SE", 4);
    add_country(s, d, "DE", 4);
    add_country(s, d, "--", 9);
    add_country(s, d, "FI", 1);
    commit(s);

    query_all(s, Q_TOP_POSTS, &rs);
    assert_int_equal(rs.count, 5);
    assert_string_equal(rs.r[0].s[0], "/z/");
    assert_string_equal(rs.r[1].s[0], "/c/");
    assert_string_equal(rs.r[2].s[0], "/B/");
    assert_string_equal(rs.r[3].s[0], "/a/");
    assert_string_equal(rs.r[4].s[0], "/b/");
    assert_int_equal(rs.r[0].n[0], 9);
    assert_int_equal(rs.r[4].n[0], 5);

    query_all(s, Q_TOP_TAGS, &rs);
    assert_int_equal(rs.count, 3);
    assert_string_equal(rs.r[0].s[0], "gamma");
    assert_string_equal(rs.r[1].s[0], "alpha");
    assert_string_equal(rs.r[2].s[0], "beta");

    query_all(s, Q_TOP_COUNTRIES, &rs);
    assert_int_equal(rs.count, 4);
    assert_string_equal(rs.r[0].s[0], "--");
    assert_string_equal(rs.r[1].s[0], "DE");
    assert_string_equal(rs.r[2].s[0], "SE");
    assert_string_equal(rs.r[3].s[0], "FI");
    assert_int_equal(rs.r[1].n[0], 4);
    assert_int_equal(rs.r[3].n[0], 1);
    store_close(s);
}

/* Top posts are posts and pages; home, archives, searches are not. */
static void test_store__top_posts_kinds(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    int32_t d = D(2013, 2, 7);
    struct rows rs;

    begin(s);
    add_path(s, d, "home", "/", 1000);
    add_path(s, d, "archive", "/2013/02/", 900);
    add_path(s, d, "search", "/?s=", 800);
    add_path(s, d, "postid", "/?p=12", 700);
    add_path(s, d, "post", "/2013/02/07/s\xc3\xa4kerhet/", 3);
    add_path(s, d, "page", "/om-mig/", 2);
    commit(s);

    query_all(s, Q_TOP_POSTS, &rs);
    assert_int_equal(rs.count, 2);
    assert_string_equal(rs.r[0].s[0], "/2013/02/07/s\xc3\xa4kerhet/");
    assert_int_equal(rs.r[0].n[0], 3);
    assert_string_equal(rs.r[1].s[0], "/om-mig/");
    assert_int_equal(rs.r[1].n[0], 2);
    store_close(s);

    /* They are stored, with their kind. */
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM paths"), 6);
    assert_int_equal(sql_int(f->path, "SELECT v.views FROM path_views v "
                                      "JOIN paths p ON p.id = v.path_id "
                                      "WHERE p.kind = 'home' AND "
                                      "p.path = '/'"), 1000);
}

static void test_store__tags_and_categories(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    int32_t d = D(2013, 2, 7);
    struct rows rs;

    begin(s);
    add_term(s, d, "tag", "linux", 3);
    add_term(s, d, "category", "linux", 5);
    add_term(s, d, "tag", "cybercrime", 7);
    add_term(s, d + 1, "tag", "linux", 1);
    add_term(s, d, "category", "eu", 2);
    commit(s);

    query_all(s, Q_TOP_TAGS, &rs);
    assert_int_equal(rs.count, 2);
    assert_string_equal(rs.r[0].s[0], "cybercrime");
    assert_int_equal(rs.r[0].n[0], 0);          /* post_views: no import */
    assert_int_equal(rs.r[0].n[1], 7);          /* archive_views */
    assert_string_equal(rs.r[1].s[0], "linux");
    assert_int_equal(rs.r[1].n[0], 0);
    assert_int_equal(rs.r[1].n[1], 4);
    assert_string_equal(rs.r[1].s[1], "");

    query_all(s, Q_TOP_CATEGORIES, &rs);
    assert_int_equal(rs.count, 2);
    assert_string_equal(rs.r[0].s[0], "linux");
    assert_int_equal(rs.r[0].n[0], 0);
    assert_int_equal(rs.r[0].n[1], 5);
    assert_string_equal(rs.r[1].s[0], "eu");
    assert_int_equal(rs.r[1].n[1], 2);

    /* Terms are not posts. */
    query_all(s, Q_TOP_POSTS, &rs);
    assert_int_equal(rs.count, 0);
    store_close(s);
}

static const char iso_json[] =
    "{\"3166-1\": [\n"
    "  {\"alpha_2\": \"SE\", \"alpha_3\": \"SWE\", \"name\": \"Sweden\", "
    "\"numeric\": \"752\", \"official_name\": \"Kingdom of Sweden\"},\n"
    "  {\"alpha_2\": \"BO\", \"alpha_3\": \"BOL\", "
    "\"name\": \"Bolivia, Plurinational State of\", "
    "\"common_name\": \"Bolivia\"},\n"
    "  {\"alpha_2\": \"AX\", \"name\": \"\\u00c5land Islands\"},\n"
    "  {\"alpha_3\": \"XXX\", \"name\": \"No alpha-2\"},\n"
    "  {\"alpha_2\": \"XYZ\", \"name\": \"Too long\"}\n"
    "]}\n";

static void test_store__countries(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    int32_t d = D(2013, 2, 7);
    struct bs_err err;
    struct rows rs;

    begin(s);
    add_country(s, d, "--", 5);
    add_country(s, d, "SE", 9);
    add_country(s, d, "BO", 2);
    add_country(s, d, "AX", 1);
    add_country(s, d + 1, "SE", 1);
    commit(s);

    assert_int_equal(store_has_country_names(s), 0);
    query_all(s, Q_TOP_COUNTRIES, &rs);
    assert_int_equal(rs.count, 4);
    assert_string_equal(rs.r[0].s[0], "SE");
    assert_string_equal(rs.r[0].s[1], "");       /* no names loaded */
    assert_int_equal(rs.r[0].n[0], 10);
    assert_string_equal(rs.r[1].s[0], "--");
    assert_string_equal(rs.r[1].s[1], "Unknown");
    assert_int_equal(rs.r[1].n[0], 5);

    memset(&err, 0, sizeof(err));
    assert_int_equal(store_load_country_names(s, iso_json,
                                              sizeof(iso_json) - 1, &err),
                     0);
    assert_int_equal(store_has_country_names(s), 1);
    /* Loading twice replaces, it does not fail. */
    assert_int_equal(store_load_country_names(s, iso_json,
                                              sizeof(iso_json) - 1, &err),
                     0);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM country_names"),
                     3);

    query_all(s, Q_TOP_COUNTRIES, &rs);
    assert_int_equal(rs.count, 4);
    assert_string_equal(rs.r[0].s[0], "SE");
    assert_string_equal(rs.r[0].s[1], "Sweden");
    assert_string_equal(rs.r[1].s[0], "--");
    assert_string_equal(rs.r[1].s[1], "Unknown");
    assert_string_equal(rs.r[2].s[0], "BO");
    assert_string_equal(rs.r[2].s[1], "Bolivia");  /* common_name */
    assert_int_equal(rs.r[2].n[0], 2);
    assert_string_equal(rs.r[3].s[0], "AX");
    assert_string_equal(rs.r[3].s[1], "\xc3\x85land Islands");
    store_close(s);

    /* The names persist. */
    s = open_ok(f->path, STORE_READ);
    assert_int_equal(store_has_country_names(s), 1);
    store_close(s);
}

static void test_store__country_names_bad_json(void **state)
{
    static const char bad[] = "{\"3166-1\": [{\"alpha_2\": \"SE\",";
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct bs_err err;

    memset(&err, 0, sizeof(err));
    assert_int_equal(store_load_country_names(s, bad, sizeof(bad) - 1, &err),
                     -1);
    assert_true(err.status != 0);
    assert_int_equal(store_has_country_names(s), 0);
    store_close(s);
}

static void test_store__day_span(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    int32_t first = 12345, last = 12345;
    struct bs_err err;

    memset(&err, 0, sizeof(err));
    assert_int_equal(store_day_span(s, 0, &first, &last, &err), 0);
    assert_int_equal(err.status, 0);

    begin(s);
    add_day(s, D(2013, 2, 7), 1, 1, 0, 0);
    commit(s);
    assert_int_equal(store_day_span(s, 0, &first, &last, &err), 1);
    assert_int_equal(first, D(2013, 2, 7));
    assert_int_equal(last, D(2013, 2, 7));

    begin(s);
    add_day(s, D(2014, 3, 1), 1, 0, 0, 0);
    add_day(s, D(2012, 12, 31), 0, 0, 0, 1);
    add_day(s, D(2013, 6, 1), 1, 1, 0, 0);
    commit(s);
    assert_int_equal(store_day_span(s, 0, &first, &last, &err), 1);
    assert_int_equal(first, D(2012, 12, 31));
    assert_int_equal(last, D(2014, 3, 1));
    store_close(s);

    s = open_ok(f->path, STORE_READ);
    assert_int_equal(store_day_span(s, 0, &first, &last, &err), 1);
    assert_int_equal(first, D(2012, 12, 31));
    assert_int_equal(last, D(2014, 3, 1));
    store_close(s);
}

/* Days before 1970 and far ahead are stored and formatted. */
static void test_store__days_outside_epoch(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    int32_t first, last;
    struct bs_err err;
    struct rows rs;

    begin(s);
    add_day(s, -1, 1, 1, 0, 0);
    add_day(s, D(1969, 7, 20), 2, 2, 0, 0);
    add_day(s, D(2999, 12, 31), 3, 3, 0, 0);
    add_day(s, 0, 4, 4, 0, 0);
    commit(s);
    query_all(s, Q_DAYS, &rs);
    assert_int_equal(rs.count, 4);
    assert_string_equal(rs.r[0].s[0], "1969-07-20");
    assert_string_equal(rs.r[1].s[0], "1969-12-31");
    assert_string_equal(rs.r[2].s[0], "1970-01-01");
    assert_string_equal(rs.r[3].s[0], "2999-12-31");
    assert_int_equal(rs.r[3].n[1], 3);
    memset(&err, 0, sizeof(err));
    assert_int_equal(store_day_span(s, 0, &first, &last, &err), 1);
    assert_int_equal(first, D(1969, 7, 20));
    assert_int_equal(last, D(2999, 12, 31));
    query(s, Q_DAYS, -1, 0, 0, &rs);
    assert_int_equal(rs.count, 2);
    store_close(s);
}

/* Counts beyond INT64_MAX are stored as INT64_MAX. */
static void test_store__huge_counts(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct rows rs;

    begin(s);
    add_day(s, 1, UINT64_MAX, (uint64_t)INT64_MAX, 0, 0);
    add_path(s, 1, "post", "/p/", (uint64_t)INT64_MAX + 1);
    commit(s);
    query_all(s, Q_DAYS, &rs);
    assert_int_equal(rs.count, 1);
    assert_true(rs.r[0].n[0] == INT64_MAX);
    assert_true(rs.r[0].n[1] == INT64_MAX);
    query_all(s, Q_TOP_POSTS, &rs);
    assert_true(rs.r[0].n[0] == INT64_MAX);
    store_close(s);
}

static void set_source(struct store_source *x, const char *fp,
                       const char *name, int gzip, uint64_t size,
                       uint64_t lines, uint64_t bad, uint64_t hits)
{
    memset(x, 0, sizeof(*x));
    snprintf(x->fingerprint, sizeof(x->fingerprint), "%s", fp);
    snprintf(x->name, sizeof(x->name), "%s", name);
    x->gzip = gzip;
    x->size = size;
    x->lines = lines;
    x->bad_lines = bad;
    x->hits = hits;
}

static void test_store__sources_and_totals(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct store_source a, b, c, got;
    struct store_totals t;
    struct bs_err err;
    struct rows rs;

    set_source(&a, "aaaa", "/var/log/nginx/access.log.2.gz", 1, 12345, 1000,
               3, 997);
    a.position = 99999;
    a.last_len = 123;
    snprintf(a.last_hash, sizeof(a.last_hash), "0123456789abcdef");
    a.has_days = 1;
    a.first_day = D(2013, 2, 6);
    a.max_day = D(2013, 2, 7);
    a.has_last_day = 1;
    a.last_day = D(2013, 2, 7);
    a.complete = 1;
    set_source(&b, "bbbb", "/var/log/nginx/access.log.1", 0, 5000, 20, 20,
               0);
    b.position = 5000;
    b.pending_bad = 20;          /* no line parsed: no days */
    set_source(&c, "cccc", "/var/log/nginx/access.log.3.gz", 1, 100, 2, 0,
               2);
    c.has_days = 1;
    c.first_day = c.max_day = D(2013, 3, 1);
    snprintf(c.error, sizeof(c.error), "truncated gzip file");

    memset(&err, 0, sizeof(err));
    begin(s);
    assert_int_equal(store_put_source(s, &a, &err), 0);
    assert_int_equal(store_put_source(s, &b, &err), 0);
    add_day(s, D(2013, 2, 6), 500, 200, 100, 1);
    add_day(s, D(2013, 2, 7), 497, 150, 50, 2);
    commit(s);
    assert_true(a.id > 0 && b.id > a.id);
    begin(s);
    assert_int_equal(store_put_source(s, &c, &err), 0);
    add_day(s, D(2013, 3, 1), 2, 1, 0, 0);
    commit(s);

    /* Found again by fingerprint, every field as it was put. */
    assert_int_equal(store_find_source(s, "aaaa", &got, &err), 1);
    assert_int_equal(got.id, a.id);
    assert_string_equal(got.name, a.name);
    assert_int_equal(got.position, 99999);
    assert_int_equal(got.last_len, 123);
    assert_string_equal(got.last_hash, "0123456789abcdef");
    assert_int_equal(got.lines, 1000);
    assert_int_equal(got.has_last_day, 1);
    assert_int_equal(got.last_day, D(2013, 2, 7));
    assert_int_equal(got.complete, 1);
    assert_int_equal(store_find_source(s, "bbbb", &got, &err), 1);
    assert_int_equal(got.pending_bad, 20);
    assert_int_equal(got.has_last_day, 0);
    assert_int_equal(got.has_days, 0);
    assert_int_equal(store_find_source(s, "none", &got, &err), 0);
    /* An update keeps the row. */
    a.lines = 1500;
    begin(s);
    assert_int_equal(store_put_source(s, &a, &err), 0);
    commit(s);

    /* In the order they were added: name, error, last read; lines, bad,
     * hits, gzip, size, position, state. */
    query_all(s, Q_FILES, &rs);
    assert_int_equal(rs.count, 3);
    assert_string_equal(rs.r[0].s[0], a.name);
    assert_string_equal(rs.r[0].s[1], "");
    assert_int_equal(strlen(rs.r[0].s[2]), 20);     /* an ISO time */
    assert_int_equal(rs.r[0].n[0], 1500);
    assert_int_equal(rs.r[0].n[1], 3);
    assert_int_equal(rs.r[0].n[2], 997);
    assert_int_equal(rs.r[0].n[3], 1);
    assert_int_equal(rs.r[0].n[4], 12345);
    assert_int_equal(rs.r[0].n[5], 99999);
    assert_int_equal(rs.r[0].n[6], 1);              /* complete */
    assert_string_equal(rs.r[1].s[0], b.name);
    assert_int_equal(rs.r[1].n[6], 2);              /* open */
    assert_string_equal(rs.r[2].s[0], c.name);
    assert_string_equal(rs.r[2].s[1], "truncated gzip file");
    assert_int_equal(rs.r[2].n[6], 3);              /* error */

    /* A range: sources whose days meet it, and the one with no days. */
    query(s, Q_FILES, D(2013, 3, 1), D(2013, 3, 31), 0, &rs);
    assert_int_equal(rs.count, 2);
    assert_string_equal(rs.r[0].s[0], b.name);
    assert_string_equal(rs.r[1].s[0], c.name);

    memset(&t, 0x55, sizeof(t));
    assert_int_equal(store_totals(s, &t, &err), 0);
    assert_int_equal(t.files, 3);
    assert_int_equal(t.lines, 1522);
    assert_int_equal(t.bad_lines, 23);
    assert_int_equal(t.hits, 999);
    assert_int_equal(t.views, 351);
    assert_int_equal(t.robots, 150);
    assert_true(t.db_bytes > 0);
    store_close(s);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sources"), 3);
}

static void test_store__totals_empty(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct store_totals t;
    struct bs_err err;
    struct rows rs;

    memset(&err, 0, sizeof(err));
    memset(&t, 0x55, sizeof(t));
    assert_int_equal(store_totals(s, &t, &err), 0);
    assert_int_equal(t.files, 0);
    assert_int_equal(t.lines, 0);
    assert_int_equal(t.bad_lines, 0);
    assert_int_equal(t.hits, 0);
    assert_int_equal(t.views, 0);
    assert_int_equal(t.robots, 0);
    assert_true(t.db_bytes > 0);
    for (int q = Q_TOP_POSTS; q <= Q_FILES; q++) {
        query_all(s, (enum q)q, &rs);
        assert_int_equal(rs.count, 0);
    }
    store_close(s);
}

/* Strings are bound, never pasted: they come back byte for byte. */
static void test_store__strings_literal(void **state)
{
    static const char *const keys[] = {
        "/it's/",
        "/\"quoted\"/",
        "/'); DROP TABLE paths;--/",
        "'); DROP TABLE paths;--",
        "/s\xc3\xa4kerhet/\xe2\x82\xac/\xf0\x9f\x98\x80/",
        "/%25/%3F/",
        "/back\\slash/",
    };
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct store_source file;
    struct bs_err err;
    struct rows rs;

    begin(s);
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        add_path(s, 1, "post", keys[i], 100 - i);
        add_term(s, 1, "tag", keys[i], 100 - i);
        add_term(s, 1, "category", keys[i], 50 - i);
    }
    memset(&file, 0, sizeof(file));
    snprintf(file.fingerprint, sizeof(file.fingerprint), "'); --");
    snprintf(file.name, sizeof(file.name), "%s",
             "/logs/it's \"a\" '); DROP TABLE sources;--.log");
    snprintf(file.error, sizeof(file.error), "%s",
             "line 3: '); DROP TABLE days;-- \xc3\xa4");
    memset(&err, 0, sizeof(err));
    assert_int_equal(store_put_source(s, &file, &err), 0);
    commit(s);

    query_all(s, Q_TOP_POSTS, &rs);
    assert_int_equal(rs.count, (int)ARRAY_SIZE(keys));
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        assert_string_equal(rs.r[i].s[0], keys[i]);
        assert_int_equal(rs.r[i].n[0], 100 - i);
    }
    query_all(s, Q_TOP_TAGS, &rs);
    assert_int_equal(rs.count, (int)ARRAY_SIZE(keys));
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
        assert_string_equal(rs.r[i].s[0], keys[i]);
    query_all(s, Q_TOP_CATEGORIES, &rs);
    assert_int_equal(rs.count, (int)ARRAY_SIZE(keys));
    assert_string_equal(rs.r[3].s[0], keys[3]);
    assert_int_equal(rs.r[3].n[1], 47);
    query_all(s, Q_FILES, &rs);
    assert_int_equal(rs.count, 1);
    assert_string_equal(rs.r[0].s[0], file.name);
    assert_string_equal(rs.r[0].s[1], file.error);
    store_close(s);

    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sqlite_master "
                                      "WHERE name IN ('paths', 'days', "
                                      "'sources')"), 3);
}

/*
 * A key is bound with its length: a NUL in the middle is stored (all n
 * bytes, not the C string), and distinct from its prefix. the rows hold
 * C strings, so a query shows such a key up to the NUL.
 */
static void test_store__key_with_nul(void **state)
{
    static const char key[] = "/a\0b/";
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct bs_err err;
    struct rows rs;
    char buf[64];

    memset(&err, 0, sizeof(err));
    begin(s);
    assert_int_equal(store_add_path_views(s, 0, 1, URL_POST, key, sizeof(key) - 1,
                                          7, &err), 0);
    assert_int_equal(store_add_path_views(s, 0, 1, URL_POST, key, 2, 3, &err), 0);
    assert_int_equal(store_add_term_views(s, 0, 1, URL_TAG, key, sizeof(key) - 1,
                                          5, &err), 0);
    commit(s);

    query_all(s, Q_TOP_POSTS, &rs);
    assert_int_equal(rs.count, 2);
    assert_string_equal(rs.r[0].s[0], "/a");
    assert_int_equal(rs.r[0].n[0], 7);
    assert_string_equal(rs.r[1].s[0], "/a");
    assert_int_equal(rs.r[1].n[0], 3);
    query_all(s, Q_TOP_TAGS, &rs);
    assert_int_equal(rs.count, 1);
    assert_string_equal(rs.r[0].s[0], "/a");
    store_close(s);

    assert_string_equal(sql_text(f->path,
                                 "SELECT hex(path) FROM paths ORDER BY id "
                                 "LIMIT 1", buf, sizeof(buf)),
                        "2F6100622F");
    assert_int_equal(sql_int(f->path, "SELECT length(CAST(name AS BLOB)) "
                                      "FROM terms"), 5);
}

/* An ingest's statement journals in memory: the setting takes, and
 * batches of rows still add up and roll back. */
static void test_store__journal_in_memory(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct rows rs;

    assert_int_equal(store_journal_in_memory(s), 0);
    begin(s);
    for (int i = 0; i < 40; i++) {
        char path[32];

        snprintf(path, sizeof(path), "/p%d/", i);
        add_path(s, 10, "post", path, (uint64_t)i + 1);
    }
    commit(s);
    begin(s);
    add_path(s, 10, "post", "/p0/", 1000);
    add_path(s, 10, "post", "/gone/", 1000);
    store_rollback(s);
    query_all(s, Q_TOP_POSTS, &rs);
    assert_int_equal(rs.count, 40);
    assert_string_equal(rs.r[0].s[0], "/p39/");
    assert_int_equal(rs.r[0].n[0], 40);
    assert_string_equal(rs.r[39].s[0], "/p0/");
    assert_int_equal(rs.r[39].n[0], 1);
    store_close(s);
}

static void test_store__rollback(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct store_totals t;
    struct bs_err err;
    struct rows rs;

    begin(s);
    add_day(s, 10, 5, 4, 1, 0);
    add_path(s, 10, "post", "/kept/", 4);
    commit(s);

    begin(s);
    add_day(s, 10, 100, 100, 0, 0);
    add_day(s, 11, 1, 1, 0, 0);
    add_path(s, 10, "post", "/kept/", 100);
    add_path(s, 10, "post", "/gone/", 100);
    add_term(s, 10, "tag", "gone", 1);
    add_country(s, 10, "SE", 1);
    store_rollback(s);

    query_all(s, Q_DAYS, &rs);
    assert_int_equal(rs.count, 1);
    assert_int_equal(rs.r[0].n[0], 4);
    assert_int_equal(rs.r[0].n[1], 5);
    query_all(s, Q_TOP_POSTS, &rs);
    assert_int_equal(rs.count, 1);
    assert_string_equal(rs.r[0].s[0], "/kept/");
    assert_int_equal(rs.r[0].n[0], 4);
    query_all(s, Q_TOP_TAGS, &rs);
    assert_int_equal(rs.count, 0);
    query_all(s, Q_TOP_COUNTRIES, &rs);
    assert_int_equal(rs.count, 0);

    /* The store is usable after a rollback. */
    begin(s);
    add_day(s, 10, 1, 1, 0, 0);
    commit(s);
    memset(&err, 0, sizeof(err));
    assert_int_equal(store_totals(s, &t, &err), 0);
    assert_int_equal(t.hits, 6);

    /* Closed inside a transaction: nothing of it is kept. */
    begin(s);
    add_day(s, 12, 1000, 0, 0, 0);
    store_close(s);
    s = open_ok(f->path, STORE_READ);
    assert_int_equal(store_totals(s, &t, &err), 0);
    assert_int_equal(t.hits, 6);
    store_close(s);
}

/* ---- errors ----------------------------------------------------------- */

static void test_store__read_missing(void **state)
{
    struct tu_store *f = *state;

    open_fails(f->path, STORE_READ, BS_NOINPUT, NULL);
    /* And it was not created. */
    assert_int_equal(access(f->path, F_OK), -1);
}

static void test_store__read_empty_file(void **state)
{
    struct tu_store *f = *state;
    struct stat st;

    free(tu_write(f->dir, "blog.db", "", 0));
    open_fails(f->path, STORE_READ, BS_NOINPUT, "empty");
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(st.st_size, 0);
}

static void test_store__foreign_sqlite(void **state)
{
    struct tu_store *f = *state;

    sql_exec(f->path, "CREATE TABLE notes(x TEXT); "
                      "INSERT INTO notes VALUES('keep me');");
    open_fails(f->path, STORE_READ, BS_DATAERR, NULL);
    open_fails(f->path, STORE_WRITE, BS_DATAERR, NULL);
    /* Untouched: no blogstat table, version still 0, data there. */
    assert_int_equal(sql_int(f->path, "PRAGMA user_version"), 0);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sqlite_master"),
                     1);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM notes "
                                      "WHERE x = 'keep me'"), 1);
}

/* A failed open for writing leaves someone else's database as it was. */
static void test_store__foreign_sqlite_journal_mode_kept(void **state)
{
    struct tu_store *f = *state;
    char buf[64];

    sql_exec(f->path, "CREATE TABLE notes(x TEXT);");
    assert_string_equal(sql_text(f->path, "PRAGMA journal_mode", buf,
                                 sizeof(buf)), "delete");
    open_fails(f->path, STORE_WRITE, BS_DATAERR, NULL);
    assert_string_equal(sql_text(f->path, "PRAGMA journal_mode", buf,
                                 sizeof(buf)), "delete");
}

static void test_store__newer_schema(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    char sql[64];

    store_close(s);
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
             STORE_SCHEMA_VERSION + 1);
    sql_exec(f->path, sql);
    open_fails(f->path, STORE_READ, BS_DATAERR, "newer");
    open_fails(f->path, STORE_WRITE, BS_DATAERR, "newer");
    assert_int_equal(sql_int(f->path, "PRAGMA user_version"),
                     STORE_SCHEMA_VERSION + 1);
}

static void test_store__not_sqlite(void **state)
{
    static const char text[] =
        "192.0.2.1 - - [07/Feb/2013:10:00:00 +0100] \"GET / HTTP/1.1\" 200 "
        "5 \"-\" \"Mozilla/5.0\"\n";
    struct tu_store *f = *state;
    struct stat st;
    char buf[sizeof(text)];
    FILE *fp;

    free(tu_write(f->dir, "blog.db", text, sizeof(text) - 1));
    open_fails(f->path, STORE_READ, BS_DATAERR, NULL);
    open_fails(f->path, STORE_WRITE, BS_DATAERR, NULL);
    /* The file is as it was. */
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(st.st_size, sizeof(text) - 1);
    fp = fopen(f->path, "rb");
    assert_non_null(fp);
    assert_int_equal(fread(buf, 1, sizeof(buf), fp), sizeof(text) - 1);
    fclose(fp);
    assert_memory_equal(buf, text, sizeof(text) - 1);
}

static void test_store__write_no_directory(void **state)
{
    struct tu_store *f = *state;
    char *path = tu_path(f->dir, "no/such/dir/blog.db");

    /* 73 with the fix: the folder is named, and how to make it. */
    open_fails(path, STORE_WRITE, BS_CANTCREAT, "does not exist; create it");
    free(path);
}

/* ---- two handles on one file ----------------------------------------- */

static int64_t views_of(struct store *s, const char *path)
{
    struct rows rs;

    query_all(s, Q_TOP_POSTS, &rs);
    for (int i = 0; i < rs.count; i++)
        if (strcmp(rs.r[i].s[0], path) == 0)
            return rs.r[i].n[0];
    return 0;
}

static void test_store__concurrent(void **state)
{
    struct tu_store *f = *state;
    struct store *w = open_ok(f->path, STORE_WRITE), *r, *w2;
    struct store_totals t;
    struct bs_err err;
    struct rows rs;

    begin(w);
    add_path(w, 1, "post", "/p/", 5);
    add_day(w, 1, 5, 5, 0, 0);
    commit(w);

    /* w holds an open write transaction with uncommitted changes. */
    begin(w);
    add_path(w, 1, "post", "/p/", 7);
    add_path(w, 1, "post", "/new/", 1);
    add_day(w, 1, 7, 7, 0, 0);

    /* A reader opens and queries meanwhile: the last committed data. */
    r = open_ok(f->path, STORE_READ);
    assert_int_equal(views_of(r, "/p/"), 5);
    assert_int_equal(views_of(r, "/new/"), 0);
    memset(&err, 0, sizeof(err));
    assert_int_equal(store_totals(r, &t, &err), 0);
    assert_int_equal(t.views, 5);
    query_all(r, Q_DAYS, &rs);
    assert_int_equal(rs.count, 1);
    assert_int_equal(rs.r[0].n[0], 5);

    /* A second writer opens, but cannot start a transaction (it gives
     * up after 50 ms rather than the 5 s a real run waits). */
    w2 = open_ok(f->path, STORE_WRITE);
    store_set_busy_timeout(w2, 50);
    memset(&err, 0, sizeof(err));
    assert_int_equal(store_begin(w2, &err), -1);
    assert_int_equal(err.status, BS_TEMPFAIL);
    assert_non_null(strstr(err.msg, f->path));

    /* The first commits: the reader sees it on its next query. */
    commit(w);
    assert_int_equal(views_of(r, "/p/"), 12);
    assert_int_equal(views_of(r, "/new/"), 1);

    /* And the second writer can go now. */
    begin(w2);
    add_path(w2, 1, "post", "/p/", 1);
    commit(w2);
    assert_int_equal(views_of(r, "/p/"), 13);
    assert_int_equal(views_of(w, "/p/"), 13);

    store_close(w2);
    store_close(r);
    store_close(w);
}


/* ---- the site model (import) ------------------------------------------ */

static void put_post(struct store *s, const char *path, const char *kind,
                     const char *title, int64_t post_id, const char *tag1,
                     const char *tag2, const char *cat)
{
    const char *tags[2] = {tag1, tag2};
    const char *cats[1] = {cat};
    struct store_post p;
    struct bs_err err;

    memset(&p, 0, sizeof(p));
    memset(&err, 0, sizeof(err));
    p.path = path;
    p.kind = K(kind);
    p.title = title;
    p.has_published = 1;
    p.published = D(2013, 2, 1);
    p.post_id = post_id;
    p.tags = tags;
    p.ntags = (size_t)(tag1 != NULL) + (tag2 != NULL);
    p.has_tags = 1;
    p.categories = cats;
    p.ncategories = cat != NULL;
    p.has_categories = cat != NULL;
    if (store_put_post(s, 0, &p, &err) != 0)
        fail_msg("store_put_post(%s): %s", path, err.msg);
}

static int64_t row_n(const struct rows *rs, const char *s0, int col)
{
    for (int i = 0; i < rs->count; i++)
        if (strcmp(rs->r[i].s[0], s0) == 0)
            return rs->r[i].n[col];
    return -1;
}

static const char *row_s(const struct rows *rs, const char *s0, int col)
{
    for (int i = 0; i < rs->count; i++)
        if (strcmp(rs->r[i].s[0], s0) == 0)
            return rs->r[i].s[col];
    return "(missing)";
}

/* store_fingerprints() of ranges i < n into fp, which must succeed. */
static void fingerprints(struct store *s, const int32_t *from,
                         const int32_t *to, size_t n, uint64_t *fp)
{
    struct bs_err err;

    memset(&err, 0, sizeof(err));
    if (store_fingerprints(s, 0, from, to, n, fp, &err) != 0)
        fail_msg("store_fingerprints: %d %s", err.status, err.msg);
}

/* After a change (what): the fingerprints of ranges i < n differ from
 * fp[i] exactly where bit i of which is set; fp becomes the new ones. */
static void changed_exactly(struct store *s, const int32_t *from,
                            const int32_t *to, size_t n, uint64_t *fp,
                            unsigned which, const char *what)
{
    uint64_t now[16];

    assert_true(n <= 16);
    fingerprints(s, from, to, n, now);
    for (size_t i = 0; i < n; i++)
        if ((now[i] != fp[i]) != ((which >> i & 1) != 0))
            fail_msg("%s: range %zu %s", what, i,
                     now[i] != fp[i] ? "changed" : "did not change");
    memcpy(fp, now, n * sizeof(*fp));
}

/*
 * Ranges' fingerprints read together are each the one read alone (the
 * days' sums of one read make each range's numbers); a count added to a
 * day, a browser's row or an imported post changes the fingerprints of
 * the ranges that hold it, and only those; an empty range and one with no
 * data have theirs, and so have ranges of hundreds of thousands of days.
 */
static void test_store__fingerprints_of_ranges(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    int32_t d0 = D(2013, 2, 4);
    int32_t from[] = {d0, d0, d0 + 1, d0 + 2, d0 + 3, d0 + 4, d0 - 9, d0 + 3,
                      d0 - 400000, d0 + 200000};
    int32_t to[] = {d0 + 4, d0, d0 + 3, d0 + 2, d0 + 4, d0 + 9, d0 - 1,
                    d0 + 2, d0 + 4, d0 + 200001};
    enum { N = sizeof(from) / sizeof(from[0]) };
    uint64_t all[N], before[N], one;
    struct dim_row r;
    struct bs_err err;

    fill_five_days(s, d0);
    /* Every range but the last two at once; then all of them (their
     * union 600,000 days long). */
    fingerprints(s, from, to, N - 2, all);
    fingerprints(s, from, to, N, before);
    for (size_t i = 0; i < N; i++) {
        fingerprints(s, from + i, to + i, 1, &one);
        if (i < N - 2 && one != all[i])
            fail_msg("range %zu read with others: %016llx, alone %016llx",
                     i, (unsigned long long)all[i], (unsigned long long)one);
        assert_true(one == before[i]);
        for (size_t k = 0; k < i; k++)
            assert_true(before[k] != before[i]);
    }

    /* A view more on day d0 + 2: ranges 0, 2, 3 and 8 hold it. */
    begin(s);
    add_path(s, d0 + 2, "post", "/p/", 1);
    commit(s);
    changed_exactly(s, from, to, N, before, 1u << 0 | 1u << 2 | 1u << 3 |
                                                1u << 8, "a view on d0 + 2");

    /* A browser's row on day d0 + 4: ranges 0, 4, 5 and 8. */
    memset(&r, 0, sizeof(r));
    r.day = d0 + 4;
    r.dim = DIM_CLIENT;
    r.k[0] = slice_make("Firefox", 7);
    r.k[1] = slice_make("Linux", 5);
    r.k[2] = slice_make("desktop", 7);
    r.n = 3;
    memset(&err, 0, sizeof(err));
    begin(s);
    assert_int_equal(store_add_dim(s, 0, &r, &err), 0);
    commit(s);
    changed_exactly(s, from, to, N, before, 1u << 0 | 1u << 4 | 1u << 5 |
                                                1u << 8, "a browser on d0 + 4");

    /* An imported post: every range that is one (7 ends before it
     * begins). */
    put_post(s, "/imported/", "post", "Imported", 7, NULL, NULL, NULL);
    changed_exactly(s, from, to, N, before, ((1u << N) - 1) & ~(1u << 7),
                    "an imported post");
    store_close(s);
}

static void test_store__import_titles_and_post_views(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct rows rs;
    int32_t d = D(2013, 2, 7);

    /* Views before the import, views after it. */
    begin(s);
    add_path(s, d, "post", "/a/", 5);
    add_path(s, d, "page", "/about/", 2);
    add_term(s, d, "tag", "eu", 3);
    commit(s);
    begin(s);
    put_post(s, "/a/", "post", "Post A", 11, "eu", "säkerhet", "politik");
    put_post(s, "/b/", "post", "Post B", 12, "eu", NULL, NULL);
    put_post(s, "/about/", "page", "About", 2, NULL, NULL, NULL);
    commit(s);
    begin(s);
    add_path(s, d + 1, "post", "/b/", 4);
    add_path(s, d + 1, "post", "/a/", 1);
    commit(s);

    query_all(s, Q_TOP_POSTS, &rs);
    assert_int_equal(rs.count, 3);
    assert_string_equal(rs.r[0].s[0], "/a/");
    assert_string_equal(rs.r[0].s[1], "Post A");
    assert_int_equal(rs.r[0].n[0], 6);
    assert_int_equal(row_n(&rs, "/b/", 0), 4);
    assert_string_equal(row_s(&rs, "/about/", 1), "About");

    /* Tags: post views are the sum over the posts carrying them. */
    query_all(s, Q_TOP_TAGS, &rs);
    assert_int_equal(rs.count, 2);
    assert_string_equal(rs.r[0].s[0], "eu");
    assert_int_equal(rs.r[0].n[0], 10);      /* /a/ 6 + /b/ 4 */
    assert_int_equal(rs.r[0].n[1], 3);       /* archive */
    assert_int_equal(row_n(&rs, "säkerhet", 0), 6);
    assert_int_equal(row_n(&rs, "säkerhet", 1), 0);
    query_all(s, Q_TOP_CATEGORIES, &rs);
    assert_int_equal(rs.count, 1);
    assert_int_equal(row_n(&rs, "politik", 0), 6);

    /* A range. */
    query(s, Q_TOP_TAGS, d + 1, d + 1, 0, &rs);
    assert_int_equal(row_n(&rs, "eu", 0), 5);
    assert_int_equal(row_n(&rs, "eu", 1), 0);
    store_close(s);
}

static void test_store__kind_filter(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct store_filter flt = {INT32_MIN, INT32_MAX, 0, URL_PAGE, 0, 0};
    struct bs_err err;
    struct rows rs;

    begin(s);
    add_path(s, 1, "post", "/a/", 5);
    add_path(s, 1, "page", "/about/", 2);
    commit(s);
    memset(&err, 0, sizeof(err));
    memset(&rs, 0, sizeof(rs));
    assert_int_equal(run_query(s, Q_TOP_POSTS, &flt, &rs,
                                 &err), 0);
    assert_int_equal(rs.count, 1);
    assert_string_equal(rs.r[0].s[0], "/about/");
    flt.kind = URL_POST;
    memset(&rs, 0, sizeof(rs));
    assert_int_equal(run_query(s, Q_TOP_POSTS, &flt, &rs,
                                 &err), 0);
    assert_int_equal(rs.count, 1);
    assert_string_equal(rs.r[0].s[0], "/a/");
    store_close(s);
}

/* Re-importing replaces tags (only of the taxonomies given) and never
 * duplicates; an imported kind survives later ingests. */
static void test_store__reimport(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct store_post p;
    struct bs_err err;
    struct rows rs;
    const char *tags[] = {"new"};

    begin(s);
    put_post(s, "/a/", "page", "Old", 0, "old", NULL, "cat");
    add_path(s, 1, "post", "/a/", 7);    /* the ingest says post */
    commit(s);
    memset(&p, 0, sizeof(p));
    memset(&err, 0, sizeof(err));
    p.path = "/a/";
    p.kind = URL_PAGE;
    p.title = "New";
    p.tags = tags;
    p.ntags = 1;
    p.has_tags = 1;          /* no categories: they stay */
    begin(s);
    assert_int_equal(store_put_post(s, 0, &p, &err), 0);
    commit(s);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM paths"), 1);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM paths "
                                      "WHERE kind = 'page'"), 1);
    query_all(s, Q_TOP_TAGS, &rs);
    assert_int_equal(rs.count, 1);
    assert_string_equal(rs.r[0].s[0], "new");
    assert_int_equal(rs.r[0].n[0], 7);
    query_all(s, Q_TOP_CATEGORIES, &rs);
    assert_int_equal(rs.count, 1);
    assert_string_equal(rs.r[0].s[0], "cat");
    query_all(s, Q_TOP_POSTS, &rs);
    assert_string_equal(rs.r[0].s[1], "New");
    store_close(s);
}

/* A term's title: the last an import gave, the one shown by queries. */
struct term_titles {
    char tag[64], cat[64];
};

static int keep_title(void *ctx, const struct store_term_row *r)
{
    char *to = ctx;

    snprintf(to, 64, "%s=%s", r->name, r->title);
    return 0;
}

static void titles_now(struct store *s, struct term_titles *t)
{
    struct store_filter f = {.from = 0, .to = 99999};
    struct bs_err err = {0};

    t->tag[0] = t->cat[0] = '\0';
    assert_int_equal(store_top_terms(s, &f, URL_TAG, keep_title, t->tag,
                                     &err), 0);
    assert_int_equal(store_top_terms(s, &f, URL_CATEGORY, keep_title,
                                     t->cat, &err), 0);
}

static void put_titled(struct store *s, const char *tag_title,
                       const char *cat_title)
{
    const char *tags[] = {"eu"}, *cats[] = {"inrikes-fragor"};
    const char *tt[] = {tag_title}, *ct[] = {cat_title};
    struct store_post p;
    struct bs_err err = {0};

    memset(&p, 0, sizeof(p));
    p.path = "/a/";
    p.kind = URL_POST;
    p.title = "A";
    p.tags = tags;
    p.ntags = 1;
    p.categories = cats;
    p.ncategories = 1;
    p.tag_titles = tag_title ? tt : NULL;
    p.category_titles = cat_title ? ct : NULL;
    p.has_tags = p.has_categories = 1;
    begin(s);
    assert_int_equal(store_put_post(s, 0, &p, &err), 0);
    commit(s);
}

static void test_store__term_titles(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct term_titles t;

    begin(s);
    add_path(s, 1, "post", "/a/", 4);
    commit(s);
    put_titled(s, NULL, NULL);
    titles_now(s, &t);
    assert_string_equal(t.tag, "eu=");
    assert_string_equal(t.cat, "inrikes-fragor=");
    put_titled(s, "EU", "Inrikes frågor");
    titles_now(s, &t);
    assert_string_equal(t.tag, "eu=EU");
    assert_string_equal(t.cat, "inrikes-fragor=Inrikes frågor");
    /* An import without names keeps them; one with a name changes it. */
    put_titled(s, NULL, "");
    titles_now(s, &t);
    assert_string_equal(t.cat, "inrikes-fragor=Inrikes frågor");
    put_titled(s, "E.U.", NULL);
    titles_now(s, &t);
    assert_string_equal(t.tag, "eu=E.U.");
    assert_string_equal(t.cat, "inrikes-fragor=Inrikes frågor");
    store_close(s);
}

/* Views of "/?p=ID" belong to the imported post with that ID. */
static void test_store__postid_resolved(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct rows rs;

    begin(s);
    add_path(s, 1, "postid", "/?p=42", 3);
    add_path(s, 1, "postid", "/?page_id=7", 2);
    add_path(s, 1, "postid", "/?p=99", 5);       /* no such post */
    add_path(s, 1, "post", "/a/", 1);
    commit(s);
    query_all(s, Q_TOP_POSTS, &rs);
    assert_int_equal(rs.count, 1);               /* ids unknown yet */
    begin(s);
    put_post(s, "/a/", "post", "A", 42, "t", NULL, NULL);
    put_post(s, "/about/", "page", "About", 7, NULL, NULL, NULL);
    commit(s);
    query_all(s, Q_TOP_POSTS, &rs);
    assert_int_equal(rs.count, 2);
    assert_int_equal(row_n(&rs, "/a/", 0), 4);
    assert_int_equal(row_n(&rs, "/about/", 0), 2);
    query_all(s, Q_TOP_TAGS, &rs);
    assert_int_equal(row_n(&rs, "t", 0), 4);
    store_close(s);
}

/* A database of schema 1 is upgraded in place and keeps its numbers. */
static void test_store__migrate_from_v1(void **state)
{
    struct tu_store *f = *state;
    struct store *s;
    struct rows rs;

    sql_exec(f->path,
             "CREATE TABLE days(day INTEGER PRIMARY KEY, hits INTEGER NOT NULL "
             "DEFAULT 0, views INTEGER NOT NULL DEFAULT 0, robots INTEGER NOT "
             "NULL DEFAULT 0, bad_lines INTEGER NOT NULL DEFAULT 0);"
             "CREATE TABLE paths(id INTEGER PRIMARY KEY, path TEXT NOT NULL "
             "UNIQUE, kind TEXT NOT NULL, title TEXT);"
             "CREATE TABLE path_views(day INTEGER NOT NULL, path_id INTEGER "
             "NOT NULL, views INTEGER NOT NULL, PRIMARY KEY(day, path_id)) "
             "WITHOUT ROWID;"
             "CREATE TABLE terms(id INTEGER PRIMARY KEY, taxonomy TEXT NOT "
             "NULL, name TEXT NOT NULL, UNIQUE(taxonomy, name));"
             "CREATE TABLE term_views(day INTEGER NOT NULL, term_id INTEGER "
             "NOT NULL, views INTEGER NOT NULL, PRIMARY KEY(day, term_id)) "
             "WITHOUT ROWID;"
             "CREATE TABLE country_views(day INTEGER NOT NULL, country TEXT "
             "NOT NULL, views INTEGER NOT NULL, PRIMARY KEY(day, country)) "
             "WITHOUT ROWID;"
             "CREATE TABLE country_names(code TEXT PRIMARY KEY, name TEXT NOT "
             "NULL) WITHOUT ROWID;"
             "CREATE TABLE files(id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
             "gzip INTEGER NOT NULL, size INTEGER NOT NULL, bytes INTEGER NOT "
             "NULL, lines INTEGER NOT NULL, bad_lines INTEGER NOT NULL, hits "
             "INTEGER NOT NULL, first_day INTEGER, last_day INTEGER, error "
             "TEXT, ingested TEXT NOT NULL);"
             "INSERT INTO paths VALUES(1, '/a/', 'post', NULL);"
             "INSERT INTO path_views VALUES(5, 1, 9);"
             "INSERT INTO days VALUES(5, 20, 9, 3, 0);"
             "INSERT INTO files VALUES(1, 'access.log.1', 0, 100, 100, 20, "
             "0, 20, 5, 5, NULL, '2013-02-06T04:15:00Z');"
             "PRAGMA user_version = 1;");
    /* Even a reader upgrades it (in one transaction). */
    s = open_ok(f->path, STORE_READ);
    query_all(s, Q_TOP_POSTS, &rs);
    assert_int_equal(rs.count, 1);
    assert_string_equal(rs.r[0].s[0], "/a/");
    assert_int_equal(rs.r[0].n[0], 9);
    store_close(s);
    assert_int_equal(sql_int(f->path, "PRAGMA user_version"),
                     STORE_SCHEMA_VERSION);
    /* The files read before became sources, known by name only. */
    assert_int_equal(sql_int(f->path, "SELECT lines FROM sources WHERE "
                                      "name = 'access.log.1' AND "
                                      "fingerprint IS NULL"), 20);
    s = open_ok(f->path, STORE_WRITE);
    begin(s);
    put_post(s, "/a/", "post", "A", 1, "t", NULL, NULL);
    commit(s);
    query_all(s, Q_TOP_TAGS, &rs);
    assert_int_equal(row_n(&rs, "t", 0), 9);
    store_close(s);
}

static int64_t path_id(struct store *s, const char *kind, const char *path);

/*
 * A path's row as the upsert leaves it, whether its id comes from a
 * lookup or an insert: a new row gets the kind it was asked with, an
 * existing one keeps its id and takes the new kind unless it was imported.
 */
static void test_store__path_row_kinds(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct bs_err err;
    int64_t a, b, c;
    char buf[64];

    memset(&err, 0, sizeof(err));
    begin(s);
    /* new through a country's views, then found by its views and id */
    assert_int_equal(store_add_post_country_views(s, 0, 10, URL_POST, "/a/", 3,
                                                  "SE", 2, &err), 0);
    add_path(s, 10, "post", "/a/", 2);
    a = path_id(s, "post", "/a/");
    assert_int_equal(a, path_id(s, "post", "/a/"));
    /* the same row asked with another kind takes it */
    add_path(s, 11, "page", "/a/", 1);
    assert_int_equal(path_id(s, "page", "/a/"), a);
    /* an imported post keeps its kind */
    put_post(s, "/b/", "post", "B", 7, NULL, NULL, NULL);
    b = path_id(s, "page", "/b/");
    assert_int_equal(store_add_post_country_views(s, 0, 10, URL_PAGE, "/b/", 3,
                                                  "DE", 4, &err), 0);
    /* "/?p=9" new through its views gets its post id */
    add_path(s, 12, "postid", "/?p=9", 1);
    c = path_id(s, "postid", "/?p=9");
    assert_int_equal(store_add_post_country_views(s, 0, 12, URL_POSTID, "/?p=9",
                                                  5, "SE", 1, &err), 0);
    commit(s);
    store_close(s);
    assert_string_equal(
        sql_text(f->path, "SELECT kind FROM paths WHERE path = '/a/'", buf,
                 sizeof(buf)), "page");
    assert_int_equal(sql_int(f->path, "SELECT id FROM paths WHERE "
                                      "path = '/a/'"), a);
    assert_string_equal(
        sql_text(f->path, "SELECT kind FROM paths WHERE path = '/b/'", buf,
                 sizeof(buf)), "post");
    assert_int_equal(sql_int(f->path, "SELECT id FROM paths WHERE "
                                      "path = '/b/'"), b);
    assert_int_equal(sql_int(f->path, "SELECT post_id FROM paths WHERE "
                                      "path = '/?p=9'"), 9);
    assert_int_equal(sql_int(f->path, "SELECT id FROM paths WHERE "
                                      "path = '/?p=9'"), c);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM paths"), 3);
    assert_int_equal(sql_int(f->path, "SELECT sum(views) FROM "
                                      "post_country_views"), 7);
}

/* The queries behind a report's post page. */
static void test_store__post_queries(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct store_filter flt = {INT32_MIN, INT32_MAX, 0, URL_OTHER, 0, 0};
    struct bs_err err;
    struct rows rs;
    int64_t id;
    char buf[64];

    begin(s);
    add_path(s, 10, "post", "/a/", 2);
    add_path(s, 12, "post", "/a/", 5);
    add_path(s, 12, "postid", "/?p=42", 1);
    add_path(s, 12, "post", "/b/", 9);
    assert_int_equal(store_add_post_country_views(s, 0, 10, URL_POST, "/a/", 3,
                                                  "SE", 2, &err), 0);
    assert_int_equal(store_add_post_country_views(s, 0, 12, URL_POST, "/a/", 3,
                                                  "DE", 5, &err), 0);
    assert_int_equal(store_add_post_country_views(s, 0, 12, URL_POSTID, "/?p=42",
                                                  6, "SE", 1, &err), 0);
    put_post(s, "/a/", "post", "A", 42, "t", NULL, "c");
    commit(s);
    id = sql_int(f->path, "SELECT id FROM paths WHERE path = '/a/'");
    flt.path_id = id;

    memset(&err, 0, sizeof(err));
    memset(&rs, 0, sizeof(rs));
    assert_int_equal(run_query(s, Q_POST_INFO, &flt, &rs,
                                 &err), 0);
    assert_int_equal(rs.count, 1);
    assert_string_equal(rs.r[0].s[0], "/a/");
    assert_string_equal(rs.r[0].s[1], "A");
    assert_string_equal(rs.r[0].s[2], "post");
    assert_int_equal(rs.r[0].n[0], D(2013, 2, 1));
    assert_int_equal(rs.r[0].n[1], 1);

    memset(&rs, 0, sizeof(rs));
    assert_int_equal(run_query(s, Q_POST_DAYS, &flt, &rs,
                                 &err), 0);
    assert_int_equal(rs.count, 2);
    day_format(10, buf);
    assert_string_equal(rs.r[0].s[0], buf);
    assert_int_equal(rs.r[0].n[0], 2);
    assert_int_equal(rs.r[1].n[0], 6);          /* 5 + its /?p=42 */

    memset(&rs, 0, sizeof(rs));
    assert_int_equal(run_query(s, Q_POST_COUNTRIES, &flt, &rs,
                                 &err), 0);
    assert_int_equal(rs.count, 2);
    assert_string_equal(rs.r[0].s[0], "DE");
    assert_int_equal(rs.r[0].n[0], 5);
    assert_string_equal(rs.r[1].s[0], "SE");
    assert_int_equal(rs.r[1].n[0], 3);
    flt.from = flt.to = 12;
    memset(&rs, 0, sizeof(rs));
    assert_int_equal(run_query(s, Q_POST_COUNTRIES, &flt, &rs,
                                 &err), 0);
    assert_int_equal(row_n(&rs, "SE", 0), 1);

    memset(&rs, 0, sizeof(rs));
    assert_int_equal(run_query(s, Q_POST_TERMS, &flt, &rs,
                                 &err), 0);
    assert_int_equal(rs.count, 2);
    assert_string_equal(rs.r[0].s[0], "tag");
    assert_string_equal(rs.r[0].s[1], "t");
    assert_string_equal(rs.r[1].s[0], "category");
    assert_string_equal(rs.r[1].s[1], "c");
    store_close(s);
}

/* ---- the audience ---------------------------------------------------- */

/* A well-mixed visitor id: SplitMix64's output of i. */
static uint64_t vid(uint64_t i)
{
    uint64_t z = (i + 1) * 0x9E3779B97F4A7C15ull;

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Merge the sketch of visitors [from, to) into a stored one. */
static void add_sketch(struct store *s, enum store_sketch dim, int32_t day,
                       int64_t path_id, const char *cc, uint64_t from,
                       uint64_t to)
{
    struct sketch *sk = sketch_new();
    struct bs_err err;
    unsigned char *b;
    size_t n;

    for (uint64_t i = from; i < to; i++)
        sketch_add(sk, vid(i));
    b = sketch_serialize(sk, &n);
    memset(&err, 0, sizeof(err));
    if (store_add_sketch(s, 0, dim, day, path_id, cc, b, n, &err) != 0)
        fail_msg("store_add_sketch: %s", err.msg);
    free(b);
    sketch_free(sk);
}

static int64_t path_id(struct store *s, const char *kind, const char *path)
{
    struct bs_err err;
    int64_t id = -1;

    memset(&err, 0, sizeof(err));
    if (store_path_id(s, 0, K(kind), path, strlen(path), &id, &err) != 0)
        fail_msg("store_path_id(%s): %s", path, err.msg);
    assert_true(id > 0);
    return id;
}

static void add_visits(struct store *s, int32_t day, int64_t pid,
                       int64_t delta)
{
    struct bs_err err;

    memset(&err, 0, sizeof(err));
    if (store_add_visits(s, 0, day, pid, delta, &err) != 0)
        fail_msg("store_add_visits: %s", err.msg);
}

/* The one row of Q_RANGE over [from, to]: visitors, visits. */
static void range_of(struct store *s, int32_t from, int32_t to,
                     int64_t *visitors, int64_t *visits)
{
    struct rows rs;

    query(s, Q_RANGE, from, to, 0, &rs);
    assert_int_equal(rs.count, 1);
    *visitors = rs.r[0].n[0];
    *visits = rs.r[0].n[1];
}

static void test_store__path_id(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    int64_t a, b, c, t, k;

    begin(s);
    a = path_id(s, "post", "/a/");
    b = path_id(s, "post", "/b/");
    assert_int_not_equal(a, b);
    assert_int_equal(path_id(s, "post", "/a/"), a);
    /* The views' path is the same row. */
    add_path(s, 1, "post", "/a/", 3);
    assert_int_equal(path_id(s, "post", "/a/"), a);
    /* A tag and a category of one name are two pages. */
    t = path_id(s, "tag", "eu");
    k = path_id(s, "category", "eu");
    assert_int_not_equal(t, k);
    assert_int_equal(path_id(s, "tag", "eu"), t);
    c = path_id(s, "home", "/");
    assert_int_not_equal(c, a);
    commit(s);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM paths"), 5);
    /* Kept across a reopen. */
    store_close(s);
    s = open_ok(f->path, STORE_WRITE);
    begin(s);
    assert_int_equal(path_id(s, "post", "/a/"), a);
    assert_int_equal(path_id(s, "tag", "eu"), t);
    commit(s);
    store_close(s);
}

static void test_store__meta(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct bs_err err;
    unsigned char k1[16], k2[16], got[16];

    memset(&err, 0, sizeof(err));
    for (int i = 0; i < 16; i++) {
        k1[i] = (unsigned char)(i * 7 + 1);
        k2[i] = (unsigned char)(255 - i);
    }
    k1[3] = 0;                               /* binary, NUL included */
    assert_int_equal(store_meta_get(s, "visitor_key", got, 16, &err), 0);
    begin(s);
    assert_int_equal(store_meta_put(s, "visitor_key", k1, 16, &err), 0);
    assert_int_equal(store_meta_put(s, "other", k2, 16, &err), 0);
    commit(s);
    memset(got, 0, sizeof(got));
    assert_int_equal(store_meta_get(s, "visitor_key", got, 16, &err), 1);
    assert_memory_equal(got, k1, 16);
    /* Another size is not the same secret. */
    assert_int_equal(store_meta_get(s, "visitor_key", got, 8, &err), 0);
    assert_int_equal(store_meta_get(s, "visitor_key", got, 15, &err), 0);
    /* Replaced, and kept across a reopen. */
    begin(s);
    assert_int_equal(store_meta_put(s, "visitor_key", k2, 16, &err), 0);
    commit(s);
    store_close(s);
    s = open_ok(f->path, STORE_READ);
    assert_int_equal(store_meta_get(s, "visitor_key", got, 16, &err), 1);
    assert_memory_equal(got, k2, 16);
    assert_int_equal(store_meta_get(s, "absent", got, 16, &err), 0);
    assert_int_equal(err.status, 0);
    store_close(s);
}

static void test_store__salts(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct bs_err err;
    unsigned char s1[16], s2[16], got[16];

    memset(&err, 0, sizeof(err));
    memset(s1, 0x11, sizeof(s1));
    memset(s2, 0x22, sizeof(s2));
    assert_int_equal(store_salt_get(s, 10, got, 16, &err), 0);
    begin(s);
    assert_int_equal(store_salt_put(s, 10, s1, 16, 1000, &err), 0);
    assert_int_equal(store_salt_put(s, 11, s2, 16, 1000, &err), 0);
    commit(s);
    assert_int_equal(store_salt_get(s, 10, got, 16, &err), 1);
    assert_memory_equal(got, s1, 16);
    assert_int_equal(store_salt_get(s, 11, got, 16, &err), 1);
    assert_memory_equal(got, s2, 16);
    assert_int_equal(store_salt_get(s, 12, got, 16, &err), 0);
    assert_int_equal(store_salt_get(s, 9, got, 16, &err), 0);
    /* A day's salt is never replaced: the visits under it would be
     * lost. A writer that made one too takes the day's. */
    begin(s);
    memcpy(got, s2, 16);
    assert_int_equal(store_salt_put(s, 10, got, 16, 1000, &err), 0);
    assert_memory_equal(got, s1, 16);
    commit(s);
    assert_int_equal(store_salt_get(s, 10, got, 16, &err), 1);
    assert_memory_equal(got, s1, 16);
    store_close(s);
}

/* Visitors of a day merge across runs; of a range, they are the union of
 * the days, not the sum. */
static void test_store__day_visitors(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct rows rs;
    int64_t visitors, visits;

    begin(s);
    add_day(s, 5, 10, 10, 0, 0);
    add_day(s, 6, 10, 10, 0, 0);
    add_day(s, 7, 10, 10, 0, 0);
    add_sketch(s, STORE_SKETCH_DAY, 5, 0, NULL, 0, 10);
    commit(s);
    /* A second run of day 5: 5..15, overlapping. */
    begin(s);
    add_sketch(s, STORE_SKETCH_DAY, 5, 0, NULL, 5, 15);
    add_sketch(s, STORE_SKETCH_DAY, 6, 0, NULL, 10, 20);
    commit(s);
    query_all(s, Q_DAYS, &rs);
    assert_int_equal(rs.count, 3);
    assert_int_equal(rs.r[0].n[4], 15);        /* day 5 */
    assert_int_equal(rs.r[1].n[4], 10);        /* day 6 */
    assert_int_equal(rs.r[2].n[4], 0);         /* day 7: none */
    /* The same days without their visitors. */
    {
        struct rows c;

        query_all(s, Q_DAY_COUNTS, &c);
        assert_int_equal(c.count, rs.count);
        for (int i = 0; i < c.count; i++) {
            assert_string_equal(c.r[i].s[0], rs.r[i].s[0]);
            for (int k = 0; k < 6; k++)
                assert_int_equal(c.r[i].n[k], k == 4 ? 0 : rs.r[i].n[k]);
        }
    }
    range_of(s, 5, 6, &visitors, &visits);
    assert_int_equal(visitors, 20);            /* not 25 */
    range_of(s, 6, 7, &visitors, &visits);
    assert_int_equal(visitors, 10);
    range_of(s, 8, 100, &visitors, &visits);
    assert_int_equal(visitors, 0);
    range_of(s, INT32_MIN, INT32_MAX, &visitors, &visits);
    assert_int_equal(visitors, 20);
    /* Past the sparse list: dense blobs, merged in the upserts too. */
    begin(s);
    add_sketch(s, STORE_SKETCH_DAY, 7, 0, NULL, 0, 30000);
    add_sketch(s, STORE_SKETCH_DAY, 7, 0, NULL, 20000, 40000);
    commit(s);
    range_of(s, 7, 7, &visitors, &visits);
    assert_true(visitors > 40000 * 97 / 100 && visitors < 40000 * 103 / 100);
    range_of(s, 5, 7, &visitors, &visits);
    assert_true(visitors > 40000 * 97 / 100 && visitors < 40000 * 103 / 100);
    store_close(s);
}

/*
 * A year: 365 days of a core of returning readers and new ones each day,
 * the range answered by the sketch_union aggregate over the days. Exact
 * while the readers are under SKETCH_SPARSE_MAX, within 3% past it (the
 * sketch's 0.81% standard error; see test_sketch.c).
 */
static void year(struct store *s, uint64_t core, uint64_t per_day,
                 int every, uint64_t *truth_year, uint64_t *truth_month)
{
    unsigned char *seen = xcalloc(1, core), *seen_m = xcalloc(1, core);
    uint64_t next = core;

    *truth_year = *truth_month = 0;
    begin(s);
    for (int32_t d = 0; d < 365; d++) {
        struct sketch *sk = sketch_new();
        struct bs_err err;
        unsigned char *b;
        size_t n;

        for (uint64_t r = 0; r < core; r++)
            if ((r * 13 + (uint64_t)d) % (uint64_t)every == 0) {
                sketch_add(sk, vid(r));
                *truth_year += !seen[r];
                seen[r] = 1;
                if (d >= 100 && d < 130) {
                    *truth_month += !seen_m[r];
                    seen_m[r] = 1;
                }
            }
        for (uint64_t i = 0; i < per_day; i++)
            sketch_add(sk, vid(next++));
        *truth_year += per_day;
        if (d >= 100 && d < 130)
            *truth_month += per_day;
        b = sketch_serialize(sk, &n);
        memset(&err, 0, sizeof(err));
        add_day(s, 1000 + d, 1, 1, 0, 0);
        if (store_add_sketch(s, 0, STORE_SKETCH_DAY, 1000 + d, 0, NULL, b, n,
                             &err) != 0)
            fail_msg("store_add_sketch: %s", err.msg);
        free(b);
        sketch_free(sk);
    }
    commit(s);
    free(seen);
    free(seen_m);
}

static void test_store__year_small(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    uint64_t ty, tm;
    int64_t visitors, visits;

    /* 400 regulars each every 20th day, 3 new a day: 1,495. */
    year(s, 400, 3, 20, &ty, &tm);
    assert_true(ty < SKETCH_SPARSE_MAX);
    range_of(s, 1000, 1364, &visitors, &visits);
    assert_int_equal(visitors, ty);
    range_of(s, 1100, 1129, &visitors, &visits);
    assert_int_equal(visitors, tm);
    store_close(s);
}

static void test_store__year_large(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    uint64_t ty, tm;
    int64_t visitors, visits;

    /* 20,000 regulars every 5th day, 100 new a day: 56,500. */
    year(s, 20000, 100, 5, &ty, &tm);
    range_of(s, 1000, 1364, &visitors, &visits);
    if (llabs(visitors - (int64_t)ty) * 100 >= 3 * (int64_t)ty)
        fail_msg("a year of %llu readers: %lld", (unsigned long long)ty,
                 (long long)visitors);
    range_of(s, 1100, 1129, &visitors, &visits);
    if (llabs(visitors - (int64_t)tm) * 100 >= 3 * (int64_t)tm)
        fail_msg("a month of %llu readers: %lld", (unsigned long long)tm,
                 (long long)visitors);
    store_close(s);
}

/* Posts: visitors over the range as a union, visits summed, a post's
 * "/?p=ID" links included. */
static void test_store__post_visitors_and_visits(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct store_filter flt = {INT32_MIN, INT32_MAX, 0, URL_OTHER, 0, 0};
    struct bs_err err;
    struct rows rs;
    int64_t a, b, pid;

    begin(s);
    add_path(s, 10, "post", "/a/", 30);
    add_path(s, 11, "post", "/a/", 20);
    add_path(s, 10, "post", "/b/", 5);
    add_path(s, 11, "postid", "/?p=42", 4);
    a = path_id(s, "post", "/a/");
    b = path_id(s, "post", "/b/");
    pid = path_id(s, "postid", "/?p=42");
    add_sketch(s, STORE_SKETCH_PATH, 10, a, NULL, 0, 20);
    add_sketch(s, STORE_SKETCH_PATH, 11, a, NULL, 10, 25);
    add_sketch(s, STORE_SKETCH_PATH, 10, b, NULL, 0, 3);
    add_sketch(s, STORE_SKETCH_PATH, 11, pid, NULL, 24, 30);
    add_visits(s, 10, a, 12);
    add_visits(s, 11, a, 9);
    add_visits(s, 11, a, -2);          /* two visits moved away */
    add_visits(s, 10, b, 3);
    add_visits(s, 11, pid, 4);
    commit(s);

    query_all(s, Q_TOP_POSTS, &rs);
    assert_int_equal(rs.count, 2);
    assert_string_equal(rs.r[0].s[0], "/a/");
    assert_int_equal(rs.r[0].n[0], 50);
    assert_int_equal(rs.r[0].n[1], a);
    assert_int_equal(rs.r[0].n[2], 25);        /* 0..24 */
    assert_int_equal(rs.r[0].n[3], 19);
    assert_int_equal(row_n(&rs, "/b/", 2), 3);
    assert_int_equal(row_n(&rs, "/b/", 3), 3);
    query(s, Q_TOP_POSTS, 11, 11, 0, &rs);
    assert_int_equal(row_n(&rs, "/a/", 2), 15);
    assert_int_equal(row_n(&rs, "/a/", 3), 7);

    /* Imported with WordPress ID 42: its /?p=42 readers and visits. */
    begin(s);
    put_post(s, "/a/", "post", "A", 42, "t", NULL, NULL);
    commit(s);
    query_all(s, Q_TOP_POSTS, &rs);
    assert_int_equal(row_n(&rs, "/a/", 0), 54);
    assert_int_equal(row_n(&rs, "/a/", 2), 30);     /* 0..29 */
    assert_int_equal(row_n(&rs, "/a/", 3), 23);
    query_all(s, Q_LEAST_POSTS, &rs);
    assert_int_equal(rs.count, 2);
    assert_string_equal(rs.r[0].s[0], "/b/");
    assert_int_equal(row_n(&rs, "/a/", 2), 30);
    assert_int_equal(row_n(&rs, "/a/", 3), 23);
    assert_int_equal(row_n(&rs, "/b/", 2), 3);

    /* A post's own range and days. */
    flt.path_id = a;
    memset(&err, 0, sizeof(err));
    memset(&rs, 0, sizeof(rs));
    assert_int_equal(run_query(s, Q_POST_RANGE, &flt, &rs,
                                 &err), 0);
    assert_int_equal(rs.count, 1);
    assert_int_equal(rs.r[0].n[0], 30);
    assert_int_equal(rs.r[0].n[1], 23);
    memset(&rs, 0, sizeof(rs));
    assert_int_equal(run_query(s, Q_POST_DAYS, &flt, &rs,
                                 &err), 0);
    assert_int_equal(rs.count, 2);
    assert_int_equal(rs.r[0].n[0], 30);       /* views of day 10 */
    assert_int_equal(rs.r[0].n[1], 20);       /* visitors */
    assert_int_equal(rs.r[0].n[2], 12);       /* visits */
    assert_int_equal(rs.r[1].n[0], 24);       /* 20 + 4 of /?p=42 */
    assert_int_equal(rs.r[1].n[1], 20);       /* 10..29 */
    assert_int_equal(rs.r[1].n[2], 11);       /* 9 - 2 + 4 */
    store_close(s);
}

/* Tags and categories: their posts' visitors over the range, each
 * reader once however many of the posts they read. */
static void test_store__term_visitors(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct rows rs;
    int64_t a, b;

    begin(s);
    add_path(s, 10, "post", "/a/", 10);
    add_path(s, 11, "post", "/b/", 5);
    add_term(s, 10, "tag", "archive-only", 2);
    put_post(s, "/a/", "post", "A", 0, "t", "u", "c");
    put_post(s, "/b/", "post", "B", 0, "t", NULL, NULL);
    a = path_id(s, "post", "/a/");
    b = path_id(s, "post", "/b/");
    add_sketch(s, STORE_SKETCH_PATH, 10, a, NULL, 0, 40);
    add_sketch(s, STORE_SKETCH_PATH, 11, b, NULL, 30, 60);
    commit(s);
    query_all(s, Q_TOP_TAGS, &rs);
    assert_int_equal(rs.count, 3);
    assert_int_equal(row_n(&rs, "t", 2), 60);
    assert_int_equal(row_n(&rs, "u", 2), 40);
    assert_int_equal(row_n(&rs, "archive-only", 2), 0);
    query(s, Q_TOP_TAGS, 11, 11, 0, &rs);
    assert_int_equal(row_n(&rs, "t", 2), 30);
    query_all(s, Q_TOP_CATEGORIES, &rs);
    assert_int_equal(rs.count, 1);
    assert_int_equal(row_n(&rs, "c", 2), 40);
    store_close(s);
}

static void test_store__country_visitors(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct rows rs;

    begin(s);
    add_country(s, 10, "SE", 100);
    add_country(s, 11, "SE", 50);
    add_country(s, 10, "--", 7);
    add_sketch(s, STORE_SKETCH_COUNTRY, 10, 0, "SE", 0, 30);
    add_sketch(s, STORE_SKETCH_COUNTRY, 11, 0, "SE", 20, 45);
    add_sketch(s, STORE_SKETCH_COUNTRY, 10, 0, "--", 100, 105);
    /* A country's sketch without views is not a row of its own. */
    add_sketch(s, STORE_SKETCH_COUNTRY, 10, 0, "DE", 0, 5);
    commit(s);
    query_all(s, Q_TOP_COUNTRIES, &rs);
    assert_int_equal(rs.count, 2);
    assert_string_equal(rs.r[0].s[0], "SE");
    assert_int_equal(rs.r[0].n[0], 150);
    assert_int_equal(rs.r[0].n[1], 45);
    assert_int_equal(row_n(&rs, "--", 1), 5);
    query(s, Q_TOP_COUNTRIES, 11, 11, 0, &rs);
    assert_int_equal(row_n(&rs, "SE", 1), 25);
    store_close(s);
}

/* Visit deltas, +1 and -1, sum per day (path 0) and per landing page. */
static void test_store__visits(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct rows rs;
    int64_t visitors, visits, a;

    begin(s);
    add_day(s, 10, 5, 5, 0, 0);
    a = path_id(s, "post", "/a/");
    add_visits(s, 10, 0, 1);
    add_visits(s, 10, 0, 1);
    add_visits(s, 10, 0, 1);
    add_visits(s, 10, 0, -1);
    add_visits(s, 10, a, 2);
    /* A day with visits before its counts. */
    add_visits(s, 12, 0, 4);
    commit(s);
    begin(s);
    add_visits(s, 10, 0, 5);
    add_visits(s, 10, a, -1);
    commit(s);
    query_all(s, Q_DAYS, &rs);
    assert_int_equal(rs.count, 2);
    assert_int_equal(rs.r[0].n[0], 5);         /* views kept */
    assert_int_equal(rs.r[0].n[5], 7);
    assert_int_equal(rs.r[1].n[5], 4);
    assert_int_equal(rs.r[1].n[0], 0);
    range_of(s, 10, 12, &visitors, &visits);
    assert_int_equal(visits, 11);
    range_of(s, 11, 12, &visitors, &visits);
    assert_int_equal(visits, 4);
    assert_int_equal(sql_int(f->path, "SELECT visits FROM visits WHERE "
                                      "day = 10"), 1);
    store_close(s);
}

/* The open visits of a day, per visitor: put replaces, load reads back
 * ordered by visitor and start. */
struct loaded {
    int count;
    int stop_at;
    struct {
        int64_t visitor;
        struct visit v;
    } e[32];
};

static int on_open(void *ctx, int64_t visitor, const struct visit *v)
{
    struct loaded *l = ctx;

    assert_true(l->count < 32);
    l->e[l->count].visitor = visitor;
    l->e[l->count].v = *v;
    l->count++;
    return l->stop_at && l->count == l->stop_at;
}

static void load(struct store *s, int32_t day, struct loaded *l)
{
    struct bs_err err;
    int stop = l->stop_at;

    memset(&err, 0, sizeof(err));
    memset(l, 0, sizeof(*l));
    l->stop_at = stop;
    assert_int_equal(store_open_visits_load(s, day, on_open, l, &err), 0);
}

static void put_open(struct store *s, int32_t day, int64_t visitor,
                     const struct visit *v, size_t n)
{
    struct bs_err err;

    memset(&err, 0, sizeof(err));
    if (store_open_visits_put(s, day, visitor, v, n, &err) != 0)
        fail_msg("store_open_visits_put: %s", err.msg);
}

/*
 * A transaction's rows wait and go in sorted, many a statement: the
 * database ends as with one statement a row. Rows of one key keep their
 * order (a visitor's visits put, deleted and put again), a read inside
 * the transaction sees the rows before it, more rows than wait at once
 * all go in, and a rollback drops what waits.
 */
static void test_store__batched_rows(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    static const struct visit v1[] = {{100, 200, 2}};
    static const struct visit v2[] = {{300, 400, 9}};
    struct loaded l;
    struct bs_err err;
    char path[32];
    /* Twice the rows that wait for a flush (4,096), and more; 10 times
     * in the plain and ASan runs. */
    const int n = TU_UNDER_VALGRIND() ? 10000 : 40000;

    begin(s);
    put_open(s, 10, 77, v1, 1);
    put_open(s, 10, 77, NULL, 0);
    put_open(s, 10, 77, v2, 1);
    put_open(s, 10, 5, v1, 1);
    put_open(s, 10, 5, NULL, 0);
    load(s, 10, &l);                   /* inside the transaction */
    assert_int_equal(l.count, 1);
    assert_int_equal(l.e[0].visitor, 77);
    assert_int_equal(l.e[0].v.start, 300);
    commit(s);
    load(s, 10, &l);
    assert_int_equal(l.count, 1);
    assert_int_equal(l.e[0].v.landing, 9);

    /* Keys in falling order, each twice, over more rows than wait. */
    begin(s);
    for (int i = n - 1; i >= 0; i--) {
        snprintf(path, sizeof(path), "/p%05d/", i % (n / 2));
        add_path(s, 20 + i % 3, "post", path, (uint64_t)i + 1);
    }
    for (int i = 0; i < 1000; i++) {
        memset(&err, 0, sizeof(err));
        assert_int_equal(store_add_visits(s, 0, 20 + i % 3, 1 + i % 7, 2,
                                          &err), 0);
    }
    commit(s);
    assert_int_equal(sql_int(f->path, "SELECT sum(views) FROM path_views"),
                     (int64_t)n * (n + 1) / 2);
    assert_int_equal(sql_int(f->path, "SELECT sum(views) FROM path_totals"),
                     (int64_t)n * (n + 1) / 2);
    assert_int_equal(sql_int(f->path, "SELECT sum(visits) FROM visits"),
                     2000);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM visits"), 21);

    begin(s);
    add_path(s, 20, "post", "/p00001/", 5);
    put_open(s, 10, 77, NULL, 0);
    store_rollback(s);
    assert_int_equal(sql_int(f->path, "SELECT sum(views) FROM path_views"),
                     (int64_t)n * (n + 1) / 2);
    load(s, 10, &l);
    assert_int_equal(l.count, 1);
    store_close(s);
}

static void test_store__open_visits(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct loaded l;
    static const struct visit v1[] = {{5000, 5100, 3}, {100, 200, 2}};
    static const struct visit v2[] = {{0, 86399, 7}};
    static const struct visit v3[] = {{300, 400, 9}};

    memset(&l, 0, sizeof(l));
    load(s, 10, &l);
    assert_int_equal(l.count, 0);
    begin(s);
    put_open(s, 10, 77, v1, 2);
    put_open(s, 10, -5, v2, 1);         /* ids are 64-bit, any sign */
    put_open(s, 10, INT64_MAX, v3, 1);
    put_open(s, 11, 77, v3, 1);
    commit(s);
    /* Sets by the visitors' top six bits (77: 0, INT64_MAX: 31, -5:
     * 63), a visitor's visits one after another, by start. */
    load(s, 10, &l);
    assert_int_equal(l.count, 4);
    assert_int_equal(l.e[0].visitor, 77);
    assert_int_equal(l.e[0].v.start, 100);        /* by start */
    assert_int_equal(l.e[0].v.landing, 2);
    assert_int_equal(l.e[1].visitor, 77);
    assert_int_equal(l.e[1].v.start, 5000);
    assert_int_equal(l.e[1].v.end, 5100);
    assert_int_equal(l.e[2].visitor, INT64_MAX);
    assert_int_equal(l.e[3].visitor, -5);
    assert_int_equal(l.e[3].v.start, 0);
    assert_int_equal(l.e[3].v.end, 86399);
    assert_int_equal(l.e[3].v.landing, 7);
    /* Replace one visitor's visits; the others stay. */
    begin(s);
    put_open(s, 10, 77, v3, 1);
    commit(s);
    load(s, 10, &l);
    assert_int_equal(l.count, 3);
    assert_int_equal(l.e[0].visitor, 77);
    assert_int_equal(l.e[0].v.start, 300);
    assert_int_equal(l.e[0].v.landing, 9);
    /* None: the visitor is gone. */
    begin(s);
    put_open(s, 10, 77, NULL, 0);
    commit(s);
    load(s, 10, &l);
    assert_int_equal(l.count, 2);
    load(s, 11, &l);
    assert_int_equal(l.count, 1);
    assert_int_equal(l.e[0].visitor, 77);
    /* The callback stops the load (not an error). */
    l.stop_at = 1;
    load(s, 10, &l);
    assert_int_equal(l.count, 1);
    /* A rolled back put leaves them. */
    begin(s);
    put_open(s, 10, -5, v1, 2);
    store_rollback(s);
    l.stop_at = 0;
    load(s, 10, &l);
    assert_int_equal(l.count, 2);
    assert_int_equal(l.e[1].visitor, -5);
    assert_int_equal(l.e[1].v.start, 0);
    store_close(s);
}

/* Closing days: their salts and open visits go, and only theirs; the
 * counts made of them stay. */
static void test_store__close_days(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct bs_err err;
    struct loaded l;
    unsigned char salt[16], got[16];
    static const struct visit v[] = {{100, 200, 2}};
    int64_t visitors, visits;

    memset(&err, 0, sizeof(err));
    memset(&l, 0, sizeof(l));
    memset(salt, 0x5A, sizeof(salt));
    /* Days 10 to 13 first read at 1010 to 1013; day 10 read again at
     * 2000. */
    begin(s);
    for (int32_t d = 10; d <= 13; d++) {
        assert_int_equal(store_salt_put(s, d, salt, 16, 1000 + d, &err), 0);
        put_open(s, d, 1, v, 1);
        put_open(s, d, 2, v, 1);
        add_day(s, d, 1, 1, 0, 0);
        add_sketch(s, STORE_SKETCH_DAY, d, 0, NULL, 0, 10);
        add_visits(s, d, 0, 2);
    }
    assert_int_equal(store_salt_touch(s, 10, 2000, &err), 0);
    assert_int_equal(store_salt_touch(s, 13, 5, &err), 0);  /* not back */
    commit(s);
    /* Close what was last read before 1013: day 11 and day 12 go. */
    begin(s);
    assert_int_equal(store_close_days(s, 1013, &err), 0);
    commit(s);
    for (int32_t d = 10; d <= 13; d++) {
        int open = d == 10 || d == 13;

        assert_int_equal(store_salt_get(s, d, got, 16, &err), open);
        load(s, d, &l);
        assert_int_equal(l.count, open ? 2 : 0);
    }
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM day_salts"), 2);
    assert_int_equal(TU_OPEN_VISITORS(f->path), 4);
    range_of(s, 10, 13, &visitors, &visits);
    assert_int_equal(visitors, 10);
    assert_int_equal(visits, 8);
    /* Again, and further: idempotent, then everything. */
    begin(s);
    assert_int_equal(store_close_days(s, 1013, &err), 0);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM day_salts"), 2);
    assert_int_equal(store_close_days(s, INT64_MAX, &err), 0);
    commit(s);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM day_salts"), 0);
    assert_int_equal(TU_OPEN_VISITORS(f->path), 0);
    range_of(s, 10, 13, &visitors, &visits);
    assert_int_equal(visitors, 10);
    assert_int_equal(visits, 8);
    store_close(s);
}

static void add_ref(struct store *s, int32_t day, int64_t pid,
                    const char *host, const char *cls, uint64_t views)
{
    struct bs_err err;

    memset(&err, 0, sizeof(err));
    if (store_add_referrer(s, 0, day, pid, host, strlen(host), cls, views,
                           &err) != 0)
        fail_msg("store_add_referrer: %s", err.msg);
}

static void test_store__referrers(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct store_filter flt = {INT32_MIN, INT32_MAX, 0, URL_OTHER, 0, 0};
    struct bs_err err;
    struct rows rs;
    int64_t a, b, pid;

    begin(s);
    add_path(s, 10, "post", "/a/", 10);
    add_path(s, 10, "postid", "/?p=7", 1);
    a = path_id(s, "post", "/a/");
    b = path_id(s, "post", "/b/");
    pid = path_id(s, "postid", "/?p=7");
    add_ref(s, 10, a, "google.se", "search", 3);
    add_ref(s, 11, a, "google.se", "search", 2);
    add_ref(s, 10, b, "google.se", "search", 1);
    add_ref(s, 10, a, "t.co", "social", 4);
    add_ref(s, 10, a, "blog.example.eu", "internal", 50);
    add_ref(s, 10, b, "dn.se", "other", 6);
    add_ref(s, 10, pid, "facebook.com", "social", 2);
    commit(s);
    begin(s);
    add_ref(s, 10, a, "google.se", "search", 1);    /* summed */
    commit(s);

    query_all(s, Q_TOP_REFERRERS, &rs);
    assert_int_equal(rs.count, 4);                 /* not internal */
    assert_string_equal(rs.r[0].s[0], "google.se");
    assert_string_equal(rs.r[0].s[1], "search");
    assert_int_equal(rs.r[0].n[0], 7);
    assert_string_equal(rs.r[1].s[0], "dn.se");
    assert_int_equal(rs.r[1].n[0], 6);
    assert_string_equal(rs.r[2].s[0], "t.co");
    assert_string_equal(rs.r[3].s[0], "facebook.com");
    assert_int_equal(row_n(&rs, "blog.example.eu", 0), -1);
    query(s, Q_TOP_REFERRERS, 11, 11, 0, &rs);
    assert_int_equal(rs.count, 1);
    assert_int_equal(rs.r[0].n[0], 2);
    query(s, Q_TOP_REFERRERS, INT32_MIN, INT32_MAX, 2, &rs);
    assert_int_equal(rs.count, 2);

    /* Sources: each class, the site's own links too. */
    query_all(s, Q_SOURCES, &rs);
    assert_int_equal(rs.count, 4);
    assert_string_equal(rs.r[0].s[0], "internal");
    assert_int_equal(rs.r[0].n[0], 50);
    assert_int_equal(row_n(&rs, "search", 0), 7);
    assert_int_equal(row_n(&rs, "social", 0), 6);
    assert_int_equal(row_n(&rs, "other", 0), 6);

    /* One post's referrers, with those of its /?p=ID once imported. */
    flt.path_id = a;
    memset(&err, 0, sizeof(err));
    memset(&rs, 0, sizeof(rs));
    assert_int_equal(run_query(s, Q_POST_REFERRERS, &flt,
                                 &rs, &err), 0);
    assert_int_equal(rs.count, 3);
    assert_string_equal(rs.r[0].s[0], "blog.example.eu");
    assert_int_equal(row_n(&rs, "google.se", 0), 6);
    assert_int_equal(row_n(&rs, "facebook.com", 0), -1);
    begin(s);
    put_post(s, "/a/", "post", "A", 7, NULL, NULL, NULL);
    commit(s);
    memset(&rs, 0, sizeof(rs));
    assert_int_equal(run_query(s, Q_POST_REFERRERS, &flt,
                                 &rs, &err), 0);
    assert_int_equal(row_n(&rs, "facebook.com", 0), 2);
    store_close(s);
}

static void test_store__search_terms(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct bs_err err;
    struct rows rs;

    memset(&err, 0, sizeof(err));
    begin(s);
    assert_int_equal(store_add_search_term(s, 0, 10, "acta", 4, 2, &err), 0);
    assert_int_equal(store_add_search_term(s, 0, 11, "acta", 4, 1, &err), 0);
    assert_int_equal(store_add_search_term(s, 0, 10, "s\xC3\xA4kerhet", 9, 5,
                                           &err), 0);
    assert_int_equal(store_add_search_term(s, 0, 10, "a'b\"c;--", 8, 1, &err),
                     0);
    assert_int_equal(store_add_search_term(s, 0, 10, "acta and more", 4, 1,
                                           &err), 0);      /* n bytes */
    commit(s);
    query_all(s, Q_TOP_SEARCH_TERMS, &rs);
    assert_int_equal(rs.count, 3);
    assert_string_equal(rs.r[0].s[0], "s\xC3\xA4kerhet");
    assert_int_equal(rs.r[0].n[0], 5);
    assert_string_equal(rs.r[1].s[0], "acta");
    assert_int_equal(rs.r[1].n[0], 4);
    assert_string_equal(rs.r[2].s[0], "a'b\"c;--");
    query(s, Q_TOP_SEARCH_TERMS, 11, 11, 0, &rs);
    assert_int_equal(rs.count, 1);
    assert_int_equal(rs.r[0].n[0], 1);
    query(s, Q_TOP_SEARCH_TERMS, INT32_MIN, INT32_MAX, 1, &rs);
    assert_int_equal(rs.count, 1);
    store_close(s);
}

/* A damaged sketch in the file: the query fails with a message, no
 * crash, no made-up number. */
static void test_store__bad_sketch_blob(void **state)
{
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct store_filter flt = {INT32_MIN, INT32_MAX, 0, URL_OTHER, 0, 0};
    struct bs_err err;
    struct rows rs;

    begin(s);
    add_day(s, 10, 1, 1, 0, 0);
    add_sketch(s, STORE_SKETCH_DAY, 10, 0, NULL, 0, 5);
    commit(s);
    store_close(s);
    sql_exec(f->path, "UPDATE day_sketches SET sketch = x'01ff00000000'");
    s = open_ok(f->path, STORE_WRITE);
    memset(&err, 0, sizeof(err));
    memset(&rs, 0, sizeof(rs));
    assert_int_equal(run_query(s, Q_RANGE, &flt, &rs, &err),
                     -1);
    assert_int_not_equal(err.status, 0);
    assert_non_null(strstr(err.msg, f->path));
    memset(&err, 0, sizeof(err));
    assert_int_equal(run_query(s, Q_DAYS, &flt, &rs, &err),
                     -1);
    assert_int_not_equal(err.status, 0);
    /* Merging into it fails too, and the transaction can roll back. */
    {
        struct sketch *sk = sketch_new();
        unsigned char *b;
        size_t n;

        sketch_add(sk, 1);
        b = sketch_serialize(sk, &n);
        begin(s);
        memset(&err, 0, sizeof(err));
        assert_int_equal(store_add_sketch(s, 0, STORE_SKETCH_DAY, 10, 0, NULL, b,
                                          n, &err), -1);
        assert_int_not_equal(err.status, 0);
        store_rollback(s);
        free(b);
        sketch_free(sk);
    }
    /* A blob that is no sketch is refused before it can make a new row
     * (day 11 has none). */
    {
        static const unsigned char junk[] = {1, 5, 0, 0, 0, 7};

        begin(s);
        memset(&err, 0, sizeof(err));
        assert_int_equal(store_add_sketch(s, 0, STORE_SKETCH_DAY, 11, 0, NULL,
                                          junk, sizeof(junk), &err), -1);
        assert_int_equal(err.status, BS_SOFTWARE);
        assert_non_null(strstr(err.msg, "sketch"));
        store_rollback(s);
    }
    store_close(s);
}

/*
 * A database of schema 4 (the one before the audience) is upgraded in
 * place: made at version 4 by the migrations up to it, with rows written
 * as that version's blogstat wrote them.
 */
static void query_site(struct store *s, enum q q, int64_t site,
                       struct rows *rs)
{
    struct bs_err err = {0};
    struct store_filter f = {INT32_MIN, INT32_MAX, 0, URL_OTHER, 0, site};

    memset(rs, 0, sizeof(*rs));
    if (run_query(s, q, &f, rs, &err) != 0)
        fail_msg("query %d, site %lld: %s", (int)q, (long long)site,
                 err.msg);
}

/* Schema 10 kept a row a visitor; 11 keeps sets of visitors. The rows
 * of an open day become its sets, whole: every visitor and visit loads
 * as before, a damaged row goes alone, and the old table is gone. */
static void test_store__migrate_open_visits_from_v10(void **state)
{
    struct tu_store *f = *state;
    struct store *s;
    struct loaded l;
    struct bs_err err = {0};

    assert_int_equal(store_create_at_version(f->path, 10, &err), 0);
    /* Visitor 77: visits 100-200 and 5000-5100 landing on 2 and 3;
     * visitor -5: one, 0-86399 on 7; visitor 9: 15 bytes, damaged. */
    sql_exec(f->path,
             "INSERT INTO open_visits(day, visitor, visits) VALUES"
             "(10, 77, x'64000000c8000000020000000000000088130000ec130000"
             "0300000000000000'),"
             "(10, -5, x'000000007f5101000700000000000000'),"
             "(10, 9, x'000000000000000000000000000000'),"
             "(11, 77, x'2c01000090010000090000000000000000');");
    memset(&l, 0, sizeof(l));
    s = open_ok(f->path, STORE_WRITE);
    assert_int_equal(sql_int(f->path, "PRAGMA user_version"),
                     STORE_SCHEMA_VERSION);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM sqlite_master "
                             "WHERE name = 'open_visits'"), 0);
    load(s, 10, &l);
    assert_int_equal(l.count, 3);
    assert_int_equal(l.e[0].visitor, 77);
    assert_int_equal(l.e[0].v.start, 100);
    assert_int_equal(l.e[0].v.end, 200);
    assert_int_equal(l.e[0].v.landing, 2);
    assert_int_equal(l.e[1].visitor, 77);
    assert_int_equal(l.e[1].v.start, 5000);
    assert_int_equal(l.e[1].v.end, 5100);
    assert_int_equal(l.e[1].v.landing, 3);
    assert_int_equal(l.e[2].visitor, -5);
    assert_int_equal(l.e[2].v.start, 0);
    assert_int_equal(l.e[2].v.end, 86399);
    assert_int_equal(l.e[2].v.landing, 7);
    /* Day 11's row was 17 bytes: damaged, gone; the day has none. */
    load(s, 11, &l);
    assert_int_equal(l.count, 0);
    assert_int_equal(TU_OPEN_VISITORS(f->path), 2);
    store_close(s);
}

static void test_store__migrate_from_v4(void **state)
{
    struct tu_store *f = *state;
    struct store *s;
    struct rows rs;
    int64_t visitors, visits;
    unsigned char key[16], got[16];
    struct bs_err err = {0};

    assert_int_equal(store_create_at_version(f->path, 4, &err), 0);
    sql_exec(f->path,
             "INSERT INTO days(day, hits, views, robots, bad_lines) "
             "VALUES(10, 20, 9, 3, 0);"
             "INSERT INTO paths(id, path, kind) VALUES(5, '/a/', 'post');"
             "INSERT INTO path_views(day, path_id, views) VALUES(10, 5, 9);");
    assert_int_equal(sql_int(f->path, "PRAGMA user_version"), 4);
    /* A reader upgrades it; the old days have no visitors or visits. */
    s = open_ok(f->path, STORE_READ);
    query_all(s, Q_DAYS, &rs);
    assert_int_equal(rs.count, 1);
    assert_int_equal(rs.r[0].n[0], 9);
    assert_int_equal(rs.r[0].n[1], 20);
    assert_int_equal(rs.r[0].n[4], 0);
    assert_int_equal(rs.r[0].n[5], 0);
    query_all(s, Q_TOP_POSTS, &rs);
    assert_int_equal(rs.count, 1);
    assert_int_equal(rs.r[0].n[0], 9);
    assert_int_equal(rs.r[0].n[2], 0);
    store_close(s);
    assert_int_equal(sql_int(f->path, "PRAGMA user_version"),
                     STORE_SCHEMA_VERSION);
    /* And takes the audience. */
    s = open_ok(f->path, STORE_WRITE);
    memset(&err, 0, sizeof(err));
    memset(key, 0x33, sizeof(key));
    begin(s);
    assert_int_equal(store_meta_put(s, "visitor_key", key, 16, &err), 0);
    add_sketch(s, STORE_SKETCH_DAY, 11, 0, NULL, 0, 4);
    add_visits(s, 11, 0, 3);
    commit(s);
    assert_int_equal(store_meta_get(s, "visitor_key", got, 16, &err), 1);
    range_of(s, 10, 11, &visitors, &visits);
    assert_int_equal(visitors, 4);
    assert_int_equal(visits, 3);
    store_close(s);
}

/*
 * A post's days, totals and referrers over windows of days: its rows and
 * its /?p=ID's, none of another post's, none from outside the window, on
 * days with gaps between them and with no row in `days`.
 */
struct pw_row {
    int who;                  /* 0 the post, 1 its /?p=42, 2 another post */
    int32_t day;
    uint64_t views, visits;
    uint64_t v0, v1;          /* visitors vid(v0) .. vid(v1 - 1) */
    const char *host, *cls;   /* a referrer of views, or NULL */
};

static const struct pw_row pw_rows[] = {
    {0, -5, 1, 1, 0, 2, "x.se", "social"},
    {0, 3, 2, 2, 0, 5, "x.se", "social"},
    {2, 3, 100, 16, 0, 50, "x.se", "social"},
    {0, 4, 4, 0, 4, 6, NULL, NULL},
    {1, 4, 8, 0, 5, 7, "z.se", "other"},
    {2, 4, 100, 0, 0, 3, "y.se", "search"},
    {0, 10, 16, 4, 3, 8, "x.se", "social"},
    {1, 20, 32, 8, 7, 9, "x.se", "social"},
    {2, 30, 100, 32, 60, 90, "y.se", "search"},
    {0, 40, 64, 64, 100, 101, "y.se", "search"},
};

static void test_store__post_windows(void **state)
{
    static const int32_t win[][2] = {
        {INT32_MIN, INT32_MAX}, {3, 10}, {4, 20}, {11, 39}, {21, 100},
        {-10, -1}, {50, 60}, {10, 10}, {20, 20}, {5, 9}, {41, INT32_MAX},
    };
    struct tu_store *f = *state;
    struct store *s = open_ok(f->path, STORE_WRITE);
    struct bs_err err;
    int64_t id[3];

    memset(&err, 0, sizeof(err));
    begin(s);
    for (size_t i = 0; i < ARRAY_SIZE(pw_rows); i++) {
        static const char *const path[] = {"/a/", "/?p=42", "/b/"};
        static const char *const kind[] = {"post", "postid", "post"};
        const struct pw_row *r = &pw_rows[i];

        add_path(s, r->day, kind[r->who], path[r->who], r->views);
    }
    put_post(s, "/a/", "post", "A", 42, "t", NULL, "c");
    id[0] = path_id(s, "post", "/a/");
    id[1] = path_id(s, "postid", "/?p=42");
    id[2] = path_id(s, "post", "/b/");
    for (size_t i = 0; i < ARRAY_SIZE(pw_rows); i++) {
        const struct pw_row *r = &pw_rows[i];

        if (r->visits)
            add_visits(s, r->day, id[r->who], (int64_t)r->visits);
        add_sketch(s, STORE_SKETCH_PATH, r->day, id[r->who], NULL, r->v0,
                   r->v1);
        if (r->host)
            assert_int_equal(store_add_referrer(s, 0, r->day, id[r->who],
                                                r->host, strlen(r->host),
                                                r->cls, r->views, &err), 0);
    }
    commit(s);

    for (size_t w = 0; w < ARRAY_SIZE(win); w++) {
        struct store_filter flt = {win[w][0], win[w][1], 0, URL_OTHER, id[0], 0};
        int64_t views = 0, visits = 0, ref[3] = {0, 0, 0};
        int seen[128] = {0}, visitors = 0, nref = 0, ndays = 0;
        static const char *const hosts[] = {"x.se", "y.se", "z.se"};
        struct rows rs;

        for (size_t i = 0; i < ARRAY_SIZE(pw_rows); i++) {
            const struct pw_row *r = &pw_rows[i];

            if (r->who == 2 || r->day < win[w][0] || r->day > win[w][1])
                continue;
            views += (int64_t)r->views;
            visits += (int64_t)r->visits;
            for (uint64_t v = r->v0; v < r->v1; v++)
                if (!seen[v]++)
                    visitors++;
            for (int h = 0; h < 3 && r->host; h++)
                if (strcmp(r->host, hosts[h]) == 0)
                    ref[h] += (int64_t)r->views;
        }
        for (int h = 0; h < 3; h++)
            nref += ref[h] > 0;

        /* The days: each with the views, visitors and visits of both. */
        memset(&rs, 0, sizeof(rs));
        assert_int_equal(run_query(s, Q_POST_DAYS, &flt, &rs,
                                     &err), 0);
        for (int k = 0; k < rs.count; k++) {
            int32_t day;
            int64_t dv = 0, dvis = 0;
            int dseen[128] = {0}, dvisitors = 0;

            assert_int_equal(day_parse(rs.r[k].s[0], &day), 0);
            assert_true(day >= win[w][0] && day <= win[w][1]);
            for (size_t i = 0; i < ARRAY_SIZE(pw_rows); i++) {
                const struct pw_row *r = &pw_rows[i];

                if (r->who == 2 || r->day != day)
                    continue;
                dv += (int64_t)r->views;
                dvis += (int64_t)r->visits;
                for (uint64_t v = r->v0; v < r->v1; v++)
                    if (!dseen[v]++)
                        dvisitors++;
            }
            assert_int_equal(rs.r[k].n[0], dv);
            assert_int_equal(rs.r[k].n[1], dvisitors);
            assert_int_equal(rs.r[k].n[2], dvis);
            views -= dv;
            ndays++;
        }
        assert_int_equal(views, 0);           /* every day of the window */

        memset(&rs, 0, sizeof(rs));
        assert_int_equal(run_query(s, Q_POST_RANGE, &flt,
                                     &rs, &err), 0);
        assert_int_equal(rs.count, 1);
        assert_int_equal(rs.r[0].n[0], visitors);
        assert_int_equal(rs.r[0].n[1], visits);

        memset(&rs, 0, sizeof(rs));
        assert_int_equal(run_query(s, Q_POST_REFERRERS, &flt,
                                     &rs, &err), 0);
        assert_int_equal(rs.count, nref);
        for (int h = 0; h < 3; h++)
            if (ref[h])
                assert_int_equal(row_n(&rs, hosts[h], 0), ref[h]);
        for (int k = 1; k < rs.count; k++)
            assert_true(rs.r[k - 1].n[0] >= rs.r[k].n[0]);

        /* The top posts: the visitors and visits of each, its /?p=42 in. */
        query(s, Q_TOP_POSTS, win[w][0], win[w][1], 0, &rs);
        for (int k = 0; k < rs.count; k++) {
            int who = rs.r[k].n[1] == id[0] ? 0 : 2;
            int64_t tvis = 0;
            int tseen[128] = {0}, tvisitors = 0;

            assert_true(rs.r[k].n[1] == id[who]);
            for (size_t i = 0; i < ARRAY_SIZE(pw_rows); i++) {
                const struct pw_row *r = &pw_rows[i];

                if ((r->who == 2) != (who == 2) || r->day < win[w][0] ||
                    r->day > win[w][1])
                    continue;
                tvis += (int64_t)r->visits;
                for (uint64_t v = r->v0; v < r->v1; v++)
                    if (!tseen[v]++)
                        tvisitors++;
            }
            assert_int_equal(rs.r[k].n[2], tvisitors);
            assert_int_equal(rs.r[k].n[3], tvis);
        }
        (void)ndays;
    }
    store_close(s);
}

/*
 * A database of schema 5 (before sites): every row becomes the default
 * site's, ids kept, and the same queries give the same numbers; then a
 * second site's rows stay apart from them.
 */
static void test_store__migrate_from_v5(void **state)
{
    struct tu_store *f = *state;
    struct store *s;
    struct rows rs;
    struct bs_err err = {0};
    int64_t site = -1, id = -1, first, last;
    int32_t d0, d1;

    assert_int_equal(store_create_at_version(f->path, 5, &err), 0);
    sql_exec(f->path,
             "INSERT INTO days(day, hits, views, robots, bad_lines, visits) "
             "VALUES(10, 9, 4, 1, 2, 3);"
             "INSERT INTO paths(id, path, kind, title, post_id, imported) "
             "VALUES(7, '/a/', 'post', 'A', 42, 1);"
             "INSERT INTO paths(id, path, kind, post_id) "
             "VALUES(8, '/?p=42', 'postid', 42);"
             "INSERT INTO path_views VALUES(10, 7, 3), (10, 8, 1);"
             "INSERT INTO terms(id, taxonomy, name) VALUES(3, 'tag', 'eu');"
             "INSERT INTO post_terms VALUES(7, 3);"
             "INSERT INTO term_views VALUES(10, 3, 2);"
             "INSERT INTO country_views VALUES(10, 'SE', 4);"
             "INSERT INTO search_terms VALUES(10, 'malmo', 1);"
             "INSERT INTO referrers VALUES(10, 7, 'example.com', 'other', 2);");
    s = open_ok(f->path, STORE_WRITE);
    assert_int_equal(sql_int(f->path, "PRAGMA user_version"),
                     STORE_SCHEMA_VERSION);
    assert_int_equal(store_site_id(s, "default", 0, &site, &err), 1);
    assert_int_equal(site, STORE_SITE_DEFAULT);
    query_site(s, Q_TOP_POSTS, 0, &rs);
    assert_int_equal(rs.count, 1);
    assert_string_equal(rs.r[0].s[0], "/a/");
    assert_string_equal(rs.r[0].s[1], "A");
    assert_int_equal(rs.r[0].n[0], 4);      /* with its /?p=42 */
    assert_int_equal(rs.r[0].n[1], 7);      /* the id is kept */
    query_site(s, Q_TOP_TAGS, 0, &rs);
    assert_int_equal(rs.count, 1);
    assert_int_equal(rs.r[0].n[0], 4);
    assert_int_equal(rs.r[0].n[1], 2);
    query_site(s, Q_DAYS, 0, &rs);
    assert_int_equal(rs.count, 1);
    assert_int_equal(rs.r[0].n[0], 4);
    assert_int_equal(rs.r[0].n[1], 9);
    assert_int_equal(rs.r[0].n[3], 2);
    assert_int_equal(rs.r[0].n[5], 3);
    query_site(s, Q_TOP_COUNTRIES, 0, &rs);
    assert_int_equal(rs.count, 1);
    assert_int_equal(rs.r[0].n[0], 4);
    query_site(s, Q_TOP_SEARCH_TERMS, 0, &rs);
    assert_int_equal(rs.count, 1);
    query_site(s, Q_TOP_REFERRERS, 0, &rs);
    assert_int_equal(rs.count, 1);
    assert_int_equal(rs.r[0].n[0], 2);

    /* A second site: the same path and tag are other rows. */
    assert_int_equal(store_site_id(s, "b", 0, &site, &err), 0);
    assert_int_equal(store_site_id(s, "b", 1, &site, &err), 1);
    assert_true(site > 0);
    begin(s);
    assert_int_equal(store_add_path_views(s, site, 10, URL_POST, "/a/", 3, 5,
                                          &err), 0);
    assert_int_equal(store_add_path_views(s, site, 11, URL_POSTID, "/?p=42",
                                          6, 6, &err), 0);
    assert_int_equal(store_add_day(s, site, 11, 30, 11, 0, 0, &err), 0);
    assert_int_equal(store_add_term_views(s, site, 11, URL_TAG, "eu", 2, 9,
                                          &err), 0);
    assert_int_equal(store_add_country_views(s, site, 11, "DE", 11, &err),
                     0);
    assert_int_equal(store_add_search_term(s, site, 11, "malmo", 5, 7, &err),
                     0);
    assert_int_equal(store_path_id(s, site, URL_POST, "/a/", 3, &id, &err), 0);
    assert_true(id != 7);
    assert_int_equal(store_add_referrer(s, site, 11, id, "b.example", 9,
                                        "other", 8, &err), 0);
    assert_int_equal(store_add_visits(s, site, 11, 0, 4, &err), 0);
    {
        struct store_post p = {.path = "/a/", .kind = URL_POST, .title = "B",
                               .post_id = 42};

        assert_int_equal(store_put_post(s, site, &p, &err), 0);
    }
    commit(s);
    /* The default site is as it was. */
    query_site(s, Q_TOP_POSTS, 0, &rs);
    assert_int_equal(rs.count, 1);
    assert_string_equal(rs.r[0].s[1], "A");
    assert_int_equal(rs.r[0].n[0], 4);
    query_site(s, Q_DAYS, 0, &rs);
    assert_int_equal(rs.count, 1);
    query_site(s, Q_TOP_TAGS, 0, &rs);
    assert_int_equal(rs.r[0].n[1], 2);
    query_site(s, Q_TOP_COUNTRIES, 0, &rs);
    assert_string_equal(rs.r[0].s[0], "SE");
    query_site(s, Q_TOP_SEARCH_TERMS, 0, &rs);
    assert_int_equal(rs.r[0].n[0], 1);
    query_site(s, Q_TOP_REFERRERS, 0, &rs);
    assert_int_equal(rs.count, 1);
    assert_string_equal(rs.r[0].s[0], "example.com");
    /* The second has its own: its /?p=42 is its own post 42's. */
    query_site(s, Q_TOP_POSTS, site, &rs);
    assert_int_equal(rs.count, 1);
    assert_string_equal(rs.r[0].s[1], "B");
    assert_int_equal(rs.r[0].n[0], 11);
    query_site(s, Q_DAYS, site, &rs);
    assert_int_equal(rs.count, 1);
    assert_string_equal(rs.r[0].s[0], "1970-01-12");
    assert_int_equal(rs.r[0].n[0], 11);
    assert_int_equal(rs.r[0].n[5], 4);
    query_site(s, Q_TOP_TAGS, site, &rs);
    assert_int_equal(rs.count, 1);
    assert_int_equal(rs.r[0].n[0], 0);      /* no post of b carries it */
    assert_int_equal(rs.r[0].n[1], 9);
    query_site(s, Q_TOP_COUNTRIES, site, &rs);
    assert_int_equal(rs.count, 1);
    assert_string_equal(rs.r[0].s[0], "DE");
    query_site(s, Q_TOP_SEARCH_TERMS, site, &rs);
    assert_int_equal(rs.r[0].n[0], 7);
    query_site(s, Q_TOP_REFERRERS, site, &rs);
    assert_int_equal(rs.count, 1);
    assert_string_equal(rs.r[0].s[0], "b.example");
    query_site(s, Q_SITES, 0, &rs);
    assert_int_equal(rs.count, 2);
    assert_string_equal(rs.r[0].s[0], "b");
    assert_int_equal(rs.r[0].n[0], 11);
    assert_int_equal(rs.r[0].n[2], 30);
    assert_string_equal(rs.r[1].s[0], "default");
    assert_int_equal(rs.r[1].n[0], 4);
    /* The span of each, and of all. */
    assert_int_equal(store_day_span(s, 0, &d0, &d1, &err), 1);
    assert_int_equal(d0, 10);
    assert_int_equal(d1, 10);
    assert_int_equal(store_day_span(s, site, &d0, &d1, &err), 1);
    assert_int_equal(d0, 11);
    assert_int_equal(store_day_span(s, STORE_SITE_ALL, &d0, &d1, &err), 1);
    first = d0;
    last = d1;
    assert_int_equal(first, 10);
    assert_int_equal(last, 11);
    assert_int_equal(store_day_span(s, 99, &d0, &d1, &err), 0);
    store_close(s);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, tu_store_setup, tu_store_teardown)
    const struct CMUnitTest tests[] = {
        T(test_store__create),
        T(test_store__create_in_empty_file),
        T(test_store__days_sum_across_transactions),
        T(test_store__paths_sum_across_transactions),
        T(test_store__fingerprints_of_ranges),
        T(test_store__day_range_inclusive),
        T(test_store__limit),
        T(test_store__callback_stops),
        T(test_store__ordering),
        T(test_store__top_posts_kinds),
        T(test_store__tags_and_categories),
        T(test_store__countries),
        T(test_store__country_names_bad_json),
        T(test_store__day_span),
        T(test_store__days_outside_epoch),
        T(test_store__huge_counts),
        T(test_store__sources_and_totals),
        T(test_store__totals_empty),
        T(test_store__strings_literal),
        T(test_store__key_with_nul),
        T(test_store__journal_in_memory),
        T(test_store__rollback),
        T(test_store__read_missing),
        T(test_store__read_empty_file),
        T(test_store__foreign_sqlite),
        T(test_store__foreign_sqlite_journal_mode_kept),
        T(test_store__newer_schema),
        T(test_store__not_sqlite),
        T(test_store__write_no_directory),
        T(test_store__concurrent),
        T(test_store__import_titles_and_post_views),
        T(test_store__kind_filter),
        T(test_store__reimport),
        T(test_store__postid_resolved),
        T(test_store__term_titles),
        T(test_store__migrate_from_v1),
        T(test_store__path_row_kinds),
        T(test_store__post_queries),
        T(test_store__path_id),
        T(test_store__meta),
        T(test_store__salts),
        T(test_store__day_visitors),
        T(test_store__year_small),
        T(test_store__year_large),
        T(test_store__post_visitors_and_visits),
        T(test_store__term_visitors),
        T(test_store__country_visitors),
        T(test_store__visits),
        T(test_store__open_visits),
        T(test_store__migrate_open_visits_from_v10),
        T(test_store__batched_rows),
        T(test_store__close_days),
        T(test_store__referrers),
        T(test_store__search_terms),
        T(test_store__bad_sketch_blob),
        T(test_store__migrate_from_v4),
    T(test_store__migrate_from_v5),
        T(test_store__post_windows),
    };
#undef T

    umask(022);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
