"""Source-language data, one package per language, as spaCy's ``spacy/lang/<code>/``.

Shared stages never say "if French": they ask the document's language for its
rules with ``get_language(doc.language)``. A language without a package gets
``NEUTRAL`` (no speech verbs, no function words) and the run says so. Adding a
language is one package here that defines ``LANGUAGE``, plus its glossaries;
``register_language`` adds one at run time (tests add a toy language that way).
"""

from __future__ import annotations

import importlib

from pipeline.lang.base import NEUTRAL, Language

__all__ = ["NEUTRAL", "Language", "get_language", "has_language", "packaged_languages", "register_language"]

# Languages that ship a package here; imported on first use, so a run pays only for its own.
PACKAGED = ("fr", "es", "ru", "ar", "en")
_loaded: dict[str, Language] = {}


def base_code(code: str) -> str:
    """``fr-CA`` -> ``fr``: rules are per language, not per region."""
    return code.split("-")[0].split("_")[0].lower()


def register_language(language: Language) -> None:
    """Make ``language`` the rules for its code (replacing any packaged one)."""
    _loaded[language.code] = language


def has_language(code: str) -> bool:
    """Whether ``code`` has rules of its own (else ``get_language`` answers ``NEUTRAL``)."""
    key = base_code(code)
    return key in _loaded or key in PACKAGED


def get_language(code: str) -> Language:
    """The rules for ``code``; ``NEUTRAL`` for a language without a package."""
    key = base_code(code)
    if key not in _loaded:
        if key not in PACKAGED:
            return NEUTRAL
        _loaded[key] = importlib.import_module(f"pipeline.lang.{key}").LANGUAGE
    return _loaded[key]


def packaged_languages() -> tuple[Language, ...]:
    """The rules of every language that ships a package here (each imported now)."""
    return tuple(get_language(code) for code in PACKAGED)
