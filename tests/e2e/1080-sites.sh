# Sites (virtual hosts): one log of several blogs, told apart by the host
# of each line ([site NAME] hosts =, or the host of its url =; any case,
# any port, a trailing dot), counts each blog on its own, with its own
# URL rules ([urls NAME]), its own visitors, its own imported titles; the
# lines of no declared host count for the default site; `top sites` ranks
# the sites; --site picks one; an unknown one is a usage error.
. "$ROOT/tests/e2e/lib.sh"

# gen DIR SEED HOST [ARGS]: one site's log as one file, with no bad lines
# (a bad line is the default site's whatever host it names).
gen() {
    d=$1
    s=$2
    h=$3
    shift 3
    $GEN --out "$d" --seed "$s" --host "$h" --layout single --no-bad "$@"
}

# merge OUT LOG...: the lines of the gzip logs in time order into OUT (a
# line's [time], or "ts" in JSON); lines of one second keep the order of
# their file, and each file's lines their own order.
merge() {
    python3 - "$@" <<'PY'
import datetime as dt, gzip, heapq, json, sys

def key(line):
    if line.startswith(b"{"):
        return json.loads(line)["ts"]
    i = line.index(b"[")
    t = line[i + 1:line.index(b"]", i)].decode("ascii")
    return dt.datetime.strptime(t, "%d/%b/%Y:%H:%M:%S %z").timestamp()

def lines(path):
    last = None
    with gzip.open(path, "rb") as f:
        for line in f:
            k = key(line)
            if last is not None and k < last:
                sys.exit(f"merge: {path}: a line before its predecessor")
            last = k
            yield line

with open(sys.argv[1], "wb") as out:
    out.writelines(heapq.merge(*map(lines, sys.argv[2:]), key=key))
PY
}

# json_sum KEY EXPECTED...: the sum of totals.KEY of the files
json_sum() {
    python3 - "$@" <<'PY'
import json, sys
print(sum(json.load(open(f, encoding="utf-8"))["totals"][sys.argv[1]]
          for f in sys.argv[2:]))
PY
}

# cols CSV NAME...: those columns of a csv table (by header name), one row
# a line, comma-separated; fails when a column is missing.
cols() {
    python3 - "$@" <<'PY'
import csv, sys
rows = csv.reader(open(sys.argv[1], encoding="utf-8", newline=""))
head = next(rows)
ix = [head.index(n) for n in sys.argv[2:]]
for r in rows:
    print(",".join(r[i] for i in ix))
PY
}

# same GOT WANT WHAT: the two files are equal
same() {
    cmp -s "$1" "$2" || { diff "$1" "$2" >&2 || true; fail "$3"; }
}

# -- two blogs in one Apache vhost_combined log --------------------------------
# alpha: 2013-02-01..04, beta: 2013-02-03..06 (two days in common), beta's
# host spelled otherwise on one line in six (BETA.Example.ORG.:8443 ...).
gen alpha 81 www.alpha.example --format vhost_combined --days 4 \
    --lines-per-day 400
gen beta 82 beta.example.org --format vhost_combined --days 4 \
    --lines-per-day 250 --start 2013-02-03 --host-variants
merge all.log alpha/access.log.gz beta/access.log.gz
[ "$(wc -l <all.log)" -eq "$(json_sum lines alpha/expected.json beta/expected.json)" ] ||
    fail "the merged log lost lines"
grep -q '^BETA\.EXAMPLE\.ORG' all.log && grep -q '^beta\.example\.org\.:' all.log ||
    fail "the generator wrote no host variants"

# alpha: two hosts = lines that add up (its log names the second, which
# is not the host of its url); beta: no hosts =, the host of its url.
cat >blogstat.conf <<'EOF'
[log]
format = vhost_combined

[site]
name = Nobody's
hosts = old.example

[site alpha]
name = Alpha
url = https://alpha.example/
hosts = alpha.example static.alpha.example
hosts = www.alpha.example

[site beta]
name = Beta
url = https://beta.example.org
EOF
expect_status 0 bs --db s.db ingest all.log

# The same log on three threads (two helpers judge its lines, the worker
# counts them: each line's site, host and rules as one thread has them),
# under the same key: the same database.
cp s.db.key s3.db.key
expect_status 0 bs --db s3.db ingest -j 3 all.log
python3 "$ROOT/tests/e2e/dbdump.py" s.db --sources >s.dump
python3 "$ROOT/tests/e2e/dbdump.py" s3.db --sources >s3.dump
cmp -s s.dump s3.dump ||
    { diff s.dump s3.dump | head >&2; fail "sites: -j 3 counted otherwise than -j 1"; }

# top sites: every site, best first, the numbers of expected.json.
bs --db s.db top sites --format csv >sites.csv
python3 - sites.csv alpha/expected.json beta/expected.json <<'PY' ||
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
got = [(r["site"], int(r["views"]), int(r["visitors"])) for r in rows]
want = {"default": (0, 0)}
for name, f in (("alpha", sys.argv[2]), ("beta", sys.argv[3])):
    t = json.load(open(f, encoding="utf-8"))["totals"]
    want[name] = (t["views"], t["visitors"])
assert want["alpha"][0] != want["beta"][0], want
order = sorted(want, key=lambda s: -want[s][0])
assert [g[0] for g in got] == order, (got, order)
for s, v, n in got:
    assert (v, n) == want[s], (s, v, n, want[s])
PY
    { cat sites.csv; fail "top sites"; }

# --days N: the N days ending with the site's own newest day.
for s in alpha beta; do
    bs --db s.db top days --site $s --days 2 --format csv >d.csv
    cols d.csv day views >got
    python3 - $s/expected.json >want <<'PY'
import json, sys
days = json.load(open(sys.argv[1], encoding="utf-8"))["days"]
for d in sorted(days)[-2:]:
    print(f"{d},{days[d]['views']}")
PY
    same got want "top days --site $s --days 2"
done

# An unknown site: 64, naming the sites there are.
expect_status 64 bs --db s.db top posts --site zzz
expect_stderr zzz
for s in default alpha beta; do expect_stderr "$s"; done
expect_status 64 bs --db s.db report --site zzz --out r
expect_stderr zzz
expect_status 64 bs --db s.db import --site zzz beta/posts.csv
expect_stderr zzz

# Titles for beta only. Then every number of each site: posts (with the
# pages both blogs have, /om-mig/ ..., untitled on alpha: check.py
# without --imported wants every title empty), tags, categories,
# countries, days, hits and robots, visitors and visits, its row of top
# sites, the report of beta; status is of both.
expect_status 0 bs --db s.db import --site beta beta/posts.csv
check alpha/expected.json s.db --site alpha \
    --whole alpha/expected.json beta/expected.json
check beta/expected.json s.db --site beta --imported --no-categories --report
check beta/expected.json s.db --site beta --imported --no-categories \
    --from 2013-02-05 --to 2013-02-06

# report without --site: every site's report over the same days, the
# default's in OUT and the others' in OUT/site/NAME, linked to each other
# by their titles; each holds its own site's numbers.
expect_status 0 bs --db s.db report --out rep
H="python3 $ROOT/tests/e2e/htmlcheck.py"
$H safe rep/index.html rep/site/alpha/index.html rep/site/beta/index.html ||
    fail "the reports of the sites are not safe or their links dangle"
for s in alpha beta; do
    $H numbers rep/site/$s/index.html "$BLOGSTAT" s.db --site $s ||
        fail "the report of $s does not hold its numbers"
done
$H text rep/index.html "Nobody's" Alpha Beta "Sites:" || fail "no sites in the report"
grep -q 'href="site/alpha/index.html"' rep/index.html || fail "no link to alpha"
grep -q 'href="../../index.html"' rep/site/beta/index.html || fail "no link back"
grep -q 'href="../alpha/index.html"' rep/site/beta/index.html || fail "no link across"
[ ! -e rep/site/default ] || fail "the default site's report is in site/"
# With --site, one report where --out says, with no list of sites.
expect_status 0 bs --db s.db report --site beta --out repb
$H numbers repb/index.html "$BLOGSTAT" s.db --site beta || fail "report --site beta"
if grep -q 'class="sites"' repb/index.html; then fail "a lone site's report lists sites"; fi

# The default site has nothing: no line, no imported post.
for t in posts tags days countries "posts --least"; do
    bs --db s.db top $t --format csv >def.csv
    [ "$(csv_rows <def.csv)" -eq 0 ] || { cat def.csv; fail "default site: top $t"; }
done

# -- the same with Caddy's JSON (request.host as the client sent it) ---------
mkdir caddy && cd caddy
gen news 91 news.example --format caddy --days 2 --lines-per-day 300 \
    --host-variants
gen photos 92 photos.example --format caddy --days 2 --lines-per-day 200 \
    --start 2013-02-02
merge all.log news/access.log.gz photos/access.log.gz
cat >blogstat.conf <<'EOF'
[log]
timezone = Europe/Stockholm

[site news]
hosts = news.example

[site photos]
hosts = photos.example
EOF
expect_status 0 bs --db c.db ingest all.log
check news/expected.json c.db --site news \
    --whole news/expected.json photos/expected.json
check photos/expected.json c.db --site photos
bs --db c.db top days --format csv >def.csv
[ "$(csv_rows <def.csv)" -eq 0 ] || { cat def.csv; fail "caddy: default site"; }
cd ..

# -- by hand: a WordPress blog and a Hugo blog in one log ---------------------
# One reader (one address, one browser) reads both, and the main site.
mkdir shapes && cd shapes
cat >blogstat.conf <<'EOF'
[log]
format = vhost_combined

[site]
hosts = main.example

[site wp]
url = https://wp.example

[urls wp]
post = /%year%/%monthnum%/%day%/%postname%/
tag  = /tag/%tag%/

[site hugo]
name = Hugo
hosts = Hugo.Example www.hugo.example

[urls hugo]
post = /posts/%postname%/
tag  = /tags/%tag%/
EOF
ua='"Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"'
n=0
line() {
    n=$((n + 1))
    printf '%s 81.2.69.142 - - [07/Feb/2013:10:00:%02d +0100] "GET %s HTTP/1.1" 200 10 "-" %s\n' \
        "$1" $n "$2" "$ua"
}
{
    line hugo.example:443 /posts/hello/             # hugo: lands on it
    line wp.example:443 /2013/02/07/hello/          # wp: a visit of its own
    line WWW.Hugo.Example.:8443 /posts/hello
    line Wp.Example.:80 "/2013/02/07/hello/?utm_source=x"
    line hugo.example:443 /posts/second/
    line wp.example:443 /posts/hello/               # wp: a page
    line hugo.example:443 /2013/02/07/hello/        # hugo: a page
    line main.example:443 /2013/02/07/hello/        # default
    line other.example:443 /2013/02/07/hello/       # no site: default
    line wp.example:443 /2013/02/07/hello/
    line hugo.example:443 /tags/go/
    line wp.example:443 /tag/go/
} >access.log
expect_status 0 bs --db m.db -v ingest access.log
# The one line of a host no site declares is said (main.example is the
# default site's own).
expect_stderr "1 hit of hosts no [site NAME] declares (such as 'other.example') counted for the default site"

# posts SITE [ARGS]: path,title,views,visitors,visits of top posts, sorted
posts() {
    s=$1
    shift
    "$BLOGSTAT" --db m.db top posts --site "$s" --format csv "$@" >p.csv
    cols p.csv path title views visitors visits | LC_ALL=C sort
}
posts wp >got
printf '%s\n' /2013/02/07/hello/,,3,1,1 /posts/hello/,,1,1,0 | LC_ALL=C sort >want
same got want "wp posts"
posts wp --kind post >got
echo /2013/02/07/hello/,,3,1,1 >want
same got want "wp posts by its own rules"
posts hugo >got
printf '%s\n' /posts/hello/,,2,1,1 /posts/second/,,1,1,0 \
    /2013/02/07/hello/,,1,1,0 | LC_ALL=C sort >want
same got want "hugo posts"
posts hugo --kind post >got
printf '%s\n' /posts/hello/,,2,1,1 /posts/second/,,1,1,0 | LC_ALL=C sort >want
same got want "hugo posts by its own rules"
posts default >got
echo /2013/02/07/hello/,,2,1,1 >want
same got want "default posts (its host and an unknown one)"
# --site default is the site without --site
"$BLOGSTAT" --db m.db top posts --format csv >p.csv
cols p.csv path views >got
echo /2013/02/07/hello/,2 >want
same got want "default posts without --site"

for s in wp hugo; do
    "$BLOGSTAT" --db m.db top tags --site $s --format csv >t.csv
    cols t.csv tag post_views archive_views >got
    echo go,0,1 >want
    same got want "$s tags"
done
"$BLOGSTAT" --db m.db top sites --format csv >s.csv
cols s.csv site views visitors | LC_ALL=C sort >got
printf '%s\n' default,2,1 hugo,5,1 wp,5,1 >want
same got want "top sites: one reader is a visitor of each site"
"$BLOGSTAT" --db m.db top days --site wp --format csv >d.csv
cols d.csv day views visitors visits >got
echo 2013-02-07,5,1,1 >want
same got want "wp days"

# Titles and tags for hugo: not for the same paths on wp or the default.
printf '%s\n' 'path,title,published,tags' '/posts/hello/,Hej Hugo,2013-02-01,go' \
    '/posts/second/,Andra,2013-02-02,go|c' '/2013/02/07/hello/,Sidan,2013-02-07,' >posts.csv
expect_status 0 "$BLOGSTAT" --db m.db import --site hugo posts.csv
posts hugo >got
printf '%s\n' '/posts/hello/,Hej Hugo,2,1,1' /posts/second/,Andra,1,1,0 \
    /2013/02/07/hello/,Sidan,1,1,0 | LC_ALL=C sort >want
same got want "hugo titles"
posts wp >got
printf '%s\n' /2013/02/07/hello/,,3,1,1 /posts/hello/,,1,1,0 | LC_ALL=C sort >want
same got want "wp took hugo's titles"
posts default >got
echo /2013/02/07/hello/,,2,1,1 >want
same got want "the default site took hugo's titles"
"$BLOGSTAT" --db m.db top tags --site hugo --format csv >t.csv
cols t.csv tag post_views archive_views | LC_ALL=C sort >got
printf '%s\n' go,3,1 c,1,0 | LC_ALL=C sort >want
same got want "hugo tags after the import"
"$BLOGSTAT" --db m.db top tags --site wp --format csv >t.csv
cols t.csv tag post_views archive_views >got
echo go,0,1 >want
same got want "wp tags after hugo's import"

# Without --site, a post whose link names a site's host is that site's;
# one of no declared host is the default site's.
printf '%s\n' 'path,title,published,tags' \
    'https://WP.example/2013/02/07/hello/,WP hej,2013-02-07,' \
    'https://elsewhere.example/2013/02/07/hello/,Main hej,2013-02-07,' >links.csv
expect_status 0 "$BLOGSTAT" --db m.db import links.csv
posts wp --kind post >got
echo '/2013/02/07/hello/,WP hej,3,1,1' >want
same got want "an imported link of wp's host went elsewhere"
posts default >got
echo '/2013/02/07/hello/,Main hej,2,1,1' >want
same got want "an imported link of no site's host missed the default site"
posts hugo --kind post >got
printf '%s\n' '/posts/hello/,Hej Hugo,2,1,1' /posts/second/,Andra,1,1,0 | LC_ALL=C sort >want
same got want "links of other hosts changed hugo"

# -- a site's own log: ingest --site ---------------------------------------------
# Its lines name no host (combined), bad lines included: all are the
# site's, and the default site's are left alone.
$GEN --out gamma --seed 83 --layout single --days 2 --lines-per-day 300 >/dev/null
$GEN --out delta --seed 84 --layout single --days 3 --lines-per-day 300 >/dev/null
cat >gamma.conf <<'EOF2'
[site gamma]
url = https://gamma.example
EOF2
expect_status 0 bs --db g.db --config gamma.conf ingest gamma/access.log.gz
expect_status 0 bs --db g.db --config gamma.conf ingest --site gamma \
    delta/access.log.gz
check delta/expected.json g.db --site gamma \
    --whole gamma/expected.json delta/expected.json
# The first log (no --site, no host) is the default site's, unchanged.
check gamma/expected.json g.db --site default
expect_status 64 bs --db g.db --config gamma.conf ingest --site zzz gamma/access.log.gz
expect_stderr "no site 'zzz' in the config"
