"""Stage 6, check: QA findings on the normalised English. Never edits text.

- ``quoted-label``: a loaded label kept inside a quotation, with the speaker.
- ``loaded-rendering``: a loaded rendering (terrorists, Daesh, ...) left in the
  English outside quotations and outside the changes the enforce stage made.
- ``change-span``: a change whose target span does not hold its text (a bug).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.glossary.load import Glossary
from pipeline.model import Document, Finding
from pipeline.stages.match import quote_spans


class CheckStage:
    """Add ``Finding``s to every segment."""

    name = "check"

    def __init__(self, glossary: Glossary) -> None:
        self._renderings = leftover_renderings(glossary)
        words = sorted(self._renderings, key=len, reverse=True)
        self._pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)", re.IGNORECASE) if words else None

    def __call__(self, doc: Document) -> Document:
        for seg in doc.segments:
            for hit in seg.hits:
                if hit.loaded and hit.in_quote:
                    who = f"said by {hit.speaker}" if hit.speaker else "speaker not identified"
                    seg.findings.append(
                        Finding(
                            check="quoted-label",
                            message=f"loaded label {hit.text!r} kept inside a quotation ({who}); "
                            f"the standard name is {hit.standard!r}",
                            entry=hit.entry,
                            source_span=(hit.start, hit.end),
                        )
                    )
            for change in seg.changes:
                a, b = change.target_span
                if seg.target[a:b] != change.target_text:
                    seg.findings.append(Finding(check="change-span", message=f"internal error: change {change.entry} lost its place"))
            for m in self.leftovers(seg.target, [c.target_span for c in seg.changes]):
                seg.findings.append(
                    Finding(
                        check="loaded-rendering",
                        message=f"{m.group()!r} is left in the English outside a quotation; "
                        "add the source wording to the glossary or review it",
                        entry=self.entry_of(m),
                    )
                )
        return doc

    def leftovers(self, text: str, changed: Sequence[tuple[int, int]] = ()) -> list[re.Match[str]]:
        """Loaded renderings in English ``text`` outside quotations and outside the ``changed`` spans."""
        if self._pattern is None:
            return []
        skip = [*quote_spans(text, 0, len(text)), *changed]
        return [m for m in self._pattern.finditer(text) if not any(a <= m.start() and m.end() <= b for a, b in skip)]

    def entry_of(self, match: re.Match[str]) -> str:
        """The glossary entry a rendering found by ``leftovers`` belongs to."""
        return self._renderings[match.group().lower()]


def leftover_renderings(glossary: Glossary) -> dict[str, str]:
    """Renderings that must not survive (lower-cased -> entry id): a loaded entry's, or a group's other spellings."""
    out: dict[str, str] = {}
    for e in glossary.entries:
        if e.loaded or e.kind == "group":
            for r in e.renderings:
                if r.lower() != e.standard.lower():
                    out.setdefault(r.lower(), e.id)
    return out
