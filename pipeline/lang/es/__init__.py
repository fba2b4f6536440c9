"""Spanish."""

from pipeline.lang.base import Language
from pipeline.lang.es.words import ABBREVIATIONS, FUNCTION_WORDS

LANGUAGE = Language(code="es", name="Spanish", function_words=FUNCTION_WORDS, abbreviations=ABBREVIATIONS)
