"""The command line: exit codes, messages, and the files a run writes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import click
import jinja2
import jinja2.bccache
import pytest
import typer.core
import typer.main
from typer.testing import CliRunner

from pipeline import progress
from pipeline.cli.main import app
from pipeline.render import html
from tests.conftest import ROOT, SEED

runner = CliRunner()


def normalize(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_run_writes_every_output_and_exits_0(seeds: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, _, err = normalize("run", str(seeds), "--out", str(out), "--engine", "apertium")
    assert code == 0, err
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        ".normalize-manifest.json",
        "000_f8df967454c24556.html",
        "000_f8df967454c24556.json",
        "index.html",
        "report.json",
    ]
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["documents"]["failed"] == []
    assert report["changes_per_entry"]["group-militants"] >= 3
    assert "1 of 1 document written" in err


def test_quiet_prints_nothing_on_success(seeds: Path, tmp_path: Path) -> None:
    code, out, err = normalize("run", str(seeds), "--out", str(tmp_path / "o"), "--engine", "apertium", "--quiet")
    assert (code, out, err) == (0, "", "")


def test_a_failing_document_does_not_stop_the_others(seeds: Path, tmp_path: Path) -> None:
    (seeds / "empty.txt").write_text("  \n", encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = normalize("run", str(seeds), "--out", str(out), "--engine", "apertium", "-q")
    assert code == 1
    assert "empty.txt" in err and "empty" in err.splitlines()[0]
    assert (out / "000_f8df967454c24556.html").exists()
    assert not (out / "empty.json").exists()
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert [f["path"].endswith("empty.txt") for f in report["documents"]["failed"]] == [True]
    assert "empty" in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "/nonexistent/folder"], "/nonexistent/folder does not exist; check the path"),
        (["run", "SEED", "--engine", "babel"], "unknown engine 'babel'"),
        (["run", "SEED", "--formats", "pdf"], "unknown output format 'pdf'"),
        (["run", "SEED", "--source", "xx"], "no glossary for xx->en"),
        (["run", "SEED", "--glossary", "BADGLOSSARY"], "bad.yaml:4:1: YAML syntax error"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args: list[str], message: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("source: fr\ntarget: en\nentries: [\n", encoding="utf-8")
    args = [str(SEED) if a == "SEED" else str(bad) if a == "BADGLOSSARY" else a for a in args]
    code, _, err = normalize(*args, "--out", str(tmp_path / "out"))
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_python_dash_m_and_version() -> None:
    done = subprocess.run([sys.executable, "-m", "pipeline", "--version"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0
    assert done.stdout.startswith("normalize ")


def test_duplicate_names_in_different_folders_do_not_overwrite(tmp_path: Path) -> None:
    for sub in ("a", "b"):
        (tmp_path / "in" / sub).mkdir(parents=True)
        (tmp_path / "in" / sub / "article.txt").write_text(f"Les terroristes de Daech ({sub}).", encoding="utf-8")
    out = tmp_path / "out"
    code, _, err = normalize("run", str(tmp_path / "in"), "--out", str(out), "--engine", "apertium", "-q")
    assert code == 0, err
    assert len(list(out.glob("article-*.json"))) == 2


def test_shell_completion_is_offered_and_completes_commands() -> None:
    helped = CliRunner().invoke(app, ["--help"])
    assert "--install-completion" in helped.output and "--show-completion" in helped.output
    env = {**os.environ, "_NORMALIZE_COMPLETE": "complete_bash", "COMP_WORDS": "normalize gl", "COMP_CWORD": "1"}
    done = subprocess.run([sys.executable, "-m", "pipeline"], env=env, capture_output=True, text=True, timeout=60)
    assert "glossary" in done.stdout.split()


def _command_paths(command: click.Command, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and sub-command of ``normalize``, as the words that invoke it."""
    paths = [path]
    if isinstance(command, typer.core.TyperGroup):
        for name, sub in command.commands.items():
            paths.extend(_command_paths(sub, (*path, name)))
    return paths


@pytest.mark.parametrize("words", _command_paths(typer.main.get_command(app)), ids=" ".join)
def test_help_shows_metavars_not_python_types(words: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*words, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: normalize" in result.output
    assert not re.search(r"<\w+(\[\w+\])?>", result.output), result.output  # typer's `<str>`, `<list[Path]>` tags


def test_help_loads_no_rich_glossary_cache_or_engine() -> None:
    """`normalize --help` stays quick: rich's help formatter, YAML, SQLite and the engines are imported by the commands."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pipeline", "--help"], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0 and "Usage: normalize" in done.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "typer.main" in imported  # the listing is complete enough to mean something
    heavy = {
        "rich",
        "yaml",
        "sqlite3",
        "jinja2",
        "pydantic",
        "pipeline.glossary.load",
        "pipeline.engines.argos.packages",
        "pipeline.run",
    }
    assert not heavy & imported


def test_progress_bar_shows_what_was_counted_before_it_appeared(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "_is_terminal", lambda: True)
    with progress.Bar(total=5, delay=3600) as bar:  # the timer never fires: the test shows the bar itself
        bar.describe("translating")
        bar.advance(2)
        bar._start()
        assert bar._progress is not None
        bar.advance()
        (task,) = bar._progress.tasks
        assert (task.description, task.completed, task.total) == ("translating", 3, 5)
        assert task.start_time == bar._began
    assert bar._progress is None


def test_progress_bar_does_not_appear_after_the_run_ended() -> None:
    bar = progress.Bar(total=1)
    with bar:
        pass
    bar._start()  # the timer fired as the run ended
    assert bar._progress is None


def test_a_short_run_never_imports_rich() -> None:
    code = (
        "import sys\nfrom pipeline.progress import Bar\n"
        "with Bar(total=2) as bar:\n    bar.describe('translating'); bar.advance(2); bar.log('a message')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'rich'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, "[]\n", "a message\n")



@pytest.fixture
def template_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private cache home, and a fresh template environment before and after the test."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    html.environment.cache_clear()
    yield tmp_path / "cache" / "normalize" / "templates"
    html.environment.cache_clear()


def _no_compiling(*args: object, **kwargs: object) -> NoReturn:
    raise AssertionError("the template was compiled again")


def test_pages_are_rendered_from_templates_compiled_by_an_earlier_run(
    template_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    css = html.environment().get_template("page.css").render()
    assert len(list(template_cache.iterdir())) == 1
    html.environment.cache_clear()  # a new run, as far as jinja knows
    monkeypatch.setattr(jinja2.Environment, "compile", _no_compiling)
    assert html.environment().get_template("page.css").render() == css


def test_a_damaged_template_cache_file_is_compiled_again(template_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    css = html.environment().get_template("page.css").render()
    (cached,) = template_cache.iterdir()
    cached.write_bytes(jinja2.bccache.bc_magic + b"\x80 not a pickle")  # jinja's header, then garbage
    html.environment.cache_clear()
    assert html.environment().get_template("page.css").render() == css
    html.environment.cache_clear()
    monkeypatch.setattr(jinja2.Environment, "compile", _no_compiling)
    assert html.environment().get_template("page.css").render() == css  # the damaged file was replaced


def test_an_unwritable_template_cache_is_skipped(template_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "cache").write_text("a file where the cache folder would go", encoding="utf-8")
    assert "body" in html.environment().get_template("page.css").render()
