/*
 * blogstat.h - what every module shares: feature macros, exit statuses,
 * the error record modules fill in, allocation wrappers and an arena.
 *
 * Include this header first in every .c file. It ends with banned.h: the
 * C library calls src/ must not use fail to compile (the tests define
 * BLOGSTAT_ALLOW_BANNED to use them).
 */
#ifndef BLOGSTAT_BLOGSTAT_H
#define BLOGSTAT_BLOGSTAT_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>

#define BLOGSTAT_VERSION "0.1.0"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Exit statuses, as <sysexits.h> numbers them (README.md "Exit status"). */
enum bs_exit {
    BS_OK = 0,
    BS_USAGE = 64,       /* EX_USAGE: unknown command or option, bad date */
    BS_DATAERR = 65,     /* EX_DATAERR: too many bad lines, corrupt gzip */
    BS_NOINPUT = 66,     /* EX_NOINPUT: an input cannot be opened */
    BS_SOFTWARE = 70,    /* EX_SOFTWARE: unexpected library state */
    BS_OSERR = 71,       /* EX_OSERR: out of memory */
    BS_CANTCREAT = 73,   /* EX_CANTCREAT: an output cannot be created */
    BS_IOERR = 74,       /* EX_IOERR: read or write error */
    BS_TEMPFAIL = 75     /* EX_TEMPFAIL: the database is busy */
};

/*
 * An error as a module reports it: modules never print or exit; they fill
 * this record and return -1 (or NULL), and the cli prints it once.
 */
struct bs_err {
    int status;            /* an enum bs_exit value, 0 when no error */
    char msg[512];         /* one line, no trailing newline */
    const char *src_file;  /* where in blogstat it was raised, for -v */
    int src_line;
};

/*
 * Fill err (may be NULL) with status and a printf-style message and return
 * -1, so that a failure path is one line: return bs_fail(err, ...).
 */
#define bs_fail(err, status, ...) \
    bs_fail_at((err), (status), __FILE__, __LINE__, __VA_ARGS__)
int bs_fail_at(struct bs_err *err, int status, const char *file, int line,
               const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/*
 * The failure to create the database at path (errno e): BS_CANTCREAT
 * with the fix when its folder is missing or not writable, BS_IOERR
 * otherwise. Returns -1.
 */
int bs_fail_create_db(struct bs_err *err, const char *path, int e);

/* Print "blogstat: BUG: file:line: msg" and abort(). */
#define BUG(...) bs_bug_at(__FILE__, __LINE__, __VA_ARGS__)
_Noreturn void bs_bug_at(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Allocation wrappers: on failure they print a message and exit 71. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* xcalloc() for a block about to be written all over (a hash table being
 * filled): blocks of POPULATE_MIN bytes or more get their pages at once. */
#define POPULATE_MIN (64u << 10)
void *xcalloc_filled(size_t count, size_t size);
/* The same for n bytes at p (an array's part it is about to fill). */
void mem_populate(void *p, size_t n);
char *xstrdup(const char *s);
char *xmemdup(const void *p, size_t n);   /* adds a terminating NUL */

/*
 * An arena: many small allocations freed together. Used for interned keys
 * whose lifetime is that of a table. Allocations are 8-byte aligned.
 */
struct arena {
    struct arena_block *head;
    size_t block_size;
    size_t total;          /* bytes handed out, for memory accounting */
};

void arena_init(struct arena *a, size_t block_size);
void *arena_alloc(struct arena *a, size_t n);
/* Copy n bytes and add a NUL; the result lives until arena_release(). */
char *arena_memdup(struct arena *a, const void *p, size_t n);
void arena_release(struct arena *a);

/*
 * Copy n bytes of untrusted text into out (cap bytes, cap >= 4) as valid
 * UTF-8: invalid sequences and control characters (but tab) become U+FFFD,
 * and the copy is cut on a character boundary to fit, NUL-terminated.
 * Returns the length written.
 */
size_t utf8_sanitize(const char *in, size_t n, char *out, size_t cap);
/* n, less an incomplete UTF-8 sequence at the end of s[0..n) (text cut
 * at a byte limit). */
size_t utf8_trim_partial(const char *s, size_t n);
/* Length of the valid UTF-8 sequence at s[0..n), or 0 when it is none. */
size_t utf8_seq_len(const unsigned char *s, size_t n);
/*
 * The invisible format character that valid UTF-8 s[0..n) starts with:
 * its code point into *cp and its length, or 0 when it starts with none.
 * These are the bidi marks, embeddings, overrides and isolates (U+061C,
 * U+200E-U+200F, U+202A-U+202E, U+2066-U+2069), the zero-width and other
 * invisible characters (U+200B-U+200D, U+2060-U+2064, U+206A-U+206F,
 * U+FEFF), and the line and paragraph separators (U+2028, U+2029): text
 * that could make a name read as another is shown with them escaped.
 */
size_t utf8_invisible(const char *s, size_t n, uint32_t *cp);
/* A copy of valid UTF-8 s with each invisible character written as
 * "<U+XXXX>"; caller frees. */
char *utf8_visible(const char *s);

/* A 64-bit hash of n bytes (not for security: keys are not secret). */
/* MurmurHash3's 64-bit finalizer: every bit of h moves every bit out. */
static inline uint64_t bs_fmix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}
uint64_t bs_hash(const void *p, size_t n);
/* The same with a seed: different seeds give independent hashes. */
uint64_t bs_hash_seeded(const void *p, size_t n, uint64_t seed);

/*
 * Calendar days: day numbers count days since 1970-01-01 (day 0), in
 * whatever local time the log line was written.
 */
int32_t days_from_civil(int y, unsigned m, unsigned d);
void civil_from_days(int32_t z, int *y, unsigned *m, unsigned *d);
/* 28..31 for month m (1..12) of year y. */
int days_in_month(int y, unsigned m);
/* Write "YYYY-MM-DD" and a NUL into buf (at least 11 bytes). */
void day_format(int32_t day, char buf[11]);
/* Parse exactly "YYYY-MM-DD" (a real calendar date). 0 ok, -1 not. */
int day_parse(const char *s, int32_t *day);

/* The word for a count of n: one when n is 1 (or -1), else many, as in
 * printf("%d %s", n, plural(n, "day", "days")). Returns one of the two. */
const char *plural(int64_t n, const char *one, const char *many);

#ifndef BLOGSTAT_ALLOW_BANNED
#include "banned.h"
#endif

#endif
