#!/usr/bin/env python3
"""Print a database's content in a canonical order, to compare two.

    dbdump.py DB            everything (sqlite3's iterdump)
    dbdump.py DB --counts   the counts only, keyed by names, not row ids
                            (two databases built through different chunks
                            number their paths differently); the audience
                            as visits and the sizes of the visitor sketches
                            (their hashes are keyed by each database's own
                            secret, so only their counts compare)
    dbdump.py DB --sources  the counts and what is known of each log
    dbdump.py DB --check    PRAGMA integrity_check, exit 1 unless ok
"""
import sqlite3
import struct
import sys

# Each query's first column is the day (4020-recount groups rows by it).
COUNTS = [
    "SELECT day, hits, views, robots, bad_lines FROM days",
    "SELECT v.day, p.path, p.kind, v.views FROM path_views v "
    "JOIN paths p ON p.id = v.path_id",
    "SELECT v.day, t.taxonomy, t.name, v.views FROM term_views v "
    "JOIN terms t ON t.id = v.term_id",
    "SELECT day, country, views FROM country_views",
    "SELECT v.day, p.path, v.country, v.views FROM post_country_views v "
    "JOIN paths p ON p.id = v.path_id",
    # The audience: visits per day and per landing page (a landing that
    # moved leaves a row of 0 behind), distinct visitors per day, page and
    # country (sketch_n: -1 for a dense sketch).
    "SELECT day, visits FROM days",
    "SELECT v.day, p.path, p.kind, v.visits FROM visits v "
    "JOIN paths p ON p.id = v.path_id WHERE v.visits <> 0",
    "SELECT day, sketch_n(sketch) FROM day_sketches",
    "SELECT s.day, p.path, p.kind, sketch_n(s.sketch) FROM path_sketches s "
    "JOIN paths p ON p.id = s.path_id",
    "SELECT day, country, sketch_n(sketch) FROM country_sketches",
    # The other dimensions (browsers, hours, campaigns, feeds, robots,
    # missing pages) and their visitors.
    "SELECT d.day, s.name, d.dim, d.k1, d.k2, d.k3, d.n FROM dim_counts d "
    "JOIN sites s ON s.id = d.site",
    "SELECT d.day, s.name, d.dim, d.k1, d.k2, d.k3, sketch_n(d.sketch) "
    "FROM dim_sketches d JOIN sites s ON s.id = d.site",
    # Referrers of each page and search terms.
    "SELECT r.day, s.name, p.path, r.host, r.class, r.views "
    "FROM referrers r JOIN paths p ON p.id = r.path_id "
    "JOIN sites s ON s.id = r.site",
    "SELECT t.day, s.name, t.term, t.views FROM search_terms t "
    "JOIN sites s ON s.id = t.site",
]
# Fingerprints and line checks are keyed with each database's own key:
# what they cover is compared, not the hashes.
SOURCES = ("SELECT head_len, length(fingerprint), lines, bad_lines, hits, "
           "position, last_len, length(last_hash), pending_bad, last_day, "
           "first_day, max_day FROM sources")


def sketch_n(blob):
    """Distinct hashes of a sparse sketch (src/sketch.c: kind 1, a u32
    count, the hashes); -1 for a dense one (kind 2)."""
    if blob[:1] == b"\x01" and len(blob) >= 5:
        n = struct.unpack_from("<I", blob, 1)[0]
        if len(blob) != 5 + 8 * n:
            raise ValueError("a sparse sketch of the wrong size")
        return n
    if blob[:1] == b"\x02":
        return -1
    raise ValueError("not a sketch blob")


def dump(path, mode=""):
    """What main() prints for DB path and mode, as a string; and for
    --check whether the database is intact (else True)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    con.create_function("sketch_n", 1, sketch_n, deterministic=True)
    try:
        if mode == "--check":
            r = con.execute("PRAGMA integrity_check").fetchall()
            return f"{r}\n", r == [("ok",)]
        out = []
        if mode in ("--counts", "--sources"):
            for q in COUNTS + ([SOURCES] if mode == "--sources" else []):
                out.append(f"-- {q}")
                for row in sorted(con.execute(q).fetchall(), key=repr):
                    out.append(repr(row))
        else:
            out.extend(con.iterdump())
        return "".join(line + "\n" for line in out), True
    finally:
        con.close()


def main():
    text, ok = dump(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "")
    sys.stdout.write(text)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
