/*
 * test_import.c - import.h: WordPress exports (the real sample and small
 * hand-written ones), RSS 2.0 and Atom feeds, CSV files, hostile and
 * malformed input, the callback stopping an import, dates, slugs.
 *
 * Every post the callback sees is copied into R (one per test, freed by
 * the per-test teardown, so a failing assertion leaks nothing) and every
 * field compared. Files are written into one temporary directory made by
 * the group setup and removed by the group teardown.
 */
#include "testutil.h"
#include "import.h"


#define SAMPLE_WXR "sample-logs/wordpress-export.xml"

/* ---- collecting the posts ------------------------------------------------ */

struct cpost {
    char *link, *title, *type;      /* type: NULL as given */
    int32_t published;
    int64_t post_id;
    char **tags, **cats;
    char **tag_titles, **cat_titles;  /* "" where none was given */
    size_t ntags, ncats;
    int has_tags, has_categories;
};

struct run {
    struct cpost *v;
    size_t n, cap;
    size_t calls;           /* callback calls */
    size_t fail_on;         /* 1-based call that returns -1; 0: never */
    int rc;
    struct bs_err err;
    struct import_stats st;
    char *path;             /* the file last written / imported */
};

static struct run R;
static char *g_dir;
static void *g_scratch[4];

static void *scratch(void *p)
{
    for (size_t i = 0; i < ARRAY_SIZE(g_scratch); i++)
        if (!g_scratch[i]) {
            g_scratch[i] = p;
            return p;
        }
    fail_msg("too many scratch buffers");
    return NULL;
}

static int valid_utf8(const char *s)
{
    size_t n = strlen(s);

    for (size_t i = 0; i < n;) {
        size_t l = utf8_seq_len((const unsigned char *)s + i, n - i);

        if (l == 0)
            return 0;
        i += l;
    }
    return 1;
}

static char **copy_terms(const char *const *t, size_t n)
{
    char **v = xcalloc(n + 1, sizeof(*v));

    for (size_t i = 0; i < n; i++)
        v[i] = xstrdup(t && t[i] ? t[i] : "");
    return v;
}

static void free_terms(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static int collect(void *ctx, const struct import_post *p, struct bs_err *err)
{
    struct run *r = ctx;
    struct cpost *c;

    r->calls++;
    if (r->fail_on && r->calls == r->fail_on)
        return bs_fail(err, BS_IOERR, "callback: disk full");
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->v = xrealloc(r->v, r->cap * sizeof(*r->v));
    }
    c = &r->v[r->n++];
    memset(c, 0, sizeof(*c));
    c->link = xstrdup(p->link ? p->link : "(null)");
    c->title = xstrdup(p->title ? p->title : "(null)");
    c->type = p->type ? xstrdup(p->type) : NULL;
    c->published = p->published;
    c->post_id = p->post_id;
    c->tags = copy_terms(p->tags, p->ntags);
    c->ntags = p->ntags;
    c->cats = copy_terms(p->categories, p->ncategories);
    c->ncats = p->ncategories;
    c->tag_titles = copy_terms(p->tag_titles, p->ntags);
    c->cat_titles = copy_terms(p->category_titles, p->ncategories);
    c->has_tags = p->has_tags;
    c->has_categories = p->has_categories;
    return 0;
}

static void run_free(struct run *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].link);
        free(r->v[i].title);
        free(r->v[i].type);
        free_terms(r->v[i].tags, r->v[i].ntags);
        free_terms(r->v[i].cats, r->v[i].ncats);
        free_terms(r->v[i].tag_titles, r->v[i].ntags);
        free_terms(r->v[i].cat_titles, r->v[i].ncats);
    }
    free(r->v);
    free(r->path);
    memset(r, 0, sizeof(*r));
}

/* Import path into R (keeping R.fail_on). */
static void run_file(const char *path)
{
    R.calls = 0;
    memset(&R.err, 0, sizeof(R.err));
    memset(&R.st, 0xAB, sizeof(R.st));      /* import_file must reset it */
    if (path != R.path) {
        free(R.path);
        R.path = xstrdup(path);
    }
    R.rc = import_file(R.path, collect, &R, &R.st, &R.err);
}

/* Write n bytes to g_dir/name and remember the path in R.path. */
static void put(const char *name, const void *data, size_t n)
{
    char *p = tu_write(g_dir, name, data, n);

    free(R.path);
    R.path = p;
}

static void run_bytes(const char *name, const void *data, size_t n)
{
    put(name, data, n);
    run_file(R.path);
}

static void run_text(const char *name, const char *text)
{
    run_bytes(name, text, strlen(text));
}

/* ---- expectations -------------------------------------------------------- */

static void expect_ok(enum import_format f, uint64_t posts, uint64_t skipped)
{
    if (R.rc != 0)
        fail_msg("import_file(%s) returned %d: status %d: %s", R.path, R.rc,
                 R.err.status, R.err.msg);
    assert_int_equal(R.err.status, 0);
    assert_int_equal(R.st.format, f);
    assert_int_equal(R.st.posts, posts);
    assert_int_equal(R.st.skipped, skipped);
    assert_int_equal(R.n, posts);
    assert_int_equal(R.calls, posts);
}

static void join_terms(char *const *v, size_t n, char *out, size_t cap)
{
    size_t o = 0;

    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(out + o, o < cap ? cap - o : 0, "%s%s",
                              i ? "," : "", v[i]);
    assert_true(o < cap);
}

static void day_text(int32_t day, char buf[11])
{
    if (day == IMPORT_NO_DAY)
        strcpy(buf, "none");
    else
        day_format(day, buf);
}

/*
 * Post i is exactly this. day "YYYY-MM-DD" or NULL (IMPORT_NO_DAY); type
 * NULL for none; tags and cats comma-joined in order, "" for none.
 */
static void expect_post(size_t i, const char *link, const char *title,
                        const char *day, int64_t post_id, const char *type,
                        const char *tags, const char *cats, int has_tags,
                        int has_categories)
{
    const struct cpost *p;
    char got[11], buf[8192];

    if (i >= R.n)
        fail_msg("post %zu expected, only %zu passed", i, R.n);
    p = &R.v[i];
    assert_string_equal(p->link, link);
    assert_string_equal(p->title, title);
    assert_true(valid_utf8(p->title));
    day_text(p->published, got);
    assert_string_equal(got, day ? day : "none");
    assert_int_equal(p->post_id, post_id);
    if (type) {
        assert_non_null(p->type);
        assert_string_equal(p->type, type);
    } else {
        assert_null(p->type);
    }
    join_terms(p->tags, p->ntags, buf, sizeof(buf));
    assert_string_equal(buf, tags);
    join_terms(p->cats, p->ncats, buf, sizeof(buf));
    assert_string_equal(buf, cats);
    assert_int_equal(p->has_tags, has_tags);
    assert_int_equal(p->has_categories, has_categories);
}

/* The names post i's tags and categories were given, comma-joined in
 * their order. */
static void expect_titles(size_t i, const char *tags, const char *cats)
{
    char buf[8192];

    if (i >= R.n)
        fail_msg("post %zu expected, only %zu passed", i, R.n);
    join_terms(R.v[i].tag_titles, R.v[i].ntags, buf, sizeof(buf));
    assert_string_equal(buf, tags);
    join_terms(R.v[i].cat_titles, R.v[i].ncats, buf, sizeof(buf));
    assert_string_equal(buf, cats);
}

static void expect_msg_has(const char *needle)
{
    if (!strstr(R.err.msg, needle))
        fail_msg("message \"%s\" lacks \"%s\"", R.err.msg, needle);
}

/* Failed with status; the message names the file and contains needle. */
static void expect_err(int status, const char *needle)
{
    if (R.rc != -1)
        fail_msg("import_file(%s) returned %d, -1 expected (%zu posts)",
                 R.path, R.rc, R.n);
    assert_int_equal(R.err.status, status);
    expect_msg_has(R.path);
    if (needle)
        expect_msg_has(needle);
    assert_null(strchr(R.err.msg, '\n'));
}

/* A malformed XML file: "PATH:LINE:COL: ..." with this line. */
static void expect_xml_err(unsigned long line, const char *needle)
{
    char prefix[4200];
    const char *s;
    size_t n;

    expect_err(BS_DATAERR, needle);
    n = (size_t)snprintf(prefix, sizeof(prefix), "%s:%lu:", R.path, line);
    if (strncmp(R.err.msg, prefix, n) != 0)
        fail_msg("message \"%s\" does not start with \"%s\"", R.err.msg,
                 prefix);
    s = R.err.msg + n;
    assert_true(*s >= '1' && *s <= '9');
    while (*s >= '0' && *s <= '9')
        s++;
    assert_int_equal(*s, ':');
}

static int32_t ymd(int y, unsigned m, unsigned d)
{
    return days_from_civil(y, m, d);
}

/* ---- fixtures ------------------------------------------------------------ */

static int group_setup(void **state)
{
    (void)state;
    g_dir = tu_tmpdir();
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    tu_rmrf(g_dir);
    free(g_dir);
    g_dir = NULL;
    return 0;
}

static int test_teardown(void **state)
{
    (void)state;
    run_free(&R);
    for (size_t i = 0; i < ARRAY_SIZE(g_scratch); i++) {
        free(g_scratch[i]);
        g_scratch[i] = NULL;
    }
    return 0;
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long len;

    if (!f)
        fail_msg("%s: cannot open (run the test from the repository root)",
                 path);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    len = ftell(f);
    assert_true(len > 0);
    rewind(f);
    buf = xmalloc((size_t)len + 1);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    buf[len] = '\0';
    fclose(f);
    *n = (size_t)len;
    return buf;
}

/* ---- WXR: the real sample export ------------------------------------------ */

/*
 * Count the published posts and pages of a WXR text by a plain scan: an
 * <item> whose <wp:status> is publish and whose <wp:post_type> is post or
 * page. (By hand: grep finds 48 "<item>", 46 publish statuses of which one
 * is the nav_menu_item "Hem"; 41 post + 5 page types of which one post is
 * the draft: 45 published, 3 skipped.)
 */
static void scan_wxr(const char *text, size_t *published, size_t *items)
{
    const char *p = text;

    *published = *items = 0;
    while ((p = strstr(p, "<item>")) != NULL) {
        const char *end = strstr(p, "</item>");
        char *item;

        assert_non_null(end);
        item = xmemdup(p, (size_t)(end - p));
        ++*items;
        if (strstr(item, "<wp:status><![CDATA[publish]]></wp:status>") &&
            (strstr(item, "<wp:post_type><![CDATA[post]]></wp:post_type>") ||
             strstr(item, "<wp:post_type><![CDATA[page]]></wp:post_type>")))
            ++*published;
        free(item);
        p = end;
    }
}

static size_t find_id(int64_t id)
{
    for (size_t i = 0; i < R.n; i++)
        if (R.v[i].post_id == id)
            return i;
    fail_msg("post %lld was not passed", (long long)id);
    return 0;
}

static void test_import__wxr_sample(void **state)
{
    size_t n, published, items;
    char *text = scratch(slurp(SAMPLE_WXR, &n));

    (void)state;
    scan_wxr(text, &published, &items);
    assert_int_equal(published, 45);
    assert_int_equal(items, 48);

    run_file(SAMPLE_WXR);
    expect_ok(IMPORT_WXR, published, items - published);

    for (size_t i = 0; i < R.n; i++) {
        const struct cpost *p = &R.v[i];

        assert_non_null(p->type);
        assert_true(strcmp(p->type, "post") == 0 ||
                    strcmp(p->type, "page") == 0);
        assert_true(strncmp(p->link, "https://blog.example.eu/", 24) == 0);
        assert_true(p->title[0] != '\0');
        assert_true(valid_utf8(p->title));
        assert_true(p->published != IMPORT_NO_DAY);
        assert_true(p->post_id > 0);
        assert_int_equal(p->has_tags, 1);
        assert_int_equal(p->has_categories, 1);
        /* No draft, attachment or menu item got through. */
        assert_true(p->post_id != 437 && p->post_id != 439 &&
                    p->post_id != 441);
        for (size_t j = 0; j < i; j++)
            assert_true(R.v[j].post_id != p->post_id);
    }

    /* A post with a comment (wp:comment_* children) after its terms. */
    expect_post(find_id(152),
                "https://blog.example.eu/2012/02/10/"
                "handel-tillvaxt-varfor-frihandel-gynnar-sverige/",
                "Handel & tillväxt: varför frihandel gynnar Sverige",
                "2012-02-10", 152, "post",
                "cybercrime,eu,kina,s%c3%a4kerhet", "eu", 1, 1);
    /* å, ä and ö in the title, a percent-encoded link, a comment. */
    expect_post(find_id(320),
                "https://blog.example.eu/2012/12/02/"
                "integritet-%c3%b6vervakning-var-g%c3%a5r-gr%c3%a4nsen/",
                "Integritet & övervakning \xE2\x80\x93 var går gränsen?",
                "2012-12-02", 320, "post", "integritet", "resor", 1, 1);
    /* Several percent-encoded tags. */
    expect_post(find_id(331),
                "https://blog.example.eu/2012/12/30/"
                "sexuella-%c3%b6vergrepp-mot-barn-p%c3%a5-internet/",
                "Sexuella övergrepp mot barn på internet", "2012-12-30",
                331, "post",
                "j%c3%a4mst%c3%a4lldhet,m%c3%a4nniskohandel,%c3%b6ppenhet",
                "politik", 1, 1);
    /* The first item: a page without terms. */
    expect_post(0, "https://blog.example.eu/om-mig/", "Om mig", "2010-06-03",
                2, "page", "", "", 1, 1);
}

/* ---- WXR: hand-written ----------------------------------------------------- */

static const char WXR_HEAD[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n"
    "<rss version=\"2.0\"\n"
    "  xmlns:excerpt=\"http://wordpress.org/export/1.2/excerpt/\"\n"
    "  xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"\n"
    "  xmlns:wp=\"http://wordpress.org/export/1.2/\">\n"
    "<channel>\n"
    "  <title>Channel title</title>\n"
    "  <link>https://ex.com/</link>\n"
    "  <wp:wxr_version>1.2</wp:wxr_version>\n";

static void test_import__wxr_small(void **state)
{
    char text[8192];

    (void)state;
    snprintf(text, sizeof(text), "%s%s", WXR_HEAD,
        /* CDATA title, blanks around link and title, a comment first. */
        "<item>\n"
        "  <wp:comment>\n"
        "    <wp:comment_id>7</wp:comment_id>\n"
        "    <wp:comment_author><![CDATA[Eve]]></wp:comment_author>\n"
        "    <wp:comment_date><![CDATA[2001-01-01 00:00:00]]>"
        "</wp:comment_date>\n"
        "    <wp:comment_content><![CDATA[<title>x</title>]]>"
        "</wp:comment_content>\n"
        "    <wp:comment_approved><![CDATA[1]]></wp:comment_approved>\n"
        "    <wp:comment_type><![CDATA[comment]]></wp:comment_type>\n"
        "    <wp:commentmeta><wp:meta_key>k</wp:meta_key></wp:commentmeta>\n"
        "  </wp:comment>\n"
        "  <title> \t<![CDATA[CDATA & <b>bold</b> \"title\"]]>  </title>\n"
        "  <link>  https://ex.com/2013/02/07/cdata/ \t</link>\n"
        "  <pubDate>Fri, 08 Feb 2013 00:30:00 +0000</pubDate>\n"
        "  <content:encoded><![CDATA[<p>body</p>]]></content:encoded>\n"
        "  <excerpt:encoded><![CDATA[]]></excerpt:encoded>\n"
        "  <wp:post_id>10</wp:post_id>\n"
        "  <wp:post_date><![CDATA[2013-02-07 19:30:00]]></wp:post_date>\n"
        "  <wp:post_date_gmt><![CDATA[2013-02-08 00:30:00]]>"
        "</wp:post_date_gmt>\n"
        "  <wp:status><![CDATA[publish]]></wp:status>\n"
        "  <wp:post_type><![CDATA[post]]></wp:post_type>\n"
        "  <category domain=\"category\" nicename=\"eu\"><![CDATA[EU]]>"
        "</category>\n"
        "  <category domain=\"post_tag\" nicename=\"s%c3%a4kerhet\">"
        "<![CDATA[Säkerhet]]></category>\n"
        "  <category domain=\"post_tag\"><![CDATA[Cyber Crime]]></category>\n"
        "  <category domain=\"post_format\" nicename=\"post-format-aside\">"
        "<![CDATA[Aside]]></category>\n"
        "  <category domain=\"category\" nicename=\"inrikes-fr%c3%a5gor\">"
        "<![CDATA[Inrikes frågor]]></category>\n"
        "</item>\n"
        /* Entities; a page; no wp:post_date: the pubDate. */
        "<item>\n"
        "  <title> a &amp; b &lt; c &#246; &#x00E4; &quot;d&quot; </title>\n"
        "  <link>https://ex.com/about/</link>\n"
        "  <pubDate>Sun, 10 Mar 2013 08:00:00 +0000</pubDate>\n"
        "  <wp:post_id>11</wp:post_id>\n"
        "  <wp:status>publish</wp:status>\n"
        "  <wp:post_type>page</wp:post_type>\n"
        "</item>\n"
        /* A title split across CDATA sections. */
        "<item>\n"
        "  <title><![CDATA[a]]]]><![CDATA[>b]]></title>\n"
        "  <link>https://ex.com/split/</link>\n"
        "  <wp:post_id>12</wp:post_id>\n"
        "  <wp:post_date>2013-02-09 00:00:01</wp:post_date>\n"
        "  <wp:status><![CDATA[publish]]></wp:status>\n"
        "  <wp:post_type><![CDATA[post]]></wp:post_type>\n"
        "</item>\n"
        /* Skipped: draft, private, attachment, nav_menu_item. */
        "<item><title>Draft</title><link>https://ex.com/?p=13</link>\n"
        "  <wp:post_id>13</wp:post_id>\n"
        "  <wp:status><![CDATA[draft]]></wp:status>\n"
        "  <wp:post_type><![CDATA[post]]></wp:post_type></item>\n"
        "<item><title>Private</title><link>https://ex.com/private/</link>\n"
        "  <wp:post_id>14</wp:post_id>\n"
        "  <wp:status><![CDATA[private]]></wp:status>\n"
        "  <wp:post_type><![CDATA[post]]></wp:post_type></item>\n"
        "<item><title>photo</title><link>https://ex.com/photo/</link>\n"
        "  <wp:post_id>15</wp:post_id>\n"
        "  <wp:status><![CDATA[inherit]]></wp:status>\n"
        "  <wp:post_type><![CDATA[attachment]]></wp:post_type></item>\n"
        "<item><title>Hem</title><link>https://ex.com/?p=16</link>\n"
        "  <wp:post_id>16</wp:post_id>\n"
        "  <wp:status><![CDATA[publish]]></wp:status>\n"
        "  <wp:post_type><![CDATA[nav_menu_item]]></wp:post_type></item>\n"
        "</channel>\n</rss>\n");
    run_text("small.xml", text);
    expect_ok(IMPORT_WXR, 3, 4);
    /* wp:post_date (local) wins over the pubDate (GMT, the next day). */
    expect_post(0, "https://ex.com/2013/02/07/cdata/",
                "CDATA & <b>bold</b> \"title\"", "2013-02-07", 10, "post",
                "s%c3%a4kerhet,cyber-crime", "eu,inrikes-fr%c3%a5gor", 1, 1);
    /* Each term's name as the export writes it, beside its slug. */
    expect_titles(0, "Säkerhet,Cyber Crime", "EU,Inrikes frågor");
    expect_post(1, "https://ex.com/about/",
                "a & b < c \xC3\xB6 \xC3\xA4 \"d\"", "2013-03-10", 11, "page",
                "", "", 1, 1);
    expect_post(2, "https://ex.com/split/", "a]]>b", "2013-02-09", 12,
                "post", "", "", 1, 1);
}

/*
 * Pretty-printed files put the text of <link> and <title> on a line of
 * its own: the newlines and indentation around it are blanks, trimmed
 * like spaces.
 */
static void test_import__xml_trim_newlines(void **state)
{
    (void)state;
    run_text("pretty-wxr.xml",
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<rss version=\"2.0\" "
             "xmlns:wp=\"http://wordpress.org/export/1.2/\">\n"
             "<channel>\n"
             "<item>\n"
             "  <title>\n    Pretty title\n  </title>\n"
             "  <link>\n    https://ex.com/2013/02/07/pretty/\n  </link>\n"
             "  <wp:post_id>\n    20\n  </wp:post_id>\n"
             "  <wp:post_date>\n    2013-02-07 10:00:00\n  </wp:post_date>\n"
             "  <wp:status>publish</wp:status>\n"
             "  <wp:post_type>post</wp:post_type>\n"
             "  <category domain=\"post_tag\">\n    Cyber Crime\n"
             "  </category>\n"
             "</item>\n"
             "</channel>\n</rss>\n");
    expect_ok(IMPORT_WXR, 1, 0);
    expect_post(0, "https://ex.com/2013/02/07/pretty/", "Pretty title",
                "2013-02-07", 20, "post", "cyber-crime", "", 1, 1);
    run_free(&R);

    run_text("pretty.rss",
             "<rss version=\"2.0\"><channel>\r\n"
             "<item>\r\n"
             "  <title>\r\n    Pretty RSS\r\n  </title>\r\n"
             "  <link>\r\n    https://ex.com/pretty-rss/\r\n  </link>\r\n"
             "  <pubDate>\r\n    Thu, 07 Feb 2013 10:00:00 +0100\r\n"
             "  </pubDate>\r\n"
             "</item>\r\n"
             "</channel></rss>\r\n");
    expect_ok(IMPORT_RSS, 1, 0);
    expect_post(0, "https://ex.com/pretty-rss/", "Pretty RSS", "2013-02-07",
                0, NULL, "", "", 1, 0);
}

/* The wp namespace by its URI: other versions, other prefixes. */
static void test_import__wxr_namespaces(void **state)
{
    static const char *const heads[] = {
        "<rss version=\"2.0\" xmlns:wp=\"http://wordpress.org/export/1.0/\">",
        "<rss version=\"2.0\" "
        "xmlns:wordpress=\"http://wordpress.org/export/1.1/\">",
        "<rss version=\"2.0\" xmlns:w=\"http://wordpress.org/export/1.2/\">",
    };
    static const char *const prefixes[] = { "wp", "wordpress", "w" };
    char text[4096], name[32];

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(heads); i++) {
        const char *p = prefixes[i];

        snprintf(text, sizeof(text),
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n%s\n<channel>\n"
                 "<item><title>Ns %zu</title>"
                 "<link>https://ex.com/ns/%zu/</link>\n"
                 "<%s:post_id>%zu</%s:post_id>"
                 "<%s:post_date>2013-02-07 10:00:00</%s:post_date>\n"
                 "<%s:status>publish</%s:status>"
                 "<%s:post_type>post</%s:post_type>\n"
                 "<category domain=\"post_tag\" nicename=\"t%zu\">T</category>"
                 "</item>\n"
                 "<item><title>Draft</title><link>https://ex.com/d/</link>\n"
                 "<%s:status>draft</%s:status>"
                 "<%s:post_type>post</%s:post_type></item>\n"
                 "</channel></rss>\n",
                 heads[i], i, i, p, i + 100, p, p, p, p, p, p, p, i, p, p, p,
                 p);
        snprintf(name, sizeof(name), "ns%zu.xml", i);
        run_text(name, text);
        expect_ok(IMPORT_WXR, 1, 1);
        snprintf(name, sizeof(name), "Ns %zu", i);
        snprintf(text, sizeof(text), "https://ex.com/ns/%zu/", i);
        {
            char tag[8];

            snprintf(tag, sizeof(tag), "t%zu", i);
            expect_post(0, text, name, "2013-02-07", (int64_t)(i + 100),
                        "post", tag, "", 1, 1);
        }
        run_free(&R);
    }

    /* The prefix "wp:" bound to another URI is not WordPress: a plain
     * RSS feed whose items all pass, with no type. */
    run_text("notwp.xml",
             "<?xml version=\"1.0\"?>\n"
             "<rss version=\"2.0\" xmlns:wp=\"http://example.com/not-wp/\">"
             "<channel>\n"
             "<item><title>A</title><link>https://ex.com/a/</link>"
             "<wp:status>draft</wp:status><wp:post_type>attachment"
             "</wp:post_type><wp:post_id>5</wp:post_id></item>\n"
             "</channel></rss>\n");
    expect_ok(IMPORT_RSS, 1, 0);
    expect_post(0, "https://ex.com/a/", "A", NULL, 0, NULL, "", "", 1, 0);
}

/* ---- RSS and Atom -------------------------------------------------------------- */

static void test_import__rss(void **state)
{
    (void)state;
    run_text("feed.rss",
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<rss version=\"2.0\" "
             "xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
             "<channel>\n"
             "  <title>Krebs</title>\n"
             "  <link>https://ex.com/</link>\n"
             "  <pubDate>Fri, 15 Feb 2013 07:00:00 +0000</pubDate>\n"
             "  <category>Channel category</category>\n"
             "  <item>\n"
             "    <title>Plain &amp; simple</title>\n"
             "    <link>https://ex.com/2013/02/plain/</link>\n"
             "    <dc:creator>Brian</dc:creator>\n"
             "    <pubDate>Thu, 07 Feb 2013 23:30:00 -0800</pubDate>\n"
             "    <category>Cyber Crime</category>\n"
             "    <category><![CDATA[Säkerhet]]></category>\n"
             "    <category>  EU  </category>\n"
             "    <category>cyber crime</category>\n"
             "    <guid isPermaLink=\"false\">https://ex.com/?p=1</guid>\n"
             "    <description><![CDATA[<p>x</p>]]></description>\n"
             "  </item>\n"
             "  <item>\n"
             "    <title>No date</title>\n"
             "    <link> https://ex.com/2013/02/nodate/ </link>\n"
             "  </item>\n"
             "  <item>\n"
             "    <title>No link: skipped</title>\n"
             "    <pubDate>Thu, 07 Feb 2013 23:30:00 -0800</pubDate>\n"
             "  </item>\n"
             "</channel>\n"
             "</rss>\n");
    expect_ok(IMPORT_RSS, 2, 1);
    /* 23:30 at -0800 is the 8th in UTC: the local day is the 7th. */
    expect_post(0, "https://ex.com/2013/02/plain/", "Plain & simple",
                "2013-02-07", 0, NULL, "cyber-crime,säkerhet,eu", "", 1, 0);
    expect_titles(0, "Cyber Crime,Säkerhet,EU", "");
    expect_post(1, "https://ex.com/2013/02/nodate/", "No date", NULL, 0,
                NULL, "", "", 1, 0);
}

static void test_import__atom(void **state)
{
    (void)state;
    run_text("feed.atom",
             "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
             "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
             "  <title>Blog</title>\n"
             "  <link href=\"https://ex.com/\"/>\n"
             "  <updated>2013-03-01T10:00:00Z</updated>\n"
             "  <entry>\n"
             "    <title type=\"text\">Atom &amp; \xC3\xA5</title>\n"
             "    <link rel=\"edit\" href=\"https://ex.com/edit/1\"/>\n"
             "    <link rel=\"alternate\" type=\"text/html\" "
             "href=\"https://ex.com/2013/02/07/atom/\"/>\n"
             "    <id>tag:ex.com,2013:1</id>\n"
             "    <updated>2013-03-01T10:00:00Z</updated>\n"
             "    <published>2013-02-07T10:00:00+01:00</published>\n"
             "    <author><name>Anna</name></author>\n"
             "    <source><title>Other</title>"
             "<link href=\"https://other.example/\"/>"
             "<updated>2000-01-01T00:00:00Z</updated></source>\n"
             "    <category term=\"Cyber Crime\" label=\"Cyber crime\"/>\n"
             "    <category term=\"EU\"/>\n"
             "    <category scheme=\"x\"/>\n"
             "    <content type=\"html\">&lt;p&gt;x&lt;/p&gt;</content>\n"
             "  </entry>\n"
             "  <entry>\n"
             "    <title>Only updated</title>\n"
             "    <link href=\"https://ex.com/b/\"/>\n"
             "    <link rel=\"edit\" href=\"https://ex.com/edit/2\"/>\n"
             "    <link rel=\"replies\" href=\"https://ex.com/b/#c\"/>\n"
             "    <updated>2013-02-08T00:30:00-05:00</updated>\n"
             "  </entry>\n"
             "  <entry>\n"
             "    <title>Published first</title>\n"
             "    <link rel=\"alternate\" href=\"https://ex.com/c/\"/>\n"
             "    <published>2013-01-01T23:00:00-01:00</published>\n"
             "    <updated>2013-05-05T00:00:00Z</updated>\n"
             "    <category term=\"Säkerhet\"/>\n"
             "  </entry>\n"
             "</feed>\n");
    expect_ok(IMPORT_ATOM, 3, 0);
    expect_post(0, "https://ex.com/2013/02/07/atom/",
                "Atom & \xC3\xA5", "2013-02-07", 0, NULL,
                "cyber-crime,eu", "", 1, 0);
    /* Atom's label, else its term. */
    expect_titles(0, "Cyber crime,EU", "");
    expect_post(1, "https://ex.com/b/", "Only updated", "2013-02-08", 0, NULL,
                "", "", 1, 0);
    expect_post(2, "https://ex.com/c/", "Published first", "2013-01-01", 0,
                NULL, "säkerhet", "", 1, 0);
}

/* ---- CSV ---------------------------------------------------------------------- */

static void test_import__csv(void **state)
{
    static const char csv[] =
        "title, author ,published,path,tags,categories\r\n"
        "\"Hello, \"\"world\"\"\",Anna,2013-02-07,/2013/02/07/hello/,"
        " EU | Cyber Crime |Säkerhet ||eu,Politik|Inrikes frågor\r\n"
        "\r\n"
        "\"Two\nlines\",Bo,2013-02-08 10:00:00,\"/two/\",,\r\n"
        "Bad \xFF\xFE title,Cy,,/bad/,x,\r\n"
        "No date,Dee,yesterday,/nodate/,\"a,b|c\",Resor\r\n";

    (void)state;
    run_bytes("posts.csv", csv, sizeof(csv) - 1);
    expect_ok(IMPORT_CSV, 4, 0);
    expect_post(0, "/2013/02/07/hello/", "Hello, \"world\"", "2013-02-07", 0,
                NULL, "eu,cyber-crime,säkerhet", "politik,inrikes-frågor", 1,
                1);
    expect_titles(0, "EU,Cyber Crime,Säkerhet", "Politik,Inrikes frågor");
    /* A newline inside a quoted field is whitespace: one space. */
    expect_post(1, "/two/", "Two lines", "2013-02-08", 0, NULL,
                "", "", 1, 1);
    expect_post(2, "/bad/", "Bad \xEF\xBF\xBD\xEF\xBF\xBD title", NULL, 0,
                NULL, "x", "", 1, 1);
    expect_post(3, "/nodate/", "No date", NULL, 0, NULL, "a-b,c", "resor", 1,
                1);
}

static void test_import__csv_columns(void **state)
{
    (void)state;
    /* The documented header, LF line ends, no newline at the end. */
    run_text("plain.csv",
             "path,title,published,tags\n"
             "/a/,A,2013-02-07,foo|Bar Baz\n"
             "/b/,B,2013-02-08,");
    expect_ok(IMPORT_CSV, 2, 0);
    expect_post(0, "/a/", "A", "2013-02-07", 0, NULL, "foo,bar-baz", "", 1, 0);
    expect_post(1, "/b/", "B", "2013-02-08", 0, NULL, "", "", 1, 0);
    run_free(&R);

    /* At most IMPORT_MAX_TERMS tags; the first ones are kept. */
    {
        char *text = scratch(xmalloc(8192));
        size_t o = (size_t)snprintf(text, 8192, "path,tags\n/t/,");

        for (int i = 0; i < IMPORT_MAX_TERMS + 44; i++)
            o += (size_t)snprintf(text + o, 8192 - o, "%sT%d", i ? "|" : "",
                                  i);
        snprintf(text + o, 8192 - o, "\n");
        run_text("many-tags.csv", text);
        expect_ok(IMPORT_CSV, 1, 0);
        assert_int_equal(R.v[0].ntags, IMPORT_MAX_TERMS);
        for (int i = 0; i < IMPORT_MAX_TERMS; i++) {
            char want[16];

            snprintf(want, sizeof(want), "t%d", i);
            assert_string_equal(R.v[0].tags[i], want);
        }
        run_free(&R);
    }

    /* Only a path column: no tags, no categories, no title. */
    run_text("paths.csv", "path\n/x/\n/y/\n");
    expect_ok(IMPORT_CSV, 2, 0);
    expect_post(0, "/x/", "", NULL, 0, NULL, "", "", 0, 0);
    expect_post(1, "/y/", "", NULL, 0, NULL, "", "", 0, 0);
}

/* A row with more fields than the header: the extra ones belong to no
 * column and must not become the path (or anything else). */
static void test_import__csv_row_longer_than_header(void **state)
{
    (void)state;
    run_text("long-row.csv",
             "path,title\n"
             "/a/,A,extra,more\n");
    expect_ok(IMPORT_CSV, 1, 0);
    expect_post(0, "/a/", "A", NULL, 0, NULL, "", "", 0, 0);
}

/* Excel's "CSV UTF-8" starts with a byte order mark. */
static void test_import__csv_bom(void **state)
{
    (void)state;
    run_text("bom.csv",
             "\xEF\xBB\xBFpath,title,published,tags\r\n"
             "/a/,Å,2013-02-07,x\r\n");
    expect_ok(IMPORT_CSV, 1, 0);
    expect_post(0, "/a/", "Å", "2013-02-07", 0, NULL, "x", "", 1, 0);
}

/* ---- malformed and hostile ------------------------------------------------------ */

static void test_import__xml_truncated(void **state)
{
    size_t n, cut = 100000, line = 1;
    char *text = scratch(slurp(SAMPLE_WXR, &n));
    const char *last_item;

    (void)state;
    assert_true(n > cut);
    /* The cut falls inside an item (after its start, before its end). */
    text[cut] = '\0';
    last_item = strstr(text, "<item>");
    assert_non_null(last_item);
    for (const char *p; (p = strstr(last_item + 1, "<item>")) != NULL;)
        last_item = p;
    assert_null(strstr(last_item, "</item>"));
    for (size_t i = 0; i < cut; i++)
        line += text[i] == '\n';
    run_bytes("truncated.xml", text, cut);
    expect_xml_err(line, "malformed XML");

    /* Small: cut in the middle of an element's text. */
    run_text("cut.xml",
             "<?xml version=\"1.0\"?>\n"
             "<rss version=\"2.0\"><channel>\n"
             "<item><title>Whole</title><link>https://ex.com/w/</link></item>\n"
             "<item><title>Cut</title>\n"
             "<link>https://ex.c");
    expect_xml_err(5, "malformed XML");
}

static void test_import__xml_not_well_formed(void **state)
{
    (void)state;
    run_text("bad.xml",
             "<?xml version=\"1.0\"?>\n"
             "<rss version=\"2.0\"><channel>\n"
             "<item><title>A</title><link>https://ex.com/a/</link></item>\n"
             "<item><title>B</link></item>\n"
             "</channel></rss>\n");
    expect_xml_err(4, "mismatched tag");
    expect_msg_has("malformed XML");

    /* Garbage after the root element. */
    run_text("trailing.xml",
             "<rss version=\"2.0\"><channel></channel></rss>\n"
             "\n"
             "<rss/>\n");
    expect_xml_err(3, "malformed XML");
}

/* Refused at the first declaration, before anything is expanded. */
static void test_import__xml_billion_laughs(void **state)
{
    (void)state;
    run_text("lol.xml",
             "<?xml version=\"1.0\"?>\n"
             "<!DOCTYPE rss [\n"
             " <!ENTITY lol \"lol\">\n"
             " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
             " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
             " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
             " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
             " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
             " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
             " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
             " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
             " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
             "]>\n"
             "<rss version=\"2.0\"><channel><item><title>&lol9;</title>"
             "<link>https://ex.com/lol/</link></item></channel></rss>\n");
    expect_xml_err(3, "entity declarations are not allowed");
    expect_msg_has("'lol'");
    assert_int_equal(R.n, 0);
}

static void test_import__xml_external_entity(void **state)
{
    (void)state;
    run_text("xxe.xml",
             "<?xml version=\"1.0\"?>\n"
             "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n"
             "<rss version=\"2.0\"><channel><item><title>&e;</title>"
             "<link>https://ex.com/x/</link></item></channel></rss>\n");
    expect_xml_err(2, "entity declarations are not allowed");
    assert_int_equal(R.n, 0);

    /* A parameter entity pulling an external DTD: refused too. */
    run_text("xxe2.xml",
             "<?xml version=\"1.0\"?>\n"
             "<!DOCTYPE rss [\n"
             "<!ENTITY % ext SYSTEM \"file:///etc/passwd\"> %ext;\n"
             "]>\n"
             "<rss version=\"2.0\"><channel/></rss>\n");
    expect_xml_err(3, "entity declarations are not allowed");
    assert_int_equal(R.n, 0);
}

static void test_import__xml_wrong_root(void **state)
{
    (void)state;
    run_text("page.html",
             "<?xml version=\"1.0\"?>\n"
             "<html><head><title>Not a feed</title></head>"
             "<body><item><title>x</title><link>/x/</link></item></body>"
             "</html>\n");
    expect_xml_err(2, "root element is <html>");
    assert_int_equal(R.n, 0);

    /* Atom's root name without Atom's namespace is no Atom feed. */
    run_text("feed-nons.xml",
             "<feed><entry><title>x</title><link href=\"/x/\"/></entry>"
             "</feed>\n");
    expect_xml_err(1, "<feed>");
    assert_int_equal(R.n, 0);
}

static void test_import__xml_invalid_utf8(void **state)
{
    (void)state;
    run_text("latin.xml",
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<rss version=\"2.0\"><channel>\n"
             "<item><title>S\xE4kerhet \xFF</title>"
             "<link>https://ex.com/s/</link></item>\n"
             "</channel></rss>\n");
    expect_xml_err(3, "malformed XML");
    assert_int_equal(R.n, 0);
}

/* A feed that declares ISO-8859-1 is well-formed XML: its bytes are
 * Latin-1 characters, passed on as UTF-8. */
static void test_import__xml_latin1_declared(void **state)
{
    (void)state;
    run_text("latin1.xml",
             "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
             "<rss version=\"2.0\"><channel>\n"
             "<item><title>S\xE4kerhet</title>"
             "<link>https://ex.com/s/</link>"
             "<category>\xD6ppenhet</category></item>\n"
             "</channel></rss>\n");
    expect_ok(IMPORT_RSS, 1, 0);
    expect_post(0, "https://ex.com/s/", "Säkerhet", NULL, 0, NULL,
                "Öppenhet", "", 1, 0);
}

/* A title of ~10 MB of "ä" (2 bytes): kept, cut on a character boundary. */
static void test_import__xml_huge_title(void **state)
{
    static const char head[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<rss version=\"2.0\"><channel>\n<item><title>";
    static const char tail[] =
        "</title>\n<link>https://ex.com/huge/</link>\n"
        "<pubDate>Thu, 07 Feb 2013 10:00:00 +0100</pubDate>\n"
        "<category>Big</category></item>\n"
        "<item><title>Next</title><link>https://ex.com/next/</link></item>\n"
        "</channel></rss>\n";
    size_t nchars = 5 * 1024 * 1024, n = 0, len;
    char *buf = scratch(xmalloc(sizeof(head) + 2 * nchars + sizeof(tail)));

    (void)state;
    memcpy(buf, head, sizeof(head) - 1);
    n = sizeof(head) - 1;
    for (size_t i = 0; i < nchars; i++) {
        buf[n++] = '\xC3';
        buf[n++] = '\xA4';
    }
    memcpy(buf + n, tail, sizeof(tail) - 1);
    n += sizeof(tail) - 1;
    run_bytes("huge.xml", buf, n);
    expect_ok(IMPORT_RSS, 2, 0);

    len = strlen(R.v[0].title);
    assert_true(len < IMPORT_MAX_TEXT);
    assert_true(len >= IMPORT_MAX_TEXT - 4);
    assert_true(valid_utf8(R.v[0].title));
    assert_int_equal(len % 2, 0);
    for (size_t i = 0; i < len; i += 2)
        assert_memory_equal(R.v[0].title + i, "\xC3\xA4", 2);
    assert_string_equal(R.v[0].link, "https://ex.com/huge/");
    assert_string_equal(R.v[0].tags[0], "big");
    assert_int_equal(R.v[0].ntags, 1);
    assert_int_equal(R.v[0].published, ymd(2013, 2, 7));
    expect_post(1, "https://ex.com/next/", "Next", NULL, 0, NULL, "", "", 1,
                0);
}

/* The same with a 4-byte character: the cut must not leave a U+FFFD (or
 * anything but whole copies of the character). */
static void test_import__xml_huge_title_4byte(void **state)
{
    static const char head[] =
        "<rss version=\"2.0\"><channel>\n<item><title>";
    static const char tail[] =
        "</title>\n<link>https://ex.com/emoji/</link></item>\n"
        "</channel></rss>\n";
    size_t nchars = 256 * 1024, n = 0, len;
    char *buf = scratch(xmalloc(sizeof(head) + 4 * nchars + sizeof(tail)));

    (void)state;
    memcpy(buf, head, sizeof(head) - 1);
    n = sizeof(head) - 1;
    for (size_t i = 0; i < nchars; i++) {
        memcpy(buf + n, "\xF0\x9F\x98\x80", 4);
        n += 4;
    }
    memcpy(buf + n, tail, sizeof(tail) - 1);
    n += sizeof(tail) - 1;
    run_bytes("emoji.xml", buf, n);
    expect_ok(IMPORT_RSS, 1, 0);
    len = strlen(R.v[0].title);
    assert_true(len < IMPORT_MAX_TEXT);
    assert_true(len >= IMPORT_MAX_TEXT - 8);
    assert_true(valid_utf8(R.v[0].title));
    assert_null(strstr(R.v[0].title, "\xEF\xBF\xBD"));
    assert_int_equal(len % 4, 0);
    for (size_t i = 0; i < len; i += 4)
        assert_memory_equal(R.v[0].title + i, "\xF0\x9F\x98\x80", 4);
}

static void test_import__csv_unterminated_quote(void **state)
{
    (void)state;
    run_text("unterminated.csv",
             "path,title\n"
             "/a/,A\n"
             "/b/,\"B is never closed\n"
             "and goes on\n");
    expect_err(BS_DATAERR, "malformed CSV");
    expect_msg_has("unterminated");
}

static void test_import__csv_field_too_long(void **state)
{
    static const char head[] = "path,title\n/a/,\"";
    size_t big = (1u << 20) + 100, n = 0;
    char *buf = scratch(xmalloc(sizeof(head) + big + 8));

    (void)state;
    memcpy(buf, head, sizeof(head) - 1);
    n = sizeof(head) - 1;
    memset(buf + n, 'x', big);
    n += big;
    memcpy(buf + n, "\"\n", 2);
    n += 2;
    run_bytes("big.csv", buf, n);
    expect_err(BS_DATAERR, "longer than 1 MiB");
    expect_msg_has("malformed CSV");
    assert_int_equal(R.n, 0);
}

static void test_import__csv_no_path_column(void **state)
{
    (void)state;
    run_text("nopath.csv",
             "title,published,tags\n"
             "A,2013-02-07,x\n");
    expect_err(BS_DATAERR, "no 'path' column");
    assert_int_equal(R.n, 0);
}

static void test_import__csv_empty_path(void **state)
{
    (void)state;
    run_text("emptypath.csv",
             "path,title,published\n"
             "/a/,A,2013-02-07\n"
             ",B without a path,2013-02-08\n"
             "/c/,C,2013-02-09\n");
    expect_err(BS_DATAERR, ":3: empty path");
    expect_msg_has("empty path");
    /* The row before was passed (the caller's transaction undoes it), the
     * one after was not. */
    assert_int_equal(R.n, 1);
    expect_post(0, "/a/", "A", "2013-02-07", 0, NULL, "", "", 0, 0);
}

/* Blank lines are skipped, but the error must still point at the bad
 * row's own line (messages name the file and line): here line 5. */
static void test_import__csv_empty_path_after_blank_lines(void **state)
{
    (void)state;
    run_text("blank-then-empty.csv",
             "path,title\n"
             "\n"
             "/a/,A\n"
             "\n"
             ",B without a path\n");
    expect_err(BS_DATAERR, "empty path");
    assert_int_equal(R.n, 1);
    {
        char prefix[4200];

        snprintf(prefix, sizeof(prefix), "%s:5:", R.path);
        if (strncmp(R.err.msg, prefix, strlen(prefix)) != 0 &&
            !strstr(R.err.msg, "row 5") && !strstr(R.err.msg, "line 5"))
            fail_msg("message \"%s\" does not name line 5", R.err.msg);
    }
}

static void test_import__empty_and_missing(void **state)
{
    char *missing;

    (void)state;
    run_bytes("empty.xml", "", 0);
    expect_err(BS_DATAERR, "empty");
    assert_int_equal(R.n, 0);

    missing = tu_path(g_dir, "no-such-file.xml");
    run_file(missing);
    free(missing);
    expect_err(BS_NOINPUT, NULL);
    assert_int_equal(R.n, 0);
}

/* ---- the callback stops the import --------------------------------------------- */

static void test_import__callback_error(void **state)
{
    (void)state;
    R.fail_on = 3;
    run_file(SAMPLE_WXR);
    assert_int_equal(R.rc, -1);
    assert_int_equal(R.err.status, BS_IOERR);
    assert_string_equal(R.err.msg, "callback: disk full");
    assert_int_equal(R.calls, 3);
    assert_int_equal(R.n, 2);

    run_text("cb.csv", "path,title\n/a/,A\n/b/,B\n/c/,C\n/d/,D\n");
    assert_int_equal(R.rc, -1);
    assert_int_equal(R.err.status, BS_IOERR);
    assert_string_equal(R.err.msg, "callback: disk full");
    assert_int_equal(R.calls, 3);

    /* On the last row, which has no newline (seen by csv_fini). */
    run_text("cb-last.csv", "path,title\n/a/,A\n/b/,B\n/c/,C");
    assert_int_equal(R.rc, -1);
    assert_int_equal(R.err.status, BS_IOERR);
    assert_string_equal(R.err.msg, "callback: disk full");
    assert_int_equal(R.calls, 3);

    run_text("cb.atom",
             "<feed xmlns=\"http://www.w3.org/2005/Atom\">"
             "<entry><link href=\"/a/\"/></entry>"
             "<entry><link href=\"/b/\"/></entry>"
             "<entry><link href=\"/c/\"/></entry>"
             "<entry><link href=\"/d/\"/></entry></feed>");
    assert_int_equal(R.rc, -1);
    assert_int_equal(R.err.status, BS_IOERR);
    assert_string_equal(R.err.msg, "callback: disk full");
    assert_int_equal(R.calls, 3);
}

/* ---- dates, slugs, names -------------------------------------------------------- */

static void test_import__parse_date(void **state)
{
    (void)state;
    assert_int_equal(import_parse_date("2013-02-07"), ymd(2013, 2, 7));
    assert_int_equal(import_parse_date("2013-02-07 10:00:00"),
                     ymd(2013, 2, 7));
    assert_int_equal(import_parse_date("2013-02-07T10:00:00+01:00"),
                     ymd(2013, 2, 7));
    assert_int_equal(import_parse_date("2013-02-07T23:30:00-08:00"),
                     ymd(2013, 2, 7));
    assert_int_equal(import_parse_date("  2013-02-07\n"), ymd(2013, 2, 7));
    assert_int_equal(import_parse_date("Thu, 07 Feb 2013 10:00:00 +0100"),
                     ymd(2013, 2, 7));
    assert_int_equal(import_parse_date("Thu, 07 Feb 2013 23:30:00 -0800"),
                     ymd(2013, 2, 7));
    assert_int_equal(import_parse_date("Sun, 31 Dec 2000 23:59:59 GMT"),
                     ymd(2000, 12, 31));
    assert_int_equal(import_parse_date("7 Feb 2013 10:00:00 GMT"),
                     ymd(2013, 2, 7));
    assert_int_equal(import_parse_date("07 Feb 13 10:00 GMT"),
                     ymd(2013, 2, 7));
    assert_int_equal(import_parse_date("Thu, 29 Feb 2024 10:00:00 +0000"),
                     ymd(2024, 2, 29));
    assert_int_equal(import_parse_date("2024-02-29"), ymd(2024, 2, 29));

    assert_int_equal(import_parse_date("0000-00-00 00:00:00"), IMPORT_NO_DAY);
    assert_int_equal(import_parse_date("2013-02-30"), IMPORT_NO_DAY);
    assert_int_equal(import_parse_date("2013-13-01"), IMPORT_NO_DAY);
    assert_int_equal(import_parse_date("yesterday"), IMPORT_NO_DAY);
    assert_int_equal(import_parse_date(""), IMPORT_NO_DAY);
    assert_int_equal(import_parse_date("   "), IMPORT_NO_DAY);
    assert_int_equal(import_parse_date("Thu, 30 Feb 2013 10:00:00 +0000"),
                     IMPORT_NO_DAY);
    assert_int_equal(import_parse_date("Thu, 07 Foo 2013 10:00:00 +0000"),
                     IMPORT_NO_DAY);
    assert_int_equal(import_parse_date("Mon, 30 Nov -0001 00:00:00 +0000"),
                     IMPORT_NO_DAY);
    assert_int_equal(import_parse_date("Thu, 07 Feb"), IMPORT_NO_DAY);
}

static void slug_is(const char *name, size_t cap, const char *want)
{
    char out[256];
    size_t n;

    assert_true(cap <= sizeof(out));
    memset(out, 'Z', sizeof(out));
    n = import_slugify(name, out, cap);
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
    /* Nothing written past cap. */
    for (size_t i = cap; i < sizeof(out); i++)
        assert_int_equal(out[i], 'Z');
}

static void test_import__slugify(void **state)
{
    static const char *const names[] = {
        "Säkerhet på nätet", "Cyber Crime", "ÅÄÖ-åäö", "a€b€c", "x😀y😀z",
        "C++ & Rust!",
    };
    char full[256], out[256];

    (void)state;
    slug_is("Cyber Crime", 64, "cyber-crime");
    slug_is("  EU  ", 64, "eu");
    slug_is("C++ & Rust!", 64, "c-rust");
    slug_is("foo_bar", 64, "foo_bar");
    slug_is("Säkerhet", 64, "säkerhet");
    slug_is("ÅÄÖ", 64, "ÅÄÖ");                 /* ASCII only lower-cased */
    slug_is("IT-säkerhet 2013", 64, "it-säkerhet-2013");
    slug_is("s%C3%A4kerhet", 64, "s%c3%a4kerhet");
    slug_is("--a--b--", 64, "a-b");
    slug_is("!!!", 64, "");
    slug_is("", 64, "");

    /* Cut to cap: never a split character, never a trailing '-'. */
    slug_is("Säkerhet", 4, "s");
    slug_is("Cyber Crime", 8, "cyber");
    slug_is("a€b", 5, "a");
    for (size_t k = 0; k < ARRAY_SIZE(names); k++) {
        size_t nfull = import_slugify(names[k], full, sizeof(full));

        for (size_t cap = 1; cap <= nfull + 2; cap++) {
            size_t n = import_slugify(names[k], out, cap);

            if (n >= cap || strlen(out) != n)
                fail_msg("slug of \"%s\" in %zu bytes: %zu bytes",
                         names[k], cap, n);
            if (!valid_utf8(out))
                fail_msg("slug of \"%s\" in %zu bytes is not UTF-8: "
                         "\"%s\"", names[k], cap, out);
            if (n > 0 && out[n - 1] == '-')
                fail_msg("slug of \"%s\" in %zu bytes ends in '-': \"%s\"",
                         names[k], cap, out);
            if (strncmp(out, full, n) != 0)
                fail_msg("slug of \"%s\" in %zu bytes \"%s\" is no prefix "
                         "of \"%s\"", names[k], cap, out, full);
        }
    }
}

static void test_import__format_name(void **state)
{
    (void)state;
    assert_string_equal(import_format_name(IMPORT_WXR), "WordPress export");
    assert_string_equal(import_format_name(IMPORT_RSS), "RSS feed");
    assert_string_equal(import_format_name(IMPORT_ATOM), "Atom feed");
    assert_string_equal(import_format_name(IMPORT_CSV), "CSV");
}

#define T(name) cmocka_unit_test_teardown(test_import__##name, test_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(wxr_sample),
        T(wxr_small),
        T(wxr_namespaces),
        T(xml_trim_newlines),
        T(rss),
        T(atom),
        T(csv),
        T(csv_columns),
        T(csv_row_longer_than_header),
        T(csv_bom),
        T(xml_truncated),
        T(xml_not_well_formed),
        T(xml_billion_laughs),
        T(xml_external_entity),
        T(xml_wrong_root),
        T(xml_invalid_utf8),
        T(xml_latin1_declared),
        T(xml_huge_title),
        T(xml_huge_title_4byte),
        T(csv_unterminated_quote),
        T(csv_field_too_long),
        T(csv_no_path_column),
        T(csv_empty_path),
        T(csv_empty_path_after_blank_lines),
        T(empty_and_missing),
        T(callback_error),
        T(parse_date),
        T(slugify),
        T(format_name),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
