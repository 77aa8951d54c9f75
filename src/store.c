/*
 * store.c - SQLite behind the store API.
 *
 * Writes are upserts of aggregated deltas ("INSERT ... ON CONFLICT DO
 * UPDATE SET views = views + excluded.views"), each statement prepared
 * once, strings bound with their length, never pasted into SQL. The
 * database runs in WAL mode so that `top` and `report` can read while an
 * ingest writes.
 */
#include "blogstat.h"
#include "sketch.h"
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum stmt_id {
    ST_DAY, ST_PATH_FIND, ST_PATH_ID, ST_PATH_VIEWS, ST_TERM_ID, ST_TERM_VIEWS,
    ST_COUNTRY_VIEWS, ST_SOURCE_FIND, ST_SOURCE_NEW, ST_SOURCE_PUT, ST_POST, ST_POST_TERMS_CLEAR, ST_POST_TERM,
    ST_POST_COUNTRY, ST_META_GET, ST_META_PUT, ST_SALT_GET, ST_SALT_PUT,
    ST_SALT_TOUCH, ST_DAY_SKETCH, ST_PATH_SKETCH, ST_COUNTRY_SKETCH,
    ST_VISITS, ST_DAY_VISITS, ST_OPEN_LOAD, ST_OPEN_DEL, ST_OPEN_PUT,
    ST_REFERRER,
    ST_TERM_SEARCH, ST_NSTMTS
};

static const char *const stmt_sql[ST_NSTMTS] = {
    [ST_DAY] =
        "INSERT INTO days(site, day, hits, views, robots, bad_lines) "
        "VALUES(?6, ?1, ?2, ?3, ?4, ?5) ON CONFLICT(site, day) DO UPDATE SET "
        "hits = hits + excluded.hits, views = views + excluded.views, "
        "robots = robots + excluded.robots, "
        "bad_lines = bad_lines + excluded.bad_lines",
    /* A row that ST_PATH_ID would leave as it is: its id is all it gives. */
    [ST_PATH_FIND] =
        "SELECT id FROM paths WHERE site = ?4 AND path = ?1 "
        "AND (imported OR kind = ?2)",
    /* An imported post keeps the kind its import gave it. */
    [ST_PATH_ID] =
        "INSERT INTO paths(site, path, kind, post_id) VALUES(?4, ?1, ?2, ?3) "
        "ON CONFLICT(site, path) DO UPDATE SET "
        "kind = CASE WHEN imported THEN kind ELSE excluded.kind END "
        "RETURNING id",
    [ST_PATH_VIEWS] =
        "INSERT INTO path_views(day, path_id, views) VALUES(?1, ?2, ?3) "
        "ON CONFLICT(day, path_id) DO UPDATE SET "
        "views = views + excluded.views",
    [ST_TERM_ID] =
        "INSERT INTO terms(site, taxonomy, name) VALUES(?3, ?1, ?2) "
        "ON CONFLICT(site, taxonomy, name) DO UPDATE SET name = excluded.name "
        "RETURNING id",
    [ST_TERM_VIEWS] =
        "INSERT INTO term_views(day, term_id, views) VALUES(?1, ?2, ?3) "
        "ON CONFLICT(day, term_id) DO UPDATE SET "
        "views = views + excluded.views",
    [ST_COUNTRY_VIEWS] =
        "INSERT INTO country_views(site, day, country, views) "
        "VALUES(?4, ?1, ?2, ?3) ON CONFLICT(site, day, country) DO UPDATE SET "
        "views = views + excluded.views",
    [ST_SOURCE_FIND] =
        "SELECT id, name, gzip, size, position, last_len, last_hash, lines, "
        "bad_lines, hits, pending_bad, last_day IS NOT NULL, "
        "coalesce(last_day, 0), hits > 0, coalesce(first_day, 0), "
        "coalesce(max_day, 0), complete FROM sources WHERE fingerprint = ?1",
    [ST_SOURCE_NEW] =
        "INSERT INTO sources(fingerprint, name, first_read, last_read) "
        "VALUES(?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), "
        "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')) RETURNING id",
    [ST_SOURCE_PUT] =
        "UPDATE sources SET name = ?2, gzip = ?3, size = ?4, position = ?5, "
        "last_len = ?6, last_hash = ?7, lines = ?8, bad_lines = ?9, "
        "hits = ?10, pending_bad = ?11, last_day = ?12, first_day = ?13, "
        "max_day = ?14, complete = ?15, error = ?16, "
        "last_read = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?1",
    [ST_POST] =
        "INSERT INTO paths(site, path, kind, title, published, post_id, "
        "imported) VALUES(?6, ?1, ?2, ?3, ?4, ?5, 1) "
        "ON CONFLICT(site, path) DO UPDATE SET "
        "kind = excluded.kind, title = excluded.title, "
        "published = excluded.published, "
        "post_id = coalesce(excluded.post_id, post_id), imported = 1 "
        "RETURNING id",
    [ST_POST_TERMS_CLEAR] =
        "DELETE FROM post_terms WHERE path_id = ?1 AND term_id IN "
        "(SELECT id FROM terms WHERE taxonomy = ?2)",
    [ST_POST_TERM] =
        "INSERT OR IGNORE INTO post_terms(path_id, term_id) VALUES(?1, ?2)",
    [ST_POST_COUNTRY] =
        "INSERT INTO post_country_views(day, path_id, country, views) "
        "VALUES(?1, ?2, ?3, ?4) ON CONFLICT(day, path_id, country) "
        "DO UPDATE SET views = views + excluded.views",
    [ST_META_GET] = "SELECT value FROM meta WHERE key = ?1",
    [ST_META_PUT] =
        "INSERT INTO meta(key, value) VALUES(?1, ?2) ON CONFLICT(key) "
        "DO UPDATE SET value = excluded.value",
    [ST_SALT_GET] = "SELECT salt FROM day_salts WHERE day = ?1",
    [ST_SALT_PUT] =
        "INSERT INTO day_salts(day, salt, touched) VALUES(?1, ?2, ?3)",
    [ST_SALT_TOUCH] =
        "UPDATE day_salts SET touched = max(touched, ?2) WHERE day = ?1",
    [ST_DAY_SKETCH] =
        "INSERT INTO day_sketches(site, day, sketch) VALUES(?4, ?1, ?2) "
        "ON CONFLICT(site, day) DO UPDATE SET "
        "sketch = sketch_union(sketch, excluded.sketch)",
    [ST_PATH_SKETCH] =
        "INSERT INTO path_sketches(day, path_id, sketch) VALUES(?1, ?2, ?3) "
        "ON CONFLICT(path_id, day) DO UPDATE SET "
        "sketch = sketch_union(sketch, excluded.sketch)",
    [ST_COUNTRY_SKETCH] =
        "INSERT INTO country_sketches(site, day, country, sketch) "
        "VALUES(?4, ?1, ?2, ?3) ON CONFLICT(site, country, day) DO UPDATE SET "
        "sketch = sketch_union(sketch, excluded.sketch)",
    [ST_VISITS] =
        "INSERT INTO visits(day, path_id, visits) VALUES(?1, ?2, ?3) "
        "ON CONFLICT(day, path_id) DO UPDATE SET "
        "visits = visits + excluded.visits",
    [ST_DAY_VISITS] =
        "INSERT INTO days(site, day, visits) VALUES(?4, ?1, ?2) "
        "ON CONFLICT(site, day) "
        "DO UPDATE SET visits = visits + excluded.visits",
    [ST_OPEN_LOAD] =
        "SELECT visitor, visits FROM open_visits WHERE day = ?1 "
        "ORDER BY visitor",
    [ST_OPEN_DEL] =
        "DELETE FROM open_visits WHERE day = ?1 AND visitor = ?2",
    [ST_OPEN_PUT] =
        "INSERT INTO open_visits(day, visitor, visits) VALUES(?1, ?2, ?3) "
        "ON CONFLICT(day, visitor) DO UPDATE SET visits = excluded.visits",
    [ST_REFERRER] =
        "INSERT INTO referrers(day, path_id, host, class, views, site) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(day, path_id, host, class) "
        "DO UPDATE SET views = views + excluded.views",
    [ST_TERM_SEARCH] =
        "INSERT INTO search_terms(site, day, term, views) "
        "VALUES(?4, ?1, ?2, ?3) ON CONFLICT(site, day, term) "
        "DO UPDATE SET views = views + excluded.views",
};

/* Every statement has its SQL. */
_Static_assert(ARRAY_SIZE(stmt_sql) == ST_NSTMTS, "one SQL per statement");

/* Version 1: the daily aggregates. */
static const char schema_v1[] =
    "CREATE TABLE IF NOT EXISTS days("
    " day INTEGER PRIMARY KEY,"            /* days since 1970-01-01 */
    " hits INTEGER NOT NULL DEFAULT 0,"
    " views INTEGER NOT NULL DEFAULT 0,"
    " robots INTEGER NOT NULL DEFAULT 0,"
    " bad_lines INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS paths("
    " id INTEGER PRIMARY KEY,"
    " path TEXT NOT NULL UNIQUE,"
    " kind TEXT NOT NULL,"
    " title TEXT);"
    "CREATE TABLE IF NOT EXISTS path_views("
    " day INTEGER NOT NULL,"
    " path_id INTEGER NOT NULL REFERENCES paths(id),"
    " views INTEGER NOT NULL,"
    " PRIMARY KEY(day, path_id)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS terms("
    " id INTEGER PRIMARY KEY,"
    " taxonomy TEXT NOT NULL,"
    " name TEXT NOT NULL,"
    " UNIQUE(taxonomy, name));"
    "CREATE TABLE IF NOT EXISTS term_views("
    " day INTEGER NOT NULL,"
    " term_id INTEGER NOT NULL REFERENCES terms(id),"
    " views INTEGER NOT NULL,"
    " PRIMARY KEY(day, term_id)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS country_views("
    " day INTEGER NOT NULL,"
    " country TEXT NOT NULL,"
    " views INTEGER NOT NULL,"
    " PRIMARY KEY(day, country)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS country_names("
    " code TEXT PRIMARY KEY,"
    " name TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS files("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " gzip INTEGER NOT NULL,"
    " size INTEGER NOT NULL,"
    " bytes INTEGER NOT NULL,"
    " lines INTEGER NOT NULL,"
    " bad_lines INTEGER NOT NULL,"
    " hits INTEGER NOT NULL,"
    " first_day INTEGER,"
    " last_day INTEGER,"
    " error TEXT,"
    " ingested TEXT NOT NULL);";

/* Version 2: the site model of `import`: titles, dates, WordPress ids
 * (so that /?p=ID views resolve) and the tags and categories of posts. */
static const char schema_v2[] =
    "ALTER TABLE paths ADD COLUMN published INTEGER;"
    "ALTER TABLE paths ADD COLUMN post_id INTEGER;"
    "ALTER TABLE paths ADD COLUMN imported INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX paths_post_id ON paths(post_id) "
    " WHERE post_id IS NOT NULL;"
    "CREATE TABLE post_terms("
    " path_id INTEGER NOT NULL REFERENCES paths(id),"
    " term_id INTEGER NOT NULL REFERENCES terms(id),"
    " PRIMARY KEY(path_id, term_id)) WITHOUT ROWID;"
    "CREATE INDEX post_terms_term ON post_terms(term_id);";

/* Version 3: the countries of each post's views, for its report page. */
static const char schema_v3[] =
    "CREATE TABLE post_country_views("
    " day INTEGER NOT NULL,"
    " path_id INTEGER NOT NULL REFERENCES paths(id),"
    " country TEXT NOT NULL,"
    " views INTEGER NOT NULL,"
    " PRIMARY KEY(path_id, day, country)) WITHOUT ROWID;";

/*
 * Version 4: exactly-once reading. A source is a log's content, known by
 * the fingerprint of its first line whatever its name; it records how far
 * it was read (decompressed bytes, just after a newline) and a check of
 * the line that ends there, in the same transaction as the counts. The
 * per-run files of earlier versions become sources without a fingerprint.
 */
static const char schema_v4[] =
    "CREATE TABLE sources("
    " id INTEGER PRIMARY KEY,"
    " fingerprint TEXT UNIQUE,"
    " name TEXT NOT NULL,"
    " gzip INTEGER NOT NULL DEFAULT 0,"
    " size INTEGER NOT NULL DEFAULT 0,"
    " position INTEGER NOT NULL DEFAULT 0,"
    " last_len INTEGER NOT NULL DEFAULT 0,"
    " last_hash TEXT NOT NULL DEFAULT '',"
    " lines INTEGER NOT NULL DEFAULT 0,"
    " bad_lines INTEGER NOT NULL DEFAULT 0,"
    " hits INTEGER NOT NULL DEFAULT 0,"
    " pending_bad INTEGER NOT NULL DEFAULT 0,"
    " last_day INTEGER,"
    " first_day INTEGER,"
    " max_day INTEGER,"
    " complete INTEGER NOT NULL DEFAULT 0,"
    " error TEXT,"
    " first_read TEXT NOT NULL,"
    " last_read TEXT NOT NULL);"
    "INSERT INTO sources(name, gzip, size, position, lines, bad_lines, hits,"
    " first_day, max_day, complete, error, first_read, last_read)"
    " SELECT name, gzip, size, bytes, lines, bad_lines, hits, first_day,"
    " last_day, 1, error, ingested, ingested FROM files ORDER BY id;"
    "DROP TABLE files;";

/*
 * Version 5: the audience. Visitors as mergeable sketches (sketch.h) per
 * day, per post and per country; visits per day and per landing page;
 * while a day is open, its salt and each visitor's visits as intervals
 * (under the day's salt: deleted with it when the day closes); referrers
 * per day and post, and search terms.
 */
static const char schema_v5[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID;"
    "ALTER TABLE days ADD COLUMN visits INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE day_sketches("
    " day INTEGER PRIMARY KEY,"
    " sketch BLOB NOT NULL);"
    "CREATE TABLE path_sketches("
    " day INTEGER NOT NULL,"
    " path_id INTEGER NOT NULL REFERENCES paths(id),"
    " sketch BLOB NOT NULL,"
    " PRIMARY KEY(path_id, day)) WITHOUT ROWID;"
    "CREATE TABLE country_sketches("
    " day INTEGER NOT NULL,"
    " country TEXT NOT NULL,"
    " sketch BLOB NOT NULL,"
    " PRIMARY KEY(country, day)) WITHOUT ROWID;"
    "CREATE TABLE visits("
    " day INTEGER NOT NULL,"
    " path_id INTEGER NOT NULL REFERENCES paths(id),"
    " visits INTEGER NOT NULL,"
    " PRIMARY KEY(day, path_id)) WITHOUT ROWID;"
    "CREATE TABLE day_salts("
    " day INTEGER PRIMARY KEY,"
    " salt BLOB NOT NULL,"
    " touched INTEGER NOT NULL);"
    "CREATE TABLE open_visits("
    " day INTEGER NOT NULL,"
    " visitor INTEGER NOT NULL,"
    " visits BLOB NOT NULL,"
    " PRIMARY KEY(day, visitor)) WITHOUT ROWID;"
    "CREATE TABLE referrers("
    " day INTEGER NOT NULL,"
    " path_id INTEGER NOT NULL REFERENCES paths(id),"
    " host TEXT NOT NULL,"
    " class TEXT NOT NULL,"
    " views INTEGER NOT NULL,"
    " PRIMARY KEY(day, path_id, host, class)) WITHOUT ROWID;"
    "CREATE TABLE search_terms("
    " day INTEGER NOT NULL,"
    " term TEXT NOT NULL,"
    " views INTEGER NOT NULL,"
    " PRIMARY KEY(day, term)) WITHOUT ROWID;";

/*
 * Version 6: sites. A log of several virtual hosts counts each declared
 * site on its own (conf.h); site 0, "default", holds everything else and
 * all that came before. The tables keyed by day alone gain the site at
 * the head of their keys (rebuilt: SQLite cannot change a primary key);
 * paths and terms become unique per site, keeping their ids, so the
 * tables keyed by a path or term id need no change. Referrers get the
 * site as a plain column, for the site's own list of referrers.
 */
static const char schema_v6[] =
    "CREATE TABLE sites("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE);"
    "INSERT INTO sites(id, name) VALUES(0, 'default');"
    "CREATE TABLE days6("
    " site INTEGER NOT NULL,"
    " day INTEGER NOT NULL,"
    " hits INTEGER NOT NULL DEFAULT 0,"
    " views INTEGER NOT NULL DEFAULT 0,"
    " robots INTEGER NOT NULL DEFAULT 0,"
    " bad_lines INTEGER NOT NULL DEFAULT 0,"
    " visits INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY(site, day)) WITHOUT ROWID;"
    "INSERT INTO days6 SELECT 0, day, hits, views, robots, bad_lines, visits"
    " FROM days;"
    "DROP TABLE days;"
    "ALTER TABLE days6 RENAME TO days;"
    "CREATE TABLE country_views6("
    " site INTEGER NOT NULL,"
    " day INTEGER NOT NULL,"
    " country TEXT NOT NULL,"
    " views INTEGER NOT NULL,"
    " PRIMARY KEY(site, day, country)) WITHOUT ROWID;"
    "INSERT INTO country_views6 SELECT 0, day, country, views"
    " FROM country_views;"
    "DROP TABLE country_views;"
    "ALTER TABLE country_views6 RENAME TO country_views;"
    "CREATE TABLE day_sketches6("
    " site INTEGER NOT NULL,"
    " day INTEGER NOT NULL,"
    " sketch BLOB NOT NULL,"
    " PRIMARY KEY(site, day)) WITHOUT ROWID;"
    "INSERT INTO day_sketches6 SELECT 0, day, sketch FROM day_sketches;"
    "DROP TABLE day_sketches;"
    "ALTER TABLE day_sketches6 RENAME TO day_sketches;"
    "CREATE TABLE country_sketches6("
    " site INTEGER NOT NULL,"
    " day INTEGER NOT NULL,"
    " country TEXT NOT NULL,"
    " sketch BLOB NOT NULL,"
    " PRIMARY KEY(site, country, day)) WITHOUT ROWID;"
    "INSERT INTO country_sketches6 SELECT 0, day, country, sketch"
    " FROM country_sketches;"
    "DROP TABLE country_sketches;"
    "ALTER TABLE country_sketches6 RENAME TO country_sketches;"
    "CREATE TABLE search_terms6("
    " site INTEGER NOT NULL,"
    " day INTEGER NOT NULL,"
    " term TEXT NOT NULL,"
    " views INTEGER NOT NULL,"
    " PRIMARY KEY(site, day, term)) WITHOUT ROWID;"
    "INSERT INTO search_terms6 SELECT 0, day, term, views FROM search_terms;"
    "DROP TABLE search_terms;"
    "ALTER TABLE search_terms6 RENAME TO search_terms;"
    "CREATE TABLE paths6("
    " id INTEGER PRIMARY KEY,"
    " site INTEGER NOT NULL DEFAULT 0,"
    " path TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " title TEXT,"
    " published INTEGER,"
    " post_id INTEGER,"
    " imported INTEGER NOT NULL DEFAULT 0,"
    " UNIQUE(site, path));"
    "INSERT INTO paths6(id, site, path, kind, title, published, post_id,"
    " imported) SELECT id, 0, path, kind, title, published, post_id, imported"
    " FROM paths;"
    "DROP TABLE paths;"
    "ALTER TABLE paths6 RENAME TO paths;"
    "CREATE INDEX paths_post_id ON paths(site, post_id) "
    " WHERE post_id IS NOT NULL;"
    "CREATE TABLE terms6("
    " id INTEGER PRIMARY KEY,"
    " site INTEGER NOT NULL DEFAULT 0,"
    " taxonomy TEXT NOT NULL,"
    " name TEXT NOT NULL,"
    " UNIQUE(site, taxonomy, name));"
    "INSERT INTO terms6(id, site, taxonomy, name) SELECT id, 0, taxonomy, name"
    " FROM terms;"
    "DROP TABLE terms;"
    "ALTER TABLE terms6 RENAME TO terms;"
    "ALTER TABLE referrers ADD COLUMN site INTEGER NOT NULL DEFAULT 0;";

/* migrations[v] takes a database from version v to v + 1. A new database
 * runs them all, so the upgrade path is the path every database takes. */
static const char *const migrations[] = {schema_v1, schema_v2, schema_v3,
                                         schema_v4, schema_v5,
                                         schema_v6};

_Static_assert(ARRAY_SIZE(migrations) == STORE_SCHEMA_VERSION,
               "one migration per schema version");

struct store {
    sqlite3 *db;
    char *path;
    enum store_mode mode;
    int in_tx;
    sqlite3_stmt *stmt[ST_NSTMTS];
};

/* Map an SQLite failure to an exit status and a message naming the file. */
static int db_fail(struct store *s, struct bs_err *err, int rc,
                   const char *what)
{
    int status;
    const char *hint = "";

    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        status = BS_TEMPFAIL;
        hint = "; another blogstat is writing it, try again later";
        break;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        status = BS_DATAERR;
        hint = "; it is not a blogstat database or it is damaged";
        break;
    case SQLITE_NOMEM:
        status = BS_OSERR;
        break;
    case SQLITE_CANTOPEN:
        status = s->mode == STORE_READ ? BS_NOINPUT : BS_IOERR;
        break;
    case SQLITE_FULL:
        hint = "; free some space and run again";
        status = BS_IOERR;
        break;
    case SQLITE_READONLY:
        hint = "; check the permissions of the file and its directory";
        status = BS_IOERR;
        break;
    case SQLITE_IOERR:
        hint = "; is the disk full, or the file over its size limit?";
        status = BS_IOERR;
        break;
    default:
        status = BS_IOERR;
        break;
    }
    return bs_fail(err, status, "database '%s': %s: %s%s", s->path, what,
                   s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc), hint);
}

static int exec(struct store *s, const char *sql, const char *what,
                struct bs_err *err)
{
    int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

    return rc == SQLITE_OK ? 0 : db_fail(s, err, rc, what);
}

static int64_t pragma_int(struct store *s, const char *sql)
{
    sqlite3_stmt *st;
    int64_t v = -1;

    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int setup_schema(struct store *s, struct bs_err *err)
{
    int64_t version = pragma_int(s, "PRAGMA user_version");
    char sql[64];

    if (version < 0)
        return db_fail(s, err, sqlite3_errcode(s->db), "cannot read it");
    if (version > STORE_SCHEMA_VERSION)
        return bs_fail(err, BS_DATAERR,
                       "database '%s' has schema version %lld, newer than "
                       "this blogstat (%d); upgrade blogstat",
                       s->path, (long long)version, STORE_SCHEMA_VERSION);
    if (version == STORE_SCHEMA_VERSION)
        return 0;
    if (version == 0 && pragma_int(s, "SELECT count(*) FROM sqlite_master") >
                            0)
        return bs_fail(err, BS_DATAERR,
                       "'%s' is an SQLite database but not blogstat's; "
                       "give another --db", s->path);
    if (version == 0 && s->mode == STORE_READ)
        return bs_fail(err, BS_NOINPUT,
                       "database '%s' is empty; run 'blogstat ingest' first",
                       s->path);
    /* All the steps in one transaction: an upgrade happens whole or not. */
    if (exec(s, "BEGIN IMMEDIATE", "cannot start a transaction", err))
        return -1;
    for (int64_t v = version; v < STORE_SCHEMA_VERSION; v++) {
        if (exec(s, migrations[v], "cannot upgrade the schema", err)) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return -1;
        }
    }
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %d;",
             STORE_SCHEMA_VERSION);
    if (exec(s, sql, "cannot set the schema version", err) ||
        exec(s, "COMMIT", "cannot commit the schema", err)) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

int store_create_at_version(const char *path, int version,
                            struct bs_err *err)
{
    struct store s = {0};
    char sql[64];
    int rc;

    if (version < 1 || version > STORE_SCHEMA_VERSION)
        BUG("schema version %d", version);
    s.path = (char *)path;
    s.mode = STORE_WRITE;
    rc = sqlite3_open_v2(path, &s.db,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        db_fail(&s, err, rc, "cannot create it");
        sqlite3_close(s.db);
        return -1;
    }
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %d;", version);
    rc = exec(&s, "BEGIN", "cannot start a transaction", err);
    for (int v = 0; rc == 0 && v < version; v++)
        rc = exec(&s, migrations[v], "cannot make the schema", err);
    if (rc == 0)
        rc = exec(&s, sql, "cannot set the schema version", err);
    if (rc == 0)
        rc = exec(&s, "COMMIT", "cannot commit the schema", err);
    sqlite3_close(s.db);
    return rc;
}

/* ---- SQL functions over sketches ------------------------------------ */

/* sketch_union(blob) as an aggregate: the sketch of the union. */
struct union_acc {
    struct sketch *sk;         /* NULL until the first row */
};

static void union_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    struct union_acc *acc = sqlite3_aggregate_context(ctx, sizeof(*acc));

    (void)argc;
    if (!acc)
        return;
    if (!acc->sk)
        acc->sk = sketch_new();
    if (sqlite3_value_type(argv[0]) == SQLITE_BLOB &&
        sketch_merge_blob(acc->sk, sqlite3_value_blob(argv[0]),
                          (size_t)sqlite3_value_bytes(argv[0])) != 0)
        sqlite3_result_error(ctx, "not a blogstat sketch", -1);
}

static void union_final(sqlite3_context *ctx)
{
    struct union_acc *acc = sqlite3_aggregate_context(ctx, 0);
    unsigned char *b;
    size_t n;

    if (!acc || !acc->sk) {
        sqlite3_result_null(ctx);
        return;
    }
    b = sketch_serialize(acc->sk, &n);
    sqlite3_result_blob(ctx, b, (int)n, free);
    sketch_free(acc->sk);
}

/* sketch_union(a, b): the union of two, for upserts. */
static void union2(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    struct sketch *sk = sketch_new();
    unsigned char *b;
    size_t n;

    for (int i = 0; i < argc; i++)
        if (sqlite3_value_type(argv[i]) == SQLITE_BLOB &&
            sketch_merge_blob(sk, sqlite3_value_blob(argv[i]),
                              (size_t)sqlite3_value_bytes(argv[i])) != 0) {
            sketch_free(sk);
            sqlite3_result_error(ctx, "not a blogstat sketch", -1);
            return;
        }
    b = sketch_serialize(sk, &n);
    sketch_free(sk);
    sqlite3_result_blob(ctx, b, (int)n, free);
}

/* sketch_count(blob): its distinct count (0 for NULL). */
static void count1(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    uint64_t n = 0;

    (void)argc;
    /* Read in place: no sketch is built for a count. */
    if (sqlite3_value_type(argv[0]) == SQLITE_BLOB &&
        sketch_blob_count(sqlite3_value_blob(argv[0]),
                          (size_t)sqlite3_value_bytes(argv[0]), &n) != 0) {
        sqlite3_result_error(ctx, "not a blogstat sketch", -1);
        return;
    }
    sqlite3_result_int64(ctx, (sqlite3_int64)n);
}

static void register_sketch_functions(sqlite3 *db)
{
    int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;

    sqlite3_create_function(db, "sketch_union", 1, flags, NULL, NULL,
                            union_step, union_final);
    sqlite3_create_function(db, "sketch_union", 2, flags, NULL, union2, NULL,
                            NULL);
    sqlite3_create_function(db, "sketch_count", 1, flags, NULL, count1, NULL,
                            NULL);
}

struct store *store_open(const char *path, enum store_mode mode,
                         struct bs_err *err)
{
    struct store *s = xcalloc(1, sizeof(*s));
    int flags = SQLITE_OPEN_NOMUTEX, rc;
    struct stat st;

    s->path = xstrdup(path);
    s->mode = mode;
    if (mode == STORE_READ) {
        if (stat(path, &st) != 0) {
            bs_fail(err, BS_NOINPUT,
                    "cannot open database '%s': %s; run 'blogstat ingest' "
                    "first or give --db", path, strerror(errno));
            store_close(s);
            return NULL;
        }
        /* Read-write even for queries: a WAL reader needs the -shm file. */
        flags |= SQLITE_OPEN_READWRITE;
    } else {
        /* Create it ourselves so that it gets mode 0600 (under umask). */
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

        if (fd < 0) {
            bs_fail(err, BS_IOERR, "cannot create database '%s': %s", path,
                    strerror(errno));
            store_close(s);
            return NULL;
        }
        close(fd);
        flags |= SQLITE_OPEN_READWRITE;
    }
    rc = sqlite3_open_v2(path, &s->db, flags, NULL);
    if (rc != SQLITE_OK) {
        db_fail(s, err, rc, "cannot open it");
        store_close(s);
        return NULL;
    }
    sqlite3_extended_result_codes(s->db, 0);
    sqlite3_busy_timeout(s->db, 5000);
    register_sketch_functions(s->db);
    /* The schema is checked before WAL is switched on, so that a --db
     * naming another program's database leaves it as it was. */
    if (setup_schema(s, err) ||
        (mode == STORE_WRITE &&
         (exec(s, "PRAGMA journal_mode=WAL", "cannot switch to WAL", err) ||
          exec(s, "PRAGMA synchronous=NORMAL", "cannot set synchronous",
               err)))) {
        store_close(s);
        return NULL;
    }
    return s;
}

void store_close(struct store *s)
{
    if (!s)
        return;
    if (s->in_tx)
        store_rollback(s);
    for (int i = 0; i < ST_NSTMTS; i++)
        sqlite3_finalize(s->stmt[i]);
    if (s->db)
        sqlite3_close(s->db);
    free(s->path);
    free(s);
}

static sqlite3_stmt *stmt(struct store *s, enum stmt_id id,
                          struct bs_err *err)
{
    if (!s->stmt[id]) {
        int rc = sqlite3_prepare_v3(s->db, stmt_sql[id], -1,
                                    SQLITE_PREPARE_PERSISTENT, &s->stmt[id],
                                    NULL);

        if (rc != SQLITE_OK) {
            db_fail(s, err, rc, "cannot prepare a statement");
            return NULL;
        }
    } else {
        sqlite3_reset(s->stmt[id]);
        sqlite3_clear_bindings(s->stmt[id]);
    }
    return s->stmt[id];
}

/* Step a statement that returns no row (or one id with RETURNING). */
static int step(struct store *s, sqlite3_stmt *st, int64_t *id,
                struct bs_err *err)
{
    int rc = sqlite3_step(st);

    if (rc == SQLITE_ROW && id) {
        *id = sqlite3_column_int64(st, 0);
        rc = sqlite3_step(st);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return db_fail(s, err, rc, "cannot write");
    return 0;
}

int store_begin(struct store *s, struct bs_err *err)
{
    if (s->in_tx)
        BUG("nested transaction");
    if (exec(s, "BEGIN IMMEDIATE", "cannot start a transaction", err))
        return -1;
    s->in_tx = 1;
    return 0;
}

int store_commit(struct store *s, struct bs_err *err)
{
    if (!s->in_tx)
        BUG("commit outside a transaction");
    if (exec(s, "COMMIT", "cannot commit", err)) {
        store_rollback(s);
        return -1;
    }
    s->in_tx = 0;
    return 0;
}

void store_rollback(struct store *s)
{
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_tx = 0;
}

static int64_t clamp(uint64_t v)
{
    return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

int store_add_day(struct store *s, int64_t site, int32_t day, uint64_t hits,
                  uint64_t views, uint64_t robots, uint64_t bad,
                  struct bs_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_DAY, err);

    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, day);
    sqlite3_bind_int64(st, 2, clamp(hits));
    sqlite3_bind_int64(st, 3, clamp(views));
    sqlite3_bind_int64(st, 4, clamp(robots));
    sqlite3_bind_int64(st, 5, clamp(bad));
    sqlite3_bind_int64(st, 6, site);
    return step(s, st, NULL, err);
}

/*
 * The id of the paths row of path, made or given kind by ST_PATH_ID (with
 * post_id pid when has_pid). Most rows already exist with that kind (or
 * an imported one, which the upsert keeps): a plain SELECT finds them
 * without the upsert's write and its RETURNING, which makes SQLite build
 * a temporary table on every call. The database ends the same.
 */
static int path_row(struct store *s, int64_t site, const char *kind,
                    const char *path, size_t n, int has_pid, int64_t pid,
                    int64_t *id, struct bs_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_PATH_FIND, err);
    int rc;

    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, path, (int)n, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, site);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        return 0;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return db_fail(s, err, rc, "cannot read");
    if (!(st = stmt(s, ST_PATH_ID, err)))
        return -1;
    sqlite3_bind_text(st, 1, path, (int)n, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    if (has_pid)
        sqlite3_bind_int64(st, 3, pid);
    sqlite3_bind_int64(st, 4, site);
    return step(s, st, id, err);
}

int store_add_path_views(struct store *s, int64_t site, int32_t day,
                         const char *kind, const char *path, size_t n,
                         uint64_t views, struct bs_err *err)
{
    sqlite3_stmt *st;
    int64_t id = -1, pid = 0;
    int has_pid = strcmp(kind, "postid") == 0;

    if (has_pid) {
        /* "/?p=123": the id that an imported post will claim. */
        const char *eq = memchr(path, '=', n);

        for (const char *c = eq ? eq + 1 : path + n; c < path + n; c++)
            pid = pid * 10 + (*c - '0');
    }
    if (path_row(s, site, kind, path, n, has_pid, pid, &id, err))
        return -1;
    if (!(st = stmt(s, ST_PATH_VIEWS, err)))
        return -1;
    sqlite3_bind_int(st, 1, day);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_int64(st, 3, clamp(views));
    return step(s, st, NULL, err);
}

static int term_id(struct store *s, int64_t site, const char *taxonomy,
                   const char *name, size_t n, int64_t *id,
                   struct bs_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_TERM_ID, err);

    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, taxonomy, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, (int)n, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, site);
    return step(s, st, id, err);
}

int store_add_term_views(struct store *s, int64_t site, int32_t day,
                         const char *taxonomy, const char *name, size_t n,
                         uint64_t views, struct bs_err *err)
{
    sqlite3_stmt *st;
    int64_t id = -1;

    if (term_id(s, site, taxonomy, name, n, &id, err))
        return -1;
    if (!(st = stmt(s, ST_TERM_VIEWS, err)))
        return -1;
    sqlite3_bind_int(st, 1, day);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_int64(st, 3, clamp(views));
    return step(s, st, NULL, err);
}

int store_add_post_country_views(struct store *s, int64_t site, int32_t day,
                                 const char *kind, const char *path,
                                 size_t n, const char *country,
                                 uint64_t views, struct bs_err *err)
{
    sqlite3_stmt *st;
    int64_t id = -1;

    /* The same path row as its views (see store_add_path_views()). */
    if (path_row(s, site, kind, path, n, 0, 0, &id, err))
        return -1;
    if (!(st = stmt(s, ST_POST_COUNTRY, err)))
        return -1;
    sqlite3_bind_int(st, 1, day);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_text(st, 3, country, 2, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, clamp(views));
    return step(s, st, NULL, err);
}

int store_add_country_views(struct store *s, int64_t site, int32_t day,
                            const char *country, uint64_t views,
                            struct bs_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_COUNTRY_VIEWS, err);

    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, day);
    sqlite3_bind_text(st, 2, country, 2, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, clamp(views));
    sqlite3_bind_int64(st, 4, site);
    return step(s, st, NULL, err);
}

int store_find_source(struct store *s, const char *fingerprint,
                      struct store_source *src, struct bs_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_SOURCE_FIND, err);
    int rc;

    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, fingerprint, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *t;

        memset(src, 0, sizeof(*src));
        snprintf(src->fingerprint, sizeof(src->fingerprint), "%s",
                 fingerprint);
        src->id = sqlite3_column_int64(st, 0);
        t = sqlite3_column_text(st, 1);
        snprintf(src->name, sizeof(src->name), "%s", t ? (const char *)t : "");
        src->gzip = sqlite3_column_int(st, 2);
        src->size = (uint64_t)sqlite3_column_int64(st, 3);
        src->position = (uint64_t)sqlite3_column_int64(st, 4);
        src->last_len = (uint64_t)sqlite3_column_int64(st, 5);
        t = sqlite3_column_text(st, 6);
        snprintf(src->last_hash, sizeof(src->last_hash), "%s",
                 t ? (const char *)t : "");
        src->lines = (uint64_t)sqlite3_column_int64(st, 7);
        src->bad_lines = (uint64_t)sqlite3_column_int64(st, 8);
        src->hits = (uint64_t)sqlite3_column_int64(st, 9);
        src->pending_bad = (uint64_t)sqlite3_column_int64(st, 10);
        src->has_last_day = sqlite3_column_int(st, 11);
        src->last_day = sqlite3_column_int(st, 12);
        src->has_days = sqlite3_column_int(st, 13);
        src->first_day = sqlite3_column_int(st, 14);
        src->max_day = sqlite3_column_int(st, 15);
        src->complete = sqlite3_column_int(st, 16);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? 1 : db_fail(s, err, rc, "cannot read it");
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : db_fail(s, err, rc, "cannot read it");
}

int store_put_source(struct store *s, struct store_source *src,
                     struct bs_err *err)
{
    sqlite3_stmt *st;

    if (src->id == 0) {
        if (!(st = stmt(s, ST_SOURCE_NEW, err)))
            return -1;
        sqlite3_bind_text(st, 1, src->fingerprint, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, src->name, -1, SQLITE_STATIC);
        if (step(s, st, &src->id, err))
            return -1;
    }
    if (!(st = stmt(s, ST_SOURCE_PUT, err)))
        return -1;
    sqlite3_bind_int64(st, 1, src->id);
    sqlite3_bind_text(st, 2, src->name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, src->gzip);
    sqlite3_bind_int64(st, 4, clamp(src->size));
    sqlite3_bind_int64(st, 5, clamp(src->position));
    sqlite3_bind_int64(st, 6, clamp(src->last_len));
    sqlite3_bind_text(st, 7, src->last_hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, clamp(src->lines));
    sqlite3_bind_int64(st, 9, clamp(src->bad_lines));
    sqlite3_bind_int64(st, 10, clamp(src->hits));
    sqlite3_bind_int64(st, 11, clamp(src->pending_bad));
    if (src->has_last_day)
        sqlite3_bind_int(st, 12, src->last_day);
    if (src->has_days) {
        sqlite3_bind_int(st, 13, src->first_day);
        sqlite3_bind_int(st, 14, src->max_day);
    }
    sqlite3_bind_int(st, 15, src->complete);
    if (src->error[0])
        sqlite3_bind_text(st, 16, src->error, -1, SQLITE_STATIC);
    return step(s, st, NULL, err);
}

/* Replace the post's terms of one taxonomy with names. */
static int put_terms(struct store *s, int64_t site, int64_t path_id,
                     const char *taxonomy, const char *const *names,
                     size_t count, struct bs_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_POST_TERMS_CLEAR, err);

    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, path_id);
    sqlite3_bind_text(st, 2, taxonomy, -1, SQLITE_STATIC);
    if (step(s, st, NULL, err))
        return -1;
    for (size_t i = 0; i < count; i++) {
        int64_t tid = -1;

        if (term_id(s, site, taxonomy, names[i], strlen(names[i]), &tid,
                    err) ||
            !(st = stmt(s, ST_POST_TERM, err)))
            return -1;
        sqlite3_bind_int64(st, 1, path_id);
        sqlite3_bind_int64(st, 2, tid);
        if (step(s, st, NULL, err))
            return -1;
    }
    return 0;
}

int store_put_post(struct store *s, int64_t site, const struct store_post *p,
                   struct bs_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_POST, err);
    int64_t id = -1;

    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, p->path, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, p->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, p->title, -1, SQLITE_STATIC);
    if (p->has_published)
        sqlite3_bind_int(st, 4, p->published);
    if (p->post_id > 0)
        sqlite3_bind_int64(st, 5, p->post_id);
    sqlite3_bind_int64(st, 6, site);
    if (step(s, st, &id, err))
        return -1;
    if ((p->has_tags &&
         put_terms(s, site, id, "tag", p->tags, p->ntags, err)) ||
        (p->has_categories &&
         put_terms(s, site, id, "category", p->categories, p->ncategories,
                   err)))
        return -1;
    return 0;
}

/* ---- the audience ------------------------------------------------------ */

/*
 * A tag or a category (a landing page, a referrer's target) is known by
 * its name, and the tag "eu" and the category "eu" are two pages: their
 * rows are "tag:eu" and "category:eu", which no path can be (paths begin
 * with '/').
 */
int store_path_id(struct store *s, int64_t site, const char *kind,
                  const char *path, size_t n, int64_t *id, struct bs_err *err)
{
    char *named = NULL;
    int rc;

    if (strcmp(kind, "tag") == 0 || strcmp(kind, "category") == 0) {
        size_t size = strlen(kind) + 1 + n + 1;

        named = xmalloc(size);
        snprintf(named, size, "%s:%.*s", kind, (int)n, path);
        path = named;
        n = strlen(named);
    }
    rc = path_row(s, site, kind, path, n, 0, 0, id, err);
    free(named);
    return rc;
}

/* A blob value of one row: 1 found (copied, exactly cap bytes), 0 not. */
static int get_blob(struct store *s, sqlite3_stmt *st, void *buf, size_t cap,
                    struct bs_err *err)
{
    int rc = sqlite3_step(st), found = 0;

    if (rc == SQLITE_ROW) {
        if ((size_t)sqlite3_column_bytes(st, 0) == cap) {
            memcpy(buf, sqlite3_column_blob(st, 0), cap);
            found = 1;
        }
        rc = sqlite3_step(st);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return db_fail(s, err, rc, "cannot read it");
    return found;
}

int store_meta_get(struct store *s, const char *key, void *buf, size_t n,
                   struct bs_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_META_GET, err);

    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    return get_blob(s, st, buf, n, err);
}

int store_meta_put(struct store *s, const char *key, const void *buf,
                   size_t n, struct bs_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_META_PUT, err);

    if (!st)
        return -1;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, buf, (int)n, SQLITE_STATIC);
    return step(s, st, NULL, err);
}

int store_meta_delete(struct store *s, const char *key, struct bs_err *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s->db, "DELETE FROM meta WHERE key = ?1", -1,
                                &st, NULL);

    if (rc != SQLITE_OK)
        return db_fail(s, err, rc, "cannot prepare a statement");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : db_fail(s, err, rc, "cannot write");
}

int store_has_visitors(struct store *s)
{
    return pragma_int(s, "SELECT EXISTS(SELECT 1 FROM day_sketches)") > 0;
}

int store_salt_get(struct store *s, int32_t day, void *salt, size_t n,
                   struct bs_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_SALT_GET, err);

    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, day);
    return get_blob(s, st, salt, n, err);
}

int store_salt_put(struct store *s, int32_t day, const void *salt, size_t n,
                   int64_t now, struct bs_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_SALT_PUT, err);

    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, day);
    sqlite3_bind_blob(st, 2, salt, (int)n, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    return step(s, st, NULL, err);
}

int store_salt_touch(struct store *s, int32_t day, int64_t now,
                     struct bs_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_SALT_TOUCH, err);

    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, day);
    sqlite3_bind_int64(st, 2, now);
    return step(s, st, NULL, err);
}

int store_add_sketch(struct store *s, int64_t site, enum store_sketch dim,
                     int32_t day, int64_t path_id, const char *country,
                     const void *blob, size_t n, struct bs_err *err)
{
    static const enum stmt_id ids[] = {
        [STORE_SKETCH_DAY] = ST_DAY_SKETCH,
        [STORE_SKETCH_PATH] = ST_PATH_SKETCH,
        [STORE_SKETCH_COUNTRY] = ST_COUNTRY_SKETCH,
    };
    sqlite3_stmt *st;
    uint64_t count;
    int i = 1;

    /* A new row takes the blob as it is: it must be one sketch_union()
     * can read later, or every count of the row would fail. */
    if (sketch_blob_count(blob, n, &count))
        return bs_fail(err, BS_SOFTWARE, "internal error: a visitor sketch "
                       "of %zu bytes that is not one", n);
    st = stmt(s, ids[dim], err);
    if (!st)
        return -1;
    sqlite3_bind_int(st, i++, day);
    if (dim == STORE_SKETCH_PATH)
        sqlite3_bind_int64(st, i++, path_id);
    else if (dim == STORE_SKETCH_COUNTRY)
        sqlite3_bind_text(st, i++, country, 2, SQLITE_STATIC);
    sqlite3_bind_blob(st, i, blob, (int)n, SQLITE_STATIC);
    if (dim != STORE_SKETCH_PATH)
        sqlite3_bind_int64(st, 4, site);
    return step(s, st, NULL, err);
}

int store_add_visits(struct store *s, int64_t site, int32_t day,
                     int64_t path_id, int64_t delta, struct bs_err *err)
{
    sqlite3_stmt *st = stmt(s, path_id ? ST_VISITS : ST_DAY_VISITS, err);

    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, day);
    if (path_id) {
        sqlite3_bind_int64(st, 2, path_id);
        sqlite3_bind_int64(st, 3, delta);
    } else {
        sqlite3_bind_int64(st, 2, delta);
        sqlite3_bind_int64(st, 4, site);
    }
    return step(s, st, NULL, err);
}

/* A visitor's open visits in one blob: 16 bytes each, little-endian:
 * start and last (i32, local seconds), landing (i64, a path id). */
#define OPEN_VISIT_BYTES 16

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++, v >>= 8)
        p[i] = (unsigned char)v;
}

static uint64_t get_le(const unsigned char *p, int bytes)
{
    uint64_t v = 0;

    for (int i = bytes - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

int store_open_visits_load(struct store *s, int32_t day,
                           int (*fn)(void *ctx, int64_t visitor,
                                     const struct store_visit *v),
                           void *ctx, struct bs_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_OPEN_LOAD, err);
    int rc, stop = 0;

    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, day);
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *b = sqlite3_column_blob(st, 1);
        size_t n = (size_t)sqlite3_column_bytes(st, 1);
        int64_t visitor = sqlite3_column_int64(st, 0);

        if (n % OPEN_VISIT_BYTES != 0 || (n && !b)) {
            sqlite3_reset(st);
            return bs_fail(err, BS_DATAERR,
                           "database '%s': damaged open visits of day %d",
                           s->path, (int)day);
        }
        for (size_t i = 0; i < n && !stop; i += OPEN_VISIT_BYTES) {
            struct store_visit v;

            v.start = (int32_t)(uint32_t)get_le(b + i, 4);
            v.end = (int32_t)(uint32_t)get_le(b + i + 4, 4);
            v.landing = (int64_t)get_le(b + i + 8, 8);
            stop = fn(ctx, visitor, &v);
        }
    }
    sqlite3_reset(st);
    return stop || rc == SQLITE_DONE ? 0 : db_fail(s, err, rc, "cannot read it");
}

int store_open_visits_put(struct store *s, int32_t day, int64_t visitor,
                          const struct store_visit *v, size_t n,
                          struct bs_err *err)
{
    unsigned char buf[STORE_OPEN_VISITS_MAX * OPEN_VISIT_BYTES];
    sqlite3_stmt *st = stmt(s, n ? ST_OPEN_PUT : ST_OPEN_DEL, err);

    if (!st)
        return -1;
    if (n > sizeof(buf) / OPEN_VISIT_BYTES)
        BUG("%zu open visits", n);
    /* By start, as they load (an insertion sort of a handful). */
    for (size_t i = 0; i < n; i++) {
        size_t j = i;

        while (j > 0 && (int32_t)(uint32_t)get_le(buf + (j - 1) *
                                                  OPEN_VISIT_BYTES, 4) >
                            v[i].start) {
            memcpy(buf + j * OPEN_VISIT_BYTES,
                   buf + (j - 1) * OPEN_VISIT_BYTES, OPEN_VISIT_BYTES);
            j--;
        }
        put_le(buf + j * OPEN_VISIT_BYTES, (uint32_t)v[i].start, 4);
        put_le(buf + j * OPEN_VISIT_BYTES + 4, (uint32_t)v[i].end, 4);
        put_le(buf + j * OPEN_VISIT_BYTES + 8, (uint64_t)v[i].landing, 8);
    }
    sqlite3_bind_int(st, 1, day);
    sqlite3_bind_int64(st, 2, visitor);
    if (n)
        sqlite3_bind_blob(st, 3, buf, (int)(n * OPEN_VISIT_BYTES),
                          SQLITE_STATIC);
    return step(s, st, NULL, err);
}

int store_add_referrer(struct store *s, int64_t site, int32_t day,
                       int64_t path_id,
                       const char *host, size_t host_n, const char *cls,
                       uint64_t views, struct bs_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_REFERRER, err);

    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, day);
    sqlite3_bind_int64(st, 2, path_id);
    sqlite3_bind_text(st, 3, host, (int)host_n, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, cls, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, clamp(views));
    sqlite3_bind_int64(st, 6, site);
    return step(s, st, NULL, err);
}

int store_add_search_term(struct store *s, int64_t site, int32_t day,
                          const char *term, size_t n, uint64_t views,
                          struct bs_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_TERM_SEARCH, err);

    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, day);
    sqlite3_bind_text(st, 2, term, (int)n, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, clamp(views));
    sqlite3_bind_int64(st, 4, site);
    return step(s, st, NULL, err);
}

int store_close_days(struct store *s, int64_t touched_before,
                     struct bs_err *err)
{
    sqlite3_stmt *st;
    int rc;
    static const char *const sql[] = {
        "DELETE FROM open_visits WHERE day NOT IN "
        "(SELECT day FROM day_salts WHERE touched >= ?1)",
        "DELETE FROM day_salts WHERE touched < ?1",
    };

    for (size_t i = 0; i < ARRAY_SIZE(sql); i++) {
        rc = sqlite3_prepare_v2(s->db, sql[i], -1, &st, NULL);
        if (rc != SQLITE_OK)
            return db_fail(s, err, rc, "cannot prepare a statement");
        sqlite3_bind_int64(st, 1, touched_before);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return db_fail(s, err, rc, "cannot write");
    }
    return 0;
}

int store_has_country_names(struct store *s)
{
    return pragma_int(s, "SELECT count(*) FROM country_names") > 0;
}

int store_load_country_names(struct store *s, const char *json, size_t n,
                             struct bs_err *err)
{
    /* SQLite's JSON functions read iso-codes' file: no JSON code here. */
    static const char sql[] =
        "INSERT OR REPLACE INTO country_names(code, name) "
        "SELECT json_extract(value, '$.alpha_2'), "
        "coalesce(json_extract(value, '$.common_name'), "
        "json_extract(value, '$.name')) "
        "FROM json_each(?1, '$.\"3166-1\"') "
        "WHERE length(json_extract(value, '$.alpha_2')) = 2";
    sqlite3_stmt *st;
    int rc;

    if (n > INT_MAX)
        return bs_fail(err, BS_DATAERR, "country names file too large");
    rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return db_fail(s, err, rc, "cannot prepare a statement");
    sqlite3_bind_text(st, 1, json, (int)n, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(s, err, rc, "cannot load country names");
    return 0;
}

int store_day_span(struct store *s, int64_t site, int32_t *first,
                   int32_t *last, struct bs_err *err)
{
    sqlite3_stmt *st;
    int rc, found = 0;

    rc = sqlite3_prepare_v2(s->db, "SELECT min(day), max(day) FROM days "
                            "WHERE site = ?1 OR ?1 < 0", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return db_fail(s, err, rc, "cannot read it");
    sqlite3_bind_int64(st, 1, site);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        *first = sqlite3_column_int(st, 0);
        *last = sqlite3_column_int(st, 1);
        found = 1;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(s, err, rc, "cannot read it");
    return found;
}

int store_site_id(struct store *s, const char *name, int create,
                  int64_t *id, struct bs_err *err)
{
    sqlite3_stmt *st;
    int rc, found = 0;

    if (create) {
        rc = sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO sites(name) "
                                "VALUES(?1)", -1, &st, NULL);
        if (rc != SQLITE_OK)
            return db_fail(s, err, rc, "cannot prepare a statement");
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return db_fail(s, err, rc, "cannot write");
    }
    rc = sqlite3_prepare_v2(s->db, "SELECT id FROM sites WHERE name = ?1", -1,
                            &st, NULL);
    if (rc != SQLITE_OK)
        return db_fail(s, err, rc, "cannot read it");
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        found = 1;
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(s, err, rc, "cannot read it");
    return found;
}

/*
 * Views per page-like path in [?1, ?2], with the views of "/?p=ID" links
 * given to the imported post that has that ID.
 */
#define RESOLVED_VIEWS \
    "v AS (SELECT coalesce(t.id, p.id) AS pid, sum(pv.views) AS n " \
    "FROM path_views pv JOIN paths p ON p.id = pv.path_id " \
    "LEFT JOIN paths t ON p.kind = 'postid' AND t.site = p.site " \
    "AND t.post_id = p.post_id AND t.imported AND t.kind IN ('post', 'page') " \
    "WHERE pv.day BETWEEN ?1 AND ?2 AND p.site = ?6 GROUP BY 1) "

/*
 * The days in [?1, ?2] that TABLE (whose primary key begins with day) has
 * rows for, as the recursive CTE NAME(day), each found by one seek of that
 * key: a loose index scan. Joined to TABLE on (day, path_id) it reads the
 * rows of a few paths with a seek per day and path, where a range of days
 * would read every path's rows of every day in it. The last row may be
 * past ?2 or NULL: join with NAME.day <= ?2.
 */
#define DAYS_OF(name, table) \
    name "(day) AS (SELECT (SELECT min(day) FROM " table " WHERE day >= ?1) " \
    "UNION ALL SELECT (SELECT min(day) FROM " table " WHERE day > " name \
    ".day) FROM " name " WHERE " name ".day < ?2)"

/* Visits per path in [?1, ?2], each path's summed in one pass over the
 * range rather than a pass per post. */
#define PATH_VISITS \
    "vis AS MATERIALIZED (SELECT path_id, sum(visits) AS n FROM visits " \
    "WHERE day BETWEEN ?1 AND ?2 GROUP BY path_id)"

/* Rows of paths alias q that count for the post p: itself and the
 * "/?p=ID" links of its WordPress id. */
#define COUNTS_FOR(q, p) \
    "(" q ".id = " p ".id OR (" q ".kind = 'postid' AND " p ".imported " \
    "AND " q ".site = " p ".site AND " q ".post_id = " p ".post_id))"

/* Tags or categories (?4): the views of the posts carrying them, and of
 * their own archive pages; their posts' visitors over the range. */
#define TERMS_QUERY \
    "WITH " RESOLVED_VIEWS ", " \
    "pv AS (SELECT pt.term_id, sum(v.n) AS n FROM v " \
    "JOIN post_terms pt ON pt.path_id = v.pid GROUP BY pt.term_id), " \
    "av AS (SELECT term_id, sum(views) AS n FROM term_views " \
    "WHERE day BETWEEN ?1 AND ?2 GROUP BY term_id), " \
    "top AS (SELECT t.id AS id, t.name AS name, " \
    "coalesce(pv.n, 0) AS post_views, coalesce(av.n, 0) AS archive_views " \
    "FROM terms t " \
    "LEFT JOIN pv ON pv.term_id = t.id LEFT JOIN av ON av.term_id = t.id " \
    "WHERE t.site = ?6 AND t.taxonomy = ?4 AND (pv.n > 0 OR av.n > 0) " \
    "ORDER BY post_views DESC, archive_views DESC, t.name LIMIT ?3) " \
    "SELECT name, post_views, archive_views, " \
    "coalesce((SELECT sketch_count(sketch_union(ps.sketch)) " \
    "FROM post_terms pt JOIN paths p ON p.id = pt.path_id " \
    "JOIN paths q ON " COUNTS_FOR("q", "p") " " \
    "JOIN path_sketches ps ON ps.path_id = q.id " \
    "WHERE pt.term_id = top.id AND ps.day BETWEEN ?1 AND ?2), 0) " \
    "FROM top ORDER BY post_views DESC, archive_views DESC, name"

/* Rows of alias that count for the post ?5: itself and its /?p=ID. */
#define OF_POST(a) \
    "(" a ".id = ?5 OR (" a ".kind = 'postid' AND " \
    "(" a ".site, " a ".post_id) = " \
    "(SELECT site, post_id FROM paths WHERE id = ?5 AND imported " \
    "AND kind IN ('post', 'page'))))"

static const char *const query_sql[] = {
    /* The visitors and visits of the rows only, once they are chosen. */
    [STORE_TOP_POSTS] =
        "WITH " RESOLVED_VIEWS ", " PATH_VISITS ", "
        "top AS (SELECT p.id AS id, v.n AS n FROM v "
        "JOIN paths p ON p.id = v.pid "
        "WHERE p.kind IN ('post', 'page') AND (?4 IS NULL OR p.kind = ?4) "
        "ORDER BY v.n DESC, p.path LIMIT ?3) "
        "SELECT p.path, coalesce(p.title, ''), top.n, p.id, "
        "coalesce((SELECT sketch_count(sketch_union(ps.sketch)) "
        "FROM paths q JOIN path_sketches ps ON ps.path_id = q.id "
        "WHERE " COUNTS_FOR("q", "p") " AND ps.day BETWEEN ?1 AND ?2), 0), "
        "coalesce((SELECT sum(vis.n) FROM paths q "
        "JOIN vis ON vis.path_id = q.id WHERE " COUNTS_FOR("q", "p") "), 0) "
        "FROM top JOIN paths p ON p.id = top.id ORDER BY top.n DESC, p.path",
    /* The least read posts and pages, imported ones with no view too. */
    [STORE_LEAST_POSTS] =
        "WITH " RESOLVED_VIEWS ", " PATH_VISITS ", "
        "top AS (SELECT p.id AS id, coalesce(v.n, 0) AS n FROM paths p "
        "LEFT JOIN v ON v.pid = p.id "
        "WHERE p.site = ?6 AND p.kind IN ('post', 'page') "
        "AND (?4 IS NULL OR p.kind = ?4) "
        "AND (p.imported OR v.n > 0) ORDER BY n ASC, p.path LIMIT ?3) "
        "SELECT p.path, coalesce(p.title, ''), top.n, p.id, "
        "coalesce((SELECT sketch_count(sketch_union(ps.sketch)) "
        "FROM paths q JOIN path_sketches ps ON ps.path_id = q.id "
        "WHERE " COUNTS_FOR("q", "p") " AND ps.day BETWEEN ?1 AND ?2), 0), "
        "coalesce((SELECT sum(vis.n) FROM paths q "
        "JOIN vis ON vis.path_id = q.id WHERE " COUNTS_FOR("q", "p") "), 0) "
        "FROM top JOIN paths p ON p.id = top.id ORDER BY top.n ASC, p.path",
    [STORE_TOP_TAGS] = TERMS_QUERY,
    [STORE_TOP_CATEGORIES] = TERMS_QUERY,
    [STORE_TOP_COUNTRIES] =
        "WITH top AS (SELECT country, sum(views) AS v FROM country_views "
        "WHERE site = ?6 AND day BETWEEN ?1 AND ?2 "
        "GROUP BY country ORDER BY v DESC, country LIMIT ?3) "
        "SELECT top.country, "
        "CASE top.country WHEN '--' THEN 'Unknown' "
        "ELSE coalesce(n.name, '') END, top.v, "
        "coalesce((SELECT sketch_count(sketch_union(cs.sketch)) "
        "FROM country_sketches cs WHERE cs.site = ?6 "
        "AND cs.country = top.country "
        "AND cs.day BETWEEN ?1 AND ?2), 0) "
        "FROM top LEFT JOIN country_names n ON n.code = top.country "
        "ORDER BY top.v DESC, top.country",
    [STORE_DAYS] =
        "SELECT d.day, d.views, d.hits, d.robots, d.bad_lines, "
        "coalesce(sketch_count(s.sketch), 0), d.visits FROM days d "
        "LEFT JOIN day_sketches s ON s.site = d.site AND s.day = d.day "
        "WHERE d.site = ?6 AND d.day BETWEEN ?1 AND ?2 "
        "ORDER BY d.day LIMIT ?3",
    /* One row: the visitors and visits of the range. */
    [STORE_RANGE] =
        "SELECT coalesce((SELECT sketch_count(sketch_union(sketch)) "
        "FROM day_sketches WHERE site = ?6 AND day BETWEEN ?1 AND ?2), 0), "
        "coalesce((SELECT sum(visits) FROM days "
        "WHERE site = ?6 AND day BETWEEN ?1 AND ?2), 0) LIMIT ?3",
    /* Referring hosts but the site itself, and search terms. */
    [STORE_TOP_REFERRERS] =
        "SELECT host, class, sum(views) AS v FROM referrers "
        "WHERE day BETWEEN ?1 AND ?2 AND site = ?6 AND class <> 'internal' "
        "GROUP BY host, class ORDER BY v DESC, host LIMIT ?3",
    [STORE_TOP_SEARCH_TERMS] =
        "SELECT term, sum(views) AS v FROM search_terms "
        "WHERE site = ?6 AND day BETWEEN ?1 AND ?2 GROUP BY term "
        "ORDER BY v DESC, term LIMIT ?3",
    [STORE_SOURCES] =
        "SELECT class, sum(views) AS v FROM referrers "
        "WHERE day BETWEEN ?1 AND ?2 AND site = ?6 GROUP BY class "
        "ORDER BY v DESC, class LIMIT ?3",
    [STORE_POST_RANGE] =
        "WITH RECURSIVE q AS MATERIALIZED "
        "(SELECT id FROM paths p WHERE " OF_POST("p") "), "
        DAYS_OF("dd", "visits") " "
        "SELECT coalesce((SELECT sketch_count(sketch_union(sketch)) "
        "FROM path_sketches WHERE day BETWEEN ?1 AND ?2 "
        "AND path_id IN (SELECT id FROM q)), 0), "
        "coalesce((SELECT sum(vs.visits) FROM dd CROSS JOIN q "
        "CROSS JOIN visits vs WHERE dd.day <= ?2 AND vs.day = dd.day "
        "AND vs.path_id = q.id), 0) LIMIT ?3",
    [STORE_POST_REFERRERS] =
        "WITH RECURSIVE q AS MATERIALIZED "
        "(SELECT id FROM paths p WHERE " OF_POST("p") "), "
        DAYS_OF("dd", "referrers") " "
        "SELECT r.host, r.class, sum(r.views) AS v FROM dd CROSS JOIN q "
        "CROSS JOIN referrers r WHERE dd.day <= ?2 AND r.day = dd.day "
        "AND r.path_id = q.id "
        "GROUP BY r.host, r.class ORDER BY v DESC, r.host LIMIT ?3",
    [STORE_FILES] =
        "SELECT name, coalesce(error, ''), last_read, lines, bad_lines, hits, "
        "gzip, size, position, CASE WHEN error IS NOT NULL THEN 3 "
        "WHEN complete THEN 1 ELSE 2 END FROM sources "
        "WHERE coalesce(max_day, ?2) >= ?1 AND coalesce(first_day, ?1) <= ?2 "
        "ORDER BY id LIMIT ?3",
    [STORE_POST_INFO] =
        "SELECT path, coalesce(title, ''), kind, coalesce(published, -1), "
        "published IS NOT NULL FROM paths WHERE id = ?5 "
        "AND ?1 <= ?2 LIMIT ?3",
    [STORE_POST_DAYS] =
        "WITH RECURSIVE q AS MATERIALIZED "
        "(SELECT id FROM paths p WHERE " OF_POST("p") "), "
        DAYS_OF("dd", "path_views") ", "
        "d AS (SELECT pv.day AS day, sum(pv.views) AS n FROM dd CROSS JOIN q "
        "CROSS JOIN path_views pv WHERE dd.day <= ?2 AND pv.day = dd.day "
        "AND pv.path_id = q.id GROUP BY pv.day) "
        "SELECT d.day, d.n, "
        "coalesce((SELECT sketch_count(sketch_union(sketch)) "
        "FROM path_sketches WHERE day = d.day "
        "AND path_id IN (SELECT id FROM q)), 0), "
        "coalesce((SELECT sum(visits) FROM visits WHERE day = d.day "
        "AND path_id IN (SELECT id FROM q)), 0) "
        "FROM d ORDER BY d.day LIMIT ?3",
    [STORE_POST_COUNTRIES] =
        "SELECT c.country, "
        "CASE c.country WHEN '--' THEN 'Unknown' "
        "ELSE coalesce(n.name, '') END, sum(c.views) AS v "
        "FROM post_country_views c JOIN paths p ON p.id = c.path_id "
        "LEFT JOIN country_names n ON n.code = c.country "
        "WHERE c.day BETWEEN ?1 AND ?2 AND " OF_POST("p") " "
        "GROUP BY c.country ORDER BY v DESC, c.country LIMIT ?3",
    [STORE_POST_TERMS] =
        "SELECT t.taxonomy, t.name FROM post_terms pt "
        "JOIN terms t ON t.id = pt.term_id WHERE pt.path_id = ?5 "
        "AND ?1 <= ?2 ORDER BY t.taxonomy DESC, t.name LIMIT ?3",
    /* Every site, those with views of the range first. */
    [STORE_SITES] =
        "SELECT s.name, "
        "coalesce((SELECT sum(views) FROM days WHERE site = s.id "
        "AND day BETWEEN ?1 AND ?2), 0) AS v, "
        "coalesce((SELECT sketch_count(sketch_union(sketch)) "
        "FROM day_sketches WHERE site = s.id AND day BETWEEN ?1 AND ?2), 0), "
        "coalesce((SELECT sum(hits) FROM days WHERE site = s.id "
        "AND day BETWEEN ?1 AND ?2), 0) "
        "FROM sites s ORDER BY v DESC, s.id = 0 DESC, s.name LIMIT ?3",
};

/* Column layout of each query: how many text columns lead. */
static const int query_ntext[] = {
    [STORE_TOP_POSTS] = 2, [STORE_TOP_TAGS] = 1, [STORE_TOP_CATEGORIES] = 1,
    [STORE_TOP_COUNTRIES] = 2, [STORE_DAYS] = 0, [STORE_FILES] = 3,
    [STORE_POST_INFO] = 3, [STORE_POST_DAYS] = 0, [STORE_POST_COUNTRIES] = 2,
    [STORE_POST_TERMS] = 2, [STORE_LEAST_POSTS] = 2, [STORE_RANGE] = 0,
    [STORE_TOP_REFERRERS] = 2, [STORE_TOP_SEARCH_TERMS] = 1,
    [STORE_SOURCES] = 1, [STORE_POST_RANGE] = 0, [STORE_POST_REFERRERS] = 2,
    [STORE_SITES] = 1,
};
_Static_assert(ARRAY_SIZE(query_sql) == STORE_SITES + 1 &&
                   ARRAY_SIZE(query_ntext) == ARRAY_SIZE(query_sql),
               "one SQL and one layout per query");

int store_query(struct store *s, enum store_query q,
                const struct store_filter *f,
                int (*fn)(void *ctx, const struct store_row *row), void *ctx,
                struct bs_err *err)
{
    sqlite3_stmt *st;
    int rc, ntext, ncols;
    char daybuf[11];

    if ((unsigned)q >= ARRAY_SIZE(query_sql))
        BUG("query %d", (int)q);
    rc = sqlite3_prepare_v2(s->db, query_sql[q], -1, &st, NULL);
    if (rc != SQLITE_OK)
        return db_fail(s, err, rc, "cannot prepare a query");
    sqlite3_bind_int(st, 1, f->from);
    sqlite3_bind_int(st, 2, f->to);
    sqlite3_bind_int64(st, 3, f->limit > 0 ? f->limit : -1);
    if (q == STORE_TOP_TAGS || q == STORE_TOP_CATEGORIES)
        sqlite3_bind_text(st, 4, q == STORE_TOP_TAGS ? "tag" : "category", -1,
                          SQLITE_STATIC);
    else if ((q == STORE_TOP_POSTS || q == STORE_LEAST_POSTS) && f->kind)
        sqlite3_bind_text(st, 4, f->kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, f->path_id);
    sqlite3_bind_int64(st, 6, f->site);
    ntext = query_ntext[q];
    ncols = sqlite3_column_count(st);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_row row;
        int i;

        memset(&row, 0, sizeof(row));
        for (i = 0; i < 3; i++)
            row.s[i] = "";
        for (i = 0; i < ntext; i++) {
            const unsigned char *t = sqlite3_column_text(st, i);

            row.s[i] = t ? (const char *)t : "";
        }
        if (q == STORE_DAYS || q == STORE_POST_DAYS) {
            day_format(sqlite3_column_int(st, 0), daybuf);
            row.s[0] = daybuf;
            for (i = 1; i < ncols && i - 1 < 8; i++)
                row.n[i - 1] = sqlite3_column_int64(st, i);
        } else {
            for (i = ntext; i < ncols && i - ntext < 8; i++)
                row.n[i - ntext] = sqlite3_column_int64(st, i);
        }
        if (fn(ctx, &row)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(s, err, rc, "cannot read it");
    return 0;
}

int store_totals(struct store *s, struct store_totals *t, struct bs_err *err)
{
    sqlite3_stmt *st;
    int rc;

    memset(t, 0, sizeof(*t));
    rc = sqlite3_prepare_v2(
        s->db,
        "SELECT (SELECT count(*) FROM sources), "
        "(SELECT coalesce(sum(lines), 0) FROM sources), "
        "(SELECT coalesce(sum(bad_lines), 0) FROM sources), "
        "(SELECT coalesce(sum(hits), 0) FROM days), "
        "(SELECT coalesce(sum(views), 0) FROM days), "
        "(SELECT coalesce(sum(robots), 0) FROM days)",
        -1, &st, NULL);
    if (rc != SQLITE_OK)
        return db_fail(s, err, rc, "cannot read it");
    if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        t->files = sqlite3_column_int64(st, 0);
        t->lines = sqlite3_column_int64(st, 1);
        t->bad_lines = sqlite3_column_int64(st, 2);
        t->hits = sqlite3_column_int64(st, 3);
        t->views = sqlite3_column_int64(st, 4);
        t->robots = sqlite3_column_int64(st, 5);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return db_fail(s, err, rc, "cannot read it");
    t->db_bytes = pragma_int(s, "PRAGMA page_count") *
                  pragma_int(s, "PRAGMA page_size");
    return 0;
}
