"""How the workspace writes the output folder: every file rendered first, then all of them or none.

A write renders every file it makes (the documents' pages, ``report.json``,
the index pages, ``review.json`` last), writes them all to temporary files,
and only then renames them: a failure (read-only folder, full disk, a
symbolic link where a page should be) changes nothing. A glossary edit's save
happens between the two steps, so a glossary that cannot be saved leaves the
pages as they were too.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from pipeline.errors import ConfigError, NormalizeError
from pipeline.model import Document
from pipeline.outputs.folder import OutputFolder, index_html, index_pages
from pipeline.outputs.report import DocSummary, RunReport
from pipeline.outputs.write import write_temporary
from pipeline.render import FORMATS, RunInfo
from pipeline.render.json_format import dumps
from pipeline.render.json_format import render_document as render_json
from pipeline.review.decisions import FILE_NAME as REVIEW_NAME
from pipeline.review.decisions import Decisions
from pipeline.review.record import REPORT_NAME

Files = list[tuple[Path, str]]


class WriteFailed(NormalizeError):
    """A write could not be made (read-only folder, full disk, a link where a file should be); nothing changed."""


def render_files(
    out: Path,
    formats: Sequence[str],
    docs: Sequence[Document],
    every: Sequence[Document],
    info: RunInfo,
    decisions: Decisions | None,
    fingerprints: Mapping[str, dict[str, str]],
) -> Files:
    """Every file a write makes, rendered (nothing is written yet): ``docs``' files, the report and the index pages
    (their figures from ``every``), and ``review.json`` when ``decisions`` is given (a new decision: written last,
    once everything it shows is ready)."""
    files: Files = []
    for doc in docs:
        if doc.failed:
            continue
        for fmt in sorted(formats, key=lambda f: f == "json"):  # JSON last, as a run writes them
            suffix, renderer = FORMATS[fmt]
            text = render_json(doc, info, glossary_use=fingerprints.get(doc.name)) if fmt == "json" else renderer(doc, info)
            files.append((out / (doc.name + suffix), text))
    report = RunReport(info, [DocSummary.of(d, info.reviews) for d in every])
    files.append((out / REPORT_NAME, dumps(report.to_json())))
    pages = index_pages(report)
    files += [(out / name, index_html(report, part, page=i + 1, pages=len(pages))) for i, (name, part) in enumerate(pages)]
    if decisions is not None:
        files.append((out / REVIEW_NAME, decisions.text()))
    return files


def commit(
    out: Path, formats: Sequence[str], files: Sequence[tuple[Path, str]], before: Callable[[], None] | None = None
) -> None:
    """Write ``files`` all or nothing: refuse links, write temporaries, call ``before`` (a glossary save), rename."""
    for path, _ in files:
        if path.is_symlink() or (os.path.lexists(path) and not path.is_file()):
            raise WriteFailed(
                f"{path} is a symbolic link or not a regular file; normalize never writes through one: "
                f"remove it and run `normalize run` again. Nothing was saved"
            )
    try:
        OutputFolder(out, tuple(formats)).claim(p.name for p, _ in files if p.name != REVIEW_NAME)
    except ConfigError as exc:
        raise WriteFailed(f"{exc}. Nothing was saved") from None
    except OSError as exc:
        raise WriteFailed(unwritable(out, out, exc)) from None
    temps: list[Path] = []
    try:
        try:
            for path, text in files:
                temps.append(write_temporary(path, text))
        except OSError as exc:
            raise WriteFailed(unwritable(out, path, exc)) from None
        if before is not None:
            before()  # raises ConfigError, the glossary untouched, when it cannot be saved
        for tmp, (path, _) in zip(list(temps), files, strict=True):
            os.replace(tmp, path)
            temps.remove(tmp)
    finally:
        for tmp in temps:
            tmp.unlink(missing_ok=True)


def unwritable(out: Path, path: Path, exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"no space left in {out} ({exc.strerror or exc}); nothing was saved: free some space and try again"
    return f"cannot write {path} ({exc.strerror or exc}); nothing was saved: check that {out} is writable"


def held(path: Path) -> bool:
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
