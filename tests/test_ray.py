"""The Ray executor (#15.4/5): identical outputs to the local executor, a worker killed mid-run, the missing-extra message."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from pipeline.engines import ENGINES
from pipeline.engines.base import Engine
from pipeline.errors import EngineError
from pipeline.executors import ray as ray_executor
from pipeline.executors.ray import LOST, RETRIES
from pipeline.glossary.load import Glossary
from pipeline.run import RunOptions, run
from tests.conftest import ROOT, SEED
from tests.ray_cluster import local_cluster

pytestmark = pytest.mark.filterwarnings(
    "ignore::DeprecationWarning:ray.*", "ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning"
)

SENTENCES = [
    "Les terroristes de Daech ont attaqué les positions du Front Al-Nosra près d’Idleb.",
    "Selon l’OSDH, les combattants de Hayat Tahrir al-Cham ont repoussé l’assaut.",
    "Les qaïdistes de Houras ad-Din ont saisi du chlore appartenant à l’armée syrienne.",
]


def test_without_ray_the_executor_exits_2_with_the_install_command(tmp_path: Path) -> None:
    script = (
        "import sys; sys.modules['ray'] = None\n"
        "from pipeline.cli.main import entry_point\n"
        f"sys.argv = ['normalize', 'run', {str(SEED)!r}, '--engine', 'apertium', '--executor', 'ray', "
        f"'--out', {str(tmp_path / 'o')!r}]\n"
        "entry_point()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert (
        done.stderr.strip() == "normalize: error: --executor ray needs Ray, which is not installed: pip install 'normalize[ray]'"
    )
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("ray_first", [False, True], ids=["before-ray", "after-ray"])
def test_a_local_cluster_is_given_the_loopback_address_and_no_other(ray_first: bool) -> None:
    """Ray turns a local node's 127.0.0.1 into the machine's own address (its servers then listen on every
    interface) unless told not to; ``local_only`` tells it, whether Ray is imported before or after."""
    steps = ["from pipeline.executors.ray import local_only", "import ray._private.services as services"]
    code = "; ".join([*(reversed(steps) if ray_first else steps), "local_only()",
                      "print(services.resolve_ip_for_localhost('127.0.0.1'))"])
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_")}
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "127.0.0.1"


def test_a_worker_builds_a_stage_chain_once_per_job_and_drops_an_earlier_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[tuple[bytes, tuple[str, ...]]] = []

    def tools(job: bytes, stages: tuple[str, ...], after: object = ()) -> object:
        built.append((job, stages))
        return object()

    monkeypatch.setattr(ray_executor, "_Tools", tools)
    monkeypatch.setattr(ray_executor, "_built", {})
    first = ray_executor._tools(b"job 1", ("language", "segment"))
    assert ray_executor._tools(b"job 1", ("language", "segment")) is first  # the next batch of the same job
    tail = ray_executor._tools(b"job 1", ("enforce",))
    assert tail is not first and len(ray_executor._built) == 2  # prepare and finish tasks may share a worker
    assert ray_executor._tools(b"job 2", ("enforce",)) is not tail
    assert len(ray_executor._built) == 1  # job 1's are freed
    assert built == [(b"job 1", ("language", "segment")), (b"job 1", ("enforce",)), (b"job 2", ("enforce",))]


class DyingEngine(Engine):
    """Upper-cases like the echo engine, fails a sentence that says "panne", and kills its own process on its
    first batch while ``marker`` does not exist (creating it first, so the retried batch goes through), and on
    every batch with a sentence that contains ``poison`` (a document no retry gets through)."""

    name = "dying"

    def __init__(self, source: str, target: str, marker: str = "", poison: str = "") -> None:
        super().__init__(source, target)
        self.marker = Path(marker)
        self.poison = poison

    @classmethod
    def available(cls, source: str, target: str) -> bool:
        return True

    def translate(self, sentences: Sequence[str]) -> list[str]:
        if not self.marker.exists() or (self.poison and any(self.poison in s for s in sentences)):
            with self.marker.open("a") as deaths:
                deaths.write("died\n")
            os._exit(1)  # as a segfault or the OOM killer would: no exception, no clean-up
        if any("panne" in s.lower() for s in sentences):
            raise EngineError("the engine broke down")
        return [s.upper() for s in sentences]


def register_dying_engine() -> None:
    """Ray's worker setup hook: the test engine exists in every worker process, as it does in the driver's test."""
    ENGINES.setdefault(DyingEngine.name, f"{__name__}:{DyingEngine.__name__}")


@pytest.fixture
def dying_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """``DyingEngine`` known to the driver's engine registry for this test."""
    monkeypatch.setitem(ENGINES, DyingEngine.name, f"{__name__}:{DyingEngine.__name__}")


@pytest.fixture(scope="module")
def cluster() -> Iterator[None]:
    with local_cluster(f"{__name__}.register_dying_engine"):
        yield


def test_ray_writes_the_same_files_as_the_local_executor(cluster: None, tmp_path: Path, fr_en: Glossary) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED, inputs)
    for i in range(20):
        (inputs / f"doc{i:02d}.txt").write_text(f"{SENTENCES[i % 3]} Document {i}.\n", encoding="utf-8")
    (inputs / "empty.txt").write_text("\n", encoding="utf-8")
    outputs = {}
    for executor in ("local", "ray"):
        out = tmp_path / executor
        options = RunOptions(inputs=[inputs], out=out, glossary=fr_en, engine="apertium", quiet=True,
                             executor=executor, ray_workers=2, keep_documents=False, cache_path=tmp_path / f"{executor}.sqlite")
        result = run(options)
        assert [d.name for d in result.report.failed] == ["empty"]
        outputs[executor] = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    options.out = tmp_path / "local"
    assert outputs["ray"].keys() == outputs["local"].keys() and len(outputs["ray"]) == 2 * 21 + 3
    assert outputs["ray"] == outputs["local"]

    again = run(options)  # the local run's folder, now on Ray: every document is up to date but the failed one
    assert again.report.skipped == 21 and [d.name for d in again.report.failed] == ["empty"]
    assert {p.name: p.read_bytes() for p in sorted((tmp_path / "local").iterdir())} == outputs["local"]


def test_a_translate_worker_that_dies_has_its_documents_retried(
    cluster: None, dying_engine: None, tmp_path: Path, fr_en: Glossary
) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(20):
        (inputs / f"doc{i:02d}.txt").write_text(f"{SENTENCES[i % 3]} Document {i}.\n", encoding="utf-8")
    (inputs / "broken.txt").write_text("Le moteur est en panne.\n", encoding="utf-8")
    (inputs / "empty.txt").write_text("\n", encoding="utf-8")
    marker = tmp_path / "died"
    outputs, failed = {}, {}
    for executor in ("ray", "local"):  # Ray first: its first batch kills the actor; the local run finds the marker
        out = tmp_path / executor
        options = RunOptions(inputs=[inputs], out=out, glossary=fr_en, engine=DyingEngine.name, quiet=True,
                             engine_settings={DyingEngine.name: {"marker": str(marker)}}, executor=executor,
                             ray_workers=2, keep_documents=False, cache_path=tmp_path / f"{executor}.sqlite")
        result = run(options)
        assert marker.exists()  # set just before the actor killed itself: a worker did die
        failed[executor] = [(d.path, d.error) for d in result.report.failed]
        outputs[executor] = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert [Path(p).name for p, _ in failed["local"]] == ["broken.txt", "empty.txt"]
    assert failed["ray"] == failed["local"]
    assert outputs["ray"].keys() == outputs["local"].keys() and len(outputs["ray"]) == 2 * 20 + 3
    assert outputs["ray"] == outputs["local"]


def test_a_document_that_kills_every_worker_fails_alone_and_the_others_complete(
    cluster: None, dying_engine: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fr_en: Glossary
) -> None:
    monkeypatch.setattr(ray_executor, "DOCS_PER_TASK", 2)
    monkeypatch.setattr(ray_executor, "DOCS_PER_TRANSLATE", 8)  # the poison shares a translate batch with 7 others
    inputs = tmp_path / "in"
    inputs.mkdir()
    for i in range(12):
        (inputs / f"doc{i:02d}.txt").write_text(f"{SENTENCES[i % 3]} Document {i}.\n", encoding="utf-8")
    (inputs / "doc05.txt").write_text("Le moteur explose.\n", encoding="utf-8")
    deaths = tmp_path / "died"
    deaths.write_text("", encoding="utf-8")  # only the poison kills
    out = tmp_path / "out"
    options = RunOptions(inputs=[inputs], out=out, glossary=fr_en, engine=DyingEngine.name, quiet=True,
                         engine_settings={DyingEngine.name: {"marker": str(deaths), "poison": "explose"}},
                         executor="ray", ray_workers=1, keep_documents=False, cache=False)
    result = run(options)
    assert [(Path(d.path).name, d.error) for d in result.report.failed] == [("doc05.txt", LOST)]
    assert "\n" not in LOST
    assert result.exit_code == 1
    # its batch, then each retry; then the batch of it alone, and each retry
    assert deaths.read_text(encoding="utf-8").count("died") == 2 * (RETRIES + 1)
    written = {p.name for p in out.iterdir()}
    assert {f"doc{i:02d}.{ext}" for i in range(12) if i != 5 for ext in ("html", "json")} <= written
    assert not {"doc05.html", "doc05.json"} & written
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert [(Path(d["path"]).name, d["error"]) for d in report["documents"]["failed"]] == [("doc05.txt", LOST)]
    assert "doc05" in (out / "index.html").read_text(encoding="utf-8")
