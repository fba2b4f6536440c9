"""The executor contract: what moves documents through the chain, and what it hands back.

An ``Executor`` checks it can run (``check``, before the output lock is taken)
and ``execute``s a ``Job``: every input read, prepared, resumed or translated,
finished and written through the job's ``OutputFolder``, each document's
summary handed to the ``Collector`` (``done``, or ``skip_if_unchanged`` /
``skip_if_done`` / ``skipped_done`` for one already up to date). Local and Ray implement it and
write the same files.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from pipeline.engines.base import Engine
from pipeline.errors import printable
from pipeline.model import Document
from pipeline.outputs.folder import OutputFolder
from pipeline.outputs.report import DocSummary
from pipeline.progress import Bar
from pipeline.render import RunInfo
from pipeline.resume import GlossaryUse, unchanged, up_to_date

if TYPE_CHECKING:
    from pipeline.run import RunOptions

BATCH_SENTENCES = 2000  # sentences per translation batch: large enough for engines to batch, small enough to bound memory
BATCH_DOCUMENTS = 500  # and at most this many documents per batch


@dataclass
class Job:
    """What an executor needs: the inputs, their output names, and where and how to write them."""

    options: RunOptions
    paths: Sequence[Path]
    names: list[str]
    info: RunInfo
    folder: OutputFolder


Key = tuple[int, int]  # (input index, part index): the report's order, whatever order documents finish in


class Collector:
    """Receives each document as an executor finishes it: progress, failures as they happen, the report."""

    def __init__(self, job: Job, bar: Bar) -> None:
        self.job = job
        self.bar = bar
        self.entries: list[tuple[Key, DocSummary]] = []
        self.documents: list[tuple[Key, Document]] = []
        self.skipped = 0
        self.written = 0
        self.use = GlossaryUse(job.options.glossary)

    def skip_if_unchanged(self, key: Key, doc: Document) -> bool:
        """Resume, as ``doc`` is read: record and skip it if it was written from the same bytes, run and whole
        glossary (``pipeline.resume.unchanged``), before any stage runs."""
        summary = unchanged(self.job.folder, doc, self.job.info, self.job.options, self.use)
        if summary is None:
            return False
        self.skipped_done(key, summary)
        return True

    def skip_if_done(self, key: Key, doc: Document, matches: str) -> bool:
        """Resume: record and skip prepared ``doc`` if it is up to date (``pipeline.resume.up_to_date``;
        ``matches``: ``GlossaryUse.matches`` of it)."""
        summary = up_to_date(self.job.folder, doc, self.job.info, self.job.options, self.use, matches)
        if summary is None:
            return False
        self.skipped_done(key, summary)
        return True

    def skipped_done(self, key: Key, summary: DocSummary) -> None:
        """Record a document found up to date (here, or by an executor's worker): its files stay, claimed."""
        self.job.folder.claim(self.job.folder.files_of(summary.name))
        self.skipped += 1
        self.done(key, summary, None)

    def done(self, key: Key, summary: DocSummary, doc: Document | None) -> None:
        self.entries.append((key, summary))
        if summary.failed:
            self.bar.log(printable(f"normalize: failed: {summary.path}: {summary.error}"))
        else:
            self.written += 1
        if doc is not None and self.job.options.keep_documents:
            self.documents.append((key, doc))
        if key[1] == 0:
            self.bar.advance()


class Executor(ABC):
    """How a run's documents go through the chain: in this process, or on a cluster."""

    name: ClassVar[str]

    @classmethod  # noqa: B027 (most executors can always run)
    def check(cls, options: RunOptions) -> None:
        """Raise ``ConfigError`` before the run starts if this executor cannot work (a missing library, say)."""

    @abstractmethod
    def execute(self, job: Job, engine: Engine, collector: Collector) -> None:
        """Run every input of ``job``, handing each document's summary to ``collector``."""
