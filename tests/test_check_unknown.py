"""Unknown words: a name the engine rightly copied is not flagged; a word left untranslated is."""

from __future__ import annotations

import pytest

from pipeline.chain import Chain
from pipeline.engines import create_engine
from pipeline.glossary.load import load_glossary_file
from pipeline.model import Check, Segment, text_document
from pipeline.stages.check import carried_name
from tests.conftest import FR_EN, needs


def apertium_segment(text: str) -> Segment:
    """``text`` (one sentence) through the whole chain with Apertium and the French glossary."""
    doc = text_document(text, language="fr", name="t")
    Chain(load_glossary_file(FR_EN), create_engine("apertium", "fr", "en"))([doc])
    (seg,) = doc.segments
    return seg


@pytest.mark.parametrize(
    ("word", "source", "carried"),
    [
        pytest.param("Trump", "Selon Donald Trump, la ville est tombée.", True, id="a name copied from the source"),
        pytest.param("Moretti", "Éric Dupond-Moretti a plaidé.", True, id="part of a hyphenated name"),
        pytest.param("Kurdos", "Les Kurdes ont repoussé l'assaut.", False, id="a Spanish word left by the pivot"),
        pytest.param("jihadistes", "Les jihadistes ont fui.", False, id="a French word left untranslated"),
        pytest.param("Ressortissants", "Ressortissants français détenus en Syrie.", False, id="a capitalised first word"),
        pytest.param("Tyler", "« Tyler Vilus a été condamné », dit-il.", False, id="first word after a quote mark"),
        pytest.param("Tyler", "Le procès de Tyler Vilus. Tyler a nié.", True, id="also written later in the sentence"),
    ],
)
def test_carried_name(word: str, source: str, carried: bool) -> None:
    assert carried_name(word, source) is carried


@needs("apertium")
def test_names_the_engine_copies_are_not_flagged_and_words_it_left_are() -> None:
    seg = apertium_segment("Selon Donald Trump, les combattants kurdes ont repoussé les takfiristes près de Raqqa.")
    flagged = {seg.target[slice(*f.target_span)] for f in seg.findings if f.check == Check.UNKNOWN_WORD and f.target_span}
    unknown = {seg.translation.raw[a:b] for a, b in seg.translation.unknown}
    assert {"Trump", "Raqqa"} <= unknown  # the engine did not know them and copied them...
    assert not {"Trump", "Raqqa"} & flagged  # ...which is right, so they are not flagged
    assert {"combatientes", "kurdos"} & flagged


@needs("apertium")
def test_words_of_a_handle_or_url_are_not_flagged() -> None:
    seg = apertium_segment("Le compte @Daech_watch et https://exemple.fr/kurdes_combattants ont publié la vidéo.")
    assert "@Daech_watch" in seg.target and "https://exemple.fr/kurdes_combattants" in seg.target
    assert seg.translation.unknown  # the engine marked words inside them...
    assert not [f for f in seg.findings if f.check == Check.UNKNOWN_WORD]  # ...which are not the reviewer's concern
