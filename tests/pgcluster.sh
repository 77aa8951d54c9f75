#!/bin/sh
# A throwaway PostgreSQL 15 cluster for the tests: made in a new folder,
# listening only on a Unix socket there, no fsync, the role "blogstat" its
# superuser (trust), gone with `stop`. Run as root, the server runs as
# the user postgres (PostgreSQL refuses root).
#
#   tests/pgcluster.sh start     prints the folder, then the libpq URI of
#                                its database "postgres" (two lines)
#   tests/pgcluster.sh stop DIR  stops it and removes DIR
#   tests/pgcluster.sh db DIR NAME   makes database NAME, prints its URI
set -eu

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "pgcluster: no PostgreSQL server (Debian package postgresql-15)" >&2
    exit 1
fi

as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

uri() {
    echo "postgresql:///$2?host=$1&user=blogstat"
}

case ${1:-} in
start)
    dir=$(mktemp -d "${TMPDIR:-/tmp}/blogstat-pg.XXXXXX")
    chmod 755 "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_pg "$bin/initdb" -D "$dir/data" -A trust -U blogstat --no-sync \
        -E UTF8 --locale C >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        exit 1
    }
    as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-k $dir -c listen_addresses='' -c fsync=off -c full_page_writes=off -c max_connections=40" \
        start >/dev/null || {
        cat "$dir/server.log" >&2
        exit 1
    }
    echo "$dir"
    uri "$dir" postgres
    ;;
stop)
    dir=$2
    [ -d "$dir/data" ] &&
        as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
    rm -rf "$dir"
    ;;
db)
    dir=$2
    "$bin/psql" -X -q -h "$dir" -U blogstat -d postgres \
        -c "CREATE DATABASE \"$3\"" >/dev/null
    # The extension made once, as the owner (blogstat makes it too if
    # missing, but two sessions at once would race).
    "$bin/psql" -X -q -h "$dir" -U blogstat -d "$3" \
        -c "CREATE EXTENSION hll" >/dev/null
    uri "$dir" "$3"
    ;;
*)
    echo "usage: tests/pgcluster.sh start | stop DIR | db DIR NAME" >&2
    exit 64
    ;;
esac
