# A log is known by a keyed fingerprint of its first KiB and its site,
# never by one line an outsider can send: two sites' logs that begin with
# the same uptime probe are two logs, every night. One database under two
# names is one lock; what is not a regular file is no database; a key
# others can read or another user made is not used; and the database
# alone holds no unkeyed hash of a log line.
. "$ROOT/tests/e2e/lib.sh"

cat >s.conf <<'CONF'
[site a]
hosts = a.example
[site b]
hosts = b.example
CONF

probe() {
    printf '%s - - [%s:06:25:01 +0100] "HEAD / HTTP/1.1" 200 0 "-" "uptime/1.0"\n' \
        192.0.2.9 "$1"
}
# line DAY HOUR PATH: a reader's view.
line() {
    printf '%s - - [%s:%s:00:00 +0100] "GET %s HTTP/1.1" 200 512 "-" "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"\n' \
        198.51.100.7 "$1" "$2" "$3"
}
lines_of() {
    "$BLOGSTAT" --db "$1" status --format json |
        python3 -c 'import json,sys; print(sum(r["lines"] for r in json.load(sys.stdin)))'
}
views_of() {
    "$BLOGSTAT" --config s.conf --db "$1" top days --site "$2" --format json |
        python3 -c 'import json,sys; print(sum(r["views"] for r in json.load(sys.stdin)))'
}

# Two sites, two logs, one first line; three nights of rotation.
mkdir a b
want=0
for day in 04 05 06; do
    d="$day/Feb/2013"
    [ -f a/access.log ] && mv a/access.log a/access.log.1
    [ -f b/access.log ] && mv b/access.log b/access.log.1
    { probe "$d"; line "$d" 07 /2013/02/01/post-a/; } >a/access.log
    { probe "$d"; line "$d" 08 /2013/02/02/post-b/; line "$d" 09 /2013/02/03/post-c/; } >b/access.log
    want=$((want + 5))
    bs --config s.conf --db s.db ingest --site a a/access.log* 2>err ||
        { cat err; fail "ingest a, $day"; }
    bs --config s.conf --db s.db ingest --site b b/access.log* 2>err ||
        { cat err; fail "ingest b, $day"; }
    n=$(lines_of s.db)
    [ "$n" -eq "$want" ] || fail "night $day: $n lines counted, not $want"
done
[ "$(views_of s.db a)" -eq 3 ] || fail "site a: $(views_of s.db a) views, not 3"
[ "$(views_of s.db b)" -eq 6 ] || fail "site b: $(views_of s.db b) views, not 6"

# Logs of one site that begin alike and part later are two logs too.
{ probe 07/Feb/2013; line 07/Feb/2013 10 /x/; } >one.log
{ probe 07/Feb/2013; line 07/Feb/2013 10 /y/; } >two.log
bs --db t.db ingest one.log two.log 2>err || { cat err; fail "ingest t"; }
[ "$(lines_of t.db)" -eq 4 ] || fail "two logs of one first line: $(lines_of t.db) lines"

# A log first seen with one line is read on as it grows, not again.
probe 08/Feb/2013 >grow.log
bs --db g.db ingest grow.log 2>err || { cat err; fail "ingest grow 1"; }
for i in 10 11 12 13 14 15 16 17 18 19 20 21; do
    line 08/Feb/2013 "$i" "/2013/02/08/post-$i/" >>grow.log
    bs --db g.db ingest grow.log 2>err || { cat err; fail "ingest grow $i"; }
done
[ "$(lines_of g.db)" -eq 13 ] || fail "a growing log: $(lines_of g.db) lines, not 13"
[ "$("$BLOGSTAT" --db g.db status --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" -eq 1 ] ||
    fail "a growing log is more than one source"

# The database alone cannot test a guess: another key, other hashes.
cp grow.log grow2.log
bs --db g2.db ingest grow2.log 2>/dev/null
python3 - g.db g2.db <<'PY'
import sqlite3, sys
rows = [sqlite3.connect(p).execute(
    "SELECT fingerprint, last_hash, head_len FROM sources").fetchone()
    for p in sys.argv[1:]]
(fa, la, na), (fb, lb, nb) = rows
if fa == fb or la == lb:
    sys.exit("two keys, one fingerprint or line check")
if na != nb or na < 1024:
    sys.exit(f"the fingerprint covers {na} bytes, not the first KiB")
PY

# One database under three names: one lock.
ln -s s.db alias.db
ln s.db hard.db
flock s.db sleep 3 &
sleep 0.5
expect_status 75 bs --config s.conf --db alias.db ingest --site a a/access.log
expect_stderr "another ingest"
expect_status 75 bs --config s.conf --db hard.db ingest --site a a/access.log
wait
# The symbolic link's key is the database's; a hard link has none beside
# it, and a new key would read every log again: refused.
expect_status 0 bs --config s.conf --db alias.db ingest --site a a/access.log
expect_status 66 bs --config s.conf --db hard.db ingest --site a a/access.log
expect_stderr "restore it"
[ "$(lines_of s.db)" -eq 15 ] || fail "s.db: $(lines_of s.db) lines after its aliases"
# Two at once through two names, waiting for each other: every line once.
$GEN --out big --seed 9 --days 2 --lines-per-day 20000 --layout single >/dev/null
bs --db two.db ingest --wait big/access.log.gz 2>/dev/null &
ln -s two.db two-alias.db
bs --db two-alias.db ingest --wait big/access.log.gz 2>/dev/null
wait
n=$(lines_of two.db)
want=$(zcat big/access.log.gz | wc -l)
[ "$n" -eq "$want" ] || fail "one database, two names: $n lines, not $want"

# What is not a regular file is no database, and nothing is made beside.
expect_status 66 "$BLOGSTAT" --db /dev/null ingest one.log
expect_stderr "not a regular file"
mkfifo p.db
expect_status 66 "$BLOGSTAT" --db p.db ingest one.log
expect_status 66 "$BLOGSTAT" --db p.db top posts
expect_status 66 "$BLOGSTAT" --db p.db import one.log
ls p.db?* 2>/dev/null && fail "files made beside a FIFO"
mkdir d.db
expect_status 66 "$BLOGSTAT" --db d.db ingest one.log

# A key others can read is not used; nor one another user made.
chmod 644 t.db.key
expect_status 66 bs --db t.db ingest one.log
expect_stderr "chmod 600"
chmod 600 t.db.key
expect_status 0 bs --db t.db ingest one.log
if [ "$(id -u)" = 0 ]; then
    chown 12345 t.db.key
    expect_status 66 bs --db t.db ingest one.log
    expect_stderr "another user"
    chown 0 t.db.key
fi
[ "$(lines_of t.db)" -eq 4 ] || fail "t.db changed by refused ingests"
