"""Every write in an output folder: atomic, and never through a link.

An output folder may be shared (``/shared/out``, a folder in ``/tmp``), so
whoever can write it can plant a symbolic link, a hard link, a FIFO or a
folder where this program expects its own file. So every operation here works
relative to a descriptor of the folder (``openat``), creates files
exclusively with ``O_NOFOLLOW``, and renames them in place: a link at an
output's name is replaced, never written through, and its target never
changes. A file is either absent, the old one, or complete.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Every temporary file this program makes starts with this prefix and ends with
# ``.tmp``, so a run that takes over a stale lock removes its own leftovers and
# never a user's hidden file (pipeline.outputs.lock).
TEMP_PREFIX = ".normalize~"
TEMP_SUFFIX = ".tmp"
TEMP_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789_"
TEMP_TRIES = 100
NOFOLLOW = os.O_NOFOLLOW | os.O_CLOEXEC


class UnsafeFile(OSError):
    """A name in the output folder is a link, a folder or another file kind where a regular file belongs."""


@contextmanager
def folder_fd(folder: Path, *, create: bool = True) -> Iterator[int]:
    """A descriptor of ``folder`` (created if missing), for operations relative to it."""
    if create:
        folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        yield fd
    finally:
        os.close(fd)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, flush it to disk, then rename it over ``path``."""
    tmp = write_temporary(path, text)
    try:
        replace(tmp, path)
    except BaseException:
        remove(tmp)
        raise


def write_temporary(path: Path, text: str) -> Path:
    """``text`` in a complete, fsynced temporary file beside ``path``; the caller renames it with ``replace``."""
    with folder_fd(path.parent) as dir_fd:
        name, fd = _create_exclusive(dir_fd, path.name)
        try:
            os.fchmod(fd, 0o666 & ~_umask())  # outputs are meant to be shared, as any new file would be
            # A file name that is not UTF-8 reaches the text as surrogates; write them as \udcXX, never crash.
            with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="\n") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            _unlink(dir_fd, name)
            raise
    return path.parent / name


def replace(tmp: Path, path: Path) -> None:
    """Rename ``tmp`` over ``path`` (same folder): a link there is replaced, a folder there is refused."""
    with folder_fd(path.parent, create=False) as dir_fd:
        info = _lstat(dir_fd, path.name)
        if info is not None and stat.S_ISDIR(info.st_mode):
            raise UnsafeFile(errno.EISDIR, f"{path.name} is a folder where normalize writes a file; move it away", str(path))
        os.rename(tmp.name, path.name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)


def remove(path: Path) -> bool:
    """Remove the name ``path`` (a link is removed, never its target; a folder is left); whether it was there."""
    try:
        with folder_fd(path.parent, create=False) as dir_fd:
            info = _lstat(dir_fd, path.name)
            if info is None or stat.S_ISDIR(info.st_mode):
                return False
            _unlink(dir_fd, path.name)
            return True
    except FileNotFoundError:
        return False


def read_own(path: Path, limit: int = 256 << 20) -> str | None:
    """The text of this program's file ``path``, or None if it is missing, a link or not a regular file.

    Opened without following links or blocking (a FIFO or ``/dev/zero`` planted
    at a manifest's name would otherwise hang the run or fill its memory), and
    at most ``limit`` bytes are read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        return fh.read(limit).decode("utf-8", errors="replace")


def open_exclusive_file(folder: Path, name: str, mode: int = 0o644) -> int:
    """``folder/name`` opened read-write, created if missing, refused unless it is this program's own kind of file.

    For the lock: ``O_RDWR|O_CREAT`` alone follows a planted link and would
    truncate its target. Here a link is refused (``O_NOFOLLOW``), and so are a
    FIFO, a device, a folder and a file with other hard links, before anything is
    written to it.
    """
    with folder_fd(folder) as dir_fd:
        try:
            fd = os.open(name, os.O_RDWR | os.O_CREAT | os.O_NONBLOCK | NOFOLLOW, mode, dir_fd=dir_fd)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise UnsafeFile(errno.ELOOP, f"{name} is a symbolic link; normalize never writes through one: remove it",
                                 str(folder / name)) from None
            if exc.errno in (errno.EISDIR, errno.ENXIO):
                raise UnsafeFile(exc.errno, f"{name} is not a regular file; remove it", str(folder / name)) from None
            raise
    info = os.fstat(fd)
    problem = None
    if not stat.S_ISREG(info.st_mode):
        problem = "is not a regular file"
    elif info.st_nlink != 1:
        problem = "has other hard links (it is another file's name too)"
    if problem:
        os.close(fd)
        raise UnsafeFile(errno.EPERM, f"{name} {problem}; normalize never writes to it: remove it", str(folder / name))
    return fd


def same_file(fd: int, path: Path) -> bool:
    """Whether the name ``path`` (not followed) is still the file open as ``fd``."""
    try:
        mine, there = os.fstat(fd), os.lstat(path)
    except OSError:
        return False
    return (mine.st_dev, mine.st_ino) == (there.st_dev, there.st_ino)


def _create_exclusive(dir_fd: int, name: str) -> tuple[str, int]:
    # The name is cut so the temporary one stays under the 255-byte limit of most file systems.
    stem = name[:64]
    for _ in range(TEMP_TRIES):
        suffix = "".join(secrets.choice(TEMP_ALPHABET) for _ in range(8))
        temp = f"{TEMP_PREFIX}{stem}.{suffix}{TEMP_SUFFIX}"
        try:
            return temp, os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW, 0o600, dir_fd=dir_fd)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", name)


def _lstat(dir_fd: int, name: str) -> os.stat_result | None:
    try:
        return os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None


def _unlink(dir_fd: int, name: str) -> None:
    try:
        os.unlink(name, dir_fd=dir_fd)
    except FileNotFoundError:
        pass


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
