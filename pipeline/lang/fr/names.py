"""French shapes of names: transliterated Arabic names as French writes them, place names, headline capitals."""

from pipeline.lang.base import Names

# Capitalised French words that may stand right before a name without being part of it (folded: no accents).
NOT_A_NAME = frozenset(
    """le la les l un une des du de d et ou mais or donc ni car selon pour par dans en au aux avec sans sous sur chez
    contre entre vers depuis apres avant pendant lors quand si comme ce cet cette ces son sa ses leur leurs mon ma mes
    il elle ils elles on nous vous je tu qui que quoi dont ou tout tous toute toutes aussi ainsi alors puis enfin
    president presidente premier premiere ministre general generale cheikh emir imam roi reine prince calife chef
    commandant colonel marechal monsieur madame docteur ayatollah mollah sayyed camp ville province region quartier
    village localite place rue prison mosquee tribu clan famille groupe brigade bataillon front armee
    me mme mlle m dr pr mgr maitre""".split()
)
# French words that are written in capitals in headlines; never taken for an acronym.
CAPITAL_WORDS = frozenset(
    """LE LA LES UN UNE DES DU DE ET OU EN AU AUX CE CES SA SON SES IL ILS ELLE ON NOUS VOUS JE TU NE PAS PLUS QUE QUI
    EST SONT ONT FAIT DIT MAIS OUI NON PAR POUR SUR DANS AVEC SANS TOUT TOUS TRES BON FIN MORT GUERRE PAIX VIE ETAT
    AVANT APRES DEPUIS CONTRE ENTRE VOIR LIRE VIDEO PHOTO PHOTOS DIRECT INFO ALERTE URGENT EXCLUSIF""".split()
)

NAMES = Names(
    # The short forms that are also French words ("as", "es", "ed") count only before a hyphen and a capital.
    arabic_articles=("al", "el", "ad", "ach", "ash", "ech", "ez", "az", "as", "at", "ar", "ed", "es", "ul"),
    kunyas=("Abou", "Abu", "Ibn", "Ben", "Bin", "Abdel", "Abdul", "Oum", "Umm"),
    joins=("ben", "bin", "ibn", "bint", "abou", "abu", "ould"),
    # Thonon-les-Bains, Boulogne-sur-Mer: the engine writes "Thonon-the-Baths".
    place_links=("les", "lès", "le", "la", "sur", "sous", "en", "de", "du", "des", "aux", "au"),
    not_a_name=NOT_A_NAME,
    capital_words=CAPITAL_WORDS,
    person_titles=("M", "MM", "Mme", "Mmes", "Mlle", "Mlles", "Me", "Maître", "Dr", "Pr", "Mgr"),
    name_articles=("Le", "La", "Les", "L", "De", "Du", "Des", "D"),
)
