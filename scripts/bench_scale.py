#!/usr/bin/env python3
"""Scale and flood figures: memory, database size, top and report times.

Builds (once, cached in data/bench/scale/) a database of 1 M stored paths
(a log of 264 days, each with some 3,800 pages read once and 200 posts
read over and over: nothing folded) and two flood logs of one day: 400,000
views of one post, each from a new 250-byte referrer host or search
term; 600,000 lines of new 1,000-byte paths (a site that answers 200 to
anything). Prints, for each, peak memory of the ingest (/usr/bin/time -v,
maximum resident set size), database size per million lines, and the
times of `top posts` (20 rows and --limit 0) and `report`. Figures, not
tests: nothing here fails on a slow machine.

    scripts/bench_scale.py [--blogstat PATH] [--runs N]
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UA = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def timed(cmd):
    """Wall seconds and peak resident MiB of cmd, under /usr/bin/time -v."""
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"bench_scale: {' '.join(cmd)} exited {p.returncode}:\n"
                 f"{p.stderr}")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    return wall, int(m.group(1)) / 1024.0 if m else float("nan")


def fresh_db(path):
    for suffix in ("", "-wal", "-shm", "-journal", ".lock", ".key"):
        try:
            os.unlink(path + suffix)
        except FileNotFoundError:
            pass


def stamp(day, sec):
    """A log time: day days after 2012-01-01, sec seconds into it."""
    import datetime
    d = datetime.date(2012, 1, 1) + datetime.timedelta(days=day)
    return "%02d/%s/%d:%02d:%02d:%02d +0000" % (
        d.day, MONTHS[d.month - 1], d.year, sec // 3600, sec // 60 % 60,
        sec % 60)


def line(f, ip, when, path, ref="-"):
    f.write('%s - - [%s] "GET %s HTTP/1.1" 200 512 "%s" "%s"\n'
            % (ip, when, path, ref, UA))


def paths_log(path, days=264, pages=3800, posts=200, post_views=400):
    """days of some 3,800 new pages each (read once) and 200 posts, under
    the day's 4,096: 1 M paths, none folded."""
    with open(path, "w") as f:
        n = 0
        for day in range(days):
            per = pages + post_views
            for i in range(per):
                sec = i * 86399 // per
                ip = "81.%d.%d.%d" % (n >> 16 & 255, n >> 8 & 255, n & 255)
                if i % 11 == 0 and i // 11 < post_views:
                    p = "/2012/01/01/post-%d/" % (i * 7 % posts)
                else:
                    p = "/pages/d%d/p%d/" % (day, n)
                line(f, ip, stamp(day, sec), p)
                n += 1


def flood_log(path, shape, n):
    """n lines of one day of flood: "ref" or "path" (see the top)."""
    with open(path, "w") as f:
        for i in range(n):
            ip = "81.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255)
            when = stamp(400, i * 86399 // n)
            if shape == "ref":
                p, ref = "/2013/02/07/post/", (
                    "http://r%08d-%s.example/" % (i, "a" * 240) if i % 2 else
                    "https://www.google.com/search?q=t%08d%s" % (i, "b" * 240))
            else:
                p, ref = "/p%08d%s/" % (i, "x" * 990), "-"
            line(f, ip, when, p, ref)


def figures(blogstat, name, log, lines, runs, work):
    db = os.path.join(work, name + ".db")
    out = os.path.join(work, name + "-report")
    fresh_db(db)
    t, mem = timed(blogstat + ["--db", db, "ingest", log])
    size = os.path.getsize(db)
    paths = subprocess.run(
        ["sqlite3", db, "SELECT count(*) FROM paths"], capture_output=True,
        text=True).stdout.strip() if shutil.which("sqlite3") else "?"
    top20 = [timed(blogstat + ["--db", db, "top", "posts"])[0]
             for _ in range(runs)]
    top0 = [timed(blogstat + ["--db", db, "top", "posts", "--limit", "0"])[0]
            for _ in range(runs)]
    rep = []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        rep.append(timed(blogstat + ["--db", db, "report", "--out", out])[0])
    shutil.rmtree(out, ignore_errors=True)
    print(f"{name}: {lines:,} lines, ingest {t:.1f} s, peak {mem:.1f} MiB "
          f"(target 64); database {size / 1e6:.1f} MB "
          f"({size / 1e6 / (lines / 1e6):.1f} MB per million lines), "
          f"{paths} stored paths")
    print(f"{'':{len(name)}}  top posts {statistics.median(top20) * 1000:.0f} ms"
          f" (target 100), --limit 0 {statistics.median(top0) * 1000:.0f} ms"
          f" (target 2000), report {statistics.median(rep) * 1000:.0f} ms"
          f" (target 2000)", flush=True)
    fresh_db(db)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--blogstat", default=os.path.join(ROOT, "blogstat"))
    ap.add_argument("--runs", type=int, default=3)
    opts = ap.parse_args()
    blogstat = [os.path.abspath(opts.blogstat)]
    work = os.path.join(ROOT, "data", "bench", "scale")
    os.makedirs(work, exist_ok=True)
    logs = [("paths-1M", "paths.log", paths_log, 264 * 4200),
            ("flood-ref", "flood-ref.log",
             lambda p: flood_log(p, "ref", 400_000), 400_000),
            ("flood-path", "flood-path.log",
             lambda p: flood_log(p, "path", 600_000), 600_000)]
    for name, base, make, lines in logs:
        log = os.path.join(work, base)
        if not os.path.exists(log):
            print(f"bench_scale: writing {base} (once) ...", flush=True)
            make(log + ".tmp")
            os.replace(log + ".tmp", log)
        figures(blogstat, name, log, lines, opts.runs, work)


if __name__ == "__main__":
    main()
