"""Properties of the glossary matcher on the real French glossary and arbitrary text.

The reader composes text to NFC, so the matcher is given NFC text, as in a run:
its folding keeps one character for one only on composed text.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.glossary.load import load_glossary_file
from pipeline.glossary.matcher import Match, Matcher
from pipeline.model import Document
from pipeline.stages.match import MatchStage
from pipeline.stages.segment import segment
from tests.conftest import FR_EN


@cache
def matcher(copy: int = 0) -> Matcher:
    """A compiled matcher; ``copy`` builds an independent one to compare with."""
    return Matcher(load_glossary_file(FR_EN))


def variants() -> list[str]:
    glossary = load_glossary_file(FR_EN)
    return sorted({v.replace("(s)", "") for e in glossary.entries for v in e.variants if "{" not in v})


FILLER = st.sampled_from([" ", "  ", "\u00a0", "’", "'", "-", "«", "»", ", ", ". ", "\n", "de ", "les ", "l’", "d’"])
TEXT = st.lists(st.one_of(st.sampled_from(variants()), FILLER, st.text(max_size=6)), max_size=30).map(
    lambda parts: unicodedata.normalize("NFC", "".join(parts))
)


def check(text: str, found: list[Match]) -> None:
    previous_end = 0
    for m in found:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == text[m.start : m.end].strip()  # a match never starts or ends on a space
        if m.rejected is None:
            assert m.start >= previous_end  # accepted matches never overlap
            previous_end = m.end


def summary(found: list[Match]) -> list[tuple[str, int, int, str, str | None]]:
    return [(m.entry.id, m.start, m.end, m.standard, m.rejected) for m in found]


@given(TEXT)
@settings(max_examples=300, deadline=None)
def test_matches_slice_back_and_are_deterministic(text: str) -> None:
    found = matcher().find(text)
    check(text, found)
    assert summary(found) == summary(matcher().find(text)) == summary(matcher(copy=1).find(text))


@given(st.text().map(lambda t: unicodedata.normalize("NFC", t)))
@settings(max_examples=300, deadline=None)
def test_no_exception_on_any_unicode(text: str) -> None:
    check(text, matcher().find(text))


NFC_TEXT = st.text(max_size=20).map(lambda t: unicodedata.normalize("NFC", t))


@given(NFC_TEXT, NFC_TEXT)
@settings(max_examples=300, deadline=None)
def test_a_variant_between_spaces_is_found_where_it_is(before: str, after: str) -> None:
    text = f"{before} Daech {after}"
    at = len(before) + 1
    spans = [(m.start, m.end) for m in matcher().find(text) if m.rejected is None]
    assert any(start <= at and at + len("Daech") <= end for start, end in spans), spans


@given(TEXT)
@settings(max_examples=200, deadline=None)
def test_hits_slice_back_to_the_document(text: str) -> None:
    doc = segment(Document(path=Path("x.txt"), name="x", text=text, language="fr", sha256=""))
    MatchStage(matcher())(doc)
    for seg in doc.segments:
        for hit in seg.hits:
            assert seg.start <= hit.start < hit.end <= seg.end
            assert doc.text[hit.start : hit.end] == hit.text
