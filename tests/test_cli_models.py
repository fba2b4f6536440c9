"""``normalize models list/install`` against a package index served over loopback HTTP."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.engines.argos import ArgosEngine


@pytest.fixture
def cli() -> typer.Typer:
    """The real ``normalize`` command line."""
    return app


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        """Keep request logs out of the test output."""


@pytest.fixture
def package_index(tmp_path: Path, argos_archives: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A loopback HTTP server with an index.json listing the fr->en archive; ARGOS_PACKAGE_INDEX points at it."""
    root = tmp_path / "index"
    root.mkdir()
    archive = argos_archives["fr-en"]
    (root / archive.name).write_bytes(archive.read_bytes())
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    entry = {
        "type": "translate",
        "from_code": "fr",
        "to_code": "en",
        "from_name": "French",
        "to_name": "English",
        "package_version": "1.0",
        "argos_version": "1.9",
        "links": [base + archive.name],
    }
    (root / "index.json").write_text(json.dumps([entry]), encoding="utf-8")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", base)
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_install_from_file_then_list(cli: typer.Typer, argos_dir: Path, argos_archives: dict[str, Path]) -> None:
    runner = CliRunner()
    empty = runner.invoke(cli, ["models", "list"])
    assert empty.exit_code == 0 and "no Argos packages" in empty.output
    result = runner.invoke(cli, ["models", "install", "--file", str(argos_archives["fr-en"])])
    assert result.exit_code == 0, result.output
    assert "installed fr->en 1.0" in result.output
    listing = runner.invoke(cli, ["models", "list"], env={"COLUMNS": "200"})
    assert listing.exit_code == 0
    assert "fr->en" in listing.output and "1.0" in listing.output and "kB" in listing.output
    assert ArgosEngine.available("fr", "en")


def test_install_from_the_package_index(cli: typer.Typer, argos_dir: Path, package_index: str) -> None:
    result = CliRunner().invoke(cli, ["models", "install", "fr", "en"])
    assert result.exit_code == 0, result.output
    assert "installed fr->en 1.0" in result.stdout
    assert ArgosEngine.available("fr", "en")
    assert len(ArgosEngine("fr", "en").translate(["Bonjour.", "Merci."])) == 2


def test_pair_missing_from_the_index_is_one_line(cli: typer.Typer, argos_dir: Path, package_index: str) -> None:
    result = CliRunner().invoke(cli, ["models", "install", "fr", "xx"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "offers: fr->en" in result.stderr


def test_unreachable_index_exits_2_with_one_line(
    cli: typer.Typer, argos_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", f"http://127.0.0.1:{closed_port()}/")
    result = CliRunner().invoke(cli, ["models", "install", "fr", "en"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("normalize: error: cannot fetch the Argos package index")
    assert "--file" in result.stderr and "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["models", "install"], "give either two language codes"),
        (["models", "install", "fr"], "give either two language codes"),
        (["models", "install", "fr", "en", "--file", "x.argosmodel"], "give either two language codes"),
        (["models", "install", "--file", "missing.argosmodel"], "no such file"),
    ],
)
def test_bad_install_arguments_exit_2(cli: typer.Typer, argos_dir: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_install_rejects_a_file_that_is_not_a_package(cli: typer.Typer, argos_dir: Path, tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.argosmodel"
    bogus.write_text("not a zip")
    result = CliRunner().invoke(cli, ["models", "install", "--file", str(bogus)])
    assert result.exit_code == 2 and "not an Argos package" in result.stderr
    assert not argos_dir.exists() or not any(argos_dir.iterdir())
