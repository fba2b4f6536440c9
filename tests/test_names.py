"""The names stage: transliterated names protected from the engine, standardised by the names glossary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pipeline.chain import DEFAULT_ORDER, STAGES, Chain
from pipeline.engines import create_engine
from pipeline.evaluation.document_audit import MANGLED, audit_document
from pipeline.glossary.lint import lint
from pipeline.glossary.load import Glossary, default_glossary_paths, load_glossaries
from pipeline.glossary.matcher import Matcher
from pipeline.model import Check, Document, Kind, Segment, text_document
from pipeline.stages.match import MatchStage
from pipeline.stages.names import UNKNOWN, NamesStage
from pipeline.stages.segment import segment
from tests.conftest import FR_EN, GLOSSARIES, LABELLED, PAIR, SEED, ScriptedEngine, arabic_article, needs

NAMES_FILE = GLOSSARIES / "fr-en.names.yaml"


@pytest.fixture(scope="module")
def full() -> Glossary:
    """fr-en.yaml with its names glossary, as ``normalize run`` loads them."""
    return load_glossaries(default_glossary_paths(GLOSSARIES, *PAIR), source="fr", target="en")


def matched(glossary: Glossary, text: str) -> Document:
    doc = segment(text_document(text, language="fr"))
    return NamesStage(glossary)(MatchStage(Matcher(glossary))(doc))


def names(glossary: Glossary, text: str) -> list[tuple[str, str, str]]:
    doc = matched(glossary, text)
    return [(h.text, h.entry, h.standard) for seg in doc.segments for h in seg.hits if h.kind == Kind.NAME and not h.tentative]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Moustafa al-Kazimi est arrivé.", ["Moustafa al-Kazimi"]),
        ("Le camp d'Al-Hol est plein.", ["Al-Hol"]),
        ("La ville d'al-Bab est tombée.", ["al-Bab"]),
        ("Au sommet du Jabal al-Arba'in.", ["Jabal al-Arba'in"]),
        ("Il a rejoint Abou Foued.", ["Abou Foued"]),
        ("Abou Ibrahim al-Andaloussi a été condamné.", ["Abou Ibrahim al-Andaloussi"]),
        ("Selon Abou Sofiane, tout va bien.", ["Abou Sofiane"]),  # "Selon" is a French word, not a name
        ("Après al-Bab, l'Émir al-Faranssi a fui.", ["al-Bab", "al-Faranssi"]),  # accents folded: "Après", "Émir"
        ("Le Hachd al-Chaabi et Omrane al-Faranssi.", ["Omrane al-Faranssi"]),  # the group is the glossary's
        ("La phalange Okba Ibn Nafaa a frappé.", ["Okba Ibn Nafaa"]),
        ("Il vient de Thonon-les-Bains.", ["Thonon-les-Bains"]),
        ("Le CCFR et le BCIJ.", ["CCFR", "BCIJ"]),
        ("Le camp d'al-hol.", ["al-hol"]),
    ],
)
def test_unknown_names_are_found_by_their_shape(fr_en: Glossary, text: str, expected: list[str]) -> None:
    found = names(fr_en, text)
    assert [t for t, _, _ in found] == expected
    assert all(entry == UNKNOWN for _, entry, _ in found)
    assert [s for _, _, s in found] == expected  # kept as written


@pytest.mark.parametrize(
    "text",
    [
        "Le Président de la République a parlé à Paris.",  # ordinary capitalised words
        "Selon Le Parisien, la Maison Blanche a réagi.",
        "Les États-Unis, le Moyen-Orient et la Grande-Bretagne.",  # hyphenated names the engine translates
        "UNE FILIÈRE DÉMANTELÉE A LA RÉUNION EN 2015",  # a headline in capitals
        "IRAK : UN VILLAGE REPRIS",  # ...across punctuation
        "KABOUL (AFP) - Les forces afghanes ont repris le district.",  # a dateline
        "Le chapitre IV du traité de Louis XIV.",  # Roman numerals
        "As-tu vu ad hoc et es-tu là ?",  # short article forms that are French words
        "Les missiles S-300 et le M23.",
    ],
)
def test_ordinary_words_are_not_names(fr_en: Glossary, text: str) -> None:
    assert names(fr_en, text) == []


def test_glossary_hits_win_over_name_shapes(full: Glossary) -> None:
    doc = matched(full, "Les terroristes du Front al-Nosra et Abou Bakr al-Baghdadi, chef de l'EI.")
    hits = [(h.text, h.entry, h.kind) for h in doc.segments[0].hits]
    assert hits == [
        ("terroristes du Front al-Nosra", "group-militants", Kind.MEMBERS),
        ("Abou Bakr al-Baghdadi", "abu-bakr-al-baghdadi", Kind.NAME),
        ("EI", "islamic-state", Kind.GROUP),
    ]
    assert [f.check for f in doc.segments[0].findings] == []  # every name is known: no unknown-name finding


def test_hits_stay_in_source_order_and_never_overlap(full: Glossary) -> None:
    doc = matched(full, "Omrane al-Faranssi, Bachar al-Assad, les jihadistes d'Al-Hol et Abou Foued.")
    hits = doc.segments[0].hits
    assert [h.start for h in hits] == sorted(h.start for h in hits)
    assert all(a.end <= b.start for a, b in zip(hits, hits[1:], strict=False))


def test_unknown_names_get_a_finding_listing_them(fr_en: Glossary) -> None:
    text = "Abou Foued a rencontré Omrane al-Faranssi."
    doc = matched(fr_en, text)
    findings = doc.segments[0].findings
    assert [f.check for f in findings] == [Check.UNKNOWN_NAME, Check.UNKNOWN_NAME]
    assert [text[slice(*f.source_span)] for f in findings if f.source_span] == ["Abou Foued", "Omrane al-Faranssi"]
    assert "Abou Foued" in findings[0].message and "names glossary" in findings[0].message


def test_a_scraped_name_glued_to_the_next_sentence_keeps_its_standard_spelling(full: Glossary) -> None:
    # the source lost the space after the title: "al-BaghdadiLe groupe"; the matcher's tokens cannot see the name
    assert names(full, "Mort d'Abou Bakr al-BaghdadiLe groupe a confirmé.") == [
        ("Abou Bakr al-Baghdadi", "abu-bakr-al-baghdadi", "Abu Bakr al-Baghdadi")
    ]


def test_the_stage_is_registered_after_match() -> None:
    assert "names" in STAGES
    assert DEFAULT_ORDER.index("names") == DEFAULT_ORDER.index("match") + 1


def test_the_names_glossary_is_loaded_with_fr_en_and_is_clean(full: Glossary) -> None:
    assert str(NAMES_FILE) in full.files
    names_entries = [e for e in full.entries if e.file == str(NAMES_FILE)]
    assert len(names_entries) >= 40 and all(e.kind == "name" and not e.loaded for e in names_entries)
    assert [w for w in lint(full) if "names" in w] == []


def test_names_are_spliced_into_the_raw_translation(full: Glossary) -> None:
    """With an engine that mangles every "al-", the English gets each name, and only the names change."""
    doc = text_document("Bachar al-Assad a reçu Omrane al-Faranssi à al-Bab.", language="fr")
    Chain(full, ScriptedEngine(arabic_article))([doc])
    seg = doc.segments[0]
    assert seg.mt == "Bachar to the-Assad a reçu Omrane to the-Faranssi à to the-Bab."
    assert seg.target == "Bashar al-Assad a reçu Omrane al-Faranssi à al-Bab."
    assert [(c.entry, c.mt_text, c.target_text) for c in seg.changes] == [
        ("bashar-al-assad", "Bachar to the-Assad", "Bashar al-Assad"),
        ("unknown-name", "Omrane to the-Faranssi", "Omrane al-Faranssi"),
        ("al-bab", "to the-Bab", "al-Bab"),
    ]
    report = audit_document(doc)
    assert report.mangled_names == [] and report.missing_names == [] and report.collateral_edits == []
    assert [f.check for f in seg.findings] == [Check.UNKNOWN_NAME]


def test_a_name_inside_a_quotation_is_spelling_and_is_standardised(full: Glossary) -> None:
    doc = text_document("« Le camp d'Al-Hol est une bombe », a déclaré le ministre.", language="fr")
    Chain(full, ScriptedEngine(arabic_article))([doc])
    seg = doc.segments[0]
    assert seg.target == '" Le camp d\'al-Hol est une bombe ", a déclaré le ministre.'  # the engine sees Moses-normalised quotes
    assert [(c.mt_text, c.target_text) for c in seg.changes] == [("To the-Hol", "al-Hol")]


def labelled_name_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))
    return [c for c in cases if c.get("names")]


@pytest.fixture(scope="module")
def apertium_names(full: Glossary) -> list[tuple[dict[str, Any], Segment]]:
    cases = labelled_name_cases()
    docs = [text_document(c["source"], language="fr", name=f"names{i}") for i, c in enumerate(cases)]
    Chain(full, create_engine("apertium", "fr", "en"))(docs)
    assert not [d.error for d in docs if d.error]
    return [(c, d.segments[0]) for c, d in zip(cases, docs, strict=True)]


@needs("apertium")
def test_labelled_names_come_out_in_standard_spelling_with_apertium(apertium_names: list[tuple[dict[str, Any], Segment]]) -> None:
    assert len(apertium_names) >= 15
    misses = []
    for case, seg in apertium_names:
        for source, english in case["names"].items():
            placed = [
                c
                for c in seg.changes
                if c.source_text == source and c.target_text.casefold().removeprefix("the ") == english.casefold()
            ]
            if not placed or english not in seg.target:
                misses.append(f"{source!r} -> {english!r} in {seg.target!r}")
    assert misses == []


@needs("apertium")
def test_no_name_is_mangled_with_apertium(apertium_names: list[tuple[dict[str, Any], Segment]]) -> None:
    mangled = [m.group() for _, seg in apertium_names for m in MANGLED.finditer(seg.target)]
    assert mangled == []
    assert [m.group() for _, seg in apertium_names for m in MANGLED.finditer(seg.mt)], "the raw translation does mangle them"


@needs("apertium")
def test_the_seed_gets_only_name_changes_besides_its_labels(full: Glossary, tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    with_names = text_document(text, language="fr", name="seed")
    order = [s for s in DEFAULT_ORDER if s != "names"]
    without = text_document(text, language="fr", name="seed")
    fr_en_only = load_glossaries([FR_EN], source="fr", target="en")
    engine = create_engine("apertium", "fr", "en")
    Chain(full, engine)([with_names])
    Chain(fr_en_only, engine, order)([without])

    def labels(doc: Document) -> list[tuple[str, str, str]]:
        names_ids = {e.id for e in full.entries if e.kind == "name"} | {UNKNOWN}
        return [(c.entry, c.source_text, c.target_text) for s in doc.segments for c in s.changes if c.entry not in names_ids]

    assert labels(with_names) == labels(without) and len(labels(without)) == 20


def test_a_repeated_word_is_placed_at_its_own_occurrence(fr_en: Glossary) -> None:
    """An adjective use is no hit: the noun's rendering is the second "jihadistes" of the raw translation, not the first."""

    doc = text_document("Les attaques jihadistes ont visé la ville, puis des jihadistes sont venus.", language="fr")
    Chain(fr_en, ScriptedEngine(lambda text: text))([doc])  # copies the French through
    seg = doc.segments[0]
    assert seg.target == "Les attaques jihadistes ont visé la ville, puis des militants sont venus."
    adjective = [f for f in seg.findings if f.check == Check.LOADED_ADJECTIVE]
    assert len(adjective) == 1 and adjective[0].target_span == (13, 23)  # marked on the English side too
    assert [f.check for f in seg.findings if f.check == Check.LOADED_RENDERING] == []


def test_an_adjective_in_a_quotation_is_reported_as_the_speakers_word(fr_en: Glossary) -> None:
    """Kept either way; the finding says why, and suggests no neutral word for a speaker's quotation."""

    doc = text_document(
        "« Ils doivent juger les combattants terroristes étrangers », a déclaré Mike Pompeo. "
        "Les combattants terroristes étrangers sont détenus.",
        language="fr",
    )
    Chain(fr_en, ScriptedEngine(lambda text: text))([doc])
    quoted, plain = ([f.message for f in seg.findings if f.check == Check.LOADED_ADJECTIVE] for seg in doc.segments)
    assert len(quoted) == 1 and "inside a quotation (said by Mike Pompeo)" in quoted[0] and "neutral word" not in quoted[0]
    assert len(plain) == 1 and "the neutral word is" in plain[0] and "quotation" not in plain[0]
