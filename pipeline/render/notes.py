"""The notes of a review page: every change, quoted label and QA finding of a document, numbered in reading order.

A note is what the reviewer decides on: it is highlighted where it sits
(source, normalised English, raw translation, old -> new) and described once in
the page's details list. Kept apart from the HTML so the page's other views
(``pipeline.render.pieces``) and the templates read one definition of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.glossary.load import Entry
from pipeline.model import Change, Check, Document, Finding, Segment, TermHit
from pipeline.render.run_info import RunInfo
from pipeline.review.decisions import change_key, finding_key

CHANGE, MATCH, QUOTED, FINDING = "change", "match", "quoted", "finding"

# What each check means, in words a reviewer reads at a glance (the finding's own message gives the details).
# Every kind of finding in plain words (keyed by the enum, so a new kind without its words fails the test suite).
PLAIN: dict[Check, str] = {
    Check.QUOTED_LABEL: "A loaded label inside a quotation: the speaker's words are kept.",
    Check.FORMER_NAME: "A former name of the group, kept: the source says it changed name, which its standard name would erase.",
    Check.LOADED_RENDERING: "A loaded word is left in the English outside a quotation.",
    Check.LOADED_ADJECTIVE: "A loaded adjective: consider a neutral wording.",
    Check.LOADED_TERM: "A loaded term, flagged for review (never rewritten).",
    Check.UNENFORCED: "The standard name could not be placed in the English.",
    Check.RETRANSLATED: (
        "The sentence was translated again around the name: "
        "words away from the highlight may differ from the raw translation."
    ),
    Check.CHANGE_SPAN: "Internal error: a change lost its place.",
    Check.UNKNOWN_WORD: "The engine did not know this word and left it untranslated.",
    Check.UNKNOWN_NAME: "A name the glossary does not know.",
    Check.MANGLED_NAME: "The engine translated a word of a name as a common word: the name is written otherwise.",
}


@dataclass(frozen=True)
class Note:
    """One thing the reviewer should see: a change, a label kept in a quotation, or another finding."""

    n: int
    kind: str  # CHANGE, QUOTED or FINDING
    segment: Segment
    hit: TermHit | None = None
    change: Change | None = None
    finding: Finding | None = None
    entry: Entry | None = None

    @property
    def source_span(self) -> tuple[int, int] | None:
        if self.hit is not None:
            return self.hit.start, self.hit.end
        return self.finding.source_span if self.finding is not None else None

    @property
    def anchor(self) -> str:
        """Id of the note's mark in the text: the source side when it has a place there."""
        return f"n{self.n}s" if self.source_span is not None else f"n{self.n}t"

    @property
    def entry_id(self) -> str | None:
        if self.hit is not None:
            return self.hit.entry
        return self.finding.entry if self.finding is not None else None

    @property
    def target_span(self) -> tuple[int, int] | None:
        """Where the note sits in the normalised English, when it has a place there."""
        if self.change is not None:
            return self.change.target_span
        return self.finding.target_span if self.finding is not None else None

    @property
    def in_quotation(self) -> bool:
        """A label kept inside a quotation (a ``QUOTED`` note that is not a word the text explains)."""
        return self.kind == QUOTED and self.hit is not None and self.hit.in_quote

    @property
    def plain(self) -> str:
        """A one-line description in plain words."""
        if self.kind == MATCH:
            return "The engine already wrote the standard name: nothing was rewritten."
        if self.kind == CHANGE:
            return "The words were replaced by the glossary's standard name."
        if self.kind == QUOTED and not self.in_quotation:
            return "A loaded word the text explains (a gloss on the word, not a use of it): kept."
        return PLAIN.get(self.finding.check, "") if self.finding is not None else ""

    def key(self, doc: Document) -> str:
        """The key of this note's decision in ``review.json``."""
        if self.change is not None:
            return change_key(doc, self.segment, self.change)
        assert self.finding is not None  # a note is a change or a finding
        return finding_key(doc, self.segment, self.finding)


def build_notes(doc: Document, run: RunInfo) -> list[Note]:
    """Every change, quoted label and finding of the document, numbered in reading order."""
    entries = {e.id: e for e in run.glossary.entries}
    notes: list[Note] = []
    for seg in doc.segments:
        changes = {c.source_span: c for c in seg.changes}
        findings_at: dict[tuple[int, int], Finding] = {}
        for f in seg.findings:
            if f.source_span is not None and (f.source_span not in findings_at or f.check == Check.QUOTED_LABEL):
                findings_at[f.source_span] = f  # a kept label is drawn as kept, whatever else is said of its words
        placed: list[tuple[int, Note]] = []
        used: set[int] = set()
        for hit in seg.hits:
            span = (hit.start, hit.end)
            change, finding = changes.get(span), findings_at.get(span)
            if change is None and finding is None:
                continue  # matched but nothing to say (e.g. a standard name already)
            if finding is not None:
                used.add(id(finding))
            if finding is not None and finding.check == "quoted-label":
                kind = QUOTED  # kept as the speaker said it, even when its spelling was standardised ("Daech" -> "Daesh")
            elif change is not None:
                kind = MATCH if change.noop else CHANGE
            else:
                kind = FINDING
            placed.append((hit.start, Note(0, kind, seg, hit=hit, change=change, finding=finding, entry=entries.get(hit.entry))))
        for f in seg.findings:
            if id(f) in used:
                continue
            start = f.source_span[0] if f.source_span is not None else seg.start + (f.target_span or (len(seg.source), 0))[0]
            placed.append((start, Note(0, FINDING, seg, finding=f, entry=entries.get(f.entry or ""))))
        for _, note in sorted(placed, key=lambda item: item[0]):
            notes.append(Note(len(notes), note.kind, seg, note.hit, note.change, note.finding, note.entry))
    return notes


def unknown_word(note: Note) -> bool:
    return note.finding is not None and note.finding.check == "unknown-word"


def unknown_words(notes: list[Note]) -> list[tuple[str, list[Note]]]:
    """The engine's unknown words, one line per distinct word (most frequent first): engine noise, grouped apart."""
    words: dict[str, list[Note]] = {}
    for note in notes:
        if note.finding is None or not unknown_word(note):
            continue
        span = note.finding.target_span
        word = note.segment.target[span[0] : span[1]] if span is not None else note.finding.message
        words.setdefault(word.strip(), []).append(note)
    return sorted(words.items(), key=lambda kv: (-len(kv[1]), kv[0].casefold()))
