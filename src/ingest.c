/*
 * ingest.c - the ingest engine: the workers, the per-file loop, the
 * choice of a file's format and the counting of each line.
 */
#include "blogstat.h"
#include "agg.h"
#include "audience.h"
#include "classify.h"
#include "commit.h"
#include "conf.h"
#include "db.h"
#include "dbfiles.h"
#include "geo.h"
#include "ingest.h"
#include "ingest_int.h"
#include "parser.h"
#include "proxy.h"
#include "reader.h"
#include "robots.h"
#include "source.h"
#include "store.h"
#include "table.h"
#include "tally.h"
#include "uagent.h"
#include "visitor.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define COUNTRY_NAMES_FILE "/usr/share/iso-codes/json/iso_3166-1.json"

static double elapsed(const struct timespec *t0)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) +
           (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* ---- the sink ----------------------------------------------------------- */

static void say(struct run *run, enum sink_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void note(struct run *run, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void vsay(struct run *run, enum sink_level level, const char *fmt,
                 va_list ap)
{
    char msg[2048];

    vsnprintf(msg, sizeof(msg), fmt, ap);
    pthread_mutex_lock(&run->out_lock);
    run->sink->message(run->sink->ctx, level, msg);
    pthread_mutex_unlock(&run->out_lock);
}

/* A message of level through the sink, when its level wants it. */
static void say(struct run *run, enum sink_level level, const char *fmt, ...)
{
    va_list ap;

    if ((int)level > run->sink->level)
        return;
    va_start(ap, fmt);
    vsay(run, level, fmt, ap);
    va_end(ap);
}

/* A detail shown with verbose, and beside the progress of a terminal. */
static void note(struct run *run, const char *fmt, ...)
{
    va_list ap;

    if (run->sink->level < SINK_INFO && !run->sink->progress)
        return;
    va_start(ap, fmt);
    vsay(run, SINK_INFO, fmt, ap);
    va_end(ap);
}

static void tell_error(struct run *run, const struct bs_err *err)
{
    pthread_mutex_lock(&run->out_lock);
    run->sink->error(run->sink->ctx, err);
    pthread_mutex_unlock(&run->out_lock);
}

static void show_progress(struct run *run, const struct file *f, int done)
{
    struct sink_progress p;

    if (!run->sink->progress)
        return;
    p.name = reader_name(f->r);
    p.index = f->index;
    p.count = run->o->nfiles;
    p.bytes = reader_bytes_read(f->r);
    p.size = reader_file_size(f->r);
    p.lines = f->src->lines - f->lines0;
    p.secs = elapsed(&run->t0);
    p.done = done;
    p.unread = 0;
    pthread_mutex_lock(&run->out_lock);
    run->sink->progress_fn(run->sink->ctx, &p);
    pthread_mutex_unlock(&run->out_lock);
}

/* The last report of a file none of which was read (how: SINK_UNREAD_*),
 * so that progress accounts for every file. */
static void show_unread(struct run *run, const struct file *f, int how)
{
    struct sink_progress p = {
        .name = f->name ? f->name : f->path, .index = f->index,
        .count = run->o->nfiles, .secs = elapsed(&run->t0), .done = 1,
        .unread = how,
    };

    if (!run->sink->progress)
        return;
    pthread_mutex_lock(&run->out_lock);
    run->sink->progress_fn(run->sink->ctx, &p);
    pthread_mutex_unlock(&run->out_lock);
}

/* The aggs of the chunk being counted, told the keys never folded. */
static void take_aggs(struct worker *w)
{
    w->agg = committer_counting(w->com);
    for (size_t i = 0; i < w->run->o->conf->nsites; i++)
        agg_set_known(w->agg[i], w->run->known[i]);
}

/* Lines between two looks at the aggs' memory. */
#define MEMORY_LOOK_EVERY 1024

/* 1 when the chunk being counted holds more than AGG_MEMORY_BUDGET: a
 * chunk of lines spread over many days ends early. */
static int aggs_full(struct worker *w)
{
    size_t n = 0;

    for (size_t i = 0; i < w->run->o->conf->nsites; i++)
        n += agg_memory(w->agg[i]);
    return n > AGG_MEMORY_BUDGET;
}

/* ---- the format of a file ----------------------------------------------- */

/* Hold the line l, the bytes [start, end) of the input, in the sample. */
static void hold(struct sample *sm, const struct reader_line *l,
                 uint64_t start, uint64_t end)
{
    struct held *h = &sm->l[sm->n++];

    h->start = start;
    h->end = end;
    h->lineno = l->lineno;
    h->overlong = l->overlong;
    h->gz = l->gz;
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
    l->gz = h->gz;
    *start = h->start;
    *end = h->end;
    return 1;
}

/* "auto": hold the first lines (the one in hand first, when pending) and
 * pick the built-in format that reads them best. NULL with err when
 * none does. */
static const char *detect_format(struct worker *w, struct reader *r,
                                 const char *name,
                                 const struct reader_line *line, int pending,
                                 uint64_t start, uint64_t end,
                                 struct bs_err *err)
{
    struct run *run = w->run;
    struct sample *sm = &w->sample;
    struct slice lines[PARSE_DETECT_LINES];
    struct parse_guess g;
    struct reader_line l;
    struct bs_err e = {0};
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
        return NULL;
    }
    if (k)
        note(run, "%s: format %s (%zu of the first %zu %s read)", name,
             g.format, g.ok, g.tried, plural((int64_t)g.tried, "line",
                                             "lines"));
    return g.format;
}

/*
 * The parser of a file, whose line in hand (the bytes [start, end) of
 * the input; pending: not counted yet) was just read: the format given,
 * or with "auto" the built-in format that reads its first lines best.
 * Those lines are then held in w->sample, to be counted next. 0, or -1
 * with err.
 */
static int choose_parser(struct worker *w, struct reader *r,
                         const char *name, const struct reader_line *line,
                         int pending, uint64_t start, uint64_t end,
                         struct bs_err *err)
{
    struct run *run = w->run;
    struct sample *sm = &w->sample;
    const char *format = run->o->format;
    struct bs_err e = {0};

    parser_free(w->parser);
    w->parser = NULL;
    sm->n = sm->next = sm->len = 0;
    sm->rc = 1;
    if (run->detect &&
        !(format = detect_format(w, r, name, line, pending, start, end, err)))
        return -1;
    w->parser = parser_compile(format, &run->popt, &e);
    if (!w->parser) {
        bs_fail(err, e.status, "%s: %s", name, e.msg);
        return -1;
    }
    w->format = format;
    w->format_gen++;
    if (run->o->conf->client_xff &&
        !(parser_fields(w->parser) & PARSE_HAS_XFF))
        say(run, SINK_WARN, "%s: format %s logs no X-Forwarded-For: its "
            "clients are the connection addresses", name,
            parser_name(w->parser));
    return 0;
}

/* ---- one file ------------------------------------------------------------ */

/*
 * Open the file f->path, claim its fingerprint and put the reader where
 * it was left, its first line to count (if any) in *line with *pending.
 * Returns 1 to read it, 0 when there is nothing to read, -1 with err.
 * On 1 or 0 with f->src set, the fingerprint is claimed.
 */
static int open_file(struct worker *w, struct file *f,
                     struct reader_line *line, int *pending,
                     struct bs_err *err)
{
    struct run *run = w->run;
    struct source_head head;
    int is_stdin = strcmp(f->path, "-") == 0, rc;

    f->name = is_stdin ? "(stdin)" : f->path;
    f->r = reader_open(f->path, is_stdin ? 0 : READER_HOLD_PARTIAL, err);
    if (!f->r)
        return -1;
    reader_set_limit(f->r, run->o->max_bytes);
    rc = reader_next(f->r, line, err);
    if (rc <= 0)
        return rc;  /* empty, or one line still being written: not yet */
    source_head(&run->keys, f->r, line, &head);
    snprintf(f->fp, sizeof(f->fp), "%s", head.claim);
    f->src = xcalloc(1, sizeof(*f->src));
    source_claim(run->claims, f->fp);
    rc = commit_claim(&run->db, f->fp, run->o->wait, err);
    if (rc <= 0) {
        f->fp[0] = '\0';
        if (rc == 0)
            bs_fail(err, BS_TEMPFAIL, "%s: another blogstat is reading this "
                    "log into the database; try again later", f->name);
        source_release(run->claims, head.claim);
        return -1;
    }
    f->found = commit_find_source(&run->db, &run->keys, &head, f->src, err);
    if (f->found < 0)
        return -1;
    if (f->found && source_done(f->src, f->r)) {
        say(run, SINK_INFO, "%s: read before (as %s), nothing new", f->name,
            f->src->name);
        return 0;
    }
    f->lines0 = f->src->lines;
    f->was = *f->src;
    *pending = 1;    /* the line in hand is yet to count */
    if (f->found) {
        switch (source_resume(&run->keys, f->r, f->src, line, err)) {
        case SOURCE_RESUME_AT:
            *pending = 0;
            break;
        case SOURCE_RESUME_NOTHING:
            say(run, SINK_INFO, "%s: a part of what was read before (as "
                "%s), nothing new", f->name, f->src->name);
            return 0;
        case SOURCE_RESUME_CONFLICT:
            return bs_fail(err, BS_DATAERR, "%s: begins like '%s', read "
                           "before, but differs from it further on; not "
                           "read, nothing counted", f->name, f->src->name);
        default:
            return -1;
        }
    }
    snprintf(f->src->name, sizeof(f->src->name), "%s", f->name);
    f->src->gzip = reader_is_gzip(f->r);
    f->src->error[0] = '\0';
    f->src->complete = 0;
    return 1;
}

static void chunk_begin(struct chunk_start *cs, struct worker *w,
                        const struct store_source *src)
{
    cs->src = *src;
    cs->lines = w->lines;
    cs->bad = w->bad;
    cs->hits = w->hits;
    cs->views = w->views;
    cs->excluded = w->excluded;
    memcpy(cs->newest, w->newest, sizeof(cs->newest));
}

/* The lines of the chunk being counted came from a damaged gzip member
 * (READER_DROP): none of them counts. What the commits learnt stays. */
static void chunk_drop(const struct chunk_start *cs, struct worker *w,
                       struct store_source *src)
{
    struct store_source now = *src;

    pool_drop(w);
    *src = cs->src;
    src->id = now.id;
    src->stored_position = now.stored_position;
    src->rekey = now.rekey;
    w->lines = cs->lines;
    w->bad = cs->bad;
    w->hits = cs->hits;
    w->views = cs->views;
    w->excluded = cs->excluded;
    memcpy(w->newest, cs->newest, sizeof(w->newest));
    committer_drop(w->com);
}

/* pool_sync(): 0, or 1 with err when a chunk the counting ended failed
 * to commit. */
static int pool_sync_ok(struct worker *w, struct store_source *src,
                        const char *name, struct bs_err *err)
{
    pool_sync(w, src, name);
    if (!w->chunk.failed)
        return 0;
    *err = w->chunk.err;
    return 1;
}

void ingest_counted(struct worker *w, struct store_source *src,
                    const struct reader_line *line, uint64_t start,
                    uint64_t end, uint64_t size)
{
    struct chunk_state *c = &w->chunk;
    struct store_source at;

    if (c->failed || ++c->counted % MEMORY_LOOK_EVERY != 0 || !aggs_full(w))
        return;
    /* The chunk ends after line, as read_lines() ends it without a
     * pool. The source is marked there, unless the reader has marked a
     * later line already (a gzip member's end): that mark stays, and
     * the chunk is committed with a copy marked at line. */
    if (c->marked_end <= end) {
        source_mark(&w->run->keys, src, line, start, end);
        src->size = size;
        c->marked_end = end;
        at = *src;
    } else {
        at = *src;
        source_mark(&w->run->keys, &at, line, start, end);
        at.size = size;
    }
    if (committer_start(w->com, &at, &c->err)) {
        c->failed = 1;
        return;
    }
    src->id = at.id;
    src->stored_position = at.stored_position;
    src->rekey = at.rekey;
    take_aggs(w);
    chunk_begin(&c->cs, w, &at);
    c->since -= c->counted;
    c->counted = 0;
}

/*
 * Count the lines of f from *line on (pending: *line is not counted
 * yet), committing a chunk every commit_every lines and before a gzip
 * member whose lines come before its check, and dropping the chunk being
 * counted when that member turns out damaged (reader.h). Returns what the
 * reader said last: 0 at the end, -1 with rerr on a read error; or 1
 * with err when a commit failed.
 */
static int read_lines(struct worker *w, struct file *f,
                      struct reader_line *line, int pending,
                      struct bs_err *rerr, struct bs_err *err)
{
    struct run *run = w->run;
    struct store_source *src = f->src;
    struct chunk_state *c = &w->chunk;
    uint64_t start = 0, end = reader_offset(f->r), next;
    int rc;

    if (choose_parser(w, f->r, f->name, line, pending, start, end, err))
        return 1;
    memset(c, 0, sizeof(*c));
    chunk_begin(&c->cs, w, src);
    /* The line in hand, when not yet counted, is now the first held. */
    if (run->detect)
        pending = 0;
    /* line holds the bytes [start, end) of the input. */
    for (;;) {
        if (pending && start >= f->stop) {
            f->stopped = 1;    /* a line of the next ingest's */
            rc = 0;
            break;
        }
        if (pending) {
            if (line->gz) {
                if (line->gz & READER_AFTER_DAMAGE)
                    say(run, SINK_WARN, "%s", reader_damage_note(f->r));
                if (line->gz & READER_DROP) {
                    chunk_drop(&c->cs, w, src);
                    c->since = c->counted = 0;
                }
                /* The chunk ends where the member before ended: src was
                 * marked there (below) when the line before ended it. */
                if ((line->gz & READER_UNCHECKED) &&
                    src->position == start) {
                    if (pool_sync_ok(w, src, f->name, err))
                        return 1;
                    if (c->since > 0) {
                        c->since = c->counted = 0;
                        if (committer_start(w->com, src, err))
                            return 1;
                        take_aggs(w);
                        chunk_begin(&c->cs, w, src);
                    }
                }
                /* Where a chunk may end, should the next member be over
                 * one chunk. */
                if (line->gz & READER_MEMBER_END) {
                    source_mark(&run->keys, src, line, start, end);
                    src->size = reader_bytes_read(f->r);
                    c->marked_end = end;
                }
            }
            if (w->pool) {
                pool_line(w, src, f->name, line, start, end,
                          reader_bytes_read(f->r));
                if (c->failed) {
                    *err = c->err;
                    return 1;
                }
            } else {
                ingest_count_line(w, src, f->name, line);
                c->counted++;
            }
            /* A chunk's memory is looked at after every MEMORY_LOOK_EVERY
             * lines counted: here, or with a pool where they are counted
             * (ingest_counted()), at the same lines. */
            if (++c->since >= run->o->commit_every ||
                (!w->pool && c->since % MEMORY_LOOK_EVERY == 0 &&
                 aggs_full(w))) {
                if (pool_sync_ok(w, src, f->name, err))
                    return 1;
            }
            /* Unless the pool's counting ended one meanwhile. */
            if (c->since >= run->o->commit_every ||
                (!w->pool && c->since > 0 &&
                 c->since % MEMORY_LOOK_EVERY == 0 && aggs_full(w))) {
                c->since = c->counted = 0;
                source_mark(&run->keys, src, line, start, end);
                src->size = reader_bytes_read(f->r);
                c->marked_end = end;
                show_progress(run, f, 0);
                if (committer_start(w->com, src, err))
                    return 1;
                take_aggs(w);
                chunk_begin(&c->cs, w, src);
            }
            if (end >= f->stop) {
                /* The line in hand is the last: it ends the read. */
                f->stopped = 1;
                rc = 0;
                if (c->since > 0) {
                    source_mark(&run->keys, src, line, start, end);
                    c->marked_end = end;
                }
                c->since = 0;
                break;
            }
        }
        /* The lines held to choose the format come first. */
        if (unhold(&w->sample, line, &start, &end)) {
            pending = 1;
            continue;
        }
        if (w->sample.rc <= 0) {
            rc = w->sample.rc;
            if (rc < 0)
                *rerr = *err;
            break;
        }
        next = reader_offset(f->r);
        rc = reader_next(f->r, line, rerr);
        if (rc <= 0)
            break;
        start = next;
        end = reader_offset(f->r);
        pending = 1;
    }
    if (rc < 0 && reader_tail_damaged(f->r)) {
        chunk_drop(&c->cs, w, src);
        c->since = c->counted = 0;
    }
    if (pool_sync_ok(w, src, f->name, err))
        return 1;
    /* The chunk before this last one must be in before it. */
    if (committer_wait(w->com, src, err))
        return 1;
    /* The reader keeps the last line past the end of the input. */
    if (c->since > 0 && reader_last_line(f->r, line))
        source_mark(&run->keys, src, line, start, end);
    return rc;
}

/*
 * Read one input on from where it was left. Returns 0, or the exit status
 * of what went wrong with it (the counts of the lines before are kept).
 */
static int ingest_file(struct worker *w, const char *path, int index)
{
    struct run *run = w->run;
    struct bs_err err = {0}, rerr = {0};
    struct file f = {.path = path, .index = index,
                     .stop = run->o->stops ? run->o->stops[index - 1]
                                           : INGEST_NO_STOP};
    struct reader_line line;
    int rc, status = 0, pending = 0, told = 0;

    rc = open_file(w, &f, &line, &pending, &err);
    if (rc <= 0) {
        if (rc < 0) {
            tell_error(run, &err);
            status = err.status;
        }
        goto done;
    }
    rc = read_lines(w, &f, &line, pending, &rerr, &err);
    if (rc > 0) {
        /* A chunk being written still goes in (or is dropped when it
         * fails too: the first error is the one told). */
        struct bs_err werr = {0};

        committer_wait(w->com, f.src, &werr);
        tell_error(run, &err);
        status = err.status;
        /* What was counted but not committed is dropped with the chunk. */
        pool_drop(w);
        committer_drop(w->com);
        goto done;
    }
    if (rc < 0) {
        tell_error(run, &rerr);
        snprintf(f.src->error, sizeof(f.src->error), "%s", rerr.msg);
        status = rerr.status;
    } else {
        int growing = 0;
        const char *end = reader_end_note(f.r, &growing);

        /* A .gz still being written is read on next time (-v says so);
         * garbage after its last member is a warning. */
        if (end)
            say(run, growing ? SINK_INFO : SINK_WARN, "%s", end);
        if (f.src->gzip && !f.stopped && !growing)
            f.src->complete = 1;
    }
    f.src->size = reader_file_size(f.r) ? reader_file_size(f.r)
                                        : reader_bytes_read(f.r);
    if (run->sink->progress)
        show_progress(run, &f, 1);
    else
        say(run, SINK_INFO, "%s: %llu new %s%s", f.name,
            (unsigned long long)(f.src->lines - f.lines0),
            plural((int64_t)(f.src->lines - f.lines0), "line", "lines"),
            f.found ? " (read on from where it stopped)" : "");
    told = 1;
    w->files++;
    /* Nothing new and nothing learnt: leave the database as it was, so
     * that running twice gives the same database. */
    if (f.found && source_unchanged(&f.was, f.src))
        goto done;
    if (committer_commit(w->com, f.src, &err)) {
        tell_error(run, &err);
        status = err.status;
    }
done:
    if (!told)
        show_unread(run, &f, status ? SINK_UNREAD_FAILED
                                    : SINK_UNREAD_NOTHING);
    if (f.src && f.fp[0]) {
        commit_release(&run->db, f.fp);
        source_release(run->claims, f.fp);
    }
    free(f.src);
    reader_close(f.r);
    return status;
}

/* ---- the workers ---------------------------------------------------------- */

/* A worker's own parts: GeoIP, robot rules, the dimensions' scratch. */
static struct worker *worker_parts(struct run *run)
{
    struct worker *w = xcalloc(1, sizeof(*w));
    struct bs_err err = {0};

    w->run = run;
    /* The run's opened the file: this open does not fail. */
    w->geo = geo_open_like(run->geo, &err);
    if (!w->geo)
        BUG("geo_open_like(%s): %s", run->geoip, err.msg);
    w->robots = robots_new();
    w->tally = tally_new_shared(run->families);
    w->url_cache = url_cache_new();
    w->ref_cache = url_cache_new();
    w->clients = client_cache_new();
    return w;
}

static struct worker *worker_new(struct run *run)
{
    struct worker *w = worker_parts(run);

    w->com = committer_new(&run->db);
    if (run->helpers)
        w->pool = pool_new(w, run->helpers);
    take_aggs(w);
    return w;
}

struct worker *ingest_helper_new(struct run *run)
{
    return worker_parts(run);
}

/* Its counts into the run's totals, and its parts freed. */
static void worker_free(struct worker *w)
{
    struct run *run = w->run;
    struct ingest_result *res = run->res;

    pool_free(w->pool);
    pthread_mutex_lock(&run->lock);
    res->lines += w->lines;
    res->bad += w->bad;
    res->hits += w->hits;
    res->views += w->views;
    res->files += w->files;
    res->excluded += w->excluded;
    for (size_t i = 0; i < CONF_SITES_MAX; i++)
        if (w->newest[i].seen)
            newest_add(&run->newest[i], w->newest[i].utc,
                       w->newest[i].tz_min);
    if (w->stray && !res->stray)
        memcpy(res->stray_host, w->stray_host, sizeof(res->stray_host));
    res->stray += w->stray;
    pthread_mutex_unlock(&run->lock);
    committer_free(w->com);
    parser_free(w->parser);
    free(w->sample.buf);
    robots_free(w->robots);
    tally_free(w->tally);
    url_cache_free(w->url_cache);
    url_cache_free(w->ref_cache);
    client_cache_free(w->clients);
    geo_close(w->geo);
    free(w);
}

void ingest_helper_free(struct worker *w)
{
    worker_free(w);
}

/* A worker takes the next file until there is none (or the database
 * failed: then the others stop too). */
static void *work(void *arg)
{
    struct worker *w = worker_new(arg);
    struct run *run = w->run;

    for (;;) {
        int i, st;

        pthread_mutex_lock(&run->lock);
        i = run->next < run->o->nfiles ? run->next++ : -1;
        pthread_mutex_unlock(&run->lock);
        if (i < 0)
            break;
        st = ingest_file(w, run->o->files[i], i + 1);
        run->status[i] = st;
        if (st == BS_IOERR || st == BS_TEMPFAIL || st == BS_OSERR) {
            pthread_mutex_lock(&run->lock);
            run->next = run->o->nfiles;
            pthread_mutex_unlock(&run->lock);
        }
    }
    worker_free(w);
    return NULL;
}

/* The most helpers beside one worker. */
#define INGEST_HELPERS_MAX 7

/* One worker per core (or jobs), never more than there are files; the
 * cores left over help count the workers' files. */
static void run_workers(struct run *run)
{
    long jobs = run->o->jobs;
    pthread_t *t;
    int started = 0;

    if (jobs <= 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);

        jobs = n > 0 ? n : 1;
    }
    /* Asked for more threads than files: each worker's lines judged by
     * helpers beside it (not by default: on two cores the inflate and
     * commit threads already use much of the second core, and the
     * blocks' copies and the helpers' cold caches cost what they save). */
    if (jobs > run->o->nfiles) {
        if (run->o->jobs > 0 && run->o->nfiles > 0)
            run->helpers = (size_t)(jobs / run->o->nfiles) - 1;
        /* Each holds its own GeoIP table and caches. */
        if (run->helpers > INGEST_HELPERS_MAX)
            run->helpers = INGEST_HELPERS_MAX;
        jobs = run->o->nfiles;
    }
    if (jobs <= 1) {
        work(run);
        return;
    }
    t = xcalloc((size_t)jobs, sizeof(*t));
    for (long i = 0; i < jobs; i++) {
        if (pthread_create(&t[i], NULL, work, run) != 0)
            break;
        started++;
    }
    if (started == 0)
        work(run);
    for (int i = 0; i < started; i++)
        pthread_join(t[i], NULL);
    free(t);
}

/* ---- the run ---------------------------------------------------------------- */

/* The country names, from iso-codes, into a database without them. */
static void load_country_names(struct run *run, struct store *store)
{
    FILE *f;
    char *buf;
    size_t n;
    struct bs_err err = {0};

    if (store_has_country_names(store))
        return;
    f = fopen(COUNTRY_NAMES_FILE, "r");
    if (!f) {
        say(run, SINK_INFO, "cannot open '%s' (Debian package iso-codes): "
            "country names will be missing", COUNTRY_NAMES_FILE);
        return;
    }
    buf = xmalloc(4 << 20);
    n = fread(buf, 1, (4 << 20) - 1, f);
    fclose(f);
    if (store_load_country_names(store, buf, n, &err))
        tell_error(run, &err);
    free(buf);
}

/* The GeoIP database the workers open (like run->geo): found now, said
 * once. */
static int find_geoip(struct run *run, char **found, struct bs_err *err)
{
    struct geo *geo = geo_open(run->o->geoip, err);

    if (!geo)
        return -1;
    run->geo = geo;
    if (!geo_path(geo))
        say(run, SINK_WARN, "no GeoIP database found (data/*.mmdb, "
            BLOGSTAT_DATADIR ", /usr/share/GeoIP, /var/lib/GeoIP): every "
            "country is '--'; give --geoip or [geoip] database (in a "
            "checkout of blogstat: make geoip)");
    else
        say(run, SINK_INFO, "countries from '%s'", geo_path(geo));
    *found = geo_path(geo) ? xstrdup(geo_path(geo)) : NULL;
    return 0;
}

/* The database, its key and its sites' ids: 0, or -1 with err. */
static int open_db(struct run *run, struct bs_err *err)
{
    const struct conf *conf = run->o->conf;
    struct store *store = store_open(run->o->db, STORE_WRITE, err);
    int key;

    if (!store)
        return -1;
    run->db.store = store;
    /* Failing, the journals stay on disk, SQLite's default: nothing to
     * tell. */
    (void)store_journal_in_memory(store);
    load_country_names(run, store);
    if (run->o->key) {
        memcpy(run->key, run->o->key, sizeof(run->key));
        key = DBFILES_KEY_READ;
    } else {
        key = dbfiles_key(run->o->db, run->o->key_path, store, run->key,
                          err);
    }
    if (key < 0)
        return -1;
    run->keys.key = run->key;
    run->db.key_check = visitor_key_check(run->key);
    run->keys.site = run->o->site >= 0 ? conf->sites[run->o->site].id : NULL;
    if (key == DBFILES_KEY_LOST) {
        char *path = dbfiles_key_file(run->o->db, run->o->key_path, NULL);

        say(run, SINK_ERROR, "no key '%s' beside the database: a new one is "
            "made, and readers seen before now count again in ranges that "
            "reach back before this run", path);
        free(path);
    }
    for (size_t i = 0; i < conf->nsites; i++)
        if (store_site_id(store, conf->sites[i].id, 1, &run->site_ids[i],
                          err) < 0)
            return -1;
    /* Site 0 keeps the ids visitors had before there were sites. */
    for (size_t i = 1; i < conf->nsites; i++)
        run->site_tags[i] = bs_fmix64((uint64_t)run->site_ids[i]);
    run->db.site_ids = run->site_ids;
    run->db.nsites = conf->nsites;
    run->db.audience = audience_new(store, run->o->now);
    return 0;
}

static int add_known(void *ctx, enum url_kind kind, const char *key,
                     size_t n)
{
    char k[URL_KEY_MAX + 1];

    k[0] = (char)kind;
    memcpy(k + 1, key, n);
    strtab_intern(ctx, k, n + 1, NULL);
    return 0;
}

/* Each site's keys never folded, from the database: 0, or -1 with err. */
static int load_known(struct run *run, struct bs_err *err)
{
    for (size_t i = 0; i < run->o->conf->nsites; i++) {
        run->known[i] = strtab_new();
        if (store_each_known(run->db.store, run->site_ids[i], add_known,
                             run->known[i], err))
            return -1;
    }
    return 0;
}

/* The newest line of each site and of all, for the day still being
 * written (store_newest_line_put()): 0, or -1 with err. */
static int put_newest(struct run *run, struct bs_err *err)
{
    struct newest all = {0, 0, 0};

    for (size_t i = 0; i < run->o->conf->nsites; i++) {
        if (!run->newest[i].seen)
            continue;
        newest_add(&all, run->newest[i].utc, run->newest[i].tz_min);
        if (store_newest_line_put(run->db.store, run->site_ids[i],
                                  run->newest[i].utc, run->newest[i].tz_min,
                                  err))
            return -1;
    }
    return all.seen ? store_newest_line_put(run->db.store, STORE_SITE_ALL,
                                            all.utc, all.tz_min, err)
                    : 0;
}

/* "auto", with blanks around it or not. */
static int is_auto(const char *format)
{
    while (*format == ' ' || *format == '\t')
        format++;
    return strncmp(format, "auto", 4) == 0 &&
           strspn(format + 4, " \t") == strlen(format + 4);
}

int ingest_run(const struct ingest_opts *o, const struct sink *sink,
               struct ingest_result *res, struct bs_err *err)
{
    struct run *run = xcalloc(1, sizeof(*run));
    char *geoip = NULL;
    int lock_fd = -1, rc = -1;
    struct bs_err err2 = {0};

    memset(res, 0, sizeof(*res));
    run->o = o;
    run->sink = sink;
    run->res = res;
    run->detect = is_auto(o->format);
    conf_parse_options(o->conf, &run->jmap, &run->popt);
    pthread_mutex_init(&run->out_lock, NULL);
    pthread_mutex_init(&run->lock, NULL);
    pthread_mutex_init(&run->db.lock, NULL);
    run->families = ua_families_new();
    if (find_geoip(run, &geoip, err))
        goto out;
    run->geoip = geoip;
    /* A database file takes one ingest at a time; on PostgreSQL each
     * log is locked by itself (store_claim_source()). */
    if ((!db_is_uri(o->db) &&
         (lock_fd = dbfiles_lock(o->db, o->wait, err)) < 0) ||
        open_db(run, err) || load_known(run, err))
        goto out;
    run->claims = source_claims_new();
    run->status = xcalloc((size_t)o->nfiles, sizeof(*run->status));
    clock_gettime(CLOCK_MONOTONIC, &run->t0);
    run_workers(run);
    /* The first failing file in the command's order gives the status. */
    res->first_failed = -1;
    for (int i = 0; i < o->nfiles; i++)
        if (run->status[i] && !res->failed++) {
            res->status = run->status[i];
            res->first_failed = i;
        }
    {
        struct bs_err cerr = {0};

        if (audience_close_days(run->db.audience, &cerr)) {
            tell_error(run, &cerr);
            if (!res->status)
                res->status = cerr.status;
        }
    }
    if (put_newest(run, &err2) && !res->status) {
        tell_error(run, &err2);
        res->status = err2.status;
    }
    res->bad_shown = run->bad_shown;
    res->secs = elapsed(&run->t0);
    rc = 0;
out:
    audience_free(run->db.audience);
    store_close(run->db.store);
    if (lock_fd >= 0)
        close(lock_fd);
    source_claims_free(run->claims);
    for (size_t i = 0; i < CONF_SITES_MAX; i++)
        strtab_free(run->known[i]);
    free(run->status);
    free(geoip);
    geo_close(run->geo);
    ua_families_free(run->families);
    pthread_mutex_destroy(&run->out_lock);
    pthread_mutex_destroy(&run->lock);
    pthread_mutex_destroy(&run->db.lock);
    free(run);
    return rc;
}
