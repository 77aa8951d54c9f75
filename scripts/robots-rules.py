#!/usr/bin/env python3
"""Compile the robot rules into C: the crawler-user-agents list and
blogstat's own rules become build/gen/robots_rules.c (include/robots_rules.h
says what it holds).

    robots-rules.py LIST.json EXTRA.txt PEOPLE.txt > robots_rules.c

The order of the table is the order src/robots.c tries the rules in at one
position of a User-Agent: the people's rules first, then the list, then
blogstat's additions (more general, so that a robot the list names is
named as the list names it).

It also writes the one regular expression src/robots.c compiles: every
rule followed by its mark, (?:RULE)(*:ID), in one alternation. Tried one
by one at each position of a User-Agent, 1,500 rules cost 150 us a
User-Agent; so the rules that begin with a literal word (nearly all) go
into a trie of those words, (?:goo(?:glebot(?:-image(*:4)|/(*:2))|...)),
which PCRE2 walks a letter at a time. At one position, the people's rules
come first, then the trie (longer words before their prefixes), then the
trie of the rules anchored at the start, then the rest in table order.
An unbounded gap in a rule ("A[\\s\\S]*B") is bounded (bound_gaps()).
"""
import json
import re
import sys


def c_string(s):
    """s as a C string literal: printable ASCII as is, other bytes octal."""
    out = []
    for b in s.encode("utf-8"):
        ch = chr(b)
        if ch in '\\"':
            out.append("\\" + ch)
        elif 0x20 <= b < 0x7f and ch != "?":    # "?" would start trigraphs
            out.append(ch)
        else:
            out.append("\\%03o" % b)
    return '"' + "".join(out) + '"'


BOT_TOKEN = re.compile(r"[A-Za-z][\w.-]*?(?:bot|crawler|spider)\b", re.I)


def short_name(pattern, instances):
    """What the pattern matches in the examples, as a User-Agent writes
    it: "Wget" for "[wW]get", "Googlebot" for "Googlebot\\/", "ClaudeBot"
    rather than a bare example's "claudebot". A match that is a host or a
    path ("yandex.com/bots") gives way to the robot's own token in that
    example ("YandexBot"). Else the pattern without its anchors and
    escapes."""
    try:
        rx = re.compile(pattern, re.I)
    except re.error:
        rx = None
    found = []
    for i, ua in enumerate(instances if rx else ()):
        m = rx.search(ua)
        name = m.group(0).strip(" /;:(),-+_") if m else ""
        if not name:
            continue
        urlish = "." in name or "/" in name
        if urlish:
            t = BOT_TOKEN.search(ua)
            if t and "." not in t.group(0):
                name, urlish = t.group(0), False
        mixed = name != name.lower()
        found.append((urlish, not mixed, i, name[:48]))
    if found:
        return min(found)[3]
    name = re.sub(r"\\(.)", r"\1", pattern.split("|")[0]).strip("^$")
    return name.strip(" /;:(),-+_")[:48] or pattern[:48]


META = set("[](){}.*+?|^$\\")


def branches(p):
    """p split at each "|" outside its groups and classes."""
    out, depth, in_class, start, i = [], 0, False, 0, 0
    while i < len(p):
        c = p[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(p[start:i])
            start = i + 1
        i += 1
    return out + [p[start:]]


GAP_MAX = 512


def bound_gaps(p):
    """"A[\\s\\S]*B" as "A[\\s\\S]{0,512}B": the match stays linear in the
    length of a hostile User-Agent (an unbounded gap tried after each of
    many "A" is quadratic); a robot's words lie closer together."""
    return re.sub(r"(?<!\\)(\[\\s\\S\]|\.)\*", r"\g<1>{0,%d}" % GAP_MAX, p)


def fold_case_classes(p):
    """"[wW]get" as "wget": the rules are matched ignoring case, and a
    literal can go into the trie."""
    return re.sub(r"(?<!\\)\[([A-Za-z])([A-Za-z])\]",
                  lambda m: m.group(1) if m.group(1).lower() ==
                  m.group(2).lower() else m.group(0), p)


def literal_prefix(p):
    """The literal characters p begins with, and the rest of p: "Googlebot"
    and "\\/" for "Googlebot\\/". A character a quantifier follows stays
    in the rest."""
    out, i = [], 0
    while i < len(p):
        c = p[i]
        if c == "\\" and i + 1 < len(p) and not p[i + 1].isalnum():
            tok, j = p[i + 1], i + 2
        elif c in META:
            break
        else:
            tok, j = c, i + 1
        if j < len(p) and p[j] in "*+?{":
            break
        out.append(tok)
        i = j
    return "".join(out), p[i:]


def lower_ascii(s):
    return "".join(c.lower() if c < "\x80" else c for c in s)


def literal(s):
    """s as PCRE2 literal text."""
    return "".join(c if c.isascii() and c.isalnum() else
                   "\\" + c if c.isascii() and c.isprintable() else
                   "".join("\\x{%02x}" % b for b in c.encode("utf-8"))
                   for c in s)


def trie_regex(entries):
    """One alternation of (word, rest, id): a trie of the words."""
    root = {}
    for word, rest, rid in entries:
        node = root
        for c in word:
            node = node.setdefault(c, {})
        node.setdefault("", []).append((rest, rid))

    def emit(node):
        alts = []
        for c in sorted(k for k in node if k):
            child, text = node[c], c
            # a chain of single letters is one literal
            while len(child) == 1 and "" not in child:
                (k, child), = child.items()
                text += k
            alts.append(literal(text) + emit(child))
        for rest, rid in node.get("", []):
            alts.append("%s(*:%d)" % ("(?:%s)" % rest if rest else "", rid))
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(root)


def alternation(rows):
    """The regular expression of all rules (table index + 1 is the id).
    Each branch of a rule's top-level alternation is placed alone; those
    that begin with a literal go into a trie, those anchored at the start
    of the User-Agent into a trie of their own."""
    people, trie, anchored, rest = [], [], [], []
    for i, (_, _, pattern, person, _) in enumerate(rows):
        if person:
            people.append("(?:%s)(*:%d)" % (pattern, i + 1))
            continue
        for branch in branches(bound_gaps(fold_case_classes(pattern))):
            at_start = branch.startswith("^")
            word, tail = literal_prefix(branch[1:] if at_start else branch)
            if not word:
                rest.append("(?:%s)(*:%d)" % (branch, i + 1))
            else:
                (anchored if at_start else trie).append(
                    (lower_ascii(word), tail, i + 1))
    parts = people + [trie_regex(trie)]
    if anchored:
        parts.append("^" + trie_regex(anchored))
    return "|".join(parts + rest)


def read_rules(path, fields):
    """The rule lines of a rules file: (fields..., pattern) tuples."""
    rules = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = line.split(None, fields)
            if len(parts) != fields + 1:
                sys.exit("%s:%d: expected %d words and a pattern"
                         % (path, lineno, fields))
            try:
                re.compile(parts[-1])
            except re.error as e:
                sys.exit("%s:%d: bad pattern: %s" % (path, lineno, e))
            rules.append(tuple(parts))
    return rules


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: robots-rules.py LIST.json EXTRA.txt PEOPLE.txt")
    list_path, extra_path, people_path = sys.argv[1:]
    with open(list_path, encoding="utf-8") as f:
        crawlers = json.load(f)
    rows = []           # (name, category, pattern, person, generic)
    for name, pattern in read_rules(people_path, 1):
        rows.append((name, "", pattern, 1, 0))
    for c in crawlers:
        tags = c.get("tags") or [""]
        rows.append((short_name(c["pattern"], c.get("instances") or []),
                     tags[0], c["pattern"], 0, 0))
    for name, category, pattern in read_rules(extra_path, 2):
        rows.append((name, category, pattern, 0, int(name[0] == "(")))
    print("/* Generated by scripts/robots-rules.py from %s, %s and %s. */"
          % (list_path, extra_path, people_path))
    print('#include "robots_rules.h"\n')
    print("const struct robots_rule robots_rules[] = {")
    for name, category, pattern, person, generic in rows:
        print("    {%s, %s,\n     %s, %d, %d}," % (c_string(name),
              c_string(category), c_string(pattern), person, generic))
    print("};\n")
    print("const size_t robots_nrules = %d;\n" % len(rows))
    regex = alternation(rows)
    print("const char robots_regex[] =")
    for i in range(0, len(regex), 64):
        print("    %s" % c_string(regex[i:i + 64]))
    print("    ;")


if __name__ == "__main__":
    main()
