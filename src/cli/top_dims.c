/*
 * top_dims.c - the tables of `blogstat top` over the reader's other
 * dimensions (dims.h): robots, hours, campaigns, browsers, systems,
 * devices, missing and feeds; and the trending posts.
 */
#include "blogstat.h"
#include "cli.h"
#include "output.h"
#include "store.h"

#include <stdio.h>
#include <string.h>

/* The kind of the trending posts: no dimension's. */
#define TRENDING DIM_NTABLES

static const struct out_column robots_cols[] = {
    {"robot", NULL, OUT_TEXT, 40},
    {"category", NULL, OUT_WORD, 0},
    {"hits", NULL, OUT_INT, 0},
};
static const struct out_column hours_cols[] = {
    {"weekday", NULL, OUT_WORD, 0},
    {"hour", NULL, OUT_INT, 0},
    {"views", NULL, OUT_INT, 0},
};
static const struct out_column campaigns_cols[] = {
    {"source", NULL, OUT_TEXT, 30},
    {"medium", NULL, OUT_TEXT, 20},
    {"campaign", NULL, OUT_TEXT, 30},
    {"views", NULL, OUT_INT, 0},
};
static const struct out_column browsers_cols[] = {
    {"browser", NULL, OUT_TEXT, 40},
    {"views", NULL, OUT_INT, 0},
    {"visitors", NULL, OUT_INT, 0},
};
static const struct out_column systems_cols[] = {
    {"system", NULL, OUT_TEXT, 40},
    {"views", NULL, OUT_INT, 0},
    {"visitors", NULL, OUT_INT, 0},
};
static const struct out_column devices_cols[] = {
    {"device", NULL, OUT_WORD, 0},
    {"views", NULL, OUT_INT, 0},
    {"visitors", NULL, OUT_INT, 0},
};
static const struct out_column missing_cols[] = {
    {"path", NULL, OUT_TEXT, 60},
    {"hits", NULL, OUT_INT, 0},
    {"referrer", NULL, OUT_TEXT, 40},
};
static const struct out_column feeds_cols[] = {
    {"feed", NULL, OUT_TEXT, 60},
    {"subscribers", NULL, OUT_INT, 0},
    {"fetches", NULL, OUT_INT, 0},
};

static const struct out_column trending_cols[] = {
    {"path", NULL, OUT_TEXT, 60},
    {"title", NULL, OUT_TEXT, 40},
    {"views", NULL, OUT_INT, 0},
    {"usual", NULL, OUT_INT, 0},
    {"change", NULL, OUT_WORD, 0},
};

static const struct top_dim_kind kinds[] = {
    {"robots", DIM_ROBOT, robots_cols, 3, 20},
    {"hours", DIM_HOUR, hours_cols, 3, 0},
    {"campaigns", DIM_CAMPAIGN, campaigns_cols, 4, 20},
    {"browsers", DIM_BROWSER, browsers_cols, 3, 20},
    {"systems", DIM_SYSTEM, systems_cols, 3, 20},
    {"devices", DIM_DEVICE, devices_cols, 3, 20},
    {"missing", DIM_MISSING, missing_cols, 3, 20},
    {"feeds", DIM_FEED, feeds_cols, 3, 20},
    {"trending", TRENDING, trending_cols, 5, 20},
};

const struct top_dim_kind *top_dim_kind(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
        if (strcmp(kinds[i].name, name) == 0)
            return &kinds[i];
    return NULL;
}

struct rows_ctx {
    struct out_table *out;
    enum dim dim;
};

static const char *const weekdays[7] = {"Mon", "Tue", "Wed", "Thu",
                                        "Fri", "Sat", "Sun"};

static int add_row(void *ctx, const struct store_dim_row *r)
{
    struct rows_ctx *c = ctx;
    struct out_table *o = c->out;

    switch (c->dim) {
    case DIM_ROBOT:
        out_add_text(o, r->k[0]);
        out_add_text(o, r->k[1]);
        out_add_int(o, r->n);
        break;
    case DIM_HOUR:
        out_add_text(o, weekdays[(unsigned)r->weekday % 7]);
        out_add_int(o, (r->k[0][0] - '0') * 10 + (r->k[0][1] - '0'));
        out_add_int(o, r->n);
        break;
    case DIM_CAMPAIGN:
        for (int i = 0; i < 3; i++)
            out_add_text(o, r->k[i]);
        out_add_int(o, r->n);
        break;
    case DIM_MISSING:
        out_add_text(o, r->k[0]);
        out_add_int(o, r->n);
        out_add_text(o, r->k[1]);
        break;
    case DIM_FEED:
        out_add_text(o, r->k[0]);
        out_add_int(o, r->subscribers);
        out_add_int(o, r->n);
        break;
    default:
        out_add_text(o, r->k[0]);
        out_add_int(o, r->n);
        out_add_int(o, r->visitors);
        break;
    }
    return 0;
}

static int add_trend(void *ctx, const struct store_trend_row *r)
{
    struct out_table *o = ctx;
    char change[32];

    out_add_text(o, r->path);
    out_add_text(o, r->title);
    out_add_int(o, r->views);
    out_add_int(o, r->usual);
    if (r->usual > 0)
        snprintf(change, sizeof(change), "+%lld%%",
                 (long long)((r->views - r->usual) * 100 / r->usual));
    else
        snprintf(change, sizeof(change), "new");
    out_add_text(o, change);
    return 0;
}

int top_dim_rows(struct store *store, const struct top_dim_kind *k,
                 const struct store_filter *f, struct out_table *out,
                 struct bs_err *err)
{
    struct rows_ctx c = {out, k->dim};

    if (k->dim == TRENDING)
        return store_top_trending(store, f, add_trend, out, err);
    return store_top_dim(store, f, k->dim, add_row, &c, err);
}
