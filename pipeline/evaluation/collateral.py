"""Collateral edits: words outside the glossary's changes that differ from the raw translation.

The English with each change's target span as one token is compared with the
raw translation with each change's ``mt_span`` as the same token; what differs
is collateral, except the grammar a change forces next to its span (an article
dropped or added, a/an swapped, a verb made plural right after it). A change
whose ``mt_span`` is unknown leaves its neighbourhood unmeasured.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from pipeline.model import Change, Method, Segment, Span

TOKEN = re.compile(r"\w+|[^\w\s]")
ARTICLES = frozenset({"the", "a", "an"})
PLURAL_VERBS = {"is": "are", "has": "have", "was": "were", "does": "do"}
OPENING_BRACKETS, CLOSING_BRACKETS = "([", ")]"


@dataclass(frozen=True)
class Edit:
    """Words outside the changes that differ between the raw translation and the normalised English."""

    segment: int
    raw: str
    normalised: str

    def to_json(self) -> dict[str, Any]:
        return {"segment": self.segment, "raw": self.raw, "normalised": self.normalised}

    def __str__(self) -> str:
        """wdiff style, as ``normalize eval`` shows changed lines: ``[-raw-]{+normalised+}``."""
        return (f"[-{self.raw}-]" if self.raw else "") + (f"{{+{self.normalised}+}}" if self.normalised else "")


def collateral_edits(seg: Segment) -> tuple[list[Edit], list[Edit], list[Change]]:
    """(collateral edits, allowed grammar fixes, changes whose mt span is unknown) in one segment.

    Each change is one opaque token on both sides (its target span in the
    English, its ``mt_span`` in the raw translation), so the comparison is
    anchored at the changes and counts only the words around them.
    """
    labels: dict[Span, str] = {}  # target span -> its token; a merged change shares its neighbour's span
    mt_spans: dict[Span, str] = {}
    unaligned: list[Change] = []
    unknown: set[str] = set()
    for change in seg.changes:
        label = labels.setdefault(change.target_span, f"\0{len(labels)}")
        if change.mt_span is None:
            unaligned.append(change)
            unknown.add(label)
        else:
            mt_spans[_merged_region(seg, change.mt_span) if change.method == Method.MERGED else change.mt_span] = label
    raw, normalised = _tokens(seg.mt, mt_spans), _tokens(seg.target, labels)
    a, b = [t for t, _ in raw], [t for t, _ in normalised]
    collateral: list[Edit] = []
    grammar: list[Edit] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal" or unknown.intersection(a[max(i1 - 1, 0) : i2 + 1] + b[max(j1 - 1, 0) : j2 + 1]):
            continue  # in or beside a change with no mt span: its own words cannot be told from their neighbours
        old = [t for t in a[i1:i2] if not _is_label(t)]
        new = [t for t in b[j1:j2] if not _is_label(t)]
        if not old and not new:
            continue  # only change tokens (a merged abbreviation said once)
        edit = Edit(seg.id, _words(seg.mt, raw[i1:i2]), _words(seg.target, normalised[j1:j2]))
        beside = _is_label_at(a, i1 - 1) or _is_label_at(a, i2) or _is_label_at(b, j1 - 1) or _is_label_at(b, j2)
        after = _is_label_at(b, j1 - 1)
        (grammar if beside and _forced(old, new, after=after) else collateral).append(edit)
    return collateral, grammar, unaligned


def _forced(old: list[str], new: list[str], *, after: bool) -> bool:
    """Whether replacing ``old`` words by ``new`` beside a change is grammar the change forces."""
    o, n = [w.lower() for w in old], [w.lower() for w in new]
    if (len(o), len(n)) in ((1, 0), (0, 1)):
        return (o or n)[0] in ARTICLES  # the article dropped or added
    if len(o) == len(n) == 1:
        if {o[0], n[0]} == {"a", "an"}:
            return True
        return after and PLURAL_VERBS.get(o[0]) == n[0]  # "... Western governments has" -> "have"
    return False


def _tokens(text: str, spans: dict[Span, str]) -> list[tuple[str, Span]]:
    """Word and punctuation tokens of ``text``; the tokens touching a span become that span's label, once."""
    ordered = sorted(spans.items())
    out: list[tuple[str, Span]] = []
    k = 0
    for m in TOKEN.finditer(text):
        while k < len(ordered) and ordered[k][0][1] <= m.start():
            k += 1
        if k < len(ordered) and ordered[k][0][0] < m.end():
            (start, end), label = ordered[k]
            if not out or out[-1][0] != label:
                out.append((label, (start, end)))
            continue
        out.append((m.group(), m.span()))
    return out


def _merged_region(seg: Segment, span: Span) -> Span:
    """What the enforce stage removed with a merged name: " (EI)" whole, or "HTS, " of "(HTS, ex-branche …)"."""
    for (a, b), _ in seg.translation.edits or ():
        if a <= span[0] and span[1] <= b:
            return a, b
    return _with_brackets(seg.mt, span)


def _with_brackets(text: str, span: Span) -> Span:
    """``span`` widened over the brackets around it: a merged "(EI)" loses them too."""
    a, b = span
    while a > 0 and text[a - 1] in OPENING_BRACKETS + " ":
        a -= 1
    while b < len(text) and text[b] in CLOSING_BRACKETS:
        b += 1
    return a, b


def _is_label(token: str) -> bool:
    return token.startswith("\0")


def _is_label_at(tokens: list[str], i: int) -> bool:
    return 0 <= i < len(tokens) and _is_label(tokens[i])


def _words(text: str, tokens: list[tuple[str, Span]]) -> str:
    return text[tokens[0][1][0] : tokens[-1][1][1]] if tokens else ""
