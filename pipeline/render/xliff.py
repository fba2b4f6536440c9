"""XLIFF 2.0 export: one ``<unit>`` per sentence with its normalised English, for CAT tools.

A segment's ``state`` is ``translated`` (machine output) until a reviewer has
decided every change and finding of the sentence in ``normalize review``:
then ``final`` when all were accepted or resolved, ``reviewed`` when a change
was rejected (see ``pipeline.review.decisions``). Glossary changes are unit
notes (``category="glossary"``, about the target), findings are notes with
``category="finding"``, decisions notes with ``category="review"``. The
file's notes name the source and the article (``category="source-title"``,
``source-date``, ``source-url`` …: ``Document.metadata``).
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
from pipeline.review.decisions import segment_keys

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
    for key, value in doc.metadata.items():  # the article's title, date, author, site, URL …, as its source says
        ET.SubElement(notes, "note", id=f"source-{key}", category=f"source-{key}").text = xml_text(value)
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
            for key, _ in segment_keys(doc, seg):
                decision = run.reviews.get(key)
                if decision is not None:
                    comment = f": {decision['comment']}" if decision.get("comment") else ""
                    text = f"{decision['status']} {decision.get('about', '')}{comment}".replace("  ", " ")
                    ET.SubElement(unit_notes, "note", category="review").text = xml_text(text)
        segment = ET.SubElement(element, "segment", state=run.reviews.segment_state(doc, seg))
        ET.SubElement(segment, "source", PRESERVE).text = unit.source
        ET.SubElement(segment, "target", PRESERVE).text = unit.target
    return serialise(root)
