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
same files. A batch that kills its worker ``RETRIES + 1`` times is dropped and
its documents are run again one per batch, so that only a document that kills
every worker it meets is lost; it is reported failed, as a local run reports a
document that fails, and the other documents complete.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pipeline.chain import DEFAULT_ORDER, STAGES, Chain
from pipeline.engines import build_engine
from pipeline.engines.base import Engine
from pipeline.errors import ConfigError
from pipeline.executors.base import Collector, Executor, Job
from pipeline.outputs.folder import OutputFolder
from pipeline.outputs.names import TakenNames
from pipeline.outputs.report import DocSummary
from pipeline.readers.parts import read_parts
from pipeline.resume import GlossaryUse, unchanged, up_to_date

if TYPE_CHECKING:
    from pipeline.run import RunOptions

INSTALL = "pip install 'normalize[ray]'"
DOCS_PER_TASK = 16
# Documents per translate batch: enough sentences (~500) for an engine's own batching, and small enough that
# the last batches spread over the actors (a 400-document run is 13 batches).
DOCS_PER_TRANSLATE = 32
RETRIES = 3  # times a batch is sent again after its worker died; actors themselves are restarted without limit
WORKERS_PER_CPU = 3  # worker processes a node keeps per CPU: its translate actor, prepare and finish tasks
# Logical CPUs, for Ray's scheduling only. Ray Data reserves budget for operators upstream first. With the actors
# at 0.75, two actors and a prepare task took 1.75 of 2 CPUs, and the finish tasks never got 0.25 before
# translation ended: pages came at the end of the run. At 0.5, a finish task fits beside them from the first
# translated batch.
TASK_CPUS = 0.25
ACTOR_CPUS = 0.5
THREAD_OPTIONS = ("threads", "inter_threads", "intra_threads")
TASK = {"max_retries": RETRIES}
ACTOR = {"max_restarts": -1, "max_task_retries": RETRIES}
LOST = (
    f"lost on Ray: its batch failed {RETRIES + 1} times (its worker died: out of memory or a crash in the engine; "
    "or a stage raised): see the worker logs in the Ray session folder, then re-run to retry it"
)


def _split(order: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The chain cut around its batch stages: before, batch stages (translate), after."""
    batch = [i for i, name in enumerate(order) if STAGES[name].batch]
    first, last = (batch[0], batch[-1] + 1) if batch else (len(order), len(order))
    return tuple(order[:first]), tuple(order[first:last]), tuple(order[last:])


class _Tools:
    """What a task builds from the job: its spec, the chain for its stages, the output folder, the glossary's use."""

    def __init__(self, job: bytes, stages: tuple[str, ...], after: tuple[str, ...] = ()) -> None:
        self.spec: Job = pickle.loads(job)
        options = self.spec.options
        self.chain = Chain(options.glossary, None, stages, after=after)  # these tasks never translate
        self.folder = OutputFolder(self.spec.folder.out, options.formats, force=options.force, record=False)
        self.use = GlossaryUse(options.glossary)


_built: dict[tuple[str, tuple[str, ...]], _Tools] = {}


def _tools(job: bytes, stages: tuple[str, ...], after: tuple[str, ...] = ()) -> _Tools:
    """The task's tools, built once per worker process and job: Ray runs many tasks in one worker, and building
    them (the glossary's matcher, the language model: ~0.4 s) per batch of 16 documents cost a third of a batch."""
    key = (hashlib.sha256(job).hexdigest(), stages)
    if key not in _built:
        for old in [k for k in _built if k[0] != key[0]]:  # an earlier job's
            del _built[old]
        _built[key] = _Tools(job, stages, after)
    return _built[key]


def prepare(rows: dict[str, Any], job: bytes) -> dict[str, Any]:
    """Task: read each input, run the stages before translation, skip what is up to date."""
    head, _, _ = _split(DEFAULT_ORDER)
    tools = _tools(job, head)
    spec, chain, folder, use = tools.spec, tools.chain, tools.folder, tools.use
    out: dict[str, list[Any]] = {"index": [], "part": [], "parts": [], "doc": [], "matches": [], "summary": []}
    taken = TakenNames(spec.names)
    for index, path, name in zip(rows["index"], rows["path"], rows["name"], strict=True):
        # every document of the input (a feed's items, a web archive's pages …) and every part of a long one;
        # they are held together in this task, so a source of many documents costs this task's memory
        parts = read_parts(_path(path), str(name), spec.options, taken)
        for part, doc in enumerate(parts):
            done, matches = unchanged(folder, doc, spec.info, spec.options, use), ""
            if done is None:
                chain.prepare(doc)  # what the cheap stages find decides whether the document is up to date
                matches = "" if doc.failed else use.matches(doc)
                done = up_to_date(folder, doc, spec.info, spec.options, use, matches)
            out["index"].append(int(index))
            out["part"].append(part)
            out["parts"].append(len(parts))
            out["doc"].append(None if done else pickle.dumps(doc))
            out["matches"].append(matches)
            out["summary"].append(pickle.dumps(("skipped", done)) if done else None)
    chain.remember()
    return out


class Translator:
    """Actor: builds the engine once, then translates batch after batch of prepared documents."""

    def __init__(self, job: bytes) -> None:
        spec: Job = pickle.loads(job)
        options = spec.options
        self.engine = build_engine(
            options.engine,
            options.source,
            options.target,
            settings=actor_settings(options.engine_settings),
            cache=options.cache,
            cache_path=options.cache_path,
        )
        head, middle, _ = _split(DEFAULT_ORDER)
        self.chain = Chain(options.glossary, self.engine, middle, after=head)

    def __call__(self, rows: dict[str, Any]) -> dict[str, Any]:
        live = [(i, pickle.loads(d)) for i, d in enumerate(rows["doc"]) if d is not None]
        self.chain.finish([doc for _, doc in live])
        docs = list(rows["doc"])
        for i, doc in live:
            docs[i] = pickle.dumps(doc)
        return {**rows, "doc": docs}


def actor_settings(settings: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The engine settings with one thread per translate actor, unless the user chose threads: there is one actor
    per CPU, and an engine left to take every core in each of them would run 2-4x as many threads as cores."""
    argos = settings.get("argos", {})
    if any(key in argos for key in THREAD_OPTIONS):
        return settings
    return {**settings, "argos": {**argos, "threads": 1}}


def finish(rows: dict[str, Any], job: bytes) -> dict[str, Any]:
    """Task: enforcement, checks and rendering; writes the pages and returns each document's summary."""
    head, middle, tail = _split(DEFAULT_ORDER)
    tools = _tools(job, tail, head + middle)
    spec, chain, folder, use = tools.spec, tools.chain, tools.folder, tools.use
    summaries = list(rows["summary"])
    for i, blob in enumerate(rows["doc"]):
        if blob is None:
            continue
        doc = pickle.loads(blob)
        chain([doc])  # no batch stage here: the whole (tail) chain
        summary = (
            DocSummary.of(doc) if doc.failed else folder.write_document(doc, spec.info, use.fingerprint(doc, rows["matches"][i]))
        )
        summaries[i] = pickle.dumps(("done", summary))
    return {"index": rows["index"], "part": rows["part"], "parts": rows["parts"], "summary": summaries}


class RayExecutor(Executor):
    """The same stages on a Ray cluster (a local one unless ``--ray-address``)."""

    name = "ray"

    @classmethod
    def check(cls, options: RunOptions) -> None:
        """Exit 2 with the install command when Ray is missing."""
        if not options.ray_address:
            local_only()
        try:
            import ray  # noqa: F401
            import ray.data  # noqa: F401
        except ImportError:
            raise ConfigError(f"--executor ray needs Ray, which is not installed: {INSTALL}") from None

    def execute(self, job: Job, engine: Engine, collector: Collector) -> None:
        run_on_ray(job, collector)


def local_only() -> None:
    """Keep a local cluster on this machine: no usage statistics sent, and every server it starts on 127.0.0.1.

    Asked for ``127.0.0.1``, Ray (2.x) still gives the node the machine's own address, so its GCS, raylet and
    workers listen on every interface, unless it runs as it does on a laptop (``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER``
    off). The variable is read when Ray is imported, in this process and in each one the cluster starts; a Ray
    imported before it was set is told directly. A value the user set is kept.
    """
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    constants = sys.modules.get("ray._private.ray_constants")
    if constants is not None and os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] == "0":
        setattr(constants, "ENABLE_RAY_CLUSTER", False)  # noqa: B010 (a private of Ray, not typed)


def run_on_ray(job: Job, collector: Collector) -> None:
    """Documents as a Ray dataset: prepare tasks, translate actors, finish tasks; the driver collects."""
    import importlib

    ray: Any = importlib.import_module("ray")
    importlib.import_module("ray.data")
    _quiet_console()

    if not job.options.ray_address:
        local_only()
    started = not ray.is_initialized()
    if started:
        cpus = job.options.ray_workers or os.cpu_count() or 1
        # Ray keeps as many worker processes as CPUs: the translate actors alone fill that, so each task would
        # start a new process (~2 s). Room for the tasks' workers too; a cluster's nodes need it as well (README).
        os.environ.setdefault("RAY_num_workers_soft_limit", str(WORKERS_PER_CPU * cpus))
        local = {"num_cpus": job.options.ray_workers, "_node_ip_address": "127.0.0.1"}
        ray.init(address=job.options.ray_address, include_dashboard=False, log_to_driver=False,
                 configure_logging=False, **({} if job.options.ray_address else local))
    try:
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        context.execution_options.preserve_order = False  # the report is sorted by input, whatever order batches end in
        context.max_errored_blocks = -1  # a batch that kills its worker every time is dropped, not the run
        blob = pickle.dumps(job)
        workers = job.options.ray_workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        rows = [
            {"index": i, "path": os.fsencode(p), "name": n} for i, (p, n) in enumerate(zip(job.paths, job.names, strict=True))
        ]
        lost = _run(ray, rows, blob, workers, (DOCS_PER_TASK, DOCS_PER_TRANSLATE), job, collector)
        if lost:  # again one document per batch: the others in a lost batch complete
            lost = _run(ray, [rows[i] for i in lost], blob, workers, (1, 1), job, collector)
        for index in lost:
            summary = DocSummary(path=str(job.paths[index]), name=job.names[index], language=job.options.source, error=LOST)
            collector.done((index, 0), summary, None)
    finally:
        if started:
            ray.shutdown()


def _run(ray: Any, rows: list[dict[str, Any]], blob: bytes, workers: int, batches: tuple[int, int], job: Job,
         collector: Collector) -> list[int]:
    """Run ``rows`` through the dataset, handing each document to ``collector`` once all its parts are back.

    Returns the indices of the documents whose batch was dropped (its worker died every time it was tried).
    """
    with warnings.catch_warnings():
        # Ray 2.60 deprecates remote args passed this way but names no parameter for retries yet
        warnings.filterwarnings("ignore", message="`ray_remote_args` is deprecated")
        actors = min(workers, -(-len(rows) // batches[1]))  # no engine is loaded for a batch that never comes
        dataset = _dataset(ray, rows, blob, actors, *batches)
    arrived: dict[int, dict[int, tuple[str, DocSummary]]] = {}
    complete: set[int] = set()
    for row in dataset.iter_rows():
        index = int(row["index"])
        parts = arrived.setdefault(index, {})
        parts[int(row["part"])] = pickle.loads(row["summary"])
        if len(parts) < int(row["parts"]):
            continue
        for part, (how, summary) in sorted(parts.items()):
            if how == "skipped":
                collector.skipped_done((index, part), summary)
                continue
            if not summary.failed:  # parts' and items' names, recorded by the driver (a failed one writes nothing)
                job.folder.claim(job.folder.files_of(summary.name))
            collector.done((index, part), summary, None)
        del arrived[index]
        complete.add(index)
    return [int(row["index"]) for row in rows if int(row["index"]) not in complete]


def _dataset(ray: Any, rows: list[dict[str, Any]], blob: bytes, workers: int, per_task: int, per_translate: int) -> Any:
    """The run as a Ray dataset: prepare tasks, the translate actor pool, finish tasks, each with bounded retries
    (``per_task`` and ``per_translate``: documents per task and per translate batch)."""
    # Documents run one per batch (after a lost batch) are also alone on their actor: one that kills it takes
    # no other document's retries with it.
    in_flight = 1 if per_translate == 1 else 2
    return (
        ray.data.from_items(rows, override_num_blocks=max(1, -(-len(rows) // per_task)))  # prepare tasks run side by side
        .map_batches(prepare, batch_size=per_task, fn_kwargs={"job": blob}, num_cpus=TASK_CPUS, **TASK)
        .map_batches(Translator, batch_size=per_translate, fn_constructor_kwargs={"job": blob}, num_cpus=ACTOR_CPUS,
                     compute=ray.data.ActorPoolStrategy(size=workers, max_tasks_in_flight_per_actor=in_flight), **ACTOR)
        .map_batches(finish, batch_size=per_task, fn_kwargs={"job": blob}, num_cpus=TASK_CPUS, **TASK)
    )


def _quiet_console() -> None:
    """Keep Ray Data's log lines (plans, tracebacks of dropped batches) in its session log, off the terminal:
    normalize prints the run's progress and each failed document itself."""
    import logging

    for handler in logging.getLogger("ray.data").handlers:
        if handler.get_name() == "console":
            handler.setLevel(logging.CRITICAL)


def _path(raw: Any) -> Any:
    from pathlib import Path

    return Path(os.fsdecode(bytes(raw)))
