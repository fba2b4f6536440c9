"""Arabic quotation marks and a first list of the words that name a quotation's speaker.

«…» and "…" (“…” too). Arabic has no capital letters, so no speaker is found by the shape of
a name: only a role noun right after a speech verb ("«…»، قال المتحدث باسم الجيش", "وقال
الوزير: «…»", "قال مصدر في قوات البيشمركة إن «…»") or after "وفقا لـ". Anything else is
"speaker not identified".
"""

from pipeline.lang.base import Quotation, Speech

QUOTATION = Quotation(pairs=(("«", "»"), ("“", "”"), ('"', '"')), apostrophes="")

# With and without the conjunction و ("and") that news prose glues to the verb.
SAID = ("قال", "وقال", "أكد", "وأكد", "أضاف", "وأضاف", "صرح", "وصرح", "أوضح", "وأوضح", "قالت", "وقالت", "أكدت", "وأكدت",
        "أضافت", "وأضافت", "صرحت", "وصرحت")
ROLE_NOUNS = ("المتحدث", "الناطق", "الوزير", "المسؤول", "الرئيس", "مصدر", "المصدر", "مسؤول", "القائد", "السفير",
              "المتحدثة", "الناطقة", "الوزيرة", "النائب", "مصادر", "المصادر")

SPEECH = Speech(
    said=SAID,
    that=("إن", "أن"),
    role_nouns=ROLE_NOUNS,
    role_stop=("و", "الذي", "التي", "أن", "إن"),
    according_to=("وفقا لـ", "وفقاً لـ"),
    verb_first=True,
    capitals="",  # no capitals: the character class below is never used for a name
)
