/*
 * copy.h - a whole database into another, new or empty one, either way
 * between SQLite (a file) and PostgreSQL (a libpq URI), file to file and
 * URI to URI too.
 *
 * Everything the counts stand on goes over: the sites with their ids
 * (a visitor's id on a site is mixed with the site's id, visitor.h), the
 * imported posts with their titles, dates, WordPress ids, kinds, tags and
 * categories, every day's rows of every table (store_day_items(): pages
 * by kind and key, never by row id; visitor sketches converted between
 * blogstat's blobs and PostgreSQL's hll values), the open days' salts
 * and open visits, the sources (so that an ingest of the logs read before
 * adds nothing to the copy), the newest line of each site and the
 * country names. The source is read in one snapshot; the destination is
 * written in one transaction, so that a copy that fails leaves it as it
 * was (a database file the copy created is removed).
 *
 * The visitor key is a file, never in a database. A destination file
 * whose key would be DB.key beside it gets the source's key there
 * (mode 0600) when it has none; one that has another is refused. A
 * destination URI has no folder: the sink is told which key file its
 * logs and visitors are known under, for its '[db] key'.
 */
#ifndef BLOGSTAT_COPY_H
#define BLOGSTAT_COPY_H

#include "blogstat.h"
#include "sink.h"

struct copy_opts {
    const char *from;          /* the database's path or URI */
    const char *to;            /* the new database's path or URI */
    const char *key_path;      /* the visitor key file ([db] key); NULL:
                                  DB.key beside a database file */
};

struct copy_result {
    uint64_t sites;            /* besides the default one */
    uint64_t days;
    uint64_t rows;             /* the days' items (store.h) */
    uint64_t sources;
    uint64_t salts;            /* open days */
    int key_written;           /* the source's key was put beside to */
    double secs;
};

/*
 * Copy o->from into o->to. The destination must hold nothing
 * (store_is_empty()): else BS_CANTCREAT naming it and a table it has rows
 * in. Other errors: those of store_open() for either, BS_USAGE when both
 * name the same database, BS_TEMPFAIL when an ingest holds the
 * destination file's lock, BS_CANTCREAT when a key file beside it is not
 * the source's. Details of each day go to the sink at SINK_INFO. 0 with
 * res filled, or -1 with err and the destination as it was.
 */
int copy_run(const struct copy_opts *o, const struct sink *sink,
             struct copy_result *res, struct bs_err *err);

#endif
