// Glossary tooltips on touch screens: the first tap on a term shows its short definition,
// a second tap opens the glossary. Without JavaScript a tap opens the glossary directly.
(function () {
  var touch = window.matchMedia && window.matchMedia("(hover: none)").matches;
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest ? ev.target.closest("a.term") : null;
    var open = document.querySelectorAll("a.term.show-tip");
    for (var i = 0; i < open.length; i++) if (open[i] !== a) open[i].classList.remove("show-tip");
    if (a && touch && !a.classList.contains("show-tip")) {
      ev.preventDefault();
      a.classList.add("show-tip");
    }
  });
})();

// The "may be out of date" notice: the build decided by its own clock; the reader's clock
// decides when the page is read. The text is in the page (and readable without script).
(function () {
  var now = Date.now() / 1000;
  var notes = document.querySelectorAll(".banner-stale[data-due]");
  for (var i = 0; i < notes.length; i++) {
    var due = parseFloat(notes[i].getAttribute("data-due"));
    if (!isNaN(due)) notes[i].hidden = now <= due + 86400;
  }
})();
