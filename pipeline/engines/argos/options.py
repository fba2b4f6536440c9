"""The Argos engine's options: their defaults and how ``auto`` and unset values become what this machine runs.

Kept apart from the engine so the bench and the tests can read the defaults
without building one or loading a model.
"""

from __future__ import annotations

import os

from pipeline.errors import ConfigError

# argostranslate's own default beam: our output is the one Argos users get for
# the same sentence; the speed-up comes from batching, not from a cheaper search.
DEFAULT_BEAM_SIZE = 4
# Source tokens per CTranslate2 batch. Decoding memory grows with the batch
# (beam x batch x vocabulary logits per step): with a base-size model (6+6
# layers, d_model 512, 50k vocabulary, int8, beam 4) raw CTranslate2 peaks at
# ~770 MB with 4,096 tokens, ~400 MB with 1,024 and ~280 MB with 512, at about
# the same speed on 2 cores (bench/README.md). Raise it (``max_batch_tokens``
# in normalize.toml) on machines with many cores.
DEFAULT_MAX_BATCH_TOKENS = 512
# Longest input (in SentencePiece tokens) given to the model in one piece;
# Argos models are trained on sentences far shorter than this.
DEFAULT_MAX_INPUT_TOKENS = 512
# argostranslate's decoding setting, kept so outputs match it.
LENGTH_PENALTY = 0.2
# Batches decoded in parallel per model, at most. On 2 cores two batches on
# one thread each decode ~1.9x faster than one batch on two threads (intra-op
# threads barely help a base-size model); each extra batch in flight costs its
# own working memory, ~100 MB at 512 tokens (bench/README.md).
MAX_INTER_THREADS = 4
# Compute types tried for ``compute_type="auto"``, fastest first.
PREFERRED_COMPUTE_TYPES = {"cpu": ("int8", "float32"), "cuda": ("int8_float16", "float16", "float32")}


def resolve_threads(threads: int, inter: int | None, intra: int | None) -> tuple[int, int]:
    """``(inter_threads, intra_threads)`` for a budget of ``threads`` CPUs (0: every CPU this process may use).

    Unset, the budget goes to parallel batches first (up to
    ``MAX_INTER_THREADS``), the rest to threads within each batch: 2 CPUs give
    2 x 1, 16 give 4 x 4. A value the user set is kept as given.
    """
    budget = threads or usable_cpus()
    if inter is None:
        inter = max(1, min(MAX_INTER_THREADS, budget // intra if intra else budget))
    if intra is None:
        intra = max(1, budget // inter)
    return inter, intra


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask: a container or ``taskset`` limit), not the machine's count."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def resolve_compute_type(requested: str, device: str) -> str:
    """``auto`` becomes the fastest type this machine supports (int8 on most CPUs), so versions name the real one."""
    import ctranslate2

    try:
        supported = ctranslate2.get_supported_compute_types(device)
    except (RuntimeError, ValueError) as error:
        raise ConfigError(f"argos device {device!r} is not usable here ({error}); use device 'cpu'") from error
    if requested != "auto":
        if requested not in supported and requested != "default":
            raise ConfigError(
                f"argos compute_type {requested!r} is not supported on {device}; "
                f"choose auto or one of {sorted(supported)}"
            )
        return requested
    return next((t for t in PREFERRED_COMPUTE_TYPES.get(device, ()) if t in supported), "default")
