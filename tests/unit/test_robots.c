/*
 * test_robots.c - robot User-Agents (doc/counting.md "Robots"): the
 * crawler-user-agents list kept in third_party/, real browsers (a fixture
 * and, when the npm registry could be reached, the public corpora that
 * scripts/fetch-ua-corpora.sh fetches), named cases, robots' names and the
 * cache of robots_check().
 *
 * Paths are relative to the top of the tree, where make runs the tests.
 */
#include "blogstat.h"
#include "robots.h"
#include "testutil.h"

#include <sqlite3.h>

#define CRAWLERS_JSON "third_party/crawler-user-agents/crawler-user-agents.json"
#define BROWSERS_TXT "tests/fixtures/browser-user-agents.txt"
#define CORPORA_TXT "build/ua-corpora/browsers.txt"

/* One classifier for the tests that need no fresh cache. */
static struct robots *R;

static int setup(void **state)
{
    (void)state;
    R = robots_new();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    robots_free(R);
    R = NULL;
    return 0;
}

struct strlist {
    char **v;
    size_t n, cap;
};

static void sl_add(struct strlist *l, const char *s, size_t n)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = xmemdup(s, n);
}

static void sl_free(struct strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof(*l));
}

/* The whole file, NUL-terminated, or NULL when it cannot be read. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0, got;

    if (!f)
        return NULL;
    do {
        if (cap - n < 65536) {
            cap = cap ? cap * 2 : 1 << 20;
            buf = xrealloc(buf, cap + 1);
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    assert_int_equal(ferror(f), 0);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Every "instances" string of the crawler-user-agents list, read with
 * SQLite's JSON functions. 0, or -1 when the file is not there. */
static int load_crawlers(struct strlist *out)
{
    static const char sql[] =
        "SELECT j2.value FROM json_each(?1) AS j1, "
        "json_each(j1.value, '$.instances') AS j2";
    size_t len;
    char *json = slurp(CRAWLERS_JSON, &len);
    sqlite3 *db;
    sqlite3_stmt *st;
    int rc;

    if (!json)
        return -1;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        fail_msg("sqlite: %s", sqlite3_errmsg(db));
    assert_int_equal(sqlite3_bind_text(st, 1, json, (int)len, SQLITE_STATIC),
                     SQLITE_OK);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text(st, 0);
        int n = sqlite3_column_bytes(st, 0);

        if (s)
            sl_add(out, s, (size_t)n);
    }
    if (rc != SQLITE_DONE)
        fail_msg("%s: %s", CRAWLERS_JSON, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    sqlite3_close(db);
    free(json);
    return 0;
}

/* The lines of the browser fixture, without comments and blank lines. */
static void load_browsers(struct strlist *out)
{
    size_t len;
    char *txt = slurp(BROWSERS_TXT, &len);
    char *p, *e;

    if (!txt)
        fail_msg("cannot read %s (run the tests from the top of the tree)",
                 BROWSERS_TXT);
    for (p = txt; p < txt + len; p = e + 1) {
        size_t n;

        e = memchr(p, '\n', (size_t)(txt + len - p));
        if (!e)
            e = txt + len;
        n = (size_t)(e - p);
        if (n > 0 && p[n - 1] == '\r')
            n--;
        if (n == 0 || p[0] == '#')
            continue;
        sl_add(out, p, n);
    }
    free(txt);
}

/* 1 for a robot, 0 for a person (robots_match() returns which robot). */
static int robot_n(const char *ua, size_t n)
{
    return robots_match(R, ua, n) != 0;
}

static int is_robot(const char *ua)
{
    return robot_n(ua, strlen(ua));
}

/* ---- the crawler list ---------------------------------------------------- */

static void test_robots__crawler_list(void **state)
{
    struct strlist l = {0};
    size_t hits = 0, shown = 0;

    (void)state;
    if (load_crawlers(&l) != 0)
        fail_msg("cannot read %s (run the tests from the top of the tree)",
                 CRAWLERS_JSON);
    for (size_t i = 0; i < l.n; i++) {
        if (robots_match(R, l.v[i], strlen(l.v[i]))) {
            hits++;
        } else if (shown < 30) {
            printf("  not a robot: %s\n", l.v[i]);
            shown++;
        }
    }
    printf("crawler-user-agents: %zu of %zu instances are robots (%.2f%%), "
           "%zu missed\n", hits, l.n, l.n ? 100.0 * (double)hits /
           (double)l.n : 0.0, l.n - hits);
    {
        size_t total = l.n;

        sl_free(&l);
        /* the list has well over a thousand instances */
        assert_true(total >= 1000);
        if (hits * 100 < total * 95)
            fail_msg("only %zu of %zu crawler instances are robots "
                     "(< 95%%)", hits, total);
    }
}

/* ---- real browsers -------------------------------------------------------- */

static void test_robots__browsers(void **state)
{
    struct strlist l = {0};
    size_t bad = 0, cubot = 0;

    (void)state;
    load_browsers(&l);
    for (size_t i = 0; i < l.n; i++) {
        int id = robots_match(R, l.v[i], strlen(l.v[i]));

        if (strstr(l.v[i], "CUBOT"))
            cubot++;
        if (id) {
            printf("  browser taken for a robot (%s): %s\n", robots_name(id),
                   l.v[i]);
            bad++;
        }
    }
    printf("browsers: %zu User-Agents, %zu taken for robots\n", l.n, bad);
    {
        size_t total = l.n;

        sl_free(&l);
        assert_true(total >= 100);
        assert_true(cubot >= 1);
        if (bad)
            fail_msg("%zu of %zu real browsers taken for robots (listed "
                     "above)", bad, total);
    }
}

/* ---- public corpora of real browsers ------------------------------------ */

struct corpus {
    char name[32];
    size_t n, bad;
};

/*
 * The corpora of CORPORA_TXT ("CORPUS<TAB>User-Agent" lines): at most 3%
 * of each taken for robots, and of all together. Fetched from the npm
 * registry by make; without it the test says so and skips.
 */
static void test_robots__corpora(void **state)
{
    struct corpus c[8];
    size_t nc = 0, len, n = 0, bad = 0;
    char *txt = slurp(CORPORA_TXT, &len), *p, *e;
    const char *ci = getenv("CI");

    (void)state;
    if (!txt) {
        if (ci && strcmp(ci, "true") == 0)
            fail_msg("%s is missing (CI=true): scripts/fetch-ua-corpora.sh "
                     "could not reach the npm registry", CORPORA_TXT);
        printf("%s is missing: the npm registry could not be reached "
               "(scripts/fetch-ua-corpora.sh); skipping the public "
               "corpora\n", CORPORA_TXT);
        skip();
    }
    memset(c, 0, sizeof(c));
    for (p = txt; p < txt + len; p = e + 1) {
        char *tab;
        size_t k;

        e = memchr(p, '\n', (size_t)(txt + len - p));
        if (!e)
            e = txt + len;
        *e = '\0';
        if (p[0] == '#' || !(tab = strchr(p, '\t')))
            continue;
        *tab = '\0';
        for (k = 0; k < nc && strcmp(c[k].name, p) != 0; k++)
            ;
        if (k == nc) {
            assert_true(nc < ARRAY_SIZE(c));
            snprintf(c[nc++].name, sizeof(c[0].name), "%s", p);
        }
        c[k].n++;
        n++;
        if (is_robot(tab + 1)) {
            int id = robots_match(R, tab + 1, strlen(tab + 1));

            printf("  %s: taken for a robot (%s): %s\n", p, robots_name(id),
                   tab + 1);
            c[k].bad++;
            bad++;
        }
    }
    free(txt);
    for (size_t k = 0; k < nc; k++)
        printf("corpus %s: %zu of %zu taken for robots (%.1f%%)\n", c[k].name,
               c[k].bad, c[k].n, 100.0 * (double)c[k].bad / (double)c[k].n);
    printf("corpora: %zu of %zu real browsers taken for robots (%.1f%%)\n",
           bad, n, n ? 100.0 * (double)bad / (double)n : 0.0);
    /* ua-parser's four test files and user-agents' real traffic */
    assert_true(nc >= 5);
    assert_true(n >= 1000);
    for (size_t k = 0; k < nc; k++)
        if (c[k].bad * 100 > c[k].n * 3)
            fail_msg("%s: %zu of %zu browsers taken for robots (> 3%%)",
                     c[k].name, c[k].bad, c[k].n);
}

/* ---- robots' names --------------------------------------------------- */

struct named {
    const char *ua, *name, *category;
};

static void test_robots__names(void **state)
{
    static const struct named cases[] = {
        {"Mozilla/5.0 (compatible; Googlebot/2.1; "
         "+http://www.google.com/bot.html)", "Googlebot", "search-engine"},
        {"curl/7.88.1", "curl", "http-library"},
        {"facebookexternalhit/1.1", "facebookexternalhit", "social-preview"},
        {"", "(empty)", "blank"},
        {"-", "(empty)", "blank"},
        {"Java/1.8.0_151", "Java", "http-library"},
        {"ExampleCrawler/1.0", "(self-declared)", "crawler"},
    };
    int n = robots_count(), named = 0;

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        int id = robots_match(R, cases[i].ua, strlen(cases[i].ua));

        assert_true(id >= 1 && id <= n);
        assert_non_null(robots_name(id));
        if (strcmp(robots_name(id), cases[i].name) != 0 ||
            strcmp(robots_category(id), cases[i].category) != 0)
            fail_msg("\"%s\": robot %d is %s (%s), expected %s (%s)",
                     cases[i].ua, id, robots_name(id), robots_category(id),
                     cases[i].name, cases[i].category);
    }
    /* every robot's id has a printable name; the people's rules none */
    assert_true(n > 1000);
    for (int id = 1; id <= n; id++)
        if (robots_name(id)) {
            assert_true(robots_name(id)[0] != '\0');
            assert_non_null(robots_category(id));
            named++;
        }
    assert_true(named >= n - 10 && named < n);
    assert_null(robots_name(0));
    assert_null(robots_name(n + 1));
    assert_null(robots_name(-1));
    assert_null(robots_category(0));
    /* a person is 0, for the cache too */
    {
        static const char firefox[] = "Mozilla/5.0 (X11; Linux x86_64) "
                                      "Gecko/20100101 Firefox/128.0";

        assert_int_equal(robots_check(R, firefox, sizeof(firefox) - 1), 0);
    }
}

/* ---- named cases ------------------------------------------------------- */

static const char *const robot_uas[] = {
    "",
    "-",
    "curl/7.88.1",
    "Wget/1.21",
    "Wget/1.21.3 (linux-gnu)",
    "python-requests/2.31.0",
    "Python-urllib/3.11",
    "Go-http-client/1.1",
    "Go-http-client/2.0",
    "Java/1.8.0_151",
    "okhttp/4.9.3",
    "libwww-perl/6.67",
    "axios/1.6.2",
    "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.216 Mobile "
    "Safari/537.36 (compatible; Googlebot/2.1; "
    "+http://www.google.com/bot.html)",
    "Googlebot-Image/1.0",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; "
    "bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 "
    "Safari/537.36",
    "facebookexternalhit/1.1 "
    "(+http://www.facebook.com/externalhit_uatext.php)",
    "facebookexternalhit/1.1",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "WhatsApp/2.23.20.0 A",
    "WhatsApp/2.23",
    "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 5 subscribers; like "
    "FeedFetcher-Google)",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "Mozilla/5.0 (compatible; Baiduspider/2.0; "
    "+http://www.baidu.com/search/spider.html)",
    "Mozilla/5.0 (compatible; Yahoo! Slurp; "
    "http://help.yahoo.com/help/us/ysearch/slurp)",
    "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)",
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; "
    "GPTBot/1.0; +https://openai.com/gptbot)",
    "Twitterbot/1.0",
    "TelegramBot (like TwitterBot)",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10_1) AppleWebKit/600.2.5 "
    "(KHTML, like Gecko) Version/8.0.2 Safari/600.2.5 (Applebot/0.1; "
    "+http://www.apple.com/go/applebot)",
    "Mozilla/5.0 (Windows NT 6.1; Win64; x64; +http://url-monitor.com) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/100.0 Safari/537.36",
    /* No browser sends a bare product token (rules/robots-extra.txt):
     * a robot by that rule, not because it lacks a browser's shape. */
    "Mozilla/5.0",
    "Mozilla/5.0 (compatible)",
    "Mozilla/5.0 (compatible; SemrushBot/7~bl; "
    "+http://www.semrush.com/bot.html)",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
    "like Gecko) Chrome/122.0.0.0 Safari/537.36 Lighthouse",
    "WordPress/6.4.2; https://blog.example.eu",
    "Tiny Tiny RSS/22.11 (http://tt-rss.org/)",
    "NewsBlur Feed Fetcher - 5 subscribers - http://www.newsblur.com",
    "GOOGLEBOT",
    "MOZILLA/5.0 (COMPATIBLE; BINGBOT/2.0)",
    "CURL/8.0",
    /* link-preview fetchers */
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
    "like Gecko) Chrome/120.0.0.0 Safari/537.36 (compatible; Discordbot/2.0; "
    "+https://discordapp.com)",
    "Slackbot 1.0 (+https://api.slack.com/robots)",
    /* HTTP libraries the list lacks (rules/robots-extra.txt) */
    "Ruby",
    "Dart/3.2 (dart:io)",
    "GuzzleHttp/7",
    "undici",
    "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) "
    "WindowsPowerShell/5.1.19041.3803",
    /* a person's word first, a robot's after it */
    "Mozilla/5.0 (Linux; Android 9; CUBOT P30) AppleWebKit/537.36 (KHTML, "
    "like Gecko) Chrome/79.0.3945.136 Mobile Safari/537.36 (compatible; "
    "Googlebot/2.1; +http://www.google.com/bot.html)",
};

/* Real browsers that a careless word list takes for robots. The
 * in-app browsers, text browsers, apps and old phones that a rule on the
 * shape of a browser's User-Agent took for robots are in the fixture
 * (BROWSERS_TXT). */
static const char *const browser_uas[] = {
    "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0)",
    "Mozilla/5.0 (Linux; Android 9; CUBOT P30) AppleWebKit/537.36 (KHTML, "
    "like Gecko) Chrome/79.0.3945.136 Mobile Safari/537.36",
    "Mozilla/5.0 (Linux; Android 9; cubot p30) AppleWebKit/537.36 (KHTML, "
    "like Gecko) Chrome/79.0.3945.136 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
    "like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 "
    "Firefox/128.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) "
    "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 "
    "Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko",
    "Opera/9.80 (Windows NT 6.1; WOW64) Presto/2.12.388 Version/12.18",
};

static void test_robots__named_robots(void **state)
{
    int bad = 0;

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(robot_uas); i++)
        if (!is_robot(robot_uas[i])) {
            printf("  not taken for a robot: \"%s\"\n", robot_uas[i]);
            bad++;
        }
    if (bad)
        fail_msg("%d named robots not recognized (listed above)", bad);
}

static void test_robots__named_browsers(void **state)
{
    int bad = 0;

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(browser_uas); i++)
        if (is_robot(browser_uas[i])) {
            printf("  taken for a robot: \"%s\"\n", browser_uas[i]);
            bad++;
        }
    if (bad)
        fail_msg("%d named browsers taken for robots (listed above)", bad);
}

/* n, not the NUL, bounds the User-Agent. */
static void test_robots__length_bounds(void **state)
{
    static const char chrome[] =
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "
        "Gecko) Chrome/120.0.0.0 Safari/537.36";
    char buf[sizeof(chrome) + 16];
    char *exact;

    (void)state;
    /* the word after n does not count */
    snprintf(buf, sizeof(buf), "%sbingbot", chrome);
    assert_int_equal(robot_n(buf, strlen(chrome)), 0);
    assert_int_equal(robot_n(buf, strlen(buf)), 1);
    /* a "-" prefix of a longer string is a robot only when it is all */
    assert_int_equal(robot_n("-x", 1), 1);
    assert_int_equal(robot_n("curl/8", 0), 1);
    /* no NUL after the bytes */
    exact = xmalloc(strlen(chrome));
    memcpy(exact, chrome, strlen(chrome));
    assert_int_equal(robot_n(exact, strlen(chrome)), 0);
    free(exact);
}

/*
 * A robot's word counts anywhere in the first 2,048 bytes; a User-Agent
 * longer than that is a robot's whatever it holds (rules/robots-extra.txt
 * "(too-long)"), named by a rule in its first bytes when one matches.
 */
static void test_robots__long(void **state)
{
    static const char chrome[] =
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "
        "Gecko) Chrome/120.0.0.0 Safari/537.36 ";
    size_t head = strlen(chrome), n = 3000;
    char *ua = xmalloc(n + 1);
    int id;

    (void)state;
    memcpy(ua, chrome, head);
    memset(ua + head, 'x', n - head);
    ua[n] = '\0';
    assert_int_equal(robot_n(ua, 2048), 0);
    memcpy(ua + 2048 - 8, " bingbot", 8);
    assert_int_equal(robot_n(ua, 2047), 0);
    id = robots_match(R, ua, 2048);
    assert_string_equal(robots_name(id), "bingbot");
    id = robots_match(R, ua, 2049);
    assert_string_equal(robots_name(id), "bingbot");
    memset(ua + 2048 - 8, 'x', 8);
    id = robots_match(R, ua, 2049);
    assert_string_equal(robots_name(id), "(too-long)");
    id = robots_match(R, ua, n);
    assert_string_equal(robots_name(id), "(too-long)");
    /* a robot's word past the bytes read still makes a robot */
    memcpy(ua + n - 8, " bingbot", 8);
    assert_int_equal(robot_n(ua, n), 1);
    memcpy(ua, "curl/8.5", 8);
    id = robots_match(R, ua, n);
    assert_string_equal(robots_name(id), "curl");
    free(ua);
}

/* ---- the cache ------------------------------------------------------------ */

/*
 * User-Agents that share their length, start and end and differ only in
 * the middle (one guess of the front table), long ones past the bytes the
 * cache keeps (it starts over), and every length around the hash's steps:
 * robots_check() answers as robots_match() each time.
 */
static void test_robots__check_lookalikes(void **state)
{
    static const char head[] =
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "
        "Gecko) Chrome/120.0.";
    static const char tail[] = ".0 Safari/537.36 ExampleSuffix/1.0";
    struct robots *r = robots_new();
    char buf[1100];
    int bad = 0;

    (void)state;
    for (int rep = 0; rep < 2; rep++)
        for (int i = 0; i < 3000; i++) {
            /* the robot word lands in the middle for one in 7 */
            snprintf(buf, sizeof(buf), "%s%04d%s%s", head, i,
                     i % 7 ? "xx" : " bot", tail);
            if (robots_check(r, buf, strlen(buf)) !=
                robots_match(R, buf, strlen(buf)))
                bad++;
            /* and the one before it, which is no longer the last */
            if (i > 0) {
                snprintf(buf, sizeof(buf), "%s%04d%s%s", head, i - 1,
                         (i - 1) % 7 ? "xx" : " bot", tail);
                if (robots_check(r, buf, strlen(buf)) !=
                    robots_match(R, buf, strlen(buf)))
                    bad++;
            }
        }
    /* 6000 of 1000 bytes: more than the 4 MiB of keys the cache keeps
     * (under valgrind 600, the same code without the eviction: the
     * plain and ASan runs check that) */
    int many = TU_UNDER_VALGRIND() ? 600 : 6000;

    for (int rep = 0; rep < 2; rep++)
        for (int i = 0; i < many; i++) {
            int len = snprintf(buf, sizeof(buf), "%s%d", head, i);

            memset(buf + len, i % 5 ? 'a' : 'b', 1000 - (size_t)len);
            memcpy(buf + 1000 - 4, i % 5 ? "abcd" : " bot", 4);
            /* a robot for one in 5, known without matching again */
            if ((robots_check(r, buf, 1000) != 0) != (i % 5 == 0))
                bad++;
        }
    /* every length from 1 to 80 of a robot and of a browser */
    for (size_t n = 1; n <= 80; n++)
        for (int rep = 0; rep < 2; rep++) {
            if (robots_check(r, head, n) != robots_match(R, head, n))
                bad++;
            if (robots_check(r, "curl/8.5.0 and then some more text to fill "
                                "up eighty bytes of a User-Agent string ..",
                             n) !=
                robots_match(R, "curl/8.5.0 and then some more text to fill "
                             "up eighty bytes of a User-Agent string ..",
                             n))
                bad++;
        }
    robots_free(r);
    assert_int_equal(bad, 0);
}


/* robots_check(ua) == robots_match(ua) for each; returns mismatches. */
static int check_agree(struct robots *r, char *const *v, size_t n,
                       const char *what)
{
    int bad = 0;

    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(v[i]);
        int want = robots_match(R, v[i], len);
        int got = robots_check(r, v[i], len);

        if (got != want) {
            if (bad < 10)
                printf("  %s: robots_check %d, robots_match %d: \"%.200s\"\n",
                       what, got, want, v[i]);
            bad++;
        }
    }
    return bad;
}

static void test_robots__check_agrees(void **state)
{
    struct strlist all = {0};
    struct robots *r = robots_new();
    char buf[256];
    char *big;
    int bad = 0, have_crawlers;
    size_t nbrowsers, big_n = 1500;

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(robot_uas); i++)
        sl_add(&all, robot_uas[i], strlen(robot_uas[i]));
    for (size_t i = 0; i < ARRAY_SIZE(browser_uas); i++)
        sl_add(&all, browser_uas[i], strlen(browser_uas[i]));
    load_browsers(&all);
    nbrowsers = all.n;
    have_crawlers = load_crawlers(&all) == 0;
    printf("cache: %zu named and fixture strings, %zu crawler instances\n",
           nbrowsers, all.n - nbrowsers);

    /* first sight, then from the cache, twice */
    bad += check_agree(r, all.v, all.n, "first");
    bad += check_agree(r, all.v, all.n, "cached");
    bad += check_agree(r, all.v, all.n, "cached again");

    /* more distinct User-Agents than the cache holds (32768) */
    for (int i = 0; i < 40000; i++) {
        int want = i % 3 == 0, got;

        if (want)
            snprintf(buf, sizeof(buf), "ExampleCrawler/%d.%d", i, i * 7);
        else
            snprintf(buf, sizeof(buf),
                     "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
                     "(KHTML, like Gecko) Chrome/%d.0.%d.0 Safari/537.36",
                     i / 100, i);
        got = robots_check(r, buf, strlen(buf)) != 0;
        if (got != want) {
            if (bad < 10)
                printf("  generated #%d: check %d, expected %d: %s\n", i, got,
                       want, buf);
            bad++;
        }
        /* and a string seen before, now and then */
        if (i % 1000 == 0)
            bad += check_agree(r, all.v, all.n < 50 ? all.n : 50, "mixed");
    }
    /* after the cache started over */
    bad += check_agree(r, all.v, all.n, "after reset");
    bad += check_agree(r, all.v, all.n, "after reset, cached");

    /* longer than the cache keeps (1024 bytes), browser and robot */
    big = xmalloc(big_n + 1);
    memcpy(big, browser_uas[3], strlen(browser_uas[3]));
    memset(big + strlen(browser_uas[3]), 'a', big_n - strlen(browser_uas[3]));
    big[big_n] = '\0';
    for (int rep = 0; rep < 3; rep++) {
        if (robots_check(r, big, big_n) != 0 ||
            robots_match(R, big, big_n) != 0)
            bad++;
        /* 1024 and 1025 bytes: both sides of the limit */
        if (robots_check(r, big, 1024) != robots_match(R, big, 1024) ||
            robots_check(r, big, 1025) != robots_match(R, big, 1025))
            bad++;
    }
    memcpy(big + big_n - 10, " Googlebot", 10);
    for (int rep = 0; rep < 3; rep++)
        if (robots_check(r, big, big_n) != robots_match(R, big, big_n) ||
            robots_check(r, big, big_n) == 0)
            bad++;
    /* a prefix of a cached User-Agent is a different key */
    if (robots_check(r, big, big_n) == 0 ||
        robots_check(r, big, strlen(browser_uas[3])) != 0)
        bad++;
    /* bytes after a NUL are part of the key */
    {
        static const char nul_ua[] = "Mozilla/5.0 (X11) Gecko/1\0bot";

        if (robots_check(r, nul_ua, sizeof(nul_ua) - 1) !=
                robots_match(R, nul_ua, sizeof(nul_ua) - 1) ||
            robots_check(r, nul_ua, 25) != robots_match(R, nul_ua, 25))
            bad++;
    }
    free(big);
    robots_free(r);
    sl_free(&all);
    if (!have_crawlers)
        printf("cache: %s missing; checked without it\n", CRAWLERS_JSON);
    if (bad)
        fail_msg("robots_check disagrees with robots_match %d times", bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_robots__crawler_list),
        cmocka_unit_test(test_robots__browsers),
        cmocka_unit_test(test_robots__corpora),
        cmocka_unit_test(test_robots__names),
        cmocka_unit_test(test_robots__named_robots),
        cmocka_unit_test(test_robots__named_browsers),
        cmocka_unit_test(test_robots__length_bounds),
        cmocka_unit_test(test_robots__long),
        cmocka_unit_test(test_robots__check_agrees),
        cmocka_unit_test(test_robots__check_lookalikes),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
