"""Russian."""

from pipeline.lang.base import Language
from pipeline.lang.ru.morphology import RussianForms
from pipeline.lang.ru.quotes import QUOTATION, SPEECH
from pipeline.lang.ru.words import ABBREVIATIONS, FUNCTION_WORDS

LANGUAGE = Language(
    code="ru",
    name="Russian",
    function_words=FUNCTION_WORDS,
    abbreviations=ABBREVIATIONS,
    quotes=QUOTATION,
    speech=SPEECH,
    bracket_fillers=("или", "и"),
    word_forms=RussianForms(),
)
