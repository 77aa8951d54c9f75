/*
 * chart_out.c - writing a chart: render it with cairo onto an image
 * surface (twice the CSS size) and encode the PNG with libpng, or onto
 * an SVG surface, each through an atomic file (atomicfile.h).
 */
#include "blogstat.h"
#include "atomicfile.h"
#include "chart.h"
#include "chart_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart_lib.h"

/* Where cairo's PNG and SVG writers send their bytes. */
struct sink {
    FILE *f;
    int err;                  /* errno of the first failed write */
};

static cairo_status_t sink_write(void *closure, const unsigned char *data,
                                 unsigned int len)
{
    struct sink *sk = closure;

    if (fwrite(data, 1, len, sk->f) != len) {
        if (!sk->err)
            sk->err = errno ? errno : EIO;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

/*
 * PNG through libpng rather than cairo_surface_write_to_png_stream(): the
 * same pixels in the same colour type (RGB when every pixel is opaque,
 * else RGBA unpremultiplied, as cairo writes them) with a white bKGD, but
 * rows unfiltered and deflated at level 3. cairo keeps libpng's defaults
 * (level 6, every filter tried on every row), which took 40% of the time
 * of a year's report for files 1.5% smaller: charts are flat colour,
 * which deflate finds a row up without a filter.
 */
#define PNG_LEVEL 3

static void png_sink(png_structp png, png_bytep data, size_t len)
{
    struct sink *sk = gfx.png_get_io_ptr(png);

    /* On failure sink_write() keeps the errno; the caller sees it. */
    while (len > 0) {
        unsigned int n = len > 1u << 30 ? 1u << 30 : (unsigned int)len;

        if (sink_write(sk, data, n) != CAIRO_STATUS_SUCCESS)
            gfx.png_error(png, "write failed");
        data += n;
        len -= n;
    }
}

static void png_flush_sink(png_structp png)
{
    (void)png;
}

/* libpng's errors end in png_encode()'s setjmp, silently: the caller
 * reports the failure once, with the file and the sink's errno. */
static void png_fail(png_structp png, png_const_charp msg)
{
    (void)msg;
    gfx.png_longjmp(png, 1);
}

static void png_warn(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

/* Row src of an RGB24 or ARGB32 surface as PNG bytes: RGB, or RGBA
 * unpremultiplied. */
static void png_row(const unsigned char *src, int w, int alpha,
                    unsigned char *row)
{
    unsigned char *o = row;

    for (int x = 0; x < w; x++) {
        uint32_t px;
        unsigned a;

        memcpy(&px, src + 4 * (size_t)x, sizeof(px));
        if (!alpha) {
            *o++ = (unsigned char)(px >> 16);
            *o++ = (unsigned char)(px >> 8);
            *o++ = (unsigned char)px;
            continue;
        }
        a = px >> 24;
        if (a == 0) {
            o[0] = o[1] = o[2] = o[3] = 0;
        } else {
            o[0] = (unsigned char)((((px >> 16) & 0xff) * 255 + a / 2) / a);
            o[1] = (unsigned char)((((px >> 8) & 0xff) * 255 + a / 2) / a);
            o[2] = (unsigned char)(((px & 0xff) * 255 + a / 2) / a);
            o[3] = (unsigned char)a;
        }
        o += 4;
    }
}

/* The libpng part, apart so that its longjmp() crosses no variable of
 * write_png() that changes after setjmp(). */
static int png_encode(png_structp png, png_infop info, struct sink *sk,
                      const unsigned char *data, int w, int h, int stride,
                      int alpha, unsigned char *row)
{
    png_color_16 white;

    /* png_jmpbuf(png), through the table */
    if (setjmp(*gfx.png_set_longjmp_fn(png, longjmp, sizeof(jmp_buf))))
        return -1;
    gfx.png_set_write_fn(png, sk, png_sink, png_flush_sink);
    gfx.png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8,
                     alpha ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB,
                     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                     PNG_FILTER_TYPE_DEFAULT);
    memset(&white, 0, sizeof(white));
    white.red = white.green = white.blue = 0xff;
    gfx.png_set_bKGD(png, info, &white);
    gfx.png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    gfx.png_set_compression_level(png, PNG_LEVEL);
    gfx.png_write_info(png, info);
    for (int y = 0; y < h; y++) {
        png_row(data + (size_t)y * (size_t)stride, w, alpha, row);
        gfx.png_write_row(png, row);
    }
    gfx.png_write_end(png, info);
    return 0;
}

static cairo_status_t write_png(cairo_surface_t *s, struct sink *sk)
{
    cairo_format_t fmt = gfx.cairo_image_surface_get_format(s);
    int w, h, stride, alpha = 0, rc;
    const unsigned char *data;
    unsigned char *row;
    png_structp png;
    png_infop info;

    gfx.cairo_surface_flush(s);
    w = gfx.cairo_image_surface_get_width(s);
    h = gfx.cairo_image_surface_get_height(s);
    stride = gfx.cairo_image_surface_get_stride(s);
    data = gfx.cairo_image_surface_get_data(s);
    if (!data || w <= 0 || h <= 0 ||
        (fmt != CAIRO_FORMAT_RGB24 && fmt != CAIRO_FORMAT_ARGB32))
        return CAIRO_STATUS_INVALID_FORMAT;
    for (int y = 0; fmt == CAIRO_FORMAT_ARGB32 && y < h && !alpha; y++)
        for (int x = 0; x < w && !alpha; x++) {
            uint32_t px;

            memcpy(&px, data + (size_t)y * (size_t)stride + 4 * (size_t)x,
                   sizeof(px));
            alpha = px >> 24 != 0xff;
        }
    png = gfx.png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, png_fail,
                                      png_warn);
    info = png ? gfx.png_create_info_struct(png) : NULL;
    if (!info) {
        gfx.png_destroy_write_struct(&png, NULL);
        return CAIRO_STATUS_NO_MEMORY;
    }
    row = xmalloc((size_t)w * (alpha ? 4 : 3));
    rc = png_encode(png, info, sk, data, w, h, stride, alpha, row);
    gfx.png_destroy_write_struct(&png, &info);
    free(row);
    return rc ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/*
 * The pixels of the thread's PNG charts, one chart after another: a
 * fresh image surface is fresh memory, and the first write of each of
 * its pages costs a fault (some 700 for a chart of 720 x 240, drawn
 * at twice that; about 10 us each on some virtual machines); this buffer
 * is taken in once and cleared for each chart. Up to PIXELS_KEPT bytes
 * stay between charts; a larger chart has a surface of its own.
 */
#define PIXELS_KEPT ((size_t)32 << 20)
static _Thread_local unsigned char *pixels;
static _Thread_local size_t pixels_cap;

void chart_out_thread_cleanup(void)
{
    free(pixels);
    pixels = NULL;
    pixels_cap = 0;
}

/* An image surface of w x h pixels, cleared: on the thread's buffer
 * when it fits there. */
static cairo_surface_t *image_surface(cairo_format_t fmt, int w, int h)
{
    int stride = gfx.cairo_format_stride_for_width(fmt, w);
    size_t n = (size_t)stride * (size_t)h;

    if (stride <= 0 || n > PIXELS_KEPT)
        return gfx.cairo_image_surface_create(fmt, w, h);
    if (n > pixels_cap) {
        free(pixels);
        pixels = xcalloc_filled(n, 1);
        pixels_cap = n;
    } else {
        memset(pixels, 0, n);
    }
    return gfx.cairo_image_surface_create_for_data(pixels, fmt, w, h,
                                                   stride);
}

static cairo_status_t render(cairo_surface_t *s, int w, int h, draw_fn *fn,
                             const void *arg)
{
    struct canvas cv;
    cairo_status_t st;

    cv.cr = gfx.cairo_create(s);
    cv.pc = gfx.pango_cairo_create_context(cv.cr);
    chart_context_setup(cv.pc);
    cv.w = w;
    cv.h = h;
    fn(&cv, arg);
    gfx.g_object_unref(cv.pc);
    st = gfx.cairo_status(cv.cr);
    gfx.cairo_destroy(cv.cr);
    return st;
}

/*
 * Render into DIR/NAME.EXT through an atomic file, created inside the
 * folder dir holds open: a reader never sees half a chart, and a link
 * planted at any name in DIR, or in place of DIR, is never written
 * through. On failure the temporary file goes and NAME.EXT stays as it
 * was.
 */
static int write_one(const struct atomic_dir *dir, const char *name, int svg,
                     const struct chart_job *job, struct bs_err *err)
{
    int w = job->w, h = job->h;
    size_t n = strlen(name) + 5;
    char *file = xmalloc(n);
    struct atomic_file *af;
    struct sink sk = {NULL, 0};
    cairo_surface_t *s;
    cairo_status_t st;
    int rc;

    snprintf(file, n, "%s%s", name, svg ? ".svg" : ".png");
    af = atomic_open_at(dir, file, 0644, err);
    free(file);
    if (!af)
        return -1;
    sk.f = atomic_stream(af);
    if (svg) {
        s = gfx.cairo_svg_surface_create_for_stream(sink_write, &sk, w, h);
        gfx.cairo_svg_surface_set_document_unit(s, CAIRO_SVG_UNIT_PX);
    } else {
        /* Opaque charts as RGB: a quarter less for libpng to encode. */
        s = image_surface(job->opaque ? CAIRO_FORMAT_RGB24
                                      : CAIRO_FORMAT_ARGB32,
                          2 * w, 2 * h);
        gfx.cairo_surface_set_device_scale(s, 2, 2);
    }
    st = gfx.cairo_surface_status(s);
    if (st == CAIRO_STATUS_SUCCESS)
        st = render(s, w, h, job->fn, job->arg);
    if (st == CAIRO_STATUS_SUCCESS && !svg)
        st = write_png(s, &sk);
    gfx.cairo_surface_finish(s);
    if (st == CAIRO_STATUS_SUCCESS)
        st = gfx.cairo_surface_status(s);
    gfx.cairo_surface_destroy(s);
    if (st == CAIRO_STATUS_SUCCESS) {
        rc = atomic_commit(af, err);
    } else {
        /* A write that failed is the disk's: an I/O error, as the
         * commit's. */
        rc = bs_fail(err, sk.err ? BS_IOERR : BS_CANTCREAT,
                     "cannot write '%s': %s", atomic_path(af),
                     sk.err ? strerror(sk.err)
                            : gfx.cairo_status_to_string(st));
        atomic_abort(af);
    }
    return rc;
}

int chart_clamp_px(int v)
{
    return v < CHART_MIN_PX ? CHART_MIN_PX : v > CHART_MAX_PX ? CHART_MAX_PX
                                                              : v;
}

int chart_write(const struct atomic_dir *dir, const char *name,
                const struct chart_job *job, struct bs_err *err)
{
    if (chart_lib_load(err) < 0)
        return -1;
    if (write_one(dir, name, 0, job, err) < 0)
        return -1;
    return job->svg ? write_one(dir, name, 1, job, err) : 0;
}
