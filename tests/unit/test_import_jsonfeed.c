/*
 * test_import_jsonfeed.c - import.h on JSON Feeds: the fields of version
 * 1.1 and 1, escapes, items without a link, the feed found by
 * import_file() from its first character, and malformed or foreign JSON.
 *
 * Each post is written as one line "link|title|YYYY-MM-DD|tag,tag" into
 * OUT, so that a test compares a whole import with one string.
 */
#include "testutil.h"
#include "import.h"

static char OUT[4096];
static size_t O;
static struct import_stats ST;
static struct bs_err ERR;

static int collect(void *ctx, const struct import_post *p, struct bs_err *err)
{
    char ymd[11] = "-";

    (void)ctx;
    (void)err;
    if (p->published != IMPORT_NO_DAY)
        day_format(p->published, ymd);
    O += (size_t)snprintf(OUT + O, sizeof(OUT) - O, "%s|%s|%s|", p->link,
                          p->title, ymd);
    for (size_t i = 0; i < p->ntags; i++)
        O += (size_t)snprintf(OUT + O, sizeof(OUT) - O, "%s%s", i ? "," : "",
                              p->tags[i]);
    O += (size_t)snprintf(OUT + O, sizeof(OUT) - O, "\n");
    assert_int_equal(p->has_tags, 1);
    assert_int_equal(p->has_categories, 0);
    assert_null(p->type);
    return 0;
}

static int feed(const char *text)
{
    OUT[0] = '\0';
    O = 0;
    memset(&ERR, 0, sizeof(ERR));
    return import_jsonfeed("f.json", text, strlen(text), collect, NULL, &ST,
                           &ERR);
}

static void test_jsonfeed__items(void **state)
{
    (void)state;
    assert_int_equal(feed(
        "{\"version\": \"https://jsonfeed.org/version/1.1\",\n"
        " \"title\": \"Blogg\", \"home_page_url\": \"https://example.org/\",\n"
        " \"authors\": [{\"name\": \"x\", \"url\": \"https://a/\"}],\n"
        " \"items\": [\n"
        "  {\"id\": \"1\", \"url\": \"https://example.org/posts/a/\",\n"
        "   \"title\": \"Om \\\"s\\u00e4kerhet\\\" \\ud83d\\ude00 "
        "\\/ \\n x\",\n"
        "   \"content_html\": \"<p>{\\\"url\\\": \\\"no\\\"}</p>\",\n"
        "   \"date_published\": \"2023-04-05T23:30:00-07:00\",\n"
        "   \"tags\": [\"Go\", \"Cyber Crime\", \"go\", 7, [\"x\"]]},\n"
        "  {\"id\": \"https://example.org/posts/b/\", \"title\": \"B\",\n"
        "   \"date_modified\": \"2023-05-06T10:00:00Z\"},\n"
        "  {\"id\": \"tag:example.org,2023:c\", \"title\": \"no link\"},\n"
        "  {\"url\": \"/posts/d/\", \"date_published\": \"soon\"},\n"
        "  \"not an object\"\n"
        " ]}\n"), 0);
    assert_string_equal(OUT,
        "https://example.org/posts/a/|Om \"säkerhet\" \xf0\x9f\x98\x80 / x|"
        "2023-04-05|go,cyber-crime\n"
        "https://example.org/posts/b/|B|2023-05-06|\n"
        "/posts/d/||-|\n");
    assert_int_equal(ST.format, IMPORT_JSONFEED);
    assert_int_equal(ST.posts, 3);
    assert_int_equal(ST.skipped, 2);
}

static void test_jsonfeed__version_1_and_empty(void **state)
{
    (void)state;
    assert_int_equal(feed("{\"items\": [{\"url\": \"/x/\"}], "
                          "\"version\": \"https://jsonfeed.org/version/1\"}"),
                     0);
    assert_string_equal(OUT, "/x/||-|\n");
    assert_int_equal(feed("{\"version\": \"https://jsonfeed.org/version/1\"}"),
                     0);
    assert_int_equal(ST.posts, 0);
    assert_int_equal(feed("{\"version\": \"https://jsonfeed.org/version/1\","
                          " \"items\": []}"), 0);
    assert_int_equal(ST.posts, 0);
}

static void test_jsonfeed__hostile(void **state)
{
    (void)state;
    /* Not a feed, malformed, truncated: errors with the file. */
    assert_int_equal(feed("{\"items\": [{\"url\": \"/x/\"}]}"), -1);
    assert_int_equal(ERR.status, BS_DATAERR);
    assert_non_null(strstr(ERR.msg, "f.json:1: not a JSON Feed"));
    assert_int_equal(feed("[1, 2]"), -1);
    assert_non_null(strstr(ERR.msg, "not a JSON Feed"));
    assert_int_equal(feed("{\"version\": \"https://jsonfeed.org/version/1\","
                          "\n\"items\": [{\"url\": bad}]}"), -1);
    assert_non_null(strstr(ERR.msg, "f.json:2: malformed JSON"));
    assert_int_equal(feed("{\"version\": \"https://jsonfeed.org/version/1\","
                          "\n\"items\": [{\"url\": \"/x/\""), -1);
    assert_non_null(strstr(ERR.msg, "ends early"));
    assert_int_equal(feed("{\"version\": \"https://jsonfeed.org/version/1\","
                          "\n\"items\": {\"url\": \"/x/\"}}"), -1);
    assert_non_null(strstr(ERR.msg, "f.json:2: \"items\" is no array"));
    assert_int_equal(feed(""), -1);
    assert_int_equal(ST.posts, 0);
    /* Invalid UTF-8 and a lone surrogate come out valid. */
    assert_int_equal(feed("{\"version\": \"https://jsonfeed.org/version/1\","
                          "\"items\": [{\"url\": \"/x/\", \"title\": "
                          "\"a\xff\\ud800b\\u0000c\"}]}"), 0);
    assert_string_equal(OUT, "/x/|a\xef\xbf\xbd\xef\xbf\xbd"
                             "b\xef\xbf\xbd" "c|-|\n");
}

static void test_jsonfeed__import_file(void **state)
{
    static const char text[] =
        "\xEF\xBB\xBF\n  {\"version\": \"https://jsonfeed.org/version/1.1\","
        " \"items\": [{\"url\": \"https://e.org/p/\", \"title\": \"P\","
        " \"tags\": [\"T\"]}]}";
    char *dir = tu_tmpdir(), *path;

    (void)state;
    path = tu_write(dir, "feed.json", text, sizeof(text) - 1);
    OUT[0] = '\0';
    O = 0;
    assert_int_equal(import_file(path, collect, NULL, &ST, &ERR), 0);
    assert_int_equal(ST.format, IMPORT_JSONFEED);
    assert_string_equal(OUT, "https://e.org/p/|P|-|t\n");
    assert_string_equal(import_format_name(IMPORT_JSONFEED), "JSON Feed");
    free(path);
    tu_rmrf(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jsonfeed__items),
        cmocka_unit_test(test_jsonfeed__version_1_and_empty),
        cmocka_unit_test(test_jsonfeed__hostile),
        cmocka_unit_test(test_jsonfeed__import_file),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
