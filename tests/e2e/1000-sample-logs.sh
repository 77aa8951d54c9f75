# Ingest the committed sample logs and compare every number with the
# counts their generator wrote (check.py: the tables of posts to countries,
# the audience, and robots, hours, campaigns, missing pages, feeds,
# browsers, systems and devices); then date ranges, --days and the formats.
. "$ROOT/tests/e2e/lib.sh"
S=$ROOT/sample-logs

bs --db b.db ingest "$S"/access.log* 2>err || { cat err; fail "ingest"; }
check "$S/expected.json" b.db
check "$S/expected.json" b.db --from 2013-02-07 --to 2013-02-08
check "$S/expected.json" b.db --from 2013-02-10
check "$S/expected.json" b.db --to 2013-02-03

# --days N: the N days ending with the newest day in the database.
last=$("$BLOGSTAT" --db b.db top days --format csv | tail -1 | cut -d, -f1)
"$BLOGSTAT" --db b.db top days --days 3 --format csv >d3
[ "$(csv_rows <d3)" -eq 3 ] || fail "--days 3 gave $(csv_rows <d3) days"
[ "$(tail -1 d3 | cut -d, -f1)" = "$last" ] || fail "--days 3 does not end on $last"
first=$(sed -n 2p d3 | cut -d, -f1)
check "$S/expected.json" b.db --from "$first" --to "$last"

# csv and json agree with each other, and the table has the same rows.
"$BLOGSTAT" --db b.db top posts --limit 5 --format csv >p.csv
"$BLOGSTAT" --db b.db top posts --limit 5 --format json >p.json
"$BLOGSTAT" --db b.db top posts --limit 5 >p.txt
[ "$(head -1 p.csv)" = "path,title,views,visitors,visits" ] || fail "csv header: $(head -1 p.csv)"
[ "$(csv_rows <p.csv)" -eq 5 ] || fail "--limit 5"
python3 - p.csv p.json <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
objs = json.load(open(sys.argv[2], encoding="utf-8"))
assert [(r["path"], int(r["views"])) for r in rows] == \
       [(o["path"], o["views"]) for o in objs], (rows, objs)
views = [o["views"] for o in objs]
assert views == sorted(views, reverse=True), views
PY
[ "$(wc -l <p.txt)" -eq 6 ] || fail "table has $(wc -l <p.txt) lines"
head -1 p.txt | grep -Eq "^path +(title +)?views +visitors +visits$" || fail "table header: $(head -1 p.txt)"

# Default limit is 20 rows; --limit 0 is all of them.
[ "$("$BLOGSTAT" --db b.db top posts --format csv | csv_rows)" -le 20 ] || fail "default limit"
"$BLOGSTAT" --db b.db top tags --format json | python3 -c '
import json, sys
rows = json.load(sys.stdin)
assert rows and all(set(r) == {"tag", "post_views", "archive_views", "visitors", "title"} for r in rows), rows'
"$BLOGSTAT" --db b.db top countries --format csv | head -1 | grep -qx "country,name,views,visitors" || fail "countries header"
"$BLOGSTAT" --db b.db top days --format csv | head -1 | grep -qx "day,views,visitors,visits" || fail "days header"

# status names the span and every file by its own name, wherever the
# checkout lies (a long folder name is cut in the middle, never the name).
"$BLOGSTAT" --db b.db status >st
grep -q "2013-02-01 .. 2013-02-1" st || { cat st; fail "status span"; }
for f in "$S"/access.log*; do
    grep -q "/$(basename "$f") " st || { cat st; fail "status files: $f"; }
done
