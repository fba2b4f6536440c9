"""RSS and Atom feeds (``.rss``, ``.atom``, and ``.xml`` files that are feeds): one document per item.

feedparser (BSD-2-Clause) reads RSS 0.9x-2.0, RDF and Atom, leniently. Each
item gives its link, date, title and author; its text is the full content
when the feed carries it, else the summary, with a warning (a summary is
not the article). The feed's title is the outlet (``site``).

Entity tricks fail the feed alone before feedparser sees it: a feed that
declares entities (the "billion laughs" expansion, an external entity that
reads ``/etc/passwd`` or an address) or an external DTD is refused by
defusedxml's parser. feedparser itself parses with external entities off
and libexpat bounds entity expansion, but it then falls back to a lenient
parser that keeps the trick's text; refusing is the one clear answer.
"""

from __future__ import annotations

import io
import json
import time
import warnings
from collections.abc import Iterator
from typing import Any

from pipeline.errors import DocumentError
from pipeline.model import Document
from pipeline.readers import is_feed
from pipeline.readers.base import Source, document, failed, html_text, meta_value, need, one_line

CONTAINER = True
SUMMARY_ONLY = "the feed gives only a summary of this item, not its full text; save the article's page for all of it"


def read(source: Source) -> Iterator[Document]:
    raw = source.read()
    refuse_entities(raw)
    if source.path.name.lower().endswith(".xml") and not is_feed(raw[:4096]):
        raise DocumentError("is XML but not an RSS or Atom feed; only feeds are read from .xml files")
    feedparser = need("feedparser", "feedparser", "RSS and Atom feeds")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # feedparser's notes on its own field mappings are not the reader's business
        parsed = feedparser.parse(io.BytesIO(raw), resolve_relative_uris=False, sanitize_html=True)
        site = meta_value(parsed.get("feed", {}).get("title"))
        items = [_fields(entry) for entry in parsed.get("entries") or []]
    if not items:
        problem = parsed.get("bozo_exception")
        raise DocumentError(
            f"holds no feed items{f' ({one_line(problem)})' if problem else ''}; check that it is an RSS or Atom feed"
        )
    for number, entry in enumerate(items, 1):
        yield _item(source, entry, number, site)


def _fields(entry: Any) -> dict[str, Any]:
    """What a document needs of a feedparser entry, as a plain dict (read once, with feedparser's warnings off)."""
    out = {key: entry.get(key) for key in ("link", "id", "title", "author", "summary", "summary_detail", "published", "updated",
                                           "published_parsed", "updated_parsed", "created_parsed")}
    out["content"] = [{"value": c.get("value"), "type": c.get("type")} for c in entry.get("content") or []]
    return out


def refuse_entities(raw: bytes) -> None:
    """``DocumentError`` if the XML declares entities or loads an external DTD (a plain ``<!DOCTYPE rss>`` is fine)."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        fromstring(raw, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise DocumentError(
            f"declares XML entities or an external DTD ({type(exc).__name__}), which can expand without end or read "
            "other files; it is not read: export the feed again without a DTD"
        ) from None
    except (ParseError, ValueError):
        pass  # not well-formed XML: feedparser's lenient parser may still read it, and defines no entities


def _item(source: Source, entry: Any, number: int, site: str) -> Document:
    where = f"item {number}"
    link = meta_value(entry.get("link"))
    key = link or meta_value(entry.get("id")) or meta_value(entry.get("title")) or f"item-{number}"
    meta: dict[str, object] = {
        "title": entry.get("title"),
        "date": _date(entry),
        "author": entry.get("author"),
        "site": site,
        "url": link,
        "id": entry.get("id") if entry.get("id") != link else None,
        "record": where,
    }
    warnings: list[str] = []
    contents = [c for c in entry.get("content") or [] if (c.get("value") or "").strip()]
    if contents:
        body, kind = contents[0]["value"], contents[0].get("type") or "text/html"
    else:
        body, kind = entry.get("summary") or "", (entry.get("summary_detail") or {}).get("type") or "text/html"
        warnings.append(SUMMARY_ONLY)
    text = html_text(body) if "html" in kind else body
    try:
        return document(source, text, meta=meta, digest_of=_digest(entry), key=key, warnings=warnings)
    except DocumentError:
        return failed(source, key, where, "has neither content nor a summary to translate", meta)


def _date(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            return time.strftime("%Y-%m-%d", parsed)
    given = entry.get("published") or entry.get("updated")
    return str(given) if given else None


def _digest(entry: Any) -> bytes:
    """The item as feedparser read it, so a re-run redoes exactly the items that changed."""
    fields = {k: entry.get(k) for k in ("id", "link", "title", "published", "updated", "summary", "author")}
    fields["content"] = [c.get("value") for c in entry.get("content") or []]
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8", "surrogatepass")
