"""A sentence cut into the runs of text a review page draws: plain words, and each note's highlighted words.

Three cuts per sentence: the source and the normalised English at the notes'
spans (``cut``), the raw translation at the engine's words each change
replaced (``raw_spans``), and the "Old → new" view (``tracked``), which shows
every region the normalisation rewrote with what the engine said there struck
out: not only a name, but the article its grammar dropped and a merged
"(EIIL)" said once, which sit outside every change's own span.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.model import Segment, Span
from pipeline.render.notes import Note

# The words of a sentence translated again around a name, compared with its raw translation one by one.
WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Piece:
    """A run of text on one side of the page; ``note`` is set for highlighted words."""

    text: str
    kind: str = ""  # "" for plain text, else the note's kind
    note: int | None = None
    entry: str = ""  # the note's glossary entry, for the page's filter
    old: str | None = None  # in the old -> new view, the raw translation's words this run replaced ("" for none)


def cut(text: str, offset: int, spans: Iterable[tuple[int, int, str, int]], notes: dict[int, Note] | None = None) -> list[Piece]:
    """``text`` (which starts at ``offset``) cut at ``(start, end, kind, note)`` spans; overlapping spans are skipped."""
    pieces: list[Piece] = []
    pos = offset
    for start, end, kind, n in sorted(spans):
        if start < pos or end > offset + len(text) or start >= end:
            continue
        note = (notes or {}).get(n)
        entry = (note.entry_id or "") if note is not None else ""
        pieces.append(Piece(text[pos - offset : start - offset]))
        pieces.append(Piece(text[start - offset : end - offset], kind, n, entry))
        pos = end
    pieces.append(Piece(text[pos - offset :]))
    return [p for p in pieces if p.text]


def raw_spans(seg: Segment, notes: list[Note]) -> list[tuple[int, int, str, int]]:
    """Where each change's original words (``mt_text``) sit in the raw translation: its ``mt_span``, else found left to right."""
    spans: list[tuple[int, int, str, int]] = []
    pos = 0
    for note in notes:
        said = note.change.mt_text if note.change is not None else ""
        if not said:
            continue
        mt_span = note.change.mt_span if note.change is not None else None
        if mt_span is not None and seg.mt[mt_span[0] : mt_span[1]] == said:
            spans.append((*mt_span, note.kind, note.n))
            pos = mt_span[1]
            continue
        at = seg.mt.find(said, pos)
        if at < 0:
            at = seg.mt.find(said)
            if at < 0 or any(a < at + len(said) and at < b for a, b, _, _ in spans):
                continue
        spans.append((at, at + len(said), note.kind, note.n))
        pos = at + len(said)
    return spans


def regions(seg: Segment) -> list[tuple[Span, Span]]:
    """Every (raw translation region, English region) that differs or holds a change, in order.

    The enforce stage's ``edits`` when the English is the raw translation with edits; for a sentence
    translated again (no edits), the regions where their words differ.
    """
    if seg.translation.edits is not None:
        return [_whole_words(seg.mt, seg.target, *edit) for edit in sorted(seg.translation.edits)]
    raw, new = list(WORD.finditer(seg.mt)), list(WORD.finditer(seg.target))
    matcher = difflib.SequenceMatcher(None, [m.group() for m in raw], [m.group() for m in new], autojunk=False)
    out: list[tuple[Span, Span]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            out.append((_words_span(raw, i1, i2, len(seg.mt)), _words_span(new, j1, j2, len(seg.target))))
    return out


def _whole_words(raw: str, target: str, old: Span, new: Span) -> tuple[Span, Span]:
    """An edit widened to whole words: the grammar's "An" -> "A" is an edit of "n" alone, which reads as nothing.

    Only an edge inside a word grows (a merged "EIIL, " ends at a space); the text around an edit is the
    same on both sides, so the two regions grow by the same letters.
    """
    (a, b), (c, d) = old, new
    starts_in_word = (a < b and raw[a].isalnum()) or (c < d and target[c].isalnum())
    ends_in_word = (a < b and raw[b - 1].isalnum()) or (c < d and target[d - 1].isalnum())
    while starts_in_word and a > 0 and c > 0 and raw[a - 1].isalnum() and raw[a - 1] == target[c - 1]:
        a, c = a - 1, c - 1
    while ends_in_word and b < len(raw) and d < len(target) and raw[b].isalnum() and raw[b] == target[d]:
        b, d = b + 1, d + 1
    return (a, b), (c, d)


def _words_span(words: list[re.Match[str]], i: int, j: int, length: int) -> Span:
    """The text of ``words[i:j]`` with the space after them (so a struck-out word takes its space along);
    an empty span where the next word starts when there are none."""
    start = words[i].start() if i < len(words) else length
    return start, (words[j].start() if j < len(words) else length) if j > i else start


def tracked(seg: Segment, notes: list[Note]) -> list[Piece]:
    """The "Old → new" view of one sentence: the English, each rewritten region with the raw words it replaced.

    A region belongs to the change whose English it holds, or, when it only removed words (a merged
    bracket), to the change whose engine words it removed; a change that kept the engine's words ("Hamas")
    shows them as they are. Findings on the words around keep their highlights.
    """
    numbered = {n.n: n for n in notes}
    spans = [(*n.target_span, n.kind, n.n) for n in notes if n.target_span is not None]
    pieces: list[Piece] = []
    pos = 0
    for (a, b), (c, d) in regions(seg):
        if c < pos:
            continue  # regions never overlap; a fallback's word diff cannot go back either
        pieces += cut(seg.target[pos:c], pos, spans, numbered)
        old, new = seg.mt[a:b], seg.target[c:d]
        owner = _owner(notes, (a, b), (c, d))
        kind, n, entry = (owner.kind, owner.n, owner.entry_id or "") if owner is not None else ("", None, "")
        if old != new:
            pieces.append(Piece(new, kind, n, entry, old))
        elif new:
            pieces.append(Piece(new, kind, n, entry))
        pos = d
    pieces += cut(seg.target[pos:], pos, spans, numbered)
    return pieces


def _owner(notes: list[Note], raw: Span, target: Span) -> Note | None:
    """The change note a rewritten region belongs to: the one whose English lies in it, else whose engine words do."""
    changes = [n for n in notes if n.change is not None]
    for note in changes:
        a, b = note.change.target_span if note.change is not None else (0, 0)
        if a < target[1] and target[0] < b:
            return note
    for note in changes:
        mt_span = note.change.mt_span if note.change is not None else None
        if mt_span is not None and raw[0] <= mt_span[0] and mt_span[1] <= raw[1]:
            return note
    return None
