"""French function words and abbreviations."""

# Articles, prepositions, conjunctions, pronouns and auxiliaries: never a glossary variant on their own.
FUNCTION_WORDS = frozenset(
    """le la les l un une des du de d au aux à a en dans par pour sur sous avec sans chez entre vers contre
    et ou ni mais donc or car que qu qui quoi dont où si ne n pas plus moins très tout tous toute toutes
    ce c cet cette ces se s sa son ses leur leurs mon ma mes ton ta tes notre nos votre vos
    il elle ils elles on nous vous je j me m te t lui eux y est sont été être avoir ont ai as avait
    comme aussi même autre autres après avant depuis pendant selon lors""".split()
)

# Lower-cased, without the final full stop; "p. ex." is seen as "ex" after "p.".
ABBREVIATIONS = frozenset(
    """m mm mme mmes mlle mlles dr pr me mgr st ste gén gal col cdt lt cne sgt adj
    av bd bld boul apr av.-j.-c j.-c cf ex p pp vol chap ch art al no n° nos éd coll
    fig env min max tél réf dép sq ss etc""".split()
)
