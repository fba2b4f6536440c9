"""Glossary edits from the review server are previewed across the run by the code that saves them (issue 33).

A preview writes nothing and lists every sentence of the run whose English the edit changes, before and after;
a save with the preview's digest saves exactly that, and refuses (nothing written) when the run no longer gives it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline.review.decisions import review_keys, same_change_keys
from pipeline.review.preview import SentenceChange
from tests.conftest import needs
from tests.review_fixtures import Served, http, serve_review, workbench_inputs
from tests.test_review_state import snapshot

pytestmark = needs("apertium")


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Served]:
    served = serve_review(tmp_path, extra=workbench_inputs(tmp_path / "more"))
    yield served
    served.stop()


def post(served: Served, path: str, data: object) -> tuple[int, dict[str, Any]]:
    headers = {"Origin": served.session.origin, "Content-Type": "application/json"}
    status, body = http(served.url(path), method="POST", data=json.dumps(data).encode(), headers=headers)
    return status, json.loads(body)


def english(served: Served, name: str) -> list[str]:
    doc = served.workspace.doc(name)
    assert doc is not None
    return [s.target for s in doc.segments]


ADD_VARIANT = {"doc": "tanzim", "action": "add-variant", "entry": "hurras-al-din", "words": "Tanzim Hurras"}


def test_a_preview_lists_the_changed_sentences_and_writes_nothing(fresh: Served) -> None:
    before, glossary = snapshot(fresh.out), fresh.glossary.read_bytes()
    status, found = post(fresh, "api/glossary", {**ADD_VARIANT, "preview": True})
    assert status == 200 and found["ok"] and found["preview"], found
    assert (found["count"], found["documents"], found["rerun"]) == (1, 1, ["tanzim"])
    (sentence,) = found["sentences"]
    assert sentence["doc"] == "tanzim" and "Tanzim Hurras" in sentence["source"]
    assert "Hurras al-Din" in sentence["after"] and "Hurras al-Din" not in sentence["before"]
    assert ["+", "Hurras al-Din"] in [list(p) for p in sentence["diff"]] or any(
        op == "+" and "Hurras" in text for op, text in sentence["diff"]
    )
    assert snapshot(fresh.out) == before and fresh.glossary.read_bytes() == glossary
    assert "Hurras al-Din" not in " ".join(english(fresh, "tanzim"))  # not even in memory

    status, saved = post(fresh, "api/glossary", {**ADD_VARIANT, "expected": found["digest"]})
    assert status == 200 and saved["ok"] and saved["count"] == 1 and saved["rerun"] == ["tanzim"], saved
    assert english(fresh, "tanzim")[sentence["sentence"]] == sentence["after"]  # what was previewed is what is saved
    assert "- Tanzim Hurras\n" in fresh.glossary.read_text(encoding="utf-8")


def test_a_save_whose_preview_no_longer_holds_is_refused_and_writes_nothing(fresh: Served) -> None:
    _, found = post(fresh, "api/glossary", {**ADD_VARIANT, "preview": True})
    # Behind the preview's back, the standard name changes by hand: the same edit now writes other English.
    text = fresh.glossary.read_text(encoding="utf-8")
    fresh.glossary.write_text(text.replace("    standard: Hurras al-Din\n", "    standard: Hurras al-Din group\n"), "utf-8")
    before, glossary = snapshot(fresh.out), fresh.glossary.read_bytes()
    status, refused = post(fresh, "api/glossary", {**ADD_VARIANT, "expected": found["digest"]})
    assert status == 409 and "changed since the preview" in refused["error"], refused
    assert fresh.glossary.read_bytes() == glossary and "- Tanzim Hurras\n" not in fresh.glossary.read_text(encoding="utf-8")
    assert {k: v for k, v in snapshot(fresh.out).items() if k != "review.json"} == {
        k: v for k, v in before.items() if k != "review.json"
    }


def test_a_context_word_previews_and_saves_the_sentences_it_gives_back_to_the_engine(fresh: Served) -> None:
    edit = {"doc": "workbench", "action": "add-context", "entry": "islamic-state", "words": "contrôle", "field": "not_before"}
    status, found = post(fresh, "api/glossary", {**edit, "preview": True})
    assert status == 200 and found["count"] == 1, found
    (sentence,) = found["sentences"]
    assert "contrôle" in sentence["source"] and "Islamic State" in sentence["before"] and "Islamic State" not in sentence["after"]
    status, saved = post(fresh, "api/glossary", {**edit, "expected": found["digest"]})
    assert status == 200 and saved["ok"], saved
    assert "    not_before: [contrôle]\n" in fresh.glossary.read_text(encoding="utf-8")


def test_an_entry_edit_previews_every_sentence_of_the_run_it_renames(fresh: Served) -> None:
    ws = fresh.workspace
    # "{group} militants" takes the new name too; a quoted "Daech" stays the speaker's "Daesh"
    slotted = {e.id for e in ws.glossary.entries if "{group}" in e.standard}
    renamed = {
        (d.name, s.id)
        for d in ws.docs
        if not d.failed
        for s in d.segments
        if any(c.entry in {"islamic-state", *slotted} and "Islamic State" in c.target_text for c in s.changes)
    }
    status, entry = post(fresh, "api/entry", {"entry": "islamic-state"})
    assert status == 200 and entry["entry"]["standard"] == "Islamic State" and entry["entry"]["not_before"] == []
    edit = {"action": "edit-entry", "entry": "islamic-state", **{k: entry["entry"][k] for k in ("note", "only_after")}}
    edit["standard"] = "Islamic State group"
    status, found = post(fresh, "api/glossary", {**edit, "preview": True})
    assert status == 200 and found["ok"], found
    assert {(s["doc"], s["sentence"]) for s in found["sentences"]} == renamed and found["count"] == len(renamed)
    assert found["documents"] >= 3  # the seed, and both workbench documents
    status, saved = post(fresh, "api/glossary", {**edit, "expected": found["digest"]})
    assert status == 200 and saved["count"] == len(renamed), saved
    assert "    standard: Islamic State group\n" in fresh.glossary.read_text(encoding="utf-8")
    assert "Islamic State group" in (fresh.out / "workbench-2.html").read_text(encoding="utf-8")
    status, same = post(fresh, "api/glossary", {**edit, "preview": True})
    assert not same["ok"] and "nothing to save" in same["error"]


def test_a_note_edit_changes_no_sentence_and_is_saved(fresh: Served) -> None:
    edit = {"action": "edit-entry", "entry": "hurras-al-din", "note": "Al-Qaeda's <b>Syrian</b> branch since 2018."}
    status, found = post(fresh, "api/glossary", {**edit, "preview": True})
    assert status == 200 and found["count"] == 0 and found["sentences"] == [], found
    assert post(fresh, "api/glossary", {**edit, "expected": found["digest"]})[1]["ok"]
    assert fresh.workspace.glossary.entry("hurras-al-din").note.strip() == "Al-Qaeda's <b>Syrian</b> branch since 2018."
    assert post(fresh, "api/entry", {"entry": "no-such"})[0] == 404


def test_decide_many_records_every_decision_in_one_write(fresh: Served) -> None:
    ws = fresh.workspace
    doc = ws.doc("workbench")
    assert doc is not None
    key = next(k for k in review_keys(doc) if ":change:islamic-state:" in k)
    like = same_change_keys([d for d in ws.docs if not d.failed], key)
    stamps = {p: p.stat().st_mtime_ns for p in fresh.out.iterdir() if p.suffix == ".html"}
    decisions = ws.decide_many([(k, d.name) for d, k in like], "accepted", comment="house style")
    saved = json.loads((fresh.out / "review.json").read_text(encoding="utf-8"))["decisions"]
    assert all(saved[k]["status"] == "accepted" and saved[k]["comment"] == "house style" for _, k in like)
    assert decisions is ws.decisions
    rewritten = {p.name for p, t in stamps.items() if p.stat().st_mtime_ns != t}
    assert rewritten == {f"{d.name}.html" for d, _ in like} | {"index.html"}


def test_a_sentence_change_diff_marks_every_deleted_and_inserted_word() -> None:
    change = SentenceChange("d", 0, "src", "the fighters of EI left", "Islamic State militants left")
    pieces = change.diff()
    assert "".join(t for op, t in pieces if op != "+") == change.before
    assert "".join(t for op, t in pieces if op != "-") == change.after
    assert ("-", "the fighters of EI") in pieces and ("+", "Islamic State militants") in pieces
