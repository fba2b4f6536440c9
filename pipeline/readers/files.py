"""Stage 1, read: files on disk -> ``Document``s.

This module finds the inputs (the folder walk, ``collect_inputs``) and reads
each one: the checks every input gets whatever its format come first (links
and special files, ``pipeline.readers.links``; ``--max-size``,
``pipeline.readers.sizes``), then the reader of its format
(``pipeline.readers``, one module per format, chosen by suffix: web pages, web
archives, feeds, dataset exports, office files, text).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import overload

from pipeline.errors import DocumentError
from pipeline.model import Document
from pipeline.readers import Fields, Source, reader_for, wanted
from pipeline.readers.links import check_link
from pipeline.readers.sizes import DEFAULT_MAX_SIZE, read_bytes
from pipeline.readers.txt import text_document

SUFFIX = ".txt"  # the plain-text format; every format read is listed in pipeline.readers.READERS
OUTPUT_MANIFEST = ".normalize-manifest.json"  # pipeline.outputs.MANIFEST_NAME: what a run wrote in a folder
MANIFEST_BYTES = 256 << 20


def collect_inputs(paths: Iterable[Path], *, out: Path | None = None) -> list[Path]:
    """Expand folders into the files a reader takes (``*.txt``, ``*.html``, ``*.warc.gz`` … and ``*.xml`` that
    are feeds; ``pipeline.readers``), recursively and sorted; keep files as given.

    Links to folders are searched only while they stay inside the folder given
    (a link loop ends the descent); a link to a folder outside it is returned
    as an input of its own, so the run reports it as a failed document instead
    of walking the file system. A folder that cannot be listed is returned the
    same way. A path named twice is kept once.

    A run's own files are never articles: in the output folder ``out`` (when an
    input folder holds it, or is it) only ``*.txt`` files are inputs, and in any
    folder the files listed in a run's manifest there (``.normalize-manifest.json``:
    pages and JSON of earlier runs) are left out.
    """
    found: list[Path] = []
    for path in paths:
        found.extend(sorted(_walk(path, out)) if path.is_dir() else [path])
    seen: set[str] = set()
    unique: list[Path] = []
    for path in found:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


class PathList(Sequence[Path]):
    """A run's inputs held as strings, a ``Path`` made for the one asked for.

    A run keeps its list of inputs to the end; as ``Path`` objects (each with its parts and cached strings)
    12,000 inputs were ~4.8 MB of the run's peak memory, as strings ~1 MB.
    """

    __slots__ = ("_paths",)

    def __init__(self, paths: Iterable[Path | str]) -> None:
        self._paths = [os.fspath(p) for p in paths]

    def __len__(self) -> int:
        return len(self._paths)

    def __iter__(self) -> Iterator[Path]:
        return map(Path, self._paths)

    @overload
    def __getitem__(self, index: int) -> Path: ...

    @overload
    def __getitem__(self, index: slice) -> PathList: ...

    def __getitem__(self, index: int | slice) -> Path | PathList:
        if isinstance(index, slice):
            return PathList(self._paths[index])
        return Path(self._paths[index])


def input_root(path: Path, inputs: Iterable[Path]) -> Path | None:
    """The folder given on the command line that ``path`` was found in (None for a file given by itself)."""
    return next((root for root in inputs if root != path and path.is_relative_to(root)), None)


def _walk(folder: Path, out: Path | None = None) -> Iterator[Path]:
    """Input files under ``folder``, plus folders that could not be listed or that lead out of it."""
    visited: set[tuple[int, int]] = set()
    real_root = os.path.realpath(folder)
    real_out = os.path.realpath(out) if out is not None else None
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            info = current.stat()
            if (info.st_dev, info.st_ino) in visited:
                continue  # a symbolic link back to a folder already searched
            visited.add((info.st_dev, info.st_ino))
            entries = list(os.scandir(current))
        except OSError:
            yield current  # read_document explains why it cannot be read
            continue
        outputs = _outputs_listed(current, entries)
        in_out = real_out is not None and os.path.realpath(current) == real_out
        for entry in entries:
            if not _is_dir(entry):
                if entry.name in outputs or (in_out and not entry.name.endswith(SUFFIX)):
                    continue  # pages, JSON and exports this program wrote
                if wanted(Path(entry.path), inside=Path(os.path.realpath(entry.path)).is_relative_to(real_root)):
                    yield Path(entry.path)  # broken links included: they fail with their reason
            elif entry.is_symlink() and not Path(os.path.realpath(entry.path)).is_relative_to(real_root):
                yield Path(entry.path)  # a way out of the tree: reported, never walked
            else:
                stack.append(Path(entry.path))


def _outputs_listed(folder: Path, entries: Iterable[os.DirEntry[str]]) -> set[str]:
    """The names a run's manifest in ``folder`` lists (its pages and JSON), so they are not read back as articles."""
    if not any(e.name == OUTPUT_MANIFEST for e in entries):
        return set()
    try:
        data = json.loads(read_bytes(folder / OUTPUT_MANIFEST, MANIFEST_BYTES))
        return {str(name) for name in data["files"]} | {OUTPUT_MANIFEST}
    except (DocumentError, ValueError, KeyError, TypeError):
        return set()


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a link loop: not a folder we can enter
        return False


def read_document(
    path: Path,
    *,
    language: str,
    name: str | None = None,
    max_size: int = DEFAULT_MAX_SIZE,
    root: Path | None = None,
    follow_links: bool = False,
) -> Document:
    """Read one text file found in ``root`` (see ``check_link``); raise ``DocumentError`` with the reason when it
    cannot be used."""
    check_link(path, root, follow_links=follow_links)
    if path.is_dir():
        raise DocumentError("cannot list this folder; check its permissions")
    return text_document(path, read_bytes(path, max_size), language=language, name=name)


def read_documents(
    path: Path,
    *,
    language: str,
    name: str | None = None,
    max_size: int = DEFAULT_MAX_SIZE,
    root: Path | None = None,
    follow_links: bool = False,
    fields: Fields | None = None,
    item_name: Callable[[str], str] | None = None,
) -> Iterator[Document]:
    """Every document of one input, whatever its format (``pipeline.readers``), read lazily.

    The checks of ``read_document`` come first, for every format; a file that
    cannot be used raises ``DocumentError`` before anything is yielded. A
    source that holds several documents (a feed, a web archive, a JSON Lines
    or CSV export) yields one per item, each named ``item_name(key)`` (its id
    or URL); an item that cannot be used is yielded failed, with its line or
    record number, and the others still come. ``fields``: a
    ``pipeline.readers.Fields`` (record field names), None for the defaults.
    """
    check_link(path, root, follow_links=follow_links)
    if path.is_dir():
        raise DocumentError("cannot list this folder; check its permissions")
    stem = name or path.stem
    reader = reader_for(path)
    source = Source(path=path, name=stem, language=language, max_size=max_size, fields=fields or Fields())
    for doc in reader.read(source):
        if reader.CONTAINER:
            doc.name = item_name(doc.name) if item_name is not None else f"{stem}--{doc.name}"
        else:
            doc.name = stem
        yield doc


# The size limit lives in ``sizes``; run.py and cli/main.py import it from here, with the walk.
__all__ = ["collect_inputs", "input_root", "read_document", "read_documents"]
