#!/usr/bin/env python3
"""Checks on the HTML report, with Python's own HTML parser.

    htmlcheck.py safe FILE...
        every page: a CSP that forbids scripts, no <script>, <iframe>,
        <object>, <embed>, <base> or <form> element, no on* attribute, no
        URL with a scheme but http(s) (and no network URL in src), and
        every local src/href resolves to a file.
    htmlcheck.py numbers INDEX BLOGSTAT DB [--from D --to D]
        the tables of index.html hold the numbers of `blogstat top`.
    htmlcheck.py text FILE NEEDLE...
        each NEEDLE appears in the page's text (after unescaping).
    htmlcheck.py linked DIR
        every file under DIR/charts and DIR/posts is linked from a page of
        DIR (index.html, posts/*.html), or is the SVG of a linked PNG: a
        report folder holds what it links, nothing more.
"""
import json
import os
import subprocess
import sys
from html.parser import HTMLParser

FORBIDDEN = {"script", "iframe", "object", "embed", "base", "form", "frame",
             "applet", "meta-refresh"}


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []          # (tag, attrs)
        self.text = []
        self.tables = []            # list of rows (list of cell texts)
        self._cell = None
        self._row = None

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join(" ".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def parse(path):
    p = Page()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    p.close()
    return p


def fail(msg):
    print(f"htmlcheck: {msg}")
    sys.exit(1)


def safe(files):
    for path in files:
        p = parse(path)
        csp = [dict(a).get("content", "") for t, a in p.elements
               if t == "meta" and dict(a).get("http-equiv", "").lower()
               == "content-security-policy"]
        if not csp or "default-src 'none'" not in csp[0] or \
                "script-src" in csp[0]:
            fail(f"{path}: no CSP forbidding scripts: {csp}")
        for tag, attrs in p.elements:
            if tag in FORBIDDEN:
                fail(f"{path}: <{tag}> element")
            for name, value in attrs:
                if name.startswith("on"):
                    fail(f"{path}: <{tag} {name}=...> attribute")
                if name in ("href", "src", "srcset", "action", "formaction",
                            "data", "poster", "xlink:href"):
                    v = (value or "").strip().lower()
                    scheme = v.split(":", 1)[0] if ":" in v.split("/")[0] else ""
                    if scheme and scheme not in ("http", "https"):
                        fail(f"{path}: <{tag} {name}={value!r}>")
                    if name != "href" and scheme:
                        fail(f"{path}: <{tag} {name}={value!r}> loads from "
                             "the network")
                    if not scheme and value and not value.startswith("#"):
                        target = os.path.join(os.path.dirname(path), value)
                        if not os.path.exists(target):
                            fail(f"{path}: <{tag} {name}={value!r}> points "
                                 "to no file")
        if 'http-equiv="refresh"' in open(path, encoding="utf-8").read():
            fail(f"{path}: meta refresh")


def num(s):
    return int(s.replace(",", "").replace("\u2014", "-1") or 0)


def run(args):
    p = subprocess.run(args, capture_output=True, text=True, check=True)
    return json.loads(p.stdout)


def numbers(index, blogstat, db, rng):
    p = parse(index)
    tables = p.tables
    heads = [t[0] for t in tables]

    def table(first):
        for t in tables:
            if t and t[0] and t[0][0 if first != "Post" else 1] == first:
                return t[1:]
        fail(f"no table headed {first}: {heads}")

    top = lambda what, n: run([blogstat, "--db", db, "top", what, "--limit",
                               str(n), "--format", "json"] + rng)

    posts = top("posts", 20)
    rows = table("Post")
    got = [(r[1], num(r[3])) for r in rows]
    want = []
    for o in posts:
        cell = o["title"] + " " + o["path"] if o["title"] else o["path"]
        want.append((" ".join(cell.split()), o["views"]))
    if got != want:
        fail(f"top posts table {got[:3]}... != {want[:3]}...")
    for what, head in (("tags", "Tag"), ("categories", "Category")):
        key = "tag" if what == "tags" else "category"
        # A term is shown by the name its import gave it, else its slug.
        want = [(o["title"] or o[key], o["post_views"], o["archive_views"])
                for o in top(what, 15)]
        # No term read: the page says so rather than showing a table.
        rows = table(head) if want else []
        got = [(r[0], num(r[1]), num(r[2])) for r in rows]
        if got != want:
            fail(f"{what} table {got} != {want}")
    rows = table("Country")
    got = [(r[0].rsplit(" ", 1)[-1], num(r[1])) for r in rows]
    want = [(o["country"], o["views"]) for o in top("countries", 15)]
    if got != want:
        fail(f"countries table {got} != {want}")
    rows = table("Day")
    got = [num(r[1]) for r in rows if num(r[1]) >= 0]
    want = [o["views"] for o in top("days", 0)]
    if got != want:
        fail(f"days table {got} != {want}")
    total = sum(want)
    if f">{total:,}<" not in open(index, encoding="utf-8").read():
        fail(f"total views {total:,} not shown")
    dims(p, table, top, total)


def dims(p, table, top, total):
    """The tables of the other dimensions hold `top`'s numbers."""
    def opt_table(first):
        for t in p.tables:
            if t and t[0] and t[0][0] == first:
                return t[1:]
        return None

    robots = top("robots", 15)
    rows = opt_table("Robot") or []
    got = [(r[0], r[1], num(r[2])) for r in rows]
    want = [(o["robot"], o["category"], o["hits"]) for o in robots]
    if got != want:
        fail(f"robots table {got[:3]} != {want[:3]}")
    # (table, its head, the page's column of each key, rows shown)
    for what, head, cols, n in (
            ("campaigns", "Source", {"source": 0, "medium": 1,
                                     "campaign": 2, "views": 3}, 15),
            ("missing", "Path", {"path": 0, "hits": 1, "referrer": 2}, 15),
            ("feeds", "Feed", {"feed": 0, "subscribers": 2, "fetches": 3},
             10)):
        rows = opt_table(head) or []
        want = [tuple(o[k] for k in cols) for o in top(what, n)]
        got = [tuple(num(r[c]) if isinstance(o, int) else r[c]
                     for c, o in zip(cols.values(), w))
               for r, w in zip(rows, want)]
        if len(rows) != len(want) or got != want:
            fail(f"{what} table {got[:3]} != {want[:3]}")
    # The heat map's cells say their views; they add up to the range's.
    heat = 0
    for tag, attrs in p.elements:
        a = dict(attrs)
        if tag == "td" and ":00: " in a.get("title", ""):
            heat += int(a["title"].rsplit(": ", 1)[1].split()[0])
    if heat != total:
        fail(f"the hours' heat map holds {heat} views, not {total}")


def text(path, needles):
    t = "".join(parse(path).text)
    for n in needles:
        if n not in t:
            fail(f"{path}: text lacks {n!r}")


def linked(top):
    pages = [os.path.join(top, "index.html")]
    posts = os.path.join(top, "posts")
    if os.path.isdir(posts):
        pages += [os.path.join(posts, n) for n in os.listdir(posts)]
    seen = set()
    for page in pages:
        seen.add(os.path.normpath(page))
        for tag, attrs in parse(page).elements:
            for name, value in attrs:
                if name in ("href", "src", "srcset") and value and \
                        ":" not in value.split("/")[0]:
                    for v in value.split(","):
                        v = v.strip().split(" ")[0]
                        seen.add(os.path.normpath(
                            os.path.join(os.path.dirname(page), v)))
    for sub in ("charts", "posts"):
        d = os.path.join(top, sub)
        for n in sorted(os.listdir(d)) if os.path.isdir(d) else ():
            f = os.path.normpath(os.path.join(d, n))
            if f in seen or (f.endswith(".svg") and f[:-4] + ".png" in seen):
                continue
            fail(f"{f} is linked from no page of {top}")


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    if sys.argv[1] == "linked":
        linked(sys.argv[2])
        return
    if sys.argv[1] == "safe":
        safe(sys.argv[2:])
    elif sys.argv[1] == "numbers":
        numbers(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
    elif sys.argv[1] == "text":
        text(sys.argv[2], sys.argv[3:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
