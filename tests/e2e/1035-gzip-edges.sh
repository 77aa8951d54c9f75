# gzip edges: a damaged member in the middle gives none of its lines and
# the members after it are read (65, a warning naming the member and where
# it begins); a damaged member over a megabyte is dropped whole too; the
# same with the last member; garbage after the last member is a warning
# (0); a .gz still being written is read as far as it goes (0, -v says
# so) and finished on the next run; one cut and unchanged for hours is
# truncated (65).
. "$ROOT/tests/e2e/lib.sh"
S=$ROOT/sample-logs
D="python3 $ROOT/tests/e2e/dbdump.py"

lines_of() {
    "$BLOGSTAT" --db "$1" status --format csv | tail -1 | cut -d, -f2
}
# same DB1 DB2: the same counts, whatever the files were called
same() {
    $D "$1" --counts >"$1.dump"
    $D "$2" --counts >"$2.dump"
    diff "$1.dump" "$2.dump" >/dev/null || { diff "$1.dump" "$2.dump" | head; fail "$1 != $2"; }
}
# spoil IN OUT: the CRC of a gzip file's (last) member made wrong
spoil() {
    python3 - "$1" "$2" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[-8] ^= 0x55
open(sys.argv[2], "wb").write(bytes(b))
PY
}

gzip -dc "$S/access.log.2.gz" >all.log
total=$(wc -l <all.log)
head -n 100 all.log >a.log
sed -n '101,200p' all.log >b.log
sed -n '201,$p' all.log >c.log
gzip -c a.log >a.gz
gzip -c b.log >b.gz
gzip -c c.log >c.gz
cat a.log c.log >ac.log
bs --db ac.db ingest ac.log 2>/dev/null

# The middle member's CRC spoilt: its 100 lines are not counted, the
# third member's are; the counts are those of the good members alone.
spoil b.gz bad.gz
cat a.gz bad.gz c.gz >mid.gz
at=$(wc -c <a.gz)
expect_status 65 bs --db mid.db ingest mid.gz
expect_stderr "mid.gz: gzip member 2 at byte $at is damaged (incorrect data check)"
expect_stderr "mid.gz: corrupt gzip file: 1 damaged part skipped, the first at byte $at"
got=$(lines_of mid.db)
[ "$got" -eq $((total - 100)) ] ||
    fail "damaged middle member: $got lines counted, want $((total - 100))"
same mid.db ac.db
# Read again: the same error, nothing added.
expect_status 65 bs --db mid.db ingest mid.gz
expect_stderr "mid.gz: corrupt gzip file"
same mid.db ac.db

# The damaged member is the last: the others count.
cat a.gz c.gz bad.gz >last.gz
expect_status 65 bs --db last.db ingest last.gz
expect_stderr "last.gz: corrupt gzip file: 1 damaged part skipped"
same last.db ac.db

# A damaged middle member of megabytes: its lines inflated before the
# damage showed are dropped too.
$GEN --out big --layout single --lines 20000 --seed 7 --no-bad >/dev/null
gzip -dc big/access.log.gz >big.log
[ "$(wc -c <big.log)" -gt 3000000 ] || fail "the big member is too small"
spoil big/access.log.gz bigbad.gz
cat a.gz bigbad.gz c.gz >bigmid.gz
expect_status 65 bs --db bigmid.db ingest --max-bad 100% bigmid.gz
expect_stderr "bigmid.gz: gzip member 2 at byte $at is damaged"
same bigmid.db ac.db
# The same on three threads (one file: its lines judged by two helpers,
# the blocks in flight when the damage shows dropped with the rest).
expect_status 65 bs --db bigmid3.db ingest -j 3 --max-bad 100% bigmid.gz
expect_stderr "bigmid.gz: gzip member 2 at byte $at is damaged"
same bigmid3.db ac.db
# Committed every 1000 lines, the member's first chunks go in before its
# check (the documented limit), never the last one, where the damage
# shows; the members around it count whole.
expect_status 65 bs --db bigmid2.db ingest --max-bad 100% --commit-every 1000 bigmid.gz
got=$(lines_of bigmid2.db)
[ "$got" -ge $((total - 100)) ] && [ "$got" -lt $((total - 100 + 20000 - 1000)) ] ||
    fail "damaged big member, small chunks: $got lines counted"

# Garbage after the last member: a warning, every line counted.
{ cat a.gz b.gz c.gz; printf 'trailing garbage\n'; } >tail.gz
expect_status 0 bs --db tail.db ingest tail.gz
expect_stderr "tail.gz: 17 bytes after the last gzip member are no gzip data"
got=$(lines_of tail.db)
[ "$got" -eq "$total" ] || fail "trailing garbage: $got lines, want $total"

# A .gz still being written: no trailer yet. Read as far as it goes, then
# finished by the next run once it is whole.
gzip -c all.log >whole.gz
size=$(wc -c <whole.gz)
head -c $((size / 2)) whole.gz >live.gz
part=$(gzip -dc live.gz 2>/dev/null | wc -l)
expect_status 0 bs --db live.db -v ingest live.gz
expect_stderr "live.gz: a gzip file still being written"
got=$(lines_of live.db)
[ "$got" -eq "$part" ] || fail "being written: $got lines, want $part"
expect_status 0 bs --db live.db report --out out
cp whole.gz live.gz
expect_status 0 bs --db live.db ingest live.gz
got=$(lines_of live.db)
[ "$got" -eq "$total" ] || fail "finished: $got lines, want $total"
"$BLOGSTAT" --db live.db status --format json | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert len(r) == 1 and r[0]["state"] == "complete", r' ||
    fail "the finished .gz is not complete"
bs --db whole.db ingest whole.gz 2>/dev/null
same live.db whole.db

# Cut and unchanged for hours: truncated, the complete lines counted.
head -c $((size / 2)) whole.gz >dead.gz
touch -d '3 hours ago' dead.gz
expect_status 65 bs --db dead.db ingest dead.gz
expect_stderr "dead.gz: truncated gzip file"
expect_stderr "has not changed for an hour"
got=$(lines_of dead.db)
[ "$got" -eq "$part" ] || fail "truncated: $got lines, want $part"
