"""An output folder opened for review: a view on its files, reloaded when they change, written under the run's lock.

The run that wrote the folder is described by its ``report.json`` (inputs,
glossary files, engine, formats); the workspace runs the same stage chain over
the same inputs, so with the translation cache nothing is translated again and
a re-run after a glossary edit takes the time of matching and splicing only.

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
- a write renders every file first, writes them all to temporary files, and
  only then renames them: a failure (read-only folder, full disk, a symbolic
  link where a page should be) changes nothing, the decision is not saved;
- the paths ``report.json`` records are the run's, relative to the folder it
  was started in: they are resolved against that folder when the report
  records it (``cwd``), else against the output folder or the nearest folder
  above it that holds the glossaries (their recorded sha256 and the inputs
  telling the right one), never against the folder the server was started in.
  Pages and reports keep the recorded paths, as the run wrote them.
"""

from __future__ import annotations

import dataclasses
import errno
import fcntl
import hashlib
import os
import stat
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.chain import DEFAULT_ORDER, Chain
from pipeline.engines import Engine, build_engine
from pipeline.errors import ConfigError, NormalizeError
from pipeline.glossary.load import Glossary, load_glossaries, load_glossary_file
from pipeline.glossary.matcher import Matcher
from pipeline.model import Document
from pipeline.outputs.folder import OutputFolder, index_html, index_pages
from pipeline.outputs.lock import LOCK_NAME, OutputLock
from pipeline.outputs.names import output_names
from pipeline.outputs.report import DocSummary, RunReport
from pipeline.outputs.write import write_temporary
from pipeline.readers.files import read_document
from pipeline.render import FORMATS, RunInfo
from pipeline.render.json_format import OutputFormatError, dumps, read_output
from pipeline.render.json_format import render_document as render_json
from pipeline.review.decisions import FILE_NAME as REVIEW_NAME
from pipeline.review.decisions import Decisions

if TYPE_CHECKING:
    from pipeline.review.glossary_edit import Planned

REPORT_NAME = "report.json"
RERUN_ORDER = tuple(name for name in DEFAULT_ORDER if name != "language")
BUSY = "a normalize run is writing this folder; try again when it finishes"

Stamp = tuple[int, int, int, int] | None


class Busy(ConfigError):
    """A ``normalize run`` holds the output lock: the action is refused, nothing changed."""


class Stale(ConfigError):
    """The folder changed on disk and cannot be reloaded (an invalid glossary, a report gone): nothing is written."""


class WriteFailed(NormalizeError):
    """A write could not be made (read-only folder, full disk, a link where a file should be); nothing changed."""


def stamp(path: Path) -> Stamp:
    """What changes when a file is rewritten, replaced or edited: device, inode, mtime_ns, size (None: absent)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size)


@dataclass(frozen=True)
class RunRecord:
    """What ``report.json`` says about the run that wrote the folder, its paths resolved against the run's folder."""

    inputs: list[Path]  # where each input is read from
    input_labels: list[str]  # the same as report.json records them (and the pages show)
    names: list[str]
    glossaries: list[Path]  # where each glossary file is read and edited
    glossary_labels: list[str]
    glossary_sha256: dict[str, str]  # label -> sha256 of the file the run read
    engine: str
    formats: tuple[str, ...]
    cache: bool
    base: Path  # the folder relative paths are resolved against

    @classmethod
    def read(cls, out: Path) -> RunRecord:
        path = out / REPORT_NAME
        try:
            report = read_output(path, "report")
            done, failed = report["documents"]["done"], report["documents"]["failed"]
            labels = [str(d["path"]) for d in done] + [str(d["path"]) for d in failed]
            shas = {str(k): str(v) for k, v in dict(report["glossaries"]).items()}
            options = report.get("options", {})
            engine = str(report["engine"]["name"])
            formats = tuple(options.get("formats", ("html", "json")))
            cache = bool(options.get("cache", True))
            recorded = report.get("cwd") or options.get("cwd")
        except OutputFormatError as exc:
            raise ConfigError(str(exc)) from None
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ConfigError(f"{path}: not a normalize report ({exc}); run `normalize run` into {out} again") from None
        if not shas:
            raise ConfigError(f"{path}: names no glossary file; run `normalize run` into {out} again")
        base = Path(recorded) if isinstance(recorded, str) and recorded else run_folder(out, shas, labels[: len(done)])
        return cls(
            inputs=[_at(base, p) for p in labels],
            input_labels=labels,
            names=[str(d["name"]) for d in done],
            glossaries=[_at(base, p) for p in shas],
            glossary_labels=list(shas),
            glossary_sha256=shas,
            engine=engine,
            formats=formats,
            cache=cache,
            base=base,
        )

    def label_of(self, path: Path) -> str:
        return dict(zip(map(str, self.glossaries), self.glossary_labels, strict=True)).get(str(path), str(path))

    def glossary_at(self, label: str) -> Path | None:
        """The file of the glossary the page names ``label`` (as report.json records it), if it is one of the run's."""
        return dict(zip(self.glossary_labels, self.glossaries, strict=True)).get(label)


def _at(base: Path, label: str) -> Path:
    path = Path(label)
    return path if path.is_absolute() else base / path


def run_folder(out: Path, glossaries: Mapping[str, str], inputs: Sequence[str]) -> Path:
    """The folder the run was started in, as far as the files tell: the output folder or the nearest one above it.

    A candidate must hold every relative glossary path; among those, one where
    the inputs exist too and the glossaries have the sha256 the run recorded
    wins, the nearest first. The server's own working folder is never a
    candidate: an edit must go to the run's glossary, not to another project's.
    """
    relative = [p for p in glossaries if not Path(p).is_absolute()]
    home = Path(os.path.abspath(out))
    if not relative and all(Path(p).is_absolute() for p in inputs):
        return home
    best: tuple[int, int] | None = None
    chosen: Path | None = None
    for base in (home, *home.parents):
        if not all((base / p).is_file() for p in relative):
            continue
        score = (int(all(_at(base, p).exists() for p in inputs)), int(all(_sha256(base / p) == glossaries[p] for p in relative)))
        if best is None or score > best:
            best, chosen = score, base
        if score == (1, 1):
            break
    if chosen is None:
        raise ConfigError(
            f"{out}/{REPORT_NAME} names the glossary {relative[0]} relative to the folder `normalize run` was started in, "
            f"and it is neither in {home} nor in a folder above it; run `normalize run` again with an absolute --glossary path"
        )
    return chosen


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def labelled(glossary: Glossary, labels: Mapping[str, str]) -> Glossary:
    """``glossary`` with its file names (``files``, each entry's ``file``) as the run recorded them."""
    entries = [dataclasses.replace(e, file=labels.get(e.file, e.file)) for e in glossary.entries]
    files = {labels.get(k, k): v for k, v in glossary.files.items()}
    return Glossary(
        source=glossary.source, target=glossary.target, entries=entries, description=glossary.description, files=files
    )


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

    def affected(self, words: str, entry: str | None) -> list[str]:
        """Documents a glossary edit about ``words`` (and ``entry``) can change: they contain the words or the entry."""
        folded = " ".join(words.casefold().split())
        return [
            d.name
            for d in self.docs
            if not d.failed
            and (folded in " ".join(d.text.casefold().split()) or any(h.entry == entry for s in d.segments for h in s.hits))
        ]

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
                if _held(self.out / LOCK_NAME):
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
            info = dataclasses.replace(self.info, reviews=decisions)
            current = self.doc(doc.name) or doc
            self._commit(self._files([current], self.docs, info, decisions))
            self.decisions = decisions
            self.info = info
            return decisions

    def rerun(self, names: Iterable[str]) -> float:
        """Run the chain again over ``names`` (from the cache) with the glossary on disk and rewrite their files; seconds."""
        started = time.perf_counter()
        with self.writing():
            self._rerun(list(names), self._glossary(self.record))
        return time.perf_counter() - started

    def _rerun(self, names: list[str], glossary: Glossary, commit: Callable[[], None] | None = None) -> None:
        info = self._info(glossary, self.decisions)
        index = {d.name: i for i, d in enumerate(self.docs)}
        chosen = [self.docs[index[n]] for n in dict.fromkeys(names) if n in index]
        # The language of a text does not change with the glossary: a re-run skips that stage (and its model load).
        fresh, prints = self._process(
            glossary, [self._source_of(d) for d in chosen], [str(d.path) for d in chosen], [d.name for d in chosen], RERUN_ORDER
        )
        docs = list(self.docs)
        for doc in fresh:
            docs[index[doc.name]] = doc
        fingerprints = {**self.fingerprints, **prints}
        files = self._files(fresh, docs, info, self.decisions, fingerprints)
        self._commit(files, commit)
        self.docs, self.glossary, self.info, self.fingerprints = docs, glossary, info, fingerprints
        for path in self.record.glossaries:
            self.stamps[path] = stamp(path)

    def edit(self, planned: Planned, names: Iterable[str]) -> float:
        """Save a planned glossary edit (``glossary_edit.Planned``) and re-run ``names`` with it, all or nothing."""
        started = time.perf_counter()
        with self.writing():
            glossary = self.glossary_with(planned.path, planned.text)
            self._rerun(list(names), glossary, commit=planned.commit)
        return time.perf_counter() - started

    def glossary_with(self, path: Path, text: str) -> Glossary:
        """The run's glossary with ``path`` holding ``text``, checked like a run would check it."""
        import tempfile

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

    def _files(
        self,
        docs: Sequence[Document],
        every: Sequence[Document],
        info: RunInfo,
        decisions: Decisions,
        fingerprints: Mapping[str, dict[str, str]] | None = None,
    ) -> list[tuple[Path, str]]:
        """Every file a write makes, rendered (nothing is written yet): ``docs``' files, report, index, and
        ``review.json`` when ``decisions`` are not the ones already saved."""
        prints = self.fingerprints if fingerprints is None else fingerprints
        files: list[tuple[Path, str]] = []
        for doc in docs:
            if doc.failed:
                continue
            for fmt in sorted(self.record.formats, key=lambda f: f == "json"):  # JSON last, as a run writes them
                suffix, renderer = FORMATS[fmt]
                text = render_json(doc, info, glossary_use=prints.get(doc.name)) if fmt == "json" else renderer(doc, info)
                files.append((self.out / (doc.name + suffix), text))
        report = RunReport(info, [DocSummary.of(d, decisions) for d in every])
        files.append((self.out / REPORT_NAME, dumps(report.to_json())))
        pages = index_pages(report)
        files += [
            (self.out / name, index_html(report, part, page=i + 1, pages=len(pages))) for i, (name, part) in enumerate(pages)
        ]
        if decisions is not self.decisions:  # a new decision: review.json last, once everything it shows is ready
            files.append((self.out / REVIEW_NAME, decisions.text()))
        return files

    def _commit(self, files: Sequence[tuple[Path, str]], before: Callable[[], None] | None = None) -> None:
        """Write ``files`` all or nothing: refuse links, write temporaries, call ``before`` (a glossary save), rename."""
        for path, _ in files:
            if path.is_symlink() or (os.path.lexists(path) and not path.is_file()):
                raise WriteFailed(
                    f"{path} is a symbolic link or not a regular file; normalize never writes through one: "
                    f"remove it and run `normalize run` again. Nothing was saved"
                )
        try:
            OutputFolder(self.out, self.record.formats).claim(p.name for p, _ in files if p.name != REVIEW_NAME)
        except ConfigError as exc:
            raise WriteFailed(f"{exc}. Nothing was saved") from None
        except OSError as exc:
            raise WriteFailed(self._unwritable(self.out, exc)) from None
        temps: list[Path] = []
        try:
            try:
                for path, text in files:
                    temps.append(write_temporary(path, text))
            except OSError as exc:
                raise WriteFailed(self._unwritable(path, exc)) from None
            if before is not None:
                before()  # raises ConfigError, the glossary untouched, when it cannot be saved
            for tmp, (path, _) in zip(list(temps), files, strict=True):
                os.replace(tmp, path)
                temps.remove(tmp)
        finally:
            for tmp in temps:
                tmp.unlink(missing_ok=True)
        for path, _ in files:
            self.stamps[path] = stamp(path)

    def _unwritable(self, path: Path, exc: OSError) -> str:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return f"no space left in {self.out} ({exc.strerror or exc}); nothing was saved: free some space and try again"
        return f"cannot write {path} ({exc.strerror or exc}); nothing was saved: check that {self.out} is writable"

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
        docs, prints = self._process(glossary, record.inputs, record.input_labels, names, DEFAULT_ORDER)
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
        glossary = load_glossaries(record.glossaries, source=self.source, target=self.target)
        return labelled(glossary, {str(p): label for p, label in zip(record.glossaries, record.glossary_labels, strict=True)})

    def _info(self, glossary: Glossary, decisions: Decisions) -> RunInfo:
        assert self.engine is not None
        info = RunInfo.of(self.engine, glossary, formats=list(self.record.formats), cache=self.record.cache)
        info.reviews = decisions
        info.run_signature = self._run_signature()
        return info

    def _run_signature(self) -> str:
        """The run's signature as its documents' JSON records it, so a rewritten page still resumes."""
        if "json" not in self.record.formats:
            return ""
        for name in output_names([Path(p) for p in self.record.input_labels]):
            try:
                data = read_output(self.out / (name + FORMATS["json"][0]), "document")
                return str(data.get("run_signature", ""))
            except OutputFormatError:
                continue
        return ""

    def _source_of(self, doc: Document) -> Path:
        labels = dict(zip(self.record.input_labels, self.record.inputs, strict=True))
        return labels.get(str(doc.path), doc.path)

    def _process(
        self, glossary: Glossary, paths: Sequence[Path], labels: Sequence[str], names: Sequence[str], order: tuple[str, ...]
    ) -> tuple[list[Document], dict[str, dict[str, str]]]:
        """Read and run ``paths`` (shown as ``labels``); the documents and their glossary fingerprints (resume)."""
        from pipeline.resume import GlossaryUse

        docs = []
        for path, label, name in zip(paths, labels, names, strict=True):
            try:
                doc = read_document(path, language=self.source, name=name)
                doc.path = Path(label)
            except NormalizeError as exc:
                doc = Document(path=Path(label), name=name, text="", language=self.source, sha256="", error=str(exc))
            docs.append(doc)
        engine = self.engine
        assert engine is not None

        def work() -> dict[str, dict[str, str]]:
            chain = Chain(glossary, engine, order)
            use = GlossaryUse(glossary)
            for doc in docs:
                chain.prepare(doc)
            matches = {d.name: use.matches(d) for d in docs if not d.failed}
            chain.finish(docs)
            return {d.name: use.fingerprint(d, matches[d.name]) for d in docs if not d.failed and d.name in matches}

        prints = self.worker.submit(work).result()
        return docs, prints


def _held(path: Path) -> bool:
    """Whether another process holds the output lock file (a shared lock cannot be had)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)
