/*
 * fuzz_reader.c - the input is a whole log file, plain or gzip: it is
 * written to /tmp/fuzz_reader.PID and read with reader_open/reader_next.
 *
 * Invariants for every line: n <= READER_MAX_LINE, p != NULL unless
 * overlong (then n == 0), line numbers 1, 2, 3 ..., offsets growing, the
 * end (0) staying the end, an error being BS_DATAERR with a message.
 *
 * And a reference model: the lines must be exactly those of doc/counting.md
 * ("Lines") over the decompressed bytes (leading NULs are skipped before
 * the length is measured; a last run of NULs without "\n" is no line),
 * which this file computes on its own with zlib (members one after the
 * other, NUL padding allowed; bytes after the last member that are no
 * gzip data are ignored). When the file is damaged (corrupt or cut
 * short), the lines before the first one marked READER_AFTER_DAMAGE are
 * the model's first lines, in order (the lines of the damaged member may
 * be held back, reader.h says which), and the end is -1.
 */
#include "blogstat.h"
#include "reader.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, uint64_t lineno)
{
    fprintf(stderr, "fuzz_reader: line %llu: %s\n",
            (unsigned long long)lineno, what);
    abort();
}

/* Decompressed bytes of the reference model; *damaged when it ends in an
 * error (bytes after the last member that are no gzip header are no
 * error). Returns a malloc'ed buffer of *n bytes. */
static unsigned char *ref_gunzip(const uint8_t *data, size_t size, size_t *n,
                                 int *damaged)
{
    z_stream zs;
    size_t cap = 4096, len = 0;
    unsigned char *out = malloc(cap);
    int ret;

    *damaged = 0;
    memset(&zs, 0, sizeof(zs));
    if (!out || inflateInit2(&zs, 15 + 16) != Z_OK)
        abort();
    zs.next_in = (unsigned char *)(uintptr_t)data;
    zs.avail_in = (unsigned)size;
    for (;;) {
        if (len == cap) {
            cap *= 2;
            out = realloc(out, cap);
            if (!out)
                abort();
        }
        zs.next_out = out + len;
        zs.avail_out = (unsigned)(cap - len);
        ret = inflate(&zs, Z_NO_FLUSH);
        len = cap - zs.avail_out;
        if (ret == Z_STREAM_END) {
            const unsigned char *q = zs.next_in, *end = q + zs.avail_in;

            while (q < end && *q == 0)
                q++;                /* NUL padding between members */
            /* A member begins with 1f 8b 08 (deflate); two bytes at the
             * very end are the start of one cut short. */
            if ((end - q >= 3 && q[0] == 0x1f && q[1] == 0x8b && q[2] == 8) ||
                (end - q == 2 && q[0] == 0x1f && q[1] == 0x8b)) {
                zs.avail_in = (unsigned)(end - q);
                zs.next_in = (unsigned char *)(uintptr_t)q;
                if (inflateReset(&zs) != Z_OK)
                    abort();
                continue;
            }
            /* Other bytes: ignored after the last member; before a
             * further member, damage skipped over. */
            for (; end - q >= 3; q++)
                if (q[0] == 0x1f && q[1] == 0x8b && q[2] == 0x08)
                    *damaged = 1;
            break;
        }
        if (ret == Z_OK)
            continue;
        if (ret == Z_BUF_ERROR && zs.avail_out > 0 && zs.avail_in == 0) {
            *damaged = 1;           /* truncated */
            break;
        }
        if (ret == Z_BUF_ERROR)
            continue;               /* out of output room: grow */
        *damaged = 1;               /* corrupt */
        break;
    }
    inflateEnd(&zs);
    *n = len;
    return out;
}

struct refline {
    const unsigned char *p;
    size_t n;
    int overlong;
};

/* Split text into lines as the reader must; returns the count, and in
 * *used the bytes up to the end of the last line. */
static size_t ref_lines(const unsigned char *t, size_t n, int damaged,
                        struct refline **out, size_t *used)
{
    size_t count = 0, cap = 16, pos = 0;
    struct refline *v = malloc(cap * sizeof(*v));

    if (!v)
        abort();
    while (pos < n) {
        const unsigned char *nl = memchr(t + pos, '\n', n - pos);
        size_t len = nl ? (size_t)(nl - (t + pos)) : n - pos;
        struct refline l;

        if (!nl && damaged)
            break;                  /* an unterminated line before damage */
        /* NULs before a line are no part of it (a copytruncate hole may
         * be megabytes long); a last run of NULs without "\n" is none. */
        l.p = t + pos;
        l.n = len;
        while (l.n > 0 && *l.p == '\0')
            l.p++, l.n--;
        if (!nl && l.n == 0)
            break;
        l.overlong = l.n > READER_MAX_LINE;
        if (l.overlong) {
            l.n = 0;
        } else if (l.n > 0 && l.p[l.n - 1] == '\r') {
            l.n--;
        }
        if (count == cap) {
            cap *= 2;
            v = realloc(v, cap * sizeof(*v));
            if (!v)
                abort();
        }
        v[count++] = l;
        pos += len + (nl != NULL);
        *used = pos;
    }
    *out = v;
    return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    struct bs_err err;
    struct reader *r;
    struct reader_line line;
    uint64_t last_offset = 0, count = 0;
    int fd, rc, gz = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
    unsigned char *text;
    size_t tn, nref, used = 0;
    int damaged = 0, after_damage = 0;
    uint64_t modelled = 0;     /* the lines compared with the model */
    struct refline *ref;

    snprintf(path, sizeof(path), "/tmp/fuzz_reader.%ld", (long)getpid());
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        abort();
    for (size_t off = 0; off < size;) {
        ssize_t w = write(fd, data + off, size - off);

        if (w <= 0)
            abort();
        off += (size_t)w;
    }
    close(fd);

    if (gz) {
        text = ref_gunzip(data, size, &tn, &damaged);
    } else {
        text = malloc(size ? size : 1);
        if (!text)
            abort();
        if (size)
            memcpy(text, data, size);
        tn = size;
    }
    nref = ref_lines(text, tn, damaged, &ref, &used);

    memset(&err, 0, sizeof(err));
    r = reader_open(path, 0, &err);
    /* The reader holds the file open: gone from /tmp even if we crash. */
    unlink(path);
    if (!r) {
        fprintf(stderr, "fuzz_reader: reader_open: %s\n", err.msg);
        abort();
    }
    if (reader_is_gzip(r) != gz)
        fail("gzip detection differs from the magic bytes", 0);
    if (reader_file_size(r) != size)
        fail("reader_file_size differs from the file", 0);
    while ((rc = reader_next(r, &line, &err)) == 1) {
        count++;
        if (line.lineno != count)
            fail("line numbers are not 1, 2, 3 ...", line.lineno);
        if (line.overlong) {
            if (line.p != NULL || line.n != 0)
                fail("overlong line with bytes", line.lineno);
        } else {
            volatile unsigned char sink = 0;

            if (line.p == NULL)
                fail("p == NULL on a line that is not overlong",
                     line.lineno);
            if (line.n > READER_MAX_LINE)
                fail("n > READER_MAX_LINE", line.lineno);
            /* Touch every byte: ASan checks they are readable. */
            for (size_t i = 0; i < line.n; i++)
                sink ^= (unsigned char)line.p[i];
            (void)sink;
            if (line.n > 0 && line.p[0] == '\0')
                fail("leading NUL kept", line.lineno);
        }
        if (reader_offset(r) <= last_offset)
            fail("reader_offset did not grow", line.lineno);
        last_offset = reader_offset(r);
        if (!gz && last_offset > size)
            fail("offset beyond the end of a plain file", line.lineno);
        /* The reference model, up to the first damaged member skipped. */
        if (line.gz & READER_AFTER_DAMAGE) {
            if (!gz || !damaged)
                fail("a member skipped as damaged where zlib finds none",
                     line.lineno);
            after_damage = 1;
        }
        if (after_damage)
            continue;
        modelled++;
        if (count > nref)
            fail("more lines than the input holds", line.lineno);
        {
            const struct refline *want = &ref[count - 1];

            if (want->overlong != line.overlong)
                fail("overlong differs from the model", line.lineno);
            if (!line.overlong &&
                (want->n != line.n ||
                 (line.n && memcmp(want->p, line.p, line.n) != 0)))
                fail("bytes differ from the model", line.lineno);
        }
    }
    if (rc == 0) {
        if (damaged)
            fail("a damaged gzip file ended cleanly", count);
        if (count != nref)
            fail("fewer lines than the input holds", count);
        /* The offset ends after the last line (NULs after it are none). */
        if (last_offset != used)
            fail("reader_offset at the end is not the end of the last line",
                 count);
        if (reader_next(r, &line, &err) != 0)
            fail("reader_next after the end did not return 0", count);
    } else {
        if (rc != -1)
            fail("reader_next returned neither 1, 0 nor -1", count);
        if (!gz)
            fail("error on a plain file", count);
        if (err.status != BS_DATAERR || err.msg[0] == '\0')
            fail("error is not BS_DATAERR with a message", count);
        if (!damaged)
            fail("error on a gzip file zlib reads cleanly", count);
        if (modelled > nref)
            fail("more lines before the damage than the input holds", count);
        if (reader_next(r, &line, &err) != -1)
            fail("reader_next after an error did not return -1", count);
    }
    reader_close(r);
    free(ref);
    free(text);
    return 0;
}
