"""Find glossary variants in source text, shaped like spaCy's SpanRuler.

Text and patterns are both reduced to word tokens on a 1:1 character copy of the
text (lower case, accents folded, ’ -> ', no-break spaces -> space), so offsets
found on the copy are offsets into the original. A token trie walks the text
once: linear in its length, whatever the number of entries, and no user-written
regular expression is ever run.

- Word boundaries come from tokenisation: ``EI`` never matches inside ``seins``.
- Hyphens, spaces, no-break spaces and apostrophes between words are equivalent:
  ``Al-Nosra`` = ``al Nosra``; ``l’EI`` is ``l`` + ``EI``.
- Function words that are one word in disguise count as one (French ``du``,
  ``des``, ``d’`` = ``de``; ``le``, ``la``, ``les``, ``l’`` = an article), per language.
- ``(s)`` in a variant marks an optional ending (plural when taken).
- ``{group}`` in a variant matches any ``kind: group`` entry, with an optional article.
- All-capital variants of up to five letters (EI, HTS) match case-sensitively.
- A name that begins with a capitalised article ("Le Figaro", "El Mundo") needs its capitals in the text.
- Overlaps: the ``longest`` policy keeps the leftmost match, the longest at that
  position, the earliest entry on ties.
- A loaded label right after another, joined by a space or a hyphen, belongs to
  it ("terroristes takfiristes", "terroristes-takfiristes"): one match, the first
  label's entry, instead of a second label refused by context.
- ``<number>`` in ``only_after`` stands for any number in digits ("5000 jihadistes").
- A language with ``word_forms`` (``Language.word_forms``) reads words its own way: Russian variants are
  compiled into all their case forms, Arabic keys are normalised and variants take proclitics. Spans stay
  offsets into the original text; a language without it pays nothing.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from pipeline.errors import ConfigError
from pipeline.glossary.load import Entry, Glossary
from pipeline.lang import get_language
from pipeline.lang.base import VariantForm, WordForms
from pipeline.model import Kind

# Combining accents belong to their word, and so do Arabic short vowels and Quranic marks (tatweel is a letter).
WORD_CLASS = r"[\w\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]+"
TOKEN = re.compile(WORD_CLASS)
SPLIT = re.compile(f"({WORD_CLASS})")
CAPITAL = "\x01"  # in a case pattern: the word must begin with a capital letter (Russian "Исламское государство")
JOINER = re.compile(r"[ '\-]{1,3}")  # what may stand between two words of one variant
OPTIONAL = re.compile(r"\(([^()]*)\)")
SLOT = "{group}"
ARTICLE = "<article>"
NUMBER = "<number>"  # in only_after: any number written in digits
CHAINED_KINDS = frozenset({"members", "label"})  # loaded entries a second loaded label may extend
# Per source language: function words that count as one (du = de) and the
# definite articles allowed before a {group} slot. Folded (no accents, lower case).
SAME_WORDS: dict[str, dict[str, str]] = {
    "fr": {"du": "de", "des": "de", "d": "de", "le": ARTICLE, "la": ARTICLE, "les": ARTICLE, "l": ARTICLE},
    "es": {"del": "de", "el": ARTICLE, "la": ARTICLE, "los": ARTICLE, "las": ARTICLE},
    "it": {"del": "di", "della": "di", "dei": "di", "degli": "di",
           "il": ARTICLE, "lo": ARTICLE, "la": ARTICLE, "l": ARTICLE, "i": ARTICLE, "gli": ARTICLE, "le": ARTICLE},
    "pt": {"do": "de", "da": "de", "dos": "de", "das": "de", "o": ARTICLE, "a": ARTICLE, "os": ARTICLE, "as": ARTICLE},
    "de": {"der": ARTICLE, "die": ARTICLE, "das": ARTICLE, "den": ARTICLE, "dem": ARTICLE, "des": ARTICLE},
}
KEEP_LETTERS = frozenset("й")  # letters of their own, not и with an accent (Russian "бандформирований" != "-ии")
MAX_VARIANT_FORMS = 64
CACHE_LIMIT = 500_000  # distinct words remembered between documents

_FOLD: dict[int, str] = {}


def _fold_table() -> dict[int, str]:
    """str.translate table: lower-case, strip accents, unify apostrophes, spaces and hyphens."""
    if not _FOLD:
        for cp in range(0x3000):
            ch = chr(cp)
            low = ch.lower()
            base = unicodedata.normalize("NFD", low)[:1] if len(low) == 1 else ch
            if unicodedata.combining(base) or not base or low in KEEP_LETTERS:
                base = low if len(low) == 1 else ch
            if base != ch:
                _FOLD[cp] = base
        for ch in "’‘ʼ′´`":
            _FOLD[ord(ch)] = "'"
        for ch in "\u00a0\u202f\u2009\u2007\t\r\n":
            _FOLD[ord(ch)] = " "
        for ch in "‐‑‒–—":
            _FOLD[ord(ch)] = "-"
    return _FOLD


def fold(text: str) -> str:
    """A copy of ``text`` with the same length, normalised for matching."""
    return unicodedata.normalize("NFC", text).translate(_fold_table()) if not text.isascii() else text.lower()


@dataclass(frozen=True)
class Match:
    """A raw match: ``entry`` over ``text[start:end]``; ``group`` is the slot's match, if any."""

    entry: Entry
    start: int
    end: int
    plural: bool
    group: Match | None = None
    rejected: str | None = None  # why context rules refused it (kept for QA findings)
    order: int = 0  # the entry's position in the glossary, for deterministic ties

    @property
    def standard(self) -> str:
        return self.entry.name(plural=self.plural, group=self.group.standard if self.group else None)


@dataclass
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    slot: _Node | None = None
    ends: list[tuple[int, Entry, bool, tuple[str, ...] | None, int]] = field(default_factory=list)  # ..., case, skip


class _Tokens:
    """The words of a text as parallel lists, built with C-speed primitives.

    ``keys`` are folded words (with same-word mapping); ``joined(i)`` says that
    only spaces, hyphens or apostrophes separate word i from word i - 1;
    ``start(i)``/``end(i)`` are character offsets into the original text.
    """

    __slots__ = ("parts", "words", "keys", "gaps", "bounds")

    def __init__(self, text: str, keys: _FoldCache, gaps: _GapCache) -> None:
        self.parts = SPLIT.split(text)  # gap, word, gap, word, ..., gap
        self.words: list[str] = self.parts[1::2]
        self.keys: list[str] = list(map(keys.__getitem__, self.words))
        self.gaps = gaps
        self.bounds: list[int] | None = None  # computed on the first match only

    def __len__(self) -> int:
        return len(self.words)

    def joined(self, i: int) -> bool:
        return self.gaps[self.parts[2 * i]]

    def start(self, i: int) -> int:
        return self._bounds()[2 * i]

    def end(self, i: int) -> int:
        return self._bounds()[2 * i + 1]

    def _bounds(self) -> list[int]:
        if self.bounds is None:
            self.bounds = list(itertools.accumulate(map(len, self.parts)))
        return self.bounds


class _FoldCache(dict[str, str]):
    """word -> folded key, computed once per distinct word (a text repeats its words)."""

    def __init__(self, same: dict[str, str], normalize: Callable[[str], str] | None = None) -> None:
        super().__init__()
        self.same = same
        self.normalize = normalize

    def __missing__(self, word: str) -> str:
        key = fold(word)
        if self.normalize is not None:
            key = self.normalize(key)
        key = self.same.get(key, key)
        self[word] = key
        return key


class _GapCache(dict[str, bool]):
    """separator -> whether two words around it may belong to one variant."""

    def __missing__(self, gap: str) -> bool:
        ok = JOINER.fullmatch(fold(gap)) is not None
        self[gap] = ok
        return ok


Policy = Callable[[list[Match]], Match]


def longest(candidates: list[Match]) -> Match:
    """Longest span wins; ties go to the entry listed first."""
    return candidates[0] if len(candidates) == 1 else max(candidates, key=lambda m: (m.end, -m.order))


class Matcher:
    """Compiled glossary; call ``find(text)`` for every match, in text order."""

    def __init__(self, glossary: Glossary, *, policy: Policy = longest) -> None:
        self.policy = policy
        self.entries = glossary.entries
        self.same = SAME_WORDS.get(glossary.source, {})
        language = get_language(glossary.source)
        self.word_forms: WordForms | None = language.word_forms
        self.name_articles = frozenset(language.names.name_articles)
        self._keys = _FoldCache(self.same, self.word_forms.key if self.word_forms is not None else None)
        self._gaps = _GapCache()
        self._context = {e.id: _Context.of(e, self.same, self.word_forms) for e in glossary.entries}
        self.root = _Node()
        self.groups = _Node()
        for number, entry in enumerate(glossary.entries):
            variants = [(v, False) for v in entry.variants] + [(v, True) for v in entry.plural_variants]
            for variant, always_plural in variants:
                forms = [(form, plural or always_plural) for form, plural in expand_variant(variant)]
                if not forms:
                    raise ConfigError(f"{entry.file}:{entry.line}: entry {entry.id!r} has an empty variant; remove it")
                for form, plural in forms:
                    if entry.kind == "group" and SLOT in form:
                        raise ConfigError(f"{entry.file}:{entry.line}: group {entry.id!r} cannot use {SLOT} in its own variants")
                    for written in self._forms(entry, form, plural, always_plural):
                        self._add(self.root, entry, number, written)
                        if entry.kind == "group" and not written.skip:  # a slot's group takes no proclitic
                            self._add(self.groups, entry, number, written)

    def _forms(self, entry: Entry, form: str, plural: bool, always_plural: bool) -> Iterable[VariantForm]:
        """One expanded variant form as the language writes it: itself, or its case forms, clitic forms ..."""
        if self.word_forms is None:
            return (VariantForm(form, plural, capitals=self._title_capitals(entry, form)),)
        # A group's or a name's number is its own; a word for people or things takes both (unless listed as plural).
        numbers = not always_plural and entry.kind not in (Kind.GROUP, Kind.NAME)
        return (
            f._replace(plural=plural if f.plural is None or always_plural else f.plural)
            for f in self.word_forms.forms(form, numbers=numbers)
        )

    def _title_capitals(self, entry: Entry, form: str) -> tuple[int, ...]:
        """The capitalised words of a name that begins with a capitalised article ("Le Figaro", "El Mundo",
        "La Croix"): a title made of common words, which the text must capitalise too ("tout le monde" is not
        *Le Monde*). Other names match in any case, as every variant does."""
        if entry.kind != Kind.NAME:
            return ()
        words = _pattern_tokens(form)
        if len(words) < 2 or words[0] not in self.name_articles:
            return ()
        return tuple(k for k, word in enumerate(words) if word[:1].isupper())

    def _add(self, trie: _Node, entry: Entry, order: int, written: VariantForm) -> None:
        form, plural = written.text, bool(written.plural)
        node = trie
        words = _pattern_tokens(form)
        if not words:
            raise ConfigError(f"{entry.file}:{entry.line}: variant {form!r} of {entry.id!r} has no words")
        exact: list[str] = []
        for k, word in enumerate(words):
            if word == SLOT:
                node.slot = node.slot or _Node()
                node = node.slot
                exact.append("")
                continue
            folded = fold(word) if self.word_forms is None else self.word_forms.key(fold(word))
            key = _key(folded, self.same)
            node = node.children.setdefault(key, _Node())
            if word.isupper() and len(word) <= 5 and len(words) == 1:
                exact.append(word)
            else:
                exact.append(CAPITAL if k in written.capitals else "")
        case = tuple(exact) if any(exact) else None
        for _, other, _, other_case, _ in node.ends:
            if other.id != entry.id and other_case == case:
                raise ConfigError(
                    f"{entry.file}:{entry.line}: variant {form!r} of {entry.id!r} matches the same words as a variant of "
                    f"{other.id!r} ({other.file}:{other.line}); keep it in one entry"
                )
        node.ends.append((order, entry, plural, case, written.skip))

    def find(self, text: str) -> list[Match]:
        """Accepted matches plus, for loaded entries, those refused by context (``rejected`` set)."""
        if len(self._keys) > CACHE_LIMIT:
            self._keys.clear()
        tokens = _Tokens(text, self._keys, self._gaps)
        first = self.root.children
        if self.root.slot is None:  # only words that begin some variant can start a match
            candidates: Iterable[int] = [i for i, key in enumerate(tokens.keys) if key in first]
        else:
            candidates = range(len(tokens))
        out: list[Match] = []
        resume = 0  # no match may start inside the previous one
        for i in candidates:
            if i < resume:
                continue
            found = list(self._walk(self.root, tokens, i))
            accepted = [(m, nxt) for m, nxt in found if m.rejected is None]
            if accepted:
                best = self.policy([m for m, _ in accepted])
                out.append(best)
                resume = next(nxt for m, nxt in accepted if m is best)
                continue
            refused = [(m, nxt) for m, nxt in found if m.entry.loaded]
            if not refused:
                continue
            worst = self.policy([m for m, _ in refused])
            if out and resume == i and _chains(out[-1], worst) and tokens.joined(i):
                out[-1] = dataclasses.replace(out[-1], end=worst.end)  # "terroristes takfiristes": one label
                resume = next(nxt for m, nxt in refused if m is worst)
                continue
            out.append(worst)
        return out

    def _walk(self, trie: _Node, tokens: _Tokens, i: int) -> Iterator[tuple[Match, int]]:
        """Every (match, next token index) starting at token ``i``."""
        keys, n = tokens.keys, len(tokens)
        stack: list[tuple[_Node, int, Match | None, bool]] = [(trie, i, None, False)]
        while stack:
            node, j, group, plural = stack.pop()
            for order, entry, entry_plural, case, skip in node.ends:
                if j == i or (case and not _cased(tokens.words, i, case)):
                    continue
                before = keys[i - 1] if i > 0 else ""
                after = keys[j] if j < n else ""
                rejected = self._context[entry.id].refuses(before, after)
                start = tokens.start(i)
                if skip and self.word_forms is not None:  # proclitics stay outside the match: "بداعش" -> "داعش"
                    start += self.word_forms.start(tokens.words[i], skip)
                yield Match(entry, start, tokens.end(j - 1), entry_plural or plural, group, rejected, order), j
            if j >= n or (j > i and not tokens.joined(j)):
                continue
            child = node.children.get(keys[j])
            if child is not None:
                stack.append((child, j + 1, group, plural))
            if node.slot is not None:
                starts = [j, j + 1] if keys[j] == ARTICLE and j + 1 < n else [j]
                for s in starts:
                    for g, nxt in self._walk(self.groups, tokens, s):
                        if g.rejected is None:
                            stack.append((node.slot, nxt, g, plural))


def _cased(words: list[str], i: int, case: tuple[str, ...]) -> bool:
    """Whether the words from ``i`` have the capitals ``case`` asks: the very word, or (CAPITAL) a capital first letter."""
    for k, want in enumerate(case):
        if want and not (words[i + k][:1].isupper() if want == CAPITAL else words[i + k] == want):
            return False
    return True


def _chains(previous: Match, refused: Match) -> bool:
    """Whether a loaded label refused by context extends the accepted loaded label right before it."""
    return (
        previous.rejected is None
        and previous.entry.loaded
        and not previous.entry.flag_only
        and previous.entry.kind in CHAINED_KINDS
        and refused.entry.kind in CHAINED_KINDS
        and not refused.entry.flag_only
    )


def _key(word: str, same: dict[str, str]) -> str:
    return same.get(word, word)


def _pattern_tokens(form: str) -> list[str]:
    words: list[str] = []
    for part in re.split(r"(\{group\})", form):
        if part == SLOT:
            words.append(SLOT)
        else:
            words.extend(m.group() for m in TOKEN.finditer(unicodedata.normalize("NFC", part)))
    return words


def expand_variant(variant: str) -> Iterator[tuple[str, bool]]:
    """``terroriste(s)`` -> (terroriste, False), (terroristes, True)."""
    parts = OPTIONAL.split(variant)
    fixed, optional = parts[0::2], parts[1::2]
    if len(optional) > 6:
        optional = optional[:6]
    for count, choice in enumerate(itertools.product((False, True), repeat=len(optional))):
        if count >= MAX_VARIANT_FORMS:
            break
        form = fixed[0]
        plural = False
        for taken, suffix, rest in zip(choice, optional, fixed[1:], strict=False):
            if taken:
                form += suffix
                plural = plural or suffix.endswith(("s", "x"))
            form += rest
        if form.strip():
            yield form, plural


@dataclass(frozen=True)
class _Context:
    """An entry's only_after / not_after / not_before words, folded like the text."""

    only_after: frozenset[str] | None
    not_after: frozenset[str]
    not_before: frozenset[str]

    @classmethod
    def of(cls, entry: Entry, same: dict[str, str], word_forms: WordForms | None = None) -> _Context:
        def words(items: tuple[str, ...]) -> frozenset[str]:
            if word_forms is None:
                return frozenset(_key(fold(w).strip("'"), same) for w in items)
            forms = {f.text for w in items for f in (word_forms.forms(w, numbers=True) if w != NUMBER else ())} | set(items)
            return frozenset(_key(word_forms.key(fold(w).strip("'")), same) for w in forms)

        return cls(words(entry.only_after) if entry.only_after else None, words(entry.not_after), words(entry.not_before))

    def refuses(self, before: str, after: str) -> str | None:
        """Why the context rules refuse a match between these words, or None."""
        if self.only_after is not None and before not in self.only_after and not (before.isdigit() and NUMBER in self.only_after):
            return f"the word before ({before or 'none'!r}) is not in only_after"
        if before in self.not_after:
            return f"after {before!r} (not_after)"
        if after in self.not_before:
            return f"before {after!r} (not_before)"
        return None
