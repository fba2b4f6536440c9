"""Installing and finding Argos packages: archive checks, replacement, route choice."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from pipeline.engines.argos.packages import find_route, install_file, installed_packages, model_identity
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
