/*
 * conf.c - config file handling on top of inih.
 */
#include "blogstat.h"
#include "conf.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/*
 * Debian's inih passes no line number to the handler, cuts lines at 200
 * bytes and never shows the handler a section header. So we feed it lines
 * ourselves (ini_parse_stream): the reader counts them and checks section
 * names; the first error wins, with its line. A setting too long for
 * inih's buffer reaches it as "key = CONF_LONG", its value kept in the
 * context, which inih hands to the handler before it reads the next line.
 */
struct conf_ctx {
    struct conf *conf;
    FILE *f;
    int lineno;
    int err_line;            /* line of err, 0 when none */
    struct bs_err err;
    int cont;                /* the line is indented: it goes on with the
                              * key before (inih's multi-line values) */
    int format_line, client_line; /* where they were set, for messages */
    char *proxies;           /* the trusted_proxies lines, joined */
    int section_line;        /* of the last section header read */
    char *exclude[CONF_SITES_MAX]; /* each site's exclude lines, joined */
    char *line;              /* the line being read, any length */
    size_t line_cap;
    const char *long_value;  /* the value CONF_LONG stands for, in line */
};

static const char *const json_keys[CONF_JSON_NKEYS] = {
    "json_client", "json_time", "json_status", "json_method", "json_uri",
    "json_request", "json_protocol", "json_bytes", "json_referer",
    "json_agent", "json_host", "json_xff"
};

#define CONF_LINE_MAX (1u << 20) /* the longest line read, whole */
#define CONF_LONG "\001"        /* a value too long for inih: long_value */

static void conf_error(struct conf_ctx *c, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void conf_error(struct conf_ctx *c, int line, const char *fmt, ...)
{
    va_list ap;

    if (c->err_line)
        return;
    c->err_line = line;
    c->err.status = BS_USAGE;
    va_start(ap, fmt);
    vsnprintf(c->err.msg, sizeof(c->err.msg), fmt, ap);
    va_end(ap);
}

static const char *const sections[] = {"site", "urls", "log", "geoip", "db"};

/* A site's NAME in [site NAME]: 1 when it is one. It names the site's
 * report folder (OUT/site/NAME), so "." and ".." are none. */
static int site_name_ok(const char *p, size_t n)
{
    if (n == 0 || n > 64 || strspn(p, ".") == n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)p[i]) && !strchr("._-", p[i]))
            return 0;
    return 1;
}

/* A section's name: one of sections[], or "site NAME" / "urls NAME". An
 * error is recorded when it is none of them. */
static void check_section(struct conf_ctx *c, const char *name)
{
    const char *sp = strchr(name, ' ');

    for (size_t k = 0; k < ARRAY_SIZE(sections); k++)
        if (strcmp(name, sections[k]) == 0)
            return;
    if (sp && ((sp - name == 4 && strncmp(name, "site", 4) == 0) ||
               (sp - name == 4 && strncmp(name, "urls", 4) == 0))) {
        const char *id = sp + 1;

        if (strcmp(id, "default") == 0)
            conf_error(c, c->lineno, "[%s]: 'default' is the name of the "
                       "site of [site] and [urls]; choose another", name);
        else if (!site_name_ok(id, strlen(id)))
            conf_error(c, c->lineno, "[%s]: a site's name is 1 to 64 "
                       "letters, digits, '.', '-' or '_', not dots alone",
                       name);
        return;
    }
    conf_error(c, c->lineno, "unknown section [%s]; use [site], [urls], "
               "[log], [geoip], [db], or [site NAME] and [urls NAME]",
               name);
}

/*
 * Read the next line into c->line (NUL-terminated, newline kept); its
 * length, 0 at the end. NULs and CONF_LONG bytes are errors (read as
 * blanks); a line over CONF_LINE_MAX is an error, and the rest of it is
 * skipped.
 */
static size_t read_line(struct conf_ctx *c)
{
    size_t n = 0;
    int ch;

    while ((ch = fgetc(c->f)) != EOF) {
        if (ch == '\0' || ch == CONF_LONG[0]) {
            conf_error(c, c->lineno + 1, "%s byte in the line",
                       ch ? "control" : "NUL");
            ch = ' ';
        }
        if (n + 2 > c->line_cap) {
            if (c->line_cap >= CONF_LINE_MAX) {
                conf_error(c, c->lineno + 1, "line longer than %u bytes",
                           CONF_LINE_MAX);
                while ((ch = fgetc(c->f)) != EOF && ch != '\n')
                    ;
                break;
            }
            c->line_cap = c->line_cap ? 2 * c->line_cap : 256;
            c->line = xrealloc(c->line, c->line_cap);
        }
        c->line[n++] = (char)ch;
        if (ch == '\n')
            break;
    }
    if (c->line)
        c->line[n] = '\0';
    return n;
}

/*
 * A line too long for inih's buffer of num bytes, into str: the value of
 * "key = value" or of an indented line going on with a key becomes
 * CONF_LONG and stays in c->line for the handler (trimmed, and without an
 * inline "; comment", as inih would pass it); a comment becomes an empty
 * line; anything else is an error.
 */
static char *shorten(struct conf_ctx *c, char *p, char *str, int num)
{
    char *v, *e;

    if (*p == ';' || *p == '#') {
        memcpy(str, "\n", 2);
        return str;
    }
    v = c->cont ? p : strpbrk(p, "=:");
    if (!v || *p == '[' || (size_t)(v - c->line) + 4 > (size_t)num) {
        conf_error(c, c->lineno, "a line this long must be a setting "
                   "('key = value') or a comment");
        str[0] = '\0';
        return str;
    }
    if (c->cont) {
        memcpy(str, " " CONF_LONG "\n", 4);
    } else {
        size_t k = (size_t)(v - c->line) + 1;

        memcpy(str, c->line, k);
        memcpy(str + k, CONF_LONG "\n", 3);
        v++;
    }
    while (*v == ' ' || *v == '\t')
        v++;
    for (e = v; *e; e++)
        if (*e == ';' && e > v && isspace((unsigned char)e[-1]))
            break;
    while (e > v && isspace((unsigned char)e[-1]))
        e--;
    *e = '\0';
    c->long_value = v;
    return str;
}

static char *reader(char *str, int num, void *stream)
{
    struct conf_ctx *c = stream;
    size_t n = read_line(c);
    char *p, *e;

    if (n == 0)
        return NULL;
    c->lineno++;
    for (p = c->line; *p == ' ' || *p == '\t'; p++)
        ;
    c->cont = p > c->line && *p && !strchr(";#\r\n", *p);
    if (n >= (size_t)num)
        return shorten(c, p, str, num);
    memcpy(str, c->line, n + 1);
    p = str + (p - c->line);
    /* inih skips any isspace() before a header, not only blanks. */
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '[' && (e = strchr(p, ']'))) {
        *e = '\0';
        c->section_line = c->lineno;
        check_section(c, p + 1);
        *e = ']';
    }
    return str;
}

static void set_str(char **dst, const char *v)
{
    free(*dst);
    *dst = xstrdup(v);
}

/* The next blank-separated word of *v (*n bytes), *v moved past it;
 * NULL at the end. */
static const char *next_word(const char **v, size_t *n)
{
    const char *w = *v;

    while (*w == ' ' || *w == '\t')
        w++;
    *n = 0;
    while (w[*n] && w[*n] != ' ' && w[*n] != '\t')
        (*n)++;
    *v = w + *n;
    return *n ? w : NULL;
}

/* Split a value on blanks and add each word as a glob of the list. */
static int add_globs(struct conf_ctx *c, struct url_rules *rules,
                     const char *v,
                     int (*add)(struct url_rules *, const char *,
                                struct bs_err *))
{
    char word[512];
    const char *w;
    size_t n;

    while ((w = next_word(&v, &n)) != NULL) {
        if (n >= sizeof(word)) {
            conf_error(c, c->lineno, "pattern too long");
            return -1;
        }
        memcpy(word, w, n);
        word[n] = '\0';
        {
            struct bs_err e = {0};

            if (add(rules, word, &e)) {
                conf_error(c, c->lineno, "%s", e.msg);
                return -1;
            }
        }
    }
    return 0;
}

/* Append " value" to *dst (a format string or a list over lines). */
static void append_str(char **dst, const char *v)
{
    size_t n = *dst ? strlen(*dst) : 0, m = strlen(v);
    char *s = xmalloc(n + m + 2);

    if (n)
        memcpy(s, *dst, n);
    s[n] = ' ';
    memcpy(s + (n ? n + 1 : 0), v, m + 1);
    free(*dst);
    *dst = s;
}

/* A key of [log]: 0, or -1 with the error recorded. */
static int log_setting(struct conf_ctx *c, const char *name,
                       const char *value)
{
    struct conf *conf = c->conf;

    if (strcmp(name, "format") == 0) {
        if (!*value) {
            conf_error(c, c->lineno, "empty format; use auto, common, "
                       "combined, vhost_combined, nginx, caddy, json or a "
                       "format string (doc/formats.md)");
            return -1;
        }
        /* An indented line goes on with the format string above it. */
        if (c->cont && conf->format) {
            append_str(&conf->format, value);
        } else {
            set_str(&conf->format, value);
            c->format_line = c->lineno;
        }
        return 0;
    }
    if (strcmp(name, "timezone") == 0) {
        set_str(&conf->timezone, value);
        return 0;
    }
    if (strcmp(name, "trusted_proxies") == 0) {
        struct bs_err err = {0};
        struct proxies *px = proxies_parse(value, &err);

        /* Each line is checked on its own, to name it. */
        if (!px) {
            conf_error(c, c->lineno, "%s", err.msg);
            return -1;
        }
        proxies_free(px);
        append_str(&c->proxies, value);
        return 0;
    }
    if (strcmp(name, "client") == 0) {
        if (strcmp(value, "x_forwarded_for") == 0) {
            conf->client_xff = 1;
        } else if (strcmp(value, "connection") == 0) {
            conf->client_xff = 0;
        } else {
            conf_error(c, c->lineno, "unknown client '%s'; use connection "
                       "or x_forwarded_for", value);
            return -1;
        }
        c->client_line = c->lineno;
        return 0;
    }
    for (size_t k = 0; k < CONF_JSON_NKEYS; k++) {
        if (strcmp(name, json_keys[k]) == 0) {
            set_str(&conf->json[k], value);
            return 0;
        }
    }
    conf_error(c, c->lineno, "unknown setting '%s' in [log]", name);
    return -1;
}

static struct conf_site *site_add(struct conf *conf, const char *id,
                                  int line)
{
    struct conf_site *st;

    conf->sites = xrealloc(conf->sites,
                           (conf->nsites + 1) * sizeof(*conf->sites));
    st = &conf->sites[conf->nsites++];
    memset(st, 0, sizeof(*st));
    st->id = xstrdup(id);
    st->rules = url_rules_new();
    st->line = line;
    return st;
}

/* The site of a [site ...] or [urls ...] section (made when new), or NULL
 * when the section is of neither kind; *base is "site" or "urls". */
static struct conf_site *section_site(struct conf_ctx *c, const char *section,
                                      const char **base)
{
    struct conf *conf = c->conf;
    const char *id = "default";
    int k;

    if (strcmp(section, "site") == 0 || strcmp(section, "urls") == 0) {
        *base = section;
    } else if (strncmp(section, "site ", 5) == 0 ||
               strncmp(section, "urls ", 5) == 0) {
        *base = section[0] == 's' ? "site" : "urls";
        id = section + 5;
    } else {
        return NULL;
    }
    k = conf_site_find(conf, id);
    if (k >= 0)
        return &conf->sites[k];
    if (conf->nsites >= CONF_SITES_MAX) {
        conf_error(c, c->section_line, "more than %d sites besides the "
                   "default", CONF_SITES_MAX - 1);
        return NULL;
    }
    return site_add(conf, id, c->section_line);
}

/* Lower case, no port, no trailing dot: a host as sites match it. n is
 * cut to the name's length; 0 when nothing is left. */
static size_t host_norm(const char *h, size_t n, char *out, size_t cap)
{
    size_t k = 0;

    if (n > 0 && h[0] == '[') {
        /* [v6]:port */
        const char *e = memchr(h, ']', n);

        n = e ? (size_t)(e - h) + 1 : n;
    } else {
        const char *colon = memchr(h, ':', n);

        /* A single colon ends the name; two or more: an IPv6 address. */
        if (colon && !memchr(colon + 1, ':', n - (size_t)(colon - h) - 1))
            n = (size_t)(colon - h);
    }
    while (n > 0 && h[n - 1] == '.')
        n--;
    if (n >= cap)
        return 0;
    for (k = 0; k < n; k++)
        out[k] = (char)tolower((unsigned char)h[k]);
    out[k] = '\0';
    return k;
}

/* A normalised host as hosts = takes it: a name (letters, digits, '.',
 * '-', '_'), maybe "*." and a name, or a bracketed IPv6 address. */
static int host_ok(const char *h, size_t m)
{
    static const char name[] = "abcdefghijklmnopqrstuvwxyz0123456789.-_";

    if (m == 0)
        return 0;
    if (h[0] == '[')
        return m > 2 && h[m - 1] == ']' &&
               strspn(h + 1, "0123456789abcdef:.") == m - 2;
    if (h[0] == '*') {
        if (m < 3 || h[1] != '.')
            return 0;
        h += 2;
        m -= 2;
    }
    return strspn(h, name) == m;
}

/* Add the blank-separated hosts of v to site st. */
static int add_hosts(struct conf_ctx *c, struct conf_site *st, const char *v)
{
    char word[256];
    const char *w;
    size_t n, m;

    while ((w = next_word(&v, &n)) != NULL) {
        int seen = 0;

        m = host_norm(w, n, word, sizeof(word));
        if (!host_ok(word, m)) {
            conf_error(c, c->lineno, "'%.*s' is not a host name; hosts = "
                       "takes names such as blog.example.org or "
                       "*.example.org", (int)n, w);
            return -1;
        }
        /* Named twice (in other spellings): once is enough. */
        for (size_t i = 0; i < st->nhosts; i++)
            seen |= strcmp(st->hosts[i], word) == 0;
        if (seen)
            continue;
        st->hosts = xrealloc(st->hosts, (st->nhosts + 1) * sizeof(char *));
        st->hosts[st->nhosts++] = xstrdup(word);
    }
    return 0;
}

static int handler(void *user, const char *section, const char *name,
                   const char *value)
{
    struct conf_ctx *c = user;
    struct conf *conf = c->conf;
    struct bs_err err = {0};
    const char *base = "";
    struct conf_site *st = section_site(c, section, &base);

    if (c->err_line)
        return 0;
    if (strcmp(value, CONF_LONG) == 0)
        value = c->long_value;
    if (st && strcmp(base, "site") == 0 && strcmp(name, "name") == 0) {
        set_str(&st->name, value);
    } else if (st && strcmp(base, "site") == 0 && strcmp(name, "url") == 0) {
        set_str(&st->url, value);
        /* Links from the site itself are internal referrers. */
        if (url_rules_set_site(st->rules, value, &err)) {
            conf_error(c, c->lineno, "%s", err.msg);
            return 0;
        }
    } else if (st && strcmp(base, "site") == 0 &&
               strcmp(name, "hosts") == 0) {
        if (add_hosts(c, st, value))
            return 0;
    } else if (st && strcmp(base, "site") == 0 &&
               strcmp(name, "exclude") == 0) {
        /* Each line is checked on its own, to name it. */
        struct netrange *r = netrange_parse(value, "exclude", &err);

        if (!r) {
            conf_error(c, c->lineno, "%s", err.msg);
            return 0;
        }
        netrange_free(r);
        append_str(&c->exclude[st - conf->sites], value);
    } else if (st && strcmp(base, "urls") == 0 &&
               (strcmp(name, "post") == 0 || strcmp(name, "tag") == 0 ||
                strcmp(name, "category") == 0 ||
                strcmp(name, "author") == 0)) {
        if (url_rules_set(st->rules, name, value, &err)) {
            conf_error(c, c->lineno, "%s", err.msg);
            return 0;
        }
    } else if (st && strcmp(base, "urls") == 0 &&
               strcmp(name, "preset") == 0) {
        /* The engine's shapes; the patterns of [urls] win, above or
         * below it. */
        if (url_rules_preset(st->rules, value, &err)) {
            conf_error(c, c->lineno, "%s", err.msg);
            return 0;
        }
    } else if (st && strcmp(base, "urls") == 0 &&
               strcmp(name, "ignore") == 0) {
        if (add_globs(c, st->rules, value, url_rules_add_ignore))
            return 0;
    } else if (st && strcmp(base, "urls") == 0 &&
               strcmp(name, "feed") == 0) {
        if (add_globs(c, st->rules, value, url_rules_add_feed))
            return 0;
    } else if (strcmp(section, "log") == 0) {
        if (log_setting(c, name, value))
            return 0;
    } else if (strcmp(section, "geoip") == 0 &&
               strcmp(name, "database") == 0) {
        set_str(&conf->geoip, value);
    } else if (strcmp(section, "db") == 0 && strcmp(name, "path") == 0) {
        set_str(&conf->db, value);
    } else if (strcmp(section, "db") == 0 && strcmp(name, "key") == 0) {
        set_str(&conf->db_key, value);
    } else {
        conf_error(c, c->lineno, "unknown setting '%s' in [%s]", name,
                   section);
        return 0;
    }
    return 1;
}

/* The host of a site's url = is one of its hosts (when it is a plain
 * name: an address that is not, such as an IDN, is left to hosts =). */
static int url_host(struct conf_ctx *c, struct conf_site *st)
{
    const char *h = strstr(st->url, "://");
    size_t n;
    char word[256];
    const char *at;

    h = h ? h + 3 : st->url;
    n = strcspn(h, "/?#");
    if ((at = memchr(h, '@', n)) != NULL) {
        n -= (size_t)(at + 1 - h);
        h = at + 1;
    }
    n = host_norm(h, n, word, sizeof(word));
    if (!host_ok(word, n) || word[0] == '*')
        return 0;
    c->lineno = st->line;
    return add_hosts(c, st, word);
}

/* Every site but the default needs hosts, and a host is one site's. */
static int finish_sites(struct conf_ctx *c)
{
    struct conf *conf = c->conf;

    for (size_t i = 0; i < conf->nsites; i++) {
        struct conf_site *st = &conf->sites[i];

        /* Each line parsed alone: the whole parses too. */
        if (c->exclude[i] &&
            !(st->exclude = netrange_parse(c->exclude[i], "exclude", NULL)))
            BUG("exclude of site '%s'", st->id);

        if (st->url && url_host(c, st))
            return -1;
        if (i > 0 && st->nhosts == 0) {
            conf_error(c, st->line, "site '%s' has no hosts = and no url = "
                       "to say which log lines are its", st->id);
            return -1;
        }
    }
    for (size_t i = 0; i < conf->nsites; i++)
        for (size_t j = 0; j < conf->sites[i].nhosts; j++)
            for (size_t k = i; k < conf->nsites; k++)
                for (size_t l = k == i ? j + 1 : 0; l < conf->sites[k].nhosts;
                     l++)
                    if (strcmp(conf->sites[i].hosts[j],
                               conf->sites[k].hosts[l]) == 0) {
                        conf_error(c, conf->sites[k].line, "host '%s' is "
                                   "named by site '%s' and by site '%s'",
                                   conf->sites[k].hosts[l],
                                   conf->sites[i].id, conf->sites[k].id);
                        return -1;
                    }
    return 0;
}

/* What can only be checked once every line is read: 0, or -1 with the
 * error recorded. */
static int finish(struct conf_ctx *c)
{
    struct conf *conf = c->conf;
    struct bs_err err = {0};

    if (c->proxies) {
        conf->proxies = proxies_parse(c->proxies, &err);
        if (!conf->proxies) {
            conf_error(c, c->lineno, "trusted_proxies: %s", err.msg);
            return -1;
        }
        if (proxies_count(conf->proxies) == 0) {
            proxies_free(conf->proxies);
            conf->proxies = NULL;
        }
    }
    if (conf->client_xff && !conf->proxies) {
        conf_error(c, c->client_line, "client = x_forwarded_for needs "
                   "trusted_proxies = the addresses of your proxies: "
                   "anyone can send X-Forwarded-For");
        return -1;
    }
    for (size_t k = 0; k < CONF_JSON_NKEYS; k++) {
        const char *f = conf->format ? conf->format : "auto";

        if (conf->json[k] && strcmp(f, "json") != 0 &&
            strcmp(f, "caddy") != 0 && strcmp(f, "auto") != 0) {
            conf_error(c, c->format_line, "%s is set but format is not "
                       "json, caddy or auto; the json_* keys map the "
                       "fields of JSON logs", json_keys[k]);
            return -1;
        }
    }
    if (conf_check_format(conf, NULL, &err)) {
        conf_error(c, c->format_line ? c->format_line : c->lineno, "%s",
                   err.msg);
        return -1;
    }
    return finish_sites(c);
}

static void ctx_free(struct conf_ctx *c)
{
    free(c->line);
    free(c->proxies);
    for (size_t i = 0; i < CONF_SITES_MAX; i++)
        free(c->exclude[i]);
}

struct conf *conf_load(const char *path, struct bs_err *err)
{
    struct conf *conf = xcalloc(1, sizeof(*conf));
    struct conf_ctx ctx = {0};
    struct stat st;
    int rc;

    site_add(conf, "default", 0);
    if (!path)
        return conf;
    conf->path = xstrdup(path);
    ctx.f = fopen(path, "r");
    if (!ctx.f || (fstat(fileno(ctx.f), &st) == 0 && S_ISDIR(st.st_mode))) {
        bs_fail(err, BS_NOINPUT, "cannot open config '%s': %s", path,
                ctx.f ? "it is a directory" : strerror(errno));
        if (ctx.f)
            fclose(ctx.f);
        conf_free(conf);
        return NULL;
    }
    ctx.conf = conf;
    rc = ini_parse_stream(reader, &ctx, handler, &ctx);
    fclose(ctx.f);
    /* inih's rc is the first line it found wrong, ours or a syntax error. */
    if (ctx.err_line && (rc <= 0 || ctx.err_line <= rc)) {
        bs_fail(err, ctx.err.status, "%s:%d: %s", path, ctx.err_line,
                ctx.err.msg);
    } else if (rc != 0) {
        bs_fail(err, BS_USAGE, "%s:%d: syntax error; expected '[section]' "
                "or 'key = value'", path, rc);
    } else if (finish(&ctx) == 0) {
        ctx_free(&ctx);
        return conf;
    } else {
        bs_fail(err, ctx.err.status, "%s:%d: %s", path, ctx.err_line,
                ctx.err.msg);
    }
    ctx_free(&ctx);
    conf_free(conf);
    return NULL;
}

void conf_free(struct conf *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nsites; i++) {
        struct conf_site *st = &c->sites[i];

        free(st->id);
        free(st->name);
        free(st->url);
        for (size_t j = 0; j < st->nhosts; j++)
            free(st->hosts[j]);
        free(st->hosts);
        url_rules_free(st->rules);
        netrange_free(st->exclude);
    }
    free(c->sites);
    free(c->path);
    free(c->db);
    free(c->db_key);
    free(c->geoip);
    free(c->format);
    free(c->timezone);
    for (size_t k = 0; k < CONF_JSON_NKEYS; k++)
        free(c->json[k]);
    proxies_free(c->proxies);
    free(c);
}

void conf_parse_options(const struct conf *c, struct log_json_map *map,
                        struct parse_options *opt)
{
    const char *const *j = (const char *const *)c->json;

    *map = (struct log_json_map){
        .client = j[CONF_JSON_CLIENT], .time = j[CONF_JSON_TIME],
        .status = j[CONF_JSON_STATUS], .method = j[CONF_JSON_METHOD],
        .uri = j[CONF_JSON_URI], .request = j[CONF_JSON_REQUEST],
        .protocol = j[CONF_JSON_PROTOCOL], .bytes = j[CONF_JSON_BYTES],
        .referer = j[CONF_JSON_REFERER], .agent = j[CONF_JSON_AGENT],
        .host = j[CONF_JSON_HOST], .xff = j[CONF_JSON_XFF],
    };
    opt->timezone = c->timezone;
    opt->json = map;
}

int conf_check_format(const struct conf *c, const char *format,
                      struct bs_err *err)
{
    struct log_json_map map;
    struct parse_options opt;
    struct parser *p;

    conf_parse_options(c, &map, &opt);
    if (!format)
        format = c->format ? c->format : "auto";
    p = parser_compile(format, &opt, err);
    if (!p)
        return -1;
    parser_free(p);
    return 0;
}

int conf_site_find(const struct conf *c, const char *name)
{
    for (size_t i = 0; i < c->nsites; i++)
        if (strcmp(c->sites[i].id, name) == 0)
            return (int)i;
    return -1;
}

int conf_site_of_host(const struct conf *c, const char *host, size_t n)
{
    char h[256];
    size_t m, best_len = 0;
    int best = -1;

    if ((m = host_norm(host, n, h, sizeof(h))) == 0)
        return -1;
    /* A name given as it is wins; else the longest "*.domain" of it. */
    for (size_t i = 0; i < c->nsites; i++) {
        const struct conf_site *st = &c->sites[i];

        for (size_t j = 0; j < st->nhosts; j++) {
            const char *p = st->hosts[j];
            size_t pn = strlen(p);

            if (p[0] != '*') {
                if (pn == m && memcmp(p, h, m) == 0)
                    return (int)i;
            } else if (m > pn - 1 && pn > best_len &&
                       memcmp(h + m - (pn - 1), p + 1, pn - 1) == 0) {
                best = (int)i;
                best_len = pn;
            }
        }
    }
    return best;
}
