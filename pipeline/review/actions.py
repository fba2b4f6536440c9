"""What the review page's POSTs do: decisions, batches, glossary edits (previewed, then saved) and an entry's fields.

Each action takes the JSON the page sent and answers ``(body, status)``. Every
write is made under the output lock against the folder as it is now; a
glossary edit is previewed first by the same code that saves it
(``Workspace.trial``), and the save refuses when its result is not what the
reviewer saw.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError
from pipeline.review import glossary_edit, preview
from pipeline.review.decisions import STATUSES, same_change_keys, segment_keys
from pipeline.review.glossary_edit import CONTEXT, EDITABLE, Planned
from pipeline.review.literal import literal_words, same_slots
from pipeline.review.workspace import Busy, Stale, Workspace, WriteFailed

Answer = tuple[dict[str, Any], int]
GLOSSARY_ACTIONS = ("add-variant", "create", "add-context", "edit-entry")


def decide(ws: Workspace, data: dict[str, Any]) -> Answer:
    """Record one decision under the output lock, checked against the folder as it is now; files rewritten with it."""
    name, key, status = str(data.get("doc", "")), str(data.get("key", "")), data.get("status") or None
    comment = " ".join(str(data.get("comment", "")).split())[:2000]
    with ws.writing():
        doc = ws.doc(name)
        if doc is None:
            return {"ok": False, "error": "no such document in this session"}, 404
        notes = {k: kind for seg in doc.segments for k, kind in segment_keys(doc, seg)}
        if key not in notes:
            return {"ok": False, "error": "this note is no longer on the page; reload it"}, 409
        if status is not None and (status not in STATUSES or (status == "resolved") != (notes[key] == "finding")):
            allowed = "resolved" if notes[key] == "finding" else "accepted or rejected"
            return {"ok": False, "error": f"a {notes[key]} can be {allowed}, not {status!r}"}, 400
        decisions = ws.decide(doc, key, status, comment=comment, document=doc.name, about=str(data.get("about", ""))[:300])
        decided, total = decisions.progress(doc)
    return {"ok": True, "key": key, "status": status, "comment": comment, "decided": decided, "total": total}, 200


def decide_batch(ws: Workspace, data: dict[str, Any]) -> Answer:
    """One decision on every change like one of the page's ("EI" -> "Islamic State"), in its document or the whole run.

    ``preview`` only counts them (what the page asks the reviewer to confirm); otherwise every decision is recorded
    under one lock and every file they show is rewritten at once, all or nothing. ``expected`` (the count the
    reviewer confirmed) must still hold, else nothing is saved.
    """
    name, key, status = str(data.get("doc", "")), str(data.get("key", "")), data.get("status") or None
    scope = "run" if data.get("scope") == "run" else "doc"
    if status not in ("accepted", "rejected", None):
        return {"ok": False, "error": f"a batch can accept or reject changes, not {status!r}"}, 400
    comment = " ".join(str(data.get("comment", "")).split())[:2000]
    with ws.lock if data.get("preview") else ws.writing():
        doc = ws.doc(name)
        if doc is None:
            return {"ok": False, "error": "no such document in this session"}, 404
        docs = [doc] if scope == "doc" else [d for d in ws.docs if not d.failed]
        found = same_change_keys(docs, key)
        if not found:
            return {"ok": False, "error": "this change is no longer on the page; reload it"}, 409
        summary = {"ok": True, "count": len(found), "documents": len({d.name for d, _ in found}), "scope": scope}
        summary["status"] = status
        if data.get("preview"):
            return summary, 200
        if data.get("expected") is not None and data.get("expected") != len(found):
            return {
                "ok": False,
                "error": f"the run changed: {len(found)} such changes now, not {data.get('expected')}; nothing was saved",
            }, 409
        keys = [(k, d.name) for d, k in found]
        decisions = ws.decide_many(keys, status, comment=comment, about=str(data.get("about", ""))[:300])
        decided, total = decisions.progress(doc)
    return {**summary, "decided": decided, "total": total}, 200


def edit_glossary(ws: Workspace, data: dict[str, Any]) -> Answer:
    """A glossary edit from the page: with ``preview``, every sentence of the run it changes (nothing written);
    without, saved with the documents it changes re-run, all or nothing, if it still changes what ``expected``
    (the preview's digest) says."""
    action = data.get("action")
    if action not in GLOSSARY_ACTIONS:
        return {"ok": False, "error": f"action must be one of {', '.join(GLOSSARY_ACTIONS)}"}, 400
    try:
        if data.get("preview"):
            with ws.lock:
                ws.refresh()
                planned = plan(ws, str(action), data)
                trial = ws.trial(planned)
            shown = preview.summary(trial.changes, trial.rerun)
            return {"ok": True, "preview": True, "digest": trial.digest, **glossary_edit.edit_summary(planned.edit), **shown}, 200
        with ws.writing():
            planned = plan(ws, str(action), data)
            expected = data.get("expected")
            trial, seconds = ws.edit(planned, expected=str(expected) if expected else None)
    except (Busy, Stale, WriteFailed):
        raise
    except ConfigError as exc:  # an expected answer (the reviewer fixes the form, or the file), not a failed request
        return {"ok": False, "error": str(exc)}, 200
    summary = glossary_edit.edit_summary(planned.edit)
    return {"ok": True, **summary, "rerun": trial.rerun, "count": len(trial.changes), "seconds": round(seconds, 3)}, 200


def plan(ws: Workspace, action: str, data: dict[str, Any]) -> Planned:
    """The edit the page asks for, planned (checked like ``normalize glossary check``) against the run's files."""
    files = ws.record.glossaries
    words = str(data.get("words", ""))
    if action == "create":
        path = ws.record.glossary_at(str(data.get("file") or ws.record.glossary_labels[0]))
        if path is None:
            raise ConfigError("that file is not one of this run's glossaries")
        return glossary_edit.plan_entry(
            path,
            entry_id=str(data.get("id", "")),
            standard=same_slots(str(data.get("standard", "")), "", path),
            words=literal_words(words, path),
            kind=str(data.get("kind", "label")),
            loaded=bool(data.get("loaded")),
            others=files,
        )
    entry_id = str(data.get("entry", ""))
    path = entry_file(ws, entry_id)
    if action == "add-variant":
        field = "renderings" if data.get("field") == "renderings" else "variants"
        if field == "variants":  # what the reviewer selected means those words (a rendering is read as text anyway)
            words = literal_words(words, path)
        return glossary_edit.plan_words(path, entry_id, words, field=field, others=files)
    if action == "add-context":
        return glossary_edit.plan_context(path, entry_id, words, field=str(data.get("field", "")), others=files)
    values = {field: data[field] for field in EDITABLE if field in data}
    if isinstance(values.get("standard"), str):
        current = next(e.standard for e in ws.glossary.entries if e.id == entry_id)
        values["standard"] = same_slots(values["standard"], current, path)
    return glossary_edit.plan_fields(path, entry_id, values, others=files)


def entry_file(ws: Workspace, entry_id: str) -> Path:
    """The glossary file entry ``entry_id`` of the run is in (``ConfigError`` if there is none)."""
    label = next((e.file for e in ws.glossary.entries if e.id == entry_id), None)
    path = ws.record.glossary_at(label) if label is not None else None
    if path is None:
        raise ConfigError(f"no entry {entry_id!r} in this run's glossaries")
    return path


def entry_fields(ws: Workspace, data: dict[str, Any]) -> Answer:
    """What the page's entry editor starts from: the entry as the run's glossary has it now."""
    entry_id = str(data.get("entry", ""))
    with ws.lock:
        ws.refresh()
        entry = next((e for e in ws.glossary.entries if e.id == entry_id), None)
    if entry is None:
        return {"ok": False, "error": f"no entry {entry_id!r} in this run's glossaries"}, 404
    fields: dict[str, Any] = {"id": entry.id, "kind": str(entry.kind), "file": entry.file, "line": entry.line}
    fields |= {"standard": entry.standard, "note": " ".join(entry.note.split())}
    fields |= {field: list(getattr(entry, field)) for field in CONTEXT}
    return {"ok": True, "entry": fields}, 200
