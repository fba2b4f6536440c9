"""Stage 1, read: files on disk -> ``Document``s.

The seed format is UTF-8 text, an optional leading `` date YYYY-MM `` token run,
then paragraphs separated by blank lines. The text is kept byte-for-byte (after
decoding) so every offset later on slices the original: French typography such
as non-breaking spaces, « » and ’ survives untouched.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from pipeline.errors import DocumentError
from pipeline.model import Document

METADATA = re.compile(r"\A\s*date\s+(?P<date>\d{4}-\d{2}(?:-\d{2})?)\s+")


def collect_inputs(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into their ``*.txt`` files (recursively, sorted); keep files as given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.txt") if p.is_file()))
        else:
            found.append(path)
    return found


def read_document(path: Path, *, language: str, name: str | None = None) -> Document:
    """Read one file; raise ``DocumentError`` with the reason when it cannot be used."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"cannot read {path}: {exc.strerror or exc}; check the path and its permissions") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"{path} is not UTF-8 (byte {exc.start}); convert it, e.g. `iconv -f WINDOWS-1252 -t UTF-8`"
        ) from exc
    if not text.strip():
        raise DocumentError(f"{path} is empty; remove it or add text")
    doc = Document(
        path=path,
        name=name or path.stem,
        text=text,
        language=language,
        sha256=hashlib.sha256(raw).hexdigest(),
    )
    meta = METADATA.match(text)
    if meta:
        doc.metadata["date"] = meta.group("date")
        doc.body_start = meta.end()
    return doc
