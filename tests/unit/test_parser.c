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
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
