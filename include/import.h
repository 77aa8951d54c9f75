/*
 * import.h - read post metadata: a WordPress export (WXR 1.0-1.2), an
 * RSS 2.0 or Atom feed (streamed with expat), a JSON Feed (jsmn), a CSV
 * file `path,title,published,tags` (libcsv), or the source folder of a
 * static site: Markdown files whose front matter is YAML (libyaml) or
 * TOML (toml++, behind a C shim).
 *
 * Everything read is untrusted: texts are cut to IMPORT_MAX_TEXT on a
 * character boundary and made valid UTF-8, lists to IMPORT_MAX_TERMS.
 */
#ifndef BLOGSTAT_IMPORT_H
#define BLOGSTAT_IMPORT_H

#include "blogstat.h"

#define IMPORT_NO_DAY INT32_MIN
/* Titles, links and names longer than this are cut (on a UTF-8 boundary). */
#define IMPORT_MAX_TEXT 4096
/* More tags or categories on one post are ignored. */
#define IMPORT_MAX_TERMS 256

enum import_format {
    IMPORT_WXR, IMPORT_RSS, IMPORT_ATOM, IMPORT_CSV, IMPORT_JSONFEED,
    IMPORT_SITE              /* a static site's source folder */
};

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
    /* NULL, or each tag's and category's name as the file writes it
     * ("Inrikes frågor" of inrikes-fragor; "" when it gives none). */
    const char *const *tag_titles;
    const char *const *category_titles;
    int has_tags;            /* the format gives tags (maybe none) */
    int has_categories;      /* the format gives categories */
    const char *const *aliases; /* other paths of the page (Hugo's
                                 * aliases), as the file writes them */
    size_t naliases;
};

/* Called for each post; returns 0, or -1 with err to stop the import. */
typedef int (*import_fn)(void *ctx, const struct import_post *p,
                         struct bs_err *err);

struct import_stats {
    enum import_format format;
    uint64_t posts;          /* passed to the callback */
    uint64_t skipped;        /* drafts, attachments, menu items ... */
    uint64_t bad;            /* import_dir(): files that could not be read */
    int engine;              /* import_dir(): the enum import_engine found */
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

/* ---- JSON Feed ---------------------------------------------------------- */

/* The largest JSON Feed read (it is read whole). */
#define IMPORT_JSONFEED_MAX (64u << 20)

/*
 * Read a JSON Feed (version 1 or 1.1) held in text[0..n): each item's
 * url (or an id that is a URL or a path), title, date_published (else
 * date_modified) and tags. name is the file, for messages. Returns as
 * import_file() does. import_file() calls it for a file whose first
 * character is '{'.
 */
int import_jsonfeed(const char *name, const char *text, size_t n,
                    import_fn fn, void *ctx, struct import_stats *stats,
                    struct bs_err *err);

/* ---- static site sources ------------------------------------------------- */

/* The engines whose source folders import_dir() reads. */
enum import_engine {
    IMPORT_ENGINE_HUGO,      /* content/SECTION/NAME.md, page bundles */
    IMPORT_ENGINE_JEKYLL,    /* _posts/YYYY-MM-DD-NAME.md, pages */
    IMPORT_ENGINE_ELEVENTY   /* any folder of Markdown pages */
};

const char *import_engine_name(enum import_engine e);

/*
 * What the front matter of one Markdown file says of its page. The
 * strings are valid UTF-8 ("" when absent); terms are names as written
 * (not slugs), at most IMPORT_MAX_TERMS of each.
 */
struct import_page {
    const char *title;
    const char *slug;
    const char *url;         /* `url`, else `permalink` */
    const char *date;        /* the date's text: `date`, else
                              * `publishDate`, `pubdate`, `published` */
    int32_t published;       /* date as a local day, or IMPORT_NO_DAY */
    int draft;               /* `draft: true` or `published: false` */
    const char *const *tags;
    size_t ntags;
    const char *const *categories;   /* `categories`, `category` */
    size_t ncategories;
    const char *const *aliases;
    size_t naliases;
};

/* Bounds on what import_dir() reads. */
#define IMPORT_FM_MAX (256u << 10)       /* bytes of front matter */
#define IMPORT_DIR_DEPTH 32              /* folders below DIR */
#define IMPORT_DIR_ENTRIES 1000000u      /* names looked at in all */

/* The parsed front matter of one file at a time: it owns the strings an
 * import_page points to. */
struct import_fm;

struct import_fm *import_fm_new(void);
void import_fm_free(struct import_fm *fm);

/*
 * Parse the front matter at the start of text[0..n) (a Markdown file's
 * first bytes; name for messages): YAML between "---" lines, or TOML
 * between "+++" lines. Returns 1 with *page filled (valid until the next
 * call on fm), 0 when the file has no front matter (*page empty), or -1
 * with err (BS_DATAERR, "NAME:LINE: what") when it is malformed or not
 * closed within the n bytes.
 */
int import_fm_parse(struct import_fm *fm, const char *name, const char *text,
                    size_t n, struct import_page *page, struct bs_err *err);

/*
 * The URL path the engine gives, by its default settings, to the page of
 * the file rel (its '/'-separated path in the site's folder, as
 * "content/posts/hi.md" or "_posts/2020-01-02-hi.md") with front matter
 * page. Written NUL-terminated into out (cap bytes); returns its length,
 * or 0 when the file makes no page of its own (Hugo's list pages
 * `_index.md`, the home page, a Jekyll post whose name has no date,
 * `permalink: false`) or the path does not fit.
 */
size_t import_page_path(enum import_engine engine, const char *rel,
                        const struct import_page *page, char *out,
                        size_t cap);

/* The day of a Jekyll post's file name ("_posts/2020-01-02-hi.md"), or
 * IMPORT_NO_DAY when rel is none. */
int32_t import_page_name_day(const char *rel);

struct sink;

/*
 * Read the Markdown files (.md, .markdown) under dir: the engine is found
 * from the folder's shape (a content/ folder: Hugo, and only it is read;
 * _posts/ or _config.yml: Jekyll; else Eleventy), and every page that is
 * no draft is passed to fn with the path import_page_path() gives it.
 *
 * Symlinked folders are not followed, folders deeper than
 * IMPORT_DIR_DEPTH are not read (a warning says so), and a folder with
 * more than IMPORT_DIR_ENTRIES names in all is refused. A file that
 * cannot be read or whose front matter is malformed goes to sink's error
 * ("FILE:LINE: what") and is counted in stats->bad; the others are still
 * read. Returns 0, or -1 with err when dir cannot be read, is too big,
 * or fn failed (some posts may have been passed to fn).
 */
int import_dir(const char *dir, const struct sink *sink, import_fn fn,
               void *ctx, struct import_stats *stats, struct bs_err *err);

#endif
