"""Spanish quotation marks and the words that name a quotation's speaker.

«…», “…” and "…", with ‘…’ or '…' inside (Spanish has no elision, so a straight ' is a
quotation mark when it pairs in a paragraph); a quotation over several paragraphs reopens
each one with « or » (the RAE's "comillas de seguir"). Speakers: "X dijo: «…»", "«…»,
dijo el portavoz", "«…», aseguró a la prensa el ministro", "según X, «…»", "«…», según
los fiscales", "Aseguró el ministro: «…»"; "«…», añadió." is the speaker last named.
"""

from pipeline.lang.base import Quotation, Speech

QUOTATION = Quotation(
    pairs=(("«", "»"), ("“", "”"), ('"', '"'), ("‘", "’"), ("'", "'")),
    apostrophes="‘’'",
    reopen="«»",
)

# Preterite and imperfect, singular and plural: the verb alone says the words were said.
SAID = (
    "dijo", "afirmó", "declaró", "aseguró", "señaló", "indicó", "añadió", "subrayó", "advirtió", "explicó", "manifestó",
    "sostuvo", "denunció", "agregó", "precisó", "destacó", "recalcó", "insistió", "reconoció", "admitió", "comentó",
    "apuntó", "respondió", "contestó", "escribió", "anunció", "confirmó", "reiteró", "relató", "contó", "aclaró",
    "expresó", "opinó", "criticó", "preguntó", "concretó", "matizó", "lamentó", "constató", "puntualizó", "remarcó",
    "reveló", "enfatizó", "resaltó", "reafirmó", "sentenció", "zanjó", "replicó", "concluyó", "prosiguió", "continuó",
    "alertó", "aseveró", "recordó", "informó", "narró", "confesó", "exclamó", "tuiteó", "agregaba", "decía",
    "afirmaba", "aseguraba", "explicaba",
    "dijeron", "afirmaron", "declararon", "aseguraron", "señalaron", "indicaron", "añadieron", "subrayaron",
    "advirtieron", "explicaron", "manifestaron", "sostuvieron", "denunciaron", "agregaron", "precisaron",
    "destacaron", "reconocieron", "admitieron", "comentaron", "respondieron", "anunciaron", "confirmaron",
)  # fmt: skip
PARTICIPLES = (
    "dicho", "afirmado", "declarado", "asegurado", "señalado", "indicado", "añadido", "subrayado", "advertido",
    "explicado", "manifestado", "sostenido", "denunciado", "agregado", "precisado", "destacado", "recalcado",
    "insistido", "reconocido", "admitido", "comentado", "apuntado", "respondido", "escrito", "anunciado",
    "confirmado", "reiterado", "relatado", "contado", "aclarado", "expresado",
)  # fmt: skip
PRESENT = (
    "afirma", "dice", "asegura", "declara", "señala", "indica", "añade", "subraya", "advierte", "explica", "manifiesta",
    "sostiene", "denuncia", "agrega", "precisa", "destaca", "recalca", "insiste", "reconoce", "admite", "comenta",
    "apunta", "responde", "contesta", "escribe", "anuncia", "confirma", "reitera", "relata", "cuenta", "aclara",
    "expresa", "opina", "pregunta", "lamenta", "constata", "enfatiza", "resalta", "replica", "concluye", "alerta",
    "asevera", "recuerda", "narra", "confiesa", "dicen", "afirman", "aseguran", "señalan", "explican", "denuncian",
)  # fmt: skip
TITLES = (
    "general", "presidente", "presidenta", "ministro", "ministra", "portavoz", "jefe", "jefa", "director", "directora",
    "coronel", "comandante", "secretario", "secretaria", "emir", "jeque", "imán", "diputado", "diputada", "senador",
    "senadora", "rey", "príncipe",
)  # fmt: skip
ROLE_NOUNS = (
    *TITLES, "responsable", "funcionario", "funcionaria", "oficial", "fuente", "testigo", "habitante", "vecino", "vecina",
    "fiscal", "juez", "jueza", "abogado", "abogada", "experto", "experta", "analista", "investigador", "investigadora",
    "especialista", "diplomático", "diplomática", "embajador", "embajadora", "alcalde", "alcaldesa", "gobernador",
    "gobernadora", "asesor", "asesora", "policía", "soldado", "militar", "médico", "médica", "periodista",
    "superviviente", "sobreviviente", "dirigente", "líder", "representante", "negociador", "negociadora", "mediador",
    "mediadora", "enviado", "enviada", "emisario", "emisaria", "activista", "miliciano", "combatiente", "portavoces",
    "autoridades", "jueces", "líderes",
)  # fmt: skip
ROLE_END = (
    "en", "ante", "a", "al", "tras", "antes", "después", "desde", "durante", "ayer", "hoy", "anoche", "lunes", "martes",
    "miércoles", "jueves", "viernes", "sábado", "domingo", "este", "esta", "con", "para", "según", "que", "quien",
    "consultado", "consultada", "entrevistado", "entrevistada", "citado", "citada", "bajo", "sobre", "mediante",
)  # fmt: skip

SPEECH = Speech(
    said=SAID,
    participles=PARTICIPLES,
    auxiliaries=("ha", "han", "había", "habían", "habría"),
    present=PRESENT,
    that=("que",),
    prepositions=("a", "al", "ante", "en"),
    the=("el", "la"),
    the_plural=("los", "las"),
    a=("un", "una"),
    some=("unos", "unas"),
    titles=TITLES,
    particles=("al-", "el-", "ad-", "as-", "ibn-", "bin-", "ben-", "abu-", "al ", "bin ", "ben ", "ibn ", "abu ", "de ",
               "del ", "von ", "van "),
    role_adjectives=("alto", "alta", "altos", "altas", "antiguo", "antigua", "ex", "joven", "nuevo", "nueva"),
    role_nouns=ROLE_NOUNS,
    role_plural="s",
    role_end=ROLE_END,
    role_stop=("ha", "han", "había", "habían", "que", "quien", "quienes", "cual", "es", "son", "fue", "era", "y", "e",
               "pero", "o", "u", "se"),
    according_to=("según", "de acuerdo con", "a juicio de", "en palabras de", "a decir de"),
    according_to_opening=("Para",),
    according_to_after=("según",),
    object_pronouns=("él", "ella", "ellos", "ellas"),
    pronouns=frozenset({"él", "ella", "ellos", "ellas", "yo", "tú", "usted", "ustedes", "nosotros", "nosotras",
                        "vosotros", "vosotras", "este", "esta", "éste", "ésta"}),
    back_pronouns=frozenset({"él", "ella", "ellos", "ellas"}),
    not_person=("El", "La", "Los", "Las", "Un", "Una", "Unos", "Unas", "En", "Al", "Del", "Según", "Para", "Pero", "Y",
                "Él", "Ella", "Ellos", "Ellas", "Este", "Esta", "Ese", "Esa", "Con", "Por", "Sin", "Desde", "Tras"),
    verb_first=True,
    subjectless=True,
    dash=True,
)
