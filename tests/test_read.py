"""Stage 1, read: decoding untrusted bytes, and finding the inputs in folders."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from pipeline.errors import ConfigError, DocumentError
from pipeline.readers import sizes
from pipeline.readers.files import collect_inputs, read_document

FRENCH = "L’État islamique, « Daech », a été chassé de Raqqa. Les combattants se sont repliés à l’est.\n"


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "text", "warning"),
    [
        pytest.param(FRENCH.encode("utf-8"), FRENCH, None, id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + FRENCH.encode("utf-8"), FRENCH, None, id="utf-8 with BOM"),
        pytest.param(
            codecs.BOM_UTF16_LE + FRENCH.encode("utf-16-le"),
            FRENCH,
            "read as UTF-16-LE (byte-order mark)",
            id="utf-16-le with BOM",
        ),
        pytest.param(
            codecs.BOM_UTF16_BE + FRENCH.encode("utf-16-be"),
            FRENCH,
            "read as UTF-16-BE (byte-order mark)",
            id="utf-16-be with BOM",
        ),
        pytest.param(
            codecs.BOM_UTF32_LE + FRENCH.encode("utf-32-le"),
            FRENCH,
            "read as UTF-32-LE (byte-order mark)",
            id="utf-32-le with BOM",
        ),
        pytest.param(FRENCH.encode("utf-16-le"), FRENCH, "UTF-16-LE (no byte-order mark)", id="utf-16 without BOM"),
        pytest.param(
            "Le régime a dénoncé l’« État islamique ».".encode("cp1252"),
            "Le régime a dénoncé l’« État islamique ».",
            "not UTF-8 (first bad byte at offset 4): read as Windows-1252",
            id="windows-1252",
        ),
        pytest.param(FRENCH.replace("\n", "\r\n").encode(), FRENCH.replace("\n", "\r\n"), None, id="CRLF kept"),
        pytest.param(b"Daech\x00 a attaque.", "Daech\ufffd a attaque.", "1 control character(s)", id="NUL byte"),
        pytest.param("Le pre\u0301fet.".encode(), "Le préfet.", "composed (Unicode NFC)", id="decomposed accents"),
        pytest.param(
            codecs.BOM_UTF16_LE + "Daech".encode("utf-16-le") + b"\x00\xd8",
            "Daech\ufffd",
            "1 byte sequence(s) are not valid UTF-16-LE",
            id="broken utf-16",
        ),
        pytest.param(
            FRENCH.encode("utf-16-le") + b"\x00",
            FRENCH + "\ufffd",
            "1 byte sequence(s) are not valid UTF-16-LE",
            id="odd-length utf-16 without BOM",
        ),
    ],
)
def test_decoding(tmp_path: Path, data: bytes, text: str, warning: str | None) -> None:
    doc = read_document(write(tmp_path, "in.txt", data), language="fr")
    assert doc.text == text
    if warning is None:
        assert doc.warnings == []
    else:
        assert any(warning in w for w in doc.warnings), doc.warnings


RUSSIAN = "Боевики покинули город после трёх недель боёв."
JAPANESE = "イスラム国の戦闘員は三週間の戦闘の後、町を去った。"


@pytest.mark.parametrize(
    ("language", "text", "encoding", "shown"),
    [
        ("ru", RUSSIAN, "cp1251", "Windows-1251"),
        ("ru", RUSSIAN, "koi8_r", "KOI8-R"),
        ("ru", RUSSIAN, "cp866", "CP866"),
        ("ja", JAPANESE, "cp932", "CP932"),
        ("ja", JAPANESE, "euc_jp", "EUC-JP"),
    ],
)
def test_legacy_encodings_are_told_apart(tmp_path: Path, language: str, text: str, encoding: str, shown: str) -> None:
    """Not UTF-8: charset-normalizer picks among the language's encodings (it was always Windows-1252)."""
    doc = read_document(write(tmp_path, "in.txt", text.encode(encoding)), language=language)
    assert doc.text == text
    assert doc.warnings[0].endswith(
        f"read as {shown}; check the accents, or convert the file with `iconv -f {shown.upper()} -t UTF-8`"
    )


def test_windows_1252_keeps_every_character(tmp_path: Path) -> None:
    """Every cp1252 letter comes back, and the undefined bytes are marked, never dropped."""
    data = "Œuvre « été » — 25 € à l’Élysée".encode("cp1252") + b" \x81"
    doc = read_document(write(tmp_path, "in.txt", data), language="fr")
    assert doc.text == "Œuvre « été » — 25 € à l’Élysée \ufffd"
    assert any("1 byte sequence(s) are not valid CP1252" in w for w in doc.warnings)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(b"", "is empty, with no text", id="empty"),
        pytest.param(" \n\t\r\n\u00a0\u202f ".encode(), "only white space", id="whitespace"),
        pytest.param(b" date 2018-10 \n\n", "only a date line", id="date only"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "looks like a PNG image, not text", id="png"),
        pytest.param(b"\xff\xd8\xff\xe0" + bytes(200), "looks like a JPEG image", id="jpeg"),
        pytest.param(b"%PDF-1.7\n" + bytes(range(256)), "looks like a PDF document", id="pdf"),
        pytest.param(b"PK\x03\x04" + bytes(100), "looks like a ZIP archive", id="zip"),
        pytest.param(bytes(range(256)) * 8, "looks like binary data", id="random binary"),
    ],
)
def test_refused(tmp_path: Path, data: bytes, reason: str) -> None:
    path = write(tmp_path, "bad.txt", data)
    with pytest.raises(DocumentError, match=reason) as err:
        read_document(path, language="fr")
    message = str(err.value)
    assert "\n" not in message
    assert "remove it" in message  # every reason says what to do


def test_metadata_and_offsets(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "in.txt", b" date 2018-10 Texte."), language="fr")
    assert doc.metadata == {"date": "2018-10"}
    assert doc.text[doc.body_start :] == "Texte."


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Root reads anything, so the permission error is raised the way the OS would."""
    path = write(tmp_path, "secret.txt", b"Texte.")
    path.chmod(0)

    def refuse(path: object, flags: int) -> int:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(DocumentError, match=r"^cannot read: Permission denied; check the path and its permissions$"):
        read_document(path, language="fr")


def test_collect_nested_sorted_and_only_txt(tmp_path: Path) -> None:
    for name in ("b.txt", "a/z.txt", "a/b/c.txt", "a/notes.md", "c.TXT.bak"):
        write(tmp_path, name, b"x")
    assert [p.relative_to(tmp_path).as_posix() for p in collect_inputs([tmp_path])] == ["a/b/c.txt", "a/z.txt", "b.txt"]


def test_collect_survives_symlink_loops(tmp_path: Path) -> None:
    write(tmp_path, "docs/one.txt", b"x")
    (tmp_path / "docs" / "back").symlink_to(tmp_path)  # a folder loop
    (tmp_path / "docs" / "self.txt").symlink_to(tmp_path / "docs" / "self.txt")  # a file loop
    (tmp_path / "docs" / "gone.txt").symlink_to(tmp_path / "nowhere.txt")  # a broken link
    found = collect_inputs([tmp_path])
    names = sorted(p.name for p in found)
    assert names == ["gone.txt", "one.txt", "self.txt"]
    for path in found:
        if path.name != "one.txt":
            with pytest.raises(DocumentError, match="cannot read"):
                read_document(path, language="fr")


def test_collect_follows_a_linked_folder_once(tmp_path: Path) -> None:
    write(tmp_path, "real/one.txt", b"x")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert [p.name for p in collect_inputs([tmp_path])] == ["one.txt"]


def test_collect_reports_unlistable_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "ok/one.txt", b"x")
    locked = tmp_path / "locked"
    locked.mkdir()
    scandir = os.scandir

    def refuse(path: str | os.PathLike[str]) -> object:
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refuse)
    found = collect_inputs([tmp_path])
    assert found == [locked, tmp_path / "ok" / "one.txt"]
    with pytest.raises(DocumentError, match="^cannot list this folder; check its permissions$"):
        read_document(locked, language="fr")


def test_collect_keeps_a_file_named_twice_once(tmp_path: Path) -> None:
    path = write(tmp_path, "one.txt", b"x")
    assert collect_inputs([path, tmp_path, path]) == [path]


def test_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    """A FIFO named f.txt used to block the run forever waiting for a writer."""
    fifo = tmp_path / "f.txt"
    os.mkfifo(fifo)
    with pytest.raises(DocumentError, match=r"^is a named pipe \(FIFO\), not a regular file; only plain text files are read"):
        read_document(fifo, language="fr")


def test_link_to_a_device_is_refused(tmp_path: Path) -> None:
    """A symbolic link to /dev/zero used to grow memory without bound."""
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    with pytest.raises(DocumentError, match=r"^is a device, not a regular file"):
        read_document(link, language="fr")


def test_link_to_a_regular_file_is_read(tmp_path: Path) -> None:
    target = write(tmp_path, "real.txt", FRENCH.encode())
    (tmp_path / "link.txt").symlink_to(target)
    assert read_document(tmp_path / "link.txt", language="fr").text == FRENCH


def test_size_limit(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", FRENCH.encode() * 10)
    size = path.stat().st_size
    assert read_document(path, language="fr", max_size=size).text == FRENCH * 10
    with pytest.raises(DocumentError) as err:
        read_document(path, language="fr", max_size=size - 1)
    assert str(err.value) == (
        f"the file is {size:,} bytes, over the limit of {size - 1:,} bytes per document; "
        "split it, or raise the limit with --max-size"
    )


def test_default_size_limit_is_twenty_mebibytes(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.truncate(sizes.DEFAULT_MAX_SIZE + 1)  # sparse: costs no disk
    with pytest.raises(DocumentError, match=r"^the file is 20.0 MB, over the limit of 20.0 MB per document"):
        read_document(path, language="fr")


def test_file_growing_past_the_limit_while_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The size on disk said yes, the read said more: refused after reading limit + 1 bytes, not the rest."""
    path = write(tmp_path, "grows.txt", FRENCH.encode())
    real_fstat = os.fstat

    def small(fd: int) -> os.stat_result:
        info = real_fstat(fd)
        return os.stat_result((info.st_mode, *info[1:6], 10, *info[7:]))

    monkeypatch.setattr(os, "fstat", small)
    with pytest.raises(DocumentError, match="grew while read, or never ends: over the limit of 20 bytes"):
        read_document(path, language="fr", max_size=20)


@pytest.mark.parametrize(
    ("text", "size"),
    [("20MB", 20 * 1024**2), ("500k", 500 * 1024), ("1.5G", int(1.5 * 1024**3)), ("1000", 1000), (" 2 mib ", 2 * 1024**2)],
)
def test_parse_size(text: str, size: int) -> None:
    assert sizes.parse_size(text) == size


@pytest.mark.parametrize("text", ["", "lots", "20 parsecs", "0", "-5MB"])
def test_parse_size_refuses(text: str) -> None:
    with pytest.raises(ConfigError, match="--max-size"):
        sizes.parse_size(text)
