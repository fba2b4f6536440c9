"""Context words and in-place entry edits from ``normalize review``, as text edits of the user's YAML (issue 33).

Only the edited keys change, each written again in its own style (a wrapped flow list wrapped as wide as it was,
a folded note folded under its own header); a new context rule goes before the note and the examples; what
``normalize glossary check`` refuses is refused before anything is written.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from pipeline.errors import ConfigError
from pipeline.glossary.load import load_glossary_file
from pipeline.review.glossary_edit import add_words, entry_blocks, plan_context, plan_fields
from tests.conftest import FR_EN
from tests.test_review_glossary_file import check, outside


@pytest.fixture
def path(tmp_path: Path) -> Path:
    copy = tmp_path / "fr-en.yaml"
    shutil.copy(FR_EN, copy)
    return copy


def block_of(text: str, entry: str, path: Path) -> list[str]:
    start, end = entry_blocks(text, path)[entry]
    return text.splitlines(keepends=True)[start:end]


def key_lines(block: list[str], key: str) -> list[str]:
    """The lines of one key of an entry: its own line and those indented deeper than it."""
    at = next(i for i, line in enumerate(block) if line.lstrip().startswith(f"{key}:"))
    column = len(block[at]) - len(block[at].lstrip())
    end = next((i for i in range(at + 1, len(block)) if len(block[i]) - len(block[i].lstrip()) <= column), len(block))
    return block[at:end]


def test_a_context_word_is_appended_to_a_wrapped_list_without_rewrapping_it(path: Path) -> None:
    before = path.read_text(encoding="utf-8")
    old = key_lines(block_of(before, "militants", path), "only_after")
    plan_context(path, "militants", "remarié", field="only_after").commit()
    after = path.read_text(encoding="utf-8")
    new = key_lines(block_of(after, "militants", path), "only_after")
    assert new[:-1] == [*old[:-1], old[-1].replace("]", ",")]  # every line kept, the word starts one of its own
    assert new[-1] == " " * 17 + "remarié]\n"
    assert outside(before, "militants", path) == outside(after, "militants", path)
    assert "remarié" in load_glossary_file(path).entry("militants").only_after
    check(path)


def test_a_new_context_rule_goes_before_the_note_and_keeps_the_rest_byte_for_byte(path: Path) -> None:
    before = path.read_text(encoding="utf-8")
    plan_context(path, "islamic-state", "contrôle", field="not_before").commit()
    after = path.read_text(encoding="utf-8")
    old, new = block_of(before, "islamic-state", path), block_of(after, "islamic-state", path)
    at = next(i for i, line in enumerate(new) if line.startswith("    not_before:"))
    assert new[at] == "    not_before: [contrôle]\n" and new[at + 1].startswith("    note:")
    assert new[:at] + new[at + 1 :] == old
    assert outside(before, "islamic-state", path) == outside(after, "islamic-state", path)
    check(path)


def test_editing_the_standard_note_and_a_context_list_rewrites_those_keys_in_their_own_style(path: Path) -> None:
    before = path.read_text(encoding="utf-8")
    old = block_of(before, "militants", path)
    current = load_glossary_file(path).entry("militants")
    words = [w for w in current.only_after if w != "sept"]
    note = "A label, not a description: " + "the adjective is left alone and flagged for review; " * 3
    planned = plan_fields(path, "militants", {"standard": "fighter", "note": note, "only_after": words})
    assert path.read_text(encoding="utf-8") == before  # planned, not written
    planned.commit()
    after = path.read_text(encoding="utf-8")
    new = block_of(after, "militants", path)
    edited = load_glossary_file(path).entry("militants")
    assert (edited.standard, edited.only_after) == ("fighter", tuple(words))
    assert edited.note == " ".join(note.split()) + "\n"  # folded again, with the same chomping as before
    lists = key_lines(new, "only_after")
    width = max(len(line.rstrip()) for line in key_lines(old, "only_after"))
    assert len(lists) > 2 and all(len(line.rstrip()) <= width for line in lists)
    assert all(line.startswith(" " * 17) for line in lists[1:])  # the hand-made continuation indent
    assert key_lines(new, "note")[0] == "    note: >\n" and len(key_lines(new, "note")) > 2
    untouched = ("variants", "renderings", "references", "examples", "plural", "loaded")
    assert all(key_lines(new, k) == key_lines(old, k) for k in untouched)
    assert outside(before, "militants", path) == outside(after, "militants", path)
    check(path)


def test_an_emptied_note_or_list_removes_the_key(path: Path) -> None:
    plan_context(path, "islamic-state", "contrôle", field="not_before").commit()
    plan_fields(path, "islamic-state", {"note": "", "not_before": []}).commit()
    text = "".join(block_of(path.read_text(encoding="utf-8"), "islamic-state", path))
    assert "note:" not in text and "not_before:" not in text
    assert load_glossary_file(path).entry("islamic-state").note == ""
    check(path)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda p: plan_context(p, "militants", "un autre", field="only_after"), "is not one word"),
        (lambda p: plan_context(p, "militants", "<number>", field="not_before"), "in only_after only"),
        (lambda p: plan_context(p, "militants", "les", field="only_after"), "already in militants.only_after"),
        (lambda p: plan_context(p, "militants", "autre", field="variants"), "a context word goes to"),
        (lambda p: plan_fields(p, "militants", {"standard": "  "}), "cannot be empty"),
        (lambda p: plan_fields(p, "militants", {"standard": "militant"}), "nothing to save"),
        (lambda p: plan_fields(p, "militants", {"variants": ["x"]}), "can edit standard, note"),
        (lambda p: plan_fields(p, "militants", {"not_after": ["autre", "Autre"]}), "twice in not_after"),
        (lambda p: plan_fields(p, "militants", {"standard": "{grup} fighter"}), "unknown slot {grup}"),
        (lambda p: plan_fields(p, "militants", {"note": "bidi \u202e trick"}), "U+202E"),
        (lambda p: add_words(p, "militants", "de"), "function words"),
        (lambda p: add_words(p, "militants", "a(s)"), "one-letter word"),
    ],
)
def test_what_glossary_check_refuses_is_refused_and_nothing_written(path: Path, edit: object, message: str) -> None:
    before = path.read_bytes()
    with pytest.raises(ConfigError, match=re.escape(message)):
        edit(path)  # type: ignore[operator]
    assert path.read_bytes() == before
