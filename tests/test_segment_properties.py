"""Properties of the reader and segmenter on arbitrary input: offsets always slice back to the text."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.errors import DocumentError
from pipeline.model import Document
from pipeline.readers.decoding import decode
from pipeline.readers.files import read_document
from pipeline.stages.segment import segment

# Prose-like text: French letters, punctuation that ends or does not end sentences, quotes, odd spaces.
PIECES = st.sampled_from(
    ["M.", "Mme", "G.", "W.", "Bush", "Daech", "l’EI", "10.5", "S-300", "«", "»", '"', "…", "!", "?", ".", ",", " ",
     "\u00a0", "\u202f", "\n", "\n\n", "\r\n", "\t", "Les", "terroristes", "Idleb", "(", ")", "date", "2018-10", "é", "É"]
)  # fmt: skip
PROSE = st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=60).map("".join)


def check_segments(doc: Document) -> None:
    previous_end = doc.body_start
    for number, seg in enumerate(doc.segments):
        assert seg.id == number
        assert doc.text[seg.start : seg.end] == seg.source
        assert previous_end <= seg.start < seg.end <= len(doc.text)
        assert seg.source == seg.source.strip()  # trimmed, never empty
        previous_end = seg.end
    paragraphs = [s.paragraph for s in doc.segments]
    assert paragraphs == sorted(paragraphs)


@given(PROSE)
@settings(max_examples=300)
def test_segments_slice_back_to_prose(text: str) -> None:
    doc = segment(Document(path=Path("x.txt"), name="x", text=text, language="fr", sha256=""))
    check_segments(doc)
    covered = "".join(seg.source for seg in doc.segments)
    assert "".join(covered.split()) == "".join(text.split())  # no character but white space lost


@given(st.text())
@settings(max_examples=300)
def test_segments_slice_back_to_any_unicode(text: str) -> None:
    check_segments(segment(Document(path=Path("x.txt"), name="x", text=text, language="fr", sha256="")))


@given(st.binary(max_size=400))
@settings(max_examples=300)
def test_decode_never_crashes(raw: bytes) -> None:
    """Any bytes either decode (with warnings when lossy) or are refused as binary data."""
    try:
        text, warnings = decode(raw)
    except DocumentError as exc:
        assert "looks like" in str(exc)
        return
    if "\ufffd" in text and "\ufffd".encode() not in raw:
        assert warnings  # a replacement character is always explained


@given(st.binary(max_size=400) | PROSE.map(str.encode))
@settings(max_examples=100, deadline=None)
def test_read_then_segment(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.txt"
        path.write_bytes(raw)
        try:
            doc = read_document(path, language="fr")
        except DocumentError:
            return
    check_segments(segment(doc))
