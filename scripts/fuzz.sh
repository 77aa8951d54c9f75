#!/bin/sh
# Fuzz every target of tests/fuzz/ with libFuzzer for a while:
#
#   scripts/fuzz.sh [SECONDS [TARGET...]]     (60 seconds a target)
#
# Builds each tests/fuzz/fuzz_X.c with clang, libFuzzer, ASan and UBSan
# against the library (src/*.c, not src/cli/), into build/libfuzzer/fuzz_X;
# then runs it for SECONDS over a scratch copy of tests/fuzz/corpus/fuzz_X/
# (the seeds in the repository are never modified), with
# -dict=tests/fuzz/X.dict when that exists. Inputs that crash are saved in
# build/libfuzzer/crashes/fuzz_X/, each run's output in
# build/libfuzzer/logs/fuzz_X.log.
#
# TARGET names (fuzz_import or import) choose some targets only. Ends with
# "fuzz-run: N passed, M failed", where M counts the targets that found a
# crash (or did not build), and exits 1 when M > 0.
set -u
cd "$(dirname "$0")/.." || exit 1

usage() {
    echo "usage: $0 [SECONDS [TARGET...]]" >&2
    echo "fuzz-run: 0 passed, 1 failed"
    exit 2
}

secs=${1:-60}
case $secs in
'' | *[!0-9]*) usage ;;
esac
[ "$secs" -gt 0 ] || usage
[ $# -gt 0 ] && shift

CC=${FUZZ_CC:-clang}
PKGS="zlib sqlite3 libpq libmaxminddb inih expat cairo pangocairo libpng
      libsodium yaml-0.1 tomlplusplus libpcre2-8 libisal"
out=build/libfuzzer
obj=$out/obj

if ! command -v "$CC" >/dev/null 2>&1; then
    echo "fuzz-run: $CC not found (clang 14 with libclang-rt)" >&2
    echo "fuzz-run: 0 passed, 1 failed"
    exit 1
fi
# shellcheck disable=SC2086 # one word a package
if ! pkg_cflags=$(pkg-config --cflags $PKGS) ||
    ! pkg_libs=$(pkg-config --libs $PKGS); then
    echo "fuzz-run: pkg-config cannot find some of: $PKGS" \
        "(make deps installs them)" >&2
    echo "fuzz-run: 0 passed, 1 failed"
    exit 1
fi
# The project's flags (Makefile: CPPFLAGS, CSTD), the sanitizers that stop
# at the first error.
cflags="-g -O1 -std=c11 -Iinclude -D_POSIX_C_SOURCE=200809L \
-DBLOGSTAT_ISAL=1 -pthread -fno-omit-frame-pointer -fno-sanitize-recover=all \
$pkg_cflags"
libs="$pkg_libs -lcsv -lm -lstdc++ -pthread"

# Targets: all of tests/fuzz/fuzz_*.c, or those named.
targets=""
if [ $# -eq 0 ]; then
    for src in tests/fuzz/fuzz_*.c; do
        [ -f "$src" ] && targets="$targets $(basename "$src" .c)"
    done
else
    for t in "$@"; do
        case $t in
        fuzz_*) ;;
        *) t=fuzz_$t ;;
        esac
        if [ ! -f "tests/fuzz/$t.c" ]; then
            echo "fuzz-run: no tests/fuzz/$t.c" >&2
            usage
        fi
        targets="$targets $t"
    done
fi

mkdir -p "$obj" "$out/logs" "$out/crashes" "$out/work"

# ---- the library, instrumented (rebuilt when a source, a header or the
# flags changed) ---------------------------------------------------------------
lib_ok=1
stamp=$obj/flags
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$CC $cflags" ]; then
    rm -f "$obj"/*.o
    printf '%s\n' "$CC $cflags" >"$stamp"
fi
backends="src/reader_isal.c src/reader_zlib.c"
# The tables made from data at build time (robots, browsers, referrers).
gen="build/gen/robots_rules.c build/gen/uap_rules.c build/gen/referrer_rules.c"
# shellcheck disable=SC2086
make --no-print-directory $gen >/dev/null || lib_ok=0
for src in src/*.c $gen; do
    # The gzip backends are #included by reader.c, not compiled alone.
    case " $backends " in *" $src "*) continue ;; esac
    name=$(basename "$src" .c)
    o=$obj/$name.o
    extra=""
    [ "$src" = src/reader.c ] && extra=$backends
    # (find -newer: test -nt is not POSIX.)
    # shellcheck disable=SC2086 # one word a file
    if [ -f "$o" ] && [ -z "$(find "$src" $extra include -name '*.[ch]' \
        -newer "$o" | head -1)" ]; then
        continue
    fi
    echo "  CC      $src (libfuzzer)"
    # shellcheck disable=SC2086
    if ! $CC $cflags -fsanitize=fuzzer-no-link,address,undefined \
        -c "$src" -o "$o"; then
        rm -f "$o"
        lib_ok=0
    fi
done
if [ $lib_ok = 1 ]; then
    rm -f "$out/libblogstat.a"
    ar rcs "$out/libblogstat.a" "$obj"/*.o || lib_ok=0
fi

passed=0
failed=0
# Counts the regular files of a directory.
nfiles() {
    find "$1" -maxdepth 1 -type f | wc -l | tr -d ' '
}

for name in $targets; do
    bin=$out/$name
    log=$out/logs/$name.log
    work=$out/work/$name
    crashes=$out/crashes/$name
    seeds=tests/fuzz/corpus/$name

    if [ $lib_ok = 0 ]; then
        echo "FAIL $name: the library did not build"
        failed=$((failed + 1))
        continue
    fi
    echo "  LINK    $bin"
    # A test: it may use the calls include/banned.h keeps out of src/.
    # shellcheck disable=SC2086
    if ! $CC $cflags -DBLOGSTAT_ALLOW_BANNED \
        -fsanitize=fuzzer,address,undefined "tests/fuzz/$name.c" "$out/libblogstat.a" $libs -o "$bin"; then
        echo "FAIL $name: did not build"
        failed=$((failed + 1))
        continue
    fi

    # A scratch copy of the seeds: what libFuzzer adds stays in build/.
    rm -rf "$work"
    mkdir -p "$work" "$crashes"
    if [ -d "$seeds" ]; then
        find "$seeds" -maxdepth 1 -type f -exec cp {} "$work"/ \;
    fi
    before=$(nfiles "$work")

    set -- -max_total_time="$secs" -timeout=25 -print_final_stats=1 \
        -artifact_prefix="$crashes/"
    dict=tests/fuzz/${name#fuzz_}.dict
    [ -f "$dict" ] && set -- "$@" -dict="$dict"
    case $name in
    # Lines longer than READER_MAX_LINE (tests/fuzz/README.md).
    fuzz_reader) set -- "$@" -max_len=200000 ;;
    # Titles, links and names longer than IMPORT_MAX_TEXT (4096) from the
    # start: libFuzzer would otherwise grow inputs past the seeds' size
    # only slowly.
    fuzz_import) set -- "$@" -max_len=16384 -len_control=0 ;;
    esac

    with=""
    [ -f "$dict" ] && with=" with $dict"
    echo "  FUZZ    $name for ${secs}s$with"
    LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0" \
        UBSAN_OPTIONS="print_stacktrace=1" \
        "$bin" "$@" "$work" >"$log" 2>&1
    rc=$?

    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    after=$(nfiles "$work")
    if [ $rc -eq 0 ]; then
        echo "ok   $name: ${runs:-?} runs, corpus $before -> $after inputs"
        passed=$((passed + 1))
    else
        echo "FAIL $name: exit $rc after ${runs:-?} runs (log: $log)"
        # What broke and where the input is.
        grep -E '^(fuzz_[a-z_]+:|SUMMARY:|==[0-9]+==ERROR|.*runtime error:|.*Test unit written to|.*ERROR: libFuzzer)' \
            "$log" | head -12 | sed 's/^/    /'
        failed=$((failed + 1))
    fi
done

echo "fuzz-run: $passed passed, $failed failed"
[ $failed -eq 0 ]
