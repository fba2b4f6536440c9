"""Arabic normalisation and proclitics in the glossary matcher (pipeline/lang/ar/normalize.py, issue 36).

The property: every variant of the Arabic glossaries, under every combination of proclitics (و ف,
then ب ل ك, ل fused with the article), every spelling the normaliser unifies (أ إ آ / ا, ة / ه,
ى / ي) and any short vowels and tatweel, is found with its entry and a span that is exactly the
variant's words in the original text, the clitics left out (a fused لل stays in).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.glossary.load import Glossary, default_glossary_paths, load_glossaries
from pipeline.glossary.matcher import Matcher, expand_variant
from pipeline.lang.ar.normalize import ArabicForms, normalize, proclitic_forms
from pipeline.model import Kind
from tests.conftest import GLOSSARIES

MARKS = "\u064e\u064f\u0650\u0651\u0652\u064b\u064c\u064d"  # fatha, damma, kasra, shadda, sukun, tanwin
TATWEEL = "\u0640"
SPELLINGS = {"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي"}
FILLER = ["قال", "المصدر", "أمس", "إن", "المدينة", "صباح", "اليوم", "وفق", "بيان", "رسمي"]


@pytest.fixture(scope="module")
def ar() -> Glossary:
    return load_glossaries(default_glossary_paths(GLOSSARIES, "ar", "en"), source="ar", target="en")


@pytest.fixture(scope="module")
def matcher(ar: Glossary) -> Matcher:
    return Matcher(ar)


def _variants() -> list[tuple[str, str]]:
    g = load_glossaries(default_glossary_paths(GLOSSARIES, "ar", "en"), source="ar", target="en")
    out = []
    for e in g.entries:
        for v in e.variants + e.plural_variants:
            for form, _ in expand_variant(v):
                if not form.startswith("{group}") and "{group}" not in form:
                    out.append((e.id, form))
    return out


VARIANTS = _variants()


@st.composite
def noisy(draw: st.DrawFn, word: str) -> str:
    """``word`` with spellings the normaliser unifies and short vowels or tatweel after some letters."""
    out = []
    for k, ch in enumerate(word):
        if ch in SPELLINGS and draw(st.booleans()):
            ch = SPELLINGS[ch]
        out.append(ch)
        if draw(st.integers(0, 4)) == 0:
            out.append(draw(st.sampled_from(MARKS)))
        elif 0 < k < len(word) - 1 and draw(st.integers(0, 9)) == 0:
            out.append(TATWEEL)
    return "".join(out)


@settings(max_examples=400, deadline=None)
@given(
    case=st.sampled_from(VARIANTS),
    conjunction=st.sampled_from(["", "و", "ف"]),
    preposition=st.sampled_from(["", "ب", "ل", "ك"]),
    before=st.lists(st.sampled_from(FILLER), max_size=3),
    after=st.lists(st.sampled_from(FILLER), max_size=3),
    data=st.data(),
)
def test_every_clitic_and_spelling_matches_with_an_exact_span(
    matcher: Matcher,
    case: tuple[str, str],
    conjunction: str,
    preposition: str,
    before: list[str],
    after: list[str],
    data: st.DataObject,
) -> None:
    entry, form = case
    if preposition == "ب" and normalize(form.split()[0]) == "حماس":
        return  # "بحماس" is "with enthusiasm": never the group
    first, *rest = form.split(" ")
    fused = preposition == "ل" and first.startswith("ال")
    stem = first[1:] if fused else first
    lead = data.draw(noisy(conjunction))  # left out of the match
    fused_lam = "ل" if fused else ""  # ل + ال -> لل: in the match
    if preposition and not fused:
        lead += data.draw(noisy(preposition))
    words = [data.draw(noisy(stem))] + [data.draw(noisy(w)) for w in rest]
    head = " ".join(before) + (" " if before else "")
    start = len(head) + len(lead)
    text = head + lead + fused_lam + " ".join(words)
    end = len(text)
    text += ("" if not after else " " + " ".join(after)) + "."
    found = [m for m in matcher.find(text) if m.rejected is None]
    hit = next((m for m in found if m.start == start), None)
    assert hit is not None, (text, [(m.entry.id, text[m.start : m.end]) for m in found])
    assert hit.entry.id == entry or hit.entry.kind == Kind.NAME
    assert hit.end == end, (text, text[hit.start : hit.end])


@pytest.mark.parametrize(
    ("word", "key"),
    [
        ("الإرهابيين", "الارهابيين"),
        ("الإرهابِيِّين", "الارهابيين"),
        ("داعـــش", "داعش"),
        ("الدولة", "الدوله"),
        ("نينوى", "نينوي"),
        ("آل", "ال"),
        ("ٱلقاعدة", "القاعده"),
        ("ISIS", "isis"),
    ],
)
def test_normalize(word: str, key: str) -> None:
    from pipeline.glossary.matcher import fold

    assert normalize(fold(word)) == key


def test_proclitic_forms() -> None:
    forms = {f.text: f.skip for f in proclitic_forms("الإرهابيين")}
    assert forms["الإرهابيين"] == 0 and forms["والإرهابيين"] == 1 and forms["بالإرهابيين"] == 1
    assert forms["للإرهابيين"] == 0 and forms["وللإرهابيين"] == 1  # ل + ال: the fused lam is in the match
    assert forms["فبالإرهابيين"] == 2
    assert "بحماس" not in {f.text for f in proclitic_forms("حماس")}
    assert {f.text for f in proclitic_forms("{group} الإرهابي")} == {"{group} الإرهابي"}


def test_start_skips_the_marks_of_the_clitics() -> None:
    forms = ArabicForms()
    assert forms.start("وَبِداعش", 2) == 4
    assert forms.start("ولـداعش", 2) == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("استقبلوه بحماس كبير", []),
        ("فقدوا الحماس", []),
        ("وقالت حماس إن", [("hamas-word", "حماس")]),
        ("اتصالات مع حركة حماس", [("hamas", "حركة حماس")]),
        ("في القاعدة الجوية", []),
        ("قاعدة عسكرية", []),
        ("المرتبطة بالقاعدة", [("al-qaeda-word", "القاعدة")]),
        ("المرتبطة بتنظيم القاعدة", [("al-qaeda", "تنظيم القاعدة")]),
        ("والتكفيريين", [("militants", "التكفيريين")]),
        ("للتكفيريين", [("militants", "للتكفيريين")]),
        ("بداعش", [("islamic-state", "داعش")]),
        ("لـداعش", [("islamic-state", "داعش")]),
        ("وَلِدَاعِشَ", [("islamic-state", "دَاعِشَ")]),
        ("عصابات داعش الإرهابية", [("group-militants", "عصابات داعش الإرهابية")]),
        ("إرهابيي داعش", [("group-militants", "إرهابيي داعش")]),
        ("قوات\u00a0سوريا الديمقراطية", [("syrian-democratic-forces", "قوات\u00a0سوريا الديمقراطية")]),
    ],
)
def test_hard_negatives_and_clitics(matcher: Matcher, text: str, expected: list[tuple[str, str]]) -> None:
    assert [(m.entry.id, text[m.start : m.end]) for m in matcher.find(text) if m.rejected is None] == expected


def test_a_group_with_a_proclitic_before_its_label(matcher: Matcher) -> None:
    """"وداعش الإرهابي": the clitic stays out of every span, so the group and the adjective are separate."""
    text = "وداعش الإرهابي"
    assert [(m.entry.id, text[m.start : m.end]) for m in matcher.find(text)] == [
        ("islamic-state", "داعش"),
        ("terrorist-adjective", "الإرهابي"),
    ]
