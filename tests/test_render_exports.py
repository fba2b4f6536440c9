"""TMX and XLIFF exports, proved by a real consumer: translate-toolkit loads them and the text round-trips."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from translate.storage.tmx import tmxfile
from translate.storage.xliff2 import Xliff2File
from typer.testing import CliRunner

from pipeline.cli.main import app
from pipeline.model import Document
from pipeline.render.exchange import xml_text
from pipeline.run import RunResult
from pipeline.stages.names import UNKNOWN as UNKNOWN_NAME
from tests.conftest import ScriptedEngine, needs
from tests.render_fixtures import SEED, XSS_NAME, run_fixtures, write_inputs

XLIFF = "{urn:oasis:names:tc:xliff:document:2.0}"


@dataclass
class Run:
    out: Path
    result: RunResult

    def docs(self) -> list[Document]:
        return [d for d in self.result.docs if not d.failed]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    files = write_inputs(tmp_path_factory.mktemp("in"))
    out = tmp_path_factory.mktemp("out")
    result = run_fixtures([SEED, files["quoted"], files["xss"]], out, formats=("html", "json", "tmx", "xliff"))
    return Run(out, result)


@needs("apertium")
def test_every_document_gets_both_exports(run: Run) -> None:
    names = {d.name for d in run.docs()}
    assert names == {SEED.stem, "quoted", XSS_NAME}
    for name in names:
        assert (run.out / f"{name}.tmx").is_file() and (run.out / f"{name}.xlf").is_file()


def cited(entry: str) -> str:
    """What follows the entry id in a change note: its file and line, except for a name no glossary lists."""
    return ":" if entry == UNKNOWN_NAME else " ("


@needs("apertium")
def test_tmx_loads_in_translate_toolkit_and_round_trips(run: Run) -> None:
    for doc in run.docs():
        store = tmxfile.parsefile(str(run.out / f"{doc.name}.tmx"))
        units = store.units
        assert len(units) == len(doc.segments)
        assert store.sourcelanguage == "fr"
        for unit, seg in zip(units, doc.segments, strict=True):
            assert unit.getid() == f"s{seg.id}"
            assert unit.source == seg.source.strip()
            assert unit.target == seg.target.strip()
            notes = unit.getnotes()
            for change in seg.changes:
                assert f"glossary {change.entry}{cited(change.entry)}" in notes and f"“{change.target_text}”" in notes
                assert change.mt_text in notes
            for finding in seg.findings:
                assert f"finding {finding.check}:" in notes


@needs("apertium")
def test_xliff_loads_in_translate_toolkit_and_round_trips(run: Run) -> None:
    for doc in run.docs():
        store = Xliff2File.parsefile(str(run.out / f"{doc.name}.xlf"))
        assert (store.sourcelanguage, store.targetlanguage) == ("fr", "en")
        units = store.units
        assert len(units) == len(doc.segments)
        for unit, seg in zip(units, doc.segments, strict=True):
            assert unit.getid() == f"s{seg.id}"
            assert unit.source == seg.source.strip()
            assert unit.target == seg.target.strip()
            assert unit.istranslated()
            # XLIFF 2.0 keeps notes on <unit>; translate-toolkit's getnotes() looks inside <segment>, so read them here.
            notes = unit.getunitelement().findall(f"{XLIFF}notes/{XLIFF}note")
            glossary = [n.text or "" for n in notes if n.get("category") == "glossary"]
            assert len(glossary) == len(seg.changes)
            for note, change in zip(glossary, seg.changes, strict=True):
                assert note.startswith(f"glossary {change.entry}{cited(change.entry)}") and f"“{change.source_text}”" in note
            assert len([n for n in notes if n.get("category") == "finding"]) == len(seg.findings)


@needs("apertium")
def test_exports_source_spans_trace_back_to_the_input(run: Run) -> None:
    doc = next(d for d in run.docs() if d.name == SEED.stem)
    root = ET.parse(run.out / f"{doc.name}.tmx").getroot()
    for tu in root.iter("tu"):
        start, end = map(int, tu.findtext("prop[@type='x-source-span']", "").split("-"))
        assert doc.text[start:end] == tu.findtext("tuv[1]/seg")


def test_control_characters_are_replaced_and_line_breaks_kept(tmp_path: Path) -> None:
    source = tmp_path / "controls.txt"
    source.write_text("Les terroristes de Daech\x01 ont fui\x0b vers\nle nord.\n", encoding="utf-8")
    result = run_fixtures([source], tmp_path / "out", formats=("tmx", "xliff"), engine=ScriptedEngine())
    assert not result.failed
    tmx = tmxfile.parsefile(str(tmp_path / "out" / "controls.tmx")).units[0]
    xliff = Xliff2File.parsefile(str(tmp_path / "out" / "controls.xlf")).units[0]
    for unit in (tmx, xliff):
        assert unit.source == "Les terroristes de Daech\ufffd ont fui\ufffd vers\nle nord."
        assert "Islamic State militants" in unit.target


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain « texte »", "plain « texte »"),
        ("a\x00b\x1fc", "a\ufffdb\ufffdc"),
        ("tab\tnew\nline\r", "tab\tnew\nline\r"),
        ("\ufffe😀", "\ufffd😀"),
    ],
)
def test_xml_text(text: str, expected: str) -> None:
    assert xml_text(text) == expected


@needs("apertium")
def test_cli_formats_option_chooses_the_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(SEED), "--engine", "apertium", "-o", str(out), "--formats", "tmx,xliff", "-q"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [f"{SEED.stem}.tmx", f"{SEED.stem}.xlf", "index.html", "report.json", ".normalize-manifest.json"]
    )
    default = tmp_path / "default"
    result = CliRunner().invoke(app, ["run", str(SEED), "--engine", "apertium", "-o", str(default), "-q"])
    assert result.exit_code == 0, result.output
    assert sorted(p.suffix for p in default.glob(f"{SEED.stem}.*")) == [".html", ".json"]
