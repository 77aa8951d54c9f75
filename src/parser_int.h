/*
 * parser_int.h - what the files of the parser module share and nothing
 * else sees: the parser itself and the helpers one file gives the others.
 *
 *   parser.c       the fast path (common/combined by hand), parse_line(),
 *                  parser_compile() by name, names, parse_detect()
 *   parser_fmt_compile.c
 *                  Apache LogFormat and nginx log_format strings compiled
 *                  into field parsers, the form parser_fmt.h declares
 *   parser_fmt.c   the loop that runs those field parsers over a line
 *   parser_json.c  JSON lines (jsmn) through a field map
 *   parse_field.c  the field readers the formats share (CLF time, quoted
 *                  fields, the scratch buffer; the smallest inline here)
 *   parser_time.c  times that are no CLF timestamp, and time zones
 *
 * Calls run one way: parser.c calls the formats, the formats call
 * parse_field.c and parser_time.c, and those two call nothing above them.
 */
#ifndef BLOGSTAT_PARSER_INT_H
#define BLOGSTAT_PARSER_INT_H

#include "blogstat.h"
#include "ascii.h"
#include "parser.h"

#include <string.h>

enum parser_kind {
    PK_FAST,     /* parse_fast() in parser.c */
    PK_TEXT,     /* a compiled text format, parser_fmt.c */
    PK_JSON      /* JSON lines, parser_json.c */
};

struct tz_zone;

/* The zone of times without an offset, with the interval of the last
 * offset looked up: one compare per line while the offset holds. */
struct tz_cache {
    const struct tz_zone *zone;   /* NULL: a fixed offset */
    int32_t fixed;                /* seconds east of UTC, when no zone */
    int64_t lo, hi;               /* [lo, hi): where off holds */
    int32_t off;
};

struct fmt_op;
struct json_fmt;

/* The largest scratch buffer: twice the longest line the reader returns,
 * room for every rewritten value of such a line. */
#define PARSE_SCRATCH_MAX (2 * 64 * 1024 + 64)

struct parser {
    enum parser_kind kind;
    enum log_format format;     /* PK_FAST */
    char last_date[11];         /* "07/Feb/2013" of the last good timestamp */
    int32_t last_day;
    int have_last;
    char last_iso[10];          /* "2013-02-07" of the last ISO time */
    int32_t last_iso_day;
    int have_iso;
    size_t fail_at;             /* parse_error_offset() */
    unsigned fields;            /* PARSE_HAS_* */
    const char *name;           /* parser_name(), static or in owned */
    struct tz_cache tz;
    char *scratch;              /* rewritten values, PK_TEXT and PK_JSON */
    size_t scratch_cap;
    size_t scratch_len;         /* used by the current line */
    struct fmt_op *ops;         /* PK_TEXT */
    size_t nops;
    int lenient;                /* PK_TEXT: " anything" may follow */
    char *owned;                /* PK_TEXT literals, PK_JSON paths */
    struct json_fmt *json;      /* PK_JSON */
};

/* ---- parse_field.c: the field readers every format shares ----------- */

/* Copy n bytes to the scratch buffer; NULL when it is full. */
char *parse_scratch_put(struct parser *p, const char *s, size_t n);
/* The CLF time "07/Feb/2013:13:55:36 +0100" (26 bytes at s), with the
 * parser's date cache: 0, or -1 when malformed. */
int parse_clf_time(struct parser *p, const char *s, struct logrec *rec);

/*
 * The closing quote of a quoted field whose inside starts at s: the first
 * '"' in [s, end) after an even number of backslashes, or NULL. Apache
 * escapes '"' inside a quoted field as \" and '\' as \\ (nginx's json
 * escaping does the same, its default escaping writes neither raw).
 * Inline, as the three below: the fast path runs them on every line.
 */
static inline const char *parse_quote_end(const char *s, const char *end)
{
    const char *q = s;

    for (;; q++) {
        size_t bs = 0;

        q = memchr(q, '"', (size_t)(end - q));
        if (!q)
            return NULL;
        while (q - bs > s && q[-1 - (ptrdiff_t)bs] == '\\')
            bs++;
        if (bs % 2 == 0)
            return q;
    }
}

/*
 * A byte count at *cur: "-" (0) or digits, saturating at UINT64_MAX. 0
 * with *cur after it, or -1 when there are no digits.
 */
static inline int parse_bytes_field(const char **cur, const char *end,
                                    uint64_t *out)
{
    if (*cur < end && **cur == '-') {
        (*cur)++;
        *out = 0;
        return 0;
    }
    return digits_u64(cur, end, out) ? 0 : -1;
}

/* Empty every field of rec (slices at line), with the format's has_*. */
static inline void parse_rec_reset(const struct parser *p, const char *line,
                                   struct logrec *rec)
{
    rec->client = rec->request = rec->method = rec->target =
        slice_make(line, 0);
    rec->protocol = rec->referer = rec->agent = slice_make(line, 0);
    rec->host = rec->xff = slice_make(line, 0);
    rec->has_agent = (p->fields & PARSE_HAS_AGENT) != 0;
    rec->has_host = (p->fields & PARSE_HAS_HOST) != 0;
    rec->has_xff = (p->fields & PARSE_HAS_XFF) != 0;
    rec->bytes = 0;
}

/* Method, target and protocol from rec->request ("GET /path HTTP/1.1");
 * method stays empty when it is no request. */
static inline void parse_split_request(struct logrec *rec)
{
    const char *s = rec->request.p, *e = s + rec->request.n;
    const char *sp1, *sp2;

    rec->method = slice_make(s, 0);
    rec->target = slice_make(s, 0);
    rec->protocol = slice_make(s, 0);
    sp1 = memchr(s, ' ', rec->request.n);
    if (!sp1 || sp1 == s || sp1 - s > 16)
        return;
    for (const char *c = s; c < sp1; c++)
        if (*c < 'A' || *c > 'Z')
            return;
    /* The protocol is the last word when it says HTTP/; a target may
     * hold spaces when a broken client sent them. */
    sp2 = e;
    while (sp2 > sp1 + 1 && sp2[-1] != ' ')
        sp2--;
    if (sp2 > sp1 + 1 && e - sp2 >= 5 && memcmp(sp2, "HTTP/", 5) == 0) {
        rec->protocol = slice_make(sp2, (size_t)(e - sp2));
        e = sp2 - 1;
    }
    if (e <= sp1 + 1)
        return;
    rec->method = slice_make(s, (size_t)(sp1 - s));
    rec->target = slice_make(sp1 + 1, (size_t)(e - sp1 - 1));
}

/* parser_time.c */
/* Set up c for spec (parse_options.timezone); -1 and err when unknown. */
int parse_tz_init(struct tz_cache *c, const char *spec, struct bs_err *err);
/* Seconds east of UTC at Unix time t. */
int32_t parse_tz_offset(struct tz_cache *c, int64_t t);
/* rec->day/sec/tz_min from Unix time t (whole seconds) in the parser's
 * zone: 0, or -1 when the date is outside the years 0..9999. */
int parse_time_unix(struct parser *p, int64_t t, struct logrec *rec);
/* From a local date and time read without an offset: the parser's zone
 * gives tz_min. -1 when the fields are not a real date and time. */
int parse_time_local(struct parser *p, int y, int mon, int d, int hh,
                     int mm, int ss, struct logrec *rec);
/* ISO 8601 at s: "2013-02-07T13:55:36+01:00", with 'T' or ' ', an
 * optional fraction, and Z, +hh:mm, +hhmm, +hh or no offset (then the
 * parser's zone). Sets *endp after it. 0, or -1 when malformed. */
int parse_time_iso(struct parser *p, const char *s, const char *end,
                   const char **endp, struct logrec *rec);
/* Unix time "1360241736[.123]" at s in units of 1/div second (div 1,
 * 1000, 1000000, 1000000000; 0: guess from the size). Sets *endp.
 * 0, or -1 when malformed. */
int parse_time_epoch(struct parser *p, const char *s, const char *end,
                     uint32_t div, const char **endp, struct logrec *rec);

/* parser_fmt_compile.c, but fmt_parse() in parser_fmt.c */
/* Compile an Apache or nginx format string (or a built-in name that is
 * one) into p; -1 and err (BS_USAGE) when it cannot. */
int fmt_compile(struct parser *p, const char *format, struct bs_err *err);
enum parse_status fmt_parse(struct parser *p, const char *line, size_t n,
                            struct logrec *rec);
void fmt_free(struct parser *p);
/* The text of the built-in template name, or NULL. */
const char *fmt_builtin(const char *name);

/* parser_json.c */
int json_compile(struct parser *p, const struct log_json_map *map,
                 struct bs_err *err);
enum parse_status json_parse(struct parser *p, const char *line, size_t n,
                             struct logrec *rec);
void json_free(struct parser *p);

#endif
