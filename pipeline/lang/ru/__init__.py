"""Russian."""

from pipeline.lang.base import Language, Renamed
from pipeline.lang.ru.morphology import RussianForms
from pipeline.lang.ru.quotes import QUOTATION, SPEECH
from pipeline.lang.ru.words import ABBREVIATIONS, FUNCTION_WORDS

# "Исламское государство (бывшее ИГИЛ)", "ИГИЛ, переименованное в Исламское государство", "ранее известная как".
_FORMER = ("бывший", "бывшая", "бывшее", "бывшие", "бывшего", "бывшей", "бывшему", "бывшим", "бывшую", "бывших")
_KNOWN = tuple(f"{w} {k}" for w in ("ранее", "прежде") for k in ("известный как", "известная как", "известное как",
                                                                  "известного как", "известной как", "известной под названием"))
_RENAMED = ("переименован", "переименована", "переименовано", "переименованный", "переименованная",
            "переименованное", "переименованного", "переименованной", "переименованную")
RENAMED = Renamed(
    before=(*_FORMER, *_KNOWN, "прежнее название"),
    became=(*(f"{w} в" for w in _RENAMED), "ставший", "ставшая", "ставшее", "ставшего", "ставшей", "позднее ставшая",
            "позднее ставший", "превратившийся в", "превратившаяся в"),
)

LANGUAGE = Language(
    code="ru",
    name="Russian",
    function_words=FUNCTION_WORDS,
    abbreviations=ABBREVIATIONS,
    quotes=QUOTATION,
    speech=SPEECH,
    renamed=RENAMED,
    bracket_fillers=("или", "и"),
    word_forms=RussianForms(),
)
