"""Line numbers of a glossary whose text holds NEL (U+0085), LINE SEPARATOR (U+2028) or PARAGRAPH SEPARATOR (U+2029)
(issue 33): libyaml and ``str.splitlines`` break lines there, YAML 1.2, ruamel.yaml and the author's editor do not.
Every "file:line" (errors, the review page's provenance) and every cut of the file by the review's write-back
counts lines as the editor does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.glossary.lines import LineIndex, split_lines
from pipeline.glossary.load import load_glossary_file
from pipeline.review.glossary_edit import entry_blocks, plan_context, plan_fields, plan_words
from pipeline.run import RunOptions, run
from tests.conftest import ScriptedEngine

SEPARATORS = {"LS": "\u2028", "PS": "\u2029", "NEL": "\x85"}


def glossary(ch: str, tail: str = "") -> str:
    return (
        "source: fr\ntarget: en\nentries:\n"
        "  - id: militants\n    kind: members\n    standard: militant\n    plural: militants\n"
        f'    note: "A label, not a description.{ch}Pasted from a style guide.{ch}Third line."\n'
        "    variants: [terroriste(s), takfiriste(s)]\n"
        "    loaded: true\n\n"
        "  - id: islamic-state\n    kind: group\n    standard: Islamic State\n    variants:\n      - Daech\n      - EI\n"
        "    article: none\n" + tail
    )


def editor_line(text: str, needle: str) -> int:
    """The 1-based line of ``needle`` as an editor or ``grep -n`` shows it (LF breaks only)."""
    return text[: text.index(needle)].count("\n") + 1


@pytest.fixture(params=list(SEPARATORS), ids=list(SEPARATORS))
def separated(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "fr-en.yaml"
    path.write_text(glossary(SEPARATORS[request.param]), encoding="utf-8")
    return path, SEPARATORS[request.param]


def test_split_lines_breaks_at_lf_crlf_and_cr_only() -> None:
    text = "a\u2028b\x85c\u2029d\ve\r\nf\rg\nh"
    assert split_lines(text) == ["a\u2028b\x85c\u2029d\ve\r\n", "f\r", "g\n", "h"]
    assert "".join(split_lines(text)) == text and len(text.splitlines()) == 8
    index = LineIndex(text)
    assert [index.line(text.index(c)) for c in "aefgh"] == [0, 0, 1, 2, 3] and index.column(text.index("e")) == 8


def test_entry_lines_are_the_editors_lines(separated: tuple[Path, str]) -> None:
    path, ch = separated
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) > text.count("\n")  # str.splitlines would count more lines
    entries = {e.id: e.line for e in load_glossary_file(path).entries}
    assert entries == {
        "militants": editor_line(text, "- id: militants"),
        "islamic-state": editor_line(text, "- id: islamic-state"),
    }
    if ch != "\x85":  # YAML 1.1 folds a NEL inside quotes into a space; LS and PS stay as written
        assert ch in load_glossary_file(path).entry("militants").note


@pytest.mark.parametrize(
    ("tail", "needle", "message"),
    [
        ("    article: keep\n", "    article: keep", "key 'article' appears twice"),
        ("  - id: Bad Id\n    standard: x\n    variants: [mot]\n", "  - id: Bad Id", "must match pattern"),
        ("  - id: zw\n    standard: x\n    variants: [mo\u200bt]\n", "mo\u200bt", "U+200B"),
    ],
    ids=["yaml-structure", "schema", "character"],
)
def test_error_lines_are_the_editors_lines(tmp_path: Path, tail: str, needle: str, message: str) -> None:
    path = tmp_path / "fr-en.yaml"
    text = glossary("\u2028", tail)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)) as refused:
        load_glossary_file(path)
    assert f"{path}:{editor_line(text, needle)}:" in str(refused.value), str(refused.value)


def test_write_back_cuts_the_file_where_the_editor_does(separated: tuple[Path, str]) -> None:
    path, ch = separated
    before = path.read_text(encoding="utf-8")
    blocks = entry_blocks(before, path)
    lines = split_lines(before)
    assert lines[blocks["islamic-state"][0]] == "  - id: islamic-state\n"
    assert "".join(lines[slice(*blocks["militants"])]).endswith("    loaded: true\n")
    # the entry holding the separators: its keys after the note are found where they are
    plan_fields(path, "militants", {"standard": "fighter"}).commit()
    plan_context(path, "militants", "autres", field="not_after").commit()
    plan_words(path, "militants", "nervi(s)").commit()
    # and the entry after it
    plan_fields(path, "islamic-state", {"standard": "Islamic State group"}).commit()
    after = path.read_text(encoding="utf-8")
    expected = (
        before.replace("    standard: militant\n", "    standard: fighter\n")
        .replace("    variants: [terroriste(s), takfiriste(s)]\n", "    variants: [terroriste(s), takfiriste(s), nervi(s)]\n")
        .replace('    note: "', '    not_after: [autres]\n    note: "')  # a context rule goes before the note
        .replace("    standard: Islamic State\n", "    standard: Islamic State group\n")
    )
    assert after == expected, after  # a text edit of those keys alone: the note, separators included, byte for byte
    assert after.count(ch) == 2
    edited = load_glossary_file(path)
    assert edited.entry("militants").standard == "fighter" and edited.entry("islamic-state").line == editor_line(
        after, "- id: islamic-state"
    )


def test_the_review_page_gives_the_entrys_line_as_the_editor_shows_it(tmp_path: Path) -> None:
    path = tmp_path / "fr-en.yaml"
    text = glossary("\u2028")
    path.write_text(text, encoding="utf-8")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "one.txt").write_text("Les terroristes de Daech ont fui.\n", encoding="utf-8")
    options = RunOptions(inputs=[folder], out=tmp_path / "out", glossary=load_glossary_file(path), quiet=True)
    run(options, engine=ScriptedEngine())
    page = (tmp_path / "out" / "one.html").read_text(encoding="utf-8")
    for entry in ("militants", "islamic-state"):
        assert f"<code>{path}:{editor_line(text, f'- id: {entry}')}</code>" in page, entry
