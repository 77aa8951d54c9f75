/*
 * test_visits.c - visits.h: a visitor's runs of views with gaps under
 * VISIT_GAP seconds, counted for their landing page through deltas.
 *
 * A tally sums the deltas per (day, page) as the store would; a brute
 * force reference computed here from the whole set of views says what
 * the sums must be.
 */
#include "testutil.h"
#include "visits.h"

/* ---- the deltas --------------------------------------------------------- */

#define DAY0 100             /* the first day of the tests */
#define NDAYS 3
#define NPAGES 8             /* page ids 1..7; 0 is the day's total */
#define LOGMAX 64

struct tally {
    int64_t sum[NDAYS][NPAGES];
    int ndeltas;
    int negative;            /* a running sum went below 0 */
    int nlog;
    struct {
        int32_t day;
        int64_t page;
        int d;
    } log[LOGMAX];           /* the deltas since nlog was last reset */
};

static void on_delta(void *ctx, int32_t day, int64_t page, int d)
{
    struct tally *t = ctx;

    assert_true(day >= DAY0 && day < DAY0 + NDAYS);
    assert_true(page >= 0 && page < NPAGES);
    assert_true(d == 1 || d == -1);
    if (t->nlog < LOGMAX) {
        t->log[t->nlog].day = day;
        t->log[t->nlog].page = page;
        t->log[t->nlog].d = d;
    }
    t->nlog++;
    t->ndeltas++;
    t->sum[day - DAY0][page] += d;
    /* A -1 only ever takes back an earlier +1 of the same page. */
    if (t->sum[day - DAY0][page] < 0)
        t->negative = 1;
}

/* The deltas logged, as a string like "0+ 3+ 3- 1+". */
static const char *deltas_logged(const struct tally *t, char *buf,
                                 size_t cap)
{
    size_t o = 0;

    buf[0] = '\0';
    for (int i = 0; i < t->nlog; i++) {
        int n = snprintf(buf + o, cap - o, "%s%lld%c", o ? " " : "",
                         (long long)t->log[i].page,
                         t->log[i].d > 0 ? '+' : '-');

        assert_true(n > 0 && (size_t)n < cap - o);
        o += (size_t)n;
    }
    return buf;
}

/* A view; the deltas it caused must be want ("" for none). */
static void view_d(struct visits *v, struct tally *t, int32_t day,
                   uint64_t visitor, int32_t sec, int64_t page,
                   const char *want)
{
    char buf[256];

    t->nlog = 0;
    visits_view(v, day, visitor, sec, page, on_delta, t);
    assert_true(t->nlog <= LOGMAX);
    deltas_logged(t, buf, sizeof(buf));
    if (strcmp(buf, want) != 0)
        fail_msg("view at %d of page %lld: deltas '%s', expected '%s'",
                 (int)sec, (long long)page, buf, want);
    assert_false(t->negative);
}

/* ---- what visits_each_dirty() reports ---------------------------------- */

#define MAXPEOPLE 16

struct person_visits {
    int32_t day;
    uint64_t visitor;
    size_t n;
    struct visit iv[VISITS_MAX];
};

struct dump {
    int count;
    int stop_at;             /* return 7 on this call (1-based); 0: never */
    int calls;
    struct person_visits p[MAXPEOPLE];
};

static int on_dirty(void *ctx, int32_t day, uint64_t visitor,
                    const struct visit *iv, size_t n)
{
    struct dump *d = ctx;

    d->calls++;
    assert_true(d->count < MAXPEOPLE);
    assert_true(n <= VISITS_MAX);
    d->p[d->count].day = day;
    d->p[d->count].visitor = visitor;
    d->p[d->count].n = n;
    if (n)
        memcpy(d->p[d->count].iv, iv, n * sizeof(*iv));
    /* Sorted by start and disjoint, a gap or more apart. */
    for (size_t i = 0; i < n; i++) {
        assert_true(iv[i].start <= iv[i].end);
        if (i > 0)
            assert_true(iv[i].start - iv[i - 1].end >= VISIT_GAP);
    }
    d->count++;
    return d->stop_at && d->calls == d->stop_at ? 7 : 0;
}

static void dirty_of(struct visits *v, struct dump *d)
{
    memset(d, 0, sizeof(*d));
    assert_int_equal(visits_each_dirty(v, on_dirty, d), 0);
}

static const struct person_visits *find_person(const struct dump *d,
                                               int32_t day, uint64_t visitor)
{
    for (int i = 0; i < d->count; i++)
        if (d->p[i].day == day && d->p[i].visitor == visitor)
            return &d->p[i];
    return NULL;
}

/* ---- the reference ------------------------------------------------------ */

struct view {
    int32_t day;
    uint64_t visitor;
    int32_t sec;
    int64_t page;
};

static int cmp_view(const void *a, const void *b)
{
    const struct view *x = a, *y = b;

    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    if (x->visitor != y->visitor)
        return x->visitor < y->visitor ? -1 : 1;
    if (x->sec != y->sec)
        return x->sec < y->sec ? -1 : 1;
    return 0;
}

/*
 * What the sums must be: per day and visitor, views sorted by time; a
 * gap of VISIT_GAP or more starts a visit, which lands on the page of
 * its first view. Also the visits themselves, into ref (when not NULL).
 */
static void reference(const struct view *in, size_t n,
                      int64_t sum[NDAYS][NPAGES], struct dump *ref)
{
    struct view *v = xmalloc((n ? n : 1) * sizeof(*v));

    memcpy(v, in, n * sizeof(*v));
    qsort(v, n, sizeof(*v), cmp_view);
    memset(sum, 0, sizeof(int64_t) * NDAYS * NPAGES);
    if (ref)
        memset(ref, 0, sizeof(*ref));
    for (size_t i = 0; i < n; i++) {
        int same = i > 0 && v[i].day == v[i - 1].day &&
                   v[i].visitor == v[i - 1].visitor;
        struct person_visits *p = NULL;

        if (ref) {
            if (!same) {
                assert_true(ref->count < MAXPEOPLE);
                ref->p[ref->count].day = v[i].day;
                ref->p[ref->count].visitor = v[i].visitor;
                ref->count++;
            }
            p = &ref->p[ref->count - 1];
        }
        if (!same || v[i].sec - v[i - 1].sec >= VISIT_GAP) {
            sum[v[i].day - DAY0][0]++;
            sum[v[i].day - DAY0][v[i].page]++;
            if (p) {
                p->iv[p->n].start = v[i].sec;
                p->iv[p->n].landing = v[i].page;
                p->n++;
            }
        }
        if (p)
            p->iv[p->n - 1].end = v[i].sec;
    }
    free(v);
}

static void assert_sums(const struct tally *t, int64_t want[NDAYS][NPAGES],
                        const char *what)
{
    for (int d = 0; d < NDAYS; d++)
        for (int p = 0; p < NPAGES; p++)
            if (t->sum[d][p] != want[d][p])
                fail_msg("%s: day %d page %d: %lld visits, expected %lld",
                         what, DAY0 + d, p, (long long)t->sum[d][p],
                         (long long)want[d][p]);
}

/* The visits held equal the reference's, visitor by visitor. */
static void assert_visits(const struct dump *got, const struct dump *want)
{
    assert_int_equal(got->count, want->count);
    for (int i = 0; i < want->count; i++) {
        const struct person_visits *g =
            find_person(got, want->p[i].day, want->p[i].visitor);

        assert_non_null(g);
        assert_int_equal(g->n, want->p[i].n);
        for (size_t k = 0; k < g->n; k++) {
            assert_int_equal(g->iv[k].start, want->p[i].iv[k].start);
            assert_int_equal(g->iv[k].end, want->p[i].iv[k].end);
            assert_int_equal(g->iv[k].landing, want->p[i].iv[k].landing);
        }
    }
}

static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint32_t rng_below(uint64_t *s, uint32_t n)
{
    return (uint32_t)(rng_next(s) % n);
}

static void shuffle(struct view *v, size_t n, uint64_t *rng)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = rng_below(rng, (uint32_t)i);
        struct view t = v[i - 1];

        v[i - 1] = v[j];
        v[j] = t;
    }
}

/* ---- the gap ------------------------------------------------------------ */

static void test_visits__gap_1799_same_visit(void **state)
{
    struct visits *v = visits_new();
    struct tally t;
    struct dump d;

    (void)state;
    memset(&t, 0, sizeof(t));
    view_d(v, &t, DAY0, 1, 1000, 3, "0+ 3+");
    view_d(v, &t, DAY0, 1, 1000 + 1799, 4, "");
    /* 1799 after the last view, not the first: still the same visit. */
    view_d(v, &t, DAY0, 1, 1000 + 2 * 1799, 5, "");
    assert_int_equal(t.sum[0][0], 1);
    assert_int_equal(t.sum[0][3], 1);
    dirty_of(v, &d);
    assert_int_equal(d.count, 1);
    assert_int_equal(d.p[0].n, 1);
    assert_int_equal(d.p[0].iv[0].start, 1000);
    assert_int_equal(d.p[0].iv[0].end, 1000 + 2 * 1799);
    assert_int_equal(d.p[0].iv[0].landing, 3);
    visits_free(v);
}

static void test_visits__gap_1800_new_visit(void **state)
{
    struct visits *v = visits_new();
    struct tally t;
    struct dump d;

    (void)state;
    assert_int_equal(VISIT_GAP, 1800);
    memset(&t, 0, sizeof(t));
    view_d(v, &t, DAY0, 1, 1000, 3, "0+ 3+");
    view_d(v, &t, DAY0, 1, 2800, 4, "0+ 4+");
    /* And backwards: 1800 before a visit's first view. */
    view_d(v, &t, DAY0, 1, 1000 - 1800, 5, "0+ 5+");
    /* A view at the same second as another joins its visit. */
    view_d(v, &t, DAY0, 1, 2800, 4, "");
    assert_int_equal(t.sum[0][0], 3);
    dirty_of(v, &d);
    assert_int_equal(d.p[0].n, 3);
    assert_int_equal(d.p[0].iv[0].start, -800);
    assert_int_equal(d.p[0].iv[1].start, 1000);
    assert_int_equal(d.p[0].iv[2].start, 2800);
    visits_free(v);
}

/* The landing page is the first view's, not the most viewed. */
static void test_visits__landing_first_view(void **state)
{
    struct visits *v = visits_new();
    struct tally t;

    (void)state;
    memset(&t, 0, sizeof(t));
    view_d(v, &t, DAY0, 9, 36000, 2, "0+ 2+");
    view_d(v, &t, DAY0, 9, 36100, 5, "");
    view_d(v, &t, DAY0, 9, 36200, 5, "");
    view_d(v, &t, DAY0, 9, 36300, 5, "");
    assert_int_equal(t.sum[0][2], 1);
    assert_int_equal(t.sum[0][5], 0);
    visits_free(v);
}

/* Two views in one second: the first to come lands (log order, as the
 * generator of tests/gen says); the second changes nothing. */
static void test_visits__same_second(void **state)
{
    struct visits *v = visits_new();
    struct tally t;

    (void)state;
    memset(&t, 0, sizeof(t));
    view_d(v, &t, DAY0, 1, 500, 6, "0+ 6+");
    view_d(v, &t, DAY0, 1, 500, 2, "");
    view_d(v, &t, DAY0, 1, 499, 3, "6- 3+");
    visits_free(v);
}

/* A view earlier than a visit's start moves its landing page. */
static void test_visits__earlier_view_moves_landing(void **state)
{
    struct visits *v = visits_new();
    struct tally t;
    struct dump d;

    (void)state;
    memset(&t, 0, sizeof(t));
    view_d(v, &t, DAY0, 1, 5000, 2, "0+ 2+");
    view_d(v, &t, DAY0, 1, 4000, 3, "2- 3+");
    view_d(v, &t, DAY0, 1, 3000, 4, "3- 4+");
    /* Inside the visit: nothing moves. */
    view_d(v, &t, DAY0, 1, 3500, 5, "");
    /* Earlier, with the landing's own page: the counts stay. */
    view_d(v, &t, DAY0, 1, 2000, 4, "4- 4+");
    assert_int_equal(t.sum[0][0], 1);
    assert_int_equal(t.sum[0][4], 1);
    assert_int_equal(t.sum[0][2] + t.sum[0][3] + t.sum[0][5], 0);
    dirty_of(v, &d);
    assert_int_equal(d.p[0].n, 1);
    assert_int_equal(d.p[0].iv[0].start, 2000);
    assert_int_equal(d.p[0].iv[0].end, 5000);
    assert_int_equal(d.p[0].iv[0].landing, 4);
    visits_free(v);
}

/* A view within a gap of two visits makes them one. */
static void test_visits__bridge_merges(void **state)
{
    struct visits *v = visits_new();
    struct tally t;
    struct dump d;

    (void)state;
    memset(&t, 0, sizeof(t));
    view_d(v, &t, DAY0, 1, 1000, 2, "0+ 2+");
    view_d(v, &t, DAY0, 1, 4000, 3, "0+ 3+");
    view_d(v, &t, DAY0, 1, 7000, 4, "0+ 4+");
    /* 1500 after the first, 1500 before the second. */
    view_d(v, &t, DAY0, 1, 2500, 5, "0- 3-");
    assert_int_equal(t.sum[0][0], 2);
    assert_int_equal(t.sum[0][2], 1);
    assert_int_equal(t.sum[0][3], 0);
    /* 1500 after the merged visit's end, 1500 before the third. */
    view_d(v, &t, DAY0, 1, 5500, 6, "0- 4-");
    assert_int_equal(t.sum[0][0], 1);
    assert_int_equal(t.sum[0][2], 1);
    assert_int_equal(t.sum[0][4], 0);
    dirty_of(v, &d);
    assert_int_equal(d.p[0].n, 1);
    assert_int_equal(d.p[0].iv[0].start, 1000);
    assert_int_equal(d.p[0].iv[0].end, 7000);
    visits_free(v);
}

/* A view between two visits, within a gap of both, joins them into the
 * earlier one: the merged visit lands where the earlier one did, however
 * near the view is to the later one. */
static void test_visits__bridge_keeps_earlier_landing(void **state)
{
    struct visits *v = visits_new();
    struct tally t;

    (void)state;
    memset(&t, 0, sizeof(t));
    view_d(v, &t, DAY0, 1, 0, 2, "0+ 2+");
    view_d(v, &t, DAY0, 1, 3000, 3, "0+ 3+");
    view_d(v, &t, DAY0, 1, 6000, 4, "0+ 4+");
    /* 1500 after the second's start, 1500 before the third. */
    view_d(v, &t, DAY0, 1, 4500, 5, "0- 4-");
    assert_int_equal(t.sum[0][0], 2);
    assert_int_equal(t.sum[0][3], 1);
    assert_int_equal(t.sum[0][4], 0);
    assert_int_equal(t.sum[0][2], 1);
    visits_free(v);
}

/* Visitors and days are apart: the same visitor id on two days is two
 * visitors; two ids at the same time are two visits. */
static void test_visits__visitors_and_days_apart(void **state)
{
    struct visits *v = visits_new();
    struct tally t;
    struct dump d;

    (void)state;
    memset(&t, 0, sizeof(t));
    view_d(v, &t, DAY0, 1, 1000, 2, "0+ 2+");
    view_d(v, &t, DAY0, 2, 1000, 3, "0+ 3+");
    view_d(v, &t, DAY0 + 1, 1, 1000, 4, "0+ 4+");
    view_d(v, &t, DAY0, 1, 1100, 5, "");
    view_d(v, &t, DAY0 + 1, 2, 900, 5, "0+ 5+");
    assert_int_equal(t.sum[0][0], 2);
    assert_int_equal(t.sum[1][0], 2);
    dirty_of(v, &d);
    assert_int_equal(d.count, 4);
    assert_int_equal(find_person(&d, DAY0, 1)->iv[0].end, 1100);
    assert_int_equal(find_person(&d, DAY0 + 1, 1)->iv[0].end, 1000);
    assert_null(find_person(&d, DAY0 + 2, 1));
    /* Visitor ids use all 64 bits. */
    view_d(v, &t, DAY0, UINT64_MAX, 1000, 6, "0+ 6+");
    view_d(v, &t, DAY0, UINT64_MAX - 1, 1000, 6, "0+ 6+");
    view_d(v, &t, DAY0, UINT64_MAX, 1500, 2, "");
    visits_free(v);
}

/* ---- order independence ----------------------------------------------- */

/*
 * Random views of a few visitors over two days, clustered so that visits
 * join, split and bridge; every permutation gives the reference's sums
 * and visits. Seconds are distinct within a (day, visitor), or equal with
 * the same page: two pages in one second are ordered by the log.
 */
static size_t random_views(uint64_t *rng, struct view *out, size_t cap)
{
    size_t n = 4 + rng_below(rng, (uint32_t)(cap - 4));

    for (size_t i = 0; i < n; i++) {
        int clash;

        do {
            out[i].day = DAY0 + (int32_t)rng_below(rng, 2);
            out[i].visitor = 1 + rng_below(rng, 3);
            /* Clusters around 0, 4000, 8000 ... spread over 3000 s. */
            out[i].sec = (int32_t)(rng_below(rng, 5) * 4000 +
                                   rng_below(rng, 3000));
            out[i].page = 1 + (int64_t)rng_below(rng, NPAGES - 1);
            clash = 0;
            for (size_t k = 0; k < i; k++)
                if (out[k].day == out[i].day &&
                    out[k].visitor == out[i].visitor &&
                    out[k].sec == out[i].sec && out[k].page != out[i].page)
                    clash = 1;
        } while (clash);
    }
    return n;
}

static void run_views(const struct view *w, size_t n, struct tally *t,
                      struct dump *got)
{
    struct visits *v = visits_new();

    memset(t, 0, sizeof(*t));
    for (size_t i = 0; i < n; i++)
        visits_view(v, w[i].day, w[i].visitor, w[i].sec, w[i].page, on_delta,
                    t);
    assert_false(t->negative);
    dirty_of(v, got);
    visits_free(v);
}

static void test_visits__order_independent(void **state)
{
    uint64_t rng = 8;

    (void)state;
    for (int set = 0; set < 60; set++) {
        struct view w[24];
        size_t n = random_views(&rng, w, ARRAY_SIZE(w));
        int64_t want[NDAYS][NPAGES];
        struct dump ref, got;
        struct tally t;

        reference(w, n, want, &ref);
        for (int perm = 0; perm < 100; perm++) {
            char what[64];

            shuffle(w, n, &rng);
            run_views(w, n, &t, &got);
            snprintf(what, sizeof(what), "set %d permutation %d", set, perm);
            assert_sums(&t, want, what);
            assert_visits(&got, &ref);
        }
    }
}

/* A worked example where the order matters most: views of one visitor
 * every 1000 s, given in every order of a small set (all 5! = 120). */
static void test_visits__all_permutations(void **state)
{
    static const struct view base[5] = {
        {DAY0, 1, 0, 1}, {DAY0, 1, 1700, 2}, {DAY0, 1, 3400, 3},
        {DAY0, 1, 5300, 4}, {DAY0, 1, 7000, 5},
    };
    int64_t want[NDAYS][NPAGES];
    struct dump ref, got;
    int idx[5] = {0, 1, 2, 3, 4}, perms = 0;

    (void)state;
    reference(base, 5, want, &ref);
    /* 0, 1700, 3400 | 5300, 7000: two visits landing on 1 and 4. */
    assert_int_equal(want[0][0], 2);
    assert_int_equal(want[0][1], 1);
    assert_int_equal(want[0][4], 1);
    for (;;) {
        struct view w[5];
        struct tally t;
        int i, j;

        for (i = 0; i < 5; i++)
            w[i] = base[idx[i]];
        run_views(w, 5, &t, &got);
        assert_sums(&t, want, "a permutation");
        assert_visits(&got, &ref);
        perms++;
        /* The next permutation in lexicographic order. */
        for (i = 3; i >= 0 && idx[i] > idx[i + 1]; i--)
            ;
        if (i < 0)
            break;
        for (j = 4; idx[j] < idx[i]; j--)
            ;
        {
            int s = idx[i];

            idx[i] = idx[j];
            idx[j] = s;
        }
        for (int a = i + 1, b = 4; a < b; a++, b--) {
            int s = idx[a];

            idx[a] = idx[b];
            idx[b] = s;
        }
    }
    assert_int_equal(perms, 120);
}

/* ---- across runs -------------------------------------------------------- */

/*
 * Two runs: the first sees some views and stores its visitors' visits
 * (visits_each_dirty); the second loads them (visits_load, as from the
 * store) and sees the rest. The deltas of both sum to the reference,
 * whichever views each run gets.
 */
static void two_runs(const struct view *w, size_t n, size_t split,
                     struct tally *t, struct dump *final)
{
    struct visits *a = visits_new(), *b = visits_new();
    struct dump saved;

    memset(t, 0, sizeof(*t));
    for (size_t i = 0; i < split; i++)
        visits_view(a, w[i].day, w[i].visitor, w[i].sec, w[i].page, on_delta,
                    t);
    dirty_of(a, &saved);
    visits_free(a);
    for (int i = 0; i < saved.count; i++)
        visits_load(b, saved.p[i].day, saved.p[i].visitor, saved.p[i].iv,
                    saved.p[i].n);
    /* Loaded is not changed. */
    dirty_of(b, final);
    assert_int_equal(final->count, 0);
    for (size_t i = split; i < n; i++)
        visits_view(b, w[i].day, w[i].visitor, w[i].sec, w[i].page, on_delta,
                    t);
    assert_false(t->negative);
    /* What the second run would store, over what the first stored. */
    {
        struct dump changed;

        dirty_of(b, &changed);
        for (int i = 0; i < changed.count; i++) {
            int k;

            for (k = 0; k < saved.count; k++)
                if (saved.p[k].day == changed.p[i].day &&
                    saved.p[k].visitor == changed.p[i].visitor)
                    break;
            if (k == saved.count) {
                assert_true(saved.count < MAXPEOPLE);
                saved.count++;
            }
            saved.p[k] = changed.p[i];
        }
    }
    *final = saved;
    visits_free(b);
}

static void test_visits__across_runs(void **state)
{
    uint64_t rng = 99;

    (void)state;
    for (int set = 0; set < 40; set++) {
        struct view w[24];
        size_t n = random_views(&rng, w, ARRAY_SIZE(w));
        int64_t want[NDAYS][NPAGES];
        struct dump ref, got;
        struct tally t;

        reference(w, n, want, &ref);
        for (int perm = 0; perm < 20; perm++) {
            shuffle(w, n, &rng);
            two_runs(w, n, rng_below(&rng, (uint32_t)n + 1), &t, &got);
            assert_sums(&t, want, "two runs");
            assert_visits(&got, &ref);
        }
    }
}

/* The worked case of a rotated log: the newest file read first. */
static void test_visits__rotated_file_read_late(void **state)
{
    static const struct view late[] = {{DAY0, 5, 23100, 3},
                                       {DAY0, 5, 24000, 4}};
    static const struct view early[] = {{DAY0, 5, 23099, 2}};
    struct visits *v = visits_new();
    struct tally t;
    struct dump d;

    (void)state;
    memset(&t, 0, sizeof(t));
    view_d(v, &t, late[0].day, 5, late[0].sec, late[0].page, "0+ 3+");
    view_d(v, &t, late[1].day, 5, late[1].sec, late[1].page, "");
    dirty_of(v, &d);
    visits_free(v);
    v = visits_new();
    visits_load(v, DAY0, 5, d.p[0].iv, d.p[0].n);
    view_d(v, &t, early[0].day, 5, early[0].sec, early[0].page, "3- 2+");
    assert_int_equal(t.sum[0][0], 1);
    assert_int_equal(t.sum[0][2], 1);
    assert_int_equal(t.sum[0][3], 0);
    visits_free(v);
}

/* ---- dirty, clean, load -------------------------------------------------- */

static void test_visits__dirty_and_clean(void **state)
{
    struct visits *v = visits_new();
    struct tally t;
    struct dump d;
    struct visit iv = {100, 200, 3};

    (void)state;
    memset(&t, 0, sizeof(t));
    dirty_of(v, &d);
    assert_int_equal(d.calls, 0);
    view_d(v, &t, DAY0, 1, 1000, 2, "0+ 2+");
    view_d(v, &t, DAY0, 2, 1000, 2, "0+ 2+");
    view_d(v, &t, DAY0, 3, 1000, 2, "0+ 2+");
    dirty_of(v, &d);
    assert_int_equal(d.count, 3);
    visits_clean(v);
    dirty_of(v, &d);
    assert_int_equal(d.calls, 0);
    /* A view within an existing visit still marks its visitor. */
    view_d(v, &t, DAY0, 2, 1001, 2, "");
    dirty_of(v, &d);
    assert_int_equal(d.count, 1);
    assert_int_equal(d.p[0].visitor, 2);
    assert_int_equal(d.p[0].iv[0].end, 1001);
    /* A load is what the store holds: not dirty. */
    visits_load(v, DAY0, 4, &iv, 1);
    dirty_of(v, &d);
    assert_int_equal(d.count, 1);
    /* The callback's nonzero return stops and is returned. */
    view_d(v, &t, DAY0, 1, 1002, 2, "");
    view_d(v, &t, DAY0, 3, 1002, 2, "");
    memset(&d, 0, sizeof(d));
    d.stop_at = 2;
    assert_int_equal(visits_each_dirty(v, on_dirty, &d), 7);
    assert_int_equal(d.calls, 2);
    visits_free(v);
    visits_free(NULL);
}

/* A load replaces what is held for the visitor, and the loaded visits
 * are joined, moved and merged like any. */
static void test_visits__load_replaces(void **state)
{
    struct visits *v = visits_new();
    struct tally t;
    struct dump d;
    struct visit iv[2] = {{1000, 1500, 3}, {5000, 5000, 4}};

    (void)state;
    memset(&t, 0, sizeof(t));
    view_d(v, &t, DAY0, 1, 40000, 2, "0+ 2+");
    visits_load(v, DAY0, 1, iv, 2);
    /* The store's counts of what was loaded (the 40000 one never was). */
    t.sum[0][0] = 2;
    t.sum[0][2] = 0;
    t.sum[0][3] = t.sum[0][4] = 1;
    view_d(v, &t, DAY0, 1, 900, 5, "3- 5+");
    /* 1750 after the first's end, 1750 before the second: one visit. */
    view_d(v, &t, DAY0, 1, 3250, 6, "0- 4-");
    /* The visit at 40000 is gone with the load: a new one. */
    view_d(v, &t, DAY0, 1, 40000, 2, "0+ 2+");
    dirty_of(v, &d);
    assert_int_equal(d.p[0].n, 2);
    assert_int_equal(d.p[0].iv[0].start, 900);
    assert_int_equal(d.p[0].iv[0].end, 5000);
    assert_int_equal(d.p[0].iv[0].landing, 5);
    assert_int_equal(d.p[0].iv[1].start, 40000);
    /* A load of nothing empties it. */
    visits_load(v, DAY0, 1, NULL, 0);
    view_d(v, &t, DAY0, 1, 1000, 2, "0+ 2+");
    visits_free(v);
}

/* ---- VISITS_MAX -------------------------------------------------------- */

static void test_visits__max(void **state)
{
    struct visits *v = visits_new();
    struct tally t;
    struct dump d;
    static struct visit many[VISITS_MAX + 10];
    int32_t last;

    (void)state;
    memset(&t, 0, sizeof(t));
    for (int i = 0; i < VISITS_MAX; i++)
        view_d(v, &t, DAY0, 1, i * VISIT_GAP, 1 + i % 7,
               (const char *[]){"0+ 1+", "0+ 2+", "0+ 3+", "0+ 4+", "0+ 5+",
                                "0+ 6+", "0+ 7+"}[i % 7]);
    assert_int_equal(t.sum[0][0], VISITS_MAX);
    last = (VISITS_MAX - 1) * VISIT_GAP;
    /* One more visit: counted in the last one, which grows. */
    view_d(v, &t, DAY0, 1, last + 5 * VISIT_GAP, 2, "");
    assert_int_equal(t.sum[0][0], VISITS_MAX);
    dirty_of(v, &d);
    assert_int_equal(d.p[0].n, VISITS_MAX);
    assert_int_equal(d.p[0].iv[VISITS_MAX - 1].start, last);
    assert_int_equal(d.p[0].iv[VISITS_MAX - 1].end, last + 5 * VISIT_GAP);
    /* Before the first: no new visit either, nothing changes. */
    view_d(v, &t, DAY0, 1, -10 * VISIT_GAP, 2, "");
    dirty_of(v, &d);
    assert_int_equal(d.p[0].iv[0].start, 0);
    /* Joining visits still works, and frees a place. */
    view_d(v, &t, DAY0, 1, VISIT_GAP / 2, 3, "0- 2-");
    view_d(v, &t, DAY0, 1, -10 * VISIT_GAP, 2, "0+ 2+");
    assert_int_equal(t.sum[0][0], VISITS_MAX);
    dirty_of(v, &d);
    assert_int_equal(d.p[0].n, VISITS_MAX);
    /* Other visitors are not limited by this one. */
    view_d(v, &t, DAY0, 2, 0, 1, "0+ 1+");
    /* A load of more than VISITS_MAX keeps VISITS_MAX. */
    for (int i = 0; i < VISITS_MAX + 10; i++) {
        many[i].start = many[i].end = i * 2 * VISIT_GAP;
        many[i].landing = 1;
    }
    visits_load(v, DAY0, 3, many, VISITS_MAX + 10);
    view_d(v, &t, DAY0, 3, (VISITS_MAX + 5) * 2 * VISIT_GAP, 1, "");
    view_d(v, &t, DAY0, 3, 1, 1, "");
    dirty_of(v, &d);
    assert_int_equal(find_person(&d, DAY0, 3)->n, VISITS_MAX);
    visits_free(v);
}

/* ---- forget ------------------------------------------------------------- */

static void test_visits__forget(void **state)
{
    struct visits *v = visits_new();
    struct tally t;
    struct dump d;

    (void)state;
    memset(&t, 0, sizeof(t));
    view_d(v, &t, DAY0, 1, 1000, 2, "0+ 2+");
    view_d(v, &t, DAY0 + 1, 1, 2000, 3, "0+ 3+");
    view_d(v, &t, DAY0, 2, 3000, 4, "0+ 4+");
    view_d(v, &t, DAY0 + 2, 2, 4000, 5, "0+ 5+");
    view_d(v, &t, DAY0 + 1, 3, 5000, 6, "0+ 6+");
    visits_forget(v, DAY0 + 1);
    /* The day before is gone, the others are as they were. */
    dirty_of(v, &d);
    assert_int_equal(d.count, 3);
    assert_null(find_person(&d, DAY0, 1));
    assert_null(find_person(&d, DAY0, 2));
    assert_int_equal(find_person(&d, DAY0 + 1, 1)->iv[0].start, 2000);
    assert_int_equal(find_person(&d, DAY0 + 2, 2)->iv[0].start, 4000);
    assert_int_equal(find_person(&d, DAY0 + 1, 3)->iv[0].start, 5000);
    assert_int_equal(find_person(&d, DAY0 + 1, 3)->iv[0].landing, 6);
    /* Each kept visitor still finds its own visits (the index was
     * rebuilt): views within them start nothing. */
    view_d(v, &t, DAY0 + 1, 1, 2100, 7, "");
    view_d(v, &t, DAY0 + 2, 2, 4100, 7, "");
    view_d(v, &t, DAY0 + 1, 3, 4900, 7, "6- 7+");
    /* A forgotten visitor starts afresh. */
    view_d(v, &t, DAY0, 1, 1100, 2, "0+ 2+");
    dirty_of(v, &d);
    assert_int_equal(d.count, 4);
    assert_int_equal(find_person(&d, DAY0, 1)->n, 1);
    assert_int_equal(find_person(&d, DAY0, 1)->iv[0].start, 1100);
    /* Forgetting everything, then nothing. */
    visits_forget(v, DAY0 + 3);
    dirty_of(v, &d);
    assert_int_equal(d.count, 0);
    visits_forget(v, DAY0 + 3);
    view_d(v, &t, DAY0 + 2, 2, 4100, 7, "0+ 7+");
    visits_forget(v, INT32_MIN);
    dirty_of(v, &d);
    assert_int_equal(d.count, 1);
    visits_free(v);
}

/* Many visitors: the table grows and keeps each one's visits apart. */
static void test_visits__many_visitors(void **state)
{
    enum { N = 5000 };
    struct visits *v = visits_new();
    struct tally t;
    struct dump d;

    (void)state;
    memset(&t, 0, sizeof(t));
    for (int round = 0; round < 3; round++)
        for (uint64_t i = 0; i < N; i++)
            visits_view(v, DAY0 + (int32_t)(i % 2), i * 0x9E3779B97F4A7C15ull,
                        (int32_t)(round * 1000 + (int)(i % 100)),
                        1 + (int64_t)(i % 7), on_delta, &t);
    /* Each visitor: one visit (1000 s steps), landing on its page. */
    assert_int_equal(t.sum[0][0] + t.sum[1][0], N);
    for (int p = 1; p < NPAGES; p++) {
        int64_t want = 0;

        for (uint64_t i = 0; i < N; i++)
            want += (int64_t)(1 + i % 7) == p;
        assert_int_equal(t.sum[0][p] + t.sum[1][p], want);
    }
    visits_forget(v, DAY0 + 1);
    memset(&d, 0, sizeof(d));
    d.stop_at = 1;
    assert_int_equal(visits_each_dirty(v, on_dirty, &d), 7);
    assert_int_equal(d.p[0].day, DAY0 + 1);
    assert_int_equal(d.p[0].n, 1);
    assert_int_equal(d.p[0].iv[0].end - d.p[0].iv[0].start, 2000);
    visits_free(v);
}

/* ---- visits_each_dirty_set(): the sets changed, each whole ------------- */

struct sets_seen {
    int open;                /* a set begun, not ended */
    int32_t day;
    uint32_t set;
    int nsets;
    struct {
        int32_t day;
        uint32_t set;
        int people;
        int visits;
    } s[16];
    int stop_at;             /* return 9 on this begin (1-based); 0: never */
};

static int set_begin(void *ctx, int32_t day, uint32_t set)
{
    struct sets_seen *x = ctx;

    assert_false(x->open);
    assert_true(x->nsets < 16);
    x->open = 1;
    x->s[x->nsets].day = day;
    x->s[x->nsets].set = set;
    x->s[x->nsets].people = 0;
    x->s[x->nsets].visits = 0;
    x->nsets++;
    return x->stop_at && x->nsets == x->stop_at ? 9 : 0;
}

static int set_person(void *ctx, uint64_t visitor, const struct visit *iv,
                      size_t n)
{
    struct sets_seen *x = ctx;

    (void)iv;
    assert_true(x->open);
    /* Every person given is of the set begun. */
    assert_int_equal(visitor >> 62, x->s[x->nsets - 1].set);
    x->s[x->nsets - 1].people++;
    x->s[x->nsets - 1].visits += (int)n;
    return 0;
}

static int set_end(void *ctx)
{
    struct sets_seen *x = ctx;

    assert_true(x->open);
    x->open = 0;
    return 0;
}

static const struct visits_set_writer set_writer = {set_begin, set_person,
                                                    set_end};

static int set_index(const struct sets_seen *x, int32_t day, uint32_t set)
{
    for (int i = 0; i < x->nsets; i++)
        if (x->s[i].day == day && x->s[i].set == set)
            return i;
    return -1;
}

static void test_visits__dirty_sets_whole(void **state)
{
    struct visits *v = visits_new();
    struct tally t;
    struct sets_seen x;
    const uint64_t set1 = UINT64_C(1) << 62, set3 = UINT64_C(3) << 62;
    static const struct visit one = {100, 200, 1};

    (void)state;
    memset(&t, 0, sizeof(t));
    /* Day 0: two people of set 1 (one loaded, one viewing), one of set 3
     * (loaded); day 1: one of set 1 (loaded). */
    visits_load(v, DAY0, set1 | 5, &one, 1);
    visits_view(v, DAY0, set1 | 6, 5000, 2, on_delta, &t);
    visits_view(v, DAY0, set1 | 6, 9000, 3, on_delta, &t);
    visits_load(v, DAY0, set3 | 7, &one, 1);
    visits_load(v, DAY0 + 1, set1 | 5, &one, 1);
    memset(&x, 0, sizeof(x));
    assert_int_equal(visits_each_dirty_set(v, 62, &set_writer, &x), 0);
    /* Only (day 0, set 1) changed: given whole, its loaded person too. */
    assert_int_equal(x.nsets, 1);
    assert_int_equal(x.s[0].day, DAY0);
    assert_int_equal(x.s[0].set, 1);
    assert_int_equal(x.s[0].people, 2);
    assert_int_equal(x.s[0].visits, 1 + 2);
    /* Clean: nothing; a view of day 1's person: that set alone. */
    visits_clean(v);
    memset(&x, 0, sizeof(x));
    assert_int_equal(visits_each_dirty_set(v, 62, &set_writer, &x), 0);
    assert_int_equal(x.nsets, 0);
    visits_view(v, DAY0 + 1, set1 | 5, 150, 1, on_delta, &t);
    visits_view(v, DAY0, set3 | 8, 150, 1, on_delta, &t);
    memset(&x, 0, sizeof(x));
    assert_int_equal(visits_each_dirty_set(v, 62, &set_writer, &x), 0);
    assert_int_equal(x.nsets, 2);
    assert_true(set_index(&x, DAY0 + 1, 1) >= 0);
    assert_int_equal(x.s[set_index(&x, DAY0 + 1, 1)].people, 1);
    assert_int_equal(x.s[set_index(&x, DAY0, 3)].people, 2);
    /* A callback's nonzero ends it and is returned. */
    memset(&x, 0, sizeof(x));
    x.stop_at = 1;
    assert_int_equal(visits_each_dirty_set(v, 62, &set_writer, &x), 9);
    assert_int_equal(x.nsets, 1);
    visits_free(v);
}

/* visits_view_held() counts a view as visits_view() does, of a visitor
 * held, and touches nothing for one new to the day. */
static void test_visits__view_held(void **state)
{
    struct visits *v = visits_new();
    struct tally t;

    (void)state;
    memset(&t, 0, sizeof(t));
    assert_int_equal(visits_view_held(v, DAY0, 7, 100, 3, on_delta, &t), 0);
    assert_int_equal(t.ndeltas, 0);
    assert_false(visits_has(v, DAY0, 7));
    view_d(v, &t, DAY0, 7, 100, 3, "0+ 3+");
    /* Held now: an earlier view moves the landing, a later one after a
     * gap is a visit of its own. */
    t.nlog = 0;
    assert_int_equal(visits_view_held(v, DAY0, 7, 50, 5, on_delta, &t), 1);
    assert_int_equal(t.nlog, 2);
    assert_int_equal(t.sum[0][5], 1);
    assert_int_equal(t.sum[0][3], 0);
    assert_int_equal(visits_view_held(v, DAY0, 7, 100 + VISIT_GAP, 2,
                                      on_delta, &t), 1);
    assert_int_equal(t.sum[0][0], 2);
    assert_int_equal(t.sum[0][2], 1);
    /* Another day of the same visitor is another visitor. */
    assert_int_equal(visits_view_held(v, DAY0 + 1, 7, 100, 3, on_delta, &t),
                     0);
    assert_int_equal(t.sum[1][0], 0);
    visits_free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_visits__view_held),
        cmocka_unit_test(test_visits__gap_1799_same_visit),
        cmocka_unit_test(test_visits__gap_1800_new_visit),
        cmocka_unit_test(test_visits__landing_first_view),
        cmocka_unit_test(test_visits__same_second),
        cmocka_unit_test(test_visits__earlier_view_moves_landing),
        cmocka_unit_test(test_visits__bridge_merges),
        cmocka_unit_test(test_visits__bridge_keeps_earlier_landing),
        cmocka_unit_test(test_visits__visitors_and_days_apart),
        cmocka_unit_test(test_visits__order_independent),
        cmocka_unit_test(test_visits__all_permutations),
        cmocka_unit_test(test_visits__across_runs),
        cmocka_unit_test(test_visits__rotated_file_read_late),
        cmocka_unit_test(test_visits__dirty_and_clean),
        cmocka_unit_test(test_visits__load_replaces),
        cmocka_unit_test(test_visits__max),
        cmocka_unit_test(test_visits__forget),
        cmocka_unit_test(test_visits__many_visitors),
        cmocka_unit_test(test_visits__dirty_sets_whole),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
