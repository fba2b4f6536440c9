(function () {
  "use strict";
  var toggle = document.getElementById("show-mt");
  if (toggle) {
    toggle.addEventListener("change", function () {
      document.querySelectorAll(".tgt .normalised").forEach(function (el) { el.hidden = toggle.checked; });
      document.querySelectorAll(".tgt .raw").forEach(function (el) { el.hidden = !toggle.checked; });
    });
  }
  function pair(ev, on) {
    var seg = ev.target.closest && ev.target.closest(".seg");
    if (!seg) return;
    document.querySelectorAll('.seg[data-seg="' + seg.dataset.seg + '"]').forEach(function (el) {
      el.classList.toggle("active", on);
    });
  }
  document.addEventListener("mouseover", function (ev) { pair(ev, true); });
  document.addEventListener("mouseout", function (ev) { pair(ev, false); });
  document.addEventListener("focusin", function (ev) { pair(ev, true); });
  document.addEventListener("focusout", function (ev) { pair(ev, false); });
  var marks = Array.prototype.slice.call(document.querySelectorAll(".src mark[data-note]"));
  var current = -1;
  function show(i) {
    if (!marks.length) return;
    current = (i + marks.length) % marks.length;
    marks[current].focus();
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey || /INPUT|TEXTAREA/.test(ev.target.tagName)) return;
    if (ev.key === "n") show(current + 1);
    else if (ev.key === "p") show(current - 1);
  });
  document.addEventListener("click", function (ev) {
    var mark = ev.target.closest && ev.target.closest("mark[data-note]");
    if (mark) location.hash = "note" + mark.dataset.note;
  });
})();
