# ---- Argos engine fixtures (branch argos) -----------------------------------
# Synthetic Argos packages, built once per test session by tests/argos_fixture.py,
# and a per-test Argos package folder pointed to by ARGOS_PACKAGES_DIR.
from __future__ import annotations

from pathlib import Path

import pytest

from argos_fixture import build_package


@pytest.fixture(scope="session")
def argos_archives(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """``.argosmodel`` files for fr->en and en->de (different seeds), keyed by ``"fr-en"``."""
    out = tmp_path_factory.mktemp("argos-archives")
    return {
        "fr-en": build_package(out, "fr", "en", seed=1),
        "en-de": build_package(out, "en", "de", seed=2),
    }


@pytest.fixture
def argos_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty Argos package folder for this test (and a private translation cache home)."""
    directory = tmp_path / "argos-packages"
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(directory))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return directory


@pytest.fixture
def argos_fr_en(argos_dir: Path, argos_archives: dict[str, Path]) -> Path:
    """The package folder with the synthetic fr->en package installed."""
    from pipeline.engines.argos_packages import install_file

    install_file(argos_archives["fr-en"], argos_dir)
    return argos_dir


# ---- end of Argos engine fixtures --------------------------------------------
