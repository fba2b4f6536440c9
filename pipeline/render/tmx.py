"""TMX 1.4 export: one translation unit per sentence, for translation memories.

Each ``<tu>`` holds the source sentence and its normalised English; glossary
changes and findings ride along as ``<note>``s, the raw machine translation and
the source character range as ``<prop>``s (TMX 1.4: notes and props before tuvs).
The header's props name the source file and the article (``x-title``,
``x-date``, ``x-author``, ``x-site``, ``x-url`` …: ``Document.metadata``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pipeline import __version__
from pipeline.model import Document
from pipeline.render.exchange import (
    change_note,
    finding_note,
    serialise,
    units,
    xml_text,
)
from pipeline.render.run_info import RunInfo

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def render_document(doc: Document, run: RunInfo) -> str:
    root = ET.Element("tmx", version="1.4")
    attributes = {
        "creationtool": "normalize",
        "creationtoolversion": __version__,
        "datatype": "plaintext",
        "segtype": "sentence",
        "adminlang": "en",
        "srclang": doc.language,
        "o-tmf": "normalize",
    }
    header = ET.SubElement(root, "header", attributes)
    _prop(header, "x-signature", run.signature_line())
    _prop(header, "x-source-file", str(doc.path))
    _prop(header, "x-source-sha256", doc.sha256)
    for key, value in doc.metadata.items():  # the article's title, date, author, site, URL, id and record, as its source says
        _prop(header, f"x-{key}", value)
    body = ET.SubElement(root, "body")
    for unit in units(doc):
        seg = unit.segment
        tu = ET.SubElement(body, "tu", tuid=unit.id)
        for change in seg.changes:
            ET.SubElement(tu, "note").text = change_note(change, run.glossary)
        for finding in seg.findings:
            ET.SubElement(tu, "note").text = finding_note(finding)
        _prop(tu, "x-paragraph", str(seg.paragraph))
        _prop(tu, "x-source-span", f"{unit.span[0]}-{unit.span[1]}")
        _prop(tu, "x-raw-mt", seg.mt.strip())
        for lang, text in ((doc.language, unit.source), (run.target, unit.target)):
            tuv = ET.SubElement(tu, "tuv", {XML_LANG: lang})
            ET.SubElement(tuv, "seg").text = text
    return serialise(root)


def _prop(parent: ET.Element, kind: str, value: str) -> None:
    ET.SubElement(parent, "prop", type=kind).text = xml_text(value)
