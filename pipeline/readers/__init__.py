"""Input formats: one reader module per format, chosen by the file's suffix (``.xml`` by its content).

Each reader turns one source file into ``Document``s of the one data model,
with the text a reader sees (paragraphs separated by blank lines, so every
offset slices ``Document.text``) and what is known of the article in
``Document.metadata``: ``title``, ``date``, ``author``, ``site`` (the outlet),
``url``, and for an item of a larger source its ``id`` and ``record`` (where
in the file it is). A reader module has:

- ``CONTAINER``: whether one file holds many documents (a feed, a web archive,
  a dataset export); their items are named after their id or URL;
- ``read(source) -> Iterator[Document]``: raises ``DocumentError`` when the
  file as a whole cannot be used; an item that cannot be used is yielded
  failed (``Document.error``, saying which line or record), so it fails alone.

The checks every input gets whatever its format (links, system files, FIFOs:
``pipeline.readers.links``; ``--max-size``: ``pipeline.readers.sizes``) come
before any reader; readers read through ``sizes.read_bytes`` and
``links.open_regular``. Readers whose library is not in the
base install (``pip install 'normalize[sources]'``) import it when a file
needs it; without it that file fails alone, with the command to run.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import ModuleType

from pipeline.readers.base import Fields, Source

# suffix (lower case) -> reader module in this package. A file given by itself with another suffix is read as text.
READERS: dict[str, str] = {
    ".txt": "txt",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".warc": "warc",
    ".warc.gz": "warc",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",  # only when it is a feed (``is_feed``); other XML in a folder is not an input
    ".jsonl": "records",
    ".ndjson": "records",
    ".json": "records",
    ".csv": "records",
    ".docx": "office",
    ".odt": "office",
}
SNIFFED = (".xml",)
SNIFF_BYTES = 4096


def suffix_of(path: Path) -> str | None:
    """The longest suffix of ``path`` that a reader takes (``.warc.gz`` before ``.gz``), case-insensitively."""
    name = path.name.lower()
    found = [s for s in READERS if name.endswith(s) and len(name) > len(s)]
    return max(found, key=len) if found else None


def reader_for(path: Path) -> ModuleType:
    """The reader module of ``path``; text for a suffix no reader takes (a file named on the command line)."""
    return importlib.import_module(f"pipeline.readers.{READERS.get(suffix_of(path) or '', 'txt')}")


def wanted(path: Path, *, inside: bool = True) -> bool:
    """Whether a file found in an input folder is an input: a reader takes its suffix, and an ``.xml`` file is a feed.

    An ``.xml`` file is opened to look at its start only when it is a regular
    file inside the folder (``inside``); a link out of the folder or a FIFO
    named ``.xml`` is an input, so the run reports it with its reason.
    """
    suffix = suffix_of(path)
    if suffix is None:
        return False
    if suffix not in SNIFFED or not inside:
        return True
    from pipeline.errors import DocumentError
    from pipeline.readers.links import open_regular

    try:
        if not os.path.isfile(path):
            return True
        with open_regular(path) as stream:
            return is_feed(stream.read(SNIFF_BYTES))
    except (OSError, DocumentError):
        return True  # it fails with its reason when read


def is_feed(head: bytes) -> bool:
    """Whether the first bytes of an XML file are those of an RSS, RDF or Atom feed."""
    text = (
        head.decode("utf-8", "ignore").lower()
        if not head.startswith((b"\xff\xfe", b"\xfe\xff"))
        else head.decode("utf-16", "ignore").lower()
    )
    return any(tag in text for tag in ("<rss", "<feed", "<rdf:rdf", "<channel"))


__all__ = ["READERS", "Fields", "Source", "is_feed", "reader_for", "suffix_of", "wanted"]
