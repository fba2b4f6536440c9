"""Installing and finding Argos packages: archive checks, replacement, route choice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pipeline.engines.argos.packages import find_route, install_file, installed_packages, model_identity, packages_dir
from pipeline.errors import ConfigError


def test_installing_twice_replaces_the_package(argos_dir: Path, argos_archives: dict[str, Path]) -> None:
    first = install_file(argos_archives["fr-en"], argos_dir)
    again = install_file(argos_archives["fr-en"], argos_dir)
    assert first.package_path == again.package_path
    assert [p.from_code for p in installed_packages(argos_dir)] == ["fr"]
    assert not list(argos_dir.parent.glob(".argos-installing-*"))  # staging cleaned up
    assert model_identity(first) == model_identity(again)


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"a/metadata.json": "{}", "b/x": ""}, "one folder with a metadata.json"),
        ({"a/model.bin": ""}, "one folder with a metadata.json"),
        ({"a/metadata.json": "{", "a/x": ""}, "unreadable metadata.json"),
        ({"a/metadata.json": "{}", "a/../../evil": ""}, "outside its package folder"),
    ],
)
def test_malformed_archives_are_refused(tmp_path: Path, members: dict[str, str], message: str) -> None:
    archive = tmp_path / "bad.argosmodel"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    with pytest.raises(ConfigError, match=message):
        install_file(archive, tmp_path / "packages")
    assert not (tmp_path / "packages").exists() or not any((tmp_path / "packages").iterdir())


def test_a_broken_installed_folder_is_reported(argos_dir: Path) -> None:
    (argos_dir / "stray").mkdir(parents=True)
    with pytest.raises(ConfigError, match="broken package"):
        installed_packages(argos_dir)


def test_route_prefers_direct_then_newest_then_pivot(argos_dir: Path, argos_archives: dict[str, Path]) -> None:
    fr_en = install_file(argos_archives["fr-en"], argos_dir)
    en_de = install_file(argos_archives["en-de"], argos_dir)
    newer = argos_dir / "translate-fr_en-2_0"
    newer.mkdir()
    metadata = json.loads((Path(fr_en.package_path) / "metadata.json").read_text())
    (newer / "metadata.json").write_text(json.dumps({**metadata, "package_version": "2.0"}))
    packages = installed_packages(argos_dir)
    assert [p.package_version for p in find_route(packages, "fr", "en") or []] == ["2.0"]
    assert [(p.from_code, p.to_code) for p in find_route(packages, "fr", "de") or []] == [("fr", "en"), ("en", "de")]
    assert find_route(packages, "de", "fr") is None
    assert find_route(packages, "en", "fr") is None
    assert en_de.to_code == "de"


def test_the_package_folder_is_found_as_argostranslate_finds_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Environment, then Argos' settings.json, then the XDG default; and asking creates no folder anywhere."""
    monkeypatch.delenv("ARGOS_PACKAGES_DIR", raising=False)
    monkeypatch.delenv("SNAP", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert packages_dir() == tmp_path / "data" / "argos-translate" / "packages"
    settings = tmp_path / "config" / "argos-translate" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({"ARGOS_PACKAGES_DIR": str(tmp_path / "elsewhere")}))
    assert packages_dir() == tmp_path / "elsewhere"
    settings.write_text("{not json")
    assert packages_dir() == tmp_path / "data" / "argos-translate" / "packages"
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "explicit"))
    assert packages_dir() == tmp_path / "explicit"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config"]


def test_probing_an_empty_folder_imports_nothing_of_argostranslate(tmp_path: Path) -> None:
    """``--engine auto`` asks on every run: with no package there, argostranslate is not imported (nor its folders made)."""
    code = (
        "import sys; from pipeline.engines.argos.engine import ArgosEngine; "
        "assert not ArgosEngine.available('fr', 'en'); "
        "print(sorted(m for m in sys.modules if m.startswith('argostranslate')))"
    )
    home = tmp_path / "home"
    env = {**os.environ, "HOME": str(home), "ARGOS_PACKAGES_DIR": str(tmp_path / "none"), "XDG_CONFIG_HOME": "",
           "XDG_DATA_HOME": "", "XDG_CACHE_HOME": ""}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    assert not home.exists()
