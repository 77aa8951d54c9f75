# What blogstat tells a person: counts with their right word ("1 view",
# "(1 day)"), an empty range said so, status of each site and of one,
# status rows that keep each file's name wherever the logs lie and tell
# rotated logs of one name apart, progress numbered in order, and a
# partial failure or a run over --max-bad that says what was counted.
. "$ROOT/tests/e2e/lib.sh"
S=$ROOT/sample-logs

# ---- plurals: one line, one hit, one view, one day, one log ----------------
printf '%s\n' '192.0.2.1 - - [07/Feb/2013:10:00:00 +0100] "GET /2013/02/07/one-post/ HTTP/1.1" 200 512 "-" "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0"' >one.log
expect_status 0 bs --db one.db -v ingest one.log
expect_stderr "blogstat: 1 file, 1 line, 1 hit, 1 view in "
expect_stderr "one.log: 1 new line"
expect_stderr "(1 of the first 1 line read)"
! grep -Eq "\b1 (files|lines|hits|views)\b" stderr || { cat stderr; fail "a plural for 1"; }
expect_status 0 "$BLOGSTAT" --db one.db status
grep -q "^days      2013-02-07 .. 2013-02-07 (1 day)$" stdout || { cat stdout; fail "status: (1 day)"; }
grep -q "^lines     1 in 1 log, 0 bad" stdout || { cat stdout; fail "status: 1 log"; }
expect_status 0 "$BLOGSTAT" --db one.db report --out rep
grep -q ">1 view</div>" rep/index.html || fail "report: the top post's 1 view"
! grep -q ">1 views<" rep/index.html || fail "report: 1 views"
printf 'not a log line\n' >>one.log
expect_status 0 bs --db one.db ingest --format combined --max-bad 100% one.log
expect_stderr "blogstat: 1 bad line of 1 (100.00%)"

# ---- an empty range says so; the output stays valid -----------------------
bs --db b.db ingest -q "$S"/access.log*
for f in table csv json; do
    expect_status 0 "$BLOGSTAT" --db b.db top posts --from 2030-01-01 --to 2030-01-31 --format $f
    expect_stderr "blogstat: no views between 2030-01-01 and 2030-01-31 (the database holds 2013-02-01 to 2013-02-14)"
    [ "$(wc -l <stderr)" -eq 1 ] || { cat stderr; fail "$f: more than one message"; }
done
[ "$(cat stdout)" = "[]" ] || fail "json of an empty range: $(cat stdout)"
expect_status 0 "$BLOGSTAT" --db b.db top posts --from 2030-01-01 --to 2030-01-31 --format csv
[ "$(cat stdout)" = "path,title,views,visitors,visits" ] || fail "csv of an empty range: $(cat stdout)"
expect_status 0 "$BLOGSTAT" --db b.db -q top posts --from 2030-01-01 --to 2030-01-31
[ ! -s stderr ] || fail "-q still says the range is empty"
expect_status 0 "$BLOGSTAT" --db b.db top posts --from 2013-02-07 --to 2013-02-08
[ ! -s stderr ] || { cat stderr; fail "a range with views called empty"; }
expect_status 0 "$BLOGSTAT" --db b.db report --from 2012-01-01 --to 2012-01-31 --out rep2
expect_stderr "no views between 2012-01-01 and 2012-01-31 (the database holds 2013-02-01 to 2013-02-14)"

# ---- status: each site, and one ---------------------------------------------
cat >sites.conf <<'EOF'
[site photos]
hosts = photos.example.eu
EOF
expect_status 0 bs --config sites.conf --db s.db ingest "$S"/access.log
expect_status 0 bs --config sites.conf --db s.db ingest --site photos "$S"/access.log.1
expect_status 0 "$BLOGSTAT" --config sites.conf --db s.db status
grep -Eq "^(sites|     )     default +2013-02-14 \.\. 2013-02-14 \(1 day\), [0-9]+ hits, [0-9]+ views$" stdout ||
    { cat stdout; fail "status: no line of the default site"; }
grep -Eq "^(sites|     )     photos +2013-02-13 \.\. 2013-02-14 \(2 days\), [0-9]+ hits, [0-9]+ views$" stdout ||
    { cat stdout; fail "status: no line of site photos"; }
expect_status 0 "$BLOGSTAT" --config sites.conf --db s.db status --site photos
grep -q "^site      photos$" stdout || { cat stdout; fail "status --site: no site line"; }
grep -q "^days      2013-02-13 .. 2013-02-14 (2 days)$" stdout || { cat stdout; fail "status --site: its days"; }
views=$("$BLOGSTAT" --db s.db top sites --format csv | python3 -c '
import csv, sys
print({r["site"]: r for r in csv.DictReader(sys.stdin)}["photos"]["views"])')
grep -q "^views     $views, " stdout || { cat stdout; fail "status --site: its views ($views)"; }
! grep -q "^sites" stdout || fail "status --site lists the other sites"
expect_status 64 "$BLOGSTAT" --config sites.conf --db s.db status --site nosuch
expect_stderr "no site 'nosuch' in the database"

# ---- status rows a person can read ------------------------------------------
# Logs in a folder with a long name, given by absolute path: each row
# keeps its file's name, and no row is wider than the file column.
long=$PWD/a-folder-whose-name-is-sixty-characters-long-for-the-status-
mkdir "$long"
cp "$S"/access.log* "$long"/
expect_status 0 bs --db l.db ingest -q "$long"/access.log*
(cd / && "$BLOGSTAT" --db "$OLDPWD/l.db" status) >st.txt
for f in "$S"/access.log*; do
    name=$(basename "$f")
    grep -q "/$name " st.txt || { cat st.txt; fail "status lost the name $name"; }
done
python3 - st.txt <<'PY' || fail "status rows"
import sys
rows = open(sys.argv[1], encoding="utf-8").read().split("\n\n", 1)[1].splitlines()
head, rows = rows[0], rows[1:]
assert head.split()[:2] == ["file", "days"], head
assert " kind " in head and " text read " in head and " gzip " not in head, head
for r in rows:
    name = r.split("  ")[0]
    assert len(name) <= 44 and name.startswith("/"), r
    assert "…/" in name and name.endswith(".gz") == (" gzip " in r), r
    assert " plain " in r or " gzip " in r, r
PY
# Inside the current folder: relative names.
(cd "$long" && "$BLOGSTAT" --db ../l.db status) >st.txt
grep -q "^access.log.2.gz " st.txt || { cat st.txt; fail "status: not relative to the current folder"; }

# After rotations, two logs last read under one name: the newer first,
# told apart by their days.
mkdir rot && cd rot
zcat "$S"/access.log.5.gz >access.log
"$BLOGSTAT" --db ../rot.db ingest -q access.log*
for night in 4 3 2; do
    [ -f access.log.2.gz ] && mv access.log.2.gz access.log.3.gz
    [ -f access.log.1 ] && gzip -c access.log.1 >access.log.2.gz && rm access.log.1
    mv access.log access.log.1
    zcat "$S"/access.log.$night.gz >access.log
    "$BLOGSTAT" --db ../rot.db ingest -q access.log*
done
"$BLOGSTAT" --db ../rot.db status >../st.txt
cd ..
grep "^access.log.2.gz " st.txt >two || true
[ "$(wc -l <two)" -eq 2 ] || { cat st.txt; fail "not two rows of access.log.2.gz"; }
d1=$(sed -n 1p two | awk '{print $2}')
d2=$(sed -n 2p two | awk '{print $2}')
[ "$d1" = "2013-02-10..02-11" ] && [ "$d2" = "2013-02-09..02-10" ] ||
    { cat st.txt; fail "rotated rows: $d1 then $d2"; }

# ---- progress in order ------------------------------------------------------
# A big file first and small ones after, on two workers: the small ones
# end first, and the numbers still only go up, to the last file's.
python3 - <<'PY'
import gzip
with gzip.open("big.log.gz", "wt", compresslevel=1) as f:
    for i in range(200000):
        f.write('198.51.100.%d - - [06/Jan/2013:%02d:%02d:%02d +0100] '
                '"GET /2013/01/06/big-%d/ HTTP/1.1" 200 99 "-" "Mozilla/5.0"\n'
                % (i % 250, i // 3600 % 24, i // 60 % 60, i % 60, i % 97))
PY
cat >onatty.py <<'PY'
import os, pty, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
while True:
    try:
        d = os.read(fd, 65536)
    except OSError:
        break
    if not d:
        break
    out += d
_, st = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(st))
PY
set +e
python3 onatty.py "$BLOGSTAT" --db p.db ingest -j2 --commit-every 20000 \
    big.log.gz "$S"/access.log* missing.log "$S"/access.log.3.gz >prog 2>&1
rc=$?
set -e
[ $rc -eq 66 ] || { cat prog; fail "progress run: exit status $rc"; }
python3 - prog <<'PY' || fail "progress out of order"
import re, sys
text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
nums = [(int(a), int(b)) for a, b in re.findall(r"\[(\d+)/(\d+)\]", text)]
assert nums and all(b == 18 for _, b in nums), nums
seq = [a for a, _ in nums]
assert seq == sorted(seq), seq
# 18 files, numbered as they end; missing.log's error is its only line,
# so its number may be shown only by a file still running then (as the
# next to end), whichever it is.
assert len(set(seq)) >= 17 and seq[-1] <= 18, seq
assert "0.0 MB of" not in text, text
assert re.search(r"access\.log\.3\.gz: nothing new", text), text
PY

# ---- a partial failure says what was counted --------------------------------
cp "$S"/access.log good.log
expect_status 66 bs --db g.db ingest good.log missing.log
expect_stderr "cannot open 'missing.log'"
expect_stderr "blogstat: counted 1 of 2 files, and kept; missing.log failed"
[ "$("$BLOGSTAT" --db g.db status --format csv | csv_rows)" -eq 1 ] ||
    fail "good.log not kept"
expect_status 66 bs --db g2.db ingest good.log missing.log nothere.log
expect_stderr "counted 1 of 3 files, and kept; missing.log and 1 other failed"
# Over --max-bad: 65, and the counts are kept.
expect_status 65 bs --db m.db ingest --max-bad 0 "$S"/access.log.1
expect_stderr "more than --max-bad allows (exit status 65); the other lines are counted and kept"
[ "$("$BLOGSTAT" --db m.db status --format csv | tail -1 | cut -d, -f2)" -eq "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["files"]["access.log.1"]["lines"])' "$S/expected.json")" ] ||
    fail "the lines of a run over --max-bad were not kept"
