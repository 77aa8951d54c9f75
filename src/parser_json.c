/*
 * parser_json.c - JSON lines (Caddy's access log, nginx escape=json
 * formats, any one-object-per-line log) through a field map.
 *
 * Each line is tokenized by jsmn into a fixed array of tokens held in the
 * parser: no allocation per line, and a line with more tokens than that
 * (or nested deeper than the tokens go) is a bad line, not a bigger
 * buffer. jsmn runs in strict mode with parent links (its closing
 * brackets then walk up the parents instead of scanning back over every
 * token), and nothing here trusts its token sizes: children are found by
 * position, each token's subtree being the tokens that start before it
 * ends, so a malformed line cannot send a lookup outside the tokens.
 *
 * Strings with escapes are decoded into the parser's scratch buffer (the
 * escapes are JSON's encoding, not the server's choice); strings without
 * are slices of the line.
 */
#include "blogstat.h"
#include "ascii.h"
#include "json_str.h"
#include "parser_int.h"

#include <stdlib.h>
#include <string.h>

#define JSMN_STATIC
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#include <jsmn.h>

/* A Caddy line has some 150 tokens: headers of request and response,
 * TLS details. Four times that leaves room for chatty clients. */
#define JSON_MAX_TOKENS 640
/* jsmn keeps offsets in int: lines are far shorter (the reader's cap is
 * 64 KiB). */
#define JSON_MAX_LINE (1u << 20)
#define JSON_MAX_ALTS 4
#define JSON_MAX_SEGS 8
#define JSON_MAX_KEY 128

enum json_field_id {
    JF_CLIENT, JF_TIME, JF_STATUS, JF_METHOD, JF_URI, JF_REQUEST,
    JF_PROTOCOL, JF_BYTES, JF_REFERER, JF_AGENT, JF_HOST, JF_XFF, JF_N
};

/* The config key of each field, for messages. */
static const char *const field_keys[JF_N] = {
    "json_client", "json_time", "json_status", "json_method", "json_uri",
    "json_request", "json_protocol", "json_bytes", "json_referer",
    "json_agent", "json_host", "json_xff",
};

struct json_key {
    uint32_t off, n;      /* in p->owned */
};

struct json_path {
    unsigned nseg;
    struct json_key seg[JSON_MAX_SEGS];
};

struct json_field {
    unsigned nalt;        /* 0: the log has no such field */
    struct json_path alt[JSON_MAX_ALTS];
};

struct json_fmt {
    struct json_field f[JF_N];
    jsmntok_t tok[JSON_MAX_TOKENS];
    int next[JSON_MAX_TOKENS];    /* the token after each one's subtree */
    int ntok;
};

/* ---- compiling ---------------------------------------------------------- */

/* Append one alternative (s[0..n), keys joined by '.') to f; its keys
 * go at the end of p->owned (*used bytes so far), each NUL-terminated. */
static int add_path(struct parser *p, size_t *used, struct json_field *f,
                    const char *s, size_t n, const char *key,
                    const char *whole, struct bs_err *err)
{
    struct json_path *path;
    size_t i = 0;

    while (n && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (f->nalt == JSON_MAX_ALTS)
        return bs_fail(err, BS_USAGE, "%s '%.80s': more than %d "
                       "alternatives", key, whole, JSON_MAX_ALTS);
    path = &f->alt[f->nalt++];
    path->nseg = 0;
    for (;;) {
        const char *dot = memchr(s + i, '.', n - i);
        size_t k = dot ? (size_t)(dot - s) - i : n - i;

        if (k == 0)
            return bs_fail(err, BS_USAGE, "%s '%.80s': empty key (paths are "
                           "keys joined by '.', alternatives by '|')", key,
                           whole);
        if (k > JSON_MAX_KEY)
            return bs_fail(err, BS_USAGE, "%s '%.80s': a key longer than %d "
                           "bytes", key, whole, JSON_MAX_KEY);
        if (path->nseg == JSON_MAX_SEGS)
            return bs_fail(err, BS_USAGE, "%s '%.80s': deeper than %d keys",
                           key, whole, JSON_MAX_SEGS);
        p->owned = xrealloc(p->owned, *used + k + 1);
        memcpy(p->owned + *used, s + i, k);
        p->owned[*used + k] = '\0';
        path->seg[path->nseg].off = (uint32_t)*used;
        path->seg[path->nseg].n = (uint32_t)k;
        path->nseg++;
        *used += k + 1;
        if (!dot)
            return 0;
        i += k + 1;
    }
}

int json_compile(struct parser *p, const struct log_json_map *map,
                 struct bs_err *err)
{
    const char *const paths[JF_N] = {
        map->client, map->time, map->status, map->method, map->uri,
        map->request, map->protocol, map->bytes, map->referer, map->agent,
        map->host, map->xff,
    };
    struct json_fmt *j;
    size_t used = 0;

    if ((!paths[JF_CLIENT] || !*paths[JF_CLIENT]) &&
        (!paths[JF_TIME] || !*paths[JF_TIME]) &&
        (!paths[JF_STATUS] || !*paths[JF_STATUS]))
        return bs_fail(err, BS_USAGE, "the json log format needs a field "
                       "map: set [log] json_client, json_time, json_status "
                       "and json_uri or json_request (doc/formats.md)");
    for (int f = 0; f < JF_N; f++) {
        static const char *const what[JF_N] = {
            [JF_CLIENT] = "the client address", [JF_TIME] = "the time",
            [JF_STATUS] = "the status",
        };

        if (what[f] && (!paths[f] || !*paths[f]))
            return bs_fail(err, BS_USAGE, "the json log format has no %s: "
                           "set [log] %s", what[f], field_keys[f]);
    }
    if ((!paths[JF_URI] || !*paths[JF_URI]) &&
        (!paths[JF_REQUEST] || !*paths[JF_REQUEST]))
        return bs_fail(err, BS_USAGE, "the json log format has no request: "
                       "set [log] json_uri (the path and query) or "
                       "json_request (the request line)");

    j = xcalloc(1, sizeof(*j));
    p->json = j;
    /* The keys live in p->owned, which grows: offsets, not pointers. */
    for (int f = 0; f < JF_N; f++) {
        const char *s = paths[f];

        if (!s || !*s)
            continue;
        /* Each alternative between '|'. */
        for (;;) {
            const char *bar = strchr(s, '|');
            size_t n = bar ? (size_t)(bar - s) : strlen(s);

            if (add_path(p, &used, &j->f[f], s, n, field_keys[f], paths[f],
                         err))
                return -1;
            if (!bar)
                break;
            s = bar + 1;
        }
    }
    p->fields = (j->f[JF_AGENT].nalt ? PARSE_HAS_AGENT : 0) |
                (j->f[JF_HOST].nalt ? PARSE_HAS_HOST : 0) |
                (j->f[JF_XFF].nalt ? PARSE_HAS_XFF : 0) |
                (j->f[JF_REFERER].nalt ? PARSE_HAS_REFERER : 0);
    p->scratch_cap = PARSE_SCRATCH_MAX;
    p->scratch = xmalloc(p->scratch_cap);
    return 0;
}

void json_free(struct parser *p)
{
    free(p->json);
    p->json = NULL;
}

/* ---- running ------------------------------------------------------------ */

#define JFAIL(st, at)                                        \
    do {                                                     \
        p->fail_at = (size_t)(at);                           \
        return (st);                                         \
    } while (0)

/* The next token after i's subtree, for every i: tokens are in document
 * order, and a subtree is the tokens starting before its root ends. */
static void link_next(struct json_fmt *j)
{
    for (int i = j->ntok - 1; i >= 0; i--) {
        int k = i + 1;

        while (k < j->ntok && j->tok[k].start < j->tok[i].end)
            k = j->next[k];
        j->next[i] = k;
    }
}

/* Does the key token kt name key (n bytes)? */
static int key_is(const char *line, const jsmntok_t *kt, const char *key,
                  size_t n)
{
    const char *s = line + kt->start;
    size_t len = (size_t)(kt->end - kt->start);
    char buf[JSON_MAX_KEY];

    if (len == n && memcmp(s, key, n) == 0)
        return 1;
    /* "User\u002dAgent" is still User-Agent. */
    if (len <= n || !memchr(s, '\\', len))
        return 0;
    len = json_unescape(s, len, buf, sizeof(buf));
    return len == n && memcmp(buf, key, n) == 0;
}

/* The value token of key in object token obj, or -1. */
static int member(const struct json_fmt *j, const char *line, int obj,
                  const char *key, size_t n)
{
    const jsmntok_t *o = &j->tok[obj];
    int k = obj + 1;

    if (o->type != JSMN_OBJECT)
        return -1;
    while (k < j->ntok && j->tok[k].start < o->end) {
        int v = k + 1;

        if (j->tok[k].type != JSMN_STRING || v >= j->ntok ||
            j->tok[v].start >= o->end)
            return -1;
        if (key_is(line, &j->tok[k], key, n))
            return v;
        k = j->next[v];
    }
    return -1;
}

/* The token of an alternative's path, or -1 when the line lacks it. */
static int find_path(const struct parser *p, const char *line,
                     const struct json_path *path)
{
    const struct json_fmt *j = p->json;
    int t = 0;

    for (unsigned s = 0; s < path->nseg && t >= 0; s++)
        t = member(j, line, t, p->owned + path->seg[s].off,
                   path->seg[s].n);
    return t;
}

static int is_null(const char *line, const jsmntok_t *t)
{
    return t->type == JSMN_PRIMITIVE && t->end - t->start == 4 &&
           memcmp(line + t->start, "null", 4) == 0;
}

/* The string (or primitive) token t as a slice: into the line, or
 * decoded into the scratch buffer. -1 when it cannot be decoded. */
static int token_text(struct parser *p, const char *line, const jsmntok_t *t,
                      struct slice *out)
{
    const char *s = line + t->start;
    size_t n = (size_t)(t->end - t->start), got;
    char *d;

    if (t->type != JSMN_STRING || !memchr(s, '\\', n)) {
        *out = slice_make(s, n);
        return 0;
    }
    d = p->scratch + p->scratch_len;
    got = json_unescape(s, n, d, p->scratch_cap - p->scratch_len);
    if (got == SIZE_MAX)
        return -1;
    p->scratch_len += got;
    *out = slice_make(d, got);
    return 0;
}

/*
 * The value of field f in this line: 1 found (*out, *at its token), 0
 * absent (no alternative present, or null, or an empty array), -1
 * present but unusable (an object, a bad escape, scratch full).
 * An array gives its first element, or with join all its strings and
 * numbers joined by ", ".
 */
static int field_value(struct parser *p, const char *line, int f, int join,
                       struct slice *out, const jsmntok_t **at)
{
    const struct json_fmt *j = p->json;
    const struct json_field *fld = &j->f[f];

    for (unsigned a = 0; a < fld->nalt; a++) {
        int t = find_path(p, line, &fld->alt[a]);
        const jsmntok_t *tk;

        if (t < 0)
            continue;
        tk = &j->tok[t];
        *at = tk;
        if (is_null(line, tk))
            continue;
        if (tk->type == JSMN_OBJECT)
            return -1;
        if (tk->type == JSMN_ARRAY) {
            int k = t + 1, count = 0;
            char *start = p->scratch + p->scratch_len;

            for (; k < j->ntok && j->tok[k].start < tk->end; k = j->next[k]) {
                const jsmntok_t *e = &j->tok[k];
                struct slice s;

                if (e->type == JSMN_OBJECT || e->type == JSMN_ARRAY ||
                    is_null(line, e))
                    continue;
                if (!join) {
                    if (token_text(p, line, e, out))
                        return -1;
                    return 1;
                }
                /* Joined in the scratch buffer, one after another. */
                if (count && !parse_scratch_put(p, ", ", 2))
                    return -1;
                if (token_text(p, line, e, &s))
                    return -1;
                if (s.p != p->scratch + p->scratch_len - s.n &&
                    !parse_scratch_put(p, s.p, s.n))
                    return -1;
                count++;
            }
            if (!count)
                continue;
            *out = slice_make(start,
                              (size_t)(p->scratch + p->scratch_len - start));
            return 1;
        }
        if (token_text(p, line, tk, out))
            return -1;
        return 1;
    }
    return 0;
}

/* "1.2.3.4:5678" and "[2001:db8::1]:5678" (Caddy 2.0-2.4 remote_addr)
 * lose their port; a bare IPv6 address has more than one ':'. */
static struct slice strip_port(struct slice s)
{
    const char *c;

    if (s.n > 2 && s.p[0] == '[') {
        c = memchr(s.p, ']', s.n);
        if (c && c > s.p + 1 && (c + 1 == s.p + s.n || c[1] == ':'))
            return slice_make(s.p + 1, (size_t)(c - s.p - 1));
        return s;
    }
    c = memchr(s.p, ':', s.n);
    if (!c || c == s.p || memchr(c + 1, ':', (size_t)(s.p + s.n - c - 1)))
        return s;
    for (const char *d = c + 1; d < s.p + s.n; d++)
        if (!is_digit(*d))
            return s;
    return slice_make(s.p, (size_t)(c - s.p));
}

/* Digits only, 0..max; "-" is 0 when dash. */
static int read_uint(struct slice s, uint64_t max, int dash, uint64_t *out)
{
    const char *c = s.p;
    uint64_t v;

    if (dash && s.n == 1 && s.p[0] == '-') {
        *out = 0;
        return 0;
    }
    if (s.n == 0 || digits_u64(&c, s.p + s.n, &v) != s.n || v > max)
        return -1;
    *out = v;
    return 0;
}

/* A time as a number (Unix time, its unit guessed from its size) or a
 * string: CLF, [CLF], ISO 8601 or Unix time. */
static int read_time(struct parser *p, struct slice s, struct logrec *rec)
{
    const char *e, *end = s.p + s.n;

    if (s.n == 28 && s.p[0] == '[' && s.p[27] == ']')
        return parse_clf_time(p, s.p + 1, rec);
    if (s.n == 26 && s.p[2] == '/')
        return parse_clf_time(p, s.p, rec);
    if (s.n >= 19 && s.p[4] == '-') {
        if (parse_time_iso(p, s.p, end, &e, rec) || e != end)
            return -1;
        return 0;
    }
    if (parse_time_epoch(p, s.p, end, 0, &e, rec) || e != end)
        return -1;
    return 0;
}

/*
 * An optional field f into *out, left as it is when the line lacks it:
 * PARSE_OK, or st with p->fail_at at the unusable value. X-Forwarded-For
 * joins the strings of an array, as a proxy chain would have.
 */
static enum parse_status optional(struct parser *p, const char *line,
                                  size_t n, int f, enum parse_status st,
                                  struct slice *out)
{
    const jsmntok_t *at = NULL;

    if (field_value(p, line, f, f == JF_XFF, out, &at) < 0)
        JFAIL(st, at ? (size_t)at->start : n);
    return PARSE_OK;
}

enum parse_status json_parse(struct parser *p, const char *line, size_t n,
                             struct logrec *rec)
{
    struct json_fmt *j = p->json;
    const jsmntok_t *at = NULL;
    const char *z;
    jsmn_parser jp;
    struct slice v;
    uint64_t num;
    int r, root_end;
    enum parse_status st;

    if (n == 0)
        JFAIL(PARSE_EMPTY, 0);
    z = memchr(line, '\0', n);
    if (z)
        JFAIL(PARSE_NUL, z - line);
    if (n > JSON_MAX_LINE)
        JFAIL(PARSE_JSON, 0);
    p->scratch_len = 0;
    jsmn_init(&jp);
    r = jsmn_parse(&jp, line, n, j->tok, JSON_MAX_TOKENS);
    if (r < 0) {
        j->ntok = 0;
        JFAIL(PARSE_JSON, jp.pos < n ? jp.pos : n);
    }
    j->ntok = (int)jp.toknext;
    if (j->ntok == 0 || j->tok[0].type != JSMN_OBJECT)
        JFAIL(PARSE_JSON, 0);
    /* One object, with only blanks around it. */
    root_end = j->tok[0].end;
    link_next(j);
    if (j->next[0] != j->ntok)
        JFAIL(PARSE_JSON, (size_t)root_end);
    for (size_t i = (size_t)root_end; i < n; i++)
        if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
            JFAIL(PARSE_JSON, i);

    parse_rec_reset(p, line, rec);

#define AT (at ? (size_t)at->start : n)
    /* client */
    if (field_value(p, line, JF_CLIENT, 0, &v, &at) != 1 || v.n == 0)
        JFAIL(PARSE_CLIENT, AT);
    rec->client = strip_port(v);

    /* time */
    at = NULL;
    if (field_value(p, line, JF_TIME, 0, &v, &at) != 1 ||
        read_time(p, v, rec))
        JFAIL(PARSE_TIME, AT);

    /* status */
    at = NULL;
    if (field_value(p, line, JF_STATUS, 0, &v, &at) != 1 ||
        read_uint(v, 999, 0, &num))
        JFAIL(PARSE_STATUS, AT);
    rec->status = (uint16_t)num;

    /* request: a target, else a request line */
    at = NULL;
    r = field_value(p, line, JF_URI, 0, &v, &at);
    if (r < 0)
        JFAIL(PARSE_REQUEST, AT);
    if (r == 1) {
        rec->target = v;
        if ((st = optional(p, line, n, JF_METHOD, PARSE_REQUEST,
                           &rec->method)) ||
            (st = optional(p, line, n, JF_PROTOCOL, PARSE_REQUEST,
                           &rec->protocol)))
            return st;
    } else {
        at = NULL;
        if (field_value(p, line, JF_REQUEST, 0, &v, &at) != 1)
            JFAIL(PARSE_REQUEST, AT);
        rec->request = v;
        parse_split_request(rec);
    }

    /* bytes: absent is 0 */
    at = NULL;
    r = field_value(p, line, JF_BYTES, 0, &v, &at);
    if (r < 0 || (r == 1 && read_uint(v, UINT64_MAX, 1, &rec->bytes)))
        JFAIL(PARSE_BYTES, AT);

#undef AT
    if ((st = optional(p, line, n, JF_REFERER, PARSE_REFERER,
                       &rec->referer)) ||
        (st = optional(p, line, n, JF_AGENT, PARSE_AGENT, &rec->agent)) ||
        (st = optional(p, line, n, JF_HOST, PARSE_HOST, &rec->host)) ||
        (st = optional(p, line, n, JF_XFF, PARSE_FIELD, &rec->xff)))
        return st;
    return PARSE_OK;
}
