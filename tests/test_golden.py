"""The seed article's English, changes and findings with Apertium, pinned (timings and hashes aside)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from pipeline.cli.main import app
from tests.conftest import SEED, check_golden, needs

pytestmark = needs("apertium")


def test_seed_output_is_pinned(seeds: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(seeds), "--engine", "apertium", "--no-cache", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    data = json.loads((out / f"{SEED.stem}.json").read_text(encoding="utf-8"))
    keep = ("id", "paragraph", "start", "end", "mt", "target", "changes", "findings")
    check_golden("seed-apertium", [{k: seg[k] for k in keep} for seg in data["segments"]])
