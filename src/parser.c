/*
 * parser.c - hand-written parsing of common/combined log lines: one pass
 * over the bytes with memchr, numbers and dates by hand, and a cache of
 * the last date seen (consecutive lines nearly always share it).
 */
#include "blogstat.h"
#include "parser.h"

#include <stdlib.h>
#include <string.h>

struct parser {
    enum log_format format;
    char last_date[11];     /* "07/Feb/2013" of the last good timestamp */
    int32_t last_day;
    int have_last;
};

struct parser *parser_new(enum log_format format)
{
    struct parser *p = xcalloc(1, sizeof(*p));

    p->format = format;
    return p;
}

void parser_free(struct parser *p)
{
    free(p);
}

static const char *const parse_errors[PARSE_NSTATUS] = {
    [PARSE_OK] = "ok",
    [PARSE_EMPTY] = "empty line",
    [PARSE_NUL] = "NUL byte in line",
    [PARSE_CLIENT] = "missing client address",
    [PARSE_USER] = "missing ident/user fields before the timestamp",
    [PARSE_TIME] = "malformed timestamp",
    [PARSE_REQUEST] = "unterminated or missing request field",
    [PARSE_STATUS] = "status is not three digits",
    [PARSE_BYTES] = "malformed byte count",
    [PARSE_REFERER] = "malformed referer field",
    [PARSE_AGENT] = "malformed user-agent field",
    [PARSE_TRAILING] = "unexpected text after the last field",
    [PARSE_TOOLONG] = "line longer than 65536 bytes",
};

const char *parse_strerror(enum parse_status st)
{
    if ((unsigned)st >= PARSE_NSTATUS)
        return "unknown error";
    return parse_errors[st];
}

int parse_format_name(const char *name, enum log_format *format)
{
    if (strcmp(name, "auto") == 0)
        *format = LOG_AUTO;
    else if (strcmp(name, "common") == 0)
        *format = LOG_COMMON;
    else if (strcmp(name, "combined") == 0 || strcmp(name, "nginx") == 0)
        *format = LOG_COMBINED;
    else
        return -1;
    return 0;
}

static inline int is_digit(char c)
{
    return (unsigned char)(c - '0') < 10;
}

static int two_digits(const char *s, int *v)
{
    if (!is_digit(s[0]) || !is_digit(s[1]))
        return -1;
    *v = (s[0] - '0') * 10 + (s[1] - '0');
    return 0;
}

/* "Jan".."Dec" -> 1..12, 0 when it is no month. */
static int month_number(const char *m)
{
    switch (m[0]) {
    case 'J':
        if (m[1] == 'a' && m[2] == 'n') return 1;
        if (m[1] == 'u' && m[2] == 'n') return 6;
        if (m[1] == 'u' && m[2] == 'l') return 7;
        return 0;
    case 'F': return m[1] == 'e' && m[2] == 'b' ? 2 : 0;
    case 'M':
        if (m[1] == 'a' && m[2] == 'r') return 3;
        if (m[1] == 'a' && m[2] == 'y') return 5;
        return 0;
    case 'A':
        if (m[1] == 'p' && m[2] == 'r') return 4;
        if (m[1] == 'u' && m[2] == 'g') return 8;
        return 0;
    case 'S': return m[1] == 'e' && m[2] == 'p' ? 9 : 0;
    case 'O': return m[1] == 'c' && m[2] == 't' ? 10 : 0;
    case 'N': return m[1] == 'o' && m[2] == 'v' ? 11 : 0;
    case 'D': return m[1] == 'e' && m[2] == 'c' ? 12 : 0;
    default: return 0;
    }
}

/*
 * "07/Feb/2013:13:55:36 +0100" (exactly 26 bytes). The date part is
 * looked up in the one-entry cache before it is parsed.
 */
static int parse_time(struct parser *p, const char *s, struct logrec *rec)
{
    int hh, mm, ss, oh, om;

    if (s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' ||
        s[17] != ':' || s[20] != ' ' || (s[21] != '+' && s[21] != '-'))
        return -1;
    if (p->have_last && memcmp(s, p->last_date, 11) == 0) {
        rec->day = p->last_day;
    } else {
        int d, mon, y1, y2;

        if (two_digits(s, &d) || two_digits(s + 7, &y1) ||
            two_digits(s + 9, &y2))
            return -1;
        mon = month_number(s + 3);
        if (!mon || d < 1 || d > days_in_month(y1 * 100 + y2, (unsigned)mon))
            return -1;
        rec->day = days_from_civil(y1 * 100 + y2, (unsigned)mon,
                                   (unsigned)d);
        memcpy(p->last_date, s, 11);
        p->last_day = rec->day;
        p->have_last = 1;
    }
    if (two_digits(s + 12, &hh) || two_digits(s + 15, &mm) ||
        two_digits(s + 18, &ss) || two_digits(s + 22, &oh) ||
        two_digits(s + 24, &om))
        return -1;
    if (hh > 23 || mm > 59 || ss > 60 || oh > 14 || om > 59)
        return -1;
    rec->sec = hh * 3600 + mm * 60 + ss;
    rec->tz_min = (int16_t)((s[21] == '-' ? -1 : 1) * (oh * 60 + om));
    return 0;
}

/*
 * A quoted field starting at *cur (which must be '"'). Apache escapes '"'
 * inside it as \" and '\' as \\, so a quote ends the field only after an
 * even number of backslashes. On success *out is the inside and *cur is
 * just past the closing quote.
 */
static int quoted(const char **cur, const char *end, struct slice *out)
{
    const char *s = *cur, *q;

    if (s >= end || *s != '"')
        return -1;
    s++;
    for (q = s;; q++) {
        size_t bs = 0;

        q = memchr(q, '"', (size_t)(end - q));
        if (!q)
            return -1;
        while (q - bs > s && q[-1 - (ptrdiff_t)bs] == '\\')
            bs++;
        if (bs % 2 == 0)
            break;
    }
    out->p = s;
    out->n = (size_t)(q - s);
    *cur = q + 1;
    return 0;
}

static inline int expect(const char **cur, const char *end, char c)
{
    if (*cur >= end || **cur != c)
        return -1;
    (*cur)++;
    return 0;
}

/* Split "GET /path HTTP/1.1"; leaves method empty when it is no request. */
static void split_request(struct logrec *rec)
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

enum parse_status parse_line(struct parser *p, const char *line, size_t n,
                             struct logrec *rec)
{
    const char *cur = line, *end = line + n, *sp;
    uint64_t bytes = 0;

    if (n == 0)
        return PARSE_EMPTY;
    if (memchr(line, '\0', n))
        return PARSE_NUL;

    /* client */
    sp = memchr(cur, ' ', n);
    if (!sp || sp == cur)
        return PARSE_CLIENT;
    rec->client = slice_make(cur, (size_t)(sp - cur));
    cur = sp + 1;

    /* ident and user: whatever stands before " [" */
    sp = memchr(cur, '[', (size_t)(end - cur));
    if (!sp || sp == cur || sp[-1] != ' ')
        return PARSE_USER;
    cur = sp + 1;

    /* [07/Feb/2013:13:55:36 +0100] */
    if (end - cur < 27 || cur[26] != ']' || parse_time(p, cur, rec))
        return PARSE_TIME;
    cur += 27;

    /* "request" */
    if (expect(&cur, end, ' ') || quoted(&cur, end, &rec->request))
        return PARSE_REQUEST;
    split_request(rec);

    /* status */
    if (expect(&cur, end, ' ') || end - cur < 3 || !is_digit(cur[0]) ||
        !is_digit(cur[1]) || !is_digit(cur[2]) ||
        (end - cur > 3 && cur[3] != ' '))
        return PARSE_STATUS;
    rec->status = (uint16_t)((cur[0] - '0') * 100 + (cur[1] - '0') * 10 +
                             (cur[2] - '0'));
    cur += 3;

    /* bytes: digits or "-" */
    if (expect(&cur, end, ' '))
        return PARSE_BYTES;
    if (cur < end && *cur == '-') {
        cur++;
    } else {
        const char *start = cur;

        for (; cur < end && is_digit(*cur); cur++) {
            unsigned d = (unsigned)(*cur - '0');

            bytes = bytes > (UINT64_MAX - d) / 10 ? UINT64_MAX
                                                   : bytes * 10 + d;
        }
        if (cur == start)
            return PARSE_BYTES;
    }
    rec->bytes = bytes;
    if (cur < end && *cur != ' ')
        return PARSE_BYTES;

    rec->referer = slice_make(cur, 0);
    rec->agent = slice_make(cur, 0);
    rec->has_agent = 0;
    if (cur == end) {
        if (p->format == LOG_COMBINED)
            return PARSE_REFERER;
        return PARSE_OK;
    }
    if (p->format == LOG_COMMON) {
        /* Anything after the bytes of a common line is extra; ignore it. */
        return PARSE_OK;
    }
    cur++;
    if (quoted(&cur, end, &rec->referer))
        return PARSE_REFERER;
    if (expect(&cur, end, ' ') || quoted(&cur, end, &rec->agent))
        return PARSE_AGENT;
    rec->has_agent = 1;
    /* nginx configs often append fields ("$http_x_forwarded_for" ...). */
    if (cur < end && *cur != ' ')
        return PARSE_TRAILING;
    return PARSE_OK;
}
