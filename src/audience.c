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

/* The salt of an open day, in memory for the run, and how many visitors
 * its visits are kept for (in the audience's visits: at most
 * AUDIENCE_OPEN_MAX but those the store held). */
struct salt {
    int32_t day;
    unsigned char salt[VISITOR_KEY_BYTES];
    size_t open;
    int64_t version;           /* the store's, when loaded or written */
};

struct audience {
    struct store *store;       /* borrowed */
    int64_t now;               /* Unix seconds: when open days are read */
    struct salt *salts;        /* the open days in memory */
    size_t nsalts;
    struct visits *visits;     /* their visitors' visits */
    struct cntmap *days;       /* days viewed since the last settle -> 1 */
    struct bs_err *err;        /* audience_write()'s, for its callback */
    /* A store of several writers (store_shared()): the days locked in
     * this transaction -> their version + 1, and the days whose open
     * visits it wrote -> 1. */
    struct cntmap *locked, *written;
};

struct audience *audience_new(struct store *store, int64_t now)
{
    struct audience *a = xcalloc(1, sizeof(*a));

    a->store = store;
    a->now = now;
    a->visits = visits_new();
    a->days = cntmap_new();
    a->locked = cntmap_new();
    a->written = cntmap_new();
    return a;
}

void audience_free(struct audience *a)
{
    if (!a)
        return;
    visits_free(a->visits);
    cntmap_free(a->days);
    cntmap_free(a->locked);
    cntmap_free(a->written);
    free(a->salts);
    free(a);
}

/* Loading a day's open visits: rows come by visitor, then start. */
struct load_ctx {
    struct visits *v;
    size_t *open;
    int32_t day;
    int64_t visitor;
    struct visit iv[VISITS_MAX];
    size_t n;
};

static void load_flush(struct load_ctx *l)
{
    if (l->n) {
        if (!visits_has(l->v, l->day, (uint64_t)l->visitor))
            ++*l->open;
        visits_load(l->v, l->day, (uint64_t)l->visitor, l->iv, l->n);
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

static struct salt *find_salt(struct audience *a, int32_t day)
{
    for (size_t i = 0; i < a->nsalts; i++)
        if (a->salts[i].day == day)
            return &a->salts[i];
    return NULL;
}

static int not_day(void *ctx, int32_t day)
{
    return day != *(const int32_t *)ctx;
}

/*
 * The salt of day, and its visitors' open visits loaded: from memory,
 * else from the store, else a new salt (a day never seen, or closed).
 */
static struct salt *day_salt(struct audience *a, int32_t day,
                             struct bs_err *err)
{
    struct salt *s = find_salt(a, day);
    int found;

    if (s)
        return s;
    /* A day the commit did not lock first (a view of a day the chunk's
     * day counts missed): locked now. */
    if (store_shared(a->store) &&
        !cntmap_get(a->locked, (uint64_t)(uint32_t)day) &&
        audience_lock_days(a, &day, 1, err))
        return NULL;
    a->salts = xrealloc(a->salts, (a->nsalts + 1) * sizeof(*s));
    s = &a->salts[a->nsalts];
    s->day = day;
    s->open = 0;
    s->version = (int64_t)cntmap_get(a->locked, (uint64_t)(uint32_t)day) - 1;
    found = store_salt_get(a->store, day, s->salt, sizeof(s->salt), err);
    if (found > 0) {
        struct load_ctx *l = xcalloc(1, sizeof(*l));

        l->v = a->visits;
        l->open = &s->open;
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
        visits_retain(a->visits, not_day, &day);
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
    if (visits_view_held(a->visits, day, id, sec, page, delta, ctx))
        return 0;
    if (s->open >= AUDIENCE_OPEN_MAX) {
        /* Past the bound: a visit of its own, nothing kept. */
        delta(ctx, day, 0, +1);
        delta(ctx, day, page, +1);
        return 0;
    }
    s->open++;
    visits_view(a->visits, day, id, sec, page, delta, ctx);
    return 0;
}

/* The sets of open visits changed, each written whole (the day is held
 * whole: loaded from the store before its first view of the run). */
static int set_begin(void *ctx, int32_t day, uint32_t set)
{
    struct audience *a = ctx;

    cntmap_add(a->written, (uint64_t)(uint32_t)day, 1);
    store_open_set_begin(a->store, day, set);
    return 0;
}

static int set_person(void *ctx, uint64_t visitor, const struct visit *iv,
                      size_t n)
{
    struct audience *a = ctx;

    store_open_set_visitor(a->store, (int64_t)visitor, iv, n);
    return 0;
}

static int set_end(void *ctx)
{
    struct audience *a = ctx;

    return store_open_set_end(a->store, a->err);
}

/* Forget what memory holds of day: the next view loads it again. */
static void drop_day(struct audience *a, int32_t day)
{
    struct salt *s = find_salt(a, day);

    if (!s)
        return;
    *s = a->salts[--a->nsalts];
    visits_retain(a->visits, not_day, &day);
}

int audience_lock_days(struct audience *a, const int32_t *days, size_t n,
                       struct bs_err *err)
{
    if (!store_shared(a->store))
        return 0;
    for (size_t i = 0; i < n; i++) {
        struct salt *s = find_salt(a, days[i]);
        unsigned char salt[VISITOR_KEY_BYTES];
        int64_t version;

        /* A new salt when the day has none (new, or closed since): a
         * closed day's salt is never used again. */
        visitor_key_new(salt);
        if (store_salt_lock(a->store, days[i], salt, sizeof(salt), a->now,
                            &version, err) < 0)
            return -1;
        /* Another writer changed the day (or closed it and a new one
         * began) since this one read it. */
        if (s && (s->version != version ||
                  memcmp(s->salt, salt, sizeof(salt)) != 0))
            drop_day(a, days[i]);
        cntmap_add(a->locked, (uint64_t)(uint32_t)days[i],
                   (uint64_t)version + 1);
    }
    return 0;
}

int audience_write(struct audience *a, struct bs_err *err)
{
    size_t pos = 0;
    uint64_t k, v;
    int rc;

    a->err = err;
    rc = visits_each_dirty_set(a->visits, 64 - STORE_OPEN_SET_BITS,
                               &(const struct visits_set_writer){
                                   set_begin, set_person, set_end},
                               a);
    a->err = NULL;
    if (rc)
        return -1;
    /* The other writers learn that these days changed. */
    if (store_shared(a->store)) {
        pos = 0;
        while (cntmap_next(a->written, &pos, &k, &v)) {
            struct salt *s = find_salt(a, (int32_t)(uint32_t)k);
            int64_t version;

            if (store_salt_bump(a->store, (int32_t)(uint32_t)k, &version,
                                err))
                return -1;
            if (s)
                s->version = version;
        }
    }
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
    }
    a->nsalts = o;
    cntmap_clear(a->days);
    cntmap_clear(a->locked);
    cntmap_clear(a->written);
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
