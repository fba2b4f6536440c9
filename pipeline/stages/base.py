"""The stage contract: what every stage of the chain is, builds from and promises.

A stage is a class with a ``name``, whether it works on the whole ``batch``,
the document fields it ``requires`` and the ones it ``assigns`` (checked when
a ``Chain`` is built, so a misordered chain is refused before any document is
read), and ``from_context`` to build it from a ``StageContext``. ``release``
(free a model that can be loaded again, before the engine runs) and
``remember`` (write what was learnt to the cache) do nothing unless a stage
needs them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Self

from pipeline.model import Document

if TYPE_CHECKING:
    from pipeline.engines.base import Engine
    from pipeline.engines.cache import TranslationCache
    from pipeline.glossary.load import Glossary

# The fields of a document a stage may require or assign; a new document has its text.
FIELDS = frozenset({"text", "language", "segments", "quotes", "hits", "translations", "target", "changes", "findings"})


@dataclass(frozen=True)
class StageContext:
    """What stages are built from. ``engine`` is None in a process that never translates (a Ray task)."""

    glossary: Glossary
    engine: Engine | None = None

    @property
    def source(self) -> str:
        return self.engine.source if self.engine is not None else self.glossary.source

    @property
    def target(self) -> str:
        return self.engine.target if self.engine is not None else self.glossary.target

    @property
    def cache(self) -> TranslationCache | None:
        """The run's translation cache, which also remembers language verdicts (none with --no-cache)."""
        from pipeline.engines.cache import CachedEngine

        return self.engine.cache if isinstance(self.engine, CachedEngine) else None

    def translator(self) -> Engine:
        """The engine, for the stages that translate; building one without it is a programming error."""
        if self.engine is None:
            raise ValueError("this stage translates: build its chain with an engine")
        return self.engine


class Stage(ABC):
    """One named step of the chain; see the module docstring."""

    name: ClassVar[str]
    batch: ClassVar[bool] = False
    requires: ClassVar[frozenset[str]] = frozenset()
    assigns: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    @abstractmethod
    def from_context(cls, context: StageContext) -> Self:
        """Build the stage for a run."""

    def release(self) -> None:  # noqa: B027 (a hook most stages do not need)
        """Free what can be loaded again, so it is not resident while the engine translates a batch."""

    def remember(self) -> None:  # noqa: B027
        """Write what the stage learnt into the run's cache."""


class DocumentStage(Stage):
    """A stage that works on one document at a time (it may run as each document is read)."""

    @abstractmethod
    def __call__(self, doc: Document) -> Document: ...


class BatchStage(Stage):
    """A stage that sees a whole batch at once, so the engine can batch."""

    batch: ClassVar[bool] = True

    @abstractmethod
    def __call__(self, docs: Sequence[Document]) -> Sequence[Document]: ...
