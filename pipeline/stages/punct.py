"""Moses punctuation normalisation before the engine, and Moses detokenisation where pieces are rejoined.

French typography ("dit : « non » !", "l’EI", no-break spaces) is rewritten
the way Moses-trained engines expect ("dit: "non" !", "l'EI"). The
normaliser (sacremoses) works on strings, so the map from the original
characters to the normalised ones is rebuilt by aligning the two: every
offset still points into the original text.
"""

from __future__ import annotations

import difflib
from functools import lru_cache

from sacremoses import MosesDetokenizer, MosesPunctNormalizer


@lru_cache(maxsize=8)
def _normaliser(language: str) -> MosesPunctNormalizer:
    return MosesPunctNormalizer(lang=language, pre_replace_unicode_punct=True)


def normalise(text: str, language: str) -> tuple[str, list[int]]:
    """``text`` normalised, and for each character of ``text`` (plus its end) the offset it maps to."""
    out: str = _normaliser(language).normalize(text)
    if out == text:
        return text, list(range(len(text) + 1))
    index = [0] * (len(text) + 1)
    matcher = difflib.SequenceMatcher(None, text, out, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(i1, i2):
            index[k] = j1 + (k - i1) if tag == "equal" else (j1 if k == i1 else j2)
    index[len(text)] = len(out)
    return out, index


@lru_cache(maxsize=8)
def _detokeniser(language: str) -> MosesDetokenizer:
    return MosesDetokenizer(lang=language)


def detokenise(pieces: list[str], language: str) -> str:
    """Pieces of text (already detokenised each) joined into one, as Moses would write it."""
    out: str = _detokeniser(language).detokenize(pieces)
    return out
