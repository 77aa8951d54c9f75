/*
 * recount.h - count days again with the config as it is now, from the
 * logs still on disk, after a change of the config (a URL rule, an
 * ignore pattern, a site).
 *
 * The logs that cover the days are found by their fingerprint (source.h)
 * under the names the store last saw them, their rotated siblings
 * (access.log.1, access.log.2.gz, access.log-20240101.gz) or the files
 * given, and read again by the ingest engine into a scratch database
 * beside the store, each only up to the position the store committed
 * (what lies after it is the next ingest's). Each day whose every log
 * was found and read back to that position is then replaced in the store
 * by the scratch's rows, in one transaction a day. The sources are left
 * as they are, so that the next ingest reads on from where the last one
 * stopped: every line still counts exactly once.
 *
 * An open day (audience.h) keeps its salt: the scratch counts under it,
 * and the day's open visits are replaced by the scratch's, so that the
 * next ingest goes on with that day's visits as a fresh ingest would.
 *
 * A day with a log that is gone, or that begins or ends otherwise than
 * what was read, is left as it was and named through the sink.
 */
#ifndef BLOGSTAT_RECOUNT_H
#define BLOGSTAT_RECOUNT_H

#include "blogstat.h"
#include "sink.h"
#include "store.h"

struct conf;
struct source_keys;

struct recount_opts {
    const struct conf *conf;   /* the config to count with */
    const char *db;            /* the database's path or URI */
    const char *key_path;      /* the visitor key file; NULL: DB.key */
    const char *format;        /* as ingest_opts's */
    int site;                  /* as ingest_opts's */
    const char *geoip;         /* a MaxMind DB file, or NULL: search */
    int wait;                  /* wait for an ingest's lock */
    int jobs;                  /* workers, 0: one per core */
    int64_t now;               /* Unix seconds */
    int32_t from, to;          /* the days, inclusive */
    char *const *files;        /* more logs to look among (not "-") */
    int nfiles;
};

struct recount_result {
    /* 0; BS_NOINPUT when days were left as they were for want of their
     * logs; or the status of what failed. */
    int status;
    uint64_t days;             /* counted again */
    uint64_t kept;             /* left as they were */
    uint64_t files;            /* logs read */
    double secs;
};

/*
 * Count the days from..to again (those with data, or read from a log).
 * Takes the database's lock as ingest does (BS_TEMPFAIL when an ingest
 * holds it, unless wait). Returns 0 with res filled (days already
 * replaced stay so when a later one fails: each is whole), or -1 with
 * err when nothing could start.
 */
int recount_run(const struct recount_opts *o, const struct sink *sink,
                struct recount_result *res, struct bs_err *err);

/* ---- its steps, for tests ---- */

/* What recount does with a day. */
enum recount_day {
    RECOUNT_DAY_READY,         /* every log of it is at hand */
    RECOUNT_DAY_MISSING,       /* a log of it is not */
    RECOUNT_DAY_UNKNOWN        /* data, but no log known to have it */
};

/* The days of a range and the logs that cover them. */
struct recount_plan;

/* Logs are matched to sources under k (source.h), borrowed. */
struct recount_plan *recount_plan_new(int32_t from, int32_t to,
                                     const struct source_keys *k);
void recount_plan_free(struct recount_plan *p);
/* A log the store has read (kept when its days meet the range). */
void recount_plan_add_source(struct recount_plan *p,
                             const struct store_source *src);
/* A day with data in the store (kept when in the range). */
void recount_plan_add_day(struct recount_plan *p, int32_t day);
/* The file path as a candidate: it is taken by the logs of its
 * fingerprint not found yet. Returns how many logs took it (0 when it
 * cannot be read or is no log of the plan). */
int recount_plan_offer(struct recount_plan *p, const char *path);
/* Look for each log not found yet under the name it was last read
 * under, then among that name's rotated siblings (recount_siblings()). */
void recount_plan_search(struct recount_plan *p);
/* The log of fingerprint fp cannot be used after all (why: a static
 * string or one of the plan's own). */
void recount_plan_reject(struct recount_plan *p, const char *fp,
                         const char *why);

/* The days of the plan, oldest first. */
size_t recount_plan_ndays(const struct recount_plan *p);
int32_t recount_plan_day_at(const struct recount_plan *p, size_t i);
/* The state of day; for RECOUNT_DAY_MISSING, *name and *why say which
 * log and why (they live as long as the plan). */
enum recount_day recount_plan_day(const struct recount_plan *p, int32_t day,
                                  const char **name, const char **why);

/* The logs to read: those found that cover a ready day, each once, with
 * the position to stop at. Returns their count; *paths and *stops are
 * the plan's (valid until it changes or is freed). */
int recount_plan_files(struct recount_plan *p, char ***paths,
                       uint64_t **stops);
/* Each log found: its fingerprint, the path it was found at and what the
 * store knows of it, until fn returns nonzero. */
void recount_plan_each_found(struct recount_plan *p,
                             int (*fn)(void *ctx, const char *path,
                                       const struct store_source *src),
                             void *ctx);

/* Call fn with each regular file where a log last read as name may be
 * now: name itself and, in its folder, the files whose names begin with
 * name less a ".gz" and a ".N" or "-N" (digits) ending. */
void recount_siblings(const char *name,
                      void (*fn)(void *ctx, const char *path), void *ctx);

/*
 * Replace day's rows in to with from's (store_day_items()), in one
 * transaction on to: to's day is the old one or the new one, never a
 * mix. open: the day is open in to, and takes from's open visits (which
 * must be under to's salt). 0, or -1 with err (to left as it was).
 */
int recount_day(struct store *to, struct store *from, int32_t day, int open,
                struct bs_err *err);

#endif
