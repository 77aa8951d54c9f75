#!/usr/bin/env python3
"""make bench, its PostgreSQL row: blogstat ingest of the view-heavy log
into SQLite and into a PostgreSQL server on the same machine.

Starts a throwaway cluster (tests/pgcluster.sh; or uses the one in
$BLOGSTAT_TEST_PGDIR), then runs the two ingests in turn, SQLite then
PostgreSQL, each into a fresh database, --runs times, and prints the
median wall time of each and the median of the per-round ratios
PostgreSQL/SQLite: rounds taken close together cancel most of the drift
of a shared machine. GeoIP is on when data/ holds its database.

    scripts/bench_pg.py [--log FILE] [--lines N] [--runs N] [--blogstat PATH]
"""
import argparse
import glob
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import bench  # noqa: E402  (the logs of make bench)


def psql(pgdir, db, sql):
    binp = sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))
    exe = binp[-1] if binp else "psql"
    env = dict(os.environ, PGOPTIONS="-c client_min_messages=warning")
    subprocess.run([exe, "-X", "-q", "-h", pgdir, "-U", "blogstat", "-d", db,
                    "-c", sql], check=True, stdout=subprocess.DEVNULL,
                   env=env)


def fresh_pg(pgdir, db):
    """A new database db with the hll extension: its URI."""
    psql(pgdir, "postgres", f'DROP DATABASE IF EXISTS "{db}"')
    psql(pgdir, "postgres", f'CREATE DATABASE "{db}"')
    psql(pgdir, db, "CREATE EXTENSION hll")
    return f"postgresql:///{db}?host={pgdir}&user=blogstat"


def timed(cmd):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"bench_pg: {' '.join(cmd)} exited {p.returncode}: "
                 f"{p.stderr.decode(errors='replace')}")
    return wall


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", help="the log (default: make bench's "
                    "view-heavy log)")
    ap.add_argument("--lines", type=int, default=2_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--blogstat", default=os.path.join(ROOT, "blogstat"))
    args = ap.parse_args()

    log = args.log
    if not log:
        dirb = os.path.join(ROOT, "data", "bench")
        os.makedirs(dirb, exist_ok=True)
        name, pattern, gen = bench.MIXES[1]
        log = bench.generate(dirb, pattern, args.lines, gen)
    own = not os.environ.get("BLOGSTAT_TEST_PGDIR")
    if own:
        p = subprocess.run([os.path.join(ROOT, "tests/pgcluster.sh"),
                            "start"], capture_output=True, text=True)
        if p.returncode != 0:
            print("bench: PostgreSQL row skipped: no cluster "
                  f"({p.stderr.strip()})")
            return
        pgdir = p.stdout.split("\n")[0]
    else:
        pgdir = os.environ["BLOGSTAT_TEST_PGDIR"]
    work = tempfile.mkdtemp(prefix="blogstat-benchpg.")
    try:
        conf = os.path.join(work, "bench.conf")
        with open(conf, "w") as f:
            f.write(f"[db]\nkey = {work}/bench.key\n")
        base = [args.blogstat, "-q", "--config", conf]
        geo = os.path.join(ROOT, "data", "geo-whois-asn-country.mmdb")
        if os.path.exists(geo):
            base += ["--geoip", geo]
        lite = os.path.join(work, "bench.db")
        # Warm the page cache, the binary and the server.
        timed(base + ["--db", fresh_pg(pgdir, "benchpg"), "ingest", log])
        lite_t, pg_t, ratios = [], [], []
        for _ in range(args.runs):
            bench.fresh_db(lite)
            lite_t.append(timed(base + ["--db", lite, "ingest", log]))
            uri = fresh_pg(pgdir, "benchpg")
            pg_t.append(timed(base + ["--db", uri, "ingest", log]))
            ratios.append(pg_t[-1] / lite_t[-1])
        bench.fresh_db(lite)
        psql(pgdir, "postgres", 'DROP DATABASE "benchpg"')
        print()
        print(f"PostgreSQL  ingest of {os.path.basename(log)} into a server "
              f"on this machine, {args.runs} rounds (SQLite, PostgreSQL); "
              "medians")
        print(f"  SQLite      {statistics.median(lite_t):6.2f} s")
        print(f"  PostgreSQL  {statistics.median(pg_t):6.2f} s")
        print(f"bench: view-heavy log: PostgreSQL / SQLite = "
              f"{statistics.median(ratios):.2f} (goal: <= 1.5)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if own:
            subprocess.run([os.path.join(ROOT, "tests/pgcluster.sh"), "stop",
                            pgdir], check=False)


if __name__ == "__main__":
    main()
