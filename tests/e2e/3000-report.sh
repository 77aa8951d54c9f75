# report: index.html and a page per top post, charts as 2x PNG and SVG,
# the tables hold the numbers of `top`, hostile strings come out inert,
# symlinks are replaced rather than followed.
. "$ROOT/tests/e2e/lib.sh"
S=$ROOT/sample-logs
H="python3 $ROOT/tests/e2e/htmlcheck.py"

bs --db b.db ingest "$S"/access.log* 2>/dev/null
"$BLOGSTAT" --db b.db import "$S/wordpress-export.xml"
printf '[site]\nname = Cecilia Malmström\nurl = https://blog.example.eu\n' >blogstat.conf
expect_status 0 "$BLOGSTAT" --db b.db report --out rep
for f in index.html charts/daily.png charts/daily.svg charts/posts.png \
    charts/tags.svg charts/categories.png charts/countries.png; do
    [ -s "rep/$f" ] || fail "rep/$f missing"
done
[ "$(ls rep/posts/*.html | wc -l)" -eq 20 ] || fail "not 20 post pages"
[ "$(ls rep/charts/spark-*.png | wc -l)" -eq 20 ] || fail "not 20 sparklines"

# PNGs at twice the CSS size the page gives them.
python3 - rep <<'PY'
import re, struct, sys, os
d = sys.argv[1]
html = open(os.path.join(d, "index.html"), encoding="utf-8").read()
imgs = re.findall(r'<img src="([^"]+\.png)" width="(\d+)" height="(\d+)"', html)
assert len(imgs) >= 25, len(imgs)
narrow = re.findall(r'<source media="[^"]*" srcset="([^"]+\.png)" width="(\d+)" height="(\d+)"', html)
assert sorted(os.path.basename(n[0]) for n in narrow) == sorted(
    f"{c}-narrow.png" for c in ("daily", "posts", "tags", "categories",
                                "countries", "sources")), narrow
imgs += narrow
for src, w, h in imgs:
    with open(os.path.join(d, src), "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", src
    pw, ph = struct.unpack(">II", head[16:24])
    assert (pw, ph) == (2 * int(w), 2 * int(h)), (src, pw, ph, w, h)
PY
head -c 200 rep/charts/daily.svg | grep -q "<svg" || fail "daily.svg is no SVG"

# The tables say what `top` says; every page is inert and self-contained.
$H numbers rep/index.html "$BLOGSTAT" b.db
$H safe rep/index.html rep/posts/*.html
$H text rep/index.html "Cecilia Malmström" "Datalagringsdirektivet måste ses över"
grep -q 'href="https://blog.example.eu/"' rep/index.html || fail "no link to the blog"

# A range, and one with no data at all.
expect_status 0 "$BLOGSTAT" --db b.db report --from 2013-02-07 --to 2013-02-08 --out r2
$H numbers r2/index.html "$BLOGSTAT" b.db --from 2013-02-07 --to 2013-02-08
$H text r2/index.html "7 – 8 February 2013"
# A second report into rep, of fewer days: the pages and charts of the
# first that it does not link are gone.
cp -r rep rep2
expect_status 0 "$BLOGSTAT" --db b.db report --out rep2 --from 2013-02-07 --to 2013-02-08
$H linked rep
$H linked rep2
[ "$(ls rep2/posts | wc -l)" -lt "$(ls rep/posts | wc -l)" ] ||
    fail "rep2 kept the pages of the first report"
expect_status 0 "$BLOGSTAT" --db b.db report --days 7 --out r3
$H text r3/index.html "8 – 14 February 2013"
expect_status 0 "$BLOGSTAT" --db b.db report --from 2014-01-01 --to 2014-01-03 --out r4
$H text r4/index.html "No post or page was viewed"
$H safe r4/index.html

# Hostile titles, paths and tags come out as text.
ua='"Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"'
for p in "/2013/02/07/x%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E/" \
         "/2013/02/07/%3Cscript%3Ealert(2)%3C%2Fscript%3E/" \
         "/2013/02/07/javascript:alert(3)/" "/2013/02/07/bad%FF%C3utf8/"; do
    echo "81.2.69.142 - - [07/Feb/2013:10:00:00 +0100] \"GET $p HTTP/1.1\" 200 10 \"-\" $ua"
done >evil.log
bs --db e.db ingest evil.log
printf '%s\n' 'path,title,published,tags' \
    '/2013/02/07/x%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E/,"<script>alert(4)</script>",2013-02-07,"<b>bold</b>|x"" onmouseover=""y"' \
    '/2013/02/07/%3Cscript%3Ealert(2)%3C%2Fscript%3E/,"""><img src=x onerror=alert(5)>",2013-02-07,' \
    '/2013/02/07/javascript:alert(3)/,javascript:alert(6),2013-02-07,' >evil.csv
"$BLOGSTAT" --db e.db import evil.csv
printf '[site]\nname = <script>alert(7)</script>\nurl = javascript:alert(8)\n' >worse.conf
expect_status 64 "$BLOGSTAT" --config worse.conf --db e.db report --out rev
expect_stderr "worse.conf:3: site url 'javascript:alert(8)' is not http(s)://HOST"
printf '[site]\nname = <script>alert(7)</script>\nurl = https://b.eu/"><script>alert(8)</script>\n' >evil.conf
expect_status 0 "$BLOGSTAT" --config evil.conf --db e.db report --out rev
$H safe rev/index.html rev/posts/*.html
$H text rev/index.html "<script>alert(4)</script>" '"><img src=x onerror=alert(5)>' "<script>alert(7)</script>"
grep -q "javascript:alert(8)" rev/index.html && grep -q 'href="javascript' rev/index.html &&
    fail "javascript: URL linked"
grep -ri "<script" rev/charts/*.svg && fail "script in an SVG"

# A symlink where a page goes is replaced, not followed.
echo "precious" >victim
ln -sf "$PWD/victim" rep/index.html
expect_status 0 "$BLOGSTAT" --db b.db report --out rep
[ "$(cat victim)" = "precious" ] || fail "the report wrote through a symlink"
[ -L rep/index.html ] && fail "index.html is still a symlink"
[ "$(stat -c %a rep/index.html)" = 644 ] || fail "index.html mode $(stat -c %a rep/index.html)"

# An output that cannot be created: 73.
touch afile
expect_status 73 "$BLOGSTAT" --db b.db report --out afile/rep
expect_stderr "afile/rep"
expect_status 64 "$BLOGSTAT" --db b.db report --from 2013-02-09 --to 2013-02-01
expect_status 66 "$BLOGSTAT" --db none.db report --out r5
