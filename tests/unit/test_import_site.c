/*
 * test_import_site.c - import.h for static sites: YAML and TOML front
 * matter (lists flow and block, quoted strings, dates with and without a
 * time and a zone, missing fields, drafts, garbage), the path each engine
 * gives a file, and import_dir() over Hugo-, Jekyll- and Eleventy-shaped
 * folders with hostile ones among them (symlink loops, a FIFO, depth).
 *
 * Each post the walk passes is written as one line
 * "link|title|YYYY-MM-DD|tag,tag|cat,cat" into R.out, so that a test
 * compares the whole import with one string.
 */
#include "testutil.h"
#include "import.h"
#include "sink.h"

#include <sys/stat.h>

static struct import_fm *FM;
static struct import_page PG;
static struct bs_err ERR;

static int setup(void **state)
{
    (void)state;
    FM = import_fm_new();
    memset(&ERR, 0, sizeof(ERR));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    import_fm_free(FM);
    FM = NULL;
    return 0;
}

static int fm(const char *text)
{
    memset(&ERR, 0, sizeof(ERR));
    return import_fm_parse(FM, "p.md", text, strlen(text), &PG, &ERR);
}

static int32_t day(const char *ymd)
{
    int32_t d;

    assert_int_equal(day_parse(ymd, &d), 0);
    return d;
}

static void list_is(const char *const *v, size_t n, const char *want)
{
    char got[1024] = "";
    size_t o = 0;

    for (size_t i = 0; i < n; i++)
        o += (size_t)snprintf(got + o, sizeof(got) - o, "%s%s",
                              i ? "|" : "", v[i]);
    assert_string_equal(got, want);
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

/* ---- YAML ------------------------------------------------------------- */

static void test_site__yaml_lists(void **state)
{
    (void)state;
    assert_int_equal(fm("---\n"
                        "title: \"Om \\\"säkerhet\\\" \\u00e9\"\n"
                        "slug: 'it''s-here'\n"
                        "date: 2023-04-05\n"
                        "tags: [Go, \"Cyber Crime\", 'x, y']\n"
                        "categories:\n"
                        "  - Tech\n"
                        "  - \"Life & Work\"\n"
                        "aliases:\n"
                        "- /old/one/\n"
                        "url: /custom/\n"
                        "---\n"
                        "# body\n"), 1);
    assert_string_equal(PG.title, "Om \"säkerhet\" é");
    assert_string_equal(PG.slug, "it's-here");
    assert_string_equal(PG.url, "/custom/");
    assert_string_equal(PG.date, "2023-04-05");
    assert_int_equal(PG.published, day("2023-04-05"));
    assert_int_equal(PG.draft, 0);
    list_is(PG.tags, PG.ntags, "Go|Cyber Crime|x, y");
    list_is(PG.categories, PG.ncategories, "Tech|Life & Work");
    list_is(PG.aliases, PG.naliases, "/old/one/");
}

static void test_site__yaml_dates(void **state)
{
    static const char *const dates[] = {
        "2023-04-05", "2023-04-05T10:00:00+02:00", "2023-04-05 10:00:00 -0700",
        "2023-04-05T23:59:59Z", "\"2023-04-05\"", "2023-04-05T10:00:00",
    };
    char text[256];

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(dates); i++) {
        snprintf(text, sizeof(text), "---\ndate: %s\n---\n", dates[i]);
        assert_int_equal(fm(text), 1);
        assert_int_equal(PG.published, day("2023-04-05"));
    }
    /* The date wins over publishDate; publishDate is used alone. */
    assert_int_equal(fm("---\npublishDate: 2020-01-01\ndate: 2021-02-03\n"
                        "---\n"), 1);
    assert_int_equal(PG.published, day("2021-02-03"));
    assert_int_equal(fm("---\npublishDate: 2020-01-01\n---\n"), 1);
    assert_int_equal(PG.published, day("2020-01-01"));
    /* No date, a null date, a date that is none: no day, never day 0. */
    assert_int_equal(fm("---\ntitle: x\n---\n"), 1);
    assert_int_equal(PG.published, IMPORT_NO_DAY);
    assert_string_equal(PG.date, "");
    assert_int_equal(fm("---\ndate: ~\n---\n"), 1);
    assert_int_equal(PG.published, IMPORT_NO_DAY);
    assert_int_equal(fm("---\ndate: yesterday\n---\n"), 1);
    assert_int_equal(PG.published, IMPORT_NO_DAY);
    assert_string_equal(PG.date, "yesterday");
    assert_int_equal(fm("---\ndate: 2023-02-30\n---\n"), 1);
    assert_int_equal(PG.published, IMPORT_NO_DAY);
}

static void test_site__yaml_missing_and_scalars(void **state)
{
    (void)state;
    /* Empty front matter, and none at all. */
    assert_int_equal(fm("---\n---\nbody\n"), 1);
    assert_string_equal(PG.title, "");
    assert_int_equal(PG.ntags, 0);
    assert_int_equal(PG.published, IMPORT_NO_DAY);
    assert_int_equal(fm("# Just Markdown\n---\n"), 0);
    assert_int_equal(fm(""), 0);
    assert_int_equal(fm("---"), 0);
    /* A string where a list goes: its words (Hugo and Jekyll). */
    assert_int_equal(fm("---\ntags: go  rust\ncategory: Big Data\n---\n"), 1);
    list_is(PG.tags, PG.ntags, "go|rust");
    list_is(PG.categories, PG.ncategories, "Big Data");
    /* Keys in any case; nested values and unknown keys skipped. */
    assert_int_equal(fm("---\nTitle: T\nparams:\n  tags: [no]\n  deep: "
                        "{a: [b, {c: d}]}\nTAGS:\n  - yes\n  - [nested]\n"
                        "  - {k: v}\n  - last\nweight: 3\n---\n"), 1);
    assert_string_equal(PG.title, "T");
    list_is(PG.tags, PG.ntags, "yes|last");
    /* Anchors and aliases are never expanded. */
    assert_int_equal(fm("---\ntags: &t [a, b]\ncategories: *t\n---\n"), 1);
    list_is(PG.tags, PG.ntags, "a|b");
    assert_int_equal(PG.ncategories, 0);
    /* A key given twice: the last. */
    assert_int_equal(fm("---\ntags: [a]\ntags: [b]\n---\n"), 1);
    list_is(PG.tags, PG.ntags, "b");
    /* "..." ends YAML too; CRLF lines and a byte order mark. */
    assert_int_equal(fm("\xEF\xBB\xBF---\r\ntitle: CRLF\r\n...\r\nx\r\n"), 1);
    assert_string_equal(PG.title, "CRLF");
}

static void test_site__drafts(void **state)
{
    (void)state;
    assert_int_equal(fm("---\ndraft: true\n---\n"), 1);
    assert_int_equal(PG.draft, 1);
    assert_int_equal(fm("---\ndraft: yes\n---\n"), 1);
    assert_int_equal(PG.draft, 1);
    assert_int_equal(fm("---\npublished: false\n---\n"), 1);
    assert_int_equal(PG.draft, 1);
    assert_int_equal(fm("---\ndraft: false\npublished: true\n---\n"), 1);
    assert_int_equal(PG.draft, 0);
    assert_int_equal(fm("+++\ndraft = true\n+++\n"), 1);
    assert_int_equal(PG.draft, 1);
    assert_int_equal(fm("+++\ndraft = false\n+++\n"), 1);
    assert_int_equal(PG.draft, 0);
}

static void test_site__yaml_garbage(void **state)
{
    (void)state;
    assert_int_equal(fm("---\ntitle: [unclosed\ndate: x\n---\n"), -1);
    assert_int_equal(ERR.status, BS_DATAERR);
    assert_non_null(strstr(ERR.msg, "p.md:"));
    assert_non_null(strstr(ERR.msg, "malformed YAML"));
    assert_non_null(strstr(ERR.msg, "line 2"));
    assert_int_equal(fm("---\ntitle: a\n  bad: indent: here\n---\n"), -1);
    assert_non_null(strstr(ERR.msg, "p.md:3:"));
    assert_int_equal(fm("---\njust a sentence\n---\n"), -1);
    assert_non_null(strstr(ERR.msg, "no mapping"));
    assert_int_equal(fm("---\n- a\n- b\n---\n"), -1);
    assert_int_equal(fm("---\ntitle: never closed\n"), -1);
    assert_non_null(strstr(ERR.msg, "p.md:1:"));
    assert_non_null(strstr(ERR.msg, "not closed"));
    assert_int_equal(fm("+++\ntitle = 'never closed'\n---\n"), -1);
    /* After an error the next file parses clean. */
    assert_int_equal(fm("---\ntitle: ok\n---\n"), 1);
    assert_string_equal(PG.title, "ok");
}

static void test_site__hostile_text(void **state)
{
    char *big = xmalloc(3 * IMPORT_MAX_TEXT + 64), *t;
    size_t o;

    (void)state;
    /* Invalid UTF-8 and control characters: valid text comes out. */
    assert_int_equal(fm("---\ntitle: \"bad \\x01 \xff\xfe bytes\"\n---\n"),
                     -1);
    assert_int_equal(fm("---\ntitle: caf\xc3\xa9 \xe2\x82\n---\n"), -1);
    assert_int_equal(fm("+++\ntitle = \"\xff\"\n+++\n"), -1);
    assert_int_equal(fm("+++\ntitle = \"a\\u0001b\"\n+++\n"), 1);
    assert_true(valid_utf8(PG.title));
    assert_null(strchr(PG.title, '\x01'));
    /* A title longer than IMPORT_MAX_TEXT is cut on a character. */
    o = (size_t)snprintf(big, 16, "---\ntitle: ");
    for (size_t i = 0; i < IMPORT_MAX_TEXT; i++, o += 2)
        memcpy(big + o, "\xc3\xa9", 2);
    memcpy(big + o, "\n---\n", 6);
    assert_int_equal(fm(big), 1);
    assert_true(strlen(PG.title) < IMPORT_MAX_TEXT);
    assert_true(strlen(PG.title) > IMPORT_MAX_TEXT - 8);
    assert_true(valid_utf8(PG.title));
    /* More than IMPORT_MAX_TERMS tags: the first ones. */
    t = big;
    o = (size_t)snprintf(t, 16, "---\ntags: [");
    for (int i = 0; i < IMPORT_MAX_TERMS + 10; i++)
        o += (size_t)snprintf(t + o, 16, "t%d,", i);
    memcpy(t + o - 1, "]\n---\n", 7);
    assert_int_equal(fm(t), 1);
    assert_int_equal(PG.ntags, IMPORT_MAX_TERMS);
    assert_string_equal(PG.tags[0], "t0");
    free(big);
}

/* ---- TOML ------------------------------------------------------------- */

static void test_site__toml(void **state)
{
    (void)state;
    assert_int_equal(fm("+++\n"
                        "title = \"Om \\\"TOML\\\" \\u00e9\"\n"
                        "slug = 'literal\\n'\n"
                        "date = 2023-04-05T10:00:00+02:00\n"
                        "tags = [\"Go\", 'Cyber Crime']\n"
                        "categories = [\n"
                        "  \"Tech\",\n"
                        "  \"Life\",   # a comment\n"
                        "]\n"
                        "aliases = [\"/old/\"]\n"
                        "weight = 3\n"
                        "[params]\n"
                        "tags = [\"not\", \"these\"]\n"
                        "+++\n"
                        "body\n"), 1);
    assert_string_equal(PG.title, "Om \"TOML\" é");
    assert_string_equal(PG.slug, "literal\\n");
    assert_int_equal(PG.published, day("2023-04-05"));
    list_is(PG.tags, PG.ntags, "Go|Cyber Crime");
    list_is(PG.categories, PG.ncategories, "Tech|Life");
    list_is(PG.aliases, PG.naliases, "/old/");
}

static void test_site__toml_dates(void **state)
{
    static const char *const dates[] = {
        "2023-04-05", "2023-04-05T10:00:00Z", "2023-04-05 23:30:00-07:00",
        "2023-04-05T10:00:00", "\"2023-04-05\"", "'2023-04-05T01:00:00+14:00'",
    };
    char text[256];

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(dates); i++) {
        snprintf(text, sizeof(text), "+++\ndate = %s\n+++\n", dates[i]);
        assert_int_equal(fm(text), 1);
        assert_int_equal(PG.published, day("2023-04-05"));
    }
    assert_int_equal(fm("+++\ntitle = \"no date\"\n+++\n"), 1);
    assert_int_equal(PG.published, IMPORT_NO_DAY);
    assert_int_equal(fm("+++\n+++\n"), 1);
    assert_int_equal(PG.published, IMPORT_NO_DAY);
    assert_int_equal(PG.ntags, 0);
}

static void test_site__toml_garbage(void **state)
{
    (void)state;
    assert_int_equal(fm("+++\ntitle = \"a\"\ntitle = \"b\"\n+++\n"), -1);
    assert_int_equal(ERR.status, BS_DATAERR);
    assert_non_null(strstr(ERR.msg, "p.md:3: malformed TOML"));
    assert_int_equal(fm("+++\ntitle: yaml in toml\n+++\n"), -1);
    assert_non_null(strstr(ERR.msg, "p.md:2:"));
    assert_int_equal(fm("+++\ntags = [\"a\",\n+++\n"), -1);
    assert_int_equal(fm("+++\ndate = 2023-13-45\n+++\n"), -1);
    assert_int_equal(fm("+++\nx = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n"
                        "+++\n"), -1);
    /* A list of values other than strings: those that say something. */
    assert_int_equal(fm("+++\ntags = [1, \"b\", [\"c\"], {k = \"v\"}]\n+++\n"),
                     1);
    list_is(PG.tags, PG.ntags, "1|b");
}

/* ---- paths ------------------------------------------------------------ */

static const char *path_of(enum import_engine e, const char *rel,
                           const char *slug, const char *url,
                           const char *date, const char *cats)
{
    static char out[512];
    const char *cv[8];
    char cbuf[256];
    struct import_page pg = {0};

    pg.title = "";
    pg.slug = slug;
    pg.url = url;
    pg.date = date;
    pg.published = date[0] ? import_parse_date(date) : IMPORT_NO_DAY;
    snprintf(cbuf, sizeof(cbuf), "%s", cats);
    for (char *c = cbuf; *c && pg.ncategories < ARRAY_SIZE(cv);) {
        char *bar = strchr(c, '|');

        cv[pg.ncategories++] = c;
        if (!bar)
            break;
        *bar = '\0';
        c = bar + 1;
    }
    pg.categories = cv;
    if (!import_page_path(e, rel, &pg, out, sizeof(out)))
        return "(none)";
    return out;
}

static void test_site__paths(void **state)
{
    const enum import_engine H = IMPORT_ENGINE_HUGO, J = IMPORT_ENGINE_JEKYLL,
                             E = IMPORT_ENGINE_ELEVENTY;

    (void)state;
    /* Hugo: section and name; bundles; slug; url; lower case. */
    assert_string_equal(path_of(H, "content/posts/hello.md", "", "", "", ""),
                        "/posts/hello/");
    assert_string_equal(path_of(H, "content/posts/My Post.markdown", "", "",
                                "", ""), "/posts/my-post/");
    assert_string_equal(path_of(H, "content/posts/hello.md", "Hi There", "",
                                "", ""), "/posts/hi-there/");
    assert_string_equal(path_of(H, "content/posts/bundle/index.md", "", "",
                                "", ""), "/posts/bundle/");
    assert_string_equal(path_of(H, "content/posts/bundle/index.md", "b2", "",
                                "", ""), "/posts/b2/");
    assert_string_equal(path_of(H, "content/about.md", "", "", "", ""),
                        "/about/");
    assert_string_equal(path_of(H, "content/a/b/c.md", "", "", "", ""),
                        "/a/b/c/");
    assert_string_equal(path_of(H, "content/posts/säk.md", "", "", "", ""),
                        "/posts/säk/");
    assert_string_equal(path_of(H, "content/posts/x.md", "", "/special/",
                                "", ""), "/special/");
    assert_string_equal(path_of(H, "content/posts/x.md", "", "rel/path/",
                                "", ""), "/rel/path/");
    assert_string_equal(path_of(H, "content/posts/_index.md", "", "", "", ""),
                        "(none)");
    assert_string_equal(path_of(H, "content/_index.md", "", "", "", ""),
                        "(none)");
    assert_string_equal(path_of(H, "content/index.md", "", "", "", ""),
                        "(none)");
    /* Jekyll posts: categories, the date (front matter first), slug. */
    assert_string_equal(path_of(J, "_posts/2020-01-02-hello-world.md", "", "",
                                "", ""), "/2020/01/02/hello-world.html");
    assert_string_equal(path_of(J, "_posts/2020-01-02-hello-world.md", "", "",
                                "", "News|Tech"),
                        "/news/tech/2020/01/02/hello-world.html");
    assert_string_equal(path_of(J, "_posts/2020-01-02-hello.md", "", "",
                                "2021-03-04 10:00:00 +0100", ""),
                        "/2021/03/04/hello.html");
    assert_string_equal(path_of(J, "_posts/2020-01-02-hello.md",
                                "Other Title!", "", "", ""),
                        "/2020/01/02/Other-Title!.html");
    assert_string_equal(path_of(J, "blog/_posts/2020-01-02-x.md", "", "", "",
                                "blog|Extra"),
                        "/blog/extra/2020/01/02/x.html");
    assert_string_equal(path_of(J, "_posts/2019/2020-01-02-x.md", "", "", "",
                                ""), "/2020/01/02/x.html");
    assert_string_equal(path_of(J, "_posts/no-date.md", "", "", "", ""),
                        "(none)");
    assert_string_equal(path_of(J, "_posts/2020-02-30-x.md", "", "", "", ""),
                        "(none)");
    assert_string_equal(path_of(J, "_posts/x.md", "", "/given/", "", ""),
                        "/given/");
    assert_string_equal(path_of(J, "_posts/2020-01-02-x.md", "",
                                "/:categories/:title/", "", ""),
                        "/2020/01/02/x.html");
    /* Jekyll pages; Eleventy. */
    assert_string_equal(path_of(J, "about.md", "", "", "", ""), "/about.html");
    assert_string_equal(path_of(J, "docs/index.md", "", "", "", ""),
                        "/docs/");
    assert_string_equal(path_of(E, "posts/First Post.md", "", "", "", ""),
                        "/posts/First Post/");
    assert_string_equal(path_of(E, "posts/index.md", "", "", "", ""),
                        "/posts/");
    assert_string_equal(path_of(E, "index.md", "", "", "", ""), "(none)");
    assert_string_equal(path_of(E, "x.md", "", "false", "", ""), "(none)");
    assert_string_equal(path_of(E, "x.md", "", "/{{ page.fileSlug }}/", "",
                                ""), "/x/");
    assert_int_equal(import_page_name_day("_posts/2020-01-02-x.md"),
                     day("2020-01-02"));
    assert_int_equal(import_page_name_day("posts/2020-01-02-x.md"),
                     IMPORT_NO_DAY);
    assert_int_equal(import_page_name_day("_posts/20-01-02-x.md"),
                     IMPORT_NO_DAY);
}

/* ---- folders ---------------------------------------------------------- */

struct run {
    char out[8192];
    size_t o;
    char errors[4096];
    size_t eo;
    int warns;
    struct import_stats st;
    struct bs_err err;
    int fail_at;          /* 1-based post whose callback fails; 0 none */
    int calls;
};

static struct run R;

static int collect(void *ctx, const struct import_post *p, struct bs_err *err)
{
    struct run *r = ctx;
    char ymd[11] = "-";

    if (++r->calls == r->fail_at)
        return bs_fail(err, BS_IOERR, "stop");
    if (p->published != IMPORT_NO_DAY)
        day_format(p->published, ymd);
    r->o += (size_t)snprintf(r->out + r->o, sizeof(r->out) - r->o, "%s|%s|%s|",
                             p->link, p->title, ymd);
    for (size_t i = 0; i < p->ntags; i++)
        r->o += (size_t)snprintf(r->out + r->o, sizeof(r->out) - r->o, "%s%s",
                                 i ? "," : "", p->tags[i]);
    r->o += (size_t)snprintf(r->out + r->o, sizeof(r->out) - r->o, "|");
    for (size_t i = 0; i < p->ncategories; i++)
        r->o += (size_t)snprintf(r->out + r->o, sizeof(r->out) - r->o, "%s%s",
                                 i ? "," : "", p->categories[i]);
    r->o += (size_t)snprintf(r->out + r->o, sizeof(r->out) - r->o, "\n");
    assert_int_equal(p->has_tags, 1);
    assert_int_equal(p->has_categories, 1);
    return 0;
}

static void on_message(void *ctx, enum sink_level level, const char *msg)
{
    (void)msg;
    if (level == SINK_WARN)
        ((struct run *)ctx)->warns++;
}

static void on_error(void *ctx, const struct bs_err *e)
{
    struct run *r = ctx;

    r->eo += (size_t)snprintf(r->errors + r->eo, sizeof(r->errors) - r->eo,
                              "%s\n", e->msg);
}

static int run_dir(const char *dir)
{
    struct sink s = {.level = SINK_INFO, .ctx = &R, .message = on_message,
                     .error = on_error};
    int fail_at = R.fail_at;

    memset(&R, 0, sizeof(R));
    R.fail_at = fail_at;
    return import_dir(dir, &s, collect, &R, &R.st, &R.err);
}

static void put(const char *dir, const char *name, const char *text)
{
    char *p = tu_path(dir, name), *slash = strrchr(p, '/');

    *slash = '\0';
    {
        char cmd[4200];

        snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", p);
        assert_int_equal(system(cmd), 0);
    }
    *slash = '/';
    free(p);
    free(tu_write(dir, name, text, strlen(text)));
}

static void test_site__hugo_dir(void **state)
{
    char *dir = tu_tmpdir(), *p;

    (void)state;
    put(dir, "config.toml", "baseURL = 'https://example.org/'\n");
    put(dir, "content/posts/hello.md",
        "---\ntitle: Hello\ndate: 2023-04-05T10:00:00+02:00\n"
        "tags: [Go, Cyber Crime]\ncategories:\n  - Tech\n---\nbody\n");
    put(dir, "content/posts/bundle/index.md",
        "+++\ntitle = \"Bundle\"\ndate = 2023-05-06\nslug = \"my-bundle\"\n"
        "tags = [\"go\", \"GO\"]\n+++\n");
    put(dir, "content/posts/bundle/image.md.png", "not markdown");
    put(dir, "content/posts/draft.md", "---\ntitle: D\ndraft: true\n---\n");
    put(dir, "content/posts/bad.md", "---\ntitle: [x\n---\n");
    put(dir, "content/posts/_index.md", "---\ntitle: Posts\n---\n");
    put(dir, "content/about.md", "About, no front matter.\n");
    put(dir, "content/posts/baddate.md", "---\ntitle: B\ndate: soon\n---\n");
    put(dir, "content/.hidden/x.md", "---\ntitle: hidden\n---\n");
    put(dir, "themes/t/exampleSite/content/posts/theme.md",
        "---\ntitle: theme\n---\n");
    put(dir, "README.md", "---\ntitle: readme\n---\n");
    /* A symlink loop, a symlink out of the folder, a FIFO named .md. */
    p = tu_path(dir, "content/posts/loop");
    assert_int_equal(symlink("..", p), 0);
    free(p);
    p = tu_path(dir, "content/outside");
    assert_int_equal(symlink("/usr/share", p), 0);
    free(p);
    p = tu_path(dir, "content/posts/fifo.md");
    assert_int_equal(mkfifo(p, 0600), 0);
    free(p);
    p = tu_path(dir, "content/posts/dangling.md");
    assert_int_equal(symlink("nowhere.md", p), 0);
    free(p);

    assert_int_equal(run_dir(dir), 0);
    assert_string_equal(R.out,
        "/about/||-||\n"
        "/posts/baddate/|B|-||\n"
        "/posts/my-bundle/|Bundle|2023-05-06|go|\n"
        "/posts/hello/|Hello|2023-04-05|go,cyber-crime|tech\n");
    assert_int_equal(R.st.format, IMPORT_SITE);
    assert_int_equal(R.st.engine, IMPORT_ENGINE_HUGO);
    assert_int_equal(R.st.posts, 4);
    assert_int_equal(R.st.bad, 1);      /* bad.md */
    assert_int_equal(R.st.skipped, 4);  /* draft, _index, fifo, dangling */
    assert_non_null(strstr(R.errors, "/content/posts/bad.md:3: malformed "
                                     "YAML front matter: did not find "
                                     "expected ',' or ']' (while parsing a "
                                     "flow sequence on line 2)"));
    assert_int_equal(R.warns, 3);       /* bad date, FIFO, dangling link */

    /* DIR may be content/ itself. */
    p = tu_path(dir, "content");
    assert_int_equal(run_dir(p), 0);
    assert_int_equal(R.st.posts, 4);
    assert_non_null(strstr(R.out, "/posts/my-bundle/|"));
    assert_non_null(strstr(R.errors, "/content/posts/bad.md:3:"));
    assert_null(strstr(R.errors, "content/content"));
    free(p);

    /* The callback's error stops the walk. */
    R.fail_at = 2;
    assert_int_equal(run_dir(dir), -1);
    R.fail_at = 0;
    assert_int_equal(R.err.status, BS_IOERR);
    assert_int_equal(R.calls, 2);
    tu_rmrf(dir);
    free(dir);
}

static void test_site__jekyll_dir(void **state)
{
    char *dir = tu_tmpdir();

    (void)state;
    put(dir, "_config.yml", "title: x\n");
    put(dir, "_posts/2020-01-02-hello-world.md",
        "---\nlayout: post\ntitle: \"Hello World\"\ncategories: News Tech\n"
        "tags: [a]\n---\n");
    put(dir, "_posts/2020-03-04-dated.markdown",
        "---\ntitle: Dated\ndate: 2020-03-05 09:00:00 +0100\n---\n");
    put(dir, "_posts/2020-05-06-unpublished.md",
        "---\ntitle: U\npublished: false\n---\n");
    put(dir, "_posts/notes.md", "---\ntitle: no date in the name\n---\n");
    put(dir, "_drafts/idea.md", "---\ntitle: idea\n---\n");
    put(dir, "_layouts/x.md", "---\ntitle: layout\n---\n");
    put(dir, "blog/_posts/2021-07-08-x.md", "---\ntitle: X\n---\n");
    put(dir, "about.md", "---\ntitle: About\n---\n");
    put(dir, "README.md", "# not a page\n");
    put(dir, "node_modules/m/readme.md", "---\ntitle: dep\n---\n");
    assert_int_equal(run_dir(dir), 0);
    assert_int_equal(R.st.engine, IMPORT_ENGINE_JEKYLL);
    assert_string_equal(R.out,
        "/news/tech/2020/01/02/hello-world.html|Hello World|2020-01-02|a|"
        "news,tech\n"
        "/2020/03/05/dated.html|Dated|2020-03-05||\n"
        "/about.html|About|-||\n"
        "/blog/2021/07/08/x.html|X|2021-07-08||blog\n");
    assert_int_equal(R.st.skipped, 3);   /* unpublished, notes, README */
    assert_int_equal(R.st.bad, 0);
    tu_rmrf(dir);
    free(dir);
}

static void test_site__eleventy_dir_and_bounds(void **state)
{
    char *dir = tu_tmpdir(), rel[2048] = "", *p;
    size_t o = 0;

    (void)state;
    put(dir, "posts/first.md", "---\ntitle: First\ndate: 2022-02-02\n---\n");
    put(dir, "posts/index.md", "---\ntitle: Posts\n---\n");
    put(dir, "index.md", "---\ntitle: Home\n---\n");
    /* A file deeper than IMPORT_DIR_DEPTH folders is not read. */
    for (int i = 0; i < IMPORT_DIR_DEPTH + 2; i++)
        o += (size_t)snprintf(rel + o, sizeof(rel) - o, "d/");
    snprintf(rel + o, sizeof(rel) - o, "deep.md");
    put(dir, rel, "---\ntitle: Deep\n---\n");
    assert_int_equal(run_dir(dir), 0);
    assert_int_equal(R.st.engine, IMPORT_ENGINE_ELEVENTY);
    assert_string_equal(R.out, "/posts/first/|First|2022-02-02||\n"
                               "/posts/|Posts|-||\n");
    assert_int_equal(R.warns, 1);
    /* Missing folder; a file given as the folder. */
    p = tu_path(dir, "nothere");
    assert_int_equal(run_dir(p), -1);
    assert_int_equal(R.err.status, BS_NOINPUT);
    free(p);
    p = tu_path(dir, "index.md");
    assert_int_equal(run_dir(p), -1);
    free(p);
    tu_rmrf(dir);
    free(dir);
}

#define T(name) cmocka_unit_test_setup_teardown(test_site__##name, setup, \
                                                teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(yaml_lists),
        T(yaml_dates),
        T(yaml_missing_and_scalars),
        T(drafts),
        T(yaml_garbage),
        T(hostile_text),
        T(toml),
        T(toml_dates),
        T(toml_garbage),
        T(paths),
        T(hugo_dir),
        T(jekyll_dir),
        T(eleventy_dir_and_bounds),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
