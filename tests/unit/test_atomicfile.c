/*
 * test_atomicfile.c - atomicfile.h: a file appears whole or not at all,
 * nothing is written through a planted link, no temporary file is left.
 */
#include "testutil.h"
#include "atomicfile.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

/* The number of entries in dir other than "." and "..". */
static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    assert_non_null(d);
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, ".."))
            n++;
    closedir(d);
    return n;
}

/* The whole content of path, NUL-terminated (caller frees). */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = xcalloc(1, 4096);
    size_t n;

    assert_non_null(f);
    n = fread(buf, 1, 4095, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_atomicfile__commit_writes_whole(void **state)
{
    char *dir = tu_tmpdir(), *path = tu_path(dir, "index.html"), *got;
    struct bs_err err = {0};
    struct atomic_file *af;
    struct stat st;
    mode_t mask = umask(022);

    (void)state;
    af = atomic_open(path, 0644, &err);
    assert_non_null(af);
    assert_string_equal(atomic_path(af), path);
    fprintf(atomic_stream(af), "<p>%d</p>\n", 42);
    /* Not there until committed; only the hidden temporary file is. */
    assert_int_equal(stat(path, &st), -1);
    assert_int_equal(entries(dir), 1);
    assert_int_equal(atomic_commit(af, &err), 0);
    got = slurp(path);
    assert_string_equal(got, "<p>42</p>\n");
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    assert_int_equal(entries(dir), 1);
    umask(mask);
    free(got);
    free(path);
    tu_rmrf(dir);
    free(dir);
}

/* atomic_create_file() makes a file only where there is none: the first
 * one made stays, whoever comes second (a planted link too), and no
 * temporary file is left either way. */
static void test_atomicfile__create_only_new(void **state)
{
    char *dir = tu_tmpdir(), *path = tu_path(dir, "k.key"), *got;
    char *link_at = tu_path(dir, "l.key"), *target = tu_path(dir, "t");
    struct bs_err err = {0};
    struct stat st;
    mode_t mask = umask(022);

    (void)state;
    assert_int_equal(atomic_create_file(path, 0600, "first", 5, &err), 0);
    assert_int_equal(atomic_create_file(path, 0600, "second", 6, &err), 1);
    got = slurp(path);
    assert_string_equal(got, "first");
    free(got);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(entries(dir), 1);
    /* A name that is a dangling link is there: nothing written through. */
    assert_int_equal(symlink(target, link_at), 0);
    assert_int_equal(atomic_create_file(link_at, 0600, "x", 1, &err), 1);
    assert_int_equal(stat(target, &st), -1);
    assert_int_equal(entries(dir), 2);
    umask(mask);
    free(target);
    free(link_at);
    free(path);
    tu_rmrf(dir);
    free(dir);
}

static void test_atomicfile__abort_keeps_old(void **state)
{
    char *dir = tu_tmpdir(), *path, *got;
    struct atomic_file *af;

    (void)state;
    path = tu_write(dir, "key", "old", 3);
    af = atomic_open(path, 0600, NULL);
    assert_non_null(af);
    assert_int_equal(write(atomic_fd(af), "new", 3), 3);
    atomic_abort(af);
    atomic_abort(NULL);
    got = slurp(path);
    assert_string_equal(got, "old");
    assert_int_equal(entries(dir), 1);
    free(got);
    free(path);
    tu_rmrf(dir);
    free(dir);
}

/* A link planted at the final name is replaced, its target untouched. */
static void test_atomicfile__planted_link_not_followed(void **state)
{
    char *dir = tu_tmpdir(), *path = tu_path(dir, "chart.png");
    char *victim, *got;
    struct bs_err err = {0};
    struct stat st;

    (void)state;
    victim = tu_write(dir, "victim", "precious", 8);
    assert_int_equal(symlink(victim, path), 0);
    assert_int_equal(atomic_write_file(path, 0644, "png", 3, &err), 0);
    got = slurp(victim);
    assert_string_equal(got, "precious");
    free(got);
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    got = slurp(path);
    assert_string_equal(got, "png");
    free(got);
    assert_int_equal(entries(dir), 2);
    free(victim);
    free(path);
    tu_rmrf(dir);
    free(dir);
}

/* Two files being written at one name get two temporary files, and the
 * names are not the same from one run to the next. */
static void test_atomicfile__unpredictable_names(void **state)
{
    char *dir = tu_tmpdir(), *path = tu_path(dir, "a");
    struct atomic_file *x = atomic_open(path, 0644, NULL);
    struct atomic_file *y = atomic_open(path, 0644, NULL);
    struct bs_err err = {0};
    char *got;

    (void)state;
    assert_non_null(x);
    assert_non_null(y);
    assert_int_equal(entries(dir), 2);
    fputs("x", atomic_stream(x));
    fputs("y", atomic_stream(y));
    assert_int_equal(atomic_commit(x, &err), 0);
    assert_int_equal(atomic_commit(y, &err), 0);
    got = slurp(path);
    assert_string_equal(got, "y");
    assert_int_equal(entries(dir), 1);
    free(got);
    free(path);
    tu_rmrf(dir);
    free(dir);
}

static void test_atomicfile__missing_folder(void **state)
{
    char *dir = tu_tmpdir(), *path = tu_path(dir, "no/such/file");
    struct bs_err err = {0};

    (void)state;
    assert_null(atomic_open(path, 0644, &err));
    assert_int_equal(err.status, BS_CANTCREAT);
    assert_non_null(strstr(err.msg, path));
    memset(&err, 0, sizeof(err));
    assert_int_equal(atomic_write_file(path, 0644, "x", 1, &err), -1);
    assert_int_equal(err.status, BS_CANTCREAT);
    free(path);
    tu_rmrf(dir);
    free(dir);
}

/* Folders made, opened once, and refused when a link or a file holds
 * their name; each refusal names the folder. */
static void test_atomicfile__dirs(void **state)
{
    char *dir = tu_tmpdir(), *elsewhere = tu_tmpdir();
    char *out = tu_path(dir, "out"), *slash, *link, *file, *p;
    struct bs_err err = {0};
    struct atomic_dir *d, *sub, *again;
    struct atomic_file *af;
    struct stat st;
    size_t n = strlen(out) + 2;

    (void)state;
    d = atomic_dir_open(out, &err);
    assert_non_null(d);
    assert_string_equal(atomic_dir_path(d), out);
    assert_int_equal(lstat(out, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    /* Again, and with a trailing slash: the same folder, fine. */
    slash = xmalloc(n);
    snprintf(slash, n, "%s/", out);
    again = atomic_dir_open(slash, &err);
    assert_non_null(again);
    atomic_dir_close(again);
    free(slash);

    sub = atomic_dir_sub(d, "charts", &err);
    assert_non_null(sub);
    p = tu_path(out, "charts");
    assert_string_equal(atomic_dir_path(sub), p);
    free(p);
    af = atomic_open_at(sub, "daily.png", 0644, &err);
    assert_non_null(af);
    p = tu_path(out, "charts/daily.png");
    assert_string_equal(atomic_path(af), p);
    fputs("png", atomic_stream(af));
    assert_int_equal(atomic_commit(af, &err), 0);
    assert_int_equal(stat(p, &st), 0);
    free(p);
    atomic_dir_close(sub);

    /* A link to a folder, a dangling link, a file: refused, named. */
    link = tu_path(out, "posts");
    assert_int_equal(symlink(elsewhere, link), 0);
    assert_null(atomic_dir_sub(d, "posts", &err));
    assert_int_equal(err.status, BS_CANTCREAT);
    assert_non_null(strstr(err.msg, "symbolic link"));
    if (!strstr(err.msg, link))
        fail_msg("'%s' does not name %s", err.msg, link);
    free(link);
    memset(&err, 0, sizeof(err));
    link = tu_path(out, "site");
    assert_int_equal(symlink("/nonexistent/blogstat", link), 0);
    assert_null(atomic_dir_sub(d, "site", &err));
    assert_non_null(strstr(err.msg, "symbolic link"));
    free(link);
    memset(&err, 0, sizeof(err));
    file = tu_write(out, "file", "x", 1);
    assert_null(atomic_dir_sub(d, "file", &err));
    assert_int_equal(err.status, BS_CANTCREAT);
    assert_non_null(strstr(err.msg, "a file has that name"));
    free(file);
    /* One component only. */
    memset(&err, 0, sizeof(err));
    assert_null(atomic_dir_sub(d, "a/b", &err));
    assert_int_equal(err.status, BS_CANTCREAT);
    assert_null(atomic_open_at(d, "a/b", 0644, &err));
    atomic_dir_close(d);

    /* The top folder itself a link: refused; nothing written there. */
    link = tu_path(dir, "linked");
    assert_int_equal(symlink(elsewhere, link), 0);
    memset(&err, 0, sizeof(err));
    assert_null(atomic_dir_open(link, &err));
    assert_non_null(strstr(err.msg, "symbolic link"));
    assert_int_equal(entries(elsewhere), 0);
    assert_null(atomic_dir_open("/nonexistent/blogstat/out", &err));
    assert_int_equal(err.status, BS_CANTCREAT);
    atomic_dir_close(NULL);
    free(link);
    free(out);
    tu_rmrf(dir);
    tu_rmrf(elsewhere);
    free(dir);
    free(elsewhere);
}

/* A folder swapped for a link after it was opened: writes go on into the
 * folder that was opened, never through the link, since no path is
 * looked up again. */
static void test_atomicfile__dir_swapped(void **state)
{
    char *dir = tu_tmpdir(), *elsewhere = tu_tmpdir();
    char *out = tu_path(dir, "out"), *old = tu_path(dir, "old"), *p;
    struct bs_err err = {0};
    struct atomic_dir *d, *charts, *posts;
    struct stat st;

    (void)state;
    d = atomic_dir_open(out, &err);
    assert_non_null(d);
    charts = atomic_dir_sub(d, "charts", &err);
    assert_non_null(charts);
    assert_int_equal(rename(out, old), 0);
    assert_int_equal(symlink(elsewhere, out), 0);
    p = tu_path(elsewhere, "charts");
    assert_int_equal(mkdir(p, 0755), 0);
    free(p);
    posts = atomic_dir_sub(d, "posts", &err);
    assert_non_null(posts);
    atomic_dir_close(posts);
    {
        struct atomic_file *af = atomic_open_at(charts, "daily.png", 0644,
                                                &err);

        assert_non_null(af);
        fputs("png", atomic_stream(af));
        assert_int_equal(atomic_commit(af, &err), 0);
    }
    p = tu_path(old, "charts/daily.png");
    assert_int_equal(stat(p, &st), 0);
    free(p);
    p = tu_path(old, "posts");
    assert_int_equal(stat(p, &st), 0);
    free(p);
    p = tu_path(elsewhere, "charts");
    assert_int_equal(entries(p), 0);
    free(p);
    assert_int_equal(entries(elsewhere), 1);
    atomic_dir_close(charts);
    atomic_dir_close(d);
    free(out);
    free(old);
    tu_rmrf(dir);
    tu_rmrf(elsewhere);
    free(dir);
    free(elsewhere);
}

/* A write the disk refuses (here a file-size limit, as a full disk):
 * BS_IOERR, the old file kept, no temporary file left. */
static void test_atomicfile__write_fails(void **state)
{
    char *dir = tu_tmpdir(), *path = tu_path(dir, "index.html"), *got;
    struct bs_err err = {0};
    struct atomic_file *af;
    struct rlimit old, lim;
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    static char big[65536];

    (void)state;
    assert_int_equal(atomic_write_file(path, 0644, "old", 3, &err), 0);
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim = old;
    lim.rlim_cur = 4096;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    memset(big, 'x', sizeof(big));
    af = atomic_open(path, 0644, &err);
    assert_non_null(af);
    fwrite(big, 1, sizeof(big), atomic_stream(af));
    assert_int_equal(atomic_commit(af, &err), -1);
    assert_int_equal(err.status, BS_IOERR);
    assert_non_null(strstr(err.msg, "cannot write"));
    assert_non_null(strstr(err.msg, path));
    memset(&err, 0, sizeof(err));
    assert_int_equal(atomic_write_file(path, 0644, big, sizeof(big), &err),
                     -1);
    assert_int_equal(err.status, BS_IOERR);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, old_handler);
    got = slurp(path);
    assert_string_equal(got, "old");
    assert_int_equal(entries(dir), 1);
    free(got);
    free(path);
    tu_rmrf(dir);
    free(dir);
}

/* A folder pruned keeps what this run wrote or kept, and what is not a
 * file of the endings; the rest of an earlier run goes, a link with it
 * (its target untouched). */
static void test_atomicfile__prune(void **state)
{
    static const char *const endings[] = {".png", ".svg", NULL};
    char *top = tu_tmpdir(), *sub = tu_path(top, "charts"), *victim, *p;
    struct bs_err err = {0};
    struct atomic_dir *d, *c;
    struct atomic_file *af;
    struct stat st;

    (void)state;
    assert_int_equal(mkdir(sub, 0755), 0);
    free(tu_write(sub, "old.png", "x", 1));
    free(tu_write(sub, "old.svg", "x", 1));
    free(tu_write(sub, "kept.png", "x", 1));
    free(tu_write(sub, "notes.txt", "x", 1));
    free(tu_write(sub, ".half.png.XXXXXX", "x", 1));
    p = tu_path(sub, "folder.png");
    assert_int_equal(mkdir(p, 0755), 0);
    free(p);
    victim = tu_write(top, "victim.png", "precious", 8);
    p = tu_path(sub, "link.png");
    assert_int_equal(symlink(victim, p), 0);
    free(p);
    assert_non_null(d = atomic_dir_open(top, &err));
    assert_non_null(c = atomic_dir_sub(d, "charts", &err));
    assert_non_null(af = atomic_open_at(c, "new.png", 0644, &err));
    fputs("new", atomic_stream(af));
    assert_int_equal(atomic_commit(af, &err), 0);
    /* Given up: its name is not one this run wrote. */
    assert_non_null(af = atomic_open_at(c, "gone.png", 0644, &err));
    atomic_abort(af);
    atomic_dir_keep(c, "kept.png");
    assert_int_equal(atomic_dir_prune(c, endings, &err), 0);
    atomic_dir_close(c);
    atomic_dir_close(d);
    for (size_t i = 0; i < 3; i++) {
        static const char *const gone[] = {"old.png", "old.svg", "link.png"};

        p = tu_path(sub, gone[i]);
        assert_int_not_equal(lstat(p, &st), 0);
        free(p);
    }
    assert_int_equal(entries(sub), 5);   /* new, kept, notes, .half, folder */
    p = slurp(victim);
    assert_string_equal(p, "precious");
    free(p);
    free(victim);
    free(sub);
    tu_rmrf(top);
    free(top);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_atomicfile__commit_writes_whole),
        cmocka_unit_test(test_atomicfile__create_only_new),
        cmocka_unit_test(test_atomicfile__abort_keeps_old),
        cmocka_unit_test(test_atomicfile__planted_link_not_followed),
        cmocka_unit_test(test_atomicfile__unpredictable_names),
        cmocka_unit_test(test_atomicfile__missing_folder),
        cmocka_unit_test(test_atomicfile__dirs),
        cmocka_unit_test(test_atomicfile__dir_swapped),
        cmocka_unit_test(test_atomicfile__write_fails),
        cmocka_unit_test(test_atomicfile__prune),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
