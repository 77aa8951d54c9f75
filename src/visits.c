/*
 * visits.c - visits as intervals, per visitor of an open day.
 */
#include "blogstat.h"
#include "visits.h"
#include "table.h"

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
        v->slot = xcalloc_filled(v->nslots, sizeof(*v->slot));
    } else {
        memset(v->slot, 0, v->nslots * sizeof(*v->slot));
    }
    for (size_t i = 0; i < v->n; i++)
        index_put(v, i);
}

/* The visits of (day, visitor), or NULL when none are held. */
static struct person *find(const struct visits *v, int32_t day,
                           uint64_t visitor)
{
    size_t mask = v->nslots - 1, j;

    for (j = home(v, day, visitor); v->slot[j]; j = (j + 1) & mask) {
        struct person *p = &v->p[v->slot[j] - 1];

        if (p->visitor == visitor && p->day == day)
            return p;
    }
    return NULL;
}

int visits_has(const struct visits *v, int32_t day, uint64_t visitor)
{
    return find(v, day, visitor) != NULL;
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

static void view(struct visits *v, struct person *p, int32_t day,
                 int32_t sec, int64_t page,
                 void (*delta)(void *ctx, int32_t day, int64_t page, int d),
                 void *ctx)
{
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

void visits_view(struct visits *v, int32_t day, uint64_t visitor,
                 int32_t sec, int64_t page,
                 void (*delta)(void *ctx, int32_t day, int64_t page, int d),
                 void *ctx)
{
    view(v, person(v, day, visitor), day, sec, page, delta, ctx);
}

int visits_view_held(struct visits *v, int32_t day, uint64_t visitor,
                     int32_t sec, int64_t page,
                     void (*delta)(void *ctx, int32_t day, int64_t page,
                                   int d),
                     void *ctx)
{
    struct person *p = find(v, day, visitor);

    if (p)
        view(v, p, day, sec, page, delta, ctx);
    return p != NULL;
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

int visits_each_dirty_set(struct visits *v, unsigned shift,
                          const struct visits_set_writer *w, void *ctx)
{
    /* The sets held, numbered as first met ((day, set) -> number + 1);
     * each person's set; each set's key, whether it changed and where
     * its persons start in order[] (a counting sort, no comparisons). */
    struct cntmap *sets;
    uint32_t *of, *order;
    uint64_t *key;
    unsigned char *dirty;
    size_t *start, nsets = 0, cap = 64;
    int rc = 0;

    if (shift == 0 || shift > 63)
        BUG("set shift %u", shift);
    if (v->n == 0)
        return 0;
    key = xmalloc(cap * sizeof(*key));
    dirty = xmalloc(cap);
    start = xmalloc((cap + 1) * sizeof(*start));
    sets = cntmap_new();
    of = xmalloc(v->n * sizeof(*of));
    for (size_t i = 0; i < v->n; i++) {
        uint64_t k = (uint64_t)(uint32_t)v->p[i].day << 32 |
                     (uint32_t)(v->p[i].visitor >> shift);
        uint64_t g = cntmap_get(sets, k);

        if (!g) {
            if (nsets == cap) {
                cap *= 2;
                key = xrealloc(key, cap * sizeof(*key));
                dirty = xrealloc(dirty, cap);
                start = xrealloc(start, (cap + 1) * sizeof(*start));
            }
            key[nsets] = k;
            dirty[nsets] = 0;
            start[nsets] = 0;
            g = ++nsets;
            cntmap_add(sets, k, g);
        }
        of[i] = (uint32_t)(g - 1);
        dirty[g - 1] |= v->dirty[i];
        start[g - 1]++;
    }
    /* Counts into starts; then each person into its set's place. */
    for (size_t g = 0, sum = 0; g <= nsets; g++) {
        size_t c = g < nsets ? start[g] : 0;

        start[g] = sum;
        sum += c;
    }
    order = xmalloc(v->n * sizeof(*order));
    for (size_t i = 0; i < v->n; i++)
        order[start[of[i]]++] = (uint32_t)i;
    /* start[g] is now the end of set g, the start of g + 1. */
    for (size_t g = 0; g < nsets && !rc; g++) {
        size_t from = g ? start[g - 1] : 0;

        if (!dirty[g])
            continue;
        rc = w->begin(ctx, (int32_t)(uint32_t)(key[g] >> 32),
                      (uint32_t)key[g]);
        for (size_t k = from; k < start[g] && !rc; k++) {
            struct person *p = &v->p[order[k]];

            rc = w->person(ctx, p->visitor, ivs(p), p->n);
        }
        if (!rc)
            rc = w->end(ctx);
    }
    free(order);
    free(of);
    free(key);
    free(dirty);
    free(start);
    cntmap_free(sets);
    return rc;
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
