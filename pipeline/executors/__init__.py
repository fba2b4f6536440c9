"""How documents move through the stage chain: ``local`` (streaming batches in this process) or ``ray`` (a cluster).

Each is an ``Executor`` (``pipeline.executors.base``) registered here by name
and imported when chosen (Ray is an optional dependency). Both write through
the job's ``OutputFolder``, so the outputs are the same whichever runs.
"""

from __future__ import annotations

from pipeline.registry import Registry

EXECUTORS: Registry[str] = Registry(
    "executor", [("local", "pipeline.executors.local:LocalExecutor"), ("ray", "pipeline.executors.ray:RayExecutor")]
)
