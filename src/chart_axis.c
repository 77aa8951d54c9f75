/*
 * chart_axis.c - the numbers of the charts' axes: nice tick steps, the
 * top of a value axis, thousands separators, moving averages, and which
 * days of a date axis get a label (days, weeks, months, quarters, years,
 * as many as fit).
 */
#include "blogstat.h"
#include "chart.h"
#include "chart_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- numbers ------------------------------------------------------------ */

/* 10^k for k >= 0, exact up to 10^22. */
static double pow10_of(int k)
{
    double p = 1;

    while (k-- > 0)
        p *= 10;
    return p;
}

/* k such that 10^k <= v < 10^(k+1), for v > 0 and finite. */
static int decade_of(double v)
{
    int k = 0;

    while (v >= 10) {
        v /= 10;
        k++;
    }
    while (v < 1) {
        v *= 10;
        k--;
    }
    return k;
}

/* m x 10^k, computed so that 0.1, 0.2, 0.5 are as exact as doubles get. */
static double nice_value(double m, int k)
{
    return k >= 0 ? m * pow10_of(k) : m / pow10_of(-k);
}

/* The number of steps of s from 0 to reach max; a hair of slack absorbs
 * rounding (0.3 / 0.1 is 2.9999999999999996). */
static double steps_to(double max, double s)
{
    double k = ceil(max / s - 1e-9);

    return k < 1 ? 1 : k;
}

double chart_tick_step(double max, int n)
{
    static const double mult[] = {1, 2, 5};
    double best = 1, best_cost = HUGE_VAL;
    int e;

    if (n < 1)
        n = 1;
    if (!(max > 0) || !isfinite(max))
        return 1;
    /*
     * Of the 1, 2, 5 x 10^k steps near max / n, take the one whose number
     * of ticks up to the axis top is nearest n (on a log scale), the
     * smaller step on a tie: 7 over 5 ticks is 0, 2, .. 8 rather than
     * 0, 1, .. 7.
     */
    e = decade_of(max / n);
    for (int k = e - 1; k <= e + 1; k++) {
        for (size_t j = 0; j < ARRAY_SIZE(mult); j++) {
            double s = nice_value(mult[j], k);
            double r = steps_to(max, s) / n;
            /* How far from n ticks, as a ratio: |log(ticks / n)|. */
            double cost = r >= 1 ? r : 1 / r;

            if (cost < best_cost * (1 - 1e-12)) {
                best = s;
                best_cost = cost;
            }
        }
    }
    return best;
}

double chart_axis_top(double max, double step)
{
    double top;

    if (!(max > 0) || !isfinite(max))
        return step;
    top = steps_to(max, step) * step;
    /* Within rounding of max: say max, so that top >= max holds. */
    return top < max ? max : top;
}

double chart_axis_max(double max, int n)
{
    return chart_axis_top(max, chart_tick_step(max, n));
}

void chart_thousands(double v, char *buf, size_t cap)
{
    char digits[400];
    size_t n, o = 0;
    double r;

    if (cap == 0)
        return;
    if (!isfinite(v)) {
        snprintf(buf, cap, "%s", "\xE2\x80\x93");   /* an en dash */
        return;
    }
    r = round(v);
    snprintf(digits, sizeof(digits), "%.0f", fabs(r));
    n = strlen(digits);
    if (r < 0 && o + 1 < cap)
        buf[o++] = '-';
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        if (i > 0 && (n - i) % 3 == 0) {
            if (o + 2 >= cap)
                break;
            buf[o++] = ',';
        }
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

/*
 * Trailing rather than centred: the newest days get an average too, and
 * a day's average uses no data from after it, so it does not change as
 * new days arrive.
 */
void chart_moving_average(const double *v, size_t n, double *out)
{
    for (size_t i = 0; i < n; i++) {
        double sum = 0;
        size_t cnt = 0;

        /* Summed afresh each day: a running sum would drift. */
        for (size_t j = i >= 6 ? i - 6 : 0; j <= i; j++) {
            if (chart_has_value(v, j)) {
                sum += v[j];
                cnt++;
            }
        }
        out[i] = cnt >= 4 ? sum / (double)cnt : -1;
    }
}

/* ---- dates -------------------------------------------------------------- */

/* Monday 0 .. Sunday 6; day 0, 1970-01-01, was a Thursday. */
int chart_weekday(int32_t day)
{
    return (int)((day % 7 + 10) % 7);
}



static int is_tick(enum tick_kind kind, int32_t day, int32_t day0,
                   int32_t monday)
{
    int y;
    unsigned m, d;

    switch (kind) {
    case TICK_DAY:
        return 1;
    case TICK_DAY2:
        return (day - day0) % 2 == 0;
    case TICK_WEEK:
        return chart_weekday(day) == 0;
    case TICK_WEEK2:
        return chart_weekday(day) == 0 && (day - monday) % 14 == 0;
    default:
        break;
    }
    civil_from_days(day, &y, &m, &d);
    if (d != 1)
        return 0;
    if (kind == TICK_MONTH)
        return 1;
    if (kind == TICK_QUARTER)
        return m % 3 == 1;
    return m == 1;
}


/* The width of the label at day; with_year when the year goes under it. */
static double tick_label_w(const struct tick_px *tp, enum tick_kind kind,
                           int32_t day, int with_year)
{
    int y;
    unsigned m, d;
    double w;

    civil_from_days(day, &y, &m, &d);
    if (kind <= TICK_WEEK2)
        w = tp->day[d] + tp->space + tp->month[m - 1];
    else if (kind <= TICK_QUARTER)
        w = tp->month[m - 1];
    else
        w = tp->year;
    return with_year && tp->year > w ? tp->year : w;
}

static int year_of(int32_t day)
{
    int y;
    unsigned m, d;

    civil_from_days(day, &y, &m, &d);
    return y;
}

/* Whether a label at day fits after one at prev (whose width is *prev_w;
 * updated to day's). The first label (cnt 0) always fits. */
static int tick_fits(const struct tick_px *tp, enum tick_kind kind,
                     double ppd, int32_t prev, int32_t day, size_t cnt,
                     double *prev_w)
{
    int with_year = kind < TICK_YEAR &&
                    (cnt == 0 || year_of(day) != year_of(prev));
    double w = tp->fixed > 0 ? 0 : tick_label_w(tp, kind, day, with_year);
    double need = tp->fixed > 0 ? tp->fixed : (*prev_w + w) / 2 + tp->gap;

    if (cnt > 0 && (double)(day - prev) * ppd < need)
        return 0;
    *prev_w = w;
    return 1;
}

size_t chart_ticks(int32_t day0, size_t ndays, double ppd,
                   const struct tick_px *tp, int32_t *days, size_t cap,
                   enum tick_kind *kind_out)
{
    int32_t monday = day0;
    size_t n = 0;
    double pw = 0;

    *kind_out = TICK_DAY;
    if (ndays == 0)
        return 0;
    if (ndays > TICK_MAX_DAYS)
        ndays = TICK_MAX_DAYS;
    while (chart_weekday(monday) != 0)
        monday++;
    for (int k = TICK_DAY; k <= TICK_YEAR; k++) {
        enum tick_kind kind = (enum tick_kind)k;
        int32_t prev = 0;
        size_t cnt = 0;
        int fits = 1;

        for (size_t i = 0; i < ndays && fits; i++) {
            int32_t day = day0 + (int32_t)i;

            if (!is_tick(kind, day, day0, monday))
                continue;
            fits = tick_fits(tp, kind, ppd, prev, day, cnt, &pw);
            prev = day;
            cnt++;
        }
        if (!fits || cnt == 0)
            continue;
        for (size_t i = 0; i < ndays && n < cap; i++) {
            int32_t day = day0 + (int32_t)i;

            if (is_tick(kind, day, day0, monday))
                days[n++] = day;
        }
        *kind_out = kind;
        return n;
    }
    /* Not even one label a year fits: keep the year starts that do. */
    for (size_t i = 0; i < ndays && n < cap; i++) {
        int32_t day = day0 + (int32_t)i;

        if (is_tick(TICK_YEAR, day, day0, monday) &&
            tick_fits(tp, TICK_YEAR, ppd, n ? days[n - 1] : 0, day, n, &pw))
            days[n++] = day;
    }
    if (n > 0)
        *kind_out = TICK_YEARS;
    else if (cap > 0)
        days[n++] = day0;
    return n;
}

size_t chart_date_ticks(int32_t day0, size_t ndays, double px_per_day,
                        double label_px, int32_t *days, size_t cap)
{
    struct tick_px tp;
    enum tick_kind kind;

    memset(&tp, 0, sizeof(tp));
    tp.fixed = label_px;
    return chart_ticks(day0, ndays, px_per_day, &tp, days, cap, &kind);
}
