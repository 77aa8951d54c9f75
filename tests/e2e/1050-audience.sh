# The audience: every visitor and visit number against the generator's
# readers (check.py), on the edges of the rules (--audience-edges: 1799 s
# and 1800 s gaps, two views in one second, midnight, the spring DST day,
# visits across the 06:25 rotation); a day split over two files and two
# runs, in either order; a year merged into one range; counts past the
# sketches' exact range; and no address, no User-Agent and, once the days
# are closed, no salt and no open visit in the database.
. "$ROOT/tests/e2e/lib.sh"
D="python3 $ROOT/tests/e2e/dbdump.py"

# (a) The edges. 2013-03-31 is the spring DST day and the day E and F
# cross its 06:25 rotation; A, B and C are on 2013-03-30.
$GEN --out e --audience-edges --start 2013-03-30 --days 3 --lines-per-day 250
python3 - e/expected.json <<'PY' || fail "the generator lost an edge case"
import json, sys
exp = json.load(open(sys.argv[1], encoding="utf-8"))
land = {}
for r in exp["readers"]:
    for day, e in r["days"].items():
        land.setdefault(day, []).append(e["landings"])
# A: 4 visits (1799 s in, 1800 s out, same second: the first written);
# C: 2 (1800 s then 1799 s); D on the DST day: 2 (900 s apart, 4500 s by
# the clock); E: 1 across 06:25 (lands on /); F: 2 (06:24 | 06:54).
assert any(len(l) == 4 and l[0] == "/" and l[1].startswith("/tag/")
           for l in land["2013-03-30"]), land["2013-03-30"]
assert any(len(l) == 2 and l[0].startswith("/category/") and l[1] == "/cv.html"
           for l in land["2013-03-30"])
assert sum(1 for l in land["2013-03-31"] if l == ["/"]) >= 1
assert any(len(l) == 2 and l[1] == "/om-mig/" for l in land["2013-03-31"])
PY
bs --db a.db ingest e/access.log* 2>err || { cat err; fail "ingest"; }
check e/expected.json a.db --report
for day in 2013-03-30 2013-03-31 2013-04-01; do
    check e/expected.json a.db --from $day --to $day
done
check e/expected.json a.db --from 2013-03-31
"$BLOGSTAT" --db a.db import e/wordpress-export.xml
check e/expected.json a.db --imported --untitled /cv.html
check e/expected.json a.db --imported --untitled /cv.html --from 2013-03-31 --to 2013-03-31

# The common format: the address alone is the visitor (A, B and the robot
# are one).
$GEN --out c --audience-edges --format common --start 2013-03-30 --days 2 --lines-per-day 150
bs --db c.db ingest c/access.log* 2>err || { cat err; fail "ingest common"; }
check c/expected.json c.db

# (b) A day split over two files: logrotate cut 2013-03-31 at 06:25, so
# first.log ends with its 06:24:59 and second.log begins with its 06:25:00
# (E's visit and F's two visits cross the cut).
gzip -dc e/access.log.3.gz e/access.log.2.gz >first.log
cat e/access.log.1 e/access.log >second.log
tail -1 first.log | grep -q '31/Mar/2013:06:2[0-4]' || fail "first.log: $(tail -1 first.log)"
head -1 second.log | grep -q '31/Mar/2013:06:25:00' || fail "second.log: $(head -1 second.log)"
grep -q '31/Mar/2013:0[0-5]' first.log && grep -q '31/Mar/2013:2' second.log ||
    fail "2013-03-31 is not in both files"
run() { rdb=$1; shift; bs --db "$rdb" ingest "$@" 2>>err || { cat err; fail "ingest $rdb $*"; }; }
run one.db first.log second.log
run two.db first.log
run two.db second.log
run rev.db second.log
run rev.db first.log
run revone.db -j 1 second.log first.log
run par.db -j 2 second.log first.log
# and night after night, each rotated file in a run of its own
for f in access.log.3.gz access.log.2.gz access.log.1 access.log; do
    run nightly.db "e/$f"
done
# one.db against the generator's numbers; the others against one.db,
# every count dbdump.py knows (views, visits, visitors, the other
# dimensions, referrers and search terms).
check e/expected.json one.db
check e/expected.json one.db --from 2013-03-31 --to 2013-03-31
$D one.db --counts >one.counts
for t in day_sketches dim_counts referrers; do
    grep -E -A1 "^-- .*FROM $t( |$)" one.counts | grep -q '^(' ||
        fail "dbdump --counts has no rows of $t"
done
for x in two rev revone par nightly; do
    $D $x.db --counts >$x.counts
    cmp -s one.counts $x.counts || { diff one.counts $x.counts | head; fail "$x.db differs from one run"; }
done

# (c) A year: 365 days merged into one range, and a week in which
# readers came back count once.
$GEN --out y --start 2013-01-01 --days 365 --lines-per-day 20 --layout single
bs --db y.db ingest y/access.log.gz 2>err || { cat err; fail "ingest the year"; }
[ "$("$BLOGSTAT" --db y.db top days --format csv | csv_rows)" -eq 365 ] || fail "top days: not 365 rows"
check y/expected.json y.db --report
week=$(python3 - y/expected.json <<'PY'
import datetime as dt, json, sys
exp = json.load(open(sys.argv[1], encoding="utf-8"))
best = None
for r in exp["readers"]:
    days = sorted(dt.date.fromisoformat(d) for d in r["days"])
    for a, b in zip(days, days[1:]):
        if (b - a).days < 7 and (best is None or a < best):
            best = a
a, b = best, best + dt.timedelta(days=6)
inw = lambda d: a.isoformat() <= d <= b.isoformat()
union = sum(1 for r in exp["readers"] if any(inw(d) for d in r["days"]))
total = sum(e["visitors"] for d, e in exp["days"].items() if inw(d))
assert union < total, (a, union, total)
print(a, b)
PY
) || fail "no reader came back within a week"
set -- $week
check y/expected.json y.db --from "$1" --to "$2" --report
# the same week as --days 7 ending on its last day
"$BLOGSTAT" --db y.db top countries --days 7 --to "$2" --format json >w1.json
"$BLOGSTAT" --db y.db top countries --from "$1" --to "$2" --format json >w2.json
cmp -s w1.json w2.json || fail "--days 7 --to $2 differs from --from $1 --to $2"
check y/expected.json y.db --from 2013-06-01 --to 2013-08-31

# Past the sketches' exact range (2,048): 2013-05-02 has about 2,500
# visitors, the two days about 3,300 (sparse days merged into a dense
# range); those within 3% (4 standard errors), every other number exact.
$GEN --out big --seed 11 --layout single --lines 150000 --days 2 --start 2013-05-01
bs --db big.db ingest big/access.log.gz 2>err || { cat err; fail "ingest big"; }
check big/expected.json big.db --approx 3 --report

# (d) Nothing at rest says who read: no address (v4 or v6, any spelling,
# binary, or as a plain hash), no User-Agent (nor 12 characters of one).
# A day stays open (its salt and open visits kept) until no ingest has
# read a line of it for two days; every day read today is still open.
priv() { python3 "$ROOT/tests/e2e/privacy.py" "$@" || fail "privacy: $*"; }
priv rev.db --logs first.log second.log --open 2013-03-30 2013-03-31 2013-04-01
"$BLOGSTAT" --db a.db report --out rep
priv a.db --logs first.log second.log --open 2013-03-30 2013-03-31 2013-04-01 \
    --also rep
# Three days later (BLOGSTAT_NOW) a run closes them all and opens its
# own day; every number of the closed days stays.
now=$(date +%s)
ua='"Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"'
echo "192.0.2.7 - - [03/Apr/2013:00:00:01 +0200] \"GET / HTTP/1.1\" 200 10 \"-\" $ua" >close.log
BLOGSTAT_NOW=$((now + 3 * 86400)) run rev.db close.log
priv rev.db --logs first.log second.log close.log --open 2013-04-03
check e/expected.json rev.db --to 2013-04-01
# A late line of a closed day opens it again, as a day of its own (its
# old visits are gone: its visit is a new one) ...
echo "192.0.2.8 - - [31/Mar/2013:12:00:00 +0200] \"GET / HTTP/1.1\" 200 10 \"-\" $ua" >late.log
BLOGSTAT_NOW=$((now + 3 * 86400)) run rev.db late.log
priv rev.db --logs first.log second.log close.log late.log \
    --open 2013-03-31 2013-04-03
# ... until two days pass without a line of it: then nothing is open.
: >empty.log
BLOGSTAT_NOW=$((now + 6 * 86400)) run rev.db empty.log
priv rev.db --logs first.log second.log close.log late.log --open
