"""Stage 4, translate: every sentence of every document in one engine call.

For each segment the engine sees the plain sentence (the raw translation a
reviewer can toggle to) and, when the segment has glossary hits to enforce, a
masked copy where each hit is a placeholder the engine copies verbatim. The
enforce stage later puts the standard names where the placeholders landed.
Each distinct hit is also translated alone so the review can show what the
engine would have said for those words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.engines.base import Engine
from pipeline.errors import EngineError
from pipeline.model import Document, Segment, TermHit

# French elision before a hit: "l’EI" masked as "l’ZQAQ" reads as a pronoun to
# the engine; "le ZQAQ" translates as "the ZQAQ".
ELISION = re.compile(r"(?i)\b(l|d|qu|j|s)['’]\s*$")
UNELIDED = {"l": "le ", "d": "de ", "qu": "que ", "j": "je ", "s": "se "}


def flat(text: str) -> str:
    """One line for the engine: inner newlines are just spaces in prose."""
    return " ".join(text.split())


def masked_source(seg: Segment, engine: Engine) -> tuple[str, dict[str, TermHit]]:
    """The sentence with every enforceable hit replaced by the engine's placeholder."""
    out: list[str] = []
    table: dict[str, TermHit] = {}
    pos = seg.start
    for hit in seg.hits:
        if hit.loaded and hit.in_quote:
            continue  # the speaker's words stay; the check stage reports them
        before = seg.source[pos - seg.start : hit.start - seg.start]
        elided = ELISION.search(before)
        if elided:
            before = before[: elided.start()] + _same_case(UNELIDED[elided.group(1).lower()], elided.group(1))
        token = engine.placeholder(len(table))
        table[token] = hit
        out.extend((before, token))
        pos = hit.end
    out.append(seg.source[pos - seg.start :])
    return flat("".join(out)), table


def _same_case(word: str, like: str) -> str:
    return word[0].upper() + word[1:] if like[:1].isupper() else word


class TranslateStage:
    """Fill ``mt`` (raw) and ``masked_mt`` of every segment, batching all documents."""

    name = "translate"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.term_mt: dict[str, str] = {}  # source words -> the engine's translation alone

    def __call__(self, docs: Sequence[Document]) -> Sequence[Document]:
        batch: list[str] = []
        jobs: list[tuple[Segment, str]] = []  # (segment, "mt" | "masked_mt")
        terms: dict[str, None] = {}  # an ordered set
        masked_sources: dict[int, str] = {}
        for doc in docs:
            for seg in doc.segments:
                jobs.append((seg, "mt"))
                batch.append(flat(seg.source))
                if any(not (h.loaded and h.in_quote) for h in seg.hits):
                    masked, seg.placeholders = masked_source(seg, self.engine)
                    masked_sources[id(seg)] = masked
                    jobs.append((seg, "masked_mt"))
                    batch.append(masked)
                for hit in seg.hits:
                    terms[flat(hit.text)] = None
        if not batch:
            return docs
        term_list = [t for t in terms if t not in self.term_mt]
        out = self.engine.translate(batch + term_list)
        if len(out) != len(batch) + len(term_list):
            raise EngineError(f"engine {self.engine.name} returned {len(out)} translations for {len(batch) + len(term_list)} sentences")
        for (seg, attr), text in zip(jobs, out):
            setattr(seg, attr, text)
        self.term_mt.update(zip(term_list, out[len(batch) :]))
        lost = [seg for seg, attr in jobs if attr == "masked_mt" and not placeholders_kept(seg, seg.masked_mt)]
        if lost:
            self._translate_around_placeholders(lost, masked_sources)
        return docs

    def _translate_around_placeholders(self, segments: list[Segment], masked: dict[int, str]) -> None:
        """For sentences whose placeholders the engine dropped or changed: translate the text
        between them piece by piece (one batch) and put the placeholders back in order.

        A neural model may rewrite an unknown token; cutting the sentence at the
        placeholders guarantees them at the cost of some context across the cut.
        """
        plans: list[tuple[Segment, list[str]]] = []
        pieces: list[str] = []
        for seg in segments:
            pattern = "(" + "|".join(map(re.escape, seg.placeholders)) + ")"
            parts = re.split(pattern, masked[id(seg)])
            plans.append((seg, parts))
            pieces.extend(p.strip() for p in parts[0::2] if p.strip())
        out = iter(self.engine.translate(pieces)) if pieces else iter(())
        for seg, parts in plans:
            rebuilt = [next(out) if i % 2 == 0 and part.strip() else part for i, part in enumerate(parts) if part.strip()]
            seg.split_mt = " ".join(rebuilt)


def placeholders_kept(seg: Segment, text: str | None) -> bool:
    """Whether ``text`` holds each of the segment's placeholders exactly once."""
    return text is not None and all(text.count(p) == 1 for p in seg.placeholders)
