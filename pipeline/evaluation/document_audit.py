"""What the audit counts in one document: what the review pages would show a reviewer and what they must never show.

- ``changes``: the glossary's changes (also per entry);
- ``loaded_renderings``: ``loaded-rendering`` findings, loaded words left in the
  English outside quotations;
- ``quoted_labels_rewritten``: a loaded label inside a quotation replaced by the
  standard name (the speaker's word, or its ``quoted_form``, must stay);
  ``quoted_changes`` counts every change inside a quotation that altered the
  engine's words, whatever the entry;
- ``mangled_names``: the engine's "the-X" / "to the-X" renderings of the Arabic
  article ("Bachar al-Assad" -> "Bachar to the-Assad"), found in the English;
  ``missing_names``: source names of the form al-X, el-X, ad-X, ... that appear in
  the English neither as written nor as the standard name of a hit covering them;
- ``collateral_edits``: words outside the changes that differ from the raw
  translation (``pipeline.evaluation.collateral``), in sentences that carry no
  ``retranslated`` finding (those, whose English came from a fallback
  translation, are counted in ``retranslated``); the grammar a change forces
  next to its span is counted in ``grammar_fixes``, and a change whose
  ``mt_span`` is unknown in ``unaligned_changes``;
- ``unknown_words``: ``unknown-word`` findings (words the engine could not translate);
- ``flagged_names``: ``mangled-name`` findings, words of names the engine translated as common words
  ("M. The Drian"), flagged for the reviewer and left as the engine wrote them;
- ``findings``: every finding (also per check).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pipeline.evaluation.collateral import Edit, collateral_edits
from pipeline.model import Check, Document, Segment, TermHit

# The engine's rendering of the Arabic article: "à la" -> "to the", glued to the name ("to the-Assad").
# Inside a hyphenated word only before a capital: "Thonon-the-Baths" is mangled, "state-of-the-art" is English.
MANGLED = re.compile(r"(?:\b(?:[Tt]o|[Oo]f|[Aa]t|[Ff]rom|[Ii]n)\s+)?(?<!\w)(?:(?<!-)[Tt]he-\w|[Tt]he-[A-ZÀ-Ý])[\w'’-]*")
# Transliterated Arabic names with an article: al-Assad, el-Kantaoui, ad-Din, ach-Cham, ez-Zor ...
# Short prefixes that are also French words ("as-tu") need a capital after the hyphen.
ARABIC_NAME = re.compile(
    r"(?<![\w-])(?:(?i:al|el|ad|ach|ash|ech|ez|az|as|at|ar|an|ed|es)-[A-ZÀ-Ý]|(?i:al|el)-[a-zà-ÿ])[\w'’]*(?:-[A-ZÀ-Ý][\w'’]*)*"
)

# The headline figures, in the order the text table shows them: (field, column, legend).
COUNTERS: tuple[tuple[str, str, str], ...] = (
    ("changes", "changes", "glossary changes"),
    ("loaded_renderings", "loaded", "loaded renderings left outside quotations"),
    ("quoted_labels_rewritten", "q-label", "quoted loaded labels replaced by the standard name"),
    ("quoted_changes", "q-chg", "changes inside quotations that altered the engine's words (any entry)"),
    ("mangled_names", "the-X", "mangled names ('the-X' / 'to the-X' in the English)"),
    ("missing_names", "names", "source al-/el-/ad-... names not found in the English"),
    ("collateral_edits", "collat", "collateral edits outside the changes, with no warning to the reviewer"),
    ("retranslated", "retrans", "edits in sentences translated again and flagged 'retranslated'"),
    ("grammar_fixes", "grammar", "allowed grammar fixes next to a change"),
    ("unaligned_changes", "unalign", "changes with no mt span (neighbourhood unmeasured)"),
    ("unknown_words", "unknown", "words the engine could not translate"),
    ("flagged_names", "n-flag", "words of names the engine translated, flagged 'mangled-name'"),
    ("findings", "findings", "findings of every check"),
)

# The lists behind the figures, in the same order (``changes`` and ``findings`` are counted per entry and check).
DETAILS = tuple(name for name, _, _ in COUNTERS[1:-1])


@dataclass(frozen=True)
class Note:
    """One counted thing in one segment: the English words (or the finding's message) and its entry."""

    segment: int
    text: str
    entry: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"segment": self.segment, "text": self.text}
        if self.entry is not None:
            out["entry"] = self.entry
        return out


@dataclass
class DocumentAudit:
    """The audit of one document; a failed document has its ``error`` and nothing else."""

    name: str
    path: str
    segments: int = 0
    error: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)  # the article's title, date, site, URL … as its source says
    changes_per_entry: dict[str, int] = field(default_factory=dict)
    findings_per_check: dict[str, int] = field(default_factory=dict)
    loaded_renderings: list[Note] = field(default_factory=list)
    quoted_labels_rewritten: list[Note] = field(default_factory=list)
    quoted_changes: list[Note] = field(default_factory=list)
    mangled_names: list[Note] = field(default_factory=list)
    missing_names: list[Note] = field(default_factory=list)
    collateral_edits: list[Edit] = field(default_factory=list)
    retranslated: list[Edit] = field(default_factory=list)
    grammar_fixes: list[Edit] = field(default_factory=list)
    unaligned_changes: list[Note] = field(default_factory=list)
    unknown_words: list[Note] = field(default_factory=list)
    flagged_names: list[Note] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """The headline figures (see ``COUNTERS``)."""
        out = {name: len(getattr(self, name)) for name in DETAILS}
        return {"changes": sum(self.changes_per_entry.values()), **out, "findings": sum(self.findings_per_check.values())}

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "path": self.path, "segments": self.segments}
        if self.metadata:
            out["metadata"] = dict(self.metadata)
        if self.error is not None:
            return {**out, "error": self.error}
        details = {name: [x.to_json() for x in getattr(self, name)] for name in DETAILS}
        return {
            **out,
            "counts": self.counts(),
            "changes_per_entry": self.changes_per_entry,
            "findings_per_check": self.findings_per_check,
            **details,
        }


def audit_document(doc: Document) -> DocumentAudit:
    out = DocumentAudit(
        name=doc.name, path=str(doc.path), segments=len(doc.segments), error=doc.error, metadata=dict(doc.metadata)
    )
    if doc.failed:
        return out
    changes: Counter[str] = Counter()
    findings: Counter[str] = Counter()
    for seg in doc.segments:
        changes.update(c.entry for c in seg.changes)
        findings.update(str(f.check) for f in seg.findings)
        for f in seg.findings:
            lists = {Check.LOADED_RENDERING: out.loaded_renderings, Check.UNKNOWN_WORD: out.unknown_words,
                     Check.MANGLED_NAME: out.flagged_names}
            if f.check in lists:
                words = seg.target[f.target_span[0] : f.target_span[1]] if f.target_span else f.message
                lists[f.check].append(Note(seg.id, words, f.entry))
        _audit_quotes(seg, out)
        out.mangled_names += [Note(seg.id, m.group()) for m in MANGLED.finditer(seg.target)]
        out.missing_names += [Note(seg.id, name) for name in missing_names(seg)]
        collateral, grammar, unaligned = collateral_edits(seg)
        flagged = any(f.check == Check.RETRANSLATED for f in seg.findings)
        (out.retranslated if flagged else out.collateral_edits).extend(collateral)
        out.grammar_fixes += grammar
        out.unaligned_changes += [Note(seg.id, c.target_text, c.entry) for c in unaligned]
    out.changes_per_entry = dict(sorted(changes.items()))
    out.findings_per_check = dict(sorted(findings.items()))
    return out


def _audit_quotes(seg: Segment, out: DocumentAudit) -> None:
    hits = {(h.entry, h.start, h.end): h for h in seg.hits}
    for change in seg.changes:
        hit = hits.get((change.entry, *change.source_span))
        if hit is None or not hit.in_quote:
            continue
        written = _bare(change.target_text)
        if hit.quoted_form is not None and written == _bare(hit.quoted_form):
            continue  # the speaker's word in English spelling ("Daech" -> "Daesh"): as it should be
        if hit.loaded and written == _bare(hit.standard):
            out.quoted_labels_rewritten.append(Note(seg.id, f"{hit.text} -> {change.target_text}", hit.entry))
        if _bare(change.mt_text) != written:
            out.quoted_changes.append(Note(seg.id, f"{hit.text} -> {change.target_text}", hit.entry))


def _bare(text: str) -> str:
    """Text compared without case, surrounding space or a leading "the" (enforce may add one)."""
    return re.sub(r"^the\s+", "", text.strip().casefold())


def missing_names(seg: Segment) -> list[str]:
    """Source names of the form al-X (el-X, ad-X, ...) that the English has neither as written nor standardised.

    A name inside a glossary hit (a names-glossary entry, or a group such as
    "Front al-Nosra") may appear as that hit's standard name or replacement instead.
    """
    english = _fold(seg.target)
    missing = []
    for m in ARABIC_NAME.finditer(seg.source):
        start, end = seg.start + m.start(), seg.start + m.end()
        forms = [m.group()] + [f for h in seg.hits if h.start <= start and end <= h.end for f in _hit_forms(h)]
        if not any(re.search(r"(?<![\w-])" + re.escape(_fold(f)) + r"(?!\w)", english) for f in forms):
            missing.append(m.group())
    return missing


def _hit_forms(hit: TermHit) -> list[str]:
    return [hit.standard, hit.replacement]


def _fold(text: str) -> str:
    return text.casefold().replace("’", "'")
