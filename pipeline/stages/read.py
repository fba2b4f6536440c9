"""Stage 1, read: files on disk -> ``Document``s.

The seed format is UTF-8 text, an optional leading `` date YYYY-MM `` token run,
then paragraphs separated by blank lines. The text is kept as decoded, one
character for one character, so every offset later on slices the original:
French typography such as non-breaking spaces, « » and ’ survives untouched,
and so do CRLF line endings.

Inputs are untrusted, so decoding never crashes and never loses a character
silently:

- a byte-order mark selects UTF-8, UTF-16 or UTF-32 (and is not part of the text);
- UTF-16 without a mark is recognised by its zero bytes;
- text that is not UTF-8 is read as Windows-1252 (the usual French legacy
  encoding) with a warning saying where the first bad byte was;
- a NUL or other control character becomes U+FFFD, one for one, with a warning;
- decomposed accents (e + U+0301, as macOS writes them) are composed (NFC), with
  a warning, so the glossary matches them and offsets stay one for one;
- binary files (images, archives, PDFs) and empty or blank files are refused
  with a one-line reason.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.errors import DocumentError
from pipeline.model import Document

METADATA = re.compile(r"\A\s*date\s+(?P<date>\d{4}-\d{2}(?:-\d{2})?)\s+")
SUFFIX = ".txt"

# Longest marks first: UTF-32-LE's mark starts with UTF-16-LE's.
BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Signatures of common binary formats that people rename to .txt.
MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/OpenDocument file)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"{\\rtf", "an RTF document"),
)
# C0 controls other than tab, line feed, vertical tab, form feed and carriage return, plus DEL.
CONTROL_BYTES = bytes([*range(9), *range(14, 32), 127])
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
BINARY_SHARE = 0.05  # more control bytes than this share of the file (and a few): not text
BINARY_MIN_CONTROLS = 8  # a stray NUL in a short text is a typo, not a binary file
REPLACEMENT = "\ufffd"


def collect_inputs(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into their ``*.txt`` files, recursively and sorted; keep files as given.

    Symbolic links to folders are followed once (a link loop ends the descent);
    a folder that cannot be listed is returned as an input of its own, so the
    run reports it as a failed document instead of skipping it unseen. A path
    named twice is kept once.
    """
    found: list[Path] = []
    for path in paths:
        found.extend(sorted(_walk(path)) if path.is_dir() else [path])
    seen: set[str] = set()
    unique: list[Path] = []
    for path in found:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def _walk(folder: Path) -> Iterator[Path]:
    """``*.txt`` entries under ``folder``, plus folders that could not be listed."""
    visited: set[tuple[int, int]] = set()
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            info = current.stat()
            if (info.st_dev, info.st_ino) in visited:
                continue  # a symbolic link back to a folder already searched
            visited.add((info.st_dev, info.st_ino))
            entries = list(os.scandir(current))
        except OSError:
            yield current  # read_document explains why it cannot be read
            continue
        for entry in entries:
            if _is_dir(entry):
                stack.append(Path(entry.path))
            elif entry.name.endswith(SUFFIX):
                yield Path(entry.path)  # broken links included: they fail with their reason


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a link loop: not a folder we can enter
        return False


def read_document(path: Path, *, language: str, name: str | None = None) -> Document:
    """Read one file; raise ``DocumentError`` with the reason when it cannot be used."""
    if path.is_dir():
        raise DocumentError("cannot list this folder; check its permissions")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"cannot read: {exc.strerror or exc}; check the path and its permissions") from exc
    text, warnings = decode(raw)
    body = METADATA.match(text)
    body_start = body.end() if body else 0
    if not text[body_start:].strip():
        what = "empty" if not raw else "only a date line" if body else "only white space"
        raise DocumentError(f"the file is {what}, with no text to translate; remove it or add text")
    doc = Document(
        path=path,
        name=name or path.stem,
        text=text,
        language=language,
        sha256=hashlib.sha256(raw).hexdigest(),
        warnings=warnings,
        body_start=body_start,
    )
    if body:
        doc.metadata["date"] = body.group("date")
    return doc


def decode(raw: bytes) -> tuple[str, list[str]]:
    """The text of ``raw`` and the warnings a reviewer should see; ``DocumentError`` for binary data."""
    warnings: list[str] = []
    mark = next(((bom, enc) for bom, enc in BOMS if raw.startswith(bom)), None)
    encoding: str | None = None
    if mark is not None:
        raw, encoding = raw[len(mark[0]) :], mark[1]
    else:
        encoding = _utf16_without_bom(raw)
        if encoding is not None:
            warnings.append(f"read as {encoding.upper()} (no byte-order mark)")
    if encoding is None:
        _refuse_binary(raw)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            text = _lenient(raw, "cp1252", warnings)
            warnings.insert(
                0,
                f"not UTF-8 (first bad byte at offset {exc.start}): read as Windows-1252; check the accents, "
                "or convert the file with `iconv -f WINDOWS-1252 -t UTF-8`",
            )
    else:
        text = _lenient(raw, encoding, warnings)
    text, controls = CONTROL_CHARS.subn(REPLACEMENT, text)
    if controls:
        warnings.append(f"{controls} control character(s) such as NUL replaced by {REPLACEMENT}")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
        warnings.append("decomposed accents were composed (Unicode NFC); offsets refer to the composed text")
    return text, warnings


def _lenient(raw: bytes, encoding: str, warnings: list[str]) -> str:
    """Decode, marking each undecodable byte sequence with U+FFFD and saying how many there were."""
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        text = raw.decode(encoding, errors="replace")
        bad = text.count(REPLACEMENT) - raw.decode(encoding, errors="ignore").count(REPLACEMENT)
        warnings.append(f"{bad} byte sequence(s) are not valid {encoding.upper()} and are shown as {REPLACEMENT}")
        return text


def _utf16_without_bom(raw: bytes) -> str | None:
    """UTF-16 of mostly Latin text has a zero in every other byte; say which byte order, if so."""
    half = len(raw) // 2
    if half < 2 or len(raw) % 2:
        return None
    even, odd = raw[0::2].count(0), raw[1::2].count(0)
    if odd >= 0.9 * half and even == 0:
        return "utf-16-le"
    if even >= 0.9 * half and odd == 0:
        return "utf-16-be"
    return None


def _refuse_binary(raw: bytes) -> None:
    kind = next((what for magic, what in MAGIC if raw.startswith(magic)), None)
    if kind is None:
        controls = len(raw) - len(raw.translate(None, CONTROL_BYTES))
        if controls > max(BINARY_SHARE * len(raw), BINARY_MIN_CONTROLS):
            kind = "binary data"
    if kind is not None:
        raise DocumentError(f"looks like {kind}, not text; remove it or export it as plain text first")
