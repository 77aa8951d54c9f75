# Nightly operation: every line counted exactly once whatever logrotate
# did between two runs (rename, copytruncate, compression, a half-written
# .gz, a half-written last line), and a second run changes nothing.
. "$ROOT/tests/e2e/lib.sh"
S=$ROOT/sample-logs
D="python3 $ROOT/tests/e2e/dbdump.py"

# Lines to play with: the day of access.log.1, 306 lines (2 of them bad).
cp "$S/access.log.1" all.txt
ALL=$PWD/all.txt
lines() { sed -n "$1,$2p" "$ALL"; }
ingest() { db=$1; shift; bs --db "$db" ingest --max-bad 100% "$@" 2>>ingest.err; }
total() { "$BLOGSTAT" --db "$1" status --format json |
    python3 -c 'import json,sys; print(sum(r["lines"] for r in json.load(sys.stdin)))'; }
# same DB1 DB2: the same counts, whatever the files were called
same() {
    $D "$1" --counts >"$1.dump"
    $D "$2" --counts >"$2.dump"
    diff "$1.dump" "$2.dump" >/dev/null || { diff "$1.dump" "$2.dump" | head; fail "$1 != $2"; }
}
clean() {   # clean DB FIRST LAST: one run over lines FIRST..LAST in one file
    mkdir -p "c$1"
    lines "$2" "$3" >"c$1/one.log"
    bs --db "$1" ingest --max-bad 100% "c$1/one.log" 2>/dev/null
}

# Twice over the same files: the database is identical, byte for byte.
ingest twice.db "$S"/access.log*
$D twice.db >dump1
ingest twice.db "$S"/access.log* "$S"/access.log.3.gz
$D twice.db >dump2
cmp -s dump1 dump2 || { diff dump1 dump2 | head; fail "a second run changed the database"; }

# create rotation: 100 lines, run; 50 more, rename to .1, a new file
# with 30; run: 180 lines, counted as one clean run counts them.
mkdir rot && cd rot
lines 1 100 >access.log
ingest ../rot.db access.log*
lines 101 150 >>access.log
mv access.log access.log.1
lines 151 180 >access.log
ingest ../rot.db access.log*
cd ..
[ "$(total rot.db)" -eq 180 ] || fail "create rotation: $(total rot.db) lines"
clean rot-clean.db 1 180
same rot.db rot-clean.db

# ... and a day later the .1 becomes .2.gz (delaycompress): nothing added.
cd rot
gzip -c access.log.1 >access.log.2.gz && rm access.log.1
mv access.log access.log.1
ingest ../rot.db access.log*
cd ..
[ "$(total rot.db)" -eq 180 ] || fail "compression added lines: $(total rot.db)"
same rot.db rot-clean.db
"$BLOGSTAT" --db rot.db status --format json | python3 -c '
import json, sys
r = {x["file"]: x for x in json.load(sys.stdin)}
assert r["access.log.2.gz"]["state"] == "complete", r' || fail "the .2.gz is not complete"

# copytruncate: copy + truncate + 30 new lines; counted once each.
mkdir ct && cd ct
lines 1 100 >access.log
ingest ../ct.db access.log*
lines 101 120 >>access.log
cp access.log access.log.1 && : >access.log
lines 121 150 >>access.log
ingest ../ct.db access.log*
cd ..
[ "$(total ct.db)" -eq 150 ] || fail "copytruncate: $(total ct.db) lines"
clean ct-clean.db 1 150
same ct.db ct-clean.db

# ... the new file grows past the old position before the next run, and
# a writer without O_APPEND leaves a hole of NULs the size of the old file.
mkdir ct2 && cd ct2
lines 1 60 >access.log
ingest ../ct2.db access.log*
lines 61 70 >>access.log
cp access.log access.log.1
python3 - access.log "$ALL" <<'PY'
import os, sys
size = os.path.getsize(sys.argv[1])
with open(sys.argv[1], "r+b") as f:
    f.truncate(0)
    f.seek(size)          # the writer's offset: a hole of NULs before it
    f.write(open(sys.argv[2], "rb").read().split(b"\n", 70)[70].rsplit(b"\n", 70)[0] + b"\n")
PY
ingest ../ct2.db access.log*
cd ..
want=$(( 70 + $(python3 -c 'print(len(open("all.txt","rb").read().split(b"\n",70)[70].rsplit(b"\n",70)[0].split(b"\n")))') ))
[ "$(total ct2.db)" -eq "$want" ] || fail "copytruncate with a hole: $(total ct2.db) lines, want $want"

# The plain .1 and a half-written .1.gz of it, in either order: counted
# once. Just written, the .gz is still being written (0, -v says so); cut
# and unchanged for hours, it is truncated (65); never complete.
mkdir hz && cd hz
lines 1 306 >access.log.1
gzip -c access.log.1 >full.gz
head -c $(( $(wc -c <full.gz) / 2 )) full.gz >access.log.1.gz && rm full.gz
expect_status 0 bs --db ../hz1.db -v ingest --max-bad 100% access.log.1 access.log.1.gz
expect_stderr "access.log.1.gz: a part of what was read before"
# The .gz alone first: which of two files given at once is read first is
# up to the workers.
expect_status 0 bs --db ../hz3.db -v ingest --max-bad 100% access.log.1.gz
expect_stderr "access.log.1.gz: a gzip file still being written"
"$BLOGSTAT" --db ../hz3.db status --format json | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert len(r) == 1 and r[0]["state"] == "open", r' ||
    fail "a half-written .gz is complete"
expect_status 0 bs --db ../hz3.db ingest --max-bad 100% access.log.1
touch -d '3 hours ago' access.log.1.gz
expect_status 65 bs --db ../hz2.db ingest --max-bad 100% access.log.1.gz access.log.1
expect_stderr "truncated gzip file"
cd ..
clean hz-clean.db 1 306
same hz1.db hz-clean.db
same hz2.db hz-clean.db
same hz3.db hz-clean.db

# A half-written last line is left for the next run, then taken whole.
mkdir pl && cd pl
lines 1 10 >access.log
lines 11 11 | tr -d '\n' | head -c 40 >>access.log
ingest ../pl.db access.log
[ "$(total ../pl.db)" -eq 10 ] || fail "the half line was counted"
lines 11 11 | cut -c 41- >>access.log
ingest ../pl.db access.log
[ "$(total ../pl.db)" -eq 11 ] || fail "the completed line: $(total ../pl.db)"
cd ..
clean pl-clean.db 1 11
same pl.db pl-clean.db

# Standard input is known by its content too.
lines 1 50 | bs --db in.db ingest - 2>/dev/null
lines 1 80 | bs --db in.db ingest - 2>/dev/null
[ "$(total in.db)" -eq 80 ] || fail "stdin twice: $(total in.db) lines"

# A file that begins like one read before (its first KiB) but differs
# after: refused. One that shares only its first line is a log of its own.
mkdir cf && cd cf
lines 1 20 >a.log
ingest ../cf.db a.log
{ lines 1 12; lines 200 230; } >b.log
[ "$(head -n 12 b.log | wc -c)" -gt 1024 ] || fail "b.log: too short a head"
expect_status 65 bs --db ../cf.db ingest b.log
expect_stderr "differs from it further on"
{ lines 1 1; lines 200 230; } >c.log
expect_status 0 bs --db ../cf.db ingest --max-bad 100% c.log
cd ..
[ "$(total cf.db)" -eq 52 ] || fail "a conflicting file was counted: $(total cf.db)"

# Several files at once (-j 2) count what one at a time counts, also when
# two of them hold the same content (a worker waits for the other).
bs --db j1.db ingest -j 1 --max-bad 100% "$S"/access.log* 2>/dev/null
bs --db j2.db ingest -j 2 --max-bad 100% "$S"/access.log* 2>/dev/null
same j1.db j2.db
mkdir jz && cd jz
lines 1 306 >access.log.1
gzip -c access.log.1 >access.log.1.gz
cp access.log.1.gz again.gz
bs --db ../jz.db ingest -j 3 --max-bad 100% access.log.1 access.log.1.gz again.gz 2>/dev/null
cd ..
same jz.db hz-clean.db
