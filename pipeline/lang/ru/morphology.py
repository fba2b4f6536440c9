"""Russian case forms for the glossary matcher, from pymorphy3 and the OpenCorpora dictionary (pymorphy3-dicts-ru, MIT).

A glossary writes a Russian variant once, in the nominative ("террористическая группировка"); the
matcher compiles every case and number form of it ("террористической группировки", "террористическими
группировками" ...), so matching a text costs nothing more than for French. Which words inflect:

- the adjectives and participles in the nominative before the first noun, that noun (the head), and
  nouns hyphen-joined to it ("боевики-террористы"), all in agreement: one case and number at a time;
- a short participle or adjective ("запрещена в России") in its genders and numbers;
- nothing after a preposition ("в России" stays as written) or after the head ("Фронт ан-Нусра":
  only "Фронт" inflects), and no word the dictionary does not know (ИГИЛ, игиловцы, Хезболла): those
  are literal, so list their forms as variants.

A capitalised common word ("Исламское государство") must be capitalised in the text too: lower-case
"исламского государства" is an Islamic state, not the group. Write the word in lower case in the
variant to match either. Names (Башар Асад) inflect but take no such rule.

Context words (``only_after``, ``not_after``, ``not_before``) take all their forms the same way.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pipeline.lang.base import VariantForm

# pymorphy3 publishes no type information: its analyser and parses are Any here.
MorphAnalyzer = Any
Parse = Any

# The matcher's tokenisation (pipeline.glossary.matcher): words, and the {group} slot as one word.
PIECES = re.compile(r"(\{group\}|[\w\u0300-\u036f]+)")
CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
FULL = frozenset({"NOUN", "ADJF", "PRTF"})
ATTRIBUTES = frozenset({"ADJF", "PRTF"})
SHORT = frozenset({"ADJS", "PRTS"})
PROPER = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad", "Abbr"})
SHORT_TARGETS = (("masc", "sing"), ("femn", "sing"), ("neut", "sing"), ("plur",))

_analyzer: MorphAnalyzer | None = None


def analyzer() -> MorphAnalyzer:
    """The pymorphy3 analyser, loaded on first use (a Russian glossary pays ~0.1 s once; other languages never)."""
    global _analyzer
    if _analyzer is None:
        import pymorphy3  # type: ignore[import-untyped]

        _analyzer = pymorphy3.MorphAnalyzer(lang="ru")
    return _analyzer


class RussianForms:
    """``WordForms`` for Russian: variants inflected at compile time; text words are only folded."""

    def forms(self, variant: str, *, numbers: bool) -> tuple[VariantForm, ...]:
        return inflect(variant, numbers)

    def key(self, word: str) -> str:
        return word

    def start(self, word: str, skip: int) -> int:
        return skip


def _nominative(word: str) -> Parse | None:
    """The word's parse as an inflecting member of a variant, or None (unknown, a preposition, an oblique case)."""
    morph = analyzer()
    if not morph.word_is_known(word.lower()):
        return None
    for parse in morph.parse(word):
        pos = parse.tag.POS
        if pos in FULL and parse.tag.case == "nomn":
            return parse
        if pos in SHORT:
            return parse
    return None


@lru_cache(maxsize=4096)
def inflect(variant: str, numbers: bool) -> tuple[VariantForm, ...]:
    """Every case (and number, with ``numbers``) form of ``variant``, written form first."""
    pieces = PIECES.split(variant)  # gap, word, gap, word, ..., gap
    words = pieces[1::2]
    parses: list[Parse | None] = []
    head: int | None = None
    governed = False  # after a preposition: the words belong to its object
    for k, word in enumerate(words):
        parse = None if word == "{group}" or _is_preposition(word) else _nominative(word)
        if word != "{group}" and parse is None and _is_preposition(word):
            governed = True
        elif governed and parse is not None and parse.tag.POS in ATTRIBUTES and _first_is_nominative(word):
            governed = False  # a new attribute after the prepositional phrase ("запрещённая в России террористическая ...")
        if governed or (head is not None and not (parse is not None and _joins_head(parse, parses[head], pieces, k))):
            parse = None
        elif parse is not None and parse.tag.POS == "NOUN" and head is None:
            head = k
        parses.append(parse)
    capitals = tuple(k for k, (w, p) in enumerate(zip(words, parses, strict=True)) if p is not None and _needs_capital(w, p))
    written = VariantForm(variant, _plural(parses), capitals=capitals)
    inflected = [k for k, p in enumerate(parses) if p is not None]
    if not inflected:
        return (written,)
    first = parses[inflected[0]]
    assert first is not None
    animacy = parses[head].tag.animacy if head is not None and parses[head] is not None else None  # type: ignore[union-attr]
    out: dict[str, VariantForm] = {variant.lower(): written}
    free = head is None  # attributes alone agree with a noun outside the variant: every gender and number
    for target in _targets(first, numbers or free):
        choices: list[list[str]] = []
        for k, word in enumerate(words):
            parse = parses[k]
            forms = _forms_of(parse, target, animacy, free) if parse is not None and _same_family(parse, first) else []
            choices.append([_cased(f, word) for f in forms] or [word])
        for combination in _product(choices):
            text = "".join(p if i % 2 == 0 else combination[i // 2] for i, p in enumerate(pieces))
            out.setdefault(text.lower(), VariantForm(text, "plur" in target, capitals=capitals))
    return tuple(out.values())


def _targets(first: Parse, numbers: bool) -> list[tuple[str, ...]]:
    """The grammeme sets to inflect into: cases x numbers for full forms, genders/number for short ones."""
    if first.tag.POS in SHORT:
        return [t for t in SHORT_TARGETS if numbers or str(first.tag.number or "sing") in t]
    written = first.tag.number or "sing"
    wanted = ("sing", "plur") if numbers else (written,)
    return [(case, number) for number in wanted for case in CASES]


def _forms_of(parse: Parse, target: tuple[str, ...], animacy: str | None, free: bool) -> list[str]:
    """The words of ``parse``'s lexeme with the grammemes of ``target`` (an adjective keeps its gender in the
    singular unless ``free``: then it agrees with a noun outside the variant, of any gender)."""
    tag = parse.tag
    out: list[str] = []
    for form in parse.lexeme:
        t = form.tag
        if t.POS != tag.POS:
            continue
        if tag.POS in SHORT:
            if all(g in t for g in target):
                out.append(form.word)
            continue
        case, number = target
        if t.case != case or t.number != number:
            continue
        if tag.POS in ATTRIBUTES:
            if number == "sing" and not free and t.gender != tag.gender:
                continue
            if case == "accs" and animacy is not None and t.animacy is not None and t.animacy != animacy:
                continue
            if (tag.POS == "PRTF") and (t.tense != tag.tense or t.voice != tag.voice or t.aspect != tag.aspect):
                continue
        out.append(form.word)
    return list(dict.fromkeys(out))


def _same_family(parse: Parse, first: Parse) -> bool:
    return (parse.tag.POS in SHORT) == (first.tag.POS in SHORT)


def _plural(parses: list[Parse | None]) -> bool | None:
    numbers = {p.tag.number for p in parses if p is not None and p.tag.number}
    return None if len(numbers) != 1 else numbers == {"plur"}


def _needs_capital(word: str, parse: Parse) -> bool:
    """A common word written with a capital in a variant (not a name, not in capitals)."""
    return word[:1].isupper() and not word.isupper() and not any(g in parse.tag for g in PROPER)


def _is_preposition(word: str) -> bool:
    return word != "{group}" and bool(analyzer().parse(word)[0].tag.POS == "PREP")


def _first_is_nominative(word: str) -> bool:
    return bool(analyzer().parse(word)[0].tag.case == "nomn")


def _joins_head(parse: Parse, head: Parse | None, pieces: list[str], k: int) -> bool:
    """Whether a noun after the head inflects with it: hyphen-joined ("боевики-террористы"), or a name after a name
    ("Башар Асад" -> "Башара Асада")."""
    if parse.tag.POS != "NOUN":
        return False
    names = ("Name", "Surn", "Patr")
    return _hyphened(pieces, k) or (head is not None and any(g in head.tag for g in names) and any(g in parse.tag for g in names))


def _hyphened(pieces: list[str], k: int) -> bool:
    """Whether word ``k`` is joined to the word before it by a hyphen ("боевики-террористы")."""
    return k > 0 and pieces[2 * k] == "-"


def _cased(form: str, written: str) -> str:
    if written.isupper() and len(written) > 1:
        return form.upper()
    return form[:1].upper() + form[1:] if written[:1].isupper() else form


def _product(choices: list[list[str]]) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = [()]
    for options in choices:
        out = [done + (o,) for done in out for o in options]
    return out

