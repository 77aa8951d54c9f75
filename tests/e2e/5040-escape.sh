# What someone requests ends up in tables, CSV files and the report: a tag
# archive named like a spreadsheet formula never runs as one in CSV, and
# a right-to-left override in a path is shown, not obeyed.
. "$ROOT/tests/e2e/lib.sh"

ua="Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
line() {
    printf '81.2.69.142 - - [07/Feb/2013:10:00:00 +0100] "GET %s HTTP/1.1" 200 10 "-" "%s"\n' "$1" "$ua"
}
{
    line '/tag/=HYPERLINK(%22http:%2F%2Fevil.example%22,%22Click%20me%22)/'
    line '/tag/@SUM(1+1)/'
    line '/2013/02/07/%E2%80%AEtxt.exe/'
    line '/2013/02/07/plain/'
} >e.log
expect_status 0 "$BLOGSTAT" --db e.db ingest e.log

expect_status 0 "$BLOGSTAT" --db e.db top tags --format csv
grep -qF "\"'=HYPERLINK(\"\"http" stdout ||
    { cat stdout >&2; fail "a formula tag reached CSV as a formula"; }
grep -qF "\"'@SUM(1+1)\"" stdout || { cat stdout >&2; fail "@ formula"; }
! grep -q '^=\|^"=\|^@\|^"@' stdout || fail "a cell begins with = or @"
# JSON keeps the text.
expect_status 0 "$BLOGSTAT" --db e.db top tags --format json
grep -qF '"tag": "=HYPERLINK(' stdout || fail "json changed the text"

# The override, in every output.
expect_status 0 "$BLOGSTAT" --db e.db top posts
grep -qF '/2013/02/07/<U+202E>txt.exe/' stdout || { cat stdout >&2; fail "table"; }
expect_status 0 "$BLOGSTAT" --db e.db top posts --format csv
grep -qF '/2013/02/07/<U+202E>txt.exe/' stdout || fail "csv"
expect_status 0 "$BLOGSTAT" --db e.db top posts --format json
grep -qF '/2013/02/07/\u202etxt.exe/' stdout || fail "json"
expect_status 0 "$BLOGSTAT" --db e.db report --out rep
grep -qF '/2013/02/07/&lt;U+202E&gt;txt.exe/' rep/index.html ||
    fail "the report"
! grep -rq "$(printf '\342\200\256')" rep stdout || fail "a raw U+202E left"
