# report never writes through a symlink planted in --out: a folder that
# is a link (charts/, posts/, site/NAME/) is refused with 73 and its
# name, a page that is a link is replaced and its target left alone.
. "$ROOT/tests/e2e/lib.sh"
S=$ROOT/sample-logs

bs --db b.db ingest "$S"/access.log* 2>/dev/null

# nothing_in DIR: DIR is still empty.
nothing_in() {
    [ -z "$(ls -A "$1")" ] || fail "the report wrote into $1: $(ls -A "$1")"
}

for folder in charts posts; do
    rm -rf out elsewhere
    mkdir out elsewhere
    ln -s "$PWD/elsewhere" "out/$folder"
    expect_status 73 "$BLOGSTAT" --db b.db report --out out
    expect_stderr "out/$folder"
    nothing_in elsewhere
done

# --out itself a link: refused too.
rm -rf out elsewhere
mkdir elsewhere
ln -s "$PWD/elsewhere" out
expect_status 73 "$BLOGSTAT" --db b.db report --out out
expect_stderr "out"
nothing_in elsewhere

# A page planted as a link is replaced; its target keeps its text.
rm -rf out
expect_status 0 "$BLOGSTAT" --db b.db report --out out
echo "precious" >victim
ln -sf "$PWD/victim" out/index.html
post=$(ls out/posts/*.html | head -1)
ln -sf "$PWD/victim" "$post"
expect_status 0 "$BLOGSTAT" --db b.db report --out out
[ "$(cat victim)" = "precious" ] || fail "the report wrote through a symlink"
[ -L out/index.html ] && fail "index.html is still a symlink"
[ -L "$post" ] && fail "$post is still a symlink"
[ "$(stat -c %a out/index.html)" = 644 ] || fail "index.html mode $(stat -c %a out/index.html)"
grep -q "<html" out/index.html || fail "index.html is no page"
exit 0
