"""Shared fixtures: the repository's seed and glossary, and a fast test engine."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from pipeline.engines.base import Engine
from pipeline.glossary.load import Glossary, load_glossary_file

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_f8df967454c24556.txt"
FR_EN = ROOT / "glossaries" / "fr-en.yaml"


class EchoEngine(Engine):
    """A test double: "translates" by upper-casing, so placeholders and order are easy to check."""

    name = "echo"

    def __init__(self, source: str = "fr", target: str = "en") -> None:
        super().__init__(source, target)
        self.calls: list[list[str]] = []

    def translate(self, sentences: Sequence[str]) -> list[str]:
        self.calls.append(list(sentences))
        return [s.upper() for s in sentences]

    @property
    def version(self) -> str:
        return "echo 1"


@pytest.fixture(scope="session")
def fr_en() -> Glossary:
    return load_glossary_file(FR_EN)


@pytest.fixture
def echo_engine() -> EchoEngine:
    return EchoEngine()
