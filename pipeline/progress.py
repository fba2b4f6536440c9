"""A progress bar on stderr, counted in documents, that only appears when a run lasts more than a second.

It advances as each batch of documents is written (translation happens per
batch, so it moves during translation too), shows the rate and the time left,
and prints messages such as failures above itself as they happen.
"""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rich is imported when the bar first shows: a run over in under a second never loads it
    from rich.progress import Progress, TaskID

DELAY_SECONDS = 1.0


class Bar:
    """A rich progress bar started by a timer, so short runs (and ``--quiet``) print no bar.

    Until it shows, the bar only counts; the rich bar is made then, from those counts.
    """

    def __init__(self, total: int, *, quiet: bool = False, delay: float = DELAY_SECONDS) -> None:
        self.total = total
        self.quiet = quiet
        self.delay = delay
        self._description = ""
        self._completed = 0
        self._began = time.monotonic()  # rich's clock: the elapsed time counts from here, not from when the bar shows
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._closed = False
        self._lock = threading.Lock()
        self._timer = threading.Timer(delay, self._start)
        self._timer.daemon = True

    def __enter__(self) -> Bar:
        if not self.quiet and _is_terminal():  # piped stderr gets the messages, not a bar
            self._timer.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._timer.cancel()
        with self._lock:
            self._closed = True
            if self._progress is not None:
                self._progress.stop()
                self._progress = None

    def _start(self) -> None:
        progress = _rich_progress()
        with self._lock:
            if self._closed:  # the run ended while rich was loading
                return
            self._task = progress.add_task(self._description, total=self.total, completed=self._completed)
            progress.tasks[0].start_time = self._began
            progress.start()
            self._progress = progress

    def describe(self, label: str) -> None:
        with self._lock:
            self._description = label
            if self._progress is not None and self._task is not None:
                self._progress.update(self._task, description=label)

    def advance(self, steps: int = 1) -> None:
        with self._lock:
            self._completed += steps
            if self._progress is not None and self._task is not None:
                self._progress.update(self._task, completed=self._completed)

    def log(self, message: str) -> None:
        """A line on stderr now (a failure, a warning), above the bar if it is showing; printed even when quiet."""
        with self._lock:
            if self._progress is not None:
                from rich.markup import escape

                self._progress.console.print(escape(message), soft_wrap=True)
            else:
                print(message, file=sys.stderr, flush=True)


def _is_terminal() -> bool:
    try:
        return sys.stderr.isatty()
    except ValueError:  # stderr closed
        return False


def _rich_progress() -> Progress:
    """The rich bar: description, bar, M/N documents, rate, elapsed time, ETA."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Documents per second, once there is a rate to show."""

        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text("" if speed is None else f"{speed:.1f} docs/s")

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("documents"),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=Console(stderr=True, highlight=False),
        transient=True,
    )
