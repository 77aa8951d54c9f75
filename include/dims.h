/*
 * dims.h - the counts of a chunk of lines by the reader's other
 * dimensions: robots by name, hours, campaigns, browsers, systems,
 * devices, missing pages and feeds. Each row is a day, a dimension and
 * up to three key parts (a campaign's source, medium and name; a missing
 * page's path and the host that linked to it), with a count and, for
 * the dimensions whose visitors are counted, a sketch.
 *
 * Bounded whatever the lines: each key part is cut to DIM_PART_CAP bytes
 * (on a UTF-8 boundary), and a day lets in at most dim_cap(dim) keys of
 * a dimension in a chunk; the counts of further new keys go to the key
 * AGG_OTHER of that day and dimension, so totals stay exact. The store
 * holds the same bound over a whole day (store.h).
 *
 * One owner: the agg that holds a dims (agg_dims()); strings handed to
 * dims_add() are copied.
 */
#ifndef BLOGSTAT_DIMS_H
#define BLOGSTAT_DIMS_H

#include "blogstat.h"
#include "slice.h"

enum dim {
    DIM_ROBOT,       /* k1 robot's name, k2 its group: hits */
    DIM_HOUR,        /* k1 the hour "00".."23" of the log's own time: views */
    DIM_CAMPAIGN,    /* k1 source, k2 medium, k3 campaign: views */
    DIM_CLIENT,      /* k1 browser family, k2 operating system family, k3
                        device class: views; visitors */
    DIM_MISSING,     /* k1 path (decoded), k2 referring host or "": hits */
    DIM_FEED,        /* k1 feed path: fetches; visitors (clients that
                        report no subscribers) */
    DIM_FEED_SUBS,   /* k1 feed path, k2 reader, k3 its feed id: the most
                        subscribers the reader reported that day */
    DIM_N,
    /* Not stored: the tables of DIM_CLIENT's rows by one of its parts. */
    DIM_BROWSER = DIM_N,
    DIM_SYSTEM,
    DIM_DEVICE,
    DIM_NTABLES
};

/* Bytes of a key part, at most. */
#define DIM_PART_CAP 200

/* "robot", "hour", "campaign", ... as stored in the database (and
 * "browser", "system", "device" for the tables of DIM_CLIENT). */
const char *dim_name(enum dim d);
/* The most distinct keys of the dimension a day holds. */
unsigned dim_cap(enum dim d);
/* 1 when counts of one key combine by maximum (DIM_FEED_SUBS), 0 by sum. */
int dim_is_max(enum dim d);

struct dims;

/* One row: of dims_add() (sketch unused) and of dims_each(). */
struct dim_row {
    int32_t day;
    enum dim dim;
    struct slice k[3];       /* parts not given are empty */
    uint64_t n;
    const void *sketch;      /* a serialized sketch (sketch.h), or NULL */
    size_t sketch_n;
};

struct dims *dims_new(void);
void dims_free(struct dims *d);
/*
 * Count r->n of r's key (adding, or the larger of the two for
 * dim_is_max()). Returns the id of the key counted under (r's own or its
 * day's AGG_OTHER), for dims_visitor(), valid until dims_clear().
 */
uint32_t dims_add(struct dims *d, const struct dim_row *r);
/* The visitor (a keyed hash, visitor.h) into the sketch of key id. */
void dims_visitor(struct dims *d, uint32_t id, uint64_t visitor);
/* The count of key id (dims_add()'s) grows by n, as dims_add() adds. */
void dims_add_id(struct dims *d, uint32_t id, uint64_t n);
/* A number that changes whenever ids are forgotten (dims_clear()) and
 * that no other dims has had: an id kept with it is valid while it is
 * the same. */
uint64_t dims_generation(const struct dims *d);
/* Each row, with its sketch when it has one, until fn returns nonzero;
 * strings and the sketch live until fn returns. Returns fn's last. */
int dims_each(const struct dims *d,
              int (*fn)(void *ctx, const struct dim_row *r), void *ctx);
void dims_clear(struct dims *d);
size_t dims_memory(const struct dims *d);

#endif
