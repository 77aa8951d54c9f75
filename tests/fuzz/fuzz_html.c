/*
 * fuzz_html.c - the report's escaping of untrusted strings.
 *
 * html_escape() of the input (a NUL-terminated copy, so up to its first
 * NUL) into an open_memstream: returns 0, and the output is exactly what
 * a reference model makes of it (one U+FFFD per invalid byte, per control
 * character C0 but tab, DEL or C1; & < > " ' as &amp; &lt; &gt; &quot;
 * &#39;; a bidirectional control or invisible mark as &lt;U+XXXX&gt;),
 * hence valid UTF-8 without a raw < > " ', control or bidi character.
 *
 * html_url(f, base, path) with the input split in two at its first NUL
 * (or, without one, at its middle byte): 1 exactly when base starts with
 * "http://" or "https://" and a host (not '/', '?', '#' or the end), and
 * then the output starts with the same scheme, names the base's host
 * (encoded as html_url encodes it) and no other, whatever the path, and
 * is printable ASCII without '"' '<' '>' '\'' or space, every '%'
 * followed by two hex digits; 0 writes nothing.
 *
 * report_write_post() with the input as title, the two halves as site
 * name, path, a tag and a category, into a private directory (mkdtemp
 * under $TMPDIR or /tmp, removed after each input): the page is valid
 * UTF-8 and has as many < > " ' as the same page of harmless strings, so
 * no string opened or closed a tag or an attribute.
 */
#include "blogstat.h"
#include "atomicfile.h"
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *out, size_t n)
{
    fprintf(stderr, "fuzz_html: %s\n", what);
    if (out) {
        fprintf(stderr, "fuzz_html: output (%zu bytes): ", n);
        for (size_t i = 0; i < n && i < 200; i++) {
            unsigned char c = (unsigned char)out[i];

            if (c >= 0x20 && c < 0x7f)
                fputc(c, stderr);
            else
                fprintf(stderr, "\\x%02x", c);
        }
        fputc('\n', stderr);
    }
    abort();
}

/* Length of the valid UTF-8 sequence at s[0..n) (no overlong forms, no
 * surrogates, at most U+10FFFF), 0 when none; its code point in *cp. */
static size_t utf8_char(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned c = s[0];
    size_t need;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf)
        need = 1, *cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        need = 2, *cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        need = 3, *cp = c & 0x07;
    else
        return 0;
    if (n <= need)
        return 0;
    for (size_t k = 1; k <= need; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (s[k] & 0x3f);
    }
    if ((need == 2 && *cp < 0x800) || (need == 3 && *cp < 0x10000) ||
        *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
        return 0;
    return need + 1;
}

static int is_control(uint32_t cp)
{
    return (cp < 0x20 && cp != '\t') || (cp >= 0x7f && cp <= 0x9f);
}

/* 1 when s[0..n) is valid UTF-8 without control characters but tab. */
static int clean_utf8(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;

    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t l = utf8_char(u + i, n - i, &cp);

        if (l == 0 || is_control(cp))
            return 0;
        i += l;
    }
    return 1;
}

/* Code points shown as &lt;U+XXXX&gt;: bidirectional controls,
 * zero-width and direction marks, line and paragraph separators, BOM. */
static int is_invisible(uint32_t cp)
{
    return cp == 0x061C || (cp >= 0x200B && cp <= 0x200F) ||
           (cp >= 0x2028 && cp <= 0x202E) ||
           (cp >= 0x2060 && cp <= 0x206F && cp != 0x2065) || cp == 0xFEFF;
}

/* The reference model of html_escape: a malloc'ed string. */
static char *model_escape(const char *s, size_t *outn)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s), o = 0;
    char *out = malloc(8 * n + 1);   /* 2 bytes -> "&lt;U+061C&gt;" */
    char esc[16];

    if (!out)
        abort();
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t l = utf8_char(u + i, n - i, &cp);
        const char *rep = NULL;

        if (l == 0 || is_control(cp)) {
            rep = "\xEF\xBF\xBD";
            i += l ? l : 1;
        } else if (is_invisible(cp)) {
            snprintf(esc, sizeof(esc), "&lt;U+%04X&gt;", (unsigned)cp);
            rep = esc;
            i += l;
        } else if (l == 1) {
            switch (u[i]) {
            case '&': rep = "&amp;"; break;
            case '<': rep = "&lt;"; break;
            case '>': rep = "&gt;"; break;
            case '"': rep = "&quot;"; break;
            case '\'': rep = "&#39;"; break;
            default: out[o++] = (char)u[i]; break;
            }
            i++;
        } else {
            memcpy(out + o, u + i, l);
            o += l;
            i += l;
        }
        if (rep) {
            memcpy(out + o, rep, strlen(rep));
            o += strlen(rep);
        }
    }
    out[o] = '\0';
    *outn = o;
    return out;
}

static void check_escape(const char *s)
{
    char *buf = NULL, *want;
    size_t n = 0, wn;
    FILE *f = open_memstream(&buf, &n);
    int rc;

    if (!f)
        abort();
    rc = html_escape(f, s);
    if (fclose(f) != 0)
        abort();
    if (rc != 0)
        fail("html_escape did not return 0", buf, n);
    if (memchr(buf, '\0', n))
        fail("html_escape wrote a NUL byte", buf, n);
    if (!clean_utf8(buf, n))
        fail("html_escape output is not valid UTF-8 free of controls", buf,
             n);
    for (size_t i = 0; i < n; i++)
        if (buf[i] == '<' || buf[i] == '>' || buf[i] == '"' ||
            buf[i] == '\'')
            fail("html_escape left a raw < > \" or '", buf, n);
    want = model_escape(s, &wn);
    if (wn != n || memcmp(want, buf, n) != 0)
        fail("html_escape differs from the model", buf, n);
    free(want);
    free(buf);
}

static int hexdigit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') ||
           (c >= 'a' && c <= 'f');
}

/* The host (authority) of an http(s) URL: after "//", up to a '/'. */
static const char *host_of(const char *u, size_t n, size_t *len)
{
    const char *h = memchr(u, '/', n), *e;

    h += 2;   /* u starts with "http://" or "https://" */
    e = memchr(h, '/', n - (size_t)(h - u));
    *len = e ? (size_t)(e - h) : n - (size_t)(h - u);
    return h;
}

/* The output's host is the base's, as html_url encodes it (unreserved
 * characters, ':' and '@' kept, every other byte %XX). */
static int same_host(const char *base, const char *out, size_t n)
{
    size_t bl, ol, o = 0;
    const char *bh = host_of(base, strlen(base), &bl);
    const char *oh = host_of(out, n, &ol);

    for (size_t i = 0; i < bl; i++) {
        unsigned char c = (unsigned char)bh[i];
        char enc[4];
        size_t k;

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
            c == '~' || c == ':' || c == '@') {
            enc[0] = (char)c;
            k = 1;
        } else {
            snprintf(enc, sizeof(enc), "%%%02X", c);
            k = 3;
        }
        if (o + k > ol || memcmp(oh + o, enc, k) != 0)
            return 0;
        o += k;
    }
    return o == ol;
}

static void check_url(const char *base, const char *path)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    size_t scheme = strncmp(base, "https://", 8) == 0  ? 8
                    : strncmp(base, "http://", 7) == 0 ? 7
                                                       : 0;
    /* report.h: "only http and https bases with a host are allowed". */
    int rc, allowed = scheme && base[scheme] != '\0' &&
                      base[scheme] != '/' && base[scheme] != '?' &&
                      base[scheme] != '#';

    if (!f)
        abort();
    rc = html_url(f, base, path);
    if (fclose(f) != 0)
        abort();
    if (rc != 0 && rc != 1)
        fail("html_url returned neither 0 nor 1", buf, n);
    if (rc == 0) {
        if (n != 0)
            fail("html_url returned 0 but wrote", buf, n);
        if (allowed)
            fail("html_url refused an http(s) base with a host", buf, n);
    } else {
        if (!allowed)
            fail("html_url wrote a URL of a base that is not http(s) with "
                 "a host", buf, n);
        if (n < scheme || memcmp(buf, base, scheme) != 0)
            fail("html_url output does not start with the base's http:// "
                 "or https://", buf, n);
        if (!same_host(base, buf, n))
            fail("html_url output names another host than the base", buf,
                 n);
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)buf[i];

            if (c <= 0x20 || c >= 0x7f)
                fail("html_url wrote a space, a control or a non-ASCII "
                     "byte", buf, n);
            if (c == '"' || c == '<' || c == '>' || c == '\'')
                fail("html_url wrote a raw \" < > or '", buf, n);
            if (c == '%' && (i + 2 >= n || !hexdigit(buf[i + 1]) ||
                             !hexdigit(buf[i + 2])))
                fail("html_url wrote a '%' not followed by two hex digits",
                     buf, n);
        }
    }
    free(buf);
}

/* ---- a whole post page ---------------------------------------------------- */

struct counts {
    size_t lt, gt, quot, apos;
};

static char *read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, len = 0, got;

    if (!f)
        return NULL;
    do {
        if (len == cap) {
            cap = cap ? 2 * cap : 16384;
            buf = realloc(buf, cap);
            if (!buf)
                abort();
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
    } while (got > 0);
    fclose(f);
    *n = len;
    return buf;
}

/* Write the page into a new private directory and count its markup. */
static void write_page(const char *title, const char *site_name,
                       const char *path, const char *tag, const char *cat,
                       struct counts *c)
{
    const char *tmp = getenv("TMPDIR");
    char dir[512], file[600];
    const char *tags[1], *cats[1];
    struct report_post_page p;
    struct bs_err err;
    char *buf;
    size_t n;

    if (!tmp || !*tmp || strlen(tmp) > 256)
        tmp = "/tmp";
    snprintf(dir, sizeof(dir), "%s/fuzz_html.XXXXXX", tmp);
    if (!mkdtemp(dir)) {
        perror("fuzz_html: mkdtemp");
        abort();
    }
    tags[0] = tag;
    cats[0] = cat;
    memset(&p, 0, sizeof(p));
    p.site_name = site_name;
    p.site_url = "https://blog.example.eu/";
    p.path = path;
    p.title = title;
    p.kind = URL_POST;
    p.published = days_from_civil(2013, 2, 7);
    p.from = days_from_civil(2013, 2, 1);
    p.to = days_from_civil(2013, 2, 28);
    p.views = 1234;
    p.tags = tags;
    p.ntags = 1;
    p.categories = cats;
    p.ncategories = 1;
    p.back = "../index.html";
    memset(&err, 0, sizeof(err));
    snprintf(file, sizeof(file), "%s/post.html", dir);
    {
        struct atomic_dir *d = atomic_dir_open(dir, &err);
        int rc = d ? report_write_post(d, "post.html", &p, &err) : -1;

        atomic_dir_close(d);
        if (rc != 0) {
            fprintf(stderr, "fuzz_html: report_write_post: %s\n", err.msg);
            rmdir(dir);
            fail("report_write_post failed", NULL, 0);
        }
    }
    buf = read_all(file, &n);
    unlink(file);
    if (rmdir(dir) != 0)
        fail("report_write_post left more than its page", NULL, 0);
    if (!buf)
        fail("report_write_post wrote no page", NULL, 0);
    if (memchr(buf, '\0', n))
        fail("a NUL byte in the page", NULL, 0);
    {
        /* Valid UTF-8; the page's own newlines are its only controls. */
        const unsigned char *u = (const unsigned char *)buf;

        for (size_t i = 0; i < n;) {
            uint32_t cp;
            size_t l = utf8_char(u + i, n - i, &cp);

            if (l == 0 || (is_control(cp) && cp != '\n'))
                fail("the page is not valid UTF-8 free of controls",
                     buf + i, n - i < 64 ? n - i : 64);
            i += l;
        }
    }
    memset(c, 0, sizeof(*c));
    for (size_t i = 0; i < n; i++) {
        c->lt += buf[i] == '<';
        c->gt += buf[i] == '>';
        c->quot += buf[i] == '"';
        c->apos += buf[i] == '\'';
    }
    free(buf);
}

static void check_page(const char *title, const char *site_name,
                       const char *path)
{
    static struct counts harmless;
    static int have;
    struct counts got;

    if (!have) {
        write_page("Title", "Site", "/2013/02/07/post/", "eu", "politik",
                   &harmless);
        have = 1;
    }
    write_page(title, site_name, path, site_name, path, &got);
    if (got.lt != harmless.lt || got.gt != harmless.gt ||
        got.quot != harmless.quot || got.apos != harmless.apos) {
        fprintf(stderr, "fuzz_html: < > \" ' counts %zu %zu %zu %zu, "
                "harmless page %zu %zu %zu %zu\n", got.lt, got.gt, got.quot,
                got.apos, harmless.lt, harmless.gt, harmless.quot,
                harmless.apos);
        fail("a string changed the page's markup", NULL, 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    const uint8_t *nul = memchr(data, '\0', size);
    size_t cut = nul ? (size_t)(nul - data) : size / 2;
    size_t rest = nul ? size - cut - 1 : size - cut;
    char *base = malloc(cut + 1), *path = malloc(rest + 1);

    if (!s || !base || !path)
        abort();
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    if (cut)
        memcpy(base, data, cut);
    base[cut] = '\0';
    if (rest)
        memcpy(path, data + size - rest, rest);
    path[rest] = '\0';

    check_escape(s);
    check_url(base, path);
    /* A page per input costs a directory and a file: only short ones. */
    if (size <= 4096)
        check_page(s, base, path);
    free(path);
    free(base);
    free(s);
    return 0;
}
