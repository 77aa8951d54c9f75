/*
 * test_feedsub.c - subscriber counts in feed readers' User-Agents
 * (feedsub.c), as the readers write them, and what is not one.
 */
#include "testutil.h"
#include "feedsub.h"

struct sub_case {
    const char *ua;
    const char *reader;
    uint64_t subscribers;
    const char *feed_id;
};

static const struct sub_case cases[] = {
    {"Feedly/1.0 (+http://www.feedly.com/fetcher.html; 42 subscribers; "
     "like FeedFetcher-Google)", "Feedly", 42, ""},
    {"Feedly/1.0 (+https://feedly.com/poller.html; 16 subscribers; )",
     "Feedly", 16, ""},
    {"Feedfetcher-Google; (+http://www.google.com/feedfetcher.html; 3 "
     "subscribers; feed-id=9340187236011570317)", "Google Feedfetcher", 3,
     "9340187236011570317"},
    {"Mozilla/5.0 (compatible; inoreader.com; 1 subscribers)", "Inoreader",
     1, ""},
    {"NewsBlur Feed Fetcher - 12 subscribers - "
     "https://www.newsblur.com/site/1234/blog (Mozilla/5.0 (Macintosh; "
     "Intel Mac OS X 10_14_1) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/70.0.3538.77 Safari/537.36)", "NewsBlur", 12, "1234"},
    {"Feedbin feed-id:4411 - 7 subscribers", "Feedbin", 7, "4411"},
    {"Mozilla/5.0 (compatible; theoldreader.com; 5 subscribers; "
     "feed-id=5f1e2d3c4b5a)", "The Old Reader", 5, "5f1e2d3c4b5a"},
    {"Netvibes (crawler/bot; http://www.netvibes.com; 1 subscriber; "
     "feedID: 12345)", "Netvibes", 1, "12345"},
    {"Bloglovin/1.0 (http://www.bloglovin.com; 1204 subscribers)",
     "Bloglovin", 1204, ""},
    /* An unknown reader: named by its first word. */
    {"RssReader9000/2.1 (8 subscribers)", "RssReader9000", 8, ""},
    /* 0 is a report of 0. */
    {"Feedly/1.0 (+http://www.feedly.com/fetcher.html; 0 subscribers)",
     "Feedly", 0, ""},
    /* Too big: saturated, not wrapped. */
    {"Feedly/1.0 (99999999999999999999999 subscribers)", "Feedly",
     UINT32_MAX, ""},
};

static void test_feedsub__readers(void **state)
{
    struct feed_report r;

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        const struct sub_case *c = &cases[i];

        if (!feedsub_parse(c->ua, strlen(c->ua), &r))
            fail_msg("no subscribers in %s", c->ua);
        if (strcmp(r.reader, c->reader) != 0 ||
            r.reader_n != strlen(c->reader) ||
            r.subscribers != c->subscribers ||
            strcmp(r.feed_id, c->feed_id) != 0 ||
            r.feed_id_n != strlen(c->feed_id))
            fail_msg("%s: got %s %llu %s", c->ua, r.reader,
                     (unsigned long long)r.subscribers, r.feed_id);
    }
}

static void test_feedsub__not_reports(void **state)
{
    static const char *const none[] = {
        "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 "
        "Firefox/123.0",
        "Feedly/1.0 (+http://www.feedly.com/fetcher.html; like "
        "FeedFetcher-Google)",
        "subscribers",
        "no subscribers here",
        "x subscriber",
        "",
    };
    char cut[] = "Feedly/1.0 (12 subscribers)";
    char nul[] = "Feedly/1.0 (12\0 subscribers)";
    struct feed_report r;

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(none); i++)
        assert_int_equal(feedsub_parse(none[i], strlen(none[i]), &r), 0);
    assert_int_equal(feedsub_parse(NULL, 0, &r), 0);
    /* Only the bytes given are read: cut before the word, none. */
    assert_int_equal(feedsub_parse(cut, 15, &r), 0);
    assert_int_equal(feedsub_parse(cut, strlen(cut), &r), 1);
    /* The word ending where the bytes end, and one byte short of it. */
    assert_int_equal(feedsub_parse(cut, 25, &r), 1);
    assert_int_equal(r.subscribers, 12);
    assert_int_equal(feedsub_parse(cut, 24, &r), 0);
    assert_int_equal(feedsub_parse("1 subscriber", 12, &r), 1);
    assert_int_equal(feedsub_parse("1 subscriber", 11, &r), 0);
    /* A NUL between the number and the word. */
    assert_int_equal(feedsub_parse(nul, sizeof(nul) - 1, &r), 0);
}

/* A long feed id and a long first word are cut, never overrun. */
static void test_feedsub__bounds(void **state)
{
    char ua[600];
    struct feed_report r;
    int n;

    (void)state;
    memset(ua, 'A', 200);
    n = 200 + snprintf(ua + 200, sizeof(ua) - 200, " 3 subscribers; "
                       "feed-id=%0150d", 7);
    assert_int_equal(feedsub_parse(ua, (size_t)n, &r), 1);
    assert_int_equal(r.reader_n, FEEDSUB_READER_MAX);
    assert_int_equal(strlen(r.reader), FEEDSUB_READER_MAX);
    assert_int_equal(r.feed_id_n, FEEDSUB_ID_MAX);
    assert_int_equal(r.subscribers, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_feedsub__readers),
        cmocka_unit_test(test_feedsub__not_reports),
        cmocka_unit_test(test_feedsub__bounds),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
