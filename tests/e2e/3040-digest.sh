# `blogstat digest`: a MIME mail that Python's email package reads as
# multipart/alternative (text/plain, multipart/related of text/html and
# the chart as image/png), the HTML's cid: reference to the chart
# resolved, and every number the one `top` prints for the same range:
# views and visitors (top sites), the top posts, trending, feeds.
. "$ROOT/tests/e2e/lib.sh"
S=$ROOT/sample-logs
C="--config $S/blogstat.conf --db b.db"

expect_status 0 bs $C ingest "$S"/access.log*
expect_status 0 "$BLOGSTAT" $C import "$S/wordpress-export.xml"
# The clock on the day after the logs end: the week is 8 - 14 February.
export BLOGSTAT_NOW=1360886400
expect_status 0 "$BLOGSTAT" $C digest --to-addr 'Me <me@example.org>'
mv stdout mail.eml
for t in sites posts trending feeds; do
    expect_status 0 "$BLOGSTAT" $C top $t --days 7 --limit 10 --format json
    mv stdout $t.json
done

python3 - <<'PY' || fail "the digest"
import email, json, re, sys
from email import policy
from html import unescape

m = email.message_from_binary_file(open("mail.eml", "rb"),
                                   policy=policy.default)
def die(msg):
    print("digest:", msg)
    sys.exit(1)

if m.get_content_type() != "multipart/alternative":
    die(f"top part {m.get_content_type()}")
if m["To"] != "Me <me@example.org>" or "@" not in m["From"]:
    die(f"addresses {m['To']!r} {m['From']!r}")
types = [p.get_content_type() for p in m.walk()]
if types != ["multipart/alternative", "text/plain", "multipart/related",
             "text/html", "image/png"]:
    die(f"parts {types}")
png = [p for p in m.walk() if p.get_content_type() == "image/png"][0]
if not png.get_content().startswith(b"\x89PNG"):
    die("the image is no PNG")
html = m.get_body(("html",)).get_content()
text = m.get_body(("plain",)).get_content()
cids = re.findall(r'src="cid:([^"]+)"', html)
if cids != [png["Content-ID"].strip("<>")]:
    die(f"cid references {cids} for {png['Content-ID']}")
if re.search(r'src="(?!cid:)', html) or "<script" in html.lower():
    die("the HTML loads something or runs a script")

site = [s for s in json.load(open("sites.json")) if s["site"] == "default"][0]
views, visitors = site["views"], site["visitors"]
subj = m["Subject"]
if not subj.startswith(f"Your blog this week: {views:,} views"):
    die(f"subject {subj!r} for {views} views")
for part in (text, html):
    if f"{views:,}" not in part or f"{visitors:,}" not in part:
        die(f"views {views} or visitors {visitors} missing")
posts = json.load(open("posts.json"))
lines = text.split("\n")
i = lines.index("Top posts")
for k, p in enumerate(posts):
    want = f"{k + 1:3d}. {p['title'] or p['path']}  {p['views']:,}"
    if lines[i + 1 + k] != want:
        die(f"top post {k + 1}: {lines[i + 1 + k]!r} != {want!r}")
    if p["title"] not in unescape(html):
        die(f"{p['title']!r} not in the HTML")
for t in json.load(open("trending.json")):
    if f"{t['title'] or t['path']}  {t['views']:,} views, usually " \
       f"{t['usual']:,} a week" not in text:
        die(f"trending {t}")
for fd in json.load(open("feeds.json"))[:3]:
    if f"     {fd['feed']}  {fd['subscribers']:,}" not in lines:
        die(f"feed {fd}")
print("digest: ok,", views, "views,", len(posts), "posts")
PY

# An address that would add a header is refused.
expect_status 64 "$BLOGSTAT" $C digest --to-addr "$(printf 'a@b\nBcc: x@y')"
expect_stderr "address"
