"""A local Ray cluster for the Ray tests: two CPUs, bound to 127.0.0.1, no dashboard, no usage statistics."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pipeline.executors.ray import local_only
from tests.conftest import ROOT


@contextmanager
def local_cluster(setup_hook: str) -> Iterator[None]:
    """Ray started for one test module; ``setup_hook`` ("module.function") runs in every worker process first,
    so an engine the test registers exists there as in the driver."""
    local_only()
    import ray  # the README's test command installs the extra ('.[test,ray]'): a missing Ray fails, never skips

    setup = {"env_vars": {"PYTHONPATH": str(ROOT)}, "worker_process_setup_hook": setup_hook}
    ray.init(num_cpus=2, include_dashboard=False, _node_ip_address="127.0.0.1", log_to_driver=False, configure_logging=False,
             runtime_env=setup)
    try:
        node = ray._private.worker.global_worker.node
        where = node.node_ip_address if node is not None else None
        assert where == "127.0.0.1", f"the test cluster is on {where}, not loopback"
        yield
    finally:
        ray.shutdown()
