"""Stage 5, enforce: splice each standard name into the engine's raw translation, and record it.

The normalised English is the raw translation with, at each span where the
engine rendered a hit (found by the translate stage), the hit's replacement:
nothing else moves except what the name's grammar forces next to it (the
article the entry asks for, a/an, a plural verb), so a reviewer can trust
that only the highlighted words differ from what the engine said.
``Translation.edits`` records each rewritten region, so findings about other
words of the raw translation land on the same words of the target.

Only when a hit could not be located anywhere in the raw translation does the
sentence fall back to the translation made with placeholders
(``placeholder``), then to the one translated piece by piece around them
(``placeholder-split``); those change more than the names, and say so in
their method. When nothing works the segment gets an ``unenforced`` finding:
the tool never guesses silently.
"""

from __future__ import annotations

import re
from typing import Self

from pipeline.grammar import Grammar, grammar_for
from pipeline.lang import NEUTRAL, Language, get_language
from pipeline.lang.speech import alternation
from pipeline.model import Change, Check, Document, Finding, Kind, Located, Method, Segment, Span, TermHit
from pipeline.stages.base import DocumentStage, StageContext
from pipeline.stages.translate import placeholders_kept

# Conjunctions of the English between equivalent names in one bracket; the source language adds its own,
# which the engine may leave as they are ("Daech (État islamique ou EI)").
TARGET_FILLERS = ("or", "and")
# After those names, a comma and more words before the bracket closes: "(HTS, ex-branche d'Al-Qaïda)".
BRACKET_GOES_ON = re.compile(r"\s*[,;]\s*(?=[^()]*?\w[^()]*\))")


class EnforceStage(DocumentStage):
    """Turn ``Segment.translation`` into ``Segment.target`` plus ``Change`` records."""

    name = "enforce"
    requires = frozenset({"translations"})
    assigns = frozenset({"target", "changes"})

    @classmethod
    def from_context(cls, context: StageContext) -> Self:
        return cls(context.target)

    def __init__(self, target: str = "en") -> None:
        self.grammar: Grammar = grammar_for(target)

    def __call__(self, doc: Document) -> Document:
        language = get_language(doc.language)
        for seg in doc.segments:
            self.enforce(seg, language)
        return doc

    def enforce(self, seg: Segment, language: Language = NEUTRAL) -> None:
        """Write ``seg.target`` and ``seg.changes``; ``language`` (the source's) says which words are plural."""
        seg.changes = []
        tr = seg.translation
        todo = [hit for hit in seg.hits if not hit.kept]
        placed = [(hit, hit.rendered) for hit in todo if hit.rendered is not None]
        if len(placed) == len(todo):
            self._splice(seg, language, placed)
        elif placeholders_kept(tr.placeholders, tr.masked):
            self._by_placeholder(seg, language, tr.masked or "", Method.PLACEHOLDER)
            seg.findings.append(_retranslated(seg))
        elif placeholders_kept(tr.placeholders, tr.pieces):
            self._by_placeholder(seg, language, tr.pieces or "", Method.PLACEHOLDER_SPLIT)
            seg.findings.append(_retranslated(seg))
        else:
            self._splice(seg, language, placed)
            for hit in todo:
                if hit.rendered is None:
                    seg.findings.append(
                        Finding(
                            check=Check.UNENFORCED,
                            message=f"could not place “{hit.replacement}” for “{hit.text}”: the engine changed the "
                            "placeholder and its rendering of these words was not found; review this sentence",
                            entry=hit.entry,
                            source_span=(hit.start, hit.end),
                        )
                    )

    def _splice(self, seg: Segment, language: Language, placed: list[tuple[TermHit, Located]]) -> None:
        """The raw translation with each located rendering replaced; ``edits`` records every rewritten region."""
        raw = seg.translation.raw
        out = ""
        pos = 0
        edits: list[tuple[Span, Span]] = []
        placed = sorted(placed, key=lambda p: p[1].span)
        k = 0
        while k < len(placed):
            hit, loc = placed[k]
            a, b = loc.span
            merged = self._merge_bracket(seg, language, raw, pos, placed, k)
            if merged:
                end, bracket_goes_on = merged
                previous = seg.changes[-1]
                for hit2, loc2 in placed[k : k + self._bracket_size(placed, k, end)]:
                    seg.changes.append(_change(hit2, raw, loc2.span, previous.target_span, previous.target_text, Method.MERGED))
                    k += 1
                start = a if bracket_goes_on else _rstrip_index(raw, pos, raw.index("(", pos, a))
                edits.append(((start, end), (len(out) + start - pos,) * 2))
                out += raw[pos:start]
                pos = end
                continue
            unchanged_from = len(out)
            out += raw[pos:a]
            replacement, b = self._adjective_first(seg, hit, raw, b)
            b = _abbreviation_stop(raw, a, b, seg.source[hit.end - seg.start :], replacement)
            fitted, name = self.grammar.fit(out, replacement, hit.article)
            t0 = _common_prefix(out, fitted)
            r0 = a - (len(out) - t0)
            out = fitted
            span = (len(out), len(out) + len(name))
            out += name
            after = raw[b:]
            agreed = self.grammar.agree(after, plural_name=name.endswith("s"), plural_source=_plural(language, hit.text))
            keep = _common_suffix(after, agreed)
            out += agreed[: len(agreed) - keep]
            pos = b + len(after) - keep
            if t0 < unchanged_from and edits:  # the grammar reached back into the previous edit: one region
                (r0, _), (t0, _) = edits.pop()
            edits.append(((r0, pos), (t0, len(out))))
            seg.changes.append(_change(hit, raw, (a, b), span, name, loc.method))
            k += 1
        seg.target = out + raw[pos:]
        seg.translation.edits = edits

    def _adjective_first(self, seg: Segment, hit: TermHit, raw: str, b: int) -> tuple[str, int]:
        """The replacement and the end of the engine's words it stands for.

        "rebelles syriens" came out "rebellious Syrians": a noun in place of "rebellious" would read "rebels
        Syrians", so the change takes both English words and says "Syrian rebels": its highlight (``mt_span``,
        ``target_span``) covers all it moved. The source span stays the hit's, which the page and the review
        keys look changes up by.
        """
        if hit.kind is Kind.MEMBERS:
            turned = self.grammar.adjective_first(raw[b:], seg.source[hit.end - seg.start :])
            if turned is not None:
                raw_length, adjective = turned
                end = b + raw_length
                start = end - len(raw[b:end].lstrip())
                # A word the engine did not know keeps its own finding, which a change over it would hide.
                if not any(u < end and start < v for u, v in seg.translation.unknown):
                    return f"{adjective} {hit.replacement}", end
        return hit.replacement, b

    def _merge_bracket(
        self, seg: Segment, language: Language, raw: str, pos: int, placed: list[tuple[TermHit, Located]], k: int
    ) -> tuple[int, bool] | None:
        """Where equivalent names in brackets right after a change with the same name end, and whether the
        bracket goes on after them; None when there are none.

        Equivalent names in brackets after a name would read "Islamic State
        (Islamic State, Islamic State)": they are said once. So after its
        members ("Hay'at Tahrir al-Sham militants (HTS)"). " (EI)" and
        " (État islamique, EI)" go whole; in "(HTS, ex-branche syrienne
        d'Al-Qaïda)" the names and their comma go and the rest of the bracket stays.
        """
        if not seg.changes or seg.changes[-1].mt_span is None:
            return None
        previous = seg.changes[-1]
        between = raw[pos : placed[k][1].span[0]]
        if between.strip() != "(":
            return None
        said = None  # the end of the last equivalent name
        j = k
        while j < len(placed) and _says(previous.target_text, placed[j][0].replacement):
            said = placed[j][1].span[1]
            rest = raw[said:]
            close = rest.find(")")
            if close >= 0 and not rest[:close].strip(" ,"):
                return said + close + 1, False
            if j + 1 >= len(placed) or not _filler(language).match(raw[said : placed[j + 1][1].span[0]]):
                break
            j += 1
        if said is None:
            return None
        separator = BRACKET_GOES_ON.match(raw, said)
        if separator is None or any(loc.span[0] == separator.end() for _, loc in placed):
            return None  # "(HTS, Al-Qaïda)" lists another group: without "HTS" it would read as its name
        return separator.end(), True

    @staticmethod
    def _bracket_size(placed: list[tuple[TermHit, Located]], k: int, end: int) -> int:
        return sum(1 for _, loc in placed[k:] if loc.span[1] <= end)

    def _by_placeholder(self, seg: Segment, language: Language, text: str, method: Method) -> None:
        """The fallback: the sentence translated with placeholders, each swapped for its name."""
        tr = seg.translation
        spots = sorted((text.index(p), p) for p in tr.placeholders)
        out = ""
        pos = 0
        for at, token in spots:
            hit = tr.placeholders[token]
            before = text[pos:at]
            previous = seg.changes[-1] if seg.changes else None
            mt_span = hit.rendered.span if hit.rendered is not None else None
            if (
                previous is not None
                and previous.target_span[1] == len(out)
                and before.strip() == "("
                and text.startswith(")", at + len(token))
                and hit.replacement.lower() in previous.target_text.lower()
            ):
                seg.changes.append(_change(hit, tr.raw, mt_span, previous.target_span, previous.target_text, Method.MERGED))
                pos = at + len(token) + 1
                continue
            out, name = self.grammar.fit(out + before, hit.replacement, hit.article)
            start = len(out)
            out += name
            seg.changes.append(_change(hit, tr.raw, mt_span, (start, len(out)), name, method))
            pos = at + len(token)
            after = text[pos:]
            agreed = self.grammar.agree(after, plural_name=name.endswith("s"), plural_source=_plural(language, hit.text))
            keep = _common_suffix(after, agreed)
            out += agreed[: len(agreed) - keep]
            pos += len(after) - keep
        seg.target = out + text[pos:]
        tr.edits = None


def _retranslated(seg: Segment) -> Finding:
    """The reviewer's warning that this English is not the raw translation with edits."""
    return Finding(
        check=Check.RETRANSLATED,
        message="the engine's rendering of a label was not found, so this sentence was translated again with the "
        "name held in place: words away from the highlight may differ from the raw translation",
        source_span=(seg.start, seg.end),
    )


def _change(hit: TermHit, raw: str, mt_span: Span | None, span: Span, name: str, method: Method) -> Change:
    return Change(
        entry=hit.entry,
        source_span=(hit.start, hit.end),
        source_text=hit.text,
        mt_text=raw[mt_span[0] : mt_span[1]] if mt_span else "",
        target_span=span,
        target_text=name,
        method=method,
        mt_span=mt_span,
    )


def _says(written: str, name: str) -> bool:
    """Whether the change that wrote ``written`` already says ``name``: the name itself ("the Islamic State"), or
    its members ("Islamic State militants"); not another group whose name starts alike ("Islamic State Khorasan")."""
    bare = written.removeprefix("the ").removeprefix("The ")
    if bare.casefold() == name.casefold():
        return True
    if not bare.casefold().startswith(name.casefold() + " "):
        return False
    return all(word.isalpha() and word.islower() for word in bare[len(name) + 1 :].split())


def _plural(language: Language, source: str) -> bool:
    """Whether the source words are plural; unknown counts as plural, so the engine's verb is left alone."""
    plural = language.plural(source)
    return True if plural is None else plural


def _filler(language: Language) -> re.Pattern[str]:
    """Separators between equivalent names in one bracket: "Daech (État islamique, EI)", "(EI o Dáesh)"."""
    if language not in _fillers:
        words = alternation((*language.bracket_fillers, *TARGET_FILLERS))
        _fillers[language] = re.compile(rf"^[\s,;/]*(?:{words}\b[\s,;/]*)?$", re.IGNORECASE)
    return _fillers[language]


_fillers: dict[Language, re.Pattern[str]] = {}


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):  # stops at the shorter
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < len(a) and n < len(b) and a[len(a) - 1 - n] == b[len(b) - 1 - n]:
        n += 1
    return n


def _abbreviation_stop(raw: str, a: int, b: int, source_after: str, replacement: str) -> int:
    """``b``, past the last full stop of an abbreviation the engine wrote ("U.S." for "EEUU") when the source has
    none there: that stop is the abbreviation's, and the standard name without it would leave "the US. in Madrid".
    A stop the source has too ("… de EEUU.") ends the sentence and stays."""
    if raw[b : b + 1] != "." or "." not in raw[a:b] or replacement.endswith(".") or source_after.startswith("."):
        return b
    return b + 1


def _rstrip_index(text: str, floor: int, at: int) -> int:
    """``at`` moved back over the spaces before it, not below ``floor``."""
    while at > floor and text[at - 1].isspace():
        at -= 1
    return at
