/*
 * test_digest.c - the week's mail (digest.c): its subject, its headers
 * (an address that would add a header refused, a non-ASCII subject
 * encoded), and its parts, on a store of a few days.
 */
#include "tustore.h"
#include "digest.h"
#include "store.h"

#include <dirent.h>
#include <stdio.h>

#define DAY 19787            /* 2024-03-05 */

/* Views of one post on 14 days: 10 a day, then 20 a day the last 7. */
static void fill(struct tu_store *f)
{
    static const char path[] = "/2024/02/20/spring/";

    assert_int_equal(store_begin(f->s, &f->err), 0);
    for (int d = 0; d < 14; d++) {
        uint64_t n = d < 7 ? 10 : 20;

        assert_int_equal(store_add_day(f->s, STORE_SITE_DEFAULT, DAY - 13 + d,
                                       n, n, 0, 0, &f->err),
                         0);
        assert_int_equal(store_add_path_views(f->s, STORE_SITE_DEFAULT,
                                              DAY - 13 + d, URL_POST, path,
                                              sizeof(path) - 1, n, &f->err),
                         0);
    }
    assert_int_equal(store_commit(f->s, &f->err), 0);
}

static char *mail_of(struct tu_store *f, struct digest_mail *m, int *rc)
{
    struct report_range r = {STORE_SITE_DEFAULT, DAY - 6, DAY, DAY - 13, 0, 0};
    struct digest *d = digest_build(f->s, &r, &f->err);
    char *buf = NULL;
    size_t n = 0;
    FILE *mem = open_memstream(&buf, &n);

    assert_non_null(d);
    assert_non_null(mem);
    m->tmpdir = f->dir;
    *rc = digest_write(mem, d, m, &f->err);
    fclose(mem);
    digest_free(d);
    return buf;
}

static void test_digest__mail(void **state)
{
    struct tu_store *f = *state;
    struct digest_mail m = {.to = "me@example.org", .now = 1709683200};
    char *mail;
    int rc;

    fill(f);
    mail = mail_of(f, &m, &rc);
    assert_int_equal(rc, 0);
    /* 140 views against 70 the week before. */
    assert_non_null(strstr(mail, "\r\nSubject: Your blog this week: 140 "
                                 "views (+100%)\r\n"));
    assert_non_null(strstr(mail, "\r\nTo: me@example.org\r\n"));
    assert_non_null(strstr(mail, "Date: Wed, 06 Mar 2024 00:00:00 +0000"));
    assert_non_null(strstr(mail, "multipart/alternative; boundary="));
    assert_non_null(strstr(mail, "Content-Type: text/plain; charset=utf-8"));
    assert_non_null(strstr(mail, "Content-Type: text/html; charset=utf-8"));
    assert_non_null(strstr(mail, "Content-ID: <daily@blogstat>"));
    /* Every line within what mail servers carry. */
    for (char *p = mail, *e; *p; p = e + 1) {
        e = strchr(p, '\n');
        if (!e)
            break;
        assert_true(e - p <= 998);
    }
    free(mail);
    /* The chart's scratch folder is gone. */
    {
        DIR *dp = opendir(f->dir);
        struct dirent *e;

        assert_non_null(dp);
        while ((e = readdir(dp)))
            assert_null(strstr(e->d_name, "blogstat-digest"));
        closedir(dp);
    }
}

static void test_digest__addresses(void **state)
{
    struct tu_store *f = *state;
    struct digest_mail m = {.to = "me@example.org\r\nBcc: you@example.org"};
    char *mail;
    int rc;

    fill(f);
    mail = mail_of(f, &m, &rc);
    assert_int_equal(rc, -1);
    assert_int_equal(f->err.status, BS_USAGE);
    assert_null(strstr(mail ? mail : "", "Bcc"));
    free(mail);
    m.to = NULL;
    m.from = "no-at-sign";
    mail = mail_of(f, &m, &rc);
    assert_int_equal(rc, -1);
    free(mail);
}

static void test_digest__subject_words(void **state)
{
    struct tu_store *f = *state;
    struct report_range r = {STORE_SITE_DEFAULT, DAY, DAY, DAY - 13, 0, 0};
    struct digest *d;
    char s[128];

    fill(f);
    assert_non_null(d = digest_build(f->s, &r, &f->err));
    digest_subject(d, s, sizeof(s));
    /* The day before had as many. */
    assert_string_equal(s, "Your blog on 5 March 2024: 20 views (+0%)");
    digest_free(d);
    r.from = DAY - 13;
    assert_non_null(d = digest_build(f->s, &r, &f->err));
    digest_subject(d, s, sizeof(s));
    assert_string_equal(s, "Your blog these 14 days: 210 views");
    digest_free(d);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, tu_store_setup_open, \
                                                tu_store_teardown)
    const struct CMUnitTest tests[] = {
        T(test_digest__mail),
        T(test_digest__addresses),
        T(test_digest__subject_words),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
