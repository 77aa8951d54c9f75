# Freshly generated logs, other seeds and shapes: across the spring DST
# change (+0100 -> +0200; the hours of its 23-hour day), CRLF line ends,
# the common format (no User-Agent: no robots, every feed fetcher a
# client, robots' 404s missing pages), and one big single gzip file.
. "$ROOT/tests/e2e/lib.sh"

$GEN --out dst --seed 7 --start 2013-03-28 --days 6 --lines-per-day 400
bs --db dst.db ingest dst/access.log* 2>err || { cat err; fail "ingest dst"; }
check dst/expected.json dst.db
check dst/expected.json dst.db --from 2013-03-31 --to 2013-03-31

$GEN --out crlf --seed 8 --days 3 --crlf
bs --db crlf.db ingest crlf/access.log* 2>err || { cat err; fail "ingest crlf"; }
check crlf/expected.json crlf.db

$GEN --out common --seed 9 --days 3 --format common
bs --db common.db ingest common/access.log* 2>err || { cat err; fail "ingest common"; }
check common/expected.json common.db
check common/expected.json common.db --from 2013-02-02 --to 2013-02-02

$GEN --out single --seed 10 --layout single --lines 60000 --start 2014-12-30 --days 4
bs --db single.db ingest single/access.log.gz 2>err || { cat err; fail "ingest single"; }
check single/expected.json single.db
