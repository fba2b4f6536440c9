"""Resume (#15.2): a re-run skips what is up to date, redoes what changed, and after SIGKILL ends byte-identical."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import chain
from pipeline.glossary.load import Glossary, load_glossary_file
from pipeline.run import RunOptions, RunResult, run
from tests.conftest import ROOT, ScriptedEngine

SENTENCES = [
    "Les terroristes de Daech ont attaqué les positions du Front Al-Nosra près d’Idleb.",
    "Selon l’OSDH, les combattants de Hayat Tahrir al-Cham ont repoussé l’assaut.",
    "Les qaïdistes de Houras ad-Din ont saisi du chlore appartenant à l’armée syrienne.",
]


def corpus(folder: Path, count: int) -> Path:
    folder.mkdir()
    for i in range(count):
        (folder / f"doc{i:03d}.txt").write_text(
            f"{SENTENCES[i % 3]} Document {i}.\n\n{SENTENCES[(i + 1) % 3]}\n", encoding="utf-8"
        )
    return folder


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def opts(inputs: Path, out: Path, glossary: Glossary, **kw: object) -> RunOptions:
    return RunOptions(inputs=[inputs], out=out, glossary=glossary, quiet=True, **kw)  # type: ignore[arg-type]


def test_a_rerun_skips_unchanged_documents_and_says_how_many(tmp_path: Path, fr_en: Glossary) -> None:
    inputs = corpus(tmp_path / "in", 6)
    out = tmp_path / "out"
    first = run(opts(inputs, out, fr_en), engine=ScriptedEngine())
    before = snapshot(out)
    data = json.loads((out / "doc000.json").read_text(encoding="utf-8"))
    assert data["run_signature"] == first.info.run_signature and len(data["run_signature"]) == 16
    assert data["source"]["sha256"]

    engine = ScriptedEngine()
    again = run(opts(inputs, out, fr_en), engine=engine)
    assert again.report.skipped == 6 and engine.calls == []
    assert "6 documents: 0 written, 6 already up to date (--force redoes them)" in again.report.summary(out)[0]
    assert snapshot(out) == before

    (inputs / "doc002.txt").write_text("Les djihadistes de Daech ont fui.\n", encoding="utf-8")
    engine = ScriptedEngine()
    changed = run(opts(inputs, out, fr_en), engine=engine)
    assert changed.report.skipped == 5
    assert engine.calls[0][0] == "Les djihadistes de Daech ont fui." and all("Document" not in s for c in engine.calls for s in c)
    assert json.loads((out / "doc002.json").read_text(encoding="utf-8"))["segments"][0]["source"].startswith("Les djihadistes")

    forced = run(opts(inputs, out, fr_en, force=True), engine=ScriptedEngine())
    assert forced.report.skipped == 0 and len(forced.report.done) == 6


def no_chain(*args: object, **kwargs: object) -> None:
    raise AssertionError("a stage was built for an unchanged document")


def test_an_unchanged_document_is_skipped_as_it_is_read_without_running_a_stage(
    tmp_path: Path, fr_en: Glossary, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same bytes, same run, same whole glossary: nothing to match, so no stage is even built (the review loop's
    cached re-run); an older JSON without the glossary's digest is still resumed, by matching it."""
    inputs = corpus(tmp_path / "in", 3)
    out = tmp_path / "out"
    run(opts(inputs, out, fr_en), engine=ScriptedEngine())
    assert json.loads((out / "doc000.json").read_text(encoding="utf-8"))["glossary_fingerprint"]["glossary"]
    before = snapshot(out)

    with monkeypatch.context() as patched:
        patched.setattr(chain.Chain, "__init__", no_chain)
        again = run(opts(inputs, out, fr_en), engine=ScriptedEngine())
    assert again.report.skipped == 3 and snapshot(out) == before

    old = out / "doc001.json"
    data = json.loads(old.read_text(encoding="utf-8"))
    del data["glossary_fingerprint"]["glossary"]
    old.write_text(json.dumps(data), encoding="utf-8")
    engine = ScriptedEngine()
    assert run(opts(inputs, out, fr_en), engine=engine).report.skipped == 3 and engine.calls == []


GLOSSARY = """\
source: fr
target: en
entries:
  - id: hamas
    kind: group
    standard: Hamas
    article: none
    variants: [Hamas]
    note: The group's own name.
  - id: hezbollah
    kind: group
    standard: Hezbollah
    article: none
    variants: [Hezbollah]
    note: The group's own name.
  - id: terrorists
    kind: members
    standard: "{group} militant"
    plural: "{group} militants"
    loaded: true
    variants: ["terroriste(s) {group}", "terroriste(s) du {group}"]
    renderings: [terrorists]
    note: A loaded label.
"""
DOCS = {  # "a" names Hamas only, "b" Hezbollah only (through the loaded label), "c" no entry at all
    "a": "Le Hamas a tiré des roquettes.\n\nLa pluie est tombée.\n",
    "b": "Les terroristes du Hezbollah ont répondu.\n",
    "c": "La pluie tombe sur le port.\n\nLe vent souffle.\n",
}


def small_run(tmp_path: Path, glossary: str, out: str = "out", **kw: object) -> tuple[RunResult, ScriptedEngine]:
    """Run the three ``DOCS`` with ``glossary`` (YAML text, always at the same path) into ``tmp_path / out``."""
    inputs = tmp_path / "in"
    if not inputs.exists():
        inputs.mkdir()
        for name, text in DOCS.items():
            (inputs / f"{name}.txt").write_text(text, encoding="utf-8")
    path = tmp_path / "fr-en.yaml"
    path.write_text(glossary, encoding="utf-8")
    engine = ScriptedEngine()
    return run(opts(inputs, tmp_path / out, load_glossary_file(path), **kw), engine=engine), engine


def redone(result: RunResult) -> list[str]:
    """The names of the documents a run wrote (rather than skipped), from its documents kept in memory."""
    return sorted(d.name for d in result.documents)


def content(out: Path, name: str) -> dict[str, object]:
    """A document's JSON without its provenance (which glossary files, by hash, the run that wrote it loaded)."""
    data = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if k not in ("glossaries", "signature")}


def test_editing_an_entry_redoes_only_the_documents_that_use_it(tmp_path: Path) -> None:
    first, _ = small_run(tmp_path, GLOSSARY)
    assert redone(first) == ["a", "b", "c"]
    assert {h.entry for d in first.documents for s in d.segments for h in s.hits} == {"hamas", "terrorists"}

    edited = GLOSSARY.replace("standard: Hamas", "standard: Hamas movement")  # same lines: no other entry moves
    again, engine = small_run(tmp_path, edited)
    assert redone(again) == ["a"] and again.report.skipped == 2
    assert [s for c in engine.calls for s in c] and all(
        "HAMAS" in s.upper() or "PLUIE" in s.upper() for c in engine.calls for s in c
    )
    assert "Hamas movement" in (tmp_path / "out" / "a.json").read_text(encoding="utf-8")
    assert "3 documents: 1 written, 2 already up to date (--force redoes them)" in again.report.summary(tmp_path / "out")[0]

    # b names hezbollah only inside the loaded label's {group} slot, whose standard name then holds it
    edited = edited.replace("standard: Hezbollah", "standard: Hizbullah")
    third, _ = small_run(tmp_path, edited)
    assert redone(third) == ["b"]
    fresh, _ = small_run(tmp_path, edited, out="fresh")
    assert all(content(tmp_path / "out", n) == content(tmp_path / "fresh", n) for n in DOCS)


def test_an_entry_that_now_matches_redoes_that_document_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small_run(tmp_path, GLOSSARY)
    added = GLOSSARY + "  - id: wind\n    standard: breeze\n    variants: [vent]\n"  # appended: no other entry moves
    again, _ = small_run(tmp_path, added)
    assert redone(again) == ["c"]
    assert json.loads((tmp_path / "out" / "c.json").read_text(encoding="utf-8"))["segments"][1]["changes"][0]["entry"] == "wind"

    unused = added + "  - id: snow\n    standard: snow\n    variants: [neige]\n"  # matches nothing: nothing to redo
    assert redone(small_run(tmp_path, unused)[0]) == []
    # and each JSON now says it is up to date with this glossary: the next run skips them without a stage
    with monkeypatch.context() as patched:
        patched.setattr(chain.Chain, "__init__", no_chain)
        assert small_run(tmp_path, unused)[0].report.skipped == 3


def test_a_context_rule_redoes_a_document_when_it_changes_what_matches_there(tmp_path: Path) -> None:
    small_run(tmp_path, GLOSSARY)
    refused = GLOSSARY + "  - id: harbour\n    standard: harbour\n    variants: [port]\n    not_after: [le]\n"
    again, _ = small_run(tmp_path, refused)
    assert redone(again) == []  # c says "le port": refused by the rule, so nothing there changes
    accepted = refused.replace("not_after: [le]", "not_after: [un]")
    again, _ = small_run(tmp_path, accepted)
    assert redone(again) == ["c"]
    assert (
        json.loads((tmp_path / "out" / "c.json").read_text(encoding="utf-8"))["segments"][0]["changes"][0]["entry"] == "harbour"
    )


def test_a_loaded_rendering_now_found_in_the_english_redoes_that_document(tmp_path: Path) -> None:
    """The check stage looks for every loaded entry's renderings in the English, also entries the source never names."""
    small_run(tmp_path, GLOSSARY)
    rain = GLOSSARY + "  - id: rain\n    standard: rainfall\n    loaded: true\n    variants: [averse]\n    renderings: [pluie]\n"
    again, _ = small_run(tmp_path, rain)
    assert redone(again) == ["a", "c"]  # both have "pluie" in their (upper-cased, echoed) English
    findings = [
        f for s in json.loads((tmp_path / "out" / "c.json").read_text(encoding="utf-8"))["segments"] for f in s["findings"]
    ]
    assert [(f["check"], f["entry"]) for f in findings] == [("loaded-rendering", "rain")]
    fresh, _ = small_run(tmp_path, rain, out="fresh")
    assert all(content(tmp_path / "out", n) == content(tmp_path / "fresh", n) for n in DOCS)


def test_comments_and_glossary_wide_changes_that_touch_no_match_redo_nothing(tmp_path: Path) -> None:
    small_run(tmp_path, GLOSSARY)
    again, _ = small_run(tmp_path, GLOSSARY + "# a comment changes the file's hash, not any document\n")
    assert redone(again) == [] and again.report.skipped == 3


def test_an_engine_setting_redoes_every_document(tmp_path: Path) -> None:
    a, _ = small_run(tmp_path, GLOSSARY)
    b, _ = small_run(tmp_path, GLOSSARY, engine_settings={"echo": {"beam_size": 2}})
    assert a.info.run_signature != b.info.run_signature
    assert redone(b) == ["a", "b", "c"] and b.report.skipped == 0


# The CLI in a child process that reports, on the file descriptor given as its first argument, each batch it
# starts translating and each document it has completely written: the tests wait on these lines, not on a clock.
EVENTS = """\
import os, sys
from pipeline.chain import Chain
from pipeline.outputs.folder import OutputFolder
events = os.fdopen(int(sys.argv.pop(1)), "w", buffering=1)
finish, write = Chain.finish, OutputFolder.write_document
def batch(self, docs):
    events.write("batch\\n")
    return finish(self, docs)
def written(self, doc, *args, **kw):
    summary = write(self, doc, *args, **kw)
    events.write("written\\n")
    return summary
Chain.finish, OutputFolder.write_document = batch, written
from pipeline.cli.main import entry_point
sys.argv[0] = "normalize"
entry_point()
"""


class Normalize:
    """``normalize run`` over ``inputs`` with Apertium and small batches, its events readable line by line."""

    def __init__(self, inputs: Path, out: Path, *extra: str) -> None:
        read, write = os.pipe()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", EVENTS, str(write), "run", "--engine", "apertium", str(inputs), "--out", str(out),
             "--batch-sentences", "20", *extra],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, pass_fds=(write,),
        )
        os.close(write)  # the child holds the only writing end: the pipe ends when it exits
        self.events = os.fdopen(read, encoding="utf-8")

    def until(self, event: str, count: int) -> list[str]:
        """Block until the child has reported ``event`` ``count`` times (or exited); the events read so far."""
        seen: list[str] = []
        for line in self.events:
            seen.append(line.strip())
            if seen.count(event) >= count:
                break
        return seen

    def finish(self) -> tuple[list[str], str]:
        """Wait for the child to exit; the events it reported after the last read, and its stderr."""
        rest = [line.strip() for line in self.events]
        self.events.close()
        _, err = self.proc.communicate(timeout=300)
        return rest, err


def test_after_sigkill_the_rerun_finishes_byte_identical_to_an_uninterrupted_run(tmp_path: Path) -> None:
    inputs = corpus(tmp_path / "in", 60)
    cache = tmp_path / "cache.sqlite"
    whole = tmp_path / "whole"
    done = Normalize(inputs, whole, "--quiet", "--cache", str(tmp_path / "cache-whole.sqlite"))
    _, err = done.finish()
    assert done.proc.returncode == 0, err

    out = tmp_path / "out"
    proc = Normalize(inputs, out, "--quiet", "--cache", str(cache))
    assert proc.until("written", 10).count("written") == 10  # several batches written, more to come
    proc.proc.kill()
    proc.finish()
    assert proc.proc.returncode == -signal.SIGKILL
    written = len(list(out.glob("doc*.json")))
    assert 10 <= written < 60

    again = Normalize(inputs, out, "--cache", str(cache))
    _, err = again.finish()
    assert again.proc.returncode == 0, err
    skipped = next(line for line in err.splitlines() if "already up to date" in line)
    assert int(skipped.split()[0]) >= written - 1  # the document being renamed at the kill may be redone
    assert snapshot(out) == snapshot(whole)


def test_pages_appear_batch_by_batch(tmp_path: Path) -> None:
    inputs = corpus(tmp_path / "in", 60)
    out = tmp_path / "out"
    proc = Normalize(inputs, out, "--quiet", "--no-cache")
    first = proc.until("written", 1)
    pages = len(list(out.glob("doc*.json")))  # the first page is on disk ...
    rest, err = proc.finish()
    assert proc.proc.returncode == 0, err
    assert first.count("batch") == 1 and pages >= 1
    assert rest.count("batch") >= 2  # ... before later batches were translated
    assert (first + rest).count("written") == 60
    shutil.rmtree(out)
