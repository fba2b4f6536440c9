"""The stage chain: stages registered by name, run in order over a batch of documents.

``STAGES`` maps a name to a factory; ``DEFAULT_ORDER`` is the chain every
command uses (``run``, ``eval``, ``glossary test``), so the order is data, as
in spaCy's ``nlp.pipe_names``. Most stages work on one document; ``translate``
sees the whole batch at once so the engine can batch. A streaming run calls
``prepare`` on each document as it is read (the stages before the first batch
stage), then ``finish`` on a bounded batch of them. One document's failure
never stops the others: it is recorded on the document, which skips the
remaining stages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pipeline.engines.base import Engine
from pipeline.engines.cache import CachedEngine, TranslationCache
from pipeline.errors import EngineError, NormalizeError
from pipeline.glossary.load import Glossary
from pipeline.glossary.matcher import Matcher
from pipeline.model import Document
from pipeline.stages.check import CheckStage
from pipeline.stages.enforce import EnforceStage
from pipeline.stages.language import LanguageStage
from pipeline.stages.match import MatchStage
from pipeline.stages.names import NamesStage
from pipeline.stages.segment import segment
from pipeline.stages.translate import TranslateStage

DocStage = Callable[[Document], Document]
BatchStage = Callable[[Sequence[Document]], Sequence[Document]]


@dataclass(frozen=True)
class StageSpec:
    """How to build one stage, and whether it runs per document or over the batch."""

    build: Callable[[Glossary, Engine], DocStage | BatchStage]
    batch: bool = False


STAGES: dict[str, StageSpec] = {
    "language": StageSpec(lambda glossary, engine: LanguageStage(engine.source, memo=_cache_of(engine))),
    "segment": StageSpec(lambda glossary, engine: segment),
    "match": StageSpec(lambda glossary, engine: MatchStage(Matcher(glossary))),
    "names": StageSpec(lambda glossary, engine: NamesStage(glossary)),
    "translate": StageSpec(lambda glossary, engine: TranslateStage(engine, glossary.renderings()), batch=True),
    "enforce": StageSpec(lambda glossary, engine: EnforceStage(glossary.target)),
    "check": StageSpec(lambda glossary, engine: CheckStage(glossary)),
}
DEFAULT_ORDER: tuple[str, ...] = ("language", "segment", "match", "names", "translate", "enforce", "check")


class Chain:
    """The stages of ``order`` built for one glossary and engine; call it on a batch of documents."""

    def __init__(self, glossary: Glossary, engine: Engine, order: Sequence[str] = DEFAULT_ORDER) -> None:
        unknown = [name for name in order if name not in STAGES]
        if unknown:
            raise ValueError(f"unknown stage {unknown[0]!r}; registered: {', '.join(STAGES)}")
        self.order = tuple(order)
        self.stages = [(name, STAGES[name].batch, STAGES[name].build(glossary, engine)) for name in self.order]

    def __call__(self, docs: Sequence[Document]) -> Sequence[Document]:
        for doc in docs:
            self.prepare(doc)
        return self.finish(docs)

    @property
    def _split(self) -> int:
        """Where the first batch stage is: stages before it run per document as documents arrive."""
        return next((i for i, (_, batch, _) in enumerate(self.stages) if batch), len(self.stages))

    def prepare(self, doc: Document) -> Document:
        """The stages before the first batch stage, on one document (a streaming run does this as it reads)."""
        for name, _, stage in self.stages[: self._split]:
            if doc.failed:
                break
            _one(name, stage, doc)  # type: ignore[arg-type]
        return doc

    def remember(self) -> None:
        """Write what the per-document stages learnt (language verdicts) into the cache, keeping their models:
        for a chain that only prepares, batch after batch, and never reaches ``finish``."""
        for _, _, stage in self.stages[: self._split]:
            remember = getattr(stage, "remember", None)
            if remember is not None:
                remember()

    def finish(self, docs: Sequence[Document]) -> Sequence[Document]:
        """The remaining stages, from the first batch stage on, over a batch of prepared documents.

        A chain without a batch stage does all its work in ``prepare``; call the chain itself to run it whole.
        Per-document stages that hold a model they can load again (``release``) free it first, so it is not
        resident while the engine translates the batch.
        """
        for _, _, stage in self.stages[: self._split]:
            release = getattr(stage, "release", None)
            if release is not None:
                release()
        for name, batch, stage in self.stages[self._split :]:
            live = [d for d in docs if not d.failed]
            if not live:
                break
            if batch:
                _batch(name, stage, live)  # type: ignore[arg-type]
            else:
                for doc in live:
                    _one(name, stage, doc)  # type: ignore[arg-type]
        return docs


def _cache_of(engine: Engine) -> TranslationCache | None:
    """The run's translation cache, which also remembers language verdicts (none with --no-cache)."""
    return engine.cache if isinstance(engine, CachedEngine) else None


def _one(name: str, stage: DocStage, doc: Document) -> None:
    try:
        stage(doc)
    except NormalizeError as exc:
        doc.error = str(exc)
    except Exception as exc:  # one document's bug must not lose the others' work
        doc.error = f"{name} stage failed: {type(exc).__name__}: {exc}; please report this file"


def _batch(name: str, stage: BatchStage, docs: list[Document]) -> None:
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
