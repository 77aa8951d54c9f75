# Floods: distinct referrer hosts, search terms and paths, each new on
# every line, are folded into "(other)" past a few thousand a day: the
# stored rows are bounded, the totals stay exact, and every key is cut.
# The bound is the day's, whether it comes in one chunk, in many, or in
# several runs.
. "$ROOT/tests/e2e/lib.sh"

python3 - >flood.log <<'PY'
import sys
ua = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
w = sys.stdout.write
def line(i, path, ref):
    t = "07/Feb/2013:%02d:%02d:%02d +0100" % (i // 3600 % 24, i // 60 % 60, i % 60)
    w('81.2.%d.%d - - [%s] "GET %s HTTP/1.1" 200 10 "%s" "%s"\n'
      % (i >> 8 & 255, i & 255, t, path, ref, ua))
n = 12000
for i in range(n):
    # One post, each view from a new 250-byte host or search term.
    if i % 2:
        ref = "http://r%06d-%s.example/" % (i, "a" * 240)
    else:
        ref = "https://www.google.com/search?q=t%06d%s" % (i, "b" * 240)
    line(i, "/2013/02/07/post/", ref)
    # A site that answers 200 to anything: a new 1,000-byte path a line.
    line(i, "/p%06d%s/" % (i, "x" * 990), "-")
    if i % 1000 == 0:
        line(i, "/", "-")
PY
expect_status 0 bs --db f.db ingest flood.log
# The same lines in chunks of 1,000, and in two runs of half each.
expect_status 0 bs --db g.db ingest --commit-every 1000 flood.log
lines=$(wc -l <flood.log)
head -n $((lines / 2)) flood.log >a.log
tail -n +$((lines / 2 + 1)) flood.log >b.log
expect_status 0 bs --db h.db ingest a.log
expect_status 0 bs --db h.db ingest --commit-every 5000 b.log
for db in f.db g.db h.db; do
python3 - $db <<'PY' || fail "flood not bounded in $db"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
one = lambda q: db.execute(q).fetchone()[0]
n, cap = 12000, 4096
# Totals exact.
assert one("SELECT sum(views) FROM days") == 2 * n + 12, one("SELECT sum(views) FROM days")
assert one("SELECT sum(views) FROM path_views") == 2 * n + 12
assert one("SELECT sum(views) FROM referrers") == n
assert one("SELECT sum(views) FROM search_terms") == n // 2
# Rows bounded, the rest in "(other)".
assert one("SELECT count(*) FROM referrers") <= cap + 1, one("SELECT count(*) FROM referrers")
assert one("SELECT count(*) FROM search_terms") <= cap + 1
assert one("SELECT count(*) FROM paths") <= cap + 4, one("SELECT count(*) FROM paths")
# n / 2 hosts of their own, and google.com (whose terms differ).
assert one("SELECT sum(views) FROM referrers WHERE host = '(other)'") >= n // 2 - cap
assert one("SELECT views FROM referrers WHERE host = 'google.com'") == n // 2
assert one("SELECT views FROM search_terms WHERE term = '(other)'") >= n // 2 - cap
other = one("SELECT v.views FROM path_views v JOIN paths p ON p.id = v.path_id"
            " WHERE p.path = '(other)' AND p.kind = 'page'")
# The post took one place of the day (not imported), home none.
assert other == n - (cap - 1), other
# The post and home are never folded.
assert one("SELECT v.views FROM path_views v JOIN paths p ON p.id = v.path_id"
           " WHERE p.path = '/2013/02/07/post/'") == n
assert one("SELECT v.views FROM path_views v JOIN paths p ON p.id = v.path_id"
           " WHERE p.path = '/'") == 12
# Keys cut.
assert one("SELECT max(length(CAST(host AS BLOB))) FROM referrers") <= 200
assert one("SELECT max(length(CAST(term AS BLOB))) FROM search_terms") <= 200
assert one("SELECT max(length(CAST(path AS BLOB))) FROM paths") <= 200
PY
done
# The database grows by a bounded amount a line (unfolded: some 5 kB).
size=$(stat -c %s f.db)
[ "$size" -lt $((24025 * 1500)) ] || fail "database of $size bytes for 24,025 lines"
"$BLOGSTAT" --db f.db top posts --limit 0 --format csv >posts.csv ||
    fail "top posts"
grep -q '^"\?(other)' posts.csv || fail "no (other) row in top posts"
# "(other)" is no post: never ranked, shown after the posts asked for,
# named for what it is in a table, under its key in CSV and JSON.
"$BLOGSTAT" --db f.db top posts --limit 2 --format csv >top2.csv
[ "$(wc -l <top2.csv)" -eq 4 ] || fail "top 2 posts: $(cat top2.csv)"
tail -n 1 top2.csv | grep -q '^(other),' || fail "(other) not last: $(cat top2.csv)"
"$BLOGSTAT" --db f.db top posts --limit 2 --compare >top2.txt
tail -n 1 top2.txt | grep -q '^(other pages) ' || fail "$(cat top2.txt)"
"$BLOGSTAT" --db f.db top posts --limit 1 --format json >top1.json
python3 -c 'import json,sys; r=json.load(open("top1.json")); assert [x["path"] for x in r][1:] == ["(other)"], r'
expect_status 0 bs --db f.db report --out rep
grep -q '<tr class="other">.*(other pages)' rep/index.html || fail "report: no (other pages) row"
! grep -Eq '<tr><td class="n">[0-9]+</td><td class="t">(<a [^>]*>)?\(other\)<' \
    rep/index.html || fail "report: (other) ranked as a post"

# An imported page read after the day's places are taken keeps its own
# row, in ingest and in recount alike (the scratch knows the imports).
printf 'path,title,published,tags\n/late/,Late,2013-02-01,latetag\n' >posts.csv
python3 - >late.log <<'PY'
import sys
ua = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
for i in range(5000):
    path = "/p%06d/" % i if i < 4500 else "/late/"
    sys.stdout.write('81.2.%d.%d - - [07/Feb/2013:10:%02d:%02d +0100] "GET %s '
                     'HTTP/1.1" 200 10 "-" "%s"\n'
                     % (i >> 8 & 255, i & 255, i // 60 % 60, i % 60, path, ua))
PY
expect_status 0 bs --db l.db import posts.csv
expect_status 0 bs --db l.db ingest late.log
late() {
    python3 - l.db <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
q = lambda p: db.execute("SELECT sum(v.views) FROM path_views v JOIN paths p"
                         " ON p.id = v.path_id WHERE p.path = ?", (p,)).fetchone()[0]
print(q("/late/"), q("(other)"))
PY
}
[ "$(late)" = "500 404" ] || fail "ingest: /late/ and (other): $(late)"
expect_status 0 bs --db l.db recount late.log
[ "$(late)" = "500 404" ] || fail "recount: /late/ and (other): $(late)"
