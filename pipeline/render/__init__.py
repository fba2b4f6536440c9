"""Renderers: the only code that knows about output formats.

Each format is one module with a ``render_document(doc, run) -> str`` function
and an entry in ``FORMATS``; files are written atomically by ``write.py``.
"""

from __future__ import annotations

from collections.abc import Callable

from pipeline.model import Document
from pipeline.render import html, json_format, tmx, xliff
from pipeline.render.run_info import RunInfo

Renderer = Callable[[Document, RunInfo], str]

# format name -> (file suffix, renderer)
FORMATS: dict[str, tuple[str, Renderer]] = {
    "json": (".json", json_format.render_document),
    "html": (".html", html.render_document),
    "tmx": (".tmx", tmx.render_document),
    "xliff": (".xlf", xliff.render_document),
}

__all__ = ["FORMATS", "Renderer", "RunInfo"]
