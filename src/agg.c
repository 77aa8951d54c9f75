/*
 * agg.c - in-memory counts of a chunk of lines.
 *
 * A key is interned once in a strtab (kind byte + key bytes) and counted
 * in a cntmap under (day << 32 | id); days and countries need no strings.
 */
#include "blogstat.h"
#include "agg.h"
#include "table.h"

#include <stdlib.h>
#include <string.h>

enum day_field { F_HITS, F_VIEWS, F_ROBOTS, F_BAD, F_NFIELDS };

struct agg {
    struct strtab *keys;     /* kind byte + key */
    struct cntmap *paths;    /* day, key id -> views */
    struct cntmap *terms;    /* day, key id -> archive views */
    struct cntmap *countries;/* day, "XX" -> views */
    struct cntmap *days;     /* day, field -> count */
    struct strtab *tuples;   /* (day, key id, country) of post views */
    struct cntmap *post_countries;   /* tuple id -> views */
    char scratch[URL_KEY_MAX + 16];
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

void agg_view(struct agg *a, int32_t day, enum url_kind kind,
              const char *key, size_t n, const char *country)
{
    uint32_t id;

    if (n > URL_KEY_MAX)
        BUG("view key of %zu bytes", n);
    a->scratch[0] = (char)kind;
    memcpy(a->scratch + 1, key, n);
    id = strtab_intern(a->keys, a->scratch, n + 1, NULL);
    if (kind == URL_TAG || kind == URL_CATEGORY) {
        cntmap_add(a->terms, dkey(day, id), 1);
    } else {
        cntmap_add(a->paths, dkey(day, id), 1);
        if (kind == URL_POST || kind == URL_PAGE || kind == URL_POSTID) {
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
}

size_t agg_memory(const struct agg *a)
{
    return sizeof(*a) + strtab_memory(a->keys) + cntmap_memory(a->paths) +
           cntmap_memory(a->terms) + cntmap_memory(a->countries) +
           cntmap_memory(a->days) + strtab_memory(a->tuples) +
           cntmap_memory(a->post_countries);
}
