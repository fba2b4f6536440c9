"""How every ``normalize`` command ends badly: one line on stderr, and an exit code a script can test.

Exit codes: 0 every document done; 1 some documents failed (the rest are
written); 2 usage or configuration error; 130 interrupted.
"""

from __future__ import annotations

import typer

from pipeline.errors import printable

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def say(line: str) -> None:
    """One line on stderr, with control characters escaped (a file name cannot drive the terminal)."""
    typer.echo(printable(line), err=True)


def fail(message: object, code: int = EXIT_USAGE) -> typer.Exit:
    """Print ``normalize: error: MESSAGE`` and return the exit to raise."""
    say(f"normalize: error: {message}")
    return typer.Exit(code)
