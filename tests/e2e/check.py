#!/usr/bin/env python3
"""Compare every number blogstat reports with the generator's expected.json.

    check.py --blogstat BIN --db DB --expected expected.json
             [--from D] [--to D] [--geoip FILE] [--imported [--untitled P..]]
             [--joined] [--no-categories] [--report] [--approx P]
             [--site NAME [--whole EXPECTED...]]

Checks `top posts`, `top tags`, `top categories`, `top days`,
`top countries` (mapping each address with mmdblookup on the same
database) and, without a range, `status` against the expected counts,
exactly. Prints each difference and exits 1 when there is any.

When expected.json has the other tables (tests/gen/README.md), also
`top robots`, `hours`, `campaigns`, `missing` and `feeds` (`--limit 0
--format csv`), every row and every number, for the range; and `top
browsers`, `systems` and `devices` (views, and visitors: the readers of
the range by the browser, system and device each carries) once blogstat
answers `top browsers`. A comparison blogstat is believed to get wrong
goes into KNOWN_DIFFERENCES, with the reason: printed, not failed.

--site NAME: the database holds several sites (virtual hosts) and
expected.json is the log of site NAME alone. Every `top` and `report`
call gets --site NAME, the tables read from the database directly (days,
day_sketches) are read for that site only, and `top sites` must give the
site's views and visitors for the range. `status` is of the whole
database, all sites together, so it is not compared with this one
expected.json. With --whole, its lines, bad lines and hits are compared
with the sum of the totals of the expected.json files given there: those
of every site of the log, this one included (each line of the merged log
is a line of exactly one of them). The per-file rows of status are not
checked under --site: the files read were merged from the generated ones.
Without --site, the default site is the one read from the database
(site 0; a database of before sites has no other).

When expected.json has "readers" (tests/gen/README.md), the audience too,
every number derived from that list here, for the range:
  - per day: visitors (readers with that day), visits (their landings);
  - per post or page: visitors (readers whose pages hold it on a day of
    the range, counted once however many days) and visits (landings on it);
  - per tag and category, with --imported: visitors, the readers of the
    posts that carry it (blogstat's definition, src/store.c TERMS_QUERY:
    the viewers of the term's own archive pages are not among them);
    without an import, none;
  - per country: the readers whose address maps there;
  - the range: readers with a day in it, once each (a union, not a sum of
    days), against the sum of the countries' visitors (each reader has
    one address, so one country) and against the union of the database's
    day sketches, read here from their blobs (src/sketch.c: exact lists);
    visits, the landings of the range, against the sum of the days;
    with --report, also against the cards of the report of the range (the
    one place blogstat prints the range's visitors and visits).
"""
import argparse
import csv
import datetime as dt
import io
import json
import os
import re
import sqlite3
import struct
import subprocess
import sys
import tempfile
from collections import defaultdict


# The environment of the `top` queries, a dozen a check: under ASan
# without LeakSanitizer's scan at exit, a third of each one's time. The
# same queries' code is leak-checked by the store's unit tests under ASan
# and by every other command the tests run.
QUERY_ENV = dict(os.environ)
if "ASAN_OPTIONS" in QUERY_ENV:
    QUERY_ENV["ASAN_OPTIONS"] += ":detect_leaks=0"


def run(args, env=None):
    p = subprocess.run(args, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        sys.exit(f"check: {' '.join(args)} exited {p.returncode}: {p.stderr}")
    return p.stdout


def site_args(opts):
    return ["--site", opts.site] if opts.site else []


def top(opts, what, *extra):
    args = [opts.blogstat, "--db", opts.db, "top", what, "--limit", "0",
            "--format", "json", *extra, *site_args(opts)]
    if opts.frm:
        args += ["--from", opts.frm]
    if opts.to:
        args += ["--to", opts.to]
    return json.loads(run(args, QUERY_ENV))


def top_csv(opts, what):
    """`top WHAT --limit 0 --format csv` of the range, as a list of dicts
    (the numbers as ints); None when blogstat refuses the table."""
    args = [opts.blogstat, "--db", opts.db, "top", what, "--limit", "0",
            "--format", "csv", *site_args(opts)]
    if opts.frm:
        args += ["--from", opts.frm]
    if opts.to:
        args += ["--to", opts.to]
    p = subprocess.run(args, capture_output=True, text=True, env=QUERY_ENV)
    if p.returncode != 0:
        return None
    rows = list(csv.DictReader(io.StringIO(p.stdout, newline="")))
    for r in rows:
        for k, v in r.items():
            if re.fullmatch(r"-?\d+", v) and k not in TEXT_COLUMNS:
                r[k] = int(v)
    return rows


# Columns that are text even when they hold digits.
TEXT_COLUMNS = ("robot", "source", "medium", "campaign", "path", "referrer",
                "feed", "browser", "system", "device", "category",
                "weekday")

# Comparisons in which blogstat is believed wrong, by what (the label the
# difference is printed under, up to its first ':'): reported as known,
# not counted as differences, until the code is fixed. Each needs a line
# saying why.
KNOWN_DIFFERENCES = {
}


def site_where(con, opts):
    """The WHERE condition (and its parameters) that selects the rows of
    the checked site in the tables keyed by site and day (days,
    day_sketches): site 0, the default, without --site. A database of
    before sites (no table sites) holds the default site alone."""
    has = con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                      "AND name = 'sites'").fetchone()
    name = opts.site or "default"
    if not has:
        if name != "default":
            sys.exit(f"check: --site {name}: {opts.db} has no sites")
        return "1", ()
    row = con.execute("SELECT id FROM sites WHERE name = ?",
                      (name,)).fetchone()
    if row is None:
        sys.exit(f"check: {opts.db} has no site '{name}'")
    return "site = ?", (row[0],)


def in_range(day, opts):
    return (not opts.frm or day >= opts.frm) and (not opts.to or day <= opts.to)


def total(views_by_day, opts):
    return sum(n for d, n in views_by_day.items() if in_range(d, opts))


SPARSE_MAX = 2048      # src/sketch.h: visitors are exact up to this many


class Diff:
    def __init__(self, approx=0.0):
        self.n = 0
        self.approx = approx
        self.estimates = 0

    def eq(self, what, got, want):
        if got != want and what in KNOWN_DIFFERENCES:
            print(f"check: known difference: {what}: got {got!r}, "
                  f"expected {want!r} ({KNOWN_DIFFERENCES[what]})")
            return
        if got != want:
            self.n += 1
            if self.n <= 40:
                print(f"check: {what}: got {got!r}, expected {want!r}")

    def tables(self, what, got, want):
        for k in sorted(set(got) | set(want)):
            self.eq(f"{what} {k}", got.get(k, 0), want.get(k, 0))

    def visitors(self, what, got, want):
        """Exact while a sketch can be (want <= SPARSE_MAX); past that,
        with --approx P, within P percent."""
        if self.approx and want > SPARSE_MAX:
            self.estimates += 1
            if abs(got - want) > want * self.approx / 100:
                self.eq(f"{what} (within {self.approx}%)", got, want)
            return
        self.eq(what, got, want)

    def vtables(self, what, got, want):
        for k in sorted(set(got) | set(want)):
            self.visitors(f"{what} {k}", got.get(k, 0), want.get(k, 0))


COUNTRY = {}


def mmdb_record(text):
    """The record mmdblookup prints (JSON-like, with <type> after each
    value and no commas), as Python values."""
    toks = re.findall(r'"(?:[^"\\]|\\.)*"|[{}\[\]:]|<[^>]*>|[^\s{}\[\]:<]+',
                      text)
    toks = [t for t in toks if not t.startswith("<")]
    pos = 0

    def value():
        nonlocal pos
        t = toks[pos]
        pos += 1
        if t == "{":
            m = {}
            while toks[pos] != "}":
                k = json.loads(toks[pos])
                assert toks[pos + 1] == ":", toks[pos:pos + 2]
                pos += 2
                m[k] = value()
            pos += 1
            return m
        if t == "[":
            a = []
            while toks[pos] != "]":
                a.append(value())
            pos += 1
            return a
        return json.loads(t) if t.startswith('"') else t

    return value() if toks else None


# MaxMind's own reader (Debian's python3-maxminddb, for the system's
# Python: the tests may run under another), every address in one process.
MAXMIND = r"""
import json, sys, maxminddb
with maxminddb.open_database(sys.argv[1], maxminddb.MODE_MMAP) as db:
    print(json.dumps({ip: db.get(ip) for ip in sys.stdin.read().split()}))
"""


def records_of(ips, geoip):
    """Each address's record: through MaxMind's reader when the system's
    Python has it, else from mmdblookup, one process an address."""
    try:
        p = subprocess.run(["/usr/bin/python3", "-c", MAXMIND, geoip],
                           input="\n".join(ips), capture_output=True,
                           text=True)
        if p.returncode == 0:
            return json.loads(p.stdout)
    except OSError:
        pass
    recs = {}
    for ip in ips:
        p = subprocess.run(["mmdblookup", "--file", geoip, "--ip", ip],
                           capture_output=True, text=True)
        recs[ip] = mmdb_record(p.stdout) if p.returncode == 0 else None
    return recs


def country_of(ips, geoip):
    """Country per address, from the MaxMind reference readers: the
    record's country.iso_code, else country_code, else
    registered_country.iso_code, else '--'."""
    if not geoip:
        return {ip: "--" for ip in ips}
    new = sorted({ip for ip in ips if ip not in COUNTRY})
    for ip, rec in (records_of(new, geoip) if new else {}).items():
        cc = "--"
        if isinstance(rec, dict):
            for path in (("country", "iso_code"), ("country_code",),
                         ("registered_country", "iso_code")):
                v = rec
                for k in path:
                    v = v.get(k) if isinstance(v, dict) else None
                if isinstance(v, str):
                    cc = v
                    break
        COUNTRY[ip] = cc
    return {ip: COUNTRY[ip] for ip in ips}


def compare(opts, exp, d):
    """top posts --compare: the views of the period of the same length
    just before, and the change."""
    a, b = dt.date.fromisoformat(opts.frm), dt.date.fromisoformat(opts.to)
    pa, pb = a - (b - a) - dt.timedelta(days=1), a - dt.timedelta(days=1)
    prev = argparse.Namespace(frm=pa.isoformat(), to=pb.isoformat())
    # Every row (the period before read whole), and the first few (each
    # row's period before asked for by itself).
    rows = top(opts, "posts", "--compare")
    first = top(opts, "posts", "--compare", "--limit", "7")
    d.eq("--compare --limit 7: the first rows of --limit 0",
         [r for r in first if r["path"] != "(other)"],
         [r for r in rows if r["path"] != "(other)"][:len(first)])
    for r in rows + first:
        e = exp["posts"].get(r["path"], {"views": {}})
        n, pn = total(e["views"], opts), total(e["views"], prev)
        if pn:
            change = "%+.0f%%" % (100.0 * (n - pn) / pn)
        else:
            change = "new" if n else ""
        d.eq(f"--compare {r['path']} (previous_views, change)",
             (r["previous_views"], r["change"]), (pn, change))


def sketch_hashes(blob):
    """The hashes of a sparse sketch blob (doc/schema.md: kind byte 1, a
    u32 count, the u64 hashes ascending, little-endian); None when dense
    (kind 2, an estimate)."""
    if len(blob) >= 5 and blob[0] == 1:
        n = struct.unpack_from("<I", blob, 1)[0]
        if len(blob) != 5 + 8 * n:
            raise ValueError(f"sparse sketch of {len(blob)} bytes for {n}")
        return struct.unpack_from(f"<{n}Q", blob, 5)
    if blob[:1] == b"\x02":
        return None
    raise ValueError(f"not a sketch blob: kind {blob[:1]!r}")


def is_uri(db):
    """Whether --db names a PostgreSQL database."""
    return db.startswith(("postgresql:", "postgres:"))


def day_counts(opts):
    """(day, hits, robots, bad lines) of each day of the checked site."""
    if is_uri(opts.db):
        name = (opts.site or "default").replace("'", "''")
        out = run(["psql", "-X", "-A", "-t", "-F", ",", "-d", opts.db, "-c",
                   "SELECT to_char(date '1970-01-01' + d.day, 'YYYY-MM-DD'),"
                   " d.hits, d.robots, d.bad_lines FROM days d JOIN sites s"
                   f" ON s.id = d.site WHERE s.name = '{name}'"])
        return [(r[0], int(r[1]), int(r[2]), int(r[3]))
                for r in (line.split(",") for line in out.splitlines() if line)]
    con = sqlite3.connect(f"file:{opts.db}?mode=ro", uri=True)
    where, params = site_where(con, opts)
    rows = con.execute(
        "SELECT date(day * 86400, 'unixepoch'), hits, robots, bad_lines "
        "FROM days WHERE " + where, params).fetchall()
    con.close()
    return rows


def union_of_days(opts, d, n):
    """The union of the day sketches of the range, read from the file."""
    con = sqlite3.connect(f"file:{opts.db}?mode=ro", uri=True)
    where, params = site_where(con, opts)
    union = set()
    dense = 0
    for day, blob in con.execute(
            "SELECT date(day * 86400, 'unixepoch'), sketch "
            "FROM day_sketches WHERE " + where, params):
        if not in_range(day, opts):
            continue
        h = sketch_hashes(blob)
        if h is None:
            dense += 1
        else:
            union.update(h)
    con.close()
    if not dense:
        d.eq("range visitors (the union of the day sketches)", len(union), n)


def audience(opts, exp, d, rows_of):
    """Visitors and visits: every one from the readers list."""
    readers = exp["readers"]
    # The reader days in the range.
    rdays = [(i, day, e) for i, r in enumerate(readers)
             for day, e in r["days"].items() if in_range(day, opts)]

    # Days: visitors and visits.
    want_v = defaultdict(int)
    want_n = defaultdict(int)
    for i, day, e in rdays:
        want_v[day] += 1
        want_n[day] += len(e["landings"])
    for day, e in exp["days"].items():
        if in_range(day, opts):
            d.eq(f"expected.json day {day} visitors", e.get("visitors"),
                 want_v.get(day, 0))
            d.eq(f"expected.json day {day} visits", e.get("visits"),
                 want_n.get(day, 0))
    got = {r["day"]: r["visitors"] for r in rows_of["days"]}
    d.vtables("day visitors", got, dict(want_v))
    got = {r["day"]: r["visits"] for r in rows_of["days"]}
    d.tables("day visits", got, dict(want_n))

    # Posts and pages: distinct readers over the range, visits landing.
    post_readers = defaultdict(set)
    post_visits = defaultdict(int)
    for i, day, e in rdays:
        for p in e["pages"]:
            post_readers[p].add(i)
        for k in e["landings"]:
            if k in exp["posts"]:
                post_visits[k] += 1
    want = {p: len(s) for p, s in post_readers.items()}
    got = {r["path"]: r["visitors"] for r in rows_of["posts"]}
    d.vtables("post visitors", got, want)
    got = {r["path"]: r["visits"] for r in rows_of["posts"]}
    d.tables("post visits", got, dict(post_visits))
    # --least: the same numbers, least read first, with the imported
    # posts nobody read (0 everywhere).
    least = top(opts, "posts", "--least")
    views = [r["views"] for r in least]
    d.eq("--least is in ascending views", views, sorted(views))
    d.eq("--least lists what top posts lists",
         sorted(r["path"] for r in least if r["views"]),
         sorted(r["path"] for r in rows_of["posts"]))
    for r in least:
        p = r["path"]
        v = total(exp["posts"][p]["views"], opts) if p in exp["posts"] else 0
        d.eq(f"--least {p} (views, visits)", (r["views"], r["visits"]),
             (v, post_visits.get(p, 0)))
        d.visitors(f"--least {p} visitors", r["visitors"],
                   len(post_readers.get(p, ())))

    # Tags and categories: the readers of the posts that carry them.
    for tax in ("tags", "categories"):
        key = "tag" if tax == "tags" else "category"
        want = defaultdict(set)
        if opts.imported and not (tax == "categories" and opts.no_categories):
            for p, s in post_readers.items():
                if p in opts.untitled:
                    continue
                for t in exp["posts"][p][tax]:
                    want[t] |= s
        want = {t: len(s) for t, s in want.items()}
        got = {r[key]: r["visitors"] for r in rows_of[tax]}
        d.vtables(f"{key} visitors", got, want)

    # Countries: the readers whose address maps there.
    in_range_readers = sorted({i for i, _, _ in rdays})
    cc = country_of(sorted({readers[i]["ip"] for i in in_range_readers}),
                    opts.geoip)
    want = defaultdict(int)
    for i in in_range_readers:
        want[cc[readers[i]["ip"]]] += 1
    got = {r["country"]: r["visitors"] for r in rows_of["countries"]}
    d.vtables("country visitors", got, dict(want))

    # The range: each reader once, however many days.
    n = len(in_range_readers)
    d.visitors("range visitors (the sum of the countries' visitors)",
               sum(r["visitors"] for r in rows_of["countries"]), n)
    if not opts.frm and not opts.to:
        d.eq("expected.json totals.visitors", exp["totals"].get("visitors"),
             n)
        d.eq("expected.json totals.visits", exp["totals"].get("visits"),
             sum(want_n.values()))
    d.eq("range visits (the sum of the days)",
         sum(r["visits"] for r in rows_of["days"]), sum(want_n.values()))
    # A database file's sketches, read here too (a PostgreSQL database's
    # are hll values: its counts above come from blogstat alone).
    if not is_uri(opts.db):
        union_of_days(opts, d, n)
    if opts.report:
        cards = report_cards(opts)
        views = sum(e["views"] for day, e in exp["days"].items()
                    if in_range(day, opts))
        d.eq("report card Views", cards.get("Views"), views)
        d.visitors("report card Visitors", cards.get("Visitors", -1), n)
        d.eq("report card Visits", cards.get("Visits"), sum(want_n.values()))


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def days_in(by_day, opts):
    """The items of a {day: value} map in the range."""
    return [(day, v) for day, v in sorted(by_day.items())
            if in_range(day, opts)]


def robots(opts, exp, d):
    """top robots: each robot's group and hits; they add up to the robot
    hits of the days."""
    rows = top_csv(opts, "robots")
    want = {}
    for name, e in exp["robots"].items():
        n = sum(v for _, v in days_in(e["hits"], opts))
        if n:
            want[name] = (e["group"], n)
    got = {r["robot"]: (r["category"], r["hits"]) for r in rows}
    d.tables("top robots (category, hits)", got, want)
    d.eq("top robots: the sum of the hits (the robot hits of the days)",
         sum(r["hits"] for r in rows),
         sum(e["robot_hits"] for _, e in days_in(exp["days"], opts)))


def hours(opts, exp, d):
    """top hours: views by the weekday of the day and the hour."""
    want = defaultdict(int)
    for day, hs in days_in(exp["hours"], opts):
        wd = WEEKDAYS[dt.date.fromisoformat(day).weekday()]
        for h, n in hs.items():
            want[(wd, int(h))] += n
    rows = top_csv(opts, "hours")
    got = {(r["weekday"], r["hour"]): r["views"] for r in rows}
    d.tables("top hours (weekday, hour)", got, dict(want))
    order = [(WEEKDAYS.index(r["weekday"]), r["hour"]) for r in rows]
    d.eq("top hours: rows by weekday, then hour", order, sorted(order))


def campaigns(opts, exp, d):
    """top campaigns: views by (source, medium, campaign)."""
    want = {}
    for e in exp["campaigns"]:
        n = sum(v for _, v in days_in(e["views"], opts))
        if n:
            want[(e["source"], e["medium"], e["campaign"])] = n
    got = {(r["source"], r["medium"], r["campaign"]): r["views"]
           for r in top_csv(opts, "campaigns")}
    d.tables("top campaigns (source, medium, campaign)", got, want)


def missing(opts, exp, d):
    """top missing: each path's hits, and the host that linked to it most
    (ties: the first by name; "" for none)."""
    want = {}
    for path, by_day in exp["missing"].items():
        hosts = defaultdict(int)
        for _, by_host in days_in(by_day, opts):
            for h, n in by_host.items():
                hosts[h] += n
        if hosts:
            top_host = min(hosts, key=lambda h: (-hosts[h], h))
            want[path] = (sum(hosts.values()), top_host)
    got = {r["path"]: (r["hits"], r["referrer"])
           for r in top_csv(opts, "missing")}
    d.tables("top missing (hits, referrer)", got, want)


def feeds(opts, exp, d):
    """top feeds: the fetches of the range, and the subscribers of the
    range's last day on which the feed was fetched."""
    want = {}
    for feed, by_day in exp["feeds"].items():
        ds = days_in(by_day, opts)
        if ds:
            want[feed] = (ds[-1][1]["subscribers"],
                          sum(e["fetches"] for _, e in ds))
    got = {r["feed"]: (r["subscribers"], r["fetches"])
           for r in top_csv(opts, "feeds")}
    d.tables("top feeds (subscribers, fetches)", got, want)


def clients(opts, exp, d):
    """top browsers, systems, devices: views, and visitors (the readers
    with a view in the range, once each), when blogstat has the tables."""
    first = top_csv(opts, "browsers")
    if first is None:
        return
    part = {"browsers": "browser", "systems": "system", "devices": "device"}
    for table, col in part.items():
        rows = first if table == "browsers" else top_csv(opts, table)
        if rows is None:
            d.eq(f"top {table}", "refused", "rows")
            continue
        want_v = {}
        for name, by_day in exp[table].items():
            n = sum(e["views"] for _, e in days_in(by_day, opts))
            if n:
                want_v[name] = n
        got = {r[col]: r["views"] for r in rows}
        d.tables(f"top {table} views", got, want_v)
        readers = defaultdict(int)
        for r in exp["readers"]:
            if any(in_range(day, opts) for day in r["days"]):
                readers[r[col]] += 1
        got = {r[col]: r["visitors"] for r in rows}
        d.vtables(f"top {table} visitors", got, dict(readers))


def other_tables(opts, exp, d):
    """The tables of robots, hours, campaigns, missing pages and feeds,
    and of browsers, systems and devices, every row and number, when
    expected.json has them."""
    if "robots" not in exp:
        return
    robots(opts, exp, d)
    hours(opts, exp, d)
    campaigns(opts, exp, d)
    missing(opts, exp, d)
    feeds(opts, exp, d)
    if exp["params"]["format"] != "common":
        clients(opts, exp, d)


def top_sites(opts, exp, d):
    """--site: the site's row of `top sites` (which takes no --site), for
    the range: its views, and its visitors (readers with a day in the
    range, once each) when expected.json has readers."""
    rows = [r for r in top(argparse.Namespace(**{**vars(opts), "site": None}),
                           "sites")
            if r["site"] == opts.site]
    d.eq(f"top sites: rows of {opts.site}", len(rows), 1)
    if not rows:
        return
    views = sum(e["views"] for day, e in exp["days"].items()
                if in_range(day, opts))
    d.eq(f"top sites {opts.site} views", rows[0]["views"], views)
    if "readers" in exp:
        n = sum(1 for r in exp["readers"]
                if any(in_range(day, opts) for day in r["days"]))
        d.visitors(f"top sites {opts.site} visitors", rows[0]["visitors"], n)


def report_cards(opts):
    """The numbers of the report's cards (src/report.c put_summary); the
    range's page alone (the other periods have their own test)."""
    with tempfile.TemporaryDirectory() as out:
        args = [opts.blogstat, "--db", opts.db, "report", "--no-periods",
                "--out", out, *site_args(opts)]
        if opts.frm:
            args += ["--from", opts.frm]
        if opts.to:
            args += ["--to", opts.to]
        run(args)
        html = open(os.path.join(out, "index.html"), encoding="utf-8").read()
    return {k: int(re.sub(r"\D", "", v)) for k, v in re.findall(
        r'<div class="label">(\w+)</div><div class="big">([^<]*)', html)}


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
    ap.add_argument("--approx", type=float, default=0.0, metavar="P",
                    help="visitors past the sketch's exact range (2,048) "
                    "within P percent (default: exact, always)")
    ap.add_argument("--report", action="store_true",
                    help="also write the report of the range and check its "
                    "cards: views, and the range's visitors and visits, the "
                    "only place blogstat prints them")
    ap.add_argument("--site", metavar="NAME",
                    help="expected.json is the log of site NAME of the "
                    "database: every top and report gets --site NAME; "
                    "status is checked only with --whole")
    ap.add_argument("--whole", nargs="+", default=[], metavar="EXPECTED",
                    help="with --site: the expected.json files of every "
                    "site of the log, whose totals status must sum up to")
    opts = ap.parse_args()
    if opts.whole and not opts.site:
        ap.error("--whole goes with --site")
    exp = json.load(open(opts.expected, encoding="utf-8"))
    d = Diff(opts.approx)

    rows_of = {}
    want = {p: total(v["views"], opts) for p, v in exp["posts"].items()}
    want = {p: n for p, n in want.items() if n}
    rows = rows_of["posts"] = top(opts, "posts")
    got = {r["path"]: r["views"] for r in rows}
    d.tables("post", got, want)
    for r in rows:
        p = r["path"]
        title = exp["posts"].get(p, {}).get("title", "")
        if not opts.imported or p in opts.untitled:
            title = ""
        d.eq(f"title of {p}", r["title"], title)

    if opts.frm and opts.to:
        compare(opts, exp, d)

    for tax in ("tags", "categories"):
        want = {t: total(v["archive_views"], opts)
                for t, v in exp[tax].items()}
        want = {t: n for t, n in want.items() if n}
        rows = rows_of[tax] = top(opts, tax)
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
    rows_of["days"] = top(opts, "days")
    got = {r["day"]: r["views"] for r in rows_of["days"]}
    d.tables("day views", got, want)

    ips = {ip: total(v["views"], opts) for ip, v in exp["ips"].items()}
    ips = {ip: n for ip, n in ips.items() if n}
    cc = country_of(sorted(ips), opts.geoip)
    want = defaultdict(int)
    for ip, n in ips.items():
        want[cc[ip]] += n
    rows_of["countries"] = top(opts, "countries")
    got = {r["country"]: r["views"] for r in rows_of["countries"]}
    d.tables("country views", got, dict(want))

    if "readers" in exp:
        audience(opts, exp, d, rows_of)
    other_tables(opts, exp, d)
    if opts.site:
        top_sites(opts, exp, d)

    # Per day hits, robot hits and bad lines: no command prints them all
    # yet, so read the database (read-only) directly.
    seen = set()
    for day, hits, robots, bad in day_counts(opts):
        if not in_range(day, opts):
            continue
        seen.add(day)
        e = exp["days"].get(day, {})
        if opts.joined:
            bad = e.get("bad_lines", 0)
        d.eq(f"day {day} (hits, robots, bad)", (hits, robots, bad),
             (e.get("hits", 0), e.get("robot_hits", 0), e.get("bad_lines", 0)))
    for day in exp["days"]:
        if in_range(day, opts) and day not in seen:
            d.eq(f"day {day}", "missing", "present")

    if not opts.frm and not opts.to and (opts.whole or not opts.site):
        rows = json.loads(run([opts.blogstat, "--db", opts.db, "status",
                               "--format", "json"]))
        got_lines = sum(r["lines"] for r in rows)
        got_bad = sum(r["bad_lines"] for r in rows)
        got_hits = sum(r["hits"] for r in rows)
        if opts.site:
            # The whole database: the sum of the sites' logs.
            tots = [json.load(open(f, encoding="utf-8"))["totals"]
                    for f in opts.whole]
            what = f"status (the sum of {len(tots)} expected.json)"
            d.eq(f"{what} lines", got_lines, sum(t["lines"] for t in tots))
            d.eq(f"{what} bad lines", got_bad,
                 sum(t["bad_lines"] for t in tots))
            d.eq(f"{what} hits", got_hits, sum(t["hits"] for t in tots))
            rows = []
        else:
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
    if opts.approx and not d.estimates:
        print(f"check: --approx, but no visitor count is past {SPARSE_MAX}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
