"""Text edits of one entry of a glossary YAML file that leave every other byte as the user wrote it.

Only the edited key of the edited entry is touched: a word appended to a list
in the list's own style (a block list gets one more ``- item`` line, a flow
list one more item before its ``]``, its hand wrapping kept), a replaced key
written again in its own style (a flow list wrapped as wide as it was, a
folded ``>`` note folded again) at its own column. Every edit is parsed back
and must mean exactly the intended data; when it cannot be made safely the
caller falls back to ruamel.yaml's round-trip dumper for that entry.
"""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import FoldedScalarString

from pipeline.errors import ConfigError
from pipeline.glossary.lines import LineIndex, split_lines
from pipeline.glossary.load import Entry
from pipeline.glossary.yaml_file import Loader

ENTRY_LINE = re.compile(r"^(?P<indent> *)- ")
FLOW_LISTS = ("renderings", "only_after", "not_after", "not_before")  # lists of short words, written [a, b] when new
ORDER = tuple(f.name for f in dataclasses.fields(Entry))  # where a new key goes among an entry's keys


def entry_nodes(text: str, path: Path) -> list[yaml.MappingNode]:
    """The entries of a glossary's text as YAML nodes (their lines and keys), composed by libyaml: an edit reads the
    whole file, so this must be fast; only the edited entry is then loaded by ruamel.yaml, round trip."""
    try:
        root = yaml.compose(text, Loader=Loader)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: YAML syntax error: {exc}; fix it with `normalize glossary check`") from None
    entries = next((v for k, v in root.value if k.value == "entries"), None) if isinstance(root, yaml.MappingNode) else None
    if not isinstance(entries, yaml.SequenceNode):
        raise ConfigError(f"{path}: no entries list; see glossaries/README.md")
    return [node for node in entries.value if isinstance(node, yaml.MappingNode)]


def key_of(node: yaml.MappingNode, key: str) -> str:
    """An entry's scalar ``key`` as written ("None" without one, as ruamel.yaml's ``str(entry.get(key))``)."""
    return next((str(v.value) for k, v in node.value if k.value == key and isinstance(v, yaml.ScalarNode)), "None")


def entry_blocks(text: str, path: Path) -> dict[str, tuple[int, int]]:
    """Entry id -> (first line, end line) of its text; trailing blank and comment lines belong to what follows."""
    entries = entry_nodes(text, path)
    lines = split_lines(text)  # as ruamel.yaml numbers an entry's keys: NEL, LS, PS break no line (``glossary.lines``)
    index = LineIndex(text)
    starts = [index.of(e.start_mark) for e in entries]
    ids = [key_of(e, "id") for e in entries]
    bounds = [*starts[1:], end_of_entries(lines, starts[-1] if starts else 0)]
    out: dict[str, tuple[int, int]] = {}
    for entry_id, start, end in zip(ids, starts, bounds, strict=True):
        while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
            end -= 1
        out[entry_id] = (start, end)
    return out


def end_of_entries(lines: list[str], last: int) -> int:
    """The line after the last entry: the first later line indented no deeper than its dash, other than blank or comment."""
    column = indent_of(lines[last]) if last < len(lines) else 0  # the column of the entries' dashes
    for i in range(last + 1, len(lines)):
        stripped = lines[i].strip()
        if stripped and not stripped.startswith("#") and len(lines[i]) - len(lines[i].lstrip()) <= column:
            return i
    return len(lines)


def round_trip() -> YAML:
    yaml = YAML()  # round-trip: comments and styles kept
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line of the edited entry
    return yaml


def indent_of(line: str) -> int:
    match = ENTRY_LINE.match(line)
    return len(match.group("indent")) if match else 0


def load_block(lines: list[str], path: Path) -> CommentedMap:
    """One entry's lines (``  - id: ...``) parsed on their own, under an ``entries:`` key."""
    data = round_trip().load("entries:\n" + "".join(lines))
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list) or len(entries) != 1 or not isinstance(entries[0], CommentedMap):
        raise ConfigError(f"{path}: cannot find the entry's own lines; fix the file with `normalize glossary check`")
    return entries[0]


def dump_block(entry: CommentedMap, indent: int) -> str:
    """The entry as YAML lines, dash at column ``indent``, as it sits in the file."""
    yaml = round_trip()
    yaml.indent(mapping=2, sequence=indent + 2, offset=indent)
    out = io.StringIO()
    yaml.dump({"entries": [entry]}, out)
    text = out.getvalue()
    return text[text.index("\n") + 1 :]


def ending(text: str) -> str:
    """The file's line ending: CRLF when most of its lines end so, else LF."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


def newlines(text: str, newline: str) -> str:
    return text.replace("\n", newline) if newline != "\n" else text


def plain(value: Any) -> Any:
    """ruamel's round-trip data as plain dicts and lists, to compare what a text edit means."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def kinds(text: str, path: Path) -> dict[str, str]:
    return {key_of(e, "id"): key_of(e, "kind") for e in entry_nodes(text, path)}


def scalar(words: str, *, flow: bool) -> str:
    """``words`` as one YAML list item, quoted when it must be (in a flow list, commas and brackets must be)."""
    yaml = round_trip()
    yaml.default_flow_style = flow
    out = io.StringIO()
    yaml.dump(CommentedSeq([words]), out)
    text = out.getvalue().strip()
    return text[1:-1].strip() if flow else text[2:]


def key_lines(block: list[str], entry: CommentedMap, field: str) -> tuple[int, int, int] | None:
    """(first line, end line, column) of ``field``'s text in the entry's lines; comments after it are not its own."""
    keys = sorted((int(entry.lc.key(k)[0]) - 1, int(entry.lc.key(k)[1]), str(k)) for k in entry)  # lines of the block
    at = next((i for i, (_, _, k) in enumerate(keys) if k == field), None)
    if at is None:
        return None
    first, column, _ = keys[at]
    last = keys[at + 1][0] if at + 1 < len(keys) else len(block)
    while last > first + 1 and (not block[last - 1].strip() or block[last - 1].lstrip().startswith("#")):
        last -= 1
    return first, last, column


def key_column(block: list[str], entry: CommentedMap) -> int:
    """The column the entry's keys start at (after its dash)."""
    return max((int(entry.lc.key(k)[1]) for k in entry), default=4)


def insert_at(block: list[str], entry: CommentedMap, field: str) -> int:
    """The line a new ``field`` goes at: before the first key the format lists after it (a context rule before the
    note and the examples), else at the end of the entry."""
    later = ORDER[ORDER.index(field) + 1 :] if field in ORDER else ()
    lines = [int(entry.lc.key(k)[0]) - 1 for k in entry if str(k) in later]
    return min((n for n in lines if n > 0), default=len(block))


def meant(lines: list[str], path: Path, expected: dict[str, Any]) -> str | None:
    """The lines, if they parse back to exactly ``expected``; else None (the caller rewrites the entry instead)."""
    try:
        if plain(load_block(lines, path)) != expected:
            return None
    except (ConfigError, YAMLError):
        return None
    return "".join(lines)


def added(block: list[str], entry: CommentedMap, field: str, words: str, path: Path, expected: dict[str, Any]) -> str | None:
    """The entry's lines with ``words`` added to ``field`` by a text edit of that key alone, or None if not safely possible.

    Every other key keeps its text byte for byte (a hand-wrapped ``only_after`` stays wrapped).
    """
    newline = ending("".join(block))
    span = key_lines(block, entry, field)
    if span is not None:
        first, last, _ = span
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
            line = body[:close].rstrip() + separator + scalar(words, flow=True) + body[close:]
            width = max(len(old.rstrip()) for old in block[first:last])
            if last - first > 1 and len(line) > width:  # a wrapped list: the word starts a line of its own
                inner = " " * (len(block[first + 1]) - len(block[first + 1].lstrip()))
                more = [
                    body[:close].rstrip() + "," + newline,
                    inner + scalar(words, flow=True) + body[close:] + tail[len(body) :],
                ]
            else:
                more = [line + tail[len(body) :]]
            lines = [*block[: last - 1], *more, *block[last:]]
        else:
            items = [line for line in block[first + 1 : last] if line.lstrip().startswith("- ")]
            if not items:
                return None
            dash = len(items[0]) - len(items[0].lstrip())
            lines = [*block[:last], " " * dash + "- " + scalar(words, flow=False) + newline, *block[last:]]
    else:
        column = key_column(block, entry)
        offset = next((len(line) - len(line.lstrip()) - column for line in block[1:] if line.lstrip().startswith("- ")), 2)
        if not block or not block[-1].endswith(("\n", "\r")):
            return None
        if field in FLOW_LISTS:
            more = [" " * column + f"{field}: [{scalar(words, flow=True)}]" + newline]
        else:
            more = [
                " " * column + f"{field}:" + newline,
                " " * (column + max(offset, 0)) + "- " + scalar(words, flow=False) + newline,
            ]
        at = insert_at(block, entry, field)
        lines = [*block[:at], *more, *block[at:]]
    return meant(lines, path, expected)


def replaced(
    block: list[str], entry: CommentedMap, field: str, value: str | list[str] | None, path: Path, expected: dict[str, Any]
) -> str | None:
    """The entry's lines with ``field`` written anew as ``value`` (None: removed) in the style it had, or None if that
    cannot be done safely. Other keys keep their text byte for byte."""
    newline = ending("".join(block))
    span = key_lines(block, entry, field)
    if span is not None and span[0] == 0:
        return None  # the key shares the entry's dash line
    if span is None:
        if value is None:
            return "".join(block)
        if not block or not block[-1].endswith(("\n", "\r")):
            return None
        first = last = insert_at(block, entry, field)
        column, old = key_column(block, entry), []
    else:
        first, last, column = span
        old = block[first:last]
    text = "" if value is None else key_text(field, value, column, old, entry.get(field), newline)
    return meant([*block[:first], *split_lines(text), *block[last:]], path, expected)


def key_text(field: str, value: str | list[str], column: int, old: list[str], was: Any, newline: str) -> str:
    """``field: value`` at ``column``, in the style of its old lines: a folded scalar folded, a list in its own form,
    wrapped no wider than it was."""
    pad = " " * column
    width = max((len(line.rstrip()) for line in old), default=0)
    if isinstance(value, str):
        if isinstance(was, FoldedScalarString) and len(old) > 1:  # its header (">", ">-") kept: the same chomping
            inner = " " * (len(old[1]) - len(old[1].lstrip()))
            return (
                old[0].rstrip("\r\n") + newline + "".join(line + newline for line in wrap(value.split(), inner, max(width, 60)))
            )
        return f"{pad}{field}: {scalar(value, flow=False)}{newline}"
    if isinstance(was, CommentedSeq) and not was.fa.flow_style():
        dash = next((line[: len(line) - len(line.lstrip())] for line in old[1:] if line.lstrip().startswith("- ")), pad + "  ")
        return f"{pad}{field}:{newline}" + "".join(f"{dash}- {scalar(w, flow=False)}{newline}" for w in value)
    items = [scalar(w, flow=True) for w in value]
    head = f"{pad}{field}: ["
    if len(old) < 2:  # one line it was, one line it stays
        return head + ", ".join(items) + "]" + newline
    inner = " " * (len(old[1]) - len(old[1].lstrip()))
    lines = wrap([f"{w}," for w in items[:-1]] + [items[-1] + "]"], inner, width, first=head)
    return "".join(line + newline for line in lines)


def wrap(words: list[str], indent: str, width: int, *, first: str | None = None) -> list[str]:
    """``words`` joined by spaces into lines of at most ``width`` characters (a longer word alone on its line); the
    first line starts with ``first`` (else ``indent``), the others with ``indent``."""
    lines: list[str] = []
    line = first if first is not None else indent
    bare = True  # nothing but the line's start yet
    for word in words:
        if not bare and len(line) + 1 + len(word) > width:
            lines.append(line)
            line, bare = indent, True
        line += word if bare else " " + word
        bare = False
    lines.append(line)
    return lines
