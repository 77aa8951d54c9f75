/*
 * dbfiles.c - the lock and the key beside the database.
 */
#include "blogstat.h"
#include "atomicfile.h"
#include "dbfiles.h"
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* db followed by suffix, malloc'ed. */
static char *beside(const char *db, const char *suffix)
{
    size_t n = strlen(db) + strlen(suffix) + 1;
    char *path = xmalloc(n);

    snprintf(path, n, "%s%s", db, suffix);
    return path;
}

char *dbfiles_key_path(const char *db)
{
    return beside(db, ".key");
}

int dbfiles_lock(const char *db, int wait, struct bs_err *err)
{
    char *path = beside(db, ".lock");
    int fd, rc;

    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        bs_fail(err, BS_IOERR, "cannot create lock '%s': %s", path,
                strerror(errno));
        free(path);
        return -1;
    }
    do
        rc = flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB));
    while (rc < 0 && errno == EINTR);
    if (rc < 0) {
        if (errno == EWOULDBLOCK)
            bs_fail(err, BS_TEMPFAIL, "database '%s' is being written by "
                    "another ingest; try again later, or give --wait", db);
        else
            bs_fail(err, BS_IOERR, "cannot lock '%s': %s", path,
                    strerror(errno));
        close(fd);
        fd = -1;
    }
    free(path);
    return fd;
}

/* Read DB.key at path: 1 read, 0 none, -1 error. */
static int read_key(const char *path, unsigned char key[VISITOR_KEY_BYTES],
                    struct bs_err *err)
{
    unsigned char extra;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), rc = 1;

    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        return bs_fail(err, BS_NOINPUT, "cannot read the key '%s': %s", path,
                       strerror(errno));
    }
    if (read(fd, key, VISITOR_KEY_BYTES) != VISITOR_KEY_BYTES ||
        read(fd, &extra, 1) != 0)
        rc = bs_fail(err, BS_DATAERR,
                     "'%s' is not a blogstat key (16 bytes): restore it "
                     "from a backup, or remove it to start a new one", path);
    close(fd);
    return rc;
}

int dbfiles_key(const char *db, struct store *store,
                unsigned char key[VISITOR_KEY_BYTES], struct bs_err *err)
{
    char *path = dbfiles_key_path(db);
    int rc = read_key(path, key, err), found;

    if (rc != 0) {
        free(path);
        return rc < 0 ? -1 : DBFILES_KEY_READ;
    }
    /* A database of an earlier blogstat kept it inside: moved out. */
    found = store_meta_get(store, "visitor_key", key, VISITOR_KEY_BYTES, err);
    if (found < 0) {
        free(path);
        return -1;
    }
    if (found)
        rc = DBFILES_KEY_MOVED;
    else
        rc = store_has_visitors(store) > 0 ? DBFILES_KEY_LOST
                                           : DBFILES_KEY_NEW;
    if (!found)
        visitor_key_new(key);
    if (atomic_write_file(path, 0600, key, VISITOR_KEY_BYTES, err) ||
        (found && (store_begin(store, err) ||
                   store_meta_delete(store, "visitor_key", err) ||
                   store_commit(store, err)))) {
        if (found)
            store_rollback(store);
        rc = -1;
    }
    free(path);
    return rc;
}
