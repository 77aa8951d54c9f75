/*
 * parser_fmt.c - runs a compiled Apache or nginx format (parser_fmt.h)
 * over a line: fmt_parse() and what it calls, all in this file so that
 * they inline into its loop.
 *
 * What the servers write into the fields, quoted from their documents:
 *
 * Apache (mod_log_config, "Custom Log Formats"): "For security reasons,
 * starting with version 2.0.46, non-printable and other special
 * characters in %r, %i and %o are escaped using \xhh sequences, where hh
 * stands for the hexadecimal representation of the raw byte. Exceptions
 * from this rule are " and \, which are escaped by prepending a
 * backslash, and all whitespace characters, which are written in their
 * C-style notation (\n, \t, etc)." So a quote inside a quoted field is
 * always \" and a field ends at the first quote after an even number of
 * backslashes.
 *
 * nginx (ngx_http_log_module, log_format): "For default escaping,
 * characters "\"", "\\", and other characters with values less than 32
 * (0.7.0) or above 126 (1.1.6) are escaped as "\xXX". If the variable
 * value is not found, a hyphen ("-") will be logged." and "For json
 * escaping, all characters not allowed in JSON strings will be escaped:
 * characters "\"" and "\\" are escaped as "\\\"" and "\\\\", characters
 * with values less than 32 are escaped as "\n", "\r", "\t", "\b", "\f",
 * or "\u00XX"." With default escaping a logged value holds no quote and
 * no backslash but those of \xXX; with json escaping quotes are \" as in
 * Apache: the same rule finds the end of both. (escape=none writes raw
 * quotes: such lines may not parse.)
 *
 * Values are kept as written, escapes included, as the fast path does.
 */
#include "blogstat.h"
#include "ascii.h"
#include "parser_int.h"
#include "parser_fmt.h"

#include <string.h>

#define FAIL(st, at)                                          \
    do {                                                      \
        p->fail_at = (size_t)((at) - line);                   \
        return (st);                                          \
    } while (0)

/* n bytes equal: literals are a few bytes (" ", "\" "), where a call
 * to memcmp() costs more than the compare. */
static inline int lit_eq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

/* The first place in [s, end) where op's terminator (and its look byte)
 * stands. */
static const char *find_term(const char *s, const char *end,
                             const struct fmt_op *op)
{
    const char *t = op->text;
    size_t need = op->n + (op->look != 0);

    while ((size_t)(end - s) >= need) {
        const char *q = memchr(s, t[0], (size_t)(end - s) - need + 1);

        if (!q)
            return NULL;
        if (lit_eq(q + 1, t + 1, op->n - 1) &&
            (!op->look || q[op->n] == op->look))
            return q;
        s = q + 1;
    }
    return NULL;
}

/* A line's time in a strftime pattern the compiler checked. */
static int strf_parse(struct parser *p, const char *pat, size_t pn,
                      const char *s, const char *end, const char **endp,
                      struct logrec *rec)
{
    int y = 0, mon = 0, d = 0, hh = 0, mm = 0, ss = 0, off = 0, zone = 0;
    int v, v2;

    for (size_t i = 0; i < pn; i++) {
        size_t left = (size_t)(end - s);

        if (pat[i] != '%' || pat[i + 1] == '%') {
            if (!left || *s != pat[i])
                return -1;
            i += pat[i] == '%';
            s++;
            continue;
        }
        switch (pat[++i]) {
        case 'Y':
            if (left < 4 || digits_n(s, 4, &y))
                return -1;
            s += 4;
            break;
        case 'y':
            if (left < 2 || digits_n(s, 2, &v))
                return -1;
            y = v < 69 ? 2000 + v : 1900 + v;   /* as POSIX strptime */
            s += 2;
            break;
        case 'b':
        case 'h':
            if (left < 3 || !(mon = month_from_abbr(s)))
                return -1;
            s += 3;
            break;
        case 'e':
            if (left < 2 || !is_digit(s[1]) ||
                (s[0] != ' ' && !is_digit(s[0])))
                return -1;
            d = (s[0] == ' ' ? 0 : (s[0] - '0') * 10) + (s[1] - '0');
            s += 2;
            break;
        case 'z':
            if (left < 5 || (s[0] != '+' && s[0] != '-') ||
                digits_n(s + 1, 2, &v) || digits_n(s + 3, 2, &v2) ||
                v > 14 || v2 > 59)
                return -1;
            off = (s[0] == '-' ? -1 : 1) * (v * 60 + v2);
            zone = 1;
            s += 5;
            break;
        case 'T':
            if (left < 8 || digits_n(s, 2, &hh) || s[2] != ':' ||
                digits_n(s + 3, 2, &mm) || s[5] != ':' ||
                digits_n(s + 6, 2, &ss))
                return -1;
            s += 8;
            break;
        case 'F':
            if (left < 10 || digits_n(s, 4, &y) || s[4] != '-' ||
                digits_n(s + 5, 2, &mon) || s[7] != '-' ||
                digits_n(s + 8, 2, &d))
                return -1;
            s += 10;
            break;
        case 'D':
            if (left < 8 || digits_n(s, 2, &mon) || s[2] != '/' ||
                digits_n(s + 3, 2, &d) || s[5] != '/' ||
                digits_n(s + 6, 2, &v))
                return -1;
            y = v < 69 ? 2000 + v : 1900 + v;
            s += 8;
            break;
        default: {
            /* m d H M S: two digits */
            int *dst = pat[i] == 'm' ? &mon : pat[i] == 'd' ? &d
                     : pat[i] == 'H' ? &hh : pat[i] == 'M' ? &mm : &ss;

            if (left < 2 || digits_n(s, 2, dst))
                return -1;
            s += 2;
            break;
        }
        }
    }
    if (!zone) {
        if (parse_time_local(p, y, mon, d, hh, mm, ss, rec))
            return -1;
    } else {
        if (mon < 1 || mon > 12 || d < 1 ||
            d > days_in_month(y, (unsigned)mon) || hh > 23 || mm > 59 ||
            ss > 60)
            return -1;
        rec->day = days_from_civil(y, (unsigned)mon, (unsigned)d);
        rec->sec = hh * 3600 + mm * 60 + ss;
        rec->tz_min = (int16_t)off;
    }
    *endp = s;
    return 0;
}

/* The target from a path and a query logged as two fields: one slice
 * when they stand side by side in the line, else a copy. */
static int join_target(struct parser *p, struct slice path,
                       struct slice query, struct logrec *rec)
{
    char *t;

    if (query.n && query.p[0] == '?') {
        query.p++;
        query.n--;
    }
    if (query.n == 0 || (query.n == 1 && query.p[0] == '-')) {
        rec->target = path;
        return 0;
    }
    if (query.p == path.p + path.n + 1 && path.p[path.n] == '?') {
        rec->target = slice_make(path.p, path.n + 1 + query.n);
        return 0;
    }
    t = parse_scratch_put(p, path.p, path.n);
    if (!t || !parse_scratch_put(p, "?", 1) ||
        !parse_scratch_put(p, query.p, query.n))
        return -1;
    rec->target = slice_make(t, path.n + 1 + query.n);
    return 0;
}

enum parse_status fmt_parse(struct parser *p, const char *line, size_t n,
                            struct logrec *rec)
{
    const char *cur = line, *end = line + n, *e, *z;
    struct slice path = {line, 0}, query = {line, 0};
    struct logrec other;
    int have_req = 0, have_target = 0, have_path = 0, status;

    if (n == 0)
        FAIL(PARSE_EMPTY, line);
    z = memchr(line, '\0', n);
    if (z)
        FAIL(PARSE_NUL, z);
    p->scratch_len = 0;
    parse_rec_reset(p, line, rec);

    /* The ops in locals: stores into *rec could alias p's fields. */
    for (const struct fmt_op *op = p->ops, *op_end = p->ops + p->nops;
         op < op_end; op++) {
        struct logrec *trec = op->role == R_TIME ? rec : &other;
        struct slice val;

        switch (op->kind) {
        case OP_LIT:
            if ((size_t)(end - cur) < op->n || !lit_eq(cur, op->text, op->n))
                FAIL(op->status, cur);
            cur += op->n;
            continue;
        case OP_STR:
            if (op->quoted)
                e = parse_quote_end(cur, end);
            else if (op->n == 0)
                e = end;
            else
                e = find_term(cur, end, op);
            if (!e)
                FAIL(op->status, cur);
            val = slice_make(cur, (size_t)(e - cur));
            cur = e;
            break;
        case OP_CLF:
            if (op->bracket) {
                if (end - cur < 28 || cur[0] != '[' || cur[27] != ']' ||
                    parse_clf_time(p, cur + 1, trec))
                    FAIL(op->status, cur);
                cur += 28;
            } else {
                if (end - cur < 26 || parse_clf_time(p, cur, trec))
                    FAIL(op->status, cur);
                cur += 26;
            }
            goto tail;
        case OP_ISO:
            if (parse_time_iso(p, cur, end, &e, trec))
                FAIL(op->status, cur);
            cur = e;
            goto tail;
        case OP_EPOCH:
            if (parse_time_epoch(p, cur, end, op->div, &e, trec))
                FAIL(op->status, cur);
            cur = e;
            goto tail;
        case OP_STRF:
            if (strf_parse(p, op->text, op->n, cur, end, &e, trec))
                FAIL(op->status, cur);
            cur = e;
            goto tail;
        case OP_STATUS:
            if (end - cur < 3 || digits_n(cur, 3, &status) ||
                (end - cur > 3 && op->next_c >= 0 && cur[3] != op->next_c))
                FAIL(op->status, cur);
            if (op->role == R_STATUS)
                rec->status = (uint16_t)status;
            cur += 3;
            goto tail;
        case OP_BYTES: {
            uint64_t bytes = 0;

            if (parse_bytes_field(&cur, end, &bytes))
                FAIL(op->status, cur);
            if (cur < end && op->next_c >= 0 && *cur != op->next_c)
                FAIL(op->status, cur);
            if (op->role == R_BYTES)
                rec->bytes = bytes;
            goto tail;
        }
        case OP_NUM: {
            const char *start = cur;

            while (cur < end && (is_digit(*cur) || *cur == '.' || *cur == '-'))
                cur++;
            if (cur == start ||
                (cur < end && op->next_c >= 0 && *cur != op->next_c))
                FAIL(op->status, start);
            goto tail;
        }
        default:
            BUG("op kind %d", (int)op->kind);
        }

        /* A string field. */
        switch (op->role) {
        case R_CLIENT:
            if (val.n == 0)
                FAIL(PARSE_CLIENT, cur);
            rec->client = val;
            break;
        case R_REQUEST:
            rec->request = val;
            have_req = 1;
            break;
        case R_METHOD:
            rec->method = val;
            break;
        case R_TARGET:
            rec->target = val;
            have_target = 1;
            break;
        case R_PATH:
            path = val;
            have_path = 1;
            break;
        case R_QUERY:
            query = val;
            break;
        case R_PROTOCOL:
            rec->protocol = val;
            break;
        case R_REFERER:
            rec->referer = val;
            break;
        case R_AGENT:
            rec->agent = val;
            break;
        case R_HOST:
            rec->host = val;
            break;
        case R_XFF:
            rec->xff = val;
            break;
        default:
            break;
        }
    tail:
        if (op->tail_n) {
            if ((size_t)(end - cur) < op->tail_n ||
                !lit_eq(cur, op->tail, op->tail_n))
                FAIL(op->tail_status, cur);
            cur += op->tail_n;
        }
    }
    if (cur != end && (!p->lenient || *cur != ' '))
        FAIL(PARSE_TRAILING, cur);

    if (have_req) {
        parse_split_request(rec);
    } else if (!have_target && have_path) {
        if (join_target(p, path, query, rec))
            FAIL(PARSE_REQUEST, cur);
    }
    return PARSE_OK;
}
