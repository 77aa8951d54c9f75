/*
 * ingest_int.h - what the files of the ingest engine share: the run, its
 * workers and the files they read (ingest.c), the counting of a line
 * (ingest_count.c), and the helpers that count blocks of one file's
 * lines on other cores (ingest_pool.c).
 */
#ifndef BLOGSTAT_INGEST_INT_H
#define BLOGSTAT_INGEST_INT_H

#include "blogstat.h"
#include "classify.h"
#include "commit.h"
#include "conf.h"
#include "ingest.h"
#include "parser.h"
#include "reader.h"
#include "source.h"
#include "store.h"

#include <pthread.h>
#include <time.h>

struct agg;
struct client_cache;
struct committer;
struct geo;
struct robots;
struct strtab;
struct tally;
struct pool;

/* Bad lines reported one by one before only counting them (verbose:
 * all). */
#define MAX_BAD_SHOWN 10

/* The newest line of a site: when, and in which zone its log is. */
struct newest {
    int64_t utc;               /* Unix seconds */
    int tz_min;                /* its offset from UTC */
    int seen;
};

static inline void newest_add(struct newest *n, int64_t utc, int tz_min)
{
    if (!n->seen || utc > n->utc)
        *n = (struct newest){utc, tz_min, 1};
}

/* What the workers of one run share. */
struct run {
    const struct ingest_opts *o;   /* read-only */
    int detect;                    /* read-only: "auto", each file's own */
    struct log_json_map jmap;      /* read-only: the config's, for popt */
    struct parse_options popt;     /* read-only */
    const char *geoip;             /* read-only: the database each worker
                                      opens, or NULL */
    /* The database opened once: each worker's and helper's is opened
     * like it (geo_open_like()), sharing its IPv4 table. */
    struct geo *geo;
    unsigned char key[VISITOR_KEY_BYTES];  /* read-only: visitor ids' */
    struct source_keys keys;       /* read-only: sources', under key */
    /* The User-Agents' answers, numbered alike for every worker and
     * helper (a lock of its own): a helper's judgement names them. */
    struct ua_families *families;
    /* read-only: what a visitor's id is mixed with on each site (a reader
     * of two sites is a visitor of each) */
    uint64_t site_tags[CONF_SITES_MAX];
    int64_t site_ids[CONF_SITES_MAX];      /* read-only */
    /* read-only: each site's keys never folded (agg_set_known()) */
    struct strtab *known[CONF_SITES_MAX];
    struct timespec t0;            /* read-only */
    struct commit_db db;           /* the commit lock is its own */
    struct source_claims *claims;  /* a lock of its own */
    /* The output lock: the sink is called under it, one thread at a time. */
    pthread_mutex_t out_lock;
    const struct sink *sink;       /* under out_lock (its level, progress:
                                      read-only) */
    uint64_t bad_shown;            /* under out_lock */
    /* The run lock: which file is next, and the totals. */
    pthread_mutex_t lock;
    int next;                      /* under lock */
    int *status;                   /* [i]: the worker that took file i,
                                      read after the workers end */
    struct newest newest[CONF_SITES_MAX];  /* under lock */
    struct ingest_result *res;     /* totals: under lock */
    size_t helpers;                /* read-only: a worker's helpers */
};

/* A line read ahead of counting it, to choose the format. */
struct held {
    uint64_t start, end, lineno;
    size_t off, n;
    int overlong, gz;
};

/* The first lines of a file, held while its format is chosen. */
struct sample {
    char *buf;
    size_t len, cap;
    struct held l[PARSE_DETECT_LINES];
    size_t n, next;
    int rc;        /* what the reader said after them: 1 more to come */
};

/* Where the chunk being counted began: what its drop puts back. */
struct chunk_start {
    struct store_source src;
    uint64_t lines, bad, hits, views, excluded;
    struct newest newest[CONF_SITES_MAX];
};

/* The chunk being counted (read_lines()): its lines handed on (to the
 * pool, or counted), those counted, its start, the end of the last line
 * the source was marked at, and a commit that failed on the counting
 * side (ingest_counted()). */
struct chunk_state {
    uint64_t since, counted;
    struct chunk_start cs;
    uint64_t marked_end;
    int failed;
    struct bs_err err;
};

/* One worker: its own parser, caches and counts, reading one file at a
 * time. Touched by its thread only (its committer's thread sees only
 * what committer_start() hands it). */
struct worker {
    struct run *run;
    struct geo *geo;
    struct robots *robots;
    struct tally *tally;       /* the other dimensions' scratch */
    struct parser *parser;     /* the current file's */
    struct sample sample;
    struct committer *com;
    struct agg *const *agg;    /* committer_counting(): an agg a site */
    int bad_silent;            /* the bad lines to show are all shown */
    struct url_class cls;
    struct url_cache *url_cache;   /* classify_url_cached()'s */
    struct url_cache *ref_cache;   /* classify_referrer_cached()'s */
    struct client_cache *clients;  /* what recent clients told */
    struct ref_info ref;
    uint64_t lines, bad, hits, views, files;
    uint64_t excluded;         /* lines of [site] exclude addresses */
    struct newest newest[CONF_SITES_MAX];
    uint64_t stray;            /* hits of a host no site declares */
    char stray_host[64];
    /* The format of the file being read (choose_parser()), and its
     * generation, so that a helper compiles the same parser. */
    const char *format;
    unsigned format_gen;
    /* Helpers that judge blocks of the file's lines beside this worker
     * (ingest_pool.c), NULL: none. */
    struct pool *pool;
    struct chunk_state chunk;  /* of the file being read */
};

/* One file being read. */
struct file {
    const char *path, *name;
    int index;                 /* 1-based */
    struct reader *r;
    struct store_source *src;
    struct store_source was;   /* as found */
    char fp[SOURCE_HASH_LEN];  /* its claim */
    int found;                 /* read before */
    uint64_t lines0;           /* its lines before this run */
    uint64_t stop;             /* read no line that starts at or past it */
    int stopped;               /* the read ended there, not at the end */
};


/* ---- ingest_count.c ----------------------------------------------------- */

/* What a line is, as far as counting it goes. */
enum fate {
    FATE_BAD,                  /* it did not parse: st says why */
    FATE_EXCLUDED,             /* a [site] exclude address's */
    FATE_HIT,                  /* a hit and nothing more */
    FATE_VIEW,                 /* a view of kind, key */
    FATE_FEED,                 /* a fetch of the feed key */
    FATE_MISSING               /* a 404 of a page's address */
};

/*
 * A line judged (ingest_judge()): all that counting it takes and that
 * depends on the line alone. Its slices point into the line, or into the
 * judging worker's scratch (its class and referrer): a helper copies
 * those into its block before it judges the next line.
 */
struct judged {
    struct logrec rec;
    enum parse_status st;
    enum fate fate;
    int k;                     /* the site's index; -1: a host no site has */
    int robot;                 /* robots_check()'s: 0 a person */
    enum url_kind kind;        /* view, feed, missing: the class */
    struct slice key;          /* and its key */
    char cc[3];                /* a view's country */
    uint64_t visitor;          /* a view's visitor */
    uint32_t family;           /* a view's User-Agent's (tally_family()) */
    enum ref_class ref;        /* a view's or missing page's; REF_NONE */
    struct slice host, term;   /* the referrer's host and search terms */
};

/* What recent clients (an address and a User-Agent) told: a robot or
 * not, the country, the visitor's id. One a worker. */
struct client_cache *client_cache_new(void);
void client_cache_free(struct client_cache *c);

/* Judge one line with w's parser, rules, caches and GeoIP. */
void ingest_judge(struct worker *w, const struct reader_line *line,
                  struct judged *j);
/* Count a judged line (its number lineno, for a bad one's report) into
 * the worker's aggs and src's counters: lines in order. */
void ingest_count_judged(struct worker *w, struct store_source *src,
                         const char *name, uint64_t lineno,
                         const struct judged *j);
/* Both, for one line. */
void ingest_count_line(struct worker *w, struct store_source *src,
                       const char *name, const struct reader_line *line);
/* With a pool: line, the bytes [start, end) of the input read as far as
 * size, was counted; the chunk ends after it when -j 1 would have ended
 * it there (its memory budget). */
void ingest_counted(struct worker *w, struct store_source *src,
                    const struct reader_line *line, uint64_t start,
                    uint64_t end, uint64_t size);
/* Report a bad line (the first few, or all when verbose). */
void ingest_report_bad(struct worker *w, const char *name, uint64_t lineno,
                       enum parse_status st);
/* Where bad lines count: the default site's agg, or opts->site's. */
struct agg *ingest_bad_agg(struct worker *w);

/* A worker that only judges what a pool gives it (ingest.c): its parser,
 * rules, caches and GeoIP; no committer, no file, no counts of its own. */
struct worker *ingest_helper_new(struct run *run);
void ingest_helper_free(struct worker *w);

/* ---- ingest_pool.c ------------------------------------------------------ */

/*
 * Helpers beside worker w (n of them, each a worker of its own for its
 * parser, rules, caches and GeoIP), each on a thread. With a pool, the
 * worker hands each line to pool_line() in place of ingest_count_line():
 * the lines go into blocks that the helpers judge (ingest_judge()) on
 * their cores, and the worker counts the judged blocks in the order of
 * the lines, judging a block itself when no helper has taken it yet.
 */
struct pool *pool_new(struct worker *w, size_t n);
void pool_free(struct pool *p);
void pool_line(struct worker *w, struct store_source *src, const char *name,
               const struct reader_line *line, uint64_t start, uint64_t end,
               uint64_t size);
/* Every line handed in so far counted, in src and the aggs: before a
 * chunk is committed or the read ends. */
void pool_sync(struct worker *w, struct store_source *src, const char *name);
/* The lines handed in since the last sync are forgotten, uncounted. */
void pool_drop(struct worker *w);

#endif
