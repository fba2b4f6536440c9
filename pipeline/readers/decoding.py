"""Bytes -> text, for inputs that are untrusted: decoding never crashes and never loses a character silently.

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
- binary files (images, archives, PDFs) are refused with a one-line reason.

The text is kept as decoded, one character for one character, so every offset
later on slices the original: French typography such as non-breaking spaces,
« » and ’ survives untouched, and so do CRLF line endings.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from pipeline.errors import DocumentError

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
            warnings.insert(0, not_utf8(f"first bad byte at offset {exc.start}", legacy))
    else:
        text = _lenient(raw, encoding, warnings)
    text, notes = clean(text)
    return text, warnings + notes


def not_utf8(where: str, encoding: str) -> str:
    """The warning for bytes that are not UTF-8 and were read as the legacy ``encoding``; ``where``: which bytes."""
    shown = ENCODING_NAMES.get(encoding, encoding.upper().replace("_", "-"))
    return (
        f"not UTF-8 ({where}): read as {shown}; check the accents, or convert the file with `iconv -f {shown.upper()} -t UTF-8`"
    )


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
