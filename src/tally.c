/*
 * tally.c - what a counted line adds to the other dimensions (tally.h).
 */
#include "blogstat.h"
#include "dims.h"
#include "feedsub.h"
#include "robots.h"
#include "tally.h"
#include "uagent.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Ids of keys in a dims, kept while its generation stays (a memo of
 * dims_add() for the keys every line repeats: the hours of a day, a
 * robot of a day). */
struct memo {
    uint64_t gen;              /* 0: empty */
    int32_t day;
    uint32_t key, id;
};
#define MEMO_SLOTS 64          /* a power of 2 */
#define CLIENT_MEMO_SLOTS 256  /* a power of 2 */

/* What a feed fetcher's User-Agent reports (feedsub_parse()), kept for
 * the User-Agents seen last: a reader fetches again and again with the
 * same string, and reading the report out of it is dearer than a hash
 * and a compare. */
#define FEED_MEMO_SLOTS 64     /* a power of 2 */
#define FEED_MEMO_UA 256       /* longer ones are read each time */

struct feed_memo {
    uint64_t hash;
    uint16_t n;                /* 0: empty */
    uint8_t reports;           /* feedsub_parse()'s answer */
    char ua[FEED_MEMO_UA];
    struct feed_report report;
    char feed_id[17];          /* the report's feed id, hashed: "" none */
};

struct tally {
    struct uagent *ua;         /* browsers, systems, devices */
    uint8_t *feed_reader;      /* by robot id: 1 for a feed reader's */
    struct memo hours[24];
    struct memo robots[MEMO_SLOTS];
    /* The browsers' rows (browser, system, device), by the family
     * number uagent_parse() gives each answer. */
    struct memo clients[CLIENT_MEMO_SLOTS];
    struct campaign camp;
    struct feed_memo *feeds;   /* FEED_MEMO_SLOTS, on first use */
    struct feed_memo scratch;  /* a report of a User-Agent not kept */
    char path[URL_KEY_MAX + 1];
};

struct tally *tally_new(void)
{
    return tally_new_shared(NULL);
}

struct tally *tally_new_shared(struct ua_families *families)
{
    struct tally *t = xcalloc(1, sizeof(*t));
    int n = robots_count();

    t->ua = uagent_new_shared(families);
    t->feed_reader = xcalloc((size_t)n + 1, 1);
    for (int id = 1; id <= n; id++) {
        const char *g = robots_group(id);

        t->feed_reader[id] = g && strcmp(g, "feed") == 0;
    }
    return t;
}

/* The memo m's id of key on day in d, or UINT32_MAX. */
static uint32_t memo_get(const struct memo *m, const struct dims *d,
                         int32_t day, uint32_t key)
{
    return m->gen == dims_generation(d) && m->day == day && m->key == key
               ? m->id
               : UINT32_MAX;
}

static void memo_put(struct memo *m, const struct dims *d, int32_t day,
                     uint32_t key, uint32_t id)
{
    *m = (struct memo){dims_generation(d), day, key, id};
}

void tally_free(struct tally *t)
{
    if (!t)
        return;
    uagent_free(t->ua);
    free(t->feed_reader);
    free(t->feeds);
    free(t);
}

static void add1(struct dims *d, int32_t day, enum dim dim, struct slice k0,
                 struct slice k1, struct slice k2, uint64_t n)
{
    struct dim_row r = {.day = day, .dim = dim, .k = {k0, k1, k2}, .n = n};

    dims_add(d, &r);
}

int tally_robot(struct tally *t, struct dims *d, int32_t day, int robot)
{
    struct memo *m = &t->robots[(uint32_t)robot & (MEMO_SLOTS - 1)];
    uint32_t id = memo_get(m, d, day, (uint32_t)robot);
    const char *name, *group;

    if (id != UINT32_MAX) {
        dims_add_id(d, id, 1);
    } else if ((name = robots_name(robot))) {
        struct dim_row r = {.day = day, .dim = DIM_ROBOT, .n = 1};

        group = robots_group(robot);
        r.k[0] = slice_make(name, strlen(name));
        r.k[1] = slice_make(group, strlen(group));
        r.k[2] = SLICE_LIT("");
        memo_put(m, d, day, (uint32_t)robot, dims_add(d, &r));
    }
    return tally_feed_reader(t, robot);
}

int tally_feed_reader(const struct tally *t, int robot)
{
    return robot > 0 && robot <= robots_count() && t->feed_reader[robot];
}

uint32_t tally_family(struct tally *t, const struct logrec *rec)
{
    struct ua_info ui;

    if (!rec->has_agent)
        return UA_FAMILY_NONE;
    uagent_parse(t->ua, rec->agent.p, rec->agent.n, &ui);
    return ui.family;
}

/* The browser row of a view of rec on d: the memo's of its family (read
 * here when UA_FAMILY_NONE), or added. */
static uint32_t client_row(struct tally *t, struct dims *d,
                           const struct logrec *rec, uint32_t family)
{
    struct dim_row c = {.day = rec->day, .dim = DIM_CLIENT, .n = 1};
    struct ua_names names;
    struct ua_info ui = {0};
    struct memo *m;
    const char *dev;
    uint32_t id;

    if (family == UA_FAMILY_NONE) {
        uagent_parse(t->ua, rec->agent.p, rec->agent.n, &ui);
        family = ui.family;
    }
    m = &t->clients[family & (CLIENT_MEMO_SLOTS - 1)];
    if (family != UA_FAMILY_NONE &&
        (id = memo_get(m, d, rec->day, family)) != UINT32_MAX) {
        dims_add_id(d, id, 1);
        return id;
    }
    if (!ui.browser) {
        if (ua_family_names(uagent_families(t->ua), family, &names) != 0)
            BUG("User-Agent family %u unknown", family);
        ui = (struct ua_info){names.browser, names.browser_n, names.system,
                              names.system_n, names.device, family};
    }
    dev = ua_device_name(ui.device);
    c.k[0] = slice_make(ui.browser, ui.browser_n);
    c.k[1] = slice_make(ui.system, ui.system_n);
    c.k[2] = slice_make(dev, strlen(dev));
    id = dims_add(d, &c);
    if (family != UA_FAMILY_NONE)
        memo_put(m, d, rec->day, family, id);
    return id;
}

void tally_view(struct tally *t, struct dims *d, const struct logrec *rec,
                uint64_t visitor)
{
    tally_view_family(t, d, rec, visitor, UA_FAMILY_NONE);
}

void tally_view_family(struct tally *t, struct dims *d,
                       const struct logrec *rec, uint64_t visitor,
                       uint32_t family)
{
    /* A leap second (86400) is the last hour's. */
    int h = rec->sec < 86400 ? rec->sec / 3600 : 23;
    char hour[2] = {(char)('0' + h / 10), (char)('0' + h % 10)};
    uint32_t id = memo_get(&t->hours[h], d, rec->day, (uint32_t)h);

    if (id != UINT32_MAX) {
        dims_add_id(d, id, 1);
    } else {
        struct dim_row r = {.day = rec->day, .dim = DIM_HOUR,
                            .k = {slice_make(hour, 2), SLICE_LIT(""),
                                  SLICE_LIT("")},
                            .n = 1};

        memo_put(&t->hours[h], d, rec->day, (uint32_t)h, dims_add(d, &r));
    }
    if (memchr(rec->target.p, '?', rec->target.n) &&
        classify_campaign(rec->target.p, rec->target.n, &t->camp))
        add1(d, rec->day, DIM_CAMPAIGN,
             slice_make(t->camp.source, t->camp.source_n),
             slice_make(t->camp.medium, t->camp.medium_n),
             slice_make(t->camp.name, t->camp.name_n), 1);
    if (rec->has_agent)
        dims_visitor(d, client_row(t, d, rec, family), visitor);
}

/* ua's report into m: whether it is one, and its feed id hashed. */
static void feed_read(struct feed_memo *m, const char *ua, size_t n)
{
    m->reports = (uint8_t)feedsub_parse(ua, n, &m->report);
    m->feed_id[0] = '\0';
    /* The reader's feed id tells its counts apart, nothing more: kept
     * as a hash, so that no part of a User-Agent is stored. */
    if (m->reports && m->report.feed_id_n)
        snprintf(m->feed_id, sizeof(m->feed_id), "%016llx",
                 (unsigned long long)bs_hash(m->report.feed_id,
                                             m->report.feed_id_n));
}

/* The report of User-Agent ua (n bytes), from the memo or read now. */
static const struct feed_memo *feed_report_of(struct tally *t, const char *ua,
                                              size_t n)
{
    struct feed_memo *m;
    uint64_t h;

    if (n == 0 || n > FEED_MEMO_UA) {
        feed_read(&t->scratch, ua, n);
        return &t->scratch;
    }
    if (!t->feeds)
        t->feeds = xcalloc(FEED_MEMO_SLOTS, sizeof(*t->feeds));
    h = bs_hash(ua, n);
    m = &t->feeds[h & (FEED_MEMO_SLOTS - 1)];
    if (m->n == n && m->hash == h && memcmp(m->ua, ua, n) == 0)
        return m;
    m->hash = h;
    m->n = (uint16_t)n;
    memcpy(m->ua, ua, n);
    feed_read(m, ua, n);
    return m;
}

uint32_t tally_feed(struct tally *t, struct dims *d, const struct logrec *rec,
                    const struct url_class *cls)
{
    struct dim_row r = {.day = rec->day, .dim = DIM_FEED,
                        .k = {slice_make(cls->key, cls->key_len),
                              SLICE_LIT(""), SLICE_LIT("")},
                        .n = 1};
    uint32_t id = dims_add(d, &r);
    const struct feed_memo *m;

    /* A reader that says how many it fetches for counts as that many
     * (the most it says that day); any other client as one. */
    if (rec->has_agent &&
        (m = feed_report_of(t, rec->agent.p, rec->agent.n))->reports) {
        r.dim = DIM_FEED_SUBS;
        r.k[1] = slice_make(m->report.reader, m->report.reader_n);
        if (m->feed_id[0])
            r.k[2] = slice_make(m->feed_id, 16);
        r.n = m->report.subscribers;
        dims_add(d, &r);
        return UINT32_MAX;
    }
    return id;
}

void tally_missing(struct tally *t, struct dims *d, const struct logrec *rec,
                   const struct url_class *cls, const struct ref_info *ref)
{
    const char *q = memchr(rec->target.p, '?', rec->target.n);
    size_t pn = q ? (size_t)(q - rec->target.p) : rec->target.n, n;
    struct slice key;

    if (pn == 0 || rec->target.p[0] != '/')
        return;
    if (cls && cls->kind == URL_POSTID) {
        key = slice_make(cls->key, cls->key_len);
    } else {
        n = url_decode_path(rec->target.p, pn, t->path, URL_KEY_MAX);
        if (n == SIZE_MAX || url_is_probe(t->path, n))
            return;
        key = slice_make(t->path, n);
    }
    add1(d, rec->day, DIM_MISSING, key,
         ref && ref->cls != REF_NONE ? slice_make(ref->host, ref->host_n)
                                     : SLICE_LIT(""),
         SLICE_LIT(""), 1);
}
