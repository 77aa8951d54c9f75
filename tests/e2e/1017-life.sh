# A post's life: `top posts --since-published N` ranks posts by their
# first N days (only posts whose first N days are in the data), and each
# post's page shows its views by age beside the median post's, and
# whether it is a spike or an evergreen: on 120 days of a blog with a
# spike, an evergreen and a post that fades, imported with their dates.
. "$ROOT/tests/e2e/lib.sh"

python3 - <<'PY'
import datetime
start = datetime.date(2024, 1, 1)
ua = "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0"
posts = {
    # path: (published day index, views on day index i since publishing)
    "/2024/01/01/spike/": (0, lambda a: 100 if a < 3 else (1 if a % 7 == 0 else 0)),
    "/2024/01/01/evergreen/": (0, lambda a: 5),
    "/2024/01/11/fades/": (10, lambda a: max(0, 20 - a // 2)),
    # published before the data began: no life, no first days
    "/2023/12/01/old/": (-31, lambda a: 2),
}
lines, n = [], 0
for day in range(120):
    d = start + datetime.timedelta(days=day)
    for path, (pub, f) in posts.items():
        if day < pub:
            continue
        for i in range(f(day - pub)):
            n += 1
            lines.append('81.2.%d.%d - - [%s:12:%02d:%02d +0100] "GET %s HTTP/1.1" 200 500 "-" "%s"' % (
                n // 250 % 250, n % 250 + 1, d.strftime("%d/%b/%Y"), i // 60 % 60, i % 60, path, ua))
open("access.log", "w").write("\n".join(lines) + "\n")
with open("posts.csv", "w") as f:
    f.write("path,title,published,tags\n")
    f.write("/2024/01/01/spike/,Spike,2024-01-01,\n")
    f.write("/2024/01/01/evergreen/,Evergreen,2024-01-01,\n")
    f.write("/2024/01/11/fades/,Fades,2024-01-11,\n")
    f.write("/2023/12/01/old/,Old,2023-12-01,\n")
PY
expect_status 0 bs --db t.db ingest access.log
expect_status 0 "$BLOGSTAT" --db t.db import posts.csv

# The first 7 days: the spike 300 (then one a week), the evergreen 35, the fading post
# 20+20+19+19+18+18+17 = 131; the old post's first days are not in the
# data.
expect_status 0 "$BLOGSTAT" --db t.db top posts --since-published 7 --format csv
cat >want.csv <<'T'
path,title,views
/2024/01/01/spike/,Spike,300
/2024/01/11/fades/,Fades,131
/2024/01/01/evergreen/,Evergreen,35
T
diff -u want.csv stdout >&2 || fail "top posts --since-published 7"
# Ended on 15 January, the fading post (published the 11th) has no 7
# days yet.
expect_status 0 "$BLOGSTAT" --db t.db top posts --since-published 7 --to 2024-01-15 --format csv
grep -q fades stdout && fail "a post of 5 days ranked by 7"
expect_status 64 "$BLOGSTAT" --db t.db top tags --since-published 7

expect_status 0 "$BLOGSTAT" --db t.db report --out rep
page() {
    id=$(grep -o "href=\"posts/[0-9]*.html\">$1<" rep/index.html | head -1 | grep -o '[0-9]*')
    [ -n "$id" ] || fail "no page of $1"
    echo "rep/posts/$id.html"
}
H="python3 $ROOT/tests/e2e/htmlcheck.py"
$H text "$(page Spike)" "A spike"
$H text "$(page Evergreen)" "An evergreen"
$H text "$(page Fades)" "Neither a spike nor an evergreen"
# The evergreen's life: 5 a day; the median post of the three.
python3 - "$(page Evergreen)" <<'PY' || fail "the evergreen's life"
import sys, re, html
s = open(sys.argv[1], encoding="utf-8").read()
s = s[s.index("Its life"):]
rows = re.findall(r"<tr><td>([^<]+)</td><td class=\"n\">([\d,]+)</td><td class=\"n\">([\d,]+)</td></tr>", s)
rows = [(html.unescape(a), int(b.replace(",", "")), int(c.replace(",", ""))) for a, b, c in rows]
want = [("Day 1", 5), ("Days 2–7", 30), ("Days 8–30", 115), ("Month 2", 150),
        ("Month 3", 150), ("Month 4", 150)]
got = [(a, b) for a, b, _ in rows]
assert got == want, got
# Day 1: spike 100, evergreen 5, fades 20: median 20.
assert rows[0][2] == 20, rows[0]
print("life: ok")
PY

# 120 days reach back past 90: every last-N period, the year of four
# months and each month, their tables top's.
for p in last-7 last-30 last-90 last-365 2024 2024-01 2024-04; do
    [ -f rep/periods/$p/index.html ] || fail "no period $p: $(ls rep/periods)"
done
$H numbers rep/periods/2024/index.html "$BLOGSTAT" t.db --from 2024-01-01 --to 2024-12-31
$H numbers rep/periods/last-90/index.html "$BLOGSTAT" t.db --from 2024-01-31 --to 2024-04-29
