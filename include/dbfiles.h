/*
 * dbfiles.h - the lock of an ingest on the database DB, and the key kept
 * beside it:
 *
 *   DB       one ingest at a time: an advisory lock (flock) on the
 *            database file itself, whatever name it is given (a symbolic
 *            or hard link, another mount of its folder), held until the
 *            descriptor is closed or the process ends (a kill -9
 *            releases it too). A DB that is not a regular file
 *            (/dev/null, a FIFO, a directory) is refused before anything
 *            is created beside it.
 *   DB.key   the secret key visitor ids, log fingerprints and line
 *            checks are hashed under (visitor.h, source.h), kept out of
 *            the database so that the database alone (a copy, a backup,
 *            a dump) cannot test a guess of an address, a browser or a
 *            log line. Made on first use, 16 bytes, mode 0600, written
 *            whole (atomicfile.h). Refused when it is not a regular file,
 *            when it belongs to another user (for root: other than the
 *            database's owner), or when group or others may read or
 *            write it: a key others know or can change keeps nothing
 *            secret.
 */
#ifndef BLOGSTAT_DBFILES_H
#define BLOGSTAT_DBFILES_H

#include "blogstat.h"
#include "visitor.h"

struct store;

/*
 * Lock the database db for writing (wait: until the holder ends, else
 * fail at once), creating it empty when there is none. Returns the
 * lock's descriptor, to close() only after the store is closed (closing
 * any descriptor of the file would drop SQLite's locks on it), or -1
 * with err: BS_TEMPFAIL when another holds it, BS_NOINPUT when db is not
 * a regular file, BS_IOERR when it cannot be made or locked.
 */
int dbfiles_lock(const char *db, int wait, struct bs_err *err);

/* What dbfiles_key() did. */
enum dbfiles_key {
    DBFILES_KEY_READ,          /* DB.key was there */
    DBFILES_KEY_NEW,           /* a new database: a new key */
    DBFILES_KEY_MOVED,         /* the database held it (an earlier
                                  blogstat): moved out to DB.key */
    DBFILES_KEY_LOST           /* none, for a database that counted
                                  visitors but knows no log under a key
                                  (an earlier blogstat's): a new key, so
                                  readers seen before count again */
};

/*
 * The key of the database db (open as store) into key, from key_path
 * (NULL: DB.key). Returns an enum
 * dbfiles_key, or -1 with err: BS_DATAERR when DB.key is not exactly
 * 16 bytes, BS_NOINPUT when it cannot be read or is not to be trusted
 * (above), or when there is none for a database that knows its logs
 * under one (source.h: a new key would read them all again);
 * BS_CANTCREAT when a new one cannot be written. The key of a database
 * given as a symbolic link is the one beside the file it points to.
 */
int dbfiles_key(const char *db, const char *key_path, struct store *store,
                unsigned char key[VISITOR_KEY_BYTES], struct bs_err *err);

/* The key file: key_path when given, else "DB.key"; malloc'ed. A
 * PostgreSQL database (a URI) has no folder to keep it in: NULL with
 * err (BS_USAGE) when key_path is not given. */
char *dbfiles_key_file(const char *db, const char *key_path,
                       struct bs_err *err);

#endif
