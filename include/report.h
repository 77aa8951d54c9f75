/*
 * report.h - the HTML report: index.html and one page per top post,
 * self-contained (no script, no network; a Content-Security-Policy says
 * so), readable on a phone. Every string that came from a log or an
 * import is escaped for where it appears: text, attribute or URL.
 *
 * report_write() writes a site's whole report from its data
 * (report_data.h): folders, charts (chart.h) and pages. The pages alone
 * are written by report_write_index() and report_write_post(), which link
 * charts the caller names. Every file is written atomically
 * (atomicfile.h) inside a folder opened once (struct atomic_dir): a
 * symlink planted where a file goes is replaced, never followed, and a
 * folder that is a symlink is refused with its name.
 */
#ifndef BLOGSTAT_REPORT_H
#define BLOGSTAT_REPORT_H

#include "blogstat.h"
#include "classify.h"
#include "dims.h"

#include <stdio.h>

struct atomic_dir;

struct report_post {
    const char *path;        /* canonical path */
    const char *title;       /* "" when not imported */
    int64_t views;
    int64_t visitors;        /* distinct in the range */
    int64_t visits;          /* visits that landed on it */
    const char *page;        /* its page, relative to index.html, or NULL */
    const char *spark;       /* its sparkline's base name, or NULL */
};

struct report_term {
    const char *name;        /* the name an import gave it, else its slug */
    int64_t post_views, archive_views;
    int64_t visitors;        /* readers of its posts, distinct in the range */
};

struct report_country {
    const char *code;        /* "SE", "--" */
    const char *name;
    int64_t views;
    int64_t visitors;        /* < 0: not known (a post's countries) */
};

/* One day; views < 0: no data that day. */
struct report_day {
    int32_t day;
    int64_t views;
    int64_t visitors, visits;
};

/* Views that came from a referring host, of a class of referrers. */
struct report_referrer {
    const char *host;
    enum ref_class cls;
    int64_t views;
};

struct report_search {
    const char *term;
    int64_t views;
};

/* The views of the range by where they came from. */
enum report_source {
    REPORT_SRC_SEARCH, REPORT_SRC_SOCIAL, REPORT_SRC_OTHER,
    REPORT_SRC_MAIL, REPORT_SRC_INTERNAL, REPORT_SRC_NONE, REPORT_NSOURCES
};

/* A site's report, linked from the others' (a relative href). */
struct report_link {
    const char *name;
    const char *href;        /* NULL: this report */
};

/* A row of a table of the reader's other dimensions (dims.h). */
struct report_dim_row {
    const char *k[3];        /* the key's parts, "" when unused */
    int64_t n;               /* hits, views or fetches */
    int64_t visitors;        /* -1: not counted */
    int64_t subscribers;     /* feeds */
    int spark;               /* feeds: 1 when the sparkline of its
                              * subscribers per day is written, as
                              * charts/feed-N (N its place, from 1) */
    const double *series;    /* feeds: subscribers per day of the range
                              * (-1 where the feed was not fetched) */
};
struct report_dim_table {
    struct report_dim_row *rows;
    size_t n;
};
/* The report's sections of the other dimensions (report_dims.c). */
struct report_dims {
    int64_t hits, robot_hits;          /* of the range */
    int64_t group_hits[8];             /* robot hits by enum report_robot_group */
    int64_t hours[7][24];              /* views, Monday first */
    struct report_dim_table t[DIM_NTABLES]; /* DIM_FEED_SUBS, DIM_CLIENT empty */
};
/* The robots' groups, in the order reports show them. */
enum report_robot_group { RG_SEARCH, RG_AI, RG_SEO, RG_SOCIAL, RG_FEED,
                          RG_MONITOR, RG_TOOL, RG_OTHER, RG_N };
/* "search", "ai", ... */
const char *report_robot_group_name(enum report_robot_group g);

struct report_index {
    const char *site_name;   /* or NULL */
    const char *site_url;    /* "https://blog.example.eu", or NULL */
    /* Every site's report of the same range, in the header (two or more;
     * nsites 0: a report of one site alone). */
    const struct report_link *sites;
    size_t nsites;
    int32_t from, to;        /* the range, inclusive */
    int64_t views;           /* in the range */
    int64_t prev_views;      /* in the period of the same length before */
    int has_prev;            /* the database reaches back that far */
    int64_t visitors;        /* distinct in the whole range */
    int64_t visits;
    int64_t prev_visitors;   /* distinct in the period before */
    /* A day of the range still being written (report_partial_day()): the
     * change figures then compare the cmp_days complete days of the range
     * before it (cmp_views, cmp_visitors) with as many days before them
     * (prev_views, prev_visitors, has_prev); cmp_days 0: none to compare.
     * has_partial 0: the figures compare views and visitors. */
    int has_partial;
    int32_t partial_day;
    int32_t cmp_days;
    int64_t cmp_views, cmp_visitors;
    int64_t sources[REPORT_NSOURCES];   /* views by enum report_source */
    const struct report_referrer *referrers;   /* the site's own left out */
    size_t nreferrers;
    const struct report_search *searches;
    size_t nsearches;
    const struct report_day *days;
    size_t ndays;
    const struct report_post *posts;
    size_t nposts;
    int64_t other_views;     /* of "(other)": pages folded, not ranked */
    const struct report_term *tags, *categories;
    size_t ntags, ncategories;
    const struct report_country *countries;
    size_t ncountries;
    /* Chart base names ("charts/daily"): .png and .svg exist beside. */
    const char *daily_chart, *posts_chart, *tags_chart, *categories_chart,
        *countries_chart, *sources_chart;
    int chart_width;         /* CSS pixels the charts were drawn at */
    int narrow_width;        /* > 0: each chart also as NAME-narrow, this
                              * wide, for phones */
    int daily_narrow_height;
    int daily_height, posts_height, tags_height, categories_height,
        countries_height, sources_height;
    struct report_dims dims;
    /* The period menu: the reports of other ranges (the last 7, 30, 90
     * and 365 days, the list of months and years), hrefs relative to
     * this page; href NULL: this page. nperiods 0: none. */
    const struct report_link *periods;
    size_t nperiods;
};

/* Write DIR/index.html: 0, or -1 with err (BS_CANTCREAT when it cannot
 * be created, BS_IOERR when writing it failed). */
int report_write_index(const struct atomic_dir *dir,
                       const struct report_index *r, struct bs_err *err);

/* A post's life (doc/counting.md "A post's life"): its views by age,
 * day 1, days 2 to 7, 8 to 30, then each month of 30 days to the 12th. */
#define REPORT_LIFE_N 14
enum report_life_kind { LIFE_NONE, LIFE_NEW, LIFE_SPIKE, LIFE_EVERGREEN,
                        LIFE_BETWEEN };
/* "Day 1", "Days 2–7", "Days 8–30", "Month 2" ... "Month 12". */
const char *report_life_label(int bucket);
/* The last age in days of bucket (0, 6, 29, 59 ...). */
int report_life_end(int bucket);

struct report_post_page {
    const char *site_name, *site_url;
    const char *path, *title;
    enum url_kind kind;      /* URL_PAGE: a page, else a post */
    int32_t published;       /* or INT32_MIN */
    int32_t from, to;        /* the days shown */
    int64_t views;           /* in them */
    int64_t visitors;        /* distinct in them */
    int64_t visits;          /* that landed on it */
    const struct report_referrer *referrers;
    size_t nreferrers;
    const struct report_day *days;
    size_t ndays;
    const struct report_country *countries;
    size_t ncountries;
    const char *const *tags, *const *categories;
    size_t ntags, ncategories;
    const char *chart;       /* base name relative to the page, or NULL */
    int chart_width, chart_height;
    int narrow_width, narrow_height;   /* its -narrow copy, or 0 */
    const char *back;        /* the index, relative to the page */
    /* Its life: the buckets it is old enough for (nlife, 0: its first
     * days are not in the data), its views in each and the median
     * post's, and what kind of post it is. */
    int nlife;
    int64_t life[REPORT_LIFE_N], life_median[REPORT_LIFE_N];
    enum report_life_kind life_kind;
};

/* Write DIR/FILE ("12.html"; DIR is the posts folder, so that the page's
 * links go one folder up): as report_write_index(). */
int report_write_post(const struct atomic_dir *dir, const char *file,
                      const struct report_post_page *p, struct bs_err *err);

/* Whose report it is, and the other sites' reports it links to. */
struct report_site {
    const char *name;        /* or NULL */
    const char *url;         /* "https://blog.example.eu", or NULL */
    const struct report_link *links;   /* as report_index sites */
    size_t nlinks;
    /* The period menu (report_periods.c), as report_index periods. */
    const struct report_link *periods;
    size_t nperiods;
    int light;               /* no page per post and no sparklines: a
                              * period's report, beside the main one */
};

/* A page of links (the list of a report's months and years) as
 * dir/file, with the period menu: 0, or -1 with err. */
int report_write_list(const struct atomic_dir *dir, const char *file,
                      const char *title, const struct report_link *links,
                      size_t n, const struct report_link *menu,
                      size_t nmenu, struct bs_err *err);

struct report_data;
/*
 * Write a site's report into dir: the folders dir/charts and dir/posts
 * (made when missing; a symlink or a file there is refused with
 * BS_CANTCREAT), the charts, index.html and posts/ID.html for each top
 * post. 0, or -1 with err.
 */
int report_write(const struct atomic_dir *dir, const struct report_data *d,
                 const struct report_site *site, struct bs_err *err);

/*
 * Escape s for HTML text and attribute values (& < > " ' as entities);
 * invalid UTF-8 and control characters (but tab) become U+FFFD, and an
 * invisible format character (utf8_invisible()) is shown as "<U+202E>".
 * Returns 0, -1 when f failed.
 */
int html_escape(FILE *f, const char *s);
/*
 * Write base + path as a URL inside an attribute: only http and https
 * bases with a host are allowed (else nothing is written and 0 is
 * returned); the path, which always starts with '/', is percent-encoded
 * but for unreserved characters and '/'. Returns 1 when a URL was written.
 */
int html_url(FILE *f, const char *base, const char *path);
/* v with thousands separators ("12,345"). */
void html_num(FILE *f, int64_t v);

/* The sections of the other dimensions (report_dims.c): robots beside
 * readers, reading hours, campaigns, browsers, systems, devices, feeds
 * and missing pages, into an index page. */
void report_put_dims(FILE *f, const struct report_index *r);
/* Their charts (each feed's sparkline of subscribers, ndays long) into
 * charts, named in d's rows: 0, or -1 with err. */
int report_dims_charts(const struct atomic_dir *charts,
                       struct report_dims *d, size_t ndays,
                       struct bs_err *err);

#endif
