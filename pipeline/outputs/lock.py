"""One run per output folder at a time.

Two runs writing the same folder would interleave their pages and reports. The
lock is a file in the output folder holding the running process id, locked with
``flock``: the kernel releases it when the holder dies, even by SIGKILL, so a
lock file left by a dead run is simply taken over. A run that takes over also
removes the temporary files the dead run left half-written: only names this
program makes (``.normalize~<output name>.<8 random characters>.tmp``), never
another hidden file of the user's.
"""

from __future__ import annotations

import fcntl
import os
import re
from pathlib import Path
from types import TracebackType
from typing import Self

from pipeline.errors import ConfigError
from pipeline.outputs.write import TEMP_PREFIX, TEMP_SUFFIX, UnsafeFile, open_exclusive_file, remove, same_file

LOCK_NAME = ".normalize.lock"
# What pipeline.outputs.write leaves when killed mid-write: its prefix, the output's name, mkstemp's 8 characters.
TEMPORARY = re.compile(re.escape(TEMP_PREFIX) + r".+\.[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX) + r"\Z", re.DOTALL)


class OutputLock:
    """Hold ``folder``'s lock for the duration of a ``with`` block; refuse with ``ConfigError`` if busy."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / LOCK_NAME
        self._fd: int | None = None

    def __enter__(self) -> Self:
        self.acquire()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()

    def acquire(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"cannot create output folder {self.folder}: {exc.strerror or exc}; choose another --out") from exc
        while True:
            existed = os.path.lexists(self.path)
            try:
                fd = open_exclusive_file(self.folder, LOCK_NAME)
            except UnsafeFile as exc:
                raise ConfigError(f"{self.folder}: {exc.strerror}") from exc
            except OSError as exc:
                reason = exc.strerror or exc
                raise ConfigError(f"cannot create {self.path}: {reason}; check that {self.folder} is writable") from exc
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read_pid(fd)
                os.close(fd)
                who = f"pid {holder}" if holder else "another process"
                raise ConfigError(
                    f"{self.folder} is in use by another normalize run ({who}); "
                    "wait for it to finish or choose another --out"
                ) from None
            if same_file(fd, self.path):
                break
            os.close(fd)  # the holder removed it between our open and lock: try the new one
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        if existed:
            remove_temporaries(self.folder)

    def release(self) -> None:
        """Remove the lock file, then unlock; whoever opened it meanwhile sees it gone and retries."""
        if self._fd is None:
            return
        remove(self.path)
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None


def remove_temporaries(folder: Path) -> list[Path]:
    """Remove the temporary files a killed run of this program left in ``folder``; returns them."""
    removed = []
    for leftover in folder.glob(TEMP_PREFIX + "*" + TEMP_SUFFIX):
        if TEMPORARY.match(leftover.name) and remove(leftover):
            removed.append(leftover)
    return removed


def _read_pid(fd: int) -> int | None:
    try:
        return int(os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "0") or None
    except (OSError, ValueError):
        return None
