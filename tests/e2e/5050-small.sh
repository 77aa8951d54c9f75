# Small hostile cases, each with its exit status from the README's table:
# [site ..] is refused by the config (64) rather than counted and left out
# of the report; a report of more than 64 sites writes every one; `top`
# on a database in a folder it cannot write is 66; a report on a full
# disk is 74, with one line naming the file and nothing from libpng.
. "$ROOT/tests/e2e/lib.sh"
S=$ROOT/sample-logs
ua='"Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"'

# -- [site ..] ------------------------------------------------------------------
printf '[site ..]\nhosts = dots.example\n' >dots.conf
expect_status 64 bs --config dots.conf --db dots.db ingest "$S/access.log.1"
expect_stderr "a site's name"
[ -e dots.db ] && fail "a database was made with [site ..]"

# -- 70 sites, declared by three configs in turn --------------------------------
# sites.log: one view for each of the hosts h1..h70.example.
i=1
: >sites.log
while [ $i -le 70 ]; do
    printf 'h%d.example:80 81.2.69.142 - - [07/Feb/2013:10:%02d:%02d +0100] "GET /2013/02/07/p%d/ HTTP/1.1" 200 10 "-" %s\n' \
        $i $((i / 60)) $((i % 60)) $i "$ua" >>sites.log
    i=$((i + 1))
done
for part in 1 2 3; do
    lo=$(( (part - 1) * 24 + 1 )); hi=$(( part * 24 ))
    { echo "[log]"; echo "format = vhost_combined"
      i=$lo
      while [ $i -le $hi ] && [ $i -le 70 ]; do
          printf '[site s%d]\nhosts = h%d.example\n' $i $i
          i=$((i + 1))
      done; } >part$part.conf
    # Each config's own lines, so that no log is read twice.
    grep -E "^h($(seq -s '|' $lo $hi))\.example" sites.log >part$part.log
    expect_status 0 bs --config part$part.conf --db many.db ingest part$part.log
done
expect_status 0 "$BLOGSTAT" --config part3.conf --db many.db report --no-periods --out many
n=$(ls many/site | wc -l)
[ "$n" = 70 ] || fail "$n site reports of 70"
grep -q 'href="site/s70/index.html"' many/index.html || fail "no link to s70"
grep -q 'href="../s1/index.html"' many/site/s70/index.html || fail "s70 links no s1"

# -- a database in a folder top cannot write: 66 --------------------------------
mkdir ro
cp many.db ro/x.db
if [ "$(id -u)" = 0 ]; then
    # root writes anywhere: ask as nobody, in a folder nobody can read
    # but not write.
    chmod 0755 . ro
    chmod 0644 ro/x.db
    if setpriv --reuid=nobody --regid=nogroup --clear-groups \
        test -x "$BLOGSTAT" -a -r ro/x.db 2>/dev/null; then
        expect_status 66 setpriv --reuid=nobody --regid=nogroup --clear-groups \
            "$BLOGSTAT" --db ro/x.db top posts
        expect_stderr "ro/x.db"
    else
        echo "skip: nobody cannot reach the scratch folder"
    fi
else
    chmod 0555 ro
    expect_status 66 "$BLOGSTAT" --db ro/x.db top posts
    expect_stderr "ro/x.db"
    chmod 0755 ro
fi

# -- a full disk during report: 74, one line, no libpng ---------------------------
bs --db b.db ingest "$S"/access.log* 2>/dev/null
cat >limited <<'PY'
import os, resource, sys
lim = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (lim, lim))
os.execvp(sys.argv[2], sys.argv[2:])
PY
# Room for the database's -shm file, none for a chart.
expect_status 74 python3 limited 40000 "$BLOGSTAT" --db b.db report --out full
expect_stderr "cannot write 'full/charts/"
grep -qi libpng stderr && fail "libpng wrote to stderr: $(cat stderr)"
[ "$(grep -c . stderr)" = 1 ] || fail "more than one line: $(cat stderr)"
[ -z "$(find full -name '.*.*')" ] || fail "temporary files left: $(find full -name '.*.*')"
exit 0
