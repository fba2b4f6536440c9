"""Former names of a group, which the source names as such: kept as written, never made the standard name.

A glossary gives a group one standard name for all its names, former ones included (EIIL, "État islamique en
Irak et au Levant" -> "Islamic State"). Where the text says the group changed name, that erases what it says:
"l'organisation Etat islamique en Irak et au Levant (EIIL, devenue Etat islamique en 2014)" would read "Islamic
State (became Islamic State in 2014)", and the merge of equivalent names in brackets then drops the former name
altogether. So a group's name is *former* when the language's words say so (``Language.renamed``):

- before the name ("l'ex-EIIL", "l'EI, anciennement EIIL", "antes conocido como EIIL"), or after it (Arabic
  "جبهة النصرة سابقا"): the new name is the group named right before, in the same apposition ("l'EI, ...");
- between it and its new name ("EIIL, devenue Etat islamique"): so are the same group's names right before it,
  of which it is the abbreviation or the apposition ("Etat islamique en Irak et au Levant (EIIL, devenue ...").

It is kept only when the new name is the same entry's: the glossary would write the same name twice. Where
it gives the former name an entry of its own ("le Front Al-Nosra (rebaptisé Tahrir al-Cham)"), the standard
names already tell the history, and a former name with no new name in sight is left to the glossary as well.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.lang.base import Renamed
from pipeline.lang.speech import alternation
from pipeline.model import Kind, TermHit

# Between a name and the language's words about it: spaces, a comma, an opening bracket, quotation marks, a colon.
GAP = r"[\s,،(«»\"“”„:–—]*"
# Between two names of the same apposition: "EI (EIIL", "HTS, l'" (an elided article before "ex-").
APPOSITION = re.compile(r"[\s,،(«»\"“”„–—]*(?:\w{1,2}['’])?", re.UNICODE)
# What the words between "devenue" and the new name may hold: a date, an article; not the end of the clause.
BETWEEN = re.compile(r"[^.;:!?()]{0,30}")


@dataclass(frozen=True)
class _Patterns:
    before: re.Pattern[str] | None
    became: re.Pattern[str] | None
    after: re.Pattern[str] | None


_compiled: dict[Renamed, _Patterns] = {}


def _patterns(renamed: Renamed) -> _Patterns:
    if renamed not in _compiled:
        def words(items: tuple[str, ...]) -> str:
            return alternation(sorted(items, key=len, reverse=True), either_case=True)

        _compiled[renamed] = _Patterns(
            before=re.compile(rf"(?<!\w){words(renamed.before)}{GAP}$") if renamed.before else None,
            became=re.compile(rf"{GAP}{words(renamed.became)}(?!\w)") if renamed.became else None,
            after=re.compile(rf"{GAP}{words(renamed.after)}(?!\w)") if renamed.after else None,
        )
    return _compiled[renamed]


def former_names(text: str, offset: int, hits: Sequence[TermHit], renamed: Renamed) -> set[int]:
    """Indexes of ``hits`` (in order, offsets into the document) that are former names of the group named next to
    them; ``text`` is the segment's source, which starts at ``offset``."""
    p = _patterns(renamed)
    former: set[int] = set()
    for i, hit in enumerate(hits):
        if hit.kind is not Kind.GROUP:
            continue
        start, end = hit.start - offset, hit.end - offset
        marker = p.before.search(text, max(0, start - 60), start) if p.before is not None else None
        if marker is not None or (p.after is not None and p.after.match(text, end) is not None):
            new = _previous(text, offset, hits, i, offset + (marker.start() if marker is not None else start))
            if new is not None and hits[new].entry == hit.entry:
                former.add(i)
            continue
        became = p.became.match(text, end) if p.became is not None else None
        if became is None:
            continue
        new = _next(text, offset, hits, i, became.end() + offset)
        if new is None or hits[new].entry != hit.entry:
            continue
        former.add(i)
        j: int | None = _previous(text, offset, hits, i, start + offset)
        while j is not None and hits[j].entry == hit.entry:
            former.add(j)  # "Etat islamique en Irak et au Levant (EIIL, devenue ...": the name EIIL abbreviates
            j = _previous(text, offset, hits, j, hits[j].start)
    return former


def _previous(text: str, offset: int, hits: Sequence[TermHit], i: int, at: int) -> int | None:
    """The hit right before ``at`` (a document offset), in the same apposition as hit ``i``."""
    if i == 0:
        return None
    prev = hits[i - 1]
    gap = text[prev.end - offset : at - offset]
    return i - 1 if prev.end <= at and APPOSITION.fullmatch(gap) is not None else None


def _next(text: str, offset: int, hits: Sequence[TermHit], i: int, at: int) -> int | None:
    """The hit a few words after ``at`` (a document offset), within the clause: the new name."""
    if i + 1 >= len(hits):
        return None
    following = hits[i + 1]
    gap = text[at - offset : following.start - offset]
    return i + 1 if following.start >= at and BETWEEN.fullmatch(gap) is not None else None
