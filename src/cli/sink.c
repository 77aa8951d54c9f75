/*
 * sink.c - the command line's sink (sink.h): messages and errors as
 * "blogstat: ..." lines on standard error, and progress as one line
 * rewritten in place on a terminal, cleared before any other line.
 */
#include "blogstat.h"
#include "cli.h"
#include "output.h"
#include "sink.h"

#include <stdio.h>
#include <unistd.h>

/* The progress line, when one is shown, goes before another line. */
static void clear_progress(const struct sink *s)
{
    if (s->progress)
        fputs("\r\033[K", stderr);
}

static void on_message(void *ctx, enum sink_level level, const char *msg)
{
    struct cli_sink *s = ctx;

    (void)level;
    clear_progress(&s->sink);
    cli_warn("%s", msg);
}

static void on_error(void *ctx, const struct bs_err *err)
{
    struct cli_sink *s = ctx;

    clear_progress(&s->sink);
    cli_error(err);
}

/* The progress of one input, as one line written with one call (so that
 * nothing another thread prints lands inside it). Inputs are numbered in
 * the order they end, not given: with several workers a later file can
 * end first, and the numbers on the screen still only go up. */
static void on_progress(void *ctx, const struct sink_progress *p)
{
    struct cli_sink *s = ctx;
    double rate = p->secs > 0 ? (double)p->lines / p->secs : 0;
    char line[1024], done[32], size[32], name[256], cwd[4096];
    size_t n;

    if (p->done)
        s->ended++;
    /* A failed input's error is its line. */
    if (p->unread == SINK_UNREAD_FAILED)
        return;
    out_short_path(p->name, getcwd(cwd, sizeof(cwd)), 48, name,
                   sizeof(name));
    n = (size_t)snprintf(line, sizeof(line), "\r\033[K[%d/%d] %s: ",
                         p->done ? s->ended : s->ended + 1, p->count, name);
    if (p->unread && n < sizeof(line)) {
        snprintf(line + n, sizeof(line) - n, "nothing new\n");
        fputs(line, stderr);
        return;
    }
    cli_bytes(p->bytes, done, sizeof(done));
    if (n < sizeof(line))
        n += (size_t)snprintf(line + n, sizeof(line) - n, "%s", done);
    if (p->size > 0 && n < sizeof(line)) {
        cli_bytes(p->size, size, sizeof(size));
        n += (size_t)snprintf(line + n, sizeof(line) - n, " of %s (%.0f%%)",
                              size, 100.0 * (double)p->bytes /
                                        (double)p->size);
    }
    if (n < sizeof(line))
        n += (size_t)snprintf(line + n, sizeof(line) - n, ", %llu %s",
                              (unsigned long long)p->lines,
                              plural((int64_t)p->lines, "line", "lines"));
    if (rate > 0 && n < sizeof(line))
        n += (size_t)snprintf(line + n, sizeof(line) - n,
                              rate < 1e4 ? ", %.0f lines/s"
                                         : ", %.0fk lines/s",
                              rate < 1e4 ? rate : rate / 1e3);
    if (p->size > p->bytes && p->bytes > 0 && !p->done && n < sizeof(line))
        n += (size_t)snprintf(line + n, sizeof(line) - n, ", %.0f s left",
                              p->secs * (double)(p->size - p->bytes) /
                                  (double)p->bytes);
    if (p->done && n < sizeof(line))
        snprintf(line + n, sizeof(line) - n, "\n");
    fputs(line, stderr);
    fflush(stderr);
}

void cli_sink(struct cli_sink *cs, int progress)
{
    struct sink *s = &cs->sink;

    cs->ended = 0;
    s->level = cli.quiet ? SINK_ERROR : cli.verbose ? SINK_INFO : SINK_WARN;
    s->progress = progress && !cli.quiet;
    s->ctx = cs;
    s->message = on_message;
    s->error = on_error;
    s->progress_fn = on_progress;
}
