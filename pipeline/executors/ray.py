"""The Ray executor: the same stages on a Ray cluster, with Ray Data.

Documents are a dataset of (index, path, name) rows. Reading and the
per-document stages run in tasks; translation runs in an actor pool, each actor
building the engine (and loading its model) once; enforcement, checks and
rendering run in tasks again, which write the pages into the output folder, so
the folder must be a path every node can reach (a shared file system). The
driver collects each document's summary and writes the report and index, as
the local executor does, so the outputs are the same.

Settings and glossaries travel with the job (the options are pickled into
every task). A worker that dies (the OOM killer, a crash in a native library)
has its batch retried: a task on a new worker, a translate actor restarted
(its engine built again) with the batch sent again. Every stage is a function
of its batch alone and pages are written whole, so a retried batch writes the
same files. A batch that kills its worker ``RETRIES + 1`` times stops the run
with one line, rather than retrying forever.
"""

from __future__ import annotations

import os
import pickle
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pipeline.chain import DEFAULT_ORDER, STAGES, Chain
from pipeline.engines import build_engine
from pipeline.engines.base import Engine
from pipeline.errors import ConfigError, EngineError, NormalizeError
from pipeline.outputs import DocSummary, OutputFolder

if TYPE_CHECKING:
    from pipeline.run import Collector, Job, RunOptions

INSTALL = "pip install 'normalize[ray]'"
DOCS_PER_TASK = 16
RETRIES = 3  # times a batch is sent again after its worker died; actors themselves are restarted without limit
TASK = {"max_retries": RETRIES}
ACTOR = {"max_restarts": -1, "max_task_retries": RETRIES}


class WorkerLost(NormalizeError):
    """A batch of documents killed its Ray worker every time it was retried."""


def check(options: RunOptions) -> None:
    """Exit 2 with the install command when Ray is missing."""
    try:
        import ray  # noqa: F401
        import ray.data  # noqa: F401
    except ImportError:
        raise ConfigError(f"--executor ray needs Ray, which is not installed: {INSTALL}") from None


class NoEngine(Engine):
    """Stands in for the engine in tasks that never translate (stage factories only read its languages)."""

    name = "none"

    def translate(self, sentences: Sequence[str]) -> list[str]:
        raise EngineError("translation runs in the translate actors, not here")


def _split(order: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The chain cut around its batch stages: before, batch stages (translate), after."""
    batch = [i for i, name in enumerate(order) if STAGES[name].batch]
    first, last = (batch[0], batch[-1] + 1) if batch else (len(order), len(order))
    return tuple(order[:first]), tuple(order[first:last]), tuple(order[last:])


def prepare(rows: dict[str, Any], job: bytes) -> dict[str, Any]:
    """Task: read each input, run the stages before translation, skip what is up to date."""
    from pipeline.run import GlossaryUse, read_parts, resuming

    spec: Job = pickle.loads(job)
    head, _, _ = _split(DEFAULT_ORDER)
    chain = Chain(spec.options.glossary, NoEngine(spec.options.source, spec.options.target), head)
    folder = OutputFolder(spec.folder.out, spec.options.formats, force=spec.options.force, record=False)
    use = GlossaryUse(spec.options.glossary)
    out: dict[str, list[Any]] = {"index": [], "part": [], "doc": [], "matches": [], "summary": []}
    for index, path, name in zip(rows["index"], rows["path"], rows["name"], strict=True):
        for part, doc in enumerate(read_parts(_path(path), str(name), spec.options)):
            chain.prepare(doc)  # what the cheap stages find decides whether the document is up to date
            matches = "" if doc.failed else use.matches(doc)
            done = None
            if resuming(spec.options) and not doc.failed:
                done = folder.resumable(doc.name, doc.sha256, spec.info.run_signature, matches, use.leftovers)
            out["index"].append(int(index))
            out["part"].append(part)
            out["doc"].append(None if done else pickle.dumps(doc))
            out["matches"].append(matches)
            out["summary"].append(pickle.dumps(("skipped", done)) if done else None)
    return out


class Translator:
    """Actor: builds the engine once, then translates batch after batch of prepared documents."""

    def __init__(self, job: bytes) -> None:
        spec: Job = pickle.loads(job)
        options = spec.options
        self.engine = build_engine(options.engine, options.source, options.target, settings=options.engine_settings,
                                   cache=options.cache, cache_path=options.cache_path)
        _, middle, _ = _split(DEFAULT_ORDER)
        self.chain = Chain(options.glossary, self.engine, middle)

    def __call__(self, rows: dict[str, Any]) -> dict[str, Any]:
        live = [(i, pickle.loads(d)) for i, d in enumerate(rows["doc"]) if d is not None]
        self.chain.finish([doc for _, doc in live])
        docs = list(rows["doc"])
        for i, doc in live:
            docs[i] = pickle.dumps(doc)
        return {**rows, "doc": docs}


def finish(rows: dict[str, Any], job: bytes) -> dict[str, Any]:
    """Task: enforcement, checks and rendering; writes the pages and returns each document's summary."""
    from pipeline.run import GlossaryUse

    spec: Job = pickle.loads(job)
    _, _, tail = _split(DEFAULT_ORDER)
    chain = Chain(spec.options.glossary, NoEngine(spec.options.source, spec.options.target), tail)
    folder = OutputFolder(spec.folder.out, spec.options.formats, force=spec.options.force, record=False)
    use = GlossaryUse(spec.options.glossary)
    summaries = list(rows["summary"])
    for i, blob in enumerate(rows["doc"]):
        if blob is None:
            continue
        doc = pickle.loads(blob)
        chain([doc])  # no batch stage here: the whole (tail) chain
        summary = DocSummary.of(doc) if doc.failed else folder.write_document(doc, spec.info, use.fingerprint(doc, rows["matches"][i]))
        summaries[i] = pickle.dumps(("done", summary))
    return {"index": rows["index"], "part": rows["part"], "summary": summaries}


def execute(job: Job, engine: Engine, collector: Collector) -> None:
    import importlib

    ray: Any = importlib.import_module("ray")
    importlib.import_module("ray.data")

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # a local cluster never reaches an outside address
    started = not ray.is_initialized()
    if started:
        local = {"num_cpus": job.options.ray_workers, "_node_ip_address": "127.0.0.1"}  # a local cluster binds 127.0.0.1
        ray.init(address=job.options.ray_address, include_dashboard=False, log_to_driver=False,
                 configure_logging=False, **({} if job.options.ray_address else local))
    try:
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        context.execution_options.preserve_order = True
        blob = pickle.dumps(job)
        workers = job.options.ray_workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        rows = [{"index": i, "path": os.fsencode(p), "name": n} for i, (p, n) in enumerate(zip(job.paths, job.names, strict=True))]
        with warnings.catch_warnings():
            # Ray 2.60 deprecates remote args passed this way but names no parameter for retries yet
            warnings.filterwarnings("ignore", message="`ray_remote_args` is deprecated")
            dataset = _dataset(ray, rows, blob, workers)
        try:
            for row in dataset.iter_rows():
                how, summary = pickle.loads(row["summary"])
                key = (int(row["index"]), int(row["part"]))
                job.folder.claim(job.folder.files_of(summary.name))  # parts' names, recorded by the driver
                if how == "skipped":
                    collector.skipped += 1
                collector.done(key, summary, None)
        except ray.exceptions.RayError as exc:
            if not _lost(ray, exc):
                raise
            raise WorkerLost(
                f"a batch of documents killed its Ray worker {RETRIES + 1} times (out of memory, or a crash in the engine); "
                "the pages written so far are complete: see the worker logs in the Ray session folder, then re-run to finish"
            ) from None
    finally:
        if started:
            ray.shutdown()


def _dataset(ray: Any, rows: list[dict[str, Any]], blob: bytes, workers: int) -> Any:
    """The run as a Ray dataset: prepare tasks, the translate actor pool, finish tasks, each with bounded retries."""
    return (
        ray.data.from_items(rows)
        .map_batches(prepare, batch_size=DOCS_PER_TASK, fn_kwargs={"job": blob}, num_cpus=0.25, **TASK)
        .map_batches(Translator, batch_size=DOCS_PER_TASK * 4, fn_constructor_kwargs={"job": blob},
                     compute=ray.data.ActorPoolStrategy(size=workers), num_cpus=0.75, **ACTOR)
        .map_batches(finish, batch_size=DOCS_PER_TASK, fn_kwargs={"job": blob}, num_cpus=0.25, **TASK)
    )


def _lost(ray: Any, exc: BaseException) -> bool:
    """Whether a Ray error is, or wraps, the death of a worker (rather than a bug in a stage)."""
    dead = (ray.exceptions.WorkerCrashedError, ray.exceptions.ActorDiedError, ray.exceptions.ActorUnavailableError)
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, dead) or isinstance(getattr(seen, "cause", None), dead):
            return True
        seen = seen.__cause__
    return False


def _path(raw: Any) -> Any:
    from pathlib import Path

    return Path(os.fsdecode(bytes(raw)))
