/*
 * chart_lib.c - cairo, pango and libpng, opened by the first chart
 * (chart_lib.h says why).
 */
#include "blogstat.h"
#include "chart_lib.h"
#include "dynlib.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

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
    static const struct dynlib_sym syms[] = {
#define SYM(f) DYNLIB_SYM(gfx, f)
        CHART_LIB_CALLS(SYM)
#undef SYM
    };
    char why[400];

    if (dynlib_load(lib_names, ARRAY_SIZE(lib_names), syms, ARRAY_SIZE(syms),
                    why, sizeof(why)) < 0) {
        snprintf(load_error, sizeof(load_error),
                 "the charts need cairo (1.16 or newer), pango and libpng: %s",
                 why);
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
