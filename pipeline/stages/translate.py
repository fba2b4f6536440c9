"""Stage 4, translate: every sentence of the batch decoded once, and each hit located in it.

The engine sees each distinct sentence once and returns its raw translation
(what the reviewer's raw view shows) with, where it can, the span it rendered
each glossary hit as (``aligned``). A hit the engine cannot align is looked
for in the raw translation: the engine's translation of the hit's words alone
(short, deduplicated across the run, cached), the entry's known renderings,
the words as written (``rendering``). Only sentences with a hit still not
found are translated a second time, with placeholders; the difference
between that and the raw translation locates the hit (``diff``), and when it
does not, the enforce stage falls back to the placeholder translation itself
or to the text between placeholders translated piece by piece (in the same
engine call as the placeholder sentences when these are few).
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Self

from pipeline.engines.base import Engine, EngineOutput, Span
from pipeline.errors import EngineError
from pipeline.glossary.matcher import fold
from pipeline.lang import Language, get_language
from pipeline.model import Document, Located, Method, Segment, TermHit, Translation
from pipeline.stages.base import BatchStage, StageContext
from pipeline.text.punct import detokenise, normalise

# French elision before a hit: "l’EI" masked as "l’ZQAQ" reads as a pronoun to
# the engine; "le ZQAQ" translates as "the ZQAQ".
TOKEN = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")
LEADING_ARTICLE = re.compile(r"(?i)^(?:the|a|an)\s+")
# How alike (difflib ratio, accents folded) a word and its rendering are when the rendering is a spelling of the
# same word: Poutine/Putin 0.83, Mustapha/Mustafa 0.8, Européens/European 0.82; Marie/Marry 0.6, Le/The 0.4.
RELATED_SPELLING = 0.75
# Placeholder sentences (characters in all, about one 512-token batch) short enough to go with their pieces.
SPECULATE_CHARS = 2_000


class EngineView:
    """A sentence as the engine sees it (whitespace runs as one space), with the offset map back."""

    def __init__(self, text: str, language: str | None = None) -> None:
        out: list[str] = []
        self.index: list[int] = []  # for each char of text: its position in the view
        space = True  # drops leading space
        for ch in text:
            self.index.append(len(out))
            if ch.isspace():
                if not space:
                    out.append(" ")
                space = True
            else:
                out.append(ch)
                space = False
        self.index.append(len(out))
        self.text = "".join(out).rstrip(" ")
        if language is not None:
            self.text, moved = normalise(self.text, language)
            self.index = [moved[min(i, len(moved) - 1)] for i in self.index]

    def span(self, start: int, end: int) -> Span:
        """The view's span for ``text[start:end]``."""
        return self.index[start], min(self.index[end], len(self.text))


def flat(text: str) -> str:
    """One line for the engine: inner newlines are just spaces in prose."""
    return " ".join(text.split())


class TranslateStage(BatchStage):
    """Fill ``Segment.translation`` for every segment of the batch."""

    name = "translate"
    requires = frozenset({"segments"})
    assigns = frozenset({"translations"})

    @classmethod
    def from_context(cls, context: StageContext) -> Self:
        return cls(context.translator(), context.glossary.renderings())

    def __init__(self, engine: Engine, renderings: Mapping[str, Sequence[str]] | None = None) -> None:
        self.engine = engine
        self.renderings = renderings or {}  # entry id -> what engines are known to write for it
        self.term_mt: dict[str, str] = {}  # a hit's words -> the engine's translation of them alone, for the run

    def __call__(self, docs: Sequence[Document]) -> Sequence[Document]:
        segments = [seg for doc in docs for seg in doc.segments]
        if not segments:
            return docs
        self._decode(segments)
        missing = [seg for seg in segments if any(h.rendered is None for h in seg.hits)]
        if missing:
            self._terms(missing)
            for seg in missing:
                self._find_renderings(seg)
        for seg in segments:
            _settle_tentative(seg)
        missing = [seg for seg in missing if _unlocated(seg)]
        if missing:
            self._by_diff(missing)
        return docs

    def _decode(self, segments: list[Segment]) -> None:
        """One aligned decoding per distinct (sentence, hit spans)."""
        requests: dict[tuple[str, tuple[Span, ...]], int] = {}
        keys: list[tuple[str, tuple[Span, ...]]] = []
        for seg in segments:
            view = EngineView(seg.source, self.engine.source)
            spans = tuple(view.span(h.start - seg.start, h.end - seg.start) for h in seg.hits)
            key = (view.text, spans)
            requests.setdefault(key, len(requests))
            keys.append(key)
        unique = list(requests)
        outputs = self.engine.translate_aligned([t for t, _ in unique], [s for _, s in unique])
        _check_count(self.engine, outputs, len(unique))
        for seg, key in zip(segments, keys, strict=True):
            out = outputs[requests[key]]
            seg.translation = Translation(raw=out.text, unknown=out.unknown)
            seg.hits = _aligned(out, seg.hits)

    def _terms(self, segments: list[Segment]) -> None:
        """Translate the words of every hit not yet located, alone: once per distinct wording in the run."""
        wanted = {flat(h.text): None for seg in segments for h in seg.hits if h.rendered is None}
        todo = [t for t in wanted if t not in self.term_mt]
        if todo:
            out = self.engine.translate(todo)
            _check_count(self.engine, out, len(todo))
            self.term_mt.update(zip(todo, out, strict=True))

    def _find_renderings(self, seg: Segment) -> None:
        """Locate unaligned hits in the raw translation, in source order, never overlapping a located one.

        First the engine's own words for each hit (its translation alone, the
        words as written, the replacement), then the entry's known renderings,
        which are looser (an entry's "EI" must not be taken for the hit before it).
        Each hit is searched between the spans of its located neighbours.
        """
        raw, hits = seg.translation.raw, seg.hits
        for candidates in (self._own_words, self._known_renderings):
            for i, hit in enumerate(hits):
                if hit.rendered is not None:
                    continue
                start = max((h.rendered.span[1] for h in hits[:i] if h.rendered is not None), default=0)
                end = min((h.rendered.span[0] for h in hits[i + 1 :] if h.rendered is not None), default=len(raw))
                span = find_rendering(raw, candidates(hit), start=start, end=end, skip=_repeats_before(seg, i))
                if span is not None:
                    hits[i] = dataclasses.replace(hit, rendered=Located(span, Method.RENDERING))

    def _own_words(self, hit: TermHit) -> list[str]:
        return [self.term_mt.get(flat(hit.text), ""), hit.text, hit.replacement]

    def _known_renderings(self, hit: TermHit) -> list[str]:
        return sorted(self.renderings.get(hit.entry, ()), key=len, reverse=True)

    def _by_diff(self, segments: list[Segment]) -> None:
        """Translate the sentences with placeholders; where only a placeholder differs, it marks the hit's rendering.

        A few sentences (``SPECULATE_CHARS`` in all) go in the same engine call as the text between their
        placeholders: a neural engine's decoding step costs about the same for 2 inputs as for 13 (2.0-2.4 s
        against 2.6 s in bench/README.md), so the pieces add little, and a model that drops the
        placeholders needs no further call after this one.
        """
        masked: dict[str, int] = {}
        texts: list[str] = []
        for seg in segments:
            text, seg.translation.placeholders = masked_source(seg, self.engine)
            texts.append(text)
            masked.setdefault(text, len(masked))
        unique = list(masked)
        plans = {
            text: _split_at_placeholders(text, seg.translation.placeholders) for seg, text in zip(segments, texts, strict=True)
        }
        ahead = _pieces(plans.values()) if sum(map(len, unique)) <= SPECULATE_CHARS else []
        out = self.engine.translate(unique + ahead)
        _check_count(self.engine, out, len(unique) + len(ahead))
        pieces_mt = dict(zip(ahead, out[len(unique) :], strict=True))
        lost: list[tuple[Segment, list[str]]] = []
        for seg, text in zip(segments, texts, strict=True):
            tr = seg.translation
            tr.masked = out[masked[text]]
            index = {id(h): i for i, h in enumerate(seg.hits)}
            for token, span in diff_locate(tr.raw, tr.masked, tr.placeholders).items():
                i = index[id(tr.placeholders[token])]
                if seg.hits[i].rendered is None and not _overlaps(span, seg.hits):
                    seg.hits[i] = dataclasses.replace(seg.hits[i], rendered=Located(span, Method.DIFF))
            tr.placeholders = {token: seg.hits[index[id(h)]] for token, h in tr.placeholders.items()}
            if _unlocated(seg) and not placeholders_kept(tr.placeholders, tr.masked):
                lost.append((seg, plans[text]))
        if lost:
            self._translate_around_placeholders(lost, pieces_mt)

    def _translate_around_placeholders(self, segments: list[tuple[Segment, list[str]]], done: dict[str, str]) -> None:
        """For sentences whose placeholders the engine dropped or changed: translate the text
        between them piece by piece (one batch, unless ``done`` has them) and put the placeholders back in order.

        A neural model may rewrite an unknown token; cutting the sentence at the
        placeholders guarantees them at the cost of some context across the cut.
        """
        todo = [p for p in _pieces(parts for _, parts in segments) if p not in done]
        out = self.engine.translate(todo) if todo else []
        _check_count(self.engine, out, len(todo))
        translated = {**done, **dict(zip(todo, out, strict=True))}
        for seg, parts in segments:
            rebuilt = [translated[part.strip()] if i % 2 == 0 else part for i, part in enumerate(parts) if part.strip()]
            seg.translation.pieces = join_pieces(rebuilt, self.engine.target)


def _split_at_placeholders(masked: str, placeholders: Mapping[str, TermHit]) -> list[str]:
    """``masked`` cut at its placeholders: text, placeholder, text, ..."""
    if not placeholders:
        return [masked]
    return re.split("(" + "|".join(map(re.escape, placeholders)) + ")", masked)


def _pieces(plans: Iterable[list[str]]) -> list[str]:
    """The distinct non-blank texts between placeholders, in order."""
    return list(dict.fromkeys(p.strip() for parts in plans for p in parts[0::2] if p.strip()))


def masked_source(seg: Segment, engine: Engine) -> tuple[str, dict[str, TermHit]]:
    """The sentence with every hit the English changes replaced by the engine's placeholder.

    A word elided before a hit is written in full ("l'__T0__" -> "le __T0__"), as the source language says
    (``Language.elision``), so the engine reads a word and not an apostrophe glued to a placeholder.
    """
    elision, unelided = _elision(get_language(engine.source))
    out: list[str] = []
    table: dict[str, TermHit] = {}
    pos = seg.start
    for hit in seg.hits:
        if hit.kept:
            continue  # the speaker's words stay; the check stage reports them
        before = seg.source[pos - seg.start : hit.start - seg.start]
        elided = elision.search(before) if elision is not None else None
        if elided:
            full = unelided[elided.group(1).lower()] + " "
            before = before[: elided.start()] + _same_case(full, elided.group(1))
        token = engine.placeholder(len(table))
        table[token] = hit
        out.extend((before, token))
        pos = hit.end
    out.append(seg.source[pos - seg.start :])
    return normalise(flat("".join(out)), engine.source)[0], table


def _elision(language: Language) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """The pattern of an elided word ending a text, and each elided word's full form (compiled once)."""
    if language not in _elisions:
        words = [elided for elided, _ in language.elision]
        pattern = re.compile(rf"(?i)\b({'|'.join(map(re.escape, words))})['’]\s*$") if words else None
        _elisions[language] = (pattern, dict(language.elision))
    return _elisions[language]


_elisions: dict[Language, tuple[re.Pattern[str] | None, dict[str, str]]] = {}


def find_rendering(
    text: str, candidates: Iterable[str], *, start: int = 0, end: int | None = None, skip: int = 0
) -> Span | None:
    """A whole-word, case-insensitive occurrence of a candidate within ``text[start:end]``.

    Candidates are tried in order, each also without a leading article (the
    words alone may translate as "the terrorists", in context as "terrorists").
    ``skip`` is how many times the hit's words stand earlier in the same stretch
    of source ("attaques jihadistes ... des jihadistes"): the occurrence with
    that rank is taken, or the last one when the engine wrote fewer.
    """
    lowered = text.lower()
    for cand in candidates:
        cand = cand.strip(" .,;:")
        for form in dict.fromkeys((cand, LEADING_ARTICLE.sub("", cand))):
            if not form:
                continue
            pattern = re.compile(r"(?<!\w)" + re.escape(form.lower()) + r"(?!\w)")
            found = list(itertools.islice(pattern.finditer(lowered, start, len(text) if end is None else end), skip + 1))
            if found:
                return found[-1].span()
    return None


def _repeats_before(seg: Segment, i: int) -> int:
    """How many times hit ``i``'s words stand in the source between its located predecessor and itself."""
    hit = seg.hits[i]
    start = max((h.end for h in seg.hits[:i] if h.rendered is not None), default=seg.start)
    words = re.compile(r"(?<!\w)" + re.escape(hit.text) + r"(?!\w)", re.IGNORECASE)
    return len(words.findall(seg.source, start - seg.start, hit.start - seg.start))


def diff_locate(raw: str, masked: str, placeholders: Mapping[str, TermHit]) -> dict[str, Span]:
    """For each placeholder in ``masked``, the span of ``raw`` that replaced it and nothing else.

    Word tokens of both are aligned; a placeholder counts only when the block
    of difference around it holds the placeholder alone on the masked side,
    so words the engine changed for other reasons are never taken for the hit.
    """
    raw_tokens = [(m.start(), m.end(), m.group().lower()) for m in TOKEN.finditer(raw)]
    masked_tokens = [m.group() for m in TOKEN.finditer(masked)]
    matcher = difflib.SequenceMatcher(None, [t.lower() for t in masked_tokens], [t for *_, t in raw_tokens], autojunk=False)
    found: dict[str, Span] = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace" and i2 - i1 == 1 and masked_tokens[i1] in placeholders:
            found[masked_tokens[i1]] = (raw_tokens[j1][0], raw_tokens[j2 - 1][1])
    return found


def placeholders_kept(placeholders: Mapping[str, TermHit], text: str | None) -> bool:
    """Whether ``text`` holds each placeholder exactly once."""
    return text is not None and all(text.count(p) == 1 for p in placeholders)


def join_pieces(pieces: Sequence[str], language: str) -> str:
    """Rejoin translated pieces as Moses detokenisation does (no space before closing punctuation, quotes paired)."""
    return detokenise([p.strip() for p in pieces if p.strip()], language)


def _settle_tentative(seg: Segment) -> None:
    """Keep a tentative name only where the engine translated part of it and kept the rest in place.

    "Marie Dosé" rendered "Marry Dosé" (as many words, one kept where it was,
    one changed) is a name the engine took for words: it is restored. Kept
    whole, it needs nothing; rendered otherwise ("Maison Blanche" as "White
    House"), or not found, it may be a body or place the English translates,
    and is left to the engine: such hits never send a sentence to the
    placeholder fallback.
    """
    tr = seg.translation
    first = re.search(r"\w", seg.source)
    opening = seg.start + first.start() if first else -1
    seg.hits = [
        hit
        for hit in seg.hits
        if not hit.tentative
        or (
            (loc := hit.rendered) is not None
            and _part_translated(hit.text, tr.raw[loc.span[0] : loc.span[1]], hit.start == opening)
        )
    ]


def _part_translated(name: str, rendering: str, opens_sentence: bool = False) -> bool:
    """As many words, one kept in place, and one turned into an unrelated word ("Marie" -> "Marry", "Le" -> "The").

    A word changed into a near spelling is the English form of the name or word ("Poutine" -> "Putin",
    "Européens" -> "European"): that alone is no reason to restore the French. Nor is a change of the
    sentence's first word, which may be an ordinary word ("Hier Donald Trump" -> "Yesterday Donald Trump").
    """
    words, rendered = name.split(), rendering.split()
    if len(words) != len(rendered):
        return False
    pairs = list(zip(words, rendered, strict=True))
    evidence = pairs[1:] if opens_sentence else pairs
    return any(a == b for a, b in pairs) and any(_unrelated(a, b) for a, b in evidence)


def _unrelated(word: str, rendered: str) -> bool:
    return difflib.SequenceMatcher(None, fold(word), fold(rendered), autojunk=False).ratio() < RELATED_SPELLING


def _aligned(out: EngineOutput, hits: Sequence[TermHit]) -> list[TermHit]:
    """``hits`` each with the span the engine's alignment gives it (any earlier ``rendered`` dropped)."""
    placed: list[TermHit] = []
    spans = list(out.spans[: len(hits)]) + [None] * (len(hits) - len(out.spans))
    for hit, span in zip(hits, spans, strict=True):
        ok = span is not None and 0 <= span[0] < span[1] <= len(out.text) and not _overlaps(span, placed)
        placed.append(dataclasses.replace(hit, rendered=Located(span, Method.ALIGNED) if ok and span is not None else None))
    return placed


def _overlaps(span: Span, hits: Sequence[TermHit]) -> bool:
    return any(h.rendered is not None and h.rendered.span[0] < span[1] and span[0] < h.rendered.span[1] for h in hits)


def _unlocated(seg: Segment) -> bool:
    """Whether a hit the English must change has no place in the raw translation yet."""
    return any(hit.rendered is None and not hit.kept for hit in seg.hits)


def _same_case(word: str, like: str) -> str:
    return word[0].upper() + word[1:] if like[:1].isupper() else word


def _check_count(engine: Engine, out: Sequence[object], wanted: int) -> None:
    if len(out) != wanted:
        raise EngineError(f"engine {engine.name} returned {len(out)} translations for {wanted} sentences")
