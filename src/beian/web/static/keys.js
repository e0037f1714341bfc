// Keyboard-first review: one key per action. Keys are ignored while typing in a field;
// Esc (or Enter in the risk field) leaves the field so the next key is a verdict again.
(function () {
  "use strict";
  var press = { "1": '[data-key="1"]', "2": '[data-key="2"]', "s": '[data-key="s"]', "u": '[data-key="u"]' };
  var focus = { "n": "note", "r": "risk", "/": "risk" };
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    var typing = t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement;
    if (typing) {
      if (e.key === "Escape" || (e.key === "Enter" && t.id === "risk")) { e.preventDefault(); t.blur(); }
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    if (press[e.key]) {
      var el = document.querySelector(press[e.key]);
      if (el) { e.preventDefault(); el.click(); }
    } else if (focus[e.key]) {
      var field = document.getElementById(focus[e.key]);
      if (field) { e.preventDefault(); field.focus(); }
    }
  });
})();
