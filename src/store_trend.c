/*
 * store_trend.c - the posts read well above their usual week
 * (doc/counting.md "Trending"): each post's views in the 7 days ending
 * with the range's last day against the median of its 4 weeks before.
 */
#include "blogstat.h"
#include "store.h"
#include "store_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The 5 weeks' views of each post and page read in them: ?1 the site,
 * ?2 the first day of the 5 weeks, ?3 the last, ?4..?7 the first day of
 * the last week, of the one before, ... */
static const char trend_sql[] =
    "SELECT p.path, coalesce(p.title, ''), "
    "sum(CASE WHEN v.day >= ?4 THEN v.views ELSE 0 END), "
    "sum(CASE WHEN v.day >= ?5 AND v.day < ?4 THEN v.views ELSE 0 END), "
    "sum(CASE WHEN v.day >= ?6 AND v.day < ?5 THEN v.views ELSE 0 END), "
    "sum(CASE WHEN v.day >= ?7 AND v.day < ?6 THEN v.views ELSE 0 END), "
    "sum(CASE WHEN v.day < ?7 THEN v.views ELSE 0 END) "
    "FROM path_views v JOIN paths p ON p.id = v.path_id "
    "WHERE v.day BETWEEN ?2 AND ?3 AND p.site = ?1 "
    "AND p.kind IN ('post', 'page') AND p.path <> '(other)' "
    "GROUP BY p.id, p.path, p.title";

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

int64_t store_trend_usual(const int64_t *weeks, int n)
{
    int64_t w[4];

    if (n < 1 || n > 4)
        BUG("the usual of %d weeks", n);
    memcpy(w, weeks, (size_t)n * sizeof(*w));
    qsort(w, (size_t)n, sizeof(*w), cmp_i64);
    /* An even count: the mean of the middle two, half up. */
    return n % 2 ? w[n / 2] : (w[n / 2 - 1] + w[n / 2] + 1) / 2;
}

int store_trend_rising(int64_t views, int64_t usual)
{
    double u = (double)usual;

    return views >= STORE_TREND_MIN && views >= 2 * usual &&
           (double)(views - usual) >= 3.0 * sqrt(u > 1 ? u : 1);
}

struct held {
    struct store_trend_row r;
    char *path, *title;
    double score;
};

static int by_score(const void *a, const void *b)
{
    const struct held *x = a, *y = b;

    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    if (x->r.views != y->r.views)
        return x->r.views > y->r.views ? -1 : 1;
    return strcmp(x->path, y->path);
}

static void free_held(struct held *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(h[i].path);
        free(h[i].title);
    }
    free(h);
}

/* The site's first day with data into *day (INT32_MAX: none): 0, or -1
 * with err. */
static int store_first_day(struct store *s, int64_t site, int64_t *day,
                           struct bs_err *err)
{
    struct db_stmt *st;
    int rc = db_prepare(s->db, "SELECT min(day) FROM days WHERE site = ?1",
                        0, &st);

    if (rc != DB_OK)
        return store_fail(s, err, rc, "cannot prepare a query");
    db_bind_int64(st, 1, site);
    rc = db_step(st);
    *day = rc == DB_ROW && db_column_type(st, 0) != DB_NULL
               ? db_column_int64(st, 0)
               : INT32_MAX;
    db_finalize(st);
    return rc == DB_ROW ? 0 : store_fail(s, err, rc, "cannot read it");
}

int store_top_trending(struct store *s, const struct store_filter *f,
                       int (*fn)(void *ctx,
                                 const struct store_trend_row *row),
                       void *ctx, struct bs_err *err)
{
    int32_t end = f->to;
    struct db_stmt *st;
    struct held *h = NULL;
    size_t n = 0, cap = 0;
    int64_t first = INT32_MAX;
    int rc, known = 0;

    if (store_batch_flush(s, err) ||
        store_first_day(s, f->site, &first, err))
        return -1;
    /* The weeks before the site's first day of data are not known: none
     * known, nothing can be said to rise. */
    while (known < 4 && first <= end - 13 - 7 * known)
        known++;
    if (known == 0)
        return 0;
    rc = db_prepare(s->db, trend_sql, 0, &st);
    if (rc != DB_OK)
        return store_fail(s, err, rc, "cannot prepare a query");
    db_bind_int64(st, 1, f->site);
    db_bind_int(st, 2, end - 34);
    db_bind_int(st, 3, end);
    for (int k = 0; k < 4; k++)
        db_bind_int(st, 4 + k, end - 6 - 7 * k);
    while ((rc = db_step(st)) == DB_ROW) {
        int64_t views = db_column_int64(st, 2), weeks[4], usual;

        for (int k = 0; k < 4; k++)
            weeks[k] = db_column_int64(st, 3 + k);
        usual = store_trend_usual(weeks, known);
        if (!store_trend_rising(views, usual))
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 32;
            h = xrealloc(h, cap * sizeof(*h));
        }
        memset(&h[n], 0, sizeof(h[n]));
        h[n].path = xstrdup((const char *)db_column_text(st, 0));
        h[n].title = xstrdup((const char *)db_column_text(st, 1));
        h[n].r.views = views;
        h[n].r.usual = usual;
        /* A post with no usual week is new: before every rise. */
        h[n].score = usual ? (double)(views - usual) / (double)usual
                           : HUGE_VAL;
        n++;
    }
    db_finalize(st);
    if (rc != DB_DONE) {
        free_held(h, n);
        return store_fail(s, err, rc, "cannot read it");
    }
    if (n)
        qsort(h, n, sizeof(*h), by_score);
    rc = 0;
    for (size_t i = 0; i < n && (f->limit <= 0 || (int64_t)i < f->limit) &&
                       !rc;
         i++) {
        h[i].r.path = h[i].path;
        h[i].r.title = h[i].title;
        rc = fn(ctx, &h[i].r);
    }
    free_held(h, n);
    return 0;
}

/* ---- a post's life ---------------------------------------------------- */

/* The site's imported posts and pages with a publication date: ?1 the
 * site. */
#define AGED_POSTS                                                        \
    "SELECT id, published FROM paths WHERE site = ?1 AND imported <> 0 "  \
    "AND published IS NOT NULL AND kind IN ('post', 'page')"

/* Each imported post's views by its age in days: ?1 the site, ?2 the
 * last day. path_views is read once, in its key order (CROSS JOIN keeps
 * that order: SQLite's own choice, a search of the days after each
 * post's publication, reads the table once a post), each row's page
 * looked up among the posts alone, gathered first (MATERIALIZED): a
 * database of a million paths and few posts has each row looked up in a
 * table of the posts, not of the million. */
static const char ages_sql[] =
    "WITH p AS MATERIALIZED (" AGED_POSTS ") "
    "SELECT p.id, p.published, v.day - p.published, v.views "
    "FROM path_views v CROSS JOIN p ON p.id = v.path_id "
    "WHERE v.day <= ?2 AND v.day >= p.published";
/* Whether there is any: without one, path_views is not read. */
static const char aged_any_sql[] =
    "SELECT EXISTS (" AGED_POSTS ")";

int store_post_ages(struct store *s, int64_t site, int32_t to,
                    int (*fn)(void *ctx, int64_t path_id, int32_t published,
                              int32_t age, int64_t views),
                    void *ctx, struct bs_err *err)
{
    struct db_stmt *st;
    int rc, any;

    if (store_batch_flush(s, err))
        return -1;
    rc = db_prepare(s->db, aged_any_sql, 0, &st);
    if (rc != DB_OK)
        return store_fail(s, err, rc, "cannot prepare a query");
    db_bind_int64(st, 1, site);
    rc = db_step(st);
    any = rc == DB_ROW && db_column_int(st, 0) != 0;
    db_finalize(st);
    if (rc != DB_ROW)
        return store_fail(s, err, rc, "cannot read it");
    if (!any)
        return 0;
    rc = db_prepare(s->db, ages_sql, 0, &st);
    if (rc != DB_OK)
        return store_fail(s, err, rc, "cannot prepare a query");
    db_bind_int64(st, 1, site);
    db_bind_int(st, 2, to);
    while ((rc = db_step(st)) == DB_ROW)
        if (fn(ctx, db_column_int64(st, 0), db_column_int(st, 1),
               db_column_int(st, 2), db_column_int64(st, 3))) {
            rc = DB_DONE;
            break;
        }
    db_finalize(st);
    return rc == DB_DONE ? 0 : store_fail(s, err, rc, "cannot read it");
}

/* The posts' views in their first ?2 days, those whose first days are
 * all in the data: published on or after ?3 (the site's first day) and
 * ?2 days old by ?4 (the last day). ?1 the site, ?5 the most rows. */
static const char first_days_sql[] =
    "SELECT p.id, p.path, coalesce(p.title, ''), sum(v.views) AS n "
    "FROM paths p JOIN path_views v ON v.path_id = p.id "
    "WHERE p.site = ?1 AND p.imported <> 0 AND p.published IS NOT NULL "
    "AND p.kind IN ('post', 'page') AND p.published >= ?3 "
    "AND p.published + CAST(?2 AS INTEGER) - 1 <= ?4 "
    "AND v.day >= p.published "
    "AND v.day <= p.published + CAST(?2 AS INTEGER) - 1 "
    "GROUP BY p.id, p.path, p.title ORDER BY n DESC, p.path LIMIT ?5";

int store_top_first_days(struct store *s, const struct store_filter *f,
                         int32_t days,
                         int (*fn)(void *ctx,
                                   const struct store_post_row *row),
                         void *ctx, struct bs_err *err)
{
    struct db_stmt *st;
    int64_t first = INT32_MAX;
    int rc;

    if (store_batch_flush(s, err) ||
        store_first_day(s, f->site, &first, err))
        return -1;
    rc = db_prepare(s->db, first_days_sql, 0, &st);
    if (rc != DB_OK)
        return store_fail(s, err, rc, "cannot prepare a query");
    db_bind_int64(st, 1, f->site);
    db_bind_int(st, 2, days);
    db_bind_int64(st, 3, first);
    db_bind_int(st, 4, f->to);
    db_bind_int64(st, 5, f->limit > 0 ? f->limit : INT64_MAX);
    while ((rc = db_step(st)) == DB_ROW) {
        struct store_post_row r = {
            .id = db_column_int64(st, 0),
            .path = (const char *)db_column_text(st, 1),
            .title = (const char *)db_column_text(st, 2),
            .views = db_column_int64(st, 3),
            .visitors = -1, .visits = -1,
        };

        if (fn(ctx, &r)) {
            rc = DB_DONE;
            break;
        }
    }
    db_finalize(st);
    return rc == DB_DONE ? 0 : store_fail(s, err, rc, "cannot read it");
}
