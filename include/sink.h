/*
 * sink.h - how the library tells its caller what it is doing: errors of
 * one input among many, warnings, details, and progress. The library
 * never prints; the caller (the command line) gives a sink and decides
 * what a terminal, --quiet or --verbose shows.
 *
 * A message is one line without "blogstat: " and without a newline. The
 * library calls a sink from one thread at a time (it holds its output
 * lock around each call), so a sink needs no lock of its own.
 *
 * Levels work like zstd's DISPLAYLEVEL: a message of level L is made
 * only when sink->level >= L, so that a quiet run does not even format
 * its details. Progress is made only when sink->progress is set, at most
 * once per committed chunk of lines and once at the end of each input
 * (read or not: every input ends with one report with done set).
 */
#ifndef BLOGSTAT_SINK_H
#define BLOGSTAT_SINK_H

#include "blogstat.h"

enum sink_level {
    SINK_ERROR = 1,     /* always shown: why an input or a step failed */
    SINK_WARN = 2,      /* shown unless quiet: bad lines, doubtful input */
    SINK_INFO = 3       /* verbose: what is done with each input */
};

/* Where the reading of one input stands. */
struct sink_progress {
    const char *name;          /* the input, as the reader names it */
    int index, count;          /* 1-based index among count inputs */
    uint64_t bytes;            /* bytes read of it (compressed for gzip) */
    uint64_t size;             /* its size, 0 when unknown (a stream) */
    uint64_t lines;            /* lines read of it in this run */
    double secs;               /* since the run started */
    int done;                  /* 1: the input's last report */
    /* With done: 0 it was read; SINK_UNREAD_NOTHING nothing new in it
     * (read before, or empty); SINK_UNREAD_FAILED an error (told through
     * error()) stopped it before any line. */
    int unread;
};

#define SINK_UNREAD_NOTHING 1
#define SINK_UNREAD_FAILED 2

struct sink {
    int level;                 /* the highest enum sink_level wanted */
    int progress;              /* 1: progress reports wanted */
    void *ctx;
    /* A message of level (SINK_WARN or SINK_INFO). */
    void (*message)(void *ctx, enum sink_level level, const char *msg);
    /* An error (SINK_ERROR): its status, message and origin. */
    void (*error)(void *ctx, const struct bs_err *err);
    /* Progress, when progress is set. */
    void (*progress_fn)(void *ctx, const struct sink_progress *p);
};

#endif
