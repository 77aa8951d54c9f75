# recount after a config change: the days whose logs are still on disk
# (under rotated, compressed or other names) equal a fresh ingest of the
# same logs with the new config, table by table; a day with a log gone is
# named and left as it was; the next nightly ingest adds exactly what it
# adds to the fresh database; a kill -9 leaves each day old or new, and a
# second recount finishes; an ingest's lock makes it exit 75.
. "$ROOT/tests/e2e/lib.sh"
D="python3 $ROOT/tests/e2e/dbdump.py"

# Config A lacks the blog's tag rule (its tag pages are not views) and
# ignores the categories; config B is the blog's (WordPress defaults).
printf '[urls]\ntag = /label/%%tag%%/\nignore = /category/*\n' >A.conf
: >B.conf

# Six days, rotated at 06:25 (access.log, .1, .2.gz ... .5.gz). Night 1
# sees the newest log half written: its day is still open.
$GEN --out g --seed 21 --start 2013-02-01 --days 6 --lines-per-day 500
mkdir n1
cp g/access.log.* n1/
# The line to stop at: one where readers are in the middle of a visit
# (views of theirs less than 25 minutes before and after), so that the
# open visits carried over matter.
half=$(python3 - g/access.log <<'PY'
import datetime, re, sys
rx = re.compile(r'^(\S+) \S+ \S+ \[([^\]]+)\] "GET (\S+)[^"]*" (200|304) '
                r'\S+ "[^"]*" "([^"]*)"')
views = []
for i, line in enumerate(open(sys.argv[1], encoding="utf-8", errors="replace")):
    m = rx.match(line)
    if m and m.group(3).endswith("/") and "bot" not in m.group(5).lower():
        try:    # a bad line of the generator's ("32/Feb/...") is none
            t = datetime.datetime.strptime(m.group(2), "%d/%b/%Y:%H:%M:%S %z")
        except ValueError:
            continue
        views.append((i, t, (m.group(1), m.group(5))))
best, at = -1, 0
for k in range(len(views) // 4, 3 * len(views) // 4):
    i, t, _ = views[k]
    win = datetime.timedelta(minutes=25)
    before = {v[2] for v in views[:k] if t - v[1] < win}
    after = {v[2] for v in views[k:] if v[1] - t < win}
    if len(before & after) > best:
        best, at = len(before & after), i
if best < 1:
    sys.exit("no visit crosses any line of the newest log")
print(at)
PY
)
head -n "$half" g/access.log >n1/access.log
tail -n +"$((half + 1))" g/access.log >rest.log
now=$(python3 -c 'import calendar; print(calendar.timegm((2013, 2, 7, 3, 0, 0)))')
night() {   # night CONF DB FILE...: an ingest as cron runs it
    c=$1; db=$2; shift 2
    BLOGSTAT_NOW=$now bs --config "$c" --db "$db" ingest --max-bad 100% "$@" \
        2>>ingest.err || { cat ingest.err; fail "ingest $db"; }
}
night A.conf a.db n1/access.log*
night B.conf b.db n1/access.log*

# The dump of a database by day: the counts dbdump.py compares (keyed by
# names, the referrers and search terms too).
cat >bydays.py <<'PY'
import ast, json, subprocess, sys
db = sys.argv[1]
out = {}
table = None
dump = subprocess.run([sys.executable, sys.argv[2], db, "--counts"],
                      capture_output=True, text=True, check=True).stdout
for line in dump.splitlines():
    if line.startswith("-- "):
        table = line
        continue
    row = ast.literal_eval(line)
    out.setdefault(str(row[0]), []).append([table, list(row[1:])])
for rows in out.values():
    rows.sort(key=repr)
json.dump(out, sys.stdout, sort_keys=True, indent=0)
PY
bydays() { python3 bydays.py "$1" "$ROOT/tests/e2e/dbdump.py" >"$1.days"; }
# compare DB1 DB2 DAY...: the same rows on these days (day numbers)
compare() {
    bydays "$1"; bydays "$2"; a=$1; b=$2; shift 2
    python3 - "$a.days" "$b.days" "$@" <<'PY' || fail "$a and $b differ"
import json, sys
x = json.load(open(sys.argv[1])); y = json.load(open(sys.argv[2]))
bad = [d for d in sys.argv[3:] if x.get(d, []) != y.get(d, [])]
for d in bad[:2]:
    xs = {repr(r) for r in x.get(d, [])}; ys = {repr(r) for r in y.get(d, [])}
    print("day", d, "only in first:", sorted(xs - ys)[:5],
          "only in second:", sorted(ys - xs)[:5], file=sys.stderr)
sys.exit(1 if bad else 0)
PY
}
days_of() {  # every day number with data in DB
    python3 -c 'import json,sys; print(" ".join(sorted(json.load(open(sys.argv[1])))))' "$1.days"
}

bydays a.db; bydays b.db
all=$(days_of b.db)
[ "$(echo $all | wc -w)" -ge 6 ] || fail "too few days: $all"
cmp -s a.db.days b.db.days && fail "configs A and B count the same: no test"

# Logrotate runs: the newest log becomes .1, the .1 is compressed to
# .2.gz, the others move one up; one of them is taken elsewhere (given
# on the command line) and the oldest is deleted.
cd n1
for k in 5 4 3 2; do mv access.log.$k.gz access.log.$((k + 1)).gz; done
gzip -c access.log.1 >access.log.2.gz && rm access.log.1
mv access.log access.log.1
mkdir ../archive && mv access.log.4.gz ../archive/old-log.gz
rm access.log.6.gz
cd ..
# The deleted log's days, as the database knows them.
gone_days=$(python3 - a.db <<'PY'
import sqlite3, sys
con = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
(a, b), = con.execute("SELECT first_day, max_day FROM sources "
                      "WHERE name LIKE '%access.log.5.gz'")
print(" ".join(str(d) for d in range(a, b + 1)))
PY
)

# Recount with B: a copy of a.db and its key.
cp a.db r.db && cp a.db.key r.db.key
expect_status 66 env BLOGSTAT_NOW=$now "$BLOGSTAT" ${GEOIP:+--geoip "$GEOIP"} \
    --config B.conf --db r.db recount archive/old-log.gz
expect_stderr "left as"
expect_stderr "last read as 'n1/access.log.5.gz': another log has that name now"
# The days of the deleted log, and no other, are left as they were (the
# messages may group them in one line or name each day's first missing
# log: both old .5 and old .6 are gone for the oldest day).
kept=$(echo $gone_days | wc -w)
grep -q "; $kept left as" stderr || { cat stderr; fail "not $kept days left"; }
ok_days=
for d in $all; do
    case " $gone_days " in *" $d "*) ;; *) ok_days="$ok_days $d" ;; esac
done
compare r.db b.db $ok_days
compare r.db a.db $gone_days
cp r.db r1.db && cp r.db.key r1.db.key
# No log changed, nothing to read: the next ingest of the logs that are
# there counts nothing again.
night B.conf r.db n1/access.log* archive/old-log.gz
compare r.db r1.db $all

# The next night: the new access.log; r.db and b.db get the same.
cp rest.log n1/access.log
now=$((now + 86400))
night B.conf r.db n1/access.log*
night B.conf b.db n1/access.log*
compare r.db b.db $ok_days
compare r.db a.db $gone_days

# A range: only its days change.
cp a.db s.db && cp a.db.key s.db.key
set -- $ok_days
mid=$(python3 -c 'import datetime,sys; print(datetime.date.fromordinal(int(sys.argv[1]) + 719163))' "$3")
BLOGSTAT_NOW=$now bs --config B.conf --db s.db recount --from "$mid" --to "$mid" \
    archive/old-log.gz 2>err || { cat err; fail "recount of one day"; }
compare s.db r1.db "$3"
others=
for d in $all; do [ "$d" = "$3" ] || others="$others $d"; done
compare s.db a.db $others

# Killed at any moment: each day is old or new, never a mix; recount
# again finishes the job.
killed=0
for delay in 0.02 0.05 0.1 0.2; do
    rm -f k.db*
    cp a.db k.db && cp a.db.key k.db.key
    BLOGSTAT_NOW=$now "$BLOGSTAT" ${GEOIP:+--geoip "$GEOIP"} --config B.conf \
        --db k.db recount archive/old-log.gz 2>/dev/null &
    pid=$!
    sleep $delay
    kill -9 $pid 2>/dev/null && killed=$((killed + 1))
    wait $pid || true
    bydays k.db
    python3 - k.db.days a.db.days r1.db.days $ok_days <<'PY' || fail "a day half recounted"
import json, sys
k, a, r = (json.load(open(p)) for p in sys.argv[1:4])
for d in sys.argv[4:]:
    if k.get(d, []) not in (a.get(d, []), r.get(d, [])):
        sys.exit(f"day {d} is neither the old nor the new")
PY
    $D k.db --check >/dev/null || fail "k.db damaged"
    BLOGSTAT_NOW=$now bs --config B.conf --db k.db recount archive/old-log.gz \
        2>/dev/null || [ $? -eq 66 ] || fail "recount after a kill"
    compare k.db r1.db $all
    ls -d k.db.recount.* 2>/dev/null && fail "a scratch folder is left"
done
echo "killed $killed of 4 recounts"

# An ingest holds the lock: 75 at once.
flock r.db sleep 3 &
sleep 0.5
expect_status 75 bs --config B.conf --db r.db recount
wait
