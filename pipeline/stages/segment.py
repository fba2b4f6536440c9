"""Stage 2, segment: a ``Document`` -> paragraphs and sentences with offsets.

Paragraphs are separated by blank lines. A sentence ends at ``. ! ? …`` (plus
closing quotes or brackets) followed by space and a capital (Latin or
Cyrillic), a digit or an opening quote or mark (« “ „ ¿ ¡), unless the word
before the full stop is an abbreviation of the document's language
(``Language.abbreviations``: French M., Mme, gén.; English Mr., Gen.; Spanish
Sra., Gral.; Russian г., т.е., ул.) or an
initial (G. W. Bush, В. В. Путин). Decimals (10.5) and model names (S-300)
never split because no space follows their punctuation. A language without a
list uses all of them, so it splits less rather than inside a name.
Scraped text often lost the space ("la ville.Les jihadistes"): a word,
number or closing quote, the punctuation, then a capital is a boundary too.

A single line break inside a paragraph is a boundary before a list item
(``*``, ``-``, ``•``, ``–``, ``1.``, ``1)``) and after a headline or dateline
on its own line ("KABOUL (AFP)", "Syrie : la fin du califat") that has no
final punctuation and is followed by a capital: each item or headline is its
own segment, so it is translated and shown by itself. A line wrapped in the
middle of a sentence is not split: the next line starts in lower case, or the
line ends with a comma or colon, or the next line's first word would not have
fitted on it (text wrapped at a fixed width fills each line).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Self

from pipeline.lang import get_language, has_language, packaged_languages
from pipeline.model import Document, Segment
from pipeline.stages.base import DocumentStage, StageContext

PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v\u00a0\u202f]*\n\s*")
BOUNDARY = re.compile(
    r"(?P<punct>[.!?…]+)(?:[ \u00a0\u202f]?[\"»”’)\]])*"
    r"(?:(?P<space>\s+)(?=[«\"“„(\[¿¡]?\s*[A-ZÀ-ÖØ-ÞА-ЯЁ0-9])|(?<=[\w\"»”)\]][.!?…])(?=[A-ZÀ-ÖØ-ÞА-ЯЁ]))"
)
WORD_BEFORE = re.compile(r"([\w.\-]+)\.$")
LINE_BREAK = re.compile(r"\n")
# A list item's marker, then a space: "* ", "- ", "• ", "– ", "1. ", "12) ".
LIST_ITEM = re.compile(r"(?:[*•▪◦‣►–—-]|(?P<number>\d{1,3})[.)])[ \t\u00a0\u202f]")
# A line ending so that the sentence goes on: comma, colon, dash, apostrophe, an opening bracket or quote.
GOES_ON = tuple(",;:-–—'’([{«“„")
FINAL = re.compile(r"[.!?…][\"»”’)\]\s\u00a0\u202f]*$")
FIRST_WORD = re.compile(r"\S+")
# What a new sentence may start with on the next line: an opening mark, then a capital or a digit.
STARTS_SENTENCE = re.compile(r"[«\"“„(\[¿¡]?\s*[A-ZÀ-ÖØ-ÞА-ЯЁ0-9]")
NEUTRAL_WARNING = (
    "no rules for source language {!r}: neutral ones were used (common quotation marks; no speakers, glosses, "
    "elisions or abbreviations of its own)"
)


def abbreviations(language: str) -> frozenset[str]:
    """The abbreviations of ``language`` (a code such as ``es``); those of every packaged language together for
    one without a list of its own, so it splits less rather than inside a name."""
    return get_language(language).abbreviations or any_language()


def any_language() -> frozenset[str]:
    """The abbreviations of every packaged language (read once)."""
    if not _ANY:
        _ANY.append(frozenset().union(*(lang.abbreviations for lang in packaged_languages())))
    return _ANY[0]


_ANY: list[frozenset[str]] = []


def paragraphs(text: str, start: int = 0) -> Iterator[tuple[int, int]]:
    """Half-open ``(start, end)`` of each non-blank paragraph of ``text[start:]``, trimmed."""
    pos = start
    for brk in PARAGRAPH_BREAK.finditer(text, start):
        yield from _trimmed(text, pos, brk.start())
        pos = brk.end()
    yield from _trimmed(text, pos, len(text))


def sentences(text: str, start: int, end: int, language: str = "fr") -> Iterator[tuple[int, int]]:
    """Half-open spans of the sentences of the paragraph ``text[start:end]``, with ``language``'s abbreviations."""
    known = abbreviations(language)
    for block_start, block_end in _blocks(text, start, end):
        pos = block_start
        item = LIST_ITEM.match(text, block_start, block_end)  # "1. Un" is an item, not a sentence "1."
        for m in BOUNDARY.finditer(text, item.end() if item else block_start, block_end):
            if m.group("punct") == "." and _is_abbreviation(text, pos, m.start("punct") + 1, known):
                continue
            stop = m.start("space") if m.group("space") else m.end()
            yield from _trimmed(text, pos, stop)
            pos = m.end()
        yield from _trimmed(text, pos, block_end)


def segment(doc: Document) -> Document:
    """Fill ``doc.segments``: one ``Segment`` per sentence, numbered in reading order.

    A document whose language has no rules of its own (``pipeline.lang``) is warned that the neutral ones
    are used: common quotation marks, no speakers, glosses or elisions.
    """
    if not has_language(doc.language) and NEUTRAL_WARNING.format(doc.language) not in doc.warnings:
        doc.warnings.append(NEUTRAL_WARNING.format(doc.language))
    doc.segments = []
    for number, (p_start, p_end) in enumerate(paragraphs(doc.text, doc.body_start)):
        for s_start, s_end in sentences(doc.text, p_start, p_end, doc.language):
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


def _blocks(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """``text[start:end]`` cut at the line breaks that end a list item, a headline or a dateline."""
    lines: list[tuple[int, int]] = []
    pos = start
    for brk in LINE_BREAK.finditer(text, start, end):
        lines.append((pos, brk.start()))
        pos = brk.end()
    lines.append((pos, end))
    if len(lines) == 1:
        yield start, end
        return
    width = max(len(text[a:b].strip()) for a, b in lines)
    block_start = start
    for (a, b), (c, d) in zip(lines, lines[1:], strict=False):
        if _line_ends_segment(text[a:b].strip(), text[c:d].strip(), width):
            yield block_start, b
            block_start = c
    yield block_start, end


def _line_ends_segment(line: str, following: str, width: int) -> bool:
    """Whether the break between ``line`` and the ``following`` one, in a paragraph ``width`` wide, ends a segment."""
    if not line or not following:
        return False
    item = LIST_ITEM.match(following)
    if item is not None:
        # "1." may also be a year or a count that a wrapped sentence carried over ("le 1er\n12. Puis"):
        # a numbered item follows a line that ended its sentence or was itself an item.
        return item.group("number") is None or bool(FINAL.search(line)) or line.endswith((":", ";")) or bool(
            LIST_ITEM.match(line)
        )
    if FINAL.search(line) or line.endswith(GOES_ON) or not STARTS_SENTENCE.match(following):
        return False  # a full stop is left to BOUNDARY; a comma or a lower-case start is a wrapped sentence
    if _in_capitals(line):
        return not _in_capitals(following)  # "KABOUL (AFP)" then text; a headline in capitals over two lines is one
    word = FIRST_WORD.match(following)
    return word is not None and len(line) + 1 + len(word.group()) <= width  # it would have fitted: broken on purpose


def _in_capitals(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _is_abbreviation(text: str, sentence_start: int, stop: int, known: frozenset[str]) -> bool:
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
    return word.lower() in known or m.group(1).strip(".-").lower() in known  # "e.g", "ee.uu", "т.е" whole


def _trimmed(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        yield start, end


class SegmentStage(DocumentStage):
    """``segment`` as a chain stage."""

    name = "segment"
    requires = frozenset({"text"})
    assigns = frozenset({"segments"})

    @classmethod
    def from_context(cls, context: StageContext) -> Self:
        return cls()

    def __call__(self, doc: Document) -> Document:
        return segment(doc)
