/*
 * import.c - post metadata from WordPress exports, feeds and CSV.
 *
 * XML is streamed through expat (an export can be tens of megabytes) with
 * namespace processing, so "wp:" is recognised by its URI, whatever its
 * prefix. Only the children of an <item>/<entry> that we use are kept, each
 * bounded to IMPORT_MAX_TEXT; a DTD that declares entities is refused (no
 * billion laughs). CSV goes through libcsv with a cap on its buffer.
 */
#include "blogstat.h"
#include "ascii.h"
#include "import.h"
#include "import_int.h"

#include <csv.h>
#include <errno.h>
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_SEP '\x01'
#define WP_NS "http://wordpress.org/export/"
#define ATOM_NS "http://www.w3.org/2005/Atom"
#define CHUNK (64 * 1024)

const char *import_format_name(enum import_format f)
{
    switch (f) {
    case IMPORT_WXR: return "WordPress export";
    case IMPORT_RSS: return "RSS feed";
    case IMPORT_ATOM: return "Atom feed";
    case IMPORT_CSV: return "CSV";
    case IMPORT_JSONFEED: return "JSON Feed";
    case IMPORT_SITE: return "site source";
    }
    return "?";
}

/* ---- dates and slugs --------------------------------------------------- */

/* n digits at s as a number, or -1. */
static int num(const char *s, int n)
{
    int v;

    return digits_n(s, n, &v) ? -1 : v;
}

static int32_t civil_day(int y, int m, int d)
{
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, (unsigned)m))
        return IMPORT_NO_DAY;
    return days_from_civil(y, (unsigned)m, (unsigned)d);
}

int32_t import_parse_date(const char *s)
{
    const char *comma;
    uint64_t d;
    int y, m;

    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    /* 2013-02-07, 2013-02-07 10:00:00, 2013-02-07T10:00:00+01:00 */
    if (strlen(s) >= 10 && s[4] == '-' && s[7] == '-')
        return civil_day(num(s, 4), num(s + 5, 2), num(s + 8, 2));
    /* RFC 822: [Thu, ]7 Feb 2013 10:00:00 +0100 */
    comma = strchr(s, ',');
    if (comma && comma - s <= 10)
        s = comma + 1;
    while (*s == ' ')
        s++;
    digits_u64(&s, s + strlen(s), &d);
    if (*s++ != ' ' || strlen(s) < 8 || s[3] != ' ' || d > 31)
        return IMPORT_NO_DAY;
    m = month_from_abbr(s);
    y = num(s + 4, 4);
    if (y < 0 && (y = num(s + 4, 2)) >= 0)
        y += y < 70 ? 2000 : 1900;
    return m && y > 0 ? civil_day(y, m, (int)d) : IMPORT_NO_DAY;
}

size_t import_slugify(const char *name, char *out, size_t cap)
{
    size_t o = 0;

    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        unsigned char c = *p;

        if (o + 2 >= cap)
            break;
        if (c >= 'A' && c <= 'Z')
            out[o++] = (char)(c - 'A' + 'a');
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c >= 0x80 || c == '_' || c == '%')
            out[o++] = (char)c;
        else if (o > 0 && out[o - 1] != '-')
            out[o++] = '-';
    }
    /* A cut UTF-8 sequence at the end is no character. */
    o = utf8_trim_partial(out, o);
    while (o > 0 && out[o - 1] == '-')
        o--;
    out[o] = '\0';
    return o;
}

/* ---- the post being built ---------------------------------------------- */

struct item {
    char title[IMPORT_MAX_TEXT];
    char link[IMPORT_MAX_TEXT];
    char date[64];
    char post_date[64];       /* wp:post_date wins over pubDate */
    char post_id[32];
    char status[32];
    char type[32];
    int has_wp;
    int has_terms[2];        /* the format gives tags / categories */
    char *terms[2][IMPORT_MAX_TERMS];   /* tags, categories */
    char *titles[2][IMPORT_MAX_TERMS];  /* their names as written */
    size_t nterms[2];
};

static void item_reset(struct item *it)
{
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < it->nterms[k]; i++) {
            free(it->terms[k][i]);
            free(it->titles[k][i]);
        }
        it->nterms[k] = 0;
    }
    it->title[0] = it->link[0] = it->date[0] = it->post_date[0] = '\0';
    it->post_id[0] = it->status[0] = it->type[0] = '\0';
    it->has_wp = 0;
    it->has_terms[0] = it->has_terms[1] = 0;
}

/* A tag (which 0) or category of the item: its slug, and its name as
 * the file writes it ("" when none). */
static void item_add_term(struct item *it, int which, const char *slug,
                          const char *title)
{
    if (!*slug || it->nterms[which] == IMPORT_MAX_TERMS)
        return;
    for (size_t i = 0; i < it->nterms[which]; i++)
        if (strcmp(it->terms[which][i], slug) == 0)
            return;
    it->titles[which][it->nterms[which]] = xstrdup(title);
    it->terms[which][it->nterms[which]++] = xstrdup(slug);
}

/*
 * Kept text as people expect it: blanks around it trimmed, runs of
 * whitespace (newlines in a title) as one space, an incomplete character
 * at a cut dropped, then sanitized to valid UTF-8 in dst (cap bytes).
 */
void import_set_text(char *dst, size_t cap, const char *src, size_t n)
{
    char *tmp = xmalloc(n + 1);
    size_t o = 0;
    int space = 0;

    n = utf8_trim_partial(src, n);
    for (size_t i = 0; i < n; i++) {
        char c = src[i];

        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = o > 0;
            continue;
        }
        if (space)
            tmp[o++] = ' ';
        space = 0;
        tmp[o++] = c;
    }
    /* Cut to fit on a character boundary before sanitizing, so that the
     * cut leaves no U+FFFD. */
    if (o >= cap)
        o = utf8_trim_partial(tmp, cap - 1);
    utf8_sanitize(tmp, o, dst, cap);
    free(tmp);
}

static int64_t parse_id(const char *s)
{
    uint64_t v;

    while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
        s++;
    digits_u64(&s, s + strlen(s), &v);
    return v > (uint64_t)INT64_MAX ? 0 : (int64_t)v;
}

/* Titles and links often carry blanks around them. */
char *import_trim(char *s)
{
    char *e;

    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' ||
                     e[-1] == '\r'))
        *--e = '\0';
    return s;
}

static int emit(struct item *it, import_fn fn, void *ctx,
                struct import_stats *st, struct bs_err *err)
{
    struct import_post p;
    const char *link = import_trim(it->link);

    if (it->has_wp) {
        /* WXR: published posts and pages only. */
        if ((strcmp(it->type, "post") != 0 && strcmp(it->type, "page") != 0) ||
            strcmp(it->status, "publish") != 0) {
            st->skipped++;
            return 0;
        }
    }
    if (!*link) {
        st->skipped++;
        return 0;
    }
    memset(&p, 0, sizeof(p));
    p.link = link;
    p.title = import_trim(it->title);
    p.published = import_parse_date(it->post_date[0] ? it->post_date
                                                     : it->date);
    p.post_id = parse_id(it->post_id);
    p.type = it->has_wp ? it->type : NULL;
    p.tags = (const char *const *)it->terms[0];
    p.ntags = it->nterms[0];
    p.categories = (const char *const *)it->terms[1];
    p.ncategories = it->nterms[1];
    p.tag_titles = (const char *const *)it->titles[0];
    p.category_titles = (const char *const *)it->titles[1];
    p.has_tags = it->has_terms[0];
    p.has_categories = it->has_terms[1];
    st->posts++;
    return fn(ctx, &p, err);
}

/* ---- XML -------------------------------------------------------------- */

enum field {
    F_NONE, F_TITLE, F_LINK, F_DATE, F_POST_DATE, F_POST_ID, F_STATUS,
    F_TYPE, F_TERM
};

struct xml {
    XML_Parser xp;
    const char *path;
    import_fn fn;
    void *ctx;
    struct import_stats *st;
    struct bs_err *err;
    int failed;
    int depth, item_depth;   /* item_depth 0: outside an item */
    enum field field;
    int term_which;          /* 0 tag, 1 category, -1 ignore */
    char term_slug[IMPORT_MAX_TEXT];
    char text[IMPORT_MAX_TEXT];
    size_t ntext;
    struct item item;
};

/* Split an expat name "uri\x01local" (or "local"). */
static const char *local_name(const char *name, const char **uri,
                              size_t *urilen)
{
    const char *sep = strchr(name, NS_SEP);

    if (!sep) {
        *uri = "";
        *urilen = 0;
        return name;
    }
    *uri = name;
    *urilen = (size_t)(sep - name);
    return sep + 1;
}

static int uri_is(const char *uri, size_t n, const char *prefix)
{
    size_t m = strlen(prefix);

    return n >= m && memcmp(uri, prefix, m) == 0;
}

static const char *attr(const char **atts, const char *name)
{
    for (int i = 0; atts[i]; i += 2)
        if (strcmp(atts[i], name) == 0)
            return atts[i + 1];
    return NULL;
}

static void xml_fail(struct xml *x, const char *what, const char *name)
{
    if (x->failed)
        return;
    x->failed = 1;
    bs_fail(x->err, BS_DATAERR, "%s:%lu:%lu: %s%s%s; nothing was imported "
            "from it", x->path,
            (unsigned long)XML_GetCurrentLineNumber(x->xp),
            (unsigned long)XML_GetCurrentColumnNumber(x->xp) + 1, what,
            name ? name : "", name && what[strlen(what) - 1] == '<' ? ">"
            : name && what[strlen(what) - 1] == '\'' ? "'" : "");
    XML_StopParser(x->xp, XML_FALSE);
}

static void XMLCALL on_start(void *user, const char *name, const char **atts)
{
    struct xml *x = user;
    const char *uri, *local = NULL;
    size_t un;
    int wp;

    x->depth++;
    local = local_name(name, &uri, &un);
    if (x->depth == 1) {
        if (un == 0 && strcmp(local, "rss") == 0)
            x->st->format = IMPORT_RSS;
        else if (uri_is(uri, un, ATOM_NS) && strcmp(local, "feed") == 0)
            x->st->format = IMPORT_ATOM;
        else
            xml_fail(x, "not a WordPress export, RSS or Atom feed: the root "
                     "element is <", local);
        return;
    }
    if (!x->item_depth) {
        if ((x->st->format != IMPORT_ATOM && un == 0 &&
             strcmp(local, "item") == 0) ||
            (x->st->format == IMPORT_ATOM && uri_is(uri, un, ATOM_NS) &&
             strcmp(local, "entry") == 0)) {
            x->item_depth = x->depth;
            item_reset(&x->item);
            x->item.has_terms[0] = 1;
        }
        return;
    }
    if (x->depth != x->item_depth + 1)
        return;
    wp = uri_is(uri, un, WP_NS);
    x->field = F_NONE;
    x->ntext = 0;
    if (wp) {
        x->item.has_wp = 1;
        x->item.has_terms[1] = 1;   /* WordPress: categories too */
        if (x->st->format == IMPORT_RSS)
            x->st->format = IMPORT_WXR;
        if (strcmp(local, "post_id") == 0)
            x->field = F_POST_ID;
        else if (strcmp(local, "post_date") == 0)
            x->field = F_POST_DATE;
        else if (strcmp(local, "status") == 0)
            x->field = F_STATUS;
        else if (strcmp(local, "post_type") == 0)
            x->field = F_TYPE;
        return;
    }
    if (x->st->format == IMPORT_ATOM) {
        if (!uri_is(uri, un, ATOM_NS))
            return;
        if (strcmp(local, "title") == 0) {
            x->field = F_TITLE;
        } else if (strcmp(local, "published") == 0 ||
                   (strcmp(local, "updated") == 0 && !x->item.date[0])) {
            x->field = F_DATE;
        } else if (strcmp(local, "link") == 0) {
            const char *rel = attr(atts, "rel"), *href = attr(atts, "href");

            if (href && (!rel || strcmp(rel, "alternate") == 0))
                import_set_text(x->item.link, sizeof(x->item.link), href,
                         strlen(href));
        } else if (strcmp(local, "category") == 0) {
            const char *term = attr(atts, "term");
            const char *label = attr(atts, "label");

            if (term) {
                import_slugify(term, x->term_slug, sizeof(x->term_slug));
                item_add_term(&x->item, 0, x->term_slug,
                              label && *label ? label : term);
            }
        }
        return;
    }
    if (un != 0)
        return;
    if (strcmp(local, "title") == 0) {
        x->field = F_TITLE;
    } else if (strcmp(local, "link") == 0) {
        x->field = F_LINK;
    } else if (strcmp(local, "pubDate") == 0) {
        x->field = F_DATE;
    } else if (strcmp(local, "category") == 0) {
        const char *domain = attr(atts, "domain");
        const char *nicename = attr(atts, "nicename");

        x->field = F_TERM;
        x->term_which = !domain || strcmp(domain, "post_tag") == 0 ? 0
                        : strcmp(domain, "category") == 0 ? 1 : -1;
        /* A feed that names categories gives them. */
        if (x->term_which == 1)
            x->item.has_terms[1] = 1;
        x->term_slug[0] = '\0';
        /* WordPress gives the slug; a plain feed only the name. */
        if (nicename)
            import_set_text(x->term_slug, sizeof(x->term_slug), nicename,
                     strlen(nicename));
    }
}

static void XMLCALL on_text(void *user, const char *s, int len)
{
    struct xml *x = user;
    size_t room;

    if (x->field == F_NONE || len <= 0)
        return;
    /* Bounded: a 10 MB title keeps its first IMPORT_MAX_TEXT bytes. */
    room = sizeof(x->text) - 1 - x->ntext;
    if ((size_t)len > room)
        len = (int)room;
    memcpy(x->text + x->ntext, s, (size_t)len);
    x->ntext += (size_t)len;
}

static void XMLCALL on_end(void *user, const char *name)
{
    struct xml *x = user;
    struct item *it = &x->item;

    (void)name;
    if (x->item_depth && x->depth == x->item_depth + 1 &&
        x->field != F_NONE) {
        const char *t = x->text;
        size_t n = x->ntext;

        switch (x->field) {
        case F_TITLE:
            import_set_text(it->title, sizeof(it->title), t, n);
            break;
        case F_LINK:
            import_set_text(it->link, sizeof(it->link), t, n);
            break;
        case F_DATE:
            import_set_text(it->date, sizeof(it->date), t, n);
            break;
        case F_POST_DATE:
            import_set_text(it->post_date, sizeof(it->post_date), t, n);
            break;
        case F_POST_ID:
            import_set_text(it->post_id, sizeof(it->post_id), t, n);
            break;
        case F_STATUS:
            import_set_text(it->status, sizeof(it->status), t, n);
            break;
        case F_TYPE: import_set_text(it->type, sizeof(it->type), t, n); break;
        case F_TERM:
            if (x->term_which >= 0) {
                char name_buf[IMPORT_MAX_TEXT];
                const char *term;

                import_set_text(name_buf, sizeof(name_buf), t, n);
                term = import_trim(name_buf);
                if (!x->term_slug[0])
                    import_slugify(term, x->term_slug, sizeof(x->term_slug));
                item_add_term(it, x->term_which, x->term_slug, term);
            }
            break;
        case F_NONE: break;
        }
        x->field = F_NONE;
        x->ntext = 0;
    } else if (x->item_depth && x->depth == x->item_depth) {
        x->item_depth = 0;
        if (!x->failed &&
            emit(it, x->fn, x->ctx, x->st, x->err)) {
            x->failed = 1;
            XML_StopParser(x->xp, XML_FALSE);
        }
        item_reset(it);
    }
    x->depth--;
}

static void XMLCALL on_entity_decl(void *user, const XML_Char *name,
                                   int is_param, const XML_Char *value,
                                   int value_len, const XML_Char *base,
                                   const XML_Char *system_id,
                                   const XML_Char *public_id,
                                   const XML_Char *notation)
{
    (void)is_param; (void)value; (void)value_len; (void)base;
    (void)system_id; (void)public_id; (void)notation;
    xml_fail(user, "entity declarations are not allowed: entity '", name);
}

static int import_xml(FILE *f, const char *path, const char *head,
                      size_t nhead, struct xml *x)
{
    char *buf = xmalloc(CHUNK);
    int done = 0, rc = 0;

    /* No forced encoding: the file's declaration (or BOM) is obeyed. */
    x->xp = XML_ParserCreateNS(NULL, NS_SEP);
    if (!x->xp)
        BUG("XML_ParserCreateNS failed");
    XML_SetUserData(x->xp, x);
    XML_SetElementHandler(x->xp, on_start, on_end);
    XML_SetCharacterDataHandler(x->xp, on_text);
    XML_SetEntityDeclHandler(x->xp, on_entity_decl);
    /* No external entity or DTD is ever fetched. */
    XML_SetParamEntityParsing(x->xp, XML_PARAM_ENTITY_PARSING_NEVER);

    if (XML_Parse(x->xp, head, (int)nhead, 0) == XML_STATUS_ERROR)
        done = 1;
    while (!done) {
        size_t n = fread(buf, 1, CHUNK, f);
        int last = n < CHUNK;

        if (n < CHUNK && ferror(f)) {
            rc = bs_fail(x->err, BS_IOERR, "%s: read error: %s", path,
                         strerror(errno));
            break;
        }
        if (XML_Parse(x->xp, buf, (int)n, last) == XML_STATUS_ERROR)
            break;
        done = last;
    }
    if (!rc && !x->failed && XML_GetErrorCode(x->xp) != XML_ERROR_NONE)
        xml_fail(x, "malformed XML: ",
                 XML_ErrorString(XML_GetErrorCode(x->xp)));
    if (x->failed)
        rc = -1;
    item_reset(&x->item);
    XML_ParserFree(x->xp);
    free(buf);
    return rc;
}

/* ---- CSV -------------------------------------------------------------- */

enum { C_PATH, C_TITLE, C_PUBLISHED, C_TAGS, C_CATEGORIES, C_NCOLS };

#define CSV_MAX_FIELD (1 << 20)
#define CSV_MAX_COLS 64

struct csvs {
    const char *path;
    import_fn fn;
    void *ctx;
    struct import_stats *st;
    struct bs_err *err;
    int failed;
    uint64_t line;           /* 1-based line being fed to the parser */
    uint64_t row_line;       /* the line where the current row began */
    int in_row;
    int col;                 /* field index within the row */
    int map[CSV_MAX_COLS];   /* field index -> C_* or -1 */
    int ncols;               /* fields in the header */
    int header_done;
    int has_col[C_NCOLS];
    char *val[C_NCOLS];
    struct item item;
};

static void *capped_realloc(void *p, size_t n)
{
    return n > CSV_MAX_FIELD ? NULL : realloc(p, n);
}

static void on_field(void *data, size_t n, void *user)
{
    struct csvs *c = user;
    const char *s = data ? data : "";

    if (c->failed)
        return;
    if (!c->header_done) {
        static const char *const names[C_NCOLS] = {
            "path", "title", "published", "tags", "categories",
        };
        char name[32];

        import_set_text(name, sizeof(name), s, n);
        if (c->col < CSV_MAX_COLS) {
            c->map[c->col] = -1;
            for (int k = 0; k < C_NCOLS; k++)
                if (strcmp(import_trim(name), names[k]) == 0)
                    c->map[c->col] = k;
        }
    } else if (c->col < c->ncols && c->map[c->col] >= 0) {
        int k = c->map[c->col];

        free(c->val[k]);
        c->val[k] = xmalloc(IMPORT_MAX_TEXT * 4);
        import_set_text(c->val[k], IMPORT_MAX_TEXT * 4, s, n);
    }
    c->col++;
}

static void split_terms(struct item *it, int which, char *list)
{
    char slug[IMPORT_MAX_TEXT];

    for (char *tok = list; tok;) {
        char *bar = strchr(tok, '|');

        if (bar)
            *bar = '\0';
        tok = import_trim(tok);
        import_slugify(tok, slug, sizeof(slug));
        item_add_term(it, which, slug, tok);
        tok = bar ? bar + 1 : NULL;
    }
}

static void on_row(int term, void *user)
{
    struct csvs *c = user;
    struct item *it = &c->item;

    (void)term;
    c->in_row = 0;
    if (c->failed)
        return;
    if (!c->header_done) {
        int have_path;

        c->ncols = c->col < CSV_MAX_COLS ? c->col : CSV_MAX_COLS;
        for (int i = 0; i < c->ncols; i++)
            if (c->map[i] >= 0)
                c->has_col[c->map[i]] = 1;
        have_path = c->has_col[C_PATH];
        c->header_done = 1;
        c->col = 0;
        if (!have_path) {
            c->failed = 1;
            bs_fail(c->err, BS_DATAERR,
                    "%s:%llu: no 'path' column in the header; expected "
                    "path,title,published,tags", c->path,
                    (unsigned long long)c->row_line);
        }
        return;
    }
    c->col = 0;
    item_reset(it);
    it->has_terms[0] = c->has_col[C_TAGS];
    it->has_terms[1] = c->has_col[C_CATEGORIES];
    if (c->val[C_PATH])
        import_set_text(it->link, sizeof(it->link), c->val[C_PATH],
                 strlen(c->val[C_PATH]));
    if (c->val[C_TITLE])
        import_set_text(it->title, sizeof(it->title), c->val[C_TITLE],
                 strlen(c->val[C_TITLE]));
    if (c->val[C_PUBLISHED])
        import_set_text(it->date, sizeof(it->date), c->val[C_PUBLISHED],
                 strlen(c->val[C_PUBLISHED]));
    if (c->val[C_TAGS])
        split_terms(it, 0, c->val[C_TAGS]);
    if (c->val[C_CATEGORIES])
        split_terms(it, 1, c->val[C_CATEGORIES]);
    for (int k = 0; k < C_NCOLS; k++) {
        free(c->val[k]);
        c->val[k] = NULL;
    }
    if (!*import_trim(it->link)) {
        if (!it->title[0] && !it->date[0])
            return;   /* a blank line */
        c->failed = 1;
        bs_fail(c->err, BS_DATAERR, "%s:%llu: empty path; nothing was "
                "imported from it", c->path, (unsigned long long)c->row_line);
        return;
    }
    if (emit(it, c->fn, c->ctx, c->st, c->err))
        c->failed = 1;
}

/*
 * libcsv is fed one line at a time, so that each row it reports is known
 * by the line it began on (it says nothing of lines itself).
 */
static int feed_lines(struct csv_parser *p, struct csvs *c, const char *s,
                      size_t n)
{
    while (n > 0) {
        const char *nl = memchr(s, '\n', n);
        size_t len = nl ? (size_t)(nl - s) + 1 : n;

        if (!c->in_row && !(len == 1 || (len == 2 && s[0] == '\r'))) {
            c->in_row = 1;
            c->row_line = c->line;
        }
        if (csv_parse(p, s, len, on_field, on_row, c) < len) {
            if (c->failed)
                return -1;
            return bs_fail(c->err, BS_DATAERR, "%s:%llu: malformed CSV: %s; "
                           "nothing was imported from it", c->path,
                           (unsigned long long)c->line,
                           csv_error(p) == CSV_ENOMEM
                               ? "a field is longer than 1 MiB"
                               : csv_strerror(csv_error(p)));
        }
        if (c->failed)
            return -1;
        c->line += nl != NULL;
        s += len;
        n -= len;
    }
    return 0;
}

static int import_csv(FILE *f, const char *path, const char *head,
                      size_t nhead, struct csvs *c)
{
    struct csv_parser p;
    char *buf = xmalloc(CHUNK);
    int rc;

    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        BUG("csv_init failed");
    csv_set_realloc_func(&p, capped_realloc);
    /* Grow fields in big steps, not libcsv's default 128 bytes. */
    csv_set_blk_size(&p, CHUNK);
    for (int i = 0; i < CSV_MAX_COLS; i++)
        c->map[i] = -1;
    c->line = 1;
    rc = feed_lines(&p, c, head, nhead);
    while (rc == 0) {
        size_t n = fread(buf, 1, CHUNK, f);

        if (n == 0) {
            if (ferror(f))
                rc = bs_fail(c->err, BS_IOERR, "%s: read error: %s", path,
                             strerror(errno));
            else if (csv_fini(&p, on_field, on_row, c) != 0)
                rc = bs_fail(c->err, BS_DATAERR, "%s:%llu: malformed CSV: "
                             "a quoted field opened in this row is never "
                             "closed; nothing was imported from it", path,
                             (unsigned long long)c->row_line);
            else if (c->failed)
                rc = -1;
            break;
        }
        rc = feed_lines(&p, c, buf, n);
    }
    for (int k = 0; k < C_NCOLS; k++)
        free(c->val[k]);
    item_reset(&c->item);
    csv_free(&p);
    free(buf);
    return rc;
}

/* ---- JSON ------------------------------------------------------------- */

/* A JSON Feed is read whole (jsmn tokenizes a buffer), up to a bound. */
static int import_json(FILE *f, const char *path, const char *head,
                       size_t nhead, struct import_stats *st, import_fn fn,
                       void *ctx, struct bs_err *err)
{
    size_t cap = nhead + CHUNK, n = nhead;
    char *buf = xmalloc(cap);
    int rc;

    memcpy(buf, head, nhead);
    for (;;) {
        size_t got;

        if (n == cap) {
            if (cap >= IMPORT_JSONFEED_MAX) {
                free(buf);
                return bs_fail(err, BS_DATAERR, "%s: a JSON Feed larger "
                               "than %u MiB; nothing was imported from it",
                               path, IMPORT_JSONFEED_MAX >> 20);
            }
            cap = cap * 2 > IMPORT_JSONFEED_MAX + 1 ? IMPORT_JSONFEED_MAX + 1
                                                     : cap * 2;
            buf = xrealloc(buf, cap);
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        return bs_fail(err, BS_IOERR, "%s: read error: %s", path,
                       strerror(errno));
    }
    st->format = IMPORT_JSONFEED;
    rc = import_jsonfeed(path, buf, n, fn, ctx, st, err);
    free(buf);
    return rc;
}

int import_key_is(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a, y = *b;

        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return 0;
    }
    return *a == *b;
}

/* ---- entry ------------------------------------------------------------ */

int import_file(const char *path, import_fn fn, void *ctx,
                struct import_stats *stats, struct bs_err *err)
{
    FILE *f = fopen(path, "rb");
    char head[512];
    size_t n, i = 0, bom = 0;
    int rc;

    memset(stats, 0, sizeof(*stats));
    if (!f)
        return bs_fail(err, BS_NOINPUT, "cannot open '%s': %s", path,
                       strerror(errno));
    n = fread(head, 1, sizeof(head), f);
    if (n == 0) {
        fclose(f);
        return bs_fail(err, BS_DATAERR, "%s: empty file; nothing to import",
                       path);
    }
    /* XML or JSON by the first character (after a BOM and blanks), else
     * CSV. */
    if (n >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0)
        i = bom = 3;
    while (i < n && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' ||
                     head[i] == '\t'))
        i++;
    /* UTF-16 (a byte order mark) is XML too: expat reads it. */
    if (i < n && (head[i] == '<' ||
                  (n >= 2 && ((unsigned char)head[0] == 0xFF &&
                              (unsigned char)head[1] == 0xFE)) ||
                  (n >= 2 && ((unsigned char)head[0] == 0xFE &&
                              (unsigned char)head[1] == 0xFF)))) {
        struct xml *x = xcalloc(1, sizeof(*x));

        x->path = path;
        x->fn = fn;
        x->ctx = ctx;
        x->st = stats;
        x->err = err;
        /* Blanks before "<?xml" are no XML: expat starts after them. */
        size_t skip = head[i] == '<' && i > bom ? i : 0;

        rc = import_xml(f, path, head + skip, n - skip, x);
        free(x);
    } else if (i < n && head[i] == '{') {
        rc = import_json(f, path, head + bom, n - bom, stats, fn, ctx, err);
    } else {
        struct csvs *c = xcalloc(1, sizeof(*c));

        c->path = path;
        c->fn = fn;
        c->ctx = ctx;
        c->st = stats;
        c->err = err;
        stats->format = IMPORT_CSV;
        /* Excel's "CSV UTF-8" starts with a byte order mark. */
        rc = import_csv(f, path, head + bom, n - bom, c);
        free(c);
    }
    fclose(f);
    return rc;
}
