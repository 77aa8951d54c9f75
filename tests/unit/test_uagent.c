/*
 * test_uagent.c - the browser, system and device class of a User-Agent
 * (doc/counting.md "Browsers, systems and devices"): real User-Agents of
 * browsers, in-app browsers, TVs and consoles; uap-core's own test cases
 * (tests/fixtures/uap-browsers.txt and uap-systems.txt) with the share
 * of families named as uap-core expects; the cache, long and hostile
 * User-Agents, names cut to UA_NAME_MAX. The last test prints what a
 * distinct User-Agent and a cached one cost (printed, not asserted).
 *
 * Paths are relative to the top of the tree, where make runs the tests.
 */
#include "blogstat.h"
#include "uagent.h"
#include "testutil.h"

#include <time.h>

#define BROWSER_CASES "tests/fixtures/uap-browsers.txt"
#define SYSTEM_CASES "tests/fixtures/uap-systems.txt"

/* One parser for the tests that need no fresh cache. */
static struct uagent *U;

static int setup(void **state)
{
    (void)state;
    U = uagent_new();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    uagent_free(U);
    U = NULL;
    return 0;
}

/* ---- real User-Agents ---------------------------------------------------- */

struct ua_case {
    const char *ua, *browser, *system;
    enum ua_device device;
};

static const struct ua_case cases[] = {
    /* Chrome, Edge, Firefox, Safari on computers */
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
     "like Gecko) Chrome/120.0.0.0 Safari/537.36",
     "Chrome", "Windows", UA_DESKTOP},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
     "like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91",
     "Edge", "Windows", UA_DESKTOP},
    {"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 "
     "Firefox/121.0",
     "Firefox", "Ubuntu", UA_DESKTOP},
    {"Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
     "Firefox", "Linux", UA_DESKTOP},
    {"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Version/17.1 Safari/605.1.15",
     "Safari", "Mac OS X", UA_DESKTOP},
    {"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, "
     "like Gecko) Chrome/120.0.0.0 Safari/537.36",
     "Chrome", "Chrome OS", UA_DESKTOP},
    /* text browsers */
    {"Lynx/2.9.0dev.10 libwww-FM/2.14 SSL-MM/1.4.1 GNUTLS/3.7.8",
     "Lynx", "Other", UA_DESKTOP},
    /* uap-core has no rule for w3m: rules/ua-browsers.txt has */
    {"w3m/0.5.3+git20230121", "w3m", "Other", UA_DESKTOP},
    /* phones and tablets */
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) "
     "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1.2 "
     "Mobile/15E148 Safari/604.1",
     "Mobile Safari", "iOS", UA_MOBILE},
    {"Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1",
     "Mobile Safari", "iOS", UA_TABLET},
    {"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like "
     "Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
     "Chrome Mobile", "Android", UA_MOBILE},
    {"Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, "
     "like Gecko) Chrome/119.0.0.0 Safari/537.36",
     "Chrome", "Android", UA_TABLET},
    {"Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S918B) AppleWebKit/537.36 "
     "(KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile "
     "Safari/537.36",
     "Samsung Internet", "Android", UA_MOBILE},
    {"Mozilla/5.0 (Android 14; Mobile; rv:121.0) Gecko/121.0 Firefox/121.0",
     "Firefox Mobile", "Android", UA_MOBILE},
    {"Mozilla/5.0 (Android 14; Tablet; rv:121.0) Gecko/121.0 Firefox/121.0",
     "Firefox Mobile", "Android", UA_TABLET},
    {"Mozilla/5.0 (Linux; Android 11; KFTRWI) AppleWebKit/537.36 (KHTML, "
     "like Gecko) Silk/120.3.1 like Chrome/120.0.6099.230 Safari/537.36",
     "Amazon Silk", "Android", UA_TABLET},
    {"Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) "
     "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Mobile "
     "Safari/537.36 Edge/15.14977",
     "Edge Mobile", "Windows Phone", UA_MOBILE},
    /* in-app browsers: Facebook and Instagram on iOS and Android */
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) "
     "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 "
     "[FBAN/FBIOS;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/16.6;FBSS/3;"
     "FBID/phone;FBLC/en_US;FBOP/5]",
     "Facebook", "iOS", UA_MOBILE},
    {"Mozilla/5.0 (Linux; Android 13; SM-S911B Build/TP1A.220624.014; wv) "
     "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 "
     "Chrome/119.0.6045.163 Mobile Safari/537.36 "
     "[FB_IAB/FB4A;FBAV/442.0.0.35.111;]",
     "Facebook", "Android", UA_MOBILE},
    {"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) "
     "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram "
     "305.0.0.19.106 (iPhone15,2; iOS 17_0; en_US; en; scale=3.00; "
     "1179x2556; 527474329)",
     "Instagram", "iOS", UA_MOBILE},
    /* "Android" named again after "Mobile": still a phone */
    {"Mozilla/5.0 (Linux; Android 12; SM-G991B Build/SP1A.210812.016; wv) "
     "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 "
     "Chrome/108.0.5359.128 Mobile Safari/537.36 Instagram 264.0.0.22.106 "
     "Android (31/12; 480dpi; 1080x2176; samsung; SM-G991B; o1s; "
     "exynos2100; en_GB; 430370697)",
     "Instagram", "Android", UA_MOBILE},
    /* TVs */
    {"Mozilla/5.0 (SMART-TV; LINUX; Tizen 6.0) AppleWebKit/537.36 (KHTML, "
     "like Gecko) 76.0.3809.146/6.0 TV Safari/537.36",
     "Safari", "Tizen", UA_TV},
    {"Mozilla/5.0 (Web0S; Linux/SmartTV) AppleWebKit/537.36 (KHTML, like "
     "Gecko) Chrome/79.0.3945.79 Safari/537.36 WebAppManager",
     "Chrome", "Web0S", UA_TV},
    {"Mozilla/5.0 (X11; Linux armv7l) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/114.0.0.0 Safari/537.36 CrKey/1.56.500000",
     "Chrome", "Chromecast", UA_TV},
    /* a Fire TV stick says "Mobile" like a phone: the TV rule comes first */
    {"Mozilla/5.0 (Linux; Android 9; AFTMM Build/PS7233; wv) "
     "AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 "
     "Chrome/108.0.5359.160 Mobile Safari/537.36",
     "Chrome Mobile WebView", "Android", UA_TV},
    /* consoles: uap-core names no browser or system for the PlayStation's
     * (it takes a WebKit that names no browser for "Apple Mail"):
     * rules/ua-browsers.txt does */
    {"Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 "
     "(KHTML, like Gecko)",
     "PlayStation Browser", "Other", UA_CONSOLE},
    {"Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox One) "
     "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 "
     "Safari/537.36 Edge/18.19041",
     "Edge", "Windows", UA_CONSOLE},
    {"Mozilla/5.0 (Nintendo Switch; WifiWebAuthApplet) AppleWebKit/606.4 "
     "(KHTML, like Gecko) NF/6.0.1.15.4 NintendoBrowser/5.1.0.20393",
     "Nintendo Browser", "Other", UA_CONSOLE},
    /* Windows' "Tablet PC" is a desktop */
    {"Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0; "
     "SLCC2; .NET CLR 2.0.50727; Media Center PC 6.0; Tablet PC 2.0)",
     "IE", "Windows", UA_DESKTOP},
    /* nothing to go by */
    {"", "Other", "Other", UA_OTHER},
    {"Mozilla/5.0", "Other", "Other", UA_OTHER},
};

static void assert_info(const struct ua_info *in, const struct ua_case *c)
{
    if (in->browser_n != strlen(c->browser) ||
        memcmp(in->browser, c->browser, in->browser_n) != 0 ||
        in->system_n != strlen(c->system) ||
        memcmp(in->system, c->system, in->system_n) != 0 ||
        in->device != c->device)
        fail_msg("%s: got \"%.*s\" \"%.*s\" %s, want \"%s\" \"%s\" %s",
                 c->ua, (int)in->browser_n, in->browser, (int)in->system_n,
                 in->system, ua_device_name(in->device), c->browser,
                 c->system, ua_device_name(c->device));
}

static void test_uagent__real(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct ua_info in;

        /* the rules, then the cache, say the same */
        for (int rep = 0; rep < 2; rep++) {
            memset(&in, 0, sizeof(in));
            uagent_parse(U, cases[i].ua, strlen(cases[i].ua), &in);
            assert_info(&in, &cases[i]);
        }
    }
}

static void test_uagent__device_names(void **state)
{
    (void)state;
    assert_string_equal(ua_device_name(UA_DESKTOP), "desktop");
    assert_string_equal(ua_device_name(UA_MOBILE), "mobile");
    assert_string_equal(ua_device_name(UA_TABLET), "tablet");
    assert_string_equal(ua_device_name(UA_TV), "tv");
    assert_string_equal(ua_device_name(UA_CONSOLE), "console");
    assert_string_equal(ua_device_name(UA_OTHER), "other");
    assert_string_equal(ua_device_name((enum ua_device)42), "other");
}

/* ---- uap-core's own test cases ----------------------------------------- */

/*
 * The cases of path ("FAMILY<TAB>User-Agent" lines): prints the share
 * whose browser (system: 0) or system (1) family is the one uap-core
 * expects, and the misses; fails below min_pct percent.
 */
static void check_cases(const char *path, int system, double min_pct)
{
    FILE *f = fopen(path, "r");
    char line[8192];
    size_t total = 0, hits = 0;

    /* PCRE2's JIT reads ahead of the subject's end in whole words (the
     * answer never depends on those bytes): set them all, for valgrind. */
    memset(line, 0, sizeof(line));
    assert_non_null(f);
    while (fgets(line, sizeof(line), f)) {
        size_t n = strcspn(line, "\n");
        char *tab = memchr(line, '\t', n);
        struct ua_info in;
        const char *got;
        size_t got_n, want_n;

        if (line[0] == '#' || !tab)
            continue;
        want_n = (size_t)(tab - line);
        uagent_parse(U, tab + 1, n - want_n - 1, &in);
        got = system ? in.system : in.browser;
        got_n = system ? in.system_n : in.browser_n;
        total++;
        if (got_n == want_n && memcmp(got, line, want_n) == 0)
            hits++;
        else
            printf("%s: miss: want \"%.*s\", got \"%.*s\": %.*s\n", path,
                   (int)want_n, line, (int)got_n, got,
                   (int)(n - want_n - 1), tab + 1);
    }
    fclose(f);
    assert_true(total > 0);
    printf("%s: %zu of %zu %s families as uap-core names them (%.2f%%)\n",
           path, hits, total, system ? "system" : "browser",
           100.0 * (double)hits / (double)total);
    if (100.0 * (double)hits < min_pct * (double)total)
        fail_msg("%s: %zu of %zu below %.1f%%", path, hits, total, min_pct);
}

static void test_uagent__uap_browsers(void **state)
{
    (void)state;
    check_cases(BROWSER_CASES, 0, 99.0);
}

static void test_uagent__uap_systems(void **state)
{
    (void)state;
    check_cases(SYSTEM_CASES, 1, 99.0);
}

/* ---- the cache ----------------------------------------------------------- */

static void test_uagent__cache(void **state)
{
    struct uagent *u = uagent_new();
    const char *a = cases[0].ua, *b = cases[8].ua;
    struct ua_info in;
    char *big;
    size_t big_n = 1500;
    int cached;

    (void)state;
    assert_int_equal(uagent_parse(u, a, strlen(a), &in), 0);
    assert_int_equal(uagent_parse(u, a, strlen(a), &in), 1);
    assert_info(&in, &cases[0]);
    assert_int_equal(uagent_parse(u, b, strlen(b), &in), 0);
    assert_int_equal(uagent_parse(u, a, strlen(a), &in), 1);
    assert_info(&in, &cases[0]);
    assert_int_equal(uagent_parse(u, b, strlen(b), &in), 1);
    assert_info(&in, &cases[8]);
    /* a prefix of a cached User-Agent is another key */
    assert_int_equal(uagent_parse(u, a, 40, &in), 0);
    assert_int_equal(uagent_parse(u, NULL, 0, &in), 0);
    assert_int_equal(in.device, UA_OTHER);
    assert_true(in.browser_n == 5 && memcmp(in.browser, "Other", 5) == 0);

    /* longer than the cache keeps: parsed each time, the same answer */
    big = xmalloc(big_n);
    memset(big, 'x', big_n);
    memcpy(big, b, strlen(b));
    for (int rep = 0; rep < 2; rep++) {
        assert_int_equal(uagent_parse(u, big, big_n, &in), 0);
        assert_true(in.browser_n == 13 &&
                    memcmp(in.browser, "Mobile Safari", 13) == 0);
        assert_int_equal(in.device, UA_MOBILE);
    }

    /* bounded: many distinct User-Agents make it start over, and every
     * answer stays right */
    if (TU_UNDER_VALGRIND()) {
        printf("cache: bound not checked under valgrind (slow)\n");
    } else {
        for (int i = 0; i < 40000; i++) {
            char ua[128];
            int k = snprintf(ua, sizeof(ua),
                             "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 "
                             "Firefox/%d.0", i);

            uagent_parse(u, ua, (size_t)k, &in);
            if (in.browser_n != 7 || memcmp(in.browser, "Firefox", 7) != 0)
                fail_msg("%s: \"%.*s\"", ua, (int)in.browser_n, in.browser);
        }
        cached = uagent_parse(u, a, strlen(a), &in);
        assert_int_equal(cached, 0);
        assert_info(&in, &cases[0]);
    }
    free(big);
    uagent_free(u);
    uagent_free(NULL);
}

/* Family numbers: the same answer, the same number (from the cache, the
 * rules, after the cache starts over); another answer, another number;
 * an answer not kept has none; past UA_FAMILIES answers, a new one has
 * none and the old keep theirs. */
static void test_uagent__families(void **state)
{
    struct uagent *u = uagent_new();
    const char *a = cases[0].ua, *b = cases[8].ua;
    struct ua_info in;
    uint32_t fa, fb;
    char ua[160], *big;

    (void)state;
    uagent_parse(u, a, strlen(a), &in);
    fa = in.family;
    assert_true(fa < UA_FAMILIES);
    uagent_parse(u, a, strlen(a), &in);
    assert_int_equal(in.family, fa);
    uagent_parse(u, b, strlen(b), &in);
    fb = in.family;
    assert_true(fb < UA_FAMILIES && fb != fa);
    /* the same answer for another User-Agent: the same number */
    snprintf(ua, sizeof(ua), "%s ", a);
    uagent_parse(u, ua, strlen(ua), &in);
    assert_int_equal(in.family, fa);
    big = xmalloc(1500);
    memset(big, ' ', 1500);
    memcpy(big, b, strlen(b));
    uagent_parse(u, big, 1500, &in);
    assert_int_equal(in.family, UA_FAMILY_NONE);
    free(big);
    if (TU_UNDER_VALGRIND()) {
        printf("families: bound not checked under valgrind (slow)\n");
    } else {
        /* apps named by their User-Agents: an answer each */
        for (int i = 0; i < UA_FAMILIES; i++) {
            int k = snprintf(ua, sizeof(ua),
                             "App%d/1.0 CFNetwork/1220.1 Darwin/20.3.0", i);

            uagent_parse(u, ua, (size_t)k, &in);
            assert_true(in.family < UA_FAMILIES || in.family ==
                        UA_FAMILY_NONE);
        }
        assert_int_equal(in.family, UA_FAMILY_NONE);
        uagent_parse(u, a, strlen(a), &in);
        assert_int_equal(in.family, fa);
        /* many User-Agents of one answer make the cache start over */
        for (int i = 0; i < 40000; i++) {
            int k = snprintf(ua, sizeof(ua), "%s%d", a, i);

            uagent_parse(u, ua, (size_t)k, &in);
        }
        uagent_parse(u, b, strlen(b), &in);
        assert_int_equal(in.family, fb);
    }
    uagent_free(u);
}

/* Parsers sharing their numbers: the same answer has the same number
 * whichever parser gave it first, and its names come back from it. */
static void test_uagent__families_shared(void **state)
{
    struct ua_families *f = ua_families_new();
    struct uagent *u1 = uagent_new_shared(f), *u2 = uagent_new_shared(f);
    const char *a = cases[0].ua, *b = cases[8].ua;
    struct ua_info ia, ib, in;
    struct ua_names names;

    (void)state;
    assert_ptr_equal(uagent_families(u1), f);
    uagent_parse(u1, a, strlen(a), &ia);
    uagent_parse(u2, b, strlen(b), &ib);
    assert_int_not_equal(ia.family, ib.family);
    uagent_parse(u2, a, strlen(a), &in);
    assert_int_equal(in.family, ia.family);
    uagent_parse(u1, b, strlen(b), &in);
    assert_int_equal(in.family, ib.family);
    assert_int_equal(ua_family_names(f, ib.family, &names), 0);
    assert_int_equal(names.browser_n, ib.browser_n);
    assert_memory_equal(names.browser, ib.browser, ib.browser_n);
    assert_int_equal(names.system_n, ib.system_n);
    assert_memory_equal(names.system, ib.system, ib.system_n);
    assert_int_equal(names.device, ib.device);
    assert_info(&in, &cases[8]);
    assert_int_equal(ua_family_names(f, 2, &names), -1);
    assert_int_equal(ua_family_names(f, UA_FAMILY_NONE, &names), -1);
    uagent_free(u1);
    uagent_free(u2);
    /* not freed by its parsers */
    assert_int_equal(ua_family_names(f, ia.family, &names), 0);
    ua_families_free(f);
}

/* ---- names and hostile User-Agents ------------------------------------- */

static void test_uagent__long_names(void **state)
{
    /* Set whole: PCRE2's JIT reads ahead of a subject's end (valgrind). */
    char ua[512] = {0};
    struct ua_info in;
    int n;

    (void)state;
    /* uap-core names a CFNetwork app by the text before its version */
    n = snprintf(ua, sizeof(ua), "%s/1.0 CFNetwork/1220.1 Darwin/20.3.0",
                 "An-App-With-A-Name-Far-Longer-Than-Sixty-Four-Bytes-"
                 "Of-Text-In-It");
    uagent_parse(U, ua, (size_t)n, &in);
    assert_int_equal(in.browser_n, UA_NAME_MAX);
    assert_memory_equal(in.browser, "An-App-With-A-Name-Far", 22);
    /* never cut inside a UTF-8 sequence: "\303\251" (e acute) at bytes
     * 64 and 65 */
    n = snprintf(ua, sizeof(ua), "%.63s\303\251tail/1.0 CFNetwork/1220.1 "
                 "Darwin/20.3.0",
                 "0123456789012345678901234567890123456789012345678901234567"
                 "890123");
    uagent_parse(U, ua, (size_t)n, &in);
    assert_int_equal(in.browser_n, 63);
    /* an app name that is only spaces is no name */
    n = snprintf(ua, sizeof(ua), "   /1.0 CFNetwork/1220.1 Darwin/20.3.0");
    uagent_parse(U, ua, (size_t)n, &in);
    assert_true(in.browser_n > 0);
    assert_true(in.browser[0] != ' ' && in.browser[in.browser_n - 1] != ' ');
}

static void test_uagent__hostile(void **state)
{
    size_t n = 64 * 1024;
    char *ua = xmalloc(n);
    static const char unit[] = "Mozilla/5.0 (iPhone; Android ";
    struct ua_info in;

    (void)state;
    for (size_t i = 0; i < n; i++)
        ua[i] = unit[i % (sizeof(unit) - 1)];
    /* answers (no hang, no crash); bytes past the first 2,048 are not read */
    uagent_parse(U, ua, n, &in);
    assert_true(in.browser_n >= 1 && in.browser_n <= UA_NAME_MAX);
    assert_true(in.system_n >= 1 && in.system_n <= UA_NAME_MAX);
    for (size_t i = 0; i < n; i++)
        ua[i] = (char)(i * 131 % 256);
    uagent_parse(U, ua, n, &in);
    assert_true(in.browser_n >= 1 && in.browser_n <= UA_NAME_MAX);
    free(ua);
}

/* ---- cost ------------------------------------------------------------------ */

static double now_s(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* What a new User-Agent costs (uap-core's cases, each once, in a fresh
 * parser) and a cached one (the same again, in turn): printed only. */
static void test_uagent__cost(void **state)
{
    FILE *f = fopen(BROWSER_CASES, "r");
    char line[8192], **uas = NULL;
    size_t n = 0, cap = 0, reps = TU_UNDER_VALGRIND() ? 1 : 50;
    struct uagent *u;
    struct ua_info in;
    double t0, t1, t2, t3;
    size_t hits = 0;

    (void)state;
    assert_non_null(f);
    while (fgets(line, sizeof(line), f)) {
        char *tab = strchr(line, '\t');

        if (line[0] == '#' || !tab)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 1024;
            uas = xrealloc(uas, cap * sizeof(*uas));
        }
        tab[1 + strcspn(tab + 1, "\n")] = '\0';
        uas[n++] = xstrdup(tab + 1);
    }
    fclose(f);
    assert_true(n > 0);
    t0 = now_s();
    u = uagent_new();
    t1 = now_s();
    for (size_t i = 0; i < n; i++)
        uagent_parse(u, uas[i], strlen(uas[i]), &in);
    t2 = now_s();
    for (size_t r = 0; r < reps; r++)
        for (size_t i = 0; i < n; i++)
            hits += (size_t)uagent_parse(u, uas[i], strlen(uas[i]), &in);
    t3 = now_s();
    assert_int_equal(hits, reps * n);
    printf("cost: uagent_new %.1f ms; a new User-Agent %.1f us (%zu); "
           "a cached one %.0f ns (%zu lookups)\n",
           (t1 - t0) * 1e3, (t2 - t1) * 1e6 / (double)n, n,
           (t3 - t2) * 1e9 / (double)(reps * n), reps * n);
    uagent_free(u);
    for (size_t i = 0; i < n; i++)
        free(uas[i]);
    free(uas);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uagent__real),
        cmocka_unit_test(test_uagent__device_names),
        cmocka_unit_test(test_uagent__uap_browsers),
        cmocka_unit_test(test_uagent__uap_systems),
        cmocka_unit_test(test_uagent__cache),
        cmocka_unit_test(test_uagent__families),
        cmocka_unit_test(test_uagent__families_shared),
        cmocka_unit_test(test_uagent__long_names),
        cmocka_unit_test(test_uagent__hostile),
        cmocka_unit_test(test_uagent__cost),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
