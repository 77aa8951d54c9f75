#!/usr/bin/env python3
"""Print a database's content in a canonical order, to compare two.

    dbdump.py DB            everything (sqlite3's iterdump)
    dbdump.py DB --counts   the counts only, keyed by names, not row ids
                            (two databases built through different chunks
                            number their paths differently)
    dbdump.py DB --sources  the counts and what is known of each log
    dbdump.py DB --check    PRAGMA integrity_check, exit 1 unless ok
"""
import sqlite3
import sys

COUNTS = [
    "SELECT day, hits, views, robots, bad_lines FROM days",
    "SELECT v.day, p.path, p.kind, v.views FROM path_views v "
    "JOIN paths p ON p.id = v.path_id",
    "SELECT v.day, t.taxonomy, t.name, v.views FROM term_views v "
    "JOIN terms t ON t.id = v.term_id",
    "SELECT day, country, views FROM country_views",
    "SELECT v.day, p.path, v.country, v.views FROM post_country_views v "
    "JOIN paths p ON p.id = v.path_id",
]
SOURCES = ("SELECT fingerprint, lines, bad_lines, hits, position, last_len, "
           "last_hash, pending_bad, last_day, first_day, max_day FROM sources")


def main():
    con = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
    mode = sys.argv[2] if len(sys.argv) > 2 else ""
    if mode == "--check":
        r = con.execute("PRAGMA integrity_check").fetchall()
        print(r)
        sys.exit(0 if r == [("ok",)] else 1)
    if mode in ("--counts", "--sources"):
        for q in COUNTS + ([SOURCES] if mode == "--sources" else []):
            print(f"-- {q}")
            for row in sorted(con.execute(q).fetchall(), key=repr):
                print(row)
        return
    for line in con.iterdump():
        print(line)


if __name__ == "__main__":
    main()
