"""Plain text (``.txt``, and any file named on the command line that no other reader takes).

UTF-8 or a legacy encoding, an optional leading `` date YYYY-MM `` read as
metadata, paragraphs separated by blank lines: ``pipeline.readers.files``.
"""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.model import Document
from pipeline.readers.base import Source
from pipeline.readers.files import text_document

CONTAINER = False


def read(source: Source) -> Iterator[Document]:
    yield text_document(source.path, source.read(), language=source.language, name=source.name)
