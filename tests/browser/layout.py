#!/usr/bin/env python3
"""Layout and accessibility of a built site, as a client's browser shows it.

Opens every HTML page of each site given, from file://, in headless Chromium at a phone
width (360 px, mobile viewport) and a desktop width (1280 px), and checks:

- no page scrolls sideways (`scrollWidth <= innerWidth`);
- no two pieces of text overprint each other (the boxes of the text on the page, table
  cells included, never intersect) and no table cell's text runs out of its cell;
- the menu is reachable: every menu link can be shown (opening its group) and then lies
  inside the window, uncovered; on a desktop the top level is one row of at most seven;
- chart text is at least 11 px high as drawn;
- axe-core (npm) finds no serious or critical violation on one page of every kind (a
  kind is a folder, or a note kind such as an incident), at both widths, in light and dark.

Control pages prove each check can fail: a page wider than the phone, two overprinting
table cells, a menu link pushed out of the window, tiny chart text, and an image without
alternative text.

    python3 tests/browser/layout.py AXE_MIN_JS PUBLIC_DIR [PUBLIC_DIR...]
"""
import os, re, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cdp  # noqa: E402

check = cdp.Checks(quiet=True)

axe_source = open(sys.argv[1], encoding="utf-8").read()
sites = [os.path.abspath(p) for p in sys.argv[2:]]



WIDTHS = {"phone": (360, 780, True), "desktop": (1280, 900, False)}

# Everything measured in the page: returns a dict of findings (empty lists when fine).
MEASURE = r"""
((W) => {
  const out = {overflow: null, overprint: [], cells: [], menu: [], row: null, charts: []};
  const sw = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
  if (sw > W) {
    // Name the widest element so a failure says what to fix.
    let worst = null, right = W;
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > right + 0.5) { right = r.right; worst = el; }
    }
    out.overflow = `${sw} > ${W}` + (worst ? ` (${worst.tagName.toLowerCase()}.${worst.className}: right edge ${Math.round(right)})` : '');
  }
  const visible = (el) => {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.display === 'none' || s.visibility === 'hidden' || e.hidden) return false;
      if (s.clip && s.clip !== 'auto') return false;           // visually hidden
      if (s.clipPath && s.clipPath !== 'none') return false;
      // The content of a closed <details> (a menu group) is not shown.
      if (e.parentElement && e.parentElement.tagName === 'DETAILS' && !e.parentElement.open && e.tagName !== 'SUMMARY') return false;
    }
    return true;
  };
  // Text boxes: one per line of each text node.
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim() || !visible(n.parentElement)) continue;
    if (n.parentElement.closest('script,style,noscript,template,[aria-hidden="true"] svg')) continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    for (const r of range.getClientRects()) {
      if (r.width < 2 || r.height < 2) continue;
      boxes.push({t: r.top, b: r.bottom, l: r.left, r: r.right, node: n});
    }
  }
  boxes.sort((a, b) => a.t - b.t);
  const name = (n) => (n.parentElement.tagName.toLowerCase() + ' "' + n.textContent.trim().slice(0, 30) + '"');
  for (let i = 0; i < boxes.length && out.overprint.length < 5; i++) {
    const a = boxes[i];
    for (let j = i + 1; j < boxes.length && boxes[j].t < a.b - 2; j++) {
      const b = boxes[j];
      if (a.node === b.node) continue;
      const dx = Math.min(a.r, b.r) - Math.max(a.l, b.l), dy = Math.min(a.b, b.b) - Math.max(a.t, b.t);
      if (dx > 2 && dy > 2) out.overprint.push(`${name(a.node)} over ${name(b.node)}`);
    }
  }
  // Table cells: never wider than their content box allows, never over a neighbour.
  for (const tr of document.querySelectorAll('tr')) {
    if (!visible(tr)) continue;
    const cells = [...tr.children].filter((c) => visible(c) && c.getBoundingClientRect().width > 0);
    for (const c of cells) {
      if (c.scrollWidth > c.clientWidth + 1 && getComputedStyle(c).overflowX === 'visible')
        out.cells.push(`${c.tagName.toLowerCase()} "${c.textContent.trim().slice(0, 30)}" ${c.scrollWidth} > ${c.clientWidth}`);
    }
    for (let i = 0; i < cells.length; i++) for (let j = i + 1; j < cells.length; j++) {
      const a = cells[i].getBoundingClientRect(), b = cells[j].getBoundingClientRect();
      const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left), dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (dx > 1 && dy > 1) out.cells.push(`cells overlap: "${cells[i].textContent.trim().slice(0, 20)}" / "${cells[j].textContent.trim().slice(0, 20)}"`);
    }
  }
  // The menu: open every group, then every link must be inside the window and on top.
  const nav = document.querySelector('header nav, nav[aria-label]');
  if (nav) {
    const top = [...nav.querySelector('ul').children];
    const tops = new Set(top.map((li) => Math.round(li.getBoundingClientRect().top)));
    out.row = {count: top.length, rows: tops.size};
    for (const d of nav.querySelectorAll('details')) d.open = true;
    for (const a of nav.querySelectorAll('a')) {
      a.scrollIntoView({block: 'center', inline: 'nearest'});
      const r = a.getBoundingClientRect();
      const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (r.width < 1 || r.left < -0.5 || r.right > W + 0.5 || !(at === a || a.contains(at)))
        out.menu.push(`"${a.textContent.trim()}" at ${Math.round(r.left)}..${Math.round(r.right)}` + (at && at !== a ? ` covered by ${at.tagName.toLowerCase()}.${at.className}` : ''));
    }
    for (const d of nav.querySelectorAll('details')) d.open = false;
    window.scrollTo(0, 0);
  }
  // Chart text as drawn.
  for (const t of document.querySelectorAll('svg text')) {
    if (!visible(t)) continue;
    const h = parseFloat(getComputedStyle(t).fontSize) * (t.getScreenCTM() ? t.getScreenCTM().a : 1);
    if (h < 11 - 0.05) out.charts.push(`"${t.textContent.trim().slice(0, 20)}" ${h.toFixed(1)} px`);
  }
  out.charts = out.charts.slice(0, 5);
  out.cells = out.cells.slice(0, 5);
  return out;
})(%d)
"""

AXE = """
axe.run(document, {resultTypes: ['violations']}).then((r) => r.violations
  .filter((v) => v.impact === 'serious' || v.impact === 'critical')
  .map((v) => `${v.id} (${v.impact}): ${v.nodes.length} × ${v.nodes[0].target.join(' ')} — ${v.nodes[0].failureSummary.replace(/\\s+/g, ' ').slice(0, 200)}`))
"""


def pages(root):
    for dirpath, _, files in os.walk(root):
        for f in sorted(files):
            if f.endswith(".html"):
                yield os.path.join(dirpath, f)


def kind(root, path):
    """A page's kind: its folder, an item page apart from the list, a note by its kind."""
    rel = os.path.relpath(path, root)
    folder = os.path.dirname(rel) or "."
    base = os.path.basename(rel)
    if folder == "." or base == "index.html":
        return rel
    html = open(path, encoding="utf-8").read()
    m = re.search(r'class="kind kind-([a-z-]+)"', html)
    return f"{folder}/*" + (f" ({m.group(1)})" if m else "")


def measure(tab, url, width):
    w, h, mobile = WIDTHS[width]
    tab.b.send("Emulation.setDeviceMetricsOverride",
               {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": mobile}, session=tab.s)
    tab.go(url)
    return tab.js(MEASURE % w)


def layout(tab, url, width, label):
    m = measure(tab, url, width)
    check(f"{label} at {width}: does not scroll sideways", m["overflow"] is None, m["overflow"])
    check(f"{label} at {width}: no text overprints", not m["overprint"], m["overprint"])
    check(f"{label} at {width}: table cells hold their text", not m["cells"], m["cells"])
    check(f"{label} at {width}: every menu link can be reached", not m["menu"], m["menu"])
    if width == "desktop" and m["row"]:
        check(f"{label} at {width}: the menu is one row of at most seven",
              m["row"]["count"] <= 7 and m["row"]["rows"] == 1, m["row"])
    check(f"{label} at {width}: chart text is at least 11 px", not m["charts"], m["charts"])
    return m


def violations(tab, url, width, scheme):
    w, h, mobile = WIDTHS[width]
    tab.b.send("Emulation.setDeviceMetricsOverride",
               {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": mobile}, session=tab.s)
    tab.b.send("Emulation.setEmulatedMedia",
               {"features": [{"name": "prefers-color-scheme", "value": scheme}]}, session=tab.s)
    tab.go(url)
    tab.js(axe_source)
    return tab.js(AXE, wait=True)


def audit(tab, url, width, scheme, label):
    found = violations(tab, url, width, scheme)
    check(f"{label} at {width} ({scheme}): axe-core finds no serious or critical violation", not found, found)


browser = cdp.Chromium()
tab = browser.tab()
for root in sites:
    seen = {}
    count = 0
    for path in pages(root):
        label = os.path.relpath(path, os.path.dirname(os.path.dirname(root)))
        url = "file://" + path
        for width in WIDTHS:
            layout(tab, url, width, label)
        count += 1
        seen.setdefault(kind(root, path), path)
    print(f"layout: {count} pages of {root} at {', '.join(WIDTHS)}")
    for k, path in sorted(seen.items()):
        label = os.path.relpath(path, os.path.dirname(os.path.dirname(root)))
        for width, scheme in [("desktop", "light"), ("phone", "light"), ("desktop", "dark")]:
            audit(tab, "file://" + path, width, scheme, label)
    tab.b.send("Emulation.setEmulatedMedia", {"features": []}, session=tab.s)
    print(f"axe-core: {len(seen)} kinds of page of {root}: {', '.join(sorted(seen))}")

# Controls: each check must be able to fail.
controls = tempfile.mkdtemp()
control = os.path.join(controls, "control.html")
open(control, "w").write("""<!doctype html><meta name="viewport" content="width=device-width">
<header><nav aria-label="Site sections"><ul><li><a href="#" style="position:relative;left:900px">Far</a></li>
<li>a</li><li>b</li><li>c</li><li>d</li><li>e</li><li>f</li><li>g</li></ul></nav></header>
<div style="width:500px">wide</div>
<table style="table-layout:fixed;width:100px"><tr><td style="width:20px;white-space:nowrap">Title text</td><td>Type</td></tr></table>
<svg viewBox="0 0 1000 100" width="100%"><text x="0" y="50" font-size="12">tiny</text></svg>
<img src="x.png">""")
m = measure(tab, "file://" + control, "phone")
check("control: a page wider than the phone is noticed", m["overflow"] is not None)
check("control: overprinting cells are noticed", bool(m["cells"]) and bool(m["overprint"]), m)
check("control: an unreachable menu link is noticed", bool(m["menu"]), m["menu"])
check("control: tiny chart text is noticed", bool(m["charts"]), m["charts"])
m = measure(tab, "file://" + control, "desktop")
check("control: a menu of eight is noticed", m["row"]["count"] == 8, m["row"])
found = violations(tab, "file://" + control, "desktop", "light")
check("control: axe-core notices an image without alternative text", any(f.startswith("image-alt") for f in found), found)
browser.close()

check.finish()
