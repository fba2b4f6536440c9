"""`normalize run --engine argos` end to end with a synthetic Argos package installed from a file.

The model's output is gibberish; these tests prove the mechanics: installing,
choosing the engine, batching every sentence, the cache, and the glossary's
guarantees (every hit gets its standard name, or a finding says why not).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.engines.argos import ArgosEngine
from pipeline.engines.base import Engine
from pipeline.glossary.load import Glossary
from tests.conftest import SEED
from tests.test_glossary_labelled import run_labelled, score

runner = CliRunner()



def test_install_from_file_then_run_with_argos(argos_dir: Path, argos_archives: dict[str, Path], seeds: Path, tmp_path: Path) -> None:
    assert runner.invoke(app, ["models", "install", "--file", str(argos_archives["fr-en"])]).exit_code == 0
    listed = runner.invoke(app, ["models", "list"])
    assert listed.exit_code == 0
    assert "fr->en" in listed.stdout
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(seeds), "--engine", "argos", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    data = json.loads((out / f"{SEED.stem}.json").read_text(encoding="utf-8"))
    assert data["engine"]["name"] == "argos"
    assert data["engine"]["pivot"] == ["fr", "en"]
    assert all(seg["mt"] for seg in data["segments"])
    for seg in data["segments"]:
        for change in seg["changes"]:
            a, b = change["target_span"]
            assert seg["target"][a:b] == change["target_text"]


def test_auto_prefers_an_installed_argos_package(argos_fr_en: Path, seeds: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["run", str(seeds), "-o", str(out), "-q"]).exit_code == 0
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["engine"]["name"] == "argos"


def test_second_run_translates_nothing_again(
    argos_fr_en: Path, seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    original = ArgosEngine.translate
    original_aligned = ArgosEngine.translate_aligned

    def counting(self: ArgosEngine, sentences: list[str]) -> list[str]:
        calls.append(len(sentences))
        return original(self, sentences)

    def counting_aligned(self: ArgosEngine, sentences: list[str], spans: Any) -> Any:
        calls.append(len(sentences))
        return original_aligned(self, sentences, spans)

    monkeypatch.setattr(ArgosEngine, "translate", counting)
    monkeypatch.setattr(ArgosEngine, "translate_aligned", counting_aligned)
    args = ["run", str(seeds), "--engine", "argos", "-o", str(tmp_path / "out"), "-q"]
    assert runner.invoke(app, args).exit_code == 0
    first = (tmp_path / "out" / f"{SEED.stem}.json").read_text(encoding="utf-8")
    # the sentences first (13 in the seed), then what locating the hits in this random model's output needs
    assert calls and calls[0] == 13
    cold = len(calls)
    assert runner.invoke(app, args).exit_code == 0
    assert len(calls) == cold  # everything came from the cache
    assert (tmp_path / "out" / f"{SEED.stem}.json").read_text(encoding="utf-8") == first
    assert runner.invoke(app, [*args, "--no-cache"]).exit_code == 0
    assert len(calls) == 2 * cold


def test_engine_flags_reach_the_engine(argos_fr_en: Path, seeds: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(seeds), "--engine", "argos", "--beam-size", "1", "--compute-type", "float32", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    version = json.loads((out / "report.json").read_text(encoding="utf-8"))["engine"]["version"]
    assert "beam 1" in version or "beam_size=1" in version or "beam=1" in version, version
    assert "float32" in version
    bad = runner.invoke(app, ["run", str(seeds), "--engine", "argos", "--beam-size", "0", "-o", str(out)])
    assert bad.exit_code == 2 and "beam" in bad.stderr


def test_config_file_sets_engine_options(argos_fr_en: Path, seeds: Path, tmp_path: Path) -> None:
    config = tmp_path / "normalize.toml"
    config.write_text('[engines.argos]\nbeam_size = 1\n\n[cache]\nenabled = false\n', encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(seeds), "--engine", "argos", "--config", str(config), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["options"]["cache"] is False
    config.write_text("[engine]\nbeam = 1\n", encoding="utf-8")
    bad = runner.invoke(app, ["run", str(seeds), "--config", str(config), "-o", str(out)])
    assert bad.exit_code == 2 and "unknown section 'engine'" in bad.stderr


def test_argos_without_a_package_says_how_to_install(seeds: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", str(seeds), "--engine", "argos", "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "normalize models install" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_labelled_set_mechanics_with_the_synthetic_model(argos_fr_en: Path, fr_en: Glossary) -> None:
    """Gibberish English, yet every label ends up as its standard name: the random model drops
    placeholders, so the sentences are translated around them."""
    engine: Engine = ArgosEngine("fr", "en")
    cases, docs = run_labelled(fr_en, engine)
    s = score(cases, docs)
    print(f"\nsynthetic argos: {s}")
    assert s.normalised_rate >= 0.98, s.misses
    assert s.false_replacements == []
    assert s.quoted_kept_and_flagged == s.quoted
    methods = {c.method for d in docs for seg in d.segments for c in seg.changes}
    assert "placeholder-split" in methods
