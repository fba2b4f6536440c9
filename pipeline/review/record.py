"""What the run that wrote an output folder recorded, with its relative paths resolved against the run's own folder.

The paths ``report.json`` records are the run's, relative to the folder it was
started in: they are resolved against that folder when the report records it
(``cwd``), else against the output folder or the nearest folder above it that
holds the glossaries (their recorded sha256 and the inputs telling the right
one), never against the folder the server was started in. Pages and reports
keep the recorded paths, as the run wrote them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ConfigError
from pipeline.glossary.load import Glossary
from pipeline.render.json_format import OutputFormatError, read_output

REPORT_NAME = "report.json"

Stamp = tuple[int, int, int, int] | None


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
