"""Quotations over a whole document: one pass, nested, across paragraphs, with the speaker.

The marks and the words around a quotation are the document's language's
(``pipeline.lang``: ``Language.quotes`` and ``Language.speech``); this module
has none of its own. French news quotes with «…», “…”, straight "…" and, for a
quotation inside another, ‘…’ or ‹…›; Spanish also with '…'; Russian nests
„…“. A quotation that runs over several paragraphs leaves each paragraph open
and reopens the next one with its own mark or one the language names (French
«, Spanish »). So the scan keeps a stack of open quotations from one paragraph
to the next:

- an opening mark pushes a quotation (inside another one it is nested, ``depth`` + 1);
- a closing mark closes the innermost open quotation it belongs to (and any
  still open inside that one); a closing mark with nothing to close is ignored;
- a mark that both opens and closes (straight ``"``) closes an open quotation of its own, else opens one;
- at the end of a paragraph, open quotations continue when the next paragraph
  begins with a reopening mark, and otherwise end there (``closed=False``):
  an unclosed mark never swallows the rest of the document;
- ’ is also the apostrophe (``l’EI``, ``aujourd’hui``, ``qu’il``), so marks
  that are also apostrophes count only as a pair in one paragraph: ‘ opens
  after white space, punctuation or the paragraph start, and the ’ closing it is
  followed by no letter; any other ‘ or ’ is an apostrophe. A straight ' always
  is, unless the language quotes with it (Spanish), and then by the same rule.

The scan is linear in the text. ``Quote.speaker`` is who the paragraphs around
a top-level quotation say spoke it ("« … », a déclaré X", "X a affirmé : « … »",
"selon X, « … »", "«…», dijo el portavoz"; the shapes are in
``pipeline.lang.speech``); "« … », a-t-il ajouté" or "«…», añadió." is the
speaker of the quotation just before, in the same or the previous paragraph.
A nested quotation inherits its outer quotation's speaker. When unsure, the
speaker is None ("speaker not identified"), never a guess; a language without
speech verbs names nobody.

Marks around a name are not a quotation of anyone. Saudi papers write «داعش»,
Russian ones «Исламское государство» and «Джебхат ан-Нусра», French ones
"Casques blancs": an unattributed quotation holding a lone name says which
words are the name, not who said them (``naming_marks``). So a name alone in
marks nobody is said to have spoken is rewritten like any other, while the
same name inside speech, or a loaded description in scare quotes ("qu'elle
qualifie de "terroriste"": the label is someone's word), stays as written.
The quotation itself is still found (``Document.quotes``, the review page).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from pipeline.lang import NEUTRAL, Language
from pipeline.lang.base import Quotation
from pipeline.lang.speech import SENTENCE_END, SpeechPatterns, speech_patterns
from pipeline.model import Kind, Quote, Span

PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\n\s*")
TERM_WORDS = 3  # an unattributed quotation this short is a word in quotes (« terroristes »), not speech
SAME_SPEAKER = "\x00"  # find_speaker's answer for "a-t-il ajouté": the previous quotation's speaker
SAME_SPEAKER_REACH = 2000  # characters back to the previous quotation's end, at most
NAMES = frozenset({Kind.GROUP, Kind.NAME})  # entries that name; the others describe (members, labels)
NAMING_SPACE = " \t\u00a0\u202f\u2009"  # between a mark and the name: French « Daech », with a (narrow) no-break space
NAMING_AFTER = NAMING_SPACE + ".,;:"  # and after the name, the punctuation some papers put inside the marks


@dataclass(frozen=True)
class _Marks:
    """A language's quotation marks, ready for the scan."""

    pairs: dict[str, str]  # opening -> closing
    closers: dict[str, str]  # closing -> opening
    marks: re.Pattern[str]
    reopen: re.Pattern[str]  # an opening mark at a paragraph's start
    continues: str  # marks that continue any open quotation there
    apostrophes: str  # marks that are also apostrophes
    single_openers: str  # opening marks among those


_marks: dict[Quotation, _Marks] = {}


def _marks_of(language: Language) -> _Marks:
    """The compiled marks of ``language``, built on first use."""
    q = language.quotes
    if q not in _marks:
        pairs = dict(q.pairs)
        chars = "".join(dict.fromkeys(c for pair in q.pairs for c in pair))
        openers = "".join(o for o in pairs if o not in q.apostrophes)
        _marks[q] = _Marks(
            pairs=pairs,
            closers={close: open_ for open_, close in q.pairs},
            marks=re.compile(f"[{re.escape(chars)}]"),
            reopen=re.compile(rf"\s*([{re.escape(openers + q.reopen)}])" if openers + q.reopen else "(?!)"),
            continues=q.reopen,
            apostrophes=q.apostrophes,
            single_openers="".join(o for o in pairs if o in q.apostrophes),
        )
    return _marks[q]


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


def find_quotes(text: str, paragraphs: Sequence[Span] | None = None, language: Language = NEUTRAL) -> list[Quote]:
    """Every quotation in ``text`` (nested ones included), sorted by start, with speakers.

    ``paragraphs`` are the paragraph spans (in order); by default, blank-line separated runs. ``language``
    gives the marks and the words that name a speaker; ``NEUTRAL`` knows common marks and no speaker.
    """
    paras = list(paragraphs) if paragraphs is not None else paragraph_spans(text)
    marks = _marks_of(language)
    scan = _Scan(marks)
    for k, (p0, p1) in enumerate(paras):
        pos = p0
        if scan.stack:
            m = marks.reopen.match(text, p0, p1)
            if m is not None and (m.group(1) == scan.stack[0].mark or m.group(1) in marks.continues):
                pos = m.end()  # the quotation goes on: this mark reopens it, it opens nothing new
            else:
                scan.close(0, paras[k - 1][1], k - 1, closed=False)
        opens_single = any(o in text[pos:p1] for o in marks.single_openers)
        singles = _single_marks(text, pos, p1, marks) if opens_single else frozenset()
        for m in marks.marks.finditer(text, pos, p1):
            if m.group() in marks.apostrophes and m.start() not in singles:
                continue  # an apostrophe
            scan.mark(m.group(), m.start(), k)
    if scan.stack:
        scan.close(0, paras[-1][1], len(paras) - 1, closed=False)
    scan.found.sort(key=lambda item: (item[0].start, item[0].depth))
    return _with_speakers(text, paras, scan.found, language)


def _single_marks(text: str, start: int, end: int, marks: _Marks) -> frozenset[int]:
    """Positions of the marks that are also apostrophes in ``text[start:end]`` (one paragraph) that pair as
    quotation marks.

    ‘ opens after white space, punctuation or the paragraph start, before a non-space; ’ closes after a
    non-space, before no letter ("‘terroristes’ de l’EI": the ’ of "l’EI" is an apostrophe). Each closer
    takes the nearest unpaired opener of its pair (a mark that may do both, such as ', closes first); marks
    left unpaired are apostrophes, so a stray ‘ never opens a quotation that runs to the end of the paragraph.
    """
    openers: dict[str, list[int]] = {o: [] for o in marks.single_openers}
    paired: list[int] = []
    for m in re.finditer(f"[{re.escape(marks.apostrophes)}]", text[start:end]):
        at, mark = start + m.start(), m.group()
        before = text[at - 1] if at > start else " "
        after = text[at + 1] if at + 1 < end else " "
        opener = marks.closers.get(mark)
        if opener in openers and openers[opener] and not before.isspace() and not after.isalpha():
            paired += (openers[opener].pop(), at)
        elif mark in openers and not before.isalnum() and not after.isspace():
            openers[mark].append(at)
    return frozenset(paired)


class _Scan:
    """The open quotations, with where each kind of mark was last opened (so a closing mark is found at once)."""

    def __init__(self, marks: _Marks) -> None:
        self.marks = marks
        self.stack: list[_Open] = []
        self.where: dict[str, list[int]] = {mark: [] for mark in marks.pairs}  # opening mark -> its stack positions
        self.found: list[tuple[Quote, int, int]] = []  # quote, first and last paragraph index

    def mark(self, mark: str, at: int, paragraph: int) -> None:
        opener = self.marks.closers.get(mark)
        if opener is not None and self.where[opener]:
            self.close(self.where[opener][-1], at + 1, paragraph, closed=True)
        elif mark in self.marks.pairs:
            self.where[mark].append(len(self.stack))
            self.stack.append(_Open(at, mark, len(self.stack), paragraph))
        # else: a closing mark with nothing open to close

    def close(self, at: int, end: int, paragraph: int, closed: bool) -> None:
        """Close ``stack[at:]``: the one at ``at`` ends at ``end``; inner ones end where it does, unclosed."""
        while len(self.stack) > at:
            q = self.stack.pop()
            self.where[q.mark].pop()
            ok = closed and len(self.stack) == at
            self.found.append((Quote(q.start, end, q.mark, q.depth, ok), q.paragraph, paragraph))


@dataclass
class _Said:
    """The previous top-level quotation that is speech: its speaker (None if not found), end and last paragraph."""

    speaker: str | None
    end: int
    paragraph: int


def _with_speakers(text: str, paras: list[Span], found: list[tuple[Quote, int, int]], language: Language) -> list[Quote]:
    out: list[Quote] = []
    speaker: str | None = None
    last: _Said | None = None
    patterns = speech_patterns(language)
    for quote, first, last_para in found:
        if quote.depth == 0:
            speaker = find_speaker(text, _intro_start(text, paras, first, quote), quote.start, quote.end,
                                   paras[last_para][1], language)
            if speaker == SAME_SPEAKER:
                speaker = _same_speaker(text, last, quote.start, first, patterns)
            if speaker is not None or len(text[quote.start + 1 : quote.end - 1].split()) > TERM_WORDS:
                last = _Said(speaker, quote.end, last_para)
        out.append(Quote(quote.start, quote.end, quote.mark, quote.depth, quote.closed, speaker))
    return out


def naming_marks(text: str, quote: Quote, start: int, end: int, kind: Kind, loaded: bool) -> bool:
    """Whether ``quote`` only marks the name at ``text[start:end]``, so the words are nobody's speech.

    A top-level closed quotation that nobody is said to have spoken, holding nothing but these words (white
    space and a trailing full stop or comma aside), and the words a name: a group's or a person's, or a word
    that is not loaded. A loaded description alone in marks ("terroriste") is a scare quote: someone's word,
    kept. Any length of name counts; the language does not matter, only its marks (found by ``find_quotes``).
    """
    if quote.depth != 0 or not quote.closed or quote.speaker is not None:
        return False
    if loaded and kind not in NAMES:
        return False
    return not text[quote.start + 1 : start].strip(NAMING_SPACE) and not text[end : quote.end - 1].strip(NAMING_AFTER)


def _intro_start(text: str, paras: list[Span], k: int, quote: Quote) -> int:
    """Where the words that may introduce a quotation begin: its paragraph, or the one before when the quotation
    opens its paragraph and that one ends with a colon ("Cuenta X, subdirectora de la oficina:" then "«…»")."""
    start = paras[k][0]
    if k > 0 and quote.start == start and text[paras[k - 1][1] - 1] == ":":
        return paras[k - 1][0]
    return start


def _same_speaker(text: str, last: _Said | None, start: int, paragraph: int, patterns: SpeechPatterns) -> str | None:
    """The previous quotation's speaker, when a pronoun refers back to them ("« … », a-t-il ajouté").

    Only the quotation just before counts (words in quotes aside), in the same or the previous paragraph and
    with nobody else named in between: a name two paragraphs back is more often someone else.
    """
    if last is None or last.speaker is None or paragraph - last.paragraph > 1 or start - last.end > SAME_SPEAKER_REACH:
        return None
    others = [m.group() for m in patterns.person.finditer(text, last.end, start) if m.group() not in last.speaker]
    return None if others else last.speaker


def find_speaker(
    text: str, para_start: int, q_start: int, q_end: int, para_end: int, language: Language = NEUTRAL
) -> str | None:
    """Who said the quotation at ``text[q_start:q_end]``, when the paragraphs around it name them in ``language``.

    ``SAME_SPEAKER`` when they refer back with a pronoun ("», a-t-il ajouté", "selon lui, «") or no subject.
    """
    p = speech_patterns(language)
    before = text[max(para_start, q_start - 200) : q_start]
    after = text[q_end : min(para_end, q_end + 200)]
    m = _search(p.after, after)
    if m is not None and m.group("role") is not None:
        return _clean(m.group("role"), p)
    intro = _search(p.before, before)
    candidates = [intro, _search(p.role_before, before), _search(p.verb_first, before), m, _search(p.according_after, after)]
    # the nearest "selon X" before the quotation, in the same sentence
    selon = [*_finditer(p.according, before), *_finditer(p.according_role, before)]
    candidates += [c for c in sorted(selon, key=lambda c: -c.start()) if not SENTENCE_END.search(before, c.end())]
    pronouns = language.speech.pronouns
    for c in candidates:
        if c is None:
            continue
        who = c.groupdict().get("who") or c.groupdict().get("role")
        if who is not None and who.casefold() not in pronouns:
            return _clean(who, p)
    selon_pronoun = [c for c in _finditer(p.according_pronoun, before) if not SENTENCE_END.search(before, c.end())]
    if _search(p.same_after, after) or selon_pronoun:
        return SAME_SPEAKER
    if intro is not None and intro.group("who").casefold() in language.speech.back_pronouns:
        return SAME_SPEAKER
    return None


def _search(pattern: re.Pattern[str] | None, text: str) -> re.Match[str] | None:
    return pattern.search(text) if pattern is not None else None


def _finditer(pattern: re.Pattern[str] | None, text: str) -> list[re.Match[str]]:
    return list(pattern.finditer(text)) if pattern is not None else []


def _clean(who: str, p: SpeechPatterns) -> str:
    """The speaker without a definite article: "le général X" -> "général X", "Un responsable" -> "un responsable"."""
    who = who.strip()
    if p.role_opening is not None and p.role_opening.match(who):
        who = who[0].lower() + who[1:]  # a role opening the sentence, not a name such as "Le Drian" or "Laurent"
    return (p.the.sub("", who) if p.the is not None else who).strip()


def single_marks_hidden(text: str, quotes: Sequence[Quote], language: Language = NEUTRAL) -> str:
    """The document ``text`` with the marks of its closed ``quotes`` that are also apostrophes (‘ ’) written as ".

    The glossary matcher reads ’ as an apostrophe that may join two words of a variant, so "les
    ‘terroristes’ de l’EI" would match "terroristes de l'EI" across the closing mark, half in the quotation
    and half out. A " joins nothing; the text keeps its length, so offsets stay true.
    """
    singles = _marks_of(language).single_openers
    marks = [p for q in quotes if q.mark in singles and q.closed for p in (q.start, q.end - 1)]
    if not marks:
        return text
    chars = list(text)
    for p in marks:
        chars[p] = '"'
    return "".join(chars)


def quote_spans(text: str, start: int = 0, end: int | None = None, language: Language = NEUTRAL) -> Iterator[Span]:
    """Spans of the top-level quotations in ``text[start:end]``, taken as one paragraph.

    The default ``NEUTRAL`` marks are those of English too, so the check stage reads the English with them.
    """
    stop = len(text) if end is None else end
    for q in find_quotes(text, [(start, stop)] if start < stop else [], language):
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
