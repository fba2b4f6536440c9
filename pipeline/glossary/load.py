"""Glossary files: YAML -> validated ``Glossary`` objects.

Glossaries are edited by hand, so every problem is reported as
``file:line: message`` and the run stops before translating anything. Beyond
the schema, variants are checked for what would make them match far too much:
a form with fewer than two letters (``(s)`` matches every "s") and a slot other
than ``{group}`` (a typo such as ``{grup}`` would otherwise be read as words).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import fastjsonschema
import yaml

from pipeline.errors import ConfigError

SCHEMA_FILE = "glossary.schema.json"
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 50,000 entries in seconds
# Characters YAML refuses (C0 controls but tab, LF and CR; DEL; C1 but NEL; surrogates; U+FFFE/FFFF).
NOT_YAML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
OPTIONAL_PART = re.compile(r"\(([^()]*)\)")  # as the matcher reads ``(s)``
SLOT_PATTERN = re.compile(r"\{([^{}]*)\}")
SLOT_NAMES = frozenset({"group"})
MIN_LETTERS = 2  # a variant form shorter than this matches inside ordinary text everywhere


@dataclass(frozen=True)
class Example:
    source: str
    must: tuple[str, ...] = ()
    must_not: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entry:
    """One standard name and the source wordings that map to it."""

    id: str
    standard: str
    variants: tuple[str, ...]
    kind: str = "label"
    plural: str | None = None
    plural_variants: tuple[str, ...] = ()
    article: str = "keep"
    loaded: bool = False
    loaded_variants: tuple[tuple[str, str | None], ...] = ()  # (variant, how it is written inside a quotation or None)
    flag_only: bool = False
    renderings: tuple[str, ...] = ()
    only_after: tuple[str, ...] = ()
    not_after: tuple[str, ...] = ()
    not_before: tuple[str, ...] = ()
    note: str = ""
    references: tuple[str, ...] = ()
    examples: tuple[Example, ...] = ()
    file: str = ""
    line: int = 0

    def name(self, *, plural: bool, group: str | None = None) -> str:
        """The standard name in the right number, with ``{group}`` filled in."""
        text = self.plural if plural and self.plural else self.standard
        return text.replace("{group}", group) if group is not None else text

    def quoted_forms(self) -> dict[str, str | None]:
        """Loaded variants -> their English spelling inside a quotation (None: kept verbatim and flagged)."""
        return dict(self.loaded_variants)


@dataclass
class Glossary:
    """All entries for one language pair, with the files (and hashes) they came from."""

    source: str
    target: str
    entries: list[Entry] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # path -> sha256

    def renderings(self) -> dict[str, tuple[str, ...]]:
        """Entry id -> what engines are known to write for its variants."""
        return {e.id: e.renderings for e in self.entries}

    def entry(self, entry_id: str) -> Entry:
        for e in self.entries:
            if e.id == entry_id:
                return e
        raise KeyError(entry_id)


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema shipped with the package (also referenced by the YAML files)."""
    text = resources.files("pipeline.glossary").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


@cache
def validator() -> Any:
    """The schema compiled to Python once: 50,000 entries validate in a fraction of a second."""
    return fastjsonschema.compile(schema())


def load_glossary_file(path: Path) -> Glossary:
    """Parse and validate one YAML glossary; raise ``ConfigError`` naming file and line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read glossary {path}: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: glossary is not UTF-8 (byte {exc.start}); save it as UTF-8") from exc
    _check_characters(text, path)
    node, data = _parse_yaml(text, path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: a glossary is a mapping with source, target and entries; see glossaries/README.md")
    try:
        validator()(data)
    except fastjsonschema.JsonSchemaValueException as error:
        where = [int(p) if p.isdigit() else p for p in error.path[1:]]
        raise ConfigError(f"{path}:{_line_of(node, where)}: {_describe(error, where, data)}") from None
    glossary = Glossary(source=data["source"], target=data["target"], files={str(path): hashlib.sha256(raw).hexdigest()})
    for index, item in enumerate(data["entries"]):
        line = _line_of(node, ["entries", index])
        glossary.entries.append(_entry(item, file=str(path), line=line))
    _check_unique(glossary)
    for entry in glossary.entries:
        _check_patterns(entry)
    return glossary


def load_glossaries(paths: list[Path], *, source: str, target: str) -> Glossary:
    """Merge glossary files for one language pair; files for other pairs are an error."""
    merged = Glossary(source=source, target=target)
    for path in paths:
        g = load_glossary_file(path)
        if (g.source, g.target) != (source, target):
            raise ConfigError(
                f"{path}: glossary is for {g.source}->{g.target}, the run is {source}->{target}; "
                f"pass a {source}-{target} glossary with --glossary"
            )
        merged.entries.extend(g.entries)
        merged.files.update(g.files)
    _check_unique(merged)
    return merged


def default_glossary_paths(folder: Path, source: str, target: str) -> list[Path]:
    """``glossaries/SRC-TGT.yaml`` plus any ``SRC-TGT.*.yaml`` extensions beside it."""
    return sorted(p for p in folder.glob(f"{source}-{target}*.yaml") if p.is_file())


def _parse_yaml(text: str, path: Path) -> tuple[yaml.Node | None, Any]:
    """YAML -> (node tree for line numbers, data). Aliases and duplicate keys are errors.

    Anchors and aliases have no use in a glossary and are how "billion laughs"
    bombs are built, so they are refused before anything is expanded.
    """
    loader = Loader(text)
    try:
        node = loader.get_single_node()  # composing shares aliased nodes: no expansion yet
        if node is not None:
            _check_structure(node, path)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{where}: YAML syntax error: {problem}") from exc
    finally:
        loader.dispose()
    return node, data


def _check_structure(root: yaml.Node, path: Path) -> None:
    """Refuse aliases (a node reached twice) and duplicate keys, which PyYAML would silently keep."""
    stack = [root]
    visited: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in visited and isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            mark = node.start_mark
            raise ConfigError(
                f"{path}:{mark.line + 1}:{mark.column + 1}: YAML anchors and aliases (&name, *name) are not allowed in glossaries; write the value out"
            )
        visited.add(id(node))
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                if key.value in seen:
                    mark = key.start_mark
                    raise ConfigError(f"{path}:{mark.line + 1}:{mark.column + 1}: key {key.value!r} appears twice in one mapping; keep one")
                seen.add(key.value)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _check_characters(text: str, path: Path) -> None:
    """A NUL or other character YAML refuses, named with its line and column (PyYAML gives neither, on two lines)."""
    bad = NOT_YAML.search(text)
    if bad is None:
        return
    line = text.count("\n", 0, bad.start()) + 1
    column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
    name = {"\x00": "NUL"}.get(bad.group(), unicodedata.name(bad.group(), "a control character"))
    raise ConfigError(
        f"{path}:{line}:{column}: character U+{ord(bad.group()):04X} ({name}) is not allowed in a glossary; delete it"
    )


def _check_patterns(entry: Entry) -> None:
    """Refuse slots with unknown names and variants that can match an empty string."""
    where = f"{entry.file}:{entry.line}"
    for text in (entry.standard, *((entry.plural,) if entry.plural else ())):
        for slot in SLOT_PATTERN.findall(text):
            if slot not in SLOT_NAMES:
                raise ConfigError(f"{where}: {entry.id!r}: unknown slot {{{slot}}} in {text!r}; the only slot is {{group}}")
    for variant in entry.variants + entry.plural_variants:
        for slot in SLOT_PATTERN.findall(variant):
            if slot not in SLOT_NAMES:
                raise ConfigError(
                    f"{where}: variant {variant!r} of {entry.id!r} has an unknown slot {{{slot}}}; the only slot is {{group}}"
                )
        if _letters_at_least(variant) == 0:
            raise ConfigError(f"{where}: variant {variant!r} of {entry.id!r} {_TOO_SHORT.format(what='an empty string')}")


_TOO_SHORT = "can match {what}, so it would change ordinary words; write the whole word, e.g. terroriste(s)"


def short_variants(glossary: Glossary) -> list[str]:
    """``glossary check``'s errors for variants with a form of fewer than ``MIN_LETTERS`` letters (``a(s)`` matches "a")."""
    problems = []
    for entry in glossary.entries:
        for variant in entry.variants + entry.plural_variants:
            letters = _letters_at_least(variant)
            if letters < MIN_LETTERS:
                shortest = OPTIONAL_PART.sub("", variant).strip()
                what = "an empty string" if letters == 0 else f"the one-letter word {shortest!r}"
                problems.append(f"{entry.file}:{entry.line}: variant {variant!r} of {entry.id!r} {_TOO_SHORT.format(what=what)}")
    return problems


def _letters_at_least(variant: str) -> int:
    """Letters and digits in the variant's shortest form (every optional part left out); a slot counts as a word."""
    shortest = OPTIONAL_PART.sub("", variant)
    return MIN_LETTERS if "{group}" in shortest else sum(ch.isalnum() for ch in shortest)


def _entry(item: dict[str, Any], *, file: str, line: int) -> Entry:
    examples = tuple(
        Example(source=ex["source"], must=tuple(ex.get("must", ())), must_not=tuple(ex.get("must_not", ())))
        for ex in item.get("examples", ())
    )
    tuples = ("variants", "plural_variants", "renderings", "only_after", "not_after", "not_before", "references")
    fields: dict[str, Any] = {k: (tuple(v) if k in tuples else v) for k, v in item.items() if k != "examples"}
    if "loaded_variants" in fields:
        fields["loaded_variants"] = _loaded_variants(item, file=file, line=line)
    return Entry(**fields, examples=examples, file=file, line=line)


def _loaded_variants(item: dict[str, Any], *, file: str, line: int) -> tuple[tuple[str, str | None], ...]:
    """``loaded_variants`` as (variant, quoted form) pairs; each must be one of the entry's variants."""
    own = {" ".join(v.casefold().split()) for v in [*item["variants"], *item.get("plural_variants", ())]}
    pairs = tuple(item["loaded_variants"].items())
    for variant, _ in pairs:
        if " ".join(variant.casefold().split()) not in own:
            raise ConfigError(
                f"{file}:{line}: loaded variant {variant!r} of {item['id']!r} is not one of its variants; "
                "add it to variants or fix the spelling"
            )
    return pairs


def _check_unique(glossary: Glossary) -> None:
    seen: dict[str, Entry] = {}
    claimed: dict[str, Entry] = {}
    for e in glossary.entries:
        if e.id in seen:
            first = seen[e.id]
            raise ConfigError(f"{e.file}:{e.line}: duplicate id {e.id!r} (first at {first.file}:{first.line}); rename one")
        seen[e.id] = e
        for variant in e.variants + e.plural_variants:
            key = " ".join(variant.casefold().split())
            other = claimed.get(key)
            if other is not None and other.id != e.id:
                raise ConfigError(
                    f"{e.file}:{e.line}: variant {variant!r} of {e.id!r} is already claimed by {other.id!r} "
                    f"({other.file}:{other.line}); keep it in one entry"
                )
            claimed[key] = e


def _describe(error: fastjsonschema.JsonSchemaValueException, where: list[Any], data: Any) -> str:
    """The validator's message in the glossary's terms, with a suggestion for a mistyped key."""
    place = ".".join(str(p) for p in where) or "top level"
    instance = data
    for key in where:
        instance = instance[key]
    allowed = list(error.definition.get("properties", {})) if isinstance(error.definition, dict) else []
    unknown = [k for k in instance if k not in allowed] if isinstance(instance, dict) and allowed else []
    if unknown:  # a typo shows up as an unknown key and often as a missing one: name both
        hints = []
        for key in unknown:
            near = difflib.get_close_matches(str(key), allowed, n=1)
            hints.append(f"unknown key {key!r}" + (f" (did you mean {near[0]!r}?)" if near else ""))
        return f"{place}: " + "; ".join(hints) + f"; valid keys: {', '.join(allowed)}"
    message = error.message.removeprefix("data").lstrip(".")
    message = re.sub(r"^[\w\[\]\.]*\s*must", "must", message)
    return f"{place}: {message}"


def _line_of(node: yaml.Node | None, path: list[Any]) -> int:
    """The 1-based line of the YAML node at ``path`` (or its nearest parent)."""
    line = node.start_mark.line + 1 if node is not None else 1
    for key in path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
        if node is None:
            break
        line = node.start_mark.line + 1
    return line
