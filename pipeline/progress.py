"""A progress bar on stderr that only appears when a run lasts more than a second."""

from __future__ import annotations

import threading
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

DELAY_SECONDS = 1.0


class Bar:
    """A rich progress bar started by a timer, so short runs (and ``--quiet``) print nothing."""

    def __init__(self, total: int, *, quiet: bool = False, delay: float = DELAY_SECONDS) -> None:
        self.total = total
        self.quiet = quiet
        self.delay = delay
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._task: TaskID = self._progress.add_task("", total=total)
        self._started = False
        self._timer = threading.Timer(delay, self._start)
        self._timer.daemon = True

    def __enter__(self) -> Bar:
        if not self.quiet:
            self._timer.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._timer.cancel()
        if self._started:
            self._progress.stop()

    def _start(self) -> None:
        self._started = True
        self._progress.start()

    def describe(self, label: str) -> None:
        self._progress.update(self._task, description=label)

    def advance(self, steps: int = 1) -> None:
        self._progress.advance(self._task, steps)
