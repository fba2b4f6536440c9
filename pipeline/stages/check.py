"""Stage 6, check: QA findings on the normalised English. Never edits text.

- ``quoted-label``: a loaded label left in the speaker's words inside a quotation, with the speaker
  (or written in its quoted form, "Daech" -> "Daesh"); also a loaded word the text explains
  ("Daech, acronyme arabe de l'EI"), kept the same way.
- ``former-name``: a group's former name the text names as such ("EIIL, devenue Etat islamique"), kept as
  written (``pipeline.text.renamed``).
- ``loaded-rendering``: a loaded rendering (terrorists, Daesh, ...) left in the
  English outside quotations and outside the changes the enforce stage made;
  the English of a word the match stage flagged as a loaded adjective is not
  one: that ``loaded-adjective`` finding gets its English span instead.
- ``unknown-word``: a word the engine could not translate and passed through
  (not a capitalised name it copied as the source writes it: see ``carried_name``).
- ``mangled-name``: a word of a name the engine translated as a common word ("M. Le Drian" -> "M. The
  Drian", "Nadar H." -> "Swimming H."; ``pipeline.text.mangled``). Flagged, never rewritten: only the
  reviewer knows the name. Such a word is not also an unknown word (the pivot engine's "Swimming").
- ``change-span``: a change whose target span does not hold its text (a bug).

Findings about English words carry ``target_span``, so the page marks them on
the English side too.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Self

from pipeline.glossary.load import Glossary
from pipeline.lang import Language, get_language
from pipeline.model import Check, Document, Finding, Segment, Span
from pipeline.stages.base import DocumentStage, StageContext
from pipeline.stages.match import protected_spans
from pipeline.text.mangled import find_mangled
from pipeline.text.quotes import quote_spans


class CheckStage(DocumentStage):
    """Add ``Finding``s to every segment."""

    name = "check"
    requires = frozenset({"target"})
    assigns = frozenset({"findings"})

    @classmethod
    def from_context(cls, context: StageContext) -> Self:
        return cls(context.glossary, target=context.target)

    def __init__(self, glossary: Glossary, *, target: str | None = None) -> None:
        self.english = get_language(target or glossary.target)
        self._renderings = leftover_renderings(glossary)
        self._by_entry = {e.id: {r.lower() for r in e.renderings} for e in glossary.entries}
        words = sorted(self._renderings, key=len, reverse=True)
        self._pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)", re.IGNORECASE) if words else None

    def __call__(self, doc: Document) -> Document:
        language = get_language(doc.language)
        for seg in doc.segments:
            quoted = [*self._quoted_labels(seg), *_former_names(seg)]
            for change in seg.changes:
                a, b = change.target_span
                if seg.target[a:b] != change.target_text:
                    seg.findings.append(
                        Finding(check=Check.CHANGE_SPAN, message=f"internal error: change {change.entry} lost its place")
                    )
            skip = [*(c.target_span for c in seg.changes), *quoted]
            adjectives = [f for f in seg.findings if f.check == Check.LOADED_ADJECTIVE and f.target_span is None]
            for m in self.leftovers(seg.target, skip):
                if self._is_flagged_adjective(m, adjectives):
                    continue
                seg.findings.append(
                    Finding(
                        check=Check.LOADED_RENDERING,
                        message=f"“{m.group()}” is left in the English outside a quotation; "
                        "add the source wording to the glossary or review it",
                        entry=self.entry_of(m),
                        target_span=(m.start(), m.end()),
                    )
                )
            mangled = self._mangled_names(seg, language)
            self._unknown_words(seg, mangled)
        return doc

    def _mangled_names(self, seg: Segment, language: Language) -> list[Span]:
        """A finding per word of a name the engine translated as a common word; returns their English spans."""
        spans: list[Span] = []
        for m in find_mangled(seg.source, seg.target, language, self.english, [c.target_span for c in seg.changes]):
            word = seg.target[m.target[0] : m.target[1]]
            seg.findings.append(
                Finding(
                    check=Check.MANGLED_NAME,
                    message=f"“{word}” is the engine's translation of “{m.words}” in the name “{m.run}”: a name is "
                    "written as the source writes it; check the English here",
                    source_span=(seg.start + m.source[0], seg.start + m.source[1]),
                    target_span=m.target,
                )
            )
            spans.append(m.target)
        return spans

    def _is_flagged_adjective(self, m: re.Match[str], adjectives: list[Finding]) -> bool:
        """Whether rendering ``m`` is the English of a word already flagged as a loaded adjective ("frères
        jihadistes"): that finding gets the English span, so the word is reported once, on both sides."""
        for finding in adjectives:
            if m.group().lower() in self._by_entry.get(finding.entry or "", ()):
                finding.target_span = (m.start(), m.end())
                adjectives.remove(finding)
                return True
        return False

    def _quoted_labels(self, seg: Segment) -> list[Span]:
        """A finding per loaded label inside a quotation; returns their spans in the English."""
        spans: list[Span] = []
        changed = {c.source_span: c for c in seg.changes}
        for hit in seg.hits:
            if not (hit.loaded and (hit.in_quote or hit.mention)):
                continue
            change = changed.get((hit.start, hit.end))
            whose = "the speaker's" if hit.in_quote else "the explained"
            if change is not None:
                target: Span | None = change.target_span
                kept = f"kept as {whose} word, spelled “{change.target_text}”"
            else:
                target = seg.translation.to_target(hit.rendered.span) if hit.rendered is not None else None
                kept = "kept as the speaker said it" if hit.in_quote else "kept as written"
            if target is not None:
                spans.append(target)
            if hit.in_quote:
                where = f"inside a quotation ({f'said by {hit.speaker}' if hit.speaker else 'speaker not identified'})"
            else:
                where = "explained by the text (a gloss on the word, not a use of it)"
            seg.findings.append(
                Finding(
                    check=Check.QUOTED_LABEL,
                    message=f"loaded label “{hit.text}” {where}: {kept}; the neutral name is “{hit.standard}”",
                    entry=hit.entry,
                    source_span=(hit.start, hit.end),
                    target_span=target,
                )
            )
        return spans

    def _unknown_words(self, seg: Segment, mangled: Sequence[Span] = ()) -> None:
        tr = seg.translation
        used: set[Span] = set()  # in a retranslated sentence, each unknown word is looked for in the English
        protected = protected_spans(tr.raw)  # a handle or URL is copied as written, whatever its words
        for span in tr.unknown:
            word = tr.raw[span[0] : span[1]]
            if carried_name(word, seg.source) or any(a <= span[0] and span[1] <= b for a, b in protected):
                continue
            target = tr.to_target(span)
            if target is None and tr.edits is not None:
                continue  # the word was replaced by a standard name
            if tr.edits is None:
                pattern = re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)")
                target = next((m.span() for m in pattern.finditer(seg.target) if m.span() not in used), None)
                if target is None:
                    continue  # the fallback translation does not hold it
                used.add(target)
            if target is None or any(a < target[1] and target[0] < b for a, b in mangled):
                continue  # a name's word the engine did translate (through its pivot): flagged as such
            seg.findings.append(
                Finding(
                    check=Check.UNKNOWN_WORD,
                    message=f"the engine did not know “{word}” and left it untranslated; check the English here",
                    target_span=target,
                )
            )

    def leftovers(self, text: str, changed: Sequence[Span] = ()) -> list[re.Match[str]]:
        """Loaded renderings in English ``text`` outside quotations and outside the ``changed`` spans."""
        if self._pattern is None:
            return []
        skip = [*quote_spans(text, 0, len(text)), *protected_spans(text), *changed]
        return [m for m in self._pattern.finditer(text) if not any(a <= m.start() and m.end() <= b for a, b in skip)]

    def entry_of(self, match: re.Match[str]) -> str:
        """The glossary entry a rendering found by ``leftovers`` belongs to."""
        return self._renderings[match.group().lower()]


def _former_names(seg: Segment) -> list[Span]:
    """A finding per former name the enforce stage kept (``TermHit.former``); returns their spans in the English."""
    spans: list[Span] = []
    for hit in seg.hits:
        if not hit.former:
            continue
        target = seg.translation.to_target(hit.rendered.span) if hit.rendered is not None else None
        if target is not None:
            spans.append(target)
        seg.findings.append(
            Finding(
                check=Check.FORMER_NAME,
                message=f"“{hit.text}” is a former name of {hit.standard}, as the text says: kept as written, so the "
                f"English keeps the history the source gives (the standard name “{hit.standard}” would say it twice)",
                entry=hit.entry,
                source_span=(hit.start, hit.end),
                target_span=target,
            )
        )
    return spans


def carried_name(word: str, source: str) -> bool:
    """Whether an unknown ``word`` is a name the engine rightly copied: capitalised, and written so in the source
    sentence other than as its first word.

    Engines do not know most names ("Trump", "Soleimani") and pass them through, which is right; flagging each
    buries the words that are wrong, such as French or, through the Spanish pivot, Spanish words left in the
    English ("jihadistes", "Kurdos"). A capitalised first word may be an ordinary word, so it stays flagged.
    """
    if not word[:1].isupper():
        return False
    first = re.search(r"\w", source)
    pattern = re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)")
    return any(first is None or m.start() != first.start() for m in pattern.finditer(source))


def leftover_renderings(glossary: Glossary) -> dict[str, str]:
    """Renderings that must not survive (lower-cased -> entry id): a loaded entry's, or a group's other spellings."""
    out: dict[str, str] = {}
    for e in glossary.entries:
        if e.loaded or e.kind == "group":
            for r in e.renderings:
                if r.lower() != e.standard.lower():
                    out.setdefault(r.lower(), e.id)
    return out
