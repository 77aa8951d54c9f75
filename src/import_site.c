/*
 * import_site.c - the pages of a static site's source folder: the walk
 * over its Markdown files, each file's front matter (import_fm.c) and
 * path (import_path.c), and the post handed to the caller.
 *
 * The folder is untrusted like a file: folders are opened relative to
 * their parent with O_NOFOLLOW, so a symlinked folder is never entered
 * (no loop, nothing outside DIR); the depth and the names looked at are
 * bounded; a file is opened with O_NONBLOCK and read only when it is a
 * regular file (a FIFO named x.md does not hang the walk), and only its
 * first IMPORT_FM_MAX bytes. Names are read in sorted order, so two runs
 * pass the posts in the same order.
 */
#include "blogstat.h"
#include "import_int.h"
#include "sink.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define REL_MAX 4096

const char *import_engine_name(enum import_engine e)
{
    switch (e) {
    case IMPORT_ENGINE_HUGO: return "Hugo";
    case IMPORT_ENGINE_JEKYLL: return "Jekyll";
    case IMPORT_ENGINE_ELEVENTY: return "Eleventy";
    }
    return "?";
}

struct walk {
    const char *root;            /* DIR as given, for messages */
    enum import_engine engine;
    const struct sink *sink;
    import_fn fn;
    void *ctx;
    struct import_stats *st;
    struct bs_err *err;
    struct import_fm *fm;
    char *buf;                   /* IMPORT_FM_MAX bytes */
    unsigned long entries;       /* names looked at */
    int deep_warned;
    int failed;                  /* stop: err is set */
    char rel[REL_MAX];           /* the file's path in the site */
    size_t implied;              /* bytes of rel DIR's own name makes */
    char shown[REL_MAX + 256];   /* root/rel for messages */
};

static void say(const struct walk *w, enum sink_level level,
                const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void say(const struct walk *w, enum sink_level level,
                const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    if (!w->sink || w->sink->level < (int)level)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    w->sink->message(w->sink->ctx, level, msg);
}

static void file_error(struct walk *w, const struct bs_err *e)
{
    w->st->bad++;
    if (w->sink)
        w->sink->error(w->sink->ctx, e);
}

/* ---- one page --------------------------------------------------------- */

struct terms {
    char *v[IMPORT_MAX_TERMS];      /* slugs */
    char *title[IMPORT_MAX_TERMS];  /* the names as written */
    size_t n;
};

static void terms_of(struct terms *t, const char *const *names, size_t n)
{
    char slug[IMPORT_MAX_TEXT];

    t->n = 0;
    for (size_t i = 0; i < n && t->n < IMPORT_MAX_TERMS; i++) {
        int seen = 0;

        import_slugify(names[i], slug, sizeof(slug));
        for (size_t j = 0; j < t->n && !seen; j++)
            seen = strcmp(t->v[j], slug) == 0;
        if (*slug && !seen) {
            t->title[t->n] = xstrdup(names[i]);
            t->v[t->n++] = xstrdup(slug);
        }
    }
}

static void terms_free(struct terms *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->v[i]);
        free(t->title[i]);
    }
    t->n = 0;
}

/*
 * The categories of the page: for a Jekyll post the folders above
 * _posts first (Jekyll counts them among its categories, as it puts them
 * in the post's URL), then those of its front matter.
 */
static void jekyll_categories(const struct walk *w,
                              const struct import_page *pg, struct terms *t)
{
    const char *names[IMPORT_MAX_TERMS];
    char dirs[REL_MAX];
    const char *posts = strstr(w->rel, "_posts/");
    size_t n = 0;

    if (posts && (posts == w->rel || posts[-1] == '/')) {
        size_t len = (size_t)(posts - w->rel);

        memcpy(dirs, w->rel, len);
        dirs[len] = '\0';
        for (char *s = dirs; *s && n < IMPORT_MAX_TERMS;) {
            char *slash = strchr(s, '/');

            if (slash)
                *slash = '\0';
            if (*s)
                names[n++] = s;
            if (!slash)
                break;
            s = slash + 1;
        }
    }
    for (size_t i = 0; i < pg->ncategories && n < IMPORT_MAX_TERMS; i++)
        names[n++] = pg->categories[i];
    terms_of(t, names, n);
}

/* The page of front matter pg: its path, day and terms to fn. */
static int emit_page(struct walk *w, const struct import_page *pg)
{
    char path[IMPORT_MAX_TEXT];
    struct terms tags, cats;
    struct import_post p;
    int rc;

    if (pg->draft) {
        w->st->skipped++;
        say(w, SINK_INFO, "%s: a draft; skipped", w->shown);
        return 0;
    }
    if (!import_page_path(w->engine, w->rel, pg, path, sizeof(path))) {
        w->st->skipped++;
        say(w, SINK_INFO, "%s: no page of its own (a list page, the home "
            "page, or a name %s does not publish); skipped", w->shown,
            import_engine_name(w->engine));
        return 0;
    }
    memset(&p, 0, sizeof(p));
    p.link = path;
    p.title = pg->title;
    p.published = pg->published;
    if (!pg->date[0])
        p.published = import_page_name_day(w->rel);
    else if (pg->published == IMPORT_NO_DAY)
        say(w, SINK_WARN, "%s: the date '%s' is no date blogstat reads "
            "(YYYY-MM-DD...); the page is imported without one", w->shown,
            pg->date);
    terms_of(&tags, pg->tags, pg->ntags);
    jekyll_categories(w, pg, &cats);
    p.tags = (const char *const *)tags.v;
    p.ntags = tags.n;
    p.categories = (const char *const *)cats.v;
    p.ncategories = cats.n;
    p.tag_titles = (const char *const *)tags.title;
    p.category_titles = (const char *const *)cats.title;
    /* A page's front matter is the whole of its terms: none is none. */
    p.has_tags = p.has_categories = 1;
    p.aliases = pg->aliases;
    p.naliases = pg->naliases;
    w->st->posts++;
    rc = w->fn(w->ctx, &p, w->err);
    terms_free(&tags);
    terms_free(&cats);
    return rc;
}

/* The Markdown file name in folder dfd (w->rel names it). */
static int read_page(struct walk *w, int dfd, const char *name)
{
    struct import_page pg;
    struct bs_err ferr = {0};
    struct stat sb;
    size_t n = 0;
    int fd, rc;

    fd = openat(dfd, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0 || fstat(fd, &sb) != 0) {
        bs_fail(&ferr, BS_NOINPUT, "cannot open '%s': %s", w->shown,
                strerror(errno));
        if (fd >= 0)
            close(fd);
        file_error(w, &ferr);
        return 0;
    }
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        w->st->skipped++;
        say(w, SINK_WARN, "%s: not a regular file; skipped", w->shown);
        return 0;
    }
    while (n < IMPORT_FM_MAX) {
        ssize_t got = read(fd, w->buf + n, IMPORT_FM_MAX - n);

        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            bs_fail(&ferr, BS_IOERR, "%s: read error: %s", w->shown,
                    strerror(errno));
            close(fd);
            file_error(w, &ferr);
            return 0;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    close(fd);
    rc = import_fm_parse(w->fm, w->shown, w->buf, n, &pg, &ferr);
    if (rc < 0) {
        file_error(w, &ferr);
        return 0;
    }
    /* Hugo makes a page of every content file; Jekyll and Eleventy sites
     * hold Markdown that is no page (READMEs), told by its lack of front
     * matter. */
    if (rc == 0 && w->engine != IMPORT_ENGINE_HUGO) {
        w->st->skipped++;
        say(w, SINK_INFO, "%s: no front matter; skipped", w->shown);
        return 0;
    }
    return emit_page(w, &pg);
}

/* ---- the folders ------------------------------------------------------ */

static int is_markdown(const char *name)
{
    const char *dot = strrchr(name, '.');

    return dot && dot != name &&
           (import_key_is(dot, ".md") || import_key_is(dot, ".markdown"));
}

/* Folders no page is built from: output, dependencies, and (but in
 * Hugo's content/) Jekyll's and Eleventy's underscore folders, _drafts
 * among them. */
static int skip_folder(const struct walk *w, const char *name)
{
    if (name[0] == '.')
        return 1;
    if (w->engine == IMPORT_ENGINE_HUGO)
        return 0;
    return strcmp(name, "node_modules") == 0 ||
           strcmp(name, "vendor") == 0 ||
           (name[0] == '_' && strcmp(name, "_posts") != 0);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of folder d but "." and "..", sorted; NULL with err when
 * there are too many. */
static char **list_names(struct walk *w, DIR *d, size_t *count)
{
    char **v = NULL;
    size_t n = 0, cap = 0;
    const struct dirent *de;

    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (++w->entries > IMPORT_DIR_ENTRIES) {
            for (size_t i = 0; i < n; i++)
                free(v[i]);
            free(v);
            bs_fail(w->err, BS_DATAERR, "%s: more than %u names in its "
                    "folders; is it a site's source folder? nothing was "
                    "imported", w->root, IMPORT_DIR_ENTRIES);
            return NULL;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            v = xrealloc(v, cap * sizeof(*v));
        }
        v[n++] = xstrdup(de->d_name);
    }
    if (n)
        qsort(v, n, sizeof(*v), cmp_names);
    *count = n;
    return v ? v : xcalloc(1, sizeof(*v));
}

/* w->rel and w->shown with name appended; -1 when it does not fit. */
static int push_name(struct walk *w, size_t rel_len, const char *name)
{
    char clean[1024];
    size_t n = utf8_sanitize(name, strlen(name), clean, sizeof(clean));

    if (n + 2 >= sizeof(w->rel) - rel_len || n + 1 >= sizeof(clean) - 4) {
        say(w, SINK_WARN, "%s/%.*s...: a path too long; skipped", w->root,
            80, w->rel);
        return -1;
    }
    memcpy(w->rel + rel_len, clean, n + 1);
    snprintf(w->shown, sizeof(w->shown), "%s/%s", w->root,
             w->rel + w->implied);
    return 0;
}

static int walk_dir(struct walk *w, int dfd, size_t rel_len, int depth);

/* One name of folder dfd. */
static int visit(struct walk *w, int dfd, size_t rel_len, int depth,
                 const char *name)
{
    struct stat sb;
    int sub;

    if (push_name(w, rel_len, name))
        return 0;
    if (fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
        return 0;
    if (S_ISDIR(sb.st_mode)) {
        if (skip_folder(w, name))
            return 0;
        if (depth + 1 > IMPORT_DIR_DEPTH) {
            if (!w->deep_warned++)
                say(w, SINK_WARN, "%s: deeper than %d folders; not read",
                    w->shown, IMPORT_DIR_DEPTH);
            return 0;
        }
        sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
                                    O_CLOEXEC);
        if (sub < 0) {
            say(w, SINK_WARN, "%s: cannot open the folder: %s; skipped",
                w->shown, strerror(errno));
            return 0;
        }
        rel_len += strlen(w->rel + rel_len);
        w->rel[rel_len++] = '/';
        w->rel[rel_len] = '\0';
        return walk_dir(w, sub, rel_len, depth + 1);
    }
    if (!is_markdown(name))
        return 0;
    if (S_ISLNK(sb.st_mode)) {
        /* A symlinked page is read, a symlinked folder never entered. */
        if (fstatat(dfd, name, &sb, 0) != 0 || S_ISDIR(sb.st_mode)) {
            w->st->skipped++;
            say(w, SINK_WARN, "%s: a symlink to no file; skipped", w->shown);
            return 0;
        }
    }
    return read_page(w, dfd, name);
}

/* The folder open at dfd (closed here), whose path in the site is
 * w->rel[0..rel_len). */
static int walk_dir(struct walk *w, int dfd, size_t rel_len, int depth)
{
    DIR *d = fdopendir(dfd);
    char **names;
    size_t n = 0;
    int rc = 0;

    if (!d) {
        close(dfd);
        return 0;
    }
    names = list_names(w, d, &n);
    if (!names) {
        closedir(d);
        return -1;
    }
    for (size_t i = 0; i < n && !rc; i++) {
        /* Hugo builds pages from content/ alone. */
        if (rel_len == 0 && w->engine == IMPORT_ENGINE_HUGO &&
            strcmp(names[i], "content") != 0)
            continue;
        rc = visit(w, dfd, rel_len, depth, names[i]);
    }
    closedir(d);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

/* ---- entry ------------------------------------------------------------ */

static int has(int dfd, const char *name, int dir)
{
    struct stat sb;

    return fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
           (dir ? S_ISDIR(sb.st_mode) : S_ISREG(sb.st_mode));
}

int import_dir(const char *dir, const struct sink *sink, import_fn fn,
               void *ctx, struct import_stats *stats, struct bs_err *err)
{
    struct walk *w;
    const char *base = strrchr(dir, '/');
    size_t blen;
    int dfd, rc;

    memset(stats, 0, sizeof(*stats));
    stats->format = IMPORT_SITE;
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return bs_fail(err, BS_NOINPUT, "cannot open the folder '%s': %s",
                       dir, strerror(errno));
    w = xcalloc(1, sizeof(*w));
    w->root = dir;
    w->sink = sink;
    w->fn = fn;
    w->ctx = ctx;
    w->st = stats;
    w->err = err;
    /* The engine by the folder's shape; DIR may be the content/ or the
     * _posts/ folder itself, which then starts the paths. */
    base = base ? base + 1 : dir;
    blen = strlen(base);
    while (blen > 0 && base[blen - 1] == '/')
        blen--;
    if (blen == 7 && memcmp(base, "content", 7) == 0) {
        w->engine = IMPORT_ENGINE_HUGO;
        memcpy(w->rel, "content/", 9);
        w->implied = 8;
    } else if (blen == 6 && memcmp(base, "_posts", 6) == 0) {
        w->engine = IMPORT_ENGINE_JEKYLL;
        memcpy(w->rel, "_posts/", 8);
        w->implied = 7;
    } else if (has(dfd, "content", 1)) {
        w->engine = IMPORT_ENGINE_HUGO;
    } else if (has(dfd, "_posts", 1) || has(dfd, "_config.yml", 0)) {
        w->engine = IMPORT_ENGINE_JEKYLL;
    } else {
        w->engine = IMPORT_ENGINE_ELEVENTY;
    }
    stats->engine = (int)w->engine;
    w->fm = import_fm_new();
    w->buf = xmalloc(IMPORT_FM_MAX);
    rc = walk_dir(w, dfd, strlen(w->rel), 0);
    import_fm_free(w->fm);
    free(w->buf);
    free(w);
    return rc;
}
