/*
 * robots.h - is a User-Agent a robot's? (doc/counting.md "Robots", the
 * word list in robots.c). A cache keyed by the whole User-Agent makes the
 * answer for a repeated User-Agent one hash lookup.
 */
#ifndef BLOGSTAT_ROBOTS_H
#define BLOGSTAT_ROBOTS_H

#include "blogstat.h"

/* The rule itself, no cache: 1 for a robot, 0 for a browser. */
int robots_match(const char *ua, size_t n);

struct robots;

/* A classifier with a cache; caller frees with robots_free(). */
struct robots *robots_new(void);
void robots_free(struct robots *r);
/* robots_match() behind the cache. */
int robots_check(struct robots *r, const char *ua, size_t n);

#endif
