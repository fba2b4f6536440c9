"""What every output records about the run that produced it (its signature)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline import __version__
from pipeline.engines.base import Engine
from pipeline.glossary.load import Glossary
from pipeline.review.decisions import Decisions


@dataclass
class RunInfo:
    """Engine, glossary and options: everything that changes the result, so runs can be compared."""

    engine: str
    engine_version: str
    pivot: list[str]
    source: str
    target: str
    glossary: Glossary
    options: dict[str, Any] = field(default_factory=dict)
    # What reviewers decided (``normalize review``); shown on the pages and in XLIFF, not part of the signature.
    reviews: Decisions = field(default_factory=lambda: Decisions({}))
    run_signature: str = ""  # a hash of what changes a document's output (pipeline.run.run_signature), for resume

    @classmethod
    def of(cls, engine: Engine, glossary: Glossary, **options: Any) -> RunInfo:
        """The signature of a run with this engine and glossary."""
        return cls(
            engine=engine.name,
            engine_version=engine.version,
            pivot=engine.pivot,
            source=glossary.source,
            target=glossary.target,
            glossary=glossary,
            options=options,
        )

    def signature(self) -> dict[str, Any]:
        return {
            "tool": f"normalize {__version__}",
            "engine": {"name": self.engine, "version": self.engine_version, "pivot": self.pivot},
            "glossaries": dict(self.glossary.files),
            "options": dict(self.options),
        }

    def signature_line(self) -> str:
        """A one-line signature in the sacrebleu spirit: name:value|name:value."""
        files = ",".join(f"{p.rsplit('/', 1)[-1]}@{h[:12]}" for p, h in self.glossary.files.items())
        return (
            f"normalize:{__version__}|engine:{self.engine}|model:{self.engine_version}"
            f"|pair:{self.source}-{self.target}|glossary:{files}"
        )
