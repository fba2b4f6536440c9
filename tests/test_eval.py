"""``normalize eval`` on the real parallel corpus (tests/data/parallel), with the real Apertium engine.

The corpus is 144 French sentences about armed groups with professional English
references (WMT newstest, FLORES-200, NTREX-128): text no one on the team wrote.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import sacrebleu
from typer.testing import CliRunner

from pipeline.cli.main import app
from pipeline.errors import ConfigError
from pipeline.evaluation.parallel import evaluate, word_diff
from pipeline.glossary.load import Glossary, load_glossaries
from pipeline.glossary.matcher import Matcher
from pipeline.stages.match import quote_spans
from tests.conftest import DATA, FR_EN, ScriptedEngine, check_golden, needs

CORPUS = DATA / "parallel"
SOURCE, REFERENCE = CORPUS / "fr.txt", CORPUS / "en.txt"

# Group labels that must not survive outside quotations: "terrorists" is the
# noun (English adjectives do not take a plural), the others are names.
GROUP_LABELS = [
    re.compile(r"(?<![\w-])terrorists(?!\w)", re.IGNORECASE),
    re.compile(r"(?<!\w)(?:Daesh|Daech)(?!\w)", re.IGNORECASE),
    re.compile(r"(?<!\w)EI(?!\w)"),
    re.compile(r"(?<!\w)takfiri\w*", re.IGNORECASE),
]
# Adjectives and abstract nouns that are not group labels (issue #7).
ADJECTIVE_USES = re.compile(
    r"\b(?:attaques?|attentats?|actes|infrastructures)\s+(?P<word>terroristes?)\b|lutte contre le terrorisme",
    re.IGNORECASE,
)


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, ["eval", *args])


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """One JSON run of ``normalize eval`` over the whole corpus, and the hypotheses it saved."""
    saved = tmp_path_factory.mktemp("hyp")
    result = invoke(
        "--source", str(SOURCE), "--reference", str(REFERENCE), "--engine", "apertium", "--json", "--save", str(saved)
    )
    assert result.exit_code == 0, result.output
    outputs = {name: (saved / f"{name}.txt").read_text(encoding="utf-8").splitlines() for name in ("raw", "normalised")}
    return json.loads(result.stdout), outputs


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossaries([FR_EN], source="fr", target="en")


@needs("apertium")
def test_eval_scores_raw_and_normalised_with_signatures(corpus_run: tuple[dict[str, Any], dict[str, list[str]]]) -> None:
    report, _ = corpus_run
    assert report["corpus"]["lines"] == 144
    assert report["engine"]["name"] == "apertium"
    assert report["sacrebleu"]["bleu"].startswith("nrefs:1|") and "tok:13a" in report["sacrebleu"]["bleu"]
    assert report["sacrebleu"]["chrf"].startswith("nrefs:1|") and "nc:6" in report["sacrebleu"]["chrf"]
    for name in ("raw", "normalised"):
        assert 0 < report["scores"][name]["bleu"] < 100
        assert 0 < report["scores"][name]["chrf"] < 100
    assert report["changes_per_entry"]["militants"] > 0
    assert report["failed"] == []


@needs("apertium")
def test_figures_are_pinned(corpus_run: tuple[dict[str, Any], dict[str, list[str]]]) -> None:
    report, _ = corpus_run
    scores = {
        name: {k: report["scores"][name][k] for k in ("bleu", "chrf", "bleu_score", "chrf_score")}
        for name in ("raw", "normalised")
    }
    check_golden(
        "parallel-eval-apertium",
        {"scores": scores, "changes_per_entry": report["changes_per_entry"], "findings_per_check": report["findings_per_check"]},
    )


@needs("apertium")
def test_normalised_chrf_within_one_point_of_raw(corpus_run: tuple[dict[str, Any], dict[str, list[str]]]) -> None:
    scores = corpus_run[0]["scores"]
    assert abs(scores["normalised"]["chrf"] - scores["raw"]["chrf"]) <= 1.0


@needs("apertium")
def test_saved_hypotheses_rescore_to_the_reported_figures(corpus_run: tuple[dict[str, Any], dict[str, list[str]]]) -> None:
    report, outputs = corpus_run
    refs = [REFERENCE.read_text(encoding="utf-8").splitlines()]
    for name, lines in outputs.items():
        assert len(lines) == 144
        assert sacrebleu.corpus_chrf(lines, refs).score == pytest.approx(report["scores"][name]["chrf"], abs=0.01)
        assert sacrebleu.corpus_bleu(lines, refs).score == pytest.approx(report["scores"][name]["bleu"], abs=0.01)


@needs("apertium")
def test_no_group_label_left_outside_quotations(corpus_run: tuple[dict[str, Any], dict[str, list[str]]]) -> None:
    report, outputs = corpus_run
    left = []
    for number, line in enumerate(outputs["normalised"], 1):
        quoted = list(quote_spans(line, 0, len(line)))
        for pattern in GROUP_LABELS:
            for m in pattern.finditer(line):
                if not any(a <= m.start() and m.end() <= b for a, b in quoted):
                    left.append((number, m.group()))
    assert left == []
    assert report["scores"]["normalised"]["leftovers"] == []
    assert report["scores"]["raw"]["leftovers"], "the raw translation of this corpus does contain loaded renderings"


@needs("apertium")
def test_adjective_uses_are_flagged_not_rewritten(corpus_run: tuple[dict[str, Any], dict[str, list[str]]]) -> None:
    report, _ = corpus_run
    source = SOURCE.read_text(encoding="utf-8").splitlines()
    changes = {c["line"]: c["changes"] for c in report["changed_lines"]}
    flagged = {(f["line"], tuple(f["source_span"])) for f in report["findings"] if f["check"] == "loaded-adjective"}
    seen = 0
    for number, line in enumerate(source, 1):
        for m in ADJECTIVE_USES.finditer(line):
            seen += 1
            for change in changes.get(number, []):
                a, b = change["source_span"]
                assert b <= m.start() or a >= m.end(), f"line {number}: {m.group()!r} rewritten by {change['entry']}"
            if m.group("word"):
                assert (number, m.span("word")) in flagged, f"line {number}: {m.group()!r} has no loaded-adjective finding"
    assert seen >= 8
    assert report["loaded_adjectives"] == len(flagged) > 0


@needs("apertium")
def test_text_report_shows_both_score_sets_and_a_word_diff() -> None:
    result = invoke("--source", str(SOURCE), "--reference", str(REFERENCE), "--engine", "apertium", "--show", "3")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert re.search(r"^raw\s+\d+\.\d\d\s+\d+\.\d\d\s+\d+$", out, re.MULTILINE)
    assert re.search(r"^normalised\s+\d+\.\d\d\s+\d+\.\d\d\s+0$", out, re.MULTILINE)
    assert "BLEU: nrefs:1|" in out and "chrF: nrefs:1|" in out
    assert "engine:apertium" in out
    assert re.search(r"loaded-adjective findings \(kept, for review\): [1-9]\d*", out)
    assert re.search(r"changed lines \(3 of \d+;", out)
    assert out.count("    diff ") == 3 and "{+" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--reference", str(CORPUS / "meta.tsv")], "line-aligned", marks=needs("apertium")
        ),  # found while translating
        (["--reference", "/nonexistent/en.txt"], "cannot read --reference"),
        (["--from", "xx"], "no glossary for xx->en"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args: list[str], message: str) -> None:
    base = {"--source": str(SOURCE), "--reference": str(REFERENCE), "--engine": "apertium"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    result = invoke(*[x for pair in base.items() for x in pair])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def copying(fail_on: str | None = None) -> ScriptedEngine:
    """Returns each sentence unchanged, so scoring must find the references exactly; fails on batches holding ``fail_on``."""
    return ScriptedEngine(lambda text: text, fail_on=fail_on)


def test_multi_sentence_lines_stay_aligned_and_score_100(glossary: Glossary) -> None:
    lines = ["Bonjour le monde.", "Deux phrases ici. Et une autre phrase.", "", "Une dernière ligne !"]
    result = evaluate(lines, lines, copying(), glossary)
    assert result.outputs["raw"] == lines
    assert result.scores["raw"].bleu == pytest.approx(100.0)
    assert result.scores["normalised"].chrf == pytest.approx(100.0)
    assert result.changed == []


def test_a_line_the_engine_cannot_translate_fails_alone(glossary: Glossary) -> None:
    lines = ["Un.", "Deux boom.", "Trois."]
    result = evaluate(lines, lines, copying(fail_on="boom"), glossary)  # only the line holding "boom" should fail
    assert list(result.failed) == [2]
    assert "boom" in result.failed[2]
    assert result.outputs["raw"] == ["Un.", "", "Trois."]
    assert "failed lines (1):" in result.format()


def test_line_count_mismatch_is_a_config_error(glossary: Glossary) -> None:
    with pytest.raises(ConfigError, match="2 lines but reference has 1"):
        evaluate(["Un.", "Deux."], ["One."], copying(), glossary)


@pytest.mark.parametrize(
    ("text", "entry"),
    [
        ("les terroristes présumés", "suspected-militants"),
        ("les rebelles du M23", "rebels"),
        ("des anciens rebelles", "rebels"),
        ("cibleront les djihadistes", "jihadist-militants"),
        ("la milice du Hezbollah", "hezbollah"),
        ("les leaders du Hamas", "hamas"),
        ("les terroristes du Hamas", "group-militants"),
        ("la lutte anti-terroriste", "counterterrorism"),
        ("de l'Al-Kaïda", "al-qaeda"),
        ("un militant présumé (ÉI)", "islamic-state"),
    ],
)
def test_corpus_entries_match(glossary: Glossary, text: str, entry: str) -> None:
    accepted = [m for m in Matcher(glossary).find(text) if m.rejected is None]
    assert accepted and accepted[0].entry.id == entry


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("l'attaque terroriste", True),
        ("des actes terroristes", True),
        ("les infrastructures terroristes", True),
        ("une cellule jihadiste", True),
        ("la lutte contre le terrorisme", True),  # a flag-only entry
        ("les soldats rebelles", False),
        ("lorsqu'elle se rebelle", False),
    ],
)
def test_adjectives_and_verbs_are_not_labels(glossary: Glossary, text: str, flagged: bool) -> None:
    found = Matcher(glossary).find(text)
    assert [m for m in found if m.rejected is None and not m.entry.flag_only] == []
    assert any(m.entry.loaded for m in found) is flagged


@pytest.mark.parametrize(
    ("before", "after", "diff"),
    [
        ("the terrorists left", "the militants left", "the [-terrorists-]{+militants+} left"),
        ("against the Hamas.", "against Hamas.", "against [-the-] Hamas."),
        ("of EI", "of Islamic State", "of [-EI-]{+Islamic State+}"),
        ("same text", "same text", "same text"),
    ],
)
def test_word_diff(before: str, after: str, diff: str) -> None:
    assert word_diff(before, after) == diff
