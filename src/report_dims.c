/*
 * report_dims.c - the report's sections of the reader's other dimensions
 * (dims.h): robots beside readers with the AI crawlers called out, the
 * hours of the week readers read at (a heat map in HTML), campaigns,
 * browsers, systems and devices, feeds with their subscribers per day,
 * and the missing pages people were sent to. Read from the store into
 * the report's arena, then written into the index page.
 */
#include "blogstat.h"
#include "chart.h"
#include "report.h"
#include "report_data.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows of each table in the report. */
#define TOP_ROBOTS 15
#define TOP_CAMPAIGNS 15
#define TOP_CLIENTS 10
#define TOP_MISSING 15
#define TOP_FEEDS 10
#define FEED_SPARK_W 96
#define FEED_SPARK_H 24

static const char *const group_names[RG_N] = {
    "search", "ai", "seo", "social", "feed", "monitor", "tool", "other",
};

const char *report_robot_group_name(enum report_robot_group g)
{
    return (unsigned)g < RG_N ? group_names[g] : "other";
}

static enum report_robot_group group_of(const char *name)
{
    for (int g = 0; g < RG_N; g++)
        if (strcmp(name, group_names[g]) == 0)
            return (enum report_robot_group)g;
    return RG_OTHER;
}

/* ---- reading ------------------------------------------------------------ */

struct rows {
    struct report_dim_row *v;
    size_t n, cap, max;      /* max: rows kept, 0: all */
    struct arena *mem;
    struct report_dims *d;   /* robots: the groups' sums */
};

static int keep_row(void *ctx, const struct store_dim_row *r)
{
    struct rows *rs = ctx;
    struct report_dim_row *o;

    if (rs->d)
        rs->d->group_hits[group_of(r->k[1])] += r->n;
    if (rs->max && rs->n >= rs->max)
        return 0;
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? 2 * rs->cap : 16;
        rs->v = xrealloc(rs->v, rs->cap * sizeof(*rs->v));
    }
    o = &rs->v[rs->n++];
    memset(o, 0, sizeof(*o));
    for (int i = 0; i < 3; i++)
        o->k[i] = arena_memdup(rs->mem, r->k[i], strlen(r->k[i]));
    o->n = r->n;
    o->visitors = r->visitors;
    o->subscribers = r->subscribers;
    return 0;
}

static int keep_hour(void *ctx, const struct store_dim_row *r)
{
    struct report_dims *d = ctx;
    int h = (r->k[0][0] - '0') * 10 + (r->k[0][1] - '0');

    if (h >= 0 && h < 24 && r->weekday >= 0 && r->weekday < 7)
        d->hours[r->weekday][h] += r->n;
    return 0;
}

static int sum_hits(void *ctx, const struct store_day_row *row)
{
    struct report_dims *d = ctx;

    d->hits += row->hits;
    d->robot_hits += row->robots;
    return 0;
}

struct feed_series {
    double *v;
    int32_t from;
    size_t n;
};

static int feed_day(void *ctx, int32_t day, int64_t subscribers)
{
    struct feed_series *fs = ctx;
    int64_t i = (int64_t)day - fs->from;

    if (i >= 0 && (size_t)i < fs->n)
        fs->v[i] = (double)subscribers;
    return 0;
}

/* One table of dim, at most max rows (0: all), into d->t[dim]. */
static int table(struct store *s, const struct store_filter *f, enum dim dim,
                 size_t max, struct arena *mem, struct report_dims *d,
                 struct bs_err *err)
{
    struct rows rs = {.max = max, .mem = mem,
                      .d = dim == DIM_ROBOT ? d : NULL};
    struct store_filter g = *f;
    struct report_dim_row *kept;

    /* Robots: every one read, for the groups' sums. */
    g.limit = dim == DIM_ROBOT ? 0 : (int64_t)max;
    if (store_top_dim(s, &g, dim, keep_row, &rs, err)) {
        free(rs.v);
        return -1;
    }
    kept = arena_alloc(mem, (rs.n ? rs.n : 1) * sizeof(*kept));
    if (rs.n)
        memcpy(kept, rs.v, rs.n * sizeof(*kept));
    free(rs.v);
    d->t[dim].rows = kept;
    d->t[dim].n = rs.n;
    return 0;
}

int report_dims_build(struct store *s, const struct report_range *r,
                      struct arena *mem, struct report_dims *out,
                      struct bs_err *err)
{
    static const size_t max[DIM_NTABLES] = {
        [DIM_ROBOT] = TOP_ROBOTS, [DIM_CAMPAIGN] = TOP_CAMPAIGNS,
        [DIM_BROWSER] = TOP_CLIENTS, [DIM_SYSTEM] = TOP_CLIENTS,
        [DIM_DEVICE] = TOP_CLIENTS, [DIM_MISSING] = TOP_MISSING,
        [DIM_FEED] = TOP_FEEDS,
    };
    struct store_filter f = {.from = r->from, .to = r->to, .site = r->site};
    size_t ndays = (size_t)((int64_t)r->to - r->from + 1);
    struct report_dims d;

    memset(&d, 0, sizeof(d));
    if (store_day_counts(s, &f, sum_hits, &d, err) ||
        store_top_dim(s, &f, DIM_HOUR, keep_hour, &d, err))
        return -1;
    for (int k = 0; k < DIM_NTABLES; k++)
        if (max[k] && table(s, &f, (enum dim)k, max[k], mem, &d, err))
            return -1;
    for (size_t i = 0; i < d.t[DIM_FEED].n; i++) {
        struct report_dim_row *row = &d.t[DIM_FEED].rows[i];
        struct feed_series fs = {arena_alloc(mem, ndays * sizeof(double)),
                                 r->from, ndays};

        for (size_t j = 0; j < ndays; j++)
            fs.v[j] = -1;
        if (store_feed_days(s, &f, row->k[0], feed_day, &fs, err))
            return -1;
        row->series = fs.v;
    }
    *out = d;
    return 0;
}

/* ---- charts --------------------------------------------------------------- */

int report_dims_charts(const struct atomic_dir *charts,
                       struct report_dims *d, size_t ndays,
                       struct bs_err *err)
{
    for (size_t i = 0; i < d->t[DIM_FEED].n; i++) {
        struct report_dim_row *row = &d->t[DIM_FEED].rows[i];
        char name[32];

        if (!row->series)
            continue;
        snprintf(name, sizeof(name), "feed-%zu", i + 1);
        if (chart_spark_write(charts, name, row->series, ndays, FEED_SPARK_W,
                              FEED_SPARK_H, err))
            return -1;
        row->spark = 1;
    }
    return 0;
}

/* ---- the page ------------------------------------------------------------- */

/* The colours of the groups of hits: people, then each robot group. */
static const char *const group_colours[RG_N + 1] = {
    "#0072B2", "#56B4E9", "#D55E00", "#CC79A7", "#009E73", "#E69F00",
    "#F0E442", "#999999", "#000000",
};

/* pct of part in whole, one decimal ("12.5"), into buf. */
static const char *pct(int64_t part, int64_t whole, char *buf, size_t n)
{
    snprintf(buf, n, "%.1f", whole > 0 ? 100.0 * (double)part /
                                             (double)whole
                                       : 0.0);
    return buf;
}

/* A bar of share part/whole inside a table cell. */
static void put_meter(FILE *f, int64_t part, int64_t whole)
{
    char b[16];

    fprintf(f, "<span class=\"meter\" style=\"width:%s%%\"></span>",
            pct(part, whole, b, sizeof(b)));
}

static void put_robots(FILE *f, const struct report_dims *d)
{
    const struct report_dim_table *t = &d->t[DIM_ROBOT];
    int64_t people = d->hits - d->robot_hits;
    char b[16];

    fputs("<section>\n<h2>Readers and robots</h2>\n", f);
    if (d->hits == 0) {
        fputs("<p>No hits in these days.</p>\n</section>\n", f);
        return;
    }
    fputs("<div class=\"split\" role=\"img\" aria-label=\"Hits by people "
          "and by each kind of robot\">", f);
    fprintf(f, "<span style=\"width:%s%%;background:%s\"></span>",
            pct(people, d->hits, b, sizeof(b)), group_colours[0]);
    for (int g = 0; g < RG_N; g++)
        if (d->group_hits[g] > 0)
            fprintf(f, "<span style=\"width:%s%%;background:%s\"></span>",
                    pct(d->group_hits[g], d->hits, b, sizeof(b)),
                    group_colours[g + 1]);
    fputs("</div>\n<ul class=\"legend\">", f);
    fprintf(f, "<li><i style=\"background:%s\"></i>people ",
            group_colours[0]);
    html_num(f, people);
    fprintf(f, " (%s%%)</li>", pct(people, d->hits, b, sizeof(b)));
    for (int g = 0; g < RG_N; g++) {
        if (d->group_hits[g] <= 0)
            continue;
        fprintf(f, "<li><i style=\"background:%s\"></i>%s ",
                group_colours[g + 1], group_names[g]);
        html_num(f, d->group_hits[g]);
        fprintf(f, " (%s%%)</li>", pct(d->group_hits[g], d->hits, b,
                                       sizeof(b)));
    }
    fputs("</ul>\n<p class=\"note\">Robots made ", f);
    html_num(f, d->robot_hits);
    fprintf(f, " of the ");
    html_num(f, d->hits);
    fprintf(f, " hits (%s%%); AI crawlers ",
            pct(d->robot_hits, d->hits, b, sizeof(b)));
    html_num(f, d->group_hits[RG_AI]);
    fprintf(f, " (%s%% of all hits). Robots' hits are never views.</p>\n",
            pct(d->group_hits[RG_AI], d->hits, b, sizeof(b)));
    if (t->n) {
        fputs("<table><thead><tr><th>Robot</th><th>Kind</th>"
              "<th class=\"n\">Hits</th><th class=\"m wide\"></th></tr>"
              "</thead><tbody>\n", f);
        for (size_t i = 0; i < t->n; i++) {
            int ai = group_of(t->rows[i].k[1]) == RG_AI;

            fputs(ai ? "<tr class=\"ai\"><td class=\"t\">"
                     : "<tr><td class=\"t\">", f);
            html_escape(f, t->rows[i].k[0]);
            fputs("</td><td>", f);
            html_escape(f, t->rows[i].k[1]);
            fputs("</td><td class=\"n\">", f);
            html_num(f, t->rows[i].n);
            fputs("</td><td class=\"m wide\">", f);
            put_meter(f, t->rows[i].n, d->robot_hits);
            fputs("</td></tr>\n", f);
        }
        fputs("</tbody></table>\n", f);
    }
    fputs("</section>\n", f);
}

static const char *const weekday_names[7] = {"Mon", "Tue", "Wed", "Thu",
                                             "Fri", "Sat", "Sun"};

static void put_hours(FILE *f, const struct report_dims *d)
{
    int64_t max = 0, total = 0;

    for (int w = 0; w < 7; w++)
        for (int h = 0; h < 24; h++) {
            max = d->hours[w][h] > max ? d->hours[w][h] : max;
            total += d->hours[w][h];
        }
    fputs("<section>\n<h2>When readers read</h2>\n", f);
    if (total == 0) {
        fputs("<p>No views in these days.</p>\n</section>\n", f);
        return;
    }
    fputs("<table class=\"heat\"><caption class=\"note\">Views by weekday "
          "and hour, in the time of the server's log; darker is more."
          "</caption><thead><tr><th></th>", f);
    for (int h = 0; h < 24; h += 6)
        fprintf(f, "<th colspan=\"6\">%02d</th>", h);
    fputs("</tr></thead><tbody>\n", f);
    for (int w = 0; w < 7; w++) {
        fprintf(f, "<tr><th>%s</th>", weekday_names[w]);
        for (int h = 0; h < 24; h++) {
            int64_t v = d->hours[w][h];
            double a = v ? 0.08 + 0.92 * (double)v / (double)max : 0;

            fprintf(f, "<td style=\"background:rgba(0,114,178,%.2f)\" "
                       "title=\"%s %02d:00: %lld view%s\"></td>",
                    a, weekday_names[w], h, (long long)v, v == 1 ? "" : "s");
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n</section>\n", f);
}

/* A table of names with views, visitors and a bar of their share. */
static void put_clients(FILE *f, const char *head,
                        const struct report_dim_table *t, int64_t views)
{
    fprintf(f, "<table><thead><tr><th>%s</th><th class=\"n\">Views</th>"
               "<th class=\"n\">Visitors</th><th class=\"m\"></th></tr>"
               "</thead><tbody>\n", head);
    for (size_t i = 0; i < t->n; i++) {
        fputs("<tr><td class=\"t\">", f);
        html_escape(f, t->rows[i].k[0]);
        fputs("</td><td class=\"n\">", f);
        html_num(f, t->rows[i].n);
        fputs("</td><td class=\"n\">", f);
        html_num(f, t->rows[i].visitors < 0 ? 0 : t->rows[i].visitors);
        fputs("</td><td class=\"m\">", f);
        put_meter(f, t->rows[i].n, views);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

static void put_audience(FILE *f, const struct report_index *r)
{
    const struct report_dims *d = &r->dims;

    if (!d->t[DIM_BROWSER].n && !d->t[DIM_SYSTEM].n && !d->t[DIM_DEVICE].n)
        return;
    fputs("<section>\n<h2>Browsers, systems and devices</h2>\n", f);
    put_clients(f, "Device", &d->t[DIM_DEVICE], r->views);
    put_clients(f, "Browser", &d->t[DIM_BROWSER], r->views);
    put_clients(f, "System", &d->t[DIM_SYSTEM], r->views);
    fputs("</section>\n", f);
}

static void put_campaigns(FILE *f, const struct report_dim_table *t)
{
    if (!t->n)
        return;
    fputs("<section>\n<h2>Campaigns</h2>\n<table><thead><tr>"
          "<th>Source</th><th>Medium</th><th>Campaign</th>"
          "<th class=\"n\">Views</th></tr></thead><tbody>\n", f);
    for (size_t i = 0; i < t->n; i++) {
        fputs("<tr>", f);
        for (int k = 0; k < 3; k++) {
            fputs("<td class=\"t\">", f);
            html_escape(f, t->rows[i].k[k]);
            fputs("</td>", f);
        }
        fputs("<td class=\"n\">", f);
        html_num(f, t->rows[i].n);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n<p class=\"note\">From utm_source (or ref, "
          "or source), utm_medium and utm_campaign in the links readers "
          "followed.</p>\n</section>\n", f);
}

static void put_feeds(FILE *f, const struct report_dim_table *t)
{
    if (!t->n)
        return;
    fputs("<section>\n<h2>Feeds</h2>\n<table><thead><tr><th>Feed</th>"
          "<th class=\"s\">Daily</th><th class=\"n\">Subscribers</th>"
          "<th class=\"n\">Fetches</th></tr></thead><tbody>\n", f);
    for (size_t i = 0; i < t->n; i++) {
        fputs("<tr><td class=\"t\">", f);
        html_escape(f, t->rows[i].k[0]);
        fputs("</td><td class=\"s\">", f);
        if (t->rows[i].spark)
            fprintf(f, "<img src=\"charts/feed-%zu.png\" width=\"%d\" "
                       "height=\"%d\" alt=\"\">",
                    i + 1, FEED_SPARK_W, FEED_SPARK_H);
        fputs("</td><td class=\"n\">", f);
        html_num(f, t->rows[i].subscribers);
        fputs("</td><td class=\"n\">", f);
        html_num(f, t->rows[i].n);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n<p class=\"note\">Subscribers on the last "
          "day each feed was fetched: what the feed readers that say so "
          "reported (Feedly, Inoreader, NewsBlur ...), and each other "
          "reader that fetched it.</p>\n</section>\n", f);
}

static void put_missing(FILE *f, const struct report_dim_table *t)
{
    if (!t->n)
        return;
    fputs("<section>\n<h2>Missing pages</h2>\n<table><thead><tr>"
          "<th>Path</th><th class=\"n\">Hits</th><th>Linked from</th>"
          "</tr></thead><tbody>\n", f);
    for (size_t i = 0; i < t->n; i++) {
        fputs("<tr><td class=\"t\">", f);
        html_escape(f, t->rows[i].k[0]);
        fputs("</td><td class=\"n\">", f);
        html_num(f, t->rows[i].n);
        fputs("</td><td class=\"t\">", f);
        html_escape(f, t->rows[i].k[1]);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n<p class=\"note\">Pages that answered "
          "&ldquo;not found&rdquo; to readers; scanners' probes are left "
          "out.</p>\n</section>\n", f);
}

void report_put_dims(FILE *f, const struct report_index *r)
{
    const struct report_dims *d = &r->dims;

    put_robots(f, d);
    put_hours(f, d);
    put_audience(f, r);
    put_campaigns(f, &d->t[DIM_CAMPAIGN]);
    put_feeds(f, &d->t[DIM_FEED]);
    put_missing(f, &d->t[DIM_MISSING]);
}
