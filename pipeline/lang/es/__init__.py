"""Spanish."""

from pipeline.lang.base import Gloss, Language
from pipeline.lang.es.names import NAMES
from pipeline.lang.es.quotes import QUOTATION, SPEECH
from pipeline.lang.es.words import ABBREVIATIONS, FUNCTION_WORDS

# "Daesh (acrónimo en árabe de Estado Islámico)", "ISIS, por sus siglas en inglés", "el grupo conocido como Daesh".
GLOSS = Gloss(
    after=("acrónimo", "acrónimos", "sigla", "siglas", "abreviatura", "abreviación", "nombre", "denominación", "término",
           "palabra", "apodo", "transcripción", "equivalente"),
    after_articles=("el", "la", "los", "las", "un", "una", "sus", "por sus"),
    that=("que",),
    that_verbs=("es", "significa", "designa"),
    before=("acrónimo", "sigla", "siglas", "término", "palabra", "apodo", "denominado", "denominada", "denominados",
            "denominadas", "llamado", "llamada", "llamados", "llamadas", "conocido como", "conocida como",
            "conocidos como", "conocidas como"),
)

LANGUAGE = Language(
    code="es",
    name="Spanish",
    function_words=FUNCTION_WORDS,
    abbreviations=ABBREVIATIONS,
    quotes=QUOTATION,
    speech=SPEECH,
    names=NAMES,
    gloss=GLOSS,
    plural_endings=("s",),  # "grupos", "milicias"; "-es" ("rebeldes", "autoridades") ends in s too
    bracket_fillers=("o", "u", "y", "e"),
)
