"""Spanish."""

from pipeline.lang.base import Gloss, Language, Renamed
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

# "(EIIL, convertido en Estado Islámico en 2014)", "el Estado Islámico, antes conocido como EIIL", "el ex EIIL".
RENAMED = Renamed(
    before=("ex-", "ex", "antiguo", "antigua", "otrora", "antes conocido como", "antes conocida como",
            "anteriormente conocido como", "anteriormente conocida como", "antes llamado", "antes llamada",
            "anteriormente llamado", "anteriormente llamada", "antes denominado", "antes denominada"),
    became=("convertido en", "convertida en", "convertidos en", "rebautizado", "rebautizada", "rebautizado como",
            "rebautizada como", "renombrado", "renombrada", "renombrado como", "renombrada como",
            "que se convirtió en", "que se convertiría en", "que pasó a llamarse", "que pasaría a llamarse",
            "transformado en", "transformada en"),
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
    renamed=RENAMED,
    plural_endings=("s",),  # "grupos", "milicias"; "-es" ("rebeldes", "autoridades") ends in s too
    bracket_fillers=("o", "u", "y", "e"),
)
