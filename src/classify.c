/*
 * classify.c - request target -> kind and canonical key.
 *
 * Everything here is prefix/suffix compares on the decoded path and a
 * small backtracking matcher for permalink patterns; no regex and no
 * allocation per call. doc/counting.md is the specification.
 */
#include "blogstat.h"
#include "ascii.h"
#include "classify_int.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[URL_NKINDS] = {
    [URL_OTHER] = "other",     [URL_POST] = "post",
    [URL_PAGE] = "page",       [URL_HOME] = "home",
    [URL_TAG] = "tag",         [URL_CATEGORY] = "category",
    [URL_ARCHIVE] = "archive", [URL_SEARCH] = "search",
    [URL_POSTID] = "postid",   [URL_FEED] = "feed",
    [URL_ASSET] = "asset",     [URL_ADMIN] = "admin",
    [URL_IGNORED] = "ignored",
};

const char *url_kind_name(enum url_kind kind)
{
    return (unsigned)kind < URL_NKINDS ? kind_names[kind] : "other";
}

int url_kind_is_content(enum url_kind kind)
{
    switch (kind) {
    case URL_POST: case URL_PAGE: case URL_HOME: case URL_TAG:
    case URL_CATEGORY: case URL_ARCHIVE: case URL_SEARCH: case URL_POSTID:
        return 1;
    default:
        return 0;
    }
}

/* ---- percent-decoding ------------------------------------------------ */

/*
 * The byte at in[*i], from a %XX escape, a server's log escape or raw;
 * advances *i past it. The servers write a byte of the request line they
 * will not log raw as \xHH (nginx: '"', '\\', below 32 and above 126;
 * Apache: the same but '"' and '\\', which it writes \" and \\): the
 * request had that byte, so it is decoded as %HH would be.
 */
static unsigned src_byte(const char *in, size_t n, size_t *i, int *escaped)
{
    size_t k = *i;

    if (in[k] == '\\' && k + 1 < n) {
        if (in[k + 1] == 'x' && k + 3 < n && hex_digit(in[k + 2]) >= 0 &&
            hex_digit(in[k + 3]) >= 0) {
            *i = k + 4;
            *escaped = 1;
            return (unsigned)(hex_digit(in[k + 2]) * 16 + hex_digit(in[k + 3]));
        }
        if (in[k + 1] == '"' || in[k + 1] == '\\') {
            *i = k + 2;
            *escaped = 1;
            return (unsigned char)in[k + 1];
        }
    }

    if (in[k] == '%' && k + 2 < n && hex_digit(in[k + 1]) >= 0 &&
        hex_digit(in[k + 2]) >= 0) {
        *i = k + 3;
        *escaped = 1;
        return (unsigned)(hex_digit(in[k + 1]) * 16 + hex_digit(in[k + 2]));
    }
    *i = k + 1;
    *escaped = 0;
    return (unsigned char)in[k];
}

size_t url_decode_path(const char *in, size_t n, char *out, size_t cap)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t i = 0, o = 0;

    /* Most paths are plain printable ASCII: nothing to decode. */
    while (i < n) {
        unsigned char c = (unsigned char)in[i];

        if (c < 0x20 || c >= 0x7f || c == '%' || c == '\\')
            break;
        i++;
    }
    if (i == n) {
        if (n > cap)
            return SIZE_MAX;
        memcpy(out, in, n);
        return n;
    }
    if (i > cap)
        return SIZE_MAX;
    memcpy(out, in, i);
    o = i;

#define PUT(c) do { if (o >= cap) return SIZE_MAX; out[o++] = (char)(c); } \
    while (0)
#define PUTENC(b) do { PUT('%'); PUT(hex[(b) >> 4]); PUT(hex[(b) & 15]); } \
    while (0)
    while (i < n) {
        int esc, need;
        unsigned b = src_byte(in, n, &i, &esc);
        uint32_t cp, min;
        unsigned char seq[4];
        size_t j;
        int ok = 1;

        if (b < 0x80) {
            if (b < 0x20 || b == 0x7f || b == '%' ||
                (esc && (b == '/' || b == '?' || b == '#')))
                PUTENC(b);
            else
                PUT(b);
            continue;
        }
        if (b >= 0xC2 && b <= 0xDF) {
            need = 1, cp = b & 0x1F, min = 0x80;
        } else if (b >= 0xE0 && b <= 0xEF) {
            need = 2, cp = b & 0x0F, min = 0x800;
        } else if (b >= 0xF0 && b <= 0xF4) {
            need = 3, cp = b & 0x07, min = 0x10000;
        } else {
            PUTENC(b);
            continue;
        }
        seq[0] = (unsigned char)b;
        j = i;
        for (int k = 1; k <= need; k++) {
            int e2;
            unsigned c;

            if (j >= n) {
                ok = 0;
                break;
            }
            c = src_byte(in, n, &j, &e2);
            if ((c & 0xC0) != 0x80) {
                ok = 0;
                break;
            }
            cp = (cp << 6) | (c & 0x3F);
            seq[k] = (unsigned char)c;
        }
        /* C1 controls (U+0080..U+009F) are controls too: terminals obey
         * some of them. */
        if (ok && cp >= min && cp <= 0x10FFFF &&
            !(cp >= 0xD800 && cp <= 0xDFFF) && !(cp >= 0x80 && cp <= 0x9F)) {
            for (int k = 0; k <= need; k++)
                PUT(seq[k]);
            i = j;
        } else {
            PUTENC(b);
        }
    }
#undef PUT
#undef PUTENC
    return o;
}

/* ---- classification --------------------------------------------------- */

/* 1 when s (n bytes) is lit (lowercase) in any case. */
static int lower_eq(const char *s, size_t n, const char *lit)
{
    size_t m = strlen(lit);

    if (n != m)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != lit[i])
            return 0;
    }
    return 1;
}

static int all_digits(const char *s, size_t n)
{
    if (n == 0 || n > 18)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]))
            return 0;
    return 1;
}

/* Start of the last segment of d[0..n) (just after its '/'). */
static size_t last_seg(const char *d, size_t n)
{
    size_t i = n;

    while (i > 0 && d[i - 1] != '/')
        i--;
    return i;
}

/* The value of parameter name in a query string, or NULL. */
static const char *query_param(const char *q, size_t qn, const char *name,
                               size_t *vn)
{
    size_t nlen = strlen(name);
    const char *e = q + qn;

    while (q < e) {
        const char *amp = memchr(q, '&', (size_t)(e - q));
        const char *end = amp ? amp : e;

        if ((size_t)(end - q) >= nlen && memcmp(q, name, nlen) == 0 &&
            (q + nlen == end || q[nlen] == '=')) {
            const char *v = q + nlen + (q + nlen < end);

            *vn = (size_t)(end - v);
            return v;
        }
        q = end + (amp != NULL);
    }
    return NULL;
}

static int is_asset_ext(const char *seg, size_t n)
{
    static const char *const exts[] = {
        "css", "js", "mjs", "map", "png", "jpg", "jpeg", "gif", "webp",
        "avif", "ico", "svg", "bmp", "woff", "woff2", "ttf", "otf", "eot",
        "mp3", "mp4", "webm", "ogg", "wav", "pdf", "zip", "gz",
    };
    const char *dot = NULL;

    for (size_t i = 0; i < n; i++)
        if (seg[i] == '.')
            dot = seg + i;
    if (!dot)
        return 0;
    for (size_t i = 0; i < ARRAY_SIZE(exts); i++)
        if (lower_eq(dot + 1, (size_t)(seg + n - dot - 1), exts[i]))
            return 1;
    return 0;
}

/* WordPress's admin and login (every engine's logs hold their probes). */
static int is_wp_admin(const char *d, size_t bn)
{
    static const char *const exact[] = {
        "/wp-admin", "/wp-login.php", "/xmlrpc.php", "/wp-cron.php",
        "/wp-json", "/wp-signup.php", "/wp-trackback.php",
        "/wp-comments-post.php",
    };
    struct slice s = slice_make(d, bn);

    /* Every one is "/xmlrpc.php" or begins "/wp-": most paths are out
     * after a byte or four. */
    if (bn < 8)
        return 0;
    if (d[1] == 'x')
        return slice_eq_str(s, "/xmlrpc.php");
    if (memcmp(d, "/wp-", 4) != 0)
        return 0;
    if (slice_starts(s, "/wp-admin/", 10) || slice_starts(s, "/wp-json/", 9))
        return 1;
    for (size_t i = 0; i < ARRAY_SIZE(exact); i++)
        if (slice_eq_str(s, exact[i]))
            return 1;
    return 0;
}

/* WordPress's admin, or the engine's own: a prefix or what is below it. */
static int is_admin(const struct url_rules *r, const char *d, size_t bn)
{
    if (is_wp_admin(d, bn))
        return 1;
    for (const char *const *a = r->admin; a && *a; a++) {
        size_t n = strlen(*a);

        if (bn >= n && memcmp(d, *a, n) == 0 && (bn == n || d[n] == '/'))
            return 1;
    }
    return 0;
}

/* d[0..dn) matches one of the globs (d has room for a NUL at dn). */
static int any_glob(char *const *globs, size_t n, char *d, size_t dn)
{
    d[dn] = '\0';
    for (size_t i = 0; i < n; i++)
        if (fnmatch(globs[i], d, 0) == 0)
            return 1;
    return 0;
}

static int is_ignored(const struct url_rules *r, char *d, size_t dn,
                      size_t bn)
{
    static const char *const exact[] = {
        "/robots.txt", "/favicon.ico", "/sitemap.xml", "/ads.txt",
        "/humans.txt", "/.well-known",
    };
    struct slice s = slice_make(d, bn);

    if (slice_starts(s, "/.well-known/", 13))
        return 1;
    for (size_t i = 0; i < ARRAY_SIZE(exact); i++)
        if (slice_eq_str(s, exact[i]))
            return 1;
    return any_glob(r->ignore, r->nignore, d, dn);
}

static enum url_kind set_key(struct url_class *out, enum url_kind kind,
                             size_t len, int slash)
{
    out->kind = kind;
    if (slash)
        out->key[len++] = '/';
    out->key[len] = '\0';
    out->key_len = len;
    return kind;
}

static enum url_kind set_lit(struct url_class *out, enum url_kind kind,
                             const char *a, size_t an, const char *b,
                             size_t bn)
{
    memcpy(out->key, a, an);
    memcpy(out->key + an, b, bn);
    return set_key(out, kind, an + bn, 0);
}

static enum url_kind set_none(struct url_class *out, enum url_kind kind)
{
    return set_key(out, kind, 0, 0);
}

/* The capture of an archive pattern as the key; the last segment of a
 * nested category. */
static enum url_kind set_name(struct url_class *out, enum url_kind kind,
                              struct slice v)
{
    if (kind == URL_CATEGORY) {
        size_t ls = last_seg(v.p, v.n);

        v.p += ls;
        v.n -= ls;
    }
    memmove(out->key, v.p, v.n);
    return set_key(out, kind, v.n, 0);
}

/* seg (n bytes) ends in ".html" or ".htm", in any case. */
static int is_html(const char *seg, size_t n)
{
    return (n > 5 && lower_eq(seg + n - 5, 5, ".html")) ||
           (n > 4 && lower_eq(seg + n - 4, 4, ".htm"));
}

/*
 * A feed file by its name: "index.xml" (Hugo, at every list page),
 * "feed.xml" (jekyll-feed, eleventy), "atom.xml", "rss.xml",
 * "feed.json" (JSON Feed), or any "*.rss" and "*.atom".
 */
static int is_feed_file(const char *seg, size_t n)
{
    static const char *const names[] = {
        "index.xml", "feed.xml", "atom.xml", "rss.xml", "feed.json",
    };
    size_t i = n, en;

    while (i > 0 && seg[i - 1] != '.')
        i--;
    if (i == 0)
        return 0;
    en = n - i;
    if (lower_eq(seg + i, en, "rss") || lower_eq(seg + i, en, "atom"))
        return 1;
    if (!lower_eq(seg + i, en, "xml") && !lower_eq(seg + i, en, "json"))
        return 0;
    for (size_t k = 0; k < ARRAY_SIZE(names); k++)
        if (lower_eq(seg, n, names[k]))
            return 1;
    return 0;
}

/*
 * The feeds of every engine (doc/counting.md "Feeds"): d[0..dn) the
 * decoded path, bn without its trailing '/', ls where its last segment
 * starts.
 */
static int is_feed(const struct url_rules *r, const char *q, size_t qn,
                   char *d, size_t dn, size_t bn, size_t ls)
{
    struct slice last = slice_make(d + ls, bn - ls);
    struct caps caps;
    size_t vn;

    if (q && query_param(q, qn, "feed", &vn))
        return 1;
    if (ls > 0 && slice_eq_str(last, "feed"))
        return 1;
    if (ls > 1) {
        size_t ps = last_seg(d, ls - 1);

        /* WordPress's /feed/rss2/, /slug/feed/atom/ ... */
        if (ls - 1 - ps == 4 && memcmp(d + ps, "feed", 4) == 0 &&
            (slice_eq_str(last, "rss") || slice_eq_str(last, "rss2") ||
             slice_eq_str(last, "atom") || slice_eq_str(last, "rdf")))
            return 1;
    }
    if (is_feed_file(last.p, last.n))
        return 1;
    /* Ghost's /rss/, /tag/x/rss/, /author/x/rss/; "/tag/rss/" is the
     * tag "rss". */
    if (ls > 0 && slice_eq_str(last, "rss") &&
        !pattern_match(&r->rule[RULE_TAG], d, bn, &caps) &&
        !pattern_match(&r->rule[RULE_CATEGORY], d, bn, &caps))
        return 1;
    return r->nfeeds && any_glob(r->feeds, r->nfeeds, d, dn);
}

/* Where the "page/N" of a paged list starts in d[0..bn) (ls: its last
 * segment), bn when it is not one: "/page/N" (WordPress, Hugo, Ghost),
 * or "/pageN" with jekyll-paginate. */
static size_t paged(const struct url_rules *r, const char *d, size_t bn,
                    size_t ls)
{
    if (all_digits(d + ls, bn - ls) && ls >= 6 &&
        memcmp(d + ls - 6, "/page/", 6) == 0)
        return ls - 6;
    if (r->glued_pages && ls > 0 && bn - ls > 4 &&
        memcmp(d + ls, "page", 4) == 0 && all_digits(d + ls + 4, bn - ls - 4))
        return ls - 1;
    return bn;
}

/* The archive d[0..pg) is: a tag, a category, a date or an author;
 * URL_OTHER when none. */
static enum url_kind match_archive(const struct url_rules *r, const char *d,
                                   size_t pg, struct url_class *out)
{
    struct caps caps;

    caps.v[T_TAG] = caps.v[T_CATEGORY] = slice_make(d, 0);
    if (pattern_match(&r->rule[RULE_TAG], d, pg, &caps))
        return set_name(out, URL_TAG, caps.v[T_TAG]);
    if (pattern_match(&r->rule[RULE_CATEGORY], d, pg, &caps))
        return set_name(out, URL_CATEGORY, caps.v[T_CATEGORY]);
    for (int i = 0; i < r->ndates; i++)
        if (pattern_match(&r->dates[i], d, pg, &caps))
            return set_key(out, URL_ARCHIVE, pg, 1);
    if (pattern_match(&r->rule[RULE_AUTHOR], d, pg, &caps))
        return set_key(out, URL_ARCHIVE, pg, 1);
    return URL_OTHER;
}

/*
 * The post d[0..b0) is, URL_OTHER when none; paged: d[0..b0) may end in
 * a page number of the post. The key is the path as the pattern writes
 * it, but a ".html" path keeps its spelling; with a pattern ending in a
 * file ending (Jekyll's "%postname%.html"), the path without it is the
 * same post (d has room for the ending past b0).
 */
static enum url_kind match_post(const struct url_rules *r, char *d,
                                size_t b0, int paged_ok,
                                struct url_class *out)
{
    const struct pattern *post = &r->rule[RULE_POST];
    size_t ls = last_seg(d, b0);
    struct caps caps;

    if (pattern_match(post, d, b0, &caps))
        return set_key(out, URL_POST, b0,
                       post->trailing_slash && !is_html(d + ls, b0 - ls));
    /* A paged post is ".../slug/2/"; ".../page/2/" is an archive. */
    if (paged_ok && ls > 1 && all_digits(d + ls, b0 - ls) &&
        pattern_match(post, d, ls - 1, &caps))
        return set_key(out, URL_POST, ls - 1, post->trailing_slash);
    if (post->ext && b0 > ls && !memchr(d + ls, '.', b0 - ls) &&
        b0 + post->ext_n <= URL_KEY_MAX) {
        memcpy(d + b0, post->ext, post->ext_n);
        if (pattern_match(post, d, b0 + post->ext_n, &caps))
            return set_key(out, URL_POST, b0 + post->ext_n, 0);
    }
    return URL_OTHER;
}

/* Home, search and post ids: the path is "/" or "/index.php". */
static enum url_kind match_home(const char *q, size_t qn,
                                struct url_class *out)
{
    const char *v;
    size_t vn;

    if (q && query_param(q, qn, "s", &vn))
        return set_lit(out, URL_SEARCH, "/?s=", 4, "", 0);
    if (q && (v = query_param(q, qn, "p", &vn)) && all_digits(v, vn))
        return set_lit(out, URL_POSTID, "/?p=", 4, v, vn);
    if (q && (v = query_param(q, qn, "page_id", &vn)) && all_digits(v, vn))
        return set_lit(out, URL_POSTID, "/?page_id=", 10, v, vn);
    return set_lit(out, URL_HOME, "/", 1, "", 0);
}

enum url_kind classify_url(const struct url_rules *r, const char *target,
                           size_t n, struct url_class *out)
{
    const char *q = memchr(target, '?', n), *hash, *dot = NULL;
    size_t pn = q ? (size_t)(q - target) : n, qn = 0;
    size_t dn, bn, ls, b0, pg;
    char *d = out->key;
    struct caps caps;
    enum url_kind k;

    hash = memchr(target, '#', pn);
    if (hash)
        pn = (size_t)(hash - target);
    if (q && !hash) {
        const char *qh = memchr(q, '#', n - pn);

        qn = (qh ? (size_t)(qh - q) : n - pn) - 1;
        q++;
    }
    if (pn == 0 || target[0] != '/')
        return set_none(out, URL_OTHER);
    dn = url_decode_path(target, pn, d, URL_KEY_MAX);
    if (dn == SIZE_MAX)
        return set_none(out, URL_OTHER);

    /* "index.html" is its folder's page: "/x/index.html" is "/x/". */
    ls = last_seg(d, dn);
    if (lower_eq(d + ls, dn - ls, "index.html") ||
        lower_eq(d + ls, dn - ls, "index.htm"))
        dn = ls;
    /* The body: the decoded path without one trailing '/'. */
    bn = dn;
    if (bn > 0 && d[bn - 1] == '/')
        bn--;
    ls = last_seg(d, bn);

    if (is_feed(r, q, qn, d, dn, bn, ls))
        return set_none(out, URL_FEED);
    if (is_admin(r, d, bn))
        return set_none(out, URL_ADMIN);
    if (slice_starts(slice_make(d, dn), "/wp-content/", 12) ||
        slice_starts(slice_make(d, dn), "/wp-includes/", 13) ||
        is_asset_ext(d + ls, bn - ls))
        return set_none(out, URL_ASSET);
    if (is_ignored(r, d, dn, bn))
        return set_none(out, URL_IGNORED);
    if (bn == 0 || slice_eq_str(slice_make(d, bn), "/index.php"))
        return match_home(q, qn, out);

    /* An AMP view is a view of the page it renders. */
    if (slice_eq_str(slice_make(d + ls, bn - ls), "amp") && ls > 0) {
        bn = ls - 1;
        ls = last_seg(d, bn);
    }
    pg = paged(r, d, bn, ls);
    if (pg == 0 || slice_eq_str(slice_make(d, pg), "/index.php"))
        return set_lit(out, URL_HOME, "/", 1, "", 0);

    /* Archives before posts, as WordPress resolves them: with a post
     * pattern such as "/%postname%/", "/tag/eu/" is still a tag. */
    if ((k = match_archive(r, d, pg, out)) != URL_OTHER)
        return k;

    /* Posts: "comment-page-N" and a page number "N" go. */
    b0 = bn;
    if (bn - ls > 13 && memcmp(d + ls, "comment-page-", 13) == 0 &&
        all_digits(d + ls + 13, bn - ls - 13) && ls > 0) {
        b0 = ls - 1;
    }
    if ((k = match_post(r, d, b0, pg == bn, out)) != URL_OTHER)
        return k;
    /* The list of a page (Hugo's /posts/page/2/) is that page. */
    if (pg < bn) {
        b0 = pg;
        if ((k = match_post(r, d, b0, 0, out)) != URL_OTHER)
            return k;
    }

    /* Anything else without a file extension is a page; a file in a
     * post's folder (a page bundle's image) an asset. */
    ls = last_seg(d, b0);
    for (size_t i = ls; i < b0; i++)
        if (d[i] == '.')
            dot = d + i;
    if (!dot)
        return set_key(out, URL_PAGE, b0, 1);
    if (lower_eq(dot + 1, (size_t)(d + b0 - dot - 1), "html") ||
        lower_eq(dot + 1, (size_t)(d + b0 - dot - 1), "htm") ||
        lower_eq(dot + 1, (size_t)(d + b0 - dot - 1), "php"))
        return set_key(out, URL_PAGE, b0, 0);
    if (ls > 1 && pattern_match(&r->rule[RULE_POST], d, ls - 1, &caps))
        return set_none(out, URL_ASSET);
    return set_none(out, URL_OTHER);
}

/* ---- referrers ---------------------------------------------------------- */

static const char *const ref_names[] = {
    [REF_NONE] = "none", [REF_INTERNAL] = "internal",
    [REF_SEARCH] = "search", [REF_SOCIAL] = "social", [REF_OTHER] = "other",
};

const char *ref_class_name(enum ref_class c)
{
    return (unsigned)c < ARRAY_SIZE(ref_names) ? ref_names[c] : "other";
}

/* 1 when s (n bytes) starts with scheme "://", in any case. */
static int has_scheme(const char *s, size_t n, const char *scheme)
{
    size_t m = strlen(scheme);

    return n >= m + 3 && memcmp(s + m, "://", 3) == 0 &&
           lower_eq(s, m, scheme);
}

/*
 * host of "scheme://[user@]host[:port]/...", lower case, without "www.";
 * an IPv6 literal keeps its brackets. 0 when there is none or it holds a
 * byte no host has. *rest is where the query or fragment starts (or the
 * end).
 */
static size_t ref_host(const char *s, size_t n, char *out, size_t cap,
                       const char **rest)
{
    const char *p = s, *e = s + n, *h;
    size_t o = 0;

    for (; p + 2 < e && *p != ':'; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              is_digit(*p) || *p == '+' || *p == '-' ||
              *p == '.'))
            return 0;
    if (p + 2 >= e || p == s || p[1] != '/' || p[2] != '/')
        return 0;
    h = p + 3;
    /* user:pass@ has no place in a referrer: take what follows the @. */
    for (p = h; p < e && *p != '/' && *p != '?' && *p != '#'; p++)
        if (*p == '@')
            h = p + 1;
    p = h;
    if (p < e && *p == '[') {
        /* [2001:db8::1]: hex digits, colons and dots (an IPv4 tail). */
        out[o++] = *p++;
        for (; p < e && *p != ']' && o + 2 < cap; p++) {
            char c = *p;

            if (c >= 'A' && c <= 'F')
                c = (char)(c - 'A' + 'a');
            if (!((c >= 'a' && c <= 'f') || is_digit(c) ||
                  c == ':' || c == '.'))
                return 0;
            out[o++] = c;
        }
        if (p == e || *p != ']' || o == 1)
            return 0;
        out[o++] = *p++;
    } else {
        for (; p < e && *p != '/' && *p != '?' && *p != '#' && *p != ':' &&
               o + 1 < cap;
             p++) {
            char c = *p;

            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if (!((c >= 'a' && c <= 'z') || is_digit(c) ||
                  c == '-' || c == '.' || c == '_'))
                return 0;
            out[o++] = c;
        }
    }
    while (p < e && *p != '?' && *p != '#')
        p++;
    *rest = p;
    if (o > 4 && memcmp(out, "www.", 4) == 0) {
        memmove(out, out + 4, o - 4);
        o -= 4;
    }
    out[o] = '\0';
    return o;
}

/* A domain and its length, for lists looked at for every referrer. */
struct domain {
    const char *s;
    size_t n;
};
#define DOMAIN(s) {s, sizeof(s) - 1}

/* host is domain or ends in ".domain". */
static int host_is(const char *host, size_t n, const struct domain *d)
{
    return (n == d->n && memcmp(host, d->s, d->n) == 0) ||
           (n > d->n && host[n - d->n - 1] == '.' &&
            memcmp(host + n - d->n, d->s, d->n) == 0);
}

static int letters(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < 'a' || s[i] > 'z')
            return 0;
    return 1;
}

/* t is a top-level domain a search engine answers under: com, net, org,
 * a country code, or co.CC / com.CC (google.co.uk, google.com.au). */
static int search_tld(const char *t, size_t n)
{
    return (n == 3 && (memcmp(t, "com", 3) == 0 || memcmp(t, "net", 3) == 0 ||
                       memcmp(t, "org", 3) == 0)) ||
           (n == 2 && letters(t, 2)) ||
           (n == 5 && memcmp(t, "co.", 3) == 0 && letters(t + 3, 2)) ||
           (n == 6 && memcmp(t, "com.", 4) == 0 && letters(t + 4, 2));
}

/*
 * host is NAME.TLD (search_tld()), or that behind one of the subdomains
 * search engines answer on (m.baidu.com, cn.bing.com, html.duckduckgo.com,
 * images.google.de, news.google.com); not any subdomain (mail.google.com
 * is Gmail, docs.google.com a document) and not the name inside another
 * domain (google.evil.com).
 */
static const char *const search_brands[] = {
    "google", "bing", "yandex", "baidu", "duckduckgo", "ecosia", "qwant",
    "startpage", "naver", "seznam", "sogou",
};

/* The label l (ln bytes) is one of search_brands. */
static int is_brand(const char *l, size_t ln)
{
    for (size_t i = 0; i < ARRAY_SIZE(search_brands); i++)
        if (strlen(search_brands[i]) == ln &&
            memcmp(l, search_brands[i], ln) == 0)
            return 1;
    return 0;
}

/* The label l (ln bytes) is a subdomain search engines answer on. */
static int is_search_sub(const char *l, size_t ln)
{
    static const char *const subs[] = {"m", "cn", "search", "html", "lite",
                                       "images", "news"};

    for (size_t k = 0; k < ARRAY_SIZE(subs); k++)
        if (strlen(subs[k]) == ln && memcmp(l, subs[k], ln) == 0)
            return 1;
    return 0;
}

/* host is BRAND.TLD, or SUB.BRAND.TLD: a label or two looked at, not
 * every brand tried at every place (this runs for every referrer). */
static int host_brand(const char *host, size_t n)
{
    const char *d = memchr(host, '.', n);
    size_t l;

    if (!d)
        return 0;
    l = (size_t)(d - host);
    if (is_brand(host, l))
        return search_tld(d + 1, n - l - 1);
    if (!is_search_sub(host, l))
        return 0;
    host = d + 1;
    n -= l + 1;
    if (!(d = memchr(host, '.', n)))
        return 0;
    l = (size_t)(d - host);
    return is_brand(host, l) && search_tld(d + 1, n - l - 1);
}

/* Hosts and their subdomains (uk.search.yahoo.com): yahoo.com itself is
 * a portal, ask.fm no search engine. */
static const struct domain search_hosts[] = {
    DOMAIN("search.brave.com"), DOMAIN("kagi.com"), DOMAIN("search.aol.com"),
    DOMAIN("mojeek.com"), DOMAIN("perplexity.ai"), DOMAIN("you.com"),
    DOMAIN("search.yahoo.com"), DOMAIN("search.yahoo.co.jp"),
    DOMAIN("ask.com"), DOMAIN("ya.ru"),
};
static const struct domain social_hosts[] = {
    DOMAIN("facebook.com"), DOMAIN("fb.com"), DOMAIN("fb.me"), DOMAIN("t.co"),
    DOMAIN("twitter.com"), DOMAIN("x.com"), DOMAIN("linkedin.com"),
    DOMAIN("lnkd.in"), DOMAIN("reddit.com"), DOMAIN("news.ycombinator.com"),
    DOMAIN("instagram.com"), DOMAIN("pinterest.com"), DOMAIN("tiktok.com"),
    DOMAIN("youtube.com"), DOMAIN("bsky.app"), DOMAIN("threads.net"),
    DOMAIN("mastodon.social"), DOMAIN("vk.com"), DOMAIN("tumblr.com"),
    DOMAIN("flipboard.com"), DOMAIN("telegram.org"), DOMAIN("t.me"),
    DOMAIN("whatsapp.com"), DOMAIN("xing.com"), DOMAIN("lobste.rs"),
    DOMAIN("weibo.com"), DOMAIN("quora.com"), DOMAIN("medium.com"),
};

/* The value of the first of names in query q (n bytes): '+' is a space,
 * %XX decoded, made valid UTF-8. */
static size_t ref_term(const char *q, size_t n, char *out, size_t cap)
{
    static const char *const names[] = {"q", "p", "text", "wd", "word",
                                        "query"};
    char raw[256];

    for (size_t k = 0; k < ARRAY_SIZE(names); k++) {
        size_t vn, o = 0;
        const char *v = query_param(q, n, names[k], &vn);

        if (!v || vn == 0)
            continue;
        for (size_t i = 0; i < vn && o + 1 < sizeof(raw); i++) {
            if (v[i] == '+') {
                raw[o++] = ' ';
            } else if (v[i] == '%' && i + 2 < vn && hex_digit(v[i + 1]) >= 0 &&
                       hex_digit(v[i + 2]) >= 0) {
                raw[o++] = (char)(hex_digit(v[i + 1]) * 16 + hex_digit(v[i + 2]));
                i += 2;
            } else {
                raw[o++] = v[i];
            }
        }
        return utf8_sanitize(raw, o, out, cap);
    }
    out[0] = '\0';
    return 0;
}

int url_rules_set_site(struct url_rules *r, const char *url,
                       struct bs_err *err)
{
    const char *rest;
    size_t n = strlen(url);
    char host[sizeof(r->site)];
    size_t hn = 0;

    if (has_scheme(url, n, "http") || has_scheme(url, n, "https"))
        hn = ref_host(url, n, host, sizeof(host), &rest);
    if (hn == 0)
        return bs_fail(err, BS_USAGE, "site url '%s' is not http(s)://HOST",
                       url);
    memcpy(r->site, host, hn + 1);
    r->site_n = hn;
    return 0;
}

enum ref_class classify_referrer(const struct url_rules *r, const char *ref,
                                 size_t n, struct ref_info *out)
{
    const char *rest = NULL, *end;
    size_t hn = 0;
    int app = 0;

    out->host_n = out->term_n = 0;
    out->host[0] = out->term[0] = '\0';
    if (n == 0 || (n == 1 && ref[0] == '-'))
        return out->cls = REF_NONE;
    app = has_scheme(ref, n, "android-app");
    if (app || has_scheme(ref, n, "http") || has_scheme(ref, n, "https"))
        hn = ref_host(ref, n, out->host, sizeof(out->host), &rest);
    if (hn == 0) {
        /* Not a web address (ftp://, about:blank, garbage): no host. */
        snprintf(out->host, sizeof(out->host), "(unknown)");
        out->host_n = strlen(out->host);
        return out->cls = REF_OTHER;
    }
    out->host_n = hn;
    if (app) {
        /* An Android app names itself: the Google search app is search
         * (not Gmail, com.google.android.gm), the big networks social. */
        if (strcmp(out->host, "com.google.android.googlequicksearchbox") ==
                0 ||
            strcmp(out->host, "com.google.android.apps.searchlite") == 0)
            return out->cls = REF_SEARCH;
        if (strstr(out->host, ".facebook.") || strstr(out->host, ".twitter.") ||
            strstr(out->host, ".linkedin.") || strstr(out->host, ".reddit."))
            return out->cls = REF_SOCIAL;
        return out->cls = REF_OTHER;
    }
    if (r->site_n && hn == r->site_n && memcmp(out->host, r->site, hn) == 0)
        return out->cls = REF_INTERNAL;
    for (size_t i = 0; i < ARRAY_SIZE(social_hosts); i++)
        if (host_is(out->host, hn, &social_hosts[i]))
            return out->cls = REF_SOCIAL;
    out->cls = REF_OTHER;
    for (size_t i = 0; i < ARRAY_SIZE(search_hosts); i++)
        if (host_is(out->host, hn, &search_hosts[i]))
            out->cls = REF_SEARCH;
    if (host_brand(out->host, hn))
        out->cls = REF_SEARCH;
    /* The query runs to the fragment or the end; rest may be the end. */
    if (out->cls == REF_SEARCH && rest < ref + n && *rest == '?') {
        end = memchr(rest, '#', (size_t)(ref + n - rest));
        if (!end)
            end = ref + n;
        out->term_n = ref_term(rest + 1, (size_t)(end - rest - 1), out->term,
                               sizeof(out->term));
    }
    return out->cls;
}
