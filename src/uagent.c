/*
 * uagent.c - the browser, system and device class of a User-Agent.
 *
 * uap-core's rules are tried in their order, each its own PCRE2 pattern
 * compiled (and JIT-compiled) once per parser: the first that matches
 * names the family, from its replacement ("$1 for ArcGIS") or its first
 * group. A rule whose required literal (found by scripts/uap-rules.py)
 * is not in the User-Agent is skipped without running it: most are, so a
 * new User-Agent costs a few dozen scans of its bytes and a few matches.
 * The device rules (rules/ua-devices.txt) follow, ignoring case.
 *
 * Answers are kept in a cache of at most UA_CACHE_MAX User-Agents whose
 * keys and names share one buffer of fixed size; when either is full the
 * cache starts over. Matching works on bytes (no UTF check: User-Agents
 * carry any bytes).
 */
#include "blogstat.h"
#include "table.h"
#include "uagent.h"
#include "uap_rules.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The bytes of a User-Agent the rules read: browsers send a few hundred;
 * longer ones are robots' (src/robots.c), whose start names them. */
#define UA_READ_MAX 2048
#define UA_SUBJECT_PAD 64
/* Groups a replacement can name ($1..$9), and group 0. */
#define UA_GROUPS 10
/* Bounds on the work of one match: only a hostile string gets near them
 * (the rules' gaps are bounded), and it is then matched by no rule. */
#define UA_MATCH_LIMIT 200000
#define UA_JIT_STACK_MAX (512 * 1024)

#define UA_CACHE_MAX 16384
#define UA_SLOTS (2 * UA_CACHE_MAX)    /* a power of 2, load <= 1/2 */
#define UA_KEY_MAX 1024                /* longer ones are not kept */
#define UA_ARENA (4u << 20)            /* keys and names of the cache */

struct ua_slot {
    uint64_t hash;
    uint32_t off;              /* of the key in arena[], names follow it */
    uint16_t len;              /* 0: empty slot (n == 0 is never kept) */
    uint8_t browser_n;
    uint8_t system_n;
    uint8_t device;
    uint32_t family;           /* uagent_parse()'s ua_info.family */
};

/* A rule, compiled. */
/* A rule, compiled on first use: most rules are never run (their text
 * is not in the User-Agents a log holds), and each JIT-compiled one
 * costs tens of KiB. */
struct rx {
    pcre2_code *code;          /* NULL until first run */
    const char *what;          /* "browser", "system", "device" */
    size_t index;
    const char *pattern;
    uint32_t options;
};

struct uagent {
    pcre2_general_context *gctx;
    pcre2_compile_context *cctx;
    struct rx *browser, *system, *device;      /* the rules, compiled */
    pcre2_match_data *md;
    pcre2_match_context *mctx;
    pcre2_jit_stack *jit;
    struct ua_slot *slots;
    uint32_t count;
    /* The answers' numbers: the parser's own, or shared with others. */
    struct ua_families *families;
    int own_families;
    char *arena;               /* arena_cap bytes, grown to UA_ARENA */
    size_t arena_n, arena_cap;
    /* The last User-Agent answered from the cache: a page and its assets
     * come in a row from one browser. */
    const struct ua_slot *last;
    /* The answer for a User-Agent the cache does not keep. */
    char browser_buf[UA_NAME_MAX], system_buf[UA_NAME_MAX];
    /* The User-Agent the rules read, with zeros after it: PCRE2's JIT
     * reads ahead of a subject's end in whole vectors, which must be
     * this buffer's bytes, not past the caller's. */
    char subject[UA_READ_MAX + UA_SUBJECT_PAD];
};

const char *ua_device_name(enum ua_device d)
{
    static const char *const names[] = {
        [UA_DESKTOP] = "desktop", [UA_MOBILE] = "mobile",
        [UA_TABLET] = "tablet", [UA_TV] = "tv", [UA_CONSOLE] = "console",
        [UA_OTHER] = "other",
    };

    return (unsigned)d < sizeof(names) / sizeof(names[0]) ? names[d]
                                                          : "other";
}

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

static pcre2_code *compile_rule(const char *what, size_t i,
                                const char *pattern, uint32_t options,
                                pcre2_compile_context *cctx)
{
    int err;
    PCRE2_SIZE off;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)pattern,
                                     PCRE2_ZERO_TERMINATED, options, &err,
                                     &off, cctx);

    if (!code) {
        PCRE2_UCHAR msg[256];

        pcre2_get_error_message(err, msg, sizeof(msg));
        BUG("%s rule %zu does not compile: %s (\"%s\")", what, i + 1,
            (const char *)msg, pattern);
    }
    /* Without a JIT (an unsupported CPU) pcre2_match() interprets. */
    (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    return code;
}

static struct rx *rule_list(const char *what, const struct uap_rule *r,
                            size_t n)
{
    struct rx *codes = xcalloc(n, sizeof(*codes));

    for (size_t i = 0; i < n; i++)
        codes[i] = (struct rx){NULL, what, i, r[i].regex, 0};
    return codes;
}

struct uagent *uagent_new(void)
{
    return uagent_new_shared(NULL);
}

struct ua_families *uagent_families(const struct uagent *u)
{
    return u->families;
}

struct uagent *uagent_new_shared(struct ua_families *families)
{
    struct uagent *u = xcalloc(1, sizeof(*u));

    u->own_families = families == NULL;
    u->families = families ? families : ua_families_new();

    u->gctx = pcre2_general_context_create(rx_malloc, rx_free, NULL);
    u->cctx = pcre2_compile_context_create(u->gctx);
    u->browser = rule_list("browser", uap_browser_rules, uap_browser_rules_n);
    u->system = rule_list("system", uap_system_rules, uap_system_rules_n);
    u->device = xcalloc(uap_device_rules_n, sizeof(*u->device));
    for (size_t i = 0; i < uap_device_rules_n; i++)
        u->device[i] = (struct rx){NULL, "device", i,
                                   uap_device_rules[i].pattern,
                                   PCRE2_CASELESS};
    u->md = pcre2_match_data_create(UA_GROUPS, u->gctx);
    u->mctx = pcre2_match_context_create(u->gctx);
    pcre2_set_match_limit(u->mctx, UA_MATCH_LIMIT);
    u->jit = pcre2_jit_stack_create(32 * 1024, UA_JIT_STACK_MAX, u->gctx);
    pcre2_jit_stack_assign(u->mctx, NULL, u->jit);
    /* The cache's slots and arena come with its first User-Agent, and
     * the arena grows as it fills: a log with few people costs little. */
    return u;
}

static void free_list(struct rx *codes, size_t n)
{
    for (size_t i = 0; codes && i < n; i++)
        pcre2_code_free(codes[i].code);
    free(codes);
}

void uagent_free(struct uagent *u)
{
    if (!u)
        return;
    free_list(u->browser, uap_browser_rules_n);
    free_list(u->system, uap_system_rules_n);
    free_list(u->device, uap_device_rules_n);
    pcre2_jit_stack_free(u->jit);
    pcre2_match_context_free(u->mctx);
    pcre2_match_data_free(u->md);
    pcre2_compile_context_free(u->cctx);
    pcre2_general_context_free(u->gctx);
    free(u->slots);
    free(u->arena);
    if (u->own_families)
        ua_families_free(u->families);
    free(u);
}

/* Whether lit[0..k) occurs in s[0..n). */
static int contains(const char *s, size_t n, const char *lit, size_t k)
{
    const char *p = s, *end = s + n;

    if (k == 0)
        return 1;
    while ((size_t)(end - p) >= k) {
        p = memchr(p, lit[0], (size_t)(end - p) - k + 1);
        if (!p)
            return 0;
        if (memcmp(p + 1, lit + 1, k - 1) == 0)
            return 1;
        p++;
    }
    return 0;
}

/* Whether code matches ua[0..n); its groups are then in u->md. A match
 * stopped by a limit is no match. */
static int run(struct uagent *u, struct rx *rx, const char *ua, size_t n)
{
    int rc;

    if (!rx->code)
        rx->code = compile_rule(rx->what, rx->index, rx->pattern,
                                rx->options, u->cctx);
    rc = pcre2_match(rx->code, (PCRE2_SPTR)ua, n, 0, 0, u->md, u->mctx);

    /* 0: more groups than UA_GROUPS, which the replacements never name */
    return rc >= 0;
}

/* "Other", the family where no rule names one, into out; its length. */
static size_t other(char *out)
{
    static const char name[5] = {'O', 't', 'h', 'e', 'r'};

    memcpy(out, name, sizeof(name));
    return sizeof(name);
}

/*
 * The family of the rule that just matched ua into out (UA_NAME_MAX
 * bytes): its replacement with $1..$9 filled in, or its group 1; spaces
 * around it trimmed, cut to UA_NAME_MAX bytes; "Other" when that leaves
 * nothing. Returns its length.
 */
static size_t family(struct uagent *u, const char *repl, const char *ua,
                     char *out)
{
    const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(u->md);
    uint32_t pairs = pcre2_get_ovector_count(u->md);
    char buf[4 * UA_NAME_MAX] = {0};
    size_t n = 0, start = 0;

    if (!repl)
        repl = "$1";
    for (const char *p = repl; *p && n < sizeof(buf); p++) {
        uint32_t g;

        if (p[0] != '$' || p[1] < '1' || p[1] > '9') {
            buf[n++] = *p;
            continue;
        }
        g = (uint32_t)(*++p - '0');
        if (g < pairs && ov[2 * g] != PCRE2_UNSET) {
            size_t k = ov[2 * g + 1] - ov[2 * g];

            if (k > sizeof(buf) - n)
                k = sizeof(buf) - n;
            memcpy(buf + n, ua + ov[2 * g], k);
            n += k;
        }
    }
    while (start < n && (buf[start] == ' ' || buf[start] == '\t'))
        start++;
    while (n > start && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
        n--;
    n -= start;
    if (n > UA_NAME_MAX)
        n = utf8_trim_partial(buf + start, UA_NAME_MAX);
    if (n == 0)
        return other(out);
    memcpy(out, buf + start, n);
    return n;
}

/* The family the first matching rule of a list names, "Other" for none. */
static size_t first_family(struct uagent *u, struct rx *codes,
                           const struct uap_rule *rules, size_t nrules,
                           const char *ua, size_t n, char *out)
{
    for (size_t i = 0; i < nrules; i++) {
        if (!contains(ua, n, rules[i].literal, rules[i].literal_n) ||
            !run(u, &codes[i], ua, n))
            continue;
        return family(u, rules[i].replacement, ua, out);
    }
    return other(out);
}

static enum ua_device device_class(struct uagent *u, const char *ua,
                                   size_t n)
{
    for (size_t i = 0; i < uap_device_rules_n; i++)
        if (run(u, &u->device[i], ua, n))
            return (enum ua_device)uap_device_rules[i].device;
    return UA_OTHER;
}

/* The rules on ua[0..n): the names into browser and system (UA_NAME_MAX
 * bytes each), their lengths into *bn and *sn. */
static enum ua_device parse(struct uagent *u, const char *ua, size_t n,
                            char *browser, size_t *bn, char *system,
                            size_t *sn)
{
    if (n > UA_READ_MAX)
        n = UA_READ_MAX;
    if (n)
        memcpy(u->subject, ua, n);
    memset(u->subject + n, 0, UA_SUBJECT_PAD);
    ua = u->subject;
    *bn = first_family(u, u->browser, uap_browser_rules, uap_browser_rules_n,
                       ua, n, browser);
    *sn = first_family(u, u->system, uap_system_rules, uap_system_rules_n,
                       ua, n, system);
    return device_class(u, ua, n);
}

static void answer(const struct uagent *u, const struct ua_slot *e,
                   struct ua_info *out)
{
    const char *names = u->arena + e->off + e->len;

    out->browser = names;
    out->browser_n = e->browser_n;
    out->system = names + e->browser_n;
    out->system_n = e->system_n;
    out->device = (enum ua_device)e->device;
    out->family = e->family;
}

/* ---- the answers' numbers ----------------------------------------------- */

/* The answers (browser, system, device) given, each numbered once:
 * UA_FAMILIES of them at most, never forgotten, so that a number keeps
 * its answer; the parsers of one run share them (under the lock). */
struct ua_families {
    pthread_mutex_t lock;
    struct strtab *t;          /* device, browser's length, the names */
};

struct ua_families *ua_families_new(void)
{
    struct ua_families *f = xcalloc(1, sizeof(*f));

    pthread_mutex_init(&f->lock, NULL);
    f->t = strtab_new();
    return f;
}

void ua_families_free(struct ua_families *f)
{
    if (!f)
        return;
    strtab_free(f->t);
    pthread_mutex_destroy(&f->lock);
    free(f);
}

int ua_family_names(struct ua_families *f, uint32_t family,
                    struct ua_names *out)
{
    const char *k;
    size_t n = 0;
    int rc = -1;

    pthread_mutex_lock(&f->lock);
    if (family < strtab_count(f->t)) {
        k = strtab_key(f->t, family, &n);
        out->device = (enum ua_device)(unsigned char)k[0];
        out->browser_n = (unsigned char)k[1];
        out->system_n = n - 2 - out->browser_n;
        memcpy(out->browser, k + 2, out->browser_n);
        memcpy(out->system, k + 2 + out->browser_n, out->system_n);
        rc = 0;
    }
    pthread_mutex_unlock(&f->lock);
    return rc;
}

/* The number of the answer (device, browser, system) of slot e:
 * UA_FAMILY_NONE past UA_FAMILIES of them. */
static uint32_t family_of(struct uagent *u, const struct ua_slot *e)
{
    struct ua_families *f = u->families;
    char key[2 + 2 * UA_NAME_MAX];
    const char *names = u->arena + e->off + e->len;
    size_t n = 2 + (size_t)e->browser_n + e->system_n;
    int64_t id;

    key[0] = (char)e->device;
    key[1] = (char)e->browser_n;
    memcpy(key + 2, names, n - 2);
    pthread_mutex_lock(&f->lock);
    if (strtab_count(f->t) < UA_FAMILIES)
        id = strtab_intern(f->t, key, n, NULL);
    else
        id = strtab_find(f->t, key, n);
    pthread_mutex_unlock(&f->lock);
    return id >= 0 ? (uint32_t)id : UA_FAMILY_NONE;
}

static void cache_clear(struct uagent *u)
{
    memset(u->slots, 0, UA_SLOTS * sizeof(*u->slots));
    u->count = 0;
    u->arena_n = 0;
    u->last = NULL;
}

/* The free slot for hash h (the cache has one: its load is at most 1/2). */
static struct ua_slot *free_slot(struct uagent *u, uint64_t h)
{
    size_t i = h & (UA_SLOTS - 1);

    while (u->slots[i].len)
        i = (i + 1) & (UA_SLOTS - 1);
    return &u->slots[i];
}

int uagent_parse(struct uagent *u, const char *ua, size_t n,
                 struct ua_info *out)
{
    const struct ua_slot *l = u->last;
    struct ua_slot *e;
    size_t bn, sn;
    uint64_t h;

    if (!ua) {
        ua = "";
        n = 0;
    }
    if (l && l->len == n && memcmp(ua, u->arena + l->off, n) == 0) {
        answer(u, l, out);
        return 1;
    }
    if (n == 0 || n > UA_KEY_MAX) {     /* rare, or costly to keep */
        out->device = parse(u, ua, n, u->browser_buf, &bn, u->system_buf,
                            &sn);
        out->browser = u->browser_buf;
        out->browser_n = bn;
        out->system = u->system_buf;
        out->system_n = sn;
        out->family = UA_FAMILY_NONE;
        return 0;
    }
    h = bs_hash(ua, n);
    if (!u->slots)
        u->slots = xcalloc(UA_SLOTS, sizeof(*u->slots));
    for (size_t i = h & (UA_SLOTS - 1); u->slots[i].len;
         i = (i + 1) & (UA_SLOTS - 1)) {
        e = &u->slots[i];
        if (e->hash == h && e->len == n &&
            memcmp(u->arena + e->off, ua, n) == 0) {
            u->last = e;
            answer(u, e, out);
            return 1;
        }
    }
    if (u->count >= UA_CACHE_MAX ||
        u->arena_n + n + 2 * UA_NAME_MAX > UA_ARENA)
        cache_clear(u);
    if (u->arena_n + n + 2 * UA_NAME_MAX > u->arena_cap) {
        size_t cap = u->arena_cap ? 2 * u->arena_cap : 64u << 10;

        u->arena_cap = cap < UA_ARENA ? cap : UA_ARENA;
        u->arena = xrealloc(u->arena, u->arena_cap);
    }
    e = free_slot(u, h);
    e->hash = h;
    e->off = (uint32_t)u->arena_n;
    e->len = (uint16_t)n;
    memcpy(u->arena + u->arena_n, ua, n);
    e->device = (uint8_t)parse(u, ua, n, u->arena + u->arena_n + n, &bn,
                               u->system_buf, &sn);
    /* The system's name goes right after the browser's. */
    memcpy(u->arena + u->arena_n + n + bn, u->system_buf, sn);
    e->browser_n = (uint8_t)bn;
    e->system_n = (uint8_t)sn;
    e->family = family_of(u, e);
    u->arena_n += n + bn + sn;
    u->count++;
    u->last = e;
    answer(u, e, out);
    return 0;
}
