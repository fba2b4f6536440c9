"""Scale: documents/s and peak RSS for growing corpora, and the local executor against Ray with 1 and 2 workers.

Usage:
    python bench/scale.py                       # 120 / 1,200 / 12,000 documents, local, Apertium
    python bench/scale.py --sizes 120,1200      # fewer sizes
    python bench/scale.py --ray 120             # also local vs Ray (1 and 2 workers) on 120 documents
    python bench/scale.py --sizes '' --nodes 400
                                                # Ray on clusters of 1 and 2 one-core nodes (each pinned to its own CPU)
    python bench/scale.py --sizes '' --ray-kill 1200
                                                # Ray (2 workers) on 1,200 documents, one translate actor SIGKILLed once
                                                # 30% of the translate batches have started (--kill-at); then the same
                                                # documents locally, and the outputs compared file by file
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

``--ray-kill N`` checks that a worker killed mid-run loses nothing: ``normalize
run --executor ray --ray-workers 2`` on N documents (fresh cache) and, once
``--kill-at`` of the translate batches have started (counted in the run's Ray
Data log, one DEBUG line per task), SIGKILL to one translate actor's process
that is translating a batch: a descendant of the run's process whose command
line (Ray's process title) is ``ray::MapWorker(MapBatches(Translator)).submit``
and whose parent's is not (a child forked by the actor keeps its title until
it execs). Pages are no measure of progress here: Ray Data runs the finish
tasks, which write them, only once the prepare tasks are done, so pages come
late in a run. The run must exit 0 and write every document; then the same
inputs run locally (fresh cache) and every file of the two output folders is
compared byte for byte (the report and index hold no timings: nothing differs
legitimately). Its peak RSS is the driver's own (``ru_maxrss`` of the
``normalize run`` process, read as it exits), not its Ray processes'. Ray
turns ``127.0.0.1`` given as the node's address into the machine's own
address, and its servers then listen on every interface, unless
``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0`` (the executor sets it for a local
cluster); this run fails if a process of the run listens anywhere else.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
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


TRANSLATE_OP = "MapBatches(Translator)"  # the translate stage, as Ray Data names it
TRANSLATOR = f"ray::MapWorker({TRANSLATE_OP})"  # Ray's process title of a translate actor (and of its methods)
# ``normalize run`` in this process, so that ``ru_maxrss`` is the driver's own, not its largest child's
DRIVER = (
    "import atexit, resource, runpy, sys\n"
    "out = sys.argv.pop(1)\n"
    "atexit.register(lambda: open(out, 'w').write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)))\n"
    "sys.argv[0] = 'normalize'\n"
    "runpy.run_module('pipeline', run_name='__main__', alter_sys=True)\n"
)


def _processes() -> dict[int, tuple[int, str]]:
    """Every process's parent and command line, from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()[1])
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except (OSError, IndexError, ValueError):
            continue  # ended meanwhile
        table[int(entry.name)] = (parent, cmdline)
    return table


def _descendants(root: int, table: dict[int, tuple[int, str]]) -> set[int]:
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        for child, (parent, _) in table.items():
            if parent == pid and child not in found:
                found.add(child)
                todo.append(child)
    return found


def translate_actors(root: int) -> dict[int, str]:
    """The processes of the translate actors under ``root`` (the run), not the children they fork, and their titles
    (``...Translator)).submit`` while one translates a batch)."""
    table = _processes()
    return {
        pid: table[pid][1] for pid in sorted(_descendants(root, table))
        if table[pid][1].startswith(TRANSLATOR) and not table.get(table[pid][0], (0, ""))[1].startswith(TRANSLATOR)
    }


def _alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie is dead)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _address(hexed: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """An address as /proc/net/tcp{,6} writes it (32-bit words in host order, little-endian here)."""
    raw = bytes.fromhex(hexed)
    return ipaddress.ip_address(b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4)))


def listening(root: int) -> set[str]:
    """The TCP addresses that ``root`` and its descendants listen on."""
    sockets = {}
    for name in ("tcp", "tcp6"):
        for line in Path(f"/proc/net/{name}").read_text(encoding="utf-8").splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A":  # LISTEN
                host, port = fields[1].split(":")
                sockets[fields[9]] = (_address(host), int(port, 16))
    found = set()
    for pid in {root} | _descendants(root, _processes()):
        try:
            links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except OSError:
            continue
        for link in links:
            inode = link[len("socket:["):-1] if link.startswith("socket:[") else None
            if inode in sockets:
                host, port = sockets[inode]
                found.add(f"{host}:{port}")
    return found


def _loopback(address: str) -> bool:
    host = ipaddress.ip_address(address.rsplit(":", 1)[0])
    mapped = getattr(host, "ipv4_mapped", None)
    return host.is_loopback or bool(mapped and mapped.is_loopback)


def ray_session(root: int) -> Path | None:
    """The session folder of the Ray cluster that ``root`` (the run) started: its processes' command lines name it."""
    table = _processes()
    for pid in sorted(_descendants(root, table)):
        found = re.search(r"(/\S*/session_\d{4}-\d\d-\d\d_[^/\s]+)", table[pid][1])
        if found:
            return Path(found.group(1))
    return None


def translate_batches(session: Path | None) -> int:
    """Translate batches the run's Ray Data has started so far, from its log (DEBUG lines, one per task)."""
    if session is None:
        return 0
    lines = 0
    for log in (session / "logs" / "ray-data").glob("ray-data-dataset_*.log"):
        try:
            lines += log.read_text(encoding="utf-8", errors="replace").count(f"operator {TRANSLATE_OP} with task index")
        except OSError:
            pass
    return lines


def _pages(out: Path) -> int:
    return sum(1 for _ in out.glob("doc*.json")) if out.is_dir() else 0


def ray_kill(size: int, share: float, engine: str, work: Path) -> None:
    """Ray on ``size`` documents with one translate actor SIGKILLed once ``share`` of them are written; then the
    same documents locally, and the two output folders compared file by file."""
    from pipeline.executors.ray import DOCS_PER_TRANSLATE

    inputs, out, peak = work / f"kill-in{size}", work / "kill-ray", work / "kill-driver-rss"
    make_corpus(inputs, size)
    env = {**os.environ}
    cmd = [sys.executable, "-c", DRIVER, str(peak), "run", str(inputs), "--engine", engine, "--out", str(out), "--quiet",
           "--cache", str(work / "kill-ray.sqlite"), "--executor", "ray", "--ray-workers", "2"]
    batches = -(-size // DOCS_PER_TRANSLATE)
    before = os.getloadavg()[0]
    start = time.perf_counter()
    with (work / "kill-ray.log").open("wb") as log:
        run = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        victim, killed_at, written_at_kill, addresses, restarted, title = 0, 0.0, 0, set(), 0.0, ""
        actors: dict[int, str] = {}
        children: set[int] = set()
        session, started = None, 0
        timeline: list[tuple[float, int]] = []  # (seconds, documents written): pages should come as batches end
        while run.poll() is None:
            time.sleep(0.5)
            timeline.append((time.perf_counter() - start, _pages(out)))
            session = session or ray_session(run.pid)
            if not victim and translate_batches(session) >= share * batches:
                actors = translate_actors(run.pid)
                busy = [pid for pid, title in actors.items() if title.split()[0].endswith(".submit")]  # in a batch
                if busy:
                    addresses = listening(run.pid)
                    victim, title = busy[0], actors[busy[0]].split()[0]
                    children = _descendants(victim, _processes())  # its Apertium pipeline: must not outlive it
                    os.kill(victim, signal.SIGKILL)
                    killed_at, written_at_kill, started = time.perf_counter() - start, _pages(out), translate_batches(session)
            elif victim and not restarted and set(translate_actors(run.pid)) - set(actors):
                restarted = time.perf_counter() - start
                addresses |= listening(run.pid)
    took, code = time.perf_counter() - start, run.returncode
    load = f"{before:.1f}-{os.getloadavg()[0]:.1f}"
    if code != 0:
        tail = (work / "kill-ray.log").read_text(encoding="utf-8", errors="replace")[-3000:]
        raise SystemExit(f"normalize run --executor ray exited {code}:\n{tail}")
    rss = int(peak.read_text(encoding="utf-8")) / 1024 if peak.exists() else float("nan")
    print(f"{size:>10} {'ray kill':>10} {took:>9.1f} {size / took:>8.1f} {rss:>12.0f} {load:>10}  (driver's peak RSS)",
          flush=True)
    written = _pages(out)
    if not victim:
        raise SystemExit(f"not killed: the run wrote {written} of {size} documents before a busy translate actor was found")
    print(f"killed translate actor pid {victim} ({title}; actors {sorted(actors)}) at {killed_at:.1f} s, "
          f"{started} translate batches started (of {translate_batches(session)} in the end, {batches} planned), "
          f"{written_at_kill} of {size} documents written; at the end {written}; "
          f"victim {'still alive' if _alive(victim) else 'dead'}; "
          + (f"a new translate actor process at {restarted:.1f} s" if restarted else "no new translate actor process seen")
          + f"; its {len(children)} child processes at the kill, alive after the run: {sorted(filter(_alive, children))}",
          flush=True)
    shares = ", ".join(f"{q:.0%}: {max((n for t, n in timeline if t <= q * took), default=0)}" for q in (0.25, 0.5, 0.75, 0.9))
    first = next((t for t, n in timeline if n), took)
    print(f"documents written by that share of the run's {took:.1f} s: {shares}; the first at {first:.1f} s", flush=True)
    outside = sorted(a for a in addresses if not _loopback(a))
    print(f"the run's processes listened on {len(addresses)} TCP addresses, "
          + (f"NOT loopback: {outside}" if outside else "all loopback"), flush=True)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))["documents"]
    missing = [f"doc{i:05d}.{ext}" for i in range(size) for ext in ("json", "html") if not (out / f"doc{i:05d}.{ext}").exists()]
    print(f"report: {len(report['done'])} done, {len(report['failed'])} failed; missing pages: {len(missing)} {missing[:5]}",
          flush=True)

    local = work / "kill-local"
    took, rss, load = one_run(inputs, local, work / "kill-local.sqlite", engine)
    print(f"{size:>10} {'local':>10} {took:>9.1f} {size / took:>8.1f} {rss:>12.0f} {load:>10}", flush=True)
    ours, theirs = ({p.name for p in folder.iterdir()} for folder in (out, local))
    differ = sorted(n for n in ours & theirs if (out / n).read_bytes() != (local / n).read_bytes())
    print(f"compared with the local run: {len(ours)} files on Ray, {len(theirs)} locally, "
          f"{len(ours & theirs) - len(differ)} byte-identical, {len(differ)} differ {differ[:5]}, "
          f"only on Ray {sorted(ours - theirs)[:5]}, only locally {sorted(theirs - ours)[:5]}", flush=True)
    if outside or missing or report["failed"] or len(report["done"]) != size or differ or ours != theirs:
        raise SystemExit("FAILED: see above")
    print("OK: nothing lost, outputs identical", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="120,1200,12000")
    parser.add_argument("--engine", default="apertium",
                        help="apertium (default) or argos: with ARGOS_PACKAGES_DIR=/tmp/normalize-bench-pipeline/packages, "
                        "the real-size model bench/whole_run.py builds")
    parser.add_argument("--ray", type=int, default=0, help="also compare local and Ray (1 and 2 workers) on this many documents")
    parser.add_argument("--nodes", type=int, default=0,
                        help="also run this many documents on Ray clusters of 1 and 2 one-core nodes, and locally on one core")
    parser.add_argument("--ray-kill", type=int, default=0,
                        help="also run this many documents on Ray (2 workers), SIGKILL a translate actor mid-run, "
                        "and compare every output with a local run")
    parser.add_argument("--keep", action="store_true", help="keep the inputs and outputs (their folder is printed)")
    parser.add_argument("--kill-at", type=float, default=0.3,
                        help="--ray-kill: share of the translate batches started when the actor is killed (default 0.3)")
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
        if args.ray_kill:
            ray_kill(args.ray_kill, args.kill_at, args.engine, work)
    finally:
        if args.keep:
            print(f"inputs and outputs kept in {work}", flush=True)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
