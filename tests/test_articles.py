"""Whole real articles (tests/data/articles, 40 French news articles, CC BY-SA) through Apertium, audited.

These pin what a news desk must be able to trust on text no one on the team
wrote: nothing moves in the English but the highlighted changes (and the
grammar they force), and no document fails.
"""

from __future__ import annotations

import pytest

from pipeline.engines import create_engine
from pipeline.evaluation.audit import AuditReport, audit, process_articles
from pipeline.glossary.load import default_glossary_paths, load_glossaries
from tests.conftest import DATA, GLOSSARIES, PAIR, check_golden, needs

pytestmark = needs("apertium")

ARTICLES = DATA / "articles"


@pytest.fixture(scope="module")
def report() -> AuditReport:
    glossary = load_glossaries(default_glossary_paths(GLOSSARIES, *PAIR), source="fr", target="en")
    engine = create_engine("apertium", "fr", "en")
    try:
        return audit(process_articles(ARTICLES, glossary, engine), corpus=str(ARTICLES))
    finally:
        engine.close()


def test_every_article_is_processed(report: AuditReport) -> None:
    assert len(report.documents) == 40
    assert report.failed == []
    assert report.totals()["changes"] > 200


def test_nothing_outside_the_changes_moves(report: AuditReport) -> None:
    """Every other word is the raw translation's, unless the sentence is flagged as translated again."""
    edits = [(d.name, str(e)) for d in report.done for e in d.collateral_edits]
    assert edits == []
    assert report.totals()["retranslated"] <= 2  # each in a sentence the reviewer is warned about


def test_figures_are_pinned(report: AuditReport) -> None:
    check_golden("articles-audit-apertium", {"totals": report.totals(), "changes_per_entry": report.changes_per_entry()})


@pytest.mark.parametrize("figure", ["quoted_labels_rewritten", "mangled_names", "missing_names", "loaded_renderings"])
def test_what_a_desk_must_never_see(report: AuditReport, figure: str) -> None:
    """No speaker's label rewritten, no "to the-Assad", no name lost, no loaded word left unflagged."""
    found = [(d.name, x.segment, x.text) for d in report.done for x in getattr(d, figure)]
    assert found == []
