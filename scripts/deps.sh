#!/bin/sh
# Check what a make target needs and install the missing Debian packages
# (apt-get, when run as root); otherwise list them and fail. With --check,
# never install: list what is missing and fail (what a plain `make` does:
# building never changes the system). With --background, install in the
# background (its pid in build/deps-background.pid, its output in
# build/deps-background.log) and return at once: `make test` fetches
# Chromium, the largest package, while the builds run.
#
#   scripts/deps.sh [--check|--background] build|demo|test|browser|bench|deb|all
set -eu

install=1
background=0
if [ "${1:-}" = --check ]; then
    install=0
    shift
elif [ "${1:-}" = --background ]; then
    background=1
    shift
    # A pid file names this run's install only.
    rm -f build/deps-background.pid
fi

need=""
# pkg-config module -> Debian package
check_pc() {
    pkg-config --exists "$1" 2>/dev/null || need="$need $2"
}
# command -> Debian package
check_cmd() {
    command -v "$1" >/dev/null 2>&1 || need="$need $2"
}
check_file() {
    [ -e "$1" ] || need="$need $2"
}

what=${1:-build}
check_cmd cc gcc
check_cmd c++ g++
check_cmd make make
check_cmd pkg-config pkg-config
if command -v pkg-config >/dev/null 2>&1; then
    check_pc zlib zlib1g-dev
    check_pc sqlite3 libsqlite3-dev
    check_pc libpq libpq-dev
    check_pc libmaxminddb libmaxminddb-dev
    check_pc inih libinih-dev
    check_pc expat libexpat1-dev
    [ "${ZLIB:-}" = 1 ] || check_pc libisal libisal-dev
    check_pc cairo libcairo2-dev
    check_pc pangocairo libpango1.0-dev
    check_pc libpng libpng-dev
    check_pc libsodium libsodium-dev
    check_pc libpcre2-8 libpcre2-dev
    check_pc yaml-0.1 libyaml-dev
    check_pc tomlplusplus libtomlplusplus-dev
else
    need="$need zlib1g-dev libsqlite3-dev libmaxminddb-dev libinih-dev libexpat1-dev"
    need="$need libcairo2-dev libpango1.0-dev libpng-dev libisal-dev libsodium-dev"
    need="$need libpcre2-dev libyaml-dev libtomlplusplus-dev"
fi
# The charts' font.
check_file /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf fonts-dejavu-core
check_file /usr/include/csv.h libcsv-dev
check_file /usr/include/jsmn.h libjsmn-dev
check_file /usr/share/iso-codes/json/iso_3166-1.json iso-codes
# The build writes the robot rules into C with scripts/robots-rules.py.
check_cmd python3 python3
# ... and the browser rules with scripts/uap-rules.py, which reads YAML.
python3 -c 'import yaml' >/dev/null 2>&1 || need="$need python3-yaml"
case $what in
deb|test|all)
    check_cmd dpkg-buildpackage dpkg-dev
    check_file /usr/share/perl5/Debian/Debhelper/Dh_Lib.pm debhelper
    check_cmd lintian lintian
    check_cmd git git
    check_cmd g++ g++
    ;;
esac
case $what in
demo|test|bench|all)
    check_cmd npm npm
    check_cmd gzip gzip
    ;;
esac
case $what in bench|all) check_cmd igzip isal ;; esac
# tests/e2e/browsercheck.py renders the report in headless Chromium.
case $what in browser|all) check_cmd chromium chromium ;; esac
case $what in
test|all)
    if command -v pkg-config >/dev/null 2>&1; then
        check_pc cmocka libcmocka-dev
    else
        need="$need libcmocka-dev"
    fi
    check_cmd mmdblookup mmdb-bin
    # tests/e2e/check.py reads countries with MaxMind's Python reader.
    /usr/bin/python3 -c 'import maxminddb' >/dev/null 2>&1 ||
        need="$need python3-maxminddb"
    check_cmd cppcheck cppcheck
    check_cmd clang-tidy clang-tidy
    check_cmd valgrind valgrind
    # The man pages are checked with man --warnings.
    check_cmd man man-db
    [ -x /usr/bin/time ] || need="$need time"
    # The PostgreSQL backend's tests start a server of their own.
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 ||
        need="$need postgresql-15"
    ls /usr/share/postgresql/*/extension/hll.control >/dev/null 2>&1 ||
        need="$need postgresql-15-hll"
    perl -MMaxMind::DB::Writer::Tree -e 1 >/dev/null 2>&1 ||
        need="$need libmaxmind-db-writer-perl"
    ;;
esac

[ -z "$need" ] && exit 0
# Several checks can name one package: keep each once.
# shellcheck disable=SC2086 # one word a package
need=$(printf '%s\n' $need | sort -u | tr '\n' ' ')
if [ $install = 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "deps: installing $need"
    export DEBIAN_FRONTEND=noninteractive
    if [ $background = 1 ]; then
        mkdir -p build
        # shellcheck disable=SC2086
        nohup sh -c "apt-get update -qq && apt-get install -y -qq \
            --no-install-recommends $need" >build/deps-background.log 2>&1 &
        echo $! >build/deps-background.pid
        exit 0
    fi
    apt-get update -qq >/dev/null
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $need >/dev/null
    exit 0
fi
echo "deps: missing Debian packages: $need" >&2
echo "deps: install them with 'make deps' as root, or: sudo apt-get install $need" >&2
exit 1
