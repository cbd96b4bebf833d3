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
