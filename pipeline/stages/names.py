"""Stage 3b, names: protect transliterated names the glossary does not list from the engine.

The engine reads the Arabic article of a transliterated name as French "à la":
"Bachar al-Assad" comes out as "Bachar to the-Assad". Names the glossary lists
(``kind: name`` entries, e.g. ``glossaries/fr-en.names.yaml``; groups such as
Hachd al-Chaabi) are matched by the match stage like any entry. This stage,
run after it, finds the names nobody listed, by their shape only:

- a word with the Arabic article (al-, el-, ad-, ach-, ez-, ...) before a
  capital, with one capitalised word before it and any article forms after it:
  "Moustafa al-Kazimi", "al-Bab", "Jabal al-Arba'in", "Deir ez-Zor";
- an Abou/Abu/Ibn/Ben/Abdel chain: "Abou Foued", "Abou Ibrahim al-Andaloussi",
  "Ben Nasr"; lower-case ben/bin/ibn between capitalised words join a chain;
- a French place name whose parts are joined by hyphens around a lower-case
  word ("Thonon-les-Bains", which the engine writes "Thonon-the-Baths");
- an all-capital acronym of 2 to 6 letters that is not part of a headline in
  capitals, not a French word in capitals (LE, DES) and not a Roman numeral;
- two or more capitalised words in a row, less a title or preposition before
  them ("Marie Dosé", "Jean-Yves Le Drian"). Such
  a sequence may as well be a place or body the English must translate
  ("Maison Blanche"), so its hit is ``tentative``: it is kept only where the
  engine kept some of its words in place and translated others ("Marry
  Dosé", "Jean-Yves The Drian"), and then without a finding. A sentence's
  first word is capitalised anyway, so its change alone proves nothing
  ("Hier Donald Trump" -> "Yesterday Donald Trump").

Ordinary capitalised French words are never taken on their own. Each name
found becomes a ``Kind.NAME`` hit whose replacement is the name as written, so
the translate and enforce stages place it in the raw translation exactly as
they place a glossary name (the engine's "to the-Assad" becomes "al-Assad"),
and an ``unknown-name`` finding lists it for review. A name a glossary entry
covers, even in part, is left to that entry: glossary hits win.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.glossary.load import Entry, Glossary
from pipeline.glossary.matcher import expand_variant, fold
from pipeline.model import Check, Document, Finding, Kind, Segment, TermHit

UNKNOWN = "unknown-name"  # the entry id of a protected name no glossary lists

_UP = "A-ZÀ-ÖØ-Þ"
_LOW = "a-zß-öø-ÿ"
# A capitalised word; it ends where a lower-case run ends, so a scraped "al-BaghdadiLe" yields "al-Baghdadi".
_CAP = rf"[{_UP}][{_LOW}]+(?:['’][{_LOW}]+)*(?![{_LOW}])"
# The Arabic article before a capital. Short forms that are also French words need the capital.
_ARTICLE = r"(?:[Aa]l|[Ee]l|[Aa]d|[Aa]ch|[Aa]sh|[Ee]ch|[Ee]z|[Aa]z|[Aa]s|[Aa]t|[Aa]r|[Ee]d|[Ee]s|[Uu]l)"
_ART_WORD = rf"(?<![\w-])(?:{_ARTICLE}-{_CAP}(?:-{_CAP})*|(?:al|el)-[{_LOW}]{{2,}}(?:['’][{_LOW}]+)*(?![{_LOW}]))"
_KUNYA = r"(?:Abou|Abu|Ibn|Ben|Bin|Abdel|Abdul|Oum|Umm)"
_JOIN = r"(?:ben|bin|ibn|bint|abou|abu|ould)"
_NEXT = rf"(?:\s+(?:{_ART_WORD}|{_JOIN}\s+{_CAP}|{_KUNYA}\s+{_CAP}))"
NAME = re.compile(
    rf"(?<![\w-])(?:(?P<lead>{_CAP})\s+)?(?P<core>{_ART_WORD}|{_KUNYA}\s+(?:{_ART_WORD}|{_CAP}))(?:{_NEXT})*"
)
# A French place name joined by hyphens around a lower-case word: Thonon-les-Bains, Boulogne-sur-Mer.
_PLACE_LINK = r"(?:les|lès|le|la|sur|sous|en|de|du|des|aux|au)"
PLACE = re.compile(rf"(?<![\w-]){_CAP}(?:-{_CAP})*(?:(?:-{_PLACE_LINK})+-{_CAP}(?:-{_CAP})*)+(?![\w-])")
# Capitalised words in a row (hyphenated ones count as one): a person's name, or a body or place.
SEQUENCE = re.compile(rf"(?<![\w'’-]){_CAP}(?:-{_CAP})*(?:\s+{_CAP}(?:-{_CAP})*)+(?![\w'’-])")
WORD = re.compile(r"\S+")
ACRONYM = re.compile(r"(?<![\w'’-])[A-Z]{2,6}(?![\w-])")
CAPITAL_WORD = re.compile(rf"[{_UP}]{{2,}}")
ROMAN = re.compile(r"^[IVX]+$")
# Capitalised French words that may stand right before a name without being part of it (folded: no accents).
NOT_A_NAME = frozenset(
    """le la les l un une des du de d et ou mais or donc ni car selon pour par dans en au aux avec sans sous sur chez
    contre entre vers depuis apres avant pendant lors quand si comme ce cet cette ces son sa ses leur leurs mon ma mes
    il elle ils elles on nous vous je tu qui que quoi dont ou tout tous toute toutes aussi ainsi alors puis enfin
    president presidente premier premiere ministre general generale cheikh emir imam roi reine prince calife chef
    commandant colonel marechal monsieur madame docteur ayatollah mollah sayyed camp ville province region quartier
    village localite place rue prison mosquee tribu clan famille groupe brigade bataillon front armee
    me mme mlle m dr pr mgr maitre""".split()
)
# French words that are written in capitals in headlines; never taken for an acronym.
FRENCH_CAPS = frozenset(
    """LE LA LES UN UNE DES DU DE ET OU EN AU AUX CE CES SA SON SES IL ILS ELLE ON NOUS VOUS JE TU NE PAS PLUS QUE QUI
    EST SONT ONT FAIT DIT MAIS OUI NON PAR POUR SUR DANS AVEC SANS TOUT TOUS TRES BON FIN MORT GUERRE PAIX VIE ETAT
    AVANT APRES DEPUIS CONTRE ENTRE VOIR LIRE VIDEO PHOTO PHOTOS DIRECT INFO ALERTE URGENT EXCLUSIF""".split()
)


def name_key(text: str) -> str:
    """How names are compared: folded, with spaces, hyphens and apostrophes as one space."""
    return " ".join(re.split(r"[\s'\-]+", fold(text))).strip()


class NamesStage:
    """Add a ``Kind.NAME`` hit, and an ``unknown-name`` finding, for each unlisted name of each segment."""

    name = "names"

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
        for seg in doc.segments:
            found = [hit for hit in self.find(seg) if not _overlaps(hit, seg.hits)]
            found += [hit for hit in self.sequences(seg) if not _overlaps(hit, [*seg.hits, *found])]
            if not found:
                continue
            seg.hits = sorted([*seg.hits, *found], key=lambda h: h.start)
            seg.findings += [_unknown(hit) for hit in found if hit.entry == UNKNOWN and not hit.tentative]
        return doc

    def sequences(self, seg: Segment) -> Iterator[TermHit]:
        """Tentative hits for runs of capitalised words, less leading titles and prepositions ("Selon", "Me")."""
        for m in SEQUENCE.finditer(seg.source):
            words = list(WORD.finditer(m.group()))
            drop = 0
            while drop < len(words) and fold(words[drop].group()) in NOT_A_NAME:
                drop += 1
            if len(words) - drop < 2:
                continue
            a, b = m.start() + words[drop].start(), m.end()
            text = seg.source[a:b]
            written = " ".join(text.split())
            yield TermHit(entry=UNKNOWN, start=seg.start + a, end=seg.start + b, text=text, standard=written,
                          loaded=False, kind=Kind.NAME, tentative=True)

    def find(self, seg: Segment) -> Iterator[TermHit]:
        """The names in ``seg`` by their shape, in text order, not overlapping one another."""
        places = (m.span() for m in PLACE.finditer(seg.source))
        spans = sorted([*_chains(seg.source), *places, *_acronyms(seg.source)], key=lambda s: (s[0], -s[1]))
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


def _chains(text: str) -> Iterator[tuple[int, int]]:
    """Spans of article forms and Abou/Ibn/Ben chains, with a capitalised word before them that is no French word."""
    for m in NAME.finditer(text):
        start = m.start()
        lead = m.group("lead")
        if lead is not None and fold(lead) in NOT_A_NAME:
            start = m.start("core")
        yield start, m.end()


def _acronyms(text: str) -> Iterator[tuple[int, int]]:
    """Spans of all-capital acronyms that are not a headline in capitals, a French word or a Roman numeral."""
    for m in ACRONYM.finditer(text):
        word = m.group()
        if word in FRENCH_CAPS or ROMAN.match(word) or _shouted(text, m.start(), m.end()):
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
