/*
 * import_path.c - the URL path a static site engine gives a source file.
 *
 * import_page_path() holds every rule in one place: an engine, the file's
 * place in the site's folder and its front matter in, a path out. The
 * rules are each engine's defaults, with no site config read:
 *
 *   Hugo      content/SECTION/NAME.md and the page bundle
 *             content/SECTION/NAME/index.md -> /SECTION/NAME/, NAME
 *             replaced by `slug`; the path lower-cased and its blanks as
 *             '-' (Hugo's urlize); _index.md is a list page, no post.
 *   Jekyll    _posts/YYYY-MM-DD-TITLE.md -> /:categories/:year/:month/
 *             :day/:title.html (the date of the front matter wins over
 *             the name's; TITLE replaced by `slug`; the folders above
 *             _posts are categories too); other pages -> /DIR/NAME.html.
 *   Eleventy  DIR/NAME.md -> /DIR/NAME/, DIR/index.md -> /DIR/.
 *
 * `url` (Hugo) or `permalink` (Jekyll, Eleventy) replaces the path when
 * it is a plain path; one with placeholders (":title", "{{ }}") is left
 * to the default rule. When blogstat's URL presets are configured per
 * site, this function is where they are to be followed.
 */
#include "blogstat.h"
#include "ascii.h"
#include "import_int.h"

#include <stdio.h>
#include <string.h>

#define MAX_PARTS 64

struct out {
    char *p;
    size_t n, cap;
    int full;             /* something did not fit */
};

static void put(struct out *o, const char *s, size_t n)
{
    if (o->full || n >= o->cap - o->n) {
        o->full = 1;
        return;
    }
    memcpy(o->p + o->n, s, n);
    o->n += n;
    o->p[o->n] = '\0';
}

static void puts_(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}

/* Hugo's urlize of one component: ASCII lower case, blanks as '-', the
 * ASCII punctuation it drops dropped; other UTF-8 kept. */
static void put_hugo(struct out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        else if (c == ' ' || c == '\t')
            c = '-';
        else if ((unsigned char)c < 0x80 && !is_digit(c) &&
                 !(c >= 'a' && c <= 'z') && !strchr("._-#+~", c))
            continue;
        put(o, &c, 1);
    }
}

/* Jekyll's slugify in its "pretty" mode, case kept: runs of what is not
 * a letter, a digit or one of ._~!$&'()+,;=@ as one '-', none at the
 * ends. */
static void put_jekyll_title(struct out *o, const char *s)
{
    int dash = 0, any = 0;

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c >= 0x80 || is_digit((char)c) || (c >= 'a' && c <= 'z') ||
            (c >= 'A' && c <= 'Z') || strchr("._~!$&'()+,;=@", c)) {
            if (dash && any)
                put(o, "-", 1);
            dash = 0;
            any = 1;
            put(o, s, 1);
        } else {
            dash = 1;
        }
    }
}

/* A category as Jekyll puts it in a URL: lower-cased. */
static void put_lower(struct out *o, const char *s)
{
    for (; *s; s++) {
        char c = *s;

        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        put(o, &c, 1);
    }
}

struct parts {
    const char *s[MAX_PARTS];
    size_t n[MAX_PARTS];
    int count;
};

/* rel split at '/' (empty components dropped), the last one without its
 * extension. -1 when there are too many. */
static int split(const char *rel, struct parts *pt)
{
    const char *s = rel, *dot;

    pt->count = 0;
    while (*s) {
        const char *slash = strchr(s, '/');
        size_t n = slash ? (size_t)(slash - s) : strlen(s);

        if (n > 0) {
            if (pt->count == MAX_PARTS)
                return -1;
            pt->s[pt->count] = s;
            pt->n[pt->count++] = n;
        }
        s += n + (slash != NULL);
    }
    if (pt->count == 0)
        return -1;
    dot = memchr(pt->s[pt->count - 1], '.', pt->n[pt->count - 1]);
    if (dot) {
        /* The last dot: "a.b.md" is the page "a.b". */
        for (const char *d = dot; d < pt->s[pt->count - 1] +
                                          pt->n[pt->count - 1]; d++)
            if (*d == '.')
                dot = d;
        pt->n[pt->count - 1] = (size_t)(dot - pt->s[pt->count - 1]);
    }
    return 0;
}

static int part_is(const struct parts *pt, int i, const char *s)
{
    return pt->n[i] == strlen(s) && memcmp(pt->s[i], s, pt->n[i]) == 0;
}

/* "YYYY-MM-DD-" at s[0..n): the day, or IMPORT_NO_DAY. */
static int32_t name_day(const char *s, size_t n)
{
    int y, m, d;

    if (n < 12 || s[4] != '-' || s[7] != '-' || s[10] != '-' ||
        digits_n(s, 4, &y) || digits_n(s + 5, 2, &m) ||
        digits_n(s + 8, 2, &d) || y < 1 || m < 1 || m > 12 || d < 1 ||
        d > days_in_month(y, (unsigned)m))
        return IMPORT_NO_DAY;
    return days_from_civil(y, (unsigned)m, (unsigned)d);
}

int32_t import_page_name_day(const char *rel)
{
    struct parts pt;

    if (split(rel, &pt))
        return IMPORT_NO_DAY;
    for (int i = 0; i + 1 < pt.count; i++)
        if (part_is(&pt, i, "_posts"))
            return name_day(pt.s[pt.count - 1], pt.n[pt.count - 1]);
    return IMPORT_NO_DAY;
}

/* A Jekyll post: the name's part i of pt is "_posts". */
static void jekyll_post(struct out *o, const struct parts *pt, int i,
                        const struct import_page *pg)
{
    const char *name = pt->s[pt->count - 1];
    size_t nn = pt->n[pt->count - 1];
    int32_t day = pg->published != IMPORT_NO_DAY ? pg->published
                                                 : name_day(name, nn);
    char title[IMPORT_MAX_TEXT], ymd[16];
    int y;
    unsigned m, d;

    /* The folders above _posts, then the front matter's categories, each
     * once, as Jekyll's :categories joins them. */
    for (int k = 0; k < i; k++) {
        int seen = 0;

        for (int j = 0; j < k; j++)
            seen |= pt->n[j] == pt->n[k] &&
                    strncmp(pt->s[j], pt->s[k], pt->n[k]) == 0;
        if (!seen) {
            char dir[IMPORT_MAX_TEXT];

            import_set_text(dir, sizeof(dir), pt->s[k], pt->n[k]);
            put(o, "/", 1);
            put_lower(o, dir);
        }
    }
    for (size_t k = 0; k < pg->ncategories; k++) {
        int seen = 0;

        for (size_t j = 0; j < k; j++)
            seen |= import_key_is(pg->categories[j], pg->categories[k]);
        for (int j = 0; j < i; j++)
            seen |= pt->n[j] == strlen(pg->categories[k]) &&
                    strncmp(pt->s[j], pg->categories[k], pt->n[j]) == 0;
        if (!seen && pg->categories[k][0]) {
            put(o, "/", 1);
            put_lower(o, pg->categories[k]);
        }
    }
    civil_from_days(day, &y, &m, &d);
    snprintf(ymd, sizeof(ymd), "/%04d/%02u/%02u/", y, m, d);
    puts_(o, ymd);
    if (pg->slug[0]) {
        put_jekyll_title(o, pg->slug);
    } else {
        import_set_text(title, sizeof(title), name + 11, nn - 11);
        put_jekyll_title(o, title);
    }
    puts_(o, ".html");
}

/* The path a front matter's url or permalink gives: 1 when it gives one
 * (written to o), 0 when the default rule applies. */
static int given_path(struct out *o, const char *url)
{
    if (!url[0] || strchr(url, ':') || strchr(url, '{'))
        return 0;
    if (url[0] != '/')
        put(o, "/", 1);
    puts_(o, url);
    return 1;
}

size_t import_page_path(enum import_engine engine, const char *rel,
                        const struct import_page *page, char *out,
                        size_t cap)
{
    struct out o = {.p = out, .cap = cap};
    struct parts pt;
    int first = 0, last, bundle = 0;

    if (cap == 0)
        return 0;
    out[0] = '\0';
    if (strcmp(page->url, "false") == 0 || split(rel, &pt))
        return 0;
    last = pt.count - 1;
    if (given_path(&o, page->url))
        return o.full ? 0 : o.n;
    for (int i = 0; i < last; i++)
        if (part_is(&pt, i, "_posts")) {
            if (name_day(pt.s[last], pt.n[last]) == IMPORT_NO_DAY)
                return 0;
            jekyll_post(&o, &pt, i, page);
            return o.full ? 0 : o.n;
        }
    if (engine == IMPORT_ENGINE_HUGO && part_is(&pt, 0, "content"))
        first = 1;
    if (part_is(&pt, last, "_index") && engine == IMPORT_ENGINE_HUGO)
        return 0;
    /* A folder's index is the folder's page (Hugo's page bundle). */
    if (part_is(&pt, last, "index")) {
        if (last == first)
            return 0;
        last--;
        bundle = 1;
    }
    for (int i = first; i <= last; i++) {
        const char *s = pt.s[i];
        size_t n = pt.n[i];

        if (i == last && page->slug[0] && engine != IMPORT_ENGINE_JEKYLL) {
            s = page->slug;
            n = strlen(s);
        }
        put(&o, "/", 1);
        if (engine == IMPORT_ENGINE_HUGO)
            put_hugo(&o, s, n);
        else
            put(&o, s, n);
    }
    puts_(&o, engine == IMPORT_ENGINE_JEKYLL && !bundle ? ".html" : "/");
    return o.full ? 0 : o.n;
}
