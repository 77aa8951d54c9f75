/*
 * conf.h - the INI config of SPEC.md ("URL rules"), read with inih.
 */
#ifndef BLOGSTAT_CONF_H
#define BLOGSTAT_CONF_H

#include "blogstat.h"
#include "classify.h"
#include "parser.h"

struct conf {
    char *path;              /* the file read, NULL for built-in defaults */
    char *db;                /* [db] path, or NULL */
    char *geoip;             /* [geoip] database, or NULL */
    char *site_name;         /* [site] name, or NULL */
    char *site_url;          /* [site] url, or NULL */
    enum log_format format;  /* [log] format, LOG_AUTO by default */
    struct url_rules *rules; /* [urls], WordPress defaults otherwise */
};

/*
 * Read the config at path, or the built-in defaults when path is NULL.
 * Unknown sections and keys, bad patterns and bad values are errors
 * naming the file and line (BS_USAGE); a file that cannot be opened is
 * BS_NOINPUT. Caller frees with conf_free().
 */
struct conf *conf_load(const char *path, struct bs_err *err);
void conf_free(struct conf *c);

#endif
