// Timeline filters: progressive enhancement. Without JavaScript every event shows.
(function () {
  var bar = document.querySelector(".filters");
  if (!bar) return;
  bar.hidden = false;
  var buttons = bar.querySelectorAll("button");
  bar.addEventListener("click", function (ev) {
    var b = ev.target.closest("button");
    if (!b) return;
    var f = b.getAttribute("data-filter");
    buttons.forEach(function (x) { x.setAttribute("aria-pressed", String(x === b)); });
    document.querySelectorAll(".event").forEach(function (e) {
      e.hidden = f !== "all" && e.getAttribute("data-group") !== f;
    });
    document.querySelectorAll(".month").forEach(function (m) {
      m.hidden = !m.querySelector(".event:not([hidden])");
    });
  });
})();
