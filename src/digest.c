/*
 * digest.c - the blogger's week as a MIME mail (digest.h).
 *
 * The numbers come from the report's reader (report_data.h) and the
 * store's queries, so that they are `top`'s. The message is
 *
 *   multipart/alternative
 *     text/plain                      base64
 *     multipart/related
 *       text/html                     base64, the chart as cid:daily
 *       image/png  Content-ID daily   base64
 *
 * Parts are base64 whatever their text: a title of any length or bytes
 * never makes a line a mail server would cut.
 */
#include "blogstat.h"
#include "atomicfile.h"
#include "chart.h"
#include "digest.h"
#include "report.h"
#include "store.h"
#include "table.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The day chart in the mail, in CSS pixels (drawn at twice that). */
#define CHART_W 600
#define CHART_H 220

struct digest_ref {
    const char *host;
    int64_t views;
};

struct digest {
    struct report_data *data;
    struct store_trend_row trend[DIGEST_TRENDING];
    size_t ntrend;
    struct digest_ref refs[DIGEST_NEW_REFERRERS];
    size_t nrefs;
    struct arena mem;        /* the strings of trend and refs */
};

/* ---- reading ------------------------------------------------------------ */

static int keep_trend(void *ctx, const struct store_trend_row *r)
{
    struct digest *d = ctx;
    struct store_trend_row *t;

    if (d->ntrend >= DIGEST_TRENDING)
        return 1;
    t = &d->trend[d->ntrend++];
    *t = *r;
    t->path = arena_memdup(&d->mem, r->path, strlen(r->path));
    t->title = arena_memdup(&d->mem, r->title, strlen(r->title));
    return 0;
}

/* The referring hosts of the days before: interned. */
static int seen_before(void *ctx, const struct store_referrer_row *r)
{
    strtab_intern(ctx, r->host, strlen(r->host), NULL);
    return 0;
}

struct new_refs {
    struct digest *d;
    const struct strtab *before;
};

/* A host of the range the days before had not: in order of views. */
static int keep_new(void *ctx, const struct store_referrer_row *r)
{
    struct new_refs *nr = ctx;
    struct digest *d = nr->d;

    if (d->nrefs >= DIGEST_NEW_REFERRERS)
        return 1;
    if (strtab_find(nr->before, r->host, strlen(r->host)) >= 0 ||
        strcmp(r->host, "(other)") == 0)
        return 0;
    d->refs[d->nrefs].host = arena_memdup(&d->mem, r->host, strlen(r->host));
    d->refs[d->nrefs].views = r->views;
    d->nrefs++;
    return 0;
}

struct digest *digest_build(struct store *s, const struct report_range *r,
                            struct bs_err *err)
{
    struct digest *d = xcalloc(1, sizeof(*d));
    struct store_filter f = {.from = r->from, .to = r->to, .site = r->site};
    struct store_filter before = {.from = r->from - DIGEST_REFERRER_DAYS,
                                  .to = r->from - 1, .site = r->site};
    struct strtab *hosts = strtab_new();
    struct new_refs nr = {d, hosts};
    struct report_range index = *r;
    int rc;

    /* The mail has no post pages. */
    index.index_only = 1;
    arena_init(&d->mem, 0);
    rc = !(d->data = report_data_build(s, &index, err)) ||
         store_top_trending(s, &f, keep_trend, d, err) ||
         store_top_referrers(s, &before, seen_before, hosts, err) ||
         store_top_referrers(s, &f, keep_new, &nr, err);
    strtab_free(hosts);
    if (rc) {
        digest_free(d);
        return NULL;
    }
    return d;
}

void digest_free(struct digest *d)
{
    if (!d)
        return;
    report_data_free(d->data);
    arena_release(&d->mem);
    free(d);
}

/* ---- words -------------------------------------------------------------- */

static const char *const months[] = {
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
};

/* "7 March 2024" of a day. */
static void day_words(int32_t day, char *buf, size_t n)
{
    time_t t = (time_t)day * 86400;
    struct tm tm;

    gmtime_r(&t, &tm);
    snprintf(buf, n, "%d %s %d", tm.tm_mday, months[tm.tm_mon],
             tm.tm_year + 1900);
}

/* "1 – 7 March 2024", "28 February – 5 March 2024", or one day. */
static void range_words(int32_t from, int32_t to, char *buf, size_t n)
{
    time_t tf = (time_t)from * 86400, tt = (time_t)to * 86400;
    struct tm a, b;
    char end[48];

    gmtime_r(&tf, &a);
    gmtime_r(&tt, &b);
    day_words(to, end, sizeof(end));
    if (from == to)
        snprintf(buf, n, "%s", end);
    else if (a.tm_year != b.tm_year)
        snprintf(buf, n, "%d %s %d – %s", a.tm_mday, months[a.tm_mon],
                 a.tm_year + 1900, end);
    else if (a.tm_mon != b.tm_mon)
        snprintf(buf, n, "%d %s – %s", a.tm_mday, months[a.tm_mon], end);
    else
        snprintf(buf, n, "%d – %s", a.tm_mday, end);
}

static void num(int64_t v, char *buf, size_t n)
{
    chart_thousands((double)v, buf, n);
}

/* The change of now against prev ("+12%", "−5%", "" when none can be
 * said) into buf. */
static void change(int has_prev, int64_t now, int64_t prev, char *buf,
                   size_t n)
{
    double ch;

    if (!has_prev || prev <= 0) {
        snprintf(buf, n, "%s", "");
        return;
    }
    ch = 100.0 * (double)(now - prev) / (double)prev;
    snprintf(buf, n, "%s%.0f%%", ch >= 0 ? "+" : "−", ch >= 0 ? ch : -ch);
}

void digest_subject(const struct digest *d, char *buf, size_t n)
{
    const struct report_index *x = &d->data->index;
    int32_t days = x->to - x->from + 1;
    char when[96], v[32], ch[32];

    if (days == 7)
        snprintf(when, sizeof(when), "this week");
    else if (days == 1)
        day_words(x->to, when + snprintf(when, sizeof(when), "on "),
                  sizeof(when) - 3);
    else
        snprintf(when, sizeof(when), "these %d days", days);
    num(x->views, v, sizeof(v));
    change(x->has_prev, x->views, x->prev_views, ch, sizeof(ch));
    snprintf(buf, n, "Your blog %s: %s view%s%s%s%s", when, v,
             x->views == 1 ? "" : "s", *ch ? " (" : "", ch, *ch ? ")" : "");
}

/* ---- the parts ------------------------------------------------------------ */

static const char *post_name(const char *title, const char *path)
{
    return title && *title ? title : path;
}

static void put_text(FILE *f, const struct digest *d,
                     const struct digest_mail *m)
{
    const struct report_index *x = &d->data->index;
    const struct report_dim_table *feeds = &x->dims.t[DIM_FEED];
    char range[128], a[32], b[32], c[32];

    range_words(x->from, x->to, range, sizeof(range));
    fprintf(f, "%s, %s\n\n", m->site_name && *m->site_name ? m->site_name
                                                            : "Your blog",
            range);
    num(x->views, a, sizeof(a));
    change(x->has_prev, x->views, x->prev_views, c, sizeof(c));
    num(x->prev_views, b, sizeof(b));
    fprintf(f, "Views     %10s", a);
    if (*c)
        fprintf(f, "   %s against the %d days before (%s)", c,
                x->to - x->from + 1, b);
    num(x->visitors, a, sizeof(a));
    change(x->has_prev, x->visitors, x->prev_visitors, c, sizeof(c));
    fprintf(f, "\nVisitors  %10s%s%s\n", a, *c ? "   " : "", c);
    num(x->visits, a, sizeof(a));
    fprintf(f, "Visits    %10s\n", a);
    if (x->nposts) {
        fputs("\nTop posts\n", f);
        for (size_t i = 0; i < x->nposts && i < DIGEST_TOP_POSTS; i++) {
            num(x->posts[i].views, a, sizeof(a));
            fprintf(f, "%3zu. %s  %s\n", i + 1,
                    post_name(x->posts[i].title, x->posts[i].path), a);
        }
    }
    if (d->ntrend) {
        fputs("\nTrending\n", f);
        for (size_t i = 0; i < d->ntrend; i++) {
            num(d->trend[i].views, a, sizeof(a));
            num(d->trend[i].usual, b, sizeof(b));
            fprintf(f, "     %s  %s views, usually %s a week\n",
                    post_name(d->trend[i].title, d->trend[i].path), a, b);
        }
    }
    if (d->nrefs) {
        fputs("\nNew referring sites\n", f);
        for (size_t i = 0; i < d->nrefs; i++) {
            num(d->refs[i].views, a, sizeof(a));
            fprintf(f, "     %s  %s view%s\n", d->refs[i].host, a,
                    d->refs[i].views == 1 ? "" : "s");
        }
    }
    if (feeds->n) {
        fputs("\nFeed subscribers\n", f);
        for (size_t i = 0; i < feeds->n && i < DIGEST_FEEDS; i++) {
            num(feeds->rows[i].subscribers, a, sizeof(a));
            fprintf(f, "     %s  %s\n", feeds->rows[i].k[0], a);
        }
    }
    fputs("\n-- \nblogstat " BLOGSTAT_VERSION
          ", from the web server's access logs\n", f);
}

/* The styles of the mail's HTML: inline, as mail clients keep them. */
#define S_BODY "margin:0;padding:16px;background:#f5f7fa;color:#1d2330;" \
               "font:15px/1.5 -apple-system,'Segoe UI',Roboto,Arial," \
               "sans-serif"
#define S_BOX "background:#ffffff;border:1px solid #e3e6ec;" \
              "border-radius:8px;padding:14px 16px;margin:0 0 14px 0"
#define S_H2 "font-size:16px;margin:0 0 8px 0;color:#1d2330"
#define S_TD "padding:5px 6px;border-bottom:1px solid #e3e6ec;" \
             "vertical-align:top"
#define S_NUM S_TD ";text-align:right;white-space:nowrap"
#define S_LABEL "color:#5b6475;font-size:12px;text-transform:uppercase;" \
                "letter-spacing:.04em"
#define S_BIG "font-size:26px;font-weight:700;line-height:1.2"

static void html_card(FILE *f, const char *label, int64_t v, const char *ch,
                      int width)
{
    char a[32];

    num(v, a, sizeof(a));
    fprintf(f, "<td width=\"%d%%\" style=\"" S_BOX ";margin:0\">"
               "<div style=\"" S_LABEL "\">%s</div>"
               "<div style=\"" S_BIG "\">%s</div>"
               "<div style=\"color:%s;font-size:13px\">%s&nbsp;</div></td>",
            width, label, a, *ch == '+' ? "#117733" : "#b2182b", ch);
}

/* A section's start: its box and heading. */
static void html_box(FILE *f, const char *head)
{
    fprintf(f, "<div style=\"" S_BOX "\"><h2 style=\"" S_H2 "\">%s</h2>"
               "<table role=\"presentation\" width=\"100%%\" "
               "cellspacing=\"0\" cellpadding=\"0\" "
               "style=\"border-collapse:collapse\">\n", head);
}

static void html_row(FILE *f, const char *text, const char *small,
                     int64_t v, const char *after)
{
    char a[32];

    num(v, a, sizeof(a));
    fputs("<tr><td style=\"" S_TD ";word-break:break-word\">", f);
    html_escape(f, text);
    if (small && *small) {
        fputs("<br><span style=\"color:#5b6475;font-size:12px\">", f);
        html_escape(f, small);
        fputs("</span>", f);
    }
    fprintf(f, "</td><td style=\"" S_NUM "\">%s%s</td></tr>\n", a, after);
}

static void put_html(FILE *f, const struct digest *d,
                     const struct digest_mail *m, int has_chart)
{
    const struct report_index *x = &d->data->index;
    const struct report_dim_table *feeds = &x->dims.t[DIM_FEED];
    const char *name = m->site_name && *m->site_name ? m->site_name
                                                      : "Your blog";
    char range[128], ch[32], after[128];

    range_words(x->from, x->to, range, sizeof(range));
    fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width\">"
          "<title>", f);
    html_escape(f, name);
    fprintf(f, "</title></head>\n<body style=\"" S_BODY "\">\n"
               "<div style=\"max-width:640px;margin:0 auto\">\n"
               "<h1 style=\"font-size:20px;margin:0 0 2px 0\">");
    html_escape(f, name);
    fputs("</h1><p style=\"color:#5b6475;margin:0 0 14px 0\">", f);
    html_escape(f, range);
    fputs("</p>\n<table role=\"presentation\" width=\"100%\" "
          "cellspacing=\"8\" cellpadding=\"0\" style=\"margin:0 -8px 6px "
          "-8px\"><tr>", f);
    change(x->has_prev, x->views, x->prev_views, ch, sizeof(ch));
    html_card(f, "Views", x->views, ch, 34);
    change(x->has_prev, x->visitors, x->prev_visitors, ch, sizeof(ch));
    html_card(f, "Visitors", x->visitors, ch, 33);
    html_card(f, "Visits", x->visits, "", 33);
    fputs("</tr></table>\n", f);
    if (has_chart)
        fprintf(f, "<div style=\"" S_BOX "\"><img src=\"cid:daily@blogstat\" "
                   "width=\"%d\" alt=\"Views and visitors per day\" "
                   "style=\"display:block;width:100%%;max-width:%dpx;"
                   "height:auto\"></div>\n", CHART_W, CHART_W);
    if (x->nposts) {
        html_box(f, "Top posts");
        for (size_t i = 0; i < x->nposts && i < DIGEST_TOP_POSTS; i++)
            html_row(f, post_name(x->posts[i].title, x->posts[i].path),
                     *x->posts[i].title ? x->posts[i].path : NULL,
                     x->posts[i].views, "");
        fputs("</table></div>\n", f);
    }
    if (d->ntrend) {
        html_box(f, "Trending");
        for (size_t i = 0; i < d->ntrend; i++) {
            char u[32];

            num(d->trend[i].usual, u, sizeof(u));
            snprintf(after, sizeof(after),
                     "<br><span style=\"color:#5b6475;font-size:12px\">"
                     "usually %s</span>", u);
            html_row(f, post_name(d->trend[i].title, d->trend[i].path),
                     NULL, d->trend[i].views, after);
        }
        fputs("</table></div>\n", f);
    }
    if (d->nrefs) {
        html_box(f, "New referring sites");
        for (size_t i = 0; i < d->nrefs; i++)
            html_row(f, d->refs[i].host, NULL, d->refs[i].views, "");
        fputs("</table></div>\n", f);
    }
    if (feeds->n) {
        html_box(f, "Feed subscribers");
        for (size_t i = 0; i < feeds->n && i < DIGEST_FEEDS; i++)
            html_row(f, feeds->rows[i].k[0], NULL,
                     feeds->rows[i].subscribers, "");
        fputs("</table></div>\n", f);
    }
    fputs("<p style=\"color:#5b6475;font-size:12px;text-align:center\">"
          "blogstat " BLOGSTAT_VERSION ", from the web server's access logs"
          " — no tracking script, no cookie.</p>\n</div></body></html>\n",
          f);
}

/* ---- MIME ----------------------------------------------------------------- */

/* bytes as base64 lines of 76 characters. */
static void put_base64(FILE *f, const unsigned char *p, size_t n)
{
    char line[80];

    for (size_t i = 0; i < n; i += 57) {
        size_t k = n - i < 57 ? n - i : 57;

        sodium_bin2base64(line, sizeof(line), p + i, k,
                          sodium_base64_VARIANT_ORIGINAL);
        fprintf(f, "%s\r\n", line);
    }
}

/* A header's text: as it is when plain ASCII, else RFC 2047 words. */
static void put_header_text(FILE *f, const char *s)
{
    size_t n = strlen(s);
    int plain = 1;

    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] >= 0x7f || (unsigned char)s[i] < 0x20)
            plain = 0;
    if (plain) {
        fputs(s, f);
        return;
    }
    /* Words of at most 45 bytes, cut between characters. */
    for (size_t i = 0; i < n;) {
        size_t k = n - i > 45 ? utf8_trim_partial(s + i, 45) : n - i;
        char w[80];

        if (k == 0)
            k = n - i > 45 ? 45 : n - i;
        sodium_bin2base64(w, sizeof(w), (const unsigned char *)s + i, k,
                          sodium_base64_VARIANT_ORIGINAL);
        fprintf(f, "%s=?UTF-8?B?%s?=", i ? "\r\n " : "", w);
        i += k;
    }
}

/* An address fit for a header: 0, or -1 with err. */
static int check_addr(const char *a, const char *what, struct bs_err *err)
{
    if (!a)
        return 0;
    if (!*a || strlen(a) > 254 || strpbrk(a, "\r\n") || !strchr(a, '@'))
        return bs_fail(err, BS_USAGE, "bad %s address '%.80s': one address "
                       "with an '@' on one line", what, a);
    return 0;
}

/* The day chart of d drawn into a scratch folder and read back as PNG
 * bytes (NULL, *n 0 when there is no day to draw): -1 with err. */
static int chart_png(const struct digest *d, const char *tmpdir,
                     unsigned char **png, size_t *n, struct bs_err *err)
{
    const struct report_index *x = &d->data->index;
    const char *base = tmpdir ? tmpdir : getenv("TMPDIR");
    char dir[4096], file[4200];
    double *v, *vis;
    struct chart_daily cd;
    struct atomic_dir *ad;
    FILE *f;
    long len;
    int rc;

    *png = NULL;
    *n = 0;
    if (x->ndays == 0)
        return 0;
    snprintf(dir, sizeof(dir), "%s/blogstat-digest.XXXXXX",
             base && *base ? base : "/tmp");
    if (!mkdtemp(dir))
        return bs_fail(err, BS_CANTCREAT, "cannot make a folder in '%s' "
                       "for the chart: %s", base && *base ? base : "/tmp",
                       strerror(errno));
    v = xcalloc(x->ndays, sizeof(*v));
    vis = xcalloc(x->ndays, sizeof(*vis));
    for (size_t i = 0; i < x->ndays; i++) {
        v[i] = x->days[i].views < 0 ? -1 : (double)x->days[i].views;
        vis[i] = x->days[i].views < 0 ? -1 : (double)x->days[i].visitors;
    }
    cd = (struct chart_daily){x->days[0].day, x->ndays, v, vis, "Views",
                              "Visitors", x->has_partial};
    rc = (ad = atomic_dir_open(dir, err)) &&
                 chart_daily_write(ad, "daily", &cd, CHART_W, CHART_H,
                                   CHART_PNG, err) == 0
             ? 0
             : -1;
    atomic_dir_close(ad);
    free(v);
    free(vis);
    snprintf(file, sizeof(file), "%s/daily.png", dir);
    if (rc == 0 && (f = fopen(file, "rb"))) {
        if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) > 0 &&
            fseek(f, 0, SEEK_SET) == 0) {
            *png = xmalloc((size_t)len);
            if (fread(*png, 1, (size_t)len, f) == (size_t)len)
                *n = (size_t)len;
        }
        fclose(f);
        if (!*n)
            rc = bs_fail(err, BS_IOERR, "cannot read the chart '%s'", file);
    }
    unlink(file);
    rmdir(dir);
    if (rc) {
        free(*png);
        *png = NULL;
        *n = 0;
    }
    return rc;
}

/* A part of text made by fn, base64. */
static void put_part(FILE *f, const char *type,
                     void (*fn)(FILE *, const struct digest *,
                                const struct digest_mail *, int),
                     const struct digest *d, const struct digest_mail *m,
                     int flag)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *mem = open_memstream(&buf, &n);

    if (!mem)
        BUG("open_memstream: %s", strerror(errno));
    fn(mem, d, m, flag);
    if (fclose(mem) != 0)
        BUG("a mail part in memory: %s", strerror(errno));
    fprintf(f, "Content-Type: %s; charset=utf-8\r\n"
               "Content-Transfer-Encoding: base64\r\n\r\n", type);
    put_base64(f, (const unsigned char *)buf, n);
    free(buf);
}

static void text_part(FILE *f, const struct digest *d,
                      const struct digest_mail *m, int flag)
{
    (void)flag;
    put_text(f, d, m);
}

int digest_write(FILE *f, const struct digest *d, const struct digest_mail *m,
                 struct bs_err *err)
{
    unsigned char rnd[12], *png;
    char b1[40], b2[40], host[256] = "localhost", date[64], subject[256];
    size_t npng;
    time_t now = (time_t)m->now;
    struct tm tm;

    if (check_addr(m->to, "To", err) || check_addr(m->from, "From", err) ||
        chart_png(d, m->tmpdir, &png, &npng, err))
        return -1;
    randombytes_buf(rnd, sizeof(rnd));
    sodium_bin2hex(b1, sizeof(b1), rnd, sizeof(rnd));
    memcpy(b2, b1, sizeof(b1));
    b2[0] = b2[0] == 'a' ? 'b' : 'a';
    if (gethostname(host, sizeof(host)) != 0 || !*host ||
        strpbrk(host, "\r\n <>"))
        snprintf(host, sizeof(host), "localhost");
    gmtime_r(&now, &tm);
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
    digest_subject(d, subject, sizeof(subject));
    if (m->from)
        fprintf(f, "From: %s\r\n", m->from);
    else
        fprintf(f, "From: blogstat <blogstat@%s>\r\n", host);
    if (m->to)
        fprintf(f, "To: %s\r\n", m->to);
    fputs("Subject: ", f);
    put_header_text(f, subject);
    fprintf(f, "\r\nDate: %s\r\nMessage-ID: <%s.%lld@%s>\r\n"
               "MIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n"
               "Content-Type: multipart/alternative; boundary=\"%s\"\r\n"
               "\r\nThis is a MIME message: a text and an HTML part.\r\n"
               "\r\n--%s\r\n",
            date, b1, (long long)m->now, host, b1, b1);
    put_part(f, "text/plain", text_part, d, m, 0);
    fprintf(f, "\r\n--%s\r\nContent-Type: multipart/related; "
               "boundary=\"%s\"\r\n\r\n--%s\r\n", b1, b2, b2);
    put_part(f, "text/html", put_html, d, m, png != NULL);
    if (png) {
        fprintf(f, "\r\n--%s\r\nContent-Type: image/png\r\n"
                   "Content-Transfer-Encoding: base64\r\n"
                   "Content-ID: <daily@blogstat>\r\n"
                   "Content-Disposition: inline; filename=\"daily.png\"\r\n"
                   "\r\n", b2);
        put_base64(f, png, npng);
    }
    fprintf(f, "\r\n--%s--\r\n\r\n--%s--\r\n", b2, b1);
    free(png);
    if (fflush(f) != 0 || ferror(f))
        return bs_fail(err, BS_IOERR, "cannot write the mail: %s",
                       strerror(errno ? errno : EIO));
    return 0;
}
