"""``--source auto``: a folder of several languages runs in one command, each language into its own run folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli.main import app
from pipeline.render.json_format import read_output
from tests.conftest import ROOT

pytestmark = pytest.mark.usefixtures("echo_engine")

GLOSSARIES = ROOT / "glossaries"
TEXTS = {
    "paris.txt": "Les combattants de Daech ont attaqué la ville hier soir, selon l’armée, qui affirme avoir repoussé "
    "l’assaut après plusieurs heures de combats dans les quartiers nord.",
    "madrid.txt": "Los yihadistas del Estado Islámico atacaron la ciudad anoche, según el ejército, que afirma haber "
    "rechazado el asalto después de varias horas de combates en los barrios del norte.",
    "moscow.txt": "Боевики Исламского государства атаковали город вчера вечером, сообщили в армии, где заявили, что "
    "отразили нападение после нескольких часов боёв в северных кварталах.",
    "berlin.txt": "Die Kämpfer des Islamischen Staates haben die Stadt gestern Abend angegriffen, teilte die Armee mit, "
    "die den Angriff nach mehreren Stunden Kämpfen in den nördlichen Vierteln abgewehrt haben will.",
    "brief.txt": "Bref.",
}


def normalize(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stderr


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in TEXTS.items():
        (folder / name).write_text(text + "\n", encoding="utf-8")
    return folder


def run_auto(inputs: Path, out: Path, *more: str) -> tuple[int, str]:
    return normalize("run", str(inputs), "--source", "auto", "--out", str(out), "--engine", "echo",
                     "--cache", str(out.parent / "cache.sqlite"), "--glossaries", str(GLOSSARIES), *more)  # fmt: skip


def test_each_language_runs_into_its_own_folder_and_one_index_lists_them_all(mixed: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, err = run_auto(mixed, out)
    assert code == 1, err  # German has no glossary, the brief is too short: they fail, alone
    record = read_output(out / "languages.json", "languages")
    assert sorted(record["languages"]) == ["es", "fr", "ru"]
    for language, name in [("fr", "paris"), ("es", "madrid"), ("ru", "moscow")]:
        report = json.loads((out / language / "report.json").read_text(encoding="utf-8"))
        assert [d["name"] for d in report["documents"]["done"]] == [name]
        page = json.loads((out / language / f"{name}.json").read_text(encoding="utf-8"))
        assert page["source"]["language"] == language
    failed = {Path(f["path"]).name: f for f in record["failed"]}
    assert set(failed) == {"berlin.txt", "brief.txt"}
    assert failed["berlin.txt"]["language"] == "de"
    assert "no glossary for de->en" in failed["berlin.txt"]["error"] and "--glossaries DIR" in failed["berlin.txt"]["error"]
    assert "too short to tell its language" in failed["brief.txt"]["error"]
    assert "normalize: failed:" in err and "berlin.txt" in err
    index = (out / "index.html").read_text(encoding="utf-8")
    for href in ['href="fr/paris.html"', 'href="es/madrid.html"', 'href="ru/moscow.html"', 'href="fr/index.html"']:
        assert href in index
    assert '<td data-sort="ru" data-label="Language">ru</td>' in index
    assert "berlin.txt" in index and "no glossary for de-&gt;en" in index


def test_a_language_without_an_engine_fails_alone_with_the_install_command(mixed: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    for name in ("berlin.txt", "brief.txt", "paris.txt", "madrid.txt"):
        (mixed / name).unlink()
    code, err = normalize("run", str(mixed), "--source", "auto", "--out", str(out), "--no-cache",
                          "--glossaries", str(GLOSSARIES))  # fmt: skip
    assert code == 1
    record = json.loads((out / "languages.json").read_text(encoding="utf-8"))
    assert record["languages"] == {}
    (failed,) = record["failed"]
    assert failed["language"] == "ru" and "ru->en" in failed["error"] and "install" in failed["error"]
    assert not (out / "ru").exists()


def test_a_rerun_skips_what_is_up_to_date(mixed: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_auto(mixed, out)
    code, err = run_auto(mixed, out)
    assert code == 1
    assert "fr: 1 document: 0 written, 1 already up to date" in err


def test_review_of_the_overall_folder_names_the_language_folders(mixed: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_auto(mixed, out)
    code, err = normalize("review", str(out))
    assert code == 2
    assert err.strip().splitlines() == [
        f"normalize: error: {out} holds one run per language ({out}/es, {out}/fr, {out}/ru): "
        f"review one, e.g. normalize review {out}/es"
    ]


def test_a_folder_holding_one_language_run_is_refused(mixed: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.json").write_text("{}", encoding="utf-8")
    code, err = run_auto(mixed, out)
    assert code == 2 and "holds the run of one language" in err
    assert sorted(p.name for p in out.iterdir()) == ["report.json"]


def test_a_link_at_a_language_folder_is_never_written_through(mixed: Path, tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    os.symlink(elsewhere, out / "fr")
    code, err = run_auto(mixed, out)
    assert code == 1
    assert list(elsewhere.iterdir()) == []
    failed = {Path(f["path"]).name: f["error"] for f in json.loads((out / "languages.json").read_text("utf-8"))["failed"]}
    assert "is not a folder" in failed["paris.txt"]
    assert (out / "es" / "madrid.html").is_file()


def test_glossary_files_are_refused_with_auto(mixed: Path, tmp_path: Path) -> None:
    code, err = normalize("run", str(mixed), "--source", "auto", "--glossary", str(GLOSSARIES / "fr-en.yaml"),
                          "--out", str(tmp_path / "out"))  # fmt: skip
    assert code == 2 and "--glossaries DIR" in err
    assert not (tmp_path / "out").exists()


def test_an_input_folder_holding_the_output_folder_does_not_read_its_pages(mixed: Path) -> None:
    out = mixed / "out"
    run_auto(mixed, out)
    code, err = run_auto(mixed, out)
    record = json.loads((out / "languages.json").read_text(encoding="utf-8"))
    assert sorted(Path(f["path"]).name for f in record["failed"]) == ["berlin.txt", "brief.txt"]
    assert all(r["documents"] == 1 for r in record["languages"].values())
