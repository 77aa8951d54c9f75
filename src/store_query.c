/*
 * store_query.c - the queries behind `top`, `report` and `status`: one
 * SQL text per query, run by one loop that hands each row to a reader
 * making the query's typed row.
 */
#include "blogstat.h"
#include "store.h"
#include "sketch.h"
#include "store_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int store_day_span(struct store *s, int64_t site, int32_t *first,
                   int32_t *last, struct bs_err *err)
{
    struct db_stmt *st;
    int rc, found = 0;

    rc = db_prepare(s->db, "SELECT min(day), max(day) FROM days "
                    "WHERE site = ?1 OR ?1 < 0", 0, &st);
    if (rc != DB_OK)
        return store_fail(s, err, rc, "cannot read it");
    db_bind_int64(st, 1, site);
    rc = db_step(st);
    if (rc == DB_ROW && db_column_type(st, 0) != DB_NULL) {
        *first = db_column_int(st, 0);
        *last = db_column_int(st, 1);
        found = 1;
    }
    db_finalize(st);
    if (rc != DB_ROW && rc != DB_DONE)
        return store_fail(s, err, rc, "cannot read it");
    return found;
}

/*
 * Views per page-like path in [?1, ?2], with the views of "/?p=ID" links
 * given to the imported post that has that ID.
 */
#define RESOLVED_VIEWS \
    "v AS MATERIALIZED (SELECT coalesce(t.id, p.id) AS pid, " \
    "sum(pv.views) AS n " \
    "FROM path_views pv JOIN paths p ON p.id = pv.path_id " \
    "LEFT JOIN paths t ON p.kind = 'postid' AND t.site = p.site " \
    "AND t.post_id = p.post_id AND t.imported <> 0 AND t.kind IN ('post', 'page') " \
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

/*
 * MEMBERS(name, rows, key): for each row of the CTE rows (its column key,
 * a post's path id), the path ids that count for that post: itself and
 * the "/?p=ID" links of its WordPress id, as name(pid, qid). Each link
 * is found by one seek of paths_post_id (site, post_id), never by a scan
 * of paths per post.
 */
#define MEMBERS(name, rows, key) \
    name " AS (SELECT " key " AS pid, " key " AS qid FROM " rows " " \
    "UNION ALL SELECT p.id, q.id FROM " rows " JOIN paths p ON p.id = " \
    rows "." key " JOIN paths q ON q.site = p.site AND q.post_id = " \
    "p.post_id WHERE p.imported <> 0 AND q.kind = 'postid')"

/* The visitors (sk) and visits (vi) of the posts of the CTE top(id), by
 * post, each summed over its members in one pass. */
#define POST_AUDIENCE \
    MEMBERS("mem", "top", "id") ", " \
    "sk AS (SELECT mem.pid AS pid, sketch_union(ps.sketch) " \
    "AS n FROM mem JOIN path_sketches ps ON ps.path_id = mem.qid " \
    "AND ps.day BETWEEN ?1 AND ?2 GROUP BY mem.pid), " \
    "vi AS (SELECT mem.pid AS pid, sum(vis.n) AS n FROM mem " \
    "JOIN vis ON vis.path_id = mem.qid GROUP BY mem.pid) "

/* Tags or categories (?4): the views of the posts carrying them, and of
 * their own archive pages; their posts' visitors over the range. */
#define TERMS_QUERY \
    "WITH " RESOLVED_VIEWS ", " \
    "pv AS (SELECT pt.term_id, sum(v.n) AS n FROM v " \
    "JOIN post_terms pt ON pt.path_id = v.pid GROUP BY pt.term_id), " \
    "av AS (SELECT term_id, sum(views) AS n FROM term_views " \
    "WHERE day BETWEEN ?1 AND ?2 GROUP BY term_id), " \
    "top AS MATERIALIZED (SELECT t.id AS id, t.name AS name, " \
    "coalesce(t.title, '') AS title, " \
    "coalesce(pv.n, 0) AS post_views, coalesce(av.n, 0) AS archive_views " \
    "FROM terms t " \
    "LEFT JOIN pv ON pv.term_id = t.id LEFT JOIN av ON av.term_id = t.id " \
    "WHERE t.site = ?6 AND t.taxonomy = ?4 AND (pv.n > 0 OR av.n > 0) " \
    "ORDER BY post_views DESC, archive_views DESC, t.name LIMIT ?3) " \
    ", tp AS MATERIALIZED (SELECT top.id AS tid, pt.path_id AS id FROM top " \
    "JOIN post_terms pt ON pt.term_id = top.id), " \
    MEMBERS("mem", "tp", "id") ", " \
    "tm AS (SELECT DISTINCT tp.tid AS tid, mem.qid AS qid FROM tp " \
    "JOIN mem ON mem.pid = tp.id), " \
    "sk AS (SELECT tm.tid AS tid, sketch_union(ps.sketch) " \
    "AS n FROM tm JOIN path_sketches ps ON ps.path_id = tm.qid " \
    "AND ps.day BETWEEN ?1 AND ?2 GROUP BY tm.tid) " \
    "SELECT name, post_views, archive_views, sk.n, title " \
    "FROM top LEFT JOIN sk ON sk.tid = top.id " \
    "ORDER BY post_views DESC, archive_views DESC, name"

/* Rows of alias that count for the post ?5: itself and its /?p=ID. */
#define OF_POST(a) \
    "(" a ".id = ?5 OR (" a ".kind = 'postid' AND " \
    "(" a ".site, " a ".post_id) = " \
    "(SELECT site, post_id FROM paths WHERE id = ?5 AND imported <> 0 " \
    "AND kind IN ('post', 'page'))))"

/* The posts that the paths of the JSON array ?7 count for (themselves,
 * or the imported posts their "/?p=ID" names), as seen(id), with their
 * members (MEMBERS). */
#define SEEN_POSTS(each, id) \
    "seen AS MATERIALIZED (SELECT DISTINCT coalesce(r.id, p.id) AS id " \
    "FROM " each " CROSS JOIN paths p ON p.id = " id " " \
    "LEFT JOIN paths r ON p.kind = 'postid' AND r.site = p.site " \
    "AND r.post_id = p.post_id AND r.imported <> 0 " \
    "AND r.kind IN ('post', 'page')), " MEMBERS("mem", "seen", "id")

/* The posts of cv(pid, n) as Q_TOP_POSTS ranks them, ?3 of them. */
#define SEEN_RANK \
    "SELECT p.id, cv.n FROM cv JOIN paths p ON p.id = cv.pid " \
    "WHERE p.site = ?6 AND p.kind IN ('post', 'page') " \
    "AND (CAST(?4 AS TEXT) IS NULL OR p.kind = ?4) ORDER BY cv.n DESC, p.path LIMIT ?3"

/* The posts of the JSON array ?7 of [id, views] as top(id, n), their
 * members and visitors. */
#define TOP_OF(each, at0, at1) \
    "top AS MATERIALIZED (SELECT " at0 " AS id, " \
    at1 " AS n FROM " each "), " \
    MEMBERS("mem", "top", "id") ", " \
    "sk AS (SELECT mem.pid AS pid, sketch_union(ps.sketch) " \
    "AS n FROM mem JOIN path_sketches ps ON ps.path_id = mem.qid " \
    "AND ps.day BETWEEN ?1 AND ?2 GROUP BY mem.pid)"

/* The rows of top, sk and vi as Q_TOP_POSTS gives them. */
#define TOP_OF_ROWS \
    "SELECT p.path, coalesce(p.title, ''), top.n, p.id, " \
    "sk.n, coalesce(vi.n, 0) " \
    "FROM top JOIN paths p ON p.id = top.id LEFT JOIN sk ON sk.pid = top.id " \
    "LEFT JOIN vi ON vi.pid = top.id ORDER BY top.n DESC, p.path"

/* Of the paths ?7 (a JSON array of ids: posts, pages, "/?p=ID" links),
 * the posts they count for with their views of the range, as
 * Q_TOP_POSTS ranks them: each found by seeks of its own rows (a day at
 * a time), never by a pass over the range; Q_TOP_SEEN_ALL the same when
 * the range holds every day stored, from the totals. */
#define TOP_SEEN_SQL(each, id) \
    "WITH RECURSIVE " SEEN_POSTS(each, id) ", " \
    DAYS_OF("dd", "path_views") ", " \
    "cv AS (SELECT mem.pid AS pid, sum(pv.views) AS n FROM dd " \
    "CROSS JOIN mem CROSS JOIN path_views pv WHERE dd.day <= ?2 " \
    "AND pv.day = dd.day AND pv.path_id = mem.qid GROUP BY mem.pid) " \
    SEEN_RANK
#define TOP_SEEN_ALL_SQL(each, id) \
    "WITH " SEEN_POSTS(each, id) ", " \
    "cv AS (SELECT mem.pid AS pid, sum(t.views) AS n FROM mem " \
    "JOIN path_totals t ON t.path_id = mem.qid GROUP BY mem.pid " \
    "HAVING sum(t.days) > 0) " \
    SEEN_RANK
/* The rows of the posts ?7 (a JSON array of [id, views]), ranked: their
 * visitors and visits by seeks of their own rows (_ALL: from the
 * totals). */
#define TOP_OF_SQL(each, at0, at1) \
    "WITH RECURSIVE " TOP_OF(each, at0, at1) ", " \
    DAYS_OF("dv", "visits") ", " \
    "vi AS (SELECT mem.pid AS pid, sum(vs.visits) AS n FROM dv " \
    "CROSS JOIN mem CROSS JOIN visits vs WHERE dv.day <= ?2 " \
    "AND vs.day = dv.day AND vs.path_id = mem.qid GROUP BY mem.pid) " \
    TOP_OF_ROWS
#define TOP_OF_ALL_SQL(each, at0, at1) \
    "WITH " TOP_OF(each, at0, at1) ", " \
    "vi AS (SELECT mem.pid AS pid, sum(t.visits) AS n FROM mem " \
    "JOIN path_totals t ON t.path_id = mem.qid GROUP BY mem.pid) " \
    TOP_OF_ROWS

/* The queries; their SQL binds ?1 from, ?2 to, ?3 limit (-1: none),
 * ?4 a kind or taxonomy name (or NULL), ?5 a path id, ?6 a site, ?7 a
 * JSON array of path ids or rows. */
enum query_id {
    Q_TOP_POSTS, Q_LEAST_POSTS, Q_TERMS, Q_TOP_COUNTRIES, Q_DAYS,
    Q_DAY_COUNTS, Q_RANGE,
    Q_TOP_REFERRERS, Q_TOP_SEARCH_TERMS, Q_SOURCES, Q_POST_RANGE,
    Q_POST_REFERRERS, Q_FILES, Q_POST_INFO, Q_POST_DAYS, Q_POST_COUNTRIES,
    Q_POST_TERMS, Q_SITES, Q_TOP_SEEN, Q_TOP_SEEN_ALL, Q_TOP_OF,
    Q_TOP_OF_ALL, Q_COUNT
};

static const char *const query_sql[] = {
    /* The visitors and visits of the rows only, once they are chosen. */
    [Q_TOP_POSTS] =
        "WITH " RESOLVED_VIEWS ", " PATH_VISITS ", "
        "top AS MATERIALIZED (SELECT p.id AS id, v.n AS n FROM v "
        "JOIN paths p ON p.id = v.pid "
        "WHERE p.kind IN ('post', 'page') AND (CAST(?4 AS TEXT) IS NULL OR p.kind = ?4) "
        "ORDER BY v.n DESC, p.path LIMIT ?3) "
        ", " POST_AUDIENCE
        "SELECT p.path, coalesce(p.title, ''), top.n, p.id, "
        "sk.n, coalesce(vi.n, 0) "
        "FROM top JOIN paths p ON p.id = top.id LEFT JOIN sk ON sk.pid = top.id "
        "LEFT JOIN vi ON vi.pid = top.id ORDER BY top.n DESC, p.path",
    /* The least read posts and pages, imported ones with no view too. */
    [Q_LEAST_POSTS] =
        "WITH " RESOLVED_VIEWS ", " PATH_VISITS ", "
        /* The read posts and the imported ones, each once: one pass over
         * v, never a scan of v per path. */
        "top AS MATERIALIZED (SELECT u.id AS id, sum(u.n) AS n, "
        "p.path AS path FROM (SELECT pid AS id, n FROM v WHERE n > 0 "
        "UNION ALL SELECT id, 0 FROM paths WHERE site = ?6 AND imported <> 0) u "
        "JOIN paths p ON p.id = u.id "
        "WHERE p.kind IN ('post', 'page') AND (CAST(?4 AS TEXT) IS NULL OR p.kind = ?4) "
        "GROUP BY u.id, p.path ORDER BY n ASC, path LIMIT ?3) "
        ", " POST_AUDIENCE
        "SELECT p.path, coalesce(p.title, ''), top.n, p.id, "
        "sk.n, coalesce(vi.n, 0) "
        "FROM top JOIN paths p ON p.id = top.id LEFT JOIN sk ON sk.pid = top.id "
        "LEFT JOIN vi ON vi.pid = top.id ORDER BY top.n ASC, p.path",
    [Q_TERMS] = TERMS_QUERY,
    [Q_TOP_COUNTRIES] =
        "WITH top AS (SELECT country, sum(views) AS v FROM country_views "
        "WHERE site = ?6 AND day BETWEEN ?1 AND ?2 "
        "GROUP BY country ORDER BY v DESC, country LIMIT ?3) "
        "SELECT top.country, "
        "CASE top.country WHEN '--' THEN 'Unknown' "
        "ELSE coalesce(n.name, '') END, top.v, "
        "(SELECT sketch_union(cs.sketch) "
        "FROM country_sketches cs WHERE cs.site = ?6 "
        "AND cs.country = top.country "
        "AND cs.day BETWEEN ?1 AND ?2) "
        "FROM top LEFT JOIN country_names n ON n.code = top.country "
        "ORDER BY top.v DESC, top.country",
    [Q_DAYS] =
        "SELECT d.day, d.views, d.hits, d.robots, d.bad_lines, "
        "s.sketch, d.visits FROM days d "
        "LEFT JOIN day_sketches s ON s.site = d.site AND s.day = d.day "
        "WHERE d.site = ?6 AND d.day BETWEEN ?1 AND ?2 "
        "ORDER BY d.day LIMIT ?3",
    /* Q_DAYS without the sketches. */
    [Q_DAY_COUNTS] =
        "SELECT day, views, hits, robots, bad_lines, NULL, visits FROM days "
        "WHERE site = ?6 AND day BETWEEN ?1 AND ?2 ORDER BY day LIMIT ?3",
    /* One row: the visitors and visits of the range. */
    [Q_RANGE] =
        "SELECT (SELECT sketch_union(sketch) "
        "FROM day_sketches WHERE site = ?6 AND day BETWEEN ?1 AND ?2), "
        "coalesce((SELECT sum(visits) FROM days "
        "WHERE site = ?6 AND day BETWEEN ?1 AND ?2), 0) LIMIT ?3",
    /* Referring hosts but the site itself, and search terms. */
    [Q_TOP_REFERRERS] =
        "SELECT host, class, sum(views) AS v FROM referrers "
        "WHERE day BETWEEN ?1 AND ?2 AND site = ?6 AND class <> 'internal' "
        "GROUP BY host, class ORDER BY v DESC, host LIMIT ?3",
    [Q_TOP_SEARCH_TERMS] =
        "SELECT term, sum(views) AS v FROM search_terms "
        "WHERE site = ?6 AND day BETWEEN ?1 AND ?2 GROUP BY term "
        "ORDER BY v DESC, term LIMIT ?3",
    [Q_SOURCES] =
        "SELECT class, sum(views) AS v FROM referrers "
        "WHERE day BETWEEN ?1 AND ?2 AND site = ?6 GROUP BY class "
        "ORDER BY v DESC, class LIMIT ?3",
    [Q_POST_RANGE] =
        "WITH RECURSIVE q AS MATERIALIZED "
        "(SELECT id FROM paths p WHERE " OF_POST("p") "), "
        DAYS_OF("dd", "visits") " "
        "SELECT (SELECT sketch_union(sketch) "
        "FROM path_sketches WHERE day BETWEEN ?1 AND ?2 "
        "AND path_id IN (SELECT id FROM q)), "
        "coalesce((SELECT sum(vs.visits) FROM dd CROSS JOIN q "
        "CROSS JOIN visits vs WHERE dd.day <= ?2 AND vs.day = dd.day "
        "AND vs.path_id = q.id), 0) LIMIT ?3",
    [Q_POST_REFERRERS] =
        "WITH RECURSIVE q AS MATERIALIZED "
        "(SELECT id FROM paths p WHERE " OF_POST("p") "), "
        DAYS_OF("dd", "referrers") " "
        "SELECT r.host, r.class, sum(r.views) AS v FROM dd CROSS JOIN q "
        "CROSS JOIN referrers r WHERE dd.day <= ?2 AND r.day = dd.day "
        "AND r.path_id = q.id "
        "GROUP BY r.host, r.class ORDER BY v DESC, r.host LIMIT ?3",
    [Q_FILES] =
        "SELECT name, coalesce(error, ''), last_read, lines, bad_lines, hits, "
        "gzip, size, position, CASE WHEN error IS NOT NULL THEN 3 "
        "WHEN complete <> 0 THEN 1 ELSE 2 END, first_day IS NOT NULL, "
        "coalesce(first_day, 0), coalesce(max_day, 0) FROM sources "
        "WHERE coalesce(max_day, ?2) >= ?1 AND coalesce(first_day, ?1) <= ?2 "
        "ORDER BY id LIMIT ?3",
    [Q_POST_INFO] =
        "SELECT path, coalesce(title, ''), kind, coalesce(published, -1), "
        "published IS NOT NULL FROM paths WHERE id = ?5 "
        "AND ?1 <= ?2 LIMIT ?3",
    [Q_POST_DAYS] =
        "WITH RECURSIVE q AS MATERIALIZED "
        "(SELECT id FROM paths p WHERE " OF_POST("p") "), "
        DAYS_OF("dd", "path_views") ", "
        "d AS (SELECT pv.day AS day, sum(pv.views) AS n FROM dd CROSS JOIN q "
        "CROSS JOIN path_views pv WHERE dd.day <= ?2 AND pv.day = dd.day "
        "AND pv.path_id = q.id GROUP BY pv.day) "
        "SELECT d.day, d.n, "
        "(SELECT sketch_union(sketch) "
        "FROM path_sketches WHERE day = d.day "
        "AND path_id IN (SELECT id FROM q)), "
        "coalesce((SELECT sum(visits) FROM visits WHERE day = d.day "
        "AND path_id IN (SELECT id FROM q)), 0) "
        "FROM d ORDER BY d.day LIMIT ?3",
    [Q_POST_COUNTRIES] =
        "SELECT c.country, "
        "CASE c.country WHEN '--' THEN 'Unknown' "
        "ELSE coalesce(n.name, '') END, sum(c.views) AS v "
        "FROM post_country_views c JOIN paths p ON p.id = c.path_id "
        "LEFT JOIN country_names n ON n.code = c.country "
        "WHERE c.day BETWEEN ?1 AND ?2 AND " OF_POST("p") " "
        "GROUP BY c.country, n.name ORDER BY v DESC, c.country LIMIT ?3",
    [Q_POST_TERMS] =
        "SELECT t.taxonomy, t.name, coalesce(t.title, '') FROM post_terms pt "
        "JOIN terms t ON t.id = pt.term_id WHERE pt.path_id = ?5 "
        "AND ?1 <= ?2 ORDER BY t.taxonomy DESC, t.name LIMIT ?3",
    /* Every site, those with views of the range first. */
    [Q_SITES] =
        "SELECT s.name, "
        "coalesce((SELECT sum(views) FROM days WHERE site = s.id "
        "AND day BETWEEN ?1 AND ?2), 0) AS v, "
        "(SELECT sketch_union(sketch) "
        "FROM day_sketches WHERE site = s.id AND day BETWEEN ?1 AND ?2), "
        "coalesce((SELECT sum(hits) FROM days WHERE site = s.id "
        "AND day BETWEEN ?1 AND ?2), 0), s.id "
        "FROM sites s ORDER BY v DESC, s.id = 0 DESC, s.name LIMIT ?3",
    [Q_TOP_SEEN] = TOP_SEEN_SQL(J_EACH_LITE(7), J_ID_LITE),
    [Q_TOP_SEEN_ALL] = TOP_SEEN_ALL_SQL(J_EACH_LITE(7), J_ID_LITE),
    [Q_TOP_OF] = TOP_OF_SQL(J_EACH_LITE(7), J_AT_LITE(0), J_AT_LITE(1)),
    [Q_TOP_OF_ALL] = TOP_OF_ALL_SQL(J_EACH_LITE(7), J_AT_LITE(0), J_AT_LITE(1)),
};

_Static_assert(ARRAY_SIZE(query_sql) == Q_COUNT, "one SQL per query");

/* The queries PostgreSQL reads in words of its own (NULL: query_sql's). */
static const char *const query_pg[Q_COUNT] = {
    [Q_TOP_SEEN] = TOP_SEEN_SQL(J_EACH_PG(7), J_ID_PG),
    [Q_TOP_SEEN_ALL] = TOP_SEEN_ALL_SQL(J_EACH_PG(7), J_ID_PG),
    [Q_TOP_OF] = TOP_OF_SQL(J_EACH_PG(7), J_AT_PG(0), J_AT_PG(1)),
    [Q_TOP_OF_ALL] = TOP_OF_ALL_SQL(J_EACH_PG(7), J_AT_PG(0), J_AT_PG(1)),
};

/* Every sketch of a row can be counted: 0, or -1 (damaged). */
static int row_sketches_ok(struct db_stmt *st)
{
    uint64_t n;

    for (int c = 0; c < db_column_count(st); c++)
        if (db_column_type(st, c) == DB_BLOB &&
            sketch_blob_count(db_column_blob(st, c),
                              (size_t)db_column_bytes(st, c), &n))
            return -1;
    return 0;
}

/* Makes the typed row of the statement's current row and hands it to the
 * caller's fn: its result, nonzero to stop. */
typedef int row_reader(struct db_stmt *st, void *job);

/* Run query q over the filter, each row through read (job its state);
 * list, when not NULL, is ?7. */
static int run_list(struct store *s, enum query_id q,
                    const struct store_filter *f, const char *name,
                    const char *list, row_reader *read, void *job,
                    struct bs_err *err)
{
    struct db_stmt *st;
    int rc;

    rc = db_prepare(s->db,
                    db_engine(s->db) == DB_POSTGRES && query_pg[q]
                        ? query_pg[q]
                        : query_sql[q],
                    0, &st);
    if (rc != DB_OK)
        return store_fail(s, err, rc, "cannot prepare a query");
    db_bind_int(st, 1, f->from);
    db_bind_int(st, 2, f->to);
    db_bind_int64(st, 3, f->limit > 0 ? f->limit : INT64_MAX);
    if (name)
        db_bind_text(st, 4, name, -1);
    db_bind_int64(st, 5, f->path_id);
    db_bind_int64(st, 6, f->site);
    if (list)
        db_bind_text(st, 7, list, -1);
    while ((rc = db_step(st)) == DB_ROW) {
        if (row_sketches_ok(st)) {
            db_finalize(st);
            return bs_fail(err, BS_DATAERR, "database '%s': a visitor "
                           "sketch is damaged", s->path);
        }
        if (read(st, job)) {
            rc = DB_DONE;
            break;
        }
    }
    s->query_steps +=
        (uint64_t)db_stmt_steps(st);
    db_finalize(st);
    if (rc != DB_DONE)
        return store_fail(s, err, rc, "cannot read it");
    return 0;
}

static int run(struct store *s, enum query_id q, const struct store_filter *f,
               const char *name, row_reader *read, void *job,
               struct bs_err *err)
{
    return run_list(s, q, f, name, NULL, read, job, err);
}

static const char *text(struct db_stmt *st, int col)
{
    const unsigned char *t = db_column_text(st, col);

    return t ? (const char *)t : "";
}

static int64_t num(struct db_stmt *st, int col)
{
    return db_column_int64(st, col);
}

/* A visitors column: the union of sketches the SQL gives (a blob of
 * either format, sketch.h), counted here, 0 for NULL. The queries union
 * in SQL (sketch_union(), hll_union_agg on PostgreSQL) and count in C,
 * so that both engines give the count of blogstat's own estimator. */
static int64_t visitors(struct db_stmt *st, int col)
{
    uint64_t n = 0;

    if (db_column_type(st, col) != DB_BLOB)
        return num(st, col);
    if (sketch_blob_count(db_column_blob(st, col),
                          (size_t)db_column_bytes(st, col), &n))
        return 0;
    return (int64_t)n;
}


/* The enum of a kind as the paths table names it; URL_OTHER when none. */
static enum url_kind kind_of(const char *name)
{
    for (int k = 0; k < URL_NKINDS; k++)
        if (strcmp(url_kind_name((enum url_kind)k), name) == 0)
            return (enum url_kind)k;
    return URL_OTHER;
}

/* The enum of a referrer class as the referrers table names it. */
static enum ref_class class_of(const char *name)
{
    static const enum ref_class all[] = {REF_INTERNAL, REF_SEARCH,
                                         REF_SOCIAL, REF_OTHER, REF_MAIL};

    for (size_t i = 0; i < ARRAY_SIZE(all); i++)
        if (strcmp(ref_class_name(all[i]), name) == 0)
            return all[i];
    return REF_NONE;
}

/* A job: the caller's callback and its context, one type per row. */
#define JOB(type)                                             \
    struct type##_job {                                       \
        int (*fn)(void *ctx, const struct store_##type *row); \
        void *ctx;                                            \
    }

JOB(post_row);
JOB(term_row);
JOB(country_row);
JOB(day_row);
JOB(referrer_row);
JOB(search_row);
JOB(source_row);
JOB(file_row);
JOB(site_row);
JOB(post_info);
JOB(post_day_row);
JOB(post_term_row);

static int read_post(struct db_stmt *st, void *job)
{
    struct post_row_job *j = job;
    struct store_post_row r = {
        .path = text(st, 0), .title = text(st, 1), .views = num(st, 2),
        .id = num(st, 3), .visitors = visitors(st, 4), .visits = num(st, 5),
    };

    return j->fn(j->ctx, &r);
}

/* The kind filter of the posts queries, as the SQL's ?4. */
static const char *post_kind(const struct store_filter *f)
{
    if (f->kind == URL_OTHER)
        return NULL;
    if (f->kind != URL_POST && f->kind != URL_PAGE)
        BUG("posts of kind %d", (int)f->kind);
    return url_kind_name(f->kind);
}

/* ---- the top posts from the all-time totals ------------------------- */

/*
 * The first rows of `top posts` without reading the range: a threshold
 * algorithm (Fagin's) over path_totals, whose index lists a site's paths
 * by all-time views. Take the M most read posts and pages, and the M most
 * read "/?p=ID" links (of the posts they name); rank the posts they give
 * by their views of the range, each summed by seeks of its own rows. A
 * post that is none of them has views of the range at most its all-time
 * views plus its links': at most A + L * B, A and B the all-time views of
 * the (M+1)-th path and link, L the most links of a post. When the K-th
 * ranked has more than that, no such post can reach the first K (nor tie,
 * whatever its path): the answer is exact. Else M grows, and past a bound
 * of work (M times the days read) the range is read whole (Q_TOP_POSTS).
 */
#define TOP_FIRST_SEEN 16
#define TOP_WORK_MAX ((int64_t)1 << 19)

void store_jb_add(struct store_jbuf *b, const char *text)
{
    size_t n = strlen(text);

    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->p = xrealloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, text, n + 1);
    b->n += n;
}

void store_jb_int(struct store_jbuf *b, const char *before, int64_t v)
{
    char num[48];

    snprintf(num, sizeof(num), "%s%lld", before, (long long)v);
    store_jb_add(b, num);
}

/* Step a prepared statement of no more than one row to its first
 * column: 1 and *v, 0 none, -1 with err. */
static int one_int(struct store *s, struct db_stmt *st, int64_t *v,
                   struct bs_err *err)
{
    int rc = db_step(st);

    if (rc == DB_ROW)
        *v = db_column_int64(st, 0);
    s->query_steps +=
        (uint64_t)db_stmt_steps(st);
    db_finalize(st);
    if (rc == DB_ROW)
        return 1;
    return rc == DB_DONE ? 0 : store_fail(s, err, rc, "cannot read it");
}

static struct db_stmt *prepare(struct store *s, const char *sql,
                             struct bs_err *err)
{
    struct db_stmt *st;
    int rc = db_prepare(s->db, sql, 0, &st);

    if (rc != DB_OK) {
        store_fail(s, err, rc, "cannot prepare a query");
        return NULL;
    }
    return st;
}

/* 0 when the range holds every day stored (of path_views and visits:
 * then the totals are its counts), else 1 + the days of path_views in it
 * (each found by a seek); -1 with err. */
static int64_t range_days(struct store *s, const struct store_filter *f,
                          struct bs_err *err)
{
    struct db_stmt *st = prepare(
        s, "WITH RECURSIVE " DAYS_OF("dd", "path_views") " "
           "SELECT CASE WHEN "
           "coalesce((SELECT min(day) FROM path_views), ?1) >= ?1 AND "
           "coalesce((SELECT max(day) FROM path_views), ?2) <= ?2 AND "
           "coalesce((SELECT min(day) FROM visits), ?1) >= ?1 AND "
           "coalesce((SELECT max(day) FROM visits), ?2) <= ?2 THEN 0 ELSE "
           "1 + (SELECT count(*) FROM dd WHERE dd.day <= ?2) END", err);
    int64_t n = 0;

    if (!st)
        return -1;
    db_bind_int(st, 1, f->from);
    db_bind_int(st, 2, f->to);
    return one_int(s, st, &n, err) < 0 ? -1 : n;
}

/* The most "/?p=ID" links that one post of the site has (at least 1):
 * read only when some link is not among those seen. */
static int64_t most_links(struct store *s, int64_t site, struct bs_err *err)
{
    struct db_stmt *st = prepare(
        s, "SELECT count(*) AS c FROM paths WHERE site = ?1 "
           "AND post_id IS NOT NULL AND kind = 'postid' GROUP BY post_id "
           "ORDER BY c DESC LIMIT 1", err);
    int64_t n = 1;

    if (!st)
        return -1;
    db_bind_int64(st, 1, site);
    if (one_int(s, st, &n, err) < 0)
        return -1;
    return n > 1 ? n : 1;
}

/* The first max posts and pages of the site (of kinds k1 or k2), or
 * "/?p=ID" links (links), by all-time views, their ids added to seen;
 * *next: the all-time views of the one after them, -1 when none is. The
 * posts come in the order of the totals' index, the links (paths with a
 * post_id: few) from their own. 0, or -1 with err. */
static int most_read(struct store *s, int64_t site, int links,
                     const char *k1, const char *k2, int64_t max,
                     struct store_jbuf *seen, int64_t *next, struct bs_err *err)
{
    struct db_stmt *st = prepare(
        s, links ? "SELECT t.path_id, t.views FROM paths p "
                   "CROSS JOIN path_totals t ON t.path_id = p.id "
                   "WHERE p.site = ?1 AND p.post_id IS NOT NULL "
                   "AND p.kind = 'postid' ORDER BY t.views DESC LIMIT ?4"
                 : "SELECT t.path_id, t.views FROM path_totals t "
                   "CROSS JOIN paths p ON p.id = t.path_id WHERE t.site = ?1 "
                   "AND p.kind IN (?2, ?3) ORDER BY t.views DESC LIMIT ?4",
        err);
    int64_t got = 0;
    int rc;

    if (!st)
        return -1;
    db_bind_int64(st, 1, site);
    if (!links) {
        db_bind_text(st, 2, k1, -1);
        db_bind_text(st, 3, k2, -1);
    }
    db_bind_int64(st, 4, max + 1);
    *next = -1;
    while ((rc = db_step(st)) == DB_ROW) {
        if (got++ == max) {
            *next = db_column_int64(st, 1);
            break;
        }
        store_jb_int(seen, seen->n > 1 ? "," : "", db_column_int64(st, 0));
    }
    s->query_steps +=
        (uint64_t)db_stmt_steps(st);
    db_finalize(st);
    if (rc != DB_ROW && rc != DB_DONE)
        return store_fail(s, err, rc, "cannot read it");
    return 0;
}

/* The ranked posts of Q_TOP_SEEN: [id, views] pairs, how many, the
 * views of the last. */
struct ranked {
    struct store_jbuf rows;
    int64_t n, last;
};

static int read_ranked(struct db_stmt *st, void *job)
{
    struct ranked *r = job;

    store_jb_int(&r->rows, r->n ? ",[" : "[[", num(st, 0));
    store_jb_int(&r->rows, ",", num(st, 1));
    store_jb_add(&r->rows, "]");
    r->last = num(st, 1);
    r->n++;
    return 0;
}

/* The first f->limit posts through j from the totals: 1 done, 0 when the
 * range must be read whole, -1 with err. */
static int top_by_totals(struct store *s, const struct store_filter *f,
                         struct post_row_job *j, struct bs_err *err)
{
    const char *kind = post_kind(f);
    int64_t days = range_days(s, f, err), links = 0, m;
    int whole = days == 0;
    struct store_jbuf seen = {0};
    struct ranked r = {{0}, 0, 0};
    int rc = 0;

    if (days < 0)
        return -1;
    for (m = f->limit * 4 > TOP_FIRST_SEEN ? f->limit * 4 : TOP_FIRST_SEEN;
         rc == 0 && m * (whole ? 1 : days) <= TOP_WORK_MAX; m *= 4) {
        int64_t next_post, next_link, bound;

        seen.n = 0;
        store_jb_add(&seen, "[");
        if (most_read(s, f->site, 0, kind ? kind : "post",
                      kind ? kind : "page", m, &seen, &next_post, err) ||
            most_read(s, f->site, 1, NULL, NULL, m, &seen, &next_link,
                      err) ||
            (next_link >= 0 && links == 0 &&
             (links = most_links(s, f->site, err)) < 0)) {
            rc = -1;
            break;
        }
        store_jb_add(&seen, "]");
        bound = (next_post > 0 ? next_post : 0) +
                (next_link > 0 ? links * next_link : 0);
        r.rows.n = 0;
        store_jb_add(&r.rows, "");
        r.n = 0;
        if (run_list(s, whole ? Q_TOP_SEEN_ALL : Q_TOP_SEEN, f, kind,
                     seen.p, read_ranked, &r, err)) {
            rc = -1;
            break;
        }
        if ((next_post < 0 && next_link < 0) ||
            (r.n == f->limit && r.last > bound)) {
            store_jb_add(&r.rows, r.n ? "]" : "[]");
            rc = run_list(s, whole ? Q_TOP_OF_ALL : Q_TOP_OF, f, kind,
                          r.rows.p, read_post, j, err) ? -1 : 1;
        }
    }
    free(seen.p);
    free(r.rows.p);
    return rc;
}

int store_top_posts(struct store *s, const struct store_filter *f,
                    int (*fn)(void *ctx, const struct store_post_row *row),
                    void *ctx, struct bs_err *err)
{
    struct post_row_job j = {fn, ctx};
    int rc;

    if (f->limit > 0 && (rc = top_by_totals(s, f, &j, err)) != 0)
        return rc < 0 ? -1 : 0;
    return store_top_posts_scan(s, f, 0, fn, ctx, err);
}

int store_top_posts_read(struct store *s, const struct store_filter *f,
                         int (*fn)(void *ctx,
                                   const struct store_post_row *row),
                         void *ctx, struct bs_err *err)
{
    struct post_row_job j = {fn, ctx};

    return run(s, Q_TOP_POSTS, f, post_kind(f), read_post, &j, err);
}

int store_least_posts(struct store *s, const struct store_filter *f,
                      int (*fn)(void *ctx, const struct store_post_row *row),
                      void *ctx, struct bs_err *err)
{
    return store_top_posts_scan(s, f, 1, fn, ctx, err);
}

int store_least_posts_read(struct store *s, const struct store_filter *f,
                           int (*fn)(void *ctx,
                                     const struct store_post_row *row),
                           void *ctx, struct bs_err *err)
{
    struct post_row_job j = {fn, ctx};

    return run(s, Q_LEAST_POSTS, f, post_kind(f), read_post, &j, err);
}

static int read_term(struct db_stmt *st, void *job)
{
    struct term_row_job *j = job;
    struct store_term_row r = {
        .name = text(st, 0), .post_views = num(st, 1),
        .archive_views = num(st, 2), .visitors = visitors(st, 3),
        .title = text(st, 4),
    };

    return j->fn(j->ctx, &r);
}

int store_top_terms(struct store *s, const struct store_filter *f,
                    enum url_kind taxonomy,
                    int (*fn)(void *ctx, const struct store_term_row *row),
                    void *ctx, struct bs_err *err)
{
    struct term_row_job j = {fn, ctx};

    if (taxonomy != URL_TAG && taxonomy != URL_CATEGORY)
        BUG("terms of kind %d", (int)taxonomy);
    return run(s, Q_TERMS, f, taxonomy == URL_TAG ? "tag" : "category",
               read_term, &j, err);
}

static int read_country(struct db_stmt *st, void *job)
{
    struct country_row_job *j = job;
    struct store_country_row r = {
        .code = text(st, 0), .name = text(st, 1), .views = num(st, 2),
        .visitors = visitors(st, 3),
    };

    return j->fn(j->ctx, &r);
}

/* A post's countries: no visitors counted. */
static int read_post_country(struct db_stmt *st, void *job)
{
    struct country_row_job *j = job;
    struct store_country_row r = {
        .code = text(st, 0), .name = text(st, 1), .views = num(st, 2),
        .visitors = -1,
    };

    return j->fn(j->ctx, &r);
}

int store_top_countries(struct store *s, const struct store_filter *f,
                        int (*fn)(void *ctx,
                                  const struct store_country_row *row),
                        void *ctx, struct bs_err *err)
{
    struct country_row_job j = {fn, ctx};

    return run(s, Q_TOP_COUNTRIES, f, NULL, read_country, &j, err);
}

static int read_day(struct db_stmt *st, void *job)
{
    struct day_row_job *j = job;
    struct store_day_row r = {
        .day = db_column_int(st, 0), .views = num(st, 1),
        .hits = num(st, 2), .robots = num(st, 3), .bad = num(st, 4),
        .visitors = visitors(st, 5), .visits = num(st, 6),
    };

    return j->fn(j->ctx, &r);
}

int store_days(struct store *s, const struct store_filter *f,
               int (*fn)(void *ctx, const struct store_day_row *row),
               void *ctx, struct bs_err *err)
{
    struct day_row_job j = {fn, ctx};

    return run(s, Q_DAYS, f, NULL, read_day, &j, err);
}

int store_day_counts(struct store *s, const struct store_filter *f,
                     int (*fn)(void *ctx, const struct store_day_row *row),
                     void *ctx, struct bs_err *err)
{
    struct day_row_job j = {fn, ctx};

    return run(s, Q_DAY_COUNTS, f, NULL, read_day, &j, err);
}

static int read_audience(struct db_stmt *st, void *job)
{
    struct store_audience *a = job;

    a->visitors = visitors(st, 0);
    a->visits = num(st, 1);
    return 1;
}

int store_range(struct store *s, const struct store_filter *f,
                struct store_audience *out, struct bs_err *err)
{
    memset(out, 0, sizeof(*out));
    return run(s, Q_RANGE, f, NULL, read_audience, out, err);
}

int store_post_range(struct store *s, const struct store_filter *f,
                     struct store_audience *out, struct bs_err *err)
{
    memset(out, 0, sizeof(*out));
    return run(s, Q_POST_RANGE, f, NULL, read_audience, out, err);
}

static int read_referrer(struct db_stmt *st, void *job)
{
    struct referrer_row_job *j = job;
    struct store_referrer_row r = {
        .host = text(st, 0), .cls = class_of(text(st, 1)),
        .views = num(st, 2),
    };

    return j->fn(j->ctx, &r);
}

int store_top_referrers(struct store *s, const struct store_filter *f,
                        int (*fn)(void *ctx,
                                  const struct store_referrer_row *row),
                        void *ctx, struct bs_err *err)
{
    struct referrer_row_job j = {fn, ctx};

    return run(s, Q_TOP_REFERRERS, f, NULL, read_referrer, &j, err);
}

int store_post_referrers(struct store *s, const struct store_filter *f,
                         int (*fn)(void *ctx,
                                   const struct store_referrer_row *row),
                         void *ctx, struct bs_err *err)
{
    struct referrer_row_job j = {fn, ctx};

    return run(s, Q_POST_REFERRERS, f, NULL, read_referrer, &j, err);
}

static int read_search(struct db_stmt *st, void *job)
{
    struct search_row_job *j = job;
    struct store_search_row r = {.term = text(st, 0), .views = num(st, 1)};

    return j->fn(j->ctx, &r);
}

int store_top_search_terms(struct store *s, const struct store_filter *f,
                           int (*fn)(void *ctx,
                                     const struct store_search_row *row),
                           void *ctx, struct bs_err *err)
{
    struct search_row_job j = {fn, ctx};

    return run(s, Q_TOP_SEARCH_TERMS, f, NULL, read_search, &j, err);
}

static int read_source(struct db_stmt *st, void *job)
{
    struct source_row_job *j = job;
    struct store_source_row r = {.cls = class_of(text(st, 0)),
                                 .views = num(st, 1)};

    return j->fn(j->ctx, &r);
}

int store_sources(struct store *s, const struct store_filter *f,
                  int (*fn)(void *ctx, const struct store_source_row *row),
                  void *ctx, struct bs_err *err)
{
    struct source_row_job j = {fn, ctx};

    return run(s, Q_SOURCES, f, NULL, read_source, &j, err);
}

static int read_file(struct db_stmt *st, void *job)
{
    struct file_row_job *j = job;
    struct store_file_row r = {
        .name = text(st, 0), .error = text(st, 1), .last_read = text(st, 2),
        .lines = num(st, 3), .bad_lines = num(st, 4), .hits = num(st, 5),
        .gzip = db_column_int(st, 6), .size = num(st, 7),
        .position = num(st, 8),
        .state = (enum store_file_state)db_column_int(st, 9),
        .has_days = db_column_int(st, 10),
        .first_day = db_column_int(st, 11),
        .last_day = db_column_int(st, 12),
    };

    return j->fn(j->ctx, &r);
}

int store_files(struct store *s, const struct store_filter *f,
                int (*fn)(void *ctx, const struct store_file_row *row),
                void *ctx, struct bs_err *err)
{
    struct file_row_job j = {fn, ctx};

    return run(s, Q_FILES, f, NULL, read_file, &j, err);
}

static int read_site(struct db_stmt *st, void *job)
{
    struct site_row_job *j = job;
    struct store_site_row r = {
        .name = text(st, 0), .views = num(st, 1), .visitors = visitors(st, 2),
        .hits = num(st, 3), .id = num(st, 4),
    };

    return j->fn(j->ctx, &r);
}

int store_sites(struct store *s, const struct store_filter *f,
                int (*fn)(void *ctx, const struct store_site_row *row),
                void *ctx, struct bs_err *err)
{
    struct site_row_job j = {fn, ctx};

    return run(s, Q_SITES, f, NULL, read_site, &j, err);
}

static int read_post_info(struct db_stmt *st, void *job)
{
    struct post_info_job *j = job;
    struct store_post_info r = {
        .path = text(st, 0), .title = text(st, 1),
        .kind = kind_of(text(st, 2)),
        .has_published = db_column_int(st, 4),
        .published = db_column_int(st, 3),
    };

    return j->fn(j->ctx, &r);
}

int store_post_info(struct store *s, const struct store_filter *f,
                    int (*fn)(void *ctx, const struct store_post_info *row),
                    void *ctx, struct bs_err *err)
{
    struct post_info_job j = {fn, ctx};

    return run(s, Q_POST_INFO, f, NULL, read_post_info, &j, err);
}

static int read_post_day(struct db_stmt *st, void *job)
{
    struct post_day_row_job *j = job;
    struct store_post_day_row r = {
        .day = db_column_int(st, 0), .views = num(st, 1),
        .visitors = visitors(st, 2), .visits = num(st, 3),
    };

    return j->fn(j->ctx, &r);
}

int store_post_days(struct store *s, const struct store_filter *f,
                    int (*fn)(void *ctx,
                              const struct store_post_day_row *row),
                    void *ctx, struct bs_err *err)
{
    struct post_day_row_job j = {fn, ctx};

    return run(s, Q_POST_DAYS, f, NULL, read_post_day, &j, err);
}

int store_post_countries(struct store *s, const struct store_filter *f,
                         int (*fn)(void *ctx,
                                   const struct store_country_row *row),
                         void *ctx, struct bs_err *err)
{
    struct country_row_job j = {fn, ctx};

    return run(s, Q_POST_COUNTRIES, f, NULL, read_post_country, &j, err);
}

static int read_post_term(struct db_stmt *st, void *job)
{
    struct post_term_row_job *j = job;
    struct store_post_term_row r = {
        .taxonomy = strcmp(text(st, 0), "tag") == 0 ? URL_TAG : URL_CATEGORY,
        .name = text(st, 1), .title = text(st, 2),
    };

    return j->fn(j->ctx, &r);
}

int store_post_terms(struct store *s, const struct store_filter *f,
                     int (*fn)(void *ctx,
                               const struct store_post_term_row *row),
                     void *ctx, struct bs_err *err)
{
    struct post_term_row_job j = {fn, ctx};

    return run(s, Q_POST_TERMS, f, NULL, read_post_term, &j, err);
}

int store_totals(struct store *s, struct store_totals *t, struct bs_err *err)
{
    struct db_stmt *st;
    int rc;

    memset(t, 0, sizeof(*t));
    rc = db_prepare(
        s->db,
        "SELECT (SELECT count(*) FROM sources), "
        "(SELECT coalesce(sum(lines), 0) FROM sources), "
        "(SELECT coalesce(sum(bad_lines), 0) FROM sources), "
        "(SELECT coalesce(sum(hits), 0) FROM days), "
        "(SELECT coalesce(sum(views), 0) FROM days), "
        "(SELECT coalesce(sum(robots), 0) FROM days), "
        /* A line is bad, a hit, or of an excluded address. */
        "(SELECT coalesce(sum(lines - bad_lines - hits), 0) FROM sources)",
        0, &st);
    if (rc != DB_OK)
        return store_fail(s, err, rc, "cannot read it");
    if ((rc = db_step(st)) == DB_ROW) {
        t->files = db_column_int64(st, 0);
        t->lines = db_column_int64(st, 1);
        t->bad_lines = db_column_int64(st, 2);
        t->hits = db_column_int64(st, 3);
        t->views = db_column_int64(st, 4);
        t->robots = db_column_int64(st, 5);
        t->excluded = db_column_int64(st, 6);
    }
    db_finalize(st);
    if (rc != DB_ROW)
        return store_fail(s, err, rc, "cannot read it");
    t->db_bytes = db_engine(s->db) == DB_POSTGRES
                      ? store_pragma_int(s, "SELECT pg_database_size("
                                            "current_database())")
                      : store_pragma_int(s, "PRAGMA page_count") *
                            store_pragma_int(s, "PRAGMA page_size");
    return 0;
}

uint64_t store_query_steps(const struct store *s)
{
    return s->query_steps;
}
