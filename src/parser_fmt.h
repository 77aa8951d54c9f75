/*
 * parser_fmt.h - the compiled form of an Apache LogFormat or nginx
 * log_format string: a sequence of field parsers (ops).
 * parser_fmt_compile.c builds it once from the format string and
 * parser_fmt.c runs it over every line.
 *
 * A format is literal text and fields. A field either knows where it ends
 * (a timestamp, a status, a number) or ends where the literal text after
 * it begins: between two quotes that is the first quote not escaped by a
 * backslash, elsewhere the first place the literal matches. So two fields
 * need text between them unless the first knows its end; the compiler
 * refuses "%h%l". Every choice is made when compiling: a line costs a
 * loop over the ops, memchr/memcmp and digit loops, no allocation.
 */
#ifndef BLOGSTAT_PARSER_FMT_H
#define BLOGSTAT_PARSER_FMT_H

#include "blogstat.h"


enum op_kind {
    OP_LIT,      /* literal text */
    OP_STR,      /* a string that ends where the next literal starts */
    OP_CLF,      /* 07/Feb/2013:13:55:36 +0100, in [ ] when bracket */
    OP_ISO,      /* 2013-02-07T13:55:36+01:00 */
    OP_EPOCH,    /* 1360241736.123, in units of 1/div second */
    OP_STRF,     /* a strftime pattern of Apache's %{...}t */
    OP_STATUS,   /* three digits */
    OP_BYTES,    /* digits, or "-" */
    OP_NUM       /* a number logged and skipped: [0-9.-]+ */
};

enum role {
    R_SKIP,
    R_CLIENT,
    R_REQUEST,
    R_METHOD,
    R_TARGET,    /* path and query */
    R_PATH,
    R_QUERY,     /* with or without its '?'; "-" is none */
    R_PROTOCOL,
    R_REFERER,
    R_AGENT,
    R_HOST,
    R_XFF,
    R_STATUS,
    R_BYTES,
    R_TIME,
    R_NROLES
};

struct fmt_op {
    unsigned char kind;
    unsigned char role;
    unsigned char status;    /* what a line that fails here is */
    unsigned char quoted;    /* OP_STR between two quotes */
    unsigned char bracket;   /* OP_CLF inside [ ] */
    unsigned char rank;      /* compiling: the field that wins a role */
    char look;               /* OP_STR: the byte after the terminator */
    int next_c;              /* numbers: the byte that must follow, -1 */
    uint32_t div;            /* OP_EPOCH */
    size_t off, n;           /* OP_LIT text, OP_STR terminator, OP_STRF
                              * pattern: in p->owned */
    const char *text;        /* p->owned + off, once compiled */
    /* Compiled: the literal that follows a field, matched in the same
     * step (one dispatch a field, not two); tail_n 0: none. */
    size_t tail_off, tail_n;
    const char *tail;
    unsigned char tail_status;
};

#endif
