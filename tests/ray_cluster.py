"""A local Ray cluster for the Ray tests: two CPUs, bound to 127.0.0.1, no dashboard, no usage statistics."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from tests.conftest import ROOT


@contextmanager
def local_cluster(setup_hook: str) -> Iterator[None]:
    """Ray started for one test module; ``setup_hook`` ("module.function") runs in every worker process first,
    so an engine the test registers exists there as in the driver."""
    import ray  # the README's test command installs the extra ('.[test,ray]'): a missing Ray fails, never skips

    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    setup = {"env_vars": {"PYTHONPATH": str(ROOT)}, "worker_process_setup_hook": setup_hook}
    ray.init(num_cpus=2, include_dashboard=False, _node_ip_address="127.0.0.1", log_to_driver=False, configure_logging=False,
             runtime_env=setup)
    try:
        yield
    finally:
        ray.shutdown()
