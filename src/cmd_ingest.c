/*
 * cmd_ingest.c - `blogstat ingest`: the pipeline, wired.
 *
 * reader -> parser -> robots/classify -> geo -> agg, and every chunk of
 * lines agg -> store in one transaction. Per line: no allocation, no
 * stdio, one hash lookup for the User-Agent and one for the address.
 */
#include "blogstat.h"
#include "agg.h"
#include "classify.h"
#include "cli.h"
#include "geo.h"
#include "parser.h"
#include "reader.h"
#include "robots.h"
#include "store.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Lines between two commits: big transactions, bounded memory. */
#define CHUNK_LINES (1u << 20)
/* Bad lines reported one by one before only counting them (-v: all). */
#define MAX_BAD_SHOWN 10

#define COUNTRY_NAMES_FILE "/usr/share/iso-codes/json/iso_3166-1.json"

static const char ingest_usage[] =
    "usage: blogstat ingest [OPTIONS] FILE...\n"
    "\n"
    "Read access logs (gzip or plain, '-' for standard input) and add what\n"
    "they count to the database.\n"
    "\n"
    "  --format NAME    log format: auto (default), combined, common\n"
    "  --max-bad N[%]   exit 65 when more lines than this are bad:\n"
    "                   a count, or a percentage of the lines (default 1%)\n"
    "  --geoip PATH     MaxMind DB file for countries\n"
    "  -q, --quiet      only errors\n"
    "  -v, --verbose    report every bad line\n";

struct ingest {
    struct conf *conf;
    struct store *store;
    struct geo *geo;
    struct robots *robots;
    struct parser *parser;
    struct agg *agg;
    struct url_class cls;
    int progress;             /* show progress on the terminal */
    uint64_t bad_shown;
    /* the whole run */
    uint64_t lines, bad, hits, views, files;
    struct timespec t0;
};

struct flush_ctx {
    struct ingest *in;
    struct bs_err *err;
};

static int put_day(void *ctx, const struct agg_day *d)
{
    struct flush_ctx *f = ctx;

    return store_add_day(f->in->store, d->day, d->hits, d->views, d->robots,
                         d->bad, f->err);
}

static int put_path(void *ctx, int32_t day, enum url_kind kind,
                    const char *key, size_t n, uint64_t views)
{
    struct flush_ctx *f = ctx;

    return store_add_path_views(f->in->store, day, url_kind_name(kind), key,
                                n, views, f->err);
}

static int put_term(void *ctx, int32_t day, enum url_kind kind,
                    const char *name, size_t n, uint64_t views)
{
    struct flush_ctx *f = ctx;

    return store_add_term_views(f->in->store, day, url_kind_name(kind), name,
                                n, views, f->err);
}

static int put_post_country(void *ctx, int32_t day, enum url_kind kind,
                            const char *key, size_t n, const char *country,
                            uint64_t views)
{
    struct flush_ctx *f = ctx;

    return store_add_post_country_views(f->in->store, day,
                                        url_kind_name(kind), key, n, country,
                                        views, f->err);
}

static int put_country(void *ctx, int32_t day, const char *country,
                       uint64_t views)
{
    struct flush_ctx *f = ctx;

    return store_add_country_views(f->in->store, day, country, views,
                                   f->err);
}

/*
 * Add the counts of the chunk (and, at the end of a file, its record) to
 * the database in one transaction, then start a new chunk.
 */
static int flush(struct ingest *in, const struct store_file *file,
                 struct bs_err *err)
{
    struct flush_ctx f = {in, err};

    if (agg_empty(in->agg) && !file)
        return 0;
    if (store_begin(in->store, err))
        return -1;
    if (agg_each_day(in->agg, put_day, &f) ||
        agg_each_path(in->agg, put_path, &f) ||
        agg_each_term(in->agg, put_term, &f) ||
        agg_each_country(in->agg, put_country, &f) ||
        agg_each_post_country(in->agg, put_post_country, &f) ||
        (file && store_add_file(in->store, file, err)) ||
        store_commit(in->store, err)) {
        store_rollback(in->store);
        return -1;
    }
    agg_clear(in->agg);
    return 0;
}

static double elapsed(const struct timespec *t0)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) +
           (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void show_progress(struct ingest *in, const struct reader *r,
                          uint64_t lines, int done)
{
    double secs = elapsed(&in->t0);
    uint64_t size = reader_file_size(r), got = reader_bytes_read(r);
    double rate = secs > 0 ? (double)(in->lines + lines) / secs : 0;

    fprintf(stderr, "\r\033[K%s: %.1f MB", reader_name(r), (double)got / 1e6);
    if (size > 0) {
        fprintf(stderr, " of %.1f MB (%.0f%%)", (double)size / 1e6,
                100.0 * (double)got / (double)size);
    }
    fprintf(stderr, ", %llu lines, %.0fk lines/s",
            (unsigned long long)lines, rate / 1000);
    if (size > got && got > 0 && !done) {
        double left = secs * (double)(size - got) / (double)got;

        fprintf(stderr, ", %.0f s left", left);
    }
    if (done)
        fputc('\n', stderr);
    fflush(stderr);
}

static void report_bad(struct ingest *in, const char *name, uint64_t lineno,
                       enum parse_status st)
{
    if (in->bad_shown >= MAX_BAD_SHOWN && !cli.verbose)
        return;
    in->bad_shown++;
    if (in->progress)
        fputs("\r\033[K", stderr);
    fprintf(stderr, "blogstat: %s:%llu: bad line: %s\n", name,
            (unsigned long long)lineno, parse_strerror(st));
}

/*
 * Read one input to its end. Returns 0, or the exit status of what went
 * wrong with it (the counts of the lines before are kept either way).
 */
static int ingest_file(struct ingest *in, const char *path)
{
    struct bs_err err = {0};
    struct reader *r = reader_open(path, &err);
    struct store_file file = {0};
    struct reader_line line;
    struct logrec rec;
    const char *name = strcmp(path, "-") == 0 ? "(stdin)" : path;
    int32_t last_day = 0;
    int have_day = 0, rc;
    uint64_t pending_bad = 0, since_flush = 0;
    char *error = NULL;

    if (!r) {
        cli_error(&err);
        return err.status;
    }
    file.name = name;
    while ((rc = reader_next(r, &line, &err)) > 0) {
        enum parse_status st;

        file.lines++;
        st = line.overlong ? PARSE_TOOLONG
                           : parse_line(in->parser, line.p, line.n, &rec);
        if (st != PARSE_OK) {
            file.bad_lines++;
            report_bad(in, name, line.lineno, st);
            /* Bad lines have no date: file them under the last good day. */
            if (have_day)
                agg_bad(in->agg, last_day, 1);
            else
                pending_bad++;
        } else {
            int robot = rec.has_agent &&
                        robots_check(in->robots, rec.agent.p, rec.agent.n);

            if (file.hits == 0 || rec.day < file.first_day)
                file.first_day = rec.day;
            if (file.hits == 0 || rec.day > file.last_day)
                file.last_day = rec.day;
            file.hits++;
            if (pending_bad) {
                agg_bad(in->agg, rec.day, pending_bad);
                pending_bad = 0;
            }
            last_day = rec.day;
            have_day = 1;
            agg_hit(in->agg, rec.day, robot);
            if (!robot && (rec.status == 200 || rec.status == 304) &&
                slice_eq(rec.method, "GET", 3) &&
                url_kind_is_content(classify_url(in->conf->rules,
                                                 rec.target.p, rec.target.n,
                                                 &in->cls))) {
                const char *cc =
                    geo_country(in->geo, rec.client.p, rec.client.n);

                agg_view(in->agg, rec.day, in->cls.kind, in->cls.key,
                         in->cls.key_len, cc);
                in->views++;
            }
        }
        if (++since_flush >= CHUNK_LINES) {
            since_flush = 0;
            if (flush(in, NULL, &err)) {
                cli_error(&err);
                reader_close(r);
                return err.status;
            }
            if (in->progress)
                show_progress(in, r, file.lines, 0);
        }
    }
    if (rc < 0) {
        if (in->progress)
            fputs("\r\033[K", stderr);
        cli_error(&err);
        error = xstrdup(err.msg);
    }
    file.gzip = reader_is_gzip(r);
    file.size = reader_bytes_read(r);
    file.bytes = reader_offset(r);
    file.error = error;
    if (in->progress)
        show_progress(in, r, file.lines, 1);
    reader_close(r);

    in->lines += file.lines;
    in->bad += file.bad_lines;
    in->hits += file.hits;
    in->files++;
    {
        struct bs_err ferr = {0};

        if (flush(in, &file, &ferr)) {
            cli_error(&ferr);
            free(error);
            return ferr.status;
        }
    }
    free(error);
    return rc < 0 ? err.status : 0;
}

/* "N%" is a share of the lines, "N" a count; -1 when it is neither. */
static int parse_max_bad(const char *s, double *pct, int64_t *count)
{
    size_t n = strlen(s);
    char *end;

    if (n > 1 && s[n - 1] == '%') {
        double v;

        errno = 0;
        v = strtod(s, &end);
        if (errno || end != s + n - 1 || v < 0 || v > 100)
            return -1;
        *pct = v;
        *count = -1;
        return 0;
    }
    *count = cli_parse_count(s);
    *pct = -1;
    return *count < 0 ? -1 : 0;
}

static void load_country_names(struct store *store)
{
    FILE *f;
    char *buf;
    size_t n;
    struct bs_err err = {0};

    if (store_has_country_names(store))
        return;
    f = fopen(COUNTRY_NAMES_FILE, "r");
    if (!f) {
        if (cli.verbose)
            cli_warn("cannot open '%s' (Debian package iso-codes): country "
                     "names will be missing", COUNTRY_NAMES_FILE);
        return;
    }
    buf = xmalloc(4 << 20);
    n = fread(buf, 1, (4 << 20) - 1, f);
    fclose(f);
    if (store_load_country_names(store, buf, n, &err))
        cli_error(&err);
    free(buf);
}

int cmd_ingest(int argc, char **argv)
{
    enum { OPT_FORMAT = 256, OPT_MAX_BAD, OPT_GEOIP };
    static const struct option longopts[] = {
        {"format", required_argument, NULL, OPT_FORMAT},
        {"max-bad", required_argument, NULL, OPT_MAX_BAD},
        {"geoip", required_argument, NULL, OPT_GEOIP},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct ingest in = {0};
    struct bs_err err = {0};
    const char *format = NULL, *geoip;
    double max_pct = 1.0;
    int64_t max_count = -1;
    int c, status = 0;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "qvh", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_FORMAT: format = optarg; break;
        case OPT_MAX_BAD:
            if (parse_max_bad(optarg, &max_pct, &max_count))
                return cli_usage("ingest ", "bad --max-bad '%s': give a "
                                 "count or a percentage such as 1%%",
                                 optarg);
            break;
        case OPT_GEOIP: cli.geoip = optarg; break;
        case 'q': cli.quiet = 1; break;
        case 'v': cli.verbose = 1; break;
        case 'h':
            fputs(ingest_usage, stdout);
            return 0;
        default:
            return cli_usage("ingest ", "unknown option '%s'",
                             argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage("ingest ", "no log file given");

    if (!(in.conf = cli_conf(&err))) {
        cli_error(&err);
        return err.status;
    }
    if (format && parse_format_name(format, &in.conf->format)) {
        conf_free(in.conf);
        return cli_usage("ingest ", "unknown --format '%s'", format);
    }
    geoip = cli.geoip ? cli.geoip : getenv("BLOGSTAT_GEOIP");
    if (geoip && !*geoip)
        geoip = NULL;
    if (!geoip)
        geoip = in.conf->geoip;
    in.geo = geo_open(geoip, &err);
    if (!in.geo) {
        cli_error(&err);
        conf_free(in.conf);
        return err.status;
    }
    if (!geo_path(in.geo) && !cli.quiet)
        cli_warn("no GeoIP database found (data/*.mmdb, /usr/share/GeoIP, "
                 "/var/lib/GeoIP): every country is '--'; run 'make geoip' "
                 "or give --geoip");
    else if (cli.verbose)
        cli_warn("countries from '%s'", geo_path(in.geo));
    in.store = store_open(cli_db_path(in.conf), STORE_WRITE, &err);
    if (!in.store) {
        cli_error(&err);
        geo_close(in.geo);
        conf_free(in.conf);
        return err.status;
    }
    load_country_names(in.store);
    in.robots = robots_new();
    in.parser = parser_new(in.conf->format);
    in.agg = agg_new();
    in.progress = !cli.quiet && isatty(STDERR_FILENO);
    clock_gettime(CLOCK_MONOTONIC, &in.t0);

    for (int i = optind; i < argc; i++) {
        int st = ingest_file(&in, argv[i]);

        if (st && !status)
            status = st;
        /* The database itself failing ends the run; a bad input does not. */
        if (st == BS_IOERR || st == BS_TEMPFAIL || st == BS_OSERR)
            break;
    }

    if (in.bad > 0) {
        int over = max_count >= 0 ? in.bad > (uint64_t)max_count
                                  : (double)in.bad * 100.0 >
                                        max_pct * (double)in.lines;

        if (over || !cli.quiet)
            cli_warn("%llu bad line%s of %llu (%.2f%%)%s%s",
                     (unsigned long long)in.bad, in.bad == 1 ? "" : "s",
                     (unsigned long long)in.lines,
                     100.0 * (double)in.bad / (double)in.lines,
                     in.bad > in.bad_shown ? "; the first are shown above"
                                           : "",
                     over ? "; more than --max-bad allows" : "");
        if (over && !status)
            status = BS_DATAERR;
    }
    if (in.progress || cli.verbose)
        fprintf(stderr,
                "blogstat: %llu file%s, %llu lines, %llu hits, %llu views "
                "in %.1f s\n",
                (unsigned long long)in.files, in.files == 1 ? "" : "s",
                (unsigned long long)in.lines, (unsigned long long)in.hits,
                (unsigned long long)in.views, elapsed(&in.t0));

    agg_free(in.agg);
    parser_free(in.parser);
    robots_free(in.robots);
    store_close(in.store);
    geo_close(in.geo);
    conf_free(in.conf);
    return status;
}
