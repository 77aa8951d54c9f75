/*
 * robots.c - robot User-Agents.
 *
 * Three rules, in order (doc/counting.md):
 *   1. empty or "-": a robot;
 *   2. not shaped like a browser's: browsers have sent "Mozilla/5.0 (...)"
 *      or "Opera/..." with a rendering engine token for twenty years; a
 *      "(compatible; ...)" without MSIE/Trident is a robot's disguise;
 *   3. a word from the list below anywhere, ignoring case (generic words
 *      such as "bot", "crawl", "http", and crawlers that claim to be
 *      Chrome and add their name at the end).
 * Checked against the crawler-user-agents list and real browsers in
 * tests/unit/test_robots.c.
 */
#include "blogstat.h"
#include "robots.h"

#include <stdlib.h>
#include <string.h>

static const char *const robot_words[] = {
    /* what robots call themselves */
    "bot", "crawl", "spider", "slurp", "scrap", "fetch", "index", "search",
    "archiv", "agent", "analy", "parser", "check", "scan", "monitor",
    "uptime", "validator", "preview", "sleuth", "link", "synthetic",
    "headless", "favicon",
    /* a URL or an e-mail address: no browser carries one */
    "http", "www.", ".com", ".org", "@",
    /* feed readers and aggregators */
    "feed", "rss", "newspaper", "newsai/",
    /* HTTP libraries and command-line clients */
    "curl", "wget", "python", "go-http-client", "java", "okhttp", "libwww",
    "lwp-", "axios", "undici", "ruby", "perl", "php", "guzzle", "jetty",
    "ahc/", "sentry", "electron/", "phantomjs", "lighthouse", "playwright",
    "selenium", "wordpress/",
    /* link-preview fetchers */
    "facebookexternalhit", "whatsapp", "skypeuripreview", "embedly",
    /* crawlers and services known by name */
    "mediapartners", "google-", "googleother", "ask jeeves", "teoma",
    "heritrix", "httrack", "yandex", "baidu", "sogou", "qwant", "coccoc",
    "daum", "seznam", "proximic", "ltx71", "ptst/", "dareboost",
    "silktide", "hardenize", "sindup", "datanyze", "cookiehub",
    "manus-user", "collapsify", "gtmetrix", "ghost inspector",
    "securityheaders",
};

/* Words that contain a robot word but name a browser or a phone. */
static const char *const browser_words[] = {
    "cubot",             /* CUBOT Android phones */
    "linkedinapp",       /* LinkedIn's in-app browser */
    "yasearchbrowser",   /* the Yandex app's browser */
};

static const char *find(const char *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    const char *p = hay, *end = hay + n;

    while (m <= (size_t)(end - p)) {
        p = memchr(p, needle[0], (size_t)(end - p) - m + 1);
        if (!p)
            return NULL;
        if (memcmp(p, needle, m) == 0)
            return p;
        p++;
    }
    return NULL;
}

/* The rules on low, a copy of ua (m bytes) that this may change. */
static int match_lower(const char *ua, char *low, size_t m)
{
    for (size_t i = 0; i < m; i++) {
        unsigned char c = (unsigned char)ua[i];

        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c | 0x20);
        low[i] = (char)c;
    }
    for (size_t i = 0; i < ARRAY_SIZE(browser_words); i++) {
        size_t wl = strlen(browser_words[i]);
        char *p;

        /* Blank the word out so that its robot part does not match. */
        while ((p = (char *)find(low, m, browser_words[i])))
            memset(p, '_', wl);
    }
    if (!(m >= 8 && memcmp(low, "mozilla/", 8) == 0) &&
        !(m >= 6 && memcmp(low, "opera/", 6) == 0))
        return 1;
    if (!find(low, m, "applewebkit") && !find(low, m, "gecko") &&
        !find(low, m, "trident") && !find(low, m, "msie") &&
        !find(low, m, "presto"))
        return 1;
    if ((find(low, m, "(compatible;") || find(low, m, "(compatible)")) &&
        !find(low, m, "msie") && !find(low, m, "trident") &&
        !find(low, m, "konqueror"))
        return 1;
    for (size_t i = 0; i < ARRAY_SIZE(robot_words); i++)
        if (find(low, m, robot_words[i]))
            return 1;
    return 0;
}

int robots_match(const char *ua, size_t n)
{
    char stack[2048], *low = stack;
    size_t m = n;
    int robot;

    if (n == 0 || (n == 1 && ua[0] == '-'))
        return 1;
    /* Long User-Agents are rare (and cached): the heap is fine for them. */
    if (n > sizeof(stack))
        low = xmalloc(n);
    robot = match_lower(ua, low, m);
    if (low != stack)
        free(low);
    return robot;
}

/* The cache holds at most this many User-Agents (and ROBOTS_KEYS_MAX bytes
 * of them), then starts over, so that memory stays bounded on a log full
 * of random User-Agents. */
#define ROBOTS_CACHE_MAX 32768
#define ROBOTS_SLOTS (2 * ROBOTS_CACHE_MAX)    /* a power of 2, load <= 1/2 */
#define ROBOTS_KEY_MAX 1024                    /* longer ones are not kept */
#define ROBOTS_KEYS_MAX (4u << 20)
#define ROBOTS_FRONT 1024                      /* a power of 2 */

struct ua_slot {
    uint64_t hash;
    uint32_t off;              /* of the key in keys[] */
    uint16_t len;              /* 0: empty slot (n == 0 is never kept) */
    uint8_t robot;
};

struct robots {
    struct ua_slot *slots;
    uint32_t count;
    char *keys;
    size_t keys_n, keys_cap;
    /* The last User-Agent asked about: a page and its assets come in a
     * row from one browser, so this answers those lines with one memcmp. */
    const struct ua_slot *last;
    /* Slot + 1 of a User-Agent by ua_quick(), 0 for none: most lines
     * come from a few browsers, whose whole string is then hashed only
     * once; a wrong guess costs one memcmp. */
    uint32_t front[ROBOTS_FRONT];
};

struct robots *robots_new(void)
{
    struct robots *r = xcalloc(1, sizeof(*r));

    r->slots = xcalloc(ROBOTS_SLOTS, sizeof(*r->slots));
    return r;
}

void robots_free(struct robots *r)
{
    if (!r)
        return;
    free(r->slots);
    free(r->keys);
    free(r);
}

/* 8 bytes as they lie: the hashes never leave the process. */
static uint64_t load64(const unsigned char *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return v;
}

static uint64_t lane(uint64_t acc, uint64_t v)
{
    acc += v * 0xc2b2ae3d27d4eb4fULL;
    acc = (acc << 31) | (acc >> 33);
    return acc * 0x9e3779b185ebca87ULL;
}

/*
 * A hash of the whole User-Agent in four independent lanes of 8 bytes:
 * bs_hash()'s one lane would be the dearest step of the lookup, and a key
 * that skipped bytes would pile random User-Agents into one chain.
 */
static uint64_t ua_hash(const char *ua, size_t n)
{
    const unsigned char *p = (const unsigned char *)ua, *end = p + n;
    uint64_t a = 0x9e3779b97f4a7c15ULL ^ n, b = 0x632be59bd9b4e019ULL,
             c = 0x85ebca77c2b2ae63ULL, d = 0x27d4eb2f165667c5ULL;

    for (; end - p >= 32; p += 32) {
        a = lane(a, load64(p));
        b = lane(b, load64(p + 8));
        c = lane(c, load64(p + 16));
        d = lane(d, load64(p + 24));
    }
    for (; end - p >= 8; p += 8)
        a = lane(a, load64(p));
    if (end > p) {
        uint64_t tail = 0;

        /* The last 8 bytes again, overlapping, when there are 8. */
        if (n >= 8)
            tail = load64(end - 8);
        else
            for (size_t i = 0; p + i < end; i++)
                tail |= (uint64_t)p[i] << (8 * i);
        b = lane(b, tail);
    }
    a ^= (b << 17 | b >> 47) ^ (c << 29 | c >> 35) ^ (d << 41 | d >> 23);
    return bs_fmix64(a);
}

/*
 * A guess at the User-Agent from a few of its words: the length, the start
 * (the platform) and the end (the browser's and engine's versions). Only
 * for the front table, where two strings that share the guess just take
 * turns; the slots are keyed by ua_hash() of every byte.
 */
static uint32_t ua_quick(const char *ua, size_t n)
{
    const unsigned char *p = (const unsigned char *)ua, *end = p + n;
    uint64_t a, b;

    if (n < 32)
        return (uint32_t)(ua_hash(ua, n) & (ROBOTS_FRONT - 1));
    a = (load64(p + 8) ^ n) * 0x9e3779b185ebca87ULL +
        load64(p + 16) * 0xc2b2ae3d27d4eb4fULL;
    b = load64(end - 8) * 0x165667b19e3779f9ULL +
        load64(end - 16) * 0x85ebca77c2b2ae63ULL +
        load64(end - 24) * 0x27d4eb2f165667c5ULL + load64(end - 32);
    a ^= b ^ (b >> 29);
    a *= 0xff51afd7ed558ccdULL;
    return (uint32_t)(a >> 54) & (ROBOTS_FRONT - 1);
}

static void cache_clear(struct robots *r)
{
    memset(r->slots, 0, ROBOTS_SLOTS * sizeof(*r->slots));
    r->count = 0;
    r->keys_n = 0;
    r->last = NULL;
    memset(r->front, 0, sizeof(r->front));
}

static const char *slot_key(const struct robots *r, const struct ua_slot *e)
{
    return r->keys + e->off;
}

int robots_check(struct robots *r, const char *ua, size_t n)
{
    const struct ua_slot *l = r->last;
    struct ua_slot *e;
    uint32_t q, f;
    uint64_t h;
    size_t i;

    if (l && l->len == n && memcmp(ua, slot_key(r, l), n) == 0)
        return l->robot;
    if (n == 0 || n > ROBOTS_KEY_MAX)   /* rare, or costly to keep */
        return robots_match(ua, n);
    q = ua_quick(ua, n);
    if ((f = r->front[q]) != 0) {
        l = &r->slots[f - 1];
        if (l->len == n && memcmp(ua, slot_key(r, l), n) == 0) {
            r->last = l;
            return l->robot;
        }
    }
    h = ua_hash(ua, n);
    for (i = h & (ROBOTS_SLOTS - 1); r->slots[i].len;
         i = (i + 1) & (ROBOTS_SLOTS - 1)) {
        e = &r->slots[i];
        if (e->hash == h && e->len == n &&
            memcmp(slot_key(r, e), ua, n) == 0) {
            r->front[q] = (uint32_t)i + 1;
            r->last = e;
            return e->robot;
        }
    }
    if (r->count >= ROBOTS_CACHE_MAX || r->keys_n + n > ROBOTS_KEYS_MAX) {
        cache_clear(r);
        for (i = h & (ROBOTS_SLOTS - 1); r->slots[i].len;
             i = (i + 1) & (ROBOTS_SLOTS - 1))
            ;
    }
    if (r->keys_n + n > r->keys_cap) {
        size_t cap = r->keys_cap ? r->keys_cap : 64 * 1024;

        while (cap < r->keys_n + n)
            cap *= 2;
        r->keys = xrealloc(r->keys, cap);
        r->keys_cap = cap;
    }
    memcpy(r->keys + r->keys_n, ua, n);
    e = &r->slots[i];
    e->hash = h;
    e->off = (uint32_t)r->keys_n;
    e->len = (uint16_t)n;
    e->robot = (uint8_t)robots_match(ua, n);
    r->keys_n += n;
    r->count++;
    r->front[q] = (uint32_t)i + 1;
    r->last = e;
    return e->robot;
}
