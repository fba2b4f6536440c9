"""Words the engine could not translate, end to end: Apertium's marks -> unknown-word findings highlighted in the English."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pipeline.engines import create_engine
from tests.render_fixtures import run_fixtures

TEXT = "Les combattants kurdes ont repoussé les takfiristes près de Raqqa.\n\nLa Russie a livré des missiles à la Syrie.\n"


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
