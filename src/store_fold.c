/*
 * store_fold.c - a day's long tail folded where it is written.
 *
 * An ingest folds each chunk's long tail in memory (agg.h); here the same
 * bounds hold over a whole day, whatever the chunks and runs that add to
 * it. A key of a day is let in when the day already has it, when it is
 * one traffic cannot make (home, search, "(other)", an imported post or
 * page, a "/?p=ID" link to one, a tag or category an imported post
 * carries), or while the day has fewer than AGG_FOLD_KEYS others of its
 * group; else it counts under "(other)". The groups are a day's pages,
 * its tags and categories, its referrers and its search terms.
 *
 * Each group's count of a day is read once a transaction and then kept
 * in memory (store_fold_forget() empties it when the transaction ends);
 * a key is looked up only once its day is at the bound (fold_room()).
 * The statements are the store's for its life.
 */
#include "blogstat.h"
#include "agg.h"
#include "store.h"
#include "store_int.h"
#include "table.h"

#include <stdlib.h>
#include <string.h>

enum fold_stmt {
    F_PATH_STATE, F_TERM_STATE, F_REF_HAS, F_SEARCH_HAS,
    F_PATH_COUNT, F_TERM_COUNT, F_REF_COUNT, F_SEARCH_COUNT, F_DIM_COUNT,
    F_DIM_HAS, F_NSTMTS
};

/* The groups, in the order of their count statements; each dimension
 * (dims.h) is a group of its own, G_DIMS + its number. */
enum fold_group { G_PATHS, G_TERMS, G_REFS, G_SEARCH, G_DIMS };

static const char *const fold_sql[F_NSTMTS] = {
    /* Known, and counted that day. */
    [F_PATH_STATE] =
        "SELECT coalesce((SELECT imported FROM paths WHERE site = ?1"
        " AND path = ?2), 0) <> 0"
        " OR EXISTS (SELECT 1 FROM paths WHERE site = ?1 AND post_id = ?4"
        " AND imported <> 0),"
        " EXISTS (SELECT 1 FROM paths p JOIN path_views v"
        " ON v.path_id = p.id AND v.day = ?3 WHERE p.site = ?1"
        " AND p.path = ?2)",
    [F_TERM_STATE] =
        "SELECT EXISTS (SELECT 1 FROM post_terms pt WHERE pt.term_id = t.id),"
        " EXISTS (SELECT 1 FROM term_views v WHERE v.day = ?4"
        " AND v.term_id = t.id) FROM terms t WHERE t.site = ?1"
        " AND t.taxonomy = ?2 AND t.name = ?3",
    [F_REF_HAS] =
        "SELECT 1 FROM referrers WHERE day = ?1 AND path_id = ?2"
        " AND host = ?3 AND class = ?4",
    [F_SEARCH_HAS] =
        "SELECT 1 FROM search_terms WHERE site = ?2 AND day = ?1"
        " AND term = ?3",
    /* The keys of a day's group that are neither known nor "(other)":
     * the day's rows first (CROSS JOIN keeps that order), never every
     * row of the site. */
    [F_PATH_COUNT] =
        "SELECT count(*) FROM path_views v CROSS JOIN paths p"
        " ON p.id = v.path_id"
        " WHERE v.day = ?1 AND p.site = ?2 AND p.imported = 0"
        " AND p.kind NOT IN (?3, ?4) AND p.path <> ?6"
        " AND NOT (p.kind = ?5 AND EXISTS (SELECT 1 FROM paths q"
        " WHERE q.site = p.site AND q.post_id = p.post_id AND q.imported <> 0))",
    [F_TERM_COUNT] =
        "SELECT count(*) FROM term_views v CROSS JOIN terms t"
        " ON t.id = v.term_id"
        " WHERE v.day = ?1 AND t.site = ?2 AND t.name <> ?6"
        " AND NOT EXISTS (SELECT 1 FROM post_terms pt"
        " WHERE pt.term_id = t.id)",
    [F_REF_COUNT] =
        "SELECT count(*) FROM referrers WHERE day = ?1 AND site = ?2"
        " AND host <> ?6",
    [F_SEARCH_COUNT] =
        "SELECT count(*) FROM search_terms WHERE site = ?2 AND day = ?1"
        " AND term <> ?6",
    [F_DIM_COUNT] =
        "SELECT count(*) FROM dim_counts WHERE site = ?2 AND dim = ?3"
        " AND day = ?1 AND k1 <> ?6",
    [F_DIM_HAS] =
        "SELECT 1 FROM dim_counts WHERE site = ?2 AND dim = ?3 AND day = ?1"
        " AND k1 = ?4 AND k2 = ?5 AND k3 = ?6",
};

struct store_fold {
    struct db_stmt *st[F_NSTMTS];
    /* Of the open transaction: */
    struct cntmap *used;       /* (site, group, day) -> its keys + 1 */
    struct cntmap *exact;      /* (site, group, day) -> 1: at the bound,
                                  key by key (fold_room()) */
    struct cntmap *views;      /* hash of (site, group, day, key) -> 1 let
                                  in, 2 folded */
};

void store_fold_forget(struct store *s)
{
    if (s->fold) {
        cntmap_clear(s->fold->used);
        cntmap_clear(s->fold->exact);
        cntmap_clear(s->fold->views);
    }
}

void store_fold_free(struct store *s)
{
    if (!s->fold)
        return;
    for (int i = 0; i < F_NSTMTS; i++)
        db_finalize(s->fold->st[i]);
    cntmap_free(s->fold->used);
    cntmap_free(s->fold->exact);
    cntmap_free(s->fold->views);
    free(s->fold);
    s->fold = NULL;
}

static struct store_fold *fold_of(struct store *s)
{
    if (!s->fold) {
        s->fold = xcalloc(1, sizeof(*s->fold));
        s->fold->used = cntmap_new();
        s->fold->exact = cntmap_new();
        s->fold->views = cntmap_new();
    }
    return s->fold;
}

/* The statement id, after the rows waiting to be written: it reads them. */
static struct db_stmt *fold_stmt(struct store *s, enum fold_stmt id,
                               struct bs_err *err)
{
    int rc;

    if (store_batch_flush(s, err))
        return NULL;
    if (fold_of(s)->st[id])
        return s->fold->st[id];
    rc = db_prepare(s->db, fold_sql[id], 1, &s->fold->st[id]);
    if (rc != DB_OK) {
        store_fail(s, err, rc, "cannot read it");
        return NULL;
    }
    return s->fold->st[id];
}

int store_is_other(const char *key, size_t n)
{
    return n == AGG_OTHER_LEN && memcmp(key, AGG_OTHER, n) == 0;
}

/* Step st once: 1 and the first two columns in c[] for a row, 0 for none,
 * -1 with err. */
static int fold_row(struct store *s, struct db_stmt *st, int64_t c[2],
                    struct bs_err *err)
{
    int rc = db_step(st);

    if (rc == DB_ROW) {
        c[0] = db_column_int64(st, 0);
        c[1] = db_column_count(st) > 1 ? db_column_int64(st, 1) : 0;
    }
    db_reset(st);
    db_clear_bindings(st);
    if (rc == DB_ROW)
        return 1;
    return rc == DB_DONE ? 0 : store_fail(s, err, rc, "cannot read it");
}

static uint64_t group_key(int64_t site, int32_t day, enum fold_group g)
{
    if (site < 0 || site >= (int64_t)1 << 24)
        BUG("site id %lld", (long long)site);
    if ((unsigned)g > 255)
        BUG("fold group %d", (int)g);
    return (uint64_t)site << 40 | (uint64_t)(unsigned)g << 32 |
           (uint32_t)day;
}

/* The keys of the day's group, counted in the database into the
 * transaction's count (its keys + 1): 0, or -1 with err. */
static int fold_count(struct store *s, int64_t site, int32_t day,
                      enum fold_group g, struct bs_err *err)
{
    uint64_t k = group_key(site, day, g);
    struct db_stmt *st = fold_stmt(s, g >= G_DIMS ? F_DIM_COUNT
                                                  : F_PATH_COUNT + (int)g,
                                   err);
    int64_t c[2] = {0, 0};

    if (!st)
        return -1;
    db_bind_int(st, 1, day);
    db_bind_int64(st, 2, site);
    if (g >= G_DIMS)
        db_bind_text(st, 3, dim_name((enum dim)(g - G_DIMS)), -1);
    if (g == G_PATHS) {
        db_bind_text(st, 3, url_kind_name(URL_HOME), -1);
        db_bind_text(st, 4, url_kind_name(URL_SEARCH), -1);
        db_bind_text(st, 5, url_kind_name(URL_POSTID), -1);
    }
    db_bind_text(st, 6, AGG_OTHER, AGG_OTHER_LEN);
    if (fold_row(s, st, c, err) < 0)
        return -1;
    /* Set, as a delta: the counter wraps back. */
    cntmap_add(s->fold->used, k,
               (uint64_t)c[0] + 1 - cntmap_get(s->fold->used, k));
    return 0;
}

/*
 * Room for a key of the day's group without looking it up: while the
 * group's count, each key asked taken for a new one, stays under the
 * bound, every key is let in (one the day has, or a known one, costs a
 * place it did not need). At the bound the count is made exact and the
 * group goes key by key for the rest of the transaction: so only a day
 * at its bound pays a query a key. 1: let in; 0: look the key up; -1
 * with err.
 */
/* The most keys of a group a day holds. */
static uint64_t group_cap(enum fold_group g)
{
    return g >= G_DIMS ? dim_cap((enum dim)(g - G_DIMS)) : AGG_FOLD_KEYS;
}

static int fold_room(struct store *s, int64_t site, int32_t day,
                     enum fold_group g, struct bs_err *err)
{
    uint64_t k = group_key(site, day, g), used;

    if (cntmap_get(fold_of(s)->exact, k))
        return 0;
    if (!cntmap_get(s->fold->used, k) && fold_count(s, site, day, g, err))
        return -1;
    used = cntmap_get(s->fold->used, k);
    if (used - 1 < group_cap(g)) {
        cntmap_add(s->fold->used, k, 1);
        return 1;
    }
    if (fold_count(s, site, day, g, err))
        return -1;
    cntmap_add(s->fold->exact, k, 1);
    return 0;
}

/* A new key of the day's group, looked up, takes a place: 1, or 0 when
 * none is left. */
static int fold_take(struct store *s, int64_t site, int32_t day,
                     enum fold_group g)
{
    uint64_t k = group_key(site, day, g);

    if (cntmap_get(s->fold->used, k) - 1 >= group_cap(g))
        return 0;
    cntmap_add(s->fold->used, k, 1);
    return 1;
}

int64_t store_link_id(const char *key, size_t n)
{
    const char *eq = memchr(key, '=', n);
    int64_t id = 0;

    for (const char *c = eq ? eq + 1 : key + n; c < key + n; c++)
        id = id * 10 + (*c - '0');
    return id;
}

int store_fold_view(struct store *s, int64_t site, int32_t day,
                    enum url_kind kind, const char *key, size_t n,
                    struct bs_err *err)
{
    int terms = kind == URL_TAG || kind == URL_CATEGORY, found, in;
    enum fold_group g = terms ? G_TERMS : G_PATHS;
    struct db_stmt *st;
    int64_t c[2] = {0, 0};
    uint64_t h, seen;

    if (kind == URL_HOME || kind == URL_SEARCH || store_is_other(key, n))
        return 1;
    /* Asked before in this transaction (its views, then its sketch, its
     * referrers, its visits): the same answer, whatever the order. */
    h = bs_hash_seeded(key, n, group_key(site, day, g));
    if ((seen = cntmap_get(fold_of(s)->views, h)) != 0)
        return seen == 1;
    if ((in = fold_room(s, site, day, g, err)) != 0)
        goto out;
    st = fold_stmt(s, terms ? F_TERM_STATE : F_PATH_STATE, err);
    if (!st)
        return -1;
    db_bind_int64(st, 1, site);
    if (terms) {
        db_bind_text(st, 2, url_kind_name(kind), -1);
        db_bind_text(st, 3, key, (int)n);
        db_bind_int(st, 4, day);
    } else {
        db_bind_text(st, 2, key, (int)n);
        db_bind_int(st, 3, day);
        if (kind == URL_POSTID)
            db_bind_int64(st, 4, store_link_id(key, n));
    }
    if ((found = fold_row(s, st, c, err)) < 0)
        return -1;
    in = found && (c[0] || c[1]) ? 1 : fold_take(s, site, day, g);
out:
    if (in >= 0)
        cntmap_add(s->fold->views, h, in ? 1 : 2);
    return in;
}

int store_fold_key(struct store *s, int64_t site, int32_t day,
                   enum url_kind *kind, const char **key, size_t *n,
                   struct bs_err *err)
{
    int in = store_fold_view(s, site, day, *kind, *key, *n, err);

    if (in < 0)
        return -1;
    if (!in) {
        if (*kind != URL_TAG && *kind != URL_CATEGORY)
            *kind = URL_PAGE;
        *key = AGG_OTHER;
        *n = AGG_OTHER_LEN;
    }
    return 0;
}

int store_fold_referrer(struct store *s, int64_t site, int32_t day,
                        int64_t path_id, const char *host, size_t n,
                        const char *cls, struct bs_err *err)
{
    struct db_stmt *st;
    int64_t c[2];
    int found;

    if (store_is_other(host, n))
        return 1;
    if ((found = fold_room(s, site, day, G_REFS, err)) != 0)
        return found;
    if (!(st = fold_stmt(s, F_REF_HAS, err)))
        return -1;
    db_bind_int(st, 1, day);
    db_bind_int64(st, 2, path_id);
    db_bind_text(st, 3, host, (int)n);
    db_bind_text(st, 4, cls, -1);
    if ((found = fold_row(s, st, c, err)) != 0)
        return found;
    return fold_take(s, site, day, G_REFS);
}

int store_fold_search(struct store *s, int64_t site, int32_t day,
                      const char *term, size_t n, struct bs_err *err)
{
    struct db_stmt *st;
    int64_t c[2];
    int found;

    if (store_is_other(term, n))
        return 1;
    if ((found = fold_room(s, site, day, G_SEARCH, err)) != 0)
        return found;
    if (!(st = fold_stmt(s, F_SEARCH_HAS, err)))
        return -1;
    db_bind_int(st, 1, day);
    db_bind_int64(st, 2, site);
    db_bind_text(st, 3, term, (int)n);
    if ((found = fold_row(s, st, c, err)) != 0)
        return found;
    return fold_take(s, site, day, G_SEARCH);
}

int store_fold_dim(struct store *s, int64_t site, const struct dim_row *r,
                   struct bs_err *err)
{
    enum fold_group g;
    struct db_stmt *st;
    int64_t c[2];
    int found;

    if ((unsigned)r->dim >= DIM_N)
        BUG("dimension %d", (int)r->dim);
    g = (enum fold_group)(G_DIMS + (int)r->dim);

    if (store_is_other(r->k[0].p, r->k[0].n))
        return 1;
    if ((found = fold_room(s, site, r->day, g, err)) != 0)
        return found;
    if (!(st = fold_stmt(s, F_DIM_HAS, err)))
        return -1;
    db_bind_int(st, 1, r->day);
    db_bind_int64(st, 2, site);
    db_bind_text(st, 3, dim_name(r->dim), -1);
    db_bind_text(st, 4, r->k[0].p, (int)r->k[0].n);
    db_bind_text(st, 5, r->k[1].p, (int)r->k[1].n);
    db_bind_text(st, 6, r->k[2].p, (int)r->k[2].n);
    if ((found = fold_row(s, st, c, err)) != 0)
        return found;
    return fold_take(s, site, r->day, g);
}

/* ---- the keys never folded, copied to another store ------------------- */

/* A post's terms of one taxonomy, gathered from its rows: their names
 * and titles. */
struct names {
    char **v, **title;
    size_t n, cap;
};

static void names_add(struct names *a, const char *s, const char *title)
{
    if (a->n == a->cap) {
        a->cap = a->cap ? 2 * a->cap : 8;
        a->v = xrealloc(a->v, a->cap * sizeof(*a->v));
        a->title = xrealloc(a->title, a->cap * sizeof(*a->title));
    }
    a->title[a->n] = xstrdup(title ? title : "");
    a->v[a->n++] = xstrdup(s);
}

static void names_clear(struct names *a)
{
    for (size_t i = 0; i < a->n; i++) {
        free(a->v[i]);
        free(a->title[i]);
    }
    a->n = 0;
}

/* The post of the row at st (id, site, path, kind, title, published,
 * post_id) with its terms, put into to. */
static int copy_post(struct store *from, struct store *to, struct db_stmt *st,
                     struct db_stmt *tq, struct names nm[2], struct bs_err *err)
{
    const char *kind = (const char *)db_column_text(st, 3);
    const char *title = (const char *)db_column_text(st, 4);
    struct store_post p;
    int rc;

    memset(&p, 0, sizeof(p));
    p.path = (const char *)db_column_text(st, 2);
    p.kind = kind && strcmp(kind, url_kind_name(URL_PAGE)) == 0 ? URL_PAGE
                                                                 : URL_POST;
    p.title = title ? title : "";
    p.has_published = db_column_type(st, 5) != DB_NULL;
    p.published = db_column_int(st, 5);
    p.post_id = db_column_int64(st, 6);
    names_clear(&nm[0]);
    names_clear(&nm[1]);
    db_bind_int64(tq, 1, db_column_int64(st, 0));
    while ((rc = db_step(tq)) == DB_ROW) {
        const char *tax = (const char *)db_column_text(tq, 0);
        const char *name = (const char *)db_column_text(tq, 1);

        if (tax && name)
            names_add(&nm[strcmp(tax, url_kind_name(URL_TAG)) != 0], name,
                      (const char *)db_column_text(tq, 2));
    }
    db_reset(tq);
    if (rc != DB_DONE)
        return store_fail(from, err, rc, "cannot read it");
    if (!p.path)
        return 0;
    p.tags = (const char *const *)nm[0].v;
    p.ntags = nm[0].n;
    p.categories = (const char *const *)nm[1].v;
    p.ncategories = nm[1].n;
    p.tag_titles = (const char *const *)nm[0].title;
    p.category_titles = (const char *const *)nm[1].title;
    p.has_tags = p.has_categories = 1;
    return store_put_post(to, db_column_int64(st, 1), &p, err);
}

int store_copy_posts(struct store *from, struct store *to, struct bs_err *err)
{
    struct db_stmt *st = NULL, *tq = NULL;
    struct names nm[2];
    int rc;

    memset(nm, 0, sizeof(nm));
    rc = db_prepare(from->db,
                    "SELECT id, site, path, kind, title, published,"
                    " post_id FROM paths WHERE imported = 1", 0, &st);
    if (rc == DB_OK)
        rc = db_prepare(from->db,
                        "SELECT t.taxonomy, t.name, t.title FROM post_terms pt"
                        " JOIN terms t ON t.id = pt.term_id"
                        " WHERE pt.path_id = ?1", 0, &tq);
    if (rc != DB_OK) {
        store_fail(from, err, rc, "cannot read it");
    } else {
        while ((rc = db_step(st)) == DB_ROW)
            if (copy_post(from, to, st, tq, nm, err))
                break;
        if (rc == DB_ROW)
            rc = -1;
        else if (rc != DB_DONE)
            store_fail(from, err, rc, "cannot read it");
    }
    db_finalize(st);
    db_finalize(tq);
    for (int i = 0; i < 2; i++) {
        names_clear(&nm[i]);
        free(nm[i].v);
        free(nm[i].title);
    }
    return rc == DB_DONE ? 0 : -1;
}
