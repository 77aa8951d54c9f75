/*
 * ingest_count.c - what one log line adds: parsed, given its site, left
 * out when it is the owner's, told robot or person, and counted as a hit,
 * a view (its visitor, country, referrer and search terms), a feed's
 * fetch or a missing page, into the worker's aggs and its source's
 * counters.
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
#include "visitor.h"

#include <stdio.h>
#include <string.h>

void ingest_report_bad(struct worker *w, const char *name, uint64_t lineno,
                       enum parse_status st)
{
    struct run *run = w->run;
    char msg[1200];

    /* Once the first few are shown, the lock is not taken again. */
    if (run->sink->level < SINK_WARN || w->bad_silent)
        return;
    if (w->block_mode) {
        /* Told in the order of the lines when the blocks are put back
         * together: a block keeps no more than could be shown. */
        if (w->nnotes >= MAX_BAD_SHOWN && run->sink->level < SINK_INFO)
            return;
        if (w->nnotes == w->capnotes) {
            w->capnotes = w->capnotes ? w->capnotes * 2 : 16;
            w->notes = xrealloc(w->notes, w->capnotes * sizeof(*w->notes));
        }
        w->notes[w->nnotes++] = (struct bad_note){lineno, st};
        return;
    }
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

/* The visitor of a line: its client and User-Agent, keyed (visitor.h),
 * told apart by site. */
static uint64_t visitor_of(const struct worker *w, size_t site,
                           const struct logrec *rec)
{
    struct slice client = client_of(w->run->o->conf, rec);

    return visitor_id(w->run->key, client.p, client.n, rec->agent.p,
                      rec->agent.n) ^
           w->run->site_tags[site];
}

/* A good line's view: its visitor, referrer and search terms. */
static void count_view(struct worker *w, struct agg *agg, size_t site,
                       const struct logrec *rec)
{
    const struct conf *conf = w->run->o->conf;
    const struct url_rules *rules = conf->sites[site].rules;
    struct slice client = client_of(conf, rec);
    const char *cc = geo_country(w->geo, client.p, client.n);
    uint64_t id = visitor_of(w, site, rec);
    /* The key is looked up once; the audience goes by its id. */
    uint32_t key = agg_view(agg, rec->day, w->cls.kind, w->cls.key,
                            w->cls.key_len, cc);

    agg_visitor_key(agg, rec->day, rec->sec, id, key, cc);
    tally_view(w->tally, agg_dims(agg), rec, id);
    if (rec->has_agent &&
        classify_referrer(rules, rec->referer.p, rec->referer.n, &w->ref) !=
            REF_NONE) {
        agg_referrer_key(agg, rec->day, key, ref_class_name(w->ref.cls),
                         w->ref.host, w->ref.host_n);
        if (w->ref.term_n)
            agg_search_term(agg, rec->day, w->ref.term, w->ref.term_n);
    }
    w->views++;
}

/* A GET that parsed and was not left out: a view, a feed's fetch or a
 * missing page. */
static void count_get(struct worker *w, struct agg *agg, size_t site,
                      const struct logrec *rec, int robot)
{
    const struct url_rules *rules = w->run->o->conf->sites[site].rules;
    enum url_kind kind;

    if (rec->status == 200 || rec->status == 304) {
        kind = classify_url_cached(w->url_cache, rules, rec->target.p,
                                   rec->target.n, &w->cls);
        if (kind == URL_FEED) {
            uint32_t id = tally_feed(w->tally, agg_dims(agg), rec, &w->cls);

            if (id != UINT32_MAX)
                dims_visitor(agg_dims(agg), id, visitor_of(w, site, rec));
        }
        else if (!robot && url_kind_is_content(kind))
            count_view(w, agg, site, rec);
    } else if (rec->status == 404 && !robot &&
               url_kind_is_content(classify_url_cached(w->url_cache, rules,
                                                       rec->target.p,
                                                       rec->target.n,
                                                       &w->cls))) {
        tally_missing(w->tally, agg_dims(agg), rec, &w->cls,
                      rec->has_agent &&
                              classify_referrer(rules, rec->referer.p,
                                                rec->referer.n, &w->ref) !=
                                  REF_NONE
                          ? &w->ref
                          : NULL);
    }
}

void ingest_count_line(struct worker *w, struct store_source *src,
                       const char *name, const struct reader_line *line)
{
    const struct conf *conf = w->run->o->conf;
    struct logrec rec;
    enum parse_status st;
    int k, robot, reader;
    size_t site;
    struct agg *agg;

    src->lines++;
    w->lines++;
    st = line->overlong ? PARSE_TOOLONG
                        : parse_line(w->parser, line->p, line->n, &rec);
    if (st != PARSE_OK) {
        src->bad_lines++;
        w->bad++;
        ingest_report_bad(w, name, line->lineno, st);
        /* Bad lines have no date: file them under the last good day. */
        if (src->has_last_day)
            agg_bad(ingest_bad_agg(w), src->last_day, 1);
        else
            src->pending_bad++;
        return;
    }
    k = w->run->o->site >= 0 ? w->run->o->site
        : conf->nsites > 1 && rec.has_host
            ? conf_site_of_host(conf, rec.host.p, rec.host.n)
            : 0;
    site = k > 0 ? (size_t)k : 0;
    agg = w->agg[site];
    newest_add(&w->newest[site],
               (int64_t)rec.day * 86400 + rec.sec - (int64_t)rec.tz_min * 60,
               rec.tz_min);
    if (k < 0 && w->stray++ == 0) {
        /* Kept to say so at the end: a typo in hosts = would otherwise
         * quietly give the default site another's lines. */
        snprintf(w->stray_host, sizeof(w->stray_host), "%.*s",
                 (int)(rec.host.n < 63 ? rec.host.n : 63), rec.host.p);
    }
    if (!src->has_days || rec.day < src->first_day)
        src->first_day = rec.day;
    if (!src->has_days || rec.day > src->max_day)
        src->max_day = rec.day;
    src->has_days = 1;
    if (w->block_mode) {
        /* A block's first bad lines are filed when it is put back in
         * order (pool_sync()): under the last good day before it. */
        if (!src->has_last_day) {
            w->has_first_good = 1;
            w->first_good_day = rec.day;
        }
    } else if (src->pending_bad) {
        agg_bad(ingest_bad_agg(w), rec.day, src->pending_bad);
        src->pending_bad = 0;
    }
    src->last_day = rec.day;
    src->has_last_day = 1;
    /* The owner's own requests count nowhere, not even as hits. */
    if (conf->sites[site].exclude) {
        struct slice client = client_of(conf, &rec);

        if (netrange_contains(conf->sites[site].exclude, client.p,
                              client.n)) {
            w->excluded++;
            return;
        }
    }
    src->hits++;
    w->hits++;
    robot = rec.has_agent ? robots_check(w->robots, rec.agent.p, rec.agent.n)
                          : 0;
    agg_hit(agg, rec.day, robot != 0);
    reader = robot && tally_robot(w->tally, agg_dims(agg), rec.day, robot);
    /* Of robots' GETs only feed readers' count: as fetches of feeds. */
    if (slice_eq(rec.method, "GET", 3) && (!robot || reader))
        count_get(w, agg, site, &rec, robot);
}
