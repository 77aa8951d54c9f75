#!/bin/sh
# Replay the fuzz corpora through fuzz targets built with replay.c:
#   tests/fuzz/replay-all.sh build/asan/fuzz/fuzz_X ...
# Each binary fuzz_X runs over tests/fuzz/corpus/fuzz_X/ (the seeds) and
# tests/fuzz/crashes/fuzz_X/ (inputs that once broke it) when that exists.
# Prints one line per binary, then "fuzz: N passed, M failed", where N
# counts the binaries that replayed every input cleanly. Exits 1 on any
# failure. Arguments whose name has an extension (fuzz_X.d) are skipped.
set -u
here=$(cd "$(dirname "$0")" && pwd)
passed=0
failed=0

# has_files DIR: DIR holds at least one regular file.
has_files() {
    for f in "$1"/* "$1"/.[!.]*; do
        [ -f "$f" ] && return 0
    done
    return 1
}

# run BIN DIR: replay, print what broke; returns the replay's status.
# Sets $count to the number of inputs it reported.
run() {
    out=$("$1" "$2" 2>&1)
    rc=$?
    count=$(printf '%s\n' "$out" | sed -n 's/^replay: \([0-9]*\) inputs$/\1/p' |
        tail -1)
    if [ $rc -ne 0 ]; then
        printf '%s\n' "$out" | tail -40 | sed 's/^/    /'
    fi
    return $rc
}

if [ $# -eq 0 ]; then
    echo "usage: $0 FUZZ_BINARY..." >&2
    echo "fuzz: 0 passed, 1 failed"
    exit 1
fi

for bin in "$@"; do
    name=$(basename "$bin")
    # A glob over build/asan/fuzz/ also brings the compiler's .d files.
    case $name in
    *.*) continue ;;
    esac
    corpus=$here/corpus/$name
    crashes=$here/crashes/$name
    ok=1
    total=0
    why=""
    if [ ! -x "$bin" ]; then
        ok=0
        why="not built"
    elif ! has_files "$corpus"; then
        ok=0
        why="no seeds in $corpus"
    else
        if run "$bin" "$corpus"; then
            total=$((total + ${count:-0}))
        else
            ok=0
            why="a seed in corpus/$name fails"
        fi
        if [ -d "$crashes" ] && has_files "$crashes"; then
            if run "$bin" "$crashes"; then
                total=$((total + ${count:-0}))
            else
                ok=0
                why="${why:+$why; }an input in crashes/$name still fails"
            fi
        fi
    fi
    if [ $ok = 1 ]; then
        echo "ok   $name ($total inputs)"
        passed=$((passed + 1))
    else
        echo "FAIL $name: $why"
        failed=$((failed + 1))
    fi
done

echo "fuzz: $passed passed, $failed failed"
[ $failed -eq 0 ]
