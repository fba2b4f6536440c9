(function () {
  "use strict";
  // Only on pages served by `normalize review`: decisions and glossary edits go back to the server
  // the page came from (relative URLs under the session token; the CSP allows connect-src 'self' only).
  var page = window.normalizePage;
  var docName = document.body.dataset.doc;
  var form = document.getElementById("add-term");
  var errorLine = form ? form.querySelector(".term-error") : null;
  var selection = null;

  // A message the page said just before it reloaded itself (a glossary edit re-ran documents) is said again after.
  try {
    var said = window.sessionStorage.getItem("normalize-status");
    if (said) { window.sessionStorage.removeItem("normalize-status"); page.announce(said); }
  } catch (e) { /* storage off */ }

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
  function undoButton(box, status) {
    // Undo is there as soon as a decision is, without a reload (and goes with it).
    var undo = box.querySelector('button[data-status=""]');
    if (status && !undo) {
      undo = document.createElement("button");
      undo.type = "button";
      undo.dataset.status = "";
      undo.textContent = "Undo";
      box.appendChild(undo);
    } else if (!status && undo) {
      undo.remove();
    }
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
    each('#note' + note + ' .review, #inspector[data-note="' + note + '"] .review', function (box) {
      undoButton(box, status);
      var input = box.querySelector("input[name=comment]");
      if (input) input.value = status ? result.comment || "" : input.value;
    });
    each('main a[data-note="' + note + '"], #details li.note[data-note="' + note + '"]', function (el) {
      el.classList.remove("decided", "accepted", "rejected", "resolved");
      if (status) el.classList.add("decided", status);
      if (el.matches("li")) el.dataset.decision = status || "";
    });
    each(".summary .progress", function (el) { el.textContent = result.decided + " of " + result.total + " reviewed"; });
    page.announce(status ? "Note " + (Number(note) + 1) + " " + status + "." : "Note " + (Number(note) + 1) + ": decision withdrawn.");
    if (page.refilter) page.refilter();
  }
  function decide(note, status) {
    // One note's decision, from a button of its panel or list item, or a key (a, r, u, Enter in the comment box).
    var item = document.getElementById("note" + note);
    var box = item && item.querySelector(".review");
    if (!box) return Promise.resolve(null);
    var panelBox = document.querySelector('#inspector[data-note="' + note + '"] .review');
    var comment = (panelBox || box).querySelector("input[name=comment]");
    var head = item.querySelector(".note-head");
    return post("api/decision", {
      doc: docName,
      key: box.dataset.key,
      status: status,
      comment: comment ? comment.value : "",
      about: head ? head.textContent.replace(/\s+/g, " ").trim() : ""
    }).then(function (result) { showDecision(note, result); return result; }, function (error) { page.announce("Not saved: " + error.message); });
  }

  // Batch: one entry's identical changes in this document or the whole run. The count is asked for first and shown
  // with a Confirm button; Confirm sends one POST (one lock, every file written at once), then the page reloads.
  function batch(button) {
    var box = button.closest(".review");
    var scope = box.querySelector("select[name=scope]").value;
    var status = button.dataset.batch;
    var old = box.querySelector(".batch-confirm");
    if (old) old.remove();
    var data = { doc: docName, key: box.dataset.key, status: status, scope: scope, preview: true };
    post("api/batch", data).then(function (found) {
      var line = document.createElement("p");
      line.className = "batch-confirm";
      line.setAttribute("role", "alert");
      var verb = status === "accepted" ? "Accept" : "Reject";
      var where = scope === "run" ? " in this run (" + found.documents + " document" + (found.documents === 1 ? "" : "s") + ")" : " in this document";
      var label = box.querySelector(".batch").firstChild.textContent.replace(/:\s*$/, "").replace(/^All /, "");
      line.appendChild(document.createTextNode(verb + " all " + found.count + " " + label + where + "? "));
      var yes = document.createElement("button");
      yes.type = "button"; yes.className = "batch-yes"; yes.textContent = verb + " " + found.count;
      var no = document.createElement("button");
      no.type = "button"; no.textContent = "Cancel";
      line.appendChild(yes); line.appendChild(document.createTextNode(" ")); line.appendChild(no);
      box.appendChild(line);
      yes.focus();
      no.addEventListener("click", function () { line.remove(); button.focus(); });
      yes.addEventListener("click", function () {
        yes.disabled = true;
        data.preview = false;
        data.expected = found.count;
        var comment = box.querySelector("input[name=comment]");
        data.comment = comment ? comment.value : "";
        post("api/batch", data).then(function (done) {
          var message = (status === "accepted" ? "Accepted " : "Rejected ") + done.count + " " + label + where + ".";
          try { window.sessionStorage.setItem("normalize-status", message); } catch (e) { /* storage off */ }
          page.announce(message);
          window.location.reload();
        }, function (error) { yes.disabled = false; page.announce("Not saved: " + error.message); });
      });
      page.announce(verb + " all " + found.count + where + "? Confirm or cancel.");
    }, function (error) { page.announce("Not counted: " + error.message); });
  }
  document.addEventListener("click", function (ev) {
    var button = ev.target.closest && ev.target.closest(".review button[data-batch]");
    if (button) batch(button);
  });

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest && ev.target.closest(".review button[data-status]");
    if (!button) return;
    var holder = button.closest("[data-note]");
    decide(holder.dataset.note, button.dataset.status);
  });

  // Keys on the current note (the one whose panel is open), as in a CAT tool: a accept, r reject, u undo,
  // c comment (Enter saves it); focus stays on the note's highlight.
  document.addEventListener("keydown", function (ev) {
    var now = page.current();
    if (!now || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    var box = document.querySelector('#inspector[data-note="' + now.note + '"] .review');
    if (!box) return;
    var comment = box.querySelector("input[name=comment]");
    if (ev.target === comment) {
      if (ev.key === "Enter") {
        ev.preventDefault();
        var state = document.getElementById("note" + now.note).dataset.decision;
        if (state) decide(now.note, state).then(function () { if (now.mark) now.mark.focus(); });
        else page.announce("Comment noted: press a to accept or r to reject the note with it" + (box.querySelector("[data-status=resolved]") ? " (a marks a finding resolved)." : "."));
        if (!state && now.mark) now.mark.focus();
      } else if (ev.key === "Escape") {
        ev.preventDefault();
        if (now.mark) now.mark.focus();
      }
      return;
    }
    if (/^(TEXTAREA|SELECT|INPUT)$/.test(ev.target.tagName)) return;
    var finding = Boolean(box.querySelector("[data-status=resolved]"));
    var status = ev.key === "a" ? (finding ? "resolved" : "accepted") : ev.key === "r" && !finding ? "rejected" : ev.key === "u" ? "" : null;
    if (ev.key === "c" && comment) {
      ev.preventDefault();
      comment.focus();
      page.announce("Comment on note " + (Number(now.note) + 1) + ": Enter saves, Esc goes back.");
      return;
    }
    if (status === null) {
      if (ev.key === "r" && finding) page.announce("A finding is marked resolved (a), not rejected.");
      return;
    }
    ev.preventDefault();
    if (status === "" && !document.getElementById("note" + now.note).dataset.decision) { page.announce("Nothing to undo on note " + (Number(now.note) + 1) + "."); return; }
    decide(now.note, status).then(function () { if (now.mark && document.activeElement !== now.mark) now.mark.focus(); });
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
    if (ev.target.closest && ev.target.closest("main td") && !ev.target.closest("#inspector") && !(form && form.contains(ev.target))) window.setTimeout(offer, 0);
  });
  document.addEventListener("keyup", function (ev) {
    if (ev.shiftKey && ev.key !== "Tab" && ev.target.closest && ev.target.closest("main") && !ev.target.closest("#inspector")) offer();
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
        var message = "Saved to " + result.file + "; " + result.rerun.length + " document(s) re-run in " + result.seconds + " s.";
        page.announce(message);
        try { window.sessionStorage.setItem("normalize-status", message); } catch (e) { /* storage off: the message goes with the page */ }
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
