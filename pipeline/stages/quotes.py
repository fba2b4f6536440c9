"""Quotations over a whole document: one pass, nested, across paragraphs, with the speaker.

French news quotes with «…», “…” and straight "…"; a quotation that runs over
several paragraphs leaves each paragraph open and reopens the next one with «
(the English convention does the same with “ or "). So the scan keeps a stack
of open quotations from one paragraph to the next:

- an opening mark pushes a quotation (inside another one it is nested, ``depth`` + 1);
- a closing mark closes the innermost open quotation it belongs to (and any
  still open inside that one); a closing mark with nothing to close is ignored;
- a straight ``"`` closes an open ``"`` quotation, else opens one;
- at the end of a paragraph, open quotations continue when the next paragraph
  begins with a reopening mark, and otherwise end there (``closed=False``):
  an unclosed mark never swallows the rest of the document;
- apostrophes (' ’) are never quotation marks: ``l'EI``, ``aujourd’hui``.

The scan is linear in the text. ``Quote.speaker`` is who the paragraphs around
a top-level quotation say spoke it ("« … », a déclaré X", "X a affirmé : « … »",
"selon X, « … »"); a nested quotation inherits its outer quotation's speaker.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from pipeline.model import Quote, Span

PAIRS = {"«": "»", "“": "”", '"': '"'}
CLOSERS = {close: open_ for open_, close in PAIRS.items()}
MARKS = re.compile('[«»“”"]')
PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\n\s*")
REOPEN = re.compile(r"\s*([«“\"])")

SPEECH_VERBS = (
    r"(?:déclaré|affirmé|dit|ajouté|indiqué|expliqué|souligné|estimé|assuré|martelé|"
    r"dénoncé|accusé|lancé|répondu|écrit|averti|rappelé|annoncé|confié|précisé|insisté|tweeté)"
)
PRESENT_VERBS = (
    r"(?:déclare|affirme|dit|ajoute|indique|explique|souligne|estime|assure|martèle|dénonce|accuse|lance|"
    r"répond|écrit|avertit|rappelle|annonce|confie|précise|insiste|poursuit|conclut|tweete|commente|résume)"
)
WORD = r"[A-ZÀ-Ý][\w'’\-]+"
PARTICLE = r"(?:(?:al|el|ad|as|ibn|ben|bin|abou|abu)-|(?:de|du|von|van|ben|bin)\s+|d['’])"
TITLE = (
    r"(?:(?:le|la|l['’])\s*(?:général|générale|président|présidente|ministre|porte-parole|chef|directeur|directrice|"
    r"colonel|commandant|secrétaire|émir|cheikh|imam|député|sénateur)\s+)"
)
NAME = rf"(?P<who>(?:{TITLE}|(?:le|la|l['’])\s*)?{WORD}(?:\s+{PARTICLE}?{WORD}){{0,4}})"
SPEAKER_BEFORE = re.compile(NAME + r"(?:,[^,«“\"]{1,80},)?\s+(?:a|ont|avait|avaient)\s+" + SPEECH_VERBS + r"\s*(?:que\s*)?:?\s*$")
SPEAKER_AFTER = re.compile(r"^\s*,?\s*(?:(?:a|ont|avait|avaient)\s+" + SPEECH_VERBS + "|" + PRESENT_VERBS + r")\s+" + NAME)
SPEAKER_SELON = re.compile(r"(?:[Ss]elon|[Dd]'après|[Pp]our)\s+" + NAME)
PRONOUNS = frozenset({"il", "elle", "ils", "elles", "on", "nous", "je", "vous", "celui-ci", "celle-ci"})


@dataclass
class _Open:
    start: int
    mark: str
    depth: int
    paragraph: int


def paragraph_spans(text: str) -> list[Span]:
    """Paragraphs of ``text``: runs separated by blank lines, without the surrounding white space."""
    spans: list[Span] = []
    pos = 0
    for m in [*PARAGRAPH_BREAK.finditer(text), None]:
        end = m.start() if m is not None else len(text)
        a, b = pos, end
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            spans.append((a, b))
        if m is not None:
            pos = m.end()
    return spans


def find_quotes(text: str, paragraphs: Sequence[Span] | None = None) -> list[Quote]:
    """Every quotation in ``text`` (nested ones included), sorted by start, with speakers.

    ``paragraphs`` are the paragraph spans (in order); by default, blank-line separated runs.
    """
    paras = list(paragraphs) if paragraphs is not None else paragraph_spans(text)
    found: list[tuple[Quote, int, int]] = []  # quote, first and last paragraph index
    stack: list[_Open] = []

    def close(at: int, end: int, paragraph: int, closed: bool) -> None:
        """Close ``stack[at:]``: the one at ``at`` ends at ``end``; inner ones end where it does, unclosed."""
        while len(stack) > at:
            q = stack.pop()
            ok = closed and len(stack) == at
            found.append((Quote(q.start, end, q.mark, q.depth, ok), q.paragraph, paragraph))

    for k, (p0, p1) in enumerate(paras):
        pos = p0
        if stack:
            m = REOPEN.match(text, p0, p1)
            if m is not None and m.group(1) in (stack[0].mark, "«"):
                pos = m.end()  # the quotation goes on: this mark reopens it, it opens nothing new
            else:
                close(0, paras[k - 1][1], k - 1, closed=False)
        for m in MARKS.finditer(text, pos, p1):
            mark = m.group()
            opener = CLOSERS.get(mark)
            at = _innermost(stack, opener) if opener is not None else -1
            if at >= 0:
                close(at, m.end(), k, closed=True)
            elif mark in PAIRS:
                stack.append(_Open(m.start(), mark, len(stack), k))
            # else: a closing mark with nothing open to close
    if stack:
        close(0, paras[-1][1], len(paras) - 1, closed=False)
    found.sort(key=lambda item: (item[0].start, item[0].depth))
    return _with_speakers(text, paras, found)


def _innermost(stack: list[_Open], opener: str) -> int:
    for i in range(len(stack) - 1, -1, -1):
        if stack[i].mark == opener:
            return i
    return -1


def _with_speakers(text: str, paras: list[Span], found: list[tuple[Quote, int, int]]) -> list[Quote]:
    out: list[Quote] = []
    speaker: str | None = None
    for quote, first, last in found:
        if quote.depth == 0:
            speaker = find_speaker(text, paras[first][0], quote.start, quote.end, paras[last][1])
        out.append(Quote(quote.start, quote.end, quote.mark, quote.depth, quote.closed, speaker))
    return out


def find_speaker(text: str, para_start: int, q_start: int, q_end: int, para_end: int) -> str | None:
    """Who said the quotation at ``text[q_start:q_end]``, when the paragraphs around it name them."""
    before = text[max(para_start, q_start - 200) : q_start]
    after = text[q_end : min(para_end, q_end + 200)]
    candidates = [SPEAKER_BEFORE.search(before), SPEAKER_AFTER.search(after)]
    candidates += reversed(list(SPEAKER_SELON.finditer(before)))  # the nearest "selon X" before the quotation
    for m in candidates:
        if m is not None and m.group("who").casefold() not in PRONOUNS:
            return _clean(m.group("who"))
    return None


def _clean(who: str) -> str:
    return re.sub(r"^(?:le|la|l['’])\s*", "", who).strip()  # "le général X" -> "général X"


def quote_spans(text: str, start: int = 0, end: int | None = None) -> Iterator[Span]:
    """Spans of the top-level quotations in ``text[start:end]``, taken as one paragraph."""
    stop = len(text) if end is None else end
    for q in find_quotes(text, [(start, stop)] if start < stop else []):
        if q.depth == 0:
            yield q.start, q.end


@dataclass
class QuoteIndex:
    """The quotation around a span, found by bisection over top-level quotations (nested ones searched inside)."""

    quotes: Sequence[Quote]
    _tops: list[Quote] = field(init=False, default_factory=list)
    _starts: list[int] = field(init=False, default_factory=list)
    _inner: dict[int, list[Quote]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        for q in self.quotes:
            if q.depth == 0:
                self._tops.append(q)
                self._starts.append(q.start)
            elif self._tops:
                self._inner.setdefault(len(self._tops) - 1, []).append(q)

    def around(self, start: int, end: int) -> Quote | None:
        """The innermost quotation holding ``[start, end)``, or None."""
        k = bisect.bisect_right(self._starts, start) - 1
        if k < 0 or end > self._tops[k].end:
            return None
        best = self._tops[k]
        for q in self._inner.get(k, ()):
            if q.start <= start and end <= q.end and q.depth > best.depth:
                best = q
        return best
