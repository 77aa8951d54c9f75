/*
 * digest.h - the blogger's week as a mail: a MIME message for
 * `sendmail -t`, with a text/plain part and a text/html part laid out
 * as the report's cards and tables (tables and inline styles, as mail
 * clients read them), the day chart as an inline PNG referenced by
 * cid:, nothing loaded from the network. It holds the range's views,
 * visitors and visits with their change, the top posts, the trending
 * posts, the referring sites new to the range, and the feeds'
 * subscribers: each number the one `blogstat top` gives for the range.
 *
 * One owner: digest_build() makes a digest with everything it points to;
 * digest_free() frees it.
 */
#ifndef BLOGSTAT_DIGEST_H
#define BLOGSTAT_DIGEST_H

#include "blogstat.h"
#include "report_data.h"

#include <stdio.h>

struct store;
struct digest;

/* Rows of each list of the mail. */
#define DIGEST_TOP_POSTS 10
#define DIGEST_TRENDING 5
#define DIGEST_NEW_REFERRERS 5
#define DIGEST_FEEDS 3
/* The days before the range whose referrers are not new. */
#define DIGEST_REFERRER_DAYS 28

/* Read the digest of r from s: NULL with err. */
struct digest *digest_build(struct store *s, const struct report_range *r,
                            struct bs_err *err);
void digest_free(struct digest *d);

struct digest_mail {
    const char *to;          /* To:, or NULL (then sendmail needs it given) */
    const char *from;        /* From:, or NULL: blogstat at this host */
    const char *site_name;   /* or NULL */
    const char *site_url;    /* or NULL */
    int64_t now;             /* Date:, Unix seconds */
    const char *tmpdir;      /* a folder for the chart while it is drawn
                              * (NULL: $TMPDIR, else /tmp) */
};

/* The message of d into f: 0, or -1 with err (BS_IOERR: f failed;
 * BS_USAGE: an address with a line break or no '@'). */
int digest_write(FILE *f, const struct digest *d, const struct digest_mail *m,
                 struct bs_err *err);

/* The subject of d, as the mail says it (UTF-8, before any encoding):
 * "Your blog this week: 2,431 views (+12%)". */
void digest_subject(const struct digest *d, char *buf, size_t n);

#endif
