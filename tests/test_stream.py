"""Streaming runs (#15.1, #14.5, #13.3): bounded batches, large documents in parts, paginated index, the summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.engines.cache import CachedEngine, TranslationCache
from pipeline.glossary.load import Glossary
from pipeline.outputs import folder as outputs_folder
from pipeline.run import RunOptions, run
from tests.conftest import ScriptedEngine

SENTENCE = "Les terroristes de Daech ont attaqué les positions près d’Idleb."


def corpus(folder: Path, count: int, sentences: int = 2) -> Path:
    folder.mkdir()
    for i in range(count):
        (folder / f"doc{i:03d}.txt").write_text(
            " ".join(f"{SENTENCE[:-1]} {i}-{j}." for j in range(sentences)) + "\n", encoding="utf-8"
        )
    return folder


def opts(inputs: Path, out: Path, glossary: Glossary, **kw: object) -> RunOptions:
    return RunOptions(inputs=[inputs], out=out, glossary=glossary, quiet=True, **kw)  # type: ignore[arg-type]


def test_translation_runs_in_bounded_batches_of_sentences(tmp_path: Path, fr_en: Glossary) -> None:
    engine = ScriptedEngine()
    result = run(
        opts(corpus(tmp_path / "in", 30, sentences=2), tmp_path / "out", fr_en, batch_sentences=10, keep_documents=False),
        engine=engine,
    )
    assert len(result.report.done) == 30 and result.docs == []
    sizes = [len(call) for call in engine.calls]
    assert len(sizes) >= 6 and max(sizes) <= 12  # about 10 sentences a batch (a document is never split across two)


def test_a_very_large_document_is_split_into_parts_with_a_warning(tmp_path: Path, fr_en: Glossary) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    paragraphs = [f"{SENTENCE[:-1]} {i}." for i in range(400)]
    (folder / "big.txt").write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run(opts(folder, out, fr_en, part_chars=5_000), engine=ScriptedEngine())
    names = [d.name for d in result.report.done]
    assert len(names) > 4 and names[0] == "big.part001"
    first = json.loads((out / "big.part001.json").read_text(encoding="utf-8"))
    assert "split into" in first["warnings"][-1] and "part 1 " in first["warnings"][-1]
    texts: list[str] = []
    for name in names:
        data = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
        texts.extend(seg["source"] for seg in data["segments"])
    assert len(texts) == 400 and all(t.startswith("Les terroristes") for t in texts)  # cut between paragraphs only


def test_the_index_is_paginated_with_failures_first(tmp_path: Path, fr_en: Glossary, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outputs_folder, "INDEX_PAGE_SIZE", 10)
    folder = corpus(tmp_path / "in", 25, sentences=1)
    (folder / "empty.txt").write_text("\n", encoding="utf-8")
    out = tmp_path / "out"
    run(opts(folder, out, fr_en), engine=ScriptedEngine())
    pages = sorted(p.name for p in out.glob("index*.html"))
    assert pages == ["index.2.html", "index.3.html", "index.html"]
    first = (out / "index.html").read_text(encoding="utf-8")
    assert "Page 1 of 3" in first and 'href="index.2.html"' in first
    assert first.index("empty") < first.index("doc000")
    rows = sum((out / p).read_text(encoding="utf-8").count("<tr") for p in pages)
    assert rows >= 26


def test_stale_pages_are_reported_and_removed_with_clean(tmp_path: Path, fr_en: Glossary) -> None:
    folder = corpus(tmp_path / "in", 3, sentences=1)
    out = tmp_path / "out"
    run(opts(folder, out, fr_en), engine=ScriptedEngine())
    (folder / "doc002.txt").unlink()
    (out / "notes.html").write_text("mine", encoding="utf-8")  # the user's: never reported, never removed
    kept = run(opts(folder, out, fr_en), engine=ScriptedEngine())
    assert kept.report.stale == ["doc002.html", "doc002.json"]
    assert any("2 pages in" in line and "--clean removes them" in line for line in kept.report.summary(out))
    cleaned = run(opts(folder, out, fr_en, clean=True), engine=ScriptedEngine())
    assert cleaned.report.removed == ["doc002.html", "doc002.json"]
    assert not (out / "doc002.html").exists() and (out / "notes.html").read_text(encoding="utf-8") == "mine"
    assert "removed 2 pages of earlier runs (--clean)" in cleaned.report.summary(out)


def test_the_summary_says_how_many_sentences_came_from_the_cache(tmp_path: Path, fr_en: Glossary) -> None:
    folder = corpus(tmp_path / "in", 4, sentences=2)
    cache_file = tmp_path / "cache.sqlite"

    def cached() -> CachedEngine:
        return CachedEngine(ScriptedEngine(), TranslationCache(cache_file))

    first = run(opts(folder, tmp_path / "a", fr_en), engine=cached())
    assert f"0 of {first.report.sentences_translated} sentences came from the translation cache" in first.report.summary(
        tmp_path / "a"
    )
    second = run(opts(folder, tmp_path / "b", fr_en), engine=cached())
    n = second.report.sentences_translated
    assert n > 0 and f"{n} of {n} sentences came from the translation cache" in second.report.summary(tmp_path / "b")


def test_failures_are_printed_as_they_happen(tmp_path: Path, fr_en: Glossary, capfd: pytest.CaptureFixture[str]) -> None:
    folder = corpus(tmp_path / "in", 2, sentences=1)
    (folder / "empty.txt").write_text("\n", encoding="utf-8")
    run(opts(folder, tmp_path / "out", fr_en), engine=ScriptedEngine())
    err = capfd.readouterr().err
    assert err.startswith(f"normalize: failed: {folder / 'empty.txt'}: the file is")


def test_plurals_in_the_summary(tmp_path: Path, fr_en: Glossary) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "one.txt").write_text("Les terroristes de Daech ont fui.\n", encoding="utf-8")
    result = run(opts(folder, tmp_path / "out", fr_en), engine=ScriptedEngine())
    line = result.report.summary(tmp_path / "out")[0]
    assert line.startswith("1 of 1 document written") and "(1 change, 0 findings)" in line


def test_help_shows_no_type_tags() -> None:
    from typer.testing import CliRunner

    from pipeline.cli.main import app

    text = CliRunner().invoke(app, ["run", "--help"], env={"COLUMNS": "160"}).output
    assert "--force" in text and "--executor" in text and "normalize[ray]" in text
    assert "<bool>" not in text and "<list" not in text and "<path>" not in text


def test_a_run_holds_its_inputs_as_strings_and_gives_paths(tmp_path: Path) -> None:
    """#35, flat memory: 12,000 inputs as ``Path`` objects were ~4.8 MB a run kept to its end."""
    import tracemalloc

    from pipeline.readers.files import PathList

    names = [f"/data/feeds/2018/doc{i:05d}.txt" for i in range(2000)]
    inputs = PathList(names)
    assert len(inputs) == 2000 and inputs[3] == Path(names[3]) and isinstance(inputs[3], Path)
    assert list(inputs[1:3]) == [Path(names[1]), Path(names[2])] and isinstance(inputs[1:3], PathList)
    assert [p.name for p in inputs][-1] == "doc01999.txt"
    tracemalloc.start()
    try:
        as_paths = [Path(n) for n in names]
        [p.parts for p in as_paths]  # what a run's use of them fills in (str, parts)
        [str(p) for p in as_paths]
        paths_size = tracemalloc.get_traced_memory()[0]
        del as_paths
        base = tracemalloc.get_traced_memory()[0]
        held = PathList(n + "" for n in names)
        strings_size = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert len(held) == 2000 and strings_size < paths_size / 3


def test_the_case_folded_names_are_made_only_when_a_source_of_many_documents_asks(tmp_path: Path) -> None:
    from pipeline.outputs.names import ItemNames, TakenNames

    taken = TakenNames(["Feed--Story", "other"])
    assert taken._folded is None  # a run of text files never looks
    names = ItemNames("feed", tmp_path / "feed.xml", taken)
    first = names("story")
    assert first.startswith("feed--story-") and first != "feed--story"  # another input's pages have that name
    assert taken._folded == {"feed--story", "other"} and len(taken) == 2 and "OTHER" not in taken


def test_the_manifest_lists_earlier_and_new_files_and_clean_forgets_what_it_removed(tmp_path: Path, fr_en: Glossary) -> None:
    out = tmp_path / "out"
    inputs = corpus(tmp_path / "in", 3)
    run(opts(inputs, out, fr_en), engine=ScriptedEngine())
    (inputs / "doc002.txt").unlink()
    (inputs / "doc003.txt").write_text("Un autre texte.\n", encoding="utf-8")
    run(opts(inputs, out, fr_en), engine=ScriptedEngine())
    files = json.loads((out / ".normalize-manifest.json").read_text(encoding="utf-8"))["files"]
    assert {"doc002.html", "doc002.json", "doc003.html", "doc003.json", "doc000.json"} <= set(files)  # earlier + new
    run(opts(inputs, out, fr_en, clean=True), engine=ScriptedEngine())
    files = json.loads((out / ".normalize-manifest.json").read_text(encoding="utf-8"))["files"]
    assert "doc002.html" not in files and "doc003.html" in files and not (out / "doc002.html").exists()
