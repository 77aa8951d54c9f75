# Shared by the end-to-end tests (sourced).
set -eu

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# expect_status N COMMAND...: run it, check its exit status; its stderr is
# kept in ./stderr and its stdout in ./stdout.
expect_status() {
    want=$1
    shift
    set +e
    "$@" >stdout 2>stderr
    got=$?
    set -e
    if [ "$got" != "$want" ]; then
        echo "command: $*" >&2
        echo "stderr:" >&2
        cat stderr >&2
        fail "exit status $got, expected $want"
    fi
}

# expect_stderr TEXT: ./stderr contains TEXT (fixed string).
expect_stderr() {
    grep -qF -- "$1" stderr || { cat stderr >&2; fail "stderr lacks '$1'"; }
}

# A line count of the given top table in csv (header excluded).
csv_rows() {
    tail -n +2 | grep -c . || true
}

# check EXPECTED.json DB [--from D --to D]: compare every number.
check() {
    exp=$1
    db=$2
    shift 2
    if [ -n "$GEOIP" ]; then
        python3 "$ROOT/tests/e2e/check.py" --blogstat "$BLOGSTAT" --db "$db" \
            --expected "$exp" --geoip "$GEOIP" "$@"
    else
        python3 "$ROOT/tests/e2e/check.py" --blogstat "$BLOGSTAT" --db "$db" \
            --expected "$exp" "$@"
    fi
}

# bs ARGS: blogstat with the test's GeoIP database (or none at all).
bs() {
    if [ -n "$GEOIP" ]; then
        "$BLOGSTAT" --geoip "$GEOIP" "$@"
    else
        "$BLOGSTAT" "$@"
    fi
}

# pg_setup: a PostgreSQL server for this test: the suite's
# ($BLOGSTAT_TEST_PGDIR, started by tests/run-all.sh), else a throwaway
# cluster of its own, stopped when the test ends. Sets PGDIR.
pg_setup() {
    if [ -n "${BLOGSTAT_TEST_PGDIR:-}" ] && [ -d "$BLOGSTAT_TEST_PGDIR" ]; then
        PGDIR=$BLOGSTAT_TEST_PGDIR
    else
        PGDIR=$("$ROOT/tests/pgcluster.sh" start | head -1) ||
            fail "cannot start a PostgreSQL cluster (tests/pgcluster.sh)"
        trap '"$ROOT/tests/pgcluster.sh" stop "$PGDIR"' EXIT
    fi
}

# pg_db NAME: a new database of the server, named for this test (tests
# share the server); prints its URI.
pg_db() {
    "$ROOT/tests/pgcluster.sh" db "$PGDIR" "$(basename "$PWD" | tr -c 'a-zA-Z0-9\n' _)_$1"
}

# pg_sql URI SQL: one value from the database.
pg_sql() {
    psql -X -A -t -q -d "$1" -c "$2"
}
