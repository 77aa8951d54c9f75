# Hostile names and hostile neighbours: a link planted in the report's
# folder (charts/, posts/, site/, site/NAME/, a page) is never written
# through; a tag or title a spreadsheet would run as a formula is
# neutralised in CSV and kept in JSON and tables; a right-to-left
# override in a path is shown escaped in the table, CSV, JSON and report.
. "$ROOT/tests/e2e/lib.sh"
ua='"Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"'
# line SECOND PATH: a reader's view of PATH on 7 Feb 2013.
line() {
    printf '81.2.69.142 - - [07/Feb/2013:10:00:%02d +0100] "GET %s HTTP/1.1" 200 10 "-" %s\n' "$1" "$2" "$ua"
}

cat >blogstat.conf <<'EOF'
[site]
name = Main

[site b]
name = Other
hosts = b.example
EOF
C="--config blogstat.conf"
{ line 1 /2013/02/07/main/; line 2 /2013/02/07/main/; line 3 /2013/02/07/second/; } >main.log
{ line 3 /2013/02/07/other/; } >b.log
bs $C --db l.db ingest main.log 2>/dev/null
bs $C --db l.db ingest --site b b.log 2>/dev/null

# nothing_in DIR: DIR is still empty.
nothing_in() {
    [ -z "$(ls -A "$1")" ] || fail "the report wrote into $1: $(ls -A "$1")"
}

# A folder planted as a link, at each folder the report writes: exit 73,
# the link named, nothing written where it points.
for folder in charts posts site site/b site/b/charts site/b/posts; do
    rm -rf out elsewhere
    mkdir -p "out/$(dirname "$folder")" elsewhere
    ln -s "$PWD/elsewhere" "out/$folder"
    expect_status 73 "$BLOGSTAT" $C --db l.db report --out out
    expect_stderr "out/$folder' is a symbolic link"
    nothing_in elsewhere
done

# A dangling link where site/b goes: refused, and nothing is created at
# the name it points to.
rm -rf out
mkdir -p out/site
ln -s "$PWD/made-by-blogstat" out/site/b
expect_status 73 "$BLOGSTAT" $C --db l.db report --out out
expect_stderr "out/site/b' is a symbolic link"
[ -e made-by-blogstat ] && fail "a folder was made through a dangling link"

# A file where a folder goes: refused, named.
rm -rf out
mkdir out
echo x >out/charts
expect_status 73 "$BLOGSTAT" $C --db l.db report --out out
expect_stderr "out/charts"

# A page and a chart planted as links, in both sites' folders: replaced,
# their target keeps its text.
rm -rf out
expect_status 0 "$BLOGSTAT" $C --db l.db report --out out
echo precious >victim
for f in index.html charts/daily.png site/b/index.html site/b/charts/daily.svg \
         "$(cd out && ls site/b/posts/*.html | head -1)"; do
    ln -sf "$PWD/victim" "out/$f"
done
expect_status 0 "$BLOGSTAT" $C --db l.db report --out out
[ "$(cat victim)" = precious ] || fail "the report wrote through a link"
[ -z "$(find out -type l)" ] || fail "links left: $(find out -type l)"

# -- formulas -----------------------------------------------------------------
# Titles from an import (its tags become slugs), a tag archive from a
# request.
cat >posts.csv <<'EOF'
path,title,published,tags
/2013/02/07/main/,"=HYPERLINK(""http://evil.example/"",""Click me"")",2013-02-07,+cmd|@SUM(1)
/2013/02/07/second/,-2+3,2013-02-07,plain
EOF
bs $C --db l.db import posts.csv 2>/dev/null
line 4 '/tag/=1+1/' >tag.log
bs $C --db l.db ingest tag.log 2>/dev/null
"$BLOGSTAT" $C --db l.db top posts --format csv >posts.out
grep -qF '"'"'"'=HYPERLINK(""http://evil.example/"",""Click me"")"' posts.out ||
    { cat posts.out; fail "a formula title reached CSV live"; }
"$BLOGSTAT" $C --db l.db top tags --format csv >tags.out
grep -qF ',"'"'"'-2+3",' posts.out || { cat posts.out; fail "title -2+3"; }
grep -qF "\"'=1+1\"," tags.out || { cat tags.out; fail "tag archive =1+1"; }
grep -q "^plain," tags.out || fail "a plain tag changed"
# JSON and tables keep the text as it is.
"$BLOGSTAT" $C --db l.db top posts --format json >posts.json
python3 - posts.json <<'PY' || fail "JSON changed a title"
import json, sys
titles = {r["title"] for r in json.load(open(sys.argv[1], encoding="utf-8"))}
assert '=HYPERLINK("http://evil.example/","Click me")' in titles, titles
PY
"$BLOGSTAT" $C --db l.db top tags >tags.txt
grep -q "^=1+1 " tags.txt || { cat tags.txt; fail "table changed a tag"; }
# A number column is never touched; nor is a change of -50%.
{ line 5 /2013/02/07/main/; } >next.log
sed 's|07/Feb/2013|08/Feb/2013|' next.log >day2.log
bs $C --db l.db ingest day2.log 2>/dev/null
"$BLOGSTAT" $C --db l.db top posts --from 2013-02-08 --to 2013-02-08 \
    --compare --format csv >cmp.out
grep -q ',-50%$' cmp.out || { cat cmp.out; fail "a negative change neutralised"; }

# -- bidi and invisible characters ------------------------------------------
printf '81.2.69.142 - - [07/Feb/2013:11:00:00 +0100] "GET /2013/02/07/\342\200\256txt.exe/ HTTP/1.1" 200 10 "-" %s\n' "$ua" >bidi.log
printf '81.2.69.142 - - [07/Feb/2013:11:00:01 +0100] "GET /2013/02/07/zero\342\200\213width/ HTTP/1.1" 200 10 "-" %s\n' "$ua" >>bidi.log
bs --db d.db ingest bidi.log 2>/dev/null
rlo=$(printf '\342\200\256')
for fmt in table csv json; do
    "$BLOGSTAT" --db d.db top posts --format $fmt >bidi.$fmt
    grep -q "$rlo" bidi.$fmt && fail "U+202E raw in $fmt"
done
grep -qF '/2013/02/07/<U+202E>txt.exe/' bidi.table || fail "table: no <U+202E>"
grep -qF '/2013/02/07/zero<U+200B>width/' bidi.table || fail "table: no <U+200B>"
grep -qF '/2013/02/07/<U+202E>txt.exe/' bidi.csv || fail "csv: no <U+202E>"
grep -qF '/2013/02/07/\u202etxt.exe/' bidi.json || fail "json: no \\u202e"
python3 - bidi.json <<'PY' || fail "JSON lost the text"
import json, sys
paths = {r["path"] for r in json.load(open(sys.argv[1], encoding="utf-8"))}
assert "/2013/02/07/\u202etxt.exe/" in paths, paths
PY
expect_status 0 "$BLOGSTAT" --db d.db report --out rep
grep -rl "$rlo" rep >/dev/null && fail "U+202E raw in the report"
grep -qF '/2013/02/07/&lt;U+202E&gt;txt.exe/' rep/index.html ||
    fail "report: no visible <U+202E>"
exit 0
