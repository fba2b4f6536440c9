"""A translate actor killed from outside in the middle of a Ray run (issue 35): nothing is lost.

``tests/test_ray.py`` has engines that end their own process at a chosen batch; here the process is killed
with SIGKILL by someone else (as the OOM killer or an operator would) while batches are in flight and some
documents are already written, and the run must still write every document, byte for byte as the local
executor writes them.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from pipeline.engines import ENGINES
from pipeline.engines.base import Engine
from pipeline.executors import ray as ray_executor
from pipeline.glossary.load import Glossary
from pipeline.run import RunOptions, RunResult, run
from tests.ray_cluster import local_cluster

pytestmark = pytest.mark.filterwarnings(
    "ignore::DeprecationWarning:ray.*", "ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning"
)

SENTENCES = [
    "Les terroristes de Daech ont attaqué les positions du Front Al-Nosra près d’Idleb.",
    "Selon l’OSDH, les combattants de Hayat Tahrir al-Cham ont repoussé l’assaut.",
    "Les qaïdistes de Houras ad-Din ont saisi du chlore appartenant à l’armée syrienne.",
]
DOCUMENTS = 48
BATCH_SECONDS = 0.3  # a translate batch's time: the run lasts long enough to be killed in its middle


class SlowEngine(Engine):
    """Upper-cases like the echo engine, ``BATCH_SECONDS`` per batch, and leaves its process id in ``pids``
    (one file per process that built it), so the test can find a translate actor's process and kill it."""

    name = "slow"

    def __init__(self, source: str, target: str, pids: str = "") -> None:
        super().__init__(source, target)
        if pids:
            (Path(pids) / str(os.getpid())).touch()

    @classmethod
    def available(cls, source: str, target: str) -> bool:
        return True

    def translate(self, sentences: Sequence[str]) -> list[str]:
        time.sleep(BATCH_SECONDS)
        return [s.upper() for s in sentences]


def register_slow_engine() -> None:
    """Ray's worker setup hook: the test engine exists in every worker process, as in the driver."""
    ENGINES.setdefault(SlowEngine.name, f"{__name__}:{SlowEngine.__name__}")


@pytest.fixture(scope="module")
def cluster() -> Iterator[None]:
    with local_cluster(f"{__name__}.register_slow_engine"):
        yield


def _alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie its parent has not reaped yet is dead)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _written(out: Path) -> int:
    return sum(1 for _ in out.glob("doc*.json")) if out.is_dir() else 0


def test_a_translate_actor_killed_mid_run_loses_no_document(
    cluster: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fr_en: Glossary
) -> None:
    monkeypatch.setitem(ENGINES, SlowEngine.name, f"{__name__}:{SlowEngine.__name__}")
    monkeypatch.setattr(ray_executor, "DOCS_PER_TASK", 2)
    monkeypatch.setattr(ray_executor, "DOCS_PER_TRANSLATE", 4)  # 12 translate batches on 2 actors
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(DOCUMENTS):
        (inputs / f"doc{i:02d}.txt").write_text(f"{SENTENCES[i % 3]} Document {i}.\n", encoding="utf-8")
    pids = tmp_path / "pids"
    pids.mkdir()

    def options(executor: str) -> RunOptions:
        return RunOptions(inputs=[inputs], out=tmp_path / executor, glossary=fr_en, engine=SlowEngine.name, quiet=True,
                          engine_settings={SlowEngine.name: {"pids": str(pids)}}, executor=executor, ray_workers=2,
                          keep_documents=False, cache=False)

    results: list[RunResult] = []
    errors: list[BaseException] = []

    def on_ray() -> None:
        try:
            results.append(run(options("ray")))
        except BaseException as exc:  # noqa: BLE001 (re-raised by the test below)
            errors.append(exc)

    driver = threading.Thread(target=on_ray)
    driver.start()
    deadline = time.monotonic() + 120
    while _written(tmp_path / "ray") < 8 and driver.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert driver.is_alive() and 8 <= _written(tmp_path / "ray") < DOCUMENTS, "the run ended before it could be killed"
    actors = sorted((p for p in pids.iterdir() if p.name != str(os.getpid())), key=lambda p: p.stat().st_mtime)
    victim = int(actors[0].name)  # the first translate actor built (the driver builds an engine too: not it)
    os.kill(victim, signal.SIGKILL)
    driver.join(timeout=300)
    assert not driver.is_alive()
    if errors:
        raise errors[0]
    assert not _alive(victim)  # it died before the run ended: its batches went to another or a restarted actor
    [on_ray_result] = results
    assert on_ray_result.report.failed == [] and len(on_ray_result.report.docs) == DOCUMENTS

    local = run(options("local"))
    assert local.report.failed == []
    outputs = {e: {p.name: p.read_bytes() for p in sorted((tmp_path / e).iterdir())} for e in ("ray", "local")}
    assert len(outputs["ray"]) == 2 * DOCUMENTS + 3  # pages, report, index, manifest
    assert outputs["ray"] == outputs["local"]
