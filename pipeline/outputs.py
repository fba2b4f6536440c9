"""The output folder: names, what a run may overwrite, pages per document, and the one ``RunReport``.

Safety rules, so a run never loses a user's file:

- every file the program writes is listed in a manifest in the folder
  (``.normalize-manifest.json``), recorded *before* the file is written, so a
  run killed mid-write still knows the file is its own;
- a run refuses (``ForeignFiles``, exit 2) to overwrite a file of the same name
  it did not write, unless forced;
- a document's files are first written completely to temporary files, then
  renamed, JSON last: a full disk fails before anything is replaced, and a page
  on disk is always a complete one; the JSON's run signature then says which
  run it belongs to (resume);
- ``report.json`` and ``index.html`` are renamed together, after both are
  complete, so they always describe the same run.

``RunReport`` is built once, from one ``DocSummary`` per document (a few
numbers, never the document itself, so it stays small on any corpus): it is
report.json, it feeds the index and the command line's summary.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import json
import os
import re
import stat
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError, NormalizeError
from pipeline.model import Document
from pipeline.render import FORMATS, RunInfo
from pipeline.render.html import render_index
from pipeline.render.json_format import FORMAT_VERSION, OutputFormatError, dumps, read_output
from pipeline.render.json_format import render_document as render_json
from pipeline.render.write import read_own, remove, replace, write_temporary
from pipeline.review.decisions import Decisions, json_keys

MANIFEST_NAME = ".normalize-manifest.json"
REPORT_NAME = "report.json"
INDEX_NAME = "index.html"
INDEX_PAGE_SIZE = 1000  # documents per index page; beyond it the index is split into numbered pages
RESERVED_STEMS = ("index", "report", "review")  # the run's own files: index.html, index.N.html, report.json, review.json
RESERVED_PREFIX = ".normalize"  # the manifest, the lock and temporary files
HASH_LENGTHS = (8, 16, 64)
MAX_STEM_BYTES = 160  # + "-" and a 64-hex hash + ".part001" + ".xliff"-style suffix < 255, the usual file-name limit


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


# ---------------------------------------------------------------- names


def output_names(paths: Sequence[Path]) -> list[str]:
    """One output stem per input, unique by construction (the final set is checked, not only the stems).

    A stem seen twice, or taken by the run's own files, gets a short hash of its
    path; while two names still coincide (a file may literally be named
    ``same-<hash>``), the names involved get longer hashes.
    """
    printable = [_printable(_stem(p)) for p in paths]
    stems = [_fit(s) for s in printable]
    seen = Counter(stems)
    # A stem cut to fit, seen twice, or taken by the run's own files gets a hash of its path.
    level = [0 if seen[s] == 1 and not _reserved(s) and s == full else 1 for s, full in zip(stems, printable, strict=True)]
    while True:
        names = [_named(stem, path, lv) for stem, path, lv in zip(stems, paths, level, strict=True)]
        counts = Counter(n.casefold() for n in names)  # case-insensitive file systems too
        clashing = [i for i, n in enumerate(names) if counts[n.casefold()] > 1]
        if not clashing:
            return names
        if all(level[i] == len(HASH_LENGTHS) for i in clashing):  # same path twice: number them
            return _numbered(names)
        for i in clashing:
            level[i] = min(level[i] + 1, len(HASH_LENGTHS))


class ItemNames:
    """Output names for the documents inside one source (a feed, a web archive, an export): ``SOURCE--SLUG``.

    The slug comes from the item's id or URL (its last path segment), else its
    title: lower-case words joined by single hyphens, so it never holds ``--``
    nor starts with a hyphen, and two sources' item names cannot coincide
    (the source names are unique). An item whose name an earlier item of the
    source, or another input of the run (``taken``, case-folded), already has
    gets a hash of the source's path and its position. A long source name is
    cut and hashed, a long slug cut, so every name stays under 255 bytes with
    its part number and suffix.
    """

    SOURCE_BYTES = 100
    SLUG_BYTES = 80

    def __init__(self, source: str, path: Path, taken: Collection[str] = ()) -> None:
        self.path = path
        self.source = source
        if len(source.encode("utf-8", "surrogateescape")) > self.SOURCE_BYTES:
            self.source = f"{_fit(source, self.SOURCE_BYTES - 17)}-{_short_hash(path, 16)}"
        self.taken = taken
        self.used: set[str] = set()
        self.count = 0

    def __call__(self, key: str) -> str:
        self.count += 1
        name = f"{self.source}--{item_slug(key, self.SLUG_BYTES) or str(self.count)}"
        level = 0
        while name.casefold() in self.used or name.casefold() in self.taken or _reserved(name):
            level += 1
            tag = hashlib.sha256(os.fsencode(self.path) + f"\0{self.count}\0{level}".encode()).hexdigest()[:8]
            name = f"{self.source}--{item_slug(key, self.SLUG_BYTES) or str(self.count)}-{tag}"
        self.used.add(name.casefold())
        return name


def item_slug(key: str, limit: int = 80) -> str:
    """``key`` (an id, a URL or a title) as lower-case words joined by hyphens, at most ``limit`` bytes."""
    text = key.strip()
    if re.match(r"[a-z][a-z0-9+.-]*://", text, re.IGNORECASE):
        without = re.sub(r"[?#].*", "", text.split("://", 1)[1]).rstrip("/")
        host, _, rest = without.partition("/")
        last = rest.rsplit("/", 1)[-1] if rest else host
        text = re.sub(r"\.(?:s?html?|php|aspx?|jsp)$", "", last, flags=re.IGNORECASE) or host
    slug = "-".join(w for w in re.split(r"[\W_]+", _printable(text).casefold()) if w)
    return _fit(slug, limit).rstrip("-")


def _stem(path: Path) -> str:
    """The name of ``path`` without its suffix; a web archive's whole ``.warc.gz`` goes (``crawl.warc.gz`` -> ``crawl``)."""
    name = path.name
    return name[: -len(".warc.gz")] if name.lower().endswith(".warc.gz") and len(name) > len(".warc.gz") else path.stem


def part_name(name: str, part: int) -> str:
    """The output stem of one part of a document too large to handle whole."""
    return f"{name}.part{part:03d}"


def _fit(stem: str, limit: int = MAX_STEM_BYTES) -> str:
    """``stem`` cut to ``limit`` bytes of UTF-8, so stem, hash, part number and suffix stay under 255 bytes."""
    data = stem.encode("utf-8", "surrogateescape")
    if len(data) <= limit:
        return stem
    return data[:limit].decode("utf-8", "ignore")


def _named(stem: str, path: Path, level: int) -> str:
    return stem if level == 0 else f"{stem}-{_short_hash(path, HASH_LENGTHS[level - 1])}"


def _numbered(names: list[str]) -> list[str]:
    seen: Counter[str] = Counter()
    out = []
    for n in names:
        seen[n] += 1
        out.append(n if seen[n] == 1 else f"{n}-{seen[n]}")
    return out


def _reserved(stem: str) -> bool:
    low = stem.casefold()
    return low.startswith(RESERVED_PREFIX) or any(low == r or low.startswith(r + ".") for r in RESERVED_STEMS)


def _short_hash(path: Path, length: int) -> str:
    return hashlib.sha256(os.fsencode(path)).hexdigest()[:length]


def _printable(stem: str) -> str:
    """A file name that is not valid UTF-8 gets U+FFFD for its bad bytes, so pages can name and link it."""
    return os.fsencode(stem).decode("utf-8", errors="replace")


# ---------------------------------------------------------------- the report


@dataclass(frozen=True)
class DocSummary:
    """What the report and the index need of one document: its figures, never its text."""

    path: str
    name: str
    language: str
    sentences: int = 0
    warnings: tuple[str, ...] = ()
    error: str | None = None
    changes: tuple[tuple[str, int], ...] = ()  # entry -> changes, sorted
    findings: tuple[tuple[str, int], ...] = ()  # check -> findings, sorted
    names: tuple[tuple[str, str], ...] = ()  # (entry, standard name written), sorted, unique
    noops: tuple[tuple[str, int], ...] = ()  # entry -> changes where the engine already wrote the standard name
    decided: int = 0  # notes (changes, findings) a reviewer decided (``normalize review``)
    notes: int = 0  # notes a reviewer can decide
    metadata: tuple[tuple[str, str], ...] = ()  # the document's title, date, site, URL … (``Document.metadata``)

    def meta(self, key: str) -> str:
        """One metadata value (``title``, ``date``, ``site``, ``url`` …), "" when the source does not say."""
        return dict(self.metadata).get(key, "")

    @property
    def failed(self) -> bool:
        return self.error is not None

    @property
    def change_count(self) -> int:
        return sum(n for _, n in self.changes)

    @property
    def finding_count(self) -> int:
        return sum(n for _, n in self.findings)

    @property
    def match_count(self) -> int:
        """Changes that only confirm the standard name ("Hamas" -> "Hamas")."""
        return sum(n for _, n in self.noops)

    @property
    def rewrite_count(self) -> int:
        return self.change_count - self.match_count

    @property
    def unknown_count(self) -> int:
        """Engine noise: words the engine did not know (``unknown-word`` findings)."""
        return dict(self.findings).get("unknown-word", 0)

    @property
    def label_count(self) -> int:
        """The notes about labels and names: rewrites and every finding but the engine's unknown words."""
        return self.rewrite_count + self.finding_count - self.unknown_count

    @property
    def to_review(self) -> int:
        return self.notes - self.decided

    @classmethod
    def of(cls, doc: Document, reviews: Decisions | None = None) -> DocSummary:
        if doc.failed:
            return cls(path=str(doc.path), name=doc.name, language=doc.language, error=doc.error, metadata=tuple(doc.metadata.items()))
        return cls._counted(
            str(doc.path),
            doc.name,
            doc.language,
            sentences=len(doc.segments),
            warnings=doc.warnings,
            changes=[(c.entry, c.target_text, c.noop) for s in doc.segments for c in s.changes],
            checks=[str(f.check) for s in doc.segments for f in s.findings],
            progress=(reviews or Decisions({})).progress(doc),
            metadata=doc.metadata,
        )

    @classmethod
    def from_json(cls, name: str, data: dict[str, Any], reviews: Decisions | None = None) -> DocSummary:
        """The summary of a document written by an earlier run, read back from its JSON (resume)."""
        segments = data["segments"]
        return cls._counted(
            data["source"]["path"],
            name,
            data["source"]["language"],
            sentences=len(segments),
            warnings=data["warnings"],
            changes=[
                (c["entry"], c["target_text"], c.get("mt_span") is not None and c["mt_text"] == c["target_text"])
                for s in segments
                for c in s["changes"]
            ],
            checks=[f["check"] for s in segments for f in s["findings"]],
            progress=(reviews or Decisions({})).counted(list(json_keys(data, reviewable=True))),
            metadata={str(k): str(v) for k, v in (data["source"].get("metadata") or {}).items()},
        )

    @classmethod
    def _counted(
        cls,
        path: str,
        name: str,
        language: str,
        *,
        sentences: int,
        warnings: Sequence[str],
        changes: list[tuple[str, str, bool]],  # (entry, target text, the engine already wrote it)
        checks: list[str],
        progress: tuple[int, int],
        metadata: dict[str, str] | None = None,
    ) -> DocSummary:
        return cls(
            path=path,
            name=name,
            language=language,
            sentences=sentences,
            warnings=tuple(warnings),
            changes=tuple(sorted(Counter(entry for entry, _, _ in changes).items())),
            findings=tuple(sorted(Counter(checks).items())),
            names=tuple(sorted({(entry, text) for entry, text, _ in changes})),
            noops=tuple(sorted(Counter(entry for entry, _, noop in changes if noop).items())),
            decided=progress[0],
            notes=progress[1],
            metadata=tuple((metadata or {}).items()),
        )


@dataclass
class RunReport:
    """The run's one report: report.json, the index and the command line's summary all read it.

    Figures that differ between an interrupted-and-resumed run and an
    uninterrupted one (documents skipped, sentences from the cache) are kept
    for the summary but not written to report.json, so its bytes do not depend
    on how the run got there.
    """

    info: RunInfo
    docs: list[DocSummary] = field(default_factory=list)
    skipped: int = 0  # documents whose outputs were already up to date
    sentences_translated: int = 0  # sentences sent to the translate stage by this run
    sentences_cached: int = 0  # of those, found in the translation cache
    stale: list[str] = field(default_factory=list)  # pages of earlier runs this run did not write
    # The folder the run was started in: its relative input and glossary paths are relative to it (the review
    # server resolves them against it, never against its own folder).
    cwd: str = field(default_factory=os.getcwd)
    removed: list[str] = field(default_factory=list)  # of those, removed by --clean

    def add(self, summary: DocSummary) -> None:
        self.docs.append(summary)

    @property
    def done(self) -> list[DocSummary]:
        return [d for d in self.docs if not d.failed]

    @property
    def failed(self) -> list[DocSummary]:
        return [d for d in self.docs if d.failed]

    @property
    def changes_per_entry(self) -> dict[str, int]:
        return self._sum("changes")

    @property
    def findings_per_check(self) -> dict[str, int]:
        return self._sum("findings")

    @property
    def rewrites_per_entry(self) -> dict[str, int]:
        noops = self._sum("noops")
        return {entry: n - noops.get(entry, 0) for entry, n in self.changes_per_entry.items()}

    def _sum(self, counts: str) -> dict[str, int]:
        """One of the summaries' per-key counts (``changes``, ``findings``, ``noops``), over every document."""
        total: Counter[str] = Counter()
        for d in self.docs:
            total.update(dict(getattr(d, counts)))
        return dict(sorted(total.items()))

    def names_per_entry(self) -> dict[str, list[str]]:
        names: dict[str, set[str]] = {}
        for d in self.docs:
            for entry, text in d.names:
                names.setdefault(entry, set()).add(text)
        return {entry: sorted(texts) for entry, texts in sorted(names.items())}

    def to_json(self) -> dict[str, Any]:
        """The content of report.json."""
        return {
            "format_version": FORMAT_VERSION,
            "signature": self.info.signature_line(),
            **self.info.signature(),
            "cwd": self.cwd,
            "documents": {
                "done": [
                    {"path": d.path, "name": d.name, "segments": d.sentences, "warnings": list(d.warnings)} for d in self.done
                ],
                "failed": [{"path": d.path, "error": d.error} for d in self.failed],
            },
            "changes_per_entry": self.changes_per_entry,
            "findings_per_check": self.findings_per_check,
        }

    def __getitem__(self, key: str) -> Any:
        """Read it like report.json: ``report["changes_per_entry"]``."""
        return self.to_json()[key]

    def summary(self, out: Path) -> list[str]:
        """The command line's closing lines."""
        total, done = len(self.docs), len(self.done)
        changes, findings = sum(self.changes_per_entry.values()), sum(self.findings_per_check.values())
        figures = f"with {self.info.engine} ({plural(changes, 'change')}, {plural(findings, 'finding')}); open {out / INDEX_NAME}"
        if self.skipped:  # "40 documents: 2 written, 38 already up to date", never "40 of 40 written ... 38 skipped"
            failed = total - done
            lines = [
                f"{plural(total, 'document')}: {done - self.skipped} written, {self.skipped} already up to date"
                + (f", {failed} failed" if failed else "")
                + f" (--force redoes them), in {out}/ {figures}"
            ]
        else:
            lines = [f"{done} of {plural(total, 'document')} written to {out}/ {figures}"]
        if self.sentences_translated:
            lines.append(
                f"{self.sentences_cached} of {plural(self.sentences_translated, 'sentence')} came from the translation cache"
            )
        if self.removed:
            lines.append(f"removed {plural(len(self.removed), 'page')} of earlier runs (--clean)")
        elif self.stale:
            shown = ", ".join(self.stale[:3]) + (" …" if len(self.stale) > 3 else "")
            lines.append(
                f"warning: {plural(len(self.stale), 'page')} in {out}/ not written by this run ({shown}); --clean removes them"
            )
        return lines


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


# ---------------------------------------------------------------- the folder


class OutputFolder:
    """One run's output folder: its manifest, the foreign-file check, and every write."""

    def __init__(self, out: Path, formats: Sequence[str], *, force: bool = False, record: bool = True) -> None:
        self.out = out
        self.formats = tuple(formats)
        self.force = force
        self.record = record  # False on Ray workers: only the driver writes the manifest
        self.manifest_path = out / MANIFEST_NAME
        self.earlier = self._read_manifest()  # files written by earlier runs
        self.owned = set(self.earlier)
        self.planned: set[str] = set()  # files this run writes or keeps

    def files_of(self, name: str) -> list[str]:
        """The files of one document, JSON last (its presence means the others are complete)."""
        suffixes = [FORMATS[f][0] for f in self.formats if f != "json"]
        if "json" in self.formats:
            suffixes.append(FORMATS["json"][0])
        return [name + s for s in suffixes]

    def claim(self, names: Iterable[str]) -> None:
        """Refuse foreign files among ``names`` (unless forced), then record them in the manifest."""
        new = [n for n in names if n not in self.planned]
        foreign = sorted(n for n in new if n not in self.owned and os.path.lexists(self.out / n) and not _signed(self.out / n))
        if foreign and not self.force:
            raise ForeignFiles(self.out, foreign)
        self.planned.update(new)
        fresh = [n for n in new if n not in self.owned]
        if fresh:
            self.owned.update(fresh)
            if self.record:
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
        self.owned -= set(removed)
        self._write_manifest()
        return removed

    @functools.cached_property
    def reviews(self) -> Decisions:
        """The reviewer's decisions in this folder, read once (a resumed document's index line shows them)."""
        return Decisions.load(self.out)

    def resumable(
        self, name: str, sha256: str, signature: str, matches: str, leftovers: Callable[[list[str]], str]
    ) -> DocSummary | None:
        """The summary of ``name`` if its files exist from a run with the same signature, source and glossary use.

        ``matches`` and ``leftovers`` are this run's ``GlossaryUse`` of the
        document (``pipeline.run``); the second is computed over the English
        the JSON holds, and only once everything else agrees.
        """
        if "json" not in self.formats:
            return None  # only the JSON records what produced a document
        files = self.files_of(name)
        if not all(f in self.owned and _regular(self.out / f) for f in files):
            return None
        try:
            data = read_output(self.out / files[-1], "document")
            if data.get("run_signature") != signature or data["source"]["sha256"] != sha256:
                return None
            use = data.get("glossary_fingerprint") or {}
            if use.get("matches") != matches or use.get("leftovers") != leftovers([s["target"] for s in data["segments"]]):
                return None
            return DocSummary.from_json(name, data, self.reviews)
        except (OSError, ValueError, KeyError, TypeError, OutputFormatError):
            return None

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
        """report.json and the index pages, renamed only once all are complete, so they always agree."""
        payload = report.to_json()
        pages = index_pages(report)
        files = [(self.out / REPORT_NAME, dumps(payload))]
        files += [(self.out / name, index_html(report, docs, page=i + 1, pages=len(pages))) for i, (name, docs) in enumerate(pages)]
        try:
            self.claim(p.name for p, _ in files)
            _write_together(files)
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
        text = dumps({"about": "files written by normalize in this folder", "files": sorted(self.owned)})
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
    """One index page: ``docs`` with their figures, and the whole run's totals."""
    return render_index(
        docs,
        report.info,
        report.changes_per_entry,
        report.names_per_entry(),
        report.findings_per_check,
        rewrites=report.rewrites_per_entry,
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
    temps: list[Path] = []
    try:
        for path, text in files:
            temps.append(write_temporary(path, text))
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

