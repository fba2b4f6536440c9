"""Arabic."""

from pipeline.lang.ar.normalize import ArabicForms
from pipeline.lang.ar.quotes import QUOTATION, SPEECH
from pipeline.lang.ar.words import FUNCTION_WORDS
from pipeline.lang.base import Language, Renamed

# "هيئة تحرير الشام (جبهة النصرة سابقا)", "المعروف سابقا باسم ...", "التي أصبحت ..." (formerly, known formerly as, which became).
_FORMERLY = ("سابقا", "سابقاً", "سابقًا")
RENAMED = Renamed(
    before=tuple(f"{known}{w}{by}" for known in ("", "المعروف ", "المعروفة ") for w in _FORMERLY
                 for by in ("", " باسم", " ب", " بـ") if known or by),
    became=("التي أصبحت", "الذي أصبح", "التي تحولت إلى", "الذي تحول إلى", "التي أعيدت تسميتها", "الذي أعيدت تسميته"),
    after=_FORMERLY,
)

LANGUAGE = Language(
    code="ar", name="Arabic", function_words=FUNCTION_WORDS, quotes=QUOTATION, speech=SPEECH, renamed=RENAMED,
    word_forms=ArabicForms(),
)
