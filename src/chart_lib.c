/*
 * chart_lib.c - cairo, pango and libpng, opened by the first chart
 * (chart_lib.h says why).
 */
#include "blogstat.h"
#include "chart_lib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

struct chart_lib gfx;

/* Their sonames, as the Debian packages libcairo2, libpango-1.0-0,
 * libpangocairo-1.0-0, libglib2.0-0 and libpng16-16 ship them. */
static const char *const lib_names[] = {
    "libcairo.so.2", "libpango-1.0.so.0", "libpangocairo-1.0.so.0",
    "libgobject-2.0.so.0", "libpng16.so.16",
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[512];   /* empty once every call is found */
static atomic_int loaded;

static void load(void)
{
    void *lib[ARRAY_SIZE(lib_names)];
    const char *missing = NULL;

    for (size_t i = 0; i < ARRAY_SIZE(lib_names); i++) {
        lib[i] = dlopen(lib_names[i], RTLD_NOW | RTLD_LOCAL);
        if (!lib[i]) {
            const char *why = dlerror();

            snprintf(load_error, sizeof(load_error),
                     "the charts need %s: %s", lib_names[i],
                     why ? why : "not found");
            return;
        }
    }
    /* memcpy: ISO C has no conversion from void * to a function pointer;
     * POSIX guarantees that the representation is the same. */
#define LOAD(f)                                                            \
    do {                                                                   \
        void *sym = NULL;                                                  \
        for (size_t i = 0; !sym && i < ARRAY_SIZE(lib); i++)               \
            sym = dlsym(lib[i], #f);                                       \
        if (!sym && !missing)                                              \
            missing = #f;                                                  \
        memcpy(&gfx.f, &sym, sizeof(sym));                                 \
    } while (0);
    CHART_LIB_CALLS(LOAD)
#undef LOAD
    if (missing) {
        snprintf(load_error, sizeof(load_error),
                 "the charts need a newer cairo, pango or libpng: no %s",
                 missing);
        return;
    }
    atomic_store(&loaded, 1);
}

int chart_lib_load(struct bs_err *err)
{
    pthread_once(&once, load);
    if (atomic_load(&loaded))
        return 0;
    return bs_fail(err, BS_SOFTWARE, "%s", load_error);
}

int chart_lib_loaded(void)
{
    return atomic_load(&loaded);
}
