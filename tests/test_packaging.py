"""A non-editable install: the wheel carries its glossaries, so `normalize run seeds/` works outside the checkout."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import sysconfig
import warnings
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli.main import app
from pipeline.engines import create_engine
from pipeline.engines.argos import ArgosEngine
from tests.conftest import ROOT, needs


@needs("apertium")
def test_the_wheel_runs_the_seed_with_its_own_glossaries(tmp_path: Path) -> None:
    source, wheels = tmp_path / "source", tmp_path / "wheels"
    # Built from a copy: setuptools leaves build/ and *.egg-info in the tree it builds.
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".*", "output", "build", "*.egg-info", "__pycache__"))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", str(source), "-w", str(wheels)],
        check=True,
        cwd=tmp_path,
    )
    (wheel,) = wheels.glob("normalize-*.whl")
    # A fresh venv whose only extra path is this one's dependencies (a .pth line: no editable finder comes with it).
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    (site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True)
    elsewhere = tmp_path / "elsewhere"  # no glossaries/ here, and not the checkout
    elsewhere.mkdir()
    seeds = elsewhere / "seeds"
    seeds.mkdir()
    for seed in (ROOT / "seeds").glob("*.txt"):
        (seeds / seed.name).write_bytes(seed.read_bytes())
    result = subprocess.run([str(venv / "bin" / "normalize"), "run", "seeds", "--engine", "apertium", "--no-cache", "-q"],
                            cwd=elsewhere, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    report = json.loads((elsewhere / "output" / "report.json").read_text(encoding="utf-8"))
    glossaries = list(report["glossaries"])
    assert glossaries and all(Path(g).is_relative_to(site / "pipeline" / "glossaries") for g in glossaries), glossaries
    assert report["documents"]["done"] and not report["documents"]["failed"]


@needs("apertium")
def test_without_the_argos_extra_apertium_is_chosen_and_models_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "argostranslate" else real(name, *a))
    assert not ArgosEngine.available("fr", "en")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # auto says nothing of an extra the user did not install
        assert create_engine("auto", "fr", "en").name == "apertium"
    assert "pip install 'normalize[argos]'" in ArgosEngine.install_hint("fr", "en")
    result = CliRunner().invoke(app, ["models", "install", "fr", "en"])
    assert result.exit_code == 2 and "normalize[argos]" in result.stderr
