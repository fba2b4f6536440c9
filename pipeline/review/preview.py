"""What a glossary edit would change, found by running it: the documents it can touch, and every sentence whose
English comes out different, before and after.

The preview is not a guess from the edit's words: the workspace runs the same
stage chain with the edited glossary over the documents it can change (from
the translation cache, in memory), and this module compares the result with
the documents as they are. Saving runs the same code again under the output
lock and refuses when the result differs from what was previewed (its
``digest``), so what the reviewer saw is what is saved.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pipeline.glossary.load import Entry, Glossary
from pipeline.glossary.matcher import Match, Matcher
from pipeline.model import Document

Shape = list[tuple[Any, ...]]
TOKEN = re.compile(r"\s+|\w+|[^\w\s]")
SHOWN = 300  # sentences sent to the page; the count is always the full one


@dataclass(frozen=True)
class SentenceChange:
    """One sentence whose English an edit changes."""

    doc: str
    sentence: int  # the segment's id, as the page numbers sentences (from 0)
    source: str
    before: str
    after: str

    def diff(self) -> list[tuple[str, str]]:
        """The English as ("=", kept) ("-", deleted) ("+", inserted) pieces, word by word; a run of replaced words is
        one deletion then one insertion ("the fighters of EI" -> "Islamic State militants"), not word against word."""
        old, new = TOKEN.findall(self.before), TOKEN.findall(self.after)
        pieces: list[tuple[str, str]] = []
        for op, i, j, k, m in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
            if op == "equal":
                pieces.append(("=", "".join(old[i:j])))
            else:
                pieces += [("-", "".join(old[i:j])), ("+", "".join(new[k:m]))]
        out: list[tuple[str, str]] = []
        run = {"-": "", "+": ""}
        for n, (kind, text) in enumerate(pieces):
            inside = 0 < n < len(pieces) - 1 and pieces[n - 1][0] != "=" and pieces[n + 1][0] != "="
            if kind == "=" and not (inside and text.isspace()):
                out += [(o, t) for o, t in run.items() if t]
                run = {"-": "", "+": ""}
                out.append((kind, text))
            elif kind == "=":  # a space between two replaced words belongs to both sides of the replacement
                run = {o: t + text for o, t in run.items()}
            else:
                run[kind] += text
        return out + [(o, t) for o, t in run.items() if t]

    def to_json(self) -> dict[str, Any]:
        return {
            "doc": self.doc,
            "sentence": self.sentence,
            "source": self.source,
            "before": self.before,
            "after": self.after,
            "diff": self.diff(),
        }


def changed_sentences(old: Mapping[str, Document], fresh: Sequence[Document]) -> list[SentenceChange]:
    """Every sentence of ``fresh`` whose English differs from the same sentence (same place) of its old version."""
    changes: list[SentenceChange] = []
    for doc in fresh:
        before = old.get(doc.name)
        if before is None or doc.failed:
            continue
        was = {(s.start, s.end): s.target for s in before.segments}
        for seg in doc.segments:
            previous = was.get((seg.start, seg.end), "")
            if previous != seg.target:
                changes.append(SentenceChange(doc.name, seg.id, seg.source, previous, seg.target))
    return changes


def digest(text: str, changes: Sequence[SentenceChange]) -> str:
    """What identifies a previewed edit: the glossary text it saves and every sentence it changes."""
    data = json.dumps([text, [dataclasses.astuple(c) for c in changes]], ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def summary(changes: Sequence[SentenceChange], rerun: Sequence[str]) -> dict[str, Any]:
    """The preview as the page shows it: the counts, and the sentences (at most ``SHOWN``)."""
    return {
        "count": len(changes),
        "documents": len({c.doc for c in changes}),
        "rerun": list(rerun),
        "sentences": [c.to_json() for c in changes[:SHOWN]],
    }


@dataclass(frozen=True)
class Matching:
    """A glossary's matcher and the shape of its matches in each document (name, sha256) found so far."""

    glossary: Glossary
    matcher: Matcher
    shapes: dict[tuple[str, str], Shape]

    @classmethod
    def of(cls, glossary: Glossary) -> Matching:
        return cls(glossary, Matcher(glossary), {})

    def shape(self, doc: Document) -> Shape:
        key = (doc.name, doc.sha256)
        if key not in self.shapes:
            self.shapes[key] = shape(self.matcher.find(doc.text))
        return self.shapes[key]


def affected(docs: Sequence[Document], old: Matching, new: Matching) -> list[str]:
    """The documents an edit from ``old`` to ``new`` can change: where the glossaries match differently, or match an
    entry (or the group in a ``{group}`` slot) whose definition the edit changes. ``new`` keeps what it found, for
    the next edit's comparison once this one is saved."""
    edited = _edited(old.glossary, new.glossary)
    names = []
    for doc in docs:
        if doc.failed:
            continue
        now = new.matcher.find(doc.text)
        new.shapes[(doc.name, doc.sha256)] = shape(now)
        if any(_involves(m, edited) for m in now) or old.shape(doc) != new.shapes[(doc.name, doc.sha256)]:
            names.append(doc.name)
    return names


def _edited(old: Glossary, new: Glossary) -> set[str]:
    """Ids of the entries added, removed or changed in what they do to a match. Their variants are left out: what
    those change shows in where the glossaries match. An entry's line moves when one above it grows: not a change."""

    def plain(e: Entry) -> Entry:
        return dataclasses.replace(e, line=0, variants=(), plural_variants=())

    was = {e.id: plain(e) for e in old.entries}
    now = {e.id: plain(e) for e in new.entries}
    return {i for i in was.keys() | now.keys() if was.get(i) != now.get(i)}


def _involves(match: Match, ids: set[str]) -> bool:
    return match.entry.id in ids or (match.group is not None and _involves(match.group, ids))


def shape(matches: list[Match]) -> Shape:
    """What of a document's matches an edit can change: where, which entry, in which number, refused or not."""
    return [(m.start, m.end, m.entry.id, m.plural, m.rejected, shape([m.group]) if m.group else None) for m in matches]
