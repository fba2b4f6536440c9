"""Glossary edits from the review page, written back to the YAML the user maintains.

The file is edited, not regenerated: only the text of the edited entry is
replaced (a new entry is inserted after the last one), so every other byte of
the file -- comments, blank lines, the wrapping of long lists -- stays as the
user wrote it. The entry itself is rewritten by ruamel.yaml's round-trip
dumper, which keeps the entry's own comments and styles.

Before anything is saved, the new text is validated exactly like
``normalize glossary check`` (schema, duplicate ids, variants claimed twice,
the matcher's patterns) together with the run's other glossary files; an
invalid edit raises ``ConfigError`` and leaves the file untouched.
"""

from __future__ import annotations

import io
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from pipeline.errors import ConfigError
from pipeline.glossary.load import Glossary, load_glossaries, load_glossary_file
from pipeline.glossary.matcher import Matcher
from pipeline.model import Kind
from pipeline.render.write import write_atomic

FIELDS = ("variants", "renderings")  # what a selection can be added to: source wordings, or what engines write
KINDS = tuple(Kind)  # what an entry may name, as the glossary format defines it
ENTRY_LINE = re.compile(r"^(?P<indent> *)- ")


@dataclass(frozen=True)
class Edit:
    """What was saved: the file, the entry and the words."""

    path: Path
    entry: str
    words: str
    created: bool


def add_words(path: Path, entry_id: str, words: str, *, field: str = "variants", others: list[Path] | None = None) -> Edit:
    """Add ``words`` to ``field`` of entry ``entry_id`` in ``path``; raise ``ConfigError`` if the result is invalid."""
    words = _clean(words)
    if field not in FIELDS:
        raise ConfigError(f"can only add to {' or '.join(FIELDS)}, not {field!r}")
    text = _read(path)
    blocks = entry_blocks(text, path)
    if entry_id not in blocks:
        raise ConfigError(f"{path}: no entry {entry_id!r}; pick an entry of this file or create a new one")
    start, end = blocks[entry_id]
    lines = text.splitlines(keepends=True)
    entry = _load_block(lines[start:end], path)
    current = entry.get(field)
    if current is None:
        entry[field] = CommentedSeq([words])
        if field == "renderings":
            entry[field].fa.set_flow_style()
    elif not isinstance(current, list):
        raise ConfigError(f"{path}: {entry_id}.{field} is not a list; fix the file by hand")
    elif any(" ".join(str(w).casefold().split()) == words.casefold() for w in current):
        raise ConfigError(f"{path}: “{words}” is already in {entry_id}.{field}")
    else:
        current.append(words)
    new = "".join(lines[:start]) + _dump_block(entry, _indent(lines[start])) + "".join(lines[end:])
    _save(path, new, others or [])
    return Edit(path, entry_id, words, created=False)


def create_entry(
    path: Path,
    *,
    entry_id: str,
    standard: str,
    words: str,
    kind: str = "label",
    loaded: bool = False,
    others: list[Path] | None = None,
) -> Edit:
    """Append a new entry after the last one in ``path``; raise ``ConfigError`` if the result is invalid."""
    words, standard, entry_id = _clean(words), " ".join(standard.split()), entry_id.strip()
    if kind not in KINDS:
        raise ConfigError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    text = _read(path)
    blocks = entry_blocks(text, path)
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    entry = CommentedMap()
    entry["id"] = entry_id
    entry["kind"] = kind
    entry["standard"] = standard
    if loaded:
        entry["loaded"] = True
    entry["variants"] = CommentedSeq([words])
    if blocks:
        indent = _indent(lines[max(start for start, _ in blocks.values())])
        end = max(end for _, end in blocks.values())
    else:
        indent, end = 2, len(lines)
    new = "".join(lines[:end]) + "\n" + _dump_block(entry, indent) + "".join(lines[end:])
    _save(path, new, others or [])
    return Edit(path, entry_id, words, created=True)


def entry_blocks(text: str, path: Path) -> dict[str, tuple[int, int]]:
    """Entry id -> (first line, end line) of its text; trailing blank and comment lines belong to what follows."""
    try:
        data = _yaml().load(text)
    except YAMLError as exc:
        raise ConfigError(f"{path}: YAML syntax error: {exc}; fix it with `normalize glossary check`") from None
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: no entries list; see glossaries/README.md")
    lines = text.splitlines(keepends=True)
    starts = [int(e.lc.line) for e in entries if isinstance(e, CommentedMap)]
    ids = [str(e.get("id")) for e in entries if isinstance(e, CommentedMap)]
    bounds = [*starts[1:], _end_of_entries(lines, starts[-1] if starts else 0)]
    out: dict[str, tuple[int, int]] = {}
    for entry_id, start, end in zip(ids, starts, bounds, strict=True):
        while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
            end -= 1
        out[entry_id] = (start, end)
    return out


def _end_of_entries(lines: list[str], last: int) -> int:
    """The line after the last entry: the first later line indented no deeper than its dash, other than blank or comment."""
    column = _indent(lines[last]) if last < len(lines) else 0  # the column of the entries' dashes
    for i in range(last + 1, len(lines)):
        stripped = lines[i].strip()
        if stripped and not stripped.startswith("#") and len(lines[i]) - len(lines[i].lstrip()) <= column:
            return i
    return len(lines)


def _yaml() -> YAML:
    yaml = YAML()  # round-trip: comments and styles kept
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line of the edited entry
    return yaml


def _indent(line: str) -> int:
    match = ENTRY_LINE.match(line)
    return len(match.group("indent")) if match else 0


def _load_block(lines: list[str], path: Path) -> CommentedMap:
    """One entry's lines (``  - id: ...``) parsed on their own, under an ``entries:`` key."""
    data = _yaml().load("entries:\n" + "".join(lines))
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list) or len(entries) != 1 or not isinstance(entries[0], CommentedMap):
        raise ConfigError(f"{path}: cannot find the entry's own lines; fix the file with `normalize glossary check`")
    return entries[0]


def _dump_block(entry: CommentedMap, indent: int) -> str:
    """The entry as YAML lines, dash at column ``indent``, as it sits in the file."""
    yaml = _yaml()
    yaml.indent(mapping=2, sequence=indent + 2, offset=indent)
    out = io.StringIO()
    yaml.dump({"entries": [entry]}, out)
    text = out.getvalue()
    return text[text.index("\n") + 1 :]


def _clean(words: str) -> str:
    text = " ".join(words.split())
    if not text:
        raise ConfigError("select some words first: the selection is empty")
    if len(text) > 200:
        raise ConfigError("the selection is longer than 200 characters; select the label only")
    return text


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read glossary {path}: {exc}") from exc


def _save(path: Path, text: str, others: list[Path]) -> None:
    """Validate ``text`` as ``path`` (like ``glossary check``, with the run's other files), then write it atomically."""
    validate(path, text, others)
    write_atomic(path, text)


def validate(path: Path, text: str, others: list[Path]) -> Glossary:
    """``text`` loaded as if it were ``path``: schema, ids, variants, matcher, and uniqueness across ``others``."""
    with tempfile.TemporaryDirectory(prefix="normalize-edit-") as tmp:
        candidate = Path(tmp) / path.name
        candidate.write_text(text, encoding="utf-8")
        try:
            glossary = load_glossary_file(candidate)
            Matcher(glossary)
            rest = [p for p in others if p.resolve() != path.resolve()]
            if rest:
                merged = load_glossaries([candidate, *rest], source=glossary.source, target=glossary.target)
                Matcher(merged)
        except ConfigError as exc:
            raise ConfigError(str(exc).replace(str(candidate), str(path))) from None
    return glossary


def edit_summary(edit: Edit) -> dict[str, Any]:
    return {"file": str(edit.path), "entry": edit.entry, "words": edit.words, "created": edit.created}
