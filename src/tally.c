/*
 * tally.c - what a counted line adds to the other dimensions (tally.h).
 */
#include "blogstat.h"
#include "dims.h"
#include "robots.h"
#include "tally.h"
#include "uagent.h"

#include <stdlib.h>
#include <string.h>

struct tally {
    struct uagent *ua;         /* browsers, systems, devices */
    struct campaign camp;
    char path[URL_KEY_MAX + 1];
};

struct tally *tally_new(void)
{
    struct tally *t = xcalloc(1, sizeof(*t));

    t->ua = uagent_new();
    return t;
}

void tally_free(struct tally *t)
{
    if (!t)
        return;
    uagent_free(t->ua);
    free(t);
}

static void add1(struct dims *d, int32_t day, enum dim dim, struct slice k0,
                 struct slice k1, struct slice k2, uint64_t n)
{
    struct dim_row r = {.day = day, .dim = dim, .k = {k0, k1, k2}, .n = n};

    dims_add(d, &r);
}

/* A view of key k on day by visitor. */
static void add_seen(struct dims *d, int32_t day, enum dim dim,
                     struct slice k, uint64_t visitor)
{
    struct dim_row r = {.day = day, .dim = dim,
                        .k = {k, SLICE_LIT(""), SLICE_LIT("")}, .n = 1};

    dims_visitor(d, dims_add(d, &r), visitor);
}

void tally_robot(struct tally *t, struct dims *d, int32_t day, int robot)
{
    const char *name = robots_name(robot), *group = robots_group(robot);

    (void)t;
    if (!name)
        return;
    add1(d, day, DIM_ROBOT, slice_make(name, strlen(name)),
         slice_make(group, strlen(group)), SLICE_LIT(""), 1);
}

void tally_view(struct tally *t, struct dims *d, const struct logrec *rec,
                uint64_t visitor)
{
    /* A leap second (86400) is the last hour's. */
    int h = rec->sec < 86400 ? rec->sec / 3600 : 23;
    char hour[2] = {(char)('0' + h / 10), (char)('0' + h % 10)};

    add1(d, rec->day, DIM_HOUR, slice_make(hour, 2), SLICE_LIT(""),
         SLICE_LIT(""), 1);
    if (memchr(rec->target.p, '?', rec->target.n) &&
        classify_campaign(rec->target.p, rec->target.n, &t->camp))
        add1(d, rec->day, DIM_CAMPAIGN,
             slice_make(t->camp.source, t->camp.source_n),
             slice_make(t->camp.medium, t->camp.medium_n),
             slice_make(t->camp.name, t->camp.name_n), 1);
    if (rec->has_agent) {
        struct ua_info ui;
        const char *dev;

        uagent_parse(t->ua, rec->agent.p, rec->agent.n, &ui);
        dev = ua_device_name(ui.device);
        add_seen(d, rec->day, DIM_BROWSER,
                 slice_make(ui.browser, ui.browser_n), visitor);
        add_seen(d, rec->day, DIM_SYSTEM,
                 slice_make(ui.system, ui.system_n), visitor);
        add_seen(d, rec->day, DIM_DEVICE, slice_make(dev, strlen(dev)),
                 visitor);
    }
}

void tally_feed(struct tally *t, struct dims *d, const struct logrec *rec,
                const struct url_class *cls, uint64_t visitor)
{
    struct dim_row r = {.day = rec->day, .dim = DIM_FEED,
                        .k = {slice_make(cls->key, cls->key_len),
                              SLICE_LIT(""), SLICE_LIT("")},
                        .n = 1};

    (void)t;
    dims_visitor(d, dims_add(d, &r), visitor);
}

void tally_missing(struct tally *t, struct dims *d, const struct logrec *rec,
                   const struct ref_info *ref)
{
    const char *q = memchr(rec->target.p, '?', rec->target.n);
    size_t pn = q ? (size_t)(q - rec->target.p) : rec->target.n, n;

    if (pn == 0 || rec->target.p[0] != '/')
        return;
    n = url_decode_path(rec->target.p, pn, t->path, URL_KEY_MAX);
    if (n == SIZE_MAX || url_is_probe(t->path, n))
        return;
    add1(d, rec->day, DIM_MISSING, slice_make(t->path, n),
         ref && ref->cls != REF_NONE ? slice_make(ref->host, ref->host_n)
                                     : SLICE_LIT(""),
         SLICE_LIT(""), 1);
}
