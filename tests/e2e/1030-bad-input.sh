# Bad input: a clear one-line message naming the file (and line), the
# right exit status, and everything counted before the problem kept.
. "$ROOT/tests/e2e/lib.sh"
S=$ROOT/sample-logs

good='81.2.69.142 - - [07/Feb/2013:10:00:00 +0100] "GET /2013/02/07/x/ HTTP/1.1" 200 10 "-" "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"'

# Garbage over the 1% threshold: 65, bad lines named, good lines kept.
{ for i in 1 2 3 4 5 6 7 8 9; do echo "$good"; done; echo "this is not a log line"; } >bad.log
expect_status 65 bs --db b.db ingest bad.log
expect_stderr "bad.log:10: bad line"
expect_stderr "more than --max-bad"
"$BLOGSTAT" --db b.db top posts --format csv | grep -q "^/2013/02/07/x/,,9," ||
    fail "good lines before the bad one were lost"
# The same under a generous threshold: 0.
expect_status 0 bs --db b2.db ingest --max-bad 20% bad.log
expect_status 0 bs --db b3.db ingest --max-bad 1 bad.log
expect_status 65 bs --db b4.db ingest --max-bad 0 bad.log

# Only the first ten bad lines are shown, then a summary.
{ for i in $(seq 1 20); do echo "$good"; done
  for i in $(seq 1 30); do echo "junk $i"; done; } >junk.log
expect_status 65 bs --db j.db ingest junk.log
[ "$(grep -c 'bad line:' stderr)" -eq 10 ] || fail "not ten bad lines shown"
expect_stderr "30 bad lines of 50"

# A file with no line of a known format is not read at all: its format
# cannot be told. The message shows a line and the format nearest to it.
{ for i in $(seq 1 30); do echo "junk $i"; done; } >junk-only.log
expect_status 65 bs --db jo.db ingest junk-only.log
expect_stderr "junk-only.log: no known format matches 'junk 1': nearest is"

# Binary data.
head -c 20000 /dev/urandom >random.bin
expect_status 65 bs --db r.db ingest random.bin

# A truncated gzip (cut, unchanged for hours): 65, the message says so,
# complete lines are counted.
gzip -dc "$S/access.log.2.gz" | gzip -c >whole.gz
size=$(wc -c <whole.gz)
head -c $((size * 2 / 3)) whole.gz >trunc.gz
touch -d '3 hours ago' trunc.gz
lines=$(gzip -dc trunc.gz 2>/dev/null | wc -l)
expect_status 65 bs --db t.db ingest trunc.gz
expect_stderr "trunc.gz: truncated gzip file"
got=$("$BLOGSTAT" --db t.db status --format csv | tail -1 | cut -d, -f2)
[ "$got" -eq "$lines" ] || fail "truncated: $got lines counted, $lines complete"

# A corrupt gzip: 65 and says so.
python3 - whole.gz corrupt.gz <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
for i in range(len(b) // 2, len(b) // 2 + 64):
    b[i] ^= 0x55
open(sys.argv[2], "wb").write(bytes(b))
PY
expect_status 65 bs --db c.db ingest corrupt.gz
expect_stderr "corrupt.gz: corrupt gzip file"
# Its one member is damaged: none of its lines counts.
got=$("$BLOGSTAT" --db c.db status --format csv | awk -F, 'NR > 1 { n += $2 } END { print n + 0 }')
[ "$got" -eq 0 ] || fail "corrupt: $got lines of a damaged member counted"

# A missing file: 66, named; the other files are still read.
expect_status 66 bs --db m.db ingest missing.log "$S/access.log.1"
expect_stderr "cannot open 'missing.log'"
"$BLOGSTAT" --db m.db status --format csv | grep -q "access.log.1" || fail "other file not read"

# A directory: 66, no hang.
mkdir adir
expect_status 66 bs --db d.db ingest adir
expect_stderr "adir"

# An empty file: nothing to count, success.
: >empty.log
expect_status 0 bs --db e.db ingest empty.log

# A database that cannot be created: 73, named, with what to do.
mkdir ro && chmod 0555 ro
if [ "$(id -u)" != 0 ]; then
    expect_status 73 bs --db ro/x.db ingest "$S/access.log.1"
    expect_stderr "ro/x.db"
    expect_stderr "a folder you may write to"
fi
expect_status 73 bs --db no/such/folder/x.db ingest "$S/access.log.1"
expect_stderr "its folder 'no/such/folder' does not exist; create it"
expect_status 73 bs --db no/such/folder/x.db import "$S/wordpress-export.xml"
[ ! -e no ] || fail "a folder was created"
# A directory where the database should be: 66 even for root.
mkdir dbdir
expect_status 66 bs --db dbdir ingest "$S/access.log.1"
expect_stderr "dbdir"
# A file that is not a database: 65.
echo "hello" >notadb.db
expect_status 65 bs --db notadb.db ingest "$S/access.log.1"
expect_stderr "notadb.db"

# A GeoIP file that is not one: 66.
expect_status 66 "$BLOGSTAT" --geoip notadb.db --db g.db ingest "$S/access.log.1"
expect_stderr "GeoIP"
