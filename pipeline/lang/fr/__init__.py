"""French."""

from pipeline.lang.base import Language
from pipeline.lang.fr.words import ABBREVIATIONS, FUNCTION_WORDS

LANGUAGE = Language(code="fr", name="French", function_words=FUNCTION_WORDS, abbreviations=ABBREVIATIONS)
