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
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin, get_type_hints

import fastjsonschema
import yaml

from pipeline.errors import ConfigError
from pipeline.glossary.lines import LineIndex
from pipeline.glossary.schema import NOT_IN_FILE, Rule, doc, json_schema
from pipeline.glossary.yaml_file import read_yaml
from pipeline.lang import Language, get_language
from pipeline.model import Kind

OPTIONAL_PART = re.compile(r"\(([^()]*)\)")  # as the matcher reads ``(s)``
SLOT_PATTERN = re.compile(r"\{([^{}]*)\}")
SLOT_NAMES = frozenset({"group"})
MIN_LETTERS = 2  # a variant form shorter than this matches inside ordinary text everywhere
ID = "^[a-z0-9][a-z0-9-]*$"
LANGUAGE = "^[a-z]{2,3}$"
Word = Annotated[str, Rule(minLength=1)]  # a name or wording: never empty
Article = Literal["keep", "the", "none"]


# These dataclasses are also the glossary file's format: schema() is generated from their
# types and descriptions (see schema.py), and glossary.schema.json is that schema, committed.


@dataclass(frozen=True)
class Example:
    """A sentence that 'normalize glossary test' translates, with what its English must and must not contain."""

    source: Word = field(metadata=doc("A source-language sentence using one of the entry's variants."))
    must: tuple[Word, ...] = field(default=(), metadata=doc("Strings the English must contain (case-sensitive)."))
    must_not: tuple[Word, ...] = field(default=(), metadata=doc("Strings the English must not contain (case-sensitive)."))


@dataclass(frozen=True)
class Entry:
    """One standard name and the source wordings that map to it."""

    id: Annotated[str, Rule(pattern=ID)] = field(metadata=doc("Stable identifier, kebab-case."))
    standard: Word = field(metadata=doc("The neutral English name (singular)."))
    variants: Annotated[tuple[Word, ...], Rule(minItems=1)] = field(
        metadata=doc("Source-language forms. '(s)' marks an optional ending; '{group}' stands for any group entry.")
    )
    kind: Kind = field(
        default=Kind.LABEL,
        metadata=doc(
            "group: an organisation's name, usable as {group} in other entries' variants; "
            "members: people of a group; label: any other wording; name: a person or place (see fr-en.names.yaml)."
        ),
    )
    plural: Word | None = field(default=None, metadata=doc("Standard name used when the matched variant is plural."))
    plural_variants: tuple[Word, ...] = field(
        default=(),
        metadata=doc(
            "Source forms that are plural (for languages where '(s)' does not fit, e.g. Russian case forms); "
            "the standard's plural is used."
        ),
    )
    article: Article = field(
        default="keep",
        metadata=doc(
            "keep: leave the engine's article (the militant group); the: the name needs 'the' (the al-Nusra Front); "
            "none: drop any 'the' before it (Islamic State militants)."
        ),
    )
    loaded: bool = field(
        default=False,
        metadata=doc(
            "true for a pejorative label (kept inside quotations and flagged); "
            "false for a mere spelling variant (always standardised)."
        ),
    )
    loaded_variants: tuple[tuple[str, str | None], ...] = field(  # (variant, how it is written inside a quotation or None)
        default=(),
        metadata=doc(
            "Variants that are loaded although the entry is not (Daech for Islamic State), each with how it is "
            "written in English inside a quotation (Daesh), or null to keep the speaker's word as the engine "
            "renders it. Outside quotations they still become the standard name; inside one, the quoted form "
            "is used and a quoted-label finding recorded.",
            written_as=dict[str, Word | None],
        ),
    )
    flag_only: bool = field(
        default=False,
        metadata=doc("true: never replace; record a loaded-term finding for the reviewer (e.g. 'terrorisme')."),
    )
    renderings: tuple[Word, ...] = field(
        default=(),
        metadata=doc("What an engine may write for these words; loaded ones must not survive outside quotations."),
    )
    only_after: tuple[Word, ...] = field(
        default=(), metadata=doc("Apply only when the word right before the match is one of these.")
    )
    not_after: tuple[Word, ...] = field(
        default=(), metadata=doc("Do not apply when the word right before the match is one of these.")
    )
    not_before: tuple[Word, ...] = field(
        default=(), metadata=doc("Do not apply when the word right after the match is one of these.")
    )
    note: str = field(default="", metadata=doc("Why this name; shown to the reviewer next to every change."))
    references: tuple[Word, ...] = field(default=(), metadata=doc("Where the choice comes from (style guides, sources)."))
    examples: tuple[Example, ...] = field(
        default=(), metadata=doc("Sentences that test the entry, run by 'normalize glossary test'.")
    )
    file: str = field(default="", metadata=NOT_IN_FILE)
    line: int = field(default=0, metadata=NOT_IN_FILE)

    def name(self, *, plural: bool, group: str | None = None) -> str:
        """The standard name in the right number, with ``{group}`` filled in."""
        text = self.plural if plural and self.plural else self.standard
        return text.replace("{group}", group) if group is not None else text

    def quoted_forms(self) -> dict[str, str | None]:
        """Loaded variants -> their English spelling inside a quotation (None: kept verbatim and flagged)."""
        return dict(self.loaded_variants)


@dataclass
class Glossary:
    """One language pair's standard names for armed groups and the labels that get replaced by them.

    Loaded, it also holds the files it came from, each with its sha256.
    """

    source: Annotated[str, Rule(pattern=LANGUAGE)] = field(metadata=doc("ISO 639 code of the source language."))
    target: Annotated[str, Rule(pattern=LANGUAGE)] = field(metadata=doc("ISO 639 code of the target language."))
    entries: list[Entry] = field(metadata=doc("One entry per standard name."))
    description: str = field(default="", metadata=doc("What the file covers, for its editors."))
    files: dict[str, str] = field(default_factory=dict, metadata=NOT_IN_FILE)  # path -> sha256

    def renderings(self) -> dict[str, tuple[str, ...]]:
        """Entry id -> what engines are known to write for its variants."""
        return {e.id: e.renderings for e in self.entries}

    def entry(self, entry_id: str) -> Entry:
        for e in self.entries:
            if e.id == entry_id:
                return e
        raise KeyError(entry_id)


def schema() -> dict[str, Any]:
    """The JSON Schema of a glossary file, generated from the dataclasses above (glossary.schema.json is a copy).

    A new dict each call: ``fastjsonschema.compile`` rewrites the ``$ref``s of the one it is given.
    """
    return json_schema(Glossary, schema_id="normalize-glossary.schema.json", title="normalize glossary")


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
    node, data, lines = read_yaml(text, path)  # characters, syntax, structure; lines as an editor counts them
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: a glossary is a mapping with source, target and entries; see glossaries/README.md")
    try:
        validator()(data)
    except fastjsonschema.JsonSchemaValueException as error:
        where = [int(p) if p.isdigit() else p for p in error.path[1:]]
        raise ConfigError(f"{path}:{_line_of(node, where, lines)}: {_describe(error, where, data)}") from None
    entries = [
        _entry(item, file=str(path), line=_line_of(node, ["entries", i], lines)) for i, item in enumerate(data["entries"])
    ]
    glossary = Glossary(
        source=data["source"],
        target=data["target"],
        entries=entries,
        description=data.get("description", ""),
        files={str(path): hashlib.sha256(raw).hexdigest()},
    )
    _check_unique(glossary)
    language = get_language(glossary.source)
    for entry in glossary.entries:
        _check_patterns(entry, language)
    return glossary


def load_glossaries(paths: list[Path], *, source: str, target: str) -> Glossary:
    """Merge glossary files for one language pair; files for other pairs are an error."""
    merged = Glossary(source=source, target=target, entries=[])
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


def _check_patterns(entry: Entry, language: Language) -> None:
    """Refuse slots with unknown names and variants that can match an empty string or only function words."""
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
        if "{" not in variant and any(language.only_function_words(form) for form in _forms(variant)):
            if _letters_at_least(variant) < MIN_LETTERS:
                shortest = OPTIONAL_PART.sub("", variant).strip()
                what = f"the one-letter word {shortest!r}"
                raise ConfigError(f"{where}: variant {variant!r} of {entry.id!r} {_TOO_SHORT.format(what=what)}")
            raise ConfigError(
                f"{where}: variant {variant!r} of {entry.id!r} is only {language.name} function words, which every "
                "text has; write the label it belongs to (e.g. 'de Daech'), or use only_after to give it a context"
            )


def _forms(variant: str) -> tuple[str, str]:
    """A variant's shortest and longest forms: every optional part left out, every one kept."""
    return OPTIONAL_PART.sub("", variant), OPTIONAL_PART.sub(r"\1", variant)


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


# Lists of words in the file that Entry holds as tuples, read off its own types so a new one is not missed.
_WORD_TUPLES = frozenset(
    name for name, hint in get_type_hints(Entry).items() if get_origin(hint) is tuple and get_args(hint)[0] is str
)


def _entry(item: dict[str, Any], *, file: str, line: int) -> Entry:
    examples = tuple(
        Example(source=ex["source"], must=tuple(ex.get("must", ())), must_not=tuple(ex.get("must_not", ())))
        for ex in item.get("examples", ())
    )
    fields: dict[str, Any] = {k: (tuple(v) if k in _WORD_TUPLES else v) for k, v in item.items() if k != "examples"}
    if "loaded_variants" in fields:
        fields["loaded_variants"] = _loaded_variants(item, file=file, line=line)
    if "kind" in fields:  # the validator has checked it is one of Kind's values
        fields["kind"] = Kind(fields["kind"])
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


def _line_of(node: yaml.Node | None, path: list[Any], lines: LineIndex) -> int:
    """The 1-based line of the YAML node at ``path`` (or its nearest parent)."""
    line = lines.of(node.start_mark) + 1 if node is not None else 1
    for key in path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
        if node is None:
            break
        line = lines.of(node.start_mark) + 1
    return line
