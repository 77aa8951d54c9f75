# "-" reads standard input; a file of several gzip members (cat a.gz b.gz)
# is read whole; gzip is found by its magic bytes, not by the name.
. "$ROOT/tests/e2e/lib.sh"
S=$ROOT/sample-logs

# All the sample files through one pipe: the same numbers.
for f in "$S"/access.log*; do gzip -dc -f "$f"; done | bs --db pipe.db ingest - 2>err ||
    { cat err; fail "ingest -"; }
python3 "$ROOT/tests/e2e/check.py" --blogstat "$BLOGSTAT" --db pipe.db \
    --expected "$S/expected.json" ${GEOIP:+--geoip "$GEOIP"} --joined ||
    fail "stdin counts"

# Every sample file as one member of one file with a misleading name.
for f in "$S"/access.log*; do gzip -dc -f "$f" | gzip -c; done >all.log
bs --db mm.db ingest all.log 2>err || { cat err; fail "ingest multi-member"; }
python3 "$ROOT/tests/e2e/check.py" --blogstat "$BLOGSTAT" --db mm.db \
    --expected "$S/expected.json" ${GEOIP:+--geoip "$GEOIP"} --joined ||
    fail "multi-member counts"
"$BLOGSTAT" --db mm.db status --format json | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert len(r) == 1 and r[0]["gzip"] == 1 and r[0]["state"] == "complete", r' ||
    fail "gzip flag"
