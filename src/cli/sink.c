/*
 * sink.c - the command line's sink (sink.h): messages and errors as
 * "blogstat: ..." lines on standard error, and progress as one line
 * rewritten in place on a terminal, cleared before any other line.
 */
#include "blogstat.h"
#include "cli.h"
#include "sink.h"

#include <stdio.h>

/* The progress line, when one is shown, goes before another line. */
static void clear_progress(const struct sink *s)
{
    if (s->progress)
        fputs("\r\033[K", stderr);
}

static void on_message(void *ctx, enum sink_level level, const char *msg)
{
    (void)level;
    clear_progress(ctx);
    cli_warn("%s", msg);
}

static void on_error(void *ctx, const struct bs_err *err)
{
    clear_progress(ctx);
    cli_error(err);
}

/* n bytes for a person: "812 B", "45.3 kB", "12.0 MB", "3.41 GB". */
static void human_bytes(uint64_t n, char *out, size_t cap)
{
    double v = (double)n;

    if (n < 1000)
        snprintf(out, cap, "%llu B", (unsigned long long)n);
    else if (n < 1000000)
        snprintf(out, cap, "%.1f kB", v / 1e3);
    else if (n < 1000000000)
        snprintf(out, cap, "%.1f MB", v / 1e6);
    else
        snprintf(out, cap, "%.2f GB", v / 1e9);
}

/* The line is made whole first and written with one call, so that
 * nothing another thread prints can land inside it. */
static void on_progress(void *ctx, const struct sink_progress *p)
{
    double rate = p->secs > 0 ? (double)p->lines / p->secs : 0;
    char line[1024], done[32], size[32];
    size_t n;

    (void)ctx;
    human_bytes(p->bytes, done, sizeof(done));
    n = (size_t)snprintf(line, sizeof(line), "\r\033[K[%d/%d] %s: %s",
                         p->index, p->count, p->name, done);
    if (p->size > 0 && n < sizeof(line)) {
        human_bytes(p->size, size, sizeof(size));
        n += (size_t)snprintf(line + n, sizeof(line) - n, " of %s (%.0f%%)",
                              size, 100.0 * (double)p->bytes /
                                        (double)p->size);
    }
    if (n < sizeof(line))
        n += (size_t)snprintf(line + n, sizeof(line) - n,
                              ", %llu lines, %.0fk lines/s",
                              (unsigned long long)p->lines, rate / 1000);
    if (p->size > p->bytes && p->bytes > 0 && !p->done && n < sizeof(line))
        n += (size_t)snprintf(line + n, sizeof(line) - n, ", %.0f s left",
                              p->secs * (double)(p->size - p->bytes) /
                                  (double)p->bytes);
    if (p->done && n < sizeof(line))
        snprintf(line + n, sizeof(line) - n, "\n");
    fputs(line, stderr);
    fflush(stderr);
}

void cli_sink(struct sink *s, int progress)
{
    s->level = cli.quiet ? SINK_ERROR : cli.verbose ? SINK_INFO : SINK_WARN;
    s->progress = progress && !cli.quiet;
    s->ctx = s;
    s->message = on_message;
    s->error = on_error;
    s->progress_fn = on_progress;
}
