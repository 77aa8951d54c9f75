# `top trending` on five weeks of a blog where one post rises, one stays
# steady, one grows by half (not enough), one is new and one is read
# twice as much but by too few to tell: only the riser and the new post
# trend, the new one first; the numbers are the log's.
. "$ROOT/tests/e2e/lib.sh"

# Views per week (oldest first) of each post; each view from its own
# reader, spread over the week's days at 10:00.
python3 - >access.log <<'PY'
import datetime
weeks = {
    "/2024/01/01/steady/": [20, 22, 19, 21, 23],
    "/2024/01/01/riser/": [3, 2, 4, 3, 30],
    "/2024/01/01/half-more/": [100, 104, 98, 102, 150],
    "/2024/02/01/brand-new/": [0, 0, 0, 0, 12],
    "/2024/01/01/few/": [2, 3, 2, 3, 6],
}
start = datetime.date(2024, 2, 5)          # a Monday; 35 days
ua = "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0"
lines = []
n = 0
for path, per in weeks.items():
    for w, count in enumerate(per):
        for i in range(count):
            day = start + datetime.timedelta(days=7 * w + i % 7)
            n += 1
            ip = "81.2.%d.%d" % (n // 250, n % 250 + 1)
            lines.append((day, i, '%s - - [%s:10:%02d:%02d +0100] "GET %s '
                          'HTTP/1.1" 200 900 "-" "%s"' % (
                              ip, day.strftime("%d/%b/%Y"), i // 60 % 60,
                              i % 60, path, ua)))
lines.sort(key=lambda t: (t[0], t[1]))
for _, _, l in lines:
    print(l)
PY
expect_status 0 bs --db t.db ingest access.log

# The last week ends on 10 March 2024.
expect_status 0 "$BLOGSTAT" --db t.db top trending --to 2024-03-10 --format csv
cat >want.csv <<'T'
path,title,views,usual,change
/2024/02/01/brand-new/,,12,0,new
/2024/01/01/riser/,,30,3,+900%
T
diff -u want.csv stdout >&2 || fail "top trending"

# A week earlier nothing rose; with only one week known before the last,
# its views are the usual ones.
expect_status 0 "$BLOGSTAT" --db t.db top trending --to 2024-03-03 --format csv
[ "$(csv_rows <stdout)" = 0 ] || fail "trending a week early: $(cat stdout)"
expect_status 0 "$BLOGSTAT" --db t.db top trending --to 2024-02-18 --format csv
[ "$(csv_rows <stdout)" = 0 ] || fail "trending with one week known: $(cat stdout)"
# No week before known at all: nothing to say.
expect_status 0 "$BLOGSTAT" --db t.db top trending --to 2024-02-11 --format csv
[ "$(csv_rows <stdout)" = 0 ] || fail "trending without a week before"
