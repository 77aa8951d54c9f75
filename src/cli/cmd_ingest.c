/*
 * cmd_ingest.c - `blogstat ingest`: the pipeline, wired.
 *
 * reader -> parser -> robots/classify -> geo -> agg, and every chunk of
 * lines agg -> store in one transaction. Per line: no allocation, no
 * stdio, one hash lookup for the User-Agent and one for the address.
 *
 * Exactly once: a log is known by the fingerprint of its first line, not
 * its name; how far it was read is committed with the counts of the lines
 * before that point, so a rotated, renamed, compressed, grown or
 * interrupted log is read on from where it stopped, never twice.
 */
#include "blogstat.h"
#include "agg.h"
#include "classify.h"
#include "cli.h"
#include "geo.h"
#include "parser.h"
#include "proxy.h"
#include "reader.h"
#include "robots.h"
#include "store.h"
#include "table.h"
#include "visitor.h"
#include "visits.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Lines between two commits: big transactions, bounded memory. The
 * store's work per chunk follows the days and pages in it more than its
 * lines, so smaller chunks cost little more in all, and all but the last
 * are written while the next is counted (flush_start()). */
#define CHUNK_LINES (1u << 18)
/* A line's check reads back at most this much of a plain file. */
#define CHECK_MAX (READER_MAX_LINE + 2)
/* Bad lines reported one by one before only counting them (-v: all). */
#define MAX_BAD_SHOWN 10

#define COUNTRY_NAMES_FILE "/usr/share/iso-codes/json/iso_3166-1.json"

static const char ingest_usage[] =
    "usage: blogstat ingest [OPTIONS] FILE...\n"
    "\n"
    "Read access logs (gzip or plain, '-' for standard input) and add what\n"
    "they count to the database.\n"
    "\n"
    "  --format FORMAT  log format: auto (default: chosen per file from its\n"
    "                   first lines), common, combined, vhost_combined,\n"
    "                   nginx, nginx_main, caddy, json, or an Apache\n"
    "                   LogFormat or nginx log_format string\n"
    "  --site NAME      every line is site NAME's ([site NAME] in the\n"
    "                   config), whatever host it names: for a site's own\n"
    "                   log (default: by each line's host)\n"
    "  --max-bad N[%]   exit 65 when more lines than this are bad:\n"
    "                   a count, or a percentage of the lines (default 1%)\n"
    "  --geoip PATH     MaxMind DB file for countries\n"
    "  --wait           wait for another ingest of the same database to end\n"
    "                   (without it: exit 75 at once)\n"
    "  --commit-every N lines per transaction (default 262144)\n"
    "  -j, --jobs N     read N files at once (default: one per core)\n"
    "  --max-bytes SIZE stop reading a file after SIZE bytes (K, M, G):\n"
    "                   for endless inputs such as a device\n"
    "  -q, --quiet      only errors\n"
    "  -v, --verbose    report every bad line and what is done with each file\n"
    "\n"
    "A log is known by its first line, not its name: giving the same files\n"
    "again, or yesterday's file under its rotated or compressed name, counts\n"
    "nothing twice; a file that grew is read on from where it stopped, and a\n"
    "last line still being written is left for the next run.\n";

/* The salt of an open day, in memory for the run. */
struct salt {
    int32_t day;
    unsigned char salt[VISITOR_KEY_BYTES];
};

/* What the workers of one run share; mu guards all of it but conf. */
struct run {
    struct conf *conf;
    const char *format;        /* --format, [log] format or "auto" */
    int detect;                /* "auto": each file's own, from its lines */
    struct log_json_map jmap;  /* the config's, for popt */
    struct parse_options popt;
    struct store *store;       /* one connection, used under mu */
    const char *geoip;         /* the database each worker opens, or NULL */
    int progress;              /* show progress on the terminal */
    uint64_t commit_every;
    uint64_t max_bytes;        /* per file, 0: no limit */
    uint64_t bad_shown;
    struct timespec t0;
    pthread_mutex_t mu;
    pthread_cond_t cv;         /* a fingerprint stopped being busy */
    char (*busy)[40];          /* fingerprints being read by a worker */
    int nbusy;
    char **files;
    int nfiles, next;          /* the next file to take */
    /* the audience: the secret key of visitor ids, the open days' salts
     * and their visitors' visits (used under mu, in flush) */
    unsigned char key[VISITOR_KEY_BYTES];
    struct salt *salts;
    size_t nsalts;
    struct visits *visits;
    int64_t now;               /* Unix seconds: when open days were read */
    /* the config's sites: their database ids, and what a visitor's id is
     * mixed with on each (a reader of two sites is a visitor of each) */
    int64_t site_ids[CONF_SITES_MAX];
    int site;                  /* --site: every line is its, -1: by host */
    uint64_t site_tags[CONF_SITES_MAX];
    int *status;               /* per file */
    /* the whole run */
    uint64_t lines, bad, hits, views, files_read;
    /* with sites: hits of a host no site declares, and the first one */
    uint64_t stray;
    char stray_host[64];
};

/* One worker: its own parser, caches and counts, reading one file at a
 * time (with -j N, N of them at once). */
/* A line read ahead of counting it, to choose the format. */
struct held {
    uint64_t start, end, lineno;
    size_t off, n;
    int overlong;
};

/* The first lines of a file, held while its format is chosen. */
struct sample {
    char *buf;
    size_t len, cap;
    struct held l[PARSE_DETECT_LINES];
    size_t n, next;
    int rc;        /* what the reader said after them: 1 more to come */
};

struct ingest {
    struct run *run;
    struct geo *geo;
    struct robots *robots;
    struct parser *parser;     /* the current file's */
    struct sample sample;
    size_t nsites;             /* the config's */
    struct agg **agg;          /* the chunk being counted, an agg a site */
    /* The chunk before it, being added to the database on a thread of its
     * own while this one is counted (flush_start()); spare is its aggs,
     * empty once written, for the chunk after. */
    struct agg **spare;
    struct {
        pthread_t th;
        int active, rc;
        struct store_source src;   /* the position it commits */
        struct bs_err err;
    } bg;
    int bad_silent;            /* the bad lines to show are all shown */
    struct url_class cls;
    struct ref_info ref;
    uint64_t lines, bad, hits, views, files;
    uint64_t stray;            /* as run's */
    char stray_host[64];
};

struct flush_ctx {
    struct ingest *in;
    struct agg *agg;           /* the chunk's counts of one site */
    int64_t site;              /* its database id */
    struct bs_err *err;
    struct cntmap *path_ids;   /* agg key id -> store path id + 1 */
    struct cntmap *deltas;     /* (day, path id) -> visits delta */
    struct cntmap *days;       /* days with a view in the chunk -> 1 */
    /* the path rows asked for by sketches, events and referrers: row
     * name -> index into rows (the id, and the kind last written) */
    struct strtab *row_names;
    struct path_row {
        int64_t id;
        const char *kind;
    } *rows;
    size_t nrows, caprows;
};

_Static_assert(VISITS_MAX <= STORE_OPEN_VISITS_MAX,
               "the store keeps every open visit of a visitor");

static int put_day(void *ctx, const struct agg_day *d)
{
    struct flush_ctx *f = ctx;

    return store_add_day(f->in->run->store, f->site, d->day, d->hits, d->views,
                         d->robots, d->bad, f->err);
}

static int put_path(void *ctx, int32_t day, enum url_kind kind,
                    const char *key, size_t n, uint64_t views)
{
    struct flush_ctx *f = ctx;

    return store_add_path_views(f->in->run->store, f->site, day,
                                url_kind_name(kind), key, n, views, f->err);
}

static int put_term(void *ctx, int32_t day, enum url_kind kind,
                    const char *name, size_t n, uint64_t views)
{
    struct flush_ctx *f = ctx;

    return store_add_term_views(f->in->run->store, f->site, day,
                                url_kind_name(kind), name, n, views, f->err);
}

static int put_post_country(void *ctx, int32_t day, enum url_kind kind,
                            const char *key, size_t n, const char *country,
                            uint64_t views)
{
    struct flush_ctx *f = ctx;

    return store_add_post_country_views(f->in->run->store, f->site, day,
                                        url_kind_name(kind), key, n, country,
                                        views, f->err);
}

static int put_country(void *ctx, int32_t day, const char *country,
                       uint64_t views)
{
    struct flush_ctx *f = ctx;

    return store_add_country_views(f->in->run->store, f->site, day, country,
                                   views, f->err);
}

/*
 * store_path_id(), asked once per path row and kind in a flush: the row's
 * id does not change, and its kind is the one of the last call, so a call
 * is only left out when the last one (through here: the calls before these
 * are all made) wrote the same kind. The database ends the same.
 */
static int path_id(struct flush_ctx *f, enum url_kind kind, const char *key,
                   size_t n, int64_t *id)
{
    const char *kn = url_kind_name(kind);
    char name[URL_KEY_MAX + 32];
    size_t nn = 0;
    uint32_t i;
    int added;

    if (n > URL_KEY_MAX)
        BUG("path key of %zu bytes", n);
    /* The row's name as store_path_id() makes it. */
    if (kind == URL_TAG || kind == URL_CATEGORY) {
        nn = strlen(kn);
        memcpy(name, kn, nn);
        name[nn++] = ':';
    }
    memcpy(name + nn, key, n);
    nn += n;
    i = strtab_intern(f->row_names, name, nn, &added);
    if (added) {
        if (f->nrows == f->caprows) {
            f->caprows = f->caprows ? 2 * f->caprows : 256;
            f->rows = xrealloc(f->rows, f->caprows * sizeof(*f->rows));
        }
        f->nrows++;
        f->rows[i].kind = NULL;
    }
    if (f->rows[i].kind && strcmp(f->rows[i].kind, kn) == 0) {
        *id = f->rows[i].id;
        return 0;
    }
    if (store_path_id(f->in->run->store, f->site, kn, key, n, id, f->err))
        return -1;
    f->rows[i].id = *id;
    f->rows[i].kind = kn;
    return 0;
}

static int put_sketch(void *ctx, int32_t day, enum agg_sketch dim,
                      enum url_kind kind, const char *key, size_t n,
                      const char *country, const void *blob, size_t bn)
{
    struct flush_ctx *f = ctx;
    struct store *st = f->in->run->store;
    int64_t id = 0;

    if (dim == AGG_SKETCH_PATH && path_id(f, kind, key, n, &id))
        return -1;
    return store_add_sketch(st, f->site,
                            dim == AGG_SKETCH_DAY    ? STORE_SKETCH_DAY
                            : dim == AGG_SKETCH_PATH ? STORE_SKETCH_PATH
                                                     : STORE_SKETCH_COUNTRY,
                            day, id, country, blob, bn, f->err);
}

static int put_referrer(void *ctx, int32_t day, enum url_kind kind,
                        const char *key, size_t n, const char *cls,
                        const char *host, size_t host_n, uint64_t views)
{
    struct flush_ctx *f = ctx;
    int64_t id;

    return path_id(f, kind, key, n, &id) ||
           store_add_referrer(f->in->run->store, f->site, day, id, host,
                              host_n, cls, views, f->err);
}

static int put_term_search(void *ctx, int32_t day, const char *term,
                           size_t n, uint64_t views)
{
    struct flush_ctx *f = ctx;

    return store_add_search_term(f->in->run->store, f->site, day, term, n,
                                 views, f->err);
}

/* Loading a day's open visits: rows come by visitor, then start. */
struct load_ctx {
    struct visits *v;
    int32_t day;
    int64_t visitor;
    struct visit iv[VISITS_MAX];
    size_t n;
};

static void load_flush(struct load_ctx *l)
{
    if (l->n)
        visits_load(l->v, l->day, (uint64_t)l->visitor, l->iv, l->n);
    l->n = 0;
}

static int load_visit(void *ctx, int64_t visitor, const struct store_visit *sv)
{
    struct load_ctx *l = ctx;

    if (l->n && visitor != l->visitor)
        load_flush(l);
    l->visitor = visitor;
    if (l->n < VISITS_MAX) {
        l->iv[l->n].start = sv->start;
        l->iv[l->n].end = sv->end;
        l->iv[l->n].landing = sv->landing;
        l->n++;
    }
    return 0;
}

/*
 * The salt of day, and its visitors' open visits loaded: from memory,
 * else from the store, else a new salt (a day never seen, or closed).
 */
static const unsigned char *day_salt(struct run *run, int32_t day,
                                     struct bs_err *err)
{
    struct salt *s;
    int found;

    for (size_t i = 0; i < run->nsalts; i++)
        if (run->salts[i].day == day)
            return run->salts[i].salt;
    run->salts = xrealloc(run->salts, (run->nsalts + 1) * sizeof(*s));
    s = &run->salts[run->nsalts];
    s->day = day;
    found = store_salt_get(run->store, day, s->salt, sizeof(s->salt), err);
    if (found < 0)
        return NULL;
    if (found) {
        struct load_ctx *l = xcalloc(1, sizeof(*l));
        int rc;

        l->v = run->visits;
        l->day = day;
        rc = store_open_visits_load(run->store, day, load_visit, l, err);
        load_flush(l);
        free(l);
        if (rc)
            return NULL;
    } else {
        visitor_key_new(s->salt);
        if (store_salt_put(run->store, day, s->salt, sizeof(s->salt),
                           run->now, err))
            return NULL;
    }
    run->nsalts++;
    return s->salt;
}

static void visit_delta(void *ctx, int32_t day, int64_t page, int d)
{
    struct flush_ctx *f = ctx;

    /* Signed deltas kept in unsigned counters: the sum wraps back. */
    cntmap_add(f->deltas, (uint64_t)(uint32_t)day << 32 | (uint64_t)page,
               (uint64_t)(int64_t)d);
}

static int put_event(void *ctx, const struct agg_event *e,
                     enum url_kind kind, const char *key, size_t n)
{
    struct flush_ctx *f = ctx;
    struct run *run = f->in->run;
    const unsigned char *salt = day_salt(run, e->day, f->err);
    uint64_t known = cntmap_get(f->path_ids, e->key);
    int64_t page;

    if (!salt)
        return -1;
    if (known) {
        page = (int64_t)known - 1;
    } else {
        if (path_id(f, kind, key, n, &page))
            return -1;
        cntmap_add(f->path_ids, e->key, (uint64_t)page + 1);
    }
    if (page >= 1 << 30)
        BUG("path id %lld", (long long)page);
    cntmap_add(f->days, (uint64_t)(uint32_t)e->day, 1);
    visits_view(run->visits, e->day, visitor_day_id(salt, e->visitor),
                e->sec, page, visit_delta, f);
    return 0;
}

static int put_open_visits(void *ctx, int32_t day, uint64_t visitor,
                           const struct visit *iv, size_t n)
{
    struct flush_ctx *f = ctx;
    struct store_visit sv[VISITS_MAX];

    for (size_t i = 0; i < n; i++) {
        sv[i].start = iv[i].start;
        sv[i].end = iv[i].end;
        sv[i].landing = iv[i].landing;
    }
    return store_open_visits_put(f->in->run->store, day, (int64_t)visitor,
                                 sv, n, f->err);
}

/* The visits of a site's chunk: each view event through the visitors'
 * open visits, the deltas of the counts summed, then written. */
static int put_visits(struct flush_ctx *f)
{
    size_t pos = 0;
    uint64_t k, v;

    if (agg_each_event(f->agg, put_event, f))
        return -1;
    while (cntmap_next(f->deltas, &pos, &k, &v)) {
        if (v != 0 &&
            store_add_visits(f->in->run->store, f->site,
                             (int32_t)(uint32_t)(k >> 32),
                             (int64_t)(k & 0xffffffffu), (int64_t)v, f->err))
            return -1;
    }
    return 0;
}

/* After every site's events: the open visits they changed, and the days
 * read, which stay open two days more. */
static int put_open(struct flush_ctx *f)
{
    size_t pos = 0;
    uint64_t k, v;

    if (visits_each_dirty(f->in->run->visits, put_open_visits, f))
        return -1;
    while (cntmap_next(f->days, &pos, &k, &v))
        if (store_salt_touch(f->in->run->store, (int32_t)(uint32_t)k,
                             f->in->run->now, f->err))
            return -1;
    return 0;
}

/* The counts of one site's chunk, in the open transaction. */
static int flush_site(struct ingest *in, struct agg *agg, int64_t site,
                      struct cntmap *days, struct bs_err *err)
{
    struct flush_ctx f = {.in = in, .agg = agg, .site = site, .err = err,
                          .path_ids = cntmap_new(), .deltas = cntmap_new(),
                          .days = days, .row_names = strtab_new()};
    int rc = 0;

    if (agg_each_day(agg, put_day, &f) || agg_each_path(agg, put_path, &f) ||
        agg_each_term(agg, put_term, &f) ||
        agg_each_country(agg, put_country, &f) ||
        agg_each_post_country(agg, put_post_country, &f) ||
        agg_each_sketch(agg, put_sketch, &f) || put_visits(&f) ||
        agg_each_referrer(agg, put_referrer, &f) ||
        agg_each_search_term(agg, put_term_search, &f))
        rc = -1;
    cntmap_free(f.path_ids);
    cntmap_free(f.deltas);
    strtab_free(f.row_names);
    free(f.rows);
    return rc;
}

static int in_chunk(void *ctx, int32_t day)
{
    return cntmap_get(ctx, (uint64_t)(uint32_t)day) != 0;
}

/*
 * After a flush: what it wrote is clean, and the days the chunk did not
 * touch leave memory (a later view of one loads it again), so that memory
 * follows the days in flight, not the length of the logs. After a failed
 * flush nothing in memory can be trusted: it all goes, and the next
 * chunk loads what the database holds.
 */
static void settle_visits(struct run *run, struct cntmap *keep, int ok)
{
    size_t o = 0;

    if (ok) {
        visits_clean(run->visits);
    } else {
        cntmap_clear(keep);
    }
    visits_retain(run->visits, in_chunk, keep);
    for (size_t i = 0; i < run->nsalts; i++)
        if (in_chunk(keep, run->salts[i].day))
            run->salts[o++] = run->salts[i];
    run->nsalts = o;
}

static void clear_aggs(struct ingest *in, struct agg **aggs)
{
    for (size_t i = 0; i < in->nsites; i++)
        agg_clear(aggs[i]);
}

/*
 * Add the counts of the chunk (of every site) and the source's new
 * position to the database in one transaction, then start a new chunk.
 */
static int flush(struct ingest *in, struct agg **aggs,
                 struct store_source *src, struct bs_err *err)
{
    struct flush_ctx f = {.in = in, .err = err, .days = cntmap_new()};
    struct store *store = in->run->store;
    int rc = 0;

    pthread_mutex_lock(&in->run->mu);
    if (store_begin(store, err)) {
        rc = -1;
    } else {
        for (size_t i = 0; i < in->nsites && rc == 0; i++)
            if (!agg_empty(aggs[i]) &&
                flush_site(in, aggs[i], in->run->site_ids[i], f.days, err))
                rc = -1;
        if (rc || put_open(&f) || store_put_source(store, src, err) ||
            store_commit(store, err)) {
            store_rollback(store);
            rc = -1;
        }
    }
    settle_visits(in->run, f.days, rc == 0);
    pthread_mutex_unlock(&in->run->mu);
    cntmap_free(f.days);
    if (rc == 0)
        clear_aggs(in, aggs);
    return rc;
}

static void *flush_main(void *arg)
{
    struct ingest *in = arg;

    in->bg.rc = flush(in, in->spare, &in->bg.src, &in->bg.err);
    return NULL;
}

/* Wait for the chunk being written; -1 with err when it failed (its
 * counts are dropped, the database is at the commit before it). src, the
 * source being read, learns its row's id from the first commit. */
static int flush_wait(struct ingest *in, struct store_source *src,
                      struct bs_err *err)
{
    if (!in->bg.active)
        return 0;
    pthread_join(in->bg.th, NULL);
    in->bg.active = 0;
    if (in->bg.rc == 0) {
        src->id = in->bg.src.id;
        return 0;
    }
    clear_aggs(in, in->spare);
    *err = in->bg.err;
    return -1;
}

/*
 * Add the chunk counted so far, with src's position, to the database on a
 * thread while the next chunk is counted into the spare agg: the store's
 * work (a fifth of an ingest) runs on the second core. Chunks are
 * committed one at a time and in order, each with its own position, so
 * a run killed at any moment resumes as before.
 */
static int flush_start(struct ingest *in, struct store_source *src,
                       struct bs_err *err)
{
    struct agg **full = in->agg;

    if (flush_wait(in, src, err))
        return -1;
    in->agg = in->spare;
    in->spare = full;
    in->bg.src = *src;
    memset(&in->bg.err, 0, sizeof(in->bg.err));
    if (pthread_create(&in->bg.th, NULL, flush_main, in) == 0) {
        in->bg.active = 1;
        return 0;
    }
    /* No thread to be had: write it here. */
    if (flush(in, in->spare, src, err)) {
        clear_aggs(in, in->spare);
        return -1;
    }
    return 0;
}

static double elapsed(const struct timespec *t0)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) +
           (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void show_progress(struct ingest *in, const struct reader *r,
                          uint64_t lines, int index, int count, int done)
{
    struct run *run = in->run;
    double secs = elapsed(&run->t0);
    uint64_t size = reader_file_size(r), got = reader_bytes_read(r);
    double rate = secs > 0 ? (double)lines / secs : 0;

    pthread_mutex_lock(&run->mu);
    fprintf(stderr, "\r\033[K[%d/%d] %s: %.1f MB", index, count,
            reader_name(r), (double)got / 1e6);
    if (size > 0)
        fprintf(stderr, " of %.1f MB (%.0f%%)", (double)size / 1e6,
                100.0 * (double)got / (double)size);
    fprintf(stderr, ", %llu lines, %.0fk lines/s",
            (unsigned long long)lines, rate / 1000);
    if (size > got && got > 0 && !done)
        fprintf(stderr, ", %.0f s left",
                secs * (double)(size - got) / (double)got);
    if (done)
        fputc('\n', stderr);
    fflush(stderr);
    pthread_mutex_unlock(&run->mu);
}

static void report_bad(struct ingest *in, const char *name, uint64_t lineno,
                       enum parse_status st)
{
    struct run *run = in->run;

    /* Once the first few are shown, the lock is not taken again: it may be
     * held for a whole chunk's commit (flush_start()). */
    if (cli.quiet || in->bad_silent)
        return;
    pthread_mutex_lock(&run->mu);
    if (run->bad_shown < MAX_BAD_SHOWN || cli.verbose) {
        run->bad_shown++;
        if (run->progress)
            fputs("\r\033[K", stderr);
        fprintf(stderr, "blogstat: %s:%llu: bad line: %s\n", name,
                (unsigned long long)lineno, parse_strerror(st));
    } else {
        in->bad_silent = 1;
    }
    pthread_mutex_unlock(&run->mu);
}

/* The fingerprint of a log: two independent 64-bit hashes of its first
 * line, in hex. */
static void fingerprint(const struct reader_line *l, char out[40])
{
    const char *p = l->p ? l->p : "";
    size_t n = l->p ? l->n : 0;

    snprintf(out, 40, "%016llx%016llx",
             (unsigned long long)bs_hash_seeded(p, n, 1),
             (unsigned long long)bs_hash_seeded(p, n, 2));
}

/* The check of the line that ends a read: a hash of it as the reader
 * returns it (no newline, no "\r", no leading NULs). */
static void line_check(const char *p, size_t n, char out[40])
{
    snprintf(out, 40, "%016llx",
             (unsigned long long)bs_hash_seeded(p ? p : "", p ? n : 0, 3));
}

/* The same check over raw bytes read back from a file. */
static void raw_check(const char *p, size_t n, char out[40])
{
    if (n > 0 && p[n - 1] == '\n')
        n--;
    if (n > 0 && p[n - 1] == '\r')
        n--;
    while (n > 0 && *p == '\0') {
        p++;
        n--;
    }
    line_check(p, n, out);
}

enum resume { RESUME_NEW, RESUME_AT, RESUME_NOTHING, RESUME_CONFLICT };

/*
 * Put the reader where the source stopped, checking that the content
 * there is what was read: a plain file seeks after reading the last line
 * back; a stream (gzip, stdin) reads up to there. RESUME_NOTHING: the
 * input is a prefix of what was read (a half-written copy); -1: an error.
 */
static int resume(struct reader *r, const struct store_source *src,
                  struct reader_line *line, struct bs_err *err)
{
    char check[40];
    uint64_t before;
    int rc;

    if (src->position == 0)
        return RESUME_AT;
    if (reader_can_seek(r)) {
        char *buf;
        long got;

        if (reader_file_size(r) < src->position)
            return RESUME_NOTHING;
        if (src->last_len > CHECK_MAX || src->last_len > src->position) {
            /* An overlong last line: its end is all there is to check. */
            char c;

            got = reader_pread(r, src->position - 1, &c, 1, err);
            if (got < 0)
                return -1;
            if (got != 1 || c != '\n')
                return RESUME_CONFLICT;
        } else {
            buf = xmalloc(src->last_len + 1);
            got = reader_pread(r, src->position - src->last_len, buf,
                               src->last_len, err);
            if (got < 0) {
                free(buf);
                return -1;
            }
            raw_check(buf, (size_t)got, check);
            free(buf);
            if ((uint64_t)got != src->last_len ||
                strcmp(check, src->last_hash) != 0)
                return RESUME_CONFLICT;
        }
        return reader_seek(r, src->position, src->lines, err) ? -1
                                                                : RESUME_AT;
    }
    /* A stream: read up to the position, the first line already in. */
    before = 0;
    while (reader_offset(r) < src->position) {
        before = reader_offset(r);
        rc = reader_next(r, line, err);
        if (rc < 0)
            return -1;
        if (rc == 0)
            return RESUME_NOTHING;
    }
    if (reader_offset(r) != src->position)
        return RESUME_CONFLICT;
    if (src->last_len <= CHECK_MAX) {
        if (reader_offset(r) - before != src->last_len && before != 0)
            return RESUME_CONFLICT;
        line_check(line->p, line->n, check);
        if (strcmp(check, src->last_hash) != 0)
            return RESUME_CONFLICT;
    }
    return RESUME_AT;
}

/* Where bad lines count: they name no host, so the default site, or the
 * site of --site. */
static struct agg *bad_agg(struct ingest *in)
{
    return in->agg[in->run->site > 0 ? in->run->site : 0];
}

/* Count one line into the agg and the source's counters. */
static void count_line(struct ingest *in, struct store_source *src,
                       const char *name, const struct reader_line *line)
{
    struct logrec rec;
    enum parse_status st;

    src->lines++;
    in->lines++;
    st = line->overlong ? PARSE_TOOLONG
                        : parse_line(in->parser, line->p, line->n, &rec);
    if (st != PARSE_OK) {
        src->bad_lines++;
        in->bad++;
        report_bad(in, name, line->lineno, st);
        /* Bad lines have no date: file them under the last good day. */
        if (src->has_last_day)
            agg_bad(bad_agg(in), src->last_day, 1);
        else
            src->pending_bad++;
        return;
    }
    {
        const struct conf *conf = in->run->conf;
        int k = in->run->site >= 0 ? in->run->site
                : conf->nsites > 1 && rec.has_host
                    ? conf_site_of_host(conf, rec.host.p, rec.host.n)
                    : 0;
        size_t site = k > 0 ? (size_t)k : 0;
        struct agg *agg = in->agg[site];

        if (k < 0) {
            /* Kept to say so at the end: a typo in hosts = would
             * otherwise quietly give the default site another's lines. */
            if (in->stray++ == 0)
                snprintf(in->stray_host, sizeof(in->stray_host), "%.*s",
                         (int)(rec.host.n < 63 ? rec.host.n : 63),
                         rec.host.p);
        }
        const struct url_rules *rules = conf->sites[site].rules;
        int robot = rec.has_agent &&
                    robots_check(in->robots, rec.agent.p, rec.agent.n);

        if (!src->has_days || rec.day < src->first_day)
            src->first_day = rec.day;
        if (!src->has_days || rec.day > src->max_day)
            src->max_day = rec.day;
        src->has_days = 1;
        src->hits++;
        in->hits++;
        if (src->pending_bad) {
            agg_bad(bad_agg(in), rec.day, src->pending_bad);
            src->pending_bad = 0;
        }
        src->last_day = rec.day;
        src->has_last_day = 1;
        agg_hit(agg, rec.day, robot);
        if (!robot && (rec.status == 200 || rec.status == 304) &&
            slice_eq(rec.method, "GET", 3) &&
            url_kind_is_content(classify_url(rules, rec.target.p,
                                             rec.target.n, &in->cls))) {
            struct slice client =
                conf->client_xff && rec.has_xff
                    ? proxies_client(conf->proxies, rec.client, rec.xff)
                    : rec.client;
            const char *cc = geo_country(in->geo, client.p, client.n);
            uint64_t id = visitor_id(in->run->key, client.p, client.n,
                                     rec.agent.p, rec.agent.n) ^
                          in->run->site_tags[site];

            /* The key is looked up once; the audience goes by its id. */
            uint32_t key = agg_view(agg, rec.day, in->cls.kind,
                                    in->cls.key, in->cls.key_len, cc);

            agg_visitor_key(agg, rec.day, rec.sec, id, key, cc);
            if (rec.has_agent &&
                classify_referrer(rules, rec.referer.p, rec.referer.n,
                                  &in->ref) != REF_NONE) {
                agg_referrer_key(agg, rec.day, key,
                                 ref_class_name(in->ref.cls), in->ref.host,
                                 in->ref.host_n);
                if (in->ref.term_n)
                    agg_search_term(agg, rec.day, in->ref.term,
                                    in->ref.term_n);
            }
            in->views++;
        }
    }
}

/* Where the source stands after the last line counted, which took the
 * bytes [start, end) of the input. */
static void mark(struct store_source *src, const struct reader_line *line,
                 uint64_t start, uint64_t end)
{
    src->position = end;
    src->last_len = end - start;
    if (line->overlong)
        src->last_hash[0] = '\0';
    else
        line_check(line->p, line->n, src->last_hash);
}

/*
 * Take the source of fingerprint fp for this worker: wait while another
 * worker reads the same content (the .1 and a .1.gz of it in one run),
 * then look it up. 1 found, 0 new, -1 error.
 */
static int claim(struct run *run, const char *fp, struct store_source *src,
                 struct bs_err *err)
{
    int found;

    pthread_mutex_lock(&run->mu);
    for (;;) {
        int busy = 0;

        for (int i = 0; i < run->nbusy; i++)
            busy |= strcmp(run->busy[i], fp) == 0;
        if (!busy)
            break;
        pthread_cond_wait(&run->cv, &run->mu);
    }
    memcpy(run->busy[run->nbusy++], fp, 40);
    found = store_find_source(run->store, fp, src, err);
    pthread_mutex_unlock(&run->mu);
    return found;
}

static void release(struct run *run, const char *fp)
{
    pthread_mutex_lock(&run->mu);
    for (int i = 0; i < run->nbusy; i++) {
        if (strcmp(run->busy[i], fp) == 0) {
            memcpy(run->busy[i], run->busy[--run->nbusy], 40);
            break;
        }
    }
    pthread_cond_broadcast(&run->cv);
    pthread_mutex_unlock(&run->mu);
}

/* Hold the line l, the bytes [start, end) of the input, in the sample. */
static void hold(struct sample *sm, const struct reader_line *l,
                 uint64_t start, uint64_t end)
{
    struct held *h = &sm->l[sm->n++];

    h->start = start;
    h->end = end;
    h->lineno = l->lineno;
    h->overlong = l->overlong;
    h->off = sm->len;
    h->n = l->overlong ? 0 : l->n;
    if (sm->len + h->n > sm->cap) {
        size_t cap = sm->cap ? 2 * sm->cap : 16384;

        while (cap < sm->len + h->n)
            cap *= 2;
        sm->buf = xrealloc(sm->buf, cap);
        sm->cap = cap;
    }
    if (h->n)
        memcpy(sm->buf + sm->len, l->p, h->n);
    sm->len += h->n;
}

/* The next held line into *l and its bytes [*start, *end): 1, or 0 when
 * none is left. */
static int unhold(struct sample *sm, struct reader_line *l, uint64_t *start,
                  uint64_t *end)
{
    const struct held *h;

    if (sm->next == sm->n)
        return 0;
    h = &sm->l[sm->next++];
    l->p = h->overlong ? NULL : sm->buf + h->off;
    l->n = h->n;
    l->lineno = h->lineno;
    l->overlong = h->overlong;
    *start = h->start;
    *end = h->end;
    return 1;
}

/* A note about a file on standard error, clear of the progress line. */
static void file_note(struct ingest *in, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void file_note(struct ingest *in, const char *fmt, ...)
{
    va_list ap;

    pthread_mutex_lock(&in->run->mu);
    if (in->run->progress)
        fputs("\r\033[K", stderr);
    fputs("blogstat: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    pthread_mutex_unlock(&in->run->mu);
}

/*
 * The parser of a file, whose line in hand (the bytes [start, end) of
 * the input; pending: not counted yet) was just read: the format given,
 * or with "auto" the built-in format that reads its first lines best.
 * Those lines are then held in in->sample, to be counted next. 0, or -1
 * with err.
 */
static int choose_parser(struct ingest *in, struct reader *r,
                         const char *name, const struct reader_line *line,
                         int pending, uint64_t start, uint64_t end,
                         struct bs_err *err)
{
    struct run *run = in->run;
    struct sample *sm = &in->sample;
    const char *format = run->format;
    struct bs_err e = {0};

    parser_free(in->parser);
    in->parser = NULL;
    sm->n = sm->next = sm->len = 0;
    sm->rc = 1;
    if (run->detect) {
        struct slice lines[PARSE_DETECT_LINES];
        struct parse_guess g;
        struct reader_line l;
        size_t k = 0;

        if (pending)
            hold(sm, line, start, end);
        while (sm->n < PARSE_DETECT_LINES) {
            uint64_t at = reader_offset(r);

            sm->rc = reader_next(r, &l, err);
            if (sm->rc <= 0)
                break;
            hold(sm, &l, at, reader_offset(r));
        }
        for (size_t i = 0; i < sm->n; i++)
            if (!sm->l[i].overlong)
                lines[k++] = slice_make(sm->buf + sm->l[i].off, sm->l[i].n);
        if (parse_detect(lines, k, &run->popt, &g, &e)) {
            bs_fail(err, e.status, "%s: %s; give the format with --format "
                    "or [log] format (doc/formats.md); nothing counted",
                    name, e.msg);
            return -1;
        }
        format = g.format;
        if (k && (cli.verbose || run->progress))
            file_note(in, "%s: format %s (%zu of the first %zu lines read)",
                      name, format, g.ok, g.tried);
    }
    in->parser = parser_compile(format, &run->popt, &e);
    if (!in->parser) {
        bs_fail(err, e.status, "%s: %s", name, e.msg);
        return -1;
    }
    if (run->conf->client_xff &&
        !(parser_fields(in->parser) & PARSE_HAS_XFF) && !cli.quiet)
        file_note(in, "%s: format %s logs no X-Forwarded-For: its clients "
                  "are the connection addresses", name,
                  parser_name(in->parser));
    return 0;
}

/*
 * Read one input on from where it was left. Returns 0, or the exit status
 * of what went wrong with it (the counts of the lines before are kept).
 */
static int ingest_file(struct ingest *in, const char *path, int index,
                       int count)
{
    struct bs_err err = {0};
    int is_stdin = strcmp(path, "-") == 0;
    struct reader *r = reader_open(path, is_stdin ? 0 : READER_HOLD_PARTIAL,
                                   &err);
    struct store_source *src, was;
    struct reader_line line;
    const char *name = is_stdin ? "(stdin)" : path;
    uint64_t start = 0, end, next, since_flush = 0, lines0;
    char fp[40];
    int rc, found, status = 0, pending;

    if (!r) {
        cli_error(&err);
        return err.status;
    }
    reader_set_limit(r, in->run->max_bytes);
    rc = reader_next(r, &line, &err);
    if (rc <= 0) {
        /* Empty, or one line still being written: nothing to read yet. */
        if (rc < 0)
            cli_error(&err);
        reader_close(r);
        return rc < 0 ? err.status : 0;
    }
    end = reader_offset(r);
    fingerprint(&line, fp);
    src = xcalloc(1, sizeof(*src));
    found = claim(in->run, fp, src, &err);
    if (found < 0) {
        cli_error(&err);
        free(src);
        reader_close(r);
        return err.status;
    }
    if (found && src->complete && src->gzip && reader_is_gzip(r) &&
        src->size == reader_file_size(r)) {
        if (cli.verbose)
            cli_warn("%s: read before (as %s), nothing new", name,
                     src->name);
        goto done;
    }
    lines0 = src->lines;
    was = *src;
    pending = 1;    /* the line in hand is yet to count */
    if (found) {
        switch (resume(r, src, &line, &err)) {
        case RESUME_AT:
            pending = 0;
            break;
        case RESUME_NOTHING:
            if (cli.verbose)
                cli_warn("%s: a part of what was read before (as %s), "
                         "nothing new", name, src->name);
            goto done;
        case RESUME_CONFLICT:
            bs_fail(&err, BS_DATAERR, "%s: begins like '%s', read before, "
                    "but differs from it further on; not read, nothing "
                    "counted", name, src->name);
            goto fail;
        default:
            goto fail;
        }
    } else {
        snprintf(src->fingerprint, sizeof(src->fingerprint), "%s", fp);
    }
    snprintf(src->name, sizeof(src->name), "%s", name);
    src->gzip = reader_is_gzip(r);
    src->error[0] = '\0';
    src->complete = 0;
    if (choose_parser(in, r, name, &line, pending, start, end, &err))
        goto fail;
    /* The line in hand, when not yet counted, is now the first held. */
    if (in->run->detect)
        pending = 0;

    /* line holds the bytes [start, end) of the input. */
    for (;;) {
        if (pending) {
            count_line(in, src, name, &line);
            if (++since_flush >= in->run->commit_every) {
                since_flush = 0;
                mark(src, &line, start, end);
                src->size = reader_bytes_read(r);
                /* Progress first: it waits for the database's lock. */
                if (in->run->progress)
                    show_progress(in, r, src->lines - lines0, index, count,
                                  0);
                if (flush_start(in, src, &err))
                    goto fail;
            }
        }
        /* The lines held to choose the format come first. */
        if (unhold(&in->sample, &line, &start, &end)) {
            pending = 1;
            continue;
        }
        if (in->sample.rc <= 0) {
            rc = in->sample.rc;
            break;
        }
        next = reader_offset(r);
        rc = reader_next(r, &line, &err);
        if (rc <= 0)
            break;
        start = next;
        end = reader_offset(r);
        pending = 1;
    }
    /* The chunk before this last one must be in before it. */
    if (flush_wait(in, src, &err))
        goto fail;
    /* The reader keeps the last line past the end of the input. */
    if (since_flush > 0 && reader_last_line(r, &line))
        mark(src, &line, start, end);
    if (rc < 0) {
        if (in->run->progress)
            fputs("\r\033[K", stderr);
        cli_error(&err);
        snprintf(src->error, sizeof(src->error), "%s", err.msg);
        status = err.status;
    } else if (src->gzip) {
        src->complete = 1;
    }
    src->size = reader_file_size(r) ? reader_file_size(r)
                                    : reader_bytes_read(r);
    if (in->run->progress)
        show_progress(in, r, src->lines - lines0, index, count, 1);
    else if (cli.verbose)
        cli_warn("%s: %llu new lines%s", name,
                 (unsigned long long)(src->lines - lines0),
                 found ? " (read on from where it stopped)" : "");
    in->files++;
    /* Nothing new and nothing learnt: leave the database as it was, so
     * that running twice gives the same database. */
    if (found && src->lines == lines0 && strcmp(src->name, was.name) == 0 &&
        src->size == was.size && src->complete == was.complete &&
        strcmp(src->error, was.error) == 0 && src->gzip == was.gzip)
        goto done;
    {
        struct bs_err ferr = {0};

        if (flush(in, in->agg, src, &ferr)) {
            cli_error(&ferr);
            status = ferr.status;
        }
    }
    goto done;
fail:
    {
        /* A chunk being written still goes in (or is dropped when it
         * fails too: the first error is the one told). */
        struct bs_err werr = {0};

        flush_wait(in, src, &werr);
    }
    if (in->run->progress)
        fputs("\r\033[K", stderr);
    cli_error(&err);
    status = err.status;
    /* What was counted but not committed is dropped with the chunk. */
    clear_aggs(in, in->agg);
done:
    release(in->run, fp);
    free(src);
    reader_close(r);
    return status;
}

/* "N%" is a share of the lines, "N" a count; -1 when it is neither. */
static int parse_max_bad(const char *s, double *pct, int64_t *count)
{
    size_t n = strlen(s);
    char *end;

    if (n > 1 && s[n - 1] == '%') {
        double v;

        errno = 0;
        v = strtod(s, &end);
        if (errno || end != s + n - 1 || v < 0 || v > 100)
            return -1;
        *pct = v;
        *count = -1;
        return 0;
    }
    *count = cli_parse_count(s);
    *pct = -1;
    return *count < 0 ? -1 : 0;
}

/* "500M" -> bytes: a count with an optional K, M, G or T (powers of
 * 1024). -1 when it is none. */
static int parse_size(const char *s, uint64_t *out)
{
    size_t n = strlen(s);
    int shift = 0;
    int64_t v;
    char num[32];

    if (n == 0 || n >= sizeof(num))
        return -1;
    switch (s[n - 1]) {
    case 'K': case 'k': shift = 10; break;
    case 'M': case 'm': shift = 20; break;
    case 'G': case 'g': shift = 30; break;
    case 'T': case 't': shift = 40; break;
    default: break;
    }
    memcpy(num, s, n + 1);
    if (shift)
        num[n - 1] = '\0';
    v = cli_parse_count(num);
    if (v <= 0 || (uint64_t)v > (UINT64_MAX >> shift))
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

static void load_country_names(struct store *store)
{
    FILE *f;
    char *buf;
    size_t n;
    struct bs_err err = {0};

    if (store_has_country_names(store))
        return;
    f = fopen(COUNTRY_NAMES_FILE, "r");
    if (!f) {
        if (cli.verbose)
            cli_warn("cannot open '%s' (Debian package iso-codes): country "
                     "names will be missing", COUNTRY_NAMES_FILE);
        return;
    }
    buf = xmalloc(4 << 20);
    n = fread(buf, 1, (4 << 20) - 1, f);
    fclose(f);
    if (store_load_country_names(store, buf, n, &err))
        cli_error(&err);
    free(buf);
}

/*
 * One ingest at a time per database: an advisory lock on DB.lock, held
 * until the process ends (a kill -9 releases it too). Returns the lock's
 * descriptor, or -1 with err (BS_TEMPFAIL when another ingest holds it).
 */
static int lock_db(const char *db, int wait, struct bs_err *err)
{
    size_t n = strlen(db) + 8;
    char *path = xmalloc(n);
    int fd, rc;

    snprintf(path, n, "%s.lock", db);
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        bs_fail(err, BS_IOERR, "cannot create lock '%s': %s", path,
                strerror(errno));
        free(path);
        return -1;
    }
    do
        rc = flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB));
    while (rc < 0 && errno == EINTR);
    if (rc < 0) {
        if (errno == EWOULDBLOCK)
            bs_fail(err, BS_TEMPFAIL, "database '%s' is being written by "
                    "another ingest; try again later, or give --wait", db);
        else
            bs_fail(err, BS_IOERR, "cannot lock '%s': %s", path,
                    strerror(errno));
        close(fd);
        fd = -1;
    }
    free(path);
    return fd;
}

/*
 * The secret key visitor ids are hashed under: DB.key, beside the
 * database and never in it, so that the database alone (a copy, a
 * backup, a dump) cannot test a guess of an address and a browser. Made
 * on first use (0600, written whole, then renamed into place).
 */
static int write_key(const char *path, const unsigned char *key,
                     struct bs_err *err)
{
    size_t n = strlen(path) + 16;
    char *tmp = xmalloc(n);
    int fd, ok;

    snprintf(tmp, n, "%s.XXXXXX", path);
    fd = mkstemp(tmp);
    ok = fd >= 0 && fchmod(fd, 0600) == 0 &&
         write(fd, key, VISITOR_KEY_BYTES) == VISITOR_KEY_BYTES &&
         fsync(fd) == 0;
    if (fd >= 0 && close(fd) != 0)
        ok = 0;
    if (ok && rename(tmp, path) != 0)
        ok = 0;
    if (!ok) {
        bs_fail(err, BS_CANTCREAT, "cannot create the key '%s': %s", path,
                strerror(errno));
        if (fd >= 0)
            unlink(tmp);
    }
    free(tmp);
    return ok ? 0 : -1;
}

static int load_key(const char *db, struct store *store,
                    unsigned char key[VISITOR_KEY_BYTES], struct bs_err *err)
{
    size_t n = strlen(db) + 8;
    char *path = xmalloc(n);
    unsigned char extra;
    int fd, rc = 0, found;

    snprintf(path, n, "%s.key", db);
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd >= 0) {
        if (read(fd, key, VISITOR_KEY_BYTES) != VISITOR_KEY_BYTES ||
            read(fd, &extra, 1) != 0)
            rc = bs_fail(err, BS_DATAERR,
                         "'%s' is not a blogstat key (16 bytes): restore it "
                         "from a backup, or remove it to start a new one",
                         path);
        close(fd);
        free(path);
        return rc;
    }
    if (errno != ENOENT) {
        rc = bs_fail(err, BS_NOINPUT, "cannot read the key '%s': %s", path,
                     strerror(errno));
        free(path);
        return rc;
    }
    /* A database of an earlier blogstat kept it inside: moved out. */
    found = store_meta_get(store, "visitor_key", key, VISITOR_KEY_BYTES, err);
    if (found < 0) {
        free(path);
        return -1;
    }
    if (!found) {
        visitor_key_new(key);
        if (store_has_visitors(store) > 0)
            cli_warn("no key '%s' beside the database: a new one is made, "
                     "and readers seen before now count again in ranges "
                     "that reach back before this run", path);
    }
    if (write_key(path, key, err) ||
        (found && (store_begin(store, err) ||
                   store_meta_delete(store, "visitor_key", err) ||
                   store_commit(store, err)))) {
        if (found)
            store_rollback(store);
        free(path);
        return -1;
    }
    free(path);
    return 0;
}

/*
 * Close the days no ingest has read a line of for two days: their salts
 * and their visitors' visits go, and with them any link between a day's
 * visits. (Those days are not in memory: only the days read in this run
 * are, and the run touched them.)
 */
#define DAY_OPEN_SECS (2 * 86400)

static int close_days(struct run *run, struct bs_err *err)
{
    if (store_begin(run->store, err))
        return -1;
    if (store_close_days(run->store, run->now - DAY_OPEN_SECS, err) ||
        store_commit(run->store, err)) {
        store_rollback(run->store);
        return -1;
    }
    return 0;
}

/* When this run reads: now, or $BLOGSTAT_NOW (Unix seconds, for tests). */
static int64_t run_now(void)
{
    const char *env = getenv("BLOGSTAT_NOW");
    char *end;
    long long v;

    if (env && *env) {
        errno = 0;
        v = strtoll(env, &end, 10);
        if (errno == 0 && *end == '\0' && v >= 0)
            return v;
        cli_warn("ignoring BLOGSTAT_NOW='%s': not Unix seconds", env);
    }
    return (int64_t)time(NULL);
}

static struct ingest *worker_new(struct run *run)
{
    struct ingest *in = xcalloc(1, sizeof(*in));
    struct bs_err err = {0};

    in->run = run;
    /* The path was checked by the caller: this open does not fail. */
    in->geo = geo_open(run->geoip, &err);
    if (!in->geo)
        BUG("geo_open(%s): %s", run->geoip, err.msg);
    in->robots = robots_new();
    in->nsites = run->conf->nsites;
    in->agg = xcalloc(in->nsites, sizeof(struct agg *));
    in->spare = xcalloc(in->nsites, sizeof(struct agg *));
    for (size_t i = 0; i < in->nsites; i++) {
        in->agg[i] = agg_new();
        in->spare[i] = agg_new();
    }
    return in;
}

static void worker_free(struct ingest *in)
{
    struct run *run = in->run;

    pthread_mutex_lock(&run->mu);
    run->lines += in->lines;
    run->bad += in->bad;
    run->hits += in->hits;
    run->views += in->views;
    run->files_read += in->files;
    if (in->stray && !run->stray)
        memcpy(run->stray_host, in->stray_host, sizeof(run->stray_host));
    run->stray += in->stray;
    pthread_mutex_unlock(&run->mu);
    for (size_t i = 0; i < in->nsites; i++) {
        agg_free(in->agg[i]);
        agg_free(in->spare[i]);
    }
    free(in->agg);
    free(in->spare);
    parser_free(in->parser);
    free(in->sample.buf);
    robots_free(in->robots);
    geo_close(in->geo);
    free(in);
}

/* A worker takes the next file until there is none (or the database
 * failed: then the others stop too). */
static void *work(void *arg)
{
    struct ingest *in = worker_new(arg);
    struct run *run = in->run;

    for (;;) {
        int i, st;

        pthread_mutex_lock(&run->mu);
        i = run->next < run->nfiles ? run->next++ : -1;
        pthread_mutex_unlock(&run->mu);
        if (i < 0)
            break;
        st = ingest_file(in, run->files[i], i + 1, run->nfiles);
        run->status[i] = st;
        if (st == BS_IOERR || st == BS_TEMPFAIL || st == BS_OSERR) {
            pthread_mutex_lock(&run->mu);
            run->next = run->nfiles;
            pthread_mutex_unlock(&run->mu);
        }
    }
    worker_free(in);
    return NULL;
}

int cmd_ingest(int argc, char **argv)
{
    enum {
        OPT_FORMAT = 256, OPT_MAX_BAD, OPT_GEOIP, OPT_WAIT, OPT_COMMIT,
        OPT_MAX_BYTES, OPT_SITE
    };
    static const struct option longopts[] = {
        {"format", required_argument, NULL, OPT_FORMAT},
        {"max-bad", required_argument, NULL, OPT_MAX_BAD},
        {"geoip", required_argument, NULL, OPT_GEOIP},
        {"wait", no_argument, NULL, OPT_WAIT},
        {"commit-every", required_argument, NULL, OPT_COMMIT},
        {"jobs", required_argument, NULL, 'j'},
        {"max-bytes", required_argument, NULL, OPT_MAX_BYTES},
        {"site", required_argument, NULL, OPT_SITE},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct run run;
    struct bs_err err = {0};
    struct geo *geo;
    const char *format = NULL, *geoip;
    char *geoip_found = NULL;
    double max_pct = 1.0;
    int64_t max_count = -1, commit_every = CHUNK_LINES, jobs = 0;
    uint64_t max_bytes = 0;
    int c, status = 0, wait = 0, lock_fd = -1;
    const char *site = NULL;

    memset(&run, 0, sizeof(run));
    opterr = 0;
    while ((c = getopt_long(argc, argv, "qvhj:", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_FORMAT: format = optarg; break;
        case OPT_MAX_BAD:
            if (parse_max_bad(optarg, &max_pct, &max_count))
                return cli_usage("ingest ", "bad --max-bad '%s': give a "
                                 "count or a percentage such as 1%%",
                                 optarg);
            break;
        case OPT_GEOIP: cli.geoip = optarg; break;
        case OPT_WAIT: wait = 1; break;
        case OPT_SITE: site = optarg; break;
        case OPT_COMMIT:
            commit_every = cli_parse_count(optarg);
            if (commit_every <= 0)
                return cli_usage("ingest ", "bad --commit-every '%s'",
                                 optarg);
            break;
        case OPT_MAX_BYTES:
            if (parse_size(optarg, &max_bytes))
                return cli_usage("ingest ", "bad --max-bytes '%s': give a "
                                 "size such as 500M or 20G", optarg);
            break;
        case 'j':
            jobs = cli_parse_count(optarg);
            if (jobs <= 0 || jobs > 256)
                return cli_usage("ingest ", "bad --jobs '%s'", optarg);
            break;
        case 'q': cli.quiet = 1; break;
        case 'v': cli.verbose = 1; break;
        case 'h':
            fputs(ingest_usage, stdout);
            return 0;
        default:
            return cli_usage("ingest ", "unknown option '%s'",
                             argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage("ingest ", "no log file given");

    if (!(run.conf = cli_conf(&err))) {
        cli_error(&err);
        return err.status;
    }
    run.site = site ? conf_site_find(run.conf, site) : -1;
    if (site && run.site < 0) {
        status = cli_usage("ingest ", "no site '%s' in the config: declare "
                           "it with [site %s] (and its [urls %s])", site,
                           site, site);
        conf_free(run.conf);
        return status;
    }
    if (!format)
        format = run.conf->format ? run.conf->format : "auto";
    /* Checked now, before the threads: a time zone is read with TZ set. */
    if (conf_check_format(run.conf, format, &err)) {
        conf_free(run.conf);
        return cli_usage("ingest ", "bad --format: %s", err.msg);
    }
    run.format = format;
    while (*format == ' ' || *format == '\t')
        format++;
    run.detect = strncmp(format, "auto", 4) == 0 &&
                 strspn(format + 4, " \t") == strlen(format + 4);
    conf_parse_options(run.conf, &run.jmap, &run.popt);
    geoip = cli.geoip ? cli.geoip : getenv("BLOGSTAT_GEOIP");
    if (geoip && !*geoip)
        geoip = NULL;
    if (!geoip)
        geoip = run.conf->geoip;
    geo = geo_open(geoip, &err);
    if (!geo) {
        cli_error(&err);
        conf_free(run.conf);
        return err.status;
    }
    if (!geo_path(geo) && !cli.quiet)
        cli_warn("no GeoIP database found (data/*.mmdb, /usr/share/GeoIP, "
                 "/var/lib/GeoIP): every country is '--'; run 'make geoip' "
                 "or give --geoip");
    else if (cli.verbose)
        cli_warn("countries from '%s'", geo_path(geo));
    /* The workers open the database this one found. */
    if (geo_path(geo))
        geoip_found = xstrdup(geo_path(geo));
    geo_close(geo);
    run.geoip = geoip_found;

    lock_fd = lock_db(cli_db_path(run.conf), wait, &err);
    if (lock_fd < 0) {
        cli_error(&err);
        free(geoip_found);
        conf_free(run.conf);
        return err.status;
    }
    run.store = store_open(cli_db_path(run.conf), STORE_WRITE, &err);
    if (!run.store) {
        close(lock_fd);
        cli_error(&err);
        free(geoip_found);
        conf_free(run.conf);
        return err.status;
    }
    load_country_names(run.store);
    run.now = run_now();
    if (load_key(cli_db_path(run.conf), run.store, run.key, &err) ||
        cli_site_ids(run.store, run.conf, run.site_ids, &err)) {
        cli_error(&err);
        store_close(run.store);
        close(lock_fd);
        free(geoip_found);
        conf_free(run.conf);
        return err.status;
    }
    /* Site 0 keeps the ids visitors had before there were sites. */
    for (size_t i = 1; i < run.conf->nsites; i++)
        run.site_tags[i] = bs_fmix64((uint64_t)run.site_ids[i]);
    run.visits = visits_new();
    run.progress = !cli.quiet && isatty(STDERR_FILENO);
    run.commit_every = (uint64_t)commit_every;
    run.max_bytes = max_bytes;
    run.files = argv + optind;
    run.nfiles = argc - optind;
    run.status = xcalloc((size_t)run.nfiles, sizeof(*run.status));
    run.busy = xcalloc((size_t)run.nfiles + 1, sizeof(*run.busy));
    pthread_mutex_init(&run.mu, NULL);
    pthread_cond_init(&run.cv, NULL);
    clock_gettime(CLOCK_MONOTONIC, &run.t0);

    /* One worker per core (or -j N), never more than there are files. */
    if (jobs == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);

        jobs = n > 0 ? n : 1;
    }
    if (jobs > run.nfiles)
        jobs = run.nfiles;
    if (jobs == 1) {
        work(&run);
    } else {
        pthread_t *t = xcalloc((size_t)jobs, sizeof(*t));
        int started = 0;

        for (int i = 0; i < jobs; i++)
            if (pthread_create(&t[i], NULL, work, &run) == 0)
                started++;
            else
                break;
        if (started == 0)
            work(&run);
        for (int i = 0; i < started; i++)
            pthread_join(t[i], NULL);
        free(t);
    }
    /* The first failing file in the command's order gives the status. */
    for (int i = 0; i < run.nfiles && !status; i++)
        status = run.status[i];
    if (close_days(&run, &err)) {
        cli_error(&err);
        if (!status)
            status = err.status;
    }

    if (run.bad > 0) {
        int over = max_count >= 0 ? run.bad > (uint64_t)max_count
                                  : (double)run.bad * 100.0 >
                                        max_pct * (double)run.lines;

        if (over || !cli.quiet)
            cli_warn("%llu bad line%s of %llu (%.2f%%)%s%s",
                     (unsigned long long)run.bad, run.bad == 1 ? "" : "s",
                     (unsigned long long)run.lines,
                     run.lines ? 100.0 * (double)run.bad / (double)run.lines
                               : 100.0,
                     run.bad > run.bad_shown && run.bad_shown ? "; the first are shown above"
                                             : "",
                     over ? "; more than --max-bad allows" : "");
        if (over && !status)
            status = BS_DATAERR;
    }
    if (run.stray && (run.progress || cli.verbose)) {
        char shown[256];

        /* A host is the client's to write: no control reaches the tty. */
        utf8_sanitize(run.stray_host, strlen(run.stray_host), shown,
                      sizeof(shown));
        cli_warn("%llu hit%s of hosts no [site NAME] declares (such as "
                 "'%s') counted for the default site",
                 (unsigned long long)run.stray, run.stray == 1 ? "" : "s",
                 shown);
    }
    if (run.progress || cli.verbose)
        fprintf(stderr,
                "blogstat: %llu file%s, %llu lines, %llu hits, %llu views "
                "in %.1f s\n",
                (unsigned long long)run.files_read,
                run.files_read == 1 ? "" : "s",
                (unsigned long long)run.lines, (unsigned long long)run.hits,
                (unsigned long long)run.views, elapsed(&run.t0));

    pthread_mutex_destroy(&run.mu);
    pthread_cond_destroy(&run.cv);
    visits_free(run.visits);
    free(run.salts);
    free(run.status);
    free(run.busy);
    store_close(run.store);
    close(lock_fd);
    free(geoip_found);
    conf_free(run.conf);
    return status;
}
