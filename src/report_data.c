/*
 * report_data.c - the numbers of a site's report, read from the store
 * into one arena.
 */
#include "blogstat.h"
#include "agg.h"
#include "classify.h"
#include "report_data.h"
#include "store.h"

#include <stdlib.h>
#include <string.h>

/* A growing array of rows of one type; copied into the arena when done. */
struct vec {
    unsigned char *p;
    size_t n, cap, size;
};

static void *vec_push(struct vec *v)
{
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 16;
        v->p = xrealloc(v->p, v->cap * v->size);
    }
    memset(v->p + v->n * v->size, 0, v->size);
    return v->p + v->n++ * v->size;
}

/* The rows into the arena (NULL when none); v is emptied. */
static void *vec_keep(struct vec *v, struct arena *a)
{
    void *q = NULL;

    if (v->n) {
        q = arena_alloc(a, v->n * v->size);
        memcpy(q, v->p, v->n * v->size);
    }
    free(v->p);
    v->p = NULL;
    v->n = v->cap = 0;
    return q;
}

/* A query's rows, kept: the vector and the arena for their strings. */
struct keep {
    struct vec v;
    struct arena *a;
};

static const char *dup(struct keep *k, const char *s)
{
    return arena_memdup(k->a, s, strlen(s));
}

static void keep_init(struct keep *k, size_t size, struct arena *a)
{
    memset(k, 0, sizeof(*k));
    k->v.size = size;
    k->a = a;
}

static int keep_post(void *ctx, const struct store_post_row *row)
{
    struct keep *k = ctx;
    struct report_post *p = vec_push(&k->v);

    p->path = dup(k, row->path);
    p->title = dup(k, row->title);
    p->views = row->views;
    p->visitors = row->visitors;
    p->visits = row->visits;
    return 0;
}

/* The ids of the top posts, beside their rows. */
static int keep_post_id(void *ctx, const struct store_post_row *row)
{
    struct keep *k = ctx;
    int64_t *id = vec_push(&k->v);

    *id = row->id;
    return 0;
}

/* Both keeps of the top posts at once, and "(other)" beside them. */
struct keep_posts {
    struct keep rows, ids;
    int64_t other_views;
    size_t max;              /* posts to keep */
};

/* "(other)" holds the views of pages folded (agg.h): never a post of the
 * ranking, shown after it. */
static int keep_posts(void *ctx, const struct store_post_row *row)
{
    struct keep_posts *k = ctx;

    if (strcmp(row->path, AGG_OTHER) == 0) {
        k->other_views = row->views;
        return 0;
    }
    if (k->rows.v.n >= k->max)
        return 0;
    return keep_post(&k->rows, row) || keep_post_id(&k->ids, row);
}

static int keep_term(void *ctx, const struct store_term_row *row)
{
    struct keep *k = ctx;
    struct report_term *t = vec_push(&k->v);

    /* Shown by the name the import gave it, else by its slug. */
    t->name = dup(k, *row->title ? row->title : row->name);
    t->post_views = row->post_views;
    t->archive_views = row->archive_views;
    t->visitors = row->visitors;
    return 0;
}

static int keep_country(void *ctx, const struct store_country_row *row)
{
    struct keep *k = ctx;
    struct report_country *c = vec_push(&k->v);

    c->code = dup(k, row->code);
    c->name = dup(k, row->name);
    c->views = row->views;
    c->visitors = row->visitors;
    return 0;
}

static int keep_referrer(void *ctx, const struct store_referrer_row *row)
{
    struct keep *k = ctx;
    struct report_referrer *r = vec_push(&k->v);

    r->host = dup(k, row->host);
    r->cls = row->cls;
    r->views = row->views;
    return 0;
}

static int keep_search(void *ctx, const struct store_search_row *row)
{
    struct keep *k = ctx;
    struct report_search *s = vec_push(&k->v);

    s->term = dup(k, row->term);
    s->views = row->views;
    return 0;
}

/* A series of days from .. to, each with no data until a row says. */
struct series {
    struct report_day *d;
    int32_t from, to;
    int64_t views;           /* the sum of the days' */
};

static struct report_day *series_new(struct arena *a, int32_t from,
                                     int32_t to)
{
    size_t n = (size_t)((int64_t)to - from + 1);
    struct report_day *d = arena_alloc(a, n * sizeof(*d));

    for (size_t i = 0; i < n; i++) {
        d[i].day = from + (int32_t)i;
        d[i].views = -1;
        d[i].visitors = d[i].visits = 0;
    }
    return d;
}

static int site_day(void *ctx, const struct store_day_row *row)
{
    struct series *s = ctx;

    if (row->day >= s->from && row->day <= s->to) {
        struct report_day *t = &s->d[row->day - s->from];

        t->views = row->views;
        t->visitors = row->visitors;
        t->visits = row->visits;
        s->views += row->views;
    }
    return 0;
}

static int post_day(void *ctx, const struct store_post_day_row *row)
{
    struct series *s = ctx;

    if (row->day >= s->from && row->day <= s->to) {
        struct report_day *t = &s->d[row->day - s->from];

        t->views = row->views;
        t->visitors = row->visitors;
        t->visits = row->visits;
    }
    return 0;
}

/* A post's series: 0 on days the site has data for but the post has no
 * view, a gap only where the whole site has none. */
static void zero_fill(struct report_day *post, const struct report_day *site,
                      size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (post[i].views < 0 && site[i].views >= 0)
            post[i].views = 0;
}

static int sum_views(void *ctx, const struct store_day_row *row)
{
    *(int64_t *)ctx += row->views;
    return 0;
}

static int first_day(void *ctx, const struct store_post_day_row *row)
{
    *(int32_t *)ctx = row->day;
    return 1;
}

static int add_source(void *ctx, const struct store_source_row *row)
{
    int64_t *src = ctx;
    int k = row->cls == REF_SEARCH     ? REPORT_SRC_SEARCH
            : row->cls == REF_SOCIAL   ? REPORT_SRC_SOCIAL
            : row->cls == REF_OTHER    ? REPORT_SRC_OTHER
            : row->cls == REF_MAIL     ? REPORT_SRC_MAIL
            : row->cls == REF_INTERNAL ? REPORT_SRC_INTERNAL
                                       : -1;

    if (k >= 0)
        src[k] += row->views;
    return 0;
}

/* The views of the range by kind of referrer; "none" is what is left. */
static int sources(struct store *s, const struct store_filter *f,
                   int64_t views, int64_t *src, struct bs_err *err)
{
    int64_t linked = 0;

    memset(src, 0, REPORT_NSOURCES * sizeof(*src));
    if (store_sources(s, f, add_source, src, err))
        return -1;
    for (int k = 0; k < REPORT_SRC_NONE; k++)
        linked += src[k];
    src[REPORT_SRC_NONE] = views > linked ? views - linked : 0;
    return 0;
}

struct post_meta {
    struct report_post_page *p;
    struct arena *a;
    int found;
};

static int post_info(void *ctx, const struct store_post_info *row)
{
    struct post_meta *m = ctx;

    m->p->path = arena_memdup(m->a, row->path, strlen(row->path));
    m->p->title = arena_memdup(m->a, row->title, strlen(row->title));
    m->p->kind = row->kind;
    m->p->published = row->has_published ? row->published : INT32_MIN;
    m->found = 1;
    return 1;
}

/* A post's tags and categories: two lists of names. */
struct post_terms {
    struct keep tags, cats;
};

static int post_term(void *ctx, const struct store_post_term_row *row)
{
    struct post_terms *t = ctx;
    struct keep *k = row->taxonomy == URL_TAG ? &t->tags : &t->cats;
    const char **name = vec_push(&k->v);

    *name = dup(k, *row->title ? row->title : row->name);
    return 0;
}

/* The first day of a post's page: its publication, or its first view
 * when earlier or when it has no date, within the site's days and at
 * most REPORT_MAX_DAYS before the end. */
static int32_t page_from(const struct report_range *r,
                         const struct report_post_page *p, int has_view,
                         int32_t first_view)
{
    int32_t from = r->first;

    if (p->published != INT32_MIN)
        from = p->published;
    if (has_view && (p->published == INT32_MIN || first_view < from))
        from = first_view;
    if (from < r->first)
        from = r->first;
    if (from > r->to)
        from = r->to;
    if (r->to - from >= REPORT_MAX_DAYS)
        from = r->to - REPORT_MAX_DAYS + 1;
    return from;
}

/* The page of post id: its days since it was published (or first read). */
static int post_page(struct store *s, const struct report_range *r,
                     int64_t id, struct arena *a, struct report_post_page *p,
                     struct bs_err *err)
{
    struct store_filter f = {.from = r->from, .to = r->to, .limit = 1,
                             .path_id = id, .site = r->site};
    struct post_meta meta = {p, a, 0};
    struct series post, site;
    struct keep ctry, refs;
    struct post_terms terms;
    struct store_audience aud;
    int32_t d0 = 0;
    int has_view;

    memset(p, 0, sizeof(*p));
    if (store_post_info(s, &f, post_info, &meta, err))
        return -1;
    if (!meta.found)
        return bs_fail(err, BS_SOFTWARE, "post %lld is not in the database",
                       (long long)id);
    f.from = INT32_MIN;
    d0 = INT32_MIN;
    if (store_post_days(s, &f, first_day, &d0, err))
        return -1;
    has_view = d0 != INT32_MIN;
    f.from = page_from(r, p, has_view, d0);
    f.limit = 0;
    p->from = f.from;
    p->to = r->to;
    p->ndays = (size_t)((int64_t)r->to - f.from + 1);
    post = (struct series){series_new(a, f.from, r->to), f.from, r->to, 0};
    site = (struct series){series_new(a, f.from, r->to), f.from, r->to, 0};
    keep_init(&ctry, sizeof(struct report_country), a);
    keep_init(&refs, sizeof(struct report_referrer), a);
    keep_init(&terms.tags, sizeof(const char *), a);
    keep_init(&terms.cats, sizeof(const char *), a);
    {
        struct store_filter top = f, all = f;

        top.limit = REPORT_TOP_COUNTRIES;
        all.from = INT32_MIN;
        all.to = INT32_MAX;
        if (store_post_days(s, &f, post_day, &post, err) ||
            store_day_counts(s, &f, site_day, &site, err) ||
            store_post_countries(s, &top, keep_country, &ctry, err) ||
            store_post_terms(s, &all, post_term, &terms, err) ||
            store_post_range(s, &f, &aud, err))
            goto fail;
        top.limit = REPORT_TOP_REFERRERS;
        if (store_post_referrers(s, &top, keep_referrer, &refs, err))
            goto fail;
    }
    zero_fill(post.d, site.d, p->ndays);
    for (size_t i = 0; i < p->ndays; i++)
        if (post.d[i].views > 0)
            p->views += post.d[i].views;
    p->days = post.d;
    p->visitors = aud.visitors;
    p->visits = aud.visits;
    p->ncountries = ctry.v.n;
    p->countries = vec_keep(&ctry.v, a);
    p->nreferrers = refs.v.n;
    p->referrers = vec_keep(&refs.v, a);
    p->ntags = terms.tags.v.n;
    p->tags = vec_keep(&terms.tags.v, a);
    p->ncategories = terms.cats.v.n;
    p->categories = vec_keep(&terms.cats.v, a);
    return 0;
fail:
    free(ctry.v.p);
    free(refs.v.p);
    free(terms.tags.v.p);
    free(terms.cats.v.p);
    return -1;
}

/* Each top post's views per day of the range, and its page. */
static int posts_data(struct store *s, const struct report_range *r,
                      const int64_t *ids, const struct report_day *site,
                      struct report_data *d, struct bs_err *err)
{
    size_t n = d->index.nposts;
    struct report_data_post *posts =
        arena_alloc(&d->mem, (n ? n : 1) * sizeof(*posts));
    struct report_life *life = n ? report_life_build(s, r->site, r->first,
                                                     r->to, err)
                                 : NULL;

    if (n && !life)
        return -1;
    memset(posts, 0, (n ? n : 1) * sizeof(*posts));
    d->posts = posts;
    for (size_t i = 0; i < n; i++) {
        struct store_filter f = {.from = r->from, .to = r->to,
                                 .path_id = ids[i], .site = r->site};
        struct series ps = {series_new(&d->mem, r->from, r->to), r->from,
                            r->to, 0};

        posts[i].id = ids[i];
        if (store_post_days(s, &f, post_day, &ps, err)) {
            report_life_free(life);
            return -1;
        }
        zero_fill(ps.d, site, d->index.ndays);
        posts[i].days = ps.d;
        if (post_page(s, r, ids[i], &d->mem, &posts[i].page, err)) {
            report_life_free(life);
            return -1;
        }
        report_life_of(life, ids[i], &posts[i].page);
    }
    report_life_free(life);
    return 0;
}

/* The index's tables: posts, tags, categories, countries, referrers,
 * search terms. ids: the top posts' ids, freed by the caller. */
static int tables(struct store *s, const struct store_filter *range,
                  struct report_data *d, int64_t **ids, struct bs_err *err)
{
    struct report_index *x = &d->index;
    struct store_filter f = *range;
    struct keep_posts posts;
    struct keep tags, cats, ctry, refs, srch;
    int rc = -1;

    keep_init(&posts.rows, sizeof(struct report_post), &d->mem);
    keep_init(&posts.ids, sizeof(int64_t), &d->mem);
    keep_init(&tags, sizeof(struct report_term), &d->mem);
    keep_init(&cats, sizeof(struct report_term), &d->mem);
    keep_init(&ctry, sizeof(struct report_country), &d->mem);
    keep_init(&refs, sizeof(struct report_referrer), &d->mem);
    keep_init(&srch, sizeof(struct report_search), &d->mem);
    /* One more: "(other)" may be among them. */
    f.limit = REPORT_TOP_POSTS + 1;
    posts.other_views = 0;
    posts.max = REPORT_TOP_POSTS;
    if (store_top_posts(s, &f, keep_posts, &posts, err))
        goto out;
    f.limit = REPORT_TOP_TERMS;
    if (store_top_terms(s, &f, URL_TAG, keep_term, &tags, err) ||
        store_top_terms(s, &f, URL_CATEGORY, keep_term, &cats, err))
        goto out;
    f.limit = REPORT_TOP_COUNTRIES;
    if (store_top_countries(s, &f, keep_country, &ctry, err))
        goto out;
    f.limit = REPORT_TOP_REFERRERS;
    if (store_top_referrers(s, &f, keep_referrer, &refs, err))
        goto out;
    f.limit = REPORT_TOP_SEARCHES;
    if (store_top_search_terms(s, &f, keep_search, &srch, err))
        goto out;
    x->nposts = posts.rows.v.n;
    x->other_views = posts.other_views;
    x->posts = vec_keep(&posts.rows.v, &d->mem);
    *ids = (int64_t *)posts.ids.v.p;
    posts.ids.v.p = NULL;
    x->ntags = tags.v.n;
    x->tags = vec_keep(&tags.v, &d->mem);
    x->ncategories = cats.v.n;
    x->categories = vec_keep(&cats.v, &d->mem);
    x->ncountries = ctry.v.n;
    x->countries = vec_keep(&ctry.v, &d->mem);
    x->nreferrers = refs.v.n;
    x->referrers = vec_keep(&refs.v, &d->mem);
    x->nsearches = srch.v.n;
    x->searches = vec_keep(&srch.v, &d->mem);
    rc = 0;
out:
    free(posts.rows.v.p);
    free(posts.ids.v.p);
    free(tags.v.p);
    free(cats.v.p);
    free(ctry.v.p);
    free(refs.v.p);
    free(srch.v.p);
    return rc;
}

/* Days since 1970-01-01 of Unix seconds t, rounded down. */
static int32_t day_of(int64_t t)
{
    return (int32_t)(t >= 0 ? t / 86400 : -((-t + 86399) / 86400));
}

int report_partial_day(struct store *s, int64_t site, int64_t now,
                       int32_t *day, struct bs_err *err)
{
    int32_t first, last, all_first, all_last;
    int64_t utc = 0;
    int tz = 0, has, found;

    if ((has = store_day_span(s, site, &first, &last, err)) <= 0)
        return has;
    if (site != STORE_SITE_ALL) {
        if (store_day_span(s, STORE_SITE_ALL, &all_first, &all_last,
                           err) < 0)
            return -1;
        if (all_last > last)
            return 0;
    }
    found = store_newest_line_get(s, site, &utc, &tz, err);
    if (found == 0 && site != STORE_SITE_ALL)
        found = store_newest_line_get(s, STORE_SITE_ALL, &utc, &tz, err);
    if (found < 0)
        return -1;
    /* A line of a later day (of an excluded address) was read. */
    if (found && day_of(utc + (int64_t)tz * 60) > last)
        return 0;
    if (day_of(now + (int64_t)tz * 60) > last)
        return 0;
    *day = last;
    return 1;
}

/* With a day still being written in the range, the views and visitors
 * of the complete days before it, to compare with the days before them:
 * 0, or -1 with err. */
static int complete_days(struct store *s, const struct report_range *r,
                         struct report_index *x, struct bs_err *err)
{
    struct store_filter f = {.from = r->from, .to = x->partial_day - 1,
                             .site = r->site};
    struct store_audience aud;

    x->cmp_days = x->partial_day - r->from;
    if (x->cmp_days <= 0)
        return 0;
    if (store_day_counts(s, &f, sum_views, &x->cmp_views, err) ||
        store_range(s, &f, &aud, err))
        return -1;
    x->cmp_visitors = aud.visitors;
    return 0;
}

struct report_data *report_data_build(struct store *s,
                                      const struct report_range *r,
                                      struct bs_err *err)
{
    struct report_data *d = xcalloc(1, sizeof(*d));
    struct report_index *x = &d->index;
    int32_t len = r->to - r->from + 1, clen = len, pday = 0;
    struct store_filter f = {.from = r->from, .to = r->to, .site = r->site};
    struct store_filter prev = {.site = r->site};
    struct store_audience now, before;
    struct series days;
    int64_t *ids = NULL;
    int partial = 0;

    if (r->from > r->to || len > REPORT_MAX_DAYS)
        BUG("a report of %d days", len);
    arena_init(&d->mem, 0);
    if (r->now &&
        (partial = report_partial_day(s, r->site, r->now, &pday, err)) < 0) {
        report_data_free(d);
        return NULL;
    }
    if (partial && pday >= r->from && pday <= r->to) {
        x->has_partial = 1;
        x->partial_day = pday;
        clen = pday - r->from;
    }
    prev.from = r->from - clen;
    prev.to = r->from - 1;
    days = (struct series){series_new(&d->mem, r->from, r->to), r->from,
                           r->to, 0};
    x->from = r->from;
    x->to = r->to;
    x->days = days.d;
    x->ndays = (size_t)len;
    x->has_prev = clen > 0 && r->first <= r->from - clen;
    if (store_days(s, &f, site_day, &days, err) ||
        (x->has_partial && complete_days(s, r, x, err)) ||
        store_day_counts(s, &prev, sum_views, &x->prev_views, err) ||
        store_range(s, &f, &now, err) ||
        store_range(s, &prev, &before, err) ||
        sources(s, &f, days.views, x->sources, err) ||
        tables(s, &f, d, &ids, err) ||
        (!r->index_only && posts_data(s, r, ids, days.d, d, err)) ||
        report_dims_build(s, r, &d->mem, &x->dims, err)) {
        free(ids);
        report_data_free(d);
        return NULL;
    }
    free(ids);
    x->views = days.views;
    x->visitors = now.visitors;
    x->visits = now.visits;
    x->prev_visitors = before.visitors;
    return d;
}

void report_data_free(struct report_data *d)
{
    if (!d)
        return;
    arena_release(&d->mem);
    free(d);
}
