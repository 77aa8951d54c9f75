/*
 * feedsub.h - the subscribers a feed reader says it fetches a feed for,
 * in its User-Agent: "Feedly/1.0 (+http://www.feedly.com/fetcher.html;
 * 42 subscribers; ...)", "NewsBlur Feed Fetcher - 12 subscribers - ...",
 * "Feedbin feed-id:4411 - 7 subscribers" (doc/counting.md "Feed
 * subscribers"). Allocates nothing; reads only the bytes it is given.
 */
#ifndef BLOGSTAT_FEEDSUB_H
#define BLOGSTAT_FEEDSUB_H

#include "blogstat.h"

#define FEEDSUB_READER_MAX 31
#define FEEDSUB_ID_MAX 47

struct feed_report {
    char reader[FEEDSUB_READER_MAX + 1];  /* "Feedly", "NewsBlur" ... */
    size_t reader_n;
    uint64_t subscribers;                 /* saturates at UINT32_MAX */
    char feed_id[FEEDSUB_ID_MAX + 1];     /* the reader's id of the feed,
                                           * or "" */
    size_t feed_id_n;
};

/* 1 when the User-Agent ua (n bytes) reports a number of subscribers
 * (out filled), else 0. */
int feedsub_parse(const char *ua, size_t n, struct feed_report *out);

#endif
