#!/bin/sh
# Run the end-to-end tests: each tests/e2e/NNNN-*.sh runs in a scratch
# directory with
#   BLOGSTAT  the binary under test (absolute path)
#   ROOT      the repository
#   GEOIP     the GeoIP database the tests use, or empty when there is none
#   GEN       the log generator (python3 tests/gen/genlog.py)
# and passes when it exits 0. Prints "LABEL: N passed, M failed" last.
#
#   tests/e2e/run.sh BLOGSTAT [LABEL] [TEST...]
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BLOGSTAT=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
label=${2:-e2e}
shift
[ $# -gt 0 ] && shift
GEOIP=
[ -s "$ROOT/data/geo-whois-asn-country.mmdb" ] &&
    GEOIP=$ROOT/data/geo-whois-asn-country.mmdb
GEN="python3 $ROOT/tests/gen/genlog.py"
export BLOGSTAT ROOT GEOIP GEN
# The program must never find a stray config or database of the caller.
unset BLOGSTAT_DB BLOGSTAT_CONFIG BLOGSTAT_GEOIP

if [ $# -gt 0 ]; then
    tests=
    for t in "$@"; do
        case $t in
        /*) tests="$tests $t" ;;
        *) tests="$tests $ROOT/tests/e2e/$(basename "$t" .sh).sh" ;;
        esac
    done
else
    tests=$(ls "$ROOT"/tests/e2e/[0-9]*.sh)
fi
[ -z "$GEOIP" ] && echo "$label: no GeoIP database (run 'make geoip'): countries are checked as unknown"

passed=0
failed=0
for t in $tests; do
    name=$(basename "$t" .sh)
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/blogstat-e2e.XXXXXX")
    if (cd "$scratch" && sh "$t") >"$scratch.log" 2>&1; then
        echo "PASS $name"
        passed=$((passed + 1))
    else
        echo "FAIL $name"
        sed 's/^/    /' "$scratch.log" | tail -40
        failed=$((failed + 1))
    fi
    rm -rf "$scratch" "$scratch.log"
done
echo "$label: $passed passed, $failed failed"
[ $failed -eq 0 ]
