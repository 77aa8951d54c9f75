/*
 * store_top_scan.c - `top posts` (and `--least`) over every post of a
 * range, in time linear in what the range holds.
 *
 * The SQL that ranks a range's posts (store_top_posts_read()) joins
 * paths, path_views, path_sketches and visits by path: a B-tree seek or
 * more per post, which on a blog of a million stored pages is most of
 * the time. Here each table is read once, in its own key order, by a
 * statement of no join: the site's posts and pages (their paths, titles,
 * and "/?p=ID" links) in id order, the range's views and visits, and
 * the range's sketches in path order, each sketch group counted as it
 * ends. The sums live in C, one slot per post or page, found by binary
 * search of the ids; the ranking is a sort in memory (views, then the
 * path's bytes, as SQLite's BINARY collation and PostgreSQL's C order
 * compare them). Memory: a slot and the path and title of each post and
 * page of the site, freed before returning.
 *
 * The rows are those of the SQL, row for row (tests/unit/test_store_top.c
 * holds them to it on random databases): a post's views include those
 * of the "/?p=ID" links of its WordPress id, its visitors are the union
 * of its own and its links' sketches, its visits the sum of both.
 */
#include "blogstat.h"
#include "store.h"
#include "sketch.h"
#include "store_int.h"

#include <stdlib.h>
#include <string.h>

/* A post or page of the site, and its sums over the range. */
struct slot {
    int64_t id;               /* first: first_not_less() reads it */
    int64_t views, visits;
    uint64_t visitors;
    const char *path, *title; /* in the scan's arena */
    int32_t linked;           /* its links' sketch (scan.lsk), or -1 */
    uint8_t present;          /* a path_views row of the range counts */
    uint8_t imported;
};

/* A "/?p=ID" link and the slot of a post it counts for (of each, when
 * two imported posts have its id, as a post renamed and imported again
 * has). */
struct link {
    int64_t id;               /* first: first_not_less() reads it */
    size_t slot;
};

/* An imported post's or a link's WordPress id, while links are matched. */
struct pid {
    int64_t post_id, id;      /* id: a slot index, or a link's path id */
};

struct scan {
    struct slot *slot;
    size_t nslot, capslot;
    struct link *link;
    size_t nlink;
    struct arena text;
    struct sketch **lsk;      /* the union of each linked post */
    size_t nlsk;
};

/* A statement of the scan, in the engine's words (pg NULL: lite's). */
static struct db_stmt *prep(struct store *s, const char *lite,
                            const char *pg, struct bs_err *err)
{
    struct db_stmt *st;
    int rc = db_prepare(s->db,
                        db_engine(s->db) == DB_POSTGRES && pg ? pg : lite, 0,
                        &st);

    if (rc != DB_OK) {
        store_fail(s, err, rc, "cannot prepare a query");
        return NULL;
    }
    return st;
}

/* Finish a statement stepped to rc: 0, or -1 with err. */
static int scan_done(struct store *s, struct db_stmt *st, int rc,
                     struct bs_err *err)
{
    s->query_steps += (uint64_t)db_stmt_steps(st);
    db_finalize(st);
    if (rc != DB_DONE)
        return store_fail(s, err, rc, "cannot read it");
    return 0;
}

static int cmp_pid(const void *a, const void *b)
{
    const struct pid *x = a, *y = b;

    if (x->post_id != y->post_id)
        return x->post_id < y->post_id ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

static int cmp_link(const void *a, const void *b)
{
    const struct link *x = a, *y = b;

    return (x->id > y->id) - (x->id < y->id);
}

/*
 * The posts and pages (of kind, NULL: both) of the rows of st (paths' id,
 * kind, path, title, imported, post_id, in id order) as slots, and its
 * "/?p=ID" links matched to the imported posts and pages of their id.
 */
static int read_paths(struct store *s, struct scan *x, struct db_stmt *st,
                      const char *kind, struct bs_err *err)
{
    struct pid *posts = NULL, *links = NULL;
    size_t nposts = 0, nlinks = 0, cap_p = 0, cap_l = 0;
    int rc;

    if (!st)
        return -1;
    while ((rc = db_step(st)) == DB_ROW) {
        const char *k = (const char *)db_column_text(st, 1);
        int has_pid = db_column_type(st, 5) != DB_NULL;
        int64_t post_id = db_column_int64(st, 5);

        if (k && strcmp(k, "postid") == 0) {
            if (!has_pid)
                continue;
            if (nlinks == cap_l) {
                cap_l = cap_l ? cap_l * 2 : 64;
                links = xrealloc(links, cap_l * sizeof(*links));
            }
            links[nlinks++] = (struct pid){post_id, db_column_int64(st, 0)};
            continue;
        }
        if (!k || (kind && strcmp(k, kind) != 0))
            continue;
        if (x->nslot == x->capslot) {
            x->capslot = x->capslot ? x->capslot * 2 : 1024;
            x->slot = xrealloc(x->slot, x->capslot * sizeof(*x->slot));
            /* A million paths fill some 60 MB: taken at once, not a
             * page fault at a time. */
            mem_populate(x->slot + x->nslot,
                         (x->capslot - x->nslot) * sizeof(*x->slot));
        }
        struct slot *p = &x->slot[x->nslot];
        const char *title = (const char *)db_column_text(st, 3);

        memset(p, 0, sizeof(*p));
        p->id = db_column_int64(st, 0);
        p->path = arena_memdup(&x->text, db_column_text(st, 2),
                               (size_t)db_column_bytes(st, 2));
        p->title = title && *title
                       ? arena_memdup(&x->text, title,
                                      (size_t)db_column_bytes(st, 3))
                       : "";
        p->imported = db_column_int64(st, 4) != 0;
        p->linked = -1;
        if (p->imported && has_pid) {
            if (nposts == cap_p) {
                cap_p = cap_p ? cap_p * 2 : 64;
                posts = xrealloc(posts, cap_p * sizeof(*posts));
            }
            posts[nposts++] = (struct pid){post_id, (int64_t)x->nslot};
        }
        x->nslot++;
    }
    if (scan_done(s, st, rc, err)) {
        free(posts);
        free(links);
        return -1;
    }
    /* Links and posts by WordPress id, merged. */
    if (nposts)
        qsort(posts, nposts, sizeof(*posts), cmp_pid);
    if (nlinks)
        qsort(links, nlinks, sizeof(*links), cmp_pid);
    for (size_t i = 0, j = 0, caplink = 0; i < nlinks; i++) {
        while (j < nposts && posts[j].post_id < links[i].post_id)
            j++;
        for (size_t k = j; k < nposts && posts[k].post_id == links[i].post_id;
             k++) {
            struct slot *p = &x->slot[posts[k].id];

            if (p->linked < 0) {
                x->lsk = xrealloc(x->lsk,
                                  (x->nlsk + 1) * sizeof(struct sketch *));
                x->lsk[x->nlsk] = sketch_new();
                p->linked = (int32_t)x->nlsk++;
            }
            if (x->nlink == caplink) {
                caplink = caplink ? caplink * 2 : 64;
                x->link = xrealloc(x->link, caplink * sizeof(*x->link));
            }
            x->link[x->nlink++] =
                (struct link){links[i].id, (size_t)posts[k].id};
        }
    }
    if (x->nlink)
        qsort(x->link, x->nlink, sizeof(*x->link), cmp_link);
    free(posts);
    free(links);
    return 0;
}

/* The first of n elements of size bytes at base, sorted by the int64_t
 * id each begins with (struct slot, struct link), whose id is not less
 * than id. */
static size_t first_not_less(const void *base, size_t n, size_t size,
                             int64_t id)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int64_t at;

        memcpy(&at, (const char *)base + mid * size, sizeof(at));
        if (at < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The slots a path id counts for: its own (1, in *one), or its link's
 * posts (x->link[*at ...], the count returned); 0: none. */
static size_t slots_of(const struct scan *x, int64_t id, size_t *one,
                       size_t *at)
{
    size_t lo = first_not_less(x->slot, x->nslot, sizeof(*x->slot), id), hi;

    *one = 0;
    if (lo < x->nslot && x->slot[lo].id == id) {
        *one = lo;
        *at = SIZE_MAX;
        return 1;
    }
    lo = first_not_less(x->link, x->nlink, sizeof(*x->link), id);
    *at = lo;
    for (hi = lo; hi < x->nlink && x->link[hi].id == id; hi++)
        ;
    return hi - lo;
}

/* The i-th of the slots slots_of() found. */
static struct slot *slot_at(struct scan *x, size_t one, size_t at, size_t i)
{
    return &x->slot[at == SIZE_MAX ? one : x->link[at + i].slot];
}

/* Views (visits == 0) or visits of the range, summed into the slots. */
static int read_sums(struct store *s, struct scan *x,
                     const struct store_filter *f, int visits,
                     struct bs_err *err)
{
    struct db_stmt *st = prep(
        s, visits ? "SELECT path_id, visits FROM visits "
                    "WHERE day BETWEEN ?1 AND ?2"
                  : "SELECT path_id, views FROM path_views "
                    "WHERE day BETWEEN ?1 AND ?2", NULL, err);
    int rc;

    if (!st)
        return -1;
    db_bind_int(st, 1, f->from);
    db_bind_int(st, 2, f->to);
    while ((rc = db_step(st)) == DB_ROW) {
        size_t one, at, n = slots_of(x, db_column_int64(st, 0), &one, &at);

        for (size_t i = 0; i < n; i++) {
            struct slot *p = slot_at(x, one, at, i);

            if (visits) {
                p->visits += db_column_int64(st, 1);
            } else {
                p->views += db_column_int64(st, 1);
                p->present = 1;
            }
        }
    }
    return scan_done(s, st, rc, err);
}

/* A blob of the sketch scan, copied: SQLite's is gone at the next step. */
struct held {
    unsigned char *p;
    size_t n, cap;
};

static void hold(struct held *h, const void *p, size_t n)
{
    if (!h->p || n > h->cap) {
        h->cap = n > 64 ? n : 64;
        h->p = xrealloc(h->p, h->cap);
    }
    if (n)
        memcpy(h->p, p, n);
    h->n = n;
}

/*
 * The visitors of the slots: the range's sketches in path order, each
 * path's group counted as it ends (one sketch: its count, read from the
 * blob; more: their union), those of a linked post and its links
 * gathered in its own sketch and counted last.
 */
static int read_sketches(struct store *s, struct scan *x, struct db_stmt *st,
                         struct bs_err *err)
{
    struct sketch *u = sketch_new();
    struct held first = {0};
    struct slot *cur = NULL;  /* the group's own slot, when unlinked */
    size_t one = 0, at = 0, nto = 0;
    int64_t cur_id = -1;      /* path ids are positive */
    int rows = 0, rc, bad = 0;

    if (!st) {
        sketch_free(u);
        return -1;
    }
    for (;;) {
        rc = db_step(st);
        int64_t id = rc == DB_ROW ? db_column_int64(st, 0) : 0;
        int next = rc != DB_ROW || id != cur_id;

        /* The group of cur ends: count it. */
        if (cur && next) {
            uint64_t n = 0;

            if (rows == 1)
                bad |= sketch_blob_count(first.p, first.n, &n) != 0;
            else
                n = sketch_count(u);
            cur->visitors = n;
        }
        if (rc != DB_ROW)
            break;
        const void *b = db_column_blob(st, 1);
        size_t nb = (size_t)db_column_bytes(st, 1);

        if (next) {
            nto = slots_of(x, id, &one, &at);
            cur = nto == 1 && at == SIZE_MAX && x->slot[one].linked < 0
                      ? &x->slot[one]
                      : NULL;
            cur_id = id;
            rows = 0;
            sketch_clear(u);
        }
        if (!cur) {
            /* A linked post's or a link's: into each post's own union. */
            for (size_t i = 0; i < nto; i++)
                bad |= sketch_merge_blob(
                           x->lsk[slot_at(x, one, at, i)->linked], b, nb) != 0;
        } else if (rows++ == 0) {
            hold(&first, b, nb);
        } else {
            if (rows == 2)
                bad |= sketch_merge_blob(u, first.p, first.n) != 0;
            bad |= sketch_merge_blob(u, b, nb) != 0;
        }
        if (bad)
            break;
    }
    sketch_free(u);
    free(first.p);
    if (bad) {
        scan_done(s, st, DB_DONE, err);
        return bs_fail(err, BS_DATAERR, "database '%s': a visitor sketch "
                       "is damaged", s->path);
    }
    if (scan_done(s, st, rc, err))
        return -1;
    for (size_t i = 0; i < x->nslot; i++)
        if (x->slot[i].linked >= 0)
            x->slot[i].visitors = sketch_count(x->lsk[x->slot[i].linked]);
    return 0;
}

/* The ranking: most read first, then by the path's bytes; least read
 * first, then by path. */
static int cmp_most(const void *a, const void *b)
{
    const struct slot *x = *(const struct slot *const *)a;
    const struct slot *y = *(const struct slot *const *)b;

    if (x->views != y->views)
        return x->views > y->views ? -1 : 1;
    return strcmp(x->path, y->path);
}

static int cmp_least(const void *a, const void *b)
{
    const struct slot *x = *(const struct slot *const *)a;
    const struct slot *y = *(const struct slot *const *)b;

    if (x->views != y->views)
        return x->views < y->views ? -1 : 1;
    return strcmp(x->path, y->path);
}

static void scan_free(struct scan *x)
{
    for (size_t i = 0; i < x->nlsk; i++)
        sketch_free(x->lsk[i]);
    free(x->lsk);
    free(x->slot);
    free(x->link);
    arena_release(&x->text);
}

/*
 * Whether the range spans most of the days the views are stored for (1):
 * then each table is read whole, in key order, which costs less than
 * finding the range's rows of each post; else (0) the posts, pages and
 * sketches are those of the range's paths, each found by a seek. -1 with
 * err.
 */
static int most_days(struct store *s, const struct store_filter *f,
                     struct bs_err *err)
{
    struct db_stmt *st = prep(
        s, "SELECT (SELECT min(day) FROM path_views), "
           "(SELECT max(day) FROM path_views)", NULL, err);
    int64_t lo = 0, hi = -1, in;
    int rc;

    if (!st)
        return -1;
    rc = db_step(st);
    if (rc == DB_ROW) {
        if (db_column_type(st, 0) != DB_NULL) {
            lo = db_column_int64(st, 0);
            hi = db_column_int64(st, 1);
        }
        rc = DB_DONE;
    }
    if (scan_done(s, st, rc, err))
        return -1;
    in = (f->to < hi ? f->to : hi) - (f->from > lo ? f->from : lo) + 1;
    return in * 2 >= hi - lo + 1;
}

/* A growing list of path ids. */
struct ids {
    int64_t *v;
    size_t n, cap;
};

/* The first column of every row of st added to ids. */
static int add_ids(struct store *s, struct db_stmt *st, struct ids *ids,
                   struct bs_err *err)
{
    int rc;

    while ((rc = db_step(st)) == DB_ROW) {
        if (ids->n == ids->cap) {
            ids->cap = ids->cap ? ids->cap * 2 : 1024;
            ids->v = xrealloc(ids->v, ids->cap * sizeof(*ids->v));
        }
        ids->v[ids->n++] = db_column_int64(st, 0);
    }
    return scan_done(s, st, rc, err);
}

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

/* ids sorted, each once, as a JSON array in j. */
static void ids_json(struct ids *ids, struct store_jbuf *j)
{
    size_t n = 0;

    if (ids->n)
        qsort(ids->v, ids->n, sizeof(*ids->v), cmp_id);
    store_jb_add(j, "[");
    for (size_t i = 0; i < ids->n; i++)
        if (i == 0 || ids->v[i] != ids->v[i - 1])
            store_jb_int(j, n++ ? "," : "", ids->v[i]);
    store_jb_add(j, "]");
}

#define PATH_COLS "p.id, p.kind, p.path, p.title, p.imported, p.post_id"
#define PATH_KINDS "p.kind IN ('post', 'page', 'postid')"
#define JOIN_PATHS(each, id) \
    "SELECT " PATH_COLS " FROM " each " CROSS JOIN paths p ON p.id = " id \
    " WHERE p.site = ?1 AND " PATH_KINDS " ORDER BY p.id"
#define JOIN_SKETCHES(each, id) \
    "SELECT ps.path_id, ps.sketch FROM " each " CROSS JOIN path_sketches " \
    "ps ON ps.path_id = " id " WHERE ps.day BETWEEN ?1 AND ?2 " \
    "ORDER BY ps.path_id"

/* The slots: every post and page of the site (whole), or those of the
 * range's paths, of its links, its imported posts with a WordPress id
 * and (least) all its imported posts. */
static int find_paths(struct store *s, struct scan *x,
                      const struct store_filter *f, const char *kind,
                      int whole, int least, struct bs_err *err)
{
    struct ids ids = {0};
    struct store_jbuf j = {0};
    struct db_stmt *st;
    int rc;

    if (whole) {
        /* +site: the table in id order, not the (site, path) index. */
        st = prep(s, "SELECT " PATH_COLS " FROM paths p WHERE +p.site = ?1 "
                     "AND " PATH_KINDS " ORDER BY p.id", NULL, err);
        if (!st)
            return -1;
        db_bind_int64(st, 1, f->site);
        return read_paths(s, x, st, kind, err);
    }
    if (!(st = prep(s, "SELECT path_id FROM path_views "
                       "WHERE day BETWEEN ?1 AND ?2", NULL, err)))
        return -1;
    db_bind_int(st, 1, f->from);
    db_bind_int(st, 2, f->to);
    rc = add_ids(s, st, &ids, err);
    if (rc == 0 && !(st = prep(s, least ? "SELECT id FROM paths "
                                         "WHERE site = ?1 AND imported <> 0"
                                       : "SELECT id FROM paths WHERE site = ?1 "
                                         "AND post_id IS NOT NULL "
                                         "AND (kind = 'postid' OR imported <> 0)",
                               NULL, err)))
        rc = -1;
    if (rc == 0) {
        db_bind_int64(st, 1, f->site);
        rc = add_ids(s, st, &ids, err);
    }
    /* The links of the imported posts, when least took all of those. */
    if (rc == 0 && least &&
        !(st = prep(s, "SELECT id FROM paths WHERE site = ?1 "
                       "AND post_id IS NOT NULL AND kind = 'postid'",
                    NULL, err)))
        rc = -1;
    if (rc == 0 && least) {
        db_bind_int64(st, 1, f->site);
        rc = add_ids(s, st, &ids, err);
    }
    if (rc == 0) {
        ids_json(&ids, &j);
        st = prep(s, JOIN_PATHS(J_EACH_LITE(2), J_ID_LITE),
                  JOIN_PATHS(J_EACH_PG(2), J_ID_PG), err);
        if (!st) {
            rc = -1;
        } else {
            db_bind_int64(st, 1, f->site);
            db_bind_text(st, 2, j.p, -1);
            rc = read_paths(s, x, st, kind, err);
        }
    }
    free(ids.v);
    free(j.p);
    return rc;
}

/* The visitors of the slots (read_sketches()): every sketch of the range
 * (whole), or those of the slots' and links' own paths. */
static int find_sketches(struct store *s, struct scan *x,
                         const struct store_filter *f, int whole,
                         struct bs_err *err)
{
    struct ids ids = {0};
    struct store_jbuf j = {0};
    struct db_stmt *st;
    int rc;

    if (whole) {
        st = prep(s, "SELECT path_id, sketch FROM path_sketches "
                     "WHERE day BETWEEN ?1 AND ?2 ORDER BY path_id", NULL,
                  err);
    } else {
        ids.cap = x->nslot + x->nlink + 1;
        ids.v = xmalloc(ids.cap * sizeof(*ids.v));
        for (size_t i = 0; i < x->nslot; i++)
            ids.v[ids.n++] = x->slot[i].id;
        for (size_t i = 0; i < x->nlink; i++)
            ids.v[ids.n++] = x->link[i].id;
        ids_json(&ids, &j);
        st = prep(s, JOIN_SKETCHES(J_EACH_LITE(3), J_ID_LITE),
                  JOIN_SKETCHES(J_EACH_PG(3), J_ID_PG), err);
        if (st)
            db_bind_text(st, 3, j.p, -1);
    }
    if (st) {
        db_bind_int(st, 1, f->from);
        db_bind_int(st, 2, f->to);
    }
    rc = st ? read_sketches(s, x, st, err) : -1;
    free(ids.v);
    free(j.p);
    return rc;
}

int store_top_posts_scan(struct store *s, const struct store_filter *f,
                         int least,
                         int (*fn)(void *ctx,
                                   const struct store_post_row *row),
                         void *ctx, struct bs_err *err)
{
    struct scan x = {0};
    const char *kind = NULL;
    const struct slot **rank = NULL;
    size_t n = 0;
    int rc = -1, whole;

    arena_init(&x.text, 1 << 20);
    if (f->kind == URL_POST || f->kind == URL_PAGE)
        kind = url_kind_name(f->kind);
    else if (f->kind != URL_OTHER)
        BUG("posts of kind %d", (int)f->kind);
    if (store_batch_flush(s, err) || (whole = most_days(s, f, err)) < 0 ||
        find_paths(s, &x, f, kind, whole, least, err) ||
        read_sums(s, &x, f, 0, err) || read_sums(s, &x, f, 1, err) ||
        find_sketches(s, &x, f, whole, err))
        goto out;
    rank = xmalloc((x.nslot ? x.nslot : 1) * sizeof(const struct slot *));
    mem_populate(rank, x.nslot * sizeof(const struct slot *));
    /* The ranked: posts read in the range; for the least read, those
     * with a view and every imported one. */
    for (size_t i = 0; i < x.nslot; i++) {
        const struct slot *p = &x.slot[i];

        if (least ? (p->present && p->views > 0) || p->imported
                  : p->present)
            rank[n++] = p;
    }
    qsort(rank, n, sizeof(const struct slot *),
          least ? cmp_least : cmp_most);
    rc = 0;
    for (size_t i = 0; i < n && (f->limit <= 0 || (int64_t)i < f->limit);
         i++) {
        const struct slot *p = rank[i];
        struct store_post_row r = {
            .id = p->id, .path = p->path, .title = p->title,
            .views = p->views,
            .visitors = (int64_t)p->visitors, .visits = p->visits,
        };

        if (fn(ctx, &r))
            break;
    }
out:
    free(rank);
    scan_free(&x);
    return rc;
}
