/*
 * fuzz_classify.c - classify_url() with the WordPress default rules on any
 * target, and url_decode_path() into a buffer of exactly cap bytes.
 *
 * Invariants: the kind is a known kind; the key is at most URL_KEY_MAX + 1
 * bytes, NUL-terminated at key_len, valid UTF-8 holding no control
 * character (C0, DEL or C1: doc/counting.md keeps those percent-encoded);
 * kinds that are never views have an empty key. url_decode_path never
 * writes past cap and its output is valid UTF-8 too.
 */
#include "blogstat.h"
#include "classify.h"
#include "fuzzutil.h"

/* -DFUZZ_ALLOW_C1 looks past C1 controls (U+0080-U+009F). */
#ifdef FUZZ_ALLOW_C1
#define FUZZ_C1 1
#else
#define FUZZ_C1 0
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const uint8_t *data, size_t size)
{
    fprintf(stderr, "fuzz_classify: %s (input of %zu bytes)\n", what, size);
    (void)data;
    abort();
}

static struct url_rules *rules;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct url_class *cls = malloc(sizeof(*cls));
    char *target = malloc(size ? size : 1);
    enum url_kind kind;

    if (!cls || !target)
        abort();
    if (!rules)
        rules = url_rules_new();   /* kept for the process's life */
    if (size)
        memcpy(target, data, size);

    memset(cls, 0xa5, sizeof(*cls));
    kind = classify_url(rules, target, size, cls);
    if ((unsigned)kind >= URL_NKINDS)
        fail("kind out of range", data, size);
    if (cls->kind != kind)
        fail("cls.kind differs from the returned kind", data, size);
    if (cls->key_len > URL_KEY_MAX + 1)
        fail("key_len > URL_KEY_MAX + 1", data, size);
    if (cls->key[cls->key_len] != '\0')
        fail("key not NUL-terminated at key_len", data, size);
    if (memchr(cls->key, '\0', cls->key_len))
        fail("NUL byte inside the key", data, size);
    if (!fuzz_clean_utf8((const unsigned char *)cls->key, cls->key_len, 0, FUZZ_C1))
        fail("key is not valid UTF-8 free of control characters", data,
             size);
    /* A feed keeps its path (its fetches are counted by it); the other
     * kinds that are never views have no key. */
    if (!url_kind_is_content(kind) && kind != URL_FEED && cls->key_len != 0)
        fail("a kind that is never a view has a key", data, size);
    if (kind == URL_FEED && (cls->key_len == 0 || cls->key[0] != '/'))
        fail("a feed's key is not its path", data, size);
    if (url_kind_is_content(kind) && cls->key_len == 0)
        fail("a content kind without a key", data, size);
    if (url_kind_name(kind) == NULL || url_kind_name(kind)[0] == '\0')
        fail("kind without a name", data, size);
    /* The same target, the same answer. */
    {
        struct url_class *again = malloc(sizeof(*again));

        if (!again)
            abort();
        if (classify_url(rules, target, size, again) != kind ||
            again->key_len != cls->key_len ||
            memcmp(again->key, cls->key, cls->key_len) != 0)
            fail("classify_url is not deterministic", data, size);
        free(again);
    }

    /* url_decode_path: the first byte chooses cap (0..63). */
    if (size > 0) {
        size_t cap = data[0] % 64, n = size - 1, got;
        char *out = malloc(cap ? cap : 1);
        char *big = malloc(3 * n + 1);

        if (!out || !big)
            abort();
        got = url_decode_path(target + 1, n, out, cap);
        if (got != SIZE_MAX && got > cap)
            fail("url_decode_path length beyond cap", data, size);
        /* With room enough it always fits: each byte becomes at most 3. */
        {
            size_t full = url_decode_path(target + 1, n, big, 3 * n + 1);

            if (full == SIZE_MAX || full > 3 * n)
                fail("url_decode_path does not fit in 3n bytes", data, size);
            if (!fuzz_clean_utf8((const unsigned char *)big, full, 0, FUZZ_C1))
                fail("url_decode_path output not clean UTF-8", data, size);
            if ((got == SIZE_MAX) != (full > cap))
                fail("url_decode_path: SIZE_MAX iff it does not fit", data,
                     size);
            if (got != SIZE_MAX &&
                (got != full || memcmp(out, big, got) != 0))
                fail("url_decode_path differs with a smaller cap", data,
                     size);
        }
        free(out);
        free(big);
    }
    free(target);
    free(cls);
    return 0;
}
