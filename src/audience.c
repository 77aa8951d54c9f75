/*
 * audience.c - the salts and open visits of the open days.
 */
#include "blogstat.h"
#include "audience.h"
#include "store.h"
#include "table.h"
#include "visitor.h"
#include "visits.h"

#include <stdlib.h>
#include <string.h>

_Static_assert(VISITS_MAX <= STORE_OPEN_VISITS_MAX,
               "the store keeps every open visit of a visitor");

/* The salt of an open day, in memory for the run, and the visitors
 * whose visits are kept (salted id >> 1, cntmap's key bound; at most
 * AUDIENCE_OPEN_MAX but those the store held). */
struct salt {
    int32_t day;
    unsigned char salt[VISITOR_KEY_BYTES];
    struct cntmap *open;
};

struct audience {
    struct store *store;       /* borrowed */
    int64_t now;               /* Unix seconds: when open days are read */
    struct salt *salts;        /* the open days in memory */
    size_t nsalts;
    struct visits *visits;     /* their visitors' visits */
    struct cntmap *days;       /* days viewed since the last settle -> 1 */
    struct bs_err *err;        /* audience_write()'s, for its callback */
};

struct audience *audience_new(struct store *store, int64_t now)
{
    struct audience *a = xcalloc(1, sizeof(*a));

    a->store = store;
    a->now = now;
    a->visits = visits_new();
    a->days = cntmap_new();
    return a;
}

void audience_free(struct audience *a)
{
    if (!a)
        return;
    visits_free(a->visits);
    cntmap_free(a->days);
    for (size_t i = 0; i < a->nsalts; i++)
        cntmap_free(a->salts[i].open);
    free(a->salts);
    free(a);
}

/* Loading a day's open visits: rows come by visitor, then start. */
struct load_ctx {
    struct visits *v;
    struct cntmap *open;
    int32_t day;
    int64_t visitor;
    struct visit iv[VISITS_MAX];
    size_t n;
};

static void load_flush(struct load_ctx *l)
{
    if (l->n) {
        visits_load(l->v, l->day, (uint64_t)l->visitor, l->iv, l->n);
        cntmap_add(l->open, (uint64_t)l->visitor >> 1, 1);
    }
    l->n = 0;
}

static int load_visit(void *ctx, int64_t visitor, const struct visit *v)
{
    struct load_ctx *l = ctx;

    if (l->n && visitor != l->visitor)
        load_flush(l);
    l->visitor = visitor;
    if (l->n < VISITS_MAX)
        l->iv[l->n++] = *v;
    return 0;
}

/*
 * The salt of day, and its visitors' open visits loaded: from memory,
 * else from the store, else a new salt (a day never seen, or closed).
 */
static struct salt *day_salt(struct audience *a, int32_t day,
                             struct bs_err *err)
{
    struct salt *s;
    int found;

    for (size_t i = 0; i < a->nsalts; i++)
        if (a->salts[i].day == day)
            return &a->salts[i];
    a->salts = xrealloc(a->salts, (a->nsalts + 1) * sizeof(*s));
    s = &a->salts[a->nsalts];
    s->day = day;
    s->open = cntmap_new();
    found = store_salt_get(a->store, day, s->salt, sizeof(s->salt), err);
    if (found > 0) {
        struct load_ctx *l = xcalloc(1, sizeof(*l));

        l->v = a->visits;
        l->open = s->open;
        l->day = day;
        found = store_open_visits_load(a->store, day, load_visit, l, err)
                    ? -1
                    : 1;
        load_flush(l);
        free(l);
    } else if (found == 0) {
        visitor_key_new(s->salt);
        found = store_salt_put(a->store, day, s->salt, sizeof(s->salt),
                               a->now, err)
                    ? -1
                    : 0;
    }
    if (found < 0) {
        cntmap_free(s->open);
        return NULL;
    }
    a->nsalts++;
    return s;
}

int audience_view(struct audience *a, int32_t day, int32_t sec,
                  uint64_t visitor, int64_t page,
                  void (*delta)(void *ctx, int32_t day, int64_t page, int d),
                  void *ctx, struct bs_err *err)
{
    struct salt *s = day_salt(a, day, err);
    uint64_t id;

    if (!s)
        return -1;
    cntmap_add(a->days, (uint64_t)(uint32_t)day, 1);
    id = visitor_day_id(s->salt, visitor);
    if (!cntmap_get(s->open, id >> 1)) {
        if (cntmap_count(s->open) >= AUDIENCE_OPEN_MAX) {
            /* Past the bound: a visit of its own, nothing kept. */
            delta(ctx, day, 0, +1);
            delta(ctx, day, page, +1);
            return 0;
        }
        cntmap_add(s->open, id >> 1, 1);
    }
    visits_view(a->visits, day, id, sec, page, delta, ctx);
    return 0;
}

static int put_open_visits(void *ctx, int32_t day, uint64_t visitor,
                           const struct visit *iv, size_t n)
{
    struct audience *a = ctx;

    return store_open_visits_put(a->store, day, (int64_t)visitor, iv, n,
                                 a->err);
}

int audience_write(struct audience *a, struct bs_err *err)
{
    size_t pos = 0;
    uint64_t k, v;
    int rc;

    a->err = err;
    rc = visits_each_dirty(a->visits, put_open_visits, a);
    a->err = NULL;
    if (rc)
        return -1;
    while (cntmap_next(a->days, &pos, &k, &v))
        if (store_salt_touch(a->store, (int32_t)(uint32_t)k, a->now, err))
            return -1;
    return 0;
}

static int in_days(void *ctx, int32_t day)
{
    return cntmap_get(ctx, (uint64_t)(uint32_t)day) != 0;
}

void audience_settle(struct audience *a, int committed)
{
    size_t o = 0;

    if (committed)
        visits_clean(a->visits);
    else
        cntmap_clear(a->days);
    visits_retain(a->visits, in_days, a->days);
    for (size_t i = 0; i < a->nsalts; i++) {
        if (in_days(a->days, a->salts[i].day))
            a->salts[o++] = a->salts[i];
        else
            cntmap_free(a->salts[i].open);
    }
    a->nsalts = o;
    cntmap_clear(a->days);
}

int audience_close_days(struct audience *a, struct bs_err *err)
{
    if (store_begin(a->store, err))
        return -1;
    if (store_close_days(a->store, a->now - AUDIENCE_DAY_OPEN_SECS, err) ||
        store_commit(a->store, err)) {
        store_rollback(a->store);
        return -1;
    }
    return 0;
}
