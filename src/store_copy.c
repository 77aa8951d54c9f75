/*
 * store_copy.c - what a copy of a whole database needs beyond a day's
 * items (store_day.c): a read that sees one state of the source, a test
 * that the destination holds nothing, the sites with their ids, and the
 * rows that name no row of another table (sources, the open days' salts,
 * named values, country names), copied column by column between any two
 * engines. Statements here are prepared per call: a copy is no hot path.
 */
#include "blogstat.h"
#include "store.h"
#include "store_int.h"

#include <stdio.h>
#include <string.h>

int store_begin_read(struct store *s, struct bs_err *err)
{
    if (s->in_tx)
        BUG("nested transaction");
    /* SQLite in WAL mode: the first read takes the snapshot the rest
     * sees. PostgreSQL: one snapshot for the whole transaction. */
    if (store_exec(s, db_engine(s->db) == DB_SQLITE
                          ? "BEGIN"
                          : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                   "cannot start a transaction", err))
        return -1;
    s->in_tx = 1;
    store_rows_forget(s);
    return 0;
}

/* The tables whose rows make a database not empty, and a query of each
 * that finds one. The default site is in every database, and country
 * names are the same list in every one. */
static const struct {
    const char *table;
    const char *sql;
} holds[] = {
    {"sites", "SELECT 1 FROM sites WHERE id <> 0 LIMIT 1"},
    {"paths", "SELECT 1 FROM paths LIMIT 1"},
    {"terms", "SELECT 1 FROM terms LIMIT 1"},
    {"days", "SELECT 1 FROM days LIMIT 1"},
    {"path_views", "SELECT 1 FROM path_views LIMIT 1"},
    {"term_views", "SELECT 1 FROM term_views LIMIT 1"},
    {"country_views", "SELECT 1 FROM country_views LIMIT 1"},
    {"post_country_views", "SELECT 1 FROM post_country_views LIMIT 1"},
    {"day_sketches", "SELECT 1 FROM day_sketches LIMIT 1"},
    {"path_sketches", "SELECT 1 FROM path_sketches LIMIT 1"},
    {"country_sketches", "SELECT 1 FROM country_sketches LIMIT 1"},
    {"visits", "SELECT 1 FROM visits LIMIT 1"},
    {"referrers", "SELECT 1 FROM referrers LIMIT 1"},
    {"search_terms", "SELECT 1 FROM search_terms LIMIT 1"},
    {"dim_counts", "SELECT 1 FROM dim_counts LIMIT 1"},
    {"day_salts", "SELECT 1 FROM day_salts LIMIT 1"},
    {"open_visit_sets", "SELECT 1 FROM open_visit_sets LIMIT 1"},
    {"sources", "SELECT 1 FROM sources LIMIT 1"},
    {"meta", "SELECT 1 FROM meta LIMIT 1"},
};

int store_is_empty(struct store *s, const char **table, struct bs_err *err)
{
    if (store_batch_flush(s, err))
        return -1;
    for (size_t i = 0; i < ARRAY_SIZE(holds); i++) {
        struct db_stmt *st;
        int rc = db_prepare(s->db, holds[i].sql, 0, &st);

        if (rc != DB_OK)
            return store_fail(s, err, rc, "cannot read it");
        rc = db_step(st);
        db_finalize(st);
        if (rc == DB_ROW) {
            if (table)
                *table = holds[i].table;
            return 0;
        }
        if (rc != DB_DONE)
            return store_fail(s, err, rc, "cannot read it");
    }
    return 1;
}

int store_copy_sites(struct store *from, struct store *to, uint64_t *n,
                     struct bs_err *err)
{
    struct db_stmt *st;
    int rc, failed = 0;

    *n = 0;
    rc = db_prepare(from->db, "SELECT id, name FROM sites WHERE id <> 0 "
                              "ORDER BY id", 0, &st);
    if (rc != DB_OK)
        return store_fail(from, err, rc, "cannot read it");
    while ((rc = db_step(st)) == DB_ROW) {
        if (store_site_put(to, db_column_int64(st, 0),
                           (const char *)db_column_text(st, 1), err)) {
            failed = 1;
            break;
        }
        (*n)++;
    }
    db_finalize(st);
    if (failed)
        return -1;
    if (rc != DB_DONE)
        return store_fail(from, err, rc, "cannot read it");
    if (db_engine(to->db) != DB_POSTGRES || *n == 0)
        return 0;
    /* The ids were given: the next site made by name takes one above
     * them (SQLite's rowid does so by itself). */
    rc = db_prepare(to->db, "SELECT setval(pg_get_serial_sequence('sites', "
                            "'id'), max(id)) FROM sites", 0, &st);
    if (rc == DB_OK) {
        rc = db_step(st);
        db_finalize(st);
    }
    return rc == DB_ROW ? 0 : store_fail(to, err, rc, "cannot add a site");
}

/* Each table copied whole: the columns read from one store, in the order
 * of the parameters of the other's insert. Sources take new ids, in the
 * order of the old ones (`status` lists them so). */
static const struct {
    const char *select, *insert;
} tables[STORE_COPY_NTABLES] = {
    [STORE_COPY_SOURCES] = {
        "SELECT fingerprint, name, gzip, size, position, last_len, "
        "last_hash, lines, bad_lines, hits, pending_bad, last_day, "
        "first_day, max_day, complete, error, first_read, last_read, "
        "head_len FROM sources ORDER BY id",
        "INSERT INTO sources(fingerprint, name, gzip, size, position, "
        "last_len, last_hash, lines, bad_lines, hits, pending_bad, "
        "last_day, first_day, max_day, complete, error, first_read, "
        "last_read, head_len) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
        "?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)"},
    [STORE_COPY_SALTS] = {
        "SELECT day, salt, touched FROM day_salts ORDER BY day",
        "INSERT INTO day_salts(day, salt, touched) VALUES(?1, ?2, ?3)"},
    /* The visitor key of an earlier blogstat is a file's, never copied. */
    [STORE_COPY_META] = {
        "SELECT key, value FROM meta WHERE key <> 'visitor_key' "
        "ORDER BY key",
        "INSERT INTO meta(key, value) VALUES(?1, ?2)"},
    [STORE_COPY_COUNTRY_NAMES] = {
        "SELECT code, name FROM country_names ORDER BY code",
        "INSERT INTO country_names(code, name) VALUES(?1, ?2) "
        "ON CONFLICT(code) DO UPDATE SET name = excluded.name"},
};

/* Bind column i of row (a statement of another connection) as
 * parameter i + 1 of ins, by the value's own type. */
static void bind_column(struct db_stmt *ins, struct db_stmt *row, int i)
{
    switch (db_column_type(row, i)) {
    case DB_INTEGER:
        db_bind_int64(ins, i + 1, db_column_int64(row, i));
        break;
    case DB_BLOB:
        db_bind_blob(ins, i + 1, db_column_blob(row, i),
                     db_column_bytes(row, i));
        break;
    case DB_NULL:
        db_bind_null(ins, i + 1);
        break;
    default:
        db_bind_text(ins, i + 1, (const char *)db_column_text(row, i),
                     db_column_bytes(row, i));
        break;
    }
}

int store_copy_rows(struct store *from, struct store *to,
                    enum store_copy_table t, uint64_t *n, struct bs_err *err)
{
    struct db_stmt *sel = NULL, *ins = NULL;
    int rc, wrc = DB_DONE;

    if ((unsigned)t >= STORE_COPY_NTABLES)
        BUG("copy of table %d", (int)t);
    *n = 0;
    if (store_batch_flush(to, err))
        return -1;
    rc = db_prepare(from->db, tables[t].select, 0, &sel);
    if (rc != DB_OK)
        return store_fail(from, err, rc, "cannot read it");
    rc = db_prepare(to->db, tables[t].insert, 0, &ins);
    if (rc != DB_OK) {
        db_finalize(sel);
        return store_fail(to, err, rc, "cannot write");
    }
    while ((rc = db_step(sel)) == DB_ROW) {
        int cols = db_column_count(sel);

        db_reset(ins);
        db_clear_bindings(ins);
        for (int i = 0; i < cols; i++)
            bind_column(ins, sel, i);
        if ((wrc = db_step(ins)) != DB_DONE)
            break;
        (*n)++;
    }
    db_finalize(sel);
    db_finalize(ins);
    if (wrc != DB_DONE)
        return store_fail(to, err, wrc, "cannot write");
    return rc == DB_DONE ? 0 : store_fail(from, err, rc, "cannot read it");
}

int store_each_salt(struct store *s,
                    int (*fn)(void *ctx, int32_t day, const void *salt,
                              size_t n, int64_t touched),
                    void *ctx, struct bs_err *err)
{
    struct db_stmt *st;
    int rc, stop = 0;

    if (store_batch_flush(s, err))
        return -1;
    rc = db_prepare(s->db, "SELECT day, salt, touched FROM day_salts "
                           "ORDER BY day", 0, &st);
    if (rc != DB_OK)
        return store_fail(s, err, rc, "cannot read it");
    while (!stop && (rc = db_step(st)) == DB_ROW)
        stop = fn(ctx, db_column_int(st, 0), db_column_blob(st, 1),
                  (size_t)db_column_bytes(st, 1), db_column_int64(st, 2));
    db_finalize(st);
    return stop || rc == DB_DONE ? 0 : store_fail(s, err, rc,
                                                  "cannot read it");
}

const char *store_name(const struct store *s)
{
    return s->path;
}
