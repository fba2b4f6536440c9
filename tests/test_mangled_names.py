"""Names the engine translated as common words are flagged, never rewritten (issue 33, "Every edit shown").

The sentences and their English are Apertium's own (``fr-es | spa-eng`` and ``spa-eng``) on the team's
articles; the last tests run the engine itself.
"""

from __future__ import annotations

import pytest

from pipeline.glossary.load import load_glossaries
from pipeline.lang import get_language
from pipeline.model import Check
from pipeline.text.mangled import find_mangled
from tests.conftest import FR_EN, needs

FR, ES, EN = get_language("fr"), get_language("es"), get_language("en")


def flagged(source: str, english: str, language: str = "fr") -> list[tuple[str, str, str]]:
    """(English word, the source words it came from, the whole name) of every flag."""
    return [
        (english[m.target[0] : m.target[1]], m.words, m.run)
        for m in find_mangled(source, english, get_language(language), EN)
    ]


@pytest.mark.parametrize(
    ("source", "english", "expected"),
    [
        # a title before the name
        ("Et des enfants en bas âge dont les mères pourraient éventuellement renoncer à assurer la garde, observe M. Le Drian.",
         "And of the boys down age whose mothers could eventualmente renounce to ensure the guard, observes M. The Drian.",
         [("The", "Le", "M. Le Drian")]),
        ("mais elle a été rappelée à l'ordre, rappelle ainsi Me Rivière.",
         "but has been remembered to the order, remembers like this M River.",
         [("River", "Rivière", "Me Rivière")]),
        # the engine moved a word of the name: "Me Marie Dosé" -> "Marries Me Dosé"
        ("\"J'espère que ce sont ces voix-là qui vont être entendues\", a réagi Me Marie Dosé auprès de BFMTV.",
         "\"I expect that this are these voices-there that go to be felt\", has reacted Marries Me Dosé near of BFMTV.",
         [("Marries", "Marie", "Me Marie Dosé")]),
        # an initial in the name, even when the name opens the sentence
        ("Omaima A., une Germano-Tunisienne de 35 ans, s'était rendue en Syrie en 2015.",
         "Omaima Has., Germano-Tunisienne of 35 years, had give in Syria in 2015.",
         [("Has", "A", "Omaima A.")]),
        ("Lors de la mort de Nadar H. dans une attaque aérienne à Kobane (Syrie) au printemps 2015.",
         "During the death to Swim H. In an air strike to Kobani (Syria) in spring 2015.",
         [("Swim", "Nadar", "Nadar H.")]),
        # an article that begins a name inside the sentence
        ("Selon un sondage Odoxa-Dentsu Consulting pour franceinfo et Le Figaro publié le 28 février, 67% des Français.",
         "According to a poll Odoxa-Dentsu Consulting for franceinfo and The Figaro published on 28 February, 67% of the French.",
         [("The", "Le", "Le Figaro")]),
        ("que necesitaríamos, y eso es poco\" dijo De Hoop a la agencia Reuters en la clausura.",
         "that would need, and this is little\" said Of Hoop to the agency Reuters in the closure.",
         [("Of", "De", "De Hoop")]),
    ],
)
def test_a_name_the_engine_translated_is_flagged(source: str, english: str, expected: list[tuple[str, str, str]]) -> None:
    language = "es" if "dijo" in source else "fr"
    assert flagged(source, english, language) == expected


@pytest.mark.parametrize(
    ("source", "english", "language"),
    [
        # names copied as written, titles translated as titles
        ("M. Kazimi devrait se rendre à Paris.", "M. Kazimi Would have to give in Paris.", "fr"),
        ("El Sr. Obama también tiene un importante papel.", "The Mr. Obama also has an important paper.", "es"),
        ("Leïla D. vacille.", "Leïla D. vacille.", "fr"),
        ("Así lo enumera la embajadora en Pakistán, Anne W. Patterson, en un informe.",
         "Like this it enumerates it the ambassador in Pakistan, Anne W. Patterson, in a report.", "es"),
        # the engine capitalised a common word after a name: not a word of the name
        ("selon M. Khiame et ses cibles étaient des personnalités.",
         "according to M. Khiame And his targets were public personalities.", "fr"),
        # a sentence's first words: an ordinary word is capitalised anyway
        ("Le Drian a dit non.", "The Drian has said no.", "fr"),
        ("La Guerra Fría fue una anomalía.", "The Cold War was an anomaly.", "es"),
        ("-Et Washington a maintenu un discours.", "-And Washington has maintained a speech.", "fr"),
        # a place's or body's common words, with no title, initial or article to say it is a name
        ("atropellando en el carril bici de la autopista West Side del Bajo Manhattan.",
         "knocking down in the lane bike of the motorway West Side of the Low Manhattan.", "es"),
        ("La Ministra de Asuntos Exteriores, Hillary Clinton, se negó.", "The Foreign minister, Hillary Clinton, denied.", "es"),
        # nothing the engine copied: nothing says where the name went
        ("a affirmé le journal Le Monde.", "has affirmed the newspaper The World.", "fr"),
    ],
)
def test_no_flag_without_a_name_the_engine_translated(source: str, english: str, language: str) -> None:
    assert flagged(source, english, language) == []


def test_words_a_glossary_change_wrote_are_not_flagged() -> None:
    source, english = "réitère M. Le Drian.", "reasserts M. The Drian."
    at = english.index("The")
    assert find_mangled(source, english, FR, EN, [(at, at + 3)]) == []


def test_the_source_span_is_the_translated_word() -> None:
    source = "rappelle ainsi Me Rivière."
    (m,) = find_mangled(source, "remembers like this M River.", FR, EN)
    assert source[m.source[0] : m.source[1]] == "Rivière"


@needs("apertium")
def test_the_check_stage_flags_it_and_not_as_an_unknown_word() -> None:
    """Through the Spanish pivot "Nadar" became "Swimming": a name translated, not a word the engine did not know."""
    from pipeline.chain import Chain
    from pipeline.engines import create_engine
    from pipeline.model import text_document

    glossary = load_glossaries([FR_EN], source="fr", target="en")
    text = "Son époux de l'époque, identifié comme Nadar H., est mort. Le ministre a parlé, observe M. Le Drian.\n"
    engine = create_engine("apertium", "fr", "en")
    try:
        (doc,) = Chain(glossary, engine)([text_document(text, language="fr")])
    finally:
        engine.close()
    findings = [(seg, f) for seg in doc.segments for f in seg.findings]
    names = {seg.target[f.target_span[0] : f.target_span[1]]: f for seg, f in findings
             if f.check == Check.MANGLED_NAME and f.target_span}
    assert {"Swimming", "The"} <= set(names)
    assert "“Nadar”" in names["Swimming"].message and "Nadar H." in names["Swimming"].message
    assert names["The"].source_span is not None and text[slice(*names["The"].source_span)] == "Le"
    unknown = [seg.target[f.target_span[0] : f.target_span[1]] for seg, f in findings
               if f.check == Check.UNKNOWN_WORD and f.target_span]
    assert "Swimming" not in unknown
    assert all("The Drian" in seg.target for seg in doc.segments if "Drian" in seg.source)  # the English is left alone
