/*
 * report_life.c - a post's life (doc/counting.md "A post's life"): its
 * views by age since it was published, against the blog's median post
 * of the same age, and whether it is a spike or an evergreen.
 */
#include "blogstat.h"
#include "report.h"
#include "report_data.h"
#include "store.h"
#include "table.h"

#include <stdlib.h>
#include <string.h>

static const char *const labels[REPORT_LIFE_N] = {
    "Day 1", "Days 2–7", "Days 8–30", "Month 2", "Month 3", "Month 4",
    "Month 5", "Month 6", "Month 7", "Month 8", "Month 9", "Month 10",
    "Month 11", "Month 12",
};

const char *report_life_label(int b)
{
    return b >= 0 && b < REPORT_LIFE_N ? labels[b] : "";
}

int report_life_end(int b)
{
    /* Month k (k >= 2) is ages 30 (k - 1) to 30 k - 1, bucket k + 1. */
    return b == 0 ? 0 : b == 1 ? 6 : b == 2 ? 29 : 30 * (b - 1) - 1;
}

/* The bucket of an age in days, or -1 past the last. */
static int bucket_of(int32_t age)
{
    if (age <= 0)
        return 0;
    if (age <= 6)
        return 1;
    if (age <= 29)
        return 2;
    return age / 30 + 2 < REPORT_LIFE_N ? age / 30 + 2 : -1;
}

struct post_life {
    int32_t published;
    int64_t v[REPORT_LIFE_N];
    int64_t last30;          /* views in the 30 days ending with to */
    int64_t total;
};

struct report_life {
    int32_t first, to;
    struct cntmap *index;    /* path id -> its place + 1 */
    struct post_life *p;
    size_t n, cap;
    int64_t median[REPORT_LIFE_N];
};

static int add_age(void *ctx, int64_t id, int32_t published, int32_t age,
                   int64_t views)
{
    struct report_life *l = ctx;
    uint64_t k = cntmap_get(l->index, (uint64_t)id);
    struct post_life *p;
    int b = bucket_of(age);

    if (!k) {
        if (l->n == l->cap) {
            l->cap = l->cap ? 2 * l->cap : 64;
            l->p = xrealloc(l->p, l->cap * sizeof(*l->p));
        }
        memset(&l->p[l->n], 0, sizeof(l->p[l->n]));
        l->p[l->n].published = published;
        cntmap_add(l->index, (uint64_t)id, ++l->n);
        k = l->n;
    }
    p = &l->p[k - 1];
    if (b >= 0)
        p->v[b] += views;
    if (published + age > l->to - 30)
        p->last30 += views;
    p->total += views;
    return 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return (x > y) - (x < y);
}

/* A post's first days are in the data, and it is old enough for b. */
static int covers(const struct report_life *l, int32_t published, int b)
{
    return published >= l->first &&
           (int64_t)published + report_life_end(b) <= l->to;
}

struct report_life *report_life_build(struct store *s, int64_t site,
                                      int32_t first, int32_t to,
                                      struct bs_err *err)
{
    struct report_life *l = xcalloc(1, sizeof(*l));
    int64_t *v = NULL;

    l->first = first;
    l->to = to;
    l->index = cntmap_new();
    if (store_post_ages(s, site, to, add_age, l, err)) {
        report_life_free(l);
        return NULL;
    }
    v = xmalloc((l->n ? l->n : 1) * sizeof(*v));
    for (int b = 0; b < REPORT_LIFE_N; b++) {
        size_t m = 0;

        for (size_t i = 0; i < l->n; i++)
            if (covers(l, l->p[i].published, b))
                v[m++] = l->p[i].v[b];
        if (m == 0)
            continue;
        qsort(v, m, sizeof(*v), cmp_i64);
        l->median[b] = m % 2 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2] + 1) / 2;
    }
    free(v);
    return l;
}

void report_life_of(const struct report_life *l, int64_t id,
                    struct report_post_page *p)
{
    uint64_t k = cntmap_get(l->index, (uint64_t)id);
    const struct post_life *pl;
    int64_t early, first30;

    p->nlife = 0;
    p->life_kind = LIFE_NONE;
    if (!k || p->published == INT32_MIN)
        return;
    pl = &l->p[k - 1];
    for (int b = 0; b < REPORT_LIFE_N && covers(l, pl->published, b); b++) {
        p->life[b] = pl->v[b];
        p->life_median[b] = l->median[b];
        p->nlife = b + 1;
    }
    if (p->nlife == 0)
        return;
    early = pl->v[0] + pl->v[1];
    first30 = early + pl->v[2];
    if (p->nlife < 3)
        p->life_kind = LIFE_NEW;
    else if (10 * early >= 6 * pl->total)
        p->life_kind = LIFE_SPIKE;
    else if (p->nlife >= 4 && l->to - pl->published >= 89 &&
             10 * pl->last30 >= 3 * first30)
        p->life_kind = LIFE_EVERGREEN;
    else
        p->life_kind = LIFE_BETWEEN;
}

void report_life_free(struct report_life *l)
{
    if (!l)
        return;
    cntmap_free(l->index);
    free(l->p);
    free(l);
}
