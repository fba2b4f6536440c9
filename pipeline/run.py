"""A whole run: input paths -> documents through the stage chain -> files in the output folder.

The stages and their order live in ``pipeline.chain``; the output folder (names,
manifest, writes, the ``RunReport``) in ``pipeline.outputs``; how documents are
moved through the chain in ``pipeline.executors`` (``local``: streaming
batches in this process; ``ray``: a Ray cluster); what is up to date in
``pipeline.resume``. This module checks the options, takes the output lock,
hands the job to the executor and writes the one report.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.engines import Engine, build_engine
from pipeline.errors import ConfigError
from pipeline.executors import EXECUTORS
from pipeline.executors.base import BATCH_SENTENCES, Collector, Executor, Job
from pipeline.glossary.load import Glossary
from pipeline.model import Document
from pipeline.outputs.folder import OutputError, OutputFolder
from pipeline.outputs.lock import OutputLock
from pipeline.outputs.names import output_names
from pipeline.outputs.report import DocSummary, RunReport
from pipeline.progress import Bar
from pipeline.readers import READERS, Fields
from pipeline.readers.files import PathList, collect_inputs
from pipeline.readers.parts import PART_CHARS
from pipeline.readers.sizes import DEFAULT_MAX_SIZE
from pipeline.registry import load
from pipeline.render import FORMATS, RunInfo
from pipeline.resume import run_signature
from pipeline.review.decisions import Decisions

__all__ = ["Interrupted", "RunOptions", "RunResult", "run"]


@dataclass
class RunOptions:
    """Everything a run needs, read from the command line by the CLI and passed down."""

    inputs: list[Path]
    out: Path
    glossary: Glossary
    source: str = "fr"
    target: str = "en"
    engine: str = "auto"
    engine_settings: dict[str, dict[str, Any]] = field(default_factory=dict)  # engine name -> its options
    cache: bool = True
    cache_path: Path | None = None  # None: the default cache file
    formats: tuple[str, ...] = ("html", "json")
    quiet: bool = False
    force: bool = False  # overwrite files normalize did not write, and redo documents already up to date
    clean: bool = False  # remove pages of earlier runs that this run did not write
    executor: str = "local"
    ray_address: str | None = None  # None: start a local Ray cluster
    ray_workers: int | None = None  # translate actors on Ray; None: one per CPU
    batch_sentences: int = BATCH_SENTENCES
    part_chars: int = PART_CHARS
    max_size: int = DEFAULT_MAX_SIZE  # bytes per input document
    follow_links: bool = False  # read links that leave the input folder (never links to folders, never system files)
    fields: Fields = field(default_factory=Fields)  # where records of JSON Lines, JSON and CSV exports keep each thing
    only: frozenset[Path] | None = None  # of the inputs found, only these (``--source auto``: this language's files)
    keep_documents: bool = True  # keep every Document in the result (tests, library use); the CLI streams without


@dataclass
class RunResult:
    report: RunReport
    documents: list[Document] = field(default_factory=list)  # with keep_documents, in input order

    @property
    def info(self) -> RunInfo:
        return self.report.info

    @property
    def docs(self) -> list[Document]:
        return self.documents

    @property
    def failed(self) -> list[DocSummary]:
        return self.report.failed

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a run, carrying how many documents were completely written by then."""

    def __init__(self, written: int, total: int, kept: int = 0) -> None:
        super().__init__(f"{written} of {total} documents written")
        self.written = written
        self.total = total
        self.kept = kept  # of ``written``, documents found up to date and left as an earlier run wrote them


def run(options: RunOptions, *, engine: Engine | None = None) -> RunResult:
    """Run every stage over every input; raises ``ConfigError`` only before any document is processed."""
    paths = _check(options)
    executor_class: type[Executor] = load(EXECUTORS.find(options.executor))
    executor_class.check(options)
    executor = executor_class()
    if engine is None:
        engine = build_engine(
            options.engine,
            options.source,
            options.target,
            settings=options.engine_settings,
            cache=options.cache,
            cache_path=options.cache_path,
        )
    info = RunInfo.of(engine, options.glossary, formats=list(options.formats), cache=options.cache)
    info.run_signature = run_signature(info, options)
    info.reviews = Decisions.load(options.out)  # a reviewer's decisions stay on the pages of a re-run
    names = output_names(paths)
    folder = OutputFolder(options.out, options.formats, force=options.force)
    report = RunReport(info)
    try:
        with OutputLock(options.out), Bar(total=len(paths), quiet=options.quiet) as bar:
            folder.plan(names)
            job = Job(options=options, paths=paths, names=names, info=info, folder=folder)
            collector = Collector(job, bar)
            bar.describe("translating")
            try:
                with _interruptible(collector, len(paths)):
                    executor.execute(job, engine, collector)
            except OutputError:
                _fill(report, collector, engine)
                _write_what_is_done(folder, report)
                raise
            _fill(report, collector, engine)
            report.stale = folder.stale()
            if options.clean:
                report.removed = folder.clean()
            folder.write_run_files(report)
    finally:
        engine.close()
    documents = [d for _, d in sorted(collector.documents, key=lambda kd: kd[0])]
    return RunResult(report=report, documents=documents)


def _check(options: RunOptions) -> PathList:
    for fmt in options.formats:
        FORMATS.find(fmt)
    EXECUTORS.find(options.executor)
    paths = collect_inputs(options.inputs, out=options.out)
    if options.only is not None:
        paths = [p for p in paths if p in options.only]
    if not paths:
        shown = ", ".join(str(p) for p in options.inputs)
        kinds = ", ".join(sorted(READERS))
        raise ConfigError(
            f"no .txt files found in {shown} (nor any article file: {kinds}); pass articles or a folder that contains them"
        )
    missing = [p for p in options.inputs if not p.exists()]
    if missing:
        raise ConfigError(f"{missing[0]} does not exist; check the path")
    return PathList(paths)


def _fill(report: RunReport, collector: Collector, engine: Engine) -> None:
    report.docs = [s for _, s in sorted(collector.entries, key=lambda ks: ks[0])]
    report.skipped = collector.skipped
    report.sentences_translated = int(getattr(engine, "requested", 0))
    report.sentences_cached = int(getattr(engine, "hits", 0))


def _write_what_is_done(folder: OutputFolder, report: RunReport) -> None:
    """After a write error, try to leave a report and index of the documents finished so far."""
    try:
        folder.write_run_files(report)
    except OutputError:
        pass  # the previous report and index stay, together


@contextmanager
def _interruptible(collector: Collector, total: int) -> Iterator[None]:
    try:
        yield
    except KeyboardInterrupt as exc:
        raise Interrupted(collector.written, total, collector.skipped) from exc
