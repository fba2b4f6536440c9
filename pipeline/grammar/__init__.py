"""Target-language grammar around a spliced standard name, looked up by language code.

Splicing "Islamic State" where the engine wrote "the Daech" must drop the
article, "a" must become "an" before a vowel sound, and a plural name needs a
plural verb. That knowledge belongs to the target language, not to the
enforce stage: adding a target language is one module and one line in ``GRAMMARS``.
"""

from __future__ import annotations

from typing import Protocol

from pipeline.errors import ConfigError
from pipeline.registry import Registry, load

# target language -> "module:Class", imported when a run targets it
GRAMMARS: Registry[str] = Registry("grammar", [("en", "pipeline.grammar.en:English")])


class Grammar(Protocol):
    """The edits a target language needs next to a name spliced into a sentence."""

    def fit(self, before: str, name: str, article: str) -> tuple[str, str]:
        """``before`` (the text up to the name) and ``name``, adjusted to read naturally.

        ``article`` is the glossary entry's: ``keep`` the engine's, ``the`` wants
        one, ``none`` refuses one. Only the last word of ``before`` may change.
        """
        ...

    def adjective_first(self, after: str, source_after: str) -> tuple[int, str] | None:
        """Where the engine put a name's adjective after it as a noun: the length of ``after`` it takes, the adjective."""
        ...

    def agree(self, after: str, *, plural_name: bool, plural_source: bool) -> str:
        """``after`` (the text following the name) with the verb right after it agreeing with the name."""
        ...


class Neutral:
    """No grammar known for the language: the name is spliced as it is."""

    def fit(self, before: str, name: str, article: str) -> tuple[str, str]:
        return before, name

    def adjective_first(self, after: str, source_after: str) -> tuple[int, str] | None:
        """Where the engine put a name's adjective after it as a noun: the length of ``after`` it takes, the adjective."""
        ...

    def agree(self, after: str, *, plural_name: bool, plural_source: bool) -> str:
        return after


def grammar_for(language: str) -> Grammar:
    """The grammar of ``language``; languages without one get ``Neutral``."""
    if language in GRAMMARS:
        grammar: Grammar = load(GRAMMARS[language])()
        return grammar
    if not language.isalpha():
        raise ConfigError(f"invalid target language code {language!r}; use an ISO 639-1 code such as en")
    return Neutral()
