"""Saving a glossary file as its owner would: through a link to its target, its mode kept, never over a newer file.

A symbolic link is followed and its target replaced atomically in the target's
own folder (the link stays a link), the target's mode (and owner, where that
may be given) is kept, a read-only file (no write permission) is refused
rather than replaced, and a file changed on disk since it was read is not
overwritten.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from pipeline.errors import ConfigError
from pipeline.outputs.write import TEMP_PREFIX, TEMP_SUFFIX


def save_glossary(path: Path, text: str, original: bytes) -> None:
    """Write ``text`` over the glossary ``path`` as its owner would: its target if a link, its mode kept, atomically.

    Refused (``ConfigError``, the file untouched): a file changed on disk since ``original`` was read, one
    without write permission, a target that is not a regular file, a folder that cannot be written or is full.
    """
    target = Path(os.path.realpath(path))
    try:
        st = os.stat(target)
        current = target.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read glossary {path}: {exc.strerror or exc}; nothing was saved") from None
    if not stat.S_ISREG(st.st_mode):
        raise ConfigError(f"glossary {path} is not a regular file; nothing was saved")
    if current != original:
        raise ConfigError(f"glossary {path} changed on disk since it was read; reload the page and try again (nothing was saved)")
    if not st.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise ConfigError(
            f"glossary {path} is read-only (mode {stat.S_IMODE(st.st_mode):04o}); make it writable (chmod u+w) "
            "to edit it from the review page; nothing was saved"
        )
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{target.name[:64]}.", suffix=TEMP_SUFFIX, dir=target.parent)
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), stat.S_IMODE(st.st_mode))
            if (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
                try:
                    os.fchown(fh.fileno(), st.st_uid, st.st_gid)
                except OSError:
                    pass  # not ours to give away: the mode is still kept
            fh.write(text.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise ConfigError(
                f"no space left to save glossary {path} in {target.parent}; free some space and try again (nothing was saved)"
            ) from None
        raise ConfigError(
            f"cannot save glossary {path} ({exc.strerror or exc}); check that {target.parent} is writable (nothing was saved)"
        ) from None
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    try:
        folder = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    except OSError:
        pass  # the rename is done; syncing the folder is a courtesy some file systems refuse
