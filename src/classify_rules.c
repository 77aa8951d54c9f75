/*
 * classify_rules.c - the URL rules of a site: permalink patterns in
 * WordPress's %tag% syntax, compiled once and matched by a small
 * backtracking matcher with a bounded budget, and the presets of the
 * blog engines (doc/counting.md "Presets").
 */
#include "blogstat.h"
#include "classify_int.h"

#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    enum tok tok;
} tok_names[] = {
    {"year", T_YEAR},         {"monthnum", T_MONTHNUM},
    {"day", T_DAY},           {"hour", T_HOUR},
    {"minute", T_MINUTE},     {"second", T_SECOND},
    {"post_id", T_POST_ID},   {"postname", T_POSTNAME},
    {"category", T_CATEGORY}, {"author", T_AUTHOR},
    {"tag", T_TAG},           {"categories", T_CATEGORIES},
};

/* ---- compiling ------------------------------------------------------ */

/* The tag named s[0..n), T_NTOK when none is. */
static enum tok tok_named(const char *s, size_t n)
{
    for (size_t k = 0; k < ARRAY_SIZE(tok_names); k++)
        if (strlen(tok_names[k].name) == n &&
            memcmp(tok_names[k].name, s, n) == 0)
            return tok_names[k].tok;
    return T_NTOK;
}

/* A literal after the last tag that is a file ending: ".html". */
static void find_ext(struct pattern *pat)
{
    const struct part *last = &pat->parts[pat->nparts - 1];

    if (pat->trailing_slash || pat->nparts < 2 || last->tok != T_LIT ||
        last->n < 2 || last->lit[0] != '.' ||
        memchr(last->lit, '/', last->n))
        return;
    pat->ext = last->lit;
    pat->ext_n = last->n;
}

static int pattern_compile(struct pattern *pat, const char *src,
                           struct bs_err *err)
{
    const char *s, *lit = NULL;
    char *copy;
    size_t n = strlen(src);
    struct pattern out = {0};

    if (n == 0 || src[0] != '/')
        return bs_fail(err, BS_USAGE,
                       "URL pattern '%s' must start with '/'", src);
    copy = xstrdup(src);
    if (n > 1 && copy[n - 1] == '/') {
        copy[--n] = '\0';
        out.trailing_slash = 1;
    }
    out.src = copy;
    for (s = copy; *s;) {
        if (*s == '%') {
            const char *e = strchr(s + 1, '%');
            enum tok tok;

            if (lit) {
                if (out.nparts == MAX_PARTS)
                    goto toolong;
                out.parts[out.nparts++] =
                    (struct part){T_LIT, lit, (size_t)(s - lit)};
                lit = NULL;
            }
            if (!e) {
                free(copy);
                return bs_fail(err, BS_USAGE,
                               "URL pattern '%s': unterminated %%tag%%", src);
            }
            tok = tok_named(s + 1, (size_t)(e - s - 1));
            if (tok == T_NTOK) {
                int len = (int)(e - s + 1);

                /* s points into copy: the message first, then free. */
                bs_fail(err, BS_USAGE, "URL pattern '%s': unknown tag '%.*s'",
                        src, len, s);
                free(copy);
                return -1;
            }
            /* %categories% is whole folders: "/" on both sides, the
             * one after it its own (none when there is no category). */
            if (tok == T_CATEGORIES &&
                (s == copy || s[-1] != '/' || e[1] != '/')) {
                free(copy);
                return bs_fail(err, BS_USAGE, "URL pattern '%s': "
                               "%%categories%% must stand between two '/'",
                               src);
            }
            if (out.nparts == MAX_PARTS)
                goto toolong;
            out.parts[out.nparts++] = (struct part){tok, NULL, 0};
            s = e + 1 + (tok == T_CATEGORIES);
        } else {
            if (!lit)
                lit = s;
            s++;
        }
    }
    if (lit) {
        if (out.nparts == MAX_PARTS)
            goto toolong;
        out.parts[out.nparts++] = (struct part){T_LIT, lit, (size_t)(s - lit)};
    }
    find_ext(&out);
    free(pat->src);
    *pat = out;
    return 0;
toolong:
    free(copy);
    return bs_fail(err, BS_USAGE, "URL pattern '%s' is too long", src);
}

static int pattern_has(const struct pattern *pat, enum tok tok)
{
    for (int i = 0; i < pat->nparts; i++)
        if (pat->parts[i].tok == tok)
            return 1;
    return 0;
}

/* ---- presets -------------------------------------------------------- */

/*
 * What each engine writes by default, from its documentation:
 *
 * - WordPress: the "Day and name" permalinks, tag and category bases
 *   "tag" and "category", author archives, date archives, "/page/N/"
 *   (wordpress.org "Using Permalinks").
 * - Hugo: content in content/posts/ is at /posts/SLUG/; the default
 *   taxonomies are tags and categories at /tags/TERM/ and
 *   /categories/TERM/; pages of a list are /page/N/ below it; an RSS
 *   feed index.xml for the home page, each section, taxonomy and term
 *   (gohugo.io "Configure permalinks", "Taxonomies", "RSS templates",
 *   "Pagination"). A page bundle's files sit in the post's folder.
 * - Jekyll: the "date" permalink style,
 *   /:categories/:year/:month/:day/:title:output_ext, so
 *   /2013/02/07/title.html and /a/b/2013/02/07/title.html
 *   (jekyllrb.com "Permalinks"); jekyll-paginate's "/page:num/";
 *   jekyll-feed's /feed.xml; jekyll-archives' /tag/NAME/,
 *   /category/NAME/ and the date archives.
 * - Ghost: the default routes.yaml, posts at /{slug}/, taxonomies
 *   tag: /tag/{slug}/ and author: /author/{slug}/; list pages
 *   /page/N/; an RSS feed /rss/ at the home page, each tag and author;
 *   the admin at /ghost/, members at /members/api/ (docs.ghost.org
 *   "URLs & Dynamic Routing", "Tag context", "Author context").
 * - Eleventy: the eleventy-base-blog starter, posts from content/blog/
 *   at /blog/SLUG/, tag pages at /tags/TAG/, the feeds
 *   /feed/feed.xml and /feed/feed.json (11ty.dev "Permalinks",
 *   eleventy-base-blog).
 *
 * The feeds of every engine are known to classify_url() whatever the
 * preset (doc/counting.md "Feeds").
 */
struct preset {
    const char *name;
    const char *rule[RULE_N];   /* NULL: the engine has no such page */
    int dates;
    int glued_pages;
    const char *const *admin;
};

static const char *const ghost_admin[] = {"/ghost", "/members/api", NULL};

static const struct preset presets[] = {
    {"wordpress",
     {"/%year%/%monthnum%/%day%/%postname%/", "/tag/%tag%/",
      "/category/%category%/", "/author/%author%/"}, 1, 0, NULL},
    {"hugo",
     {"/posts/%postname%/", "/tags/%tag%/", "/categories/%category%/",
      NULL}, 0, 0, NULL},
    {"jekyll",
     {"/%categories%/%year%/%monthnum%/%day%/%postname%.html", "/tag/%tag%/",
      "/category/%category%/", NULL}, 1, 1, NULL},
    {"ghost",
     {"/%postname%/", "/tag/%tag%/", NULL, "/author/%author%/"}, 0, 0,
     ghost_admin},
    {"eleventy",
     {"/blog/%postname%/", "/tags/%tag%/", NULL, NULL}, 0, 0, NULL},
};

static void pattern_clear(struct pattern *pat)
{
    free(pat->src);
    memset(pat, 0, sizeof(*pat));
}

int url_rules_preset(struct url_rules *r, const char *name,
                     struct bs_err *err)
{
    static const char *const dates[NDATES] = {
        "/%year%/", "/%year%/%monthnum%/", "/%year%/%monthnum%/%day%/",
    };
    const struct preset *p = NULL;
    struct bs_err e = {0};

    for (size_t i = 0; i < ARRAY_SIZE(presets); i++)
        if (strcmp(presets[i].name, name) == 0)
            p = &presets[i];
    if (!p)
        return bs_fail(err, BS_USAGE, "unknown preset '%s'; use wordpress, "
                       "hugo, jekyll, ghost or eleventy", name);
    for (int k = 0; k < RULE_N; k++) {
        if (r->set & (1u << k))
            continue;
        if (!p->rule[k])
            pattern_clear(&r->rule[k]);
        else if (pattern_compile(&r->rule[k], p->rule[k], &e))
            BUG("preset %s: %s", p->name, e.msg);
    }
    r->ndates = p->dates ? NDATES : 0;
    for (int i = 0; i < r->ndates; i++)
        if (!r->dates[i].src && pattern_compile(&r->dates[i], dates[i], &e))
            BUG("date archive pattern: %s", e.msg);
    r->glued_pages = p->glued_pages;
    r->admin = p->admin;
    return 0;
}

/* ---- rules ---------------------------------------------------------- */

struct url_rules *url_rules_new(void)
{
    struct url_rules *r = xcalloc(1, sizeof(*r));
    struct bs_err err = {0};

    if (url_rules_preset(r, "wordpress", &err))
        BUG("default preset: %s", err.msg);
    return r;
}

void url_rules_free(struct url_rules *r)
{
    if (!r)
        return;
    for (int k = 0; k < RULE_N; k++)
        free(r->rule[k].src);
    for (int i = 0; i < NDATES; i++)
        free(r->dates[i].src);
    for (size_t i = 0; i < r->nignore; i++)
        free(r->ignore[i]);
    free(r->ignore);
    for (size_t i = 0; i < r->nfeeds; i++)
        free(r->feeds[i]);
    free(r->feeds);
    free(r);
}

int url_rules_set(struct url_rules *r, const char *which,
                  const char *pattern, struct bs_err *err)
{
    static const struct {
        const char *name;
        enum tok need1, need2;
    } rules[RULE_N] = {
        [RULE_POST] = {"post", T_POSTNAME, T_POST_ID},
        [RULE_TAG] = {"tag", T_TAG, T_TAG},
        [RULE_CATEGORY] = {"category", T_CATEGORY, T_CATEGORY},
        [RULE_AUTHOR] = {"author", T_AUTHOR, T_AUTHOR},
    };
    struct pattern pat = {0};
    int k;

    for (k = 0; k < RULE_N; k++)
        if (strcmp(which, rules[k].name) == 0)
            break;
    if (k == RULE_N)
        return bs_fail(err, BS_USAGE, "unknown URL rule '%s'", which);
    if (pattern_compile(&pat, pattern, err))
        return -1;
    if (!pattern_has(&pat, rules[k].need1) &&
        !pattern_has(&pat, rules[k].need2)) {
        free(pat.src);
        return bs_fail(err, BS_USAGE, "%s pattern '%s' must contain %%%s%%",
                       which, pattern,
                       k == RULE_POST ? "postname" : rules[k].name);
    }
    free(r->rule[k].src);
    r->rule[k] = pat;
    r->set |= 1u << k;
    return 0;
}

static int add_glob(char ***list, size_t *n, const char *what,
                    const char *glob, struct bs_err *err)
{
    if (glob[0] != '/' && glob[0] != '*')
        return bs_fail(err, BS_USAGE,
                       "%s pattern '%s' must start with '/' or '*'", what,
                       glob);
    *list = xrealloc(*list, (*n + 1) * sizeof(**list));
    (*list)[(*n)++] = xstrdup(glob);
    return 0;
}

int url_rules_add_ignore(struct url_rules *r, const char *glob,
                         struct bs_err *err)
{
    return add_glob(&r->ignore, &r->nignore, "ignore", glob, err);
}

int url_rules_add_feed(struct url_rules *r, const char *glob,
                       struct bs_err *err)
{
    return add_glob(&r->feeds, &r->nfeeds, "feed", glob, err);
}
