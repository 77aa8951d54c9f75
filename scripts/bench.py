#!/usr/bin/env python3
"""make bench: blogstat ingest against gzip -dc and igzip -dc on the same
file, for two mixes of traffic.

Generates (once, cached in data/bench/) two 2-million-line gzip logs with
the test generator: its default mix (robot-heavy: most hits robots and
assets) and a busy blog's (view-heavy: mostly pages, about 50,000
readers). For each, runs the commands in turn, A B C A B C ..., and
prints the median wall time of each and the median of the per-run ratios
blogstat/other: runs taken close together cancel most of the drift of a
shared machine. Peak memory is the child's maximum resident set size as
the kernel accounts it (wait4), for the log and for the log twice over.
The headline lines say on which mix each ratio stands.

    scripts/bench.py [--lines N] [--runs N]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_cpu(cmd, stdout=subprocess.DEVNULL):
    """Wall seconds, peak RSS (MiB) and CPU seconds (user + system) of
    one run of cmd."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"bench: {' '.join(cmd)} exited {code}: {err}")
    return wall, ru.ru_maxrss / 1024.0, ru.ru_utime + ru.ru_stime


def run(cmd, stdout=subprocess.DEVNULL):
    """Wall seconds and peak RSS (MiB) of one run of cmd."""
    return run_cpu(cmd, stdout)[:2]


def fresh_db(path):
    for suffix in ("", "-wal", "-shm", ".key"):
        try:
            os.unlink(path + suffix)
        except FileNotFoundError:
            pass


# The two mixes: the test generator's default log (most hits robots and
# assets, 11% of the lines views) and a busy blog's (--mix busy: mostly
# pages, assets on a CDN, about 50,000 readers, 48% of the lines views).
MIXES = (
    ("robot-heavy", "access-{n}.log.gz", ["--seed", "2013"]),
    ("view-heavy", "access-busy-{n}.log.gz",
     ["--mix", "busy", "--posts", "300", "--seed", "2014"]),
)


def generate(bench, name, lines, args):
    """The log of one mix (once, cached in data/bench/)."""
    log = os.path.join(bench, name.format(n=lines))
    if not os.path.exists(log):
        print(f"bench: generating {os.path.basename(log)}, {lines} lines "
              "(once) ...", flush=True)
        tmp = os.path.join(bench, "gen")
        subprocess.run([sys.executable, os.path.join(ROOT, "tests/gen/genlog.py"),
                        "--out", tmp, "--layout", "single", "--lines",
                        str(lines), *args], check=True,
                       stdout=subprocess.DEVNULL)
        os.replace(os.path.join(tmp, "access.log.gz"), log)
        shutil.rmtree(tmp)
    return log


def decompressors(log):
    """gzip -dc, and pigz and igzip when the machine has them."""
    others = {"gzip -dc": ["gzip", "-dc", log]}
    for tool in ("pigz", "igzip"):
        if shutil.which(tool):
            others[f"{tool} -dc"] = [tool, "-dc", log]
    return others


def peers(bench, log):
    """GoAccess and Webalizer, when the machine has them (the bench
    installs neither)."""
    others = {}
    if shutil.which("goaccess"):
        others["goaccess"] = ["sh", "-c", f"gzip -dc {log} | goaccess - "
                              "--log-format=COMBINED -o /dev/null"]
    if shutil.which("webalizer"):
        others["webalizer"] = ["webalizer", "-Q", "-o",
                               os.path.join(bench, "webalizer"), log]
        os.makedirs(os.path.join(bench, "webalizer"), exist_ok=True)
    return others


def time_mix(mix, bench, log, lines, blogstat, runs):
    """One mix: blogstat ingest, the decompressors and the peers on the
    same file, in turn (A B C A B C ...). Prints the table; returns the
    median ratios blogstat/other."""
    double = log.replace(".log.gz", "-x2.log.gz")
    if not os.path.exists(double):
        with open(double, "wb") as out:
            for _ in range(2):
                with open(log, "rb") as f:
                    shutil.copyfileobj(f, out)
    db = os.path.join(bench, "bench.db")
    ingest = blogstat + ["--db", db, "ingest", log]
    others = decompressors(log)
    others.update(peers(bench, log))
    size = os.path.getsize(log)
    raw = 0
    with subprocess.Popen(["gzip", "-dc", log], stdout=subprocess.PIPE) as p:
        while chunk := p.stdout.read(1 << 20):
            raw += len(chunk)

    # Warm the page cache and the binaries.
    fresh_db(db)
    run(ingest)
    for cmd in others.values():
        run(cmd)

    times = {"blogstat ingest": []}
    times.update({k: [] for k in others})
    ratios = {k: [] for k in others}
    mem, cpu = [], []
    for _ in range(runs):
        fresh_db(db)
        t, m, c = run_cpu(ingest)
        times["blogstat ingest"].append(t)
        mem.append(m)
        cpu.append(c)
        for name, cmd in others.items():
            t2, _ = run(cmd)
            times[name].append(t2)
            ratios[name].append(t / t2)
    fresh_db(db)
    _, mem2 = run(blogstat + ["--db", db, "ingest", double])
    fresh_db(db)

    med = {k: statistics.median(v) for k, v in times.items()}
    print()
    print(f"{mix} log  {os.path.relpath(log, ROOT)}: {lines:,} lines, "
          f"{size / 1e6:.1f} MB gzip, {raw / 1e6:.1f} MB uncompressed")
    print(f"{'command':<18} {'time s':>8} {'lines/s':>10} {'blogstat/this':>14}")
    print(f"{'blogstat ingest':<18} {med['blogstat ingest']:>8.2f} "
          f"{lines / med['blogstat ingest']:>10,.0f} {'':>14}")
    for name in others:
        r = statistics.median(ratios[name])
        print(f"{name:<18} {med[name]:>8.2f} {lines / med[name]:>10,.0f} "
              f"{r:>14.2f}")
    print(f"cost per line {1e9 * statistics.median(cpu) / lines:.0f} ns of "
          "CPU (user + system, all threads)")
    print(f"peak memory {statistics.median(mem):.1f} MiB for the log, "
          f"{mem2:.1f} MiB for the log twice over (target: under 64)")
    return {k: statistics.median(v) for k, v in ratios.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=2_000_000)
    ap.add_argument("--runs", type=int, default=5)
    opts = ap.parse_args()

    bench = os.path.join(ROOT, "data", "bench")
    os.makedirs(bench, exist_ok=True)
    logs = {mix: generate(bench, name, opts.lines, args)
            for mix, name, args in MIXES}
    geoip = os.path.join(ROOT, "data", "geo-whois-asn-country.mmdb")
    blogstat = [os.path.join(ROOT, "blogstat"), "-q"]
    if os.path.exists(geoip):
        blogstat += ["--geoip", geoip]

    print()
    print(f"machine     {os.cpu_count()} cores; {opts.runs} runs of each "
          "command, in turn; medians; ratio = median of per-run ratios; "
          f"GeoIP {'on' if os.path.exists(geoip) else 'off (no database)'}")
    ratios = {mix: time_mix(mix, bench, log, opts.lines, blogstat, opts.runs)
              for mix, log in logs.items()}
    print()
    goals = {("view-heavy", "gzip -dc"): "goal: <= 0.5",
             ("robot-heavy", "gzip -dc"): "target: <= 1.0",
             ("robot-heavy", "igzip -dc"): "goal: <= 2.0"}
    for mix in logs:
        for tool in ("gzip -dc", "igzip -dc"):
            if tool in ratios[mix]:
                goal = goals.get((mix, tool))
                print(f"bench: {mix} log: ingest / {tool} = "
                      f"{ratios[mix][tool]:.2f}" +
                      (f" ({goal})" if goal else ""))
    print()
    for mix, one in logs.items():
        one_file(bench, one, mix, blogstat, opts.runs)
    log = logs["robot-heavy"]
    print()
    print("the rows below stand on the robot-heavy log")
    formats(bench, log, blogstat, opts.runs)
    four(bench, log, blogstat, opts.runs)
    year(bench, blogstat, opts.runs, log)
    flood(bench, blogstat)
    scale = os.path.join(ROOT, "scripts", "bench_scale.py")
    if os.path.exists(scale):
        subprocess.run([sys.executable, scale], check=True)


# combined written as an Apache LogFormat: the same lines, read by the
# compiled field parsers instead of the hand-written fast path.
APACHE_COMBINED = ('%h %l %u %t \\"%r\\" %>s %b \\"%{Referer}i\\" '
                   '\\"%{User-Agent}i\\"')


def formats(bench, log, blogstat, runs):
    """The cost of a compiled format string against the fast path."""
    db = os.path.join(bench, "formats.db")
    fast, compiled = [], []
    for _ in range(runs):
        fresh_db(db)
        fast.append(run(blogstat + ["--db", db, "ingest", "--format",
                                    "combined", log])[0])
        fresh_db(db)
        compiled.append(run(blogstat + ["--db", db, "ingest", "--format",
                                        APACHE_COMBINED, log])[0])
    fresh_db(db)
    r = statistics.median(c / f for c, f in zip(compiled, fast))
    print(f"format string '{APACHE_COMBINED}' / built-in combined: "
          f"{r:.2f} (same lines; target: about 1)")


def four(bench, log, blogstat, runs):
    """Four files at once: -j 1 against one worker per core."""
    parts = [os.path.join(bench, f"part-{i}.log.gz") for i in range(4)]
    if not all(os.path.exists(p) for p in parts):
        with subprocess.Popen(["gzip", "-dc", log], stdout=subprocess.PIPE) as z:
            lines = z.stdout.readlines()
        n = (len(lines) + 3) // 4
        for i, p in enumerate(parts):
            with subprocess.Popen(["gzip", "-c"], stdin=subprocess.PIPE,
                                  stdout=open(p, "wb")) as g:
                g.stdin.writelines(lines[i * n:(i + 1) * n])
    db = os.path.join(bench, "four.db")
    t1, t2 = [], []
    for _ in range(runs):
        fresh_db(db)
        t1.append(run(blogstat + ["--db", db, "ingest", "-j", "1", *parts])[0])
        fresh_db(db)
        t2.append(run(blogstat + ["--db", db, "ingest", *parts])[0])
    fresh_db(db)
    a, b = statistics.median(t1), statistics.median(t2)
    print()
    print(f"4 files     -j 1: {a:.2f} s, one worker per core ({os.cpu_count()}): "
          f"{b:.2f} s, speed-up {a / b:.2f}")


def one_file(bench, log, mix, blogstat, runs):
    """One file: -j 1 against -j of the cores (helpers beside the worker)."""
    db = os.path.join(bench, "one.db")
    j = str(os.cpu_count() or 1)
    t1, t2 = [], []
    for _ in range(runs):
        fresh_db(db)
        t1.append(run(blogstat + ["--db", db, "ingest", "-j", "1", log])[0])
        fresh_db(db)
        t2.append(run(blogstat + ["--db", db, "ingest", "-j", j, log])[0])
    fresh_db(db)
    r = statistics.median(a / b for a, b in zip(t1, t2))
    print(f"1 file ({mix})  -j 1 / -j {j}: speed-up {r:.2f} "
          "(goal on 2 cores: >= 1.6)")


def year(bench, blogstat, runs, log):
    """A year of daily data for 1,000 posts: top and report times."""
    db = os.path.join(bench, "year.db")
    if not os.path.exists(db):
        print("bench: generating a year of logs for 1,000 posts (once) ...",
              flush=True)
        tmp = os.path.join(bench, "year")
        subprocess.run([sys.executable, os.path.join(ROOT, "tests/gen/genlog.py"),
                        "--out", tmp, "--layout", "single", "--posts", "1000",
                        "--days", "365", "--lines", "2000000", "--start",
                        "2012-01-01", "--seed", "365"], check=True,
                       stdout=subprocess.DEVNULL)
        fresh_db(db + ".tmp")
        run(blogstat + ["--db", db + ".tmp", "ingest",
                        os.path.join(tmp, "access.log.gz")])
        run(blogstat + ["--db", db + ".tmp", "import",
                        os.path.join(tmp, "wordpress-export.xml")])
        # The database and its visitor key go together.
        for suffix in ("", "-wal", "-shm", ".key"):
            if os.path.exists(db + ".tmp" + suffix):
                os.replace(db + ".tmp" + suffix, db + suffix)
        shutil.rmtree(tmp)
    # The 2M-line log into a copy of the year's database, against fresh.
    full = os.path.join(bench, "full.db")
    into_full, into_fresh = [], []
    for _ in range(runs):
        fresh_db(full)
        shutil.copyfile(db, full)
        shutil.copyfile(db + ".key", full + ".key")
        os.chmod(full + ".key", 0o600)
        into_full.append(run(blogstat + ["--db", full, "ingest", log])[0])
        fresh_db(full)
        into_fresh.append(run(blogstat + ["--db", full, "ingest", log])[0])
    fresh_db(full)
    out = os.path.join(bench, "report")
    top = [run(blogstat + ["--db", db, "top", "posts", "--days", "30"])[0]
           for _ in range(runs)]
    rep = [run(blogstat + ["--db", db, "report", "--out", out])[0]
           for _ in range(runs)]
    print()
    print(f"year        365 days, 1,000 posts ({os.path.getsize(db) / 1e6:.1f} "
          "MB database)")
    print(f"top posts --days 30   {statistics.median(top) * 1000:7.0f} ms "
          "(target < 100 ms)")
    print(f"report (whole year)   {statistics.median(rep) * 1000:7.0f} ms "
          "(target < 2000 ms)")
    print(f"ingest into it / into a fresh database: "
          f"{statistics.median(into_full) / statistics.median(into_fresh):.2f} "
          "(target <= 1.2)")


def flood_log(path, shape, n):
    """n lines of one shape of flood: "ref", views of one post each from a
    new 250-byte referrer host or search term; "path", a new 1,000-byte
    path a line (a site that answers 200 to anything)."""
    ua = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
    with open(path, "w") as f:
        for i in range(n):
            ip = "81.%d.%d.%d" % (i >> 16 & 255, i >> 8 & 255, i & 255)
            t = "07/Feb/2013:%02d:%02d:%02d +0100" % (i * 24 // n,
                                                      i // 60 % 60, i % 60)
            if shape == "ref":
                path_, ref = "/2013/02/07/post/", (
                    "http://r%08d-%s.example/" % (i, "a" * 240) if i % 2 else
                    "https://www.google.com/search?q=t%08d%s" % (i, "b" * 240))
            else:
                path_, ref = "/p%08d%s/" % (i, "x" * 990), "-"
            f.write('%s - - [%s] "GET %s HTTP/1.1" 200 512 "%s" "%s"\n'
                    % (ip, t, path_, ref, ua))


def flood(bench, blogstat):
    """Floods: peak memory, database size per million lines, report time."""
    print()
    for shape, n in (("ref", 400_000), ("path", 600_000)):
        log = os.path.join(bench, f"flood-{shape}-{n}.log")
        if not os.path.exists(log):
            flood_log(log, shape, n)
        db = os.path.join(bench, f"flood-{shape}.db")
        fresh_db(db)
        _, mem = run(blogstat + ["--db", db, "ingest", log])
        size = os.path.getsize(db)
        out = os.path.join(bench, f"flood-{shape}-report")
        shutil.rmtree(out, ignore_errors=True)
        t, _ = run(blogstat + ["--db", db, "report", "--out", out])
        print(f"flood {shape:<5} {n:,} lines: peak {mem:.1f} MiB (target 64), "
              f"database {size / 1e6:.1f} MB ({size / n:.0f} MB "
              f"per million lines), report {t:.2f} s (target 2)")
        fresh_db(db)
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
