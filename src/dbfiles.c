/*
 * dbfiles.c - the lock on the database and the key beside it.
 */
/* realpath() */
#define _XOPEN_SOURCE 700

#include "blogstat.h"
#include "atomicfile.h"
#include "db.h"
#include "dbfiles.h"
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

char *dbfiles_key_file(const char *db, const char *key_path,
                       struct bs_err *err)
{
    char *real = NULL, *path;
    struct stat st;
    size_t n;

    if (key_path)
        return xstrdup(key_path);
    if (db_is_uri(db)) {
        bs_fail(err, BS_USAGE, "a PostgreSQL database needs the file of "
                "its visitor key: give '[db] key = PATH' in the config, the "
                "same file on every server that counts into it");
        return NULL;
    }

    /* A symbolic link to the database: the key is the database's. */
    if (lstat(db, &st) == 0 && S_ISLNK(st.st_mode))
        real = realpath(db, NULL);
    if (real)
        db = real;
    n = strlen(db) + sizeof(".key");
    path = xmalloc(n);
    snprintf(path, n, "%s.key", db);
    free(real);
    return path;
}

/* "a directory", "a character device"...: what st is, for messages. */
static const char *file_kind(const struct stat *st)
{
    if (S_ISDIR(st->st_mode))
        return "a directory";
    if (S_ISCHR(st->st_mode))
        return "a character device";
    if (S_ISBLK(st->st_mode))
        return "a block device";
    if (S_ISFIFO(st->st_mode))
        return "a FIFO";
    if (S_ISSOCK(st->st_mode))
        return "a socket";
    return "not a regular file";
}

int dbfiles_lock(const char *db, int wait, struct bs_err *err)
{
    struct stat st;
    int fd, rc;

    /* Whatever is there must be a regular file before anything is
     * created beside it (a journal, a key). */
    if (stat(db, &st) == 0 && !S_ISREG(st.st_mode))
        return bs_fail(err, BS_NOINPUT, "database '%s' is %s, not a "
                       "regular file; give --db the path of a file", db,
                       file_kind(&st));
    /* The database itself is locked, so that every name of it (a
     * symbolic or hard link, another mount of its folder) is one lock.
     * flock() locks are apart from SQLite's POSIX locks on Linux, and
     * this descriptor is closed only after SQLite closed its own. */
    fd = open(db, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
              0600);
    if (fd < 0)
        return bs_fail_create_db(err, db, errno);
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        bs_fail(err, BS_NOINPUT, "database '%s' is not a regular file; give "
                "--db the path of a file", db);
        close(fd);
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
            bs_fail(err, BS_IOERR, "cannot lock database '%s': %s", db,
                    strerror(errno));
        close(fd);
        fd = -1;
    }
    return fd;
}

/*
 * The key open as fd, at path beside database db, is to be trusted: a
 * regular file that belongs to this user (or to the database's owner,
 * for root) and that no one else can read or write. 0, or -1 with err
 * (BS_NOINPUT) saying what to do.
 */
static int key_trusted(int fd, const char *path, const char *db,
                       struct bs_err *err)
{
    struct stat st, dbst;
    uid_t me = geteuid();

    if (fstat(fd, &st) != 0)
        return bs_fail(err, BS_NOINPUT, "cannot read the key '%s': %s", path,
                       strerror(errno));
    if (!S_ISREG(st.st_mode))
        return bs_fail(err, BS_NOINPUT, "the key '%s' is %s, not a regular "
                       "file", path, file_kind(&st));
    if (st.st_uid != me &&
        !(me == 0 && stat(db, &dbst) == 0 && dbst.st_uid == st.st_uid))
        return bs_fail(err, BS_NOINPUT, "the key '%s' belongs to another "
                       "user (uid %lu): whoever made it can tell the "
                       "visitors apart; not used. Remove it (readers seen "
                       "before then count again) or give it to this user",
                       path, (unsigned long)st.st_uid);
    if (st.st_mode & (S_IRWXG | S_IRWXO))
        return bs_fail(err, BS_NOINPUT, "the key '%s' can be read or written "
                       "by others (mode %03o): not used; make it private "
                       "with 'chmod 600 %s'", path,
                       (unsigned)(st.st_mode & 0777), path);
    return 0;
}

/* Read DB.key at path, beside db: 1 read, 0 none, -1 error. */
static int read_key(const char *path, const char *db,
                    unsigned char key[VISITOR_KEY_BYTES], struct bs_err *err)
{
    unsigned char extra;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), rc = 1;

    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        return bs_fail(err, BS_NOINPUT, "cannot read the key '%s': %s", path,
                       strerror(errno));
    }
    if (key_trusted(fd, path, db, err)) {
        close(fd);
        return -1;
    }
    if (read(fd, key, VISITOR_KEY_BYTES) != VISITOR_KEY_BYTES ||
        read(fd, &extra, 1) != 0)
        rc = bs_fail(err, BS_DATAERR,
                     "'%s' is not a blogstat key (16 bytes): restore it "
                     "from a backup, or remove it to start a new one", path);
    close(fd);
    return rc;
}

int dbfiles_key(const char *db, const char *key_path, struct store *store,
                unsigned char key[VISITOR_KEY_BYTES], struct bs_err *err)
{
    char *path = dbfiles_key_file(db, key_path, err);
    int rc, found, made;

    if (!path)
        return -1;
    rc = read_key(path, db, key, err);

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
    if (!found) {
        int keyed, lens[1];

        /* Logs known under the lost key would all be read again. */
        keyed = store_source_head_lens(store, INT_MAX, lens, 1, err);
        if (keyed != 0) {
            if (keyed > 0)
                bs_fail(err, BS_NOINPUT, "no key '%s' beside database '%s', "
                        "whose logs are known under it: restore it from a "
                        "backup (with a new key every log read before would "
                        "count again)", path, db);
            free(path);
            return -1;
        }
    }
    if (found)
        rc = DBFILES_KEY_MOVED;
    else
        rc = store_has_visitors(store) > 0 ? DBFILES_KEY_LOST
                                           : DBFILES_KEY_NEW;
    /* A new key for a database counted under one it lost, or the key it
     * held itself: the check of any other goes. */
    if (rc != DBFILES_KEY_NEW &&
        (store_begin(store, err) ||
         store_meta_delete(store, "key_check", err) ||
         store_commit(store, err))) {
        store_rollback(store);
        free(path);
        return -1;
    }
    if (!found)
        visitor_key_new(key);
    /* Made only where there is none: writers that start at once (the
     * nodes of a site sharing the folder) all take the first one's. */
    made = atomic_create_file(path, 0600, key, VISITOR_KEY_BYTES, err);
    if (made == 1) {
        free(path);
        return dbfiles_key(db, key_path, store, key, err);
    }
    if (made < 0 ||
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
