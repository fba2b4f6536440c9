"""French."""

from pipeline.lang.base import Gloss, Language
from pipeline.lang.fr.names import NAMES
from pipeline.lang.fr.quotes import QUOTATION, SPEECH
from pipeline.lang.fr.words import ABBREVIATIONS, FUNCTION_WORDS

# "Daech (acronyme arabe de l'EI)", "Daech, qui désigne l'EI", "le groupe appelé « Daech »".
GLOSS = Gloss(
    after=("acronyme", "abréviation", "sigle", "nom", "appellation", "terme", "mot", "surnom", "transcription", "équivalent"),
    after_articles=("l'", "le", "un", "une"),
    that=("qui",),
    that_verbs=("est", "signifie", "désigne"),
    before=("acronyme", "abréviation", "sigle", "appellation", "terme", "mot", "surnom", "vocable",
            "appelé", "appelée", "appelés", "appelées", "appelle", "appellent"),
)

LANGUAGE = Language(
    code="fr",
    name="French",
    function_words=FUNCTION_WORDS,
    abbreviations=ABBREVIATIONS,
    quotes=QUOTATION,
    speech=SPEECH,
    names=NAMES,
    gloss=GLOSS,
    elision=(("l", "le"), ("d", "de"), ("qu", "que"), ("j", "je"), ("s", "se")),
    plural_endings=("s", "x"),
    bracket_fillers=("ou", "et"),
)
