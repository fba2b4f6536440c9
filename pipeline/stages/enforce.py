"""Stage 5, enforce: put each standard name into the English, and record it.

Preferred method, ``placeholder``: the engine translated a copy of the sentence
in which each hit was a placeholder; the placeholder is swapped for the
standard name, and the words around it are made grammatical (``the`` dropped
or added as the entry's ``article`` says, ``a``/``an``, a capital at the start
of the sentence).

When the engine dropped or changed a placeholder, ``rendering``: the raw
translation is used if the entry's known renderings (or the engine's own
translation of the hit alone) can be found in it for every hit, since the
whole sentence keeps its context. Otherwise ``placeholder-split``: the
translate stage has translated the text between the placeholders piece by
piece. When nothing works the segment gets an ``unenforced`` finding: the
tool never guesses silently.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from string import ascii_letters as ASCII_LETTERS

from pipeline.glossary.load import Glossary
from pipeline.model import Change, Document, Finding, Segment, TermHit
from pipeline.stages.translate import flat, placeholders_kept

DETERMINERS = frozenset("the a an this that these those its their his her our your my whose".split())
WORD_BEFORE = re.compile(r"(?P<word>[A-Za-z]+)(?P<space>\s+)(?P<quote>[«“\"]\s*)?$")
OPENING_QUOTES = "«“\""
# "the group al-Nusra Front": a noun in apposition already carries the article.
APPOSITION = frozenset("group organisation organization movement militia faction coalition alliance front".split())
# Singular verb forms after a plural standard name whose source was singular ("camp atlantiste" -> "Western governments").
PLURAL_VERB = {"has": "have", "is": "are", "was": "were", "does": "do"}
VERB_AFTER = re.compile(r"(?P<space>\s+)(?P<verb>has|is|was|does)\b")
SENTENCE_START = re.compile(r"^[\s«“\"'(\[—–-]*$")
VOWEL_SOUND = re.compile(r"^(?:[aeio]|u(?!ni|s[aeiu]|tili)|hour|honest|honou?r)", re.IGNORECASE)


class EnforceStage:
    """Turn ``masked_mt`` (or ``mt``) into ``target`` plus ``Change`` records."""

    name = "enforce"

    def __init__(self, glossary: Glossary, term_mt: Mapping[str, str]) -> None:
        self.entries = {e.id: e for e in glossary.entries}
        self.term_mt = term_mt

    def __call__(self, doc: Document) -> Document:
        for seg in doc.segments:
            seg.changes = []
            if not seg.placeholders:
                seg.target = seg.mt
                continue
            if placeholders_kept(seg, seg.masked_mt):
                self._by_placeholder(seg, seg.masked_mt or "", "placeholder")
            elif all(self._locate(seg.mt, hit) for hit in seg.placeholders.values()):
                self._by_rendering(seg)  # the whole-sentence translation keeps more context
            elif placeholders_kept(seg, seg.split_mt):
                self._by_placeholder(seg, seg.split_mt or "", "placeholder-split")
            else:
                self._by_rendering(seg)  # places what it can; findings for the rest
        return doc

    def _by_placeholder(self, seg: Segment, text: str, method: str) -> None:
        spots = sorted((text.index(p), p) for p in seg.placeholders)
        out = ""
        pos = 0
        for at, token in spots:
            hit = seg.placeholders[token]
            before = text[pos:at]
            previous = seg.changes[-1] if seg.changes else None
            if (
                previous is not None
                and previous.target_span[1] == len(out)
                and before.strip() == "("
                and text.startswith(")", at + len(token))
                and hit.standard.lower() in previous.target_text.lower()
            ):
                # "État islamique (EI)" would read "Islamic State (Islamic State)": say it once
                seg.changes.append(self._change(seg, hit, previous.target_span, previous.target_text, "merged"))
                pos = at + len(token) + 1
                continue
            before, name = self._fit(out + before, hit)
            out = before
            start = len(out)
            out += name
            seg.changes.append(self._change(seg, hit, (start, len(out)), name, method))
            pos = at + len(token)
            verb = VERB_AFTER.match(text, pos)
            if verb and name.endswith("s") and not hit.text.lower().endswith(("s", "x")):
                out += verb.group("space") + PLURAL_VERB[verb.group("verb")]
                pos = verb.end()
        seg.target = out + text[pos:]

    def _fit(self, before: str, hit: TermHit) -> tuple[str, str]:
        """Adjust the text before a standard name and the name itself to read naturally."""
        entry = self.entries[hit.entry]
        name = hit.standard
        m = _word_before(before)
        word = m.group("word").lower() if m else ""
        if entry.article == "none" and word == "the" and m is not None:
            capital = m.group("word")[0].isupper()
            before = before[: m.start()] + (m.group("quote") or "")
            m = _word_before(before)
            word = m.group("word").lower() if m else ""
            if capital:
                name = name[0].upper() + name[1:]
        elif entry.article == "the" and word not in DETERMINERS and word not in APPOSITION:
            name = ("The " if SENTENCE_START.match(before) else "the ") + name
        if word in ("a", "an") and m is not None:
            article = "an" if VOWEL_SOUND.match(name) else "a"
            if m.group("word")[0].isupper():
                article = article.capitalize()
            before = before[: m.start()] + article + m.group("space") + (m.group("quote") or "")
        if SENTENCE_START.match(before):
            name = name[0].upper() + name[1:]
        return before, name

    def _by_rendering(self, seg: Segment) -> None:
        target = seg.mt
        for hit in sorted(seg.placeholders.values(), key=lambda h: h.start):
            found = self._locate(target, hit, skip_to=_end_of_last(seg))
            if found is None:
                seg.findings.append(
                    Finding(
                        check="unenforced",
                        message=f"could not place {hit.standard!r} for {hit.text!r}: the engine changed the "
                        "placeholder and no known rendering was found; review this sentence",
                        entry=hit.entry,
                        source_span=(hit.start, hit.end),
                    )
                )
                continue
            start, end = found
            before, name = self._fit(target[:start], hit)
            target = before + name + target[end:]
            seg.changes.append(self._change(seg, hit, (len(before), len(before) + len(name)), name, "rendering"))
        seg.target = target

    def _locate(self, text: str, hit: TermHit, skip_to: int = 0) -> tuple[int, int] | None:
        """Where the engine rendered ``hit`` in ``text``: its translation alone, then known renderings."""
        entry = self.entries[hit.entry]
        candidates = [self.term_mt.get(flat(hit.text), ""), *sorted(entry.renderings, key=len, reverse=True), hit.text]
        lowered = text.lower()
        for cand in candidates:
            cand = cand.strip(" .")
            if not cand:
                continue
            for m in re.finditer(r"(?<!\w)" + re.escape(cand.lower()) + r"(?!\w)", lowered):
                if m.start() >= skip_to:
                    return m.start(), m.end()
        return None

    def _change(self, seg: Segment, hit: TermHit, span: tuple[int, int], name: str, method: str) -> Change:
        located = self._locate(seg.mt, hit)
        return Change(
            entry=hit.entry,
            source_span=(hit.start, hit.end),
            source_text=hit.text,
            mt_text=seg.mt[located[0] : located[1]] if located else "",
            target_span=span,
            target_text=name,
            method=method,
        )


def _word_before(text: str) -> re.Match[str] | None:
    """``WORD_BEFORE.search(text)``, found from the end so a long sentence costs its last word, not its length."""
    end = _skip_space_back(text, len(text))
    if end and text[end - 1] in OPENING_QUOTES:
        end = _skip_space_back(text, end - 1)
    start = end
    while start > 0 and text[start - 1] in ASCII_LETTERS:
        start -= 1
    return WORD_BEFORE.match(text, start) if start < end else None


def _skip_space_back(text: str, end: int) -> int:
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


def _end_of_last(seg: Segment) -> int:
    return seg.changes[-1].target_span[1] if seg.changes else 0
