"""Installed Argos Translate packages: where they live, which ones translate a pair, installing a file.

Package metadata is read with ``argostranslate.package`` so our view of a
package is the one Argos itself has. Two things are done here instead of by
argostranslate, on purpose:

- the package folder is resolved from the environment *when asked*
  (argostranslate reads it once, at import), so a test or a CLI flag can point
  elsewhere without reloading modules;
- ``install_file`` extracts into that folder itself, validating the archive
  first, because ``argostranslate.package.install_from_path`` always extracts
  into the import-time folder and accepts any zip.

Importing ``argostranslate`` creates its data and config folders in the home
directory, so it is imported inside functions, never when this module loads.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from pipeline.errors import ConfigError

if TYPE_CHECKING:
    from argostranslate.package import Package

# Argos packages are trained to and from English; it is the only pivot tried.
PIVOT_LANGUAGE = "en"


def packages_dir() -> Path:
    """The Argos package folder, resolved now: ``ARGOS_PACKAGES_DIR``, else ``$XDG_DATA_HOME/argos-translate/packages``.

    Mirrors argostranslate's own lookup (environment first, then its
    ``settings.json``) but at call time rather than at import time.
    """
    explicit = os.environ.get("ARGOS_PACKAGES_DIR")
    if explicit:
        return Path(explicit)
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    default = data_home / "argos-translate" / "packages"
    from argostranslate import settings

    return Path(settings.get_setting("ARGOS_PACKAGES_DIR", default=default))


def installed_packages(directory: Path) -> list[Package]:
    """Translation packages installed in ``directory`` (none if it does not exist)."""
    if not directory.is_dir():
        return []
    from argostranslate.package import get_installed_packages

    try:
        packages = get_installed_packages(path=[directory])
    except (OSError, ValueError) as error:  # a folder without metadata.json, or bad JSON in it
        raise ConfigError(
            f"the Argos package folder {directory} holds a broken package ({error}); "
            "delete that folder or reinstall it with `normalize models install --file PATH.argosmodel`"
        ) from error
    return [p for p in packages if p.type == "translate"]


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


def install_file(archive: Path, directory: Path) -> Package:
    """Install an ``.argosmodel`` archive into ``directory``, replacing an older copy of the same package.

    The archive must hold one top-level folder with a ``metadata.json``; it is
    extracted into a staging folder next to ``directory`` (not inside it, where
    a listing would see it) and moved into place only once valid, so a bad file
    never leaves a half-installed package behind.
    """
    top = _archive_top_folder(archive)
    directory.mkdir(parents=True, exist_ok=True)
    from argostranslate.package import Package

    with tempfile.TemporaryDirectory(dir=directory.parent, prefix=".argos-installing-") as staging:
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(staging)
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


def _archive_top_folder(archive: Path) -> str:
    """The single top-level folder of a package archive, after checking the archive is safe to extract."""
    if not archive.is_file():
        raise ConfigError(f"no such file: {archive}; pass the path of a downloaded .argosmodel file")
    if not zipfile.is_zipfile(archive):
        raise ConfigError(f"{archive} is not an Argos package (expected a zip archive ending in .argosmodel)")
    with zipfile.ZipFile(archive) as zf:
        names = [PurePosixPath(n) for n in zf.namelist()]
        metadata = [n for n in names if len(n.parts) == 2 and n.name == "metadata.json"]
        if any(n.is_absolute() or ".." in n.parts for n in names):
            raise ConfigError(f"{archive} has paths outside its package folder; refusing to extract it")
        tops = {n.parts[0] for n in names}
        if len(tops) != 1 or len(metadata) != 1:
            raise ConfigError(
                f"{archive} should hold one folder with a metadata.json, found {sorted(tops)}; "
                "is it really an .argosmodel file?"
            )
        try:
            json.loads(zf.read(str(metadata[0])))
        except ValueError as error:
            raise ConfigError(f"{archive} has an unreadable metadata.json ({error})") from error
    return tops.pop()
