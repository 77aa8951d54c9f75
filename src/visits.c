/*
 * visits.c - visits as intervals, per visitor of an open day.
 */
#include "blogstat.h"
#include "table.h"
#include "visits.h"

#include <stdlib.h>
#include <string.h>

struct person {
    int32_t day;
    uint64_t visitor;
    struct visit *iv;          /* sorted by start, disjoint */
    size_t n, cap;
    int dirty;
};

struct visits {
    struct strtab *ids;        /* (day, visitor) -> index */
    struct person *p;
    size_t n, cap;
};

struct key {
    int32_t day;
    uint32_t pad;
    uint64_t visitor;
};

struct visits *visits_new(void)
{
    struct visits *v = xcalloc(1, sizeof(*v));

    v->ids = strtab_new();
    return v;
}

void visits_free(struct visits *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n; i++)
        free(v->p[i].iv);
    free(v->p);
    strtab_free(v->ids);
    free(v);
}

static struct person *person(struct visits *v, int32_t day, uint64_t visitor)
{
    struct key k;
    uint32_t id;
    int added;

    memset(&k, 0, sizeof(k));
    k.day = day;
    k.visitor = visitor;
    id = strtab_intern(v->ids, &k, sizeof(k), &added);
    if (added) {
        if (v->n == v->cap) {
            v->cap = v->cap ? v->cap * 2 : 256;
            v->p = xrealloc(v->p, v->cap * sizeof(*v->p));
        }
        memset(&v->p[v->n], 0, sizeof(v->p[0]));
        v->p[v->n].day = day;
        v->p[v->n].visitor = visitor;
        v->n++;
    }
    return &v->p[id];
}

void visits_load(struct visits *v, int32_t day, uint64_t visitor,
                 const struct visit *iv, size_t n)
{
    struct person *p = person(v, day, visitor);

    if (n > VISITS_MAX)
        n = VISITS_MAX;
    if (n > p->cap) {
        p->cap = n;
        p->iv = xrealloc(p->iv, p->cap * sizeof(*p->iv));
    }
    if (n)
        memcpy(p->iv, iv, n * sizeof(*iv));
    p->n = n;
    p->dirty = 0;
}

void visits_view(struct visits *v, int32_t day, uint64_t visitor,
                 int32_t sec, int64_t page,
                 void (*delta)(void *ctx, int32_t day, int64_t page, int d),
                 void *ctx)
{
    struct person *p = person(v, day, visitor);
    size_t i, j;

    p->dirty = 1;
    /* The first visit that does not end more than a gap before sec. */
    for (i = 0; i < p->n && p->iv[i].end + VISIT_GAP <= sec; i++)
        ;
    if (i == p->n || p->iv[i].start - VISIT_GAP >= sec) {
        /* A visit of its own, between i - 1 and i. */
        if (p->n == VISITS_MAX) {
            /* A robot in disguise: count its views in its last visit. */
            i = p->n - 1;
            if (sec > p->iv[i].end)
                p->iv[i].end = sec;
            return;
        }
        if (p->n == p->cap) {
            p->cap = p->cap ? p->cap * 2 : 4;
            p->iv = xrealloc(p->iv, p->cap * sizeof(*p->iv));
        }
        memmove(p->iv + i + 1, p->iv + i, (p->n - i) * sizeof(*p->iv));
        p->iv[i].start = p->iv[i].end = sec;
        p->iv[i].landing = page;
        p->n++;
        delta(ctx, day, 0, +1);
        delta(ctx, day, page, +1);
        return;
    }
    /* Within a gap of visit i: an earlier view moves its landing. */
    if (sec < p->iv[i].start) {
        delta(ctx, day, p->iv[i].landing, -1);
        delta(ctx, day, page, +1);
        p->iv[i].start = sec;
        p->iv[i].landing = page;
    }
    if (sec > p->iv[i].end)
        p->iv[i].end = sec;
    /* It may now reach the visits after it: they become one. */
    for (j = i + 1; j < p->n && p->iv[j].start - VISIT_GAP < p->iv[i].end;
         j++) {
        delta(ctx, day, 0, -1);
        delta(ctx, day, p->iv[j].landing, -1);
        if (p->iv[j].end > p->iv[i].end)
            p->iv[i].end = p->iv[j].end;
    }
    if (j > i + 1) {
        memmove(p->iv + i + 1, p->iv + j, (p->n - j) * sizeof(*p->iv));
        p->n -= j - (i + 1);
    }
}

int visits_each_dirty(struct visits *v,
                      int (*fn)(void *ctx, int32_t day, uint64_t visitor,
                                const struct visit *iv, size_t n),
                      void *ctx)
{
    for (size_t i = 0; i < v->n; i++)
        if (v->p[i].dirty) {
            int rc = fn(ctx, v->p[i].day, v->p[i].visitor, v->p[i].iv,
                        v->p[i].n);

            if (rc)
                return rc;
        }
    return 0;
}

void visits_clean(struct visits *v)
{
    for (size_t i = 0; i < v->n; i++)
        v->p[i].dirty = 0;
}

void visits_retain(struct visits *v, int (*keep)(void *ctx, int32_t day),
                   void *ctx)
{
    size_t o = 0;

    for (size_t i = 0; i < v->n; i++) {
        if (!keep(ctx, v->p[i].day))
            free(v->p[i].iv);
        else
            v->p[o++] = v->p[i];
    }
    if (o == v->n)
        return;
    v->n = o;
    /* Rebuild the index over what is left. */
    strtab_clear(v->ids);
    for (size_t i = 0; i < v->n; i++) {
        struct key k;

        memset(&k, 0, sizeof(k));
        k.day = v->p[i].day;
        k.visitor = v->p[i].visitor;
        strtab_intern(v->ids, &k, sizeof(k), NULL);
    }
}

static int not_before(void *ctx, int32_t day)
{
    return day >= *(const int32_t *)ctx;
}

void visits_forget(struct visits *v, int32_t before)
{
    visits_retain(v, not_before, &before);
}
