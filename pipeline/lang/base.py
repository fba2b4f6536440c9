"""What a source language tells the shared stages: the data, never code paths per language."""

from __future__ import annotations

import re
from dataclasses import dataclass

WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Language:
    """One source language's rules, read by the stages through ``get_language(doc.language)``.

    Every field has a neutral default, so a language module states only what it knows.
    """

    code: str
    name: str
    # Words that are never a glossary variant on their own ("de", "la", "el", "и", "في"): a variant made
    # only of these would rewrite ordinary text everywhere. Lower-case.
    function_words: frozenset[str] = frozenset()
    # Abbreviations that a full stop does not end a sentence after, lower-case, without the final stop.
    abbreviations: frozenset[str] = frozenset()

    def only_function_words(self, form: str) -> bool:
        """Whether every word of ``form`` is a function word (a variant that must be refused)."""
        words = WORD.findall(form.casefold())
        return bool(words) and all(w in self.function_words for w in words)


NEUTRAL = Language(code="xx", name="a language without rules of its own")
