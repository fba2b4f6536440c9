"""Stage 1, read: files on disk -> ``Document``s.

Which files are articles, and how each format becomes documents, is the
business of ``pipeline.readers`` (one module per format, chosen by suffix:
web pages, web archives, feeds, dataset exports, office files, text). This
module finds the inputs, refuses what may not be read whatever its format
(links out of the input folder, system files, FIFOs and devices, files over
``--max-size``) and reads text files.

The seed format is UTF-8 text, an optional leading `` date YYYY-MM `` token run,
then paragraphs separated by blank lines. The text is kept as decoded, one
character for one character, so every offset later on slices the original:
French typography such as non-breaking spaces, « » and ’ survives untouched,
and so do CRLF line endings.

Inputs are untrusted, so decoding never crashes and never loses a character
silently:

- UTF-16 without a mark is recognised by its zero bytes;
- a byte-order mark selects UTF-8, UTF-16 or UTF-32; UTF-16 and UTF-32 are
  reported with a warning, since other tools often misread them;
- text that is not UTF-8 is decoded in the legacy encoding charset-normalizer
  finds most plausible among those of the document's language (Windows-1252 for
  French, Windows-1251, KOI8-R or CP866 for Russian...), with a warning saying
  where the first bad byte was;
- a NUL or other control character becomes U+FFFD, one for one, with a warning;
- decomposed accents (e + U+0301, as macOS writes them) are composed (NFC), with
  a warning, so the glossary matches them and offsets stay one for one;
- binary files (images, archives, PDFs) and empty or blank files are refused
  with a one-line reason;
- only regular files are read, after following links: a named pipe would block
  forever and ``/dev/zero`` never ends, so both are refused, and so is a file
  larger than ``max_size`` (``DEFAULT_MAX_SIZE``, 20 MiB; ``--max-size``).
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from pipeline.errors import ConfigError, DocumentError
from pipeline.model import Document

if TYPE_CHECKING:  # the readers import this module: they are imported where used
    from pipeline.readers import Fields

METADATA = re.compile(r"\A\s*date\s+(?P<date>\d{4}-\d{2}(?:-\d{2})?)\s+")
SUFFIX = ".txt"  # the plain-text format; every format read is listed in pipeline.readers.READERS

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
DEFAULT_MAX_SIZE = 20 * 1024 * 1024  # bytes per document; a 20 MB article is already ~10,000 pages of news
SIZE_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "kib": 1024, "m": 1024**2, "mb": 1024**2, "mib": 1024**2,
              "g": 1024**3, "gb": 1024**3, "gib": 1024**3}
SIZE = re.compile(r"\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>[a-z]*)\s*", re.IGNORECASE)
# Legacy 8-bit encodings by language, most common first; charset-normalizer chooses among them.
LEGACY_ENCODINGS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("fr", "en", "es", "it", "pt", "de", "nl", "ca"), ("cp1252",)),
    "ru": ("cp1251", "koi8_r", "cp866", "iso8859_5"),
    "uk": ("cp1251", "koi8_u", "cp866"),
    "bg": ("cp1251",),
    "pl": ("cp1250", "iso8859_2"),
    "cs": ("cp1250", "iso8859_2"),
    "tr": ("cp1254",),
    "el": ("cp1253", "iso8859_7"),
    "ar": ("cp1256", "iso8859_6"),
    "fa": ("cp1256",),
    "he": ("cp1255", "iso8859_8"),
    "zh": ("gb18030", "big5"),
    "ja": ("cp932", "euc_jp"),
    "ko": ("cp949",),
}
FALLBACK_ENCODING = "cp1252"
ENCODING_NAMES = {"cp1250": "Windows-1250", "cp1251": "Windows-1251", "cp1252": "Windows-1252", "cp1253": "Windows-1253",
                  "cp1254": "Windows-1254", "cp1255": "Windows-1255", "cp1256": "Windows-1256"}  # fmt: skip
SYSTEM_FOLDERS = (Path("/proc"), Path("/sys"), Path("/dev"))
OUTPUT_MANIFEST = ".normalize-manifest.json"  # pipeline.outputs.MANIFEST_NAME: what a run wrote in a folder
MANIFEST_BYTES = 256 << 20
FILE_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
              (stat.S_ISSOCK, "a socket"))  # fmt: skip


def collect_inputs(paths: Iterable[Path], *, out: Path | None = None) -> list[Path]:
    """Expand folders into the files a reader takes (``*.txt``, ``*.html``, ``*.warc.gz`` … and ``*.xml`` that
    are feeds; ``pipeline.readers``), recursively and sorted; keep files as given.

    Links to folders are searched only while they stay inside the folder given
    (a link loop ends the descent); a link to a folder outside it is returned
    as an input of its own, so the run reports it as a failed document instead
    of walking the file system. A folder that cannot be listed is returned the
    same way. A path named twice is kept once.

    A run's own files are never articles: in the output folder ``out`` (when an
    input folder holds it, or is it) only ``*.txt`` files are inputs, and in any
    folder the files listed in a run's manifest there (``.normalize-manifest.json``:
    pages and JSON of earlier runs) are left out.
    """
    found: list[Path] = []
    for path in paths:
        found.extend(sorted(_walk(path, out)) if path.is_dir() else [path])
    seen: set[str] = set()
    unique: list[Path] = []
    for path in found:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def input_root(path: Path, inputs: Iterable[Path]) -> Path | None:
    """The folder given on the command line that ``path`` was found in (None for a file given by itself)."""
    return next((root for root in inputs if root != path and path.is_relative_to(root)), None)


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


def _walk(folder: Path, out: Path | None = None) -> Iterator[Path]:
    """Input files under ``folder``, plus folders that could not be listed or that lead out of it."""
    from pipeline.readers import wanted

    visited: set[tuple[int, int]] = set()
    real_root = os.path.realpath(folder)
    real_out = os.path.realpath(out) if out is not None else None
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
        outputs = _outputs_listed(current, entries)
        in_out = real_out is not None and os.path.realpath(current) == real_out
        for entry in entries:
            if not _is_dir(entry):
                if entry.name in outputs or (in_out and not entry.name.endswith(SUFFIX)):
                    continue  # pages, JSON and exports this program wrote
                if wanted(Path(entry.path), inside=Path(os.path.realpath(entry.path)).is_relative_to(real_root)):
                    yield Path(entry.path)  # broken links included: they fail with their reason
            elif entry.is_symlink() and not Path(os.path.realpath(entry.path)).is_relative_to(real_root):
                yield Path(entry.path)  # a way out of the tree: reported, never walked
            else:
                stack.append(Path(entry.path))


def _outputs_listed(folder: Path, entries: Iterable[os.DirEntry[str]]) -> set[str]:
    """The names a run's manifest in ``folder`` lists (its pages and JSON), so they are not read back as articles."""
    if not any(e.name == OUTPUT_MANIFEST for e in entries):
        return set()
    try:
        data = json.loads(read_bytes(folder / OUTPUT_MANIFEST, MANIFEST_BYTES))
        return {str(name) for name in data["files"]} | {OUTPUT_MANIFEST}
    except (DocumentError, ValueError, KeyError, TypeError):
        return set()


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a link loop: not a folder we can enter
        return False


def read_document(
    path: Path,
    *,
    language: str,
    name: str | None = None,
    max_size: int = DEFAULT_MAX_SIZE,
    root: Path | None = None,
    follow_links: bool = False,
) -> Document:
    """Read one text file found in ``root`` (see ``check_link``); raise ``DocumentError`` with the reason when it
    cannot be used."""
    check_link(path, root, follow_links=follow_links)
    if path.is_dir():
        raise DocumentError("cannot list this folder; check its permissions")
    return text_document(path, read_bytes(path, max_size), language=language, name=name)


def read_documents(
    path: Path,
    *,
    language: str,
    name: str | None = None,
    max_size: int = DEFAULT_MAX_SIZE,
    root: Path | None = None,
    follow_links: bool = False,
    fields: Fields | None = None,
    item_name: Callable[[str], str] | None = None,
) -> Iterator[Document]:
    """Every document of one input, whatever its format (``pipeline.readers``), read lazily.

    The checks of ``read_document`` come first, for every format; a file that
    cannot be used raises ``DocumentError`` before anything is yielded. A
    source that holds several documents (a feed, a web archive, a JSON Lines
    or CSV export) yields one per item, each named ``item_name(key)`` (its id
    or URL); an item that cannot be used is yielded failed, with its line or
    record number, and the others still come. ``fields``: a
    ``pipeline.readers.Fields`` (record field names), None for the defaults.
    """
    from pipeline.readers import Fields, Source, reader_for

    check_link(path, root, follow_links=follow_links)
    if path.is_dir():
        raise DocumentError("cannot list this folder; check its permissions")
    stem = name or path.stem
    reader = reader_for(path)
    source = Source(path=path, name=stem, language=language, max_size=max_size, fields=fields or Fields())
    for doc in reader.read(source):
        if reader.CONTAINER:
            doc.name = item_name(doc.name) if item_name is not None else f"{stem}--{doc.name}"
        else:
            doc.name = stem
        yield doc


def text_document(path: Path, raw: bytes, *, language: str, name: str | None = None) -> Document:
    """The document of a text file's bytes ``raw``: decoded, its leading `` date `` line read as metadata."""
    text, warnings = decode(raw, language=language)
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


def parse_size(text: str) -> int:
    """``--max-size``: a number of bytes with an optional unit (``20MB``, ``500k``, ``1.5G``; powers of 1024)."""
    m = SIZE.fullmatch(text)
    if m is None or m.group("unit").lower() not in SIZE_UNITS:
        raise ConfigError(f"--max-size {text!r}: expected a size such as 20MB, 500kB or 1G")
    size = int(float(m.group("number")) * SIZE_UNITS[m.group("unit").lower()])
    if size < 1:
        raise ConfigError(f"--max-size {text!r}: the limit must be at least one byte")
    return size


def _refuse_special(info: os.stat_result) -> None:
    if stat.S_ISREG(info.st_mode):
        return
    kind = next((what for test, what in FILE_KINDS if test(info.st_mode)), "not a regular file")
    raise DocumentError(f"is {kind}, not a regular file; only plain text files are read, copy its text into a .txt file")


def size_text(size: int) -> str:
    """A size as the one-line reasons say it: ``20.0 MB``, ``1,024 bytes``."""
    return _mb(size)


def _too_big(size: int | None, limit: int) -> str:
    actual = f"is {_mb(size)}," if size is not None else "grew while read, or never ends:"
    return f"the file {actual} over the limit of {_mb(limit)} per document; split it, or raise the limit with --max-size"


def _mb(size: int) -> str:
    return f"{size / 1024**2:.1f} MB" if size >= 1024**2 else f"{size:,} bytes"


def decode(raw: bytes, *, language: str | None = None) -> tuple[str, list[str]]:
    """The text of ``raw`` and the warnings a reviewer should see; ``DocumentError`` for binary data.

    ``language`` (a code such as ``fr``) narrows the legacy encodings tried when the bytes are not UTF-8.
    """
    warnings: list[str] = []
    mark = next(((bom, enc) for bom, enc in BOMS if raw.startswith(bom)), None)
    encoding: str | None = None
    if mark is not None:
        raw, encoding = raw[len(mark[0]) :], mark[1]
        if encoding != "utf-8":
            warnings.append(f"read as {encoding.upper()} (byte-order mark); other tools may expect UTF-8")
    else:
        encoding = _utf16_without_bom(raw)
        if encoding is not None:
            warnings.append(f"read as {encoding.upper()} (no byte-order mark)")
    if encoding is None:
        _refuse_binary(raw)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            legacy = guess_legacy_encoding(raw, language)
            text = _lenient(raw, legacy, warnings)
            shown = ENCODING_NAMES.get(legacy, legacy.upper().replace("_", "-"))
            warnings.insert(
                0,
                f"not UTF-8 (first bad byte at offset {exc.start}): read as {shown}; check the accents, "
                f"or convert the file with `iconv -f {shown.upper()} -t UTF-8`",
            )
    else:
        text = _lenient(raw, encoding, warnings)
    text, notes = clean(text)
    return text, warnings + notes


def clean(text: str) -> tuple[str, list[str]]:
    """``text`` with control characters replaced by U+FFFD and accents composed (NFC), and a warning for each."""
    warnings: list[str] = []
    text, controls = CONTROL_CHARS.subn(REPLACEMENT, text)
    if controls:
        warnings.append(f"{controls} control character(s) such as NUL replaced by {REPLACEMENT}")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
        warnings.append("decomposed accents were composed (Unicode NFC); offsets refer to the composed text")
    return text, warnings


def guess_legacy_encoding(raw: bytes, language: str | None) -> str:
    """The 8-bit encoding ``raw`` (not UTF-8) most plausibly uses, for a document in ``language``.

    charset-normalizer ranks the language's own legacy encodings (so Russian is
    never read as Windows-1252, and KOI8-R is told from Windows-1251); for a
    language without a list it ranks them all. When nothing decodes cleanly the
    language's first encoding is used, each bad byte marked; with no language
    at all, Windows-1252. (Ranked among all encodings, short French text is
    often taken for Central European ones, hence the lists.)
    """
    if language is None:
        return FALLBACK_ENCODING
    candidates = LEGACY_ENCODINGS.get(language.split("-")[0].lower())
    if candidates is not None and len(candidates) == 1:
        return candidates[0]
    from charset_normalizer import from_bytes

    sample = raw[: 1 << 20]  # a megabyte is plenty to tell encodings apart, and keeps detection cheap
    best = from_bytes(sample, cp_isolation=list(candidates) if candidates else None).best()
    if best is not None and best.encoding not in ("utf_8", "ascii"):
        return str(best.encoding)
    return candidates[0] if candidates else FALLBACK_ENCODING


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
    half = len(raw) // 2  # an odd length (a file cut short) is judged on its whole pairs
    if half < 2:
        return None
    even, odd = raw[0 : 2 * half : 2].count(0), raw[1 : 2 * half : 2].count(0)
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
