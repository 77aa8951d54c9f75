/*
 * atomicfile.c - write a file beside its final name, then rename it; open
 * a report's folders one inside the other, never through a link.
 */
#include "blogstat.h"
#include "atomicfile.h"
#include "table.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct atomic_file {
    int dirfd;             /* the folder of path, for openat/renameat */
    int fd;                /* the temporary file */
    FILE *f;               /* over fd once atomic_stream() asked for it */
    char *path;            /* as given, for messages */
    const char *base;      /* its last component, inside path */
    struct strtab *written;/* its folder's names written, or NULL */
    char tmp[NAME_MAX + 1];
};

struct atomic_dir {
    int fd;                /* O_DIRECTORY, opened without following a link */
    char *path;            /* for messages */
    struct strtab *written;/* the names committed or kept in it, under
                              written_lock */
};

/* Threads may write files of one folder at once (the report's charts):
 * its record of names written is theirs to share. */
static pthread_mutex_t written_lock = PTHREAD_MUTEX_INITIALIZER;

static void written_add(struct strtab *written, const char *name)
{
    pthread_mutex_lock(&written_lock);
    strtab_intern(written, name, strlen(name), NULL);
    pthread_mutex_unlock(&written_lock);
}

/* a + "/" + b, malloc'ed. */
static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = xmalloc(n);

    snprintf(p, n, "%s/%s", a, b);
    return p;
}

/* The folder part of path, and where its last component starts. */
static int open_parent(const char *path, const char **base)
{
    const char *slash = strrchr(path, '/');
    char *dir;
    int fd;

    if (!slash) {
        *base = path;
        return open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
    *base = slash + 1;
    dir = slash == path ? xstrdup("/") : xmemdup(path, (size_t)(slash - path));
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    return fd;
}

/* Create af's temporary file in af->dirfd, for af->base: af, or NULL with
 * err (af freed). */
static struct atomic_file *start(struct atomic_file *af, mode_t mode,
                                 struct bs_err *err)
{
    static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    size_t blen = strlen(af->base);

    if (af->dirfd < 0 || blen == 0 || blen > NAME_MAX - 9 ||
        strchr(af->base, '/')) {
        bs_fail(err, BS_CANTCREAT, "cannot create '%s': %s", af->path,
                af->dirfd < 0 ? strerror(errno) : "not a file name");
        atomic_abort(af);
        return NULL;
    }
    if (sodium_init() < 0)
        BUG("libsodium cannot start");
    /* ".NAME.XXXXXX": hidden, and 36^6 names to guess; O_EXCL and
     * O_NOFOLLOW refuse whatever is already there, a link included. */
    for (int tries = 0; tries < 100 && af->fd < 0; tries++) {
        unsigned char r[6];
        char *p = af->tmp;

        randombytes_buf(r, sizeof(r));
        *p++ = '.';
        memcpy(p, af->base, blen);
        p += blen;
        *p++ = '.';
        for (size_t i = 0; i < sizeof(r); i++)
            *p++ = digits[r[i] % (sizeof(digits) - 1)];
        *p = '\0';
        af->fd = openat(af->dirfd, af->tmp,
                        O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                        mode);
        if (af->fd < 0 && errno != EEXIST)
            break;
    }
    if (af->fd < 0) {
        bs_fail(err, BS_CANTCREAT, "cannot create '%s': %s", af->path,
                strerror(errno));
        af->tmp[0] = '\0';
        atomic_abort(af);
        return NULL;
    }
    return af;
}

struct atomic_file *atomic_open(const char *path, mode_t mode,
                                struct bs_err *err)
{
    struct atomic_file *af = xcalloc(1, sizeof(*af));

    af->fd = -1;
    af->path = xstrdup(path);
    af->dirfd = open_parent(af->path, &af->base);
    return start(af, mode, err);
}

struct atomic_file *atomic_open_at(const struct atomic_dir *dir,
                                   const char *name, mode_t mode,
                                   struct bs_err *err)
{
    struct atomic_file *af = xcalloc(1, sizeof(*af));

    af->fd = -1;
    af->path = join(dir->path, name);
    af->base = af->path + strlen(dir->path) + 1;
    af->dirfd = fcntl(dir->fd, F_DUPFD_CLOEXEC, 0);
    af->written = dir->written;
    return start(af, mode, err);
}

FILE *atomic_stream(struct atomic_file *af)
{
    if (!af->f && !(af->f = fdopen(af->fd, "w")))
        BUG("fdopen: %s", strerror(errno));
    return af->f;
}

int atomic_fd(const struct atomic_file *af)
{
    return af->fd;
}

const char *atomic_path(const struct atomic_file *af)
{
    return af->path;
}

/* Flush, sync and close the temporary file: 0, or -1 with err (af
 * aborted). */
static int finish(struct atomic_file *af, struct bs_err *err)
{
    int e = 0;

    /* Every write, the flush and the fsync: a failure is the disk's (full,
     * over a size limit), an I/O error. */
    if (af->f && (fflush(af->f) != 0 || ferror(af->f)))
        e = errno ? errno : EIO;
    if (!e && fsync(af->fd) != 0)
        e = errno;
    if (af->f ? fclose(af->f) != 0 : close(af->fd) != 0)
        e = e ? e : errno;
    af->f = NULL;
    af->fd = -1;
    if (e) {
        bs_fail(err, BS_IOERR, "cannot write '%s': %s", af->path,
                strerror(e));
        atomic_abort(af);
        return -1;
    }
    return 0;
}

int atomic_commit(struct atomic_file *af, struct bs_err *err)
{
    if (finish(af, err))
        return -1;
    if (renameat(af->dirfd, af->tmp, af->dirfd, af->base) != 0) {
        bs_fail(err, BS_CANTCREAT, "cannot create '%s': %s", af->path,
                strerror(errno));
        atomic_abort(af);
        return -1;
    }
    /* The rename itself reaches the disk with its folder. */
    (void)fsync(af->dirfd);
    if (af->written)
        written_add(af->written, af->base);
    af->tmp[0] = '\0';
    atomic_abort(af);
    return 0;
}

void atomic_abort(struct atomic_file *af)
{
    if (!af)
        return;
    if (af->f)
        fclose(af->f);
    else if (af->fd >= 0)
        close(af->fd);
    if (af->tmp[0] && af->dirfd >= 0)
        unlinkat(af->dirfd, af->tmp, 0);
    if (af->dirfd >= 0)
        close(af->dirfd);
    free(af->path);
    free(af);
}

/* Write data[0..n) to fd whole: 0, or -1 (errno set; 0 for no space). */
static int write_all(int fd, const void *data, size_t n)
{
    const char *p = data;

    while (n > 0) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = 0;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* The temporary file of path with data[0..n) written: NULL with err. */
static struct atomic_file *open_written(const char *path, mode_t mode,
                                        const void *data, size_t n,
                                        struct bs_err *err)
{
    struct atomic_file *af = atomic_open(path, mode, err);

    if (af && write_all(af->fd, data, n) != 0) {
        bs_fail(err, BS_IOERR, "cannot write '%s': %s", path,
                errno ? strerror(errno) : "no space");
        atomic_abort(af);
        return NULL;
    }
    return af;
}

int atomic_write_file(const char *path, mode_t mode, const void *data,
                      size_t n, struct bs_err *err)
{
    struct atomic_file *af = open_written(path, mode, data, n, err);

    return af ? atomic_commit(af, err) : -1;
}

int atomic_create_file(const char *path, mode_t mode, const void *data,
                       size_t n, struct bs_err *err)
{
    struct atomic_file *af = open_written(path, mode, data, n, err);
    int rc = 0;

    if (!af || finish(af, err))
        return -1;
    /* A link fails where a rename would replace: the first one made is
     * the one every writer reads. */
    if (linkat(af->dirfd, af->tmp, af->dirfd, af->base, 0) != 0) {
        if (errno != EEXIST)
            rc = bs_fail(err, BS_CANTCREAT, "cannot create '%s': %s",
                         af->path, strerror(errno));
        else
            rc = 1;
    } else {
        (void)fsync(af->dirfd);
    }
    atomic_abort(af);           /* the temporary name goes */
    return rc;
}

/* Make the folder name inside at when missing and open it, never through
 * a link: its descriptor, or -1 with err naming shown. */
static int dir_at(int at, const char *name, const char *shown,
                  struct bs_err *err)
{
    struct stat st;
    int fd, e;

    if (mkdirat(at, name, 0755) != 0 && errno != EEXIST)
        return bs_fail(err, BS_CANTCREAT, "cannot create folder '%s': %s",
                       shown, strerror(errno));
    fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0)
        return fd;
    e = errno;
    if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        S_ISLNK(st.st_mode))
        return bs_fail(err, BS_CANTCREAT,
                       "'%s' is a symbolic link; remove it, blogstat writes "
                       "only into folders of its own", shown);
    if (e == ENOTDIR)
        return bs_fail(err, BS_CANTCREAT,
                       "cannot create folder '%s': a file has that name",
                       shown);
    return bs_fail(err, BS_CANTCREAT, "cannot open folder '%s': %s", shown,
                   strerror(e));
}

struct atomic_dir *atomic_dir_open(const char *path, struct bs_err *err)
{
    struct atomic_dir *d = xcalloc(1, sizeof(*d));
    size_t n = strlen(path);
    const char *base;
    char *bare;
    int at;

    /* "out/" is "out"; "/" stays the root. */
    while (n > 1 && path[n - 1] == '/')
        n--;
    bare = xmemdup(path, n);
    d->path = xstrdup(path);
    if (strcmp(bare, "/") == 0) {
        d->fd = open(bare, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (d->fd < 0)
            bs_fail(err, BS_CANTCREAT, "cannot open folder '%s': %s", path,
                    strerror(errno));
    } else if ((at = open_parent(bare, &base)) < 0) {
        bs_fail(err, BS_CANTCREAT, "cannot create folder '%s': %s", path,
                strerror(errno));
        d->fd = -1;
    } else {
        d->fd = dir_at(at, base, path, err);
        close(at);
    }
    free(bare);
    if (d->fd < 0) {
        atomic_dir_close(d);
        return NULL;
    }
    d->written = strtab_new();
    return d;
}

struct atomic_dir *atomic_dir_sub(const struct atomic_dir *dir,
                                  const char *name, struct bs_err *err)
{
    struct atomic_dir *d = xcalloc(1, sizeof(*d));

    d->path = join(dir->path, name);
    d->fd = strchr(name, '/') || !*name
                ? bs_fail(err, BS_CANTCREAT, "cannot create folder '%s': "
                          "not a folder name", d->path)
                : dir_at(dir->fd, name, d->path, err);
    if (d->fd < 0) {
        atomic_dir_close(d);
        return NULL;
    }
    d->written = strtab_new();
    return d;
}

long atomic_read_at(const struct atomic_dir *dir, const char *name,
                    void *buf, size_t cap)
{
    int fd = openat(dir->fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    ssize_t n;

    if (fd < 0)
        return -1;
    n = read(fd, buf, cap);
    close(fd);
    return n < 0 ? -1 : (long)n;
}

void atomic_dir_keep(const struct atomic_dir *dir, const char *name)
{
    written_add(dir->written, name);
}

/* 1 when name ends in one of the endings. */
static int has_ending(const char *name, const char *const *endings)
{
    size_t n = strlen(name);

    for (; *endings; endings++) {
        size_t m = strlen(*endings);

        if (n > m && strcmp(name + n - m, *endings) == 0)
            return 1;
    }
    return 0;
}

int atomic_dir_prune(const struct atomic_dir *dir,
                     const char *const *endings, struct bs_err *err)
{
    int fd = fcntl(dir->fd, F_DUPFD_CLOEXEC, 0);
    DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *e;
    int rc = 0;

    if (!dp) {
        if (fd >= 0)
            close(fd);
        return bs_fail(err, BS_CANTCREAT, "cannot read folder '%s': %s",
                       dir->path, strerror(errno));
    }
    rewinddir(dp);
    while ((e = readdir(dp))) {
        struct stat st;
        int64_t kept;

        /* Only what blogstat writes there: regular files (or links a
         * hand left) of its endings, not dot-files (a write under way). */
        if (e->d_name[0] == '.' || !has_ending(e->d_name, endings))
            continue;
        pthread_mutex_lock(&written_lock);
        kept = strtab_find(dir->written, e->d_name, strlen(e->d_name));
        pthread_mutex_unlock(&written_lock);
        if (kept >= 0)
            continue;
        if (fstatat(dir->fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            S_ISDIR(st.st_mode))
            continue;
        if (unlinkat(dir->fd, e->d_name, 0) != 0 && errno != ENOENT) {
            rc = bs_fail(err, BS_CANTCREAT, "cannot remove '%s/%s': %s",
                         dir->path, e->d_name, strerror(errno));
            break;
        }
    }
    closedir(dp);
    return rc;
}

const char *atomic_dir_path(const struct atomic_dir *dir)
{
    return dir->path;
}

void atomic_dir_close(struct atomic_dir *dir)
{
    if (!dir)
        return;
    if (dir->fd >= 0)
        close(dir->fd);
    strtab_free(dir->written);
    free(dir->path);
    free(dir);
}
