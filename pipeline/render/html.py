"""Bilingual review pages: one per document, plus the run's index.

Templates are Jinja2 with autoescaping on, so every piece of input text is
escaped. A page is one self-contained file: its only style and script are
inline, and its Content-Security-Policy allows exactly those two blocks (by
their sha256 hashes) and no request to any address at all.

The page is built from *notes*: every change, quoted label and QA finding of
the document, numbered in reading order. Each note is highlighted where it sits
(source, normalised English, raw translation) and described once in the
details list, which is plain HTML, so the page reads the same without script.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import jinja2

from pipeline.glossary.load import Entry
from pipeline.model import Change, Check, Document, Finding, Segment, TermHit
from pipeline.render.run_info import RunInfo

CHANGE, QUOTED, FINDING = "change", "quoted", "finding"


@dataclass(frozen=True)
class Note:
    """One thing the reviewer should see: a change, a label kept in a quotation, or another finding."""

    n: int
    kind: str  # CHANGE, QUOTED or FINDING
    segment: Segment
    hit: TermHit | None = None
    change: Change | None = None
    finding: Finding | None = None
    entry: Entry | None = None

    @property
    def source_span(self) -> tuple[int, int] | None:
        if self.hit is not None:
            return self.hit.start, self.hit.end
        return self.finding.source_span if self.finding is not None else None

    @property
    def anchor(self) -> str:
        """Id of the note's mark in the text: the source side when it has a place there."""
        return f"n{self.n}s" if self.source_span is not None else f"n{self.n}t"

    @property
    def entry_id(self) -> str | None:
        if self.hit is not None:
            return self.hit.entry
        return self.finding.entry if self.finding is not None else None


@dataclass(frozen=True)
class Piece:
    """A run of text on one side of the page; ``note`` is set for highlighted words."""

    text: str
    kind: str = ""  # "" for plain text, else the note's kind
    note: int | None = None


@dataclass(frozen=True)
class Row:
    """One sentence as the page shows it: source, normalised English, raw translation, and flags."""

    segment: Segment
    source: list[Piece]
    target: list[Piece]
    raw: list[Piece]
    flags: list[Note]


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline.render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def csp_hash(block: str) -> str:
    """CSP source expression for an inline ``<script>`` or ``<style>`` block, so only that block is allowed."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(block.encode("utf-8")).digest()).decode("ascii") + "'"


def build_notes(doc: Document, run: RunInfo) -> list[Note]:
    """Every change, quoted label and finding of the document, numbered in reading order."""
    entries = {e.id: e for e in run.glossary.entries}
    notes: list[Note] = []
    for seg in doc.segments:
        changes = {c.source_span: c for c in seg.changes}
        findings_at: dict[tuple[int, int], Finding] = {}
        for f in seg.findings:
            if f.source_span is not None:
                findings_at.setdefault(f.source_span, f)
        placed: list[tuple[int, Note]] = []
        used: set[int] = set()
        for hit in seg.hits:
            span = (hit.start, hit.end)
            change, finding = changes.get(span), findings_at.get(span)
            if change is None and finding is None:
                continue  # matched but nothing to say (e.g. a standard name already)
            if finding is not None:
                used.add(id(finding))
            kind = CHANGE if change else QUOTED if finding and finding.check == "quoted-label" else FINDING
            placed.append((hit.start, Note(0, kind, seg, hit=hit, change=change, finding=finding, entry=entries.get(hit.entry))))
        for f in seg.findings:
            if id(f) in used:
                continue
            start = f.source_span[0] if f.source_span is not None else seg.end
            placed.append((start, Note(0, FINDING, seg, finding=f, entry=entries.get(f.entry or ""))))
        for _, note in sorted(placed, key=lambda item: item[0]):
            notes.append(Note(len(notes), note.kind, seg, note.hit, note.change, note.finding, note.entry))
    return notes


def cut(text: str, offset: int, spans: Iterable[tuple[int, int, str, int]]) -> list[Piece]:
    """``text`` (which starts at ``offset``) cut at ``(start, end, kind, note)`` spans; overlapping spans are skipped."""
    pieces: list[Piece] = []
    pos = offset
    for start, end, kind, note in sorted(spans):
        if start < pos or end > offset + len(text) or start >= end:
            continue
        pieces.append(Piece(text[pos - offset : start - offset]))
        pieces.append(Piece(text[start - offset : end - offset], kind, note))
        pos = end
    pieces.append(Piece(text[pos - offset :]))
    return [p for p in pieces if p.text]


def raw_spans(seg: Segment, notes: list[Note]) -> list[tuple[int, int, str, int]]:
    """Where each change's original words (``mt_text``) sit in the raw translation, found left to right."""
    spans: list[tuple[int, int, str, int]] = []
    pos = 0
    for note in notes:
        said = note.change.mt_text if note.change is not None else ""
        if not said:
            continue
        at = seg.mt.find(said, pos)
        if at < 0:
            at = seg.mt.find(said)
            if at < 0 or any(a < at + len(said) and at < b for a, b, _, _ in spans):
                continue
        spans.append((at, at + len(said), note.kind, note.n))
        pos = at + len(said)
    return spans


def build_rows(doc: Document, notes: list[Note]) -> list[list[Row]]:
    """The document's paragraphs as rows of sentences, each cut at its notes."""
    by_segment: dict[int, list[Note]] = {}
    for note in notes:
        by_segment.setdefault(note.segment.id, []).append(note)
    paragraphs: list[list[Row]] = []
    for paragraph in doc.paragraphs():
        rows: list[Row] = []
        for seg in paragraph:
            mine = by_segment.get(seg.id, [])
            source = [(*n.source_span, n.kind, n.n) for n in mine if n.source_span is not None]
            target = [(*n.change.target_span, n.kind, n.n) for n in mine if n.change is not None]
            # An unknown word (a place only in the English) is highlighted there, not flagged after the sentence.
            target += [
                (*n.finding.target_span, n.kind, n.n)
                for n in mine
                if n.change is None
                and n.source_span is None
                and n.finding is not None
                and n.finding.check == Check.UNKNOWN_WORD
                and n.finding.target_span is not None
            ]
            target_pieces = cut(seg.target, 0, target)
            shown = {p.note for p in target_pieces}
            rows.append(
                Row(
                    segment=seg,
                    source=cut(seg.source, seg.start, source),
                    target=target_pieces,
                    raw=cut(seg.mt, 0, raw_spans(seg, [n for n in mine if n.change is not None])),
                    flags=[n for n in mine if n.source_span is None and n.n not in shown],
                )
            )
        paragraphs.append(rows)
    return paragraphs


def render_document(doc: Document, run: RunInfo) -> str:
    """The review page of one document."""
    notes = build_notes(doc, run)
    changes_by_entry: dict[str, list[Note]] = {}
    for note in notes:
        if note.kind == CHANGE and note.entry_id is not None:
            changes_by_entry.setdefault(note.entry_id, []).append(note)
    per_entry = sorted(changes_by_entry.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    env = environment()
    script = env.get_template("page.js").render()
    style = env.get_template("page.css").render()
    return env.get_template("document.html.j2").render(
        doc=doc,
        run=run,
        rows=build_rows(doc, notes),
        notes=notes,
        per_entry=per_entry,
        kinds=Counter(n.kind for n in notes),
        others=[n for n in notes if n.kind != CHANGE],
        script=script,
        style=style,
        csp=policy(script, style),
    )


def render_index(docs: list[Document], run: RunInfo, totals: dict[str, int]) -> str:
    """The run's index: every document with its figures (sortable), and totals per glossary entry."""
    env = environment()
    script = env.get_template("index.js").render()
    style = env.get_template("page.css").render()
    findings = Counter(f.check for d in docs for s in d.segments for f in s.findings)
    names: dict[str, set[str]] = {entry: set() for entry in totals}
    for c in (c for d in docs for s in d.segments for c in s.changes):
        names.setdefault(c.entry, set()).add(c.target_text)
    return env.get_template("index.html.j2").render(
        docs=docs,
        run=run,
        totals=sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])),
        findings=sorted(findings.items()),
        names={entry: sorted(texts) for entry, texts in names.items()},
        script=script,
        style=style,
        csp=policy(script, style),
    )


def policy(script: str, style: str) -> str:
    """The page's Content-Security-Policy: nothing may load; only the page's own script and style run."""
    return (
        f"default-src 'none'; script-src {csp_hash(script)}; style-src {csp_hash(style)}; "
        "base-uri 'none'; form-action 'none'"
    )


__all__ = ["Note", "Piece", "Row", "build_notes", "build_rows", "render_document", "render_index"]
