/*
 * db_pg.c - PostgreSQL behind db.h, with libpq.
 *
 * SQLite's statement model on libpq's: "?N" parameters become "$N"
 * (and the two SQLite words the store's shared SQL uses, CROSS JOIN as a
 * join-order hint and CAST(x AS BLOB), PostgreSQL's JOIN and bytea); a
 * persistent statement is prepared once on the server under a name of
 * its own, any other is sent with its parameters each time it runs
 * (PQexecParams: one round trip, nothing to deallocate). A step runs
 * the statement on its first call and walks the rows of the result
 * after. Parameters go as text, which the server reads as the type the
 * SQL gives them: integers in decimal, strings copied with a NUL, blobs
 * as bytea's hex ("\x0a1b"),
 * which is also what the hll type reads. Results come as text: numbers
 * are parsed, booleans read as 1 and 0, bytea and hll decoded from hex.
 *
 * A write whose result nobody reads (pg_send()) goes in libpq's pipeline
 * mode: sent without waiting for the server, so that the client makes
 * the next statement while the server runs this one. Any other call
 * that talks to the server first syncs the pipeline (pg_sync()): reads
 * the results sent and reports the first failure among them.
 */
#include "blogstat.h"
#include "ascii.h"
#include "db_int.h"
#include "dynlib.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Statements sent in a pipeline before their results are read: their
 * results (a few dozen bytes each) stay well within the socket's buffer,
 * so that the server never waits for the client to read them while the
 * client waits for the server to read what it sends. */
#define PIPE_MAX 512

/* ---- libpq, loaded on first use --------------------------------------- */

/* libpq is opened by the first PostgreSQL connection, not linked: with
 * it come some twenty libraries (Kerberos, LDAP, TLS) whose loading
 * would double the start of every command on SQLite. Its soname has
 * been libpq.so.5 since PostgreSQL 8.0; the pipeline calls need 14. */
#define PQ_LIBRARY "libpq.so.5"

#define PQ_CALLS(X)                                                        \
    X(PQclear) X(PQcmdTuples) X(PQconnectdbParams) X(PQenterPipelineMode) \
    X(PQerrorMessage) X(PQexec) X(PQexecParams) X(PQexecPrepared)          \
    X(PQexitPipelineMode) X(PQfinish) X(PQftype) X(PQgetResult)            \
    X(PQgetisnull) X(PQgetlength) X(PQgetvalue) X(PQnfields) X(PQntuples)  \
    X(PQpipelineStatus) X(PQpipelineSync) X(PQprepare) X(PQputCopyData)    \
    X(PQputCopyEnd) X(PQresultErrorField) X(PQresultStatus)                \
    X(PQsendQueryParams) X(PQsendQueryPrepared) X(PQsetNoticeProcessor)    \
    X(PQstatus) X(PQtransactionStatus)

#define PQ_MEMBER(f) __typeof__(f) *(f);
static struct {
    PQ_CALLS(PQ_MEMBER)
} pq;
static pthread_once_t pq_once = PTHREAD_ONCE_INIT;
static char pq_error[256];     /* empty once every call is found */

static void pq_load(void)
{
    static const char *const lib[] = {PQ_LIBRARY};
    static const struct dynlib_sym syms[] = {
#define PQ_SYM(f) DYNLIB_SYM(pq, f)
        PQ_CALLS(PQ_SYM)
#undef PQ_SYM
    };
    char why[160];

    if (dynlib_load(lib, 1, syms, ARRAY_SIZE(syms), why, sizeof(why)) < 0)
        snprintf(pq_error, sizeof(pq_error),
                 "PostgreSQL needs libpq 14 or newer (Debian: apt-get "
                 "install libpq5): %s", why);
}

struct pg_db {
    PGconn *conn;
    char msg[512];
    char state[6];
    int code;
    int64_t changes;
    unsigned next_name;
    int piped;                 /* statements sent, results not read yet */
};

/* One parameter: its value as libpq takes it. */
struct pg_param {
    const char *val;           /* NULL: SQL NULL */
    int len, fmt;
    char num[24];              /* an integer's digits */
    char *hex;                 /* a blob's hex text */
    size_t hexcap;
};

/* One column's decoded bytes, for the row they were decoded from. */
struct pg_col {
    int row;
    unsigned char *buf;
    size_t n, cap;
};

struct pg_stmt {
    struct pg_db *p;
    char *sql;                 /* with $N; NULL once prepared by name */
    char name[24];             /* "" when not prepared */
    int nparams;
    Oid *types;                /* 0: the server infers it; text for a
                                * number the SQL skips */
    struct pg_param *par;
    PGresult *res;             /* the rows of the run, or NULL */
    int row, nrows, ran;
    struct pg_col *col;
    int ncol;
};

/* ---- errors ---------------------------------------------------------- */

/* The SQLite code a SQLSTATE means. */
static int state_code(const char *s)
{
    if (!s || !*s)
        return DB_IOERR;
    if (!strcmp(s, "40001") || !strcmp(s, "40P01") || !strcmp(s, "55P03"))
        return DB_BUSY;
    if (!strcmp(s, "53100"))
        return DB_FULL;
    if (!strcmp(s, "53200"))
        return DB_NOMEM;
    if (!strncmp(s, "08", 2) || !strncmp(s, "57", 2) || !strncmp(s, "58", 2))
        return DB_IOERR;
    if (!strncmp(s, "23", 2))
        return DB_CONSTRAINT;
    if (!strcmp(s, "25006") || !strcmp(s, "42501"))
        return DB_READONLY;
    if (!strncmp(s, "XX", 2))
        return DB_CORRUPT;
    if (!strcmp(s, "3D000") || !strcmp(s, "28000") || !strcmp(s, "28P01"))
        return DB_CANTOPEN;
    return DB_ERROR;
}

/* Keep the first line of msg as the error. */
static void set_msg(struct pg_db *p, const char *msg)
{
    size_t n = strcspn(msg ? msg : "", "\n");

    if (!msg)
        msg = "unknown PostgreSQL error";
    if (n >= sizeof(p->msg))
        n = sizeof(p->msg) - 1;
    memcpy(p->msg, msg, n);
    p->msg[n] = '\0';
}

/* Record a failed result (or a lost connection when res is NULL). */
static int fail(struct pg_db *p, const PGresult *res)
{
    const char *state =
        res ? pq.PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? pq.PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)
                          : NULL;

    snprintf(p->state, sizeof(p->state), "%s", state ? state : "");
    if (!msg || pq.PQstatus(p->conn) != CONNECTION_OK)
        msg = pq.PQerrorMessage(p->conn);
    set_msg(p, msg);
    p->code = pq.PQstatus(p->conn) != CONNECTION_OK ? DB_IOERR
                                                 : state_code(p->state);
    return p->code;
}

/* ---- connections ------------------------------------------------------ */

static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

int pg_open(const char *uri, struct pg_db **out)
{
    static const char *const keys[] = {"dbname", "fallback_application_name",
                                       "client_encoding", NULL};
    const char *vals[] = {uri, "blogstat", "UTF8", NULL};
    struct pg_db *p = xcalloc(1, sizeof(*p));

    *out = p;
    pthread_once(&pq_once, pq_load);
    if (pq_error[0]) {
        set_msg(p, pq_error);
        return p->code = DB_CANTOPEN;
    }
    p->conn = pq.PQconnectdbParams(keys, vals, 1);
    if (!p->conn) {
        set_msg(p, "out of memory");
        return p->code = DB_NOMEM;
    }
    if (pq.PQstatus(p->conn) != CONNECTION_OK) {
        set_msg(p, pq.PQerrorMessage(p->conn));
        return p->code = DB_CANTOPEN;
    }
    /* NOTICEs ("relation exists, skipping") are not blogstat's to print. */
    pq.PQsetNoticeProcessor(p->conn, quiet, NULL);
    return DB_OK;
}

void pg_close(struct pg_db *p)
{
    if (!p)
        return;
    if (p->conn)               /* NULL when libpq could not be loaded */
        pq.PQfinish(p->conn);
    free(p);
}

struct pg_conn *pg_conn(struct pg_db *p)
{
    return p->conn;
}

const char *pg_errmsg(struct pg_db *p)
{
    return p->msg[0] ? p->msg : "not an error";
}

const char *pg_sqlstate(struct pg_db *p)
{
    return p->state;
}

int pg_errcode(struct pg_db *p)
{
    return p->code;
}

int64_t pg_changes(struct pg_db *p)
{
    return p->changes;
}

/* Note what a finished command changed; DB_OK, or the failure. */
static int took(struct pg_db *p, PGresult *res)
{
    ExecStatusType s = res ? pq.PQresultStatus(res) : PGRES_FATAL_ERROR;

    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
        return fail(p, res);
    p->changes = strtoll(pq.PQcmdTuples(res), NULL, 10);
    p->code = DB_OK;
    return DB_OK;
}

/*
 * Read the results of the statements sent in the pipeline, and leave it:
 * DB_OK, or the code (and message) of the first that failed; those after
 * it were not run, and the transaction is aborted.
 */
int pg_sync(struct pg_db *p)
{
    int rc = DB_OK, nulls = 0;

    if (pq.PQpipelineStatus(p->conn) == PQ_PIPELINE_OFF)
        return DB_OK;
    if (!pq.PQpipelineSync(p->conn))
        rc = fail(p, NULL);
    /* Each statement's results end with a NULL; the sync's own result
     * ends them all. Two NULLs in a row: nothing more will come (a lost
     * connection). */
    while (rc == DB_OK || pq.PQstatus(p->conn) == CONNECTION_OK) {
        PGresult *res = pq.PQgetResult(p->conn);
        ExecStatusType s;

        if (!res) {
            if (++nulls > 1) {
                if (rc == DB_OK)
                    rc = fail(p, NULL);
                break;
            }
            continue;
        }
        nulls = 0;
        s = pq.PQresultStatus(res);
        if (s == PGRES_PIPELINE_SYNC) {
            pq.PQclear(res);
            break;
        }
        if (s == PGRES_FATAL_ERROR && rc == DB_OK)
            rc = fail(p, res);
        pq.PQclear(res);
    }
    p->piped = 0;
    if (!pq.PQexitPipelineMode(p->conn) && rc == DB_OK)
        rc = fail(p, NULL);
    if (rc == DB_OK)
        p->code = DB_OK;
    return rc;
}

int pg_exec(struct pg_db *p, const char *sql)
{
    int piped = pg_sync(p);
    char msg[sizeof(p->msg)], state[sizeof(p->state)];
    PGresult *res;
    int rc;

    /* The statement runs even after a failure in the pipeline (it may be
     * the ROLLBACK of it), and the failure is what is reported. */
    memcpy(msg, p->msg, sizeof(msg));
    memcpy(state, p->state, sizeof(state));
    res = pq.PQexec(p->conn, sql);
    rc = took(p, res);
    pq.PQclear(res);
    if (piped != DB_OK) {
        memcpy(p->msg, msg, sizeof(msg));
        memcpy(p->state, state, sizeof(state));
        p->code = piped;
        return piped;
    }
    return rc;
}

int pg_copy_begin(struct pg_db *p, const char *sql)
{
    int rc = pg_sync(p);
    PGresult *res;

    if (rc != DB_OK)
        return rc;
    res = pq.PQexec(p->conn, sql);
    if (pq.PQresultStatus(res) != PGRES_COPY_IN) {
        rc = took(p, res);
        pq.PQclear(res);
        /* Not a COPY FROM STDIN: a misuse, whatever the server said. */
        return rc == DB_OK ? DB_ERROR : rc;
    }
    pq.PQclear(res);
    return DB_OK;
}

int pg_copy_put(struct pg_db *p, const char *data, size_t n)
{
    for (size_t at = 0; at < n;) {
        size_t piece = n - at < (1u << 20) ? n - at : 1u << 20;

        if (pq.PQputCopyData(p->conn, data + at, (int)piece) != 1)
            return fail(p, NULL);
        at += piece;
    }
    return DB_OK;
}

int pg_copy_end(struct pg_db *p, int rc)
{
    PGresult *res;

    if (pq.PQputCopyEnd(p->conn, rc == DB_OK ? NULL : "blogstat: cannot send")
        != 1 && rc == DB_OK)
        rc = fail(p, NULL);
    while ((res = pq.PQgetResult(p->conn)) != NULL) {
        int r = took(p, res);

        if (rc == DB_OK)
            rc = r;
        pq.PQclear(res);
    }
    return rc;
}

/* ---- statements ------------------------------------------------------- */

/* Whether the table named at p (and its alias) is followed by ON. */
static int joins_on(const char *p)
{
    for (int words = 0; words < 2; words++) {
        while (*p == '_' || (*p >= 'a' && *p <= 'z') ||
               (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
            p++;
        while (*p == ' ')
            p++;
        if (!strncmp(p, "ON ", 3))
            return 1;
    }
    return 0;
}

/* sql with ?N (and a bare ?, numbered on) as $N, outside quotes; *max
 * is the highest number, and (*used)[N] is 1 for each N that appears. */
static char *dollars(const char *sql, int *max, unsigned char **used)
{
    size_t n = strlen(sql);
    char *out = xmalloc(12 * n + 1), *o = out;
    int next = 1, top = 0;
    char quote = 0;

    for (const char *c = sql; *c; c++) {
        if (quote) {
            if (*c == quote)
                quote = 0;
            *o++ = *c;
        } else if (*c == '\'' || *c == '"') {
            quote = *c;
            *o++ = *c;
        } else if (!strncmp(c, "CROSS JOIN ", 11) && joins_on(c + 11)) {
            /* SQLite's hint to keep the join order; PostgreSQL's CROSS
             * JOIN takes no ON. */
            memcpy(o, "JOIN ", 5);
            o += 5;
            c += 10;
        } else if (!strncmp(c, " AS BLOB)", 9)) {
            memcpy(o, " AS bytea)", 10);
            o += 10;
            c += 8;
        } else if (*c == '?') {
            int v = 0;

            *o++ = '$';
            if (c[1] >= '0' && c[1] <= '9') {
                while (c[1] >= '0' && c[1] <= '9') {
                    v = v * 10 + (c[1] - '0');
                    *o++ = *++c;
                }
            } else {
                v = next;
                o += snprintf(o, 12, "%d", v);
            }
            next = v + 1;
            if (v > top) {
                *used = xrealloc(*used, (size_t)v + 1);
                memset(*used + top + 1, 0, (size_t)(v - top));
                top = v;
            }
            (*used)[v] = 1;
        } else {
            *o++ = *c;
        }
    }
    *o = '\0';
    *max = top;
    return out;
}

int pg_prepare(struct pg_db *p, const char *sql, int persistent,
               struct pg_stmt **out)
{
    struct pg_stmt *st = xcalloc(1, sizeof(*st));
    unsigned char *used = xcalloc(1, 1);

    *out = NULL;
    st->p = p;
    st->sql = dollars(sql, &st->nparams, &used);
    st->par = xcalloc((size_t)st->nparams + 1, sizeof(*st->par));
    /* A statement may skip numbers that the one beside it, bound the
     * same way, uses: the server cannot guess their type. */
    st->types = xcalloc((size_t)st->nparams + 1, sizeof(*st->types));
    for (int i = 1; i <= st->nparams; i++)
        st->types[i - 1] = used[i] ? 0 : 25;
    free(used);
    st->row = -1;
    if (persistent) {
        PGresult *res;
        int rc = pg_sync(p);

        if (rc != DB_OK) {
            pg_finalize(st);
            return rc;
        }

        snprintf(st->name, sizeof(st->name), "bs%u", ++p->next_name);
        res = pq.PQprepare(p->conn, st->name, st->sql, st->nparams, st->types);
        rc = took(p, res);
        pq.PQclear(res);
        if (rc != DB_OK) {
            st->name[0] = '\0';
            pg_finalize(st);
            return rc;
        }
        free(st->sql);
        st->sql = NULL;
    }
    *out = st;
    return DB_OK;
}

void pg_reset(struct pg_stmt *st)
{
    pq.PQclear(st->res);
    st->res = NULL;
    st->ran = 0;
    st->row = -1;
    st->nrows = 0;
    for (int i = 0; i < st->ncol; i++)
        st->col[i].row = -1;
}

void pg_finalize(struct pg_stmt *st)
{
    if (!st)
        return;
    pg_reset(st);
    if (st->name[0] && pq.PQstatus(st->p->conn) == CONNECTION_OK) {
        char sql[48];

        snprintf(sql, sizeof(sql), "DEALLOCATE %s", st->name);
        /* Outside a transaction (the store closing) it cannot fail: sent
         * in the pipeline, not waited for. */
        if (pq.PQtransactionStatus(st->p->conn) == PQTRANS_IDLE &&
            (pq.PQpipelineStatus(st->p->conn) != PQ_PIPELINE_OFF ||
             pq.PQenterPipelineMode(st->p->conn)) &&
            pq.PQsendQueryParams(st->p->conn, sql, 0, NULL, NULL, NULL, NULL,
                                 0)) {
            if (++st->p->piped >= PIPE_MAX)
                pg_sync(st->p);
        } else if (pg_sync(st->p) == DB_OK) {
            pq.PQclear(pq.PQexec(st->p->conn, sql));
        }
    }
    for (int i = 0; i <= st->nparams; i++)
        free(st->par[i].hex);
    for (int i = 0; i < st->ncol; i++)
        free(st->col[i].buf);
    free(st->col);
    free(st->par);
    free(st->types);
    free(st->sql);
    free(st);
}

void pg_clear_bindings(struct pg_stmt *st)
{
    for (int i = 1; i <= st->nparams; i++)
        st->par[i].val = NULL;
}

static struct pg_param *param(struct pg_stmt *st, int i)
{
    if (i < 1 || i > st->nparams)
        return NULL;
    if (st->ran)
        pg_reset(st);
    return &st->par[i];
}

int pg_bind_int64(struct pg_stmt *st, int i, int64_t v)
{
    struct pg_param *pp = param(st, i);

    if (!pp)
        return DB_ERROR;
    snprintf(pp->num, sizeof(pp->num), "%lld", (long long)v);
    pp->val = pp->num;
    pp->len = 0;
    pp->fmt = 0;
    return DB_OK;
}

int pg_bind_bytes(struct pg_stmt *st, int i, const void *p, size_t n,
                  int blob)
{
    static const char hexd[] = "0123456789abcdef";
    struct pg_param *pp = param(st, i);

    if (!pp || n > INT32_MAX / 2 - 3)
        return DB_ERROR;
    if (!blob) {
        /* Text format, which the server reads as whatever type the SQL
         * gives the parameter (jsonb, text, ...): NUL-terminated. */
        if (pp->hexcap < n + 1) {
            pp->hexcap = n + 1;
            pp->hex = xrealloc(pp->hex, pp->hexcap);
        }
        memcpy(pp->hex, p, n);
        pp->hex[n] = '\0';
        pp->val = pp->hex;
        pp->len = 0;
        pp->fmt = 0;
        return DB_OK;
    }
    if (pp->hexcap < 2 * n + 3) {
        pp->hexcap = 2 * n + 3;
        pp->hex = xrealloc(pp->hex, pp->hexcap);
    }
    pp->hex[0] = '\\';
    pp->hex[1] = 'x';
    for (size_t k = 0; k < n; k++) {
        unsigned char b = ((const unsigned char *)p)[k];

        pp->hex[2 + 2 * k] = hexd[b >> 4];
        pp->hex[3 + 2 * k] = hexd[b & 15];
    }
    pp->hex[2 + 2 * n] = '\0';
    pp->val = pp->hex;
    pp->len = 0;
    pp->fmt = 0;
    return DB_OK;
}

int pg_bind_null(struct pg_stmt *st, int i)
{
    struct pg_param *pp = param(st, i);

    if (!pp)
        return DB_ERROR;
    pp->val = NULL;
    return DB_OK;
}

int pg_param_count(struct pg_stmt *st)
{
    return st->nparams;
}

/* The parameters of st as libpq takes them (one allocation, vals[0]
 * first: free(vals)). */
static const char **params(struct pg_stmt *st, int **lens, int **fmts)
{
    int n = st->nparams;
    size_t one = sizeof(const char *) + 2 * sizeof(int);
    const char **vals = xcalloc((size_t)n + 1, one);

    *lens = (int *)(vals + n + 1);
    *fmts = *lens + n + 1;
    for (int i = 0; i < n; i++) {
        vals[i] = st->par[i + 1].val;
        (*lens)[i] = st->par[i + 1].len;
        (*fmts)[i] = st->par[i + 1].fmt;
        /* Sent with its SQL: an integer is a bigint ("?1 <= ?2" alone
         * tells the server nothing). */
        if (!st->name[0] && vals[i] == st->par[i + 1].num)
            st->types[i] = 20;
    }
    return vals;
}

int pg_send(struct pg_stmt *st)
{
    struct pg_db *p = st->p;
    int *lens, *fmts, ok;
    const char **vals;

    if (pq.PQpipelineStatus(p->conn) == PQ_PIPELINE_OFF &&
        !pq.PQenterPipelineMode(p->conn))
        return fail(p, NULL);
    /* libpq copies the parameters into its buffer here. */
    vals = params(st, &lens, &fmts);
    if (st->name[0])
        ok = pq.PQsendQueryPrepared(p->conn, st->name, st->nparams, vals, lens,
                                    fmts, 0);
    else
        ok = pq.PQsendQueryParams(p->conn, st->sql, st->nparams, st->types,
                                  vals, lens, fmts, 0);
    free(vals);
    if (!ok) {
        int rc = fail(p, NULL);

        pg_sync(p);
        return rc;
    }
    if (++p->piped >= PIPE_MAX)
        return pg_sync(p);
    return DB_OK;
}

static int run(struct pg_stmt *st)
{
    int rc = pg_sync(st->p), *lens, *fmts;
    const char **vals;

    if (rc != DB_OK)
        return rc;
    vals = params(st, &lens, &fmts);
    if (st->name[0])
        st->res = pq.PQexecPrepared(st->p->conn, st->name, st->nparams, vals,
                                    lens, fmts, 0);
    else
        st->res = pq.PQexecParams(st->p->conn, st->sql, st->nparams, st->types,
                                  vals, lens, fmts, 0);
    free(vals);
    st->ran = 1;
    rc = took(st->p, st->res);
    if (rc != DB_OK) {
        pq.PQclear(st->res);
        st->res = NULL;
        return rc;
    }
    st->nrows = pq.PQresultStatus(st->res) == PGRES_TUPLES_OK
                    ? pq.PQntuples(st->res) : 0;
    if (st->ncol < pq.PQnfields(st->res)) {
        int was = st->ncol;

        st->ncol = pq.PQnfields(st->res);
        st->col = xrealloc(st->col, (size_t)st->ncol * sizeof(*st->col));
        memset(st->col + was, 0, (size_t)(st->ncol - was) * sizeof(*st->col));
        for (int i = was; i < st->ncol; i++)
            st->col[i].row = -1;
    }
    return DB_OK;
}

int pg_step(struct pg_stmt *st)
{
    if (!st->ran) {
        int rc = run(st);

        if (rc != DB_OK)
            return rc;
    }
    if (st->row < st->nrows)
        st->row++;
    return st->row < st->nrows ? DB_ROW : DB_DONE;
}

/* ---- columns ---------------------------------------------------------- */

static int has(const struct pg_stmt *st, int i)
{
    return st->res && st->row >= 0 && st->row < st->nrows && i >= 0 &&
           i < pq.PQnfields(st->res);
}

int pg_column_count(struct pg_stmt *st)
{
    return st->res ? pq.PQnfields(st->res) : 0;
}

int pg_column_type(struct pg_stmt *st, int i)
{
    if (!has(st, i) || pq.PQgetisnull(st->res, st->row, i))
        return DB_NULL;
    switch (pq.PQftype(st->res, i)) {
    case 16: case 20: case 21: case 23: case 26: case 1700:
        return DB_INTEGER;         /* bool, int8, int2, int4, oid, numeric */
    case 700: case 701:
        return DB_FLOAT;
    case 25: case 1043: case 1042: case 19: case 18: case 114: case 3802:
    case 1082: case 1083: case 1114: case 1184:
        return DB_TEXT;            /* text, names, json, dates and times */
    default:
        return DB_BLOB;            /* bytea, and hll (its own oid) */
    }
}

int64_t pg_column_int64(struct pg_stmt *st, int i)
{
    const char *v;
    int neg = 0;
    uint64_t n = 0;

    if (!has(st, i) || pq.PQgetisnull(st->res, st->row, i))
        return 0;
    v = pq.PQgetvalue(st->res, st->row, i);
    if (*v == 't')
        return 1;
    if (*v == '-') {
        neg = 1;
        v++;
    }
    for (; *v >= '0' && *v <= '9'; v++)
        n = n * 10 + (uint64_t)(*v - '0');
    return neg ? -(int64_t)n : (int64_t)n;
}

const unsigned char *pg_column_text(struct pg_stmt *st, int i)
{
    if (!has(st, i) || pq.PQgetisnull(st->res, st->row, i))
        return NULL;
    return (const unsigned char *)pq.PQgetvalue(st->res, st->row, i);
}

const void *pg_column_blob(struct pg_stmt *st, int i, int *n)
{
    const char *v;
    size_t len;
    struct pg_col *c;
    int text = 0;

    if (n)
        *n = 0;
    if (!has(st, i) || pq.PQgetisnull(st->res, st->row, i))
        return NULL;
    v = pq.PQgetvalue(st->res, st->row, i);
    len = (size_t)pq.PQgetlength(st->res, st->row, i);
    /* text, varchar, bpchar, name: their bytes; bytea and hll: hex. */
    switch (pq.PQftype(st->res, i)) {
    case 25: case 1043: case 1042: case 19:
        text = 1;
        break;
    default:
        break;
    }
    if (text || len < 2 || v[0] != '\\' || v[1] != 'x') {
        if (n)
            *n = (int)len;
        return v;
    }
    c = &st->col[i];
    if (c->row != st->row) {
        size_t k = 0;

        if (c->cap < len / 2 + 1) {
            c->cap = len / 2 + 1;
            c->buf = xrealloc(c->buf, c->cap);
        }
        for (size_t j = 2; j + 1 < len; j += 2) {
            int hi = hex_digit(v[j]), lo = hex_digit(v[j + 1]);

            if (hi < 0 || lo < 0)
                break;
            c->buf[k++] = (unsigned char)(hi << 4 | lo);
        }
        c->n = k;
        c->row = st->row;
    }
    if (n)
        *n = (int)c->n;
    return c->buf;
}

int pg_column_bytes(struct pg_stmt *st, int i)
{
    int n;

    pg_column_blob(st, i, &n);
    return n;
}
