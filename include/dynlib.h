/*
 * dynlib.h - libraries opened when first needed rather than linked.
 *
 * blogstat links what every command uses and opens the rest by soname
 * on first use (libpq for a PostgreSQL database, cairo, pango and libpng
 * for the charts): their dozens of dependencies would otherwise be
 * loaded at every start. A caller keeps a table of function pointers,
 * lists each with its name (DYNLIB_SYM), and fills it with dynlib_load().
 */
#ifndef BLOGSTAT_DYNLIB_H
#define BLOGSTAT_DYNLIB_H

#include <stddef.h>

/* One function to find: its name, and where its address goes (the
 * address of a function pointer of the right type). */
struct dynlib_sym {
    const char *name;
    void *dest;
};

/* A table entry for member f of table t, named as the function. */
#define DYNLIB_SYM(t, f) {#f, &(t).f},

/*
 * Open the libraries libs[0..nlibs) (RTLD_NOW, never closed) and look up
 * each of syms[0..nsyms) in them, in order. 0 when every one was found;
 * else -1 with why (cap bytes) naming the library or the function
 * missing, the table then unusable.
 */
int dynlib_load(const char *const *libs, size_t nlibs,
                const struct dynlib_sym *syms, size_t nsyms, char *why,
                size_t cap);

#endif
