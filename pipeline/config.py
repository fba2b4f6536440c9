"""Run settings from a TOML file, so a newsroom can fix its engine settings once.

``normalize.toml`` in the working folder is read when present (or ``--config
FILE``); command-line flags override it. Shape::

    [engines.argos]        # keyword options of the engine, see `normalize run --help`
    beam_size = 4
    compute_type = "int8"  # auto | int8 | int8_float32 | float32 ...
    threads = 0            # CPUs to use, 0: all this process may use
    # inter_threads = 2    # batches in parallel and threads per batch;
    # intra_threads = 1    # unset, split from `threads`: parallel batches first
    max_batch_tokens = 512  # source tokens per batch: more uses more memory, helps only with many cores

    [cache]
    enabled = true
    path = "~/.cache/normalize/translations.sqlite3"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import ConfigError

DEFAULT_CONFIG = Path("normalize.toml")
KNOWN = {"engines", "cache"}


@dataclass
class Settings:
    """Engine options per engine name, and the translation cache's place (None: no cache)."""

    engines: dict[str, dict[str, Any]] = field(default_factory=dict)
    cache: bool = True
    cache_path: Path | None = None


def load_settings(path: Path | None) -> Settings:
    """Read ``path`` (or ``normalize.toml`` if it exists); an explicit missing file is an error."""
    if path is None:
        if not DEFAULT_CONFIG.is_file():
            return Settings()
        path = DEFAULT_CONFIG
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: TOML syntax error: {exc}") from exc
    unknown = sorted(set(data) - KNOWN)
    if unknown:
        raise ConfigError(f"{path}: unknown section {unknown[0]!r}; valid sections: {', '.join(sorted(KNOWN))}")
    engines = data.get("engines", {})
    if not isinstance(engines, dict) or not all(isinstance(v, dict) for v in engines.values()):
        raise ConfigError(f"{path}: [engines.NAME] tables hold each engine's options, e.g. [engines.argos] beam_size = 4")
    cache = data.get("cache", {})
    raw_path = cache.get("path")
    return Settings(
        engines={name: dict(options) for name, options in engines.items()},
        cache=bool(cache.get("enabled", True)),
        cache_path=Path(raw_path).expanduser() if raw_path else None,
    )
