#!/usr/bin/env python3
"""genlog.py - synthetic access logs of a WordPress blog, with the counts
they must give.

This is the test oracle for blogstat (doc/counting.md).  Every line is
generated from an intent (a view of post X on day D from address A, a robot
hit, an asset hit, a bad line, ...) and the expected counts in expected.json
are summed from those intents, never by classifying the text written.

    python3 tests/gen/genlog.py --out DIR [--seed N] [--start YYYY-MM-DD]
        [--days N] [--lines-per-day N | --lines N] [--posts N]
        [--layout rotated|single] [--format combined|common] [--crlf]
        [--no-bad] [--audience-edges] [--host NAME] [--host-variants]
        [--mix blog|busy]

Writes into DIR: the logs (rotated: access.log, access.log.1,
access.log.2.gz, ...; single: access.log.gz), expected.json,
wordpress-export.xml and posts.csv.  See tests/gen/README.md.

Python 3.11 standard library only.  Output depends on the arguments alone
(not on the directory, the clock or hash randomisation).
"""

import argparse
import bisect
import csv
import datetime as dt
import gzip
import hashlib
import heapq
import io
import ipaddress
import json
import math
import os
import random
import re
import sys
import urllib.parse
from xml.sax.saxutils import escape as xml_escape

SITE_URL = "https://blog.example.eu"
SITE_HOST = "blog.example.eu"           # the virtual host the logs name
SITE_NAME = "Cecilia Malmström"
SITE_HOST_IP = "46.246.119.35"          # the blog's own server (wp-cron)
AUTHOR_LOGIN = "cecilia"

MON = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WDAY = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# Kinds that make a view (counting.md "Views", rule 4).
CONTENT = frozenset(("post", "page", "home", "tag", "category", "archive",
                     "search"))

HMS = ["%02d:%02d:%02d" % (s // 3600, s // 60 % 60, s % 60)
       for s in range(86400)]

ROTATE_AT = 6 * 3600 + 25 * 60          # logrotate's cron.daily, 06:25

VISIT_GAP = 1800    # a view this long after the last one starts a visit
PAGE_N = re.compile(r"page/\d+/$")

# ---------------------------------------------------------------------------
# Time: Europe/Stockholm by the EU rule, without tzdata.
# ---------------------------------------------------------------------------

EPOCH = dt.date(1970, 1, 1)


def date_epoch(d):
    """Seconds from the epoch to 00:00 of date d as if it were UTC."""
    return (d - EPOCH).days * 86400


def last_sunday(year, month):
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    d = nxt - dt.timedelta(days=1)
    return d - dt.timedelta(days=(d.weekday() + 1) % 7)


class Stockholm:
    """+0100, and +0200 from the last Sunday of March 01:00 UTC (02:00
    local) to the last Sunday of October 01:00 UTC (03:00 local)."""

    def __init__(self, y0, y1):
        self.tr = []
        for y in range(y0, y1 + 1):
            self.tr.append(date_epoch(last_sunday(y, 3)) + 3600)
            self.tr.append(date_epoch(last_sunday(y, 10)) + 3600)

    def offset(self, t):
        return 7200 if bisect.bisect_right(self.tr, t) & 1 else 3600

    def to_utc(self, d, secs):
        """UTC epoch of local wall time d + secs (an existing one)."""
        wall = date_epoch(d) + secs
        for off in (3600, 7200):
            if self.offset(wall - off) == off:
                return wall - off
        return wall - 3600          # in the skipped hour: not used



# ---------------------------------------------------------------------------
# The site.
# ---------------------------------------------------------------------------

# (slug as WordPress stores it decoded, display name)
TAGS = [
    ("säkerhet", "Säkerhet"), ("cybercrime", "Cybercrime"), ("eu", "EU"),
    ("handel", "Handel"), ("migration", "Migration"),
    ("schengen", "Schengen"), ("människohandel", "Människohandel"),
    ("datalagring", "Datalagring"), ("acta", "ACTA"), ("ttip", "TTIP"),
    ("frihandel", "Frihandel"), ("integritet", "Integritet"),
    ("asyl", "Asyl"), ("europol", "Europol"), ("frontex", "Frontex"),
    ("usa", "USA"), ("kina", "Kina"), ("jämställdhet", "Jämställdhet"),
    ("demokrati", "Demokrati"), ("yttrandefrihet", "Yttrandefrihet"),
    ("internet", "Internet"), ("bryssel", "Bryssel"), ("tal", "Tal"),
    ("öppenhet", "Öppenhet"), ("barnens-rättigheter", "Barnens rättigheter"),
    ("it-säkerhet", "IT-säkerhet"), ("europaparlamentet", "Europaparlamentet"),
    ("tullar", "Tullar & kvoter"),
]
TAG_WEIGHT = {"eu": 9, "handel": 6, "säkerhet": 6, "migration": 5,
              "cybercrime": 5, "schengen": 3, "integritet": 3, "internet": 3}

CATEGORIES = [
    ("politik", "Politik"), ("eu", "EU"), ("handel", "Handel"),
    ("inrikes-frågor", "Inrikes frågor"),
    ("tal-och-artiklar", "Tal och artiklar"),
    ("okategoriserade", "Okategoriserade"), ("resor", "Resor"),
    ("in-english", "In English"),
]
CAT_WEIGHT = {"politik": 6, "eu": 6, "handel": 4}

# (title, slug decoded).  Some slugs keep UTF-8 letters (set by hand in
# WordPress, stored percent-encoded), the others are what remove_accents()
# and sanitize_title() make of the title.  The first ones carry the special
# cases and are always part of the site.
TITLES = [
    ("Säkerhet på nätet", "säkerhet-på-nätet"),
    ("Handel & tillväxt: varför frihandel gynnar Sverige",
     "handel-tillvaxt-varfor-frihandel-gynnar-sverige"),
    ("<script>alert('hej')</script> – om skadlig kod på webben",
     "alerthej-om-skadlig-kod-pa-webben"),
    ('Om "säkra länder" och asylrätten', "om-sakra-lander-och-asylratten"),
    ("EU:s nya strategi mot människohandel",
     "eus-nya-strategi-mot-människohandel"),
    ("Café-samtal om Europas framtid", "café-samtal-om-europas-framtid"),
    ("Fighting cybercrime together", "fighting-cybercrime-together"),
    ("Q&A on the EU-US trade talks", "qa-on-the-eu-us-trade-talks"),
    ('Speech: "A Europe that protects"', "speech-a-europe-that-protects"),
    ("Malmö, Malmström and the Øresund bridge",
     "malmö-malmström-and-the-øresund-bridge"),
    ("Cyberbrottslighet kräver gemensamma svar",
     "cyberbrottslighet-kräver-gemensamma-svar"),
    ("Schengen – en framgång värd att försvara",
     "schengen-en-framgang-vard-att-forsvara"),
    ("Datalagringsdirektivet måste ses över",
     "datalagringsdirektivet-måste-ses-över"),
    ("Tal i Almedalen om migration", "tal-i-almedalen-om-migration"),
    ("Europols nya centrum mot it-brott", "europols-nya-centrum-mot-it-brott"),
    ("Frontex och ansvaret för Medelhavet",
     "frontex-och-ansvaret-for-medelhavet"),
    ("Veckans möten i Bryssel", "veckans-möten-i-bryssel"),
    ("Sexuella övergrepp mot barn på internet",
     "sexuella-övergrepp-mot-barn-på-internet"),
    ("Jämställdhet i EU-kommissionen", "jämställdhet-i-eu-kommissionen"),
    ("Varför jag röstar ja till ACTA-granskning",
     "varfor-jag-rostar-ja-till-acta-granskning"),
    ("Ett år som kommissionär", "ett-år-som-kommissionär"),
    ("Sommarläsning 2012", "sommarlasning-2012"),
    ("Integritet & övervakning – var går gränsen?",
     "integritet-övervakning-var-går-gränsen"),
    ("Tullar, kvoter och svenska jobb", "tullar-kvoter-och-svenska-jobb"),
    ("Kinas inträde på världsmarknaden", "kinas-intrade-pa-varldsmarknaden"),
    ("Demokrati kräver öppenhet", "demokrati-kräver-öppenhet"),
    ("Yttrandefrihet på nätet", "yttrandefrihet-pa-natet"),
    ("Frågor och svar om visumfrihet", "frågor-och-svar-om-visumfrihet"),
    ("Why the EU needs a common asylum system",
     "why-the-eu-needs-a-common-asylum-system"),
    ("Trade is not a zero-sum game", "trade-is-not-a-zero-sum-game"),
    ("Human trafficking: the facts", "human-trafficking-the-facts"),
    ("Open letter to the European Parliament",
     "open-letter-to-the-european-parliament"),
    ("Notes from Davos", "notes-from-davos"),
    ("The internal security strategy, two years on",
     "the-internal-security-strategy-two-years-on"),
    ("Smart borders & privacy", "smart-borders-privacy"),
    ("Visiting Lampedusa", "visiting-lampedusa"),
    ("Europe's digital single market — and you",
     "europes-digital-single-market-and-you"),
    ("Julhälsning från Bryssel", "julhälsning-från-bryssel"),
    ("Året som gick", "året-som-gick"),
    ("Tack för alla kommentarer!", "tack-for-alla-kommentarer"),
    ("Lobbyism, transparens och registret",
     "lobbyism-transparens-och-registret"),
    ("Statement on the data retention ruling",
     "statement-on-the-data-retention-ruling"),
    ("Nytt om GSP-förmåner", "nytt-om-gsp-förmåner"),
    ("What I read this summer", "what-i-read-this-summer"),
    ("Ten years of Schengen enlargement", "ten-years-of-schengen-enlargement"),
]

# (path decoded, title, post_name decoded, parent path or None,
#  in WordPress?).  /cv.html is a static file nginx serves next to
# WordPress, so it is in posts.csv but not in the WordPress export.
PAGES = [
    ("/om-mig/", "Om mig", "om-mig", None, True),
    ("/om-mig/pressbilder/", "Pressbilder", "pressbilder", "/om-mig/", True),
    ("/kontakt/", "Kontakt", "kontakt", None, True),
    ("/föreläsningar/", "Föreläsningar & seminarier", "föreläsningar", None,
     True),
    ("/integritetspolicy/", "Integritetspolicy", "integritetspolicy", None,
     True),
    ("/cv.html", "CV – Cecilia Malmström", None, None, False),
]


def pct_lower(s):
    """Percent-encode the non-ASCII bytes of s, lowercase hex (WordPress)."""
    if s.isascii():
        return s
    return "".join(chr(b) if b < 0x80 else "%%%02x" % b
                   for b in s.encode("utf-8"))


def pct_upper(s):
    if s.isascii():
        return s
    return "".join(chr(b) if b < 0x80 else "%%%02X" % b
                   for b in s.encode("utf-8"))


def ascii_name(s):
    table = str.maketrans("åäöéøüÅÄÖÉ", "aaoeouAAOE")
    return s.translate(table)


class Post:
    __slots__ = ("kind", "title", "slug", "path", "enc", "upper", "pub",
                 "pub_t", "tags", "cats", "wp_id", "parent", "in_wp",
                 "images", "rank_w", "comments", "ascii")


def build_site(rng, n_posts, start, ndays, tz):
    """Posts and pages, their dates, tags, categories and popularity."""
    titles = list(TITLES)
    i = 1
    while len(titles) < n_posts:
        titles.append(("Veckobrev nr %d" % i, "veckobrev-nr-%d" % i))
        i += 1
    titles = titles[:n_posts]
    n_during = min(n_posts, max(1, round(n_posts * 0.25)))
    dates = []
    for k in range(n_posts):
        if k < n_posts - n_during:
            d = start - dt.timedelta(days=rng.randint(1, 420))
        else:
            d = start + dt.timedelta(days=rng.randrange(ndays))
        secs = rng.randint(7 * 3600, 22 * 3600) // 60 * 60
        dates.append((d, secs))
    dates.sort()
    order = list(range(n_posts))
    rng.shuffle(order)             # which title gets which date
    tag_slugs = [s for s, _ in TAGS]
    tag_w = [TAG_WEIGHT.get(s, 1) for s in tag_slugs]
    cat_slugs = [s for s, _ in CATEGORIES]
    cat_w = [CAT_WEIGHT.get(s, 1) for s in cat_slugs]
    posts = []
    wp_id = 100
    for k, (d, secs) in enumerate(dates):
        title, slug = titles[order[k]]
        p = Post()
        p.kind = "post"
        p.title = title
        p.slug = slug
        p.pub = dt.datetime.combine(d, dt.time()) + dt.timedelta(seconds=secs)
        p.pub_t = tz.to_utc(d, secs)
        p.path = "/%04d/%02d/%02d/%s/" % (d.year, d.month, d.day, slug)
        p.enc = pct_lower(p.path)
        p.upper = pct_upper(p.path)
        p.tags = weighted_sample(rng, tag_slugs, tag_w, rng.randint(1, 4))
        p.cats = weighted_sample(rng, cat_slugs, cat_w,
                                 1 if rng.random() < 0.7 else 2)
        wp_id += rng.randint(2, 14)
        p.wp_id = wp_id
        p.parent = None
        p.in_wp = True
        p.ascii = ascii_name(slug)
        p.images = ["/wp-content/uploads/%04d/%02d/%s-%dx%d.jpg" % (
            d.year, d.month, p.ascii[:24].rstrip("-"), w, h)
            for w, h in ((1024, 683), (300, 200))[
            :1 if rng.random() < 0.7 else 2]]
        p.comments = rng.randint(0, 3) if rng.random() < 0.4 else 0
        posts.append(p)
    # Heavy tail: a random order of popularity, Zipf-like weights.
    ranks = list(range(n_posts))
    rng.shuffle(ranks)
    for p, r in zip(posts, ranks):
        p.rank_w = 1.0 / (r + 1) ** 1.15
    pages = []
    pid = 2
    by_path = {}
    for path, title, name, parent, in_wp in PAGES:
        p = Post()
        p.kind = "page"
        p.title = title
        p.slug = name
        p.path = path
        p.enc = pct_lower(path)
        p.upper = pct_upper(path)
        d = start - dt.timedelta(days=900 + 37 * pid)
        p.pub = dt.datetime.combine(d, dt.time(11, 0)) + dt.timedelta(
            minutes=pid)
        p.pub_t = tz.to_utc(d, 11 * 3600 + pid * 60)
        p.tags = []
        p.cats = []
        p.wp_id = pid
        p.parent = by_path[parent].wp_id if parent else 0
        p.in_wp = in_wp
        p.images = []
        p.rank_w = 1.0
        p.comments = 0
        p.ascii = ascii_name(path)
        by_path[path] = p
        pages.append(p)
        pid += rng.randint(3, 9)
    return posts, pages


def weighted_sample(rng, items, weights, k):
    items = list(items)
    weights = list(weights)
    out = []
    for _ in range(min(k, len(items))):
        i = rng.choices(range(len(items)), weights)[0]
        out.append(items.pop(i))
        weights.pop(i)
    return sorted(out)


# ---------------------------------------------------------------------------
# User-Agents.
# ---------------------------------------------------------------------------

# (weight, UA, browser, system, device).  Real strings, 2015-2025.  None
# contains a robot word.  browser and system are the families uap-core's
# regexes (third_party/uap-core/regexes.yaml, after blogstat's own
# rules/ua-browsers.txt) give the UA, device its class by
# rules/ua-devices.txt (doc/counting.md "Browsers, systems and devices").
BROWSERS = [
    (9, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
     "Chrome", "Windows", "desktop"),
    (7, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
     "Chrome", "Windows", "desktop"),
    (2, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/58.0.3029.110 Safari/537.36",
     "Chrome", "Windows", "desktop"),
    (1, "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/47.0.2526.106 Safari/537.36",
     "Chrome", "Windows", "desktop"),
    (5, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
     "Chrome", "Mac OS X", "desktop"),
    (2, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36",
     "Chrome", "Linux", "desktop"),
    (9, "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/125.0.0.0 Mobile Safari/537.36",
     "Chrome Mobile", "Android", "mobile"),
    (2, "Mozilla/5.0 (Linux; Android 9; Pixel 3) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/74.0.3729.157 Mobile Safari/537.36",
     "Chrome Mobile", "Android", "mobile"),
    (3, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) "
        "AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 "
        "Mobile/15E148 Safari/604.1",
     "Chrome Mobile iOS", "iOS", "mobile"),
    (5, "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 "
        "Firefox/121.0",
     "Firefox", "Windows", "desktop"),
    (1, "Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:47.0) Gecko/20100101 "
        "Firefox/47.0",
     "Firefox", "Windows", "desktop"),
    (2, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:128.0) "
        "Gecko/20100101 Firefox/128.0",
     "Firefox", "Mac OS X", "desktop"),
    (2, "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:109.0) Gecko/20100101 "
        "Firefox/115.0",
     "Firefox", "Ubuntu", "desktop"),
    (2, "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 "
        "Firefox/133.0",
     "Firefox", "Linux", "desktop"),
    (1, "Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 "
        "Firefox/125.0",
     "Firefox Mobile", "Android", "mobile"),
    (1, "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) "
        "AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/119.0 Mobile/15E148 "
        "Safari/605.1.15",
     "Firefox iOS", "iOS", "mobile"),
    (5, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.2 Safari/605.1.15",
     "Safari", "Mac OS X", "desktop"),
    (1, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.7 "
        "(KHTML, like Gecko) Version/9.0.1 Safari/601.2.7",
     "Safari", "Mac OS X", "desktop"),
    (10, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) "
         "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1.2 "
         "Mobile/15E148 Safari/604.1",
     "Mobile Safari", "iOS", "mobile"),
    (2, "Mozilla/5.0 (iPhone; CPU iPhone OS 12_1 like Mac OS X) "
        "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.0 Mobile/15E148 "
        "Safari/604.1",
     "Mobile Safari", "iOS", "mobile"),
    (3, "Mozilla/5.0 (iPad; CPU OS 15_7 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/15.6.1 Mobile/15E148 Safari/604.1",
     "Mobile Safari", "iOS", "tablet"),
    (5, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 "
        "Edg/120.0.2210.91",
     "Edge", "Windows", "desktop"),
    (1, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/51.0.2704.79 Safari/537.36 "
        "Edge/14.14393",
     "Edge", "Windows", "desktop"),
    (1, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
     "Edge", "Mac OS X", "desktop"),
    (4, "Mozilla/5.0 (Linux; Android 13; SM-S908B) AppleWebKit/537.36 "
        "(KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 "
        "Mobile Safari/537.36",
     "Samsung Internet", "Android", "mobile"),
    (1, "Mozilla/5.0 (Linux; Android 9; SAMSUNG SM-G960F) "
        "AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/10.1 "
        "Chrome/71.0.3578.99 Mobile Safari/537.36",
     "Samsung Internet", "Android", "mobile"),
    (1, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36 OPR/105.0.0.0",
     "Opera", "Windows", "desktop"),
    (1, "Mozilla/5.0 (Linux; Android 10; VOG-L29) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/108.0.0.0 Mobile Safari/537.36 "
        "OPR/74.1.3922.71199",
     "Opera Mobile", "Android", "mobile"),
    (1, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 OPR/108.0.0.0",
     "Opera", "Mac OS X", "desktop"),
    (1, "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) "
        "like Gecko",
     "IE", "Windows", "desktop"),
    (1, "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
     "Chrome", "Chrome OS", "desktop"),
    (2, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_1 like Mac OS X) "
        "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 "
        "[FBAN/FBIOS;FBAV/442.0.0.32.113;FBBV/541125181;FBDV/iPhone14,5;"
        "FBMD/iPhone;FBSN/iOS;FBSV/17.1.1;FBSS/3;FBID/phone;FBLC/sv_SE;"
        "FBOP/5;FBRV/543328766]",
     "Facebook", "iOS", "mobile"),
    (1, "Mozilla/5.0 (Linux; Android 10; HD1913) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36 "
        "EdgA/120.0.2210.126",
     "Edge Mobile", "Android", "mobile"),
]

# The robot words counting.md names; used only to check the pools below.
ROBOT_WORDS = ("bot", "crawl", "spider", "slurp", "fetch", "feed", "rss",
               "curl", "wget", "python-requests", "python-urllib",
               "go-http-client", "java/", "okhttp", "libwww-perl", "axios",
               "node-fetch", "facebookexternalhit", "whatsapp",
               "skypeuripreview", "headlesschrome", "lighthouse")

# (key, role, weight, UA, nets, name, group, reports).
# role: crawl (posts, archives, robots.txt, sitemap), image, feed,
# preview (link previews), tool (scripts, scanners), wp (WordPress itself),
# blank ("" and "-").  nets: where the robot comes from.
# name and group: what `top robots` must call it.  The name is that of the
# rule that matches first (leftmost in the UA; a rule whose name is in
# parentheses only when no named rule matches) among the crawler-user-agents
# list (third_party/crawler-user-agents/crawler-user-agents.json: the text
# its pattern matches in the list's own instances, as that UA writes it:
# "WGET" from "WGETbot/1.0", the robot's token when the match is a host:
# "YandexBot" for "yandex\.com\/bots") and rules/robots-extra.txt
# ("(empty)" for "" and "-").  The group is that of the rule's first tag
# (doc/counting.md "Robots, hours, ..."): search-engine search, ai-crawler
# ai, social-preview social, feed-reader feed, monitoring monitor,
# http-library and browser-automation tool, seo seo, any other other.
# reports: (reader, feed id, subscribers) of a feed reader that says in
# its UA how many it fetches for (doc/counting.md "Feed subscribers").
ROBOTS = [
    ("googlebot", "crawl", 36, "Mozilla/5.0 (compatible; Googlebot/2.1; "
     "+http://www.google.com/bot.html)",
     ["66.249.64.0/20", "2001:4860:4801::/48"],
     "Googlebot", "search", None),
    ("googlebot-mobile", "crawl", 9, "Mozilla/5.0 (Linux; Android 6.0.1; "
     "Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/119.0.6045.199 Mobile Safari/537.36 (compatible; Googlebot/2.1; "
     "+http://www.google.com/bot.html)", ["66.249.64.0/20"],
     "Googlebot", "search", None),
    ("googlebot-image", "image", 4, "Googlebot-Image/1.0",
     ["66.249.64.0/20"],
     "Googlebot-Image", "search", None),
    ("bingbot", "crawl", 14, "Mozilla/5.0 (compatible; bingbot/2.0; "
     "+http://www.bing.com/bingbot.htm)",
     ["40.77.167.0/24", "157.55.39.0/24", "207.46.13.0/24"],
     "bingbot", "search", None),
    ("yandex", "crawl", 6, "Mozilla/5.0 (compatible; YandexBot/3.0; "
     "+http://yandex.com/bots)", ["5.255.231.0/24", "213.180.203.0/24",
                                  "95.108.213.0/24"],
     "YandexBot", "search", None),
    ("baidu", "crawl", 4, "Mozilla/5.0 (compatible; Baiduspider/2.0; "
     "+http://www.baidu.com/search/spider.html)",
     ["220.181.108.0/24", "116.179.32.0/24"],
     "Baiduspider", "search", None),
    ("ahrefs", "crawl", 8, "Mozilla/5.0 (compatible; AhrefsBot/7.0; "
     "+http://ahrefs.com/robot/)", ["54.36.148.0/23", "5.39.1.224/27"],
     "AhrefsBot", "seo", None),
    ("semrush", "crawl", 7, "Mozilla/5.0 (compatible; SemrushBot/7~bl; "
     "+http://www.semrush.com/bot.html)",
     ["185.191.171.0/24", "85.208.96.0/24"],
     "SemrushBot", "seo", None),
    ("duckduckbot", "crawl", 2, "DuckDuckBot/1.1; "
     "(+http://duckduckgo.com/duckduckbot.html)",
     ["20.191.45.212/32", "40.88.21.235/32"],
     "DuckDuckBot", "search", None),
    ("applebot", "crawl", 3, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) "
     "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 "
     "Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
     ["17.241.219.0/24", "17.241.75.0/24"],
     "Applebot", "search", None),
    ("gptbot", "crawl", 5, "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like "
     "Gecko; compatible; GPTBot/1.0; +https://openai.com/gptbot)",
     ["20.171.207.0/24"],
     "GPTBot", "ai", None),
    ("claudebot", "crawl", 4, "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like "
     "Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)",
     ["3.19.0.0/16"],
     "ClaudeBot", "ai", None),
    ("petalbot", "crawl", 3, "Mozilla/5.0 (Linux; Android 7.0;) "
     "AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 "
     "(compatible; PetalBot;+https://webmaster.petalsearch.com/site/petalbot)",
     ["114.119.128.0/19"],
     "PetalBot", "search", None),
    ("mj12", "crawl", 3, "Mozilla/5.0 (compatible; MJ12bot/v1.4.8; "
     "http://mj12bot.com/)", ["207.244.64.0/18", "144.76.0.0/16"],
     "MJ12bot", "seo", None),
    ("bytespider", "crawl", 2, "Mozilla/5.0 (Linux; Android 5.0) "
     "AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 "
     "(compatible; Bytespider; spider-feedback@bytedance.com)",
     ["110.249.201.0/24"],
     "Bytespider", "ai", None),
    ("seznam", "crawl", 2, "Mozilla/5.0 (compatible; SeznamBot/4.0; "
     "+https://o-seznam.cz/napoveda/vyhledavani/en/seznambot-crawler/)",
     ["77.75.76.0/22"],
     "SeznamBot", "search", None),
    ("slurp", "crawl", 1, "Mozilla/5.0 (compatible; Yahoo! Slurp; "
     "http://help.yahoo.com/help/us/ysearch/slurp)", ["74.6.168.0/24"],
     "Slurp", "search", None),
    ("headless", "crawl", 1, "Mozilla/5.0 (X11; Linux x86_64) "
     "AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.109 "
     "Safari/537.36", ["34.76.0.0/14"],
     "HeadlessChrome", "tool", None),
    ("lighthouse", "crawl", 1, "Mozilla/5.0 (Linux; Android 11; moto g power "
     "(2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Mobile "
     "Safari/537.36 Chrome-Lighthouse", ["35.187.0.0/16"],
     "Chrome-Lighthouse", "monitor", None),
    ("facebook", "preview", 6, "facebookexternalhit/1.1 "
     "(+http://www.facebook.com/externalhit_uatext.php)",
     ["69.171.249.0/24", "173.252.107.0/24", "2a03:2880:f800::/48"],
     "facebookexternalhit", "social", None),
    ("twitterbot", "preview", 3, "Twitterbot/1.0", ["199.16.157.0/24"],
     "Twitterbot", "social", None),
    ("slackbot", "preview", 1, "Slackbot-LinkExpanding 1.0 "
     "(+https://api.slack.com/robots)", ["54.89.0.0/16"],
     "Slackbot", "social", None),
    ("whatsapp", "preview", 3, "WhatsApp/2.23.20.0",
     ["2a03:2880:f21f::/48", "173.252.95.0/24"],
     "WhatsApp", "social", None),
    ("linkedin", "preview", 1, "LinkedInBot/1.0 (compatible; Mozilla/5.0; "
     "Apache-HttpClient +http://www.linkedin.com)", ["108.174.2.0/24"],
     "LinkedInBot", "social", None),
    ("telegram", "preview", 1, "TelegramBot (like TwitterBot)",
     ["149.154.161.0/24"],
     "TelegramBot", "social", None),
    ("feedly", "feed", 5, "Feedly/1.0 (+http://www.feedly.com/fetcher.html; "
     "12 subscribers; like FeedFetcher-Google)", ["52.55.0.0/16"],
     "Feedly", "feed", ("Feedly", "", 12)),
    ("feedfetcher", "feed", 3, "Feedfetcher-Google; "
     "(+http://www.google.com/feedfetcher.html; 3 subscribers; "
     "feed-id=9340187236011570317)", ["66.249.80.0/20"],
     "Feedfetcher-Google", "feed",
     ("Google Feedfetcher", "9340187236011570317", 3)),
    ("newsblur", "feed", 2, "NewsBlur Feed Fetcher - 5 subscribers - "
     "http://www.newsblur.com/site/6021183/cecilia-malmstr%C3%B6m "
     "(Mozilla/5.0 (Macintosh; Intel Mac OS X 10_7_1) AppleWebKit/534.48.3 "
     "(KHTML, like Gecko) Version/5.1 Safari/534.48.3)",
     ["192.241.128.0/17"],
     "NewsBlur", "feed", ("NewsBlur", "6021183", 5)),
    ("inoreader", "feed", 2, "Mozilla/5.0 (compatible; Inoreader/1.0; "
     "+http://www.inoreader.com/feed-fetcher; 4 subscribers; )",
     ["91.121.0.0/16"],
     "inoreader", "feed", ("Inoreader", "", 4)),
    ("curl", "tool", 3, "curl/7.88.1", None,
     "curl", "tool", None),
    ("wget", "tool", 1, "Wget/1.21.3", None,
     "WGET", "tool", None),
    ("python-requests", "tool", 4, "python-requests/2.31.0", None,
     "python-requests", "tool", None),
    ("python-urllib", "tool", 1, "Python-urllib/3.11", None,
     "Python-urllib", "tool", None),
    ("go-http-client", "tool", 3, "Go-http-client/1.1", None,
     "Go-http-client", "tool", None),
    ("okhttp", "tool", 1, "okhttp/4.9.2", None,
     "okhttp", "tool", None),
    ("java", "tool", 1, "Java/1.8.0_292", None,
     "Java", "tool", None),
    ("libwww-perl", "tool", 1, "libwww-perl/6.67", None,
     "libwww-perl", "tool", None),
    ("wordpress", "wp", 0, "WordPress/6.4.2; https://www.example-blogg.se",
     None,
     "WordPress", "seo", None),
    ("empty", "blank", 2, "", None,
     "(empty)", "other", None),
    ("dash", "blank", 2, "-", None,
     "(empty)", "other", None),
]

# The WordPress UA names no robot word of counting.md; it is counted as a
# robot on the assumption that src/robots.c lists "wordpress/" as a known
# fetcher (see tests/gen/README.md).
ROBOT_WORD_EXEMPT = ("wordpress",)

# Robot UAs of the daily specials that are no pool's: (name, group).
ROBOTS_OTHER = {
    "Slackbot 1.0 (+https://api.slack.com/robots)": ("Slackbot", "social"),
    "WordPress/6.4.2; " + SITE_URL: ("WordPress", "seo"),
    # The list's "sqlmap" (tag scanner: group other).
    'Mozilla/5.0 \\"sqlmap-like\\" (X11; Linux x86_64)': ("sqlmap", "other"),
}

# The extras (Gen.extras(), an RNG of their own): feed readers that fetch
# the main feed a few times a day, as (UA, name, group, reports, nets):
# two feeds of one Feedbin account (per feed id: their counts add up), a
# second NewsBlur site, Feedly reporting one more subscriber than the
# pool's Feedly (the most of a day counts), and readers that report
# nothing, each address one client.
FEED_EXTRAS = [
    ("Feedbin feed-id:4411 - 7 subscribers", "Feedbin", "feed",
     ("Feedbin", "4411", 7), ["174.138.0.0/18"]),
    ("Feedbin feed-id:5120 - 2 subscribers", "Feedbin", "feed",
     ("Feedbin", "5120", 2), ["174.138.0.0/18"]),
    ("NewsBlur Feed Fetcher - 2 subscribers - "
     "http://www.newsblur.com/site/7700112/cecilia (Mozilla/5.0 (Macintosh; "
     "Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/14.0.1 Safari/605.1.15)", "NewsBlur", "feed",
     ("NewsBlur", "7700112", 2), ["192.241.128.0/17"]),
    ("Feedly/1.0 (+http://www.feedly.com/fetcher.html; 13 subscribers; "
     "like FeedFetcher-Google)", "Feedly", "feed", ("Feedly", "", 13),
     ["52.55.0.0/16"]),
    ("Tiny Tiny RSS/22.08 (b5a5c7b) (https://tt-rss.org/)", "Tiny Tiny RSS",
     "feed", None, ["78.46.0.0/15", "2a01:4f8:c17::/48", "95.216.0.0/16"]),
    ("FreshRSS/1.23.1 (Linux; https://freshrss.org)", "FreshRSS", "feed",
     None, ["91.121.0.0/16", "51.15.0.0/16"]),
    ("Mozilla/5.0 (compatible; Miniflux/2.0.51; +https://miniflux.app)",
     "Miniflux", "feed", None, ["159.69.0.0/16"]),
]

# Browsers only the extras use (BROWSERS stays as it is, so that the
# traffic drawn from it stays the same), annotated as BROWSERS is: an
# in-app browser, a text browser, a smart TV, a console, two tablets.
BROWSERS_EXTRA = [
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) "
     "AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/21B80 Instagram "
     "309.1.2.28.98 (iPhone14,2; iOS 17_1; sv_SE; sv; scale=3.00; "
     "1170x2532; 541635890)", "Instagram", "iOS", "mobile"),
    ("Lynx/2.9.0dev.10 libwww-FM/2.14 SSL-MM/1.4.1 GNUTLS/3.7.1", "Lynx",
     "Other", "desktop"),
    ("Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, "
     "like Gecko) SamsungBrowser/4.0 Chrome/76.0.3809.146 TV Safari/537.36",
     "Samsung Internet", "Tizen", "tv"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; Xbox; Xbox One) "
     "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
     "Safari/537.36 Edge/44.18363.8131", "Edge", "Windows", "console"),
    ("Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, "
     "like Gecko) Chrome/120.0.0.0 Safari/537.36", "Chrome", "Android",
     "tablet"),
    ("Mozilla/5.0 (Linux; Android 11; KFTRWI) AppleWebKit/537.36 (KHTML, "
     "like Gecko) Silk/120.3.1 like Chrome/120.0.6099.216 Safari/537.36",
     "Amazon Silk", "Android", "tablet"),
]

# Campaigns (doc/counting.md): the query of a view, as written, and the
# (source, medium, campaign) it counts under, None for none.  Every query
# a view is given must be here, unless it names none of utm_source, ref
# and source.
CAMPAIGNS = {
    "utm_source=twitter&utm_medium=social": ("twitter", "social", ""),
    "utm_source=facebook&utm_medium=social": ("facebook", "social", ""),
    "utm_source=newsletter&utm_medium=email":
        ("newsletter", "email", ""),
    "utm_source=newsletter&utm_medium=email&utm_campaign=veckobrev":
        ("newsletter", "email", "veckobrev"),
    # The extras': '+' and %XX decoded, %2B a '+', ref and source as
    # sources (utm_source first, then ref), no source no campaign.
    "utm_source=Nyhetsbrev+v%C3%A5r&utm_medium=e-post"
    "&utm_campaign=v%C3%A5r%202013":
        ("Nyhetsbrev vår", "e-post", "vår 2013"),
    "ref=producthunt": ("producthunt", "", ""),
    "source=mastodon&utm_medium=social": ("mastodon", "social", ""),
    "ref=hn&utm_source=hackernews&utm_campaign=launch":
        ("hackernews", "", "launch"),
    "source=rss&ref=feedly": ("feedly", "", ""),
    "utm_source=a%2Bb&utm_medium=cpc+ads": ("a+b", "cpc ads", ""),
    "utm_medium=email&utm_campaign=orphan": None,
}
CAMPAIGN_PARAMS = ("utm_source", "ref", "source")


def campaign_of(target):
    """The campaign a view of target counts under, or None."""
    q = target.partition("?")[2]
    if q in CAMPAIGNS:
        return CAMPAIGNS[q]
    assert not any(kv.partition("=")[0] in CAMPAIGN_PARAMS
                   for kv in q.split("&")), target
    return None


def robot_of():
    """{UA: (name, group)} of every robot UA the generator writes."""
    out = dict(ROBOTS_OTHER)
    for _, _, _, ua, _, name, group, _ in ROBOTS:
        assert out.get(ua, (name, group)) == (name, group), ua
        out[ua] = (name, group)
    for ua, name, group, _, _ in FEED_EXTRAS:
        out[ua] = (name, group)
    return out


ROBOT_OF = robot_of()
# {UA: (reader, feed id, subscribers)} of the feed readers that report.
REPORTS_OF = {ua: r for _, _, _, ua, _, _, _, r in ROBOTS if r}
REPORTS_OF.update((ua, r) for ua, _, _, r, _ in FEED_EXTRAS if r)
# {UA: (browser, system, device)} of every browser UA a view is made with;
# Gen adds the one of the quote_ua special.
CLIENT_OF = {b[1]: tuple(b[2:]) for b in BROWSERS}
CLIENT_OF.update((b[0], tuple(b[1:])) for b in BROWSERS_EXTRA)
# The quote_ua special's: a browser's UA with an injection after it, which
# names the browser all the same.
QUOTE_UA = BROWSERS[0][1] + ' \\"\' OR \\"1\\"=\\"1'
CLIENT_OF[QUOTE_UA] = CLIENT_OF[BROWSERS[0][1]]


def check_ua_pools():
    devices = ("desktop", "mobile", "tablet", "tv", "console", "other")
    for ua, *client in [b[1:] for b in BROWSERS] + BROWSERS_EXTRA:
        low = ua.lower()
        for w in ROBOT_WORDS:
            assert w not in low, (w, ua)
        assert len(client) == 3 and client[2] in devices, (ua, client)
    groups = ("search", "ai", "seo", "social", "feed", "monitor", "tool",
              "other")
    for name, _, _, ua, _, rname, group, reports in ROBOTS:
        low = ua.lower()
        assert (low in ("", "-") or name in ROBOT_WORD_EXEMPT
                or any(w in low for w in ROBOT_WORDS)), ua
        assert rname and group in groups, name
        assert (reports is not None) == ("subscriber" in low), name
    for ua, _, group, reports, _ in FEED_EXTRAS:
        assert group == "feed" and (reports is not None) == (
            "subscriber" in ua), ua
    assert len(BROWSERS) >= 30 and len(ROBOTS) >= 25


# ---------------------------------------------------------------------------
# Addresses.
# ---------------------------------------------------------------------------

V4_FIRST = ([2, 5, 31, 37, 46, 62, 77, 78, 79] + list(range(80, 96)) +
            [109, 130, 141, 145, 151, 158, 176, 178, 185, 188, 193, 194, 195,
             212, 213, 217] * 1 +
            [24, 50, 73, 98, 104, 174])   # a few from North America
V6_RESIDENTIAL = ["2a02:aa1", "2a00:801", "2a01:e0a", "2a02:8108", "2a02:a45",
                  "2a01:cb00", "2a00:23c5", "2a02:2f0c", "2a0a:a541",
                  "2001:9b1", "2a05:d014"]
V6_SERVERS = ["2001:67c:2e8", "2001:6b0:e", "2a01:4f8:c17", "2a00:1450:4010",
              "2a03:b0c0:3", "2001:67c:1560"]
SCANNER_NETS = ["45.148.10.0/24", "185.224.128.0/24", "194.26.29.0/24",
                "103.145.13.0/24", "209.141.32.0/19", "167.94.138.0/24",
                "2a06:4880:1000::/48", "80.82.77.0/24", "92.118.39.0/24"]


def esc_apache(s):
    """mod_log_config's escaping of %r and %i: \\" and \\\\, C escapes for
    whitespace, \\xhh for other bytes outside printable ASCII."""
    out = []
    for b in s.encode("utf-8"):
        if b == 0x22 or b == 0x5C:
            out.append("\\" + chr(b))
        elif b in (9, 10, 13):
            out.append({9: "\\t", 10: "\\n", 13: "\\r"}[b])
        elif b < 32 or b > 126:
            out.append("\\x%02x" % b)
        else:
            out.append(chr(b))
    return "".join(out)


def esc_nginx(s):
    """nginx's default log escaping: ", \\, bytes below 32 and above 126
    as \\xXX."""
    out = []
    for b in s.encode("utf-8"):
        if b == 0x22 or b == 0x5C or b < 32 or b > 126:
            out.append("\\x%02X" % b)
        else:
            out.append(chr(b))
    return "".join(out)


def rand_v4(rng):
    while True:
        ip = "%d.%d.%d.%d" % (rng.choice(V4_FIRST), rng.randrange(256),
                              rng.randrange(256), rng.randint(1, 254))
        a = ipaddress.IPv4Address(ip)
        if a.is_global and not a.is_multicast:
            return ip


def rand_v6(rng):
    if rng.random() < 0.75:
        pfx = rng.choice(V6_RESIDENTIAL)
        hi = ipaddress.IPv6Address(pfx + "::").packed
        val = int.from_bytes(hi, "big")
        shift = 128 - 16 * (pfx.count(":") + 1)
        val |= rng.getrandbits(shift - 64) << 64    # rest of the /64
        val |= rng.getrandbits(64)                   # interface id
    else:
        pfx = rng.choice(V6_SERVERS)
        val = int.from_bytes(ipaddress.IPv6Address(pfx + "::").packed, "big")
        val |= rng.randint(1, 0xfff) if rng.random() < 0.5 else (
            rng.getrandbits(16) << 16 | rng.randint(1, 0xffff))
    return str(ipaddress.IPv6Address(val))


def rand_in_net(rng, cidr):
    net = ipaddress.ip_network(cidr)
    if net.num_addresses <= 2:
        return str(net.network_address)
    size = min(net.num_addresses - 2, 1 << 64)
    return str(net.network_address + 1 + rng.randrange(size))


def rand_client_ip(rng):
    return rand_v6(rng) if rng.random() < 0.10 else rand_v4(rng)


# ---------------------------------------------------------------------------
# Static URLs.
# ---------------------------------------------------------------------------

THEME = "/wp-content/themes/twentytwelve"
ASSETS_FIRST = [
    (THEME + "/style.css?ver=6.4.2", 7812),
    ("/wp-includes/css/dist/block-library/style.min.css?ver=6.4.2", 13634),
    ("/wp-includes/js/jquery/jquery.min.js?ver=3.7.1", 30363),
    (THEME + "/js/navigation.js?ver=20140711", 863),
    ("/wp-includes/js/wp-emoji-release.min.js?ver=6.4.2", 4723),
]
ASSET_COMMENT_JS = ("/wp-includes/js/comment-reply.min.js?ver=6.4.2", 1327)
SCANNER_PATHS = [
    ("GET", "/.env", 404), ("GET", "/wp-admin/setup-config.php", 404),
    ("GET", "/phpmyadmin/", 404), ("GET", "/.git/config", 404),
    ("GET", "/wp-config.php.bak", 404), ("GET", "/sitemap_index.xml", 404),
    ("GET", "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", 404),
    ("GET", "/wp-content/plugins/revslider/temp/update_extract/"
     "revslider/db.php", 404),
    ("GET", "/boaform/admin/formLogin?username=admin&psd=admin", 404),
    ("GET", "/admin.php", 404), ("GET", "/?author=1", 301),
    ("GET", "/wp-json/wp/v2/users", 200), ("GET", "/xmlrpc.php", 405),
    ("POST", "/wp-login.php", 200), ("POST", "/wp-login.php", 403),
    ("POST", "/xmlrpc.php", 200), ("POST", "/xmlrpc.php", 403),
    ("GET", "/wp-login.php", 200), ("GET", "/.aws/credentials", 404),
    ("GET", "/owa/auth/logon.aspx", 404), ("GET", "/cgi-bin/luci/;stok=/"
     "locale", 404), ("GET", "/wp-includes/wlwmanifest.xml", 200),
]
SEARCH_TERMS = ["handel", "cecilia+malmstr%C3%B6m", "schengen", "s%C3%A4kerhet",
                "acta", "ttip", "m%C3%A4nniskohandel", "frihandel",
                "Lampedusa", "datalagring+dom", "asyl", "frontex"]
GOOGLE = ["https://www.google.se/", "https://www.google.se/", "https://www.google.com/",
          "https://www.google.de/", "https://www.google.fi/",
          "android-app://com.google.android.googlequicksearchbox/"]
FACEBOOK = ["https://l.facebook.com/", "https://m.facebook.com/",
            "https://www.facebook.com/", "http://m.facebook.com/",
            "https://lm.facebook.com/"]
OTHER_REF = ["https://duckduckgo.com/", "https://www.bing.com/",
             "https://www.dn.se/debatt/", "https://www.svd.se/",
             "https://news.ycombinator.com/",
             "https://www.reddit.com/r/europe/comments/18g2k1x/",
             "android-app://com.google.android.gm/",
             "https://outlook.live.com/", "https://www.euractiv.com/"]
ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
GARBAGE = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
           " !#$%&'()*+,-./:;<=>?@\\^_`{|}~")     # no '"', '[' or ']'


def postid_key(target):
    """The key blogstat gives a post id's URL (counting.md): "/?p=N" for
    the first p that is all digits, else "/?page_id=N" likewise, else
    home's "/"."""
    query = target.partition("?")[2]
    for name in ("p", "page_id"):
        for part in query.split("&"):
            k, _, v = part.partition("=")
            if k == name and re.fullmatch(r"[0-9]+", v):
                return "/?%s=%s" % (name, v)
    return "/"


def canonical_key(vk, vkey, target):
    """The key a view is reported under (counting.md), as one string: the
    post or page path, "/" for home, "/?s=" for a search, the archive path
    without its page number, "/tag/NAME/" and "/category/NAME/" (decoded).
    The landing page of a visit is this key of its first view."""
    if vk == "post" or vk == "page":
        return vkey
    if vk == "tag":
        return "/tag/%s/" % vkey
    if vk == "category":
        return "/category/%s/" % vkey
    if vk == "home":
        return "/"
    if vk == "search":
        return "/?s="
    if vk == "archive":
        # Only the spellings in Gen.archives: no query, lowercase, decoded.
        return PAGE_N.sub("", target)
    raise ValueError(vk)


def ua_hash(ua):
    """First 12 hex digits of sha256 of the UA as written between the
    quotes of the line (with its backslash escapes)."""
    return hashlib.sha256(ua.encode("utf-8")).hexdigest()[:12]


def visits_of(views):
    """The landing keys of the visits of one visitor on one day.  views is
    [(local second of the day, key, kind)] in log order; sorting on the
    second alone keeps log order for views in the same second."""
    landings = []
    prev = None
    for sod, key, _ in sorted(views, key=lambda v: v[0]):
        if prev is None or sod - prev >= VISIT_GAP:
            landings.append(key)
        prev = sod
    return landings


# ---------------------------------------------------------------------------
# The generator.
# ---------------------------------------------------------------------------

class Gen:
    def __init__(self, a):
        self.a = a
        self.rng = random.Random(a.seed)
        self.brng = random.Random(a.seed * 7919 + 17)    # bad lines only
        self.start = dt.date.fromisoformat(a.start)
        self.ndays = a.days
        self.tz = Stockholm(self.start.year - 10, self.start.year +
                            self.ndays // 365 + 2)
        self.tr = self.tz.tr
        self.fmt = a.format
        self.combined = a.format != "common"     # a User-Agent is logged
        # --mix busy: a popular blog's log, mostly readers' pages (the
        # theme and images on a CDN), the same readers coming back.
        self.busy = a.mix == "busy"
        # Proxies in front of the site: their own RNG, so that every other
        # choice is the same as without them.
        self.prng = random.Random(a.seed * 31 + 5) if a.proxy else None
        # The virtual host of the formats that log one; with
        # --host-variants, some lines spell it otherwise (case, port,
        # trailing dot), from an RNG of its own for the same reason.
        self.host = a.host or SITE_HOST
        self.hrng = random.Random(a.seed * 61 + 29) if a.host_variants \
            else None
        self.run_start = self.tz.to_utc(self.start, 0)
        self.day_start = [self.tz.to_utc(self.start + dt.timedelta(days=k), 0)
                          for k in range(self.ndays + 1)]
        self.run_end = self.day_start[-1]
        self.L0 = date_epoch(self.start)
        self.dates = [self.start + dt.timedelta(days=k)
                      for k in range(self.ndays)]
        self.daystr = [d.isoformat() for d in self.dates]
        self.daypfx = ["%02d/%s/%04d:" % (d.day, MON[d.month - 1], d.year)
                       for d in self.dates]
        if a.lines is not None:
            self.lpd = math.ceil(a.lines * 1.03 / self.ndays) + 50
            self.limit = a.lines
        else:
            self.lpd = a.lines_per_day
            self.limit = None
        self.heap = []
        self.seq = 0
        self.stopped = False
        posts, pages = build_site(self.rng, a.posts, self.start, self.ndays,
                                  self.tz)
        self.posts, self.pages = posts, pages
        self.post_pub = [p.pub_t for p in posts]
        self.page_w = [8, 1, 3, 2, 1, 2][:len(pages)]
        tag_use = {}
        cat_use = {}
        for p in posts:
            for s in p.tags:
                tag_use[s] = tag_use.get(s, 0) + 1
            for s in p.cats:
                cat_use[s] = cat_use.get(s, 0) + 1
        self.used_tags = sorted(tag_use)
        self.used_tag_w = [tag_use[s] for s in self.used_tags]
        self.used_cats = sorted(cat_use)
        self.used_cat_w = [cat_use[s] for s in self.used_cats]
        months = sorted({(p.pub.year, p.pub.month) for p in posts})
        self.archives = (["/%04d/%02d/" % m for m in months] +
                         sorted({"/%04d/" % m[0] for m in months}) +
                         ["/%04d/%02d/page/2/" % m for m in months[-3:]] +
                         sorted({"/%04d/%02d/%02d/" % (p.pub.year, p.pub.month,
                                                        p.pub.day)
                                 for p in posts})[-6:] +
                         ["/author/cecilia/", "/author/cecilia/page/2/"])
        self.cum_cache = {}
        # Readers: parallel lists.
        self.r_ip = []
        self.r_ua = []
        self.r_visits = []
        self.bua = [b[1] for b in BROWSERS]
        self.bua_cum = list(_cum([b[0] for b in BROWSERS]))
        self.robots = {}
        self.robot_ips = {}
        for name, role, w, ua, nets, *_ in ROBOTS:
            self.robots.setdefault(role, []).append((name, w, ua))
            if nets:
                ips = [rand_in_net(self.rng, nets[i % len(nets)])
                       for i in range(6 if role != "crawl" else 10)]
            else:
                ips = []
            self.robot_ips[name] = ips
        self.role_cum = {r: list(_cum([w for _, w, _ in lst]))
                         for r, lst in self.robots.items()}
        self.owner_ip = rand_v4(self.rng)
        self.owner_ua = self.bua[16]
        self.counter = {"bad_kind": 0}
        # Accounting.
        self.days = [[0, 0, 0, 0, 0] for _ in range(self.ndays)]
        self.vcount = {}
        self.ipcount = {}
        self.audience = {}         # (ip, ua, day) -> [(sod, key, kind)]
        # The other tables (doc/counting.md "Robots, hours, campaigns,
        # missing pages and feeds"; "Browsers, systems and devices").
        self.robot_hits = {}       # (name, group, di) -> hits
        self.hours = {}            # (di, hour) -> views
        self.campaigns = {}        # (source, medium, campaign, di) -> views
        self.missing = {}          # (path, referring host, di) -> hits
        self.feeds = {}            # (feed, di) -> [fetches, {reader: n},
        #                            {clients}]
        self.clients = {}          # (ip, ua) -> (browser, system, device)
        self.client_views = {}     # (table, name, di) -> [views, {ids}]
        # The extras: an RNG of their own, so that every other line is
        # the one a generator without them writes.
        self.xrng = random.Random(a.seed * 2731 + 11)
        self.files = []            # [name, lines, bad]
        self.total = 0             # lines written (or committed)

    # -- time --------------------------------------------------------------

    def local_hour(self, t):
        off = 7200 if bisect.bisect_right(self.tr, t) & 1 else 3600
        return (t + off) % 86400 // 3600

    def day_index(self, t):
        off = 7200 if bisect.bisect_right(self.tr, t) & 1 else 3600
        return (t + off - self.L0) // 86400

    # -- one line ----------------------------------------------------------

    def hit(self, t, ip, method, target, status, size, ref, ua, robot,
            vk=None, vkey=None, proto="HTTP/1.1", refhost=""):
        """Queue one parsed line; its intent decides what it counts as.
        vkey of a feed (vk "feed") is the feed's key (its decoded path,
        "/?feed=NAME" for the query feed); refhost is the host a missing
        page's referrer is counted under (doc/counting.md "Referrers":
        lower case, no "www.", a network's brand), "" for ref "-"."""
        if t >= self.run_end:
            return
        off = 7200 if bisect.bisect_right(self.tr, t) & 1 else 3600
        di, sod = divmod(t + off - self.L0, 86400)
        req = "%s %s %s" % (method, target, proto) if method else target
        ts = "%s%s %s" % (self.daypfx[di], HMS[sod],
                          "+0200" if off == 7200 else "+0100")
        if self.fmt == "combined":
            text = '%s - - [%s] "%s" %d %s "%s" "%s"' % (
                ip, ts, req, status, size, ref, ua)
            rh = robot
        elif self.fmt == "common":
            text = '%s - - [%s] "%s" %d %s' % (ip, ts, req, status, size)
            rh = False          # no User-Agent: nothing says robot
        else:
            text = self.render(t, di, sod, off, ip, method, target, proto,
                               status, size, ref, ua, req, ts)
            rh = robot
        view = None
        aud = None
        if (vk in CONTENT and method == "GET" and
                (status == 200 or status == 304) and not rh):
            view = (vk, vkey)
            # Who saw it, when (local second of the day) and what its
            # canonical key is: the stuff of visitors and visits.
            aud = (ua if self.combined else "", sod,
                   canonical_key(vk, vkey, target))
        more = self.other_tables(method, target, status, ref, ua, rh, vk,
                                 vkey, sod, ip, view, refhost)
        self.seq += 1
        heapq.heappush(self.heap, (t, self.seq, text, di, rh, view, ip, aud,
                                   more))

    def other_tables(self, method, target, status, ref, ua, rh, vk, vkey,
                     sod, ip, view, refhost):
        """What one line adds to the tables of robots, hours, campaigns,
        clients, missing pages and feeds: (robot, hour, campaign, client,
        missing, feed), each None when nothing."""
        robot = ROBOT_OF[ua] if rh else None
        hour = camp = client = miss = feed = None
        if view is not None:
            hour = sod // 3600
            camp = campaign_of(target)
            if self.combined:
                client = CLIENT_OF[ua]
        if (method == "GET" and status == 404 and not rh and
                (vk in CONTENT or vk == "postid")):
            # A content page that is not there (scanners' probes are
            # given kind admin or other): its decoded path, no query; a
            # post id's link its key ("/?p=N": the path is home's).
            assert ref == "-" or refhost, (ref, target)
            miss = (postid_key(target) if vk == "postid" else
                    urllib.parse.unquote(target.partition("?")[0]),
                    refhost if self.combined else "")
        if (vk == "feed" and method == "GET" and status in (200, 304) and
                (not rh or robot[1] == "feed")):
            assert vkey, target
            rep = REPORTS_OF.get(ua) if self.combined else None
            feed = (vkey, rep, None if rep else
                    (ip, ua if self.combined else ""))
        return (robot, hour, camp, client, miss, feed)

    # -- the other formats (doc/formats.md) --------------------------------

    def via(self, ip):
        """(connection address, X-Forwarded-For) of a request from ip:
        direct when there are no proxies; else mostly through a trusted
        proxy (10/8), sometimes a second one (192.168/16), with a forged
        address first in one of four headers; and now and then a client
        that comes direct and forges the header itself."""
        r = self.prng
        if r is None:
            return ip, "-"
        if r.random() < 0.1:
            return ip, rand_v4(r) if r.random() < 0.5 else "-"
        items = []
        if r.random() < 0.25:
            items.append(rand_v4(r))                 # forged by the client
        items.append(ip)                             # what the proxy saw
        if r.random() < 0.3:
            items.append("192.168.%d.%d" % (r.randrange(256),
                                            r.randint(1, 254)))
        return "10.%d.%d.%d" % (r.randrange(256), r.randrange(256),
                                r.randint(1, 254)), ", ".join(items)

    HOST_PORTS = (":443", ":80", ":8443")

    def vhost(self, port=""):
        """The virtual host of one line: the site's host, with port
        (vhost_combined's %v:%p) when given. With --host-variants about
        one line in six spells it otherwise, as a Host header may: in
        upper or mixed case, with a trailing dot, with another port (or
        with one at all), or several of these. It names the same site."""
        h = self.host
        r = self.hrng
        if r is None or r.random() >= 1 / 6:
            return h + port
        k = r.randrange(1, 8)               # a non-empty set of changes
        if k & 1:
            h = h.upper() if r.random() < 0.5 else "".join(
                c.upper() if i % 2 == 0 else c for i, c in enumerate(h))
        if k & 2:
            h += "."
        if k & 4:
            port = r.choice(self.HOST_PORTS)
        return h + port

    def render(self, t, di, sod, off, ip, method, target, proto, status,
               size, ref, ua, req, ts):
        """The line as the format's server writes it, escapes and all."""
        conn, xff = self.via(ip)
        rt = (t * 7919 + sod) % 2000          # a request time, in ms
        if self.fmt == "vhost_combined":
            return '%s %s - - [%s] "%s" %d %s "%s" "%s"' % (
                self.vhost(":443"), conn, ts, esc_apache(req), status, size,
                esc_apache(ref), esc_apache(ua))
        if self.fmt == "apache":
            # %a %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\" %D %v
            return '%s - - [%s] "%s" %d %s "%s" "%s" %d %s' % (
                conn, ts, esc_apache(req), status, size, esc_apache(ref),
                esc_apache(ua), rt * 1000 + 17, self.vhost())
        if self.fmt == "nginx_main":
            return '%s - - [%s] "%s" %d %s "%s" "%s" "%s"' % (
                conn, ts, esc_nginx(req), status, size, esc_nginx(ref),
                esc_nginx(ua), esc_nginx(xff))
        iso = "%sT%s%s" % (self.daystr[di], HMS[sod],
                           "+02:00" if off == 7200 else "+01:00")
        if self.fmt == "nginx":
            # $time_iso8601 $host $remote_addr "$request" $status
            # $body_bytes_sent "$http_referer" "$http_user_agent"
            # "$http_x_forwarded_for" rt=$request_time
            return '%s %s %s "%s" %d %s "%s" "%s" "%s" ' \
                'rt=%d.%03d' % (iso, self.vhost(), conn, esc_nginx(req),
                                status, size, esc_nginx(ref), esc_nginx(ua),
                                esc_nginx(xff), rt // 1000, rt % 1000)
        if self.fmt == "nginx_json":
            # log_format j escape=json '{"time":"$time_iso8601",'
            #   '"remote_addr":"$remote_addr","request":"$request",'
            #   '"status":$status,"body_bytes_sent":$body_bytes_sent,'
            #   '"http_referer":"$http_referer",'
            #   '"http_user_agent":"$http_user_agent",'
            #   '"http_x_forwarded_for":"$http_x_forwarded_for",'
            #   '"request_time":$request_time}';
            # escape=json writes an absent variable as "" (not "-").
            return json.dumps({
                "time": iso, "remote_addr": conn, "request": req,
                "status": status,
                "body_bytes_sent": 0 if size == "-" else int(size),
                "http_referer": "" if ref == "-" else ref,
                "http_user_agent": ua,
                "http_x_forwarded_for": "" if xff == "-" else xff,
                "request_time": rt / 1000.0}, ensure_ascii=False,
                separators=(",", ":"))
        assert self.fmt == "caddy"
        hdr = {"User-Agent": [ua]}
        if ref != "-":
            hdr["Referer"] = [ref]
        if xff != "-":
            hdr["X-Forwarded-For"] = [xff]
        rec = {"level": "info", "ts": t + (sod * 37 % 1000) / 1000.0,
               "logger": "http.log.access.log0", "msg": "handled request",
               "request": {"remote_ip": conn, "remote_port": "52814",
                           "client_ip": conn, "proto": proto,
                           "method": method or "", "host": self.vhost(),
                           "uri": target if method else req,
                           "headers": hdr},
               "bytes_read": 0, "user_id": "", "duration": rt / 1000.0,
               "size": 0 if size == "-" else int(size), "status": status,
               "resp_headers": {"Server": ["Caddy"]}}
        return json.dumps(rec, ensure_ascii=False, separators=(",", ":"))

    # -- choosing what is read ---------------------------------------------

    def pick_post(self, t, uniform=False):
        n = bisect.bisect_right(self.post_pub, t)
        if n == 0:
            return None
        if uniform:
            return self.posts[self.rng.randrange(n)]
        di = self.day_index(t)
        key = (n, di)
        cum = self.cum_cache.get(key)
        if cum is None:
            day0 = self.day_start[max(0, min(di, self.ndays - 1))]
            ws = []
            for p in self.posts[:n]:
                w = p.rank_w
                age = day0 - p.pub_t
                if age < 3 * 86400:
                    w *= 12.0
                elif age < 8 * 86400:
                    w *= 3.0
                ws.append(w)
            cum = list(_cum(ws))
            if len(self.cum_cache) > 500:
                self.cum_cache.clear()
            self.cum_cache[key] = cum
        return self.posts[bisect.bisect_right(cum, self.rng.random() *
                                              cum[-1])
                          if cum[-1] else 0]

    def post_target(self, p, how):
        """A spelling of post p's URL, all resolving to p (counting.md)."""
        rng = self.rng
        if how == "canonical":
            return p.enc
        if how == "upper":
            return p.upper
        if how == "raw":
            return p.path
        if how == "noslash":
            return p.enc[:-1]
        if how == "utm_twitter":
            return p.enc + "?utm_source=twitter&utm_medium=social"
        if how == "utm_fb":
            return p.enc + "?utm_source=facebook&utm_medium=social"
        if how == "utm_news":
            return (p.enc + "?utm_source=newsletter&utm_medium=email"
                    "&utm_campaign=veckobrev")
        if how == "fbclid":
            return p.enc + "?fbclid=IwAR" + "".join(
                rng.choice(ALNUM) for _ in range(28))
        if how == "reply":
            return p.enc + "?replytocom=%d" % rng.randint(100, 4000)
        if how == "amp":
            return p.enc + "amp/"
        if how == "ampq":
            return p.enc + "?amp=1"
        if how == "page2":
            return p.enc + "2/"
        if how == "cpage":
            return p.enc + "comment-page-1/"
        raise ValueError(how)

    # How readers spell a post's URL, by where they come from.
    SPELLINGS = {
        "google": [("canonical", 62), ("amp", 12), ("upper", 6), ("raw", 4),
                   ("noslash", 8), ("ampq", 2), ("page2", 3), ("cpage", 3),
                   ("reply", 3)],
        "direct": [("canonical", 55), ("utm_news", 15), ("upper", 10),
                   ("raw", 8), ("noslash", 12)],
        "other": [("canonical", 75), ("upper", 10), ("raw", 5),
                  ("noslash", 10)],
        "fb": [("fbclid", 60), ("utm_fb", 25), ("canonical", 15)],
        "tw": [("utm_twitter", 70), ("canonical", 30)],
        None: [("canonical", 82), ("page2", 4), ("cpage", 4), ("reply", 3),
               ("upper", 3), ("raw", 2), ("noslash", 2)],
    }

    def spelling(self, entry):
        names, cum = _SPELL[entry]
        return names[bisect.bisect_right(cum, self.rng.random() * cum[-1])]

    def pick_page(self):
        return self.rng.choices(self.pages, self.page_w)[0]

    def page_target(self, p):
        r = self.rng.random()
        if p.path.endswith("/"):
            if r < 0.08:
                return p.enc[:-1]
            if r < 0.12 and not p.path.isascii():
                return p.upper
            if r < 0.15 and not p.path.isascii():
                return p.path
            if r < 0.18:
                return p.enc + "?utm_source=newsletter&utm_medium=email"
        elif r < 0.1:
            return p.enc + "?lang=sv"
        return p.enc

    def term_target(self, base, slug):
        r = self.rng.random()
        enc = pct_lower(slug)
        if r < 0.06 and not slug.isascii():
            enc = pct_upper(slug)
        elif r < 0.09 and not slug.isascii():
            enc = slug
        t = "%s%s/" % (base, enc)
        r = self.rng.random()
        if r < 0.12:
            t += "page/2/"
        elif r < 0.15:
            t += "page/3/"
        elif r < 0.18:
            t += "?utm_source=twitter&utm_medium=social"
        return t

    def content_target(self, t, entry_ref=None):
        """A content page a reader asks for: (target, kind, key, post)."""
        rng = self.rng
        r = rng.random()
        if entry_ref in ("fb", "tw"):
            r *= 0.62                   # shared links are posts
        elif entry_ref in ("google", "other"):
            r *= 0.9
        if r < 0.62:
            p = self.pick_post(t)
            if p is not None:
                how = self.spelling(entry_ref)
                return self.post_target(p, how), "post", p.path, p
            r = 0.99
        if r < 0.72:
            return rng.choice(("/", "/", "/", "/page/2/",
                               "/?utm_source=newsletter&utm_medium=email")), \
                "home", None, None
        if r < 0.84 and self.used_tags:
            s = rng.choices(self.used_tags, self.used_tag_w)[0]
            return self.term_target("/tag/", s), "tag", s, None
        if r < 0.89 and self.used_cats:
            s = rng.choices(self.used_cats, self.used_cat_w)[0]
            return self.term_target("/category/", s), "category", s, None
        if r < 0.93:
            return rng.choice(self.archives), "archive", None, None
        if r < 0.97:
            p = self.pick_page()
            return self.page_target(p), "page", p.path, p
        return "/?s=" + rng.choice(SEARCH_TERMS), "search", None, None

    # -- readers -----------------------------------------------------------

    def reader(self):
        rng = self.rng
        n = len(self.r_ip)
        if self.busy:
            return self.busy_reader(n)
        if n and rng.random() < 0.55:
            return int(n * rng.random() ** 1.8)
        return self.new_reader(n)

    def new_reader(self, n):
        """Reader n, new: an address (now and then one already seen, a
        household's or an office's) and a browser."""
        rng = self.rng
        if n and rng.random() < 0.12:
            ip = self.r_ip[rng.randrange(n)]      # same household / office
        else:
            ip = rand_client_ip(rng)
        ua = self.bua[bisect.bisect_right(self.bua_cum,
                                          rng.random() * self.bua_cum[-1])]
        self.r_ip.append(ip)
        self.r_ua.append(ua)
        self.r_visits.append(0)
        return n

    # A busy blog's readers: about one session in BUSY_NEW is a new
    # reader, the others a returning one, the earlier readers more often.
    BUSY_NEW = 7

    def busy_reader(self, n):
        rng = self.rng
        if n and rng.randrange(self.BUSY_NEW):
            return int(n * rng.random() ** 1.3)
        return self.new_reader(n)

    def session(self, t, rd=None, force_views=None):
        """1-6 views a few minutes apart, with the assets a browser loads."""
        rng = self.rng
        if rd is None:
            rd = self.reader()
        ip, ua = self.r_ip[rd], self.r_ua[rd]
        returning = self.r_visits[rd] > 0
        self.r_visits[rd] += 1
        proto = "HTTP/2.0" if "Trident" not in ua and rng.random() < 0.7 \
            else "HTTP/1.1"
        ios = "iPhone" in ua or "iPad" in ua
        nviews = force_views or rng.choices((1, 2, 3, 4, 5, 6),
                                            (38, 24, 15, 10, 7, 6))[0]
        r = rng.random()
        if r < 0.40:
            ref, entry = rng.choice(GOOGLE), "google"
        elif r < 0.50:
            ref, entry = rng.choice(FACEBOOK), "fb"
        elif r < 0.56:
            ref, entry = "https://t.co/" + "".join(
                rng.choice(ALNUM) for _ in range(10)), "tw"
        elif r < 0.63:
            ref, entry = rng.choice(OTHER_REF), "other"
        else:
            ref, entry = "-", "direct"
        views = 0
        first = True
        while views < nviews:
            if first and entry == "direct" and rng.random() < 0.5:
                target, vk, key, post = "/", "home", None, None
            else:
                target, vk, key, post = self.content_target(
                    t, entry if first else None)
            status = 304 if returning and rng.random() < 0.08 else 200
            size = 0 if status == 304 else (
                rng.randint(9000, 26000) if vk == "post" else
                rng.randint(7000, 15000))
            if (vk == "post" and not target.endswith("/") and
                    "?" not in target and rng.random() < 0.5):
                # WordPress redirects to the canonical URL first.
                self.hit(t, ip, "GET", target, 301, 0, ref, ua, False,
                         vk, key, proto)
                t += 1
                target = post.enc
            self.hit(t, ip, "GET", target, status, size, ref, ua, False,
                     vk, key, proto)
            views += 1
            page_url = SITE_URL + (post.enc if post is not None and
                                   vk == "post" else
                                   target.replace('"', "%22"))
            ta = t
            if self.busy:
                # The theme and the images come from a CDN: only the
                # favicon, once, reaches the site's own log.
                if first and not returning:
                    self.hit(ta + 1, ip, "GET", "/favicon.ico", 200, 4286,
                             "-", ua, False, "asset", None, proto)
            elif first and not returning:
                for path, sz in ASSETS_FIRST:
                    ta += rng.randint(0, 1)
                    self.hit(ta, ip, "GET", path, 200, sz, page_url, ua,
                             False, "asset", None, proto)
                if vk == "post":
                    self.hit(ta, ip, "GET", ASSET_COMMENT_JS[0], 200,
                             ASSET_COMMENT_JS[1], page_url, ua, False,
                             "asset", None, proto)
                self.hit(ta + 1, ip, "GET", "/favicon.ico", 200, 4286, "-",
                         ua, False, "asset", None, proto)
                if ios:
                    self.hit(ta + 1, ip, "GET", "/apple-touch-icon.png", 404,
                             162, "-", ua, False, "asset", None, proto)
            elif first and rng.random() < 0.3:
                for path, sz in ASSETS_FIRST[:3]:
                    self.hit(ta, ip, "GET", path, 304, rng.choice(("0", "0",
                             "-")), page_url, ua, False, "asset", None, proto)
            if vk == "post" and status == 200:
                for img in () if self.busy else post.images:
                    if rng.random() < 0.6:
                        ta += rng.randint(0, 2)
                        self.hit(ta, ip, "GET", img, 200,
                                 rng.randint(30000, 190000), page_url, ua,
                                 False, "asset", None, proto)
                x = rng.random()
                if x < 0.04 and views < nviews:
                    # Reply link, then the comment form posts and redirects.
                    t += rng.randint(20, 90)
                    self.hit(t, ip, "GET", self.post_target(post, "reply"),
                             200, rng.randint(9000, 26000), page_url, ua,
                             False, "post", post.path, proto)
                    views += 1
                    t += rng.randint(60, 400)
                    self.hit(t, ip, "POST", "/wp-comments-post.php", 302, 0,
                             page_url, ua, False, "admin", None, proto)
                    if views < nviews:
                        t += rng.randint(1, 2)
                        self.hit(t, ip, "GET", self.post_target(post,
                                                                "cpage"),
                                 200, rng.randint(9000, 26000), page_url, ua,
                                 False, "post", post.path, proto)
                        views += 1
                elif x < 0.07:
                    t += rng.randint(10, 120)
                    self.hit(t, ip, "GET", post.enc + "?share=" +
                             rng.choice(("facebook", "twitter", "email")),
                             302, 0, page_url, ua, False, "post", post.path,
                             proto)
                elif x < 0.12:
                    self.hit(ta + rng.randint(1, 4), ip, "POST",
                             "/wp-admin/admin-ajax.php", 200, 47, page_url,
                             ua, False, "admin", None, proto)
            ref = page_url
            first = False
            t += rng.randint(20, 80) + min(int(rng.expovariate(1 / 100.0)),
                                           500)

    # -- machines ----------------------------------------------------------

    def robot(self, role):
        lst = self.robots[role]
        cum = self.role_cum[role]
        name, _, ua = lst[bisect.bisect_right(cum, self.rng.random() *
                                              cum[-1])]
        ips = self.robot_ips[name]
        ip = self.rng.choice(ips) if ips else (
            rand_in_net(self.rng, self.rng.choice(SCANNER_NETS)))
        return name, ua, ip

    def crawl(self, t):
        rng = self.rng
        name, ua, ip = self.robot("crawl")
        proto = "HTTP/1.1"
        if rng.random() < 0.15:
            self.hit(t, ip, "GET", "/robots.txt", 200, 67, "-", ua, True,
                     "ignored")
            t += rng.randint(1, 5)
        for _ in range(rng.choices((1, 2, 3, 5, 8), (45, 25, 15, 10, 5))[0]):
            r = rng.random()
            status, size = 200, rng.randint(9000, 26000)
            if r < 0.55:
                p = self.pick_post(t, uniform=rng.random() < 0.7)
                if p is None:
                    continue
                x = rng.random()
                if x < 0.06:
                    target = p.enc + "amp/"
                elif x < 0.1:
                    target, status, size = p.enc[:-1], 301, 0
                elif x < 0.13:
                    target, status = p.enc + "feed/", 200
                    self.hit(t, ip, "GET", target, 200, 1207, "-", ua, True,
                             "feed", p.path + "feed/")
                    t += rng.randint(1, 90)
                    continue
                else:
                    target = p.enc
                if status == 200 and rng.random() < 0.1:
                    status, size = 304, 0
                self.hit(t, ip, "GET", target, status, size, "-", ua, True,
                         "post", p.path, proto)
            elif r < 0.65 and self.used_tags:
                s = rng.choice(self.used_tags)
                self.hit(t, ip, "GET", self.term_target("/tag/", s), status,
                         size, "-", ua, True, "tag", s, proto)
            elif r < 0.7 and self.used_cats:
                s = rng.choice(self.used_cats)
                self.hit(t, ip, "GET", self.term_target("/category/", s),
                         status, size, "-", ua, True, "category", s, proto)
            elif r < 0.76:
                self.hit(t, ip, "GET", rng.choice(self.archives), status,
                         size, "-", ua, True, "archive", None, proto)
            elif r < 0.8:
                self.hit(t, ip, "GET", rng.choice(("/", "/page/2/",
                                                   "/page/3/")),
                         status, size, "-", ua, True, "home", None, proto)
            elif r < 0.84:
                p = self.pick_page()
                self.hit(t, ip, "GET", p.enc, status, size, "-", ua, True,
                         "page", p.path, proto)
            elif r < 0.88:
                self.hit(t, ip, "GET", "/sitemap.xml", 200, 3120, "-", ua,
                         True, "ignored", None, proto)
            elif r < 0.91:
                f = rng.choice(("/feed/", "/comments/feed/", "/feed/atom/"))
                self.hit(t, ip, "GET", f, 200, 35112, "-", ua, True, "feed",
                         f, proto)
            elif r < 0.95:
                self.hit(t, ip, "GET", "/2012/%02d/%02d/%s/" % (
                    rng.randint(1, 12), rng.randint(1, 28),
                    rng.choice(("gammalt-inlagg", "test", "hello-world"))),
                    404, 14822, "-", ua, True, "post", None, proto)
            elif r < 0.98:
                self.hit(t, ip, "GET", "/?p=%d" % rng.randint(3, 900), 301,
                         0, "-", ua, True, "postid", None, proto)
            else:
                p = self.posts[rng.randrange(len(self.posts))] \
                    if self.posts else None
                if p is not None and p.images:
                    self.hit(t, ip, "GET", p.images[0], 200, 88211, "-", ua,
                             True, "asset", None, proto)
            t += rng.randint(1, 90)

    def image_bot(self, t):
        name, ua, ip = self.robot("image")
        p = self.pick_post(t, uniform=True)
        if p is not None:
            for img in p.images:
                self.hit(t, ip, "GET", img, self.rng.choice((200, 200, 304)),
                         self.rng.randint(30000, 190000), "-", ua, True,
                         "asset")
                t += self.rng.randint(1, 20)

    def feed_poll(self, t):
        rng = self.rng
        if rng.random() < 0.06:
            # A person clicking the RSS link: not a robot, still no view.
            rd = self.reader()
            ip, ua, robot = self.r_ip[rd], self.r_ua[rd], False
        else:
            name, ua, ip = self.robot("feed")
            robot = True
        r = rng.random()
        if r < 0.7:
            target = "/feed/"
        elif r < 0.8:
            target = "/comments/feed/"
        elif r < 0.85:
            target = "/?feed=rss2"
        elif r < 0.9:
            target = "/feed/atom/"
        elif r < 0.95 and self.used_tags:
            tag = rng.choice(self.used_tags)
            target = "/tag/%s/feed/" % pct_lower(tag)
            key = "/tag/%s/feed/" % tag
        else:
            p = self.pick_post(t)
            target = p.enc + "feed/" if p else "/feed/"
            key = p.path + "feed/" if p else "/feed/"
        if r < 0.9:
            key = target        # ASCII: the path is its own key
        if rng.random() < 0.55:
            self.hit(t, ip, "GET", target, 304, 0, "-", ua, robot, "feed",
                     key)
        else:
            self.hit(t, ip, "GET", target, 200, rng.randint(20000, 52000),
                     "-", ua, robot, "feed", key)

    def preview(self, t):
        rng = self.rng
        name, ua, ip = self.robot("preview")
        p = self.pick_post(t)
        if p is None:
            return
        if name == "twitterbot":
            self.hit(t, ip, "GET", "/robots.txt", 200, 67, "-", ua, True,
                     "ignored")
            t += 1
        for _ in range(rng.choice((1, 1, 2))):
            target = p.enc if rng.random() < 0.7 else self.post_target(
                p, "utm_fb" if name == "facebook" else "canonical")
            self.hit(t, ip, "GET", target, 200, rng.randint(9000, 26000), "-",
                     ua, True, "post", p.path)
            t += rng.randint(0, 3)
        if name in ("facebook", "whatsapp", "telegram") and p.images:
            self.hit(t, ip, "GET", p.images[0], 200, 88211, "-", ua, True,
                     "asset")

    def scanner(self, t):
        rng = self.rng
        ip = rand_in_net(rng, rng.choice(SCANNER_NETS)) \
            if rng.random() < 0.6 else rand_client_ip(rng)
        if rng.random() < 0.5:
            ua, robot = self.bua[rng.randrange(len(self.bua))], False
        else:
            name, ua, _ = self.robot(rng.choice(("tool", "tool", "blank")))
            robot = True
        for _ in range(rng.choices((1, 2, 4, 8), (40, 30, 20, 10))[0]):
            method, target, status = rng.choice(SCANNER_PATHS)
            kind = ("admin" if target.startswith(("/wp-admin", "/wp-login",
                                                  "/xmlrpc", "/wp-json"))
                    else "postid" if target.startswith("/?")
                    else "other")
            size = {404: 548, 403: 153, 301: 0, 405: 42}.get(
                status, rng.randint(500, 4000))
            self.hit(t, ip, method, target, status, size, "-", ua, robot,
                     kind, None, "HTTP/1.1")
            t += rng.randint(0, 3)

    # -- daily specials ----------------------------------------------------

    def special(self, kind, t):
        rng = self.rng
        if kind == "empty_conn":
            self.hit(t, rand_client_ip(rng), None, "-", 400, 0, "-", "-",
                     True)
        elif kind == "tls":
            self.hit(t, rand_in_net(rng, rng.choice(SCANNER_NETS)), None,
                     "\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xFC\\x03"
                     "\\x03", 400, 157, "-", "-", True)
        elif kind == "quote_url":
            # Apache writes the '"' of the request as \" (a search view).
            self.hit(t, rand_in_net(rng, rng.choice(SCANNER_NETS)), "GET",
                     '/?s=\\"><script>alert(1)</script>', 200, 10412, "-",
                     self.bua[0], False, "search")
        elif kind == "quote_ua":
            p = self.pick_post(t, uniform=True)
            if p is None:
                return
            ua = QUOTE_UA
            self.hit(t, rand_in_net(rng, rng.choice(SCANNER_NETS)), "GET",
                     p.enc, 200, 17023, "-", ua, False, "post", p.path)
            self.hit(t + 2, rand_in_net(rng, rng.choice(SCANNER_NETS)),
                     "GET", "/wp-login.php", 200, 4391, "-",
                     'Mozilla/5.0 \\"sqlmap-like\\" (X11; Linux x86_64)',
                     # No rendering engine named: a tool, not a browser
                     # (counting.md, Robots rule 2).
                     True, "admin")
        elif kind == "error500":
            p = self.pick_post(t)
            if p is None:
                return
            rd = self.reader()
            self.hit(t, self.r_ip[rd], "GET", p.enc, 500, 0,
                     rng.choice(GOOGLE), self.r_ua[rd], False, "post", p.path)
        elif kind == "head":
            p = self.pick_post(t)
            if p is None:
                return
            if rng.random() < 0.5:
                rd = self.reader()
                ip, ua, robot = self.r_ip[rd], self.r_ua[rd], False
            else:
                ip, ua, robot = rand_client_ip(rng), "curl/7.88.1", True
            for _ in range(rng.randint(1, 3)):
                self.hit(t, ip, "HEAD", p.enc, 200, rng.choice(("0", "-")),
                         "-", ua, robot, "post", p.path)
                t += rng.randint(1, 30)
        elif kind == "share302":
            p = self.pick_post(t)
            if p is None:
                return
            rd = self.reader()
            self.hit(t, self.r_ip[rd], "GET", p.enc + "?share=facebook&nb=1",
                     302, 0, SITE_URL + p.enc, self.r_ua[rd], False, "post",
                     p.path)
        elif kind == "redirects":
            rd = self.reader()
            ip, ua = self.r_ip[rd], self.r_ua[rd]
            self.hit(t, ip, "GET", "/?p=%d" % (self.posts[0].wp_id if
                                               self.posts else 1),
                     301, 0, "-", ua, False, "postid")
            if self.used_tags:
                s = rng.choice(self.used_tags)
                self.hit(t + 5, ip, "GET", "/tag/%s" % pct_lower(s), 301, 0,
                         "-", ua, False, "tag", s)
            self.hit(t + 9, ip, "GET", "/wp-admin/", 302, 0, "-", ua, False,
                     "admin")
        elif kind == "wpcron":
            self.hit(t, SITE_HOST_IP, "POST",
                     "/wp-cron.php?doing_wp_cron=%d.%06d" % (
                         t, rng.randrange(10 ** 6)), 200, 0, "-",
                     "WordPress/6.4.2; " + SITE_URL, True, "admin")
        elif kind == "pingback":
            self.hit(t, rand_v4(rng), "POST", "/xmlrpc.php", 200, 370, "-",
                     "WordPress/6.4.2; https://www.example-blogg.se", True,
                     "admin")
        elif kind == "oembed":
            p = self.pick_post(t)
            if p is None:
                return
            self.hit(t, rand_in_net(rng, "54.89.0.0/16"), "GET",
                     "/wp-json/oembed/1.0/embed?url=" +
                     (SITE_URL + p.enc).replace(":", "%3A").replace(
                         "/", "%2F"), 200, 1012, "-",
                     "Slackbot 1.0 (+https://api.slack.com/robots)", True,
                     "admin")
        elif kind == "admin":
            ip, ua = self.owner_ip, self.owner_ua
            seq = [("GET", "/wp-login.php", 200, 4391),
                   ("POST", "/wp-login.php", 302, 0),
                   ("GET", "/wp-admin/", 200, 61233),
                   ("GET", "/wp-admin/load-styles.php?c=0&dir=ltr&load%5Bchu"
                    "nk_0%5D=dashicons,admin-bar,common&ver=6.4.2", 200,
                    48211),
                   ("GET", "/wp-admin/edit.php", 200, 70122),
                   ("POST", "/wp-admin/admin-ajax.php", 200, 58),
                   ("GET", "/wp-admin/post-new.php", 200, 90211),
                   ("POST", "/wp-admin/admin-ajax.php", 200, 58)]
            ref = "-"
            for method, target, status, size in seq:
                self.hit(t, ip, method, target, status, size, ref, ua, False,
                         "admin")
                ref = SITE_URL + target.split("?")[0]
                t += rng.randint(2, 60)
        elif kind == "midnight":
            self.session(t, force_views=rng.randint(1, 3))
        elif kind == "late":
            self.session(t, force_views=rng.randint(2, 4))
        else:
            raise ValueError(kind)

    def plan_specials(self, di):
        """(time, kind) of the day's rare lines; day 0 has all of them."""
        rng = self.rng
        d0 = self.day_start[di]
        span = self.day_start[di + 1] - d0
        plan = []

        def at(kind, lo=0, hi=None):
            hi = span - 1 if hi is None else hi
            plan.append((d0 + rng.randint(lo, hi), kind))

        always = di == 0
        at("midnight", 0, 40 * 60)
        if always or rng.random() < 0.5:
            at("midnight", 0, 20 * 60)
        if di == 0 and self.ndays > 1:
            at("late", span - 6 * 60, span - 3 * 60)   # runs past midnight
        for kind, p in (("empty_conn", 0.8), ("tls", 0.5), ("quote_url", 0.3),
                        ("quote_ua", 0.3), ("error500", 0.4), ("head", 0.9),
                        ("share302", 0.5), ("redirects", 0.7),
                        ("pingback", 0.3), ("oembed", 0.3), ("admin", 0.6)):
            if always or rng.random() < p:
                at(kind)
        for h in range(0, 24, 6):
            if always or rng.random() < 0.5:
                at("wpcron", h * 3600, h * 3600 + 3599)
        plan.sort()
        return plan

    # -- the run -----------------------------------------------------------

    HUMAN_W = [2.2, 1.2, 0.7, 0.4, 0.4, 0.8, 2.0, 3.8, 5.5, 6.2, 6.2, 6.0,
               6.3, 6.0, 5.6, 5.4, 5.5, 5.8, 6.2, 6.6, 7.0, 6.4, 4.8, 3.4]

    def audience_edges(self):
        """--audience-edges: a few readers whose views sit on the edges of
        the visitor and visit rules, on the first day (into the second),
        on the day of a spring DST change, and across the 06:25 rotation
        of the second day.  They use an RNG of their
        own and are queued before the rest, so the other lines stay the
        ones a run without the option writes."""
        erng = random.Random(self.a.seed * 104729 + 31)
        tag = self.used_tags[0] if self.used_tags else None
        cat = self.used_cats[0] if self.used_cats else None
        bot_ua = ROBOTS[0][3]                          # Googlebot

        def at(di, secs):
            return self.tz.to_utc(self.dates[di], secs)

        def content(t, k):
            """The k-th post published before t, else the k-th page."""
            n = bisect.bisect_right(self.post_pub, t)
            if n:
                p = self.posts[k % n]
                return p.enc, "post", p.path
            p = self.pages[k % len(self.pages)]
            return p.enc, "page", p.path

        def view(t, ip, ua, what, status=200, robot=False):
            if what == "home":
                target, vk, key = "/", "home", None
            elif what == "search":
                target, vk, key = "/?s=acta", "search", None
            elif what in ("tag", "tag2"):
                if tag is None:
                    target, vk, key = "/", "home", None
                else:
                    target, vk, key = "/tag/%s/%s" % (
                        pct_lower(tag), "page/2/" if what == "tag2" else ""), \
                        "tag", tag
            elif what == "category":
                if cat is None:
                    target, vk, key = "/", "home", None
                else:
                    target, vk, key = "/category/%s/" % pct_lower(cat), \
                        "category", cat
            elif what == "cv":
                p = self.pages[-1]
                target, vk, key = p.enc, "page", p.path
            elif what == "om":
                p = self.pages[0]
                target, vk, key = p.enc, "page", p.path
            else:                   # ("post", k) or ("amp", k)
                target, vk, key = content(t, what[1])
                if what[0] == "amp" and vk == "post":
                    target += "amp/"
            self.hit(t, ip, "GET", target, status,
                     0 if status == 304 else 15000, "-", ua, robot, vk, key,
                     "HTTP/1.1")
            return target

        ip_a, ip_c, ip_d = rand_v4(erng), rand_v6(erng), rand_v4(erng)
        ua_a, ua_b, ua_c, ua_d = (self.bua[0], self.bua[9], self.bua[18],
                                  self.bua[4])
        # A: four visits on day 1.  Two views in one second (the one
        # written first lands), 1799 s (same visit), exactly 1800 s
        # (new visit), non-views in between that change nothing.
        s0 = 10 * 3600
        view(at(0, s0), ip_a, ua_a, "home")
        view(at(0, s0), ip_a, ua_a, "tag")
        self.hit(at(0, s0 + 1), ip_a, "GET", ASSETS_FIRST[0][0], 200,
                 ASSETS_FIRST[0][1], "-", ua_a, False, "asset")
        p1 = view(at(0, s0 + 1799), ip_a, ua_a, ("post", 0))
        if p1.endswith("/"):
            self.hit(at(0, s0 + 2000), ip_a, "GET", p1[:-1], 301, 0,
                     "-", ua_a, False, "post", None)
        self.hit(at(0, s0 + 2500), ip_a, "HEAD", p1, 200, 0, "-", ua_a,
                 False, "post", None)
        self.hit(at(0, s0 + 3000), ip_a, "POST", "/wp-comments-post.php",
                 302, 0, "-", ua_a, False, "admin")
        view(at(0, s0 + 3599), ip_a, ua_a, "tag2")
        view(at(0, s0 + 3599 + 1799), ip_a, ua_a, ("amp", 1))
        view(at(0, s0 + 7800), ip_a, ua_a, ("post", 0), status=304)
        view(at(0, s0 + 7800), ip_a, ua_a, "om")
        view(at(0, 86400 - 10), ip_a, ua_a, "search")
        if self.ndays >= 2:
            # 30 s later, but on the next day: another visitor.
            view(at(1, 20), ip_a, ua_a, ("post", 1))
        # B: another browser at A's address, and a robot there too.
        view(at(0, s0 + 1000), ip_a, ua_b, ("post", 0))
        view(at(0, s0 + 1000), ip_a, bot_ua, ("post", 1), robot=True)
        # C (IPv6): 1800 s then 1799 s; a feed and a 404 between.
        s1 = 14 * 3600
        view(at(0, s1), ip_c, ua_c, "category")
        self.hit(at(0, s1 + 600), ip_c, "GET", "/feed/", 200, 30000, "-",
                 ua_c, False, "feed", "/feed/")
        self.hit(at(0, s1 + 900), ip_c, "GET", "/2012/01/01/gone/", 404,
                 14822, "-", ua_c, False, "post", None)
        view(at(0, s1 + 1800), ip_c, ua_c, "cv")
        view(at(0, s1 + 1800), ip_c, bot_ua, "tag", robot=True)
        view(at(0, s1 + 1800 + 1799), ip_c, ua_c, ("post", 2))
        for di in range(self.ndays):
            if self.day_start[di + 1] - self.day_start[di] != 23 * 3600:
                continue
            # D: the spring change.  01:50:00 +0100 to 03:05:00 +0200 is
            # 900 s apart but 4500 s by the clock: a new visit (visits
            # are measured in local time); then 1799 s, the same visit.
            view(at(di, 6600), ip_d, ua_d, "home")
            view(at(di, 11100), ip_d, ua_d, ("post", 3))
            view(at(di, 11100 + 1799), ip_d, ua_d, ("post", 4))
        if self.ndays >= 2:
            # E and F: visits across the 06:25 rotation of day 2, whose
            # lines are in two files (and maybe two runs).  E: 06:10:00,
            # 06:24:59 | 06:25:00, 06:40:00, one visit that lands on /.
            # Read newest file first, the visit first lands on the post
            # of 06:25:00, then moves to the earlier views.
            ip_e, ip_f = rand_v4(erng), rand_v6(erng)
            ua_e, ua_f = self.bua[2], self.bua[7]
            r = ROTATE_AT
            view(at(1, r - 900), ip_e, ua_e, "home")
            view(at(1, r - 1), ip_e, ua_e, ("post", 5))
            view(at(1, r), ip_e, ua_e, ("post", 6))
            view(at(1, r + 900), ip_e, ua_e, "category")
            # F: 06:24:00 | 06:54:00 (exactly 1800 s: a new visit) and
            # 07:23:59 (1799 s: the same one); two visits.
            view(at(1, r - 60), ip_f, ua_f, ("post", 7))
            view(at(1, r - 60 + 1800), ip_f, ua_f, "om")
            view(at(1, r - 60 + 1800 + 1799), ip_f, ua_f, ("post", 7))

    def extras(self):
        """A few lines a day for the tables of missing pages, campaigns,
        browsers and feeds: people following broken links (from another
        site, from the blog itself, a mistyped tag; some then go on to the
        home page, Googlebot follows some too), views with the campaigns
        of CAMPAIGNS no other line has, views from BROWSERS_EXTRA, and the
        feed readers of FEED_EXTRAS.  Day 1 has every kind.  An RNG of
        their own, queued before the rest: the other lines are the ones a
        generator without them writes (only the bad lines may move)."""
        x = self.xrng
        paths = {p.path for p in self.posts + self.pages}
        tags = {s for s, _ in TAGS}
        old = self.posts[0]
        typo = old.path[:-2] + "/"             # the slug's last letter lost
        dn = ("https://www.dn.se/debatt/2013-02-03/eu-och-handeln/", "dn.se")
        none = ("-", "")
        # (target, kind, referrers as (Referer, host counted under))
        links = [
            ("/2013/01/17/eu-och-kina/", "post", [dn, dn, none]),
            (pct_lower(typo), "post",
             [(SITE_URL + self.posts[-1].enc, SITE_HOST)]),
            ("/tag/sakerhet/", "tag", [none, (
                "https://l.facebook.com/l.php?u=https%3A%2F%2Fblog.example"
                ".eu%2Ftag%2Fsakerhet%2F", "facebook.com")]),
            (pct_upper("/2012/12/24/god-jul-från-bryssel/"), "post",
             [("https://news.ycombinator.com/item?id=5170123",
               "news.ycombinator.com"), none]),
            ("/2013/01/20/finns-inte/?utm_source=newsletter&utm_medium=email",
             "post", [none]),
            ("/om-mej/", "page", [(
                "https://www.euractiv.com/section/justice-home-affairs/news/"
                "malmstrom/", "euractiv.com")]),
            ("/?p=99999", "postid", [none]),
        ]
        for target, kind, _ in links:
            path = urllib.parse.unquote(target.partition("?")[0])
            if kind == "tag":
                assert path[5:-1] not in tags, target
            else:
                assert path not in paths, target
        camps = [q for q in CAMPAIGNS if not q.startswith((
            "utm_source=twitter", "utm_source=facebook",
            "utm_source=newsletter"))]
        feed_ips = [[rand_in_net(x, net) for net in nets]
                    for _, _, _, _, nets in FEED_EXTRAS]
        google = [r for r in ROBOTS if r[0] == "googlebot"][0]

        def person(pool=None):
            ua = self.bua[bisect.bisect_right(
                self.bua_cum, x.random() * self.bua_cum[-1])] \
                if pool is None else x.choice(pool)[0]
            return rand_client_ip(x), ua

        def post_at(t):
            n = bisect.bisect_right(self.post_pub, t)
            return self.posts[x.randrange(n)] if n else None

        for di in range(self.ndays):
            d0 = self.day_start[di]
            span = self.day_start[di + 1] - d0
            first = di == 0

            def when():
                return d0 + x.randrange(span - 600)

            for k in (range(len(links)) if first else
                      x.sample(range(len(links)), x.randint(1, 2))):
                target, kind, refs = links[k]
                t = when()
                ip, ua = person()
                ref, host = x.choice(refs)
                self.hit(t, ip, "GET", target, 404, 14822, ref, ua, False,
                         kind, None, "HTTP/2.0", host)
                if first and k == 0:
                    # Not a GET: no missing page.
                    self.hit(t + 2, ip, "HEAD", target, 404, "-", ref, ua,
                             False, kind)
                if x.random() < 0.5:
                    self.hit(t + x.randint(5, 40), ip, "GET", "/", 200,
                             x.randint(7000, 15000), SITE_URL + target, ua,
                             False, "home", None, "HTTP/2.0")
                if first or x.random() < 0.2:
                    # A robot following it: a robot's hit, no missing page.
                    self.hit(t + x.randint(60, 500),
                             x.choice(self.robot_ips["googlebot"]), "GET",
                             target, 404, 14822, "-", google[3], True, kind)
            for q in (camps if first else
                      x.sample(camps, x.randint(1, 2))):
                t = when()
                p = post_at(t)
                ip, ua = person()
                if p is None:
                    continue
                self.hit(t, ip, "GET", p.enc + "?" + q, 200,
                         x.randint(9000, 26000), "-", ua, False, "post",
                         p.path, "HTTP/2.0")
            for b in (BROWSERS_EXTRA if first else
                      x.sample(BROWSERS_EXTRA, x.randint(1, 2))):
                t = when()
                ip, ua = rand_client_ip(x), b[0]
                for _ in range(x.randint(1, 2)):
                    p = post_at(t)
                    if p is None or x.random() < 0.3:
                        self.hit(t, ip, "GET", "/", 200,
                                 x.randint(7000, 15000), "-", ua, False,
                                 "home", None, "HTTP/1.1")
                    else:
                        self.hit(t, ip, "GET", p.enc, 200,
                                 x.randint(9000, 26000), "-", ua, False,
                                 "post", p.path, "HTTP/1.1")
                    t += x.randint(60, 300)
            for (ua, name, _, rep, _), ips in zip(FEED_EXTRAS, feed_ips):
                if rep and rep[0] == "Feedly" and di % 2 == 0:
                    continue            # 13 on odd days only
                for ip in ips:
                    for _ in range(x.randint(1, 3)):
                        f = "/feed/" if rep or x.random() < 0.7 else \
                            x.choice(("/comments/feed/", "/?feed=rss2",
                                      "/feed/atom/"))
                        st = x.choice((200, 304, 304))
                        self.hit(when(), ip, "GET", f, st,
                                 31022 if st == 200 else 0, "-", ua, True,
                                 "feed", f, "HTTP/1.1")

    def run(self, sink):
        rng = self.rng
        if self.a.audience_edges:
            self.audience_edges()
        self.extras()
        hw_sum = sum(self.HUMAN_W)
        human_share = 0.55 if self.busy else 0.35
        produced_h = produced_m = 0.0
        target_h = target_m = 0.0
        for di in range(self.ndays):
            plan = self.plan_specials(di)
            pi = 0
            t0 = self.day_start[di]
            t_end = self.day_start[di + 1]
            hours = (t_end - t0) // 3600
            for hk in range(hours):
                c0 = t0 + hk * 3600
                c1 = c0 + 3600
                lh = self.local_hour(c0)
                target_h += self.lpd * human_share * self.HUMAN_W[lh] / hw_sum
                target_m += self.lpd * (1 - human_share) / 24
                before = self.seq
                while pi < len(plan) and plan[pi][0] < c1:
                    self.special(plan[pi][1], plan[pi][0])
                    pi += 1
                produced_h += self.seq - before
                while produced_h < target_h:
                    before = self.seq
                    self.session(c0 + rng.randrange(3600))
                    produced_h += self.seq - before
                while produced_m < target_m:
                    before = self.seq
                    t = c0 + rng.randrange(3600)
                    r = rng.random()
                    if r < 0.40:
                        self.crawl(t)
                    elif r < 0.72:
                        self.feed_poll(t)
                    elif r < 0.83:
                        self.scanner(t)
                    elif r < 0.93:
                        self.preview(t)
                    else:
                        self.image_bot(t)
                    produced_m += self.seq - before
                if not self.drain(c1, sink):
                    return
        self.drain(self.run_end, sink)

    def drain(self, until, sink):
        heap = self.heap
        pop = heapq.heappop
        while heap and heap[0][0] < until:
            if not sink.put(pop(heap)):
                self.stopped = True
                return False
        return True

    # -- accounting (from intents) -----------------------------------------

    def account(self, ev):
        _, _, _, di, rh, view, ip, aud, more = ev
        self.account_more(di, ip, aud, more)
        d = self.days[di]
        d[0] += 1
        d[1] += 1
        if rh:
            d[2] += 1
        if view is not None:
            d[3] += 1
            k = (view[0], view[1], di)
            self.vcount[k] = self.vcount.get(k, 0) + 1
            k = (ip, di)
            self.ipcount[k] = self.ipcount.get(k, 0) + 1
            # Called in the order the lines are written, so each list is
            # in log order.
            ua, sod, ckey = aud
            k = (ip, ua, di)
            lst = self.audience.get(k)
            if lst is None:
                lst = self.audience[k] = []
            lst.append((sod, ckey, view[0]))

    def account_more(self, di, ip, aud, more):
        robot, hour, camp, client, miss, feed = more
        if robot is not None:
            k = robot + (di,)
            self.robot_hits[k] = self.robot_hits.get(k, 0) + 1
        if hour is not None:
            k = (di, hour)
            self.hours[k] = self.hours.get(k, 0) + 1
        if camp is not None:
            k = camp + (di,)
            self.campaigns[k] = self.campaigns.get(k, 0) + 1
        if client is not None:
            ident = (ip, aud[0])
            assert self.clients.setdefault(ident, client) == client
            for table, name in zip(("browsers", "systems", "devices"),
                                   client):
                e = self.client_views.setdefault((table, name, di),
                                                 [0, set()])
                e[0] += 1
                e[1].add(ident)
        if miss is not None:
            k = miss + (di,)
            self.missing[k] = self.missing.get(k, 0) + 1
        if feed is not None:
            key, rep, who = feed
            e = self.feeds.setdefault((key, di), [0, {}, set()])
            e[0] += 1
            if rep:
                reader = rep[:2]
                e[1][reader] = max(e[1].get(reader, 0), rep[2])
            else:
                e[2].add(who)

    def account_bad(self, di):
        if di is not None:
            d = self.days[di]
            d[0] += 1
            d[4] += 1

    def bad_text(self, neighbour):
        """A line that must not parse, made near a neighbour's time."""
        kinds = ("truncated", "garbage", "badtime", "badstatus", "empty")
        kind = kinds[self.counter["bad_kind"] % len(kinds)]
        self.counter["bad_kind"] += 1
        rng = self.brng
        i = neighbour.find("[")
        j = neighbour.find("]", i)
        ts = neighbour[i + 1:j] if i >= 0 and j > i else \
            "01/Feb/2013:12:00:00 +0100"
        ip = rand_v4(rng)
        p = self.posts[rng.randrange(len(self.posts))] if self.posts else \
            self.pages[0]
        ua = self.bua[rng.randrange(len(self.bua))]
        if self.fmt not in ("combined", "common"):
            return self.bad_other(kind, neighbour)
        tail = ' "-" "%s"' % ua if self.combined else ""
        if kind == "truncated":
            line = '%s - - [%s] "GET %s HTTP/1.1" 200 15123%s' % (
                ip, ts, p.enc, tail)
            q = line.index('"GET ') + 1
            return line[:q + rng.randint(4, 4 + len(p.enc) - 2)]
        if kind == "garbage":
            return "".join(rng.choice(GARBAGE) for _ in range(
                rng.randint(12, 120))).strip() or "x"
        if kind == "badtime":
            bad = rng.choice(("32/Foo/", "32/Feb/", "07/Foo/"))
            return '%s - - [%s%s] "GET %s HTTP/1.1" 200 15123%s' % (
                ip, bad, ts[7:], p.enc, tail)
        if kind == "badstatus":
            st = rng.choice(("20", "2000", "OK", "2x0"))
            return '%s - - [%s] "GET %s HTTP/1.1" %s 15123%s' % (
                ip, ts, p.enc, st, tail)
        return ""

    def bad_other(self, kind, neighbour):
        """A bad line of the other formats: a neighbour cut inside its
        request (or anywhere in a JSON object), garbage, or empty."""
        rng = self.brng
        if kind in ("truncated", "badtime", "badstatus"):
            q = neighbour.find('"uri":"') if self.fmt == "caddy" else \
                neighbour.find('"request":"') if self.fmt == "nginx_json" \
                else -1
            if q < 0:
                q = neighbour.find('"')
            return neighbour[:q + rng.randint(2, 8)]
        if kind == "garbage":
            return "".join(rng.choice(GARBAGE) for _ in range(
                rng.randint(12, 120))).strip() or "x"
        return ""

    def n_bad(self, n, fidx):
        """How many bad lines a rotated file of n good lines gets: about
        0.3-0.5%, never more than n/124 (0.8% of the file's lines)."""
        if self.a.no_bad or n < 124:
            return 0
        extra = 1 if (fidx * 7) % 10 < 3 else 0
        return min(n // 124, max(1, round(n * 0.003)) + extra)


def _cum(ws):
    s = 0.0
    for w in ws:
        s += w
        yield s


_SPELL = {k: ([n for n, _ in v], list(_cum([w for _, w in v])))
          for k, v in Gen.SPELLINGS.items()}


# ---------------------------------------------------------------------------
# Output files.
# ---------------------------------------------------------------------------

def write_bytes(path, data, gz):
    with open(path, "wb") as f:
        if gz:
            with gzip.GzipFile(filename="", mode="wb", compresslevel=6,
                               fileobj=f, mtime=0) as g:
                g.write(data)
        else:
            f.write(data)


class RotatedSink:
    """Files cut at 06:25 local each day; bad lines placed at close."""

    def __init__(self, g, outdir, eol):
        self.g = g
        self.outdir = outdir
        self.eol = eol
        self.bounds = [g.tz.to_utc(d, ROTATE_AT) for d in g.dates]
        self.nfiles = len(self.bounds) + 1
        self.cur = 0
        self.buf = []
        self.prev_total = 0

    def name(self, i):
        k = self.nfiles - 1 - i
        return "access.log" if k == 0 else (
            "access.log.1" if k == 1 else "access.log.%d.gz" % k)

    def put(self, ev):
        while self.cur < len(self.bounds) and ev[0] >= self.bounds[self.cur]:
            self.close_file()
        self.buf.append(ev)
        g = self.g
        if g.limit is not None:
            n = len(self.buf)
            if self.prev_total + n + g.n_bad(n, self.cur) >= g.limit:
                self.close_file(g.limit - self.prev_total - n)
                return False
        return True

    def close_file(self, nb=None):
        g = self.g
        evs = self.buf
        n = len(evs)
        if nb is None:
            nb = g.n_bad(n, self.cur)
        pos = []
        if nb:
            special = []
            if self.cur == 1:
                special.append(0)           # day from the line after it
            if self.cur == 2:
                for i in range(1, n):
                    if evs[i][3] != evs[i - 1][3]:
                        special.append(i)   # right at local midnight
                        break
            pos = special[:nb]
            while len(pos) < nb:
                pos.append(g.brng.randint(1, n))
            pos.sort()
        out = []
        bad = 0
        pi = 0
        for i in range(n + 1):
            while pi < len(pos) and pos[pi] == i:
                nb_ev = evs[i - 1] if i > 0 else evs[0]
                out.append(g.bad_text(nb_ev[2]))
                g.account_bad(nb_ev[3])
                bad += 1
                pi += 1
            if i < n:
                out.append(evs[i][2])
                g.account(evs[i])
        name = self.name(self.cur)
        data = (self.eol.join(out) + self.eol).encode("utf-8") if out else b""
        write_bytes(os.path.join(self.outdir, name), data,
                    name.endswith(".gz"))
        g.files.append([name, len(out), bad])
        self.prev_total += len(out)
        g.total = self.prev_total
        self.cur += 1
        self.buf = []

    def finish(self):
        if not self.g.stopped:
            while self.cur < self.nfiles:
                self.close_file()


class SingleSink:
    """One gzip file, streamed; bad lines inserted as it goes."""

    def __init__(self, g, outdir, eol):
        self.g = g
        self.eol = eol
        self.path = os.path.join(outdir, "access.log.gz")
        self.raw = open(self.path, "wb")
        self.gz = gzip.GzipFile(filename="", mode="wb", compresslevel=6,
                                fileobj=self.raw, mtime=0)
        self.buf = []
        self.n = 0
        self.good = 0
        self.bad = 0
        self.p_bad = 0.0 if g.a.no_bad else 0.0035

    def put(self, ev):
        g = self.g
        if g.limit is not None and self.n >= g.limit:
            return False
        self.buf.append(ev[2])
        g.account(ev)
        self.n += 1
        self.good += 1
        if (self.p_bad and g.brng.random() < self.p_bad and
                (self.bad + 1) * 124 <= self.good and
                (g.limit is None or self.n < g.limit)):
            self.buf.append(g.bad_text(ev[2]))
            g.account_bad(ev[3])
            self.n += 1
            self.bad += 1
        if len(self.buf) >= 20000:
            self.flush()
        return g.limit is None or self.n < g.limit

    def flush(self):
        if self.buf:
            self.gz.write((self.eol.join(self.buf) + self.eol)
                          .encode("utf-8"))
            self.buf = []

    def finish(self):
        self.flush()
        self.gz.close()
        self.raw.close()
        self.g.files.append(["access.log.gz", self.n, self.bad])
        self.g.total = self.n


# ---------------------------------------------------------------------------
# expected.json
# ---------------------------------------------------------------------------

def expected(g, params):
    ds = g.daystr
    posts = {}
    for p in g.posts + g.pages:
        assert p.path not in posts, p.path
        posts[p.path] = {"kind": p.kind, "title": p.title,
                         "published": p.pub.date().isoformat(),
                         "tags": list(p.tags), "categories": list(p.cats),
                         "views": {}}
    tags = {s: {"archive_views": {}} for s, _ in TAGS}
    cats = {s: {"archive_views": {}} for s, _ in CATEGORIES}
    other = {"home": 0, "archive": 0, "search": 0}
    sum_keyed = 0
    for (vk, key, di), n in sorted(g.vcount.items(),
                                   key=lambda kv: (kv[0][0], str(kv[0][1]),
                                                   kv[0][2])):
        if vk in ("post", "page"):
            e = posts[key]
            assert e["kind"] == vk, (key, vk)
            e["views"][ds[di]] = e["views"].get(ds[di], 0) + n
            sum_keyed += n
        elif vk == "tag":
            tags[key]["archive_views"][ds[di]] = n
            sum_keyed += n
        elif vk == "category":
            cats[key]["archive_views"][ds[di]] = n
            sum_keyed += n
        else:
            other[vk] += n
    ips = {}
    for (ip, di), n in g.ipcount.items():
        ips.setdefault(ip, {"views": {}})["views"][ds[di]] = n
    days = {}
    tot = {"lines": 0, "bad_lines": 0, "hits": 0, "robot_hits": 0,
           "views": 0}
    for di, (lines, hits, rh, views, bad) in enumerate(g.days):
        if lines == 0:
            continue
        days[ds[di]] = {"lines": lines, "hits": hits, "robot_hits": rh,
                        "views": views, "bad_lines": bad}
        for k, v in days[ds[di]].items():
            tot[k] += v
    files = {name: {"lines": lines, "bad_lines": bad}
             for name, lines, bad in g.files}
    readers, day_visitors, day_visits = audience(g)
    more = other_tables(g, days, readers)
    for day, e in days.items():
        e["visitors"] = day_visitors.get(day, 0)
        e["visits"] = day_visits.get(day, 0)
    tot["visitors"] = len(readers)
    tot["visits"] = sum(day_visits.values())
    check_audience(readers, days, tot, posts, tags, cats, ips)
    # The sums must agree every way they can be taken.
    assert tot["lines"] == sum(f["lines"] for f in files.values()) == g.total
    assert tot["bad_lines"] == sum(f["bad_lines"] for f in files.values())
    assert tot["lines"] == tot["hits"] + tot["bad_lines"]
    assert tot["robot_hits"] <= tot["hits"]
    assert tot["views"] == sum_keyed + sum(other.values())
    assert tot["views"] == sum(n for e in ips.values()
                               for n in e["views"].values())
    assert tot["views"] == (
        sum(n for e in posts.values() for n in e["views"].values()) +
        sum(n for e in tags.values() for n in e["archive_views"].values()) +
        sum(n for e in cats.values() for n in e["archive_views"].values()) +
        sum(other.values()))
    for name, lines, bad in g.files:
        assert bad * 1000 <= lines * 8, (name, lines, bad)
    if not params["format"] == "common":
        assert tot["robot_hits"] > 0
    return {"params": params, "files": files, "totals": tot, "days": days,
            "posts": posts, "tags": tags, "categories": cats, "ips": ips,
            "readers": readers, **more}


def other_tables(g, days, readers):
    """robots, hours, campaigns, missing, feeds, browsers, systems and
    devices (tests/gen/README.md), and each reader's browser, system and
    device."""
    ds = g.daystr
    robots = {}
    for (name, group, di), n in sorted(g.robot_hits.items()):
        e = robots.setdefault(name, {"group": group, "hits": {}})
        assert e["group"] == group, name
        e["hits"][ds[di]] = n
    hours = {}
    for (di, h), n in sorted(g.hours.items()):
        hours.setdefault(ds[di], {})["%02d" % h] = n
    camps = {}
    for (src, med, name, di), n in sorted(g.campaigns.items()):
        camps.setdefault((src, med, name), {})[ds[di]] = n
    campaigns = [{"source": k[0], "medium": k[1], "campaign": k[2],
                  "views": v} for k, v in sorted(camps.items())]
    missing = {}
    for (path, host, di), n in sorted(g.missing.items()):
        missing.setdefault(path, {}).setdefault(ds[di], {})[host] = n
    feeds = {}
    for (key, di), (n, rep, clients) in sorted(g.feeds.items()):
        r = sum(rep.values())
        feeds.setdefault(key, {})[ds[di]] = {
            "fetches": n, "reported": r, "clients": len(clients),
            "subscribers": r + len(clients)}
    tables = {"browsers": {}, "systems": {}, "devices": {}}
    for (table, name, di), (n, ids) in sorted(g.client_views.items()):
        tables[table].setdefault(name, {})[ds[di]] = {
            "views": n, "visitors": len(ids)}
    by_hash = {(ip, ua_hash(ua)): c for (ip, ua), c in g.clients.items()}
    for r in readers:
        c = by_hash.get((r["ip"], r["ua_hash"]))
        if c is not None:
            r["browser"], r["system"], r["device"] = c
    # The sums the tables must have.
    for day, e in days.items():
        assert e["robot_hits"] == sum(v["hits"].get(day, 0)
                                      for v in robots.values()), day
        assert e["views"] == sum(hours.get(day, {}).values()), day
        if g.combined:
            for t in tables.values():
                assert e["views"] == sum(v.get(day, {}).get("views", 0)
                                         for v in t.values()), day
    if g.combined:
        assert all("browser" in r for r in readers)
    return {"robots": robots, "hours": hours, "campaigns": campaigns,
            "missing": missing, "feeds": feeds, **tables}


def audience(g):
    """Readers (visitors over the whole log), and visitors and visits per
    day, from the views as they were accounted (in log order)."""
    ds = g.daystr
    by_id = {}
    day_visitors = {}
    day_visits = {}
    for (ip, ua, di), views in g.audience.items():
        h = ua_hash(ua) if g.combined else ""
        r = by_id.get((ip, ua))
        if r is None:
            r = by_id[(ip, ua)] = {"ip": ip, "ua_hash": h, "days": {}}
        landings = visits_of(views)
        day = ds[di]
        assert day not in r["days"]
        r["days"][day] = {
            "views": len(views),
            "pages": sorted({k for _, k, kind in views
                             if kind in ("post", "page")}),
            "landings": landings}
        day_visitors[day] = day_visitors.get(day, 0) + 1
        day_visits[day] = day_visits.get(day, 0) + len(landings)
    readers = sorted(by_id.values(), key=lambda r: (r["ip"], r["ua_hash"]))
    # Two UAs of one address must not share a hash prefix.
    assert len({(r["ip"], r["ua_hash"]) for r in readers}) == len(readers)
    for r in readers:
        r["days"] = dict(sorted(r["days"].items()))
    return readers, day_visitors, day_visits


LANDING_ARCHIVE = re.compile(r"^/(\d{4}/(\d{2}/(\d{2}/)?)?|author/[^/]+/)$")


def check_audience(readers, days, tot, posts, tags, cats, ips):
    """The relations the readers list must have with the other counts."""
    n_visitors = {}
    n_visits = {}
    n_views = {}
    ip_views = {}
    page_readers = {}
    for r in readers:
        assert r["days"], r
        for day, e in r["days"].items():
            assert day in days, day
            n_visitors[day] = n_visitors.get(day, 0) + 1
            n_visits[day] = n_visits.get(day, 0) + len(e["landings"])
            n_views[day] = n_views.get(day, 0) + e["views"]
            k = (r["ip"], day)
            ip_views[k] = ip_views.get(k, 0) + e["views"]
            # At least one visit, never more visits than views.
            assert 1 <= len(e["landings"]) <= e["views"], (r, day)
            assert len(e["pages"]) <= e["views"], (r, day)
            assert e["pages"] == sorted(set(e["pages"]))
            for p in e["pages"]:
                assert posts[p]["views"].get(day, 0) > 0, (p, day)
                page_readers[(p, day)] = page_readers.get((p, day), 0) + 1
            for k in e["landings"]:
                if k in ("/", "/?s=") or LANDING_ARCHIVE.match(k):
                    continue
                if k in posts:
                    assert posts[k]["views"].get(day, 0) > 0, (k, day)
                    # A post or page landed on is one this visitor viewed.
                    assert k in e["pages"], (r, day, k)
                    continue
                kind, _, name = k[1:-1].partition("/")
                arch = {"tag": tags, "category": cats}[kind]
                assert k.endswith("/") and name in arch, k
                assert arch[name]["archive_views"].get(day, 0) > 0, (k, day)
    for day, e in days.items():
        assert e["visitors"] == n_visitors.get(day, 0), day
        assert e["visits"] == n_visits.get(day, 0), day
        assert e["views"] == n_views.get(day, 0), day
        assert e["visitors"] <= e["visits"] <= e["views"], day
    # Every visitor of a day is one reader, every visit one landing.
    assert tot["visits"] == sum(e["visits"] for e in days.values()) == sum(
        len(d["landings"]) for r in readers for d in r["days"].values())
    assert tot["visitors"] == len(readers) <= sum(
        e["visitors"] for e in days.values())
    assert tot["views"] == sum(n_views.values())
    # A reader's views are its address's views; a post's visitors are
    # no more than its views.
    assert ip_views == {(ip, day): n for ip, e in ips.items()
                        for day, n in e["views"].items()}
    for (p, day), n in page_readers.items():
        assert n <= posts[p]["views"][day], (p, day)


# ---------------------------------------------------------------------------
# wordpress-export.xml and posts.csv
# ---------------------------------------------------------------------------

def cdata(s):
    return "<![CDATA[" + s.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def rfc822(d):
    return "%s, %02d %s %04d %02d:%02d:%02d +0000" % (
        WDAY[d.weekday()], d.day, MON[d.month - 1], d.year, d.hour,
        d.minute, d.second)


def mysql(d):
    return d.strftime("%Y-%m-%d %H:%M:%S")


LOREM = [
    "Europa står inför stora utmaningar, och vi måste möta dem tillsammans.",
    "Det handlar om människors trygghet, men också om deras frihet.",
    "I veckan träffade jag justitieministrarna i Bryssel.",
    "Free trade creates jobs, but only if the rules are fair and enforced.",
    "Organised crime does not respect borders; neither can our response.",
    "Vi behöver mer öppenhet, inte mindre, när EU fattar beslut.",
    "Thank you for all the comments on my last post &mdash; keep them "
    "coming.",
    "Läs gärna hela talet på kommissionens webbplats.",
]


def write_wxr(g, path):
    rng = random.Random(g.a.seed * 31 + 5)
    end = g.dates[-1] + dt.timedelta(days=1)
    out = []
    w = out.append
    w('<?xml version="1.0" encoding="UTF-8" ?>\n')
    w("<!-- This is a WordPress eXtended RSS file generated by WordPress as "
      "an export of your site. -->\n")
    w("<!-- It contains information about your site's posts, pages, "
      "comments, categories, and other content. -->\n")
    w("<!-- You may use this file to transfer that content from one site "
      "to another. -->\n")
    w("<!-- This file is not intended to serve as a complete backup of "
      "your site. -->\n\n")
    w('<!-- generator="WordPress/6.4.2" created="%s 08:00" -->\n' %
      end.isoformat())
    w('<rss version="2.0"\n'
      '\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"\n'
      '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
      '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
      '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
      '\txmlns:wp="http://wordpress.org/export/1.2/"\n>\n\n<channel>\n')
    w("\t<title>%s</title>\n" % xml_escape(SITE_NAME))
    w("\t<link>%s</link>\n" % SITE_URL)
    w("\t<description>%s</description>\n" %
      xml_escape("Om Europa, handel & säkerhet"))
    w("\t<pubDate>%s</pubDate>\n" % rfc822(
        dt.datetime.combine(end, dt.time(7, 0))))
    w("\t<language>sv-SE</language>\n")
    w("\t<wp:wxr_version>1.2</wp:wxr_version>\n")
    w("\t<wp:base_site_url>%s</wp:base_site_url>\n" % SITE_URL)
    w("\t<wp:base_blog_url>%s</wp:base_blog_url>\n\n" % SITE_URL)
    w("\t\t<wp:author><wp:author_id>1</wp:author_id><wp:author_login>%s"
      "</wp:author_login><wp:author_email>%s</wp:author_email>"
      "<wp:author_display_name>%s</wp:author_display_name>"
      "<wp:author_first_name>%s</wp:author_first_name>"
      "<wp:author_last_name>%s</wp:author_last_name></wp:author>\n\n" % (
          cdata(AUTHOR_LOGIN), cdata("cecilia@blog.example.eu"),
          cdata(SITE_NAME), cdata("Cecilia"), cdata("Malmström")))
    term_id = 1
    for slug, name in CATEGORIES:
        w("\t<wp:category>\n\t\t<wp:term_id>%d</wp:term_id>\n"
          "\t\t<wp:category_nicename>%s</wp:category_nicename>\n"
          "\t\t<wp:category_parent>%s</wp:category_parent>\n"
          "\t\t<wp:cat_name>%s</wp:cat_name>\n\t</wp:category>\n" % (
              term_id, cdata(pct_lower(slug)), cdata(""), cdata(name)))
        term_id += 1
    for slug, name in TAGS:
        w("\t<wp:tag>\n\t\t<wp:term_id>%d</wp:term_id>\n"
          "\t\t<wp:tag_slug>%s</wp:tag_slug>\n"
          "\t\t<wp:tag_name>%s</wp:tag_name>\n\t</wp:tag>\n" % (
              term_id, cdata(pct_lower(slug)), cdata(name)))
        term_id += 1
    w("\t<wp:term>\n\t\t<wp:term_id>%d</wp:term_id>\n"
      "\t\t<wp:term_taxonomy>%s</wp:term_taxonomy>\n"
      "\t\t<wp:term_slug>%s</wp:term_slug>\n"
      "\t\t<wp:term_name>%s</wp:term_name>\n\t</wp:term>\n\n" % (
          term_id, cdata("nav_menu"), cdata("huvudmeny"),
          cdata("Huvudmeny")))
    w("\t<generator>https://wordpress.org/?v=6.4.2</generator>\n\n")
    cat_names = dict(CATEGORIES)
    tag_names = dict(TAGS)

    items = []
    for k, p in enumerate(g.posts + [q for q in g.pages if q.in_wp]):
        items.append((p.wp_id, "real", p))
    last = g.posts[-1] if g.posts else None
    max_id = max([p.wp_id for p in g.posts + g.pages] + [10])
    if last is not None:
        items.append((last.wp_id + 1, "attachment", last))
    items.append((max_id + 3, "draft", None))
    items.append((max_id + 5, "nav", g.pages[0]))
    items.sort(key=lambda x: x[0])

    def item(title, link, pub_gmt, wp_id, content, date_local, date_gmt,
             name, status, ptype, parent=0, cats=(), extra=""):
        s = ["\t<item>\n",
             "\t\t<title>%s</title>\n" % xml_escape(title),
             "\t\t<link>%s</link>\n" % xml_escape(link),
             "\t\t<pubDate>%s</pubDate>\n" % pub_gmt,
             "\t\t<dc:creator>%s</dc:creator>\n" % cdata(AUTHOR_LOGIN),
             '\t\t<guid isPermaLink="false">%s/?p=%d</guid>\n' % (SITE_URL,
                                                                   wp_id),
             "\t\t<description></description>\n",
             "\t\t<content:encoded>%s</content:encoded>\n" % cdata(content),
             "\t\t<excerpt:encoded>%s</excerpt:encoded>\n" % cdata(""),
             "\t\t<wp:post_id>%d</wp:post_id>\n" % wp_id,
             "\t\t<wp:post_date>%s</wp:post_date>\n" % cdata(date_local),
             "\t\t<wp:post_date_gmt>%s</wp:post_date_gmt>\n" % cdata(
                 date_gmt),
             "\t\t<wp:post_modified>%s</wp:post_modified>\n" % cdata(
                 date_local),
             "\t\t<wp:post_modified_gmt>%s</wp:post_modified_gmt>\n" % cdata(
                 date_gmt),
             "\t\t<wp:comment_status>%s</wp:comment_status>\n" % cdata(
                 "open" if ptype == "post" else "closed"),
             "\t\t<wp:ping_status>%s</wp:ping_status>\n" % cdata(
                 "open" if ptype == "post" else "closed"),
             "\t\t<wp:post_name>%s</wp:post_name>\n" % cdata(name),
             "\t\t<wp:status>%s</wp:status>\n" % cdata(status),
             "\t\t<wp:post_parent>%d</wp:post_parent>\n" % parent,
             "\t\t<wp:menu_order>0</wp:menu_order>\n",
             "\t\t<wp:post_type>%s</wp:post_type>\n" % cdata(ptype),
             "\t\t<wp:post_password>%s</wp:post_password>\n" % cdata(""),
             "\t\t<wp:is_sticky>0</wp:is_sticky>\n"]
        for dom, nice, label in cats:
            s.append('\t\t<category domain="%s" nicename="%s">%s</category>\n'
                     % (dom, xml_escape(nice), cdata(label)))
        s.append(extra)
        s.append("\t</item>\n")
        return "".join(s)

    for wp_id, what, p in items:
        if what == "real":
            gmt = p.pub - dt.timedelta(seconds=g.tz.offset(p.pub_t))
            paras = [rng.choice(LOREM) for _ in range(rng.randint(2, 5))]
            body = "\n\n".join(paras)
            if p.kind == "post" and p.images:
                body = ('<img class="aligncenter size-large" src="%s%s" '
                        'alt="" width="1024" height="683" />\n\n' % (
                            SITE_URL, p.images[0])) + body
            if p.kind == "post" and p is g.posts[0]:
                body += ("\n\n<pre>if (a[b[0]]> 1) { return; }</pre>")
            if p.kind == "post" and len(g.posts) > 1:
                other = g.posts[rng.randrange(len(g.posts))]
                body += '\n\nSe även <a href="%s%s">%s</a>.' % (
                    SITE_URL, other.enc, xml_escape(other.title))
            cats = ([("category", pct_lower(c), cat_names[c])
                     for c in p.cats] +
                    [("post_tag", pct_lower(t), tag_names[t])
                     for t in p.tags])
            extra = ("\t\t<wp:postmeta>\n\t\t\t<wp:meta_key>%s</wp:meta_key>"
                     "\n\t\t\t<wp:meta_value>%s</wp:meta_value>\n"
                     "\t\t</wp:postmeta>\n" % (cdata("_edit_last"),
                                               cdata("1")))
            for c in range(p.comments):
                cd = p.pub + dt.timedelta(hours=2 + 5 * c, minutes=13 * c)
                extra += (
                    "\t\t<wp:comment>\n"
                    "\t\t\t<wp:comment_id>%d</wp:comment_id>\n"
                    "\t\t\t<wp:comment_author>%s</wp:comment_author>\n"
                    "\t\t\t<wp:comment_author_email>%s"
                    "</wp:comment_author_email>\n"
                    "\t\t\t<wp:comment_author_url>%s</wp:comment_author_url>\n"
                    "\t\t\t<wp:comment_author_IP>%s</wp:comment_author_IP>\n"
                    "\t\t\t<wp:comment_date>%s</wp:comment_date>\n"
                    "\t\t\t<wp:comment_date_gmt>%s</wp:comment_date_gmt>\n"
                    "\t\t\t<wp:comment_content>%s</wp:comment_content>\n"
                    "\t\t\t<wp:comment_approved>%s</wp:comment_approved>\n"
                    "\t\t\t<wp:comment_type>%s</wp:comment_type>\n"
                    "\t\t\t<wp:comment_parent>%d</wp:comment_parent>\n"
                    "\t\t\t<wp:comment_user_id>0</wp:comment_user_id>\n"
                    "\t\t</wp:comment>\n") % (
                    wp_id * 10 + c, cdata(rng.choice(
                        ("Anna L.", "Jörgen", "Marie & Per", "Tom"))),
                    cdata("reader%d@example.com" % c), cdata(""),
                    cdata(rand_v4(rng)), cdata(mysql(cd)),
                    cdata(mysql(cd - dt.timedelta(hours=1))),
                    cdata(rng.choice(("Bra skrivet!", "Håller inte med – "
                                      "<em>alls</em>.", "Thanks & good "
                                      "luck!"))),
                    cdata("1"), cdata("comment"),
                    wp_id * 10 + c - 1 if c else 0)
            w(item(p.title, SITE_URL + p.enc, rfc822(gmt), wp_id, body,
                   mysql(p.pub), mysql(gmt), pct_lower(p.slug), "publish",
                   p.kind, p.parent or 0, cats, extra))
        elif what == "attachment":
            gmt = p.pub - dt.timedelta(seconds=g.tz.offset(p.pub_t))
            url = SITE_URL + p.images[0]
            w(item("photo", SITE_URL + p.enc + "photo/", rfc822(gmt), wp_id,
                   "", mysql(p.pub), mysql(gmt), "photo", "inherit",
                   "attachment", p.wp_id, (),
                   "\t\t<wp:attachment_url>%s</wp:attachment_url>\n" %
                   cdata(url)))
        elif what == "draft":
            d = dt.datetime.combine(g.dates[-1], dt.time(21, 14, 3))
            w(item("Utkast: tankar om ”handel & säkerhet”",
                   "%s/?p=%d" % (SITE_URL, wp_id),
                   "Mon, 30 Nov -0001 00:00:00 +0000", wp_id,
                   "Inte klart än.", mysql(d), "0000-00-00 00:00:00", "",
                   "draft", "post", 0,
                   [("category", "politik", "Politik")]))
        elif what == "nav":
            d = dt.datetime(2011, 3, 1, 12, 0, 0)
            w(item("Hem", "%s/?p=%d" % (SITE_URL, wp_id), rfc822(d), wp_id,
                   "", mysql(d), mysql(d), str(wp_id), "publish",
                   "nav_menu_item", 0, [("nav_menu", "huvudmeny",
                                         "Huvudmeny")],
                   "\t\t<wp:postmeta>\n\t\t\t<wp:meta_key>%s</wp:meta_key>\n"
                   "\t\t\t<wp:meta_value>%s</wp:meta_value>\n"
                   "\t\t</wp:postmeta>\n"
                   "\t\t<wp:postmeta>\n\t\t\t<wp:meta_key>%s</wp:meta_key>\n"
                   "\t\t\t<wp:meta_value>%s</wp:meta_value>\n"
                   "\t\t</wp:postmeta>\n" % (
                       cdata("_menu_item_type"), cdata("custom"),
                       cdata("_menu_item_url"), cdata(SITE_URL + "/"))))
    w("</channel>\n</rss>\n")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(out))


def write_csv(g, path):
    buf = io.StringIO(newline="")
    wr = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    wr.writerow(["path", "title", "published", "tags"])
    for p in g.posts + g.pages:
        wr.writerow([p.path, p.title, p.pub.date().isoformat(),
                     "|".join(p.tags)])
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())


# ---------------------------------------------------------------------------

def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Write synthetic WordPress access logs and the counts "
        "blogstat must find in them (expected.json).")
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", default="2013-02-01", help="first day")
    ap.add_argument("--days", type=int, default=14)
    ap.add_argument("--lines-per-day", type=int, default=300)
    ap.add_argument("--lines", type=int, default=None,
                    help="total lines instead of --lines-per-day")
    ap.add_argument("--posts", type=int, default=40)
    ap.add_argument("--layout", choices=("rotated", "single"),
                    default="rotated")
    ap.add_argument("--format", choices=("combined", "common",
                                         "vhost_combined", "apache",
                                         "nginx_main", "nginx", "caddy",
                                         "nginx_json"),
                    default="combined",
                    help="vhost_combined and nginx_main as named in "
                    "doc/formats.md; apache and nginx: the custom formats "
                    "of tests/gen/README.md")
    ap.add_argument("--proxy", action="store_true",
                    help="requests come through trusted proxies, with "
                    "X-Forwarded-For (nginx_main, nginx, caddy)")
    ap.add_argument("--host", metavar="NAME",
                    help="the virtual host the formats that log one write "
                    "(vhost_combined, apache, nginx, caddy); default "
                    + SITE_HOST)
    ap.add_argument("--host-variants", action="store_true",
                    help="spell the host otherwise on about one line in six "
                    "(upper or mixed case, trailing dot, another port)")
    ap.add_argument("--crlf", action="store_true")
    ap.add_argument("--no-bad", action="store_true")
    ap.add_argument("--audience-edges", action="store_true",
                    help="add a few readers on the edges of the visitor and "
                    "visit rules (30-minute gaps, same second, midnight, "
                    "spring DST change, visits across the 06:25 rotation)")
    ap.add_argument("--mix", choices=("blog", "busy"), default="blog",
                    help="busy: a popular blog's log, mostly readers' "
                    "pages (assets on a CDN), returning readers")
    a = ap.parse_args(argv)
    try:
        dt.date.fromisoformat(a.start)
    except ValueError:
        ap.error("--start must be YYYY-MM-DD")
    if a.days < 1 or a.posts < 1 or a.lines_per_day < 1 or (
            a.lines is not None and a.lines < 1):
        ap.error("--days, --posts, --lines-per-day and --lines must be >= 1")
    if a.host is not None and not re.fullmatch(
            r"[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?"
            r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)*", a.host):
        ap.error("--host must be a host name (letters, digits, '-', '_' "
                 "and '.', no port)")
    if (a.host is not None or a.host_variants) and a.format not in (
            "vhost_combined", "apache", "nginx", "caddy"):
        ap.error("--host and --host-variants need a format that logs the "
                 "host: vhost_combined, apache, nginx or caddy")
    check_ua_pools()
    os.makedirs(a.out, exist_ok=True)
    params = {"seed": a.seed, "start": a.start, "days": a.days,
              "lines_per_day": a.lines_per_day, "lines": a.lines,
              "posts": a.posts, "layout": a.layout, "format": a.format,
              "crlf": a.crlf, "no_bad": a.no_bad, "proxy": a.proxy,
              "audience_edges": a.audience_edges}
    # Only when given, so that the expected.json of a run without them
    # stays as it was.
    if a.host is not None:
        params["host"] = a.host
    if a.host_variants:
        params["host_variants"] = True
    if a.mix != "blog":
        params["mix"] = a.mix
    g = Gen(a)
    eol = "\r\n" if a.crlf else "\n"
    sink = (RotatedSink if a.layout == "rotated" else SingleSink)(g, a.out,
                                                                  eol)
    g.run(sink)
    sink.finish()
    if g.limit is not None and g.total != g.limit:
        print("genlog: warning: wrote %d lines, not %d" % (g.total, g.limit),
              file=sys.stderr)
    exp = expected(g, params)
    with open(os.path.join(a.out, "expected.json"), "w", encoding="utf-8",
              newline="\n") as f:
        json.dump(exp, f, ensure_ascii=False, sort_keys=True, indent=1)
        f.write("\n")
    write_wxr(g, os.path.join(a.out, "wordpress-export.xml"))
    write_csv(g, os.path.join(a.out, "posts.csv"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
