# The newest day is partial while, by the clock, it is still that day in
# the log's zone (+0100 here): --days N ends with the day before, --to can
# name it, and the report marks it and never compares it with full days.
# BLOGSTAT_NOW fixes the clock (Unix seconds).
. "$ROOT/tests/e2e/lib.sh"

ua='"Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"'
{
    for d in 01 02 03 04; do
        for h in 08 12 16 20; do
            echo "8.8.8.$d - - [$d/Mar/2024:$h:00:00 +0100] \"GET /post-a/ HTTP/1.1\" 200 5 \"-\" $ua"
        done
    done
    # 04:15 on the 5th: four hours of the day.
    echo "8.8.4.4 - - [05/Mar/2024:02:00:00 +0100] \"GET /post-a/ HTTP/1.1\" 200 5 \"-\" $ua"
} >access.log
expect_status 0 bs --db p.db ingest access.log

at() { date -u -d "$1" +%s; }
EARLY=$(at '2024-03-05 03:15:00')     # 04:15 at +0100
LATE=$(at '2024-03-05 22:59:00')      # 23:59 at +0100
NEXT=$(at '2024-03-05 23:00:00')      # midnight at +0100

days() {   # NOW ARGS...: top days as "day views" lines
    now=$1
    shift
    BLOGSTAT_NOW=$now "$BLOGSTAT" --db p.db top days --format csv "$@" |
        tail -n +2 | cut -d, -f1,2 | tr '\n' ' '
}
[ "$(days "$EARLY" --days 2)" = "2024-03-03,4 2024-03-04,4 " ] ||
    fail "--days 2 at 04:15: $(days "$EARLY" --days 2)"
[ "$(days "$LATE" --days 1)" = "2024-03-04,4 " ] ||
    fail "--days 1 at 23:59: $(days "$LATE" --days 1)"
[ "$(days "$NEXT" --days 1)" = "2024-03-05,1 " ] ||
    fail "--days 1 after midnight: $(days "$NEXT" --days 1)"
[ "$(days "$EARLY" --days 1 --to 2024-03-05)" = "2024-03-05,1 " ] ||
    fail "--to does not name the partial day"
[ "$(days "$EARLY" --from 2024-03-04)" = "2024-03-04,4 2024-03-05,1 " ] ||
    fail "--from: $(days "$EARLY" --from 2024-03-04)"
BLOGSTAT_NOW=$EARLY "$BLOGSTAT" --db p.db top posts --days 1 --format csv >p.csv
grep -qx '/post-a/,,4,1,4' p.csv || { cat p.csv >&2; fail "top posts --days 1"; }
# A clock that is no number is refused.
BLOGSTAT_NOW=soon expect_status 64 "$BLOGSTAT" --db p.db top days --days 1
expect_stderr "BLOGSTAT_NOW"

# -- the report ---------------------------------------------------------------
# --days 1 at 04:15: the 4th against the 3rd, no partial day, no "-94%".
BLOGSTAT_NOW=$EARLY expect_status 0 "$BLOGSTAT" --db p.db report --days 1 --out r1
grep -q '1 day' r1/index.html || fail "r1: not one day"
grep -q '4 March 2024' r1/index.html || fail "r1: not the 4th"
if grep -q 'still being written' r1/index.html; then fail "r1 marks a day"; fi
if grep -q '−' r1/index.html; then fail "r1: a fall"; fi
# The whole range: the 5th is marked, in the note and its table row, and
# the change is of the complete days.
BLOGSTAT_NOW=$EARLY expect_status 0 "$BLOGSTAT" --db p.db report --from 2024-03-03 --out r2
grep -q 'Tue 5 Mar 2024 is still being written' r2/index.html || fail "r2: no note"
grep -q '<tr class="partial"><td>Tue 5 Mar 2024 <span class="note">(so far' r2/index.html ||
    fail "r2: the table row is not marked"
grep -q 'over the 2 complete days' r2/index.html || fail "r2: compares the partial day"
if grep -q '−' r2/index.html; then fail "r2: a fall from comparing a partial day"; fi
# The partial day alone: nothing to compare.
BLOGSTAT_NOW=$EARLY expect_status 0 "$BLOGSTAT" --db p.db report --from 2024-03-05 --out r3
grep -q 'nothing to compare yet' r3/index.html || fail "r3: compared"
# Once the day is over, it is a day like the others.
BLOGSTAT_NOW=$NEXT expect_status 0 "$BLOGSTAT" --db p.db report --from 2024-03-03 --out r4
if grep -q 'still being written' r4/index.html; then fail "r4 marks a day"; fi
python3 "$ROOT/tests/e2e/htmlcheck.py" safe r2/index.html || fail "r2: html"
