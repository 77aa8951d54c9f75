/*
 * classify.h - what a request target is (post, tag archive, feed, asset
 * ...) and its canonical key, by URL rules that are data: permalink
 * patterns in WordPress's %tag% syntax, compiled once.
 *
 * The rules and their order are documented in doc/counting.md.
 */
#ifndef BLOGSTAT_CLASSIFY_H
#define BLOGSTAT_CLASSIFY_H

#include "blogstat.h"

enum url_kind {
    URL_OTHER = 0,
    URL_POST,
    URL_PAGE,
    URL_HOME,
    URL_TAG,
    URL_CATEGORY,
    URL_ARCHIVE,
    URL_SEARCH,
    URL_POSTID,
    URL_FEED,
    URL_ASSET,
    URL_ADMIN,
    URL_IGNORED,
    URL_NKINDS
};

/* "post", "page", ... as stored in the database and printed. */
const char *url_kind_name(enum url_kind kind);
/* 1 for the kinds whose GETs answered 200/304 are views. */
int url_kind_is_content(enum url_kind kind);

/* The longest canonical key; a longer decoded path is URL_OTHER. */
#define URL_KEY_MAX 1024

struct url_class {
    enum url_kind kind;
    size_t key_len;
    /*
     * The canonical key, NUL-terminated: the decoded path as the pattern
     * writes it for posts, pages and archives ("/2013/02/07/säkerhet/"),
     * the decoded name for tags and categories ("säkerhet"), "/" for home,
     * "/?s=" for searches, "/?p=N" or "/?page_id=N" for post ids. Empty for
     * the kinds that are never views.
     */
    char key[URL_KEY_MAX + 8];
};

struct url_rules;

/* The WordPress defaults (doc/counting.md "Classifying a target"): the
 * preset "wordpress". Caller frees with url_rules_free(). */
struct url_rules *url_rules_new(void);
void url_rules_free(struct url_rules *r);

/*
 * Take the URL shapes of a blog engine as it writes them by default
 * (doc/counting.md "Presets"): name is "wordpress", "hugo", "jekyll",
 * "ghost" or "eleventy". It gives the post, tag, category and author
 * patterns, the date archives, the pagination and the engine's admin
 * paths; a pattern set with url_rules_set(), before or after, stays.
 * Returns -1 with err (BS_USAGE) for an unknown name, changing nothing.
 */
int url_rules_preset(struct url_rules *r, const char *name,
                     struct bs_err *err);

/*
 * Replace one pattern: which is "post", "tag", "category" or "author".
 * The pattern starts with '/' and uses %year% %monthnum% %day% %hour%
 * %minute% %second% %post_id% %postname% %category% %author% %tag% and
 * %categories% (zero or more category folders, as Jekyll writes them,
 * between two '/'); a tag pattern must hold %tag%, a category pattern
 * %category%, an author pattern %author%, a post pattern %postname% or
 * %post_id%. Returns -1 with err (BS_USAGE) when the pattern is bad.
 */
int url_rules_set(struct url_rules *r, const char *which,
                  const char *pattern, struct bs_err *err);
/* Add an ignore glob (fnmatch syntax, matched against the decoded path). */
int url_rules_add_ignore(struct url_rules *r, const char *glob,
                         struct bs_err *err);
/* Add a feed glob: matching paths are feeds (Hugo's "/index.xml" ...). */
int url_rules_add_feed(struct url_rules *r, const char *glob,
                       struct bs_err *err);

/*
 * Classify target (n bytes, as in the request line) and fill *out.
 * Allocates nothing; never reads outside target[0..n).
 */
enum url_kind classify_url(const struct url_rules *r, const char *target,
                           size_t n, struct url_class *out);

/*
 * The same through a cache of recent targets (a blog's log asks for the
 * same few hundred pages over and over): a target of up to
 * URL_CACHE_BYTES bytes whose key is as short is kept, a few thousand of
 * them, a fixed half MiB. One cache a thread; any rules (each entry
 * knows its rules).
 */
#define URL_CACHE_BYTES 118
struct url_cache;
struct url_cache *url_cache_new(void);
void url_cache_free(struct url_cache *c);
enum url_kind classify_url_cached(struct url_cache *c,
                                  const struct url_rules *r,
                                  const char *target, size_t n,
                                  struct url_class *out);

/* ---- referrers ---- */

enum ref_class { REF_NONE, REF_INTERNAL, REF_SEARCH, REF_SOCIAL, REF_OTHER,
                 REF_MAIL };

/* "none", "internal", "search", "social", "other", "mail". */
const char *ref_class_name(enum ref_class c);

struct ref_info {
    enum ref_class cls;
    char host[256];            /* lower case, without "www."; its brand
                                  where rules/referrers.txt gives one
                                  ("facebook.com" for l.facebook.com);
                                  "" for none */
    size_t host_n;
    char term[256];            /* the search terms, decoded, or "" */
    size_t term_n;
};

/* The site's own host, from [site] url, so that links from it are
 * internal; -1 with err when url is not http(s)://host... */
int url_rules_set_site(struct url_rules *r, const char *url,
                       struct bs_err *err);

/* Where a view came from: its Referer (n bytes, as logged). */
enum ref_class classify_referrer(const struct url_rules *r, const char *ref,
                                 size_t n, struct ref_info *out);
/* The same through a cache (a url_cache of its own: a blog's views come
 * from the same few hundred referrers over and over); a search with
 * terms is classified each time. */
enum ref_class classify_referrer_cached(struct url_cache *c,
                                        const struct url_rules *r,
                                        const char *ref, size_t n,
                                        struct ref_info *out);

/*
 * Percent-decode a path (see doc/counting.md): valid UTF-8 is decoded,
 * control characters, '/', '?', '#', '%' and invalid bytes stay (or
 * become) %XX with upper-case hex. Writes at most cap bytes to out and
 * returns the length, or SIZE_MAX when it does not fit.
 */
size_t url_decode_path(const char *in, size_t n, char *out, size_t cap);

/* ---- campaigns and missing pages (classify_query.c) ---- */

/* Bytes of a campaign's source, medium or name, at most. */
#define CAMPAIGN_PART_MAX 100

struct campaign {
    char source[CAMPAIGN_PART_MAX + 1];
    char medium[CAMPAIGN_PART_MAX + 1];
    char name[CAMPAIGN_PART_MAX + 1];
    size_t source_n, medium_n, name_n;
};

/*
 * The campaign a request target names in its query: utm_source (else
 * ref, else source), utm_medium and utm_campaign, '+' and
 * percent-encoding decoded as url_decode_path() does, each cut to
 * CAMPAIGN_PART_MAX bytes on a character boundary. 1 when it names a
 * source, else 0. Allocates nothing.
 */
int classify_campaign(const char *target, size_t n, struct campaign *out);

/*
 * 1 when the decoded path d (n bytes) is a scanner's probe rather than a
 * link a person followed: a dot folder or file ("/.env", "/.git/"), a
 * script or archive ending (.php .asp .aspx .jsp .cgi .env .sql .bak .zip
 * .tar .gz .rar .7z .ini .log .yml .yaml .conf .old .swp), or a folder
 * scanners try ("/cgi-bin/", "/phpmyadmin", "/admin", "/vendor/",
 * "/wp-" ...).
 */
int url_is_probe(const char *d, size_t n);

#endif
