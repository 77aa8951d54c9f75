# The URL rules are data: a Hugo blog and a hand-made blog, configured in
# blogstat.conf, count their posts and tags.
. "$ROOT/tests/e2e/lib.sh"

ua='"Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"'
line() { echo "81.2.69.142 - - [07/Feb/2013:10:00:0$1 +0100] \"GET $2 HTTP/1.1\" 200 10 \"-\" $ua"; }

mkdir hugo && cd hugo
cat >blogstat.conf <<'CONF'
[site]
name = Hugo
[urls]
post = /posts/%postname%/
tag  = /tags/%tag%/
feed = /rss/ /index.xml
CONF
{ line 1 /posts/hello-world/; line 2 /posts/hello-world; line 3 "/posts/hello-world/?ref=x"
  line 4 /tags/go/; line 5 /tags/go/page/2/; line 6 /posts/second/; line 7 /about/
  line 8 /rss/; } >access.log
bs --db h.db ingest access.log
printf 'path,title,published,tags\n/posts/hello-world/,Hello,2013-02-01,go|c\n/posts/second/,Second,2013-02-02,go\n' >posts.csv
"$BLOGSTAT" --db h.db import posts.csv
"$BLOGSTAT" --db h.db top posts --format csv >p.csv
printf 'path,title,views,visitors,visits\n/posts/hello-world/,Hello,3,1,1\n/about/,,1,1,0\n/posts/second/,Second,1,1,0\n' >want
cmp -s p.csv want || { cat p.csv; fail "hugo posts"; }
"$BLOGSTAT" --db h.db top tags --format csv >t.csv
printf 'tag,post_views,archive_views,visitors,title\ngo,4,2,1,go\nc,3,0,1,c\n' >want
cmp -s t.csv want || { cat t.csv; fail "hugo tags"; }
"$BLOGSTAT" --db h.db top posts --kind post --format csv | grep -q about && fail "/about/ is no post"
"$BLOGSTAT" --db h.db top days --format csv | grep -qx "2013-02-07,7,1,1" || fail "the /rss/ feed counted as a view"
cd ..

mkdir hand && cd hand
cat >site.conf <<'CONF'
[urls]
post = /blog/%category%/%postname%.html
tag  = /blog/tags/%tag%
ignore = /blog/drafts/*
CONF
{ line 1 /blog/tech/hello.html; line 2 "/blog/tech/hello.html?x=1"; line 3 /blog/tags/c
  line 4 /blog/drafts/secret.html; line 5 /blog/life/cats.html; } >access.log
BLOGSTAT_CONFIG=site.conf bs --db m.db ingest access.log
"$BLOGSTAT" --db m.db top posts --format csv >p.csv
printf 'path,title,views,visitors,visits\n/blog/tech/hello.html,,2,1,1\n/blog/life/cats.html,,1,1,0\n' >want
cmp -s p.csv want || { cat p.csv; fail "hand-made posts"; }
"$BLOGSTAT" --db m.db top tags --format csv | grep -qx "c,0,1,0," || fail "hand-made tag"
"$BLOGSTAT" --db m.db top days --format csv | grep -qx "2013-02-07,4,1,1" || fail "ignored page counted"

# A bad config: 64, file and line named.
printf '[urls]\npost = /%%nope%%/\n' >bad.conf
expect_status 64 "$BLOGSTAT" --config bad.conf --db x.db ingest access.log
expect_stderr "bad.conf:2:"
printf '[urls]\ncolour = blue\n' >bad2.conf
expect_status 64 "$BLOGSTAT" --config bad2.conf --db x.db ingest access.log
expect_stderr "bad2.conf:2: unknown setting 'colour' in [urls]"
expect_status 66 "$BLOGSTAT" --config none.conf --db x.db ingest access.log
