"""The enforce stage with scripted engines: grammar around standard names, and every fallback."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from pipeline.chain import Chain
from pipeline.engines.base import EngineOutput, Span
from pipeline.glossary.load import Glossary
from pipeline.model import Document, text_document
from pipeline.stages.enforce import EnforceStage
from tests.conftest import ScriptedEngine

FRENCH_TO_ENGLISH = [
    (r"\bLes\b", "The"), (r"\bles\b", "the"), (r"\bLe\b", "The"), (r"\ble\b", "the"), (r"\bUn\b", "A"), (r"\bun\b", "a"),
    (r"\bont attaqué\b", "attacked"), (r"\ba condamné\b", "has condemned"), (r"\bde\b", "of"), (r"\bdes\b", "of the"),
    (r"\bcontre\b", "against"), (r"\bet\b", "and"), (r"\bgroupe\b", "group"), (r"\bl['’]", "the "), (r"\bL['’]", "The "),
]


def word_for_word(text: str) -> str:
    for pattern, english in FRENCH_TO_ENGLISH:
        text = re.sub(pattern, english, text)
    return text


def run_one(glossary: Glossary, text: str, rule: Callable[[str], str] = word_for_word) -> Document:
    doc = text_document(text, language="fr")
    Chain(glossary, ScriptedEngine(rule))([doc])  # each test decides what the engine does to placeholders
    assert doc.error is None
    return doc


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Les terroristes de Daech ont attaqué.", "Islamic State militants attacked."),  # "the" dropped, capital kept
        ("Les daechistes ont attaqué.", "Islamic State militants attacked."),
        ("Un groupuscule affilié à Daech ont attaqué.", "An Islamic State-affiliated group attacked."),  # a -> an
        ("Le camp atlantiste a condamné.", "Western governments have condemned."),  # number agreement
        ("contre Al-Nosra et le Front Al-Nosra", "against the al-Nusra Front and the al-Nusra Front"),  # "the" added once
        ("Le groupe Front Al-Nosra ont attaqué.", "The group al-Nusra Front attacked."),  # apposition: no extra "the"
        ("Daech ont attaqué.", "Islamic State attacked."),
        ("L’EI ont attaqué.", "Islamic State attacked."),  # elision undone before the placeholder
    ],
)
def test_grammar_around_standard_names(fr_en: Glossary, source: str, target: str) -> None:
    doc = run_one(fr_en, source)
    assert doc.segments[0].target == target
    for change in doc.segments[0].changes:
        a, b = change.target_span
        assert doc.segments[0].target[a:b] == change.target_text


def test_a_name_and_its_abbreviation_in_brackets_read_once(fr_en: Glossary) -> None:
    doc = run_one(fr_en, "Les combattants de l’État islamique (EI) ont attaqué.")
    seg = doc.segments[0]
    assert seg.target.count("Islamic State") == 1
    assert [c.method for c in seg.changes] == ["rendering", "merged"]
    assert seg.changes[0].target_span == seg.changes[1].target_span
    assert seg.target == "The combattants of Islamic State attacked."


def test_equivalent_names_in_brackets_are_said_once(fr_en: Glossary) -> None:
    seg = run_one(fr_en, "Daech (État islamique, EI) ont attaqué.").segments[0]
    assert seg.target == "Islamic State attacked."
    assert [c.method for c in seg.changes] == ["rendering", "merged", "merged"]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        # The acronym goes with its comma; what the bracket says about the group stays.
        (
            "Le groupe Hayat Tahrir al-Cham (HTS, ex-branche syrienne d'Al-Qaïda) a attaqué.",
            "The group Hay'at Tahrir al-Sham (ex-branche syrienne d'al-Qaeda) a attaqué.",
        ),
        # A bracket listing another group right after the acronym keeps it: "(al-Qaeda)" would read as a name.
        (
            "Le groupe Hayat Tahrir al-Cham (HTS, Al-Qaïda) a attaqué.",
            "The group Hay'at Tahrir al-Sham (Hay'at Tahrir al-Sham, al-Qaeda) a attaqué.",
        ),
        # An unclosed bracket is left as it is.
        ("Le groupe Hayat Tahrir al-Cham (HTS, a attaqué.", "The group Hay'at Tahrir al-Sham (Hay'at Tahrir al-Sham, a attaqué."),
    ],
)
def test_a_name_is_said_once_in_a_bracket_that_goes_on(fr_en: Glossary, source: str, target: str) -> None:
    seg = run_one(fr_en, source).segments[0]
    assert seg.target == target
    merged = [c for c in seg.changes if c.method == "merged"]
    assert all(c.target_span == seg.changes[0].target_span for c in merged)
    assert len(merged) == (1 if seg.target.count("Hay'at") == 1 else 0)


def aligned_word_for_word(text: str, wanted: Sequence[Span]) -> EngineOutput:
    """Word for word, and says where each requested span went: the ``aligned`` path, one decoding."""
    pieces, placed, pos = [], [], 0
    for a, b in wanted:
        pieces.append(word_for_word(text[pos:a]))
        start = len("".join(pieces))
        pieces.append("X" * (b - a))  # the engine's own rendering of the hit
        placed.append((start, start + b - a))
        pos = b
    pieces.append(word_for_word(text[pos:]))
    return EngineOutput("".join(pieces), tuple(placed))


def test_aligned_engines_translate_each_sentence_once(fr_en: Glossary) -> None:
    engine = ScriptedEngine(word_for_word, aligned=aligned_word_for_word)
    doc = text_document("Les terroristes de Daech ont attaqué le groupe.", language="fr")
    Chain(fr_en, engine)([doc])
    seg = doc.segments[0]
    assert engine.calls == [["Les terroristes de Daech ont attaqué le groupe."]]
    assert seg.mt == "The " + "X" * 20 + " attacked the group."
    assert seg.target == "Islamic State militants attacked the group."
    change = seg.changes[0]
    assert change.method == "aligned" and change.mt_span == (4, 24) and change.mt_text == "X" * 20


def test_only_the_changed_words_differ_from_the_raw_translation(fr_en: Glossary) -> None:
    """A placeholder translation that rewrites other words is used to locate the hit, never as the English."""

    def engine(text: str) -> str:
        if "ZQ" in text:
            return "The ZQAQ attacked the boys."  # the masked translation changed "girls"
        if text == "qaïdistes":
            return "nothing alike"
        return "The qaidists attacked the girls."

    seg = run_one(fr_en, "Les qaïdistes ont attaqué les filles.", engine).segments[0]
    assert seg.target == "Al-Qaeda-linked militants attacked the girls."  # the entry drops "the"
    assert [c.method for c in seg.changes] == ["diff"]
    assert seg.changes[0].mt_text == "qaidists"
    (raw, target), = seg.translation.edits or []
    assert seg.mt[: raw[0]] == seg.target[: target[0]] and seg.mt[raw[1] :] == seg.target[target[1] :]


def test_dropped_placeholders_are_translated_around(fr_en: Glossary) -> None:
    def engine(text: str) -> str:
        if "terroristes" in text or "qaïdistes" in text:
            return f"Garbled {len(text)}."  # the raw sentence and the terms alone: nothing to locate
        return word_for_word(re.sub(r"ZQ([A-Z]+)Q", lambda m: "Zq" + m.group(1).lower(), text))

    seg = run_one(fr_en, "Les terroristes de Daech et les qaïdistes ont attaqué.", engine).segments[0]
    assert "Islamic State militants" in seg.target and "al-Qaeda-linked militants" in seg.target
    assert {c.method for c in seg.changes} == {"placeholder-split"}


def test_a_few_placeholder_sentences_go_with_their_pieces_in_one_call(
    fr_en: Glossary, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Small fallbacks cost one call, not two one after the other; large ones translate pieces only when needed."""

    def drops(text: str) -> str:
        if "ZQ" not in text and ("terroristes" in text or "Daech" in text):
            return f"Garbled {len(text)}."  # the raw sentence and the hit's words alone: nothing to locate
        return word_for_word(text)

    def fallback_calls() -> list[list[str]]:
        engine = ScriptedEngine(lambda text: drops(text).replace("ZQAQ", "Zqaq"))
        doc = text_document("Les terroristes de Daech ont attaqué le groupe.", language="fr")
        Chain(fr_en, engine)([doc])
        assert doc.segments[0].target == "Islamic State militants attacked the group."  # the entry drops "the"
        assert [c.method for c in doc.segments[0].changes] == ["placeholder-split"]
        return engine.calls[2:]  # after the sentence and the hit's words alone

    assert fallback_calls() == [["Les ZQAQ ont attaqué le groupe.", "Les", "ont attaqué le groupe."]]
    monkeypatch.setattr("pipeline.stages.translate.SPECULATE_CHARS", 10)
    assert fallback_calls() == [["Les ZQAQ ont attaqué le groupe."], ["Les", "ont attaqué le groupe."]]


def test_known_renderings_are_replaced_when_placeholders_cannot_be_kept(fr_en: Glossary) -> None:
    def never_keeps(text: str) -> str:
        return word_for_word(text).replace("ZQ", "Zq").replace("Daech", "Daesh")

    seg = run_one(fr_en, "Daech ont attaqué.", never_keeps).segments[0]
    assert seg.target == "Islamic State attacked."
    assert [c.method for c in seg.changes] == ["rendering"]
    assert seg.changes[0].mt_text == "Daesh"


def test_unplaceable_hits_become_findings_not_guesses(fr_en: Glossary) -> None:
    def hallucinates(text: str) -> str:
        if text == "Daech ont attaqué.":
            return "It happened."
        return "Nothing." if text == "Daech" else "ZQAQ ZQAQ"  # placeholders where none belong

    seg = run_one(fr_en, "Daech ont attaqué.", hallucinates).segments[0]
    assert seg.changes == []
    assert [f.check for f in seg.findings] == ["unenforced"]
    assert seg.target == "It happened."


def test_quoted_loaded_labels_are_left_to_the_speaker(fr_en: Glossary) -> None:
    seg = run_one(fr_en, "« Les terroristes ont attaqué », a dit Jean Dupont.").segments[0]
    assert seg.changes == []
    assert "terroristes" in seg.target  # the scripted engine does not translate it
    assert [f.check for f in seg.findings] == ["quoted-label"]
    assert "Jean Dupont" in seg.findings[0].message


def rebellious(text: str) -> str:
    """Apertium's reading of "rebelles" + adjective: an adjective, then the adjective taken as a noun."""
    for french, english in [("rebelles syriens", "rebellious Syrians"), ("rebelle syrien", "rebellious Syrian"),
                            ("rebelles afghans", "rebellious Afghans"), ("rebelles congolais", "rebellious Congoleses"),
                            ("rebelles houthis", "rebellious houthis"), ("rebelles attaquent", "rebellious attack"),
                            ("rebelles armés", "rebellious armed"),
                            ("rebelles", "rebellious")]:  # fmt: skip
        text = text.replace(french, english)
    return word_for_word(text)


@pytest.mark.parametrize(
    ("source", "target", "mt_text", "target_text"),
    [
        ("Les rebelles syriens ont attaqué.", "The Syrian rebels attacked.", "rebellious Syrians", "Syrian rebels"),
        ("Un rebelle syrien a condamné.", "A Syrian rebel has condemned.", "rebellious Syrian", "Syrian rebel"),
        ("Un groupe de rebelles afghans.", "A group of Afghan rebels.", "rebellious Afghans", "Afghan rebels"),
        ("contre les rebelles congolais", "against the Congolese rebels", "rebellious Congoleses", "Congolese rebels"),
        (
            "Les rebelles houthis ont attaqué.",
            "The rebels houthis attacked.",
            "rebellious",
            "rebels",
        ),  # as written: may be a verb
        # Words that are not the adjective taken as a noun stay where the engine put them.
        ("Les rebelles attaquent.", "The rebels attack.", "rebellious", "rebels"),  # a verb
        ("Les rebelles armés ont attaqué.", "The rebels armed attacked.", "rebellious", "rebels"),  # not known to turn
        ("Les rebelles, syriens ou non, ont attaqué.", "The rebels, syriens ou non, attacked.", "rebellious", "rebels"),
    ],
)
def test_an_adjective_the_engine_put_after_a_noun_goes_before_it(
    fr_en: Glossary, source: str, target: str, mt_text: str, target_text: str
) -> None:
    """"rebellious Syrians" -> "Syrian rebels", not "rebels Syrians"; the change's spans cover both words it moved."""
    seg = run_one(fr_en, source, rebellious).segments[0]
    assert seg.target == target
    (change,) = seg.changes
    assert (change.mt_text, change.target_text, change.source_text) == (
        mt_text,
        target_text,
        "rebelles" if "rebelles" in source else "rebelle",
    )
    a, b = change.mt_span or (0, 0)
    assert seg.mt[a:b] == mt_text
    a, b = change.target_span
    assert seg.target[a:b] == target_text
    # Outside the highlight, the English is the engine's, word for word.
    assert seg.mt[: change.mt_span[0]] == seg.target[: change.target_span[0]]  # type: ignore[index]
    assert seg.mt[change.mt_span[1] :] == seg.target[change.target_span[1] :]  # type: ignore[index]


def test_a_word_the_engine_did_not_know_is_not_turned(fr_en: Glossary) -> None:
    """"Congoleses" (Spanish, through the pivot) keeps its unknown-word finding: a change over it would hide that."""
    seg = run_one(fr_en, "Les rebelles congolais ont attaqué.", rebellious).segments[0]
    assert seg.target == "The Congolese rebels attacked."  # this engine says nothing about unknown words
    at = seg.mt.index("Congoleses")
    seg.translation.unknown = ((at, at + len("Congoleses")),)
    EnforceStage().enforce(seg)
    assert seg.target == "The rebels Congoleses attacked."
    shift = len("rebels") - len("rebellious")
    assert seg.translation.to_target((at, at + len("Congoleses"))) == (at + shift, at + shift + len("Congoleses"))


@pytest.mark.parametrize(
    ("source", "target", "methods"),
    [
        # The acronym after the group's members is said once, as after the group's name.
        (
            "Les jihadistes de Hayat Tahrir al-Cham (HTS) ont attaqué.",
            "Hay'at Tahrir al-Sham militants attacked.",
            ["rendering", "merged"],
        ),
        ("Les terroristes de Daech (EI) ont attaqué.", "Islamic State militants attacked.", ["rendering", "merged"]),
        # Another group whose name starts alike keeps its bracket.
        (
            "Les combattants de l’État islamique au Khorasan (EI) ont attaqué.",
            "The combattants of Islamic State Khorasan (Islamic State) attacked.",
            ["rendering", "rendering"],
        ),
    ],
)
def test_an_acronym_in_brackets_after_the_members_is_said_once(
    fr_en: Glossary, source: str, target: str, methods: list[str]
) -> None:
    seg = run_one(fr_en, source).segments[0]
    assert seg.target == target
    assert [c.method for c in seg.changes] == methods
    if methods[-1] == "merged":
        assert seg.changes[1].target_span == seg.changes[0].target_span
        assert seg.changes[1].mt_text == seg.mt[slice(*seg.changes[1].mt_span or (0, 0))]


def abbreviating(text: str, wanted: Sequence[Span]) -> EngineOutput:
    """Word for word, each hit written "U.N." and aligned to "U.N", as Apertium aligns "U.S." for "EEUU"; at the
    end of the sentence the abbreviation's stop is the sentence's too ("… the U.N.")."""
    pieces, placed, pos = [], [], 0
    for a, b in wanted:
        pieces.append(word_for_word(text[pos:a]))
        start = len("".join(pieces))
        pieces.append("U.N" if text[b:].startswith(".") else "U.N.")
        placed.append((start, start + 3))
        pos = b
    pieces.append(word_for_word(text[pos:]))
    return EngineOutput("".join(pieces), tuple(placed))


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("Le groupe de l'ONU a condamné.", "The group of the UN has condemned."),  # the abbreviation's stop goes
        ("Le groupe a condamné l'ONU.", "The group has condemned the UN."),  # the sentence's stays
        ("« Il a condamné l'ONU », dit-il.", '" Il has condemned the UN ", dit-il.'),
    ],
)
def test_the_full_stop_of_an_abbreviation_the_engine_wrote_goes_with_it(
    tmp_path: Path, fr_en: Glossary, source: str, target: str
) -> None:
    from pipeline.glossary.load import load_glossary_file

    names = tmp_path / "fr-en.names.yaml"
    names.write_text("source: fr\ntarget: en\nentries:\n  - {id: onu, kind: name, standard: UN, variants: [ONU]}\n",
                     encoding="utf-8")
    glossary = Glossary(source="fr", target="en", entries=[*fr_en.entries, *load_glossary_file(names).entries])
    doc = text_document(source, language="fr")
    Chain(glossary, ScriptedEngine(word_for_word, aligned=abbreviating))([doc])
    assert doc.segments[0].target == target
