/*
 * chart.c - the report's charts: cairo draws them, pango lays out their
 * text, and each is written as NAME.png at twice the CSS size and, when
 * a page links it, NAME.svg at the CSS size (its text as glyph outlines).
 *
 * Each thread's state: pango's default cairo font map (pango creates it
 * on first use, one per thread, and keeps it, and fontconfig its caches
 * under it), plus a measuring context, the font descriptions and the
 * widths of date labels, made on first use and kept until
 * chart_thread_cleanup(), so that no chart pays for loading fonts again.
 * Threads draw charts side by side, each with its own.
 */
#include "blogstat.h"
#include "ascii.h"
#include "chart.h"
#include "chart_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart_lib.h"

#define PI 3.14159265358979323846

/* ---- colours ------------------------------------------------------------ */

/*
 * Okabe & Ito's colour-blind safe palette: blue and orange for the two
 * series, a dark blue for the moving average (darker and thicker than the
 * line it smooths), then the palette's other colours.
 */
static const char *const colour_hex[] = {
    "#0072B2", "#E69F00", "#0B3C5D", "#009E73", "#CC79A7", "#56B4E9",
    "#D55E00"
};

#define C_BACKGROUND 0xFFFFFFu
#define C_TEXT 0x1F2937u      /* labels */
#define C_MUTED 0x6B7280u     /* tick labels, "No data" */
#define C_GRID 0xE8EAEDu
#define C_AXIS 0xB8BEC6u      /* the zero line and the date ticks */
#define C_WEEKEND 0xF2F4F7u

const char *chart_colour(int i)
{
    size_t n = ARRAY_SIZE(colour_hex);

    if (i < 0)
        i = 0;
    return colour_hex[(size_t)i % n];
}

static uint32_t colour_rgb(int i)
{
    return (uint32_t)strtoul(chart_colour(i) + 1, NULL, 16);
}

static void set_colour(cairo_t *cr, uint32_t rgb, double alpha)
{
    gfx.cairo_set_source_rgba(cr, (rgb >> 16 & 0xff) / 255.0,
                              (rgb >> 8 & 0xff) / 255.0, (rgb & 0xff) / 255.0,
                              alpha);
}

/* ---- text --------------------------------------------------------------- */

enum font_id { FONT_SMALL, FONT_LABEL, FONT_COUNT };
static const int font_px[FONT_COUNT] = {11, 12};

/* Of a label, at most this many bytes are laid out: more would be
 * ellipsized anyway, and a hostile 1 MB title must stay cheap. */
#define TEXT_MAX 600

void chart_context_setup(PangoContext *pc)
{
    cairo_font_options_t *o = gfx.cairo_font_options_create();

    /*
     * Unhinted metrics and unrounded positions: text measures the same
     * for the 2x PNG, the 1x SVG and the layout code that sizes the plot.
     */
    gfx.cairo_font_options_set_hint_metrics(o, CAIRO_HINT_METRICS_OFF);
    gfx.cairo_font_options_set_hint_style(o, CAIRO_HINT_STYLE_NONE);
    gfx.cairo_font_options_set_antialias(o, CAIRO_ANTIALIAS_GRAY);
    gfx.pango_cairo_context_set_font_options(pc, o);
    gfx.cairo_font_options_destroy(o);
    gfx.pango_context_set_round_glyph_positions(pc, FALSE);
}

/* The thread's text state: made on first use, freed by
 * chart_thread_cleanup(). */
static _Thread_local PangoFontDescription *font_desc[FONT_COUNT];
static _Thread_local PangoContext *measure_pc;

static const PangoFontDescription *font(enum font_id id)
{
    if (!font_desc[id]) {
        font_desc[id] = gfx.pango_font_description_from_string("DejaVu Sans");
        gfx.pango_font_description_set_absolute_size(
            font_desc[id], font_px[id] * PANGO_SCALE);
    }
    return font_desc[id];
}

/* A context for measuring text outside a drawing. */
static PangoContext *measure_context(void)
{
    if (!measure_pc) {
        measure_pc = gfx.pango_font_map_create_context(
            gfx.pango_cairo_font_map_get_default());
        chart_context_setup(measure_pc);
    }
    return measure_pc;
}

void chart_thread_cleanup(void)
{
    if (!chart_lib_loaded())
        return;
    for (size_t i = 0; i < ARRAY_SIZE(font_desc); i++) {
        gfx.pango_font_description_free(font_desc[i]);
        font_desc[i] = NULL;
    }
    if (measure_pc)
        gfx.g_object_unref(measure_pc);
    measure_pc = NULL;
    chart_out_thread_cleanup();
    gfx.pango_cairo_font_map_set_default(NULL);
}

void chart_cleanup(void)
{
    if (!chart_lib_loaded())
        return;
    chart_thread_cleanup();
    gfx.cairo_debug_reset_static_data();
}

/* A layout of s (sanitized, cut to TEXT_MAX bytes) in font id, ellipsized
 * at max_w when max_w > 0. Caller unrefs. */
static PangoLayout *layout_new(PangoContext *pc, enum font_id id,
                               const char *s, double max_w)
{
    char buf[TEXT_MAX * 3 + 4];
    size_t n = s ? strnlen(s, TEXT_MAX) : 0;
    PangoLayout *l = gfx.pango_layout_new(pc);

    if (n)
        n = utf8_trim_partial(s, n);
    utf8_sanitize(s ? s : "", n, buf, sizeof(buf));
    gfx.pango_layout_set_font_description(l, font(id));
    gfx.pango_layout_set_single_paragraph_mode(l, TRUE);
    if (max_w > 0) {
        gfx.pango_layout_set_width(l, (int)(max_w * PANGO_SCALE));
        gfx.pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
    }
    gfx.pango_layout_set_text(l, buf, -1);
    return l;
}

static double layout_width(PangoLayout *l)
{
    PangoRectangle r;

    gfx.pango_layout_get_extents(l, NULL, &r);
    return (double)r.width / PANGO_SCALE;
}

static double text_width(enum font_id id, const char *s)
{
    PangoLayout *l;
    double w;

    /* Measured before a chart is drawn (chart_bars_frame()), the
     * libraries are opened here; without them a guess, 0.6 em a
     * character, and chart_write() says what is missing. */
    if (chart_lib_load(NULL) < 0)
        return 0.6 * font_px[id] * (double)(s ? strnlen(s, TEXT_MAX) : 0);
    l = layout_new(measure_context(), id, s, 0);
    w = layout_width(l);

    gfx.g_object_unref(l);
    return w;
}

enum align { ALIGN_LEFT, ALIGN_CENTRE, ALIGN_RIGHT };

/*
 * Draw l aligned at x, with the middle of its capitals at y (DejaVu's
 * capitals are 0.73 em high), so that numbers sit centred on grid lines.
 * Returns the left edge it was drawn at.
 */
static double layout_draw(cairo_t *cr, PangoLayout *l, enum font_id id,
                          double x, double y, enum align al, uint32_t rgb)
{
    PangoRectangle r;
    double w, base = (double)gfx.pango_layout_get_baseline(l) / PANGO_SCALE;

    gfx.pango_layout_get_extents(l, NULL, &r);
    w = (double)r.width / PANGO_SCALE;
    if (al == ALIGN_CENTRE)
        x -= w / 2;
    else if (al == ALIGN_RIGHT)
        x -= w;
    set_colour(cr, rgb, 1);
    gfx.cairo_move_to(cr, x - (double)r.x / PANGO_SCALE,
                      y - base + 0.365 * font_px[id]);
    gfx.pango_cairo_show_layout(cr, l);
    return x;
}

/* ---- drawing helpers ---------------------------------------------------- */

/* A coordinate on the middle of a CSS pixel: a 1 px line there is crisp
 * at 1x and at 2x. */
static double snap(double v)
{
    return floor(v) + 0.5;
}

static void fill_background(struct canvas *cv)
{
    set_colour(cv->cr, C_BACKGROUND, 1);
    gfx.cairo_paint(cv->cr);
}

static void hline(cairo_t *cr, double x0, double x1, double y, uint32_t rgb)
{
    set_colour(cr, rgb, 1);
    gfx.cairo_set_line_width(cr, 1);
    gfx.cairo_move_to(cr, x0, snap(y));
    gfx.cairo_line_to(cr, x1, snap(y));
    gfx.cairo_stroke(cr);
}

/* A legend: coloured swatches and their labels in a row from x, centred on
 * y. A swatch is a line (thickness lw) or, with lw 0, a square. */
struct legend_item {
    const char *label;
    uint32_t rgb;
    double lw;                /* a line this wide; 0: a filled square; < 0:
                               * an open dot, its line -lw wide */
};

/* An ellipsized legend label keeps room for a letter and the ellipsis. */
static double legend_w(double w)
{
    return w < 8 ? 8 : w;
}

static void draw_legend(struct canvas *cv, const struct legend_item *it,
                        size_t n, double x, double y)
{
    cairo_t *cr = cv->cr;
    double room = 0, share = (cv->w - x - 4) / (double)(n ? n : 1);

    /* Each label as long as it is when all fit, else an equal share. */
    for (size_t i = 0; i < n; i++)
        room += (it[i].lw > 0 ? 16 : 10) + 6 +
                text_width(FONT_LABEL, it[i].label) + 16;
    if (room <= cv->w - x)
        share = 0;
    for (size_t i = 0; i < n; i++) {
        double sw = it[i].lw > 0 ? 16 : 10;
        PangoLayout *l = layout_new(cv->pc, FONT_LABEL, it[i].label,
                                    share > 0 ? legend_w(share - sw - 22) : 0);

        set_colour(cr, it[i].rgb, 1);
        if (it[i].lw < 0) {
            gfx.cairo_new_sub_path(cr);
            gfx.cairo_arc(cr, x + 5, y, 3.5, 0, 2 * PI);
            gfx.cairo_set_line_width(cr, -it[i].lw);
            gfx.cairo_stroke(cr);
        } else if (it[i].lw > 0) {
            gfx.cairo_set_line_width(cr, it[i].lw);
            gfx.cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
            gfx.cairo_move_to(cr, x + 1, y);
            gfx.cairo_line_to(cr, x + sw - 1, y);
            gfx.cairo_stroke(cr);
        } else {
            gfx.cairo_rectangle(cr, x, y - 5, 10, 10);
            gfx.cairo_fill(cr);
        }
        x += sw + 6;
        layout_draw(cr, l, FONT_LABEL, x, y, ALIGN_LEFT, C_TEXT);
        x += layout_width(l) + 16;
        gfx.g_object_unref(l);
    }
}

static void draw_no_data(struct canvas *cv, double x, double y)
{
    PangoLayout *l = layout_new(cv->pc, FONT_LABEL, "No data", 0);

    layout_draw(cv->cr, l, FONT_LABEL, x, y, ALIGN_CENTRE, C_MUTED);
    gfx.g_object_unref(l);
}

/* The x and y of point i of a series, for the daily chart and sparks. */
struct mapping {
    double x0, dx;            /* x of point i: x0 + i * dx */
    double y0, ky;            /* y of value v: y0 - v * ky */
};

static double map_x(const struct mapping *m, size_t i)
{
    return m->x0 + (double)i * m->dx;
}

static double map_y(const struct mapping *m, double v)
{
    return m->y0 - v * m->ky;
}

/*
 * A series as a line that breaks where there is no value, with a dot for
 * a value that has no neighbour, and optionally the area under each run
 * of values filled at fill_alpha.
 */
static void draw_series(cairo_t *cr, const struct mapping *m,
                        const double *v, size_t n, uint32_t rgb, double lw,
                        double fill_alpha)
{
    if (fill_alpha > 0) {
        for (size_t i = 0; i < n; i++) {
            size_t j = i;

            if (!chart_has_value(v, i))
                continue;
            while (j + 1 < n && chart_has_value(v, j + 1))
                j++;
            if (j > i) {
                gfx.cairo_move_to(cr, map_x(m, i), m->y0);
                for (size_t k = i; k <= j; k++)
                    gfx.cairo_line_to(cr, map_x(m, k), map_y(m, v[k]));
                gfx.cairo_line_to(cr, map_x(m, j), m->y0);
                gfx.cairo_close_path(cr);
            }
            i = j;
        }
        set_colour(cr, rgb, fill_alpha);
        gfx.cairo_fill(cr);
    }
    for (size_t i = 0; i < n; i++) {
        if (!chart_has_value(v, i))
            continue;
        if (i > 0 && chart_has_value(v, i - 1))
            gfx.cairo_line_to(cr, map_x(m, i), map_y(m, v[i]));
        else
            gfx.cairo_move_to(cr, map_x(m, i), map_y(m, v[i]));
    }
    set_colour(cr, rgb, 1);
    gfx.cairo_set_line_width(cr, lw);
    gfx.cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    gfx.cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    gfx.cairo_stroke(cr);
    for (size_t i = 0; i < n; i++) {
        if (!chart_has_value(v, i) || (i > 0 && chart_has_value(v, i - 1)) ||
            (i + 1 < n && chart_has_value(v, i + 1)))
            continue;
        gfx.cairo_new_sub_path(cr);
        gfx.cairo_arc(cr, map_x(m, i), map_y(m, v[i]), lw + 1.5, 0, 2 * PI);
    }
    gfx.cairo_fill(cr);
}

/*
 * The last of n values, a day still being written: a dashed line from the
 * day before and an open dot, so that its low count does not read as a
 * fall.
 */
static void draw_partial(cairo_t *cr, const struct mapping *m,
                         const double *v, size_t n, uint32_t rgb, double lw)
{
    static const double dash[] = {4, 3};
    size_t i = n - 1;

    if (!chart_has_value(v, i))
        return;
    set_colour(cr, rgb, 1);
    gfx.cairo_set_line_width(cr, lw);
    if (i > 0 && chart_has_value(v, i - 1)) {
        gfx.cairo_set_dash(cr, dash, 2, 0);
        gfx.cairo_move_to(cr, map_x(m, i - 1), map_y(m, v[i - 1]));
        gfx.cairo_line_to(cr, map_x(m, i), map_y(m, v[i]));
        gfx.cairo_stroke(cr);
        gfx.cairo_set_dash(cr, NULL, 0, 0);
    }
    gfx.cairo_new_sub_path(cr);
    gfx.cairo_arc(cr, map_x(m, i), map_y(m, v[i]), lw + 2, 0, 2 * PI);
    set_colour(cr, C_BACKGROUND, 1);
    gfx.cairo_fill_preserve(cr);
    set_colour(cr, rgb, 1);
    gfx.cairo_stroke(cr);
}

/* ---- the daily chart ---------------------------------------------------- */

/* Layout of the daily chart (CSS pixels). */
#define D_TOP 34.0            /* legend row above the plot */
#define D_BOTTOM 36.0         /* date labels: two rows below the plot */
#define D_LEFT_PAD 4.0
#define D_RIGHT_PAD 12.0
#define D_LABEL_GAP 8.0       /* between y labels and the plot */
#define D_TICK_GAP 7.0        /* the least space between two date labels */
#define D_WEEKEND_MIN 4.0     /* px per day under which weekend bands
                               * would only stripe the chart */
#define D_DENSE 4.0           /* px per day under which lines are thinner */
#define D_MAX_LABELS 512

static double daily_max(const struct chart_daily *c)
{
    double max = 0;

    for (size_t i = 0; i < c->ndays; i++) {
        if (chart_has_value(c->views, i) && c->views[i] > max)
            max = c->views[i];
        if (chart_has_value(c->second, i) && c->second[i] > max)
            max = c->second[i];
    }
    return max;
}

/* The y step: views are counts, so never less than 1. */
static double daily_step(double max, double plot_h)
{
    int n = (int)(plot_h / 36);
    double step;

    n = n < 2 ? 2 : n > 5 ? 5 : n;
    step = chart_tick_step(max, n);
    return step < 1 ? 1 : step;
}

void chart_daily_frame(const struct chart_daily *c, int width, int height,
                       struct chart_frame *f)
{
    double w = chart_clamp_px(width), h = chart_clamp_px(height);
    double max = daily_max(c), step, label_w = 0;

    f->ndays = c->ndays;
    f->y = D_TOP;
    f->h = h - D_TOP - D_BOTTOM;
    if (f->h < 8)
        f->h = 8;
    step = daily_step(max, f->h);
    f->vmax = chart_axis_top(max, step);
    /* Room for the widest y label: ticks are few, measure them all. */
    for (int k = 0; k * step <= f->vmax + step / 2; k++) {
        double t = k * step;
        char buf[64];
        double tw;

        chart_thousands(t, buf, sizeof(buf));
        tw = text_width(FONT_SMALL, buf);
        if (tw > label_w)
            label_w = tw;
    }
    f->x = ceil(D_LEFT_PAD + label_w + D_LABEL_GAP);
    f->w = w - f->x - D_RIGHT_PAD;
    if (f->w < 8)
        f->w = 8;
}

double chart_x(const struct chart_frame *f, size_t i)
{
    double n = f->ndays ? (double)f->ndays : 1;

    return f->x + ((double)i + 0.5) * f->w / n;
}

double chart_y(const struct chart_frame *f, double v)
{
    if (!(v > 0))
        v = 0;
    if (v > f->vmax)
        v = f->vmax;
    return f->y + f->h - v / f->vmax * f->h;
}

/* What both renderings of a daily chart share, computed once. */
struct daily_job {
    const struct chart_daily *c;
    struct chart_frame f;
    double step;
    double *avg;
    int any;                  /* some day has data */
    int any_avg;              /* some day has an average */
    size_t nfull;             /* days drawn solid: all, or all but a last
                               * day still being written */
    int32_t ticks[D_MAX_LABELS];
    size_t nticks;
    enum tick_kind kind;
};

/* The widths of the parts of date labels, measured once: they depend on
 * the font only. */
static const struct tick_px *date_label_px(void)
{
    static _Thread_local struct tick_px tp;

    if (tp.year == 0) {
        for (unsigned d = 1; d < ARRAY_SIZE(tp.day); d++) {
            char buf[8];

            snprintf(buf, sizeof(buf), "%u", d);
            tp.day[d] = text_width(FONT_SMALL, buf);
        }
        for (size_t m = 0; m < ARRAY_SIZE(month_abbr); m++)
            tp.month[m] = text_width(FONT_SMALL, month_abbr[m]);
        /* " " alone measures as its advance, as it does between words. */
        tp.space = text_width(FONT_SMALL, "1 1") - 2 * tp.day[1];
        tp.gap = D_TICK_GAP;
        tp.year = text_width(FONT_SMALL, "2000");
    }
    return &tp;
}

static void draw_weekends(struct canvas *cv, const struct daily_job *job)
{
    const struct chart_frame *f = &job->f;
    double dx = f->w / (double)f->ndays;
    int any = 0;

    if (dx < D_WEEKEND_MIN)
        return;
    /* Shading says "this is a weekend" only next to weekdays. */
    for (size_t i = 0; i < f->ndays && !any; i++)
        any = chart_weekday(job->c->day0 + (int32_t)i) < 5;
    if (!any)
        return;
    any = 0;
    /* One rectangle per weekend, so no seam shows between its days. */
    for (size_t i = 0; i < f->ndays; i++) {
        size_t j = i;

        if (chart_weekday(job->c->day0 + (int32_t)i) < 5)
            continue;
        while (j + 1 < f->ndays && chart_weekday(job->c->day0 + (int32_t)j + 1) >= 5)
            j++;
        gfx.cairo_rectangle(cv->cr, chart_x(f, i) - dx / 2, f->y,
                            (double)(j - i + 1) * dx, f->h);
        any = 1;
        i = j;
    }
    if (any) {
        set_colour(cv->cr, C_WEEKEND, 1);
        gfx.cairo_fill(cv->cr);
    }
}

static void draw_y_axis(struct canvas *cv, const struct daily_job *job)
{
    const struct chart_frame *f = &job->f;

    for (int k = 0; k * job->step <= f->vmax + job->step / 2; k++) {
        double t = k * job->step;
        char buf[64];
        PangoLayout *l;
        double y = chart_y(f, t);

        hline(cv->cr, f->x, f->x + f->w, y, t == 0 ? C_AXIS : C_GRID);
        chart_thousands(t, buf, sizeof(buf));
        l = layout_new(cv->pc, FONT_SMALL, buf, 0);
        layout_draw(cv->cr, l, FONT_SMALL, f->x - D_LABEL_GAP, snap(y),
                    ALIGN_RIGHT, C_MUTED);
        gfx.g_object_unref(l);
    }
}

/* The left edge of a label w wide centred on cx, pulled inside the
 * canvas (width) with a 2 px margin. */
static double label_left(double cx, double w, double width)
{
    double x = cx - w / 2;

    if (x + w > width - 2)
        x = width - 2 - w;
    return x < 2 ? 2 : x;
}

/*
 * Date labels on one row, with the year on a second row under the first
 * label and wherever the year changes ("Jan" over "2014"). Labels at the
 * ends are pulled inside the chart; one that would then touch its
 * neighbour is left out, so labels never overlap.
 */
static void draw_x_axis(struct canvas *cv, const struct daily_job *job)
{
    const struct chart_frame *f = &job->f;
    double row1 = f->y + f->h + 13, row2 = row1 + 14;
    double right = -HUGE_VAL;
    int last_year = 0, drawn = 0;

    for (size_t k = 0; k < job->nticks; k++) {
        int32_t day = job->ticks[k];
        double cx = chart_x(f, (size_t)(day - job->c->day0)), w, lx;
        char buf[32], ybuf[16];
        PangoLayout *l;
        int y;
        unsigned m, d;

        civil_from_days(day, &y, &m, &d);
        if (job->kind <= TICK_WEEK2)
            snprintf(buf, sizeof(buf), "%u %s", d, month_abbr[m - 1]);
        else if (job->kind <= TICK_QUARTER)
            snprintf(buf, sizeof(buf), "%s", month_abbr[m - 1]);
        else
            snprintf(buf, sizeof(buf), "%d", y);
        l = layout_new(cv->pc, FONT_SMALL, buf, 0);
        w = layout_width(l);
        lx = label_left(cx, w, cv->w);
        if (lx < right + 4) {
            gfx.g_object_unref(l);
            continue;
        }
        set_colour(cv->cr, C_AXIS, 1);
        gfx.cairo_set_line_width(cv->cr, 1);
        gfx.cairo_move_to(cv->cr, snap(cx), f->y + f->h);
        gfx.cairo_line_to(cv->cr, snap(cx), f->y + f->h + 4);
        gfx.cairo_stroke(cv->cr);
        layout_draw(cv->cr, l, FONT_SMALL, lx, row1, ALIGN_LEFT, C_MUTED);
        gfx.g_object_unref(l);
        right = lx + w;
        if (job->kind < TICK_YEAR && (!drawn || y != last_year)) {
            double yx;

            snprintf(ybuf, sizeof(ybuf), "%d", y);
            l = layout_new(cv->pc, FONT_SMALL, ybuf, 0);
            w = layout_width(l);
            yx = label_left(cx, w, cv->w);
            layout_draw(cv->cr, l, FONT_SMALL, yx, row2, ALIGN_LEFT,
                        C_TEXT);
            gfx.g_object_unref(l);
            if (yx + w > right)
                right = yx + w;
        }
        last_year = y;
        drawn = 1;
    }
}

static void draw_daily(struct canvas *cv, const void *arg)
{
    const struct daily_job *job = arg;
    const struct chart_daily *c = job->c;
    const struct chart_frame *f = &job->f;
    struct legend_item leg[4];
    struct mapping m;
    size_t nleg = 0;
    double lw;

    fill_background(cv);
    draw_weekends(cv, job);
    draw_y_axis(cv, job);
    draw_x_axis(cv, job);
    m.dx = f->w / (double)f->ndays;
    m.x0 = f->x + m.dx / 2;
    m.y0 = f->y + f->h;
    m.ky = f->h / f->vmax;
    lw = m.dx < D_DENSE ? 1 : 1.5;
    if (c->second)
        draw_series(cv->cr, &m, c->second, job->nfull, colour_rgb(1), lw, 0);
    draw_series(cv->cr, &m, c->views, job->nfull, colour_rgb(0), lw, 0.10);
    if (job->nfull < c->ndays) {
        if (c->second)
            draw_partial(cv->cr, &m, c->second, c->ndays, colour_rgb(1), lw);
        draw_partial(cv->cr, &m, c->views, c->ndays, colour_rgb(0), lw);
    }
    if (job->any_avg) {
        /* A white casing lifts the average off a busy daily line. */
        draw_series(cv->cr, &m, job->avg, c->ndays, C_BACKGROUND, 4.5, 0);
        draw_series(cv->cr, &m, job->avg, c->ndays, colour_rgb(2), 2.5, 0);
    }
    if (!job->any)
        draw_no_data(cv, f->x + f->w / 2, f->y + f->h / 2);

    leg[nleg].label = c->label ? c->label : "Views";
    leg[nleg].rgb = colour_rgb(0);
    leg[nleg++].lw = 2;
    if (c->second) {
        leg[nleg].label = c->second_label ? c->second_label : "";
        leg[nleg].rgb = colour_rgb(1);
        leg[nleg++].lw = 2;
    }
    if (job->nfull < c->ndays && chart_has_value(c->views, c->ndays - 1)) {
        leg[nleg].label = "so far";
        leg[nleg].rgb = colour_rgb(0);
        leg[nleg++].lw = -1.5;
    }
    if (job->any_avg) {
        leg[nleg].label = "7-day average";
        leg[nleg].rgb = colour_rgb(2);
        leg[nleg++].lw = 3;
    }
    draw_legend(cv, leg, nleg, D_LEFT_PAD + 2, 14);
}

int chart_daily_write(const struct atomic_dir *dir, const char *name,
                      const struct chart_daily *c, int width, int height,
                      enum chart_files files, struct bs_err *err)
{
    struct chart_daily dc = *c;
    struct daily_job *job;
    struct chart_job cj;
    int rc;

    width = chart_clamp_px(width);
    height = chart_clamp_px(height);
    if (dc.ndays > TICK_MAX_DAYS)
        dc.ndays = TICK_MAX_DAYS;
    /* No days or no values: one empty day, drawn as "No data". */
    if (dc.ndays == 0 || !dc.views) {
        dc.ndays = 1;
        dc.views = NULL;
        dc.second = NULL;
    }
    job = xcalloc(1, sizeof(*job));
    job->c = &dc;
    job->avg = xmalloc(dc.ndays * sizeof(*job->avg));
    job->nfull = dc.ndays;
    if (dc.partial_last && dc.views && dc.ndays > 0)
        job->nfull = dc.ndays - 1;
    chart_moving_average(dc.views, dc.ndays, job->avg);
    if (job->nfull < dc.ndays)
        job->avg[dc.ndays - 1] = -1;
    chart_daily_frame(&dc, width, height, &job->f);
    job->step = daily_step(daily_max(&dc), job->f.h);
    for (size_t i = 0; i < dc.ndays && !job->any; i++)
        job->any = chart_has_value(dc.views, i) || chart_has_value(dc.second, i);
    for (size_t i = 0; i < dc.ndays && !job->any_avg; i++)
        job->any_avg = job->avg[i] >= 0;
    job->nticks = chart_ticks(dc.day0, dc.ndays,
                             job->f.w / (double)dc.ndays, date_label_px(),
                             job->ticks, ARRAY_SIZE(job->ticks), &job->kind);
    cj.w = width;
    cj.h = height;
    cj.opaque = 1;
    cj.svg = files == CHART_PNG_SVG;
    cj.fn = draw_daily;
    cj.arg = job;
    rc = chart_write(dir, name, &cj, err);
    free(job->avg);
    free(job);
    return rc;
}

/* ---- bar charts --------------------------------------------------------- */

#define B_TOP 32.0            /* legend row */
#define B_ROW 28.0
#define B_BAR 18.0
#define B_BOTTOM 6.0
#define B_PAD 6.0
#define B_GAP 10.0            /* between the label column and the bars */
#define B_VALUE_GAP 6.0       /* between a bar and its value */

static double bar_part(double v)
{
    return isfinite(v) && v > 0 ? v : 0;
}

static double bar_total(const struct chart_bar *b)
{
    return bar_part(b->a) + bar_part(b->b);
}

/* A bar's value as its label says it: its total, or both segments
 * ("122 + 9") when it has two, so that it reads as the table beside. */
static void bar_value(const struct chart_bar *b, char *buf, size_t n)
{
    char a[28], s[28];

    if (bar_part(b->b) <= 0 || bar_part(b->a) <= 0) {
        chart_thousands(bar_total(b), buf, n);
        return;
    }
    chart_thousands(bar_part(b->a), a, sizeof(a));
    chart_thousands(bar_part(b->b), s, sizeof(s));
    snprintf(buf, n, "%s + %s", a, s);
}

static size_t bars_count(const struct chart_bars *c)
{
    size_t n = c->bars ? c->n : 0;

    return n > CHART_BARS_MAX ? CHART_BARS_MAX : n;
}

int chart_bars_height(size_t n)
{
    if (n > CHART_BARS_MAX)
        n = CHART_BARS_MAX;
    return (int)(B_TOP + (double)(n ? n : 1) * B_ROW + B_BOTTOM);
}

/* The widest total's label, and through it where the bars may end. */
static double value_width(const struct chart_bars *c)
{
    double w = 0;

    for (size_t i = 0; i < bars_count(c); i++) {
        char buf[64];
        double tw;

        bar_value(&c->bars[i], buf, sizeof(buf));
        tw = text_width(FONT_LABEL, buf);
        if (tw > w)
            w = tw;
    }
    return w;
}

/* The label column: as wide as the widest label, at most 40% of the
 * chart (longer labels are ellipsized). */
static double label_column(const struct chart_bars *c, double width)
{
    double cap = floor(0.4 * width) - B_PAD, w = 0;

    for (size_t i = 0; i < bars_count(c) && w < cap; i++) {
        double tw = text_width(FONT_LABEL, c->bars[i].label);

        if (tw > w)
            w = tw;
    }
    return ceil(w < cap ? w : cap);
}

void chart_bars_frame(const struct chart_bars *c, int width,
                      struct chart_bars_frame *f)
{
    double w = chart_clamp_px(width), avail, vw;

    f->x = B_PAD + label_column(c, w) + B_GAP;
    avail = w - B_PAD - f->x;
    vw = value_width(c) + B_VALUE_GAP;
    /* Values after the bars while that leaves the bars half the room;
     * in a narrower chart the longest bars carry theirs inside. */
    f->w = avail - vw >= avail / 2 ? avail - vw : avail;
    if (f->w < 1)
        f->w = 1;
    f->y = B_TOP;
    f->row_h = B_ROW;
    f->bar_h = B_BAR;
    f->max = 0;
    for (size_t i = 0; i < bars_count(c); i++)
        if (bar_total(&c->bars[i]) > f->max)
            f->max = bar_total(&c->bars[i]);
}

double chart_bar_end(const struct chart_bars_frame *f, double total)
{
    total = bar_part(total);
    if (f->max <= 0)
        return f->x;
    return f->x + f->w * (total > f->max ? f->max : total) / f->max;
}

double chart_bar_y(const struct chart_bars_frame *f, size_t i)
{
    return f->y + ((double)i + 0.5) * f->row_h;
}

struct bars_job {
    const struct chart_bars *c;
    struct chart_bars_frame f;
};

/* A bar from x0 to x1 with its far end rounded. */
static void bar_path(cairo_t *cr, double x0, double x1, double y, double h)
{
    double r = (x1 - x0) / 2 < 3 ? (x1 - x0) / 2 : 3;

    gfx.cairo_move_to(cr, x0, y);
    gfx.cairo_arc(cr, x1 - r, y + r, r, -PI / 2, 0);
    gfx.cairo_arc(cr, x1 - r, y + h - r, r, 0, PI / 2);
    gfx.cairo_line_to(cr, x0, y + h);
    gfx.cairo_close_path(cr);
}

static void draw_bar(struct canvas *cv, const struct bars_job *job,
                     size_t i)
{
    const struct chart_bars_frame *f = &job->f;
    const struct chart_bar *b = &job->c->bars[i];
    cairo_t *cr = cv->cr;
    double yc = chart_bar_y(f, i), top = yc - f->bar_h / 2;
    double xa = chart_bar_end(f, bar_part(b->a));
    double xe = chart_bar_end(f, bar_total(b)), vw;
    char buf[64];
    PangoLayout *l;

    l = layout_new(cv->pc, FONT_LABEL, b->label, f->x - B_GAP - B_PAD);
    layout_draw(cr, l, FONT_LABEL, B_PAD, yc, ALIGN_LEFT, C_TEXT);
    gfx.g_object_unref(l);
    if (xe > f->x) {
        gfx.cairo_save(cr);
        bar_path(cr, f->x, xe, top, f->bar_h);
        gfx.cairo_clip(cr);
        set_colour(cr, colour_rgb(0), 1);
        gfx.cairo_rectangle(cr, f->x, top, xa - f->x, f->bar_h);
        gfx.cairo_fill(cr);
        set_colour(cr, colour_rgb(1), 1);
        gfx.cairo_rectangle(cr, xa, top, xe - xa, f->bar_h);
        gfx.cairo_fill(cr);
        gfx.cairo_restore(cr);
    }
    bar_value(b, buf, sizeof(buf));
    l = layout_new(cv->pc, FONT_LABEL, buf, 0);
    vw = layout_width(l);
    if (xe + B_VALUE_GAP + vw <= cv->w - B_PAD / 2 ||
        xe - f->x < vw + 2 * B_VALUE_GAP)
        layout_draw(cr, l, FONT_LABEL, xe + B_VALUE_GAP, yc, ALIGN_LEFT,
                    C_TEXT);
    else
        layout_draw(cr, l, FONT_LABEL, xe - B_VALUE_GAP, yc, ALIGN_RIGHT,
                    C_BACKGROUND);
    gfx.g_object_unref(l);
}

static void draw_bars(struct canvas *cv, const void *arg)
{
    const struct bars_job *job = arg;
    const struct chart_bars *c = job->c;
    struct legend_item leg[2];
    size_t n = bars_count(c), nleg = 0;

    fill_background(cv);
    if (n == 0) {
        draw_no_data(cv, cv->w / 2, cv->h / 2);
        return;
    }
    if (c->a_label) {
        leg[nleg].label = c->a_label;
        leg[nleg].rgb = colour_rgb(0);
        leg[nleg++].lw = 0;
    }
    if (c->b_label) {
        leg[nleg].label = c->b_label;
        leg[nleg].rgb = colour_rgb(1);
        leg[nleg++].lw = 0;
    }
    draw_legend(cv, leg, nleg, B_PAD, 14);
    for (size_t i = 0; i < n; i++)
        draw_bar(cv, job, i);
}

int chart_bars_write(const struct atomic_dir *dir, const char *name,
                     const struct chart_bars *c, int width,
                     enum chart_files files, struct bs_err *err)
{
    struct bars_job job;
    struct chart_job cj;

    job.c = c;
    chart_bars_frame(c, width, &job.f);
    cj.w = chart_clamp_px(width);
    cj.h = chart_bars_height(bars_count(c));
    cj.opaque = 1;
    cj.svg = files == CHART_PNG_SVG;
    cj.fn = draw_bars;
    cj.arg = &job;
    return chart_write(dir, name, &cj, err);
}

/* ---- sparklines --------------------------------------------------------- */

#define S_PAD 3.0

struct spark_job {
    const double *v;
    size_t n;
};

static void draw_spark(struct canvas *cv, const void *arg)
{
    const struct spark_job *job = arg;
    struct mapping m;
    double max = 0;
    size_t last = job->n;

    /* Transparent: a sparkline sits on whatever the table row is. */
    for (size_t i = 0; i < job->n; i++) {
        if (!chart_has_value(job->v, i))
            continue;
        if (job->v[i] > max)
            max = job->v[i];
        last = i;
    }
    if (last == job->n)
        return;
    m.dx = job->n > 1 ? (cv->w - 2 * S_PAD) / (double)(job->n - 1) : 0;
    m.x0 = job->n > 1 ? S_PAD : cv->w / 2;
    m.y0 = cv->h - S_PAD;
    m.ky = (cv->h - 2 * S_PAD) / (max > 0 ? max : 1);
    draw_series(cv->cr, &m, job->v, job->n, colour_rgb(0), 1.25, 0.12);
    gfx.cairo_arc(cv->cr, map_x(&m, last), map_y(&m, job->v[last]), 2.25, 0,
                  2 * PI);
    set_colour(cv->cr, colour_rgb(0), 1);
    gfx.cairo_fill(cv->cr);
}

int chart_spark_write(const struct atomic_dir *dir, const char *name,
                      const double *v, size_t n, int width, int height,
                      struct bs_err *err)
{
    struct spark_job job;
    struct chart_job cj;

    job.v = v;
    job.n = v ? n : 0;
    cj.w = chart_clamp_px(width);
    cj.h = chart_clamp_px(height);
    cj.opaque = 0;
    cj.svg = 0;
    cj.fn = draw_spark;
    cj.arg = &job;
    return chart_write(dir, name, &cj, err);
}
