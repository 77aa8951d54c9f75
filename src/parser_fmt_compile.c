/*
 * parser_fmt_compile.c - Apache LogFormat and nginx log_format strings
 * (or the name of a built-in one) compiled into the ops parser_fmt.c
 * runs (parser_fmt.h): the Apache directives and nginx variables
 * blogstat reads, the config-file lines they may come wrapped in, the
 * checks a format must pass with their error messages, and fmt_free().
 */
#include "blogstat.h"
#include "ascii.h"
#include "parser_int.h"
#include "parser_fmt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_OPS 256

struct builder {
    struct parser *p;
    struct fmt_op ops[MAX_OPS];
    char names[MAX_OPS][48];     /* each field as the format wrote it */
    size_t n;
    char *text;                  /* literals and patterns */
    size_t len, cap;
    int lit_open;                /* the last op is a literal being built */
    const char *kind;            /* "Apache" or "nginx", for messages */
    struct bs_err *err;
};

static size_t text_add(struct builder *b, const char *s, size_t n)
{
    size_t off = b->len;

    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->text = xrealloc(b->text, b->cap);
    }
    memcpy(b->text + b->len, s, n);
    b->len += n;
    b->text[b->len] = '\0';
    return off;
}

static int too_many(struct builder *b)
{
    return bs_fail(b->err, BS_USAGE, "log format has more than %d fields "
                   "and texts", MAX_OPS);
}

static int lit_char(struct builder *b, char c)
{
    if (b->lit_open) {
        /* The literal's text is the tail of b->text. */
        text_add(b, &c, 1);
        b->ops[b->n - 1].n++;
        return 0;
    }
    if (b->n == MAX_OPS)
        return too_many(b);
    memset(&b->ops[b->n], 0, sizeof(b->ops[b->n]));
    b->ops[b->n].kind = OP_LIT;
    b->ops[b->n].off = text_add(b, &c, 1);
    b->ops[b->n].n = 1;
    b->names[b->n][0] = '\0';
    b->n++;
    b->lit_open = 1;
    return 0;
}

static struct fmt_op *field(struct builder *b, enum op_kind kind,
                            enum role role, int rank, enum parse_status st,
                            const char *name, size_t name_n)
{
    struct fmt_op *op;

    if (b->n == MAX_OPS) {
        too_many(b);
        return NULL;
    }
    op = &b->ops[b->n];
    memset(op, 0, sizeof(*op));
    op->kind = (unsigned char)kind;
    op->role = (unsigned char)role;
    op->rank = (unsigned char)rank;
    op->status = (unsigned char)st;
    op->next_c = -1;
    op->div = 1;
    if (name_n >= sizeof(b->names[0]))
        name_n = sizeof(b->names[0]) - 1;
    memcpy(b->names[b->n], name, name_n);
    b->names[b->n][name_n] = '\0';
    b->n++;
    b->lit_open = 0;
    return op;
}

static enum parse_status role_status(enum role r)
{
    switch (r) {
    case R_CLIENT: return PARSE_CLIENT;
    case R_REQUEST:
    case R_METHOD:
    case R_TARGET:
    case R_PATH:
    case R_QUERY:
    case R_PROTOCOL: return PARSE_REQUEST;
    case R_REFERER: return PARSE_REFERER;
    case R_AGENT: return PARSE_AGENT;
    case R_HOST: return PARSE_HOST;
    case R_STATUS: return PARSE_STATUS;
    case R_BYTES: return PARSE_BYTES;
    case R_TIME: return PARSE_TIME;
    default: return PARSE_FIELD;
    }
}

/* A string field of role r. */
static int str_field(struct builder *b, enum role r, int rank,
                     const char *name, size_t name_n)
{
    return field(b, OP_STR, r, rank, role_status(r), name, name_n) ? 0 : -1;
}

/* The last op, when it is a string field named name. */
static struct fmt_op *last_named(struct builder *b, const char *name)
{
    if (b->n == 0 || b->lit_open || strcmp(b->names[b->n - 1], name) != 0)
        return NULL;
    return &b->ops[b->n - 1];
}

/*
 * Check and add a strftime pattern (Apache's %{FORMAT}t): the conversions
 * blogstat reads, and all of a date and a time. The CLF layout becomes
 * the fast CLF field.
 */
static int strf_field(struct builder *b, const char *pat, const char *name,
                      size_t name_n)
{
    unsigned have = 0;   /* 1 year, 2 month, 4 day, 8 h, 16 min, 32 s */
    struct fmt_op *op;

    if (strcmp(pat, "%d/%b/%Y:%H:%M:%S %z") == 0)
        return field(b, OP_CLF, R_TIME, 1, PARSE_TIME, name, name_n) ? 0 : -1;
    for (const char *c = pat; *c; c++) {
        if (*c != '%')
            continue;
        switch (*++c) {
        case 'Y': case 'y': have |= 1; break;
        case 'm': case 'b': case 'h': have |= 2; break;
        case 'd': case 'e': have |= 4; break;
        case 'H': have |= 8; break;
        case 'M': have |= 16; break;
        case 'S': have |= 32; break;
        case 'T': have |= 8 | 16 | 32; break;
        case 'F': case 'D': have |= 1 | 2 | 4; break;
        case 'z': case '%': break;
        case '\0':
            return bs_fail(b->err, BS_USAGE, "time format '%.*s' ends in "
                           "'%%'", (int)name_n, name);
        default:
            return bs_fail(b->err, BS_USAGE, "time format '%.*s': blogstat "
                           "cannot read '%%%c' (it reads %%Y %%y %%m %%b "
                           "%%d %%e %%H %%M %%S %%T %%F %%D %%z)",
                           (int)name_n, name, *c);
        }
    }
    if (have != 63)
        return bs_fail(b->err, BS_USAGE, "time format '%.*s' lacks a full "
                       "date and time (year, month, day, %%H, %%M, %%S)",
                       (int)name_n, name);
    op = field(b, OP_STRF, R_TIME, 1, PARSE_TIME, name, name_n);
    if (!op)
        return -1;
    op->n = strlen(pat);
    op->off = text_add(b, pat, op->n);
    return 0;
}

static int unknown(struct builder *b, const char *what, size_t n)
{
    return bs_fail(b->err, BS_USAGE, "unknown %s log format directive "
                   "'%.*s'", b->kind, (int)n, what);
}

/* %t (f NULL) and %{f}t: the CLF time, an epoch, ISO 8601 or a
 * strftime format, with Apache's begin:/end: prefixes. */
static int apache_time(struct builder *b, const char *f, const char *start,
                       size_t name_n)
{
    struct fmt_op *op;

    if (!f) {
        op = field(b, OP_CLF, R_TIME, 1, PARSE_TIME, start, name_n);
        if (!op)
            return -1;
        op->bracket = 1;
        return 0;
    }
    if (strncmp(f, "begin:", 6) == 0)
        f += 6;
    else if (strncmp(f, "end:", 4) == 0)
        f += 4;
    if (strcmp(f, "msec_frac") == 0 || strcmp(f, "usec_frac") == 0)
        return field(b, OP_NUM, R_SKIP, 0, PARSE_FIELD, start, name_n) ? 0
                                                                         : -1;
    if (strcmp(f, "sec") == 0 || strcmp(f, "msec") == 0 ||
        strcmp(f, "usec") == 0 || strcmp(f, "%s") == 0) {
        op = field(b, OP_EPOCH, R_TIME, 1, PARSE_TIME, start, name_n);
        if (!op)
            return -1;
        op->div = f[0] == 'm' ? 1000 : f[0] == 'u' ? 1000000 : 1;
        return 0;
    }
    if (strcmp(f, "%Y-%m-%dT%H:%M:%S%z") == 0)
        return field(b, OP_ISO, R_TIME, 1, PARSE_TIME, start, name_n) ? 0
                                                                        : -1;
    return strf_field(b, f, start, name_n);
}

/* One Apache directive at s (just past its '%'); sets *next past it. */
static int apache_directive(struct builder *b, const char *s,
                            const char **next)
{
    const char *start = s - 1, *arg = NULL;
    size_t arg_n = 0, name_n;
    int gt = 0;
    char c, argbuf[128];

    /* Modifiers: %400,501{User-agent}i, %!200,304{Referer}i, %>s, %<s */
    while (*s == '<' || *s == '>' || *s == '!' || *s == ',' || is_digit(*s))
        gt |= *s++ == '>';
    if (*s == '{') {
        const char *close = strchr(s, '}');

        if (!close)
            return bs_fail(b->err, BS_USAGE, "unterminated '%%{' in Apache "
                           "log format at '%.32s'", start);
        arg = s + 1;
        arg_n = (size_t)(close - arg);
        s = close + 1;
    }
    c = *s;
    if (c == '\0')
        return bs_fail(b->err, BS_USAGE, "Apache log format ends in '%.*s'",
                       (int)(s - start), start);
    if (c == '^') {
        /* %{VARNAME}^ti, %{VARNAME}^to: trailers */
        if (!arg || (strncmp(s, "^ti", 3) != 0 && strncmp(s, "^to", 3) != 0))
            return unknown(b, start, (size_t)(s + (s[1] ? 2 : 1) - start));
        *next = s + 3;
        return str_field(b, R_SKIP, 0, start, (size_t)(*next - start));
    }
    *next = s + 1;
    name_n = (size_t)(*next - start);
    if (arg_n >= sizeof(argbuf))
        return bs_fail(b->err, BS_USAGE, "Apache log format directive "
                       "'%.40s...' too long", start);
    if (arg) {
        memcpy(argbuf, arg, arg_n);
        argbuf[arg_n] = '\0';
    }

    switch (c) {
    case 'a':
        if (!arg)
            return str_field(b, R_CLIENT, 2, start, name_n);
        if (strcmp(argbuf, "c") == 0)    /* the peer of the connection */
            return str_field(b, R_SKIP, 0, start, name_n);
        break;
    case 'h':
        if (!arg)
            return str_field(b, R_CLIENT, 1, start, name_n);
        break;
    case 'A': case 'f': case 'L': case 'R':
        if (!arg)
            return str_field(b, R_SKIP, 0, start, name_n);
        break;
    case 'l': case 'u':
        if (!arg)
            return field(b, OP_STR, R_SKIP, 0, PARSE_USER, start, name_n)
                   ? 0 : -1;
        break;
    case 'X':
        if (!arg)
            return str_field(b, R_SKIP, 0, start, name_n);
        break;
    case 'C': case 'e': case 'n': case 'o': case 'x': case 'c':
        if (arg)
            return str_field(b, R_SKIP, 0, start, name_n);
        break;
    case 'i':
        if (!arg)
            break;
        if (strcasecmp(argbuf, "Referer") == 0)
            return str_field(b, R_REFERER, 1, start, name_n);
        if (strcasecmp(argbuf, "User-Agent") == 0)
            return str_field(b, R_AGENT, 1, start, name_n);
        if (strcasecmp(argbuf, "X-Forwarded-For") == 0)
            return str_field(b, R_XFF, 1, start, name_n);
        if (strcasecmp(argbuf, "Host") == 0)
            return str_field(b, R_HOST, 1, start, name_n);
        return str_field(b, R_SKIP, 0, start, name_n);
    case 'b': case 'B': case 'O':
        if (!arg)
            return field(b, OP_BYTES, R_BYTES, c == 'O' ? 1 : 2, PARSE_BYTES,
                         start, name_n) ? 0 : -1;
        break;
    case 'I': case 'S': case 'D': case 'k':
        if (!arg)
            return field(b, OP_NUM, R_SKIP, 0, PARSE_FIELD, start, name_n)
                   ? 0 : -1;
        break;
    case 'T':
        if (!arg || strcmp(argbuf, "s") == 0 || strcmp(argbuf, "ms") == 0 ||
            strcmp(argbuf, "us") == 0)
            return field(b, OP_NUM, R_SKIP, 0, PARSE_FIELD, start, name_n)
                   ? 0 : -1;
        break;
    case 'p':
        if (!arg || strcmp(argbuf, "canonical") == 0 ||
            strcmp(argbuf, "local") == 0 || strcmp(argbuf, "remote") == 0)
            return field(b, OP_NUM, R_SKIP, 0, PARSE_FIELD, start, name_n)
                   ? 0 : -1;
        break;
    case 'P':
        if (!arg || strcmp(argbuf, "pid") == 0 || strcmp(argbuf, "tid") == 0)
            return field(b, OP_NUM, R_SKIP, 0, PARSE_FIELD, start, name_n)
                   ? 0 : -1;
        if (strcmp(argbuf, "hextid") == 0)
            return str_field(b, R_SKIP, 0, start, name_n);
        break;
    case 'H':
        if (!arg)
            return str_field(b, R_PROTOCOL, 1, start, name_n);
        break;
    case 'm':
        if (!arg)
            return str_field(b, R_METHOD, 1, start, name_n);
        break;
    case 'U':
        if (!arg)
            return str_field(b, R_PATH, 1, start, name_n);
        break;
    case 'q':
        if (arg)
            break;
        /* %U%q, as formats write it: one field, the target. */
        if (last_named(b, "%U")) {
            b->ops[b->n - 1].role = R_TARGET;
            snprintf(b->names[b->n - 1], sizeof(b->names[0]), "%%U%%q");
            return 0;
        }
        return str_field(b, R_QUERY, 1, start, name_n);
    case 'r':
        if (!arg)
            return str_field(b, R_REQUEST, 1, start, name_n);
        break;
    case 's':
        if (!arg)
            return field(b, OP_STATUS, R_STATUS, gt ? 2 : 1, PARSE_STATUS,
                         start, name_n) ? 0 : -1;
        break;
    case 'v': case 'V':
        if (!arg)
            return str_field(b, R_HOST, c == 'v' ? 3 : 2, start, name_n);
        break;
    case 't':
        return apache_time(b, arg ? argbuf : NULL, start, name_n);
    default:
        break;
    }
    return unknown(b, start, name_n);
}

/* Apache: "\"" is '"', "\\" is '\', "\n" "\t" "\r" control characters
 * (mod_log_config: "Literal quotes and backslashes should be escaped
 * with backslashes"); '%' starts a directive, "%%" is '%'. */
static int compile_apache(struct builder *b, const char *s)
{
    b->kind = "Apache";
    while (*s) {
        if (*s == '\\' && s[1] != '\0') {
            char c = s[1];

            if (c == 'n')
                c = '\n';
            else if (c == 't')
                c = '\t';
            else if (c == 'r')
                c = '\r';
            if (c == s[1] && c != '"' && c != '\\' && lit_char(b, '\\'))
                return -1;
            if (lit_char(b, c))
                return -1;
            s += 2;
        } else if (*s == '%' && s[1] == '%') {
            if (lit_char(b, '%'))
                return -1;
            s += 2;
        } else if (*s == '%') {
            const char *next = NULL;

            if (apache_directive(b, s + 1, &next))
                return -1;
            s = next;
        } else {
            if (lit_char(b, *s))
                return -1;
            s++;
        }
    }
    return 0;
}

struct nginx_var {
    const char *name;
    unsigned char kind, role, rank, status;
};

/* The variables of nginx's http core and log modules (and the common
 * modules) that blogstat reads or skips; the families below them. */
static const struct nginx_var nginx_vars[] = {
    {"remote_addr", OP_STR, R_CLIENT, 1, PARSE_CLIENT},
    {"remote_user", OP_STR, R_SKIP, 0, PARSE_USER},
    {"time_local", OP_CLF, R_TIME, 1, PARSE_TIME},
    {"time_iso8601", OP_ISO, R_TIME, 1, PARSE_TIME},
    {"msec", OP_EPOCH, R_TIME, 1, PARSE_TIME},
    {"request", OP_STR, R_REQUEST, 1, PARSE_REQUEST},
    {"request_method", OP_STR, R_METHOD, 1, PARSE_REQUEST},
    {"request_uri", OP_STR, R_TARGET, 1, PARSE_REQUEST},
    {"uri", OP_STR, R_PATH, 1, PARSE_REQUEST},
    {"document_uri", OP_STR, R_PATH, 1, PARSE_REQUEST},
    {"args", OP_STR, R_QUERY, 1, PARSE_REQUEST},
    {"query_string", OP_STR, R_QUERY, 1, PARSE_REQUEST},
    {"server_protocol", OP_STR, R_PROTOCOL, 1, PARSE_REQUEST},
    {"status", OP_STATUS, R_STATUS, 1, PARSE_STATUS},
    {"body_bytes_sent", OP_BYTES, R_BYTES, 2, PARSE_BYTES},
    {"bytes_sent", OP_BYTES, R_BYTES, 1, PARSE_BYTES},
    {"http_referer", OP_STR, R_REFERER, 1, PARSE_REFERER},
    {"http_user_agent", OP_STR, R_AGENT, 1, PARSE_AGENT},
    {"http_x_forwarded_for", OP_STR, R_XFF, 1, PARSE_FIELD},
    {"host", OP_STR, R_HOST, 3, PARSE_HOST},
    {"server_name", OP_STR, R_HOST, 2, PARSE_HOST},
    {"http_host", OP_STR, R_HOST, 1, PARSE_HOST},
    {"request_time", OP_NUM, R_SKIP, 0, PARSE_FIELD},
    {"request_length", OP_NUM, R_SKIP, 0, PARSE_FIELD},
    {"connection", OP_NUM, R_SKIP, 0, PARSE_FIELD},
    {"connection_requests", OP_NUM, R_SKIP, 0, PARSE_FIELD},
    {"connection_time", OP_NUM, R_SKIP, 0, PARSE_FIELD},
    {"pid", OP_NUM, R_SKIP, 0, PARSE_FIELD},
};

/* Skipped strings: whole names, then prefixes (ending in '_'). */
static const char *const nginx_skip[] = {
    "binary_remote_addr", "realip_remote_addr", "realip_remote_port",
    "remote_port", "server_addr", "server_port", "scheme", "https",
    "hostname", "nginx_version", "pipe", "request_id",
    "request_completion", "request_filename", "request_body",
    "document_root", "realpath_root", "content_type", "content_length",
    "gzip_ratio", "proxy_add_x_forwarded_for", "proxy_host", "proxy_port",
    "proxy_protocol_addr", "proxy_protocol_port",
    "proxy_protocol_server_addr", "proxy_protocol_server_port",
    "limit_req_status", "limit_conn_status", "limit_rate", "http2",
    "http3", "invalid_referer", "secure_link", "secure_link_expires",
    "date_local", "date_gmt", "fastcgi_script_name", "fastcgi_path_info",
    "is_args", "time_local_ms", "bytes_received", "session_time",
    "protocol", "realip_remote_addr", "server_name_port", "cache_status",
    "http_", "sent_http_", "sent_trailer_", "upstream_", "cookie_", "arg_",
    "ssl_", "geoip_", "geoip2_", "tcpinfo_", "jwt_", "spdy_", "memcached_",
    "uid_", "slice_", "mqtt_", "realip_",
};

static int nginx_variable(struct builder *b, const char *name, size_t n)
{
    char shown[48];
    size_t shown_n;

    shown_n = (size_t)snprintf(shown, sizeof(shown), "$%.*s",
                               (int)(n < 40 ? n : 40), name);
    if (shown_n >= sizeof(shown))
        shown_n = sizeof(shown) - 1;
    for (size_t i = 0; i < ARRAY_SIZE(nginx_vars); i++) {
        const struct nginx_var *v = &nginx_vars[i];
        struct fmt_op *op;

        if (strlen(v->name) != n || memcmp(v->name, name, n) != 0)
            continue;
        /* $uri$is_args$args: the target, as one field ($uri?$args
         * stays two: the path ends at the '?') */
        if (v->role == R_QUERY && b->n >= 2 && last_named(b, "$is_args") &&
            b->ops[b->n - 2].kind == OP_STR &&
            strcmp(b->names[b->n - 2], "$uri") == 0) {
            b->n--;
            b->ops[b->n - 1].role = R_TARGET;
            snprintf(b->names[b->n - 1], sizeof(b->names[0]),
                     "$uri$is_args$args");
            return 0;
        }
        op = field(b, (enum op_kind)v->kind, (enum role)v->role, v->rank,
                   (enum parse_status)v->status, shown, shown_n);
        if (!op)
            return -1;
        if (v->kind == OP_EPOCH)
            op->div = 1;
        return 0;
    }
    for (size_t i = 0; i < ARRAY_SIZE(nginx_skip); i++) {
        size_t k = strlen(nginx_skip[i]);
        int prefix = nginx_skip[i][k - 1] == '_';

        if (prefix ? n > k && memcmp(nginx_skip[i], name, k) == 0
                   : n == k && memcmp(nginx_skip[i], name, k) == 0)
            return str_field(b, R_SKIP, 0, shown, shown_n);
    }
    return bs_fail(b->err, BS_USAGE, "unknown nginx log_format variable "
                   "'%s'", shown);
}

static inline int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           is_digit(c) || c == '_';
}

/* nginx: $name or ${name}; a '$' before anything else is text. */
static int compile_nginx(struct builder *b, const char *s)
{
    b->kind = "nginx";
    while (*s) {
        const char *name;
        size_t n = 0;

        if (*s != '$' || !(is_name_char(s[1]) || s[1] == '{')) {
            if (lit_char(b, *s))
                return -1;
            s++;
            continue;
        }
        if (s[1] == '{') {
            name = s + 2;
            while (is_name_char(name[n]))
                n++;
            if (n == 0 || name[n] != '}')
                return bs_fail(b->err, BS_USAGE, "malformed nginx variable "
                               "at '%.32s'", s);
            s = name + n + 1;
        } else {
            name = s + 1;
            while (is_name_char(name[n]))
                n++;
            s = name + n;
        }
        if (nginx_variable(b, name, n))
            return -1;
    }
    return 0;
}

/* ---- unwrapping what the config files hold ------------------------------ */

static const char *skip_blanks(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    return s;
}

static const char *skip_word(const char *s)
{
    while (*s && *s != ' ' && *s != '\t')
        s++;
    return s;
}

/*
 * nginx.conf: [log_format NAME] [escape=X] 'part' "part" ... [;]: the
 * parts joined, with nginx's escapes inside quotes (\" \' \\ \n \r \t).
 * Returns the unwrapped text (caller frees), or NULL when s is not that
 * shape (then s is the format itself, after the prefix *rest).
 */
static char *unwrap_nginx(const char *s, const char **rest)
{
    char *out;
    size_t n = 0;

    s = skip_blanks(s);
    if (strncmp(s, "log_format", 10) == 0 && (s[10] == ' ' || s[10] == '\t'))
        s = skip_blanks(skip_word(skip_blanks(s + 10)));
    while (strncmp(s, "escape=", 7) == 0)
        s = skip_blanks(skip_word(s));
    *rest = s;
    if (*s != '\'' && *s != '"')
        return NULL;
    out = xmalloc(strlen(s) + 1);
    while (*s == '\'' || *s == '"') {
        char q = *s++;

        while (*s && *s != q) {
            if (*s == '\\' && s[1] != '\0') {
                char c = s[1];

                if (c == 'n')
                    out[n++] = '\n';
                else if (c == 'r')
                    out[n++] = '\r';
                else if (c == 't')
                    out[n++] = '\t';
                else if (c == '"' || c == '\'' || c == '\\')
                    out[n++] = c;
                else {
                    out[n++] = '\\';
                    out[n++] = c;
                }
                s += 2;
            } else {
                out[n++] = *s++;
            }
        }
        if (*s != q)
            break;
        s = skip_blanks(s + 1);
        if (*s == ';')
            s = skip_blanks(s + 1);
    }
    if (*s) {
        free(out);
        return NULL;
    }
    out[n] = '\0';
    return out;
}

/* apache2.conf: [LogFormat] "FORMAT" [nickname]: the inside of the quotes
 * (its escapes are the format's own), else NULL. */
static char *unwrap_apache(const char *s, const char **rest)
{
    const char *q;

    s = skip_blanks(s);
    if (strncasecmp(s, "LogFormat", 9) == 0 && (s[9] == ' ' || s[9] == '\t'))
        s = skip_blanks(s + 9);
    *rest = s;
    if (*s != '"')
        return NULL;
    for (q = s + 1; *q && *q != '"'; q++)
        if (*q == '\\' && q[1])
            q++;
    if (*q != '"')
        return NULL;
    /* What may follow: a nickname. */
    if (*skip_blanks(skip_word(skip_blanks(q + 1))))
        return NULL;
    return xmemdup(s + 1, (size_t)(q - s - 1));
}

/* Which server wrote the format: '%' directives or '$' variables. */
static int looks_nginx(const char *s)
{
    int dollar = 0, percent = 0;

    for (; *s; s++) {
        if (*s == '$' && (is_name_char(s[1]) || s[1] == '{'))
            dollar++;
        else if (*s == '%' && s[1] && s[1] != ' ')
            percent++;
    }
    return dollar > percent;
}

/* ---- checking and finishing --------------------------------------------- */

static const char *const role_names[R_NROLES] = {
    [R_CLIENT] = "a client address (%h, %a, $remote_addr)",
    [R_TIME] = "a time (%t, %{...}t, $time_local, $time_iso8601, $msec)",
    [R_STATUS] = "a status (%>s, %s, $status)",
    [R_REQUEST] = "a request (%r, %U, $request, $request_uri, $uri)",
};

static int finish(struct builder *b)
{
    struct parser *p = b->p;
    int best[R_NROLES];
    unsigned char present[R_NROLES] = {0};

    for (int r = 0; r < R_NROLES; r++)
        best[r] = -1;
    /* The field that fills each role: the highest rank, the first on a
     * tie (%a over %h, %>s over %s, %b over %O, %v over %V ...). */
    for (size_t i = 0; i < b->n; i++) {
        struct fmt_op *op = &b->ops[i];

        if (op->kind == OP_LIT || op->role == R_SKIP)
            continue;
        if (best[op->role] < 0 || op->rank > b->ops[best[op->role]].rank)
            best[op->role] = (int)i;
    }
    /* A request line gives method, target and protocol; a target wins
     * over a path and a query. */
    if (best[R_REQUEST] >= 0)
        best[R_METHOD] = best[R_TARGET] = best[R_PATH] = best[R_QUERY] =
            best[R_PROTOCOL] = -1;
    if (best[R_TARGET] >= 0)
        best[R_PATH] = best[R_QUERY] = -1;
    for (size_t i = 0; i < b->n; i++) {
        struct fmt_op *op = &b->ops[i];

        if (op->kind == OP_LIT)
            continue;
        if (op->role != R_SKIP && best[op->role] != (int)i)
            op->role = R_SKIP;
        present[op->role] = 1;
    }
    if (present[R_TARGET] || present[R_PATH])
        present[R_REQUEST] = 1;
    for (int r = 0; r < R_NROLES; r++)
        if (role_names[r] && !present[r])
            return bs_fail(b->err, BS_USAGE, "%s log format has no %s",
                           b->kind, role_names[r]);

    for (size_t i = 0; i < b->n; i++) {
        struct fmt_op *op = &b->ops[i];
        const struct fmt_op *prev = i ? &b->ops[i - 1] : NULL;
        const struct fmt_op *next = i + 1 < b->n ? &b->ops[i + 1] : NULL;

        if (op->kind == OP_LIT) {
            /* A mismatch is the next field's fault; at the end, text
             * after the last field. */
            op->status = PARSE_TRAILING;
            for (size_t j = i + 1; j < b->n; j++)
                if (b->ops[j].kind != OP_LIT) {
                    op->status = b->ops[j].status;
                    break;
                }
            continue;
        }
        if (next && next->kind == OP_LIT)
            op->next_c = (unsigned char)b->text[next->off];
        if (op->kind != OP_STR)
            continue;
        if (next && next->kind != OP_LIT)
            return bs_fail(b->err, BS_USAGE, "%s log format: nothing "
                           "separates '%s' from '%s' in '%s%s', so "
                           "blogstat cannot tell where one ends", b->kind,
                           b->names[i], b->names[i + 1], b->names[i],
                           b->names[i + 1]);
        if (!next)
            continue;
        op->off = next->off;
        op->n = next->n;
        op->quoted = prev && prev->kind == OP_LIT &&
                     b->text[prev->off + prev->n - 1] == '"' &&
                     b->text[next->off] == '"';
        /* "%u %t": the user ends at a blank followed by '[' */
        if (i + 2 < b->n && b->ops[i + 2].kind == OP_CLF &&
            b->ops[i + 2].bracket)
            op->look = '[';
    }

    p->fields = (present[R_AGENT] ? PARSE_HAS_AGENT : 0) |
                (present[R_HOST] ? PARSE_HAS_HOST : 0) |
                (present[R_XFF] ? PARSE_HAS_XFF : 0) |
                (present[R_REFERER] ? PARSE_HAS_REFERER : 0);
    /* A literal after a field becomes the field's tail. */
    p->ops = xmalloc(b->n * sizeof(*p->ops));
    p->nops = 0;
    for (size_t i = 0; i < b->n; i++) {
        struct fmt_op *last = p->nops ? &p->ops[p->nops - 1] : NULL;

        if (b->ops[i].kind == OP_LIT && last && last->kind != OP_LIT &&
            last->tail_n == 0) {
            last->tail_off = b->ops[i].off;
            last->tail_n = b->ops[i].n;
            last->tail_status = b->ops[i].status;
        } else {
            p->ops[p->nops++] = b->ops[i];
        }
    }
    p->owned = b->text;
    b->text = NULL;
    for (size_t i = 0; i < p->nops; i++) {
        p->ops[i].text = p->owned + p->ops[i].off;
        p->ops[i].tail = p->owned + p->ops[i].tail_off;
    }
    return 0;
}

/* ---- built-in formats --------------------------------------------------- */

static const struct {
    const char *name;
    const char *format;
} builtins[] = {
    /* Debian's apache2.conf */
    {"vhost_combined", "%v:%p %h %l %u %t \\\"%r\\\" %>s %O "
                       "\\\"%{Referer}i\\\" \\\"%{User-Agent}i\\\""},
    /* nginx.org's packages: nginx.conf's "main" */
    {"nginx_main", "$remote_addr - $remote_user [$time_local] \"$request\" "
                   "$status $body_bytes_sent \"$http_referer\" "
                   "\"$http_user_agent\" \"$http_x_forwarded_for\""},
};

const char *fmt_builtin(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(builtins); i++)
        if (strcmp(name, builtins[i].name) == 0)
            return builtins[i].format;
    return NULL;
}

int fmt_compile(struct parser *p, const char *format, struct bs_err *err)
{
    struct builder *b = xcalloc(1, sizeof(*b));
    const char *builtin = fmt_builtin(format), *rest;
    char *text = NULL;
    int rc;

    b->p = p;
    b->err = err;
    if (builtin) {
        p->lenient = 1;
        format = builtin;
    }
    if (looks_nginx(format)) {
        text = unwrap_nginx(format, &rest);
        rc = compile_nginx(b, text ? text : rest);
        if (!builtin)
            p->name = "nginx log_format";
    } else {
        text = unwrap_apache(format, &rest);
        rc = compile_apache(b, text ? text : rest);
        if (!builtin)
            p->name = "Apache LogFormat";
    }
    if (rc == 0 && b->n == 0)
        rc = bs_fail(err, BS_USAGE, "empty log format");
    if (rc == 0)
        rc = finish(b);
    free(text);
    free(b->text);
    free(b);
    if (rc == 0 && p->ops) {
        /* Room for a target joined from a path and a query. */
        for (size_t i = 0; i < p->nops; i++)
            if (p->ops[i].role == R_PATH) {
                p->scratch_cap = PARSE_SCRATCH_MAX;
                p->scratch = xmalloc(p->scratch_cap);
                break;
            }
    }
    return rc;
}

void fmt_free(struct parser *p)
{
    free(p->ops);
    p->ops = NULL;
}
