# browser: the report's index, two post pages, a period page and the
# period list, and the HTML of `blogstat digest` (its cid: images
# written beside it), in headless Chromium at 390 and 1280 CSS pixels: no horizontal overflow, no console error or
# warning, no Content-Security-Policy violation, every image loaded. The
# check itself fails on a page that overflows a phone, one with a missing
# image and one with an inline script (tests/fixtures/browser/).
# Without Chromium (Debian package chromium) the test is skipped.
# BROWSER_SHOTS=DIR (absolute) keeps the screenshots there.
. "$ROOT/tests/e2e/lib.sh"
S=$ROOT/sample-logs
browsercheck() { python3 "$ROOT/tests/e2e/browsercheck.py" "$@"; }
F=$ROOT/tests/fixtures/browser

# make test installs Chromium while it builds: wait for that install.
pidfile=$ROOT/build/deps-background.pid
if [ -f "$pidfile" ]; then
    pid=$(cat "$pidfile")
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 1200 ]; do
        sleep 0.5
        i=$((i + 1))
    done
fi
command -v "${CHROMIUM:-chromium}" >/dev/null 2>&1 || {
    echo "skip: chromium is not installed (scripts/deps.sh browser installs it)"
    exit 0
}

bs --db b.db ingest "$S"/access.log* 2>/dev/null
"$BLOGSTAT" --db b.db import "$S/wordpress-export.xml"
printf '[site]\nname = Cecilia Malmström\nurl = https://blog.example.eu\n' >blogstat.conf
expect_status 0 "$BLOGSTAT" --db b.db report --out rep

# The first two post pages the index links to.
posts=$(grep -o 'href="posts/[0-9]*\.html"' rep/index.html | sed 's/href="//; s/"$//' |
    awk '!seen[$0]++' | head -2 | sed 's|^|rep/|')
[ "$(echo "$posts" | wc -l)" -eq 2 ] || fail "the index links to fewer than 2 posts"
[ -f rep/periods/last-7/index.html ] || fail "no page of the last 7 days"

# The digest's HTML part as a mail client shows it: each cid: image
# written to a file beside it and the reference pointed at that file.
BLOGSTAT_NOW=1360886400 expect_status 0 "$BLOGSTAT" --db b.db digest
mv stdout mail.eml
mkdir digest
python3 - <<'PY' || fail "the digest's HTML part"
from email import policy, message_from_binary_file
m = message_from_binary_file(open("mail.eml", "rb"), policy=policy.default)
html = None
for p in m.walk():
    if p.get_content_type() == "text/html":
        html = p.get_content()
    elif p.get_content_maintype() == "image":
        cid = p["Content-ID"].strip("<>")
        name = cid.replace("@", "-").replace("/", "-") + ".png"
        open("digest/" + name, "wb").write(p.get_content())
        html = html.replace("cid:" + cid, name) if html else html
        assert name in html, "cid:" + cid + " not referenced"
open("digest/index.html", "w").write(html)
PY

shots=${BROWSER_SHOTS:-$PWD/shots}
# shellcheck disable=SC2086 # one word a page
browsercheck --shots "$shots" rep/index.html $posts \
    rep/periods/last-7/index.html rep/periods/index.html \
    digest/index.html >out 2>&1 || { cat out >&2; fail "browsercheck"; }
cat out
[ "$(grep -c '^ok ' out)" -eq 12 ] || fail "not 6 pages at 2 widths checked"
[ "$(ls "$shots"/*.png | wc -l)" -eq 12 ] || fail "not 12 screenshots"

# The check can fail, and says why.
expect_status 1 browsercheck "$F/overflow.html" "$F/broken-img.html" "$F/inline-script.html"
grep -qF "FAIL $F/overflow.html at 390px: overflow: scrollWidth" stdout ||
    fail "overflow at 390 px not found"
grep -qF "body > main > table.wide" stdout || fail "the overflowing element not named"
grep -qF "ok   $F/overflow.html at 1280px" stdout || fail "overflow.html fails at 1280 px"
for w in 390 1280; do
    grep -qF "FAIL $F/broken-img.html at ${w}px: img did not load: charts/missing.png" stdout ||
        fail "the missing image not found at $w px"
    grep -F "FAIL $F/inline-script.html at ${w}px" stdout | grep -qF "CSP violation: " ||
        fail "the CSP violation not found at $w px"
done
expect_stderr "5 page/width checks failed"
