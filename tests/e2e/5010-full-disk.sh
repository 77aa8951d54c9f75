# A full disk (a file-size limit, as ulimit -f sets it): a clear message,
# exit 74, the database as it was at its last commit; the next run with
# room ends as one clean run.
. "$ROOT/tests/e2e/lib.sh"
D="python3 $ROOT/tests/e2e/dbdump.py"

$GEN --out big --seed 5 --layout single --lines 40000 --days 20 >/dev/null
bs --db clean.db ingest --max-bad 100% big/access.log.gz 2>/dev/null
$D clean.db --sources >clean.dump

# Start the database small, then give it no room to grow.
bs --db d.db ingest "$ROOT/sample-logs/access.log.14.gz" 2>/dev/null
wal=0; [ -f d.db-wal ] && wal=$(wc -c <d.db-wal)
limit=$(( $(wc -c <d.db) + wal + 65536 ))
cat >limited <<PY
import os, resource, sys
resource.setrlimit(resource.RLIMIT_FSIZE, ($limit, $limit))
os.execvp(sys.argv[1], sys.argv[1:])
PY
expect_status 74 python3 limited "$BLOGSTAT" ${GEOIP:+--geoip "$GEOIP"} \
    --db d.db ingest --commit-every 2000 --max-bad 100% big/access.log.gz
grep -qi "database 'd.db'" stderr || { cat stderr; fail "no message naming the database"; }
[ "$(grep -c . stderr)" -le 12 ] || fail "more than a line or so of errors"
$D d.db --check >/dev/null || fail "integrity_check after a full disk"

# With room again: exactly one clean run's counts (plus the small file).
bs --db d.db ingest --max-bad 100% big/access.log.gz 2>/dev/null
bs --db clean.db ingest "$ROOT/sample-logs/access.log.14.gz" 2>/dev/null
$D clean.db --sources >clean.dump
$D d.db --sources >d.dump
cmp -s clean.dump d.dump || { diff clean.dump d.dump | head; fail "counts after the full disk"; }
