"""A progress bar on stderr, counted in documents, that only appears when a run lasts more than a second.

It advances as each batch of documents is written (translation happens per
batch, so it moves during translation too), shows the rate and the time left,
and prints messages such as failures above itself as they happen.
"""

from __future__ import annotations

import sys
import threading
from types import TracebackType

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

DELAY_SECONDS = 1.0


class RateColumn(ProgressColumn):
    """Documents per second, once there is a rate to show."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:.1f} docs/s")


class Bar:
    """A rich progress bar started by a timer, so short runs (and ``--quiet``) print no bar."""

    def __init__(self, total: int, *, quiet: bool = False, delay: float = DELAY_SECONDS) -> None:
        self.total = total
        self.quiet = quiet
        self.delay = delay
        self._console = Console(stderr=True, highlight=False)
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("documents"),
            RateColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=self._console,
            transient=True,
        )
        self._task: TaskID = self._progress.add_task("", total=total)
        self._started = False
        self._lock = threading.Lock()
        self._timer = threading.Timer(delay, self._start)
        self._timer.daemon = True

    def __enter__(self) -> Bar:
        if not self.quiet and self._console.is_terminal:  # piped stderr gets the messages, not a bar
            self._timer.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._timer.cancel()
        with self._lock:
            if self._started:
                self._progress.stop()
                self._started = False

    def _start(self) -> None:
        with self._lock:
            self._started = True
            self._progress.start()

    def describe(self, label: str) -> None:
        self._progress.update(self._task, description=label)

    def advance(self, steps: int = 1) -> None:
        self._progress.advance(self._task, steps)

    def log(self, message: str) -> None:
        """A line on stderr now (a failure, a warning), above the bar if it is showing; printed even when quiet."""
        with self._lock:
            if self._started:
                self._progress.console.print(escape(message), soft_wrap=True)
            else:
                print(message, file=sys.stderr, flush=True)
