"""Installed Argos Translate packages: where they live, which ones translate a pair, installing a file.

Package metadata is read with ``argostranslate.package`` so our view of a
package is the one Argos itself has. Two things are done here instead of by
argostranslate, on purpose:

- the package folder is resolved from the environment *when asked*
  (argostranslate reads it once, at import), so a test or a CLI flag can point
  elsewhere without reloading modules;
- ``install_file`` extracts into that folder itself, validating the archive
  first, because ``argostranslate.package.install_from_path`` always extracts
  into the import-time folder and accepts any zip. A package file is
  untrusted: its ``metadata.json`` must describe a translation package, it must
  hold a model and a SentencePiece model, and its declared and actual
  uncompressed sizes are held to ``MAX_UNPACKED_BYTES`` and to the free disk
  space (a zip bomb of a few MB can expand to many GB).

Importing ``argostranslate`` creates its data and config folders in the home
directory, so it is imported inside functions, never when this module loads.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from pipeline.errors import ConfigError, EngineUnavailable

if TYPE_CHECKING:
    from argostranslate.package import Package

# Argos packages are trained to and from English; it is the only pivot tried.
PIVOT_LANGUAGE = "en"
# The largest real Argos packages unpack to a few hundred MB; 4 GiB leaves room and stops a zip bomb.
MAX_UNPACKED_BYTES = 4 * 1024**3
FREE_SPACE_MARGIN = 100 * 1024**2  # leave this much free after installing
COPY_BLOCK = 1 << 20
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*")
# Files the engine loads, relative to the package folder.
REQUIRED_FILES = ("model/model.bin", "sentencepiece.model")


ARGOS_EXTRA = "pip install 'normalize[argos]'"


def require_argostranslate() -> None:
    """Argos package management (argostranslate, from ``argos-translate-lt``) is an extra: say how to get it."""
    import importlib.util

    if importlib.util.find_spec("argostranslate") is None:
        raise EngineUnavailable(f"Argos support is not installed; run `{ARGOS_EXTRA}` (Apertium works without it)")


def packages_dir() -> Path:
    """The Argos package folder, resolved now: ``ARGOS_PACKAGES_DIR``, else its ``settings.json``, else the default.

    Mirrors argostranslate's own lookup (environment first, then the settings file in its config folder, then
    ``$XDG_DATA_HOME/argos-translate/packages``) at call time rather than at import time, and without importing
    argostranslate, whose import creates folders in the home directory: asking writes nothing.
    """
    explicit = os.environ.get("ARGOS_PACKAGES_DIR")
    if explicit:
        return Path(explicit)
    home = Path(os.environ["SNAP_USER_DATA"]) if "SNAP" in os.environ else Path.home()
    data_home = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    config_home = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    try:
        settings = json.loads((config_home / "argos-translate" / "settings.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):  # no settings file, or one argostranslate itself would ignore
        settings = {}
    configured = settings.get("ARGOS_PACKAGES_DIR") if isinstance(settings, dict) else None
    return Path(configured) if configured else data_home / "argos-translate" / "packages"


def installed_packages(directory: Path) -> list[Package]:
    """Translation packages installed in ``directory`` (none if it does not exist)."""
    if not _package_folders(directory):
        return []  # nothing to read: argostranslate (slow to import) is not needed to say so
    require_argostranslate()
    from argostranslate.package import get_installed_packages

    try:
        packages = get_installed_packages(path=[directory])
    except (OSError, ValueError) as error:  # a folder without metadata.json, or bad JSON in it
        raise ConfigError(
            f"the Argos package folder {directory} holds a broken package ({error}); "
            "delete that folder or reinstall it with `normalize models install --file PATH.argosmodel`"
        ) from error
    return [p for p in packages if p.type == "translate"]


def _package_folders(directory: Path) -> list[Path]:
    """The folders of ``directory`` that argostranslate would read as packages."""
    try:
        return [p for p in directory.iterdir() if p.is_dir()]
    except OSError:  # missing, or not a folder
        return []


def find_package(packages: Sequence[Package], source: str, target: str) -> Package | None:
    """The newest installed package translating ``source`` to ``target`` directly."""
    from packaging.version import InvalidVersion, Version

    def newest_first(package: Package) -> tuple[int, Version]:
        try:
            return (1, Version(package.package_version))
        except InvalidVersion:
            return (0, Version("0"))

    matching = [p for p in packages if p.from_code == source and p.to_code == target]
    return max(matching, key=newest_first, default=None)


def find_route(packages: Sequence[Package], source: str, target: str) -> list[Package] | None:
    """Packages to chain for ``source`` -> ``target``: the direct one, else two through English."""
    direct = find_package(packages, source, target)
    if direct is not None:
        return [direct]
    if PIVOT_LANGUAGE in (source, target):
        return None
    first = find_package(packages, source, PIVOT_LANGUAGE)
    second = find_package(packages, PIVOT_LANGUAGE, target)
    if first is None or second is None:
        return None
    return [first, second]


def package_size(path: Path) -> int:
    """Bytes on disk under ``path``."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def model_identity(package: Package) -> str:
    """``FROM->TO VERSION sha256:PREFIX`` over every file of the package.

    The package version alone is not enough: a locally rebuilt or fine-tuned
    model keeps its version number, yet gives other translations, and cached
    translations must not outlive the model that made them.
    """
    digest = hashlib.sha256()
    root = Path(package.package_path)
    for file in sorted(f for f in root.rglob("*") if f.is_file()):
        digest.update(file.relative_to(root).as_posix().encode() + b"\0")
        with file.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    return f"{package.from_code}->{package.to_code} {package.package_version} sha256:{digest.hexdigest()[:16]}"


def install_file(archive: Path, directory: Path, *, max_unpacked: int = MAX_UNPACKED_BYTES) -> Package:
    """Install an ``.argosmodel`` archive into ``directory``, replacing an older copy of the same package.

    The archive must hold one top-level folder with a valid ``metadata.json``
    and the model files; it is extracted into a staging folder next to
    ``directory`` (not inside it, where a listing would see it), counting the
    bytes written against ``max_unpacked``, and moved into place only once
    valid, so a bad file never leaves a half-installed package behind.
    """
    top, declared = _archive_top_folder(archive, max_unpacked)
    directory.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(directory.parent).free
    if declared + FREE_SPACE_MARGIN > free:
        raise ConfigError(
            f"{archive} unpacks to {_mb(declared)} but only {_mb(free)} is free beside {directory}; free some space first"
        )
    require_argostranslate()
    from argostranslate.package import Package

    with tempfile.TemporaryDirectory(dir=directory.parent, prefix=".argos-installing-") as staging:
        _extract(archive, Path(staging), max_unpacked)
        staged = Path(staging) / top
        try:
            Package(staged)
        except (OSError, ValueError) as error:
            raise ConfigError(f"{archive} is not a valid Argos package ({error}); download it again") from error
        destination = directory / top
        if destination.exists():
            shutil.rmtree(destination)
        staged.rename(destination)
    return Package(destination)


def package_problem(package: Package) -> str | None:
    """Why an installed package cannot be loaded, judged from its files without loading the model; None if it looks whole."""
    root = Path(package.package_path)
    missing = [name for name in REQUIRED_FILES if not (root / name).is_file() or not (root / name).stat().st_size]
    if missing:
        return f"the Argos package in {root} lacks {' and '.join(missing)}"
    return None


def route_problem(source: str, target: str, directory: Path | None = None) -> str | None:
    """Why the installed Argos route for the pair cannot load (a broken folder, a package without its model); None if fine."""
    folder = directory if directory is not None else packages_dir()
    try:
        route = find_route(installed_packages(folder), source, target)
    except EngineUnavailable:
        return None  # without the argos extra no package is usable: nothing is broken, Argos is just not there
    except ConfigError as error:
        return str(error)
    if route is None:
        return None
    return next((problem for problem in map(package_problem, route) if problem), None)


def _archive_top_folder(archive: Path, max_unpacked: int = MAX_UNPACKED_BYTES) -> tuple[str, int]:
    """The single top-level folder of a package archive and its declared unpacked size, after checking it is safe."""
    if not archive.is_file():
        raise ConfigError(f"no such file: {archive}; pass the path of a downloaded .argosmodel file")
    if not zipfile.is_zipfile(archive):
        raise ConfigError(f"{archive} is not an Argos package (expected a zip archive ending in .argosmodel)")
    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            names = [PurePosixPath(i.filename) for i in infos]
            metadata = [n for n in names if len(n.parts) == 2 and n.name == "metadata.json"]
            if any(n.is_absolute() or ".." in n.parts for n in names):
                raise ConfigError(f"{archive} has paths outside its package folder; refusing to extract it")
            tops = {n.parts[0] for n in names}
            if len(tops) != 1 or len(metadata) != 1:
                raise ConfigError(
                    f"{archive} should hold one folder with a metadata.json, found {sorted(tops)}; "
                    "is it really an .argosmodel file?"
                )
            declared = sum(i.file_size for i in infos)
            if declared > max_unpacked:
                raise ConfigError(
                    f"{archive} declares {_mb(declared)} unpacked, over the {_mb(max_unpacked)} limit for a package; "
                    "refusing it (a real Argos package is a few hundred MB)"
                )
            top = tops.pop()
            _check_metadata(archive, zf.read(str(metadata[0])))
            missing = [name for name in REQUIRED_FILES if f"{top}/{name}" not in {i.filename for i in infos}]
            if missing:
                raise ConfigError(f"{archive} lacks {' and '.join(missing)}; it cannot translate, download the package again")
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise ConfigError(f"{archive} is a damaged zip archive ({error}); download it again") from error
    return top, declared


def _check_metadata(archive: Path, raw: bytes) -> None:
    """``metadata.json`` must describe a translation package: an object with language codes and a version."""
    try:
        data: Any = json.loads(raw)
    except ValueError as error:
        raise ConfigError(f"{archive} has an unreadable metadata.json ({error})") from error
    if not isinstance(data, dict):
        raise ConfigError(
            f"{archive}: metadata.json should be an object with from_code, to_code and package_version, "
            f"got a {type(data).__name__}; is it really an .argosmodel file?"
        )
    problems = [
        f"{key} {data.get(key)!r}"
        for key in ("from_code", "to_code")
        if not isinstance(data.get(key), str) or not LANGUAGE_CODE.fullmatch(data[key])
    ]
    if not isinstance(data.get("package_version"), str) or not data["package_version"].strip():
        problems.append(f"package_version {data.get('package_version')!r}")
    if data.get("type", "translate") != "translate":
        problems.append(f"type {data.get('type')!r} (only translate packages are used)")
    if problems:
        raise ConfigError(
            f"{archive}: metadata.json has a missing or invalid {', '.join(problems)}; "
            "expected language codes such as fr and en and a version such as 1.9"
        )


def _extract(archive: Path, staging: Path, max_unpacked: int) -> None:
    """Extract every member, counting the bytes actually written, so a header that lies about sizes stops too."""
    written = 0
    try:
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                target = staging / info.filename
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as source, target.open("wb") as sink:
                    while block := source.read(COPY_BLOCK):
                        written += len(block)
                        if written > max_unpacked:
                            raise ConfigError(
                                f"{archive} expands past the {_mb(max_unpacked)} limit for a package while unpacking; refusing it"
                            )
                        sink.write(block)
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise ConfigError(f"{archive} is a damaged zip archive ({error}); download it again") from error
    except OSError as error:
        raise ConfigError(
            f"cannot unpack {archive} beside its package folder ({error.strerror or error}); free space or check permissions"
        ) from error


def _mb(size: int) -> str:
    return f"{size / 1024**2:,.1f} MB"
