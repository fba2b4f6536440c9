"""What the TMX and XLIFF exports share: XML-safe text, per-sentence units, and the wording of notes.

CAT tools want one unit per sentence with trimmed text; the unit keeps the
exact character range of the trimmed source, so offsets are not lost.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from pipeline.glossary.load import Entry, Glossary
from pipeline.model import Change, Document, Finding, Segment

# Characters XML 1.0 cannot hold (most C0 controls, lone surrogates, U+FFFE/U+FFFF).
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` with every character XML 1.0 forbids replaced by U+FFFD, so the file always parses."""
    return NOT_XML.sub("\ufffd", text)


@dataclass(frozen=True)
class Unit:
    """One sentence as an exchange format carries it."""

    id: str
    segment: Segment
    source: str
    target: str
    span: tuple[int, int]


def units(doc: Document) -> list[Unit]:
    """One unit per sentence: trimmed source and normalised target, ids shared with the review page (``s3``)."""
    out: list[Unit] = []
    for seg in doc.segments:
        lead = len(seg.source) - len(seg.source.lstrip())
        source = seg.source.strip()
        out.append(
            Unit(
                id=f"s{seg.id}",
                segment=seg,
                source=xml_text(source),
                target=xml_text(seg.target.strip()),
                span=(seg.start + lead, seg.start + lead + len(source)),
            )
        )
    return out


def change_note(change: Change, glossary: Glossary) -> str:
    """One line a translator can act on: which entry replaced which words, and what the engine said."""
    where = _where(glossary, change.entry)
    said = f"; engine said “{change.mt_text}”" if change.mt_text else ""
    return xml_text(
        f"glossary {change.entry}{where}: “{change.source_text}” → “{change.target_text}”{said} ({change.method})"
    )


def finding_note(finding: Finding) -> str:
    return xml_text(f"finding {finding.check}: {finding.message}")


def _where(glossary: Glossary, entry_id: str) -> str:
    entry: Entry | None = next((e for e in glossary.entries if e.id == entry_id), None)
    return f" ({entry.file}:{entry.line})" if entry is not None else ""


def serialise(root: ET.Element) -> str:
    """Indented UTF-8 XML with its declaration."""
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data.decode("utf-8") + "\n"
