/*
 * test_chart.c - include/chart.h: the geometry (ticks, thousands, date
 * labels, the daily frame, bars, the moving average), then charts rendered
 * to files whose pixels are checked where the lines and bars must be.
 */
#include "blogstat.h"
#include "atomicfile.h"
#include "chart.h"
#include "testutil.h"

#include <dirent.h>
#include <math.h>              /* NAN, INFINITY: macros, no libm */
#include <sys/stat.h>
#include <time.h>

/* Only the test reads the PNGs back; the library keeps cairo to itself. */
#include <cairo.h>

/*
 * fontconfig (under pango) leaks a few hundred bytes once, while it parses
 * its configuration, whatever chart_cleanup() frees: LeakSanitizer reads
 * this hook in the sanitizer build; elsewhere it is an unused function.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\n";
}

/* ... and says nothing of it: the runner reads cmocka's summary. */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
    return "print_suppressions=0";
}

#define BLUE 0x0072B2u
#define ORANGE 0xE69F00u
#define WHITE 0xFFFFFFu

/* ---- helpers ------------------------------------------------------------- */

/* The Makefile links no libm: the few functions needed, by hand. */
static double dabs(double v)
{
    return v < 0 ? -v : v;
}

/* v rounded to the nearest whole number (|v| < 2^62). */
static double dround(double v)
{
    return v < 0 ? -(double)(int64_t)(-v + 0.5) : (double)(int64_t)(v + 0.5);
}

/* A CSS coordinate as the nearest device pixel's index. */
static int ipx(double v)
{
    return (int)dround(v);
}

static void clear_err(struct bs_err *e)
{
    memset(e, 0, sizeof(*e));
}

/* A PNG read back, as 0xRRGGBB pixels plus alpha. */
struct img {
    cairo_surface_t *s;
    const unsigned char *data;
    int w, h, stride;
};

static void img_load(struct img *im, const char *dir, const char *name)
{
    char *p = tu_path(dir, name);

    im->s = cairo_image_surface_create_from_png(p);
    if (cairo_surface_status(im->s) != CAIRO_STATUS_SUCCESS)
        fail_msg("cannot read '%s': %s", p,
                 cairo_status_to_string(cairo_surface_status(im->s)));
    free(p);
    cairo_surface_flush(im->s);
    im->data = cairo_image_surface_get_data(im->s);
    im->w = cairo_image_surface_get_width(im->s);
    im->h = cairo_image_surface_get_height(im->s);
    im->stride = cairo_image_surface_get_stride(im->s);
}

static void img_free(struct img *im)
{
    cairo_surface_destroy(im->s);
}

/* The pixel at (x, y) as 0xAARRGGBB (premultiplied; opaque charts have
 * alpha 0xFF). Out of the image: 0. */
static uint32_t img_px(const struct img *im, int x, int y)
{
    uint32_t v;

    if (x < 0 || y < 0 || x >= im->w || y >= im->h)
        return 0;
    memcpy(&v, im->data + (size_t)y * (size_t)im->stride + (size_t)x * 4,
           4);
    if (cairo_image_surface_get_format(im->s) == CAIRO_FORMAT_RGB24)
        v |= 0xFF000000u;
    return v;
}

/* Whether two colours differ by at most tol in every channel. */
static int near_rgb(uint32_t a, uint32_t b, int tol)
{
    for (int sh = 0; sh <= 16; sh += 8) {
        int ca = (int)(a >> sh & 0xff), cb = (int)(b >> sh & 0xff);

        if (abs(ca - cb) > tol)
            return 0;
    }
    return 1;
}

/* Whether an opaque pixel of colour rgb lies within r device pixels of
 * (x, y). */
static int colour_near(const struct img *im, int x, int y, int r,
                       uint32_t rgb)
{
    for (int dy = -r; dy <= r; dy++)
        for (int dx = -r; dx <= r; dx++) {
            uint32_t p = img_px(im, x + dx, y + dy);

            if (p >> 24 == 0xFF && near_rgb(p, rgb, 40))
                return 1;
        }
    return 0;
}

static char *read_file(const char *dir, const char *name, size_t *n)
{
    char *p = tu_path(dir, name);
    FILE *f = fopen(p, "rb");
    char *buf;
    long len;

    if (!f)
        fail_msg("cannot open '%s'", p);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    len = ftell(f);
    assert_true(len >= 0);
    rewind(f);
    buf = xmalloc((size_t)len + 1);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    buf[len] = '\0';
    fclose(f);
    free(p);
    *n = (size_t)len;
    return buf;
}

static int file_exists(const char *dir, const char *name)
{
    char *p = tu_path(dir, name);
    struct stat st;
    int ok = stat(p, &st) == 0;

    free(p);
    return ok;
}

/* How many entries of dir start with prefix: the temporary files a
 * write leaves behind are ".NAME.EXT." and a random suffix. */
static int count_prefixed(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;

    assert_non_null(d);
    while ((de = readdir(d)))
        if (strncmp(de->d_name, prefix, strlen(prefix)) == 0)
            n++;
    closedir(d);
    return n;
}

/* The SVG is an XML document that ends where it should and carries no
 * markup but cairo's: text is glyph outlines. */
static void expect_svg(const char *dir, const char *name)
{
    size_t n;
    char *svg = read_file(dir, name, &n);
    char *end = svg + n;

    assert_true(strncmp(svg, "<?xml", 5) == 0 || strncmp(svg, "<svg", 4) == 0);
    assert_non_null(strstr(svg, "<svg"));
    while (end > svg && (end[-1] == '\n' || end[-1] == ' '))
        end--;
    assert_true(end - svg >= 6);
    assert_memory_equal(end - 6, "</svg>", 6);
    assert_null(strstr(svg, "<script"));
    assert_null(strstr(svg, "<text"));
    free(svg);
}

static int weekday_of(int32_t day)
{
    return (int)((day % 7 + 10) % 7);    /* Monday 0; day 0 a Thursday */
}

/* ---- numbers ------------------------------------------------------------- */

static void test_chart__tick_step_known(void **state)
{
    (void)state;
    assert_true(chart_tick_step(0, 5) == 1);
    assert_true(chart_axis_max(0, 5) == 1);
    assert_true(chart_tick_step(-3, 5) == 1);
    assert_true(chart_tick_step(NAN, 5) == 1);
    assert_true(chart_axis_max(NAN, 5) == 1);
    assert_true(chart_tick_step(INFINITY, 5) == 1);
    /* 0, 2, 4, 6, 8 rather than 0, 1, .. 7 */
    assert_true(chart_tick_step(7, 5) == 2);
    assert_true(chart_axis_max(7, 5) == 8);
    assert_true(chart_tick_step(10, 5) == 2);
    assert_true(chart_axis_max(10, 5) == 10);
    assert_true(chart_tick_step(100, 5) == 20);
    assert_true(chart_axis_max(101, 5) == 120);
    assert_true(chart_tick_step(5000, 5) == 1000);
    assert_true(chart_axis_max(4321, 5) == 5000);
    assert_true(chart_tick_step(1, 5) == 0.2);
    /* n below 1 counts as 1: one tick, at 10 */
    assert_true(chart_tick_step(7, 0) == 10);
    assert_true(chart_axis_max(7, -3) == 10);
}

/* m x 10^k with m 1, 2 or 5. */
static int is_nice(double s)
{
    double m = s;

    while (m >= 9.5)
        m /= 10;
    while (m < 0.95)
        m *= 10;
    return dabs(m - 1) < 1e-9 || dabs(m - 2) < 1e-9 || dabs(m - 5) < 1e-9;
}

static void check_ticks(double v, int n)
{
    double s = chart_tick_step(v, n), top = chart_axis_max(v, n);
    double k = top / s;

    if (!is_nice(s))
        fail_msg("step %g for %g is not 1, 2 or 5 x 10^k", s, v);
    if (!(top >= v) || !(top < v + s))
        fail_msg("axis %.17g for %.17g (step %g) is off", top, v, s);
    if (dabs(k - dround(k)) > 1e-6)
        fail_msg("axis %g is not a multiple of the step %g", top, s);
    if (dround(k) < 1 || dround(k) > 2 * n)
        fail_msg("%g ticks for %g over n = %d", dround(k), v, n);
}

static void test_chart__tick_step_properties(void **state)
{
    long checked = 0;

    (void)state;
    for (int n = 2; n <= 8; n++) {
        for (double v = 0.3; v <= 1e9; v *= 1.0137) {
            check_ticks(v, n);
            checked++;
        }
        for (int v = 1; v <= 2000; v++) {
            check_ticks(v, n);
            checked++;
        }
        check_ticks(1e9, n);
        check_ticks(0.3, n);
    }
    assert_true(checked > 20000);
}

static void expect_thousands(double v, const char *want)
{
    char buf[64];

    chart_thousands(v, buf, sizeof(buf));
    if (strcmp(buf, want) != 0)
        fail_msg("chart_thousands(%.17g) = \"%s\", want \"%s\"", v, buf, want);
}

static void test_chart__thousands(void **state)
{
    char small[4];

    (void)state;
    expect_thousands(0, "0");
    expect_thousands(7, "7");
    expect_thousands(999, "999");
    expect_thousands(1000, "1,000");
    expect_thousands(12345, "12,345");
    expect_thousands(123456, "123,456");
    expect_thousands(1234567, "1,234,567");
    expect_thousands(1234.6, "1,235");
    expect_thousands(1234.4, "1,234");
    expect_thousands(999.5, "1,000");
    expect_thousands(-1234, "-1,234");
    expect_thousands(-0.4, "0");
    expect_thousands(1e12, "1,000,000,000,000");
    expect_thousands(NAN, "\xE2\x80\x93");
    /* Cut to fit, always terminated. */
    chart_thousands(1234567, small, sizeof(small));
    assert_true(strlen(small) < sizeof(small));
    assert_string_equal(small, "1,2");
    chart_thousands(5, small, 1);
    assert_string_equal(small, "");
}

static void test_chart__moving_average(void **state)
{
    double v[14], avg[14];

    (void)state;
    for (int i = 0; i < 14; i++)
        v[i] = 10;
    chart_moving_average(v, 14, avg);
    /* Trailing: the first three days have fewer than 4 days behind them. */
    for (int i = 0; i < 3; i++)
        assert_true(avg[i] < 0);
    for (int i = 3; i < 14; i++)
        assert_true(dabs(avg[i] - 10) < 1e-9);

    /* Mean of the days with data among the 7 ending at i. */
    for (int i = 0; i < 14; i++)
        v[i] = i;
    v[8] = -1;
    v[9] = NAN;
    chart_moving_average(v, 14, avg);
    assert_true(dabs(avg[6] - 3) < 1e-9);                  /* 0..6 */
    assert_true(dabs(avg[10] - (4 + 5 + 6 + 7 + 10) / 5.0) < 1e-9);
    /* 8..14 has 9 and 8 missing: 10, 11, 12, 13 are 4 days */
    assert_true(dabs(avg[13] - (7 + 10 + 11 + 12 + 13) / 5.0) < 1e-9);

    /* Fewer than 4 days with data: no average. */
    for (int i = 0; i < 14; i++)
        v[i] = i % 3 == 0 ? 5 : -1;
    chart_moving_average(v, 14, avg);
    for (int i = 0; i < 14; i++)
        assert_true(avg[i] < 0);
}

/* ---- date labels --------------------------------------------------------- */

/* Inside the range, increasing, never closer than label_px. */
static size_t check_date_ticks(int32_t day0, size_t ndays, double ppd,
                               double label_px, int32_t *days, size_t cap)
{
    size_t n = chart_date_ticks(day0, ndays, ppd, label_px, days, cap);

    if (ndays > 0 && n == 0)
        fail_msg("no label for %zu days at %g px/day, %g px labels", ndays,
                 ppd, label_px);
    assert_true(n <= cap);
    for (size_t i = 0; i < n; i++) {
        if (days[i] < day0 || days[i] >= day0 + (int32_t)ndays)
            fail_msg("label %zu at day %d, outside %d + %zu", i,
                     (int)days[i], (int)day0, ndays);
        if (i > 0 && (double)(days[i] - days[i - 1]) * ppd < label_px)
            fail_msg("labels %d and %d closer than %g px at %g px/day",
                     (int)days[i - 1], (int)days[i], label_px, ppd);
    }
    return n;
}

static void test_chart__date_ticks_every_day(void **state)
{
    int32_t days[64];
    int32_t d0 = days_from_civil(2024, 3, 4);
    size_t n;

    (void)state;
    n = check_date_ticks(d0, 7, 100, 40, days, ARRAY_SIZE(days));
    assert_int_equal(n, 7);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(days[i], d0 + (int32_t)i);
    /* Half as much room: every other day. */
    n = check_date_ticks(d0, 7, 25, 40, days, ARRAY_SIZE(days));
    assert_int_equal(n, 4);
    assert_int_equal(days[1] - days[0], 2);
    /* cap is respected. */
    assert_int_equal(chart_date_ticks(d0, 7, 100, 40, days, 3), 3);
}

static void test_chart__date_ticks_weeks(void **state)
{
    int32_t days[64];
    int32_t d0 = days_from_civil(2023, 12, 20);
    size_t n;
    int new_year = 0;

    (void)state;
    /* 30 days at 10 px: every Monday, across the new year. */
    n = check_date_ticks(d0, 30, 10, 40, days, ARRAY_SIZE(days));
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(weekday_of(days[i]), 0);
        new_year |= days[i] == days_from_civil(2024, 1, 1);
    }
    assert_true(new_year);
    assert_int_equal(days[0], days_from_civil(2023, 12, 25));
    /* At 4 px a day: every other Monday. */
    n = check_date_ticks(d0, 30, 4, 40, days, ARRAY_SIZE(days));
    assert_int_equal(n, 2);
    assert_int_equal(days[1] - days[0], 14);
    assert_int_equal(weekday_of(days[0]), 0);
}

static void test_chart__date_ticks_year(void **state)
{
    int32_t days[400];
    int32_t d0 = days_from_civil(2023, 1, 1);
    size_t n;

    (void)state;
    /* A year at 2 px a day: month starts, 28 days at least = 56 px. */
    n = check_date_ticks(d0, 365, 2, 40, days, ARRAY_SIZE(days));
    assert_int_equal(n, 12);
    for (size_t i = 0; i < n; i++) {
        int y;
        unsigned m, d;

        civil_from_days(days[i], &y, &m, &d);
        assert_int_equal(y, 2023);
        assert_int_equal(m, i + 1);
        assert_int_equal(d, 1);
    }
    /* 60 px labels don't fit February: quarters. */
    n = check_date_ticks(d0, 365, 2, 60, days, ARRAY_SIZE(days));
    assert_int_equal(n, 4);
    assert_int_equal(days[1], days_from_civil(2023, 4, 1));
    assert_int_equal(days[3], days_from_civil(2023, 10, 1));
    /* Across a year boundary: mid-2023 to mid-2024, months. */
    d0 = days_from_civil(2023, 7, 15);
    n = check_date_ticks(d0, 366, 2, 40, days, ARRAY_SIZE(days));
    assert_int_equal(n, 12);
    assert_int_equal(days[0], days_from_civil(2023, 8, 1));
    assert_int_equal(days[5], days_from_civil(2024, 1, 1));
    /* Ten years at 0.1 px a day: year starts, thinned to fit. */
    n = check_date_ticks(days_from_civil(2010, 6, 1), 3653, 0.1, 40, days,
                         ARRAY_SIZE(days));
    assert_true(n >= 2 && n <= 10);
    for (size_t i = 0; i < n; i++) {
        int y;
        unsigned m, d;

        civil_from_days(days[i], &y, &m, &d);
        assert_true(m == 1 && d == 1);
    }
}

static void test_chart__date_ticks_one_day(void **state)
{
    int32_t days[8];
    int32_t d0 = days_from_civil(2024, 2, 29);

    (void)state;
    assert_int_equal(check_date_ticks(d0, 1, 300, 40, days, 8), 1);
    assert_int_equal(days[0], d0);
    assert_int_equal(check_date_ticks(d0, 1, 0.5, 1000, days, 8), 1);
    assert_int_equal(days[0], d0);
    assert_int_equal(chart_date_ticks(d0, 0, 10, 40, days, 8), 0);
}

/* Many shapes: always at least one label, inside, never too close. */
static void test_chart__date_ticks_sweep(void **state)
{
    static const size_t nd[] = {1, 2, 3, 5, 6, 14, 30, 31, 90, 366, 1000,
                                3000};
    static const double ppd[] = {0.05, 0.3, 1, 2, 3.7, 9, 20, 55, 200};
    static const double lpx[] = {0, 12, 40, 75, 200};
    int32_t *days = xmalloc(4000 * sizeof(*days));

    (void)state;
    for (int32_t d0 = days_from_civil(2019, 12, 27);
         d0 < days_from_civil(2020, 1, 4); d0 += 3)
        for (size_t a = 0; a < ARRAY_SIZE(nd); a++)
            for (size_t b = 0; b < ARRAY_SIZE(ppd); b++)
                for (size_t c = 0; c < ARRAY_SIZE(lpx); c++)
                    check_date_ticks(d0, nd[a], ppd[b], lpx[c], days, 4000);
    free(days);
}

/* ---- frames -------------------------------------------------------------- */

static void test_chart__daily_frame(void **state)
{
    double v[30];
    struct chart_daily c = {0};
    struct chart_frame f;

    (void)state;
    for (int i = 0; i < 30; i++)
        v[i] = 100 + 37 * (i % 5);
    c.day0 = days_from_civil(2024, 5, 1);
    c.ndays = 30;
    c.views = v;
    c.label = "Views";
    chart_daily_frame(&c, 760, 260, &f);
    assert_int_equal(f.ndays, 30);
    assert_true(f.x > 10 && f.y >= 0 && f.w > 500 && f.h > 100);
    assert_true(f.x + f.w <= 760 && f.y + f.h <= 260);
    assert_true(f.vmax >= 248);
    for (size_t i = 0; i < 30; i++) {
        assert_true(chart_x(&f, i) > f.x && chart_x(&f, i) < f.x + f.w);
        if (i > 0)
            assert_true(chart_x(&f, i) > chart_x(&f, i - 1));
    }
    assert_true(dabs(chart_y(&f, 0) - (f.y + f.h)) < 1e-9);
    assert_true(dabs(chart_y(&f, f.vmax) - f.y) < 1e-9);
    for (double t = 1; t <= f.vmax; t += 7)
        assert_true(chart_y(&f, t) < chart_y(&f, t - 1));
    /* Out of range values stay in the frame. */
    assert_true(chart_y(&f, -5) == chart_y(&f, 0));
    assert_true(chart_y(&f, 1e9) == f.y);

    /* Phone width: still a frame, the labels still fit on the left. */
    chart_daily_frame(&c, 360, 220, &f);
    assert_true(f.x > 10 && f.x < 80 && f.x + f.w <= 360);

    /* All zero: the axis is 0..1. */
    memset(v, 0, sizeof(v));
    chart_daily_frame(&c, 760, 260, &f);
    assert_true(f.vmax == 1);
    /* No data at all: the same. */
    for (int i = 0; i < 30; i++)
        v[i] = -1;
    chart_daily_frame(&c, 760, 260, &f);
    assert_true(f.vmax == 1);

    /* One day: its centre is the middle. */
    v[0] = 42;
    c.ndays = 1;
    chart_daily_frame(&c, 400, 200, &f);
    assert_true(dabs(chart_x(&f, 0) - (f.x + f.w / 2)) < 1e-9);
    assert_true(f.vmax >= 42);

    /* Big numbers: wider labels, a narrower plot. */
    {
        struct chart_frame g;

        c.ndays = 30;
        for (int i = 0; i < 30; i++)
            v[i] = 12345678;
        chart_daily_frame(&c, 760, 260, &g);
        for (int i = 0; i < 30; i++)
            v[i] = 5;
        chart_daily_frame(&c, 760, 260, &f);
        assert_true(g.x > f.x + 20);
    }
}

static void test_chart__bars_frame(void **state)
{
    struct chart_bar b[] = {
        {"first", 1000, 0}, {"second", 250, 250}, {"negative", -40, -3},
        {"not a number", NAN, NAN}, {"infinite", INFINITY, 0}
    };
    struct chart_bars c = {b, ARRAY_SIZE(b), "Views", NULL};
    struct chart_bars_frame f;

    (void)state;
    chart_bars_frame(&c, 760, &f);
    assert_true(f.max == 1000);
    assert_true(f.x > 20 && f.x <= 0.4 * 760 + 20);
    assert_true(f.x + f.w < 760);
    assert_true(chart_bar_end(&f, 1000) == f.x + f.w);
    assert_true(dabs(chart_bar_end(&f, 500) - (f.x + f.w / 2)) < 1e-9);
    /* Negative, NaN, infinite: no bar, never left of the start. */
    assert_true(chart_bar_end(&f, -40) == f.x);
    assert_true(chart_bar_end(&f, NAN) == f.x);
    assert_true(chart_bar_y(&f, 1) - chart_bar_y(&f, 0) == f.row_h);
    assert_true(chart_bar_y(&f, 0) > f.y);
    assert_true(chart_bar_y(&f, 4) + f.bar_h / 2 <
                chart_bars_height(ARRAY_SIZE(b)));
    /* Height grows with the bars; n = 0 still has room for "No data". */
    assert_true(chart_bars_height(0) > 30);
    assert_true(chart_bars_height(2) - chart_bars_height(1) == f.row_h);
    assert_true(chart_bars_height(20) == chart_bars_height(1) +
                                             19 * (int)f.row_h);
    assert_true(chart_bars_height((size_t)-1) ==
                chart_bars_height(CHART_BARS_MAX));
    /* The label column is at most 40% of the chart. */
    b[0].label = "A title long enough to take any chart's whole width, and "
                 "then some more words to be sure of it";
    chart_bars_frame(&c, 360, &f);
    assert_true(f.x <= 0.4 * 360 + 20);
    assert_true(f.w > 100);
}

static void test_chart__colours(void **state)
{
    (void)state;
    assert_string_equal(chart_colour(0), "#0072B2");
    assert_string_equal(chart_colour(1), "#E69F00");
    assert_true(strcmp(chart_colour(2), chart_colour(0)) != 0);
    for (int i = -2; i < 20; i++) {
        const char *c = chart_colour(i);

        assert_int_equal(strlen(c), 7);
        assert_true(c[0] == '#');
        assert_int_equal(strspn(c + 1, "0123456789ABCDEFabcdef"), 6);
    }
}

/* ---- rendering ----------------------------------------------------------- */

/* The chart writers, into the folder dir opened as the report opens its
 * chart folder (atomicfile.h). */
static int daily_in(const char *dir, const char *name,
                    const struct chart_daily *c, int width, int height,
                    struct bs_err *err)
{
    struct atomic_dir *d = atomic_dir_open(dir, err);
    int rc = d ? chart_daily_write(d, name, c, width, height, CHART_PNG_SVG, err) : -1;

    atomic_dir_close(d);
    return rc;
}

static int bars_in(const char *dir, const char *name,
                   const struct chart_bars *c, int width, struct bs_err *err)
{
    struct atomic_dir *d = atomic_dir_open(dir, err);
    int rc = d ? chart_bars_write(d, name, c, width, CHART_PNG_SVG, err) : -1;

    atomic_dir_close(d);
    return rc;
}

static int spark_in(const char *dir, const char *name, const double *v,
                    size_t n, int width, int height, struct bs_err *err)
{
    struct atomic_dir *d = atomic_dir_open(dir, err);
    int rc = d ? chart_spark_write(d, name, v, n, width, height, err) : -1;

    atomic_dir_close(d);
    return rc;
}

static void test_chart__daily_pixels(void **state)
{
    char *dir = tu_tmpdir();
    /* 2024-03-04 is a Monday: days 5, 6 and 12, 13 are weekends. */
    int32_t d0 = days_from_civil(2024, 3, 4);
    double v[14] = {20, 90, 15, 85, 10, 80, 25, -1, 70, 20, 75, 15, 60, 30};
    struct chart_daily c = {d0, 14, v, NULL, "Views", NULL, 0};
    struct chart_frame f;
    struct bs_err e;
    struct img im;
    size_t n;

    (void)state;
    clear_err(&e);
    assert_int_equal(weekday_of(d0), 0);
    assert_int_equal(daily_in(dir, "daily", &c, 760, 260, &e), 0);
    assert_int_equal(e.status, 0);
    chart_daily_frame(&c, 760, 260, &f);
    img_load(&im, dir, "daily.png");
    assert_int_equal(im.w, 2 * 760);
    assert_int_equal(im.h, 2 * 260);

    /* The line passes through each day's value (peaks and troughs, away
     * from the average). */
    for (size_t i = 0; i < 14; i++) {
        int x = ipx(2 * chart_x(&f, i));
        int y = ipx(2 * chart_y(&f, v[i]));

        if (v[i] < 0)
            continue;
        if (!colour_near(&im, x, y, 2, BLUE))
            fail_msg("no line at day %zu (%d, %d): %08x", i, x, y,
                     img_px(&im, x, y));
    }
    /* The gap: nothing of the line's colour in its column. */
    {
        int x = ipx(2 * chart_x(&f, 7));

        for (int y = (int)(2 * f.y); y < (int)(2 * (f.y + f.h)); y++)
            for (int dx = -2; dx <= 2; dx++)
                if (near_rgb(img_px(&im, x + dx, y), BLUE, 40))
                    fail_msg("line colour at the gap (%d, %d)", x + dx, y);
    }
    /* Weekends shaded, weekdays not: above the data, below the top line. */
    {
        int y = ipx(2 * (f.y + 4));
        uint32_t sat = img_px(&im, ipx(2 * chart_x(&f, 5)), y);
        uint32_t sun = img_px(&im, ipx(2 * chart_x(&f, 13)), y);
        uint32_t wed = img_px(&im, ipx(2 * chart_x(&f, 2)), y);

        assert_true(near_rgb(wed, WHITE, 0));
        assert_false(near_rgb(sat, WHITE, 3));
        assert_true(near_rgb(sat, WHITE, 30));      /* but very light */
        assert_true(near_rgb(sat, sun, 0));
    }
    /* Nothing drawn outside the chart's middle on the right margin. */
    assert_true(near_rgb(img_px(&im, im.w - 2, im.h / 2), WHITE, 0));
    img_free(&im);

    {
        char *svg = read_file(dir, "daily.svg", &n);

        assert_non_null(strstr(svg, "width=\"760"));
        free(svg);
    }
    expect_svg(dir, "daily.svg");
    /* Written atomically: no temporary file is left. */
    assert_int_equal(count_prefixed(dir, ".daily."), 0);
    tu_rmrf(dir);
    free(dir);
}

/* A last day still being written: an open dot, no area under the last
 * step, and the average stops the day before; the same chart without the
 * mark fills that area. */
static void test_chart__daily_partial_last(void **state)
{
    char *dir = tu_tmpdir();
    /* Monday 2024-03-04 to Wednesday 2024-03-13: the last two are
     * weekdays, so no weekend band lies under the last step. */
    int32_t d0 = days_from_civil(2024, 3, 4);
    double v[10] = {50, 52, 48, 50, 51, 49, 50, 52, 50, 10};
    struct chart_daily c = {d0, 10, v, NULL, "Views", NULL, 1};
    struct chart_frame f;
    struct bs_err e;
    struct img im;
    int x9, y9, xm, ym;

    (void)state;
    clear_err(&e);
    assert_int_equal(daily_in(dir, "p", &c, 760, 260, &e), 0);
    c.partial_last = 0;
    assert_int_equal(daily_in(dir, "full", &c, 760, 260, &e), 0);
    chart_daily_frame(&c, 760, 260, &f);
    x9 = ipx(2 * chart_x(&f, 9));
    y9 = ipx(2 * chart_y(&f, v[9]));
    /* Below the middle of the last step, above the axis. */
    xm = ipx(2 * (chart_x(&f, 8) + chart_x(&f, 9)) / 2);
    ym = ipx(2 * chart_y(&f, 5));

    img_load(&im, dir, "p.png");
    assert_true(near_rgb(img_px(&im, x9, y9), WHITE, 10));  /* open */
    assert_true(colour_near(&im, x9, y9, 8, BLUE));          /* its ring */
    assert_true(near_rgb(img_px(&im, xm, ym), WHITE, 0));   /* no area */
    img_free(&im);

    img_load(&im, dir, "full.png");
    assert_false(near_rgb(img_px(&im, xm, ym), WHITE, 0));  /* filled */
    img_free(&im);
    tu_rmrf(dir);
    free(dir);
}

/* A second series in its own colour, the average in a third. */
static void test_chart__daily_two_series(void **state)
{
    char *dir = tu_tmpdir();
    double v[28], s[28], avg[28];
    struct chart_daily c = {days_from_civil(2024, 1, 1), 28, v, s, "Views",
                            "Visitors", 0};
    struct chart_frame f;
    struct bs_err e;
    struct img im;

    (void)state;
    for (int i = 0; i < 28; i++) {
        v[i] = 400 + (i % 2 ? 300 : 0);
        s[i] = 100 + (i % 2 ? 0 : 50);
    }
    clear_err(&e);
    assert_int_equal(daily_in(dir, "two", &c, 760, 300, &e), 0);
    chart_daily_frame(&c, 760, 300, &f);
    chart_moving_average(v, 28, avg);
    img_load(&im, dir, "two.png");
    for (size_t i = 1; i < 27; i++) {
        int x = ipx(2 * chart_x(&f, i));

        assert_true(colour_near(&im, x, ipx(2 * chart_y(&f, s[i])),
                                2, ORANGE));
        if (i >= 6)
            assert_true(colour_near(&im, x,
                                    ipx(2 * chart_y(&f, avg[i])), 2,
                                    (uint32_t)strtoul(chart_colour(2) + 1,
                                                      NULL, 16)));
    }
    img_free(&im);
    tu_rmrf(dir);
    free(dir);
}

static void test_chart__daily_flat_and_single(void **state)
{
    char *dir = tu_tmpdir();
    double zero[10] = {0}, one[1] = {1234};
    struct chart_daily c = {days_from_civil(2024, 6, 3), 10, zero, NULL,
                            "Views", NULL, 0};
    struct chart_frame f;
    struct bs_err e;
    struct img im;

    (void)state;
    clear_err(&e);
    /* All zero: a flat line on the bottom (the average covers it from
     * the fourth day). */
    assert_int_equal(daily_in(dir, "zero", &c, 360, 220, &e), 0);
    chart_daily_frame(&c, 360, 220, &f);
    assert_true(f.vmax == 1);
    img_load(&im, dir, "zero.png");
    for (size_t i = 0; i < 3; i++)
        assert_true(colour_near(&im, ipx(2 * chart_x(&f, i)),
                                ipx(2 * (f.y + f.h)), 2, BLUE));
    img_free(&im);

    /* One day: a dot in the middle. */
    c.ndays = 1;
    c.views = one;
    assert_int_equal(daily_in(dir, "one", &c, 360, 220, &e), 0);
    chart_daily_frame(&c, 360, 220, &f);
    img_load(&im, dir, "one.png");
    assert_true(dabs(chart_x(&f, 0) - (f.x + f.w / 2)) < 1e-9);
    assert_true(colour_near(&im, ipx(2 * chart_x(&f, 0)),
                            ipx(2 * chart_y(&f, 1234)), 1, BLUE));
    /* ... and nothing else of that colour in the plot. */
    for (int y = (int)(2 * f.y); y < (int)(2 * (f.y + f.h)); y += 3)
        assert_false(near_rgb(img_px(&im, (int)(2 * f.x) + 10, y), BLUE,
                              40));
    img_free(&im);

    /* No days, no values: a chart all the same. */
    c.ndays = 0;
    assert_int_equal(daily_in(dir, "none", &c, 360, 220, &e), 0);
    c.ndays = 5;
    c.views = NULL;
    assert_int_equal(daily_in(dir, "null", &c, 360, 220, &e), 0);
    assert_true(file_exists(dir, "none.png") && file_exists(dir, "null.svg"));
    assert_int_equal(e.status, 0);
    tu_rmrf(dir);
    free(dir);
}

static void test_chart__bars_pixels(void **state)
{
    char *dir = tu_tmpdir();
    struct chart_bar b[] = {
        {"Höstens bästa kanelbullar", 1800, 0},
        {"Åtta år med Linux", 900, 300},
        {"Ett år av löpning", 450, 0},
        {"Nothing", 0, 0},
        {"Negative", -50, NAN},
    };
    struct chart_bars c = {b, ARRAY_SIZE(b), "Views", "Feed"};
    struct chart_bars_frame f;
    struct bs_err e;
    struct img im;

    (void)state;
    clear_err(&e);
    assert_int_equal(bars_in(dir, "bars", &c, 760, &e), 0);
    chart_bars_frame(&c, 760, &f);
    img_load(&im, dir, "bars.png");
    assert_int_equal(im.w, 2 * 760);
    assert_int_equal(im.h, 2 * chart_bars_height(ARRAY_SIZE(b)));
    for (size_t i = 0; i < 3; i++) {
        double total = b[i].a + b[i].b;
        int y = ipx(2 * chart_bar_y(&f, i));
        int xe = ipx(2 * chart_bar_end(&f, total));
        int xa = ipx(2 * chart_bar_end(&f, b[i].a));

        /* The bar's colour up to its end, background right after it. */
        assert_true(colour_near(&im, xa - 6, y, 0, BLUE));
        assert_true(colour_near(&im, (int)(2 * f.x) + 4, y, 0, BLUE));
        if (b[i].b > 0)
            assert_true(colour_near(&im, xe - 6, y, 0, ORANGE));
        assert_true(near_rgb(img_px(&im, xe + 5, y), WHITE, 0));
        /* Top and bottom edges: the bar is bar_h thick. */
        assert_true(colour_near(&im, xa - 12,
                                ipx(2 * (chart_bar_y(&f, i) -
                                                 f.bar_h / 2 + 1)), 0, BLUE));
        assert_true(near_rgb(img_px(&im, xa - 12,
                                    ipx(2 * (chart_bar_y(&f, i) -
                                                     f.bar_h / 2 - 2))),
                             WHITE, 0));
    }
    /* The longest bar ends where the frame says; the rest in proportion. */
    assert_true(chart_bar_end(&f, 1800) == f.x + f.w);
    assert_true(dabs(chart_bar_end(&f, 1200) - (f.x + f.w * 2 / 3)) < 1e-9);
    /* No bar for zero, negative or NaN. */
    for (size_t i = 3; i < 5; i++)
        assert_true(near_rgb(img_px(&im, (int)(2 * f.x) + 3,
                                    ipx(2 * chart_bar_y(&f, i))),
                             WHITE, 0));
    img_free(&im);
    expect_svg(dir, "bars.svg");

    /* One series, a phone: still bars, still in the frame. */
    c.b_label = NULL;
    c.n = 3;
    b[1].b = 0;
    assert_int_equal(bars_in(dir, "one", &c, 360, &e), 0);
    chart_bars_frame(&c, 360, &f);
    img_load(&im, dir, "one.png");
    assert_int_equal(im.w, 720);
    assert_true(colour_near(&im, ipx(2 * chart_bar_end(&f, 1800)) - 6,
                            ipx(2 * chart_bar_y(&f, 0)), 0, BLUE));
    img_free(&im);

    /* No bars: a small chart saying so. */
    c.n = 0;
    assert_int_equal(bars_in(dir, "empty", &c, 360, &e), 0);
    img_load(&im, dir, "empty.png");
    assert_int_equal(im.h, 2 * chart_bars_height(0));
    img_free(&im);
    c.bars = NULL;
    c.n = 3;
    assert_int_equal(bars_in(dir, "null", &c, 360, &e), 0);
    assert_int_equal(e.status, 0);
    tu_rmrf(dir);
    free(dir);
}

static void test_chart__spark_pixels(void **state)
{
    char *dir = tu_tmpdir();
    double v[20], zero[8] = {0};
    struct bs_err e;
    struct img im;

    (void)state;
    for (int i = 0; i < 20; i++)
        v[i] = 10 + i % 5;
    v[7] = -1;
    clear_err(&e);
    assert_int_equal(spark_in(dir, "spark", v, 20, 120, 28, &e), 0);
    img_load(&im, dir, "spark.png");
    assert_int_equal(im.w, 240);
    assert_int_equal(im.h, 56);
    /* The dot on the last value, top right; the corners transparent. */
    assert_true(colour_near(&im, im.w - 6, 6 + (int)((14 - v[19]) / 14 *
                                                     (56 - 12)), 3, BLUE));
    assert_int_equal(img_px(&im, 0, 0) >> 24, 0);
    img_free(&im);
    /* No page links a sparkline's SVG: none is written. */
    assert_false(file_exists(dir, "spark.svg"));

    /* All zero: a flat line along the bottom. */
    assert_int_equal(spark_in(dir, "flat", zero, 8, 120, 28, &e), 0);
    img_load(&im, dir, "flat.png");
    for (int x = 20; x < 220; x += 20)
        assert_true(colour_near(&im, x, 56 - 6, 2, BLUE));
    assert_int_equal(img_px(&im, 120, 10) >> 24, 0);
    img_free(&im);

    /* Nothing to draw: an empty, transparent image. */
    assert_int_equal(spark_in(dir, "none", NULL, 5, 120, 28, &e), 0);
    assert_int_equal(spark_in(dir, "zero", v, 0, 120, 28, &e), 0);
    assert_int_equal(e.status, 0);
    tu_rmrf(dir);
    free(dir);
}

/*
 * A thread draws its PNG charts on one buffer of pixels, cleared for each:
 * an empty sparkline drawn after an opaque chart (which filled the buffer
 * with its background) is transparent in every pixel, and a chart drawn
 * again after others is the same file, byte for byte. A chart too large
 * for the buffer kept (2 x 4000 by 2 x 1200 pixels) has a surface of its
 * own, then a small one is right again.
 */
static void test_chart__pixels_reused(void **state)
{
    char *dir = tu_tmpdir();
    int32_t d0 = days_from_civil(2024, 3, 4);
    double v[14] = {20, 90, 15, 85, 10, 80, 25, -1, 70, 20, 75, 15, 60, 30};
    struct chart_daily c = {d0, 14, v, NULL, "Views", NULL, 0};
    char *first, *again;
    size_t nfirst, nagain;
    struct bs_err e;
    struct img im;

    (void)state;
    clear_err(&e);
    for (int big = 0; big < 2; big++) {
        assert_int_equal(daily_in(dir, "daily", &c, 760, 260, &e), 0);
        first = read_file(dir, "daily.png", &nfirst);
        if (big)
            assert_int_equal(daily_in(dir, "big", &c, 4000, 1200, &e), 0);
        assert_int_equal(spark_in(dir, "none", NULL, 5, 300, 100, &e), 0);
        img_load(&im, dir, "none.png");
        assert_int_equal(im.w, 600);
        for (int y = 0; y < im.h; y++)
            for (int x = 0; x < im.w; x++)
                if (img_px(&im, x, y) != 0)
                    fail_msg("pixel (%d, %d) of an empty chart: %08x", x, y,
                             (unsigned)img_px(&im, x, y));
        img_free(&im);
        assert_int_equal(spark_in(dir, "spark", v, 14, 120, 28, &e), 0);
        assert_int_equal(daily_in(dir, "daily", &c, 760, 260, &e), 0);
        again = read_file(dir, "daily.png", &nagain);
        assert_int_equal(nagain, nfirst);
        assert_memory_equal(again, first, nfirst);
        free(first);
        free(again);
    }
    assert_int_equal(e.status, 0);
    tu_rmrf(dir);
    free(dir);
}

static void test_chart__hostile_labels(void **state)
{
    char *dir = tu_tmpdir();
    char *huge = xmalloc(10001);
    double v[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    struct chart_bar b[5];
    struct chart_bars c = {b, 5, "<script>alert(1)</script>", "\x01\x02"};
    struct chart_daily d = {days_from_civil(2024, 1, 1), 10, v, v,
                            "<script>alert('x')</script>", "\xff\xfe", 0};
    struct bs_err e;
    size_t n;
    char *svg;

    (void)state;
    /* 10,000 characters, multi-byte ones among them. */
    for (size_t i = 0; i < 10000; i++)
        huge[i] = "a\xC3\xA5"[i % 3];
    huge[9999] = 'z';
    huge[10000] = '\0';
    b[0] = (struct chart_bar){huge, 10, 0};
    b[1] = (struct chart_bar){"\xff\xfe\xc3\x28 invalid \xe2\x82", 5, 1};
    b[2] = (struct chart_bar){"<script>alert(1)</script>", 4, 2};
    b[3] = (struct chart_bar){"ctl \x1b[31m\r\n\t\x7f end", 3, 0};
    b[4] = (struct chart_bar){"", 2, 0};
    clear_err(&e);
    assert_int_equal(bars_in(dir, "hostile", &c, 360, &e), 0);
    assert_int_equal(daily_in(dir, "hostile-daily", &d, 360, 220, &e),
                     0);
    b[0].label = NULL;
    assert_int_equal(bars_in(dir, "null-label", &c, 360, &e), 0);
    assert_int_equal(e.status, 0);
    svg = read_file(dir, "hostile.svg", &n);
    assert_null(strstr(svg, "<script"));
    assert_null(strstr(svg, "alert"));
    free(svg);
    expect_svg(dir, "hostile.svg");
    expect_svg(dir, "hostile-daily.svg");
    free(huge);
    tu_rmrf(dir);
    free(dir);
}

/* ---- errors -------------------------------------------------------------- */

static void test_chart__cannot_write(void **state)
{
    char *dir = tu_tmpdir();
    char *missing = tu_path(dir, "gone");
    char *blocker;
    double v[3] = {1, 2, 3};
    struct chart_daily c = {0, 3, v, NULL, "Views", NULL, 0};
    struct chart_bar b[1] = {{"x", 1, 0}};
    struct chart_bars bc = {b, 1, "Views", NULL};
    struct atomic_dir *gone;
    struct bs_err e;

    (void)state;
    /* The chart folder removed once opened: nothing can be created in
     * it, and the error names the chart. */
    clear_err(&e);
    gone = atomic_dir_open(missing, &e);
    assert_non_null(gone);
    assert_int_equal(rmdir(missing), 0);
    assert_int_equal(chart_daily_write(gone, "daily", &c, 360, 220, CHART_PNG_SVG, &e), -1);
    assert_int_equal(e.status, BS_CANTCREAT);
    assert_non_null(strstr(e.msg, "cannot create '"));
    assert_non_null(strstr(e.msg, "gone/daily.png'"));
    assert_non_null(strstr(e.msg, "No such file or directory"));

    clear_err(&e);
    assert_int_equal(chart_bars_write(gone, "bars", &bc, 360, CHART_PNG_SVG, &e), -1);
    assert_int_equal(e.status, BS_CANTCREAT);
    assert_non_null(strstr(e.msg, "bars.png"));
    clear_err(&e);
    assert_int_equal(chart_spark_write(gone, "s", v, 3, 80, 20, &e), -1);
    assert_int_equal(e.status, BS_CANTCREAT);
    /* A NULL err is allowed. */
    assert_int_equal(chart_spark_write(gone, "s", v, 3, 80, 20, NULL), -1);
    atomic_dir_close(gone);

    /* The final name taken by a directory: the rename fails, the
     * temporary file goes, and the error names the final path. */
    blocker = tu_path(dir, "taken.png");
    assert_int_equal(mkdir(blocker, 0755), 0);
    clear_err(&e);
    assert_int_equal(daily_in(dir, "taken", &c, 360, 220, &e), -1);
    assert_int_equal(e.status, BS_CANTCREAT);
    assert_non_null(strstr(e.msg, "taken.png'"));
    assert_int_equal(count_prefixed(dir, ".taken."), 0);

    /* An existing chart is replaced whole. */
    clear_err(&e);
    assert_int_equal(daily_in(dir, "again", &c, 360, 220, &e), 0);
    assert_int_equal(daily_in(dir, "again", &c, 400, 220, &e), 0);
    {
        struct img im;

        img_load(&im, dir, "again.png");
        assert_int_equal(im.w, 800);
        img_free(&im);
    }
    free(blocker);
    free(missing);
    tu_rmrf(dir);
    free(dir);
}

/* ---- links in the chart folder ------------------------------------------- */

/* A file outside the chart folder that a planted link points to. */
static char *victim(const char *dir, const char *name)
{
    return tu_write(dir, name, "precious\n", 9);
}

static void expect_untouched(const char *dir, const char *name)
{
    size_t n;
    char *text = read_file(dir, name, &n);

    assert_int_equal(n, 9);
    assert_memory_equal(text, "precious\n", 9);
    free(text);
}

/* name in dir is still a link to target. */
static void expect_link(const char *dir, const char *name, const char *target)
{
    char *p = tu_path(dir, name);
    char buf[4096];
    ssize_t n = readlink(p, buf, sizeof(buf) - 1);

    assert_true(n > 0);
    buf[n] = '\0';
    assert_string_equal(buf, target);
    free(p);
}

/* name in dir is a regular file of mode 0644 (umask 022), not a link. */
static void expect_chart_file(const char *dir, const char *name)
{
    char *p = tu_path(dir, name);
    struct stat st;

    assert_int_equal(lstat(p, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 07777, 0644);
    assert_true(st.st_size > 0);
    free(p);
}

/*
 * Links planted in the chart folder at the final names and at the names
 * of a predictable temporary file (".NAME.png.tmp"), to files outside it
 * and to names that do not exist yet: no chart is written through any of
 * them, none of their targets is created or changed, and each chart ends
 * up as a regular file in place of the link at its final name.
 */
static void test_chart__links_not_followed(void **state)
{
    static const char *const names[] = {
        "daily.png", "daily.svg", ".daily.png.tmp", ".daily.svg.tmp",
        "bars.png", "bars.svg", ".bars.png.tmp", ".bars.svg.tmp",
    };
    char *dir = tu_tmpdir(), *out = tu_tmpdir();
    char *targets[ARRAY_SIZE(names)];
    double v[3] = {1, 2, 3};
    struct chart_daily c = {0, 3, v, NULL, "Views", NULL, 0};
    struct chart_bar b[1] = {{"x", 1, 0}};
    struct chart_bars bc = {b, 1, "Views", NULL};
    mode_t old_umask = umask(022);
    struct bs_err e;
    struct img im;

    (void)state;
    /* daily's links point to files that exist, bars' to missing ones. */
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        char tname[64], *link = tu_path(dir, names[i]);

        snprintf(tname, sizeof(tname), "target%zu", i);
        if (i < 4)
            targets[i] = victim(out, tname);
        else
            targets[i] = tu_path(out, tname);
        assert_int_equal(symlink(targets[i], link), 0);
        free(link);
    }
    clear_err(&e);
    assert_int_equal(daily_in(dir, "daily", &c, 360, 220, &e), 0);
    assert_int_equal(bars_in(dir, "bars", &bc, 360, &e), 0);
    assert_int_equal(e.status, 0);

    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        char tname[64];

        snprintf(tname, sizeof(tname), "target%zu", i);
        if (i < 4)
            expect_untouched(out, tname);
        else
            assert_false(file_exists(out, tname));
        if (names[i][0] == '.')
            expect_link(dir, names[i], targets[i]);
        else
            expect_chart_file(dir, names[i]);
        free(targets[i]);
    }
    img_load(&im, dir, "daily.png");
    assert_int_equal(im.w, 2 * 360);
    img_free(&im);
    expect_svg(dir, "bars.svg");
    /* Only the planted ".NAME.EXT.tmp" links start with ".daily." and
     * ".bars.": no temporary file is left. */
    assert_int_equal(count_prefixed(dir, ".daily."), 2);
    assert_int_equal(count_prefixed(dir, ".bars."), 2);
    umask(old_umask);
    tu_rmrf(dir);
    tu_rmrf(out);
    free(dir);
    free(out);
}

/* Sizes out of range are clamped, not trusted. */
static void test_chart__sizes_clamped(void **state)
{
    char *dir = tu_tmpdir();
    double v[3] = {1, 2, 3};
    struct bs_err e;
    struct img im;

    (void)state;
    clear_err(&e);
    assert_int_equal(spark_in(dir, "tiny", v, 3, -5, 0, &e), 0);
    img_load(&im, dir, "tiny.png");
    assert_int_equal(im.w, 2 * CHART_MIN_PX);
    assert_int_equal(im.h, 2 * CHART_MIN_PX);
    img_free(&im);
    assert_int_equal(spark_in(dir, "wide", v, 3, 1000000, 20, &e),
                     0);
    img_load(&im, dir, "wide.png");
    assert_int_equal(im.w, 2 * CHART_MAX_PX);
    img_free(&im);
    tu_rmrf(dir);
    free(dir);
}

static int teardown(void **state)
{
    (void)state;
    chart_cleanup();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chart__tick_step_known),
        cmocka_unit_test(test_chart__tick_step_properties),
        cmocka_unit_test(test_chart__thousands),
        cmocka_unit_test(test_chart__moving_average),
        cmocka_unit_test(test_chart__date_ticks_every_day),
        cmocka_unit_test(test_chart__date_ticks_weeks),
        cmocka_unit_test(test_chart__date_ticks_year),
        cmocka_unit_test(test_chart__date_ticks_one_day),
        cmocka_unit_test(test_chart__date_ticks_sweep),
        cmocka_unit_test(test_chart__daily_frame),
        cmocka_unit_test(test_chart__bars_frame),
        cmocka_unit_test(test_chart__colours),
        cmocka_unit_test(test_chart__daily_pixels),
        cmocka_unit_test(test_chart__daily_partial_last),
        cmocka_unit_test(test_chart__daily_two_series),
        cmocka_unit_test(test_chart__daily_flat_and_single),
        cmocka_unit_test(test_chart__bars_pixels),
        cmocka_unit_test(test_chart__spark_pixels),
        cmocka_unit_test(test_chart__pixels_reused),
        cmocka_unit_test(test_chart__hostile_labels),
        cmocka_unit_test(test_chart__cannot_write),
        cmocka_unit_test(test_chart__links_not_followed),
        cmocka_unit_test(test_chart__sizes_clamped),
    };

    return cmocka_run_group_tests(tests, NULL, teardown);
}
