/*
 * cmd_status.c - `blogstat status`: what the database holds.
 */
#include "blogstat.h"
#include "cli.h"
#include "output.h"
#include "store.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char status_usage[] =
    "usage: blogstat status [--format table|csv|json]\n"
    "\n"
    "What has been ingested: each log known (by the name it was last read\n"
    "under), its lines and bad lines, how far it was read (position, in\n"
    "decompressed bytes), whether it is complete (a gzip file read to its\n"
    "end), open (it may grow) or stopped by an error, and when it was last\n"
    "read; the days covered and the size of the database. csv and json\n"
    "print one row per log.\n";

static const struct out_column file_cols[] = {
    {"file", NULL, OUT_TEXT, 44},
    {"lines", NULL, OUT_INT, 0},
    {"bad_lines", "bad", OUT_INT, 0},
    {"hits", NULL, OUT_INT, 0},
    {"gzip", NULL, OUT_INT, 0},
    {"size", NULL, OUT_INT, 0},
    {"position", NULL, OUT_INT, 0},
    {"state", NULL, OUT_WORD, 0},
    {"last_read", "last read", OUT_WORD, 0},
    {"error", NULL, OUT_TEXT, 60},
};

static const char *state_name(enum store_file_state state)
{
    switch (state) {
    case STORE_FILE_COMPLETE: return "complete";
    case STORE_FILE_OPEN: return "open";
    case STORE_FILE_ERROR: return "error";
    }
    return "?";
}

static int add_file(void *ctx, const struct store_file_row *row)
{
    struct out_table *t = ctx;

    out_add_text(t, row->name);
    out_add_int(t, row->lines);
    out_add_int(t, row->bad_lines);
    out_add_int(t, row->hits);
    out_add_int(t, row->gzip);
    out_add_int(t, row->size);
    out_add_int(t, row->position);
    out_add_text(t, state_name(row->state));
    out_add_text(t, row->last_read);
    out_add_text(t, row->error);
    return 0;
}

/* "a (1,234 views), default (0 views)": the sites, when there are two or
 * more. */
struct sites {
    char text[1024];
    size_t n;
};

static const char *thousands(int64_t v, char buf[32]);

static int add_site(void *ctx, const struct store_site_row *row)
{
    struct sites *s = ctx;
    size_t len = strlen(s->text);
    char n[32];

    if (len < sizeof(s->text))
        snprintf(s->text + len, sizeof(s->text) - len, "%s%s (%s views)",
                 s->n ? ", " : "", row->name, thousands(row->views, n));
    s->n++;
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

int cmd_status(int argc, char **argv)
{
    enum { OPT_FORMAT = 256 };
    static const struct option longopts[] = {
        {"format", required_argument, NULL, OPT_FORMAT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct bs_err err = {0};
    enum out_format fmt = OUT_TABLE;
    struct store_totals t;
    struct out_table *files;
    struct conf *conf;
    struct store *store;
    const char *path;
    int32_t first = 0, last = 0;
    int c, span, status = 0;
    char a[32], b[32], d1[11], d2[11];
    struct stat st;
    const struct store_filter all = {.from = INT32_MIN, .to = INT32_MAX};
    struct sites sites = {0};

    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_FORMAT:
            if (out_format_parse(optarg, &fmt))
                return cli_usage("status ", "unknown --format '%s'", optarg);
            break;
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
    files = out_new(file_cols, (int)ARRAY_SIZE(file_cols));
    if (store_totals(store, &t, &err) ||
        (span = store_day_span(store, STORE_SITE_ALL, &first, &last,
                               &err)) < 0 ||
        store_files(store, &all, add_file, files, &err) ||
        store_sites(store, &all, add_site, &sites, &err)) {
        cli_error(&err);
        status = err.status;
        goto out;
    }
    if (fmt != OUT_TABLE) {
        if (out_print(files, fmt, stdout))
            status = BS_IOERR;
        goto out;
    }
    printf("database  %s (%.1f MB)\n", path,
           (double)(stat(path, &st) == 0 ? st.st_size : t.db_bytes) / 1e6);
    if (span) {
        day_format(first, d1);
        day_format(last, d2);
        printf("days      %s .. %s (%d days)\n", d1, d2, last - first + 1);
    } else {
        printf("days      none yet\n");
    }
    printf("lines     %s in %lld log%s, %s bad (%.2f%%)\n",
           thousands(t.lines, a), (long long)t.files, t.files == 1 ? "" : "s",
           thousands(t.bad_lines, b),
           t.lines ? 100.0 * (double)t.bad_lines / (double)t.lines : 0.0);
    printf("hits      %s, %s from robots\n", thousands(t.hits, a),
           thousands(t.robots, b));
    printf("views     %s\n", thousands(t.views, a));
    if (t.excluded > 0)
        printf("excluded  %s lines of [site] exclude addresses\n",
               thousands(t.excluded, a));
    if (sites.n > 1)
        printf("sites     %s\n", sites.text);
    if (out_rows(files) > 0) {
        putchar('\n');
        if (out_print(files, OUT_TABLE, stdout))
            status = BS_IOERR;
    }
out:
    out_free(files);
    store_close(store);
    conf_free(conf);
    return status;
}
