/*
 * fuzzutil.h - what several fuzz targets need: a strict model of valid,
 * control-free UTF-8 (written apart from src/, so that it checks the
 * program rather than repeats it) and a private file holding the input.
 * Static inline: each target is a program of its own.
 */
#ifndef BLOGSTAT_FUZZUTIL_H
#define BLOGSTAT_FUZZUTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * 1 when s[0..n) is valid UTF-8 (no overlong forms, no surrogates, at most
 * U+10FFFF) free of C0 controls (tab too unless allow_tab), DEL, and C1
 * controls U+0080-U+009F unless allow_c1.
 */
static inline int fuzz_clean_utf8(const unsigned char *s, size_t n,
                                  int allow_tab, int allow_c1)
{
    size_t i = 0;

    while (i < n) {
        unsigned c = s[i];
        uint32_t cp;
        size_t need;

        if (c < 0x80) {
            if ((c < 0x20 && !(c == '\t' && allow_tab)) || c == 0x7f)
                return 0;
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            need = 1, cp = c & 0x1f;
        else if (c >= 0xe0 && c <= 0xef)
            need = 2, cp = c & 0x0f;
        else if (c >= 0xf0 && c <= 0xf4)
            need = 3, cp = c & 0x07;
        else
            return 0;
        if (n - i <= need)
            return 0;
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        if (!allow_c1 && cp >= 0x80 && cp <= 0x9f)
            return 0;
        i += need + 1;
    }
    return 1;
}

/* Write the input to a new private file under $TMPDIR (or /tmp) named
 * after the target; its name goes to path. Returns the directory. */
static inline const char *fuzz_write_temp(const char *target,
                                          const uint8_t *data, size_t size,
                                          char *path, size_t cap)
{
    const char *dir = getenv("TMPDIR");
    int fd;

    if (!dir || !*dir || strlen(dir) > 256)
        dir = "/tmp";
    snprintf(path, cap, "%s/%s.XXXXXX", dir, target);
    fd = mkstemp(path);
    if (fd < 0) {
        perror(target);
        abort();
    }
    for (size_t off = 0; off < size;) {
        ssize_t w = write(fd, data + off, size - off);

        if (w <= 0) {
            perror(target);
            abort();
        }
        off += (size_t)w;
    }
    if (close(fd) != 0)
        abort();
    return dir;
}

#endif
