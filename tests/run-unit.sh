#!/bin/sh
# Run cmocka test binaries and sum their results.
#   tests/run-unit.sh LABEL BINARY...
# Prints each binary's output, then "LABEL: N passed, M failed".
# With UNIT_WRAP set (say "valgrind -q --error-exitcode=9"), each binary
# runs under it; a binary that exits non-zero without a cmocka failure
# (valgrind found an error) counts as failed, and so does one that runs
# longer than UNIT_TIMEOUT seconds (default 900): a test of hostile input
# that goes exponential never ends, and must not stall the suite.
set -u
label=$1
shift
passed=0
failed=0
crashed=0
for bin in "$@"; do
    # shellcheck disable=SC2086 # UNIT_WRAP is a command and its options
    out=$(timeout "${UNIT_TIMEOUT:-900}" ${UNIT_WRAP:-} "$bin" 2>&1)
    rc=$?
    [ $rc -eq 124 ] && out="$out
$label: $bin: still running after ${UNIT_TIMEOUT:-900} s, stopped"
    printf '%s\n' "$out"
    p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
    f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    if [ $rc -ne 0 ] && [ -z "$f" ]; then
        echo "$label: $bin exited with status $rc" >&2
        crashed=$((crashed + 1))
    fi
done
echo "$label: $passed passed, $((failed + crashed)) failed"
[ $failed -eq 0 ] && [ $crashed -eq 0 ]
