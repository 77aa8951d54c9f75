/*
 * store_day.c - a day's rows as items, for `recount`: every per-day row
 * of one store read back as the write API takes it (sites by name, pages
 * by kind and key, never by row id), cleared, and added to another store.
 * Statements here are prepared per call: recount is not a hot path.
 */
#include "blogstat.h"
#include "store.h"
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every table keyed by the day, open visits included; the day's salt is
 * the open day's own and stays. */
static const char *const clear_sql[] = {
    "DELETE FROM days WHERE day = ?1",
    "DELETE FROM path_views WHERE day = ?1",
    "DELETE FROM term_views WHERE day = ?1",
    "DELETE FROM country_views WHERE day = ?1",
    "DELETE FROM post_country_views WHERE day = ?1",
    "DELETE FROM day_sketches WHERE day = ?1",
    "DELETE FROM path_sketches WHERE day = ?1",
    "DELETE FROM country_sketches WHERE day = ?1",
    "DELETE FROM visits WHERE day = ?1",
    "DELETE FROM referrers WHERE day = ?1",
    "DELETE FROM search_terms WHERE day = ?1",
    "DELETE FROM open_visit_sets WHERE day = ?1",
    "DELETE FROM dim_counts WHERE day = ?1",
    "DELETE FROM dim_sketches WHERE day = ?1",
};

/* The rows of a day, one query a table, each row's columns in the order
 * item_from_row() reads them for its table. */
static const char *const items_sql[STORE_ITEM_NTABLES] = {
    [STORE_ITEM_DAY] =
        "SELECT s.name, d.hits, d.views, d.robots, d.bad_lines, d.visits "
        "FROM days d JOIN sites s ON s.id = d.site WHERE d.day = ?1",
    [STORE_ITEM_PATH_VIEWS] =
        "SELECT s.name, p.kind, p.path, v.views FROM path_views v "
        "JOIN paths p ON p.id = v.path_id JOIN sites s ON s.id = p.site "
        "WHERE v.day = ?1",
    [STORE_ITEM_TERM_VIEWS] =
        "SELECT s.name, t.taxonomy, t.name, v.views FROM term_views v "
        "JOIN terms t ON t.id = v.term_id JOIN sites s ON s.id = t.site "
        "WHERE v.day = ?1",
    [STORE_ITEM_COUNTRY_VIEWS] =
        "SELECT s.name, c.country, c.views FROM country_views c "
        "JOIN sites s ON s.id = c.site WHERE c.day = ?1",
    [STORE_ITEM_POST_COUNTRY] =
        "SELECT s.name, p.kind, p.path, v.country, v.views "
        "FROM post_country_views v JOIN paths p ON p.id = v.path_id "
        "JOIN sites s ON s.id = p.site WHERE v.day = ?1",
    [STORE_ITEM_DAY_SKETCH] =
        "SELECT s.name, k.sketch FROM day_sketches k "
        "JOIN sites s ON s.id = k.site WHERE k.day = ?1",
    [STORE_ITEM_PATH_SKETCH] =
        "SELECT s.name, p.kind, p.path, k.sketch FROM path_sketches k "
        "JOIN paths p ON p.id = k.path_id JOIN sites s ON s.id = p.site "
        "WHERE k.day = ?1",
    [STORE_ITEM_COUNTRY_SKETCH] =
        "SELECT s.name, k.country, k.sketch FROM country_sketches k "
        "JOIN sites s ON s.id = k.site WHERE k.day = ?1",
    [STORE_ITEM_VISITS] =
        "SELECT s.name, p.kind, p.path, v.visits FROM visits v "
        "JOIN paths p ON p.id = v.path_id JOIN sites s ON s.id = p.site "
        "WHERE v.day = ?1",
    [STORE_ITEM_REFERRER] =
        "SELECT s.name, p.kind, p.path, r.host, r.class, r.views "
        "FROM referrers r JOIN paths p ON p.id = r.path_id "
        "JOIN sites s ON s.id = r.site WHERE r.day = ?1",
    [STORE_ITEM_SEARCH_TERM] =
        "SELECT s.name, t.term, t.views FROM search_terms t "
        "JOIN sites s ON s.id = t.site WHERE t.day = ?1",
    [STORE_ITEM_DIM] =
        "SELECT s.name, d.dim, d.k1, d.k2, d.k3, d.n FROM dim_counts d "
        "JOIN sites s ON s.id = d.site WHERE d.day = ?1",
    [STORE_ITEM_DIM_SKETCH] =
        "SELECT s.name, d.dim, d.k1, d.k2, d.k3, d.sketch FROM dim_sketches d "
        "JOIN sites s ON s.id = d.site WHERE d.day = ?1",
    [STORE_ITEM_OPEN_VISIT] =
        "SELECT visitors FROM open_visit_sets WHERE day = ?1 "
        "ORDER BY bucket",
};

/* A prepared statement with day bound: NULL with err. The rows waiting
 * to be written go first, so that it sees (or clears) them. */
static struct db_stmt *prepare(struct store *s, const char *sql, int32_t day,
                             struct bs_err *err)
{
    struct db_stmt *st;
    int rc;

    if (store_batch_flush(s, err))
        return NULL;
    rc = db_prepare(s->db, sql, 0, &st);
    if (rc != DB_OK) {
        store_fail(s, err, rc, "cannot read it");
        return NULL;
    }
    if (db_bind_parameter_count(st) > 0)
        db_bind_int(st, 1, day);
    return st;
}

int store_day_clear(struct store *s, int32_t day, struct bs_err *err)
{
    for (size_t i = 0; i < ARRAY_SIZE(clear_sql); i++) {
        struct db_stmt *st = prepare(s, clear_sql[i], day, err);
        int rc;

        if (!st)
            return -1;
        rc = db_step(st);
        db_finalize(st);
        if (rc != DB_DONE)
            return store_fail(s, err, rc, "cannot clear a day");
    }
    /* Rows remembered by the transaction may name rows now gone. */
    store_rows_forget(s);
    return 0;
}

/* The kind of a stored name ("post", "tag", ...). */
static enum url_kind kind_of(const unsigned char *name)
{
    for (int k = 0; k < URL_NKINDS; k++)
        if (name && strcmp((const char *)name, url_kind_name(k)) == 0)
            return (enum url_kind)k;
    return URL_OTHER;
}

/* The key of a paths row as store_path_id() takes it: a tag's or a
 * category's row is named "tag:NAME" (store_write.c). */
static void set_page(struct store_item *it, const unsigned char *kind,
                     const unsigned char *path, int n)
{
    const char *p = path ? (const char *)path : "";
    size_t len = n > 0 ? (size_t)n : 0;

    it->kind = kind_of(kind);
    if (it->kind == URL_TAG || it->kind == URL_CATEGORY) {
        size_t skip = strlen(url_kind_name(it->kind)) + 1;

        if (len >= skip && p[skip - 1] == ':') {
            p += skip;
            len -= skip;
        }
    }
    it->key = p;
    it->key_n = len;
}

static void set_country(struct store_item *it, const unsigned char *c)
{
    snprintf(it->country, sizeof(it->country), "%s",
             c ? (const char *)c : "--");
}

static void set_blob(struct store_item *it, struct db_stmt *st, int col)
{
    it->blob = db_column_blob(st, col);
    it->blob_n = (size_t)db_column_bytes(st, col);
}

/* A dimension's name (column 1) and its key's parts (columns 2 to 4)
 * into it. */
static void set_dim(struct store_item *it, struct db_stmt *st)
{
    const char *name = (const char *)db_column_text(st, 1);

    it->dim = DIM_N;
    for (int d = 0; d < DIM_N && name; d++)
        if (strcmp(name, dim_name((enum dim)d)) == 0)
            it->dim = (enum dim)d;
    for (int i = 0; i < 3; i++) {
        const char *p = (const char *)db_column_text(st, 2 + i);

        it->part[i] = p ? slice_make(p, (size_t)db_column_bytes(st, 2 + i))
                        : SLICE_LIT("");
    }
}

/* The item of a row of table (not STORE_ITEM_OPEN_VISIT). */
static void item_from_row(struct store_item *it, enum store_item_table table,
                          struct db_stmt *st)
{
    int c = 1;

    memset(it, 0, sizeof(*it));
    it->table = table;
    it->site = (const char *)db_column_text(st, 0);
    if (!it->site)
        it->site = "";
    switch (table) {
    case STORE_ITEM_PATH_VIEWS:
    case STORE_ITEM_TERM_VIEWS:
    case STORE_ITEM_POST_COUNTRY:
    case STORE_ITEM_PATH_SKETCH:
    case STORE_ITEM_VISITS:
    case STORE_ITEM_REFERRER:
        set_page(it, db_column_text(st, 1), db_column_text(st, 2),
                 db_column_bytes(st, 2));
        c = 3;
        break;
    case STORE_ITEM_SEARCH_TERM:
        it->key = (const char *)db_column_text(st, 1);
        it->key_n = (size_t)db_column_bytes(st, 1);
        if (!it->key)
            it->key = "";
        c = 2;
        break;
    default:
        break;
    }
    switch (table) {
    case STORE_ITEM_DAY:
        for (int i = 0; i < 5; i++)
            it->n[i] = db_column_int64(st, 1 + i);
        break;
    case STORE_ITEM_COUNTRY_VIEWS:
        set_country(it, db_column_text(st, 1));
        it->n[0] = db_column_int64(st, 2);
        break;
    case STORE_ITEM_POST_COUNTRY:
        set_country(it, db_column_text(st, c));
        it->n[0] = db_column_int64(st, c + 1);
        break;
    case STORE_ITEM_DAY_SKETCH:
        set_blob(it, st, 1);
        break;
    case STORE_ITEM_PATH_SKETCH:
        set_blob(it, st, c);
        break;
    case STORE_ITEM_COUNTRY_SKETCH:
        set_country(it, db_column_text(st, 1));
        set_blob(it, st, 2);
        break;
    case STORE_ITEM_DIM:
    case STORE_ITEM_DIM_SKETCH:
        set_dim(it, st);
        if (table == STORE_ITEM_DIM)
            it->n[0] = db_column_int64(st, 5);
        else
            set_blob(it, st, 5);
        break;
    case STORE_ITEM_REFERRER:
        it->host = (const char *)db_column_text(st, c);
        it->cls = (const char *)db_column_text(st, c + 1);
        if (!it->host)
            it->host = "";
        if (!it->cls)
            it->cls = "";
        it->n[0] = db_column_int64(st, c + 2);
        break;
    default:
        it->n[0] = db_column_int64(st, c);
        break;
    }
}

/* The site, kind and key of the paths row id into it: 1, 0 none, -1. */
static int page_of(struct store *s, struct db_stmt *st, int64_t id,
                   struct store_item *it, struct bs_err *err)
{
    int rc;

    db_reset(st);
    db_bind_int64(st, 1, id);
    rc = db_step(st);
    if (rc == DB_DONE)
        return 0;
    if (rc != DB_ROW)
        return store_fail(s, err, rc, "cannot read it");
    it->site = (const char *)db_column_text(st, 0);
    if (!it->site)
        it->site = "";
    set_page(it, db_column_text(st, 1), db_column_text(st, 2),
             db_column_bytes(st, 2));
    return 1;
}

/* An open visit as an item (decoded by store_open_decode()). */
struct open_item_ctx {
    struct store *s;
    struct db_stmt *pg;        /* the site, kind and key of a path id */
    int (*fn)(void *ctx, const struct store_item *it);
    void *ctx;
    struct bs_err *err;
    int failed;
};

static int open_item(void *ctx, int64_t visitor, const struct visit *v)
{
    struct open_item_ctx *o = ctx;
    struct store_item it = {.table = STORE_ITEM_OPEN_VISIT};
    int found = page_of(o->s, o->pg, v->landing, &it, o->err);

    if (found < 0) {
        o->failed = 1;
        return 1;
    }
    if (!found)
        return 0;   /* a landing page that is no row: no visit */
    it.n[0] = visitor;
    it.n[1] = v->start;
    it.n[2] = v->end;
    return o->fn(o->ctx, &it);
}

/* The open visits of day, one item each, a visitor's one after another,
 * by start. */
static int open_items(struct store *s, struct db_stmt *st, int32_t day,
                      int (*fn)(void *ctx, const struct store_item *it),
                      void *ctx, struct bs_err *err)
{
    struct open_item_ctx o = {
        .s = s, .fn = fn, .ctx = ctx, .err = err,
        .pg = prepare(s, "SELECT s.name, p.kind, p.path FROM paths p"
                         " JOIN sites s ON s.id = p.site"
                         " WHERE p.id = ?1", day, err),
    };
    int rc, stop = 0;

    if (!o.pg)
        return -1;
    while (!stop && (rc = db_step(st)) == DB_ROW) {
        stop = store_open_decode(db_column_blob(st, 0),
                                 (size_t)db_column_bytes(st, 0), open_item,
                                 &o);
        if (stop < 0) {
            db_finalize(o.pg);
            return bs_fail(err, BS_DATAERR, "database '%s': damaged open "
                           "visits of day %d", s->path, (int)day);
        }
    }
    db_finalize(o.pg);
    if (o.failed)
        return -1;
    return stop || rc == DB_DONE ? 0 : store_fail(s, err, rc,
                                                      "cannot read it");
}

int store_day_items(struct store *s, int32_t day,
                    int (*fn)(void *ctx, const struct store_item *it),
                    void *ctx, struct bs_err *err)
{
    for (int t = 0; t < STORE_ITEM_NTABLES; t++) {
        struct db_stmt *st = prepare(s, items_sql[t], day, err);
        int rc = DB_DONE, stop = 0;

        if (!st)
            return -1;
        if (t == STORE_ITEM_OPEN_VISIT) {
            rc = open_items(s, st, day, fn, ctx, err);
            db_finalize(st);
            if (rc)
                return -1;
            continue;
        }
        while (!stop && (rc = db_step(st)) == DB_ROW) {
            struct store_item it;

            item_from_row(&it, (enum store_item_table)t, st);
            stop = fn(ctx, &it);
        }
        db_finalize(st);
        if (stop)
            return 0;
        if (rc != DB_DONE)
            return store_fail(s, err, rc, "cannot read it");
    }
    return 0;
}

/* The id of the item's page, made when new. */
static int item_page(struct store *s, int64_t site,
                     const struct store_item *it, int64_t *id,
                     struct bs_err *err)
{
    return store_path_id(s, site, it->kind, it->key, it->key_n, id, err);
}

int store_put_item(struct store *s, int32_t day, const struct store_item *it,
                   struct bs_err *err)
{
    const int64_t *n = it->n;
    int64_t site, page = 0;

    if (store_site_id(s, it->site, 1, &site, err) < 0)
        return -1;
    switch (it->table) {
    case STORE_ITEM_DAY:
        return store_add_day(s, site, day, (uint64_t)n[0], (uint64_t)n[1],
                             (uint64_t)n[2], (uint64_t)n[3], err) ||
               store_add_visits(s, site, day, 0, n[4], err);
    case STORE_ITEM_PATH_VIEWS:
        return store_add_path_views(s, site, day, it->kind, it->key,
                                    it->key_n, (uint64_t)n[0], err);
    case STORE_ITEM_TERM_VIEWS:
        return store_add_term_views(s, site, day, it->kind, it->key,
                                    it->key_n, (uint64_t)n[0], err);
    case STORE_ITEM_COUNTRY_VIEWS:
        return store_add_country_views(s, site, day, it->country,
                                       (uint64_t)n[0], err);
    case STORE_ITEM_POST_COUNTRY:
        return store_add_post_country_views(s, site, day, it->kind, it->key,
                                            it->key_n, it->country,
                                            (uint64_t)n[0], err);
    case STORE_ITEM_DAY_SKETCH:
        return store_add_sketch(s, site, STORE_SKETCH_DAY, day, 0, NULL,
                                it->blob, it->blob_n, err);
    case STORE_ITEM_PATH_SKETCH:
        return item_page(s, site, it, &page, err) ||
               store_add_sketch(s, site, STORE_SKETCH_PATH, day, page, NULL,
                                it->blob, it->blob_n, err);
    case STORE_ITEM_COUNTRY_SKETCH:
        return store_add_sketch(s, site, STORE_SKETCH_COUNTRY, day, 0,
                                it->country, it->blob, it->blob_n, err);
    case STORE_ITEM_VISITS:
        return item_page(s, site, it, &page, err) ||
               store_add_visits(s, site, day, page, n[0], err);
    case STORE_ITEM_REFERRER:
        return item_page(s, site, it, &page, err) ||
               store_add_referrer(s, site, day, page, it->host,
                                  strlen(it->host), it->cls, (uint64_t)n[0],
                                  err);
    case STORE_ITEM_SEARCH_TERM:
        return store_add_search_term(s, site, day, it->key, it->key_n,
                                     (uint64_t)n[0], err);
    case STORE_ITEM_DIM:
    case STORE_ITEM_DIM_SKETCH: {
        struct dim_row r = {.day = day, .dim = it->dim,
                            .k = {it->part[0], it->part[1], it->part[2]},
                            .n = it->n[0] > 0 ? (uint64_t)it->n[0] : 0};

        /* A dimension a later blogstat added: nothing here can hold it. */
        if (it->dim >= DIM_N)
            return 0;
        if (it->table == STORE_ITEM_DIM_SKETCH) {
            r.sketch = it->blob;
            r.sketch_n = it->blob_n;
        }
        return store_add_dim(s, site, &r, err);
    }
    case STORE_ITEM_OPEN_VISIT:
        return item_page(s, site, it, &page, err) ||
               store_open_visits_append(s, day, n[0],
                                        &(struct visit){(int32_t)n[1],
                                                        (int32_t)n[2], page},
                                        1, err);
    default:
        BUG("item of table %d", (int)it->table);
    }
}

int store_site_put(struct store *s, int64_t id, const char *name,
                   struct bs_err *err)
{
    struct db_stmt *st = prepare(s, "INSERT INTO sites(id, name) "
                                  "VALUES(?2, ?3)", 0, err);
    int rc;

    if (!st)
        return -1;
    db_bind_int64(st, 2, id);
    db_bind_text(st, 3, name, -1);
    rc = db_step(st);
    db_finalize(st);
    return rc == DB_DONE ? 0 : store_fail(s, err, rc, "cannot add a site");
}

int store_each_source(struct store *s,
                      int (*fn)(void *ctx, const struct store_source *src),
                      void *ctx, struct bs_err *err)
{
    struct db_stmt *st = prepare(s, "SELECT fingerprint FROM sources "
                                  "WHERE fingerprint IS NOT NULL "
                                  "ORDER BY id", 0, err);
    int rc, stop = 0;

    if (!st)
        return -1;
    while (!stop && (rc = db_step(st)) == DB_ROW) {
        struct store_source src;
        char fp[sizeof(src.fingerprint) + 1];
        int found;

        snprintf(fp, sizeof(fp), "%s",
                 (const char *)db_column_text(st, 0));
        found = store_find_source(s, fp, &src, err);
        if (found < 0) {
            db_finalize(st);
            return -1;
        }
        if (found)
            stop = fn(ctx, &src);
    }
    db_finalize(st);
    return stop || rc == DB_DONE ? 0 : store_fail(s, err, rc,
                                                      "cannot read it");
}

int store_each_day(struct store *s, int32_t from, int32_t to,
                   int (*fn)(void *ctx, int32_t day), void *ctx,
                   struct bs_err *err)
{
    struct db_stmt *st = prepare(s, "SELECT DISTINCT day FROM days "
                                  "WHERE day BETWEEN ?2 AND ?3 ORDER BY day",
                               0, err);
    int rc, stop = 0;

    if (!st)
        return -1;
    db_bind_int(st, 2, from);
    db_bind_int(st, 3, to);
    while (!stop && (rc = db_step(st)) == DB_ROW)
        stop = fn(ctx, db_column_int(st, 0));
    db_finalize(st);
    return stop || rc == DB_DONE ? 0 : store_fail(s, err, rc,
                                                      "cannot read it");
}
