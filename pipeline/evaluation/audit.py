"""Audit normalised documents: what a news desk must be able to trust, counted per document.

``normalize eval --articles DIR`` needs no reference translation. It runs the
same stages as ``normalize run`` over whole articles (``process_articles``) and
counts, per document (``pipeline.evaluation.document_audit``, which lists the
figures) and in total, what the review pages would show a reviewer and what
they must never show.

Like a sacrebleu score, the ``AuditReport`` renders as text or JSON and carries
the run's signature.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.engines.base import Engine
from pipeline.errors import ConfigError, NormalizeError, printable
from pipeline.evaluation.collateral import Edit
from pipeline.evaluation.document_audit import COUNTERS, DETAILS, DocumentAudit, Note, audit_document
from pipeline.evaluation.printing import counts_inline, counts_table
from pipeline.glossary.load import Glossary
from pipeline.model import Document
from pipeline.render.run_info import RunInfo


@dataclass
class AuditReport:
    """Per-document audits and their totals, with the signature of the run that produced the documents."""

    documents: list[DocumentAudit]
    info: RunInfo | None = None
    corpus: str = ""

    @property
    def done(self) -> list[DocumentAudit]:
        return [d for d in self.documents if d.error is None]

    @property
    def failed(self) -> list[DocumentAudit]:
        return [d for d in self.documents if d.error is not None]

    def totals(self) -> dict[str, int]:
        total: Counter[str] = Counter({name: 0 for name, _, _ in COUNTERS})
        for doc in self.done:
            total.update(doc.counts())
        return {name: total[name] for name, _, _ in COUNTERS}

    def changes_per_entry(self) -> dict[str, int]:
        return _sum_counts(d.changes_per_entry for d in self.done)

    def findings_per_check(self) -> dict[str, int]:
        return _sum_counts(d.findings_per_check for d in self.done)

    def to_json(self) -> dict[str, Any]:
        signature = {"signature": self.info.signature_line(), **self.info.signature()} if self.info else {}
        return {
            **signature,
            "corpus": {"articles": self.corpus, "documents": len(self.documents), "failed": len(self.failed)},
            "totals": self.totals(),
            "changes_per_entry": self.changes_per_entry(),
            "findings_per_check": self.findings_per_check(),
            "documents": [d.to_json() for d in self.documents],
        }

    def format(self, *, show: int = 10) -> str:
        """A plain-text report: a table of the figures per document and in total, then up to ``show`` examples of each."""
        name_width = max([len("total"), *(len(d.name) for d in self.documents)])
        header = f"{'document':{name_width}}" + "".join(f"{col:>9}" for _, col, _ in COUNTERS)
        out = [f"normalize eval: audit of {len(self.documents)} documents in {self.corpus or 'the input'}"]
        if self.info is not None:
            out.append(f"  {self.info.signature_line()}")
        out += ["", header]
        out += [f"{d.name:{name_width}}" + "".join(f"{v:9d}" for v in d.counts().values()) for d in self.done]
        out.append(f"{'total':{name_width}}" + "".join(f"{v:9d}" for v in self.totals().values()))
        out += ["", *(f"  {col:>8}  {legend}" for _, col, legend in COUNTERS)]
        out += ["", "changes per entry:", *counts_table(self.changes_per_entry())]
        out += ["", f"findings per check: {counts_inline(self.findings_per_check()) or 'none'}"]
        if self.done:
            out += ["", "changes per entry, per document:"]
            out += [f"  {d.name}: {counts_inline(d.changes_per_entry) or 'none'}" for d in self.done]
        described = [d for d in self.documents if set(d.metadata) - {"date", "record"}]
        if described:
            out += ["", "articles (as their sources describe them):"]
            out += [f"  {d.name}: {_described(d.metadata)}" for d in described]
        if show > 0:
            legends = {name: legend for name, _, legend in COUNTERS}
            for name in DETAILS:
                items = [(d.name, x) for d in self.done for x in getattr(d, name)]
                if items:
                    out += ["", f"{legends[name]} ({min(show, len(items))} of {len(items)}):"]
                    out += [f"  {doc} segment {x.segment}: {_describe(x)}" for doc, x in items[:show]]
        if self.failed:
            out += ["", f"failed documents ({len(self.failed)}):", *(f"  {d.path}: {d.error}" for d in self.failed)]
        return "".join(printable(line) + "\n" for line in out)  # one line each: a name cannot forge another


def audit(docs: Sequence[Document], *, info: RunInfo | None = None, corpus: str = "") -> AuditReport:
    """Audit documents that went through every stage (``normalize run``'s pipeline)."""
    return AuditReport([audit_document(doc) for doc in docs], info=info, corpus=corpus)


def _describe(item: Note | Edit) -> str:
    if isinstance(item, Edit):
        return str(item)
    return f"{item.text!r}" + (f" ({item.entry})" if item.entry else "")


def _sum_counts(counts: Iterable[dict[str, int]]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for c in counts:
        total.update(c)
    return dict(sorted(total.items()))


def _described(meta: dict[str, str]) -> str:
    """``“Title” — site, date, by author, url`` from what a document's source says of it."""
    title = f"“{meta['title']}”" if meta.get("title") else "untitled"
    rest = [meta.get("site", ""), meta.get("date", ""), f"by {meta['author']}" if meta.get("author") else "", meta.get("url", "")]
    return " — ".join([title, ", ".join(x for x in rest if x)]) if any(rest) else title


def process_articles(folder: Path, glossary: Glossary, engine: Engine) -> list[Document]:
    """Read every article under ``folder`` (``*.txt``, web pages, feeds, exports …: ``pipeline.readers``) and run
    ``normalize run``'s stages over them (no files written).

    The one place the audit builds documents, so it follows the run's pipeline when that changes.
    """
    from pipeline.chain import Chain
    from pipeline.outputs.names import ItemNames, TakenNames, output_names
    from pipeline.readers.files import collect_inputs, read_documents

    if not folder.is_dir():
        raise ConfigError(f"--articles {folder} is not a folder; give a folder of .txt articles")
    paths = collect_inputs([folder])
    if not paths:
        raise ConfigError(f"no .txt files found in {folder} (nor web pages, feeds or exports); give a folder of .txt articles")
    docs: list[Document] = []
    names = output_names(paths)
    taken = TakenNames(names)
    for path, name in zip(paths, names, strict=True):
        try:
            docs.extend(read_documents(path, language=glossary.source, name=path.stem if path.suffix == ".txt" else name,
                                       root=folder, item_name=ItemNames(name, path, taken)))
        except Exception as exc:  # NormalizeError: the file's reason; anything else: a reader's bug, this file only
            reason = str(exc) if isinstance(exc, NormalizeError) else f"cannot read ({type(exc).__name__}: {exc})"
            docs.append(Document(path=path, name=path.stem, text="", language=glossary.source, sha256="", error=reason))
    return list(Chain(glossary, engine)(docs))
