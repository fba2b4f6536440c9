"""`normalize run --source ru|ar --engine argos` end to end with synthetic Argos packages (issue 36).

No Apertium pair translates Russian or Arabic into English, so these languages run on Argos only, and
here on synthetic packages (``tests.argos_fixture``: random weights, SentencePiece trained on a few real
sentences of each language). The English is gibberish by design; the tests prove the plumbing: every
change sits at the engine's rendering of its words in the written English, a quotation with a speaker
keeps the speaker's words, names in naming marks are rewritten, the audit counts the language's
documents, and a document in the other language is refused.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pipeline.cli.main import app
from pipeline.model import Method
from tests.argos_fixture import LANGUAGE_SENTENCES
from tests.conftest import ROOT, needs

runner = CliRunner()
CORPUS = ROOT.parent / "shared" / "corpus"
# What the engine allows: the synthetic model gives its attention, so every change is spliced where it
# aligned the words; the fallbacks translate around placeholders, and say so.
METHODS = {Method.ALIGNED, Method.PLACEHOLDER, Method.PLACEHOLDER_SPLIT}
ENTRIES = {"ru": {"boko-haram", "boeviki", "taliban", "islamic-state"}, "ar": {"islamic-state", "militants"}}
NAMES = {"ru": "Russian", "ar": "Arabic"}


@pytest.fixture
def packages(argos_ru_en: Path, argos_ar_en: Path) -> Path:
    """The package folder with both synthetic packages (ru->en, ar->en) installed."""
    return argos_ru_en


def article(tmp_path: Path, code: str) -> Path:
    """A folder with one article: the language's fixture sentences, a paragraph each."""
    folder = tmp_path / f"in-{code}"
    folder.mkdir()
    text = "\n\n".join(sentence for _, sentence in LANGUAGE_SENTENCES[code]) + "\n"
    (folder / "article.txt").write_text(text, encoding="utf-8")
    return folder


def run(folder: Path, out: Path, source: str) -> Any:
    return runner.invoke(app, ["run", str(folder), "--source", source, "--engine", "argos", "--no-cache", "-o", str(out), "-q"])


def page(tmp_path: Path, code: str) -> dict[str, Any]:
    out = tmp_path / f"out-{code}"
    result = run(article(tmp_path, code), out, code)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads((out / "article.json").read_text(encoding="utf-8"))
    return data


def segment(data: dict[str, Any], words: str) -> dict[str, Any]:
    return next(seg for seg in data["segments"] if words in seg["source"])


@needs("corpus")
def test_the_real_sentences_are_the_corpus_lines() -> None:
    """Each sentence with a SET:LINE is that line of ../shared/corpus/parallel-XX (when the corpus is there)."""
    for code, sentences in LANGUAGE_SENTENCES.items():
        folder = CORPUS / f"parallel-{code}"
        rows = [line.split("\t") for line in (folder / "meta.tsv").read_text(encoding="utf-8").splitlines()[1:]]
        lines = (folder / f"{code}.txt").read_text(encoding="utf-8").splitlines()
        where = {f"{row[1]}:{row[2]}": lines[k] for k, row in enumerate(rows)}
        real = [(origin, text) for origin, text in sentences if origin != "written"]
        assert len(real) >= 4
        for origin, text in real:
            assert where[origin] == text, origin


@pytest.mark.parametrize("code", ["ru", "ar"])
def test_changes_sit_at_the_engines_renderings(packages: Path, tmp_path: Path, code: str) -> None:
    data = page(tmp_path, code)
    assert data["source"]["language"] == code
    assert data["engine"]["name"] == "argos" and data["engine"]["pivot"] == [code, "en"]
    text = "\n\n".join(sentence for _, sentence in LANGUAGE_SENTENCES[code]) + "\n"
    entries: Counter[str] = Counter()
    methods: set[str] = set()
    for seg in data["segments"]:
        assert seg["mt"] and seg["target"]
        for change in seg["changes"]:
            a, b = change["target_span"]
            assert seg["target"][a:b] == change["target_text"]  # in the English, where the page highlights it
            s0, s1 = change["source_span"]
            assert text[s0:s1] == change["source_text"]  # offsets into the original Russian or Arabic
            methods.add(change["method"])
            entries[change["entry"]] += 1
            if change["method"] == Method.ALIGNED:
                m0, m1 = change["mt_span"]
                assert seg["mt"][m0:m1] == change["mt_text"]  # what the engine said there, replaced
    assert ENTRIES[code] <= set(entries)
    assert methods and methods <= set(METHODS)
    assert Method.ALIGNED in methods  # the synthetic model's attention places the words
    assert (tmp_path / f"out-{code}" / "article.html").is_file()


@pytest.mark.parametrize(
    ("code", "kept", "speaker", "named", "standard"),
    [
        ("ru", "террористов", "министр", "Талибан", "Taliban"),
        ("ar", "الإرهابيين", "المتحدث باسم الجيش", "«داعش»", "Islamic State"),
    ],
)
def test_a_quotation_with_a_speaker_keeps_the_speakers_words(
    packages: Path, tmp_path: Path, code: str, kept: str, speaker: str, named: str, standard: str
) -> None:
    data = page(tmp_path, code)
    said = segment(data, kept)
    assert said["changes"] == []  # the loaded label stays as the speaker said it
    [finding] = [f for f in said["findings"] if f["check"] == "quoted-label"]
    assert f"said by {speaker}" in finding["message"]
    # the same marks around a lone name nobody speaks are naming marks: the name is rewritten
    name = segment(data, named)
    assert standard in [c["target_text"] for c in name["changes"]]
    assert not [f for f in name["findings"] if f["check"] == "quoted-label"]


def test_a_loaded_variant_quoted_with_a_speaker_keeps_its_english_spelling(packages: Path, tmp_path: Path) -> None:
    said = segment(page(tmp_path, "ru"), "ДАИШ")
    assert [c["target_text"] for c in said["changes"]] == ["Daesh"]  # the speaker's word, not "Islamic State"
    assert any("said by Лавров" in f["message"] for f in said["findings"])


@pytest.mark.parametrize("code", ["ru", "ar"])
def test_the_audit_counts_the_languages_documents(packages: Path, tmp_path: Path, code: str) -> None:
    data = page(tmp_path, code)
    folder = tmp_path / f"in-{code}"
    result = runner.invoke(app, ["eval", "--articles", str(folder), "--from", code, "--engine", "argos", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["corpus"] == {"articles": str(folder), "documents": 1, "failed": 0}
    assert f"pair:{code}-en" in report["signature"]
    on_pages = Counter(c["entry"] for seg in data["segments"] for c in seg["changes"])
    assert report["changes_per_entry"] == dict(on_pages)
    totals = report["totals"]
    assert totals["changes"] == sum(on_pages.values())
    assert totals["quoted_labels_rewritten"] == 0  # the speakers' labels stayed
    quoted = sum(f["check"] == "quoted-label" for seg in data["segments"] for f in seg["findings"])
    assert report["findings_per_check"]["quoted-label"] == quoted >= 1


@pytest.mark.parametrize(("code", "wrong"), [("ru", "ar"), ("ar", "ru")])
def test_a_wrong_source_is_refused(packages: Path, tmp_path: Path, code: str, wrong: str) -> None:
    """As for French: the document fails with the language it looks like, and the run exits 1."""
    out = tmp_path / "out"
    result = run(article(tmp_path, code), out, wrong)
    assert result.exit_code == 1
    [failed] = json.loads((out / "report.json").read_text(encoding="utf-8"))["documents"]["failed"]
    assert f"looks like {NAMES[code]}, not {wrong}" in failed["error"]
    assert f"pass --source {code}" in failed["error"]
    assert not (out / "article.json").exists()
