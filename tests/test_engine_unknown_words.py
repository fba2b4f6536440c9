"""Words the engine could not translate, end to end: Apertium's marks -> unknown-word findings highlighted in the English."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pipeline.engines import create_engine
from tests.conftest import needs
from tests.render_fixtures import run_fixtures

TEXT = "Les combattants kurdes ont repoussé les takfiristes près de Raqqa.\n\nLa Russie a livré des missiles à la Syrie.\n"


@needs("apertium")
def test_unknown_words_become_findings_highlighted_on_the_english_side(tmp_path: Path) -> None:
    source = tmp_path / "in" / "kurdes.txt"
    source.parent.mkdir()
    source.write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    result = run_fixtures([source], out, engine=create_engine("apertium", "fr", "en"))
    (doc,) = result.docs
    unknown = [(seg, f) for seg in doc.segments for f in seg.findings if f.check == "unknown-word"]
    words = {seg.target[slice(*f.target_span)] for seg, f in unknown if f.target_span}
    assert {"combatientes", "kurdos"} <= words  # Spanish left by the second leg, now visible
    assert not any(f.check == "unknown-word" for f in doc.segments[1].findings)
    assert all(mark not in seg.mt for seg in doc.segments for mark in "*@#")
    page = (out / "kurdes.html").read_text(encoding="utf-8")
    marked = re.findall(r'<a class="hl finding" id="n\d+t"[^>]*>([^<]+)</a>', page)
    assert sorted(marked) == sorted(seg.target[slice(*f.target_span)] for seg, f in unknown if f.target_span)
    assert "⚑ unknown-word" not in page  # in place, not flagged after the sentence
    data = json.loads((out / "kurdes.json").read_text(encoding="utf-8"))
    listed = [f for seg in data["segments"] for f in seg["findings"] if f["check"] == "unknown-word"]
    assert len(listed) == len(unknown)


def test_in_a_retranslated_sentence_unknown_words_are_found_in_the_english() -> None:
    from pipeline.glossary.load import load_glossary_file
    from pipeline.model import Check, Document, Segment, Translation
    from pipeline.stages.check import CheckStage
    from tests.conftest import FR_EN

    raw = "The noreste Iraqi and the mudanzas recent."
    seg = Segment(id=0, paragraph=0, start=0, end=10, source="x" * 10, target="The mudanzas recent of the Iraqi noreste.")
    seg.translation = Translation(raw=raw, unknown=((4, 11), (26, 34)), edits=None)  # the English is a fallback translation
    doc = Document(path=Path("<t>"), name="t", text="x" * 10, language="fr", sha256="", segments=[seg])
    CheckStage(load_glossary_file(FR_EN))(doc)
    spans = [f.target_span for f in seg.findings if f.check == Check.UNKNOWN_WORD]
    assert [seg.target[a:b] for a, b in (s for s in spans if s is not None)] == ["noreste", "mudanzas"]
    assert None not in spans  # marked on the English words, not flagged after the sentence
