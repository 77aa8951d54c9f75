/*
 * store_write.c - adding counts: upserts of aggregated deltas, each a
 * cached statement, strings bound with their length.
 */
#include "blogstat.h"
#include "agg.h"
#include "store.h"
#include "store_int.h"

/* The bytes of a tag's or category's name as imported. */
#define TERM_TITLE_MAX 1024

#include "sketch.h"
#include "table.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t clamp(uint64_t v)
{
    return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

/* The rows remembered, of paths and of terms each: past this many, all
 * are forgotten (a few MiB at most). */
#define ROWS_KEPT_MAX (1u << 16)

/* What is known of one transaction alone. */
static void tx_forget(struct store *s)
{
    if (s->days_seen)
        cntmap_clear(s->days_seen);
    store_batch_tx_end(s);
    store_fold_forget(s);
}

void store_rows_forget(struct store *s)
{
    if (s->row_names)
        strtab_clear(s->row_names);
    if (s->term_names)
        strtab_clear(s->term_names);
    tx_forget(s);
}

void store_rows_keep(struct store *s)
{
    if ((s->row_names && strtab_count(s->row_names) > ROWS_KEPT_MAX) ||
        (s->term_names && strtab_count(s->term_names) > ROWS_KEPT_MAX))
        store_rows_forget(s);
    else
        tx_forget(s);
}

/* The key of (site, day) in days_seen, or 0 for a site id too large. */
static uint64_t day_key(int64_t site, int32_t day)
{
    if (site < 0 || site >= INT64_C(1) << 31)
        return 0;
    return (uint64_t)site << 32 | (uint32_t)day;
}

/*
 * PostgreSQL, in a transaction: note whether the database holds a days
 * row of (site, day), before the transaction writes one. Every row of a
 * day's tables comes with the day's row (a day's hits), so a day without
 * one holds no row of them either: the transaction's rows of that day
 * are new keys (day_rows()). 0, or -1 with err.
 */
static int day_seen(struct store *s, int64_t site, int32_t day,
                    struct bs_err *err)
{
    uint64_t k = day_key(site, day);
    struct db_stmt *st;
    int rc;

    if (db_engine(s->db) != DB_POSTGRES || !s->in_tx || !k)
        return 0;
    if (!s->days_seen)
        s->days_seen = cntmap_new();
    if (cntmap_get(s->days_seen, k))
        return 0;
    if (!(st = store_stmt(s, ST_DAY_FIND, err)))
        return -1;
    db_bind_int64(st, 1, site);
    db_bind_int(st, 2, day);
    rc = db_step(st);
    db_reset(st);
    if (rc != DB_ROW && rc != DB_DONE)
        return store_fail(s, err, rc, "cannot read");
    cntmap_add(s->days_seen, k, rc == DB_ROW ? 1 : 2);
    return 0;
}

/* How a row of (site, day) is written: STORE_ROW_NEW when the database
 * held nothing of the day when the transaction began (day_seen()). A
 * row of a day not looked up yet (its days row written after it) is
 * upserted, and so are the day's others in the transaction. */
static enum store_row day_rows(struct store *s, int64_t site, int32_t day)
{
    uint64_t k = day_key(site, day);

    if (!s->in_tx || !k || db_engine(s->db) != DB_POSTGRES)
        return STORE_ROW_UPSERT;
    if (!s->days_seen)
        s->days_seen = cntmap_new();
    switch (cntmap_get(s->days_seen, k)) {
    case 2:
        return STORE_ROW_NEW;
    case 0:
        cntmap_add(s->days_seen, k, 1);
        return STORE_ROW_UPSERT;
    default:
        return STORE_ROW_UPSERT;
    }
}

int store_add_day(struct store *s, int64_t site, int32_t day, uint64_t hits,
                  uint64_t views, uint64_t robots, uint64_t bad,
                  struct bs_err *err)
{
    struct db_stmt *st;

    if (day_seen(s, site, day, err) || !(st = store_stmt(s, ST_DAY, err)))
        return -1;
    db_bind_int(st, 1, day);
    db_bind_int64(st, 2, clamp(hits));
    db_bind_int64(st, 3, clamp(views));
    db_bind_int64(st, 4, clamp(robots));
    db_bind_int64(st, 5, clamp(bad));
    db_bind_int64(st, 6, site);
    return store_put(s, st, err);
}

/*
 * The row remembered for the row name path of site, or NULL outside a
 * transaction (and for names too long to remember).
 */
static struct path_row *row_cached(struct store *s, int64_t site,
                                   const char *path, size_t n)
{
    char name[sizeof(site) + URL_KEY_MAX + 32];
    uint32_t i;
    int added;

    if (!s->in_tx || n > sizeof(name) - sizeof(site))
        return NULL;
    memcpy(name, &site, sizeof(site));
    memcpy(name + sizeof(site), path, n);
    if (!s->row_names)
        s->row_names = strtab_new();
    i = strtab_intern(s->row_names, name, sizeof(site) + n, &added);
    if (i >= s->caprows) {
        s->caprows = s->caprows ? 2 * s->caprows : 256;
        s->rows = xrealloc(s->rows, s->caprows * sizeof(*s->rows));
    }
    if (added)
        s->rows[i].kind = URL_NKINDS;
    return &s->rows[i];
}

/*
 * The id of the paths row of path, made or given kind by ST_PATH_ID (with
 * post_id pid when has_pid). Most rows already exist with that kind (or
 * an imported one, which the upsert keeps): a plain SELECT finds them
 * without the upsert's write and its RETURNING, which makes SQLite build
 * a temporary table on every call. And a row asked for again with the
 * kind of the last ask is where that ask left it: its id is remembered,
 * and nothing is asked. The database ends the same, unless another
 * writer gives the row another kind in between (writers that classify
 * one path two ways, which one config does not): then the kind of the
 * last writer to ask wins, as it would between two runs.
 */
static int path_row(struct store *s, int64_t site, enum url_kind kind,
                    const char *path, size_t n, int has_pid, int64_t pid,
                    int64_t *id, struct bs_err *err)
{
    struct path_row *row = row_cached(s, site, path, n);
    struct db_stmt *st;
    int rc;

    if (row && row->kind == kind) {
        *id = row->id;
        return 0;
    }
    /* PostgreSQL's RETURNING costs nothing more: the upsert alone, one
     * round trip to the server. */
    if (db_engine(s->db) == DB_POSTGRES) {
        rc = DB_DONE;
    } else {
        if (!(st = store_stmt(s, ST_PATH_FIND, err)))
            return -1;
        db_bind_text(st, 1, path, (int)n);
        db_bind_text(st, 2, url_kind_name(kind), -1);
        db_bind_int64(st, 4, site);
        rc = db_step(st);
        if (rc == DB_ROW)
            *id = db_column_int64(st, 0);
        db_reset(st);
    }
    if (rc != DB_ROW) {
        if (rc != DB_DONE)
            return store_fail(s, err, rc, "cannot read");
        if (!(st = store_stmt(s, ST_PATH_ID, err)))
            return -1;
        db_bind_text(st, 1, path, (int)n);
        db_bind_text(st, 2, url_kind_name(kind), -1);
        if (has_pid)
            db_bind_int64(st, 3, pid);
        db_bind_int64(st, 4, site);
        if (store_step(s, st, id, err))
            return -1;
    }
    if (row) {
        row->id = *id;
        row->kind = kind;
    }
    return 0;
}

int store_add_path_views(struct store *s, int64_t site, int32_t day,
                         enum url_kind kind, const char *path, size_t n,
                         uint64_t views, struct bs_err *err)
{
    int64_t id = -1;

    if (store_fold_key(s, site, day, &kind, &path, &n, err))
        return -1;
    /* "/?p=123": the id that an imported post will claim. */
    if (path_row(s, site, kind, path, n, kind == URL_POSTID,
                 kind == URL_POSTID ? store_link_id(path, n) : 0, &id, err))
        return -1;
    return store_batch_add(s, B_PATH_VIEWS,
                           (const struct store_bval[]){
                               {STORE_BV_INT, day, NULL, 0},
                               {STORE_BV_INT, id, NULL, 0},
                               {STORE_BV_INT, clamp(views), NULL, 0}},
                           day_rows(s, site, day), err);
}

/*
 * The id of a term, made when new. A term's row never changes once made:
 * its id, once seen in a transaction, is remembered (*slot, -1 when
 * not known yet; NULL outside a transaction and for names too long).
 */
static int64_t *term_cached(struct store *s, int64_t site,
                            enum url_kind taxonomy, const char *name,
                            size_t n)
{
    char key[sizeof(site) + 1 + URL_KEY_MAX + 32];
    uint32_t i;
    int added;

    if (!s->in_tx || n > sizeof(key) - sizeof(site) - 1)
        return NULL;
    memcpy(key, &site, sizeof(site));
    key[sizeof(site)] = (char)taxonomy;
    memcpy(key + sizeof(site) + 1, name, n);
    if (!s->term_names)
        s->term_names = strtab_new();
    i = strtab_intern(s->term_names, key, sizeof(site) + 1 + n, &added);
    if (i >= s->capterms) {
        s->capterms = s->capterms ? 2 * s->capterms : 256;
        s->term_ids = xrealloc(s->term_ids,
                               s->capterms * sizeof(*s->term_ids));
    }
    if (added)
        s->term_ids[i] = -1;
    return &s->term_ids[i];
}

static int term_id(struct store *s, int64_t site, enum url_kind taxonomy,
                   const char *name, size_t n, int64_t *id,
                   struct bs_err *err)
{
    int64_t *slot = term_cached(s, site, taxonomy, name, n);
    struct db_stmt *st;

    if (slot && *slot >= 0) {
        *id = *slot;
        return 0;
    }
    if (!(st = store_stmt(s, ST_TERM_ID, err)))
        return -1;
    db_bind_text(st, 1, url_kind_name(taxonomy), -1);
    db_bind_text(st, 2, name, (int)n);
    db_bind_int64(st, 3, site);
    if (store_step(s, st, id, err))
        return -1;
    if (slot)
        *slot = *id;
    return 0;
}

int store_add_term_views(struct store *s, int64_t site, int32_t day,
                         enum url_kind taxonomy, const char *name, size_t n,
                         uint64_t views, struct bs_err *err)
{
    int64_t id = -1;

    if (store_fold_key(s, site, day, &taxonomy, &name, &n, err))
        return -1;
    if (term_id(s, site, taxonomy, name, n, &id, err))
        return -1;
    return store_batch_add(s, B_TERM_VIEWS,
                           (const struct store_bval[]){
                               {STORE_BV_INT, day, NULL, 0},
                               {STORE_BV_INT, id, NULL, 0},
                               {STORE_BV_INT, clamp(views), NULL, 0}},
                           day_rows(s, site, day), err);
}

int store_add_post_country_views(struct store *s, int64_t site, int32_t day,
                                 enum url_kind kind, const char *path,
                                 size_t n, const char *country,
                                 uint64_t views, struct bs_err *err)
{
    int64_t id = -1;

    if (store_fold_key(s, site, day, &kind, &path, &n, err))
        return -1;
    /* The same path row as its views (see store_add_path_views()). */
    if (path_row(s, site, kind, path, n, 0, 0, &id, err))
        return -1;
    return store_batch_add(s, B_POST_COUNTRY,
                           (const struct store_bval[]){
                               {STORE_BV_INT, day, NULL, 0},
                               {STORE_BV_INT, id, NULL, 0},
                               {STORE_BV_TEXT, 0, country, 2},
                               {STORE_BV_INT, clamp(views), NULL, 0}},
                           day_rows(s, site, day), err);
}

int store_add_country_views(struct store *s, int64_t site, int32_t day,
                            const char *country, uint64_t views,
                            struct bs_err *err)
{
    return store_batch_add(s, B_COUNTRY_VIEWS,
                           (const struct store_bval[]){
                               {STORE_BV_INT, site, NULL, 0},
                               {STORE_BV_INT, day, NULL, 0},
                               {STORE_BV_TEXT, 0, country, 2},
                               {STORE_BV_INT, clamp(views), NULL, 0}},
                           day_rows(s, site, day), err);
}

int store_find_source(struct store *s, const char *fingerprint,
                      struct store_source *src, struct bs_err *err)
{
    struct db_stmt *st = store_stmt(s, ST_SOURCE_FIND, err);
    int rc;

    if (!st)
        return -1;
    db_bind_text(st, 1, fingerprint, -1);
    rc = db_step(st);
    if (rc == DB_ROW) {
        const unsigned char *t;

        memset(src, 0, sizeof(*src));
        snprintf(src->fingerprint, sizeof(src->fingerprint), "%s",
                 fingerprint);
        src->id = db_column_int64(st, 0);
        t = db_column_text(st, 1);
        snprintf(src->name, sizeof(src->name), "%s", t ? (const char *)t : "");
        src->gzip = db_column_int(st, 2);
        src->size = (uint64_t)db_column_int64(st, 3);
        src->position = (uint64_t)db_column_int64(st, 4);
        src->last_len = (uint64_t)db_column_int64(st, 5);
        t = db_column_text(st, 6);
        snprintf(src->last_hash, sizeof(src->last_hash), "%s",
                 t ? (const char *)t : "");
        src->lines = (uint64_t)db_column_int64(st, 7);
        src->bad_lines = (uint64_t)db_column_int64(st, 8);
        src->hits = (uint64_t)db_column_int64(st, 9);
        src->pending_bad = (uint64_t)db_column_int64(st, 10);
        src->has_last_day = db_column_int(st, 11);
        src->last_day = db_column_int(st, 12);
        src->has_days = db_column_int(st, 13);
        src->first_day = db_column_int(st, 14);
        src->max_day = db_column_int(st, 15);
        src->complete = db_column_int(st, 16);
        src->head_len = db_column_int(st, 17);
        src->stored_position = src->position;
        rc = db_step(st);
        db_reset(st);
        return rc == DB_DONE ? 1 : store_fail(s, err, rc, "cannot read it");
    }
    db_reset(st);
    return rc == DB_DONE ? 0 : store_fail(s, err, rc, "cannot read it");
}

int store_put_source(struct store *s, struct store_source *src,
                     struct bs_err *err)
{
    struct db_stmt *st;
    int64_t id = 0;
    char now[32];
    time_t t = time(NULL);
    struct tm tm;

    /* When it was read, in UTC, as both engines keep it: text. */
    if (!gmtime_r(&t, &tm) ||
        strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(now, sizeof(now), "1970-01-01T00:00:00Z");
    if (src->id == 0) {
        if (!(st = store_stmt(s, ST_SOURCE_NEW, err)))
            return -1;
        db_bind_text(st, 1, src->fingerprint, -1);
        db_bind_text(st, 2, src->name, -1);
        db_bind_text(st, 3, now, -1);
        if (store_step(s, st, &id, err))
            return -1;
        /* No row: another writer stored this log since it was looked up. */
        if (id == 0)
            return bs_fail(err, BS_TEMPFAIL, "%s: another ingest of database "
                           "'%s' read this log at the same time; nothing of "
                           "this chunk is counted, run again", src->name,
                           s->path);
        src->id = id;
        src->stored_position = 0;
    }
    if (!(st = store_stmt(s, ST_SOURCE_PUT, err)))
        return -1;
    db_bind_int64(st, 1, src->id);
    db_bind_text(st, 2, src->name, -1);
    db_bind_int(st, 3, src->gzip);
    db_bind_int64(st, 4, clamp(src->size));
    db_bind_int64(st, 5, clamp(src->position));
    db_bind_int64(st, 6, clamp(src->last_len));
    db_bind_text(st, 7, src->last_hash, -1);
    db_bind_int64(st, 8, clamp(src->lines));
    db_bind_int64(st, 9, clamp(src->bad_lines));
    db_bind_int64(st, 10, clamp(src->hits));
    db_bind_int64(st, 11, clamp(src->pending_bad));
    if (src->has_last_day)
        db_bind_int(st, 12, src->last_day);
    if (src->has_days) {
        db_bind_int(st, 13, src->first_day);
        db_bind_int(st, 14, src->max_day);
    }
    db_bind_int(st, 15, src->complete);
    if (src->error[0])
        db_bind_text(st, 16, src->error, -1);
    db_bind_text(st, 17, src->fingerprint, -1);
    if (src->head_len >= 0)
        db_bind_int(st, 18, src->head_len);
    db_bind_int64(st, 19, clamp(src->stored_position));
    db_bind_text(st, 20, now, -1);
    if (store_step(s, st, NULL, err))
        return -1;
    /* The position this read started from is no longer the stored one:
     * another writer counted these lines. */
    if (db_changes(s->db) != 1)
        return bs_fail(err, BS_TEMPFAIL, "%s: another ingest of database "
                       "'%s' read this log on at the same time; nothing of "
                       "this chunk is counted, run again", src->name,
                       s->path);
    src->stored_position = src->position;
    src->rekey = 0;
    return 0;
}

int store_source_head_lens(struct store *s, int max, int *lens, int cap,
                           struct bs_err *err)
{
    struct db_stmt *st;
    int rc, n = 0;

    rc = db_prepare(s->db, "SELECT DISTINCT head_len FROM sources "
                            "WHERE head_len < ?1 ORDER BY head_len DESC", 0, &st);
    if (rc != DB_OK)
        return store_fail(s, err, rc, "cannot read it");
    db_bind_int(st, 1, max);
    while (n < cap && (rc = db_step(st)) == DB_ROW)
        lens[n++] = db_column_int(st, 0);
    db_finalize(st);
    if (n < cap && rc != DB_DONE)
        return store_fail(s, err, rc, "cannot read it");
    return n;
}

/* Replace the post's terms of one taxonomy with names. */
static int put_terms(struct store *s, int64_t site, int64_t path_id,
                     enum url_kind taxonomy, const char *const *names,
                     const char *const *titles, size_t count,
                     struct bs_err *err)
{
    struct db_stmt *st = store_stmt(s, ST_POST_TERMS_CLEAR, err);

    if (!st)
        return -1;
    db_bind_int64(st, 1, path_id);
    db_bind_text(st, 2, url_kind_name(taxonomy), -1);
    if (store_step(s, st, NULL, err))
        return -1;
    for (size_t i = 0; i < count; i++) {
        int64_t tid = -1;

        if (term_id(s, site, taxonomy, names[i], strlen(names[i]), &tid,
                    err) ||
            !(st = store_stmt(s, ST_POST_TERM, err)))
            return -1;
        db_bind_int64(st, 1, path_id);
        db_bind_int64(st, 2, tid);
        if (store_step(s, st, NULL, err))
            return -1;
        /* Its name as written, bounded as a title is. */
        if (titles && titles[i] && *titles[i]) {
            size_t n = strlen(titles[i]);

            if (!(st = store_stmt(s, ST_TERM_TITLE, err)))
                return -1;
            db_bind_int64(st, 1, tid);
            db_bind_text(st, 2, titles[i],
                         (int)utf8_trim_partial(titles[i],
                                                n < TERM_TITLE_MAX
                                                    ? n
                                                    : TERM_TITLE_MAX));
            if (store_step(s, st, NULL, err))
                return -1;
        }
    }
    return 0;
}

int store_put_post(struct store *s, int64_t site, const struct store_post *p,
                   struct bs_err *err)
{
    struct db_stmt *st = store_stmt(s, ST_POST, err);
    int64_t id = -1;

    if (!st)
        return -1;
    if (p->kind != URL_POST && p->kind != URL_PAGE)
        BUG("a post of kind %s", url_kind_name(p->kind));
    /* A post's row changes kind: what the transaction remembers goes. */
    store_rows_forget(s);
    db_bind_text(st, 1, p->path, -1);
    db_bind_text(st, 2, url_kind_name(p->kind), -1);
    db_bind_text(st, 3, p->title, -1);
    if (p->has_published)
        db_bind_int(st, 4, p->published);
    if (p->post_id > 0)
        db_bind_int64(st, 5, p->post_id);
    db_bind_int64(st, 6, site);
    if (store_step(s, st, &id, err))
        return -1;
    if ((p->has_tags &&
         put_terms(s, site, id, URL_TAG, p->tags, p->tag_titles, p->ntags,
                   err)) ||
        (p->has_categories &&
         put_terms(s, site, id, URL_CATEGORY, p->categories,
                   p->category_titles, p->ncategories,
                   err)))
        return -1;
    return 0;
}

/* ---- the audience ------------------------------------------------------ */

/*
 * A tag or a category (a landing page, a referrer's target) is known by
 * its name, and the tag "eu" and the category "eu" are two pages: their
 * rows are "tag:eu" and "category:eu", which no path can be (paths begin
 * with '/').
 */
int store_path_id(struct store *s, int64_t site, enum url_kind kind,
                  const char *path, size_t n, int64_t *id, struct bs_err *err)
{
    char named[sizeof("category:") + URL_KEY_MAX];
    size_t nn;

    if (kind != URL_TAG && kind != URL_CATEGORY)
        return path_row(s, site, kind, path, n, 0, 0, id, err);
    if (n > URL_KEY_MAX)
        BUG("a %s name of %zu bytes", url_kind_name(kind), n);
    nn = (size_t)snprintf(named, sizeof(named), "%s:", url_kind_name(kind));
    memcpy(named + nn, path, n);
    return path_row(s, site, kind, named, nn + n, 0, 0, id, err);
}

int store_view_path_id(struct store *s, int64_t site, int32_t day,
                       enum url_kind kind, const char *path, size_t n,
                       int64_t *id, struct bs_err *err)
{
    if (store_fold_key(s, site, day, &kind, &path, &n, err))
        return -1;
    return store_path_id(s, site, kind, path, n, id, err);
}

/* One row of a known-keys query as (kind, key) through fn: 0, or what
 * fn returned. */
static int known_row(struct db_stmt *st, int terms,
                     int (*fn)(void *ctx, enum url_kind kind,
                               const char *key, size_t n),
                     void *ctx)
{
    const char *kname = (const char *)db_column_text(st, 0);
    const char *key = (const char *)db_column_text(st, 1);
    size_t n = (size_t)db_column_bytes(st, 1);
    enum url_kind kind = terms && strcmp(kname, "category") == 0
                             ? URL_CATEGORY
                         : terms                       ? URL_TAG
                         : strcmp(kname, "page") == 0 ? URL_PAGE
                                                      : URL_POST;
    int64_t pid = db_column_int64(st, 2);
    char link[48];
    int rc;

    if (!key || n > URL_KEY_MAX)
        return 0;
    rc = fn(ctx, kind, key, n);
    /* The "/?p=ID" and "/?page_id=ID" links to an imported post. */
    if (rc == 0 && !terms && pid > 0) {
        n = (size_t)snprintf(link, sizeof(link), "/?p=%lld", (long long)pid);
        rc = fn(ctx, URL_POSTID, link, n);
        n = (size_t)snprintf(link, sizeof(link), "/?page_id=%lld",
                             (long long)pid);
        if (rc == 0)
            rc = fn(ctx, URL_POSTID, link, n);
    }
    return rc;
}

int store_each_known(struct store *s, int64_t site,
                     int (*fn)(void *ctx, enum url_kind kind,
                               const char *key, size_t n),
                     void *ctx, struct bs_err *err)
{
    static const char *const sql[] = {
        "SELECT kind, path, post_id FROM paths"
        " WHERE site = ?1 AND imported = 1",
        "SELECT t.taxonomy, t.name, 0 FROM terms t WHERE t.site = ?1"
        " AND EXISTS (SELECT 1 FROM post_terms pt WHERE pt.term_id = t.id)",
    };

    for (int q = 0; q < 2; q++) {
        struct db_stmt *st;
        int rc = db_prepare(s->db, sql[q], 0, &st);

        if (rc != DB_OK)
            return store_fail(s, err, rc, "cannot read");
        db_bind_int64(st, 1, site);
        while ((rc = db_step(st)) == DB_ROW)
            if (known_row(st, q == 1, fn, ctx)) {
                rc = DB_DONE;
                break;
            }
        db_finalize(st);
        if (rc != DB_DONE)
            return store_fail(s, err, rc, "cannot read");
    }
    return 0;
}

int store_has_visitors(struct store *s)
{
    return store_pragma_int(s, "SELECT EXISTS(SELECT 1 FROM day_sketches)") > 0;
}

int store_salt_get(struct store *s, int32_t day, void *salt, size_t n,
                   struct bs_err *err)
{
    struct db_stmt *st = store_stmt(s, ST_SALT_GET, err);

    if (!st)
        return -1;
    db_bind_int(st, 1, day);
    return store_get_blob(s, st, salt, n, err);
}

int store_salt_put(struct store *s, int32_t day, void *salt, size_t n,
                   int64_t now, struct bs_err *err)
{
    struct db_stmt *st = store_stmt(s, ST_SALT_PUT, err);

    if (!st)
        return -1;
    db_bind_int(st, 1, day);
    db_bind_blob(st, 2, salt, (int)n);
    db_bind_int64(st, 3, now);
    if (store_step(s, st, NULL, err))
        return -1;
    /* Another writer's came first: that one is the day's. */
    if (db_changes(s->db) == 0 && store_salt_get(s, day, salt, n, err) != 1)
        return bs_fail(err, BS_IOERR, "database '%s': the salt of day %d "
                       "is not one", s->path, (int)day);
    return 0;
}

int store_salt_touch(struct store *s, int32_t day, int64_t now,
                     struct bs_err *err)
{
    struct db_stmt *st = store_stmt(s, ST_SALT_TOUCH, err);

    if (!st)
        return -1;
    db_bind_int(st, 1, day);
    db_bind_int64(st, 2, now);
    return store_put(s, st, err);
}

int store_sketch_value(struct store *s, const void **blob, size_t *n,
                       unsigned char **owned, struct bs_err *err)
{
    uint64_t count;

    *owned = NULL;
    /* A new row takes the blob as it is: it must be one sketch_union()
     * can read later, or every count of the row would fail. */
    if (sketch_blob_count(*blob, *n, &count))
        return bs_fail(err, BS_SOFTWARE, "internal error: a visitor sketch "
                       "of %zu bytes that is not one", *n);
    /* PostgreSQL keeps the same sketch as an hll value, for its union;
     * SQLite blogstat's own blob (a sketch copied from PostgreSQL comes
     * as hll bytes). */
    if (db_engine(s->db) == DB_POSTGRES || sketch_is_hll(*blob, *n)) {
        size_t in = *n;

        *owned = db_engine(s->db) == DB_POSTGRES
                     ? sketch_to_hll(*blob, in, n)
                     : sketch_from_hll(*blob, in, n);
        if (!*owned)
            return bs_fail(err, BS_SOFTWARE, "internal error: a visitor "
                           "sketch of %zu bytes that cannot be converted",
                           in);
        *blob = *owned;
    }
    return 0;
}

int store_add_sketch(struct store *s, int64_t site, enum store_sketch dim,
                     int32_t day, int64_t path_id, const char *country,
                     const void *blob, size_t n, struct bs_err *err)
{
    struct db_stmt *st;
    unsigned char *hll;
    int rc;

    if (store_sketch_value(s, &blob, &n, &hll, err))
        return -1;
    if (dim == STORE_SKETCH_PATH) {
        rc = store_batch_add(s, B_PATH_SKETCH,
                             (const struct store_bval[]){
                                 {STORE_BV_INT, day, NULL, 0},
                                 {STORE_BV_INT, path_id, NULL, 0},
                                 {STORE_BV_BLOB, 0, blob, n}},
                             day_rows(s, site, day), err);
    } else if (dim == STORE_SKETCH_COUNTRY) {
        rc = store_batch_add(s, B_COUNTRY_SKETCH,
                             (const struct store_bval[]){
                                 {STORE_BV_INT, site, NULL, 0},
                                 {STORE_BV_INT, day, NULL, 0},
                                 {STORE_BV_TEXT, 0, country, 2},
                                 {STORE_BV_BLOB, 0, blob, n}},
                             day_rows(s, site, day), err);
    } else if (!(st = store_stmt(s, ST_DAY_SKETCH, err))) {
        rc = -1;
    } else {
        db_bind_int(st, 1, day);
        db_bind_blob(st, 2, blob, (int)n);
        db_bind_int64(st, 4, site);
        rc = store_put(s, st, err);
    }
    free(hll);
    return rc;
}

int store_add_visits(struct store *s, int64_t site, int32_t day,
                     int64_t path_id, int64_t delta, struct bs_err *err)
{
    struct db_stmt *st;

    if (path_id)
        return store_batch_add(s, B_VISITS,
                               (const struct store_bval[]){
                                   {STORE_BV_INT, day, NULL, 0},
                                   {STORE_BV_INT, path_id, NULL, 0},
                                   {STORE_BV_INT, delta, NULL, 0}},
                               day_rows(s, site, day), err);
    if (!(st = store_stmt(s, ST_DAY_VISITS, err)))
        return -1;
    db_bind_int(st, 1, day);
    db_bind_int64(st, 2, delta);
    db_bind_int64(st, 4, site);
    return store_put(s, st, err);
}

int store_add_referrer(struct store *s, int64_t site, int32_t day,
                       int64_t path_id,
                       const char *host, size_t host_n, const char *cls,
                       uint64_t views, struct bs_err *err)
{
    int in = store_fold_referrer(s, site, day, path_id, host, host_n, cls,
                                 err);

    if (in < 0)
        return -1;
    if (!in) {
        host = AGG_OTHER;
        host_n = AGG_OTHER_LEN;
    }
    return store_batch_add(s, B_REFERRER,
                           (const struct store_bval[]){
                               {STORE_BV_INT, day, NULL, 0},
                               {STORE_BV_INT, path_id, NULL, 0},
                               {STORE_BV_TEXT, 0, host, host_n},
                               {STORE_BV_TEXT, 0, cls, strlen(cls)},
                               {STORE_BV_INT, clamp(views), NULL, 0},
                               {STORE_BV_INT, site, NULL, 0}},
                           day_rows(s, site, day), err);
}

int store_add_search_term(struct store *s, int64_t site, int32_t day,
                          const char *term, size_t n, uint64_t views,
                          struct bs_err *err)
{
    struct db_stmt *st;
    int in = store_fold_search(s, site, day, term, n, err);

    if (in < 0 || !(st = store_stmt(s, ST_TERM_SEARCH, err)))
        return -1;
    if (!in) {
        term = AGG_OTHER;
        n = AGG_OTHER_LEN;
    }
    db_bind_int(st, 1, day);
    db_bind_text(st, 2, term, (int)n);
    db_bind_int64(st, 3, clamp(views));
    db_bind_int64(st, 4, site);
    return store_put(s, st, err);
}

int store_close_days(struct store *s, int64_t touched_before,
                     struct bs_err *err)
{
    static const enum stmt_id ids[] = {ST_CLOSE_VISITS, ST_CLOSE_SALTS};

    if (store_batch_flush(s, err))
        return -1;
    for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
        struct db_stmt *st = store_stmt(s, ids[i], err);

        if (!st)
            return -1;
        db_bind_int64(st, 1, touched_before);
        if (store_step(s, st, NULL, err))
            return -1;
    }
    return 0;
}

int store_has_country_names(struct store *s)
{
    return store_pragma_int(s, "SELECT count(*) FROM country_names") > 0;
}

int store_load_country_names(struct store *s, const char *json, size_t n,
                             struct bs_err *err)
{
    struct db_stmt *st;
    int rc;

    if (n > INT_MAX)
        return bs_fail(err, BS_DATAERR, "country names file too large");
    if (!(st = store_stmt(s, ST_COUNTRY_NAMES, err)))
        return -1;
    db_bind_text(st, 1, json, (int)n);
    rc = db_step(st);
    db_reset(st);
    db_clear_bindings(st);
    if (rc != DB_DONE)
        return store_fail(s, err, rc, "cannot load country names");
    return 0;
}
