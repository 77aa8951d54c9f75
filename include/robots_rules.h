/*
 * robots_rules.h - the table of robot rules that the build generates
 * (scripts/robots-rules.py writes build/gen/robots_rules.c from
 * third_party/crawler-user-agents/ and rules/robots-*.txt). Read by
 * robots.c only; everything in it is static data.
 */
#ifndef BLOGSTAT_ROBOTS_RULES_H
#define BLOGSTAT_ROBOTS_RULES_H

#include <stddef.h>

struct robots_rule {
    const char *name;       /* how reports name the robot: "Googlebot" */
    const char *category;   /* the list's tag: "search-engine", "seo" ... */
    const char *pattern;    /* PCRE2, matched anywhere, ignoring case */
    int person;             /* 1: text of a person's User-Agent, skipped */
    int generic;            /* 1: names a class of robots ("(url)"): a
                             * rule that names the robot, further on in
                             * the User-Agent, names it instead */
};

/* The rules in the order they are tried at one position of a User-Agent:
 * the people's first, then the list's, then blogstat's additions. */
extern const struct robots_rule robots_rules[];
extern const size_t robots_nrules;

/* All the rules as one PCRE2 regular expression: each rule is followed by
 * the mark (*:ID), ID its index in robots_rules[] plus one; rules that
 * begin with a literal word share a trie of those words. */
extern const char robots_regex[];

#endif
