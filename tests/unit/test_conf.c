/*
 * test_conf.c - the INI config (README.md "Config"): defaults, every
 * setting, patterns that change classification, and errors that name
 * the file and line.
 */
#include "blogstat.h"
#include "conf.h"
#include "testutil.h"

struct fx {
    char *dir;
};

static int setup(void **state)
{
    struct fx *fx = xcalloc(1, sizeof(*fx));

    fx->dir = tu_tmpdir();
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fx *fx = *state;

    tu_rmrf(fx->dir);
    free(fx->dir);
    free(fx);
    return 0;
}

/* Write text as dir/name; the path, malloc'ed. */
static char *write_conf(void **state, const char *name, const char *text)
{
    struct fx *fx = *state;

    return tu_write(fx->dir, name, text, strlen(text));
}

static enum url_kind kind_of(const struct conf *c, const char *target,
                             const char **key)
{
    static struct url_class uc;
    enum url_kind k = classify_url(c->sites[0].rules, target, strlen(target), &uc);

    if (key)
        *key = uc.key;
    return k;
}

/* ---- defaults ----------------------------------------------------------- */

static void test_conf__defaults(void **state)
{
    struct bs_err err = {0};
    struct conf *c = conf_load(NULL, &err);
    const char *key;

    (void)state;
    assert_non_null(c);
    assert_int_equal(err.status, 0);
    assert_null(c->path);
    assert_null(c->db);
    assert_null(c->geoip);
    assert_null(c->sites[0].name);
    assert_null(c->sites[0].url);
    assert_null(c->format);
    assert_null(c->timezone);
    assert_null(c->proxies);
    assert_int_equal(c->client_xff, 0);
    assert_non_null(c->sites[0].rules);
    assert_int_equal(kind_of(c, "/2013/02/07/x/", &key), URL_POST);
    assert_string_equal(key, "/2013/02/07/x/");
    assert_int_equal(kind_of(c, "/tag/eu/", &key), URL_TAG);
    assert_string_equal(key, "eu");
    assert_int_equal(kind_of(c, "/category/politik/", &key), URL_CATEGORY);
    assert_int_equal(kind_of(c, "/private/x", NULL), URL_PAGE);
    conf_free(c);
    conf_free(NULL);
}

/* ---- a full file ---------------------------------------------------------- */

static const char full_conf[] =
    "; blogstat config, like README.md's\n"                      /* 1 */
    "# another comment\n"                                        /* 2 */
    "[site]\n"                                                   /* 3 */
    "name = Cecilia Malmstr\xC3\xB6m\n"                          /* 4 */
    "url  = https://blog.example.eu\n"                           /* 5 */
    "\n"                                                         /* 6 */
    "[urls]\n"                                                   /* 7 */
    "post     = /%year%/%monthnum%/%day%/%postname%/\n"          /* 8 */
    "tag      = /tag/%tag%/\n"                                   /* 9 */
    "category = /category/%category%/\n"                         /* 10 */
    "ignore   = /wp-admin/*  /wp-json/*\n"                       /* 11 */
    "\n"
    "[log]\n"
    "format = combined            ; common | combined | "
    "vhost_combined | a custom format string\n"
    "\n"
    "[geoip]\n"
    "database = /var/lib/GeoIP/GeoLite2-Country.mmdb\n"
    "\n"
    "[db]\n"
    "path = /var/lib/blogstat/blog.db   ; where the counts go\n";

static void test_conf__full_example(void **state)
{
    char *path = write_conf(state, "blogstat.conf", full_conf);
    struct bs_err err = {0};
    struct conf *c = conf_load(path, &err);
    const char *key;

    if (!c)
        fail_msg("conf_load: %s", err.msg);
    assert_int_equal(err.status, 0);
    assert_string_equal(c->path, path);
    assert_string_equal(c->sites[0].name, "Cecilia Malmstr\xC3\xB6m");
    assert_string_equal(c->sites[0].url, "https://blog.example.eu");
    assert_string_equal(c->format, "combined");
    assert_string_equal(c->geoip, "/var/lib/GeoIP/GeoLite2-Country.mmdb");
    assert_string_equal(c->db, "/var/lib/blogstat/blog.db");
    assert_int_equal(kind_of(c, "/2013/02/07/s%C3%A4kerhet/", &key),
                     URL_POST);
    assert_string_equal(key, "/2013/02/07/s\xC3\xA4kerhet/");
    assert_int_equal(kind_of(c, "/tag/eu/page/2/", &key), URL_TAG);
    assert_string_equal(key, "eu");
    assert_int_equal(kind_of(c, "/category/a/b/", &key), URL_CATEGORY);
    assert_string_equal(key, "b");
    assert_int_equal(kind_of(c, "/wp-json/wp/v2/posts", NULL), URL_ADMIN);
    conf_free(c);
    free(path);
}

static void test_conf__formats(void **state)
{
    static const struct {
        const char *value, *format;
    } cases[] = {
        {"common", "common"},
        {"combined", "combined"},
        {"auto", "auto"},
        {"common   ; no user agents", "common"},
        {"vhost_combined", "vhost_combined"},
        {"nginx", "nginx"},
        {"caddy", "caddy"},
        {"%h %l %u %t \"%r\" %>s %b", "%h %l %u %t \"%r\" %>s %b"},
        {"$remote_addr - $remote_user [$time_local] \"$request\" $status "
         "$body_bytes_sent", "$remote_addr - $remote_user [$time_local] "
         "\"$request\" $status $body_bytes_sent"},
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char text[256], *path;
        struct bs_err err = {0};
        struct conf *c;

        snprintf(text, sizeof(text), "[log]\nformat = %s\n", cases[i].value);
        path = write_conf(state, "f.conf", text);
        c = conf_load(path, &err);
        free(path);
        if (!c)
            fail_msg("format '%s': %s", cases[i].value, err.msg);
        if (!c->format || strcmp(c->format, cases[i].format) != 0) {
            conf_free(c);
            fail_msg("format '%s' read wrong", cases[i].value);
        }
        conf_free(c);
    }
}

/* A format longer than a config line goes on over indented lines. */
static void test_conf__long_format(void **state)
{
    char *path = write_conf(
        state, "long.conf",
        "[log]\n"
        "format = $remote_addr - $remote_user [$time_local] \"$request\"\n"
        "    $status $body_bytes_sent \"$http_referer\"\n"
        "\t\"$http_user_agent\" \"$http_x_forwarded_for\"\n"
        "timezone = Europe/Stockholm\n");
    struct bs_err err = {0};
    struct conf *c = conf_load(path, &err);

    free(path);
    if (!c)
        fail_msg("conf_load: %s", err.msg);
    assert_string_equal(c->format,
                        "$remote_addr - $remote_user [$time_local] "
                        "\"$request\" $status $body_bytes_sent "
                        "\"$http_referer\" \"$http_user_agent\" "
                        "\"$http_x_forwarded_for\"");
    assert_string_equal(c->timezone, "Europe/Stockholm");
    conf_free(c);
}

/* The json_* keys make the map given to the parser. */
static void test_conf__json_map(void **state)
{
    char *path = write_conf(state, "json.conf",
                            "[log]\n"
                            "format = json\n"
                            "json_client = remote|client.ip\n"
                            "json_time = time\n"
                            "json_status = status\n"
                            "json_uri = uri\n"
                            "json_agent = ua\n"
                            "json_xff = xff\n"
                            "timezone = +01:00\n");
    struct bs_err err = {0};
    struct conf *c = conf_load(path, &err);
    struct log_json_map map;
    struct parse_options opt;

    free(path);
    if (!c)
        fail_msg("conf_load: %s", err.msg);
    conf_parse_options(c, &map, &opt);
    assert_ptr_equal(opt.json, &map);
    assert_string_equal(opt.timezone, "+01:00");
    assert_string_equal(map.client, "remote|client.ip");
    assert_string_equal(map.time, "time");
    assert_string_equal(map.status, "status");
    assert_string_equal(map.uri, "uri");
    assert_string_equal(map.agent, "ua");
    assert_string_equal(map.xff, "xff");
    assert_null(map.method);
    assert_null(map.request);
    assert_null(map.referer);
    assert_null(map.host);
    assert_int_equal(conf_check_format(c, NULL, &err), 0);
    conf_free(c);
}

/* trusted_proxies over several lines, and client = x_forwarded_for. */
static void test_conf__proxies(void **state)
{
    char *path = write_conf(state, "px.conf",
                            "[log]\n"
                            "format = nginx_main\n"
                            "trusted_proxies = 10.0.0.0/8 ::1\n"
                            "trusted_proxies = 192.168.0.0/16, 127.0.0.1\n"
                            "client = x_forwarded_for\n");
    struct bs_err err = {0};
    struct conf *c = conf_load(path, &err);

    free(path);
    if (!c)
        fail_msg("conf_load: %s", err.msg);
    assert_int_equal(c->client_xff, 1);
    assert_non_null(c->proxies);
    assert_int_equal(proxies_count(c->proxies), 4);
    assert_true(proxies_contains(c->proxies, "10.9.8.7", 8));
    assert_true(proxies_contains(c->proxies, "192.168.3.4", 11));
    assert_true(proxies_contains(c->proxies, "::1", 3));
    assert_false(proxies_contains(c->proxies, "203.0.113.9", 11));
    conf_free(c);
}

/* [site] exclude and [site NAME] exclude: each site's own, over lines. */
static void test_conf__exclude(void **state)
{
    char *path = write_conf(state, "ex.conf",
                            "[site]\n"
                            "exclude = 192.168.0.0/16 2001:db8::/32\n"
                            "exclude = 172.17.0.1, ::1\n"
                            "[site other]\n"
                            "hosts = other.example\n"
                            "exclude = 198.51.100.7\n"
                            "[site third]\n"
                            "hosts = third.example\n");
    struct bs_err err = {0};
    struct conf *c = conf_load(path, &err);

    free(path);
    if (!c)
        fail_msg("conf_load: %s", err.msg);
    assert_int_equal(c->nsites, 3);
    assert_int_equal(netrange_count(c->sites[0].exclude), 4);
    assert_true(netrange_contains(c->sites[0].exclude, "192.168.1.10", 12));
    assert_true(netrange_contains(c->sites[0].exclude, "172.17.0.1", 10));
    assert_true(netrange_contains(c->sites[0].exclude, "2001:db8::5", 11));
    assert_false(netrange_contains(c->sites[0].exclude, "198.51.100.7", 12));
    assert_true(netrange_contains(c->sites[1].exclude, "198.51.100.7", 12));
    assert_false(netrange_contains(c->sites[1].exclude, "192.168.1.10", 12));
    assert_null(c->sites[2].exclude);
    conf_free(c);
}

static void test_conf__hugo(void **state)
{
    char *path = write_conf(state, "hugo.conf",
                            "[site]\n"
                            "name = A Hugo blog\n"
                            "[urls]\n"
                            "post = /posts/%postname%/\n"
                            "tag = /tags/%tag%/\n"
                            "category = /categories/%category%/\n");
    struct bs_err err = {0};
    struct conf *c = conf_load(path, &err);
    const char *key;

    if (!c)
        fail_msg("conf_load: %s", err.msg);
    assert_null(c->format);
    assert_null(c->db);
    assert_int_equal(kind_of(c, "/posts/hello-world/", &key), URL_POST);
    assert_string_equal(key, "/posts/hello-world/");
    assert_int_equal(kind_of(c, "/posts/hello-world", &key), URL_POST);
    assert_string_equal(key, "/posts/hello-world/");
    assert_int_equal(kind_of(c, "/tags/go/", &key), URL_TAG);
    assert_string_equal(key, "go");
    assert_int_equal(kind_of(c, "/categories/tech/", &key), URL_CATEGORY);
    assert_string_equal(key, "tech");
    /* the WordPress shapes are gone */
    assert_int_equal(kind_of(c, "/2013/02/07/x/", &key), URL_PAGE);
    assert_string_equal(key, "/2013/02/07/x/");
    assert_int_equal(kind_of(c, "/tag/eu/", &key), URL_PAGE);
    conf_free(c);
    free(path);
}

static void expect_error(void **state, const char *text, int line,
                         const char *want, const char *not_want);

/* preset = gives an engine's shapes; a pattern of [urls] wins, above
 * or below it; [urls NAME] takes one too. */
static void test_conf__preset(void **state)
{
    char *path = write_conf(state, "preset.conf",
                            "[urls]\n"
                            "tag = /topics/%tag%/\n"             /* 2 */
                            "preset = hugo\n"                    /* 3 */
                            "category = /c/%category%/\n"        /* 4 */
                            "[site g]\n"
                            "hosts = g.example\n"
                            "[urls g]\n"
                            "preset = ghost\n");
    struct bs_err err = {0};
    struct conf *c = conf_load(path, &err);
    struct url_class uc;
    const char *key;

    if (!c)
        fail_msg("conf_load: %s", err.msg);
    assert_int_equal(kind_of(c, "/posts/hello/", &key), URL_POST);
    assert_string_equal(key, "/posts/hello/");
    assert_int_equal(kind_of(c, "/posts/index.xml", NULL), URL_FEED);
    assert_int_equal(kind_of(c, "/topics/go/", &key), URL_TAG);
    assert_string_equal(key, "go");
    assert_int_equal(kind_of(c, "/tags/go/", &key), URL_PAGE);
    assert_int_equal(kind_of(c, "/c/tech/", &key), URL_CATEGORY);
    assert_int_equal(kind_of(c, "/categories/tech/", NULL), URL_PAGE);
    /* hugo has no date archives and no author pages */
    assert_int_equal(kind_of(c, "/2013/", &key), URL_PAGE);
    assert_int_equal(kind_of(c, "/author/x/", &key), URL_PAGE);
    /* the site of [urls g] is Ghost's */
    assert_int_equal(conf_site_find(c, "g"), 1);
    assert_int_equal(classify_url(c->sites[1].rules, "/hello/", 7, &uc),
                     URL_POST);
    assert_int_equal(classify_url(c->sites[1].rules, "/tag/x/rss/", 11,
                                  &uc), URL_FEED);
    assert_int_equal(classify_url(c->sites[1].rules, "/ghost/", 7, &uc),
                     URL_ADMIN);
    conf_free(c);
    free(path);

    /* an author pattern of its own */
    path = write_conf(state, "author.conf",
                      "[urls]\nauthor = /writers/%author%/\n");
    c = conf_load(path, &err);
    if (!c)
        fail_msg("conf_load: %s", err.msg);
    assert_int_equal(kind_of(c, "/writers/cecilia/", &key), URL_ARCHIVE);
    assert_string_equal(key, "/writers/cecilia/");
    assert_int_equal(kind_of(c, "/author/cecilia/", &key), URL_PAGE);
    conf_free(c);
    free(path);

    expect_error(state, "[urls]\npost = /p/%postname%/\npreset = blogger\n",
                 3, "blogger", NULL);
    expect_error(state, "[urls]\npreset =\n", 2, "preset", NULL);
    expect_error(state, "[urls]\nauthor = /writers/%tag%/\n", 2, "author",
                 NULL);
}

static void test_conf__ignore(void **state)
{
    char *path = write_conf(state, "ignore.conf",
                            "[urls]\n"
                            "ignore = /wp-admin/* /private/*\n"
                            "ignore = \t*.bak\t /drafts/*  \n");
    struct bs_err err = {0};
    struct conf *c = conf_load(path, &err);

    if (!c)
        fail_msg("conf_load: %s", err.msg);
    assert_int_equal(kind_of(c, "/private/x", NULL), URL_IGNORED);
    assert_int_equal(kind_of(c, "/private/a/b/", NULL), URL_IGNORED);
    assert_int_equal(kind_of(c, "/x.bak", NULL), URL_IGNORED);
    assert_int_equal(kind_of(c, "/drafts/one/", NULL), URL_IGNORED);
    /* admin comes before ignored */
    assert_int_equal(kind_of(c, "/wp-admin/x", NULL), URL_ADMIN);
    assert_int_equal(kind_of(c, "/public/", NULL), URL_PAGE);
    assert_int_equal(kind_of(c, "/privatex", NULL), URL_PAGE);
    conf_free(c);
    free(path);
}

static void test_conf__crlf_and_bom(void **state)
{
    char *path = write_conf(state, "win.conf",
                            "\xEF\xBB\xBF[site]\r\n"
                            "name = Windows\r\n"
                            "[urls]\r\n"
                            "post = /posts/%postname%/\r\n"
                            "[log]\r\n"
                            "format = common\r\n");
    struct bs_err err = {0};
    struct conf *c = conf_load(path, &err);
    const char *key;

    if (!c)
        fail_msg("conf_load: %s", err.msg);
    assert_string_equal(c->sites[0].name, "Windows");
    assert_string_equal(c->format, "common");
    assert_int_equal(kind_of(c, "/posts/x/", &key), URL_POST);
    assert_string_equal(key, "/posts/x/");
    conf_free(c);
    free(path);
}

/*
 * Lines longer than inih's default buffer (200 bytes) must not be cut into
 * a second "line": a long comment, a long ignore list.
 */
static void test_conf__long_comment_line(void **state)
{
    char text[1024], *path;
    struct bs_err err = {0};
    struct conf *c;

    strcpy(text, "; ");
    memset(text + 2, 'x', 300);
    text[302] = '\0';
    strcat(text, " = not a setting\n[site]\nname = after the long line\n");
    path = write_conf(state, "long.conf", text);
    c = conf_load(path, &err);
    free(path);
    if (!c)
        fail_msg("a config with a 320-byte comment line: %s", err.msg);
    assert_string_equal(c->sites[0].name, "after the long line");
    conf_free(c);
}

/*
 * A setting has no length limit, though Debian's inih reads 199 bytes of a
 * line: a long ignore list on one line, an nginx log_format pasted whole,
 * a long indented line going on, and a trailing "; comment" left out.
 */
static void test_conf__long_settings(void **state)
{
    static const char fmt[] =
        "$remote_addr - $remote_user [$time_local] \"$request\" $status "
        "$body_bytes_sent \"$http_referer\" \"$http_user_agent\" "
        "\"$http_x_forwarded_for\" rt=$request_time uct=\"$upstream_"
        "connect_time\" uht=\"$upstream_header_time\" urt=\"$upstream_"
        "response_time\" host=\"$host\" tls=$ssl_protocol/$ssl_cipher";
    char text[8192], *path;
    struct bs_err err = {0};
    struct url_class uc;
    struct conf *c;

    assert_true(strlen(fmt) > 250);
    strcpy(text, "[urls]\nignore =");
    for (int i = 0; i < 40; i++) {
        char g[32];

        snprintf(g, sizeof(g), " /dir%02d/*", i);
        strcat(text, g);
    }
    strcat(text, "   ; forty folders\n[log]\nformat = ");
    strcat(text, fmt);
    strcat(text, "\n[site]\nname = after the long lines\nhosts = a.example\n");
    strcat(text, "   ");
    for (int i = 0; i < 30; i++) {
        char h[32];

        snprintf(h, sizeof(h), " host%02d.example.org", i);
        strcat(text, h);
    }
    strcat(text, "\n");
    path = write_conf(state, "long.conf", text);
    c = conf_load(path, &err);
    free(path);
    if (!c)
        fail_msg("conf_load: %s", err.msg);
    assert_string_equal(c->format, fmt);
    assert_string_equal(c->sites[0].name, "after the long lines");
    assert_int_equal(classify_url(c->sites[0].rules, "/dir00/x", 8, &uc),
                     URL_IGNORED);
    assert_int_equal(classify_url(c->sites[0].rules, "/dir39/x", 8, &uc),
                     URL_IGNORED);
    assert_int_not_equal(classify_url(c->sites[0].rules, "/dir40/x", 8, &uc),
                         URL_IGNORED);
    assert_int_equal(conf_site_of_host(c, "host29.example.org", 18), 0);
    assert_int_equal(c->sites[0].nhosts, 31);
    conf_free(c);
}

/* What a long line cannot be: a section header, a key of 300 bytes, or
 * a line of no setting; each an error naming its line. */
static void test_conf__long_line_errors(void **state)
{
    /* Each case: what comes before and after 300 bytes of 'x'. */
    const char *what[][2] = {{"[site ", "]"}, {"k", " = 1"},
                             {"just words ", ""}};

    for (size_t i = 0; i < ARRAY_SIZE(what); i++) {
        char fill[301], text[512], *path, want[600];
        struct bs_err err = {0};
        struct conf *c;

        memset(fill, 'x', 300);
        fill[300] = '\0';
        snprintf(text, sizeof(text), "[site]\nname = n\n");
        snprintf(text + strlen(text), sizeof(text) - strlen(text),
                 "%s%s%s\n", what[i][0], fill, what[i][1]);
        path = write_conf(state, "bad.conf", text);
        c = conf_load(path, &err);
        assert_null(c);
        assert_int_equal(err.status, BS_USAGE);
        snprintf(want, sizeof(want), "%s:3: ", path);
        if (strncmp(err.msg, want, strlen(want)) != 0)
            fail_msg("case %zu: '%s' does not start with '%s'", i, err.msg,
                     want);
        free(path);
    }
}

static void test_conf__ignore_lines_add_up(void **state)
{
    char *path;
    struct bs_err err = {0};
    struct conf *c;

    path = write_conf(state, "two.conf",
                      "[urls]\nignore = /a/*  /b/*\nignore = /c/*\n");
    c = conf_load(path, &err);
    free(path);
    if (!c)
        fail_msg("two ignore lines: %s", err.msg);
    assert_int_equal(kind_of(c, "/a/x", NULL), URL_IGNORED);
    assert_int_equal(kind_of(c, "/b/x", NULL), URL_IGNORED);
    assert_int_equal(kind_of(c, "/c/x", NULL), URL_IGNORED);
    assert_int_equal(kind_of(c, "/d/x", NULL), URL_PAGE);
    conf_free(c);
}

/* ---- errors ---------------------------------------------------------------- */

/*
 * Load text; it must fail with status, and a message starting with
 * "PATH:LINE: " that contains want (when not NULL).
 */
static void expect_error(void **state, const char *text, int line,
                         const char *want, const char *not_want)
{
    char *path = write_conf(state, "bad.conf", text);
    struct bs_err err = {0};
    struct conf *c = conf_load(path, &err);
    char prefix[1024];
    int ok_prefix, ok_want, ok_not;

    snprintf(prefix, sizeof(prefix), "%s:%d: ", path, line);
    ok_prefix = strncmp(err.msg, prefix, strlen(prefix)) == 0;
    ok_want = !want || strstr(err.msg, want) != NULL;
    ok_not = !not_want || strstr(err.msg, not_want) == NULL;
    free(path);
    if (c) {
        conf_free(c);
        fail_msg("accepted:\n%s", text);
    }
    if (err.status != BS_USAGE)
        fail_msg("status %d, expected %d (%s)", err.status, BS_USAGE,
                 err.msg);
    if (!ok_prefix)
        fail_msg("message '%s' does not start with '%s'", err.msg, prefix);
    if (!ok_want)
        fail_msg("message '%s' does not mention '%s'", err.msg, want);
    if (!ok_not)
        fail_msg("message '%s' should not mention '%s'", err.msg, not_want);
    assert_null(strchr(err.msg, '\n'));
}

static void test_conf__unknown_key(void **state)
{
    expect_error(state,
                 "[site]\n"
                 "name = x\n"
                 "colour = blue\n",
                 3, "colour", NULL);
    expect_error(state,
                 "; comment\n"
                 "\n"
                 "[urls]\n"
                 "post = /%year%/%postname%/\n"
                 "page = /%pagename%/\n",
                 5, "page", NULL);
    /* a key before any section */
    expect_error(state, "name = x\n", 1, "name", NULL);
}

static void test_conf__unknown_section(void **state)
{
    expect_error(state,
                 "[site]\n"
                 "name = x\n"
                 "\n"
                 "[sites]\n"
                 "name = y\n",
                 4, "sites", NULL);
}

/* conf.h: "Unknown sections ... are errors naming the file and line" -
 * also one that holds no key yet (a typo such as "[url]"). */
static void test_conf__unknown_empty_section(void **state)
{
    expect_error(state,
                 "[site]\n"
                 "name = x\n"
                 "[url]\n",
                 3, "url", NULL);
}

static void test_conf__bad_pattern(void **state)
{
    expect_error(state,
                 "[urls]\n"
                 "; posts\n"
                 "post = posts/%postname%/\n",
                 3, "posts/%postname%/", NULL);
    expect_error(state,
                 "[urls]\n"
                 "tag = /tags/\n",
                 2, "/tags/", NULL);
    expect_error(state,
                 "[urls]\n"
                 "post = /%year%/%slug%/\n",
                 2, "%slug%", NULL);
    expect_error(state,
                 "[urls]\n"
                 "ignore = /ok/* bad/*\n",
                 2, "bad/*", NULL);
}

static void test_conf__bad_format(void **state)
{
    expect_error(state,
                 "[site]\n"
                 "name = x\n"
                 "[log]\n"
                 "format = apache2\n",
                 4, "apache2", NULL);
    expect_error(state, "[log]\nformat =\n", 2, "format", NULL);
    /* a format string that cannot be read: two fields with nothing
     * between them, an unknown directive or variable */
    expect_error(state, "[log]\nformat = %h%l %t \"%r\" %>s\n", 2, "%h%l",
                 NULL);
    expect_error(state, "[log]\nformat = $remote_addr [$time_local] "
                 "\"$request\" $status $nosuchvar\n", 2, "$nosuchvar",
                 NULL);
    /* json without a map; a map for a text format */
    expect_error(state, "[log]\nformat = json\n", 2, "json", NULL);
    expect_error(state, "; x\n[log]\nformat = combined\njson_time = ts\n", 3,
                 "json_time", NULL);
    /* a time zone that does not exist: named with the format's line */
    expect_error(state, "[log]\nformat = caddy\ntimezone = Mars/Olympus\n",
                 2, "Mars/Olympus", NULL);
    expect_error(state, "[log]\ntimezone = +25:00\n", 2, "+25:00", NULL);
}

static void test_conf__bad_proxies(void **state)
{
    expect_error(state, "[log]\ntrusted_proxies = 10.0.0.0/8\n"
                 "trusted_proxies = 10.0.0.1/8\n", 3, "10.0.0.1/8", NULL);
    expect_error(state, "[log]\ntrusted_proxies = proxy.example.com\n", 2,
                 "proxy.example.com", NULL);
    expect_error(state, "[log]\nclient = x_forwarded_for\n", 2,
                 "trusted_proxies", NULL);
    expect_error(state, "[log]\ntrusted_proxies = 10.0.0.0/8\n"
                 "client = cf-connecting-ip\n", 3, "cf-connecting-ip", NULL);
}

static void test_conf__bad_exclude(void **state)
{
    expect_error(state, "[site]\nexclude = 192.168.0.0/16\n"
                 "exclude = 192.168.1.0/16\n", 3, "192.168.0.0/16", NULL);
    expect_error(state, "[site]\nurl = https://a.example\n\n"
                 "[site b]\nhosts = b.example\nexclude = home-router\n", 6,
                 "'home-router' is not an IP address", NULL);
    expect_error(state, "[site]\nexclude = 10.0.0.0/33\n", 2, "0 to 32",
                 NULL);
    expect_error(state, "[urls]\nexclude = 10.0.0.0/8\n", 2,
                 "unknown setting 'exclude'", NULL);
}

static void test_conf__syntax_error(void **state)
{
    expect_error(state,
                 "[site]\n"
                 "name x\n",
                 2, NULL, NULL);
    expect_error(state,
                 "[site\n"
                 "name = x\n",
                 1, NULL, NULL);
}

static void test_conf__first_error_wins(void **state)
{
    /* two bad settings: the first one's line and message */
    expect_error(state,
                 "[site]\n"
                 "colour = blue\n"
                 "[log]\n"
                 "format = apache2\n",
                 2, "colour", "apache2");
    /* a bad setting, then a syntax error */
    expect_error(state,
                 "[site]\n"
                 "colour = blue\n"
                 "not a setting\n",
                 2, "colour", NULL);
}

/* A syntax error, then a bad setting: the message must be the one of the
 * line it names. */
static void test_conf__syntax_error_then_bad_setting(void **state)
{
    expect_error(state,
                 "[site]\n"
                 "name = x\n"
                 "not a setting\n"
                 "colour = blue\n",
                 3, NULL, "colour");
}

static void test_conf__missing_file(void **state)
{
    struct fx *fx = *state;
    char *path = tu_path(fx->dir, "no-such.conf");
    struct bs_err err = {0};
    struct conf *c = conf_load(path, &err);

    assert_null(c);
    assert_int_equal(err.status, BS_NOINPUT);
    if (!strstr(err.msg, path))
        fail_msg("message '%s' does not name '%s'", err.msg, path);
    free(path);
}

/* A directory opens with fopen() but is no config: an error, not the
 * defaults. */
static void test_conf__directory(void **state)
{
    struct fx *fx = *state;
    struct bs_err err = {0};
    struct conf *c = conf_load(fx->dir, &err);

    if (c) {
        conf_free(c);
        fail_msg("a directory was read as a config");
    }
    assert_true(err.status == BS_NOINPUT || err.status == BS_IOERR);
}


/* ---- sites ----------------------------------------------------------------- */

static int site_of(const struct conf *c, const char *host)
{
    return conf_site_of_host(c, host, strlen(host));
}

/* [site NAME] and [urls NAME]: their own names, hosts and URL rules; a
 * line's host finds its site in any case, with a port or a trailing dot;
 * the rest is the default site's. */
static void test_conf__sites(void **state)
{
    char *path = write_conf(state, "s.conf",
                            "[site]\nname = Blog\nurl = http://Blog.example.org\n"
                            "[urls photos]\npost = /p/%postname%/\n"
                            "[site photos]\nname = Photos\n"
                            "url = https://Photos.Example.org:8443/x/\n"
                            "hosts = pics.example.org *.cdn.example.org\n"
                            "hosts = PICS.example.org [2001:db8::1]\n"
                            "[site b-2.x_y]\nhosts = b.example "
                            "y.cdn.example.org *.z.cdn.example.org\n");
    struct bs_err err = {0};
    struct conf *c = conf_load(path, &err);
    static struct url_class uc;
    int k;

    free(path);
    if (!c)
        fail_msg("%s", err.msg);
    assert_int_equal(c->nsites, 3);
    assert_string_equal(c->sites[0].id, "default");
    assert_string_equal(c->sites[0].name, "Blog");
    assert_int_equal(c->sites[0].nhosts, 1);     /* its url's */
    assert_int_equal(site_of(c, "blog.example.org:80"), 0);
    k = conf_site_find(c, "photos");
    assert_int_equal(k, 1);
    assert_string_equal(c->sites[k].name, "Photos");
    /* Named twice (in another case): once; the url's host is one too. */
    assert_int_equal(c->sites[k].nhosts, 4);
    assert_string_equal(c->sites[k].hosts[0], "pics.example.org");
    assert_string_equal(c->sites[k].hosts[3], "photos.example.org");
    assert_int_equal(conf_site_find(c, "b-2.x_y"), 2);
    assert_int_equal(conf_site_find(c, "default"), 0);
    assert_int_equal(conf_site_find(c, "nope"), -1);

    assert_int_equal(site_of(c, "pics.example.org"), 1);
    assert_int_equal(site_of(c, "PICS.Example.ORG"), 1);
    assert_int_equal(site_of(c, "pics.example.org:443"), 1);
    assert_int_equal(site_of(c, "pics.example.org."), 1);
    assert_int_equal(site_of(c, "pics.example.org.:80"), 1);
    assert_int_equal(site_of(c, "photos.example.org"), 1);
    assert_int_equal(site_of(c, "a.cdn.example.org"), 1);
    assert_int_equal(site_of(c, "x.y.cdn.example.org"), 1);
    assert_int_equal(site_of(c, "[2001:db8::1]:443"), 1);
    assert_int_equal(site_of(c, "b.example"), 2);
    /* A name itself before any wildcard; the longer wildcard first. */
    assert_int_equal(site_of(c, "y.cdn.example.org"), 2);
    assert_int_equal(site_of(c, "a.z.cdn.example.org"), 2);
    /* Not theirs: */
    assert_int_equal(site_of(c, "cdn.example.org"), -1);
    assert_int_equal(site_of(c, "xcdn.example.org"), -1);
    assert_int_equal(site_of(c, "pics.example.org.evil"), -1);
    assert_int_equal(site_of(c, "evilpics.example.org"), -1);
    assert_int_equal(site_of(c, "b.example.com"), -1);
    assert_int_equal(site_of(c, ""), -1);
    assert_int_equal(site_of(c, "-"), -1);
    /* Each site classifies with its own rules. */
    assert_int_equal(classify_url(c->sites[1].rules, "/p/cat/", 7, &uc),
                     URL_POST);
    assert_int_equal(classify_url(c->sites[0].rules, "/p/cat/", 7, &uc),
                     URL_PAGE);
    assert_int_equal(classify_url(c->sites[2].rules, "/2013/02/07/x/", 14,
                                  &uc), URL_POST);
    conf_free(c);
}

/* One site: no line looks for a site. */
static void test_conf__one_site(void **state)
{
    struct bs_err err = {0};
    struct conf *c = conf_load(NULL, &err);

    (void)state;
    assert_int_equal(c->nsites, 1);
    assert_int_equal(site_of(c, "blog.example.eu"), -1);
    conf_free(c);
}

static void test_conf__bad_sites(void **state)
{
    char many[4096] = "";

    expect_error(state, "[site default]\nhosts = a.example\n", 1,
                 "'default'", NULL);
    expect_error(state, "[site a b]\nhosts = a.example\n", 1,
                 "a site's name", NULL);
    expect_error(state, "[urls a/b]\npost = /%postname%/\n", 1,
                 "a site's name", NULL);
    /* A name is a folder of the report: never "." or "..". */
    expect_error(state, "[site ..]\nhosts = a.example\n", 1,
                 "a site's name", NULL);
    expect_error(state, "[site .]\nhosts = a.example\n", 1,
                 "a site's name", NULL);
    expect_error(state, "[urls ...]\npost = /%postname%/\n", 1,
                 "not dots alone", NULL);
    expect_error(state, "[site]\n[site a]\nname = A\n", 2, "no hosts", NULL);
    expect_error(state, "[urls a]\npost = /p/%postname%/\n", 1, "no hosts",
                 NULL);
    expect_error(state, "[site a]\nhosts = a.example\n[site b]\n"
                 "hosts = x.example A.example:80\n", 3,
                 "'a.example' is named by site 'a' and by site 'b'", NULL);
    expect_error(state, "[site a]\nhosts = a.example\n"
                 "hosts = a.ex<ample\n", 3, "not a host name", NULL);
    expect_error(state, "[site]\nurl = https://a.example/\n[site a]\n"
                 "hosts = a.example\n", 3, "by site 'default' and by site 'a'",
                 NULL);
    expect_error(state, "[site a]\nhosts = 02[01:db8::1]\n", 2,
                 "not a host name", NULL);
    expect_error(state, "[site a]\nhosts = a.*.example\n", 2,
                 "not a host name", NULL);
    expect_error(state, "[site a]\nhosts = a.example\nport = 80\n", 3,
                 "unknown setting 'port'", NULL);
    expect_error(state, "[site a]\nhosts = a.example\n[urls a]\n"
                 "post = /no-tag/\n", 4, NULL, NULL);
    for (int i = 0; i < CONF_SITES_MAX; i++) {
        size_t n = strlen(many);

        snprintf(many + n, sizeof(many) - n, "[site s%d]\nhosts = h%d.x\n", i,
                 i);
    }
    expect_error(state, many, 2 * (CONF_SITES_MAX - 1) + 1, "more than",
                 NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_conf__sites, setup, teardown),
        cmocka_unit_test(test_conf__one_site),
        cmocka_unit_test_setup_teardown(test_conf__bad_sites, setup,
                                        teardown),
        cmocka_unit_test(test_conf__defaults),
        cmocka_unit_test_setup_teardown(test_conf__full_example, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conf__formats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conf__long_format, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conf__json_map, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conf__proxies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conf__bad_proxies, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conf__bad_exclude, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conf__exclude, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conf__hugo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conf__preset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conf__ignore, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conf__crlf_and_bom, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conf__long_comment_line, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conf__long_settings, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conf__long_line_errors, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conf__unknown_key, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conf__unknown_section, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conf__ignore_lines_add_up, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conf__unknown_empty_section,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_conf__bad_pattern, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conf__bad_format, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conf__syntax_error, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conf__first_error_wins, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_conf__syntax_error_then_bad_setting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conf__missing_file, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_conf__directory, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
