/*
 * json_str.h - the body of a JSON string decoded: the escapes resolved
 * into UTF-8, for the JSON-lines log parser (per line) and the JSON Feed
 * importer alike.
 */
#ifndef BLOGSTAT_JSON_STR_H
#define BLOGSTAT_JSON_STR_H

#include <stddef.h>

/*
 * Decode the n bytes of a JSON string's body at s (between the quotes,
 * escapes as written) into out, cap bytes, which the caller owns; no NUL
 * is added. The result is never longer than the input: "\uXXXX" is six
 * bytes for at most three, a surrogate pair twelve for four, so cap >= n
 * always suffices. A \u0000 and a lone surrogate become U+FFFD, so no
 * NUL and no invalid UTF-8 come out of an escape (bytes outside escapes
 * are copied as they are).
 *
 * Returns the length written, or SIZE_MAX when an escape is malformed
 * (a backslash last, an unknown letter, \u without four hex digits) or
 * out is too small. No allocation: the log parser calls it per line.
 */
size_t json_unescape(const char *s, size_t n, char *out, size_t cap);

#endif
