"""Stage 3, match: glossary variants in each segment -> ``TermHit``s.

Quotations are found once over the whole document (``pipeline.text.quotes``,
written to ``Document.quotes``); a hit inside one is marked ``in_quote`` with
the speaker: the enforce stage keeps a loaded label there (the speaker's
words) and the check stage reports it, as the Reuters, AP and BBC guides ask.
Marks nobody speaks around a lone name («داعش») are naming marks, not a
quotation (``pipeline.text.quotes.naming_marks``).

A variant the glossary marks loaded (``loaded_variants``: "Daech" of Islamic
State) makes its hit loaded: outside quotations it still becomes the standard
name; inside one it is written in its quoted form ("Daesh") or kept. A
loaded word the text explains ("Daech, acronyme arabe de l'EI", "Daesh
(acrónimo en árabe de ...)": the gloss words are the document language's,
``Language.gloss``) is a ``mention`` and is kept the same way. Quotation
marks and speakers are the document language's too (``get_language``).

A group's former name that the text names as such ("EIIL, devenue Etat islamique") is ``former`` and kept
(``pipeline.text.renamed``; the words are the language's, ``Language.renamed``).

Context-refused matches of loaded entries ("attaque terroriste") become
findings, not replacements. Nothing inside a URL, an e-mail address, an
@handle or a #hashtag is ever matched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Self

from pipeline.glossary.load import Entry
from pipeline.glossary.matcher import Match, Matcher, expand_variant, fold
from pipeline.lang import Language, get_language
from pipeline.lang.base import Gloss
from pipeline.lang.speech import alternation
from pipeline.model import Check, Document, Finding, Quote, Span, TermHit
from pipeline.stages.base import DocumentStage, StageContext
from pipeline.text.quotes import (
    QuoteIndex,
    find_quotes,
    find_speaker,
    naming_marks,
    quote_spans,
    single_marks_hidden,
)
from pipeline.text.renamed import former_names

__all__ = ["MatchStage", "find_speaker", "protected_spans", "quote_spans"]

# Addresses and tags: their words are not prose (labels in them are never rewritten).
PROTECTED = re.compile(
    r"(?:https?|ftp)://[^\s<>«»\"“”]+"  # URL with a scheme
    r"|\bwww\.[^\s<>«»\"“”]+"  # URL without one
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail address
    r"|(?-i:\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|org|net|info|fr|ch|ca|eu|uk|ru|io|tv|sy|iq|ir|tr|lb|ps))\b"
    r"(?:/[^\s<>«»\"“”]*)?"  # bare domain, in lower case: "Daech.De" is two glued sentences
    r"|(?<![\w@#&])[@#]\w[\w.]*\w|(?<![\w@#&])[@#]\w",  # @handle, #hashtag
    re.IGNORECASE,
)
TRAILING = ".,;:!?)]}'’"


@dataclass(frozen=True)
class _Gloss:
    """A language's gloss patterns: the words after or before a loaded word that explain it."""

    after: re.Pattern[str] | None
    before: re.Pattern[str] | None


_glosses: dict[Gloss, _Gloss] = {}


def _gloss_of(language: Language) -> _Gloss:
    """The compiled gloss patterns of ``language``, built on first use.

    After the word: a bracket, comma or dash, maybe "qui est", an article, then a gloss noun ("Daech (acronyme
    arabe de l'EI)", "Daech, acronyme arabe de l'Etat islamique", "ISIS, por sus siglas en inglés"). Before it: a
    gloss word and maybe an opening mark ("le groupe appelé « Daech »", "conocido como Daesh").
    """
    g = language.gloss
    if g not in _glosses:
        that = rf"(?:{alternation(g.that)}\s+{alternation(g.that_verbs)}\s+)?" if g.that and g.that_verbs else ""
        articles = [alternation([a]) + ("" if a.endswith("'") else r"\s+") for a in g.after_articles]
        article = f"(?:{'|'.join(articles)})?" if articles else ""
        after = rf"\s*[«»\"“”]?\s*[(,–—-]\s*{that}{article}{alternation(g.after)}\b"
        before = rf"\b{alternation(g.before)}\s*[«\"“]?\s*$"
        _glosses[g] = _Gloss(
            after=re.compile(after, re.IGNORECASE) if g.after else None,
            before=re.compile(before, re.IGNORECASE) if g.before else None,
        )
    return _glosses[g]


def protected_spans(text: str) -> list[Span]:
    """Spans of URLs, e-mail addresses, @handles and #hashtags in ``text`` (trailing punctuation left out)."""
    spans = []
    for m in PROTECTED.finditer(text):
        end = m.end()
        while end > m.start() + 1 and text[end - 1] in TRAILING:
            end -= 1
        spans.append((m.start(), end))
    return spans


def _key(text: str) -> str:
    """Words of ``text`` folded like the matcher folds them, one space apart."""
    return " ".join(re.findall(r"[\w\u0300-\u036f]+", fold(text)))


class _LoadedVariants:
    """Entry id -> folded loaded variant form -> its quoted form."""

    def __init__(self, entries: list[Entry]) -> None:
        self.forms: dict[str, dict[str, str | None]] = {}
        for e in entries:
            for variant, quoted in e.loaded_variants:
                for form, _ in expand_variant(variant):
                    self.forms.setdefault(e.id, {})[_key(form)] = quoted

    def lookup(self, entry: Entry, words: str) -> tuple[bool, str | None]:
        """(is ``words`` a loaded variant of ``entry``, its quoted form)."""
        forms = self.forms.get(entry.id)
        if not forms:
            return False, None
        key = _key(words)
        return (key in forms), forms.get(key)


class MatchStage(DocumentStage):
    """Attach ``TermHit``s to the segments of each document, and ``Document.quotes`` to the document."""

    name = "match"
    requires = frozenset({"segments"})
    assigns = frozenset({"quotes", "hits"})

    @classmethod
    def from_context(cls, context: StageContext) -> Self:
        return cls(Matcher(context.glossary))

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher
        self.loaded_variants = _LoadedVariants(matcher.entries)

    def __call__(self, doc: Document) -> Document:
        language = get_language(doc.language)
        paragraphs = [(p[0].start, p[-1].end) for p in doc.paragraphs()]
        doc.quotes = find_quotes(doc.text, paragraphs, language)
        index = QuoteIndex(doc.quotes)
        hidden = single_marks_hidden(doc.text, doc.quotes, language)  # no variant runs across a ‘ ’ quotation mark
        gloss = _gloss_of(language)
        for seg in doc.segments:
            seg.hits = []
            for m in self._matches(hidden[seg.start : seg.end]):
                start, end = seg.start + m.start, seg.start + m.end
                quote = index.around(start, end)
                finding = self._refusal(doc, m, start, end, quote)
                if finding is not None:
                    seg.findings.append(finding)
                    continue
                loaded, quoted_form = self._loadedness(m, seg.source)
                if quote is not None and naming_marks(doc.text, quote, start, end, m.entry.kind, loaded):
                    quote = None  # «داعش», «Исламское государство»: marks around a name, not anyone's words
                seg.hits.append(
                    TermHit(
                        entry=m.entry.id,
                        start=start,
                        end=end,
                        text=doc.text[start:end],
                        standard=m.standard,
                        loaded=loaded,
                        kind=m.entry.kind,
                        article=m.entry.article,
                        in_quote=quote is not None,
                        speaker=quote.speaker if quote is not None else None,
                        quoted_form=quoted_form,
                        mention=loaded and _is_gloss(gloss, seg.source, m.start, m.end),
                    )
                )
            former = former_names(seg.source, seg.start, seg.hits, language.renamed)
            seg.hits = [replace(h, former=True) if i in former else h for i, h in enumerate(seg.hits)]
        return doc

    def _matches(self, text: str) -> Iterator[Match]:
        """The matcher's matches, less those inside URLs, e-mail addresses, @handles and #hashtags."""
        matches = self.matcher.find(text)
        if not matches or not any(c in text for c in "@#./"):
            yield from matches
            return
        spans = protected_spans(text)
        for m in matches:
            if not any(a < m.end and m.start < b for a, b in spans):
                yield m

    def _loadedness(self, m: Match, text: str) -> tuple[bool, str | None]:
        """(loaded, quoted form) of a match: the entry's flag, or the matched variant's (of the group in a slot)."""
        if m.entry.loaded:
            return True, None
        loaded, quoted = self.loaded_variants.lookup(m.entry, text[m.start : m.end])
        if loaded or m.group is None:
            return loaded, quoted
        loaded, quoted = self.loaded_variants.lookup(m.group.entry, text[m.group.start : m.group.end])
        if not loaded:
            return False, None
        return True, m.entry.name(plural=m.plural, group=quoted) if quoted is not None else None

    @staticmethod
    def _refusal(doc: Document, m: Match, start: int, end: int, quote: Quote | None) -> Finding | None:
        """The finding that replaces a hit: a context-refused loaded word, or a flag-only one."""
        if m.rejected is not None:
            group = m.group.entry.standard if m.group is not None else None
            neutral = m.entry.name(plural=m.plural, group=group)
            if quote is not None:  # the speaker's word: no neutral word to suggest
                who = f"said by {quote.speaker}" if quote.speaker else "speaker not identified"
                advice = f"; it is inside a quotation ({who}), whose words stay either way"
            else:
                advice = "" if "{group}" in neutral else f"; if it names people, the neutral word is “{neutral}”"
            return Finding(
                check=Check.LOADED_ADJECTIVE,
                message=f"{doc.text[start:end]!r} kept as is: its entry's context rules did not apply here "
                f"({m.rejected}), so it reads as a description" + advice,
                entry=m.entry.id,
                source_span=(start, end),
            )
        if m.entry.flag_only:
            return Finding(
                check=Check.LOADED_TERM,
                message=f"{doc.text[start:end]!r} is a loaded word the glossary flags for review and "
                "never replaces; check whom the text calls terrorist",
                entry=m.entry.id,
                source_span=(start, end),
            )
        return None


def _is_gloss(gloss: _Gloss, text: str, start: int, end: int) -> bool:
    """Whether the text explains the word at ``text[start:end]`` rather than uses it."""
    if gloss.after is not None and gloss.after.match(text, end) is not None:
        return True
    return gloss.before is not None and gloss.before.search(text, max(0, start - 40), start) is not None
