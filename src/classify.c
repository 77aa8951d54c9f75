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

/* ---- permalink patterns ---------------------------------------------- */

static int has_double_slash(const char *s, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (s[i] == '/' && s[i - 1] == '/')
            return 1;
    return 0;
}

#define MATCH_BUDGET 20000   /* steps; a hostile URL cannot cost more */

static int match_parts(const struct part *pt, int np, const char *s,
                       size_t n, struct caps *c, int *budget);

/* %categories%: "", or folders each ending in '/' ("a/", "a/b/"), the
 * longest first; no empty folder. */
static int match_folders(const struct part *pt, int np, const char *s,
                         size_t n, struct caps *c, int *budget)
{
    size_t lim = n;

    if (n > 0 && s[0] == '/')
        lim = 0;
    for (size_t i = 1; i < lim; i++)
        if (s[i] == '/' && s[i - 1] == '/')
            lim = i;
    for (size_t len = lim;; len--) {
        if ((len == 0 || s[len - 1] == '/') &&
            match_parts(pt + 1, np - 1, s + len, n - len, c, budget)) {
            c->v[T_CATEGORIES] = slice_make(s, len ? len - 1 : 0);
            return 1;
        }
        if (len == 0 || *budget < 0)
            return 0;
    }
}

static int match_parts(const struct part *pt, int np, const char *s,
                       size_t n, struct caps *c, int *budget)
{
    size_t max, len;

    if (--*budget < 0)
        return 0;
    if (np == 0)
        return n == 0;
    switch (pt->tok) {
    case T_LIT:
        if (n < pt->n || memcmp(s, pt->lit, pt->n) != 0)
            return 0;
        return match_parts(pt + 1, np - 1, s + pt->n, n - pt->n, c, budget);
    case T_YEAR: case T_MONTHNUM: case T_DAY: case T_HOUR: case T_MINUTE:
    case T_SECOND: {
        size_t w = pt->tok == T_YEAR ? 4 : 2;
        int v;

        if (n < w || digits_n(s, (int)w, &v))
            return 0;
        if ((pt->tok == T_MONTHNUM && (v < 1 || v > 12)) ||
            (pt->tok == T_DAY && (v < 1 || v > 31)) ||
            (pt->tok == T_HOUR && v > 23) ||
            ((pt->tok == T_MINUTE || pt->tok == T_SECOND) && v > 59))
            return 0;
        if (!match_parts(pt + 1, np - 1, s + w, n - w, c, budget))
            return 0;
        c->v[pt->tok] = slice_make(s, w);
        return 1;
    }
    case T_CATEGORIES:
        return match_folders(pt, np, s, n, c, budget);
    case T_POST_ID:
        for (max = 0; max < n && max < 20 && is_digit(s[max]);
             max++)
            ;
        break;
    case T_CATEGORY:
        /* Nested categories ("parent/child") span segments. */
        max = n;
        break;
    default:
        for (max = 0; max < n && s[max] != '/'; max++)
            ;
        break;
    }
    for (len = max; len >= 1; len--) {
        if (pt->tok == T_CATEGORY &&
            (s[0] == '/' || s[len - 1] == '/' ||
             has_double_slash(s, len)))
            continue;
        if (match_parts(pt + 1, np - 1, s + len, n - len, c, budget)) {
            c->v[pt->tok] = slice_make(s, len);
            return 1;
        }
    }
    return 0;
}

static int pattern_match(const struct pattern *pat, const char *s,
                         size_t n, struct caps *c)
{
    int budget = MATCH_BUDGET;

    return pat->nparts > 0 &&
           match_parts(pat->parts, pat->nparts, s, n, c, &budget);
}

/* ---- classification --------------------------------------------------- */

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

/* Where the file ending of seg (n bytes) starts: just after its last
 * '.'; 0 when it has none. */
static size_t seg_ext(const char *seg, size_t n)
{
    while (n > 0 && seg[n - 1] != '.')
        n--;
    return n;
}

/* ext (en bytes, after the last '.' of the last segment) is an asset's. */
static int is_asset_ext(const char *ext, size_t en)
{
    static const char *const exts[] = {
        "css", "js", "mjs", "map", "png", "jpg", "jpeg", "gif", "webp",
        "avif", "ico", "svg", "bmp", "woff", "woff2", "ttf", "otf", "eot",
        "mp3", "mp4", "webm", "ogg", "wav", "pdf", "zip", "gz",
    };

    if (!ext || en < 2 || en > 5)
        return 0;
    for (size_t i = 0; i < ARRAY_SIZE(exts); i++)
        if (lower_eq(ext, en, exts[i]))
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
    return (n > 5 && seg[n - 5] == '.' && lower_eq(seg + n - 4, 4, "html")) ||
           (n > 4 && seg[n - 4] == '.' && lower_eq(seg + n - 3, 3, "htm"));
}

/*
 * A feed file by its name (seg, n bytes; ext, en: its file ending):
 * "index.xml" (Hugo, at every list page), "feed.xml" (jekyll-feed,
 * eleventy), "atom.xml", "rss.xml", "feed.json" (JSON Feed), or any
 * "*.rss" and "*.atom".
 */
static int is_feed_file(const char *seg, size_t n, const char *ext,
                        size_t en)
{
    static const char *const names[] = {
        "index.xml", "feed.xml", "atom.xml", "rss.xml", "feed.json",
    };

    if (!ext || en < 3 || en > 4)
        return 0;
    if (lower_eq(ext, en, "rss") || lower_eq(ext, en, "atom"))
        return 1;
    if (!lower_eq(ext, en, "xml") && !lower_eq(ext, en, "json"))
        return 0;
    for (size_t k = 0; k < ARRAY_SIZE(names); k++)
        if (lower_eq(seg, n, names[k]))
            return 1;
    return 0;
}

/*
 * The feeds of every engine (doc/counting.md "Feeds"): d[0..dn) the
 * decoded path, bn without its trailing '/', ls where its last segment
 * starts, ext (en bytes) its file ending or NULL.
 */
static int is_feed(const struct url_rules *r, const char *q, size_t qn,
                   char *d, size_t dn, size_t bn, size_t ls,
                   const char *ext, size_t en)
{
    struct slice last = slice_make(d + ls, bn - ls);
    struct caps caps;
    size_t vn;

    if (q && query_param(q, qn, "feed", &vn))
        return 1;
    if (ls > 0 && slice_eq_str(last, "feed"))
        return 1;
    /* WordPress's /feed/rss2/, /slug/feed/atom/ ...: the segment before
     * is looked at only for those names. */
    if (ls > 5 && (slice_eq_str(last, "rss") || slice_eq_str(last, "rss2") ||
                   slice_eq_str(last, "atom") || slice_eq_str(last, "rdf")) &&
        memcmp(d + ls - 6, "/feed/", 6) == 0)
        return 1;
    if (is_feed_file(last.p, last.n, ext, en))
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

/* ext (en bytes, after a '.') is a file ending: 2 to 5 letters and
 * digits, a letter among them ("x.xml", not "version-1.2" or "a.b"). */
static int is_file_ending(const char *ext, size_t en)
{
    int letter = 0;

    if (!ext || en < 2 || en > 5)
        return 0;
    for (size_t i = 0; i < en; i++) {
        if ((ext[i] >= 'a' && ext[i] <= 'z') ||
            (ext[i] >= 'A' && ext[i] <= 'Z'))
            letter = 1;
        else if (!is_digit(ext[i]))
            return 0;
    }
    return letter;
}

/*
 * The post d[0..b0) is (ls: its last segment), URL_OTHER when none;
 * paged_ok: d[0..b0) may end in
 * a page number of the post; file: the request named a file (no '/'
 * after a file ending), which a pattern of folders ("/%postname%/") does
 * not take unless it is ".html". The key is the path as the pattern
 * writes it, but a ".html" path keeps its spelling; with a pattern
 * ending in a file ending (Jekyll's "%postname%.html"), the path without
 * it is the same post (d has room for the ending past b0).
 */
static enum url_kind match_post(const struct url_rules *r, char *d,
                                size_t b0, size_t ls, int paged_ok, int file,
                                struct url_class *out)
{
    const struct pattern *post = &r->rule[RULE_POST];
    int html = is_html(d + ls, b0 - ls);
    struct caps caps;

    if (!(file && post->trailing_slash && !html) &&
        pattern_match(post, d, b0, &caps))
        return set_key(out, URL_POST, b0, post->trailing_slash && !html);
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

/* A letter, digit, '-' or '_'. */
static int is_name_byte(char c)
{
    return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ||
           c == '-' || c == '_';
}

/* A feed's key: its decoded path (in out->key, dn bytes), and the
 * "?feed=NAME" of WordPress's query feeds (a NAME of letters, digits,
 * '-' and '_', up to 32 bytes). */
static enum url_kind feed_key(struct url_class *out, size_t dn,
                              const char *q, size_t qn)
{
    const char *v = q ? query_param(q, qn, "feed", &qn) : NULL;

    if (v && qn <= 32 && dn + 6 + qn <= URL_KEY_MAX) {
        size_t i;

        for (i = 0; i < qn; i++)
            if (!is_name_byte(v[i]))
                break;
        if (i == qn) {
            memcpy(out->key + dn, "?feed=", 6);
            memcpy(out->key + dn + 6, v, qn);
            dn += 6 + qn;
        }
    }
    return set_key(out, URL_FEED, dn, 0);
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
    const char *q = memchr(target, '?', n), *hash, *ext;
    size_t pn = q ? (size_t)(q - target) : n, qn = 0;
    size_t dn, bn, ls, b0, pg, en, x;
    char *d = out->key;
    struct caps caps;
    enum url_kind k;
    int file;

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

    /* The body: the decoded path without one trailing '/'. */
    bn = dn;
    if (bn > 0 && d[bn - 1] == '/')
        bn--;
    ls = last_seg(d, bn);
    /* "index.html" is its folder's page: "/x/index.html" is "/x/". */
    if (dn == bn && bn - ls >= 9 && bn - ls <= 10 &&
        (lower_eq(d + ls, bn - ls, "index.html") ||
         lower_eq(d + ls, bn - ls, "index.htm"))) {
        dn = ls;
        bn = ls - 1;
        ls = last_seg(d, bn);
    }
    x = seg_ext(d + ls, bn - ls);
    ext = x ? d + ls + x : NULL;
    en = x ? bn - ls - x : 0;
    file = dn == bn && is_file_ending(ext, en);

    if (is_feed(r, q, qn, d, dn, bn, ls, ext, en))
        return feed_key(out, dn, q, qn);
    if (is_admin(r, d, bn))
        return set_none(out, URL_ADMIN);
    if (slice_starts(slice_make(d, dn), "/wp-content/", 12) ||
        slice_starts(slice_make(d, dn), "/wp-includes/", 13) ||
        is_asset_ext(ext, en))
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
        ls = last_seg(d, b0);
    }
    if ((k = match_post(r, d, b0, ls, pg == bn, file, out)) != URL_OTHER)
        return k;
    /* The list of a page (Hugo's /posts/page/2/) is that page. */
    if (pg < bn) {
        b0 = pg;
        ls = last_seg(d, b0);
        if ((k = match_post(r, d, b0, ls, 0, 0, out)) != URL_OTHER)
            return k;
    }

    /* Anything else without a file extension is a page; a file in a
     * post's folder (a page bundle's image) an asset. */
    x = seg_ext(d + ls, b0 - ls);
    if (!x)
        return set_key(out, URL_PAGE, b0, 1);
    ext = d + ls + x;
    en = b0 - ls - x;
    if (lower_eq(ext, en, "html") || lower_eq(ext, en, "htm") ||
        lower_eq(ext, en, "php"))
        return set_key(out, URL_PAGE, b0, 0);
    if (ls > 1 && pattern_match(&r->rule[RULE_POST], d, ls - 1, &caps))
        return set_none(out, URL_ASSET);
    return set_none(out, URL_OTHER);
}

/* ---- the cache of recent targets ------------------------------------------ */

#define URL_CACHE_SLOTS 2048   /* a power of two */

struct url_cache_slot {
    const struct url_rules *rules;   /* NULL: empty */
    uint64_t hash;
    uint8_t tn, kn;
    uint8_t kind;
    char target[URL_CACHE_BYTES];
    char key[URL_CACHE_BYTES];
};

struct url_cache {
    struct url_cache_slot slot[URL_CACHE_SLOTS];
};

_Static_assert(URL_CACHE_BYTES <= UINT8_MAX, "lengths are a byte");

struct url_cache *url_cache_new(void)
{
    return xcalloc(1, sizeof(struct url_cache));
}

void url_cache_free(struct url_cache *c)
{
    free(c);
}

/* The slot of the n bytes at s, and their hash in *h: the slot holds
 * them when its rules, hash and bytes are theirs (slot_holds()). */
static struct url_cache_slot *slot_of(struct url_cache *c, const char *s,
                                      size_t n, uint64_t *h)
{
    *h = bs_hash(s, n);
    return &c->slot[*h & (URL_CACHE_SLOTS - 1)];
}

static int slot_holds(const struct url_cache_slot *sl,
                      const struct url_rules *r, uint64_t h, const char *s,
                      size_t n)
{
    return sl->rules == r && sl->hash == h && sl->tn == n &&
           memcmp(sl->target, s, n) == 0;
}

/* s (n bytes) is kind k, its key the kn bytes at key, in slot sl. */
static void slot_put(struct url_cache_slot *sl, const struct url_rules *r,
                     uint64_t h, const char *s, size_t n, unsigned k,
                     const char *key, size_t kn)
{
    sl->rules = r;
    sl->hash = h;
    sl->tn = (uint8_t)n;
    sl->kn = (uint8_t)kn;
    sl->kind = (uint8_t)k;
    memcpy(sl->target, s, n);
    memcpy(sl->key, key, kn);
}

enum url_kind classify_url_cached(struct url_cache *c,
                                  const struct url_rules *r,
                                  const char *target, size_t n,
                                  struct url_class *out)
{
    struct url_cache_slot *s;
    uint64_t h;
    enum url_kind k;

    if (n > URL_CACHE_BYTES)
        return classify_url(r, target, n, out);
    s = slot_of(c, target, n, &h);
    if (slot_holds(s, r, h, target, n)) {
        out->kind = (enum url_kind)s->kind;
        out->key_len = s->kn;
        memcpy(out->key, s->key, s->kn);
        out->key[s->kn] = '\0';
        return out->kind;
    }
    k = classify_url(r, target, n, out);
    if (out->key_len <= URL_CACHE_BYTES && (unsigned)k <= UINT8_MAX)
        slot_put(s, r, h, target, n, (unsigned)k, out->key, out->key_len);
    return k;
}

enum ref_class classify_referrer_cached(struct url_cache *c,
                                        const struct url_rules *r,
                                        const char *ref, size_t n,
                                        struct ref_info *out)
{
    struct url_cache_slot *s;
    uint64_t h;
    enum ref_class k;

    if (n > URL_CACHE_BYTES)
        return classify_referrer(r, ref, n, out);
    s = slot_of(c, ref, n, &h);
    if (slot_holds(s, r, h, ref, n)) {
        out->host_n = s->kn;
        memcpy(out->host, s->key, s->kn);
        out->host[s->kn] = '\0';
        out->term_n = 0;
        out->term[0] = '\0';
        return out->cls = (enum ref_class)s->kind;
    }
    k = classify_referrer(r, ref, n, out);
    /* A search's terms are not kept: each is looked at. */
    if (out->term_n == 0 && out->host_n <= URL_CACHE_BYTES)
        slot_put(s, r, h, ref, n, (unsigned)k, out->host, out->host_n);
    return k;
}
