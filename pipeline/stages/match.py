"""Stage 3, match: glossary variants in each segment -> ``TermHit``s.

A hit inside a direct quotation is marked ``in_quote`` with the speaker when the
sentence names one: the enforce stage keeps a loaded label there (the speaker's
words) and the check stage reports it, as the Reuters, AP and BBC guides ask.
Context-refused matches of loaded entries ("attaque terroriste") become
findings, not replacements.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from pipeline.glossary.matcher import Matcher
from pipeline.model import Check, Document, Finding, Kind, TermHit

QUOTE_PAIRS = {"«": "»", "“": "”", '"': '"'}
OPENING = re.compile("[" + "".join(QUOTE_PAIRS) + "]")
SPEECH_VERBS = (
    r"(?:déclaré|affirmé|dit|ajouté|indiqué|expliqué|souligné|estimé|assuré|martelé|"
    r"dénoncé|accusé|lancé|répondu|écrit|averti|rappelé|annoncé|confié|précisé|insisté)"
)
WORD = r"[A-ZÀ-Ý][\w'’\-]+"
PARTICLE = r"(?:(?:al|el|ad|as|ibn|ben|bin|abou|abu)-|(?:de|du|von|van|ben|bin)\s+|d['’])"
TITLE = r"(?:(?:le|la|l['’])\s*(?:général|générale|président|présidente|ministre|porte-parole|chef|directeur|directrice|colonel|commandant|secrétaire|émir|cheikh|imam|député|sénateur)\s+)"
NAME = rf"(?P<who>(?:{TITLE}|(?:le|la|l['’])\s*)?{WORD}(?:\s+{PARTICLE}?{WORD}){{0,4}})"
SPEAKER_BEFORE = re.compile(NAME + r"(?:,[^,«“\"]{1,80},)?\s+(?:a|ont|avait|avaient)\s+" + SPEECH_VERBS + r"\s*(?:que\s*)?:?\s*$")
SPEAKER_AFTER = re.compile(r"^\s*,?\s*(?:a|ont|avait|avaient)\s+" + SPEECH_VERBS + r"\s+" + NAME)
SPEAKER_SELON = re.compile(r"(?:[Ss]elon|[Dd]'après|[Pp]our)\s+" + NAME)


def quote_spans(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Half-open spans of the quoted passages (marks included) in ``text[start:end]``, in order.

    Linear in the paragraph: once a closing mark is missing, openings that need it are skipped unsearched.
    """
    unclosed: set[str] = set()
    i = start
    while (m := OPENING.search(text, i, end)) is not None:
        close = QUOTE_PAIRS[m.group()]
        j = -1 if close in unclosed else text.find(close, m.end(), end)
        if j < 0:
            unclosed.add(close)
            i = m.end()
            continue
        yield m.start(), j + 1
        i = j + 1


def find_speaker(text: str, para_start: int, q_start: int, q_end: int, para_end: int) -> str | None:
    """Who said the quotation at ``text[q_start:q_end]``, when the paragraph names them."""
    before = text[max(para_start, q_start - 200) : q_start]
    m = SPEAKER_BEFORE.search(before)
    if m:
        return _clean(m.group("who"))
    after = text[q_end : min(para_end, q_end + 200)]
    m = SPEAKER_AFTER.search(after)
    if m:
        return _clean(m.group("who"))
    selon = list(SPEAKER_SELON.finditer(before))  # the nearest "selon X" before the quotation
    return _clean(selon[-1].group("who")) if selon else None


def _enclosing(quotes: list[tuple[int, int]], starts: list[int], start: int, end: int) -> tuple[int, int] | None:
    """The quotation holding ``[start, end)``; quotations are disjoint and sorted, so bisect finds it."""
    k = bisect.bisect_right(starts, start) - 1
    return quotes[k] if k >= 0 and end <= quotes[k][1] else None


def _clean(who: str) -> str:
    return re.sub(r"^(?:le|la|l['’])\s*", "", who).strip()  # "le général X" -> "général X"


class MatchStage:
    """Attach ``TermHit``s to the segments of each document."""

    name = "match"

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher

    def __call__(self, doc: Document) -> Document:
        for paragraph in doc.paragraphs():
            p_start, p_end = paragraph[0].start, paragraph[-1].end
            quotes = list(quote_spans(doc.text, p_start, p_end))
            quote_starts = [a for a, _ in quotes]
            for seg in paragraph:
                seg.hits = []
                for m in self.matcher.find(seg.source):
                    start, end = seg.start + m.start, seg.start + m.end
                    if m.rejected is not None:
                        seg.findings.append(
                            Finding(
                                check=Check.LOADED_ADJECTIVE,
                                message=f"{doc.text[start:end]!r} looks like a loaded word used as a description, "
                                f"not a group label ({m.rejected}); kept as is",
                                entry=m.entry.id,
                                source_span=(start, end),
                            )
                        )
                        continue
                    if m.entry.flag_only:
                        seg.findings.append(
                            Finding(
                                check=Check.LOADED_TERM,
                                message=f"{doc.text[start:end]!r} is a loaded word the glossary flags for review and "
                                "never replaces; check whom the text calls terrorist",
                                entry=m.entry.id,
                                source_span=(start, end),
                            )
                        )
                        continue
                    quote = _enclosing(quotes, quote_starts, start, end)
                    speaker = find_speaker(doc.text, p_start, quote[0], quote[1], p_end) if quote else None
                    seg.hits.append(
                        TermHit(
                            entry=m.entry.id,
                            start=start,
                            end=end,
                            text=doc.text[start:end],
                            standard=m.standard,
                            loaded=m.entry.loaded,
                            kind=Kind(m.entry.kind),
                            article=m.entry.article,
                            in_quote=quote is not None,
                            speaker=speaker,
                        )
                    )
        return doc
