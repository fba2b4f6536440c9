"""A whole run: input paths -> documents through every stage -> files in the output folder.

The pipeline order is data (``STAGES``); each stage is a callable over one
document, except translation, which sees every sentence of the run at once.
One document's failure never stops the others: it is recorded on the document,
reported, and the run's exit code becomes 1.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.engines import Engine, create_engine
from pipeline.engines.cache import CachedEngine, TranslationCache
from pipeline.errors import ConfigError, EngineError, NormalizeError
from pipeline.glossary.load import Glossary
from pipeline.glossary.matcher import Matcher
from pipeline.lock import OutputLock
from pipeline.model import Document
from pipeline.progress import Bar
from pipeline.render import FORMATS, RunInfo
from pipeline.render.html import render_index
from pipeline.render.json_format import dumps
from pipeline.render.write import write_atomic
from pipeline.stages.check import CheckStage
from pipeline.stages.enforce import EnforceStage
from pipeline.stages.language import LanguageStage
from pipeline.stages.match import MatchStage
from pipeline.stages.read import collect_inputs, read_document
from pipeline.stages.segment import segment
from pipeline.stages.translate import TranslateStage

DocStage = Callable[[Document], Document]


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


@dataclass
class RunResult:
    docs: list[Document]
    info: RunInfo
    report: dict[str, Any]

    @property
    def failed(self) -> list[Document]:
        return [d for d in self.docs if d.failed]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


class Pipeline:
    """The stages in order, over a batch of documents (like spaCy's ``nlp``, for a batch).

    ``language``, ``segment`` and ``match`` run per document, ``translate`` once for the whole
    batch, then ``enforce`` and ``check`` per document. A document that fails a
    stage keeps its error and skips the rest; the others go on.
    """

    def __init__(self, glossary: Glossary, engine: Engine) -> None:
        self.translate = TranslateStage(engine)
        self.before: list[tuple[str, DocStage]] = [
            ("language", LanguageStage(engine.source)),
            ("segment", segment),
            ("match", MatchStage(Matcher(glossary))),
        ]
        self.after: list[tuple[str, DocStage]] = [
            ("enforce", EnforceStage(glossary, self.translate.term_mt)),
            ("check", CheckStage(glossary)),
        ]

    def __call__(self, docs: list[Document]) -> list[Document]:
        for doc in docs:
            if not doc.failed:
                _apply(doc, self.before)
        _translate(self.translate, [d for d in docs if not d.failed])
        for doc in docs:
            if not doc.failed:
                _apply(doc, self.after)
        return docs


def text_document(text: str, *, language: str, name: str = "text") -> Document:
    """A document from a string, for in-memory use (glossary tests, evaluation)."""
    return Document(
        path=Path(f"<{name}>"),
        name=name,
        text=text,
        language=language,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a run, carrying how many documents were completely written by then."""

    def __init__(self, written: int, total: int) -> None:
        super().__init__(f"{written} of {total} documents written")
        self.written = written
        self.total = total


@contextmanager
def _interruptible(written: list[Document], total: int) -> Iterator[None]:
    try:
        yield
    except KeyboardInterrupt as exc:
        raise Interrupted(len(written), total) from exc


RESERVED_NAMES = frozenset({"index", "report"})  # the run's own index.html and report.json


def output_names(paths: Sequence[Path]) -> list[str]:
    """One output stem per input; a stem seen twice, or taken by the run's own files, gets a short hash of its path."""
    stems = [_printable(p.stem) for p in paths]
    seen = Counter(stems)
    return [
        stem if seen[stem] == 1 and stem not in RESERVED_NAMES else f"{stem}-{_short_hash(p)}"
        for stem, p in zip(stems, paths)
    ]


def _short_hash(path: Path) -> str:
    return hashlib.sha256(os.fsencode(path)).hexdigest()[:8]


def _printable(stem: str) -> str:
    """A file name that is not valid UTF-8 gets U+FFFD for its bad bytes, so pages can name and link it."""
    return os.fsencode(stem).decode("utf-8", errors="replace")


def run(options: RunOptions, *, engine: Engine | None = None) -> RunResult:
    """Run every stage over every input; raises ``ConfigError`` only before any document is processed."""
    unknown = [f for f in options.formats if f not in FORMATS]
    if unknown:
        raise ConfigError(f"unknown output format {unknown[0]!r}: choose from {', '.join(FORMATS)}")
    paths = collect_inputs(options.inputs)
    if not paths:
        shown = ", ".join(str(p) for p in options.inputs)
        raise ConfigError(f"no .txt files found in {shown}; pass text files or a folder that contains them")
    missing = [p for p in options.inputs if not p.exists()]
    if missing:
        raise ConfigError(f"{missing[0]} does not exist; check the path")
    if engine is None:
        engine = create_engine(options.engine, options.source, options.target, settings=options.engine_settings)
        if options.cache:
            engine = CachedEngine(engine, TranslationCache(options.cache_path))
    info = RunInfo.of(engine, options.glossary, formats=list(options.formats), cache=options.cache)
    pipeline = Pipeline(options.glossary, engine)
    docs: list[Document] = []
    written: list[Document] = []
    with (
        OutputLock(options.out),
        _interruptible(written, len(paths)),
        Bar(total=2 * len(paths) + 1, quiet=options.quiet) as bar,
    ):
        bar.describe("reading")
        for path, name in zip(paths, output_names(paths)):
            docs.append(_read(path, name, options.source))
            bar.advance()
        bar.describe("translating")
        pipeline(docs)
        bar.advance()
        bar.describe("writing")
        for doc in docs:
            if not doc.failed:
                _write(doc, info, options)
            if not doc.failed:
                written.append(doc)
            bar.advance()
        report = build_report(docs, info)
        write_atomic(options.out / "report.json", dumps(report))
        totals = report["changes_per_entry"]
        write_atomic(options.out / "index.html", render_index(docs, info, totals))
    engine.close()
    return RunResult(docs=docs, info=info, report=report)


def _read(path: Path, name: str, language: str) -> Document:
    try:
        return read_document(path, language=language, name=name)
    except NormalizeError as exc:
        return Document(path=path, name=name, text="", language=language, sha256="", error=str(exc))


def _apply(doc: Document, stages: list[tuple[str, DocStage]]) -> None:
    for stage_name, stage in stages:
        try:
            stage(doc)
        except NormalizeError as exc:
            doc.error = str(exc)
        except Exception as exc:  # one document's bug must not lose the others' work
            doc.error = f"{stage_name} stage failed: {type(exc).__name__}: {exc}; please report this file"
        if doc.failed:
            return


def _translate(stage: TranslateStage, docs: list[Document]) -> None:
    """Translate all documents in one batch; if the engine fails, retry one by one to isolate the culprit."""
    try:
        stage(docs)
        return
    except EngineError as exc:
        if len(docs) == 1:
            docs[0].error = f"translation failed: {exc}"
            return
    for doc in docs:
        try:
            stage([doc])
        except EngineError as exc:
            doc.error = f"translation failed: {exc}"


def _write(doc: Document, info: RunInfo, options: RunOptions) -> None:
    try:
        rendered = [(options.out / (doc.name + FORMATS[f][0]), FORMATS[f][1](doc, info)) for f in options.formats]
        for path, text in rendered:
            write_atomic(path, text)
    except OSError as exc:
        doc.error = f"cannot write output: {exc.strerror or exc}; check that {options.out} is writable"
    except Exception as exc:  # a renderer bug loses this document's pages, not the run
        doc.error = f"render failed: {type(exc).__name__}: {exc}; please report this file"


def build_report(docs: list[Document], info: RunInfo) -> dict[str, Any]:
    """The run summary: documents done and failed, changes per entry, findings per check."""
    changes: Counter[str] = Counter()
    findings: Counter[str] = Counter()
    for doc in docs:
        for seg in doc.segments:
            changes.update(c.entry for c in seg.changes)
            findings.update(f.check for f in seg.findings)
    return {
        "signature": info.signature_line(),
        **info.signature(),
        "documents": {
            "done": [{"path": str(d.path), "name": d.name, "segments": len(d.segments), "warnings": d.warnings} for d in docs if not d.failed],
            "failed": [{"path": str(d.path), "error": d.error} for d in docs if d.failed],
        },
        "changes_per_entry": dict(sorted(changes.items())),
        "findings_per_check": dict(sorted(findings.items())),
    }
