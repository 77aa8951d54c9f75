# The secret visitors are hashed under lives in DB.key, beside the
# database and never in it: made on the first ingest (16 bytes, 0600),
# refused when damaged, refused when lost (the logs are known under it)
# unless the database is an earlier blogstat's (then made again, with a
# warning), and moved out of a database of an earlier blogstat that kept
# it inside.
. "$ROOT/tests/e2e/lib.sh"

$GEN --out g --seed 3 --days 3 --lines-per-day 200 --layout rotated >/dev/null
bs --db a.db ingest g/access.log.3.gz g/access.log.2.gz 2>err ||
    { cat err; fail "ingest"; }
! grep -q "no key" err || fail "a warning about the key of a new database"
[ -f a.db.key ] || fail "no a.db.key"
[ "$(wc -c <a.db.key)" -eq 16 ] || fail "a.db.key is $(wc -c <a.db.key) bytes"
[ "$(stat -c %a a.db.key)" = 600 ] || fail "a.db.key mode $(stat -c %a a.db.key)"
cp a.db.key key.1

# The same key on the next run: readers of both days are one set.
bs --db a.db ingest g/access.log.1 2>err || { cat err; fail "ingest 2"; }
cmp -s a.db.key key.1 || fail "the key changed between runs"

# A damaged key is refused, naming it, and nothing is counted.
head -c 5 key.1 >a.db.key
expect_status 65 "$BLOGSTAT" --db a.db ingest g/access.log
expect_stderr "a.db.key"
expect_stderr "not a blogstat key"
cp key.1 a.db.key
bs --db a.db ingest g/access.log 2>err || { cat err; fail "ingest 3"; }
check g/expected.json a.db --report

# A lost key, for a database that knows its logs under it: refused, for
# a new key would count every log again.
rm a.db.key
expect_status 66 "$BLOGSTAT" --db a.db ingest g/access.log
expect_stderr "restore it"
[ -f a.db.key ] && fail "a key made for a database whose logs need the old"
# A lost key of an earlier blogstat's database (its logs known by an
# unkeyed first line): a new one, and a warning that says what it costs.
python3 -c 'import sqlite3; c = sqlite3.connect("a.db"); c.execute("UPDATE sources SET head_len = NULL"); c.commit()' 
printf '%s\n' '10.9.9.9 - - [04/Feb/2013:10:00:00 +0100] "GET / HTTP/1.1" 200 5 "-" "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"' >new.log
expect_status 0 "$BLOGSTAT" --db a.db ingest new.log
expect_stderr "no key"
expect_stderr "count again"
[ "$(wc -c <a.db.key)" -eq 16 ] || fail "no new key"
cmp -s a.db.key key.1 && fail "the lost key came back"

# A database that kept its key in the table meta (an earlier blogstat):
# the key moves out, byte for byte, and leaves the table.
python3 - <<'PY'
import sqlite3
con = sqlite3.connect("a.db")
con.execute("INSERT INTO meta(key, value) VALUES('visitor_key', ?)",
            (open("key.1", "rb").read(),))
con.commit()
PY
rm a.db.key
expect_status 0 "$BLOGSTAT" --db a.db ingest new.log
cmp -s a.db.key key.1 || fail "the key in meta was not moved out"
n=$(python3 -c 'import sqlite3; print(sqlite3.connect("a.db").execute("SELECT count(*) FROM meta WHERE key = ?", ("visitor_key",)).fetchone()[0])')
[ "$n" = 0 ] || fail "meta still holds the key"
