"""The data that flows through every stage.

One ``Document`` owns the source text; everything else is a view over it with
half-open character offsets ``[start, end)``, so each highlighted word on the
review page traces back to a character range of the input file.

    Document ──▶ Segment (paragraph, sentence) ──▶ TermHit (glossary match)
                     │
                     ├── mt      raw machine translation, kept for review
                     ├── target  normalised English
                     ├── changes Change records (what replaced what, and why)
                     └── findings Finding records (QA notes for the reviewer)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

Span = tuple[int, int]  # half-open character offsets


class Kind(StrEnum):
    """What a glossary entry names: a group, its members, a descriptive label, or a person or place."""

    GROUP = "group"
    MEMBERS = "members"
    LABEL = "label"
    NAME = "name"


class Method(StrEnum):
    """How a standard name found its place in the English (recorded on every ``Change``)."""

    ALIGNED = "aligned"  # spliced into the raw translation at the span the engine aligned with the source words
    RENDERING = "rendering"  # spliced into the raw translation where the engine's rendering of the words was found
    DIFF = "diff"  # spliced into the raw translation where it differs from a translation with a placeholder
    PLACEHOLDER = "placeholder"  # the sentence translated with a placeholder for the words (fallback)
    PLACEHOLDER_SPLIT = "placeholder-split"  # the text between placeholders translated piece by piece (last resort)
    MERGED = "merged"  # an abbreviation in brackets after the same name, said once


class Check(StrEnum):
    """The kinds of ``Finding``."""

    QUOTED_LABEL = "quoted-label"
    LOADED_RENDERING = "loaded-rendering"
    LOADED_ADJECTIVE = "loaded-adjective"
    LOADED_TERM = "loaded-term"
    UNENFORCED = "unenforced"
    RETRANSLATED = "retranslated"  # the English came from a fallback translation, not the raw one with edits
    FORMER_NAME = "former-name"  # a group's former name, which the source names as such: kept
    CHANGE_SPAN = "change-span"
    UNKNOWN_WORD = "unknown-word"
    UNKNOWN_NAME = "unknown-name"
    MANGLED_NAME = "mangled-name"  # a word of a name the engine translated as a common word ("M. The Drian")


@dataclass(frozen=True)
class Located:
    """Where the engine rendered one hit in the raw translation, and how that was found."""

    span: Span
    method: Method


@dataclass(frozen=True)
class TermHit:
    """A glossary entry (or a protected name) matched in the source text (offsets into ``Document.text``).

    A hit carries everything enforcement needs, so enforce never looks the entry up again.
    ``rendered`` is where the translate stage found the engine's words for it in the raw
    translation (``None``: not found, or not translated yet); the stage gives the
    segment a copy of the hit with it set, so a hit the match stage made is never changed.
    ``quoted_form`` is how a loaded variant is written when it stays inside a quotation
    ("Daech" -> "Daesh"): the speaker's word, in English spelling.
    """

    entry: str
    start: int
    end: int
    text: str
    standard: str
    loaded: bool
    kind: Kind = Kind.LABEL
    article: str = "keep"  # keep | the | none, as the glossary entry says
    in_quote: bool = False
    speaker: str | None = None
    quoted_form: str | None = None
    mention: bool = False  # the word the text explains ("Daech, acronyme arabe de l'EI"): kept like a quoted word
    # A name found by its shape alone ("Marie Dosé"), restored only where the engine translated part of it
    # ("Marry Dosé"); the translate stage drops it where the engine kept it or rendered it otherwise.
    tentative: bool = False
    # A group's former name that the text says it changed ("EIIL, devenue Etat islamique"): kept as the engine
    # renders it, since the standard name would erase the history the source gives (``pipeline.text.renamed``).
    former: bool = False
    rendered: Located | None = None

    @property
    def kept(self) -> bool:
        """Whether the source's words stay: a loaded label inside a quotation with no English spelling to give,
        or a former name."""
        return self.former or (self.loaded and (self.in_quote or self.mention) and self.quoted_form is None)

    @property
    def replacement(self) -> str:
        """What the English gets for these words: the standard name, or the quoted form inside a quotation."""
        if self.loaded and (self.in_quote or self.mention) and self.quoted_form is not None:
            return self.quoted_form
        return self.standard


@dataclass
class Change:
    """One replacement in the English, with its provenance.

    ``target_span`` indexes ``Segment.target``; ``mt_span`` indexes the raw
    translation ``Segment.mt`` and ``mt_text`` is what the engine said there
    (``None`` and "" when the engine's rendering could not be located).
    """

    entry: str
    source_span: Span
    source_text: str
    mt_text: str
    target_span: Span
    target_text: str
    method: Method
    mt_span: Span | None = None

    @property
    def noop(self) -> bool:
        """The engine already wrote the standard name: a match, not a rewrite ("Hamas" -> "Hamas")."""
        return self.mt_span is not None and self.mt_text == self.target_text

    def to_json(self) -> dict[str, Any]:
        return {
            "entry": self.entry,
            "source_span": list(self.source_span),
            "source_text": self.source_text,
            "mt_text": self.mt_text,
            "target_span": list(self.target_span),
            "target_text": self.target_text,
            "method": str(self.method),
            "mt_span": list(self.mt_span) if self.mt_span is not None else None,
        }


@dataclass
class Finding:
    """Something a reviewer should look at; never changes the text."""

    check: Check
    message: str
    entry: str | None = None
    source_span: Span | None = None
    target_span: Span | None = None  # in ``Segment.target``, when the finding is about English words

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"check": str(self.check), "message": self.message}
        if self.entry is not None:
            out["entry"] = self.entry
        if self.source_span is not None:
            out["source_span"] = list(self.source_span)
        if self.target_span is not None:
            out["target_span"] = list(self.target_span)
        return out


@dataclass
class Translation:
    """What the translate stage learnt from the engine for one sentence; the enforce stage reads it.

    ``raw`` is what the engine said for the plain sentence (the reviewer's raw
    view); where each hit was rendered in it is the hit's own ``rendered``.
    ``masked`` and ``pieces`` exist only for sentences the fallbacks needed: the
    sentence with placeholders for the hits, and the text between placeholders
    translated piece by piece. ``edits`` is filled by
    enforce: each (raw region, target region) it rewrote, in order, so any
    other raw span maps onto the target (``to_target``).
    """

    raw: str = ""
    unknown: tuple[Span, ...] = ()
    masked: str | None = None
    placeholders: dict[str, TermHit] = field(default_factory=dict)
    pieces: str | None = None
    edits: list[tuple[Span, Span]] | None = None  # None: the target is not the raw translation with edits

    def to_target(self, span: Span) -> Span | None:
        """``span`` of ``raw`` in the normalised target, when it lies outside every edit."""
        if self.edits is None:
            return None
        shift = 0
        for (a, b), (c, d) in self.edits:
            if span[1] <= a:
                break
            if span[0] < b:
                return None  # overlaps an edit
            shift += (d - c) - (b - a)
        return span[0] + shift, span[1] + shift


@dataclass
class Segment:
    """One sentence of one paragraph, with its translation and the changes made to it."""

    id: int
    paragraph: int
    start: int
    end: int
    source: str
    hits: list[TermHit] = field(default_factory=list)
    translation: Translation = field(default_factory=Translation)
    target: str = ""
    changes: list[Change] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def mt(self) -> str:
        """The raw machine translation, kept for review."""
        return self.translation.raw


@dataclass(frozen=True)
class Quote:
    """A quotation in ``Document.text``: ``[start, end)`` includes its marks (and, across paragraphs, the reopening ones).

    ``depth`` 0 is a quotation in the narration, 1 a quotation inside it, and so on.
    ``closed`` is False when no closing mark was found and the quotation was
    bounded at the end of its paragraph.
    """

    start: int
    end: int
    mark: str
    depth: int = 0
    closed: bool = True
    speaker: str | None = None


@dataclass
class Document:
    """One input file and everything the stages learn about it."""

    path: Path
    name: str
    text: str
    language: str
    sha256: str
    metadata: dict[str, str] = field(default_factory=dict)
    body_start: int = 0
    segments: list[Segment] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)  # every quotation, nested ones included, in order of start
    warnings: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None

    def paragraphs(self) -> list[list[Segment]]:
        """Segments grouped by paragraph, in order."""
        groups: dict[int, list[Segment]] = {}
        for seg in self.segments:
            groups.setdefault(seg.paragraph, []).append(seg)
        return [groups[k] for k in sorted(groups)]


def text_document(text: str, *, language: str, name: str = "text") -> Document:
    """A document from a string, for in-memory use (glossary tests, evaluation)."""
    return Document(
        path=Path(f"<{name}>"),
        name=name,
        text=text,
        language=language,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
