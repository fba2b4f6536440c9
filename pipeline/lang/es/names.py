"""Spanish shapes of names: transliterated Arabic names as Spanish writes them, often without hyphens."""

from pipeline.lang.base import Names

# Capitalised Spanish words that may stand right before a name without being part of it (folded: no accents).
NOT_A_NAME = frozenset(
    """el la los las lo un una unos unas de del a al y e o u ni pero sino que segun para por en con sin sobre entre
    hacia hasta desde contra tras ante bajo durante como cuando si este esta estos estas ese esa su sus
    el ella ellos ellas yo nosotros tambien asi luego ademas aunque mientras
    presidente presidenta primer primera ministro ministra general jeque emir iman rey reina principe califa jefe
    jefa comandante coronel mariscal senor senora don dona doctor doctora ayatola mula campo ciudad provincia region
    barrio pueblo localidad plaza calle carcel mezquita tribu clan familia grupo brigada batallon frente ejercito
    sr sra srta dr dra""".split()
)
# After a spaced "al", these capitalised words make it the contraction "a el": "al Gobierno", "al Líbano" (folded).
NOT_AFTER_SPACED = frozenset(
    """gobierno ejercito estado congreso senado parlamento consejo presidente ministerio tribunal supremo papa rey
    libano cairo pentagono kremlin vaticano partido frente movimiento departamento norte sur este oeste oriente
    occidente magreb golan mar rio banco fondo instituto comite gobernador primer ministro secretario director
    juez fiscal sion""".split()
)
# Spanish words that are written in capitals in headlines; never taken for an acronym.
CAPITAL_WORDS = frozenset(
    """EL LA LOS LAS UN UNA DE DEL Y EN AL ES SU SUS QUE NO SE POR CON PARA SIN MAS YA HAY FUE SON HA HAN LO LE
    MUY TODO SOBRE ENTRE TRAS ANTE MUERTE GUERRA PAZ VIDA ULTIMA HORA DIRECTO VIDEO FOTO FOTOS URGENTE""".split()
)

NAMES = Names(
    arabic_articles=("al", "el", "ad", "ash", "as", "at", "ar", "az", "ez", "ul"),
    spaced_articles=("al",),
    not_after_spaced=NOT_AFTER_SPACED,
    kunyas=("Abu", "Abú", "Ibn", "Ben", "Bin", "Abdel", "Abdul", "Um", "Umm"),
    joins=("ben", "bin", "ibn", "bint", "abu"),
    not_a_name=NOT_A_NAME,
    capital_words=CAPITAL_WORDS,
    person_titles=("Sr", "Sres", "Sra", "Sras", "Srta", "D", "Dña", "Dr", "Dra", "Lic", "Ing"),
    name_articles=("El", "La", "Los", "Las", "De", "Del"),
)
