/*
 * atomicfile.h - files written whole or not at all, never through a link.
 *
 * A reader of PATH sees the old file or the new one, never half of one,
 * and a symlink or a file planted at any name in PATH's folder is never
 * written through: the new file is created beside PATH at a name nobody
 * can predict (O_CREAT|O_EXCL|O_NOFOLLOW), written, flushed to disk and
 * renamed over PATH (rename replaces a link, it does not follow it).
 *
 * Calling sequence:
 *
 *   struct atomic_file *af = atomic_open(path, 0644, err);
 *   if (!af) return -1;
 *   fprintf(atomic_stream(af), ...);       or write(atomic_fd(af), ...)
 *   return atomic_commit(af, err);          (or atomic_abort(af))
 *
 * Error handling: atomic_open() fails with BS_CANTCREAT and a message
 * naming PATH. atomic_commit() checks every write that went through the
 * stream or the descriptor, fsyncs, renames, and on any failure removes
 * the temporary file and fails (statuses below); either way it frees af.
 * atomic_abort() removes the temporary file and frees af. A process that
 * dies between the two leaves a dot-file ".NAME.XXXXXX" beside PATH,
 * never a damaged PATH.
 *
 * Folders: a report is written into folders opened once, each relative to
 * the one above it and never through a link: atomic_dir_open() opens (and
 * makes when missing) the top folder, atomic_dir_sub() a folder inside
 * one, and atomic_open_at() starts a file inside one. A folder planted as
 * a symlink (or a file where a folder goes) is refused with BS_CANTCREAT
 * and a message naming it; a folder renamed or replaced while blogstat
 * writes does not redirect a write, since no path is looked up again.
 *
 * Exit statuses: a file or folder that cannot be created fails with
 * BS_CANTCREAT; a write that fails (a full disk, a file-size limit) with
 * BS_IOERR.
 */
#ifndef BLOGSTAT_ATOMICFILE_H
#define BLOGSTAT_ATOMICFILE_H

#include "blogstat.h"

#include <stdio.h>
#include <sys/types.h>

struct atomic_file;
struct atomic_dir;

/* Start writing path, to have mode (less the umask) once committed; the
 * folders of path are looked up as given. Returns NULL with err on
 * failure. */
struct atomic_file *atomic_open(const char *path, mode_t mode,
                                struct bs_err *err);
/* Start writing the file name (one component) inside dir; messages name
 * it as DIR/NAME. Returns NULL with err on failure. */
struct atomic_file *atomic_open_at(const struct atomic_dir *dir,
                                   const char *name, mode_t mode,
                                   struct bs_err *err);
/* The stream to write (opened on first use), or the descriptor under it;
 * use one of the two. */
FILE *atomic_stream(struct atomic_file *af);
int atomic_fd(const struct atomic_file *af);
/* The path being written, for messages. */
const char *atomic_path(const struct atomic_file *af);
/* Put the file in place: 0, or -1 with err. Frees af. */
int atomic_commit(struct atomic_file *af, struct bs_err *err);
/* Give up: the temporary file goes, path stays as it was. Frees af;
 * NULL is ignored. */
void atomic_abort(struct atomic_file *af);

/* Write the n bytes of data to path in one go: 0, or -1 with err. */
int atomic_write_file(const char *path, mode_t mode, const void *data,
                      size_t n, struct bs_err *err);
/* The same, only when path does not exist (never replaced, even by two
 * writers at once): 0 made, 1 path was there (left as it is), -1 with
 * err. */
int atomic_create_file(const char *path, mode_t mode, const void *data,
                       size_t n, struct bs_err *err);

/*
 * Open the folder path, made (mode 0755 less the umask) when missing. Its
 * last component must be a folder, not a symlink; the folders above it
 * are the caller's and looked up as given. Returns NULL with err
 * (BS_CANTCREAT) on failure. Caller closes with atomic_dir_close().
 */
struct atomic_dir *atomic_dir_open(const char *path, struct bs_err *err);
/* The folder name (one component) inside dir, made when missing, opened
 * without following a link; as atomic_dir_open() otherwise. */
struct atomic_dir *atomic_dir_sub(const struct atomic_dir *dir,
                                  const char *name, struct bs_err *err);
/* Count name (one component) among the files of dir written by this
 * run, as atomic_commit() does each file it puts in dir: a file left as
 * it is because it is still right. */
void atomic_dir_keep(const struct atomic_dir *dir, const char *name);
/*
 * Remove the files of dir whose names end in one of endings (a
 * NULL-terminated list: ".html", ".png" ...) and that were neither
 * committed through dir nor kept since it was opened: what an earlier
 * run wrote and this one does not. Folders, dot-files and other names
 * stay; a link is removed, never followed. 0, or -1 with err.
 */
int atomic_dir_prune(const struct atomic_dir *dir,
                     const char *const *endings, struct bs_err *err);
/* Read at most cap bytes of the file name (one component) inside dir,
 * not through a link: the bytes read, or -1 when it cannot be read (no
 * such file). */
long atomic_read_at(const struct atomic_dir *dir, const char *name,
                    void *buf, size_t cap);
/* Its path, for messages: as given, or DIR/NAME. */
const char *atomic_dir_path(const struct atomic_dir *dir);
/* NULL is ignored. */
void atomic_dir_close(struct atomic_dir *dir);

#endif
