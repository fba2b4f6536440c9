"""A loaded label kept in a quotation is always drawn and counted as kept (issue 33, "Every edit shown").

The page's "kept in quotations" count is the number of findings that say "inside a quotation"; a loaded word
the text explains ("Daech, acronyme arabe de l'EI") is kept the same way but counted and described apart.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.model import Change, Check, Finding, Method, Segment, TermHit, text_document
from pipeline.render.notes import QUOTED, build_notes
from pipeline.render.run_info import RunInfo
from tests.conftest import needs
from tests.render_fixtures import glossary, run_fixtures

TEXT = (
    "« L'EI et Daech sont là », a dit un habitant. Daech, acronyme arabe de l'EI, a revendiqué l'attaque. "
    "« Les terroristes de Daech ont attaqué nos positions », a déclaré le général Vladimir Savtchenko.\n"
)


@needs("apertium")
def test_the_kept_in_quotations_count_is_the_findings_inside_a_quotation(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "kept.txt").write_text(TEXT, encoding="utf-8")
    result = run_fixtures([tmp_path / "in" / "kept.txt"], tmp_path / "out")
    (doc,) = result.docs
    findings = [f for seg in doc.segments for f in seg.findings if f.check == Check.QUOTED_LABEL]
    inside = sum("inside a quotation" in f.message for f in findings)
    assert (inside, len(findings)) == (2, 3)  # "Daech" -> "Daesh" and "terroristes de Daech"; the explained "Daech"
    page = (tmp_path / "out" / "kept.html").read_text(encoding="utf-8")
    summary = re.search(r'<summary id="summary-title">(.*?)</summary>', page)
    assert summary is not None
    assert f"{inside} kept in quotations" in summary.group(1)
    assert "1 kept as the word the text explains" in summary.group(1)
    # each is drawn as kept, the spelling standardised in the quotation included: never as a rewrite
    for f in findings:
        assert f.source_span is not None
        at = re.search(rf'<a class="hl ([a-z ]+)" id="n\d+s"[^>]*>{re.escape(doc.text[slice(*f.source_span)])}</a>', page)
        assert at is not None and at.group(1) == "quoted"


def test_a_kept_label_is_drawn_as_kept_whatever_else_is_said_of_its_words() -> None:
    """Another finding at the same words before the quoted-label one (here the enforce stage's) does not make the
    note a plain finding: the reviewer sees that the speaker's word was kept."""
    text = "« Daech est là », a dit un habitant.\n"
    doc = text_document(text, language="fr")
    start = text.index("Daech")
    span = (start, start + 5)
    hit = TermHit(entry="islamic-state", start=span[0], end=span[1], text="Daech", standard="Islamic State", loaded=True,
                  in_quote=True, speaker="un habitant", quoted_form="Daesh")
    seg = Segment(id=0, paragraph=0, start=0, end=len(text) - 1, source=text[:-1], hits=[hit], target='" Daesh is there "')
    seg.changes = [Change("islamic-state", span, "Daech", "Daech", (2, 7), "Daesh", Method.RENDERING, (2, 7))]
    seg.findings = [
        Finding(Check.UNENFORCED, "could not place it", entry="islamic-state", source_span=span),
        Finding(Check.QUOTED_LABEL, "loaded label “Daech” inside a quotation", entry="islamic-state", source_span=span),
    ]
    doc.segments = [seg]
    run = RunInfo(engine="test", engine_version="1", pivot=[], source="fr", target="en", glossary=glossary())
    notes = build_notes(doc, run)
    kept = [n for n in notes if n.hit is not None]
    assert [n.kind for n in kept] == [QUOTED] and kept[0].in_quotation
    assert kept[0].finding is not None and kept[0].finding.check == Check.QUOTED_LABEL
