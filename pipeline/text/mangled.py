"""Names the engine translated as common words: "M. Le Drian" -> "M. The Drian", "Nadar H." -> "Swimming H.".

An engine reads each capitalised word of a name as the word it would be in lower case: French "Le" is "the",
"A." "has", "Rivière" "river", and through the Spanish pivot "Nadar" becomes "swimming". The English then
reads as a name ("M. The Drian") and nobody notices. This module finds such words, for the check stage to flag
(it never changes the English: only a reviewer knows the name's spelling).

A *name run* of the source is a run of capitalised words that the sentence itself shows to be a person's or a
title's name, whatever the language (the words that say so are the language's, ``pipeline.lang.base.Names``):

- a title before it ("M. Le Drian", "Me Rivière", "Sr. Rajoy"),
- an initial in it ("Omaima A.", "Nadar H."), or
- a capitalised article or preposition right before another capitalised word, not opening the sentence ("a
  affirmé Le Figaro", "dijo De Hoop": ``Names.name_articles``).

A run's words the engine copied as written ("Drian") are anchors: they say where the run went in the English.
A capitalised English word next to them that the source sentence does not hold, and that is no English title
("M", "Mr"), is the engine's translation of one of the run's other words: flagged, with the source words it came
from. A sentence's first word is capitalised anyway, so a run that begins the sentence starts after its function
words ("Le Drian a dit" proves nothing); a run with no anchor is left alone, since nothing says where it went.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from pipeline.glossary.matcher import fold
from pipeline.lang.base import Language
from pipeline.model import Span

WORD = re.compile(r"\w+(?:-\w+)*")
# What may stand between a sentence's start and its first word: spaces, quotation marks, brackets, dashes.
OPENING = re.compile(r"[\s\"'«»“”‘’„(\[–—-]*")
SENTENCE_END = ".!?…:;"


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Mangled:
    """One English word the engine made of a name's word(s): its span in the English, the source words' span
    (in the segment's source), and the run of source words it belongs to."""

    target: Span
    source: Span
    words: str  # the source words it came from
    run: str  # the whole name as the source writes it


def tokens(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in WORD.finditer(text)]


def capitalised(word: str) -> bool:
    """A word that begins with a capital and is not an acronym in capitals ("AFP"); one letter ("A") counts."""
    return word[:1].isupper() and not (len(word) > 1 and word.isupper())


def find_mangled(source: str, target: str, language: Language, english: Language,
                 changed: Sequence[Span] = ()) -> list[Mangled]:
    """The English words of ``target`` that the engine made of words of a name of ``source`` (one sentence each).

    ``language`` is the source's, ``english`` the target's (its ``person_titles`` are what the engine writes for a
    title); ``changed`` are spans of ``target`` a glossary change wrote, never flagged.
    """
    src, tgt = tokens(source), tokens(target)
    found: list[Mangled] = []
    for run in _runs(source, src, language):
        found.extend(_in_english(source, run, src, target, tgt, language, english, changed))
    return found


def _runs(text: str, words: list[Token], language: Language) -> Iterator[list[Token]]:
    """The source's name runs (see the module's docstring), each as its tokens."""
    titles = set(language.names.person_titles)
    run: list[Token] = []
    for word in words:
        joined = bool(run) and _joins(text, run[-1], word, titles)
        if capitalised(word.text) and (joined or not run):
            run.append(word)
            continue
        if run:
            yield from _named(text, run, language, titles)
        run = [word] if capitalised(word.text) else []
    if run:
        yield from _named(text, run, language, titles)


def _joins(text: str, before: Token, word: Token, titles: set[str]) -> bool:
    """Whether ``word`` goes on the run that ends with ``before``: spaces between them, or the full stop of a
    title or an initial and a space ("M. Le", "A. Ben")."""
    gap = text[before.end : word.start]
    if gap.strip() == "" and gap:
        return True
    short = before.text in titles or _initial(text, before)
    return short and gap.startswith(".") and gap[1:] != "" and gap[1:].strip() == ""


def _initial(text: str, word: Token) -> bool:
    return len(word.text) == 1 and word.text.isupper() and text.startswith(".", word.end)


def _named(text: str, run: list[Token], language: Language, titles: set[str]) -> Iterator[list[Token]]:
    """``run`` when the sentence shows it is a name; a run that opens the sentence loses its function words first."""
    if _opens_sentence(text, run[0].start):
        skip = 0
        while skip < len(run) and run[skip].text not in titles and _ordinary(run[skip].text, language):
            skip += 1
        run = run[skip:]
    if len(run) < 2:
        return
    names = [w for w in run if w.text not in titles]
    titled = len(names) < len(run) and run[0].text in titles
    initial = any(_initial(text, w) for w in run[1:]) or (_initial(text, run[0]) and len(names) > 1)
    articles = language.names.name_articles
    particle = any(w.text in articles and k + 1 < len(run) and run[k + 1].text not in titles for k, w in enumerate(run))
    if names and (titled or initial or particle):
        yield run


def _ordinary(word: str, language: Language) -> bool:
    """A word that may open a sentence without being a name: a function word or one of the words before names."""
    return word.casefold() in language.function_words or fold(word) in language.names.not_a_name


def _opens_sentence(text: str, at: int) -> bool:
    before = text[:at]
    m = OPENING.fullmatch(before) if before else None
    if not before or m is not None:
        return True
    stripped = before.rstrip(" \"'«»“”‘’„([–—-")
    return stripped.endswith(tuple(SENTENCE_END)) and stripped != before


def _in_english(source: str, run: list[Token], src: list[Token], target: str, tgt: list[Token],
                language: Language, english: Language, changed: Sequence[Span]) -> Iterator[Mangled]:
    """The capitalised English words next to the run's anchors that the source does not hold."""
    titles, en_titles = set(language.names.person_titles), set(english.names.person_titles)
    anchors: dict[int, int] = {}  # index in the run -> index in the English
    english_titles = [j for j, w in enumerate(tgt) if w.text in en_titles]
    for k, word in enumerate(run):
        at = _kth(word, [w for w in src if w.text == word.text], [j for j, w in enumerate(tgt) if w.text == word.text])
        if at is None and word.text in titles:  # "Me Rivière" -> "M River": the English's k-th title for the k-th
            at = _kth(word, [w for w in src if w.text in titles], english_titles)
        if at is not None:
            anchors[k] = at
    missing = [w for k, w in enumerate(run) if k not in anchors and w.text not in titles]
    if not anchors or not missing:
        return
    lo = max(0, min(e - k for k, e in anchors.items()))
    hi = min(len(tgt) - 1, max(e + len(run) - 1 - k for k, e in anchors.items()))
    held = {w.text for w in src}
    linked = _english_run(target, tgt, sorted(anchors.values()), lo, hi, en_titles)
    made = [tgt[j] for j in linked if j not in anchors.values() and tgt[j].text not in held
            and tgt[j].text not in en_titles and not any(a < tgt[j].end and tgt[j].start < b for a, b in changed)]
    if not made:
        return
    whole = source[run[0].start : run[-1].end + (1 if _initial(source, run[-1]) else 0)]
    for word in made:
        origin = _origin(tgt.index(word), run, anchors, missing)
        yield Mangled(
            target=(word.start, word.end),
            source=(origin[0].start, origin[-1].end),
            words=" ".join(w.text for w in origin),
            run=whole,
        )


def _origin(j: int, run: list[Token], anchors: dict[int, int], missing: list[Token]) -> list[Token]:
    """The source words English word ``j`` came from: the one as far from the nearest anchor in the run, when the
    engine kept that order ("M. The Drian"); else all the run's words the English does not hold."""
    k, e = min(anchors.items(), key=lambda ke: abs(j - ke[1]))
    at = k + (j - e)
    if 0 <= at < len(run) and run[at] in missing:
        return [run[at]]
    return missing


def _kth(word: Token, in_source: list[Token], in_target: list[int]) -> int | None:
    """``word``'s counterpart in the English: of the alike words, the English's k-th (``in_target``, indexes) for
    the source's k-th (``in_source``), when both hold as many; else nothing says which is which."""
    if word not in in_source or len(in_source) != len(in_target):
        return None
    return in_target[in_source.index(word)]


def _english_run(target: str, tgt: list[Token], anchors: list[int], lo: int, hi: int, titles: set[str]) -> list[int]:
    """Indexes in ``[lo, hi]`` of the capitalised English words joined to an anchor as the source run is joined."""
    out: set[int] = set()
    for a in anchors:
        out.add(a)
        j = a
        while j - 1 >= lo and capitalised(tgt[j - 1].text) and _joins(target, tgt[j - 1], tgt[j], titles):
            j -= 1
            out.add(j)
        j = a
        while j + 1 <= hi and capitalised(tgt[j + 1].text) and _joins(target, tgt[j], tgt[j + 1], titles):
            j += 1
            out.add(j)
    return sorted(out)
