"""Exports of news APIs and datasets: JSON Lines (``.jsonl``, ``.ndjson``), JSON (``.json``) and CSV (``.csv``).

One document per record. Where each record keeps its text, title, id, date
and URL is ``Fields`` (``--text-field``, ``--title-field``, ``--id-field``,
``--date-field``, ``--url-field``; defaults ``text``/``content``/``body``,
``title``, ``id``, ``date``/``published``, ``url``). A text that is HTML (an
API's ``content``) is read as its paragraphs. A record that cannot be used
fails alone with its line number (CSV, JSON Lines) or its position (JSON).

JSON Lines and CSV files are streamed: each line (each CSV cell, through
``csv.field_size_limit``) is bounded by ``--max-size``, not the whole file,
so an export of any length reads in flat memory and a 100 MB cell fails its
record only. A JSON file is one document tree, so the whole file is bounded
by ``--max-size``: a list of records, or an object holding one (``{"articles":
[...]}``, as news APIs answer).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from typing import IO, Any

from pipeline.errors import DocumentError
from pipeline.model import Document
from pipeline.readers.base import Source, document, failed, html_text, looks_like_html, lookup, meta_value, one_line
from pipeline.readers.decoding import decode, guess_legacy_encoding, not_utf8
from pipeline.readers.sizes import size_text

CONTAINER = True
CHUNK = 1 << 20


class LineTooLong(Exception):
    """A physical line of the file over ``--max-size``: its record fails, reading resumes at the next line."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def read(source: Source) -> Iterator[Document]:
    suffix = source.path.name.lower()
    if suffix.endswith(".csv"):
        yield from _csv(source)
    elif suffix.endswith(".json"):
        yield from _json(source)
    else:
        yield from _jsonl(source)


def record_document(source: Source, record: Any, where: str, digest_of: bytes, warnings: list[str] | None = None) -> Document:
    """The document of one record (a JSON object or a CSV row), or a failed one saying what is wrong with it;
    ``warnings``: what reading its bytes found (lines that were not UTF-8)."""
    key = where.replace(" ", "-")
    if not isinstance(record, Mapping):
        return failed(
            source, key, where, f"is a JSON {type(record).__name__}, not an object with a {source.fields.text[0]!r} field"
        )
    fields = source.fields
    meta = {name: lookup(record, getattr(fields, name)) for name in ("title", "date", "author", "site", "url", "id")}
    meta["record"] = where
    key = meta_value(meta["id"]) or meta_value(meta["url"]) or meta_value(meta["title"]) or key
    text = lookup(record, fields.text)
    if not isinstance(text, str) or not text.strip():
        names = " or ".join(repr(n) for n in fields.text)
        found = ", ".join(repr(k) for k in list(record)[:8])
        return failed(
            source,
            key,
            where,
            f"has no text in {names} (its fields: {found or 'none'}); choose the field with --text-field",
            meta,
        )
    if looks_like_html(text):
        text = html_text(text)
    try:
        return document(source, text, meta=meta, digest_of=digest_of, key=key, warnings=warnings or ())
    except DocumentError as exc:
        return failed(source, key, where, str(exc), meta)


def _jsonl(source: Source) -> Iterator[Document]:
    decoder = LineDecoder(source.language)
    with source.open() as stream:
        for number, line in _lines(stream, source.max_size, decoder):
            where = f"line {number}"
            if isinstance(line, LineTooLong):
                yield failed(source, f"line-{number}", where, _too_long(source))
                continue
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                yield failed(source, f"line-{number}", where, f"not valid JSON ({one_line(exc)}); fix or remove the line")
                continue
            yield record_document(source, record, where, line.encode("utf-8", "surrogatepass"), decoder.take())


def _json(source: Source) -> Iterator[Document]:
    text, warnings = decode(source.read(), language=source.language)
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise DocumentError(f"is not valid JSON ({one_line(exc)}); for one record per line, name it .jsonl") from None
    records = _records_in(data)
    if records is None:
        raise DocumentError("holds no list of records (a JSON list of objects, or an object with one such list)")
    for number, record in enumerate(records, 1):
        digest_of = json.dumps(record, sort_keys=True, ensure_ascii=False).encode("utf-8", "surrogatepass")
        yield record_document(source, record, f"record {number}", digest_of, list(warnings))


def _records_in(data: Any) -> list[Any] | None:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        lists = [v for v in data.values() if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]
        if lists:
            return lists[0]
        return [data]  # one article as one object
    return None


def _csv(source: Source) -> Iterator[Document]:
    previous = csv.field_size_limit()
    csv.field_size_limit(source.max_size)
    try:
        with source.open() as stream:
            yield from _csv_rows(source, stream)
    finally:
        csv.field_size_limit(previous)


def _csv_rows(source: Source, stream: IO[bytes]) -> Iterator[Document]:
    decoder = LineDecoder(source.language)
    lines = _CsvLines(stream, source.max_size, decoder)
    reader = csv.reader(lines)
    header: list[str] | None = None
    while True:
        start = lines.number + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except LineTooLong:
            yield failed(source, f"line-{start}", f"line {start}", _cell_too_big(source))
            reader = csv.reader(lines)  # a new parser: the long line was skipped to its end
            continue
        except csv.Error as exc:
            yield failed(
                source,
                f"line-{start}",
                f"line {start}",
                _cell_too_big(source) if "field limit" in str(exc) else f"not valid CSV ({one_line(exc)})",
            )
            continue
        warnings = decoder.take()
        if header is None:
            header = [h.strip() for h in row]
            if not any(header):
                raise DocumentError("line 1: the first line must name the columns (text, title, id, date, url …)")
            continue
        if not any(cell.strip() for cell in row):
            continue
        record = dict(zip(header, row, strict=False))
        yield record_document(source, record, f"line {start}", "\x1f".join(row).encode("utf-8", "surrogatepass"), warnings)


def _cell_too_big(source: Source) -> str:
    return (
        f"a cell or line is over the limit of {size_text(source.max_size)} per document; "
        "split it, or raise the limit with --max-size"
    )


def _too_long(source: Source) -> str:
    return (
        f"the line is over the limit of {size_text(source.max_size)} per document; split it, or raise the limit with --max-size"
    )


class LineDecoder:
    """Lines of an export as text: UTF-8, else the legacy encoding of the source's language, each such line said.

    Exports are streamed, so a file is never decoded whole: the first line that
    is not UTF-8 decides the legacy encoding for the rest (as ``decode`` does for
    a whole file), and every record read from such a line gets a warning, never
    silent U+FFFD in place of its accents.
    """

    def __init__(self, language: str) -> None:
        self.language = language
        self.encoding: str | None = None
        self.warnings: list[str] = []

    def __call__(self, raw: bytes, number: int) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            if self.encoding is None:
                self.encoding = guess_legacy_encoding(raw, self.language)
            self.warnings.append(not_utf8(f"line {number}", self.encoding))
            return raw.decode(self.encoding, errors="replace")

    def take(self) -> list[str]:
        """The warnings since the last call: those of the record just read."""
        taken, self.warnings = self.warnings, []
        return taken


def _lines(stream: IO[bytes], limit: int, decode_line: LineDecoder) -> Iterator[tuple[int, str | LineTooLong]]:
    """Each line of ``stream``, decoded by ``decode_line`` (a BOM dropped), numbered from 1; a line over ``limit``
    bytes is skipped to its end without being kept, and given as ``LineTooLong``."""
    number = 0
    while True:
        raw = stream.readline(limit + 1)
        if not raw:
            return
        number += 1
        if len(raw) > limit and not raw.endswith(b"\n"):
            while True:  # skip the rest of the line, a chunk at a time
                rest = stream.readline(CHUNK)
                if not rest or rest.endswith(b"\n"):
                    break
            yield number, LineTooLong(number)
            continue
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        yield number, decode_line(raw, number)


class _CsvLines:
    """The lines ``csv.reader`` parses, counted; a line over the limit raises ``LineTooLong`` from the reader."""

    def __init__(self, stream: IO[bytes], limit: int, decode_line: LineDecoder) -> None:
        self.lines = _lines(stream, limit, decode_line)
        self.number = 0

    def __iter__(self) -> _CsvLines:
        return self

    def __next__(self) -> str:
        self.number, line = next(self.lines)
        if isinstance(line, LineTooLong):
            raise line
        return line
