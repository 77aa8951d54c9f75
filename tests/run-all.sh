#!/bin/sh
# The whole suite, run by `make test` once everything is built:
# unit tests (most under valgrind), end-to-end tests, the zlib build,
# ThreadSanitizer over the threaded parts, the unit tests again and the
# end-to-end tests of hostile input built with ASan and UBSan, the fuzz
# corpora replayed, and the static checks, in three lanes at
# once (the tests wait on processes, files and PostgreSQL often enough
# that three keep two cores busier than two).
# Ends with one summary line per runner.
#
#   tests/run-all.sh          everything (make test)
#   tests/run-all.sh quick    unit and end-to-end tests of the release
#                             build only, the e2e tests two at a time
#                             (make check, for the edit loop)
set -u
cd "$(dirname "$0")/.." || exit 1
work=$(mktemp -d)
pgdir=
trap 'rm -rf "$work"; [ -z "$pgdir" ] || tests/pgcluster.sh stop "$pgdir"' EXIT

# One PostgreSQL server for the suite (tests/pgcluster.sh): its folder
# for the end-to-end tests (each makes databases of its own in it) and
# the URI of a database for the unit tests. Without it, the tests that
# need one start their own or say they skipped.
if out=$(tests/pgcluster.sh start 2>"$work/pg.err"); then
    pgdir=$(echo "$out" | head -1)
    BLOGSTAT_TEST_PGDIR=$pgdir
    BLOGSTAT_TEST_PG=$(tests/pgcluster.sh db "$pgdir" unit)
    export BLOGSTAT_TEST_PGDIR BLOGSTAT_TEST_PG
else
    echo "no PostgreSQL server for the suite: $(tail -1 "$work/pg.err")"
fi

# run LABEL COMMAND...: run a runner with its output in a file, then
# print that output whole (the two lanes below never mix their lines) and
# keep its summary line. A runner that prints no summary has failed.
run() {
    label=$1
    shift
    out=$work/$label.out
    t0=$(date +%s)
    # times: the CPU its processes used (user and system), the suite's
    # real budget on a machine of two cores shared by three lanes.
    ("$@"; times >"$work/$label.times") >"$out" 2>&1
    t1=$(date +%s)
    cpu=$(sed -n 2p "$work/$label.times" 2>/dev/null | tr 'ms' '  ' |
        awk '{printf "%.0f", $1 * 60 + $2 + $3 * 60 + $4}')
    line=$(grep -E "^$label: [0-9]+ passed, [0-9]+ failed" "$out" | tail -1)
    [ -n "$line" ] || line="$label: 0 passed, 1 failed"
    echo "$line" >"$work/$label.sum"
    {
        flock 9
        echo "== $label ($((t1 - t0)) s, CPU ${cpu:-?} s)"
        cat "$out"
    } 9>"$work/lock"
}

# The built programs of a directory (the compiler leaves .d files beside).
bins() {
    for f in "$@"; do
        case $f in *.d) continue ;; esac
        [ -x "$f" ] && echo "$f"
    done
}

# Three lanes of about the same length: the release build (and TSan's
# unit tests), the zlib and ASan builds, and TSan's end-to-end tests,
# valgrind and the static checks. Each e2e
# test runs in a scratch folder of its own, each unit test in its own
# temporary folder, so the lanes share nothing.
# The unit tests of the release build that valgrind leaves out (lane C
# runs the others under it): the robot and browser rules run in PCRE2's
# JIT, code valgrind follows slowly and ASan's run covers; test_store
# (seventy databases created, 38 s of SQLite under valgrind), the store's
# dimensions, random and scaling tests, recount, the lock and key files
# and the copy run their SQL under ASan only (the store's plan, trends
# and PostgreSQL driver, the commit and ingest keep valgrind on the
# store's code), and the charts, report (its data too: it draws the
# periods) and digest their cairo and pango.
VALGRIND_SKIP='test_robots|test_uagent|test_store$|test_store_dims|test_store_top|test_store_fold|test_store_scale|test_recount|test_dbfiles|test_copy|test_chart|test_digest|test_report'
have_valgrind() { command -v valgrind >/dev/null 2>&1; }

lane_a() {
    # Without valgrind, every unit test here.
    # shellcheck disable=SC2046
    if have_valgrind; then
        run unit tests/run-unit.sh unit \
            $(bins build/tests/test_* | grep -E "$VALGRIND_SKIP")
    else
        run unit tests/run-unit.sh unit $(bins build/tests/test_*)
    fi
    # Each end-to-end test runs once, in this build or under ASan below:
    # the same assertions hold in both, and the suite stays within its
    # time.
    E2E_SKIP="$ASAN_E2E" run e2e tests/e2e/run.sh ./blogstat e2e
    # ThreadSanitizer over the unit tests of what runs on threads: the
    # reader's inflate thread (test_reader) and the report's two drawing
    # threads (test_report, test_report_data). Here rather than in lane
    # C with TSan's end-to-end tests, for the lanes' lengths.
    if [ -x build/tsan/blogstat ]; then
        TSAN_OPTIONS="halt_on_error=1 suppressions=$PWD/tests/tsan.supp" \
            run unit-tsan tests/run-unit.sh unit-tsan \
            build/tsan/tests/test_reader build/tsan/tests/test_report_data \
            build/tsan/tests/test_report
    fi
}

lane_b() {
    # The zlib decoder too (the default build inflates with ISA-L): its
    # unit tests and the logs that reach its edges (members, damage,
    # garbage after the end, files still being written).
    if [ -x build/zlib/blogstat ]; then
        run zlib-unit tests/run-unit.sh zlib-unit build/zlib/tests/test_reader
        run zlib-e2e tests/e2e/run.sh build/zlib/blogstat zlib-e2e \
            1020-stdin-multimember 1030-bad-input 1035-gzip-edges
    fi
    asan_env
    # shellcheck disable=SC2046
    run fuzz tests/fuzz/replay-all.sh $(bins build/asan/fuzz/fuzz_*)
    # shellcheck disable=SC2086
    run e2e-asan tests/e2e/run.sh build/asan/blogstat e2e-asan $ASAN_E2E
    # shellcheck disable=SC2046
    run unit-asan tests/run-unit.sh unit-asan $(bins build/asan/tests/test_*)
}

# The e2e tests that run under ASan (lane B's e2e-asan) and not in the
# release build: those of hostile input (formats, escapes, floods, bad
# imports and lines, gzip edges, messages of bad lines), where ASan's
# checks count most, and short ones of every command. The others run in
# the release build only: the sample logs, the copy's 90,000 lines (its
# code runs under ASan in test_copy, a day of 5,000 readers too), the
# two processes of 7020 and the kill loops of 4010 (both under TSan in
# lane C), the audience, recount, the periods, a post's life, the
# engines' URL shapes, the report's links, a partial day, the sites of
# one log (a hundred seconds under ASan), the generated logs and one file
# on three threads (both under TSan too), the nightly runs and PostgreSQL
# against SQLite (the driver runs under ASan in test_store_pg, test_copy
# and test_sketch_hll).
ASAN_E2E="0001-usage 1015-tables 1016-trending \
1020-stdin-multimember 1030-bad-input 1035-gzip-edges 1040-no-geoip \
1045-private-addresses 1060-key 1070-formats 1100-messages 2000-import \
2010-site-shapes 2020-import-dir 3000-report 3040-digest 5000-hostile \
5010-full-disk 5020-identity 5030-flood 5040-escape 5050-small \
6000-install"

lane_c() {
    # ThreadSanitizer over the end-to-end runs of what runs on threads
    # (its unit tests are in lane A): the reader's inflate thread (a
    # 60,000-line gzip in 1010 fills its ring), ingest -j, the chunks
    # committed in the background while the next is counted
    # (--commit-every 1000 in 4010, 2 kills a log: the plain build
    # takes 25) and two processes' commits taking turns on PostgreSQL's
    # open days (7020, 200 lines a commit).
    if [ -x build/tsan/blogstat ]; then
        export TSAN_OPTIONS="halt_on_error=1 suppressions=$PWD/tests/tsan.supp"
        KILL_TRIALS=2 run e2e-tsan tests/e2e/run.sh build/tsan/blogstat \
            e2e-tsan 1010-generated 1012-one-file-threads 4010-kill \
            7020-nodes
        unset TSAN_OPTIONS
    fi
    # Valgrind sees what ASan cannot: reads of uninitialised memory, and
    # reads of freed memory by uninstrumented code (libc's printf). The
    # release build's unit tests, but for VALGRIND_SKIP (lane A).
    if have_valgrind; then
        export UNIT_WRAP="valgrind -q --error-exitcode=9 --leak-check=no"
        # shellcheck disable=SC2046
        run unit-valgrind tests/run-unit.sh unit-valgrind \
            $(bins build/tests/test_* | grep -v -E "$VALGRIND_SKIP")
        unset UNIT_WRAP
    fi
    # clang's analyzer in its shallow mode: the deep one (make lint)
    # costs three times the CPU, a quarter of the suite's.
    LINT_ANALYZER=shallow run lint tests/lint.sh
}

# ASan keeps the last 16 MB freed from reuse (use after free is caught
# within it), not its default 256: with that, every run of blogstat
# touched 400 MB more and took half as long again (an ingest of 24,000
# lines 3.2 s against 1.8).
asan_env() {
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:halt_on_error=1:quarantine_size_mb=16
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"
}

if [ "${1:-}" = quick ]; then
    # shellcheck disable=SC2046
    run unit tests/run-unit.sh unit $(bins build/tests/test_*)
    E2E_JOBS=${E2E_JOBS:-$(nproc)} run e2e tests/e2e/run.sh ./blogstat e2e
else
    lane_a &
    a=$!
    lane_b &
    b=$!
    lane_c &
    c=$!
    wait $a
    wait $b
    wait $c
fi

status=0
summary=
for label in unit e2e unit-valgrind zlib-unit zlib-e2e unit-tsan e2e-tsan \
             unit-asan fuzz e2e-asan lint; do
    [ -f "$work/$label.sum" ] || continue
    line=$(cat "$work/$label.sum")
    summary="$summary$line
"
    case $line in *" 0 failed") ;; *) status=1 ;; esac
done
echo
echo "== summary"
printf "%s" "$summary"
exit $status
