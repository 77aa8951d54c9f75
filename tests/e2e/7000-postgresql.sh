# PostgreSQL: the same log ingested into a database file and into
# PostgreSQL gives the same answer to every `top` table, every number of
# the generator's expected counts (check.py), the same report; a second
# run adds nothing; the visitor key is a file every node shares, and a
# log being read by one node is refused to another (exit 75).
. "$ROOT/tests/e2e/lib.sh"
pg_setup
U=$(pg_db one)

$GEN --out g --days 4 --lines-per-day 1000 --start 2013-02-01
# One key file for both databases: the same visitors.
printf '[db]\nkey = %s/blog.key\n' "$PWD" >pg.conf
bs --config pg.conf --db "$U" ingest g/access.log* 2>err || { cat err; fail "ingest into PostgreSQL"; }
[ -f blog.key ] || fail "no key file made"
[ "$(stat -c %a blog.key)" = 600 ] || fail "key mode $(stat -c %a blog.key)"
cp blog.key lite.db.key
bs --db lite.db ingest g/access.log* 2>err || { cat err; fail "ingest into SQLite"; }
check g/expected.json "$U"
check g/expected.json "$U" --from 2013-02-02 --to 2013-02-03

same() {
    for t in posts tags categories countries days; do
        "$BLOGSTAT" --db lite.db top $t --limit 0 --format csv "$@" >lite.csv
        "$BLOGSTAT" --db "$U" top $t --limit 0 --format csv "$@" >pg.csv
        [ "$(csv_rows <pg.csv)" -gt 0 ] || fail "top $t: no rows"
        cmp -s lite.csv pg.csv || { diff lite.csv pg.csv | head >&2; fail "top $t $*: PostgreSQL differs"; }
    done
    "$BLOGSTAT" --db lite.db top posts --least --limit 0 --format csv "$@" >lite.csv
    "$BLOGSTAT" --db "$U" top posts --least --limit 0 --format csv "$@" >pg.csv
    cmp -s lite.csv pg.csv || { diff lite.csv pg.csv | head >&2; fail "top posts --least $*: PostgreSQL differs"; }
}
same
# Half the days and more: every table read whole; one day of four: the
# posts of that day's paths, found by seeks.
same --from 2013-02-02 --to 2013-02-03
same --from 2013-02-03 --to 2013-02-03

# No key in the config: refused, nothing counted.
expect_status 64 bs --db "$U" ingest g/access.log
expect_stderr "[db] key = PATH"

# A node given a key of its own would count every reader again:
# refused, nothing of its log counted.
head -c 16 /dev/urandom >other.key
chmod 600 other.key
printf '[db]\nkey = %s/other.key\n' "$PWD" >other.conf
$GEN --out h --days 1 --lines-per-day 300 --start 2013-02-09
before=$(pg_sql "$U" "SELECT sum(hits) FROM days")
expect_status 65 bs --config other.conf --db "$U" ingest h/access.log
expect_stderr "another visitor key"
[ "$(pg_sql "$U" "SELECT sum(hits) FROM days")" = "$before" ] || fail "a run under another key counted"

# Again: nothing new.
before=$(pg_sql "$U" "SELECT sum(hits) || '/' || sum(views) FROM days")
bs --config pg.conf --db "$U" ingest g/access.log* 2>err || { cat err; fail "second ingest"; }
after=$(pg_sql "$U" "SELECT sum(hits) || '/' || sum(views) FROM days")
[ "$before" = "$after" ] || fail "a second run changed $before to $after"

# Imported posts: titles and tags alike.
"$BLOGSTAT" --db lite.db import g/wordpress-export.xml
"$BLOGSTAT" --db "$U" import g/wordpress-export.xml
check g/expected.json "$U" --imported --untitled /cv.html
same

# The report: the same page (the engines number their rows apart: the
# names of the posts' pages and charts differ by their ids alone).
"$BLOGSTAT" --db lite.db report --out rl >/dev/null
"$BLOGSTAT" --db "$U" report --out rp >/dev/null
for r in rl rp; do
    sed -E 's/(posts\/|spark-)[0-9]+/\1N/g' $r/index.html >$r.html
done
grep -q "Om mig" rp.html || fail "the report lacks an imported title"
cmp -s rl.html rp.html || { diff rl.html rp.html | head >&2; fail "the reports differ"; }
[ "$(ls rl/posts | wc -l)" = "$(ls rp/posts | wc -l)" ] || fail "not as many post pages"

# status names the database without its password.
"$BLOGSTAT" --db "$U" status >stdout || fail "status"
grep -q "2013-02-01" stdout || { cat stdout; fail "status lacks the first day"; }

# One node reads a log (held open, as stdin from a pipe); another node
# given the same log is refused with 75, and counts nothing of it.
U2=$(pg_db two)
head -200 g/access.log >live.log
mkfifo pipe
(cat live.log; exec sleep 30) >pipe &
feeder=$!
bs --config pg.conf --db "$U2" ingest - <pipe 2>node1.err &
node1=$!
i=0
# The claim's lock: not the schema's or the writers' (held for a moment).
until [ "$(pg_sql "$U2" "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND (classid::bigint << 32 | objid::bigint) NOT IN (7089066326557274484, 7089066326557274487)" 2>/dev/null || echo 0)" -gt 0 ]; do
    i=$((i + 1)); [ $i -lt 100 ] || fail "the first node never claimed the log"; sleep 0.1
done
expect_status 75 bs --config pg.conf --db "$U2" ingest live.log
expect_stderr "another blogstat is reading this log"
# With --wait, it waits for the first to let the log go, then reads on
# from where that one stopped: nothing twice.
bs --config pg.conf --db "$U2" ingest --wait live.log 2>node2.err &
node2=$!
sleep 1
kill -0 "$node2" 2>/dev/null || { cat node2.err; fail "--wait did not wait"; }
kill "$feeder" 2>/dev/null || true
wait "$node1" || { cat node1.err; fail "the first node failed"; }
wait "$node2" || { cat node2.err; fail "the waiting node failed"; }
[ "$(pg_sql "$U2" "SELECT sum(hits) + sum(bad_lines) FROM days")" = 200 ] ||
    fail "the log of 200 lines counted as $(pg_sql "$U2" "SELECT sum(hits) + sum(bad_lines) FROM days")"
