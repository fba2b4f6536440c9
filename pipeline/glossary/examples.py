"""Run the ``examples`` of glossary entries through the real pipeline: a glossary's own unit tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.chain import Chain
from pipeline.engines.base import Engine
from pipeline.glossary.load import Entry, Example, Glossary
from pipeline.model import text_document


@dataclass
class ExampleResult:
    entry: Entry
    example: Example
    target: str
    problems: list[str] = field(default_factory=list)


def run_examples(glossary: Glossary, engine: Engine) -> list[ExampleResult]:
    """Translate every example in one batch and check its must / must_not strings (case-sensitive)."""
    cases = [(e, ex) for e in glossary.entries for ex in e.examples]
    docs = [text_document(ex.source, language=glossary.source, name=f"{e.id}-{i}") for i, (e, ex) in enumerate(cases)]
    Chain(glossary, engine)(docs)
    results = []
    for (entry, example), doc in zip(cases, docs, strict=True):
        target = " ".join(seg.target for seg in doc.segments)
        result = ExampleResult(entry, example, target)
        if doc.error:
            result.problems.append(f"failed: {doc.error}")
        result.problems += [f"must contain {m!r}" for m in example.must if m not in target]
        result.problems += [f"must not contain {m!r}" for m in example.must_not if m in target]
        results.append(result)
    return results
