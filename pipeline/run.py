"""A whole run: input paths -> documents through the stage chain -> files in the output folder.

The stages and their order live in ``pipeline.chain``; the output folder (names,
manifest, writes, the ``RunReport``) in ``pipeline.outputs``; how documents are
moved through the chain in ``pipeline.executors`` (``local``: streaming
batches in this process; ``ray``: a Ray cluster). This module checks the
options, takes the output lock, skips documents that are already up to date
(resume), and collects each document's summary into the one report.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import json
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.chain import DEFAULT_ORDER
from pipeline.engines import Engine, build_engine
from pipeline.errors import ConfigError, NormalizeError, printable
from pipeline.glossary.load import Entry, Glossary
from pipeline.lock import OutputLock
from pipeline.model import Document
from pipeline.outputs import DocSummary, ItemNames, OutputError, OutputFolder, RunReport, output_names, part_name
from pipeline.progress import Bar
from pipeline.readers import READERS, Fields
from pipeline.registry import Registry
from pipeline.render import FORMATS, RunInfo
from pipeline.review.decisions import Decisions
from pipeline.stages.check import CheckStage
from pipeline.stages.read import DEFAULT_MAX_SIZE, collect_inputs, input_root, read_documents

# executor name -> its module (``check(options)``, ``execute(job, engine, collector)``), imported when chosen
EXECUTORS: Registry[str] = Registry("executor", [("local", "pipeline.executors.local"), ("ray", "pipeline.executors.ray")])
BATCH_SENTENCES = 2000  # sentences per translation batch: large enough for engines to batch, small enough to bound memory
BATCH_DOCUMENTS = 500  # and at most this many documents per batch
PART_CHARS = 200_000  # a document longer than this is split into parts at paragraph boundaries, with a warning


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

    def __init__(self, written: int, total: int) -> None:
        super().__init__(f"{written} of {total} documents written")
        self.written = written
        self.total = total


@dataclass
class Job:
    """What an executor needs: the inputs, their output names, and where and how to write them."""

    options: RunOptions
    paths: list[Path]
    names: list[str]
    info: RunInfo
    folder: OutputFolder


Key = tuple[int, int]  # (input index, part index): the report's order, whatever order documents finish in


class Collector:
    """Receives each document as an executor finishes it: progress, failures as they happen, the report."""

    def __init__(self, job: Job, bar: Bar) -> None:
        self.job = job
        self.bar = bar
        self.entries: list[tuple[Key, DocSummary]] = []
        self.documents: list[tuple[Key, Document]] = []
        self.skipped = 0
        self.written = 0
        self.use = GlossaryUse(job.options.glossary)

    def skip_if_done(self, key: Key, doc: Document, matches: str) -> bool:
        """Resume: record and skip prepared ``doc`` if its outputs are there from a run with the same signature,
        source and use of the glossary (``matches``: ``GlossaryUse.matches`` of it)."""
        if not resuming(self.job.options) or doc.failed:
            return False
        summary = self.job.folder.resumable(doc.name, doc.sha256, self.job.info.run_signature, matches, self.use.leftovers)
        if summary is None:
            return False
        self.job.folder.claim(self.job.folder.files_of(doc.name))
        self.skipped += 1
        self.done(key, summary, None)
        return True

    def done(self, key: Key, summary: DocSummary, doc: Document | None) -> None:
        self.entries.append((key, summary))
        if summary.failed:
            self.bar.log(printable(f"normalize: failed: {summary.path}: {summary.error}"))
        else:
            self.written += 1
        if doc is not None and self.job.options.keep_documents:
            self.documents.append((key, doc))
        if key[1] == 0:
            self.bar.advance()


def run(options: RunOptions, *, engine: Engine | None = None) -> RunResult:
    """Run every stage over every input; raises ``ConfigError`` only before any document is processed."""
    paths = _check(options)
    executor = importlib.import_module(EXECUTORS.find(options.executor))
    executor.check(options)
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


def resuming(options: RunOptions) -> bool:
    """Whether up-to-date documents are skipped: not with --force, nor with --no-cache ("translate everything again")."""
    return options.cache and not options.force


def run_signature(info: RunInfo, options: RunOptions) -> str:
    """A hash of what changes every document's outputs alike; a re-run skips documents written with the same one.

    The glossary is not in it: what of the glossary a document depends on is
    that document's own ``GlossaryUse``, so an edit redoes only the documents
    it changes. A skipped document's pages keep the glossary files' hashes
    they were written with (their provenance); report.json and the index
    name the files of this run.
    """
    data = {
        "tool": __version__,
        "engine": [info.engine, info.engine_version, info.pivot],
        "settings": options.engine_settings.get(info.engine, {}),
        "pair": [info.source, info.target],
        "stages": list(DEFAULT_ORDER),
        "part_chars": options.part_chars,
    }
    return _hash(data)


class GlossaryUse:
    """What of the glossary one document's outputs depend on, as two hashes, so resume redoes exactly what an edit changes.

    The stages after ``names`` see the glossary only through the hits and
    findings of the match and names stages, the entries those name (their
    renderings, standard names, note, file and line on the page), and the
    check stage's search of the English for every loaded entry's renderings.
    Hence:

    - ``matches(doc)``, right after the names stage (cheap, so a re-run
      computes it before translating anything): the hits and findings and the
      full definition of each entry they name. An entry that shapes a match
      without being named by it (a ``{group}`` in a slot, a chained label, a
      context rule, a longer variant that loses) changes the hash exactly when
      it changes what was found;
    - ``leftovers(targets)``, over the document's English: the loaded
      renderings the check stage finds there and their entries' definitions.
      A re-run computes it over the English stored in the JSON, which equal
      run signatures, sources and ``matches`` guarantee is what a fresh run
      would write.

    Examples are left out of a definition: no stage or page reads them.
    """

    def __init__(self, glossary: Glossary) -> None:
        self.entries = {e.id: e for e in glossary.entries}
        self.glossary = glossary
        self._definitions: dict[str, str] = {}
        self._check: CheckStage | None = None  # built on first use: it compiles every rendering into one pattern

    def matches(self, doc: Document) -> str:
        """The hash of a prepared document's hits and findings and of the entries they name."""
        results = [
            [seg.id, [dataclasses.astuple(h) for h in seg.hits], [f.to_json() for f in seg.findings]]
            for seg in doc.segments
            if seg.hits or seg.findings
        ]
        named = {h.entry for seg in doc.segments for h in seg.hits} | {f.entry for seg in doc.segments for f in seg.findings if f.entry}
        return _hash({"results": results, "entries": self._defined(named)})

    def leftovers(self, targets: Sequence[str]) -> str:
        """The hash of the loaded renderings the check stage finds in each segment's English, and of their entries."""
        if self._check is None:
            self._check = CheckStage(self.glossary)
        check = self._check
        found = [(i, m.start(), m.end(), check.entry_of(m)) for i, text in enumerate(targets) for m in check.leftovers(text)]
        return _hash({"found": found, "entries": self._defined({entry for *_, entry in found})})

    def fingerprint(self, doc: Document, matches: str) -> dict[str, str]:
        """What a finished document's JSON records (``glossary_fingerprint``) for the next run to compare."""
        return {"matches": matches, "leftovers": self.leftovers([seg.target for seg in doc.segments])}

    def _defined(self, ids: set[str]) -> list[list[str]]:
        """(id, hash of its definition) of each of ``ids`` that is an entry (a protected name is not), sorted."""
        out = []
        for entry_id in sorted(ids):
            entry = self.entries.get(entry_id)
            if entry is None:
                continue
            if entry_id not in self._definitions:
                self._definitions[entry_id] = _hash(_definition(entry))
            out.append([entry_id, self._definitions[entry_id]])
        return out


def _definition(entry: Entry) -> dict[str, object]:
    return {k: v for k, v in dataclasses.asdict(entry).items() if k != "examples"}


def _hash(data: object) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]


def read_parts(path: Path, name: str, options: RunOptions, taken: Collection[str] = ()) -> list[Document]:
    """Every document of one input (``iter_parts``), as a list."""
    return list(iter_parts(path, name, options, taken))


def iter_parts(path: Path, name: str, options: RunOptions, taken: Collection[str] = ()) -> Iterator[Document]:
    """Read one input lazily: its documents (many for a feed, a web archive or an export), each very large one
    split into parts; a file or an item that cannot be used is a failed document, and the others still come.

    ``taken``: the run's output names, case-folded, so an item of a source (``feed--title``) never takes the
    name of another input's pages.
    """
    names = ItemNames(name, path, taken)
    reading = read_documents(path, language=options.source, name=name, max_size=options.max_size,
                             root=input_root(path, options.inputs), follow_links=options.follow_links,
                             fields=options.fields, item_name=names)
    count = 0
    while True:
        try:
            doc = next(reading)
        except StopIteration:
            return
        except NormalizeError as exc:
            yield _failed(path, name if not count else names("failed"), options, str(exc))
            return
        except Exception as exc:  # a reader's library bug loses this file's remaining documents, not the run
            reason = f"cannot read ({type(exc).__name__}: {' '.join(str(exc).split())[:300]}); please report this file"
            yield _failed(path, name if not count else names("failed"), options, reason)
            return
        count += 1
        yield from [doc] if doc.failed else split_large(doc, options.part_chars)


def _failed(path: Path, name: str, options: RunOptions, error: str) -> Document:
    return Document(path=path, name=name, text="", language=options.source, sha256="", error=error)


def split_large(doc: Document, limit: int) -> list[Document]:
    """``doc``, or its parts of at most ``limit`` characters cut at paragraph (else line, else word) boundaries.

    Memory per document grows with its length (segments, translations, the
    page), so bounding the part bounds it. Each part is a document of its own
    (``NAME.part001`` …) whose offsets point into that part, as its warning says.
    """
    if len(doc.text) <= limit:
        return [doc]
    cuts = [0]
    while len(doc.text) - cuts[-1] > limit:
        cuts.append(_cut(doc.text, cuts[-1], limit))
    cuts.append(len(doc.text))
    count = len(cuts) - 1
    parts = []
    for i, (start, end) in enumerate(zip(cuts, cuts[1:], strict=False)):
        text = doc.text[start:end]
        if not text.strip():
            continue
        note = (
            f"the file has {len(doc.text):,} characters, more than {limit:,}: split into {count} parts at paragraph "
            f"boundaries; this is part {i + 1} (characters {start:,}-{end:,} of the file, offsets count from its start)"
        )
        parts.append(
            Document(
                path=doc.path,
                name=part_name(doc.name, i + 1),
                text=text,
                language=doc.language,
                sha256=doc.sha256,
                metadata=dict(doc.metadata),
                body_start=doc.body_start if i == 0 else 0,
                warnings=[*doc.warnings, note],
            )
        )
    return parts


def _cut(text: str, start: int, limit: int) -> int:
    end = start + limit
    for sep in ("\n\n", "\n", " "):
        at = text.rfind(sep, start + limit // 2, end)
        if at > start:
            return at + len(sep)
    return end


def _check(options: RunOptions) -> list[Path]:
    for fmt in options.formats:
        FORMATS.find(fmt)
    EXECUTORS.find(options.executor)
    paths = collect_inputs(options.inputs, out=options.out)
    if not paths:
        shown = ", ".join(str(p) for p in options.inputs)
        kinds = ", ".join(sorted(READERS))
        raise ConfigError(f"no .txt files found in {shown} (nor any article file: {kinds}); pass articles or a folder that contains them")
    missing = [p for p in options.inputs if not p.exists()]
    if missing:
        raise ConfigError(f"{missing[0]} does not exist; check the path")
    return paths


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
        raise Interrupted(collector.written, total) from exc
