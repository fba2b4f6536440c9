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
    var element = node.nodeType === 1 ? node : node.parentElement;
    var cell = element.closest("main td");
    if (!text || !cell || text.length > 200) return null;
    return { text: text, field: cell.classList.contains("src") ? "variants" : "renderings", cell: cell, seg: element.closest(".seg") };
  }
  function known(entry) {
    return Boolean(form && entry && form.elements.entry && form.elements.entry.querySelector('option[value="' + entry.replace(/["\\]/g, "\\$&") + '"]'));
  }
  function offer() {
    var found = selected();
    if (!found || !form) return;
    selection = found;
    form.querySelector(".term-text").textContent = found.text;
    form.querySelector(".term-side").textContent = found.field === "variants"
      ? "(source words: added as a variant)" : "(English words: added as a rendering the engine writes)";
    form.querySelector("[data-glossary=create]").closest("fieldset").hidden = found.field !== "variants";
    // A context word is one source word; the entry it guards is most likely the one marked in the same sentence.
    contextSet.hidden = found.field !== "variants" || /\s/.test(found.text);
    var near = found.seg ? Array.prototype.filter.call(found.seg.querySelectorAll("a[data-entry]"), function (a) { return known(a.dataset.entry); }) : [];
    if (near.length) form.elements.entry.value = near[0].dataset.entry;
    errorLine.hidden = true;
    clearPreview(form);
    form.hidden = false;
    page.panel(form, found.cell.querySelector("a[data-note]") || found.cell);
  }
  document.addEventListener("mouseup", function (ev) {
    if (ev.target.closest && ev.target.closest("main td") && !ev.target.closest("#inspector") && !(form && form.contains(ev.target))) window.setTimeout(offer, 0);
  });
  document.addEventListener("keyup", function (ev) {
    if (ev.shiftKey && ev.key !== "Tab" && ev.target.closest && ev.target.closest("main") && !ev.target.closest("#inspector")) offer();
  });

  // Every glossary edit is previewed first: the server runs it over the whole run in memory (nothing is written) and
  // answers every sentence whose English it changes; Save sends the same edit with the preview's digest, and the
  // server saves only if the edit still changes exactly those sentences.
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function clearPreview(holder) {
    var old = holder.querySelector(".edit-preview");
    if (old) old.remove();
  }
  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }
  function side(pieces, keep, mark) {
    // One side of a sentence's diff: the pieces kept, with those of this side (deleted or inserted) marked.
    var line = el("span", "preview-text");
    pieces.forEach(function (piece) {
      if (piece[0] === "=") line.appendChild(document.createTextNode(piece[1]));
      else if (piece[0] === keep) line.appendChild(el(mark, "", piece[1]));
    });
    return line;
  }
  function showPreview(holder, button, data, found, errors) {
    clearPreview(holder);
    var box = el("div", "edit-preview");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Preview of the glossary edit");
    var count = found.count
      ? "This edit changes " + plural(found.count, "sentence", "sentences") + " in " + plural(found.documents, "document", "documents") + " of the run:"
      : "This edit changes no sentence of the run" + (found.rerun.length ? " (" + plural(found.rerun.length, "document", "documents") + " checked)." : ".");
    box.appendChild(el("p", "preview-count", count));
    var list = el("ol", "preview-list");
    found.sentences.forEach(function (s) {
      var item = el("li", "preview-item");
      var where = el("p", "preview-where");
      var link = el("a", "", s.doc + ", sentence " + (s.sentence + 1));
      link.href = encodeURIComponent(s.doc) + ".html#s" + s.sentence;
      where.appendChild(link);
      item.appendChild(where);
      var source = el("p", "preview-source", s.source);
      var column = document.querySelector("main td.src");
      if (column) { source.lang = column.lang; if (column.dir) source.dir = column.dir; }
      item.appendChild(source);
      [["Before", "-", "del", "preview-before"], ["After", "+", "ins", "preview-after"]].forEach(function (row) {
        var line = el("p", row[3]);
        line.appendChild(el("span", "preview-label", row[0] + ": "));
        line.appendChild(side(s.diff, row[1], row[2]));
        item.appendChild(line);
      });
      list.appendChild(item);
    });
    if (found.sentences.length) box.appendChild(list);
    if (found.count > found.sentences.length) box.appendChild(el("p", "preview-more", "… and " + (found.count - found.sentences.length) + " more."));
    var save = el("button", "preview-save", found.count ? "Save (" + plural(found.count, "change", "changes") + ")" : "Save");
    save.type = "button";
    var cancel = el("button", "preview-cancel", "Cancel");
    cancel.type = "button";
    box.appendChild(save); box.appendChild(document.createTextNode(" ")); box.appendChild(cancel);
    holder.insertBefore(box, errors);
    save.focus();
    page.announce(count.replace(/:$/, ".") + " Save or cancel.");
    cancel.addEventListener("click", function () { box.remove(); button.focus(); page.announce("Not saved: the glossary is unchanged."); });
    save.addEventListener("click", function () {
      save.disabled = true;
      var sent = {};
      Object.keys(data).forEach(function (k) { sent[k] = data[k]; });
      sent.preview = false;
      sent.expected = found.digest;
      page.announce("Saving the glossary and re-running…");
      post("api/glossary", sent).then(function (result) {
        var message = "Saved to " + result.file + "; " + plural(result.count, "sentence", "sentences") + " changed, "
          + plural(result.rerun.length, "document", "documents") + " re-run in " + result.seconds + " s.";
        page.announce(message);
        try { window.sessionStorage.setItem("normalize-status", message); } catch (e) { /* storage off: the message goes with the page */ }
        window.location.reload();
      }, function (error) {
        save.disabled = false;
        errors.textContent = error.message;
        errors.hidden = false;
        page.announce("Not saved: the glossary is unchanged.");
      });
    });
  }
  function previewEdit(holder, button, data) {
    var errors = holder.querySelector(".term-error");
    errors.hidden = true;
    button.disabled = true;
    clearPreview(holder);
    page.announce("Working out what this edit changes across the run…");
    var asked = {};
    Object.keys(data).forEach(function (k) { asked[k] = data[k]; });
    asked.preview = true;
    post("api/glossary", asked).then(function (found) {
      button.disabled = false;
      showPreview(holder, button, data, found, errors);
    }, function (error) {
      button.disabled = false;
      errors.textContent = error.message;
      errors.hidden = false;
      page.announce("Not saved: the glossary is unchanged.");
    });
  }

  var contextSet = null;
  if (form) {
    // "Add a context word": the selected source word becomes a context rule of the entry chosen above, so the label
    // no longer swallows it ("un autre jihadiste"), instead of being added as part of a variant.
    contextSet = el("fieldset", "context-word");
    contextSet.appendChild(el("legend", "", "Or add the word as a context rule of that entry"));
    var rule = el("label", "", "Rule ");
    var choose = el("select");
    choose.name = "context";
    [["only_after", "apply only after this word"], ["not_after", "never apply after this word"], ["not_before", "never apply before this word"]].forEach(function (o) {
      var option = el("option", "", o[1]);
      option.value = o[0];
      choose.appendChild(option);
    });
    rule.appendChild(choose);
    contextSet.appendChild(rule);
    var addContext = el("button", "", "Add context word");
    addContext.type = "button";
    addContext.dataset.glossary = "add-context";
    contextSet.appendChild(addContext);
    form.insertBefore(contextSet, form.querySelector("[data-glossary=create]").closest("fieldset"));

    form.addEventListener("submit", function (ev) { ev.preventDefault(); });  // Enter in a field: the buttons do the work
    form.addEventListener("click", function (ev) {
      var button = ev.target.closest && ev.target.closest("button[data-glossary]");
      if (!button || !selection) return;
      var value = function (name) { var field = form.elements[name]; return field ? field.value : ""; };
      var data = { doc: docName, action: button.dataset.glossary, words: selection.text, field: selection.field };
      if (data.action === "add-variant") data.entry = value("entry");
      else if (data.action === "add-context") { data.entry = value("entry"); data.field = value("context"); }
      else {
        data.id = value("id"); data.standard = value("standard"); data.kind = value("kind");
        data.loaded = form.elements.loaded.checked; data.file = value("file");
      }
      previewEdit(form, button, data);
    });
  }

  // Edit an entry in place: its standard name, note and context rules, from any note about it.
  var CONTEXT = [["only_after", "Only after"], ["not_after", "Never after"], ["not_before", "Never before"]];
  function words(text) {
    return text.split(",").map(function (w) { return w.trim(); }).filter(function (w) { return w; });
  }
  function editor(entry, anchor) {
    var box = el("form", "add-term edit-entry");
    box.id = "edit-entry";
    var head = el("p", "term-head");
    head.appendChild(document.createTextNode("Entry "));
    head.appendChild(el("code", "", entry.id));
    head.appendChild(el("small", "", " (" + entry.kind + ", " + entry.file + ":" + entry.line + ")"));
    box.appendChild(head);
    var set = el("fieldset");
    set.appendChild(el("legend", "", "Edit the entry"));
    var field = function (name, label, value, hint) {
      var wrap = el("label", "", label + " ");
      var input = el("input");
      input.name = name; input.autocomplete = "off"; input.value = value;
      if (hint) input.placeholder = hint;
      wrap.appendChild(input);
      set.appendChild(wrap);
    };
    field("standard", "Standard name", entry.standard);
    field("note", "Note", entry.note, "why this name");
    CONTEXT.forEach(function (c) { field(c[0], c[1] + " (words, comma-separated)", entry[c[0]].join(", "), "none"); });
    var button = el("button", "", "Preview changes");
    button.type = "button";
    button.dataset.glossary = "edit-entry";
    set.appendChild(button);
    box.appendChild(set);
    var errors = el("p", "term-error");
    errors.setAttribute("role", "alert");
    errors.hidden = true;
    box.appendChild(errors);
    box.addEventListener("submit", function (ev) { ev.preventDefault(); });
    button.addEventListener("click", function () {
      var data = { doc: docName, action: "edit-entry", entry: entry.id, standard: box.elements.standard.value, note: box.elements.note.value };
      CONTEXT.forEach(function (c) { data[c[0]] = words(box.elements[c[0]].value); });
      previewEdit(box, button, data);
    });
    page.panel(box, anchor);
    box.elements.standard.focus();
  }
  each("#details li.note[data-entry] .review", function (box) {
    var entry = box.closest("li").dataset.entry;
    if (!known(entry)) return;
    var button = el("button", "", "Edit entry…");
    button.type = "button";
    button.dataset.editEntry = entry;
    box.appendChild(button);
  });
  document.addEventListener("click", function (ev) {
    var button = ev.target.closest && ev.target.closest("button[data-edit-entry]");
    if (!button) return;
    var now = page.current();
    var anchor = now && now.mark ? now.mark : document.querySelector('main a[data-entry="' + button.dataset.editEntry + '"]');
    post("api/entry", { entry: button.dataset.editEntry }).then(function (found) { editor(found.entry, anchor); },
      function (error) { page.announce("Cannot edit the entry: " + error.message); });
  });
})();
