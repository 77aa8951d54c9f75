# Without a GeoIP database the program works, says so once, and every
# country is '--'.
. "$ROOT/tests/e2e/lib.sh"
S=$ROOT/sample-logs

# Copy the binary so that no data/ beside it can be found.
mkdir bin && cp "$BLOGSTAT" bin/blogstat
if ls /usr/share/GeoIP/*.mmdb /var/lib/GeoIP/*.mmdb >/dev/null 2>&1; then
    echo "this machine has a system GeoIP database; skipping"; exit 0
fi
expect_status 0 bin/blogstat --db n.db ingest "$S/access.log.1"
[ "$(grep -c 'no GeoIP database' stderr)" -eq 1 ] || fail "no single warning"
bin/blogstat --db n.db top countries --format csv >c.csv
[ "$(csv_rows <c.csv)" -eq 1 ] || fail "more than one country"
grep -q '^--,Unknown,' c.csv || fail "country is not --"
