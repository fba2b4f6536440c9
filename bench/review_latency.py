"""How long the review page waits: accept, reject and a glossary edit, from the POST to the updated page data.

    python bench/review_latency.py               # the seed and the 40 news articles of ../shared/corpus/articles
    python bench/review_latency.py --seed-only   # the seed alone
    python bench/review_latency.py --repeat 9

The inputs are run once with Apertium into a fresh folder (``--work``, with
its own copy of the French glossaries and its own translation cache), then
``normalize review``'s server is started on it, on a free port of 127.0.0.1,
and driven over HTTP as the page's script drives it (same headers, same JSON):

- accept and reject: one POST ``api/decision`` each; the page updates in
  place from its answer, so the answer is the updated page data;
- add a variant: the preview POST (the edit run over the run in memory), the
  save POST with the preview's digest, then the GET of the document's page
  the script reloads; timed apart and together.

Each action is timed ``--repeat`` times on the seed's page (its sentences are
in the cache after the first run, as in a day's review) and the median and
the slowest are printed; the goal is 0.5 s. The first request of each kind is
a warm-up and not counted. A new variant's words are new to the engine: its
first preview asks the engine for them (Apertium, a process per call); the
same preview again shows the cost once they are in the cache.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import socket
import statistics
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.glossary.load import load_glossaries  # noqa: E402
from pipeline.review.decisions import review_keys  # noqa: E402
from pipeline.review.server import Session, make_app, new_session, open_socket  # noqa: E402
from pipeline.review.workspace import Workspace  # noqa: E402
from pipeline.run import RunOptions, run  # noqa: E402

SEED = REPO / "seeds" / "000_f8df967454c24556.txt"
ARTICLES = next(
    (p / "shared" / "corpus" / "articles" for p in (REPO.parent, REPO.parent.parent) if (p / "shared").is_dir()),
    REPO.parent / "shared" / "corpus" / "articles",
)
GOAL = 0.5
# Words of the seed for add-variant edits, one per repetition, so every edit is a real one that re-runs the seed;
# no entry claims them yet.
WORDS: tuple[str, ...] = ("chlore", "Défense russe", "substances chimiques", "Occident", "incident", "mise en scène", "bonbonnes")
WORDS += ("médias mainstream",)


class Server:
    """``normalize review``'s server over ``out`` in a thread of this process."""

    def __init__(self, out: Path, cache: Path) -> None:
        import uvicorn

        self.workspace = Workspace(out, cache_path=cache)
        sock: socket.socket = open_socket("127.0.0.1", 0)
        self.session: Session = new_session(self.workspace, sock, "127.0.0.1")
        config = uvicorn.Config(make_app(self.session), log_level="warning", access_log=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)

    def url(self, path: str) -> str:
        return f"{self.session.origin}/{self.session.token}/{path}"

    def post(self, path: str, data: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(
            self.url(path),
            data=json.dumps(data).encode(),
            method="POST",
            headers={"Origin": self.session.origin, "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            body: dict[str, Any] = json.loads(response.read())
        if not body.get("ok"):
            raise SystemExit(f"{path} refused: {body.get('error')}")
        return body

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.url(path), timeout=120) as response:
            return str(response.read().decode("utf-8"))

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.workspace.close()


def timed(action: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    """(seconds, answer) of one call."""
    started = time.perf_counter()
    answer = action(*args)
    return time.perf_counter() - started, answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed-only", action="store_true", help="run the seed alone, not the news articles")
    parser.add_argument("--repeat", type=int, default=7, help="timed repetitions of each action (default 7)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/normalize-bench-review"), help="scratch folder")
    args = parser.parse_args()
    repeat = max(1, min(args.repeat, len(WORDS) - 1))

    shutil.rmtree(args.work, ignore_errors=True)
    (args.work / "glossaries").mkdir(parents=True)
    glossaries = []
    for name in ("fr-en.yaml", "fr-en.names.yaml"):
        shutil.copy(REPO / "glossaries" / name, args.work / "glossaries" / name)
        glossaries.append(args.work / "glossaries" / name)
    inputs = [SEED] + ([] if args.seed_only or not ARTICLES.is_dir() else sorted(ARTICLES.glob("*.txt")))
    out, cache = args.work / "out", args.work / "cache.sqlite"
    started = time.perf_counter()
    options = RunOptions(
        inputs=inputs,
        out=out,
        glossary=load_glossaries(glossaries, source="fr", target="en"),
        engine="apertium",
        formats=("html", "json", "xliff"),
        quiet=True,
        cache_path=cache,
    )
    run(options)
    print(f"run: {len(inputs)} documents in {time.perf_counter() - started:.1f} s (Apertium, cache filled)")

    server = Server(out, cache)
    try:
        ws = server.workspace
        seed = ws.docs[0]
        keys = [k for k in review_keys(seed) if ":change:" in k]
        print(f"server: {len(ws.docs)} documents loaded; timing on {seed.name} ({len(seed.segments)} sentences)\n")

        def decide(key: str, status: str | None) -> None:
            server.post("api/decision", {"doc": seed.name, "key": key, "status": status, "comment": "", "about": ""})

        figures: dict[str, list[float]] = {name: [] for name in ("accept", "reject", "preview", "again", "save", "page")}
        figures |= {"edit": [], "cached": []}
        for n in range(repeat + 1):
            key = keys[n % len(keys)]
            accept, _ = timed(decide, key, "accepted")
            reject, _ = timed(decide, key, "rejected")
            decide(key, None)
            edit = {"doc": seed.name, "action": "add-variant", "entry": "militants", "words": WORDS[n], "field": "variants"}
            preview, _ = timed(server.post, "api/glossary", {**edit, "preview": True})
            again, found = timed(server.post, "api/glossary", {**edit, "preview": True})  # the engine's answers cached
            save, _ = timed(server.post, "api/glossary", {**edit, "preview": False, "expected": found["digest"]})
            page, _ = timed(server.get, f"{seed.name}.html")
            if n == 0:
                continue  # warm-up
            values = (accept, reject, preview, again, save, page, preview + save + page, again + save + page)
            for name, value in zip(figures, values, strict=True):
                figures[name].append(value)
    finally:
        server.stop()

    print(f"{'action':<36} {'median':>8} {'slowest':>8}  goal {GOAL} s")
    labels = {
        "accept": "accept (POST api/decision)",
        "reject": "reject (POST api/decision)",
        "preview": "add variant: preview POST",
        "again": "  the same preview again",
        "save": "add variant: save POST",
        "page": "add variant: page GET (reload)",
        "edit": "add variant: preview + save + page",
        "cached": "  the same, words already translated",
    }
    for name, times in figures.items():
        median, worst = statistics.median(times), max(times)
        mark = "" if name in ("preview", "again", "save", "page") else ("  ok" if median <= GOAL else "  MISSES THE GOAL")
        print(f"{labels[name]:<36} {median:>7.3f}s {worst:>7.3f}s{mark}")
    print(f"\n{platform.machine()}, {platform.processor() or platform.platform()}, Python {platform.python_version()}")


if __name__ == "__main__":
    main()
