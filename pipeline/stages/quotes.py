"""Quotations over a whole document: one pass, nested, across paragraphs, with the speaker.

French news quotes with «…», “…”, straight "…" and, for a word or a quotation
inside another, ‘…’ or ‹…›; a quotation that runs over
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
- ’ is also the French apostrophe (``l’EI``, ``aujourd’hui``, ``qu’il``), so
  single curly marks count only as a pair in one paragraph: ‘ opens after white
  space, punctuation or the paragraph start, and the ’ closing it is followed by
  no letter; any other ‘ or ’ is an apostrophe. A straight ' always is.

The scan is linear in the text. ``Quote.speaker`` is who the paragraphs around
a top-level quotation say spoke it ("« … », a déclaré X", "X a affirmé : « … »",
"selon X, « … »", "« … », a déclaré à l'AFP un responsable"); "« … », a-t-il
ajouté" is the speaker of the quotation just before, in the same or the previous
paragraph. A nested quotation inherits its outer quotation's speaker. When
unsure, the speaker is None ("speaker not identified"), never a guess.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from pipeline.model import Quote, Span

PAIRS = {"«": "»", "“": "”", '"': '"', "‘": "’", "‹": "›"}
CLOSERS = {close: open_ for open_, close in PAIRS.items()}
MARKS = re.compile('[«»“”"‘’‹›]')
PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\n\s*")
REOPEN = re.compile(r"\s*([«“\"])")

SPEECH_VERBS = (
    r"(?:déclaré|affirmé|dit|ajouté|indiqué|expliqué|souligné|estimé|assuré|martelé|dénoncé|accusé|lancé|répondu|"
    r"écrit|averti|rappelé|annoncé|confié|précisé|insisté|tweeté|commenté|tranché|réitéré|prévenu|résumé|poursuivi|"
    r"conclu|relevé|noté|observé|jugé|réagi|lâché|glissé|raconté|témoigné|avancé|fait valoir|reconnu|admis|plaidé|"
    r"regretté|déploré|détaillé|promis|menacé|répété|rétorqué|interpellé|analysé|argué|justifié|confirmé|démenti|"
    r"nuancé|tempéré|ironisé|soufflé|renchéri)"
)
PRESENT_VERBS = (
    r"(?:déclare|affirme|dit|ajoute|indique|explique|souligne|estime|assure|martèle|dénonce|accuse|lance|répond|"
    r"écrit|avertit|rappelle|annonce|confie|précise|insiste|tweete|commente|tranche|réitère|prévient|résume|"
    r"poursuit|conclut|relève|note|observe|juge|réagit|lâche|glisse|raconte|témoigne|avance|fait valoir|reconnaît|"
    r"admet|plaide|regrette|déplore|détaille|promet|menace|répète|rétorque|interpelle|analyse|argue|justifie|"
    r"confirme|dément|interroge|nuance|tempère|ironise|souffle|renchérit|s['’](?:indigne|inquiète|alarme|exclame|emporte|interroge|insurge))"
)
WORD = r"[A-ZÀ-Ý][\w'’\-]+"
PARTICLE = r"(?:(?:al|el|ad|as|ibn|ben|bin|abou|abu)-|(?:de|du|von|van|ben|bin)\s+|d['’])"
TITLE = (
    r"(?:(?:le|la|l['’])\s*(?:général|générale|président|présidente|ministre|porte-parole|chef|directeur|directrice|"
    r"colonel|commandant|secrétaire|émir|cheikh|imam|député|sénateur)\s+)"
)
NAME = rf"(?P<who>(?:{TITLE}|(?:le|la|l['’])\s*)?{WORD}(?:\s+{PARTICLE}?{WORD}){{0,4}})"
# After the quotation, a subject may also be a role: ", a tranché le ministre", ", précise l'exécutif".
ROLE_END = (
    r"(?=\s*(?:[,.;:!?«»\"“”()\n]|$)|\s+(?:sur|dans|lors|devant|à|au|aux|en|après|avant|depuis|pendant|hier|"
    r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|ce|cette|avec|pour|selon|qui|interrogé|interrogée|sous|joint|jointe)\b)"
)
ROLE = rf"(?P<role>(?:(?:le|la|les|un|une|des)\s+|l['’]\s*)[a-zà-ÿ][^,.;:!?«»\"“”()\n]{{1,60}}?){ROLE_END}"
# Before the quotation or after "selon", only a person's role is taken ("Le général a affirmé :", "selon un
# responsable de la sécurité,"), with at most a few more words and no verb: "Un habitant a vu le général qui a
# déclaré :" names nobody rather than "Un habitant a vu le général qui".
ROLE_NOUN = (
    r"(?:(?:haut|haute|hauts|hautes|ancien|ancienne|anciens|anciennes|jeune|simple)\s+)?"
    r"(?:général|générale|président|présidente|ministre|porte-parole|chef|cheffe|directeur|directrice|colonel|"
    r"commandant|commandante|secrétaire|émir|cheikh|imam|député|députée|sénateur|sénatrice|responsable|officier|"
    r"source|témoin|habitant|habitante|procureur|procureure|juge|avocat|avocate|expert|experte|analyste|chercheur|"
    r"chercheuse|spécialiste|diplomate|ambassadeur|ambassadrice|maire|gouverneur|préfet|préfète|conseiller|"
    r"conseillère|enquêteur|enquêtrice|policier|policière|soldat|militaire|médecin|journaliste|survivant|survivante|"
    r"rescapé|rescapée|dirigeant|dirigeante|représentant|représentante|négociateur|négociatrice|médiateur|médiatrice|"
    r"envoyé|envoyée|émissaire)s?"
)
ROLE_WORDS = r"(?:\s+(?!(?:a|ont|avait|avaient|qui|que|qu['’]\w*|est|sont|et|mais|ou|a-t-il|a-t-elle)(?![\w'’\-]))[^\s,.;:!?«»\"“”()]+){0,6}"
PERSON_ROLE = rf"(?P<role>(?<![\w'’\-])(?:(?:[Ll]es?|[Ll]a|[Uu]ne?|[Dd]es)\s+|[Ll]['’]\s*){ROLE_NOUN}(?![\w'’\-]){ROLE_WORDS})"
INVERTED = r"[a-zà-ÿ']+(?:-t)?-(?P<pronoun>il|elle|ils|elles)\b"  # ", prévient-il", ", a-t-elle tweeté"
# Where the words were said, between the verb and a subject put after it: "a déclaré à l'AFP", "a raconté à la
# barre", "a dit au Monde". A run of capitalised words is taken whole ("à l'Agence France-Presse"), so a name
# after a capitalised outlet is not found rather than cut in two ("à l'Agence France-Presse Laurent X").
COMPLEMENT = (
    r"(?:\s+(?:à|au|aux|devant|sur|dans)\s+(?:(?:la|le|les|un|une)\s+|l['’]\s*)?"
    r"(?>[A-Z]{2,}(?![\w\-])|[A-ZÀ-Ý][\w\-]*(?:\s+[A-ZÀ-Ý][\w\-]*)*|[a-zà-ÿ][\w\-]*))"
)
INTRO = (
    r"(?:,[^,«“\"]{1,80},)?\s+(?:(?:a|ont|avait|avaient)\s+" + SPEECH_VERBS + COMPLEMENT + r"{0,2}\s*(?:que\s*)?:?"
    r"|" + PRESENT_VERBS + COMPLEMENT + r"{0,2}\s*:)\s*$"
)
SPEAKER_BEFORE = re.compile(NAME + INTRO)
ROLE_BEFORE = re.compile(PERSON_ROLE + INTRO)
REFLEXIVE = r"s['’](?:est|sont)\s+(?:indign|inquiét|alarm|exclam|emport|interrog|insurg)ée?s?"
SPEAKER_AFTER = re.compile(
    r"^\s*,?\s*(?:(?:a|ont|avait|avaient)\s+" + SPEECH_VERBS + "|" + REFLEXIVE + "|" + PRESENT_VERBS + r")"
    + COMPLEMENT + r"{0,2}\s+(?:" + NAME + "|" + ROLE + ")"
)
SPEAKER_INVERTED = re.compile(r"^\s*,?\s*" + INVERTED)
SELON = r"(?:\b[Ss]elon|\b[Dd]['’]après|(?:^|[.!?]\s+)Pour)\s+"
SPEAKER_SELON = re.compile(SELON + NAME)
SELON_ROLE = re.compile(SELON + PERSON_ROLE + r"\s*,")
SELON_PRONOUN = re.compile(r"\b(?:[Ss]elon|[Dd]['’]après|Pour)\s+(?:lui|elle|eux|elles)\b")
SENTENCE_END = re.compile(r"[.!?](?:\s|$)")
# Two capitalised words in a row that may name a person ("Jean-Charles Brisard", not "Les Kurdes").
PERSON = re.compile(r"\b(?!(?:Le|La|Les|L|Un|Une|Des|Ce|Cette|Ces|En|Au|Aux|Dans|Selon|Pour|Mais|Et|Il|Elle|Ils|Elles)\b)"
                    r"[A-ZÀ-Ý][\w’\-]+\s+[A-ZÀ-Ý][\w’\-]+")
PRONOUNS = frozenset({"il", "elle", "ils", "elles", "on", "nous", "je", "vous", "celui-ci", "celle-ci"})
BACK = frozenset({"il", "elle", "ils", "elles"})  # "Il a déclaré : « … »" is the speaker last named
TERM_WORDS = 3  # an unattributed quotation this short is a word in quotes (« terroristes »), not speech
SAME_SPEAKER = "\x00"  # find_speaker's answer for "a-t-il ajouté": the previous quotation's speaker
SAME_SPEAKER_REACH = 2000  # characters back to the previous quotation's end, at most


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
    scan = _Scan()
    for k, (p0, p1) in enumerate(paras):
        pos = p0
        if scan.stack:
            m = REOPEN.match(text, p0, p1)
            if m is not None and m.group(1) in (scan.stack[0].mark, "«"):
                pos = m.end()  # the quotation goes on: this mark reopens it, it opens nothing new
            else:
                scan.close(0, paras[k - 1][1], k - 1, closed=False)
        singles = _single_marks(text, pos, p1) if "‘" in text[pos:p1] else frozenset()
        for m in MARKS.finditer(text, pos, p1):
            if m.group() in "‘’" and m.start() not in singles:
                continue  # an apostrophe
            scan.mark(m.group(), m.start(), k)
    if scan.stack:
        scan.close(0, paras[-1][1], len(paras) - 1, closed=False)
    scan.found.sort(key=lambda item: (item[0].start, item[0].depth))
    return _with_speakers(text, paras, scan.found)


def _single_marks(text: str, start: int, end: int) -> frozenset[int]:
    """Positions of the ‘ and ’ in ``text[start:end]`` (one paragraph) that pair as quotation marks.

    ‘ opens after white space, punctuation or the paragraph start, before a non-space; ’ closes after a
    non-space, before no letter ("‘terroristes’ de l’EI": the ’ of "l’EI" is an apostrophe). Each closer
    takes the nearest unpaired opener; marks left unpaired are apostrophes, so a stray ‘ never opens a
    quotation that runs to the end of the paragraph.
    """
    openers: list[int] = []
    paired: list[int] = []
    for m in re.finditer("[‘’]", text[start:end]):
        at = start + m.start()
        before = text[at - 1] if at > start else " "
        after = text[at + 1] if at + 1 < end else " "
        if m.group() == "‘":
            if not before.isalnum() and not after.isspace():
                openers.append(at)
        elif openers and not before.isspace() and not after.isalpha():
            paired += (openers.pop(), at)
    return frozenset(paired)


class _Scan:
    """The open quotations, with where each kind of mark was last opened (so a closing mark is found at once)."""

    def __init__(self) -> None:
        self.stack: list[_Open] = []
        self.where: dict[str, list[int]] = {mark: [] for mark in PAIRS}  # opening mark -> its stack positions
        self.found: list[tuple[Quote, int, int]] = []  # quote, first and last paragraph index

    def mark(self, mark: str, at: int, paragraph: int) -> None:
        opener = CLOSERS.get(mark)
        if opener is not None and self.where[opener]:
            self.close(self.where[opener][-1], at + 1, paragraph, closed=True)
        elif mark in PAIRS:
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


def _with_speakers(text: str, paras: list[Span], found: list[tuple[Quote, int, int]]) -> list[Quote]:
    out: list[Quote] = []
    speaker: str | None = None
    last: _Said | None = None
    for quote, first, last_para in found:
        if quote.depth == 0:
            speaker = find_speaker(text, paras[first][0], quote.start, quote.end, paras[last_para][1])
            if speaker == SAME_SPEAKER:
                speaker = _same_speaker(text, last, quote.start, first)
            if speaker is not None or len(text[quote.start + 1 : quote.end - 1].split()) > TERM_WORDS:
                last = _Said(speaker, quote.end, last_para)
        out.append(Quote(quote.start, quote.end, quote.mark, quote.depth, quote.closed, speaker))
    return out


def _same_speaker(text: str, last: _Said | None, start: int, paragraph: int) -> str | None:
    """The previous quotation's speaker, when a pronoun refers back to them ("« … », a-t-il ajouté").

    Only the quotation just before counts (words in quotes aside), in the same or the previous paragraph and
    with nobody else named in between: a name two paragraphs back is more often someone else.
    """
    if last is None or last.speaker is None or paragraph - last.paragraph > 1 or start - last.end > SAME_SPEAKER_REACH:
        return None
    others = [m.group() for m in PERSON.finditer(text, last.end, start) if m.group() not in last.speaker]
    return None if others else last.speaker


def find_speaker(text: str, para_start: int, q_start: int, q_end: int, para_end: int) -> str | None:
    """Who said the quotation at ``text[q_start:q_end]``, when the paragraphs around it name them.

    ``SAME_SPEAKER`` when they refer back with a pronoun ("», a-t-il ajouté", "selon lui, «").
    """
    before = text[max(para_start, q_start - 200) : q_start]
    after = text[q_end : min(para_end, q_end + 200)]
    m = SPEAKER_AFTER.search(after)
    if m is not None and m.group("role") is not None:
        return _clean(m.group("role"))
    intro = SPEAKER_BEFORE.search(before)
    candidates = [intro, ROLE_BEFORE.search(before), m]
    # the nearest "selon X" before the quotation, in the same sentence
    selon = [*SPEAKER_SELON.finditer(before), *SELON_ROLE.finditer(before)]
    candidates += [c for c in sorted(selon, key=lambda c: -c.start()) if not SENTENCE_END.search(before, c.end())]
    for c in candidates:
        if c is None:
            continue
        who = c.groupdict().get("who") or c.groupdict().get("role")
        if who is not None and who.casefold() not in PRONOUNS:
            return _clean(who)
    selon_pronoun = [c for c in SELON_PRONOUN.finditer(before) if not SENTENCE_END.search(before, c.end())]
    if SPEAKER_INVERTED.search(after) or selon_pronoun:
        return SAME_SPEAKER
    if intro is not None and intro.group("who").casefold() in BACK:
        return SAME_SPEAKER
    return None


def _clean(who: str) -> str:
    """The speaker without a definite article: "le général X" -> "général X", "Un responsable" -> "un responsable"."""
    who = who.strip()
    if re.match(r"(?:(?:Les?|La|Une?|Des)\s+|L['’]\s*)[a-zà-ÿ]", who):
        who = who[0].lower() + who[1:]  # a role opening the sentence, not a name such as "Le Drian" or "Laurent"
    return re.sub(r"^(?:(?:le|la)\s+|l['’]\s*)", "", who).strip()


def single_marks_hidden(text: str, quotes: Sequence[Quote]) -> str:
    """The document ``text`` with the ‘ ’ of its closed ``quotes`` written as ".

    The glossary matcher reads ’ as an apostrophe that may join two words of a variant, so "les
    ‘terroristes’ de l’EI" would match "terroristes de l'EI" across the closing mark, half in the quotation
    and half out. A " joins nothing; the text keeps its length, so offsets stay true.
    """
    marks = [p for q in quotes if q.mark == "‘" and q.closed for p in (q.start, q.end - 1)]
    if not marks:
        return text
    chars = list(text)
    for p in marks:
        chars[p] = '"'
    return "".join(chars)


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
