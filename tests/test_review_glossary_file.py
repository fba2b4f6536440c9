"""Glossary write-back from ``normalize review`` respects the file the user keeps (issue 33).

A link is followed (its target edited in place, the link kept), the mode is
kept and a read-only file refused, CRLF stays CRLF, the untouched keys of the
edited entry keep their hand wrapping, and a new entry goes after the last
one of its kind, not to the end of the file.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli.main import app
from pipeline.errors import ConfigError
from pipeline.glossary.load import load_glossary_file
from pipeline.review.glossary_edit import add_words, create_entry, entry_blocks, plan_words
from tests.conftest import FR_EN

runner = CliRunner()


def copy(tmp_path: Path) -> Path:
    path = tmp_path / "fr-en.yaml"
    shutil.copy(FR_EN, path)
    return path


def check(path: Path) -> None:
    result = runner.invoke(app, ["glossary", "check", str(path)])
    assert result.exit_code == 0, result.output


def outside(text: str, entry: str, path: Path) -> list[str]:
    start, end = entry_blocks(text, path)[entry]
    lines = text.splitlines(keepends=True)
    return lines[:start] + lines[end:]


def test_a_linked_glossary_is_edited_in_its_target_and_stays_a_link(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "project").mkdir()
    target = copy(tmp_path / "real")
    link = tmp_path / "project" / "fr-en.yaml"
    link.symlink_to(Path("..") / "real" / "fr-en.yaml")
    add_words(link, "hurras-al-din", "Tanzim Hurras")
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert "      - Tanzim Hurras\n" in target.read_text(encoding="utf-8")
    assert sorted(p.name for p in (tmp_path / "project").iterdir()) == ["fr-en.yaml"]  # no temporary left
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["fr-en.yaml"]
    check(link)


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664])
def test_the_files_mode_is_kept(tmp_path: Path, mode: int) -> None:
    path = copy(tmp_path)
    path.chmod(mode)
    add_words(path, "hurras-al-din", "Tanzim Hurras")
    create_entry(path, entry_id="guardians", standard="Hurras al-Din", words="Gardiens de la religion", kind="group")
    assert path.stat().st_mode & 0o7777 == mode


def test_a_read_only_file_is_refused_untouched(tmp_path: Path) -> None:
    path = copy(tmp_path)
    path.chmod(0o444)
    before = path.read_bytes()
    with pytest.raises(ConfigError, match="read-only"):
        add_words(path, "hurras-al-din", "Tanzim Hurras")
    assert path.read_bytes() == before and path.stat().st_mode & 0o7777 == 0o444
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fr-en.yaml"]


def test_a_file_changed_since_it_was_read_is_not_overwritten(tmp_path: Path) -> None:
    path = copy(tmp_path)
    planned = plan_words(path, "hurras-al-din", "Tanzim Hurras")
    path.write_text(path.read_text(encoding="utf-8") + "# a hand edit meanwhile\n", encoding="utf-8")
    changed = path.read_bytes()
    with pytest.raises(ConfigError, match="changed on disk"):
        planned.commit()
    assert path.read_bytes() == changed


def test_crlf_line_endings_are_kept(tmp_path: Path) -> None:
    path = copy(tmp_path)
    path.write_bytes(FR_EN.read_bytes().replace(b"\n", b"\r\n"))
    before = path.read_bytes().decode("utf-8")
    add_words(path, "hurras-al-din", "Tanzim Hurras")
    add_words(path, "militants", "nervi(s)")  # a flow list
    add_words(path, "hamas", "Hamas movement", field="renderings")
    create_entry(path, entry_id="guardians", standard="Hurras al-Din", words="Gardiens de la religion", kind="group")
    raw = path.read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n") and b"\r\r" not in raw
    after = path.read_bytes().decode("utf-8")
    for entry in ("islamic-state", "al-qaeda", "terrorist-designation"):
        assert entry_blocks(before, path)[entry] and re.search(rf"  - id: {entry}\r\n", after)
    assert "      - Tanzim Hurras\r\n" in after and "\r\n\r\n  - id: guardians\r\n" in after
    check(path)
    assert {e.id for e in load_glossary_file(path).entries} >= {"guardians", "militants"}


def test_untouched_keys_of_the_edited_entry_keep_their_wrapping(tmp_path: Path) -> None:
    path = copy(tmp_path)
    before = path.read_text(encoding="utf-8")
    start, end = entry_blocks(before, path)["militants"]
    block = before.splitlines(keepends=True)[start:end]
    wrapped = block[[i for i, line in enumerate(block) if line.lstrip().startswith("only_after:")][0] :]
    wrapped = wrapped[: next(i for i, line in enumerate(wrapped[1:], 1) if not line.startswith(" " * 17))]
    assert len(wrapped) > 2  # the hand-wrapped only_after of the real file
    add_words(path, "militants", "nervi(s)")
    add_words(path, "militants", "jihadists", field="renderings")
    after = path.read_text(encoding="utf-8")
    assert "".join(wrapped) in after  # byte for byte, not one long line
    assert outside(before, "militants", path) == outside(after, "militants", path)
    new_block = after.splitlines(keepends=True)[slice(*entry_blocks(after, path)["militants"])]
    assert "    variants: [terroriste(s), takfiriste(s), nervi(s)]\n" in new_block
    assert "    renderings: [terrorists, takfiristes, takfiriste, takfiris, takfirists, jihadists]\n" in new_block
    assert len(new_block) == len(block)  # no line was re-wrapped or added
    check(path)


def test_words_that_need_quotes_are_quoted_in_either_list_style(tmp_path: Path) -> None:
    path = copy(tmp_path)
    add_words(path, "militants", "les « combattants », dit-il")  # a comma inside a flow list
    add_words(path, "hurras-al-din", "Hurras: al-Din")  # a colon in a block list
    entry = next(e for e in load_glossary_file(path).entries if e.id == "militants")
    assert "les « combattants », dit-il" in entry.variants
    assert "Hurras: al-Din" in next(e for e in load_glossary_file(path).entries if e.id == "hurras-al-din").variants
    check(path)


def test_a_new_entry_goes_after_the_last_entry_of_its_kind(tmp_path: Path) -> None:
    path = copy(tmp_path)
    before = path.read_text(encoding="utf-8")
    kinds = [(e.id, str(e.kind)) for e in load_glossary_file(path).entries]
    last_group = [i for i, (_, kind) in enumerate(kinds) if kind == "group"][-1]
    assert last_group < len(kinds) - 1  # the real file ends with a label: the end would be the wrong section
    create_entry(path, entry_id="guardians", standard="Hurras al-Din", words="Gardiens de la religion", kind="group")
    ids = [e.id for e in load_glossary_file(path).entries]
    assert ids.index("guardians") == last_group + 1
    after = path.read_text(encoding="utf-8")
    assert (
        after.replace(after[after.index("  - id: guardians") : after.index(f"  - id: {kinds[last_group + 1][0]}")], "") == before
    )
    check(path)
