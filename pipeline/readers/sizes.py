"""``--max-size``: the limit per document, reading it from the command line, reading no more than it, saying sizes.

A file larger than ``max_size`` (``DEFAULT_MAX_SIZE``, 20 MiB) is refused
before it is read, and one that grows or never ends is cut one byte past the
limit, so no input costs more memory than the limit.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from pipeline.errors import ConfigError, DocumentError
from pipeline.readers.links import open_regular

DEFAULT_MAX_SIZE = 20 * 1024 * 1024  # bytes per document; a 20 MB article is already ~10,000 pages of news
SIZE_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "kib": 1024, "m": 1024**2, "mb": 1024**2, "mib": 1024**2,
              "g": 1024**3, "gb": 1024**3, "gib": 1024**3}
SIZE = re.compile(r"\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>[a-z]*)\s*", re.IGNORECASE)


def parse_size(text: str) -> int:
    """``--max-size``: a number of bytes with an optional unit (``20MB``, ``500k``, ``1.5G``; powers of 1024)."""
    m = SIZE.fullmatch(text)
    if m is None or m.group("unit").lower() not in SIZE_UNITS:
        raise ConfigError(f"--max-size {text!r}: expected a size such as 20MB, 500kB or 1G")
    size = int(float(m.group("number")) * SIZE_UNITS[m.group("unit").lower()])
    if size < 1:
        raise ConfigError(f"--max-size {text!r}: the limit must be at least one byte")
    return size


def read_bytes(path: Path, max_size: int = DEFAULT_MAX_SIZE) -> bytes:
    """The bytes of the regular file at ``path`` (links followed), at most ``max_size`` of them.

    The file is opened without blocking (a FIFO would wait for a writer
    forever) and checked on the open descriptor, so a file swapped for a pipe
    or a device between the check and the read is still refused; reading
    stops one byte past the limit, so a file that grows, or never ends, costs
    no more memory than the limit.
    """
    with open_regular(path) as stream:
        try:
            size = os.fstat(stream.fileno()).st_size
            if size > max_size:
                raise DocumentError(_too_big(size, max_size))
            raw = stream.read(max_size + 1)
        except OSError as exc:
            raise DocumentError(f"cannot read: {exc.strerror or exc}; check the path and its permissions") from exc
    if len(raw) > max_size:
        raise DocumentError(_too_big(None, max_size))
    return raw


def size_text(size: int) -> str:
    """A size as the one-line reasons say it: ``20.0 MB``, ``1,024 bytes``."""
    return _mb(size)


def _too_big(size: int | None, limit: int) -> str:
    actual = f"is {_mb(size)}," if size is not None else "grew while read, or never ends:"
    return f"the file {actual} over the limit of {_mb(limit)} per document; split it, or raise the limit with --max-size"


def _mb(size: int) -> str:
    return f"{size / 1024**2:.1f} MB" if size >= 1024**2 else f"{size:,} bytes"
