#!/bin/sh
# Fetch the crawler-user-agents list (MIT) that tests/unit/test_robots.c
# checks the robot rules against. Not committed: fetched with npm pack.
set -eu
dest=data/crawler-user-agents.json
[ -s "$dest" ] && exit 0
mkdir -p data
tmp=$(mktemp -d data/.crawlers.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
if ! (cd "$tmp" && npm pack --silent crawler-user-agents >/dev/null 2>npm.err); then
    echo "crawlers: 'npm pack crawler-user-agents' failed:" >&2
    cat "$tmp/npm.err" >&2
    exit 1
fi
tar -xzf "$tmp"/*.tgz -C "$tmp" package/crawler-user-agents.json
mv "$tmp/package/crawler-user-agents.json" "$dest"
