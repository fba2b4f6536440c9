"""A run's inputs as documents: each source's documents read lazily, each very large one split into parts."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import NormalizeError
from pipeline.model import Document
from pipeline.outputs.names import ItemNames, part_name
from pipeline.readers.files import input_root, read_documents

if TYPE_CHECKING:
    from pipeline.run import RunOptions

PART_CHARS = 200_000  # a document longer than this is split into parts at paragraph boundaries, with a warning


def read_parts(path: Path, name: str, options: RunOptions, taken: Collection[str] = ()) -> list[Document]:
    """Every document of one input (``iter_parts``), as a list."""
    return list(iter_parts(path, name, options, taken))


def iter_parts(path: Path, name: str, options: RunOptions, taken: Collection[str] = ()) -> Iterator[Document]:
    """Read one input lazily: its documents (many for a feed, a web archive or an export), each very large one
    split into parts; a file or an item that cannot be used is a failed document, and the others still come.

    ``taken``: the run's output names, case-folded, so an item of a source (``feed--title``) never takes the
    name of another input's pages.
    """
    names = ItemNames(name, path, taken)
    reading = read_documents(path, language=options.source, name=name, max_size=options.max_size,
                             root=input_root(path, options.inputs), follow_links=options.follow_links,
                             fields=options.fields, item_name=names)
    count = 0
    while True:
        try:
            doc = next(reading)
        except StopIteration:
            return
        except NormalizeError as exc:
            yield _failed(path, name if not count else names("failed"), options, str(exc))
            return
        except Exception as exc:  # a reader's library bug loses this file's remaining documents, not the run
            reason = f"cannot read ({type(exc).__name__}: {' '.join(str(exc).split())[:300]}); please report this file"
            yield _failed(path, name if not count else names("failed"), options, reason)
            return
        count += 1
        yield from [doc] if doc.failed else split_large(doc, options.part_chars)


def _failed(path: Path, name: str, options: RunOptions, error: str) -> Document:
    return Document(path=path, name=name, text="", language=options.source, sha256="", error=error)


def split_large(doc: Document, limit: int) -> list[Document]:
    """``doc``, or its parts of at most ``limit`` characters cut at paragraph (else line, else word) boundaries.

    Memory per document grows with its length (segments, translations, the
    page), so bounding the part bounds it. Each part is a document of its own
    (``NAME.part001`` …) whose offsets point into that part, as its warning says.
    """
    if len(doc.text) <= limit:
        return [doc]
    cuts = [0]
    while len(doc.text) - cuts[-1] > limit:
        cuts.append(_cut(doc.text, cuts[-1], limit))
    cuts.append(len(doc.text))
    count = len(cuts) - 1
    parts = []
    for i, (start, end) in enumerate(zip(cuts, cuts[1:], strict=False)):
        text = doc.text[start:end]
        if not text.strip():
            continue
        note = (
            f"the file has {len(doc.text):,} characters, more than {limit:,}: split into {count} parts at paragraph "
            f"boundaries; this is part {i + 1} (characters {start:,}-{end:,} of the file, offsets count from its start)"
        )
        parts.append(
            Document(
                path=doc.path,
                name=part_name(doc.name, i + 1),
                text=text,
                language=doc.language,
                sha256=doc.sha256,
                metadata=dict(doc.metadata),
                body_start=doc.body_start if i == 0 else 0,
                warnings=[*doc.warnings, note],
            )
        )
    return parts


def _cut(text: str, start: int, limit: int) -> int:
    end = start + limit
    for sep in ("\n\n", "\n", " "):
        at = text.rfind(sep, start + limit // 2, end)
        if at > start:
            return at + len(sep)
    return end
