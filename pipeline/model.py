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

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class TermHit:
    """A glossary entry matched in the source text (offsets into ``Document.text``)."""

    entry: str
    start: int
    end: int
    text: str
    standard: str
    loaded: bool
    in_quote: bool = False
    speaker: str | None = None


@dataclass
class Change:
    """One replacement in the English, with its provenance.

    ``target_span`` indexes ``Segment.target``; ``mt_text`` is what the engine
    said for these words in the raw translation ("" when it cannot be located).
    """

    entry: str
    source_span: tuple[int, int]
    source_text: str
    mt_text: str
    target_span: tuple[int, int]
    target_text: str
    method: str

    def to_json(self) -> dict[str, Any]:
        return {
            "entry": self.entry,
            "source_span": list(self.source_span),
            "source_text": self.source_text,
            "mt_text": self.mt_text,
            "target_span": list(self.target_span),
            "target_text": self.target_text,
            "method": self.method,
        }


@dataclass
class Finding:
    """Something a reviewer should look at; never changes the text."""

    check: str
    message: str
    entry: str | None = None
    source_span: tuple[int, int] | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"check": self.check, "message": self.message}
        if self.entry is not None:
            out["entry"] = self.entry
        if self.source_span is not None:
            out["source_span"] = list(self.source_span)
        return out


@dataclass
class Segment:
    """One sentence of one paragraph, with its translation and the changes made to it."""

    id: int
    paragraph: int
    start: int
    end: int
    source: str
    hits: list[TermHit] = field(default_factory=list)
    mt: str = ""
    masked_mt: str | None = None  # translation of the source with hits replaced by placeholders
    placeholders: dict[str, TermHit] = field(default_factory=dict)
    split_mt: str | None = None  # masked source translated piece by piece, when the engine lost placeholders
    target: str = ""
    changes: list[Change] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


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
