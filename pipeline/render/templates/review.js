(function () {
  "use strict";
  // Only on pages served by `normalize review`: decisions and glossary edits go back to the server
  // the page came from (relative URLs under the session token; the CSP allows connect-src 'self' only).
  var page = window.normalizePage;
  var docName = document.body.dataset.doc;
  var form = document.getElementById("add-term");
  var errorLine = form ? form.querySelector(".term-error") : null;
  var selection = null;

  function each(selector, fn) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), fn);
  }
  function post(path, data) {
    return fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(data),
      credentials: "same-origin",
      cache: "no-store"
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok || body.ok === false) throw new Error(body.error || response.statusText);
        return body;
      });
    });
  }
  function showDecision(note, result) {
    var status = result.status;
    each('#note' + note + ' .decision-state, #inspector[data-note="' + note + '"] .decision-state', function (el) {
      el.textContent = "";
      if (!status) { el.textContent = "to review"; return; }
      var strong = document.createElement("strong");
      strong.className = "decision " + status;
      strong.textContent = status;
      el.appendChild(strong);
      if (result.comment) el.appendChild(document.createTextNode(": " + result.comment));
    });
    each('main a[data-note="' + note + '"]', function (el) {
      el.classList.remove("decided", "accepted", "rejected", "resolved");
      if (status) el.classList.add("decided", status);
    });
    each(".summary .progress", function (el) { el.textContent = result.decided + " of " + result.total + " reviewed"; });
    page.announce(status ? "Note " + (Number(note) + 1) + " " + status + "." : "Decision withdrawn.");
  }

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest && ev.target.closest(".review button[data-status]");
    if (!button) return;
    var box = button.closest(".review");
    var holder = button.closest("[data-note]");
    var note = holder.dataset.note;
    var head = document.querySelector("#note" + note + " .note-head");
    var comment = box.querySelector("input[name=comment]");
    post("api/decision", {
      doc: docName,
      key: box.dataset.key,
      status: button.dataset.status,
      comment: comment ? comment.value : "",
      about: head ? head.textContent.replace(/\s+/g, " ").trim() : ""
    }).then(function (result) { showDecision(note, result); }, function (error) { page.announce("Not saved: " + error.message); });
  });

  function selected() {
    var sel = window.getSelection();
    if (!sel || sel.isCollapsed || !sel.rangeCount) return null;
    var text = sel.toString().replace(/\s+/g, " ").trim();
    var node = sel.getRangeAt(0).commonAncestorContainer;
    var cell = (node.nodeType === 1 ? node : node.parentElement).closest("main td");
    if (!text || !cell || text.length > 200) return null;
    return { text: text, field: cell.classList.contains("src") ? "variants" : "renderings", cell: cell };
  }
  function offer() {
    var found = selected();
    if (!found || !form) return;
    selection = found;
    form.querySelector(".term-text").textContent = found.text;
    form.querySelector(".term-side").textContent = found.field === "variants"
      ? "(source words: added as a variant)" : "(English words: added as a rendering the engine writes)";
    form.querySelector("[data-glossary=create]").closest("fieldset").hidden = found.field !== "variants";
    errorLine.hidden = true;
    form.hidden = false;
    page.panel(form, found.cell.querySelector("a[data-note]") || found.cell);
  }
  document.addEventListener("mouseup", function (ev) {
    if (ev.target.closest && ev.target.closest("main td") && !(form && form.contains(ev.target))) window.setTimeout(offer, 0);
  });
  document.addEventListener("keyup", function (ev) {
    if (ev.shiftKey && ev.target.closest && ev.target.closest("main")) offer();
  });

  if (form) {
    form.addEventListener("submit", function (ev) { ev.preventDefault(); });  // Enter in a field: the buttons do the work
    form.addEventListener("click", function (ev) {
      var button = ev.target.closest && ev.target.closest("button[data-glossary]");
      if (!button || !selection) return;
      var value = function (name) { var el = form.elements[name]; return el ? el.value : ""; };
      var data = { doc: docName, action: button.dataset.glossary, words: selection.text, field: selection.field };
      if (data.action === "add-variant") data.entry = value("entry");
      else {
        data.id = value("id"); data.standard = value("standard"); data.kind = value("kind");
        data.loaded = form.elements.loaded.checked; data.file = value("file");
      }
      button.disabled = true;
      page.announce("Saving the glossary and re-running…");
      post("api/glossary", data).then(function (result) {
        page.announce("Saved to " + result.file + "; " + result.rerun.length + " document(s) re-run in " + result.seconds + " s.");
        window.location.reload();
      }, function (error) {
        button.disabled = false;
        errorLine.textContent = error.message;
        errorLine.hidden = false;
        page.announce("Not saved: the glossary is unchanged.");
      });
    });
  }
})();
