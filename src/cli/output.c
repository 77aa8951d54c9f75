/*
 * output.c - tables for people (aligned, cut with "…"), CSV and JSON.
 */
#include "blogstat.h"
#include "output.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* The cells, row-major, each a NUL-terminated string at text + off[i]:
 * one buffer for them all, so that a table of a million rows costs its
 * bytes, not a million allocations. A streamed table (out_stream())
 * holds only the row being added: each complete row is written out. */
struct out_table {
    const struct out_column *cols;
    int ncols;
    char *text;            /* owned */
    size_t len, text_cap;
    size_t *off;           /* owned */
    size_t ncells, cap;
    FILE *stream;          /* NULL: kept until out_print() */
    enum out_format fmt;   /* the stream's */
    size_t streamed;       /* rows written out */
};

static char *cell_at(const struct out_table *t, size_t i)
{
    return t->text + t->off[i];
}

int out_format_parse(const char *name, enum out_format *fmt)
{
    if (strcmp(name, "table") == 0)
        *fmt = OUT_TABLE;
    else if (strcmp(name, "csv") == 0)
        *fmt = OUT_CSV;
    else if (strcmp(name, "json") == 0)
        *fmt = OUT_JSON;
    else
        return -1;
    return 0;
}

struct out_table *out_new(const struct out_column *cols, int ncols)
{
    struct out_table *t = xcalloc(1, sizeof(*t));

    t->cols = cols;
    t->ncols = ncols;
    return t;
}

void out_free(struct out_table *t)
{
    if (!t)
        return;
    free(t->text);
    free(t->off);
    free(t);
}


/*
 * s with each invisible format character (utf8_invisible()) written as
 * "<U+XXXX>", for a terminal or a spreadsheet; NULL when s has none.
 */
static char *visible(const char *s)
{
    size_t n = strlen(s), o = 0, cap = n * 4 + 1;
    char *out = NULL;

    for (size_t i = 0; i < n; i++) {
        uint32_t cp;
        size_t k = utf8_invisible(s + i, n - i, &cp);

        if (!k && !out)
            continue;
        if (!out) {
            out = xmalloc(cap);
            memcpy(out, s, i);
            o = i;
        }
        if (k) {
            o += (size_t)snprintf(out + o, cap - o, "<U+%04X>", (unsigned)cp);
            i += k - 1;
        } else {
            out[o++] = s[i];
        }
    }
    if (out)
        out[o] = '\0';
    return out;
}

/* The cells as a table or CSV shows them: a cell with an invisible
 * character as a copy (visible()), the others as they are. Free with
 * free_shown(). */
static char **shown_cells(const struct out_table *t)
{
    char **c = xcalloc(t->ncells + 1, sizeof(*c));

    for (size_t i = 0; i < t->ncells; i++) {
        c[i] = visible(cell_at(t, i));
        if (!c[i])
            c[i] = cell_at(t, i);
    }
    return c;
}

static void free_shown(const struct out_table *t, char **c)
{
    for (size_t i = 0; i < t->ncells; i++)
        if (c[i] != cell_at(t, i))
            free(c[i]);
    free(c);
}

/* Room for a cell of at most n bytes (and its NUL) at text + len. */
static char *cell_room(struct out_table *t, size_t n)
{
    if (t->ncells == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 64;
        t->off = xrealloc(t->off, t->cap * sizeof(*t->off));
    }
    if (t->text_cap - t->len < n + 1) {
        while (t->text_cap - t->len < n + 1)
            t->text_cap = t->text_cap ? t->text_cap * 2 : 4096;
        t->text = xrealloc(t->text, t->text_cap);
    }
    t->off[t->ncells++] = t->len;
    return t->text + t->len;
}

/* A cell of s as valid UTF-8 with no control characters, so that no
 * cell can carry a terminal escape or break a CSV or JSON line. */
static void stream_row(struct out_table *t);

void out_add_text(struct out_table *t, const char *s)
{
    size_t n = s ? strlen(s) : 0, cap = n * 3 + 4;
    char *at = cell_room(t, cap);

    t->len += utf8_sanitize(s ? s : "", n, at, cap) + 1;
    stream_row(t);
}

void out_add_int(struct out_table *t, int64_t v)
{
    char *at = cell_room(t, 24);

    t->len += (size_t)snprintf(at, 24, "%" PRId64, v) + 1;
    stream_row(t);
}

size_t out_rows(const struct out_table *t)
{
    return t->streamed + t->ncells / (size_t)t->ncols;
}

size_t out_text_width(const char *s)
{
    size_t w = 0;

    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

const char *out_short_path(const char *path, const char *cwd, size_t width,
                           char *buf, size_t cap)
{
    size_t n = cwd ? strlen(cwd) : 0, head, wh;
    const char *p = path, *tail, *s;

    /* getcwd() ends with no slash but for "/", which shortens nothing. */
    if (n > 1 && strncmp(path, cwd, n) == 0 && path[n] == '/' && path[n + 1])
        p = path + n + 1;
    tail = strrchr(p, '/');
    s = strchr(p + (*p == '/'), '/');
    if (out_text_width(p) <= width || !tail || tail == p || !tail[1]) {
        snprintf(buf, cap, "%s", p);
        return buf;
    }
    /* The first folder, with its slash ("/srv/", "logs/"), when it is
     * not the last one. */
    head = s && s < tail ? (size_t)(s + 1 - p) : 0;
    wh = 0;
    for (size_t i = 0; i < head; i++)
        wh += ((unsigned char)p[i] & 0xC0) != 0x80;
    s = tail + 1;
    if (wh + 2 + out_text_width(s) > width)
        head = wh = 0;
    /* Take in the part before the tail while the line still fits. */
    while (s - 1 > p + head) {
        const char *q = s - 2;

        while (q > p + head && *q != '/')
            q--;
        if (q <= p + head || wh + 2 + out_text_width(q + 1) > width)
            break;
        s = q + 1;
    }
    snprintf(buf, cap, "%.*s…/%s", (int)head, p, s);
    return buf;
}

/* Print s in at most width columns, cutting with "…", padded. */
static void put_cell(FILE *f, const char *s, size_t width, int right)
{
    size_t w = out_text_width(s), pad;

    if (w > width) {
        size_t cols = 0;
        const char *p = s;

        /* Keep width - 1 code points, then the ellipsis. */
        while (*p) {
            if (((unsigned char)*p & 0xC0) != 0x80) {
                if (cols == width - 1)
                    break;
                cols++;
            }
            p++;
        }
        fwrite(s, 1, (size_t)(p - s), f);
        fputs("…", f);
        return;
    }
    pad = width - w;
    if (right)
        for (size_t i = 0; i < pad; i++)
            fputc(' ', f);
    fputs(s, f);
    if (!right)
        for (size_t i = 0; i < pad; i++)
            fputc(' ', f);
}

/* Print one table line of cells (NULL: a hidden column), no trailing
 * blanks. */
static void table_line(FILE *f, const struct out_table *t,
                       const char *const *cells, const size_t *width)
{
    int last = -1, first = 1;

    for (int c = 0; c < t->ncols; c++)
        if (cells[c] && (cells[c][0] || t->cols[c].type == OUT_INT))
            last = c;
    for (int c = 0; c <= last; c++) {
        int right = t->cols[c].type == OUT_INT ||
                    t->cols[c].type == OUT_AMOUNT;
        size_t w = width[c];

        if (!cells[c])
            continue;
        if (!first)
            fputs("  ", f);
        first = 0;
        if (c == last && !right && out_text_width(cells[c]) < w)
            w = out_text_width(cells[c]);
        put_cell(f, cells[c], w, right);
    }
    fputc('\n', f);
}

static void print_table(const struct out_table *t, char *const *cells,
                        FILE *f)
{
    size_t rows = out_rows(t), nc = (size_t)t->ncols;
    size_t *width = xcalloc(nc, sizeof(*width));
    const char **line = xcalloc(nc, sizeof(*line));
    int *shown = xcalloc(nc, sizeof(*shown));

    for (size_t c = 0; c < nc; c++) {
        const char *title = t->cols[c].title ? t->cols[c].title
                                             : t->cols[c].name;

        /* A text column empty in every row (titles before an import, no
         * errors) only takes room: leave it out. */
        shown[c] = t->cols[c].type == OUT_INT;
        width[c] = out_text_width(title);
        for (size_t r = 0; r < rows; r++) {
            const char *cell = cells[r * nc + c];
            size_t w = out_text_width(cell);

            if (cell[0])
                shown[c] = 1;
            if (w > width[c])
                width[c] = w;
        }
        if (rows == 0)
            shown[c] = 1;
        if (t->cols[c].max_width > 0 &&
            width[c] > (size_t)t->cols[c].max_width)
            width[c] = (size_t)t->cols[c].max_width;
    }
    for (size_t c = 0; c < nc; c++)
        line[c] = !shown[c] ? NULL
                  : t->cols[c].title ? t->cols[c].title : t->cols[c].name;
    table_line(f, t, line, width);
    for (size_t r = 0; r < rows; r++) {
        for (size_t c = 0; c < nc; c++)
            line[c] = shown[c] ? cells[r * nc + c] : NULL;
        table_line(f, t, line, width);
    }
    free(shown);
    free(line);
    free(width);
}

/* A cell a spreadsheet would take for a number (an optional sign, digits,
 * '.' and ',', an optional '%'), or dashes alone ("--", the unknown
 * country): nothing that can call or refer to anything. */
static int inert(const char *s)
{
    int digits = 0;

    if (strspn(s, "-") == strlen(s))
        return 1;

    if (*s == '+' || *s == '-')
        s++;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9')
            digits = 1;
        else if (*s != '.' && *s != ',')
            break;
    }
    return digits && (*s == '\0' || (*s == '%' && s[1] == '\0'));
}

/*
 * A CSV field per RFC 4180. A text cell that a spreadsheet would read as
 * a formula (it begins with '=', '+', '-', '@', a tab or a CR, and is not
 * a plain number such as "-12%" or dashes alone) gets a leading "'"
 * (OWASP's rule for CSV injection): the text stays readable and never
 * runs.
 */
static void csv_field(FILE *f, const char *s, int text)
{
    int formula = text && *s && strchr("=+-@\t\r", *s) && !inert(s);

    if (!formula && !strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    if (formula)
        fputc('\'', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void csv_header(const struct out_table *t, FILE *f)
{
    for (int c = 0; c < t->ncols; c++) {
        if (c)
            fputc(',', f);
        csv_field(f, t->cols[c].name, 0);
    }
    fputc('\n', f);
}

/* The row of the cells at cells[0 .. ncols). */
static void csv_row(const struct out_table *t, char *const *cells, FILE *f)
{
    for (int c = 0; c < t->ncols; c++) {
        if (c)
            fputc(',', f);
        csv_field(f, cells[c], t->cols[c].type == OUT_TEXT);
    }
    fputc('\n', f);
}

static void print_csv(const struct out_table *t, char *const *cells, FILE *f)
{
    size_t rows = t->ncells / (size_t)t->ncols;

    if (t->streamed == 0)
        csv_header(t, f);
    for (size_t r = 0; r < rows; r++)
        csv_row(t, cells + r * (size_t)t->ncols, f);
}

static void json_string(FILE *f, const char *s)
{
    const char *end = s + strlen(s);

    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        uint32_t cp;
        size_t k = utf8_invisible(s, (size_t)(end - s), &cp);

        if (k) {
            fprintf(f, "\\u%04x", (unsigned)cp);
            s += k - 1;
            continue;
        }
        switch (c) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            /* "<" too, so that the output is safe inside HTML <script>. */
            if (c < 0x20 || c == '<' || c == '>' || c == '&')
                fprintf(f, "\\u%04x", c);
            else
                fputc(c, f);
        }
    }
    fputc('"', f);
}

/* Row r of the cells held; first: no row before it was written. */
static void json_row(const struct out_table *t, size_t r, int first, FILE *f)
{
    fputs(first ? "\n {" : ",\n {", f);
    for (int c = 0; c < t->ncols; c++) {
        const char *cell = cell_at(t, r * (size_t)t->ncols + c);

        if (c)
            fputs(", ", f);
        json_string(f, t->cols[c].name);
        fputs(": ", f);
        if (t->cols[c].type == OUT_INT)
            fputs(cell, f);
        else
            json_string(f, cell);
    }
    fputc('}', f);
}

static void print_json(const struct out_table *t, FILE *f)
{
    size_t rows = t->ncells / (size_t)t->ncols;

    if (t->streamed == 0)
        fputc('[', f);
    for (size_t r = 0; r < rows; r++)
        json_row(t, r, t->streamed + r == 0, f);
    fputs(t->streamed + rows ? "\n]\n" : "]\n", f);
}

void out_stream(struct out_table *t, enum out_format fmt, FILE *f)
{
    if (fmt == OUT_TABLE || t->ncells)
        return;
    t->stream = f;
    t->fmt = fmt;
}

/* A streamed table's complete row, written and forgotten; the first
 * after the header (so that a command that fails before its first row
 * writes nothing). */
static void stream_row(struct out_table *t)
{
    if (!t->stream || t->ncells < (size_t)t->ncols)
        return;
    if (t->streamed == 0) {
        if (t->fmt == OUT_CSV)
            csv_header(t, t->stream);
        else
            fputc('[', t->stream);
    }
    if (t->fmt == OUT_JSON) {
        json_row(t, 0, t->streamed == 0, t->stream);
    } else {
        for (int c = 0; c < t->ncols; c++) {
            char *shown = visible(cell_at(t, (size_t)c));

            if (c)
                fputc(',', t->stream);
            csv_field(t->stream, shown ? shown : cell_at(t, (size_t)c),
                      t->cols[c].type == OUT_TEXT);
            free(shown);
        }
        fputc('\n', t->stream);
    }
    t->streamed++;
    t->ncells = t->len = 0;
}

int out_print(const struct out_table *t, enum out_format fmt, FILE *f)
{
    char **cells;

    if (fmt == OUT_JSON) {
        print_json(t, f);
        return ferror(f) ? -1 : 0;
    }
    cells = shown_cells(t);
    if (fmt == OUT_TABLE)
        print_table(t, cells, f);
    else
        print_csv(t, cells, f);
    free_shown(t, cells);
    return ferror(f) ? -1 : 0;
}
