/*
 * test_reader.c - reader.h: plain and gzip logs, line splitting across
 * buffer boundaries, overlong lines, copytruncate NULs, multi-member,
 * padded, truncated and corrupt gzip files, errors and standard input.
 */
#include "testutil.h"
#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>

/* ---- helpers ---------------------------------------------------------- */

struct gline {
    char *p;            /* copy of the bytes, NULL when overlong */
    size_t n;
    uint64_t lineno;
    int overlong;
    int gz;             /* READER_MEMBER_END and the others */
    uint64_t offset;    /* reader_offset() right after the line */
};

struct result {
    struct gline *v;
    size_t count, cap;
    int rc;             /* the last reader_next() return: 0 or -1 */
    int again_rc;       /* reader_next() called once more after that */
    struct bs_err again_err;
    struct bs_err err;
    int gzip;
    uint64_t bytes_read, file_size;
    int tail_damaged;   /* reader_tail_damaged() at the end */
    int growing;        /* reader_end_note() at the end */
    char end_note[600];
};

static void result_free(struct result *res)
{
    /* The end, or the error, stays: another call returns it again. */
    if (res->again_rc != res->rc)
        fail_msg("reader_next() returned %d after it had returned %d "
                 "(%zu lines)", res->again_rc, res->rc, res->count);
    if (res->rc < 0)
        assert_int_equal(res->again_err.status, res->err.status);
    for (size_t i = 0; i < res->count; i++)
        free(res->v[i].p);
    free(res->v);
    memset(res, 0, sizeof(*res));
}

/* Read every line of an open reader into res, checking line numbers. */
static void drain(struct reader *r, struct result *res)
{
    struct reader_line line;

    memset(res, 0, sizeof(*res));
    for (;;) {
        struct gline *g;
        int rc;

        memset(&line, 0x5a, sizeof(line));
        rc = reader_next(r, &line, &res->err);
        if (rc != 1) {
            res->rc = rc;
            break;
        }
        if (res->count == res->cap) {
            res->cap = res->cap ? res->cap * 2 : 256;
            res->v = xrealloc(res->v, res->cap * sizeof(*res->v));
        }
        g = &res->v[res->count++];
        g->n = line.n;
        g->lineno = line.lineno;
        g->overlong = line.overlong;
        g->gz = line.gz;
        if (line.gz & ~(READER_MEMBER_END | READER_AFTER_DAMAGE |
                        READER_DROP | READER_UNCHECKED))
            fail_msg("line %llu: gz flags %d",
                     (unsigned long long)line.lineno, line.gz);
        if (line.gz & READER_AFTER_DAMAGE)
            assert_non_null(strstr(reader_damage_note(r), reader_name(r)));
        g->offset = reader_offset(r);
        if (line.overlong) {
            if (line.p != NULL)
                fail_msg("line %llu: overlong with p != NULL",
                         (unsigned long long)line.lineno);
            assert_int_equal(line.n, 0);
            g->p = NULL;
        } else {
            assert_non_null(line.p);
            if (line.n > READER_MAX_LINE)
                fail_msg("line %llu: %zu bytes, over READER_MAX_LINE",
                         (unsigned long long)line.lineno, line.n);
            g->p = xmemdup(line.p, line.n);
        }
        if (g->lineno != res->count)
            fail_msg("line %zu has lineno %llu", res->count,
                     (unsigned long long)g->lineno);
    }
    res->again_rc = reader_next(r, &line, &res->again_err);
    res->tail_damaged = reader_tail_damaged(r);
    if (res->rc == 0) {
        const char *note = reader_end_note(r, &res->growing);

        if (note)
            snprintf(res->end_note, sizeof(res->end_note), "%s", note);
    }
    res->gzip = reader_is_gzip(r);
    res->bytes_read = reader_bytes_read(r);
    res->file_size = reader_file_size(r);
}

static void read_path(const char *path, struct result *res)
{
    struct bs_err err;
    struct reader *r;

    memset(&err, 0, sizeof(err));
    r = reader_open(path, 0, &err);
    if (!r)
        fail_msg("reader_open(%s): %d %s", path, err.status, err.msg);
    assert_string_equal(reader_name(r), path);
    drain(r, res);
    reader_close(r);
}

static void check_line(const struct result *res, size_t i, const char *want,
                       size_t n)
{
    const struct gline *g;

    if (i >= res->count)
        fail_msg("line %zu missing: only %zu lines", i + 1, res->count);
    g = &res->v[i];
    if (g->overlong)
        fail_msg("line %zu is overlong, want \"%.*s\"", i + 1, (int)n, want);
    if (g->n != n || memcmp(g->p, want, n) != 0)
        fail_msg("line %zu: \"%.*s\" (%zu bytes), want \"%.*s\" (%zu)", i + 1,
                 (int)(g->n < 200 ? g->n : 200), g->p, g->n,
                 (int)(n < 200 ? n : 200), want, n);
    assert_int_equal(g->lineno, i + 1);
}

static void check_str(const struct result *res, size_t i, const char *want)
{
    check_line(res, i, want, strlen(want));
}

static void check_overlong(const struct result *res, size_t i)
{
    if (i >= res->count)
        fail_msg("line %zu missing: only %zu lines", i + 1, res->count);
    if (!res->v[i].overlong)
        fail_msg("line %zu (%zu bytes) is not overlong", i + 1, res->v[i].n);
    assert_null(res->v[i].p);
    assert_int_equal(res->v[i].n, 0);
    assert_int_equal(res->v[i].lineno, i + 1);
}

static void check_msg_has(const struct bs_err *err, const char *what)
{
    if (!strstr(err->msg, what))
        fail_msg("error message \"%s\" does not contain \"%s\"", err->msg,
                 what);
}

/* Line i of the generated log: length 0..300, printable, deterministic. */
static size_t gen_line(uint32_t i, char *buf)
{
    uint64_t x = (uint64_t)i * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;
    size_t len;

    x ^= x >> 29;
    len = (size_t)(x % 301);
    for (size_t k = 0; k < len; k++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        buf[k] = (char)(0x20 + (x >> 33) % 95);
    }
    return len;
}

/* At least target bytes of generated lines, each ending in "\n". */
static char *gen_log(size_t target, size_t *n_out, uint32_t *lines_out)
{
    size_t cap = target + 400, n = 0;
    char *buf = xmalloc(cap);
    uint32_t i = 0;

    while (n < target) {
        n += gen_line(i++, buf + n);
        buf[n++] = '\n';
    }
    *n_out = n;
    *lines_out = i;
    return buf;
}

/* Check that res holds exactly lines 0..count-1 of the generator. */
static void check_generated(const struct result *res, uint32_t count)
{
    char buf[301];

    if (res->count != count)
        fail_msg("%zu lines, want %u", res->count, count);
    for (uint32_t i = 0; i < count; i++) {
        size_t n = gen_line(i, buf);

        check_line(res, i, buf, n);
    }
}

/* Compress with one Z_FULL_FLUSH after a bytes; *flush_at is the
 * compressed size at that point (the next block header starts there). */
static unsigned char *gzip_flushed(const char *data, size_t n, size_t a,
                                   size_t *out_n, size_t *flush_at)
{
    z_stream zs;
    size_t cap = n + n / 10 + 256;
    unsigned char *out = xmalloc(cap);

    memset(&zs, 0, sizeof(zs));
    assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8,
                                  Z_DEFAULT_STRATEGY), Z_OK);
    zs.next_in = (unsigned char *)(uintptr_t)data;
    zs.avail_in = (unsigned)a;
    zs.next_out = out;
    zs.avail_out = (unsigned)cap;
    assert_int_equal(deflate(&zs, Z_FULL_FLUSH), Z_OK);
    *flush_at = zs.total_out;
    zs.avail_in = (unsigned)(n - a);
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    *out_n = zs.total_out;
    deflateEnd(&zs);
    return out;
}

/* Decompress what zlib can out of a damaged gzip file; returns how many
 * "\n" the recoverable bytes hold. */
static size_t newlines_recoverable(const unsigned char *z, size_t zn)
{
    z_stream zs;
    unsigned char out[65536];
    size_t nl = 0;
    int ret;

    memset(&zs, 0, sizeof(zs));
    assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
    zs.next_in = (unsigned char *)(uintptr_t)z;
    zs.avail_in = (unsigned)zn;
    do {
        zs.next_out = out;
        zs.avail_out = sizeof(out);
        ret = inflate(&zs, Z_NO_FLUSH);
        for (size_t i = 0; i < sizeof(out) - zs.avail_out; i++)
            nl += out[i] == '\n';
    } while (ret == Z_OK && zs.avail_out == 0);
    inflateEnd(&zs);
    return nl;
}

static char *cat2(const void *a, size_t an, const void *b, size_t bn,
                  size_t *n)
{
    char *p = xmalloc(an + bn + 1);

    memcpy(p, a, an);
    memcpy(p + an, b, bn);
    *n = an + bn;
    return p;
}

/* The pieces a gzip member's lines come in (reader.h): a megabyte. */
#define PIECE (1024 * 1024)

/* How many of the lines of text[0..n) end (their "\n" included) at or
 * before limit. */
static uint32_t lines_within(const char *text, size_t n, size_t limit)
{
    uint32_t k = 0;

    for (size_t i = 0; i < n && i < limit; i++)
        k += text[i] == '\n';
    return k;
}

/* ---- plain files ------------------------------------------------------ */

static void test_reader__plain_lines(void **state)
{
    char *dir = tu_tmpdir();
    static const char text[] = "first line\nsecond\n\nfourth after empty\n";
    char *path = tu_write(dir, "access.log", text, sizeof(text) - 1);
    struct result res;

    (void)state;
    read_path(path, &res);
    assert_int_equal(res.rc, 0);
    assert_int_equal(res.count, 4);
    check_str(&res, 0, "first line");
    check_str(&res, 1, "second");
    check_str(&res, 2, "");
    check_str(&res, 3, "fourth after empty");
    assert_int_equal(res.gzip, 0);
    assert_int_equal(res.file_size, sizeof(text) - 1);
    assert_int_equal(res.bytes_read, sizeof(text) - 1);
    /* Offsets: the bytes up to each line's end, newline included. */
    assert_int_equal(res.v[0].offset, 11);
    assert_int_equal(res.v[1].offset, 18);
    assert_int_equal(res.v[2].offset, 19);
    assert_int_equal(res.v[3].offset, sizeof(text) - 1);
    result_free(&res);
    free(path);
    tu_rmrf(dir);
    free(dir);
}

static void test_reader__crlf(void **state)
{
    char *dir = tu_tmpdir();
    static const char text[] = "a\r\nbb\r\n\r\nc\rd\r\ne\r\r\nlast";
    char *path = tu_write(dir, "crlf.log", text, sizeof(text) - 1);
    struct result res;

    (void)state;
    read_path(path, &res);
    assert_int_equal(res.rc, 0);
    assert_int_equal(res.count, 6);
    check_str(&res, 0, "a");
    check_str(&res, 1, "bb");
    check_str(&res, 2, "");
    check_str(&res, 3, "c\rd");       /* only the \r before \n goes */
    check_str(&res, 4, "e\r");
    check_str(&res, 5, "last");
    assert_int_equal(res.v[0].offset, 3);
    assert_int_equal(res.v[1].offset, 7);
    assert_int_equal(res.v[4].offset, sizeof(text) - 1 - 4);
    assert_int_equal(res.v[5].offset, sizeof(text) - 1);
    result_free(&res);
    free(path);
    tu_rmrf(dir);
    free(dir);
}

static void test_reader__last_line_without_newline(void **state)
{
    char *dir = tu_tmpdir();
    char *p1 = tu_write(dir, "a.log", "one\ntwo", 7);
    char *p2 = tu_write(dir, "b.log", "x", 1);
    char *p3 = tu_write(dir, "c.log", "\n", 1);
    char *p4 = tu_write_gz(dir, "d.gz", "one\ntwo", 7);
    struct result res;

    (void)state;
    read_path(p1, &res);
    assert_int_equal(res.rc, 0);
    assert_int_equal(res.count, 2);
    check_str(&res, 0, "one");
    check_str(&res, 1, "two");
    assert_int_equal(res.v[1].offset, 7);
    result_free(&res);

    read_path(p2, &res);
    assert_int_equal(res.rc, 0);
    assert_int_equal(res.count, 1);
    check_str(&res, 0, "x");
    assert_int_equal(res.v[0].offset, 1);
    result_free(&res);

    read_path(p3, &res);
    assert_int_equal(res.rc, 0);
    assert_int_equal(res.count, 1);
    check_str(&res, 0, "");
    result_free(&res);

    read_path(p4, &res);
    assert_int_equal(res.rc, 0);
    assert_int_equal(res.gzip, 1);
    assert_int_equal(res.count, 2);
    check_str(&res, 0, "one");
    check_str(&res, 1, "two");
    assert_int_equal(res.v[1].offset, 7);
    result_free(&res);
    free(p1);
    free(p2);
    free(p3);
    free(p4);
    tu_rmrf(dir);
    free(dir);
}

static void test_reader__empty_file(void **state)
{
    char *dir = tu_tmpdir();
    char *p = tu_write(dir, "empty.log", "", 0);
    char *pz = tu_write_gz(dir, "empty.log.gz", "", 0);
    struct bs_err err;
    struct reader_line line;
    struct reader *r;

    (void)state;
    memset(&err, 0, sizeof(err));
    r = reader_open(p, 0, &err);
    assert_non_null(r);
    assert_int_equal(reader_next(r, &line, &err), 0);
    assert_int_equal(reader_next(r, &line, &err), 0);
    assert_int_equal(err.status, 0);
    assert_int_equal(reader_offset(r), 0);
    assert_int_equal(reader_is_gzip(r), 0);
    assert_int_equal(reader_file_size(r), 0);
    reader_close(r);

    r = reader_open(pz, 0, &err);
    assert_non_null(r);
    assert_int_equal(reader_is_gzip(r), 1);
    assert_int_equal(reader_next(r, &line, &err), 0);
    assert_int_equal(err.status, 0);
    assert_int_equal(reader_offset(r), 0);
    reader_close(r);
    free(p);
    free(pz);
    tu_rmrf(dir);
    free(dir);
}

static void test_reader__nul_bytes(void **state)
{
    char *dir = tu_tmpdir();
    static const char text[] = "\0\0\0line1\nli\0ne2\n\0\0\n\0x\0\n\0\0\0last";
    char *path = tu_write(dir, "nul.log", text, sizeof(text) - 1);
    char *pz = tu_write_gz(dir, "nul.gz", text, sizeof(text) - 1);
    struct result res;

    (void)state;
    for (int z = 0; z < 2; z++) {
        read_path(z ? pz : path, &res);
        assert_int_equal(res.rc, 0);
        assert_int_equal(res.count, 5);
        check_line(&res, 0, "line1", 5);      /* leading NULs skipped */
        check_line(&res, 1, "li\0ne2", 6);    /* an inner NUL is kept */
        check_line(&res, 2, "", 0);
        check_line(&res, 3, "x\0", 2);
        check_line(&res, 4, "last", 4);
        /* The skipped NULs still count in the offset. */
        assert_int_equal(res.v[0].offset, 9);
        assert_int_equal(res.v[1].offset, 16);
        assert_int_equal(res.v[4].offset, sizeof(text) - 1);
        result_free(&res);
    }
    free(path);
    free(pz);

    /* NULs after the last newline (a file padded after a crash) make no
     * line: a last line needs bytes. */
    path = tu_write(dir, "tailnul.log", "abc\n\0\0\0", 7);
    pz = tu_write_gz(dir, "tailnul.gz", "abc\n\0\0\0", 7);
    for (int z = 0; z < 2; z++) {
        read_path(z ? pz : path, &res);
        assert_int_equal(res.rc, 0);
        assert_int_equal(res.count, 1);
        check_str(&res, 0, "abc");
        result_free(&res);
    }
    free(path);
    free(pz);
    tu_rmrf(dir);
    free(dir);
}

/*
 * copytruncate under a writer that does not use O_APPEND leaves a hole of
 * NUL bytes as big as the old file (megabytes) before the first new line.
 * Those NULs are skipped like any other leading NULs: the line after them
 * is a normal line, not an overlong one.
 */
static void test_reader__copytruncate_big_hole(void **state)
{
    char *dir = tu_tmpdir();
    size_t hole = 200 * 1024, n;
    const char *tail = "203.0.113.9 - - [07/Feb/2013:13:55:36 +0100] "
                       "\"GET / HTTP/1.1\" 200 1\nnext\n";
    char *text = xcalloc(1, hole + strlen(tail) + 1);
    char *path, *pz;
    struct result res;

    (void)state;
    memcpy(text + hole, tail, strlen(tail));
    n = hole + strlen(tail);
    path = tu_write(dir, "hole.log", text, n);
    pz = tu_write_gz(dir, "hole.gz", text, n);
    for (int z = 0; z < 2; z++) {
        read_path(z ? pz : path, &res);
        assert_int_equal(res.rc, 0);
        assert_int_equal(res.count, 2);
        check_str(&res, 0, "203.0.113.9 - - [07/Feb/2013:13:55:36 +0100] "
                           "\"GET / HTTP/1.1\" 200 1");
        check_str(&res, 1, "next");
        assert_int_equal(res.v[1].offset, n);
        result_free(&res);
    }
    free(text);
    free(path);
    free(pz);
    tu_rmrf(dir);
    free(dir);
}

/* ---- overlong lines -------------------------------------------------- */

static void test_reader__overlong(void **state)
{
    char *dir = tu_tmpdir();
    size_t big = READER_MAX_LINE + 1;
    size_t n = 7 + big + 1 + 6;
    char *text = xmalloc(n), *path, *pz;
    struct result res;

    (void)state;
    memcpy(text, "before\n", 7);
    memset(text + 7, 'x', big);
    text[7 + big] = '\n';
    memcpy(text + 8 + big, "after\n", 6);
    path = tu_write(dir, "long.log", text, n);
    pz = tu_write_gz(dir, "long.gz", text, n);
    for (int z = 0; z < 2; z++) {
        read_path(z ? pz : path, &res);
        assert_int_equal(res.rc, 0);
        assert_int_equal(res.count, 3);
        check_str(&res, 0, "before");
        check_overlong(&res, 1);
        check_str(&res, 2, "after");
        assert_int_equal(res.v[0].offset, 7);
        assert_int_equal(res.v[1].offset, 8 + big);
        assert_int_equal(res.v[2].offset, n);
        result_free(&res);
    }
    free(path);
    free(pz);

    /* The same, the overlong line last and without a newline. */
    path = tu_write(dir, "long2.log", text, 7 + big);
    pz = tu_write_gz(dir, "long2.gz", text, 7 + big);
    for (int z = 0; z < 2; z++) {
        read_path(z ? pz : path, &res);
        assert_int_equal(res.rc, 0);
        assert_int_equal(res.count, 2);
        check_str(&res, 0, "before");
        check_overlong(&res, 1);
        assert_int_equal(res.v[1].offset, 7 + big);
        result_free(&res);
    }
    free(path);
    free(pz);
    free(text);
    tu_rmrf(dir);
    free(dir);
}

static void test_reader__exactly_max_line(void **state)
{
    char *dir = tu_tmpdir();
    size_t max = READER_MAX_LINE;
    size_t n = 2 + max + 1 + 2;
    char *text = xmalloc(n), *path, *pz, *pl;
    struct result res;

    (void)state;
    memcpy(text, "a\n", 2);
    for (size_t i = 0; i < max; i++)
        text[2 + i] = (char)('a' + i % 26);
    text[2 + max] = '\n';
    memcpy(text + 3 + max, "b\n", 2);
    path = tu_write(dir, "max.log", text, n);
    pz = tu_write_gz(dir, "max.gz", text, n);
    /* Exactly READER_MAX_LINE bytes as the last line, no newline. */
    pl = tu_write(dir, "maxlast.log", text, 2 + max);
    for (int k = 0; k < 3; k++) {
        read_path(k == 0 ? path : k == 1 ? pz : pl, &res);
        assert_int_equal(res.rc, 0);
        assert_int_equal(res.count, k == 2 ? 2 : 3);
        check_str(&res, 0, "a");
        check_line(&res, 1, text + 2, max);
        if (k != 2)
            check_str(&res, 2, "b");
        result_free(&res);
    }
    free(path);
    free(pz);
    free(pl);
    free(text);
    tu_rmrf(dir);
    free(dir);
}

/*
 * gzip read in place: a chunk ends where its member does, so two members
 * make the reader read on in the next chunk with the most it ever carries
 * over: the last line handed out, READER_MAX_LINE bytes and "\r\n", and
 * READER_MAX_LINE bytes of the next with no newline yet.
 */
static void test_reader__lines_across_chunks(void **state)
{
    char *dir = tu_tmpdir();
    size_t max = READER_MAX_LINE, n1 = 2 * max + 2, zn1, zn2;
    char *one = xmalloc(n1), *both, *path;
    static const char two[] = "\nend\n";
    unsigned char *z1, *z2;
    struct result res;

    (void)state;
    memset(one, 'a', max);
    memcpy(one + max, "\r\n", 2);
    memset(one + max + 2, 'b', max);
    z1 = tu_gzip(one, n1, &zn1);
    z2 = tu_gzip(two, sizeof(two) - 1, &zn2);
    both = xmalloc(zn1 + zn2);
    memcpy(both, z1, zn1);
    memcpy(both + zn1, z2, zn2);
    path = tu_write(dir, "two.gz", both, zn1 + zn2);
    read_path(path, &res);
    assert_int_equal(res.rc, 0);
    assert_int_equal(res.count, 3);
    check_line(&res, 0, one, max);
    check_line(&res, 1, one + max + 2, max);
    check_str(&res, 2, "end");
    assert_int_equal(res.v[2].offset, n1 + sizeof(two) - 1);
    result_free(&res);
    free(path);
    free(both);
    free(z1);
    free(z2);
    free(one);
    tu_rmrf(dir);
    free(dir);
}

/* Lines far longer than the reader's buffers, several in a row. */
static void test_reader__huge_lines(void **state)
{
    char *dir = tu_tmpdir();
    size_t huge = 3 * 1024 * 1024 + 17;
    size_t n = 0, cap = 2 * huge + READER_MAX_LINE + 1000;
    char *text = xmalloc(cap), *path, *pz;
    struct result res;

    (void)state;
    n += (size_t)snprintf(text + n, cap - n, "one\n");
    memset(text + n, 'y', huge);
    n += huge;
    text[n++] = '\n';
    memset(text + n, 'z', READER_MAX_LINE + 100);
    n += READER_MAX_LINE + 100;
    text[n++] = '\n';
    n += (size_t)snprintf(text + n, cap - n, "two\n");
    memset(text + n, 'w', huge);
    n += huge;
    path = tu_write(dir, "huge.log", text, n);
    pz = tu_write_gz(dir, "huge.gz", text, n);
    for (int z = 0; z < 2; z++) {
        read_path(z ? pz : path, &res);
        assert_int_equal(res.rc, 0);
        assert_int_equal(res.count, 5);
        check_str(&res, 0, "one");
        check_overlong(&res, 1);
        check_overlong(&res, 2);
        check_str(&res, 3, "two");
        check_overlong(&res, 4);
        assert_int_equal(res.v[1].offset, 4 + huge + 1);
        assert_int_equal(res.v[4].offset, n);
        result_free(&res);
    }
    free(path);
    free(pz);
    free(text);
    tu_rmrf(dir);
    free(dir);
}

/* ---- buffer boundaries ------------------------------------------------ */

static void test_reader__many_lines_plain_and_gzip(void **state)
{
    char *dir = tu_tmpdir();
    size_t n;
    uint32_t count;
    char *text = gen_log(5 * 1024 * 1024, &n, &count);
    char *path = tu_write(dir, "gen.log", text, n);
    char *pz = tu_write_gz(dir, "gen.log.gz", text, n);
    struct result res;

    (void)state;
    for (int z = 0; z < 2; z++) {
        read_path(z ? pz : path, &res);
        assert_int_equal(res.rc, 0);
        assert_int_equal(res.gzip, z);
        check_generated(&res, count);
        assert_int_equal(res.v[res.count - 1].offset, n);
        /* Offsets grow by each line and its newline. */
        for (size_t i = 1; i < res.count; i++)
            if (res.v[i].offset != res.v[i - 1].offset + res.v[i].n + 1)
                fail_msg("line %zu: offset %llu after %llu + %zu + 1", i + 1,
                         (unsigned long long)res.v[i].offset,
                         (unsigned long long)res.v[i - 1].offset,
                         res.v[i].n);
        result_free(&res);
    }
    free(path);
    free(pz);
    free(text);
    tu_rmrf(dir);
    free(dir);
}

/* ---- gzip detection -------------------------------------------------- */

static void test_reader__gzip_by_magic(void **state)
{
    char *dir = tu_tmpdir();
    static const char text[] = "alpha\nbeta\n";
    char *gz_named_log = tu_write_gz(dir, "access.log", text, 11);
    char *plain_named_gz = tu_write(dir, "access.log.2.gz", text, 11);
    char *one_byte = tu_write(dir, "magic1.gz", "\x1f", 1);
    char *fake = tu_write(dir, "fake.gz", "\x1f\x8c\n", 3);
    struct result res;

    (void)state;
    read_path(gz_named_log, &res);
    assert_int_equal(res.rc, 0);
    assert_int_equal(res.gzip, 1);
    assert_int_equal(res.count, 2);
    check_str(&res, 0, "alpha");
    check_str(&res, 1, "beta");
    assert_int_equal(res.v[1].offset, 11);
    assert_true(res.file_size > 11);   /* the compressed size */
    assert_int_equal(res.bytes_read, res.file_size);
    result_free(&res);

    read_path(plain_named_gz, &res);
    assert_int_equal(res.rc, 0);
    assert_int_equal(res.gzip, 0);
    assert_int_equal(res.count, 2);
    check_str(&res, 0, "alpha");
    check_str(&res, 1, "beta");
    assert_int_equal(res.file_size, 11);
    result_free(&res);

    /* Half a magic number is text. */
    read_path(one_byte, &res);
    assert_int_equal(res.rc, 0);
    assert_int_equal(res.gzip, 0);
    assert_int_equal(res.count, 1);
    check_str(&res, 0, "\x1f");
    result_free(&res);

    read_path(fake, &res);
    assert_int_equal(res.rc, 0);
    assert_int_equal(res.gzip, 0);
    assert_int_equal(res.count, 1);
    check_str(&res, 0, "\x1f\x8c");
    result_free(&res);
    free(gz_named_log);
    free(plain_named_gz);
    free(one_byte);
    free(fake);
    tu_rmrf(dir);
    free(dir);
}

/* ---- multi-member, padding, garbage --------------------------------- */

static void test_reader__multi_member(void **state)
{
    char *dir = tu_tmpdir();
    size_t an, bn, en, n, n3;
    unsigned char *a = tu_gzip("a1\na2\n", 6, &an);
    unsigned char *b = tu_gzip("b1\nb2", 5, &bn);
    unsigned char *e = tu_gzip("", 0, &en);
    char *ab = cat2(a, an, b, bn, &n), *eab, *tmp, *path, *p3;
    struct result res;

    (void)state;
    path = tu_write(dir, "mm.log", ab, n);
    read_path(path, &res);
    assert_int_equal(res.rc, 0);
    assert_int_equal(res.gzip, 1);
    assert_int_equal(res.count, 4);
    check_str(&res, 0, "a1");
    check_str(&res, 1, "a2");
    check_str(&res, 2, "b1");
    check_str(&res, 3, "b2");
    assert_int_equal(res.v[1].gz, READER_MEMBER_END);
    assert_int_equal(res.v[3].gz, READER_MEMBER_END);
    assert_int_equal(res.v[0].gz | res.v[2].gz, 0);
    assert_int_equal(res.v[3].offset, 11);
    assert_int_equal(res.bytes_read, n);
    result_free(&res);
    free(path);

    /* An empty member first, then a line split across two members. */
    tmp = cat2(e, en, "", 0, &n3);
    {
        size_t pn, qn, n4;
        unsigned char *p1 = tu_gzip("x1\nsplit-", 9, &pn);
        unsigned char *q1 = tu_gzip("line\nx3\n", 8, &qn);
        char *pq = cat2(p1, pn, q1, qn, &n4);

        eab = cat2(tmp, n3, pq, n4, &n3);
        free(p1);
        free(q1);
        free(pq);
    }
    p3 = tu_write(dir, "mm3.log", eab, n3);
    read_path(p3, &res);
    assert_int_equal(res.rc, 0);
    assert_int_equal(res.count, 3);
    check_str(&res, 0, "x1");
    check_str(&res, 1, "split-line");
    check_str(&res, 2, "x3");
    /* A line across two members ends none of them. */
    assert_int_equal(res.v[0].gz | res.v[1].gz, 0);
    assert_int_equal(res.v[2].gz, READER_MEMBER_END);
    result_free(&res);
    free(tmp);
    free(eab);
    free(p3);
    free(a);
    free(b);
    free(e);
    free(ab);
    tu_rmrf(dir);
    free(dir);
}

/* Many members of generated lines, cut at arbitrary places. */
static void test_reader__multi_member_many(void **state)
{
    char *dir = tu_tmpdir();
    size_t n, zn = 0, zcap;
    uint32_t count;
    char *text = gen_log(3 * 1024 * 1024 + 12345, &n, &count);
    unsigned char *all;
    char *path;
    struct result res;
    size_t pos = 0, step = 1;

    (void)state;
    zcap = n + n / 5 + 64 * 1024;
    all = xmalloc(zcap);
    while (pos < n) {
        size_t len = step * 7919 % (700 * 1024) + 1, mn;
        unsigned char *m;

        if (len > n - pos)
            len = n - pos;
        m = tu_gzip(text + pos, len, &mn);
        assert_true(zn + mn <= zcap);
        memcpy(all + zn, m, mn);
        zn += mn;
        free(m);
        pos += len;
        step = step * 31 + 7;
    }
    path = tu_write(dir, "members.gz", all, zn);
    read_path(path, &res);
    assert_int_equal(res.rc, 0);
    check_generated(&res, count);
    assert_int_equal(res.v[res.count - 1].offset, n);
    result_free(&res);
    free(path);
    free(all);
    free(text);
    tu_rmrf(dir);
    free(dir);
}

static void test_reader__nul_padding(void **state)
{
    char *dir = tu_tmpdir();
    size_t an, n, pad = 300 * 1024;
    unsigned char *a = tu_gzip("p1\np2\n", 6, &an);
    char *zeros = xcalloc(1, pad);
    char *small, *large, *p1, *p2;
    struct result res;

    (void)state;
    small = cat2(a, an, zeros, 512, &n);
    p1 = tu_write(dir, "pad.gz", small, n);
    large = cat2(a, an, zeros, pad, &n);
    p2 = tu_write(dir, "bigpad.gz", large, n);
    for (int k = 0; k < 2; k++) {
        read_path(k ? p2 : p1, &res);
        assert_int_equal(res.rc, 0);
        assert_int_equal(res.err.status, 0);
        assert_int_equal(res.count, 2);
        check_str(&res, 0, "p1");
        check_str(&res, 1, "p2");
        result_free(&res);
    }
    /* One NUL byte of padding. */
    free(small);
    small = cat2(a, an, zeros, 1, &n);
    free(p1);
    p1 = tu_write(dir, "pad1.gz", small, n);
    read_path(p1, &res);
    assert_int_equal(res.rc, 0);
    assert_int_equal(res.count, 2);
    result_free(&res);
    free(a);
    free(zeros);
    free(small);
    free(large);
    free(p1);
    free(p2);
    tu_rmrf(dir);
    free(dir);
}

/* Bytes after the last member that are no gzip data: ignored with a
 * note, as gzip -dc ignores them; every line is read. */
static void test_reader__garbage_after_member(void **state)
{
    char *dir = tu_tmpdir();
    size_t an, n;
    unsigned char *a = tu_gzip("g1\ng2\nlast-no-newline", 21, &an);
    char *junk, *path;
    char *zeros_junk = xcalloc(1, 1000);
    struct result res;
    static const char *const tails[] = {"garbage", "x", "\x1f",
                                        "\x1f\x8b\x09 not deflate"};

    (void)state;
    for (size_t k = 0; k < ARRAY_SIZE(tails) + 1; k++) {
        char want[64];
        size_t tail;

        if (k < ARRAY_SIZE(tails)) {
            tail = strlen(tails[k]);
            junk = cat2(a, an, tails[k], tail, &n);
        } else {
            /* NUL padding, then garbage: the garbage is one byte. */
            zeros_junk[999] = 'j';
            junk = cat2(a, an, zeros_junk, 1000, &n);
            tail = 1;
        }
        path = tu_write(dir, "junk.gz", junk, n);
        read_path(path, &res);
        assert_int_equal(res.rc, 0);
        assert_int_equal(res.err.status, 0);
        assert_int_equal(res.count, 3);
        check_str(&res, 0, "g1");
        check_str(&res, 1, "g2");
        check_str(&res, 2, "last-no-newline");
        assert_int_equal(res.v[2].gz, READER_MEMBER_END);
        assert_int_equal(res.tail_damaged, 0);
        assert_int_equal(res.growing, 0);
        if (!strstr(res.end_note, path))
            fail_msg("note \"%s\" names no file", res.end_note);
        snprintf(want, sizeof(want), "%zu bytes after the last gzip member",
                 tail);
        if (!strstr(res.end_note, want))
            fail_msg("note \"%s\" lacks \"%s\"", res.end_note, want);
        result_free(&res);
        free(junk);
        free(path);
    }
    free(zeros_junk);
    free(a);
    tu_rmrf(dir);
    free(dir);
}

/* ---- truncated and corrupt gzip ------------------------------------- */

static void check_truncated(const char *dir, const char *name,
                            const unsigned char *z, size_t zn,
                            uint32_t count)
{
    char *path = tu_write(dir, name, z, zn);
    size_t want = newlines_recoverable(z, zn);
    struct result res;
    char buf[301];

    read_path(path, &res);
    assert_int_equal(res.rc, -1);
    assert_int_equal(res.err.status, BS_DATAERR);
    check_msg_has(&res.err, path);
    check_msg_has(&res.err, "truncated");
    if (res.count != want)
        fail_msg("%s: %zu lines before the error, want %zu", name, res.count,
                 want);
    assert_true(want <= count);
    for (uint32_t i = 0; i < res.count; i++) {
        size_t n = gen_line(i, buf);

        check_line(&res, i, buf, n);
    }
    result_free(&res);
    free(path);
}

static void test_reader__truncated_gzip(void **state)
{
    char *dir = tu_tmpdir();
    size_t n, zn;
    uint32_t count;
    char *text = gen_log(2 * 1024 * 1024, &n, &count);
    unsigned char *z = tu_gzip(text, n, &zn);

    (void)state;
    /* The last 100 bytes cut: most of the lines are there. */
    check_truncated(dir, "cut100.gz", z, zn - 100, count);
    assert_true(newlines_recoverable(z, zn - 100) > count - 1000);
    /* Cut in the middle. */
    check_truncated(dir, "cuthalf.gz", z, zn / 2, count);
    /* Only the 8-byte trailer missing, or part of it: every line is
     * there, and still the file is damaged. */
    check_truncated(dir, "cuttrailer.gz", z, zn - 8, count);
    assert_int_equal(newlines_recoverable(z, zn - 8), count);
    check_truncated(dir, "cuttrailer3.gz", z, zn - 3, count);
    /* Cut inside the 10-byte header, and right after it. */
    check_truncated(dir, "cuthead5.gz", z, 5, count);
    check_truncated(dir, "cuthead10.gz", z, 10, count);
    /* Just the magic number. */
    check_truncated(dir, "magic.gz", (const unsigned char *)"\x1f\x8b", 2,
                    count);
    check_truncated(dir, "magic3.gz", (const unsigned char *)"\x1f\x8b\x08",
                    3, count);

    /* The second member of two cut short, or after its magic number. */
    for (int k = 0; k < 2; k++) {
        size_t an, bn, mn;
        unsigned char *a = tu_gzip("m1\nm2\n", 6, &an);
        unsigned char *b = tu_gzip("m3\nm4\n", 6, &bn);
        char *ab = cat2(a, an, b, k ? 2 : bn - 5, &mn);
        char *path = tu_write(dir, "mmcut.gz", ab, mn);
        struct result res;

        read_path(path, &res);
        assert_int_equal(res.rc, -1);
        assert_int_equal(res.err.status, BS_DATAERR);
        check_msg_has(&res.err, "truncated");
        check_msg_has(&res.err, path);
        assert_true(res.count >= 2);
        check_str(&res, 0, "m1");
        check_str(&res, 1, "m2");
        result_free(&res);
        free(a);
        free(b);
        free(ab);
        free(path);
    }

    /* A NULL err is allowed. */
    {
        char *path = tu_write(dir, "nullerr.gz", z, zn / 3);
        struct bs_err err;
        struct reader *r;
        struct reader_line line;
        int rc;

        memset(&err, 0, sizeof(err));
        r = reader_open(path, 0, &err);
        assert_non_null(r);
        while ((rc = reader_next(r, &line, NULL)) == 1)
            ;
        assert_int_equal(rc, -1);
        reader_close(r);
        free(path);
    }
    free(z);
    free(text);
    tu_rmrf(dir);
    free(dir);
}

/* An invalid block right after a full flush in the third megabyte of a
 * member: the lines of the first two come (they were handed on before
 * the damage showed, and the caller is told to drop them), none of the
 * third, then the error. */
static void test_reader__corrupt_block(void **state)
{
    char *dir = tu_tmpdir();
    size_t n, zn, flush_at, a;
    uint32_t count, within;
    char *text = gen_log(3 * PIECE + 1000, &n, &count);
    unsigned char *z;
    char *path;
    struct result res;

    (void)state;
    /* Flush after the line ending nearest 2.5 MiB. */
    a = 2 * PIECE + PIECE / 2;
    while (text[a - 1] != '\n')
        a++;
    within = lines_within(text, n, 2 * PIECE);
    z = gzip_flushed(text, n, a, &zn, &flush_at);
    assert_true(flush_at > 10 && flush_at < zn - 8);
    /* BFINAL 0, BTYPE 11: "invalid block type". */
    z[flush_at] = (unsigned char)((z[flush_at] & ~7) | 6);
    path = tu_write(dir, "corrupt.gz", z, zn);
    read_path(path, &res);
    assert_int_equal(res.rc, -1);
    assert_int_equal(res.err.status, BS_DATAERR);
    check_msg_has(&res.err, "corrupt");
    check_msg_has(&res.err, "1 damaged part");
    check_msg_has(&res.err, "invalid block type");
    check_msg_has(&res.err, path);
    check_generated(&res, within);
    /* The member is over a megabyte: its first line says so. */
    assert_int_equal(res.v[0].gz, READER_UNCHECKED);
    for (uint32_t i = 1; i < res.count; i++)
        assert_int_equal(res.v[i].gz, 0);
    assert_int_equal(res.tail_damaged, 1);
    result_free(&res);
    free(path);
    free(z);
    free(text);
    tu_rmrf(dir);
    free(dir);
}

/* How many bytes zlib decompresses from the first zn bytes of z. */
static size_t inflated_size(const unsigned char *z, size_t zn)
{
    z_stream zs;
    unsigned char out[65536];
    size_t total = 0;
    int ret;

    memset(&zs, 0, sizeof(zs));
    assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
    zs.next_in = (unsigned char *)(uintptr_t)z;
    zs.avail_in = (unsigned)zn;
    do {
        zs.next_out = out;
        zs.avail_out = sizeof(out);
        ret = inflate(&zs, Z_NO_FLUSH);
        total += sizeof(out) - zs.avail_out;
    } while (ret == Z_OK && zs.avail_out == 0);
    inflateEnd(&zs);
    return total;
}

/*
 * Bytes flipped in the middle of the deflate data. What zlib makes of the
 * bytes after the damage before it notices is garbage it cannot tell
 * from data; the lines made of the bytes before the damage are exact.
 */
static void test_reader__corrupt_flipped_bytes(void **state)
{
    char *dir = tu_tmpdir();
    size_t n, zn, good;
    uint32_t count;
    char *text = gen_log(1024 * 1024, &n, &count);
    unsigned char *z = tu_gzip(text, n, &zn);
    char *path;
    struct result res;
    char buf[301];
    size_t exact = 0;

    (void)state;
    good = inflated_size(z, zn / 2);
    assert_true(good > 100000 && good < n);
    for (size_t i = zn / 2; i < zn / 2 + 64; i++)
        z[i] ^= 0xff;
    path = tu_write(dir, "flipped.log", z, zn);
    read_path(path, &res);
    assert_int_equal(res.rc, -1);
    assert_int_equal(res.err.status, BS_DATAERR);
    check_msg_has(&res.err, "corrupt");
    check_msg_has(&res.err, path);
    for (uint32_t i = 0; i < res.count && res.v[i].offset <= good; i++) {
        size_t k = gen_line(i, buf);

        check_line(&res, i, buf, k);
        exact++;
    }
    (void)exact;
    /* No line after the damage is returned but those that were handed
     * on before it showed: the caller is told to drop them. */
    assert_int_equal(res.tail_damaged, 1);
    result_free(&res);
    free(path);
    free(z);
    free(text);
    tu_rmrf(dir);
    free(dir);
}

/* The data is intact but the trailer's CRC or length is wrong. */
static void test_reader__corrupt_trailer(void **state)
{
    char *dir = tu_tmpdir();
    static const char text[] = "t1\nt2\n";
    size_t zn;
    unsigned char *z = tu_gzip(text, 6, &zn);
    struct result res;

    (void)state;
    for (int k = 0; k < 2; k++) {
        char *path;

        z[zn - 8 + (k ? 4 : 0)] ^= 0x55;   /* CRC32, then ISIZE */
        path = tu_write(dir, "trailer.gz", z, zn);
        read_path(path, &res);
        assert_int_equal(res.rc, -1);
        assert_int_equal(res.err.status, BS_DATAERR);
        check_msg_has(&res.err, "corrupt");
        check_msg_has(&res.err, path);
        /* The member's one piece shows the damage: no line of it, none
         * to drop. */
        assert_int_equal(res.count, 0);
        assert_int_equal(res.tail_damaged, 0);
        result_free(&res);
        free(path);
        z[zn - 8 + (k ? 4 : 0)] ^= 0x55;
    }
    free(z);
    tu_rmrf(dir);
    free(dir);
}

/* ---- damaged members, files still being written ---------------------- */

/* Members a, then mid, then c, read: the lines and the flags. */
static void read_three(const char *dir, const void *mid, size_t midn,
                       struct result *res, size_t *an_out)
{
    size_t an, cn, n1, n2;
    unsigned char *a = tu_gzip("a1\na2\n", 6, &an);
    unsigned char *c = tu_gzip("c1\nc2\nc3\n", 9, &cn);
    char *am = cat2(a, an, mid, midn, &n1);
    char *all = cat2(am, n1, c, cn, &n2);
    char *path = tu_write(dir, "three.gz", all, n2);

    read_path(path, res);
    check_msg_has(&res->err, path);
    *an_out = an;
    free(a);
    free(c);
    free(am);
    free(all);
    free(path);
}

/* The lines of read_three() with a damaged or missing middle member. */
static void check_three(const struct result *res, size_t an,
                        const char *why)
{
    char at[64];

    assert_int_equal(res->rc, -1);
    assert_int_equal(res->err.status, BS_DATAERR);
    check_msg_has(&res->err, "corrupt gzip file: 1 damaged part skipped");
    check_msg_has(&res->err, why);
    snprintf(at, sizeof(at), "the first at byte %zu", an);
    check_msg_has(&res->err, at);
    assert_int_equal(res->count, 5);
    check_str(res, 0, "a1");
    check_str(res, 1, "a2");
    check_str(res, 2, "c1");
    check_str(res, 3, "c2");
    check_str(res, 4, "c3");
    assert_int_equal(res->v[0].gz, 0);
    assert_int_equal(res->v[1].gz, READER_MEMBER_END);
    assert_int_equal(res->v[2].gz, READER_AFTER_DAMAGE);
    assert_int_equal(res->v[3].gz, 0);
    assert_int_equal(res->v[4].gz, READER_MEMBER_END);
    assert_int_equal(res->tail_damaged, 0);
}

/* A middle member with a bad CRC, a bad length, an invalid block, or
 * garbage between two members: none of its lines, the members after it
 * read, the damage the error at the end. */
static void test_reader__damaged_middle_member(void **state)
{
    char *dir = tu_tmpdir();
    size_t bn, an;
    unsigned char *b = tu_gzip("b1\nb2\n", 6, &bn);
    struct result res;
    static const char junk[] = "some junk\n";

    (void)state;
    b[bn - 8] ^= 0x55;                  /* CRC32 */
    read_three(dir, b, bn, &res, &an);
    check_three(&res, an, "incorrect data check");
    result_free(&res);
    b[bn - 8] ^= 0x55;
    b[bn - 4] ^= 0x55;                  /* ISIZE */
    read_three(dir, b, bn, &res, &an);
    check_three(&res, an, "incorrect length check");
    result_free(&res);
    b[bn - 4] ^= 0x55;
    b[10] = (unsigned char)((b[10] & ~7) | 6);   /* invalid block type */
    read_three(dir, b, bn, &res, &an);
    check_three(&res, an, "invalid block type");
    result_free(&res);
    read_three(dir, junk, sizeof(junk) - 1, &res, &an);
    check_three(&res, an, "no gzip data");
    result_free(&res);

    /* After the damage, bytes that only look like a header (its flags
     * are bad) are part of the same damage. */
    {
        size_t n;
        char *bj;

        b[10] = (unsigned char)((b[10] & ~7) | 6);
        bj = cat2(b, bn, "\x1f\x8b\x08\xff junk", 9, &n);
        read_three(dir, bj, n, &res, &an);
        check_three(&res, an, "invalid block type");
        result_free(&res);
        free(bj);
    }
    free(b);
    tu_rmrf(dir);
    free(dir);
}

/* A damaged member of several megabytes between two good ones: the lines
 * of its pieces before the one where the damage shows come (to drop:
 * the next line is marked), none of that piece. */
static void test_reader__damaged_big_member(void **state)
{
    char *dir = tu_tmpdir();
    size_t n, zn, an, cn, n1, n2;
    uint32_t count, within;
    char *text = gen_log(2 * PIECE + PIECE / 2, &n, &count);
    unsigned char *z = tu_gzip(text, n, &zn);
    unsigned char *a = tu_gzip("a1\n", 3, &an);
    unsigned char *c = tu_gzip("c1\nc2\n", 6, &cn);
    char *az, *all, *path;
    struct result res;
    char buf[301];

    (void)state;
    z[zn - 8] ^= 0x55;
    within = lines_within(text, n, 2 * PIECE);
    az = cat2(a, an, z, zn, &n1);
    all = cat2(az, n1, c, cn, &n2);
    path = tu_write(dir, "big.gz", all, n2);
    read_path(path, &res);
    assert_int_equal(res.rc, -1);
    check_msg_has(&res.err, "1 damaged part");
    check_msg_has(&res.err, "incorrect data check");
    assert_int_equal(res.count, 1 + within + 2);
    check_str(&res, 0, "a1");
    assert_int_equal(res.v[0].gz, READER_MEMBER_END);
    for (uint32_t i = 0; i < within; i++) {
        size_t k = gen_line(i, buf);
        const struct gline *g = &res.v[1 + i];

        if (g->n != k || memcmp(g->p, buf, k) != 0 ||
            g->gz != (i == 0 ? READER_UNCHECKED : 0))
            fail_msg("line %u of the big member differs", i + 1);
    }
    check_line(&res, 1 + within, "c1", 2);
    assert_int_equal(res.v[1 + within].gz,
                     READER_AFTER_DAMAGE | READER_DROP);
    assert_int_equal(res.v[2 + within].gz, READER_MEMBER_END);
    assert_int_equal(res.tail_damaged, 0);
    result_free(&res);
    free(path);
    free(all);
    free(az);

    /* The big member whole, then a small damaged one: nothing to drop,
     * the big one checked out. */
    z[zn - 8] ^= 0x55;
    a[an - 8] ^= 0x55;
    az = cat2(z, zn, a, an, &n1);
    all = cat2(az, n1, c, cn, &n2);
    path = tu_write(dir, "big2.gz", all, n2);
    read_path(path, &res);
    assert_int_equal(res.rc, -1);
    assert_int_equal(res.count, count + 2);
    assert_int_equal(res.v[0].gz, READER_UNCHECKED);
    assert_int_equal(res.v[count - 1].gz, READER_MEMBER_END);
    check_line(&res, count, "c1", 2);
    assert_int_equal(res.v[count].gz, READER_AFTER_DAMAGE);
    assert_int_equal(res.tail_damaged, 0);
    result_free(&res);
    free(path);
    free(all);
    free(az);
    free(a);
    free(c);
    free(z);
    free(text);
    tu_rmrf(dir);
    free(dir);
}

/* Open path with flags and read it all into res. */
static void read_path_flags(const char *path, int flags, struct result *res)
{
    struct bs_err err = {0};
    struct reader *r = reader_open(path, flags, &err);

    if (!r)
        fail_msg("reader_open(%s): %s", path, err.msg);
    drain(r, res);
    reader_close(r);
}

/* A gzip file cut inside its member: with READER_HOLD_PARTIAL and changed
 * within the hour, still being written (a clean end, its half line held
 * back, a note); unchanged for hours, or read without the flag,
 * truncated. */
static void test_reader__growing_gzip(void **state)
{
    char *dir = tu_tmpdir();
    size_t n, zn;
    uint32_t count;
    char *text = gen_log(300 * 1024, &n, &count);
    unsigned char *z = tu_gzip(text, n, &zn);
    char *path = tu_write(dir, "live.gz", z, zn / 2);
    size_t want = newlines_recoverable(z, zn / 2);
    struct timeval old[2];
    struct result res;

    (void)state;
    read_path_flags(path, READER_HOLD_PARTIAL, &res);
    assert_int_equal(res.rc, 0);
    assert_int_equal(res.growing, 1);
    check_generated(&res, (uint32_t)want);
    if (!strstr(res.end_note, path) ||
        !strstr(res.end_note, "still being written"))
        fail_msg("note \"%s\"", res.end_note);
    assert_int_equal(res.tail_damaged, 0);
    result_free(&res);

    read_path_flags(path, 0, &res);
    assert_int_equal(res.rc, -1);
    check_msg_has(&res.err, "truncated gzip file");
    check_generated(&res, (uint32_t)want);
    result_free(&res);

    old[0].tv_sec = old[1].tv_sec = time(NULL) - 3 * 3600;
    old[0].tv_usec = old[1].tv_usec = 0;
    assert_int_equal(utimes(path, old), 0);
    read_path_flags(path, READER_HOLD_PARTIAL, &res);
    assert_int_equal(res.rc, -1);
    check_msg_has(&res.err, "truncated gzip file");
    check_msg_has(&res.err, "has not changed for an hour");
    check_generated(&res, (uint32_t)want);
    result_free(&res);

    /* Whole, it ends cleanly and says nothing. */
    free(path);
    path = tu_write(dir, "whole.gz", z, zn);
    read_path_flags(path, READER_HOLD_PARTIAL, &res);
    assert_int_equal(res.rc, 0);
    assert_int_equal(res.growing, 0);
    assert_int_equal(res.end_note[0], '\0');
    check_generated(&res, count);
    assert_int_equal(res.v[count - 1].gz, READER_MEMBER_END);
    for (uint32_t i = 0; i + 1 < count; i++)
        assert_int_equal(res.v[i].gz, 0);
    result_free(&res);
    free(path);
    free(z);
    free(text);
    tu_rmrf(dir);
    free(dir);
}

/* ---- open errors ----------------------------------------------------- */

static void test_reader__missing_file(void **state)
{
    char *dir = tu_tmpdir();
    char *path = tu_path(dir, "no-such-file.log");
    struct bs_err err;

    (void)state;
    memset(&err, 0, sizeof(err));
    assert_null(reader_open(path, 0, &err));
    assert_int_equal(err.status, BS_NOINPUT);
    check_msg_has(&err, path);
    assert_int_equal(strchr(err.msg, '\n'), NULL);
    /* A NULL err is allowed. */
    assert_null(reader_open(path, 0, NULL));
    free(path);
    tu_rmrf(dir);
    free(dir);
}

static void test_reader__directory(void **state)
{
    char *dir = tu_tmpdir();
    struct bs_err err;

    (void)state;
    memset(&err, 0, sizeof(err));
    assert_null(reader_open(dir, 0, &err));
    assert_int_equal(err.status, BS_NOINPUT);
    check_msg_has(&err, dir);
    tu_rmrf(dir);
    free(dir);
}

static void test_reader__unreadable_file(void **state)
{
    char *dir = tu_tmpdir();
    char *path = tu_write(dir, "secret.log", "x\n", 2);
    struct bs_err err;
    struct reader *r;

    (void)state;
    assert_int_equal(chmod(path, 0), 0);
    memset(&err, 0, sizeof(err));
    r = reader_open(path, 0, &err);
    if (r) {
        /* Running as root: permissions do not apply; it reads normally. */
        struct reader_line line;

        assert_int_equal(reader_next(r, &line, &err), 1);
        assert_int_equal(line.n, 1);
        assert_int_equal(line.p[0], 'x');
        assert_int_equal(reader_next(r, &line, &err), 0);
        reader_close(r);
    } else {
        assert_int_equal(err.status, BS_NOINPUT);
        check_msg_has(&err, path);
    }
    free(path);
    tu_rmrf(dir);
    free(dir);
}

/* ---- standard input --------------------------------------------------- */

/* Read "-" with fd as standard input. */
static void read_stdin_fd(int fd, struct result *res)
{
    int saved = dup(STDIN_FILENO);
    struct bs_err err;
    struct reader *r;

    assert_true(saved >= 0);
    assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
    close(fd);
    memset(&err, 0, sizeof(err));
    r = reader_open("-", 0, &err);
    if (r) {
        assert_string_equal(reader_name(r), "-");
        drain(r, res);
        reader_close(r);
        /* reader_close() does not close standard input. */
        assert_int_not_equal(fcntl(STDIN_FILENO, F_GETFD), -1);
    }
    assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
    close(saved);
    if (!r)
        fail_msg("reader_open(-): %d %s", err.status, err.msg);
}

static void test_reader__stdin_file(void **state)
{
    char *dir = tu_tmpdir();
    char *p = tu_write(dir, "in.log", "s1\r\ns2\ns3", 9);
    char *pz = tu_write_gz(dir, "in.log.gz", "z1\nz2\n", 6);
    struct result res;
    struct stat st0, st1;
    int fd;

    (void)state;
    assert_int_equal(fstat(STDIN_FILENO, &st0), 0);
    fd = open(p, O_RDONLY);
    assert_true(fd >= 0);
    read_stdin_fd(fd, &res);
    assert_int_equal(res.rc, 0);
    assert_int_equal(res.gzip, 0);
    assert_int_equal(res.count, 3);
    check_str(&res, 0, "s1");
    check_str(&res, 1, "s2");
    check_str(&res, 2, "s3");
    assert_int_equal(res.v[2].offset, 9);
    assert_int_equal(res.file_size, 9);
    result_free(&res);

    fd = open(pz, O_RDONLY);
    assert_true(fd >= 0);
    read_stdin_fd(fd, &res);
    assert_int_equal(res.rc, 0);
    assert_int_equal(res.gzip, 1);
    assert_int_equal(res.count, 2);
    check_str(&res, 0, "z1");
    check_str(&res, 1, "z2");
    result_free(&res);

    /* reader_close() left standard input open: it is restored. */
    assert_int_equal(fstat(STDIN_FILENO, &st1), 0);
    assert_true(st0.st_dev == st1.st_dev && st0.st_ino == st1.st_ino);
    free(p);
    free(pz);
    tu_rmrf(dir);
    free(dir);
}

/* A pipe that delivers a gzip stream in small pieces: one byte first, so
 * that even the magic number arrives in two reads. */
static void test_reader__stdin_pipe(void **state)
{
    size_t n, zn;
    uint32_t count;
    char *text = gen_log(200 * 1024, &n, &count);
    unsigned char *z = tu_gzip(text, n, &zn);
    int fds[2];
    pid_t pid;
    struct result res;
    int status;

    (void)state;
    assert_int_equal(pipe(fds), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        size_t off = 0, chunk = 1;

        close(fds[0]);
        while (off < zn) {
            size_t k = chunk < zn - off ? chunk : zn - off;
            ssize_t w = write(fds[1], z + off, k);

            if (w <= 0)
                _exit(1);
            off += (size_t)w;
            if (chunk == 1) {
                struct timespec ts = {0, 5 * 1000 * 1000};

                nanosleep(&ts, NULL);
            }
            chunk = chunk * 3 + 1000;
        }
        _exit(0);
    }
    close(fds[1]);
    read_stdin_fd(fds[0], &res);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(res.rc, 0);
    assert_int_equal(res.gzip, 1);
    assert_int_equal(res.file_size, 0);   /* not a regular file */
    assert_int_equal(res.bytes_read, zn);
    check_generated(&res, count);
    result_free(&res);
    free(z);
    free(text);
}

/*
 * The damaged file of test_reader__corrupt_block on standard input: a
 * regular file there is read again from the damaged member's start when
 * ISA-L fails (the lines are exact); a pipe cannot be, and loses at most
 * ISA-L's last step (64 KiB) of lines before the damage. Either way, no
 * line of the megabyte where the damage shows is returned.
 */
static void test_reader__stdin_corrupt(void **state)
{
    char *dir = tu_tmpdir();
    size_t n, zn, flush_at, a;
    uint32_t count, within;
    char *text = gen_log(3 * PIECE + 1000, &n, &count);
    unsigned char *z;
    char *path;
    struct result res;
    int fd, fds[2], status;
    pid_t pid;
    char buf[301];

    (void)state;
    a = 2 * PIECE + PIECE / 2;
    while (text[a - 1] != '\n')
        a++;
    within = lines_within(text, n, 2 * PIECE);
    z = gzip_flushed(text, n, a, &zn, &flush_at);
    z[flush_at] = (unsigned char)((z[flush_at] & ~7) | 6);
    path = tu_write(dir, "corrupt.gz", z, zn);

    fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    read_stdin_fd(fd, &res);
    assert_int_equal(res.rc, -1);
    assert_int_equal(res.err.status, BS_DATAERR);
    check_generated(&res, within);
    assert_int_equal(res.tail_damaged, 1);
    result_free(&res);

    assert_int_equal(pipe(fds), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        size_t off = 0;

        close(fds[0]);
        while (off < zn) {
            ssize_t w = write(fds[1], z + off, zn - off);

            if (w <= 0)
                _exit(1);
            off += (size_t)w;
        }
        _exit(0);
    }
    close(fds[1]);
    read_stdin_fd(fds[0], &res);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(res.rc, -1);
    assert_int_equal(res.err.status, BS_DATAERR);
    check_msg_has(&res.err, "corrupt");
    if (res.count > within)
        fail_msg("%zu lines from a pipe, only %u before the damaged "
                 "megabyte", res.count, within);
    for (uint32_t i = 0; i < res.count; i++)
        check_line(&res, i, buf, gen_line(i, buf));
    if (res.count < within &&
        (res.count == 0 || res.v[res.count - 1].offset + 65536 + 301 <
                               2 * PIECE))
        fail_msg("a pipe lost more than 64 KiB before the damage: %zu of "
                 "%u lines", res.count, within);
    result_free(&res);
    free(path);
    free(z);
    free(text);
    tu_rmrf(dir);
    free(dir);
}

/* ---- live files, seeking ---------------------------------------------- */

/* A plain file's last line without "\n" is being written: held back with
 * READER_HOLD_PARTIAL, returned without; a gzip stream's never held. */
static void test_reader__hold_partial(void **state)
{
    char *dir = tu_tmpdir(), *path, *pz;
    static const char text[] = "a\nb\nhalf a li";
    struct reader_line l;
    struct bs_err err = {0};
    struct reader *r;

    (void)state;
    path = tu_write(dir, "live.log", text, sizeof(text) - 1);
    pz = tu_write_gz(dir, "live.gz", text, sizeof(text) - 1);
    r = reader_open(path, READER_HOLD_PARTIAL, &err);
    assert_non_null(r);
    assert_int_equal(reader_next(r, &l, &err), 1);
    assert_int_equal(reader_next(r, &l, &err), 1);
    assert_int_equal(reader_next(r, &l, &err), 0);
    assert_int_equal(reader_offset(r), 4);
    /* The last line handed out is still there after the end. */
    assert_int_equal(reader_last_line(r, &l), 1);
    assert_int_equal(l.lineno, 2);
    assert_int_equal(l.n, 1);
    assert_memory_equal(l.p, "b", 1);
    reader_close(r);
    r = reader_open(pz, READER_HOLD_PARTIAL, &err);
    assert_non_null(r);
    assert_int_equal(reader_next(r, &l, &err), 1);
    assert_int_equal(reader_next(r, &l, &err), 1);
    assert_int_equal(reader_next(r, &l, &err), 1);
    assert_int_equal(l.n, 9);
    assert_int_equal(reader_next(r, &l, &err), 0);
    reader_close(r);
    free(path);
    free(pz);
    tu_rmrf(dir);
    free(dir);
}

/* reader_seek() goes on from an offset and a line number; pread reads
 * without moving; a stream cannot seek. */
static void test_reader__seek_and_pread(void **state)
{
    char *dir = tu_tmpdir(), *path, *pz;
    static const char text[] = "one\ntwo\nthree\n";
    struct reader_line l;
    struct bs_err err = {0};
    struct reader *r;
    char buf[8];

    (void)state;
    path = tu_write(dir, "s.log", text, sizeof(text) - 1);
    pz = tu_write_gz(dir, "s.gz", text, sizeof(text) - 1);
    r = reader_open(path, 0, &err);
    assert_true(reader_can_seek(r));
    assert_int_equal(reader_pread(r, 4, buf, 4, &err), 4);
    assert_memory_equal(buf, "two\n", 4);
    assert_int_equal(reader_seek(r, 8, 2, &err), 0);
    assert_int_equal(reader_next(r, &l, &err), 1);
    assert_int_equal(l.n, 5);
    assert_memory_equal(l.p, "three", 5);
    assert_int_equal(l.lineno, 3);
    assert_int_equal(reader_offset(r), 14);
    assert_int_equal(reader_next(r, &l, &err), 0);
    assert_int_equal(reader_pread(r, 10, buf, 8, &err), 4);
    reader_close(r);
    r = reader_open(pz, 0, &err);
    assert_false(reader_can_seek(r));
    reader_close(r);
    free(path);
    free(pz);
    tu_rmrf(dir);
    free(dir);
}

/* The last line stays valid across the refill that finds the end, and
 * across an overlong line being skipped. */
static void test_reader__last_line_kept(void **state)
{
    char *dir = tu_tmpdir(), *path;
    size_t n = 3 * 1024 * 1024, o = 0;
    char *text = xmalloc(n + READER_MAX_LINE * 3), last[64];
    struct reader_line l;
    struct bs_err err = {0};
    struct reader *r;
    uint64_t count = 0;

    (void)state;
    while (o < n)
        o += (size_t)snprintf(text + o, 64, "line %zu\n", o);
    memset(text + o, 'x', READER_MAX_LINE * 2);   /* an overlong tail */
    o += READER_MAX_LINE * 2;
    path = tu_write(dir, "k.log", text, o);
    r = reader_open(path, READER_HOLD_PARTIAL, &err);
    last[0] = '\0';
    while (reader_next(r, &l, &err) == 1) {
        count++;
        snprintf(last, sizeof(last), "%.*s", (int)l.n, l.p);
    }
    /* The last line returned, still readable, is the overlong tail... */
    assert_int_equal(reader_last_line(r, &l), 1);
    assert_int_equal(l.overlong, 1);
    reader_close(r);
    /* ... and without the tail, the last real line. */
    r = reader_open(path, 0, &err);
    o -= READER_MAX_LINE * 2;
    reader_close(r);
    free(path);
    path = tu_write(dir, "k2.log", text, o);
    r = reader_open(path, READER_HOLD_PARTIAL, &err);
    count = 0;
    while (reader_next(r, &l, &err) == 1) {
        count++;
        snprintf(last, sizeof(last), "%.*s", (int)l.n, l.p);
    }
    assert_int_equal(reader_last_line(r, &l), 1);
    assert_non_null(l.p);
    assert_int_equal(strlen(last), l.n);
    assert_memory_equal(l.p, last, l.n);
    assert_true(count > 100000);
    reader_close(r);
    free(text);
    free(path);
    tu_rmrf(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reader__plain_lines),
        cmocka_unit_test(test_reader__crlf),
        cmocka_unit_test(test_reader__last_line_without_newline),
        cmocka_unit_test(test_reader__empty_file),
        cmocka_unit_test(test_reader__nul_bytes),
        cmocka_unit_test(test_reader__copytruncate_big_hole),
        cmocka_unit_test(test_reader__overlong),
        cmocka_unit_test(test_reader__exactly_max_line),
        cmocka_unit_test(test_reader__lines_across_chunks),
        cmocka_unit_test(test_reader__huge_lines),
        cmocka_unit_test(test_reader__many_lines_plain_and_gzip),
        cmocka_unit_test(test_reader__gzip_by_magic),
        cmocka_unit_test(test_reader__multi_member),
        cmocka_unit_test(test_reader__multi_member_many),
        cmocka_unit_test(test_reader__nul_padding),
        cmocka_unit_test(test_reader__garbage_after_member),
        cmocka_unit_test(test_reader__truncated_gzip),
        cmocka_unit_test(test_reader__corrupt_block),
        cmocka_unit_test(test_reader__corrupt_flipped_bytes),
        cmocka_unit_test(test_reader__corrupt_trailer),
        cmocka_unit_test(test_reader__damaged_middle_member),
        cmocka_unit_test(test_reader__damaged_big_member),
        cmocka_unit_test(test_reader__growing_gzip),
        cmocka_unit_test(test_reader__missing_file),
        cmocka_unit_test(test_reader__directory),
        cmocka_unit_test(test_reader__unreadable_file),
        cmocka_unit_test(test_reader__stdin_file),
        cmocka_unit_test(test_reader__stdin_pipe),
        cmocka_unit_test(test_reader__stdin_corrupt),
        cmocka_unit_test(test_reader__hold_partial),
        cmocka_unit_test(test_reader__seek_and_pread),
        cmocka_unit_test(test_reader__last_line_kept),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
