"""Split a sentence that is too long for a model into pieces that fit, losing nothing.

CTranslate2 silently truncates inputs beyond ``max_input_length`` and a model
trained on sentences degrades on very long ones, so an over-long input is cut
at the safest point available: after punctuation, else between words, else
(a run with no spaces, such as a URL) in the middle.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Characters after which a clause can end; a cut after them keeps phrases whole.
CLAUSE_END = frozenset(",;:.!?)]}»”—–")
# A run of whitespace between two non-space characters: cutting after it starts a word.
_GAP = re.compile(r"(?<=\S)\s+(?=\S)")


def split_to_fit(text: str, count_tokens: Callable[[str], int], limit: int) -> list[str]:
    """Cut ``text`` into consecutive pieces of at most ``limit`` tokens each.

    ``"".join(result) == text`` always holds, so nothing is dropped. A piece
    still over the limit is a single character that cannot be cut further.
    The cut nearest the middle is taken at each step, so pieces stay balanced
    and the recursion (one re-tokenisation per level) stays shallow.
    """
    if len(text) < 2 or count_tokens(text) <= limit:
        return [text]
    cut = _best_cut(text)
    return split_to_fit(text[:cut], count_tokens, limit) + split_to_fit(text[cut:], count_tokens, limit)


def _best_cut(text: str) -> int:
    """Index to cut at (0 < index < len): start of a word after punctuation, else any word, else the middle."""
    middle = len(text) / 2
    gaps = list(_GAP.finditer(text))
    word_starts = [gap.end() for gap in gaps]
    after_clause = [gap.end() for gap in gaps if text[gap.start() - 1] in CLAUSE_END]
    for candidates in (after_clause, word_starts):
        if candidates:
            return min(candidates, key=lambda i: abs(i - middle))
    return len(text) // 2
