/*
 * conf.h - the INI config (README.md "Config"), read with inih.
 */
#ifndef BLOGSTAT_CONF_H
#define BLOGSTAT_CONF_H

#include "blogstat.h"
#include "classify.h"
#include "parser.h"
#include "netrange.h"
#include "proxy.h"

/* The [log] json_* keys, in the order of struct log_json_map. */
enum conf_json_key {
    CONF_JSON_CLIENT, CONF_JSON_TIME, CONF_JSON_STATUS, CONF_JSON_METHOD,
    CONF_JSON_URI, CONF_JSON_REQUEST, CONF_JSON_PROTOCOL, CONF_JSON_BYTES,
    CONF_JSON_REFERER, CONF_JSON_AGENT, CONF_JSON_HOST, CONF_JSON_XFF,
    CONF_JSON_NKEYS
};

/*
 * A site: [site] and [urls] (the default, sites[0]) or [site NAME] and
 * [urls NAME]. A log of several virtual hosts counts each line for the
 * site whose hosts hold the line's host; lines of no declared host, of a
 * format without a host, and bad lines count for the default.
 */
#define CONF_SITES_MAX 32
struct conf_site {
    char *id;                /* "default" or NAME: the database's name of
                              * the site, what --site takes */
    char *name;              /* name =, a title, or NULL */
    char *url;               /* url =, or NULL */
    char **hosts;            /* hosts = and the host of url, lower case;
                              * "*.example.org" for any name under it */
    size_t nhosts;
    struct url_rules *rules; /* its [urls]: preset = and patterns; the
                              * wordpress preset otherwise */
    struct netrange *exclude;/* exclude =: the owner's addresses, whose
                              * lines count nowhere; NULL: none */
    int line;                /* where it was declared, for messages */
};

struct conf {
    char *path;              /* the file read, NULL for built-in defaults */
    char *db;                /* [db] path, or NULL */
    char *db_key;            /* [db] key: the visitor key file, or NULL
                              * (DB.key beside a database file) */
    char *geoip;             /* [geoip] database, or NULL */
    char *format;            /* [log] format: a name or a format string
                              * (doc/formats.md); NULL: "auto" */
    char *timezone;          /* [log] timezone, or NULL (UTC) */
    char *json[CONF_JSON_NKEYS]; /* [log] json_client ... json_xff */
    struct proxies *proxies; /* [log] trusted_proxies, NULL: none */
    int client_xff;          /* [log] client = x_forwarded_for */
    struct conf_site *sites; /* sites[0] is the default, always there */
    size_t nsites;
};

/*
 * Read the config at path, or the built-in defaults when path is NULL.
 * Unknown sections and keys, bad patterns and bad values (a log format
 * that does not compile, a bad proxy list) are errors naming the file
 * and line (BS_USAGE); a value indented under a key goes on with it
 * (for format strings longer than a line); a file that cannot be opened is
 * BS_NOINPUT. Caller frees with conf_free().
 */
struct conf *conf_load(const char *path, struct bs_err *err);
void conf_free(struct conf *c);

/* The index of the site whose id is name: 0 for "default", -1 none. */
int conf_site_find(const struct conf *c, const char *name);

/*
 * The index of the site of a log line's virtual host (as logged: any
 * case, maybe with a ":port" or a trailing dot), -1 when no site names
 * it (its lines are the default site's). Cheap enough for every line.
 */
int conf_site_of_host(const struct conf *c, const char *host, size_t n);

/*
 * The parse options the config gives (its time zone, its JSON map, which
 * point into c and *map): for parser_compile() and parse_detect().
 */
void conf_parse_options(const struct conf *c, struct log_json_map *map,
                        struct parse_options *opt);

/*
 * Check that format (a name or format string; NULL: the config's) can be
 * compiled with the config's options: 0, or -1 with err (BS_USAGE). The
 * first compile with an IANA time zone sets TZ for a moment: call this
 * before starting threads.
 */
int conf_check_format(const struct conf *c, const char *format,
                      struct bs_err *err);

#endif
