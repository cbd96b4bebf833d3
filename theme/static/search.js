// Client-side search over the index in search-index.js. No request leaves the page, so it
// works from file:// and any static host. Substring matching works for Chinese (no word
// spaces) as well as English; every word must match; titles weigh more than text.
function vitrineSearch(kinds, root) {
  var docs = window.VITRINE_SEARCH || [];
  var input = document.getElementById("q");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var lower = docs.map(function (d) { return { t: d.t.toLowerCase(), x: d.x.toLowerCase() }; });

  function esc(s) {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  function snippet(text, lowerText, word) {
    var i = lowerText.indexOf(word);
    if (i < 0) return esc(text.slice(0, 160));
    var start = Math.max(0, i - 60), end = Math.min(text.length, i + word.length + 100);
    return (start > 0 ? "…" : "") + esc(text.slice(start, i)) + "<mark>" + esc(text.slice(i, i + word.length)) +
      "</mark>" + esc(text.slice(i + word.length, end)) + (end < text.length ? "…" : "");
  }
  function run(q) {
    var words = q.toLowerCase().split(/\s+/).filter(Boolean);
    list.innerHTML = "";
    if (!words.length) return;
    var hits = [];
    docs.forEach(function (d, n) {
      var score = 0, l = lower[n];
      for (var w = 0; w < words.length; w++) {
        var inTitle = l.t.indexOf(words[w]), inText = l.x.indexOf(words[w]);
        if (inTitle < 0 && inText < 0) return;
        if (inTitle >= 0) score += inTitle === 0 ? 15 : 10;
        if (inText >= 0) score += 1 + Math.min(l.x.split(words[w]).length - 1, 5) * 0.2;
      }
      hits.push({ d: d, n: n, score: score });
    });
    hits.sort(function (a, b) { return b.score - a.score; });
    hits.slice(0, 50).forEach(function (h) {
      var li = document.createElement("li");
      li.innerHTML = '<a href="' + esc(root + h.d.u) + '">' + esc(h.d.t) + '</a> <span class="tag">' +
        esc(kinds[h.d.k] || "") + "</span><p>" + snippet(h.d.x, lower[h.n].x, words[0]) + "</p>";
      list.appendChild(li);
    });
    status.textContent = hits.length ? status.getAttribute("data-count").replace("{n}", hits.length) : status.getAttribute("data-none");
  }
  var q = new URLSearchParams(window.location.search).get("q") || "";
  input.value = q;
  run(q);
  input.addEventListener("input", function () { run(input.value); });
}
