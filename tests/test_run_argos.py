"""`normalize run --engine argos` end to end with a synthetic Argos package installed from a file.

The model's output is gibberish; these tests prove the mechanics: installing,
choosing the engine, batching every sentence, the cache, and the glossary's
guarantees (every hit gets its standard name, or a finding says why not).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pipeline.cli.main import app
from pipeline.engines.argos import ArgosEngine
from pipeline.engines.base import Engine, EngineOutput, Span
from pipeline.glossary.load import Glossary
from pipeline.model import Method
from tests.conftest import LABELLED, SEED
from tests.labelled import load_cases, run_cases
from tests.test_glossary_labelled import score

runner = CliRunner()


def test_install_from_file_then_run_with_argos(
    argos_dir: Path, argos_archives: dict[str, Path], seeds: Path, tmp_path: Path
) -> None:
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
    result = runner.invoke(
        app, ["run", str(seeds), "--engine", "argos", "--beam-size", "1", "--compute-type", "float32", "-o", str(out), "-q"]
    )
    assert result.exit_code == 0, result.stderr
    version = json.loads((out / "report.json").read_text(encoding="utf-8"))["engine"]["version"]
    assert "beam 1" in version or "beam_size=1" in version or "beam=1" in version, version
    assert "float32" in version
    bad = runner.invoke(app, ["run", str(seeds), "--engine", "argos", "--beam-size", "0", "-o", str(out)])
    assert bad.exit_code == 2 and "beam" in bad.stderr


def test_threads_flag_is_the_engines_cpu_budget(
    argos_fr_en: Path, seeds: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[tuple[int, int]] = []
    original = ArgosEngine.__init__

    def recording(self: ArgosEngine, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        built.append(self.threads)

    monkeypatch.setattr(ArgosEngine, "__init__", recording)
    result = runner.invoke(app, ["run", str(seeds), "--engine", "argos", "--threads", "1", "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.stderr
    assert built == [(1, 1)]
    bad = runner.invoke(app, ["run", str(seeds), "--engine", "argos", "--threads", "-1", "-o", str(tmp_path / "out")])
    assert bad.exit_code == 2 and "threads" in bad.stderr


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


class WithoutAttention(ArgosEngine):
    """The Argos engine with its attention hidden: every hit takes the placeholder fallback."""

    name = "argos-without-attention"
    aligns = False

    def translate_aligned(self, sentences: Sequence[str], spans: Sequence[Sequence[Span]]) -> list[EngineOutput]:
        return Engine.translate_aligned(self, sentences, spans)


@pytest.mark.parametrize(
    ("kind", "methods"),
    [(ArgosEngine, {Method.ALIGNED}), (WithoutAttention, {Method.PLACEHOLDER_SPLIT})],
    ids=["aligned", "placeholder-fallback"],
)
def test_labelled_set_mechanics_with_the_synthetic_model(
    argos_fr_en: Path, fr_en: Glossary, kind: type[ArgosEngine], methods: set[Method]
) -> None:
    """Gibberish English, yet every label ends up as its standard name, whether spliced where the
    attention put the words or (the fallback) translated around placeholders, which the random
    model drops, so the text between them is translated piece by piece."""
    engine: Engine = kind("fr", "en")
    cases = load_cases(LABELLED)
    docs = run_cases(fr_en, cases, engine)
    s = score(cases, docs)
    print(f"\nsynthetic argos, {kind.__name__}: {s}")
    assert s.normalised_rate >= 0.98, s.misses
    assert s.false_replacements == []
    assert s.quoted_kept_and_flagged == s.quoted
    assert methods <= {c.method for d in docs for seg in d.segments for c in seg.changes}
