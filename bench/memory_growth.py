"""Memory growth: where a local run's resident memory goes, batch by batch.

Usage:
    python bench/memory_growth.py [--docs 1200] [--engine apertium] [--trace]

Runs ``normalize run`` in this process on the corpus ``bench/scale.py`` makes
(the 40 articles of ../shared/corpus/articles/ repeated, copy i starting with
``Copie i.``; a fresh cache) and prints one line after each batch of the local
executor: documents done, the process's resident size (``VmRSS``) and its peak
while reading and preparing the batch's documents (the language model is mapped
then) and while finishing it (``VmHWM``, reset through ``/proc/self/clear_refs``
at each boundary: it starts at the resident size of the moment), its split
into anonymous and file pages (``RssAnon``, ``RssFile``), glibc's heap
(``mallinfo2``: bytes in use, free bytes held in the heap, the heap's size) and
SQLite's own allocations (``sqlite3_memory_used``), and Python's small-object
allocator (the MB of its 1 MiB arenas, mapped apart from glibc's heap, and of
the objects in them; ``sys._debugmallocstats``); all in MB. ``--trace`` adds Python's
traced heap (``tracemalloc``; slow). The last line is the whole run's peak
(the largest ``VmHWM`` seen: resetting it resets ``ru_maxrss`` too, what
``bench/scale.py`` reports).
"""

from __future__ import annotations

import argparse
import ctypes
import os
import shutil
import sys
import tempfile
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scale import make_corpus  # noqa: E402 (bench/ is this script's folder: the corpus of bench/scale.py)


class MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]


def _libs() -> tuple[Any, Any]:
    import _sqlite3

    try:
        libc: Any = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = MallInfo2
    except (OSError, AttributeError):
        libc = None
    try:
        sqlite: Any = ctypes.CDLL(_sqlite3.__file__)  # its symbols include the libsqlite3 it links
        sqlite.sqlite3_memory_used.restype = ctypes.c_int64
    except (OSError, AttributeError):
        sqlite = None
    return libc, sqlite


LIBC, SQLITE = _libs()
MB = 1024 * 1024
ARENA = 1024 * 1024  # obmalloc's arena size since Python 3.10 (256 KiB before)


def status() -> dict[str, float]:
    """VmRSS, VmHWM, RssAnon, RssFile, RssShmem of this process, in MB."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem"):
            fields[key] = int(value.split()[0]) / 1024
    return fields


def obmalloc() -> tuple[float, float]:
    """Python's small-object allocator: MB of its arenas (1 MiB each, mapped apart from glibc's heap), MB in use."""
    with tempfile.TemporaryFile("w+") as out:
        sys.stderr.flush()
        saved = os.dup(2)
        os.dup2(out.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        stats = dict(line.split("=", 1) for line in out.read().splitlines() if line.startswith("# ") and "=" in line)
    value = {k[2:].strip(): int(v.strip().replace(",", "")) for k, v in stats.items()}
    return value["arenas allocated current"] * ARENA / MB, value["bytes in allocated blocks"] / MB


def reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS (Linux 4.0+)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1200)
    parser.add_argument("--engine", default="apertium")
    parser.add_argument("--trace", action="store_true", help="also Python's traced heap (tracemalloc; slow)")
    args = parser.parse_args()
    import pipeline.executors.local as local
    from pipeline.cli.main import entry_point

    work = Path(tempfile.mkdtemp(prefix="normalize-memory-"))
    make_corpus(work / "in", args.docs)
    finish = local.finish_batch
    state = {"docs": 0, "batch": 0, "peak": 0.0}
    heads = ["batch", "docs", "RSS", "peak read", "peak batch", "anon", "file", "heap used", "heap free", "heap size",
             "sqlite", "arenas", "objects", *(["traced"] if args.trace else [])]
    print(" ".join(f"{h:>{max(len(h), 6)}}" for h in heads), "(MB)")

    def logged(job: Any, chain: Any, pending: list[Any], collector: Any) -> None:
        read_peak = status()["VmHWM"]
        reset_peak()
        finish(job, chain, pending, collector)
        state["docs"] += len(pending)
        state["batch"] += 1
        s = status()
        state["peak"] = max(state["peak"], read_peak, s["VmHWM"])
        heap = LIBC.mallinfo2() if LIBC is not None else MallInfo2()
        sqlite = SQLITE.sqlite3_memory_used() / MB if SQLITE is not None else float("nan")
        values = [state["batch"], state["docs"], s["VmRSS"], read_peak, s["VmHWM"], s["RssAnon"], s["RssFile"],
                  heap.uordblks / MB, heap.fordblks / MB, (heap.arena + heap.hblkhd) / MB, sqlite, *obmalloc()]
        if args.trace:
            values.append(tracemalloc.get_traced_memory()[0] / MB)
        cells = (f"{v:>{max(len(h), 6)}{'.0f' if isinstance(v, int) else '.1f'}}" for h, v in zip(heads, values, strict=True))
        print(" ".join(cells), flush=True)
        reset_peak()

    local.finish_batch = logged
    if args.trace:
        tracemalloc.start()
    sys.argv = ["normalize", "run", str(work / "in"), "--engine", args.engine, "--out", str(work / "out"),
                "--quiet", "--cache", str(work / "cache.sqlite")]
    try:
        entry_point()
    except SystemExit as exc:
        if exc.code not in (0, 1, None):
            raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    end = status()
    print(f"whole run: peak RSS {max(state['peak'], end['VmHWM']):.1f} MB (after the last batch, with the report: "
          f"{end['VmHWM']:.1f} MB; at the end: RSS {end['VmRSS']:.1f} MB, anon {end['RssAnon']:.1f} MB)")


if __name__ == "__main__":
    main()
