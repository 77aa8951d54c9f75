/*
 * feedsub.c - the subscribers feed readers report in their User-Agents
 * (feedsub.h).
 *
 * The readers that count their users write "N subscribers" (or "1
 * subscriber") somewhere in their User-Agent, as Google's Feedfetcher
 * began doing and Feedly, Inoreader, NewsBlur, Feedbin, The Old Reader,
 * Netvibes and Bloglovin do, each its own way around it. So the number
 * is found by that word, wherever it is; the reader is named from a short
 * list of the known ones, else by the User-Agent's first word; the feed's
 * id, where the reader gives one (one reader may fetch the same URL for
 * several of its feeds), from "feed-id=", "feed-id:", "feedID:" or
 * NewsBlur's "/site/N/".
 */
#include "blogstat.h"
#include "feedsub.h"

#include <string.h>

/* The known readers: a word of their User-Agent and their name. */
static const struct {
    const char *needle, *name;
} readers[] = {
    {"Feedfetcher-Google", "Google Feedfetcher"},
    {"Feedly", "Feedly"},
    {"feedly", "Feedly"},
    {"inoreader", "Inoreader"},
    {"Inoreader", "Inoreader"},
    {"NewsBlur", "NewsBlur"},
    {"Feedbin", "Feedbin"},
    {"theoldreader", "The Old Reader"},
    {"Netvibes", "Netvibes"},
    {"Bloglovin", "Bloglovin"},
    {"Feedspot", "Feedspot"},
    {"feeder.co", "Feeder"},
    {"BazQux", "BazQux"},
    {"FeedHQ", "FeedHQ"},
    {"Feed Wrangler", "Feed Wrangler"},
    {"NewsGator", "NewsGator"},
    {"Superfeedr", "Superfeedr"},
};

/* needle in s[0..n), or NULL. */
static const char *find(const char *s, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    const char *p = s, *e = s + n;

    while (m <= (size_t)(e - p) &&
           (p = memchr(p, needle[0], (size_t)(e - p) - m + 1))) {
        if (memcmp(p, needle, m) == 0)
            return p;
        p++;
    }
    return NULL;
}

static int is_digit_c(char c)
{
    return c >= '0' && c <= '9';
}

static int id_byte(char c)
{
    return is_digit_c(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           c == '-' || c == '_';
}

/* The number written right before p (one space between), into *v: 1, or
 * 0 when there is none. */
static int number_before(const char *ua, const char *p, uint64_t *v)
{
    const char *e = p, *b;

    if (e > ua && e[-1] == ' ')
        e--;
    for (b = e; b > ua && is_digit_c(b[-1]); b--)
        ;
    if (b == e)
        return 0;
    *v = 0;
    for (; b < e; b++)
        *v = *v > (UINT32_MAX - 9) / 10 ? UINT32_MAX
                                       : *v * 10 + (uint64_t)(*b - '0');
    return 1;
}

/* The reader's name into out. */
static void reader_of(const char *ua, size_t n, struct feed_report *out)
{
    size_t k = 0;

    for (size_t i = 0; i < ARRAY_SIZE(readers); i++)
        if (find(ua, n, readers[i].needle)) {
            k = strlen(readers[i].name);
            memcpy(out->reader, readers[i].name, k);
            out->reader[k] = '\0';
            out->reader_n = k;
            return;
        }
    /* Another: its first word, of the bytes a product name has. */
    while (k < n && k < FEEDSUB_READER_MAX &&
           (id_byte(ua[k]) || ua[k] == '.'))
        k++;
    if (k == 0) {
        memcpy(out->reader, "(other)", 7);
        k = 7;
    } else {
        memcpy(out->reader, ua, k);
    }
    out->reader[k] = '\0';
    out->reader_n = k;
}

/* The feed's id, where the User-Agent gives one, into out. */
static void feed_id_of(const char *ua, size_t n, struct feed_report *out)
{
    static const char *const keys[] = {"feed-id=", "feed-id:", "feedID: ",
                                       "feedID:", "feedid=", "/site/"};
    const char *p = NULL, *e = ua + n;
    size_t k = 0;

    for (size_t i = 0; i < ARRAY_SIZE(keys) && !p; i++)
        if ((p = find(ua, n, keys[i])))
            p += strlen(keys[i]);
    while (p && p + k < e && k < FEEDSUB_ID_MAX && id_byte(p[k]))
        k++;
    if (k)
        memcpy(out->feed_id, p, k);
    out->feed_id[k] = '\0';
    out->feed_id_n = k;
}

int feedsub_parse(const char *ua, size_t n, struct feed_report *out)
{
    const char *p, *e, *w;

    memset(out, 0, sizeof(*out));
    if (!ua)
        return 0;
    p = ua;
    e = ua + n;
    /* The first "subscriber" with a number before it. */
    while ((w = find(p, (size_t)(e - p), "subscriber"))) {
        if (number_before(ua, w, &out->subscribers)) {
            reader_of(ua, n, out);
            feed_id_of(ua, n, out);
            return 1;
        }
        p = w + 10;
    }
    return 0;
}
