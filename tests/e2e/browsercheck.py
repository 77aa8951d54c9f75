#!/usr/bin/env python3
"""Render HTML pages in headless Chromium and check what a reader sees.

Each page is opened at two widths: 390 CSS pixels (a phone: device scale
factor 2, mobile viewport) and 1280 (a desktop: scale factor 1). A page
fails at a width when
  - it overflows horizontally: document.documentElement.scrollWidth is
    more than window.innerWidth or the width asked for (a phone's layout
    viewport widens to fit what overflows it, innerWidth with it), or an
    element's right edge passes that width (the outermost such elements are named; content inside a
    scrolling or clipping box is that box's business and is not counted);
  - a console error or warning is logged (Log and Runtime domains), which
    includes a Content-Security-Policy violation and a resource that
    failed to load;
  - an <img> did not load (not complete, or naturalWidth 0).

The pages forbid scripts with their CSP, so nothing is injected into them:
Chromium is driven from outside through the DevTools protocol over a
websocket, and the checks run with Runtime.evaluate, which a page's CSP
does not govern. One Chromium serves all pages.

Prints one line per page and width, "ok" or "FAIL" with the reasons.
Exits 0 when every page passes, 1 when one fails or Chromium cannot be
driven, 77 (and a "skip:" line) when Chromium is not installed.

    browsercheck.py [--shots DIR] PAGE.html...

--shots DIR keeps a full-page PNG of each page at each width in DIR,
named after the page's folder and name and the width (rep-index-390.png).
CHROMIUM names the browser's command (default: chromium).
"""
import argparse
import base64
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.parse

# (CSS width, CSS height, device scale factor, mobile viewport)
WIDTHS = [(390, 844, 2, True), (1280, 800, 1, False)]
TIMEOUT = 30  # seconds for Chromium to start or a page to load


class WebSocket:
    """The client side of RFC 6455, as much as DevTools needs: text
    messages out (masked, as a client must), text messages in (possibly
    fragmented), pings answered."""

    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        self.sock = socket.create_connection((u.hostname, u.port), TIMEOUT)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            f"GET {u.path} HTTP/1.1\r\nHost: {u.netloc}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            .encode())
        self.rfile = self.sock.makefile("rb")
        status = self.rfile.readline()
        if b" 101 " not in status:
            raise ConnectionError(f"websocket handshake: {status!r}")
        while self.rfile.readline() not in (b"\r\n", b""):
            pass

    def _frame(self, opcode, data):
        n = len(data)
        if n < 126:
            head = struct.pack(">BB", 0x80 | opcode, 0x80 | n)
        elif n < 1 << 16:
            head = struct.pack(">BBH", 0x80 | opcode, 0x80 | 126, n)
        else:
            head = struct.pack(">BBQ", 0x80 | opcode, 0x80 | 127, n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i & 3] for i, b in enumerate(data))
        self.sock.sendall(head + mask + masked)

    def send(self, text):
        self._frame(0x1, text.encode())

    def _read(self, n):
        data = self.rfile.read(n)
        if len(data) != n:
            raise ConnectionError("websocket closed by Chromium")
        return data

    def recv(self):
        message = b""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            payload = self._read(n)  # a server's frames are not masked
            opcode = b0 & 0x0F
            if opcode == 0x8:
                raise ConnectionError("websocket closed by Chromium")
            if opcode == 0x9:
                self._frame(0xA, payload)
            elif opcode in (0x0, 0x1, 0x2):
                message += payload
                if b0 & 0x80:
                    return message.decode()

    def close(self):
        self.sock.close()


class DevTools:
    """Commands and events of one DevTools connection; events that arrive
    while a command waits for its answer are kept in self.events."""

    def __init__(self, url):
        self.ws = WebSocket(url)
        self.last_id = 0
        self.events = []

    def call(self, method, session=None, **params):
        self.last_id += 1
        msg = {"id": self.last_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        self.ws.send(json.dumps(msg))
        while True:
            reply = json.loads(self.ws.recv())
            if reply.get("id") == self.last_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_event(self, method, session):
        deadline = time.monotonic() + TIMEOUT
        while True:
            for e in self.events:
                if e["method"] == method and e.get("sessionId") == session:
                    return e
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {method} within {TIMEOUT} s")
            reply = json.loads(self.ws.recv())
            if "method" in reply:
                self.events.append(reply)


# Evaluated in the page once it has loaded, with W the width asked for;
# returns what the checks need.
CHECKS_JS = r"""
(W => {
  const doc = document.documentElement;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      [...el.classList].map(c => '.' + c).join('');
  const path = el => {
    const parts = [];
    for (let e = el; e && e !== doc; e = e.parentElement) parts.unshift(name(e));
    return parts.join(' > ');
  };
  // Inside a box that scrolls or clips (other than the page itself),
  // an element cannot widen the page.
  const clipped = el => {
    for (let p = el.parentElement; p && p !== document.body && p !== doc;
         p = p.parentElement)
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    return false;
  };
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    const right = r.right + window.scrollX;
    if ((r.width || r.height) && right > W + 0.5 && !clipped(el) &&
        !wide.some(w => w.el.contains(el)))
      wide.push({el, right: Math.round(right * 10) / 10});
  }
  return {
    innerWidth: window.innerWidth, scrollWidth: doc.scrollWidth,
    wide: wide.map(w => ({
      path: path(w.el), right: w.right,
      text: (w.el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40)})),
    images: document.images.length,
    broken: [...document.images].filter(i => !(i.complete && i.naturalWidth > 0))
        .map(i => i.getAttribute('src'))
  };
})
"""


def messages(events, session):
    """The console errors and warnings among a page's DevTools events."""
    out = []
    for e in events:
        if e.get("sessionId") != session:
            continue
        p = e["params"]
        if e["method"] == "Log.entryAdded":
            entry = p["entry"]
            if entry["level"] in ("error", "warning"):
                text = entry["text"]
                if entry.get("url"):
                    text += f" ({entry['url']})"
                out.append((entry["level"], text))
        elif e["method"] == "Runtime.consoleAPICalled":
            if p["type"] in ("error", "warning", "assert"):
                text = " ".join(str(a.get("value", a.get("description", "")))
                                for a in p["args"])
                out.append((p["type"], text))
        elif e["method"] == "Runtime.exceptionThrown":
            d = p["exceptionDetails"]
            text = d.get("exception", {}).get("description") or d["text"]
            out.append(("exception", text))
    return out


def check(dt, session, page, width, height, scale, mobile, shot):
    """Open PAGE at one width; returns what is wrong (a list) and the
    number of images."""
    dt.call("Emulation.setDeviceMetricsOverride", session, width=width,
            height=height, deviceScaleFactor=scale, mobile=mobile)
    dt.events.clear()
    nav = dt.call("Page.navigate", session, url="file://" + page)
    if nav.get("errorText"):
        return [f"cannot open: {nav['errorText']}"], 0
    dt.wait_event("Page.loadEventFired", session)
    res = dt.call("Runtime.evaluate", session,
                  expression=f"{CHECKS_JS}({width})", returnByValue=True)
    if "exceptionDetails" in res:
        raise RuntimeError(f"checks: {res['exceptionDetails']}")
    r = res["result"]["value"]
    problems = []
    # A mobile viewport widens to fit a page that overflows (innerWidth
    # follows scrollWidth), so the width asked for is the yardstick too.
    if r["scrollWidth"] > min(r["innerWidth"], width):
        problems.append(f"overflow: scrollWidth {r['scrollWidth']} > {width} "
                        f"(innerWidth {r['innerWidth']})")
    for w in r["wide"][:5]:
        problems.append(f"element past the right edge ({w['right']} > "
                        f"{width}): {w['path']} \"{w['text']}\"")
    if len(r["wide"]) > 5:
        problems.append(f"... and {len(r['wide']) - 5} more elements past the edge")
    for src in r["broken"]:
        problems.append(f"img did not load: {src}")
    for level, text in messages(dt.events, session):
        kind = ("CSP violation" if "Content Security Policy" in text
                else f"console {level}")
        problems.append(f"{kind}: {text[:300]}")
    if shot:
        size = dt.call("Page.getLayoutMetrics", session)["cssContentSize"]
        png = dt.call("Page.captureScreenshot", session, format="png",
                      optimizeForSpeed=True,
                      captureBeyondViewport=True,
                      clip={"x": 0, "y": 0, "width": max(width, size["width"]),
                            "height": size["height"], "scale": 1})
        with open(shot, "wb") as f:
            f.write(base64.b64decode(png["data"]))
    return problems, r["images"]


def start_chromium(browser, profile):
    """Start headless Chromium; returns the process and the browser's
    DevTools websocket URL (from the DevToolsActivePort file it writes)."""
    log = open(os.path.join(profile, "chromium.log"), "wb")
    proc = subprocess.Popen(
        [browser, "--headless=new", "--no-sandbox", "--remote-debugging-port=0",
         f"--user-data-dir={profile}", "--no-first-run",
         "--no-default-browser-check", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "about:blank"],
        stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    log.close()
    port_file = os.path.join(profile, "DevToolsActivePort")
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with open(port_file) as f:
                lines = f.read().split("\n")
            if len(lines) >= 2 and lines[1]:
                return proc, f"ws://127.0.0.1:{lines[0]}{lines[1]}"
        except FileNotFoundError:
            pass
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    with open(os.path.join(profile, "chromium.log"), errors="replace") as f:
        tail = f.read()[-2000:]
    raise RuntimeError(f"{browser} gave no DevTools port within {TIMEOUT} s:\n{tail}")


def shot_name(page, width):
    folder = os.path.basename(os.path.dirname(page))
    stem = os.path.splitext(os.path.basename(page))[0]
    return f"{folder}-{stem}-{width}.png"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shots", metavar="DIR",
                    help="keep a screenshot of each page at each width here")
    ap.add_argument("pages", nargs="+", metavar="PAGE.html")
    args = ap.parse_args()

    browser = shutil.which(os.environ.get("CHROMIUM", "chromium"))
    if not browser:
        print("skip: chromium is not installed (Debian package chromium)")
        return 77
    pages = [os.path.abspath(p) for p in args.pages]
    for p in pages:
        if not os.path.isfile(p):
            print(f"browsercheck: {p}: no such file", file=sys.stderr)
            return 1
    if args.shots:
        os.makedirs(args.shots, exist_ok=True)

    profile = tempfile.mkdtemp(prefix="browsercheck.")
    proc = None
    failed = 0
    try:
        proc, url = start_chromium(browser, profile)
        dt = DevTools(url)
        target = dt.call("Target.createTarget", url="about:blank")["targetId"]
        session = dt.call("Target.attachToTarget", targetId=target,
                          flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            dt.call(f"{domain}.enable", session)
        for page, arg in zip(pages, args.pages):
            for width, height, scale, mobile in WIDTHS:
                shot = (os.path.join(args.shots, shot_name(page, width))
                        if args.shots else None)
                problems, images = check(dt, session, page, width, height,
                                         scale, mobile, shot)
                if problems:
                    failed += 1
                    print(f"FAIL {arg} at {width}px: " + "; ".join(problems))
                else:
                    print(f"ok   {arg} at {width}px ({images} images)")
        try:
            dt.call("Browser.close")
        except ConnectionError:
            pass
        dt.ws.close()
    except (OSError, RuntimeError) as e:
        print(f"browsercheck: {e}", file=sys.stderr)
        return 1
    finally:
        if proc:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(profile, ignore_errors=True)
    if failed:
        print(f"browsercheck: {failed} page/width checks failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
