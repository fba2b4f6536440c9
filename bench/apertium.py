"""Apertium: a whole `normalize run` against a single bare `apertium` pipe over the same articles (issue 35, goal 1).

    .venv/bin/python bench/apertium.py                 # ../shared/corpus/articles, 3 alternating repeats
    .venv/bin/python bench/apertium.py --repeat 5 --articles DIR
    git archive REV | tar -x -C /tmp/old && .venv/bin/python bench/apertium.py --baseline /tmp/old   # another revision too

Alternates, in one process, `apertium -u fr-es | apertium -u spa-eng` over the
articles' text (concatenated, as one file) and `normalize run --engine apertium
--no-cache --force` over the same folder, each a fresh subprocess; prints wall
and CPU seconds (user + system of the children) of each run, the fastest of
each, and speed = bare / normalize (>= 1.0: the run is at least as fast as
the bare pipe). See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT.parent / "shared" / "corpus" / "articles"


def timed(command: list[str], **kwargs: object) -> tuple[float, float]:
    """Wall and CPU seconds (the children's user + system) of one command, which must succeed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, **kwargs)  # type: ignore[call-overload]
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, default=ARTICLES)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--baseline", type=Path, help="a tree of another revision, run as `python -m pipeline` from it, alternating too"
    )
    args = parser.parse_args()
    files = sorted(args.articles.glob("*.txt"))
    if not files:
        sys.exit(f"no *.txt in {args.articles}")
    normalize = str(Path(sys.executable).with_name("normalize"))
    with tempfile.TemporaryDirectory(prefix="normalize-bench-apertium-") as work:
        text = Path(work) / "all.txt"
        text.write_bytes(b"".join(f.read_bytes() for f in files))
        bare = f"apertium -u fr-es < {text} | apertium -u spa-eng > /dev/null"
        run = [normalize, "run", str(args.articles), "--engine", "apertium", "--no-cache", "--force", "-o", f"{work}/out", "-q"]
        words = len(text.read_text(encoding="utf-8").split())
        print(f"{len(files)} articles, {words:,} words; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
        commands = {"bare": ["bash", "-c", bare], "normalize": run}
        if args.baseline:
            commands["baseline"] = [sys.executable, "-m", "pipeline", *run[1:]]
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for i in range(args.repeat):
            for name in list(commands) if i % 2 == 0 else list(commands)[::-1]:
                cwd = args.baseline if name == "baseline" else None
                wall, cpu = timed(commands[name], stderr=subprocess.DEVNULL if name == "bare" else None, cwd=cwd)
                results[name].append((wall, cpu))
                print(f"  {name:9s} {wall:6.2f} s wall {cpu:6.2f} s CPU")
        best = {name: min(runs) for name, runs in results.items()}
        print(f"load average {os.getloadavg()[0]:.1f}")
        print(f"bare pipe  {best['bare'][0]:.2f} s (fastest of {args.repeat}; CPU {best['bare'][1]:.2f} s)")
        for name in [n for n in commands if n != "bare"]:
            print(f"{name:10s} {best[name][0]:.2f} s (fastest of {args.repeat}; CPU {best[name][1]:.2f} s)")
        for name in [n for n in commands if n != "bare"]:
            ratios = [b[0] / n[0] for b, n in zip(results["bare"], results[name], strict=True)]
            speed = best["bare"][0] / best[name][0]
            print(f"speed      {name}: {speed:.2f}x (bare / {name}; per pair {min(ratios):.2f}-{max(ratios):.2f}x)")


if __name__ == "__main__":
    main()
