/*
 * store_dims.c - the reader's other dimensions in the store (dims.h):
 * robots by name, hours, campaigns, browsers, systems, devices, missing
 * pages and feeds, written as rows of dim_counts and dim_sketches and
 * ranked over a range of days. The SQL is the same on both engines.
 */
#include "blogstat.h"
#include "agg.h"
#include "sketch.h"
#include "store.h"
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

/* The row's key as ?1 (site) to ?6, as both write statements take it. */
static void bind_key(struct db_stmt *st, int64_t site,
                     const struct dim_row *r)
{
    db_bind_int64(st, 1, site);
    db_bind_text(st, 2, dim_name(r->dim), -1);
    db_bind_int(st, 3, r->day);
    for (int i = 0; i < 3; i++)
        db_bind_text(st, 4 + i, r->k[i].p, (int)r->k[i].n);
}

int store_add_dim(struct store *s, int64_t site, const struct dim_row *r,
                  struct bs_err *err)
{
    struct dim_row row = *r;
    struct db_stmt *st;
    unsigned char *owned;
    const void *blob;
    size_t n;
    int in = store_fold_dim(s, site, r, err), rc;

    if (in < 0)
        return -1;
    if (!in) {
        row.k[0] = SLICE_LIT(AGG_OTHER);
        row.k[1] = row.k[2] = SLICE_LIT("");
    }
    if (!(st = store_stmt(s, ST_DIM_ADD, err)))
        return -1;
    bind_key(st, site, &row);
    db_bind_int64(st, 7, row.n > INT64_MAX ? INT64_MAX : (int64_t)row.n);
    db_bind_int(st, 8, dim_is_max(row.dim));
    if (store_put(s, st, err))
        return -1;
    if (!row.sketch)
        return 0;
    blob = row.sketch;
    n = row.sketch_n;
    if (store_sketch_value(s, &blob, &n, &owned, err))
        return -1;
    if (!(st = store_stmt(s, ST_DIM_SKETCH, err))) {
        free(owned);
        return -1;
    }
    bind_key(st, site, &row);
    db_bind_blob(st, 7, blob, (int)n);
    rc = store_put(s, st, err);
    free(owned);
    return rc;
}

/* ---- ranked --------------------------------------------------------------- */

/*
 * Every query gives six columns: the key's three parts, the count, a
 * sketch (or NULL) and one more number (the weekday of DIM_HOUR, the
 * reported subscribers of DIM_FEED, else NULL). ?1 site, ?2 the
 * dimension's name, ?3 and ?4 the days, ?5 the most rows, ?6 the name of
 * DIM_FEED_SUBS.
 */
#define RANGE "site = ?1 AND dim = ?2 AND day BETWEEN ?3 AND ?4"

static const char *const dim_sql[DIM_N] = {
    [DIM_ROBOT] =
        "SELECT k1, max(k2), '', sum(n) AS total, NULL, NULL "
        "FROM dim_counts WHERE " RANGE " GROUP BY k1 "
        "ORDER BY total DESC, k1 LIMIT ?5",
    [DIM_HOUR] =
        "SELECT k1, '', '', sum(n) AS total, NULL, (day + 3) % 7 AS wd "
        "FROM dim_counts WHERE " RANGE " GROUP BY (day + 3) % 7, k1 "
        "ORDER BY wd, k1 LIMIT ?5",
    [DIM_CAMPAIGN] =
        "SELECT k1, k2, k3, sum(n) AS total, NULL, NULL "
        "FROM dim_counts WHERE " RANGE " GROUP BY k1, k2, k3 "
        "ORDER BY total DESC, k1, k2, k3 LIMIT ?5",
    /* A missing page's hits, and the host that linked to it most. */
    [DIM_MISSING] =
        "SELECT k1, k2, '', total, NULL, NULL FROM (SELECT k1, k2, "
        "sum(sum(n)) OVER (PARTITION BY k1) AS total, row_number() OVER "
        "(PARTITION BY k1 ORDER BY sum(n) DESC, k2) AS rk "
        "FROM dim_counts WHERE " RANGE " GROUP BY k1, k2) x "
        "WHERE rk = 1 ORDER BY total DESC, k1 LIMIT ?5",
    /* A feed's fetches over the range; its subscribers of the last day
     * of the range it was fetched: the reported ones (per reader and
     * feed id, the most of the day) and the other clients. */
    [DIM_FEED] =
        "SELECT f.k1, '', '', f.fetches, k.sketch, "
        "(SELECT sum(c.n) FROM dim_counts c WHERE c.site = ?1 "
        "AND c.dim = ?6 AND c.day = f.last AND c.k1 = f.k1) "
        "FROM (SELECT k1, max(day) AS last, sum(n) AS fetches "
        "FROM dim_counts WHERE " RANGE " GROUP BY k1) f "
        "LEFT JOIN dim_sketches k ON k.site = ?1 AND k.dim = ?2 "
        "AND k.day = f.last AND k.k1 = f.k1 AND k.k2 = '' AND k.k3 = '' "
        "ORDER BY f.k1 LIMIT ?5",
};

/* The tables of DIM_CLIENT (?2 its name): views and visitors by part K
 * of the key (browser, system, device). */
#define CLIENTS_SQL(K)                                                    \
    "SELECT c." K ", '', '', c.total, k.sk, NULL FROM (SELECT " K         \
    ", sum(n) AS total FROM dim_counts WHERE " RANGE " GROUP BY " K ") c " \
    "LEFT JOIN (SELECT " K ", sketch_union(sketch) AS sk "                 \
    "FROM dim_sketches WHERE " RANGE " GROUP BY " K ") k "                 \
    "ON k." K " = c." K " ORDER BY c.total DESC, c." K " LIMIT ?5"

static const char *const clients_sql[] = {
    CLIENTS_SQL("k1"), CLIENTS_SQL("k2"), CLIENTS_SQL("k3"),
};

static int has_audience(enum dim d)
{
    return d == DIM_BROWSER || d == DIM_SYSTEM || d == DIM_DEVICE;
}

/* Rows gathered to sort in C (feeds, by a count SQL does not know). */
struct held_row {
    struct store_dim_row r;
    char *feed;
};

static int by_subscribers(const void *a, const void *b)
{
    const struct store_dim_row *x = &((const struct held_row *)a)->r;
    const struct store_dim_row *y = &((const struct held_row *)b)->r;

    if (x->subscribers != y->subscribers)
        return x->subscribers > y->subscribers ? -1 : 1;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->k[0], y->k[0]);
}

static const char *col_text(struct db_stmt *st, int col)
{
    const unsigned char *t = db_column_text(st, col);

    return t ? (const char *)t : "";
}

/* The count of a sketch column, 0 for NULL; -1 when it is damaged. */
static int64_t col_visitors(struct db_stmt *st, int col)
{
    uint64_t n = 0;

    if (db_column_type(st, col) == DB_NULL)
        return 0;
    if (sketch_blob_count(db_column_blob(st, col),
                          (size_t)db_column_bytes(st, col), &n))
        return -1;
    return n > INT64_MAX ? INT64_MAX : (int64_t)n;
}

static void free_held(struct held_row *h, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(h[i].feed);
    free(h);
}

/* The feeds, gathered, sorted, limited: fn's result, or -1 with err. */
static int feeds_out(struct store *s, struct db_stmt *st, int64_t limit,
                     int (*fn)(void *ctx, const struct store_dim_row *row),
                     void *ctx, struct bs_err *err)
{
    struct held_row *h = NULL;
    size_t n = 0, cap = 0;
    int rc;

    while ((rc = db_step(st)) == DB_ROW) {
        int64_t others = col_visitors(st, 4);

        if (others < 0) {
            free_held(h, n);
            return bs_fail(err, BS_DATAERR, "database '%s': a visitor "
                           "sketch is damaged", s->path);
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            h = xrealloc(h, cap * sizeof(*h));
        }
        memset(&h[n], 0, sizeof(h[n]));
        h[n].feed = xstrdup(col_text(st, 0));
        h[n].r.k[0] = h[n].feed;
        h[n].r.k[1] = h[n].r.k[2] = "";
        h[n].r.n = db_column_int64(st, 3);
        h[n].r.visitors = -1;
        h[n].r.subscribers = db_column_int64(st, 5) + others;
        n++;
    }
    if (rc != DB_DONE) {
        free_held(h, n);
        return store_fail(s, err, rc, "cannot read it");
    }
    if (n)
        qsort(h, n, sizeof(*h), by_subscribers);
    rc = 0;
    for (size_t i = 0; i < n && (limit <= 0 || (int64_t)i < limit) && !rc;
         i++)
        rc = fn(ctx, &h[i].r);
    free_held(h, n);
    return 0;
}

int store_top_dim(struct store *s, const struct store_filter *f,
                  enum dim dim,
                  int (*fn)(void *ctx, const struct store_dim_row *row),
                  void *ctx, struct bs_err *err)
{
    const char *sql = has_audience(dim) ? clients_sql[dim - DIM_BROWSER]
                      : (unsigned)dim < DIM_N ? dim_sql[dim] : NULL;
    struct db_stmt *st;
    int rc;

    if (!sql)
        BUG("no query of dimension %d", (int)dim);
    if (store_batch_flush(s, err))
        return -1;
    rc = db_prepare(s->db, sql, 0, &st);
    if (rc != DB_OK)
        return store_fail(s, err, rc, "cannot prepare a query");
    db_bind_int64(st, 1, f->site);
    db_bind_text(st, 2, dim_name(has_audience(dim) ? DIM_CLIENT : dim), -1);
    db_bind_int(st, 3, f->from);
    db_bind_int(st, 4, f->to);
    db_bind_int64(st, 5,
                  dim == DIM_FEED || f->limit <= 0 ? INT64_MAX : f->limit);
    if (dim == DIM_FEED) {
        db_bind_text(st, 6, dim_name(DIM_FEED_SUBS), -1);
        rc = feeds_out(s, st, f->limit, fn, ctx, err);
        db_finalize(st);
        return rc;
    }
    while ((rc = db_step(st)) == DB_ROW) {
        struct store_dim_row r = {
            .k = {col_text(st, 0), col_text(st, 1), col_text(st, 2)},
            .n = db_column_int64(st, 3),
            .visitors = has_audience(dim) ? col_visitors(st, 4) : -1,
            .weekday = db_column_int(st, 5),
        };

        if (has_audience(dim) && r.visitors < 0) {
            db_finalize(st);
            return bs_fail(err, BS_DATAERR, "database '%s': a visitor "
                           "sketch is damaged", s->path);
        }
        if (fn(ctx, &r)) {
            rc = DB_DONE;
            break;
        }
    }
    db_finalize(st);
    return rc == DB_DONE ? 0 : store_fail(s, err, rc, "cannot read it");
}

/* A feed's subscribers per day: the reported ones and the other
 * clients. ?1 site, ?2 its dimension, ?3 and ?4 the days, ?5 the feed,
 * ?6 the name of DIM_FEED_SUBS. */
static const char feed_days_sql[] =
    "SELECT c.day, (SELECT sum(r.n) FROM dim_counts r WHERE r.site = ?1 "
    "AND r.dim = ?6 AND r.day = c.day AND r.k1 = c.k1), k.sketch "
    "FROM dim_counts c LEFT JOIN dim_sketches k ON k.site = ?1 "
    "AND k.dim = ?2 AND k.day = c.day AND k.k1 = c.k1 AND k.k2 = '' "
    "AND k.k3 = '' "
    "WHERE c.site = ?1 AND c.dim = ?2 AND c.k1 = ?5 AND c.k2 = '' "
    "AND c.k3 = '' AND c.day BETWEEN ?3 AND ?4 ORDER BY c.day";

int store_feed_days(struct store *s, const struct store_filter *f,
                    const char *feed,
                    int (*fn)(void *ctx, int32_t day, int64_t subscribers),
                    void *ctx, struct bs_err *err)
{
    struct db_stmt *st;
    int rc;

    if (store_batch_flush(s, err))
        return -1;
    rc = db_prepare(s->db, feed_days_sql, 0, &st);
    if (rc != DB_OK)
        return store_fail(s, err, rc, "cannot prepare a query");
    db_bind_int64(st, 1, f->site);
    db_bind_text(st, 2, dim_name(DIM_FEED), -1);
    db_bind_int(st, 3, f->from);
    db_bind_int(st, 4, f->to);
    db_bind_text(st, 5, feed, -1);
    db_bind_text(st, 6, dim_name(DIM_FEED_SUBS), -1);
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t others = col_visitors(st, 2);

        if (others < 0) {
            db_finalize(st);
            return bs_fail(err, BS_DATAERR, "database '%s': a visitor "
                           "sketch is damaged", s->path);
        }
        if (fn(ctx, db_column_int(st, 0), db_column_int64(st, 1) + others)) {
            rc = DB_DONE;
            break;
        }
    }
    db_finalize(st);
    return rc == DB_DONE ? 0 : store_fail(s, err, rc, "cannot read it");
}
