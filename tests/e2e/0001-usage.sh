# Usage errors exit 64 with one line naming the problem; --help exits 0.
. "$ROOT/tests/e2e/lib.sh"

expect_status 64 "$BLOGSTAT"
expect_status 64 "$BLOGSTAT" frobnicate
expect_stderr "unknown command 'frobnicate'"
expect_status 64 "$BLOGSTAT" --nope top posts
expect_stderr "unknown option '--nope'"
expect_status 64 "$BLOGSTAT" top
expect_status 64 "$BLOGSTAT" top everything
expect_stderr "cannot rank 'everything'"
expect_status 64 "$BLOGSTAT" top posts --from 2013-02-30
expect_stderr "bad date '2013-02-30'"
expect_status 64 "$BLOGSTAT" top posts --from 13-02-01
expect_status 64 "$BLOGSTAT" top posts --from 2013-02-09 --to 2013-02-08
expect_status 64 "$BLOGSTAT" top posts --days 0
expect_status 64 "$BLOGSTAT" top posts --days 3 --from 2013-02-01
expect_status 64 "$BLOGSTAT" top posts --format xml
expect_status 64 "$BLOGSTAT" top posts --limit -1
expect_status 64 "$BLOGSTAT" ingest
expect_stderr "no log file given"
expect_status 64 "$BLOGSTAT" ingest --max-bad lots x.log
expect_status 64 "$BLOGSTAT" ingest --format apache x.log
expect_status 64 "$BLOGSTAT" status extra

# Every error is one line.
for c in "top" "frobnicate" "ingest"; do
    "$BLOGSTAT" $c 2>err >/dev/null || true
    [ "$(wc -l <err)" -eq 1 ] || fail "'$c' printed $(wc -l <err) lines"
done

expect_status 0 "$BLOGSTAT" --help
grep -q "^usage: blogstat" stdout || fail "--help has no usage line"
for c in ingest top status; do
    expect_status 0 "$BLOGSTAT" $c --help
    grep -q "^usage: blogstat $c" stdout || fail "$c --help"
    expect_status 0 "$BLOGSTAT" help $c
done
expect_status 0 "$BLOGSTAT" --version
grep -q "^blogstat [0-9]" stdout || fail "--version"

# Queries on a database that does not exist: 66, and no file is created.
expect_status 66 "$BLOGSTAT" --db nothere.db top posts
expect_stderr "nothere.db"
[ ! -e nothere.db ] || fail "top created the database"
expect_status 66 "$BLOGSTAT" --db nothere.db status

# Global options may also follow the command, in either spelling; a "--"
# ends them.
expect_status 66 "$BLOGSTAT" top posts --db after.db
expect_stderr "after.db"
expect_status 66 "$BLOGSTAT" status --db=after2.db -q
expect_stderr "after2.db"
expect_status 64 "$BLOGSTAT" top posts --db
expect_stderr "--db needs a value"
expect_status 64 "$BLOGSTAT" --db x.db top posts -- --db y.db
expect_stderr "top"
[ ! -e after.db ] && [ ! -e after2.db ] || fail "a query created a database"
