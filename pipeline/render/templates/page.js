(function () {
  "use strict";
  // Progressive enhancement only: without this script every detail is in the list at the end.
  var inspector = document.getElementById("inspector");
  var inspectorBody = inspector.querySelector(".inspector-body");
  var statusLine = document.getElementById("status");
  var filter = document.getElementById("filter");
  var marks = Array.prototype.slice.call(document.querySelectorAll("main a[data-note]"));
  var current = -1;
  var currentMark = null;
  var wide = window.matchMedia("(min-width: 1100px)");

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
  function selected(el) {
    var value = filter ? filter.value : "";
    if (!value) return true;
    if (value.indexOf("entry:") === 0) return el.dataset.entry === value.slice(6);
    if (value === "finding") return el.dataset.kind === "finding" || el.dataset.kind === "quoted";
    var item = document.getElementById("note" + el.dataset.note);
    if (value.indexOf("check:") === 0) return Boolean(item) && item.dataset.check === value.slice(6);
    if (value.indexOf("status:") === 0) {
      var decision = item ? item.dataset.decision : "";
      if (value === "status:todo") return !decision && el.dataset.kind !== "match";  // a name already standard needs no look
      if (value === "status:accepted") return decision === "accepted" || decision === "resolved";
      return decision === value.slice(7);
    }
    return el.dataset.kind === value;
  }
  function place(mark) {
    // The panel goes in the page right after the sentence of the highlight: on wide screens it is drawn fixed in the
    // right margin (never over the words), on narrow ones it opens right under that sentence. Either way Tab from the
    // highlight goes into the panel, and out of it to the next note (see the keydown handler).
    var seg = mark && mark.closest(".seg");
    var cell = mark && mark.closest("td");
    if (seg && seg.parentNode) seg.parentNode.insertBefore(inspector, seg.nextSibling);
    else if (cell) cell.appendChild(inspector);
    else if (inspector.parentNode !== document.body) document.body.insertBefore(inspector, document.getElementById("details"));
  }
  function inspect(note, mark) {
    var source = document.getElementById("note" + note);
    if (!source) return;
    var copy = source.cloneNode(true);
    copy.removeAttribute("id");
    inspectorBody.replaceChildren.apply(inspectorBody, Array.prototype.slice.call(copy.childNodes));
    inspector.dataset.note = note;
    place(mark);
    inspector.hidden = false;
    current = Number(note);
    currentMark = mark || null;
  }
  function focusables() {
    return Array.prototype.filter.call(inspector.querySelectorAll("a[href], button, input, select"), function (el) {
      return !el.disabled && visible(el);
    });
  }
  function close() {
    inspector.hidden = true;
    delete inspector.dataset.note;
  }
  function announce(text) {
    if (statusLine) statusLine.textContent = text;
  }
  function step(delta) {
    var shown = marks.filter(function (el) { return visible(el) && selected(el); });
    if (!shown.length) { announce("No note to go to."); return; }
    var notes = [];
    shown.forEach(function (el) { if (notes.indexOf(Number(el.dataset.note)) < 0) notes.push(Number(el.dataset.note)); });
    notes.sort(function (a, b) { return a - b; });
    var later = notes.filter(function (n) { return n > current; });
    var earlier = notes.filter(function (n) { return n < current; });
    var wrapped = delta > 0 ? !later.length && current >= 0 : !earlier.length;
    var next = delta > 0 ? (later.length ? later[0] : notes[0]) : (earlier.length ? earlier[earlier.length - 1] : notes[notes.length - 1]);
    var target = shown.filter(function (el) { return Number(el.dataset.note) === next; })[0];
    var place = "note " + (notes.indexOf(next) + 1) + " of " + notes.length;
    announce(wrapped ? (delta > 0 ? "Wrapped to the first note: " : "Wrapped to the last note: ") + place : place);
    target.focus();
    target.scrollIntoView({ block: "center" });
  }
  function applyFilter() {
    var on = Boolean(filter.value);
    document.body.classList.toggle("filtering", on);
    each("main a[data-note], #details li.note", function (el) { el.classList.toggle("chosen", on && selected(el)); });
    announce(on ? marks.filter(function (el) { return visible(el) && selected(el); }).length + " highlights shown" : "");
  }

  document.addEventListener("mouseover", function (ev) { pair(ev.target, true); });
  document.addEventListener("mouseout", function (ev) { pair(ev.target, false); });
  document.addEventListener("focusin", function (ev) {
    pair(ev.target, true);
    var mark = ev.target.closest && ev.target.closest("main a[data-note]");
    if (mark && !inspector.contains(mark)) inspect(mark.dataset.note, mark);
  });
  document.addEventListener("focusout", function (ev) { pair(ev.target, false); });
  document.addEventListener("click", function (ev) {
    var mark = ev.target.closest && ev.target.closest("main a[data-note]");
    if (!mark || inspector.contains(mark)) return;
    ev.preventDefault();  // show the details in place instead of jumping to the list
    mark.focus();
    inspect(mark.dataset.note, mark);
  });
  inspector.querySelector(".close").addEventListener("click", close);
  if (filter) {
    filter.closest("label").hidden = false;
    filter.addEventListener("change", applyFilter);
  }
  wide.addEventListener("change", function () { if (!inspector.hidden) place(document.getElementById("n" + current + "s") || document.getElementById("n" + current + "t")); });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Tab" && !inspector.hidden && !ev.altKey && !ev.ctrlKey && !ev.metaKey) {
      // The panel belongs to its highlight: Tab goes from the highlight into the panel, and out of it to the next note.
      var inside = focusables();
      var mark = ev.target.closest && ev.target.closest("main a[data-note]");
      if (!ev.shiftKey && mark && !inspector.contains(mark) && mark.dataset.note === inspector.dataset.note && inside.length) {
        ev.preventDefault(); inside[0].focus(); return;
      }
      if (inspector.contains(ev.target) && inside.length) {
        if (!ev.shiftKey && ev.target === inside[inside.length - 1] && inspector.dataset.note !== undefined) { ev.preventDefault(); step(1); return; }
        if (ev.shiftKey && ev.target === inside[0] && currentMark) { ev.preventDefault(); currentMark.focus(); return; }
      }
    }
    var typing = /^(TEXTAREA|SELECT)$/.test(ev.target.tagName) || (ev.target.tagName === "INPUT" && ev.target.type !== "checkbox" && ev.target.type !== "radio");
    if (ev.altKey || ev.ctrlKey || ev.metaKey || typing) return;
    if (ev.key === "n") { ev.preventDefault(); step(1); }
    else if (ev.key === "p") { ev.preventDefault(); step(-1); }
    else if (ev.key === "Escape") { var back = inspector.contains(ev.target) ? currentMark : null; close(); if (back) back.focus(); }
  });
  function panel(node, anchor) {
    // Show ``node`` (e.g. the review server's glossary form) in the panel, placed like a note's details.
    inspectorBody.replaceChildren(node);
    delete inspector.dataset.note;
    place(anchor);
    inspector.hidden = false;
  }
  window.normalizePage = {
    inspect: inspect, close: close, announce: announce, panel: panel, step: step,
    refilter: function () { if (filter && filter.value) applyFilter(); },
    current: function () { return inspector.hidden || inspector.dataset.note === undefined ? null : { note: inspector.dataset.note, mark: currentMark }; }
  };
})();
