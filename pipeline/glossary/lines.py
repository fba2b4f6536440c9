"""Line numbers in a glossary file as its author's editor (and ``grep -n``) counts them: breaks at LF, CRLF and CR only.

YAML 1.2, and ruamel.yaml that edits the files, break lines there alone. libyaml (the loader, YAML 1.1) also
breaks at NEL (U+0085), LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029), and ``str.splitlines`` at those
and at ``\\v``, ``\\f``, ``\\x1c``-``\\x1e`` too; a note with an LS pasted from a web page would then move every later
"file:line" (errors, the review page's provenance) one line down, and the review's write-back would cut the file
into other lines than ruamel.yaml numbers. So every line number of a glossary is computed here, from the
character offset libyaml's marks carry, and every cut of a glossary into lines is ``split_lines``.
"""

from __future__ import annotations

import bisect
import re
from typing import Protocol

BREAK = re.compile(r"\r\n|\r|\n")


class Mark(Protocol):
    """A libyaml / PyYAML position: ``index`` is the offset in characters into the text it parsed."""

    @property
    def index(self) -> int: ...


def split_lines(text: str) -> list[str]:
    """``text`` cut into lines at LF, CRLF and CR only, each with its ending (``str.splitlines(keepends=True)`` as YAML
    1.2 reads lines): "".join of the result is ``text``."""
    lines: list[str] = []
    start = 0
    for found in BREAK.finditer(text):
        lines.append(text[start : found.end()])
        start = found.end()
    if start < len(text):
        lines.append(text[start:])
    return lines


class LineIndex:
    """Offsets -> (line, column), both 0-based, with the lines of ``split_lines``."""

    def __init__(self, text: str) -> None:
        self.starts = [0, *(found.end() for found in BREAK.finditer(text))]

    def line(self, index: int) -> int:
        return bisect.bisect_right(self.starts, index) - 1

    def column(self, index: int) -> int:
        return index - self.starts[self.line(index)]

    def of(self, mark: Mark) -> int:
        """The 0-based line of a libyaml mark (whose own ``line`` counts NEL, LS and PS as breaks)."""
        return self.line(int(mark.index))

    def where(self, mark: Mark) -> str:
        """``LINE:COLUMN``, 1-based, of a libyaml mark, as an editor shows them."""
        return f"{self.of(mark) + 1}:{self.column(int(mark.index)) + 1}"
