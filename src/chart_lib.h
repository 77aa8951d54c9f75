/*
 * chart_lib.h - cairo, pango and libpng, opened by the first chart.
 *
 * The charts are the only part of blogstat that draws; the libraries they
 * draw with (cairo, pango, their fonts and shapers, glib, libpng: some
 * thirty shared objects) are opened by chart_lib_load() rather than
 * linked, so that ingest, top and the other commands do not load them at
 * every start (they would add 10 ms to a start of 7). chart.c and chart_out.c
 * call them through the table gfx, whose members carry the libraries'
 * own names: gfx.cairo_move_to(cr, x, y).
 */
#ifndef BLOGSTAT_CHART_LIB_H
#define BLOGSTAT_CHART_LIB_H

#include <cairo.h>
#include <cairo-svg.h>
#include <pango/pangocairo.h>
#include <png.h>

struct bs_err;

#define CHART_LIB_CALLS(X)                                                    \
    X(cairo_arc) X(cairo_clip) X(cairo_close_path) X(cairo_create)            \
    X(cairo_debug_reset_static_data) X(cairo_destroy) X(cairo_fill)           \
    X(cairo_fill_preserve) X(cairo_font_options_create)                       \
    X(cairo_font_options_destroy) X(cairo_font_options_set_antialias)         \
    X(cairo_font_options_set_hint_metrics)                                    \
    X(cairo_font_options_set_hint_style) X(cairo_format_stride_for_width)     \
    X(cairo_image_surface_create) X(cairo_image_surface_create_for_data)      \
    X(cairo_image_surface_get_data) X(cairo_image_surface_get_format)         \
    X(cairo_image_surface_get_height) X(cairo_image_surface_get_stride)       \
    X(cairo_image_surface_get_width) X(cairo_line_to) X(cairo_move_to)        \
    X(cairo_new_sub_path) X(cairo_paint) X(cairo_rectangle)                   \
    X(cairo_restore) X(cairo_save) X(cairo_set_dash) X(cairo_set_line_cap)    \
    X(cairo_set_line_join) X(cairo_set_line_width) X(cairo_set_source_rgba)   \
    X(cairo_status) X(cairo_status_to_string) X(cairo_stroke)                 \
    X(cairo_surface_destroy) X(cairo_surface_finish) X(cairo_surface_flush)   \
    X(cairo_surface_set_device_scale) X(cairo_surface_status)                 \
    X(cairo_svg_surface_create_for_stream)                                    \
    X(cairo_svg_surface_set_document_unit) X(g_object_unref)                  \
    X(pango_cairo_context_set_font_options) X(pango_cairo_create_context)     \
    X(pango_cairo_font_map_get_default) X(pango_cairo_font_map_set_default)   \
    X(pango_cairo_show_layout) X(pango_context_set_round_glyph_positions)     \
    X(pango_font_description_free) X(pango_font_description_from_string)      \
    X(pango_font_description_set_absolute_size)                               \
    X(pango_font_map_create_context) X(pango_layout_get_baseline)             \
    X(pango_layout_get_extents) X(pango_layout_new)                           \
    X(pango_layout_set_ellipsize) X(pango_layout_set_font_description)        \
    X(pango_layout_set_single_paragraph_mode) X(pango_layout_set_text)        \
    X(pango_layout_set_width) X(png_create_info_struct)                       \
    X(png_create_write_struct) X(png_destroy_write_struct) X(png_error)       \
    X(png_get_io_ptr) X(png_longjmp) X(png_set_IHDR) X(png_set_bKGD)          \
    X(png_set_compression_level) X(png_set_filter) X(png_set_longjmp_fn)      \
    X(png_set_write_fn) X(png_write_end) X(png_write_info) X(png_write_row)

#define CHART_LIB_MEMBER(f) __typeof__(f) *(f);
struct chart_lib {
    CHART_LIB_CALLS(CHART_LIB_MEMBER)
};
#undef CHART_LIB_MEMBER

/* Filled by chart_lib_load(); read only after it returned 0. */
extern struct chart_lib gfx;

/* Open the libraries once (any thread, any number of times): 0, or -1
 * with err saying which is missing. */
int chart_lib_load(struct bs_err *err);

/* Whether chart_lib_load() has succeeded. */
int chart_lib_loaded(void);

#endif
