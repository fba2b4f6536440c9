"""XLIFF 2.0 export: one ``<unit>`` per sentence with its normalised English, for CAT tools.

The target is machine output nobody has reviewed yet, so segments are
``state="translated"``; glossary changes are unit notes (``category="glossary"``,
about the target), findings are notes with ``category="finding"``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pipeline.model import Document
from pipeline.render.exchange import (
    change_note,
    finding_note,
    serialise,
    units,
    xml_text,
)
from pipeline.render.run_info import RunInfo

NS = "urn:oasis:names:tc:xliff:document:2.0"
PRESERVE = {"{http://www.w3.org/XML/1998/namespace}space": "preserve"}  # a sentence may hold a line break


def render_document(doc: Document, run: RunInfo) -> str:
    # Unprefixed names under a declared default namespace: ElementTree's own
    # default_namespace option refuses unprefixed attributes such as srcLang.
    root = ET.Element("xliff", xmlns=NS, version="2.0", srcLang=doc.language, trgLang=run.target)
    file = ET.SubElement(root, "file", id="f1", original=xml_text(str(doc.path)))
    notes = ET.SubElement(file, "notes")
    ET.SubElement(notes, "note", id="signature", category="signature").text = xml_text(run.signature_line())
    ET.SubElement(notes, "note", id="source-sha256", category="source").text = doc.sha256
    for unit in units(doc):
        seg = unit.segment
        element = ET.SubElement(file, "unit", id=unit.id)
        if seg.changes or seg.findings:
            unit_notes = ET.SubElement(element, "notes")
            for change in seg.changes:
                note = ET.SubElement(unit_notes, "note", category="glossary", appliesTo="target")
                note.text = change_note(change, run.glossary)
            for finding in seg.findings:
                ET.SubElement(unit_notes, "note", category="finding").text = finding_note(finding)
        segment = ET.SubElement(element, "segment", state="translated")
        ET.SubElement(segment, "source", PRESERVE).text = unit.source
        ET.SubElement(segment, "target", PRESERVE).text = unit.target
    return serialise(root)
