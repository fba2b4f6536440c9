"""Translation engines, looked up by name.

Adding an engine means one module with an ``Engine`` subclass and one line in
``ENGINES`` (a ``pipeline.registry.Registry``); nothing else in the pipeline changes.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline.engines.base import Engine
from pipeline.errors import ConfigError, EngineUnavailable
from pipeline.registry import Registry, load

# name -> "module:Class"; imported lazily so a missing optional engine costs nothing.
ENGINES: Registry[str] = Registry(
    "engine", {"argos": "pipeline.engines.argos:ArgosEngine", "apertium": "pipeline.engines.apertium:ApertiumEngine"}.items()
)
# Tried in this order by ``auto``: the neural engine when a model is installed.
AUTO_ORDER = ("argos", "apertium")


class EngineWarning(UserWarning):
    """``auto`` skipped an installed engine that cannot load; the run goes on with the next one."""


def engine_class(name: str) -> type[Engine]:
    """The class registered under ``name``."""
    if name not in ENGINES:
        raise ConfigError(f"unknown engine {name!r}: choose one of auto, {', '.join(ENGINES)}")
    try:
        cls: type[Engine] = load(ENGINES[name])
        return cls
    except ImportError as exc:
        raise EngineUnavailable(f"engine {name!r} cannot be loaded ({exc}); reinstall normalize with `pip install -e .`") from exc


def create_engine(
    name: str, source: str, target: str, *, settings: Mapping[str, Mapping[str, Any]] | None = None
) -> Engine:
    """Build the engine ``name`` (or the best available one for ``auto``) for a language pair.

    ``settings`` maps engine names to keyword options; only the chosen engine's are used.
    """
    if name == "auto":
        for candidate in AUTO_ORDER:
            try:
                usable = engine_class(candidate).usable(source, target, (settings or {}).get(candidate, {}))
            except EngineUnavailable:
                usable = False
            problem = _cannot_load(candidate, source, target)
            if problem is not None:
                warnings.warn(
                    f"{problem}; skipping {candidate}, reinstall it with `normalize models install`", EngineWarning, stacklevel=2
                )
            elif usable:
                name = candidate
                break
        else:
            raise EngineUnavailable(f"no translation engine for {source}->{target} is installed. {_hints(source, target)}")
    cls = engine_class(name)
    if not cls.usable(source, target, (settings or {}).get(name, {})):
        raise EngineUnavailable(
            f"engine {name!r} cannot translate {source}->{target} here. {cls.install_hint(source, target)}"
        )
    return cls(source, target, **dict((settings or {}).get(name, {})))


def build_engine(
    name: str,
    source: str,
    target: str,
    *,
    settings: Mapping[str, Mapping[str, Any]] | None = None,
    cache: bool = True,
    cache_path: Path | None = None,
) -> Engine:
    """The one engine factory of ``run``, ``eval`` and ``glossary test``: the engine, behind the cache unless disabled."""
    engine = create_engine(name, source, target, settings=settings)
    if not cache:
        return engine
    from pipeline.engines.cache import CachedEngine, TranslationCache

    return CachedEngine(engine, TranslationCache(cache_path))


def _cannot_load(name: str, source: str, target: str) -> str | None:
    """Why an engine that says it is available would fail to load, judged from its files (no model is loaded)."""
    if name == "argos":
        from pipeline.engines.argos.packages import route_problem

        return route_problem(source, target)
    return None


def _hints(source: str, target: str) -> str:
    hints = []
    for name in AUTO_ORDER:
        try:
            hints.append(engine_class(name).install_hint(source, target))
        except EngineUnavailable as exc:
            hints.append(str(exc))
    return "; ".join(hints)


__all__ = ["ENGINES", "Engine", "EngineWarning", "build_engine", "create_engine", "engine_class"]
