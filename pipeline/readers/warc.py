"""Web archives (``.warc``, ``.warc.gz``): every HTML response record is a document, named by its URL.

warcio (Apache-2.0) streams the archive record by record, so an archive of
any size reads in flat memory: only one record's page is held at a time, and
each page is bounded by ``--max-size`` (a record is never read past it).
Requests, metadata, revisits, redirects, errors and responses that are not
HTML are passed over. Each page goes through the web-page reader's
extraction; its URL is the record's ``WARC-Target-URI`` and, when the page
states no date, the date is the capture's. A record whose page cannot be
used fails alone; a damaged archive ends with one failed document saying
from which record on it could not be read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipeline.errors import DocumentError
from pipeline.model import Document
from pipeline.readers.base import Source, document, failed, need, one_line
from pipeline.readers.html import extract
from pipeline.readers.sizes import size_text

CONTAINER = True
HTML_TYPES = ("text/html", "application/xhtml+xml")
ARCHIVE_STARTS = (b"WARC/", b"\x1f\x8b", b"filedesc://")  # an uncompressed WARC, a gzipped one, an old ARC


def read(source: Source) -> Iterator[Document]:
    warcio = need("warcio.archiveiterator", "warcio", "web archives")
    with source.open() as stream:
        head = stream.peek(16)[:16]  # type: ignore[attr-defined]  # a buffered reader: nothing is consumed
        if not head.startswith(ARCHIVE_STARTS):
            raise DocumentError(f"is not a readable web archive (WARC): it starts with {head[:8]!r}, not 'WARC/' or gzip data")
        records = iter(warcio.ArchiveIterator(stream))
        number, pages = 0, 0
        while True:
            try:
                record = next(records)
            except StopIteration:
                break
            except Exception as exc:  # warcio's ArchiveLoadFailed, a cut-off gzip member, a bad header
                if number == 0:
                    raise DocumentError(f"is not a readable web archive (WARC): {one_line(exc)}") from None
                yield failed(source, f"record-{number + 1}", f"record {number + 1}",
                             f"the archive is damaged from here on ({one_line(exc)}); the records before it were read")
                return
            number += 1
            page = _page(source, record, number)
            if page is not None:
                pages += 1
                yield page
    if pages == 0:
        raise DocumentError(f"holds no HTML page among its {number} records; only HTML responses are read")


def _page(source: Source, record: Any, number: int) -> Document | None:
    """The document of one record, None for a record that is not an HTML page (a request, an image, a redirect …)."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    status = record.http_headers.get_statuscode() or ""
    kind = (record.http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    if not status.startswith("2") or kind not in HTML_TYPES:
        return None
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    where = f"record {number}"
    meta: dict[str, object] = {"url": url, "record": where}
    key = url or f"record-{number}"
    try:
        raw = record.content_stream().read(source.max_size + 1)
        if len(raw) > source.max_size:
            raise DocumentError(
                f"its page is over the limit of {size_text(source.max_size)} per document; raise it with --max-size"
            )
        text, found = extract(raw, url=url or None)
        meta = {**found, "url": url or found.get("url"), "date": found.get("date") or record.rec_headers.get_header("WARC-Date"),
                "record": where}
        return document(source, text, meta=meta, digest_of=raw, key=key)
    except DocumentError as exc:
        return failed(source, key, where, str(exc), meta)
    except Exception as exc:  # a page a library chokes on (a bad content encoding …) fails alone
        return failed(source, key, where, f"cannot read its page ({type(exc).__name__}: {one_line(exc)})", meta)
