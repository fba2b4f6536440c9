"""Latency of the review loop: `normalize --help`, and re-running one document whose sentences are all cached.

Usage: python bench/latency.py [--repeat 5] [--engine auto] [--inputs seeds/]

Each figure is the best of ``--repeat`` runs of ``python -m pipeline`` (this tree's) in a
fresh process: wall seconds, and CPU seconds (user + system, the process and its
children), which a loaded machine disturbs less than wall time. The runs:

- ``--help`` and ``run --help``;
- ``cached re-run``: the inputs were run once (filling a private cache), then each
  timed run edits the note of an entry every French document uses (Islamic
  State's), so its glossary fingerprint changes: every document is redone,
  every sentence comes from the cache (checked in the run's summary);
- ``up-to-date re-run``: nothing changed, every document is skipped.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This tree's pipeline, whatever checkout the venv's console script was installed from (``python -m pipeline``
# from a temporary folder, with this tree first on the path).
NORMALIZE = [sys.executable, "-m", "pipeline"]
# Bytecode is written and reused, as an installed package's is (pip compiles it): without it every run would
# compile ~90 modules from source (~0.1 s), which no user pays.
ENV = {
    **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
    "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])),
}
CACHED = re.compile(r"(\d+) of (\d+) sentences came from the translation cache")


def timed(command: list[str], cwd: Path) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the process and its children, stderr) of one run; a failure stops the bench."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stderr


def best(label: str, command: list[str], cwd: Path, repeat: int, before_each: Callable[[], None] | None = None) -> str:
    """Print the best wall and CPU time of ``repeat`` runs; returns the last run's stderr."""
    walls, cpus, err = [], [], ""
    for _ in range(repeat):
        if before_each is not None:
            before_each()
        wall, cpu, err = timed(command, cwd)
        walls.append(wall)
        cpus.append(cpu)
    print(f"{label:<22} {min(walls):6.3f} s wall  {min(cpus):6.3f} s CPU   (median wall {sorted(walls)[len(walls) // 2]:.3f} s)")
    return err


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure; the best is printed")
    parser.add_argument("--engine", default="auto", help="engine of the runs (default auto)")
    parser.add_argument("--inputs", type=Path, default=ROOT / "seeds", help="text file or folder to re-run (default seeds/)")
    args = parser.parse_args()
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}, {os.cpu_count()} CPUs, best of {args.repeat}")
    with tempfile.TemporaryDirectory(prefix="normalize-latency-") as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "glossaries", work / "glossaries")
        glossary = work / "glossaries" / "fr-en.yaml"
        run = [*NORMALIZE, "run", str(args.inputs.resolve()), "--out", "out", "--cache", "cache.sqlite3",
               "--engine", args.engine]
        edits = iter(range(1_000_000))

        def touch_glossary() -> None:
            text = re.sub(r"\(edit \d+\) ", "", glossary.read_text(encoding="utf-8"))
            note = '"Daech/Daesh" is the Arabic acronym'
            glossary.write_text(text.replace(note, f"(edit {next(edits)}) {note}", 1), encoding="utf-8")

        best("--help", [*NORMALIZE, "--help"], work, args.repeat)
        best("run --help", [*NORMALIZE, "run", "--help"], work, args.repeat)
        wall, cpu, _ = timed(run, work)
        print(f"{'first run':<22} {wall:6.3f} s wall  {cpu:6.3f} s CPU   (fills the cache)")
        err = best("cached re-run", run, work, args.repeat, before_each=touch_glossary)
        cached = CACHED.search(err)
        if cached is None or cached.group(1) != cached.group(2):
            sys.exit(f"the re-run did not take every sentence from the cache:\n{err}")
        best("up-to-date re-run", run, work, args.repeat)


if __name__ == "__main__":
    main()
