# Several web servers, one PostgreSQL: a blog's log served by two nodes
# (every other line: each reader's views split between them), counted by
# both at the same time, many commits each, gives every number of the
# whole log (check.py: views, visitors and visits included, each visit
# as one server would have seen it); the same as a database file that
# read both logs. A node killed with kill -9 mid-run and run again, and
# a node run twice, add nothing twice.
. "$ROOT/tests/e2e/lib.sh"
pg_setup

$GEN --out g --days 3 --lines-per-day 2000 --start 2013-03-01
gzip -dc g/access.log.*.gz >whole.log
cat g/access.log.1 g/access.log >>whole.log
awk 'NR % 2 == 1' whole.log >a.log
awk 'NR % 2 == 0' whole.log >b.log
printf '[db]\nkey = %s/blog.key\n' "$PWD" >pg.conf

node() {
    bs --config pg.conf --db "$1" ingest --commit-every 200 "$2" 2>"$2.$3.err"
}

# Two nodes at once.
U=$(pg_db both)
node "$U" a.log 1 &
pa=$!
node "$U" b.log 1 &
pb=$!
wait $pa || { cat a.log.1.err; fail "node a"; }
wait $pb || { cat b.log.1.err; fail "node b"; }
# A bad line counts for the day of the line before it in its own log:
# split in two, some fall on another day (--joined).
check g/expected.json "$U" --joined
for day in 2013-03-01 2013-03-02 2013-03-03; do
    check g/expected.json "$U" --joined --from $day --to $day
done

# A database file that read both logs one after the other.
cp blog.key lite.db.key
bs --db lite.db ingest a.log b.log 2>err || { cat err; fail "ingest into a file"; }
same() {
    for t in posts tags categories countries days; do
        "$BLOGSTAT" --db lite.db top $t --limit 0 --format csv >lite.csv
        "$BLOGSTAT" --db "$1" top $t --limit 0 --format csv >pg.csv
        cmp -s lite.csv pg.csv || { diff lite.csv pg.csv | head >&2; fail "top $t: $1 differs from the file"; }
    done
}
same "$U"

# Again, both: nothing new.
node "$U" a.log 2 || { cat a.log.2.err; fail "node a again"; }
node "$U" b.log 2 || { cat b.log.2.err; fail "node b again"; }
same "$U"

# A node killed while it commits, run again; the other meanwhile.
K=$(pg_db killed)
node "$K" a.log 3 &
pk=$!
i=0
until [ "$(pg_sql "$K" "SELECT count(*) FROM sources WHERE position > 0" 2>/dev/null || echo 0)" -gt 0 ]; do
    i=$((i + 1))
    [ $i -lt 200 ] || break
    sleep 0.05
done
kill -9 $pk 2>/dev/null || true
wait $pk 2>/dev/null || true
node "$K" b.log 3 || { cat b.log.3.err; fail "node b beside the killed one"; }
# (--wait: the killed node's claim goes when the server sees it gone.)
bs --config pg.conf --db "$K" ingest --wait --commit-every 200 a.log 2>a.log.4.err ||
    { cat a.log.4.err; fail "node a after kill -9"; }
same "$K"
check g/expected.json "$K" --joined
