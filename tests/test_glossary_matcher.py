"""The glossary matcher: word boundaries, elision, variants, slots, overlaps, context rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.glossary.load import Glossary, load_glossary_file
from pipeline.glossary.matcher import Matcher, expand_variant, fold
from tests.conftest import GLOSSARIES


@pytest.fixture(scope="module")
def matcher(fr_en: Glossary) -> Matcher:
    return Matcher(fr_en)


def found(matcher: Matcher, text: str) -> list[tuple[str, str, str]]:
    return [(m.entry.id, text[m.start : m.end], m.standard) for m in matcher.find(text) if m.rejected is None]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Les seins et les reins.", []),
        ("L’EI a frappé.", [("islamic-state", "EI", "Islamic State")]),
        ("L'EI a frappé.", [("islamic-state", "EI", "Islamic State")]),
        ("Il rêvait, ei, d'autre chose.", []),  # lower-case "ei" is not the acronym
        ("Le Front al Nosra.", [("al-nusra-front", "Front al Nosra", "al-Nusra Front")]),
        ("Le Front\u00a0Al-Nosra.", [("al-nusra-front", "Front\u00a0Al-Nosra", "al-Nusra Front")]),
        ("Le FRONT AL-NOSRA.", [("al-nusra-front", "FRONT AL-NOSRA", "al-Nusra Front")]),
        ("qu’al-Qaïda recrute", [("al-qaeda", "al-Qaïda", "al-Qaeda")]),
        ("l’Etat islamique", [("islamic-state", "Etat islamique", "Islamic State")]),
        ("Un terroriste arrêté.", [("militants", "terroriste", "militant")]),
        ("Des terroristes arrêtés.", [("militants", "terroristes", "militants")]),
        ("les terroristes de Daech", [("group-militants", "terroristes de Daech", "Islamic State militants")]),
        ("des terroristes d’al-Qaïda", [("group-militants", "terroristes d’al-Qaïda", "al-Qaeda militants")]),
        ("des terroristes de l’EI", [("group-militants", "terroristes de l’EI", "Islamic State militants")]),
        ("les takfiristes du Front Al-Nosra", [("group-militants", "takfiristes du Front Al-Nosra", "al-Nusra Front militants")]),
        (
            "des groupuscules affiliés à Daech",
            [("group-affiliate", "groupuscules affiliés à Daech", "Islamic State-affiliated groups")],
        ),
        ("une daechiste", [("islamic-state-militants", "daechiste", "Islamic State militant")]),
        ("la lutte contre le terrorisme", [("terrorism-word", "terrorisme", "terrorism")]),  # flag-only
        ("une attaque terroriste", []),
        ("le parquet antiterroriste", [("counterterrorism", "antiterroriste", "counterterrorism")]),
        ("Daech, puis al-Qaïda.", [("islamic-state", "Daech", "Islamic State"), ("al-qaeda", "al-Qaïda", "al-Qaeda")]),
        ("Les terroristes, de Daech.", [("militants", "terroristes", "militants"), ("islamic-state", "Daech", "Islamic State")]),
    ],
)
def test_matches(matcher: Matcher, text: str, expected: list[tuple[str, str, str]]) -> None:
    assert found(matcher, text) == expected


def test_context_refusals_are_reported_for_loaded_entries(matcher: Matcher) -> None:
    refused = [m for m in matcher.find("Les actes terroristes et l'attaque terroriste.") if m.rejected]
    assert [(m.entry.id, m.rejected is not None) for m in refused] == [("militants", True), ("militants", True)]
    assert "actes" in (refused[0].rejected or "")


def test_offsets_index_the_original_text(matcher: Matcher) -> None:
    text = "Ÿ̈ﬁ İstanbul: les terroristes de l’État islamique et DAECH."
    found = matcher.find(text)
    assert len(found) >= 2  # the loop below checks something
    for m in found:
        assert m.end > m.start
        assert text[m.start : m.end].strip() == text[m.start : m.end]
    assert len(fold(text)) == len(text)


def test_matching_is_deterministic(matcher: Matcher) -> None:
    text = " ".join(["Les terroristes de Daech, Al-Nosra et l’EI."] * 50)
    assert matcher.find(text) == matcher.find(text)


@pytest.mark.parametrize(
    ("variant", "forms"),
    [
        ("terroriste(s)", [("terroriste", False), ("terroristes", True)]),
        ("affilié(e)(s)", [("affilié", False), ("affiliés", True), ("affiliée", False), ("affiliées", True)]),
        ("Daech", [("Daech", False)]),
    ],
)
def test_optional_endings(variant: str, forms: list[tuple[str, bool]]) -> None:
    assert list(expand_variant(variant)) == forms


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "g.yaml"
    path.write_text("source: fr\ntarget: en\nentries:\n" + body, encoding="utf-8")
    return path


def test_one_form_in_two_entries_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "  - {id: a, standard: A, variants: [Al-Nosra]}\n  - {id: b, standard: B, variants: [al nosra]}\n",
    )
    with pytest.raises(ConfigError, match="matches the same words as a variant of 'a'"):
        Matcher(load_glossary_file(path))


def test_a_group_cannot_contain_its_own_slot(tmp_path: Path) -> None:
    path = write(tmp_path, "  - {id: a, kind: group, standard: A, variants: ['x {group}']}\n")
    with pytest.raises(ConfigError, match="cannot use"):
        Matcher(load_glossary_file(path))


def test_russian_forms_and_plural_variants() -> None:
    glossary = load_glossary_file(GLOSSARIES / "ru-en.yaml")
    text = "Террористы ИГИЛ отступили, а игиловцы и террорист ушли."
    got = [(m.entry.id, m.standard) for m in Matcher(glossary).find(text) if not m.rejected]
    assert got == [
        ("group-militants", "Islamic State militants"),
        ("islamic-state-militants", "Islamic State militants"),
        ("militants", "militant"),
    ]


# ---- issue 11: a label after a label, numbers and quantifiers before a noun, new entries ----------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Les terroristes takfiristes ont fui.", [("militants", "terroristes takfiristes", "militants")]),
        ("Les terroristes-takfiristes ont fui.", [("militants", "terroristes-takfiristes", "militants")]),
        ("Un terroriste takfiriste a fui.", [("militants", "terroriste takfiriste", "militant")]),
        ("Les groupes terroristes takfiristes.", [("militant-group", "groupes terroristes takfiristes", "militant groups")]),
        ("5000 jihadistes ont fui.", [("jihadist-militants", "jihadistes", "militants")]),
        ("Quelque 200 djihadistes.", [("jihadist-militants", "djihadistes", "militants")]),
        ("Plus de 10.000 terroristes.", [("militants", "terroristes", "militants")]),
        ("Des centaines de jihadistes.", [("jihadist-militants", "jihadistes", "militants")]),
        ("Les derniers jihadistes.", [("jihadist-militants", "jihadistes", "militants")]),
        ("Treize jihadistes.", [("jihadist-militants", "jihadistes", "militants")]),
        ("Les groupes armés terroristes.", [("armed-groups", "groupes armés terroristes", "armed groups")]),
        ("Un groupe terroriste armé.", [("armed-groups", "groupe terroriste armé", "armed group")]),
        ("Des éléments terroristes.", [("militant-elements", "éléments terroristes", "militants")]),
        ("Les groupes jihadistes.", [("jihadist-groups", "groupes jihadistes", "militant groups")]),
        ("Le Hachd al-Chaabi.", [("popular-mobilization-forces", "Hachd al-Chaabi", "Popular Mobilization Forces")]),
        ("Le Front Fateh al-Cham.", [("jabhat-fateh-al-sham", "Front Fateh al-Cham", "Jabhat Fateh al-Sham")]),
        ("Les FDS et les YPG.", [("syrian-democratic-forces", "FDS", "Syrian Democratic Forces"), ("ypg", "YPG", "YPG")]),
        ("Les fds.", []),  # an acronym matches in capitals only
        ("Des mercenaires.", [("mercenaries-word", "mercenaires", "mercenaries")]),  # flag-only: a finding, never a change
    ],
)
def test_issue_11_coverage(matcher: Matcher, text: str, expected: list[tuple[str, str, str]]) -> None:
    assert found(matcher, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Les deux frères jihadistes.",  # an adjective after a noun that is no label
        "Les attaques jihadistes.",
        "Les commandos terroristes jihadistes.",  # an adjective after a refused adjective is not chained
    ],
)
def test_adjectives_stay_refused(matcher: Matcher, text: str) -> None:
    matches = matcher.find(text)
    assert matches and all(m.rejected is not None for m in matches)


def test_a_label_chain_is_one_match_with_the_first_label(matcher: Matcher) -> None:
    text = "Les terroristes takfiristes et les terroristes, takfiristes."
    spans = [(text[m.start : m.end], m.rejected is None) for m in matcher.find(text)]
    # joined by a space: one label; after a comma the second word stands alone and is refused
    assert spans == [("terroristes takfiristes", True), ("terroristes", True), ("takfiristes", False)]


def test_number_context_needs_the_number_marker(tmp_path: Path) -> None:
    body = (
        "  - id: a\n    standard: x\n    loaded: true\n    variants: [terroriste(s)]\n    only_after: [les]\n"
        "  - id: b\n    standard: y\n    loaded: true\n    variants: [jihadiste(s)]\n    only_after: [les, <number>]\n"
    )
    m = Matcher(load_glossary_file(write(tmp_path, body)))
    assert [(x.entry.id, x.rejected is None) for x in m.find("5000 terroristes et 5000 jihadistes")] == [
        ("a", False),
        ("b", True),
    ]


def test_a_title_that_begins_with_a_capitalised_article_needs_its_capitals(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "  - {id: le-monde, kind: name, standard: Le Monde, variants: [Le Monde]}\n"
        "  - {id: le-canard, kind: name, standard: Le Canard enchaîné, variants: [Le Canard enchaîné]}\n"
        "  - {id: le-mot, standard: the word, variants: [Le Mot]}\n"  # not a name: any case, as every variant
        "  - {id: alep, kind: name, standard: Aleppo, variants: [Alep]}\n",  # no article: any case
    )
    titles = Matcher(load_glossary_file(path))
    text = "Selon Le Monde, tout le monde lit Le Canard Enchaîné ; le mot, alep. Le monde change."
    assert [(e, words) for e, words, _ in found(titles, text)] == [
        ("le-monde", "Le Monde"), ("le-canard", "Le Canard Enchaîné"), ("le-mot", "le mot"), ("alep", "alep"),
    ]


def test_the_newspapers_the_engine_translates_are_names_and_the_common_words_are_not() -> None:
    from pipeline.glossary.load import default_glossary_paths, load_glossaries

    for source, text, expected in [
        ("fr", "Selon Le Figaro et Le Monde diplomatique, tout le monde le sait ; la croix rouge.",
         [("le-figaro", "Le Figaro"), ("le-monde-diplomatique", "Le Monde diplomatique")]),
        ("fr", "Le quotidien Libération l'écrit : la libération de Mossoul. Libération des otages.",
         [("liberation", "Libération")]),
        ("es", "Según El Mundo y La Vanguardia, el mundo cambia.",
         [("el-mundo", "El Mundo"), ("la-vanguardia", "La Vanguardia")]),
    ]:
        glossary = load_glossaries(default_glossary_paths(GLOSSARIES, source, "en"), source=source, target="en")
        assert [(e, words) for e, words, _ in found(Matcher(glossary), text)] == expected
