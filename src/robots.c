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
#include "table.h"

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

/* The cache holds at most this many User-Agents, then starts over, so
 * that memory stays bounded on a log full of random User-Agents. */
#define ROBOTS_CACHE_MAX 32768

struct robots {
    struct strtab *cache;
    unsigned char *is_robot;   /* by strtab id */
    /* The last User-Agent asked about: a page and its assets come in a
     * row from one browser, so this answers most lines with one memcmp. */
    char last[1024];
    size_t last_n;
    int last_robot;
};

struct robots *robots_new(void)
{
    struct robots *r = xcalloc(1, sizeof(*r));

    r->cache = strtab_new();
    r->is_robot = xmalloc(ROBOTS_CACHE_MAX);
    return r;
}

void robots_free(struct robots *r)
{
    if (!r)
        return;
    strtab_free(r->cache);
    free(r->is_robot);
    free(r);
}

int robots_check(struct robots *r, const char *ua, size_t n)
{
    int added;
    uint32_t id;

    if (n == r->last_n && n > 0 && memcmp(ua, r->last, n) == 0)
        return r->last_robot;
    if (n > sizeof(r->last))   /* rare and costly to keep: no cache */
        return robots_match(ua, n);
    if (strtab_count(r->cache) >= ROBOTS_CACHE_MAX)
        strtab_clear(r->cache);
    id = strtab_intern(r->cache, ua, n, &added);
    if (added)
        r->is_robot[id] = (unsigned char)robots_match(ua, n);
    memcpy(r->last, ua, n);
    r->last_n = n;
    r->last_robot = r->is_robot[id];
    return r->last_robot;
}
