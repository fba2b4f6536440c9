"""The Ray executor (placeholder until the Ray Data pipeline lands)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.engines.base import Engine
from pipeline.errors import ConfigError

if TYPE_CHECKING:
    from pipeline.run import Collector, Job, RunOptions

INSTALL = "pip install 'normalize[ray]'"


def check(options: RunOptions) -> None:
    try:
        import ray  # noqa: F401
    except ImportError:
        raise ConfigError(f"--executor ray needs Ray, which is not installed: {INSTALL}") from None


def execute(job: Job, engine: Engine, collector: Collector) -> None:
    raise ConfigError("--executor ray is not available yet")
