/*
 * atomicfile.c - write a file beside its final name, then rename it.
 */
#include "blogstat.h"
#include "atomicfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
    char tmp[NAME_MAX + 1];
};

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

struct atomic_file *atomic_open(const char *path, mode_t mode,
                                struct bs_err *err)
{
    static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    struct atomic_file *af = xcalloc(1, sizeof(*af));
    size_t blen;

    af->fd = -1;
    af->path = xstrdup(path);
    af->dirfd = open_parent(af->path, &af->base);
    blen = strlen(af->base);
    if (af->dirfd < 0 || blen == 0 || blen > NAME_MAX - 9) {
        bs_fail(err, BS_CANTCREAT, "cannot create '%s': %s", path,
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
        bs_fail(err, BS_CANTCREAT, "cannot create '%s': %s", path,
                strerror(errno));
        af->tmp[0] = '\0';
        atomic_abort(af);
        return NULL;
    }
    return af;
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

int atomic_commit(struct atomic_file *af, struct bs_err *err)
{
    const char *why = NULL;
    int e = 0;

    if (af->f) {
        if (fflush(af->f) != 0 || ferror(af->f)) {
            e = errno ? errno : EIO;
            why = "cannot write";
        }
    }
    if (!why && fsync(af->fd) != 0) {
        e = errno;
        why = "cannot write";
    }
    if (af->f) {
        if (fclose(af->f) != 0 && !why) {
            e = errno;
            why = "cannot write";
        }
        af->f = NULL;
    } else if (close(af->fd) != 0 && !why) {
        e = errno;
        why = "cannot write";
    }
    af->fd = -1;
    if (!why && renameat(af->dirfd, af->tmp, af->dirfd, af->base) != 0) {
        e = errno;
        why = "cannot create";
    }
    if (why) {
        bs_fail(err, BS_CANTCREAT, "%s '%s': %s", why, af->path,
                strerror(e));
        atomic_abort(af);
        return -1;
    }
    /* The rename itself reaches the disk with its folder. */
    (void)fsync(af->dirfd);
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

int atomic_write_file(const char *path, mode_t mode, const void *data,
                      size_t n, struct bs_err *err)
{
    struct atomic_file *af = atomic_open(path, mode, err);
    const char *p = data;

    if (!af)
        return -1;
    while (n > 0) {
        ssize_t w = write(af->fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            bs_fail(err, BS_CANTCREAT, "cannot write '%s': %s", path,
                    w < 0 ? strerror(errno) : "no space");
            atomic_abort(af);
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return atomic_commit(af, err);
}

int atomic_mkdir(const char *path, struct bs_err *err)
{
    struct stat st;

    if (mkdir(path, 0755) == 0)
        return 0;
    if (errno != EEXIST)
        return bs_fail(err, BS_CANTCREAT, "cannot create folder '%s': %s",
                       path, strerror(errno));
    if (lstat(path, &st) != 0)
        return bs_fail(err, BS_CANTCREAT, "cannot create folder '%s': %s",
                       path, strerror(errno));
    if (S_ISLNK(st.st_mode))
        return bs_fail(err, BS_CANTCREAT,
                       "'%s' is a symbolic link; remove it, blogstat writes "
                       "only into folders of its own", path);
    if (!S_ISDIR(st.st_mode))
        return bs_fail(err, BS_CANTCREAT,
                       "cannot create folder '%s': a file has that name",
                       path);
    return 0;
}
