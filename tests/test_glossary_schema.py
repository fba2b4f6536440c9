"""The glossary JSON Schema is generated from the entry dataclasses: the committed copy matches, and it still refuses
bad files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pipeline.errors import ConfigError
from pipeline.glossary.load import load_glossary_file, schema
from pipeline.glossary.schema import SCHEMA_FILE, json_schema, render
from pipeline.model import Kind

HEAD = "source: fr\ntarget: en\nentries:\n"


def test_committed_schema_is_the_generated_one() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == render(schema()), (
        "glossary.schema.json differs from the dataclasses in load.py; run python -m pipeline.glossary.schema to refresh it"
    )


def keys(definition: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """Every property below ``definition`` (following $ref), by dotted name."""
    found = {}
    for name, prop in definition.get("properties", {}).items():
        found[name] = prop
        target = prop.get("items", prop)
        if "$ref" in target:
            found |= {f"{name}.{k}": v for k, v in keys(defs[target["$ref"].rsplit("/", 1)[1]], defs).items()}
    return found


def test_every_key_has_a_description_for_editors() -> None:
    generated = schema()
    properties = keys(generated, generated["$defs"])
    assert {"source", "entries.id", "entries.loaded_variants", "entries.examples.must_not"} <= set(properties)
    assert [name for name, prop in properties.items() if not prop.get("description")] == []


def test_enums_and_defaults_come_from_the_types() -> None:
    entry = schema()["$defs"]["entry"]["properties"]
    assert entry["kind"]["enum"] == [k.value for k in Kind] and entry["kind"]["default"] == "label"
    assert entry["article"] == entry["article"] | {"enum": ["keep", "the", "none"], "default": "keep"}
    assert "file" not in entry and "line" not in entry  # set by the loader, not written by hand


def test_defaults_are_filled_in(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text(HEAD + "  - {id: a, standard: A, variants: [x]}\n", encoding="utf-8")
    entry = load_glossary_file(path).entries[0]
    assert (entry.kind, entry.article, entry.loaded, entry.plural) == (Kind.LABEL, "keep", False, None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("source: french\ntarget: en\nentries: []\n", r"g.yaml:1: source: must match pattern"),
        ("source: fr\ntarget: en\n", r"g.yaml:1: top level: must contain \['entries'\] properties"),
        (HEAD + "  - {id: a, standard: A, variants: [x]}\nextra: 1\n", r"g.yaml:1: top level: unknown key 'extra'"),
        (HEAD + "  - {id: a, standard: A, kind: grup, variants: [x]}\n", r"g.yaml:4: entries.0.kind: must be one of \['group'"),
        (
            HEAD + "  - {id: a, standard: A, article: an, variants: [x]}\n",
            r"g.yaml:4: entries.0.article: must be one of \['keep'",
        ),
        (HEAD + "  - {id: a, standard: A, plural: null, variants: [x]}\n", r"g.yaml:4: entries.0.plural: must be string"),
        (
            HEAD + "  - {id: a, standard: A, variants: [x], loaded_variants: {x: ''}}\n",
            r"g.yaml:4: entries.0.loaded_variants.x: must be longer",
        ),
        (
            HEAD + "  - {id: a, standard: A, variants: [x], examples: [{source: s, mustnt: [y]}]}\n",
            r"g.yaml:4: entries.0.examples.0: unknown key 'mustnt' \(did you mean 'must_not'\?\)",
        ),
        (HEAD + "  - {id: a, standard: A, variants: [x], file: f.yaml}\n", r"g.yaml:4: entries.0: unknown key 'file'"),
    ],
)
def test_schema_refuses(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "g.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_glossary_file(path)


def test_a_loaded_variant_may_keep_the_speakers_word(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text(HEAD + "  - {id: a, standard: A, variants: [x, w], loaded_variants: {x: null, w: W}}\n", encoding="utf-8")
    assert load_glossary_file(path).entries[0].quoted_forms() == {"x": None, "w": "W"}


@dataclass
class Odd:
    """A type the generator has no JSON for."""

    ratio: float = field(default=0.5)


@dataclass
class Nullable:
    """An optional key that is not ``X | None``."""

    when: str | int | None = None


@pytest.mark.parametrize(("root", "message"), [(Odd, "no JSON Schema for <class 'float'>"), (Nullable, "Nullable.when")])
def test_generator_refuses_what_it_cannot_express(root: type, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        json_schema(root, schema_id="x", title="x")
