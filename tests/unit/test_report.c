/*
 * test_report.c - the HTML writer: escaping, URLs, pages on disk, and a
 * site's whole report written from its data, never through a link.
 */
#include "testutil.h"
#include "atomicfile.h"
#include "report.h"
#include "report_data.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

/* report_write_index() into the folder dir, opened as blogstat opens it. */
static int write_index_in(const char *dir, const struct report_index *r,
                          struct bs_err *err)
{
    struct atomic_dir *d = atomic_dir_open(dir, err);
    int rc = d ? report_write_index(d, r, err) : -1;

    atomic_dir_close(d);
    return rc;
}

/* report_write() into the folder out, opened as `blogstat report` opens
 * --out (made when missing, refused when a link). */
static int write_report_in(const char *out, const struct report_data *d,
                           const struct report_site *site, struct bs_err *err)
{
    struct atomic_dir *od = atomic_dir_open(out, err);
    int rc = od ? report_write(od, d, site, err) : -1;

    atomic_dir_close(od);
    return rc;
}

/* What fn writes to a memory stream, as a malloc'ed string. */
static char *capture_escape(const char *s)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);

    assert_non_null(f);
    assert_int_equal(html_escape(f, s), 0);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static char *capture_url(const char *base, const char *path, int *rc)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);

    assert_non_null(f);
    *rc = html_url(f, base, path);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static void check_escape(const char *in, const char *want)
{
    char *got = capture_escape(in);

    if (strcmp(got, want) != 0)
        fail_msg("html_escape(\"%s\") = \"%s\", want \"%s\"", in, got, want);
    free(got);
}

static void test_report__escape(void **state)
{
    (void)state;
    check_escape("plain", "plain");
    check_escape("<script>alert(1)</script>",
                 "&lt;script&gt;alert(1)&lt;/script&gt;");
    check_escape("\"><img src=x onerror=alert(1)>",
                 "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
    check_escape("it's & co", "it&#39;s &amp; co");
    check_escape("Säkerhet på nätet", "Säkerhet på nätet");
    /* Invalid UTF-8 and controls: U+FFFD each. */
    check_escape("a\xff" "b\x1b[31m", "a\xEF\xBF\xBD" "b\xEF\xBF\xBD[31m");
    check_escape("", "");
    /* Bidi overrides and isolates, zero-width characters: shown. */
    check_escape("/2013/02/07/\xE2\x80\xAEtxt.exe/",
                 "/2013/02/07/&lt;U+202E&gt;txt.exe/");
    check_escape("a\xE2\x81\xA6" "b\xE2\x80\x8B" "c\xD8\x9C" "d\xEF\xBB\xBF",
                 "a&lt;U+2066&gt;b&lt;U+200B&gt;c&lt;U+061C&gt;d&lt;U+FEFF&gt;");
    check_escape("\xE2\x80\xA6 \xE2\x80\xB0", "\xE2\x80\xA6 \xE2\x80\xB0");
}

static void check_url(const char *base, const char *path, int want_rc,
                      const char *want)
{
    int rc;
    char *got = capture_url(base, path, &rc);

    if (rc != want_rc || strcmp(got, want) != 0)
        fail_msg("html_url(%s, %s) = %d \"%s\", want %d \"%s\"",
                 base ? base : "NULL", path, rc, got, want_rc, want);
    free(got);
}

static void test_report__url(void **state)
{
    (void)state;
    check_url("https://blog.example.eu", "/2013/02/07/x/", 1,
              "https://blog.example.eu/2013/02/07/x/");
    check_url("https://blog.example.eu/", "/", 1, "https://blog.example.eu/");
    check_url("http://b.eu", "/säk/", 1, "http://b.eu/s%C3%A4k/");
    /* What must stay encoded stays; quotes and brackets never go raw. */
    check_url("https://b.eu", "/a%2Fb/\"><x>'", 1,
              "https://b.eu/a%2Fb/%22%3E%3Cx%3E%27");
    check_url("https://b.eu", "/100%/", 1, "https://b.eu/100%25/");
    check_url("javascript:alert(1)//", "/x/", 0, "");
    check_url("data:text/html,x", "/x/", 0, "");
    check_url(NULL, "/x/", 0, "");
    check_url("HTTPS://b.eu", "/x/", 0, "");   /* say it in lower case */
    check_url("https://b.eu\"onload=x", "/", 1, "https://b.eu%22onload%3Dx/");
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    buf = xmalloc((size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Referrers as a log may bring them: a host that is markup, a search. */
static const struct report_referrer refs[] = {
    {"google.se", REF_SEARCH, 40},
    {"<img src=x onerror=alert(1)>.example", REF_OTHER, 3},
    {"t.co", REF_SOCIAL, 2},
};
static const struct report_search searches[] = {
    {"malmström \"<eu>\"", 7},
};

static void fill_index(struct report_index *r, struct report_day *days,
                       struct report_post *posts, struct report_term *tags,
                       struct report_country *cs)
{
    memset(r, 0, sizeof(*r));
    days[0] = (struct report_day){days_from_civil(2013, 2, 7), 12, 9, 10};
    days[1] = (struct report_day){days_from_civil(2013, 2, 8), -1, 0, 0};
    days[2] = (struct report_day){days_from_civil(2013, 2, 9), 1234, 987,
                                  1001};
    posts[0] = (struct report_post){"/2013/02/07/a/",
                                    "<script>alert(1)</script>", 1000, 777,
                                    888, "posts/1.html", "charts/spark-1"};
    posts[1] = (struct report_post){"/om-mig/", "", 246, 200, 210, NULL,
                                    NULL};
    tags[0] = (struct report_term){"\"><b>eu</b>", 900, 12, 654};
    cs[0] = (struct report_country){"SE", "Sweden", 1200, 543};
    cs[1] = (struct report_country){"--", "Unknown", 46, 21};
    r->visitors = 4321;
    r->visits = 623;
    r->prev_visitors = 8642;
    r->sources[REPORT_SRC_SEARCH] = 40;
    r->sources[REPORT_SRC_SOCIAL] = 2;
    r->sources[REPORT_SRC_OTHER] = 3;
    r->sources[REPORT_SRC_NONE] = 1201;
    r->referrers = refs;
    r->nreferrers = 3;
    r->searches = searches;
    r->nsearches = 1;
    r->sources_chart = "charts/sources";
    r->sources_height = 120;
    r->site_name = "Cecilia <Malmström>";
    r->site_url = "https://blog.example.eu";
    r->from = days[0].day;
    r->to = days[2].day;
    r->views = 1246;
    r->prev_views = 1000;
    r->has_prev = 1;
    r->days = days;
    r->ndays = 3;
    r->posts = posts;
    r->nposts = 2;
    r->tags = tags;
    r->ntags = 1;
    r->countries = cs;
    r->ncountries = 2;
    r->daily_chart = "charts/daily";
    r->chart_width = 760;
    r->daily_height = 300;
}

static void test_report__index(void **state)
{
    char *dir = tu_tmpdir(), *path, *html;
    struct report_index r;
    struct report_day days[3];
    struct report_post posts[2];
    struct report_term tags[1];
    struct report_country cs[2];
    struct bs_err err = {0};
    struct stat st;

    (void)state;
    fill_index(&r, days, posts, tags, cs);
    umask(022);
    assert_int_equal(write_index_in(dir, &r, &err), 0);
    path = tu_path(dir, "index.html");
    html = slurp(path);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    /* Hostile strings escaped, never raw. */
    assert_null(strstr(html, "<script>"));
    assert_null(strstr(html, "<b>eu"));
    assert_null(strstr(html, "<Malmstr"));
    assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_non_null(strstr(html, "&quot;&gt;&lt;b&gt;eu&lt;/b&gt;"));
    assert_non_null(strstr(html, "Cecilia &lt;Malmström&gt;"));
    /* The numbers, with separators; a gap as a dash; the change. */
    assert_non_null(strstr(html, ">1,246<"));
    assert_non_null(strstr(html, ">1,234<"));
    assert_non_null(strstr(html, ">—<"));
    assert_non_null(strstr(html, "+25%"));
    /* Visitors: the range's, halved against the period before; visits
     * and the views a visit; each post's, tag's, country's, day's. */
    assert_non_null(strstr(html, ">4,321<"));
    assert_non_null(strstr(html, "−50%"));
    assert_non_null(strstr(html, ">623<"));
    assert_non_null(strstr(html, "2.0 views a visit"));
    assert_non_null(strstr(html, ">777<"));
    assert_non_null(strstr(html, ">888<"));
    assert_non_null(strstr(html, ">654<"));
    assert_non_null(strstr(html, ">543<"));
    assert_non_null(strstr(html, ">987<"));
    assert_non_null(strstr(html, ">1,001<"));
    /* Referrers are escaped text, never links; search terms too. */
    assert_null(strstr(html, "<img src=x"));
    assert_non_null(strstr(html, "&lt;img src=x onerror=alert(1)&gt;.example"));
    assert_null(strstr(html, "href=\"http://google.se"));
    assert_non_null(strstr(html, "Search engine"));
    assert_non_null(strstr(html, "malmström &quot;&lt;eu&gt;&quot;"));
    assert_non_null(strstr(html, "src=\"charts/sources.png\""));
    assert_non_null(strstr(html, "Sat 9 Feb 2013"));  /* the busiest day */
    assert_non_null(strstr(html, "7 – 9 February 2013"));
    /* No script allowed, the chart sized in CSS pixels. */
    assert_non_null(strstr(html, "default-src 'none'"));
    assert_non_null(strstr(html, "src=\"charts/daily.png\" width=\"760\" "
                                 "height=\"300\""));
    assert_non_null(strstr(html, "href=\"posts/1.html\""));
    assert_non_null(strstr(html, "href=\"https://blog.example.eu/\""));
    assert_non_null(strstr(html, "</html>\n"));
    free(html);
    free(path);
    tu_rmrf(dir);
    free(dir);
}

/* The sites of a report of several: this one in bold, the others linked,
 * names and links escaped; none for a report of one site. */
static void test_report__sites(void **state)
{
    char *dir = tu_tmpdir(), *path, *html;
    struct report_index r;
    struct report_day days[3];
    struct report_post posts[2];
    struct report_term tags[1];
    struct report_country cs[2];
    struct bs_err err = {0};
    const struct report_link links[] = {
        {"Main <blog>", "../../index.html"},
        {"Photos & more", NULL},
        {"x\"y", "../x\"y/index.html"},
    };

    (void)state;
    fill_index(&r, days, posts, tags, cs);
    r.sites = links;
    r.nsites = 3;
    assert_int_equal(write_index_in(dir, &r, &err), 0);
    path = tu_path(dir, "index.html");
    html = slurp(path);
    assert_non_null(strstr(html, "<nav class=\"sites\">Sites: "
                                 "<a href=\"../../index.html\">Main "
                                 "&lt;blog&gt;</a><b>Photos &amp; more</b>"
                                 "<a href=\"../x&quot;y/index.html\">"
                                 "x&quot;y</a></nav>"));
    free(html);
    r.nsites = 1;
    assert_int_equal(write_index_in(dir, &r, &err), 0);
    html = slurp(path);
    assert_null(strstr(html, "class=\"sites\""));
    free(html);
    free(path);
    tu_rmrf(dir);
    free(dir);
}

static void test_report__symlink_replaced(void **state)
{
    char *dir = tu_tmpdir(), *victim, *page, *html;
    struct report_index r;
    struct report_day days[3];
    struct report_post posts[2];
    struct report_term tags[1];
    struct report_country cs[2];
    struct bs_err err = {0};
    struct stat st;

    (void)state;
    victim = tu_write(dir, "victim", "precious", 8);
    page = tu_path(dir, "index.html");
    assert_int_equal(symlink(victim, page), 0);
    fill_index(&r, days, posts, tags, cs);
    assert_int_equal(write_index_in(dir, &r, &err), 0);
    html = slurp(victim);
    assert_string_equal(html, "precious");
    free(html);
    assert_int_equal(lstat(page, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    free(victim);
    free(page);
    tu_rmrf(dir);
    free(dir);
}

static void test_report__post_page(void **state)
{
    char *dir = tu_tmpdir(), *sub, *path, *html;
    struct report_post_page p;
    struct report_day days[2];
    struct report_country cs[1] = {{"SE", "Sweden", 3, -1}};
    const char *tags[] = {"säkerhet", "<i>x</i>"};
    const char *cats[] = {"politik"};
    struct bs_err err = {0};

    (void)state;
    sub = tu_path(dir, "posts");
    assert_int_equal(mkdir(sub, 0755), 0);
    days[0] = (struct report_day){days_from_civil(2013, 2, 7), 3, 2, 2};
    days[1] = (struct report_day){days_from_civil(2013, 2, 8), 0, 0, 0};
    memset(&p, 0, sizeof(p));
    p.site_name = "Blogg";
    p.site_url = "https://b.eu";
    p.path = "/2013/02/07/säk/";
    p.title = "Om <säkerhet>";
    p.kind = URL_POST;
    p.published = days[0].day;
    p.from = days[0].day;
    p.to = days[1].day;
    p.views = 3;
    p.visitors = 2;
    p.visits = 1;
    p.referrers = refs;
    p.nreferrers = 2;
    p.days = days;
    p.ndays = 2;
    p.countries = cs;
    p.ncountries = 1;
    p.tags = tags;
    p.ntags = 2;
    p.categories = cats;
    p.ncategories = 1;
    p.chart = "../charts/post-1";
    p.chart_width = 760;
    p.chart_height = 240;
    p.back = "../index.html";
    {
        struct atomic_dir *posts = atomic_dir_open(sub, &err);

        assert_non_null(posts);
        assert_int_equal(report_write_post(posts, "1.html", &p, &err), 0);
        atomic_dir_close(posts);
    }
    path = tu_path(dir, "posts/1.html");
    html = slurp(path);
    assert_non_null(strstr(html, "<h1>Om &lt;säkerhet&gt;</h1>"));
    assert_non_null(strstr(html, "href=\"https://b.eu/2013/02/07/s%C3%A4k/\""));
    assert_non_null(strstr(html, "published 7 Feb 2013"));
    assert_non_null(strstr(html, "<li>&lt;i&gt;x&lt;/i&gt;</li>"));
    assert_non_null(strstr(html, "<li>politik</li>"));
    assert_non_null(strstr(html, "100.0%"));
    assert_non_null(strstr(html, "href=\"../index.html\""));
    /* Its visitors and visits; no visitors column for its countries,
     * which have none; its referrers escaped. */
    assert_non_null(strstr(html, "Visitors</div><div class=\"big\">2<"));
    assert_non_null(strstr(html, "Visits</div><div class=\"big\">1<"));
    assert_null(strstr(html, "<th class=\"n\">Visitors</th><th class=\"n\">"
                             "Share"));
    assert_non_null(strstr(html, "google.se"));
    assert_null(strstr(html, "<img src=x"));
    assert_null(strstr(html, "t.co"));       /* only the first two */
    free(html);
    free(path);
    free(sub);
    tu_rmrf(dir);
    free(dir);
}

static void test_report__cannot_create(void **state)
{
    struct report_index r;
    struct report_day days[3];
    struct report_post posts[2];
    struct report_term tags[1];
    struct report_country cs[2];
    struct bs_err err = {0};

    char *dir = tu_tmpdir(), *gone = tu_path(dir, "gone"), *page;
    struct atomic_dir *d;

    (void)state;
    fill_index(&r, days, posts, tags, cs);
    assert_int_equal(write_index_in("/nonexistent/dir", &r, &err), -1);
    assert_int_equal(err.status, BS_CANTCREAT);
    assert_non_null(strstr(err.msg, "/nonexistent/dir"));
    /* A folder removed after it was opened: the page is not created
     * elsewhere, and the error names it. */
    memset(&err, 0, sizeof(err));
    d = atomic_dir_open(gone, &err);
    assert_non_null(d);
    assert_int_equal(rmdir(gone), 0);
    assert_int_equal(report_write_index(d, &r, &err), -1);
    assert_int_equal(err.status, BS_CANTCREAT);
    page = tu_path(gone, "index.html");
    if (!strstr(err.msg, page))
        fail_msg("'%s' does not name %s", err.msg, page);
    atomic_dir_close(d);
    free(page);
    free(gone);
    tu_rmrf(dir);
    free(dir);
}

/* Report data as report_data_build() leaves it, of fill_index()'s
 * numbers and two posts (ids 1 and 2) with a page each. */
struct data_fx {
    struct report_data d;
    struct report_index r;
    struct report_day days[3];
    struct report_post posts[2];
    struct report_term tags[1];
    struct report_country cs[2];
    struct report_data_post dp[2];
};

static void fill_data(struct data_fx *x)
{
    memset(x, 0, sizeof(*x));
    fill_index(&x->r, x->days, x->posts, x->tags, x->cs);
    x->r.site_name = x->r.site_url = NULL;
    x->r.daily_chart = x->r.sources_chart = NULL;
    for (int i = 0; i < 2; i++) {
        struct report_post_page *p = &x->dp[i].page;

        x->posts[i].page = x->posts[i].spark = NULL;
        x->dp[i].id = i + 1;
        x->dp[i].days = x->days;
        p->path = x->posts[i].path;
        p->title = x->posts[i].title;
        p->kind = i ? URL_PAGE : URL_POST;
        p->published = INT32_MIN;
        p->from = x->r.from;
        p->to = x->r.to;
        p->views = x->posts[i].views;
        p->days = x->days;
        p->ndays = 3;
    }
    x->d.index = x->r;
    x->d.posts = x->dp;
}

/* The number of entries in dir, but . and .. */
static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    assert_non_null(d);
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static void test_report__write_site(void **state)
{
    char *dir = tu_tmpdir(), *out = tu_path(dir, "out"), *path, *html;
    struct report_site site = {"Blogg", "https://b.eu", NULL, 0, NULL, 0, 0};
    struct data_fx x;
    struct bs_err err = {0};
    struct stat st;
    mode_t mask;
    static const char *const files[] = {
        "index.html", "posts/1.html", "posts/2.html", "charts/daily.png",
        "charts/daily.svg", "charts/daily-narrow.png", "charts/posts.png",
        "charts/tags.svg", "charts/categories.png", "charts/countries.png",
        "charts/sources.svg", "charts/sources-narrow.png",
        "charts/spark-1.png", "charts/spark-2.png", "charts/post-1.png",
        "charts/post-2.svg", "charts/post-2-narrow.png",
    };
    /* SVGs no page links: the narrow copies' and the sparklines'. */
    static const char *const none[] = {
        "charts/daily-narrow.svg", "charts/tags-narrow.svg",
        "charts/spark-1.svg", "charts/post-2-narrow.svg",
    };

    (void)state;
    fill_data(&x);
    if (write_report_in(out, &x.d, &site, &err) != 0)
        fail_msg("report_write: %d %s", err.status, err.msg);
    for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
        path = tu_path(out, files[i]);
        if (stat(path, &st) != 0 || st.st_size == 0)
            fail_msg("%s missing", files[i]);
        free(path);
    }
    for (size_t i = 0; i < ARRAY_SIZE(none); i++) {
        path = tu_path(out, none[i]);
        if (stat(path, &st) == 0)
            fail_msg("%s written", none[i]);
        free(path);
    }
    /* Pages for a web server to read; the index links each post's page
     * and sparkline, and the page its chart. */
    path = tu_path(out, "index.html");
    assert_int_equal(stat(path, &st), 0);
    mask = umask(0);
    umask(mask);
    assert_int_equal(st.st_mode & 0777, 0644 & ~mask);
    html = slurp(path);
    assert_non_null(strstr(html, "href=\"posts/1.html\""));
    assert_non_null(strstr(html, "src=\"charts/spark-2.png\""));
    assert_non_null(strstr(html, "<h1>Blogg</h1>"));
    free(html);
    free(path);
    path = tu_path(out, "posts/2.html");
    html = slurp(path);
    assert_non_null(strstr(html, "../charts/post-2.png"));
    assert_non_null(strstr(html, ">Page "));
    free(html);
    free(path);
    free(out);
    tu_rmrf(dir);
    free(dir);
}

/* A folder of the report planted as a symlink: refused, with its name,
 * and nothing is written through it. */
static void check_folder_link(const char *folder)
{
    char *dir = tu_tmpdir(), *out = tu_path(dir, "out"),
         *elsewhere = tu_path(dir, "elsewhere"), *link;
    struct report_site site = {NULL, NULL, NULL, 0, NULL, 0, 0};
    struct data_fx x;
    struct bs_err err = {0};
    size_t n = strlen(out) + strlen(folder) + 2;

    assert_int_equal(mkdir(out, 0755), 0);
    assert_int_equal(mkdir(elsewhere, 0755), 0);
    link = xmalloc(n);
    snprintf(link, n, "%s/%s", out, folder);
    assert_int_equal(symlink(elsewhere, link), 0);
    fill_data(&x);
    assert_int_equal(write_report_in(out, &x.d, &site, &err), -1);
    assert_int_equal(err.status, BS_CANTCREAT);
    if (!strstr(err.msg, link))
        fail_msg("'%s' does not name %s", err.msg, link);
    assert_int_equal(entries(elsewhere), 0);
    free(link);
    free(elsewhere);
    free(out);
    tu_rmrf(dir);
    free(dir);
}

static void test_report__write_refuses_linked_folders(void **state)
{
    (void)state;
    check_folder_link("charts");
    check_folder_link("posts");
}

/* The report's own folder as a symlink is refused too. */
static void test_report__write_refuses_linked_out(void **state)
{
    char *dir = tu_tmpdir(), *out = tu_path(dir, "out"),
         *elsewhere = tu_path(dir, "elsewhere");
    struct report_site site = {NULL, NULL, NULL, 0, NULL, 0, 0};
    struct data_fx x;
    struct bs_err err = {0};

    (void)state;
    assert_int_equal(mkdir(elsewhere, 0755), 0);
    assert_int_equal(symlink(elsewhere, out), 0);
    fill_data(&x);
    assert_int_equal(write_report_in(out, &x.d, &site, &err), -1);
    assert_int_equal(err.status, BS_CANTCREAT);
    assert_int_equal(entries(elsewhere), 0);
    free(elsewhere);
    free(out);
    tu_rmrf(dir);
    free(dir);
}

/* A symlink where a page goes is replaced; its target stays. */
static void test_report__write_replaces_linked_page(void **state)
{
    char *dir = tu_tmpdir(), *out = tu_path(dir, "out"), *victim, *page,
         *post, *text;
    struct report_site site = {NULL, NULL, NULL, 0, NULL, 0, 0};
    struct data_fx x;
    struct bs_err err = {0};
    struct stat st;

    (void)state;
    victim = tu_write(dir, "victim", "precious", 8);
    assert_int_equal(mkdir(out, 0755), 0);
    page = tu_path(out, "index.html");
    assert_int_equal(symlink(victim, page), 0);
    post = tu_path(out, "posts");
    assert_int_equal(mkdir(post, 0755), 0);
    free(post);
    post = tu_path(out, "posts/1.html");
    assert_int_equal(symlink(victim, post), 0);
    fill_data(&x);
    assert_int_equal(write_report_in(out, &x.d, &site, &err), 0);
    text = slurp(victim);
    assert_string_equal(text, "precious");
    free(text);
    assert_int_equal(lstat(page, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(lstat(post, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    free(victim);
    free(page);
    free(post);
    free(out);
    tu_rmrf(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report__escape),
        cmocka_unit_test(test_report__url),
        cmocka_unit_test(test_report__index),
        cmocka_unit_test(test_report__sites),
        cmocka_unit_test(test_report__symlink_replaced),
        cmocka_unit_test(test_report__post_page),
        cmocka_unit_test(test_report__cannot_create),
        cmocka_unit_test(test_report__write_site),
        cmocka_unit_test(test_report__write_refuses_linked_folders),
        cmocka_unit_test(test_report__write_refuses_linked_out),
        cmocka_unit_test(test_report__write_replaces_linked_page),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
