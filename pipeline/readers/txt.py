"""Plain text (``.txt``, and any file named on the command line that no other reader takes).

The seed format: UTF-8 (or a legacy encoding, ``pipeline.readers.decoding``),
an optional leading `` date YYYY-MM `` token run read as metadata, then
paragraphs separated by blank lines. Empty or blank files are refused with a
one-line reason.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import DocumentError
from pipeline.model import Document
from pipeline.readers.base import Source
from pipeline.readers.decoding import decode

METADATA = re.compile(r"\A\s*date\s+(?P<date>\d{4}-\d{2}(?:-\d{2})?)\s+")

CONTAINER = False


def read(source: Source) -> Iterator[Document]:
    yield text_document(source.path, source.read(), language=source.language, name=source.name)


def text_document(path: Path, raw: bytes, *, language: str, name: str | None = None) -> Document:
    """The document of a text file's bytes ``raw``: decoded, its leading `` date `` line read as metadata."""
    text, warnings = decode(raw, language=language)
    body = METADATA.match(text)
    body_start = body.end() if body else 0
    if not text[body_start:].strip():
        what = "empty" if not raw else "only a date line" if body else "only white space"
        raise DocumentError(f"the file is {what}, with no text to translate; remove it or add text")
    doc = Document(
        path=path,
        name=name or path.stem,
        text=text,
        language=language,
        sha256=hashlib.sha256(raw).hexdigest(),
        warnings=warnings,
        body_start=body_start,
    )
    if body:
        doc.metadata["date"] = body.group("date")
    return doc
