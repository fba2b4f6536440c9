"""English, as a source: its abbreviations only, so far (quotation marks are the common ones)."""

from pipeline.lang.base import Language

# Lower-cased, without the final full stop; "e.g." is seen whole.
ABBREVIATIONS = frozenset(
    """mr mrs ms messrs dr prof st jr sr gen lt col maj capt cpt sgt cpl pvt adm cmdr gov sen rep rev hon pres
    no nos vs etc e.g i.e cf approx dept est fig inc ltd co corp bros mt ft ave blvd rd
    jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)

LANGUAGE = Language(code="en", name="English", abbreviations=ABBREVIATIONS)
