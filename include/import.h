/*
 * import.h - read post metadata: a WordPress export (WXR 1.0-1.2), an
 * RSS 2.0 or Atom feed (streamed with expat), or a CSV file
 * `path,title,published,tags` (libcsv).
 */
#ifndef BLOGSTAT_IMPORT_H
#define BLOGSTAT_IMPORT_H

#include "blogstat.h"

#define IMPORT_NO_DAY INT32_MIN
/* Titles, links and names longer than this are cut (on a UTF-8 boundary). */
#define IMPORT_MAX_TEXT 4096
/* More tags or categories on one post are ignored. */
#define IMPORT_MAX_TERMS 256

enum import_format { IMPORT_WXR, IMPORT_RSS, IMPORT_ATOM, IMPORT_CSV };

const char *import_format_name(enum import_format f);

/* One published post or page. Everything is borrowed for the callback. */
struct import_post {
    const char *link;        /* as the file gives it: URL or path */
    const char *title;       /* valid UTF-8, "" when none */
    int32_t published;       /* local day, or IMPORT_NO_DAY */
    int64_t post_id;         /* WordPress ID, 0 when none */
    const char *type;        /* "post", "page", or NULL: ask the URL */
    const char *const *tags; /* slugs (WordPress: percent-encoded) */
    size_t ntags;
    const char *const *categories;
    size_t ncategories;
    int has_tags;            /* the format gives tags (maybe none) */
    int has_categories;      /* the format gives categories */
};

/* Called for each post; returns 0, or -1 with err to stop the import. */
typedef int (*import_fn)(void *ctx, const struct import_post *p,
                         struct bs_err *err);

struct import_stats {
    enum import_format format;
    uint64_t posts;          /* passed to the callback */
    uint64_t skipped;        /* drafts, attachments, menu items ... */
};

/*
 * Read path (format found from its content) and call fn for every
 * published post and page. Errors: BS_NOINPUT when it cannot be opened,
 * BS_DATAERR when it is malformed ("FILE:LINE:COL: what"), or whatever fn
 * returned. On error some posts may already have been passed to fn: the
 * caller wraps the import in a transaction.
 */
int import_file(const char *path, import_fn fn, void *ctx,
                struct import_stats *stats, struct bs_err *err);

/* Parse the text of a date as the formats write it (WXR "2013-02-07
 * 10:00:00", RFC 822 "Thu, 07 Feb 2013 10:00:00 +0100", ISO 8601) into
 * the local day; IMPORT_NO_DAY when it is none of them. */
int32_t import_parse_date(const char *s);

/* A tag or category name as a URL slug: ASCII lower-cased, blanks and
 * punctuation runs as one '-', UTF-8 kept. Writes at most cap bytes. */
size_t import_slugify(const char *name, char *out, size_t cap);

#endif
