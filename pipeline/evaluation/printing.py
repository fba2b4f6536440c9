"""How both evaluation reports (``parallel`` and ``audit``) print counts per entry or per check, so they read alike."""

from __future__ import annotations


def counts_table(counts: dict[str, int]) -> list[str]:
    """One indented ``name  count`` line per name, names aligned; ``none`` when there is nothing."""
    if not counts:
        return ["  none"]
    width = max(map(len, counts))
    return [f"  {name:{width}}  {count}" for name, count in counts.items()]


def counts_inline(counts: dict[str, int]) -> str:
    """``name count, name count`` on one line (empty when there is nothing)."""
    return ", ".join(f"{name} {count}" for name, count in counts.items())
