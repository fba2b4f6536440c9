"""Which paths may be read at all, whatever their format: no system files, no special files, no links out of the input folder.

Only regular files are read, after following links: a named pipe would block
forever and ``/dev/zero`` never ends, so both are refused, as are sockets and
devices; ``/proc/self/environ`` is a "regular file" that holds the process's
secrets, so system folders are refused whatever the link.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO

from pipeline.errors import DocumentError

SYSTEM_FOLDERS = (Path("/proc"), Path("/sys"), Path("/dev"))
FILE_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
              (stat.S_ISSOCK, "a socket"))  # fmt: skip


def check_link(path: Path, root: Path | None, *, follow_links: bool = False) -> None:
    """Refuse ``path`` when it is, or leads through a link to, a file that may not be published.

    System files (``/proc``, ``/sys``, ``/dev``) are refused whatever the link:
    ``/proc/self/environ`` is a "regular file" that holds the process's
    secrets. A link found in an input folder is followed only while it stays
    inside that folder, unless ``follow_links``; a link to a folder outside it is
    never searched.
    """
    real = Path(os.path.realpath(path))
    try:
        info = os.stat(real)
    except OSError:
        info = None  # missing or unreadable: read_bytes says why
    if info is not None and not stat.S_ISDIR(info.st_mode):
        _refuse_special(info)  # a FIFO or a device says what it is, wherever it lives
    if any(real == system or real.is_relative_to(system) for system in SYSTEM_FOLDERS):
        raise DocumentError(f"is a system file ({real}), not an article; only text files are read")
    if root is None:
        return
    inside = real.is_relative_to(os.path.realpath(root))
    if inside:
        return
    if real.is_dir():
        raise DocumentError(f"is a link to the folder {real}, outside {root}; it is not searched: copy its files into {root}")
    if not follow_links:
        raise DocumentError(f"is a link to {real}, outside {root}; copy the file into {root}, or pass --follow-links")


def open_regular(path: Path) -> IO[bytes]:
    """``path`` opened for reading if it is a regular file (links followed), checked on the open descriptor.

    For the readers that stream a source record by record (web archives, JSON
    Lines, CSV), which bound each record by ``--max-size`` rather than the file.
    """
    try:
        _refuse_special(os.stat(path))  # a socket cannot even be opened: say what it is, not "no such device"
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise DocumentError(f"cannot read: {exc.strerror or exc}; check the path and its permissions") from exc
    stream = os.fdopen(fd, "rb")
    try:
        _refuse_special(os.fstat(fd))
    except OSError as exc:
        stream.close()
        raise DocumentError(f"cannot read: {exc.strerror or exc}; check the path and its permissions") from exc
    except BaseException:
        stream.close()
        raise
    return stream


def _refuse_special(info: os.stat_result) -> None:
    if stat.S_ISREG(info.st_mode):
        return
    kind = next((what for test, what in FILE_KINDS if test(info.st_mode)), "not a regular file")
    raise DocumentError(f"is {kind}, not a regular file; only plain text files are read, copy its text into a .txt file")
