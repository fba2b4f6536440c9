"""An output folder opened for review: its documents in memory, re-run from the translation cache after an edit.

The run that wrote the folder is described by its ``report.json`` (inputs,
glossary files, engine, formats); the workspace runs the same stage chain over
the same inputs, so with the translation cache nothing is translated again and
a re-run after a glossary edit takes the time of matching and splicing only.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.chain import DEFAULT_ORDER, Chain
from pipeline.engines import Engine, build_engine
from pipeline.errors import ConfigError, NormalizeError
from pipeline.glossary.load import Glossary, load_glossaries, load_glossary_file
from pipeline.lock import OutputLock
from pipeline.model import Document
from pipeline.outputs import DocSummary, OutputFolder, RunReport, output_names
from pipeline.render import RunInfo
from pipeline.review.decisions import Decisions
from pipeline.stages.read import read_document

RERUN_ORDER = tuple(name for name in DEFAULT_ORDER if name != "language")


@dataclass(frozen=True)
class RunRecord:
    """What ``report.json`` says about the run that wrote the folder."""

    inputs: list[Path]
    names: list[str]
    glossaries: list[Path]
    engine: str
    formats: tuple[str, ...]
    cache: bool

    @classmethod
    def read(cls, out: Path) -> RunRecord:
        path = out / "report.json"
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
            done, failed = report["documents"]["done"], report["documents"]["failed"]
            inputs = [Path(d["path"]) for d in done] + [Path(d["path"]) for d in failed]
            options = report.get("options", {})
            return cls(
                inputs=inputs,
                names=[d["name"] for d in done],
                glossaries=[Path(p) for p in report["glossaries"]],
                engine=str(report["engine"]["name"]),
                formats=tuple(options.get("formats", ("html", "json"))),
                cache=bool(options.get("cache", True)),
            )
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read ({exc.strerror or exc}); run `normalize run` into {out} first") from None
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"{path}: not a normalize report ({exc}); run `normalize run` into {out} again") from None


class Workspace:
    """The documents of one output folder and the means to re-run them; safe to call from several threads.

    The engine and its cache (an SQLite connection, bound to the thread that opened it) live on one worker
    thread of their own: every translation, however the server schedules requests, runs there.
    """

    def __init__(
        self,
        out: Path,
        *,
        engine: Engine | None = None,
        cache_path: Path | None = None,
        engine_settings: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self.out = out
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="normalize-engine")
        self.record = RunRecord.read(out)
        missing = [p for p in self.record.glossaries if not p.is_file()]
        if missing:
            raise ConfigError(f"glossary {missing[0]} of this run is gone; restore it or run `normalize run` again")
        first = load_glossary_file(self.record.glossaries[0])
        self.source, self.target = first.source, first.target
        if engine is None:
            engine = self.worker.submit(
                build_engine,
                self.record.engine,
                self.source,
                self.target,
                settings=engine_settings,
                cache=self.record.cache,
                cache_path=cache_path,
            ).result()
        self.engine = engine
        self.decisions = Decisions.load(out)
        self.lock = threading.RLock()
        self.glossary = self.load_glossary()
        self.docs: list[Document] = []
        self.info = self._info()
        self.docs = self._process(self.record.inputs, output_names(self.record.inputs), DEFAULT_ORDER)

    def load_glossary(self) -> Glossary:
        return load_glossaries(self.record.glossaries, source=self.source, target=self.target)

    def doc(self, name: str) -> Document | None:
        return next((d for d in self.docs if d.name == name and not d.failed), None)

    def affected(self, words: str, entry: str | None) -> list[str]:
        """Documents a glossary edit about ``words`` (and ``entry``) can change: they contain the words or the entry."""
        folded = " ".join(words.casefold().split())
        return [
            d.name
            for d in self.docs
            if not d.failed
            and (folded in " ".join(d.text.casefold().split()) or any(h.entry == entry for s in d.segments for h in s.hits))
        ]

    def rerun(self, names: Iterable[str]) -> float:
        """Re-read the glossary, run the chain again over ``names`` (from the cache) and rewrite their files; seconds taken."""
        started = time.perf_counter()
        with self.lock:
            self.glossary = self.load_glossary()
            self.info = self._info()
            wanted = set(names)
            index = {d.name: i for i, d in enumerate(self.docs)}
            chosen = [self.docs[index[n]] for n in wanted if n in index]
            # The language of a text does not change with the glossary: a re-run skips that stage (and its model load).
            fresh = self._process([d.path for d in chosen], [d.name for d in chosen], RERUN_ORDER)
            for doc in fresh:
                self.docs[index[doc.name]] = doc
            self.write(fresh)
        return time.perf_counter() - started

    def write(self, docs: Iterable[Document]) -> None:
        """Rewrite the files of ``docs`` and the run's index and report (decisions included)."""
        with self.lock, OutputLock(self.out):
            self.info.reviews = self.decisions
            folder = OutputFolder(self.out, self.record.formats)
            for doc in docs:
                if not doc.failed:
                    folder.write_document(doc, self.info)
            folder.write_run_files(RunReport(self.info, [DocSummary.of(d, self.decisions) for d in self.docs]))

    def close(self) -> None:
        self.worker.submit(self.engine.close).result()
        self.worker.shutdown()

    def _info(self) -> RunInfo:
        info = RunInfo.of(self.engine, self.glossary, formats=list(self.record.formats), cache=self.record.cache)
        info.reviews = self.decisions
        return info

    def _process(self, paths: list[Path], names: list[str], order: tuple[str, ...]) -> list[Document]:
        docs = []
        for path, name in zip(paths, names, strict=True):
            try:
                docs.append(read_document(path, language=self.source, name=name))
            except NormalizeError as exc:
                docs.append(Document(path=path, name=name, text="", language=self.source, sha256="", error=str(exc)))
        self.worker.submit(Chain(self.glossary, self.engine, order), docs).result()
        return docs
