"""`normalize glossary check|test|export|import`, and round trips through TBX and CSV."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from pipeline.cli.main import app
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
from tests.conftest import FR_EN, GLOSSARIES, needs

runner = CliRunner()


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


@needs("apertium")
def test_test_runs_every_example_with_apertium() -> None:
    result = runner.invoke(app, ["glossary", "test", str(FR_EN), str(GLOSSARIES / "es-en.yaml"), "--engine", "apertium"])
    assert result.exit_code == 0, result.stderr
    total = sum(len(e.examples) for p in (FR_EN, GLOSSARIES / "es-en.yaml") for e in load_glossary_file(p).entries)
    assert f"{total} of {total} examples pass" in result.stdout


@needs("apertium")
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
    assert [set(e.renderings) - {e.standard} for e in again.entries] == [
        set(e.renderings) - {e.standard} for e in original.entries
    ]


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
        "<martif><text><body><termEntry><langSet xml:lang='fr'><tig><term>&b;</term></tig></langSet></termEntry>"
        "</body></text></martif>",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["glossary", "import", str(bomb)])
    assert result.exit_code == 2
    assert "not a readable TBX file" in result.stderr


@needs("apertium")
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


# ---- hostile and careless glossary files -------------------------------------

TBX_HEAD = "<martif><text><body><termEntry id='x'>"
TBX_TERMS = (
    "<langSet xml:lang='fr'><tig><term>Daech</term></tig></langSet>"
    "<langSet xml:lang='en'><tig><term>Islamic State</term></tig></langSet></termEntry></body></text></martif>"
)


def one_line_error(result: Result, expected: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and expected in result.stderr, result.stderr
    assert isinstance(result.exception, SystemExit)  # a usage error, not a traceback


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        pytest.param("- kind\n- group", "normalize-settings should be a mapping such as 'kind: group', got a list", id="a list"),
        pytest.param("!!python/object/apply:os.system ['touch pwned']", "normalize-settings is not valid YAML", id="python tag"),
        pytest.param("kind: group\nstandard: Evil", "normalize-settings has unknown field(s) 'standard'", id="unknown field"),
        pytest.param("kind: [group", "normalize-settings is not valid YAML", id="broken yaml"),
    ],
)
def test_tbx_settings_must_be_a_mapping_of_known_fields(tmp_path: Path, settings: str, expected: str) -> None:
    tbx = tmp_path / "g.tbx"
    descrip = ET.Element("descrip", {"type": "normalize-settings"})
    descrip.text = settings
    tbx.write_text(TBX_HEAD + ET.tostring(descrip, encoding="unicode") + TBX_TERMS, encoding="utf-8")
    one_line_error(runner.invoke(app, ["glossary", "import", str(tbx)]), f"{tbx}: termEntry 'x': {expected}")
    assert not (Path.cwd() / "pwned").exists()


def test_import_into_a_folder_or_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    tbx = tmp_path / "g.tbx"
    tbx.write_text(TBX_HEAD + TBX_TERMS, encoding="utf-8")
    one_line_error(runner.invoke(app, ["glossary", "import", str(tbx), "-o", str(tmp_path)]), "is a folder; give a file name")
    missing = tmp_path / "missing" / "dir" / "x.csv"
    one_line_error(
        runner.invoke(app, ["glossary", "export", str(FR_EN), "-f", "csv", "-o", str(missing)]),
        f"the folder {missing.parent} does not exist; create it first",
    )
    assert not missing.parent.exists()


def test_nul_byte_in_a_glossary_is_one_line_with_its_place(tmp_path: Path) -> None:
    bad = tmp_path / "nul.yaml"
    bad.write_bytes(b"source: fr\ntarget: en\nentries:\n  - {id: x, standard: X, variants: [Dae\x00ch]}\n")
    result = runner.invoke(app, ["glossary", "check", str(bad)])
    assert result.exit_code == 2
    assert result.stderr == f"{bad}:4:40: character U+0000 (NUL) is not allowed in a glossary; delete it\n"


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        pytest.param("(s)", "variant '(s)' of 'x' can match an empty string", id="only optional"),
        pytest.param("a(s)", "variant 'a(s)' of 'x' can match the one-letter word 'a'", id="one letter"),
        pytest.param("s", "variant 's' of 'x' can match the one-letter word 's'", id="a letter"),
        pytest.param(
            "chef du {grup}",
            "variant 'chef du {grup}' of 'x' has an unknown slot {grup}; the only slot is {group}",
            id="slot typo",
        ),
    ],
)
def test_check_refuses_variants_that_match_almost_anything(tmp_path: Path, variant: str, expected: str) -> None:
    bad = tmp_path / "g.yaml"
    bad.write_text(f"source: fr\ntarget: en\nentries:\n  - {{id: x, standard: X, variants: ['{variant}']}}\n", encoding="utf-8")
    result = runner.invoke(app, ["glossary", "check", str(bad)])
    assert result.exit_code == 2, result.output
    assert (
        result.stderr == f"{bad}:4: {expected}, so it would change ordinary words; write the whole word, e.g. terroriste(s)\n"
        or ("slot" in expected and result.stderr == f"{bad}:4: {expected}\n")
    ), result.stderr


def test_check_accepts_group_slots_and_two_letter_acronyms(tmp_path: Path) -> None:
    good = tmp_path / "g.yaml"
    good.write_text(
        "source: fr\ntarget: en\nentries:\n  - {id: g, kind: group, standard: G, variants: [EI]}\n"
        "  - {id: x, standard: 'chief of {group}', variants: ['chef du {group}', 'djihadiste(s)']}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["glossary", "check", str(good)])
    assert result.exit_code == 0, result.stderr


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_csv_export_neutralises_formulas(tmp_path: Path) -> None:
    source = tmp_path / "g.yaml"
    source.write_text(
        "source: fr\ntarget: en\nentries:\n"
        "  - {id: x, standard: '=HYPERLINK(\"http://evil\")', variants: ['@SUM Daech', '-Nosra', '+EI', '=cmd']}\n",
        encoding="utf-8",
    )
    glossary = load_glossary_file(source)
    rows = list(csv.reader(io.StringIO(to_csv(glossary))))
    assert rows[1:] == [
        ["'@SUM Daech", "'=HYPERLINK(\"http://evil\")"],
        ["'-Nosra", "'=HYPERLINK(\"http://evil\")"],
        ["'+EI", "'=HYPERLINK(\"http://evil\")"],
        ["'=cmd", "'=HYPERLINK(\"http://evil\")"],
    ]
    path = tmp_path / "back.csv"
    path.write_text(to_csv(glossary), encoding="utf-8")
    imported = from_csv(path, source="fr", target="en")  # our own escape reads back as the term, without a warning
    assert imported["entries"][0]["standard"] == '=HYPERLINK("http://evil")'
    assert imported["entries"][0]["variants"] == ["@SUM Daech", "-Nosra", "+EI", "=cmd"]


@pytest.mark.parametrize("cell", ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tDaech", "\rDaech"])
def test_csv_import_warns_about_formula_cells(tmp_path: Path, cell: str) -> None:
    path = write_csv(tmp_path / "terms.csv", [["fr", "en"], [cell, "Islamic State"]])
    result = runner.invoke(app, ["glossary", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert f"normalize: warning: {path}:2: cell " in result.stderr
    assert "starts like a spreadsheet formula; check it is a term and not an injected formula" in result.stderr


def test_imported_terms_are_literals_not_patterns(tmp_path: Path) -> None:
    """``Front (al-Nosra)`` used to become a variant matching every "front"."""
    path = write_csv(tmp_path / "terms.csv", [["fr", "en"], ["Front (al-Nosra)", "al-Nusra Front"], ["{x}", "X"]])
    result = runner.invoke(app, ["glossary", "import", str(path), "-o", str(tmp_path / "fr-en.yaml")])
    assert result.exit_code == 0, result.output
    assert "term 'Front (al-Nosra)' imported as 'Front al-Nosra'" in result.stderr
    glossary = load_glossary_file(tmp_path / "fr-en.yaml")
    assert [e.variants for e in glossary.entries] == [("Front al-Nosra",), ("x",)]
    matcher = Matcher(glossary)
    assert matcher.find("Ils sont partis vers le front hier.") == []
    assert [m.standard for m in matcher.find("Le Front al-Nosra a attaqué.")] == ["al-Nusra Front"]


def test_tbx_terms_are_literals_unless_marked_as_patterns(tmp_path: Path) -> None:
    tbx = tmp_path / "g.tbx"
    tbx.write_text(TBX_HEAD + TBX_TERMS.replace("<term>Daech</term>", "<term>Front (al-Nosra)</term>"), encoding="utf-8")
    with pytest.warns(UserWarning, match="imported as 'Front al-Nosra'"):
        data = from_tbx(tbx, source="fr", target="en")
    assert data["entries"][0]["variants"] == ["Front al-Nosra"]
    exported = to_tbx(load_glossary_file(FR_EN))  # our own export marks (s) and {group} as syntax
    (tmp_path / "own.tbx").write_text(exported, encoding="utf-8")
    variants = [v for e in from_tbx(tmp_path / "own.tbx", source="fr", target="en")["entries"] for v in e["variants"]]
    assert any("(s)" in v for v in variants)


def test_export_merges_like_a_run_and_refuses_a_variant_claimed_twice(tmp_path: Path) -> None:
    a, b = tmp_path / "fr-en.yaml", tmp_path / "fr-en.extra.yaml"
    a.write_text(
        "source: fr\ntarget: en\nentries:\n  - {id: one, standard: Islamic State, variants: [Daech]}\n", encoding="utf-8"
    )
    b.write_text("source: fr\ntarget: en\nentries:\n  - {id: two, standard: ISIS, variants: [Daech]}\n", encoding="utf-8")
    result = runner.invoke(app, ["glossary", "export", str(a), str(b), "--format", "csv", "-o", str(tmp_path / "x.csv")])
    assert result.exit_code == 2
    assert "Daech" in result.stderr and result.stderr.startswith("normalize: error:")
    assert not (tmp_path / "x.csv").exists()
    other = tmp_path / "es-en.yaml"
    other.write_text("source: es\ntarget: en\nentries:\n  - {id: three, standard: Hamas, variants: [Hamás]}\n", encoding="utf-8")
    mixed = runner.invoke(app, ["glossary", "export", str(a), str(other), "--format", "csv", "-o", str(tmp_path / "y.csv")])
    assert mixed.exit_code == 2 and "es->en" in mixed.stderr
