/*
 * chart_int.h - what the files of the charts share: the canvas a chart
 * is drawn on, the job of writing one, and the text set-up both the
 * drawing (chart.c) and the writing (chart_out.c) need.
 */
#ifndef BLOGSTAT_CHART_INT_H
#define BLOGSTAT_CHART_INT_H

#include "blogstat.h"
#include "chart.h"

#include <math.h>

#include <cairo.h>
#include <pango/pangocairo.h>

struct canvas {
    cairo_t *cr;
    PangoContext *pc;         /* for this surface, set up as measured */
    double w, h;              /* CSS pixels */
};

typedef void draw_fn(struct canvas *cv, const void *arg);

/* A chart to write: its size in CSS pixels and how to draw it. */
struct chart_job {
    int w, h;
    int opaque;               /* draws every pixel opaque */
    int svg;                  /* an SVG beside the PNG */
    draw_fn *fn;
    const void *arg;
};

/* ---- the axes (chart_axis.c) ---- */

/* Label densities, densest first; TICK_YEARS thins years to fit. */
enum tick_kind {
    TICK_DAY, TICK_DAY2, TICK_WEEK, TICK_WEEK2, TICK_MONTH, TICK_QUARTER,
    TICK_YEAR, TICK_YEARS
};

/* A daily chart or axis of more days than this draws only this many
 * (half a millennium; keeps day numbers far from overflow). */
#define TICK_MAX_DAYS 200000

/*
 * How wide date labels are: each label fixed wide (gap included), or,
 * with fixed 0, from the widths of their parts plus a gap between two.
 */
struct tick_px {
    double fixed;
    double day[32];           /* "1" .. "31" */
    double month[12];         /* "Jan" .. "Dec" */
    double space, year, gap;  /* " ", "2000" */
};

/* Whether v (may be NULL) has a value at i: finite, not negative.
 * Inline, so that the callers' analysis sees the NULL check. */
static inline int chart_has_value(const double *v, size_t i)
{
    return v && isfinite(v[i]) && v[i] >= 0;
}
/* The top of an axis of ticks step apart that holds max. */
double chart_axis_top(double max, double step);
/* Monday 0 .. Sunday 6. */
int chart_weekday(int32_t day);
/* The days of day0 + [0, ndays) that get a label at ppd pixels a day,
 * at most cap into days, and their density: how many. */
size_t chart_ticks(int32_t day0, size_t ndays, double ppd,
                   const struct tick_px *tp, int32_t *days, size_t cap,
                   enum tick_kind *kind_out);

/* Set a pango context up as the text is measured (chart.c). */
void chart_context_setup(PangoContext *pc);

/* Write DIR/NAME.png, then DIR/NAME.svg (chart_out.c): 0, or -1 with
 * err. */
int chart_write(const struct atomic_dir *dir, const char *name,
                const struct chart_job *job, struct bs_err *err);
/* Free the thread's pixel buffer (chart_out.c; chart_thread_cleanup()). */
void chart_out_thread_cleanup(void);
/* v within [CHART_MIN_PX, CHART_MAX_PX]. */
int chart_clamp_px(int v);

#endif
