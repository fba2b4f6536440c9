"""Bilingual review pages: one per document, plus the run's index.

Templates are Jinja2 with autoescaping on, so every piece of input text is
escaped; the page is one self-contained file with a Content-Security-Policy
that forbids any request to another address.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from dataclasses import dataclass
from functools import cache
from typing import Any

import jinja2

from pipeline.model import Change, Document, Finding, Segment, TermHit
from pipeline.render.run_info import RunInfo


@dataclass(frozen=True)
class Piece:
    """A run of text on one side of the page; ``mark`` is set for highlighted words."""

    text: str
    mark: str = ""  # "", "change", "quoted"
    ref: int | None = None  # index into the page's list of changes/findings


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline.render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def script_hash(script: str) -> str:
    """CSP hash of an inline script, so only that script may run."""
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def source_pieces(seg: Segment, refs: dict[tuple[int, int], int]) -> list[Piece]:
    """The source sentence cut at its glossary hits."""
    pieces: list[Piece] = []
    pos = seg.start
    for hit in seg.hits:
        if hit.start < pos:
            continue
        pieces.append(Piece(seg.source[pos - seg.start : hit.start - seg.start]))
        mark = "quoted" if hit.loaded and hit.in_quote else "change"
        pieces.append(Piece(hit.text, mark, refs.get((hit.start, hit.end))))
        pos = hit.end
    pieces.append(Piece(seg.source[pos - seg.start :]))
    return [p for p in pieces if p.text]


def target_pieces(seg: Segment, refs: dict[tuple[int, int], int]) -> list[Piece]:
    """The English sentence cut at its changes."""
    pieces: list[Piece] = []
    pos = 0
    for change in sorted(seg.changes, key=lambda c: c.target_span):
        a, b = change.target_span
        pieces.append(Piece(seg.target[pos:a]))
        pieces.append(Piece(seg.target[a:b], "change", refs.get(change.source_span)))
        pos = b
    pieces.append(Piece(seg.target[pos:]))
    return [p for p in pieces if p.text]


def _notes(doc: Document, run: RunInfo) -> tuple[list[dict[str, Any]], dict[tuple[int, int], int]]:
    """Every change and quoted label of the document, numbered for links and keyboard navigation."""
    entries = {e.id: e for e in run.glossary.entries}
    notes: list[dict[str, Any]] = []
    refs: dict[tuple[int, int], int] = {}
    for seg in doc.segments:
        by_span: dict[tuple[int, int], Change] = {c.source_span: c for c in seg.changes}
        quoted = {f.source_span: f for f in seg.findings if f.check == "quoted-label" and f.source_span}
        for hit in seg.hits:
            span = (hit.start, hit.end)
            change = by_span.get(span)
            finding = quoted.get(span)
            if change is None and finding is None:
                continue
            entry = entries.get(hit.entry)
            refs[span] = len(notes)
            notes.append(
                {
                    "n": len(notes),
                    "kind": "change" if change else "quoted",
                    "segment": seg.id,
                    "hit": hit,
                    "change": change,
                    "finding": finding,
                    "entry": entry,
                }
            )
    return notes, refs


def render_document(doc: Document, run: RunInfo) -> str:
    notes, refs = _notes(doc, run)
    rows = [
        [(seg, source_pieces(seg, refs), target_pieces(seg, refs)) for seg in paragraph]
        for paragraph in doc.paragraphs()
    ]
    counts = Counter(c.entry for seg in doc.segments for c in seg.changes)
    findings: list[tuple[Segment, Finding]] = [(seg, f) for seg in doc.segments for f in seg.findings]
    env = environment()
    script = env.get_template("page.js").render()
    return env.get_template("document.html.j2").render(
        doc=doc,
        run=run,
        rows=rows,
        notes=notes,
        counts=counts.most_common(),
        findings=findings,
        script=script,
        script_hash=script_hash(script),
        style=env.get_template("page.css").render(),
    )


def render_index(docs: list[Document], run: RunInfo, totals: dict[str, int]) -> str:
    env = environment()
    return env.get_template("index.html.j2").render(
        docs=docs,
        run=run,
        totals=sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])),
        style=env.get_template("page.css").render(),
    )


__all__ = ["Piece", "TermHit", "render_document", "render_index"]
