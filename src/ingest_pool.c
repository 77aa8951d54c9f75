/*
 * ingest_pool.c - one file's lines counted on every core.
 *
 * A worker reads its file on one thread (the inflate thread beside it)
 * and, with a pool, hands the lines round: a block of copied lines to
 * each helper in turn, then a block it counts itself; then it waits for
 * the helpers and puts the blocks back in the order of their lines
 * (pool_sync()). Each helper is a worker of its own (parser, robot
 * rules, GeoIP, the other dimensions' scratch) counting into a set of
 * aggs of its own in the worker's committer, so that every set of a
 * chunk goes into the database in the chunk's one transaction: the
 * counts add, the visitor sketches unite, and the visits of a visitor
 * seen by two threads are the same intervals whatever order their views
 * arrive in (audience.h).
 *
 * What depends on the order of the lines is a source's: its counts add,
 * its first and last days bound, and bad lines, which name no day, are
 * filed under the last good day before them. A block counts into a
 * source of its own from zero; its bad lines before its first good line
 * wait in that source's pending_bad, and pool_sync() files them under
 * the day of the block before, as one thread counting line by line
 * would. Bad lines are reported in the same order, by the worker.
 *
 * The sizes balance the threads: a helper's block grows while the worker
 * finds it done when it syncs, and shrinks while the worker waits.
 */
#include "blogstat.h"
#include "agg.h"
#include "commit.h"
#include "ingest_int.h"

#include <stdlib.h>
#include <string.h>

/* The lines of the worker's own block, and of a helper's at first and
 * at most and least. */
#define OWN_LINES 2048
#define BLOCK_LINES_START 2048
#define BLOCK_LINES_MIN 256
#define BLOCK_LINES_MAX 32768

/* A line of a block: where in its buffer, and as the reader gave it. */
struct bline {
    uint64_t lineno;
    size_t off, n;
    int overlong;
};

/* Lines copied for a helper. */
struct block {
    char *buf;
    size_t len, cap;
    struct bline *l;
    size_t n, cap_l;
};

/* A helper: a worker of its own, counting the block it is given. */
struct helper {
    struct worker *w;
    struct pool *pool;
    size_t set;                /* its agg set in the worker's committer */
    pthread_t th;
    int thread;                /* th runs */
    struct block blk;
    const char *name;          /* the file's, for bad lines */
    struct store_source d;     /* what its block adds to the source */
    int busy;                  /* under the pool's lock: a block to count */
    int sent;                  /* the worker's: a block given this round */
    /* Its counters when the chunk began (pool_mark()). */
    uint64_t lines, bad, hits, views, excluded;
    struct newest newest[CONF_SITES_MAX];
};

struct pool {
    struct worker *w;          /* the worker it helps */
    pthread_mutex_t lock;
    pthread_cond_t work, done;
    int quit;                  /* under lock */
    struct helper *h;
    size_t n;
    size_t filling;            /* the helper whose block is being filled;
                                  n: the worker's own */
    size_t target;             /* lines of a helper's block */
    size_t own;                /* lines of the worker's own block so far */
    struct store_source own_d; /* what they add to the source */
    size_t memory;             /* the aggs' bytes at the last sync */
};

static void block_add(struct block *b, const struct reader_line *l)
{
    if (b->n == b->cap_l) {
        b->cap_l = b->cap_l ? b->cap_l * 2 : 1024;
        b->l = xrealloc(b->l, b->cap_l * sizeof(*b->l));
    }
    if (b->len + l->n > b->cap) {
        b->cap = (b->len + l->n) * 2;
        b->buf = xrealloc(b->buf, b->cap);
    }
    memcpy(b->buf + b->len, l->p, l->n);
    b->l[b->n++] = (struct bline){l->lineno, b->len, l->n, l->overlong};
    b->len += l->n;
}

/* The helper's parser: the worker's file's format, compiled once a file. */
static void helper_parser(struct helper *h)
{
    const struct worker *w = h->pool->w;
    struct bs_err e = {0};

    if (h->w->parser && h->w->format_gen == w->format_gen)
        return;
    parser_free(h->w->parser);
    /* The worker compiled the same format: this cannot fail. */
    h->w->parser = parser_compile(w->format, &w->run->popt, &e);
    if (!h->w->parser)
        BUG("parser_compile(%s): %s", w->format, e.msg);
    h->w->format_gen = w->format_gen;
}

static void count_block(struct helper *h)
{
    struct worker *w = h->w;

    helper_parser(h);
    memset(&h->d, 0, sizeof(h->d));
    w->block_mode = 1;
    w->has_first_good = 0;
    for (size_t i = 0; i < h->blk.n; i++) {
        const struct bline *b = &h->blk.l[i];
        struct reader_line l = {.p = h->blk.buf + b->off, .n = b->n,
                                .lineno = b->lineno,
                                .overlong = b->overlong};

        ingest_count_line(w, &h->d, h->name, &l);
    }
}

static void *helper_main(void *arg)
{
    struct helper *h = arg;
    struct pool *p = h->pool;

    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!h->busy && !p->quit)
            pthread_cond_wait(&p->work, &p->lock);
        if (!h->busy)
            break;
        pthread_mutex_unlock(&p->lock);
        count_block(h);
        pthread_mutex_lock(&p->lock);
        h->busy = 0;
        pthread_cond_broadcast(&p->done);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

struct pool *pool_new(struct worker *w, size_t n)
{
    struct pool *p = xcalloc(1, sizeof(*p));

    p->w = w;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    p->h = xcalloc(n, sizeof(*p->h));
    p->target = BLOCK_LINES_START;
    for (size_t i = 0; i < n; i++) {
        struct helper *h = &p->h[p->n];

        h->pool = p;
        h->set = i + 1;
        h->w = ingest_helper_new(w->run);
        if (pthread_create(&h->th, NULL, helper_main, h) != 0) {
            ingest_helper_free(h->w);
            break;
        }
        h->thread = 1;
        p->n++;
    }
    return p;
}

void pool_free(struct pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->quit = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
    for (size_t i = 0; i < p->n; i++) {
        struct helper *h = &p->h[i];

        pthread_join(h->th, NULL);
        ingest_helper_free(h->w);
        free(h->blk.buf);
        free(h->blk.l);
    }
    free(p->h);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

static void send_block(struct pool *p, struct helper *h, const char *name)
{
    pthread_mutex_lock(&p->lock);
    h->name = name;
    h->busy = 1;
    h->sent = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
}

void pool_line(struct worker *w, struct store_source *src, const char *name,
               const struct reader_line *line)
{
    struct pool *p = w->pool;

    if (p->filling < p->n) {
        struct helper *h = &p->h[p->filling];

        block_add(&h->blk, line);
        if (h->blk.n >= p->target) {
            send_block(p, h, name);
            p->filling++;
        }
        return;
    }
    if (p->own++ == 0) {
        memset(&p->own_d, 0, sizeof(p->own_d));
        w->block_mode = 1;
        w->has_first_good = 0;
    }
    ingest_count_line(w, &p->own_d, name, line);
    if (p->own >= OWN_LINES)
        pool_sync(w, src, name);
}

/* Wait for every block given out: 1 when one was still being counted. */
static int wait_helpers(struct pool *p)
{
    int waited = 0;

    pthread_mutex_lock(&p->lock);
    for (size_t i = 0; i < p->n; i++)
        while (p->h[i].busy) {
            waited = 1;
            pthread_cond_wait(&p->done, &p->lock);
        }
    pthread_mutex_unlock(&p->lock);
    return waited;
}

/* A block's counts d (its first good line's day, when has_first_good)
 * into src, after the blocks before it; its bad lines reported. */
static void put_back(struct worker *w, struct store_source *src,
                     const struct store_source *d, const struct worker *by,
                     const char *name)
{
    src->lines += d->lines;
    src->bad_lines += d->bad_lines;
    src->hits += d->hits;
    /* Its bad lines before its first good one: under the day before
     * them, or, none yet, under the first good line's. */
    if (d->pending_bad && src->has_last_day)
        agg_bad(ingest_bad_agg(w), src->last_day, d->pending_bad);
    else
        src->pending_bad += d->pending_bad;
    if (by->has_first_good && src->pending_bad) {
        agg_bad(ingest_bad_agg(w), by->first_good_day, src->pending_bad);
        src->pending_bad = 0;
    }
    if (d->has_days) {
        if (!src->has_days || d->first_day < src->first_day)
            src->first_day = d->first_day;
        if (!src->has_days || d->max_day > src->max_day)
            src->max_day = d->max_day;
        src->has_days = 1;
    }
    if (d->has_last_day) {
        src->last_day = d->last_day;
        src->has_last_day = 1;
    }
    for (size_t i = 0; i < by->nnotes; i++)
        ingest_report_bad(w, name, by->notes[i].lineno, by->notes[i].st);
}

void pool_sync(struct worker *w, struct store_source *src, const char *name)
{
    struct pool *p = w->pool;
    int full, waited;

    if (!p)
        return;
    full = p->filling == p->n && p->own >= OWN_LINES;
    if (p->filling < p->n && p->h[p->filling].blk.n > 0)
        send_block(p, &p->h[p->filling], name);
    waited = wait_helpers(p);
    w->block_mode = 0;
    for (size_t i = 0; i < p->n; i++) {
        struct helper *h = &p->h[i];

        if (!h->sent)
            continue;
        put_back(w, src, &h->d, h->w, name);
        h->w->nnotes = 0;
        h->sent = 0;
        h->blk.n = h->blk.len = 0;
    }
    if (p->own) {
        /* The worker's own bad lines, told now that it counts no block. */
        put_back(w, src, &p->own_d, w, name);
        w->nnotes = 0;
    }
    p->own = 0;
    p->filling = 0;
    /* A round of full blocks: the helpers' grow while the worker finds
     * them done, and shrink while it waits. */
    if (full) {
        if (waited && p->target > BLOCK_LINES_MIN)
            p->target -= p->target / 8;
        else if (!waited && p->target < BLOCK_LINES_MAX)
            p->target += p->target / 8;
    }
    p->memory = 0;
    for (size_t s = 0; s < w->run->o->conf->nsites; s++) {
        p->memory += agg_memory(w->agg[s]);
        for (size_t i = 0; i < p->n; i++)
            p->memory += agg_memory(p->h[i].w->agg[s]);
    }
}

void pool_take_aggs(struct worker *w)
{
    struct pool *p = w->pool;

    /* The sets are those of a new chunk: empty. */
    if (p)
        p->memory = 0;
    for (size_t i = 0; p && i < p->n; i++) {
        struct worker *hw = p->h[i].w;

        hw->agg = committer_counting(w->com, p->h[i].set);
        for (size_t s = 0; s < w->run->o->conf->nsites; s++)
            agg_set_known(hw->agg[s], w->run->known[s]);
    }
}

void pool_mark(struct worker *w)
{
    struct pool *p = w->pool;

    for (size_t i = 0; p && i < p->n; i++) {
        struct helper *h = &p->h[i];

        h->lines = h->w->lines;
        h->bad = h->w->bad;
        h->hits = h->w->hits;
        h->views = h->w->views;
        h->excluded = h->w->excluded;
        memcpy(h->newest, h->w->newest, sizeof(h->newest));
    }
}

void pool_drop(struct worker *w)
{
    struct pool *p = w->pool;

    if (!p)
        return;
    if (p->filling < p->n)
        p->h[p->filling].blk.n = p->h[p->filling].blk.len = 0;
    wait_helpers(p);
    w->block_mode = 0;
    w->nnotes = 0;
    p->own = 0;
    p->filling = 0;
    for (size_t i = 0; i < p->n; i++) {
        struct helper *h = &p->h[i];

        h->sent = 0;
        h->blk.n = h->blk.len = 0;
        h->w->nnotes = 0;
        h->w->lines = h->lines;
        h->w->bad = h->bad;
        h->w->hits = h->hits;
        h->w->views = h->views;
        h->w->excluded = h->excluded;
        memcpy(h->w->newest, h->newest, sizeof(h->newest));
    }
}

size_t pool_memory(struct worker *w)
{
    return w->pool ? w->pool->memory : 0;
}
