"""Scale: documents/s and peak RSS for growing corpora, and the local executor against Ray with 1 and 2 workers.

Usage:
    python bench/scale.py                       # 120 / 1,200 / 12,000 documents, local, Apertium
    python bench/scale.py --sizes 120,1200      # fewer sizes
    python bench/scale.py --ray 120             # also local vs Ray (1 and 2 workers) on 120 documents
    python bench/scale.py --sizes '' --nodes 400
                                                # Ray on clusters of 1 and 2 one-core nodes (each pinned to its own CPU)
    ARGOS_PACKAGES_DIR=/tmp/normalize-bench-pipeline/packages python bench/scale.py --engine argos --sizes 40,400
                                                # the real-size Argos model (build it with bench/whole_run.py first)

Documents are the articles of ../shared/corpus/articles/ repeated to the size
asked; copy i of an article gets its number in its first sentence only, so the
translation cache (a fresh one per run) serves the other sentences of repeats
and a 12,000-document run stays feasible on Apertium, while every document is
still read, matched, enforced, checked, rendered and written. Each run is a
fresh ``normalize run`` process; peak RSS is the child's ``ru_maxrss``; the
load column is the machine's 1-minute load average at the start and the end
of the run (other jobs share the machine: say it with the figures).
``--no-cache`` makes every sentence reach the engine (the Ray comparison
uses it: Apertium is process-bound, so 2 workers should approach 2x).

On one 2-core machine a local run already uses both cores (Apertium is a
pipeline of processes), so a second worker has no core of its own. ``--nodes``
measures what adding a machine does instead: it starts Ray clusters of one-core
nodes on this machine (``ray start --num-cpus 1`` under ``taskset``, node i on
CPU i, so each node's processes and their Apertium children stay on their
core, as on separate machines), runs the job on 1 node with 1 worker and on 2
nodes with 2 workers, and a local run pinned to one core for comparison. The
driver (``normalize run``) is not pinned; it only collects summaries and
writes the report.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT.parent / "shared" / "corpus" / "articles"
if not ARTICLES.is_dir():
    ARTICLES = Path("/work/shared/corpus/articles")


def make_corpus(folder: Path, count: int) -> None:
    sources = sorted(p for p in ARTICLES.glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in sources]
    folder.mkdir(parents=True)
    for i in range(count):
        text = texts[i % len(texts)]
        (folder / f"doc{i:05d}.txt").write_text(f"Copie {i}. {text}", encoding="utf-8")


def one_run(inputs: Path, out: Path, cache: Path, engine: str, *extra: str, pin: str | None = None) -> tuple[float, float, str]:
    """Seconds, peak RSS (MB) and the load average before-after of one ``normalize run`` in a fresh process."""
    before = os.getloadavg()[0]
    script = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "code = subprocess.call(sys.argv[1:])\n"
        "took = time.perf_counter() - start\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(took, rss, code)\n"
    )
    cmd = [sys.executable, "-m", "pipeline", "run", str(inputs), "--engine", engine, "--out", str(out),
           "--quiet", "--cache", str(cache), *extra]
    taskset = ["taskset", "-c", pin] if pin is not None else []
    done = subprocess.run([*taskset, sys.executable, "-c", script, *cmd], cwd=ROOT, capture_output=True, text=True, check=True)
    took, rss, code = done.stdout.split()
    if int(code) not in (0, 1):
        raise SystemExit(f"normalize run exited {code}")
    failed = json.loads((out / "report.json").read_text(encoding="utf-8"))["documents"]["failed"]
    if failed:  # a rate over failed documents measures nothing
        raise SystemExit(f"{len(failed)} documents failed, e.g. {failed[0]}")
    return float(took), float(rss), f"{before:.1f}-{os.getloadavg()[0]:.1f}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def pinned_cluster(nodes: int) -> Iterator[str]:
    """A Ray cluster of ``nodes`` one-core nodes on 127.0.0.1, node i pinned to CPU i; yields its address."""
    ray = str(Path(sys.executable).with_name("ray"))
    # RAY_AUTH_MODE=token (set in main): nodes and the driver share the token `ray start` makes. Worker
    # processes per node: what the README asks of a cluster's nodes ("What a cluster needs").
    env = {**os.environ, "RAY_num_workers_soft_limit": "3"}
    address = f"127.0.0.1:{_free_port()}"
    try:
        for i in range(nodes):
            role = (
                ["--head", "--port", address.split(":")[1], "--include-dashboard", "false"] if i == 0 else ["--address", address]
            )
            subprocess.run(["taskset", "-c", str(i), ray, "start", *role, "--num-cpus", "1", "--node-ip-address", "127.0.0.1",
                            "--dashboard-agent-listen-port", str(_free_port()), "--disable-usage-stats"],
                           env=env, check=True, capture_output=True)
        yield address
    finally:
        subprocess.run([ray, "stop", "--force"], env=env, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="120,1200,12000")
    parser.add_argument("--engine", default="apertium",
                        help="apertium (default) or argos: with ARGOS_PACKAGES_DIR=/tmp/normalize-bench-pipeline/packages, "
                        "the real-size model bench/whole_run.py builds")
    parser.add_argument("--ray", type=int, default=0, help="also compare local and Ray (1 and 2 workers) on this many documents")
    parser.add_argument("--nodes", type=int, default=0,
                        help="also run this many documents on Ray clusters of 1 and 2 one-core nodes, and locally on one core")
    args = parser.parse_args()
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    if args.nodes:
        os.environ.setdefault("RAY_AUTH_MODE", "token")  # `ray start` clusters require a token; joining nodes need it too
    work = Path(tempfile.mkdtemp(prefix="normalize-scale-"))
    try:
        print(f"{'documents':>10} {'executor':>10} {'seconds':>9} {'docs/s':>8} {'peak RSS MB':>12} {'load':>10}")
        peaks = []
        for size in (int(s) for s in args.sizes.split(",") if s):
            inputs = work / f"in{size}"
            make_corpus(inputs, size)
            took, rss, load = one_run(inputs, work / f"out{size}", work / f"cache{size}.sqlite", args.engine)
            peaks.append(rss)
            print(f"{size:>10} {'local':>10} {took:>9.1f} {size / took:>8.1f} {rss:>12.0f} {load:>10}", flush=True)
        if len(peaks) > 1:
            print(f"largest / smallest peak RSS: {max(peaks) / min(peaks):.2f}", flush=True)
        if args.ray:
            inputs = work / f"ray-in{args.ray}"
            make_corpus(inputs, args.ray)
            runs = [("local", []), ("ray x1", ["--executor", "ray", "--ray-workers", "1"]),
                    ("ray x2", ["--executor", "ray", "--ray-workers", "2"])]
            for label, extra in runs:
                took, rss, load = one_run(
                    inputs, work / f"ray-out-{label}", work / f"ray-{label}.sqlite", args.engine, "--no-cache", *extra
                )
                print(f"{args.ray:>10} {label:>10} {took:>9.1f} {args.ray / took:>8.1f} {rss:>12.0f} {load:>10}", flush=True)
        if args.nodes:
            inputs = work / f"nodes-in{args.nodes}"
            make_corpus(inputs, args.nodes)
            rates = {}
            took, rss, load = one_run(
                inputs, work / "nodes-local", work / "nodes-local.sqlite", args.engine, "--no-cache", pin="0"
            )
            print(
                f"{args.nodes:>10} {'local 1cpu':>10} {took:>9.1f} {args.nodes / took:>8.1f} {rss:>12.0f} {load:>10}", flush=True
            )
            for nodes in (1, 2):
                with pinned_cluster(nodes) as address:
                    label = f"ray {nodes}x1cpu"
                    took, rss, load = one_run(inputs, work / f"nodes-out{nodes}", work / f"nodes{nodes}.sqlite", args.engine,
                                              "--no-cache", "--executor", "ray", "--ray-address", address,
                                              "--ray-workers", str(nodes))
                    rates[nodes] = args.nodes / took
                    print(f"{args.nodes:>10} {label:>10} {took:>9.1f} {rates[nodes]:>8.1f} {rss:>12.0f} {load:>10}", flush=True)
            print(f"2 nodes / 1 node: {rates[2] / rates[1]:.2f}x", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
