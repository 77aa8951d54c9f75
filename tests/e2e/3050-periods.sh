# The report over other periods: the last 7, 30, 90 and 365 days (as far
# as the data reaches back), each year (of more than one month) and
# month with data, each in periods/ID/, linked from a menu on every page
# and from periods/index.html; every page safe, holding what it links,
# and its tables equal to `top` for its range; a second report draws no
# period again unless its data changed.
. "$ROOT/tests/e2e/lib.sh"
S=$ROOT/sample-logs
H="python3 $ROOT/tests/e2e/htmlcheck.py"
C="--config $S/blogstat.conf --db b.db"
export BLOGSTAT_NOW=1360886400       # 15 February 2013, 00:00 UTC

expect_status 0 bs $C ingest "$S"/access.log*
expect_status 0 "$BLOGSTAT" $C import "$S/wordpress-export.xml"
expect_status 0 "$BLOGSTAT" -v $C report --out rep
# The logs hold 1 - 14 February: the last 7 and 30 days (90 would show
# the same days as 30), and February (2013 has no other month).
expect_stderr "3 period reports written"
for p in last-7 last-30 2013-02; do
    [ -f rep/periods/$p/index.html ] || fail "no period $p"
    grep -q "href=\"periods/$p/index.html\"\|href=\"$p/index.html\"" \
        rep/index.html rep/periods/index.html || fail "$p is linked nowhere"
done
[ "$(ls rep/periods | wc -l)" = 4 ] || fail "periods: $(ls rep/periods)"
$H safe rep/index.html rep/periods/index.html rep/periods/*/index.html
$H linked rep
for p in rep/periods/*/; do
    $H linked "$p"
    [ -d "$p/posts" ] && fail "$p has post pages of its own"
done
# Each period's tables are top's for its range (the last N days end with
# the newest complete day, 14 February).
$H numbers rep/periods/2013-02/index.html "$BLOGSTAT" b.db --from 2013-02-01 --to 2013-02-28
$H numbers rep/periods/last-7/index.html "$BLOGSTAT" b.db --from 2013-02-08 --to 2013-02-14
$H numbers rep/periods/last-30/index.html "$BLOGSTAT" b.db --from 2013-01-16 --to 2013-02-14
$H text rep/periods/last-7/index.html "8 – 14 February 2013"
# A page's own period is in bold, the others linked back to it.
grep -q '<b>Last 7 days</b>' rep/periods/last-7/index.html || fail "last-7 not marked"
grep -q 'href="../../index.html"' rep/periods/last-7/index.html || fail "no way back"

# Again: nothing changed, nothing drawn.
stamp=$(stat -c %i rep/periods/2013-02/index.html)
expect_status 0 "$BLOGSTAT" -v $C report --out rep
expect_stderr "0 period reports written"
[ "$(stat -c %i rep/periods/2013-02/index.html)" = "$stamp" ] ||
    fail "2013-02 was written again"

# One more view on 10 February: February and the periods that hold the
# day are drawn again; the page shows it.
printf '%s\n' '81.2.69.142 - - [10/Feb/2013:12:00:00 +0100] "GET /2013/02/07/cyberbrottslighet-kraver-gemensamma-svar/ HTTP/1.1" 200 100 "-" "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0"' >late.log
expect_status 0 bs $C ingest late.log
expect_status 0 "$BLOGSTAT" -v $C report --out rep
expect_stderr "3 period reports written"
[ "$(stat -c %i rep/periods/2013-02/index.html)" != "$stamp" ] ||
    fail "2013-02 was not written again"
$H numbers rep/periods/2013-02/index.html "$BLOGSTAT" b.db --from 2013-02-01 --to 2013-02-28

# --no-periods: the range alone, no menu.
expect_status 0 "$BLOGSTAT" $C report --no-periods --out bare
[ -e bare/periods ] && fail "--no-periods wrote periods"
grep -q 'class="periods"' bare/index.html && fail "--no-periods has a menu"
true
