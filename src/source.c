/*
 * source.c - exactly-once reading of logs: fingerprints, line checks,
 * resuming where a log was left, and the claims of workers on them.
 */
#include "blogstat.h"
#include "source.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A line's check reads back at most this much of a plain file. */
#define CHECK_MAX (READER_MAX_LINE + 2)

void source_fingerprint(const struct reader_line *l,
                        char out[SOURCE_HASH_LEN])
{
    const char *p = l->p ? l->p : "";
    size_t n = l->p ? l->n : 0;

    snprintf(out, SOURCE_HASH_LEN, "%016llx%016llx",
             (unsigned long long)bs_hash_seeded(p, n, 1),
             (unsigned long long)bs_hash_seeded(p, n, 2));
}

void source_line_check(const char *p, size_t n, char out[SOURCE_HASH_LEN])
{
    snprintf(out, SOURCE_HASH_LEN, "%016llx",
             (unsigned long long)bs_hash_seeded(p ? p : "", p ? n : 0, 3));
}

/* The same check over raw bytes read back from a file. */
static void raw_check(const char *p, size_t n, char out[SOURCE_HASH_LEN])
{
    if (n > 0 && p[n - 1] == '\n')
        n--;
    if (n > 0 && p[n - 1] == '\r')
        n--;
    while (n > 0 && *p == '\0') {
        p++;
        n--;
    }
    source_line_check(p, n, out);
}

void source_mark(struct store_source *src, const struct reader_line *line,
                 uint64_t start, uint64_t end)
{
    src->position = end;
    src->last_len = end - start;
    if (line->overlong)
        src->last_hash[0] = '\0';
    else
        source_line_check(line->p, line->n, src->last_hash);
}

int source_done(const struct store_source *src, const struct reader *r)
{
    return src->complete && src->gzip && reader_is_gzip(r) &&
           src->size == reader_file_size(r);
}

int source_unchanged(const struct store_source *was,
                     const struct store_source *src)
{
    return src->lines == was->lines && strcmp(src->name, was->name) == 0 &&
           src->size == was->size && src->complete == was->complete &&
           strcmp(src->error, was->error) == 0 && src->gzip == was->gzip;
}

/* A plain file: read the last line back where src says it ends. */
static int resume_seek(struct reader *r, const struct store_source *src,
                       struct bs_err *err)
{
    char check[SOURCE_HASH_LEN];
    long got;

    if (reader_file_size(r) < src->position)
        return SOURCE_RESUME_NOTHING;
    if (src->last_len > CHECK_MAX || src->last_len > src->position) {
        /* An overlong last line: its end is all there is to check. */
        char c;

        got = reader_pread(r, src->position - 1, &c, 1, err);
        if (got < 0)
            return -1;
        if (got != 1 || c != '\n')
            return SOURCE_RESUME_CONFLICT;
    } else {
        char *buf = xmalloc(src->last_len + 1);

        got = reader_pread(r, src->position - src->last_len, buf,
                           src->last_len, err);
        if (got < 0) {
            free(buf);
            return -1;
        }
        raw_check(buf, (size_t)got, check);
        free(buf);
        if ((uint64_t)got != src->last_len ||
            strcmp(check, src->last_hash) != 0)
            return SOURCE_RESUME_CONFLICT;
    }
    return reader_seek(r, src->position, src->lines, err) ? -1
                                                            : SOURCE_RESUME_AT;
}

int source_resume(struct reader *r, const struct store_source *src,
                  struct reader_line *line, struct bs_err *err)
{
    char check[SOURCE_HASH_LEN];
    uint64_t before = 0;

    if (src->position == 0)
        return SOURCE_RESUME_AT;
    if (reader_can_seek(r))
        return resume_seek(r, src, err);
    /* A stream: read up to the position, the first line already in. */
    while (reader_offset(r) < src->position) {
        int rc;

        before = reader_offset(r);
        rc = reader_next(r, line, err);
        if (rc < 0)
            return -1;
        if (rc == 0)
            return SOURCE_RESUME_NOTHING;
    }
    if (reader_offset(r) != src->position)
        return SOURCE_RESUME_CONFLICT;
    if (src->last_len <= CHECK_MAX) {
        if (reader_offset(r) - before != src->last_len && before != 0)
            return SOURCE_RESUME_CONFLICT;
        source_line_check(line->p, line->n, check);
        if (strcmp(check, src->last_hash) != 0)
            return SOURCE_RESUME_CONFLICT;
    }
    return SOURCE_RESUME_AT;
}

/* ---- claims ------------------------------------------------------------ */

struct source_claims {
    pthread_mutex_t mu;
    pthread_cond_t cv;             /* a fingerprint was released */
    char (*fp)[SOURCE_HASH_LEN];   /* under mu: the claimed ones */
    size_t n, cap;                 /* under mu */
};

struct source_claims *source_claims_new(void)
{
    struct source_claims *c = xcalloc(1, sizeof(*c));

    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    return c;
}

void source_claims_free(struct source_claims *c)
{
    if (!c)
        return;
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
    free(c->fp);
    free(c);
}

/* The index of fp among the claimed, or n; under mu. */
static size_t find_claim(const struct source_claims *c, const char *fp)
{
    size_t i;

    for (i = 0; i < c->n; i++)
        if (strncmp(c->fp[i], fp, SOURCE_HASH_LEN) == 0)
            break;
    return i;
}

void source_claim(struct source_claims *c, const char *fp)
{
    pthread_mutex_lock(&c->mu);
    while (find_claim(c, fp) < c->n)
        pthread_cond_wait(&c->cv, &c->mu);
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 16;
        c->fp = xrealloc(c->fp, c->cap * sizeof(*c->fp));
    }
    snprintf(c->fp[c->n++], SOURCE_HASH_LEN, "%s", fp);
    pthread_mutex_unlock(&c->mu);
}

int source_claimed(struct source_claims *c, const char *fp)
{
    int held;

    pthread_mutex_lock(&c->mu);
    held = find_claim(c, fp) < c->n;
    pthread_mutex_unlock(&c->mu);
    return held;
}

void source_release(struct source_claims *c, const char *fp)
{
    size_t i;

    pthread_mutex_lock(&c->mu);
    i = find_claim(c, fp);
    if (i < c->n)
        memcpy(c->fp[i], c->fp[--c->n], SOURCE_HASH_LEN);
    pthread_cond_broadcast(&c->cv);
    pthread_mutex_unlock(&c->mu);
}
