/*
 * referrer_rules.h - the referrer hosts blogstat knows, as a C table made
 * at build time by scripts/referrer-rules.py from rules/referrers.txt and
 * rules/fediverse.txt: each host (or "app:PACKAGE") with its type and the
 * brand it is counted under, sorted by host for a binary search.
 */
#ifndef BLOGSTAT_REFERRER_RULES_H
#define BLOGSTAT_REFERRER_RULES_H

#include <stddef.h>

struct ref_rule {
    const char *host;        /* lower case; "app:" + an Android package */
    size_t host_len;         /* its bytes, so that no search counts them */
    unsigned char cls;       /* enum ref_class (classify.h) */
    const char *brand;       /* the name counted under, or NULL: the host */
};

extern const struct ref_rule ref_rules[];
extern const size_t ref_rules_n;

#endif
