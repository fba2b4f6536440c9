"""Arabic."""

from pipeline.lang.ar.normalize import ArabicForms
from pipeline.lang.ar.quotes import QUOTATION, SPEECH
from pipeline.lang.ar.words import FUNCTION_WORDS
from pipeline.lang.base import Language

LANGUAGE = Language(
    code="ar", name="Arabic", function_words=FUNCTION_WORDS, quotes=QUOTATION, speech=SPEECH, word_forms=ArabicForms()
)
