/*
 * import_jsonfeed.c - post metadata from a JSON Feed (jsonfeed.org,
 * versions 1 and 1.1).
 *
 * The feed is tokenized whole by jsmn in strict mode, into one array of
 * tokens counted by a first pass, so no bound but the file's size
 * (IMPORT_JSONFEED_MAX) applies. Only the top level's "version" and
 * "items" and each item's url, id, title, dates and tags are looked at;
 * every other member is skipped as a subtree.
 */
#include "blogstat.h"
#include "import_int.h"
#include "json_str.h"

#include <stdlib.h>
#include <string.h>

#define JSMN_STATIC
#define JSMN_STRICT
#define JSMN_PARENT_LINKS
#include <jsmn.h>

#define VERSION_PREFIX "https://jsonfeed.org/version/1"

struct feed {
    const char *name;
    const char *text;
    jsmntok_t *tok;
    int ntok;
};

/* The index of the token after i's subtree: tokens are in document
 * order, and the subtree is those that start before i ends. */
static int next_of(const struct feed *f, int i)
{
    int end = f->tok[i].end;

    for (i++; i < f->ntok && f->tok[i].start < end; i++)
        ;
    return i;
}

/*
 * The string token t decoded (escapes resolved) into a malloc'ed,
 * NUL-terminated buffer the caller frees; decoding never lengthens.
 * Strict jsmn has checked the escapes; should one still be refused, the
 * token's text is kept as written.
 */
static char *string_of(const struct feed *f, const jsmntok_t *t, size_t *len)
{
    const char *s = f->text + t->start;
    size_t n = (size_t)(t->end - t->start);
    char *out = xmalloc(n + 1);
    size_t o = json_unescape(s, n, out, n);

    if (o == SIZE_MAX) {
        memcpy(out, s, n);
        o = n;
    }
    out[o] = '\0';
    *len = o;
    return out;
}

/* 1 when token k is the string key. */
static int key_is(const struct feed *f, int k, const char *key)
{
    const jsmntok_t *t = &f->tok[k];
    size_t n = strlen(key);

    return t->type == JSMN_STRING && (size_t)(t->end - t->start) == n &&
           memcmp(f->text + t->start, key, n) == 0;
}

/* The value token of member key of object obj, or -1. */
static int member(const struct feed *f, int obj, const char *key)
{
    int k = obj + 1;

    for (int m = 0; m < f->tok[obj].size && k + 1 < f->ntok; m++) {
        if (key_is(f, k, key))
            return k + 1;
        k = next_of(f, k + 1);
    }
    return -1;
}

/* The text of string member key into dst (cap bytes), "" when none. */
static void text_of(const struct feed *f, int obj, const char *key,
                    char *dst, size_t cap)
{
    int v = member(f, obj, key);
    size_t n;
    char *s;

    dst[0] = '\0';
    if (v < 0 || f->tok[v].type != JSMN_STRING)
        return;
    s = string_of(f, &f->tok[v], &n);
    import_set_text(dst, cap, s, n);
    free(s);
}

struct jitem {
    char link[IMPORT_MAX_TEXT];
    char title[IMPORT_MAX_TEXT];
    char date[64];
    char *tags[IMPORT_MAX_TERMS];
    char *titles[IMPORT_MAX_TERMS];  /* the tags as written */
    size_t ntags;
};

static void add_tag(struct jitem *it, const char *name)
{
    char slug[IMPORT_MAX_TEXT];

    import_slugify(name, slug, sizeof(slug));
    if (!*slug || it->ntags == IMPORT_MAX_TERMS)
        return;
    for (size_t i = 0; i < it->ntags; i++)
        if (strcmp(it->tags[i], slug) == 0)
            return;
    it->titles[it->ntags] = xstrdup(name);
    it->tags[it->ntags++] = xstrdup(slug);
}

static int item(const struct feed *f, int obj, struct jitem *it,
                import_fn fn, void *ctx, struct import_stats *st,
                struct bs_err *err)
{
    struct import_post p;
    int tags = member(f, obj, "tags");
    char *link;

    text_of(f, obj, "url", it->link, sizeof(it->link));
    /* The id is the post's URL in many feeds; use it when it is one. */
    if (!it->link[0]) {
        text_of(f, obj, "id", it->link, sizeof(it->link));
        if (strncmp(it->link, "http://", 7) != 0 &&
            strncmp(it->link, "https://", 8) != 0 && it->link[0] != '/')
            it->link[0] = '\0';
    }
    link = import_trim(it->link);
    if (!*link) {
        st->skipped++;
        return 0;
    }
    text_of(f, obj, "title", it->title, sizeof(it->title));
    text_of(f, obj, "date_published", it->date, sizeof(it->date));
    if (!it->date[0])
        text_of(f, obj, "date_modified", it->date, sizeof(it->date));
    if (tags >= 0 && f->tok[tags].type == JSMN_ARRAY) {
        int k = tags + 1;

        for (int m = 0; m < f->tok[tags].size && k < f->ntok; m++) {
            if (f->tok[k].type == JSMN_STRING) {
                char name[IMPORT_MAX_TEXT], *s;
                size_t n;

                s = string_of(f, &f->tok[k], &n);
                import_set_text(name, sizeof(name), s, n);
                free(s);
                add_tag(it, name);
            }
            k = next_of(f, k);
        }
    }
    memset(&p, 0, sizeof(p));
    p.link = link;
    p.title = it->title;
    p.published = import_parse_date(it->date);
    p.tags = (const char *const *)it->tags;
    p.ntags = it->ntags;
    p.tag_titles = (const char *const *)it->titles;
    p.has_tags = 1;
    st->posts++;
    return fn(ctx, &p, err);
}

/* The 1-based line of byte offset pos. */
static unsigned long line_of(const char *text, size_t n, size_t pos)
{
    unsigned long line = 1;

    for (size_t i = 0; i < pos && i < n; i++)
        line += text[i] == '\n';
    return line;
}

static int walk(struct feed *f, import_fn fn, void *ctx,
                struct import_stats *st, struct bs_err *err)
{
    char version[128];
    int items, k, rc = 0;
    struct jitem *it;

    if (f->tok[0].type != JSMN_OBJECT)
        return bs_fail(err, BS_DATAERR, "%s:1: not a JSON Feed: the top "
                       "level is no object; nothing was imported from it",
                       f->name);
    text_of(f, 0, "version", version, sizeof(version));
    if (strncmp(version, VERSION_PREFIX, strlen(VERSION_PREFIX)) != 0)
        return bs_fail(err, BS_DATAERR, "%s:1: not a JSON Feed: no "
                       "\"version\": \"" VERSION_PREFIX "...\"; nothing "
                       "was imported from it", f->name);
    items = member(f, 0, "items");
    if (items < 0)
        return 0;
    if (f->tok[items].type != JSMN_ARRAY)
        return bs_fail(err, BS_DATAERR, "%s:%lu: \"items\" is no array; "
                       "nothing was imported from it", f->name,
                       line_of(f->text, (size_t)f->tok[items].start,
                               (size_t)f->tok[items].start));
    it = xcalloc(1, sizeof(*it));
    k = items + 1;
    for (int m = 0; m < f->tok[items].size && k < f->ntok && !rc; m++) {
        if (f->tok[k].type == JSMN_OBJECT)
            rc = item(f, k, it, fn, ctx, st, err);
        else
            st->skipped++;
        for (size_t i = 0; i < it->ntags; i++) {
            free(it->tags[i]);
            free(it->titles[i]);
        }
        memset(it, 0, sizeof(*it));
        k = next_of(f, k);
    }
    free(it);
    return rc;
}

int import_jsonfeed(const char *name, const char *text, size_t n,
                    import_fn fn, void *ctx, struct import_stats *stats,
                    struct bs_err *err)
{
    struct feed f = {.name = name, .text = text};
    jsmn_parser p;
    int count, rc;

    memset(stats, 0, sizeof(*stats));
    stats->format = IMPORT_JSONFEED;
    if (n > IMPORT_JSONFEED_MAX)
        return bs_fail(err, BS_DATAERR, "%s: a JSON Feed larger than %u "
                       "MiB; nothing was imported from it", name,
                       IMPORT_JSONFEED_MAX >> 20);
    jsmn_init(&p);
    count = jsmn_parse(&p, text, n, NULL, 0);
    if (count > 0) {
        f.tok = xmalloc((size_t)count * sizeof(*f.tok));
        jsmn_init(&p);
        /* The counting pass checks less than this one (strict mode needs
         * the tokens): this one has the last word. */
        f.ntok = jsmn_parse(&p, text, n, f.tok, (unsigned)count);
    }
    if (count <= 0 || f.ntok <= 0) {
        int e = count <= 0 ? count : f.ntok;

        free(f.tok);
        return bs_fail(err, BS_DATAERR, "%s:%lu: malformed JSON%s; nothing "
                       "was imported from it", name,
                       line_of(text, n, p.pos),
                       e == JSMN_ERROR_PART ? ": it ends early" : "");
    }
    rc = walk(&f, fn, ctx, stats, err);
    free(f.tok);
    return rc;
}
