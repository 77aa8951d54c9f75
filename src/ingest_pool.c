/*
 * ingest_pool.c - one file's lines judged on every core.
 *
 * A worker reads its file on one thread (the inflate thread beside it)
 * and, with a pool, copies the lines into a ring of blocks. A block full,
 * it is ready: the helpers, each a worker of its own (parser, robot
 * rules, URL cache, GeoIP), take the oldest ready block and judge its
 * lines (ingest_judge(): parsed, classified, the visitor's id, country,
 * referrer and browser), keeping the strings a judgement needs in the
 * block.
 * The worker counts the judged blocks, oldest first, into its one set of
 * aggs (ingest_count_judged()): the lines are counted in their order, by
 * one thread, as without helpers, so that every count, the order of the
 * bad lines' reports and the source's days are those of one thread.
 *
 * When the oldest block is still ready (no helper took it), the worker
 * judges it itself; while a helper is judging it, the worker judges the
 * next ready one rather than wait. So the worker never waits for work it
 * could do, and without idle cores the pool costs the copies alone.
 */
#include "blogstat.h"
#include "ingest_int.h"

#include <stdlib.h>
#include <string.h>

/* Lines of a block, and most bytes of its lines. */
#define BLOCK_LINES 1024
#define BLOCK_BYTES (512u << 10)

/* A line of a block: where in its buffer, as the reader gave it, and
 * where in the input (for a chunk that ends after it: ingest_counted()). */
struct bline {
    uint64_t lineno;
    size_t off, n;
    int overlong;
    uint64_t start, end, size;
};

enum block_state {
    BLOCK_FREE,                /* being filled, or empty */
    BLOCK_READY,               /* full: to be judged */
    BLOCK_TAKEN,               /* being judged */
    BLOCK_JUDGED               /* to be counted */
};

/* Lines copied for judging, and their judgements. */
struct block {
    char *buf;
    size_t len, cap;
    struct bline *l;
    struct judged *j;
    size_t n;                  /* lines; l, j and at have BLOCK_LINES */
    /* The judgements' strings (class keys, referrers' hosts and terms),
     * and where each line's are in strs. */
    char *strs;
    size_t slen, scap;
    struct strs_at {
        size_t key, host, term;
    } *at;
    enum block_state state;    /* under the pool's lock */
};

/* A helper: a worker of its own, judging the blocks it takes. */
struct helper {
    struct worker *w;
    struct pool *pool;
    pthread_t th;
};

struct pool {
    struct worker *w;          /* the worker it helps */
    pthread_mutex_t lock;
    pthread_cond_t work, done;
    int quit;                  /* under lock */
    struct helper *h;
    size_t n;
    /* The ring: blocks [head, head + queued) are ready, taken or judged,
     * oldest first; block (head + queued) % nblocks is being filled. */
    struct block *b;
    size_t nblocks, head, queued;   /* under lock */
};

static struct block *filling(struct pool *p)
{
    return &p->b[(p->head + p->queued) % p->nblocks];
}

/* A copy of the n bytes at s at the end of b's strings: its offset
 * (strs may move while the block is judged). */
static size_t keep(struct block *b, const char *s, size_t n)
{
    size_t at = b->slen;

    if (b->slen + n > b->scap) {
        b->scap = (b->slen + n) * 2;
        b->strs = xrealloc(b->strs, b->scap);
    }
    memcpy(b->strs + at, s, n);
    b->slen += n;
    return at;
}

/* Judge b's lines on w (a helper's or the worker's own). */
static void judge_block(struct worker *w, struct block *b)
{
    b->slen = 0;
    for (size_t i = 0; i < b->n; i++) {
        const struct bline *l = &b->l[i];
        struct reader_line line = {.p = b->buf + l->off, .n = l->n,
                                   .lineno = l->lineno,
                                   .overlong = l->overlong};
        struct judged *j = &b->j[i];

        ingest_judge(w, &line, j);
        /* Its strings are w's scratch, the next line's: kept. */
        if (j->fate >= FATE_VIEW) {
            b->at[i].key = keep(b, j->key.p, j->key.n);
            if (j->ref != REF_NONE) {
                b->at[i].host = keep(b, j->host.p, j->host.n);
                b->at[i].term = keep(b, j->term.p, j->term.n);
            }
        }
    }
    for (size_t i = 0; i < b->n; i++) {
        struct judged *j = &b->j[i];

        if (j->fate >= FATE_VIEW) {
            j->key.p = b->strs + b->at[i].key;
            if (j->ref != REF_NONE) {
                j->host.p = b->strs + b->at[i].host;
                j->term.p = b->strs + b->at[i].term;
            }
        }
    }
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

/* The oldest ready block, taken (under lock), or NULL. */
static struct block *take_ready(struct pool *p)
{
    for (size_t i = 0; i < p->queued; i++) {
        struct block *b = &p->b[(p->head + i) % p->nblocks];

        if (b->state == BLOCK_READY) {
            b->state = BLOCK_TAKEN;
            return b;
        }
    }
    return NULL;
}

static void *helper_main(void *arg)
{
    struct helper *h = arg;
    struct pool *p = h->pool;
    struct block *b;

    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!(b = take_ready(p)) && !p->quit)
            pthread_cond_wait(&p->work, &p->lock);
        if (!b)
            break;
        /* The worker's format was chosen before its first block. */
        helper_parser(h);
        pthread_mutex_unlock(&p->lock);
        judge_block(h->w, b);
        pthread_mutex_lock(&p->lock);
        b->state = BLOCK_JUDGED;
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
    /* A block for each helper to judge and one more that the worker
     * counts meanwhile, and the one being filled. */
    p->nblocks = n + 2;
    p->b = xcalloc(p->nblocks, sizeof(*p->b));
    for (size_t i = 0; i < p->nblocks; i++) {
        p->b[i].l = xcalloc(BLOCK_LINES, sizeof(*p->b[i].l));
        p->b[i].j = xcalloc(BLOCK_LINES, sizeof(*p->b[i].j));
        p->b[i].at = xcalloc(BLOCK_LINES, sizeof(*p->b[i].at));
    }
    p->h = xcalloc(n, sizeof(*p->h));
    for (size_t i = 0; i < n; i++) {
        struct helper *h = &p->h[p->n];

        h->pool = p;
        h->w = ingest_helper_new(w->run);
        if (pthread_create(&h->th, NULL, helper_main, h) != 0) {
            ingest_helper_free(h->w);
            break;
        }
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
        pthread_join(p->h[i].th, NULL);
        ingest_helper_free(p->h[i].w);
    }
    for (size_t i = 0; i < p->nblocks; i++) {
        free(p->b[i].buf);
        free(p->b[i].l);
        free(p->b[i].j);
        free(p->b[i].strs);
        free(p->b[i].at);
    }
    free(p->b);
    free(p->h);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

/* Count the oldest block, judged first by whoever gets to it, and free
 * it for filling. */
static void count_oldest(struct worker *w, struct store_source *src,
                         const char *name)
{
    struct pool *p = w->pool;
    struct block *b, *o;

    pthread_mutex_lock(&p->lock);
    o = &p->b[p->head];
    while (o->state != BLOCK_JUDGED) {
        /* The oldest still ready: the worker's to judge. Taken by a
         * helper: judge another ready one meanwhile, or wait. */
        if (o->state == BLOCK_READY) {
            b = o;
            b->state = BLOCK_TAKEN;
        } else if (!(b = take_ready(p))) {
            pthread_cond_wait(&p->done, &p->lock);
            continue;
        }
        pthread_mutex_unlock(&p->lock);
        judge_block(w, b);
        pthread_mutex_lock(&p->lock);
        b->state = BLOCK_JUDGED;
    }
    pthread_mutex_unlock(&p->lock);
    for (size_t i = 0; i < o->n; i++) {
        const struct bline *l = &o->l[i];
        struct reader_line line = {.p = o->buf + l->off, .n = l->n,
                                   .lineno = l->lineno,
                                   .overlong = l->overlong};

        ingest_count_judged(w, src, name, l->lineno, &o->j[i]);
        ingest_counted(w, src, &line, l->start, l->end, l->size);
    }
    o->n = o->len = 0;
    pthread_mutex_lock(&p->lock);
    o->state = BLOCK_FREE;
    p->head = (p->head + 1) % p->nblocks;
    p->queued--;
    pthread_mutex_unlock(&p->lock);
}

/* The block being filled, ready for judging; the oldest counted when
 * no block is left to fill. */
static void send_filling(struct worker *w, struct store_source *src,
                         const char *name)
{
    struct pool *p = w->pool;

    pthread_mutex_lock(&p->lock);
    filling(p)->state = BLOCK_READY;
    p->queued++;
    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->lock);
    if (p->queued == p->nblocks)
        count_oldest(w, src, name);
}

void pool_line(struct worker *w, struct store_source *src, const char *name,
               const struct reader_line *line, uint64_t start, uint64_t end,
               uint64_t size)
{
    struct pool *p = w->pool;
    struct block *b = filling(p);

    if (b->len + line->n > b->cap) {
        b->cap = b->len + line->n > BLOCK_BYTES ? (b->len + line->n) * 2
                                                : BLOCK_BYTES;
        b->buf = xrealloc(b->buf, b->cap);
    }
    memcpy(b->buf + b->len, line->p, line->n);
    b->l[b->n++] = (struct bline){line->lineno, b->len, line->n,
                                  line->overlong, start, end, size};
    b->len += line->n;
    if (b->n == BLOCK_LINES || b->len >= BLOCK_BYTES)
        send_filling(w, src, name);
}

void pool_sync(struct worker *w, struct store_source *src, const char *name)
{
    struct pool *p = w->pool;

    if (!p)
        return;
    if (filling(p)->n > 0)
        send_filling(w, src, name);
    while (p->queued > 0)
        count_oldest(w, src, name);
}

void pool_drop(struct worker *w)
{
    struct pool *p = w->pool;

    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    /* The helpers finish what they took: it is theirs until judged. */
    for (size_t i = 0; i < p->queued; i++) {
        struct block *b = &p->b[(p->head + i) % p->nblocks];

        if (b->state == BLOCK_READY)
            b->state = BLOCK_JUDGED;
        while (b->state == BLOCK_TAKEN)
            pthread_cond_wait(&p->done, &p->lock);
    }
    for (size_t i = 0; i < p->nblocks; i++) {
        p->b[i].state = BLOCK_FREE;
        p->b[i].n = p->b[i].len = 0;
    }
    p->head = p->queued = 0;
    pthread_mutex_unlock(&p->lock);
}
