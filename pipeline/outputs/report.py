"""The run's one report: a ``DocSummary`` per document, and the ``RunReport`` that report.json, the index and the
command line's summary read."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pipeline.model import Document
from pipeline.outputs.names import INDEX_NAME
from pipeline.render import RunInfo
from pipeline.render.json_format import FORMAT_VERSION
from pipeline.review.decisions import Decisions, Progress, json_keys, review_keys

T = TypeVar("T")
V = TypeVar("V", str, int)


@dataclass(frozen=True, slots=True)
class DocSummary:
    """What the report and the index need of one document: its figures, never its text.

    A run keeps one per document until its report is written, so they are compact: no ``__dict__``, and
    the (entry, count) and (entry, name) pairs and their strings, which repeat from document to document,
    are one shared object each (``_shared``): ~2 KB per document became ~0.6 KB.
    """

    path: str
    name: str
    language: str
    sentences: int = 0
    warnings: tuple[str, ...] = ()
    error: str | None = None
    changes: tuple[tuple[str, int], ...] = ()  # entry -> changes, sorted
    findings: tuple[tuple[str, int], ...] = ()  # check -> findings, sorted
    names: tuple[tuple[str, str], ...] = ()  # (entry, standard name written), sorted, unique
    noops: tuple[tuple[str, int], ...] = ()  # entry -> changes where the engine already wrote the standard name
    decided: int = 0  # notes (changes, findings) a reviewer decided (``normalize review``)
    notes: int = 0  # notes a reviewer can decide
    noise_decided: int = 0  # of ``decided``, words the engine did not know (engine noise, not labels)
    noise_notes: int = 0  # of ``notes``, words the engine did not know
    metadata: tuple[tuple[str, str], ...] = ()  # the document's title, date, site, URL … (``Document.metadata``)

    def meta(self, key: str) -> str:
        """One metadata value (``title``, ``date``, ``site``, ``url`` …), "" when the source does not say."""
        return dict(self.metadata).get(key, "")

    @property
    def failed(self) -> bool:
        return self.error is not None

    @property
    def change_count(self) -> int:
        return sum(n for _, n in self.changes)

    @property
    def finding_count(self) -> int:
        return sum(n for _, n in self.findings)

    @property
    def match_count(self) -> int:
        """Changes that only confirm the standard name ("Hamas" -> "Hamas")."""
        return sum(n for _, n in self.noops)

    @property
    def rewrite_count(self) -> int:
        return self.change_count - self.match_count

    @property
    def unknown_count(self) -> int:
        """Engine noise: words the engine did not know (``unknown-word`` findings)."""
        return dict(self.findings).get("unknown-word", 0)

    @property
    def label_count(self) -> int:
        """The notes about labels and names: rewrites and every finding but the engine's unknown words."""
        return self.rewrite_count + self.finding_count - self.unknown_count

    @property
    def to_review(self) -> int:
        return self.notes - self.decided

    @property
    def progress(self) -> Progress:
        return Progress(self.decided, self.notes, self.noise_decided, self.noise_notes)

    @classmethod
    def of(cls, doc: Document, reviews: Decisions | None = None) -> DocSummary:
        if doc.failed:
            return cls(
                path=str(doc.path), name=doc.name, language=doc.language, error=doc.error, metadata=tuple(doc.metadata.items())
            )
        return cls._counted(
            str(doc.path),
            doc.name,
            doc.language,
            sentences=len(doc.segments),
            warnings=doc.warnings,
            changes=[(c.entry, c.target_text, c.noop) for s in doc.segments for c in s.changes],
            checks=[str(f.check) for s in doc.segments for f in s.findings],
            progress=(reviews or Decisions({})).tally(review_keys(doc)),
            metadata=doc.metadata,
        )

    @classmethod
    def from_json(cls, name: str, data: dict[str, Any], reviews: Decisions | None = None) -> DocSummary:
        """The summary of a document written by an earlier run, read back from its JSON (resume)."""
        segments = data["segments"]
        return cls._counted(
            data["source"]["path"],
            name,
            data["source"]["language"],
            sentences=len(segments),
            warnings=data["warnings"],
            changes=[
                (c["entry"], c["target_text"], c.get("mt_span") is not None and c["mt_text"] == c["target_text"])
                for s in segments
                for c in s["changes"]
            ],
            checks=[f["check"] for s in segments for f in s["findings"]],
            progress=(reviews or Decisions({})).tally(list(json_keys(data, reviewable=True))),
            metadata={str(k): str(v) for k, v in (data["source"].get("metadata") or {}).items()},
        )

    @classmethod
    def _counted(
        cls,
        path: str,
        name: str,
        language: str,
        *,
        sentences: int,
        warnings: Sequence[str],
        changes: list[tuple[str, str, bool]],  # (entry, target text, the engine already wrote it)
        checks: list[str],
        progress: Progress,
        metadata: dict[str, str] | None = None,
    ) -> DocSummary:
        return cls(
            path=path,
            name=name,
            language=language,
            sentences=sentences,
            warnings=tuple(warnings),
            changes=_pairs(Counter(entry for entry, _, _ in changes).items()),
            findings=_pairs(Counter(checks).items()),
            names=_pairs({(entry, text) for entry, text, _ in changes}),
            noops=_pairs(Counter(entry for entry, _, noop in changes if noop).items()),
            decided=progress.decided,
            notes=progress.notes,
            noise_decided=progress.noise_decided,
            noise_notes=progress.noise_notes,
            metadata=tuple((metadata or {}).items()),
        )


_SHARED: dict[object, Any] = {}  # the pairs and strings of every summary made in this process, each once


def _shared(value: T) -> T:
    """The one object equal to ``value`` (``value`` itself the first time)."""
    found: T = _SHARED.setdefault(value, value)
    return found


def _pairs(pairs: Iterable[tuple[str, V]]) -> tuple[tuple[str, V], ...]:
    """``pairs`` sorted, each pair and its strings shared with equal ones of other summaries."""
    return tuple(_shared((_shared(key), _shared(value) if isinstance(value, str) else value)) for key, value in sorted(pairs))


@dataclass
class RunReport:
    """The run's one report: report.json, the index and the command line's summary all read it.

    Figures that differ between an interrupted-and-resumed run and an
    uninterrupted one (documents skipped, sentences from the cache) are kept
    for the summary but not written to report.json, so its bytes do not depend
    on how the run got there.
    """

    info: RunInfo
    docs: list[DocSummary] = field(default_factory=list)
    skipped: int = 0  # documents whose outputs were already up to date
    sentences_translated: int = 0  # sentences sent to the translate stage by this run
    sentences_cached: int = 0  # of those, found in the translation cache
    stale: list[str] = field(default_factory=list)  # pages of earlier runs this run did not write
    # The folder the run was started in: its relative input and glossary paths are relative to it (the review
    # server resolves them against it, never against its own folder).
    cwd: str = field(default_factory=os.getcwd)
    removed: list[str] = field(default_factory=list)  # of those, removed by --clean

    def add(self, summary: DocSummary) -> None:
        self.docs.append(summary)

    @property
    def done(self) -> list[DocSummary]:
        return [d for d in self.docs if not d.failed]

    @property
    def failed(self) -> list[DocSummary]:
        return [d for d in self.docs if d.failed]

    @property
    def changes_per_entry(self) -> dict[str, int]:
        return self._sum("changes")

    @property
    def findings_per_check(self) -> dict[str, int]:
        return self._sum("findings")

    @property
    def rewrites_per_entry(self) -> dict[str, int]:
        noops = self._sum("noops")
        return {entry: n - noops.get(entry, 0) for entry, n in self.changes_per_entry.items()}

    @property
    def progress(self) -> Progress:
        """The whole run's review progress (every page of the index shows it, not only its own documents')."""
        total = Progress()
        for d in self.done:
            total += d.progress
        return total

    def _sum(self, counts: str) -> dict[str, int]:
        """One of the summaries' per-key counts (``changes``, ``findings``, ``noops``), over every document."""
        total: Counter[str] = Counter()
        for d in self.docs:
            total.update(dict(getattr(d, counts)))
        return dict(sorted(total.items()))

    def names_per_entry(self) -> dict[str, list[str]]:
        names: dict[str, set[str]] = {}
        for d in self.docs:
            for entry, text in d.names:
                names.setdefault(entry, set()).add(text)
        return {entry: sorted(texts) for entry, texts in sorted(names.items())}

    def to_json(self) -> dict[str, Any]:
        """The content of report.json."""
        return {
            "format_version": FORMAT_VERSION,
            "signature": self.info.signature_line(),
            **self.info.signature(),
            "cwd": self.cwd,
            "documents": {
                "done": [
                    {"path": d.path, "name": d.name, "segments": d.sentences, "warnings": list(d.warnings)} for d in self.done
                ],
                "failed": [{"path": d.path, "error": d.error} for d in self.failed],
            },
            "changes_per_entry": self.changes_per_entry,
            "findings_per_check": self.findings_per_check,
        }

    def __getitem__(self, key: str) -> Any:
        """Read it like report.json: ``report["changes_per_entry"]``."""
        return self.to_json()[key]

    def summary(self, out: Path) -> list[str]:
        """The command line's closing lines."""
        total, done = len(self.docs), len(self.done)
        changes, findings = sum(self.changes_per_entry.values()), sum(self.findings_per_check.values())
        figures = f"with {self.info.engine} ({plural(changes, 'change')}, {plural(findings, 'finding')}); open {out / INDEX_NAME}"
        if self.skipped:  # "40 documents: 2 written, 38 already up to date", never "40 of 40 written ... 38 skipped"
            failed = total - done
            lines = [
                f"{plural(total, 'document')}: {done - self.skipped} written, {self.skipped} already up to date"
                + (f", {failed} failed" if failed else "")
                + f" (--force redoes them), in {out}/ {figures}"
            ]
        else:
            lines = [f"{done} of {plural(total, 'document')} written to {out}/ {figures}"]
        if self.sentences_translated:
            lines.append(
                f"{self.sentences_cached} of {plural(self.sentences_translated, 'sentence')} came from the translation cache"
            )
        if self.removed:
            lines.append(f"removed {plural(len(self.removed), 'page')} of earlier runs (--clean)")
        elif self.stale:
            shown = ", ".join(self.stale[:3]) + (" …" if len(self.stale) > 3 else "")
            lines.append(
                f"warning: {plural(len(self.stale), 'page')} in {out}/ not written by this run ({shown}); --clean removes them"
            )
        return lines


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
