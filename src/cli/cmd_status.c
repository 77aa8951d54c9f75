/*
 * cmd_status.c - `blogstat status`: what the database holds, of every
 * site or of one.
 */
#include "blogstat.h"
#include "cli.h"
#include "output.h"
#include "store.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char status_usage[] =
    "usage: blogstat status [--site NAME] [--format table|csv|json]\n"
    "\n"
    "What the database holds: the days it covers, its lines, hits and\n"
    "views, each site's days, hits and views (--site NAME: that site's\n"
    "alone), and each log known: the name it was last read under (relative\n"
    "to the current folder when inside it), the days of its lines, its\n"
    "lines and bad lines, whether it is gzip or plain, its size on disk,\n"
    "how much of its text was read (decompressed bytes), whether it is\n"
    "complete (a gzip file read to its end), open (it may grow) or stopped\n"
    "by an error, and when it was last read. Logs of the same name (a\n"
    "rotated one read before under the name another has now) are told\n"
    "apart by their days; the newest come first.\n"
    "\n"
    "csv and json print one row per log, in the order they were first read\n"
    "(size: bytes on disk; position: decompressed bytes read).\n";

/* The machine formats: every number as it is, in the order read. */
static const struct out_column file_cols[] = {
    {"file", NULL, OUT_TEXT, 0},
    {"lines", NULL, OUT_INT, 0},
    {"bad_lines", NULL, OUT_INT, 0},
    {"hits", NULL, OUT_INT, 0},
    {"gzip", NULL, OUT_INT, 0},
    {"size", NULL, OUT_INT, 0},
    {"position", NULL, OUT_INT, 0},
    {"state", NULL, OUT_WORD, 0},
    {"last_read", NULL, OUT_WORD, 0},
    {"error", NULL, OUT_TEXT, 0},
    {"first_day", NULL, OUT_WORD, 0},
    {"last_day", NULL, OUT_WORD, 0},
};

/* The table, for a person: short names, sizes in kB and MB. */
static const struct out_column table_cols[] = {
    {"file", NULL, OUT_TEXT, 0},
    {"days", NULL, OUT_WORD, 0},
    {"lines", NULL, OUT_INT, 0},
    {"bad", NULL, OUT_INT, 0},
    {"hits", NULL, OUT_INT, 0},
    {"kind", NULL, OUT_WORD, 0},
    {"size", NULL, OUT_AMOUNT, 0},
    {"text read", NULL, OUT_AMOUNT, 0},
    {"state", NULL, OUT_WORD, 0},
    {"last read", NULL, OUT_WORD, 0},
    {"error", NULL, OUT_TEXT, 60},
};

/* Width of the file column of the table. */
#define FILE_WIDTH 44

/* A log as read from the store, its strings copied. */
struct file {
    struct store_file_row row;
    char *name, *error, *last_read;
    size_t order;               /* the order it was first read in */
};

struct files {
    struct file *f;
    size_t n, cap;
};

static int keep_file(void *ctx, const struct store_file_row *row)
{
    struct files *fs = ctx;
    struct file *f;

    if (fs->n == fs->cap) {
        fs->cap = fs->cap ? 2 * fs->cap : 16;
        fs->f = xrealloc(fs->f, fs->cap * sizeof(*fs->f));
    }
    f = &fs->f[fs->n];
    f->row = *row;
    f->name = xstrdup(row->name);
    f->error = xstrdup(row->error);
    f->last_read = xstrdup(row->last_read);
    f->order = fs->n++;
    return 0;
}

static void files_free(struct files *fs)
{
    for (size_t i = 0; i < fs->n; i++) {
        free(fs->f[i].name);
        free(fs->f[i].error);
        free(fs->f[i].last_read);
    }
    free(fs->f);
}

/* The table's order: newest days first (a log without a dated line
 * last), then by name, then the later read first. */
static int cmp_newest(const void *pa, const void *pb)
{
    const struct file *a = pa, *b = pb;
    int c;

    if (a->row.has_days != b->row.has_days)
        return b->row.has_days - a->row.has_days;
    if (a->row.last_day != b->row.last_day)
        return a->row.last_day > b->row.last_day ? -1 : 1;
    if (a->row.first_day != b->row.first_day)
        return a->row.first_day > b->row.first_day ? -1 : 1;
    if ((c = strcmp(a->name, b->name)))
        return c;
    return a->order > b->order ? -1 : a->order < b->order;
}

static const char *state_name(enum store_file_state state)
{
    switch (state) {
    case STORE_FILE_COMPLETE: return "complete";
    case STORE_FILE_OPEN: return "open";
    case STORE_FILE_ERROR: return "error";
    }
    return "?";
}

/* "2013-02-01", "2013-02-01..02-14", "2012-12-30..2013-01-02". */
static const char *day_range(int32_t first, int32_t last, char buf[32])
{
    char a[11], b[11];

    day_format(first, a);
    day_format(last, b);
    if (first == last)
        snprintf(buf, 32, "%s", a);
    else if (memcmp(a, b, 5) == 0)
        snprintf(buf, 32, "%s..%s", a, b + 5);
    else
        snprintf(buf, 32, "%s..%s", a, b);
    return buf;
}

static void add_machine_row(struct out_table *t, const struct file *f)
{
    char d[11] = "";

    out_add_text(t, f->name);
    out_add_int(t, f->row.lines);
    out_add_int(t, f->row.bad_lines);
    out_add_int(t, f->row.hits);
    out_add_int(t, f->row.gzip);
    out_add_int(t, f->row.size);
    out_add_int(t, f->row.position);
    out_add_text(t, state_name(f->row.state));
    out_add_text(t, f->last_read);
    out_add_text(t, f->error);
    if (f->row.has_days)
        day_format(f->row.first_day, d);
    out_add_text(t, d);
    if (f->row.has_days)
        day_format(f->row.last_day, d);
    out_add_text(t, d);
}

static void add_table_row(struct out_table *t, const struct file *f,
                          const char *cwd)
{
    char name[1024], days[32] = "", n[32];

    out_add_text(t, out_short_path(f->name, cwd, FILE_WIDTH, name,
                                   sizeof(name)));
    out_add_text(t, f->row.has_days ? day_range(f->row.first_day,
                                                f->row.last_day, days)
                                    : "");
    out_add_int(t, f->row.lines);
    out_add_int(t, f->row.bad_lines);
    out_add_int(t, f->row.hits);
    out_add_text(t, f->row.gzip ? "gzip" : "plain");
    cli_bytes((uint64_t)f->row.size, n, sizeof(n));
    out_add_text(t, n);
    cli_bytes((uint64_t)f->row.position, n, sizeof(n));
    out_add_text(t, n);
    out_add_text(t, state_name(f->row.state));
    out_add_text(t, f->last_read);
    out_add_text(t, f->error);
}

/* The logs in fmt: 0, or BS_IOERR when stdout failed. */
static int print_files(struct files *fs, enum out_format fmt)
{
    const struct out_column *cols = fmt == OUT_TABLE ? table_cols
                                                     : file_cols;
    int ncols = fmt == OUT_TABLE ? (int)ARRAY_SIZE(table_cols)
                                 : (int)ARRAY_SIZE(file_cols);
    struct out_table *t = out_new(cols, ncols);
    char cwd[PATH_MAX];
    const char *here = getcwd(cwd, sizeof(cwd));
    int rc;

    if (fmt == OUT_TABLE)
        qsort(fs->f, fs->n, sizeof(*fs->f), cmp_newest);
    for (size_t i = 0; i < fs->n; i++) {
        if (fmt == OUT_TABLE)
            add_table_row(t, &fs->f[i], here);
        else
            add_machine_row(t, &fs->f[i]);
    }
    rc = out_print(t, fmt, stdout) ? BS_IOERR : 0;
    out_free(t);
    return rc;
}

/* A site as the head of the table shows it. */
struct site {
    char name[STORE_SITE_NAME_MAX * 3 + 4];
    int64_t id, views, visitors, hits;
};

struct sites {
    struct site *s;
    size_t n, cap;
};

static int keep_site(void *ctx, const struct store_site_row *row)
{
    struct sites *ss = ctx;
    struct site *s;

    if (ss->n == ss->cap) {
        ss->cap = ss->cap ? 2 * ss->cap : 8;
        ss->s = xrealloc(ss->s, ss->cap * sizeof(*ss->s));
    }
    s = &ss->s[ss->n++];
    /* A database made otherwise may hold any name: none reaches the tty
     * raw. */
    utf8_sanitize(row->name, strlen(row->name), s->name, sizeof(s->name));
    s->id = row->id;
    s->views = row->views;
    s->visitors = row->visitors;
    s->hits = row->hits;
    return 0;
}

/* 1234567 -> "1,234,567" */
static const char *thousands(int64_t v, char buf[32])
{
    char tmp[32];
    int n = snprintf(tmp, sizeof(tmp), "%lld", (long long)v), o = 0;

    for (int i = 0; i < n; i++) {
        if (i > 0 && tmp[i - 1] != '-' && (n - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    buf[o] = '\0';
    return buf;
}

/* "2013-02-01 .. 2013-02-14 (14 days)", or "none yet": the days of site
 * (STORE_SITE_ALL: of any). 0, or -1 with err. */
static int span_text(struct store *s, int64_t site, char buf[64],
                     struct bs_err *err)
{
    int32_t first, last;
    int has = store_day_span(s, site, &first, &last, err);
    char a[11], b[11];

    if (has < 0)
        return -1;
    if (!has) {
        snprintf(buf, 64, "none yet");
        return 0;
    }
    day_format(first, a);
    day_format(last, b);
    snprintf(buf, 64, "%s .. %s (%d %s)", a, b, last - first + 1,
             plural(last - first + 1, "day", "days"));
    return 0;
}

/* Each site's line: its days, hits and views. 0, or -1 with err. */
static int print_sites(struct store *s, const struct sites *ss,
                       struct bs_err *err)
{
    size_t w = 0;

    for (size_t i = 0; i < ss->n; i++)
        if (out_text_width(ss->s[i].name) > w)
            w = out_text_width(ss->s[i].name);
    for (size_t i = 0; i < ss->n; i++) {
        const struct site *x = &ss->s[i];
        char days[64], a[32], b[32];

        if (span_text(s, x->id, days, err))
            return -1;
        printf("%s%s%*s  %s, %s %s, %s %s\n", i ? "          " : "sites     ",
               x->name, (int)(w - out_text_width(x->name)), "", days,
               thousands(x->hits, a), plural(x->hits, "hit", "hits"),
               thousands(x->views, b), plural(x->views, "view", "views"));
    }
    return 0;
}

/* The head of the table: the database, its days and counts (of site id
 * when site names one, else of every site and then each). 0, or -1 with
 * err. */
static int print_head(struct store *s, const char *path, const char *site,
                      int64_t id, const struct sites *ss, struct bs_err *err)
{
    const struct site *one = NULL;
    struct store_totals t;
    struct stat st;
    char days[64], a[32], b[32], *shown;

    if (store_totals(s, &t, err))
        return -1;
    for (size_t i = 0; site && i < ss->n; i++)
        if (ss->s[i].id == id)
            one = &ss->s[i];
    shown = store_uri_shown(path);
    printf("database  %s (%.1f MB)\n", shown,
           (double)(stat(path, &st) == 0 ? st.st_size : t.db_bytes) / 1e6);
    free(shown);
    if (one)
        printf("site      %s\n", one->name);
    if (span_text(s, one ? one->id : STORE_SITE_ALL, days, err))
        return -1;
    printf("days      %s\n", days);
    if (one) {
        printf("hits      %s\n", thousands(one->hits, a));
        printf("views     %s, %s %s\n", thousands(one->views, a),
               thousands(one->visitors, b),
               plural(one->visitors, "visitor", "visitors"));
    }
    printf("lines     %s in %lld %s%s, %s bad (%.2f%%)\n",
           thousands(t.lines, a), (long long)t.files,
           plural(t.files, "log", "logs"), one ? " of every site" : "",
           thousands(t.bad_lines, b),
           t.lines ? 100.0 * (double)t.bad_lines / (double)t.lines : 0.0);
    if (!one) {
        printf("hits      %s, %s from robots\n", thousands(t.hits, a),
               thousands(t.robots, b));
        printf("views     %s\n", thousands(t.views, a));
    }
    if (t.excluded > 0)
        printf("excluded  %s %s of [site] exclude addresses\n",
               thousands(t.excluded, a), plural(t.excluded, "line", "lines"));
    if (!one && ss->n > 1 && print_sites(s, ss, err))
        return -1;
    return 0;
}

/* Parse the options: -1 to go on, else the exit status. */
static int parse_opts(int argc, char **argv, enum out_format *fmt,
                      const char **site)
{
    enum { OPT_FORMAT = 256, OPT_SITE };
    static const struct option longopts[] = {
        {"format", required_argument, NULL, OPT_FORMAT},
        {"site", required_argument, NULL, OPT_SITE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_FORMAT:
            if (out_format_parse(optarg, fmt))
                return cli_usage("status ", "unknown --format '%s'", optarg);
            break;
        case OPT_SITE: *site = optarg; break;
        case 'h':
            fputs(status_usage, stdout);
            return 0;
        default:
            return cli_usage("status ", "unknown option '%s'",
                             argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_usage("status ", "unexpected argument '%s'", argv[optind]);
    return -1;
}

int cmd_status(int argc, char **argv)
{
    struct bs_err err = {0};
    enum out_format fmt = OUT_TABLE;
    struct files files = {NULL, 0, 0};
    struct sites sites = {NULL, 0, 0};
    struct conf *conf;
    struct store *store;
    const char *path, *site = NULL;
    int64_t id;
    int status;
    const struct store_filter all = {.from = INT32_MIN, .to = INT32_MAX};

    if ((status = parse_opts(argc, argv, &fmt, &site)) >= 0)
        return status;
    status = 0;
    if (!(conf = cli_conf(&err))) {
        cli_error(&err);
        return err.status;
    }
    path = cli_db_path(conf);
    store = store_open(path, STORE_READ, &err);
    if (!store) {
        cli_error(&err);
        conf_free(conf);
        return err.status;
    }
    if (cli_site_select(store, site, &id, &err) ||
        store_files(store, &all, keep_file, &files, &err) ||
        store_sites(store, &all, keep_site, &sites, &err) ||
        (fmt == OUT_TABLE &&
         print_head(store, path, site, id, &sites, &err))) {
        cli_error(&err);
        status = err.status;
        goto out;
    }
    if (fmt == OUT_TABLE && files.n > 0)
        putchar('\n');
    if (fmt != OUT_TABLE || files.n > 0)
        status = print_files(&files, fmt);
out:
    files_free(&files);
    free(sites.s);
    store_close(store);
    conf_free(conf);
    return status;
}
