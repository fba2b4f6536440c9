"""A reviewer's decisions, saved as ``review.json`` next to the outputs.

A decision is keyed by the document's sha256, the sentence's character range
and what the note is about (the change's entry, source span and new words, or
the finding's check and place). A re-run that leaves a sentence alone gives its
notes the same keys, so the decisions stay attached; a re-run that changes what
a change writes gives it a new key, to be reviewed again.

XLIFF 2.0 ``state`` of a sentence follows from its notes' decisions:
``translated`` while any note is undecided (or there is none), ``reviewed``
when every note is decided but some change was rejected (the English needs a
fix), ``final`` when every change is accepted and every finding resolved.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.model import Change, Document, Finding, Segment

FILE_NAME = "review.json"
NOISE = ":finding:unknown-word:"  # in the key of a note about a word the engine did not know (engine noise)
STATUSES = ("accepted", "rejected", "resolved")
VERSION = 1


def change_key(doc: Document, seg: Segment, change: Change) -> str:
    return _change_key(doc.sha256, seg.start, seg.end, change.entry, change.source_span, change.target_text)


def finding_key(doc: Document, seg: Segment, finding: Finding) -> str:
    return _finding_key(
        doc.sha256, seg.start, seg.end, str(finding.check), finding.entry, finding.source_span or finding.target_span
    )


def _change_key(sha256: str, start: int, end: int, entry: str, span: tuple[int, int] | list[int], target_text: str) -> str:
    return f"{sha256}:{start}-{end}:change:{entry}:{span[0]}-{span[1]}:{target_text}"


def _finding_key(
    sha256: str, start: int, end: int, check: str, entry: str | None, span: tuple[int, int] | list[int] | None
) -> str:
    where = f"{span[0]}-{span[1]}" if span is not None else "-"
    return f"{sha256}:{start}-{end}:finding:{check}:{entry or ''}:{where}"


def segment_keys(doc: Document, seg: Segment) -> Iterator[tuple[str, str]]:
    """(key, "change" | "finding") for every note of the sentence; a finding on a changed span is the change's."""
    changed = {c.source_span for c in seg.changes}
    for change in seg.changes:
        yield change_key(doc, seg, change), "change"
    for finding in seg.findings:
        if finding.source_span is None or finding.source_span not in changed:
            yield finding_key(doc, seg, finding), "finding"


def review_keys(doc: Document) -> list[str]:
    """The keys of the notes a reviewer has to look at: every note but a name the engine already wrote ("AFP" -> "AFP")."""
    return [k for seg in doc.segments for k in _reviewable(doc, seg)]


def _reviewable(doc: Document, seg: Segment) -> Iterator[str]:
    noops = {change_key(doc, seg, c) for c in seg.changes if c.noop}
    return (k for k, _ in segment_keys(doc, seg) if k not in noops)


def same_change_keys(docs: list[Document], key: str) -> list[tuple[Document, str]]:
    """Every change like the one ``key`` names (same entry, same source words, same new words, not already standard),
    in ``docs``."""
    like: tuple[str, str, str] | None = None
    found: list[tuple[Document, Segment, Change]] = []
    for doc in docs:
        for seg in doc.segments:
            for change in seg.changes:
                if not change.noop:
                    found.append((doc, seg, change))
                if like is None and change_key(doc, seg, change) == key:
                    like = (change.entry, change.source_text.casefold(), change.target_text)
    if like is None:
        return []
    return [(d, change_key(d, s, c)) for d, s, c in found if (c.entry, c.source_text.casefold(), c.target_text) == like]


def json_keys(data: dict[str, Any], *, reviewable: bool = False) -> Iterator[str]:
    """The same keys as ``segment_keys``, for a document read back from its JSON (a resumed run); ``reviewable``: as
    ``review_keys``, without the names the engine already wrote."""
    sha256 = data["source"]["sha256"]
    for seg in data["segments"]:
        changed = {tuple(c["source_span"]) for c in seg["changes"]}
        for c in seg["changes"]:
            if reviewable and c.get("mt_span") is not None and c["mt_text"] == c["target_text"]:
                continue
            yield _change_key(sha256, seg["start"], seg["end"], c["entry"], c["source_span"], c["target_text"])
        for f in seg["findings"]:
            span = f.get("source_span")
            if span is None or tuple(span) not in changed:
                yield _finding_key(sha256, seg["start"], seg["end"], f["check"], f.get("entry"), span or f.get("target_span"))


def is_noise(key: str) -> bool:
    """Whether a note key is about a word the engine did not know, not about a label: counted apart in the progress."""
    return NOISE in key


@dataclass(frozen=True, slots=True)
class Progress:
    """How many notes are reviewed, of how many, with the engine's unknown words (noise) counted apart from the label
    notes (rewrites, quoted labels, loaded words): a desk reviews the labels first, and 900 unknown words must not hide
    that they are done."""

    decided: int = 0
    notes: int = 0
    noise_decided: int = 0
    noise_notes: int = 0

    @property
    def label_decided(self) -> int:
        return self.decided - self.noise_decided

    @property
    def label_notes(self) -> int:
        return self.notes - self.noise_notes

    def __add__(self, other: Progress) -> Progress:
        return Progress(
            self.decided + other.decided,
            self.notes + other.notes,
            self.noise_decided + other.noise_decided,
            self.noise_notes + other.noise_notes,
        )


@dataclass
class Decisions:
    """Every decision of one output folder: key -> {status, comment, document, at, about}."""

    items: dict[str, dict[str, Any]]
    path: Path | None = None

    @classmethod
    def load(cls, out: Path) -> Decisions:
        """The folder's ``review.json``; none yet, or unreadable, is an empty set (never fatal)."""
        path = out / FILE_NAME
        try:
            from pipeline.outputs.write import read_own  # here, not at import: the renderers import this module

            text = read_own(path)  # a link, a FIFO or a device planted here is never read (nor served)
            if text is None:
                raise OSError(f"{path} is not the folder's own file")
            data = json.loads(text)
            items = data.get("decisions", {}) if isinstance(data, dict) else {}
        except (OSError, ValueError):
            items = {}
        return cls({k: v for k, v in items.items() if isinstance(v, dict) and v.get("status") in STATUSES}, path)

    def get(self, key: str) -> dict[str, Any] | None:
        return self.items.get(key)

    def status(self, key: str) -> str | None:
        item = self.items.get(key)
        return str(item["status"]) if item else None

    def decide(self, key: str, status: str | None, *, comment: str = "", document: str = "", about: str = "") -> None:
        """Record (or with ``status=None`` withdraw) a decision and save the file atomically."""
        self.items = self.with_decision(key, status, comment=comment, document=document, about=about).items
        self.save()

    def with_decision(self, key: str, status: str | None, *, comment: str = "", document: str = "", about: str = "") -> Decisions:
        """A copy with one decision recorded (or with ``status=None`` withdrawn); this set and the file are unchanged."""
        items = dict(self.items)
        if status is None:
            items.pop(key, None)
        elif status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, got {status!r}")
        else:
            at = datetime.now(UTC).isoformat(timespec="seconds")
            items[key] = {"status": status, "comment": comment, "document": document, "about": about, "at": at}
        return Decisions(items, self.path)

    def with_decisions(self, keys: list[tuple[str, str]], status: str | None, *, comment: str = "", about: str = "") -> Decisions:
        """A copy with one decision on each ``(key, document)`` (a batch); this set and the file are unchanged."""
        if status is not None and status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, got {status!r}")
        items = dict(self.items)
        at = datetime.now(UTC).isoformat(timespec="seconds")
        for key, document in keys:
            if status is None:
                items.pop(key, None)
            else:
                items[key] = {"status": status, "comment": comment, "document": document, "about": about, "at": at}
        return Decisions(items, self.path)

    def text(self) -> str:
        """The content of ``review.json``."""
        return (
            json.dumps({"version": VERSION, "decisions": dict(sorted(self.items.items()))}, ensure_ascii=False, indent=2) + "\n"
        )

    def save(self) -> None:
        if self.path is None:
            return
        from pipeline.outputs.write import write_atomic  # here, not at import: the renderers import this module

        write_atomic(self.path, self.text())

    def progress(self, doc: Document) -> tuple[int, int]:
        """(decided, total) notes of a document a reviewer has to look at (a name already standard is not one)."""
        return self.counted(review_keys(doc))

    def counted(self, keys: list[str]) -> tuple[int, int]:
        """(decided, total) of these note keys."""
        return sum(1 for k in keys if k in self.items), len(keys)

    def tally(self, keys: list[str]) -> Progress:
        """The ``Progress`` of these note keys: decided and total, the engine's unknown words apart."""
        noise = [k for k in keys if is_noise(k)]
        return Progress(
            sum(1 for k in keys if k in self.items), len(keys), sum(1 for k in noise if k in self.items), len(noise)
        )

    def segment_state(self, doc: Document, seg: Segment) -> str:
        """The XLIFF 2.0 state of a sentence (see the module docstring)."""
        notes = list(segment_keys(doc, seg))
        statuses = [self.status(k) for k, _ in notes]
        if not notes or None in statuses:
            return "translated"
        return "reviewed" if "rejected" in statuses else "final"

