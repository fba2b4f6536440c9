"""Marks around a lone name are naming marks, not a quotation, in every language (issue 36).

Saudi papers write «داعش», Russian ones «Исламское государство» or "Талибан", French ones « Daech »: with nobody
said to speak them, the marks say which words are the name, so a loaded variant inside is rewritten like any other
("Islamic State", not the speaker's "Daesh"). A real quotation (a speaker, more words than the name, or a name
nested in speech) keeps the speaker's words; a loaded description alone in marks ("terroriste") is a scare quote,
someone's word, and stays too.
"""

from __future__ import annotations

from functools import cache

import pytest

from pipeline.chain import Chain
from pipeline.glossary.load import Glossary, default_glossary_paths, load_glossaries
from pipeline.model import Kind, Quote, TermHit, text_document
from pipeline.text.quotes import naming_marks
from tests.conftest import GLOSSARIES


@cache
def glossary(source: str) -> Glossary:
    return load_glossaries(default_glossary_paths(GLOSSARIES, source, "en"), source=source, target="en")


def hit(source: str, text: str, words: str) -> TermHit:
    doc = text_document(text, language=source, name="case")
    Chain(glossary(source), None, ("segment", "match"))([doc])
    assert doc.error is None
    found = [h for seg in doc.segments for h in seg.hits if h.text == words]
    assert len(found) == 1, [h.text for seg in doc.segments for h in seg.hits]
    return found[0]


NAMING = [
    ("ar", "وأعلن تنظيم «داعش» مسؤوليته عن الهجوم.", "داعش"),
    ("ar", 'وأعلن "داعش" مسؤوليته عن الهجوم.', "داعش"),
    ("ar", "وأعلن “داعش” مسؤوليته عن الهجوم.", "داعش"),
    ("ru", "Пакистанские власти начали переговоры с движением «Талибан».", "Талибан"),
    ("ru", 'Боевики запрещённой в России группировки "Исламское государство" отступили.', "Исламское государство"),
    ("ru", "Военные уничтожили склад «Джебхат ан-Нусры».", "Джебхат ан-Нусры"),
    ("ru", "Ответственность взяла группировка «ДАИШ».", "ДАИШ"),
    ("fr", "Le groupe « Daech » a revendiqué l'attentat.", "Daech"),
    ("fr", "Le groupe «\u00a0Daech\u00a0» a revendiqué l'attentat.", "Daech"),
    ("es", "El grupo «Daesh» reivindicó el atentado.", "Daesh"),
]


@pytest.mark.parametrize(("source", "text", "words"), NAMING)
def test_a_lone_name_in_marks_nobody_speaks_is_a_name(source: str, text: str, words: str) -> None:
    h = hit(source, text, words)
    assert not h.in_quote and h.speaker is None
    assert h.replacement == h.standard  # a loaded variant ("داعش", "ДАИШ", "Daech") becomes the standard name
    assert not h.kept


SPEECH = [
    # a speaker: the speaker's word stays (in its English spelling)
    ("ar", "«داعش»، قال المتحدث باسم الجيش.", "داعش", "المتحدث باسم الجيش"),
    ("ru", "«ДАИШ», — заявил Лавров.", "ДАИШ", "Лавров"),
    ("fr", "« Daech », a déclaré le ministre.", "Daech", "ministre"),
    # more words than the name: speech, even with the speaker not identified
    ("ar", "«داعش يتراجع في كل مكان»", "داعش", None),
    ("ru", "«Да здравствует ДАИШ»", "ДАИШ", None),
    ("fr", "« Daech a perdu » disait-on.", "Daech", None),
    # a name in marks nested in speech is the speaker's
    ("ar", "«الجيش ممسك بزمام الأمور في حربه ضد تنظيم «داعش»، وهو لن يتراجع»", "داعش", None),
    ("fr", "« Nous combattons “Daech” partout », a déclaré le ministre.", "Daech", "ministre"),
]


@pytest.mark.parametrize(("source", "text", "words", "speaker"), SPEECH)
def test_a_quotation_keeps_the_speakers_words(source: str, text: str, words: str, speaker: str | None) -> None:
    h = hit(source, text, words)
    assert h.in_quote and h.speaker == speaker
    assert h.loaded and h.replacement == "Daesh"


def test_a_loaded_description_alone_in_marks_is_a_scare_quote() -> None:
    """Ankara's word for the YPG: the marks say whose word "terroriste" is, so it stays someone's."""
    text = 'la milice kurde des YPG, qu\'elle qualifie de "terroriste", a reculé.'
    h = hit("fr", text, "terroriste")
    assert h.in_quote and h.loaded


def test_naming_marks_only_around_the_whole_content() -> None:
    text = "«ИГ» и «во имя ИГ»"
    alone, phrase = Quote(0, 4, "«"), Quote(7, 18, "«")
    assert naming_marks(text, alone, 1, 3, Kind.GROUP, loaded=True)
    assert not naming_marks(text, phrase, 14, 16, Kind.GROUP, loaded=False)  # words besides the name
    assert not naming_marks(text, Quote(0, 4, "«", speaker="Лавров"), 1, 3, Kind.GROUP, loaded=True)
    assert not naming_marks(text, Quote(0, 4, "«", depth=1), 1, 3, Kind.GROUP, loaded=True)
    assert not naming_marks(text, Quote(0, 4, "«", closed=False), 1, 3, Kind.GROUP, loaded=True)
    assert not naming_marks(text, alone, 1, 3, Kind.MEMBERS, loaded=True)  # a loaded description: scare quotes
    assert naming_marks(text, alone, 1, 3, Kind.LABEL, loaded=False)  # a plain word: nothing to keep either way
