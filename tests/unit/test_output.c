/*
 * test_output.c - tables as aligned text, CSV and JSON (README.md "The
 * tables", include/output.h), compared byte for byte.
 */
#include "blogstat.h"
#include "output.h"
#include "testutil.h"

#define FFFD "\xEF\xBF\xBD"    /* U+FFFD, the replacement character */

/* What out_print writes, as a malloc'ed string. */
static char *render(const struct out_table *t, enum out_format fmt)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);

    assert_non_null(f);
    assert_int_equal(out_print(t, fmt, f), 0);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(strlen(buf), n);
    return buf;
}

/* Compare with the expected output, printing both when they differ; frees
 * the table and the rendering before failing. */
static void expect_out(struct out_table *t, enum out_format fmt,
                       const char *want)
{
    char *got = render(t, fmt);
    int same = strcmp(got, want) == 0;

    if (!same)
        printf("format %d\n--- expected ---\n%s--- got ---\n%s---\n", (int)fmt,
               want, got);
    free(got);
    if (!same) {
        out_free(t);
        fail_msg("output differs (shown above)");
    }
}

static const struct out_column post_cols[] = {
    {"path", NULL, OUT_TEXT, 0},
    {"title", NULL, OUT_TEXT, 0},
    {"views", NULL, OUT_INT, 0},
};

static struct out_table *posts_table(void)
{
    struct out_table *t = out_new(post_cols, 3);

    out_add_text(t, "/2013/02/07/säkerhet/");
    out_add_text(t, "Säkerhet");
    out_add_int(t, 1234);
    out_add_text(t, "/om-mig/");
    out_add_text(t, "Om mig");
    out_add_int(t, 5);
    out_add_text(t, "/");
    out_add_text(t, "");
    out_add_int(t, 0);
    return t;
}

/* ---- streamed ------------------------------------------------------------ */

/* The rows of t added to a streamed table of the same columns: what it
 * writes while rows come (nothing before the first is whole) and at
 * out_print(), in one string. */
static char *render_streamed(int nrows, const char *const *cells,
                             enum out_format fmt)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    struct out_table *t = out_new(post_cols, 3);

    assert_non_null(f);
    out_stream(t, fmt, f);
    for (int r = 0; r < nrows; r++) {
        out_add_text(t, cells[r * 3]);
        out_add_text(t, cells[r * 3 + 1]);
        assert_int_equal(fflush(f), 0);
        if (r == 0)
            assert_int_equal(n, 0);    /* no header before a whole row */
        out_add_int(t, strtoll(cells[r * 3 + 2], NULL, 10));
        assert_int_equal(fflush(f), 0);
        assert_true(n > 0);            /* the row is out */
    }
    assert_int_equal(out_rows(t), (size_t)nrows);
    assert_int_equal(out_print(t, fmt, f), 0);
    out_free(t);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static void test_output__streamed_same_bytes(void **state)
{
    static const char *const cells[] = {
        "/2013/02/07/s\xC3\xA4kerhet/", "=HYPERLINK(\"x\")", "1234",
        "/om-mig/", "Om \xE2\x80\xAEmig", "5",
        "/", "", "0",
    };
    static const enum out_format fmts[] = {OUT_CSV, OUT_JSON};

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(fmts); i++)
        for (int rows = 0; rows <= 3; rows++) {
            struct out_table *t = out_new(post_cols, 3);
            char *kept, *streamed;

            for (int r = 0; r < rows; r++) {
                out_add_text(t, cells[r * 3]);
                out_add_text(t, cells[r * 3 + 1]);
                out_add_int(t, strtoll(cells[r * 3 + 2], NULL, 10));
            }
            kept = render(t, fmts[i]);
            out_free(t);
            streamed = render_streamed(rows, cells, fmts[i]);
            if (strcmp(kept, streamed) != 0)
                fail_msg("format %d, %d rows:\n%s---\n%s", (int)fmts[i], rows,
                         kept, streamed);
            free(kept);
            free(streamed);
        }
}

/* ---- table ---------------------------------------------------------------- */

static void test_output__table_alignment(void **state)
{
    struct out_table *t = posts_table();

    (void)state;
    assert_int_equal(out_rows(t), 3);
    /* numbers right, text left, two blanks between columns; å counts as
     * one column */
    expect_out(t, OUT_TABLE,
               "path                   title     views\n"
               "/2013/02/07/säkerhet/  Säkerhet   1234\n"
               "/om-mig/               Om mig        5\n"
               "/                                    0\n");
    out_free(t);
}

static void test_output__table_last_text_column(void **state)
{
    static const struct out_column cols[] = {
        {"views", NULL, OUT_INT, 0},
        {"path", NULL, OUT_TEXT, 0},
    };
    struct out_table *t = out_new(cols, 2);

    (void)state;
    out_add_int(t, 12);
    out_add_text(t, "/a/");
    out_add_int(t, 5);
    out_add_text(t, "/longer-path/");
    out_add_int(t, 100000);
    out_add_text(t, "/b/");
    /* no trailing blanks after the last (text) column, header included */
    expect_out(t, OUT_TABLE,
               " views  path\n"
               "    12  /a/\n"
               "     5  /longer-path/\n"
               "100000  /b/\n");
    out_free(t);
}

/* An amount ("8.2 kB") lines up on the right like a number, and stays a
 * string in JSON. */
static void test_output__table_amount(void **state)
{
    static const struct out_column cols[] = {
        {"file", NULL, OUT_TEXT, 0},
        {"size", NULL, OUT_AMOUNT, 0},
    };
    struct out_table *t = out_new(cols, 2);

    (void)state;
    out_add_text(t, "a.log");
    out_add_text(t, "812 B");
    out_add_text(t, "b.log.gz");
    out_add_text(t, "12.0 MB");
    expect_out(t, OUT_TABLE,
               "file         size\n"
               "a.log       812 B\n"
               "b.log.gz  12.0 MB\n");
    expect_out(t, OUT_JSON,
               "[\n {\"file\": \"a.log\", \"size\": \"812 B\"},\n"
               " {\"file\": \"b.log.gz\", \"size\": \"12.0 MB\"}\n]\n");
    out_free(t);
}

static void test_output__table_titles(void **state)
{
    static const struct out_column cols[] = {
        {"country", "Land", OUT_TEXT, 0},
        {"views", "Visningar", OUT_INT, 0},
    };
    struct out_table *t = out_new(cols, 2);

    (void)state;
    out_add_text(t, "SE");
    out_add_int(t, 42);
    /* the table header is the title; csv and json keep the name */
    expect_out(t, OUT_TABLE,
               "Land  Visningar\n"
               "SE           42\n");
    expect_out(t, OUT_CSV, "country,views\nSE,42\n");
    expect_out(t, OUT_JSON, "[\n {\"country\": \"SE\", \"views\": 42}\n]\n");
    out_free(t);
}

static void test_output__table_empty_text_column(void **state)
{
    struct out_table *t = out_new(post_cols, 3);

    (void)state;
    out_add_text(t, "/a/");
    out_add_text(t, "");
    out_add_int(t, 5);
    out_add_text(t, "/longer/");
    out_add_text(t, NULL);
    out_add_int(t, 12);
    /* a text column empty in every row is left out of the table ... */
    expect_out(t, OUT_TABLE,
               "path      views\n"
               "/a/           5\n"
               "/longer/     12\n");
    /* ... but not out of csv and json */
    expect_out(t, OUT_CSV, "path,title,views\n/a/,,5\n/longer/,,12\n");
    expect_out(t, OUT_JSON,
               "[\n {\"path\": \"/a/\", \"title\": \"\", \"views\": 5},\n"
               " {\"path\": \"/longer/\", \"title\": \"\", \"views\": 12}\n]\n");
    out_free(t);
}

static void test_output__table_cut(void **state)
{
    static const struct out_column cols[] = {
        {"title", NULL, OUT_TEXT, 10},
        {"views", NULL, OUT_INT, 0},
    };
    struct out_table *t = out_new(cols, 2);
    char *got, *line, *save = NULL;
    int n = 0;

    (void)state;
    out_add_text(t, "Åäö title here long");
    out_add_int(t, 7);
    out_add_text(t, "Kort");
    out_add_int(t, 12);
    out_add_text(t, "exactly10!");
    out_add_int(t, 3);
    out_add_text(t, "eleven char");
    out_add_int(t, 1);
    /* cut to exactly 10 code points, the last one "…" */
    expect_out(t, OUT_TABLE,
               "title       views\n"
               "Åäö title…      7\n"
               "Kort           12\n"
               "exactly10!      3\n"
               "eleven ch…      1\n");
    /* every line is 17 columns wide, counting code points */
    got = render(t, OUT_TABLE);
    for (line = strtok_r(got, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save), n++)
        assert_int_equal(out_text_width(line), 17);
    assert_int_equal(n, 5);
    free(got);
    /* csv and json are never cut */
    expect_out(t, OUT_CSV,
               "title,views\nÅäö title here long,7\nKort,12\n"
               "exactly10!,3\neleven char,1\n");
    out_free(t);
}

static void test_output__table_cut_last_column(void **state)
{
    static const struct out_column cols[] = {
        {"views", NULL, OUT_INT, 0},
        {"title", NULL, OUT_TEXT, 6},
    };
    struct out_table *t = out_new(cols, 2);

    (void)state;
    out_add_int(t, 1);
    out_add_text(t, "abcdefghij");
    out_add_int(t, 22);
    out_add_text(t, "ab");
    out_add_int(t, 3);
    out_add_text(t, "åäöåäöå");
    expect_out(t, OUT_TABLE,
               "views  title\n"
               "    1  abcde…\n"
               "   22  ab\n"
               "    3  åäöåä…\n");
    out_free(t);
}

static void test_output__table_hostile_cells(void **state)
{
    struct out_table *t = out_new(post_cols, 3);

    (void)state;
    out_add_text(t, "/x\x1b[2J/");
    out_add_text(t, "a\rb\x7f");
    out_add_int(t, 1);
    /* ESC, CR and DEL become U+FFFD, each one column wide */
    expect_out(t, OUT_TABLE,
               "path     title  views\n"
               "/x" FFFD "[2J/  a" FFFD "b" FFFD "       1\n");
    out_free(t);
}

/* ---- csv ------------------------------------------------------------------- */

static void test_output__csv(void **state)
{
    struct out_table *t = posts_table();

    (void)state;
    expect_out(t, OUT_CSV,
               "path,title,views\n"
               "/2013/02/07/säkerhet/,Säkerhet,1234\n"
               "/om-mig/,Om mig,5\n"
               "/,,0\n");
    out_free(t);
}

static void test_output__csv_quoting(void **state)
{
    struct out_table *t = out_new(post_cols, 3);

    (void)state;
    out_add_text(t, "/a,b/");
    out_add_text(t, "say \"hi\"");
    out_add_int(t, 3);
    out_add_text(t, "\"");
    out_add_text(t, "x, \"y\", z");
    out_add_int(t, -1);
    out_add_text(t, NULL);
    out_add_text(t, " lead and trail ");
    out_add_int(t, 0);
    expect_out(t, OUT_CSV,
               "path,title,views\n"
               "\"/a,b/\",\"say \"\"hi\"\"\",3\n"
               "\"\"\"\",\"x, \"\"y\"\", z\",-1\n"
               ", lead and trail ,0\n");
    out_free(t);
}

/* A text cell a spreadsheet would run as a formula gets a leading "'";
 * numbers, a negative change and the int columns stay as they are. */
static void test_output__csv_formula_cells(void **state)
{
    static const struct out_column cols[] = {
        {"tag", NULL, OUT_TEXT, 0},
        {"change", NULL, OUT_TEXT, 0},
        {"views", NULL, OUT_INT, 0},
    };
    struct out_table *t = out_new(cols, 3);

    (void)state;
    out_add_text(t, "=HYPERLINK(\"http://x\",\"Click me\")");
    out_add_text(t, "-29%");
    out_add_int(t, -3);
    out_add_text(t, "+1+cmd|' /C calc'!A0");
    out_add_text(t, "+7%");
    out_add_int(t, 0);
    out_add_text(t, "@SUM(A1:A2)");
    out_add_text(t, "-1,5");
    out_add_int(t, 1);
    out_add_text(t, "-");              /* dashes alone: inert */
    out_add_text(t, "\tx");
    out_add_int(t, 2);
    out_add_text(t, "a=b");
    out_add_text(t, "-x1");
    out_add_int(t, 3);
    expect_out(t, OUT_CSV,
               "tag,change,views\n"
               "\"'=HYPERLINK(\"\"http://x\"\",\"\"Click me\"\")\",-29%,-3\n"
               "\"'+1+cmd|' /C calc'!A0\",+7%,0\n"
               "\"'@SUM(A1:A2)\",\"-1,5\",1\n"
               "-,\"'\tx\",2\n"
               "a=b,\"'-x1\",3\n");
    /* JSON and tables keep the text as it is. */
    expect_out(t, OUT_JSON,
               "[\n {\"tag\": \"=HYPERLINK(\\\"http://x\\\",\\\"Click me\\\")\", "
               "\"change\": \"-29%\", \"views\": -3},\n"
               " {\"tag\": \"+1+cmd|' /C calc'!A0\", \"change\": \"+7%\", "
               "\"views\": 0},\n"
               " {\"tag\": \"@SUM(A1:A2)\", \"change\": \"-1,5\", \"views\": 1},\n"
               " {\"tag\": \"-\", \"change\": \"\\tx\", \"views\": 2},\n"
               " {\"tag\": \"a=b\", \"change\": \"-x1\", \"views\": 3}\n]\n");
    out_free(t);
}

/* Bidirectional controls and invisible marks are shown, not obeyed: as
 * <U+XXXX> in tables and CSV, as \\u escapes in JSON. */
static void test_output__invisible_characters(void **state)
{
    static const struct out_column cols[] = {
        {"path", NULL, OUT_TEXT, 0},
        {"views", NULL, OUT_INT, 0},
    };
    struct out_table *t = out_new(cols, 2);

    (void)state;
    out_add_text(t, "/2013/02/07/\xE2\x80\xAEtxt.exe/");
    out_add_int(t, 1);
    out_add_text(t, "a\xE2\x80\x8B\xE2\x81\xA6" "b\xD8\x9C\xEF\xBB\xBF\xE2\x80\xA9");
    out_add_int(t, 2);
    out_add_text(t, "\xE2\x80\x94 \xE2\x82\xAC");  /* a dash, a euro: kept */
    out_add_int(t, 3);
    expect_out(t, OUT_TABLE,
               "path                                        views\n"
               "/2013/02/07/<U+202E>txt.exe/                    1\n"
               "a<U+200B><U+2066>b<U+061C><U+FEFF><U+2029>      2\n"
               "\xE2\x80\x94 \xE2\x82\xAC                                             3\n");
    expect_out(t, OUT_CSV,
               "path,views\n"
               "/2013/02/07/<U+202E>txt.exe/,1\n"
               "a<U+200B><U+2066>b<U+061C><U+FEFF><U+2029>,2\n"
               "\xE2\x80\x94 \xE2\x82\xAC,3\n");
    expect_out(t, OUT_JSON,
               "[\n {\"path\": \"/2013/02/07/\\u202etxt.exe/\", \"views\": 1},\n"
               " {\"path\": \"a\\u200b\\u2066b\\u061c\\ufeff\\u2029\", \"views\": 2},\n"
               " {\"path\": \"\xE2\x80\x94 \xE2\x82\xAC\", \"views\": 3}\n]\n");
    out_free(t);
}

static void test_output__csv_newlines(void **state)
{
    /* column names are not cleaned: RFC 4180 quotes CR and LF */
    static const struct out_column cols[] = {
        {"a\nb", NULL, OUT_TEXT, 0},
        {"c\rd", NULL, OUT_TEXT, 0},
        {"e,f", NULL, OUT_INT, 0},
    };
    struct out_table *t = out_new(cols, 3);

    (void)state;
    /* in a cell, a newline is a control character: U+FFFD, no quotes */
    out_add_text(t, "line1\nline2");
    out_add_text(t, "x\r\ny");
    out_add_int(t, 9);
    expect_out(t, OUT_CSV,
               "\"a\nb\",\"c\rd\",\"e,f\"\n"
               "line1" FFFD "line2,x" FFFD FFFD "y,9\n");
    out_free(t);
}

static void test_output__csv_empty(void **state)
{
    struct out_table *t = out_new(post_cols, 3);

    (void)state;
    expect_out(t, OUT_CSV, "path,title,views\n");
    expect_out(t, OUT_TABLE, "path  title  views\n");
    out_free(t);
}

/* ---- formulas and invisible characters ------------------------------------ */

/*
 * OWASP's CSV injection rule: a text cell that starts with '=', '+', '-',
 * '@' or tab gets a "'" inside its quotes; the same text elsewhere in a
 * cell, numbers (a negative one too) and blogstat's own words ("-12%",
 * "--") are left alone. A CR never starts a cell: it is a control
 * character, U+FFFD.
 */
static void test_output__csv_formula_words(void **state)
{
    static const struct out_column cols[] = {
        {"tag", NULL, OUT_TEXT, 0},
        {"views", NULL, OUT_INT, 0},
        {"change", NULL, OUT_WORD, 0},
    };
    struct out_table *t = out_new(cols, 3);

    (void)state;
    out_add_text(t, "=HYPERLINK(\"http://evil.example/\",\"Click me\")");
    out_add_int(t, -12);
    out_add_text(t, "-12%");
    out_add_text(t, "+1");
    out_add_int(t, 0);
    out_add_text(t, "+5%");
    out_add_text(t, "-2+3");
    out_add_int(t, 1);
    out_add_text(t, "--");
    out_add_text(t, "@SUM(A1:A2)");
    out_add_int(t, 2);
    out_add_text(t, "new");
    out_add_text(t, "\t=1");
    out_add_int(t, 3);
    out_add_text(t, "");
    out_add_text(t, "\r=1");
    out_add_int(t, 4);
    out_add_text(t, "");
    out_add_text(t, "a=b, c-d");
    out_add_int(t, 5);
    out_add_text(t, "");
    out_add_text(t, " =1");
    out_add_int(t, 6);
    out_add_text(t, "");
    expect_out(t, OUT_CSV,
               "tag,views,change\n"
               "\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"Click me\"\")\","
               "-12,-12%\n"
               "+1,0,+5%\n"             /* a plain number: inert */
               "\"'-2+3\",1,--\n"
               "\"'@SUM(A1:A2)\",2,new\n"
               "\"'\t=1\",3,\n"
               FFFD "=1,4,\n"
               "\"a=b, c-d\",5,\n"
               " =1,6,\n");
    /* JSON and the table keep the text. */
    expect_out(t, OUT_JSON,
               "[\n"
               " {\"tag\": \"=HYPERLINK(\\\"http://evil.example/\\\",\\\"Click "
               "me\\\")\", \"views\": -12, \"change\": \"-12%\"},\n"
               " {\"tag\": \"+1\", \"views\": 0, \"change\": \"+5%\"},\n"
               " {\"tag\": \"-2+3\", \"views\": 1, \"change\": \"--\"},\n"
               " {\"tag\": \"@SUM(A1:A2)\", \"views\": 2, \"change\": \"new\"},\n"
               " {\"tag\": \"\\t=1\", \"views\": 3, \"change\": \"\"},\n"
               " {\"tag\": \"" FFFD "=1\", \"views\": 4, \"change\": \"\"},\n"
               " {\"tag\": \"a=b, c-d\", \"views\": 5, \"change\": \"\"},\n"
               " {\"tag\": \" =1\", \"views\": 6, \"change\": \"\"}\n"
               "]\n");
    {
        char *table = render(t, OUT_TABLE);

        assert_non_null(strstr(table, "\n=HYPERLINK(\"http://evil.example/\""));
        assert_non_null(strstr(table, "\n@SUM(A1:A2) "));
        assert_null(strstr(table, "'="));
        free(table);
    }
    out_free(t);
}

#define RLO "\xE2\x80\xAE"   /* U+202E RIGHT-TO-LEFT OVERRIDE */

/* A right-to-left override reaches no format raw: escaped in the table,
 * in CSV (and then the escape is what a formula check sees) and as \u in
 * JSON; the table's widths count the escape. */
static void test_output__bidi(void **state)
{
    struct out_table *t = out_new(post_cols, 3);

    (void)state;
    out_add_text(t, "/2013/02/07/" RLO "txt.exe/");
    out_add_text(t, RLO "=1+1\xEF\xBB\xBF");
    out_add_int(t, 7);
    expect_out(t, OUT_TABLE,
               "path                          title                 views\n"
               "/2013/02/07/<U+202E>txt.exe/  <U+202E>=1+1<U+FEFF>      7\n");
    expect_out(t, OUT_CSV,
               "path,title,views\n"
               "/2013/02/07/<U+202E>txt.exe/,<U+202E>=1+1<U+FEFF>,7\n");
    expect_out(t, OUT_JSON,
               "[\n"
               " {\"path\": \"/2013/02/07/\\u202etxt.exe/\", \"title\": "
               "\"\\u202e=1+1\\ufeff\", \"views\": 7}\n"
               "]\n");
    out_free(t);
}

/* ---- json ------------------------------------------------------------------ */

static void test_output__json(void **state)
{
    struct out_table *t = posts_table();

    (void)state;
    expect_out(t, OUT_JSON,
               "[\n"
               " {\"path\": \"/2013/02/07/säkerhet/\", \"title\": "
               "\"Säkerhet\", \"views\": 1234},\n"
               " {\"path\": \"/om-mig/\", \"title\": \"Om mig\", "
               "\"views\": 5},\n"
               " {\"path\": \"/\", \"title\": \"\", \"views\": 0}\n"
               "]\n");
    out_free(t);
}

static void test_output__json_escapes(void **state)
{
    struct out_table *t = out_new(post_cols, 3);

    (void)state;
    out_add_text(t, "/a\\b/");
    out_add_text(t, "Tom & \"Jerry\" <b></script>");
    out_add_int(t, INT64_MIN);
    out_add_text(t, "/\xF0\x9F\x98\x80/");
    out_add_text(t, "\xE2\x80\xA6 '/'");
    out_add_int(t, INT64_MAX);
    expect_out(t, OUT_JSON,
               "[\n"
               " {\"path\": \"/a\\\\b/\", \"title\": \"Tom \\u0026 "
               "\\\"Jerry\\\" \\u003cb\\u003e\\u003c/script\\u003e\", "
               "\"views\": -9223372036854775808},\n"
               " {\"path\": \"/\xF0\x9F\x98\x80/\", \"title\": "
               "\"\xE2\x80\xA6 '/'\", \"views\": 9223372036854775807}\n"
               "]\n");
    out_free(t);
}

static void test_output__json_keys(void **state)
{
    /* names are the program's, not the data's, but still escaped */
    static const struct out_column cols[] = {
        {"a\"b", NULL, OUT_TEXT, 0},
        {"c\x01\t<", NULL, OUT_INT, 0},
    };
    struct out_table *t = out_new(cols, 2);

    (void)state;
    out_add_text(t, "v");
    out_add_int(t, 1);
    expect_out(t, OUT_JSON,
               "[\n {\"a\\\"b\": \"v\", \"c\\u0001\\t\\u003c\": 1}\n]\n");
    out_free(t);
}

static void test_output__json_hostile_cells(void **state)
{
    static const struct out_column cols[] = {
        {"s", NULL, OUT_TEXT, 0},
    };
    static const struct {
        const char *in, *json;
    } cases[] = {
        {"a\x01" "b", "a" FFFD "b"},
        {"tab\there", "tab\\there"},            /* tab is kept, escaped */
        {"nl\n", "nl" FFFD},
        {"esc\x1b[0m", "esc" FFFD "[0m"},
        {"del\x7f", "del" FFFD},
        {"\xFF", FFFD},
        {"x\xC3(", "x" FFFD "("},
        {"\xC0\xAF", FFFD FFFD},                  /* overlong '/' */
        {"\xED\xA0\x80", FFFD FFFD FFFD},         /* surrogate */
        {"\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD},/* > U+10FFFF */
        {"end\xE2\x80", "end" FFFD FFFD},         /* cut short */
        {"\xE2\x80\xA6", "\xE2\x80\xA6"},         /* fine */
        {"s\xC3\xA4k", "s\xC3\xA4k"},             /* fine */
    };
    int bad = 0;

    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct out_table *t = out_new(cols, 1);
        char want[128], *got;

        out_add_text(t, cases[i].in);
        snprintf(want, sizeof(want), "[\n {\"s\": \"%s\"}\n]\n",
                 cases[i].json);
        got = render(t, OUT_JSON);
        if (strcmp(got, want) != 0) {
            printf("FAIL cases[%zu]: expected %s got %s", i, want, got);
            bad++;
        }
        free(got);
        out_free(t);
    }
    if (bad)
        fail_msg("%d of %zu hostile cells wrong (listed above)", bad,
                 ARRAY_SIZE(cases));
}

/*
 * output.h: "control characters never reach a terminal". U+0080..U+009F
 * are control characters (C1); U+009B is CSI, which terminals obey like
 * ESC [. In UTF-8 they are valid, so only an explicit check keeps them out.
 */
static void test_output__c1_controls(void **state)
{
    static const struct out_column cols[] = {
        {"s", NULL, OUT_TEXT, 0},
    };
    struct out_table *t = out_new(cols, 1);

    (void)state;
    out_add_text(t, "a\xC2\x9B" "2Jb\xC2\x85" "c");
    expect_out(t, OUT_TABLE, "s\na" FFFD "2Jb" FFFD "c\n");
    out_free(t);
}

static void test_output__json_empty(void **state)
{
    struct out_table *t = out_new(post_cols, 3);

    (void)state;
    assert_int_equal(out_rows(t), 0);
    expect_out(t, OUT_JSON, "[]\n");
    /* an incomplete row is not printed */
    out_add_text(t, "/a/");
    out_add_text(t, "A");
    assert_int_equal(out_rows(t), 0);
    expect_out(t, OUT_JSON, "[]\n");
    expect_out(t, OUT_CSV, "path,title,views\n");
    out_add_int(t, 1);
    assert_int_equal(out_rows(t), 1);
    expect_out(t, OUT_JSON,
               "[\n {\"path\": \"/a/\", \"title\": \"A\", \"views\": 1}\n]\n");
    out_free(t);
}

static void test_output__many_rows(void **state)
{
    static const struct out_column cols[] = {
        {"day", NULL, OUT_TEXT, 0},
        {"views", NULL, OUT_INT, 0},
    };
    struct out_table *t = out_new(cols, 2);
    char *got;
    size_t lines = 0;

    (void)state;
    for (int i = 0; i < 1000; i++) {
        char day[11];

        day_format(days_from_civil(2013, 1, 1) + i, day);
        out_add_text(t, day);
        out_add_int(t, i);
    }
    assert_int_equal(out_rows(t), 1000);
    got = render(t, OUT_CSV);
    for (char *p = got; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 1001);
    assert_memory_equal(got, "day,views\n2013-01-01,0\n2013-01-02,1\n", 36);
    assert_non_null(strstr(got, "\n2015-09-27,999\n"));
    free(got);
    out_free(t);
}

static void test_output__write_error(void **state)
{
    struct out_table *t = posts_table();
    FILE *f = fopen("/dev/null", "r");

    (void)state;
    assert_non_null(f);
    /* a stream that cannot be written: -1 */
    assert_int_equal(out_print(t, OUT_TABLE, f), -1);
    fclose(f);
    out_free(t);
}

/* ---- helpers ----------------------------------------------------------------- */

static void test_output__format_parse(void **state)
{
    enum out_format f = OUT_JSON;

    (void)state;
    assert_int_equal(out_format_parse("table", &f), 0);
    assert_int_equal(f, OUT_TABLE);
    assert_int_equal(out_format_parse("csv", &f), 0);
    assert_int_equal(f, OUT_CSV);
    assert_int_equal(out_format_parse("json", &f), 0);
    assert_int_equal(f, OUT_JSON);
    f = OUT_CSV;
    assert_int_equal(out_format_parse("", &f), -1);
    assert_int_equal(out_format_parse("tsv", &f), -1);
    assert_int_equal(out_format_parse("jsonl", &f), -1);
    assert_int_equal(out_format_parse("csv ", &f), -1);
    assert_int_equal(out_format_parse("tabl", &f), -1);
    /* unchanged on failure */
    assert_int_equal(f, OUT_CSV);
}

static void test_output__text_width(void **state)
{
    (void)state;
    assert_int_equal(out_text_width(""), 0);
    assert_int_equal(out_text_width("abc"), 3);
    assert_int_equal(out_text_width("åäö"), 3);
    assert_int_equal(out_text_width("Cecilia Malmström"), 17);
    assert_int_equal(out_text_width("\xE2\x80\xA6"), 1);
    assert_int_equal(out_text_width("\xF0\x9F\x98\x80!"), 2);
    assert_int_equal(out_text_width(FFFD FFFD), 2);
}

/* A path for a person: relative inside the current folder, else cut in
 * the middle at slashes, never losing the file's own name. */
static void test_output__short_path(void **state)
{
    const char *long_dir = "/srv/checkouts/a-rather-long-folder-name-for-a-"
                           "checkout-of-blogstat/sample-logs/access.log.2.gz";
    char buf[256];

    (void)state;
    /* Short enough: as it is. */
    assert_string_equal(out_short_path("/var/log/a.log", NULL, 40, buf,
                                       sizeof(buf)), "/var/log/a.log");
    assert_string_equal(out_short_path("/var/log/a.log", "/var", 40, buf,
                                       sizeof(buf)), "log/a.log");
    /* Only a whole folder is left out: /var/logs is not inside /var/log. */
    assert_string_equal(out_short_path("/var/logs/a.log", "/var/log", 40,
                                       buf, sizeof(buf)), "/var/logs/a.log");
    /* "/" and the folder itself shorten nothing. */
    assert_string_equal(out_short_path("/a.log", "/", 40, buf, sizeof(buf)),
                        "/a.log");
    assert_string_equal(out_short_path("/var/log/", "/var/log", 40, buf,
                                       sizeof(buf)), "/var/log/");
    /* Cut in the middle: the first folder, then the last parts that fit. */
    assert_string_equal(out_short_path(long_dir, NULL, 44, buf, sizeof(buf)),
                        "/srv/…/sample-logs/access.log.2.gz");
    assert_true(out_text_width(buf) <= 44);
    /* Relative first, then cut: a first folder this wide is left out. */
    assert_string_equal(out_short_path(long_dir, "/srv/checkouts", 44, buf,
                                       sizeof(buf)),
                        "…/sample-logs/access.log.2.gz");
    /* Narrower: the first folder goes before the file's name does. */
    assert_string_equal(out_short_path(long_dir, NULL, 20, buf, sizeof(buf)),
                        "…/access.log.2.gz");
    /* The name alone wider than the room: still whole. */
    assert_string_equal(out_short_path(long_dir, NULL, 10, buf, sizeof(buf)),
                        "…/access.log.2.gz");
    assert_string_equal(out_short_path("a-very-long-file-name.log", NULL, 10,
                                       buf, sizeof(buf)),
                        "a-very-long-file-name.log");
    assert_string_equal(out_short_path("/a-very-long-file-name.log", NULL,
                                       10, buf, sizeof(buf)),
                        "/a-very-long-file-name.log");
    /* Width in code points, not bytes. */
    assert_string_equal(out_short_path("/åäö/åäö/åäö/åäö/x.log", NULL, 17,
                                       buf, sizeof(buf)),
                        "/åäö/…/åäö/x.log");
    /* buf too small: cut, still a string. */
    out_short_path(long_dir, NULL, 44, buf, 8);
    assert_int_equal(strlen(buf), 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_output__table_alignment),
        cmocka_unit_test(test_output__short_path),
        cmocka_unit_test(test_output__table_amount),
        cmocka_unit_test(test_output__csv_formula_cells),
        cmocka_unit_test(test_output__invisible_characters),
        cmocka_unit_test(test_output__table_last_text_column),
        cmocka_unit_test(test_output__table_titles),
        cmocka_unit_test(test_output__table_empty_text_column),
        cmocka_unit_test(test_output__table_cut),
        cmocka_unit_test(test_output__table_cut_last_column),
        cmocka_unit_test(test_output__table_hostile_cells),
        cmocka_unit_test(test_output__csv),
        cmocka_unit_test(test_output__streamed_same_bytes),
        cmocka_unit_test(test_output__csv_quoting),
        cmocka_unit_test(test_output__csv_newlines),
        cmocka_unit_test(test_output__csv_empty),
        cmocka_unit_test(test_output__csv_formula_words),
        cmocka_unit_test(test_output__bidi),
        cmocka_unit_test(test_output__json),
        cmocka_unit_test(test_output__json_escapes),
        cmocka_unit_test(test_output__json_keys),
        cmocka_unit_test(test_output__json_hostile_cells),
        cmocka_unit_test(test_output__c1_controls),
        cmocka_unit_test(test_output__json_empty),
        cmocka_unit_test(test_output__many_rows),
        cmocka_unit_test(test_output__write_error),
        cmocka_unit_test(test_output__format_parse),
        cmocka_unit_test(test_output__text_width),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
