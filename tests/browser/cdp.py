"""Headless Chromium driven through the DevTools protocol over a pipe.

`--remote-debugging-pipe`: no port, no third-party Python package. Used by the browser
tests in this folder.
"""
import json, os, subprocess, sys, tempfile, time


class Checks:
    """Named checks of a browser test: each printed (only failures, when `quiet`), counted,
    and the process's exit status at the end."""

    def __init__(self, quiet=False):
        self.passed = self.failed = 0
        self.quiet = quiet

    def __call__(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            if not self.quiet:
                print(f"ok   {name}")
        else:
            self.failed += 1
            print(f"FAIL {name} {detail}"[:2000])

    def finish(self):
        print(f"{self.passed} passed, {self.failed} failed")
        sys.exit(1 if self.failed else 0)


class Chromium:
    """One headless Chromium, spoken to in DevTools protocol messages over fds 3 and 4."""

    def __init__(self, tab_class=None):
        self.tab_class = tab_class or Tab
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def fds():  # fds 3 and 4 in the child, inheritable (os.pipe's are close-on-exec)
            a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-quic", f"--user-data-dir={tempfile.mkdtemp()}", "--remote-debugging-pipe",
             "about:blank"],
            preexec_fn=fds, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buf, self.next_id, self.events = b"", 0, []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        want = self.next_id
        while True:
            m = self.read()
            if m.get("id") == want:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def read(self):
        while b"\0" not in self.buf:
            chunk = os.read(self.from_chrome, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        return json.loads(raw)

    def tab(self, context=None):
        params = {"url": "about:blank"}
        if context:
            params["browserContextId"] = context
        target = self.send("Target.createTarget", params)["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ["Page", "Runtime", "Network"]:
            self.send(f"{domain}.enable", session=session)
        return self.tab_class(self, session)

    def context(self):
        return self.send("Target.createBrowserContext")["browserContextId"]

    def requests(self):
        """Every URL a page asked for, so far."""
        return sorted({e["params"]["request"]["url"] for e in self.events
                       if e.get("method") == "Network.requestWillBeSent"})

    def close(self):
        self.proc.kill()
        self.proc.wait()


class Tab:
    def __init__(self, browser, session):
        self.b, self.s = browser, session

    def js(self, expr, wait=False):
        r = self.b.send("Runtime.evaluate", {"expression": expr, "returnByValue": True, "awaitPromise": wait},
                        session=self.s)
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expr}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def go(self, url):
        self.b.send("Page.navigate", {"url": url}, session=self.s)
        return self.until("document.readyState === 'complete'")

    def until(self, expr, timeout=20):
        end = time.time() + timeout
        while time.time() < end:
            try:
                if self.js(expr):
                    return True
            except RuntimeError:
                pass  # the page is being replaced
            time.sleep(0.05)
        return False
