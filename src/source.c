/*
 * source.c - exactly-once reading of logs: keyed fingerprints of their
 * beginnings, line checks, resuming where a log was left, and the claims
 * of workers on them.
 */
#include "blogstat.h"
#include "source.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A line's check reads back at most this much of a plain file. */
#define CHECK_MAX (READER_MAX_LINE + 2)

/* Sources first seen shorter than SOURCE_HEAD_MAX looked at, at most:
 * one a length. */
#define SHORT_LENS_MAX SOURCE_HEAD_MAX

/* What each kind of hash starts with, so that no two kinds agree. */
static const char tag_head[] = "blogstat source head";
static const char tag_line[] = "blogstat source line";
static const char tag_claim[] = "blogstat source claim";

static void hex(const unsigned char *b, size_t n, char out[SOURCE_HASH_LEN])
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = '\0';
}

/* 16 bytes of keyed BLAKE2b of tag, the site, and p[0..n), in hex. */
static void keyed(const struct source_keys *k, const char *tag,
                  const char *p, size_t n, char out[SOURCE_HASH_LEN])
{
    crypto_generichash_state st;
    unsigned char h[16];
    const char *site = k->site ? k->site : "";

    if (sodium_init() < 0)
        BUG("libsodium cannot start");
    crypto_generichash_init(&st, k->key, VISITOR_KEY_BYTES, sizeof(h));
    crypto_generichash_update(&st, (const unsigned char *)tag,
                              strlen(tag) + 1);
    crypto_generichash_update(&st, (const unsigned char *)site,
                              strlen(site) + 1);
    if (n > 0)
        crypto_generichash_update(&st, (const unsigned char *)p, n);
    crypto_generichash_final(&st, h, sizeof(h));
    hex(h, sizeof(h), out);
}

void source_fingerprint(const struct source_keys *k, const char *p,
                        size_t n, char out[SOURCE_HASH_LEN])
{
    keyed(k, tag_head, p, n, out);
}

/* An earlier blogstat's fingerprint: two seeded hashes of the first
 * line, unkeyed. */
static void legacy_fingerprint(const char *p, size_t n,
                               char out[SOURCE_HASH_LEN])
{
    snprintf(out, SOURCE_HASH_LEN, "%016llx%016llx",
             (unsigned long long)bs_hash_seeded(p, n, 1),
             (unsigned long long)bs_hash_seeded(p, n, 2));
}

/* An earlier blogstat's line check: 16 hex digits, unkeyed. */
#define LEGACY_CHECK_LEN 16

static void legacy_check(const char *p, size_t n, char out[SOURCE_HASH_LEN])
{
    snprintf(out, SOURCE_HASH_LEN, "%016llx",
             (unsigned long long)bs_hash_seeded(p, n, 3));
}

void source_head(const struct source_keys *k, const struct reader *r,
                 const struct reader_line *first, struct source_head *h)
{
    const char *line = first->p ? first->p : "";
    size_t line_n = first->p ? first->n : 0;
    const char *p;
    size_t n = reader_peek(r, &p);

    if (n > SOURCE_HEAD_MAX)
        n = SOURCE_HEAD_MAX;
    if (n > 0)
        memcpy(h->bytes, p, n);
    h->n = (int)n;
    source_fingerprint(k, h->bytes, n, h->fingerprint);
    keyed(k, tag_claim, line, line_n, h->claim);
    legacy_fingerprint(line, line_n, h->legacy);
}

int source_head_of(const struct source_keys *k, const char *path,
                   struct source_head *h)
{
    struct bs_err err = {0};
    struct reader *r = reader_open(path, READER_HOLD_PARTIAL, &err);
    struct reader_line line;
    int rc;

    if (!r)
        return -1;
    rc = reader_next(r, &line, &err);
    if (rc > 0)
        source_head(k, r, &line, h);
    reader_close(r);
    return rc > 0 ? 0 : -1;
}

int source_head_matches(const struct source_keys *k,
                        const struct source_head *h,
                        const struct store_source *src)
{
    char fp[SOURCE_HASH_LEN];

    if (src->head_len < 0)
        return strcmp(h->legacy, src->fingerprint) == 0;
    if (src->head_len > h->n)
        return 0;
    source_fingerprint(k, h->bytes, (size_t)src->head_len, fp);
    return strcmp(fp, src->fingerprint) == 0;
}

/* src, found, becomes the source of h. */
static void take(const struct source_head *h, struct store_source *src)
{
    src->rekey = src->head_len != h->n ||
                 strcmp(src->fingerprint, h->fingerprint) != 0;
    snprintf(src->fingerprint, sizeof(src->fingerprint), "%s",
             h->fingerprint);
    src->head_len = h->n;
}

/* The source of h's log first seen shorter, now grown: as
 * store_find_source(). */
static int find_grown(struct store *s, const struct source_keys *k,
                      const struct source_head *h, struct store_source *src,
                      struct bs_err *err)
{
    int *lens = xmalloc(SHORT_LENS_MAX * sizeof(*lens));
    int nlens = store_source_head_lens(s, h->n, lens, SHORT_LENS_MAX, err);
    int found = nlens < 0 ? -1 : 0;

    for (int i = 0; i < nlens && found == 0; i++) {
        char fp[SOURCE_HASH_LEN];

        if (lens[i] < 0)
            continue;
        source_fingerprint(k, h->bytes, (size_t)lens[i], fp);
        found = store_find_source(s, fp, src, err);
        if (found > 0 && src->head_len != lens[i])
            found = 0;
    }
    free(lens);
    return found;
}

int source_find(struct store *s, const struct source_keys *k,
                const struct source_head *h, struct store_source *src,
                struct bs_err *err)
{
    int found = store_find_source(s, h->fingerprint, src, err);

    if (found == 0)
        found = find_grown(s, k, h, src, err);
    if (found == 0) {
        /* An earlier blogstat's: once, then written back keyed. */
        found = store_find_source(s, h->legacy, src, err);
        if (found > 0 && src->head_len >= 0)
            found = 0;
    }
    if (found < 0)
        return -1;
    if (found == 0) {
        memset(src, 0, sizeof(*src));
        src->head_len = -1;
    }
    take(h, src);
    if (found == 0)
        src->rekey = 0;
    return found;
}

void source_line_check(const struct source_keys *k, const char *p, size_t n,
                       char out[SOURCE_HASH_LEN])
{
    keyed(k, tag_line, p ? p : "", p ? n : 0, out);
}

/* 1 when the line p[0..n) is the one of check want, keyed or an earlier
 * blogstat's. */
static int check_is(const struct source_keys *k, const char *p, size_t n,
                    const char *want)
{
    char got[SOURCE_HASH_LEN];

    if (strlen(want) == LEGACY_CHECK_LEN)
        legacy_check(p ? p : "", p ? n : 0, got);
    else
        source_line_check(k, p, n, got);
    return strcmp(got, want) == 0;
}

/* The line of raw bytes read back from a file, as the reader returns
 * it. */
static void raw_line(const char **p, size_t *n)
{
    if (*n > 0 && (*p)[*n - 1] == '\n')
        (*n)--;
    if (*n > 0 && (*p)[*n - 1] == '\r')
        (*n)--;
    while (*n > 0 && **p == '\0') {
        (*p)++;
        (*n)--;
    }
}

void source_mark(const struct source_keys *k, struct store_source *src,
                 const struct reader_line *line, uint64_t start,
                 uint64_t end)
{
    src->position = end;
    src->last_len = end - start;
    if (line->overlong)
        src->last_hash[0] = '\0';
    else
        source_line_check(k, line->p, line->n, src->last_hash);
}

int source_done(const struct store_source *src, const struct reader *r)
{
    return !src->rekey && src->complete && src->gzip && reader_is_gzip(r) &&
           src->size == reader_file_size(r);
}

int source_unchanged(const struct store_source *was,
                     const struct store_source *src)
{
    return !src->rekey && src->lines == was->lines &&
           strcmp(src->name, was->name) == 0 &&
           src->size == was->size && src->complete == was->complete &&
           strcmp(src->error, was->error) == 0 && src->gzip == was->gzip;
}

/* A plain file: read the last line back where src says it ends. */
static int resume_seek(const struct source_keys *k, struct reader *r,
                       const struct store_source *src, struct bs_err *err)
{
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
        const char *p = buf;
        size_t n;
        int same;

        got = reader_pread(r, src->position - src->last_len, buf,
                           src->last_len, err);
        if (got < 0) {
            free(buf);
            return -1;
        }
        n = (size_t)got;
        raw_line(&p, &n);
        same = (uint64_t)got == src->last_len &&
               check_is(k, p, n, src->last_hash);
        free(buf);
        if (!same)
            return SOURCE_RESUME_CONFLICT;
    }
    return reader_seek(r, src->position, src->lines, err) ? -1
                                                            : SOURCE_RESUME_AT;
}

int source_resume(const struct source_keys *k, struct reader *r,
                  const struct store_source *src, struct reader_line *line,
                  struct bs_err *err)
{
    uint64_t before = 0;

    if (src->position == 0)
        return SOURCE_RESUME_AT;
    if (reader_can_seek(r))
        return resume_seek(k, r, src, err);
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
        if (!check_is(k, line->p, line->n, src->last_hash))
            return SOURCE_RESUME_CONFLICT;
    }
    return SOURCE_RESUME_AT;
}

int source_holds(const struct source_keys *k, const char *path,
                 const struct store_source *src)
{
    struct bs_err err = {0};
    struct reader *r = reader_open(path, READER_HOLD_PARTIAL, &err);
    struct reader_line line;
    int rc = 0;

    if (!r)
        return 0;
    if (reader_next(r, &line, &err) > 0)
        rc = source_resume(k, r, src, &line, &err) == SOURCE_RESUME_AT;
    reader_close(r);
    return rc;
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
