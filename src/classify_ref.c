/*
 * classify_ref.c - where a view came from: its Referer's host, whether
 * that is the site itself, a search engine (and what was searched), a
 * social network or a mail, and the brand it is counted under
 * (doc/counting.md "Referrers"). The known hosts are data
 * (rules/referrers.txt, rules/fediverse.txt, referrer_rules.h).
 */
#include "blogstat.h"
#include "ascii.h"
#include "classify_int.h"
#include "referrer_rules.h"

#include <stdio.h>
#include <string.h>

/* ---- referrers ---------------------------------------------------------- */

static const char *const ref_names[] = {
    [REF_NONE] = "none", [REF_INTERNAL] = "internal",
    [REF_SEARCH] = "search", [REF_SOCIAL] = "social", [REF_OTHER] = "other",
    [REF_MAIL] = "mail",
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
 * byte no host has. *rest is where the host (or its port) ends: the
 * path is not read, only a search engine's query is looked for.
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
    *rest = p;
    if (o > 4 && memcmp(out, "www.", 4) == 0) {
        memmove(out, out + 4, o - 4);
        o -= 4;
    }
    out[o] = '\0';
    return o;
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
    /* The first byte first: most labels are no brand. */
    for (size_t i = 0; i < ARRAY_SIZE(search_brands); i++)
        if (ln && search_brands[i][0] == l[0] &&
            strlen(search_brands[i]) == ln &&
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
        if (ln && subs[k][0] == l[0] && strlen(subs[k]) == ln &&
            memcmp(l, subs[k], ln) == 0)
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

/* The rule of exactly key (n bytes), or NULL: a binary search of the
 * table sorted by host. */
static const struct ref_rule *rule_of(const char *key, size_t n)
{
    size_t lo = 0, hi = ref_rules_n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *h = ref_rules[mid].host;
        size_t hn = ref_rules[mid].host_len;
        int c = memcmp(h, key, hn < n ? hn : n);

        if (c == 0)
            c = hn < n ? -1 : hn > n;
        if (c == 0)
            return &ref_rules[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* The rule of host or of the nearest domain above it (l.facebook.com:
 * l.facebook.com, then facebook.com), or NULL. */
static const struct ref_rule *host_rule(const char *host, size_t n)
{
    const struct ref_rule *r;
    const char *dot;

    for (;;) {
        if ((r = rule_of(host, n)))
            return r;
        if (!(dot = memchr(host, '.', n)) ||
            !memchr(dot + 1, '.', n - (size_t)(dot + 1 - host)))
            return NULL;
        n -= (size_t)(dot + 1 - host);
        host = dot + 1;
    }
}

/* The class of rule r, its brand (when it has one) into out's host. */
static enum ref_class apply(const struct ref_rule *r, struct ref_info *out)
{
    if (r->brand) {
        size_t n = strlen(r->brand);

        memcpy(out->host, r->brand, n + 1);
        out->host_n = n;
    }
    return out->cls = (enum ref_class)r->cls;
}

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
    const struct ref_rule *rule;
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
        /* An Android app names itself: a known one is its service (the
         * Google app search, Gmail mail, Facebook social), any other
         * keeps its package name. */
        char key[sizeof(out->host) + 4];

        snprintf(key, sizeof(key), "app:%s", out->host);
        if ((rule = rule_of(key, hn + 4)))
            return apply(rule, out);
        return out->cls = REF_OTHER;
    }
    if (r->site_n && hn == r->site_n && memcmp(out->host, r->site, hn) == 0)
        return out->cls = REF_INTERNAL;
    out->cls = REF_OTHER;
    if ((rule = host_rule(out->host, hn))) {
        apply(rule, out);
    } else if (host_brand(out->host, hn)) {
        out->cls = REF_SEARCH;
    }
    /* The query runs from the first '?' before the fragment to the
     * fragment or the end (rest: the host's end). */
    if (out->cls == REF_SEARCH) {
        end = memchr(rest, '#', (size_t)(ref + n - rest));
        if (!end)
            end = ref + n;
        if ((rest = memchr(rest, '?', (size_t)(end - rest))))
            out->term_n = ref_term(rest + 1, (size_t)(end - rest - 1),
                                   out->term, sizeof(out->term));
    }
    return out->cls;
}
