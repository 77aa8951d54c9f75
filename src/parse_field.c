/*
 * parse_field.c - the field readers every log format shares: the CLF
 * timestamp with its one-entry date cache, and the parser's scratch
 * buffer.
 *
 * The fast path (parser.c), the compiled formats (parser_fmt.c) and JSON
 * lines (parser_json.c) call down into this file, never the other way:
 * it knows struct parser and struct logrec, not which format runs. The
 * readers small enough to inline into a per-line loop (the end of a
 * quoted field, the byte count, the record reset, splitting a request
 * line) are static inline in parser_int.h instead.
 */
#include "blogstat.h"
#include "ascii.h"
#include "parser_int.h"

#include <string.h>

char *parse_scratch_put(struct parser *p, const char *s, size_t n)
{
    char *d;

    if (!p->scratch || n > p->scratch_cap - p->scratch_len)
        return NULL;
    d = p->scratch + p->scratch_len;
    if (n)
        memcpy(d, s, n);
    p->scratch_len += n;
    return d;
}

/*
 * "07/Feb/2013:13:55:36 +0100" (exactly 26 bytes). The date part is
 * looked up in the one-entry cache before it is parsed: a log's lines
 * mostly share their day.
 */
int parse_clf_time(struct parser *p, const char *s, struct logrec *rec)
{
    int hh, mm, ss, oh, om;

    if (s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' ||
        s[17] != ':' || s[20] != ' ' || (s[21] != '+' && s[21] != '-'))
        return -1;
    if (p->have_last && memcmp(s, p->last_date, 11) == 0) {
        rec->day = p->last_day;
    } else {
        int d, mon, y;

        if (digits_n(s, 2, &d) || digits_n(s + 7, 4, &y))
            return -1;
        mon = month_from_abbr(s + 3);
        if (!mon || d < 1 || d > days_in_month(y, (unsigned)mon))
            return -1;
        rec->day = days_from_civil(y, (unsigned)mon, (unsigned)d);
        memcpy(p->last_date, s, 11);
        p->last_day = rec->day;
        p->have_last = 1;
    }
    if (digits_n(s + 12, 2, &hh) || digits_n(s + 15, 2, &mm) ||
        digits_n(s + 18, 2, &ss) || digits_n(s + 22, 2, &oh) ||
        digits_n(s + 24, 2, &om))
        return -1;
    if (hh > 23 || mm > 59 || ss > 60 || oh > 14 || om > 59)
        return -1;
    rec->sec = hh * 3600 + mm * 60 + ss;
    rec->tz_min = (int16_t)((s[21] == '-' ? -1 : 1) * (oh * 60 + om));
    return 0;
}
