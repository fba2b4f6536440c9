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

from pipeline.chain import Chain
from pipeline.engines.base import Engine
from pipeline.model import Document
from pipeline.outputs import DocSummary

if TYPE_CHECKING:
    from pipeline.run import Collector, Job, Key, RunOptions


def check(options: RunOptions) -> None:
    """The local executor can always run."""


def execute(job: Job, engine: Engine, collector: Collector) -> None:
    from pipeline.run import BATCH_DOCUMENTS, read_parts

    chain = Chain(job.options.glossary, engine)
    pending: list[tuple[Key, Document]] = []
    sentences = 0
    for index, (path, name) in enumerate(zip(job.paths, job.names, strict=True)):
        for part, doc in enumerate(read_parts(path, name, job.options)):
            key = (index, part)
            if collector.skip_if_done(key, doc):
                continue
            chain.prepare(doc)
            pending.append((key, doc))
            sentences += len(doc.segments)
            if sentences >= job.options.batch_sentences or len(pending) >= BATCH_DOCUMENTS:
                finish_batch(job, chain, pending, collector)
                pending, sentences = [], 0
    finish_batch(job, chain, pending, collector)


def finish_batch(job: Job, chain: Chain, pending: list[tuple[Key, Document]], collector: Collector) -> None:
    """Translate and check a batch, then write each document's pages."""
    if not pending:
        return
    chain.finish([doc for _, doc in pending])
    for key, doc in pending:
        summary = DocSummary.of(doc) if doc.failed else job.folder.write_document(doc, job.info)
        collector.done(key, summary, doc)
