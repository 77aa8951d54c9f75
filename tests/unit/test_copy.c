/*
 * test_copy.c - copy.h: a whole database into a new one holds every
 * day's items, the sources, the open days' salts, the sites with their
 * ids, the imported posts, the newest lines and the country names of the
 * original; a destination with data is refused; a copy that fails
 * midway leaves the destination as it was; the visitor key file goes
 * beside a file copy. store.h's copy section. Against a live server
 * (BLOGSTAT_TEST_PG, a libpq URI whose server the test may make
 * databases on; skipped with a note when unset): a file into
 * PostgreSQL, into another PostgreSQL database, and back into a file is
 * the original again.
 */
#include "tustore.h"
#include "testsql.h"
#include "atomicfile.h"
#include "copy.h"
#include "sketch.h"
#include "store.h"
#include "visitor.h"

#include <libpq-fe.h>
#include <sys/stat.h>
#include <unistd.h>

/* Visitors of the big day: beyond the sparse sketch's 2,048. */
#define MANY 5000

static struct store *open_store(const char *path)
{
    struct bs_err err = {0};
    struct store *s = store_open(path, STORE_WRITE, &err);

    if (!s)
        fail_msg("store_open %s: %s", path, err.msg);
    return s;
}

/* A sketch of n visitors from first on, serialized. */
static unsigned char *visitors(uint64_t first, int n, size_t *len)
{
    struct sketch *sk = sketch_new();
    unsigned char *b;

    for (int i = 0; i < n; i++)
        sketch_add(sk, (first + (uint64_t)i) * 0x9e3779b97f4a7c15ULL);
    b = sketch_serialize(sk, len);
    sketch_free(sk);
    return b;
}

static void ok(int rc, const struct bs_err *err)
{
    if (rc != 0)
        fail_msg("%s", err->msg);
}

/* A post of site imported with tags and categories. */
static void import_post(struct store *s, int64_t site, const char *path,
                        int64_t post_id)
{
    static const char *const tags[] = {"eu", "privacy"};
    static const char *const cats[] = {"politics"};
    struct store_post p = {
        .path = path, .kind = URL_POST, .title = "A title",
        .has_published = 1, .published = 15000, .post_id = post_id,
        .tags = tags, .ntags = 2, .categories = cats, .ncategories = 1,
        .has_tags = 1, .has_categories = 1,
    };
    struct bs_err err = {0};

    ok(store_put_post(s, site, &p, &err), &err);
}

/* One day of site: every table, visitors from first on. */
static void fill_day(struct store *s, int64_t site, int32_t day,
                     uint64_t first, int nvisitors)
{
    struct bs_err err = {0};
    size_t n;
    unsigned char *blob = visitors(first, nvisitors, &n);
    int64_t post, tag;

    ok(store_add_day(s, site, day, 100 + (uint64_t)day, 80, 7, 2, &err),
       &err);
    ok(store_add_path_views(s, site, day, URL_POST, "/2013/a/", 8, 50,
                            &err), &err);
    ok(store_add_path_views(s, site, day, URL_PAGE, "/about/", 7, 30, &err),
       &err);
    ok(store_add_term_views(s, site, day, URL_TAG, "eu", 2, 4, &err), &err);
    ok(store_add_term_views(s, site, day, URL_CATEGORY, "politics", 8, 3,
                            &err), &err);
    ok(store_add_country_views(s, site, day, "SE", 60, &err), &err);
    ok(store_add_country_views(s, site, day, "--", 20, &err), &err);
    ok(store_add_post_country_views(s, site, day, URL_POST, "/2013/a/", 8,
                                    "SE", 50, &err), &err);
    ok(store_add_sketch(s, site, STORE_SKETCH_DAY, day, 0, NULL, blob, n,
                        &err), &err);
    ok(store_path_id(s, site, URL_POST, "/2013/a/", 8, &post, &err), &err);
    ok(store_path_id(s, site, URL_TAG, "eu", 2, &tag, &err), &err);
    ok(store_add_sketch(s, site, STORE_SKETCH_PATH, day, post, NULL, blob, n,
                        &err), &err);
    ok(store_add_sketch(s, site, STORE_SKETCH_COUNTRY, day, 0, "SE", blob, n,
                        &err), &err);
    ok(store_add_visits(s, site, day, post, 9, &err), &err);
    ok(store_add_visits(s, site, day, 0, 9, &err), &err);
    ok(store_add_referrer(s, site, day, post, "example.org", 11, "other", 5,
                          &err), &err);
    ok(store_add_referrer(s, site, day, tag, "duckduckgo.com", 14, "search",
                          2, &err), &err);
    ok(store_add_search_term(s, site, day, "privacy law", 11, 2, &err),
       &err);
    free(blob);
}

/* An open day: its salt and two visitors' open visits. */
static void open_day(struct store *s, int64_t site, int32_t day)
{
    unsigned char salt[VISITOR_KEY_BYTES];
    struct bs_err err = {0};
    struct visit v[2];
    int64_t post;

    memset(salt, 0x40 + (day & 0x1f), sizeof(salt));
    ok(store_salt_put(s, day, salt, sizeof(salt), 1700000000 + day, &err),
       &err);
    ok(store_path_id(s, site, URL_POST, "/2013/a/", 8, &post, &err), &err);
    v[0] = (struct visit){.start = 3600, .end = 4000, .landing = post};
    v[1] = (struct visit){.start = 9000, .end = 9000, .landing = post};
    ok(store_open_visits_put(s, day, 1001, v, 2, &err), &err);
    ok(store_open_visits_put(s, day, 7, v + 1, 1, &err), &err);
}

static void add_source(struct store *s, const char *name, char c,
                       int32_t first, int32_t max)
{
    struct store_source src;
    struct bs_err err = {0};

    memset(&src, 0, sizeof(src));
    memset(src.fingerprint, c, 32);
    src.head_len = 1024;
    snprintf(src.name, sizeof(src.name), "%s", name);
    src.gzip = c == 'b';
    src.size = 12345;
    src.position = 54321;
    src.last_len = 99;
    memset(src.last_hash, 'h', 32);
    src.lines = 700;
    src.bad_lines = 3;
    src.hits = 650;
    src.has_last_day = src.has_days = 1;
    src.last_day = src.max_day = max;
    src.first_day = first;
    src.complete = src.gzip;
    ok(store_put_source(s, &src, &err), &err);
}

static const char countries_json[] =
    "{\"3166-1\": [{\"alpha_2\": \"SE\", \"name\": \"Sweden\"},"
    " {\"alpha_2\": \"FR\", \"name\": \"France\"}]}";

/* The original: three sites (one with an id above the others'), posts,
 * four days of which the newest two are open, two sources. */
static void build(const char *path)
{
    struct store *s = open_store(path);
    struct bs_err err = {0};
    int64_t shop;

    ok(store_begin(s, &err), &err);
    assert_int_equal(store_site_id(s, "shop", 1, &shop, &err), 1);
    ok(store_site_put(s, 9, "news", &err), &err);
    import_post(s, 0, "/2013/a/", 42);
    import_post(s, shop, "/2013/a/", 0);
    for (int32_t day = 15700; day < 15704; day++) {
        fill_day(s, 0, day, (uint64_t)day * 100000,
                 day == 15701 ? MANY : 40);
        fill_day(s, shop, day, 1, 3);
    }
    fill_day(s, 9, 15703, 77, 2);
    open_day(s, 0, 15702);
    open_day(s, shop, 15703);
    add_source(s, "access.log.1", 'a', 15700, 15702);
    add_source(s, "access.log", 'b', 15702, 15703);
    ok(store_newest_line_put(s, 0, 1356998400 + 15703, 60, &err), &err);
    ok(store_newest_line_put(s, STORE_SITE_ALL, 1356998400 + 15703, 60,
                             &err), &err);
    ok(store_meta_put(s, "visitor_key", "0123456789abcdef", 16, &err), &err);
    ok(store_load_country_names(s, countries_json, sizeof(countries_json) - 1,
                                &err), &err);
    ok(store_commit(s, &err), &err);
    store_close(s);
}

/* ---- a store written out as sorted lines, to compare two ---------------- */

struct lines {
    char **v;
    size_t n, cap;
};

static void add_line(struct lines *l, const char *line)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = xstrdup(line);
}

static int cmp_line(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void lines_free(struct lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

struct dump_day {
    struct lines *l;
    int32_t day;
};

static int dump_item(void *ctx, const struct store_item *it)
{
    const struct dump_day *d = ctx;
    char line[1024];
    uint64_t h = 1469598103934665603ULL;   /* FNV-1a of the blob */
    uint64_t count = 0;

    for (size_t i = 0; i < it->blob_n; i++)
        h = (h ^ ((const unsigned char *)it->blob)[i]) * 1099511628211ULL;
    if (it->blob_n)
        assert_int_equal(sketch_blob_count(it->blob, it->blob_n, &count), 0);
    snprintf(line, sizeof(line), "%d %d %s %d %.*s %s %s %s %lld %lld %lld "
             "%lld %lld %zu %llx %llu", (int)d->day, (int)it->table,
             it->site, (int)it->kind, (int)it->key_n,
             it->key ? it->key : "", it->country, it->host ? it->host : "",
             it->cls ? it->cls : "", (long long)it->n[0],
             (long long)it->n[1], (long long)it->n[2], (long long)it->n[3],
             (long long)it->n[4], it->blob_n, (unsigned long long)h,
             (unsigned long long)count);
    add_line(d->l, line);
    return 0;
}

static int dump_source(void *ctx, const struct store_source *src)
{
    char line[2048];

    snprintf(line, sizeof(line), "source %.40s %d %s %d %llu %llu %llu %.40s "
             "%llu %llu %llu %llu %d %d %d %d %d %d %s",
             src->fingerprint, src->head_len, src->name, src->gzip,
             (unsigned long long)src->size,
             (unsigned long long)src->position,
             (unsigned long long)src->last_len, src->last_hash,
             (unsigned long long)src->lines,
             (unsigned long long)src->bad_lines,
             (unsigned long long)src->hits,
             (unsigned long long)src->pending_bad, src->has_last_day,
             (int)src->last_day, src->has_days, (int)src->first_day,
             (int)src->max_day, src->complete, src->error);
    add_line(ctx, line);
    return 0;
}

static int dump_salt(void *ctx, int32_t day, const void *salt, size_t n,
                     int64_t touched)
{
    char line[256];
    size_t o;

    o = (size_t)snprintf(line, sizeof(line), "salt %d %lld ", (int)day,
                         (long long)touched);
    for (size_t i = 0; i < n && o + 3 < sizeof(line); i++)
        o += (size_t)snprintf(line + o, sizeof(line) - o, "%02x",
                              ((const unsigned char *)salt)[i]);
    add_line(ctx, line);
    return 0;
}

struct dump_ctx {
    struct store *s;
    struct lines *l;
};

static int dump_day_of(void *ctx, int32_t day)
{
    const struct dump_ctx *c = ctx;
    struct dump_day d = {c->l, day};
    struct bs_err err = {0};

    ok(store_day_items(c->s, day, dump_item, &d, &err), &err);
    return 0;
}

/* Everything the copy carries of the store at path, as sorted lines. */
static void dump(const char *path, struct lines *l)
{
    struct store *s = open_store(path);
    struct dump_ctx c = {s, l};
    struct bs_err err = {0};
    static const char *const sites[] = {"default", "shop", "news"};
    int64_t utc;
    int tz;
    char line[128];

    ok(store_each_day(s, INT32_MIN, INT32_MAX, dump_day_of, &c, &err), &err);
    ok(store_each_source(s, dump_source, l, &err), &err);
    ok(store_each_salt(s, dump_salt, l, &err), &err);
    for (size_t i = 0; i < ARRAY_SIZE(sites); i++) {
        int64_t id = -1;

        assert_int_equal(store_site_id(s, sites[i], 0, &id, &err), 1);
        snprintf(line, sizeof(line), "site %s %lld", sites[i], (long long)id);
        add_line(l, line);
    }
    for (int64_t site = -1; site < 10; site++)
        if (store_newest_line_get(s, site, &utc, &tz, &err) == 1) {
            snprintf(line, sizeof(line), "newest %lld %lld %d",
                     (long long)site, (long long)utc, tz);
            add_line(l, line);
        }
    store_close(s);
    qsort(l->v, l->n, sizeof(*l->v), cmp_line);
}

static void assert_same(const char *a, const char *b)
{
    struct lines la = {0}, lb = {0};

    dump(a, &la);
    dump(b, &lb);
    for (size_t i = 0; i < la.n && i < lb.n; i++)
        if (strcmp(la.v[i], lb.v[i]) != 0)
            fail_msg("line %zu:\n  %s\n  %s", i, la.v[i], lb.v[i]);
    assert_int_equal(la.n, lb.n);
    lines_free(&la);
    lines_free(&lb);
}

static int copy(const char *from, const char *to, struct copy_result *res,
                struct bs_err *err)
{
    struct copy_opts o = {.from = from, .to = to};

    memset(err, 0, sizeof(*err));
    return copy_run(&o, NULL, res, err);
}

/* ---- the tests ------------------------------------------------------- */

static void test_copy_whole(void **state)
{
    struct tu_store *f = *state;
    char *to = tu_path(f->dir, "copy.db");
    struct copy_result res;
    struct bs_err err;
    struct lines l = {0};
    int big = 0;

    build(f->path);
    ok(copy(f->path, to, &res, &err), &err);
    assert_int_equal(res.days, 4);
    assert_int_equal(res.sites, 2);
    assert_int_equal(res.sources, 2);
    assert_int_equal(res.salts, 2);
    assert_same(f->path, to);
    /* The big day's sketch went over dense, and counts its readers. */
    dump(to, &l);
    assert_true(l.n > 100);
    for (size_t i = 0; i < l.n; i++)
        if (strstr(l.v[i], " 16385 ") && strstr(l.v[i], "15701 "))
            big++;
    assert_int_equal(big, 3);      /* the day's, the post's, the country's */
    lines_free(&l);
    /* The imported posts, their terms, and what never goes. */
    assert_int_equal(tu_sql_int(to, "SELECT count(*) FROM paths p JOIN sites s"
                                " ON s.id = p.site WHERE p.imported = 1 AND"
                                " p.title = 'A title' AND p.published = 15000"
                                " AND p.kind = 'post'"), 2);
    assert_int_equal(tu_sql_int(to, "SELECT post_id FROM paths WHERE"
                                " imported = 1 AND site = 0"), 42);
    assert_int_equal(tu_sql_int(to, "SELECT count(*) FROM post_terms"), 6);
    assert_int_equal(tu_sql_int(to, "SELECT count(*) FROM country_names"
                                " WHERE name IN ('Sweden', 'France')"), 2);
    assert_int_equal(tu_sql_int(to, "SELECT count(*) FROM meta"
                                " WHERE key = 'visitor_key'"), 0);
    assert_int_equal(tu_sql_int(to, "SELECT sum(visits) FROM days"),
                     tu_sql_int(f->path, "SELECT sum(visits) FROM days"));
    /* A site made in the copy takes a new id. */
    {
        struct store *s = open_store(to);
        int64_t id;

        assert_int_equal(store_site_id(s, "later", 1, &id, &err), 1);
        assert_true(id > 9);
        store_close(s);
    }
    free(to);
}

/* A copy of the copy is the same again; an empty database file takes
 * one too. */
static void test_copy_twice_and_into_empty(void **state)
{
    struct tu_store *f = *state;
    char *a = tu_path(f->dir, "a.db"), *b = tu_path(f->dir, "b.db");
    struct copy_result res;
    struct bs_err err;

    build(f->path);
    ok(copy(f->path, a, &res, &err), &err);
    store_close(open_store(b));           /* new and empty */
    ok(copy(a, b, &res, &err), &err);
    assert_same(f->path, b);
    free(a);
    free(b);
}

static void test_refuse_not_empty(void **state)
{
    struct tu_store *f = *state;
    char *to = tu_path(f->dir, "to.db");
    struct copy_result res;
    struct bs_err err;
    struct store *s;
    int64_t id;

    build(f->path);
    s = open_store(to);
    ok(store_begin(s, &err), &err);
    ok(store_path_id(s, 0, URL_PAGE, "/x/", 3, &id, &err), &err);
    ok(store_commit(s, &err), &err);
    store_close(s);
    assert_int_equal(copy(f->path, to, &res, &err), -1);
    assert_int_equal(err.status, BS_CANTCREAT);
    assert_non_null(strstr(err.msg, to));
    assert_non_null(strstr(err.msg, "paths"));
    assert_int_equal(tu_sql_int(to, "SELECT count(*) FROM days"), 0);
    assert_int_equal(tu_sql_int(to, "SELECT count(*) FROM paths"), 1);
    /* Nor into itself. */
    assert_int_equal(copy(f->path, f->path, &res, &err), -1);
    assert_int_equal(err.status, BS_USAGE);
    free(to);
}

/* A damaged sketch of the last day, read after the other days went
 * into the copy's transaction: the destination stays as it was. */
static void test_failure_midway(void **state)
{
    struct tu_store *f = *state;
    char *fresh = tu_path(f->dir, "fresh.db"), *empty = tu_path(f->dir,
                                                              "empty.db");
    struct copy_result res;
    struct bs_err err;
    struct store *s;
    struct stat st;
    sqlite3 *db;

    build(f->path);
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "INSERT INTO country_sketches(site, "
                                  "day, country, sketch) VALUES(0, 15703, "
                                  "'FR', x'07')", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    /* A new file: gone again. */
    assert_int_equal(copy(f->path, fresh, &res, &err), -1);
    assert_int_not_equal(err.status, 0);
    assert_int_not_equal(stat(fresh, &st), 0);
    /* An empty database: still empty. */
    store_close(open_store(empty));
    assert_int_equal(copy(f->path, empty, &res, &err), -1);
    s = open_store(empty);
    assert_int_equal(store_is_empty(s, NULL, &err), 1);
    store_close(s);
    assert_int_equal(tu_sql_int(empty, "SELECT count(*) FROM country_names"),
                     0);
    free(fresh);
    free(empty);
}

static void write_key(const char *path, const char *key)
{
    struct bs_err err = {0};

    ok(atomic_write_file(path, 0600, key, VISITOR_KEY_BYTES, &err), &err);
}

/* The key beside a file copy: the original's; another one refused. */
static void test_key_file(void **state)
{
    struct tu_store *f = *state;
    char *key = tu_path(f->dir, "blog.db.key");
    char *to = tu_path(f->dir, "to.db"), *to_key = tu_path(f->dir,
                                                         "to.db.key");
    char *other = tu_path(f->dir, "other.db"),
         *other_key = tu_path(f->dir, "other.db.key");
    unsigned char got[VISITOR_KEY_BYTES + 1];
    struct copy_result res;
    struct bs_err err;
    struct stat st;
    FILE *fp;

    build(f->path);
    write_key(key, "0123456789abcdef");
    ok(copy(f->path, to, &res, &err), &err);
    assert_true(res.key_written);
    assert_int_equal(stat(to_key, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    fp = fopen(to_key, "rb");
    assert_non_null(fp);
    assert_int_equal(fread(got, 1, sizeof(got), fp), VISITOR_KEY_BYTES);
    fclose(fp);
    assert_memory_equal(got, "0123456789abcdef", VISITOR_KEY_BYTES);
    /* Another key already beside the destination. */
    write_key(other_key, "fedcba9876543210");
    assert_int_equal(copy(f->path, other, &res, &err), -1);
    assert_int_equal(err.status, BS_CANTCREAT);
    assert_non_null(strstr(err.msg, other_key));
    assert_int_not_equal(stat(other, &st), 0);
    free(key);
    free(to);
    free(to_key);
    free(other);
    free(other_key);
}

/* ---- PostgreSQL ------------------------------------------------------- */

/* A new database of the server of BLOGSTAT_TEST_PG named after name and
 * this process: its URI (malloc'ed), or NULL without a server. */
static char *pg_database(const char *name)
{
    const char *base = getenv("BLOGSTAT_TEST_PG"), *q;
    char db[64], cmd[128];
    PGconn *c;
    PGresult *r;
    size_t n;
    char *uri;

    if (!base || !*base)
        return NULL;
    snprintf(db, sizeof(db), "copy_%ld_%s", (long)getpid(), name);
    snprintf(cmd, sizeof(cmd), "CREATE DATABASE %s", db);
    c = PQconnectdb(base);
    if (PQstatus(c) != CONNECTION_OK)
        fail_msg("%s", PQerrorMessage(c));
    r = PQexec(c, cmd);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        fail_msg("%s: %s", cmd, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
    /* The same URI but for its database: "scheme://auth/DB?query". */
    q = strchr(strstr(base, "://") + 3, '/');
    assert_non_null(q);
    n = strlen(base) + strlen(db) + 2;
    uri = xmalloc(n);
    snprintf(uri, n, "%.*s/%s%s", (int)(q - base), base, db,
             q + strcspn(q, "?"));
    return uri;
}

static void pg_drop(const char *name)
{
    char cmd[128];
    PGconn *c = PQconnectdb(getenv("BLOGSTAT_TEST_PG"));

    snprintf(cmd, sizeof(cmd), "DROP DATABASE copy_%ld_%s WITH (FORCE)",
             (long)getpid(), name);
    PQclear(PQexec(c, cmd));
    PQfinish(c);
}

static void test_copy_postgresql(void **state)
{
    struct tu_store *f = *state;
    char *a = pg_database("a"), *b = pg_database("b");
    char *back = tu_path(f->dir, "back.db");
    struct copy_result res;
    struct bs_err err;
    struct store *s;
    sqlite3 *db;

    if (!a) {
        printf("test_copy: BLOGSTAT_TEST_PG is not set: the PostgreSQL "
               "copies are skipped\n");
        free(back);
        return;
    }
    build(f->path);
    ok(copy(f->path, a, &res, &err), &err);
    assert_int_equal(res.days, 4);
    ok(copy(a, b, &res, &err), &err);
    assert_int_equal(res.sources, 2);
    ok(copy(b, back, &res, &err), &err);
    assert_same(f->path, back);
    /* Data there: refused, with the URI named. */
    assert_int_equal(copy(f->path, b, &res, &err), -1);
    assert_int_equal(err.status, BS_CANTCREAT);
    assert_non_null(strstr(err.msg, "is not empty"));
    /* A failure midway leaves an empty one empty. */
    pg_drop("a");
    free(a);
    a = pg_database("a");
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "INSERT INTO country_sketches(site, "
                                  "day, country, sketch) VALUES(0, 15703, "
                                  "'FR', x'07')", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(copy(f->path, a, &res, &err), -1);
    s = open_store(a);
    assert_int_equal(store_is_empty(s, NULL, &err), 1);
    store_close(s);
    pg_drop("a");
    pg_drop("b");
    free(a);
    free(b);
    free(back);
}

int main(void)
{
#define T(name) \
    cmocka_unit_test_setup_teardown(name, tu_store_setup, tu_store_teardown)
    const struct CMUnitTest tests[] = {
        T(test_copy_whole),
        T(test_copy_twice_and_into_empty),
        T(test_refuse_not_empty),
        T(test_failure_midway),
        T(test_key_file),
        T(test_copy_postgresql),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
