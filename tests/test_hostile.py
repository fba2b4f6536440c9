"""Hostile names: what reaches the terminal is escaped, so a file name cannot move the cursor, retitle the window or
forge a line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli.main import app
from pipeline.errors import printable


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain « é » name.txt", "plain « é » name.txt"),
        ("two\nlines.txt", "two\\nlines.txt"),
        ("\x1b[2J\x1b[Hcleared.txt", "\\x1b[2J\\x1b[Hcleared.txt"),
        ("\x1b]0;owned\x07title.txt", "\\x1b]0;owned\\x07title.txt"),
        ("\x9b31mc1.txt", "\\x9b31mc1.txt"),
        ("gpj.\u202eexe.txt", "gpj.\\u202eexe.txt"),
        ("caf\udce9.txt", "caf\\udce9.txt"),  # a byte that is not UTF-8, as Python decodes file names
    ],
)
def test_printable(text: str, shown: str) -> None:
    assert printable(text) == shown


def test_glossary_check_escapes_a_hostile_file_name(tmp_path: Path) -> None:
    bad = tmp_path / "evil\x1b]0;owned\x07\nforged.yaml"
    bad.write_text("source: fr\ntarget: en\nentries: [}", encoding="utf-8")
    result = CliRunner().invoke(app, ["glossary", "check", str(bad)])
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert result.stderr.count("\n") == 1 and "evil\\x1b]0;owned\\x07\\nforged.yaml" in result.stderr


def test_models_install_escapes_a_hostile_file_name(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["models", "install", "--file", str(tmp_path / "x\x1b[31m.argosmodel")])
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "x\\x1b[31m.argosmodel" in result.stderr
