"""Where a source span went in a translation, read from CTranslate2's attention.

An ``Alignment`` is one translation with, per target token, the source token it
attended to most; ``locate`` turns that into the target words that render a
glossary hit. ``piece_spans`` maps SentencePiece pieces back to characters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.engines.base import Span

# Word tokens (not punctuation) kept per source token as fallbacks for a hit whose own words another hit took.
REVERSE_CANDIDATES = 3


@dataclass(frozen=True)
class Alignment:
    """One translation and, per target token, the source token it attended to most.

    ``links`` are (target token span in ``text``, source token span, attention
    weight), in target order; ``reverse`` per source token its span, each of
    the ``REVERSE_CANDIDATES`` target word tokens attending to it most and the
    weight: the fallback for a source word no free target token chose. Both empty when attention was not asked for.
    """

    text: str
    links: tuple[tuple[Span, Span, float], ...] = ()
    reverse: tuple[tuple[Span, Span, float], ...] = ()

    @staticmethod
    def join(parts: Sequence[tuple[Alignment, int]]) -> Alignment:
        """The pieces of one over-long text (each with its source offset), joined as ``translate`` joins them."""
        if len(parts) == 1 and parts[0][1] == 0:
            return parts[0][0]
        links: list[tuple[Span, Span, float]] = []
        reverse: list[tuple[Span, Span, float]] = []
        position = 0
        for part, offset in parts:
            links.extend(((a + position, b + position), (c + offset, d + offset), w) for (a, b), (c, d), w in part.links)
            reverse.extend(((c + offset, d + offset), (a + position, b + position), w) for (c, d), (a, b), w in part.reverse)
            position += len(part.text) + 1
        return Alignment(" ".join(part.text for part, _ in parts), tuple(links), tuple(reverse))

    def shifted_source(self, by: int) -> Alignment:
        """The same alignment for a source that had ``by`` characters more in front."""
        return Alignment(
            self.text,
            tuple((t, (c + by, d + by), w) for t, (c, d), w in self.links),
            tuple(((c + by, d + by), t, w) for (c, d), t, w in self.reverse),
        )

    def locate_all(self, spans: Sequence[Span | None]) -> list[Span | None]:
        """``locate`` for each span in turn, never on words an earlier span already took."""
        out: list[Span | None] = []
        for i, span in enumerate(spans):
            others = [s for j, s in enumerate(spans) if j != i and s is not None]
            out.append(self.locate(span, taken=[s for s in out if s is not None], others=others) if span else None)
        return out

    def locate(self, span: Span, *, taken: Sequence[Span] = (), others: Sequence[Span] = ()) -> Span | None:
        """Where the source ``span`` went in ``text``, widened to whole words, outside the ``taken`` target spans.

        First the runs of consecutive target tokens linked into ``span``,
        heaviest first; then the target tokens attending most to its source
        tokens (``reverse``, best first), unless such a token is linked into
        one of the ``others`` source spans (another hit's words). ``None``
        when no target token is left for it.
        """
        a, b = span
        runs: list[list[tuple[int, float]]] = []
        for i, (_, (c, d), weight) in enumerate(self.links):
            if c < b and a < d:
                if runs and runs[-1][-1][0] == i - 1:
                    runs[-1].append((i, weight))
                else:
                    runs.append([(i, weight)])
        for run in sorted(runs, key=lambda r: -sum(w for _, w in r)):
            found = whole_words(self.text, self.links[run[0][0]][0][0], self.links[run[-1][0]][0][1])
            if found is not None and not _overlaps_any(found, taken):
                return found
        owner = {target: source for target, source, _ in self.links}
        chosen = sorted(((w, t) for (c, d), t, w in self.reverse if c < b and a < d), key=lambda wt: -wt[0])
        for _, target in chosen:
            if owner.get(target) is not None and _overlaps_any(owner[target], others):
                continue
            found = whole_words(self.text, *target)
            if found is not None and not _overlaps_any(found, taken):
                return found
        return None


EMPTY = Alignment("")


def _overlaps_any(span: Span, others: Sequence[Span | None]) -> bool:
    return any(o is not None and o[0] < span[1] and span[0] < o[1] for o in others)


def whole_words(text: str, start: int, end: int) -> Span | None:
    """``text[start:end]`` widened to the words it cuts and trimmed of spaces and punctuation at its edges."""
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return (start, end) if start < end else None


def piece_spans(text: str, pieces: Sequence[str]) -> list[Span]:
    """Each SentencePiece piece's character span in ``text`` (zero-width where it cannot be found)."""
    spans: list[Span] = []
    cursor = 0
    for piece in pieces:
        surface = piece.replace("\u2581", " ").strip()
        found = text.find(surface, cursor) if surface else -1
        # A piece the normaliser changed is not searched for far ahead: that would match a later word.
        # What SentencePiece drops (spaces, zero-width and other format characters) is no such change.
        if found < 0 or sum(not (ch.isspace() or unicodedata.category(ch) == "Cf") for ch in text[cursor:found]) > 2:
            spans.append((cursor, cursor))
            continue
        spans.append((found, found + len(surface)))
        cursor = found + len(surface)
    return spans
