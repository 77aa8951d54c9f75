# copy: a database file into PostgreSQL and back into a new file holds
# the same counts, table by table in both (posts, tags, categories, countries,
# days, referrers, sites, status), with days of more readers than a
# sparse sketch holds and open days; an ingest of the same logs into
# either copy adds nothing; a destination with data, or the database
# itself, is refused.
. "$ROOT/tests/e2e/lib.sh"
pg_setup
PG=$(pg_db copy)

# One key file for every database: PostgreSQL needs it named, and the
# files then use it too.
printf '[db]\nkey = %s/blog.key\n' "$PWD" >k.conf
b() { bs --config k.conf "$@"; }

# Three days, the busiest with more than 2,048 readers; the clock in the
# last one, so that its visits are still open.
$GEN --out g --seed 31 --days 3 --lines-per-day 30000 --mix busy
now=$(python3 -c 'import calendar; print(calendar.timegm((2013, 2, 3, 23, 0, 0)))')
b --db a.db import g/wordpress-export.xml 2>err || { cat err; fail "import"; }
BLOGSTAT_NOW=$now b --db a.db ingest --max-bad 100% g/access.log* 2>err ||
    { cat err; fail "ingest a.db"; }
check g/expected.json a.db --imported --untitled /cv.html --approx 2
big=$(python3 -c "
import json; e = json.load(open('g/expected.json'))
print(max(d['visitors'] for d in e['days'].values()))")
[ "$big" -gt 2048 ] || fail "no day of more than 2,048 readers ($big)"

# sqlite3 a.db SQL: one value, through Python (no sqlite3 program).
lite() {
    python3 -c 'import sqlite3, sys
v = sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0]
print("" if v is None else v)' "$1" "$2"
}

# Into PostgreSQL: every table's rows, counted there.
expect_status 0 b --db a.db copy --to "$PG"
expect_stderr "copied 3 days"
for t in sites paths terms post_terms days path_views term_views \
    country_views post_country_views day_sketches path_sketches \
    country_sketches visits referrers search_terms day_salts open_visit_sets \
    sources meta country_names; do
    want=$(lite a.db "SELECT count(*) FROM $t")
    got=$(pg_sql "$PG" "SELECT count(*) FROM $t")
    [ "$want" = "$got" ] || fail "$t: $got rows in PostgreSQL, $want in a.db"
done
[ "$(lite a.db 'SELECT count(*) FROM day_salts')" -gt 0 ] || fail "no open day"
for q in "SELECT sum(views) || ' ' || sum(hits) || ' ' || sum(visits) FROM days" \
    "SELECT sum(lines) || ' ' || sum(position) FROM sources" \
    "SELECT sum(views) FROM path_views" \
    "SELECT sum(length(visitors)) FROM open_visit_sets"; do
    want=$(lite a.db "$q")
    got=$(pg_sql "$PG" "$q")
    [ "$want" = "$got" ] || fail "$q: $got in PostgreSQL, $want in a.db"
done
# Distinct readers: each day's sketch as an hll value, counted in SQL
# as blogstat counts.
want=$(b --db a.db top days --format csv | tail -n +2 | cut -d, -f3 | xargs)
got=$(pg_sql "$PG" "SELECT string_agg(blogstat_visitors(sketch)::text,
    ' ' ORDER BY day) FROM day_sketches")
[ "$want" = "$got" ] || fail "readers per day in PostgreSQL: $got, not $want"

# Every table as PostgreSQL answers it.
tables="posts tags categories countries days referrers sites"
for t in $tables; do
    b --db a.db top $t --limit 0 --format csv >a.$t.csv
    b --db "$PG" top $t --limit 0 --format csv >p.$t.csv
    cmp -s a.$t.csv p.$t.csv || { diff a.$t.csv p.$t.csv | head; fail "top $t on PostgreSQL"; }
done

# A database with data, or itself, refused; nothing of it changed.
expect_status 73 b --db a.db copy --to "$PG"
expect_stderr "is not empty"
expect_stderr "$PG"
[ "$(pg_sql "$PG" 'SELECT sum(views) FROM days')" = \
  "$(lite a.db 'SELECT sum(views) FROM days')" ] || fail "refused copy wrote"
expect_status 64 b --db a.db copy --to a.db
expect_status 64 b --db a.db copy

# And back into a new file: the same tables as the original.
expect_status 0 b --db "$PG" copy --to c.db
for t in $tables; do
    b --db c.db top $t --limit 0 --format csv >c.$t.csv
    cmp -s a.$t.csv c.$t.csv || { diff a.$t.csv c.$t.csv | head; fail "top $t"; }
done
b --db a.db status --format csv >a.status
b --db c.db status --format csv | sed 's/c\.db/a.db/g' >c.status
cmp -s a.status c.status || { diff a.status c.status; fail "status"; }
check g/expected.json c.db --imported --untitled /cv.html --approx 2

# The logs read before add nothing to either copy.
BLOGSTAT_NOW=$now b --db c.db ingest --max-bad 100% g/access.log* 2>err ||
    { cat err; fail "ingest c.db again"; }
for t in $tables; do
    b --db c.db top $t --limit 0 --format csv | cmp -s - a.$t.csv ||
        fail "ingest into the copy changed top $t"
done
before=$(pg_sql "$PG" "SELECT sum(views) || ' ' || sum(hits) || ' ' ||
    sum(visits) FROM days")
BLOGSTAT_NOW=$now b --db "$PG" ingest --max-bad 100% g/access.log* 2>err ||
    { cat err; fail "ingest PostgreSQL again"; }
after=$(pg_sql "$PG" "SELECT sum(views) || ' ' || sum(hits) || ' ' ||
    sum(visits) FROM days")
[ "$before" = "$after" ] || fail "ingest into PostgreSQL added: $before, $after"
for t in $tables; do
    b --db "$PG" top $t --limit 0 --format csv | cmp -s - a.$t.csv ||
        fail "ingest into PostgreSQL changed top $t"
done

# File to file, the key beside each: the copy gets the original's.
bs --db d.db ingest --max-bad 100% g/access.log 2>err || { cat err; fail "d.db"; }
expect_status 0 bs --db d.db copy --to e.db
cmp -s d.db.key e.db.key || fail "e.db.key is not d.db's key"
bs --db e.db ingest --max-bad 100% g/access.log 2>err || { cat err; fail "e.db"; }
[ "$(lite d.db 'SELECT sum(views) FROM days')" = \
  "$(lite e.db 'SELECT sum(views) FROM days')" ] || fail "e.db counted again"
# A config naming another key than the one beside the file: told.
printf '[db]\nkey = %s/other.key\n' "$PWD" >o.conf
expect_status 0 bs --config o.conf --db d.db copy --to f.db
expect_stderr "has a key of its own, 'd.db.key'"
[ ! -e other.key ] || fail "a key made at the config's name"
