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

static void on_progress(void *ctx, const struct sink_progress *p)
{
    double rate = p->secs > 0 ? (double)p->lines / p->secs : 0;

    (void)ctx;
    fprintf(stderr, "\r\033[K[%d/%d] %s: %.1f MB", p->index, p->count,
            p->name, (double)p->bytes / 1e6);
    if (p->size > 0)
        fprintf(stderr, " of %.1f MB (%.0f%%)", (double)p->size / 1e6,
                100.0 * (double)p->bytes / (double)p->size);
    fprintf(stderr, ", %llu lines, %.0fk lines/s",
            (unsigned long long)p->lines, rate / 1000);
    if (p->size > p->bytes && p->bytes > 0 && !p->done)
        fprintf(stderr, ", %.0f s left",
                p->secs * (double)(p->size - p->bytes) / (double)p->bytes);
    if (p->done)
        fputc('\n', stderr);
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
