/*
 * output.h - print a table of rows as aligned text, CSV or JSON.
 *
 * Strings are copied in; anything that came from a log or an import is
 * treated as hostile: control characters never reach a terminal, CSV
 * fields are quoted per RFC 4180 and a text cell that a spreadsheet would
 * run as a formula gets a leading "'", JSON strings are escaped, invalid
 * UTF-8 becomes U+FFFD, and bidirectional controls and invisible marks
 * (utf8_invisible()) are shown as <U+XXXX> (JSON: \uXXXX).
 */
#ifndef BLOGSTAT_OUTPUT_H
#define BLOGSTAT_OUTPUT_H

#include "blogstat.h"

#include <stdio.h>

enum out_format { OUT_TABLE, OUT_CSV, OUT_JSON };

/* "table", "csv", "json" -> format; -1 when unknown. */
int out_format_parse(const char *name, enum out_format *fmt);

/* OUT_TEXT: text from a log or an import, hostile. OUT_INT: a number.
 * OUT_WORD: text blogstat writes itself (a country code "--", a change
 * "-12%"): shown as OUT_TEXT, never taken for a formula in CSV.
 * OUT_AMOUNT: an OUT_WORD that reads as a number ("8.2 kB"): aligned
 * right in a table. */
enum out_type { OUT_TEXT, OUT_INT, OUT_WORD, OUT_AMOUNT };

struct out_column {
    const char *name;      /* the csv header and json key */
    const char *title;     /* the table header, NULL: as name */
    enum out_type type;
    int max_width;         /* table: cut longer text with an ellipsis; 0: no */
};

struct out_table;

/* cols must outlive the table. Caller frees with out_free(). */
struct out_table *out_new(const struct out_column *cols, int ncols);
void out_free(struct out_table *t);
/* Append a row: values are given as strings (ints formatted by caller
 * with out_add_int) in column order. */
void out_add_text(struct out_table *t, const char *s);
void out_add_int(struct out_table *t, int64_t v);
/* Write each row to f as soon as it is complete (CSV and JSON; a table
 * for people is kept to align it): called before the first row, with
 * out_print() of the same fmt and f at the end, so that a table of a
 * million rows costs one row of memory. */
void out_stream(struct out_table *t, enum out_format fmt, FILE *f);
/* Write everything to f (what out_stream() has not written, and the
 * end). Returns 0, or -1 when writing failed. */
int out_print(const struct out_table *t, enum out_format fmt, FILE *f);
/* Number of complete rows. */
size_t out_rows(const struct out_table *t);

/* Width of s on a terminal, counting code points (approximation). */
size_t out_text_width(const char *s);

/*
 * path as a person reads it in width columns: relative to the folder cwd
 * when inside it (cwd NULL: as given) and, when still wider, cut in the
 * middle at slashes, "/srv/…/logs/access.log.2.gz": its first folder,
 * "…", and as many of its last parts as fit, never less than the file's
 * own name (which alone may be wider). Written into buf[cap] (cut at
 * cap); returns buf.
 */
const char *out_short_path(const char *path, const char *cwd, size_t width,
                           char *buf, size_t cap);

#endif
