/*
 * robots.c - robot User-Agents.
 *
 * The rules of robots_rules.h are one regular expression, built with the
 * program (scripts/robots-rules.py), compiled once per classifier and
 * JIT-compiled by PCRE2:
 *
 *   (?:PEOPLE1)(*:1)|...|(?:goo(?:glebot(?:-image(*:4)|/(*:2))|...)|...
 *
 * PCRE2 finds the leftmost match; the mark after a rule says which rule
 * it was. A rule that names a class of robots ("(url)", "(self-declared)")
 * makes a robot, but the search goes on for a rule that names it.
 * A people's rule (CUBOT's phones) matched first means its text is not a
 * robot's: the search goes on after it. Matching ignores case and works
 * on bytes (no UTF check: User-Agents carry any bytes).
 *
 * doc/counting.md says the rules in words; tests/unit/test_robots.c
 * checks them against the list's instances and corpora of real browsers.
 */
#include "blogstat.h"
#include "robots.h"
#include "robots_rules.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdlib.h>
#include <string.h>

/* The bytes of a User-Agent the rules read: the rule "(too-long)" of
 * rules/robots-extra.txt makes a robot of any longer one, whose first
 * ROBOTS_UA_MAX + 1 bytes then decide its name. */
#define ROBOTS_UA_MAX 2048

/* A UA that needs more than this much JIT stack is a person's: no rule
 * nests deep, so only a hostile string could get there. */
#define ROBOTS_JIT_STACK_MAX (1024 * 1024)

/* PCRE2 allocates through xmalloc(): out of memory exits as elsewhere. */
static void *rx_malloc(PCRE2_SIZE n, void *data)
{
    (void)data;
    return xmalloc(n ? n : 1);
}

static void rx_free(void *p, void *data)
{
    (void)data;
    free(p);
}

/* The rule that does not compile alone, for the BUG() message. */
static size_t first_bad_rule(void)
{
    for (size_t i = 0; i < robots_nrules; i++) {
        int err;
        PCRE2_SIZE off;
        pcre2_code *c = pcre2_compile((PCRE2_SPTR)robots_rules[i].pattern,
                                      PCRE2_ZERO_TERMINATED, PCRE2_CASELESS,
                                      &err, &off, NULL);

        if (!c)
            return i;
        pcre2_code_free(c);
    }
    return robots_nrules;
}

static pcre2_code *compile_rules(pcre2_general_context *gctx)
{
    pcre2_compile_context *cctx = pcre2_compile_context_create(gctx);
    int err;
    PCRE2_SIZE off;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)robots_regex,
                                     PCRE2_ZERO_TERMINATED, PCRE2_CASELESS,
                                     &err, &off, cctx);

    pcre2_compile_context_free(cctx);
    if (!code) {
        PCRE2_UCHAR msg[256];
        size_t bad = first_bad_rule();

        pcre2_get_error_message(err, msg, sizeof(msg));
        BUG("robot rules do not compile: %s (rule %zu: \"%s\")",
            (const char *)msg, bad + 1,
            bad < robots_nrules ? robots_rules[bad].pattern : "?");
    }
    /* Without a JIT (an unsupported CPU) pcre2_match() interprets. */
    (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    return code;
}

/* The number after "(*:" of the rule that matched, 0 for none. */
static size_t mark_rule(pcre2_match_data *md)
{
    PCRE2_SPTR m = pcre2_get_mark(md);
    size_t id = 0;

    if (!m)
        return 0;
    for (; *m >= '0' && *m <= '9'; m++)
        id = id * 10 + (size_t)(*m - '0');
    return id <= robots_nrules ? id : 0;
}

int robots_count(void)
{
    return (int)robots_nrules;
}

static const struct robots_rule *robot_rule(int id)
{
    if (id < 1 || (size_t)id > robots_nrules ||
        robots_rules[id - 1].person)
        return NULL;
    return &robots_rules[id - 1];
}

const char *robots_name(int id)
{
    const struct robots_rule *rule = robot_rule(id);

    return rule ? rule->name : NULL;
}

const char *robots_category(int id)
{
    const struct robots_rule *rule = robot_rule(id);

    return rule ? rule->category : NULL;
}

/* The list's categories (and blogstat's own rules') by group. */
static const struct {
    const char *category, *group;
} groups[] = {
    {"search-engine", "search"},   {"ai-crawler", "ai"},
    {"seo", "seo"},                {"social-preview", "social"},
    {"feed-reader", "feed"},       {"monitoring", "monitor"},
    {"http-library", "tool"},      {"browser-automation", "tool"},
};

const char *robots_group(int id)
{
    const char *c = robots_category(id);

    if (!c)
        return NULL;
    for (size_t i = 0; i < ARRAY_SIZE(groups); i++)
        if (strcmp(c, groups[i].category) == 0)
            return groups[i].group;
    return "other";
}

/* The cache holds at most this many User-Agents (and ROBOTS_KEYS_MAX bytes
 * of them), then starts over, so that memory stays bounded on a log full
 * of random User-Agents. */
#define ROBOTS_CACHE_MAX 32768
#define ROBOTS_SLOTS (2 * ROBOTS_CACHE_MAX)    /* a power of 2, load <= 1/2 */
#define ROBOTS_KEY_MAX 1024                    /* longer ones are not kept */
#define ROBOTS_KEYS_MAX (4u << 20)
#define ROBOTS_FRONT 1024                      /* a power of 2 */

struct ua_slot {
    uint64_t hash;
    uint32_t off;              /* of the key in keys[] */
    uint16_t len;              /* 0: empty slot (n == 0 is never kept) */
    uint16_t robot;            /* robots_match()'s answer */
};

struct robots {
    pcre2_general_context *gctx;
    pcre2_code *code;          /* the rules, this classifier's own */
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit;
    struct ua_slot *slots;
    uint32_t count;
    char *keys;
    size_t keys_n, keys_cap;
    /* The last User-Agent asked about: a page and its assets come in a
     * row from one browser, so this answers those lines with one memcmp. */
    const struct ua_slot *last;
    /* Slot + 1 of a User-Agent by ua_quick(), 0 for none: most lines
     * come from a few browsers, whose whole string is then hashed only
     * once; a wrong guess costs one memcmp. */
    uint32_t front[ROBOTS_FRONT];
};

struct robots *robots_new(void)
{
    struct robots *r = xcalloc(1, sizeof(*r));

    if (robots_nrules > UINT16_MAX)
        BUG("%zu robot rules: the cache keeps 16 bits", robots_nrules);
    r->gctx = pcre2_general_context_create(rx_malloc, rx_free, NULL);
    r->code = compile_rules(r->gctx);
    r->md = pcre2_match_data_create_from_pattern(r->code, r->gctx);
    r->mctx = pcre2_match_context_create(r->gctx);
    r->jit = pcre2_jit_stack_create(32 * 1024, ROBOTS_JIT_STACK_MAX,
                                    r->gctx);
    pcre2_jit_stack_assign(r->mctx, NULL, r->jit);
    r->slots = xcalloc(ROBOTS_SLOTS, sizeof(*r->slots));
    return r;
}

void robots_free(struct robots *r)
{
    if (!r)
        return;
    pcre2_jit_stack_free(r->jit);
    pcre2_match_context_free(r->mctx);
    pcre2_match_data_free(r->md);
    pcre2_code_free(r->code);
    pcre2_general_context_free(r->gctx);
    free(r->slots);
    free(r->keys);
    free(r);
}

/* 8 bytes as they lie: the hashes never leave the process. */
static uint64_t load64(const unsigned char *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return v;
}

static uint64_t lane(uint64_t acc, uint64_t v)
{
    acc += v * 0xc2b2ae3d27d4eb4fULL;
    acc = (acc << 31) | (acc >> 33);
    return acc * 0x9e3779b185ebca87ULL;
}

/*
 * A hash of the whole User-Agent in four independent lanes of 8 bytes:
 * bs_hash()'s one lane would be the dearest step of the lookup, and a key
 * that skipped bytes would pile random User-Agents into one chain.
 */
static uint64_t ua_hash(const char *ua, size_t n)
{
    const unsigned char *p = (const unsigned char *)ua, *end = p + n;
    uint64_t a = 0x9e3779b97f4a7c15ULL ^ n, b = 0x632be59bd9b4e019ULL,
             c = 0x85ebca77c2b2ae63ULL, d = 0x27d4eb2f165667c5ULL;

    for (; end - p >= 32; p += 32) {
        a = lane(a, load64(p));
        b = lane(b, load64(p + 8));
        c = lane(c, load64(p + 16));
        d = lane(d, load64(p + 24));
    }
    for (; end - p >= 8; p += 8)
        a = lane(a, load64(p));
    if (end > p) {
        uint64_t tail = 0;

        /* The last 8 bytes again, overlapping, when there are 8. */
        if (n >= 8)
            tail = load64(end - 8);
        else
            for (size_t i = 0; p + i < end; i++)
                tail |= (uint64_t)p[i] << (8 * i);
        b = lane(b, tail);
    }
    a ^= (b << 17 | b >> 47) ^ (c << 29 | c >> 35) ^ (d << 41 | d >> 23);
    return bs_fmix64(a);
}

/*
 * A guess at the User-Agent from a few of its words: the length, the start
 * (the platform) and the end (the browser's and engine's versions). Only
 * for the front table, where two strings that share the guess just take
 * turns; the slots are keyed by ua_hash() of every byte.
 */
static uint32_t ua_quick(const char *ua, size_t n)
{
    const unsigned char *p = (const unsigned char *)ua, *end = p + n;
    uint64_t a, b;

    if (n < 32)
        return (uint32_t)(ua_hash(ua, n) & (ROBOTS_FRONT - 1));
    a = (load64(p + 8) ^ n) * 0x9e3779b185ebca87ULL +
        load64(p + 16) * 0xc2b2ae3d27d4eb4fULL;
    b = load64(end - 8) * 0x165667b19e3779f9ULL +
        load64(end - 16) * 0x85ebca77c2b2ae63ULL +
        load64(end - 24) * 0x27d4eb2f165667c5ULL + load64(end - 32);
    a ^= b ^ (b >> 29);
    a *= 0xff51afd7ed558ccdULL;
    return (uint32_t)(a >> 54) & (ROBOTS_FRONT - 1);
}

static void cache_clear(struct robots *r)
{
    memset(r->slots, 0, ROBOTS_SLOTS * sizeof(*r->slots));
    r->count = 0;
    r->keys_n = 0;
    r->last = NULL;
    memset(r->front, 0, sizeof(r->front));
}

int robots_match(struct robots *r, const char *ua, size_t n)
{
    PCRE2_SIZE at = 0;
    size_t generic = 0;

    if (!ua)
        ua = "";
    if (n > ROBOTS_UA_MAX + 1)
        n = ROBOTS_UA_MAX + 1;
    while (at <= n) {
        int rc = pcre2_match(r->code, (PCRE2_SPTR)ua, n, at, 0, r->md,
                             r->mctx);
        const PCRE2_SIZE *ov;
        size_t rule;

        /* No match, or a limit only a hostile string reaches: a person,
         * as for any User-Agent no rule names. */
        if (rc < 0)
            break;
        rule = mark_rule(r->md);
        if (rule == 0)
            BUG("a robot rule matched without its mark");
        ov = pcre2_get_ovector_pointer(r->md);
        if (robots_rules[rule - 1].person) {
            /* A person's word: look for a robot's after it. */
            at = ov[1] > at ? ov[1] : at + 1;
            continue;
        }
        if (!robots_rules[rule - 1].generic)
            return (int)rule;
        /* "(url)": a robot; a rule that starts further on, inside this
         * match or after it, may say which one. */
        if (!generic)
            generic = rule;
        at = ov[0] + 1;
    }
    return (int)generic;
}

static const char *slot_key(const struct robots *r, const struct ua_slot *e)
{
    return r->keys + e->off;
}

int robots_check(struct robots *r, const char *ua, size_t n)
{
    const struct ua_slot *l = r->last;
    struct ua_slot *e;
    uint32_t q, f;
    uint64_t h;
    size_t i;

    if (l && l->len == n && memcmp(ua, slot_key(r, l), n) == 0)
        return l->robot;
    if (n == 0 || n > ROBOTS_KEY_MAX)   /* rare, or costly to keep */
        return robots_match(r, ua, n);
    q = ua_quick(ua, n);
    if ((f = r->front[q]) != 0) {
        l = &r->slots[f - 1];
        if (l->len == n && memcmp(ua, slot_key(r, l), n) == 0) {
            r->last = l;
            return l->robot;
        }
    }
    h = ua_hash(ua, n);
    for (i = h & (ROBOTS_SLOTS - 1); r->slots[i].len;
         i = (i + 1) & (ROBOTS_SLOTS - 1)) {
        e = &r->slots[i];
        if (e->hash == h && e->len == n &&
            memcmp(slot_key(r, e), ua, n) == 0) {
            r->front[q] = (uint32_t)i + 1;
            r->last = e;
            return e->robot;
        }
    }
    if (r->count >= ROBOTS_CACHE_MAX || r->keys_n + n > ROBOTS_KEYS_MAX) {
        cache_clear(r);
        for (i = h & (ROBOTS_SLOTS - 1); r->slots[i].len;
             i = (i + 1) & (ROBOTS_SLOTS - 1))
            ;
    }
    if (r->keys_n + n > r->keys_cap) {
        size_t cap = r->keys_cap ? r->keys_cap : 64 * 1024;

        while (cap < r->keys_n + n)
            cap *= 2;
        r->keys = xrealloc(r->keys, cap);
        r->keys_cap = cap;
    }
    memcpy(r->keys + r->keys_n, ua, n);
    e = &r->slots[i];
    e->hash = h;
    e->off = (uint32_t)r->keys_n;
    e->len = (uint16_t)n;
    e->robot = (uint16_t)robots_match(r, ua, n);
    r->keys_n += n;
    r->count++;
    r->front[q] = (uint32_t)i + 1;
    r->last = e;
    return e->robot;
}
