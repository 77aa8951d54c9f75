/*
 * test_parser.c - parser.h: common and combined lines, every field, the
 * escapes Apache and nginx write, every reason a line is bad, local dates
 * and the date cache.
 *
 * Every line is copied into a heap buffer of exactly its length, so that
 * under ASan a read past line[n) is caught.
 */
#include "testutil.h"
#include "parser.h"

static char *g_line;     /* the last line given to parse(), exact size */
static size_t g_len;

static enum parse_status parse_n(struct parser *p, const char *line,
                                 size_t n, struct logrec *rec)
{
    free(g_line);
    g_line = xmalloc(n);
    if (n)
        memcpy(g_line, line, n);
    g_len = n;
    memset(rec, 0xa5, sizeof(*rec));
    return parse_line(p, g_line, n, rec);
}

static enum parse_status parse(struct parser *p, const char *line,
                               struct logrec *rec)
{
    return parse_n(p, line, strlen(line), rec);
}

/* Parse with a fresh parser of format. */
static enum parse_status parse_fmt(enum log_format fmt, const char *line,
                                   struct logrec *rec)
{
    struct parser *p = parser_new(fmt);
    enum parse_status st = parse(p, line, rec);

    parser_free(p);
    return st;
}

static void done(void)
{
    free(g_line);
    g_line = NULL;
}

static void check_slice(struct slice s, const char *want, const char *what)
{
    size_t n = strlen(want);

    if (s.n > 0 || s.p) {
        if (s.p < g_line || s.p + s.n > g_line + g_len)
            fail_msg("%s: slice outside the line", what);
    }
    if (!slice_eq(s, want, n))
        fail_msg("%s: \"%.*s\" (%zu bytes), want \"%s\"", what, (int)s.n,
                 s.p ? s.p : "", s.n, want);
}

static void check_day(int32_t day, const char *want)
{
    char buf[11];

    day_format(day, buf);
    assert_string_equal(buf, want);
}

#define EXPECT_STATUS(fmt, line, want)                                     \
    do {                                                                   \
        struct logrec r_;                                                  \
        enum parse_status st_ = parse_fmt((fmt), (line), &r_);             \
        if (st_ != (want))                                                 \
            fail_msg("line %s\n  status %d (%s), want %d (%s)", (line),    \
                     (int)st_, parse_strerror(st_), (int)(want),           \
                     parse_strerror(want));                                \
    } while (0)

#define TS "[07/Feb/2013:13:55:36 +0100]"
#define REQ "\"GET /2013/02/07/post/ HTTP/1.1\""
#define HEAD "203.0.113.9 - - " TS " " REQ " 200 2326"
#define COMBINED HEAD " \"https://ref.example/\" \"Mozilla/5.0\""

/* ---- good lines -------------------------------------------------------- */

static void test_parser__combined(void **state)
{
    struct parser *p = parser_new(LOG_AUTO);
    struct logrec r;
    const char *line =
        "203.0.113.9 - frank [07/Feb/2013:13:55:36 +0100] "
        "\"GET /2013/02/07/s%C3%A4kerhet/?utm_source=x HTTP/1.1\" 200 2326 "
        "\"https://www.google.se/search?q=a+b\" "
        "\"Mozilla/5.0 (X11; Linux x86_64; rv:18.0) Gecko/20100101 "
        "Firefox/18.0\"";

    (void)state;
    assert_int_equal(parse(p, line, &r), PARSE_OK);
    check_slice(r.client, "203.0.113.9", "client");
    check_slice(r.request,
                "GET /2013/02/07/s%C3%A4kerhet/?utm_source=x HTTP/1.1",
                "request");
    check_slice(r.method, "GET", "method");
    check_slice(r.target, "/2013/02/07/s%C3%A4kerhet/?utm_source=x",
                "target");
    check_slice(r.protocol, "HTTP/1.1", "protocol");
    check_slice(r.referer, "https://www.google.se/search?q=a+b", "referer");
    check_slice(r.agent,
                "Mozilla/5.0 (X11; Linux x86_64; rv:18.0) Gecko/20100101 "
                "Firefox/18.0", "agent");
    assert_int_equal(r.has_agent, 1);
    assert_int_equal(r.status, 200);
    assert_true(r.bytes == 2326);
    check_day(r.day, "2013-02-07");
    assert_int_equal(r.day, 15743);
    assert_int_equal(r.sec, 13 * 3600 + 55 * 60 + 36);
    assert_int_equal(r.tz_min, 60);

    /* The same line with LOG_COMBINED: the same answer. */
    {
        struct parser *pc = parser_new(LOG_COMBINED);

        assert_int_equal(parse(pc, line, &r), PARSE_OK);
        check_slice(r.agent,
                    "Mozilla/5.0 (X11; Linux x86_64; rv:18.0) Gecko/20100101 "
                    "Firefox/18.0", "agent");
        assert_int_equal(r.has_agent, 1);
        parser_free(pc);
    }
    parser_free(p);
    done();
}

static void test_parser__combined_dash_fields(void **state)
{
    struct logrec r;

    (void)state;
    assert_int_equal(parse_fmt(LOG_AUTO,
                               "10.0.0.1 - - [07/Feb/2013:13:55:36 +0100] "
                               "\"HEAD / HTTP/1.0\" 304 - \"-\" \"-\"", &r),
                     PARSE_OK);
    check_slice(r.method, "HEAD", "method");
    check_slice(r.target, "/", "target");
    check_slice(r.protocol, "HTTP/1.0", "protocol");
    assert_int_equal(r.status, 304);
    assert_true(r.bytes == 0);
    check_slice(r.referer, "-", "referer");
    check_slice(r.agent, "-", "agent");
    assert_int_equal(r.has_agent, 1);
    /* Empty quoted fields are fine too. */
    assert_int_equal(parse_fmt(LOG_AUTO, HEAD " \"\" \"\"", &r), PARSE_OK);
    check_slice(r.referer, "", "referer");
    check_slice(r.agent, "", "agent");
    assert_int_equal(r.has_agent, 1);
    done();
}

static void test_parser__common(void **state)
{
    struct logrec r;
    const char *line = "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "
                       "\"GET /apache_pb.gif HTTP/1.0\" 200 2326";

    (void)state;
    for (int fmt = LOG_AUTO; fmt <= LOG_COMMON; fmt++) {
        assert_int_equal(parse_fmt((enum log_format)fmt, line, &r), PARSE_OK);
        check_slice(r.client, "127.0.0.1", "client");
        check_slice(r.method, "GET", "method");
        check_slice(r.target, "/apache_pb.gif", "target");
        check_slice(r.protocol, "HTTP/1.0", "protocol");
        check_slice(r.referer, "", "referer");
        check_slice(r.agent, "", "agent");
        assert_int_equal(r.has_agent, 0);
        assert_int_equal(r.status, 200);
        assert_true(r.bytes == 2326);
        check_day(r.day, "2000-10-10");
        assert_int_equal(r.sec, 50136);
        assert_int_equal(r.tz_min, -420);
    }
    done();
}

static void test_parser__ipv6_client(void **state)
{
    struct logrec r;

    (void)state;
    assert_int_equal(parse_fmt(LOG_AUTO,
                               "2001:db8:85a3::8a2e:370:7334 - - " TS " " REQ
                               " 200 512 \"-\" \"Mozilla/5.0\"", &r),
                     PARSE_OK);
    check_slice(r.client, "2001:db8:85a3::8a2e:370:7334", "client");
    assert_int_equal(parse_fmt(LOG_AUTO, "::1 - - " TS " " REQ " 200 512",
                               &r), PARSE_OK);
    check_slice(r.client, "::1", "client");
    assert_int_equal(parse_fmt(LOG_AUTO,
                               "::ffff:192.0.2.1 - - " TS " " REQ " 200 5",
                               &r), PARSE_OK);
    check_slice(r.client, "::ffff:192.0.2.1", "client");
    /* A host name (HostnameLookups on) is kept as written. */
    assert_int_equal(parse_fmt(LOG_AUTO,
                               "crawl-66-249-66-1.googlebot.com - - " TS " "
                               REQ " 200 5", &r), PARSE_OK);
    check_slice(r.client, "crawl-66-249-66-1.googlebot.com", "client");
    done();
}

static void test_parser__escaped_quotes(void **state)
{
    struct logrec r;

    (void)state;
    /* Apache writes a '"' inside a field as \" and a '\' as \\. */
    assert_int_equal(
        parse_fmt(LOG_AUTO,
                  "192.0.2.1 - - " TS
                  " \"GET /search?q=\\\"x y\\\" HTTP/1.1\" 200 10 "
                  "\"http://a/\\\"b\\\"\" "
                  "\"Mozilla \\\"quoted\\\" agent\"", &r),
        PARSE_OK);
    check_slice(r.request, "GET /search?q=\\\"x y\\\" HTTP/1.1", "request");
    check_slice(r.method, "GET", "method");
    check_slice(r.target, "/search?q=\\\"x y\\\"", "target");
    check_slice(r.protocol, "HTTP/1.1", "protocol");
    check_slice(r.referer, "http://a/\\\"b\\\"", "referer");
    check_slice(r.agent, "Mozilla \\\"quoted\\\" agent", "agent");
    assert_int_equal(r.status, 200);

    /* \\ right before the closing quote: the quote closes the field. */
    assert_int_equal(
        parse_fmt(LOG_AUTO,
                  "192.0.2.1 - - " TS " \"GET /a\\\\\" 404 0 \"-\" "
                  "\"agent\\\\\"", &r),
        PARSE_OK);
    check_slice(r.request, "GET /a\\\\", "request");
    check_slice(r.target, "/a\\\\", "target");
    check_slice(r.protocol, "", "protocol");
    check_slice(r.agent, "agent\\\\", "agent");
    assert_int_equal(r.status, 404);

    /* \\\" : an escaped backslash then an escaped quote: still inside. */
    assert_int_equal(
        parse_fmt(LOG_AUTO,
                  "192.0.2.1 - - " TS " " REQ " 200 1 \"-\" "
                  "\"a\\\\\\\" b\"", &r),
        PARSE_OK);
    check_slice(r.agent, "a\\\\\\\" b", "agent");

    /* A field that is only an escaped quote never ends. */
    EXPECT_STATUS(LOG_AUTO, "192.0.2.1 - - " TS " \"GET /\\\" 200 1",
                  PARSE_REQUEST);
    EXPECT_STATUS(LOG_AUTO, "192.0.2.1 - - " TS " " REQ " 200 1 \"-\" "
                  "\"ua\\\"", PARSE_AGENT);
    done();
}

static void test_parser__odd_requests(void **state)
{
    struct logrec r;
    static const char tls_raw[] =
        "198.51.100.7 - - " TS " \"\x16\x03\x01\x02\x00\x01\" 400 166 "
        "\"-\" \"-\"";

    (void)state;
    /* nginx: a connection that sent nothing. */
    assert_int_equal(parse_fmt(LOG_AUTO,
                               "198.51.100.7 - - " TS " \"-\" 400 0 \"-\" \"-\"",
                               &r), PARSE_OK);
    check_slice(r.request, "-", "request");
    check_slice(r.method, "", "method");
    check_slice(r.target, "", "target");
    check_slice(r.protocol, "", "protocol");
    assert_int_equal(r.status, 400);

    /* A TLS handshake sent to port 80, as nginx escapes it. */
    assert_int_equal(parse_fmt(LOG_AUTO,
                               "198.51.100.7 - - " TS
                               " \"\\x16\\x03\\x01\\x02\\x00\\x01\" 400 166 "
                               "\"-\" \"-\"", &r), PARSE_OK);
    check_slice(r.request, "\\x16\\x03\\x01\\x02\\x00\\x01", "request");
    check_slice(r.method, "", "method");
    check_slice(r.target, "", "target");
    /* ... and as raw bytes (no NUL among them). */
    {
        struct parser *p = parser_new(LOG_AUTO);

        assert_int_equal(parse_n(p, tls_raw, sizeof(tls_raw) - 1, &r),
                         PARSE_NUL);
        parser_free(p);
    }
    assert_int_equal(parse_fmt(LOG_AUTO,
                               "198.51.100.7 - - " TS
                               " \"\x16\x03\x01 \x02\x01\" 400 166 \"-\" \"-\"",
                               &r), PARSE_OK);
    check_slice(r.request, "\x16\x03\x01 \x02\x01", "request");
    check_slice(r.method, "", "method");
    check_slice(r.target, "", "target");

    /* METHOD TARGET without a protocol (HTTP/0.9 style). */
    assert_int_equal(parse_fmt(LOG_AUTO,
                               "192.0.2.1 - - " TS " \"GET /x/y?z=1\" 200 7",
                               &r), PARSE_OK);
    check_slice(r.method, "GET", "method");
    check_slice(r.target, "/x/y?z=1", "target");
    check_slice(r.protocol, "", "protocol");

    /* A target holding a space, sent by a broken client. */
    assert_int_equal(parse_fmt(LOG_AUTO,
                               "192.0.2.1 - - " TS
                               " \"GET /a b HTTP/1.1\" 400 7", &r), PARSE_OK);
    check_slice(r.method, "GET", "method");
    check_slice(r.target, "/a b", "target");
    check_slice(r.protocol, "HTTP/1.1", "protocol");

    /* A lowercase "method" is no method. */
    assert_int_equal(parse_fmt(LOG_AUTO,
                               "192.0.2.1 - - " TS
                               " \"get / HTTP/1.1\" 400 7", &r), PARSE_OK);
    check_slice(r.method, "", "method");

    /* An empty request field. */
    assert_int_equal(parse_fmt(LOG_AUTO,
                               "192.0.2.1 - - " TS " \"\" 400 0", &r),
                     PARSE_OK);
    check_slice(r.request, "", "request");
    check_slice(r.method, "", "method");
    done();
}

static void test_parser__bytes(void **state)
{
    struct logrec r;

    (void)state;
    assert_int_equal(parse_fmt(LOG_AUTO, "a - - " TS " " REQ " 304 -", &r),
                     PARSE_OK);
    assert_true(r.bytes == 0);
    assert_int_equal(parse_fmt(LOG_AUTO, "a - - " TS " " REQ " 200 0", &r),
                     PARSE_OK);
    assert_true(r.bytes == 0);
    assert_int_equal(parse_fmt(LOG_AUTO,
                               "a - - " TS " " REQ " 200 4294967296", &r),
                     PARSE_OK);
    assert_true(r.bytes == UINT64_C(4294967296));
    /* 2^64 - 1 fits exactly. */
    assert_int_equal(parse_fmt(LOG_AUTO,
                               "a - - " TS " " REQ
                               " 200 18446744073709551615", &r), PARSE_OK);
    assert_true(r.bytes == UINT64_MAX);
    assert_int_equal(parse_fmt(LOG_AUTO,
                               "a - - " TS " " REQ
                               " 200 18446744073709551614", &r), PARSE_OK);
    assert_true(r.bytes == UINT64_MAX - 1);
    /* 2^64 and more saturate. */
    assert_int_equal(parse_fmt(LOG_AUTO,
                               "a - - " TS " " REQ
                               " 200 18446744073709551616 \"-\" \"ua\"", &r),
                     PARSE_OK);
    assert_true(r.bytes == UINT64_MAX);
    check_slice(r.agent, "ua", "agent");
    assert_int_equal(parse_fmt(LOG_AUTO,
                               "a - - " TS " " REQ
                               " 200 18446744073709551620", &r), PARSE_OK);
    assert_true(r.bytes == UINT64_MAX);
    assert_int_equal(parse_fmt(LOG_AUTO,
                               "a - - " TS " " REQ
                               " 200 99999999999999999999999999999999999999",
                               &r), PARSE_OK);
    assert_true(r.bytes == UINT64_MAX);
    /* Leading zeros. */
    assert_int_equal(parse_fmt(LOG_AUTO, "a - - " TS " " REQ " 200 000123",
                               &r), PARSE_OK);
    assert_true(r.bytes == 123);
    done();
}

static void test_parser__trailing_fields(void **state)
{
    struct logrec r;

    (void)state;
    /* nginx: log_format main '... "$http_user_agent" "$http_x_forwarded_for"' */
    assert_int_equal(parse_fmt(LOG_AUTO, COMBINED " \"-\"", &r), PARSE_OK);
    check_slice(r.agent, "Mozilla/5.0", "agent");
    check_slice(r.referer, "https://ref.example/", "referer");
    assert_int_equal(r.has_agent, 1);
    assert_int_equal(parse_fmt(LOG_COMBINED,
                               COMBINED " \"10.0.0.1, 10.0.0.2\" rt=0.001",
                               &r), PARSE_OK);
    check_slice(r.agent, "Mozilla/5.0", "agent");
    /* A common line with extra fields, read as common. */
    assert_int_equal(parse_fmt(LOG_COMMON, HEAD " extra stuff", &r),
                     PARSE_OK);
    assert_int_equal(r.has_agent, 0);
    assert_true(r.bytes == 2326);
    done();
}

static void test_parser__statuses(void **state)
{
    struct logrec r;

    (void)state;
    assert_int_equal(parse_fmt(LOG_AUTO, "a - - " TS " " REQ " 000 1", &r),
                     PARSE_OK);
    assert_int_equal(r.status, 0);
    assert_int_equal(parse_fmt(LOG_AUTO, "a - - " TS " " REQ " 999 1", &r),
                     PARSE_OK);
    assert_int_equal(r.status, 999);
    assert_int_equal(parse_fmt(LOG_AUTO, "a - - " TS " " REQ " 301 1", &r),
                     PARSE_OK);
    assert_int_equal(r.status, 301);
    done();
}

/* ---- bad lines --------------------------------------------------------- */

/*
 * A NUL byte at any place of a line the fast path reads is PARSE_NUL at
 * that place: good lines of each shape (a long request and User-Agent
 * that the scan reads 16 bytes at a time, quotes escaped, fields after
 * the User-Agent, a common line with more after its size), and bad ones
 * whose other fault comes before the NUL. Two NULs: the first.
 */
static void test_parser__nul_anywhere(void **state)
{
    static const struct {
        enum log_format fmt;
        const char *line;
    } lines[] = {
        {LOG_AUTO, "203.0.113.9 - - " TS " " REQ " 200 2326"},
        {LOG_COMBINED, "2001:db8::1 - frank " TS " \"GET /a/very/long/"
                       "path/of/a/post/that-goes-on/?utm_source=x HTTP/1.1\""
                       " 200 2326 \"https://example.com/\" \"Mozilla/5.0 "
                       "(X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like"
                       " Gecko) Chrome/120.0 Safari/537.36\""},
        {LOG_AUTO, "198.51.100.7 - - " TS " \"GET /q\\\"x\\\\ HTTP/1.0\" "
                   "304 - \"-\" \"a \\\"quoted\\\" agent\" \"10.0.0.1\" rt=0.1"},
        {LOG_COMMON, "203.0.113.9 - - " TS " " REQ " 200 2326 extra text "
                     "after the size of a common line"},
        {LOG_AUTO, "203.0.113.9 - - " TS " " REQ " 2x0 2326 \"-\" \"-\""},
        {LOG_AUTO, "203.0.113.9 - - [07/Feb/2013:13:55:36 +0100 " REQ},
    };
    struct parser *p = parser_new(LOG_AUTO);
    struct logrec r;
    char buf[512];

    (void)state;
    for (size_t l = 0; l < ARRAY_SIZE(lines); l++) {
        size_t n = strlen(lines[l].line);

        parser_free(p);
        p = parser_new(lines[l].fmt);
        assert_true(n < sizeof(buf));
        /* The first four are good, the last two are not. */
        assert_true((parse(p, lines[l].line, &r) == PARSE_OK) == (l < 4));
        for (size_t i = 0; i < n; i++) {
            memcpy(buf, lines[l].line, n);
            buf[i] = '\0';
            if (parse_n(p, buf, n, &r) != PARSE_NUL ||
                parse_error_offset(p) != i)
                fail_msg("line %zu, NUL at %zu: %s at %zu", l, i,
                         parse_strerror(parse_n(p, buf, n, &r)),
                         parse_error_offset(p));
            buf[n - 1 - (i % 7)] = '\0';
            if (i < n - 1 - (i % 7) &&
                (parse_n(p, buf, n, &r) != PARSE_NUL ||
                 parse_error_offset(p) != i))
                fail_msg("line %zu, NULs at %zu and %zu", l, i,
                         n - 1 - (i % 7));
        }
    }
    parser_free(p);
}

static void test_parser__bad_basic(void **state)
{
    struct logrec r;
    static const char nul_line[] = "203.0.113.9 - - " TS " " REQ " 200 2326";
    char buf[sizeof(nul_line)];

    (void)state;
    assert_int_equal(parse_fmt(LOG_AUTO, "", &r), PARSE_EMPTY);
    assert_int_equal(parse_fmt(LOG_COMMON, "", &r), PARSE_EMPTY);
    /* A NUL byte anywhere. */
    memcpy(buf, nul_line, sizeof(buf));
    buf[40] = '\0';
    {
        struct parser *p = parser_new(LOG_AUTO);

        assert_int_equal(parse_n(p, buf, sizeof(buf) - 1, &r), PARSE_NUL);
        buf[40] = nul_line[40];
        buf[sizeof(buf) - 2] = '\0';
        assert_int_equal(parse_n(p, buf, sizeof(buf) - 1, &r), PARSE_NUL);
        assert_int_equal(parse_n(p, "\0", 1, &r), PARSE_NUL);
        /* Sanity: without the NUL the line parses. */
        assert_int_equal(parse_n(p, nul_line, sizeof(nul_line) - 1, &r),
                         PARSE_OK);
        parser_free(p);
    }
    EXPECT_STATUS(LOG_AUTO, "nospace", PARSE_CLIENT);
    EXPECT_STATUS(LOG_AUTO, " 1.2.3.4 - - " TS " " REQ " 200 1", PARSE_CLIENT);
    EXPECT_STATUS(LOG_AUTO, "1.2.3.4 - - 07/Feb/2013:13:55:36 +0100 " REQ
                  " 200 1", PARSE_USER);
    EXPECT_STATUS(LOG_AUTO, "1.2.3.4 " TS " " REQ " 200 1", PARSE_USER);
    EXPECT_STATUS(LOG_AUTO, "1.2.3.4 - -" TS " " REQ " 200 1", PARSE_USER);
    EXPECT_STATUS(LOG_AUTO, "1.2.3.4 x", PARSE_USER);
    done();
}

static void test_parser__bad_time(void **state)
{
    static const char *const bad[] = {
        "[07/Foo/2013:13:55:36 +0100]",   /* month */
        "[07/feb/2013:13:55:36 +0100]",   /* month, lowercase */
        "[30/Feb/2013:13:55:36 +0100]",
        "[29/Feb/2013:13:55:36 +0100]",
        "[29/Feb/1900:13:55:36 +0100]",
        "[31/Apr/2013:13:55:36 +0100]",
        "[00/Feb/2013:13:55:36 +0100]",
        "[32/Jan/2013:13:55:36 +0100]",
        "[7/Feb/2013:13:55:36 +0100] ",   /* one-digit day */
        "[07/Feb/13:13:55:36 +0100]   ",  /* two-digit year */
        "[07/Feb/2013:24:00:00 +0100]",   /* hour 24 */
        "[07/Feb/2013:13:60:00 +0100]",   /* minute 60 */
        "[07/Feb/2013:13:55:61 +0100]",   /* second 61 */
        "[07/Feb/2013:13:55:36 +1500]",   /* offset */
        "[07/Feb/2013:13:55:36 +0160]",
        "[07/Feb/2013:13:55:36 0100]",
        "[07/Feb/2013:13:55:36 *0100]",
        "[07/Feb/2013:13:55:36 +01:00]",
        "[07/Feb/2013:13:55:36 +0100",    /* missing ']' */
        "[07/Feb/2013:13:55:36]",         /* short */
        "[07/Feb/2013:13:55 +0100]",
        "[07/Feb/2013 13:55:36 +0100]",
        "[07-Feb-2013:13:55:36 +0100]",
        "[07/Feb/2013:1a:55:36 +0100]",
        "[07/Feb/2013:13:55:36 +01a0]",
        "[2013-02-07T13:55:36+01:00]",
        "[]",
    };
    char line[256];

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        snprintf(line, sizeof(line), "1.2.3.4 - - %s " REQ " 200 1", bad[i]);
        EXPECT_STATUS(LOG_AUTO, line, PARSE_TIME);
    }
    /* The timestamp at the very end of the line, cut anywhere. */
    for (size_t n = 0; n < strlen(TS) - 1; n++) {
        snprintf(line, sizeof(line), "1.2.3.4 - - %.*s", (int)n + 1, TS);
        EXPECT_STATUS(LOG_AUTO, line, PARSE_TIME);
    }
    done();
}

static void test_parser__good_time_edges(void **state)
{
    struct logrec r;

    (void)state;
    assert_int_equal(parse_fmt(LOG_AUTO,
                               "a - - [29/Feb/2012:00:00:00 +0000] " REQ
                               " 200 1", &r), PARSE_OK);
    check_day(r.day, "2012-02-29");
    assert_int_equal(r.sec, 0);
    assert_int_equal(r.tz_min, 0);
    assert_int_equal(parse_fmt(LOG_AUTO,
                               "a - - [29/Feb/2000:23:59:59 -0000] " REQ
                               " 200 1", &r), PARSE_OK);
    check_day(r.day, "2000-02-29");
    assert_int_equal(r.sec, 86399);
    assert_int_equal(r.tz_min, 0);
    /* A leap second. */
    assert_int_equal(parse_fmt(LOG_AUTO,
                               "a - - [31/Dec/2016:23:59:60 +0000] " REQ
                               " 200 1", &r), PARSE_OK);
    check_day(r.day, "2016-12-31");
    assert_int_equal(r.sec, 86400);
    /* Odd offsets. */
    assert_int_equal(parse_fmt(LOG_AUTO,
                               "a - - [07/Feb/2013:13:55:36 +0530] " REQ
                               " 200 1", &r), PARSE_OK);
    assert_int_equal(r.tz_min, 330);
    assert_int_equal(parse_fmt(LOG_AUTO,
                               "a - - [07/Feb/2013:13:55:36 -0930] " REQ
                               " 200 1", &r), PARSE_OK);
    assert_int_equal(r.tz_min, -570);
    /* Every month name. */
    {
        static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May",
                                          "Jun", "Jul", "Aug", "Sep", "Oct",
                                          "Nov", "Dec"};
        char line[128], want[11];

        for (unsigned m = 1; m <= 12; m++) {
            snprintf(line, sizeof(line),
                     "a - - [28/%s/2013:12:00:00 +0100] \"GET / HTTP/1.1\" "
                     "200 1", mon[m - 1]);
            assert_int_equal(parse_fmt(LOG_AUTO, line, &r), PARSE_OK);
            snprintf(want, sizeof(want), "2013-%02u-28", m);
            check_day(r.day, want);
        }
    }
    done();
}

static void test_parser__local_day(void **state)
{
    struct logrec r;

    (void)state;
    /* 2013-01-31 23:30 in UTC, but the line's own date is Feb 1. */
    assert_int_equal(parse_fmt(LOG_AUTO,
                               "a - - [01/Feb/2013:00:30:00 +0100] " REQ
                               " 200 1", &r), PARSE_OK);
    check_day(r.day, "2013-02-01");
    assert_int_equal(r.sec, 1800);
    assert_int_equal(r.tz_min, 60);
    assert_int_equal(parse_fmt(LOG_AUTO,
                               "a - - [31/Dec/2012:23:59:59 -1400] " REQ
                               " 200 1", &r), PARSE_OK);
    check_day(r.day, "2012-12-31");
    assert_int_equal(r.sec, 86399);
    assert_int_equal(r.tz_min, -840);
    assert_int_equal(parse_fmt(LOG_AUTO,
                               "a - - [01/Jan/2013:00:00:00 +1400] " REQ
                               " 200 1", &r), PARSE_OK);
    check_day(r.day, "2013-01-01");
    assert_int_equal(r.sec, 0);
    assert_int_equal(r.tz_min, 840);
    assert_int_equal(parse_fmt(LOG_AUTO,
                               "a - - [01/Jan/1970:00:00:00 +0000] " REQ
                               " 200 1", &r), PARSE_OK);
    assert_int_equal(r.day, 0);
    check_day(r.day, "1970-01-01");
    assert_int_equal(parse_fmt(LOG_AUTO,
                               "a - - [01/Jan/1970:00:00:00 +0100] " REQ
                               " 200 1", &r), PARSE_OK);
    assert_int_equal(r.day, 0);
    assert_int_equal(parse_fmt(LOG_AUTO,
                               "a - - [31/Dec/2099:23:59:59 -0800] " REQ
                               " 200 1", &r), PARSE_OK);
    check_day(r.day, "2099-12-31");
    assert_int_equal(r.day, days_from_civil(2099, 12, 31));
    assert_int_equal(r.tz_min, -480);
    done();
}

static void test_parser__bad_request(void **state)
{
    (void)state;
    EXPECT_STATUS(LOG_AUTO, "a - - " TS " \"GET / HTTP/1.1 200 1",
                  PARSE_REQUEST);
    EXPECT_STATUS(LOG_AUTO, "a - - " TS " \"GET / HTTP/1.1", PARSE_REQUEST);
    EXPECT_STATUS(LOG_AUTO, "a - - " TS " \"", PARSE_REQUEST);
    EXPECT_STATUS(LOG_AUTO, "a - - " TS " GET / HTTP/1.1 200 1",
                  PARSE_REQUEST);
    EXPECT_STATUS(LOG_AUTO, "a - - " TS, PARSE_REQUEST);
    EXPECT_STATUS(LOG_AUTO, "a - - " TS "\"GET /\" 200 1", PARSE_REQUEST);
    EXPECT_STATUS(LOG_AUTO, "a - - " TS " ", PARSE_REQUEST);
    done();
}

static void test_parser__bad_status_and_bytes(void **state)
{
    (void)state;
    EXPECT_STATUS(LOG_AUTO, "a - - " TS " " REQ " 20 1", PARSE_STATUS);
    EXPECT_STATUS(LOG_AUTO, "a - - " TS " " REQ " 20", PARSE_STATUS);
    EXPECT_STATUS(LOG_AUTO, "a - - " TS " " REQ " 2000 1", PARSE_STATUS);
    EXPECT_STATUS(LOG_AUTO, "a - - " TS " " REQ " 2000", PARSE_STATUS);
    EXPECT_STATUS(LOG_AUTO, "a - - " TS " " REQ " abc 1", PARSE_STATUS);
    EXPECT_STATUS(LOG_AUTO, "a - - " TS " " REQ " -", PARSE_STATUS);
    EXPECT_STATUS(LOG_AUTO, "a - - " TS " " REQ "  200 1", PARSE_STATUS);
    EXPECT_STATUS(LOG_AUTO, "a - - " TS " " REQ "200 1", PARSE_STATUS);
    EXPECT_STATUS(LOG_AUTO, "a - - " TS " " REQ " ", PARSE_STATUS);
    EXPECT_STATUS(LOG_AUTO, "a - - " TS " " REQ, PARSE_STATUS);
    EXPECT_STATUS(LOG_AUTO, "a - - " TS " " REQ " 200\t1", PARSE_STATUS);

    EXPECT_STATUS(LOG_AUTO, "a - - " TS " " REQ " 200 12a", PARSE_BYTES);
    EXPECT_STATUS(LOG_AUTO, "a - - " TS " " REQ " 200 12a \"-\" \"-\"",
                  PARSE_BYTES);
    EXPECT_STATUS(LOG_AUTO, "a - - " TS " " REQ " 200 --", PARSE_BYTES);
    EXPECT_STATUS(LOG_AUTO, "a - - " TS " " REQ " 200 -1", PARSE_BYTES);
    EXPECT_STATUS(LOG_AUTO, "a - - " TS " " REQ " 200 x", PARSE_BYTES);
    EXPECT_STATUS(LOG_AUTO, "a - - " TS " " REQ " 200 ", PARSE_BYTES);
    EXPECT_STATUS(LOG_AUTO, "a - - " TS " " REQ " 200", PARSE_BYTES);
    done();
}

static void test_parser__bad_combined_fields(void **state)
{
    (void)state;
    /* Combined with the User-Agent missing. */
    EXPECT_STATUS(LOG_AUTO, HEAD " \"https://ref.example/\"", PARSE_AGENT);
    EXPECT_STATUS(LOG_COMBINED, HEAD " \"-\"", PARSE_AGENT);
    EXPECT_STATUS(LOG_AUTO, HEAD " \"-\" ", PARSE_AGENT);
    EXPECT_STATUS(LOG_AUTO, HEAD " \"-\" Mozilla", PARSE_AGENT);
    EXPECT_STATUS(LOG_AUTO, HEAD " \"-\"\"Mozilla\"", PARSE_AGENT);
    EXPECT_STATUS(LOG_AUTO, HEAD " \"-\" \"Mozilla", PARSE_AGENT);
    /* An unquoted or unterminated referer. */
    EXPECT_STATUS(LOG_AUTO, HEAD " https://ref.example/ \"Mozilla/5.0\"",
                  PARSE_REFERER);
    EXPECT_STATUS(LOG_AUTO, HEAD " - \"Mozilla/5.0\"", PARSE_REFERER);
    EXPECT_STATUS(LOG_AUTO, HEAD " \"https://ref.example/", PARSE_REFERER);
    EXPECT_STATUS(LOG_AUTO, HEAD " ", PARSE_REFERER);
    EXPECT_STATUS(LOG_AUTO, HEAD "  \"-\" \"-\"", PARSE_REFERER);
    /* Junk glued to the closing quote of the User-Agent. */
    EXPECT_STATUS(LOG_AUTO, COMBINED "x", PARSE_TRAILING);
    EXPECT_STATUS(LOG_AUTO, COMBINED "\"", PARSE_TRAILING);
    EXPECT_STATUS(LOG_COMBINED, COMBINED "\"-\"", PARSE_TRAILING);
    done();
}

static void test_parser__format_strictness(void **state)
{
    struct logrec r;

    (void)state;
    /* LOG_COMBINED wants the quoted fields. */
    EXPECT_STATUS(LOG_COMBINED, HEAD, PARSE_REFERER);
    EXPECT_STATUS(LOG_AUTO, HEAD, PARSE_OK);
    EXPECT_STATUS(LOG_COMMON, HEAD, PARSE_OK);
    /* LOG_COMMON takes a combined line and ignores the rest. */
    assert_int_equal(parse_fmt(LOG_COMMON, COMBINED, &r), PARSE_OK);
    assert_int_equal(r.has_agent, 0);
    check_slice(r.agent, "", "agent");
    check_slice(r.referer, "", "referer");
    check_slice(r.target, "/2013/02/07/post/", "target");
    assert_int_equal(r.status, 200);
    assert_true(r.bytes == 2326);
    /* LOG_COMMON does not look past the bytes at all. */
    EXPECT_STATUS(LOG_COMMON, HEAD " \"unterminated", PARSE_OK);
    EXPECT_STATUS(LOG_COMMON, COMBINED "junk", PARSE_OK);
    done();
}

/* Every prefix of a combined line: OK exactly when the prefix is a whole
 * common line (it ends inside the bytes field) or the whole line. */
static void test_parser__every_prefix(void **state)
{
    const char *line = COMBINED;
    size_t n = strlen(line);
    const char *bytes = strstr(line, " 2326 ") + 1;
    size_t b0 = (size_t)(bytes - line), b1 = b0 + 4;
    struct parser *pa = parser_new(LOG_AUTO), *pc = parser_new(LOG_COMBINED);
    struct logrec r;

    (void)state;
    for (size_t k = 0; k <= n; k++) {
        enum parse_status sa = parse_n(pa, line, k, &r);
        enum parse_status sc = parse_n(pc, line, k, &r);
        int want_auto = (k > b0 && k <= b1) || k == n;

        if ((sa == PARSE_OK) != want_auto)
            fail_msg("auto, prefix of %zu bytes: status %d", k, (int)sa);
        if ((sc == PARSE_OK) != (k == n))
            fail_msg("combined, prefix of %zu bytes: status %d", k, (int)sc);
        if (k == 0)
            assert_int_equal(sa, PARSE_EMPTY);
    }
    parser_free(pa);
    parser_free(pc);
    done();
}

/* ---- the date cache ------------------------------------------------- */

static void test_parser__date_cache(void **state)
{
    static const struct {
        const char *date;   /* what stands inside [...] */
        enum parse_status st;
        const char *day;
    } seq[] = {
        {"07/Feb/2013:10:00:00 +0100", PARSE_OK, "2013-02-07"},
        {"08/Feb/2013:10:00:00 +0100", PARSE_OK, "2013-02-08"},
        {"30/Feb/2013:10:00:00 +0100", PARSE_TIME, NULL},
        {"08/Feb/2013:11:00:00 +0100", PARSE_OK, "2013-02-08"},
        {"07/Feb/2013:11:00:00 +0100", PARSE_OK, "2013-02-07"},
        {"30/Feb/2013:10:00:00 +0100", PARSE_TIME, NULL},
        {"30/Feb/2013:10:00:00 +0100", PARSE_TIME, NULL},
        {"07/Feb/2013:12:00:00 +0100", PARSE_OK, "2013-02-07"},
        /* A good date with a bad time, then the same date. */
        {"09/Feb/2013:24:00:00 +0100", PARSE_TIME, NULL},
        {"09/Feb/2013:23:00:00 +0100", PARSE_OK, "2013-02-09"},
        {"07/Feb/2013:13:00:00 +0100", PARSE_OK, "2013-02-07"},
        /* A date differing from the cached one in one character only. */
        {"07/Feb/2012:13:00:00 +0100", PARSE_OK, "2012-02-07"},
        {"07/Feb/2013:13:00:00 +0100", PARSE_OK, "2013-02-07"},
        {"07/Mar/2013:13:00:00 +0100", PARSE_OK, "2013-03-07"},
        {"17/Mar/2013:13:00:00 +0100", PARSE_OK, "2013-03-17"},
        {"17/Mar/2013:13:00:00 +0100", PARSE_OK, "2013-03-17"},
        {"17/Mar/2O13:13:00:00 +0100", PARSE_TIME, NULL},
        {"29/Feb/2013:13:00:00 +0100", PARSE_TIME, NULL},
        {"29/Feb/2012:13:00:00 +0100", PARSE_OK, "2012-02-29"},
        {"29/Feb/2013:13:00:00 +0100", PARSE_TIME, NULL},
        {"29/Feb/2012:13:00:00 +0100", PARSE_OK, "2012-02-29"},
    };
    struct parser *p = parser_new(LOG_AUTO);
    struct parser *other = parser_new(LOG_AUTO);
    struct logrec r;
    char line[256];

    (void)state;
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < ARRAY_SIZE(seq); i++) {
            enum parse_status st;

            snprintf(line, sizeof(line), "1.2.3.4 - - [%s] " REQ " 200 1",
                     seq[i].date);
            st = parse(p, line, &r);
            if (st != seq[i].st)
                fail_msg("round %d line %zu [%s]: status %d, want %d", round,
                         i, seq[i].date, (int)st, (int)seq[i].st);
            if (seq[i].day) {
                char buf[11];

                day_format(r.day, buf);
                if (strcmp(buf, seq[i].day) != 0)
                    fail_msg("round %d line %zu [%s]: day %s, want %s", round,
                             i, seq[i].date, buf, seq[i].day);
            }
            /* Another parser has its own cache. */
            if (i % 5 == 0) {
                snprintf(line, sizeof(line),
                         "1.2.3.4 - - [01/Jan/2000:00:00:00 +0000] " REQ
                         " 200 1");
                assert_int_equal(parse(other, line, &r), PARSE_OK);
                check_day(r.day, "2000-01-01");
            }
        }
    }
    parser_free(p);
    parser_free(other);
    done();
}

/* ---- names ----------------------------------------------------------- */

static void test_parser__strerror(void **state)
{
    (void)state;
    for (int st = 0; st < PARSE_NSTATUS; st++) {
        const char *s = parse_strerror((enum parse_status)st);

        assert_non_null(s);
        if (s[0] == '\0')
            fail_msg("parse_strerror(%d) is empty", st);
        /* Distinct messages, so that a report tells causes apart. */
        for (int o = 0; o < st; o++)
            if (strcmp(s, parse_strerror((enum parse_status)o)) == 0)
                fail_msg("statuses %d and %d share \"%s\"", o, st, s);
    }
    assert_string_equal(parse_strerror(PARSE_OK), "ok");
    assert_string_equal(parse_strerror(PARSE_NSTATUS), "unknown error");
    assert_string_equal(parse_strerror((enum parse_status)1000),
                        "unknown error");
}

static void test_parser__format_name(void **state)
{
    enum log_format f = (enum log_format)99;

    (void)state;
    assert_int_equal(parse_format_name("auto", &f), 0);
    assert_int_equal(f, LOG_AUTO);
    assert_int_equal(parse_format_name("common", &f), 0);
    assert_int_equal(f, LOG_COMMON);
    assert_int_equal(parse_format_name("combined", &f), 0);
    assert_int_equal(f, LOG_COMBINED);
    f = (enum log_format)99;
    assert_int_equal(parse_format_name("bogus", &f), -1);
    assert_int_equal(f, 99);
    assert_int_equal(parse_format_name("", &f), -1);
    assert_int_equal(parse_format_name("Combined", &f), -1);
    assert_int_equal(parse_format_name("combined ", &f), -1);
    assert_int_equal(f, 99);
}

/* ---- compiled formats ------------------------------------------------- */

/* Compile format or fail the test with the message. */
static struct parser *compile_ok(const char *format,
                                 const struct parse_options *opt)
{
    struct bs_err err = {0};
    struct parser *p = parser_compile(format, opt, &err);

    if (!p)
        fail_msg("parser_compile(\"%s\"): %s", format, err.msg);
    assert_int_equal(err.status, 0);
    return p;
}

/* Compile must fail with BS_USAGE and a message holding want. */
static void compile_bad(const char *format, const struct parse_options *opt,
                        const char *want)
{
    struct bs_err err = {0};
    struct parser *p = parser_compile(format, opt, &err);

    if (p)
        fail_msg("parser_compile(\"%s\") compiled", format);
    assert_int_equal(err.status, BS_USAGE);
    if (!strstr(err.msg, want))
        fail_msg("parser_compile(\"%s\"): \"%s\", want \"%s\" in it", format,
                 err.msg, want);
    if (strchr(err.msg, '\n'))
        fail_msg("message of \"%s\" spans lines", format);
}

/* A slice of the line or of the parser's scratch buffer, equal to want. */
static void check_val(const struct parser *p, struct slice s,
                      const char *want, const char *what)
{
    const char *base;
    size_t cap, n = strlen(want);

    parser_scratch(p, &base, &cap);
    if (s.n > 0 &&
        !(s.p >= g_line && s.p + s.n <= g_line + g_len) &&
        !(base && s.p >= base && s.p + s.n <= base + cap))
        fail_msg("%s: slice outside the line and the scratch buffer", what);
    if (!slice_eq(s, want, n))
        fail_msg("%s: \"%.*s\" (%zu bytes), want \"%s\"", what, (int)s.n,
                 s.p ? s.p : "", s.n, want);
}

/* The slice points into the scratch buffer, not the line. */
static void check_in_scratch(const struct parser *p, struct slice s)
{
    const char *base;
    size_t cap;

    parser_scratch(p, &base, &cap);
    assert_non_null(base);
    assert_true(s.p >= base && s.p + s.n <= base + cap);
}

static enum parse_status parse_ok(struct parser *p, const char *line,
                                  struct logrec *r)
{
    enum parse_status st = parse(p, line, r);

    if (st != PARSE_OK)
        fail_msg("%s: line %s\n  status %d (%s) at byte %zu", parser_name(p),
                 line, (int)st, parse_strerror(st), parse_error_offset(p));
    return st;
}

static void test_parser__builtin_names(void **state)
{
    static const struct {
        const char *name, *shown;
        unsigned fields;
        const char *line;
    } cases[] = {
        {"auto", "auto", PARSE_HAS_AGENT | PARSE_HAS_REFERER, COMBINED},
        {"common", "common", 0, HEAD},
        {"combined", "combined", PARSE_HAS_AGENT | PARSE_HAS_REFERER,
         COMBINED},
        {"nginx", "nginx", PARSE_HAS_AGENT | PARSE_HAS_REFERER, COMBINED},
        {"  combined\t", "combined", PARSE_HAS_AGENT | PARSE_HAS_REFERER,
         COMBINED},
        {"vhost_combined", "vhost_combined",
         PARSE_HAS_AGENT | PARSE_HAS_REFERER | PARSE_HAS_HOST,
         "blog.example:443 " COMBINED},
        {"nginx_main", "nginx_main",
         PARSE_HAS_AGENT | PARSE_HAS_REFERER | PARSE_HAS_XFF,
         COMBINED " \"198.51.100.1\""},
        {"caddy", "caddy",
         PARSE_HAS_AGENT | PARSE_HAS_REFERER | PARSE_HAS_XFF | PARSE_HAS_HOST,
         "{\"ts\":1360241736.5,\"request\":{\"client_ip\":\"203.0.113.9\","
         "\"method\":\"GET\",\"uri\":\"/2013/02/07/post/\","
         "\"proto\":\"HTTP/1.1\"},\"status\":200,\"size\":2326}"},
    };
    struct logrec r;

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct parser *p = compile_ok(cases[i].name, NULL);

        assert_string_equal(parser_name(p), cases[i].shown);
        assert_int_equal(parser_fields(p), cases[i].fields);
        parse_ok(p, cases[i].line, &r);
        check_val(p, r.client, "203.0.113.9", cases[i].name);
        check_val(p, r.target, "/2013/02/07/post/", cases[i].name);
        check_val(p, r.method, "GET", cases[i].name);
        assert_int_equal(r.status, 200);
        assert_true(r.bytes == 2326);
        check_day(r.day, "2013-02-07");
        assert_int_equal(r.has_agent,
                         (cases[i].fields & PARSE_HAS_AGENT) != 0);
        assert_int_equal(r.has_host, (cases[i].fields & PARSE_HAS_HOST) != 0);
        assert_int_equal(r.has_xff, (cases[i].fields & PARSE_HAS_XFF) != 0);
        parser_free(p);
    }
    /* vhost_combined: the host, and the client after it. */
    {
        struct parser *p = compile_ok("vhost_combined", NULL);

        parse_ok(p, "blog.example:443 " COMBINED, &r);
        check_val(p, r.host, "blog.example", "host");
        check_val(p, r.agent, "Mozilla/5.0", "agent");
        parser_free(p);
    }
    /* json with its map. */
    {
        struct log_json_map m = {.client = "ip", .time = "t",
                                 .status = "s", .uri = "u"};
        struct parse_options o = {.json = &m};
        struct parser *p = compile_ok("json", &o);

        assert_string_equal(parser_name(p), "json");
        assert_int_equal(parser_fields(p), 0);
        parse_ok(p, "{\"ip\":\"::1\",\"t\":\"2013-02-07T13:55:36+01:00\","
                    "\"s\":\"404\",\"u\":\"/x\"}", &r);
        check_val(p, r.client, "::1", "client");
        assert_int_equal(r.status, 404);
        assert_int_equal(r.tz_min, 60);
        assert_int_equal(r.sec, 13 * 3600 + 55 * 60 + 36);
        check_val(p, r.method, "", "method");
        assert_int_equal(r.has_agent, 0);
        parser_free(p);
    }
    parser_free(NULL);
    done();
}

static void test_parser__apache_logformat(void **state)
{
    /* As in an apache2.conf, the quotes escaped inside the format. */
    struct parser *p = compile_ok(
        "LogFormat \"%v %a %l %u [%{%d/%b/%Y:%H:%M:%S %z}t] \\\"%r\\\" %>s "
        "%b/%B/%O \\\"%{Referer}i\\\" \\\"%{User-Agent}i\\\" %D %T\" timed",
        NULL);
    struct logrec r;

    (void)state;
    assert_string_equal(parser_name(p), "Apache LogFormat");
    assert_int_equal(parser_fields(p),
                     PARSE_HAS_AGENT | PARSE_HAS_REFERER | PARSE_HAS_HOST);
    /* mod_log_config: '"' and '\' as \" and \\, other bytes as \xhh. */
    parse_ok(p, "blog.example.eu 2001:db8::7 - frank "
                "[07/Feb/2013:23:59:60 -0130] "
                "\"GET /search?q=\\\"s\\xc3\\xa4k\\\" HTTP/1.1\" 200 "
                "-/0/512 \"http://a/\\\\\" \"Mozilla \\\"x\\\"\\x01\" "
                "1234 0", &r);
    check_val(p, r.host, "blog.example.eu", "host");
    check_val(p, r.client, "2001:db8::7", "client");
    check_val(p, r.request, "GET /search?q=\\\"s\\xc3\\xa4k\\\" HTTP/1.1",
              "request");
    check_val(p, r.method, "GET", "method");
    check_val(p, r.target, "/search?q=\\\"s\\xc3\\xa4k\\\"", "target");
    check_val(p, r.protocol, "HTTP/1.1", "protocol");
    check_val(p, r.referer, "http://a/\\\\", "referer");
    check_val(p, r.agent, "Mozilla \\\"x\\\"\\x01", "agent");
    assert_int_equal(r.status, 200);
    assert_true(r.bytes == 0);      /* %b wins over %B and %O */
    check_day(r.day, "2013-02-07");
    assert_int_equal(r.sec, 23 * 3600 + 59 * 60 + 60);
    assert_int_equal(r.tz_min, -90);
    assert_int_equal(r.has_host, 1);
    assert_int_equal(r.has_xff, 0);
    /* %D is digits: a word there is a bad field. */
    assert_int_equal(parse(p, "h 1.2.3.4 - - [07/Feb/2013:13:55:36 +0100] "
                              "\"GET / HTTP/1.1\" 200 1/1/1 \"-\" \"-\" "
                              "slow 0", &r), PARSE_FIELD);
    assert_int_equal(parse(p, "h 1.2.3.4 - - [07/Feb/2013:13:55:36 +0100] "
                              "\"GET / HTTP/1.1\" 200 1/1/1 \"-\" \"-\" "
                              "1 0 extra", &r), PARSE_TRAILING);
    assert_int_equal(parse(p, "h 1.2.3.4 - - [07/Feb/2013:13:55:36 +0100] "
                              "\"GET / HTTP/1.1\" 2000 1/1/1 \"-\" \"-\" "
                              "1 0", &r), PARSE_STATUS);
    parser_free(p);

    /* Just the inside of the quotes, %h and a plain %t, %U%q. */
    p = compile_ok("%h %l %u %t \"%m %U%q %H\" %s %O \"%{X-Forwarded-For}i\"",
                   NULL);
    assert_int_equal(parser_fields(p), PARSE_HAS_XFF);
    parse_ok(p, "10.0.0.1 - - [07/Feb/2013:13:55:36 +0100] "
                "\"POST /wp-login.php?x=1 HTTP/2.0\" 302 5 "
                "\"203.0.113.9, 10.0.0.2\"", &r);
    check_val(p, r.client, "10.0.0.1", "client");
    check_val(p, r.method, "POST", "method");
    check_val(p, r.target, "/wp-login.php?x=1", "target");
    check_val(p, r.protocol, "HTTP/2.0", "protocol");
    check_val(p, r.xff, "203.0.113.9, 10.0.0.2", "xff");
    check_val(p, r.request, "", "request");
    assert_true(r.bytes == 5);
    assert_int_equal(r.status, 302);
    assert_int_equal(r.has_xff, 1);
    parser_free(p);

    /* %{sec}t: Unix seconds, in the configured zone. */
    {
        struct parse_options o = {.timezone = "+05:30"};

        p = compile_ok("%a %{sec}t \"%r\" %>s", &o);
        parse_ok(p, "192.0.2.1 1360241736 \"GET / HTTP/1.0\" 200", &r);
        /* 2013-02-07 12:55:36 UTC = 18:25:36 +0530 */
        check_day(r.day, "2013-02-07");
        assert_int_equal(r.sec, 18 * 3600 + 25 * 60 + 36);
        assert_int_equal(r.tz_min, 330);
        parser_free(p);
    }
    done();
}

static void test_parser__nginx_log_format(void **state)
{
    struct parser *p = compile_ok(
        "log_format main '$remote_addr - $remote_user [$time_local] "
        "\"$request\" '\n    '$status $body_bytes_sent \"$http_referer\" '\n"
        "    '\"$http_user_agent\" \"$http_x_forwarded_for\" "
        "rt=$request_time';", NULL);
    struct logrec r;

    (void)state;
    assert_string_equal(parser_name(p), "nginx log_format");
    assert_int_equal(parser_fields(p),
                     PARSE_HAS_AGENT | PARSE_HAS_REFERER | PARSE_HAS_XFF);
    /* ngx_http_log_module: '"' and '\' and bytes < 32 or > 126 as \xXX. */
    parse_ok(p, "10.0.0.2 - - [07/Feb/2013:13:55:36 +0100] "
                "\"GET /?q=\\x22a\\x22 HTTP/1.1\" 200 612 \"-\" "
                "\"curl \\x22x\\x22 \\xC3\\xA4\" \"203.0.113.9, 10.0.0.1\" "
                "rt=0.004", &r);
    check_val(p, r.client, "10.0.0.2", "client");
    check_val(p, r.target, "/?q=\\x22a\\x22", "target");
    check_val(p, r.agent, "curl \\x22x\\x22 \\xC3\\xA4", "agent");
    check_val(p, r.xff, "203.0.113.9, 10.0.0.1", "xff");
    check_val(p, r.referer, "-", "referer");
    assert_true(r.bytes == 612);
    assert_int_equal(r.has_xff, 1);
    assert_int_equal(parse(p, "10.0.0.2 - - [07/Feb/2013:13:55:36 +0100] "
                              "\"GET / HTTP/1.1\" 200 612 \"-\" \"ua\" \"-\" "
                              "rt=x", &r), PARSE_FIELD);
    assert_int_equal(parse(p, "10.0.0.2 - - [07/Feb/2013:13:55:36 +0100] "
                              "\"GET / HTTP/1.1\" 200 612 \"-\" \"ua\" \"-\"",
                           &r), PARSE_FIELD);     /* " rt=" is missing */
    assert_int_equal(parse(p, "10.0.0.2 - - [07/Feb/2013:13:55:36 +0100] "
                              "\"GET / HTTP/1.1\" 200 612 \"-\" \"ua\" \"-\" "
                              "rt=1 x", &r), PARSE_TRAILING);
    parser_free(p);

    /* $host, $time_iso8601, method and $request_uri apart. */
    p = compile_ok("$host $remote_addr [$time_iso8601] \"$request_method "
                   "$request_uri $server_protocol\" $status $bytes_sent "
                   "\"$http_user_agent\"", NULL);
    assert_int_equal(parser_fields(p), PARSE_HAS_AGENT | PARSE_HAS_HOST);
    parse_ok(p, "www.example.eu 2001:db8::1 [2013-03-31T03:00:01+02:00] "
                "\"GET /tag/x/?p=2 HTTP/2.0\" 304 0 \"Mozilla/5.0\"", &r);
    check_val(p, r.host, "www.example.eu", "host");
    check_val(p, r.client, "2001:db8::1", "client");
    check_val(p, r.method, "GET", "method");
    check_val(p, r.target, "/tag/x/?p=2", "target");
    check_val(p, r.protocol, "HTTP/2.0", "protocol");
    check_day(r.day, "2013-03-31");
    assert_int_equal(r.sec, 3 * 3600 + 1);
    assert_int_equal(r.tz_min, 120);
    assert_int_equal(r.status, 304);
    assert_int_equal(parse(p, "h 1.2.3.4 [2013-02-30T03:00:01+02:00] "
                              "\"GET / HTTP/2.0\" 304 0 \"-\"", &r),
                     PARSE_TIME);
    parser_free(p);

    /* $uri and $args logged apart: the target is joined in scratch. */
    p = compile_ok("$remote_addr [$time_local] \"$request_method $uri "
                   "$args\" $status", NULL);
    parse_ok(p, "1.2.3.4 [07/Feb/2013:13:55:36 +0100] \"GET /a b=1\" 200",
             &r);
    check_val(p, r.target, "/a?b=1", "target");
    check_in_scratch(p, r.target);
    parse_ok(p, "1.2.3.4 [07/Feb/2013:13:55:36 +0100] \"GET /a -\" 200", &r);
    check_val(p, r.target, "/a", "target");
    parser_free(p);
    done();
}

static void test_parser__nginx_escape_json(void **state)
{
    /* nginx: "For json escaping ... "\"" and "\\" are escaped as "\\\""
     * and "\\\\", characters with values less than 32 as ... "\u00XX"". */
    static const char *const lines[] = {
        "{\"time\":\"2013-02-07T13:55:36+01:00\",\"addr\":\"203.0.113.9\","
        "\"request\":\"GET /a?q=\\\"x\\\" HTTP/1.1\",\"status\":200,"
        "\"bytes\":512,\"referer\":\"\",\"ua\":\"Mozilla \\\"q\\\" "
        "\\u0001\\\\\"}",
    };
    struct parser *p = compile_ok(
        "log_format j escape=json '{\"time\":\"$time_iso8601\","
        "\"addr\":\"$remote_addr\",\"request\":\"$request\","
        "\"status\":$status,\"bytes\":$body_bytes_sent,"
        "\"referer\":\"$http_referer\",\"ua\":\"$http_user_agent\"}';",
        NULL);
    struct log_json_map m = {.client = "addr", .time = "time",
                             .status = "status", .request = "request",
                             .bytes = "bytes", .referer = "referer",
                             .agent = "ua"};
    struct parse_options o = {.json = &m};
    struct logrec r;

    (void)state;
    /* As a text format: values as written, escapes in place. */
    parse_ok(p, lines[0], &r);
    check_val(p, r.client, "203.0.113.9", "client");
    check_val(p, r.target, "/a?q=\\\"x\\\"", "target");
    check_val(p, r.agent, "Mozilla \\\"q\\\" \\u0001\\\\", "agent");
    check_val(p, r.referer, "", "referer");
    assert_int_equal(r.status, 200);
    assert_true(r.bytes == 512);
    parser_free(p);

    /* As JSON: decoded. */
    p = compile_ok("json", &o);
    parse_ok(p, lines[0], &r);
    check_val(p, r.client, "203.0.113.9", "client");
    check_val(p, r.request, "GET /a?q=\"x\" HTTP/1.1", "request");
    check_in_scratch(p, r.request);
    check_val(p, r.method, "GET", "method");
    check_val(p, r.target, "/a?q=\"x\"", "target");
    check_val(p, r.agent, "Mozilla \"q\" \x01\\", "agent");
    check_val(p, r.referer, "", "referer");
    assert_int_equal(r.tz_min, 60);
    assert_true(r.bytes == 512);
    parser_free(p);
    done();
}

#define CADDY_LINE(client, ts, hdrs)                                        \
    "{\"level\":\"info\",\"ts\":" ts ",\"logger\":\"http.log.access\","     \
    "\"msg\":\"handled request\",\"request\":{" client                      \
    "\"proto\":\"HTTP/2.0\",\"method\":\"GET\",\"host\":\"blog.example\","  \
    "\"uri\":\"/2013/02/07/post/?a=1\",\"headers\":{" hdrs "},"             \
    "\"tls\":{\"resumed\":false,\"version\":772}},\"bytes_read\":0,"        \
    "\"user_id\":\"\",\"duration\":0.0009,\"size\":2326,\"status\":200,"    \
    "\"resp_headers\":{\"Server\":[\"Caddy\"],\"Content-Type\":"            \
    "[\"text/html; charset=utf-8\"]}}"

static void test_parser__caddy(void **state)
{
    struct parser *p = compile_ok("caddy", NULL);
    struct logrec r;

    (void)state;
    parse_ok(p, CADDY_LINE("\"remote_ip\":\"10.0.0.1\",\"remote_port\":"
                           "\"50000\",\"client_ip\":\"203.0.113.9\",",
                           "1360241736.52",
                           "\"User-Agent\":[\"Mozilla/5.0 \\\"x\\\" "
                           "\\u00e4\\ud83d\\ude00\"],\"Referer\":"
                           "[\"https://ref.example/\"],\"X-Forwarded-For\":"
                           "[\"198.51.100.1\",\"203.0.113.9\"]"), &r);
    check_val(p, r.client, "203.0.113.9", "client");   /* client_ip wins */
    check_val(p, r.method, "GET", "method");
    check_val(p, r.target, "/2013/02/07/post/?a=1", "target");
    check_val(p, r.protocol, "HTTP/2.0", "protocol");
    check_val(p, r.host, "blog.example", "host");
    check_val(p, r.referer, "https://ref.example/", "referer");
    check_val(p, r.agent, "Mozilla/5.0 \"x\" \xc3\xa4\xf0\x9f\x98\x80",
              "agent");
    check_in_scratch(p, r.agent);
    check_val(p, r.xff, "198.51.100.1, 203.0.113.9", "xff");
    check_val(p, r.request, "", "request");
    assert_int_equal(r.status, 200);
    assert_true(r.bytes == 2326);
    /* ts 1360241736.52 = 2013-02-07 12:55:36 UTC */
    check_day(r.day, "2013-02-07");
    assert_int_equal(r.sec, 12 * 3600 + 55 * 60 + 36);
    assert_int_equal(r.tz_min, 0);
    assert_int_equal(r.has_agent, 1);
    assert_int_equal(r.has_host, 1);
    assert_int_equal(r.has_xff, 1);

    /* Caddy before 2.7: remote_ip only, no headers at all. */
    parse_ok(p, CADDY_LINE("\"remote_ip\":\"2001:db8::2\",\"remote_port\":"
                           "\"443\",", "1360241736", ""), &r);
    check_val(p, r.client, "2001:db8::2", "client");
    check_val(p, r.agent, "", "agent");
    check_val(p, r.referer, "", "referer");
    check_val(p, r.xff, "", "xff");
    /* Caddy 2.0-2.4: remote_addr with its port. */
    parse_ok(p, CADDY_LINE("\"remote_addr\":\"[2001:db8::3]:50312\",",
                           "1360241736", ""), &r);
    check_val(p, r.client, "2001:db8::3", "client");
    parse_ok(p, CADDY_LINE("\"remote_addr\":\"192.0.2.4:50312\",",
                           "1360241736", ""), &r);
    check_val(p, r.client, "192.0.2.4", "client");
    /* ts in milliseconds, a string time. */
    parse_ok(p, CADDY_LINE("\"client_ip\":\"192.0.2.4\",", "1360241736520",
                           ""), &r);
    assert_int_equal(r.sec, 12 * 3600 + 55 * 60 + 36);
    parse_ok(p, CADDY_LINE("\"client_ip\":\"192.0.2.4\",",
                           "\"2013-02-07T13:55:36.123+01:00\"", ""), &r);
    assert_int_equal(r.tz_min, 60);
    assert_int_equal(r.sec, 13 * 3600 + 55 * 60 + 36);
    /* No client, a bad ts, no request. */
    assert_int_equal(parse(p, CADDY_LINE("", "1360241736", ""), &r),
                     PARSE_CLIENT);
    assert_int_equal(parse(p, CADDY_LINE("\"client_ip\":\"1.2.3.4\",",
                                         "-5", ""), &r), PARSE_TIME);
    assert_int_equal(parse(p, CADDY_LINE("\"client_ip\":\"1.2.3.4\",",
                                         "1e9", ""), &r), PARSE_TIME);
    assert_int_equal(parse(p, "{\"ts\":1,\"status\":200,\"request\":"
                              "{\"client_ip\":\"1.2.3.4\"}}", &r),
                     PARSE_REQUEST);
    assert_int_equal(parse(p, "{\"ts\":1,\"status\":2000,\"request\":"
                              "{\"client_ip\":\"1.2.3.4\",\"uri\":\"/\"}}",
                           &r), PARSE_STATUS);
    assert_int_equal(parse(p, "{\"ts\":1,\"status\":200,\"size\":-1,"
                              "\"request\":{\"client_ip\":\"1.2.3.4\","
                              "\"uri\":\"/\"}}", &r), PARSE_BYTES);
    /* Not a log record at all. */
    assert_int_equal(parse(p, COMBINED, &r), PARSE_JSON);
    assert_int_equal(parse(p, "[1,2]", &r), PARSE_JSON);
    assert_int_equal(parse(p, "{\"a\":1} {\"b\":2}", &r), PARSE_JSON);
    assert_int_equal(parse(p, "{\"a\":1} x", &r), PARSE_JSON);
    parser_free(p);

    /* The config replaces one path of the preset. */
    {
        struct log_json_map m = {.client = "request.remote_ip"};
        struct parse_options o = {.json = &m};

        p = compile_ok("caddy", &o);
        parse_ok(p, CADDY_LINE("\"remote_ip\":\"10.0.0.1\",\"client_ip\":"
                               "\"203.0.113.9\",", "1360241736", ""), &r);
        check_val(p, r.client, "10.0.0.1", "client");
        parser_free(p);
    }
    done();
}

static void test_parser__json_map(void **state)
{
    /* As [log] json_* keys would give it. */
    struct log_json_map m = {
        .client = "http.xff_client | remote.addr",
        .time = "@timestamp",
        .status = "http.status",
        .method = "http.method",
        .uri = "http.path",
        .protocol = "http.version",
        .bytes = "http.bytes",
        .referer = "http.headers.referer|http.referrer",
        .agent = "http.headers.user-agent",
        .host = "vhost",
        .xff = "http.xff",
    };
    struct parse_options o = {.json = &m, .timezone = "Europe/Stockholm"};
    struct parser *p = compile_ok("  json ", &o);
    struct logrec r;

    (void)state;
    assert_int_equal(parser_fields(p), PARSE_HAS_AGENT | PARSE_HAS_REFERER |
                                       PARSE_HAS_HOST | PARSE_HAS_XFF);
    parse_ok(p, " {\"@timestamp\":\"2013-07-01 12:00:00\",\"remote\":"
                "{\"addr\":\"192.0.2.8\"},\"vhost\":null,\"http\":{\"status\":"
                "\"301\",\"method\":\"GET\",\"path\":\"/feed/\",\"version\":"
                "\"HTTP/1.1\",\"bytes\":\"-\",\"referrer\":\"http://r/\","
                "\"xff\":\"198.51.100.1\",\"headers\":{\"user\\u002dagent\":"
                "\"UA\"},\"xff_client\":null}}\r", &r);
    check_val(p, r.client, "192.0.2.8", "client");
    check_val(p, r.target, "/feed/", "target");
    check_val(p, r.referer, "http://r/", "referer");
    check_val(p, r.agent, "UA", "agent");
    check_val(p, r.host, "", "host");
    check_val(p, r.xff, "198.51.100.1", "xff");
    assert_int_equal(r.status, 301);
    assert_true(r.bytes == 0);
    /* No offset in the line: Stockholm's summer time. */
    check_day(r.day, "2013-07-01");
    assert_int_equal(r.sec, 12 * 3600);
    assert_int_equal(r.tz_min, 120);
    /* An object where a string is wanted is a bad field. */
    assert_int_equal(parse(p, "{\"@timestamp\":\"2013-07-01 12:00:00\","
                              "\"remote\":{\"addr\":{}},\"http\":{\"status\":"
                              "200,\"path\":\"/\"}}", &r), PARSE_CLIENT);
    parser_free(p);

    /* Bad maps. */
    m = (struct log_json_map){.client = "a", .time = "b", .status = "c",
                              .uri = "d..e"};
    compile_bad("json", &o, "json_uri 'd..e': empty key");
    m.uri = "a|b|c|d|e";
    compile_bad("json", &o, "more than 4 alternatives");
    m.uri = "a.b.c.d.e.f.g.h.i";
    compile_bad("json", &o, "deeper than 8 keys");
    m.uri = NULL;
    compile_bad("json", &o, "json_uri");
    m.uri = "u";
    m.status = "";
    compile_bad("json", &o, "no the status");
    done();
}

static void test_parser__time_zones(void **state)
{
    static const struct {
        const char *tz;
        int tz_min, sec;
        const char *day;
    } cases[] = {
        /* 1360241736 = 2013-02-07 12:55:36 UTC */
        {NULL, 0, 12 * 3600 + 55 * 60 + 36, "2013-02-07"},
        {"UTC", 0, 12 * 3600 + 55 * 60 + 36, "2013-02-07"},
        {"+01:00", 60, 13 * 3600 + 55 * 60 + 36, "2013-02-07"},
        {"-0530", -330, 7 * 3600 + 25 * 60 + 36, "2013-02-07"},
        {"+12", 720, 55 * 60 + 36, "2013-02-08"},
        {"Europe/Stockholm", 60, 13 * 3600 + 55 * 60 + 36, "2013-02-07"},
    };
    struct logrec r;

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct parse_options o = {.timezone = cases[i].tz};
        struct parser *p = compile_ok("caddy", &o);

        parse_ok(p, CADDY_LINE("\"client_ip\":\"1.2.3.4\",", "1360241736",
                               ""), &r);
        assert_int_equal(r.tz_min, cases[i].tz_min);
        assert_int_equal(r.sec, cases[i].sec);
        check_day(r.day, cases[i].day);
        parser_free(p);
    }
    /* Stockholm across the spring change (2013-03-31 01:00 UTC) and the
     * autumn one (2013-10-27 01:00 UTC). */
    {
        struct parse_options o = {.timezone = "Europe/Stockholm"};
        struct parser *p = compile_ok("caddy", &o);

        parse_ok(p, CADDY_LINE("\"client_ip\":\"1.2.3.4\",", "1364691599",
                               ""), &r);
        assert_int_equal(r.tz_min, 60);
        assert_int_equal(r.sec, 1 * 3600 + 59 * 60 + 59);
        parse_ok(p, CADDY_LINE("\"client_ip\":\"1.2.3.4\",", "1364691600",
                               ""), &r);
        assert_int_equal(r.tz_min, 120);
        assert_int_equal(r.sec, 3 * 3600);
        check_day(r.day, "2013-03-31");
        parse_ok(p, CADDY_LINE("\"client_ip\":\"1.2.3.4\",", "1382835599",
                               ""), &r);
        assert_int_equal(r.tz_min, 120);
        assert_int_equal(r.sec, 2 * 3600 + 59 * 60 + 59);
        parse_ok(p, CADDY_LINE("\"client_ip\":\"1.2.3.4\",", "1382835600",
                               ""), &r);
        assert_int_equal(r.tz_min, 60);
        assert_int_equal(r.sec, 2 * 3600);
        check_day(r.day, "2013-10-27");
        parser_free(p);

        /* Local times without an offset: %{...}t. */
        p = compile_ok("%h [%{%Y-%m-%d %H:%M:%S}t] \"%r\" %>s %b", &o);
        parse_ok(p, "1.2.3.4 [2013-01-15 10:00:00] \"GET / HTTP/1.1\" 200 1",
                 &r);
        assert_int_equal(r.tz_min, 60);
        parse_ok(p, "1.2.3.4 [2013-07-15 10:00:00] \"GET / HTTP/1.1\" 200 1",
                 &r);
        assert_int_equal(r.tz_min, 120);
        assert_int_equal(r.sec, 10 * 3600);
        check_day(r.day, "2013-07-15");
        /* A time with its own offset keeps it. */
        parser_free(p);
        p = compile_ok("caddy", &o);
        parse_ok(p, CADDY_LINE("\"client_ip\":\"1.2.3.4\",",
                               "\"07/Feb/2013:13:55:36 -0800\"", ""), &r);
        assert_int_equal(r.tz_min, -480);
        parser_free(p);
    }
    parser_free(compile_ok("combined",
                           &(struct parse_options){.timezone = "local"}));
    {
        struct parse_options o = {.timezone = "Mars/Olympus_Mons"};

        compile_bad("caddy", &o, "unknown time zone 'Mars/Olympus_Mons'");
        o.timezone = "../../etc/passwd";
        compile_bad("caddy", &o, "unknown time zone");
        o.timezone = "+15:00";
        compile_bad("combined", &o, "unknown time zone");
    }
    done();
}

static void test_parser__refused_formats(void **state)
{
    struct log_json_map empty = {0};
    struct parse_options o = {.json = &empty};

    (void)state;
    compile_bad("%h%l %t \"%r\" %>s", NULL,
                "nothing separates '%h' from '%l'");
    compile_bad("%h %l %Z %t \"%r\" %>s", NULL,
                "unknown Apache log format directive '%Z'");
    compile_bad("%h %{Foo}Z %t \"%r\" %>s", NULL,
                "unknown Apache log format directive '%{Foo}Z'");
    compile_bad("$remote_addr $bogus_var [$time_local] \"$request\" $status",
                NULL, "unknown nginx log_format variable '$bogus_var'");
    compile_bad("%l %u %t \"%r\" %>s %b", NULL, "has no a client address");
    compile_bad("%h %l %u \"%r\" %>s %b", NULL, "has no a time");
    compile_bad("%h %l %u %t \"%r\" %b", NULL, "has no a status");
    compile_bad("%h %l %u %t %>s %b", NULL, "has no a request");
    compile_bad("$remote_addr [$time_local] $status", NULL,
                "has no a request");
    compile_bad("%h %{%d %H}t \"%r\" %>s", NULL, "lacks a full date");
    compile_bad("%h %{%d %Q}t \"%r\" %>s", NULL, "cannot read '%Q'");
    compile_bad("%h %{Referer", NULL, "unterminated '%{'");
    compile_bad("%h %t \"%r\" %", NULL, "ends in '%'");
    compile_bad("json", NULL, "needs a field map");
    compile_bad("json", &o, "needs a field map");
    compile_bad("bogus", NULL, "unknown log format 'bogus'");
    compile_bad("", NULL, "empty log format");
    compile_bad("   ", NULL, "empty log format");
    done();
}

/* ---- auto-detection ------------------------------------------------- */

static void detect(const char *const *lines, size_t n,
                   struct parse_guess *g, int want_rc, struct bs_err *err)
{
    struct slice s[PARSE_DETECT_LINES + 5];

    assert_true(n <= ARRAY_SIZE(s));
    for (size_t i = 0; i < n; i++)
        s[i] = slice_make(lines[i], strlen(lines[i]));
    memset(err, 0, sizeof(*err));
    assert_int_equal(parse_detect(s, n, NULL, g, err), want_rc);
}

static void test_parser__detect(void **state)
{
    static const char *const caddy[] = {
        CADDY_LINE("\"client_ip\":\"1.2.3.4\",", "1360241736", ""),
        "",
        CADDY_LINE("\"remote_ip\":\"1.2.3.5\",", "1360241737",
                   "\"User-Agent\":[\"x\"]"),
    };
    static const char *const vhost[] = {
        "blog.example:443 " COMBINED,
        "blog.example:80 " COMBINED,
    };
    static const char *const nmain[] = {
        COMBINED " \"-\"",
        COMBINED " \"203.0.113.1, 10.0.0.1\"",
    };
    static const char *const combined[] = {
        COMBINED, COMBINED " rt=0.003", COMBINED " \"not an address\"",
        "garbage",
    };
    static const char *const common[] = {HEAD, HEAD, COMBINED};
    static const char *const none[] = {
        "203.0.113.9 - - [07/Feb/2013:13:55:36] \"GET / HTTP/1.1\" 200 1",
        "203.0.113.9 - - [07/Feb/2013:13:55:36] \"GET / HTTP/1.1\" 200 1",
        COMBINED,
    };
    static const char *const ctl[] = {"\x01\x1b[31mred\t\xff\xc3\xa4 x"};
    struct parse_guess g;
    struct bs_err err;

    (void)state;
    detect(caddy, ARRAY_SIZE(caddy), &g, 0, &err);
    assert_string_equal(g.format, "caddy");
    assert_int_equal(g.tried, 2);
    assert_int_equal(g.ok, 2);
    detect(vhost, ARRAY_SIZE(vhost), &g, 0, &err);
    assert_string_equal(g.format, "vhost_combined");
    detect(nmain, ARRAY_SIZE(nmain), &g, 0, &err);
    assert_string_equal(g.format, "nginx_main");
    detect(combined, ARRAY_SIZE(combined), &g, 0, &err);
    assert_string_equal(g.format, "combined");
    assert_int_equal(g.tried, 4);
    assert_int_equal(g.ok, 3);
    detect(common, ARRAY_SIZE(common), &g, 0, &err);
    assert_string_equal(g.format, "common");
    detect(NULL, 0, &g, 0, &err);
    assert_string_equal(g.format, "combined");
    assert_int_equal(g.tried, 0);

    detect(none, ARRAY_SIZE(none), &g, -1, &err);
    assert_null(g.format);
    assert_string_equal(g.nearest, "combined");
    assert_int_equal(g.why, PARSE_TIME);
    assert_int_equal(g.sample, 0);
    assert_int_equal(g.tried, 3);
    assert_int_equal(g.ok, 1);
    assert_int_equal(err.status, BS_DATAERR);
    if (!strstr(err.msg, "no known format matches '203.0.113.9 - - "
                         "[07/Feb/2013:13:55:36] \"GET / HTTP/1.1\" 200 1': "
                         "nearest is combined, which fails at byte 18: "
                         "malformed timestamp"))
        fail_msg("message: %s", err.msg);

    /* The line shown is cut and its control bytes escaped. */
    detect(ctl, 1, &g, -1, &err);
    if (!strstr(err.msg, "'\\x01\\x1b[31mred\\x09\\xff\xc3\xa4 x'"))
        fail_msg("message: %s", err.msg);
    {
        char longl[300];

        memset(longl, 'a', sizeof(longl) - 1);
        longl[sizeof(longl) - 1] = '\0';
        {
            const char *l1[] = {longl};

            detect(l1, 1, &g, -1, &err);
        }
        if (!strstr(err.msg, "aaa...'"))
            fail_msg("message: %s", err.msg);
    }
    /* A bad zone in the options is the compile error. */
    {
        struct slice s = SLICE_LIT(COMBINED);
        struct parse_options o = {.timezone = "Nowhere/Zone"};

        memset(&err, 0, sizeof(err));
        assert_int_equal(parse_detect(&s, 1, &o, &g, &err), -1);
        assert_int_equal(err.status, BS_USAGE);
    }
    done();
}

/* ---- hostile lines -------------------------------------------------- */

/* A slice of a good line lies inside the line or the scratch buffer. */
static void check_inside(const struct parser *p, struct slice s,
                         const char *what)
{
    const char *base;
    size_t cap;

    parser_scratch(p, &base, &cap);
    if (s.n == 0)
        return;
    if (!(s.p >= g_line && s.p + s.n <= g_line + g_len) &&
        !(base && s.p >= base && s.p + s.n <= base + cap))
        fail_msg("%s: %s: slice outside the line and the scratch buffer",
                 parser_name(p), what);
}

static void check_rec(const struct parser *p, const struct logrec *r)
{
    check_inside(p, r->client, "client");
    check_inside(p, r->request, "request");
    check_inside(p, r->method, "method");
    check_inside(p, r->target, "target");
    check_inside(p, r->protocol, "protocol");
    check_inside(p, r->referer, "referer");
    check_inside(p, r->agent, "agent");
    check_inside(p, r->host, "host");
    check_inside(p, r->xff, "xff");
    assert_true(r->client.n > 0);
    assert_true(r->status <= 999);
    assert_true(r->sec >= 0 && r->sec <= 86400);
    assert_true(r->tz_min >= -(14 * 60 + 59) && r->tz_min <= 14 * 60 + 59);
}

/* Every prefix of line, and the line with each byte replaced by one of
 * a few that matter to parsers, each in an exact-size buffer: whatever
 * the status, nothing read outside (ASan) and a good line's slices in
 * the line or the scratch buffer. Returns how many variants parsed. */
static size_t mangle(struct parser *p, const char *line)
{
    static const char subst[] = {'\0', '"', '\\', '{', '}', ' ', '[', ':'};
    size_t n = strlen(line), good = 0;
    char *buf = xmalloc(n + 1);
    struct logrec r;

    for (size_t k = 0; k <= n; k++) {
        enum parse_status st = parse_n(p, line, k, &r);

        assert_true((unsigned)st < PARSE_NSTATUS);
        if (st == PARSE_OK) {
            check_rec(p, &r);
            good++;
        } else {
            assert_true(parse_error_offset(p) <= k);
        }
    }
    for (size_t i = 0; i < n; i++)
        for (size_t s = 0; s < sizeof(subst); s++) {
            memcpy(buf, line, n);
            buf[i] = subst[s];
            if (parse_n(p, buf, n, &r) == PARSE_OK) {
                assert_true(subst[s] != '\0');
                check_rec(p, &r);
                good++;
            }
        }
    free(buf);
    return good;
}

static void test_parser__hostile_lines(void **state)
{
    struct log_json_map m = {.client = "c|d.e", .time = "t", .status = "s",
                             .request = "r", .agent = "a.0", .xff = "x"};
    struct parse_options o = {.json = &m, .timezone = "Europe/Stockholm"};
    static const struct {
        const char *format, *line;
    } cases[] = {
        {"combined", COMBINED " \"-\""},
        {"common", HEAD},
        {"auto", COMBINED},
        {"vhost_combined", "blog.example:443 " COMBINED},
        {"nginx_main", COMBINED " \"1.2.3.4, ::1\""},
        {"caddy", CADDY_LINE("\"client_ip\":\"1.2.3.4\",", "1360241736.5",
                             "\"User-Agent\":[\"a\\\"b\\u00e4\"],"
                             "\"X-Forwarded-For\":[\"1.1.1.1\",\"2.2.2.2\"]")},
        {"json", "{\"c\":null,\"d\":{\"e\":\"[::1]:80\"},\"t\":"
                 "\"2013-02-07 13:55:36\",\"s\":\"200\",\"r\":"
                 "\"GET /\\u00e4 HTTP/1.1\",\"a\":{\"0\":\"x\"},"
                 "\"x\":[\"1\",2,null,{}]}"},
        {"%v:%p %a %l %u [%{%d/%b/%Y:%H:%M:%S %z}t] \\\"%r\\\" %>s %b "
         "\\\"%{Referer}i\\\" \\\"%{User-Agent}i\\\" %D",
         "h:80 1.2.3.4 - - [07/Feb/2013:13:55:36 +0100] \"GET /\\\"x "
         "HTTP/1.1\" 200 5 \"-\" \"ua\\\\\" 77"},
        {"$host $remote_addr [$time_iso8601] \"$request_method $uri "
         "$args\" $status $body_bytes_sent \"$http_x_forwarded_for\" "
         "rt=$request_time $msec",
         "h 1.2.3.4 [2013-02-07T13:55:36Z] \"GET /a b=\\x22\" 200 5 "
         "\"-\" rt=0.1 1360241736.123"},
    };
    struct logrec r;

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct parse_options oc = {.timezone = o.timezone};
        struct parser *p = compile_ok(cases[i].format,
                                      strcmp(cases[i].format, "caddy") == 0
                                          ? &oc : &o);
        char *big;
        size_t n;

        /* The good line parses, and so do some of its variants. */
        parse_ok(p, cases[i].line, &r);
        check_rec(p, &r);
        assert_true(mangle(p, cases[i].line) > 0);
        assert_int_equal(parse(p, "", &r), PARSE_EMPTY);
        assert_int_equal(parse_n(p, "{\0}", 3, &r), PARSE_NUL);
        assert_int_equal(parse_error_offset(p), 1);
        /* Overlong: 200 KiB of quotes, backslashes and brackets. */
        n = 200 * 1024;
        big = xmalloc(n);
        for (size_t k = 0; k < n; k++)
            big[k] = "{[\"\\:a, }]"[k % 10];
        assert_int_not_equal(parse_n(p, big, n, &r), PARSE_OK);
        free(big);
        parser_free(p);
    }

    /* JSON: truncated, nested deeper than the tokens, too many tokens,
     * bad escapes, empty fields, a scratch buffer that fills up. */
    {
        struct parser *p = compile_ok("caddy", NULL);
        const char *good = cases[5].line;
        size_t n = strlen(good), deep = 100000;
        char *big = xmalloc(deep * 2 + 64);
        size_t k;

        for (k = 0; k < n; k++)
            if (parse_n(p, good, k, &r) == PARSE_OK)
                fail_msg("truncated caddy line of %zu bytes parsed", k);
        k = (size_t)sprintf(big, "{\"a\":");
        for (size_t i = 0; i < deep; i++)
            big[k++] = '[';
        for (size_t i = 0; i < deep; i++)
            big[k++] = ']';
        big[k++] = '}';
        assert_int_equal(parse_n(p, big, k, &r), PARSE_JSON);
        k = (size_t)sprintf(big, "{\"ts\":1,\"status\":200,\"request\":"
                                 "{\"client_ip\":\"1.2.3.4\",\"uri\":\"/\"},"
                                 "\"x\":[");
        for (size_t i = 0; i < 5000; i++) {
            big[k++] = '1';
            big[k++] = ',';
        }
        big[k++] = '1';
        big[k++] = ']';
        big[k++] = '}';
        assert_int_equal(parse_n(p, big, k, &r), PARSE_JSON);
        /* The same with few enough tokens parses. */
        k = (size_t)sprintf(big, "{\"ts\":1,\"status\":200,\"request\":"
                                 "{\"client_ip\":\"1.2.3.4\",\"uri\":\"/\"},"
                                 "\"x\":[1,2,3]}");
        assert_int_equal(parse_n(p, big, k, &r), PARSE_OK);
        assert_int_equal(parse(p, "{\"ts\":1,\"status\":200,\"request\":"
                                  "{\"client_ip\":\"1.2.3.4\",\"uri\":"
                                  "\"/\\q\"}}", &r), PARSE_JSON);
        assert_int_equal(parse(p, "{\"ts\":1,\"status\":200,\"request\":"
                                  "{\"client_ip\":\"\",\"uri\":\"/\"}}", &r),
                         PARSE_CLIENT);
        assert_int_equal(parse(p, "{\"ts\":\"\",\"status\":200,\"request\":"
                                  "{\"client_ip\":\"1\",\"uri\":\"/\"}}", &r),
                         PARSE_TIME);
        assert_int_equal(parse(p, "{\"ts\":1,\"status\":\"\",\"request\":"
                                  "{\"client_ip\":\"1\",\"uri\":\"/\"}}", &r),
                         PARSE_STATUS);
        /* \u0000 and a lone surrogate: U+FFFD, never a NUL. */
        parse_ok(p, "{\"ts\":1,\"status\":200,\"request\":{\"client_ip\":"
                    "\"1\",\"uri\":\"/a\\u0000b\\ud800c\"}}", &r);
        check_val(p, r.target, "/a\xef\xbf\xbd" "b\xef\xbf\xbd" "c", "target");
        parser_free(p);

        /* Eight fields from one value of 30000 escapes: the scratch
         * buffer fills up, and the line is bad, not an overflow. */
        {
            struct log_json_map all = {
                .client = "v", .time = "t", .status = "s", .method = "v",
                .uri = "v", .protocol = "v", .referer = "v", .agent = "v",
                .host = "v", .xff = "v"};
            struct parse_options ao = {.json = &all};
            size_t len;

            p = compile_ok("json", &ao);
            free(big);
            big = xmalloc(70000);
            len = (size_t)sprintf(big, "{\"t\":1,\"s\":200,\"v\":\"");
            for (size_t i = 0; i < 30000; i++) {
                big[len++] = '\\';
                big[len++] = 'n';
            }
            big[len++] = '"';
            big[len++] = '}';
            assert_int_not_equal(parse_n(p, big, len, &r), PARSE_OK);
            /* Short enough, all of it fits. */
            len = (size_t)sprintf(big, "{\"t\":1,\"s\":200,\"v\":\"a\\nb\"}");
            assert_int_equal(parse_n(p, big, len, &r), PARSE_OK);
            check_val(p, r.agent, "a\nb", "agent");
            check_val(p, r.xff, "a\nb", "xff");
            parser_free(p);
        }
        free(big);
    }
    done();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parser__combined),
        cmocka_unit_test(test_parser__combined_dash_fields),
        cmocka_unit_test(test_parser__common),
        cmocka_unit_test(test_parser__ipv6_client),
        cmocka_unit_test(test_parser__escaped_quotes),
        cmocka_unit_test(test_parser__odd_requests),
        cmocka_unit_test(test_parser__bytes),
        cmocka_unit_test(test_parser__trailing_fields),
        cmocka_unit_test(test_parser__statuses),
        cmocka_unit_test(test_parser__bad_basic),
        cmocka_unit_test(test_parser__nul_anywhere),
        cmocka_unit_test(test_parser__bad_time),
        cmocka_unit_test(test_parser__good_time_edges),
        cmocka_unit_test(test_parser__local_day),
        cmocka_unit_test(test_parser__bad_request),
        cmocka_unit_test(test_parser__bad_status_and_bytes),
        cmocka_unit_test(test_parser__bad_combined_fields),
        cmocka_unit_test(test_parser__format_strictness),
        cmocka_unit_test(test_parser__every_prefix),
        cmocka_unit_test(test_parser__date_cache),
        cmocka_unit_test(test_parser__strerror),
        cmocka_unit_test(test_parser__format_name),
        cmocka_unit_test(test_parser__builtin_names),
        cmocka_unit_test(test_parser__apache_logformat),
        cmocka_unit_test(test_parser__nginx_log_format),
        cmocka_unit_test(test_parser__nginx_escape_json),
        cmocka_unit_test(test_parser__caddy),
        cmocka_unit_test(test_parser__json_map),
        cmocka_unit_test(test_parser__time_zones),
        cmocka_unit_test(test_parser__refused_formats),
        cmocka_unit_test(test_parser__detect),
        cmocka_unit_test(test_parser__hostile_lines),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
