/*
 * dynlib.c - libraries opened when first needed (dynlib.h).
 */
#include "blogstat.h"
#include "dynlib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/* More than any caller opens. */
#define LIBS_MAX 8

int dynlib_load(const char *const *libs, size_t nlibs,
                const struct dynlib_sym *syms, size_t nsyms, char *why,
                size_t cap)
{
    void *lib[LIBS_MAX];

    if (nlibs > LIBS_MAX) {
        snprintf(why, cap, "too many libraries (%zu)", nlibs);
        return -1;
    }
    for (size_t i = 0; i < nlibs; i++) {
        const char *err;

        lib[i] = dlopen(libs[i], RTLD_NOW | RTLD_LOCAL);
        if (lib[i])
            continue;
        err = dlerror();
        snprintf(why, cap, "%s", err ? err : libs[i]);
        return -1;
    }
    for (size_t s = 0; s < nsyms; s++) {
        void *sym = NULL;

        for (size_t i = 0; !sym && i < nlibs; i++)
            sym = dlsym(lib[i], syms[s].name);
        if (!sym) {
            snprintf(why, cap, "no %s in %s", syms[s].name,
                     nlibs == 1 ? libs[0] : "its libraries");
            return -1;
        }
        /* ISO C has no conversion from void * to a function pointer;
         * POSIX makes their representations the same. */
        memcpy(syms[s].dest, &sym, sizeof(sym));
    }
    return 0;
}
