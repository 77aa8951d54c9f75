/*
 * uagent.h - the browser, operating system and device class of a
 * User-Agent (doc/counting.md "Browsers, systems and devices").
 *
 * The browser and system are the families of ua-parser's uap-core rules
 * (third_party/uap-core/regexes.yaml): "Chrome", "Mobile Safari",
 * "Facebook", "Windows", "iOS" ..., no versions; "Other" when no rule
 * matches. The device class comes from blogstat's own short rule list
 * (rules/ua-devices.txt). Both are compiled into the program at build
 * time and matched with PCRE2 (JIT-compiled where the CPU allows).
 *
 * The rules run once per distinct User-Agent: a bounded cache keyed by
 * the whole User-Agent answers a repeated one with one hash lookup.
 */
#ifndef BLOGSTAT_UAGENT_H
#define BLOGSTAT_UAGENT_H

#include <stddef.h>
#include <stdint.h>

/* The longest family name uagent_parse() gives, in bytes; longer ones
 * (an app's name taken from its User-Agent) are cut, never inside a
 * UTF-8 sequence. */
#define UA_NAME_MAX 64

enum ua_device {
    UA_DESKTOP,
    UA_MOBILE,
    UA_TABLET,
    UA_TV,
    UA_CONSOLE,
    UA_OTHER
};

/* "desktop", "mobile", "tablet", "tv", "console", "other": a static
 * string; "other" for a value outside the enum. */
const char *ua_device_name(enum ua_device d);

/* What uagent_parse() says. The names are not NUL-terminated (n bytes,
 * 1 to UA_NAME_MAX), owned by the parser and valid until its next call
 * to uagent_parse() or uagent_free(). */
struct ua_info {
    const char *browser;
    size_t browser_n;
    const char *system;
    size_t system_n;
    enum ua_device device;
    /* The answer's number, the same for the same browser, system and
     * device as long as its ua_families lives: below UA_FAMILIES, or
     * UA_FAMILY_NONE for an answer left unnumbered (a User-Agent the
     * cache does not keep, or past UA_FAMILIES answers). */
    uint32_t family;
};
#define UA_FAMILIES 4096
#define UA_FAMILY_NONE UINT32_MAX

struct uagent;

/* The numbers of the answers (ua_info.family), shared by the parsers of
 * one run so that a number means one answer whichever parser gave it;
 * safe to use from several threads. */
struct ua_families;
struct ua_families *ua_families_new(void);
void ua_families_free(struct ua_families *f);

/* The answer numbered family, its names copied: 0, or -1 when no answer
 * has that number. */
struct ua_names {
    char browser[UA_NAME_MAX];
    size_t browser_n;
    char system[UA_NAME_MAX];
    size_t system_n;
    enum ua_device device;
};
int ua_family_names(struct ua_families *f, uint32_t family,
                    struct ua_names *out);

/* A parser with its compiled rules and an empty cache; caller frees with
 * uagent_free(). Each thread needs its own. A rule that does not compile
 * is a BUG() (the rules are built in and checked by the build). */
struct uagent *uagent_new(void);
/* The same, numbering its answers in families (it does not free them). */
struct uagent *uagent_new_shared(struct ua_families *families);
void uagent_free(struct uagent *u);
/* Where u numbers its answers. */
struct ua_families *uagent_families(const struct uagent *u);

/* The browser, system and device of User-Agent ua[0..n) (no NUL needed;
 * NULL or n == 0 is the empty one) into *out. Returns 1 when the answer
 * came from the cache, 0 when the rules ran. Allocates nothing. */
int uagent_parse(struct uagent *u, const char *ua, size_t n,
                 struct ua_info *out);

#endif
