"""English, as a source and as the target: its abbreviations, and the titles an engine writes before a name."""

from pipeline.lang.base import Language, Names

# Lower-cased, without the final full stop; "e.g." is seen whole.
ABBREVIATIONS = frozenset(
    """mr mrs ms messrs dr prof st jr sr gen lt col maj capt cpt sgt cpl pvt adm cmdr gov sen rep rev hon pres
    no nos vs etc e.g i.e cf approx dept est fig inc ltd co corp bros mt ft ave blvd rd
    jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)

# What engines write for a source's title before a name ("M." -> "M.", "Me" -> "M", "Sr." -> "Mr."): never
# taken for a mangled word of the name (pipeline/text/mangled.py).
NAMES = Names(
    person_titles=("Mr", "Mrs", "Ms", "Miss", "Messrs", "Dr", "Prof", "Sir", "Lord", "Lady", "M", "MM", "Me", "Mme",
                   "Mlle", "Sr", "Sra", "Srta", "Don", "Doña"),
)

LANGUAGE = Language(code="en", name="English", abbreviations=ABBREVIATIONS, names=NAMES)
