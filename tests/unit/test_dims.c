/*
 * test_dims.c - the counts of the other dimensions in a chunk (dims.c)
 * and what a line adds to them (tally.c).
 */
#include "testutil.h"
#include "agg.h"
#include "dims.h"
#include "robots.h"
#include "sketch.h"
#include "tally.h"
#include "uagent.h"

/* A row as dims_each() gave it, copied. */
struct seen {
    int32_t day;
    enum dim dim;
    char k[3][DIM_PART_CAP + 1];
    uint64_t n;
    uint64_t visitors;       /* the sketch's count; 0 without one */
    int has_sketch;
};

struct rows {
    struct seen v[4200];
    size_t n;
};

static int keep(void *ctx, const struct dim_row *r)
{
    struct rows *rs = ctx;
    struct seen *s;

    assert_true(rs->n < ARRAY_SIZE(rs->v));
    s = &rs->v[rs->n++];
    memset(s, 0, sizeof(*s));
    s->day = r->day;
    s->dim = r->dim;
    for (int i = 0; i < 3; i++) {
        assert_true(r->k[i].n <= DIM_PART_CAP);
        memcpy(s->k[i], r->k[i].p, r->k[i].n);
    }
    s->n = r->n;
    if (r->sketch) {
        s->has_sketch = 1;
        assert_int_equal(sketch_blob_count(r->sketch, r->sketch_n,
                                           &s->visitors), 0);
    }
    return 0;
}

static const struct seen *find(const struct rows *rs, int32_t day,
                               enum dim dim, const char *k0, const char *k1,
                               const char *k2)
{
    for (size_t i = 0; i < rs->n; i++)
        if (rs->v[i].day == day && rs->v[i].dim == dim &&
            strcmp(rs->v[i].k[0], k0) == 0 && strcmp(rs->v[i].k[1], k1) == 0 &&
            strcmp(rs->v[i].k[2], k2) == 0)
            return &rs->v[i];
    return NULL;
}

static struct dim_row row(int32_t day, enum dim dim, const char *k0,
                          const char *k1, const char *k2, uint64_t n)
{
    struct dim_row r = {.day = day, .dim = dim,
                        .k = {slice_make(k0, strlen(k0)),
                              slice_make(k1, strlen(k1)),
                              slice_make(k2, strlen(k2))},
                        .n = n};

    return r;
}

static void test_dims__sum_max_and_days(void **state)
{
    struct dims *d = dims_new();
    struct rows *rs = xcalloc(1, sizeof(*rs));
    struct dim_row r;

    (void)state;
    r = row(10, DIM_CAMPAIGN, "twitter", "social", "", 1);
    dims_add(d, &r);
    dims_add(d, &r);
    r = row(11, DIM_CAMPAIGN, "twitter", "social", "", 5);
    dims_add(d, &r);
    /* The same parts in another split are another key. */
    r = row(10, DIM_CAMPAIGN, "twitters", "ocial", "", 1);
    dims_add(d, &r);
    /* Subscribers keep the largest report of the day. */
    r = row(10, DIM_FEED_SUBS, "/feed/", "Feedly", "", 12);
    dims_add(d, &r);
    r.n = 9;
    dims_add(d, &r);
    r.n = 14;
    dims_add(d, &r);
    assert_int_equal(dims_each(d, keep, rs), 0);
    assert_int_equal(rs->n, 4);
    assert_int_equal(find(rs, 10, DIM_CAMPAIGN, "twitter", "social", "")->n,
                     2);
    assert_int_equal(find(rs, 11, DIM_CAMPAIGN, "twitter", "social", "")->n,
                     5);
    assert_int_equal(find(rs, 10, DIM_CAMPAIGN, "twitters", "ocial", "")->n,
                     1);
    assert_int_equal(find(rs, 10, DIM_FEED_SUBS, "/feed/", "Feedly", "")->n,
                     14);
    assert_null(find(rs, 10, DIM_CAMPAIGN, "twitter", "social", "x"));
    dims_clear(d);
    rs->n = 0;
    assert_int_equal(dims_each(d, keep, rs), 0);
    assert_int_equal(rs->n, 0);
    dims_free(d);
    free(rs);
}

static void test_dims__visitors(void **state)
{
    struct dims *d = dims_new();
    struct rows *rs = xcalloc(1, sizeof(*rs));
    struct dim_row r = row(3, DIM_CLIENT, "Firefox", "Linux", "desktop", 1);
    uint32_t id;

    (void)state;
    for (uint64_t v = 0; v < 30; v++) {
        id = dims_add(d, &r);
        dims_visitor(d, id, bs_hash(&v, sizeof(v)) | 1);
        /* Each reader twice: visitors count once. */
        dims_visitor(d, id, bs_hash(&v, sizeof(v)) | 1);
    }
    r = row(3, DIM_CLIENT, "Lynx", "Linux", "desktop", 1);
    dims_add(d, &r);
    assert_int_equal(dims_each(d, keep, rs), 0);
    assert_int_equal(find(rs, 3, DIM_CLIENT, "Firefox", "Linux",
                          "desktop")->n, 30);
    assert_int_equal(find(rs, 3, DIM_CLIENT, "Firefox", "Linux",
                          "desktop")->visitors, 30);
    /* No visitor told: no sketch. */
    assert_int_equal(find(rs, 3, DIM_CLIENT, "Lynx", "Linux",
                          "desktop")->has_sketch, 0);
    dims_free(d);
    free(rs);
}

/* More new keys than a day may hold: the rest under "(other)", the sum
 * exact, another day and another dimension untouched. */
static void test_dims__fold(void **state)
{
    struct dims *d = dims_new();
    struct rows *rs = xcalloc(1, sizeof(*rs));
    unsigned cap = dim_cap(DIM_MISSING), extra = 37;
    uint64_t sum = 0, other;
    char key[32];
    struct dim_row r;

    (void)state;
    assert_true(cap + extra + 4 < ARRAY_SIZE(rs->v));
    for (unsigned i = 0; i < cap + extra; i++) {
        snprintf(key, sizeof(key), "/gone-%u/", i);
        r = row(5, DIM_MISSING, key, "example.com", "", 2);
        dims_add(d, &r);
    }
    /* A key let in before the bound still counts as itself after it. */
    r = row(5, DIM_MISSING, "/gone-0/", "example.com", "", 1);
    dims_add(d, &r);
    r = row(6, DIM_MISSING, "/gone-1/", "", "", 1);
    dims_add(d, &r);
    r = row(5, DIM_CAMPAIGN, "news", "", "", 1);
    dims_add(d, &r);
    assert_int_equal(dims_each(d, keep, rs), 0);
    assert_int_equal(rs->n, cap + 1 + 2);
    for (size_t i = 0; i < rs->n; i++)
        if (rs->v[i].day == 5 && rs->v[i].dim == DIM_MISSING)
            sum += rs->v[i].n;
    assert_int_equal(sum, 2 * (cap + extra) + 1);
    assert_int_equal(find(rs, 5, DIM_MISSING, "/gone-0/", "example.com",
                          "")->n, 3);
    other = find(rs, 5, DIM_MISSING, AGG_OTHER, "", "")->n;
    assert_int_equal(other, 2 * extra);
    assert_non_null(find(rs, 6, DIM_MISSING, "/gone-1/", "", ""));
    assert_non_null(find(rs, 5, DIM_CAMPAIGN, "news", "", ""));
    dims_free(d);
    free(rs);
}

/* A part longer than the cap is cut on a character boundary. */
static void test_dims__long_parts(void **state)
{
    struct dims *d = dims_new();
    struct rows *rs = xcalloc(1, sizeof(*rs));
    char k[3 * DIM_PART_CAP];
    struct dim_row r;

    (void)state;
    /* "ä" is two bytes: 199 bytes of 'x' then "ää..." cut before a half. */
    memset(k, 'x', DIM_PART_CAP - 1);
    for (size_t i = DIM_PART_CAP - 1; i + 1 < sizeof(k); i += 2)
        memcpy(k + i, "\xC3\xA4", 2);
    r = (struct dim_row){.day = 1, .dim = DIM_CAMPAIGN,
                         .k = {slice_make(k, sizeof(k) - 1),
                               slice_make(k, sizeof(k) - 1), SLICE_LIT("")},
                         .n = 1};
    dims_add(d, &r);
    assert_int_equal(dims_each(d, keep, rs), 0);
    assert_int_equal(rs->n, 1);
    assert_int_equal(strlen(rs->v[0].k[0]), DIM_PART_CAP - 1);
    assert_int_equal(strlen(rs->v[0].k[1]), DIM_PART_CAP - 1);
    assert_true(dims_memory(d) > 0);
    dims_free(d);
    free(rs);
}

/* ---- tally ---- */

static struct logrec rec_of(const char *target, int status, int32_t sec)
{
    struct logrec r;

    memset(&r, 0, sizeof(r));
    r.target = slice_make(target, strlen(target));
    r.method = SLICE_LIT("GET");
    r.status = (uint16_t)status;
    r.day = 100;
    r.sec = sec;
    return r;
}

static void test_tally__view_hour_and_campaign(void **state)
{
    struct tally *t = tally_new();
    struct dims *d = dims_new();
    struct rows *rs = xcalloc(1, sizeof(*rs));
    struct logrec r = rec_of("/2013/02/07/x/?utm_source=news+letter&"
                             "utm_medium=e%2Dmail&utm_campaign=v%C3%A4der",
                             200, 9 * 3600 + 59 * 60);

    (void)state;
    tally_view(t, d, &r, 1);
    r = rec_of("/2013/02/07/x/?ref=hn", 200, 23 * 3600 + 3599);
    tally_view(t, d, &r, 1);
    r = rec_of("/2013/02/07/x/?utm_medium=email", 200, 0);
    tally_view(t, d, &r, 1);
    /* A leap second is the last hour's. */
    r = rec_of("/", 200, 86400);
    tally_view(t, d, &r, 1);
    assert_int_equal(dims_each(d, keep, rs), 0);
    assert_int_equal(find(rs, 100, DIM_HOUR, "09", "", "")->n, 1);
    assert_int_equal(find(rs, 100, DIM_HOUR, "23", "", "")->n, 2);
    assert_int_equal(find(rs, 100, DIM_HOUR, "00", "", "")->n, 1);
    assert_int_equal(find(rs, 100, DIM_CAMPAIGN, "news letter", "e-mail",
                          "v\xC3\xA4" "der")->n, 1);
    assert_int_equal(find(rs, 100, DIM_CAMPAIGN, "hn", "", "")->n, 1);
    /* A medium without a source is no campaign. */
    assert_int_equal(rs->n, 5);
    tally_free(t);
    dims_free(d);
    free(rs);
}

static void test_tally__missing_and_probes(void **state)
{
    static const char *const probes[] = {
        "/.env", "/.git/config", "/wp-config.php.bak", "/phpmyadmin/",
        "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php",
        "/cgi-bin/luci/;stok=/locale", "/admin.php", "/backup.sql",
        "/owa/auth/logon.aspx", "/x/.well-known/../.env", "/db.tar.gz",
    };
    struct tally *t = tally_new();
    struct dims *d = dims_new();
    struct rows *rs = xcalloc(1, sizeof(*rs));
    struct ref_info ref;
    struct url_class post_id;
    struct logrec r;

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(probes); i++) {
        assert_true(url_is_probe(probes[i], strlen(probes[i])));
        r = rec_of(probes[i], 404, 0);
        tally_missing(t, d, &r, NULL, NULL);
    }
    assert_false(url_is_probe("/2013/02/07/old-post/", 21));
    assert_false(url_is_probe("/tag/administration/", 20));
    memset(&ref, 0, sizeof(ref));
    ref.cls = REF_OTHER;
    strcpy(ref.host, "example.org");
    ref.host_n = 11;
    r = rec_of("/2013/02/07/s%C3%A4kerhet-old/?utm_source=x", 404, 0);
    tally_missing(t, d, &r, NULL, &ref);
    tally_missing(t, d, &r, NULL, &ref);
    tally_missing(t, d, &r, NULL, NULL);
    /* A dead post id's link is missing under its key, not as "/". */
    memset(&post_id, 0, sizeof(post_id));
    post_id.kind = URL_POSTID;
    strcpy(post_id.key, "/?p=99999");
    post_id.key_len = 9;
    r = rec_of("/?p=99999&utm_source=x", 404, 0);
    tally_missing(t, d, &r, &post_id, NULL);
    assert_int_equal(dims_each(d, keep, rs), 0);
    assert_int_equal(rs->n, 3);
    assert_int_equal(find(rs, 100, DIM_MISSING, "/?p=99999", "", "")->n, 1);
    assert_int_equal(find(rs, 100, DIM_MISSING,
                          "/2013/02/07/s\xC3\xA4kerhet-old/", "example.org",
                          "")->n, 2);
    assert_int_equal(find(rs, 100, DIM_MISSING,
                          "/2013/02/07/s\xC3\xA4kerhet-old/", "", "")->n, 1);
    tally_free(t);
    dims_free(d);
    free(rs);
}

static void test_tally__robots_and_feeds(void **state)
{
    static const char gbot[] = "Mozilla/5.0 (compatible; Googlebot/2.1; "
                               "+http://www.google.com/bot.html)";
    static const char gpt[] = "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like "
                              "Gecko; compatible; GPTBot/1.0; "
                              "+https://openai.com/gptbot)";
    struct robots *rb = robots_new();
    struct tally *t = tally_new();
    struct dims *d = dims_new();
    struct rows *rs = xcalloc(1, sizeof(*rs));
    struct url_class cls;
    struct logrec r = rec_of("/feed/", 200, 0);
    int g = robots_check(rb, gbot, sizeof(gbot) - 1);
    int a = robots_check(rb, gpt, sizeof(gpt) - 1);

    (void)state;
    assert_true(g > 0 && a > 0 && g != a);
    assert_string_equal(robots_group(g), "search");
    assert_string_equal(robots_group(a), "ai");
    assert_null(robots_group(0));
    tally_robot(t, d, 7, g);
    tally_robot(t, d, 7, g);
    tally_robot(t, d, 7, a);
    tally_robot(t, d, 7, 0);
    memset(&cls, 0, sizeof(cls));
    cls.kind = URL_FEED;
    strcpy(cls.key, "/feed/");
    cls.key_len = 6;
    r.day = 7;
    dims_visitor(d, tally_feed(t, d, &r, &cls), 11);
    dims_visitor(d, tally_feed(t, d, &r, &cls), 11);
    dims_visitor(d, tally_feed(t, d, &r, &cls), 12);
    /* A reader that reports its subscribers needs no visitor. */
    r.agent = SLICE_LIT("Feedly/1.0 (+http://www.feedly.com/fetcher.html; "
                        "42 subscribers; like FeedFetcher-Google)");
    r.has_agent = 1;
    assert_int_equal(tally_feed(t, d, &r, &cls), UINT32_MAX);
    assert_int_equal(dims_each(d, keep, rs), 0);
    assert_int_equal(find(rs, 7, DIM_ROBOT, robots_name(g), "search",
                          "")->n, 2);
    assert_int_equal(find(rs, 7, DIM_ROBOT, robots_name(a), "ai", "")->n, 1);
    assert_int_equal(find(rs, 7, DIM_FEED, "/feed/", "", "")->n, 4);
    assert_int_equal(find(rs, 7, DIM_FEED, "/feed/", "", "")->visitors, 2);
    assert_int_equal(find(rs, 7, DIM_FEED_SUBS, "/feed/", "Feedly", "")->n,
                     42);
    assert_int_equal(rs->n, 4);
    robots_free(rb);
    tally_free(t);
    dims_free(d);
    free(rs);
}

/* Feed readers' reports, kept for the User-Agents seen last: 200 readers
 * (more than are kept) fetching in turn, three rounds, and one whose
 * User-Agent is too long to keep, each counted as its report says. */
static void test_tally__feed_reports_kept(void **state)
{
    struct tally *t = tally_new();
    struct dims *d = dims_new();
    struct rows *rs = xcalloc(1, sizeof(*rs));
    struct logrec r = rec_of("/feed/", 200, 0);
    struct url_class cls;
    char ua[400], id[32], fid[17], name[32];
    size_t n = 0;

    (void)state;
    memset(&cls, 0, sizeof(cls));
    cls.kind = URL_FEED;
    strcpy(cls.key, "/feed/");
    cls.key_len = 6;
    r.day = 8;
    r.has_agent = 1;
    for (int round = 0; round < 3; round++)
        for (int i = 0; i <= 200; i++) {
            if (i < 200)
                snprintf(ua, sizeof(ua), "Reader%d/1.0 (%d subscribers; "
                         "feed-id=F%d)", i, i + 1, i);
            else
                snprintf(ua, sizeof(ua), "Reader%d/1.0 (%d subscribers; "
                         "feed-id=F%d) %0300d", i, i + 1, i, 0);
            r.agent = slice_make(ua, strlen(ua));
            assert_int_equal(tally_feed(t, d, &r, &cls), UINT32_MAX);
        }
    assert_int_equal(dims_each(d, keep, rs), 0);
    for (int i = 0; i <= 200; i++) {
        const struct seen *row;

        snprintf(name, sizeof(name), "Reader%d", i);
        n = (size_t)snprintf(id, sizeof(id), "F%d", i);
        snprintf(fid, sizeof(fid), "%016llx",
                 (unsigned long long)bs_hash(id, n));
        row = find(rs, 8, DIM_FEED_SUBS, "/feed/", name, fid);
        assert_non_null(row);
        assert_int_equal(row->n, i + 1);
    }
    assert_int_equal(find(rs, 8, DIM_FEED, "/feed/", "", "")->n, 3 * 201);
    tally_free(t);
    dims_free(d);
    free(rs);
}

/* The browsers' rows, kept by the family number of each answer: views
 * of two User-Agents with one answer count in one row; a day, another
 * dims (another site's) and a cleared dims each count in rows of their
 * own; a User-Agent the parser does not keep counts as well. */
static void test_tally__browsers_kept(void **state)
{
    static const char *const uas[] = {
        "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 "
        "Firefox/120.0",
        "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 "
        "Firefox/121.0",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    };
    struct tally *t = tally_new();
    struct uagent *u = uagent_new();
    struct dims *d = dims_new(), *d2 = dims_new();
    struct rows *rs = xcalloc(1, sizeof(*rs));
    struct logrec r = rec_of("/", 200, 0);
    struct ua_info ui;
    char fx[2][UA_NAME_MAX + 1], ch[2][UA_NAME_MAX + 1];
    char *big = xmalloc(2000);
    /* each view: which User-Agent (3: the long one), the day, dims 2 */
    static const int views[][3] = {
        {0, 8, 0}, {1, 8, 0}, {2, 8, 0}, {0, 8, 0}, {3, 8, 0},
        {0, 9, 0}, {0, 8, 0}, {1, 8, 1},
    };
    const struct seen *row;

    (void)state;
    uagent_parse(u, uas[0], strlen(uas[0]), &ui);
    snprintf(fx[0], sizeof(fx[0]), "%.*s", (int)ui.browser_n, ui.browser);
    snprintf(fx[1], sizeof(fx[1]), "%.*s", (int)ui.system_n, ui.system);
    uagent_parse(u, uas[2], strlen(uas[2]), &ui);
    snprintf(ch[0], sizeof(ch[0]), "%.*s", (int)ui.browser_n, ui.browser);
    snprintf(ch[1], sizeof(ch[1]), "%.*s", (int)ui.system_n, ui.system);
    assert_string_not_equal(fx[0], ch[0]);
    /* Too long to keep, its answer is Chrome's. */
    memset(big, ' ', 2000);
    memcpy(big, uas[2], strlen(uas[2]));
    r.has_agent = 1;
    for (size_t i = 0; i < ARRAY_SIZE(views); i++) {
        int k = views[i][0];

        r.agent = k < 3 ? slice_make(uas[k], strlen(uas[k]))
                        : slice_make(big, 2000);
        r.day = views[i][1];
        tally_view(t, views[i][2] ? d2 : d, &r, 1000 + i);
    }
    assert_int_equal(dims_each(d, keep, rs), 0);
    row = find(rs, 8, DIM_CLIENT, fx[0], fx[1], "desktop");
    assert_non_null(row);
    assert_int_equal(row->n, 4);
    assert_int_equal(row->visitors, 4);
    assert_int_equal(find(rs, 9, DIM_CLIENT, fx[0], fx[1], "desktop")->n, 1);
    row = find(rs, 8, DIM_CLIENT, ch[0], ch[1], "desktop");
    assert_non_null(row);
    assert_int_equal(row->n, 2);
    assert_int_equal(row->visitors, 2);
    rs->n = 0;
    assert_int_equal(dims_each(d2, keep, rs), 0);
    assert_int_equal(find(rs, 8, DIM_CLIENT, fx[0], fx[1], "desktop")->n, 1);
    /* Cleared, the rows start again. */
    dims_clear(d);
    r.agent = slice_make(uas[1], strlen(uas[1]));
    r.day = 8;
    tally_view(t, d, &r, 1);
    rs->n = 0;
    assert_int_equal(dims_each(d, keep, rs), 0);
    assert_int_equal(find(rs, 8, DIM_CLIENT, fx[0], fx[1], "desktop")->n, 1);
    assert_int_equal(rs->n, 2);    /* and the hour's */
    free(big);
    uagent_free(u);
    tally_free(t);
    dims_free(d);
    dims_free(d2);
    free(rs);
}

/* A view counted with the family its judge gave (another tally of the
 * same families, as a helper's): the rows of tally_view(); a family
 * unknown to the judge's parser's cache (a User-Agent too long to keep)
 * read by the counting tally itself. */
static void test_tally__view_family_from_a_judge(void **state)
{
    static const char *const uas[] = {
        "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 "
        "Firefox/120.0",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    };
    struct ua_families *f = ua_families_new();
    struct tally *judge = tally_new_shared(f), *count = tally_new_shared(f);
    struct tally *plain = tally_new();
    struct dims *d = dims_new(), *e = dims_new();
    struct rows *rs = xcalloc(1, sizeof(*rs)), *rt = xcalloc(1, sizeof(*rt));
    struct logrec r = rec_of("/", 200, 3600);
    char *big = xmalloc(2000);

    (void)state;
    memset(big, ' ', 2000);
    memcpy(big, uas[1], strlen(uas[1]));
    r.has_agent = 1;
    for (int i = 0; i < 7; i++) {
        r.agent = i == 6 ? slice_make(big, 2000)
                         : slice_make(uas[i % 2], strlen(uas[i % 2]));
        r.day = 8 + i / 4;
        tally_view_family(count, d, &r, 50 + (uint64_t)i,
                          tally_family(judge, &r));
        tally_view(plain, e, &r, 50 + (uint64_t)i);
    }
    assert_int_equal(tally_family(judge, &r), UA_FAMILY_NONE);
    assert_int_equal(dims_each(d, keep, rs), 0);
    assert_int_equal(dims_each(e, keep, rt), 0);
    assert_int_equal(rs->n, rt->n);
    for (size_t i = 0; i < rt->n; i++) {
        const struct seen *x = &rt->v[i];
        const struct seen *y = find(rs, x->day, x->dim, x->k[0], x->k[1],
                                    x->k[2]);

        assert_non_null(y);
        assert_int_equal(y->n, x->n);
        assert_int_equal(y->visitors, x->visitors);
    }
    free(big);
    tally_free(judge);
    tally_free(count);
    tally_free(plain);
    ua_families_free(f);
    dims_free(d);
    dims_free(e);
    free(rs);
    free(rt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dims__sum_max_and_days),
        cmocka_unit_test(test_dims__visitors),
        cmocka_unit_test(test_dims__fold),
        cmocka_unit_test(test_dims__long_parts),
        cmocka_unit_test(test_tally__view_hour_and_campaign),
        cmocka_unit_test(test_tally__missing_and_probes),
        cmocka_unit_test(test_tally__feed_reports_kept),
        cmocka_unit_test(test_tally__browsers_kept),
        cmocka_unit_test(test_tally__view_family_from_a_judge),
        cmocka_unit_test(test_tally__robots_and_feeds),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
