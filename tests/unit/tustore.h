/*
 * tustore.h - the fixture of the tests of the store and of what sits on
 * it: a scratch folder, a database path in it, and, with
 * tu_store_setup_open(), the store open for writing there. Header-only,
 * like testutil.h.
 */
#ifndef BLOGSTAT_TUSTORE_H
#define BLOGSTAT_TUSTORE_H

#include "testutil.h"
#include "store.h"

struct tu_store {
    char *dir;
    char *path;              /* dir/blog.db */
    struct store *s;         /* NULL unless opened */
    struct bs_err err;
};

/* A fixture: the database created and open when open. */
static inline struct tu_store *tu_store_new(int open)
{
    struct tu_store *f = xcalloc(1, sizeof(*f));

    f->dir = tu_tmpdir();
    f->path = tu_path(f->dir, "blog.db");
    if (open && !(f->s = store_open(f->path, STORE_WRITE, &f->err)))
        fail_msg("store_open: %s", f->err.msg);
    return f;
}

static inline void tu_store_free(struct tu_store *f)
{
    store_close(f->s);
    tu_rmrf(f->dir);
    free(f->dir);
    free(f->path);
    free(f);
}

/* cmocka's setup and teardown of a test on a fixture. */
static inline int tu_store_setup(void **state)
{
    *state = tu_store_new(0);
    return 0;
}

static inline int tu_store_setup_open(void **state)
{
    *state = tu_store_new(1);
    return 0;
}

static inline int tu_store_teardown(void **state)
{
    tu_store_free(*state);
    return 0;
}

#endif
