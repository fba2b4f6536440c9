"""Renderers: the only code that knows about output formats.

Each format is one module with a ``render_document(doc, run) -> str`` function
and an entry in ``FORMATS``; files are written atomically by ``write.py``.
A format's module is imported when its first page is rendered, so a run pays
only for the formats it writes (the XML ones load ElementTree, HTML Jinja).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from pipeline.model import Document
from pipeline.registry import Registry
from pipeline.render.run_info import RunInfo

Renderer = Callable[[Document, RunInfo], str]


def _render_with(module: str) -> Renderer:
    """``pipeline.render.MODULE.render_document``, imported on the first call."""

    def render(doc: Document, run: RunInfo) -> str:
        renderer: Renderer = importlib.import_module(f"pipeline.render.{module}").render_document
        return renderer(doc, run)

    return render


# format name -> (file suffix, renderer)
FORMATS: Registry[tuple[str, Renderer]] = Registry(
    "output format",
    [
        ("json", (".json", _render_with("json_format"))),
        ("html", (".html", _render_with("html"))),
        ("tmx", (".tmx", _render_with("tmx"))),
        ("xliff", (".xlf", _render_with("xliff"))),
    ],
)

__all__ = ["FORMATS", "Renderer", "RunInfo"]
