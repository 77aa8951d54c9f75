#!/bin/sh
# Fetch the CC0 country database (IPv4 and IPv6) from the npm registry
# into data/. Exit 1 (with a message) when it cannot be had: blogstat
# then works with every country unknown.
set -eu
pkg=@ip-location-db/geo-whois-asn-country-mmdb
file=geo-whois-asn-country.mmdb
dest=data/$file

[ -s "$dest" ] && exit 0
mkdir -p data
if ! command -v npm >/dev/null 2>&1; then
    echo "geoip: npm not found; countries will be unknown ('--')" >&2
    exit 1
fi
tmp=$(mktemp -d data/.geoip.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
if ! (cd "$tmp" && npm pack --silent "$pkg" >/dev/null 2>npm.err); then
    echo "geoip: 'npm pack $pkg' failed; countries will be unknown ('--')" >&2
    sed 's/^/geoip: /' "$tmp/npm.err" >&2 || true
    exit 1
fi
tar -xzf "$tmp"/*.tgz -C "$tmp" "package/$file"
mv "$tmp/package/$file" "$dest"
echo "geoip: $dest ($(du -h "$dest" | cut -f1), CC0, from npm $pkg)"
