/*
 * parser.c - the parser object, the hand-written fast path for
 * common/combined lines (one pass with memchr, numbers and dates by hand,
 * a one-entry cache of the last date), parse_line()'s dispatch, formats
 * by name, and auto-detection over a file's first lines.
 *
 * The fast path is the ingest hot path: parse_line() goes straight to it
 * for PK_FAST, and on a good line it does no more than read the fields
 * in one pass and set those the format lacks to empty.
 */
#include "blogstat.h"
#include "ascii.h"
#include "parser_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the parser object -------------------------------------------------- */

/* A zeroed parser of kind; name must outlive it (a literal). */
static struct parser *parser_alloc(enum parser_kind kind, const char *name)
{
    struct parser *p = xcalloc(1, sizeof(*p));

    p->kind = kind;
    p->name = name;
    p->tz.lo = 1;      /* an empty interval: UTC until parse_tz_init() */
    return p;
}

static const char *fast_name(enum log_format format)
{
    switch (format) {
    case LOG_COMMON: return "common";
    case LOG_COMBINED: return "combined";
    default: return "auto";
    }
}

static unsigned fast_fields(enum log_format format)
{
    return format == LOG_COMMON ? 0u : PARSE_HAS_AGENT | PARSE_HAS_REFERER;
}

struct parser *parser_new(enum log_format format)
{
    struct parser *p = parser_alloc(PK_FAST, fast_name(format));

    p->format = format;
    p->fields = fast_fields(format);
    return p;
}

void parser_free(struct parser *p)
{
    if (!p)
        return;
    if (p->kind == PK_TEXT)
        fmt_free(p);
    else if (p->kind == PK_JSON)
        json_free(p);
    free(p->scratch);
    free(p->owned);
    free(p);
}

const char *parser_name(const struct parser *p)
{
    return p->name;
}

unsigned parser_fields(const struct parser *p)
{
    return p->fields;
}

size_t parse_error_offset(const struct parser *p)
{
    return p->fail_at;
}

void parser_scratch(const struct parser *p, const char **base, size_t *cap)
{
    *base = p->scratch;
    *cap = p->scratch ? p->scratch_cap : 0;
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
    [PARSE_HOST] = "malformed virtual host field",
    [PARSE_FIELD] = "malformed field",
    [PARSE_JSON] = "not one JSON object",
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

/* ---- the fast path ------------------------------------------------------ */

/*
 * A quoted field starting at *cur (which must be '"'). On success *out is
 * the inside and *cur is just past the closing quote.
 */
static inline int quoted(const char **cur, const char *end,
                         struct slice *out)
{
    const char *s = *cur, *q;

    if (s >= end || *s != '"')
        return -1;
    s++;
    q = parse_quote_end(s, end);
    if (!q)
        return -1;
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

/* A failure of the fast path: where it stopped, for messages; only the
 * bad lines pay for it. */
#define FAST_FAIL(st, at)                        \
    do {                                         \
        p->fail_at = (size_t)((at) - line);      \
        return (st);                             \
    } while (0)

static inline enum parse_status parse_fast(struct parser *p,
                                           const char *line, size_t n,
                                           struct logrec *rec)
{
    const char *cur = line, *end = line + n, *sp;
    uint64_t bytes = 0;
    int status;

    if (n == 0)
        FAST_FAIL(PARSE_EMPTY, line);
    sp = memchr(line, '\0', n);
    if (sp)
        FAST_FAIL(PARSE_NUL, sp);

    /* client */
    sp = memchr(cur, ' ', n);
    if (!sp || sp == cur)
        FAST_FAIL(PARSE_CLIENT, cur);
    rec->client = slice_make(cur, (size_t)(sp - cur));
    cur = sp + 1;

    /* ident and user: whatever stands before " [" */
    sp = memchr(cur, '[', (size_t)(end - cur));
    if (!sp || sp == cur || sp[-1] != ' ')
        FAST_FAIL(PARSE_USER, cur);
    cur = sp + 1;

    /* [07/Feb/2013:13:55:36 +0100] */
    if (end - cur < 27 || cur[26] != ']' || parse_clf_time(p, cur, rec))
        FAST_FAIL(PARSE_TIME, cur);
    cur += 27;

    /* "request" */
    if (expect(&cur, end, ' ') || quoted(&cur, end, &rec->request))
        FAST_FAIL(PARSE_REQUEST, cur);
    parse_split_request(rec);

    /* status */
    if (expect(&cur, end, ' ') || end - cur < 3 ||
        digits_n(cur, 3, &status) || (end - cur > 3 && cur[3] != ' '))
        FAST_FAIL(PARSE_STATUS, cur);
    rec->status = (uint16_t)status;
    cur += 3;

    /* bytes: digits or "-" */
    if (expect(&cur, end, ' '))
        FAST_FAIL(PARSE_BYTES, cur);
    if (parse_bytes_field(&cur, end, &bytes))
        FAST_FAIL(PARSE_BYTES, cur);
    rec->bytes = bytes;
    if (cur < end && *cur != ' ')
        FAST_FAIL(PARSE_BYTES, cur);

    rec->referer = slice_make(cur, 0);
    rec->agent = slice_make(cur, 0);
    rec->host = slice_make(cur, 0);
    rec->xff = slice_make(cur, 0);
    rec->has_agent = 0;
    rec->has_host = 0;
    rec->has_xff = 0;
    if (cur == end) {
        if (p->format == LOG_COMBINED)
            FAST_FAIL(PARSE_REFERER, cur);
        return PARSE_OK;
    }
    if (p->format == LOG_COMMON) {
        /* Anything after the bytes of a common line is extra; ignore it. */
        return PARSE_OK;
    }
    cur++;
    if (quoted(&cur, end, &rec->referer))
        FAST_FAIL(PARSE_REFERER, cur);
    if (expect(&cur, end, ' ') || quoted(&cur, end, &rec->agent))
        FAST_FAIL(PARSE_AGENT, cur);
    rec->has_agent = 1;
    /* nginx configs often append fields ("$http_x_forwarded_for" ...). */
    if (cur < end && *cur != ' ')
        FAST_FAIL(PARSE_TRAILING, cur);
    return PARSE_OK;
}

enum parse_status parse_line(struct parser *p, const char *line, size_t n,
                             struct logrec *rec)
{
    if (__builtin_expect(p->kind == PK_FAST, 1))
        return parse_fast(p, line, n, rec);
    if (p->kind == PK_TEXT)
        return fmt_parse(p, line, n, rec);
    return json_parse(p, line, n, rec);
}

/* ---- formats by name -------------------------------------------------- */

/* The Caddy 2 access log ("handled request", logger http.log.access):
 * client_ip since 2.7 (the client after trusted proxies), remote_ip
 * before, remote_addr ("ip:port") in 2.0 to 2.4. */
const struct log_json_map parse_caddy_map = {
    .client = "request.client_ip|request.remote_ip|request.remote_addr",
    .time = "ts",
    .status = "status",
    .method = "request.method",
    .uri = "request.uri",
    .request = NULL,
    .protocol = "request.proto",
    .bytes = "size",
    .referer = "request.headers.Referer",
    .agent = "request.headers.User-Agent",
    .host = "request.host",
    .xff = "request.headers.X-Forwarded-For",
};

/* The caddy preset with each member the caller set replacing its own. */
static struct log_json_map caddy_map(const struct log_json_map *user)
{
    struct log_json_map m = parse_caddy_map;

    if (!user)
        return m;
#define OVERRIDE(f) \
    do { if (user->f) m.f = user->f; } while (0)
    OVERRIDE(client);
    OVERRIDE(time);
    OVERRIDE(status);
    OVERRIDE(method);
    OVERRIDE(uri);
    OVERRIDE(request);
    OVERRIDE(protocol);
    OVERRIDE(bytes);
    OVERRIDE(referer);
    OVERRIDE(agent);
    OVERRIDE(host);
    OVERRIDE(xff);
#undef OVERRIDE
    return m;
}

/* The names parser_compile() knows, for messages. */
#define FORMAT_NAMES "auto, common, combined, nginx, vhost_combined, " \
                     "nginx_main, caddy, json"

struct parser *parser_compile(const char *format,
                              const struct parse_options *opt,
                              struct bs_err *err)
{
    static const struct parse_options none;
    struct parser *p = NULL;
    enum log_format lf;
    const char *tz;
    char *trimmed;
    size_t n;
    int rc;

    if (!opt)
        opt = &none;
    if (!format)
        format = "auto";
    while (*format == ' ' || *format == '\t')
        format++;
    n = strlen(format);
    while (n && (format[n - 1] == ' ' || format[n - 1] == '\t' ||
                 format[n - 1] == '\r' || format[n - 1] == '\n'))
        n--;
    if (n == 0) {
        bs_fail(err, BS_USAGE, "empty log format; use one of "
                FORMAT_NAMES " or a format string");
        return NULL;
    }
    trimmed = xmemdup(format, n);
    tz = opt->timezone;

    if (parse_format_name(trimmed, &lf) == 0) {
        p = parser_new(lf);
        if (strcmp(trimmed, "nginx") == 0)
            p->name = "nginx";
        rc = 0;
    } else if (strcmp(trimmed, "caddy") == 0 || strcmp(trimmed, "json") == 0) {
        int caddy = trimmed[0] == 'c';
        struct log_json_map m;

        if (caddy) {
            m = caddy_map(opt->json);
        } else if (opt->json) {
            m = *opt->json;
        } else {
            free(trimmed);
            bs_fail(err, BS_USAGE, "the json log format needs a field map: "
                    "set [log] json_client, json_time, json_status and "
                    "json_uri or json_request (doc/formats.md)");
            return NULL;
        }
        p = parser_alloc(PK_JSON, caddy ? "caddy" : "json");
        rc = json_compile(p, &m, err);
    } else if (fmt_builtin(trimmed)) {
        p = parser_alloc(PK_TEXT, strcmp(trimmed, "nginx_main") == 0
                                      ? "nginx_main" : "vhost_combined");
        rc = fmt_compile(p, trimmed, err);
    } else if (strchr(trimmed, '%') || strchr(trimmed, '$')) {
        p = parser_alloc(PK_TEXT, "log format");
        rc = fmt_compile(p, trimmed, err);
    } else {
        bs_fail(err, BS_USAGE, "unknown log format '%.64s'; use one of "
                FORMAT_NAMES ", an Apache LogFormat or an nginx "
                "log_format string", trimmed);
        free(trimmed);
        return NULL;
    }
    free(trimmed);
    if (rc == 0)
        rc = parse_tz_init(&p->tz, tz, err);
    if (rc) {
        parser_free(p);
        return NULL;
    }
    return p;
}

/* ---- auto-detection ----------------------------------------------------- */

/* The candidates, in their order of preference on a tie. */
static const char *const detect_names[] = {
    "caddy", "vhost_combined", "nginx_main", "combined", "common",
};

/* nginx_main's last field holds X-Forwarded-For: "-", or addresses and
 * the ", " between them. Another quoted field there is not nginx_main. */
static int looks_xff(struct slice s)
{
    if (s.n == 0)
        return 0;
    if (s.n == 1 && s.p[0] == '-')
        return 1;
    for (size_t i = 0; i < s.n; i++) {
        char c = s.p[i];

        if (!(hex_digit(c) >= 0 || c == '.' || c == ':' || c == ',' ||
              c == ' ' || c == '[' || c == ']'))
            return 0;
    }
    return 1;
}

/* The line for a message: at most 80 bytes, control and invalid bytes
 * as \xhh, so that the message stays one line of text. */
static void quote_line(struct slice s, char *out, size_t cap)
{
    size_t o = 0, i = 0, max = s.n;

    if (max > 80)
        max = 80;

    while (i < max && o + 8 < cap) {
        unsigned char c = (unsigned char)s.p[i];
        size_t k;

        if (c >= 0x20 && c < 0x7f) {
            out[o++] = (char)c;
            i++;
        } else if (c >= 0x80 &&
                   (k = utf8_seq_len((const unsigned char *)s.p + i,
                                     s.n - i)) > 1 &&
                   i + k <= max && o + k + 8 < cap) {
            memcpy(out + o, s.p + i, k);
            o += k;
            i += k;
        } else {
            o += (size_t)snprintf(out + o, cap - o, "\\x%02x", c);
            i++;
        }
    }
    if (i < s.n && o + 4 < cap) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
}

int parse_detect(const struct slice *lines, size_t n,
                 const struct parse_options *opt, struct parse_guess *out,
                 struct bs_err *err)
{
    enum { NCAND = ARRAY_SIZE(detect_names) };
    struct parser *cand[NCAND] = {0};
    size_t ok[NCAND] = {0}, far[NCAND] = {0}, first_bad[NCAND];
    enum parse_status why[NCAND];
    size_t bad_at[NCAND] = {0};
    size_t tried = 0, best = 0;
    int rc = -1;

    for (size_t c = 0; c < NCAND; c++) {
        cand[c] = parser_compile(detect_names[c], opt, err);
        if (!cand[c])
            goto out;
        first_bad[c] = SIZE_MAX;
        why[c] = PARSE_OK;
    }
    for (size_t i = 0; i < n && tried < PARSE_DETECT_LINES; i++) {
        if (lines[i].n == 0)
            continue;
        tried++;
        for (size_t c = 0; c < NCAND; c++) {
            struct logrec rec;
            enum parse_status st;

            st = parse_line(cand[c], lines[i].p, lines[i].n, &rec);
            if (st == PARSE_OK && strcmp(detect_names[c], "nginx_main") == 0 &&
                !looks_xff(rec.xff)) {
                st = PARSE_FIELD;
                cand[c]->fail_at = (size_t)(rec.xff.p - lines[i].p);
            }
            if (st == PARSE_OK) {
                ok[c]++;
                far[c] += lines[i].n;
            } else {
                size_t at = parse_error_offset(cand[c]);

                far[c] += at;
                if (first_bad[c] == SIZE_MAX) {
                    first_bad[c] = i;
                    why[c] = st;
                    bad_at[c] = at;
                }
            }
        }
    }
    /* The most lines read; on a tie the bytes read, then the order. */
    for (size_t c = 1; c < NCAND; c++)
        if (ok[c] > ok[best] || (ok[c] == ok[best] && far[c] > far[best]))
            best = c;
    if (tried == 0) {
        *out = (struct parse_guess){.format = "combined"};
        rc = 0;
        goto out;
    }
    /* A tie on lines read goes to the earlier, more specific format. */
    for (size_t c = 0; c < NCAND; c++)
        if (ok[c] == ok[best]) {
            if (ok[c] > 0)
                best = c;
            break;
        }
    memset(out, 0, sizeof(*out));
    out->tried = tried;
    out->ok = ok[best];
    if (ok[best] > 0 && ok[best] * 2 >= tried) {
        out->format = detect_names[best];
        rc = 0;
        goto out;
    }
    out->nearest = detect_names[best];
    out->why = why[best];
    out->sample = first_bad[best];
    out->offset = bad_at[best];
    {
        char shown[80 * 4 + 8];

        quote_line(lines[out->sample], shown, sizeof(shown));
        bs_fail(err, BS_DATAERR, "no known format matches '%s': nearest is "
                "%s, which fails at byte %zu: %s", shown, out->nearest,
                out->offset + 1, parse_strerror(out->why));
    }
out:
    for (size_t c = 0; c < NCAND; c++)
        parser_free(cand[c]);
    return rc;
}
