/*
 * uap_rules.h - the tables of browser, system and device rules that the
 * build generates (scripts/uap-rules.py writes build/gen/uap_rules.c from
 * third_party/uap-core/regexes.yaml and rules/ua-devices.txt). Read by
 * uagent.c only; everything in it is static data.
 */
#ifndef BLOGSTAT_UAP_RULES_H
#define BLOGSTAT_UAP_RULES_H

#include <stddef.h>

/* A rule of uap-core's user_agent_parsers or os_parsers, in their order:
 * the first whose regex matches (anywhere, case counts) names the family. */
struct uap_rule {
    const char *regex;          /* PCRE2 */
    const char *replacement;    /* the family, with $1..$9 for the regex's
                                 * groups; NULL: group 1 is the family */
    const char *literal;        /* text every match contains ("": none
                                 * known): no match without it */
    size_t literal_n;
};

/* A device class rule of rules/ua-devices.txt: the first whose pattern
 * matches (anywhere, ignoring case) names the class. */
struct uap_device_rule {
    const char *pattern;        /* PCRE2 */
    int device;                 /* an enum ua_device (uagent.h) */
};

extern const struct uap_rule uap_browser_rules[];
extern const size_t uap_browser_rules_n;
extern const struct uap_rule uap_system_rules[];
extern const size_t uap_system_rules_n;
extern const struct uap_device_rule uap_device_rules[];
extern const size_t uap_device_rules_n;

#endif
