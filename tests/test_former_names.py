"""A group's former name, which the source names as such, is kept (issue 33, "A merge keeps information").

"(EIIL, devenue Etat islamique en 2014)" came out "Islamic State (resulted Islamic State in 2014)": the former
name was replaced by the standard name and merged away with the history. The French sentences are the team's
articles' and the seed's; the other languages' are written for the test (their corpora name no former name).
"""

from __future__ import annotations

import pytest

from pipeline.engines import create_engine
from pipeline.model import Check, Document, Method
from tests.conftest import needs
from tests.labelled import glossary, run_cases

# tests/data/articles/orangesum_18994.txt
EIIL = (
    "Mourad Farès était allé à Alep, au quartier général de l'organisation terroriste Etat islamique en Irak et "
    "au Levant (EIIL, devenue Etat islamique en 2014)."
)


def matched(source: str, language: str = "fr") -> Document:
    (doc,) = run_cases(glossary(language), [{"source": source}], order=("segment", "match"))
    return doc


def former(doc: Document) -> list[str]:
    return [h.text for seg in doc.segments for h in seg.hits if h.former]


def test_the_former_name_and_the_name_it_abbreviates_are_former() -> None:
    doc = matched(EIIL)
    assert former(doc) == ["Etat islamique en Irak et au Levant", "EIIL"]
    new = [h for h in doc.segments[0].hits if h.text == "Etat islamique"]
    assert new and not new[0].former and not new[0].kept  # the new name is written as the standard name
    assert all(h.kept for h in doc.segments[0].hits if h.former)


@pytest.mark.parametrize(
    ("source", "language", "expected"),
    [
        ("L'EI, anciennement EIIL, a revendiqué l'attaque.", "fr", ["EIIL"]),
        ("Les combattants de l'EI (ex-EIIL) ont fui vers le nord.", "fr", ["EIIL"]),
        ("El Estado Islámico de Irak y el Levante (EIIL, convertido en Estado Islámico en 2014) tomó Mosul.", "es",
         ["Estado Islámico de Irak y el Levante", "EIIL"]),
        ("El Estado Islámico, antes conocido como EIIL, reivindicó el atentado.", "es", ["EIIL"]),
        ("Исламское государство, ранее известное как ИГИЛ, взяло на себя ответственность.", "ru", ["ИГИЛ"]),
        ("ИГИЛ, переименованное в Исламское государство в 2014 году, захватило Мосул.", "ru", ["ИГИЛ"]),
        ("أعلن تنظيم الدولة الإسلامية، المعروف سابقا باسم الدولة الإسلامية في العراق والشام، مسؤوليته عن الهجوم.", "ar",
         ["الدولة الإسلامية في العراق والشام"]),
    ],
)
def test_a_former_name_in_each_language(source: str, language: str, expected: list[str]) -> None:
    assert former(matched(source, language)) == expected


@pytest.mark.parametrize(
    "source",
    [
        # the former name has an entry of its own: the standard names tell the history (the seed)
        "Les terroristes du Front Al-Nosra, liés à al-Qaïda (rebaptisé Tahrir al-Cham), ont attaqué.",
        # "ex-" of another word, "devenu" of a person (tests/data/articles/)
        "Hayat Tahrir al-Cham (HTS, ex-branche syrienne d'Al-Qaïda) contrôle la province.",
        "Tyler Vilus (30 ans), devenu émir du groupe Etat islamique (EI), a séjourné plusieurs mois.",
        # former members, not a former name
        "Les ex-combattants de l'EI ont été jugés.",
        # no new name in sight: left to the glossary
        "Un rapport sur l'ex-EIIL a été publié.",
    ],
)
def test_no_former_name(source: str) -> None:
    assert former(matched(source)) == []


@needs("apertium")
def test_the_english_keeps_the_former_name_and_says_why() -> None:
    engine = create_engine("apertium", "fr", "en")
    try:
        (doc,) = run_cases(glossary("fr"), [{"source": EIIL}], engine)
    finally:
        engine.close()
    (seg,) = doc.segments
    assert "EIIL" in seg.target and "(EIIL, " in seg.target  # neither replaced nor merged away
    kept = ("EIIL", "Etat islamique en Irak et au Levant")
    assert not [c for c in seg.changes if c.method == Method.MERGED or c.source_text in kept]
    assert [c.source_text for c in seg.changes if c.entry == "islamic-state"] == ["Etat islamique"]
    findings = [f for f in seg.findings if f.check == Check.FORMER_NAME]
    assert [doc.text[slice(*f.source_span)] for f in findings if f.source_span] == list(reversed(kept))
    eiil = findings[1]
    assert eiil.target_span is not None and seg.target[slice(*eiil.target_span)] == "EIIL"
    assert "former name" in eiil.message
    assert not [f for f in seg.findings if f.check == Check.LOADED_RENDERING]
