/*
 * classify_int.h - what the files of the classifier share: the compiled
 * permalink patterns and the rules of a site (classify_rules.c builds
 * them, presets included; classify.c matches them for every request;
 * classify_ref.c reads the site's host) and two string helpers.
 */
#ifndef BLOGSTAT_CLASSIFY_INT_H
#define BLOGSTAT_CLASSIFY_INT_H

#include "blogstat.h"
#include "classify.h"
#include "slice.h"

#include <string.h>

/* The tags of a pattern; T_CATEGORIES (Jekyll's :categories) is zero or
 * more folders and takes the '/' after it along. */
enum tok {
    T_LIT, T_YEAR, T_MONTHNUM, T_DAY, T_HOUR, T_MINUTE, T_SECOND,
    T_POST_ID, T_POSTNAME, T_CATEGORY, T_AUTHOR, T_TAG, T_CATEGORIES,
    T_NTOK
};

#define MAX_PARTS 24

struct part {
    enum tok tok;
    const char *lit;     /* T_LIT: into the pattern's copy */
    size_t n;
};

/* A compiled pattern; nparts 0 matches nothing (a rule the engine does
 * not have, such as Ghost's categories). */
struct pattern {
    char *src;           /* owned copy, literal parts point into it */
    struct part parts[MAX_PARTS];
    int nparts;
    int trailing_slash;
    /* The file ending after the last tag (".html" of Jekyll's
     * "%postname%.html"), or NULL: the same path without it is the same
     * post. Points into src. */
    const char *ext;
    size_t ext_n;
};

struct caps {
    struct slice v[T_NTOK];
};

/* The rules a preset or url_rules_set() replaces, one bit each. */
enum url_rule { RULE_POST, RULE_TAG, RULE_CATEGORY, RULE_AUTHOR, RULE_N };

#define NDATES 3             /* /%year%/, /%year%/%monthnum%/, ... /%day%/ */

struct url_rules {
    struct pattern rule[RULE_N];
    struct pattern dates[NDATES];
    int ndates;              /* NDATES with date archives, 0 without */
    int glued_pages;         /* "/pageN/" is page N (jekyll-paginate) */
    const char *const *admin; /* the engine's own admin prefixes, NULL-
                              * terminated, static; NULL: none */
    unsigned set;            /* bits (1 << RULE_x) set by url_rules_set() */
    char **ignore;
    size_t nignore;
    char **feeds;            /* extra feed globs of the config */
    size_t nfeeds;
    char site[256];          /* the site's host, lower case, no "www." */
    size_t site_n;
};

/* 1 when s (n bytes) is lit (lowercase) in any case. */
static inline int lower_eq(const char *s, size_t n, const char *lit)
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

/* The value of parameter name in a query string, or NULL. */
static inline const char *query_param(const char *q, size_t qn,
                                      const char *name, size_t *vn)
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

#endif
