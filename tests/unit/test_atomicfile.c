/*
 * test_atomicfile.c - atomicfile.h: a file appears whole or not at all,
 * nothing is written through a planted link, no temporary file is left.
 */
#include "testutil.h"
#include "atomicfile.h"

#include <dirent.h>
#include <errno.h>
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

static void test_atomicfile__mkdir(void **state)
{
    char *dir = tu_tmpdir(), *sub = tu_path(dir, "charts");
    char *link = tu_path(dir, "posts"), *file, *elsewhere = tu_tmpdir();
    struct bs_err err = {0};
    struct stat st;

    (void)state;
    assert_int_equal(atomic_mkdir(sub, &err), 0);
    assert_int_equal(atomic_mkdir(sub, &err), 0);     /* exists: fine */
    assert_int_equal(lstat(sub, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    /* A folder that is a link to elsewhere is refused, and named. */
    assert_int_equal(symlink(elsewhere, link), 0);
    assert_int_equal(atomic_mkdir(link, &err), -1);
    assert_int_equal(err.status, BS_CANTCREAT);
    assert_non_null(strstr(err.msg, "symbolic link"));
    memset(&err, 0, sizeof(err));
    file = tu_write(dir, "site", "x", 1);
    assert_int_equal(atomic_mkdir(file, &err), -1);
    assert_int_equal(err.status, BS_CANTCREAT);
    assert_int_equal(entries(elsewhere), 0);
    free(file);
    free(link);
    free(sub);
    tu_rmrf(dir);
    tu_rmrf(elsewhere);
    free(dir);
    free(elsewhere);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_atomicfile__commit_writes_whole),
        cmocka_unit_test(test_atomicfile__abort_keeps_old),
        cmocka_unit_test(test_atomicfile__planted_link_not_followed),
        cmocka_unit_test(test_atomicfile__unpredictable_names),
        cmocka_unit_test(test_atomicfile__missing_folder),
        cmocka_unit_test(test_atomicfile__mkdir),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
