/*
 * parser_time.c - the times of compiled formats that are not the CLF
 * timestamp (ISO 8601, Unix seconds, local times without an offset) and
 * the zone they are read in.
 *
 * A named zone is read once per process through the C library: TZ is set
 * for a moment, localtime_r() is probed once a day from 1970 to 2100 and
 * each change of offset is narrowed down to its second. Lines then look
 * their offset up in that table, through the interval cached in the
 * parser, so that no line calls into the C library's time code (which
 * takes a lock, and reads TZ).
 */
#include "blogstat.h"
#include "ascii.h"
#include "parser_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

struct tz_zone {
    struct tz_zone *next;
    char *name;
    size_t n;
    int64_t *at;      /* Unix times of the changes, ascending */
    int32_t *off;     /* the offset from at[i] on */
    int32_t off0;     /* the offset before at[0] */
};

/* Zones built so far: immutable once on the list, kept until exit. */
static pthread_mutex_t zones_mu = PTHREAD_MUTEX_INITIALIZER;
static struct tz_zone *zones;

/* The table covers 1970-01-01 .. 2100-01-01; outside it the first and
 * the last offsets hold. */
#define TZ_FIRST INT64_C(0)
#define TZ_LAST (INT64_C(47482) * 86400)

/* The days of 0000-01-01 and 9999-12-31: the dates a line may have. */
#define DAY_MIN (-719528)
#define DAY_MAX 2932896

/* Offset of the C library's current zone at t, in seconds. */
static int32_t libc_offset(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    int64_t local;

    if (!localtime_r(&tt, &tm))
        return 0;
    local = (int64_t)days_from_civil(tm.tm_year + 1900,
                                     (unsigned)tm.tm_mon + 1,
                                     (unsigned)tm.tm_mday) * 86400 +
            tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
    return (int32_t)(local - t);
}

static void zone_push(struct tz_zone *z, size_t *cap, int64_t at,
                      int32_t off)
{
    if (z->n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        z->at = xrealloc(z->at, *cap * sizeof(*z->at));
        z->off = xrealloc(z->off, *cap * sizeof(*z->off));
    }
    z->at[z->n] = at;
    z->off[z->n] = off;
    z->n++;
}

/* Probe the C library's zone (TZ as it is now) into a table. */
static void zone_probe(struct tz_zone *z)
{
    size_t cap = 0;
    int64_t t = TZ_FIRST;
    int32_t prev = libc_offset(t);

    z->off0 = prev;
    while (t < TZ_LAST) {
        int64_t next = t + 86400, lo = t, hi = next;
        int32_t o = libc_offset(next);

        if (o == prev) {
            t = next;
            continue;
        }
        /* The first second of the new offset, in (lo, hi]. */
        while (hi - lo > 1) {
            int64_t mid = lo + (hi - lo) / 2;

            if (libc_offset(mid) == prev)
                lo = mid;
            else
                hi = mid;
        }
        prev = libc_offset(hi);
        zone_push(z, &cap, hi, prev);
        t = hi;
    }
}

static struct tz_zone *zone_build(const char *name)
{
    struct tz_zone *z = xcalloc(1, sizeof(*z));
    char *saved = NULL;
    const char *tz = getenv("TZ");
    int local = strcmp(name, "local") == 0;

    z->name = xstrdup(name);
    if (!local) {
        /* ":" asks for the file, never a POSIX rule ("EST5EDT"). */
        size_t len = strlen(name) + 2;
        char *spec = xmalloc(len);

        if (tz)
            saved = xstrdup(tz);
        spec[0] = ':';
        memcpy(spec + 1, name, len - 1);
        setenv("TZ", spec, 1);
        free(spec);
    }
    tzset();
    zone_probe(z);
    if (!local) {
        if (saved)
            setenv("TZ", saved, 1);
        else
            unsetenv("TZ");
        tzset();
        free(saved);
    }
    return z;
}

static const struct tz_zone *zone_get(const char *name)
{
    struct tz_zone *z;

    pthread_mutex_lock(&zones_mu);
    for (z = zones; z; z = z->next)
        if (strcmp(z->name, name) == 0)
            break;
    if (!z) {
        z = zone_build(name);
        z->next = zones;
        zones = z;
    }
    pthread_mutex_unlock(&zones_mu);
    return z;
}

/* "+01:00", "+0100", "+01", "-05:30": seconds east, or -1 when it is no
 * offset (|offset| <= 14:59, as the CLF timestamp allows). */
static int fixed_offset(const char *s, int32_t *out)
{
    size_t n = strlen(s);
    int h, m = 0;

    if (n < 3 || (s[0] != '+' && s[0] != '-') || digits_n(s + 1, 2, &h))
        return -1;
    if ((n == 6 && (s[3] != ':' || digits_n(s + 4, 2, &m))) ||
        (n == 5 && digits_n(s + 3, 2, &m)) || (n != 3 && n != 5 && n != 6))
        return -1;
    if (h > 14 || m > 59)
        return -1;
    *out = (s[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
    return 0;
}

/* An IANA name that names a zone file: letters first, then letters,
 * digits, "/_+-", no "..", found under $TZDIR or /usr/share/zoneinfo. */
static int zone_file_exists(const char *name)
{
    const char *dir = getenv("TZDIR");
    char path[512];
    struct stat st;
    size_t n = strlen(name);

    if (n == 0 || n > 128 ||
        !((name[0] >= 'A' && name[0] <= 'Z') ||
          (name[0] >= 'a' && name[0] <= 'z')) ||
        strstr(name, "..") || strstr(name, "//"))
        return 0;
    for (const char *c = name; *c; c++)
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
              is_digit(*c) || strchr("/_+-", *c)))
            return 0;
    if (!dir || !*dir)
        dir = "/usr/share/zoneinfo";
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
        sizeof(path))
        return 0;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int parse_tz_init(struct tz_cache *c, const char *spec, struct bs_err *err)
{
    int32_t fixed;

    memset(c, 0, sizeof(*c));
    c->lo = 1;     /* an empty interval: the first lookup fills it */
    if (!spec || !*spec || strcmp(spec, "UTC") == 0 ||
        strcmp(spec, "utc") == 0 || strcmp(spec, "Z") == 0 ||
        strcmp(spec, "GMT") == 0)
        return 0;
    if (fixed_offset(spec, &fixed) == 0) {
        c->fixed = fixed;
        return 0;
    }
    if (strcmp(spec, "local") != 0 && !zone_file_exists(spec))
        return bs_fail(err, BS_USAGE,
                       "unknown time zone '%.64s'; use an IANA name such "
                       "as Europe/Stockholm, 'local', 'UTC' or an offset "
                       "such as +01:00", spec);
    c->zone = zone_get(spec);
    return 0;
}

int32_t parse_tz_offset(struct tz_cache *c, int64_t t)
{
    const struct tz_zone *z = c->zone;
    size_t lo, hi;

    if (!z)
        return c->fixed;
    if (t >= c->lo && t < c->hi)
        return c->off;
    /* The last change at or before t. */
    lo = 0;
    hi = z->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (z->at[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0) {
        c->off = z->off0;
        c->lo = INT64_MIN;
    } else {
        c->off = z->off[lo - 1];
        c->lo = z->at[lo - 1];
    }
    c->hi = lo < z->n ? z->at[lo] : INT64_MAX;
    return c->off;
}

int parse_time_unix(struct parser *p, int64_t t, struct logrec *rec)
{
    int32_t off;
    int64_t local, day;

    /* Beyond 9999 (or before 0000) no offset brings it back. */
    if (t < INT64_C(-62167219200) - 86400 ||
        t > INT64_C(253402300799) + 86400)
        return -1;
    off = parse_tz_offset(&p->tz, t);
    local = t + off;
    day = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    if (day < DAY_MIN || day > DAY_MAX)
        return -1;
    rec->day = (int32_t)day;
    rec->sec = (int32_t)(local - day * 86400);
    rec->tz_min = (int16_t)(off / 60);
    return 0;
}

int parse_time_local(struct parser *p, int y, int mon, int d, int hh,
                     int mm, int ss, struct logrec *rec)
{
    int64_t local;
    int32_t off;

    if (y < 0 || y > 9999 || mon < 1 || mon > 12 || d < 1 ||
        d > days_in_month(y, (unsigned)mon) || hh > 23 || mm > 59 ||
        ss > 60 || hh < 0 || mm < 0 || ss < 0)
        return -1;
    rec->day = days_from_civil(y, (unsigned)mon, (unsigned)d);
    rec->sec = hh * 3600 + mm * 60 + ss;
    /* The offset in force then: looked up at the local time taken as
     * UTC, then again an offset earlier (right but in the hour a clock
     * is set back or forward, which has no single answer). */
    local = (int64_t)rec->day * 86400 + rec->sec;
    off = parse_tz_offset(&p->tz, local);
    off = parse_tz_offset(&p->tz, local - off);
    rec->tz_min = (int16_t)(off / 60);
    return 0;
}

int parse_time_iso(struct parser *p, const char *s, const char *end,
                   const char **endp, struct logrec *rec)
{
    int y, mon, d, hh, mm, ss, oh = 0, om = 0, sign = 0;
    const char *c;

    if (end - s < 19 || s[4] != '-' || s[7] != '-' ||
        (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
        return -1;
    if (digits_n(s + 11, 2, &hh) || digits_n(s + 14, 2, &mm) ||
        digits_n(s + 17, 2, &ss) || hh > 23 || mm > 59 || ss > 60)
        return -1;
    c = s + 19;
    if (c < end && (*c == '.' || *c == ',')) {
        const char *f = ++c;

        while (c < end && is_digit(*c))
            c++;
        if (c == f)
            return -1;
    }
    if (c < end && *c == 'Z') {
        sign = 1;
        c++;
    } else if (c < end && (*c == '+' || *c == '-')) {
        sign = *c == '-' ? -1 : 1;
        if (end - c < 3 || digits_n(c + 1, 2, &oh))
            return -1;
        c += 3;
        if (end - c >= 3 && c[0] == ':' && !digits_n(c + 1, 2, &om))
            c += 3;
        else if (end - c >= 2 && !digits_n(c, 2, &om))
            c += 2;
        if (oh > 14 || om > 59)
            return -1;
    }
    if (!sign) {
        if (digits_n(s, 4, &y) || digits_n(s + 5, 2, &mon) ||
            digits_n(s + 8, 2, &d) ||
            parse_time_local(p, y, mon, d, hh, mm, ss, rec))
            return -1;
        *endp = c;
        return 0;
    }
    if (p->have_iso && memcmp(s, p->last_iso, 10) == 0) {
        rec->day = p->last_iso_day;
    } else {
        if (digits_n(s, 4, &y) || digits_n(s + 5, 2, &mon) ||
            digits_n(s + 8, 2, &d) || mon < 1 || mon > 12 || d < 1 ||
            d > days_in_month(y, (unsigned)mon))
            return -1;
        rec->day = days_from_civil(y, (unsigned)mon, (unsigned)d);
        memcpy(p->last_iso, s, 10);
        p->last_iso_day = rec->day;
        p->have_iso = 1;
    }
    rec->sec = hh * 3600 + mm * 60 + ss;
    rec->tz_min = (int16_t)(sign * (oh * 60 + om));
    *endp = c;
    return 0;
}

int parse_time_epoch(struct parser *p, const char *s, const char *end,
                     uint32_t div, const char **endp, struct logrec *rec)
{
    const char *c = s;
    uint64_t v;
    size_t n = digits_u64(&c, end, &v);

    /* More than 19 digits is no Unix time in any unit. */
    if (n == 0 || n > 19)
        return -1;
    if (c < end && *c == '.') {
        const char *f = ++c;

        while (c < end && is_digit(*c))
            c++;
        if (c == f)
            return -1;
    }
    if (div == 0) {
        /* Seconds until the year 5138 have 11 digits at most: beyond,
         * a Unix time is in finer units. */
        if (v < UINT64_C(100000000000))
            div = 1;
        else if (v < UINT64_C(100000000000000))
            div = 1000;
        else if (v < UINT64_C(100000000000000000))
            div = 1000000;
        else
            div = 1000000000;
    }
    if (parse_time_unix(p, (int64_t)(v / div), rec))
        return -1;
    *endp = c;
    return 0;
}
