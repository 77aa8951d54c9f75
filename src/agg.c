/*
 * agg.c - in-memory counts of a chunk of lines.
 *
 * A key is interned once in a strtab (kind byte + key bytes) and counted
 * in a cntmap under (day << 32 | id); days and countries need no strings.
 */
#include "blogstat.h"
#include "agg.h"
#include "sketch.h"
#include "table.h"

#include <stdlib.h>
#include <string.h>

enum day_field { F_HITS, F_VIEWS, F_ROBOTS, F_BAD, F_NFIELDS };

/* Which sketch: the day's, a key's (path) or a country's, of a day. */
struct skey {
    int32_t day;
    uint32_t dim;
    uint32_t id;               /* key id, or the country's two letters */
};

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
    struct strtab *refs;             /* day, key id, class, host */
    struct cntmap *ref_views;        /* ref id -> views */
    struct strtab *terms_s;          /* day, search term */
    struct cntmap *term_views;       /* term id -> views */
    char scratch[URL_KEY_MAX + 16];
    char rscratch[600];
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
    a->refs = strtab_new();
    a->ref_views = cntmap_new();
    a->terms_s = strtab_new();
    a->term_views = cntmap_new();
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
    strtab_free(a->refs);
    cntmap_free(a->ref_views);
    strtab_free(a->terms_s);
    cntmap_free(a->term_views);
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

/* The key id of a view key (kind byte + key). */
static uint32_t key_id(struct agg *a, enum url_kind kind, const char *key,
                       size_t n)
{
    if (n > URL_KEY_MAX)
        BUG("view key of %zu bytes", n);
    a->scratch[0] = (char)kind;
    memcpy(a->scratch + 1, key, n);
    return strtab_intern(a->keys, a->scratch, n + 1, NULL);
}

static enum url_kind key_kind(const struct agg *a, uint32_t id)
{
    return (enum url_kind)(unsigned char)strtab_key(a->keys, id, NULL)[0];
}

static int is_post_kind(enum url_kind kind)
{
    return kind == URL_POST || kind == URL_PAGE || kind == URL_POSTID;
}

uint32_t agg_view(struct agg *a, int32_t day, enum url_kind kind,
                  const char *key, size_t n, const char *country)
{
    uint32_t id = key_id(a, kind, key, n);

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
    strtab_clear(a->refs);
    cntmap_clear(a->ref_views);
    strtab_clear(a->terms_s);
    cntmap_clear(a->term_views);
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
               a->capevents * sizeof(*a->events) + strtab_memory(a->refs) +
               cntmap_memory(a->ref_views) + strtab_memory(a->terms_s) +
               cntmap_memory(a->term_views);

    for (size_t i = 0; i < a->nsketches; i++)
        n += sketch_memory(a->sketches[i].sk);
    return n;
}

/* ---- the audience --------------------------------------------------------- */

#define REF_CLASS_MAX 31  /* bytes of a referrer class name */

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

void agg_referrer_key(struct agg *a, int32_t day, uint32_t key,
                      const char *cls, const char *host, size_t host_n)
{
    size_t cn = strlen(cls), o = 0;

    if (key >= strtab_count(a->keys))
        BUG("view key id %u of %u", key, strtab_count(a->keys));
    /* A class is one of ref_class_name()'s words; agg_each_referrer()
     * gives it back from a buffer of REF_CLASS_MAX + 1 bytes. */
    if (cn > REF_CLASS_MAX)
        BUG("referrer class of %zu bytes", cn);
    if (host_n > 255)
        host_n = 255;
    memcpy(a->rscratch, &day, 4);
    memcpy(a->rscratch + 4, &key, 4);
    o = 8;
    a->rscratch[o++] = (char)cn;
    memcpy(a->rscratch + o, cls, cn);
    o += cn;
    memcpy(a->rscratch + o, host, host_n);
    o += host_n;
    cntmap_add(a->ref_views, strtab_intern(a->refs, a->rscratch, o, NULL), 1);
}

void agg_referrer(struct agg *a, int32_t day, enum url_kind kind,
                  const char *key, size_t n, const char *cls,
                  const char *host, size_t host_n)
{
    agg_referrer_key(a, day, key_id(a, kind, key, n), cls, host, host_n);
}

void agg_search_term(struct agg *a, int32_t day, const char *term, size_t n)
{
    if (n > 255)
        n = 255;
    memcpy(a->rscratch, &day, 4);
    memcpy(a->rscratch + 4, term, n);
    cntmap_add(a->term_views,
               strtab_intern(a->terms_s, a->rscratch, n + 4, NULL), 1);
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

    while (rc == 0 && cntmap_next(a->ref_views, &pos, &k, &v)) {
        size_t rn, kn;
        const char *r = strtab_key(a->refs, (uint32_t)k, &rn);
        int32_t day;
        uint32_t id;
        size_t cn = (unsigned char)r[8];
        char cls[REF_CLASS_MAX + 1];
        const char *key;

        memcpy(&day, r, 4);
        memcpy(&id, r + 4, 4);
        memcpy(cls, r + 9, cn);
        cls[cn] = '\0';
        key = strtab_key(a->keys, id, &kn);
        rc = fn(ctx, day, (enum url_kind)(unsigned char)key[0], key + 1,
                kn - 1, cls, r + 9 + cn, rn - 9 - cn, v);
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

    while (rc == 0 && cntmap_next(a->term_views, &pos, &k, &v)) {
        size_t n;
        const char *t = strtab_key(a->terms_s, (uint32_t)k, &n);
        int32_t day;

        memcpy(&day, t, 4);
        rc = fn(ctx, day, t + 4, n - 4, v);
    }
    return rc;
}
