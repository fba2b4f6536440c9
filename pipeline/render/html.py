"""Bilingual review pages: one per document, plus the run's index.

Templates are Jinja2 with autoescaping on, so every piece of input text is
escaped. A page is one self-contained file: its only style and script are
inline, and its Content-Security-Policy allows exactly those two blocks (by
their sha256 hashes) and no request to any address at all.

The page is built from *notes* (``pipeline.render.notes``): every change,
quoted label and QA finding of the document, numbered in reading order. Each
note is highlighted where it sits (source, normalised English, raw translation,
old -> new: ``pipeline.render.pieces``) and described once in the details list,
which is plain HTML, so the page reads the same without script.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol

import jinja2
import jinja2.bccache

from pipeline.model import Document, Segment
from pipeline.render.notes import CHANGE, MATCH, QUOTED, Note, build_notes, unknown_word, unknown_words
from pipeline.render.pieces import Piece, cut, raw_spans, tracked
from pipeline.render.run_info import RunInfo
from pipeline.review.decisions import Decisions, Progress

# Languages written right to left: their source column and sentences get dir="rtl" (the others keep the page's ltr).
RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})


def text_direction(language: str) -> str | None:
    """``"rtl"`` for a language written right to left ("ar", "fa-IR"), else None (left to right, the page's own)."""
    return "rtl" if language.split("-")[0].split("_")[0].lower() in RTL_LANGUAGES else None


@dataclass(frozen=True)
class ReviewMode:
    """What a page needs to act from the browser (``normalize review``): its extra script and the entries to offer."""

    script: str
    entries: tuple[tuple[str, str], ...] = ()  # (id, standard name) of every glossary entry
    files: tuple[str, ...] = ()  # glossary files a new entry can go to


@dataclass(frozen=True)
class Row:
    """One sentence as the page shows it: source, normalised English, raw translation, and flags."""

    segment: Segment
    source: list[Piece]
    target: list[Piece]
    raw: list[Piece]
    tracked: list[Piece]  # the old -> new view
    flags: list[Note]
    state: str = "translated"


class TemplateCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept between runs: compiling the page templates costs more than rendering a small page.

    Jinja keys each file by template and checks it against the template's
    source, so an edited template is compiled again. Like the translation
    cache, it is never a reason to fail: a damaged file is a miss, an
    unwritable folder is skipped.
    """

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged file: any error unpickling its header
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            os.makedirs(self.directory, mode=0o700, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


@cache
def environment() -> jinja2.Environment:
    from pipeline.engines.cache import default_cache_path

    return jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline.render", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=TemplateCache(str(default_cache_path().parent / "templates")),
    )


def csp_hash(block: str) -> str:
    """CSP source expression for an inline ``<script>`` or ``<style>`` block, so only that block is allowed."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(block.encode("utf-8")).digest()).decode("ascii") + "'"


def build_rows(doc: Document, notes: list[Note], reviews: Decisions | None = None) -> list[list[Row]]:
    """The document's paragraphs as rows of sentences, each cut at its notes."""
    by_segment: dict[int, list[Note]] = {}
    for note in notes:
        by_segment.setdefault(note.segment.id, []).append(note)
    numbered = {n.n: n for n in notes}
    paragraphs: list[list[Row]] = []
    for paragraph in doc.paragraphs():
        rows: list[Row] = []
        for seg in paragraph:
            mine = by_segment.get(seg.id, [])
            source = [(*n.source_span, n.kind, n.n) for n in mine if n.source_span is not None]
            target = [(*n.target_span, n.kind, n.n) for n in mine if n.target_span is not None]
            target_pieces = cut(seg.target, 0, target, numbered)
            placed = {p.note for p in target_pieces}
            rows.append(
                Row(
                    segment=seg,
                    source=cut(seg.source, seg.start, source, numbered),
                    target=target_pieces,
                    raw=cut(seg.mt, 0, raw_spans(seg, [n for n in mine if n.change is not None]), numbered),
                    tracked=tracked(seg, mine),
                    flags=[n for n in mine if n.source_span is None and n.n not in placed],
                    state=(reviews or Decisions({})).segment_state(doc, seg),
                )
            )
        paragraphs.append(rows)
    return paragraphs


SHOWN_SCHEMES = ("http://", "https://")


@dataclass(frozen=True)
class SourceLine:
    """What the page header says of the article itself: headline, outlet, author, date, original address, source file."""

    title: str = ""
    site: str = ""
    author: str = ""
    date: str = ""
    url: str = ""  # shown as text
    link: str = ""  # the same address as a link, only when it is http(s): never javascript:, data: or a file
    file: str = ""
    record: str = ""

    @classmethod
    def of(cls, metadata: dict[str, str], path: str) -> SourceLine:
        url = metadata.get("url", "")
        return cls(
            title=metadata.get("title", ""),
            site=metadata.get("site", ""),
            author=metadata.get("author", ""),
            date=metadata.get("date", ""),
            url=url,
            link=url if url.lower().startswith(SHOWN_SCHEMES) and not any(c.isspace() for c in url) else "",
            file=os.path.basename(path),
            record=metadata.get("record", ""),
        )

    @property
    def described(self) -> bool:
        """Whether the source says more of the article than a .txt file can (its date): a header line is worth it."""
        return bool(self.title or self.site or self.author or self.url or self.record)


def render_document(doc: Document, run: RunInfo, *, review: ReviewMode | None = None) -> str:
    """The review page of one document; with ``review``, the page can also act through the local review server."""
    notes = build_notes(doc, run)
    changes_by_entry: dict[str, list[Note]] = {}
    for note in notes:
        if note.kind in (CHANGE, MATCH) and note.entry_id is not None:
            changes_by_entry.setdefault(note.entry_id, []).append(note)
    per_entry = sorted(changes_by_entry.items(), key=lambda kv: (-sum(n.kind == CHANGE for n in kv[1]), -len(kv[1]), kv[0]))
    env = environment()
    script = env.get_template("page.js").render()
    style = env.get_template("page.css").render()
    scripts = [script] if review is None else [script, review.script]
    return env.get_template("document.html.j2").render(
        doc=doc,
        run=run,
        rows=build_rows(doc, notes, run.reviews),
        notes=notes,
        keys={n.n: n.key(doc) for n in notes},
        reviews=run.reviews,
        per_entry=per_entry,
        kinds=Counter(n.kind for n in notes),
        # "kept in quotations" counts what the findings say is inside one; a word the text explains is kept apart.
        kept=(sum(n.in_quotation for n in notes), sum(n.kind == QUOTED and not n.in_quotation for n in notes)),
        others=[n for n in notes if n.kind not in (CHANGE, MATCH) and not unknown_word(n)],
        unknown=unknown_words(notes),
        checks=sorted({str(n.finding.check) for n in notes if n.finding is not None}),
        progress=run.reviews.progress(doc),
        scripts=scripts,
        style=style,
        review=review,
        source=SourceLine.of(doc.metadata, str(doc.path)),
        source_dir=text_direction(doc.language),
        csp=policy(scripts, style, connect=review is not None),
    )


class IndexRow(Protocol):
    """One document's line in the index (``pipeline.outputs.DocSummary``)."""

    @property
    def name(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def sentences(self) -> int: ...
    @property
    def warnings(self) -> tuple[str, ...]: ...
    @property
    def error(self) -> str | None: ...
    @property
    def failed(self) -> bool: ...
    @property
    def rewrite_count(self) -> int: ...
    @property
    def match_count(self) -> int: ...
    @property
    def finding_count(self) -> int: ...
    @property
    def decided(self) -> int: ...
    @property
    def to_review(self) -> int: ...
    @property
    def metadata(self) -> tuple[tuple[str, str], ...]: ...
    @property
    def progress(self) -> Progress: ...


def render_index(
    docs: Sequence[IndexRow],
    run: RunInfo,
    totals: dict[str, int],
    names: dict[str, list[str]],
    findings: dict[str, int],
    *,
    rewrites: dict[str, int] | None = None,
    progress: Progress | None = None,
    page: int = 1,
    pages: int = 1,
) -> str:
    """One page of the run's index: failures and warnings first, its documents with their figures (sortable),
    and the run's totals per entry (rewrites apart from names the engine already wrote) and review ``progress``
    (the whole run's, on every page: a reviewer on page 3 of 12 needs to know how far the run is, not the page;
    without it, the page's own documents', labels and unknown words not told apart)."""
    env = environment()
    script = env.get_template("index.js").render()
    style = env.get_template("page.css").render()
    rewrites = rewrites if rewrites is not None else totals
    sources = {d.name: SourceLine.of(dict(d.metadata), d.path) for d in docs}
    per_source = Counter(d.path for d in docs)
    return env.get_template("index.html.j2").render(
        docs=docs,
        sources=sources,
        described=any(s.described for s in sources.values()),
        grouped=any(n > 1 for n in per_source.values()) or any(s.record for s in sources.values()),
        run=run,
        totals=sorted(totals.items(), key=lambda kv: (-rewrites.get(kv[0], 0), -kv[1], kv[0])),
        rewrites=rewrites,
        findings=sorted(findings.items()),
        names=names,
        progress=progress if progress is not None else sum((d.progress for d in docs), Progress()),
        run_wide=progress is not None,
        page=page,
        pages=[("index.html" if i == 1 else f"index.{i}.html", i) for i in range(1, pages + 1)] if pages > 1 else [],
        script=script,
        style=style,
        csp=policy([script], style),
    )


def policy(scripts: list[str] | str, style: str, *, connect: bool = False) -> str:
    """The page's Content-Security-Policy: nothing may load; only the page's own script and style run.

    ``connect`` (review server pages only) lets the page's script send decisions back to the server it came from.
    """
    hashes = " ".join(csp_hash(s) for s in ([scripts] if isinstance(scripts, str) else scripts))
    return (
        f"default-src 'none'; script-src {hashes}; style-src {csp_hash(style)}; "
        + ("connect-src 'self'; " if connect else "")
        + "base-uri 'none'; form-action 'none'"
    )


__all__ = ["IndexRow", "ReviewMode", "Row", "SourceLine", "build_rows", "render_document", "render_index"]
