#!/bin/sh
# Refresh third_party/uap-core/ from the newest npm package uap-core
# (Apache-2.0): regexes.yaml and its licence are copied unchanged, the
# version line of the folder's README is updated. The package is
# downloaded into data/, which is not committed.
set -eu
cd "$(dirname "$0")/.."
dest=third_party/uap-core
mkdir -p data
tmp=$(mktemp -d data/.uap.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
if ! (cd "$tmp" && npm pack --silent uap-core >pack.out 2>npm.err); then
    echo "refresh: 'npm pack uap-core' failed:" >&2
    cat "$tmp/npm.err" >&2
    exit 1
fi
tar -xzf "$tmp"/*.tgz -C "$tmp" package/regexes.yaml package/LICENSE \
    package/package.json
version=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["version"])' \
    "$tmp/package/package.json")
cp "$tmp/package/regexes.yaml" "$tmp/package/LICENSE" "$dest/"
sed "s/^- Version: .*/- Version: $version/" "$dest/README.md" >"$tmp/README.md"
cp "$tmp/README.md" "$dest/README.md"
echo "refresh: $dest is uap-core $version (git diff shows what changed)"
