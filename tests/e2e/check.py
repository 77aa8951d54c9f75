#!/usr/bin/env python3
"""Compare every number blogstat reports with the generator's expected.json.

    check.py --blogstat BIN --db DB --expected expected.json
             [--from D] [--to D] [--geoip FILE] [--files a b ...]

Checks `top posts`, `top tags`, `top categories`, `top days`,
`top countries` (mapping each address with mmdblookup on the same
database) and, without a range, `status` against the expected counts,
exactly. Prints each difference and exits 1 when there is any.
"""
import argparse
import json
import sqlite3
import subprocess
import sys
from collections import defaultdict


def run(args):
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"check: {' '.join(args)} exited {p.returncode}: {p.stderr}")
    return p.stdout


def top(opts, what):
    args = [opts.blogstat, "--db", opts.db, "top", what, "--limit", "0",
            "--format", "json"]
    if opts.frm:
        args += ["--from", opts.frm]
    if opts.to:
        args += ["--to", opts.to]
    return json.loads(run(args))


def in_range(day, opts):
    return (not opts.frm or day >= opts.frm) and (not opts.to or day <= opts.to)


def total(views_by_day, opts):
    return sum(n for d, n in views_by_day.items() if in_range(d, opts))


class Diff:
    def __init__(self):
        self.n = 0

    def eq(self, what, got, want):
        if got != want:
            self.n += 1
            if self.n <= 40:
                print(f"check: {what}: got {got!r}, expected {want!r}")

    def tables(self, what, got, want):
        for k in sorted(set(got) | set(want)):
            self.eq(f"{what} {k}", got.get(k, 0), want.get(k, 0))


def country_of(ips, geoip):
    """Country per address, from mmdblookup (the reference reader)."""
    out = {}
    for ip in ips:
        if not geoip:
            out[ip] = "--"
            continue
        cc = "--"
        for path in (["country", "iso_code"], ["country_code"],
                     ["registered_country", "iso_code"]):
            p = subprocess.run(["mmdblookup", "--file", geoip, "--ip", ip]
                               + path, capture_output=True, text=True)
            if p.returncode == 0 and '"' in p.stdout:
                cc = p.stdout.split('"')[1]
                break
        out[ip] = cc
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--blogstat", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--expected", required=True)
    ap.add_argument("--from", dest="frm")
    ap.add_argument("--to")
    ap.add_argument("--geoip")
    ap.add_argument("--imported", action="store_true",
                    help="the posts were imported: check titles and the "
                    "post_views of tags and categories")
    ap.add_argument("--untitled", nargs="*", default=[],
                    help="with --imported: paths the import did not name")
    ap.add_argument("--joined", action="store_true",
                    help="the files were read as one stream: bad lines may "
                    "be filed under another day at a file boundary")
    ap.add_argument("--no-categories", action="store_true",
                    help="with --imported: the import gave no categories")
    opts = ap.parse_args()
    exp = json.load(open(opts.expected, encoding="utf-8"))
    d = Diff()

    want = {p: total(v["views"], opts) for p, v in exp["posts"].items()}
    want = {p: n for p, n in want.items() if n}
    rows = top(opts, "posts")
    got = {r["path"]: r["views"] for r in rows}
    d.tables("post", got, want)
    for r in rows:
        p = r["path"]
        title = exp["posts"].get(p, {}).get("title", "")
        if not opts.imported or p in opts.untitled:
            title = ""
        d.eq(f"title of {p}", r["title"], title)

    for tax in ("tags", "categories"):
        want = {t: total(v["archive_views"], opts)
                for t, v in exp[tax].items()}
        want = {t: n for t, n in want.items() if n}
        rows = top(opts, tax)
        key = "tag" if tax == "tags" else "category"
        got = {r[key]: r["archive_views"] for r in rows}
        d.tables(f"{key} archive_views", got, want)
        # post_views: the views of the posts that carry the term.
        want = defaultdict(int)
        if opts.imported and not (tax == "categories" and opts.no_categories):
            for p, v in exp["posts"].items():
                if p in opts.untitled:
                    continue
                for t in v[tax]:
                    want[t] += total(v["views"], opts)
        want = {t: n for t, n in want.items() if n}
        got = {r[key]: r["post_views"] for r in rows if r["post_views"]}
        d.tables(f"{key} post_views", got, want)

    want = {day: v["views"] for day, v in exp["days"].items()
            if in_range(day, opts)}
    got = {r["day"]: r["views"] for r in top(opts, "days")}
    d.tables("day views", got, want)

    ips = {ip: total(v["views"], opts) for ip, v in exp["ips"].items()}
    ips = {ip: n for ip, n in ips.items() if n}
    cc = country_of(sorted(ips), opts.geoip)
    want = defaultdict(int)
    for ip, n in ips.items():
        want[cc[ip]] += n
    got = {r["country"]: r["views"] for r in top(opts, "countries")}
    d.tables("country views", got, dict(want))

    # Per day hits, robot hits and bad lines: no command prints them all
    # yet, so read the database (read-only) directly.
    con = sqlite3.connect(f"file:{opts.db}?mode=ro", uri=True)
    seen = set()
    for day, hits, robots, bad in con.execute(
            "SELECT date(day * 86400, 'unixepoch'), hits, robots, bad_lines "
            "FROM days"):
        if not in_range(day, opts):
            continue
        seen.add(day)
        e = exp["days"].get(day, {})
        if opts.joined:
            bad = e.get("bad_lines", 0)
        d.eq(f"day {day} (hits, robots, bad)", (hits, robots, bad),
             (e.get("hits", 0), e.get("robot_hits", 0), e.get("bad_lines", 0)))
    con.close()
    for day in exp["days"]:
        if in_range(day, opts) and day not in seen:
            d.eq(f"day {day}", "missing", "present")

    if not opts.frm and not opts.to:
        rows = json.loads(run([opts.blogstat, "--db", opts.db, "status",
                               "--format", "json"]))
        got_lines = sum(r["lines"] for r in rows)
        got_bad = sum(r["bad_lines"] for r in rows)
        got_hits = sum(r["hits"] for r in rows)
        d.eq("status lines", got_lines, exp["totals"]["lines"])
        d.eq("status bad lines", got_bad, exp["totals"]["bad_lines"])
        d.eq("status hits", got_hits, exp["totals"]["hits"])
        by_name = {}
        for r in rows:
            base = r["file"].rsplit("/", 1)[-1]
            by_name[base] = (r["lines"], r["bad_lines"])
        for name, f in exp["files"].items():
            if name in by_name:
                d.eq(f"file {name}", by_name[name],
                     (f["lines"], f["bad_lines"]))

    if d.n:
        print(f"check: {d.n} difference(s)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
