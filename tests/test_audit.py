"""The document audit (``pipeline.evaluation.audit``, ``normalize eval --articles``) on hand-built documents, and its CLI."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pipeline import chain
from pipeline.cli import eval as cli_eval
from pipeline.cli.main import app
from pipeline.evaluation.audit import audit
from pipeline.evaluation.document_audit import COUNTERS, audit_document
from pipeline.model import Change, Check, Document, Finding, Kind, Method, Segment, TermHit, Translation, text_document
from pipeline.stages.base import DocumentStage, StageContext
from tests.conftest import FR_EN, ScriptedEngine, arabic_article

Span = tuple[int, int]


def span(text: str, words: str, after: int = 0) -> Span:
    start = text.index(words, after)
    return start, start + len(words)


def change(mt: str, target: str, raw: str | None, new: str, *, entry: str = "islamic-state", source: Span = (0, 1)) -> Change:
    """A change of the engine's ``raw`` words in ``mt`` (``None``: not located) to ``new`` in ``target``."""
    return Change(
        entry=entry,
        source_span=source,
        source_text="x",
        mt_text=raw or "",
        target_span=span(target, new),
        target_text=new,
        method=Method.ALIGNED if raw is not None else Method.PLACEHOLDER,
        mt_span=span(mt, raw) if raw is not None else None,
    )


def document(*segments: Segment, name: str = "doc") -> Document:
    doc = text_document(" ".join(s.source for s in segments), language="fr", name=name)
    doc.segments = list(segments)
    return doc


def segment(source: str, mt: str, target: str, *, changes: Sequence[Change] = (), **more: Any) -> Segment:
    return Segment(
        id=0,
        paragraph=0,
        start=0,
        end=len(source),
        source=source,
        translation=Translation(raw=mt),
        target=target,
        changes=list(changes),
        **more,
    )


def one(mt: str, target: str, raw: str | None, new: str) -> dict[str, int]:
    """The figures of a one-sentence document with one change."""
    return audit_document(document(segment("s", mt, target, changes=[change(mt, target, raw, new)]))).counts()


# ----- collateral edits and the grammar a change forces -----


def test_a_word_changed_away_from_the_change_is_collateral() -> None:
    mt, target = "the girls of the jihadists left", "the boys of the militants left"
    result = audit_document(document(segment("s", mt, target, changes=[change(mt, target, "jihadists", "militants")])))
    assert [(e.raw, e.normalised) for e in result.collateral_edits] == [("girls", "boys")]
    assert result.grammar_fixes == [] and result.unaligned_changes == []


def test_nothing_but_the_change_differs_from_the_raw_translation() -> None:
    counts = one("the fighters of Daesh left", "the fighters of Islamic State left", "Daesh", "Islamic State")
    assert counts["collateral_edits"] == counts["grammar_fixes"] == 0


@pytest.mark.parametrize(
    ("mt", "target", "raw", "new"),
    [
        (
            "They fought the Daesh near Raqqa.",
            "They fought Islamic State near Raqqa.",
            "Daesh",
            "Islamic State",
        ),  # article dropped
        ("allied with Nusra Front fighters", "allied with the al-Nusra Front fighters", "Nusra Front", "al-Nusra Front"),  # added
        ("he met a terrorist leader", "he met an extremist leader", "terrorist", "extremist"),  # a/an swapped
        (
            "said that the Atlanticists is ready",
            "said that the Western governments are ready",
            "Atlanticists",
            "Western governments",
        ),
        ("the attack of Daesh has failed", "the attack of Islamic State have failed", "Daesh", "Islamic State"),  # verb after
    ],
)
def test_grammar_next_to_a_change_is_allowed_not_collateral(mt: str, target: str, raw: str, new: str) -> None:
    counts = one(mt, target, raw, new)
    assert (counts["grammar_fixes"], counts["collateral_edits"]) == (1, 0)


@pytest.mark.parametrize(
    ("mt", "target", "raw", "new"),
    [
        ("the men saw Daesh fighters", "men saw Islamic State fighters", "Daesh", "Islamic State"),  # article far from the span
        ("Daesh fighters is here", "Islamic State fighters are here", "Daesh", "Islamic State"),  # verb not right after
        ("the anti-terrorist judges", "the judges counterterrorism", "anti-terrorist", "counterterrorism"),  # moved
        ("the Daesh", "Islamic State forces", "Daesh", "Islamic State"),  # a word added after the change
    ],
)
def test_edits_that_are_not_forced_grammar_are_collateral(mt: str, target: str, raw: str, new: str) -> None:
    assert one(mt, target, raw, new)["collateral_edits"] >= 1


def test_a_change_with_no_mt_span_leaves_its_neighbourhood_unmeasured() -> None:
    mt, target = "the girls saw the Daesh flag", "the boys saw Islamic State flag"
    result = audit_document(document(segment("s", mt, target, changes=[change(mt, target, None, "Islamic State")])))
    assert [(n.text, n.entry) for n in result.unaligned_changes] == [("Islamic State", "islamic-state")]
    assert [(e.raw, e.normalised) for e in result.collateral_edits] == [("girls", "boys")]  # away from it: still counted
    assert result.grammar_fixes == []  # "the" dropped beside it: unknown, not counted either way


def test_a_merged_abbreviation_is_not_collateral() -> None:
    mt, target = "Islamic state (EI) attacked", "Islamic State attacked"
    first = change(mt, target, "Islamic state", "Islamic State")
    merged = Change("islamic-state", (5, 6), "EI", "EI", first.target_span, "Islamic State", Method.MERGED, span(mt, "EI"))
    result = audit_document(document(segment("s", mt, target, changes=[first, merged])))
    assert result.collateral_edits == [] and result.counts()["changes"] == 2


# ----- names -----


def test_the_engines_the_x_renderings_are_mangled_names() -> None:
    source = "Bachar al-Assad et Hachd al-Chaabi, à Thonon-les-Bains."
    target = "Bachar to the-Assad and Hachd to the-Chaabi, in Thonon-the-Baths, a state-of-the-art town."
    result = audit_document(document(segment(source, target, target)))
    assert [n.text for n in result.mangled_names] == ["to the-Assad", "to the-Chaabi", "the-Baths"]
    assert [n.text for n in result.missing_names] == ["al-Assad", "al-Chaabi"]


def test_a_source_name_kept_or_standardised_is_not_missing() -> None:
    source = "Bachar el-Assad a rencontré le Hachd al-Chaabi à Deir ez-Zor."
    target = "Bashar al-Assad met the Popular Mobilization Forces in Deir ez-Zor."
    start = source.index("Hachd")
    hachd = TermHit(
        "pmf", start, start + len("Hachd al-Chaabi"), "Hachd al-Chaabi", "Popular Mobilization Forces", False, Kind.NAME
    )
    result = audit_document(document(segment(source, target, target, hits=[hachd])))
    assert [n.text for n in result.missing_names] == ["el-Assad"]  # "el-Assad" is neither written nor standardised
    assert result.mangled_names == []


# ----- quotations -----


def quoted(loaded: bool, written: str, *, quoted_form: str | None = "Daesh") -> dict[str, int]:
    source = "« Daech a perdu », a dit le ministre."
    mt, target = '"Daech has lost", has said the minister.', f'"{written} has lost", has said the minister.'
    hit = TermHit("islamic-state", 2, 7, "Daech", "Islamic State", loaded, in_quote=True, quoted_form=quoted_form)
    c = change(mt, target, "Daech", written, source=(2, 7))
    return audit_document(document(segment(source, mt, target, changes=[c], hits=[hit]))).counts()


def test_a_quoted_loaded_label_replaced_by_the_standard_name_is_counted() -> None:
    counts = quoted(True, "Islamic State")
    assert (counts["quoted_labels_rewritten"], counts["quoted_changes"]) == (1, 1)


def test_a_quoted_label_in_its_quoted_form_is_as_it_should_be() -> None:
    counts = quoted(True, "Daesh")
    assert (counts["quoted_labels_rewritten"], counts["quoted_changes"]) == (0, 0)


def test_a_neutral_variant_changed_in_a_quotation_is_a_quoted_change_only() -> None:
    counts = quoted(False, "Islamic State", quoted_form=None)
    assert (counts["quoted_labels_rewritten"], counts["quoted_changes"]) == (0, 1)


def test_a_change_outside_quotations_is_no_quoted_change() -> None:
    mt, target = "Daech has lost.", "Islamic State has lost."
    hit = TermHit("islamic-state", 0, 5, "Daech", "Islamic State", True, in_quote=False)
    c = change(mt, target, "Daech", "Islamic State", source=(0, 5))
    counts = audit_document(document(segment("Daech a perdu.", mt, target, changes=[c], hits=[hit]))).counts()
    assert (counts["quoted_labels_rewritten"], counts["quoted_changes"]) == (0, 0)


# ----- findings, totals and rendering -----


def findings_doc(name: str = "doc") -> Document:
    target = "The terrorists fled with the combatientes."
    found = [
        Finding(Check.LOADED_RENDERING, "'terrorists' is left", "militants", target_span=span(target, "terrorists")),
        Finding(Check.UNKNOWN_WORD, "'combatientes' was not translated", target_span=span(target, "combatientes")),
        Finding(Check.LOADED_ADJECTIVE, "an adjective", "militants", source_span=(0, 3)),
    ]
    return document(segment("s", target, target, findings=found), name=name)


def test_findings_are_counted_per_check_with_the_english_words() -> None:
    result = audit_document(findings_doc())
    assert [(n.text, n.entry) for n in result.loaded_renderings] == [("terrorists", "militants")]
    assert [n.text for n in result.unknown_words] == ["combatientes"]
    assert result.findings_per_check == {"loaded-adjective": 1, "loaded-rendering": 1, "unknown-word": 1}
    assert result.counts()["findings"] == 3


def test_totals_sum_the_documents_and_leave_failed_ones_out() -> None:
    mt, target = "the fighters of Daesh", "the fighters of Islamic State"
    changed = document(segment("s", mt, target, changes=[change(mt, target, "Daesh", "Islamic State")]), name="changed")
    failed = text_document("", language="fr", name="broken")
    failed.error = "the file is empty"
    report = audit([changed, findings_doc("flagged"), failed], corpus="in")
    totals = report.totals()
    assert list(totals) == [name for name, _, _ in COUNTERS]
    assert (totals["changes"], totals["findings"], totals["loaded_renderings"], totals["unknown_words"]) == (1, 3, 1, 1)
    assert report.changes_per_entry() == {"islamic-state": 1}
    assert [d.name for d in report.failed] == ["broken"]
    data = report.to_json()
    assert data["corpus"] == {"articles": "in", "documents": 3, "failed": 1}
    assert data["documents"][2] == {"name": "broken", "path": "<broken>", "segments": 0, "error": "the file is empty"}
    text = report.format(show=5)
    assert "changed" in text and "failed documents (1):" in text
    assert any(line.startswith("total") and line.split()[1:3] == ["1", "1"] for line in text.splitlines())
    assert "[-" not in report.format(show=0)


# ----- the command line, with a fake engine -----


def mangling_engine(name: str, source: str, target: str) -> ScriptedEngine:
    """Stands in for ``run_engine``: copies French through, except that it mangles the Arabic article."""
    return ScriptedEngine(arabic_article, name="fake")


def write_articles(folder: Path) -> Path:
    folder.mkdir()
    (folder / "one.txt").write_text("Bachar al-Assad a parlé.\n\nLes jihadistes de Daech ont fui.\n", encoding="utf-8")
    (folder / "two.txt").write_text("« Les terroristes de Daech », a dit le ministre.\n", encoding="utf-8")
    return folder


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, ["eval", *args])


def without_names_layer(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names layer (its stage and fr-en.names.yaml) would protect "Bachar al-Assad" (tests/test_names.py);
    these tests count the engine's own mangling, so they run without it, on fr-en.yaml alone."""
    monkeypatch.setitem(chain.STAGES, "names", NoNames)
    return ["--glossary", str(FR_EN)]


class NoNames(DocumentStage):
    """The names stage's place in the chain, doing nothing."""

    name = "names"
    requires = frozenset({"segments"})

    @classmethod
    def from_context(cls, context: StageContext) -> NoNames:
        return cls()

    def __call__(self, doc: Document) -> Document:
        return doc


def test_eval_articles_json_has_per_document_and_total_figures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_eval, "run_engine", mangling_engine)
    result = invoke("--articles", str(write_articles(tmp_path / "in")), "--json", *without_names_layer(monkeypatch))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"signature", "engine", "corpus", "totals", "changes_per_entry", "findings_per_check", "documents"} <= set(data)
    assert data["engine"]["name"] == "fake"
    assert [d["name"] for d in data["documents"]] == ["one", "two"]
    assert set(data["totals"]) == {name for name, _, _ in COUNTERS}
    assert set(data["documents"][0]["counts"]) == set(data["totals"])
    assert data["documents"][0]["counts"]["mangled_names"] == 1
    assert data["documents"][0]["mangled_names"][0]["text"] == "to the-Assad"
    assert data["totals"]["changes"] == sum(data["changes_per_entry"].values()) > 0


def test_eval_articles_text_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_eval, "run_engine", mangling_engine)
    result = invoke("--articles", str(write_articles(tmp_path / "in")), *without_names_layer(monkeypatch))
    assert result.exit_code == 0, result.output
    assert "audit of 2 documents" in result.stdout and "to the-Assad" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--articles", "{dir}", "--source", "fr.txt"], "drop --source"),
        (["--articles", "{dir}", "--save", "out"], "drop --save"),
        ([], "or --articles DIR"),
        (["--source", "fr.txt"], "give --reference FILE"),
        (["--articles", "{dir}/missing"], "is not a folder"),
        (["--articles", "{empty}"], "no .txt files found"),
    ],
)
def test_eval_modes_are_exclusive_with_one_line_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.setattr(cli_eval, "run_engine", mangling_engine)
    folder = write_articles(tmp_path / "in")
    (tmp_path / "empty").mkdir()
    result = invoke(*[a.format(dir=folder, empty=tmp_path / "empty") for a in args])
    assert result.exit_code == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
