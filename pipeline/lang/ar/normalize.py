"""Arabic spelling normalisation and proclitics for the glossary matcher.

Arabic writes one word several ways and glues short words to the next one, so folding case and
accents is not enough:

- Normalisation, on text and variants alike, word by word: the alef forms أ إ آ ٱ -> ا (folding
  already drops the hamza of أ إ آ ؤ ئ), ة -> ه, ى -> ي, Persian ک ی -> ك ي, and the short vowels,
  shadda, sukun, tanwin, dagger alef and tatweel dropped ("الإرهابِيّين" = "الارهابيين"). Offsets never
  move: the matcher compares normalised keys of whole words and takes spans from the original text.
- Proclitics: a conjunction (و "and", ف "so") and a preposition (ب "by, with", ل "for", ك "like"),
  each optional, in that order, on the first word of a variant: "والتكفيريين", "بداعش", "وبحزب الله".
  ل before the article drops its alef: ل + الإرهابيين = "للإرهابيين". The match starts after the
  clitics ("بداعش" -> "داعش"); in the fused "لل" the preposition cannot be cut off, so the match takes
  the whole word. The article ال is part of a variant, never stripped: "القاعدة" (al-Qaeda, and "the
  base") and "قاعدة" ("a base") are different words.
- A few names read as an ordinary word with a clitic: "بحماس" is nearly always "with enthusiasm",
  so Hamas takes no ب (``NO_CLITIC``).
"""

from __future__ import annotations

import re

from pipeline.lang.base import VariantForm

MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640"  # harakat, Quranic marks, tatweel
DROP = re.compile(f"[{MARKS}]")
LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي", "ک": "ك", "ی": "ي"})
ARABIC = re.compile("[\u0600-\u06ff]")
CONJUNCTIONS = ("", "و", "ف")
PREPOSITIONS = ("", "ب", "ل", "ك")
ARTICLE = "ال"
# Normalised first words that never take a given proclitic in the glossary's sense.
NO_CLITIC: dict[str, frozenset[str]] = {"حماس": frozenset({"ب"})}


def normalize(word: str) -> str:
    """One word's matching key: alef forms, ta marbuta, alef maqsura unified; short vowels and tatweel dropped."""
    if not ARABIC.search(word):
        return word
    return DROP.sub("", word).translate(LETTERS)


def proclitic_forms(variant: str) -> tuple[VariantForm, ...]:
    """``variant`` and every form of it with proclitics on its first word, each with the letters the match leaves out."""
    first, _, rest = variant.partition(" ")
    if first == "{group}" or not ARABIC.search(first):
        return (VariantForm(variant),)
    blocked = NO_CLITIC.get(normalize(first), frozenset())
    out = {variant: VariantForm(variant)}
    for conjunction in CONJUNCTIONS:
        for preposition in PREPOSITIONS:
            if not conjunction + preposition or preposition in blocked:
                continue
            if preposition == "ل" and first.startswith(ARTICLE):  # ل + ال -> لل: the fused lam stays in the match
                word, skip = conjunction + "ل" + first[1:], len(conjunction)
            else:
                word, skip = conjunction + preposition + first, len(conjunction + preposition)
            text = word + (" " + rest if rest else "")
            out.setdefault(text, VariantForm(text, skip=skip))
    return tuple(out.values())


class ArabicForms:
    """``WordForms`` for Arabic: normalised keys for every word, proclitic forms for every variant."""

    def forms(self, variant: str, *, numbers: bool) -> tuple[VariantForm, ...]:
        return proclitic_forms(variant)

    def key(self, word: str) -> str:
        return normalize(word)

    def start(self, word: str, skip: int) -> int:
        """Characters before letter ``skip`` of ``word``, the marks after the skipped letters included."""
        seen = 0
        for i, ch in enumerate(word):
            if DROP.match(ch):
                continue
            if seen == skip:
                return i
            seen += 1
        return len(word)
