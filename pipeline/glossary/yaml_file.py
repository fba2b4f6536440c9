"""A glossary file's YAML read safely: characters YAML refuses or that do not show, syntax, aliases and duplicate
keys refused, every position given as ``file:line:column`` as the author's editor counts lines (``lines``).

Kept apart from ``load`` (what the data means: schema, entries, patterns), which calls ``read_yaml`` first.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import ConfigError
from pipeline.glossary.lines import LineIndex

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 50,000 entries in seconds
# Characters YAML refuses (C0 controls but tab, LF and CR; DEL; C1 but NEL; surrogates; U+FFFE/FFFF).
NOT_YAML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
# Characters that do not show: bidi controls (a variant that reads backwards), zero-width ones and a BOM
# inside the text (a variant that looks right and never matches), the soft hyphen.
INVISIBLE = re.compile("[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def read_yaml(text: str, path: Path) -> tuple[yaml.Node | None, Any, LineIndex]:
    """(node tree for line numbers, data, the text's lines) of a glossary's text, its characters checked first."""
    lines = LineIndex(text)  # every line number as an editor counts them (NEL, LS, PS are no breaks)
    _check_characters(text, path, lines)
    node, data = _parse_yaml(text, path, lines)
    return node, data, lines


def _parse_yaml(text: str, path: Path, lines: LineIndex) -> tuple[yaml.Node | None, Any]:
    """YAML -> (node tree for line numbers, data). Aliases and duplicate keys are errors.

    Anchors and aliases have no use in a glossary and are how "billion laughs"
    bombs are built, so they are refused before anything is expanded.
    """
    loader = Loader(text)
    try:
        node = loader.get_single_node()  # composing shares aliased nodes: no expansion yet
        if node is not None:
            _check_structure(node, path, lines)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{lines.where(mark)}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{where}: YAML syntax error: {problem}") from exc
    finally:
        loader.dispose()
    return node, data


def _check_structure(root: yaml.Node, path: Path, lines: LineIndex) -> None:
    """Refuse aliases (a node reached twice) and duplicate keys, which PyYAML would silently keep."""
    stack = [root]
    visited: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in visited and isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            mark = node.start_mark
            raise ConfigError(
                f"{path}:{lines.where(mark)}: YAML anchors and aliases (&name, *name) are not allowed "
                "in glossaries; write the value out"
            )
        visited.add(id(node))
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key, value in node.value:
                if key.value in seen:
                    mark = key.start_mark
                    raise ConfigError(f"{path}:{lines.where(mark)}: key {key.value!r} appears twice in one mapping; keep one")
                seen.add(key.value)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _check_characters(text: str, path: Path, lines: LineIndex) -> None:
    """A NUL, another character YAML refuses, or an invisible one, named with its line and column."""
    bad = NOT_YAML.search(text) or INVISIBLE.search(text)
    if bad is None:
        return
    line, column = lines.line(bad.start()) + 1, lines.column(bad.start()) + 1
    name = {"\x00": "NUL"}.get(bad.group(), unicodedata.name(bad.group(), "a control character"))
    raise ConfigError(
        f"{path}:{line}:{column}: character U+{ord(bad.group()):04X} ({name}) is not allowed in a glossary; delete it"
    )
