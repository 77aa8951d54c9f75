/*
 * dbfiles.h - the files an ingest keeps beside the database DB:
 *
 *   DB.lock  one ingest at a time: an advisory lock held until the
 *            descriptor is closed or the process ends (a kill -9
 *            releases it too);
 *   DB.key   the secret key visitor ids are hashed under (visitor.h),
 *            kept out of the database so that the database alone (a
 *            copy, a backup, a dump) cannot test a guess of an address
 *            and a browser. Made on first use, 16 bytes, mode 0600,
 *            written whole (atomicfile.h).
 */
#ifndef BLOGSTAT_DBFILES_H
#define BLOGSTAT_DBFILES_H

#include "blogstat.h"
#include "visitor.h"

struct store;

/*
 * Lock the database db for writing (wait: until the holder ends, else
 * fail at once). Returns the lock's descriptor, to close() when done,
 * or -1 with err: BS_TEMPFAIL when another holds it, BS_IOERR when the
 * lock file cannot be made.
 */
int dbfiles_lock(const char *db, int wait, struct bs_err *err);

/* What dbfiles_key() did. */
enum dbfiles_key {
    DBFILES_KEY_READ,          /* DB.key was there */
    DBFILES_KEY_NEW,           /* a new database: a new key */
    DBFILES_KEY_MOVED,         /* the database held it (an earlier
                                  blogstat): moved out to DB.key */
    DBFILES_KEY_LOST           /* none, for a database that counted
                                  visitors: a new key, so readers seen
                                  before count again */
};

/*
 * The key of the database db (open as store) into key. Returns an enum
 * dbfiles_key, or -1 with err: BS_DATAERR when DB.key is not exactly
 * 16 bytes, BS_NOINPUT when it cannot be read, BS_CANTCREAT when a new
 * one cannot be written.
 */
int dbfiles_key(const char *db, struct store *store,
                unsigned char key[VISITOR_KEY_BYTES], struct bs_err *err);

/* "DB.key", malloc'ed, for messages. */
char *dbfiles_key_path(const char *db);

#endif
