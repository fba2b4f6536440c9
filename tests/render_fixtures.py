"""Inputs and a run helper shared by the renderer and browser tests.

The texts exercise every kind of note a review page shows (a change, a loaded
label kept in a quotation, a loaded adjective, a leftover rendering) and the
escaping of hostile input in both the text and the file name.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.engines.base import Engine
from pipeline.glossary.load import Glossary, load_glossaries
from pipeline.run import RunOptions, RunResult, run
from tests.conftest import FR_EN, ROOT, SEED

__all__ = ["ROOT", "SEED", "run_fixtures", "write_inputs"]

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
SVG = "</textarea><svg onload=alert(1)>"
# A file name cannot hold "/", so the name carries the two payloads without one.
XSS_NAME = '"><img src=x onerror=alert(1)><svg onload=alert(1)>'
XSS_TEXT = f"Le groupe {SCRIPT} et {IMG} ont rejoint Daech.\n\nFin {SVG} des terroristes de Daech.\n"

# No date line: a document without metadata must render too.
QUOTED_TEXT = (
    "« Les terroristes de Daech ont attaqué nos positions », a déclaré le général Vladimir Savtchenko. "
    "Les combattants de l'EI ont ensuite quitté la ville.\n\n"
    "Une attaque terroriste a frappé Idlib. Les terroristes ont fui vers le nord.\n"
)


def glossary() -> Glossary:
    return load_glossaries([FR_EN], source="fr", target="en")


def write_inputs(folder: Path) -> dict[str, Path]:
    """The fixture documents as files in ``folder``, by role."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {"xss": folder / f"{XSS_NAME}.txt", "quoted": folder / "quoted.txt"}
    files["xss"].write_text(XSS_TEXT, encoding="utf-8")
    files["quoted"].write_text(QUOTED_TEXT, encoding="utf-8")
    return files


def run_fixtures(
    inputs: list[Path], out: Path, *, formats: tuple[str, ...] = ("html", "json"), engine: Engine | None = None
) -> RunResult:
    """The real pipeline over ``inputs``; Apertium unless an engine is given."""
    options = RunOptions(inputs=inputs, out=out, glossary=glossary(), engine="apertium", formats=formats, quiet=True)
    return run(options, engine=engine)
