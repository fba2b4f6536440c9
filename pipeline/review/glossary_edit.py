"""Glossary edits from the review page, written back to the YAML the user maintains.

The file is edited, not regenerated: only the edited key of the edited entry
is replaced (a word appended to its list, in the list's own style: a block
list gets one more ``- item`` line, a flow list one more item before its
``]``, its hand wrapping kept), and a new entry is inserted after the last
entry of its kind (its section of the file), so every other byte -- comments,
blank lines, the wrapping of long lists such as ``only_after``, CRLF line
endings -- stays as the user wrote it. Where that text edit cannot be made
safely, the key (or the entry) is rewritten by ruamel.yaml's round-trip dumper,
which keeps its comments and styles; either way the result is parsed back and
must hold exactly the intended data.

Before anything is saved, the new text is validated exactly like
``normalize glossary check`` (schema, duplicate ids, variants claimed twice,
the matcher's patterns) together with the run's other glossary files; an
invalid edit raises ``ConfigError`` and leaves the file untouched.

Saving respects the file: a symbolic link is followed and its target replaced
atomically in the target's own folder (the link stays a link), the target's
mode is kept, a read-only file (no write permission) is refused rather than
replaced, and a file changed on disk since it was read is not overwritten.
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
import tempfile
from collections.abc import Callable
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
from pipeline.outputs.write import TEMP_PREFIX, TEMP_SUFFIX

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


@dataclass(frozen=True)
class Planned:
    """An edit checked but not yet saved: ``commit()`` writes ``text`` to ``path`` (its target, if a link)."""

    edit: Edit
    text: str
    original: bytes  # the file as it was read: a file changed since is not overwritten

    @property
    def path(self) -> Path:
        return self.edit.path

    @property
    def commit(self) -> Callable[[], None]:
        return lambda: save_glossary(self.path, self.text, self.original)


def add_words(path: Path, entry_id: str, words: str, *, field: str = "variants", others: list[Path] | None = None) -> Edit:
    """Add ``words`` to ``field`` of entry ``entry_id`` in ``path``; raise ``ConfigError`` if the result is invalid."""
    planned = plan_words(path, entry_id, words, field=field, others=others)
    planned.commit()
    return planned.edit


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
    """Insert a new entry after the last one of its kind in ``path``; raise ``ConfigError`` if the result is invalid."""
    planned = plan_entry(path, entry_id=entry_id, standard=standard, words=words, kind=kind, loaded=loaded, others=others)
    planned.commit()
    return planned.edit


def plan_words(path: Path, entry_id: str, words: str, *, field: str = "variants", others: list[Path] | None = None) -> Planned:
    """The text of ``path`` with ``words`` added to ``field`` of ``entry_id``, validated; nothing is written."""
    words = _clean(words)
    if field not in FIELDS:
        raise ConfigError(f"can only add to {' or '.join(FIELDS)}, not {field!r}")
    original, text = _read(path)
    blocks = entry_blocks(text, path)
    if entry_id not in blocks:
        raise ConfigError(f"{path}: no entry {entry_id!r}; pick an entry of this file or create a new one")
    start, end = blocks[entry_id]
    lines = text.splitlines(keepends=True)
    entry = _load_block(lines[start:end], path)
    current = entry.get(field)
    if current is not None and not isinstance(current, list):
        raise ConfigError(f"{path}: {entry_id}.{field} is not a list; fix the file by hand")
    if current is not None and any(" ".join(str(w).casefold().split()) == words.casefold() for w in current):
        raise ConfigError(f"{path}: “{words}” is already in {entry_id}.{field}")
    expected = _plain(entry)
    expected[field] = [*expected.get(field, []), words]
    block = _added(lines[start:end], entry, field, words, path, expected)
    if block is None:  # the text edit could not be made safely: the entry rewritten by ruamel.yaml
        if current is None:
            entry[field] = CommentedSeq([words])
            if field == "renderings":
                entry[field].fa.set_flow_style()
        else:
            current.append(words)
        block = _newlines(_dump_block(entry, _indent(lines[start])), _ending(text))
    new = "".join(lines[:start]) + block + "".join(lines[end:])
    validate(path, new, others or [])
    return Planned(Edit(path, entry_id, words, created=False), new, original)


def plan_entry(
    path: Path,
    *,
    entry_id: str,
    standard: str,
    words: str,
    kind: str = "label",
    loaded: bool = False,
    others: list[Path] | None = None,
) -> Planned:
    """The text of ``path`` with a new entry after the last one of its kind (else the last one), validated; nothing written."""
    words, standard, entry_id = _clean(words), " ".join(standard.split()), entry_id.strip()
    if kind not in KINDS:
        raise ConfigError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    original, text = _read(path)
    blocks = entry_blocks(text, path)
    newline = _ending(text)
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    entry = CommentedMap()
    entry["id"] = entry_id
    entry["kind"] = kind
    entry["standard"] = standard
    if loaded:
        entry["loaded"] = True
    entry["variants"] = CommentedSeq([words])
    if blocks:
        kinds = _kinds(text)
        same = [block for other, block in blocks.items() if kinds.get(other) == kind] or list(blocks.values())
        indent = _indent(lines[max(start for start, _ in blocks.values())])
        end = max(end for _, end in same)
    else:
        indent, end = 2, len(lines)
    new = "".join(lines[:end]) + newline + _newlines(_dump_block(entry, indent), newline) + "".join(lines[end:])
    validate(path, new, others or [])
    return Planned(Edit(path, entry_id, words, created=True), new, original)


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


def _read(path: Path) -> tuple[bytes, str]:
    try:
        raw = path.read_bytes()
        return raw, raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read glossary {path}: {getattr(exc, 'strerror', None) or exc}") from exc


def _ending(text: str) -> str:
    """The file's line ending: CRLF when most of its lines end so, else LF."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


def _newlines(text: str, newline: str) -> str:
    return text.replace("\n", newline) if newline != "\n" else text


def _plain(value: Any) -> Any:
    """ruamel's round-trip data as plain dicts and lists, to compare what a text edit means."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _kinds(text: str) -> dict[str, str]:
    data = _yaml().load(text)
    return {str(e.get("id")): str(e.get("kind")) for e in data.get("entries", []) if isinstance(e, dict)}


def _scalar(words: str, *, flow: bool) -> str:
    """``words`` as one YAML list item, quoted when it must be (in a flow list, commas and brackets must be)."""
    yaml = _yaml()
    yaml.default_flow_style = flow
    out = io.StringIO()
    yaml.dump(CommentedSeq([words]), out)
    text = out.getvalue().strip()
    return text[1:-1].strip() if flow else text[2:]


def _added(block: list[str], entry: CommentedMap, field: str, words: str, path: Path, expected: dict[str, Any]) -> str | None:
    """The entry's lines with ``words`` added to ``field`` by a text edit of that key alone, or None if not safely possible.

    Every other key keeps its text byte for byte (a hand-wrapped ``only_after`` stays wrapped).
    """
    newline = _ending("".join(block))
    keys = sorted((int(entry.lc.key(k)[0]) - 1, int(entry.lc.key(k)[1]), str(k)) for k in entry)  # lines of the block
    if field in entry:
        at = next(i for i, (_, _, k) in enumerate(keys) if k == field)
        first, column, _ = keys[at]
        last = keys[at + 1][0] if at + 1 < len(keys) else len(block)
        while last > first + 1 and (not block[last - 1].strip() or block[last - 1].lstrip().startswith("#")):
            last -= 1  # comments after the list stay where they are
        if first == 0:
            return None  # the key shares the entry's dash line
        value = entry[field]
        if value.fa.flow_style():
            tail = block[last - 1]
            body = tail.rstrip("\r\n")
            close = body.rfind("]")
            if close < 0 or body[close + 1 :].strip() and not body[close + 1 :].lstrip().startswith("#"):
                return None
            separator = ", " if len(value) else ""
            lines = [
                *block[: last - 1],
                body[:close].rstrip() + separator + _scalar(words, flow=True) + body[close:] + tail[len(body) :],
                *block[last:],
            ]
        else:
            items = [line for line in block[first + 1 : last] if line.lstrip().startswith("- ")]
            if not items:
                return None
            dash = len(items[0]) - len(items[0].lstrip())
            lines = [*block[:last], " " * dash + "- " + _scalar(words, flow=False) + newline, *block[last:]]
    else:
        column = keys[-1][1] if keys else 4
        flow = field == "renderings"
        offset = next((len(line) - len(line.lstrip()) - column for line in block[1:] if line.lstrip().startswith("- ")), 2)
        if not block or not block[-1].endswith(("\n", "\r")):
            return None
        if flow:
            added = [" " * column + f"{field}: [{_scalar(words, flow=True)}]" + newline]
        else:
            added = [
                " " * column + f"{field}:" + newline,
                " " * (column + max(offset, 0)) + "- " + _scalar(words, flow=False) + newline,
            ]
        lines = [*block, *added]
    try:
        if _plain(_load_block(lines, path)) != expected:
            return None
    except (ConfigError, YAMLError):
        return None
    return "".join(lines)


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


def validate(path: Path, text: str, others: list[Path]) -> Glossary:
    """``text`` loaded as if it were ``path``: schema, ids, variants, matcher, and uniqueness across ``others``."""
    with tempfile.TemporaryDirectory(prefix="normalize-edit-") as tmp:
        candidate = Path(tmp) / path.name
        candidate.write_bytes(text.encode("utf-8"))
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
