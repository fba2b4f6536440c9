"""Shared fixtures: the repository's seed and glossary, and a fast test engine."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from pipeline.engines.base import Engine
from pipeline.glossary.load import Glossary, load_glossary_file
from tests.argos_fixture import build_package

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_f8df967454c24556.txt"
FR_EN = ROOT / "glossaries" / "fr-en.yaml"
GOLDEN = Path(__file__).resolve().parent / "data" / "golden"


def check_golden(name: str, data: object) -> None:
    """Pin ``data`` to ``tests/data/golden/NAME.json``, as sacrebleu pins its published scores.

    Any change to the English or the figures is then a visible diff in review:
    ``NORMALIZE_UPDATE_GOLDEN=1 pytest`` rewrites the files; commit them with the change that moved them.
    """
    path = GOLDEN / f"{name}.json"
    if os.environ.get("NORMALIZE_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run the tests with NORMALIZE_UPDATE_GOLDEN=1 to write it"
    assert json.loads(json.dumps(data)) == json.loads(path.read_text(encoding="utf-8")), (
        f"{name} moved; if intended, re-run with NORMALIZE_UPDATE_GOLDEN=1 and commit tests/data/golden/{name}.json"
    )


class EchoEngine(Engine):
    """A test double: "translates" by upper-casing, so placeholders and order are easy to check."""

    name = "echo"

    def __init__(self, source: str = "fr", target: str = "en") -> None:
        super().__init__(source, target)
        self.calls: list[list[str]] = []

    def translate(self, sentences: Sequence[str]) -> list[str]:
        self.calls.append(list(sentences))
        return [s.upper() for s in sentences]

    @property
    def version(self) -> str:
        return "echo 1"


@pytest.fixture(autouse=True, scope="session")
def _isolated_homes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test reads or writes the user's translation cache or Argos packages."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache-home")))
        patch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path_factory.mktemp("no-argos-packages")))
        yield


@pytest.fixture(scope="session")
def fr_en() -> Glossary:
    return load_glossary_file(FR_EN)


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    """A folder holding a copy of the seed article."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED, folder)
    return folder


@pytest.fixture
def echo_engine() -> EchoEngine:
    return EchoEngine()


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
