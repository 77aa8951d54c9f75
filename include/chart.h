/*
 * chart.h - the report's charts, drawn with cairo and their text laid out
 * with pango: each chart is written twice, as NAME.png at twice its size
 * in CSS pixels (for high-density screens) and as NAME.svg.
 *
 * Charts take plain numbers and strings; they know nothing of the store.
 * Every string may be hostile (any UTF-8, very long): it is drawn as
 * text, ellipsized to fit, never interpreted.
 */
#ifndef BLOGSTAT_CHART_H
#define BLOGSTAT_CHART_H

#include "blogstat.h"

/* The folder a chart is written into (atomicfile.h): opened once, so that
 * no link planted in the path of the report redirects a chart. */
struct atomic_dir;

/* A daily line chart: one value per consecutive day from day0. */
struct chart_daily {
    int32_t day0;             /* days since 1970-01-01 */
    size_t ndays;             /* >= 1 */
    const double *views;      /* per day; < 0: no data that day (a gap) */
    const double *second;     /* an optional second line, or NULL */
    const char *label;        /* legend of views, e.g. "Views" */
    const char *second_label; /* legend of second, or NULL */
    int partial_last;         /* the last day is still being written: drawn
                               * dashed with an open dot, "so far" in the
                               * legend, and left out of the average */
};

/* The files of a chart: its PNG, and an SVG when a page links one (a
 * narrow copy for phones has none). */
enum chart_files { CHART_PNG_SVG, CHART_PNG };

/*
 * Views per day as a line, with its 7-day moving average, weekends
 * shaded, gaps where there is no data, nice y ticks with thousands
 * separators and date labels that never overlap. width and height are CSS
 * pixels. Writes DIR/NAME.png (and DIR/NAME.svg: files); BS_CANTCREAT
 * when a file cannot be written.
 */
int chart_daily_write(const struct atomic_dir *dir, const char *name,
                      const struct chart_daily *c, int width, int height,
                      enum chart_files files, struct bs_err *err);

struct chart_bar {
    const char *label;        /* any UTF-8; ellipsized */
    double a;                 /* the first (or only) segment, >= 0 */
    double b;                 /* a second segment stacked after a, >= 0 */
};

/* Horizontal bars in the order given, each labelled with its total, or
 * with both segments ("122 + 9") when it has two. */
struct chart_bars {
    const struct chart_bar *bars;
    size_t n;                 /* 0 draws an empty chart saying "No data" */
    const char *a_label;      /* legend of a */
    const char *b_label;      /* legend of b, or NULL for one series */
};

/* Height follows from the number of bars. Writes DIR/NAME.png (and .svg:
 * files). */
int chart_bars_write(const struct atomic_dir *dir, const char *name,
                     const struct chart_bars *c, int width,
                     enum chart_files files, struct bs_err *err);
/* The height in CSS pixels chart_bars_write() gives n bars. */
int chart_bars_height(size_t n);

/* A sparkline: n values (< 0: a gap), no axes. Writes .png: it sits in a
 * table row, where no page links an SVG. */
int chart_spark_write(const struct atomic_dir *dir, const char *name,
                      const double *v, size_t n, int width, int height,
                      struct bs_err *err);

/* ---- geometry, shared with the tests ---------------------------------- */

/* The step of about n ticks from 0 to max: 1, 2 or 5 x 10^k (max 0: 1). */
double chart_tick_step(double max, int n);
/* The top of the axis: the first multiple of the step >= max. */
double chart_axis_max(double max, int n);
/* v (rounded) with thousands separators: 1234567 -> "1,234,567". */
void chart_thousands(double v, char *buf, size_t cap);
/*
 * The days of a daily axis that get a date label, so that labels of
 * label_px never come closer than that: every day, every 2nd, each
 * Monday, every other Monday, each month's 1st, each quarter's, each
 * year's, whichever is the densest that fits. Returns how many were
 * written to days (at most cap).
 */
size_t chart_date_ticks(int32_t day0, size_t ndays, double px_per_day,
                        double label_px, int32_t *days, size_t cap);

/* Where a daily chart of that size draws (CSS pixels). */
struct chart_frame {
    double x, y, w, h;        /* the plot area */
    double vmax;              /* the value at its top */
    size_t ndays;
};
void chart_daily_frame(const struct chart_daily *c, int width, int height,
                       struct chart_frame *f);
/* The x of day i (its centre) and the y of value v in that frame. */
double chart_x(const struct chart_frame *f, size_t i);
double chart_y(const struct chart_frame *f, double v);

/* The colours of the charts (colour-blind safe), as "#rrggbb", for the
 * HTML around them: 0 the first series, 1 the second, 2 the average. */
const char *chart_colour(int i);

/* ---- additions: bar geometry, moving average, limits, cleanup --------- */

/* At most this many bars are drawn; chart_bars_height() counts no more. */
#define CHART_BARS_MAX 100

/* Where a bar chart of that width draws its bars (CSS pixels). */
struct chart_bars_frame {
    double x;                 /* where every bar starts */
    double w;                 /* the length of a bar whose total is max */
    double y;                 /* the top of the first row */
    double row_h;             /* the height of each row */
    double bar_h;             /* the thickness of a bar, centred in its row */
    double max;               /* the largest total (0 when all are 0) */
};
void chart_bars_frame(const struct chart_bars *c, int width,
                      struct chart_bars_frame *f);
/* The x where a bar of that total ends, and the y of bar i's centre. */
double chart_bar_end(const struct chart_bars_frame *f, double total);
double chart_bar_y(const struct chart_bars_frame *f, size_t i);

/*
 * The trailing 7-day moving average the daily chart draws: out[i] is the
 * mean of the days with data (v >= 0, not NaN) among days i-6..i, or -1
 * where fewer than 4 of those 7 days have data. out has n elements.
 */
void chart_moving_average(const double *v, size_t n, double *out);

/*
 * Width and height of every chart are clamped to CHART_MIN_PX..
 * CHART_MAX_PX CSS pixels (the PNG is twice that).
 */
#define CHART_MIN_PX 16
#define CHART_MAX_PX 4000

/*
 * Free the font state the charts keep between calls (pango's default font
 * map, cairo's caches), for leak checkers: call it at exit, when no chart
 * is being drawn. Without it nothing grows: the state is made once per
 * thread (a later chart makes it again). fontconfig still holds a few
 * hundred bytes LeakSanitizer reports; suppress them with
 * "leak:libfontconfig.so" (tests/unit/test_chart.c shows how).
 */
void chart_cleanup(void);
/* What chart_cleanup() frees of the calling thread's alone: for a thread
 * that drew charts, before it ends, while others may be drawing. */
void chart_thread_cleanup(void);

#endif
