/*
 * geo.c - libmaxminddb behind a per-address cache.
 *
 * Addresses are read with netaddr_parse() (once each, on a cache miss)
 * and looked up with MMDB_lookup_sockaddr: MMDB_lookup_string would call
 * getaddrinfo for every address. Addresses of the special-purpose blocks
 * (netrange.h) are "--" without a lookup.
 */
#include "blogstat.h"
#include "geo.h"
#include "netrange.h"
#include "table.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <limits.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* At most this many addresses are cached; then the cache starts over. */
#define GEO_CACHE_MAX 65536

/* IPv4 addresses in canonical dotted-quad form, the most common by far,
 * have a cache of their own keyed by the 32-bit address: no string hash
 * and no memcmp, and room for a busy day's worth of clients. */
#define GEO_V4_MAX (1u << 18)
#define GEO_V4_SLOTS (2 * GEO_V4_MAX)       /* a power of 2, load <= 1/2 */

struct v4_slot {
    uint32_t addr;
    uint16_t country1;                  /* country index + 1; 0: empty */
};

/* Countries seen, as index into a small table of "XX\0" strings. */
#define GEO_MAX_COUNTRIES 1024

struct geo {
    MMDB_s mmdb;
    int open;
    char *path;
    struct strtab *cache;
    uint16_t *country_of;               /* by cache id */
    struct v4_slot *v4;                 /* NULL until the first one */
    uint32_t v4_count;
    char countries[GEO_MAX_COUNTRIES][3];
    unsigned ncountries;
};

static int has_mmdb_suffix(const char *name)
{
    size_t n = strlen(name);

    return n > 5 && strcmp(name + n - 5, ".mmdb") == 0;
}

static int contains_ci(const char *s, const char *word)
{
    size_t m = strlen(word);

    for (; *s; s++) {
        size_t i;

        for (i = 0; i < m && s[i]; i++) {
            char c = s[i];

            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if (c != word[i])
                break;
        }
        if (i == m)
            return 1;
    }
    return 0;
}

/* The best .mmdb in dir: one that says "country", else the first by name. */
static char *search_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char *best = NULL;
    int best_country = 0;

    if (!d)
        return NULL;
    while ((e = readdir(d))) {
        int country;

        if (!has_mmdb_suffix(e->d_name))
            continue;
        country = contains_ci(e->d_name, "country");
        if (!best || country > best_country ||
            (country == best_country && strcmp(e->d_name, best) < 0)) {
            free(best);
            best = xstrdup(e->d_name);
            best_country = country;
        }
    }
    closedir(d);
    if (best) {
        size_t n = strlen(dir) + strlen(best) + 2;
        char *full = xmalloc(n);

        snprintf(full, n, "%s/%s", dir, best);
        free(best);
        return full;
    }
    return NULL;
}

char *geo_search(void)
{
    static const char *const dirs[] = {BLOGSTAT_DATADIR, "/usr/share/GeoIP",
                                       "/var/lib/GeoIP"};
    char exe[PATH_MAX];
    ssize_t n;
    char *found = search_dir("data");

    if (found)
        return found;
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 8);
    if (n > 0) {
        char *slash;

        exe[n] = '\0';
        slash = strrchr(exe, '/');
        if (slash) {
            memcpy(slash + 1, "data", 5);
            found = search_dir(exe);
            if (found)
                return found;
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
        if ((found = search_dir(dirs[i])))
            return found;
    return NULL;
}

struct geo *geo_open(const char *path, struct bs_err *err)
{
    struct geo *g = xcalloc(1, sizeof(*g));
    char *found = NULL;
    int st;

    g->cache = strtab_new();
    g->country_of = xmalloc(GEO_CACHE_MAX * sizeof(*g->country_of));
    memcpy(g->countries[0], "--", 3);
    g->ncountries = 1;
    if (!path) {
        found = geo_search();
        if (!found)
            return g;
        path = found;
    }
    st = MMDB_open(path, MMDB_MODE_MMAP, &g->mmdb);
    if (st != MMDB_SUCCESS) {
        bs_fail(err, BS_NOINPUT, "cannot open GeoIP database '%s': %s%s",
                path,
                st == MMDB_IO_ERROR ? "I/O error" : MMDB_strerror(st),
                st == MMDB_IO_ERROR ? "" : " (is it a MaxMind DB file?)");
        free(found);
        geo_close(g);
        return NULL;
    }
    g->open = 1;
    g->path = found ? found : xstrdup(path);
    return g;
}

void geo_close(struct geo *g)
{
    if (!g)
        return;
    if (g->open)
        MMDB_close(&g->mmdb);
    strtab_free(g->cache);
    free(g->country_of);
    free(g->v4);
    free(g->path);
    free(g);
}

const char *geo_path(const struct geo *g)
{
    return g->path;
}

static int country_code(MMDB_lookup_result_s *res, char out[3])
{
    /* City/Country DBs (MaxMind, DB-IP) first, then flat layouts. */
    static const char *const city[] = {"country", "iso_code", NULL};
    static const char *const flat[] = {"country_code", NULL};
    static const char *const reg[] = {"registered_country", "iso_code", NULL};
    static const char *const *const paths[] = {city, flat, reg};

    for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
        MMDB_entry_data_s data;

        if (MMDB_aget_value(&res->entry, &data, paths[i]) != MMDB_SUCCESS ||
            !data.has_data || data.type != MMDB_DATA_TYPE_UTF8_STRING ||
            data.data_size != 2)
            continue;
        if (data.utf8_string[0] < 'A' || data.utf8_string[0] > 'Z' ||
            data.utf8_string[1] < 'A' || data.utf8_string[1] > 'Z')
            continue;
        out[0] = data.utf8_string[0];
        out[1] = data.utf8_string[1];
        out[2] = '\0';
        return 0;
    }
    return -1;
}

/*
 * The country index of a (0: "--"). An address of a block that is
 * nobody's (netaddr_special()) never goes to the database: databases
 * answer for some of those ranges, with whatever registered them.
 */
static uint16_t lookup(struct geo *g, const struct netaddr *a)
{
    struct sockaddr_storage ss;
    MMDB_lookup_result_s res;
    unsigned char b[16];
    char cc[3];
    int mmdb_err;

    if (!g->open || netaddr_special(a))
        return 0;
    memset(&ss, 0, sizeof(ss));
    /* IPv4-mapped IPv6 (::ffff:a.b.c.d, a dual-stack server's IPv4
     * clients) is IPv4 here: not every database links that range. */
    if (netaddr_bytes(a, b) == 16) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

        s6->sin6_family = AF_INET6;
        memcpy(&s6->sin6_addr, b, 16);
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

        s4->sin_family = AF_INET;
        memcpy(&s4->sin_addr, b, 4);
    }
    res = MMDB_lookup_sockaddr(&g->mmdb, (struct sockaddr *)&ss, &mmdb_err);
    if (mmdb_err != MMDB_SUCCESS || !res.found_entry ||
        country_code(&res, cc) != 0)
        return 0;
    for (unsigned i = 1; i < g->ncountries; i++)
        if (memcmp(g->countries[i], cc, 2) == 0)
            return (uint16_t)i;
    if (g->ncountries == GEO_MAX_COUNTRIES)
        return 0;
    memcpy(g->countries[g->ncountries], cc, 3);
    return (uint16_t)g->ncountries++;
}

/* The country index of the n bytes of text at addr (0 when it is no
 * address). */
static uint16_t lookup_text(struct geo *g, const char *addr, size_t n)
{
    struct netaddr a;

    return netaddr_parse(addr, n, &a) ? 0 : lookup(g, &a);
}

static uint16_t v4_country(struct geo *g, const struct netaddr *addr)
{
    uint32_t a = addr->v4;
    uint32_t mask = GEO_V4_SLOTS - 1, i;

    if (!g->v4)
        g->v4 = xcalloc(GEO_V4_SLOTS, sizeof(*g->v4));
    for (i = (a * 0x9e3779b1u) >> 13 & mask; g->v4[i].country1;
         i = (i + 1) & mask)
        if (g->v4[i].addr == a)
            return (uint16_t)(g->v4[i].country1 - 1);
    if (g->v4_count >= GEO_V4_MAX) {
        memset(g->v4, 0, GEO_V4_SLOTS * sizeof(*g->v4));
        g->v4_count = 0;
        for (i = (a * 0x9e3779b1u) >> 13 & mask; g->v4[i].country1;
             i = (i + 1) & mask)
            ;
    }
    g->v4[i].addr = a;
    g->v4[i].country1 = (uint16_t)(lookup(g, addr) + 1);
    g->v4_count++;
    return (uint16_t)(g->v4[i].country1 - 1);
}

const char *geo_country(struct geo *g, const char *addr, size_t n)
{
    struct netaddr a;
    uint32_t id;
    int added;

    if (!g->open || n == 0 || n > INET6_ADDRSTRLEN)
        return g->countries[0];
    /* A dotted quad (the most common by far) is read here once, and
     * cached by its 32 bits. */
    if (!memchr(addr, ':', n)) {
        if (netaddr_parse(addr, n, &a))
            return g->countries[0];
        return g->countries[v4_country(g, &a)];
    }
    if (strtab_count(g->cache) >= GEO_CACHE_MAX)
        strtab_clear(g->cache);
    id = strtab_intern(g->cache, addr, n, &added);
    if (added)
        g->country_of[id] = lookup_text(g, addr, n);
    return g->countries[g->country_of[id]];
}
