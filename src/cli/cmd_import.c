/*
 * cmd_import.c - `blogstat import`: post metadata into the store.
 *
 * Each file is one transaction: a malformed file changes nothing. A
 * site's source folder is one transaction too, of the pages that could be
 * read: a bad page is named and counted, and the others are kept. A post
 * is keyed by the canonical path the classifier gives its URL, so that it
 * meets the views counted under the same rules, before or after.
 */
#include "blogstat.h"
#include "classify.h"
#include "cli.h"
#include "import.h"
#include "sink.h"
#include "store.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char import_usage[] =
    "usage: blogstat import [--site NAME] FILE|DIR...\n"
    "\n"
    "Read post metadata (titles, dates, tags, categories) from a WordPress\n"
    "export (Tools > Export, .xml), an RSS 2.0, Atom or JSON Feed, or a CSV\n"
    "file with the header 'path,title,published,tags' (tags separated by\n"
    "'|', an optional 'categories' column likewise). The format is found\n"
    "from the content. A folder is a static site's source (Hugo, Jekyll,\n"
    "Eleventy): its Markdown files' YAML or TOML front matter, drafts left\n"
    "out. Importing again updates titles and tags; views counted before\n"
    "the import are kept.\n"
    "\n"
    "  --site NAME  the posts are those of site NAME ([site NAME] in the\n"
    "               config); without it, a post whose link names a host of\n"
    "               a site is that site's, the others the default site's\n";

struct import_ctx {
    const struct conf *conf;
    int site;                 /* --site: the config's index, -1: by link */
    int64_t ids[CONF_SITES_MAX]; /* the sites' database ids */
    struct store *store;
    const char *file;
    struct url_class cls;
    uint64_t not_content;     /* URLs that are no post or page */
    uint64_t mismatched;      /* posts whose URL the post pattern misses */
};

/* "https://host/a/b?c" -> "/a/b?c"; a path stays as it is. The host
 * ("" for none) goes to *host, *host_n. */
static const char *url_path(const char *link, const char **host,
                            size_t *host_n)
{
    const char *p = strstr(link, "://"), *h = NULL;

    if (p && p - link < 16)
        h = p + 3;
    else if (link[0] == '/' && link[1] == '/')
        h = link + 2;
    *host = "";
    *host_n = 0;
    if (!h)
        return link;
    p = strchr(h, '/');
    *host = h;
    *host_n = p ? (size_t)(p - h) : strlen(h);
    return p ? p : "/";
}

/* Decoded slugs, as the classifier writes tag keys ("s%C3%A4k" -> "säk"). */
static char **decode_terms(const char *const *in, size_t n)
{
    char **out = xcalloc(n + 1, sizeof(*out));

    for (size_t i = 0; i < n; i++) {
        size_t cap = strlen(in[i]) * 3 + 1, len;

        out[i] = xmalloc(cap + 1);
        len = url_decode_path(in[i], strlen(in[i]), out[i], cap);
        if (len == SIZE_MAX)
            len = 0;
        out[i][len] = '\0';
    }
    return out;
}

static void free_terms(char **t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(t[i]);
    free(t);
}

static int on_post(void *data, const struct import_post *p,
                   struct bs_err *err)
{
    struct import_ctx *c = data;
    const char *host;
    size_t host_n;
    const char *path = url_path(p->link, &host, &host_n);
    int k = c->site >= 0 ? c->site : conf_site_of_host(c->conf, host, host_n);
    size_t site = k > 0 ? (size_t)k : 0;
    enum url_kind kind;
    struct store_post sp;
    char **tags, **cats;
    int rc;

    kind = classify_url(c->conf->sites[site].rules, path, strlen(path),
                        &c->cls);
    if (kind != URL_POST && kind != URL_PAGE) {
        c->not_content++;
        if (cli.verbose)
            cli_warn("%s: '%s' is a %s URL by the [urls] rules, not a post "
                     "or page; skipped", c->file, path, url_kind_name(kind));
        return 0;
    }
    if (p->type && strcmp(p->type, "post") == 0 && kind != URL_POST)
        c->mismatched++;
    memset(&sp, 0, sizeof(sp));
    sp.path = c->cls.key;
    sp.kind = !p->type                    ? kind
              : strcmp(p->type, "page") == 0 ? URL_PAGE
                                              : URL_POST;
    sp.title = p->title;
    sp.has_published = p->published != IMPORT_NO_DAY;
    sp.published = p->published;
    sp.post_id = p->post_id;
    tags = decode_terms(p->tags, p->ntags);
    cats = decode_terms(p->categories, p->ncategories);
    sp.tags = (const char *const *)tags;
    sp.ntags = p->ntags;
    sp.categories = (const char *const *)cats;
    sp.ncategories = p->ncategories;
    sp.tag_titles = p->tag_titles;
    sp.category_titles = p->category_titles;
    sp.has_tags = p->has_tags;
    sp.has_categories = p->has_categories;
    rc = store_put_post(c->store, c->ids[site], &sp, err);
    free_terms(tags, p->ntags);
    free_terms(cats, p->ncategories);
    return rc;
}

int cmd_import(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, NULL, 'h'},
        {"site", required_argument, NULL, 's'},
        {NULL, 0, NULL, 0},
    };
    struct bs_err err = {0};
    struct import_ctx ctx = {0};
    struct cli_sink sink;
    struct conf *conf;
    const char *site = NULL;
    int c, status = 0;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(import_usage, stdout);
            return 0;
        case 's':
            site = optarg;
            break;
        default:
            return cli_usage("import ", "unknown option '%s'",
                             argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return cli_usage("import ", "no file given");
    if (!(conf = cli_conf(&err))) {
        cli_error(&err);
        return err.status;
    }
    cli_sink(&sink, 0);
    ctx.conf = conf;
    ctx.site = site ? conf_site_find(conf, site) : -1;
    if (site && ctx.site < 0) {
        status = cli_usage("import ", "no site '%s' in the config: declare "
                           "it with [site %s] and its hosts", site, site);
        conf_free(conf);
        return status;
    }
    ctx.store = store_open(cli_db_path(conf), STORE_WRITE, &err);
    if (!ctx.store || cli_site_ids(ctx.store, conf, ctx.ids, &err)) {
        cli_error(&err);
        store_close(ctx.store);
        conf_free(conf);
        return err.status;
    }
    for (int i = optind; i < argc; i++) {
        struct import_stats st;
        struct bs_err ferr = {0};

        struct stat sb;
        int is_dir = stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode);

        ctx.file = argv[i];
        ctx.not_content = ctx.mismatched = 0;
        if (store_begin(ctx.store, &ferr) ||
            (is_dir ? import_dir(argv[i], &sink.sink, on_post, &ctx, &st, &ferr)
                    : import_file(argv[i], on_post, &ctx, &st, &ferr)) ||
            store_commit(ctx.store, &ferr)) {
            store_rollback(ctx.store);
            cli_error(&ferr);
            if (!status)
                status = ferr.status;
            if (ferr.status == BS_IOERR || ferr.status == BS_TEMPFAIL)
                break;
            continue;
        }
        if (ctx.mismatched)
            cli_warn("%s: %llu %s whose URL does not match the post "
                     "pattern; %s listed as pages: check [urls] post "
                     "in the config", argv[i],
                     (unsigned long long)ctx.mismatched,
                     plural((int64_t)ctx.mismatched, "post", "posts"),
                     plural((int64_t)ctx.mismatched, "it is", "they are"));
        if (!cli.quiet && (cli.verbose || isatty(STDERR_FILENO))) {
            uint64_t posts = st.posts - ctx.not_content,
                     skipped = st.skipped + ctx.not_content;

            cli_warn("%s: %s%s%s, %llu %s imported, %llu %s skipped",
                     argv[i], is_dir ? import_engine_name(st.engine) : "",
                     is_dir ? " " : "", import_format_name(st.format),
                     (unsigned long long)posts,
                     plural((int64_t)posts, "post or page",
                            "posts and pages"),
                     (unsigned long long)skipped,
                     plural((int64_t)skipped, "item", "items"));
        }
        /* The pages that were read are kept; the run still fails. */
        if (st.bad) {
            cli_warn("%s: %llu %s not read (named above); the other "
                     "pages are imported", argv[i],
                     (unsigned long long)st.bad,
                     plural((int64_t)st.bad, "file", "files"));
            if (!status)
                status = BS_DATAERR;
        }
    }
    store_close(ctx.store);
    conf_free(conf);
    return status;
}
