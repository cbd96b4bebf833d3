#!/usr/bin/env python3
"""Browser test of a passphrase-protected site (`[access]`) in headless Chromium.

Drives Chromium through the DevTools protocol over a pipe (--remote-debugging-pipe: no
port, no third-party Python package). Opens the site from file:// and from a sub-path of
a local HTTP server, types passphrases into the field, and checks: a wrong passphrase
shows the error and no content; the right one shows the dashboard's health and progress;
a second page opens without asking again; search works after unlocking; a share link
(`#key=…`) opens the site and leaves the address bar; the lock button forgets the key;
"remember on this device" carries over to a new tab; no request leaves the machine.
Prints the time from submitting the passphrase to the page being shown.

    python3 tests/browser/access.py SEALED_DIR PASSPHRASE
"""
import http.server, json, os, shutil, subprocess, sys, tempfile, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cdp  # noqa: E402

check = cdp.Checks(quiet=False)

site, passphrase = os.path.abspath(sys.argv[1]), sys.argv[2]



class Tab(cdp.Tab):
    """A tab that can type a passphrase into the unlock form."""

    def type_passphrase(self, text, remember=False):
        self.until("!document.getElementById('vitrine-unlock').hidden")
        self.js("var f = document.getElementById('vitrine-passphrase'); f.value = ''; f.focus()")
        self.b.send("Input.insertText", {"text": text}, session=self.s)
        if remember:
            self.js("document.getElementById('vitrine-remember').checked = true")
        self.b.send("Input.dispatchKeyEvent", {"type": "keyDown", "key": "Enter", "code": "Enter",
                                               "windowsVirtualKeyCode": 13, "text": "\r"}, session=self.s)
        self.b.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": "Enter", "code": "Enter",
                                               "windowsVirtualKeyCode": 13}, session=self.s)

    def unlocked(self, timeout=20):
        return self.until("!document.body.classList.contains('locked') && !!document.querySelector('.site-footer')",
                          timeout)

    def asking(self):
        return self.until("!document.getElementById('vitrine-unlock').hidden", 5)


def scenario(base, label, browser):
    """Every claim of the module docstring, against the site at `base` (a URL ending in /)."""
    tab = browser.tab(browser.context())
    tab.go(base + "index.html")
    check(f"{label}: the shell asks for the passphrase", tab.asking())
    check(f"{label}: the shell shows no content", "Overall progress" not in tab.js("document.body.innerText"))
    tab.type_passphrase("not the passphrase at all")
    wrong = tab.until("document.getElementById('vitrine-unlock-status').textContent.indexOf('not right') >= 0")
    check(f"{label}: a wrong passphrase says so", wrong, tab.js("document.body.innerText")[:200])
    check(f"{label}: a wrong passphrase shows no content",
          tab.js("document.body.classList.contains('locked') && !document.querySelector('progress')"))
    tab.type_passphrase(passphrase)
    check(f"{label}: the right passphrase opens the dashboard", tab.unlocked())
    text = tab.js("document.body.innerText")
    check(f"{label}: the dashboard shows health and progress",
          "At risk" in text and tab.js("!!document.querySelector('progress[aria-label=\"Overall progress\"]')"), text[:300])
    tab.go(base + "notes/index.html")
    check(f"{label}: a second page opens without asking again",
          tab.unlocked(10) and tab.js("document.getElementById('vitrine-unlock') === null"))
    check(f"{label}: the unlocked page has its own title again", tab.js("document.title").startswith("Status notes"),
          tab.js("document.title"))
    tab.go(base + "search/index.html?q=booking")
    found = tab.until("document.querySelectorAll('#search-results li').length > 0", 10)
    check(f"{label}: search works after unlocking",
          found and "design-approved" in tab.js("document.getElementById('search-results').innerHTML"))
    tab.js("document.querySelector('.lock-button').click()")
    check(f"{label}: the lock button forgets the key", tab.asking()
          and tab.js("sessionStorage.length === 0 && localStorage.length === 0"))

    # A share link, in a fresh context (no stored key).
    tab = browser.tab(browser.context())
    tab.go(base + "index.html#key=" + passphrase.replace(" ", "%20"))
    check(f"{label}: a share link opens the site unlocked", tab.unlocked())
    href = tab.js("location.href")
    check(f"{label}: the key is gone from the address bar", "key=" not in href and "#" not in href, href)

    # Remember on this device: a new tab of the same context opens without asking.
    context = browser.context()
    tab = browser.tab(context)
    tab.go(base + "index.html")
    tab.type_passphrase(passphrase, remember=True)
    tab.unlocked()
    other = browser.tab(context)
    other.go(base + "milestones/index.html")
    check(f"{label}: 'remember on this device' carries over to a new tab", other.unlocked(10))
    plain = browser.tab(browser.context())
    plain.go(base + "index.html")
    plain.type_passphrase(passphrase)
    plain.unlocked()
    fresh = browser.tab(browser.context())
    fresh.go(base + "index.html")
    check(f"{label}: without it, another session asks again", fresh.asking())

    # Time from submitting the passphrase to the page being shown (PBKDF2 dominates).
    times = []
    for _ in range(3):
        t = browser.tab(browser.context())
        t.go(base + "index.html")
        t.until("!document.getElementById('vitrine-unlock').hidden")
        ms = t.js("""new Promise(function (done) {
            var f = document.getElementById('vitrine-passphrase'); f.value = %s;
            var t0 = performance.now();
            new MutationObserver(function (_, o) {
              if (!document.body.classList.contains('locked')) { o.disconnect(); done(performance.now() - t0); }
            }).observe(document.body, { attributes: true });
            document.getElementById('vitrine-unlock').requestSubmit();
        })""" % json.dumps(passphrase), wait=True)
        times.append(ms)
        t0 = time.time()
        t.go(base + "timeline/index.html")
        t.unlocked()
        next_page = (time.time() - t0) * 1000
    print(f"     {label}: unlock with the passphrase {min(times):.0f}–{max(times):.0f} ms; "
          f"next page, navigation included, with the stored key {next_page:.0f} ms")


browser = cdp.Chromium(Tab)
try:
    scenario(f"file://{site}/", "file://", browser)
    # A sub-path of a local server, like a GitHub Pages project site.
    root = tempfile.mkdtemp()
    shutil.copytree(site, os.path.join(root, "portal", "status"))

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **k):
            super().__init__(*a, directory=root, **k)

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    scenario(f"http://127.0.0.1:{server.server_port}/portal/status/", "sub-path", browser)
    server.shutdown()
    local = ("file://", f"http://127.0.0.1:{server.server_port}/", "about:blank", "data:")
    away = [u for u in browser.requests() if not u.startswith(local)]
    check("no request leaves the machine", not away and browser.requests(), away)
    tab = browser.tab()
    tab.go("data:text/html,<img src='http://example.invalid/x.png'>")
    tab.until("false", 1)
    check("the request check notices a remote image (control)",
          "http://example.invalid/x.png" in browser.requests())
finally:
    browser.close()

check.finish()
