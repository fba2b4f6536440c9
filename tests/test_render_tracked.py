"""The "Old → new" view: every word the normalisation removed is struck out, every word it wrote is shown new.

The view is checked against the one thing it must be: read without its new words it is the raw
translation, read without its struck-out words it is the normalised English, and no run of either
starts or ends inside a word.
"""

from __future__ import annotations

import re

import pytest

from pipeline.glossary.load import Glossary
from pipeline.model import Change, Method, Segment, Translation
from pipeline.render.notes import Note, build_notes
from pipeline.render.pieces import Piece, tracked
from pipeline.render.run_info import RunInfo
from tests.conftest import ScriptedEngine
from tests.test_enforce import run_one


def view(glossary: Glossary, source: str) -> tuple[Segment, list[Piece]]:
    seg, notes = noted(glossary, source)
    return seg, tracked(seg, notes)


def noted(glossary: Glossary, source: str) -> tuple[Segment, list[Note]]:
    doc = run_one(glossary, source)
    (seg,) = doc.segments
    return seg, build_notes(doc, RunInfo.of(ScriptedEngine(), glossary))


def old_side(pieces: list[Piece]) -> str:
    return "".join(p.old if p.old is not None else p.text for p in pieces)


def new_side(pieces: list[Piece]) -> str:
    return "".join(p.text for p in pieces)


def struck(pieces: list[Piece]) -> list[str]:
    return [p.old for p in pieces if p.old]


@pytest.mark.parametrize(
    "source",
    [
        "Les terroristes de Daech ont attaqué.",  # "The" dropped before the name
        "Les combattants de l’État islamique (EI) ont attaqué.",  # the merged "(EI)" said once
        "Daech (État islamique, EI) ont attaqué.",  # two merged names
        "Le groupe Hayat Tahrir al-Cham (HTS, ex-branche syrienne d'Al-Qaïda) a attaqué.",  # "HTS, " merged
        "Un groupuscule affilié à Daech ont attaqué.",  # a -> an
        "Le camp atlantiste a condamné.",  # a verb made plural
        "contre Al-Nosra et le Front Al-Nosra",  # "the" added
    ],
)
def test_old_and_new_sides_are_the_raw_translation_and_the_english(fr_en: Glossary, source: str) -> None:
    seg, pieces = view(fr_en, source)
    assert seg.mt != seg.target
    assert old_side(pieces) == seg.mt
    assert new_side(pieces) == seg.target
    for p in pieces:
        for text, whole in ((p.old or "", seg.mt), (p.text, seg.target)):
            if p.old is not None and text:
                at = whole.find(text)
                assert not (at > 0 and whole[at - 1].isalnum() and text[0].isalnum()), (text, whole)
                end = at + len(text)
                assert not (end < len(whole) and whole[end].isalnum() and text[-1].isalnum()), (text, whole)


def test_a_dropped_article_is_struck_with_the_name_it_went_with(fr_en: Glossary) -> None:
    seg, pieces = view(fr_en, "Les terroristes de Daech ont attaqué.")
    assert seg.mt.startswith("The terroristes of Daech")
    (rewrite,) = [p for p in pieces if p.old]
    assert rewrite.old == "The terroristes of Daech" and rewrite.text == "Islamic State militants"
    assert rewrite.kind == "change" and rewrite.note is not None


def test_a_merged_abbreviation_is_struck_and_belongs_to_its_own_note(fr_en: Glossary) -> None:
    seg, notes = noted(fr_en, "Les combattants de l’État islamique (EI) ont attaqué.")
    merged = next(c for c in seg.changes if c.method == Method.MERGED)
    (gone,) = [p for p in tracked(seg, notes) if p.old is not None and not p.text]
    assert gone.old == " (EI)" and gone.kind == "change"
    assert gone.note is not None and notes[gone.note].change == merged


def test_a_bracket_that_goes_on_keeps_its_words_and_strikes_the_name(fr_en: Glossary) -> None:
    seg, pieces = view(fr_en, "Le groupe Hayat Tahrir al-Cham (HTS, ex-branche syrienne d'Al-Qaïda) a attaqué.")
    assert "HTS, " in struck(pieces)
    assert "ex-branche syrienne" in new_side(pieces)


def test_an_edit_inside_a_word_is_shown_as_the_whole_word(fr_en: Glossary) -> None:
    seg, pieces = view(fr_en, "Un groupuscule affilié à Daech ont attaqué.")
    assert seg.mt.startswith("A ") and seg.target.startswith("An ")
    first = next(p for p in pieces if p.old)
    assert (first.old or "").split()[0] == "A" and first.text.split()[0] == "An"


def test_a_sentence_translated_again_is_compared_word_by_word() -> None:
    mt = "The fighters of the Daech fled to the north."
    target = "Islamic State fighters fled north."
    seg = Segment(id=0, paragraph=0, start=0, end=10, source="x" * 10, translation=Translation(raw=mt), target=target)
    seg.changes = [Change("islamic-state", (0, 5), "Daech", "Daech", (0, 13), "Islamic State", Method.PLACEHOLDER, (21, 26))]
    pieces = tracked(seg, [])
    assert old_side(pieces) == mt and new_side(pieces) == target
    gone = " ".join(struck(pieces))
    for word in ("The", "of", "the", "Daech", "to"):
        assert re.search(rf"\b{word}\b", gone), (word, gone)
    assert "fighters" not in gone and "fled" not in gone

