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
#include "report.h"
#include "report_data.h"
#include "store.h"

#include <inttypes.h>
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

/* The fingerprint of period p's report as it would be written now. */
static int fingerprint(struct store *s, const struct report_periods *ps,
                       const struct period *p,
                       const struct report_site *base, uint64_t *fp,
                       struct bs_err *err)
{
    uint64_t h;

    if (store_fingerprint(s, ps->site, p->from, p->to, &h, err))
        return -1;
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

/* Period i's report into dir (periods/ID), unless its fingerprint says
 * it is as it was: 1 written, 0 left, -1 with err. */
static int write_period(struct store *s, const struct report_periods *ps,
                        size_t i, const struct report_site *base,
                        const struct atomic_dir *dir, struct bs_err *err)
{
    const struct period *p = &ps->p[i];
    struct report_range r = {ps->site, p->from, p->to, ps->first, ps->now,
                             1};
    struct report_link menu[NLAST + 2];
    char hrefs[NLAST][48], old[32], now[32];
    struct report_site site = *base;
    struct report_data *d;
    uint64_t fp;
    long n;
    int rc;

    if (fingerprint(s, ps, p, base, &fp, err))
        return -1;
    snprintf(now, sizeof(now), "%016" PRIx64 "\n", fp);
    n = atomic_read_at(dir, ".fingerprint", old, sizeof(old) - 1);
    if (n == (long)strlen(now) && memcmp(old, now, (size_t)n) == 0 &&
        atomic_read_at(dir, "index.html", old, 1) == 1)
        return 0;
    site.links = NULL;
    site.nlinks = 0;
    site.light = 1;
    site.nperiods = period_menu(ps, i, menu, hrefs);
    site.periods = menu;
    if (!(d = report_data_build(s, &r, err)))
        return -1;
    rc = report_write(dir, d, &site, err);
    report_data_free(d);
    if (rc == 0) {
        struct atomic_file *af = atomic_open_at(dir, ".fingerprint", 0644,
                                                err);

        if (!af)
            return -1;
        fputs(now, atomic_stream(af));
        rc = atomic_commit(af, err);
    }
    return rc ? -1 : 1;
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

    *written = 0;
    if (!top)
        return -1;
    for (size_t i = 0; i < ps->n && rc == 0; i++) {
        struct atomic_dir *pd = atomic_dir_sub(top, ps->p[i].id, err);
        int w = pd ? write_period(s, ps, i, base, pd, err) : -1;

        atomic_dir_close(pd);
        if (w < 0)
            rc = -1;
        else
            *written += (size_t)w;
    }
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
