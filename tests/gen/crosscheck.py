#!/usr/bin/env python3
"""crosscheck.py - re-read a genlog.py output directory with a literal
reading of doc/counting.md and compare with its expected.json.

This is NOT the oracle: expected.json is written by genlog.py from what it
meant each line to be.  This second, independent reading of the text only
exists to catch a generator bug (a line labelled a view that the rules say
is not one, or the reverse).  When the two disagree, look at the line.

It also recomputes visitors and visits (tests/gen/README.md, "readers")
from the text: a visitor is (address, User-Agent as written) on a local
day, the address alone in common format; its views, in local time (ties in
log order, the files oldest first), start a new visit after a gap of 1800 s
or more.

    python3 tests/gen/crosscheck.py DIR
"""

import gzip
import hashlib
import json
import os
import re
import sys

MONTHS = {m: i + 1 for i, m in enumerate(
    "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split())}
ROBOT_WORDS = ("bot", "crawl", "spider", "slurp", "fetch", "feed", "rss",
               "curl", "wget", "python-requests", "python-urllib",
               "go-http-client", "java/", "okhttp", "libwww-perl", "axios",
               "node-fetch", "facebookexternalhit", "whatsapp",
               "skypeuripreview", "headlesschrome", "lighthouse",
               "wordpress/")
ASSET_EXT = tuple(".css .js .mjs .map .png .jpg .jpeg .gif .webp .avif .ico "
                  ".svg .bmp .woff .woff2 .ttf .otf .eot .mp3 .mp4 .webm "
                  ".ogg .wav .pdf .zip .gz".split())
ADMIN_EXACT = ("/wp-admin", "/wp-login.php", "/xmlrpc.php", "/wp-cron.php",
               "/wp-signup.php", "/wp-trackback.php", "/wp-comments-post.php")
IGNORED = ("/robots.txt", "/favicon.ico", "/sitemap.xml", "/ads.txt",
           "/humans.txt")

ENGINES = ("applewebkit", "gecko", "trident", "msie", "presto")
VISIT_GAP = 1800

LINE = re.compile(
    r'^(\S+) (\S+) (\S+) \[(\d\d)/([A-Z][a-z]{2})/(\d{4}):(\d\d):(\d\d):'
    r'(\d\d) ([+-]\d{4})\] "((?:[^"\\]|\\.)*)" (\d{3}) (\d+|-)'
    r'(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?$')


def parse(line):
    m = LINE.match(line)
    if not m:
        return None
    day, mon = int(m.group(4)), m.group(5)
    if mon not in MONTHS or not 1 <= day <= 31:
        return None
    if int(m.group(7)) > 23 or int(m.group(8)) > 59 or int(m.group(9)) > 60:
        return None
    date = "%s-%02d-%02d" % (m.group(6), MONTHS[mon], day)
    raw_ua = m.group(15)
    ua = raw_ua.replace('\\"', '"') if raw_ua is not None else None
    sod = int(m.group(7)) * 3600 + int(m.group(8)) * 60 + int(m.group(9))
    return {"ip": m.group(1), "date": date, "req": m.group(11),
            "status": int(m.group(12)), "ua": ua, "raw_ua": raw_ua,
            "sod": sod}


def is_robot(ua):
    """counting.md "Robots": empty or "-"; not shaped like a browser; or a
    robot word."""
    if ua is None:
        return False            # common format: nothing says robot
    if ua in ("", "-"):
        return True
    if re.match(r"(?:Lynx|w3m|Links|ELinks)\b", ua):
        return False            # text browsers are people
    low = ua.lower()
    if not ua.startswith(("Mozilla/", "Opera/")) or \
            not any(e in low for e in ENGINES):
        return True
    if "compatible;" in low and "msie" not in low and "trident" not in low:
        return True
    return any(w in low for w in ROBOT_WORDS)


def decode_path(raw):
    """Percent-decode, keeping what counting.md says stays encoded."""
    b = bytearray()
    i = 0
    src = raw.encode("utf-8", "surrogateescape")
    while i < len(src):
        c = src[i]
        if c == 0x25 and i + 2 < len(src) + 0 and re.match(
                rb"[0-9A-Fa-f]{2}", src[i + 1:i + 3]):
            v = int(src[i + 1:i + 3], 16)
            if v < 0x20 or v == 0x7f or v in b"/?#%":
                b += b"%%%02X" % v
            else:
                b.append(v)
            i += 3
        else:
            b.append(c)
            i += 1
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return "".join(chr(x) if x < 0x80 else "%%%02X" % x for x in b)


def has_param(query, name):
    return any(p.split("=", 1)[0] == name and "=" in p
               for p in query.split("&"))


DIGITS = re.compile(r"^\d+$")
POST = re.compile(r"^/(\d{4})/(\d{2})/(\d{2})/([^/]+)/$")


def classify(target):
    if not target.startswith("/"):
        return "other", None
    target = target.split("#", 1)[0]
    path, _, query = target.partition("?")
    path = decode_path(path)
    segs = path.rstrip("/").split("/")
    last = segs[-1] if path != "/" else ""
    if has_param(query, "feed") or last == "feed" or (
            len(segs) >= 2 and segs[-2] == "feed" and
            last in ("rss", "rss2", "atom", "rdf")):
        return "feed", None
    if path.startswith("/wp-admin/") or path in ADMIN_EXACT or \
            path.startswith("/wp-json/"):
        return "admin", None
    if path.startswith(("/wp-content/", "/wp-includes/")) or \
            last.lower().endswith(ASSET_EXT):
        return "asset", None
    if path in IGNORED or path.startswith("/.well-known/"):
        return "ignored", None
    if path == "/" and has_param(query, "s"):
        return "search", None
    if path == "/" and (has_param(query, "p") or has_param(query, "page_id")):
        return "postid", None
    if re.match(r"^/(index\.php/?)?(page/\d+/?)?$", path):
        return "home", None
    p = path
    if p.endswith("/"):
        p = p[:-1]
    for suf in (re.compile(r"/amp$"), re.compile(r"/comment-page-\d+$"),
                re.compile(r"/\d+$")):
        p = suf.sub("", p)
    m = POST.match(p + "/")
    if m:
        return "post", p + "/"
    m = re.match(r"^/tag/([^/]+)/(page/\d+/)?$", path)
    if m:
        return "tag", m.group(1)
    m = re.match(r"^/category/([^/]+)/(page/\d+/)?$", path)
    if m:
        return "category", m.group(1)
    if re.match(r"^/\d{4}/(\d{2}/(\d{2}/)?)?(page/\d+/)?$", path) or \
            re.match(r"^/author/[^/]+/(page/\d+/)?$", path):
        return "archive", None
    if "." not in last or last.endswith((".html", ".htm", ".php")):
        return "page", path if "." in last else path.rstrip("/") + "/"
    return "other", None


def canonical(kind, key, target):
    """The key a view is reported under, as visit landings give it."""
    if kind in ("post", "page"):
        return key
    if kind == "tag":
        return "/tag/%s/" % key
    if kind == "category":
        return "/category/%s/" % key
    if kind == "home":
        return "/"
    if kind == "search":
        return "/?s="
    path = decode_path(target.split("#", 1)[0].partition("?")[0])
    return re.sub(r"page/\d+/?$", "", path)     # archive


def file_age(name):
    """Rotation number: access.log 0, access.log.1 1, access.log.N.gz N."""
    m = re.match(r"^access\.log(?:\.(\d+))?(?:\.gz)?$", name)
    return int(m.group(1) or 0)


def read_lines(path):
    op = gzip.open if path.endswith(".gz") else open
    with op(path, "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [ln[:-1] if ln.endswith(b"\r") else ln for ln in lines]


def main(d):
    exp = json.load(open(os.path.join(d, "expected.json"), encoding="utf-8"))
    tot = {"lines": 0, "bad_lines": 0, "hits": 0, "robot_hits": 0,
           "views": 0}
    days = {}
    posts = {}
    tags = {}
    cats = {}
    ips = {}
    files = {}
    audience = {}       # (ip, ua, day) -> [(sod, position, key, kind)]
    pos = 0
    for name in sorted(exp["files"], key=file_age, reverse=True):
        lines = read_lines(os.path.join(d, name))
        recs = []
        for raw in lines:
            try:
                r = parse(raw.decode("utf-8"))
            except UnicodeDecodeError:
                r = None
            recs.append(r)
        files[name] = {"lines": len(lines),
                       "bad_lines": sum(r is None for r in recs)}
        last_day = None
        pending = 0
        for r in recs:
            pos += 1
            if r is None:
                if last_day is None:
                    pending += 1
                else:
                    days.setdefault(last_day, dict.fromkeys(tot, 0))
                    days[last_day]["lines"] += 1
                    days[last_day]["bad_lines"] += 1
                continue
            last_day = r["date"]
            dd = days.setdefault(last_day, dict.fromkeys(tot, 0))
            if pending:
                dd["lines"] += pending
                dd["bad_lines"] += pending
                pending = 0
            dd["lines"] += 1
            dd["hits"] += 1
            robot = is_robot(r["ua"])
            if robot:
                dd["robot_hits"] += 1
            parts = r["req"].split(" ")
            if len(parts) not in (2, 3) or parts[0] != "GET":
                continue
            if r["status"] not in (200, 304) or robot:
                continue
            target = parts[1].replace('\\"', '"')
            kind, key = classify(target)
            if kind not in ("post", "page", "home", "tag", "category",
                            "archive", "search"):
                continue
            dd["views"] += 1
            day = r["date"]
            vid = (r["ip"], r["raw_ua"] if r["raw_ua"] is not None else "",
                   day)
            audience.setdefault(vid, []).append(
                (r["sod"], pos, canonical(kind, key, target), kind))
            if kind in ("post", "page"):
                e = posts.setdefault(key, {})
                e[day] = e.get(day, 0) + 1
            elif kind == "tag":
                e = tags.setdefault(key, {})
                e[day] = e.get(day, 0) + 1
            elif kind == "category":
                e = cats.setdefault(key, {})
                e[day] = e.get(day, 0) + 1
            e = ips.setdefault(r["ip"], {})
            e[day] = e.get(day, 0) + 1
    for dd in days.values():
        for k in tot:
            tot[k] += dd[k]
        dd["visitors"] = dd["visits"] = 0
    readers = {}
    for (ip, ua, day), views in audience.items():
        views.sort()                     # local time, then log order
        landings = [key for i, (sod, _, key, _) in enumerate(views)
                    if i == 0 or sod - views[i - 1][0] >= VISIT_GAP]
        h = hashlib.sha256(ua.encode("utf-8")).hexdigest()[:12] \
            if exp["params"]["format"] != "common" else ""
        r = readers.setdefault((ip, h), {"ip": ip, "ua_hash": h, "days": {}})
        r["days"][day] = {"views": len(views), "landings": landings,
                          "pages": sorted({v[2] for v in views
                                           if v[3] in ("post", "page")})}
        days[day]["visitors"] += 1
        days[day]["visits"] += len(landings)
    readers = [readers[k] for k in sorted(readers)]
    tot["visitors"] = len(readers)
    tot["visits"] = sum(dd["visits"] for dd in days.values())
    errors = 0

    def cmp(what, got, want):
        nonlocal errors
        if got != want:
            errors += 1
            print("MISMATCH %s:\n  crosscheck %s\n  expected   %s" % (
                what, json.dumps(got, ensure_ascii=False, sort_keys=True)[:600],
                json.dumps(want, ensure_ascii=False, sort_keys=True)[:600]))

    cmp("files", files, exp["files"])
    cmp("totals", tot, exp["totals"])
    cmp("days", days, exp["days"])
    cmp("posts", posts, {k: v["views"] for k, v in exp["posts"].items()
                         if v["views"]})
    cmp("tags", tags, {k: v["archive_views"] for k, v in exp["tags"].items()
                       if v["archive_views"]})
    cmp("categories", cats, {k: v["archive_views"] for k, v in
                             exp["categories"].items() if v["archive_views"]})
    cmp("ips", ips, {k: v["views"] for k, v in exp["ips"].items()})
    if len(readers) != len(exp["readers"]):
        cmp("number of readers", len(readers), len(exp["readers"]))
    for got, want in zip(readers, exp["readers"]):
        # Of each reader, what this reading finds (not the browser,
        # system and device expected.json names it by).
        want = {k: want[k] for k in ("ip", "ua_hash", "days")}
        if got != want:
            cmp("reader %s %s" % (got["ip"], got["ua_hash"]), got, want)
            break
    unknown = set(posts) - set(exp["posts"])
    if unknown:
        errors += 1
        print("views of paths not on the site:", sorted(unknown)[:10])
    print("%s: %s, %d lines, %d views, %d visitors, %d visits" % (
        d, "agree" if not errors else "%d mismatches" % errors, tot["lines"],
        tot["views"], tot["visitors"], tot["visits"]))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
