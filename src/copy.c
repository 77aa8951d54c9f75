/*
 * copy.c - a whole database into another (copy.h): the destination
 * checked empty and locked, the source read in one snapshot, everything
 * written in one transaction of the destination, and the visitor key
 * file put where the copy's next ingest looks for it.
 */
#include "blogstat.h"
#include "atomicfile.h"
#include "copy.h"
#include "db.h"
#include "dbfiles.h"
#include "store.h"
#include "visitor.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct crun {
    const struct copy_opts *o;
    const struct sink *sink;
    struct copy_result *res;
    struct store *from, *to;
    int lock_fd;               /* the destination file's lock, or -1 */
    int created;               /* the destination file is the copy's */
    /* The visitor key: the source's file and the copy's (NULL: none can
     * be named), and the source's key when read. */
    char *key_from, *key_to;
    unsigned char key[VISITOR_KEY_BYTES];
    int has_key;
    int write_key;             /* key_to is to be written */
};

static void say(const struct crun *r, enum sink_level level,
                const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(const struct crun *r, enum sink_level level,
                const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    if (!r->sink || r->sink->level < (int)level)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    r->sink->message(r->sink->ctx, level, msg);
}

/* Both names are one database: BS_USAGE. */
static int same_database(const char *from, const char *to,
                         struct bs_err *err)
{
    struct stat a, b;
    int same;

    if (db_is_uri(from) || db_is_uri(to))
        same = strcmp(from, to) == 0;
    else
        same = stat(from, &a) == 0 && stat(to, &b) == 0 &&
               a.st_dev == b.st_dev && a.st_ino == b.st_ino;
    return same ? bs_fail(err, BS_USAGE, "--to names the database that is "
                          "copied; give a new one") : 0;
}

/* The key file at path: 1 read into key, 0 none, -1 with err. */
static int key_read(const char *path, unsigned char key[VISITOR_KEY_BYTES],
                    struct bs_err *err)
{
    unsigned char extra;
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY), rc = 1;

    if (fd < 0)
        return errno == ENOENT ? 0
                               : bs_fail(err, BS_NOINPUT, "cannot read the "
                                         "key '%s': %s", path,
                                         strerror(errno));
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        rc = bs_fail(err, BS_NOINPUT, "the key '%s' is not a regular file",
                     path);
    else if (read(fd, key, VISITOR_KEY_BYTES) != VISITOR_KEY_BYTES ||
             read(fd, &extra, 1) != 0)
        rc = bs_fail(err, BS_DATAERR, "'%s' is not a blogstat key (16 "
                     "bytes)", path);
    close(fd);
    return rc;
}

/* Where the source's key is and where the copy's will be, before
 * anything is written: a key file already beside the destination must be
 * the source's. 0, or -1 with err. */
static int key_plan(struct crun *r, struct bs_err *err)
{
    unsigned char there[VISITOR_KEY_BYTES];
    struct bs_err none = {0};
    int found;

    /* NULL for a URI without [db] key: no file to name. */
    r->key_from = dbfiles_key_file(r->o->from, r->o->key_path, &none);
    r->key_to = dbfiles_key_file(r->o->to, r->o->key_path, &none);
    if (r->key_from &&
        (r->has_key = key_read(r->key_from, r->key, err)) < 0)
        return -1;
    if (!r->key_to || (r->key_from && strcmp(r->key_from, r->key_to) == 0))
        return 0;
    if ((found = key_read(r->key_to, there, err)) < 0)
        return -1;
    if (found && r->has_key && memcmp(there, r->key, sizeof(there)) != 0)
        return bs_fail(err, BS_CANTCREAT, "the key '%s' is not the key of "
                       "database '%s' ('%s'), under which the copy's logs "
                       "and visitors are known: remove it, or copy into "
                       "another database", r->key_to, r->o->from,
                       r->key_from);
    r->write_key = !found && r->has_key;
    return 0;
}

/* The destination, locked (a file) and open, and empty: 0, or -1. */
static int open_to(struct crun *r, struct bs_err *err)
{
    const char *table = NULL;
    struct stat st;
    int empty;

    if (!db_is_uri(r->o->to)) {
        r->created = lstat(r->o->to, &st) != 0 && errno == ENOENT;
        if ((r->lock_fd = dbfiles_lock(r->o->to, 0, err)) < 0) {
            r->created = 0;
            return -1;
        }
    }
    if (!(r->to = store_open(r->o->to, STORE_WRITE, err)))
        return -1;
    if ((empty = store_is_empty(r->to, &table, err)) < 0)
        return -1;
    if (!empty)
        return bs_fail(err, BS_CANTCREAT, "database '%s' is not empty (its "
                       "table %s has rows): copy into a new database, or "
                       "an empty one", store_name(r->to), table);
    return 0;
}

struct day_list {
    int32_t *v;
    size_t n, cap;
};

static int add_day(void *ctx, int32_t day)
{
    struct day_list *l = ctx;

    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = day;
    return 0;
}

/*
 * The items of one day going into the copy. Sites keep their ids, so
 * each name is looked up once; a visitor's open visits come one item
 * each, by visitor and by start, and go in as one row.
 */
#define SITES_CACHED 16

struct day_copy {
    struct store *to;
    int32_t day;
    uint64_t rows;
    struct bs_err *err;
    int failed;
    struct {
        char name[STORE_SITE_NAME_MAX + 1];
        int64_t id;
    } site[SITES_CACHED];
    int nsites;
    int64_t visitor;               /* whose visits wait in open[] */
    struct visit open[STORE_OPEN_VISITS_MAX];
    size_t nopen;
};

/* The copy's id of site name: 0, or -1 with err. */
static int site_of(struct day_copy *c, const char *name, int64_t *id)
{
    for (int i = 0; i < c->nsites; i++)
        if (strcmp(c->site[i].name, name) == 0) {
            *id = c->site[i].id;
            return 0;
        }
    if (store_site_id(c->to, name, 1, id, c->err) < 0)
        return -1;
    if (c->nsites < SITES_CACHED && strlen(name) <= STORE_SITE_NAME_MAX) {
        snprintf(c->site[c->nsites].name, sizeof(c->site[0].name), "%s",
                 name);
        c->site[c->nsites++].id = *id;
    }
    return 0;
}

/* The waiting visitor's open visits written: 0, or -1 with err. */
static int flush_open(struct day_copy *c)
{
    size_t n = c->nopen;

    c->nopen = 0;
    return n ? store_open_visits_append(c->to, c->day, c->visitor, c->open,
                                        n, c->err)
             : 0;
}

static int add_open(struct day_copy *c, int64_t site,
                    const struct store_item *it)
{
    int64_t page;

    if (c->nopen && it->n[0] != c->visitor && flush_open(c))
        return -1;
    if (c->nopen == STORE_OPEN_VISITS_MAX)
        return bs_fail(c->err, BS_DATAERR, "day %d: more than %d open "
                       "visits of one visitor", (int)c->day,
                       STORE_OPEN_VISITS_MAX);
    if (store_path_id(c->to, site, it->kind, it->key, it->key_n, &page,
                      c->err))
        return -1;
    c->visitor = it->n[0];
    c->open[c->nopen++] = (struct visit){.start = (int32_t)it->n[1],
                                         .end = (int32_t)it->n[2],
                                         .landing = page};
    return 0;
}

/* An item into the copy, as store_put_item() puts it, with the site's
 * id known: 0, or -1 with err. */
static int put(struct day_copy *c, const struct store_item *it)
{
    const uint64_t n0 = (uint64_t)it->n[0];
    int64_t site, page;

    if (site_of(c, it->site, &site))
        return -1;
    if (it->table != STORE_ITEM_OPEN_VISIT && flush_open(c))
        return -1;
    switch (it->table) {
    case STORE_ITEM_PATH_VIEWS:
        return store_add_path_views(c->to, site, c->day, it->kind, it->key,
                                    it->key_n, n0, c->err);
    case STORE_ITEM_TERM_VIEWS:
        return store_add_term_views(c->to, site, c->day, it->kind, it->key,
                                    it->key_n, n0, c->err);
    case STORE_ITEM_COUNTRY_VIEWS:
        return store_add_country_views(c->to, site, c->day, it->country, n0,
                                       c->err);
    case STORE_ITEM_POST_COUNTRY:
        return store_add_post_country_views(c->to, site, c->day, it->kind,
                                            it->key, it->key_n, it->country,
                                            n0, c->err);
    case STORE_ITEM_DAY_SKETCH:
        return store_add_sketch(c->to, site, STORE_SKETCH_DAY, c->day, 0,
                                NULL, it->blob, it->blob_n, c->err);
    case STORE_ITEM_COUNTRY_SKETCH:
        return store_add_sketch(c->to, site, STORE_SKETCH_COUNTRY, c->day, 0,
                                it->country, it->blob, it->blob_n, c->err);
    case STORE_ITEM_PATH_SKETCH:
        return store_path_id(c->to, site, it->kind, it->key, it->key_n,
                             &page, c->err) ||
               store_add_sketch(c->to, site, STORE_SKETCH_PATH, c->day, page,
                                NULL, it->blob, it->blob_n, c->err);
    case STORE_ITEM_VISITS:
        return store_path_id(c->to, site, it->kind, it->key, it->key_n,
                             &page, c->err) ||
               store_add_visits(c->to, site, c->day, page, it->n[0], c->err);
    case STORE_ITEM_REFERRER:
        return store_path_id(c->to, site, it->kind, it->key, it->key_n,
                             &page, c->err) ||
               store_add_referrer(c->to, site, c->day, page, it->host,
                                  strlen(it->host), it->cls, n0, c->err);
    case STORE_ITEM_SEARCH_TERM:
        return store_add_search_term(c->to, site, c->day, it->key,
                                     it->key_n, n0, c->err);
    case STORE_ITEM_OPEN_VISIT:
        return add_open(c, site, it);
    default:
        /* The day's own row (its counts and visits): the store's way. */
        return store_put_item(c->to, c->day, it, c->err);
    }
}

static int put_item(void *ctx, const struct store_item *it)
{
    struct day_copy *c = ctx;

    if (put(c, it)) {
        c->failed = 1;
        return 1;
    }
    c->rows++;
    return 0;
}

/* Every day's rows, oldest first: 0, or -1 with err. */
static int copy_days(struct crun *r, struct bs_err *err)
{
    struct day_list days = {0};
    struct day_copy *c;
    int rc = 0;

    if (store_each_day(r->from, INT32_MIN, INT32_MAX, add_day, &days, err)) {
        free(days.v);
        return -1;
    }
    c = xcalloc(1, sizeof(*c));
    c->to = r->to;
    c->err = err;
    for (size_t i = 0; i < days.n && rc == 0; i++) {
        char date[11];

        c->day = days.v[i];
        c->rows = 0;
        if (store_day_items(r->from, c->day, put_item, c, err) || c->failed ||
            flush_open(c)) {
            rc = -1;
            break;
        }
        r->res->days++;
        r->res->rows += c->rows;
        day_format(c->day, date);
        say(r, SINK_INFO, "%s: %llu rows", date, (unsigned long long)c->rows);
    }
    free(c);
    free(days.v);
    return rc;
}

/* Everything of the source into the destination's open transaction. */
static int copy_all(struct crun *r, struct bs_err *err)
{
    uint64_t n;

    /* Sites first, with their ids; then the posts, so that the days'
     * keys fold in the copy as they did in the source. */
    if (store_copy_sites(r->from, r->to, &r->res->sites, err) ||
        store_copy_posts(r->from, r->to, err) ||
        copy_days(r, err) ||
        store_copy_rows(r->from, r->to, STORE_COPY_SOURCES,
                        &r->res->sources, err) ||
        store_copy_rows(r->from, r->to, STORE_COPY_SALTS, &r->res->salts,
                        err) ||
        store_copy_rows(r->from, r->to, STORE_COPY_META, &n, err) ||
        store_copy_rows(r->from, r->to, STORE_COPY_COUNTRY_NAMES, &n, err))
        return -1;
    return 0;
}

/* The copy, its key put beside it before it commits: 0, or -1. */
static int run(struct crun *r, struct bs_err *err)
{
    if (store_begin_read(r->from, err))
        return -1;
    if (store_begin(r->to, err))
        return -1;
    if (copy_all(r, err))
        return -1;
    if (r->write_key) {
        if (atomic_write_file(r->key_to, 0600, r->key, sizeof(r->key), err))
            return -1;
        r->res->key_written = 1;
    }
    if (store_commit(r->to, err)) {
        if (r->res->key_written)
            unlink(r->key_to);
        r->res->key_written = 0;
        return -1;
    }
    store_rollback(r->from);
    return 0;
}

/* What the copy's next ingest needs to know of its key. */
static void tell_key(const struct crun *r)
{
    unsigned char own_key[VISITOR_KEY_BYTES];
    struct bs_err none = {0};
    char *own;

    if (!r->res->sources)
        return;
    /* The config names a key, and the database file has another beside
     * it: which one its logs were read under, only its owner knows. */
    if (r->o->key_path && !db_is_uri(r->o->from) &&
        (own = dbfiles_key_file(r->o->from, NULL, &none))) {
        if (key_read(own, own_key, &none) == 1 &&
            (!r->has_key || memcmp(own_key, r->key, sizeof(own_key)) != 0))
            say(r, SINK_WARN, "database '%s' has a key of its own, '%s', "
                "not the config's '%s': if its logs were read under it, put "
                "it at '%s' before the next ingest, or every log read "
                "before would count again", r->o->from, own, r->o->key_path,
                r->o->key_path);
        free(own);
    }
    if (!r->key_to && r->key_from && r->has_key)
        say(r, SINK_WARN, "the logs and visitors of '%s' are known under "
            "the key '%s': give it as '[db] key' to every blogstat that "
            "counts into it", store_name(r->to), r->key_from);
    else if (r->key_to && !r->has_key &&
             (!r->key_from || strcmp(r->key_from, r->key_to) != 0))
        say(r, SINK_WARN, "put the visitor key of '%s' at '%s' before the "
            "next ingest: under another key every log read before would "
            "count again", r->o->from, r->key_to);
}

/* A database file the copy made, and its journal, gone. */
static void remove_db(const char *path)
{
    static const char *const ext[] = {"", "-wal", "-shm", "-journal"};

    for (size_t i = 0; i < ARRAY_SIZE(ext); i++) {
        size_t n = strlen(path) + strlen(ext[i]) + 1;
        char *p = xmalloc(n);

        snprintf(p, n, "%s%s", path, ext[i]);
        unlink(p);
        free(p);
    }
}

int copy_run(const struct copy_opts *o, const struct sink *sink,
             struct copy_result *res, struct bs_err *err)
{
    struct crun r = {.o = o, .sink = sink, .res = res, .lock_fd = -1};
    struct timespec t0, t1;
    int rc = -1;

    memset(res, 0, sizeof(*res));
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (same_database(o->from, o->to, err) ||
        !(r.from = store_open(o->from, STORE_READ, err)) ||
        key_plan(&r, err) || open_to(&r, err))
        goto out;
    rc = run(&r, err);
    if (rc == 0)
        tell_key(&r);
out:
    store_close(r.to);     /* rolls back what a failure left open */
    store_close(r.from);
    if (rc && r.created)
        remove_db(o->to);
    if (r.lock_fd >= 0)
        close(r.lock_fd);
    free(r.key_from);
    free(r.key_to);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    res->secs = (double)(t1.tv_sec - t0.tv_sec) +
                (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    return rc;
}
