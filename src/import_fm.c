/*
 * import_fm.c - the front matter of a Markdown file: YAML between "---"
 * lines (libyaml), TOML between "+++" lines (toml++ through
 * import_toml.h).
 *
 * Both parsers report the same fields to one handler (fm_field): the
 * top-level keys with a scalar or a list of scalars. YAML is read as
 * events, not as a document, so that nested values are skipped by
 * counting their depth and an alias is never expanded. Keys are matched
 * without regard to case (Hugo's rule; Jekyll's keys are lower case).
 */
#include "blogstat.h"
#include "import_int.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define KEY_MAX 64

enum { T_TAGS, T_CATS, T_ALIASES, T_N };

struct import_fm {
    char title[IMPORT_MAX_TEXT];
    char slug[IMPORT_MAX_TEXT];
    char url[IMPORT_MAX_TEXT];
    char permalink[IMPORT_MAX_TEXT];
    char date[64];
    char date2[64];              /* publishDate and the like: date wins */
    int draft;
    char *list[T_N][IMPORT_MAX_TERMS];
    size_t nlist[T_N];
    int cur;                     /* the list FM_ITEMs go to, or -1 */
};

struct import_fm *import_fm_new(void)
{
    return xcalloc(1, sizeof(struct import_fm));
}

static void list_clear(struct import_fm *fm, int which)
{
    for (size_t i = 0; i < fm->nlist[which]; i++)
        free(fm->list[which][i]);
    fm->nlist[which] = 0;
}

static void fm_clear(struct import_fm *fm)
{
    for (int k = 0; k < T_N; k++)
        list_clear(fm, k);
    fm->title[0] = fm->slug[0] = fm->url[0] = fm->permalink[0] = '\0';
    fm->date[0] = fm->date2[0] = '\0';
    fm->draft = 0;
    fm->cur = -1;
}

void import_fm_free(struct import_fm *fm)
{
    if (!fm)
        return;
    fm_clear(fm);
    free(fm);
}

static void list_add(struct import_fm *fm, int which, const char *v,
                     size_t n)
{
    char text[IMPORT_MAX_TEXT];

    import_set_text(text, sizeof(text), v, n);
    if (!text[0] || fm->nlist[which] == IMPORT_MAX_TERMS)
        return;
    fm->list[which][fm->nlist[which]++] = xstrdup(text);
}

/* A scalar where a list is expected: its words, as Hugo and Jekyll read
 * `tags: a b`. */
static void list_words(struct import_fm *fm, int which, const char *v,
                       size_t n)
{
    size_t i = 0;

    while (i < n) {
        size_t j;

        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == '\n' ||
                         v[i] == '\r'))
            i++;
        for (j = i; j < n && v[j] != ' ' && v[j] != '\t' && v[j] != '\n' &&
                    v[j] != '\r'; j++)
            ;
        if (j > i)
            list_add(fm, which, v + i, j - i);
        i = j;
    }
}

static int is_true(const char *v)
{
    return import_key_is(v, "true") || import_key_is(v, "yes") ||
           import_key_is(v, "on");
}

static int is_false(const char *v)
{
    return import_key_is(v, "false") || import_key_is(v, "no") ||
           import_key_is(v, "off");
}

/* One field of either parser. */
static void fm_field(void *data, const char *key, enum fm_value kind,
                     const char *v, size_t n)
{
    static const char *const list_keys[T_N] = {"tags", "categories",
                                                "aliases"};
    struct import_fm *fm = data;
    char *dst = NULL;
    size_t cap = 0;

    for (int k = 0; k < T_N; k++) {
        if (!import_key_is(key, list_keys[k]))
            continue;
        if (kind == FM_ITEM) {
            if (fm->cur == k)
                list_add(fm, k, v, n);
            return;
        }
        /* A key given twice: the last one counts. */
        list_clear(fm, k);
        fm->cur = kind == FM_LIST ? k : -1;
        if (kind == FM_SCALAR && k == T_ALIASES)
            list_add(fm, k, v, n);
        else if (kind == FM_SCALAR)
            list_words(fm, k, v, n);
        return;
    }
    if (kind == FM_LIST)
        fm->cur = -1;
    if (kind != FM_SCALAR)
        return;
    if (import_key_is(key, "category")) {
        list_add(fm, T_CATS, v, n);
    } else if (import_key_is(key, "draft")) {
        fm->draft = is_true(v);
    } else if (import_key_is(key, "published")) {
        /* Jekyll's flag, or a date (one of Hugo's names for it). */
        if (is_false(v))
            fm->draft = 1;
        else if (!is_true(v))
            dst = fm->date2, cap = sizeof(fm->date2);
    } else if (import_key_is(key, "title")) {
        dst = fm->title, cap = sizeof(fm->title);
    } else if (import_key_is(key, "slug")) {
        dst = fm->slug, cap = sizeof(fm->slug);
    } else if (import_key_is(key, "url")) {
        dst = fm->url, cap = sizeof(fm->url);
    } else if (import_key_is(key, "permalink")) {
        dst = fm->permalink, cap = sizeof(fm->permalink);
    } else if (import_key_is(key, "date")) {
        dst = fm->date, cap = sizeof(fm->date);
    } else if (import_key_is(key, "publishdate") ||
               import_key_is(key, "pubdate")) {
        dst = fm->date2, cap = sizeof(fm->date2);
    }
    if (dst)
        import_set_text(dst, cap, v, n);
}

/* ---- YAML ------------------------------------------------------------- */

/* A plain ~, null or empty scalar is no value. */
static int yaml_null(const yaml_event_t *e)
{
    const char *v = (const char *)e->data.scalar.value;

    return e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
           (e->data.scalar.length == 0 || strcmp(v, "~") == 0 ||
            import_key_is(v, "null"));
}

struct ywalk {
    int depth;           /* of collections open; the top mapping is 1 */
    int skip;            /* > 0: inside a value that is skipped */
    int in_list;         /* the value of key is a sequence at depth 2 */
    int want_key;        /* at depth 1: the next scalar is a key */
    char key[KEY_MAX];
};

/*
 * One event of the document. Returns 1 when the top mapping has ended,
 * 0 to go on, -1 when the front matter is no mapping.
 */
static int yaml_event(struct ywalk *w, const yaml_event_t *e,
                      struct import_fm *fm)
{
    int start = e->type == YAML_MAPPING_START_EVENT ||
                e->type == YAML_SEQUENCE_START_EVENT;
    int end = e->type == YAML_MAPPING_END_EVENT ||
              e->type == YAML_SEQUENCE_END_EVENT;

    if (w->skip) {
        w->skip += start - end;
        if (!w->skip && w->depth == 1)
            w->want_key = 1;
        return 0;
    }
    if (w->depth == 0) {
        if (e->type == YAML_MAPPING_START_EVENT) {
            w->depth = 1;
            w->want_key = 1;
            return 0;
        }
        return e->type == YAML_SCALAR_EVENT || start ? -1 : 0;
    }
    if (w->depth == 1 && w->want_key) {
        if (e->type == YAML_MAPPING_END_EVENT)
            return 1;
        w->want_key = 0;
        if (e->type == YAML_SCALAR_EVENT) {
            import_set_text(w->key, sizeof(w->key),
                            (const char *)e->data.scalar.value,
                            e->data.scalar.length);
        } else {
            /* A key that is a collection: skip it, then its value. */
            w->key[0] = '\0';
            w->skip = start;
        }
        return 0;
    }
    if (w->depth == 1) {
        w->want_key = 1;
        if (e->type == YAML_SCALAR_EVENT && !yaml_null(e)) {
            fm_field(fm, w->key, FM_SCALAR,
                     (const char *)e->data.scalar.value,
                     e->data.scalar.length);
        } else if (e->type == YAML_SEQUENCE_START_EVENT) {
            fm_field(fm, w->key, FM_LIST, NULL, 0);
            w->depth = 2;
            w->want_key = 0;
        } else if (start) {
            w->skip = 1;
            w->want_key = 0;
        }
        return 0;
    }
    /* depth 2: the items of a list. */
    if (e->type == YAML_SEQUENCE_END_EVENT) {
        w->depth = 1;
        w->want_key = 1;
    } else if (e->type == YAML_SCALAR_EVENT && !yaml_null(e)) {
        fm_field(fm, w->key, FM_ITEM, (const char *)e->data.scalar.value,
                 e->data.scalar.length);
    } else if (start) {
        w->skip = 1;
    }
    return 0;
}

/* text[0..n) as YAML; line0 is the file's line of its first byte. */
static int parse_yaml(struct import_fm *fm, const char *name,
                      const char *text, size_t n, unsigned long line0,
                      struct bs_err *err)
{
    yaml_parser_t p;
    struct ywalk w = {0};
    int rc = 0;

    if (!yaml_parser_initialize(&p))
        BUG("yaml_parser_initialize failed");
    yaml_parser_set_input_string(&p, (const unsigned char *)text, n);
    for (;;) {
        yaml_event_t e;
        int r;

        if (!yaml_parser_parse(&p, &e)) {
            /* libyaml finds an unclosed "[" where it expected the "]":
             * the context says where it opened. */
            if (p.context)
                rc = bs_fail(err, BS_DATAERR, "%s:%lu: malformed YAML front "
                             "matter: %s (%s on line %lu)", name,
                             line0 + (unsigned long)p.problem_mark.line,
                             p.problem ? p.problem : "error", p.context,
                             line0 + (unsigned long)p.context_mark.line);
            else
                rc = bs_fail(err, BS_DATAERR, "%s:%lu: malformed YAML front "
                             "matter: %s", name,
                             line0 + (unsigned long)p.problem_mark.line,
                             p.problem ? p.problem : "error");
            break;
        }
        r = e.type == YAML_STREAM_END_EVENT ? 1 : yaml_event(&w, &e, fm);
        if (r < 0)
            rc = bs_fail(err, BS_DATAERR, "%s:%lu: the front matter is no "
                         "mapping of keys to values", name,
                         line0 + (unsigned long)e.start_mark.line);
        yaml_event_delete(&e);
        if (r)
            break;
    }
    yaml_parser_delete(&p);
    return rc;
}

/* ---- fences ----------------------------------------------------------- */

/* 1 when the line at s[0..n) is exactly fence, but for blanks after it. */
static int is_fence(const char *s, size_t n, const char *fence)
{
    size_t f = strlen(fence);

    if (n < f || memcmp(s, fence, f) != 0)
        return 0;
    for (size_t i = f; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

/*
 * The closing fence (or, for YAML, "...") of the front matter whose body
 * starts at body, the line after the opening one; NULL when there is
 * none before end.
 */
static const char *find_close(const char *body, const char *end, int yaml)
{
    const char *s = body;

    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);

        if (is_fence(s, len, yaml ? "---" : "+++") ||
            (yaml && is_fence(s, len, "...")))
            return s;
        if (!nl)
            break;
        s = nl + 1;
    }
    return NULL;
}

int import_fm_parse(struct import_fm *fm, const char *name, const char *text,
                    size_t n, struct import_page *page, struct bs_err *err)
{
    const char *s = text, *end = text + n, *nl, *close;
    size_t len;
    int yaml, rc;

    fm_clear(fm);
    memset(page, 0, sizeof(*page));
    page->title = page->slug = page->url = page->date = "";
    page->published = IMPORT_NO_DAY;
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3;
    nl = memchr(s, '\n', (size_t)(end - s));
    len = nl ? (size_t)(nl - s) : (size_t)(end - s);
    if (!nl || (!is_fence(s, len, "---") && !is_fence(s, len, "+++")))
        return 0;
    yaml = s[0] == '-';
    close = find_close(nl + 1, end, yaml);
    if (!close)
        return bs_fail(err, BS_DATAERR, "%s:1: the front matter opened here "
                       "is not closed by a '%s' line%s", name,
                       yaml ? "---" : "+++",
                       n >= IMPORT_FM_MAX ? " within 256 KiB" : "");
    if (yaml) {
        rc = parse_yaml(fm, name, nl + 1, (size_t)(close - (nl + 1)), 2, err);
    } else {
        char msg[256];
        unsigned line;

        rc = import_toml_fields(nl + 1, (size_t)(close - (nl + 1)), fm_field,
                                fm, &line, msg, sizeof(msg));
        if (rc) {
            char clean[256];

            utf8_sanitize(msg, strlen(msg), clean, sizeof(clean));
            rc = bs_fail(err, BS_DATAERR, "%s:%lu: malformed TOML front "
                         "matter: %s", name,
                         line ? (unsigned long)line + 1 : 1UL, clean);
        }
    }
    if (rc) {
        fm_clear(fm);
        return -1;
    }
    page->title = import_trim(fm->title);
    page->slug = import_trim(fm->slug);
    page->url = fm->url[0] ? import_trim(fm->url) : import_trim(fm->permalink);
    page->date = fm->date[0] ? fm->date : fm->date2;
    page->published = page->date[0] ? import_parse_date(page->date)
                                    : IMPORT_NO_DAY;
    page->draft = fm->draft;
    page->tags = (const char *const *)fm->list[T_TAGS];
    page->ntags = fm->nlist[T_TAGS];
    page->categories = (const char *const *)fm->list[T_CATS];
    page->ncategories = fm->nlist[T_CATS];
    page->aliases = (const char *const *)fm->list[T_ALIASES];
    page->naliases = fm->nlist[T_ALIASES];
    return 1;
}
