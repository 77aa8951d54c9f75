#!/bin/sh
# Fetch public corpora of real browsers' User-Agents from the npm registry
# for tests/unit/test_robots.c, into DIR (build/ua-corpora):
#
#   DIR/browsers.txt  one "CORPUS<TAB>User-Agent" a line, '#' comments
#
# - ua-parser-js 1.0.2 (MIT): the "ua" strings of its tests of browsers,
#   devices, operating systems and media players;
# - user-agents (BSD-2-Clause): dist/user-agents.json, User-Agents of real
#   traffic, refreshed daily by its authors.
#
# The versions are fixed so that a run can be repeated. Left out, and
# listed in the file: User-Agents of automation tools and HTTP clients,
# which ua-parser's tests include to name them and blogstat counts as
# robots: those that begin with curl/, Wget/, Python-urllib/ or Java/, and
# those that carry HeadlessChrome or PhantomJS. Fails (exit 1, DIR/browsers.txt not written)
# when the registry cannot be reached.
#
#   scripts/fetch-ua-corpora.sh DIR
set -eu
dir=${1:-build/ua-corpora}
UA_PARSER=ua-parser-js@1.0.2
USER_AGENTS=user-agents@2.1.198
mkdir -p "$dir"
tmp=$(mktemp -d "$dir/.fetch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for pkg in $UA_PARSER $USER_AGENTS; do
    if ! (cd "$tmp" && npm pack --silent "$pkg" >>pack.out 2>npm.err); then
        echo "ua-corpora: 'npm pack $pkg' failed (no registry?):" >&2
        tail -3 "$tmp/npm.err" >&2
        exit 1
    fi
done
for f in "$tmp"/*.tgz; do
    d=${f%.tgz}
    mkdir -p "$d"
    tar -xzf "$f" -C "$d"
done
python3 - "$tmp" "$UA_PARSER" "$USER_AGENTS" >"$tmp/browsers.txt" <<'PY'
import glob
import json
import re
import sys

tmp, ua_parser, user_agents = sys.argv[1:]
tool = re.compile(r"^(?:curl|Wget|Python-urllib|Java)/|"
                  r"\b(?:HeadlessChrome|PhantomJS)\b")
rows, left_out = [], []


def add(corpus, ua):
    if not ua or "\n" in ua or "\t" in ua or "\r" in ua:
        return
    if tool.search(ua):
        left_out.append(ua)
    else:
        rows.append((corpus, ua))


[up] = glob.glob(tmp + "/ua-parser-js-*/package/test")
for name in ("browser", "device", "os", "mediaplayer"):
    with open("%s/%s-test.json" % (up, name), encoding="utf-8") as f:
        for entry in json.load(f):
            add("ua-parser-" + name, entry["ua"])
[ua_json] = glob.glob(tmp + "/user-agents-*/package/dist/user-agents.json")
with open(ua_json, encoding="utf-8") as f:
    for entry in json.load(f):
        add("user-agents", entry["userAgent"])

seen = set()
print("# Real browsers' User-Agents from %s and %s (npm)." %
      (ua_parser, user_agents))
for ua in sorted(set(left_out)):
    print("# left out (a tool, not a browser): %s" % ua)
for corpus, ua in rows:
    if ua not in seen:
        seen.add(ua)
        print("%s\t%s" % (corpus, ua))
PY
mv "$tmp/browsers.txt" "$dir/browsers.txt"
echo "ua-corpora: $(grep -vc '^#' "$dir/browsers.txt") User-Agents in $dir/browsers.txt"
