/*
 * store_open.c - the open visits of the open days, kept in sets.
 *
 * A day's visitors fall into STORE_OPEN_SETS sets by the top bits of
 * their (salted, uniform) ids, and a set is one row of open_visit_sets:
 * (day, bucket, visitors), the blob the records of its visitors. A
 * record is the visitor (i64), its number of visits (u16), then each
 * visit in 16 bytes: start and last view (i32, local seconds) and the
 * landing page (i64, a path id); little-endian, the visits by start, a
 * visitor's records one after another. A commit rewrites the sets it
 * changed whole (the writer holds the day whole, audience.c): some
 * sixty rows a day rather than a row a visitor, whose writes would take
 * a sixth of an ingest's time on a log of many readers.
 */
#include "blogstat.h"
#include "store.h"
#include "store_int.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define VISIT_BYTES 16
#define RECORD_HEAD 10

_Static_assert(STORE_OPEN_VISITS_MAX <= UINT16_MAX,
               "a record's count is 16 bits");

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

/* A set's length for the statement (a set is a few MiB at most: a
 * day's visitors are bounded, audience.h). */
static int blob_len(size_t n)
{
    if (n > INT_MAX)
        BUG("an open visits set of %zu bytes", n);
    return (int)n;
}

/* Room for n more bytes in the store's set buffer. */
static unsigned char *room(struct store *s, size_t n)
{
    if (s->open_n + n > s->open_cap) {
        s->open_cap = (s->open_n + n) * 2;
        s->open_buf = xrealloc(s->open_buf, s->open_cap);
    }
    return s->open_buf + s->open_n;
}

/* A visitor's record at the end of the set buffer (its visits by start,
 * at most STORE_OPEN_VISITS_MAX). */
static void add_record(struct store *s, int64_t visitor,
                       const struct visit *v, size_t n)
{
    unsigned char *p;

    if (n > STORE_OPEN_VISITS_MAX)
        BUG("%zu open visits", n);
    p = room(s, RECORD_HEAD + n * VISIT_BYTES);
    put_le(p, (uint64_t)visitor, 8);
    put_le(p + 8, n, 2);
    p += RECORD_HEAD;
    /* By start (an insertion sort of a handful). */
    for (size_t i = 0; i < n; i++) {
        size_t j = i;

        while (j > 0 && (int32_t)(uint32_t)get_le(p + (j - 1) * VISIT_BYTES,
                                                  4) > v[i].start) {
            memcpy(p + j * VISIT_BYTES, p + (j - 1) * VISIT_BYTES,
                   VISIT_BYTES);
            j--;
        }
        put_le(p + j * VISIT_BYTES, (uint32_t)v[i].start, 4);
        put_le(p + j * VISIT_BYTES + 4, (uint32_t)v[i].end, 4);
        put_le(p + j * VISIT_BYTES + 8, (uint64_t)v[i].landing, 8);
    }
    s->open_n += RECORD_HEAD + n * VISIT_BYTES;
}

int store_open_decode(const unsigned char *b, size_t n,
                      int (*fn)(void *ctx, int64_t visitor,
                                const struct visit *v),
                      void *ctx)
{
    size_t i = 0;

    if (n && !b)
        return -1;
    while (i < n) {
        int64_t visitor;
        size_t k;

        if (n - i < RECORD_HEAD)
            return -1;
        visitor = (int64_t)get_le(b + i, 8);
        k = (size_t)get_le(b + i + 8, 2);
        i += RECORD_HEAD;
        if (k > (n - i) / VISIT_BYTES)
            return -1;
        for (; k > 0; k--, i += VISIT_BYTES) {
            struct visit v = {
                .start = (int32_t)(uint32_t)get_le(b + i, 4),
                .end = (int32_t)(uint32_t)get_le(b + i + 4, 4),
                .landing = (int64_t)get_le(b + i + 8, 8),
            };

            if (fn(ctx, visitor, &v))
                return 1;
        }
    }
    return 0;
}

static int damaged(struct store *s, int32_t day, struct bs_err *err)
{
    return bs_fail(err, BS_DATAERR, "database '%s': damaged open visits of "
                   "day %d; 'blogstat recount' the day", s->path, (int)day);
}

int store_open_visits_load(struct store *s, int32_t day,
                           int (*fn)(void *ctx, int64_t visitor,
                                     const struct visit *v),
                           void *ctx, struct bs_err *err)
{
    struct db_stmt *st = store_stmt(s, ST_OPEN_LOAD, err);
    int rc, stop = 0;

    if (!st)
        return -1;
    db_bind_int(st, 1, day);
    while (!stop && (rc = db_step(st)) == DB_ROW) {
        stop = store_open_decode(db_column_blob(st, 0),
                                 (size_t)db_column_bytes(st, 0), fn, ctx);
        if (stop < 0) {
            db_reset(st);
            return damaged(s, day, err);
        }
    }
    db_reset(st);
    return stop || rc == DB_DONE ? 0 : store_fail(s, err, rc, "cannot read it");
}

void store_open_set_begin(struct store *s, int32_t day, uint32_t set)
{
    s->open_day = day;
    s->open_set = set;
    s->open_n = 0;
}

void store_open_set_visitor(struct store *s, int64_t visitor,
                            const struct visit *v, size_t n)
{
    if (store_open_set_of(visitor) != s->open_set)
        BUG("visitor of set %u in set %u", store_open_set_of(visitor),
            s->open_set);
    if (n)
        add_record(s, visitor, v, n);
}

int store_open_set_end(struct store *s, struct bs_err *err)
{
    struct db_stmt *st =
        store_stmt(s, s->open_n ? ST_OPEN_SET_PUT : ST_OPEN_SET_DEL, err);

    if (!st)
        return -1;
    db_bind_int(st, 1, s->open_day);
    db_bind_int64(st, 2, s->open_set);
    if (s->open_n)
        db_bind_blob(st, 3, s->open_buf, blob_len(s->open_n));
    return store_put(s, st, err);
}

/* Every record of the set being rebuilt but the skipped visitor's. */
struct keep_ctx {
    struct store *s;
    int64_t skip;
    int64_t visitor;
    struct visit iv[STORE_OPEN_VISITS_MAX];
    size_t n;
};

static void keep_flush(struct keep_ctx *k)
{
    if (k->n)
        add_record(k->s, k->visitor, k->iv, k->n);
    k->n = 0;
}

static int keep_visit(void *ctx, int64_t visitor, const struct visit *v)
{
    struct keep_ctx *k = ctx;

    if (visitor == k->skip)
        return 0;
    if (k->n && (visitor != k->visitor || k->n == STORE_OPEN_VISITS_MAX))
        keep_flush(k);
    k->visitor = visitor;
    k->iv[k->n++] = *v;
    return 0;
}

int store_open_visits_put(struct store *s, int32_t day, int64_t visitor,
                          const struct visit *v, size_t n,
                          struct bs_err *err)
{
    uint32_t set = store_open_set_of(visitor);
    struct db_stmt *st = store_stmt(s, ST_OPEN_SET_GET, err);
    struct keep_ctx *k;
    int rc, bad = 0;

    if (!st)
        return -1;
    store_open_set_begin(s, day, set);
    k = xcalloc(1, sizeof(*k));
    k->s = s;
    k->skip = visitor;
    db_bind_int(st, 1, day);
    db_bind_int64(st, 2, set);
    rc = db_step(st);
    if (rc == DB_ROW)
        bad = store_open_decode(db_column_blob(st, 0),
                                (size_t)db_column_bytes(st, 0), keep_visit,
                                k) < 0;
    keep_flush(k);
    free(k);
    db_reset(st);
    if (bad)
        return damaged(s, day, err);
    if (rc != DB_ROW && rc != DB_DONE)
        return store_fail(s, err, rc, "cannot read it");
    store_open_set_visitor(s, visitor, v, n);
    return store_open_set_end(s, err);
}

int store_open_visits_append(struct store *s, int32_t day, int64_t visitor,
                             const struct visit *v, size_t n,
                             struct bs_err *err)
{
    struct db_stmt *st = store_stmt(s, ST_OPEN_SET_ADD, err);

    if (!st)
        return -1;
    if (n == 0)
        return 0;
    s->open_n = 0;
    add_record(s, visitor, v, n);
    db_bind_int(st, 1, day);
    db_bind_int64(st, 2, store_open_set_of(visitor));
    db_bind_blob(st, 3, s->open_buf, blob_len(s->open_n));
    return store_put(s, st, err);
}

/* ---- from the rows of schema 10 ------------------------------------------ */

/* The sets of one day of the old rows, being made. */
struct upgrade {
    struct store *s;
    int32_t day;
    unsigned char *set[STORE_OPEN_SETS];
    size_t n[STORE_OPEN_SETS], cap[STORE_OPEN_SETS];
};

static int upgrade_flush(struct upgrade *u, struct bs_err *err)
{
    for (uint32_t i = 0; i < STORE_OPEN_SETS; i++) {
        struct db_stmt *st;
        int rc;

        if (!u->n[i])
            continue;
        if (db_prepare(u->s->db, "INSERT INTO open_visit_sets(day, bucket, "
                       "visitors) VALUES(?1, ?2, ?3)", 0, &st) != DB_OK)
            return store_fail(u->s, err, db_errcode(u->s->db),
                              "cannot upgrade the schema");
        db_bind_int(st, 1, u->day);
        db_bind_int64(st, 2, i);
        db_bind_blob(st, 3, u->set[i], blob_len(u->n[i]));
        rc = db_step(st);
        db_finalize(st);
        if (rc != DB_DONE)
            return store_fail(u->s, err, rc, "cannot upgrade the schema");
        u->n[i] = 0;
    }
    return 0;
}

int store_open_upgrade(struct store *s, struct bs_err *err)
{
    struct upgrade *u = xcalloc(1, sizeof(*u));
    struct db_stmt *st;
    int rc = DB_DONE, failed = 0, any = 0;

    u->s = s;
    if (db_prepare(s->db, "SELECT day, visitor, visits FROM open_visits "
                   "ORDER BY day, visitor", 0, &st) != DB_OK) {
        free(u);
        return store_fail(s, err, db_errcode(s->db),
                          "cannot upgrade the schema");
    }
    while (!failed && (rc = db_step(st)) == DB_ROW) {
        int32_t day = (int32_t)db_column_int64(st, 0);
        int64_t visitor = db_column_int64(st, 1);
        const unsigned char *b = db_column_blob(st, 2);
        size_t n = (size_t)db_column_bytes(st, 2);
        uint32_t i = store_open_set_of(visitor);

        if (any && day != u->day && upgrade_flush(u, err)) {
            failed = 1;
            break;
        }
        any = 1;
        u->day = day;
        /* A row of a schema-10 blob is its visits, 16 bytes each; a row
         * that is not goes (its visitor starts afresh). */
        if (n % VISIT_BYTES || (n && !b) || n / VISIT_BYTES >
                                                STORE_OPEN_VISITS_MAX || !n)
            continue;
        if (u->n[i] + RECORD_HEAD + n > u->cap[i]) {
            u->cap[i] = (u->n[i] + RECORD_HEAD + n) * 2;
            u->set[i] = xrealloc(u->set[i], u->cap[i]);
        }
        put_le(u->set[i] + u->n[i], (uint64_t)visitor, 8);
        put_le(u->set[i] + u->n[i] + 8, n / VISIT_BYTES, 2);
        memcpy(u->set[i] + u->n[i] + RECORD_HEAD, b, n);
        u->n[i] += RECORD_HEAD + n;
    }
    db_finalize(st);
    if (!failed && rc != DB_DONE)
        failed = store_fail(s, err, rc, "cannot upgrade the schema");
    if (!failed && any)
        failed = upgrade_flush(u, err) != 0;
    for (uint32_t i = 0; i < STORE_OPEN_SETS; i++)
        free(u->set[i]);
    free(u);
    if (failed)
        return -1;
    return store_exec(s, "DROP TABLE open_visits",
                      "cannot upgrade the schema", err);
}
