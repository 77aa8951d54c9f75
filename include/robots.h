/*
 * robots.h - is a User-Agent a robot's, and which robot? (doc/counting.md
 * "Robots"). The rules are data: the crawler-user-agents list kept in
 * third_party/ and blogstat's own additions and exceptions in rules/,
 * compiled into the program at build time and matched with PCRE2 as one
 * regular expression. A cache keyed by the whole User-Agent makes the
 * answer for a repeated User-Agent one hash lookup.
 *
 * A robot is named by an id, 1 to robots_count(): the rule that matched
 * first (leftmost in the User-Agent). 0 is a person.
 */
#ifndef BLOGSTAT_ROBOTS_H
#define BLOGSTAT_ROBOTS_H

#include "blogstat.h"

struct robots;

/* A classifier with its compiled rules and a cache; caller frees with
 * robots_free(). Each thread needs its own. A rule that does not compile
 * is a BUG() (the rules are built in). */
struct robots *robots_new(void);
void robots_free(struct robots *r);

/* The rules alone, no cache: 0 for a person, else the robot's id. ua
 * needs no NUL: n bounds it. Allocates nothing. */
int robots_match(struct robots *r, const char *ua, size_t n);
/* robots_match() behind the cache. */
int robots_check(struct robots *r, const char *ua, size_t n);

/* The number of robot ids (ids run from 1 to this). */
int robots_count(void);
/* The short printable name of robot id ("Googlebot", "curl", "(url)"),
 * and its category ("search-engine", "http-library" ...; "" when the rule
 * has none): static strings, NULL when id is not a robot's id. */
const char *robots_name(int id);
const char *robots_category(int id);
/* The group of robot id, for reports: "search", "ai", "seo", "social",
 * "feed", "monitor", "tool" (HTTP libraries, command-line clients,
 * browser automation) or "other" (scanners, archivers, no User-Agent
 * ...); NULL when id is not a robot's id. */
const char *robots_group(int id);

#endif
