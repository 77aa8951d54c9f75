/*
 * store.c - SQLite behind the store API.
 *
 * Writes are upserts of aggregated deltas ("INSERT ... ON CONFLICT DO
 * UPDATE SET views = views + excluded.views"), each statement prepared
 * once, strings bound with their length, never pasted into SQL; the
 * tables of many rows a chunk take theirs sorted, many rows a statement
 * (store_batch.c). The database runs in WAL mode so that `top` and `report` can read while an
 * ingest writes.
 */
#include "blogstat.h"
#include "sketch.h"
#include "store.h"
#include "store_int.h"
#include "table.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const stmt_sql[ST_NSTMTS] = {
    [ST_DAY] =
        "INSERT INTO days(site, day, hits, views, robots, bad_lines) "
        "VALUES(?6, ?1, ?2, ?3, ?4, ?5) ON CONFLICT(site, day) DO UPDATE SET "
        "hits = days.hits + excluded.hits, "
        "views = days.views + excluded.views, "
        "robots = days.robots + excluded.robots, "
        "bad_lines = days.bad_lines + excluded.bad_lines",
    /* A row that ST_PATH_ID would leave as it is: its id is all it gives. */
    [ST_PATH_FIND] =
        "SELECT id FROM paths WHERE site = ?4 AND path = ?1 "
        "AND (imported <> 0 OR kind = ?2)",
    /* An imported post keeps the kind its import gave it. */
    [ST_PATH_ID] =
        "INSERT INTO paths(site, path, kind, post_id) VALUES(?4, ?1, ?2, ?3) "
        "ON CONFLICT(site, path) DO UPDATE SET "
        "kind = CASE WHEN paths.imported <> 0 THEN paths.kind "
        "ELSE excluded.kind END "
        "RETURNING id",
    [ST_TERM_ID] =
        "INSERT INTO terms(site, taxonomy, name) VALUES(?3, ?1, ?2) "
        "ON CONFLICT(site, taxonomy, name) DO UPDATE SET name = excluded.name "
        "RETURNING id",
    [ST_SOURCE_FIND] =
        "SELECT id, name, gzip, size, position, last_len, last_hash, lines, "
        "bad_lines, hits, pending_bad, last_day IS NOT NULL, "
        "coalesce(last_day, 0), hits > 0, coalesce(first_day, 0), "
        "coalesce(max_day, 0), complete, coalesce(head_len, -1) "
        "FROM sources WHERE fingerprint = ?1",
    [ST_SOURCE_NEW] =
        "INSERT INTO sources(fingerprint, name, first_read, last_read) "
        "VALUES(?1, ?2, ?3, ?3) "
        "ON CONFLICT(fingerprint) DO NOTHING RETURNING id",
    [ST_SOURCE_PUT] =
        "UPDATE sources SET name = ?2, gzip = ?3, size = ?4, position = ?5, "
        "last_len = ?6, last_hash = ?7, lines = ?8, bad_lines = ?9, "
        "hits = ?10, pending_bad = ?11, last_day = ?12, first_day = ?13, "
        "max_day = ?14, complete = ?15, error = ?16, fingerprint = ?17, "
        "head_len = ?18, last_read = ?20 "
        "WHERE id = ?1 AND position = ?19",
    [ST_POST] =
        "INSERT INTO paths(site, path, kind, title, published, post_id, "
        "imported) VALUES(?6, ?1, ?2, ?3, ?4, ?5, 1) "
        "ON CONFLICT(site, path) DO UPDATE SET "
        "kind = excluded.kind, title = excluded.title, "
        "published = excluded.published, "
        "post_id = coalesce(excluded.post_id, paths.post_id), imported = 1 "
        "RETURNING id",
    [ST_POST_TERMS_CLEAR] =
        /* The post's own rows (a seek), each term by its id: never a
         * scan of every term of the taxonomy per post. */
        "DELETE FROM post_terms WHERE path_id = ?1 AND "
        "(SELECT taxonomy FROM terms WHERE id = post_terms.term_id) = ?2",
    [ST_POST_TERM] =
        "INSERT INTO post_terms(path_id, term_id) VALUES(?1, ?2) "
        "ON CONFLICT DO NOTHING",
    [ST_META_GET] = "SELECT value FROM meta WHERE key = ?1",
    [ST_META_PUT] =
        "INSERT INTO meta(key, value) VALUES(?1, ?2) ON CONFLICT(key) "
        "DO UPDATE SET value = excluded.value",
    [ST_META_DEL] = "DELETE FROM meta WHERE key = ?1",
    [ST_SITE_NEW] =
        "INSERT INTO sites(name) VALUES(?1) ON CONFLICT DO NOTHING",
    [ST_SITE_FIND] = "SELECT id FROM sites WHERE name = ?1",
    [ST_SALT_GET] = "SELECT salt FROM day_salts WHERE day = ?1",
    [ST_SALT_PUT] =
        "INSERT INTO day_salts(day, salt, touched) VALUES(?1, ?2, ?3) "
        "ON CONFLICT(day) DO NOTHING",
    [ST_SALT_TOUCH] =
        "UPDATE day_salts SET touched = "
        "CASE WHEN touched < ?2 THEN ?2 ELSE touched END WHERE day = ?1",
    [ST_DAY_SKETCH] =
        "INSERT INTO day_sketches(site, day, sketch) VALUES(?4, ?1, ?2) "
        "ON CONFLICT(site, day) DO UPDATE SET "
        "sketch = sketch_union(day_sketches.sketch, excluded.sketch)",
    [ST_DAY_VISITS] =
        "INSERT INTO days(site, day, visits) VALUES(?4, ?1, ?2) "
        "ON CONFLICT(site, day) "
        "DO UPDATE SET visits = days.visits + excluded.visits",
    [ST_DAY_FIND] = "SELECT 1 FROM days WHERE site = ?1 AND day = ?2",
    [ST_OPEN_LOAD] =
        "SELECT visitors FROM open_visit_sets WHERE day = ?1 "
        "ORDER BY bucket",
    [ST_OPEN_SET_GET] =
        "SELECT visitors FROM open_visit_sets WHERE day = ?1 AND bucket = ?2",
    [ST_OPEN_SET_PUT] =
        "INSERT INTO open_visit_sets(day, bucket, visitors) "
        "VALUES(?1, ?2, ?3) ON CONFLICT(day, bucket) "
        "DO UPDATE SET visitors = excluded.visitors",
    [ST_OPEN_SET_DEL] =
        "DELETE FROM open_visit_sets WHERE day = ?1 AND bucket = ?2",
    [ST_OPEN_SET_ADD] =
        "INSERT INTO open_visit_sets(day, bucket, visitors) "
        "VALUES(?1, ?2, ?3) ON CONFLICT(day, bucket) DO UPDATE SET "
        "visitors = CAST(open_visit_sets.visitors || excluded.visitors "
        "AS BLOB)",
    /* Closing days: their open visits, then their salts. */
    [ST_CLOSE_VISITS] =
        "DELETE FROM open_visit_sets WHERE day NOT IN "
        "(SELECT day FROM day_salts WHERE touched >= ?1)",
    [ST_CLOSE_SALTS] = "DELETE FROM day_salts WHERE touched < ?1",
    /* SQLite's JSON functions read iso-codes' file: no JSON code here. */
    [ST_COUNTRY_NAMES] =
        "INSERT OR REPLACE INTO country_names(code, name) "
        "SELECT json_extract(value, '$.alpha_2'), "
        "coalesce(json_extract(value, '$.common_name'), "
        "json_extract(value, '$.name')) "
        "FROM json_each(?1, '$.\"3166-1\"') "
        "WHERE length(json_extract(value, '$.alpha_2')) = 2",
    [ST_TERM_TITLE] = "UPDATE terms SET title = ?2 WHERE id = ?1",
    [ST_TERM_SEARCH] =
        "INSERT INTO search_terms(site, day, term, views) "
        "VALUES(?4, ?1, ?2, ?3) ON CONFLICT(site, day, term) "
        "DO UPDATE SET views = search_terms.views + excluded.views",
    /* The other dimensions (store_dims.c): ?8 nonzero keeps the larger
     * count, else adds. */
    [ST_DIM_ADD] =
        "INSERT INTO dim_counts(site, dim, day, k1, k2, k3, n) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) "
        "ON CONFLICT(site, dim, day, k1, k2, k3) DO UPDATE SET n = "
        "CASE WHEN ?8 = 0 THEN dim_counts.n + excluded.n "
        "WHEN dim_counts.n > excluded.n THEN dim_counts.n "
        "ELSE excluded.n END",
    [ST_DIM_SKETCH] =
        "INSERT INTO dim_sketches(site, dim, day, k1, k2, k3, sketch) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) "
        "ON CONFLICT(site, dim, day, k1, k2, k3) "
        "DO UPDATE SET "
        "sketch = sketch_union(dim_sketches.sketch, excluded.sketch)",
};

/* Every statement has its SQL. */
_Static_assert(ARRAY_SIZE(stmt_sql) == ST_NSTMTS, "one SQL per statement");

/* Map an SQLite failure to an exit status and a message naming the file. */
int store_fail(struct store *s, struct bs_err *err, int rc, const char *what)
{
    int status;
    const char *hint = "";

    switch (rc & 0xff) {
    case DB_BUSY:
    case DB_LOCKED:
        status = BS_TEMPFAIL;
        hint = "; another blogstat is writing it, try again later";
        break;
    case DB_NOTADB:
    case DB_CORRUPT:
        status = BS_DATAERR;
        hint = "; it is not a blogstat database or it is damaged";
        break;
    case DB_NOMEM:
        status = BS_OSERR;
        break;
    case DB_CANTOPEN:
        status = s->mode == STORE_READ ? BS_NOINPUT : BS_IOERR;
        break;
    case DB_FULL:
        hint = "; free some space and run again";
        status = BS_IOERR;
        break;
    case DB_READONLY:
        hint = "; check the permissions of the file and its directory";
        /* A reader in a folder it cannot write cannot open a WAL
         * database: an input that cannot be opened. */
        status = s->mode == STORE_READ ? BS_NOINPUT : BS_IOERR;
        break;
    case DB_IOERR:
        hint = "; is the disk full, or the file over its size limit?";
        status = BS_IOERR;
        break;
    default:
        status = BS_IOERR;
        break;
    }
    return bs_fail(err, status, "database '%s': %s: %s%s", s->path, what,
                   s->db ? db_errmsg(s->db) : db_errstr(rc), hint);
}

int store_exec(struct store *s, const char *sql, const char *what,
               struct bs_err *err)
{
    int rc = db_exec(s->db, sql);

    return rc == DB_OK ? 0 : store_fail(s, err, rc, what);
}

int64_t store_pragma_int(struct store *s, const char *sql)
{
    struct db_stmt *st;
    int64_t v = -1;

    if (db_prepare(s->db, sql, 0, &st) != DB_OK)
        return -1;
    if (db_step(st) == DB_ROW)
        v = db_column_int64(st, 0);
    db_finalize(st);
    return v;
}

/* ---- plans, for tests ---------------------------------------------- */

static int trace_stmt(unsigned type, void *ctx, void *p, void *x)
{
    const struct store_trace *t = ctx;
    const char *sql = x;

    (void)p;
    /* "--" begins the statements of triggers, which are not prepared. */
    if (type == SQLITE_TRACE_STMT && strncmp(sql, "--", 2) != 0)
        t->fn(t->arg, sql);
    return 0;
}

void store_trace(struct store *s, const struct store_trace *t)
{
    if (db_engine(s->db) != DB_SQLITE)
        return;
    sqlite3_trace_v2(db_sqlite(s->db), t ? SQLITE_TRACE_STMT : 0, t ? trace_stmt : NULL,
                     (void *)t);
}

int store_explain(struct store *s, const char *sql,
                  void (*fn)(void *arg, int id, int parent,
                             const char *detail),
                  void *arg, struct bs_err *err)
{
    size_t n = strlen(sql) + 24;
    char *q = xmalloc(n);
    struct db_stmt *st;
    int rc;

    snprintf(q, n, "EXPLAIN QUERY PLAN %s", sql);
    rc = db_prepare(s->db, q, 0, &st);
    free(q);
    if (rc != DB_OK)
        return store_fail(s, err, rc, "cannot explain a query");
    while ((rc = db_step(st)) == DB_ROW)
        fn(arg, db_column_int(st, 0), db_column_int(st, 1),
           (const char *)db_column_text(st, 3));
    db_finalize(st);
    return rc == DB_DONE ? 0 : store_fail(s, err, rc, "cannot explain");
}

/* ---- SQL functions over sketches ------------------------------------ */

/* sketch_union(blob) as an aggregate: the sketch of the union. Most
 * groups (a page's one day) have one sketch: it is kept as it is and
 * given back, a sketch made only when a second comes. */
struct union_acc {
    sqlite3_value *first;      /* the first row's blob, while alone */
    struct sketch *sk;         /* from the second row */
};

static void union_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    struct union_acc *acc = sqlite3_aggregate_context(ctx, sizeof(*acc));
    sqlite3_value *v = argv[0];

    (void)argc;
    if (!acc || sqlite3_value_type(v) != DB_BLOB)
        return;
    if (!acc->first && !acc->sk) {
        /* A blob that does not read as a sketch fails now, as a merge. */
        uint64_t n;

        if (sketch_blob_count(sqlite3_value_blob(v),
                              (size_t)sqlite3_value_bytes(v), &n) != 0) {
            sqlite3_result_error(ctx, "not a blogstat sketch", -1);
            return;
        }
        if (!(acc->first = sqlite3_value_dup(v)))
            sqlite3_result_error_nomem(ctx);
        return;
    }
    if (!acc->sk) {
        acc->sk = sketch_new();
        if (sketch_merge_blob(acc->sk, sqlite3_value_blob(acc->first),
                              (size_t)sqlite3_value_bytes(acc->first)) != 0)
            sqlite3_result_error(ctx, "not a blogstat sketch", -1);
        sqlite3_value_free(acc->first);
        acc->first = NULL;
    }
    if (sketch_merge_blob(acc->sk, sqlite3_value_blob(v),
                          (size_t)sqlite3_value_bytes(v)) != 0)
        sqlite3_result_error(ctx, "not a blogstat sketch", -1);
}

static void union_final(sqlite3_context *ctx)
{
    struct union_acc *acc = sqlite3_aggregate_context(ctx, 0);
    unsigned char *b;
    size_t n;

    if (acc && acc->first) {
        sqlite3_result_value(ctx, acc->first);
        sqlite3_value_free(acc->first);
        return;
    }
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
        if (sqlite3_value_type(argv[i]) == DB_BLOB &&
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
    if (sqlite3_value_type(argv[0]) == DB_BLOB &&
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

    s->mode = mode;
    if (db_is_uri(path)) {
        s->path = store_uri_shown(path);
        if (store_pg_open(s, path, err)) {
            store_close(s);
            return NULL;
        }
        return s;
    }
    s->path = xstrdup(path);
    if (mode == STORE_READ) {
        if (stat(path, &st) != 0) {
            bs_fail(err, BS_NOINPUT,
                    "cannot open database '%s': %s; run 'blogstat ingest' "
                    "first or give --db", path, strerror(errno));
            store_close(s);
            return NULL;
        }
        if (!S_ISREG(st.st_mode)) {
            bs_fail(err, BS_NOINPUT, "database '%s' is not a regular file; "
                    "give --db the path of a file", path);
            store_close(s);
            return NULL;
        }
        /* Read-write even for queries: a WAL reader needs the -shm file. */
        flags |= SQLITE_OPEN_READWRITE;
    } else {
        /* Create it ourselves so that it gets mode 0600 (under umask). */
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0600);

        if (fd < 0) {
            bs_fail_create_db(err, path, errno);
            store_close(s);
            return NULL;
        }
        if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
            bs_fail(err, BS_NOINPUT, "database '%s' is not a regular file; "
                    "give --db the path of a file", path);
            close(fd);
            store_close(s);
            return NULL;
        }
        close(fd);
        flags |= SQLITE_OPEN_READWRITE;
    }
    rc = db_open_sqlite(path, flags, &s->db);
    if (rc != DB_OK) {
        store_fail(s, err, rc, "cannot open it");
        store_close(s);
        return NULL;
    }
    sqlite3_busy_timeout(db_sqlite(s->db), 5000);
    register_sketch_functions(db_sqlite(s->db));
    /* The schema is checked before WAL is switched on, so that a --db
     * naming another program's database leaves it as it was. */
    if (store_schema_setup(s, err) ||
        (mode == STORE_WRITE &&
         (store_exec(s, "PRAGMA journal_mode=WAL", "cannot switch to WAL", err) ||
          store_exec(s, "PRAGMA synchronous=NORMAL", "cannot set synchronous",
               err)))) {
        store_close(s);
        return NULL;
    }
    return s;
}

void store_set_busy_timeout(struct store *s, int ms)
{
    if (db_engine(s->db) == DB_SQLITE)
        sqlite3_busy_timeout(db_sqlite(s->db), ms);
}

int store_journal_in_memory(struct store *s)
{
    struct bs_err err = {0};

    if (db_engine(s->db) != DB_SQLITE)
        return 0;
    /* 2: MEMORY. */
    return store_exec(s, "PRAGMA temp_store=MEMORY", "temp_store", &err) ||
                   store_pragma_int(s, "PRAGMA temp_store") != 2
               ? -1
               : 0;
}

void store_close(struct store *s)
{
    if (!s)
        return;
    if (s->in_tx)
        store_rollback(s);
    store_rows_forget(s);
    for (int i = 0; i < ST_NSTMTS; i++)
        db_finalize(s->stmt[i]);
    store_fold_free(s);
    store_batch_free(s);
    strtab_free(s->row_names);
    free(s->rows);
    strtab_free(s->term_names);
    free(s->term_ids);
    cntmap_free(s->days_seen);
    db_close(s->db);
    free(s->open_buf);
    free(s->path);
    free(s);
}

struct db_stmt *store_stmt(struct store *s, enum stmt_id id,
                         struct bs_err *err)
{
    if (!s->stmt[id]) {
        const char *sql = db_engine(s->db) == DB_POSTGRES &&
                                  store_pg_stmt_sql(id)
                              ? store_pg_stmt_sql(id)
                              : stmt_sql[id];
        int rc = db_prepare(s->db, sql, 1, &s->stmt[id]);

        if (rc != DB_OK) {
            store_fail(s, err, rc, "cannot prepare a statement");
            return NULL;
        }
    } else {
        db_reset(s->stmt[id]);
        db_clear_bindings(s->stmt[id]);
    }
    return s->stmt[id];
}

/* Step a statement that returns no row (or one id with RETURNING). */
int store_step(struct store *s, struct db_stmt *st, int64_t *id,
               struct bs_err *err)
{
    int rc = db_step(st);

    if (rc == DB_ROW && id) {
        *id = db_column_int64(st, 0);
        rc = db_step(st);
    }
    db_reset(st);
    if (rc != DB_DONE)
        return store_fail(s, err, rc, "cannot write");
    return 0;
}

int store_put(struct store *s, struct db_stmt *st, struct bs_err *err)
{
    int rc;

    if (!s->in_tx)
        return store_step(s, st, NULL, err);
    rc = db_send(st);
    return rc == DB_OK ? 0 : store_fail(s, err, rc, "cannot write");
}

int store_begin(struct store *s, struct bs_err *err)
{
    if (s->in_tx)
        BUG("nested transaction");
    /* SQLite: the write lock now, not at the first write. PostgreSQL:
     * the writers of the database take turns (store_pg_begin()). */
    if (db_engine(s->db) == DB_SQLITE
            ? store_exec(s, "BEGIN IMMEDIATE", "cannot start a transaction",
                         err)
            : store_pg_begin(s, err))
        return -1;
    s->in_tx = 1;
    store_rows_keep(s);
    return 0;
}

int store_commit(struct store *s, struct bs_err *err)
{
    if (!s->in_tx)
        BUG("commit outside a transaction");
    if (store_batch_flush(s, err) ||
        store_exec(s, "COMMIT", "cannot commit", err)) {
        store_rollback(s);
        return -1;
    }
    s->in_tx = 0;
    store_rows_keep(s);
    return 0;
}

void store_rollback(struct store *s)
{
    store_batch_drop(s);
    db_exec(s->db, "ROLLBACK");
    s->in_tx = 0;
    store_rows_forget(s);
}

int store_get_blob(struct store *s, struct db_stmt *st, void *buf, size_t cap,
                   struct bs_err *err)
{
    int rc = db_step(st), found = 0;

    if (rc == DB_ROW) {
        if ((size_t)db_column_bytes(st, 0) == cap) {
            memcpy(buf, db_column_blob(st, 0), cap);
            found = 1;
        }
        rc = db_step(st);
    }
    db_reset(st);
    if (rc != DB_DONE)
        return store_fail(s, err, rc, "cannot read it");
    return found;
}

int store_meta_get(struct store *s, const char *key, void *buf, size_t n,
                   struct bs_err *err)
{
    struct db_stmt *st = store_stmt(s, ST_META_GET, err);

    if (!st)
        return -1;
    db_bind_text(st, 1, key, -1);
    return store_get_blob(s, st, buf, n, err);
}

int store_meta_put(struct store *s, const char *key, const void *buf,
                   size_t n, struct bs_err *err)
{
    struct db_stmt *st = store_stmt(s, ST_META_PUT, err);

    if (!st)
        return -1;
    db_bind_text(st, 1, key, -1);
    db_bind_blob(st, 2, buf, (int)n);
    return store_step(s, st, NULL, err);
}

int store_meta_delete(struct store *s, const char *key, struct bs_err *err)
{
    struct db_stmt *st = store_stmt(s, ST_META_DEL, err);

    if (!st)
        return -1;
    db_bind_text(st, 1, key, -1);
    return store_step(s, st, NULL, err);
}

int store_key_check(struct store *s, uint64_t check, struct bs_err *err)
{
    unsigned char b[8], want[8];
    int found;

    for (int i = 0; i < 8; i++)
        want[i] = (unsigned char)(check >> (56 - 8 * i));
    found = store_meta_get(s, "key_check", b, sizeof(b), err);
    if (found < 0)
        return -1;
    if (!found)
        return store_meta_put(s, "key_check", want, sizeof(want), err);
    if (memcmp(b, want, sizeof(b)) != 0)
        return bs_fail(err, BS_DATAERR, "database '%s' is counted under "
                       "another visitor key: give this server the key file "
                       "of the others ([db] key); nothing of this run is "
                       "counted", s->path);
    return 0;
}

/* The meta key of a site's newest line ("newest_line" for any site). */
static void newest_key(int64_t site, char *key, size_t cap)
{
    if (site == STORE_SITE_ALL)
        snprintf(key, cap, "newest_line");
    else
        snprintf(key, cap, "newest_line/%lld", (long long)site);
}

/* Stored as 8 bytes of Unix seconds and 2 of minutes, big-endian. */
int store_newest_line_get(struct store *s, int64_t site, int64_t *utc,
                          int *tz_min, struct bs_err *err)
{
    unsigned char b[10] = {0};
    char key[48];
    uint64_t u = 0;
    int found;

    newest_key(site, key, sizeof(key));
    if ((found = store_meta_get(s, key, b, sizeof(b), err)) <= 0)
        return found;
    for (int i = 0; i < 8; i++)
        u = u << 8 | b[i];
    *utc = (int64_t)u;
    *tz_min = (int16_t)(uint16_t)(b[8] << 8 | b[9]);
    return 1;
}

int store_newest_line_put(struct store *s, int64_t site, int64_t utc,
                          int tz_min, struct bs_err *err)
{
    unsigned char b[10];
    char key[48];
    int64_t was;
    int was_tz, found;

    if ((found = store_newest_line_get(s, site, &was, &was_tz, err)) < 0)
        return -1;
    if (found && was >= utc)
        return 0;
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)((uint64_t)utc >> (56 - 8 * i));
    b[8] = (unsigned char)((uint16_t)tz_min >> 8);
    b[9] = (unsigned char)tz_min;
    newest_key(site, key, sizeof(key));
    return store_meta_put(s, key, b, sizeof(b), err);
}

int store_site_id(struct store *s, const char *name, int create,
                  int64_t *id, struct bs_err *err)
{
    struct db_stmt *st;
    int rc, found = 0;

    if (create) {
        if (!(st = store_stmt(s, ST_SITE_NEW, err)))
            return -1;
        db_bind_text(st, 1, name, -1);
        if (store_step(s, st, NULL, err))
            return -1;
    }
    if (!(st = store_stmt(s, ST_SITE_FIND, err)))
        return -1;
    db_bind_text(st, 1, name, -1);
    rc = db_step(st);
    if (rc == DB_ROW) {
        *id = db_column_int64(st, 0);
        found = 1;
        rc = db_step(st);
    }
    db_reset(st);
    if (rc != DB_DONE)
        return store_fail(s, err, rc, "cannot read it");
    return found;
}
