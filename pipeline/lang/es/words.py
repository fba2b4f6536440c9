"""Spanish function words and abbreviations."""

FUNCTION_WORDS = frozenset(
    """el la los las lo un una unos unas de del a al en con por para sin sobre entre hacia hasta desde contra
    tras ante bajo según durante y e o u ni pero sino que quien quienes cual cuales cuyo donde como cuando si no
    más muy todo todos toda todas se su sus mi mis tu tus nuestro nuestra nuestros nuestras
    él ella ellos ellas yo tú usted ustedes nosotros vosotros le les me te nos os
    es son fue fueron ser estar está están ha han había hay este esta estos estas ese esa esos esas aquel otro otros""".split()
)

# Lower-cased, without the final full stop; "EE.UU." is seen as "uu".
ABBREVIATIONS = frozenset(
    """sr sra srta sres sras d dña dr dra lic ing arq ud uds vd vds gral gen cnel col tte cap cmdte sgto
    av avda pza c pág p pp núm n nº no vol cap art ej etc aprox dpto ee uu ee.uu""".split()
)
