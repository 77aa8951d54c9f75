#!/usr/bin/env python3
"""Scan a database for anything that says who the readers were.

    privacy.py DB --logs LOG... [--open DAY...] [--also DIR...]

From the logs (plain or gzip, combined or common format) it takes every
client address and every User-Agent, and fails when the database (every
value of every table, read with sqlite3, and the bytes of DB, DB-wal and
DB-journal as they are on disk) holds:

  - an address in any spelling: IPv4 dotted, zero-padded, reversed (as in
    in-addr.arpa), as a 32-bit integer either way round, as its 4 bytes
    either way round; IPv6 as written, compressed, exploded, as 32 hex
    digits, as its 16 bytes either way round (in any case);
  - a User-Agent, or any 12 characters of one that no other field of the
    logs holds (a request or a referrer may legitimately be stored);
  - an unsalted hash (MD5, SHA-1, SHA-256) of an address, a User-Agent or
    of both, as hex or binary, whole or its first 8 bytes as a 64-bit
    value (a sketch's element).

With --also, the text files under DIR (a report: HTML, SVG) are
scanned as text too.

The sketches and salts are random bytes: 4-byte IPv4 forms are looked
for there only as whole 64-bit elements (anything else would match by
chance). The secret key visitors are hashed under must be in DB.key
(16 bytes, mode 0600), and neither in a table nor anywhere in the bytes
of DB and DB-wal. Then, with --open, the days whose salts and open
visits may remain: day_salts and open_visit_sets hold exactly those days (so
every other day is closed), and both are not empty for them.
"""
import argparse
import gzip
import hashlib
import ipaddress
import os
import re
import sqlite3
import struct
import sys

HASHED = {("day_sketches", "sketch"), ("path_sketches", "sketch"),
          ("country_sketches", "sketch"), ("dim_sketches", "sketch"),
          ("day_salts", "salt"), ("meta", "value")}
# The dimensions whose keys name a kind of client, as the robot list and
# the User-Agent parser's data name it ("Googlebot", "Firefox"): words
# of a User-Agent by design, never a whole one, at most NAME_MAX bytes.
NAMED_DIMS = ("robot", "client")
NAME_MAX = 64
LINE = re.compile(rb'^(\S+) \S+ \S+ \[[^\]]*\] "((?:[^"\\]|\\.)*)" \S+ \S+'
                  rb'(?: "((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)")?\r?$')
WIN = 12
DIGITS = b"0123456789"
V4 = DIGITS + b"."
HEX = DIGITS + b"abcdef"
V6 = HEX + b":"


def read_logs(paths):
    addrs, uas, other, pairs = set(), set(), [], set()
    for p in paths:
        with open(p, "rb") as f:
            data = f.read()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        for line in data.split(b"\n"):
            m = LINE.match(line)
            if not m:
                continue
            addrs.add(m.group(1).decode("latin-1"))
            other.append(m.group(2))
            if m.group(3) is not None:
                other.append(m.group(3))
            if m.group(4) is not None and m.group(4) not in (b"", b"-"):
                uas.add(m.group(4))
                pairs.add((m.group(1), m.group(4)))
    return addrs, uas, other, pairs


def windows(b, n=WIN):
    return {b[i:i + n] for i in range(len(b) - n + 1)}


def printable_runs(data, n=WIN):
    """Runs of text (printable ASCII or UTF-8 bytes) of n bytes or more."""
    return re.findall(rb"[\x20-\x7e\x80-\xff]{%d,}" % n, data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("db")
    ap.add_argument("--logs", nargs="+", required=True)
    ap.add_argument("--open", nargs="*", default=[])
    ap.add_argument("--also", nargs="*", default=[])
    a = ap.parse_args()
    addrs, uas, other, pairs = read_logs(a.logs)
    if len(addrs) < 5 or (not uas and any(b'" "' in o for o in other)):
        sys.exit(f"privacy: too little read from the logs ({len(addrs)} "
                 "addresses)")
    bad = []

    # Every value of the database, by kind.
    con = sqlite3.connect(f"file:{a.db}?mode=ro", uri=True)
    texts, blobs, hashed, ints = [], [], [], set()
    tables = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")]
    for t in tables:
        cols = [r[1] for r in con.execute(f'PRAGMA table_info("{t}")')]
        for row in con.execute(f'SELECT * FROM "{t}"'):
            for c, v in zip(cols, row):
                if isinstance(v, bytes):
                    (hashed if (t, c) in HASHED else blobs).append(
                        (f"{t}.{c}", v))
                elif isinstance(v, str):
                    texts.append(v.encode("utf-8", "surrogatepass"))
                elif isinstance(v, int):
                    ints.add(v & (1 << 64) - 1)
    texts.extend(r[0].encode() for r in con.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"))
    names = set()
    if "dim_counts" in tables:
        for dim, k1, k2, k3 in con.execute(
                "SELECT dim, k1, k2, k3 FROM dim_counts WHERE dim IN (%s)"
                % ",".join("?" * len(NAMED_DIMS)), NAMED_DIMS):
            for k in (k1, k2, k3):
                names.add(k.encode())
    con.close()
    for nm in names:
        if len(nm) > NAME_MAX:
            bad.append(f"a client's name of {len(nm)} bytes: '{nm[:80]}'")
    name_w = set()
    for nm in names:
        name_w |= windows(nm)
    # 64-bit elements of the sketches' lists (src/sketch.c: kind 1, a u32
    # count, the u64s), and the hashed blobs' 8-byte words.
    words = set()
    for _, v in hashed:
        if v[:1] == b"\x01" and len(v) >= 5:
            n = struct.unpack_from("<I", v, 1)[0]
            if len(v) == 5 + 8 * n:
                words.update(struct.unpack_from(f"<{n}Q", v, 5))
                continue
        for i in range(0, len(v) - 7):
            words.add(struct.unpack_from("<Q", v, i)[0])
    words |= ints
    raw = b""
    for suffix in ("", "-wal", "-journal"):
        if os.path.exists(a.db + suffix):
            with open(a.db + suffix, "rb") as f:
                raw += f.read() + b"\n"
    nfiles = 0
    for d in a.also:
        for root, _, files in os.walk(d):
            for n in files:
                if n.endswith((".html", ".svg", ".css", ".txt", ".csv")):
                    with open(os.path.join(root, n), "rb") as f:
                        texts.append(f.read())
                    nfiles += 1
    if a.also and not nfiles:
        sys.exit(f"privacy: no text file under {a.also}")
    text = b"\0".join(texts) + b"\0" + b"\0".join(printable_runs(raw))
    text_l = text.lower()
    allbin = raw + b"".join(v for _, v in blobs)
    hashedbin = b"".join(v for _, v in hashed)

    def in_text(what, s, bound):
        """s in the text (any case), not inside a longer run of the
        characters bound (so 1.2.3.4 is not found in 11.2.3.45)."""
        s = s.lower().encode()
        i = text_l.find(s)
        while i >= 0:
            j = i + len(s)
            if (i == 0 or text_l[i - 1] not in bound) and \
                    (j == len(text_l) or text_l[j] not in bound):
                bad.append(f"{what}: '{s.decode()}' in the text")
                return
            i = text_l.find(s, i + 1)

    for ad in sorted(addrs):
        try:
            ip = ipaddress.ip_address(ad)
        except ValueError:
            continue
        p = ip.packed
        if ip.version == 4:
            o = [int(x) for x in ad.split(".")]
            in_text(ad, ad, V4)
            in_text(ad, "%03d.%03d.%03d.%03d" % tuple(o), V4)
            in_text(ad, "%d.%d.%d.%d" % tuple(reversed(o)), V4)
            for v in (int.from_bytes(p, "big"), int.from_bytes(p, "little")):
                in_text(ad, str(v), DIGITS)
                for w in (v, v << 32):
                    if w in words:
                        bad.append(f"{ad}: as the 64-bit value {w}")
            for b in (p, p[::-1]):
                for what, v in blobs:
                    if b in v:
                        bad.append(f"{ad}: its 4 bytes in {what}")
        else:
            for s in {ad, ip.compressed, ip.exploded}:
                in_text(ad, s, V6)
            in_text(ad, p.hex(), HEX)
            for b in (p, p[::-1]):
                if b in allbin or b in hashedbin:
                    bad.append(f"{ad}: its 16 bytes")

    # User-Agents: whole, and any 12 characters no other field has.
    other_w = set()
    for o in other:
        other_w |= windows(o)
        other_w |= windows(o.replace(b'\\"', b'"'))
    text_w = windows(text)
    for ua in sorted(uas):
        for form in {ua, ua.replace(b'\\"', b'"')}:
            if form in text:
                bad.append(f"User-Agent '{form.decode()}' stored whole")
            if form in names:
                bad.append(f"User-Agent '{form.decode()}' stored as a name")
            hit = sorted((windows(form) - other_w - name_w) & text_w)
            if hit:
                bad.append(f"User-Agent '{form.decode()}': "
                           f"'{hit[0].decode(errors='replace')}' stored")

    # Unsalted hashes of addresses, User-Agents and both.
    digests = set()
    msgs = set()
    for ad in addrs:
        msgs.add(ad.encode())
    for ua in uas:
        msgs.add(ua)
        msgs.add(ua.replace(b'\\"', b'"'))
    for ad, ua in pairs:
        for sep in (b"", b" ", b"\0", b"|", b"\t"):
            msgs.add(ad + sep + ua)
            msgs.add(ad + sep + ua.replace(b'\\"', b'"'))
    for m in msgs:
        for h in (hashlib.md5, hashlib.sha1, hashlib.sha256):
            digests.add(h(m).digest())
    for dg in digests:
        if dg.hex().encode() in text_l:
            bad.append(f"an unsalted hash {dg.hex()} in the text")
        if dg in allbin or dg in hashedbin:
            bad.append(f"an unsalted hash {dg.hex()} in a blob")
        for w in (struct.unpack("<Q", dg[:8])[0],
                  struct.unpack(">Q", dg[:8])[0]):
            if w in words:
                bad.append(f"an unsalted hash {dg.hex()} as a 64-bit value")

    # The key visitors are hashed under lives beside the database, never
    # in it: the database alone cannot test a guess.
    con = sqlite3.connect(f"file:{a.db}?mode=ro", uri=True)
    if con.execute("SELECT count(*) FROM meta WHERE key = 'visitor_key'"
                   ).fetchone()[0]:
        bad.append("the visitor key is in the database")
    try:
        st = os.stat(a.db + ".key")
        with open(a.db + ".key", "rb") as f:
            key = f.read()
        if st.st_mode & 0o077:
            bad.append(f"{a.db}.key has mode {st.st_mode & 0o777:o}")
        if len(key) != 16:
            bad.append(f"{a.db}.key holds {len(key)} bytes, not 16")
        for suffix in ("", "-wal"):
            try:
                with open(a.db + suffix, "rb") as f:
                    if key in f.read():
                        bad.append(f"the key is in {a.db}{suffix}")
            except FileNotFoundError:
                pass
    except FileNotFoundError:
        bad.append(f"no {a.db}.key")

    # Closed days: no salt, no open visit.
    day = "date(day * 86400, 'unixepoch')"
    salts = {r[0] for r in con.execute(f"SELECT {day} FROM day_salts")}
    opened = {r[0] for r in con.execute(f"SELECT {day} FROM open_visit_sets")}
    con.close()
    if salts != set(a.open):
        bad.append(f"day_salts holds {sorted(salts)}, not {sorted(a.open)}")
    if opened != set(a.open):
        bad.append(f"open_visit_sets holds {sorted(opened)}, not "
                   f"{sorted(a.open)}")

    for b in bad[:30]:
        print(f"privacy: {a.db}: {b}")
    if bad:
        print(f"privacy: {len(bad)} finding(s)")
        return 1
    print(f"privacy: {a.db}: {len(addrs)} addresses, {len(uas)} "
          f"User-Agents, {len(digests)} hashes: none at rest (nor in "
          f"{nfiles} other files); open days {sorted(a.open)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
