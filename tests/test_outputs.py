"""The output folder never loses a user's file (#14 items 1, 2, 3, 10), and the one RunReport."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.glossary.load import Glossary
from pipeline.outputs import write as write_module
from pipeline.outputs.folder import ForeignFiles, OutputError
from pipeline.outputs.lock import LOCK_NAME, OutputLock
from pipeline.outputs.names import MANIFEST_NAME, output_names
from pipeline.run import RunOptions, run
from tests.conftest import ROOT, ScriptedEngine, needs

TEXT = "Les terroristes de Daech ont attaqué les positions du Front Al-Nosra près d’Idleb.\n"


def options(inputs: list[Path], out: Path, glossary: Glossary, **kw: object) -> RunOptions:
    return RunOptions(inputs=inputs, out=out, glossary=glossary, quiet=True, **kw)  # type: ignore[arg-type]


def cli(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "run", "--engine", "apertium", *map(str, args)],
        cwd=cwd, capture_output=True, text=True, timeout=300,
    )


@needs("apertium")
def test_user_files_in_out_are_refused_with_their_names_and_kept(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "article.txt").write_text(TEXT, encoding="utf-8")
    mine = {"index.html": "<p>my index</p>", "report.json": '{"mine": 1}', "article.json": '{"mine": 2}'}
    for name, text in mine.items():
        (folder / name).write_text(text, encoding="utf-8")
    done = cli(folder, "--out", folder, "--quiet")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"normalize: error: {folder} holds 3 files that normalize did not write and would overwrite: "
        "article.json, index.html, report.json; choose another --out, or pass --force to overwrite them"
    ]
    assert {n: (folder / n).read_text(encoding="utf-8") for n in mine} == mine
    assert not (folder / "article.html").exists()


@needs("apertium")
def test_the_current_folder_as_out_is_refused_too(tmp_path: Path) -> None:
    (tmp_path / "article.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "index.html").write_text("mine", encoding="utf-8")
    done = cli("article.txt", "--out", "", "--quiet", cwd=tmp_path)
    assert done.returncode == 2 and "index.html" in done.stderr
    assert (tmp_path / "index.html").read_text(encoding="utf-8") == "mine"


def test_force_overwrites_and_a_second_run_needs_no_force(tmp_path: Path, fr_en: Glossary) -> None:
    source = tmp_path / "article.txt"
    source.write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "article.json").write_text("mine", encoding="utf-8")
    with pytest.raises(ForeignFiles) as refused:
        run(options([source], out, fr_en), engine=ScriptedEngine())
    assert refused.value.names == ["article.json"]
    run(options([source], out, fr_en, force=True), engine=ScriptedEngine())
    assert json.loads((out / "article.json").read_text(encoding="utf-8"))["source"]["path"] == str(source)
    manifest = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))["files"]
    assert {"article.json", "article.html", "index.html", "report.json"} <= set(manifest)
    result = run(options([source], out, fr_en), engine=ScriptedEngine())  # its own files: no refusal
    assert result.exit_code == 0


def test_names_are_unique_even_against_a_file_named_like_a_hash(tmp_path: Path, fr_en: Glossary) -> None:
    inputs = tmp_path / "in"
    for sub in ("s1", "s2"):
        (inputs / sub).mkdir(parents=True)
        (inputs / sub / "same.txt").write_text(TEXT, encoding="utf-8")
    crafted = f"same-{hashlib.sha256(os.fsencode(inputs / 's1' / 'same.txt')).hexdigest()[:8]}"
    (inputs / f"{crafted}.txt").write_text(TEXT.replace("Daech", "l'EI"), encoding="utf-8")
    paths = sorted(inputs.rglob("*.txt"))
    names = output_names(paths)
    assert len(set(names)) == 3 and all(n.startswith("same-") for n in names)
    result = run(options([inputs], tmp_path / "out", fr_en), engine=ScriptedEngine())
    assert len(result.report.done) == 3
    sources = {json.loads((tmp_path / "out" / f"{n}.json").read_text(encoding="utf-8"))["source"]["path"] for n in names}
    assert sources == {str(p) for p in paths}


def test_names_reserved_for_the_run_and_case_clashes_get_hashes() -> None:
    names = output_names([Path("a/index.txt"), Path("a/report.txt"), Path("a/index.2.txt"), Path("a/Doc.txt"), Path("b/doc.txt")])
    assert all(not n.startswith(("index", "report")) or "-" in n for n in names)
    assert len({n.casefold() for n in names}) == 5
    assert output_names([Path("x/a.txt"), Path("x/b.txt")]) == ["a", "b"]


def test_a_stale_lock_takeover_keeps_the_users_hidden_tmp_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    (out / LOCK_NAME).write_text(dead.stdout)
    users = [out / ".notes.tmp", out / ".draft.json.abc.tmp", out / ".normalize~but-not-ours.tmp"]
    for path in users:
        path.write_text("mine")
    ours = write_module.write_temporary(out / "doc.json", '{"half')
    with OutputLock(out):
        assert not ours.exists()
        assert all(p.read_text() == "mine" for p in users)


def test_a_full_disk_is_one_line_and_report_and_index_agree(
    tmp_path: Path, fr_en: Glossary, monkeypatch: pytest.MonkeyPatch
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(4):
        (inputs / f"doc{i}.txt").write_text(TEXT.replace("Idleb", f"Idleb {i}"), encoding="utf-8")
    out = tmp_path / "out"
    run(options([inputs], out, fr_en), engine=ScriptedEngine())  # a complete earlier run
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    real = write_module.write_temporary
    calls = {"n": 0}

    def fill_up(path: Path, text: str) -> Path:
        calls["n"] += 1
        if calls["n"] > 3 and path.name != MANIFEST_NAME:  # doc0's two pages fit, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, text)

    monkeypatch.setattr("pipeline.outputs.folder.write_temporary", fill_up)
    with pytest.raises(OutputError, match=r"^no space left on .*the documents already written are complete: free some space"):
        run(options([inputs], out, fr_en, force=True), engine=ScriptedEngine())
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert sorted(after) == sorted(before)  # no temporaries left, nothing half-written
    assert after["report.json"] == before["report.json"] and after["index.html"] == before["index.html"]
    for name in ("doc1", "doc2", "doc3"):  # what was complete stays complete
        assert after[f"{name}.json"] == before[f"{name}.json"] and after[f"{name}.html"] == before[f"{name}.html"]


@needs("apertium")
def test_a_full_disk_through_the_cli_exits_1_with_one_line(tmp_path: Path) -> None:
    source = tmp_path / "article.txt"
    source.write_text(TEXT, encoding="utf-8")
    script = (
        "import errno, sys\n"
        "import pipeline.outputs.folder as o\n"
        "def full(path, text): raise OSError(errno.ENOSPC, 'No space left on device')\n"
        "o.write_temporary = full\n"
        "from pipeline.cli.main import entry_point\n"
        f"sys.argv = ['normalize', 'run', '--engine', 'apertium', {str(source)!r}, '--out', {str(tmp_path / 'out')!r}]\n"
        "entry_point()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith("normalize: error: no space left on")


def test_one_report_feeds_report_json_index_and_summary(tmp_path: Path, fr_en: Glossary) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text(TEXT, encoding="utf-8")
    (inputs / "empty.txt").write_text("  \n", encoding="utf-8")
    out = tmp_path / "out"
    result = run(options([inputs], out, fr_en), engine=ScriptedEngine())
    report = result.report
    assert json.loads((out / "report.json").read_text(encoding="utf-8")) == report.to_json()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "2 documents, 1 failed" in index
    first = report.summary(out)[0]
    changes = sum(report.changes_per_entry.values())
    assert first.startswith(f"1 of 2 documents written to {out}/ with echo ({changes} change")
    assert [d.name for d in report.failed] == ["empty"]


def test_foreign_check_happens_before_any_page_is_written(tmp_path: Path, fr_en: Glossary) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("a", "b"):
        (inputs / f"{name}.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "b.html").write_text("mine", encoding="utf-8")
    with pytest.raises(ConfigError, match="b.html"):
        run(options([inputs], out, fr_en), engine=ScriptedEngine())
    assert not (out / "a.html").exists() and (out / "b.html").read_text(encoding="utf-8") == "mine"


def test_pages_of_a_run_from_before_the_manifest_are_recognised(tmp_path: Path, fr_en: Glossary) -> None:
    source = tmp_path / "article.txt"
    source.write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    run(options([source], out, fr_en), engine=ScriptedEngine())
    (out / MANIFEST_NAME).unlink()  # as an older normalize left the folder
    again = run(options([source], out, fr_en), engine=ScriptedEngine())
    assert again.exit_code == 0 and (out / MANIFEST_NAME).is_file()


def test_the_longest_input_name_fits_every_format(tmp_path: Path, fr_en: Glossary) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    long = folder / ("é" * 60 + "a" * 131 + ".txt")  # 255 bytes, the limit: "NAME.html" would be 256
    long.write_text("Les terroristes ont fui la ville.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run(options([folder], out, fr_en, formats=("html", "json", "tmx", "xliff")), engine=ScriptedEngine())
    assert result.report.failed == []
    (name,) = {p.name.split(".")[0] for p in out.iterdir() if p.name.startswith("é")}
    assert len(name.encode()) <= 160 + 9  # 251 bytes cut to 160, plus "-" and a hash of the path
    assert {p.suffix for p in out.iterdir() if p.name.startswith(name)} == {".html", ".json", ".tmx", ".xlf"}
    assert all(len(p.name.encode()) < 255 for p in out.iterdir())
