/*
 * report_periods.c - the report over other periods, beside the range
 * asked for: the last 7, 30, 90 and 365 complete days, and each month and
 * year with data, each a report of its own in periods/ID/ (without post
 * pages: the main report has them), linked from a period menu on every
 * page and listed in periods/index.html. A period whose data did not
 * change since it was last written (its fingerprint, kept beside it in
 * .fingerprint) is not drawn again, so that a nightly report rewrites
 * only the periods the night changed.
 */
#include "blogstat.h"
#include "atomicfile.h"
#include "chart.h"
#include "report.h"
#include "report_data.h"
#include "store.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The menu's first entries, before the list of months and years. */
#define NLAST 4
static const int last_days[NLAST] = {7, 30, 90, 365};

struct period {
    char id[16];             /* "last-7", "2013-02", "2013" */
    char name[40];           /* "Last 7 days", "February 2013", "2013" */
    int32_t from, to;
};

struct report_periods {
    int64_t site;
    int32_t first;           /* the site's first day with data */
    int64_t now;
    struct period *p;
    size_t n, cap;
    size_t nlast;            /* of them, the last-N ones, first */
    /* The main report's menu, and the list page's links. */
    struct report_link *menu;
    size_t nmenu;
    char (*menu_hrefs)[48];
    struct report_link *list;
    char (*list_hrefs)[32];
};

static const char *const month_names[] = {
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
};

static struct period *add(struct report_periods *ps)
{
    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? 2 * ps->cap : 32;
        ps->p = xrealloc(ps->p, ps->cap * sizeof(*ps->p));
    }
    memset(&ps->p[ps->n], 0, sizeof(ps->p[ps->n]));
    return &ps->p[ps->n++];
}

/* Days since 1970 of y-m-d (m 1..12). */
static int32_t day_of(int y, int m, int d)
{
    return days_from_civil(y, (unsigned)m, (unsigned)d);
}

static void ymd(int32_t day, int *y, int *m)
{
    unsigned mm, dd;

    civil_from_days(day, y, &mm, &dd);
    *m = (int)mm;
}

struct report_periods *report_periods_plan(struct store *s, int64_t site,
                                           int32_t first, int32_t last,
                                           int64_t now, struct bs_err *err)
{
    struct report_periods *ps = xcalloc(1, sizeof(*ps));
    int32_t end = last, partial;
    int y, m, y1, m1, has;

    ps->site = site;
    ps->first = first;
    ps->now = now;
    /* The last N days end with the newest complete day. */
    has = now ? report_partial_day(s, site, now, &partial, err) : 0;
    if (has < 0) {
        report_periods_free(ps);
        return NULL;
    }
    if (has && partial == last && last > first)
        end = last - 1;
    /* The last N days, while the data reaches back past the shorter
     * one's start: a longer one would show the same days. */
    for (int i = 0; i < NLAST; i++) {
        struct period *p;

        if (i > 0 && first > end - last_days[i - 1] + 1)
            break;
        p = add(ps);
        snprintf(p->id, sizeof(p->id), "last-%d", last_days[i]);
        snprintf(p->name, sizeof(p->name), "Last %d days", last_days[i]);
        p->to = end;
        p->from = end - last_days[i] + 1;
    }
    ps->nlast = ps->n;
    /* Each year, newest first, then its months, newest first. */
    ymd(first, &y1, &m1);
    ymd(last, &y, &m);
    for (int yy = y; yy >= y1; yy--) {
        int32_t ys = day_of(yy, 1, 1), ye = day_of(yy + 1, 1, 1) - 1;
        int m_first = yy == y1 ? m1 : 1, m_last = yy == y ? m : 12;
        struct period *p;

        /* A year of one month with data is that month's page. */
        if (m_last > m_first) {
            p = add(ps);
            snprintf(p->id, sizeof(p->id), "%d", yy);
            snprintf(p->name, sizeof(p->name), "%d", yy);
            p->from = ys;
            p->to = ye < last ? ye : last;
        }
        for (int mm = m_last; mm >= m_first; mm--) {
            int32_t ms = day_of(yy, mm, 1),
                    me = day_of(mm == 12 ? yy + 1 : yy, mm == 12 ? 1 : mm + 1,
                                1) - 1;

            p = add(ps);
            snprintf(p->id, sizeof(p->id), "%d-%02d", yy, mm);
            snprintf(p->name, sizeof(p->name), "%s %d", month_names[mm - 1],
                     yy);
            p->from = ms;
            p->to = me < last ? me : last;
        }
    }
    /* The main report's menu: the last-N periods and the list. */
    ps->nmenu = ps->nlast + 1;
    ps->menu = xcalloc(ps->nmenu, sizeof(*ps->menu));
    ps->menu_hrefs = xcalloc(ps->nlast, sizeof(*ps->menu_hrefs));
    for (size_t i = 0; i < ps->nlast; i++) {
        snprintf(ps->menu_hrefs[i], sizeof(ps->menu_hrefs[i]),
                 "periods/%s/index.html", ps->p[i].id);
        ps->menu[i] = (struct report_link){ps->p[i].name, ps->menu_hrefs[i]};
    }
    ps->menu[ps->nlast] = (struct report_link){"Months and years",
                                               "periods/index.html"};
    /* The list: every period, relative to periods/. */
    ps->list = xcalloc(ps->n, sizeof(*ps->list));
    ps->list_hrefs = xcalloc(ps->n, sizeof(*ps->list_hrefs));
    for (size_t i = 0; i < ps->n; i++) {
        snprintf(ps->list_hrefs[i], sizeof(ps->list_hrefs[i]),
                 "%s/index.html", ps->p[i].id);
        ps->list[i] = (struct report_link){ps->p[i].name, ps->list_hrefs[i]};
    }
    return ps;
}

const struct report_link *report_periods_menu(const struct report_periods *ps,
                                              size_t *n)
{
    *n = ps->nmenu;
    return ps->menu;
}

void report_periods_free(struct report_periods *ps)
{
    if (!ps)
        return;
    free(ps->p);
    free(ps->menu);
    free(ps->menu_hrefs);
    free(ps->list);
    free(ps->list_hrefs);
    free(ps);
}

/* The menu of period i's page (periods/ID/index.html): the main report,
 * the last-N periods (i's own without a link) and the list. */
static size_t period_menu(const struct report_periods *ps, size_t i,
                          struct report_link *menu, char (*hrefs)[48])
{
    size_t n = 0;

    menu[n++] = (struct report_link){"The report", "../../index.html"};
    for (size_t k = 0; k < ps->nlast; k++) {
        snprintf(hrefs[k], sizeof(hrefs[k]), "../%s/index.html",
                 ps->p[k].id);
        menu[n++] = (struct report_link){ps->p[k].name,
                                         k == i ? NULL : hrefs[k]};
    }
    menu[n++] = (struct report_link){"Months and years", "../index.html"};
    return n;
}

/* The fingerprint of period p's report as it would be written now, from
 * the fingerprint h of its counts (store_fingerprints()). */
static int fingerprint(struct store *s, const struct report_periods *ps,
                       const struct period *p,
                       const struct report_site *base, uint64_t h,
                       uint64_t *fp, struct bs_err *err)
{
    h = bs_hash_seeded(BLOGSTAT_VERSION, strlen(BLOGSTAT_VERSION), h);
    if (base->name)
        h = bs_hash_seeded(base->name, strlen(base->name), h);
    if (base->url)
        h = bs_hash_seeded(base->url, strlen(base->url), h);
    /* A day still being written changes with the clock. */
    if (ps->now) {
        int32_t day;
        int has = report_partial_day(s, ps->site, ps->now, &day, err);

        if (has < 0)
            return -1;
        if (has && day >= p->from && day <= p->to)
            h = bs_hash_seeded(&ps->now, sizeof(ps->now), h);
    }
    *fp = h;
    return 0;
}

/* A period's report to draw: its data read, its page's menu, the
 * fingerprint to keep beside it once written. */
struct period_job {
    struct atomic_dir *dir;  /* periods/ID, owned */
    struct report_data *d;   /* owned */
    struct report_site site;
    struct report_link menu[NLAST + 2];
    char hrefs[NLAST][48];
    char fp[32];
};

static void job_free(struct period_job *j)
{
    if (!j)
        return;
    report_data_free(j->d);
    atomic_dir_close(j->dir);
    free(j);
}

/* Period i's data into a job for dir (taken), unless its fingerprint
 * (counts the fingerprint of its counts) says its report is as it was:
 * 1 with *job, 0 left (dir closed), -1 with err (dir closed). */
static int period_read(struct store *s, const struct report_periods *ps,
                       size_t i, uint64_t counts,
                       const struct report_site *base,
                       struct atomic_dir *dir, struct period_job **job,
                       struct bs_err *err)
{
    const struct period *p = &ps->p[i];
    struct report_range r = {ps->site, p->from, p->to, ps->first, ps->now,
                             1};
    struct period_job *j;
    char old[32];
    uint64_t fp;
    long n;

    *job = NULL;
    if (fingerprint(s, ps, p, base, counts, &fp, err)) {
        atomic_dir_close(dir);
        return -1;
    }
    j = xcalloc(1, sizeof(*j));
    j->dir = dir;
    snprintf(j->fp, sizeof(j->fp), "%016" PRIx64 "\n", fp);
    n = atomic_read_at(dir, ".fingerprint", old, sizeof(old) - 1);
    if (n == (long)strlen(j->fp) && memcmp(old, j->fp, (size_t)n) == 0 &&
        atomic_read_at(dir, "index.html", old, 1) == 1) {
        job_free(j);
        return 0;
    }
    j->site = *base;
    j->site.links = NULL;
    j->site.nlinks = 0;
    j->site.light = 1;
    j->site.nperiods = period_menu(ps, i, j->menu, j->hrefs);
    j->site.periods = j->menu;
    if (!(j->d = report_data_build(s, &r, err))) {
        job_free(j);
        return -1;
    }
    *job = j;
    return 1;
}

/* Draw a job's report, then its fingerprint: 0, or -1 with err. Needs
 * no store: runs on either thread. */
static int period_draw(const struct period_job *j, struct bs_err *err)
{
    struct atomic_file *af;

    if (report_write(j->dir, j->d, &j->site, err))
        return -1;
    if (!(af = atomic_open_at(j->dir, ".fingerprint", 0644, err)))
        return -1;
    fputs(j->fp, atomic_stream(af));
    return atomic_commit(af, err);
}

/*
 * The drawing helper: the reading thread leaves a job in its slot when
 * the slot is free, and draws the job itself when it is not, so that
 * both cores draw while the store is read.
 */
struct drawer {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct period_job *job;  /* under lock: the next to draw, or NULL */
    int quit;                /* under lock */
    int failed;              /* under lock: err holds why */
    struct bs_err err;
};

static void *drawer_main(void *arg)
{
    struct drawer *dr = arg;

    pthread_mutex_lock(&dr->lock);
    for (;;) {
        struct period_job *j;
        struct bs_err err = {0};
        int rc;

        while (!dr->job && !dr->quit)
            pthread_cond_wait(&dr->cond, &dr->lock);
        if (!dr->job)
            break;
        j = dr->job;
        dr->job = NULL;
        pthread_mutex_unlock(&dr->lock);
        rc = period_draw(j, &err);
        job_free(j);
        pthread_mutex_lock(&dr->lock);
        if (rc && !dr->failed) {
            dr->failed = 1;
            dr->err = err;
        }
    }
    pthread_mutex_unlock(&dr->lock);
    chart_thread_cleanup();
    return NULL;
}

/* Give j to the helper when its slot is free: 1 given, 0 not (j is the
 * caller's still). */
static int drawer_take(struct drawer *dr, struct period_job *j)
{
    int given = 0;

    pthread_mutex_lock(&dr->lock);
    if (!dr->job) {
        dr->job = j;
        given = 1;
        pthread_cond_broadcast(&dr->cond);
    }
    pthread_mutex_unlock(&dr->lock);
    return given;
}

int report_periods_write(struct store *s, const struct report_periods *ps,
                         const struct report_site *base,
                         const struct atomic_dir *dir, size_t *written,
                         struct bs_err *err)
{
    struct atomic_dir *top = atomic_dir_sub(dir, "periods", err);
    struct report_link menu[NLAST + 2];
    char hrefs[NLAST][48];
    size_t nmenu;
    int rc = 0;

    struct drawer dr = {.lock = PTHREAD_MUTEX_INITIALIZER,
                        .cond = PTHREAD_COND_INITIALIZER};
    int32_t *from, *to;
    uint64_t *counts;
    pthread_t th;
    int helper;

    *written = 0;
    if (!top)
        return -1;
    /* Every period's counts in one read of the tables: the periods
     * overlap (a year, its months, the last 365 days). */
    from = xmalloc((ps->n + 1) * sizeof(*from));
    to = xmalloc((ps->n + 1) * sizeof(*to));
    counts = xmalloc((ps->n + 1) * sizeof(*counts));
    for (size_t i = 0; i < ps->n; i++) {
        from[i] = ps->p[i].from;
        to[i] = ps->p[i].to;
    }
    if (store_fingerprints(s, ps->site, from, to, ps->n, counts, err)) {
        free(from);
        free(to);
        free(counts);
        atomic_dir_close(top);
        return -1;
    }
    free(from);
    free(to);
    helper = pthread_create(&th, NULL, drawer_main, &dr) == 0;
    for (size_t i = 0; i < ps->n && rc == 0; i++) {
        struct atomic_dir *pd = atomic_dir_sub(top, ps->p[i].id, err);
        struct period_job *j = NULL;
        int w = pd ? period_read(s, ps, i, counts[i], base, pd, &j, err)
                   : -1;

        if (w < 0) {
            rc = -1;
        } else if (w > 0) {
            ++*written;
            if (!helper || !drawer_take(&dr, j)) {
                rc = period_draw(j, err);
                job_free(j);
            }
        }
        pthread_mutex_lock(&dr.lock);
        if (dr.failed && rc == 0) {
            *err = dr.err;
            rc = -1;
        }
        pthread_mutex_unlock(&dr.lock);
    }
    if (helper) {
        pthread_mutex_lock(&dr.lock);
        dr.quit = 1;
        pthread_cond_broadcast(&dr.cond);
        pthread_mutex_unlock(&dr.lock);
        pthread_join(th, NULL);
        if (dr.failed && rc == 0) {
            *err = dr.err;
            rc = -1;
        }
    }
    free(counts);
    if (rc == 0) {
        /* The list's menu: as a period's, seen from periods/. */
        nmenu = period_menu(ps, SIZE_MAX, menu, hrefs);
        menu[0].href = "../index.html";
        for (size_t k = 1; k + 1 < nmenu; k++)
            snprintf(hrefs[k - 1], sizeof(hrefs[k - 1]), "%s/index.html",
                     ps->p[k - 1].id);
        menu[nmenu - 1].href = NULL;
        rc = report_write_list(top, "index.html",
                               base->name && *base->name ? base->name
                                                         : "Blog statistics",
                               ps->list, ps->n, menu, nmenu, err);
    }
    atomic_dir_close(top);
    return rc;
}
