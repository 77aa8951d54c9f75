# import DIR: a Hugo-shaped and a Jekyll-shaped source folder, YAML and
# TOML front matter, drafts, a bad file named and counted while the
# others are kept; the posts meet the views of a log, and top posts, top
# tags and top categories give their titles and post_views exactly. An
# undated page has no date (NULL), not day 0. A JSON Feed updates titles.
. "$ROOT/tests/e2e/lib.sh"

UA='"Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"'
# hit PATH N DAY: N views of PATH on DAY (dd/Mon/yyyy) from one reader.
hit() {
    i=0
    while [ $i -lt "$2" ]; do
        echo "81.2.69.142 - - [$3:10:0$i:00 +0100] \"GET $1 HTTP/1.1\" 200 10 \"-\" $UA"
        i=$((i + 1))
    done
}

# ---- Hugo -----------------------------------------------------------------
mkdir -p hugo/content/posts/bundle hugo/themes/t/content
echo "baseURL = 'https://blog.example.org/'" >hugo/hugo.toml
cat >hugo/content/posts/hello.md <<'MD'
---
title: "Hello, <Hugo> & \"friends\""
date: 2023-04-05T10:00:00+02:00
tags: [Go, "Cyber Crime"]
categories:
  - Tech
---
Body.
MD
cat >hugo/content/posts/bundle/index.md <<'MD'
+++
title = "A bundle"
date = 2023-05-06
slug = "my-bundle"
tags = ["go", "toml"]
categories = [
  "Tech",
  "Life",
]
+++
MD
cat >hugo/content/posts/undated.md <<'MD'
---
title: Undated
tags:
  - go
---
MD
printf -- '---\ntitle: Draft\ndraft: true\ntags: [go]\n---\n' >hugo/content/posts/draft.md
printf -- '---\ntitle: Posts\n---\n' >hugo/content/posts/_index.md
printf -- '+++\ntitle = "Bad"\ntitle = "twice"\n+++\n' >hugo/content/posts/bad.md
printf -- '---\ntitle: Theme page\ntags: [go]\n---\n' >hugo/themes/t/content/t.md
ln -s .. hugo/content/posts/loop

cat >hugo.conf <<'CONF'
[urls]
post     = /posts/%postname%/
tag      = /tags/%tag%/
category = /categories/%category%/
CONF
{
    hit /posts/hello/ 3 05/Apr/2023
    hit "/posts/hello/?utm_source=x" 1 06/Apr/2023
    hit /posts/my-bundle/ 2 07/May/2023
    hit /posts/undated/ 1 07/May/2023
    hit /posts/draft/ 1 07/May/2023
    hit /tags/go/ 2 07/May/2023
} >hugo.log

bs --config hugo.conf --db h.db ingest hugo.log 2>/dev/null
expect_status 65 "$BLOGSTAT" --config hugo.conf --db h.db import hugo
expect_stderr "hugo/content/posts/bad.md:3: malformed TOML front matter"
expect_stderr "1 file not read"

"$BLOGSTAT" --config hugo.conf --db h.db top posts --limit 0 --format json >posts.json
"$BLOGSTAT" --config hugo.conf --db h.db top tags --limit 0 --format json >tags.json
"$BLOGSTAT" --config hugo.conf --db h.db top categories --limit 0 --format json >cats.json
python3 - <<'PY' || fail "hugo: top tables"
import json, sys
def rows(f, *keys):
    return [tuple(r[k] for k in keys) for r in json.load(open(f))]
posts = rows("posts.json", "path", "title", "views")
want = [("/posts/hello/", 'Hello, <Hugo> & "friends"', 4),
        ("/posts/my-bundle/", "A bundle", 2),
        ("/posts/draft/", "", 1),
        ("/posts/undated/", "Undated", 1)]
tags = rows("tags.json", "tag", "post_views", "archive_views")
cats = rows("cats.json", "category", "post_views", "archive_views")
ok = True
for got, exp, name in ((posts, want, "posts"),
                       (tags, [("go", 7, 2), ("cyber-crime", 4, 0), ("toml", 2, 0)], "tags"),
                       (cats, [("tech", 6, 0), ("life", 2, 0)], "categories")):
    if got != exp:
        print(f"top {name}: {got} != {exp}", file=sys.stderr)
        ok = False
sys.exit(0 if ok else 1)
PY

# Undated is NULL in the store, and the draft was never imported.
python3 - h.db <<'PY' || fail "hugo: dates"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = dict(db.execute("SELECT path, published FROM paths WHERE path LIKE '/posts/%'"))
assert rows["/posts/undated/"] is None, rows
assert rows["/posts/hello/"] == 19452, rows     # 2023-04-05
assert rows["/posts/my-bundle/"] == 19483, rows # 2023-05-06
assert db.execute("SELECT imported FROM paths WHERE path = '/posts/draft/'").fetchone()[0] in (0, None)
PY

# Importing again changes nothing; the folder may be given as content/.
cp posts.json before.json
expect_status 65 "$BLOGSTAT" --config hugo.conf --db h.db import hugo/content
"$BLOGSTAT" --config hugo.conf --db h.db top posts --limit 0 --format json >posts.json
cmp -s before.json posts.json || fail "re-import changed top posts"

# A JSON Feed of the same site updates a title; its tags replace the
# post's (a feed gives tags, no categories).
cat >feed.json <<'JSON'
{"version": "https://jsonfeed.org/version/1.1", "title": "Blog",
 "items": [{"id": "https://blog.example.org/posts/undated/",
            "title": "Undated, retitled", "tags": ["Go", "JSON"]}]}
JSON
expect_status 0 "$BLOGSTAT" --config hugo.conf --db h.db import feed.json
"$BLOGSTAT" --config hugo.conf --db h.db top posts --limit 0 --format csv |
    grep -q '^/posts/undated/,"Undated, retitled",1,' || fail "feed title"
"$BLOGSTAT" --config hugo.conf --db h.db top tags --limit 0 --format csv |
    grep -q '^json,1,0,' || fail "feed tags"

# ---- Jekyll ----------------------------------------------------------------
mkdir -p jekyll/_posts jekyll/_drafts jekyll/blog/_posts
echo "title: Jekyll blog" >jekyll/_config.yml
cat >jekyll/_posts/2020-01-02-hello-jekyll.md <<'MD'
---
layout: post
title: Hello Jekyll
categories: [News]
tags: [ruby, static]
---
MD
cat >jekyll/_posts/2020-02-03-second.markdown <<'MD'
---
title: 'Second: the date of the front matter wins'
date: 2020-02-04 10:00:00 +0100
category: News
tags: ruby
---
MD
printf -- '---\ntitle: Two categories\ncategories: News Tech\n---\n' \
    >jekyll/_posts/2020-03-04-two.md
printf -- '---\ntitle: WIP\ntags: [ruby]\n---\n' >jekyll/_drafts/wip.md
printf -- '---\ntitle: Blog post\ntags: [ruby]\n---\n' \
    >jekyll/blog/_posts/2020-05-06-in-blog.md
printf -- '---\ntitle: About me\n---\n' >jekyll/about.md
printf '# README, no page\n' >jekyll/README.md

cat >jekyll.conf <<'CONF'
[urls]
post = /%category%/%year%/%monthnum%/%day%/%postname%.html
CONF
{
    hit /news/2020/01/02/hello-jekyll.html 2 02/Jan/2020
    hit /news/2020/02/04/second.html 3 04/Feb/2020
    hit /news/tech/2020/03/04/two.html 1 04/Mar/2020
    hit /blog/2020/05/06/in-blog.html 1 06/May/2020
    hit /about.html 1 06/May/2020
} >jekyll.log
expect_status 0 "$BLOGSTAT" --config jekyll.conf --db j.db import jekyll
bs --config jekyll.conf --db j.db ingest jekyll.log 2>/dev/null
"$BLOGSTAT" --config jekyll.conf --db j.db top posts --limit 0 --format json >posts.json
"$BLOGSTAT" --config jekyll.conf --db j.db top tags --limit 0 --format json >tags.json
"$BLOGSTAT" --config jekyll.conf --db j.db top categories --limit 0 --format json >cats.json
python3 - <<'PY' || fail "jekyll: top tables"
import json, sys
def rows(f, *keys):
    return [tuple(r[k] for k in keys) for r in json.load(open(f))]
want = {
    "posts": [("/news/2020/02/04/second.html", "Second: the date of the front matter wins", 3),
              ("/news/2020/01/02/hello-jekyll.html", "Hello Jekyll", 2),
              ("/about.html", "About me", 1),
              ("/blog/2020/05/06/in-blog.html", "Blog post", 1),
              ("/news/tech/2020/03/04/two.html", "Two categories", 1)],
    "tags": [("ruby", 6), ("static", 2)],
    "categories": [("news", 6), ("blog", 1), ("tech", 1)],
}
got = {
    "posts": rows("posts.json", "path", "title", "views"),
    "tags": rows("tags.json", "tag", "post_views"),
    "categories": rows("cats.json", "category", "post_views"),
}
bad = [k for k in want if got[k] != want[k]]
for k in bad:
    print(f"top {k}: {got[k]} != {want[k]}", file=sys.stderr)
sys.exit(1 if bad else 0)
PY
