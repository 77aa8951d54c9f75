/*
 * report_html.c - the HTML pages of the report, and a site's report
 * written whole: folders, charts, pages.
 *
 * One escaping path for all text (html_escape) and one for URLs
 * (html_url); pages go through atomicfile.h, so a reader never sees half
 * a page and a symlink planted where a page goes is replaced, not
 * followed.
 */
#include "blogstat.h"
#include "agg.h"
#include "atomicfile.h"
#include "chart.h"
#include "report.h"
#include "report_data.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- escaping ------------------------------------------------------------ */

int html_escape(FILE *f, const char *s)
{
    size_t n = strlen(s), cap = n * 3 + 4;
    char *clean = xmalloc(cap);

    const char *end = clean + utf8_sanitize(s, n, clean, cap);

    for (const char *p = clean; *p; p++) {
        uint32_t cp;
        size_t k = utf8_invisible(p, (size_t)(end - p), &cp);

        /* An invisible format character shown as what it is (text only:
         * this may be an attribute's value). */
        if (k) {
            fprintf(f, "&lt;U+%04X&gt;", (unsigned)cp);
            p += k - 1;
            continue;
        }
        switch (*p) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*p, f); break;
        }
    }
    free(clean);
    return ferror(f) ? -1 : 0;
}

static int unreserved(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
           c == '~';
}

int html_url(FILE *f, const char *base, const char *path)
{
    size_t bn, scheme;

    if (!base)
        return 0;
    scheme = strncmp(base, "https://", 8) == 0  ? 8
             : strncmp(base, "http://", 7) == 0 ? 7
                                                : 0;
    /* A scheme and a host; the path can never become the host. */
    if (!scheme || !base[scheme] || strchr("/?#", base[scheme]))
        return 0;
    /* The base is the owner's config; still, it goes out escaped. */
    bn = strlen(base);
    while (bn > 0 && base[bn - 1] == '/')
        bn--;
    for (size_t i = 0; i < bn; i++) {
        unsigned char c = (unsigned char)base[i];

        if (unreserved(c) || c == '/' || c == ':' || c == '@')
            fputc(c, f);
        else
            fprintf(f, "%%%02X", c);
    }
    if (*path != '/')
        fputc('/', f);
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        /* A canonical path keeps "%XX" for what must stay encoded. */
        if (unreserved(*p) || *p == '/' ||
            (*p == '%' && p[1] && p[2] && strchr("0123456789ABCDEF", p[1]) &&
             strchr("0123456789ABCDEF", p[2])))
            fputc(*p, f);
        else
            fprintf(f, "%%%02X", *p);
    }
    return 1;
}

/* ---- files ------------------------------------------------------------------ */

/* Start writing dir/file, or NULL with err. */
static struct atomic_file *page_open(const struct atomic_dir *dir,
                                     const char *file, struct bs_err *err)
{
    /* A report is for a web server to read. */
    return atomic_open_at(dir, file, 0644, err);
}

/* ---- pieces ------------------------------------------------------------------ */

static const char *const months[] = {
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
};
static const char *const wdays[] = {
    "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun",
};

/* "7 Feb 2013", "Thu 7 Feb 2013" with the weekday. */
static void put_date(FILE *f, int32_t day, int weekday)
{
    int y;
    unsigned m, d;

    civil_from_days(day, &y, &m, &d);
    if (weekday)
        /* Day 0, 1970-01-01, was a Thursday. */
        fprintf(f, "%s ", wdays[((day % 7) + 7 + 3) % 7]);
    fprintf(f, "%u %.3s %d", d, months[m - 1], y);
}

static void put_range(FILE *f, int32_t from, int32_t to)
{
    int y1, y2;
    unsigned m1, m2, d1, d2;

    civil_from_days(from, &y1, &m1, &d1);
    civil_from_days(to, &y2, &m2, &d2);
    if (from == to)
        fprintf(f, "%u %s %d", d1, months[m1 - 1], y1);
    else if (y1 == y2 && m1 == m2)
        fprintf(f, "%u – %u %s %d", d1, d2, months[m1 - 1], y1);
    else if (y1 == y2)
        fprintf(f, "%u %s – %u %s %d", d1, months[m1 - 1], d2,
                months[m2 - 1], y1);
    else
        fprintf(f, "%u %s %d – %u %s %d", d1, months[m1 - 1], y1, d2,
                months[m2 - 1], y2);
}

void html_num(FILE *f, int64_t v)
{
    char buf[32];

    chart_thousands((double)v, buf, sizeof(buf));
    fputs(buf, f);
}

static const char style[] =
    ":root{--fg:#1d2330;--muted:#5b6475;--line:#e3e6ec;--bg:#fff;"
    "--soft:#f5f7fa;--a:#0072B2;--b:#E69F00;--up:#117733;--down:#b2182b}"
    "*{box-sizing:border-box}"
    "body{margin:0;background:var(--soft);color:var(--fg);"
    "font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,"
    "'DejaVu Sans',sans-serif}"
    "main{max-width:840px;margin:0 auto;padding:16px}"
    "header{padding:8px 0 4px}"
    "h1{font-size:1.6rem;margin:0;line-height:1.2}"
    "h2{font-size:1.15rem;margin:0 0 12px}"
    ".range{color:var(--muted);margin:4px 0 0}"
    /* The menus wrap between items on a phone, never inside one. */
    "nav.sites,nav.periods{margin:6px 0 0;display:flex;flex-wrap:wrap;"
    "gap:2px 12px}nav.sites a,nav.sites b,"
    "nav.periods a,nav.periods b{white-space:nowrap}"
    "a{color:var(--a);text-decoration:none}a:hover{text-decoration:underline}"
    "section{background:var(--bg);border:1px solid var(--line);"
    "border-radius:10px;padding:16px;margin:16px 0}"
    ".cards{display:grid;gap:12px;padding:0;border:0;background:none;"
    "grid-template-columns:repeat(auto-fit,minmax(150px,1fr))}"
    ".card{background:var(--bg);border:1px solid var(--line);"
    "border-radius:10px;padding:14px 16px;min-width:0}"
    ".card .label{color:var(--muted);font-size:.85rem;text-transform:uppercase;"
    "letter-spacing:.04em}"
    ".card .big{font-size:1.9rem;font-weight:650;line-height:1.2;"
    "font-variant-numeric:tabular-nums}"
    ".card .text{font-weight:600;overflow-wrap:break-word;hyphens:auto}"
    ".card.two{grid-column:span 2}"
    ".card .sub{color:var(--muted);font-size:.9rem}"
    ".note{color:var(--muted);font-size:.9rem}"
    "tr.partial td{font-style:italic}"
    ".up{color:var(--up)}.down{color:var(--down)}"
    "figure{margin:0}"
    "figure img{display:block;width:100%;height:auto}"
    "figcaption{text-align:right;font-size:.8rem;color:var(--muted)}"
    "table{width:100%;border-collapse:collapse;font-size:.95rem}"
    "th,td{padding:6px 8px;border-bottom:1px solid var(--line);"
    "text-align:left;vertical-align:middle}"
    "th{color:var(--muted);font-weight:600;font-size:.85rem}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;"
    "white-space:nowrap}"
    "td.t{overflow-wrap:anywhere}"
    "td.t small{display:block;color:var(--muted);font-size:.8rem}"
    "td.t small.c{display:inline;margin-left:.3em}"
    "td.s{width:96px}td.s img{display:block;width:96px;height:24px}"
    "details{margin-top:12px}summary{cursor:pointer;color:var(--muted)}"
    ".tags{display:flex;flex-wrap:wrap;gap:6px;list-style:none;padding:0;"
    "margin:0}"
    ".tags li{background:var(--soft);border:1px solid var(--line);"
    "border-radius:999px;padding:2px 10px;font-size:.9rem}"
    "footer{color:var(--muted);font-size:.85rem;text-align:center;"
    "padding:8px 0 24px}"
    "td.m{width:22%}.meter{display:block;height:8px;min-width:1px;"
    "background:var(--a);border-radius:4px}"
    ".split{display:flex;height:14px;border-radius:7px;overflow:hidden;"
    "margin:4px 0 8px;background:var(--line)}"
    ".legend{list-style:none;padding:0;margin:0 0 8px;display:flex;"
    "flex-wrap:wrap;gap:4px 14px;font-size:.85rem;color:var(--muted)}"
    ".legend i{display:inline-block;width:10px;height:10px;"
    "border-radius:2px;margin-right:4px}"
    "tr.ai td{font-weight:600}"
    ".heat{table-layout:fixed}.heat td{height:20px;padding:0;"
    "border:1px solid var(--bg);background-clip:padding-box}"
    ".heat th{padding:2px;font-size:.75rem;border:0}"
    ".heat tr>th:first-child{width:2.6em}"
    ".heat thead th{text-align:left}"
    "caption{caption-side:bottom;text-align:left;padding-top:6px}"
    "@media (max-width:520px){main{padding:8px}section{padding:12px}"
    "td.s,th.s,.wide{display:none}th,td{padding:6px 4px}}";

/* The head of a page: no script, nothing from the network. */
static void put_head(FILE *f, const char *title_a, const char *title_b)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
          "<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, "
          "initial-scale=1\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\""
          "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
          "base-uri 'none'; form-action 'none'\">\n"
          "<meta name=\"referrer\" content=\"no-referrer\">\n"
          "<meta name=\"generator\" content=\"blogstat " BLOGSTAT_VERSION
          "\">\n<title>", f);
    html_escape(f, title_a);
    if (title_b && *title_b) {
        fputs(" · ", f);
        html_escape(f, title_b);
    }
    fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n",
            style);
}

static void put_foot(FILE *f)
{
    fputs("<footer>Counted from the web server's access logs by blogstat "
          BLOGSTAT_VERSION " — no tracking script, no cookie."
          "</footer>\n</main>\n</body>\n</html>\n", f);
}

/*
 * A chart: the 2x PNG, sized in CSS pixels, a narrower copy for phones
 * when there is one (nw > 0), and a link to its SVG.
 */
static void put_chart(FILE *f, const char *base, int w, int h, int nw,
                      int nh, const char *alt)
{
    if (!base)
        return;
    fputs("<figure><picture>", f);
    if (nw > 0) {
        fputs("<source media=\"(max-width: 560px)\" srcset=\"", f);
        html_escape(f, base);
        fprintf(f, "-narrow.png\" width=\"%d\" height=\"%d\">", nw, nh);
    }
    fputs("<img src=\"", f);
    html_escape(f, base);
    fprintf(f, ".png\" width=\"%d\" height=\"%d\" alt=\"", w, h);
    html_escape(f, alt);
    fputs("\"></picture><figcaption><a href=\"", f);
    html_escape(f, base);
    fputs(".svg\">SVG</a></figcaption></figure>\n", f);
}

/* The title of a post as a link to its page, its path below it. */
static void put_post_cell(FILE *f, const struct report_post *p)
{
    fputs("<td class=\"t\">", f);
    if (p->page) {
        fputs("<a href=\"", f);
        html_escape(f, p->page);
        fputs("\">", f);
    }
    html_escape(f, *p->title ? p->title : p->path);
    if (p->page)
        fputs("</a>", f);
    if (*p->title) {
        fputs("<small>", f);
        html_escape(f, p->path);
        fputs("</small>", f);
    }
    fputs("</td>", f);
}

/* The views of the pages folded into "(other)", after the ranking and
 * outside it: no rank, no page of its own. */
static void put_other_row(FILE *f, int64_t views)
{
    if (views <= 0)
        return;
    fputs("<tr class=\"other\"><td class=\"n\"></td><td class=\"t\" "
          "title=\"Pages past the ", f);
    html_num(f, AGG_FOLD_KEYS);
    fputs(" new ones of a day (neither imported nor the home page) count "
          "together here\">(other pages)<small>the long tail, folded"
          "</small></td><td class=\"s\"></td><td class=\"n\">", f);
    html_num(f, views);
    fputs("</td><td class=\"n\"></td><td class=\"n wide\"></td></tr>\n",
          f);
}

static void put_terms_table(FILE *f, const char *head,
                            const struct report_term *t, size_t n)
{
    fputs("<table><thead><tr><th>", f);
    fputs(head, f);
    fputs("</th><th class=\"n\">Post views</th>"
          "<th class=\"n\">Archive views</th>"
          "<th class=\"n\">Visitors</th></tr></thead><tbody>\n", f);
    for (size_t i = 0; i < n; i++) {
        fputs("<tr><td class=\"t\">", f);
        html_escape(f, t[i].name);
        fputs("</td><td class=\"n\">", f);
        html_num(f, t[i].post_views);
        fputs("</td><td class=\"n\">", f);
        html_num(f, t[i].archive_views);
        fputs("</td><td class=\"n\">", f);
        html_num(f, t[i].visitors);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

static void put_countries_table(FILE *f, const struct report_country *c,
                                size_t n, int64_t total)
{
    int with_visitors = n > 0 && c[0].visitors >= 0;

    fputs("<table><thead><tr><th>Country</th><th class=\"n\">Views</th>",
          f);
    if (with_visitors)
        fputs("<th class=\"n\">Visitors</th>", f);
    fputs("<th class=\"n\">Share</th></tr></thead><tbody>\n", f);
    for (size_t i = 0; i < n; i++) {
        fputs("<tr><td class=\"t\">", f);
        html_escape(f, *c[i].name ? c[i].name : c[i].code);
        fputs(" <small class=\"c\">", f);
        html_escape(f, c[i].code);
        fputs("</small></td><td class=\"n\">", f);
        html_num(f, c[i].views);
        if (with_visitors) {
            fputs("</td><td class=\"n\">", f);
            html_num(f, c[i].visitors < 0 ? 0 : c[i].visitors);
        }
        fprintf(f, "</td><td class=\"n\">%.1f%%</td></tr>\n",
                total > 0 ? 100.0 * (double)c[i].views / (double)total : 0.0);
    }
    fputs("</tbody></table>\n", f);
}

/* partial: the day still being written, marked as such; INT32_MIN: none. */
static void put_days_table(FILE *f, const struct report_day *d, size_t n,
                           int32_t partial)
{
    fputs("<details><summary>The numbers, day by day</summary>"
          "<table><thead><tr><th>Day</th><th class=\"n\">Views</th>"
          "<th class=\"n\">Visitors</th><th class=\"n\">Visits</th></tr>"
          "</thead><tbody>\n", f);
    for (size_t i = 0; i < n; i++) {
        fputs(d[i].day == partial ? "<tr class=\"partial\"><td>" : "<tr><td>",
              f);
        put_date(f, d[i].day, 1);
        if (d[i].day == partial)
            fputs(" <span class=\"note\">(so far: still being written)"
                  "</span>", f);
        if (d[i].views < 0) {
            fputs("</td><td class=\"n\">—</td><td class=\"n\">—</td>"
                  "<td class=\"n\">—", f);
        } else {
            fputs("</td><td class=\"n\">", f);
            html_num(f, d[i].views);
            fputs("</td><td class=\"n\">", f);
            html_num(f, d[i].visitors);
            fputs("</td><td class=\"n\">", f);
            html_num(f, d[i].visits);
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table></details>\n", f);
}

static const char *source_name(enum ref_class cls)
{
    switch (cls) {
    case REF_SEARCH: return "Search engine";
    case REF_SOCIAL: return "Social network";
    case REF_INTERNAL: return "This site";
    case REF_OTHER: return "Other site";
    case REF_MAIL: return "Mail";
    case REF_NONE: break;
    }
    return "";
}

/* Referring hosts are text, never links: a report must not send its
 * reader to wherever a log line claimed to come from. */
static void put_referrers_table(FILE *f, const struct report_referrer *r,
                                size_t n)
{
    fputs("<table><thead><tr><th>Referrer</th><th>Kind</th>"
          "<th class=\"n\">Views</th></tr></thead><tbody>\n", f);
    for (size_t i = 0; i < n; i++) {
        fputs("<tr><td class=\"t\">", f);
        html_escape(f, r[i].host);
        fputs("</td><td>", f);
        html_escape(f, source_name(r[i].cls));
        fputs("</td><td class=\"n\">", f);
        html_num(f, r[i].views);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

/* The period menu: a link each, the page's own in bold. */
static void put_menu(FILE *f, const struct report_link *m, size_t n)
{
    if (n == 0)
        return;
    fputs("<nav class=\"periods\">Periods: ", f);
    for (size_t i = 0; i < n; i++) {
        fputs(m[i].href ? "<a href=\"" : "<b>", f);
        if (m[i].href) {
            html_escape(f, m[i].href);
            fputs("\">", f);
        }
        html_escape(f, m[i].name);
        fputs(m[i].href ? "</a>" : "</b>", f);
    }
    fputs("</nav>", f);
}

/* ---- index.html ----------------------------------------------------------- */

/* "+12% against the previous 7 days (1,234)" or why there is no such. */
static void put_change(FILE *f, int has_prev, int64_t now, int64_t prev,
                       int32_t len)
{
    if (!has_prev) {
        fputs("no data for the period before", f);
    } else if (prev == 0) {
        fprintf(f, "none in the previous %d day%s", len, len == 1 ? "" : "s");
    } else {
        double ch = 100.0 * (double)(now - prev) / (double)prev;

        fprintf(f, "<span class=\"%s\">%s%.0f%%</span> against the previous "
                "%d day%s (", ch >= 0 ? "up" : "down", ch >= 0 ? "+" : "−",
                ch >= 0 ? ch : -ch, len, len == 1 ? "" : "s");
        html_num(f, prev);
        fputs(")", f);
    }
}

/* The change of views or visitors (now of the range; cmp of its
 * complete days, when one is still being written) against the period
 * before: like with like, never a partial day against full ones. */
static void put_range_change(FILE *f, const struct report_index *r,
                             int64_t now, int64_t cmp, int64_t prev)
{
    if (!r->has_partial) {
        put_change(f, r->has_prev, now, prev, r->to - r->from + 1);
        return;
    }
    if (r->cmp_days <= 0) {
        fputs("the day is still being written: nothing to compare yet", f);
        return;
    }
    put_change(f, r->has_prev, cmp, prev, r->cmp_days);
    fprintf(f, ", over the %d complete day%s", r->cmp_days,
            r->cmp_days == 1 ? "" : "s");
}

static void put_summary(FILE *f, const struct report_index *r)
{
    const struct report_day *best = NULL;

    for (size_t i = 0; i < r->ndays; i++)
        if (r->days[i].views >= 0 && (!best || r->days[i].views > best->views))
            best = &r->days[i];
    fputs("<section class=\"cards\">\n<div class=\"card\">"
          "<div class=\"label\">Views</div><div class=\"big\">", f);
    html_num(f, r->views);
    fputs("</div><div class=\"sub\">", f);
    put_range_change(f, r, r->views, r->cmp_views, r->prev_views);
    fputs("</div></div>\n<div class=\"card\"><div class=\"label\">Visitors"
          "</div><div class=\"big\">", f);
    html_num(f, r->visitors);
    fputs("</div><div class=\"sub\">", f);
    put_range_change(f, r, r->visitors, r->cmp_visitors, r->prev_visitors);
    fputs("</div></div>\n<div class=\"card\"><div class=\"label\">Visits"
          "</div><div class=\"big\">", f);
    html_num(f, r->visits);
    fputs("</div><div class=\"sub\">", f);
    if (r->visits > 0)
        fprintf(f, "%.1f views a visit", (double)r->views / (double)r->visits);
    else
        fputs("none in these days", f);
    fputs("</div></div>\n<div class=\"card\"><div class=\"label\">Busiest "
          "day</div>", f);
    if (best) {
        fputs("<div class=\"big\">", f);
        html_num(f, best->views);
        fputs("</div><div class=\"sub\">views on ", f);
        put_date(f, best->day, 1);
        fputs("</div>", f);
    } else {
        fputs("<div class=\"sub\">no data</div>", f);
    }
    /* Two columns wide: a long word of a title fits a phone's line. */
    fputs("</div>\n<div class=\"card two\"><div class=\"label\">Top post"
          "</div>", f);
    if (r->nposts > 0) {
        const struct report_post *p = &r->posts[0];

        fputs("<div class=\"text\">", f);
        if (p->page) {
            fputs("<a href=\"", f);
            html_escape(f, p->page);
            fputs("\">", f);
        }
        html_escape(f, *p->title ? p->title : p->path);
        if (p->page)
            fputs("</a>", f);
        fputs("</div><div class=\"sub\">", f);
        html_num(f, p->views);
        fprintf(f, " %s</div>", plural(p->views, "view", "views"));
    } else {
        fputs("<div class=\"sub\">no post viewed</div>", f);
    }
    fputs("</div>\n</section>\n", f);
}

int report_write_index(const struct atomic_dir *dir,
                       const struct report_index *r,
                       struct bs_err *err)
{
    struct atomic_file *af;
    FILE *f;
    const char *name = r->site_name && *r->site_name ? r->site_name
                                                      : "Blog statistics";

    if (!(af = page_open(dir, "index.html", err)))
        return -1;
    f = atomic_stream(af);
    put_head(f, name, "blogstat");
    fputs("<header><h1>", f);
    html_escape(f, name);
    fputs("</h1><p class=\"range\">", f);
    put_range(f, r->from, r->to);
    fprintf(f, " · %d day%s", r->to - r->from + 1,
            r->to == r->from ? "" : "s");
    if (r->site_url && (strncmp(r->site_url, "https://", 8) == 0 ||
                        strncmp(r->site_url, "http://", 7) == 0)) {
        fputs(" · <a href=\"", f);
        html_url(f, r->site_url, "/");
        fputs("\" rel=\"noreferrer\">", f);
        html_escape(f, r->site_url);
        fputs("</a>", f);
    }
    fputs("</p>", f);
    if (r->nsites > 1) {
        fputs("<nav class=\"sites\">Sites: ", f);
        for (size_t i = 0; i < r->nsites; i++) {
            if (!r->sites[i].href) {
                fputs("<b>", f);
                html_escape(f, r->sites[i].name);
                fputs("</b>", f);
                continue;
            }
            fputs("<a href=\"", f);
            html_escape(f, r->sites[i].href);
            fputs("\">", f);
            html_escape(f, r->sites[i].name);
            fputs("</a>", f);
        }
        fputs("</nav>", f);
    }
    put_menu(f, r->periods, r->nperiods);
    fputs("</header>\n", f);
    put_summary(f, r);

    fputs("<section>\n<h2>Views and visitors per day</h2>\n", f);
    put_chart(f, r->daily_chart, r->chart_width, r->daily_height,
              r->narrow_width, r->daily_narrow_height,
              "Views per day with their 7-day average, and visitors per day");
    if (r->has_partial) {
        fputs("<p class=\"note\">", f);
        put_date(f, r->partial_day, 1);
        fputs(" is still being written: the chart and the table show its "
              "views so far.</p>\n", f);
    }
    put_days_table(f, r->days, r->ndays,
                   r->has_partial ? r->partial_day : INT32_MIN);
    fputs("</section>\n", f);

    fputs("<section>\n<h2>Top posts and pages</h2>\n", f);
    if (r->nposts == 0) {
        fputs("<p>No post or page was viewed in these days.</p>\n", f);
    } else {
        put_chart(f, r->posts_chart, r->chart_width, r->posts_height,
                  r->narrow_width, r->posts_height, "Views of the top posts");
        fputs("<table><thead><tr><th class=\"n\">#</th><th>Post</th>"
              "<th class=\"s\">Daily</th><th class=\"n\">Views</th>"
              "<th class=\"n\">Visitors</th><th class=\"n wide\">Visits</th>"
              "</tr></thead><tbody>\n", f);
        for (size_t i = 0; i < r->nposts; i++) {
            const struct report_post *p = &r->posts[i];

            fprintf(f, "<tr><td class=\"n\">%zu</td>", i + 1);
            put_post_cell(f, p);
            fputs("<td class=\"s\">", f);
            if (p->spark) {
                fputs("<img src=\"", f);
                html_escape(f, p->spark);
                fputs(".png\" width=\"96\" height=\"24\" alt=\"\">", f);
            }
            fputs("</td><td class=\"n\">", f);
            html_num(f, p->views);
            fputs("</td><td class=\"n\">", f);
            html_num(f, p->visitors);
            fputs("</td><td class=\"n wide\">", f);
            html_num(f, p->visits);
            fputs("</td></tr>\n", f);
        }
        put_other_row(f, r->other_views);
        fputs("</tbody></table>\n", f);
    }
    fputs("</section>\n", f);

    fputs("<section>\n<h2>Tags</h2>\n", f);
    if (r->ntags == 0) {
        fputs("<p>No tag was read in these days (import the posts to see "
              "their tags).</p>\n", f);
    } else {
        put_chart(f, r->tags_chart, r->chart_width, r->tags_height,
                  r->narrow_width, r->tags_height, "Views of the top tags");
        put_terms_table(f, "Tag", r->tags, r->ntags);
    }
    fputs("</section>\n<section>\n<h2>Categories</h2>\n", f);
    if (r->ncategories == 0) {
        fputs("<p>No category was read in these days.</p>\n", f);
    } else {
        put_chart(f, r->categories_chart, r->chart_width,
                  r->categories_height, r->narrow_width, r->categories_height,
                  "Views of the top categories");
        put_terms_table(f, "Category", r->categories, r->ncategories);
    }
    fputs("</section>\n<section>\n<h2>Countries</h2>\n", f);
    if (r->ncountries == 0) {
        fputs("<p>No views in these days.</p>\n", f);
    } else {
        put_chart(f, r->countries_chart, r->chart_width, r->countries_height,
                  r->narrow_width, r->countries_height, "Views by country");
        put_countries_table(f, r->countries, r->ncountries, r->views);
    }
    fputs("</section>\n<section>\n<h2>Where readers came from</h2>\n", f);
    if (r->views == 0) {
        fputs("<p>No views in these days.</p>\n", f);
    } else {
        put_chart(f, r->sources_chart, r->chart_width, r->sources_height,
                  r->narrow_width, r->sources_height,
                  "Views by the kind of page that linked to them");
        if (r->nreferrers)
            put_referrers_table(f, r->referrers, r->nreferrers);
        else
            fputs("<p>No other site linked to a page read in these days."
                  "</p>\n", f);
        if (r->nsearches) {
            fputs("<details><summary>Search terms</summary><table><thead><tr>"
                  "<th>Searched for</th><th class=\"n\">Views</th></tr>"
                  "</thead><tbody>\n", f);
            for (size_t i = 0; i < r->nsearches; i++) {
                fputs("<tr><td class=\"t\">", f);
                html_escape(f, r->searches[i].term);
                fputs("</td><td class=\"n\">", f);
                html_num(f, r->searches[i].views);
                fputs("</td></tr>\n", f);
            }
            fputs("</tbody></table></details>\n", f);
        }
    }
    fputs("</section>\n", f);
    report_put_dims(f, r);
    put_foot(f);
    return atomic_commit(af, err);
}

int report_write_list(const struct atomic_dir *dir, const char *file,
                      const char *title, const struct report_link *links,
                      size_t n, const struct report_link *menu,
                      size_t nmenu, struct bs_err *err)
{
    struct atomic_file *af = page_open(dir, file, err);
    FILE *f;

    if (!af)
        return -1;
    f = atomic_stream(af);
    put_head(f, title, "blogstat");
    fputs("<header><h1>", f);
    html_escape(f, title);
    fputs("</h1>", f);
    put_menu(f, menu, nmenu);
    fputs("</header>\n<section>\n<ul class=\"tags\">\n", f);
    for (size_t i = 0; i < n; i++) {
        fputs("<li><a href=\"", f);
        html_escape(f, links[i].href ? links[i].href : "#");
        fputs("\">", f);
        html_escape(f, links[i].name);
        fputs("</a></li>\n", f);
    }
    fputs("</ul>\n</section>\n", f);
    put_foot(f);
    return atomic_commit(af, err);
}

/* ---- posts/N.html ------------------------------------------------------------ */

static void put_term_list(FILE *f, const char *head, const char *const *t,
                          size_t n)
{
    if (n == 0)
        return;
    fprintf(f, "<h2>%s</h2><ul class=\"tags\">", head);
    for (size_t i = 0; i < n; i++) {
        fputs("<li>", f);
        html_escape(f, t[i]);
        fputs("</li>", f);
    }
    fputs("</ul>\n", f);
}

/* A post's life: its views by age beside the median post's, and what
 * kind of post that makes it. */
static void put_life(FILE *f, const struct report_post_page *p)
{
    static const char *const kinds[] = {
        [LIFE_NONE] = "",
        [LIFE_NEW] = "Too new to tell what kind of post it is.",
        [LIFE_SPIKE] = "A spike: most of its views came in its first week.",
        [LIFE_EVERGREEN] = "An evergreen: in its last 30 days it is still "
                           "read at least a third as much as in its first "
                           "30.",
        [LIFE_BETWEEN] = "Neither a spike nor an evergreen: read for a "
                         "while, then less.",
    };

    if (p->nlife == 0)
        return;
    fputs("<section>\n<h2>Its life since it was published</h2>\n"
          "<p class=\"note\">", f);
    fputs(kinds[p->life_kind], f);
    fputs(" The median post is the blog's post in the middle, of those as "
          "old.</p>\n<table><thead><tr><th>Since it was published</th>"
          "<th class=\"n\">Views</th><th class=\"n\">The median post</th>"
          "</tr></thead><tbody>\n", f);
    for (int b = 0; b < p->nlife; b++) {
        fprintf(f, "<tr><td>%s</td><td class=\"n\">", report_life_label(b));
        html_num(f, p->life[b]);
        fputs("</td><td class=\"n\">", f);
        html_num(f, p->life_median[b]);
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table>\n</section>\n", f);
}

int report_write_post(const struct atomic_dir *dir, const char *file,
                      const struct report_post_page *p, struct bs_err *err)
{
    struct atomic_file *af;
    FILE *f;
    const char *title = *p->title ? p->title : p->path;

    if (!(af = page_open(dir, file, err)))
        return -1;
    f = atomic_stream(af);
    put_head(f, title, p->site_name);
    fputs("<header><p class=\"range\"><a href=\"", f);
    html_escape(f, p->back);
    fputs("\">← ", f);
    html_escape(f, p->site_name && *p->site_name ? p->site_name
                                                 : "All posts");
    fputs("</a></p><h1>", f);
    html_escape(f, title);
    fputs("</h1><p class=\"range\">", f);
    fputs(p->kind == URL_PAGE ? "Page" : "Post", f);
    fputs(" ", f);
    if (p->site_url && (strncmp(p->site_url, "https://", 8) == 0 ||
                        strncmp(p->site_url, "http://", 7) == 0)) {
        fputs("<a href=\"", f);
        html_url(f, p->site_url, p->path);
        fputs("\" rel=\"noreferrer\">", f);
        html_escape(f, p->path);
        fputs("</a>", f);
    } else {
        html_escape(f, p->path);
    }
    if (p->published != INT32_MIN) {
        fputs(" · published ", f);
        put_date(f, p->published, 0);
    }
    fputs("</p></header>\n<section class=\"cards\"><div class=\"card\">"
          "<div class=\"label\">Views</div><div class=\"big\">", f);
    html_num(f, p->views);
    fputs("</div><div class=\"sub\">", f);
    put_range(f, p->from, p->to);
    fputs("</div></div>\n<div class=\"card\"><div class=\"label\">"
          "Visitors</div><div class=\"big\">", f);
    html_num(f, p->visitors);
    fputs("</div><div class=\"sub\">distinct in these days</div></div>\n"
          "<div class=\"card\"><div class=\"label\">Visits</div>"
          "<div class=\"big\">", f);
    html_num(f, p->visits);
    fputs("</div><div class=\"sub\">began here</div></div></section>\n"
          "<section>\n<h2>Views and visitors per day</h2>\n", f);
    put_chart(f, p->chart, p->chart_width, p->chart_height, p->narrow_width,
              p->narrow_height, "Views and visitors of this post per day");
    put_days_table(f, p->days, p->ndays, INT32_MIN);
    fputs("</section>\n", f);
    put_life(f, p);
    fputs("<section>\n<h2>Where its readers are</h2>\n", f);
    if (p->ncountries)
        put_countries_table(f, p->countries, p->ncountries, p->views);
    else
        fputs("<p>No views in these days.</p>\n", f);
    fputs("</section>\n", f);
    if (p->nreferrers) {
        fputs("<section>\n<h2>Where its readers came from</h2>\n", f);
        put_referrers_table(f, p->referrers, p->nreferrers);
        fputs("</section>\n", f);
    }
    if (p->ntags || p->ncategories) {
        fputs("<section>\n", f);
        put_term_list(f, "Tags", p->tags, p->ntags);
        put_term_list(f, "Categories", p->categories, p->ncategories);
        fputs("</section>\n", f);
    }
    put_foot(f);
    return atomic_commit(af, err);
}

/* ---- a site's report on disk ------------------------------------------------- */

#define CHART_W 760
#define NARROW_W 360          /* the phone copies of the charts */
#define NARROW_DAILY_H 240
#define DAILY_H 300
#define POST_DAILY_H 240
#define SPARK_W 96
#define SPARK_H 24

/* The views (or visitors) of each day as a chart's values; -1: a gap. */
static double *as_doubles(const struct report_day *d, size_t n, int visitors)
{
    double *v = xmalloc((n ? n : 1) * sizeof(*v));

    for (size_t i = 0; i < n; i++)
        v[i] = d[i].views < 0 ? -1
               : visitors     ? (double)d[i].visitors
                              : (double)d[i].views;
    return v;
}

/* The daily chart of views and visitors of days[0..n), and its narrow
 * copy for phones (NAME-narrow); partial: the day still being written
 * (marked when it is the last), INT32_MIN none. */
static int daily_charts(const struct atomic_dir *charts, const char *name,
                        const struct report_day *days, size_t n, int height,
                        int32_t partial, struct bs_err *err)
{
    double *v = as_doubles(days, n, 0), *vis = as_doubles(days, n, 1);
    struct chart_daily d = {n ? days[0].day : 0, n, v, vis, "Views",
                            "Visitors", n > 0 && days[n - 1].day == partial};
    char narrow[96];
    int rc;

    snprintf(narrow, sizeof(narrow), "%s-narrow", name);
    rc = chart_daily_write(charts, name, &d, CHART_W, height,
                           CHART_PNG_SVG, err) ||
                 chart_daily_write(charts, narrow, &d, NARROW_W,
                                   NARROW_DAILY_H, CHART_PNG, err)
             ? -1
             : 0;
    free(v);
    free(vis);
    return rc;
}

/* Largest first, then by label: the sources, which no table orders. */
static int by_total(const void *a, const void *b)
{
    const struct chart_bar *x = a, *y = b;
    double tx = x->a + x->b, ty = y->a + y->b;

    if (tx != ty)
        return tx > ty ? -1 : 1;
    return strcmp(x->label, y->label);
}

/* A bar chart and its narrow copy; its height into *height. The bars
 * keep the order of the table beside them. */
static int bars(const struct atomic_dir *charts, const char *name, struct chart_bar *b,
                size_t n, const char *a_label, const char *b_label,
                int *height, struct bs_err *err)
{
    struct chart_bars c = {b, n, a_label, b_label};
    char narrow[96];

    snprintf(narrow, sizeof(narrow), "%s-narrow", name);
    *height = chart_bars_height(n);
    return chart_bars_write(charts, name, &c, CHART_W, CHART_PNG_SVG,
                            err) ||
                   chart_bars_write(charts, narrow, &c, NARROW_W, CHART_PNG,
                                    err)
               ? -1
               : 0;
}

/* own[0..n), the labels of a chart (utf8_visible() copies), freed. */
static void free_labels(char **own, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(own[i]);
    free(own);
}

static int terms_chart(const struct atomic_dir *charts, const char *name,
                       const struct report_term *t, size_t n, int *height,
                       struct bs_err *err)
{
    struct chart_bar *b = xcalloc(n + 1, sizeof(*b));
    char **own = xcalloc(n + 1, sizeof(*own));
    int rc;

    for (size_t i = 0; i < n; i++) {
        /* A label shows its invisible characters, as the tables do. */
        b[i].label = own[i] = utf8_visible(t[i].name);
        b[i].a = (double)t[i].post_views;
        b[i].b = (double)t[i].archive_views;
    }
    rc = bars(charts, name, b, n, "Post views", "Archive views", height,
              err);
    free_labels(own, n);
    free(b);
    return rc;
}

/* The bar charts of the index: posts, tags, categories, countries,
 * sources. */
static int bar_charts(const struct atomic_dir *charts, struct report_index *r,
                      struct bs_err *err)
{
    static const char *const labels[REPORT_NSOURCES] = {
        [REPORT_SRC_SEARCH] = "Search engines",
        [REPORT_SRC_SOCIAL] = "Social networks",
        [REPORT_SRC_OTHER] = "Other sites",
        [REPORT_SRC_MAIL] = "Mail (webmail, mail apps)",
        [REPORT_SRC_INTERNAL] = "Links on this site",
        [REPORT_SRC_NONE] = "No referrer (typed, bookmarks, apps)",
    };
    size_t n = r->nposts > r->ncountries ? r->nposts : r->ncountries;
    struct chart_bar *b = xcalloc(n + REPORT_NSOURCES, sizeof(*b));
    char **own = xcalloc(r->nposts + 1, sizeof(*own));
    int rc = -1;

    for (size_t i = 0; i < r->nposts; i++) {
        b[i].label = own[i] = utf8_visible(*r->posts[i].title
                                               ? r->posts[i].title
                                               : r->posts[i].path);
        b[i].a = (double)r->posts[i].views;
        b[i].b = 0;
    }
    rc = bars(charts, "posts", b, r->nposts, "Views", NULL,
              &r->posts_height, err);
    free_labels(own, r->nposts);
    if (rc)
        goto out;
    rc = -1;
    for (size_t i = 0; i < r->ncountries; i++) {
        b[i].label = *r->countries[i].name ? r->countries[i].name
                                           : r->countries[i].code;
        b[i].a = (double)r->countries[i].views;
        b[i].b = 0;
    }
    if (bars(charts, "countries", b, r->ncountries, "Views", NULL,
             &r->countries_height, err))
        goto out;
    n = 0;
    for (int k = 0; k < REPORT_NSOURCES; k++)
        if (r->sources[k] > 0) {
            b[n].label = labels[k];
            b[n].a = (double)r->sources[k];
            b[n].b = 0;
            n++;
        }
    qsort(b, n, sizeof(*b), by_total);
    r->sources_height = chart_bars_height(n);
    {
        struct chart_bars c = {b, n, "Views", NULL};

        if (chart_bars_write(charts, "sources", &c, CHART_W, CHART_PNG_SVG,
                             err) ||
            chart_bars_write(charts, "sources-narrow", &c, NARROW_W,
                             CHART_PNG, err))
            goto out;
    }
    rc = terms_chart(charts, "tags", r->tags, r->ntags, &r->tags_height,
                     err) ||
                 terms_chart(charts, "categories", r->categories,
                             r->ncategories, &r->categories_height, err)
             ? -1
             : 0;
out:
    free(b);
    return rc;
}

/* A top post's sparkline and chart (in charts) and page (in posts). */
static int post_files(const struct atomic_dir *charts,
                      const struct atomic_dir *posts,
                      const struct report_data_post *dp, size_t ndays,
                      int32_t partial, const struct report_site *site,
                      struct bs_err *err)
{
    struct report_post_page p = dp->page;
    double *v = as_doubles(dp->days, ndays, 0);
    char name[40], chart_rel[64], file[48];
    int rc;

    snprintf(name, sizeof(name), "spark-%lld", (long long)dp->id);
    rc = chart_spark_write(charts, name, v, ndays, SPARK_W, SPARK_H, err);
    free(v);
    if (rc)
        return -1;
    snprintf(name, sizeof(name), "post-%lld", (long long)dp->id);
    if (daily_charts(charts, name, p.days, p.ndays, POST_DAILY_H, partial,
                     err))
        return -1;
    snprintf(chart_rel, sizeof(chart_rel), "../charts/%s", name);
    snprintf(file, sizeof(file), "%lld.html", (long long)dp->id);
    p.site_name = site->name;
    p.site_url = site->url;
    p.chart = chart_rel;
    p.chart_width = CHART_W;
    p.chart_height = POST_DAILY_H;
    p.narrow_width = NARROW_W;
    p.narrow_height = NARROW_DAILY_H;
    p.back = "../index.html";
    return report_write_post(posts, file, &p, err);
}

/* The odd-numbered top posts' files, drawn on a thread of their own
 * while the caller draws the rest. */
struct odd_posts {
    const struct atomic_dir *charts, *posts;
    const struct report_data *d;
    size_t ndays;
    int32_t partial;
    const struct report_site *site;
    int rc;
    struct bs_err err;
};

static void *draw_odd_posts(void *arg)
{
    struct odd_posts *o = arg;

    for (size_t i = 1; i < o->d->index.nposts && o->rc == 0; i += 2)
        o->rc = post_files(o->charts, o->posts, &o->d->posts[i], o->ndays,
                           o->partial, o->site, &o->err);
    chart_thread_cleanup();
    return NULL;
}

/* The files of charts/ and posts/ a report writes. */
static const char *const chart_endings[] = {".png", ".svg", NULL};
static const char *const page_endings[] = {".html", NULL};

int report_write(const struct atomic_dir *dir, const struct report_data *d,
                 const struct report_site *site, struct bs_err *err)
{
    size_t np = d->index.nposts;
    struct report_index r = d->index;
    struct report_post *posts = xcalloc(np + 1, sizeof(*posts));
    char (*names)[2][48] = xcalloc(np + 1, sizeof(*names));
    int32_t partial = r.has_partial ? r.partial_day : INT32_MIN;
    /* Each folder opened once, inside dir: a link planted in their place
     * is refused, and one planted later is never looked up. */
    struct atomic_dir *charts = atomic_dir_sub(dir, "charts", err);
    struct atomic_dir *posts_dir =
        charts && !site->light ? atomic_dir_sub(dir, "posts", err) : NULL;
    int rc = -1;
    struct odd_posts odd = {charts, posts_dir, d, r.ndays, partial, site, 0,
                            {0}};
    pthread_t th;
    int helper = 0;

    if (!charts || (!site->light && !posts_dir))
        goto out;
    if (np && !site->light && !d->posts)
        BUG("a report with post pages from data built without them");
    /* The post pages on two threads: the odd ones on a helper, the
     * index's charts and the even ones here. */
    if (np > 1 && !site->light)
        helper = pthread_create(&th, NULL, draw_odd_posts, &odd) == 0;
    if (daily_charts(charts, "daily", r.days, r.ndays, DAILY_H, partial,
                     err) ||
        bar_charts(charts, &r, err) ||
        report_dims_charts(charts, &r.dims, r.ndays, err))
        goto out;
    for (size_t i = 0; i < np; i++) {
        posts[i] = d->index.posts[i];
        /* A period's report links no post page: the main one has them. */
        if (site->light)
            continue;
        snprintf(names[i][0], sizeof(names[i][0]), "posts/%lld.html",
                 (long long)d->posts[i].id);
        snprintf(names[i][1], sizeof(names[i][1]), "charts/spark-%lld",
                 (long long)d->posts[i].id);
        posts[i].page = names[i][0];
        posts[i].spark = names[i][1];
        if ((i % 2 == 0 || !helper) &&
            post_files(charts, posts_dir, &d->posts[i], r.ndays, partial,
                       site, err))
            goto out;
    }
    if (helper) {
        pthread_join(th, NULL);
        helper = 0;
        if (odd.rc) {
            *err = odd.err;
            goto out;
        }
    }
    r.posts = posts;
    r.site_name = site->name;
    r.site_url = site->url;
    r.sites = site->links;
    r.nsites = site->nlinks;
    r.periods = site->periods;
    r.nperiods = site->nperiods;
    r.daily_chart = "charts/daily";
    r.posts_chart = "charts/posts";
    r.tags_chart = "charts/tags";
    r.categories_chart = "charts/categories";
    r.countries_chart = "charts/countries";
    r.sources_chart = "charts/sources";
    r.chart_width = CHART_W;
    r.daily_height = DAILY_H;
    r.narrow_width = NARROW_W;
    r.daily_narrow_height = NARROW_DAILY_H;
    rc = report_write_index(dir, &r, err);
    /* What an earlier report wrote and this one links no more. */
    if (rc == 0)
        rc = atomic_dir_prune(charts, chart_endings, err) ||
                     (posts_dir &&
                      atomic_dir_prune(posts_dir, page_endings, err))
                 ? -1
                 : 0;
out:
    if (helper)
        pthread_join(th, NULL);
    atomic_dir_close(charts);
    atomic_dir_close(posts_dir);
    free(posts);
    free(names);
    return rc;
}
