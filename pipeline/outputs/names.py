"""Output names: one per document, unique by construction, safe on every file system."""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path

# The run's own files in the output folder.
MANIFEST_NAME = ".normalize-manifest.json"
REPORT_NAME = "report.json"
INDEX_NAME = "index.html"
RESERVED_STEMS = ("index", "report", "review")  # the run's own files: index.html, index.N.html, report.json, review.json
RESERVED_PREFIX = ".normalize"  # the manifest, the lock and temporary files
HASH_LENGTHS = (8, 16, 64)
MAX_STEM_BYTES = 160  # + "-" and a 64-hex hash + ".part001" + ".xliff"-style suffix < 255, the usual file-name limit


def output_names(paths: Sequence[Path]) -> list[str]:
    """One output stem per input, unique by construction (the final set is checked, not only the stems).

    A stem seen twice, or taken by the run's own files, gets a short hash of its
    path; while two names still coincide (a file may literally be named
    ``same-<hash>``), the names involved get longer hashes.
    """
    printable = [_printable(_stem(p)) for p in paths]
    stems = [_fit(s) for s in printable]
    seen = Counter(stems)
    # A stem cut to fit, seen twice, or taken by the run's own files gets a hash of its path.
    level = [0 if seen[s] == 1 and not _reserved(s) and s == full else 1 for s, full in zip(stems, printable, strict=True)]
    while True:
        names = [_named(stem, path, lv) for stem, path, lv in zip(stems, paths, level, strict=True)]
        counts = Counter(n.casefold() for n in names)  # case-insensitive file systems too
        clashing = [i for i, n in enumerate(names) if counts[n.casefold()] > 1]
        if not clashing:
            return names
        if all(level[i] == len(HASH_LENGTHS) for i in clashing):  # same path twice: number them
            return _numbered(names)
        for i in clashing:
            level[i] = min(level[i] + 1, len(HASH_LENGTHS))


class TakenNames(Collection[str]):
    """A run's output names, case-folded, for ``ItemNames`` to avoid: the set is made at the first look-up.

    Only a source of many documents (a feed, an archive, an export) looks, so a run of 12,000 text files
    never makes it (~1.2 MB of strings and table).
    """

    def __init__(self, names: Sequence[str]) -> None:
        self._names = names
        self._folded: set[str] | None = None

    def _set(self) -> set[str]:
        if self._folded is None:
            self._folded = {n.casefold() for n in self._names}
        return self._folded

    def __contains__(self, name: object) -> bool:
        return name in self._set()

    def __iter__(self) -> Iterator[str]:
        return iter(self._set())

    def __len__(self) -> int:
        return len(self._set())


class ItemNames:
    """Output names for the documents inside one source (a feed, a web archive, an export): ``SOURCE--SLUG``.

    The slug comes from the item's id or URL (its last path segment), else its
    title: lower-case words joined by single hyphens, so it never holds ``--``
    nor starts with a hyphen, and two sources' item names cannot coincide
    (the source names are unique). An item whose name an earlier item of the
    source, or another input of the run (``taken``, case-folded), already has
    gets a hash of the source's path and its position. A long source name is
    cut and hashed, a long slug cut, so every name stays under 255 bytes with
    its part number and suffix.
    """

    SOURCE_BYTES = 100
    SLUG_BYTES = 80

    def __init__(self, source: str, path: Path, taken: Collection[str] = ()) -> None:
        self.path = path
        self.source = source
        if len(source.encode("utf-8", "surrogateescape")) > self.SOURCE_BYTES:
            self.source = f"{_fit(source, self.SOURCE_BYTES - 17)}-{_short_hash(path, 16)}"
        self.taken = taken
        self.used: set[str] = set()
        self.count = 0

    def __call__(self, key: str) -> str:
        self.count += 1
        name = f"{self.source}--{item_slug(key, self.SLUG_BYTES) or str(self.count)}"
        level = 0
        while name.casefold() in self.used or name.casefold() in self.taken or _reserved(name):
            level += 1
            tag = hashlib.sha256(os.fsencode(self.path) + f"\0{self.count}\0{level}".encode()).hexdigest()[:8]
            name = f"{self.source}--{item_slug(key, self.SLUG_BYTES) or str(self.count)}-{tag}"
        self.used.add(name.casefold())
        return name


def item_slug(key: str, limit: int = 80) -> str:
    """``key`` (an id, a URL or a title) as lower-case words joined by hyphens, at most ``limit`` bytes."""
    text = key.strip()
    if re.match(r"[a-z][a-z0-9+.-]*://", text, re.IGNORECASE):
        without = re.sub(r"[?#].*", "", text.split("://", 1)[1]).rstrip("/")
        host, _, rest = without.partition("/")
        last = rest.rsplit("/", 1)[-1] if rest else host
        text = re.sub(r"\.(?:s?html?|php|aspx?|jsp)$", "", last, flags=re.IGNORECASE) or host
    slug = "-".join(w for w in re.split(r"[\W_]+", _printable(text).casefold()) if w)
    return _fit(slug, limit).rstrip("-")


def _stem(path: Path) -> str:
    """The name of ``path`` without its suffix; a web archive's whole ``.warc.gz`` goes (``crawl.warc.gz`` -> ``crawl``)."""
    name = path.name
    return name[: -len(".warc.gz")] if name.lower().endswith(".warc.gz") and len(name) > len(".warc.gz") else path.stem


def part_name(name: str, part: int) -> str:
    """The output stem of one part of a document too large to handle whole."""
    return f"{name}.part{part:03d}"


def _fit(stem: str, limit: int = MAX_STEM_BYTES) -> str:
    """``stem`` cut to ``limit`` bytes of UTF-8, so stem, hash, part number and suffix stay under 255 bytes."""
    data = stem.encode("utf-8", "surrogateescape")
    if len(data) <= limit:
        return stem
    return data[:limit].decode("utf-8", "ignore")


def _named(stem: str, path: Path, level: int) -> str:
    return stem if level == 0 else f"{stem}-{_short_hash(path, HASH_LENGTHS[level - 1])}"


def _numbered(names: list[str]) -> list[str]:
    seen: Counter[str] = Counter()
    out = []
    for n in names:
        seen[n] += 1
        out.append(n if seen[n] == 1 else f"{n}-{seen[n]}")
    return out


def _reserved(stem: str) -> bool:
    low = stem.casefold()
    return low.startswith(RESERVED_PREFIX) or any(low == r or low.startswith(r + ".") for r in RESERVED_STEMS)


def _short_hash(path: Path, length: int) -> str:
    return hashlib.sha256(os.fsencode(path)).hexdigest()[:length]


def _printable(stem: str) -> str:
    """A file name that is not valid UTF-8 gets U+FFFD for its bad bytes, so pages can name and link it."""
    return os.fsencode(stem).decode("utf-8", errors="replace")
