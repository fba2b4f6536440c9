"""Glossary files: validation errors name file and line; bad YAML is refused quickly."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.glossary.lint import lint
from pipeline.glossary.load import load_glossaries, load_glossary_file
from tests.conftest import FR_EN

HEAD = "source: fr\ntarget: en\nentries:\n"


def write(tmp_path: Path, text: str, name: str = "g.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HEAD + "  - id: a\n    standard: A\n    variants: [x\n", r"g.yaml:\d+:\d+: YAML syntax error"),
        (
            HEAD + "  - id: a\n    standrad: A\n    variants: [x]\n",
            r"g.yaml:4: entries.0: unknown key 'standrad' \(did you mean 'standard'\?\)",
        ),
        (HEAD + "  - id: a\n    standard: A\n    variants: x\n", r"g.yaml:6: entries.0.variants: must be array"),
        (HEAD + "  - id: a\n    standard: A\n    variants: []\n", r"g.yaml:6: entries.0.variants: must contain at least 1 items"),
        (
            HEAD + "  - id: a\n    standard: A\n    variants: ['']\n",
            r"g.yaml:6: entries.0.variants.0: must be longer than or equal to 1 characters",
        ),
        (
            HEAD + "  - id: a\n    standard: A\n    loaded: yes please\n    variants: [x]\n",
            r"g.yaml:6: entries.0.loaded: must be boolean",
        ),
        (
            HEAD + "  - {id: a, standard: A, variants: [x]}\n  - {id: a, standard: B, variants: [y]}\n",
            r"g.yaml:5: duplicate id 'a' \(first at .*g.yaml:4\)",
        ),
        (
            HEAD + "  - {id: a, standard: A, variants: [x]}\n  - {id: b, standard: B, variants: [X]}\n",
            r"variant 'X' of 'b' is already claimed by 'a'",
        ),
        (HEAD + "  - id: a\n    standard: A\n    standard: B\n    variants: [x]\n", r"g.yaml:6:5: key 'standard' appears twice"),
        ("- just a list\n", r"g.yaml:1: a glossary is a mapping"),
        (HEAD + "  - {id: Bad Id, standard: A, variants: [x]}\n", r"g.yaml:4: entries.0.id: must match pattern"),
    ],
)
def test_errors_name_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_glossary_file(write(tmp_path, text))


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 12):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    path = write(tmp_path, "source: fr\ntarget: en\n" + "\n".join(lines) + "\nentries: [*a11]\n")
    with pytest.raises(ConfigError, match="anchors and aliases"):  # refused while composing: never expanded
        load_glossary_file(path)


def test_fifty_thousand_entries_load(tmp_path: Path) -> None:
    body = "".join(f"  - {{id: e{i}, standard: Name {i}, variants: [variante{i}, autre forme {i}]}}\n" for i in range(50_000))
    glossary = load_glossary_file(write(tmp_path, HEAD + body))
    assert len(glossary.entries) == 50_000


def test_files_for_another_pair_are_refused(tmp_path: Path) -> None:
    other = write(tmp_path, "source: es\ntarget: en\nentries: []\n", "es.yaml")
    with pytest.raises(ConfigError, match="glossary is for es->en, the run is fr->en"):
        load_glossaries([FR_EN, other], source="fr", target="en")


def test_entries_keep_their_file_and_line() -> None:
    glossary = load_glossary_file(FR_EN)
    entry = glossary.entry("islamic-state")
    assert entry.file.endswith("fr-en.yaml") and entry.line > 1
    assert glossary.files[str(FR_EN)]


def test_shipped_glossaries_are_clean() -> None:
    for path in sorted(FR_EN.parent.glob("*.yaml")):
        assert lint(load_glossary_file(path)) == [], path


def test_lint_warns_about_fields_without_effect(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        HEAD
        + "  - {id: a, standard: A, plural: A, variants: [x]}\n"
        + "  - {id: b, standard: B, variants: ['x de {group}']}\n"
        + "  - {id: c, standard: C, loaded: true, variants: [z]}\n",
    )
    warnings = "\n".join(lint(load_glossary_file(path)))
    assert "plural is the same as standard" in warnings
    assert "the group's name is lost" in warnings
    assert "without renderings" in warnings
