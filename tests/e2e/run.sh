#!/bin/bash
# Run the end-to-end tests: each tests/e2e/NNNN-*.sh runs in a scratch
# directory with
#   BLOGSTAT  the binary under test (absolute path)
#   ROOT      the repository
#   GEOIP     the GeoIP database the tests use, or empty when there is none
#   GEN       the log generator (python3 tests/gen/genlog.py)
# and passes when it exits 0. Prints "LABEL: N passed, M failed" last.
# Without TESTs, every test but those E2E_SKIP names.
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
# The tests start python3 hundreds of times: the system's (Debian's,
# built with profile-guided optimisation: 24 ms a start, and the log
# generator 10% faster) comes first in PATH, through a folder of its own;
# else python3 itself, not a version manager's shim (pyenv's costs a
# third of a second a start; its own build 60 ms).
pydir=$(mktemp -d "${TMPDIR:-/tmp}/blogstat-e2e-py.XXXXXX")
trap 'rm -rf "$pydir"' EXIT
if [ -x /usr/bin/python3 ]; then
    ln -s /usr/bin/python3 "$pydir/python3"
    PATH=$pydir:$PATH
else
    py=$(python3 -c 'import os, sys; print(os.path.dirname(sys.executable))' 2>/dev/null)
    [ -n "$py" ] && [ "$(command -v python3)" != "$py/python3" ] &&
        [ -x "$py/python3" ] && PATH=$py:$PATH
fi
export PATH
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
    # E2E_SKIP: names of tests the whole run leaves out (a slow one whose
    # code another runner already covers under this build's checks).
    tests=
    for t in "$ROOT"/tests/e2e/[0-9]*.sh; do
        case " ${E2E_SKIP:-} " in
        *" $(basename "$t" .sh) "*) echo "$label: $(basename "$t" .sh) left out (E2E_SKIP)" ;;
        *) tests="$tests $t" ;;
        esac
    done
fi
[ -z "$GEOIP" ] && echo "$label: no GeoIP database (run 'make geoip'): countries are checked as unknown"

# one TEST: run it in a scratch folder; its verdict (with the tail of its
# output when it failed) into $results/NAME.out, "pass" or "fail" into
# $results/NAME.rc.
one() {
    name=$(basename "$1" .sh)
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/blogstat-e2e.XXXXXX")
    t0=$(date +%s)
    if (cd "$scratch" && sh "$1") >"$scratch.log" 2>&1; then
        echo "PASS $name ($(($(date +%s) - t0)) s)" >"$results/$name.out"
        echo pass >"$results/$name.rc"
    else
        {
            echo "FAIL $name ($(($(date +%s) - t0)) s)"
            sed 's/^/    /' "$scratch.log" | tail -40
        } >"$results/$name.out"
        echo fail >"$results/$name.rc"
    fi
    rm -rf "$scratch" "$scratch.log"
}

# E2E_JOBS tests at once (default 1); their verdicts are printed in the
# tests' order whatever order they finish in.
jobs=${E2E_JOBS:-1}
results=$(mktemp -d "${TMPDIR:-/tmp}/blogstat-e2e-results.XXXXXX")
trap 'rm -rf "$results" "$pydir"' EXIT
running=0
for t in $tests; do
    if [ "$running" -ge "$jobs" ]; then
        wait -n
        running=$((running - 1))
    fi
    one "$t" &
    running=$((running + 1))
done
wait

passed=0
failed=0
for t in $tests; do
    name=$(basename "$t" .sh)
    cat "$results/$name.out" 2>/dev/null || echo "FAIL $name (no verdict)"
    if [ "$(cat "$results/$name.rc" 2>/dev/null)" = pass ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
done
echo "$label: $passed passed, $failed failed"
[ $failed -eq 0 ]
