# import: WordPress export, CSV, RSS and Atom; titles and post_views of
# tags and categories exact; order of ingest and import does not matter;
# re-import updates without duplicates; a malformed file changes nothing.
. "$ROOT/tests/e2e/lib.sh"
S=$ROOT/sample-logs

# Logs first, then the export.
bs --db a.db ingest "$S"/access.log* 2>/dev/null
expect_status 0 "$BLOGSTAT" --db a.db import "$S/wordpress-export.xml"
check "$S/expected.json" a.db --imported --untitled /cv.html
check "$S/expected.json" a.db --imported --untitled /cv.html --from 2013-02-05 --to 2013-02-09

# A category keeps the name the export gives it beside its slug, and the
# report shows the name.
"$BLOGSTAT" --db a.db top categories --limit 0 --format csv >cats.csv
grep -q '^inrikes-frågor,[0-9]*,[0-9]*,[0-9]*,Inrikes frågor$' cats.csv ||
    { cat cats.csv >&2; fail "the category's name is not kept"; }
expect_status 0 "$BLOGSTAT" --db a.db report --no-periods --out rep
grep -q '<td class="t">Inrikes frågor</td>' rep/index.html ||
    fail "the report shows the category by its slug"

# The export first, then the logs: the same tables.
expect_status 0 "$BLOGSTAT" --db b.db import "$S/wordpress-export.xml"
bs --db b.db ingest "$S"/access.log* 2>/dev/null
for t in posts tags categories countries days; do
    "$BLOGSTAT" --db a.db top $t --limit 0 --format json >a.json
    "$BLOGSTAT" --db b.db top $t --limit 0 --format json >b.json
    cmp -s a.json b.json || { diff a.json b.json | head; fail "top $t differs by order"; }
done

# The CSV names /cv.html too (a static page beside WordPress); it has no
# categories column, so the categories of the export stay.
expect_status 0 "$BLOGSTAT" --db a.db import "$S/posts.csv"
check "$S/expected.json" a.db --imported

# Importing again changes nothing and duplicates nothing.
"$BLOGSTAT" --db a.db top posts --limit 0 --format json >before.json
expect_status 0 "$BLOGSTAT" --db a.db import "$S/wordpress-export.xml" "$S/posts.csv"
"$BLOGSTAT" --db a.db top posts --limit 0 --format json >after.json
cmp -s before.json after.json || fail "re-import changed top posts"

# A tag change applies to the post's whole history (documented): move the
# most read post from its tags to the tag "omtagg".
top=$("$BLOGSTAT" --db a.db top posts --limit 1 --format csv | tail -1)
path=${top%%,*}
views=$(printf '%s\n' "$top" | cut -d, -f3)
printf 'path,title,published,tags\n%s,Ny titel,2012-06-29,omtagg\n' "$path" >retag.csv
expect_status 0 "$BLOGSTAT" --db a.db import retag.csv
"$BLOGSTAT" --db a.db top tags --limit 0 --format csv | grep -q "^omtagg,$views,0," ||
    fail "retagged post's views not under its new tag"
"$BLOGSTAT" --db a.db top posts --limit 1 --format csv | tail -1 | grep -q "^$path,Ny titel,$views," ||
    fail "title not updated"

# --kind: pages apart from posts.
"$BLOGSTAT" --db a.db top posts --kind page --limit 0 --format csv | tail -n +2 | cut -d, -f1 | sort >pages
python3 -c '
import json, sys
e = json.load(open(sys.argv[1], encoding="utf-8"))
for p in sorted(p for p, v in e["posts"].items() if v["kind"] == "page" and v["views"]):
    print(p)' "$S/expected.json" | sort >want
cmp -s pages want || { cat pages; fail "--kind page"; }
"$BLOGSTAT" --db a.db top posts --kind post --limit 0 --format csv | grep -q "^/om-mig/" &&
    fail "--kind post lists a page"
expect_status 64 "$BLOGSTAT" --db a.db top tags --kind post

# /?p=ID views belong to the post with that ID once it is imported.
id=$(python3 - "$S/wordpress-export.xml" "$path" <<'PY'
import re, sys, urllib.parse
xml = open(sys.argv[1], encoding="utf-8").read()
for item in re.findall(r"<item>(.*?)</item>", xml, re.S):
    link = re.search(r"<link>(.*?)</link>", item).group(1)
    if urllib.parse.unquote(link.split("example.eu", 1)[1]) == sys.argv[2]:
        print(re.search(r"<wp:post_id>(\d+)</wp:post_id>", item).group(1))
PY
)
[ -n "$id" ] || fail "no post id for $path"
echo "81.2.69.142 - - [14/Feb/2013:10:00:00 +0100] \"GET /?p=$id HTTP/1.1\" 200 10 \"-\" \"Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0\"" >p.log
bs --db a.db ingest p.log
"$BLOGSTAT" --db a.db top posts --limit 1 --format csv | tail -1 | grep -q "^$path,Ny titel,$((views + 1))," ||
    fail "/?p=$id not counted for $path"

# Malformed files change nothing: 65 with file:line:col, same tables.
"$BLOGSTAT" --db a.db top tags --limit 0 --format json >t1.json
head -c 30000 "$S/wordpress-export.xml" >trunc.xml
expect_status 65 "$BLOGSTAT" --db a.db import trunc.xml
grep -Eq "trunc.xml:[0-9]+:[0-9]+: malformed XML" stderr || { cat stderr; fail "no line:col"; }
printf 'path,title,published,tags\n/2012/06/29/x/,"unterminated\n' >bad.csv
expect_status 65 "$BLOGSTAT" --db a.db import bad.csv
expect_stderr "bad.csv"
printf 'title,tags\nx,y\n' >nopath.csv
expect_status 65 "$BLOGSTAT" --db a.db import nopath.csv
expect_stderr "no 'path' column"
cat >laughs.xml <<'XML'
<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<rss><channel><item><title>&c;</title><link>/2012/06/29/x/</link></item></channel></rss>
XML
expect_status 65 "$BLOGSTAT" --db a.db import laughs.xml
expect_stderr "entity declarations are not allowed"
echo '<html><body>no feed</body></html>' >page.html
expect_status 65 "$BLOGSTAT" --db a.db import page.html
expect_stderr "not a WordPress export, RSS or Atom feed"
"$BLOGSTAT" --db a.db top tags --limit 0 --format json >t2.json
cmp -s t1.json t2.json || fail "a failed import changed the tags"
expect_status 66 "$BLOGSTAT" --db a.db import nothere.xml
expect_stderr "cannot open 'nothere.xml'"

# A plain RSS 2.0 feed and an Atom feed: titles, and categories as tags.
cat >feed.rss <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Blogg</title>
<item><title>Om &lt;script&gt; &amp; säkerhet</title>
<link>https://blog.example.eu/2013/02/07/ny-post/</link>
<pubDate>Thu, 07 Feb 2013 10:00:00 +0100</pubDate>
<category>Cyber Crime</category><category><![CDATA[Säkerhet]]></category></item>
</channel></rss>
XML
cat >feed.atom <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Blogg</title>
<entry><title>Atom-inlägg</title>
<link rel="alternate" href="https://blog.example.eu/2013/02/08/atom-post/"/>
<published>2013-02-08T09:00:00+01:00</published>
<category term="eu"/></entry></feed>
XML
cat >f.log <<'LOG'
81.2.69.142 - - [07/Feb/2013:10:00:00 +0100] "GET /2013/02/07/ny-post/ HTTP/1.1" 200 10 "-" "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
81.2.69.142 - - [08/Feb/2013:10:00:00 +0100] "GET /2013/02/08/atom-post/?utm_source=x HTTP/1.1" 200 10 "-" "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
LOG
bs --db f.db ingest f.log
expect_status 0 "$BLOGSTAT" --db f.db import feed.rss feed.atom
"$BLOGSTAT" --db f.db top posts --format json >fp.json
"$BLOGSTAT" --db f.db top tags --format csv >ft.csv
python3 - fp.json <<'PY'
import json, sys
rows = {r["path"]: r["title"] for r in json.load(open(sys.argv[1], encoding="utf-8"))}
assert rows == {"/2013/02/07/ny-post/": "Om <script> & säkerhet",
                "/2013/02/08/atom-post/": "Atom-inlägg"}, rows
PY
grep -q "^cyber-crime,1,0,1,Cyber Crime$" ft.csv || { cat ft.csv; fail "RSS category as tag"; }
grep -q "^säkerhet,1,0,1,Säkerhet$" ft.csv || { cat ft.csv; fail "UTF-8 tag"; }
grep -q "^eu,1,0,1,eu$" ft.csv || { cat ft.csv; fail "Atom category"; }
