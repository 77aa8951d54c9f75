# Presets: a blog of each engine (WordPress, Hugo, Jekyll, Ghost,
# Eleventy), its log in the URL shapes the engine writes by default and
# the other spellings its server answers, counted with a config that
# says nothing but `preset = ENGINE`. The engine's feeds at every level,
# a post's own files, sitemaps and admin are never views; every number
# of top posts, top tags, top categories and top days is the one
# tests/gen/engines.py expects.
. "$ROOT/tests/e2e/lib.sh"

python3 "$ROOT/tests/gen/engines.py" --out . --seed 7

for e in wordpress hugo jekyll ghost eleventy; do
    (
        cd $e
        # blogstat.conf here: [urls] preset = $e, nothing else
        expect_status 0 bs --db b.db ingest access.log
        expect_status 0 "$BLOGSTAT" --db b.db import posts.csv
        from=$(python3 -c 'import json; print(json.load(open("expected.json"))["from"])')
        to=$(python3 -c 'import json; print(json.load(open("expected.json"))["to"])')
        for t in posts tags categories days; do
            "$BLOGSTAT" --db b.db top $t --from "$from" --to "$to" --limit 0 \
                --format json >$t.json
        done
        python3 - "$e" <<'PY' || fail "$e: the counts differ (listed above)"
import json, sys

engine = sys.argv[1]
exp = json.load(open("expected.json", encoding="utf-8"))
bad = 0


def compare(what, key, cols):
    global bad
    got = {r[key]: {c: r[c] for c in cols}
           for r in json.load(open(what + ".json", encoding="utf-8"))}
    want = {k: {c: v[c] for c in cols} for k, v in exp[what].items()}
    for k in sorted(set(got) | set(want)):
        if got.get(k) != want.get(k):
            print(f"{engine}: top {what} {k}: got {got.get(k)}, "
                  f"expected {want.get(k)}")
            bad += 1
    if not want and what != "categories":
        print(f"{engine}: nothing expected in top {what}")
        bad += 1


compare("posts", "path", ("views", "visitors", "visits"))
compare("tags", "tag", ("post_views", "archive_views", "visitors"))
compare("categories", "category", ("post_views", "archive_views",
                                   "visitors"))
compare("days", "day", ("views", "visitors", "visits"))
sys.exit(1 if bad else 0)
PY
        # No feed is a post, no path a made-up spelling.
        if grep -q 'index\.xml\|feed\|rss\|html/' posts.json; then
            cat posts.json
            fail "$e: a feed or a made-up spelling in top posts"
        fi
    )
done

# The engines without categories have none to show.
for e in ghost eleventy; do
    [ "$(cat $e/categories.json)" = "[]" ] ||
        { cat $e/categories.json; fail "$e: categories from nowhere"; }
done
# A preset the config does not know: 64, the line named.
printf '[urls]\npreset = blogger\n' >bad.conf
expect_status 64 "$BLOGSTAT" --config bad.conf --db x.db ingest hugo/access.log
expect_stderr "bad.conf:2: unknown preset 'blogger'"
