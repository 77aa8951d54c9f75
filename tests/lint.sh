#!/bin/sh
# Static checks on src/: cppcheck and clang-tidy without a warning, every
# header compiles alone, and the calls include/banned.h bans fail to
# compile with the flags src/ is built with.
# Prints "lint: N passed, M failed".
set -u
cd "$(dirname "$0")/.." || exit 1
passed=0
failed=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
ko() { echo "FAIL $1"; failed=$((failed + 1)); }

if command -v cppcheck >/dev/null 2>&1; then
    if cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
        --std=c11 -Iinclude --suppress=missingIncludeSystem \
        --inline-suppr -i src/reader_isal.c -i src/reader_zlib.c \
        src/ 2>cppcheck.out; then
        ok cppcheck
    else
        cat cppcheck.out
        ko cppcheck
    fi
    rm -f cppcheck.out
else
    echo "skip cppcheck (not installed)"
fi

# clang-tidy, with the checks of .clang-tidy (the analyzer and bugprone).
# The gzip backends are #included by reader.c, once with ISA-L and once
# without: --header-filter reports what is found in them.
if command -v clang-tidy >/dev/null 2>&1; then
    flags="-std=c11 -Iinclude -D_POSIX_C_SOURCE=200809L \
        $(pkg-config --cflags zlib sqlite3 libpq libmaxminddb inih expat cairo \
        pangocairo 2>/dev/null)"
    tidy="clang-tidy --quiet --header-filter=src/reader_"
    # LINT_ANALYZER=shallow (make test): the analyzer within each function
    # and small callees only, a third of the time; make lint goes deep.
    if [ "${LINT_ANALYZER:-deep}" = shallow ]; then
        tidy="$tidy --extra-arg=-Xclang --extra-arg=-analyzer-config \
            --extra-arg=-Xclang --extra-arg=mode=shallow"
    fi
    # Three files a run, one run per core: it is the slow part of lint.
    # shellcheck disable=SC2016
    printf '%s\n' src/*.c src/cli/*.c | grep -v '^src/reader_' |
        xargs -P "$(nproc 2>/dev/null || echo 2)" -n 3 \
        sh -c "$tidy"' "$@" -- '"$flags -DBLOGSTAT_ISAL=1" sh >tidy.out 2>&1
    tidy_rc=$?
    # shellcheck disable=SC2086 # the command and its flags
    $tidy src/reader.c -- $flags >>tidy.out 2>&1 || tidy_rc=1
    if [ $tidy_rc = 0 ] && ! grep -q "warning:\|error:" tidy.out; then
        ok clang-tidy
    else
        grep -A3 "warning:\|error:" tidy.out | head -40
        ko clang-tidy
    fi
    rm -f tidy.out
else
    echo "skip clang-tidy (not installed)"
fi

hdr_ok=1
for h in include/*.h; do
    if ! echo "#include \"$(basename "$h")\"" |
        cc -std=c11 -Wall -Wextra -Werror -Iinclude -D_POSIX_C_SOURCE=200809L \
            -x c -fsyntax-only - ; then
        echo "$h does not compile on its own"
        hdr_ok=0
    fi
done
if [ $hdr_ok = 1 ]; then
    ok "headers compile alone"
else
    ko "headers compile alone"
fi

# include/banned.h is in force: each banned call, in a file compiled as
# make compiles src/ and src/cli/ (the command make -n prints), fails with
# the ban's own message, not some other error. One file holds them all
# (the compiler reports each error), one compile for each place.
probe=$(mktemp -d)
ban_ok=1
bans="sscanf strtok atoi atol strptime mktime timegm localtime gmtime \
    strcpy strcat sprintf vsprintf gets regcomp regexec"
{
    printf '#include "blogstat.h"\n'
    for f in $bans; do
        printf 'void probe_%s(void);\nvoid probe_%s(void) { (void)%s(0); }\n' \
            "$f" "$f" "$f"
    done
} >"$probe/probe.c"
for pair in build/util.o:src/util.c build/cli/main.o:src/cli/main.c; do
    o=${pair%%:*}
    src=${pair#*:}
    cmd=$(make -s -n -B --no-print-directory "$o" 2>/dev/null |
        sed -n "s| -c -o $o $src\$||p" | tail -1)
    if [ -z "$cmd" ]; then
        echo "no compile command for $o in make -n"
        ban_ok=0
        continue
    fi
    # shellcheck disable=SC2086 # the command and its flags
    if $cmd -MF "$probe/probe.d" -fmax-errors=0 -fsyntax-only \
        "$probe/probe.c" >"$probe/out" 2>&1; then
        echo "the banned calls compile with the flags of $src"
        ban_ok=0
        continue
    fi
    for f in $bans; do
        # Its own line refused by the ban, not by some other error.
        if ! grep "probe_$f" -A3 "$probe/out" | grep -q "sorry_${f}_is_banned"; then
            echo "$f is not refused by banned.h with the flags of $src:"
            grep -A3 "probe_$f" "$probe/out" | head -5
            ban_ok=0
        fi
    done
done
rm -rf "$probe"
if [ $ban_ok = 1 ]; then
    ok "banned calls fail to compile"
else
    ko "banned calls fail to compile"
fi

echo "lint: $passed passed, $failed failed"
[ $failed -eq 0 ]
