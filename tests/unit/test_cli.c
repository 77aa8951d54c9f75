/*
 * test_cli.c - what the commands share (src/cli/common.c): where the
 * config is found, and the global options' clock.
 */
#include "testutil.h"
#include "cli.h"

#include <sys/stat.h>
#include <unistd.h>

struct fx {
    char *dir, *cwd, *etc;
};

static int setup(void **state)
{
    struct fx *f = xcalloc(1, sizeof(*f));

    f->cwd = getcwd(NULL, 0);
    f->dir = tu_tmpdir();
    f->etc = tu_path(f->dir, "etc");
    assert_int_equal(mkdir(f->etc, 0755), 0);
    assert_int_equal(chdir(f->dir), 0);
    unsetenv("BLOGSTAT_CONFIG");
    memset(&cli, 0, sizeof(cli));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    assert_int_equal(chdir(f->cwd), 0);
    tu_rmrf(f->dir);
    free(f->dir);
    free(f->etc);
    free(f->cwd);
    free(f);
    unsetenv("BLOGSTAT_CONFIG");
    memset(&cli, 0, sizeof(cli));
    return 0;
}

/* --config, $BLOGSTAT_CONFIG, ./blogstat.conf, SYSCONF/blogstat.conf, in
 * that order; each is taken only when the ones before are absent. */
static void test_cli__conf_search_order(void **state)
{
    struct fx *f = *state;
    char buf[512], *etc_conf = tu_path(f->etc, "blogstat.conf");

    assert_null(cli_conf_find(f->etc, buf, sizeof(buf)));
    free(tu_write(f->etc, "blogstat.conf", "[site]\n", 7));
    assert_string_equal(cli_conf_find(f->etc, buf, sizeof(buf)), etc_conf);
    /* No sysconfdir, or one too long for the buffer: not searched. */
    assert_null(cli_conf_find(NULL, buf, sizeof(buf)));
    assert_null(cli_conf_find(f->etc, buf, 8));
    free(tu_write(f->dir, "blogstat.conf", "[site]\n", 7));
    assert_string_equal(cli_conf_find(f->etc, buf, sizeof(buf)),
                        "blogstat.conf");
    assert_int_equal(setenv("BLOGSTAT_CONFIG", "/env.conf", 1), 0);
    assert_string_equal(cli_conf_find(f->etc, buf, sizeof(buf)),
                        "/env.conf");
    /* An empty variable is no variable. */
    assert_int_equal(setenv("BLOGSTAT_CONFIG", "", 1), 0);
    assert_string_equal(cli_conf_find(f->etc, buf, sizeof(buf)),
                        "blogstat.conf");
    assert_int_equal(setenv("BLOGSTAT_CONFIG", "/env.conf", 1), 0);
    cli.config = "/opt.conf";
    assert_string_equal(cli_conf_find(f->etc, buf, sizeof(buf)),
                        "/opt.conf");
    free(etc_conf);
}

/* BLOGSTAT_NOW fixes the clock; anything but Unix seconds is refused. */
static void test_cli__now(void **state)
{
    int64_t now = 0;

    (void)state;
    assert_int_equal(setenv("BLOGSTAT_NOW", "1709608500", 1), 0);
    assert_int_equal(cli_now("top ", &now), 0);
    assert_int_equal(now, 1709608500);
    assert_int_equal(setenv("BLOGSTAT_NOW", "-5", 1), 0);
    assert_int_equal(cli_now("top ", &now), BS_USAGE);
    assert_int_equal(unsetenv("BLOGSTAT_NOW"), 0);
    assert_int_equal(cli_now("top ", &now), 0);
    assert_true(now > 1700000000);
}

/* Each message is one line, made whole before it is written; a message
 * longer than the line is cut and keeps its newline. */
static void test_cli__one_line_messages(void **state)
{
    struct fx *f = *state;
    char *path = tu_path(f->dir, "err.txt"), *big = xmalloc(5001), *text;
    int saved = dup(STDERR_FILENO);
    FILE *in;
    size_t n;

    memset(big, 'x', 5000);
    big[5000] = '\0';
    fflush(stderr);
    assert_non_null(freopen(path, "w", stderr));
    cli_warn("short %d", 1);
    cli_warn("%s", big);
    assert_int_equal(cli_usage("top ", "bad %s", "thing"), BS_USAGE);
    fflush(stderr);
    assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
    close(saved);
    in = fopen(path, "r");
    assert_non_null(in);
    text = xmalloc(16384);
    n = fread(text, 1, 16383, in);
    text[n] = '\0';
    fclose(in);
    assert_memory_equal(text, "blogstat: short 1\nblogstat: xxx", 31);
    {
        char *l2 = strchr(text, '\n') + 1, *l3 = strchr(l2, '\n') + 1;

        assert_true(l3 - l2 <= 2048);
        assert_true(l3 - l2 > 2000);
        assert_string_equal(l3, "blogstat: bad thing; see 'blogstat top "
                                "--help'\n");
    }
    free(text);
    free(big);
    free(path);
}

/* Sizes for a person, in powers of 1000, never "1000.0 kB". */
static void test_cli__bytes(void **state)
{
    char b[32];

    (void)state;
    cli_bytes(0, b, sizeof(b));
    assert_string_equal(b, "0 B");
    cli_bytes(999, b, sizeof(b));
    assert_string_equal(b, "999 B");
    cli_bytes(1000, b, sizeof(b));
    assert_string_equal(b, "1.0 kB");
    cli_bytes(53625, b, sizeof(b));
    assert_string_equal(b, "53.6 kB");
    cli_bytes(999949, b, sizeof(b));
    assert_string_equal(b, "999.9 kB");
    cli_bytes(999950, b, sizeof(b));
    assert_string_equal(b, "1.0 MB");
    cli_bytes(999950000, b, sizeof(b));
    assert_string_equal(b, "1.00 GB");
    cli_bytes(UINT64_MAX, b, sizeof(b));
    assert_non_null(strstr(b, " GB"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cli__conf_search_order, setup,
                                        teardown),
        cmocka_unit_test(test_cli__now),
        cmocka_unit_test(test_cli__bytes),
        cmocka_unit_test_setup_teardown(test_cli__one_line_messages, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
