"""The local executor: documents stream read -> chain -> write in bounded batches.

Each document runs the per-document stages (language, segment, match …) as it
is read; once the pending documents hold ``batch_sentences`` sentences (or
``BATCH_DOCUMENTS`` documents), the batch goes through translation (one engine
call for the batch, after the cache and de-duplication) and the remaining
stages, and its pages are written. Memory therefore depends on the batch size,
not on the number of documents.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.engines.base import Engine
from pipeline.executors.base import BATCH_DOCUMENTS, Collector, Executor, Job, Key
from pipeline.model import Document
from pipeline.outputs.names import TakenNames
from pipeline.outputs.report import DocSummary
from pipeline.readers.parts import iter_parts

if TYPE_CHECKING:
    from pipeline.chain import Chain


class LocalExecutor(Executor):
    """Streaming batches in this process; it can always run."""

    name = "local"

    def execute(self, job: Job, engine: Engine, collector: Collector) -> None:
        """Read, prepare and resume each document as it comes; finish and write the pending ones batch by batch."""
        chain: Chain | None = None  # built for the first document to redo: a run that skips all never builds it
        pending: list[tuple[Key, Document, str]] = []
        sentences = 0
        taken = TakenNames(job.names)
        for index, (path, name) in enumerate(zip(job.paths, job.names, strict=True)):
            for part, doc in enumerate(iter_parts(path, name, job.options, taken)):  # a source's documents as they are read
                key = (index, part)
                if collector.skip_if_unchanged(key, doc):
                    continue
                if chain is None:
                    from pipeline.chain import Chain  # with its stages

                    chain = Chain(job.options.glossary, engine)
                chain.prepare(doc)  # the cheap stages first: what they find decides whether the document is up to date
                matches = "" if doc.failed else collector.use.matches(doc)
                if collector.skip_if_done(key, doc, matches):
                    continue
                pending.append((key, doc, matches))
                sentences += len(doc.segments)
                if sentences >= job.options.batch_sentences or len(pending) >= BATCH_DOCUMENTS:
                    finish_batch(job, chain, pending, collector)
                    pending, sentences = [], 0
        if chain is not None:
            finish_batch(job, chain, pending, collector)


def finish_batch(job: Job, chain: Chain, pending: list[tuple[Key, Document, str]], collector: Collector) -> None:
    """Translate and check a batch, then write each document's pages."""
    if not pending:
        return
    chain.finish([doc for _, doc, _ in pending])
    for key, doc, matches in pending:
        if doc.failed:
            summary = DocSummary.of(doc)
        else:
            summary = job.folder.write_document(doc, job.info, collector.use.fingerprint(doc, matches))
        collector.done(key, summary, doc)
