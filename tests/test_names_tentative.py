"""Runs of capitalised words: restored only where the engine translated part of a name and kept the rest."""

from __future__ import annotations

import pytest

from pipeline.chain import Chain
from pipeline.glossary.load import Glossary
from pipeline.glossary.matcher import Matcher
from pipeline.model import Document, text_document
from pipeline.stages.match import MatchStage
from pipeline.stages.names import NamesStage
from pipeline.stages.segment import segment
from tests.conftest import ScriptedEngine

PHRASES = {
    "Hier": "Yesterday",
    "Marie": "Marry",
    "Le": "The",
    "Maire": "Mayor",
    "Poutine": "Putin",
    "Maison Blanche": "White House",
    "a dit": "said",
}


def literal(sentence: str) -> str:
    """A word-for-word "translation" with a fixed phrase table; everything else is copied."""
    for fr, en in PHRASES.items():
        sentence = sentence.replace(fr, en)
    return sentence


def tentative(glossary: Glossary, text: str) -> list[str]:
    doc = segment(text_document(text, language="fr"))
    NamesStage(glossary)(MatchStage(Matcher(glossary))(doc))
    return [h.text for seg in doc.segments for h in seg.hits if h.tentative]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Selon Me Marie Dosé, la Maison Blanche a menti.", ["Marie Dosé", "Maison Blanche"]),
        ("Marie Dosé a parlé.", ["Marie Dosé"]),  # a sentence's first word too: the engine's rendering decides
        ("Le ministre Jean-Yves Le Drian est arrivé.", ["Jean-Yves Le Drian"]),
        ("Il a vu le Président Macron.", []),  # a title, then one word
    ],
)
def test_runs_of_capitalised_words_are_tentative_names(fr_en: Glossary, text: str, expected: list[str]) -> None:
    assert tentative(fr_en, text) == expected


def run(glossary: Glossary, text: str) -> Document:
    doc = text_document(text, language="fr", name="t")
    Chain(glossary, ScriptedEngine(literal))([doc])
    assert not doc.error
    return doc


def test_a_name_the_engine_translated_in_part_is_restored_and_nothing_else(fr_en: Glossary) -> None:
    doc = run(fr_en, "Il a dit que Marie Dosé et Jean-Yves Le Drian sont venus à la Maison Blanche.")
    (seg,) = doc.segments
    assert seg.mt == "Il said que Marry Dosé et Jean-Yves The Drian sont venus à la White House."
    assert seg.target == "Il said que Marie Dosé et Jean-Yves Le Drian sont venus à la White House."
    assert [(c.mt_text, c.target_text) for c in seg.changes] == [
        ("Marry Dosé", "Marie Dosé"),
        ("Jean-Yves The Drian", "Jean-Yves Le Drian"),
    ]
    assert not seg.findings  # a restored spelling is a change on the page, not a finding
    assert all(not h.tentative or h.text != "Maison Blanche" for h in seg.hits)  # translated whole: left alone


def test_tentative_names_never_send_a_sentence_to_the_placeholder_fallback(fr_en: Glossary) -> None:
    engine = ScriptedEngine(literal)
    doc = text_document("Il a dit que la Maison Blanche et Donald Trump sont là.", language="fr", name="t")
    Chain(fr_en, engine)([doc])
    (seg,) = doc.segments
    assert seg.changes == [] and seg.translation.masked is None
    assert engine.calls[0] == ["Il a dit que la Maison Blanche et Donald Trump sont là."]
    assert engine.calls[1:] == [["Maison Blanche", "Donald Trump"]]  # the names' words alone, to find them; no placeholders


def test_a_name_the_engine_respelled_in_english_keeps_the_engines_spelling(fr_en: Glossary) -> None:
    doc = run(fr_en, "Il a dit que Vladimir Poutine est venu.")
    (seg,) = doc.segments
    assert seg.mt == seg.target == "Il said que Vladimir Putin est venu."  # "Putin" is the name's English form
    assert seg.changes == []


@pytest.mark.parametrize(
    ("text", "english"),
    [
        pytest.param("Bruno Le Maire a dit non.", "Bruno Le Maire said non.", id="a name opening the sentence"),
        pytest.param("Hier Donald Trump a dit non.", "Yesterday Donald Trump said non.", id="an ordinary first word"),
        pytest.param("Marie Dosé a dit non.", "Marry Dosé said non.", id="only the first word changed: no evidence"),
    ],
)
def test_at_the_start_of_a_sentence_a_changed_first_word_alone_proves_nothing(fr_en: Glossary, text: str, english: str) -> None:
    (seg,) = run(fr_en, text).segments
    assert seg.target == english
