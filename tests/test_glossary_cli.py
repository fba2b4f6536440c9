"""`normalize glossary check|test|export|import`, and round trips through TBX and CSV."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.glossary.interop import (
    from_csv,
    from_tbx,
    literal_forms,
    to_csv,
    to_tbx,
    to_yaml,
)
from pipeline.glossary.load import Glossary, load_glossary_file
from pipeline.glossary.matcher import Matcher
from tests.conftest import FR_EN, ROOT

runner = CliRunner()
GLOSSARIES = ROOT / "glossaries"


def test_check_passes_on_the_shipped_glossaries() -> None:
    result = runner.invoke(app, ["glossary", "check", "--glossaries", str(GLOSSARIES)])
    assert result.exit_code == 0, result.stderr
    assert "fr-en.yaml: " in result.stdout and "entries OK" in result.stdout
    assert result.stderr == ""


def test_check_reports_file_and_line_and_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("source: fr\ntarget: en\nentries:\n  - id: x\n    standrad: X\n    variants: [a]\n", encoding="utf-8")
    result = runner.invoke(app, ["glossary", "check", str(bad), str(FR_EN)])
    assert result.exit_code == 2
    assert f"{bad}:4: entries.0: unknown key 'standrad' (did you mean 'standard'?)" in result.stderr
    assert "fr-en.yaml: " in result.stdout  # the good file is still checked


def test_test_runs_every_example_with_apertium() -> None:
    result = runner.invoke(app, ["glossary", "test", str(FR_EN), str(GLOSSARIES / "es-en.yaml"), "--engine", "apertium"])
    assert result.exit_code == 0, result.stderr
    total = sum(len(e.examples) for p in (FR_EN, GLOSSARIES / "es-en.yaml") for e in load_glossary_file(p).entries)
    assert f"{total} of {total} examples pass" in result.stdout


def test_test_fails_on_a_broken_example(tmp_path: Path) -> None:
    path = tmp_path / "fr-en.yaml"
    path.write_text(
        "source: fr\ntarget: en\nentries:\n"
        "  - id: x\n    standard: Islamic State\n    variants: [Daech]\n"
        "    examples:\n      - {source: Daech attaque., must: [Caliphate]}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["glossary", "test", str(path), "--engine", "apertium"])
    assert result.exit_code == 1
    assert "must contain 'Caliphate'" in result.stderr


def comparable(glossary: Glossary) -> list[tuple[str, str, tuple[str, ...], bool, str, tuple[str, ...]]]:
    return [(e.id, e.standard, e.variants, e.loaded, e.article, e.plural_variants) for e in glossary.entries]


@pytest.mark.parametrize("name", ["fr-en.yaml", "es-en.yaml", "ru-en.yaml"])
def test_tbx_round_trip_keeps_entries(tmp_path: Path, name: str) -> None:
    original = load_glossary_file(GLOSSARIES / name)
    tbx = tmp_path / "g.tbx"
    tbx.write_text(to_tbx(original), encoding="utf-8")
    back = tmp_path / name
    back.write_text(to_yaml(from_tbx(tbx, source=original.source, target=original.target)), encoding="utf-8")
    again = load_glossary_file(back)
    assert comparable(again) == comparable(original)
    assert [e.note.strip() for e in again.entries] == [e.note.strip() for e in original.entries]
    assert [set(e.renderings) - {e.standard} for e in again.entries] == [set(e.renderings) - {e.standard} for e in original.entries]


def test_tbx_marks_loaded_labels_forbidden() -> None:
    root = ET.fromstring(to_tbx(load_glossary_file(FR_EN)))
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    status = {
        (lang_set.get(lang), tig.findtext("term")): tig.findtext("termNote")
        for lang_set in root.iter("langSet")
        for tig in lang_set.iter("tig")
    }
    assert status["fr", "daechiste(s)"] == "deprecatedTerm-admn-sts"
    assert status["fr", "Daech"] == "admittedTerm-admn-sts"
    assert status["en", "Daech"] == "deprecatedTerm-admn-sts"
    assert status["en", "Islamic State"] == "preferredTerm-admn-sts"


def test_csv_is_amazon_terminology_shape_and_round_trips(tmp_path: Path) -> None:
    original = load_glossary_file(FR_EN)
    text = to_csv(original)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["fr", "en"]
    assert ["terroristes de Daech", "Islamic State militants"] in rows
    assert ["qaïdiste", "al-Qaeda-linked militant"] in rows
    path = tmp_path / "terms.csv"
    path.write_text(text, encoding="utf-8")
    imported = from_csv(path, source="fr", target="en")
    forms = {(f, e["standard"]) for e in imported["entries"] for f in e["variants"]}
    assert forms == {(form, name) for form, name in dict(literal_forms(original)).items()}
    back = tmp_path / "fr-en.yaml"
    back.write_text(to_yaml(imported), encoding="utf-8")
    Matcher(load_glossary_file(back))  # a valid, compilable glossary


def test_import_and_export_through_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "g.tbx"
    assert runner.invoke(app, ["glossary", "export", str(FR_EN), "--format", "tbx", "-o", str(out)]).exit_code == 0
    result = runner.invoke(app, ["glossary", "import", str(out)])
    assert result.exit_code == 0
    assert "id: islamic-state" in result.stdout
    result = runner.invoke(app, ["glossary", "export", str(FR_EN), "--format", "pdf"])
    assert result.exit_code == 2


def test_import_refuses_hostile_xml(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.tbx"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<martif><text><body><termEntry><langSet xml:lang='fr'><tig><term>&b;</term></tig></langSet></termEntry></body></text></martif>",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["glossary", "import", str(bomb)])
    assert result.exit_code == 2
    assert "not a readable TBX file" in result.stderr


def test_spanish_runs_end_to_end_with_apertium(tmp_path: Path) -> None:
    article = tmp_path / "in" / "noticia.txt"
    article.parent.mkdir()
    article.write_text(
        "Los terroristas del Estado Islámico atacaron Alepo. El Frente al Nusra controla Idlib.\n\n"
        "El ataque terrorista dejó tres muertos.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(article.parent), "--source", "es", "--engine", "apertium", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    data = json.loads((out / "noticia.json").read_text(encoding="utf-8"))
    target = " ".join(s["target"] for s in data["segments"])
    assert "Islamic State militants attacked" in target
    assert "The al-Nusra Front" in target
    assert "terrorist attack" in target  # the adjective is flagged, not rewritten
    assert data["engine"]["pivot"] == ["es", "en"]
    assert any(f["check"] == "loaded-adjective" for s in data["segments"] for f in s["findings"])
