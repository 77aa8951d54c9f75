/*
 * report_data.h - the numbers of one site's report, read from the store:
 * the views, visitors and visits of each day of the range and of the
 * period before, the top posts with their views per day, tags,
 * categories, countries, referrers, search terms, the views by source,
 * and the page of each top post (its days since it was published).
 *
 * One owner: report_data_build() makes it, with every string and array
 * it points to; report_data_free() frees it all. The HTML and the charts
 * are written from it by report_write() (report.h).
 */
#ifndef BLOGSTAT_REPORT_DATA_H
#define BLOGSTAT_REPORT_DATA_H

#include "blogstat.h"
#include "report.h"

struct store;

/* The rows of each table of the index. */
#define REPORT_TOP_POSTS 20
#define REPORT_TOP_TERMS 15
#define REPORT_TOP_COUNTRIES 15
#define REPORT_TOP_REFERRERS 15
#define REPORT_TOP_SEARCHES 20
/* A report or a post page of more days than this is not made: about 275
 * years. */
#define REPORT_MAX_DAYS 100000

/* What to build: a site's days from .. to (inclusive, at most
 * REPORT_MAX_DAYS), whose data begins on first. */
struct report_range {
    int64_t site;
    int32_t from, to;
    int32_t first;
    int64_t now;             /* Unix seconds: the clock that says whether
                              * the newest day is still being written
                              * (report_partial_day()); 0: every day is
                              * complete */
    int index_only;          /* the index's data alone, not each top
                              * post's days and page: for a report
                              * without post pages (a period's, the
                              * digest) */
};

/* A top post: its views on each day of the report (0 where the site has
 * data and it has none, a gap where the site has none), and its page. */
struct report_data_post {
    int64_t id;                       /* its path id in the store */
    const struct report_day *days;    /* index.ndays of them */
    /* Its page's numbers; site_name, site_url, chart sizes and back are
     * left to the writer. */
    struct report_post_page page;
};

struct report_data {
    /* The index's numbers; the site's name, address and links and the
     * charts' names and sizes are left to the writer, and each post's
     * page and spark are NULL. */
    struct report_index index;
    const struct report_data_post *posts;  /* index.nposts of them */
    struct arena mem;        /* everything above points into it */
};

/*
 * The newest day with data of site (STORE_SITE_ALL: of any site) when it
 * is still being written at now (Unix seconds): by the clock, in the
 * zone of the newest line read for it (its UTC offset, recorded by
 * ingest; UTC when none is), it is not over yet, and no line of a later
 * day was read, for this site or another (the log has not moved on).
 * 1 with *day, 0 when every day is complete or there is no data, -1 with
 * err.
 */
int report_partial_day(struct store *s, int64_t site, int64_t now,
                       int32_t *day, struct bs_err *err);

/* Read the report of r from s: the data, or NULL with err. Free with
 * report_data_free(). */
struct report_data *report_data_build(struct store *s,
                                      const struct report_range *r,
                                      struct bs_err *err);
/* The tables of the other dimensions of r into *out, every string and
 * array in mem (report_dims.c): 0, or -1 with err. */
int report_dims_build(struct store *s, const struct report_range *r,
                      struct arena *mem, struct report_dims *out,
                      struct bs_err *err);

/*
 * The report over other periods (report_periods.c): the last 7, 30, 90
 * and 365 complete days of a site whose data spans first..last, each
 * year and each month. _plan: the list (now the clock, as in
 * report_range); _menu: the main report's period menu (into periods/);
 * _write: each period's report into dir/periods/ID/ unless its data did
 * not change since it was written, *written how many were, and
 * dir/periods/index.html listing them all: 0, or -1 with err.
 */
struct report_periods;
struct report_site;
struct report_link;
struct atomic_dir;
struct report_periods *report_periods_plan(struct store *s, int64_t site,
                                           int32_t first, int32_t last,
                                           int64_t now, struct bs_err *err);
const struct report_link *report_periods_menu(const struct report_periods *ps,
                                              size_t *n);
int report_periods_write(struct store *s, const struct report_periods *ps,
                         const struct report_site *base,
                         const struct atomic_dir *dir, size_t *written,
                         struct bs_err *err);
void report_periods_free(struct report_periods *ps);

/*
 * A post's life (report_life.c): the views of every imported post by its
 * age up to the day to, for each post page's life and the median post
 * (of the posts published on or after first, the site's first day of
 * data, and old enough). _of: into p's life fields (p->published set).
 */
struct report_life;
struct report_life *report_life_build(struct store *s, int64_t site,
                                      int32_t first, int32_t to,
                                      struct bs_err *err);
void report_life_of(const struct report_life *l, int64_t id,
                    struct report_post_page *p);
void report_life_free(struct report_life *l);

/* Free d and all it points to; NULL is ignored. */
void report_data_free(struct report_data *d);

#endif
