/*
 * banned.h - C library calls blogstat does not use, made compile errors.
 *
 * A call to one of these in src/ fails to compile with an error naming an
 * undeclared identifier that says why and what to use instead:
 *
 *   error: 'sorry_sprintf_is_banned_use_snprintf' undeclared
 *
 * The reasons: sscanf, strptime, regcomp and regexec are slow and
 * locale-bound on the per-line path (parse by hand: parser.c); strtok
 * keeps hidden state; atoi and atol cannot report a bad number (use
 * strtol and check the end); mktime, timegm, localtime and gmtime go
 * through the time zone or static buffers (days are numbers:
 * days_from_civil() in blogstat.h); strcpy, strcat, sprintf, vsprintf and
 * gets do not know the size of their buffer.
 *
 * blogstat.h includes this header last, so every file of src/ has it. The
 * tests may use these calls: their compile rules define
 * BLOGSTAT_ALLOW_BANNED, and then blogstat.h leaves this header out.
 *
 * The C library's headers that declare these functions are included
 * first: a header read after the macros would have its declarations
 * rewritten by them. Their include guards make later includes no-ops.
 */
#ifndef BLOGSTAT_BANNED_H
#define BLOGSTAT_BANNED_H

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BANNED(func, instead) sorry_##func##_is_banned_##instead

#undef sscanf
#define sscanf(...) BANNED(sscanf, parse_by_hand)
#undef strptime
#define strptime(...) BANNED(strptime, parse_by_hand)
#undef regcomp
#define regcomp(...) BANNED(regcomp, match_by_hand)
#undef regexec
#define regexec(...) BANNED(regexec, match_by_hand)
#undef strtok
#define strtok(...) BANNED(strtok, use_memchr)
#undef atoi
#define atoi(...) BANNED(atoi, use_strtol)
#undef atol
#define atol(...) BANNED(atol, use_strtol)
#undef mktime
#define mktime(...) BANNED(mktime, use_days_from_civil)
#undef timegm
#define timegm(...) BANNED(timegm, use_days_from_civil)
#undef localtime
#define localtime(...) BANNED(localtime, use_localtime_r)
#undef gmtime
#define gmtime(...) BANNED(gmtime, use_gmtime_r)
#undef strcpy
#define strcpy(...) BANNED(strcpy, use_memcpy)
#undef strcat
#define strcat(...) BANNED(strcat, use_memcpy)
#undef sprintf
#define sprintf(...) BANNED(sprintf, use_snprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf, use_vsnprintf)
#undef gets
#define gets(...) BANNED(gets, use_fgets)

#endif
