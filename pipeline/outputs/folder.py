"""The output folder of one run: its manifest, the foreign-file check, the index pages, and every write."""

from __future__ import annotations

import errno
import functools
import json
import os
import re
import stat
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from pipeline.errors import ConfigError, NormalizeError
from pipeline.model import Document
from pipeline.outputs.names import INDEX_NAME, MANIFEST_NAME, REPORT_NAME
from pipeline.outputs.report import DocSummary, RunReport
from pipeline.outputs.write import read_own, remove, replace, write_atomic, write_temporary
from pipeline.render import FORMATS, RunInfo
from pipeline.render.html import render_index
from pipeline.render.json_format import OutputFormatError, dumps, read_output
from pipeline.render.json_format import render_document as render_json
from pipeline.review.decisions import Decisions

INDEX_PAGE_SIZE = 1000  # documents per index page; beyond it the index is split into numbered pages


class ForeignFiles(ConfigError):
    """The output folder holds files of the same names that this program did not write."""

    def __init__(self, folder: Path, names: Sequence[str]) -> None:
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        super().__init__(
            f"{folder} holds {len(names)} file{'s' if len(names) != 1 else ''} that normalize did not write "
            f"and would overwrite: {shown}; choose another --out, or pass --force to overwrite them"
        )
        self.names = list(names)


class OutputError(NormalizeError):
    """The output folder cannot be written (full disk, permissions): the run stops, finished pages stay."""



class OutputFolder:
    """One run's output folder: its manifest, the foreign-file check, and every write."""

    def __init__(self, out: Path, formats: Sequence[str], *, force: bool = False, record: bool = True) -> None:
        self.out = out
        self.formats = tuple(formats)
        self.force = force
        self.record = record  # False on Ray workers: only the driver writes the manifest
        self.manifest_path = out / MANIFEST_NAME
        self.earlier = self._read_manifest()  # files written by earlier runs
        # Files this run writes or keeps. The manifest lists both sets: one set of every file held besides would
        # be a second ~2 MB table on a 12,000-document run.
        self.planned: set[str] = set()

    def files_of(self, name: str) -> list[str]:
        """The files of one document, JSON last (its presence means the others are complete)."""
        suffixes = [FORMATS[f][0] for f in self.formats if f != "json"]
        if "json" in self.formats:
            suffixes.append(FORMATS["json"][0])
        return [name + s for s in suffixes]

    def claim(self, names: Iterable[str]) -> None:
        """Refuse foreign files among ``names`` (unless forced), then record them in the manifest."""
        new = [n for n in names if n not in self.planned]
        fresh = [n for n in new if n not in self.earlier]
        foreign = sorted(n for n in fresh if os.path.lexists(self.out / n) and not _signed(self.out / n))
        if foreign and not self.force:
            raise ForeignFiles(self.out, foreign)
        self.planned.update(new)
        if fresh and self.record:
            self._write_manifest()

    def plan(self, names: Sequence[str]) -> None:
        """Claim every file of the run up front: its documents' pages, the report and the index."""
        files = [f for n in names for f in self.files_of(n)]
        self.claim([*files, REPORT_NAME, *index_names(len(names))])

    def stale(self) -> list[str]:
        """Pages written by earlier runs that this run did not write (unlinked from its index)."""
        return sorted(n for n in self.earlier - self.planned if os.path.lexists(self.out / n))

    def clean(self) -> list[str]:
        """Remove the stale pages (only files this program wrote); returns their names."""
        removed = self.stale()
        for n in removed:
            remove(self.out / n)
        self.earlier -= set(removed)
        self._write_manifest()
        return removed

    @functools.cached_property
    def reviews(self) -> Decisions:
        """The reviewer's decisions in this folder, read once (a resumed document's index line shows them)."""
        return Decisions.load(self.out)

    def resumable(
        self,
        name: str,
        sha256: str,
        signature: str,
        same_use: Callable[[Mapping[str, str], list[str]], bool],
        *,
        record: Mapping[str, str] | None = None,
    ) -> DocSummary | None:
        """The summary of ``name`` if its files exist from a run with the same signature, source and glossary use.

        ``same_use(recorded, english)`` tells whether the glossary use the JSON records (``glossary_fingerprint``)
        is this run's, given the English it holds (``pipeline.resume`` decides how). ``record``: fields of the
        fingerprint to bring up to date in the JSON of a document found up to date (nothing else in it changes).
        """
        if "json" not in self.formats:
            return None  # only the JSON records what produced a document
        files = self.files_of(name)
        if not all((f in self.planned or f in self.earlier) and _regular(self.out / f) for f in files):
            return None
        try:
            data = read_output(self.out / files[-1], "document")
            if data.get("run_signature") != signature or data["source"]["sha256"] != sha256:
                return None
            recorded = data.get("glossary_fingerprint") or {}
            if not same_use(recorded, [s["target"] for s in data["segments"]]):
                return None
            if record is not None and {**recorded, **record} != recorded:
                data["glossary_fingerprint"] = {**recorded, **record}
                self._rewrite(self.out / files[-1], dumps(data))
            return DocSummary.from_json(name, data, self.reviews)
        except (OSError, ValueError, KeyError, TypeError, OutputFormatError):
            return None

    def _rewrite(self, path: Path, text: str) -> None:
        """Replace one output file whole; if that fails it stays as it was, which is still right, only slower."""
        try:
            write_atomic(path, text)
        except OSError:
            pass

    def write_document(self, doc: Document, info: RunInfo, glossary_use: dict[str, str] | None = None) -> DocSummary:
        """Render every format, write them all to temporary files, then rename them (JSON last).

        ``glossary_use`` (``GlossaryUse.fingerprint``) goes into the JSON, for resume.

        A renderer bug or an unwritable name fails this document only; a full
        disk raises ``OutputError`` (nothing more can be written) and leaves
        the document's previous files as they were.
        """
        try:
            rendered = [(self.out / (doc.name + FORMATS[f][0]), _render(f, doc, info, glossary_use)) for f in self.formats]
        except Exception as exc:  # a renderer bug loses this document's pages, not the run
            doc.error = f"render failed: {type(exc).__name__}: {exc}; please report this file"
            return DocSummary.of(doc, info.reviews)
        rendered.sort(key=lambda pair: pair[0].suffix == ".json")
        try:
            self.claim(p.name for p, _ in rendered)
            _write_together(rendered)
        except ForeignFiles as exc:
            doc.error = str(exc)
        except OSError as exc:
            if _is_disk_full(exc):
                raise self._full(exc) from exc
            doc.error = f"cannot write output: {exc.strerror or exc}; check that {self.out} is writable"
        return DocSummary.of(doc, info.reviews)

    def write_run_files(self, report: RunReport) -> None:
        """report.json and the index pages, renamed only once all are complete, so they always agree.

        Each is written to its temporary file as soon as it is rendered: a 12,000-document run's twelve
        index pages and report are ~10 MB of text, which need not all be in memory at once.
        """
        pages = index_pages(report)
        files: list[tuple[Path, Callable[[], str]]] = [(self.out / REPORT_NAME, lambda: dumps(report.to_json()))]
        files += [
            (self.out / name, functools.partial(index_html, report, docs, page=i + 1, pages=len(pages)))
            for i, (name, docs) in enumerate(pages)
        ]
        try:
            self.claim(p.name for p, _ in files)
            _write_rendered(files)
        except OSError as exc:
            raise (self._full(exc) if _is_disk_full(exc) else OutputError(
                f"cannot write {REPORT_NAME}: {exc.strerror or exc}; check that {self.out} is writable")) from exc

    def _full(self, exc: OSError) -> OutputError:
        return OutputError(
            f"no space left on {self.out}/ ({exc.strerror or exc}); the documents already written are complete: "
            "free some space and re-run to finish the rest"
        )

    def _read_manifest(self) -> set[str]:
        if not os.path.lexists(self.manifest_path):
            return set()
        try:
            data = json.loads(read_own(self.manifest_path) or "")
            return {str(n) for n in data["files"] if "/" not in str(n)}
        except (OSError, ValueError, KeyError, TypeError):
            return set()  # unreadable: trust nothing, so every existing name counts as foreign

    def _write_manifest(self) -> None:
        text = dumps({"about": "files written by normalize in this folder", "files": sorted(self.earlier | self.planned)})
        try:
            _write_together([(self.manifest_path, text)])
        except OSError as exc:
            raise (self._full(exc) if _is_disk_full(exc) else OutputError(
                f"cannot write {self.manifest_path}: {exc.strerror or exc}; check that {self.out} is writable")) from exc


def _render(fmt: str, doc: Document, info: RunInfo, glossary_use: dict[str, str] | None) -> str:
    if fmt == "json":
        return render_json(doc, info, glossary_use=glossary_use)
    return FORMATS[fmt][1](doc, info)


def index_names(count: int) -> list[str]:
    """index.html, then index.2.html, index.3.html … for runs of more than ``INDEX_PAGE_SIZE`` documents."""
    pages = max(1, -(-count // INDEX_PAGE_SIZE))
    return [INDEX_NAME, *(f"index.{i}.html" for i in range(2, pages + 1))]


def index_html(report: RunReport, docs: Sequence[DocSummary], *, page: int = 1, pages: int = 1) -> str:
    """One index page: ``docs`` with their figures, and the whole run's totals and review progress."""
    return render_index(
        docs,
        report.info,
        report.changes_per_entry,
        report.names_per_entry(),
        report.findings_per_check,
        rewrites=report.rewrites_per_entry,
        progress=report.progress,
        page=page,
        pages=pages,
    )


def index_pages(report: RunReport) -> list[tuple[str, list[DocSummary]]]:
    """The index split into pages, failures first so they are seen on the first page."""
    ordered = report.failed + report.done
    names = index_names(len(ordered))
    return [(name, ordered[i * INDEX_PAGE_SIZE : (i + 1) * INDEX_PAGE_SIZE]) for i, name in enumerate(names)]


def _write_together(files: Sequence[tuple[Path, str]]) -> None:
    """Write every file to a complete temporary file first, then rename them in order."""
    _write_rendered([(path, functools.partial(str, text)) for path, text in files])


def _write_rendered(files: Sequence[tuple[Path, Callable[[], str]]]) -> None:
    """Render and write each file to a complete temporary file, one at a time, then rename them in order."""
    temps: list[Path] = []
    try:
        for path, render in files:
            temps.append(write_temporary(path, render()))
        for tmp, (path, _) in zip(list(temps), files, strict=True):
            replace(tmp, path)
            temps.remove(tmp)
    finally:
        for tmp in temps:
            remove(tmp)


SIGNED = re.compile(rb"normalize:\d[^|\s]*\|engine:")
SIGNED_BYTES = 4 << 20


def _signed(path: Path) -> bool:
    """A page written by a version of normalize from before the manifest: it carries the run's signature line."""
    try:
        if not path.is_file() or path.is_symlink():
            return False
        with path.open("rb") as fh:
            return SIGNED.search(fh.read(SIGNED_BYTES)) is not None
    except OSError:
        return False


def _regular(path: Path) -> bool:
    """A regular file at ``path`` itself: a link planted in place of a page makes the document redone, never kept."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _is_disk_full(exc: OSError) -> bool:
    return exc.errno in (errno.ENOSPC, errno.EDQUOT)
