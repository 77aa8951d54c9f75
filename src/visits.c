/*
 * visits.c - visits as intervals, per visitor of an open day.
 */
#include "blogstat.h"
#include "visits.h"

#include <stdlib.h>
#include <string.h>

/*
 * A visitor of a day: 32 bytes, and no allocation of its own while it has
 * one visit (most have), so that the open days of a big log stay small.
 */
struct person {
    uint64_t visitor;
    int32_t day;
    uint16_t n;                /* visits */
    uint16_t cap;              /* > 1: in iv, on the heap; else in one */
    union {
        struct visit one;
        struct visit *iv;      /* sorted by start, disjoint */
    } u;
};

struct visits {
    struct person *p;
    unsigned char *dirty;      /* by person */
    size_t n, cap;
    uint32_t *slot;            /* index + 1 of a person; 0: empty */
    size_t nslots;             /* a power of two, over twice n */
};

#define SLOTS_MIN 1024

struct visits *visits_new(void)
{
    struct visits *v = xcalloc(1, sizeof(*v));

    v->nslots = SLOTS_MIN;
    v->slot = xcalloc(v->nslots, sizeof(*v->slot));
    return v;
}

static struct visit *ivs(struct person *p)
{
    return p->cap > 1 ? p->u.iv : &p->u.one;
}

void visits_free(struct visits *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n; i++)
        if (v->p[i].cap > 1)
            free(v->p[i].u.iv);
    free(v->p);
    free(v->dirty);
    free(v->slot);
    free(v);
}

/* The first slot of (day, visitor): visitors are keyed hashes already,
 * but tests use small numbers, so mix. */
static size_t home(const struct visits *v, int32_t day, uint64_t visitor)
{
    uint64_t h = (visitor ^ (uint64_t)(uint32_t)day * 0x9e3779b97f4a7c15ULL) *
                 0xff51afd7ed558ccdULL;

    return (size_t)(h ^ h >> 32) & (v->nslots - 1);
}

static void index_put(struct visits *v, size_t i)
{
    size_t mask = v->nslots - 1, j;

    for (j = home(v, v->p[i].day, v->p[i].visitor); v->slot[j];
         j = (j + 1) & mask)
        ;
    v->slot[j] = (uint32_t)(i + 1);
}

/* Index every person again, in a table of at least twice as many slots. */
static void reindex(struct visits *v)
{
    size_t want = SLOTS_MIN;

    while (want < 2 * (v->n + 1))
        want *= 2;
    if (want != v->nslots) {
        free(v->slot);
        v->nslots = want;
        v->slot = xcalloc(v->nslots, sizeof(*v->slot));
    } else {
        memset(v->slot, 0, v->nslots * sizeof(*v->slot));
    }
    for (size_t i = 0; i < v->n; i++)
        index_put(v, i);
}

static struct person *person(struct visits *v, int32_t day, uint64_t visitor)
{
    size_t mask = v->nslots - 1, j;
    struct person *p;

    for (j = home(v, day, visitor); v->slot[j]; j = (j + 1) & mask) {
        p = &v->p[v->slot[j] - 1];
        if (p->visitor == visitor && p->day == day)
            return p;
    }
    if (v->n >= UINT32_MAX - 1)
        BUG("%zu visitors", v->n);
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap + v->cap / 2 : 256;
        v->p = xrealloc(v->p, v->cap * sizeof(*v->p));
        v->dirty = xrealloc(v->dirty, v->cap);
    }
    p = &v->p[v->n];
    memset(p, 0, sizeof(*p));
    p->day = day;
    p->visitor = visitor;
    v->dirty[v->n] = 0;
    v->n++;
    if (2 * v->n > v->nslots)
        reindex(v);
    else
        v->slot[j] = (uint32_t)v->n;
    return p;
}

/* Room for n visits. */
static void reserve(struct person *p, size_t n)
{
    size_t cap = 4;

    if (n <= 1 || n <= p->cap)
        return;
    while (cap < n)
        cap *= 2;
    if (p->cap > 1) {
        p->u.iv = xrealloc(p->u.iv, cap * sizeof(struct visit));
    } else {
        struct visit one = p->u.one, *iv = xmalloc(cap * sizeof(*iv));

        if (p->n)
            iv[0] = one;
        p->u.iv = iv;
    }
    p->cap = (uint16_t)cap;
}

void visits_load(struct visits *v, int32_t day, uint64_t visitor,
                 const struct visit *iv, size_t n)
{
    struct person *p = person(v, day, visitor);

    if (n > VISITS_MAX)
        n = VISITS_MAX;
    reserve(p, n);
    if (n)
        memcpy(ivs(p), iv, n * sizeof(*iv));
    p->n = (uint16_t)n;
    v->dirty[p - v->p] = 0;
}

void visits_view(struct visits *v, int32_t day, uint64_t visitor,
                 int32_t sec, int64_t page,
                 void (*delta)(void *ctx, int32_t day, int64_t page, int d),
                 void *ctx)
{
    struct person *p = person(v, day, visitor);
    struct visit *iv = ivs(p);
    size_t i, j;

    v->dirty[p - v->p] = 1;
    /* The first visit that does not end more than a gap before sec. */
    for (i = 0; i < p->n && iv[i].end + VISIT_GAP <= sec; i++)
        ;
    if (i == p->n || iv[i].start - VISIT_GAP >= sec) {
        /* A visit of its own, between i - 1 and i. */
        if (p->n == VISITS_MAX) {
            /* A robot in disguise: count its views in its last visit. */
            i = p->n - 1;
            if (sec > iv[i].end)
                iv[i].end = sec;
            return;
        }
        reserve(p, (size_t)p->n + 1);
        iv = ivs(p);
        memmove(iv + i + 1, iv + i, (p->n - i) * sizeof(*iv));
        iv[i].start = iv[i].end = sec;
        iv[i].landing = page;
        p->n++;
        delta(ctx, day, 0, +1);
        delta(ctx, day, page, +1);
        return;
    }
    /* Within a gap of visit i: an earlier view moves its landing. */
    if (sec < iv[i].start) {
        delta(ctx, day, iv[i].landing, -1);
        delta(ctx, day, page, +1);
        iv[i].start = sec;
        iv[i].landing = page;
    }
    if (sec > iv[i].end)
        iv[i].end = sec;
    /* It may now reach the visits after it: they become one. */
    for (j = i + 1; j < p->n && iv[j].start - VISIT_GAP < iv[i].end; j++) {
        delta(ctx, day, 0, -1);
        delta(ctx, day, iv[j].landing, -1);
        if (iv[j].end > iv[i].end)
            iv[i].end = iv[j].end;
    }
    if (j > i + 1) {
        memmove(iv + i + 1, iv + j, (p->n - j) * sizeof(*iv));
        p->n = (uint16_t)(p->n - (j - (i + 1)));
    }
}

int visits_each_dirty(struct visits *v,
                      int (*fn)(void *ctx, int32_t day, uint64_t visitor,
                                const struct visit *iv, size_t n),
                      void *ctx)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->dirty[i]) {
            struct person *p = &v->p[i];
            int rc = fn(ctx, p->day, p->visitor, ivs(p), p->n);

            if (rc)
                return rc;
        }
    return 0;
}

void visits_clean(struct visits *v)
{
    if (v->n)
        memset(v->dirty, 0, v->n);
}

void visits_retain(struct visits *v, int (*keep)(void *ctx, int32_t day),
                   void *ctx)
{
    size_t o = 0;

    for (size_t i = 0; i < v->n; i++) {
        if (!keep(ctx, v->p[i].day)) {
            if (v->p[i].cap > 1)
                free(v->p[i].u.iv);
        } else {
            v->dirty[o] = v->dirty[i];
            v->p[o++] = v->p[i];
        }
    }
    if (o == v->n)
        return;
    v->n = o;
    /* Rebuild the index over what is left (and give back what a big
     * chunk took, so that memory follows the days in flight). */
    if (v->cap > 1024 && v->n < v->cap / 4) {
        v->cap = v->n < 256 ? 256 : v->n * 2;
        v->p = xrealloc(v->p, v->cap * sizeof(*v->p));
        v->dirty = xrealloc(v->dirty, v->cap);
    }
    reindex(v);
}

static int not_before(void *ctx, int32_t day)
{
    return day >= *(const int32_t *)ctx;
}

void visits_forget(struct visits *v, int32_t before)
{
    visits_retain(v, not_before, &before);
}
