/*
 * fuzz_parse_line.c - one input is one log line (no newline), parsed with
 * each format. A line that parses must have every slice inside the input
 * and its numbers in range; parse_line must never read outside the input
 * (the input buffer is exactly its size, so ASan sees any overread).
 */
#include "blogstat.h"
#include "parser.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what, enum log_format fmt)
{
    if (!ok) {
        fprintf(stderr, "fuzz_parse_line: format %d: %s\n", (int)fmt, what);
        abort();
    }
}

static int inside(struct slice s, const char *line, size_t n)
{
    if (s.n == 0 && s.p == NULL)
        return 1;
    return s.p >= line && s.p <= line + n && s.n <= (size_t)(line + n - s.p);
}

/* A slice of the request field must lie inside the request. */
static int within(struct slice part, struct slice whole)
{
    return part.p >= whole.p && part.p <= whole.p + whole.n &&
           part.n <= (size_t)(whole.p + whole.n - part.p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum log_format formats[] = {LOG_AUTO, LOG_COMMON,
                                              LOG_COMBINED};
    /* A copy of exactly size bytes: nothing after it to read by mistake. */
    char *line = malloc(size ? size : 1);

    if (!line)
        return 0;
    if (size)
        memcpy(line, data, size);
    for (size_t f = 0; f < sizeof(formats) / sizeof(formats[0]); f++) {
        enum log_format fmt = formats[f];
        struct parser *p = parser_new(fmt);
        struct logrec rec;
        enum parse_status st;

        memset(&rec, 0, sizeof(rec));
        st = parse_line(p, line, size, &rec);
        check((unsigned)st < PARSE_NSTATUS && st != PARSE_TOOLONG,
              "status out of range", fmt);
        check(parse_strerror(st)[0] != '\0', "empty parse_strerror", fmt);
        if (st != PARSE_OK)
            check(parse_error_offset(p) <= size, "error offset past the line",
                  fmt);
        if (st == PARSE_OK) {
            check(size > 0, "empty line parsed", fmt);
            check(memchr(line, '\0', size) == NULL, "NUL byte parsed", fmt);
            check(inside(rec.client, line, size) && rec.client.n > 0,
                  "client", fmt);
            check(inside(rec.request, line, size), "request", fmt);
            check(inside(rec.method, line, size), "method", fmt);
            check(inside(rec.target, line, size), "target", fmt);
            check(inside(rec.protocol, line, size), "protocol", fmt);
            check(inside(rec.referer, line, size), "referer", fmt);
            check(inside(rec.agent, line, size), "agent", fmt);
            check(within(rec.method, rec.request), "method in request", fmt);
            check(within(rec.target, rec.request), "target in request", fmt);
            check(within(rec.protocol, rec.request), "protocol in request",
                  fmt);
            if (rec.method.n > 0)
                check(rec.target.n > 0, "method without target", fmt);
            check(rec.status <= 999, "status > 999", fmt);
            check(rec.sec >= 0 && rec.sec <= 86400, "sec out of range", fmt);
            check(rec.tz_min >= -(14 * 60 + 59) && rec.tz_min <= 14 * 60 + 59,
                  "tz_min out of range", fmt);
            check(rec.has_agent == 0 || rec.has_agent == 1, "has_agent",
                  fmt);
            /* The fast path has no virtual host and no X-Forwarded-For. */
            check(rec.has_host == 0 && rec.has_xff == 0 && rec.host.n == 0 &&
                  rec.xff.n == 0, "host or xff on the fast path", fmt);
            if (fmt == LOG_COMMON)
                check(rec.has_agent == 0, "agent in common format", fmt);
            if (fmt == LOG_COMBINED)
                check(rec.has_agent == 1, "no agent in combined format",
                      fmt);
            {
                char day[11];
                int32_t back;

                /* The day is a real date of years 0000..9999. */
                check(rec.day >= days_from_civil(0, 1, 1) &&
                      rec.day <= days_from_civil(9999, 12, 31),
                      "day out of range", fmt);
                day_format(rec.day, day);
                if (rec.day >= days_from_civil(1, 1, 1))
                    check(day_parse(day, &back) == 0 && back == rec.day,
                          "day does not round-trip", fmt);
            }
        }
        parser_free(p);
    }
    free(line);
    return 0;
}
