/*
 * geo.c - libmaxminddb behind a per-address cache and an IPv4 table.
 *
 * Addresses are read with netaddr_parse() (once each, on a cache miss).
 * A log with many readers gets an IPv4 table: after GEO_TABLE_AFTER
 * distinct IPv4 addresses, the database's IPv4 subtree is walked once
 * into a sorted array of ranges (adjacent ranges of one country merged),
 * searched through an index by the top 16 bits, and it answers every
 * IPv4 address from then on, in place of the per-address cache: no
 * address then walks the database's tree. Before that, and for IPv6,
 * each distinct address is looked up in the database once and cached. An IPv6 address is looked up with
 * MMDB_lookup_sockaddr: MMDB_lookup_string would call getaddrinfo for
 * every address. Addresses of the special-purpose blocks (netrange.h)
 * are "--" without a lookup.
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
#include <pthread.h>
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
/* It starts at GEO_V4_MIN_SLOTS (64 KiB) and doubles: the table mostly
 * replaces it after GEO_TABLE_AFTER addresses, which fit in 2 * that. */
#define GEO_V4_MIN_SLOTS 8192u

struct v4_slot {
    uint32_t addr;
    uint16_t country1;                  /* country index + 1; 0: empty */
};

/* After this many distinct IPv4 addresses, the IPv4 table is built (in a
 * few tens of milliseconds) and answers every IPv4 address; before, each
 * new one walks the database's tree (about a microsecond). */
#define GEO_TABLE_AFTER 4096

/* A country as an index: 0 for "--", 1 + 26 * (c0 - 'A') + (c1 - 'A')
 * for the code c0 c1 (two capital letters, country_code()), the same in
 * every geo, so that one IPv4 table serves them all. */
#define GEO_CODES (1 + 26 * 26)

/*
 * The IPv4 address space as ranges: range i is [start[i], start[i + 1])
 * (the last one ends at 2^32) and has country index cc[i] (0: "--", as
 * for addresses the database does not hold). start[0] is 0. by16[h] is
 * the range that holds the address h << 16, so the range of an address
 * with top 16 bits h lies in by16[h] .. by16[h + 1].
 */
struct v4_table {
    uint32_t *start;
    uint16_t *cc;
    uint32_t n, cap;
    uint32_t by16[(1u << 16) + 1];
};

/* Data records seen while building the table, by offset: most ranges
 * share a few records (one per country), each decoded once. */
#define GEO_REC_SLOTS 4096
struct rec_slot {
    uint32_t offset1;                   /* data offset + 1; 0: empty */
    uint16_t country;
};

/* The IPv4 table of the geos opened like one (geo_open_like()): built
 * once, by the first that needs it, and freed by the last one closed. */
struct geo_shared {
    pthread_mutex_t lock;
    int refs;                           /* under lock */
    struct v4_table *table;             /* under lock until set */
    int table_failed;                   /* under lock: not walkable */
};

struct geo {
    MMDB_s mmdb;
    int open;
    char *path;
    struct strtab *cache;
    uint16_t *country_of;               /* by cache id */
    struct v4_slot *v4;                 /* NULL until the first one */
    uint32_t v4_slots;                  /* a power of 2, or 0 */
    uint32_t v4_count;
    uint32_t v4_misses;                 /* IPv4 addresses looked up */
    struct geo_shared *shared;
    const struct v4_table *table;       /* shared->table, once built */
    int table_failed;                   /* the tree is not walkable */
    char countries[GEO_CODES][3];       /* by index: "--", "AA" .. "ZZ" */
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
    for (int i = 1; i < GEO_CODES; i++) {
        g->countries[i][0] = (char)('A' + (i - 1) / 26);
        g->countries[i][1] = (char)('A' + (i - 1) % 26);
    }
    g->shared = xcalloc(1, sizeof(*g->shared));
    pthread_mutex_init(&g->shared->lock, NULL);
    g->shared->refs = 1;
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

struct geo *geo_open_like(const struct geo *first, struct bs_err *err)
{
    struct geo *g = geo_open(first->path, err);

    if (!g)
        return NULL;
    free(g->shared);
    g->shared = first->shared;
    pthread_mutex_lock(&g->shared->lock);
    g->shared->refs++;
    pthread_mutex_unlock(&g->shared->lock);
    return g;
}

void geo_close(struct geo *g)
{
    struct geo_shared *sh;
    int last;

    if (!g)
        return;
    if (g->open)
        MMDB_close(&g->mmdb);
    strtab_free(g->cache);
    free(g->country_of);
    free(g->v4);
    sh = g->shared;
    pthread_mutex_lock(&sh->lock);
    last = --sh->refs == 0;
    pthread_mutex_unlock(&sh->lock);
    if (last) {
        if (sh->table) {
            free(sh->table->start);
            free(sh->table->cc);
            free(sh->table);
        }
        pthread_mutex_destroy(&sh->lock);
        free(sh);
    }
    free(g->path);
    free(g);
}

const char *geo_path(const struct geo *g)
{
    return g->path;
}

static int country_code(MMDB_entry_s *entry, char out[3])
{
    /* City/Country DBs (MaxMind, DB-IP) first, then flat layouts. */
    static const char *const city[] = {"country", "iso_code", NULL};
    static const char *const flat[] = {"country_code", NULL};
    static const char *const reg[] = {"registered_country", "iso_code", NULL};
    static const char *const *const paths[] = {city, flat, reg};

    for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
        MMDB_entry_data_s data;

        if (MMDB_aget_value(entry, &data, paths[i]) != MMDB_SUCCESS ||
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

/* The country index of a data record: 0 when it names no country. */
static uint16_t entry_country(MMDB_entry_s *entry)
{
    char cc[3];

    if (country_code(entry, cc) != 0)
        return 0;
    return (uint16_t)(1 + 26 * (cc[0] - 'A') + (cc[1] - 'A'));
}

/* ---- the IPv4 table --------------------------------------------------- */

struct builder {
    struct geo *g;
    struct v4_table *t;
    struct rec_slot rec[GEO_REC_SLOTS];
};

/* Append [start, ...) with country c, merged into the previous range
 * when that has the same country. */
static void table_add(struct v4_table *t, uint32_t start, uint16_t c)
{
    if (t->n && t->cc[t->n - 1] == c)
        return;
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 4096;
        t->start = xrealloc(t->start, t->cap * sizeof(*t->start));
        t->cc = xrealloc(t->cc, t->cap * sizeof(*t->cc));
    }
    t->start[t->n] = start;
    t->cc[t->n] = c;
    t->n++;
}

/* The country index of the record of type type (value rec, entry e),
 * a leaf of the tree. */
static uint16_t leaf_country(struct builder *b, uint8_t type, MMDB_entry_s *e)
{
    struct rec_slot *s;

    if (type != MMDB_RECORD_TYPE_DATA)
        return 0;
    s = &b->rec[(e->offset * 0x9e3779b1u) >> 20 & (GEO_REC_SLOTS - 1)];
    if (s->offset1 != e->offset + 1) {
        s->offset1 = e->offset + 1;
        s->country = entry_country(e);
    }
    return s->country;
}

/*
 * Add the ranges under node (the prefix prefix/depth) in address order:
 * left (bit 0) before right. -1 when the tree is broken (a record that
 * is invalid, or a node below depth 32).
 */
static int walk(struct builder *b, uint32_t node, uint32_t prefix,
                unsigned depth)
{
    MMDB_search_node_s sn;

    if (depth >= 32 || MMDB_read_node(&b->g->mmdb, node, &sn) != MMDB_SUCCESS)
        return -1;
    for (unsigned side = 0; side < 2; side++) {
        uint32_t sub = prefix | (uint32_t)side << (31 - depth);
        uint8_t type = side ? sn.right_record_type : sn.left_record_type;
        uint64_t rec = side ? sn.right_record : sn.left_record;
        MMDB_entry_s *e = side ? &sn.right_record_entry : &sn.left_record_entry;

        if (type == MMDB_RECORD_TYPE_SEARCH_NODE) {
            if (walk(b, (uint32_t)rec, sub, depth + 1))
                return -1;
        } else if (type == MMDB_RECORD_TYPE_DATA ||
                   type == MMDB_RECORD_TYPE_EMPTY) {
            table_add(b->t, sub, leaf_country(b, type, e));
        } else {
            return -1;
        }
    }
    return 0;
}

/*
 * The node of the IPv4 subtree: the root of an IPv4 database, ::/96 of
 * an IPv6 one (where MMDB_lookup_sockaddr looks up AF_INET). When the
 * path to ::/96 ends early, at a record, every IPv4 address has that
 * record: *leaf_type and *leaf say which. -1 when the tree is broken.
 */
static int v4_root(struct geo *g, uint32_t *node, uint8_t *leaf_type,
                   MMDB_entry_s *leaf)
{
    MMDB_search_node_s sn;

    *node = 0;
    *leaf_type = MMDB_RECORD_TYPE_SEARCH_NODE;
    if (g->mmdb.metadata.ip_version != 6)
        return 0;
    for (unsigned depth = 0; depth < 96; depth++) {
        if (MMDB_read_node(&g->mmdb, *node, &sn) != MMDB_SUCCESS)
            return -1;
        if (sn.left_record_type != MMDB_RECORD_TYPE_SEARCH_NODE) {
            *leaf_type = sn.left_record_type;
            *leaf = sn.left_record_entry;
            return *leaf_type == MMDB_RECORD_TYPE_INVALID ? -1 : 0;
        }
        *node = (uint32_t)sn.left_record;
    }
    return 0;
}

/* The IPv4 subtree of g's database as a table, or NULL when the tree
 * is broken (lookups then go to the database). */
static struct v4_table *table_build(struct geo *g)
{
    struct builder *b = xcalloc(1, sizeof(*b));
    struct v4_table *t = xcalloc(1, sizeof(*t));
    uint8_t leaf_type;
    MMDB_entry_s leaf;
    uint32_t node;
    int bad;

    b->g = g;
    b->t = t;
    bad = v4_root(g, &node, &leaf_type, &leaf);
    if (!bad && leaf_type == MMDB_RECORD_TYPE_SEARCH_NODE)
        bad = walk(b, node, 0, 0);
    else if (!bad)
        table_add(t, 0, leaf_country(b, leaf_type, &leaf));
    free(b);
    if (bad || t->n == 0 || t->start[0] != 0) {
        free(t->start);
        free(t->cc);
        free(t);
        return NULL;
    }
    t->start = xrealloc(t->start, t->n * sizeof(*t->start));
    t->cc = xrealloc(t->cc, t->n * sizeof(*t->cc));
    t->cap = t->n;
    for (uint32_t h = 0, i = 0; h <= 1u << 16; h++) {
        uint64_t a = (uint64_t)h << 16;

        while (i + 1 < t->n && t->start[i + 1] <= a)
            i++;
        t->by16[h] = i;
    }
    return t;
}

/* g's table: the one the geos opened like it share, built by the first
 * that asks (the others wait for it), or NULL with g->table_failed. */
static void table_take(struct geo *g)
{
    struct geo_shared *sh = g->shared;

    pthread_mutex_lock(&sh->lock);
    if (!sh->table && !sh->table_failed) {
        sh->table = table_build(g);
        sh->table_failed = sh->table == NULL;
    }
    g->table = sh->table;
    g->table_failed = sh->table_failed;
    pthread_mutex_unlock(&sh->lock);
}

/* The country index of IPv4 address a in t. */
static uint16_t table_country(const struct v4_table *t, uint32_t a)
{
    uint32_t lo = t->by16[a >> 16], hi = t->by16[(a >> 16) + 1];

    /* The last range in lo .. hi that starts at or before a. */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo + 1) / 2;

        if (t->start[mid] <= a)
            lo = mid;
        else
            hi = mid - 1;
    }
    return t->cc[lo];
}

/* ---- lookups ---------------------------------------------------------- */

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
    int mmdb_err;

    if (!g->open || netaddr_special(a))
        return 0;
    if (!a->v6 && g->table)
        return table_country(g->table, a->v4);
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
    if (mmdb_err != MMDB_SUCCESS || !res.found_entry)
        return 0;
    return entry_country(&res.entry);
}

/* The country index of the n bytes of text at addr (0 when it is no
 * address). */
static uint16_t lookup_text(struct geo *g, const char *addr, size_t n)
{
    struct netaddr a;

    return netaddr_parse(addr, n, &a) ? 0 : lookup(g, &a);
}

/* The slot of a in the cache: its own, or the empty one it would take. */
static uint32_t v4_slot(const struct geo *g, uint32_t a)
{
    uint32_t mask = g->v4_slots - 1;
    uint32_t i = (a * 0x9e3779b1u) >> (32 - __builtin_ctz(g->v4_slots));

    while (g->v4[i].country1 && g->v4[i].addr != a)
        i = (i + 1) & mask;
    return i;
}

/* Make room for one more address: double the cache while it may grow,
 * then start it over. */
static void v4_room(struct geo *g)
{
    struct v4_slot *old = g->v4;
    uint32_t n = g->v4_slots;

    if (old && 2 * (g->v4_count + 1) <= n)
        return;
    if (old && n >= GEO_V4_SLOTS) {
        memset(old, 0, (size_t)n * sizeof(*old));
        g->v4_count = 0;
        return;
    }
    g->v4_slots = old ? 2 * n : GEO_V4_MIN_SLOTS;
    g->v4 = xcalloc(g->v4_slots, sizeof(*g->v4));
    for (uint32_t i = 0; old && i < n; i++)
        if (old[i].country1)
            g->v4[v4_slot(g, old[i].addr)] = old[i];
    free(old);
}

static uint16_t v4_country(struct geo *g, const struct netaddr *addr)
{
    uint32_t a = addr->v4, i;

    if (g->table)
        return netaddr_special(addr) ? 0 : table_country(g->table, a);
    /* Enough distinct addresses to pay for the table: build it, and
     * let it answer in place of the cache. */
    if (g->v4_misses >= GEO_TABLE_AFTER && !g->table_failed) {
        table_take(g);
        if (g->table) {
            free(g->v4);
            g->v4 = NULL;
            g->v4_slots = g->v4_count = 0;
            return v4_country(g, addr);
        }
    }

    if (g->v4) {
        i = v4_slot(g, a);
        if (g->v4[i].country1)
            return (uint16_t)(g->v4[i].country1 - 1);
    }
    v4_room(g);
    i = v4_slot(g, a);
    g->v4[i].addr = a;
    g->v4[i].country1 = (uint16_t)(lookup(g, addr) + 1);
    g->v4_misses++;
    g->v4_count++;
    return (uint16_t)(g->v4[i].country1 - 1);
}

size_t geo_ipv4_table_bytes(const struct geo *g)
{
    if (!g->table)
        return 0;
    return sizeof(*g->table) + g->table->cap * (sizeof(*g->table->start) +
                                                sizeof(*g->table->cc));
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
