"""Writing a run's files: one set of pages per document, then the run's report and index.

Every file is written atomically (``render.write.write_atomic``), so a page
is either the previous complete one or the new complete one.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.model import Document
from pipeline.render import FORMATS, RunInfo
from pipeline.render.html import render_index
from pipeline.render.json_format import dumps
from pipeline.render.write import write_atomic

RESERVED_NAMES = frozenset({"index", "report", "review"})  # the run's own index.html, report.json and review.json (decisions)


def output_names(paths: Sequence[Path]) -> list[str]:
    """One output stem per input; a stem seen twice, or taken by the run's own files, gets a short hash of its path."""
    stems = [_printable(p.stem) for p in paths]
    seen = Counter(stems)
    return [
        stem if seen[stem] == 1 and stem not in RESERVED_NAMES else f"{stem}-{_short_hash(p)}"
        for stem, p in zip(stems, paths, strict=True)
    ]


def write_document(doc: Document, info: RunInfo, out: Path, formats: Sequence[str]) -> None:
    """Render every format in memory, then write each file; a failure becomes the document's error."""
    try:
        rendered = [(out / (doc.name + FORMATS[f][0]), FORMATS[f][1](doc, info)) for f in formats]
        for path, text in rendered:
            write_atomic(path, text)
    except OSError as exc:
        doc.error = f"cannot write output: {exc.strerror or exc}; check that {out} is writable"
    except Exception as exc:  # a renderer bug loses this document's pages, not the run
        doc.error = f"render failed: {type(exc).__name__}: {exc}; please report this file"


def write_run_files(docs: Sequence[Document], info: RunInfo, out: Path) -> dict[str, Any]:
    """``report.json`` and ``index.html`` for the whole run; returns the report."""
    report = build_report(docs, info)
    write_atomic(out / "report.json", dumps(report))
    write_atomic(out / "index.html", render_index(list(docs), info, report["changes_per_entry"]))
    return report


def build_report(docs: Sequence[Document], info: RunInfo) -> dict[str, Any]:
    """The run summary: documents done and failed, changes per entry, findings per check."""
    changes: Counter[str] = Counter()
    findings: Counter[str] = Counter()
    for doc in docs:
        for seg in doc.segments:
            changes.update(c.entry for c in seg.changes)
            findings.update(str(f.check) for f in seg.findings)
    return {
        "signature": info.signature_line(),
        **info.signature(),
        "documents": {
            "done": [{"path": str(d.path), "name": d.name, "segments": len(d.segments), "warnings": d.warnings} for d in docs if not d.failed],
            "failed": [{"path": str(d.path), "error": d.error} for d in docs if d.failed],
        },
        "changes_per_entry": dict(sorted(changes.items())),
        "findings_per_check": dict(sorted(findings.items())),
    }


def _short_hash(path: Path) -> str:
    return hashlib.sha256(os.fsencode(path)).hexdigest()[:8]


def _printable(stem: str) -> str:
    """A file name that is not valid UTF-8 gets U+FFFD for its bad bytes, so pages can name and link it."""
    return os.fsencode(stem).decode("utf-8", errors="replace")
