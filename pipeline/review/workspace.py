"""An output folder opened for review: a view on its files, reloaded when they change, written under the run's lock.

The run that wrote the folder is described by its ``report.json`` (inputs,
glossary files, engine, formats; see ``record``); the workspace runs the same
stage chain over the same inputs, so with the translation cache nothing is
translated again and a re-run after a glossary edit takes the time of matching
and splicing only.

The workspace is never a second copy of the folder:

- every request first compares cheap stat signatures (device, inode, mtime_ns,
  size) of ``report.json``, ``review.json``, the glossary files and the
  document's own files with those seen at the last load; when one differs
  (a ``normalize run``, a hand edit of the glossary), it reloads before
  answering. A reload that fails (an invalid glossary) is reported, and no
  write is made from the old state meanwhile;
- every write takes the output lock of ``normalize run`` (``OutputLock``): when
  a run holds it the action is refused (``Busy``) and nothing changes; under
  the lock the state is checked again, so a write never carries stale figures;
- a write is all or nothing (``writes``);
- a glossary edit is first tried in memory (``trial``: nothing written), and
  saved only if trying it again under the lock gives what was previewed.
"""

from __future__ import annotations

import dataclasses
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.chain import DEFAULT_ORDER
from pipeline.engines import Engine, build_engine
from pipeline.errors import ConfigError, NormalizeError
from pipeline.glossary.load import Glossary, load_glossaries, load_glossary_file
from pipeline.glossary.matcher import Matcher
from pipeline.model import Document
from pipeline.outputs.lock import LOCK_NAME, OutputLock
from pipeline.outputs.names import output_names
from pipeline.render import FORMATS, RunInfo
from pipeline.review import preview
from pipeline.review.decisions import FILE_NAME as REVIEW_NAME
from pipeline.review.decisions import Decisions
from pipeline.review.documents import recorded_signature, run_documents
from pipeline.review.record import REPORT_NAME, RunRecord, Stamp, labelled, stamp
from pipeline.review.writes import WriteFailed, commit, held, render_files

if TYPE_CHECKING:
    from collections.abc import Callable

    from pipeline.review.glossary_edit import Planned

__all__ = ["BUSY", "Busy", "Changed", "Stale", "Trial", "Workspace", "WriteFailed"]

RERUN_ORDER = tuple(name for name in DEFAULT_ORDER if name != "language")
BUSY = "a normalize run is writing this folder; try again when it finishes"


class Busy(ConfigError):
    """A ``normalize run`` holds the output lock: the action is refused, nothing changed."""


class Stale(ConfigError):
    """The folder changed on disk and cannot be reloaded (an invalid glossary, a report gone): nothing is written."""


class Changed(Stale):
    """A previewed glossary edit would now change other sentences than those shown: nothing is saved."""


@dataclass(frozen=True)
class Trial:
    """A glossary edit run in memory over the documents it can change; nothing written."""

    glossary: Glossary
    docs: list[Document]  # every document of the run, the re-run ones replaced
    fresh: list[Document]  # the re-run ones
    fingerprints: dict[str, dict[str, str]]
    changes: list[preview.SentenceChange]
    digest: str
    matching: preview.Matching  # the edited glossary's matches, kept once it is saved

    @property
    def rerun(self) -> list[str]:
        return [d.name for d in self.fresh]


class Workspace:
    """The documents of one output folder and the means to re-run them; safe to call from several threads.

    The engine and its cache (an SQLite connection, bound to the thread that opened it) live on one worker
    thread of their own: every translation, however the server schedules requests, runs there.
    """

    record: RunRecord
    source: str
    target: str
    glossary: Glossary
    decisions: Decisions
    info: RunInfo

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
        self.lock = threading.RLock()
        self._given_engine = engine
        self._engine_key: tuple[str, str, str, bool] | None = None
        self._cache_path = cache_path
        self._engine_settings = engine_settings
        self.engine: Engine | None = engine
        self.stamps: dict[Path, Stamp] = {}
        self.problem: str | None = None  # why the folder, changed on disk, could not be reloaded
        self._writing = False  # inside ``writing``: the output lock is held by this workspace
        self.reloads = 0  # loads after the first one (tests, and the curious)
        self.fingerprints: dict[str, dict[str, str]] = {}  # document -> its JSON's glossary_fingerprint (resume)
        self._matching: preview.Matching | None = None
        self.docs: list[Document] = []
        self.docs = self._load()

    # ------------------------------------------------------------------ reading

    def doc(self, name: str) -> Document | None:
        return next((d for d in self.docs if d.name == name and not d.failed), None)

    def files_of(self, name: str) -> list[Path]:
        return [self.out / (name + FORMATS[f][0]) for f in self.record.formats if f in FORMATS]

    def watched(self, names: Iterable[str] | None = None) -> list[Path]:
        """The files whose change means a reload: the report, the decisions, the glossaries, and the documents' files."""
        paths = [self.out / REPORT_NAME, self.out / REVIEW_NAME, *self.record.glossaries]
        for name in [d.name for d in self.docs] if names is None else names:
            paths.extend(self.files_of(name))
        return paths

    def refresh(self, names: Iterable[str] | None = None) -> bool:
        """Reload if a watched file changed (``names``: those documents' files; None: every document's); True if it did.

        Raises ``Stale`` while the folder cannot be reloaded; the previous state stays in memory but is never written.
        """
        with self.lock:
            changed = [p for p in self.watched(names) if stamp(p) != self.stamps.get(p)]
            if not changed:
                if self.problem is not None:
                    raise Stale(self.problem)
                return False
            if changed == [self.out / REVIEW_NAME] and self.problem is None:
                self.stamps[changed[0]] = stamp(changed[0])
                self.decisions = Decisions.load(self.out)
                self.info.reviews = self.decisions
                return True
            try:
                self.docs = self._load()
            except NormalizeError as exc:
                self.problem = (
                    f"{self.out} changed on disk and cannot be read again: {exc}. Nothing is saved until this is fixed; "
                    "fix it and reload the page"
                )
                raise Stale(self.problem) from None
            self.reloads += 1
            return True

    def progress(self) -> tuple[int, int]:
        """(decided, total) notes to review across every document of the run."""
        counts = [self.decisions.progress(d) for d in self.docs if not d.failed]
        return sum(c[0] for c in counts), sum(c[1] for c in counts)

    # ------------------------------------------------------------------ writing

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the output lock (``Busy`` if a run has it) with a fresh state: every write happens inside."""
        with self.lock:
            if self._writing:  # already inside (an edit re-running documents): the lock is ours
                yield
                return
            if not self.out.is_dir():
                raise Stale(f"{self.out} is gone; run `normalize run` into it again")
            lock = OutputLock(self.out)
            try:
                lock.acquire()
            except ConfigError as exc:
                if held(self.out / LOCK_NAME):
                    raise Busy(BUSY) from None
                raise WriteFailed(f"{exc}; nothing was saved") from None
            self._writing = True
            try:
                self.refresh()
                yield
            finally:
                self._writing = False
                lock.release()

    def decide(self, doc: Document, key: str, status: str | None, **about: str) -> Decisions:
        """Record (or withdraw) one decision: review.json, the document's files, the report and the index, or nothing."""
        with self.writing():
            decisions = self.decisions.with_decision(key, status, **about)
            self._save_decisions(decisions, [self.doc(doc.name) or doc])
            return decisions

    def decide_many(
        self, keys: Sequence[tuple[str, str]], status: str | None, *, comment: str = "", about: str = ""
    ) -> Decisions:
        """Record (or withdraw) one decision on each ``(key, document)`` at once: one write of every file they show."""
        with self.writing():
            decisions = self.decisions.with_decisions(list(keys), status, comment=comment, about=about)
            names = {name for _, name in keys}
            self._save_decisions(decisions, [d for d in self.docs if d.name in names])
            return decisions

    def _save_decisions(self, decisions: Decisions, docs: list[Document]) -> None:
        info = dataclasses.replace(self.info, reviews=decisions)
        self._write(render_files(self.out, self.record.formats, docs, self.docs, info, decisions, self.fingerprints))
        self.decisions, self.info = decisions, info

    def rerun(self, names: Iterable[str]) -> float:
        """Run the chain again over ``names`` (from the cache) with the glossary on disk and rewrite their files; seconds."""
        started = time.perf_counter()
        with self.writing():
            glossary = self._glossary(self.record)
            fresh, docs, prints = self._run_again(glossary, list(names))
            self._adopt(glossary, fresh, docs, prints)
        return time.perf_counter() - started

    def trial(self, planned: Planned) -> Trial:
        """Run a planned glossary edit (``glossary_edit.Planned``) over the documents it can change, in memory only."""
        with self.lock:
            if planned.files == tuple(self.record.glossaries):  # checked with the run's files: the run's glossary
                glossary = labelled(planned.glossary, self._labels())
            else:
                glossary = self.glossary_with(planned.path, planned.text)
            matching = preview.Matching.of(glossary)
            fresh, docs, prints = self._run_again(glossary, preview.affected(self.docs, self._matching_now(), matching))
            changes = preview.changed_sentences({d.name: d for d in self.docs}, fresh)
            return Trial(glossary, docs, fresh, prints, changes, preview.digest(planned.text, changes), matching)

    def edit(self, planned: Planned, *, expected: str | None = None) -> tuple[Trial, float]:
        """Save a planned glossary edit and rewrite the documents it changes, all or nothing; the trial saved, seconds.

        ``expected``: the digest of the preview the reviewer confirmed; if the edit now gives anything else, ``Changed``.
        """
        started = time.perf_counter()
        with self.writing():
            trial = self.trial(planned)
            if expected is not None and trial.digest != expected:
                raise Changed(
                    f"the run changed since the preview: this edit now changes {len(trial.changes)} sentence(s), "
                    "not the ones shown; nothing was saved. Preview it again"
                )
            self._adopt(trial.glossary, trial.fresh, trial.docs, trial.fingerprints, planned.commit)
            self._matching = trial.matching
        return trial, time.perf_counter() - started

    def _matching_now(self) -> preview.Matching:
        """The glossary in use's matcher and matches, kept from one preview to the next (and from a saved edit on)."""
        if self._matching is None or self._matching.glossary is not self.glossary:
            self._matching = preview.Matching.of(self.glossary)
        return self._matching

    def glossary_with(self, path: Path, text: str) -> Glossary:
        """The run's glossary with ``path`` holding ``text``, checked like a run would check it."""
        with tempfile.TemporaryDirectory(prefix="normalize-edit-") as tmp:
            candidate = Path(tmp) / path.name
            candidate.write_bytes(text.encode("utf-8"))
            paths = [candidate if p == path else p for p in self.record.glossaries]
            labels = {str(p): label for p, label in zip(paths, self.record.glossary_labels, strict=True)}
            try:
                glossary = load_glossaries(paths, source=self.source, target=self.target)
                Matcher(glossary)
            except ConfigError as exc:
                raise ConfigError(str(exc).replace(str(candidate), str(path))) from None
        return labelled(glossary, labels)

    def _run_again(
        self, glossary: Glossary, names: list[str]
    ) -> tuple[list[Document], list[Document], dict[str, dict[str, str]]]:
        """``names`` run again with ``glossary``: (those documents, every document with them in, fingerprints)."""
        index = {d.name: i for i, d in enumerate(self.docs)}
        chosen = [self.docs[index[n]] for n in dict.fromkeys(names) if n in index]
        # The language of a text does not change with the glossary: a re-run skips that stage (and its model load).
        assert self.engine is not None
        inputs = [(self._source_of(d), str(d.path), d.name) for d in chosen]
        fresh, prints = run_documents(self.worker, self.engine, glossary, inputs, language=self.source, order=RERUN_ORDER)
        docs = list(self.docs)
        for doc in fresh:
            docs[index[doc.name]] = doc
        return fresh, docs, {**self.fingerprints, **prints}

    def _adopt(
        self,
        glossary: Glossary,
        fresh: list[Document],
        docs: list[Document],
        prints: dict[str, dict[str, str]],
        before: Callable[[], None] | None = None,
    ) -> None:
        """Write re-run documents (``before``: the glossary save, made once every file is ready) and keep them."""
        info = self._info(glossary, self.decisions)
        self._write(render_files(self.out, self.record.formats, fresh, docs, info, None, prints), before)
        self.docs, self.glossary, self.info, self.fingerprints = docs, glossary, info, prints
        for path in self.record.glossaries:
            self.stamps[path] = stamp(path)

    def _write(self, files: list[tuple[Path, str]], before: Callable[[], None] | None = None) -> None:
        commit(self.out, self.record.formats, files, before)
        for path, _ in files:
            self.stamps[path] = stamp(path)

    def close(self) -> None:
        if self.engine is not None:
            self.worker.submit(self.engine.close).result()
        self.worker.shutdown()

    # ------------------------------------------------------------------ loading

    def _load(self) -> list[Document]:
        """Read the folder afresh: report, glossaries, decisions, and every document run again (from the cache)."""
        report_stamp = stamp(self.out / REPORT_NAME)
        record = RunRecord.read(self.out)
        missing = [p for p in record.glossaries if not p.is_file()]
        if missing:
            raise ConfigError(f"glossary {missing[0]} of this run is gone; restore it or run `normalize run` again")
        names = output_names([Path(p) for p in record.input_labels])
        stamps: dict[Path, Stamp] = {self.out / REPORT_NAME: report_stamp, self.out / REVIEW_NAME: stamp(self.out / REVIEW_NAME)}
        stamps.update({p: stamp(p) for p in record.glossaries})
        stamps.update(
            {
                self.out / (n + FORMATS[f][0]): stamp(self.out / (n + FORMATS[f][0]))
                for n in names
                for f in record.formats
                if f in FORMATS
            }
        )
        self.stamps = {**self.stamps, **stamps}  # kept if what follows fails: the same failure is not retried per request
        first = load_glossary_file(record.glossaries[0])
        source, target = first.source, first.target
        self._ensure_engine(record, source, target)
        self.record, self.source, self.target = record, source, target
        glossary = self._glossary(record)
        decisions = Decisions.load(self.out)
        info = self._info(glossary, decisions)
        assert self.engine is not None
        inputs = list(zip(record.inputs, record.input_labels, names, strict=True))
        docs, prints = run_documents(self.worker, self.engine, glossary, inputs, language=source, order=DEFAULT_ORDER)
        self.glossary, self.decisions, self.info, self.fingerprints = glossary, decisions, info, prints
        self.stamps = stamps
        self.problem = None
        return docs

    def _ensure_engine(self, record: RunRecord, source: str, target: str) -> None:
        key = (record.engine, source, target, record.cache)
        if self._given_engine is not None or key == self._engine_key:
            return
        old = self.engine
        self.engine = self.worker.submit(
            build_engine,
            record.engine,
            source,
            target,
            settings=self._engine_settings,
            cache=record.cache,
            cache_path=self._cache_path,
        ).result()
        self._engine_key = key
        if old is not None:
            self.worker.submit(old.close).result()

    def load_glossary(self) -> Glossary:
        return self._glossary(self.record)

    def _glossary(self, record: RunRecord) -> Glossary:
        return labelled(load_glossaries(record.glossaries, source=self.source, target=self.target), self._labels(record))

    def _labels(self, record: RunRecord | None = None) -> dict[str, str]:
        """Where each glossary file is read -> its name as the run recorded it (and the pages show)."""
        record = record or self.record
        return {str(p): label for p, label in zip(record.glossaries, record.glossary_labels, strict=True)}

    def _info(self, glossary: Glossary, decisions: Decisions) -> RunInfo:
        assert self.engine is not None
        info = RunInfo.of(self.engine, glossary, formats=list(self.record.formats), cache=self.record.cache)
        info.reviews = decisions
        info.run_signature = recorded_signature(self.out, self.record)
        return info

    def _source_of(self, doc: Document) -> Path:
        labels = dict(zip(self.record.input_labels, self.record.inputs, strict=True))
        return labels.get(str(doc.path), doc.path)
