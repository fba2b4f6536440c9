"""Russian case forms in the glossary matcher (pipeline/lang/ru/morphology.py, issue 36).

The property: every case and number form pymorphy3 itself generates for a variant (``Parse.inflect``,
not the lexeme walk the module uses) is found by the matcher, with the variant's entry, the right
number and a span that slices back to exactly the inflected words, wherever it stands in a sentence.
"""

from __future__ import annotations

import pymorphy3  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.glossary.load import Glossary, default_glossary_paths, load_glossaries
from pipeline.glossary.matcher import Matcher
from pipeline.lang import get_language
from pipeline.lang.ru.morphology import inflect
from tests.conftest import GLOSSARIES

MORPH = pymorphy3.MorphAnalyzer(lang="ru")
CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
NUMBERS = ("sing", "plur")

# (entry, variant as the glossary writes it, the words that inflect, its numbers: a group keeps the one it is written in)
INFLECTING = [
    ("militants", "террорист", [0], NUMBERS),
    ("militants", "боевик-террорист", [0, 1], NUMBERS),
    ("boeviki", "боевик", [0], NUMBERS),
    ("jihadist-militants", "джихадист", [0], NUMBERS),
    ("rebels", "повстанец", [0], NUMBERS),
    ("militant-group", "террористическая группировка", [0, 1], NUMBERS),
    ("militant-group", "террористическая организация", [0, 1], NUMBERS),
    ("militant-group", "террористическое движение", [0, 1], NUMBERS),
    ("militant-cells", "террористическая ячейка", [0, 1], NUMBERS),
    ("militant-network", "террористическая сеть", [0, 1], NUMBERS),
    ("armed-groups", "незаконное вооружённое формирование", [0, 1, 2], NUMBERS),
    ("armed-groups", "бандформирование", [0], NUMBERS),
    ("suicide-bombers", "террорист-смертник", [0, 1], NUMBERS),
    ("islamic-state", "Исламское государство", [0, 1], ("sing",)),
    ("taliban", "Талибан", [0], ("sing",)),
    ("syrian-democratic-forces", "Сирийские демократические силы", [0, 1, 2], ("plur",)),
    ("free-syrian-army", "Свободная сирийская армия", [0, 1, 2], ("sing",)),
    ("bashar-al-assad", "Башар Асад", [0, 1], ("sing",)),
    ("terrorism-word", "терроризм", [0], NUMBERS),
    ("counterterrorism", "антитеррористический", [0], NUMBERS),
]
FILLER = ["по", "данным", "источника", "в", "городе", "вчера", "сообщили", "что", "армия", "и", "Москва", "заявила"]


@pytest.fixture(scope="module")
def ru() -> Glossary:
    return load_glossaries(default_glossary_paths(GLOSSARIES, "ru", "en"), source="ru", target="en")


@pytest.fixture(scope="module")
def matcher(ru: Glossary) -> Matcher:
    return Matcher(ru)


def pymorphy_form(variant: str, inflecting: list[int], case: str, number: str) -> str | None:
    """The variant in ``case`` and ``number`` as pymorphy3's own ``inflect`` writes it (None: it has no such form)."""
    words = variant.replace("-", " - ").split()
    real = [w for w in words if w != "-"]
    parses = [MORPH.parse(w)[0] for w in real]
    nouns = [p for k, p in enumerate(parses) if k in inflecting and p.tag.POS == "NOUN"]
    out = []
    for k, (word, parse) in enumerate(zip(real, parses, strict=True)):
        if k not in inflecting:
            out.append(word)
            continue
        grammemes = {case, number}
        masculine = bool(nouns) and (number == "plur" or nouns[0].tag.gender == "masc")
        if parse.tag.POS in ("ADJF", "PRTF") and case == "accs" and masculine and nouns[0].tag.animacy:
            grammemes.add(nouns[0].tag.animacy)
        # take a nominative reading, as the glossary writes the variant
        nominative = next((p for p in MORPH.parse(word) if p.tag.case == "nomn"), parse)
        form = nominative.inflect(grammemes)
        if form is None:
            return None
        word_out = form.word
        out.append(word_out[:1].upper() + word_out[1:] if word[:1].isupper() else word_out)
    text = " ".join(out)
    return text.replace(" - ", "-") if "-" in variant else text


@settings(max_examples=300, deadline=None)
@given(
    case=st.sampled_from(INFLECTING),
    grammar=st.tuples(st.sampled_from(CASES), st.sampled_from(NUMBERS)),
    before=st.lists(st.sampled_from(FILLER), max_size=4),
    after=st.lists(st.sampled_from(FILLER), max_size=4),
    end=st.sampled_from(["", ".", ",", "!", "»", ")"]),
)
def test_every_case_and_number_pymorphy_generates_matches(
    matcher: Matcher,
    case: tuple[str, str, list[int], tuple[str, ...]],
    grammar: tuple[str, str],
    before: list[str],
    after: list[str],
    end: str,
) -> None:
    entry, variant, inflecting, numbers = case
    grammatical_case, number = grammar
    if number not in numbers:
        return  # a group's name keeps its number ("Исламские государства" is not the group)
    phrase = pymorphy_form(variant, inflecting, grammatical_case, number)
    if phrase is None:
        return
    prefix = " ".join(before) + (" " if before else "")
    text = prefix + phrase + end + (" " + " ".join(after) if after else "")
    found = [m for m in matcher.find(text) if m.rejected is None]
    hit = next((m for m in found if m.start == len(prefix)), None)
    assert hit is not None, (text, [(m.entry.id, text[m.start : m.end]) for m in found])
    assert hit.entry.id == entry
    assert text[hit.start : hit.end] == phrase
    other = "sing" if number == "plur" else "plur"
    ambiguous = any(pymorphy_form(variant, inflecting, c, other) == phrase for c in CASES)  # бандформирования
    if len(numbers) == 2 and not ambiguous:
        assert hit.plural == (number == "plur")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # words the dictionary does not know stay literal variants
        ("Бойцы ИГИЛ отступили.", [("islamic-state", "ИГИЛ")]),
        ("Пленные игиловцы", [("islamic-state-militants", "игиловцы")]),
        ("удар по игиловцам", [("islamic-state-militants", "игиловцам")]),
        ("лидер Хезболлы", [("hezbollah", "Хезболлы")]),
        ("связи с «Аль-Каидой»", [("al-qaeda", "Аль-Каидой")]),
        ("боевики «Джебхат ан-Нусры»", [("boeviki", "боевики"), ("al-nusra-front", "Джебхат ан-Нусры")]),
        ("боевики Джебхат-ан-Нусры", [("boeviki", "боевики"), ("al-nusra-front", "Джебхат-ан-Нусры")]),
        # "ё" and "е" are one letter
        ("запрещенной в России", [("banned-in-russia", "запрещенной в России")]),
        ("запрещённой в России", [("banned-in-russia", "запрещённой в России")]),
        # short participles in every gender and number
        ("(запрещена в РФ)", [("banned-in-russia", "запрещена в РФ")]),
        ("(запрещено в РФ)", [("banned-in-russia", "запрещено в РФ")]),
        ("(запрещены в России)", [("banned-in-russia", "запрещены в России")]),
        ("(запрещён в России)", [("banned-in-russia", "запрещён в России")]),
        # the formula never becomes part of the label or the name
        (
            "запрещённой в России террористической организации «Исламское государство»",
            [("banned-in-russia", "запрещённой в России"), ("militant-group", "террористической организации"),
             ("islamic-state", "Исламское государство")],
        ),
        # a capitalised common word must be capitalised: lower case is an Islamic state, not the group
        ("создание исламского государства", []),
        ("против Исламского государства", [("islamic-state", "Исламского государства")]),
        ("против Исламского Государства", [("islamic-state", "Исламского Государства")]),
        ("ИСЛАМСКОЕ ГОСУДАРСТВО", [("islamic-state", "ИСЛАМСКОЕ ГОСУДАРСТВО")]),
        ("братья-мусульмане молились", []),
        ("Братьев-мусульман запретили", [("muslim-brotherhood", "Братьев-мусульман")]),
        # a name is declined with its given name
        ("режим Башара Асада", [("bashar-al-assad", "Башара Асада")]),
        # the name of a restaurant is not the Nusra Front
        ("ресторан Нусрета", []),
        # a group name after the members' label
        ("террористами ИГИЛ", [("group-militants", "террористами ИГИЛ")]),
        ("боевиков-террористов Хезболлы", [("group-militants", "боевиков-террористов Хезболлы")]),
    ],
)
def test_literal_forms_formulas_and_capitals(matcher: Matcher, text: str, expected: list[tuple[str, str]]) -> None:
    assert [(m.entry.id, text[m.start : m.end]) for m in matcher.find(text) if m.rejected is None] == expected


@pytest.mark.parametrize(
    "text", ["игры в жанре ролевого боевика", "в жанре боевика", "голливудского боевика", "в американских боевиках"]
)
def test_context_words_take_their_forms(matcher: Matcher, text: str) -> None:
    """``not_after: [ролевой, жанр, ...]`` refuses after every form of those words: an action film is not a militant."""
    matches = matcher.find(text)
    assert matches and all(m.rejected for m in matches)


def test_the_written_form_comes_first_and_groups_keep_their_number() -> None:
    forms = inflect("Исламское государство", False)
    assert forms[0].text == "Исламское государство"
    assert all(f.plural is False for f in forms)
    assert {f.capitals for f in forms} == {(0,)}
    assert {f.text for f in inflect("террористическая группировка", True)} >= {
        "террористической группировки", "террористическими группировками", "террористическую группировку",
    }


def test_prepositional_phrases_stay_as_written() -> None:
    texts = {f.text for f in inflect("запрещённая в России террористическая организация", True)}
    assert "запрещённых в России террористических организаций" in texts
    assert all(" в России " in t for t in texts)


def test_languages_without_the_hook_pay_nothing() -> None:
    for code in ("fr", "es", "en"):
        assert get_language(code).word_forms is None
    assert get_language("ru").word_forms is not None
