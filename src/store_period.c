/*
 * store_period.c - a fingerprint of what a report of a range would show,
 * so that a page whose data did not change is not drawn again.
 */
#include "blogstat.h"
#include "store.h"
#include "store_int.h"

/* Numbers that change when any count of the range does, or an import:
 * the days' rows, the views of each path weighted by its id (a view
 * moved from one post to another changes it), the other dimensions, and
 * the imported posts' titles. ?1 site, ?2 and ?3 the days. */
/* Paths of a site other than ?1: two searches of paths' (site, path)
 * index, not a scan of it. */
#define OTHER_SITES                                                            \
    "(EXISTS (SELECT 1 FROM paths WHERE site < ?1) OR "                       \
    "EXISTS (SELECT 1 FROM paths WHERE site > ?1))"

static const char *const fp_sql[] = {
    "SELECT day, count(*), sum(day * 7 + hits), sum(views), sum(robots), "
    "sum(bad_lines), sum(visits) FROM days "
    "WHERE site = ?1 AND day BETWEEN ?2 AND ?3 GROUP BY day ORDER BY day",
    /* path_views by its key alone when every path is the site's: a
     * paths lookup a row costs seconds over a million paths' year. */
    "SELECT v.day, count(*), sum(v.views * (v.path_id % 1000003 + 1)), "
    "sum(v.day * v.views), 0, 0, 0 FROM path_views v "
    "WHERE v.day BETWEEN ?2 AND ?3 AND NOT " OTHER_SITES
    " GROUP BY v.day ORDER BY v.day",
    "SELECT v.day, count(*), sum(v.views * (v.path_id % 1000003 + 1)), "
    "sum(v.day * v.views), 0, 0, 0 FROM path_views v CROSS JOIN paths p "
    "ON p.id = v.path_id WHERE v.day BETWEEN ?2 AND ?3 AND p.site = ?1 "
    "AND " OTHER_SITES " GROUP BY v.day ORDER BY v.day",
    "SELECT day, count(*), sum(n), sum(length(k1) * n), sum(day), 0, 0 "
    "FROM dim_counts WHERE site = ?1 AND day BETWEEN ?2 AND ?3 "
    "GROUP BY day ORDER BY day",
    /* Last, and of no day: its one row counts for every range that is
     * one (?2 and ?3 named, for PostgreSQL's types of the parameters). */
    "SELECT 0, count(*), sum(length(title)), sum(id), "
    "sum(coalesce(published, 0)), 0, 0 FROM paths WHERE site = ?1 "
    "AND imported <> 0 AND CAST(?2 AS INTEGER) <= CAST(?3 AS INTEGER)",
};

#define FP_COLS 6

/* A query's rows, a day each in ascending order: sums[k] holds the
 * sums of rows before k (sums[0] all zero), day[k] row k's day; cap,
 * never 0, is the room of both. */
struct fp_rows {
    int32_t *day;
    uint64_t (*sums)[FP_COLS];
    size_t n, cap;
};

/* The first row of r whose day is day or later. */
static size_t fp_first(const struct fp_rows *r, int32_t day)
{
    size_t lo = 0, hi = r->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (r->day[mid] < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Query q's rows over days lo..hi into r (emptied first): 0, or -1 with
 * err. */
static int fp_query(struct store *s, size_t q, int64_t site, int32_t lo,
                    int32_t hi, struct fp_rows *r, struct bs_err *err)
{
    struct db_stmt *st;
    int rc = db_prepare(s->db, fp_sql[q], 0, &st);

    r->n = 0;
    memset(r->sums[0], 0, sizeof(r->sums[0]));
    if (rc != DB_OK)
        return store_fail(s, err, rc, "cannot prepare a query");
    db_bind_int64(st, 1, site);
    db_bind_int(st, 2, lo);
    db_bind_int(st, 3, hi);
    while ((rc = db_step(st)) == DB_ROW) {
        if (r->n + 1 >= r->cap) {
            r->cap *= 2;
            r->day = xrealloc(r->day, r->cap * sizeof(*r->day));
            r->sums = xrealloc(r->sums, r->cap * sizeof(*r->sums));
        }
        r->day[r->n] = (int32_t)db_column_int64(st, 0);
        /* Partial sums in uint64_t: one that would not fit wraps, and
         * the difference of two is still exact. */
        for (int c = 0; c < FP_COLS; c++)
            r->sums[r->n + 1][c] =
                r->sums[r->n][c] + (uint64_t)db_column_int64(st, c + 1);
        r->n++;
    }
    db_finalize(st);
    return rc == DB_DONE ? 0 : store_fail(s, err, rc, "cannot read it");
}

int store_fingerprints(struct store *s, int64_t site, const int32_t *from,
                       const int32_t *to, size_t n, uint64_t *fp,
                       struct bs_err *err)
{
    struct fp_rows r = {NULL, NULL, 0, 64};
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    int rc = 0;

    r.day = xmalloc(r.cap * sizeof(*r.day));
    r.sums = xcalloc(r.cap, sizeof(*r.sums));

    for (size_t i = 0; i < n; i++) {
        fp[i] = 0x9e3779b97f4a7c15ULL ^ (uint64_t)(uint32_t)from[i] ^
                ((uint64_t)(uint32_t)to[i] << 32);
        if (from[i] <= to[i]) {
            lo = from[i] < lo ? from[i] : lo;
            hi = to[i] > hi ? to[i] : hi;
        }
    }
    /* Each query once over the ranges' union; each range's numbers are
     * the sums of its days' rows, as the query over it alone gives them
     * (an empty range's are all zero). */
    if (store_batch_flush(s, err))
        rc = -1;
    for (size_t q = 0; q < ARRAY_SIZE(fp_sql) && rc == 0; q++) {
        int dated = q + 1 < ARRAY_SIZE(fp_sql);

        r.n = 0;
        if (lo <= hi)
            rc = fp_query(s, q, site, lo, hi, &r, err);
        for (size_t i = 0; i < n && rc == 0; i++) {
            size_t a = 0, b = 0;

            if (from[i] <= to[i] && !dated) {
                b = r.n;
            } else if (from[i] <= to[i]) {
                a = fp_first(&r, from[i]);
                b = to[i] == INT32_MAX ? r.n : fp_first(&r, to[i] + 1);
            }
            for (int c = 0; c < FP_COLS; c++) {
                int64_t v = b > a ? (int64_t)(r.sums[b][c] - r.sums[a][c])
                                  : 0;

                fp[i] = bs_hash_seeded(&v, sizeof(v), fp[i]);
            }
        }
    }
    free(r.day);
    free(r.sums);
    return rc;
}
