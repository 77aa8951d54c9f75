/*
 * import_toml.h - the fields of a TOML document, read with toml++ (C++17)
 * and handed to C one at a time. Plain C on both sides: import_toml.cc
 * includes it and defines the function with C linkage.
 *
 * Only the top-level keys are reported: strings, booleans ("true",
 * "false"), dates and date-times (as "YYYY-MM-DD" and
 * "YYYY-MM-DDTHH:MM:SS"), integers; an array as FM_LIST followed by one
 * FM_ITEM per element of those kinds. Tables and other values are left
 * out. The strings are borrowed for the call.
 */
#ifndef BLOGSTAT_IMPORT_TOML_H
#define BLOGSTAT_IMPORT_TOML_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum fm_value {
    FM_SCALAR,       /* key = value */
    FM_LIST,         /* key = [...] starts (v is NULL) */
    FM_ITEM          /* one element of the list of key */
};

/* A field of the front matter: v[0..n), NUL-terminated. */
typedef void (*fm_field_fn)(void *ctx, const char *key, enum fm_value kind,
                            const char *v, size_t n);

/*
 * Parse text[0..n) as TOML and call fn for each field. Returns 0, or -1
 * with *line (1-based, 0 when unknown) and msg (msgcap bytes) saying what
 * is wrong; then fn may have been called for no field at all.
 */
int import_toml_fields(const char *text, size_t n, fm_field_fn fn, void *ctx,
                       unsigned *line, char *msg, size_t msgcap);

#ifdef __cplusplus
}
#endif

#endif
