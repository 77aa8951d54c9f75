/*
 * store_query.c - the queries behind `top`, `report` and `status`.
 */
#include "blogstat.h"
#include "store.h"
#include "store_int.h"

#include <string.h>

int store_day_span(struct store *s, int64_t site, int32_t *first,
                   int32_t *last, struct bs_err *err)
{
    sqlite3_stmt *st;
    int rc, found = 0;

    rc = sqlite3_prepare_v2(s->db, "SELECT min(day), max(day) FROM days "
                            "WHERE site = ?1 OR ?1 < 0", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, err, rc, "cannot read it");
    sqlite3_bind_int64(st, 1, site);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        *first = sqlite3_column_int(st, 0);
        *last = sqlite3_column_int(st, 1);
        found = 1;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_fail(s, err, rc, "cannot read it");
    return found;
}

/*
 * Views per page-like path in [?1, ?2], with the views of "/?p=ID" links
 * given to the imported post that has that ID.
 */
#define RESOLVED_VIEWS \
    "v AS (SELECT coalesce(t.id, p.id) AS pid, sum(pv.views) AS n " \
    "FROM path_views pv JOIN paths p ON p.id = pv.path_id " \
    "LEFT JOIN paths t ON p.kind = 'postid' AND t.site = p.site " \
    "AND t.post_id = p.post_id AND t.imported AND t.kind IN ('post', 'page') " \
    "WHERE pv.day BETWEEN ?1 AND ?2 AND p.site = ?6 GROUP BY 1) "

/*
 * The days in [?1, ?2] that TABLE (whose primary key begins with day) has
 * rows for, as the recursive CTE NAME(day), each found by one seek of that
 * key: a loose index scan. Joined to TABLE on (day, path_id) it reads the
 * rows of a few paths with a seek per day and path, where a range of days
 * would read every path's rows of every day in it. The last row may be
 * past ?2 or NULL: join with NAME.day <= ?2.
 */
#define DAYS_OF(name, table) \
    name "(day) AS (SELECT (SELECT min(day) FROM " table " WHERE day >= ?1) " \
    "UNION ALL SELECT (SELECT min(day) FROM " table " WHERE day > " name \
    ".day) FROM " name " WHERE " name ".day < ?2)"

/* Visits per path in [?1, ?2], each path's summed in one pass over the
 * range rather than a pass per post. */
#define PATH_VISITS \
    "vis AS MATERIALIZED (SELECT path_id, sum(visits) AS n FROM visits " \
    "WHERE day BETWEEN ?1 AND ?2 GROUP BY path_id)"

/* Rows of paths alias q that count for the post p: itself and the
 * "/?p=ID" links of its WordPress id. */
#define COUNTS_FOR(q, p) \
    "(" q ".id = " p ".id OR (" q ".kind = 'postid' AND " p ".imported " \
    "AND " q ".site = " p ".site AND " q ".post_id = " p ".post_id))"

/* Tags or categories (?4): the views of the posts carrying them, and of
 * their own archive pages; their posts' visitors over the range. */
#define TERMS_QUERY \
    "WITH " RESOLVED_VIEWS ", " \
    "pv AS (SELECT pt.term_id, sum(v.n) AS n FROM v " \
    "JOIN post_terms pt ON pt.path_id = v.pid GROUP BY pt.term_id), " \
    "av AS (SELECT term_id, sum(views) AS n FROM term_views " \
    "WHERE day BETWEEN ?1 AND ?2 GROUP BY term_id), " \
    "top AS (SELECT t.id AS id, t.name AS name, " \
    "coalesce(pv.n, 0) AS post_views, coalesce(av.n, 0) AS archive_views " \
    "FROM terms t " \
    "LEFT JOIN pv ON pv.term_id = t.id LEFT JOIN av ON av.term_id = t.id " \
    "WHERE t.site = ?6 AND t.taxonomy = ?4 AND (pv.n > 0 OR av.n > 0) " \
    "ORDER BY post_views DESC, archive_views DESC, t.name LIMIT ?3) " \
    "SELECT name, post_views, archive_views, " \
    "coalesce((SELECT sketch_count(sketch_union(ps.sketch)) " \
    "FROM post_terms pt JOIN paths p ON p.id = pt.path_id " \
    "JOIN paths q ON " COUNTS_FOR("q", "p") " " \
    "JOIN path_sketches ps ON ps.path_id = q.id " \
    "WHERE pt.term_id = top.id AND ps.day BETWEEN ?1 AND ?2), 0) " \
    "FROM top ORDER BY post_views DESC, archive_views DESC, name"

/* Rows of alias that count for the post ?5: itself and its /?p=ID. */
#define OF_POST(a) \
    "(" a ".id = ?5 OR (" a ".kind = 'postid' AND " \
    "(" a ".site, " a ".post_id) = " \
    "(SELECT site, post_id FROM paths WHERE id = ?5 AND imported " \
    "AND kind IN ('post', 'page'))))"

static const char *const query_sql[] = {
    /* The visitors and visits of the rows only, once they are chosen. */
    [STORE_TOP_POSTS] =
        "WITH " RESOLVED_VIEWS ", " PATH_VISITS ", "
        "top AS (SELECT p.id AS id, v.n AS n FROM v "
        "JOIN paths p ON p.id = v.pid "
        "WHERE p.kind IN ('post', 'page') AND (?4 IS NULL OR p.kind = ?4) "
        "ORDER BY v.n DESC, p.path LIMIT ?3) "
        "SELECT p.path, coalesce(p.title, ''), top.n, p.id, "
        "coalesce((SELECT sketch_count(sketch_union(ps.sketch)) "
        "FROM paths q JOIN path_sketches ps ON ps.path_id = q.id "
        "WHERE " COUNTS_FOR("q", "p") " AND ps.day BETWEEN ?1 AND ?2), 0), "
        "coalesce((SELECT sum(vis.n) FROM paths q "
        "JOIN vis ON vis.path_id = q.id WHERE " COUNTS_FOR("q", "p") "), 0) "
        "FROM top JOIN paths p ON p.id = top.id ORDER BY top.n DESC, p.path",
    /* The least read posts and pages, imported ones with no view too. */
    [STORE_LEAST_POSTS] =
        "WITH " RESOLVED_VIEWS ", " PATH_VISITS ", "
        "top AS (SELECT p.id AS id, coalesce(v.n, 0) AS n FROM paths p "
        "LEFT JOIN v ON v.pid = p.id "
        "WHERE p.site = ?6 AND p.kind IN ('post', 'page') "
        "AND (?4 IS NULL OR p.kind = ?4) "
        "AND (p.imported OR v.n > 0) ORDER BY n ASC, p.path LIMIT ?3) "
        "SELECT p.path, coalesce(p.title, ''), top.n, p.id, "
        "coalesce((SELECT sketch_count(sketch_union(ps.sketch)) "
        "FROM paths q JOIN path_sketches ps ON ps.path_id = q.id "
        "WHERE " COUNTS_FOR("q", "p") " AND ps.day BETWEEN ?1 AND ?2), 0), "
        "coalesce((SELECT sum(vis.n) FROM paths q "
        "JOIN vis ON vis.path_id = q.id WHERE " COUNTS_FOR("q", "p") "), 0) "
        "FROM top JOIN paths p ON p.id = top.id ORDER BY top.n ASC, p.path",
    [STORE_TOP_TAGS] = TERMS_QUERY,
    [STORE_TOP_CATEGORIES] = TERMS_QUERY,
    [STORE_TOP_COUNTRIES] =
        "WITH top AS (SELECT country, sum(views) AS v FROM country_views "
        "WHERE site = ?6 AND day BETWEEN ?1 AND ?2 "
        "GROUP BY country ORDER BY v DESC, country LIMIT ?3) "
        "SELECT top.country, "
        "CASE top.country WHEN '--' THEN 'Unknown' "
        "ELSE coalesce(n.name, '') END, top.v, "
        "coalesce((SELECT sketch_count(sketch_union(cs.sketch)) "
        "FROM country_sketches cs WHERE cs.site = ?6 "
        "AND cs.country = top.country "
        "AND cs.day BETWEEN ?1 AND ?2), 0) "
        "FROM top LEFT JOIN country_names n ON n.code = top.country "
        "ORDER BY top.v DESC, top.country",
    [STORE_DAYS] =
        "SELECT d.day, d.views, d.hits, d.robots, d.bad_lines, "
        "coalesce(sketch_count(s.sketch), 0), d.visits FROM days d "
        "LEFT JOIN day_sketches s ON s.site = d.site AND s.day = d.day "
        "WHERE d.site = ?6 AND d.day BETWEEN ?1 AND ?2 "
        "ORDER BY d.day LIMIT ?3",
    /* One row: the visitors and visits of the range. */
    [STORE_RANGE] =
        "SELECT coalesce((SELECT sketch_count(sketch_union(sketch)) "
        "FROM day_sketches WHERE site = ?6 AND day BETWEEN ?1 AND ?2), 0), "
        "coalesce((SELECT sum(visits) FROM days "
        "WHERE site = ?6 AND day BETWEEN ?1 AND ?2), 0) LIMIT ?3",
    /* Referring hosts but the site itself, and search terms. */
    [STORE_TOP_REFERRERS] =
        "SELECT host, class, sum(views) AS v FROM referrers "
        "WHERE day BETWEEN ?1 AND ?2 AND site = ?6 AND class <> 'internal' "
        "GROUP BY host, class ORDER BY v DESC, host LIMIT ?3",
    [STORE_TOP_SEARCH_TERMS] =
        "SELECT term, sum(views) AS v FROM search_terms "
        "WHERE site = ?6 AND day BETWEEN ?1 AND ?2 GROUP BY term "
        "ORDER BY v DESC, term LIMIT ?3",
    [STORE_SOURCES] =
        "SELECT class, sum(views) AS v FROM referrers "
        "WHERE day BETWEEN ?1 AND ?2 AND site = ?6 GROUP BY class "
        "ORDER BY v DESC, class LIMIT ?3",
    [STORE_POST_RANGE] =
        "WITH RECURSIVE q AS MATERIALIZED "
        "(SELECT id FROM paths p WHERE " OF_POST("p") "), "
        DAYS_OF("dd", "visits") " "
        "SELECT coalesce((SELECT sketch_count(sketch_union(sketch)) "
        "FROM path_sketches WHERE day BETWEEN ?1 AND ?2 "
        "AND path_id IN (SELECT id FROM q)), 0), "
        "coalesce((SELECT sum(vs.visits) FROM dd CROSS JOIN q "
        "CROSS JOIN visits vs WHERE dd.day <= ?2 AND vs.day = dd.day "
        "AND vs.path_id = q.id), 0) LIMIT ?3",
    [STORE_POST_REFERRERS] =
        "WITH RECURSIVE q AS MATERIALIZED "
        "(SELECT id FROM paths p WHERE " OF_POST("p") "), "
        DAYS_OF("dd", "referrers") " "
        "SELECT r.host, r.class, sum(r.views) AS v FROM dd CROSS JOIN q "
        "CROSS JOIN referrers r WHERE dd.day <= ?2 AND r.day = dd.day "
        "AND r.path_id = q.id "
        "GROUP BY r.host, r.class ORDER BY v DESC, r.host LIMIT ?3",
    [STORE_FILES] =
        "SELECT name, coalesce(error, ''), last_read, lines, bad_lines, hits, "
        "gzip, size, position, CASE WHEN error IS NOT NULL THEN 3 "
        "WHEN complete THEN 1 ELSE 2 END FROM sources "
        "WHERE coalesce(max_day, ?2) >= ?1 AND coalesce(first_day, ?1) <= ?2 "
        "ORDER BY id LIMIT ?3",
    [STORE_POST_INFO] =
        "SELECT path, coalesce(title, ''), kind, coalesce(published, -1), "
        "published IS NOT NULL FROM paths WHERE id = ?5 "
        "AND ?1 <= ?2 LIMIT ?3",
    [STORE_POST_DAYS] =
        "WITH RECURSIVE q AS MATERIALIZED "
        "(SELECT id FROM paths p WHERE " OF_POST("p") "), "
        DAYS_OF("dd", "path_views") ", "
        "d AS (SELECT pv.day AS day, sum(pv.views) AS n FROM dd CROSS JOIN q "
        "CROSS JOIN path_views pv WHERE dd.day <= ?2 AND pv.day = dd.day "
        "AND pv.path_id = q.id GROUP BY pv.day) "
        "SELECT d.day, d.n, "
        "coalesce((SELECT sketch_count(sketch_union(sketch)) "
        "FROM path_sketches WHERE day = d.day "
        "AND path_id IN (SELECT id FROM q)), 0), "
        "coalesce((SELECT sum(visits) FROM visits WHERE day = d.day "
        "AND path_id IN (SELECT id FROM q)), 0) "
        "FROM d ORDER BY d.day LIMIT ?3",
    [STORE_POST_COUNTRIES] =
        "SELECT c.country, "
        "CASE c.country WHEN '--' THEN 'Unknown' "
        "ELSE coalesce(n.name, '') END, sum(c.views) AS v "
        "FROM post_country_views c JOIN paths p ON p.id = c.path_id "
        "LEFT JOIN country_names n ON n.code = c.country "
        "WHERE c.day BETWEEN ?1 AND ?2 AND " OF_POST("p") " "
        "GROUP BY c.country ORDER BY v DESC, c.country LIMIT ?3",
    [STORE_POST_TERMS] =
        "SELECT t.taxonomy, t.name FROM post_terms pt "
        "JOIN terms t ON t.id = pt.term_id WHERE pt.path_id = ?5 "
        "AND ?1 <= ?2 ORDER BY t.taxonomy DESC, t.name LIMIT ?3",
    /* Every site, those with views of the range first. */
    [STORE_SITES] =
        "SELECT s.name, "
        "coalesce((SELECT sum(views) FROM days WHERE site = s.id "
        "AND day BETWEEN ?1 AND ?2), 0) AS v, "
        "coalesce((SELECT sketch_count(sketch_union(sketch)) "
        "FROM day_sketches WHERE site = s.id AND day BETWEEN ?1 AND ?2), 0), "
        "coalesce((SELECT sum(hits) FROM days WHERE site = s.id "
        "AND day BETWEEN ?1 AND ?2), 0) "
        "FROM sites s ORDER BY v DESC, s.id = 0 DESC, s.name LIMIT ?3",
};

/* Column layout of each query: how many text columns lead. */
static const int query_ntext[] = {
    [STORE_TOP_POSTS] = 2, [STORE_TOP_TAGS] = 1, [STORE_TOP_CATEGORIES] = 1,
    [STORE_TOP_COUNTRIES] = 2, [STORE_DAYS] = 0, [STORE_FILES] = 3,
    [STORE_POST_INFO] = 3, [STORE_POST_DAYS] = 0, [STORE_POST_COUNTRIES] = 2,
    [STORE_POST_TERMS] = 2, [STORE_LEAST_POSTS] = 2, [STORE_RANGE] = 0,
    [STORE_TOP_REFERRERS] = 2, [STORE_TOP_SEARCH_TERMS] = 1,
    [STORE_SOURCES] = 1, [STORE_POST_RANGE] = 0, [STORE_POST_REFERRERS] = 2,
    [STORE_SITES] = 1,
};
_Static_assert(ARRAY_SIZE(query_sql) == STORE_SITES + 1 &&
                   ARRAY_SIZE(query_ntext) == ARRAY_SIZE(query_sql),
               "one SQL and one layout per query");

int store_query(struct store *s, enum store_query q,
                const struct store_filter *f,
                int (*fn)(void *ctx, const struct store_row *row), void *ctx,
                struct bs_err *err)
{
    sqlite3_stmt *st;
    int rc, ntext, ncols;
    char daybuf[11];

    if ((unsigned)q >= ARRAY_SIZE(query_sql))
        BUG("query %d", (int)q);
    rc = sqlite3_prepare_v2(s->db, query_sql[q], -1, &st, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, err, rc, "cannot prepare a query");
    sqlite3_bind_int(st, 1, f->from);
    sqlite3_bind_int(st, 2, f->to);
    sqlite3_bind_int64(st, 3, f->limit > 0 ? f->limit : -1);
    if (q == STORE_TOP_TAGS || q == STORE_TOP_CATEGORIES)
        sqlite3_bind_text(st, 4, q == STORE_TOP_TAGS ? "tag" : "category", -1,
                          SQLITE_STATIC);
    else if ((q == STORE_TOP_POSTS || q == STORE_LEAST_POSTS) && f->kind)
        sqlite3_bind_text(st, 4, f->kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, f->path_id);
    sqlite3_bind_int64(st, 6, f->site);
    ntext = query_ntext[q];
    ncols = sqlite3_column_count(st);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct store_row row;
        int i;

        memset(&row, 0, sizeof(row));
        for (i = 0; i < 3; i++)
            row.s[i] = "";
        for (i = 0; i < ntext; i++) {
            const unsigned char *t = sqlite3_column_text(st, i);

            row.s[i] = t ? (const char *)t : "";
        }
        if (q == STORE_DAYS || q == STORE_POST_DAYS) {
            day_format(sqlite3_column_int(st, 0), daybuf);
            row.s[0] = daybuf;
            for (i = 1; i < ncols && i - 1 < 8; i++)
                row.n[i - 1] = sqlite3_column_int64(st, i);
        } else {
            for (i = ntext; i < ncols && i - ntext < 8; i++)
                row.n[i - ntext] = sqlite3_column_int64(st, i);
        }
        if (fn(ctx, &row)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_fail(s, err, rc, "cannot read it");
    return 0;
}

int store_totals(struct store *s, struct store_totals *t, struct bs_err *err)
{
    sqlite3_stmt *st;
    int rc;

    memset(t, 0, sizeof(*t));
    rc = sqlite3_prepare_v2(
        s->db,
        "SELECT (SELECT count(*) FROM sources), "
        "(SELECT coalesce(sum(lines), 0) FROM sources), "
        "(SELECT coalesce(sum(bad_lines), 0) FROM sources), "
        "(SELECT coalesce(sum(hits), 0) FROM days), "
        "(SELECT coalesce(sum(views), 0) FROM days), "
        "(SELECT coalesce(sum(robots), 0) FROM days)",
        -1, &st, NULL);
    if (rc != SQLITE_OK)
        return store_fail(s, err, rc, "cannot read it");
    if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        t->files = sqlite3_column_int64(st, 0);
        t->lines = sqlite3_column_int64(st, 1);
        t->bad_lines = sqlite3_column_int64(st, 2);
        t->hits = sqlite3_column_int64(st, 3);
        t->views = sqlite3_column_int64(st, 4);
        t->robots = sqlite3_column_int64(st, 5);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return store_fail(s, err, rc, "cannot read it");
    t->db_bytes = store_pragma_int(s, "PRAGMA page_count") *
                  store_pragma_int(s, "PRAGMA page_size");
    return 0;
}
