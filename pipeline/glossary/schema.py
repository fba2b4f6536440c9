"""JSON Schema generated from dataclasses, so the glossary types and the schema cannot drift.

The dataclasses in ``load.py`` are the one source of truth. A field's type gives its
JSON type (``str``, ``bool``, ``int``; a tuple or list is an array; ``dict[str, V]`` an
object; a ``Literal`` or an ``Enum`` an enum; a nested dataclass an entry in ``$defs``),
``Annotated[T, Rule(...)]`` adds keywords such as a pattern or a minimum length, and the
field's metadata (``doc(...)``) gives the description editors show. A field without a
default is required; a field whose default is ``None`` may be left out but is never
``null`` in the file; a bool or non-empty string default is written as ``default``
(the validator fills it in, editors show it). ``NOT_IN_FILE`` marks fields the loader
sets itself, and ``written_as`` a field spelt differently in the file than in Python.

The file is committed because editors read it through the ``yaml-language-server``
line at the top of each glossary; after changing the dataclasses, refresh it with

    python -m pipeline.glossary.schema

(a test fails while it differs from what this module generates).
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Literal, Union

SCHEMA_FILE = Path(__file__).with_name("glossary.schema.json")
DRAFT = "https://json-schema.org/draft/2020-12/schema"
NOT_IN_FILE = {"in_file": False}  # field metadata: set by the loader (file, line), never written by hand
SCALARS: dict[Any, str] = {str: "string", bool: "boolean", int: "integer"}


class Rule:
    """JSON Schema keywords for an ``Annotated`` type: ``Annotated[str, Rule(minLength=1)]``."""

    def __init__(self, **keywords: Any) -> None:
        self.keywords = keywords

    def __repr__(self) -> str:
        return f"Rule({', '.join(f'{k}={v!r}' for k, v in self.keywords.items())})"


def doc(description: str, *, written_as: Any = None) -> dict[str, Any]:
    """Field metadata: the key's description and, when the file spells it differently, its type there."""
    return {"description": description} | ({"written_as": written_as} if written_as is not None else {})


def json_schema(root: type, *, schema_id: str, title: str) -> dict[str, Any]:
    """The schema of a file holding one ``root`` dataclass; nested dataclasses go in ``$defs`` by lowercased name."""
    defs: dict[str, dict[str, Any]] = {}
    body = _object(root, defs)
    return {"$schema": DRAFT, "$id": schema_id, "title": title, **body, "$defs": defs}


def render(schema: dict[str, Any]) -> str:
    """The schema as committed: indented, non-ASCII kept, one final newline."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _object(cls: type, defs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls, include_extras=True)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for f in dataclasses.fields(cls):
        if not f.metadata.get("in_file", True):
            continue
        written = f.metadata.get("written_as", hints[f.name])
        if f.default is None:  # an optional key: leaving it out is how the file says None
            written = _without_none(written, f"{cls.__name__}.{f.name}")
        prop = _type(written, defs)
        if "description" in f.metadata:
            prop["description"] = f.metadata["description"]
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            required.append(f.name)
        elif isinstance(f.default, bool) or (isinstance(f.default, str) and f.default):
            prop["default"] = f.default.value if isinstance(f.default, Enum) else f.default
        properties[f.name] = prop
    schema: dict[str, Any] = {"type": "object"}
    summary = (cls.__dict__.get("__doc__") or "").split("\n\n")[0]
    if summary:
        schema["description"] = " ".join(summary.split())
    return schema | {"additionalProperties": False, "required": required, "properties": properties}


def _type(tp: Any, defs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One type as a schema; a type with no JSON meaning is a ``TypeError`` naming it."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is Annotated:
        schema = _type(args[0], defs)
        for rule in tp.__metadata__:
            if isinstance(rule, Rule):
                schema |= rule.keywords
        return schema
    if tp in SCALARS:
        return {"type": SCALARS[tp]}
    if origin is Literal:
        return {"enum": list(args)}
    if isinstance(tp, type) and issubclass(tp, Enum):
        return {"enum": [member.value for member in tp]}
    if origin is list or (origin is tuple and len(args) == 2 and args[1] is Ellipsis):
        return {"type": "array", "items": _type(args[0], defs)}
    if origin is dict and args[0] is str:
        return {"type": "object", "additionalProperties": _type(args[1], defs)}
    if origin in (Union, types.UnionType):
        schema = _type(_without_none(tp, repr(tp)), defs)
        return schema | {"type": [schema["type"], "null"]}
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        name = tp.__name__.lower()
        if name not in defs:
            defs[name] = {}  # claimed before recursing, so a dataclass that contains itself terminates
            defs[name] = _object(tp, defs)
        return {"$ref": f"#/$defs/{name}"}
    raise TypeError(f"no JSON Schema for {tp!r}; use str, bool, int, a tuple, list, dict, Literal, Enum or dataclass")


def _without_none(tp: Any, where: str) -> Any:
    """``X | None`` -> ``X``; anything else with None in it is refused (one type per key keeps errors plain)."""
    rest = [a for a in typing.get_args(tp) if a is not type(None)]
    if typing.get_origin(tp) not in (Union, types.UnionType) or len(rest) != 1:
        raise TypeError(f"{where}: a field defaulting to None must be typed X | None, not {tp!r}")
    return rest[0]


def main() -> None:
    """Rewrite ``glossary.schema.json`` from the dataclasses in ``load.py``."""
    from pipeline.glossary.load import schema  # here, not at the top: load.py imports this module

    text = render(schema())
    unchanged = SCHEMA_FILE.exists() and SCHEMA_FILE.read_text(encoding="utf-8") == text
    if not unchanged:
        SCHEMA_FILE.write_text(text, encoding="utf-8")
    print(f"{SCHEMA_FILE}: {'unchanged' if unchanged else 'written'}")


if __name__ == "__main__":
    main()
