#!/usr/bin/env python3
"""Logs of a blog of each engine, with the counts blogstat must find.

    python3 tests/gen/engines.py --out DIR [--seed N=1]

For each engine (wordpress, hugo, jekyll, ghost, eleventy) writes
DIR/ENGINE/:

  access.log     a combined-format log of three days: readers reading
                 posts, pages, tags, categories and lists in the URL
                 shapes the engine writes by default (and the other
                 spellings its server answers: without the trailing
                 '/', index.html, AMP, ...), among the hits that are
                 never views: the engine's feeds at every level, a
                 post's own files, assets, sitemaps, admin, robots,
                 errors, HEAD and POST;
  blogstat.conf  [urls] preset = ENGINE, nothing else;
  posts.csv      the posts with their tags and categories, for import;
  expected.json  what `top posts`, `top tags`, `top categories` and
                 `top days` must print over the three days, every number:
                 {"from", "to", "posts": {path: {views, visitors,
                 visits}}, "tags": {name: {post_views, archive_views,
                 visitors}}, "categories": {...}, "days": {day: {views,
                 visitors, visits}}}.

Each hit starts as an intent (a view of post P, a feed fetch, ...); the
line is written from it and the counts are summed from the intents, by
the rules of doc/counting.md; nothing here classifies a URL. Standard
library only.
"""
import argparse
import datetime as dt
import json
import os
import random
from collections import defaultdict

FIREFOX = ("Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 "
           "Firefox/123.0")
CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
          "(KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36")
SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) "
          "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 "
          "Mobile/15E148 Safari/604.1")
THUNDERBIRD = ("Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 "
               "Thunderbird/115.8.0")
GOOGLEBOT = ("Mozilla/5.0 (compatible; Googlebot/2.1; "
             "+http://www.google.com/bot.html)")

START = dt.date(2024, 3, 4)
DAYS = 3
VISIT_GAP = 1800   # doc/counting.md: a gap of 1,800 s or more ends a visit

# Posts: slug (as logged), slug decoded, tags, categories.
POSTS = [
    ("hello-world", "hello-world", ["go", "intro"], ["tech"]),
    ("s%C3%A4kerhet", "s\u00e4kerhet", ["security"], ["politics"]),
    ("second-post", "second-post", ["go"], ["tech", "life"]),
    ("cats", "cats", ["pets", "intro"], ["life"]),
    ("deep-dive", "deep-dive", ["go", "security"], []),
]


def post_date(i):
    return START - dt.timedelta(days=30 * (i + 1))


# ---- the engines ------------------------------------------------------
#
# Each engine: how a post is spelled (its canonical key and the URLs that
# are views of it), its pages, its lists, and the hits that are never
# views. A URL list entry is (url as logged, key) where key is the
# expected kind and name: ("post", path), ("page", path), ("home", "/"),
# ("tag", name), ("category", name), ("archive", path).


def wordpress_post(i, slug, name, cats):
    d = post_date(i)
    base = "/%04d/%02d/%02d/%s" % (d.year, d.month, d.day, slug)
    key = "/%04d/%02d/%02d/%s/" % (d.year, d.month, d.day, name)
    return key, [base + "/", base, base + "/amp/", base + "/2/",
                 base + "/comment-page-1/", base + "/?utm_source=x"]


def hugo_post(i, slug, name, cats):
    return "/posts/%s/" % name, [
        "/posts/%s/" % slug, "/posts/%s" % slug,
        "/posts/%s/index.html" % slug, "/posts/%s/?ref=mastodon" % slug]


def jekyll_post(i, slug, name, cats):
    d = post_date(i)
    folders = "".join("/" + c for c in cats)
    tail = "/%04d/%02d/%02d/" % (d.year, d.month, d.day)
    key = folders + tail + name + ".html"
    base = folders + tail + slug
    return key, [base + ".html", base, base + "/", base + "/index.html",
                 base + ".html?utm_source=x"]


def ghost_post(i, slug, name, cats):
    return "/%s/" % name, ["/%s/" % slug, "/%s" % slug, "/%s/amp/" % slug,
                           "/%s/?ref=x" % slug]


def eleventy_post(i, slug, name, cats):
    return "/blog/%s/" % name, ["/blog/%s/" % slug, "/blog/%s" % slug,
                                "/blog/%s/index.html" % slug]


ENGINES = {
    "wordpress": {
        "post": wordpress_post,
        "has_categories": True,
        "views": [
            ("/", ("home", "/")), ("/page/2/", ("home", "/")),
            ("/om-mig/", ("page", "/om-mig/")),
            ("/om-mig", ("page", "/om-mig/")),
            ("/om-mig/index.html", ("page", "/om-mig/")),
            ("/tag/%s/", "tag"), ("/tag/%s/page/2/", "tag"),
            ("/category/%s/", "category"),
            ("/author/cecilia/", ("archive", "/author/cecilia/")),
            ("/2024/03/", ("archive", "/2024/03/")),
        ],
        "never": [
            "/feed/", "/?feed=rss2", "/comments/feed/", "/tag/go/feed/",
            "%POST%feed/", "/feed/atom/", "/wp-content/uploads/2024/03/a.jpg",
            "/wp-includes/js/jquery.js?ver=1", "/wp-login.php",
            "/wp-admin/admin-ajax.php", "/xmlrpc.php", "/sitemap.xml",
            "/robots.txt", "/favicon.ico", "/feed.xml",
        ],
    },
    "hugo": {
        "post": hugo_post,
        "has_categories": True,
        "views": [
            ("/", ("home", "/")), ("/index.html", ("home", "/")),
            ("/page/2/", ("home", "/")),
            ("/about/", ("page", "/about/")),
            ("/about/index.html", ("page", "/about/")),
            ("/posts/", ("page", "/posts/")),
            ("/posts/page/2/", ("page", "/posts/")),
            ("/tags/", ("page", "/tags/")),
            ("/tags/%s/", "tag"), ("/tags/%s/page/2/", "tag"),
            ("/categories/%s/", "category"),
        ],
        "never": [
            "/index.xml", "/posts/index.xml", "/tags/index.xml",
            "/tags/go/index.xml", "/categories/tech/index.xml",
            "%POST%cover.jpg", "%POST%data.csv", "%POST%images/fig1.webp",
            "/css/main.min.css", "/js/main.js", "/sitemap.xml",
            "/robots.txt", "/favicon.ico", "/wp-login.php",
        ],
    },
    "jekyll": {
        "post": jekyll_post,
        "has_categories": True,
        "views": [
            ("/", ("home", "/")), ("/index.html", ("home", "/")),
            ("/page2/", ("home", "/")), ("/page3/", ("home", "/")),
            ("/about/", ("page", "/about/")),
            ("/about.html", ("page", "/about.html")),
            ("/tag/%s/", "tag"), ("/category/%s/", "category"),
            ("/2024/", ("archive", "/2024/")),
        ],
        "never": [
            "/feed.xml", "/assets/main.css", "/assets/minima-social-icons.svg",
            "/sitemap.xml", "/robots.txt", "/favicon.ico", "/wp-login.php",
        ],
    },
    "ghost": {
        "post": ghost_post,
        "has_categories": False,
        "views": [
            ("/", ("home", "/")), ("/page/2/", ("home", "/")),
            ("/tag/%s/", "tag"), ("/tag/%s/page/2/", "tag"),
            ("/author/cecilia/", ("archive", "/author/cecilia/")),
            ("/author/cecilia/page/2/", ("archive", "/author/cecilia/")),
        ],
        "never": [
            "/rss/", "/tag/go/rss/", "/author/cecilia/rss/",
            "/content/images/2024/03/photo.jpg",
            "/assets/built/screen.css?v=0a1b2c3d4e",
            "/ghost/api/admin/site/", "/ghost/", "/members/api/member/",
            "/sitemap.xml", "/sitemap-posts.xml", "/sitemap-tags.xml",
            "/robots.txt", "/favicon.ico", "/wp-login.php",
        ],
    },
    "eleventy": {
        "post": eleventy_post,
        "has_categories": False,
        "views": [
            ("/", ("home", "/")), ("/index.html", ("home", "/")),
            ("/about/", ("page", "/about/")),
            ("/blog/", ("page", "/blog/")),
            ("/tags/", ("page", "/tags/")),
            ("/tags/%s/", "tag"),
        ],
        "never": [
            "/feed/feed.xml", "/feed/feed.json", "%POST%possum.png",
            "/css/index.css", "/sitemap.xml", "/robots.txt",
            "/favicon.ico", "/wp-login.php",
        ],
    },
}


# ---- one engine's log -----------------------------------------------------


class Blog:
    def __init__(self, name, rng):
        self.name = name
        self.e = ENGINES[name]
        self.rng = rng
        self.posts = []     # (key, urls, tags, categories)
        for i, (slug, dec, tags, cats) in enumerate(POSTS):
            cats = cats if self.e["has_categories"] else []
            key, urls = self.e["post"](i, slug, dec, cats)
            self.posts.append((key, urls, tags, cats, urls[0]))
        self.tags = sorted({t for p in POSTS for t in p[2]})
        self.cats = sorted({c for p in self.posts for c in p[3]})
        self.hits = []      # (time, ip, ua, method, url, status, view)

    def view_target(self):
        """A URL a reader reads and what it is a view of."""
        rng = self.rng
        if rng.random() < 0.6:
            key, urls, _, _, _ = rng.choice(self.posts)
            return rng.choice(urls), ("post", key)
        url, what = rng.choice(self.e["views"])
        if what == "tag":
            t = rng.choice(self.tags)
            return url % t, ("tag", t)
        if what == "category":
            c = rng.choice(self.cats)
            return url % c, ("category", c)
        return url, what

    def never_target(self):
        u = self.rng.choice(self.e["never"])
        if u.startswith("%POST%"):
            return self.rng.choice(self.posts)[4] + u[6:]
        return u

    def hit(self, t, ip, ua, url, method="GET", status=200, view=None):
        self.hits.append((t, ip, ua, method, url, status, view))

    def readers(self):
        rng = self.rng
        people = []
        for k in range(14):
            ip = "81.2.%d.%d" % (69 + k // 5, 10 + k)
            people.append((ip, rng.choice((FIREFOX, CHROME, SAFARI))))
        # two people behind one address, on two browsers
        people.append(("81.2.80.7", FIREFOX))
        people.append(("81.2.80.7", CHROME))
        return people

    def write_day(self, day, people):
        rng = self.rng
        t0 = dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)
        for ip, ua in people:
            if rng.random() < 0.25:
                continue
            t = t0 + dt.timedelta(seconds=rng.randrange(0, 3 * 3600))
            for _ in range(rng.randrange(1, 4)):          # sessions
                for _ in range(rng.randrange(1, 5)):      # pages
                    if t.date() != day:
                        break
                    url, what = self.view_target()
                    status = 304 if rng.random() < 0.1 else 200
                    self.hit(t, ip, ua, url, status=status, view=what)
                    # what a browser fetches with it: never views
                    for _ in range(rng.randrange(0, 3)):
                        self.hit(t, ip, ua, self.never_target())
                    t += dt.timedelta(seconds=rng.randrange(5, 600))
                # the next session: sometimes just inside a visit, just
                # outside, or hours later
                t += dt.timedelta(seconds=rng.choice(
                    (VISIT_GAP - 1, VISIT_GAP, 3 * 3600, 5 * 3600)))
                if t.date() != day:
                    break
        # a feed reader, a robot, errors and other methods: no views
        for h in range(0, 24, 2):
            tt = t0 + dt.timedelta(hours=h, minutes=7)
            self.hit(tt, "81.2.99.1", THUNDERBIRD, self.never_target())
            key, urls, _, _, _ = rng.choice(self.posts)
            self.hit(tt, "66.249.66.1", GOOGLEBOT, rng.choice(urls))
            self.hit(tt, "81.2.99.2", FIREFOX, rng.choice(urls), status=404)
            self.hit(tt, "81.2.99.2", FIREFOX, rng.choice(urls), status=301)
            self.hit(tt, "81.2.99.2", FIREFOX, rng.choice(urls),
                     method="HEAD")
            self.hit(tt, "81.2.99.2", FIREFOX, rng.choice(urls),
                     method="POST")
        # the engine's feeds at every level, read by a browser
        for u in self.e["never"]:
            self.hit(t0 + dt.timedelta(hours=23, minutes=30), "81.2.99.3",
                     FIREFOX, u.replace("%POST%", self.posts[0][4]))

    def generate(self):
        people = self.readers()
        for d in range(DAYS):
            self.write_day(START + dt.timedelta(days=d), people)
        self.hits.sort(key=lambda h: h[0])
        seen = {p[0] for p in self.posts}
        viewed = {h[6][1] for h in self.hits if h[6] and h[6][0] == "post"}
        assert viewed == seen, (self.name, seen - viewed)

    def line(self, h):
        t, ip, ua, method, url, status, _ = h
        ts = t.strftime("%d/%b/%Y:%H:%M:%S +0000")
        return '%s - - [%s] "%s %s HTTP/1.1" %d %d "-" "%s"\n' % (
            ip, ts, method, url, status, 0 if status == 304 else 5120, ua)

    # ---- the expected counts ---------------------------------------------

    def expected(self):
        views = [h for h in self.hits if h[6] and h[3] == "GET" and
                 h[5] in (200, 304)]
        days = defaultdict(lambda: {"views": 0, "visitors": set(),
                                    "visits": 0})
        posts = defaultdict(lambda: {"views": 0, "visitors": set(),
                                     "visits": 0})
        arch = {"tag": defaultdict(int), "category": defaultdict(int)}
        last = {}    # (day, visitor) -> time of the last view
        for t, ip, ua, _, _, _, (kind, key) in views:
            day = t.date().isoformat()
            who = (ip, ua)
            d = days[day]
            d["views"] += 1
            d["visitors"].add(who)
            prev = last.get((day, who))
            landing = prev is None or (t - prev).total_seconds() >= VISIT_GAP
            last[(day, who)] = t
            if landing:
                d["visits"] += 1
            if kind in ("post", "page"):
                p = posts[key]
                p["views"] += 1
                p["visitors"].add(who)
            if kind in ("tag", "category"):
                arch[kind][key] += 1
            if landing and kind in ("post", "page"):
                posts[key]["visits"] += 1

        def terms(taxonomy, index):
            out = {}
            names = {n for p in self.posts for n in p[index]}
            names |= set(arch[taxonomy])
            for n in names:
                carrying = [p[0] for p in self.posts if n in p[index]]
                pv = sum(posts[k]["views"] for k in carrying if k in posts)
                readers = set()
                for k in carrying:
                    if k in posts:
                        readers |= posts[k]["visitors"]
                av = arch[taxonomy].get(n, 0)
                if pv or av:
                    out[n] = {"post_views": pv, "archive_views": av,
                              "visitors": len(readers)}
            return out

        def counted(m):
            return {k: {"views": v["views"], "visitors": len(v["visitors"]),
                        "visits": v["visits"]} for k, v in m.items()}

        return {
            "from": START.isoformat(),
            "to": (START + dt.timedelta(days=DAYS - 1)).isoformat(),
            "posts": counted(posts),
            "tags": terms("tag", 2),
            "categories": terms("category", 3),
            "days": counted(days),
        }

    def write(self, out):
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "access.log"), "w",
                  encoding="utf-8") as f:
            f.writelines(self.line(h) for h in self.hits)
        with open(os.path.join(out, "blogstat.conf"), "w",
                  encoding="utf-8") as f:
            f.write("[urls]\npreset = %s\n" % self.name)
        with open(os.path.join(out, "posts.csv"), "w", encoding="utf-8") as f:
            f.write("path,title,published,tags,categories\n")
            for i, (key, _, tags, cats, _) in enumerate(self.posts):
                f.write("%s,Post %d,%s,%s,%s\n" % (
                    key, i, post_date(i).isoformat(), "|".join(tags),
                    "|".join(cats)))
        with open(os.path.join(out, "expected.json"), "w",
                  encoding="utf-8") as f:
            json.dump(self.expected(), f, ensure_ascii=False, sort_keys=True,
                      indent=1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    for name in ENGINES:
        blog = Blog(name, random.Random("%d-%s" % (a.seed, name)))
        blog.generate()
        blog.write(os.path.join(a.out, name))


if __name__ == "__main__":
    main()
