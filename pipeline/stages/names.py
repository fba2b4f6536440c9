"""Stage 3b, names: protect transliterated names the glossary does not list from the engine.

The engine reads the Arabic article of a transliterated name as French "à la":
"Bachar al-Assad" comes out as "Bachar to the-Assad". Names the glossary lists
(``kind: name`` entries, e.g. ``glossaries/fr-en.names.yaml``; groups such as
Hachd al-Chaabi) are matched by the match stage like any entry. This stage,
run after it, finds the names nobody listed, by their shape only; the words
that make a shape are the document language's (``Language.names``):

- a word with the Arabic article (al-, el-, ad-, ach-, ez-, ...) before a
  capital, with one capitalised word before it and any article forms after it:
  "Moustafa al-Kazimi", "al-Bab", "Jabal al-Arba'in", "Deir ez-Zor"; where the
  language writes the article without a hyphen (Spanish "Bashar al Asad"), the
  spaced form inside a chain, before no common word ("viajó al Líbano" is "a el");
- an Abou/Abu/Ibn/Ben/Abdel chain: "Abou Foued", "Abou Ibrahim al-Andaloussi",
  "Ben Nasr"; lower-case ben/bin/ibn between capitalised words join a chain;
- a place name whose parts are joined by hyphens around a lower-case word
  (French "Thonon-les-Bains", which the engine writes "Thonon-the-Baths");
- an all-capital acronym of 2 to 6 letters that is not part of a headline in
  capitals, not a word in capitals (French LE, DES) and not a Roman numeral;
- two or more capitalised words in a row, less a title or preposition before
  them ("Marie Dosé", "Jean-Yves Le Drian"). Such
  a sequence may as well be a place or body the English must translate
  ("Maison Blanche"), so its hit is ``tentative``: it is kept only where the
  engine kept some of its words in place and translated others ("Marry
  Dosé", "Jean-Yves The Drian"), and then without a finding. A sentence's
  first word is capitalised anyway, so its change alone proves nothing
  ("Hier Donald Trump" -> "Yesterday Donald Trump").

Ordinary capitalised words of the language are never taken on their own. Each name
found becomes a ``Kind.NAME`` hit whose replacement is the name as written, so
the translate and enforce stages place it in the raw translation exactly as
they place a glossary name (the engine's "to the-Assad" becomes "al-Assad"),
and an ``unknown-name`` finding lists it for review. A name a glossary entry
covers, even in part, is left to that entry: glossary hits win.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Self

from pipeline.glossary.load import Entry, Glossary
from pipeline.glossary.matcher import expand_variant, fold
from pipeline.lang import NEUTRAL, Language, get_language
from pipeline.lang.base import Names
from pipeline.lang.speech import alternation
from pipeline.model import Check, Document, Finding, Kind, Segment, TermHit
from pipeline.stages.base import DocumentStage, StageContext

UNKNOWN = "unknown-name"  # the entry id of a protected name no glossary lists

_UP = "A-ZÀ-ÖØ-Þ"
_LOW = "a-zß-öø-ÿ"
# A capitalised word; it ends where a lower-case run ends, so a scraped "al-BaghdadiLe" yields "al-Baghdadi".
_CAP = rf"[{_UP}][{_LOW}]+(?:['’][{_LOW}]+)*(?![{_LOW}])"
# Capitalised words in a row (hyphenated ones count as one): a person's name, or a body or place.
SEQUENCE = re.compile(rf"(?<![\w'’-]){_CAP}(?:-{_CAP})*(?:\s+{_CAP}(?:-{_CAP})*)+(?![\w'’-])")
WORD = re.compile(r"\S+")
ACRONYM = re.compile(r"(?<![\w'’-])[A-Z]{2,6}(?![\w-])")
CAPITAL_WORD = re.compile(rf"[{_UP}]{{2,}}")
ROMAN = re.compile(r"^[IVX]+$")


@dataclass(frozen=True)
class _Shapes:
    """A language's name patterns, compiled from its ``Names`` lists."""

    chain: re.Pattern[str]  # article forms and Abou/Ibn/Ben chains
    place: re.Pattern[str] | None  # places joined by hyphens around a lower-case word
    spaced: re.Pattern[str] | None  # a spaced article and the word after it ("al Asad"), where the language has one


_shapes: dict[Names, _Shapes] = {}


def _shapes_of(language: Language) -> _Shapes:
    """The compiled name shapes of ``language``, built on first use."""
    n = language.names
    if n not in _shapes:
        article, lower = alternation(n.arabic_articles, either_case=True), alternation(n.lower_articles)
        art_word = rf"(?<![\w-])(?:{article}-{_CAP}(?:-{_CAP})*|{lower}-[{_LOW}]{{2,}}(?:['’][{_LOW}]+)*(?![{_LOW}]))"
        kunya, join = alternation(n.kunyas), alternation(n.joins)
        spaced = rf"{alternation(n.spaced_articles, either_case=True)}\s+{_CAP}" if n.spaced_articles else ""
        also = f"|{spaced}" if spaced else ""
        next_ = rf"(?:\s+(?:{art_word}|{join}\s+{_CAP}|{kunya}\s+{_CAP}{also}))"
        chain = rf"(?<![\w-])(?:(?P<lead>{_CAP})\s+)?(?P<core>{art_word}|{kunya}\s+(?:{art_word}|{_CAP}){also})(?:{next_})*"
        place = None
        if n.place_links:
            link = alternation(n.place_links)
            place = re.compile(rf"(?<![\w-]){_CAP}(?:-{_CAP})*(?:(?:-{link})+-{_CAP}(?:-{_CAP})*)+(?![\w-])")
        spaced_word = rf"(?<![\w-]){alternation(n.spaced_articles, either_case=True)}\s+(?P<word>{_CAP})"
        _shapes[n] = _Shapes(re.compile(chain), place, re.compile(spaced_word) if spaced else None)
    return _shapes[n]


def name_key(text: str) -> str:
    """How names are compared: folded, with spaces, hyphens and apostrophes as one space."""
    return " ".join(re.split(r"[\s'\-]+", fold(text))).strip()


class NamesStage(DocumentStage):
    """Add a ``Kind.NAME`` hit, and an ``unknown-name`` finding, for each unlisted name of each segment."""

    name = "names"
    requires = frozenset({"segments"})
    assigns = frozenset({"hits"})

    @classmethod
    def from_context(cls, context: StageContext) -> Self:
        return cls(context.glossary)

    def __init__(self, glossary: Glossary) -> None:
        # The glossary's names and groups by wording, for names the match stage's tokens could not
        # see (a scraped "al-BaghdadiLe"): such a name still gets its entry's standard spelling.
        self.known: dict[str, Entry] = {}
        for entry in glossary.entries:
            if entry.kind in ("name", "group"):
                for variant in entry.variants:
                    for form, _ in expand_variant(variant):
                        self.known.setdefault(name_key(form), entry)

    def __call__(self, doc: Document) -> Document:
        language = get_language(doc.language)
        for seg in doc.segments:
            found = [hit for hit in self.find(seg, language) if not _overlaps(hit, seg.hits)]
            found += [hit for hit in self.sequences(seg, language) if not _overlaps(hit, [*seg.hits, *found])]
            if not found:
                continue
            seg.hits = sorted([*seg.hits, *found], key=lambda h: h.start)
            seg.findings += [_unknown(hit) for hit in found if hit.entry == UNKNOWN and not hit.tentative]
        return doc

    def sequences(self, seg: Segment, language: Language = NEUTRAL) -> Iterator[TermHit]:
        """Tentative hits for runs of capitalised words, less leading titles and prepositions ("Selon", "Me")."""
        not_a_name = language.names.not_a_name
        for m in SEQUENCE.finditer(seg.source):
            words = list(WORD.finditer(m.group()))
            drop = 0
            while drop < len(words) and fold(words[drop].group()) in not_a_name:
                drop += 1
            if len(words) - drop < 2:
                continue
            a, b = m.start() + words[drop].start(), m.end()
            text = seg.source[a:b]
            written = " ".join(text.split())
            yield TermHit(entry=UNKNOWN, start=seg.start + a, end=seg.start + b, text=text, standard=written,
                          loaded=False, kind=Kind.NAME, tentative=True)

    def find(self, seg: Segment, language: Language = NEUTRAL) -> Iterator[TermHit]:
        """The names in ``seg`` by their shape, in text order, not overlapping one another."""
        shapes, names = _shapes_of(language), language.names
        places = (m.span() for m in shapes.place.finditer(seg.source)) if shapes.place is not None else ()
        chains = _chains(seg.source, shapes, names)
        spans = sorted([*chains, *places, *_acronyms(seg.source, names)], key=lambda s: (s[0], -s[1]))
        end = 0
        for a, b in spans:
            if a < end:
                continue
            end = b
            text = seg.source[a:b]
            entry = self.known.get(name_key(text))
            start = seg.start + a
            if entry is not None:
                yield TermHit(entry=entry.id, start=start, end=seg.start + b, text=text, standard=entry.standard,
                              loaded=entry.loaded, kind=entry.kind, article=entry.article)
            else:
                written = " ".join(text.split())
                yield TermHit(entry=UNKNOWN, start=start, end=seg.start + b, text=text, standard=written,
                              loaded=False, kind=Kind.NAME)


def _chains(text: str, shapes: _Shapes, names: Names) -> Iterator[tuple[int, int]]:
    """Spans of article forms and Abou/Ibn/Ben chains, with a capitalised word before them that is no common word.

    A spaced article ("Bashar al Asad", "Abu Bakr al Bagdadi") is a name's only inside a chain and before no
    common word: Spanish "al" is also "a el" ("viajó al Líbano", "Pidió al Gobierno"), so the chain stops there
    and one that begins with it needs a name's word before it.
    """
    for m in shapes.chain.finditer(text):
        start, end, core = m.start(), m.end(), m.start("core")
        lead = m.group("lead")
        if lead is not None and fold(lead) in names.not_a_name:
            start, lead = core, None
        if shapes.spaced is not None:
            for spaced in shapes.spaced.finditer(text, core, end):
                if fold(spaced.group("word")) in names.not_after_spaced:
                    end = spaced.start()
                    break
            end = len(text[:end].rstrip())
            if end <= core or (lead is None and shapes.spaced.match(text, core)):
                continue
        yield start, end


def _acronyms(text: str, names: Names) -> Iterator[tuple[int, int]]:
    """Spans of all-capital acronyms that are not a headline in capitals, a word in capitals or a Roman numeral."""
    for m in ACRONYM.finditer(text):
        word = m.group()
        if word in names.capital_words or ROMAN.match(word) or _shouted(text, m.start(), m.end()):
            continue
        yield m.span()


def _shouted(text: str, start: int, end: int) -> bool:
    """Whether the word next to ``text[start:end]`` on either side is in capitals too: a headline
    ("IRAK : UN VILLAGE REPRIS") or a dateline ("KABOUL (AFP) -"), across the punctuation between them."""
    before = re.search(r"([\w'’-]+)[\s'’:()\-–—]*$", text[max(0, start - 40) : start])
    after = re.match(r"[\s'’:()\-–—]*([\w'’-]+)", text[end : end + 40])
    return any(w is not None and CAPITAL_WORD.fullmatch(w.group(1).replace("'", "").replace("’", "")) is not None
               and len(w.group(1)) > 1 for w in (before, after))


def _overlaps(hit: TermHit, hits: list[TermHit]) -> bool:
    return any(h.start < hit.end and hit.start < h.end for h in hits)


def _unknown(hit: TermHit) -> Finding:
    return Finding(
        check=Check.UNKNOWN_NAME,
        message=f"“{hit.standard}” looks like a name no glossary lists: protected from the engine and kept as written; "
        "add it to the names glossary (glossaries/SRC-TGT.names.yaml) with its standard spelling, or leave it if it is right",
        source_span=(hit.start, hit.end),
    )
