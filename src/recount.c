/*
 * recount.c - days counted again: the plan (which days, which logs, where
 * they are now), the scratch database the ingest engine reads them into,
 * and the replacement of each day, one transaction a day.
 */
#include "blogstat.h"
#include "conf.h"
#include "db.h"
#include "dbfiles.h"
#include "ingest.h"
#include "reader.h"
#include "recount.h"
#include "source.h"
#include "store.h"
#include "visitor.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- the plan --------------------------------------------------------- */

/* A log the store has read, and where it is now. */
struct rlog {
    struct store_source src;
    char *path;                /* where it was found, or NULL */
    const char *why;           /* why it cannot be used, or NULL */
    char why_buf[600];         /* the why of a name that is not the log */
};

struct recount_plan {
    int32_t from, to;
    struct source_keys keys;   /* borrowed */
    struct rlog *logs;
    size_t nlogs;
    int32_t *days;             /* sorted, unique once days_sorted */
    size_t ndays, capdays;
    int days_sorted;
    char **paths;              /* recount_plan_files() */
    uint64_t *stops;
};

struct recount_plan *recount_plan_new(int32_t from, int32_t to,
                                     const struct source_keys *k)
{
    struct recount_plan *p = xcalloc(1, sizeof(*p));

    p->from = from;
    p->to = to;
    p->keys = *k;
    return p;
}

void recount_plan_free(struct recount_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->nlogs; i++)
        free(p->logs[i].path);
    free(p->logs);
    free(p->days);
    free(p->paths);
    free(p->stops);
    free(p);
}

static void add_day(struct recount_plan *p, int32_t day)
{
    if (p->ndays == p->capdays) {
        p->capdays = p->capdays ? 2 * p->capdays : 64;
        p->days = xrealloc(p->days, p->capdays * sizeof(*p->days));
    }
    p->days[p->ndays++] = day;
    p->days_sorted = 0;
}

void recount_plan_add_source(struct recount_plan *p,
                             const struct store_source *src)
{
    struct rlog *l;

    if (!src->has_days || src->max_day < p->from || src->first_day > p->to)
        return;
    p->logs = xrealloc(p->logs, (p->nlogs + 1) * sizeof(*p->logs));
    l = &p->logs[p->nlogs++];
    memset(l, 0, sizeof(*l));
    l->src = *src;
    for (int32_t d = src->first_day > p->from ? src->first_day : p->from;
         d <= src->max_day && d <= p->to; d++)
        add_day(p, d);
}

void recount_plan_add_day(struct recount_plan *p, int32_t day)
{
    if (day >= p->from && day <= p->to)
        add_day(p, day);
}

static int cmp_day(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

    return (x > y) - (x < y);
}

static void sort_days(struct recount_plan *p)
{
    size_t k = 0;

    if (p->days_sorted)
        return;
    qsort(p->days, p->ndays, sizeof(*p->days), cmp_day);
    for (size_t i = 0; i < p->ndays; i++)
        if (k == 0 || p->days[k - 1] != p->days[i])
            p->days[k++] = p->days[i];
    p->ndays = k;
    p->days_sorted = 1;
}

size_t recount_plan_ndays(const struct recount_plan *p)
{
    sort_days((struct recount_plan *)p);
    return p->ndays;
}

int32_t recount_plan_day_at(const struct recount_plan *p, size_t i)
{
    sort_days((struct recount_plan *)p);
    return p->days[i];
}

int recount_plan_offer(struct recount_plan *p, const char *path)
{
    struct source_head h;
    int took = 0;

    if (source_head_of(&p->keys, path, &h))
        return 0;
    for (size_t i = 0; i < p->nlogs; i++) {
        struct rlog *l = &p->logs[i];

        if (!l->path && !l->why && source_head_matches(&p->keys, &h, &l->src)) {
            l->path = xstrdup(path);
            took++;
        }
    }
    return took;
}

/* Strip a ".gz", then a ".N" or "-N" ending (digits) from the name of n
 * bytes: the length of what is left. */
static size_t base_len(const char *name, size_t n)
{
    size_t k;

    if (n > 3 && memcmp(name + n - 3, ".gz", 3) == 0)
        n -= 3;
    for (k = n; k > 0 && name[k - 1] >= '0' && name[k - 1] <= '9'; k--)
        ;
    if (k < n && k > 1 && (name[k - 1] == '.' || name[k - 1] == '-'))
        n = k - 1;
    return n;
}

void recount_siblings(const char *name,
                      void (*fn)(void *ctx, const char *path), void *ctx)
{
    const char *slash = strrchr(name, '/');
    const char *file = slash ? slash + 1 : name;
    size_t dirlen = slash ? (size_t)(slash - name) : 0;
    size_t blen = base_len(file, strlen(file));
    char *dir = slash ? xmemdup(name, dirlen ? dirlen : 1) : xstrdup(".");
    struct stat st;
    DIR *d;
    struct dirent *e;

    if (stat(name, &st) == 0 && S_ISREG(st.st_mode))
        fn(ctx, name);
    if (blen == 0 || !(d = opendir(dir))) {
        free(dir);
        return;
    }
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        char *path;

        if (n < blen || memcmp(e->d_name, file, blen) != 0 ||
            strcmp(e->d_name, file) == 0)
            continue;
        path = xmalloc(strlen(dir) + n + 2);
        snprintf(path, strlen(dir) + n + 2, "%s/%s", dir, e->d_name);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
            fn(ctx, path);
        free(path);
    }
    closedir(d);
    free(dir);
}

static void offer_one(void *ctx, const char *path)
{
    recount_plan_offer(ctx, path);
}

void recount_plan_search(struct recount_plan *p)
{
    for (size_t i = 0; i < p->nlogs; i++) {
        struct rlog *l = &p->logs[i];
        struct source_head h;

        if (l->path || l->why)
            continue;
        recount_siblings(l->src.name, offer_one, p);
        if (l->path)
            continue;
        /* Said for each log still missing, once all are looked for. */
        if (source_head_of(&p->keys, l->src.name, &h) == 0) {
            l->why = "another log has that name now, and none beside it "
                     "begins as it did (give it as FILE when it is "
                     "elsewhere)";
        }
    }
    for (size_t i = 0; i < p->nlogs; i++)
        if (!p->logs[i].path && !p->logs[i].why)
            p->logs[i].why = "it is not on disk (give it as FILE when it "
                             "is elsewhere)";
}

void recount_plan_reject(struct recount_plan *p, const char *fp,
                         const char *why)
{
    for (size_t i = 0; i < p->nlogs; i++) {
        struct rlog *l = &p->logs[i];

        if (strcmp(l->src.fingerprint, fp) == 0) {
            snprintf(l->why_buf, sizeof(l->why_buf), "%s", why);
            l->why = l->why_buf;
        }
    }
}

/* A log usable for day. */
static int usable(const struct rlog *l)
{
    return l->path && !l->why;
}

enum recount_day recount_plan_day(const struct recount_plan *p, int32_t day,
                                  const char **name, const char **why)
{
    int covered = 0;

    for (size_t i = 0; i < p->nlogs; i++) {
        const struct rlog *l = &p->logs[i];

        if (day < l->src.first_day || day > l->src.max_day)
            continue;
        covered = 1;
        if (!usable(l)) {
            *name = l->src.name;
            *why = l->why ? l->why : "it is not on disk";
            return RECOUNT_DAY_MISSING;
        }
    }
    return covered ? RECOUNT_DAY_READY : RECOUNT_DAY_UNKNOWN;
}

int recount_plan_files(struct recount_plan *p, char ***paths,
                       uint64_t **stops)
{
    int n = 0;

    free(p->paths);
    free(p->stops);
    p->paths = xcalloc(p->nlogs + 1, sizeof(*p->paths));
    p->stops = xcalloc(p->nlogs + 1, sizeof(*p->stops));
    for (size_t i = 0; i < p->nlogs; i++) {
        struct rlog *l = &p->logs[i];
        const char *name, *why;
        int ready = 0;

        if (!usable(l))
            continue;
        for (int32_t d = l->src.first_day; d <= l->src.max_day && !ready;
             d++)
            ready = d >= p->from && d <= p->to &&
                    recount_plan_day(p, d, &name, &why) ==
                        RECOUNT_DAY_READY;
        if (!ready)
            continue;
        p->paths[n] = l->path;
        p->stops[n++] = l->src.position;
    }
    *paths = p->paths;
    *stops = p->stops;
    return n;
}

void recount_plan_each_found(struct recount_plan *p,
                             int (*fn)(void *ctx, const char *path,
                                       const struct store_source *src),
                             void *ctx)
{
    for (size_t i = 0; i < p->nlogs; i++)
        if (usable(&p->logs[i]) &&
            fn(ctx, p->logs[i].path, &p->logs[i].src))
            return;
}

/* ---- one day ---------------------------------------------------------- */

struct put_ctx {
    struct store *to;
    int32_t day;
    int open;
    int failed;
    struct bs_err *err;
};

static int put_one(void *ctx, const struct store_item *it)
{
    struct put_ctx *c = ctx;

    /* A closed day keeps no visits open: later lines start new ones. */
    if (it->table == STORE_ITEM_OPEN_VISIT && !c->open)
        return 0;
    if (store_put_item(c->to, c->day, it, c->err)) {
        c->failed = 1;
        return 1;
    }
    return 0;
}

int recount_day(struct store *to, struct store *from, int32_t day, int open,
                struct bs_err *err)
{
    struct put_ctx c = {.to = to, .day = day, .open = open, .err = err};

    if (store_begin(to, err))
        return -1;
    if (store_day_clear(to, day, err) ||
        store_day_items(from, day, put_one, &c, err) || c.failed ||
        store_commit(to, err)) {
        store_rollback(to);
        return -1;
    }
    return 0;
}

/* ---- the run ---------------------------------------------------------- */

/* The scratch database's file in its folder, and what SQLite and the
 * ingest put beside it. */
#define SCRATCH_DB "counts.db"
static const char *const scratch_files[] = {
    SCRATCH_DB, SCRATCH_DB "-wal", SCRATCH_DB "-shm", SCRATCH_DB "-journal",
    SCRATCH_DB ".lock",
};

struct rrun {
    const struct recount_opts *o;
    const struct sink *sink;
    struct recount_result *res;
    struct store *store;           /* the database */
    struct recount_plan *plan;
    unsigned char key[VISITOR_KEY_BYTES];
    struct source_keys keys;       /* sources', under key */
    char *dir;                     /* the scratch's folder, or NULL */
    char *scratch;                 /* its database's path */
    struct store *counts;          /* the scratch, open after reading */
    int rejected;                  /* logs rejected by the last check */
};

static void say(const struct rrun *r, enum sink_level level, const char *fmt,
                ...) __attribute__((format(printf, 3, 4)));

static void say(const struct rrun *r, enum sink_level level, const char *fmt,
                ...)
{
    char msg[2048];
    va_list ap;

    if ((int)level > r->sink->level)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    r->sink->message(r->sink->ctx, level, msg);
}

static void day_text(int32_t day, char out[16])
{
    int y;
    unsigned m, d;

    civil_from_days(day, &y, &m, &d);
    snprintf(out, 16, "%04d-%02u-%02u", y, m, d);
}

/* Remove the scratch folder dir and the files blogstat put in it. */
static void scratch_remove(const char *dir)
{
    for (size_t i = 0; i < ARRAY_SIZE(scratch_files); i++) {
        size_t n = strlen(dir) + strlen(scratch_files[i]) + 2;
        char *path = xmalloc(n);

        snprintf(path, n, "%s/%s", dir, scratch_files[i]);
        unlink(path);
        free(path);
    }
    rmdir(dir);
}

/* The scratch folders a killed recount left beside the database (the
 * lock is held: no other recount is using one). */
static void scratch_sweep(const char *db)
{
    const char *slash = strrchr(db, '/');
    char *dir = slash ? xmemdup(db, slash > db ? (size_t)(slash - db) : 1)
                      : xstrdup(".");
    const char *file = slash ? slash + 1 : db;
    size_t n = strlen(file);
    struct dirent *e;
    DIR *d = opendir(dir);

    while (d && (e = readdir(d))) {
        struct stat st;
        char *path;
        size_t len = strlen(e->d_name);

        if (len != n + sizeof(".recount.XXXXXX") - 1 ||
            memcmp(e->d_name, file, n) != 0 ||
            memcmp(e->d_name + n, ".recount.", 9) != 0)
            continue;
        path = xmalloc(strlen(dir) + len + 2);
        snprintf(path, strlen(dir) + len + 2, "%s/%s", dir, e->d_name);
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
            scratch_remove(path);
        free(path);
    }
    if (d)
        closedir(d);
    free(dir);
}

static int scratch_make(struct rrun *r, struct bs_err *err)
{
    size_t n = strlen(r->o->db) + sizeof(".recount.XXXXXX");

    r->dir = xmalloc(n);
    snprintf(r->dir, n, "%s.recount.XXXXXX", r->o->db);
    if (!mkdtemp(r->dir)) {
        bs_fail(err, BS_CANTCREAT, "cannot create a folder '%s' beside the "
                "database: %s", r->dir, strerror(errno));
        free(r->dir);
        r->dir = NULL;
        return -1;
    }
    n = strlen(r->dir) + sizeof("/" SCRATCH_DB);
    r->scratch = xmalloc(n);
    snprintf(r->scratch, n, "%s/%s", r->dir, SCRATCH_DB);
    return 0;
}

static void scratch_drop(struct rrun *r)
{
    store_close(r->counts);
    r->counts = NULL;
    if (r->dir)
        scratch_remove(r->dir);
    free(r->dir);
    free(r->scratch);
    r->dir = r->scratch = NULL;
}

struct site_copy {
    struct store *to;
    struct bs_err *err;
    int failed;
};

static int copy_site(void *ctx, const struct store_site_row *row)
{
    struct site_copy *c = ctx;

    if (row->id != STORE_SITE_DEFAULT &&
        store_site_put(c->to, row->id, row->name, c->err)) {
        c->failed = 1;
        return 1;
    }
    return 0;
}

/*
 * The scratch as the database sees it before reading: its sites with the
 * database's ids (a visitor's id on a site is mixed with the site's id,
 * visitor.h), its imported posts (the keys never folded) and the salts of its open days (so that the open visits
 * counted again are the database's visitors).
 */
static int scratch_prepare(struct rrun *r, struct bs_err *err)
{
    struct store *s = store_open(r->scratch, STORE_WRITE, err);
    struct store_filter f = {.from = r->o->from, .to = r->o->to};
    struct site_copy c = {.err = err};
    int rc = -1;

    if (!s)
        return -1;
    c.to = s;
    if (store_begin(s, err))
        goto out;
    /* The posts imported: the scratch folds what the database folds. */
    if (store_sites(r->store, &f, copy_site, &c, err) || c.failed ||
        store_copy_posts(r->store, s, err))
        goto fail;
    for (size_t i = 0; i < recount_plan_ndays(r->plan); i++) {
        int32_t day = recount_plan_day_at(r->plan, i);
        unsigned char salt[VISITOR_KEY_BYTES];
        int found = store_salt_get(r->store, day, salt, sizeof(salt), err);

        if (found < 0 ||
            (found && store_salt_put(s, day, salt, sizeof(salt), r->o->now,
                                     err)))
            goto fail;
    }
    if (store_commit(s, err))
        goto out;
    rc = 0;
    goto out;
fail:
    store_rollback(s);
out:
    store_close(s);
    return rc;
}

struct check_ctx {
    struct rrun *r;
    struct bs_err *err;
    int failed;
};

/* A log read back must end where the database's reading ended, on the
 * same line: else it is not what was read. */
static int check_one(void *ctx, const char *path,
                     const struct store_source *src)
{
    struct check_ctx *c = ctx;
    struct store_source got;
    struct source_head h;
    int found = 0;
    char why[600];

    /* The scratch knows the log by its beginning as it is now. */
    if (source_head_of(&c->r->plan->keys, path, &h) == 0)
        found = source_find(c->r->counts, &c->r->plan->keys, &h, &got,
                            c->err);
    if (found < 0) {
        c->failed = 1;
        return 1;
    }
    /* An earlier blogstat's check is of another kind: the line read
     * back is checked against it instead. */
    if (found && got.position == src->position &&
        (strcmp(got.last_hash, src->last_hash) == 0 ||
         (src->head_len < 0 && source_holds(&c->r->plan->keys, path, src))))
        return 0;
    snprintf(why, sizeof(why), "found as '%s', which begins as it did but "
             "does not hold the %llu bytes read of it", path,
             (unsigned long long)src->position);
    recount_plan_reject(c->r->plan, src->fingerprint, why);
    c->r->rejected++;
    return 0;
}

/* Read the logs of the ready days into a new scratch and check them:
 * 0 (r->counts open, or NULL when there is nothing to read), or -1. */
static int read_logs(struct rrun *r, struct bs_err *err)
{
    const struct recount_opts *o = r->o;
    struct ingest_opts io = {0};
    struct ingest_result ir;
    struct check_ctx c = {.r = r, .err = err};
    struct sink quiet = *r->sink;
    char **paths;
    uint64_t *stops;
    int n = recount_plan_files(r->plan, &paths, &stops);

    r->rejected = 0;
    if (n == 0)
        return 0;
    if (scratch_make(r, err) || scratch_prepare(r, err))
        return -1;
    io.conf = o->conf;
    io.db = r->scratch;
    io.format = o->format;
    io.site = o->site;
    io.geoip = o->geoip;
    io.commit_every = INGEST_CHUNK_LINES;
    io.jobs = o->jobs;
    io.now = o->now;
    io.files = paths;
    io.nfiles = n;
    io.stops = stops;
    io.key = r->key;
    /* Bad lines were told when first read: only errors, unless -v. */
    if (quiet.level < SINK_INFO)
        quiet.level = SINK_ERROR;
    if (ingest_run(&io, &quiet, &ir, err))
        return -1;
    r->res->files += ir.files;
    if (!(r->counts = store_open(r->scratch, STORE_READ, err)))
        return -1;
    recount_plan_each_found(r->plan, check_one, &c);
    return c.failed ? -1 : 0;
}

/* Say which days are left as they were, a run of days with one reason
 * at a time. */
static void tell_kept(struct rrun *r, int32_t first, int32_t last,
                      const char *name, const char *why)
{
    char a[16], b[16];

    day_text(first, a);
    day_text(last, b);
    if (!name)
        say(r, SINK_WARN, "%s%s%s: left as %s: no log read is known to "
            "hold %s", a, first == last ? "" : " to ", first == last ? "" : b,
            first == last ? "it was" : "they were",
            first == last ? "it" : "them");
    else
        say(r, SINK_WARN, "%s%s%s: left as %s: a log of %s, last read as "
            "'%s': %s", a, first == last ? "" : " to ",
            first == last ? "" : b, first == last ? "it was" : "they were",
            first == last ? "it" : "them", name, why);
}

/* Replace the ready days, tell the others: 0, or -1 with err. */
static int replace_days(struct rrun *r, struct bs_err *err)
{
    size_t n = recount_plan_ndays(r->plan);
    const char *kname = NULL, *kwhy = NULL;
    int32_t kfirst = 0, klast = 0;
    int keeping = 0;

    for (size_t i = 0; i < n; i++) {
        int32_t day = recount_plan_day_at(r->plan, i);
        const char *name = NULL, *why = NULL;
        enum recount_day st = recount_plan_day(r->plan, day, &name, &why);

        if (keeping && (st == RECOUNT_DAY_READY || day != klast + 1 ||
                        name != kname || why != kwhy)) {
            tell_kept(r, kfirst, klast, kname, kwhy);
            keeping = 0;
        }
        if (st != RECOUNT_DAY_READY) {
            r->res->kept++;
            if (!keeping) {
                keeping = 1;
                kfirst = day;
                kname = name;
                kwhy = why;
            }
            klast = day;
            continue;
        }
        {
            unsigned char salt[VISITOR_KEY_BYTES];
            int open = store_salt_get(r->store, day, salt, sizeof(salt), err);
            char text[16];

            if (open < 0 || recount_day(r->store, r->counts, day, open, err))
                return -1;
            day_text(day, text);
            say(r, SINK_INFO, "%s: counted again", text);
            r->res->days++;
        }
    }
    if (keeping)
        tell_kept(r, kfirst, klast, kname, kwhy);
    return 0;
}

static int add_source(void *ctx, const struct store_source *src)
{
    recount_plan_add_source(ctx, src);
    return 0;
}

static int add_data_day(void *ctx, int32_t day)
{
    recount_plan_add_day(ctx, day);
    return 0;
}

/* The plan: the days, their logs, and where these are now. */
static int make_plan(struct rrun *r, struct bs_err *err)
{
    const struct recount_opts *o = r->o;

    r->keys.key = r->key;
    r->keys.site = o->site >= 0 ? o->conf->sites[o->site].id : NULL;
    r->plan = recount_plan_new(o->from, o->to, &r->keys);
    if (store_each_source(r->store, add_source, r->plan, err) ||
        store_each_day(r->store, o->from, o->to, add_data_day, r->plan, err))
        return -1;
    for (int i = 0; i < o->nfiles; i++)
        if (recount_plan_offer(r->plan, o->files[i]) == 0)
            say(r, SINK_WARN, "%s: not a log of these days that is still "
                "to find (or cannot be read); not used", o->files[i]);
    recount_plan_search(r->plan);
    return 0;
}

/* The database, its key and the config's sites: 0, or -1 with err. */
static int open_db(struct rrun *r, struct bs_err *err)
{
    const struct conf *conf = r->o->conf;

    if (!(r->store = store_open(r->o->db, STORE_WRITE, err)) ||
        dbfiles_key(r->o->db, r->o->key_path, r->store, r->key, err) < 0)
        return -1;
    /* Made here first, so that the scratch counts under the ids they
     * keep. */
    for (size_t i = 0; i < conf->nsites; i++) {
        int64_t id;

        if (store_site_id(r->store, conf->sites[i].id, 1, &id, err) < 0)
            return -1;
    }
    return 0;
}

int recount_run(const struct recount_opts *o, const struct sink *sink,
                struct recount_result *res, struct bs_err *err)
{
    struct rrun r = {.o = o, .sink = sink, .res = res};
    struct timespec t0, t1;
    int lock_fd, rc = -1;

    memset(res, 0, sizeof(*res));
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (db_is_uri(o->db)) {
        char *shown = store_uri_shown(o->db);

        bs_fail(err, BS_USAGE, "recount works on a database file; copy "
                "'%s' to a file (blogstat copy --to FILE), recount there, "
                "and copy that into a new database", shown);
        free(shown);
        return -1;
    }
    if ((lock_fd = dbfiles_lock(o->db, o->wait, err)) < 0)
        return -1;
    scratch_sweep(o->db);
    if (open_db(&r, err) || make_plan(&r, err))
        goto out;
    /* A log that turns out not to be what was read spoils the scratch
     * for the days of the others too: read again without it. */
    do {
        scratch_drop(&r);
        if (read_logs(&r, err))
            goto out;
    } while (r.rejected);
    rc = 0;
    if (replace_days(&r, err)) {
        res->status = err->status;
        r.sink->error(r.sink->ctx, err);
    } else if (res->kept) {
        res->status = BS_NOINPUT;
    }
out:
    scratch_drop(&r);
    recount_plan_free(r.plan);
    store_close(r.store);
    close(lock_fd);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    res->secs = (double)(t1.tv_sec - t0.tv_sec) +
                (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    return rc;
}
