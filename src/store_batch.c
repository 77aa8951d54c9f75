/*
 * store_batch.c - a transaction's writes to the tables of many rows,
 * gathered per table, sorted by the table's key and sent many rows a
 * statement.
 *
 * A chunk's rows come in the order of the aggregates' hashes; written one
 * statement each, every row is a B-tree search from the root to a leaf
 * that the one before did not touch. Sorted by the key of the table, the
 * rows of one flush walk its leaves in order (each page read once, from
 * the cache; the order is that of the key's first columns, row_order()),
 * and a statement of BATCH_ROWS rows runs the statement's
 * setup once for them all. The upserts are those of one row at a time
 * (adding to counts, a union of sketches, a visitor's open visits
 * replaced): their sum does not depend on their order, and rows of the
 * same key keep theirs (the sort is stable), so the database ends the
 * same.
 *
 * Rows wait only inside a transaction, and only until the next read
 * through this connection: store_batch_flush() runs before the commit and
 * before every statement of the store's files that reads these tables
 * (the day bounds, a day's rows for recount, the open visits); outside a
 * transaction a row is written at once. A rollback drops what waits.
 */
#include "blogstat.h"
#include "store.h"
#include "store_int.h"
#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows a statement (the last rows of a flush go one at a time), and the
 * rows and bytes a transaction keeps waiting before it writes them. */
#define BATCH_LOG2 5
#define BATCH_ROWS (1 << BATCH_LOG2)
/* On PostgreSQL a statement is a round trip to the server: up to 2^10
 * rows a statement, a run of rows sent in statements of powers of two. */
#define BATCH_LOG2_PG 10
#define BATCH_SIZES (BATCH_LOG2_PG + 1)
#define BATCH_WAIT_ROWS 4096
#define BATCH_WAIT_BYTES (1u << 20)
/* On PostgreSQL a flush is a wait for the server (a COPY cannot go in a
 * pipeline): fewer, larger ones. */
#define BATCH_WAIT_SHIFT_PG 3
/* The bytes of COPY's rows sent at a time. */
#define COPY_PIECE (64u << 10)

enum bval_type { BV_NULL, BV_INT, BV_TEXT, BV_BLOB };

/* One column of a waiting row: an integer, or bytes in the arena. */
struct bval {
    int64_t i;                 /* BV_INT */
    uint32_t off, len;         /* BV_TEXT, BV_BLOB: in the batch's arena */
    enum bval_type type;
};

struct brow {
    uint64_t order;            /* its place in the order of the key */
    struct bval v[BATCH_COLS];
    enum store_row how;        /* an upsert, or a key known new */
};

/* A table's statements: "INSERT INTO table(columns) VALUES (?, ...), ...
 * conflict", its columns in the order of the values with their types on
 * PostgreSQL, and the columns of its key in the table's key order (-1
 * ends). */
struct batch_def {
    const char *table;
    const char *col[BATCH_COLS];
    const char *type[BATCH_COLS];
    const char *conflict;
    int ncols;
    int key[BATCH_COLS + 1];
    int split;                 /* PostgreSQL: new keys inserted apart
                                  (split_sql()); 0 for tables with
                                  triggers */
};

static const struct batch_def defs[B_NBATCHES] = {
    [B_PATH_VIEWS] = {
        "path_views", {"day", "path_id", "views"},
        {"integer", "bigint", "bigint"},
        " ON CONFLICT(day, path_id) DO UPDATE SET "
        "views = path_views.views + excluded.views",
        3, {0, 1, -1}, 0},
    [B_VISITS] = {
        "visits", {"day", "path_id", "visits"},
        {"integer", "bigint", "bigint"},
        " ON CONFLICT(day, path_id) DO UPDATE SET "
        "visits = visits.visits + excluded.visits",
        3, {0, 1, -1}, 0},
    [B_POST_COUNTRY] = {
        "post_country_views", {"day", "path_id", "country", "views"},
        {"integer", "bigint", "text", "bigint"},
        " ON CONFLICT(day, path_id, country) "
        "DO UPDATE SET views = post_country_views.views + excluded.views",
        4, {1, 0, 2, -1}, 1},
    [B_PATH_SKETCH] = {
        "path_sketches", {"day", "path_id", "sketch"},
        {"integer", "bigint", "hll"},
        " ON CONFLICT(path_id, day) DO UPDATE SET "
        "sketch = sketch_union(path_sketches.sketch, excluded.sketch)",
        3, {1, 0, -1}, 1},
    [B_COUNTRY_SKETCH] = {
        "country_sketches", {"site", "day", "country", "sketch"},
        {"bigint", "integer", "text", "hll"},
        " ON CONFLICT(site, country, day) DO UPDATE SET "
        "sketch = sketch_union(country_sketches.sketch, excluded.sketch)",
        4, {0, 2, 1, -1}, 1},
    [B_REFERRER] = {
        "referrers", {"day", "path_id", "host", "class", "views", "site"},
        {"integer", "bigint", "text", "text", "bigint", "bigint"},
        " ON CONFLICT(day, path_id, host, class) "
        "DO UPDATE SET views = referrers.views + excluded.views",
        6, {0, 1, 2, 3, -1}, 1},
    [B_COUNTRY_VIEWS] = {
        "country_views", {"site", "day", "country", "views"},
        {"bigint", "integer", "text", "bigint"},
        " ON CONFLICT(site, day, country) DO UPDATE SET "
        "views = country_views.views + excluded.views",
        4, {0, 1, 2, -1}, 1},
    [B_TERM_VIEWS] = {
        "term_views", {"day", "term_id", "views"},
        {"integer", "bigint", "bigint"},
        " ON CONFLICT(day, term_id) DO UPDATE SET "
        "views = term_views.views + excluded.views",
        3, {0, 1, -1}, 1},
};

/* A row's place, and its index. */
struct place {
    uint64_t order;
    uint32_t i;
};

struct store_batch {
    struct brow *rows;
    size_t n, cap;
    unsigned char *arena;
    size_t used, arena_cap;
    struct db_stmt *sized[BATCH_SIZES];  /* of 2^k rows, made on use */
    struct db_stmt *split[BATCH_SIZES];  /* the same, split_sql()'s */
    struct cntmap *copied;     /* the hashes of the keys copied in by the
                                  open transaction (copy_new()) */
    struct place *ord;         /* during a flush: the rows left to write,
                                  in order, nord of them */
    size_t nord;
};

/* ---- rows ---------------------------------------------------------------- */

/*
 * A row's place in the order of its table's key, from the first two
 * columns of the key: 32 bits of each, in their order (an integer biased
 * to unsigned and clamped; the first four bytes of a string). Rows of one key have one place; rows of two
 * keys sharing a place stay in the order they came, near each other.
 */
static uint32_t order_part(const struct store_bval *v)
{
    uint64_t u = (uint64_t)v->i ^ UINT64_C(0x8000000000000000);
    uint32_t p = 0;

    if (v->type == STORE_BV_INT) {
        u -= UINT64_C(0x7fffffff80000000);
        return u > UINT32_MAX ? (v->i < 0 ? 0 : UINT32_MAX) : (uint32_t)u;
    }
    for (size_t i = 0; i < 4; i++)
        p = p << 8 | (i < v->len ? ((const unsigned char *)v->p)[i] : 0);
    return p;
}

static uint64_t row_order(const struct batch_def *d,
                          const struct store_bval *v)
{
    uint64_t o = (uint64_t)order_part(&v[d->key[0]]) << 32;

    return d->key[1] < 0 ? o : o | order_part(&v[d->key[1]]);
}

static struct store_batch *batch_of(struct store *s, enum batch_id id)
{
    if (!s->batch[id])
        s->batch[id] = xcalloc(1, sizeof(struct store_batch));
    return s->batch[id];
}

int store_batch_add(struct store *s, enum batch_id id,
                    const struct store_bval *v, enum store_row how,
                    struct bs_err *err)
{
    const struct batch_def *d = &defs[id];
    struct store_batch *b = batch_of(s, id);
    struct brow *r;
    unsigned shift;

    if (b->n == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 256;
        b->rows = xrealloc(b->rows, b->cap * sizeof(*b->rows));
    }
    r = &b->rows[b->n++];
    memset(r, 0, sizeof(*r));
    r->how = how;
    r->order = row_order(d, v);
    s->batch_bytes += sizeof(*r);
    for (int c = 0; c < d->ncols; c++) {
        r->v[c].type = (enum bval_type)v[c].type;
        if (v[c].type == STORE_BV_INT) {
            r->v[c].i = v[c].i;
        } else if (v[c].type != STORE_BV_NULL) {
            if (b->used + v[c].len > b->arena_cap) {
                while (b->used + v[c].len > b->arena_cap)
                    b->arena_cap = b->arena_cap ? 2 * b->arena_cap : 4096;
                b->arena = xrealloc(b->arena, b->arena_cap);
            }
            memcpy(b->arena + b->used, v[c].p, v[c].len);
            r->v[c].off = (uint32_t)b->used;
            r->v[c].len = (uint32_t)v[c].len;
            b->used += v[c].len;
            s->batch_bytes += v[c].len;
        }
    }
    s->batch_rows++;
    shift = db_engine(s->db) == DB_POSTGRES ? BATCH_WAIT_SHIFT_PG : 0;
    if (!s->in_tx || s->batch_rows >= (size_t)BATCH_WAIT_ROWS << shift ||
        s->batch_bytes >= (size_t)BATCH_WAIT_BYTES << shift)
        return store_batch_flush(s, err);
    return 0;
}

/* places[0..n) by order, stable (a merge sort through tmp). */
static void sort_places(struct place *places, struct place *tmp, size_t n)
{
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n;
            size_t hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, o = lo;

            while (i < mid && j < hi)
                tmp[o++] = places[j].order < places[i].order ? places[j++]
                                                             : places[i++];
            while (i < mid)
                tmp[o++] = places[i++];
            while (j < hi)
                tmp[o++] = places[j++];
        }
        memcpy(places, tmp, n * sizeof(*places));
    }
}

/* ---- statements ---------------------------------------------------------- */

/* SQL text being built: grows as needed. */
struct sql {
    char *p;
    size_t n, cap;
};

/* Room for n more bytes and a NUL: where they go. */
static char *room(struct sql *q, size_t n)
{
    if (q->n + n + 1 > q->cap) {
        while (q->n + n + 1 > q->cap)
            q->cap = q->cap ? 2 * q->cap : 1024;
        q->p = xrealloc(q->p, q->cap);
    }
    return q->p + q->n;
}

static void add(struct sql *q, const char *text)
{
    size_t n = strlen(text);

    memcpy(room(q, n), text, n + 1);
    q->n += n;
}

/* "c1, c2, ...": the columns of d, each after prefix. */
static void add_cols(struct sql *q, const struct batch_def *d,
                     const char *prefix)
{
    for (int c = 0; c < d->ncols; c++) {
        add(q, c ? ", " : "");
        add(q, prefix);
        add(q, d->col[c]);
    }
}

/* nrows rows of parameters, "(?, ?), (?, ?)", each cast to its column's
 * type when typed. */
static void add_rows(struct sql *q, const struct batch_def *d, int nrows,
                     int typed)
{
    for (int r = 0; r < nrows; r++) {
        add(q, r ? ",(" : "(");
        for (int c = 0; c < d->ncols; c++) {
            add(q, c ? ",?" : "?");
            if (typed) {
                add(q, "::");
                add(q, d->type[c]);
            }
        }
        add(q, ")");
    }
}

/*
 * PostgreSQL's upsert of rows most of which are new: an INSERT ... ON
 * CONFLICT inserts each row speculatively (a second pass over the
 * index, and a record more), about twice what a plain insert costs.
 * Here each row's key is looked up once, by the index, and the new ones
 * are inserted plainly, the others upserted:
 *
 *   WITH x(c..., found_) AS (SELECT v.*, (SELECT 1 FROM t WHERE key =
 *       v.key) FROM (VALUES ...) v(c...)),
 *   n_ AS (INSERT INTO t(c...) SELECT c... FROM x WHERE found_ IS NULL)
 *   INSERT INTO t(c...) SELECT c... FROM x WHERE found_ IS NOT NULL
 *   ON CONFLICT ...
 *
 * A key the lookup missed can only be inserted by another writer in a
 * transaction of its own, which the write lock keeps out of this one
 * (store_pg_begin()): only rows of a transaction go this way.
 */
static void split_sql(struct sql *q, const struct batch_def *d, int nrows)
{
    add(q, "WITH x(");
    add_cols(q, d, "");
    add(q, ", found_) AS (SELECT v.*, (SELECT 1 FROM ");
    add(q, d->table);
    add(q, " t WHERE ");
    for (int k = 0; d->key[k] >= 0; k++) {
        add(q, k ? " AND t." : "t.");
        add(q, d->col[d->key[k]]);
        add(q, " = v.");
        add(q, d->col[d->key[k]]);
    }
    add(q, ") FROM (VALUES ");
    add_rows(q, d, nrows, 1);
    add(q, ") v(");
    add_cols(q, d, "");
    add(q, ")), n_ AS (INSERT INTO ");
    add(q, d->table);
    add(q, "(");
    add_cols(q, d, "");
    add(q, ") SELECT ");
    add_cols(q, d, "");
    add(q, " FROM x WHERE found_ IS NULL) INSERT INTO ");
    add(q, d->table);
    add(q, "(");
    add_cols(q, d, "");
    add(q, ") SELECT ");
    add_cols(q, d, "");
    add(q, " FROM x WHERE found_ IS NOT NULL");
    add(q, d->conflict);
}

/* The upsert of nrows rows of table d (split_sql()'s when split),
 * prepared: NULL with err. */
static struct db_stmt *prepare_rows(struct store *s, const struct batch_def *d,
                                    int nrows, int split, struct bs_err *err)
{
    struct sql q = {0};
    struct db_stmt *st = NULL;
    int rc;

    if (split) {
        split_sql(&q, d, nrows);
    } else {
        add(&q, "INSERT INTO ");
        add(&q, d->table);
        add(&q, "(");
        add_cols(&q, d, "");
        add(&q, ") VALUES ");
        add_rows(&q, d, nrows, 0);
        add(&q, d->conflict);
    }
    rc = db_prepare(s->db, q.p, 1, &st);
    free(q.p);
    if (rc != DB_OK) {
        store_fail(s, err, rc, "cannot prepare a statement");
        return NULL;
    }
    return st;
}

static void bind_row(struct db_stmt *st, int base, int ncols,
                     const unsigned char *arena, const struct brow *r)
{
    for (int c = 0; c < ncols; c++) {
        const struct bval *v = &r->v[c];

        switch (v->type) {
        case BV_INT:
            db_bind_int64(st, base + c + 1, v->i);
            break;
        case BV_TEXT:
            db_bind_text(st, base + c + 1, (const char *)arena + v->off,
                              (int)v->len);
            break;
        case BV_BLOB:
            db_bind_blob(st, base + c + 1, arena + v->off, (int)v->len);
            break;
        case BV_NULL:
            db_bind_null(st, base + c + 1);
            break;
        }
    }
}

/* Whether rows a and b have the same key. */
static int same_key(const struct batch_def *d, const unsigned char *arena,
                    const struct brow *a, const struct brow *b)
{
    for (int k = 0; d->key[k] >= 0; k++) {
        const struct bval *x = &a->v[d->key[k]], *y = &b->v[d->key[k]];

        if (x->type != y->type ||
            (x->type == BV_INT && x->i != y->i) ||
            ((x->type == BV_TEXT || x->type == BV_BLOB) &&
             (x->len != y->len ||
              memcmp(arena + x->off, arena + y->off, x->len) != 0)))
            return 0;
    }
    return 1;
}

/* Whether row ord[at] has the key of a row of ord[from..at): PostgreSQL
 * refuses to upsert one key twice in a statement. Rows of a key share
 * their place in the order, so only those of the same place are looked
 * at. */
static int key_in_run(const struct batch_def *d, const struct store_batch *b,
                      const struct place *ord, size_t from, size_t at)
{
    const struct brow *r = &b->rows[ord[at].i];

    for (size_t j = at; j > from && ord[j - 1].order == ord[at].order; j--)
        if (same_key(d, b->arena, &b->rows[ord[j - 1].i], r))
            return 1;
    return 0;
}

/* Run st, bound: 0, or -1 with err. In a transaction it is sent
 * (db_send()): its failure may come from store_batch_flush()'s sync. */
static int run(struct store *s, struct db_stmt *st, struct bs_err *err)
{
    int rc;

    if (s->in_tx) {
        rc = db_send(st);
        return rc == DB_OK ? 0 : store_fail(s, err, rc, "cannot write");
    }
    rc = db_step(st);
    db_reset(st);
    return rc == DB_DONE ? 0 : store_fail(s, err, rc, "cannot write");
}

/* v in COPY's text format: a number, a string with its backslashes,
 * tabs and line ends escaped, a blob as bytea's hex. */
/* v in decimal at o (20 bytes at most, no NUL): its length. */
static size_t put_i64(char *o, int64_t v)
{
    char tmp[20];
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    size_t n = 0, len = 0;

    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        o[len++] = '-';
    while (n)
        o[len++] = tmp[--n];
    return len;
}

static void copy_value(struct sql *q, const unsigned char *arena,
                       const struct bval *v)
{
    static const char hexd[] = "0123456789abcdef";
    const unsigned char *p = v->type == BV_TEXT || v->type == BV_BLOB
                                 ? arena + v->off : NULL;
    char *o;

    switch (v->type) {
    case BV_INT:
        q->n += put_i64(room(q, 24), v->i);
        break;
    case BV_NULL:
        add(q, "\\N");
        break;
    case BV_TEXT:
        o = room(q, 2 * (size_t)v->len);
        for (uint32_t k = 0; k < v->len; k++) {
            int e = p[k] == '\\' ? '\\' : p[k] == '\t' ? 't'
                    : p[k] == '\n' ? 'n' : p[k] == '\r' ? 'r' : 0;

            if (e) {
                *o++ = '\\';
                *o++ = (char)e;
            } else {
                *o++ = (char)p[k];
            }
        }
        q->n = (size_t)(o - q->p);
        break;
    case BV_BLOB:
        /* "\\x0a1b": bytea's "\x0a1b", its backslash escaped. */
        o = room(q, 3 + 2 * (size_t)v->len);
        *o++ = '\\';
        *o++ = '\\';
        *o++ = 'x';
        for (uint32_t k = 0; k < v->len; k++) {
            *o++ = hexd[p[k] >> 4];
            *o++ = hexd[p[k] & 15];
        }
        q->n = (size_t)(o - q->p);
        break;
    }
}

/* A hash of the key of r (never UINT64_MAX, cntmap's). */
static uint64_t key_hash(const struct batch_def *d,
                         const unsigned char *arena, const struct brow *r)
{
    uint64_t h = 0x626c6f6773746174u;

    for (int k = 0; d->key[k] >= 0; k++) {
        const struct bval *v = &r->v[d->key[k]];

        h = v->type == BV_INT ? bs_hash_seeded(&v->i, sizeof(v->i), h)
            : v->type == BV_NULL
                ? bs_hash_seeded("", 0, h)
                : bs_hash_seeded(arena + v->off, v->len, h + v->len);
    }
    return h == UINT64_MAX ? 0 : h;
}

/*
 * PostgreSQL: the rows whose keys are known new (STORE_ROW_NEW), each the
 * first of its key in the transaction, copied in (COPY: about a third of what an
 * upsert of the row costs the server), and taken out of ord[0..*n).
 * The rows left keep their order, and are written after: 0, or -1 with
 * err.
 */
static int copy_new(struct store *s, const struct batch_def *d,
                    struct store_batch *b, struct place *ord, size_t *n,
                    struct bs_err *err)
{
    struct sql q = {0};
    size_t kept = 0;
    int rc = DB_OK, open = 0;

    if (!b->copied)
        b->copied = cntmap_new();
    for (size_t i = 0; i < *n && rc == DB_OK; i++) {
        const struct brow *r = &b->rows[ord[i].i];
        uint64_t h;

        /* A key's first row of the transaction is copied, those after it
         * upserted (and a key whose hash another's shares). */
        if (r->how != STORE_ROW_NEW ||
            cntmap_get(b->copied, h = key_hash(d, b->arena, r))) {
            ord[kept++] = ord[i];
            continue;
        }
        cntmap_add(b->copied, h, 1);
        if (!open) {
            add(&q, "COPY ");
            add(&q, d->table);
            add(&q, "(");
            add_cols(&q, d, "");
            add(&q, ") FROM STDIN");
            rc = db_copy_begin(s->db, q.p);
            q.n = 0;
            if (rc != DB_OK)
                break;
            open = 1;
        }
        for (int c = 0; c < d->ncols; c++) {
            if (c)
                add(&q, "\t");
            copy_value(&q, b->arena, &r->v[c]);
        }
        add(&q, "\n");
        /* Sent in pieces: the server takes them in while the next are
         * made. */
        if (rc == DB_OK && q.n >= COPY_PIECE) {
            rc = db_copy_put(s->db, q.p, q.n);
            q.n = 0;
        }
    }
    if (open) {
        if (rc == DB_OK && q.n)
            rc = db_copy_put(s->db, q.p, q.n);
        rc = db_copy_end(s->db, rc);
    }
    free(q.p);
    *n = kept;
    return rc == DB_OK ? 0 : store_fail(s, err, rc, "cannot write");
}

/* The rows of one table sorted into b->ord, and on PostgreSQL in a
 * transaction those of new keys copied in: 0, or -1 with err. */
static int flush_sort(struct store *s, enum batch_id id, struct bs_err *err)
{
    struct store_batch *b = s->batch[id];

    if (!b || b->n == 0)
        return 0;
    b->ord = xmalloc(2 * b->n * sizeof(*b->ord));
    for (size_t r = 0; r < b->n; r++)
        b->ord[r] = (struct place){b->rows[r].order, (uint32_t)r};
    sort_places(b->ord, b->ord + b->n, b->n);
    b->nord = b->n;
    if (db_engine(s->db) == DB_POSTGRES && s->in_tx)
        return copy_new(s, &defs[id], b, b->ord, &b->nord, err);
    return 0;
}

/* Write the rows of b->ord, in order: 0, or -1 with err. */
static int flush_one(struct store *s, enum batch_id id, struct bs_err *err)
{
    const struct batch_def *d = &defs[id];
    struct store_batch *b = s->batch[id];
    struct place *ord = b ? b->ord : NULL;
    size_t i = 0, n = b ? b->nord : 0;
    int rc = 0, pg = db_engine(s->db) == DB_POSTGRES;
    int split = pg && d->split && s->in_tx;
    size_t many = pg ? (size_t)1 << BATCH_LOG2_PG : BATCH_ROWS;

    while (rc == 0 && i < n) {
        size_t run_n = 0;

        while (i + run_n < n && run_n < many &&
               !(pg && run_n && key_in_run(d, b, ord, i, i + run_n)))
            run_n++;
        /* SQLite: a full run in one statement, else a row at a time;
         * PostgreSQL: the run in statements of 2^k rows, largest first. */
        for (size_t done = 0; rc == 0 && done < run_n;) {
            size_t left = run_n - done;
            unsigned k = pg ? 63u - (unsigned)__builtin_clzll(left)
                            : left == BATCH_ROWS ? BATCH_LOG2 : 0u;
            size_t rows = (size_t)1 << k;
            struct db_stmt **slot = split ? &b->split[k] : &b->sized[k];
            struct db_stmt *st = *slot;

            if (!st && !(st = *slot = prepare_rows(s, d, (int)rows, split,
                                                   err))) {
                rc = -1;
                break;
            }
            for (size_t r = 0; r < rows; r++)
                bind_row(st, (int)r * d->ncols, d->ncols, b->arena,
                         &b->rows[ord[i + done + r].i]);
            rc = run(s, st, err);
            done += rows;
        }
        i += run_n;
    }
    return rc;
}

int store_batch_flush(struct store *s, struct bs_err *err)
{
    int rc = 0;

    if (s->batch_rows == 0)
        return 0;
    /* The rows of new keys of every table first (COPY waits for what
     * went before it), then the upserts, sent one after another. */
    for (int id = 0; id < B_NBATCHES && rc == 0; id++)
        rc = flush_sort(s, (enum batch_id)id, err);
    for (int id = 0; id < B_NBATCHES && rc == 0; id++)
        rc = flush_one(s, (enum batch_id)id, err);
    store_batch_drop(s);
    return rc;
}

void store_batch_drop(struct store *s)
{
    for (int id = 0; id < B_NBATCHES; id++)
        if (s->batch[id]) {
            s->batch[id]->n = 0;
            s->batch[id]->used = 0;
            free(s->batch[id]->ord);
            s->batch[id]->ord = NULL;
            s->batch[id]->nord = 0;
        }
    s->batch_rows = 0;
    s->batch_bytes = 0;
}

void store_batch_tx_end(struct store *s)
{
    for (int id = 0; id < B_NBATCHES; id++)
        if (s->batch[id] && s->batch[id]->copied)
            cntmap_clear(s->batch[id]->copied);
}

void store_batch_free(struct store *s)
{
    for (int id = 0; id < B_NBATCHES; id++) {
        struct store_batch *b = s->batch[id];

        if (!b)
            continue;
        for (int k = 0; k < BATCH_SIZES; k++) {
            db_finalize(b->sized[k]);
            db_finalize(b->split[k]);
        }
        cntmap_free(b->copied);
        free(b->rows);
        free(b->arena);
        free(b);
        s->batch[id] = NULL;
    }
}
