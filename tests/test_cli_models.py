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

from pipeline.cli.main import app
from pipeline.engines.argos import ArgosEngine
from tests.conftest import needs


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


def package_archive(folder: Path, metadata: object, files: dict[str, bytes] | None = None, name: str = "pkg") -> Path:
    """A hand-made .argosmodel: one folder with this metadata.json and these files (default: model files present)."""
    import zipfile

    archive = folder / f"{name}.argosmodel"
    members = {"model/model.bin": b"m", "sentencepiece.model": b"s"} if files is None else files
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{name}/metadata.json", json.dumps(metadata))
        for member, data in members.items():
            zf.writestr(f"{name}/{member}", data)
    return archive


GOOD_METADATA = {"from_code": "fr", "to_code": "en", "package_version": "1.0", "type": "translate"}


@pytest.mark.parametrize(
    ("metadata", "files", "message"),
    [
        pytest.param(
            ["fr", "en"],
            None,
            "metadata.json should be an object with from_code, to_code and package_version, got a list",
            id="a list",
        ),
        pytest.param(
            {}, None, "metadata.json has a missing or invalid from_code None, to_code None, package_version None", id="empty"
        ),
        pytest.param({**GOOD_METADATA, "to_code": "../etc"}, None, "invalid to_code '../etc'", id="bad code"),
        pytest.param({**GOOD_METADATA, "type": "sbd"}, None, "type 'sbd' (only translate packages are used)", id="not translate"),
        pytest.param(GOOD_METADATA, {"README.md": b"no model"}, "lacks model/model.bin and sentencepiece.model", id="no model"),
        pytest.param(GOOD_METADATA, {"model/model.bin": b"m"}, "lacks sentencepiece.model", id="no sentencepiece"),
    ],
)
def test_install_validates_metadata_and_contents(
    cli: typer.Typer, argos_dir: Path, tmp_path: Path, metadata: object, files: dict[str, bytes] | None, message: str
) -> None:
    """A list used to crash with a traceback, {} to install "None->None", a package without a model to install."""
    result = CliRunner().invoke(cli, ["models", "install", "--file", str(package_archive(tmp_path, metadata, files))])
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert not isinstance(result.exception, (AttributeError, TypeError, KeyError))
    assert not argos_dir.exists() or not any(argos_dir.iterdir())


def test_zip_bomb_is_refused_by_its_declared_size(argos_dir: Path, tmp_path: Path) -> None:
    from pipeline.engines.argos.packages import install_file
    from pipeline.errors import ConfigError

    bomb = package_archive(tmp_path, GOOD_METADATA, {"model/model.bin": bytes(8 * 1024**2), "sentencepiece.model": b"s"})
    assert bomb.stat().st_size < 100_000  # 8 MB of zeros compress to almost nothing
    with pytest.raises(ConfigError, match=r"declares 8\.0 MB unpacked, over the 1\.0 MB limit for a package"):
        install_file(bomb, argos_dir, max_unpacked=1024**2)
    assert not list(tmp_path.glob(".argos-installing-*")) and not list(argos_dir.parent.glob(".argos-installing-*"))


def test_zip_bomb_lying_about_its_size_stops_while_unpacking(
    argos_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sizes in the headers are the archive's word; the bytes actually written are counted too."""
    from pipeline.engines.argos import packages as argos_packages
    from pipeline.errors import ConfigError

    bomb = package_archive(tmp_path, GOOD_METADATA, {"model/model.bin": bytes(3 * 1024**2), "sentencepiece.model": b"s"})
    real_check = argos_packages._archive_top_folder
    monkeypatch.setattr(argos_packages, "_archive_top_folder", lambda archive, limit: (real_check(archive)[0], 10))
    with pytest.raises(ConfigError, match=r"expands past the 1\.0 MB limit for a package while unpacking"):
        argos_packages.install_file(bomb, argos_dir, max_unpacked=1024**2)
    assert not list(argos_dir.parent.glob(".argos-installing-*"))


def test_install_refuses_when_the_disk_is_too_full(argos_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from pipeline.engines.argos import packages as argos_packages
    from pipeline.errors import ConfigError

    archive = package_archive(tmp_path, GOOD_METADATA, {"model/model.bin": bytes(1024), "sentencepiece.model": b"s"})
    monkeypatch.setattr(argos_packages.shutil, "disk_usage", lambda path: shutil._ntuple_diskusage(10**9, 10**9 - 5000, 5000))  # type: ignore[attr-defined]
    with pytest.raises(ConfigError, match=r"unpacks to 0\.0 MB but only 0\.0 MB is free beside"):
        argos_packages.install_file(archive, argos_dir)


@needs("apertium")
def test_auto_skips_a_package_that_cannot_load_and_uses_apertium(
    argos_fr_en: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A package folder without its model used to break every --engine auto run with exit 2."""
    from pipeline.engines import EngineWarning, create_engine

    model = next(argos_fr_en.glob("*/model/model.bin"))
    model.unlink()
    with pytest.warns(
        EngineWarning, match=r"lacks model/model.bin; skipping argos, reinstall it with `normalize models install`"
    ):
        engine = create_engine("auto", "fr", "en")
    assert engine.name == "apertium"


def test_auto_still_prefers_a_whole_package(argos_fr_en: Path) -> None:
    from pipeline.engines import create_engine

    assert create_engine("auto", "fr", "en").name == "argos"
