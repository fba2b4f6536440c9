"""A whole run: input paths -> documents through the stage chain -> files in the output folder.

The stages and their order live in ``pipeline.chain``; writing lives in
``pipeline.outputs``. This module reads the inputs, builds the engine once,
and ties the two together under the output lock and the progress bar.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.chain import Chain
from pipeline.engines import Engine, build_engine
from pipeline.errors import ConfigError, NormalizeError
from pipeline.glossary.load import Glossary
from pipeline.lock import OutputLock
from pipeline.model import Document
from pipeline.outputs import output_names, write_document, write_run_files
from pipeline.progress import Bar
from pipeline.render import FORMATS, RunInfo
from pipeline.stages.read import DEFAULT_MAX_SIZE, collect_inputs, read_document


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
    max_size: int = DEFAULT_MAX_SIZE  # bytes per input document


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
        engine = build_engine(
            options.engine,
            options.source,
            options.target,
            settings=options.engine_settings,
            cache=options.cache,
            cache_path=options.cache_path,
        )
    info = RunInfo.of(engine, options.glossary, formats=list(options.formats), cache=options.cache)
    chain = Chain(options.glossary, engine)
    docs: list[Document] = []
    written: list[Document] = []
    with (
        OutputLock(options.out),
        _interruptible(written, len(paths)),
        Bar(total=2 * len(paths) + 1, quiet=options.quiet) as bar,
    ):
        bar.describe("reading")
        for path, name in zip(paths, output_names(paths), strict=True):
            docs.append(_read(path, name, options.source, options.max_size))
            bar.advance()
        bar.describe("translating")
        chain(docs)
        bar.advance()
        bar.describe("writing")
        for doc in docs:
            if not doc.failed:
                write_document(doc, info, options.out, options.formats)
            if not doc.failed:
                written.append(doc)
            bar.advance()
        report = write_run_files(docs, info, options.out)
    engine.close()
    return RunResult(docs=docs, info=info, report=report)


def _read(path: Path, name: str, language: str, max_size: int = DEFAULT_MAX_SIZE) -> Document:
    try:
        return read_document(path, language=language, name=name, max_size=max_size)
    except NormalizeError as exc:
        return Document(path=path, name=name, text="", language=language, sha256="", error=str(exc))
