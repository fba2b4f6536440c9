"""Saved web pages (``.html``, ``.htm``, ``.xhtml``): the article's text and metadata, boilerplate out.

trafilatura (Apache-2.0) finds the main text (navigation, scripts, comments,
related links and footers left out) and the title, date, author, URL and
site name from the page's meta tags and structured data. Each paragraph,
heading or list item of the text becomes a paragraph of ``Document.text``,
separated by blank lines, so offsets index the text the review page shows.
The web-archive reader (``warc``) uses the same extraction.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator

from pipeline.errors import DocumentError
from pipeline.model import Document
from pipeline.readers.base import Source, document, need, paragraphs

CONTAINER = False
# A page's date as the page states it (meta tags, structured data, the URL), not a guess from any date in its text.
DATE_SEARCH = {"extensive_search": False, "original_date": True}
NO_TEXT = (
    "no article text found in the page (only navigation, scripts or markup, or the page is too large to parse); "
    "save the article's own page, or copy its text into a .txt file"
)

for _name in ("trafilatura", "htmldate", "courlan", "justext"):  # their log lines would interleave with the run's
    logging.getLogger(_name).addHandler(logging.NullHandler())
    logging.getLogger(_name).propagate = False


def read(source: Source) -> Iterator[Document]:
    raw = source.read()
    text, meta = extract(raw)
    yield document(source, text, meta=meta, digest_of=raw)


def extract(raw: bytes, *, url: str | None = None) -> tuple[str, dict[str, object]]:
    """The main text of an HTML page (paragraphs separated by blank lines) and its metadata; ``DocumentError`` if none."""
    trafilatura = need("trafilatura", "trafilatura", "web pages")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the libraries' own deprecation notes are not the reader's business
        try:
            found = trafilatura.bare_extraction(
                raw,
                url=url,
                with_metadata=True,
                include_comments=False,
                include_tables=True,
                deduplicate=False,
                date_extraction_params=DATE_SEARCH,
            )
        except (ValueError, TypeError, RecursionError, LookupError) as exc:
            raise DocumentError(f"cannot parse the page ({type(exc).__name__}); {NO_TEXT}") from None
    text = getattr(found, "text", None) if found is not None else None
    if not text or not text.strip():
        raise DocumentError(NO_TEXT)
    meta: dict[str, object] = {
        "title": found.title,
        "date": found.date,
        "author": found.author,
        "site": found.sitename or found.hostname,
        "url": found.url or url,
    }
    return paragraphs(text.splitlines()), meta
