/*
 * ingest.h - the ingest engine: reader -> parser -> robots/classify ->
 * geo -> agg, on one worker a file (several files at once with jobs),
 * and every chunk of lines agg -> store in one transaction (commit.h),
 * each file read exactly once (source.h).
 *
 * Per line: no allocation, no stdio, one hash lookup for the User-Agent
 * and one for the address.
 *
 * The command fills struct ingest_opts, calls ingest_run() and maps its
 * result to an exit status and summary lines; the engine reports what
 * happens on the way through the sink it is given (sink.h).
 */
#ifndef BLOGSTAT_INGEST_H
#define BLOGSTAT_INGEST_H

#include "blogstat.h"
#include "sink.h"

struct conf;

/* Lines between two commits by default: big transactions, bounded
 * memory. */
#define INGEST_CHUNK_LINES (1u << 18)

struct ingest_opts {
    const struct conf *conf;   /* the config: sites, rules, proxies */
    const char *db;            /* the database's path or URI */
    const char *key_path;      /* the visitor key file; NULL: DB.key */
    const char *format;        /* a format name or string; "auto": each
                                  file's own, chosen from its first lines */
    int site;                  /* the config's site of every line, -1: by
                                  each line's host */
    const char *geoip;         /* a MaxMind DB file, or NULL: search */
    int wait;                  /* wait for another ingest's lock */
    uint64_t commit_every;     /* lines per transaction (> 0) */
    int jobs;                  /* workers, 0: one per core */
    uint64_t max_bytes;        /* per file, 0: no limit */
    int64_t now;               /* Unix seconds: when the logs are read */
    char *const *files;        /* paths, "-" for standard input */
    int nfiles;
    /* NULL, or stops[i]: read files[i] no further than this decompressed
     * offset (the position of a source, just after a newline), for a
     * count again of what was read (recount.h); INGEST_NO_STOP: to its
     * end. */
    const uint64_t *stops;
    /* NULL, or the key visitor ids are hashed under (VISITOR_KEY_BYTES),
     * instead of the database's own (dbfiles.h). */
    const unsigned char *key;
};

#define INGEST_NO_STOP UINT64_MAX

struct ingest_result {
    /* The exit status of the first failing file in the order given, or
     * of closing the days; 0 when all went well. */
    int status;
    uint64_t files;            /* read (not skipped as read before) */
    uint64_t failed;           /* files that ended in an error (their
                                  lines before it are counted) */
    int first_failed;          /* the index in opts->files of the first
                                  of them, -1: none */
    uint64_t lines, bad, hits, views;
    uint64_t excluded;         /* lines of [site] exclude addresses: not
                                  hits, counted nowhere else */
    uint64_t bad_shown;        /* bad lines reported through the sink */
    uint64_t stray;            /* hits of a host no site declares */
    char stray_host[64];       /* the first such host, as logged */
    double secs;               /* the run's time */
};

/*
 * Read opts->files into the database. Errors of one file go to the sink
 * and into res->status, and the other files are read on (but after an
 * I/O error or a busy database, which stop every worker). Returns 0
 * with res filled, or -1 with err when nothing could start (the lock,
 * the database, the key, the GeoIP database).
 */
int ingest_run(const struct ingest_opts *opts, const struct sink *sink,
               struct ingest_result *res, struct bs_err *err);

#endif
