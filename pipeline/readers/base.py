"""What every reader shares: the source it reads, record field names, and clean text and metadata.

Extracted text gets the hygiene a text file gets in ``pipeline.readers.decoding``
(control characters replaced, accents composed), so the later stages see the
same kind of text whatever the format; metadata values are one line each.
"""

from __future__ import annotations

import hashlib
import importlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import IO, Any

from pipeline.errors import DocumentError
from pipeline.model import Document
from pipeline.readers.decoding import CONTROL_CHARS, clean
from pipeline.readers.links import open_regular
from pipeline.readers.sizes import read_bytes

INSTALL = "pip install 'normalize[sources]'"
METADATA_KEYS = ("title", "date", "author", "site", "url", "id", "record")  # the order they are stored and shown in
MAX_META_CHARS = 500  # a metadata value is a line of the page header, not a second article
MAX_REASON_CHARS = 300
ISO_DATE = re.compile(r"\d{4}-\d{2}(?:-\d{2})?")


@dataclass(frozen=True)
class Fields:
    """Where a record of a JSON Lines, JSON or CSV export keeps each thing (``--text-field`` …): names tried in order.

    A name may reach into a nested object with dots (``source.name``, as news APIs nest the outlet).
    """

    text: tuple[str, ...] = ("text", "content", "body")
    title: tuple[str, ...] = ("title",)
    id: tuple[str, ...] = ("id",)
    date: tuple[str, ...] = ("date", "published")
    url: tuple[str, ...] = ("url",)
    site: tuple[str, ...] = ("site", "outlet", "source.name")
    author: tuple[str, ...] = ("author",)

    @classmethod
    def of(cls, **given: str | None) -> Fields:
        """From the command line's comma-separated ``--text-field body,content`` …; None keeps the default."""
        chosen = {key: tuple(n.strip() for n in value.split(",") if n.strip()) for key, value in given.items() if value}
        return cls(**chosen)


@dataclass(frozen=True)
class Source:
    """One input file, as a reader sees it."""

    path: Path
    name: str  # its output name (``pipeline.outputs.output_names``)
    language: str
    max_size: int
    fields: Fields = Fields()

    def read(self) -> bytes:
        """The whole file, at most ``max_size`` bytes (larger: ``DocumentError``)."""
        return read_bytes(self.path, self.max_size)

    def open(self) -> IO[bytes]:
        """The file opened for streaming (regular files only); the reader bounds each record by ``max_size``."""
        return open_regular(self.path)


def need(module: str, package: str, what: str) -> ModuleType:
    """Import ``module`` for a reader, or fail this file with the command that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise DocumentError(f"reading {what} needs {package}, which is not installed: {INSTALL}") from None


def one_line(exc: BaseException) -> str:
    """An exception as a short reason on one line (library messages may hold newlines and whole documents)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= MAX_REASON_CHARS else text[: MAX_REASON_CHARS - 1] + "…"


def meta_value(value: object) -> str:
    """A metadata value as one clean line (numbers and dates as text; lists joined), at most ``MAX_META_CHARS``."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = ", ".join(meta_value(v) for v in value if meta_value(v))
    text = " ".join(CONTROL_CHARS.sub(" ", unicodedata.normalize("NFC", str(value))).split())
    return text if len(text) <= MAX_META_CHARS else text[: MAX_META_CHARS - 1] + "…"


def metadata(values: Mapping[str, object]) -> dict[str, str]:
    """The non-empty values among ``values``, cleaned, in ``METADATA_KEYS`` order; a date in ISO form is kept as its date."""
    out: dict[str, str] = {}
    for key in METADATA_KEYS:
        value = meta_value(values.get(key))
        if key == "date":
            found = ISO_DATE.match(value)
            value = found.group() if found else value
        if value:
            out[key] = value
    return out


def document(
    source: Source,
    text: str,
    *,
    meta: Mapping[str, object],
    digest_of: bytes,
    key: str = "",
    warnings: Iterable[str] = (),
) -> Document:
    """A document of ``source`` with ``text`` (cleaned), its metadata, and the sha256 of the bytes it came from.

    ``key`` names an item of a container (its id or URL); ``DocumentError`` when there is no text at all.
    """
    text, notes = clean(text)
    if not text.strip():
        raise DocumentError("has no text to translate (its text is empty); remove it or add text")
    return Document(
        path=source.path,
        name=key or source.name,
        text=text,
        language=source.language,
        sha256=hashlib.sha256(digest_of).hexdigest(),
        metadata=metadata(meta),
        warnings=[*warnings, *notes],
    )


def failed(source: Source, key: str, where: str, reason: str, meta: Mapping[str, object] | None = None) -> Document:
    """An item of a container that cannot be used: it fails alone, saying where it is (``line 7``, ``record 3``)."""
    return Document(
        path=source.path,
        name=key,
        text="",
        language=source.language,
        sha256="",
        metadata=metadata({**(meta or {}), "record": where}),
        error=f"{where}: {reason}",
    )


HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML's white space: a no-break space is a character of the text


def paragraphs(lines: Iterable[str]) -> str:
    """Lines of text as paragraphs separated by blank lines, each with its runs of HTML white space made one space."""
    return "\n\n".join(p for p in (HTML_SPACE.sub(" ", line).strip(" ") for line in lines) if p)


def html_text(fragment: str) -> str:
    """The text of an HTML fragment (a feed item's content, an export's body) as paragraphs; scripts and styles dropped."""
    parser = _Blocks()
    parser.feed(fragment)
    parser.close()
    parser.flush()
    return "\n\n".join(parser.parts)


LOOKS_LIKE_HTML = re.compile(r"<(?:p|br|div|span|a|h[1-6]|li|ul|em|strong|b|i|figure|img|blockquote)\b[^>]*>", re.IGNORECASE)


def looks_like_html(text: str) -> bool:
    return LOOKS_LIKE_HTML.search(text) is not None


class _Blocks(HTMLParser):
    """Text of block elements as paragraphs: what a reader of the fragment sees, markup and scripts left out."""

    BLOCKS = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article",
                        "header", "footer", "ul", "ol", "table", "pre", "figcaption", "dd", "dt", "hr", "aside",
                        "main"})  # fmt: skip
    SKIP = frozenset({"script", "style", "noscript", "template", "head", "iframe", "svg", "object", "math"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.current: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCKS:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.flush()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.current.append(data)

    def flush(self) -> None:
        text = HTML_SPACE.sub(" ", "".join(self.current)).strip(" ")
        if text:
            self.parts.append(text)
        self.current = []


def lookup(record: Mapping[str, Any], names: Iterable[str]) -> Any:
    """The first of ``names`` (dotted for nested objects) that ``record`` has a non-empty value for."""
    for name in names:
        value: Any = record
        for part in name.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
        if value not in (None, "", [], {}):
            return value
    return None
