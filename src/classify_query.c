/*
 * classify_query.c - what a request says besides its page: the campaign
 * of its query string (utm_source, utm_medium, utm_campaign), and
 * whether a missing path is a scanner's probe (doc/counting.md
 * "Campaigns", "Missing pages").
 */
#include "blogstat.h"
#include "ascii.h"
#include "classify_int.h"

#include <string.h>

/* A query value, '+' as a space, decoded into out (cap bytes, cut on a
 * character boundary): its length. */
static size_t query_value(const char *v, size_t vn, char *out, size_t cap)
{
    char plus[3 * CAMPAIGN_PART_MAX + 1], dec[3 * CAMPAIGN_PART_MAX + 1];
    size_t n = 0, dn;

    /* More than three encoded bytes a character cannot fit anyway. */
    if (vn > 3 * CAMPAIGN_PART_MAX)
        vn = 3 * CAMPAIGN_PART_MAX;
    /* '+' is a space in a query; %2B stays a '+' once decoded. */
    memcpy(plus, v, vn);
    n = vn;
    for (size_t i = 0; i < n; i++)
        if (plus[i] == '+')
            plus[i] = ' ';
    dn = url_decode_path(plus, n, dec, sizeof(dec) - 1);
    if (dn == SIZE_MAX)
        return 0;
    if (dn > cap)
        dn = utf8_trim_partial(dec, cap);
    memcpy(out, dec, dn);
    out[dn] = '\0';
    return dn;
}

int classify_campaign(const char *target, size_t n, struct campaign *out)
{
    static const char *const sources[] = {"utm_source", "ref", "source"};
    const char *hash = memchr(target, '#', n), *q, *v;
    size_t qn, vn;

    memset(out, 0, sizeof(*out));
    /* A fragment is the browser's: a '?' in it is no query. */
    if (hash)
        n = (size_t)(hash - target);
    if (!(q = memchr(target, '?', n)))
        return 0;
    q++;
    qn = (size_t)(target + n - q);
    for (size_t i = 0; i < ARRAY_SIZE(sources) && !out->source_n; i++)
        if ((v = query_param(q, qn, sources[i], &vn)))
            out->source_n = query_value(v, vn, out->source,
                                        CAMPAIGN_PART_MAX);
    if (!out->source_n)
        return 0;
    if ((v = query_param(q, qn, "utm_medium", &vn)))
        out->medium_n = query_value(v, vn, out->medium, CAMPAIGN_PART_MAX);
    if ((v = query_param(q, qn, "utm_campaign", &vn)))
        out->name_n = query_value(v, vn, out->name, CAMPAIGN_PART_MAX);
    return 1;
}

/* 1 when the last segment ends in one of the probes' endings. */
static int probe_ending(const char *seg, size_t n)
{
    static const char *const endings[] = {
        ".php", ".asp", ".aspx", ".jsp", ".cgi", ".env", ".sql", ".bak",
        ".zip", ".tar", ".gz", ".rar", ".7z", ".ini", ".log", ".yml",
        ".yaml", ".conf", ".old", ".swp", ".pl", ".sh", ".exe", ".dll",
    };

    for (size_t i = 0; i < ARRAY_SIZE(endings); i++) {
        size_t m = strlen(endings[i]);

        if (n >= m && lower_eq(seg + n - m, m, endings[i]))
            return 1;
    }
    return 0;
}

int url_is_probe(const char *d, size_t n)
{
    static const char *const folders[] = {
        "/cgi-bin", "/phpmyadmin", "/pma", "/admin", "/administrator",
        "/vendor/", "/wp-", "/wordpress/wp-", "/old/wp-", "/new/wp-",
        "/blog/wp-", "/xmlrpc", "/actuator", "/solr", "/owa/", "/boaform",
        "/hnap1", "/api/", "/console", "/manager/", "/druid", "/telescope",
    };
    size_t end = n, ls;

    for (size_t i = 0; i + 1 < n; i++)
        if (d[i] == '/' && d[i + 1] == '.')
            return 1;
    for (size_t i = 0; i < ARRAY_SIZE(folders); i++) {
        size_t m = strlen(folders[i]);

        if (n >= m && lower_eq(d, m, folders[i]))
            return 1;
    }
    while (end > 0 && d[end - 1] == '/')
        end--;
    for (ls = end; ls > 0 && d[ls - 1] != '/'; ls--)
        ;
    return probe_ending(d + ls, end - ls);
}
