"""Apertium without its unknown-word spans, for tests that walk a page's changes as notes n0, n1, ...

Unknown words are highlighted as notes too; tests/test_engine_unknown_words.py covers them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from pipeline.engines import create_engine
from pipeline.engines.base import Engine, EngineOutput, Span


def known_words_only() -> Engine:
    engine = create_engine("apertium", "fr", "en")
    aligned = engine.translate_aligned

    def without_unknown(sentences: Sequence[str], spans: Sequence[Sequence[Span]]) -> list[EngineOutput]:
        return [replace(out, unknown=()) for out in aligned(sentences, spans)]

    engine.translate_aligned = without_unknown  # type: ignore[method-assign]
    return engine
