"""The stage chain: stages registered by name, run in order over a batch of documents.

``STAGES`` maps a name to a stage class (the contract is ``pipeline.stages.base``:
what each stage requires and assigns is checked when a chain is built);
``DEFAULT_ORDER`` is the chain every
command uses (``run``, ``eval``, ``glossary test``), so the order is data, as
in spaCy's ``nlp.pipe_names``. Most stages work on one document; ``translate``
sees the whole batch at once so the engine can batch. A streaming run calls
``prepare`` on each document as it is read (the stages before the first batch
stage), then ``finish`` on a bounded batch of them. One document's failure
never stops the others: it is recorded on the document, which skips the
remaining stages.
"""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.engines.base import Engine
from pipeline.errors import ConfigError, EngineError, NormalizeError
from pipeline.glossary.load import Glossary
from pipeline.model import Document
from pipeline.registry import Registry
from pipeline.stages.base import BatchStage, DocumentStage, Stage, StageContext
from pipeline.stages.check import CheckStage
from pipeline.stages.enforce import EnforceStage
from pipeline.stages.language import LanguageStage
from pipeline.stages.match import MatchStage
from pipeline.stages.names import NamesStage
from pipeline.stages.segment import SegmentStage
from pipeline.stages.translate import TranslateStage

STAGES: Registry[type[Stage]] = Registry(
    "stage",
    ((cls.name, cls) for cls in (LanguageStage, SegmentStage, MatchStage, NamesStage, TranslateStage, EnforceStage, CheckStage)),
)
DEFAULT_ORDER: tuple[str, ...] = ("language", "segment", "match", "names", "translate", "enforce", "check")
NEW_DOCUMENT = frozenset({"text"})  # what a document read from a file has before any stage


def check_order(order: Sequence[str], *, after: Sequence[str] = ()) -> None:
    """Refuse a chain whose stage needs a field no earlier stage assigns (``after``: stages already run)."""
    have = set(NEW_DOCUMENT).union(*(STAGES.find(name).assigns for name in after))
    for name in order:
        stage = STAGES.find(name)
        missing = sorted(stage.requires - have)
        if missing:
            makers = sorted(n for n, cls in STAGES.items() if cls.assigns & set(missing))
            raise ConfigError(
                f"stage {name!r} needs {', '.join(missing)}, which no stage before it assigns; "
                f"put {' or '.join(repr(m) for m in makers) or 'a stage that assigns it'} before it (order: {', '.join(order)})"
            )
        have |= stage.assigns


class Chain:
    """The stages of ``order`` built for one glossary and engine; call it on a batch of documents.

    ``engine`` may be None for a chain without a translating stage (a Ray task's); ``after`` names the stages
    the documents have already been through, for a chain that continues another one's work.
    """

    def __init__(
        self, glossary: Glossary, engine: Engine | None = None, order: Sequence[str] = DEFAULT_ORDER, *, after: Sequence[str] = ()
    ) -> None:
        check_order(order, after=after)
        context = StageContext(glossary, engine)
        self.order = tuple(order)
        self.stages: list[Stage] = [STAGES.find(name).from_context(context) for name in self.order]
        # Stages before the first batch stage run per document as documents arrive.
        self._split = next((i for i, stage in enumerate(self.stages) if stage.batch), len(self.stages))

    def __call__(self, docs: Sequence[Document]) -> Sequence[Document]:
        for doc in docs:
            self.prepare(doc)
        return self.finish(docs)

    def prepare(self, doc: Document) -> Document:
        """The stages before the first batch stage, on one document (a streaming run does this as it reads)."""
        for stage in self.stages[: self._split]:
            if doc.failed:
                break
            assert isinstance(stage, DocumentStage)
            _one(stage, doc)
        return doc

    def remember(self) -> None:
        """Write what the per-document stages learnt (language verdicts) into the cache, keeping their models:
        for a chain that only prepares, batch after batch, and never reaches ``finish``."""
        for stage in self.stages[: self._split]:
            stage.remember()

    def finish(self, docs: Sequence[Document]) -> Sequence[Document]:
        """The remaining stages, from the first batch stage on, over a batch of prepared documents.

        A chain without a batch stage does all its work in ``prepare``; call the chain itself to run it whole.
        Per-document stages that hold a model they can load again free it first (``release``), so it is not
        resident while the engine translates the batch.
        """
        for stage in self.stages[: self._split]:
            stage.release()
        for stage in self.stages[self._split :]:
            live = [d for d in docs if not d.failed]
            if not live:
                break
            if isinstance(stage, BatchStage):
                _batch(stage, live)
            else:
                assert isinstance(stage, DocumentStage)
                for doc in live:
                    _one(stage, doc)
        return docs


def _one(stage: DocumentStage, doc: Document) -> None:
    try:
        stage(doc)
    except NormalizeError as exc:
        doc.error = str(exc)
    except Exception as exc:  # one document's bug must not lose the others' work
        doc.error = f"{stage.name} stage failed: {type(exc).__name__}: {exc}; please report this file"


def _batch(stage: BatchStage, docs: list[Document]) -> None:
    """Run a batch stage; if it fails, run it document by document to isolate the culprit."""
    try:
        stage(docs)
        return
    except EngineError as exc:
        if len(docs) == 1:
            docs[0].error = f"translation failed: {exc}"
            return
    for doc in docs:
        try:
            stage([doc])
        except EngineError as exc:
            doc.error = f"translation failed: {exc}"
