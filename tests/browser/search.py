#!/usr/bin/env python3
"""Browser test of a built site in headless Chromium (Debian's package).

Loads the site from file://, searches for an English and a Chinese word and checks the
expected pages are found, and checks that no page makes a request to another host (from
Chromium's network log: requests a page starts carry the page as initiator; the browser's
own background requests do not). A control page that does load remote files proves the
check can fail.

    python3 tests/browser/search.py PUBLIC_DIR
"""
import json, os, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cdp  # noqa: E402

check = cdp.Checks(quiet=False)

public = os.path.abspath(sys.argv[1])

def chromium(url, netlog):
    args = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-quic", f"--user-data-dir={tempfile.mkdtemp()}", f"--log-net-log={netlog}",
            "--virtual-time-budget=3000", "--dump-dom", url]
    return subprocess.run(args, capture_output=True, text=True, timeout=120).stdout

def page_requests(netlog):
    """URLs the page itself asked the network for."""
    events = json.load(open(netlog)).get("events", [])
    return sorted({e["params"]["url"] for e in events
                   if "url" in e.get("params", {}) and e["params"].get("initiator", "not an origin") != "not an origin"})

log = os.path.join(tempfile.mkdtemp(), "net.json")
for query, expected in [("booking", 'href="../notes/2026-09-21-design-approved.html"'),
                        ("%E9%AA%8C%E6%94%B6", 'href="../glossary/index.html#user-acceptance-testing"')]:
    dom = chromium(f"file://{public}/search/index.html?q={query}", log)
    results = dom[dom.find('id="search-results"'):]
    check(f"search for {query} finds {expected}", expected in results, results[:300])
    check(f"search for {query} makes no request to another host", not page_requests(log), page_requests(log))

for page in ["index.html", "notes/index.html", "issues/index.html", "timeline/index.html", "glossary/index.html",
             "milestones/index.html", "metrics/index.html", "reports/index.html", "how-we-work/index.html"]:
    chromium(f"file://{public}/{page}", log)
    requests = page_requests(log)
    check(f"{page} makes no request to another host", not requests, requests)

control = os.path.join(tempfile.mkdtemp(), "leaky.html")
open(control, "w").write('<img src="http://example.invalid/x.png">')
chromium(f"file://{control}", log)
check("the request check notices a remote image (control)", page_requests(log) == ["http://example.invalid/x.png"], page_requests(log))

check.finish()
