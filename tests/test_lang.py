"""Source languages are data (issue 30): a language is one module, the stages carry no language's rules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import pipeline.lang
from pipeline.glossary.load import Glossary, load_glossary_file
from pipeline.glossary.matcher import Matcher
from pipeline.lang import NEUTRAL, Language, get_language, has_language, register_language
from pipeline.lang.base import Quotation, Speech
from pipeline.model import TermHit, text_document
from pipeline.stages.match import MatchStage
from pipeline.stages.segment import NEUTRAL_WARNING, segment
from pipeline.stages.translate import masked_source
from pipeline.text.quotes import find_quotes
from tests.conftest import ScriptedEngine

# A made-up language: its own quotation marks, one speech verb, no articles.
TOY = Language(
    code="tx",
    name="Toy",
    function_words=frozenset({"ka"}),
    quotes=Quotation(pairs=(("⟪", "⟫"),), apostrophes=""),
    speech=Speech(said=("zorked",), role_nouns=("chief",)),
)

GLOSSARY = """\
source: tx
target: en
entries:
  - id: islamic-state
    kind: group
    standard: Islamic State
    article: none
    variants: [Daech, Blorg]
    loaded_variants: {Daech: Daesh}
"""


@pytest.fixture
def toy() -> Iterator[Language]:
    register_language(TOY)
    yield TOY
    pipeline.lang._loaded.pop("tx", None)  # noqa: SLF001 - leave no toy behind for other tests


@pytest.fixture
def toy_glossary(tmp_path: Path) -> Glossary:
    path = tmp_path / "tx-en.yaml"
    path.write_text(GLOSSARY, encoding="utf-8")
    return load_glossary_file(path)


def test_a_registered_language_needs_no_stage_change(toy: Language, toy_glossary: Glossary) -> None:
    text = "⟪Ka Daech bim⟫, zorked Marta Blum. Daech ka bim."
    doc = MatchStage(Matcher(toy_glossary))(segment(text_document(text, language="tx")))
    assert has_language("tx") and not doc.warnings
    (quote,) = doc.quotes
    assert (text[quote.start : quote.end], quote.speaker) == ("⟪Ka Daech bim⟫", "Marta Blum")
    inside, outside = [h for seg in doc.segments for h in seg.hits]
    assert (inside.in_quote, inside.speaker, inside.replacement) == (True, "Marta Blum", "Daesh")
    assert (outside.in_quote, outside.replacement) == (False, "Islamic State")


def test_the_toy_language_speaker_by_role_and_its_marks_only(toy: Language) -> None:
    assert find_quotes("⟪Bim ka bom bam⟫, zorked chief of Blorg.", language=toy)[0].speaker == "chief of Blorg"
    assert find_quotes("« Bim ka bom », zorked Marta Blum.", language=toy) == []  # « is not a mark of this language


def test_a_language_without_a_module_gets_neutral_rules_and_a_warning() -> None:
    assert get_language("qq") is NEUTRAL and not has_language("qq")
    doc = segment(text_document("« Un deux trois quatre », a déclaré Marie Curie.", language="qq"))
    assert doc.warnings == [NEUTRAL_WARNING.format("qq")]
    segment(doc)
    assert len(doc.warnings) == 1  # said once, however often the stage runs
    (quote,) = find_quotes(doc.text, language=NEUTRAL)
    assert quote.closed and quote.speaker is None  # the common marks; no speech verbs, so nobody
    assert not segment(text_document("Hola.", language="es")).warnings


def test_regions_share_their_language_rules() -> None:
    assert get_language("fr-CA") is get_language("fr") and get_language("es_MX") is get_language("es")


@pytest.mark.parametrize(
    ("language", "text", "speaker"),
    [
        ("fr", "« Nous ne céderons pas », a déclaré le général Mazloum Abdi.", "général Mazloum Abdi"),
        ("es", "« Nous ne céderons pas », a déclaré le général Mazloum Abdi.", None),
        ("es", "«No cederemos», dijo el general Mazloum Abdi.", "general Mazloum Abdi"),
        ("fr", "«No cederemos», dijo el general Mazloum Abdi.", None),
        ("ru", "«Мы не сдадимся», — заявил Сергей Лавров.", "Сергей Лавров"),
        ("ru", "По словам министра, «ситуация стабильная».", None),  # a genitive role: no name's capital
        ("ar", "«لن نستسلم»، قال المتحدث باسم الجيش.", "المتحدث باسم الجيش"),
        ("ar", "«لن نستسلم»، قال أحمد.", None),  # no capitals in Arabic: a name is not found by its shape
    ],
)
def test_each_language_reads_only_its_own_speakers(language: str, text: str, speaker: str | None) -> None:
    assert find_quotes(text, language=get_language(language))[0].speaker == speaker


@pytest.mark.parametrize(
    ("language", "text", "marks"),
    [
        ("ru", "Он сказал: «Мы „победим“ врага».", ["«", "„"]),
        ("ru", "Он сказал: “Мы победим”.", ["“"]),
        ("ar", 'قال: "لن نستسلم" و«سنقاتل».', ['"', "«"]),
        ("es", "Dijo: «Somos ‘libres’ y 'fuertes'».", ["«", "‘", "'"]),
        ("fr", "Il a dit : « nous sommes 'libres' ».", ["«"]),  # a straight ' is an apostrophe in French
    ],
)
def test_quotation_marks_per_language(language: str, text: str, marks: list[str]) -> None:
    assert [q.mark for q in find_quotes(text, language=get_language(language))] == marks


@pytest.mark.parametrize(
    ("language", "text", "masked"),
    [
        ("fr", "Il a rejoint l'EI hier.", "Il a rejoint le ZQAQ hier."),  # "l'" written in full before a placeholder
        ("es", "Se unió a l'EI ayer.", "Se unió a l'ZQAQ ayer."),  # Spanish does not elide: nothing to undo
    ],
)
def test_elision_is_the_languages(language: str, text: str, masked: str) -> None:
    doc = segment(text_document(text, language=language))
    at = text.index("EI")
    doc.segments[0].hits = [TermHit(entry="x", start=at, end=at + 2, text="EI", standard="Islamic State", loaded=False)]
    engine = ScriptedEngine()
    engine.source = language
    assert masked_source(doc.segments[0], engine)[0] == masked


def test_plural_and_bracket_words_are_the_languages() -> None:
    fr, es = get_language("fr"), get_language("es")
    assert fr.plural("jihadistes") and fr.plural("hommes") and not fr.plural("groupe")
    assert es.plural("rebeldes") and not es.plural("grupo")
    assert NEUTRAL.plural("anything") is None and get_language("ru").plural("боевики") is None
    assert "ou" in fr.bracket_fillers and "ou" not in es.bracket_fillers and "o" in es.bracket_fillers


def test_function_words_stay_per_language() -> None:
    assert get_language("es").only_function_words("de la") and not get_language("es").only_function_words("Daesh")
    assert not NEUTRAL.only_function_words("de la")
