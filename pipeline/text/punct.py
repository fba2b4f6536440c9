"""Moses punctuation normalisation before the engine, and Moses detokenisation where pieces are rejoined.

French typography ("dit : « non » !", "l’EI", no-break spaces) is rewritten
the way Moses-trained engines expect ("dit: "non" !", "l'EI"). sacremoses'
normaliser is a list of regular-expression substitutions; they are applied
here one by one with each match's place recorded, so every offset still
points into the original text, in time linear in the sentence.
"""

from __future__ import annotations

import difflib
import importlib.util
import re
from functools import lru_cache
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sacremoses import MosesDetokenizer

Rule = tuple[re.Pattern[str], str]
LONGEST = 20_000  # a "sentence" longer than this is not prose (a table, a scrape): it goes to the engine as written


@lru_cache(maxsize=1)
def _normalize_module() -> ModuleType:
    """``sacremoses/normalize.py`` loaded alone (it imports only ``re`` and ``regex``).

    ``import sacremoses`` runs the package's ``__init__``, which compiles its
    tokeniser's ~100 expressions and imports joblib and tqdm: ~0.25 s, most of
    a one-document re-run from the cache, for tables this module reads once.
    """
    package = importlib.util.find_spec("sacremoses")
    if package is None or not package.submodule_search_locations:
        raise ImportError("sacremoses is not installed; reinstall normalize (pip install -e .)")
    path = f"{next(iter(package.submodule_search_locations))}/normalize.py"
    spec = importlib.util.spec_from_file_location("sacremoses.normalize", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}; reinstall sacremoses")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@lru_cache(maxsize=8)
def _rules(language: str) -> tuple[Rule, ...]:
    moses = _normalize_module().MosesPunctNormalizer(lang=language, pre_replace_unicode_punct=True)
    return tuple((re.compile(pattern), repl) for pattern, repl in [*moses.REPLACE_UNICODE_PUNCTUATION, *moses.substitutions])


def normalise(text: str, language: str) -> tuple[str, list[int]]:
    """``text`` as ``MosesPunctNormalizer(lang=language).normalize`` writes it, and for each character of
    ``text`` (plus its end) the offset it maps to. Text longer than ``LONGEST`` is returned as it is."""
    index = list(range(len(text) + 1))
    if len(text) > LONGEST:
        return text, index
    for pattern, repl in _rules(language):
        if pattern.search(text):
            text, moved = _substitute(pattern, repl, text)
            index = [moved[i] for i in index]
    start = len(text) - len(text.lstrip())
    end = max(start, len(text.rstrip()))
    return text[start:end], [min(max(i - start, 0), end - start) for i in index]


def _substitute(pattern: re.Pattern[str], repl: str, text: str) -> tuple[str, list[int]]:
    """``pattern.sub(repl, text)`` and the offset map from ``text`` to the result."""
    out: list[str] = []
    moved: list[int] = []
    size = pos = 0
    literal = "\\" not in repl
    for m in pattern.finditer(text):
        kept = text[pos : m.start()]
        moved.extend(range(size, size + len(kept)))
        out.append(kept)
        size += len(kept)
        new = repl if literal else m.expand(repl)
        moved.extend(size + j for j in _align(m.group(), new))
        out.append(new)
        size += len(new)
        pos = m.end()
    moved.extend(range(size, size + len(text) - pos + 1))
    out.append(text[pos:])
    return "".join(out), moved


@lru_cache(maxsize=4096)
def _align(old: str, new: str) -> tuple[int, ...]:
    """For each character of a (short) match, its offset in the replacement."""
    index = [0] * len(old)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        for k in range(i1, i2):
            index[k] = j1 + (k - i1) if tag == "equal" else (j1 if k == i1 else j2)
    return tuple(index)


@lru_cache(maxsize=8)
def _detokeniser(language: str) -> MosesDetokenizer:
    from sacremoses import MosesDetokenizer  # the whole package: only the piecewise fallback rejoins pieces

    return MosesDetokenizer(lang=language)


def detokenise(pieces: list[str], language: str) -> str:
    """Pieces of text (already detokenised each) joined into one, as Moses would write it."""
    out: str = _detokeniser(language).detokenize(pieces)
    return out
