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
    "SELECT count(*), sum(day * 7 + hits), sum(views), sum(robots), "
    "sum(bad_lines), sum(visits) FROM days "
    "WHERE site = ?1 AND day BETWEEN ?2 AND ?3",
    /* path_views by its key alone when every path is the site's: a
     * paths lookup a row costs seconds over a million paths' year. */
    "SELECT count(*), sum(v.views * (v.path_id % 1000003 + 1)), "
    "sum(v.day * v.views), 0, 0, 0 FROM path_views v "
    "WHERE v.day BETWEEN ?2 AND ?3 AND NOT " OTHER_SITES,
    "SELECT count(*), sum(v.views * (v.path_id % 1000003 + 1)), "
    "sum(v.day * v.views), 0, 0, 0 FROM path_views v CROSS JOIN paths p "
    "ON p.id = v.path_id WHERE v.day BETWEEN ?2 AND ?3 AND p.site = ?1 "
    "AND " OTHER_SITES,
    "SELECT count(*), sum(n), sum(length(k1) * n), sum(day), 0, 0 "
    "FROM dim_counts WHERE site = ?1 AND day BETWEEN ?2 AND ?3",
    "SELECT count(*), sum(length(title)), sum(id), sum(coalesce(published, "
    "0)), 0, 0 FROM paths WHERE site = ?1 AND imported <> 0 "
    "AND CAST(?2 AS INTEGER) <= CAST(?3 AS INTEGER)",
};

int store_fingerprint(struct store *s, int64_t site, int32_t from,
                      int32_t to, uint64_t *fp, struct bs_err *err)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ (uint64_t)(uint32_t)from ^
                 ((uint64_t)(uint32_t)to << 32);

    if (store_batch_flush(s, err))
        return -1;
    for (size_t q = 0; q < ARRAY_SIZE(fp_sql); q++) {
        struct db_stmt *st;
        int rc = db_prepare(s->db, fp_sql[q], 0, &st);

        if (rc != DB_OK)
            return store_fail(s, err, rc, "cannot prepare a query");
        db_bind_int64(st, 1, site);
        db_bind_int(st, 2, from);
        db_bind_int(st, 3, to);
        rc = db_step(st);
        if (rc == DB_ROW)
            for (int c = 0; c < 6; c++) {
                int64_t v = db_column_int64(st, c);

                h = bs_hash_seeded(&v, sizeof(v), h);
            }
        db_finalize(st);
        if (rc != DB_ROW)
            return store_fail(s, err, rc, "cannot read it");
    }
    *fp = h;
    return 0;
}
