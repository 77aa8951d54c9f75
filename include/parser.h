/*
 * parser.h - parse one access log line into slices of the line, with no
 * copy and no allocation per line.
 *
 * Two kinds of parser share parse_line():
 *
 *  - the built-in Apache/nginx common and combined formats, parsed by hand
 *    (parser_new(), and parser_compile() of "common", "combined", "nginx",
 *    "auto"): the fast path of ingest;
 *  - formats compiled once by parser_compile() from a name
 *    ("vhost_combined", "nginx_main", "caddy", "json"), an Apache
 *    LogFormat string, an nginx log_format string or a JSON field map,
 *    into a sequence of field parsers run over each line.
 *
 * doc/formats.md describes every format, the directives and variables
 * understood, the escaping each server applies, auto-detection and time
 * zones.
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
    PARSE_HOST,      /* compiled formats: the virtual host field */
    PARSE_FIELD,     /* compiled formats: another field (%D, $request_time) */
    PARSE_JSON,      /* JSON formats: not one JSON object */
    PARSE_TOOLONG,   /* not returned by parse_line: the reader's overlong */
    PARSE_NSTATUS
};

/*
 * One parsed line. Slices point into the line given to parse_line(), or,
 * for compiled formats that have to rewrite a value (a JSON string with
 * escapes, a target assembled from a path and a query logged apart), into
 * the parser's scratch buffer: either way they are valid until the next
 * parse_line() on the same parser (or parser_free()).
 *
 * Values are as the log writes them: Apache's \" and \xhh and nginx's
 * \x22 escapes are left in place (the fast path has always done so);
 * JSON strings are unescaped, since JSON escapes are not the server's
 * choice but the encoding. "-" stays "-".
 */
struct logrec {
    struct slice client;    /* as written: IPv4, IPv6 or a host name */
    struct slice request;   /* the request line; empty when the format
                             * logs method and target apart */
    struct slice method;    /* empty when the request is not METHOD TARGET */
    struct slice target;    /* path and query as requested */
    struct slice protocol;  /* "HTTP/1.1", or empty */
    struct slice referer;   /* empty when absent ("-" stays "-") */
    struct slice agent;     /* empty in common format; see has_agent */
    struct slice host;      /* the virtual host (%v, $host, JSON host) */
    struct slice xff;       /* X-Forwarded-For as logged ("-": none); a
                             * JSON array of headers is joined with ", " */
    int has_agent;          /* 1 when the format has a User-Agent field */
    int has_host;           /* 1 when the format has a virtual host field */
    int has_xff;            /* 1 when the format has X-Forwarded-For */
    int32_t day;            /* local date of the timestamp, days since 1970 */
    int32_t sec;            /* local second of that day, 0..86400 */
    int16_t tz_min;         /* its offset from UTC, in minutes */
    uint16_t status;
    uint64_t bytes;         /* "-" is 0; saturates at UINT64_MAX */
};

struct parser;

/* A parser for one of the built-in formats, on the fast path; caller
 * frees with parser_free(). */
struct parser *parser_new(enum log_format format);
/* Free a parser; parser_free(NULL) is a no-op. */
void parser_free(struct parser *p);

/*
 * Where a JSON log line keeps each field: a dotted path of object keys
 * ("request.headers.User-Agent"), or several separated by '|', the first
 * one present in a line winning ("request.client_ip|request.remote_ip").
 * NULL or "" when the log has no such field. Keys are matched exactly
 * (case matters) and cannot hold '.' or '|'.
 *
 * A value that is an array (Caddy logs each header as an array of
 * strings) gives its first string, except xff, which joins them all with
 * ", " as a proxy would have. time may be a number (Unix seconds with a
 * fraction; milliseconds, microseconds or nanoseconds when it is too big
 * to be seconds before the year 5000) or a string: the CLF time, ISO 8601
 * or Unix seconds. status and bytes may be numbers or digit strings.
 */
struct log_json_map {
    const char *client;     /* required */
    const char *time;       /* required */
    const char *status;     /* required */
    const char *method;
    const char *uri;        /* path and query; uri or request is required */
    const char *request;    /* the whole request line, when uri is absent */
    const char *protocol;
    const char *bytes;
    const char *referer;
    const char *agent;
    const char *host;
    const char *xff;
};

/* The map of Caddy 2's default JSON access log (the "caddy" format). */
extern const struct log_json_map parse_caddy_map;

/* What parser_compile() needs besides the format; NULL means defaults. */
struct parse_options {
    /*
     * The zone of times that carry no UTC offset (Caddy's ts, nginx's
     * $msec, Apache's %{sec}t, a %{...}t without %z): an IANA name
     * ("Europe/Stockholm", looked up in $TZDIR or /usr/share/zoneinfo and
     * applied with the C library's localtime_r), "local" (the system's
     * zone), a fixed offset ("+01:00", "-0530", "+05") or "UTC" (also
     * NULL or ""). Times written with an offset keep their own.
     */
    const char *timezone;
    /*
     * For "json": where the fields are (required). For "caddy": the
     * preset parse_caddy_map, each non-NULL member of this map replacing
     * the preset's ("" removes that field). Ignored by the other formats.
     */
    const struct log_json_map *json;
};

/*
 * Compile format into a parser; caller frees with parser_free(). format
 * is one of (leading and trailing blanks ignored):
 *
 *  - a name: "auto", "common", "combined", "nginx" (= combined): the fast
 *    path, as parser_new(); "vhost_combined" (Apache's
 *    %v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i"),
 *    "nginx_main" (the nginx.org package's "main": combined plus
 *    "$http_x_forwarded_for"), "caddy" (Caddy 2's JSON access log), "json"
 *    (JSON lines, with opt->json);
 *  - an Apache LogFormat string, as in apache2.conf: the inside of the
 *    quotes (%h %l %u %t \"%r\" %>s %b), the quoted string, or the whole
 *    LogFormat line;
 *  - an nginx log_format string, as in nginx.conf: the variables and
 *    text, its quoted parts ('$remote_addr - ...' '"$http_user_agent"'),
 *    or the whole log_format directive.
 *
 * "auto" gives the fast path that reads combined or common; see
 * parse_detect() to choose among all the built-in formats from a file's
 * first lines.
 *
 * Refused with BS_USAGE and a one-line message quoting what is wrong: an
 * unknown name, directive or variable; two fields with no text between
 * them to tell where one ends (%h%l); a format without a client address,
 * a time, a status or a request; "json" without a map; an unknown time
 * zone. Returns NULL then.
 *
 * Compiling with an IANA zone the first time in the process sets TZ for
 * a moment (the C library has no other way to read a zone): do it before
 * starting threads that use local time. Later compiles with the same
 * zone reuse the table built then.
 */
struct parser *parser_compile(const char *format,
                              const struct parse_options *opt,
                              struct bs_err *err);

/* The format's name for messages: "combined", "vhost_combined", "caddy",
 * "json", "Apache LogFormat", "nginx log_format" ... */
const char *parser_name(const struct parser *p);

/* Which optional fields the format has (the has_* of every logrec). */
#define PARSE_HAS_AGENT 1u
#define PARSE_HAS_HOST 2u
#define PARSE_HAS_XFF 4u
#define PARSE_HAS_REFERER 8u
unsigned parser_fields(const struct parser *p);

/*
 * Parse n bytes (no newline) into *rec. Returns PARSE_OK, or the reason the
 * line is bad (then *rec is unspecified). Never reads outside line[0..n).
 */
enum parse_status parse_line(struct parser *p, const char *line, size_t n,
                             struct logrec *rec);

/* After a parse_line() that failed: the byte offset in the line where
 * the parser stopped, 0..n (for messages and for parse_detect()). */
size_t parse_error_offset(const struct parser *p);

/* The scratch buffer slices may point into (NULL and 0 when the parser
 * has none): for tests and fuzzers checking where slices point. */
void parser_scratch(const struct parser *p, const char **base, size_t *cap);

/* A short lowercase description of a status, for error messages. */
const char *parse_strerror(enum parse_status st);

/* "common", "combined", "nginx", "auto" -> format; -1 when unknown. */
int parse_format_name(const char *name, enum log_format *format);

/* The most lines parse_detect() looks at. */
#define PARSE_DETECT_LINES 20

struct parse_guess {
    const char *format;     /* the name chosen, for parser_compile() and
                             * messages; NULL when none matches */
    const char *nearest;    /* when none matches: the format that read
                             * furthest into the lines */
    enum parse_status why;  /* how nearest fails on the sample line */
    size_t sample;          /* index in lines of the line to show */
    size_t offset;          /* where in it nearest stopped */
    size_t tried;           /* non-empty lines looked at */
    size_t ok;              /* of those, how many format parses */
};

/*
 * Choose among the built-in formats (caddy, vhost_combined, nginx_main,
 * combined, common, in this order of preference on a tie) the one that
 * parses most of the first non-empty lines of lines[0..n) (at most
 * PARSE_DETECT_LINES): nginx_main only when its extra field looks like
 * X-Forwarded-For, combined also with extra fields after the User-Agent.
 * opt as for parser_compile() (its zone, the caddy map).
 *
 * Returns 0 and fills *out when one parses at least half of the lines
 * (no line at all: combined, tried 0). Else returns -1 with out->format
 * NULL, out->nearest and the sample, and err filled with BS_DATAERR and
 * "no known format matches 'LINE': nearest is combined, which fails at
 * byte 18: malformed timestamp" (the line cut at 80 bytes, its control
 * and invalid bytes as \xhh; the byte counted from 1). The nearest
 * format is the one that read the most lines, then the most bytes. A
 * compile error of a candidate (a bad opt->timezone) is returned as
 * parser_compile() gives it.
 */
int parse_detect(const struct slice *lines, size_t n,
                 const struct parse_options *opt, struct parse_guess *out,
                 struct bs_err *err);

#endif
