# kill -9 at 50 moments of an ingest (KILL_TRIALS a log, 25 unless
# told), each then run to the end: the same database as one clean run,
# and an intact one. Then two ingests at once:
# the second waits (--wait) or exits 75 at once, and the totals are right.
. "$ROOT/tests/e2e/lib.sh"
D="python3 $ROOT/tests/e2e/dbdump.py"

$GEN --out big --seed 42 --layout single --lines 60000 --days 3 >/dev/null
gzip -dc big/access.log.gz >big/access.log

# The clean runs, plain and gzip.
bs --db clean.db ingest --max-bad 100% big/access.log 2>/dev/null
bs --db cleanz.db ingest --max-bad 100% big/access.log.gz 2>/dev/null

# 50 trials: a fresh ingest killed at a random moment (with a commit
# every 1,000 lines), a run to the end, and the database compared with
# the clean one, counts and positions.
python3 - "$BLOGSTAT" "${GEOIP:-}" "$ROOT/tests/e2e" <<'PY'
import os, random, signal, subprocess, sys, time
blogstat, geoip = sys.argv[1:3]
sys.path.insert(0, sys.argv[3])
from dbdump import dump
rng = random.Random(2026)
geo = ["--geoip", geoip] if geoip else []
def run(db, log, *extra):
    return subprocess.Popen([blogstat, *geo, "--db", db, "ingest", "-q",
                             "--max-bad", "100%", *extra, log])
def state(db):
    out, _ = dump(db, "--sources")
    _, ok = dump(db, "--check")
    return out, ok
trials = int(os.environ.get("KILL_TRIALS", "25"))
killed = 0
for log, clean in (("big/access.log", "clean.db"), ("big/access.log.gz", "cleanz.db")):
    want, _ = state(clean)
    t0 = time.monotonic()
    run("timing.db", log).wait()
    span = time.monotonic() - t0
    for i in range(trials):
        db = f"k{i}-{os.path.basename(log)}.db"
        p = run(db, log, "--commit-every", "1000")
        time.sleep(rng.uniform(0, span))
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            killed += 1
        p.wait()
        run(db, log).wait()
        got, ok = state(db)
        if not ok:
            sys.exit(f"kill: {db}: integrity_check failed")
        if got != want:
            sys.exit(f"kill: {db}: differs from one clean run")
        for suffix in ("", "-wal", "-shm", ".lock"):
            if os.path.exists(db + suffix):
                os.unlink(db + suffix)
print(f"kill: {killed} of {2 * trials} runs killed before their end, all equal to one clean run")
if killed < trials:
    sys.exit("kill: too few runs were killed to mean anything")
PY

# One ingest at a time: while the lock is held, 75 at once or a wait.
mkdir two
head -n 40000 big/access.log >two/a.log
tail -n 40000 big/access.log >two/b.log
flock two.db sleep 3 &
sleep 0.5
expect_status 75 bs --db two.db ingest two/a.log
expect_stderr "another ingest"
expect_status 0 bs --db two.db ingest --wait two/a.log
wait
# Two real ones at once, waiting for each other: every line once.
bs --db two.db ingest --wait two/b.log 2>/dev/null &
bs --db two.db ingest --wait two/a.log two/b.log 2>/dev/null
wait
n=$("$BLOGSTAT" --db two.db status --format json |
    python3 -c 'import json,sys; print(sum(r["lines"] for r in json.load(sys.stdin)))')
[ "$n" -eq 80000 ] || fail "two ingests counted $n lines, not 80000"
# A query while an ingest writes (WAL): once its first commit is in (a
# slow build, TSan's, takes a while to get there), while it goes on.
bs --db q.db ingest --commit-every 1000 big/access.log 2>/dev/null &
i=0
until "$BLOGSTAT" --db q.db status >/dev/null 2>&1 || [ $i -ge 300 ]; do
    sleep 0.05
    i=$((i + 1))
done
expect_status 0 "$BLOGSTAT" --db q.db top days
wait
