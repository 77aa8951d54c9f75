/*
 * ingest_count.c - what one log line adds, in two steps. Judging it
 * (ingest_judge()) parses it, gives it its site, leaves it out when it is
 * the owner's, tells robot or person, and classifies what it asked for:
 * a view (with its visitor, country, referrer and search terms), a feed's
 * fetch or a missing page. That depends on the line alone, so helper
 * threads can judge blocks of lines on other cores (ingest_pool.c).
 * Counting it (ingest_count_judged()) adds the judgement to the worker's
 * aggs and its source's counters, in the order of the lines, on the
 * worker's thread.
 */
#include "blogstat.h"
#include "agg.h"
#include "dims.h"
#include "geo.h"
#include "ingest_int.h"
#include "netrange.h"
#include "proxy.h"
#include "robots.h"
#include "tally.h"
#include "uagent.h"
#include "visitor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ingest_report_bad(struct worker *w, const char *name, uint64_t lineno,
                       enum parse_status st)
{
    struct run *run = w->run;
    char msg[1200];

    /* Once the first few are shown, the lock is not taken again. */
    if (run->sink->level < SINK_WARN || w->bad_silent)
        return;
    pthread_mutex_lock(&run->out_lock);
    if (run->bad_shown < MAX_BAD_SHOWN || run->sink->level >= SINK_INFO) {
        run->bad_shown++;
        snprintf(msg, sizeof(msg), "%s:%llu: bad line: %s", name,
                 (unsigned long long)lineno, parse_strerror(st));
        run->sink->message(run->sink->ctx, SINK_WARN, msg);
    } else {
        w->bad_silent = 1;
    }
    pthread_mutex_unlock(&run->out_lock);
}

/* ---- counting ----------------------------------------------------------- */

/* Where bad lines count: they name no host, so the default site, or the
 * site of opts->site. */
struct agg *ingest_bad_agg(struct worker *w)
{
    return w->agg[w->run->o->site > 0 ? w->run->o->site : 0];
}

/* The client of a line: the connection's address, or the one behind
 * the trusted proxies. */
static struct slice client_of(const struct conf *conf,
                              const struct logrec *rec)
{
    return conf->client_xff && rec->has_xff
               ? proxies_client(conf->proxies, rec->client, rec->xff)
               : rec->client;
}

/* The visitor of client and rec's User-Agent, keyed (visitor.h), before
 * its site's tag. */
static uint64_t client_visitor(const struct worker *w, struct slice client,
                               const struct logrec *rec)
{
    return visitor_id(w->run->key, client.p, client.n, rec->agent.p,
                      rec->agent.n);
}

/* The visitor of a line, told apart by site. */
static uint64_t visitor_of(const struct worker *w, size_t site,
                           const struct logrec *rec)
{
    return client_visitor(w, client_of(w->run->o->conf, rec), rec) ^
           w->run->site_tags[site];
}

/* ---- what a client tells ------------------------------------------------ */

/*
 * A reader's lines come from one address with one User-Agent, a score of
 * views and their pages' assets close together: what those two tell (a
 * robot or not, the country, the visitor's id) is kept for the clients
 * seen last, so that a reader's next view costs a hash and a compare
 * rather than the robot rules' cache, the address parsed and looked up,
 * and a SipHash. Direct-mapped: a client whose slot another took is
 * worked out again. A client and User-Agent over CLIENT_KEY_MAX bytes
 * is never kept.
 */
#define CLIENT_SLOTS 4096      /* a power of two */
#define CLIENT_KEY_MAX 320

enum { KNOWS_COUNTRY = 1, KNOWS_VISITOR = 2, KNOWS_FAMILY = 4 };

struct client_slot {
    uint64_t hash;
    uint16_t n;                /* 0: empty */
    uint16_t robot;
    uint8_t knows;             /* KNOWS_*: what is worked out so far */
    char cc[3];
    uint32_t family;           /* the User-Agent's, tally_family() */
    uint64_t visitor;          /* visitor_id(), without the site's tag */
    char key[CLIENT_KEY_MAX];  /* the client, a NUL, the User-Agent */
};

struct client_cache {
    uint64_t seed;
    struct client_slot slot[CLIENT_SLOTS];
};

struct client_cache *client_cache_new(void)
{
    struct client_cache *c = xcalloc(1, sizeof(*c));

    /* Not a secret: it only spreads the slots. */
    c->seed = (uint64_t)(uintptr_t)c;
    return c;
}

void client_cache_free(struct client_cache *c)
{
    free(c);
}

static uint64_t load8(const char *p)
{
    uint64_t v;

    memcpy(&v, p, 8);
    return v;
}

/* A User-Agent's slot part: its length and some of its bytes, mixed (the
 * slot's key is compared whole: this only spreads them, and a browser's
 * string of 150 bytes is not hashed whole on every line). */
static uint64_t agent_sample(const char *ua, size_t n)
{
    if (n < 32)
        return bs_hash(ua, n);
    return bs_fmix64((load8(ua + 8) ^ n) * 0x9e3779b185ebca87ULL +
                     load8(ua + n / 2) * 0xc2b2ae3d27d4eb4fULL +
                     load8(ua + n - 8) * 0x165667b19e3779f9ULL +
                     load8(ua + n - 16) * 0x85ebca77c2b2ae63ULL +
                     load8(ua + n - 24));
}

/* The slot of the line's client and User-Agent, filled with its robot
 * id, or NULL when they are too long to keep. */
static struct client_slot *client_slot(struct worker *w, struct slice client,
                                       const struct logrec *rec)
{
    struct client_cache *c = w->clients;
    size_t n = client.n + 1 + rec->agent.n;
    struct client_slot *e;
    uint64_t h;

    if (n > CLIENT_KEY_MAX)
        return NULL;
    h = bs_hash_seeded(client.p, client.n, c->seed) ^
        agent_sample(rec->agent.p, rec->agent.n);
    e = &c->slot[h & (CLIENT_SLOTS - 1)];
    if (e->hash == h && e->n == n && memcmp(e->key, client.p, client.n) == 0 &&
        e->key[client.n] == '\0' &&
        memcmp(e->key + client.n + 1, rec->agent.p, rec->agent.n) == 0)
        return e;
    e->hash = h;
    e->n = (uint16_t)n;
    memcpy(e->key, client.p, client.n);
    e->key[client.n] = '\0';
    memcpy(e->key + client.n + 1, rec->agent.p, rec->agent.n);
    e->robot = (uint16_t)robots_check(w->robots, rec->agent.p, rec->agent.n);
    e->knows = 0;
    return e;
}

/* A view's country, visitor and User-Agent's family, from the client's
 * slot e (NULL: none). */
static void client_view(struct worker *w, struct client_slot *e,
                        struct slice client, size_t site, struct judged *j)
{
    if (!e) {
        memcpy(j->cc, geo_country(w->geo, client.p, client.n), 3);
        j->visitor = client_visitor(w, client, &j->rec) ^
                     w->run->site_tags[site];
        j->family = tally_family(w->tally, &j->rec);
        return;
    }
    if (!(e->knows & KNOWS_COUNTRY)) {
        memcpy(e->cc, geo_country(w->geo, client.p, client.n), 3);
        e->knows |= KNOWS_COUNTRY;
    }
    if (!(e->knows & KNOWS_VISITOR)) {
        e->visitor = client_visitor(w, client, &j->rec);
        e->knows |= KNOWS_VISITOR;
    }
    if (!(e->knows & KNOWS_FAMILY)) {
        e->family = tally_family(w->tally, &j->rec);
        e->knows |= KNOWS_FAMILY;
    }
    j->family = e->family;
    memcpy(j->cc, e->cc, 3);
    j->visitor = e->visitor ^ w->run->site_tags[site];
}

/* The referrer of a view or a missing page, into j (none: REF_NONE). */
static void judge_referrer(struct worker *w, const struct url_rules *rules,
                           struct judged *j)
{
    const struct logrec *rec = &j->rec;

    j->ref = rec->has_agent
                 ? classify_referrer_cached(w->ref_cache, rules,
                                            rec->referer.p, rec->referer.n,
                                            &w->ref)
                 : REF_NONE;
    if (j->ref != REF_NONE) {
        j->host = slice_make(w->ref.host, w->ref.host_n);
        j->term = slice_make(w->ref.term, w->ref.term_n);
    }
}

void ingest_judge(struct worker *w, const struct reader_line *line,
                  struct judged *j)
{
    const struct conf *conf = w->run->o->conf;
    const struct logrec *rec = &j->rec;
    const struct url_rules *rules;
    struct client_slot *cs;
    struct slice client;
    enum url_kind kind;
    size_t site;

    j->fate = FATE_BAD;
    j->ref = REF_NONE;
    j->family = UA_FAMILY_NONE;
    j->st = line->overlong ? PARSE_TOOLONG
                           : parse_line(w->parser, line->p, line->n, &j->rec);
    if (j->st != PARSE_OK)
        return;
    j->k = w->run->o->site >= 0 ? w->run->o->site
           : conf->nsites > 1 && rec->has_host
               ? conf_site_of_host(conf, rec->host.p, rec->host.n)
               : 0;
    site = j->k > 0 ? (size_t)j->k : 0;
    client = client_of(conf, rec);
    /* The owner's own requests count nowhere, not even as hits. */
    if (conf->sites[site].exclude &&
        netrange_contains(conf->sites[site].exclude, client.p, client.n)) {
        j->fate = FATE_EXCLUDED;
        return;
    }
    j->fate = FATE_HIT;
    cs = rec->has_agent ? client_slot(w, client, rec) : NULL;
    j->robot = cs ? cs->robot
               : rec->has_agent
                   ? robots_check(w->robots, rec->agent.p, rec->agent.n)
                   : 0;
    /* Of robots' GETs only feed readers' count: as fetches of feeds. */
    if (!slice_eq(rec->method, "GET", 3) ||
        (j->robot && !tally_feed_reader(w->tally, j->robot)))
        return;
    rules = conf->sites[site].rules;
    if (rec->status == 200 || rec->status == 304) {
        kind = classify_url_cached(w->url_cache, rules, rec->target.p,
                                   rec->target.n, &w->cls);
        if (kind == URL_FEED) {
            j->fate = FATE_FEED;
        } else if (!j->robot && url_kind_is_content(kind)) {
            j->fate = FATE_VIEW;
            client_view(w, cs, client, site, j);
            judge_referrer(w, rules, j);
        } else {
            return;
        }
    } else if (rec->status == 404 && !j->robot &&
               url_kind_is_content(classify_url_cached(w->url_cache, rules,
                                                       rec->target.p,
                                                       rec->target.n,
                                                       &w->cls))) {
        j->fate = FATE_MISSING;
        judge_referrer(w, rules, j);
    } else {
        return;
    }
    j->kind = w->cls.kind;
    j->key = slice_make(w->cls.key, w->cls.key_len);
}

/* The worker's class and referrer as j tells them (a helper's judgement
 * holds copies of its own), for the dimensions that take them whole. */
static void restore(struct worker *w, const struct judged *j)
{
    if (j->key.p != w->cls.key) {
        w->cls.kind = j->kind;
        w->cls.key_len = j->key.n;
        memcpy(w->cls.key, j->key.p, j->key.n);
        w->cls.key[j->key.n] = '\0';
    }
    w->ref.cls = j->ref;
    if (j->ref != REF_NONE && j->host.p != w->ref.host) {
        w->ref.host_n = j->host.n;
        memcpy(w->ref.host, j->host.p, j->host.n);
        w->ref.host[j->host.n] = '\0';
        w->ref.term_n = j->term.n;
        memcpy(w->ref.term, j->term.p, j->term.n);
        w->ref.term[j->term.n] = '\0';
    }
}

/* A view: its visitor, referrer and search terms. */
static void count_view(struct worker *w, struct agg *agg,
                       const struct judged *j)
{
    const struct logrec *rec = &j->rec;
    /* The key is looked up once; the audience goes by its id. */
    uint32_t key = agg_view(agg, rec->day, j->kind, j->key.p, j->key.n,
                            j->cc);

    agg_visitor_key(agg, rec->day, rec->sec, j->visitor, key, j->cc);
    tally_view_family(w->tally, agg_dims(agg), rec, j->visitor, j->family);
    if (j->ref != REF_NONE) {
        agg_referrer_key(agg, rec->day, key, ref_class_name(j->ref),
                         j->host.p, j->host.n);
        if (j->term.n)
            agg_search_term(agg, rec->day, j->term.p, j->term.n);
    }
    w->views++;
}

void ingest_count_judged(struct worker *w, struct store_source *src,
                         const char *name, uint64_t lineno,
                         const struct judged *j)
{
    const struct logrec *rec = &j->rec;
    size_t site;
    struct agg *agg;

    src->lines++;
    w->lines++;
    if (j->fate == FATE_BAD) {
        src->bad_lines++;
        w->bad++;
        ingest_report_bad(w, name, lineno, j->st);
        /* Bad lines have no date: file them under the last good day. */
        if (src->has_last_day)
            agg_bad(ingest_bad_agg(w), src->last_day, 1);
        else
            src->pending_bad++;
        return;
    }
    site = j->k > 0 ? (size_t)j->k : 0;
    agg = w->agg[site];
    newest_add(&w->newest[site],
               (int64_t)rec->day * 86400 + rec->sec -
                   (int64_t)rec->tz_min * 60,
               rec->tz_min);
    if (j->k < 0 && w->stray++ == 0) {
        /* Kept to say so at the end: a typo in hosts = would otherwise
         * quietly give the default site another's lines. */
        snprintf(w->stray_host, sizeof(w->stray_host), "%.*s",
                 (int)(rec->host.n < 63 ? rec->host.n : 63), rec->host.p);
    }
    if (!src->has_days || rec->day < src->first_day)
        src->first_day = rec->day;
    if (!src->has_days || rec->day > src->max_day)
        src->max_day = rec->day;
    src->has_days = 1;
    if (src->pending_bad) {
        agg_bad(ingest_bad_agg(w), rec->day, src->pending_bad);
        src->pending_bad = 0;
    }
    src->last_day = rec->day;
    src->has_last_day = 1;
    if (j->fate == FATE_EXCLUDED) {
        w->excluded++;
        return;
    }
    src->hits++;
    w->hits++;
    agg_hit(agg, rec->day, j->robot != 0);
    if (j->robot)
        tally_robot(w->tally, agg_dims(agg), rec->day, j->robot);
    if (j->fate == FATE_VIEW) {
        count_view(w, agg, j);
    } else if (j->fate == FATE_FEED) {
        uint32_t id;

        restore(w, j);
        id = tally_feed(w->tally, agg_dims(agg), rec, &w->cls);
        /* The fetcher's id only when it is one client among others. */
        if (id != UINT32_MAX)
            dims_visitor(agg_dims(agg), id, visitor_of(w, site, rec));
    } else if (j->fate == FATE_MISSING) {
        restore(w, j);
        tally_missing(w->tally, agg_dims(agg), rec, &w->cls,
                      j->ref != REF_NONE ? &w->ref : NULL);
    }
}

void ingest_count_line(struct worker *w, struct store_source *src,
                       const char *name, const struct reader_line *line)
{
    struct judged j;

    ingest_judge(w, line, &j);
    ingest_count_judged(w, src, name, line->lineno, &j);
}
