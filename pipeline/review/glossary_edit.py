"""Glossary edits from the review page, planned as the new text of the YAML file the user maintains.

The file is edited, not regenerated (see ``yaml_text``): only the edited keys
of the edited entry change, and a new entry is inserted after the last entry
of its kind (its section of the file), so every other byte -- comments, blank
lines, the wrapping of long lists such as ``only_after``, CRLF line endings --
stays as the user wrote it. Where that text edit cannot be made safely, the
entry is rewritten by ruamel.yaml's round-trip dumper, which keeps its
comments and styles; either way the result is parsed back.

What can be planned: a selection added to an entry's variants or renderings,
a new entry, a context word (``only_after``, ``not_after``, ``not_before``)
added to an entry, and an entry's standard name, note and context rules
edited in place. Before anything is saved, the new text is validated exactly
like ``normalize glossary check`` (schema, invisible characters, duplicate
ids, variants claimed twice or too short, the matcher's patterns) together
with the run's other glossary files; an invalid edit raises ``ConfigError``.
A plan writes nothing: ``Planned.commit`` saves it (``glossary_save``).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import FoldedScalarString

from pipeline.errors import ConfigError
from pipeline.glossary.lines import split_lines
from pipeline.glossary.load import Glossary, load_glossaries, load_glossary_file, short_variants
from pipeline.glossary.matcher import NUMBER, Matcher
from pipeline.model import Kind
from pipeline.review.glossary_save import save_glossary
from pipeline.review.record import labelled
from pipeline.review.yaml_text import (
    FLOW_LISTS,
    added,
    dump_block,
    ending,
    entry_blocks,
    indent_of,
    kinds,
    load_block,
    newlines,
    plain,
    replaced,
)

__all__ = ["CONTEXT", "EDITABLE", "Edit", "Planned", "add_words", "create_entry", "entry_blocks", "plan_context", "plan_entry"]
__all__ += ["plan_fields", "plan_words", "validate"]

FIELDS = ("variants", "renderings")  # what a selection can be added to: source wordings, or what engines write
CONTEXT = ("only_after", "not_after", "not_before")  # one word right before / after a match
EDITABLE = ("standard", "note", *CONTEXT)  # what the page edits in place
KINDS = tuple(Kind)  # what an entry may name, as the glossary format defines it
CONTEXT_WORD = re.compile(r"[\w’'-]+")  # one word as the matcher compares it with its neighbours


@dataclass(frozen=True)
class Edit:
    """What was saved: the file, the entry and the words (or, for an entry edited in place, what changed)."""

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
    glossary: Glossary  # the glossary files it was checked with, ``text`` in place of the file, merged in their order
    files: tuple[Path, ...]  # those files

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
    lines = split_lines(text)
    entry = load_block(lines[start:end], path)
    current = entry.get(field)
    if current is not None and not isinstance(current, list):
        raise ConfigError(f"{path}: {entry_id}.{field} is not a list; fix the file by hand")
    if current is not None and any(" ".join(str(w).casefold().split()) == words.casefold() for w in current):
        raise ConfigError(f"{path}: “{words}” is already in {entry_id}.{field}")
    expected = plain(entry)
    expected[field] = [*expected.get(field, []), words]
    block = added(lines[start:end], entry, field, words, path, expected)
    if block is None:  # the text edit could not be made safely: the entry rewritten by ruamel.yaml
        if current is None:
            entry[field] = CommentedSeq([words])
            if field in FLOW_LISTS:
                entry[field].fa.set_flow_style()
        else:
            current.append(words)
        block = newlines(dump_block(entry, indent_of(lines[start])), ending(text))
    new = "".join(lines[:start]) + block + "".join(lines[end:])
    return _planned(Edit(path, entry_id, words, created=False), new, original, others or [])


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
    newline = ending(text)
    lines = split_lines(text)
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
        of_kind = kinds(text, path)
        same = [block for other, block in blocks.items() if of_kind.get(other) == kind] or list(blocks.values())
        indent = indent_of(lines[max(start for start, _ in blocks.values())])
        end = max(end for _, end in same)
    else:
        indent, end = 2, len(lines)
    new = "".join(lines[:end]) + newline + newlines(dump_block(entry, indent), newline) + "".join(lines[end:])
    return _planned(Edit(path, entry_id, words, created=True), new, original, others or [])


@dataclass(frozen=True)
class _Found:
    """One entry's place in a file as it was read."""

    original: bytes
    text: str
    lines: list[str]
    start: int
    end: int
    entry: CommentedMap


def _find(path: Path, entry_id: str) -> _Found:
    original, text = _read(path)
    blocks = entry_blocks(text, path)
    if entry_id not in blocks:
        raise ConfigError(f"{path}: no entry {entry_id!r}; pick an entry of this file or create a new one")
    start, end = blocks[entry_id]
    lines = split_lines(text)
    return _Found(original, text, lines, start, end, load_block(lines[start:end], path))


def plan_context(path: Path, entry_id: str, word: str, *, field: str, others: list[Path] | None = None) -> Planned:
    """The text of ``path`` with the context word ``word`` added to ``field`` of ``entry_id``, validated; nothing written.

    The way to keep a label from swallowing its neighbour: "un autre jihadiste" keeps "autre" once the entry
    applies only after the words listed, or never before the word given.
    """
    if field not in CONTEXT:
        raise ConfigError(f"a context word goes to {', '.join(CONTEXT)}, not {field!r}")
    found = _find(path, entry_id)
    current = [str(w) for w in found.entry.get(field) or []]
    word = _context_words([word], field)[0]
    if any(w.casefold() == word.casefold() for w in current):
        raise ConfigError(f"{path}: “{word}” is already in {entry_id}.{field}")
    return _plan_fields(path, entry_id, found, {field: [*current, word]}, others or [])


def plan_fields(path: Path, entry_id: str, values: Mapping[str, Any], *, others: list[Path] | None = None) -> Planned:
    """The text of ``path`` with the entry's ``standard``, ``note`` and context lists set to ``values`` (a field left
    out, or as it was, is not touched), validated; nothing is written."""
    unknown = sorted(set(values) - set(EDITABLE))
    if unknown:
        raise ConfigError(f"can edit {', '.join(EDITABLE)} of an entry, not {', '.join(unknown)}")
    return _plan_fields(path, entry_id, _find(path, entry_id), values, others or [])


def _plan_fields(path: Path, entry_id: str, found: _Found, values: Mapping[str, Any], others: list[Path]) -> Planned:
    entry = found.entry
    wanted = {field: _value(field, value) for field, value in values.items()}
    changed = {f: v for f, v in wanted.items() if v != _current(entry, f)}
    if not changed:
        raise ConfigError(f"nothing to save: {entry_id} already reads so")
    block: list[str] | None = found.lines[found.start : found.end]
    expected = plain(entry)
    for field, value in changed.items():
        assert block is not None
        here = load_block(block, path)
        was = here.get(field)
        if value is None:
            expected.pop(field, None)
        elif isinstance(value, str) and isinstance(was, FoldedScalarString) and str(was).endswith("\n"):
            expected[field] = value + "\n"  # folded again under its own header, with its chomping
        else:
            expected[field] = value
        text = _appended(block, here, field, value, path, expected) if isinstance(value, list) else None
        text = text or replaced(block, here, field, value, path, expected)
        block = split_lines(text) if text is not None else None
        if block is None:
            break
    if block is None:  # a text edit could not be made safely: the entry rewritten by ruamel.yaml
        for field, value in changed.items():
            if value is None:
                entry.pop(field, None)
            elif isinstance(value, list):
                entry[field] = CommentedSeq(value)
                entry[field].fa.set_flow_style()
            else:
                entry[field] = value
        block = split_lines(newlines(dump_block(entry, indent_of(found.lines[found.start])), ending(found.text)))
    new = "".join(found.lines[: found.start]) + "".join(block) + "".join(found.lines[found.end :])
    return _planned(Edit(path, entry_id, ", ".join(changed), created=False), new, found.original, others)


def _appended(
    block: list[str], entry: CommentedMap, field: str, value: list[str], path: Path, expected: dict[str, Any]
) -> str | None:
    """``field`` grown to ``value`` by appending its new words, when the old list is how ``value`` begins (its
    wrapping kept); else None."""
    current = [str(w) for w in entry.get(field) or []]
    if not current or value[: len(current)] != current or len(value) == len(current):
        return None
    lines = block
    for n in range(len(current), len(value)):
        step = {**expected, field: value[: n + 1]}
        text = added(lines, load_block(lines, path), field, value[n], path, step)
        if text is None:
            return None
        lines = split_lines(text)
    return "".join(lines)


def _current(entry: CommentedMap, field: str) -> str | list[str] | None:
    value = entry.get(field)
    if value is None:
        return None
    if isinstance(value, list):
        return [str(w) for w in value] or None
    return " ".join(str(value).split()) or None


def _value(field: str, value: Any) -> str | list[str] | None:
    """A field's value from the page, cleaned and checked: None removes the key (an empty note or list)."""
    if field in CONTEXT:
        if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
            raise ConfigError(f"{field} must be a list of words")
        return _context_words(value, field) or None
    if not isinstance(value, str):
        raise ConfigError(f"{field} must be text")
    text = " ".join(value.split())
    if field == "standard" and not text:
        raise ConfigError("the standard name cannot be empty")
    if len(text) > (200 if field == "standard" else 2000):
        raise ConfigError(f"the {field} is too long; keep it under {200 if field == 'standard' else 2000} characters")
    return text or None


def _context_words(words: list[str], field: str) -> list[str]:
    """Each word checked as the matcher reads context words: one word (``<number>``, in ``only_after`` only), once."""
    out: list[str] = []
    for raw in words:
        word = " ".join(raw.split())
        if not word:
            continue
        if word == NUMBER and field != "only_after":
            raise ConfigError(f"{NUMBER} stands for a number in only_after only, not in {field}")
        if word != NUMBER and not CONTEXT_WORD.fullmatch(word):
            raise ConfigError(
                f"“{word}” is not one word: {field} compares the single word right "
                f"{'after' if field == 'not_before' else 'before'} a match; select one word"
            )
        if any(w.casefold() == word.casefold() for w in out):
            raise ConfigError(f"“{word}” is twice in {field}; keep it once")
        out.append(word)
    if len(out) > 500:
        raise ConfigError(f"{field} has more than 500 words; edit the file by hand")
    return out


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


def _planned(edit: Edit, text: str, original: bytes, others: list[Path]) -> Planned:
    files = _in_order(edit.path, others)
    return Planned(edit, text, original, validate(edit.path, text, others), tuple(files))


def _in_order(path: Path, others: list[Path]) -> list[Path]:
    """The files an edit of ``path`` is checked with: ``others`` in their order (``path`` first if not among them)."""
    return others if any(p.resolve() == path.resolve() for p in others) else [path, *others]


def validate(path: Path, text: str, others: list[Path]) -> Glossary:
    """``text`` loaded as if it were ``path``, with ``glossary check``'s errors: schema, characters, ids, variants
    (claimed twice, too short, only function words), the matcher's patterns, and uniqueness across ``others``.

    Returns the files of ``others`` merged in their order with ``text`` as ``path`` (what a run would load)."""
    with tempfile.TemporaryDirectory(prefix="normalize-edit-") as tmp:
        candidate = Path(tmp) / path.name
        candidate.write_bytes(text.encode("utf-8"))
        try:
            glossary = load_glossary_file(candidate)
            too_short = short_variants(glossary)
            if too_short:
                raise ConfigError(too_short[0])
            files = [candidate if p.resolve() == path.resolve() else p for p in _in_order(path, others)]
            if len(files) > 1:  # the merged matcher refuses all the file's own would, and clashes between files
                glossary = load_glossaries(files, source=glossary.source, target=glossary.target)
            Matcher(glossary)
        except ConfigError as exc:
            raise ConfigError(str(exc).replace(str(candidate), str(path))) from None
    names = {str(candidate): str(path)}
    return labelled(glossary, names)


def edit_summary(edit: Edit) -> dict[str, Any]:
    return {"file": str(edit.path), "entry": edit.entry, "words": edit.words, "created": edit.created}
