/*
 * store_schema.c - the schema of the SQLite store, one migration per
 * version: a new database runs them all, so the upgrade path is the path
 * every database takes.
 */
#include "blogstat.h"
#include "store.h"
#include "store_int.h"

#include <sqlite3.h>
#include <stdio.h>

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

/*
 * Version 7: a source is known by a keyed fingerprint of the first bytes
 * of its log (up to a KiB, with the site it was read for), head_len of
 * them. The unkeyed first-line fingerprints of earlier versions keep a
 * NULL head_len until their log is next seen (source.h).
 */
static const char schema_v7[] =
    "ALTER TABLE sources ADD COLUMN head_len INTEGER;";

/*
 * Version 8: each path's all-time totals, for `top` to find the most read
 * paths without summing every day of every path: its views and the
 * path_views rows they come from (days), and its visits. Triggers keep
 * them in step with path_views and visits, in the statement that writes
 * those (an ingest's upserts, a recount's clearing of a day, anything
 * else), so they cannot drift; the index lists a site's paths by views.
 * The rows of path_views and visits are only ever added, added to and
 * deleted: their keys (day, path) never change.
 */
static const char schema_v8[] =
    "CREATE TABLE path_totals("
    " path_id INTEGER PRIMARY KEY REFERENCES paths(id),"
    " site INTEGER NOT NULL,"
    " views INTEGER NOT NULL DEFAULT 0,"
    " days INTEGER NOT NULL DEFAULT 0,"
    " visits INTEGER NOT NULL DEFAULT 0);"
    "INSERT INTO path_totals(path_id, site, views, days)"
    " SELECT v.path_id, p.site, v.n, v.d FROM (SELECT path_id,"
    " sum(views) AS n, count(*) AS d FROM path_views GROUP BY path_id) v"
    " JOIN paths p ON p.id = v.path_id;"
    "INSERT INTO path_totals(path_id, site, visits)"
    " SELECT v.path_id, p.site, v.n FROM (SELECT path_id,"
    " sum(visits) AS n FROM visits GROUP BY path_id) v"
    " JOIN paths p ON p.id = v.path_id WHERE true"
    " ON CONFLICT(path_id) DO UPDATE SET visits = excluded.visits;"
    "CREATE INDEX path_totals_views ON path_totals(site, views DESC);"
    "CREATE TRIGGER path_views_add AFTER INSERT ON path_views BEGIN"
    " INSERT INTO path_totals(path_id, site, views, days)"
    " SELECT new.path_id, site, new.views, 1 FROM paths"
    " WHERE id = new.path_id"
    " ON CONFLICT(path_id) DO UPDATE SET views = views + excluded.views,"
    " days = days + 1; END;"
    "CREATE TRIGGER path_views_set AFTER UPDATE OF views ON path_views BEGIN"
    " UPDATE path_totals SET views = views + new.views - old.views"
    " WHERE path_id = new.path_id; END;"
    "CREATE TRIGGER path_views_del AFTER DELETE ON path_views BEGIN"
    " UPDATE path_totals SET views = views - old.views, days = days - 1"
    " WHERE path_id = old.path_id; END;"
    "CREATE TRIGGER visits_add AFTER INSERT ON visits BEGIN"
    " INSERT INTO path_totals(path_id, site, visits)"
    " SELECT new.path_id, site, new.visits FROM paths"
    " WHERE id = new.path_id"
    " ON CONFLICT(path_id) DO UPDATE SET visits = visits + excluded.visits;"
    " END;"
    "CREATE TRIGGER visits_set AFTER UPDATE OF visits ON visits BEGIN"
    " UPDATE path_totals SET visits = visits + new.visits - old.visits"
    " WHERE path_id = new.path_id; END;"
    "CREATE TRIGGER visits_del AFTER DELETE ON visits BEGIN"
    " UPDATE path_totals SET visits = visits - old.visits"
    " WHERE path_id = old.path_id; END;";

/*
 * Version 9: the reader's other dimensions (dims.h), one table for all:
 * a row per site, dimension, day and key of up to three parts (unused
 * parts ''), and the visitors of a dimension's key per day.
 */
static const char schema_v9[] =
    "CREATE TABLE dim_counts("
    " site INTEGER NOT NULL,"
    " dim TEXT NOT NULL,"
    " day INTEGER NOT NULL,"
    " k1 TEXT NOT NULL,"
    " k2 TEXT NOT NULL DEFAULT '',"
    " k3 TEXT NOT NULL DEFAULT '',"
    " n INTEGER NOT NULL,"
    " PRIMARY KEY(site, dim, day, k1, k2, k3)) WITHOUT ROWID;"
    "CREATE TABLE dim_sketches("
    " site INTEGER NOT NULL,"
    " dim TEXT NOT NULL,"
    " day INTEGER NOT NULL,"
    " k1 TEXT NOT NULL,"
    " k2 TEXT NOT NULL DEFAULT '',"
    " k3 TEXT NOT NULL DEFAULT '',"
    " sketch BLOB NOT NULL,"
    " PRIMARY KEY(site, dim, day, k1, k2, k3)) WITHOUT ROWID;";

/* Version 10: a tag's or category's name as an import gave it, beside
 * its slug. */
static const char schema_v10[] = "ALTER TABLE terms ADD COLUMN title TEXT;";

/* Version 11: a day's open visits in sets of visitors, a row a set
 * (store_open.c); the rows of open_visits become sets, and it goes
 * (migrate()). A rowid table: its rows are a few KiB. And the imported
 * posts of a site found without reading every path (a report's
 * fingerprints, its posts' life). */
static const char schema_v11[] =
    "CREATE TABLE open_visit_sets("
    " day INTEGER NOT NULL,"
    " bucket INTEGER NOT NULL,"
    " visitors BLOB NOT NULL,"
    " PRIMARY KEY(day, bucket));"
    "CREATE INDEX paths_imported ON paths(site) WHERE imported <> 0;";

/* migrations[v] takes a database from version v to v + 1. A new database
 * runs them all, so the upgrade path is the path every database takes. */
static const char *const migrations[] = {schema_v1, schema_v2, schema_v3,
                                         schema_v4, schema_v5,
                                         schema_v6, schema_v7, schema_v8,
                                         schema_v9, schema_v10, schema_v11};

_Static_assert(ARRAY_SIZE(migrations) == STORE_SCHEMA_VERSION,
               "one migration per schema version");

/* Take s from version v to v + 1: the SQL, and what it cannot say. */
static int migrate(struct store *s, int64_t v, const char *what,
                   struct bs_err *err)
{
    if (store_exec(s, migrations[v], what, err))
        return -1;
    return v == 10 ? store_open_upgrade(s, err) : 0;
}

int store_schema_setup(struct store *s, struct bs_err *err)
{
    int64_t version, tables;
    char sql[64];

    /* The version and the tables in one snapshot: a first ingest that
     * creates the schema is seen before or after, never in between. */
    if (store_exec(s, "BEGIN", "cannot read it", err))
        return -1;
    version = store_pragma_int(s, "PRAGMA user_version");
    tables = version < 0 ? -1
                         : store_pragma_int(s, "SELECT count(*) FROM "
                                               "sqlite_master");
    if (version < 0 || tables < 0) {
        store_fail(s, err, db_errcode(s->db), "cannot read it");
        db_exec(s->db, "ROLLBACK");
        return -1;
    }
    db_exec(s->db, "COMMIT");
    if (version > STORE_SCHEMA_VERSION)
        return bs_fail(err, BS_DATAERR,
                       "database '%s' has schema version %lld, newer than "
                       "this blogstat (%d); upgrade blogstat",
                       s->path, (long long)version, STORE_SCHEMA_VERSION);
    if (version == STORE_SCHEMA_VERSION)
        return 0;
    if (version == 0 && tables > 0)
        return bs_fail(err, BS_DATAERR,
                       "'%s' is an SQLite database but not blogstat's; "
                       "give another --db", s->path);
    if (version == 0 && s->mode == STORE_READ)
        return bs_fail(err, BS_NOINPUT,
                       "database '%s' is empty; run 'blogstat ingest' first",
                       s->path);
    /* All the steps in one transaction: an upgrade happens whole or not. */
    if (store_exec(s, "BEGIN IMMEDIATE", "cannot start a transaction", err))
        return -1;
    for (int64_t v = version; v < STORE_SCHEMA_VERSION; v++) {
        if (migrate(s, v, "cannot upgrade the schema", err)) {
            db_exec(s->db, "ROLLBACK");
            return -1;
        }
    }
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %d;",
             STORE_SCHEMA_VERSION);
    if (store_exec(s, sql, "cannot set the schema version", err) ||
        store_exec(s, "COMMIT", "cannot commit the schema", err)) {
        db_exec(s->db, "ROLLBACK");
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
    rc = db_open_sqlite(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        &s.db);
    if (rc != DB_OK) {
        store_fail(&s, err, rc, "cannot create it");
        db_close(s.db);
        return -1;
    }
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %d;", version);
    rc = store_exec(&s, "BEGIN", "cannot start a transaction", err);
    for (int v = 0; rc == 0 && v < version; v++)
        rc = migrate(&s, v, "cannot make the schema", err);
    if (rc == 0)
        rc = store_exec(&s, sql, "cannot set the schema version", err);
    if (rc == 0)
        rc = store_exec(&s, "COMMIT", "cannot commit the schema", err);
    db_close(s.db);
    return rc;
}
