/*
 * fuzz_logformat.c - the first line of the input is a log format (a
 * name, an Apache LogFormat or an nginx log_format string), the other
 * lines are log lines. The format is compiled with parser_compile(); each
 * line is parsed with it, with the "caddy" preset and with a JSON map of
 * dotted paths and alternatives, and the first lines go through
 * parse_detect().
 *
 * Checks: a refused format is BS_USAGE with a one-line message; a status
 * in range, and on failure an error offset inside the line; a line that
 * parses has every slice inside the line or the parser's scratch buffer,
 * a client, status <= 999, 0 <= sec <= 86400, an offset within +-14:59, a
 * real date of the years 0..9999, and has_* as parser_fields() says.
 * parse_detect() names a format or fails with BS_DATAERR and one line.
 * Each line is copied to a buffer of exactly its size, so that ASan sees
 * any read past it.
 */
#include "blogstat.h"
#include "parser.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const struct parser *p, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_logformat: %s: %s\n",
                p ? parser_name(p) : "-", what);
        abort();
    }
}

static int inside(const struct parser *p, struct slice s, const char *line,
                  size_t n)
{
    const char *base;
    size_t cap;

    if (s.n == 0)
        return 1;
    if (s.p >= line && s.p <= line + n && s.n <= (size_t)(line + n - s.p))
        return 1;
    parser_scratch(p, &base, &cap);
    return base && s.p >= base && s.p <= base + cap &&
           s.n <= (size_t)(base + cap - s.p);
}

static void one_line_msg(const struct bs_err *err, const struct parser *p)
{
    check(err->msg[0] != '\0', p, "empty error message");
    check(strchr(err->msg, '\n') == NULL, p, "message spans lines");
}

static void parse_one(struct parser *p, const char *line, size_t n)
{
    struct logrec rec;
    enum parse_status st;
    unsigned f = parser_fields(p);

    memset(&rec, 0x5a, sizeof(rec));
    st = parse_line(p, line, n, &rec);
    check((unsigned)st < PARSE_NSTATUS && st != PARSE_TOOLONG, p,
          "status out of range");
    if (st != PARSE_OK) {
        check(parse_error_offset(p) <= n, p, "error offset past the line");
        return;
    }
    check(n > 0 && memchr(line, '\0', n) == NULL, p, "empty or NUL parsed");
    check(rec.client.n > 0 && inside(p, rec.client, line, n), p, "client");
    check(inside(p, rec.request, line, n), p, "request");
    check(inside(p, rec.method, line, n), p, "method");
    check(inside(p, rec.target, line, n), p, "target");
    check(inside(p, rec.protocol, line, n), p, "protocol");
    check(inside(p, rec.referer, line, n), p, "referer");
    check(inside(p, rec.agent, line, n), p, "agent");
    check(inside(p, rec.host, line, n), p, "host");
    check(inside(p, rec.xff, line, n), p, "xff");
    check(rec.status <= 999, p, "status > 999");
    check(rec.sec >= 0 && rec.sec <= 86400, p, "sec out of range");
    check(rec.tz_min >= -(14 * 60 + 59) && rec.tz_min <= 14 * 60 + 59, p,
          "tz_min out of range");
    check(rec.day >= days_from_civil(0, 1, 1) &&
          rec.day <= days_from_civil(9999, 12, 31), p, "day out of range");
    check(rec.has_host == ((f & PARSE_HAS_HOST) != 0), p, "has_host");
    check(rec.has_xff == ((f & PARSE_HAS_XFF) != 0), p, "has_xff");
    /* auto reads common lines too: no agent then. */
    if (strcmp(parser_name(p), "auto") != 0)
        check(rec.has_agent == ((f & PARSE_HAS_AGENT) != 0), p,
              "has_agent");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const zones[] = {NULL, "+01:00", "Europe/Stockholm"};
    static const struct log_json_map map = {
        .client = "c|r.ip|r.addr", .time = "t|ts", .status = "s",
        .method = "r.m", .uri = "r.u", .request = "req", .protocol = "r.p",
        .bytes = "b", .referer = "r.h.Referer", .agent = "r.h.User-Agent",
        .host = "r.host", .xff = "r.h.X-Forwarded-For|xff",
    };
    const char *in = (const char *)data, *end = in + size, *nl;
    struct parse_options opt = {.json = &map};
    struct parse_options caddy_opt = {0};
    struct parser *p, *caddy, *json;
    struct slice lines[PARSE_DETECT_LINES];
    struct parse_guess g;
    struct bs_err err = {0};
    size_t nlines = 0;
    char *format;

    nl = memchr(in, '\n', size);
    format = xmemdup(in, nl ? (size_t)(nl - in) : size);
    opt.timezone = zones[strlen(format) % ARRAY_SIZE(zones)];
    caddy_opt.timezone = opt.timezone;

    p = parser_compile(format, &opt, &err);
    if (!p) {
        check(err.status == BS_USAGE, NULL, "refused, not BS_USAGE");
        one_line_msg(&err, NULL);
    }
    caddy = parser_compile("caddy", &caddy_opt, &err);
    json = parser_compile("json", &opt, &err);
    check(caddy && json, NULL, "caddy or json does not compile");
    check((parser_fields(caddy) & PARSE_HAS_XFF) != 0, caddy, "fields");

    for (const char *s = nl ? nl + 1 : end; s < end;) {
        const char *e = memchr(s, '\n', (size_t)(end - s));
        size_t n = e ? (size_t)(e - s) : (size_t)(end - s);
        char *line = malloc(n ? n : 1);

        if (!line)
            abort();
        if (n)
            memcpy(line, s, n);
        if (p)
            parse_one(p, line, n);
        parse_one(caddy, line, n);
        parse_one(json, line, n);
        free(line);
        if (nlines < ARRAY_SIZE(lines))
            lines[nlines++] = slice_make(s, n);
        s = e ? e + 1 : end;
    }

    memset(&err, 0, sizeof(err));
    if (parse_detect(lines, nlines, &caddy_opt, &g, &err) == 0) {
        check(g.format != NULL && g.ok <= g.tried, NULL, "detect: format");
        check(g.ok * 2 >= g.tried, NULL, "detect: under half");
    } else {
        check(g.format == NULL && g.nearest != NULL, NULL, "detect: nearest");
        check(err.status == BS_DATAERR, NULL, "detect: status");
        check(g.sample < nlines && g.offset <= lines[g.sample].n, NULL,
              "detect: sample");
        one_line_msg(&err, NULL);
    }

    parser_free(json);
    parser_free(caddy);
    parser_free(p);
    free(format);
    return 0;
}
