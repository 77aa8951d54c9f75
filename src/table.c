/*
 * table.c - string interning table and counter map (see table.h).
 */
#include "blogstat.h"
#include "table.h"

#include <stdlib.h>
#include <string.h>

struct strent {
    uint64_t hash;
    const char *key;     /* in the arena; NULL marks an empty slot */
    uint32_t len;
    uint32_t id;
};

struct strtab {
    struct strent *slots;
    size_t cap;          /* a power of two */
    uint32_t count;
    uint32_t *by_id;     /* id -> slot index */
    size_t by_id_cap;
    struct arena arena;
};

#define STRTAB_MIN_CAP 64

struct strtab *strtab_new(void)
{
    struct strtab *t = xcalloc(1, sizeof(*t));

    t->cap = STRTAB_MIN_CAP;
    t->slots = xcalloc(t->cap, sizeof(*t->slots));
    t->by_id_cap = t->cap / 2;
    t->by_id = xmalloc(t->by_id_cap * sizeof(*t->by_id));
    arena_init(&t->arena, 64 * 1024);
    return t;
}

void strtab_free(struct strtab *t)
{
    if (!t)
        return;
    arena_release(&t->arena);
    free(t->slots);
    free(t->by_id);
    free(t);
}

static void strtab_grow(struct strtab *t)
{
    size_t ncap = t->cap * 2, mask = ncap - 1;
    struct strent *ns = xcalloc_filled(ncap, sizeof(*ns));

    for (size_t i = 0; i < t->cap; i++) {
        struct strent *e = &t->slots[i];
        size_t j;

        if (!e->key)
            continue;
        for (j = e->hash & mask; ns[j].key; j = (j + 1) & mask)
            ;
        ns[j] = *e;
        t->by_id[e->id] = (uint32_t)j;
    }
    free(t->slots);
    t->slots = ns;
    t->cap = ncap;
}

uint32_t strtab_intern_hashed(struct strtab *t, const void *key, size_t n,
                              uint64_t hash, int *added)
{
    size_t mask = t->cap - 1, i;
    struct strent *e;

    if (n > UINT32_MAX)
        BUG("strtab key of %zu bytes", n);
    for (i = hash & mask; t->slots[i].key; i = (i + 1) & mask) {
        e = &t->slots[i];
        if (e->hash == hash && e->len == n && memcmp(e->key, key, n) == 0) {
            if (added)
                *added = 0;
            return e->id;
        }
    }
    /* Keep the load under 1/2 so that probes stay short. */
    if ((size_t)(t->count + 1) * 2 > t->cap) {
        strtab_grow(t);
        mask = t->cap - 1;
        for (i = hash & mask; t->slots[i].key; i = (i + 1) & mask)
            ;
    }
    if (t->count == t->by_id_cap) {
        t->by_id_cap *= 2;
        t->by_id = xrealloc(t->by_id, t->by_id_cap * sizeof(*t->by_id));
    }
    e = &t->slots[i];
    e->hash = hash;
    e->key = arena_memdup(&t->arena, key, n);
    e->len = (uint32_t)n;
    e->id = t->count;
    t->by_id[t->count] = (uint32_t)i;
    if (added)
        *added = 1;
    return t->count++;
}

uint32_t strtab_intern(struct strtab *t, const void *key, size_t n,
                       int *added)
{
    return strtab_intern_hashed(t, key, n, bs_hash(key, n), added);
}

int64_t strtab_find(const struct strtab *t, const void *key, size_t n)
{
    uint64_t hash = bs_hash(key, n);
    size_t mask = t->cap - 1;

    for (size_t i = hash & mask; t->slots[i].key; i = (i + 1) & mask) {
        const struct strent *e = &t->slots[i];

        if (e->hash == hash && e->len == n && memcmp(e->key, key, n) == 0)
            return e->id;
    }
    return -1;
}

const char *strtab_key(const struct strtab *t, uint32_t id, size_t *n)
{
    const struct strent *e;

    if (id >= t->count)
        BUG("strtab id %u out of %u", id, t->count);
    e = &t->slots[t->by_id[id]];
    if (n)
        *n = e->len;
    return e->key;
}

uint32_t strtab_count(const struct strtab *t)
{
    return t->count;
}

void strtab_clear(struct strtab *t)
{
    memset(t->slots, 0, t->cap * sizeof(*t->slots));
    t->count = 0;
    arena_release(&t->arena);
}

size_t strtab_memory(const struct strtab *t)
{
    return sizeof(*t) + t->cap * sizeof(*t->slots) +
           t->by_id_cap * sizeof(*t->by_id) + t->arena.total;
}

/* The counter map stores key + 1 so that a zeroed slot means empty. */
struct cntent {
    uint64_t key1;
    uint64_t value;
};

struct cntmap {
    struct cntent *slots;
    size_t cap;
    size_t count;
};

static inline size_t cnt_hash(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return (size_t)k;
}

struct cntmap *cntmap_new(void)
{
    struct cntmap *m = xcalloc(1, sizeof(*m));

    m->cap = 64;
    m->slots = xcalloc(m->cap, sizeof(*m->slots));
    return m;
}

void cntmap_free(struct cntmap *m)
{
    if (!m)
        return;
    free(m->slots);
    free(m);
}

static void cntmap_grow(struct cntmap *m)
{
    size_t ncap = m->cap * 2, mask = ncap - 1;
    struct cntent *ns = xcalloc_filled(ncap, sizeof(*ns));

    for (size_t i = 0; i < m->cap; i++) {
        size_t j;

        if (!m->slots[i].key1)
            continue;
        for (j = cnt_hash(m->slots[i].key1) & mask; ns[j].key1;
             j = (j + 1) & mask)
            ;
        ns[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = ns;
    m->cap = ncap;
}

void cntmap_add(struct cntmap *m, uint64_t key, uint64_t delta)
{
    uint64_t k1 = key + 1;
    size_t mask, i;

    if (k1 == 0)
        BUG("cntmap key UINT64_MAX");
    if ((m->count + 1) * 2 > m->cap)
        cntmap_grow(m);
    mask = m->cap - 1;
    for (i = cnt_hash(k1) & mask; m->slots[i].key1; i = (i + 1) & mask) {
        if (m->slots[i].key1 == k1) {
            m->slots[i].value += delta;
            return;
        }
    }
    m->slots[i].key1 = k1;
    m->slots[i].value = delta;
    m->count++;
}

uint64_t cntmap_get(const struct cntmap *m, uint64_t key)
{
    uint64_t k1 = key + 1;
    size_t mask = m->cap - 1;

    for (size_t i = cnt_hash(k1) & mask; m->slots[i].key1;
         i = (i + 1) & mask)
        if (m->slots[i].key1 == k1)
            return m->slots[i].value;
    return 0;
}

size_t cntmap_count(const struct cntmap *m)
{
    return m->count;
}

int cntmap_next(const struct cntmap *m, size_t *pos, uint64_t *key,
                uint64_t *value)
{
    for (size_t i = *pos; i < m->cap; i++) {
        if (m->slots[i].key1) {
            *key = m->slots[i].key1 - 1;
            *value = m->slots[i].value;
            *pos = i + 1;
            return 1;
        }
    }
    *pos = m->cap;
    return 0;
}

void cntmap_clear(struct cntmap *m)
{
    memset(m->slots, 0, m->cap * sizeof(*m->slots));
    m->count = 0;
}

size_t cntmap_memory(const struct cntmap *m)
{
    return sizeof(*m) + m->cap * sizeof(*m->slots);
}
