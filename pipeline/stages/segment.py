"""Stage 2, segment: a ``Document`` -> paragraphs and sentences with offsets.

Paragraphs are separated by blank lines. A sentence ends at ``. ! ? …`` (plus
closing quotes or brackets) followed by space and a capital, a digit or an
opening quote, unless the word before the full stop is an abbreviation
(M., Mme, p. ex., gén.) or an initial (G. W. Bush). Decimals (10.5) and model
names (S-300) never split because no space follows their punctuation.
Scraped text often lost the space ("la ville.Les jihadistes"): a word,
number or closing quote, the punctuation, then a capital is a boundary too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.model import Document, Segment

PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v\u00a0\u202f]*\n\s*")
BOUNDARY = re.compile(
    r"(?P<punct>[.!?…]+)(?:[ \u00a0\u202f]?[\"»”’)\]])*"
    r"(?:(?P<space>\s+)(?=[«\"“(\[]?\s*[A-ZÀ-ÖØ-Þ0-9])|(?<=[\w\"»”)\]][.!?…])(?=[A-ZÀ-ÖØ-Þ]))"
)
WORD_BEFORE = re.compile(r"([\w.\-]+)\.$")
# Lower-cased, without the final full stop; "p. ex." is seen as "ex" after "p.".
ABBREVIATIONS = frozenset(
    """m mm mme mmes mlle mlles dr pr me mgr st ste gén gal col cdt lt cne sgt adj
    av bd bld boul apr av.-j.-c j.-c cf ex p pp vol chap ch art al no n° nos éd coll
    fig env min max tél réf dép sq ss etc""".split()
)


def paragraphs(text: str, start: int = 0) -> Iterator[tuple[int, int]]:
    """Half-open ``(start, end)`` of each non-blank paragraph of ``text[start:]``, trimmed."""
    pos = start
    for brk in PARAGRAPH_BREAK.finditer(text, start):
        yield from _trimmed(text, pos, brk.start())
        pos = brk.end()
    yield from _trimmed(text, pos, len(text))


def sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Half-open spans of the sentences of the paragraph ``text[start:end]``."""
    pos = start
    for m in BOUNDARY.finditer(text, start, end):
        if m.group("punct") == "." and _is_abbreviation(text, pos, m.start("punct") + 1):
            continue
        stop = m.start("space") if m.group("space") else m.end()
        yield from _trimmed(text, pos, stop)
        pos = m.end()
    yield from _trimmed(text, pos, end)


def segment(doc: Document) -> Document:
    """Fill ``doc.segments``: one ``Segment`` per sentence, numbered in reading order."""
    doc.segments = []
    for number, (p_start, p_end) in enumerate(paragraphs(doc.text, doc.body_start)):
        for s_start, s_end in sentences(doc.text, p_start, p_end):
            doc.segments.append(
                Segment(
                    id=len(doc.segments),
                    paragraph=number,
                    start=s_start,
                    end=s_end,
                    source=doc.text[s_start:s_end],
                )
            )
    return doc


def _is_abbreviation(text: str, sentence_start: int, stop: int) -> bool:
    """Whether the full stop ending at ``stop`` closes an abbreviation or an initial."""
    begin = stop - 1  # the full stop; walk back over the word, so a long sentence costs only that word
    while begin > sentence_start and (text[begin - 1].isalnum() or text[begin - 1] in "_.-"):
        begin -= 1
    m = WORD_BEFORE.match(text, begin, stop)
    if not m:
        return False
    word = m.group(1).split(".")[-1] if not m.group(1).endswith(".") else m.group(1)
    word = word.strip(".-")
    if len(word) == 1 and word.isupper():
        return True  # an initial: "G. W. Bush"
    return word.lower() in ABBREVIATIONS


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        yield start, end
