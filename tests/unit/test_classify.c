/*
 * test_classify.c - request target -> kind and canonical key, against the
 * rules of doc/counting.md ("Classifying a target").
 *
 * Every target is copied into a buffer of exactly its length (no NUL) so
 * that the sanitizer build catches a read past target[n).
 */
#include "blogstat.h"
#include "classify.h"
#include "referrer_rules.h"
#include "testutil.h"


#define AE "\xC3\xA4"                    /* ä */
#define SAK "s" AE "kerhet"              /* säkerhet, decoded */
#define SAK_KEY "/2013/02/07/" SAK "/"   /* the post's canonical key */

struct row {
    const char *target;
    enum url_kind kind;
    const char *key;      /* NULL: "" (the kinds that are never views) */
};

/* Print bytes with anything unprintable as \xNN, for failure messages. */
static void print_bytes(const char *label, const char *s, size_t n)
{
    printf("%s\"", label);
    for (size_t i = 0; i < n && i < 200; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
            printf("\\x%02X", c);
        else
            putchar(c);
    }
    printf("%s\"", n > 200 ? "..." : "");
}

/* Classify a copy of target that has no byte after it. */
static enum url_kind classify_exact(const struct url_rules *r,
                                    const char *target, size_t n,
                                    struct url_class *out)
{
    char *copy = xmalloc(n ? n : 1);
    enum url_kind k;

    memcpy(copy, target, n);
    memset(out, 0x5A, sizeof(*out));
    k = classify_url(r, copy, n, out);
    free(copy);
    return k;
}

/* 1 when the row holds; prints what went wrong otherwise. */
static int check_row(const struct url_rules *r, const char *table,
                     size_t i, const struct row *row)
{
    struct url_class uc;
    size_t n = strlen(row->target);
    enum url_kind k = classify_exact(r, row->target, n, &uc);
    const char *key = row->key ? row->key : "";
    /* A feed's key (its path) is checked where a row names one. */
    int any_key = row->kind == URL_FEED && !row->key;
    int ok = k == row->kind && uc.kind == row->kind &&
             uc.key_len <= URL_KEY_MAX + 1 && uc.key[uc.key_len] == '\0' &&
             (any_key || (uc.key_len == strlen(key) &&
                          memcmp(uc.key, key, strlen(key)) == 0));

    if (!ok) {
        printf("FAIL %s[%zu]: ", table, i);
        print_bytes("target ", row->target, n);
        printf("\n    expected %s ", url_kind_name(row->kind));
        print_bytes("key ", key, strlen(key));
        printf("\n    got      %s ", url_kind_name(k));
        if (uc.key_len <= URL_KEY_MAX + 1)
            print_bytes("key ", uc.key, uc.key_len);
        else
            printf("key_len %zu", uc.key_len);
        printf("\n");
        fflush(stdout);
    }
    return ok;
}

/* Check every row; returns the number of wrong ones (printed). */
static int check_rows(const struct url_rules *r, const char *table,
                      const struct row *rows, size_t n)
{
    int bad = 0;

    for (size_t i = 0; i < n; i++)
        bad += !check_row(r, table, i, &rows[i]);
    return bad;
}

static void fail_if_bad(const char *table, int bad, size_t n)
{
    if (bad)
        fail_msg("%s: %d of %zu rows classified wrongly (listed above)",
                 table, bad, n);
}

/* Check a table with rules r, free r, then fail if a row was wrong. */
static void check_rows_free(struct url_rules *r, const char *table,
                            const struct row *rows, size_t n)
{
    int bad = check_rows(r, table, rows, n);

    url_rules_free(r);
    fail_if_bad(table, bad, n);
}

#define CHECK_ROWS_FREE(r, rows) \
    check_rows_free((r), #rows, (rows), ARRAY_SIZE(rows))
/* A table with the WordPress defaults. */
#define CHECK_DEFAULT(rows) CHECK_ROWS_FREE(url_rules_new(), rows)

/* ---- posts ------------------------------------------------------------ */

static const struct row post_rows[] = {
    /* the spellings of doc/counting.md */
    {"/2013/02/07/s%C3%A4kerhet/", URL_POST, SAK_KEY},
    {"/2013/02/07/s%c3%a4kerhet", URL_POST, SAK_KEY},
    {"/2013/02/07/s%c3%a4kerhet/", URL_POST, SAK_KEY},
    {"/2013/02/07/s%C3%a4kerhet/", URL_POST, SAK_KEY},
    {"/2013/02/07/s%C3%A4kerhet", URL_POST, SAK_KEY},
    /* raw UTF-8 as nginx (\xC3) and Apache (\xc3) log it */
    {"/2013/02/07/s\\xC3\\xA4kerhet/", URL_POST, SAK_KEY},
    {"/2013/02/07/s\\xc3\\xa4kerhet", URL_POST, SAK_KEY},
    {"/2013/02/07/" SAK "/", URL_POST, SAK_KEY},
    {"/2013/02/07/" SAK, URL_POST, SAK_KEY},
    {"/2013/02/07/" SAK "/?utm_source=twitter", URL_POST, SAK_KEY},
    {"/2013/02/07/s%C3%A4kerhet/?utm_source=twitter&utm_medium=social",
     URL_POST, SAK_KEY},
    {"/2013/02/07/s%C3%A4kerhet?utm_source=x", URL_POST, SAK_KEY},
    {"/2013/02/07/s%C3%A4kerhet/?replytocom=1234", URL_POST, SAK_KEY},
    {"/2013/02/07/s%C3%A4kerhet/?share=facebook", URL_POST, SAK_KEY},
    {"/2013/02/07/s%C3%A4kerhet/?amp=1", URL_POST, SAK_KEY},
    {"/2013/02/07/s%C3%A4kerhet/amp/", URL_POST, SAK_KEY},
    {"/2013/02/07/s%C3%A4kerhet/amp", URL_POST, SAK_KEY},
    {"/2013/02/07/s%C3%A4kerhet/2/", URL_POST, SAK_KEY},
    {"/2013/02/07/s%C3%A4kerhet/2", URL_POST, SAK_KEY},
    {"/2013/02/07/s%C3%A4kerhet/17/", URL_POST, SAK_KEY},
    {"/2013/02/07/s%C3%A4kerhet/comment-page-1/", URL_POST, SAK_KEY},
    {"/2013/02/07/s%C3%A4kerhet/comment-page-12", URL_POST, SAK_KEY},
    /* combinations, in the order of doc/counting.md from the end */
    {"/2013/02/07/s%C3%A4kerhet/2/amp/", URL_POST, SAK_KEY},
    {"/2013/02/07/s%C3%A4kerhet/comment-page-1/amp/", URL_POST, SAK_KEY},
    {"/2013/02/07/s%C3%A4kerhet/2/comment-page-3/", URL_POST, SAK_KEY},
    {"/2013/02/07/s%C3%A4kerhet/2/comment-page-3/amp/?share=x", URL_POST,
     SAK_KEY},
    {"/2013/02/07/s%c3%a4kerhet/amp/?utm_source=x", URL_POST, SAK_KEY},
    /* fragments are dropped */
    {"/2013/02/07/s%C3%A4kerhet/#comment-3", URL_POST, SAK_KEY},
    {"/2013/02/07/s%C3%A4kerhet#comment-3", URL_POST, SAK_KEY},
    {"/2013/02/07/s%C3%A4kerhet/?replytocom=5#respond", URL_POST, SAK_KEY},
    {"/2013/02/07/s%C3%A4kerhet/#x?s=1", URL_POST, SAK_KEY},
    /* plain ASCII */
    {"/2013/02/07/hello-world/", URL_POST, "/2013/02/07/hello-world/"},
    {"/2013/02/07/hello-world", URL_POST, "/2013/02/07/hello-world/"},
    {"/2019/12/31/a_b.c/", URL_POST, "/2019/12/31/a_b.c/"},
    /* a post named "page" is a post; "page/2" under a day is not */
    {"/2013/02/07/page/", URL_POST, "/2013/02/07/page/"},
    /* an encoded '/' does not make a segment */
    {"/2013/02/07/a%2Fb/", URL_POST, "/2013/02/07/a%2Fb/"},
    {"/2013/02/07/a%2fb", URL_POST, "/2013/02/07/a%2Fb/"},
    /* emoji slug */
    {"/2020/01/01/%F0%9F%98%80/", URL_POST, "/2020/01/01/\xF0\x9F\x98\x80/"},
};

static void test_classify__post_spellings(void **state)
{
    (void)state;
    CHECK_DEFAULT(post_rows);
}

/* ---- feeds, admin, assets, ignored ------------------------------------ */

static const struct row feed_rows[] = {
    {"/feed/", URL_FEED, "/feed/"},
    {"/feed", URL_FEED, "/feed"},
    {"/2013/02/07/s%C3%A4kerhet/feed/", URL_FEED,
     "/2013/02/07/s\xC3\xA4kerhet/feed/"},
    {"/2013/02/07/hello-world/feed", URL_FEED, "/2013/02/07/hello-world/feed"},
    {"/tag/x/feed/", URL_FEED, "/tag/x/feed/"},
    {"/category/politik/feed/", URL_FEED, "/category/politik/feed/"},
    {"/feed/atom/", URL_FEED, "/feed/atom/"},
    {"/feed/rss/", URL_FEED, "/feed/rss/"},
    {"/feed/rss2", URL_FEED, "/feed/rss2"},
    {"/feed/rdf/", URL_FEED, "/feed/rdf/"},
    {"/comments/feed/", URL_FEED, "/comments/feed/"},
    {"/?feed=rss2", URL_FEED, "/?feed=rss2"},
    {"/?feed=comments-rss2", URL_FEED, "/?feed=comments-rss2"},
    {"/?utm_source=x&feed=atom", URL_FEED, "/?feed=atom"},
    {"/2013/02/07/hello-world/?feed=rss2", URL_FEED,
     "/2013/02/07/hello-world/?feed=rss2"},
    {"/2013/02/07/slug/feed/rss2/", URL_FEED, "/2013/02/07/slug/feed/rss2/"},
    {"/2013/02/07/slug/feed/atom", URL_FEED, "/2013/02/07/slug/feed/atom"},
    {"/feed/?utm_source=feedburner", URL_FEED, "/feed/"},
    /* A feed name that is not one stays out of the key. */
    {"/?feed=%3Cscript%3E", URL_FEED, "/"},
    {"/feed/#top", URL_FEED, "/feed/"},
};

static void test_classify__campaigns(void **state)
{
    struct campaign c;
    char big[4000];
    const char *t;

    (void)state;
    t = "/x/?a=1&utm_campaign=spring%20sale&utm_source=Newsletter"
        "&utm_medium=e+mail#frag&utm_source=no";
    assert_int_equal(classify_campaign(t, strlen(t), &c), 1);
    assert_string_equal(c.source, "Newsletter");
    assert_string_equal(c.medium, "e mail");
    assert_string_equal(c.name, "spring sale");
    /* utm_source first, then ref, then source. */
    t = "/?source=b&ref=a";
    assert_int_equal(classify_campaign(t, strlen(t), &c), 1);
    assert_string_equal(c.source, "a");
    t = "/?source=b";
    assert_int_equal(classify_campaign(t, strlen(t), &c), 1);
    assert_string_equal(c.source, "b");
    assert_int_equal(c.medium_n, 0);
    /* None, or an empty one. */
    t = "/x/?utm_medium=email";
    assert_int_equal(classify_campaign(t, strlen(t), &c), 0);
    t = "/x/?utm_source=";
    assert_int_equal(classify_campaign(t, strlen(t), &c), 0);
    t = "/x/#?utm_source=a";
    assert_int_equal(classify_campaign(t, strlen(t), &c), 0);
    /* Control bytes stay encoded; a long value is cut. */
    t = "/?utm_source=a%00b%0A";
    assert_int_equal(classify_campaign(t, strlen(t), &c), 1);
    assert_string_equal(c.source, "a%00b%0A");
    memcpy(big, "/?utm_source=", 13);
    memset(big + 13, 'x', sizeof(big) - 13);
    assert_int_equal(classify_campaign(big, sizeof(big), &c), 1);
    assert_int_equal(c.source_n, CAMPAIGN_PART_MAX);
    assert_int_equal(strlen(c.source), CAMPAIGN_PART_MAX);
}

static void test_classify__feeds(void **state)
{
    (void)state;
    CHECK_DEFAULT(feed_rows);
}

static const struct row admin_rows[] = {
    {"/wp-admin/", URL_ADMIN, NULL},
    {"/wp-admin", URL_ADMIN, NULL},
    {"/wp-admin/admin-ajax.php", URL_ADMIN, NULL},
    {"/wp-admin/post.php?post=12&action=edit", URL_ADMIN, NULL},
    {"/wp-login.php", URL_ADMIN, NULL},
    {"/wp-login.php?action=lostpassword", URL_ADMIN, NULL},
    {"/xmlrpc.php", URL_ADMIN, NULL},
    {"/wp-cron.php", URL_ADMIN, NULL},
    {"/wp-cron.php?doing_wp_cron=1360000000.1234", URL_ADMIN, NULL},
    {"/wp-json/wp/v2/posts", URL_ADMIN, NULL},
    {"/wp-json/", URL_ADMIN, NULL},
    {"/wp-json", URL_ADMIN, NULL},
    {"/wp-signup.php", URL_ADMIN, NULL},
    {"/wp-trackback.php", URL_ADMIN, NULL},
    {"/wp-comments-post.php", URL_ADMIN, NULL},
    /* a prefix of a word is not the word */
    {"/wp-adminer/", URL_PAGE, "/wp-adminer/"},
};

static void test_classify__admin(void **state)
{
    (void)state;
    CHECK_DEFAULT(admin_rows);
}

static const struct row asset_rows[] = {
    {"/wp-content/uploads/2013/02/photo.jpg", URL_ASSET, NULL},
    {"/wp-content/themes/twentytwelve/style.css?ver=3.5.1", URL_ASSET, NULL},
    {"/wp-content/plugins/revslider/", URL_ASSET, NULL},
    {"/wp-includes/js/jquery.js?ver=1", URL_ASSET, NULL},
    {"/wp-includes/js/", URL_ASSET, NULL},
    {"/style.css", URL_ASSET, NULL},
    {"/IMAGE.PNG", URL_ASSET, NULL},
    {"/Photo.JpEg", URL_ASSET, NULL},
    {"/a.woff2", URL_ASSET, NULL},
    {"/a.woff", URL_ASSET, NULL},
    {"/app.mjs", URL_ASSET, NULL},
    {"/app.js.map", URL_ASSET, NULL},
    {"/i.webp", URL_ASSET, NULL},
    {"/i.avif", URL_ASSET, NULL},
    {"/docs/cv.pdf", URL_ASSET, NULL},
    {"/backup.tar.gz", URL_ASSET, NULL},
    {"/a.mp4", URL_ASSET, NULL},
    {"/apple-touch-icon.png", URL_ASSET, NULL},
    /* asset before ignored in the table of doc/counting.md, and .ico is
     * an asset extension: /favicon.ico is an asset */
    {"/favicon.ico", URL_ASSET, NULL},
    /* the extension is the end of the last segment, not a word in it */
    {"/css-tips/", URL_PAGE, "/css-tips/"},
};

static void test_classify__assets(void **state)
{
    (void)state;
    CHECK_DEFAULT(asset_rows);
}

/*
 * "/wp-content/" itself starts with "/wp-content/" (doc/counting.md:
 * "path starts with /wp-content/"); WordPress answers it 200 with its
 * empty wp-content/index.php, so it must not become a page view.
 */
static const struct row asset_dir_rows[] = {
    {"/wp-content/", URL_ASSET, NULL},
    {"/wp-includes/", URL_ASSET, NULL},
};

static void test_classify__asset_directories(void **state)
{
    (void)state;
    CHECK_DEFAULT(asset_dir_rows);
}

static const struct row ignored_rows[] = {
    {"/robots.txt", URL_IGNORED, NULL},
    {"/robots.txt?x=1", URL_IGNORED, NULL},
    {"/sitemap.xml", URL_IGNORED, NULL},
    {"/ads.txt", URL_IGNORED, NULL},
    {"/humans.txt", URL_IGNORED, NULL},
    {"/.well-known/security.txt", URL_IGNORED, NULL},
    {"/.well-known/acme-challenge/Zm9vYmFy", URL_IGNORED, NULL},
    {"/.well-known/", URL_IGNORED, NULL},
    /* only at the root */
    {"/blog/robots.txt", URL_OTHER, NULL},
};

static void test_classify__ignored(void **state)
{
    (void)state;
    CHECK_DEFAULT(ignored_rows);
}

/* ---- home, search, postid ---------------------------------------------- */

static const struct row home_rows[] = {
    {"/", URL_HOME, "/"},
    {"/index.php", URL_HOME, "/"},
    {"/index.php/", URL_HOME, "/"},
    {"/?utm_source=x", URL_HOME, "/"},
    {"/?", URL_HOME, "/"},
    {"/#top", URL_HOME, "/"},
    {"/page/2/", URL_HOME, "/"},
    {"/page/2", URL_HOME, "/"},
    {"/page/123/?utm_source=x", URL_HOME, "/"},
    {"/index.php/page/3/", URL_HOME, "/"},
    {"/amp/", URL_HOME, "/"},
    {"/amp", URL_HOME, "/"},
    {"/?amp=1", URL_HOME, "/"},
    /* search: the term is not kept */
    {"/?s=handel", URL_SEARCH, "/?s="},
    {"/?s=", URL_SEARCH, "/?s="},
    {"/?s=s%C3%A4kerhet&submit=S%C3%B6k", URL_SEARCH, "/?s="},
    {"/?utm_source=x&s=eu", URL_SEARCH, "/?s="},
    {"/?s=\"><script>alert(1)</script>", URL_SEARCH, "/?s="},
    {"/?ss=1", URL_HOME, "/"},
    {"/?s=x&feed=rss2", URL_FEED, NULL},
    /* post ids */
    {"/?p=123", URL_POSTID, "/?p=123"},
    {"/?p=123&preview=true", URL_POSTID, "/?p=123"},
    {"/?utm_source=x&p=9", URL_POSTID, "/?p=9"},
    {"/?page_id=7", URL_POSTID, "/?page_id=7"},
    {"/?p=abc", URL_HOME, "/"},
    {"/?p=", URL_HOME, "/"},
    {"/?p=12x", URL_HOME, "/"},
    {"/?page_id=", URL_HOME, "/"},
    {"/?pp=12", URL_HOME, "/"},
};

static void test_classify__home_search_postid(void **state)
{
    (void)state;
    CHECK_DEFAULT(home_rows);
}

/* ---- tags, categories, archives ---------------------------------------- */

static const struct row archive_rows[] = {
    {"/tag/eu/", URL_TAG, "eu"},
    {"/tag/eu", URL_TAG, "eu"},
    {"/tag/eu/page/2/", URL_TAG, "eu"},
    {"/tag/eu/page/2", URL_TAG, "eu"},
    {"/tag/eu/?utm_source=x", URL_TAG, "eu"},
    {"/tag/s%C3%A4kerhet/", URL_TAG, SAK},
    {"/tag/s%c3%a4kerhet/page/10/", URL_TAG, SAK},
    {"/tag/" SAK "/", URL_TAG, SAK},
    {"/tag/a%2Fb/", URL_TAG, "a%2Fb"},
    {"/category/politik/", URL_CATEGORY, "politik"},
    {"/category/politik", URL_CATEGORY, "politik"},
    {"/category/politik/page/3/", URL_CATEGORY, "politik"},
    {"/category/parent/child/", URL_CATEGORY, "child"},
    {"/category/parent/child/page/2/", URL_CATEGORY, "child"},
    {"/category/a/b/c/", URL_CATEGORY, "c"},
    {"/2013/", URL_ARCHIVE, "/2013/"},
    {"/2013", URL_ARCHIVE, "/2013/"},
    {"/2013/02/", URL_ARCHIVE, "/2013/02/"},
    {"/2013/02", URL_ARCHIVE, "/2013/02/"},
    {"/2013/02/07/", URL_ARCHIVE, "/2013/02/07/"},
    {"/2013/02/07", URL_ARCHIVE, "/2013/02/07/"},
    {"/2013/page/4/", URL_ARCHIVE, "/2013/"},
    {"/2013/02/page/2/", URL_ARCHIVE, "/2013/02/"},
    {"/2013/02/07/page/2/", URL_ARCHIVE, "/2013/02/07/"},
    {"/2013/02/07/page/2", URL_ARCHIVE, "/2013/02/07/"},
    {"/author/cecilia/", URL_ARCHIVE, "/author/cecilia/"},
    {"/author/cecilia", URL_ARCHIVE, "/author/cecilia/"},
    {"/author/cecilia/page/2/", URL_ARCHIVE, "/author/cecilia/"},
    /* not a month or day: no archive (and no post) */
    {"/2013/13/", URL_PAGE, "/2013/13/"},
    {"/2013/02/32/", URL_PAGE, "/2013/02/32/"},
    {"/2013/02/07/slug/extra/", URL_PAGE, "/2013/02/07/slug/extra/"},
};

static void test_classify__tags_categories_archives(void **state)
{
    (void)state;
    CHECK_DEFAULT(archive_rows);
}

/* ---- pages, other ------------------------------------------------------ */

static const struct row page_rows[] = {
    {"/om-mig/", URL_PAGE, "/om-mig/"},
    {"/om-mig", URL_PAGE, "/om-mig/"},
    {"/om-mig/?utm_source=x", URL_PAGE, "/om-mig/"},
    {"/om-mig/amp/", URL_PAGE, "/om-mig/"},
    {"/cv.html", URL_PAGE, "/cv.html"},
    {"/cv.htm", URL_PAGE, "/cv.htm"},
    {"/CV.HTML", URL_PAGE, "/CV.HTML"},
    {"/kontakt.php", URL_PAGE, "/kontakt.php"},
    {"/parent/child/", URL_PAGE, "/parent/child/"},
    {"/parent/child", URL_PAGE, "/parent/child/"},
    {"/v.1/", URL_OTHER, NULL},
    {"/s%C3%A4kerhet", URL_PAGE, "/" SAK "/"},
    {"/a%20b/", URL_PAGE, "/a b/"},
    {"/.env", URL_OTHER, NULL},
    {"/foo.asp", URL_OTHER, NULL},
    {"/sitemap_index.xml", URL_OTHER, NULL},
    {"/wp-config.php.bak", URL_OTHER, NULL},
    {"/.git/config", URL_PAGE, "/.git/config/"},
    {"*", URL_OTHER, NULL},
    {"http://example.com/", URL_OTHER, NULL},
    {"https://example.com/2013/02/07/x/", URL_OTHER, NULL},
    {"example.com:443", URL_OTHER, NULL},
    {"", URL_OTHER, NULL},
    {"?s=x", URL_OTHER, NULL},
    {"#x", URL_OTHER, NULL},
};

static void test_classify__pages_and_other(void **state)
{
    (void)state;
    CHECK_DEFAULT(page_rows);
}

/* ---- decoding ----------------------------------------------------------- */

struct dec_row {
    const char *in;
    const char *out;
};

static const struct dec_row dec_rows[] = {
    {"/plain/", "/plain/"},
    {"%41%42c", "ABc"},
    {"s%C3%A4kerhet", SAK},
    {"s%c3%a4kerhet", SAK},
    {"s%C3%a4kerhet", SAK},
    {SAK, SAK},
    {"%2F", "%2F"},
    {"%2f", "%2F"},
    {"a%2Fb", "a%2Fb"},
    {"%3F", "%3F"},
    {"%3f", "%3F"},
    {"%23", "%23"},
    {"%00", "%00"},
    {"%0A", "%0A"},
    {"%0a", "%0A"},
    {"%0D%0A", "%0D%0A"},
    {"%1b[31m", "%1B[31m"},
    {"%7F", "%7F"},
    {"\x7F", "%7F"},
    {"\x01", "%01"},
    {"\t", "%09"},
    {"%20", " "},
    {"%25", "%25"},
    {"%2525", "%2525"},
    {"%", "%25"},
    {"a%", "a%25"},
    {"%4", "%254"},
    {"%zz", "%25zz"},
    {"%g1", "%25g1"},
    {"100%", "100%25"},
    {"%%41", "%25A"},
    /* invalid UTF-8 stays or becomes %XX */
    {"%FF", "%FF"},
    {"%ff", "%FF"},
    {"\xFF", "%FF"},
    {"\xFE\xFF", "%FE%FF"},
    {"%C3", "%C3"},
    {"\xC3", "%C3"},
    {"%C3x", "%C3x"},
    {"%C3%2F", "%C3%2F"},
    {"%A4", "%A4"},
    {"\xA4", "%A4"},
    {"%C0%AF", "%C0%AF"},
    {"\xC0\xAF", "%C0%AF"},
    {"%C1%81", "%C1%81"},
    {"%E0%80%AF", "%E0%80%AF"},
    {"%F0%82%82%AC", "%F0%82%82%AC"},
    {"%ED%A0%80", "%ED%A0%80"},
    {"\xED\xA0\x80", "%ED%A0%80"},
    {"%ED%9F%BF", "\xED\x9F\xBF"},             /* U+D7FF: fine */
    {"%F4%90%80%80", "%F4%90%80%80"},          /* > U+10FFFF */
    {"%F4%8F%BF%BF", "\xF4\x8F\xBF\xBF"},      /* U+10FFFF */
    {"%F5%80%80%80", "%F5%80%80%80"},
    {"%F0%9F%98", "%F0%9F%98"},                /* truncated emoji */
    {"%F0%9F%98x", "%F0%9F%98x"},
    /* 4-byte emoji */
    {"%F0%9F%98%80", "\xF0\x9F\x98\x80"},
    {"%f0%9f%98%80", "\xF0\x9F\x98\x80"},
    {"\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80"},
    {"%E2%80%A6", "\xE2\x80\xA6"},             /* … */
    /* U+00A0 (no-break space) is a printable character */
    {"%C2%A0", "\xC2\xA0"},
    {"", ""},
};

static void test_classify__decode_table(void **state)
{
    char out[256];
    int bad = 0;

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(dec_rows); i++) {
        const struct dec_row *d = &dec_rows[i];
        size_t n = strlen(d->in);
        char *in = xmalloc(n ? n : 1);
        size_t got;

        memcpy(in, d->in, n);
        got = url_decode_path(in, n, out, sizeof(out));
        free(in);
        if (got != strlen(d->out) || memcmp(out, d->out, got) != 0) {
            printf("FAIL dec_rows[%zu]: ", i);
            print_bytes("in ", d->in, n);
            print_bytes(" expected ", d->out, strlen(d->out));
            if (got == SIZE_MAX)
                printf(" got SIZE_MAX\n");
            else
                print_bytes(" got ", out, got), printf("\n");
            bad++;
        }
    }
    if (bad)
        fail_msg("decode: %d of %zu rows wrong (listed above)", bad,
                 ARRAY_SIZE(dec_rows));
}

static void test_classify__decode_cap(void **state)
{
    char out[16];

    (void)state;
    /* fits exactly */
    memset(out, '#', sizeof(out));
    assert_int_equal(url_decode_path("abc", 3, out, 3), 3);
    assert_memory_equal(out, "abc#", 4);
    /* one byte short: SIZE_MAX, nothing written at or past cap */
    memset(out, '#', sizeof(out));
    assert_true(url_decode_path("abc", 3, out, 2) == SIZE_MAX);
    assert_int_equal(out[2], '#');
    /* a decoded ä is two bytes */
    memset(out, '#', sizeof(out));
    assert_int_equal(url_decode_path("%C3%A4", 6, out, 2), 2);
    assert_memory_equal(out, AE "#", 3);
    memset(out, '#', sizeof(out));
    assert_true(url_decode_path("%C3%A4", 6, out, 1) == SIZE_MAX);
    assert_int_equal(out[1], '#');
    /* an escape that stays is three bytes */
    memset(out, '#', sizeof(out));
    assert_true(url_decode_path("%00", 3, out, 2) == SIZE_MAX);
    assert_int_equal(out[2], '#');
    assert_int_equal(url_decode_path("%00", 3, out, 3), 3);
    assert_memory_equal(out, "%00", 3);
    /* a raw invalid byte grows to three */
    memset(out, '#', sizeof(out));
    assert_true(url_decode_path("\xFF", 1, out, 2) == SIZE_MAX);
    assert_int_equal(out[2], '#');
    /* cap 0 */
    assert_true(url_decode_path("a", 1, out, 0) == SIZE_MAX);
    assert_int_equal(url_decode_path("", 0, out, 0), 0);
    /* n limits the input: the bytes after it are not read */
    assert_int_equal(url_decode_path("%C3%A4", 3, out, sizeof(out)), 3);
    assert_memory_equal(out, "%C3", 3);
    assert_int_equal(url_decode_path("%2", 2, out, sizeof(out)), 4);
    assert_memory_equal(out, "%252", 4);
}

/* Decoding as the classifier applies it: what stays encoded, the key. */
static const struct row decode_class_rows[] = {
    {"/a%2Fb/", URL_PAGE, "/a%2Fb/"},
    {"/a%2fb", URL_PAGE, "/a%2Fb/"},
    {"/x%00y/", URL_PAGE, "/x%00y/"},
    {"/x%0ay", URL_PAGE, "/x%0Ay/"},
    {"/50%25/", URL_PAGE, "/50%25/"},
    {"/50%", URL_PAGE, "/50%25/"},
    {"/%zz", URL_PAGE, "/%25zz/"},
    {"/%FF/", URL_PAGE, "/%FF/"},
    {"/\xFF/", URL_PAGE, "/%FF/"},
    {"/%C3/", URL_PAGE, "/%C3/"},
    {"/%C0%AF/", URL_PAGE, "/%C0%AF/"},
    {"/%ED%A0%80/", URL_PAGE, "/%ED%A0%80/"},
    {"/%F0%9F%98%80/", URL_PAGE, "/\xF0\x9F\x98\x80/"},
    {"/a%3Fb/", URL_PAGE, "/a%3Fb/"},
    {"/a%23b/", URL_PAGE, "/a%23b/"},
    /* an encoded '?' or '#' starts no query or fragment, an encoded '/'
     * no segment */
    {"/%3Fs=x", URL_PAGE, "/%3Fs=x/"},
    {"/%3Ffeed=rss2/", URL_PAGE, "/%3Ffeed=rss2/"},
    {"/%23x/", URL_PAGE, "/%23x/"},
    {"/a%2Ffeed/", URL_PAGE, "/a%2Ffeed/"},
    {"/tag/%2Ftag/", URL_TAG, "%2Ftag"},
    {"/tag/x%2Fpage%2F2/", URL_TAG, "x%2Fpage%2F2"},
};

static void test_classify__decode_through_classify(void **state)
{
    (void)state;
    CHECK_DEFAULT(decode_class_rows);
}

/*
 * doc/counting.md keeps "a control character" encoded. U+0080..U+009F
 * are control characters too (Unicode category Cc; U+009B is CSI, which
 * terminals obey like ESC [): they should stay %C2%XX like %1B does.
 */
static const struct row c1_rows[] = {
    {"/a%C2%9B31m/", URL_PAGE, "/a%C2%9B31m/"},
    {"/a%C2%85b/", URL_PAGE, "/a%C2%85b/"},
    {"/a\xC2\x9B" "b/", URL_PAGE, "/a%C2%9Bb/"},
};

static void test_classify__decode_c1_controls(void **state)
{
    (void)state;
    CHECK_DEFAULT(c1_rows);
}

static void test_classify__long_urls(void **state)
{
    struct url_rules *r = url_rules_new();
    struct url_class uc;
    size_t n = 10000;
    char *u = xmalloc(n + 64);

    (void)state;
    /* 10,000 characters: longer than any key */
    u[0] = '/';
    memset(u + 1, 'a', n - 1);
    assert_int_equal(classify_exact(r, u, n, &uc), URL_OTHER);
    assert_int_equal(uc.key_len, 0);
    assert_string_equal(uc.key, "");
    /* the same as a post */
    memcpy(u, "/2013/02/07/", 12);
    assert_int_equal(classify_exact(r, u, n, &uc), URL_OTHER);
    /* a long query on a short path does not matter */
    memcpy(u, "/2013/02/07/x/?", 15);
    assert_int_equal(classify_exact(r, u, n, &uc), URL_POST);
    assert_string_equal(uc.key, "/2013/02/07/x/");
    /* a decoded path of exactly URL_KEY_MAX bytes still classifies */
    u[0] = '/';
    memset(u + 1, 'b', URL_KEY_MAX - 1);
    assert_int_equal(classify_exact(r, u, URL_KEY_MAX, &uc), URL_PAGE);
    assert_int_equal(uc.key_len, URL_KEY_MAX + 1);
    assert_int_equal(uc.key[URL_KEY_MAX], '/');
    assert_int_equal(uc.key[URL_KEY_MAX + 1], '\0');
    /* one more byte does not */
    memset(u + 1, 'b', URL_KEY_MAX);
    assert_int_equal(classify_exact(r, u, URL_KEY_MAX + 1, &uc), URL_OTHER);
    /* short in the log, too long once raw bytes are escaped */
    u[0] = '/';
    memset(u + 1, 0xFF, 400);
    assert_int_equal(classify_exact(r, u, 401, &uc), URL_OTHER);
    /* 10,000 escapes */
    for (size_t i = 0; i + 3 <= n; i += 3)
        memcpy(u + i, "%2F", 3);
    u[0] = '/';
    assert_int_equal(classify_exact(r, u, n - n % 3, &uc), URL_OTHER);
    /* 10,000 slashes */
    memset(u, '/', n);
    assert_int_equal(classify_exact(r, u, n, &uc), URL_OTHER);
    free(u);
    url_rules_free(r);
}

/* ---- custom patterns ---------------------------------------------------- */

static struct url_rules *rules_with(const char *post, const char *tag,
                                    const char *category)
{
    struct url_rules *r = url_rules_new();
    struct bs_err err = {0};

    if (post)
        assert_int_equal(url_rules_set(r, "post", post, &err), 0);
    if (tag)
        assert_int_equal(url_rules_set(r, "tag", tag, &err), 0);
    if (category)
        assert_int_equal(url_rules_set(r, "category", category, &err), 0);
    assert_int_equal(err.status, 0);
    return r;
}

static void test_classify__hugo(void **state)
{
    static const struct row rows[] = {
        {"/posts/hello-world/", URL_POST, "/posts/hello-world/"},
        {"/posts/hello-world", URL_POST, "/posts/hello-world/"},
        {"/posts/hello-world/amp/", URL_POST, "/posts/hello-world/"},
        {"/posts/hello-world/?utm_source=x", URL_POST, "/posts/hello-world/"},
        {"/posts/s%C3%A4kerhet/", URL_POST, "/posts/" SAK "/"},
        /* Hugo's feeds are feeds whatever the rules (never a view) */
        {"/posts/hello-world/index.xml", URL_FEED, NULL},
        {"/posts/", URL_PAGE, "/posts/"},
        {"/tags/go/", URL_TAG, "go"},
        {"/tags/go", URL_TAG, "go"},
        {"/tags/go/page/2/", URL_TAG, "go"},
        {"/categories/tech/", URL_CATEGORY, "tech"},
        /* the WordPress shapes do not apply */
        {"/2013/02/07/x/", URL_PAGE, "/2013/02/07/x/"},
        {"/tag/eu/", URL_PAGE, "/tag/eu/"},
        /* feeds, assets, home as with the default rules */
        {"/index.xml", URL_FEED, NULL},
        {"/feed/", URL_FEED, NULL},
        {"/", URL_HOME, "/"},
        {"/css/main.css", URL_ASSET, NULL},
    };
    struct url_rules *r = rules_with("/posts/%postname%/", "/tags/%tag%/",
                                     "/categories/%category%/");

    (void)state;
    CHECK_ROWS_FREE(r, rows);
}

static void test_classify__handmade(void **state)
{
    static const struct row rows[] = {
        {"/blog/tech/hello.html", URL_POST, "/blog/tech/hello.html"},
        {"/blog/tech/hello.html?utm_source=x", URL_POST,
         "/blog/tech/hello.html"},
        {"/blog/tech/sub/hello.html", URL_POST, "/blog/tech/sub/hello.html"},
        {"/blog/tech/hello.htm", URL_PAGE, "/blog/tech/hello.htm"},
        {"/blog/hello.html", URL_PAGE, "/blog/hello.html"},
        {"/blog/tags/c", URL_TAG, "c"},
        {"/blog/tags/c/", URL_TAG, "c"},
        {"/blog/tags/s%C3%A4kerhet", URL_TAG, SAK},
        {"/tag/c/", URL_PAGE, "/tag/c/"},
    };
    struct url_rules *r = rules_with("/blog/%category%/%postname%.html",
                                     "/blog/tags/%tag%", NULL);

    (void)state;
    CHECK_ROWS_FREE(r, rows);
}

/* ---- presets ------------------------------------------------------------ */

static struct url_rules *rules_preset(const char *name)
{
    struct url_rules *r = url_rules_new();
    struct bs_err err = {0};

    if (url_rules_preset(r, name, &err))
        fail_msg("preset %s: %s", name, err.msg);
    return r;
}

/* The feeds of every engine, and index.html and .html, with the default
 * (WordPress) rules. */
static void test_classify__feeds_of_every_engine(void **state)
{
    static const struct row rows[] = {
        {"/index.xml", URL_FEED, NULL},
        {"/posts/index.xml", URL_FEED, NULL},
        {"/tags/go/index.xml", URL_FEED, NULL},
        {"/feed.xml", URL_FEED, NULL},
        {"/feed.xml?utm_source=x", URL_FEED, NULL},
        {"/FEED.XML", URL_FEED, NULL},
        {"/atom.xml", URL_FEED, NULL},
        {"/rss.xml", URL_FEED, NULL},
        {"/feed/feed.xml", URL_FEED, NULL},
        {"/feed/feed.json", URL_FEED, NULL},
        {"/feed.json", URL_FEED, NULL},
        {"/blog/news.rss", URL_FEED, NULL},
        {"/blog/news.atom", URL_FEED, NULL},
        {"/rss/", URL_FEED, NULL},
        {"/rss", URL_FEED, NULL},
        {"/tag/x/rss/", URL_FEED, NULL},
        /* a tag or category named rss is one */
        {"/tag/rss/", URL_TAG, "rss"},
        {"/category/rss/", URL_CATEGORY, "rss"},
        /* other XML and JSON files are not feeds */
        {"/sitemap_index.xml", URL_OTHER, NULL},
        {"/data.json", URL_OTHER, NULL},
        {"/rss-tips/", URL_PAGE, "/rss-tips/"},
    };
    static const struct row html_rows[] = {
        {"/index.html", URL_HOME, "/"},
        {"/INDEX.HTML", URL_HOME, "/"},
        {"/index.htm", URL_HOME, "/"},
        {"/om-mig/index.html", URL_PAGE, "/om-mig/"},
        {"/om-mig/index.htm", URL_PAGE, "/om-mig/"},
        {"/2013/02/07/x/index.html", URL_POST, "/2013/02/07/x/"},
        {"/tag/eu/index.html", URL_TAG, "eu"},
        {"/feed/index.html", URL_FEED, NULL},
        /* a .html path keeps its spelling, post or page */
        {"/2013/02/07/x.html", URL_POST, "/2013/02/07/x.html"},
        {"/2013/02/07/x.html/", URL_POST, "/2013/02/07/x.html"},
        {"/2013/02/07/x.HTM", URL_POST, "/2013/02/07/x.HTM"},
        {"/om-mig.html", URL_PAGE, "/om-mig.html"},
        /* a file is no post of a pattern of folders; in a post's
         * folder, it is the post's */
        {"/2013/02/07/x.txt", URL_OTHER, NULL},
        {"/2013/02/07/x/notes.txt", URL_ASSET, NULL},
        {"/2013/02/07/version-1.2", URL_POST, "/2013/02/07/version-1.2/"},
        /* the list of a page is the page */
        {"/blogg/page/2/", URL_PAGE, "/blogg/"},
    };

    (void)state;
    CHECK_DEFAULT(rows);
    CHECK_DEFAULT(html_rows);
}

static void test_classify__preset_wordpress(void **state)
{
    static const struct row rows[] = {
        {"/2013/02/07/hello-world/", URL_POST, "/2013/02/07/hello-world/"},
        {"/tag/eu/", URL_TAG, "eu"},
        {"/category/politik/", URL_CATEGORY, "politik"},
        {"/author/cecilia/page/2/", URL_ARCHIVE, "/author/cecilia/"},
        {"/2013/02/", URL_ARCHIVE, "/2013/02/"},
        {"/page/2/", URL_HOME, "/"},
        {"/feed/", URL_FEED, NULL},
        {"/?feed=rss2", URL_FEED, NULL},
        {"/page2/", URL_PAGE, "/page2/"},
        {"/ghost/", URL_PAGE, "/ghost/"},
    };

    (void)state;
    CHECK_ROWS_FREE(rules_preset("wordpress"), rows);
}

/* gohugo.io: content/posts/ at /posts/SLUG/, the tags and categories
 * taxonomies, /page/N/ below a list, index.xml at every list, page
 * bundles. */
static void test_classify__preset_hugo(void **state)
{
    static const struct row rows[] = {
        {"/posts/my-first-post/", URL_POST, "/posts/my-first-post/"},
        {"/posts/my-first-post", URL_POST, "/posts/my-first-post/"},
        {"/posts/my-first-post/index.html", URL_POST,
         "/posts/my-first-post/"},
        {"/posts/s%C3%A4kerhet/", URL_POST, "/posts/" SAK "/"},
        /* uglyURLs: the .html keeps its spelling */
        {"/posts/my-first-post.html", URL_POST, "/posts/my-first-post.html"},
        /* a page bundle's files */
        {"/posts/my-first-post/cover.jpg", URL_ASSET, NULL},
        {"/posts/my-first-post/data.csv", URL_ASSET, NULL},
        {"/posts/my-first-post/images/a.webp", URL_ASSET, NULL},
        /* lists: the section, the taxonomies, their pages */
        {"/posts/", URL_PAGE, "/posts/"},
        {"/posts/index.html", URL_PAGE, "/posts/"},
        {"/posts/page/2/", URL_PAGE, "/posts/"},
        {"/tags/", URL_PAGE, "/tags/"},
        {"/tags/go/", URL_TAG, "go"},
        {"/tags/go/page/2/", URL_TAG, "go"},
        {"/tags/rss/", URL_TAG, "rss"},
        {"/categories/", URL_PAGE, "/categories/"},
        {"/categories/tech/", URL_CATEGORY, "tech"},
        {"/categories/tech/page/3", URL_CATEGORY, "tech"},
        /* a feed at every list */
        {"/index.xml", URL_FEED, NULL},
        {"/posts/index.xml", URL_FEED, NULL},
        {"/tags/index.xml", URL_FEED, NULL},
        {"/tags/go/index.xml", URL_FEED, NULL},
        {"/categories/tech/index.xml", URL_FEED, NULL},
        {"/sitemap.xml", URL_IGNORED, NULL},
        {"/", URL_HOME, "/"},
        {"/index.html", URL_HOME, "/"},
        {"/page/2/", URL_HOME, "/"},
        {"/about/", URL_PAGE, "/about/"},
        {"/about/index.html", URL_PAGE, "/about/"},
        {"/css/main.min.css", URL_ASSET, NULL},
        /* no date archives, no authors, no WordPress shapes */
        {"/2013/", URL_PAGE, "/2013/"},
        {"/author/x/", URL_PAGE, "/author/x/"},
        {"/tag/eu/", URL_PAGE, "/tag/eu/"},
        {"/2013/02/07/x/", URL_PAGE, "/2013/02/07/x/"},
    };

    (void)state;
    CHECK_ROWS_FREE(rules_preset("hugo"), rows);
}

/* jekyllrb.com: the "date" permalink /:categories/:year/:month/:day/
 * :title:output_ext, jekyll-paginate's /pageN/, jekyll-feed's
 * /feed.xml, jekyll-archives' tag, category and date pages. */
static void test_classify__preset_jekyll(void **state)
{
    static const struct row rows[] = {
        {"/jekyll/update/2013/02/07/welcome-to-jekyll.html", URL_POST,
         "/jekyll/update/2013/02/07/welcome-to-jekyll.html"},
        {"/jekyll/update/2013/02/07/welcome-to-jekyll", URL_POST,
         "/jekyll/update/2013/02/07/welcome-to-jekyll.html"},
        {"/2013/02/07/welcome-to-jekyll.html", URL_POST,
         "/2013/02/07/welcome-to-jekyll.html"},
        {"/2013/02/07/welcome-to-jekyll.html?utm_source=x", URL_POST,
         "/2013/02/07/welcome-to-jekyll.html"},
        /* the server's other spellings of it */
        {"/2013/02/07/welcome-to-jekyll", URL_POST,
         "/2013/02/07/welcome-to-jekyll.html"},
        {"/2013/02/07/welcome-to-jekyll/", URL_POST,
         "/2013/02/07/welcome-to-jekyll.html"},
        {"/2013/02/07/welcome-to-jekyll/index.html", URL_POST,
         "/2013/02/07/welcome-to-jekyll.html"},
        {"/a/b/c/2013/02/07/s%C3%A4kerhet.html", URL_POST,
         "/a/b/c/2013/02/07/" SAK ".html"},
        /* not a post: a bad date, an empty category */
        {"/2013/13/07/x.html", URL_PAGE, "/2013/13/07/x.html"},
        {"/a//2013/02/07/x.html", URL_PAGE, "/a//2013/02/07/x.html"},
        {"/feed.xml", URL_FEED, NULL},
        {"/", URL_HOME, "/"},
        {"/page2/", URL_HOME, "/"},
        {"/page3", URL_HOME, "/"},
        {"/blog/page2/", URL_PAGE, "/blog/"},
        {"/pages/", URL_PAGE, "/pages/"},
        {"/about/", URL_PAGE, "/about/"},
        {"/about.html", URL_PAGE, "/about.html"},
        {"/tag/ruby/", URL_TAG, "ruby"},
        {"/category/jekyll/", URL_CATEGORY, "jekyll"},
        {"/2013/", URL_ARCHIVE, "/2013/"},
        {"/2013/02/", URL_ARCHIVE, "/2013/02/"},
        {"/2013/02/07/", URL_ARCHIVE, "/2013/02/07/"},
        {"/assets/main.css", URL_ASSET, NULL},
        {"/sitemap.xml", URL_IGNORED, NULL},
    };

    (void)state;
    CHECK_ROWS_FREE(rules_preset("jekyll"), rows);
}

/* docs.ghost.org: routes.yaml's /{slug}/, /tag/{slug}/,
 * /author/{slug}/, /page/N/, /rss/ at every level, the admin. */
static void test_classify__preset_ghost(void **state)
{
    static const struct row rows[] = {
        {"/welcome/", URL_POST, "/welcome/"},
        {"/welcome", URL_POST, "/welcome/"},
        {"/welcome/amp/", URL_POST, "/welcome/"},
        {"/welcome/?ref=x", URL_POST, "/welcome/"},
        {"/tag/getting-started/", URL_TAG, "getting-started"},
        {"/tag/getting-started/page/2/", URL_TAG, "getting-started"},
        {"/tag/getting-started/rss/", URL_FEED, NULL},
        {"/tag/rss/", URL_TAG, "rss"},
        {"/author/ghost/", URL_ARCHIVE, "/author/ghost/"},
        {"/author/ghost/page/2/", URL_ARCHIVE, "/author/ghost/"},
        {"/author/ghost/rss/", URL_FEED, NULL},
        {"/rss/", URL_FEED, NULL},
        {"/", URL_HOME, "/"},
        {"/page/2/", URL_HOME, "/"},
        {"/ghost/", URL_ADMIN, NULL},
        {"/ghost", URL_ADMIN, NULL},
        {"/ghost/api/admin/site/", URL_ADMIN, NULL},
        {"/members/api/member/", URL_ADMIN, NULL},
        {"/ghostly/", URL_POST, "/ghostly/"},
        {"/content/images/2013/02/photo.jpg", URL_ASSET, NULL},
        {"/assets/built/screen.css?v=0a1b2c", URL_ASSET, NULL},
        {"/sitemap.xml", URL_IGNORED, NULL},
        /* Ghost's other sitemaps are files, not posts */
        {"/sitemap-posts.xml", URL_OTHER, NULL},
        {"/.env", URL_OTHER, NULL},
        /* no categories, no date archives */
        {"/category/x/", URL_PAGE, "/category/x/"},
        {"/2013/", URL_POST, "/2013/"},
    };

    (void)state;
    CHECK_ROWS_FREE(rules_preset("ghost"), rows);
}

/* eleventy-base-blog: content/blog/ at /blog/SLUG/, /tags/TAG/, the
 * feeds /feed/feed.xml and /feed/feed.json. */
static void test_classify__preset_eleventy(void **state)
{
    static const struct row rows[] = {
        {"/blog/firstpost/", URL_POST, "/blog/firstpost/"},
        {"/blog/firstpost", URL_POST, "/blog/firstpost/"},
        {"/blog/firstpost/index.html", URL_POST, "/blog/firstpost/"},
        {"/blog/fourthpost/possum.png", URL_ASSET, NULL},
        {"/blog/", URL_PAGE, "/blog/"},
        {"/tags/", URL_PAGE, "/tags/"},
        {"/tags/second-tag/", URL_TAG, "second-tag"},
        {"/feed/feed.xml", URL_FEED, NULL},
        {"/feed/feed.json", URL_FEED, NULL},
        {"/about/", URL_PAGE, "/about/"},
        {"/sitemap.xml", URL_IGNORED, NULL},
        {"/", URL_HOME, "/"},
        {"/2013/", URL_PAGE, "/2013/"},
        {"/category/x/", URL_PAGE, "/category/x/"},
        {"/tag/x/", URL_PAGE, "/tag/x/"},
    };

    (void)state;
    CHECK_ROWS_FREE(rules_preset("eleventy"), rows);
}

/* A pattern set by hand stays, before or after the preset; a preset
 * replaces the one before it; an unknown one changes nothing. */
static void test_classify__preset_overrides(void **state)
{
    static const struct row before_rows[] = {
        {"/topics/go/", URL_TAG, "go"},
        {"/tags/go/", URL_PAGE, "/tags/go/"},
        {"/posts/x/", URL_POST, "/posts/x/"},
        {"/categories/c/", URL_CATEGORY, "c"},
    };
    static const struct row after_rows[] = {
        {"/p/x/", URL_POST, "/p/x/"},
        {"/posts/x/", URL_PAGE, "/posts/x/"},
        {"/tags/go/", URL_TAG, "go"},
    };
    static const struct row back_rows[] = {
        {"/topics/go/", URL_TAG, "go"},
        {"/2013/02/07/x/", URL_POST, "/2013/02/07/x/"},
        {"/categories/c/", URL_PAGE, "/categories/c/"},
        {"/category/c/", URL_CATEGORY, "c"},
        {"/2013/", URL_ARCHIVE, "/2013/"},
    };
    struct url_rules *r = url_rules_new();
    struct bs_err err = {0};
    int bad;

    (void)state;
    assert_int_equal(url_rules_set(r, "tag", "/topics/%tag%/", &err), 0);
    assert_int_equal(url_rules_preset(r, "hugo", &err), 0);
    bad = check_rows(r, "before_rows", before_rows, ARRAY_SIZE(before_rows));
    /* back to WordPress: the tag of its own stays */
    assert_int_equal(url_rules_preset(r, "wordpress", &err), 0);
    bad += check_rows(r, "back_rows", back_rows, ARRAY_SIZE(back_rows));
    /* unknown: -1, nothing changed */
    assert_int_equal(url_rules_preset(r, "Hugo", &err), -1);
    assert_int_equal(err.status, BS_USAGE);
    assert_non_null(strstr(err.msg, "Hugo"));
    assert_non_null(strstr(err.msg, "eleventy"));
    bad += check_rows(r, "back_rows", back_rows, ARRAY_SIZE(back_rows));
    url_rules_free(r);
    fail_if_bad("preset overrides", bad,
                2 * ARRAY_SIZE(back_rows) + ARRAY_SIZE(before_rows));

    r = rules_preset("hugo");
    memset(&err, 0, sizeof(err));
    assert_int_equal(url_rules_set(r, "post", "/p/%postname%/", &err), 0);
    CHECK_ROWS_FREE(r, after_rows);
}

/* %categories%: between two '/'; a long run of folders costs a bounded
 * number of steps. */
static void test_classify__categories_tag(void **state)
{
    struct url_rules *r = url_rules_new();
    struct bs_err err = {0};
    struct url_class uc;
    char u[1100];

    (void)state;
    assert_int_equal(url_rules_set(r, "post", "/x%categories%/%postname%/",
                                   &err), -1);
    assert_int_equal(err.status, BS_USAGE);
    assert_non_null(strstr(err.msg, "categories"));
    assert_int_equal(url_rules_set(r, "post", "/%categories%%postname%/",
                                   &err), -1);
    assert_int_equal(url_rules_set(r, "post", "/%postname%/%categories%",
                                   &err), -1);
    assert_int_equal(url_rules_set(r, "post", "/%categories%/%postname%.html",
                                   &err), 0);
    assert_int_equal(classify_exact(r, "/a/b/x.html", 11, &uc), URL_POST);
    assert_string_equal(uc.key, "/a/b/x.html");
    assert_int_equal(classify_exact(r, "/x.html", 7, &uc), URL_POST);
    assert_string_equal(uc.key, "/x.html");
    assert_int_equal(classify_exact(r, "/x", 2, &uc), URL_POST);
    assert_string_equal(uc.key, "/x.html");
    /* 500 folders "a/" then a name */
    u[0] = '/';
    for (int i = 0; i < 500; i++)
        memcpy(u + 1 + 2 * i, "a/", 2);
    memcpy(u + 1001, "x.html", 6);
    assert_int_equal(classify_exact(r, u, 1007, &uc), URL_POST);
    assert_int_equal(uc.key_len, 1007);
    /* the same run of folders: the last is the name, without ".html" */
    assert_int_equal(classify_exact(r, u, 1001, &uc), URL_POST);
    assert_int_equal(uc.key_len, 1005);
    /* ... and with a name no pattern takes */
    memcpy(u + 1001, "x.htm", 5);
    assert_int_equal(classify_exact(r, u, 1006, &uc), URL_PAGE);
    url_rules_free(r);
}

static void test_classify__post_id_patterns(void **state)
{
    static const struct row id_name_rows[] = {
        {"/123/hello-world/", URL_POST, "/123/hello-world/"},
        {"/123/hello-world", URL_POST, "/123/hello-world/"},
        {"/123/hello-world/2/", URL_POST, "/123/hello-world/"},
        {"/123/hello-world/amp/", URL_POST, "/123/hello-world/"},
        {"/abc/hello-world/", URL_PAGE, "/abc/hello-world/"},
        {"/123/", URL_PAGE, "/123/"},
        {"/tag/eu/", URL_TAG, "eu"},
    };
    /* no trailing '/' in the pattern: the key has none either, whichever
     * spelling was asked for */
    static const struct row archives_rows[] = {
        {"/archives/123", URL_POST, "/archives/123"},
        {"/archives/123/", URL_POST, "/archives/123"},
        {"/archives/123/2/", URL_POST, "/archives/123"},
        {"/archives/123/amp", URL_POST, "/archives/123"},
        {"/archives/123/comment-page-2/", URL_POST, "/archives/123"},
        {"/archives/12a", URL_PAGE, "/archives/12a/"},
        {"/archives/", URL_PAGE, "/archives/"},
    };
    static const struct row name_rows[] = {
        {"/hello-world/", URL_POST, "/hello-world/"},
        {"/hello-world/2/", URL_POST, "/hello-world/"},
        {"/tag/eu/", URL_TAG, "eu"},
        {"/page/2/", URL_HOME, "/"},
        {"/wp-admin/", URL_ADMIN, NULL},
        {"/feed/", URL_FEED, NULL},
        {"/a/b/", URL_PAGE, "/a/b/"},
    };
    struct url_rules *r;

    (void)state;
    r = rules_with("/%post_id%/%postname%/", NULL, NULL);
    CHECK_ROWS_FREE(r, id_name_rows);
    r = rules_with("/archives/%post_id%", NULL, NULL);
    CHECK_ROWS_FREE(r, archives_rows);
    r = rules_with("/%postname%/", NULL, NULL);
    CHECK_ROWS_FREE(r, name_rows);
}

static void expect_bad(const char *which, const char *pattern)
{
    struct url_rules *r = url_rules_new();
    struct bs_err err = {0};
    struct url_class uc;
    int rc = url_rules_set(r, which, pattern, &err);
    /* the refused pattern leaves the default rules in force */
    enum url_kind k1 = classify_exact(r, "/2013/02/07/x/", 14, &uc);
    enum url_kind k2 = classify_exact(r, "/tag/x/", 7, &uc);
    enum url_kind k3 = classify_exact(r, "/category/x/", 12, &uc);

    url_rules_free(r);
    if (rc != -1)
        fail_msg("%s pattern '%s' was accepted", which, pattern);
    assert_int_equal(err.status, BS_USAGE);
    assert_true(strlen(err.msg) > 0);
    if (!strstr(err.msg, pattern) && !strstr(err.msg, which))
        fail_msg("message '%s' names neither the pattern nor the rule",
                 err.msg);
    assert_int_equal(k1, URL_POST);
    assert_int_equal(k2, URL_TAG);
    assert_int_equal(k3, URL_CATEGORY);
}

static void test_classify__bad_patterns(void **state)
{
    char big[512];

    (void)state;
    expect_bad("post", "no-slash");
    expect_bad("post", "");
    expect_bad("post", "%postname%/");
    expect_bad("post", "/%unknown%/");
    expect_bad("post", "/%year");
    expect_bad("post", "/%postname%/%");
    expect_bad("post", "/%Postname%/");
    expect_bad("tag", "/tags/");
    expect_bad("tag", "/tags/%postname%/");
    expect_bad("category", "/cat/%tag%/");
    expect_bad("post", "/%year%/%monthnum%/");
    expect_bad("post", "/posts/");
    expect_bad("post", "/");
    expect_bad("page", "/%postname%/");
    /* more parts than a pattern holds */
    strcpy(big, "/%postname%");
    for (int i = 0; i < 20; i++)
        strcat(big, "/%year%");
    expect_bad("post", big);
}

static void test_classify__ignore_globs(void **state)
{
    static const struct row rows[] = {
        {"/private/x", URL_IGNORED, NULL},
        {"/private/x/", URL_IGNORED, NULL},
        {"/private/a/b/c", URL_IGNORED, NULL},
        {"/private/s%C3%A4k", URL_IGNORED, NULL},
        {"/private", URL_PAGE, "/private/"},
        {"/privat/x", URL_PAGE, "/privat/x/"},
        {"/x.bak", URL_IGNORED, NULL},
        {"/dir/y.bak", URL_IGNORED, NULL},
        {"/" SAK "/", URL_IGNORED, NULL},
        /* rules before "ignored" still win */
        {"/private/feed/", URL_FEED, NULL},
        {"/private/a.css", URL_ASSET, NULL},
        {"/2013/02/07/x/", URL_POST, "/2013/02/07/x/"},
    };
    struct url_rules *r = url_rules_new();
    struct bs_err err = {0};
    int bad;

    (void)state;
    assert_int_equal(url_rules_add_ignore(r, "/private/*", &err), 0);
    assert_int_equal(url_rules_add_ignore(r, "*.bak", &err), 0);
    assert_int_equal(url_rules_add_ignore(r, "/" SAK "/", &err), 0);
    assert_int_equal(err.status, 0);
    bad = check_rows(r, "rows", rows, ARRAY_SIZE(rows));

    assert_int_equal(url_rules_add_ignore(r, "private/*", &err), -1);
    assert_int_equal(err.status, BS_USAGE);
    assert_non_null(strstr(err.msg, "private/*"));
    memset(&err, 0, sizeof(err));
    assert_int_equal(url_rules_add_ignore(r, "", &err), -1);
    assert_int_equal(err.status, BS_USAGE);
    memset(&err, 0, sizeof(err));
    assert_int_equal(url_rules_add_ignore(r, "?x", &err), -1);
    assert_int_equal(err.status, BS_USAGE);
    /* the rejected globs changed nothing */
    CHECK_ROWS_FREE(r, rows);
    fail_if_bad("rows (before the rejected globs)", bad, ARRAY_SIZE(rows));
}

static void test_classify__kind_names(void **state)
{
    static const char *const names[URL_NKINDS] = {
        "other", "post", "page", "home", "tag", "category", "archive",
        "search", "postid", "feed", "asset", "admin", "ignored",
    };
    static const int content[URL_NKINDS] = {
        [URL_POST] = 1, [URL_PAGE] = 1, [URL_HOME] = 1, [URL_TAG] = 1,
        [URL_CATEGORY] = 1, [URL_ARCHIVE] = 1, [URL_SEARCH] = 1,
        [URL_POSTID] = 1,
    };

    (void)state;
    assert_int_equal(URL_NKINDS, 13);
    for (int k = 0; k < URL_NKINDS; k++) {
        if (strcmp(url_kind_name((enum url_kind)k), names[k]) != 0)
            fail_msg("url_kind_name(%d) = '%s', expected '%s'", k,
                     url_kind_name((enum url_kind)k), names[k]);
        if (url_kind_is_content((enum url_kind)k) != content[k])
            fail_msg("url_kind_is_content(%s) = %d, expected %d", names[k],
                     url_kind_is_content((enum url_kind)k), content[k]);
    }
    assert_string_equal(url_kind_name(URL_NKINDS), "other");
    assert_int_equal(url_kind_is_content(URL_NKINDS), 0);
}

static void test_classify__pathological_pattern(void **state)
{
    struct url_rules *r = rules_with("/%postname%-%author%-%tag%/", NULL,
                                     NULL);
    struct url_class uc;
    char u[1100];

    /* A matcher that backtracks without bound takes exponential time on
     * these and never returns: the test runner's timeout fails it (speed
     * itself is for the benchmarks). */
    (void)state;
    /* a normal URL of the pattern */
    assert_int_equal(classify_exact(r, "/hello-cecilia-eu/", 18, &uc),
                     URL_POST);
    assert_string_equal(uc.key, "/hello-cecilia-eu/");
    assert_int_equal(classify_exact(r, "/a-b-c-d-e/", 11, &uc), URL_POST);
    assert_string_equal(uc.key, "/a-b-c-d-e/");

    for (int rep = 0; rep < 20; rep++) {
        /* 1000 dashes then a segment that makes every split fail */
        u[0] = '/';
        memset(u + 1, '-', 1000);
        memcpy(u + 1001, "/x", 2);
        assert_int_equal(classify_exact(r, u, 1003, &uc), URL_PAGE);
        assert_int_equal(uc.key_len, 1004);
        /* 1000 dashes and ".y": one segment, "-" "-" "-.y" matches */
        u[1001] = '.';
        u[1002] = 'y';
        assert_int_equal(classify_exact(r, u, 1003, &uc), URL_POST);
        assert_int_equal(uc.key_len, 1004);
        /* 1000 dashes alone: "-" "-" "-" is a match */
        u[1001] = '/';
        assert_int_equal(classify_exact(r, u, 1002, &uc), URL_POST);
        assert_int_equal(uc.key_len, 1002);
        /* alternating dashes and letters */
        for (int i = 1; i <= 1000; i++)
            u[i] = i % 2 ? '-' : 'a';
        u[1001] = '/';
        u[1002] = 'z';
        assert_int_equal(classify_exact(r, u, 1003, &uc), URL_PAGE);
    }
    url_rules_free(r);
}

/* ---- referrers ---------------------------------------------------------- */

#define SITE "https://blog.example.eu"
#define FFFD "\xEF\xBF\xBD"                  /* U+FFFD */

struct ref_row {
    const char *ref;
    enum ref_class cls;
    const char *host;     /* NULL: "" */
    const char *term;     /* NULL: "" */
};

/* 1 when s (n bytes) is valid UTF-8 with no control character but tab. */
static int utf8_clean(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;

    for (size_t i = 0; i < n;) {
        size_t l = u[i] < 0x80 ? 1 : u[i] >= 0xF0 ? 4 : u[i] >= 0xE0 ? 3
                                 : u[i] >= 0xC2 ? 2 : 0;

        if (l == 0 || i + l > n)
            return 0;
        if (l == 1 && ((u[i] < 0x20 && u[i] != '\t') || u[i] == 0x7f))
            return 0;
        for (size_t k = 1; k < l; k++)
            if ((u[i + k] & 0xC0) != 0x80)
                return 0;
        i += l;
    }
    return 1;
}

/* Classify a copy of ref that has no byte after it; check what every
 * result must be, whatever the input. */
static enum ref_class referrer_exact(const struct url_rules *r,
                                     const char *ref, size_t n,
                                     struct ref_info *out)
{
    char *copy = xmalloc(n ? n : 1);
    enum ref_class c;

    memcpy(copy, ref, n);
    memset(out, 0x5A, sizeof(*out));
    c = classify_referrer(r, copy, n, out);
    free(copy);
    assert_int_equal(out->cls, c);
    assert_true(c == REF_NONE || c == REF_INTERNAL || c == REF_SEARCH ||
                c == REF_SOCIAL || c == REF_OTHER || c == REF_MAIL);
    assert_true(out->host_n < sizeof(out->host));
    assert_int_equal(out->host[out->host_n], '\0');
    assert_int_equal(strlen(out->host), out->host_n);
    assert_true(out->term_n < sizeof(out->term));
    assert_int_equal(out->term[out->term_n], '\0');
    assert_int_equal(strlen(out->term), out->term_n);
    assert_true(utf8_clean(out->term, out->term_n));
    /* A host is lower-case ASCII: letters, digits, - . _ (and [ : ] of
     * an IPv6 literal), or the "(unknown)" of a non-web referrer. */
    if (strcmp(out->host, "(unknown)") != 0)
        for (size_t i = 0; i < out->host_n; i++)
            assert_non_null(strchr("abcdefghijklmnopqrstuvwxyz0123456789"
                                   "-._[]:", out->host[i]));
    assert_int_equal(c == REF_NONE, out->host_n == 0);
    if (c != REF_SEARCH)
        assert_int_equal(out->term_n, 0);
    return c;
}

static int check_ref_rows(const struct url_rules *r, const char *table,
                          const struct ref_row *rows, size_t n)
{
    int bad = 0;

    for (size_t i = 0; i < n; i++) {
        struct ref_info ri;
        const char *host = rows[i].host ? rows[i].host : "";
        const char *term = rows[i].term ? rows[i].term : "";
        enum ref_class c = referrer_exact(r, rows[i].ref,
                                          strlen(rows[i].ref), &ri);

        if (c == rows[i].cls && strcmp(ri.host, host) == 0 &&
            strcmp(ri.term, term) == 0)
            continue;
        bad++;
        printf("FAIL %s[%zu]: ", table, i);
        print_bytes("referrer ", rows[i].ref, strlen(rows[i].ref));
        printf("\n    expected %s ", ref_class_name(rows[i].cls));
        print_bytes("host ", host, strlen(host));
        print_bytes(" term ", term, strlen(term));
        printf("\n    got      %s ", ref_class_name(c));
        print_bytes("host ", ri.host, ri.host_n);
        print_bytes(" term ", ri.term, ri.term_n);
        printf("\n");
        fflush(stdout);
    }
    return bad;
}

/* Rules with [site] url = SITE. */
static struct url_rules *site_rules(void)
{
    struct url_rules *r = url_rules_new();
    struct bs_err err;

    memset(&err, 0, sizeof(err));
    if (url_rules_set_site(r, SITE, &err) != 0)
        fail_msg("url_rules_set_site(%s): %s", SITE, err.msg);
    return r;
}

#define CHECK_REFS(rows)                                                   \
    do {                                                                   \
        struct url_rules *r_ = site_rules();                               \
        int bad_ = check_ref_rows(r_, #rows, rows, ARRAY_SIZE(rows));      \
                                                                           \
        url_rules_free(r_);                                                \
        fail_if_bad(#rows, bad_, ARRAY_SIZE(rows));                        \
    } while (0)

static const struct ref_row ref_none_internal[] = {
    {"-", REF_NONE, NULL, NULL},
    {"", REF_NONE, NULL, NULL},
    /* the site itself, in its spellings */
    {"https://blog.example.eu/2013/02/07/x/", REF_INTERNAL,
     "blog.example.eu", NULL},
    {"https://blog.example.eu", REF_INTERNAL, "blog.example.eu", NULL},
    {"https://blog.example.eu/", REF_INTERNAL, "blog.example.eu", NULL},
    {"http://blog.example.eu/", REF_INTERNAL, "blog.example.eu", NULL},
    {"https://www.blog.example.eu/x", REF_INTERNAL, "blog.example.eu", NULL},
    {"https://blog.example.eu:8443/x", REF_INTERNAL, "blog.example.eu",
     NULL},
    {"HTTPS://BLOG.Example.EU/X", REF_INTERNAL, "blog.example.eu", NULL},
    {"https://blog.example.eu?s=x", REF_INTERNAL, "blog.example.eu", NULL},
    {"https://blog.example.eu#top", REF_INTERNAL, "blog.example.eu", NULL},
    {"https://user:pw@blog.example.eu/", REF_INTERNAL, "blog.example.eu",
     NULL},
    {"https://blog.example.eu/?q=a+search", REF_INTERNAL,
     "blog.example.eu", NULL},
    /* hosts that only look like it */
    {"https://blog.example.eu.evil.com/", REF_OTHER,
     "blog.example.eu.evil.com", NULL},
    {"https://m.blog.example.eu/", REF_OTHER, "m.blog.example.eu", NULL},
    {"https://example.eu/", REF_OTHER, "example.eu", NULL},
    {"https://blog.example.e/", REF_OTHER, "blog.example.e", NULL},
    {"https://blog.example.eu@evil.com/", REF_OTHER, "evil.com", NULL},
};

/* The referrer table as the build made it: sorted by host, each host's
 * length right (the search reads the length, not the string's end). */
static void test_classify__referrer_table(void **state)
{
    (void)state;
    assert_true(ref_rules_n > 100);
    for (size_t i = 0; i < ref_rules_n; i++) {
        assert_int_equal(ref_rules[i].host_len, strlen(ref_rules[i].host));
        if (i)
            assert_true(strcmp(ref_rules[i - 1].host, ref_rules[i].host) < 0);
    }
}

static void test_classify__referrer_none_internal(void **state)
{
    (void)state;
    CHECK_REFS(ref_none_internal);
}

static const struct ref_row ref_search[] = {
    {"https://www.google.se/", REF_SEARCH, "google.se", NULL},
    {"https://www.google.com", REF_SEARCH, "google.com", NULL},
    {"https://www.google.com/search?q=cecilia+malmstr%C3%B6m&ie=UTF-8",
     REF_SEARCH, "google.com", "cecilia malmstr\xC3\xB6m"},
    {"https://www.google.co.uk/url?sa=t&q=acta", REF_SEARCH, "google.co.uk",
     "acta"},
    {"https://news.google.com/?q=x", REF_SEARCH, "news.google.com", "x"},
    {"https://www.google.com.au/search?q=y", REF_SEARCH, "google.com.au",
     "y"},
    {"https://www.bing.com/search?q=s%C3%A4kerhet&form=QBLH", REF_SEARCH,
     "bing.com", SAK},
    {"https://www.bing.com:443/search?q=x", REF_SEARCH, "bing.com", "x"},
    {"https://duckduckgo.com/?q=frontex", REF_SEARCH, "duckduckgo.com",
     "frontex"},
    {"https://html.duckduckgo.com/html/?q=a", REF_SEARCH,
     "html.duckduckgo.com", "a"},
    {"https://yandex.ru/search/?text=%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82"
     "&lr=2", REF_SEARCH, "yandex.ru",
     "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82"},
    {"https://www.baidu.com/s?wd=%E4%BD%A0%E5%A5%BD", REF_SEARCH,
     "baidu.com", "\xE4\xBD\xA0\xE5\xA5\xBD"},
    {"https://m.baidu.com/s?word=abc", REF_SEARCH, "m.baidu.com", "abc"},
    {"https://search.yahoo.com/search?p=ttip&fr=yfp", REF_SEARCH,
     "search.yahoo.com", "ttip"},
    {"https://kagi.com/search?q=asyl", REF_SEARCH, "kagi.com", "asyl"},
    {"https://search.brave.com/search?q=b", REF_SEARCH, "search.brave.com",
     "b"},
    {"https://www.ecosia.org/search?q=a%2Bb", REF_SEARCH, "ecosia.org",
     "a+b"},
    {"https://www.qwant.com/?q=datalagring+dom", REF_SEARCH, "qwant.com",
     "datalagring dom"},
    {"https://example.org/search?query=q", REF_OTHER, "example.org", NULL},
    /* which parameter */
    {"https://www.google.com/search?aq=f&oq=no&q=real", REF_SEARCH,
     "google.com", "real"},
    {"https://www.google.com/search?q=&p=second", REF_SEARCH, "google.com",
     "second"},
    {"https://www.google.com/search?q=&oq=x", REF_SEARCH, "google.com",
     NULL},
    {"https://www.google.com/search?q", REF_SEARCH, "google.com", NULL},
    {"https://www.google.com/url?esrc=s&source=web", REF_SEARCH,
     "google.com", NULL},
    {"https://www.google.com/?", REF_SEARCH, "google.com", NULL},
    /* decoding */
    {"https://www.google.com/search?q=foo#frag", REF_SEARCH, "google.com",
     "foo"},
    {"https://www.google.com/search#q=frag", REF_SEARCH, "google.com",
     NULL},
    {"https://www.google.com/search?q=a%ZZb", REF_SEARCH, "google.com",
     "a%ZZb"},
    {"https://www.google.com/search?q=%", REF_SEARCH, "google.com", "%"},
    {"https://www.google.com/search?q=abc%2", REF_SEARCH, "google.com",
     "abc%2"},
    {"https://www.google.com/search?q=%e4%bd%a0", REF_SEARCH, "google.com",
     "\xE4\xBD\xA0"},
    {"https://www.google.com/search?q=%FF%FEx", REF_SEARCH, "google.com",
     FFFD FFFD "x"},
    {"https://www.google.com/search?q=%C3", REF_SEARCH, "google.com", FFFD},
    {"https://www.google.com/search?q=%C0%AF", REF_SEARCH, "google.com",
     FFFD FFFD},
    {"https://www.google.com/search?q=a%00b%0Ac%7F", REF_SEARCH,
     "google.com", "a" FFFD "b" FFFD "c" FFFD},
    {"https://www.google.com/search?q=%09tab", REF_SEARCH, "google.com",
     "\ttab"},
    {"https://www.google.com/search?q=%C2%85", REF_SEARCH, "google.com",
     FFFD},
    {"https://www.google.com/search?q=a%26b&x", REF_SEARCH, "google.com",
     "a&b"},
    /* the subdomains search engines answer on, regional Yahoo */
    {"https://images.google.de/imgres?q=eu", REF_SEARCH, "images.google.de",
     "eu"},
    {"https://cn.bing.com/search?q=z", REF_SEARCH, "cn.bing.com", "z"},
    {"https://uk.search.yahoo.com/search?p=eu", REF_SEARCH,
     "uk.search.yahoo.com", "eu"},
    {"https://www.ask.com/web?q=asyl", REF_SEARCH, "ask.com", "asyl"},
    {"https://yandex.com.tr/search/?text=ab", REF_SEARCH, "yandex.com.tr",
     "ab"},
    /* the Google app, under its brand */
    {"android-app://com.google.android.googlequicksearchbox/", REF_SEARCH,
     "google", NULL},
    {"android-app://com.google.android.googlequicksearchbox", REF_SEARCH,
     "google", NULL},
    {"android-app://com.google.android.apps.searchlite/", REF_SEARCH,
     "google", NULL},
};

static void test_classify__referrer_search(void **state)
{
    (void)state;
    CHECK_REFS(ref_search);
}

static const struct ref_row ref_social_other[] = {
    /* a network's hosts are one brand (rules/referrers.txt) */
    {"https://l.facebook.com/", REF_SOCIAL, "facebook.com", NULL},
    {"https://m.facebook.com/l.php?u=x&q=no", REF_SOCIAL, "facebook.com",
     NULL},
    {"https://www.facebook.com/", REF_SOCIAL, "facebook.com", NULL},
    {"http://lm.facebook.com/", REF_SOCIAL, "facebook.com", NULL},
    {"https://fb.me/abc", REF_SOCIAL, "facebook.com", NULL},
    {"https://t.co/abc", REF_SOCIAL, "x.com", NULL},
    {"https://x.com/", REF_SOCIAL, "x.com", NULL},
    {"https://twitter.com/a/status/1", REF_SOCIAL, "x.com", NULL},
    {"https://www.reddit.com/r/europe/comments/18g2k1x/", REF_SOCIAL,
     "reddit.com", NULL},
    {"https://old.reddit.com/", REF_SOCIAL, "reddit.com", NULL},
    {"https://www.linkedin.com/feed/", REF_SOCIAL, "linkedin.com", NULL},
    {"https://lnkd.in/x", REF_SOCIAL, "linkedin.com", NULL},
    {"https://news.ycombinator.com/item?id=1", REF_SOCIAL,
     "news.ycombinator.com", NULL},
    /* the fediverse's servers, under their own names */
    {"https://mastodon.social/@user/1", REF_SOCIAL, "mastodon.social", NULL},
    {"https://fosstodon.org/@a/1", REF_SOCIAL, "fosstodon.org", NULL},
    {"https://infosec.exchange/@b", REF_SOCIAL, "infosec.exchange", NULL},
    {"https://lemmy.world/post/1", REF_SOCIAL, "lemmy.world", NULL},
    {"https://bsky.app/profile/x", REF_SOCIAL, "bsky.app", NULL},
    {"https://www.youtube.com/watch?v=1", REF_SOCIAL, "youtube.com", NULL},
    {"https://lobste.rs/s/x", REF_SOCIAL, "lobste.rs", NULL},
    /* apps are their service's brand */
    {"android-app://com.facebook.katana/", REF_SOCIAL, "facebook.com", NULL},
    {"android-app://com.twitter.android", REF_SOCIAL, "x.com", NULL},
    {"android-app://com.linkedin.android/", REF_SOCIAL, "linkedin.com",
     NULL},
    {"android-app://com.reddit.frontpage/", REF_SOCIAL, "reddit.com", NULL},
    {"android-app://org.telegram.messenger/", REF_SOCIAL, "telegram", NULL},
    {"android-app://com.Slack/", REF_SOCIAL, "slack", NULL},
    /* webmail and mail apps: a newsletter's links */
    {"https://mail.google.com/mail/u/0/", REF_MAIL, "gmail", NULL},
    {"https://outlook.live.com/", REF_MAIL, "outlook.com", NULL},
    {"https://mail.proton.me/u/0/inbox", REF_MAIL, "proton.me", NULL},
    {"android-app://com.google.android.gm/", REF_MAIL, "gmail", NULL},
    /* look-alikes */
    {"https://notfacebook.com/", REF_OTHER, "notfacebook.com", NULL},
    {"https://facebook.com.evil.net/", REF_OTHER, "facebook.com.evil.net",
     NULL},
    {"https://ycombinator.com/", REF_OTHER, "ycombinator.com", NULL},
    {"https://notgoogle.com/?q=x", REF_OTHER, "notgoogle.com", NULL},
    {"https://googleblog.blogspot.com/", REF_OTHER,
     "googleblog.blogspot.com", NULL},
    /* a search engine's name inside another domain, its other services,
     * names that only look like one */
    {"https://google.evil.com/?q=x", REF_OTHER, "google.evil.com", NULL},
    {"https://bing.example.co.uk/?q=x", REF_OTHER, "bing.example.co.uk",
     NULL},
    {"https://docs.google.com/document/d/1", REF_OTHER, "docs.google.com",
     NULL},
    {"https://ask.fm/someone", REF_OTHER, "ask.fm", NULL},
    {"https://www.yahoo.com/news/x", REF_OTHER, "yahoo.com", NULL},
    {"https://google/?q=x", REF_OTHER, "google", NULL},
    /* other sites */
    {"https://www.dn.se/debatt/", REF_OTHER, "dn.se", NULL},
    {"http://WWW.SVD.SE:80/x", REF_OTHER, "svd.se", NULL},
    {"https://www.euractiv.com/?q=not-a-search", REF_OTHER, "euractiv.com",
     NULL},
    {"https://wwwx.example.org/", REF_OTHER, "wwwx.example.org", NULL},
    {"https://sub_domain.example.org/", REF_OTHER, "sub_domain.example.org",
     NULL},
    {"https://192.0.2.7:8080/a", REF_OTHER, "192.0.2.7", NULL},
    {"https://user@www.example.org/", REF_OTHER, "example.org", NULL},
    {"https://a:b@c@example.org/", REF_OTHER, "example.org", NULL},
    /* IPv6 literals keep their brackets */
    {"http://[2001:DB8::1]:8080/x", REF_OTHER, "[2001:db8::1]", NULL},
    {"http://[::ffff:192.0.2.1]/", REF_OTHER, "[::ffff:192.0.2.1]", NULL},
    {"http://[2001:db8::1]", REF_OTHER, "[2001:db8::1]", NULL},
    /* apps other than the ones named */
    {"android-app://com.example.newsreader/", REF_OTHER,
     "com.example.newsreader", NULL},
    {"https://notmastodon.social.example/", REF_OTHER,
     "notmastodon.social.example", NULL},
    /* not web addresses */
    {"ftp://google.com/", REF_OTHER, "(unknown)", NULL},
    {"file:///etc/passwd", REF_OTHER, "(unknown)", NULL},
    {"about:blank", REF_OTHER, "(unknown)", NULL},
    {"garbage", REF_OTHER, "(unknown)", NULL},
    {"--", REF_OTHER, "(unknown)", NULL},
    {" -", REF_OTHER, "(unknown)", NULL},
    {"http://", REF_OTHER, "(unknown)", NULL},
    {"https:/", REF_OTHER, "(unknown)", NULL},
    {"http:///path", REF_OTHER, "(unknown)", NULL},
    {"http://?q=x", REF_OTHER, "(unknown)", NULL},
    {"//example.org/", REF_OTHER, "(unknown)", NULL},
    {"www.example.org", REF_OTHER, "(unknown)", NULL},
    {"https://exa mple.com/", REF_OTHER, "(unknown)", NULL},
    {"https://ex%41mple.com/", REF_OTHER, "(unknown)", NULL},
    {"https://b\xC3\xBC" "cher.de/", REF_OTHER, "(unknown)", NULL},
    {"http://[2001:db8::1/", REF_OTHER, "(unknown)", NULL},
    {"http://[]/", REF_OTHER, "(unknown)", NULL},
    {"http://[zz::1]/", REF_OTHER, "(unknown)", NULL},
    {"http://[::1]x/", REF_OTHER, "[::1]", NULL},
    {"android-app://", REF_OTHER, "(unknown)", NULL},
};

static void test_classify__referrer_social_other(void **state)
{
    (void)state;
    CHECK_REFS(ref_social_other);
}

/* Bytes no referrer should hold: NUL and controls in the host. */
static void test_classify__referrer_control_bytes(void **state)
{
#define R(s) {s, sizeof(s) - 1}
    static const struct {
        const char *ref;
        size_t n;
    } refs[] = {
        R("http://a\0b.com/"), R("http://ex\x01.com"),
        R("http://example.com\r\n/"), R("http://\0"),
        R("https://www.google.com\0/?q=x"), R("http://a.com\x7f/"),
        R("http://\x80.com/"),
    };
#undef R
    struct url_rules *r = site_rules();
    struct ref_info ri;

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(refs); i++) {
        assert_int_equal(referrer_exact(r, refs[i].ref, refs[i].n, &ri),
                         REF_OTHER);
        assert_string_equal(ri.host, "(unknown)");
    }
    /* A NUL in the terms is a U+FFFD, not the end of the string. */
    {
        static const char q[] = "https://www.google.com/?q=a\0b";

        assert_int_equal(referrer_exact(r, q, sizeof(q) - 1, &ri),
                         REF_SEARCH);
        assert_string_equal(ri.term, "a" FFFD "b");
    }
    url_rules_free(r);
}

/* Hostile lengths: the host and the terms stay within their buffers. */
static void test_classify__referrer_long(void **state)
{
    struct url_rules *r = site_rules();
    struct ref_info ri;
    size_t cap = 20000, n;
    char *buf = xmalloc(cap);

    (void)state;
    /* A 1000-byte host. */
    n = (size_t)snprintf(buf, cap, "https://%0*d.com/x", 1000, 7);
    memset(buf + 8, 'a', 1000);
    assert_int_equal(referrer_exact(r, buf, n, &ri), REF_OTHER);
    assert_int_equal(ri.host_n, sizeof(ri.host) - 1);
    assert_int_equal(strspn(ri.host, "a"), ri.host_n);
    /* A long host with a bad byte past the cut. */
    memcpy(buf + 8 + 600, "!", 1);
    assert_int_equal(referrer_exact(r, buf, n, &ri), REF_OTHER);
    /* "www." and a long host: cut, then stripped. */
    memcpy(buf + 8, "www.", 4);
    buf[8 + 600] = 'a';
    assert_int_equal(referrer_exact(r, buf, n, &ri), REF_OTHER);
    assert_true(ri.host_n < sizeof(ri.host) - 1);
    assert_int_equal(strspn(ri.host, "a"), ri.host_n);
    /* A long IPv6-looking literal. */
    n = (size_t)snprintf(buf, cap, "http://[");
    memset(buf + n, 'f', 5000);
    n += 5000;
    buf[n++] = ']';
    assert_int_equal(referrer_exact(r, buf, n, &ri), REF_OTHER);
    /* A long user info. */
    n = (size_t)snprintf(buf, cap, "http://");
    memset(buf + n, 'u', 5000);
    n += 5000;
    n += (size_t)snprintf(buf + n, cap - n, "@www.google.com/?q=x");
    assert_int_equal(referrer_exact(r, buf, n, &ri), REF_SEARCH);
    assert_string_equal(ri.host, "google.com");
    assert_string_equal(ri.term, "x");
    /* An overlong search, plain: cut at 255 bytes. */
    n = (size_t)snprintf(buf, cap, "https://www.google.com/search?q=");
    memset(buf + n, 'x', 5000);
    n += 5000;
    assert_int_equal(referrer_exact(r, buf, n, &ri), REF_SEARCH);
    assert_int_equal(ri.term_n, 255);
    /* Of two-byte characters: cut on a character boundary. */
    n = (size_t)snprintf(buf, cap, "https://www.google.com/search?q=");
    for (int i = 0; i < 1000; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%%C3%%A4");
    assert_int_equal(referrer_exact(r, buf, n, &ri), REF_SEARCH);
    assert_true(ri.term_n >= 250);
    for (size_t i = 0; i + 1 < ri.term_n; i += 2) {
        if (memcmp(ri.term + i, FFFD, 3) == 0) {
            assert_int_equal(i + 3, ri.term_n);
            break;
        }
        assert_memory_equal(ri.term + i, AE, 2);
    }
    /* Every byte invalid: a U+FFFD each, still bounded. */
    n = (size_t)snprintf(buf, cap, "https://www.google.com/search?q=");
    for (int i = 0; i < 1000; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%%FF");
    assert_int_equal(referrer_exact(r, buf, n, &ri), REF_SEARCH);
    assert_int_equal(ri.term_n, 255);
    free(buf);
    url_rules_free(r);
}

/* Random bytes after web-like prefixes: nothing read past the end (the
 * copies are exact), every result well-formed (referrer_exact checks). */
static void test_classify__referrer_random(void **state)
{
    static const char *const prefixes[] = {
        "", "http://", "https://www.", "https://www.google.com/search?q=",
        "android-app://", "http://[", "https://a@", "https://blog.example.eu",
        "HTTP://", "https://www.google.com",
    };
    static const char alphabet[] = "aZ09.-_:/?#@[]%+&=\0\x01\x7f\xC3\xA4\xFF";
    struct url_rules *r = site_rules();
    uint64_t x = 12345;
    char buf[600];

    (void)state;
    for (int i = 0; i < 50000; i++) {
        const char *p = prefixes[i % ARRAY_SIZE(prefixes)];
        size_t n = strlen(p), len;
        struct ref_info ri;

        memcpy(buf, p, n);
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        len = n + (size_t)(x >> 33) % 80;
        if (i % 100 == 0)
            len = n + 500;
        while (n < len) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            buf[n++] = alphabet[(x >> 33) % (sizeof(alphabet) - 1)];
        }
        referrer_exact(r, buf, n, &ri);
    }
    url_rules_free(r);
}

static void test_classify__site(void **state)
{
    static const char *const good[] = {
        "https://blog.example.eu", "http://blog.example.eu/",
        "HTTPS://Blog.Example.EU:8443/path/", "https://www.blog.example.eu",
        "https://blog.example.eu?x", "Http://blog.example.eu#x",
    };
    static const char *const bad[] = {
        "ftp://blog.example.eu", "blog.example.eu", "", "https://",
        "//blog.example.eu", "mailto:me@blog.example.eu", "https:///x",
        "android-app://com.example.blog", "https:blog.example.eu",
        "https://bl og.example.eu/", "file:///blog.example.eu",
        "httpx://blog.example.eu", "http://[::1/",
    };
    struct ref_info ri;

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
        struct url_rules *r = url_rules_new();
        struct bs_err err;

        memset(&err, 0, sizeof(err));
        if (url_rules_set_site(r, good[i], &err) != 0)
            fail_msg("'%s' refused: %s", good[i], err.msg);
        assert_int_equal(err.status, 0);
        /* www. or not, any scheme or port: the site's own links. */
        assert_int_equal(referrer_exact(r, "https://blog.example.eu/a/", 26,
                                        &ri), REF_INTERNAL);
        assert_int_equal(referrer_exact(r, "http://www.blog.example.eu:80/",
                                        30, &ri), REF_INTERNAL);
        assert_int_equal(referrer_exact(r, "https://example.eu/", 19, &ri),
                         REF_OTHER);
        url_rules_free(r);
    }
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        struct url_rules *r = site_rules();
        struct bs_err err;

        memset(&err, 0, sizeof(err));
        if (url_rules_set_site(r, bad[i], &err) != -1)
            fail_msg("'%s' accepted as a site url", bad[i]);
        assert_int_equal(err.status, BS_USAGE);
        assert_non_null(strstr(err.msg, bad[i]));
        assert_null(strchr(err.msg, '\n'));
        /* What was set before stays. */
        assert_int_equal(referrer_exact(r, "https://blog.example.eu/", 24,
                                        &ri), REF_INTERNAL);
        url_rules_free(r);
    }
    /* Without a site nothing is internal. */
    {
        struct url_rules *r = url_rules_new();

        assert_int_equal(referrer_exact(r, "https://blog.example.eu/", 24,
                                        &ri), REF_OTHER);
        assert_string_equal(ri.host, "blog.example.eu");
        url_rules_free(r);
    }
    /* A site on an IPv6 literal. */
    {
        struct url_rules *r = url_rules_new();
        struct bs_err err;

        memset(&err, 0, sizeof(err));
        assert_int_equal(url_rules_set_site(r, "http://[2001:db8::7]:8080/",
                                            &err), 0);
        assert_int_equal(referrer_exact(r, "http://[2001:DB8::7]/x", 22,
                                        &ri), REF_INTERNAL);
        url_rules_free(r);
    }
}

static void test_classify__ref_class_names(void **state)
{
    (void)state;
    assert_string_equal(ref_class_name(REF_NONE), "none");
    assert_string_equal(ref_class_name(REF_INTERNAL), "internal");
    assert_string_equal(ref_class_name(REF_SEARCH), "search");
    assert_string_equal(ref_class_name(REF_SOCIAL), "social");
    assert_string_equal(ref_class_name(REF_OTHER), "other");
    assert_string_equal(ref_class_name((enum ref_class)99), "other");
    assert_string_equal(ref_class_name((enum ref_class)-1), "other");
}

/* Target i of the cache's test: ten shapes, a long one among them. */
static void target_of(char *t, size_t n, unsigned i)
{
    unsigned d = i % 28 + 1;

    switch (i % 10) {
    case 0: snprintf(t, n, "/2013/02/%02u/post-%u/", d, i); break;
    case 1: snprintf(t, n, "/tag/t%u/page/2/", i); break;
    case 2: snprintf(t, n, "/posts/p%u/", i); break;
    case 3: snprintf(t, n, "/?p=%u&utm_source=x", i); break;
    case 4: snprintf(t, n, "/category/c%u/feed/", i); break;
    case 5: snprintf(t, n, "/wp-content/%u.png", i); break;
    case 6: snprintf(t, n, "/%u/", i); break;
    case 7: snprintf(t, n, "/tags/t%u/", i); break;
    case 8: snprintf(t, n, "/s%%C3%%A4k-%u/?replytocom=1#c", i); break;
    default: snprintf(t, n, "/2013/02/01/%0150u/", i); break;
    }
}

/* The cache gives what classify_url() gives, for each rules apart: many
 * targets (more than its slots, so that they evict each other), each
 * asked three times, under WordPress's rules and Hugo's, long ones and
 * keys too long to keep among them. */
static void test_classify__cached_is_classify(void **state)
{
    struct url_rules *wp = url_rules_new(), *hugo = url_rules_new();
    struct url_cache *c = url_cache_new();
    struct bs_err err = {0};
    struct url_class a, b;
    char t[256];
    int hits = 0;

    (void)state;
    assert_int_equal(url_rules_preset(hugo, "hugo", &err), 0);
    for (int round = 0; round < 3; round++)
        for (unsigned i = 0; i < 6000; i++) {
            const struct url_rules *r = i % 2 ? hugo : wp;
            enum url_kind k1, k2;

            target_of(t, sizeof(t), i);
            /* Asked, asked again (kept), then under the other rules
             * (the same slot, another answer to give). */
            for (int again = 0; again < 3; again++) {
                if (again == 2)
                    r = r == wp ? hugo : wp;
                k1 = classify_url(r, t, strlen(t), &a);
                k2 = classify_url_cached(c, r, t, strlen(t), &b);
                assert_int_equal(k1, k2);
                assert_int_equal(a.kind, b.kind);
                assert_int_equal(a.key_len, b.key_len);
                assert_memory_equal(a.key, b.key, a.key_len + 1);
            }
            hits += k1 == URL_POST;
        }
    assert_true(hits > 1000);
    url_cache_free(c);
    url_rules_free(wp);
    url_rules_free(hugo);
}

/* The i-th of many referrers: the site's own pages, search engines with
 * and without terms, social and app referrers, junk, and long ones. */
static void referrer_of(char *t, size_t n, unsigned i)
{
    switch (i % 8) {
    case 0: snprintf(t, n, "%s/%u/", SITE, i); break;
    case 1: snprintf(t, n, "https://www.google.%s/", i % 16 ? "se" : "com"); break;
    case 2: snprintf(t, n, "https://www.bing.com/search?q=term+%u&x=1#f", i); break;
    case 3: snprintf(t, n, "https://l.facebook.com/l.php?u=%u", i); break;
    case 4: snprintf(t, n, "android-app://com.google.android.gm/%u", i % 3); break;
    case 5: snprintf(t, n, "ftp://host%u/", i); break;
    case 6: snprintf(t, n, "https://User:pw@Blog%u.Example.ORG:8080/p?q=%u", i, i); break;
    default: snprintf(t, n, "https://example.net/%0150u/", i); break;
    }
}

/* The referrer cache gives what classify_referrer() gives, for each
 * rules apart (the site's own pages are internal under one, other under
 * the other): more referrers than slots, each asked three times. */
static void test_classify__referrer_cached(void **state)
{
    struct url_rules *site = site_rules(), *none = url_rules_new();
    struct url_cache *c = url_cache_new();
    struct ref_info a, b;
    char t[256];
    int internal = 0, terms = 0;

    (void)state;
    for (int round = 0; round < 3; round++)
        for (unsigned i = 0; i < 6000; i++) {
            const struct url_rules *r = i % 2 ? none : site;

            referrer_of(t, sizeof(t), i);
            for (int again = 0; again < 3; again++) {
                enum ref_class k1, k2;

                if (again == 2)
                    r = r == site ? none : site;
                memset(&b, 0x55, sizeof(b));
                k1 = classify_referrer(r, t, strlen(t), &a);
                k2 = classify_referrer_cached(c, r, t, strlen(t), &b);
                assert_int_equal(k1, k2);
                assert_int_equal(a.cls, b.cls);
                assert_int_equal(a.host_n, b.host_n);
                assert_memory_equal(a.host, b.host, a.host_n + 1);
                assert_int_equal(a.term_n, b.term_n);
                assert_memory_equal(a.term, b.term, a.term_n + 1);
                internal += k1 == REF_INTERNAL;
                terms += a.term_n > 0;
            }
        }
    assert_true(internal > 1000);
    assert_true(terms > 1000);
    url_cache_free(c);
    url_rules_free(site);
    url_rules_free(none);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify__post_spellings),
        cmocka_unit_test(test_classify__feeds),
        cmocka_unit_test(test_classify__campaigns),
        cmocka_unit_test(test_classify__admin),
        cmocka_unit_test(test_classify__assets),
        cmocka_unit_test(test_classify__asset_directories),
        cmocka_unit_test(test_classify__ignored),
        cmocka_unit_test(test_classify__home_search_postid),
        cmocka_unit_test(test_classify__tags_categories_archives),
        cmocka_unit_test(test_classify__pages_and_other),
        cmocka_unit_test(test_classify__decode_table),
        cmocka_unit_test(test_classify__decode_cap),
        cmocka_unit_test(test_classify__decode_through_classify),
        cmocka_unit_test(test_classify__decode_c1_controls),
        cmocka_unit_test(test_classify__long_urls),
        cmocka_unit_test(test_classify__hugo),
        cmocka_unit_test(test_classify__handmade),
        cmocka_unit_test(test_classify__feeds_of_every_engine),
        cmocka_unit_test(test_classify__preset_wordpress),
        cmocka_unit_test(test_classify__preset_hugo),
        cmocka_unit_test(test_classify__preset_jekyll),
        cmocka_unit_test(test_classify__preset_ghost),
        cmocka_unit_test(test_classify__preset_eleventy),
        cmocka_unit_test(test_classify__preset_overrides),
        cmocka_unit_test(test_classify__categories_tag),
        cmocka_unit_test(test_classify__post_id_patterns),
        cmocka_unit_test(test_classify__bad_patterns),
        cmocka_unit_test(test_classify__ignore_globs),
        cmocka_unit_test(test_classify__kind_names),
        cmocka_unit_test(test_classify__pathological_pattern),
        cmocka_unit_test(test_classify__referrer_none_internal),
        cmocka_unit_test(test_classify__referrer_search),
        cmocka_unit_test(test_classify__referrer_social_other),
        cmocka_unit_test(test_classify__referrer_control_bytes),
        cmocka_unit_test(test_classify__referrer_long),
        cmocka_unit_test(test_classify__referrer_random),
        cmocka_unit_test(test_classify__site),
        cmocka_unit_test(test_classify__ref_class_names),
        cmocka_unit_test(test_classify__referrer_table),
        cmocka_unit_test(test_classify__cached_is_classify),
        cmocka_unit_test(test_classify__referrer_cached),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
