"""French."""

from pipeline.lang.base import Gloss, Language, Renamed
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

# "(EIIL, devenue Etat islamique en 2014)", "l'ex-EIIL", "l'EI, anciennement EIIL".
RENAMED = Renamed(
    before=("ex-", "ex", "anciennement", "ancien", "ancienne", "autrefois", "jadis", "ancien nom",
            "anciennement appelé", "anciennement appelée", "anciennement connu sous le nom de",
            "anciennement connue sous le nom de", "connu auparavant sous le nom de", "connue auparavant sous le nom de"),
    became=("devenu", "devenue", "devenus", "devenues", "rebaptisé", "rebaptisée", "rebaptisés", "rebaptisées",
            "renommé", "renommée", "renommés", "renommées", "qui deviendra", "qui deviendront", "qui devient",
            "qui est devenu", "qui est devenue", "qui a pris le nom de", "qui prendra le nom de", "transformé en",
            "transformée en"),
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
    renamed=RENAMED,
    elision=(("l", "le"), ("d", "de"), ("qu", "que"), ("j", "je"), ("s", "se")),
    plural_endings=("s", "x"),
    bracket_fillers=("ou", "et"),
)
