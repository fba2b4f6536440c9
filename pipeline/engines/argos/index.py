"""The remote Argos package index: fetch it, pick a package, download it with progress.

Index entries are parsed by ``argostranslate.package.AvailablePackage`` and
named by ``argospm_package_name``, so what we download is exactly what
``argospm`` would. The fetching is ours because argostranslate's
``update_package_index`` logs and swallows network errors (and
``get_available_packages`` then retries forever on the missing file), and its
download reads the whole archive into memory with no way to report progress.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from http.client import HTTPException
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.errors import ConfigError

if TYPE_CHECKING:
    from argostranslate.package import AvailablePackage

DEFAULT_TIMEOUT = 30.0
CHUNK_BYTES = 1 << 16
USER_AGENT = "normalize (ArgosTranslate package client)"
OFFLINE_HINT = "install offline with `normalize models install --file PATH.argosmodel`"

ProgressCallback = Callable[[int, int | None], None]


def index_url() -> str:
    """The index URL, resolved now: ``ARGOS_PACKAGE_INDEX`` (environment, then Argos' settings.json) + index.json."""
    from pipeline.engines.argos.packages import require_argostranslate

    require_argostranslate()
    from argostranslate import settings

    base = str(settings.get_setting("ARGOS_PACKAGE_INDEX", default=settings.package_index))
    return (base if base.endswith("/") else base + "/") + "index.json"


def fetch_index(url: str, *, timeout: float = DEFAULT_TIMEOUT) -> list[AvailablePackage]:
    """Download and parse the package index; any network or format problem becomes a ``ConfigError``."""
    from argostranslate.package import AvailablePackage

    try:
        with _open(url, timeout) as response:
            entries = json.loads(response.read())
    except (OSError, HTTPException) as error:
        raise ConfigError(
            f"cannot fetch the Argos package index {url} ({_reason(error)}); "
            f"check the network or ARGOS_PACKAGE_INDEX, or {OFFLINE_HINT}"
        ) from error
    except ValueError as error:
        raise ConfigError(f"the Argos package index {url} is not valid JSON ({error}); {OFFLINE_HINT}") from error
    if not isinstance(entries, list):
        raise ConfigError(f"the Argos package index {url} should be a JSON list of packages; {OFFLINE_HINT}")
    return [AvailablePackage(entry) for entry in entries if isinstance(entry, dict)]


def choose(packages: list[AvailablePackage], source: str, target: str) -> AvailablePackage:
    """The newest translation package for the pair, or an error listing the pairs the index offers."""
    from packaging.version import InvalidVersion, Version

    def version(package: AvailablePackage) -> Version:
        try:
            return Version(package.package_version)
        except InvalidVersion:
            return Version("0")

    matching = [p for p in packages if p.type == "translate" and p.from_code == source and p.to_code == target]
    if not matching:
        offered = sorted({f"{p.from_code}->{p.to_code}" for p in packages if p.type == "translate"})
        raise ConfigError(
            f"the Argos package index has no {source}->{target} package (it offers: {', '.join(offered) or 'none'}); "
            f"for a pivot through English install {source} en and en {target}"
        )
    return max(matching, key=version)


def download(
    package: AvailablePackage, destination: Path, *, on_progress: ProgressCallback, timeout: float = DEFAULT_TIMEOUT
) -> Path:
    """Stream the package archive to ``destination``, trying each mirror link in turn.

    ``on_progress(done_bytes, total_bytes_or_None)`` is called after every chunk.
    """
    from argostranslate.package import argospm_package_name

    target = destination / f"{argospm_package_name(package)}.argosmodel"
    failures: list[str] = []
    for link in package.links:
        try:
            with _open(link, timeout) as response, target.open("wb") as out:
                length = response.headers.get("Content-Length")
                total = int(length) if length and length.isdigit() else None
                done = 0
                for block in iter(lambda: response.read(CHUNK_BYTES), b""):
                    out.write(block)
                    done += len(block)
                    on_progress(done, total)
            return target
        except (OSError, HTTPException) as error:
            failures.append(f"{link}: {_reason(error)}")
    target.unlink(missing_ok=True)
    tried = "; ".join(failures) or "the index lists no download link"
    raise ConfigError(f"cannot download {argospm_package_name(package)} ({tried}); {OFFLINE_HINT}")


def _open(url: str, timeout: float) -> Any:
    """Open ``url`` with a client name (some mirrors refuse Python's default one)."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    return urllib.request.urlopen(request, timeout=timeout)


def _reason(error: BaseException) -> str:
    """A short cause for a failed request: the socket error, not urllib's wrapper."""
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):
        return str(error.reason)
    return str(error) or type(error).__name__
