(function () {
  "use strict";
  // Progressive enhancement only: without this script every detail is in the list at the end.
  var inspector = document.getElementById("inspector");
  var inspectorBody = inspector.querySelector(".inspector-body");
  var marks = Array.prototype.slice.call(document.querySelectorAll("main a[data-note]"));
  var current = -1;

  function each(selector, fn) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), fn);
  }
  function visible(el) {
    return el.getClientRects().length > 0;
  }
  function link(note, on) {
    each('main a[data-note="' + note + '"]', function (el) { el.classList.toggle("linked", on); });
  }
  function pair(target, on) {
    var seg = target.closest && target.closest(".seg");
    if (seg) each('.seg[data-seg="' + seg.dataset.seg + '"]', function (el) { el.classList.toggle("active", on); });
    var mark = target.closest && target.closest("a[data-note]");
    if (mark) link(mark.dataset.note, on);
  }
  function inspect(note) {
    var source = document.getElementById("note" + note);
    if (!source) return;
    var copy = source.cloneNode(true);
    copy.removeAttribute("id");
    inspectorBody.replaceChildren.apply(inspectorBody, Array.prototype.slice.call(copy.childNodes));
    inspector.dataset.note = note;
    inspector.hidden = false;
    current = Number(note);
  }
  function close() {
    inspector.hidden = true;
    delete inspector.dataset.note;
  }
  function step(delta) {
    var shown = marks.filter(visible);
    if (!shown.length) return;
    var notes = [];
    shown.forEach(function (el) { if (notes.indexOf(Number(el.dataset.note)) < 0) notes.push(Number(el.dataset.note)); });
    notes.sort(function (a, b) { return a - b; });
    var later = notes.filter(function (n) { return n > current; });
    var earlier = notes.filter(function (n) { return n < current; });
    var next = delta > 0 ? (later.length ? later[0] : notes[0]) : (earlier.length ? earlier[earlier.length - 1] : notes[notes.length - 1]);
    var target = shown.filter(function (el) { return Number(el.dataset.note) === next; })[0];
    target.focus();
    target.scrollIntoView({ block: "start" });  // lands below the top by its scroll-margin, clear of the inspector
  }

  document.addEventListener("mouseover", function (ev) { pair(ev.target, true); });
  document.addEventListener("mouseout", function (ev) { pair(ev.target, false); });
  document.addEventListener("focusin", function (ev) {
    pair(ev.target, true);
    var mark = ev.target.closest && ev.target.closest("main a[data-note]");
    if (mark) inspect(mark.dataset.note);
  });
  document.addEventListener("focusout", function (ev) { pair(ev.target, false); });
  document.addEventListener("click", function (ev) {
    var mark = ev.target.closest && ev.target.closest("main a[data-note]");
    if (!mark) return;
    ev.preventDefault();  // show the details in place instead of jumping to the list
    mark.focus();
    inspect(mark.dataset.note);
  });
  inspector.querySelector(".close").addEventListener("click", close);
  document.addEventListener("keydown", function (ev) {
    var typing = /^(TEXTAREA|SELECT)$/.test(ev.target.tagName) || (ev.target.tagName === "INPUT" && ev.target.type !== "checkbox");
    if (ev.altKey || ev.ctrlKey || ev.metaKey || typing) return;
    if (ev.key === "n") { ev.preventDefault(); step(1); }
    else if (ev.key === "p") { ev.preventDefault(); step(-1); }
    else if (ev.key === "Escape") close();
  });
})();
