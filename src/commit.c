/*
 * commit.c - a chunk's aggregates into store writes, in one transaction,
 * and the thread that commits one chunk while the next is counted.
 */
#include "blogstat.h"
#include "agg.h"
#include "dims.h"
#include "audience.h"
#include "commit.h"
#include "source.h"
#include "store.h"
#include "table.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The writes of one site's chunk. */
struct flush_ctx {
    struct store *store;
    struct audience *audience;
    int64_t site;              /* the site's database id */
    struct bs_err *err;
    struct cntmap *path_ids;   /* day, agg key id -> store path id + 1 */
    struct cntmap *deltas;     /* (day, path id) -> visits delta */
};

static int put_day(void *ctx, const struct agg_day *d)
{
    struct flush_ctx *f = ctx;

    return store_add_day(f->store, f->site, d->day, d->hits, d->views,
                         d->robots, d->bad, f->err);
}

static int put_path(void *ctx, int32_t day, enum url_kind kind,
                    const char *key, size_t n, uint64_t views)
{
    struct flush_ctx *f = ctx;

    return store_add_path_views(f->store, f->site, day, kind, key, n, views,
                                f->err);
}

static int put_term(void *ctx, int32_t day, enum url_kind kind,
                    const char *name, size_t n, uint64_t views)
{
    struct flush_ctx *f = ctx;

    return store_add_term_views(f->store, f->site, day, kind, name, n, views,
                                f->err);
}

static int put_post_country(void *ctx, int32_t day, enum url_kind kind,
                            const char *key, size_t n, const char *country,
                            uint64_t views)
{
    struct flush_ctx *f = ctx;

    return store_add_post_country_views(f->store, f->site, day, kind, key, n,
                                        country, views, f->err);
}

static int put_country(void *ctx, int32_t day, const char *country,
                       uint64_t views)
{
    struct flush_ctx *f = ctx;

    return store_add_country_views(f->store, f->site, day, country, views,
                                   f->err);
}

static int put_sketch(void *ctx, int32_t day, enum agg_sketch dim,
                      enum url_kind kind, const char *key, size_t n,
                      const char *country, const void *blob, size_t bn)
{
    struct flush_ctx *f = ctx;
    int64_t id = 0;

    if (dim == AGG_SKETCH_PATH &&
        store_view_path_id(f->store, f->site, day, kind, key, n, &id, f->err))
        return -1;
    return store_add_sketch(f->store, f->site,
                            dim == AGG_SKETCH_DAY    ? STORE_SKETCH_DAY
                            : dim == AGG_SKETCH_PATH ? STORE_SKETCH_PATH
                                                     : STORE_SKETCH_COUNTRY,
                            day, id, country, blob, bn, f->err);
}

static int put_referrer(void *ctx, int32_t day, enum url_kind kind,
                        const char *key, size_t n, const char *cls,
                        const char *host, size_t host_n, uint64_t views)
{
    struct flush_ctx *f = ctx;
    int64_t id;

    return store_view_path_id(f->store, f->site, day, kind, key, n, &id,
                              f->err) ||
           store_add_referrer(f->store, f->site, day, id, host, host_n, cls,
                              views, f->err);
}

static int put_term_search(void *ctx, int32_t day, const char *term,
                           size_t n, uint64_t views)
{
    struct flush_ctx *f = ctx;

    return store_add_search_term(f->store, f->site, day, term, n, views,
                                 f->err);
}

static int put_dim(void *ctx, const struct dim_row *r)
{
    struct flush_ctx *f = ctx;

    return store_add_dim(f->store, f->site, r, f->err);
}

static void visit_delta(void *ctx, int32_t day, int64_t page, int d)
{
    struct flush_ctx *f = ctx;

    /* Signed deltas kept in unsigned counters: the sum wraps back. */
    cntmap_add(f->deltas, (uint64_t)(uint32_t)day << 32 | (uint64_t)page,
               (uint64_t)(int64_t)d);
}

static int put_event(void *ctx, const struct agg_event *e,
                     enum url_kind kind, const char *key, size_t n)
{
    struct flush_ctx *f = ctx;
    uint64_t k = (uint64_t)(uint32_t)e->day << 32 | e->key;
    uint64_t known = cntmap_get(f->path_ids, k);
    int64_t page;

    if (known) {
        page = (int64_t)known - 1;
    } else {
        if (store_view_path_id(f->store, f->site, e->day, kind, key, n,
                               &page, f->err))
            return -1;
        cntmap_add(f->path_ids, k, (uint64_t)page + 1);
    }
    if (page >= 1 << 30)
        BUG("path id %lld", (long long)page);
    return audience_view(f->audience, e->day, e->sec, e->visitor, page,
                         visit_delta, f, f->err);
}

/* The visits of a site's chunk: each view event through the visitors'
 * open visits, the deltas of the counts summed, then written. */
static int put_visits(struct flush_ctx *f, const struct agg *agg)
{
    size_t pos = 0;
    uint64_t k, v;

    if (agg_each_event(agg, put_event, f))
        return -1;
    while (cntmap_next(f->deltas, &pos, &k, &v)) {
        if (v != 0 &&
            store_add_visits(f->store, f->site, (int32_t)(uint32_t)(k >> 32),
                             (int64_t)(k & 0xffffffffu), (int64_t)v, f->err))
            return -1;
    }
    return 0;
}

/* The counts of one site's chunk, in the open transaction. */
static int flush_site(struct commit_db *db, const struct agg *agg,
                      int64_t site, struct bs_err *err)
{
    struct flush_ctx f = {.store = db->store, .audience = db->audience,
                          .site = site, .err = err,
                          .path_ids = cntmap_new(), .deltas = cntmap_new()};
    int rc = 0;

    if (agg_each_day(agg, put_day, &f) || agg_each_path(agg, put_path, &f) ||
        agg_each_term(agg, put_term, &f) ||
        agg_each_country(agg, put_country, &f) ||
        agg_each_post_country(agg, put_post_country, &f) ||
        agg_each_sketch(agg, put_sketch, &f) || put_visits(&f, agg) ||
        agg_each_referrer(agg, put_referrer, &f) ||
        agg_each_search_term(agg, put_term_search, &f) ||
        dims_each(agg_dims(agg), put_dim, &f))
        rc = -1;
    cntmap_free(f.path_ids);
    cntmap_free(f.deltas);
    return rc;
}

/* The days with views of a chunk, gathered for audience_lock_days(). */
struct view_days {
    int32_t *day;
    size_t n, cap;
};

static int add_view_day(void *ctx, const struct agg_day *d)
{
    struct view_days *v = ctx;

    if (d->views == 0)
        return 0;
    for (size_t i = 0; i < v->n; i++)
        if (v->day[i] == d->day)
            return 0;
    if (v->n == v->cap) {
        v->cap = v->cap ? 2 * v->cap : 16;
        v->day = xrealloc(v->day, v->cap * sizeof(*v->day));
    }
    v->day[v->n++] = d->day;
    return 0;
}

static int cmp_day(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

    return (x > y) - (x < y);
}

/* Lock the open days the chunk's views fall on, in the order of days
 * (a store of several writers: audience.h). */
static int lock_days(struct commit_db *db, struct agg *const *aggs,
                     size_t naggs, struct bs_err *err)
{
    struct view_days v = {0};
    int rc;

    if (!store_shared(db->store))
        return 0;
    for (size_t i = 0; i < naggs; i++)
        agg_each_day(aggs[i], add_view_day, &v);
    if (v.n > 1)
        qsort(v.day, v.n, sizeof(*v.day), cmp_day);
    rc = audience_lock_days(db->audience, v.day, v.n, err);
    free(v.day);
    return rc;
}

int commit_chunk(struct commit_db *db, struct agg *const *aggs,
                 struct store_source *src, struct bs_err *err)
{
    size_t naggs = db->nsites;
    int rc = 0;

    pthread_mutex_lock(&db->lock);
    if (store_begin(db->store, err)) {
        rc = -1;
    } else {
        if ((db->key_check && store_key_check(db->store, db->key_check, err)) ||
            lock_days(db, aggs, naggs, err))
            rc = -1;
        for (size_t i = 0; i < naggs && rc == 0; i++)
            if (!agg_empty(aggs[i]) &&
                flush_site(db, aggs[i], db->site_ids[i % db->nsites], err))
                rc = -1;
        if (rc || audience_write(db->audience, err) ||
            store_put_source(db->store, src, err) ||
            store_commit(db->store, err)) {
            store_rollback(db->store);
            rc = -1;
        }
    }
    audience_settle(db->audience, rc == 0);
    pthread_mutex_unlock(&db->lock);
    for (size_t i = 0; i < naggs; i++)
        agg_clear(aggs[i]);
    return rc;
}

int commit_claim(struct commit_db *db, const char *claim, int wait,
                 struct bs_err *err)
{
    int rc;

    for (;;) {
        pthread_mutex_lock(&db->lock);
        rc = store_claim(db->store, claim, err);
        pthread_mutex_unlock(&db->lock);
        if (rc != 0 || !wait)
            return rc;
        /* Another server reads the log: try again in a moment, the
         * other workers' commits going on meanwhile. */
        nanosleep(&(struct timespec){0, 200 * 1000 * 1000}, NULL);
    }
}

void commit_release(struct commit_db *db, const char *claim)
{
    pthread_mutex_lock(&db->lock);
    store_release(db->store, claim);
    pthread_mutex_unlock(&db->lock);
}

int commit_find_source(struct commit_db *db, const struct source_keys *k,
                       const struct source_head *h, struct store_source *src,
                       struct bs_err *err)
{
    int found;

    pthread_mutex_lock(&db->lock);
    found = source_find(db->store, k, h, src, err);
    pthread_mutex_unlock(&db->lock);
    return found;
}

/* ---- the commit thread ------------------------------------------------- */

struct committer {
    struct commit_db *db;      /* shared, under its own lock */
    struct agg **counting;     /* the worker's: the chunk being counted */
    /* The chunk before it: the commit thread's while active, else the
     * worker's (then empty, for the chunk after). */
    struct agg **spare;
    pthread_t th;              /* the worker's */
    int active;                /* the worker's: a commit thread runs */
    /* The commit thread's while active, the worker's after the join. */
    int rc;
    struct store_source *src;  /* the position the spare chunk commits */
    struct bs_err err;
};

static struct agg **aggs_new(size_t n)
{
    struct agg **a = xcalloc(n, sizeof(struct agg *));

    for (size_t i = 0; i < n; i++)
        a[i] = agg_new();
    return a;
}

static void aggs_free(struct agg **a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        agg_free(a[i]);
    free(a);
}

struct committer *committer_new(struct commit_db *db)
{
    struct committer *c = xcalloc(1, sizeof(*c));

    c->db = db;
    c->counting = aggs_new(db->nsites);
    c->spare = aggs_new(db->nsites);
    c->src = xcalloc(1, sizeof(*c->src));
    return c;
}

void committer_free(struct committer *c)
{
    struct store_source src;
    struct bs_err err;

    if (!c)
        return;
    memset(&src, 0, sizeof(src));
    committer_wait(c, &src, &err);
    aggs_free(c->counting, c->db->nsites);
    aggs_free(c->spare, c->db->nsites);
    free(c->src);
    free(c);
}

struct agg *const *committer_counting(const struct committer *c)
{
    return c->counting;
}

static void *commit_main(void *arg)
{
    struct committer *c = arg;

    c->rc = commit_chunk(c->db, c->spare, c->src, &c->err);
    return NULL;
}

int committer_wait(struct committer *c, struct store_source *src,
                   struct bs_err *err)
{
    if (!c->active)
        return 0;
    pthread_join(c->th, NULL);
    c->active = 0;
    if (c->rc == 0) {
        src->id = c->src->id;
        src->stored_position = c->src->stored_position;
        src->rekey = c->src->rekey;
        return 0;
    }
    *err = c->err;
    return -1;
}

int committer_start(struct committer *c, struct store_source *src,
                    struct bs_err *err)
{
    struct agg **full = c->counting;

    if (committer_wait(c, src, err))
        return -1;
    c->counting = c->spare;
    c->spare = full;
    *c->src = *src;
    memset(&c->err, 0, sizeof(c->err));
    if (pthread_create(&c->th, NULL, commit_main, c) == 0) {
        c->active = 1;
        return 0;
    }
    /* No thread to be had: commit it here. */
    return commit_chunk(c->db, c->spare, src, err);
}

int committer_commit(struct committer *c, struct store_source *src,
                     struct bs_err *err)
{
    return commit_chunk(c->db, c->counting, src, err);
}

void committer_drop(struct committer *c)
{
    for (size_t i = 0; i < c->db->nsites; i++)
        agg_clear(c->counting[i]);
}
