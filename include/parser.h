/*
 * parser.h - parse one access log line (Apache/nginx common or combined)
 * into slices of the line, with no copy and no allocation.
 */
#ifndef BLOGSTAT_PARSER_H
#define BLOGSTAT_PARSER_H

#include "blogstat.h"
#include "slice.h"

enum log_format {
    LOG_AUTO,       /* combined when the quoted fields are there, else common */
    LOG_COMMON,
    LOG_COMBINED
};

enum parse_status {
    PARSE_OK = 0,
    PARSE_EMPTY,
    PARSE_NUL,
    PARSE_CLIENT,
    PARSE_USER,
    PARSE_TIME,
    PARSE_REQUEST,
    PARSE_STATUS,
    PARSE_BYTES,
    PARSE_REFERER,
    PARSE_AGENT,
    PARSE_TRAILING,
    PARSE_TOOLONG,   /* not returned by parse_line: the reader's overlong */
    PARSE_NSTATUS
};

/* One parsed line. Slices point into the line given to parse_line(). */
struct logrec {
    struct slice client;    /* as written: IPv4, IPv6 or a host name */
    struct slice request;   /* the request field, escapes untouched */
    struct slice method;    /* empty when the request is not METHOD TARGET */
    struct slice target;    /* path and query as requested */
    struct slice protocol;  /* "HTTP/1.1", or empty */
    struct slice referer;   /* empty when absent ("-" stays "-") */
    struct slice agent;     /* empty in common format; see has_agent */
    int has_agent;          /* 1 for combined lines */
    int32_t day;            /* local date of the timestamp, days since 1970 */
    int32_t sec;            /* local second of that day, 0..86400 */
    int16_t tz_min;         /* its offset from UTC, in minutes */
    uint16_t status;
    uint64_t bytes;         /* "-" is 0; saturates at UINT64_MAX */
};

struct parser;

/* A parser for format; caller frees with parser_free(). */
struct parser *parser_new(enum log_format format);
void parser_free(struct parser *p);

/*
 * Parse n bytes (no newline) into *rec. Returns PARSE_OK, or the reason the
 * line is bad (then *rec is unspecified). Never reads outside line[0..n).
 */
enum parse_status parse_line(struct parser *p, const char *line, size_t n,
                             struct logrec *rec);

/* A short lowercase description of a status, for error messages. */
const char *parse_strerror(enum parse_status st);

/* "common", "combined", "auto" -> format; -1 when unknown. */
int parse_format_name(const char *name, enum log_format *format);

#endif
