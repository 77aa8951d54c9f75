/*
 * dims.c - a chunk's counts by the reader's other dimensions (dims.h).
 *
 * A row's key is interned once as bytes (day, dimension, then each part
 * after its length byte), so a repeated key costs one hash lookup; its
 * count and sketch live in arrays by the key's id.
 */
#include "blogstat.h"
#include "agg.h"
#include "dims.h"
#include "sketch.h"
#include "table.h"

#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    unsigned cap;
} dim_info[DIM_N] = {
    [DIM_ROBOT] = {"robot", 2048},
    [DIM_HOUR] = {"hour", 24},
    [DIM_CAMPAIGN] = {"campaign", 1024},
    [DIM_CLIENT] = {"client", 1024},
    [DIM_MISSING] = {"missing", 1024},
    [DIM_FEED] = {"feed", 256},
    [DIM_FEED_SUBS] = {"feed_subs", 1024},
};

const char *dim_name(enum dim d)
{
    static const char *const tables[] = {"browser", "system", "device"};

    if ((unsigned)d < DIM_N)
        return dim_info[d].name;
    return d < DIM_NTABLES ? tables[d - DIM_N] : "?";
}

unsigned dim_cap(enum dim d)
{
    return (unsigned)d < DIM_N ? dim_info[d].cap : 0;
}

int dim_is_max(enum dim d)
{
    return d == DIM_FEED_SUBS;
}

/* Day, dimension, three parts each after its length. */
#define DIM_KEY_MAX (4 + 1 + 3 * (1 + DIM_PART_CAP))

/* What a key counts: by its id. */
struct slot {
    uint64_t n;
    struct sketch *sk;       /* NULL: no visitor yet */
    enum dim dim;
};

struct dims {
    uint64_t gen;            /* dims_generation() */
    struct strtab *keys;     /* key bytes -> id */
    struct slot *slot;       /* by id */
    size_t cap;
    struct cntmap *groups;   /* (day, dim) -> distinct keys */
    uint32_t *with_sketch;   /* the ids that have one, in order */
    size_t nsk, capsk;
};

/* Generations of every dims of the process: atomic, for the counting
 * threads each make their own. */
static uint64_t next_gen(void)
{
    static _Atomic uint64_t gen;

    return ++gen;
}

struct dims *dims_new(void)
{
    struct dims *d = xcalloc(1, sizeof(*d));

    d->keys = strtab_new();
    d->groups = cntmap_new();
    d->gen = next_gen();
    return d;
}

static void drop_sketches(struct dims *d)
{
    for (size_t i = 0; i < d->nsk; i++) {
        sketch_free(d->slot[d->with_sketch[i]].sk);
        d->slot[d->with_sketch[i]].sk = NULL;
    }
    d->nsk = 0;
}

void dims_free(struct dims *d)
{
    if (!d)
        return;
    drop_sketches(d);
    strtab_free(d->keys);
    cntmap_free(d->groups);
    free(d->slot);
    free(d->with_sketch);
    free(d);
}

void dims_clear(struct dims *d)
{
    drop_sketches(d);
    strtab_clear(d->keys);
    cntmap_clear(d->groups);
    d->gen = next_gen();
}

uint64_t dims_generation(const struct dims *d)
{
    return d->gen;
}

size_t dims_memory(const struct dims *d)
{
    size_t m = sizeof(*d) + strtab_memory(d->keys) +
               cntmap_memory(d->groups) +
               d->cap * sizeof(*d->slot) +
               d->capsk * sizeof(*d->with_sketch);

    for (size_t i = 0; i < d->nsk; i++)
        m += sketch_memory(d->slot[d->with_sketch[i]].sk);
    return m;
}

/* The key bytes of (day, dim, parts) into buf: their length. */
static size_t key_bytes(char *buf, int32_t day, enum dim dim,
                        const struct slice k[3])
{
    size_t o = 0;

    memcpy(buf, &day, 4);
    buf[4] = (char)dim;
    o = 5;
    for (int i = 0; i < 3; i++) {
        size_t n = k[i].n;

        if (n > DIM_PART_CAP)
            n = utf8_trim_partial(k[i].p, DIM_PART_CAP);
        buf[o++] = (char)n;
        if (n)
            memcpy(buf + o, k[i].p, n);
        o += n;
    }
    return o;
}

static uint64_t group_of(int32_t day, enum dim dim)
{
    return (uint64_t)(uint32_t)day << 8 | (uint64_t)dim;
}

uint32_t dims_add(struct dims *d, const struct dim_row *r)
{
    char buf[DIM_KEY_MAX];
    size_t n;
    int64_t found;
    uint32_t id;

    if ((unsigned)r->dim >= DIM_N)
        BUG("dimension %d", (int)r->dim);
    n = key_bytes(buf, r->day, r->dim, r->k);
    found = strtab_find(d->keys, buf, n);
    if (found >= 0) {
        id = (uint32_t)found;
    } else {
        uint64_t g = group_of(r->day, r->dim);
        int added = 0;

        if (cntmap_get(d->groups, g) >= dim_cap(r->dim)) {
            const struct slice other[3] = {
                {AGG_OTHER, AGG_OTHER_LEN}, {"", 0}, {"", 0}};

            n = key_bytes(buf, r->day, r->dim, other);
        } else {
            cntmap_add(d->groups, g, 1);
        }
        id = strtab_intern(d->keys, buf, n, &added);
        if (id >= d->cap) {
            size_t cap = d->cap ? 2 * d->cap : 64;

            d->slot = xrealloc(d->slot, cap * sizeof(*d->slot));
            d->cap = cap;
        }
        if (added)
            d->slot[id] = (struct slot){0, NULL, r->dim};
    }
    dims_add_id(d, id, r->n);
    return id;
}

void dims_add_id(struct dims *d, uint32_t id, uint64_t n)
{
    struct slot *sl;

    if (id >= strtab_count(d->keys))
        BUG("dimension key %u", id);
    sl = &d->slot[id];
    if (dim_is_max(sl->dim))
        sl->n = n > sl->n ? n : sl->n;
    else
        sl->n = n > UINT64_MAX - sl->n ? UINT64_MAX : sl->n + n;
}

/* The sketch of key id, made when it has none. */
static struct sketch *slot_sketch(struct dims *d, uint32_t id)
{
    if (!d->slot[id].sk) {
        d->slot[id].sk = sketch_new();
        if (d->nsk == d->capsk) {
            d->capsk = d->capsk ? 2 * d->capsk : 64;
            d->with_sketch = xrealloc(d->with_sketch,
                                      d->capsk * sizeof(*d->with_sketch));
        }
        d->with_sketch[d->nsk++] = id;
    }
    return d->slot[id].sk;
}

void dims_visitor(struct dims *d, uint32_t id, uint64_t visitor)
{
    if (id >= strtab_count(d->keys))
        BUG("dimension key %u", id);
    sketch_add(slot_sketch(d, id), visitor);
}

/* The row of key id, without its sketch: strings in d's keys. */
static void row_of(const struct dims *d, uint32_t id, struct dim_row *r)
{
    size_t n, o = 5;
    const char *k = strtab_key(d->keys, id, &n);

    memset(r, 0, sizeof(*r));
    memcpy(&r->day, k, 4);
    r->dim = (enum dim)(unsigned char)k[4];
    for (int i = 0; i < 3; i++) {
        r->k[i].n = (unsigned char)k[o++];
        r->k[i].p = k + o;
        o += r->k[i].n;
    }
    r->n = d->slot[id].n;
}

int dims_each(const struct dims *d,
              int (*fn)(void *ctx, const struct dim_row *r), void *ctx)
{
    uint32_t count = strtab_count(d->keys);
    int rc = 0;

    for (uint32_t id = 0; id < count && rc == 0; id++) {
        unsigned char *blob = NULL;
        struct dim_row r;

        row_of(d, id, &r);
        if (d->slot[id].sk) {
            blob = sketch_serialize(d->slot[id].sk, &r.sketch_n);
            r.sketch = blob;
        }
        rc = fn(ctx, &r);
        free(blob);
    }
    return rc;
}
