"""Word (``.docx``) and OpenDocument (``.odt``) files: their paragraphs in order, and the title, author and date they record.

Both are zip archives, so before anything is unpacked the sizes their
entries declare are added up and bounded by ``--max-size`` (Python's zip
reader never unpacks an entry past its declared size), and so is the number
of entries: a zip bomb fails alone. ``.docx`` is read with python-docx
(MIT), which parses with entity resolution off; ``.odt`` needs no library:
its ``content.xml`` and ``meta.xml`` are read with defusedxml, which refuses
entity declarations. Headings, paragraphs, list items and the paragraphs of
table cells (row by row, a merged cell once) become paragraphs of the text
(blank-line separated), in document order; empty ones are dropped, and so are notes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from pipeline.errors import DocumentError
from pipeline.model import Document
from pipeline.readers.base import Source, document, need, one_line, paragraphs
from pipeline.readers.sizes import size_text

CONTAINER = False
MAX_ENTRIES = 10_000
MAX_SPACES = 100  # a <text:s text:c="999999999"/> is some spaces, not a gigabyte of them
TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
DC_NS = "http://purl.org/dc/elements/1.1/"
META_NS = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
T = "{" + TEXT_NS + "}"


def read(source: Source) -> Iterator[Document]:
    raw = source.read()
    archive = _archive(raw, source)
    if source.path.name.lower().endswith(".odt"):
        text, meta = _odt(archive)
    else:
        text, meta = _docx(raw)
    yield document(source, text, meta=meta, digest_of=raw)


def _archive(raw: bytes, source: Source) -> zipfile.ZipFile:
    kind = "an OpenDocument text" if source.path.name.lower().endswith(".odt") else "a Word document"
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise DocumentError(
            f"is not {kind} (not a zip archive: {one_line(exc)}); save it again from the word processor"
        ) from None
    if len(entries) > MAX_ENTRIES:
        raise DocumentError(f"holds {len(entries):,} files, more than {kind} has; it is not unpacked")
    unpacked = sum(e.file_size for e in entries)
    if unpacked > source.max_size:
        raise DocumentError(
            f"unpacks to {size_text(unpacked)}, over the limit of {size_text(source.max_size)} per document "
            "(a zip bomb, or a very large document); it is not unpacked: raise the limit with --max-size if it is genuine"
        )
    return archive


def _docx(raw: bytes) -> tuple[str, dict[str, object]]:
    docx = need("docx", "python-docx", "Word files")
    try:
        word = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors … for a damaged file
        raise DocumentError(
            f"cannot read this Word document ({type(exc).__name__}: {one_line(exc)}); save it again as .docx"
        ) from None
    props = word.core_properties
    date = props.created or props.modified
    meta: dict[str, object] = {"title": props.title, "author": props.author, "date": date.date().isoformat() if date else None}
    return paragraphs(_docx_lines(word)), meta


def _docx_lines(container: Any) -> Iterator[str]:
    """The text of each paragraph of ``container`` (the document, a table cell), tables included, in order."""
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                seen: set[int] = set()
                for cell in row.cells:  # a cell merged across columns comes once per column it spans
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        yield from _docx_lines(cell)
        else:
            yield block.text


def _odt(archive: zipfile.ZipFile) -> tuple[str, dict[str, object]]:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        content = fromstring(archive.read("content.xml"))
        meta_xml = fromstring(archive.read("meta.xml")) if "meta.xml" in archive.namelist() else None
    except KeyError:
        raise DocumentError("is not an OpenDocument text (it has no content.xml); save it again as .odt") from None
    except DefusedXmlException as exc:
        raise DocumentError(f"declares XML entities or a DTD ({type(exc).__name__}); it is not read") from None
    except (ParseError, zipfile.BadZipFile, ValueError, OSError) as exc:
        raise DocumentError(f"cannot read this OpenDocument text ({one_line(exc)}); save it again as .odt") from None
    body = content.find(f"{{{OFFICE_NS}}}body")
    lines: list[str] = []
    _odt_paragraphs(body if body is not None else content, lines)
    meta: dict[str, object] = {}
    if meta_xml is not None:
        meta = {
            "title": meta_xml.findtext(f".//{{{DC_NS}}}title"),
            "author": meta_xml.findtext(f".//{{{DC_NS}}}creator") or meta_xml.findtext(f".//{{{META_NS}}}initial-creator"),
            "date": meta_xml.findtext(f".//{{{META_NS}}}creation-date") or meta_xml.findtext(f".//{{{DC_NS}}}date"),
        }
    return paragraphs(lines), meta


def _odt_paragraphs(element: Any, lines: list[str]) -> None:
    """Each ``text:p`` and ``text:h`` under ``element``, in document order, as one line."""
    for child in element:
        if child.tag in (T + "p", T + "h"):
            lines.append(_odt_text(child))
        elif child.tag != T + "note":
            _odt_paragraphs(child, lines)


def _odt_text(element: Any) -> str:
    out = [element.text or ""]
    for child in element:
        if child.tag == T + "s":
            count = child.get(T + "c", "1")
            out.append(" " * min(int(count) if count.isdigit() else 1, MAX_SPACES))
        elif child.tag == T + "tab":
            out.append("\t")
        elif child.tag == T + "line-break":
            out.append(" ")
        elif child.tag != T + "note":
            out.append(_odt_text(child))
        out.append(child.tail or "")
    return "".join(out)
