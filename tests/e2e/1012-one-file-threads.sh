# One file's lines counted on three threads (`ingest -j 3` of one file:
# two helpers beside the worker): the counts the generator expects, and
# the database one thread gives, counts, bad lines by day and the log's
# position alike, with the bad lines reported in the same order. A
# commit every 5,000 lines makes blocks meet chunk ends; a log that
# begins with bad lines files them under its first good line's day; a
# gzip of two members ends a chunk where a member ends; in a log of a
# new day every third line, every third line bad, blocks begin on bad
# lines whose day is the line before them; a chunk that ends on its
# memory budget ends at the same line (with the lines after it in blocks
# in flight), so that the referrers it folds are the same.
. "$ROOT/tests/e2e/lib.sh"
D="python3 $ROOT/tests/e2e/dbdump.py"

$GEN --out g --seed 12 --layout single --lines 20000 --days 4 \
    --start 2014-03-01 >/dev/null
head -c 16 /dev/urandom >k
chmod 600 k

# same NAME FILE...: ingested with -j 1 and -j 3 under one key, equal.
same() {
    name=$1
    shift
    for j in 1 3; do
        cp k "$name-$j.db.key"
        bs --db "$name-$j.db" ingest -v -j $j --commit-every "${CE:-5000}" \
            --max-bad 100% "$@" 2>"$name-$j.err" ||
            { cat "$name-$j.err"; fail "$name: ingest -j $j"; }
        $D "$name-$j.db" --sources >"$name-$j.dump"
        grep "bad line" "$name-$j.err" >"$name-$j.bad" || true
    done
    cmp -s "$name-1.dump" "$name-3.dump" ||
        { diff "$name-1.dump" "$name-3.dump" | head >&2; fail "$name: -j 3 counted otherwise than -j 1"; }
    [ -s "$name-1.bad" ] || fail "$name: no bad line in the log"
    cmp -s "$name-1.bad" "$name-3.bad" ||
        { diff "$name-1.bad" "$name-3.bad" | head >&2; fail "$name: bad lines told in another order"; }
}

same gz g/access.log.gz
check g/expected.json gz-3.db

gzip -dc g/access.log.gz >plain.log
{ printf 'garbage one\n\ngarbage two\n'; cat plain.log; } >badfirst.log
same badfirst badfirst.log

n=$(wc -l <plain.log)
head -n $((n / 2)) plain.log | gzip >two.log.gz
tail -n +$((n / 2 + 1)) plain.log | gzip >>two.log.gz
same members two.log.gz
check g/expected.json members-3.db

python3 - <<'PY'
import datetime
d0 = datetime.date(2012, 1, 1)
with open("days.log", "w") as f:
    for i in range(6000):
        if i % 3 == 2:
            f.write("not a log line %d\n" % i)
            continue
        d = d0 + datetime.timedelta(days=i // 3)
        f.write('192.0.2.%d - - [%s:10:00:00 +0100] "GET /p%d/ HTTP/1.1" '
                '200 512 "-" "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"\n'
                % (i % 200, d.strftime("%d/%b/%Y"), i % 50))
PY
same days days.log

# A new reader and a new referrer host on every line, 4,000 posts: the
# chunk's countries of posts and visitors pass its 8 MiB before 2^18
# lines (the default commit), and past 4,096 referrers a chunk folds
# them into (other).
python3 - <<'PY'
import datetime
ua = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
t0 = datetime.datetime(2013, 5, 1)
with open("mem.log", "w") as f:
    for i in range(40000):
        if i % 20000 == 7:
            f.write("not a log line %d\n" % i)
            continue
        t = t0 + datetime.timedelta(seconds=i * 86400 * 2 // 40000)
        a = 16777216 + i * 2654435761 % 3000000000
        post = i * 7919 % 4000
        f.write('%d.%d.%d.%d - - [%s +0000] "GET /2013/04/%02d/post-%d/ '
                'HTTP/1.1" 200 5120 "https://r%d.example.net/a" "%s"\n'
                % (a >> 24, a >> 16 & 255, a >> 8 & 255, a & 255,
                   t.strftime("%d/%b/%Y:%H:%M:%S"), 1 + post % 28, post, i,
                   ua))
PY
CE=262144 same memory mem.log
grep -q "'default', '[^']*', '(other)', '" memory-1.dump ||
    fail "memory: no referrer folded"
