/*
 * import_int.h - what the files of the import module share; not part of
 * its interface (include/import.h is).
 */
#ifndef BLOGSTAT_IMPORT_INT_H
#define BLOGSTAT_IMPORT_INT_H

#include "blogstat.h"
#include "import.h"
#include "import_toml.h"

/*
 * Untrusted text as people expect it in dst (cap bytes): blanks around
 * it trimmed, runs of whitespace as one space, cut on a character
 * boundary to fit, made valid UTF-8.
 */
void import_set_text(char *dst, size_t cap, const char *src, size_t n);

/* s with the blanks around it trimmed, in place. */
char *import_trim(char *s);

/* 1 when the ASCII strings a and b are equal but for case. */
int import_key_is(const char *a, const char *b);

#endif
