"""French quotation marks and the words that name a quotation's speaker.

« … » with ‘…’ or ‹…› inside; a quotation over several paragraphs reopens each one
with «. ’ is also the apostrophe (l’EI, aujourd’hui). Speakers: "X a déclaré : « … »",
"« … », a déclaré à l'AFP un responsable", "selon X, « … »", "« … », a-t-il ajouté".
"""

from pipeline.lang.base import Quotation, Speech

QUOTATION = Quotation(reopen="«")

PARTICIPLES = (
    "déclaré", "affirmé", "dit", "ajouté", "indiqué", "expliqué", "souligné", "estimé", "assuré", "martelé", "dénoncé",
    "accusé", "lancé", "répondu", "écrit", "averti", "rappelé", "annoncé", "confié", "précisé", "insisté", "tweeté",
    "commenté", "tranché", "réitéré", "prévenu", "résumé", "poursuivi", "conclu", "relevé", "noté", "observé", "jugé",
    "réagi", "lâché", "glissé", "raconté", "témoigné", "avancé", "fait valoir", "reconnu", "admis", "plaidé", "regretté",
    "déploré", "détaillé", "promis", "menacé", "répété", "rétorqué", "interpellé", "analysé", "argué", "justifié",
    "confirmé", "démenti", "nuancé", "tempéré", "ironisé", "soufflé", "renchéri",
)  # fmt: skip
PRESENT = (
    "déclare", "affirme", "dit", "ajoute", "indique", "explique", "souligne", "estime", "assure", "martèle", "dénonce",
    "accuse", "lance", "répond", "écrit", "avertit", "rappelle", "annonce", "confie", "précise", "insiste", "tweete",
    "commente", "tranche", "réitère", "prévient", "résume", "poursuit", "conclut", "relève", "note", "observe", "juge",
    "réagit", "lâche", "glisse", "raconte", "témoigne", "avance", "fait valoir", "reconnaît", "admet", "plaide",
    "regrette", "déplore", "détaille", "promet", "menace", "répète", "rétorque", "interpelle", "analyse", "argue",
    "justifie", "confirme", "dément", "interroge", "nuance", "tempère", "ironise", "souffle", "renchérit",
    "s'indigne", "s'inquiète", "s'alarme", "s'exclame", "s'emporte", "s'interroge", "s'insurge",
)  # fmt: skip
TITLES = (
    "général", "générale", "président", "présidente", "ministre", "porte-parole", "chef", "directeur", "directrice",
    "colonel", "commandant", "secrétaire", "émir", "cheikh", "imam", "député", "sénateur",
)  # fmt: skip
ROLE_NOUNS = (
    "général", "générale", "président", "présidente", "ministre", "porte-parole", "chef", "cheffe", "directeur",
    "directrice", "colonel", "commandant", "commandante", "secrétaire", "émir", "cheikh", "imam", "député", "députée",
    "sénateur", "sénatrice", "responsable", "officier", "source", "témoin", "habitant", "habitante", "procureur",
    "procureure", "juge", "avocat", "avocate", "expert", "experte", "analyste", "chercheur", "chercheuse", "spécialiste",
    "diplomate", "ambassadeur", "ambassadrice", "maire", "gouverneur", "préfet", "préfète", "conseiller", "conseillère",
    "enquêteur", "enquêtrice", "policier", "policière", "soldat", "militaire", "médecin", "journaliste", "survivant",
    "survivante", "rescapé", "rescapée", "dirigeant", "dirigeante", "représentant", "représentante", "négociateur",
    "négociatrice", "médiateur", "médiatrice", "envoyé", "envoyée", "émissaire",
)  # fmt: skip
# After a role that follows the verb, these words begin what is no longer the role: ", a tranché le ministre lundi".
ROLE_END = (
    "sur", "dans", "lors", "devant", "à", "au", "aux", "en", "après", "avant", "depuis", "pendant", "hier", "lundi",
    "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "ce", "cette", "avec", "pour", "selon", "qui",
    "interrogé", "interrogée", "sous", "joint", "jointe",
)  # fmt: skip

SPEECH = Speech(
    participles=PARTICIPLES,
    auxiliaries=("a", "ont", "avait", "avaient"),
    present=PRESENT,
    that=("que",),
    prepositions=("à", "au", "aux", "devant", "sur", "dans"),
    the=("le", "la"),
    the_plural=("les",),
    a=("un", "une"),
    some=("des",),
    elided=("l",),
    titles=TITLES,
    particles=("al-", "el-", "ad-", "as-", "ibn-", "ben-", "bin-", "abou-", "abu-", "de ", "du ", "von ", "van ", "ben ",
               "bin ", "d'"),
    role_adjectives=("haut", "haute", "hauts", "hautes", "ancien", "ancienne", "anciens", "anciennes", "jeune", "simple"),
    role_nouns=ROLE_NOUNS,
    role_plural="s",
    role_end=ROLE_END,
    role_stop=("a", "ont", "avait", "avaient", "qui", "que", "qu'", "est", "sont", "et", "mais", "ou", "a-t-il", "a-t-elle"),
    according_to=("selon", "d'après"),
    according_to_opening=("Pour",),
    object_pronouns=("lui", "elle", "eux", "elles"),
    pronouns=frozenset({"il", "elle", "ils", "elles", "on", "nous", "je", "vous", "celui-ci", "celle-ci"}),
    back_pronouns=frozenset({"il", "elle", "ils", "elles"}),
    not_person=("Le", "La", "Les", "L", "Un", "Une", "Des", "Ce", "Cette", "Ces", "En", "Au", "Aux", "Dans", "Selon",
                "Pour", "Mais", "Et", "Il", "Elle", "Ils", "Elles"),
    # ", prévient-il", ", a-t-elle tweeté": the speaker last named.
    inverted_pronoun=r"[a-zà-ÿ']+(?:-t)?-(?P<pronoun>il|elle|ils|elles)\b",
    # ", s'est indigné X"
    reflexive=r"s['’](?:est|sont)\s+(?:indign|inquiét|alarm|exclam|emport|interrog|insurg)ée?s?",
)
