/*
 * agg.c - in-memory counts of a chunk of lines.
 *
 * A key is interned once in a strtab (kind byte + key bytes) and counted
 * in a cntmap under (day << 32 | id); days and countries need no strings.
 * Keys that traffic can make without end are folded (agg.h): pages and
 * archives past AGG_FOLD_KEYS a day are counted as "(other)", referrers
 * and search terms are kept in a space-saving summary of AGG_FOLD_KEYS
 * entries whose evicted counts go to "(other)".
 */
#include "blogstat.h"
#include "agg.h"
#include "dims.h"
#include "sketch.h"
#include "table.h"

#include <stdlib.h>
#include <string.h>

enum day_field { F_HITS, F_VIEWS, F_ROBOTS, F_BAD, F_NFIELDS };

#define REF_CLASS_MAX 31  /* bytes of a referrer class name */
/* A referrer's summary key: key id, class size, class, host. */
#define HH_KEY_MAX (4 + 1 + REF_CLASS_MAX + AGG_KEY_CAP)

/* The groups of folded pages: paths, and tags and categories. */
enum fold_group { FOLD_PATHS, FOLD_TERMS };

/* Which sketch: the day's, a key's (path) or a country's, of a day. */
struct skey {
    int32_t day;
    uint32_t dim;
    uint32_t id;               /* key id, or the country's two letters */
};

/* ---- the heaviest keys: space-saving (Metwally et al., 2005) ----------- */

/*
 * At most AGG_FOLD_KEYS entries of (day, key). A key that is in counts
 * exactly; a new key, when all entries are taken, takes over the entry of
 * least count: the evicted key's own views go to its day's "(other)",
 * and the new key starts from that least count (err), so that the heap
 * orders by the classic space-saving count and any key of more than
 * 1/AGG_FOLD_KEYS of the views stays. A key's views are count - err.
 */
struct hh_slot {
    uint64_t hash;
    uint64_t count;          /* err + the key's views since it came in */
    uint64_t err;
    int32_t day;
    uint32_t n;
    char key[HH_KEY_MAX];
};

#define HH_INDEX (2 * AGG_FOLD_KEYS)   /* a power of two */

struct hh {
    struct hh_slot *slots;   /* n in use of cap */
    uint32_t n, cap;
    uint32_t *heap;          /* slot indices, least count at [0] */
    uint32_t *at;            /* slot -> its place in heap */
    int32_t *index;          /* hash -> slot, linear probing; -1 empty */
};

static struct hh *hh_new(void)
{
    struct hh *h = xcalloc(1, sizeof(*h));

    h->index = xmalloc(HH_INDEX * sizeof(*h->index));
    memset(h->index, 0xff, HH_INDEX * sizeof(*h->index));
    return h;
}

static void hh_free(struct hh *h)
{
    if (!h)
        return;
    free(h->slots);
    free(h->heap);
    free(h->at);
    free(h->index);
    free(h);
}

static void hh_clear(struct hh *h)
{
    if (h->n)
        memset(h->index, 0xff, HH_INDEX * sizeof(*h->index));
    h->n = 0;
}

static size_t hh_memory(const struct hh *h)
{
    return sizeof(*h) + HH_INDEX * sizeof(*h->index) +
           h->cap * (sizeof(*h->slots) + 2 * sizeof(uint32_t));
}

static uint64_t hh_hash(int32_t day, const char *key, size_t n)
{
    return bs_hash_seeded(key, n, (uint64_t)(uint32_t)day);
}

static void hh_swap(struct hh *h, uint32_t i, uint32_t j)
{
    uint32_t t = h->heap[i];

    h->heap[i] = h->heap[j];
    h->heap[j] = t;
    h->at[h->heap[i]] = i;
    h->at[h->heap[j]] = j;
}

static uint64_t hh_count(const struct hh *h, uint32_t i)
{
    return h->slots[h->heap[i]].count;
}

/* The entry at heap place i grew: down to its place. */
static void hh_down(struct hh *h, uint32_t i)
{
    for (;;) {
        uint32_t l = 2 * i + 1, r = l + 1, m = i;

        if (l < h->n && hh_count(h, l) < hh_count(h, m))
            m = l;
        if (r < h->n && hh_count(h, r) < hh_count(h, m))
            m = r;
        if (m == i)
            return;
        hh_swap(h, i, m);
        i = m;
    }
}

static void hh_up(struct hh *h, uint32_t i)
{
    while (i > 0 && hh_count(h, (i - 1) / 2) > hh_count(h, i)) {
        hh_swap(h, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

/* The index place of (day, key), or of the empty place it would take. */
static uint32_t hh_probe(const struct hh *h, uint64_t hash, int32_t day,
                         const char *key, size_t n)
{
    uint32_t i = (uint32_t)hash & (HH_INDEX - 1);

    for (; h->index[i] >= 0; i = (i + 1) & (HH_INDEX - 1)) {
        const struct hh_slot *s = &h->slots[h->index[i]];

        if (s->hash == hash && s->day == day && s->n == n &&
            memcmp(s->key, key, n) == 0)
            break;
    }
    return i;
}

/* Take slot's entry out of the index (backward shift: no tombstones). */
static void hh_unindex(struct hh *h, uint32_t slot)
{
    const uint32_t mask = HH_INDEX - 1;
    uint32_t i = (uint32_t)h->slots[slot].hash & mask, j;

    while ((uint32_t)h->index[i] != slot)
        i = (i + 1) & mask;
    h->index[i] = -1;
    for (j = (i + 1) & mask; h->index[j] >= 0; j = (j + 1) & mask) {
        uint32_t home = (uint32_t)h->slots[h->index[j]].hash & mask;

        /* j's entry may fill the hole at i when its home is not in the
         * run (i, j]. */
        if (((j - home) & mask) >= ((j - i) & mask)) {
            h->index[i] = h->index[j];
            h->index[j] = -1;
            i = j;
        }
    }
}

/*
 * w views of (day, key). When it evicts an entry, that entry's day and
 * views are stored in *day_out and *views_out, its key copied to ev
 * (HH_KEY_MAX bytes) with its size in *ev_n, and 1 is returned; else 0.
 */
static int hh_add(struct hh *h, int32_t day, const char *key, size_t n,
                  uint64_t w, int32_t *day_out, uint64_t *views_out,
                  char *ev, size_t *ev_n)
{
    uint64_t hash = hh_hash(day, key, n);
    uint32_t i = hh_probe(h, hash, day, key, n), slot;
    struct hh_slot *s;
    int evicted = 0;

    if (n > HH_KEY_MAX)
        BUG("heavy-hitter key of %zu bytes", n);
    if (h->index[i] >= 0) {
        slot = (uint32_t)h->index[i];
        h->slots[slot].count += w;
        hh_down(h, h->at[slot]);
        return 0;
    }
    if (h->n < AGG_FOLD_KEYS) {
        if (h->n == h->cap) {
            h->cap = h->cap ? 2 * h->cap : 64;
            h->slots = xrealloc(h->slots, h->cap * sizeof(*h->slots));
            h->heap = xrealloc(h->heap, h->cap * sizeof(*h->heap));
            h->at = xrealloc(h->at, h->cap * sizeof(*h->at));
        }
        slot = h->n++;
        s = &h->slots[slot];
        s->count = w;
        s->err = 0;
        h->heap[slot] = slot;
        h->at[slot] = slot;
    } else {
        slot = h->heap[0];
        s = &h->slots[slot];
        *day_out = s->day;
        *views_out = s->count - s->err;
        memcpy(ev, s->key, s->n);
        *ev_n = s->n;
        evicted = 1;
        hh_unindex(h, slot);
        i = hh_probe(h, hash, day, key, n);
        s->err = s->count;
        s->count += w;
    }
    s->hash = hash;
    s->day = day;
    s->n = (uint32_t)n;
    memcpy(s->key, key, n);
    h->index[i] = (int32_t)slot;
    if (evicted)
        hh_down(h, 0);
    else
        hh_up(h, h->at[slot]);
    return evicted;
}

struct sketch_slot {
    struct sketch *sk;       /* the visitors of one (day, dim, id) */
    struct skey k;
};

struct agg {
    struct strtab *keys;     /* kind byte + key */
    struct cntmap *paths;    /* day, key id -> views */
    struct cntmap *terms;    /* day, key id -> archive views */
    struct cntmap *countries;/* day, "XX" -> views */
    struct cntmap *days;     /* day, field -> count */
    struct strtab *tuples;   /* (day, key id, country) of post views */
    struct cntmap *post_countries;   /* tuple id -> views */
    /* the audience */
    /* (day, id) -> sketch index + 1: integer keys, no key bytes to hash
     * and compare three times a view */
    struct cntmap *sk_day, *sk_path, *sk_country;
    int32_t last_day;                /* the day sketch of the last view */
    uint32_t last_day_sk;            /* its index + 1; 0: none */
    struct sketch_slot *sketches;
    size_t nsketches, capsketches;
    struct agg_event *events;
    size_t nevents, capevents;
    struct hh *refs;                 /* key id, class, host */
    struct strtab *ref_other_keys;   /* day, key id, class: folded */
    struct cntmap *ref_other;        /* ref_other_keys id -> views */
    struct hh *sterms;               /* search terms */
    struct cntmap *sterm_other;      /* day -> folded search views */
    /* the fold of pages */
    const struct strtab *known;      /* never folded (the caller's) */
    struct cntmap *fold_n;           /* day, group -> distinct keys */
    struct dims *dims;               /* robots, hours, campaigns ... */
    char scratch[URL_KEY_MAX + 16];
    char rscratch[HH_KEY_MAX];
};

/* The key of a view of a post in a country on a day. */
struct tuple {
    int32_t day;
    uint32_t id;
    char cc[2];
};

static inline uint64_t dkey(int32_t day, uint32_t low)
{
    return (uint64_t)(uint32_t)day << 32 | low;
}

static inline int32_t dkey_day(uint64_t k)
{
    return (int32_t)(uint32_t)(k >> 32);
}

struct agg *agg_new(void)
{
    struct agg *a = xcalloc(1, sizeof(*a));

    a->keys = strtab_new();
    a->paths = cntmap_new();
    a->terms = cntmap_new();
    a->countries = cntmap_new();
    a->days = cntmap_new();
    a->tuples = strtab_new();
    a->post_countries = cntmap_new();
    a->sk_day = cntmap_new();
    a->sk_path = cntmap_new();
    a->sk_country = cntmap_new();
    a->refs = hh_new();
    a->ref_other_keys = strtab_new();
    a->ref_other = cntmap_new();
    a->sterms = hh_new();
    a->sterm_other = cntmap_new();
    a->fold_n = cntmap_new();
    a->dims = dims_new();
    return a;
}

void agg_free(struct agg *a)
{
    if (!a)
        return;
    strtab_free(a->keys);
    cntmap_free(a->paths);
    cntmap_free(a->terms);
    cntmap_free(a->countries);
    cntmap_free(a->days);
    strtab_free(a->tuples);
    cntmap_free(a->post_countries);
    for (size_t i = 0; i < a->nsketches; i++)
        sketch_free(a->sketches[i].sk);
    free(a->sketches);
    cntmap_free(a->sk_day);
    cntmap_free(a->sk_path);
    cntmap_free(a->sk_country);
    free(a->events);
    hh_free(a->refs);
    strtab_free(a->ref_other_keys);
    cntmap_free(a->ref_other);
    hh_free(a->sterms);
    cntmap_free(a->sterm_other);
    cntmap_free(a->fold_n);
    dims_free(a->dims);
    free(a);
}

void agg_hit(struct agg *a, int32_t day, int robot)
{
    cntmap_add(a->days, dkey(day, F_HITS), 1);
    if (robot)
        cntmap_add(a->days, dkey(day, F_ROBOTS), 1);
}

void agg_bad(struct agg *a, int32_t day, uint64_t count)
{
    cntmap_add(a->days, dkey(day, F_BAD), count);
}

static int is_post_kind(enum url_kind kind)
{
    return kind == URL_POST || kind == URL_PAGE || kind == URL_POSTID;
}

static int is_known(const struct agg *a, size_t n)
{
    return a->known && strtab_find(a->known, a->scratch, n) >= 0;
}

/*
 * The view key (kind byte + key) of (kind, key) into a->scratch, its size
 * returned: a key that is not known is cut to AGG_KEY_CAP bytes on a
 * character boundary, so that a path or archive name of any length costs
 * its table and its unique index no more. A dated post's path is whole
 * (its date and slug make it long, and a flood of them is folded);
 * "/?p=ID" links are short.
 */
static size_t view_key(struct agg *a, enum url_kind kind, const char *key,
                       size_t n)
{
    if (n > URL_KEY_MAX)
        BUG("view key of %zu bytes", n);
    a->scratch[0] = (char)kind;
    memcpy(a->scratch + 1, key, n);
    if (n > AGG_KEY_CAP && kind != URL_POST && kind != URL_POSTID &&
        !is_known(a, n + 1))
        n = utf8_trim_partial(key, AGG_KEY_CAP);
    return n + 1;
}

/* The key id of a view key. */
static uint32_t key_id(struct agg *a, enum url_kind kind, const char *key,
                       size_t n)
{
    return strtab_intern(a->keys, a->scratch, view_key(a, kind, key, n),
                         NULL);
}

static enum url_kind key_kind(const struct agg *a, uint32_t id)
{
    return (enum url_kind)(unsigned char)strtab_key(a->keys, id, NULL)[0];
}

void agg_set_known(struct agg *a, const struct strtab *known)
{
    a->known = known;
}

/* Kinds of one key each, never folded. */
static int one_key_kind(enum url_kind kind)
{
    return kind == URL_HOME || kind == URL_SEARCH;
}

/*
 * The key id a view of (kind, key) on day counts under: its own, unless
 * it is a new key of the day past AGG_FOLD_KEYS of its group, neither
 * known nor of a kind of one key; then "(other)" of its group.
 */
static uint32_t view_id(struct agg *a, int32_t day, enum url_kind kind,
                        const char *key, size_t n)
{
    int terms = kind == URL_TAG || kind == URL_CATEGORY;
    uint64_t g = dkey(day, terms ? FOLD_TERMS : FOLD_PATHS);
    size_t m = view_key(a, kind, key, n);
    int64_t id = strtab_find(a->keys, a->scratch, m);

    /* Counted this day already: it was let in. */
    if (id >= 0 &&
        cntmap_get(terms ? a->terms : a->paths, dkey(day, (uint32_t)id)))
        return (uint32_t)id;
    if (one_key_kind(kind) || is_known(a, m))
        return strtab_intern(a->keys, a->scratch, m, NULL);
    if (cntmap_get(a->fold_n, g) < AGG_FOLD_KEYS) {
        cntmap_add(a->fold_n, g, 1);
        return strtab_intern(a->keys, a->scratch, m, NULL);
    }
    return key_id(a, terms ? kind : URL_PAGE, AGG_OTHER, AGG_OTHER_LEN);
}

uint32_t agg_view(struct agg *a, int32_t day, enum url_kind kind,
                  const char *key, size_t n, const char *country)
{
    uint32_t id = view_id(a, day, kind, key, n);

    kind = key_kind(a, id);
    if (kind == URL_TAG || kind == URL_CATEGORY) {
        cntmap_add(a->terms, dkey(day, id), 1);
    } else {
        cntmap_add(a->paths, dkey(day, id), 1);
        if (is_post_kind(kind)) {
            /* Where each post's readers are: the report's post pages. */
            struct tuple t;

            memset(&t, 0, sizeof(t));
            t.day = day;
            t.id = id;
            t.cc[0] = country[0];
            t.cc[1] = country[1];
            cntmap_add(a->post_countries,
                       strtab_intern(a->tuples, &t, sizeof(t), NULL), 1);
        }
    }
    cntmap_add(a->days, dkey(day, F_VIEWS), 1);
    cntmap_add(a->countries,
               dkey(day, (uint32_t)(unsigned char)country[0] << 8 |
                             (unsigned char)country[1]),
               1);
    return id;
}

int agg_each_day(const struct agg *a,
                 int (*fn)(void *ctx, const struct agg_day *d), void *ctx)
{
    /* Gather the fields of each day: days are few, a second map is fine. */
    struct cntmap *seen = cntmap_new();
    size_t pos = 0;
    uint64_t k, v;
    int rc = 0;

    while (cntmap_next(a->days, &pos, &k, &v))
        cntmap_add(seen, k >> 32, 0);
    pos = 0;
    while (rc == 0 && cntmap_next(seen, &pos, &k, &v)) {
        struct agg_day d;

        d.day = (int32_t)(uint32_t)k;
        d.hits = cntmap_get(a->days, dkey(d.day, F_HITS));
        d.views = cntmap_get(a->days, dkey(d.day, F_VIEWS));
        d.robots = cntmap_get(a->days, dkey(d.day, F_ROBOTS));
        d.bad = cntmap_get(a->days, dkey(d.day, F_BAD));
        rc = fn(ctx, &d);
    }
    cntmap_free(seen);
    return rc;
}

static int each_keyed(const struct agg *a, const struct cntmap *m,
                      int (*fn)(void *ctx, int32_t day, enum url_kind kind,
                                const char *key, size_t n, uint64_t views),
                      void *ctx)
{
    size_t pos = 0, n;
    uint64_t k, v;
    int rc = 0;

    while (rc == 0 && cntmap_next(m, &pos, &k, &v)) {
        const char *key = strtab_key(a->keys, (uint32_t)k, &n);

        rc = fn(ctx, dkey_day(k), (enum url_kind)(unsigned char)key[0],
                key + 1, n - 1, v);
    }
    return rc;
}

int agg_each_path(const struct agg *a,
                  int (*fn)(void *ctx, int32_t day, enum url_kind kind,
                            const char *key, size_t n, uint64_t views),
                  void *ctx)
{
    return each_keyed(a, a->paths, fn, ctx);
}

int agg_each_term(const struct agg *a,
                  int (*fn)(void *ctx, int32_t day, enum url_kind kind,
                            const char *name, size_t n, uint64_t views),
                  void *ctx)
{
    return each_keyed(a, a->terms, fn, ctx);
}

int agg_each_country(const struct agg *a,
                     int (*fn)(void *ctx, int32_t day, const char *country,
                               uint64_t views),
                     void *ctx)
{
    size_t pos = 0;
    uint64_t k, v;
    int rc = 0;

    while (rc == 0 && cntmap_next(a->countries, &pos, &k, &v)) {
        char cc[3] = {(char)(k >> 8 & 0xff), (char)(k & 0xff), '\0'};

        rc = fn(ctx, dkey_day(k), cc, v);
    }
    return rc;
}

int agg_each_post_country(const struct agg *a,
                          int (*fn)(void *ctx, int32_t day,
                                    enum url_kind kind, const char *key,
                                    size_t n, const char *country,
                                    uint64_t views),
                          void *ctx)
{
    size_t pos = 0, n;
    uint64_t k, v;
    int rc = 0;

    while (rc == 0 && cntmap_next(a->post_countries, &pos, &k, &v)) {
        struct tuple t;
        const char *key;
        char cc[3];

        memcpy(&t, strtab_key(a->tuples, (uint32_t)k, NULL), sizeof(t));
        key = strtab_key(a->keys, t.id, &n);
        cc[0] = t.cc[0];
        cc[1] = t.cc[1];
        cc[2] = '\0';
        rc = fn(ctx, t.day, (enum url_kind)(unsigned char)key[0], key + 1,
                n - 1, cc, v);
    }
    return rc;
}

int agg_empty(const struct agg *a)
{
    return cntmap_count(a->days) == 0;
}

void agg_clear(struct agg *a)
{
    strtab_clear(a->keys);
    cntmap_clear(a->paths);
    cntmap_clear(a->terms);
    cntmap_clear(a->countries);
    cntmap_clear(a->days);
    strtab_clear(a->tuples);
    cntmap_clear(a->post_countries);
    for (size_t i = 0; i < a->nsketches; i++)
        sketch_free(a->sketches[i].sk);
    a->nsketches = 0;
    cntmap_clear(a->sk_day);
    cntmap_clear(a->sk_path);
    cntmap_clear(a->sk_country);
    a->last_day_sk = 0;
    a->nevents = 0;
    hh_clear(a->refs);
    strtab_clear(a->ref_other_keys);
    cntmap_clear(a->ref_other);
    hh_clear(a->sterms);
    cntmap_clear(a->sterm_other);
    cntmap_clear(a->fold_n);
    dims_clear(a->dims);
}

size_t agg_memory(const struct agg *a)
{
    size_t n = sizeof(*a) + strtab_memory(a->keys) + cntmap_memory(a->paths) +
               cntmap_memory(a->terms) + cntmap_memory(a->countries) +
               cntmap_memory(a->days) + strtab_memory(a->tuples) +
               cntmap_memory(a->post_countries) +
               cntmap_memory(a->sk_day) + cntmap_memory(a->sk_path) +
               cntmap_memory(a->sk_country) +
               a->capsketches * sizeof(*a->sketches) +
               a->capevents * sizeof(*a->events) + hh_memory(a->refs) +
               strtab_memory(a->ref_other_keys) +
               cntmap_memory(a->ref_other) + hh_memory(a->sterms) +
               cntmap_memory(a->sterm_other) + cntmap_memory(a->fold_n) +
               dims_memory(a->dims);

    for (size_t i = 0; i < a->nsketches; i++)
        n += sketch_memory(a->sketches[i].sk);
    return n;
}

struct dims *agg_dims(const struct agg *a)
{
    return a->dims;
}

/* ---- the audience --------------------------------------------------------- */

/* The sketch of (day, dim, id), found in map (dkey(day, id) -> index + 1)
 * or made. */
static uint32_t sketch_at(struct agg *a, struct cntmap *map, int32_t day,
                          uint32_t dim, uint32_t id)
{
    uint64_t k = dkey(day, id), i = cntmap_get(map, k);
    struct sketch_slot *s;

    if (i)
        return (uint32_t)(i - 1);
    if (a->nsketches == a->capsketches) {
        a->capsketches = a->capsketches ? a->capsketches * 2 : 64;
        a->sketches =
            xrealloc(a->sketches, a->capsketches * sizeof(*a->sketches));
    }
    s = &a->sketches[a->nsketches];
    s->sk = sketch_new();
    memset(&s->k, 0, sizeof(s->k));
    s->k.day = day;
    s->k.dim = dim;
    s->k.id = id;
    cntmap_add(map, k, ++a->nsketches);
    return (uint32_t)(a->nsketches - 1);
}

void agg_visitor_key(struct agg *a, int32_t day, int32_t sec,
                     uint64_t visitor, uint32_t key, const char *country)
{
    struct agg_event *e;
    uint32_t i;

    if (key >= strtab_count(a->keys))
        BUG("view key id %u of %u", key, strtab_count(a->keys));
    /* Views come by the day, mostly: the day's sketch is the last one. */
    if (!a->last_day_sk || a->last_day != day) {
        a->last_day = day;
        a->last_day_sk =
            sketch_at(a, a->sk_day, day, AGG_SKETCH_DAY, 0) + 1;
    }
    sketch_add(a->sketches[a->last_day_sk - 1].sk, visitor);
    /* sketch_at() may move the array: the index first, then the slot. */
    i = sketch_at(a, a->sk_country, day, AGG_SKETCH_COUNTRY,
                  (uint32_t)(unsigned char)country[0] << 8 |
                      (unsigned char)country[1]);
    sketch_add(a->sketches[i].sk, visitor);
    if (is_post_kind(key_kind(a, key))) {
        i = sketch_at(a, a->sk_path, day, AGG_SKETCH_PATH, key);
        sketch_add(a->sketches[i].sk, visitor);
    }
    if (a->nevents == a->capevents) {
        a->capevents = a->capevents ? a->capevents * 2 : 1024;
        a->events = xrealloc(a->events, a->capevents * sizeof(*a->events));
    }
    e = &a->events[a->nevents++];
    e->day = day;
    e->sec = sec;
    e->visitor = visitor;
    e->key = key;
}

void agg_visitor(struct agg *a, int32_t day, int32_t sec, uint64_t visitor,
                 enum url_kind kind, const char *key, size_t n,
                 const char *country)
{
    agg_visitor_key(a, day, sec, visitor, key_id(a, kind, key, n), country);
}

/* n, cut to AGG_KEY_CAP bytes on a character boundary. */
static size_t key_cap(const char *p, size_t n)
{
    return n > AGG_KEY_CAP ? utf8_trim_partial(p, AGG_KEY_CAP) : n;
}

/* What a summary evicted: a referrer's views to "(other)" of its day,
 * page and class; a search term's to its day's folded views. */
static void fold_referrer(struct agg *a, int32_t day, const char *ev,
                          size_t evn, uint64_t views)
{
    char k[4 + 4 + 1 + REF_CLASS_MAX];
    size_t kn = 4 + 4 + 1 + (unsigned char)ev[4];

    (void)evn;
    memcpy(k, &day, 4);
    memcpy(k + 4, ev, kn - 4);
    cntmap_add(a->ref_other, strtab_intern(a->ref_other_keys, k, kn, NULL),
               views);
}

static void fold_search(struct agg *a, int32_t day, const char *ev,
                        size_t evn, uint64_t views)
{
    (void)ev;
    (void)evn;
    cntmap_add(a->sterm_other, (uint64_t)(uint32_t)day, views);
}

void agg_referrer_key(struct agg *a, int32_t day, uint32_t key,
                      const char *cls, const char *host, size_t host_n)
{
    size_t cn = strlen(cls), o = 0, evn;
    char ev[HH_KEY_MAX];
    int32_t evday;
    uint64_t views;

    if (key >= strtab_count(a->keys))
        BUG("view key id %u of %u", key, strtab_count(a->keys));
    /* A class is one of ref_class_name()'s words; agg_each_referrer()
     * gives it back from a buffer of REF_CLASS_MAX + 1 bytes. */
    if (cn > REF_CLASS_MAX)
        BUG("referrer class of %zu bytes", cn);
    host_n = key_cap(host, host_n);
    memcpy(a->rscratch, &key, 4);
    o = 4;
    a->rscratch[o++] = (char)cn;
    memcpy(a->rscratch + o, cls, cn);
    o += cn;
    memcpy(a->rscratch + o, host, host_n);
    o += host_n;
    if (hh_add(a->refs, day, a->rscratch, o, 1, &evday, &views, ev, &evn))
        fold_referrer(a, evday, ev, evn, views);
}

void agg_referrer(struct agg *a, int32_t day, enum url_kind kind,
                  const char *key, size_t n, const char *cls,
                  const char *host, size_t host_n)
{
    agg_referrer_key(a, day, key_id(a, kind, key, n), cls, host, host_n);
}

void agg_search_term(struct agg *a, int32_t day, const char *term, size_t n)
{
    char ev[HH_KEY_MAX];
    size_t evn;
    int32_t evday;
    uint64_t views;

    if (hh_add(a->sterms, day, term, key_cap(term, n), 1, &evday, &views, ev,
               &evn))
        fold_search(a, evday, ev, evn, views);
}

int agg_each_sketch(const struct agg *a,
                    int (*fn)(void *ctx, int32_t day, enum agg_sketch dim,
                              enum url_kind kind, const char *key, size_t n,
                              const char *country, const void *blob,
                              size_t blob_n),
                    void *ctx)
{
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < a->nsketches; i++) {
        struct skey k;
        unsigned char *blob;
        size_t bn, kn = 0;
        const char *key = NULL;
        char cc[3] = "";
        enum url_kind kind = URL_OTHER;

        k = a->sketches[i].k;
        if (k.dim == AGG_SKETCH_PATH) {
            key = strtab_key(a->keys, k.id, &kn);
            kind = (enum url_kind)(unsigned char)key[0];
            key++;
            kn--;
        } else if (k.dim == AGG_SKETCH_COUNTRY) {
            cc[0] = (char)(k.id >> 8);
            cc[1] = (char)(k.id & 0xff);
        }
        blob = sketch_serialize(a->sketches[i].sk, &bn);
        rc = fn(ctx, k.day, (enum agg_sketch)k.dim, kind, key, kn, cc, blob,
                bn);
        free(blob);
    }
    return rc;
}

int agg_each_event(const struct agg *a,
                   int (*fn)(void *ctx, const struct agg_event *e,
                             enum url_kind kind, const char *key, size_t n),
                   void *ctx)
{
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < a->nevents; i++) {
        size_t n;
        const char *key = strtab_key(a->keys, a->events[i].key, &n);

        rc = fn(ctx, &a->events[i], (enum url_kind)(unsigned char)key[0],
                key + 1, n - 1);
    }
    return rc;
}

/* A referrer as agg_each_referrer() gives it: k holds key id, class
 * size and class. */
static int give_referrer(const struct agg *a, int32_t day, const char *k,
                         const char *host, size_t host_n, uint64_t views,
                         int (*fn)(void *ctx, int32_t day, enum url_kind kind,
                                   const char *key, size_t n,
                                   const char *cls, const char *host,
                                   size_t host_n, uint64_t views),
                         void *ctx)
{
    uint32_t id;
    size_t cn = (unsigned char)k[4], kn;
    char cls[REF_CLASS_MAX + 1];
    const char *key;

    memcpy(&id, k, 4);
    memcpy(cls, k + 5, cn);
    cls[cn] = '\0';
    key = strtab_key(a->keys, id, &kn);
    return fn(ctx, day, (enum url_kind)(unsigned char)key[0], key + 1, kn - 1,
              cls, host, host_n, views);
}

int agg_each_referrer(const struct agg *a,
                      int (*fn)(void *ctx, int32_t day, enum url_kind kind,
                                const char *key, size_t n, const char *cls,
                                const char *host, size_t host_n,
                                uint64_t views),
                      void *ctx)
{
    size_t pos = 0;
    uint64_t k, v;
    int rc = 0;

    for (uint32_t i = 0; rc == 0 && i < a->refs->n; i++) {
        const struct hh_slot *s = &a->refs->slots[i];
        size_t o = 5 + (unsigned char)s->key[4];

        rc = give_referrer(a, s->day, s->key, s->key + o, s->n - o,
                           s->count - s->err, fn, ctx);
    }
    while (rc == 0 && cntmap_next(a->ref_other, &pos, &k, &v)) {
        const char *r = strtab_key(a->ref_other_keys, (uint32_t)k, NULL);
        int32_t day;

        memcpy(&day, r, 4);
        rc = give_referrer(a, day, r + 4, AGG_OTHER, AGG_OTHER_LEN, v, fn,
                           ctx);
    }
    return rc;
}

int agg_each_search_term(const struct agg *a,
                         int (*fn)(void *ctx, int32_t day, const char *term,
                                   size_t n, uint64_t views),
                         void *ctx)
{
    size_t pos = 0;
    uint64_t k, v;
    int rc = 0;

    for (uint32_t i = 0; rc == 0 && i < a->sterms->n; i++) {
        const struct hh_slot *s = &a->sterms->slots[i];

        rc = fn(ctx, s->day, s->key, s->n, s->count - s->err);
    }
    while (rc == 0 && cntmap_next(a->sterm_other, &pos, &k, &v))
        rc = fn(ctx, (int32_t)(uint32_t)k, AGG_OTHER, AGG_OTHER_LEN, v);
    return rc;
}

