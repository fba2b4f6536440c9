"""The one interface every translation engine implements.

The pipeline hands an engine every sentence of every document at once, so an
engine can batch however suits it (one Apertium process, one CTranslate2 call).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

Span = tuple[int, int]


@dataclass(frozen=True)
class EngineOutput:
    """One translation, with what the engine can tell about it beyond the text.

    ``spans[i]`` is where the engine rendered the ``i``-th requested source span
    in ``text`` (``None``: the engine cannot say); ``unknown`` are spans of
    ``text`` holding words the engine could not translate and passed through.
    """

    text: str
    spans: tuple[Span | None, ...] = ()
    unknown: tuple[Span, ...] = ()


class Engine(ABC):
    """A machine translation engine for one language pair.

    Subclasses set ``name`` and implement ``translate``. ``placeholder`` returns
    a token the engine copies through unchanged; the glossary stage uses it to
    protect a term from translation and put the standard name in afterwards.
    """

    name: str = ""
    # Whether ``translate_aligned`` uses the requested spans (the cache keys on them only then).
    aligns: bool = False

    def __init__(self, source: str, target: str) -> None:
        self.source = source
        self.target = target

    @abstractmethod
    def translate(self, sentences: Sequence[str]) -> list[str]:
        """Translate sentences; return exactly one translation per input, in order."""

    def translate_aligned(self, sentences: Sequence[str], spans: Sequence[Sequence[Span]]) -> list[EngineOutput]:
        """Translate sentences and say where each requested source span went in each translation.

        ``spans[k]`` are character spans of ``sentences[k]``. One decoding gives
        both the raw translation and the places to splice standard names into,
        so a sentence is never translated twice. The default knows no alignment.
        """
        return [EngineOutput(text, (None,) * len(s)) for text, s in zip(self.translate(sentences), spans, strict=True)]

    @property
    def version(self) -> str:
        """Engine and model identity, recorded in every output so runs can be compared."""
        return "unknown"

    @property
    def pivot(self) -> list[str]:
        """Languages the translation passes through, source and target included."""
        return [self.source, self.target]

    @classmethod
    def available(cls, source: str, target: str) -> bool:
        """Whether this engine can translate the pair on this machine, without side effects."""
        return False

    @classmethod
    def usable(cls, source: str, target: str, settings: Mapping[str, Any]) -> bool:
        """``available`` with the user's settings for this engine (a configured binary, say)."""
        return cls.available(source, target)

    @classmethod
    def install_hint(cls, source: str, target: str) -> str:
        """One sentence telling the user how to make this engine available."""
        return f"engine {cls.name!r} is not installed"

    def placeholder(self, index: int) -> str:
        """A token that survives translation verbatim; letters only, unlikely in prose."""
        return "ZQ" + _letters(index) + "Q"

    def close(self) -> None:  # noqa: B027 (a default, not an abstract method)
        """Release processes or models; the default has nothing to release."""


# No Q: with it, "ZQBQ" would be the start of "ZQBQAQ" and a sentence with many hits would lose its placeholders.
DIGITS = "ABCDEFGHIJKLMNOPRSTUVWXYZ"


def _letters(index: int) -> str:
    """0 -> A, 24 -> Z, 25 -> BA: a letters-only counter (digits get tokenised apart)."""
    digits = ""
    while True:
        index, rest = divmod(index, len(DIGITS))
        digits = DIGITS[rest] + digits
        if index == 0:
            return digits
