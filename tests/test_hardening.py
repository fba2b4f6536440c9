"""Hostile file-system shapes: nothing outside --out is ever written, nothing outside the inputs is ever published.

An output folder may be shared (``/shared/out``, ``/tmp/out``), so anyone who can
write it can plant links, hard links, FIFOs and folders at the names the tool
writes; an input folder may hold links to anything. Each case below failed on
the code before pipeline/outputs/write.py and the input link rules.
"""

from __future__ import annotations

import hashlib
import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pipeline.cli.main import app
from pipeline.errors import ConfigError
from pipeline.glossary.load import Glossary, load_glossary_file
from pipeline.outputs.lock import LOCK_NAME, OutputLock
from pipeline.outputs.names import MANIFEST_NAME, output_names
from pipeline.outputs.write import write_atomic
from pipeline.run import RunOptions, RunResult, run
from tests.conftest import ScriptedEngine

pytestmark = pytest.mark.usefixtures("echo_engine")


TEXT = " date 2018-10 Les djihadistes de Daech ont attaqué la ville.\n\nLe ministre a parlé.\n"
SECRET = "TOP-SECRET-SENTINEL"
runner = CliRunner()


def victim_tree(root: Path) -> Path:
    """Files outside every folder the run is given, which must never change nor be published."""
    tree = root / "victim"
    (tree / "sub").mkdir(parents=True)
    (tree / "data.txt").write_text(f"IMPORTANT DATA {SECRET}\n", encoding="utf-8")
    (tree / "sub" / "page.html").write_text(f"<p>{SECRET}</p>\n", encoding="utf-8")
    (tree / "report.json").write_text('{"mine": true}\n', encoding="utf-8")
    return tree


def listing(tree: Path) -> dict[str, str]:
    """Every file's checksum and mode under ``tree`` (its link count may change: a planted hard link is replaced)."""
    out = {}
    for path in sorted(tree.rglob("*")):
        info = path.lstat()
        content = hashlib.sha256(path.read_bytes()).hexdigest() if stat.S_ISREG(info.st_mode) else ""
        out[str(path.relative_to(tree))] = f"{stat.filemode(info.st_mode)} {content}"
    return out


def inputs(root: Path) -> Path:
    folder = root / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    return folder


def opts(folder: Path, out: Path, glossary: Glossary, **kw: object) -> RunOptions:
    return RunOptions(inputs=[folder], out=out, glossary=glossary, engine="echo", cache=False, quiet=True, **kw)  # type: ignore[arg-type]


def run_once(folder: Path, out: Path, glossary: Glossary, **kw: object) -> RunResult:
    return run(opts(folder, out, glossary, **kw), engine=ScriptedEngine())


def published(out: Path, planted: set[tuple[int, int]] | frozenset[tuple[int, int]] = frozenset()) -> str:
    """Everything the run wrote, as one text (what a reader of the folder can see); files someone planted in the
    folder that the run left alone (``planted``: their device and inode) are theirs, not published by the run."""
    files = [p for p in sorted(out.iterdir()) if p.is_file() and not p.is_symlink()]
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in files if _identity(p) not in planted)


def _identity(path: Path) -> tuple[int, int]:
    info = path.lstat()
    return info.st_dev, info.st_ino


# ---- the output folder ---------------------------------------------------------------------------------------------


def test_a_symlinked_lock_file_is_refused_and_its_target_untouched(tmp_path: Path, fr_en: Glossary) -> None:
    victim = victim_tree(tmp_path)
    before = listing(victim)
    out = tmp_path / "out"
    out.mkdir()
    (out / LOCK_NAME).symlink_to(victim / "data.txt")
    with pytest.raises(ConfigError, match="symbolic link.*remove it"):
        run_once(inputs(tmp_path), out, fr_en)
    assert listing(victim) == before


def test_a_hard_linked_lock_file_is_refused_and_its_target_untouched(tmp_path: Path) -> None:
    victim = victim_tree(tmp_path)
    before = listing(victim)
    out = tmp_path / "out"
    out.mkdir()
    os.link(victim / "data.txt", out / LOCK_NAME)
    with pytest.raises(ConfigError, match="hard links"):
        OutputLock(out).acquire()
    assert listing(victim) == before


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_a_lock_name_that_is_not_a_file_is_refused_without_blocking(tmp_path: Path, kind: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    if kind == "folder":
        (out / LOCK_NAME).mkdir()
    else:
        os.mkfifo(out / LOCK_NAME)
    with pytest.raises(ConfigError, match="not a regular file"):
        OutputLock(out).acquire()


def test_the_command_line_says_why_in_one_line(tmp_path: Path) -> None:
    victim = victim_tree(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / LOCK_NAME).symlink_to(victim / "data.txt")
    result = runner.invoke(app, ["run", str(inputs(tmp_path)), "--out", str(out), "--engine", "echo", "--no-cache", "-q"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "symbolic link" in result.stderr
    assert (victim / "data.txt").read_text(encoding="utf-8").startswith("IMPORTANT DATA")


@pytest.mark.parametrize("name", ["a.html", "a.json", "report.json", "index.html", MANIFEST_NAME])
def test_links_planted_at_output_names_are_replaced_never_followed(tmp_path: Path, fr_en: Glossary, name: str) -> None:
    victim = victim_tree(tmp_path)
    before = listing(victim)
    folder, out = inputs(tmp_path), tmp_path / "out"
    run_once(folder, out, fr_en)
    (out / name).unlink()
    (out / name).symlink_to(victim / "data.txt")
    run_once(folder, out, fr_en)
    assert listing(victim) == before
    assert not (out / name).is_symlink() and (out / name).is_file()


def test_hard_links_planted_at_output_names_leave_the_other_name_alone(tmp_path: Path, fr_en: Glossary) -> None:
    victim = victim_tree(tmp_path)
    folder, out = inputs(tmp_path), tmp_path / "out"
    run_once(folder, out, fr_en)
    for name in ("a.html", "a.json", "report.json"):
        (out / name).unlink()
        os.link(victim / "data.txt", out / name)
    before = listing(victim)
    run_once(folder, out, fr_en, force=True)
    assert listing(victim) == before


def test_a_folder_where_a_page_belongs_fails_that_document_alone(tmp_path: Path, fr_en: Glossary) -> None:
    folder, out = inputs(tmp_path), tmp_path / "out"
    (folder / "b.txt").write_text(TEXT, encoding="utf-8")
    run_once(folder, out, fr_en)
    (out / "a.html").unlink()
    (out / "a.html").mkdir()
    result = run_once(folder, out, fr_en, force=True)
    assert [d.name for d in result.failed] == ["a"]
    assert "folder" in (result.failed[0].error or "")
    assert (out / "b.html").is_file()


def test_clean_removes_a_planted_link_not_its_target(tmp_path: Path, fr_en: Glossary) -> None:
    victim = victim_tree(tmp_path)
    before = listing(victim)
    folder, out = inputs(tmp_path), tmp_path / "out"
    (folder / "old.txt").write_text(TEXT, encoding="utf-8")
    run_once(folder, out, fr_en)
    (folder / "old.txt").unlink()
    (out / "old.html").unlink()
    (out / "old.html").symlink_to(victim / "sub" / "page.html")
    run_once(folder, out, fr_en, clean=True)
    assert not os.path.lexists(out / "old.html")
    assert listing(victim) == before


def test_a_link_planted_in_place_of_a_page_is_not_kept_by_resume(tmp_path: Path, fr_en: Glossary) -> None:
    victim = victim_tree(tmp_path)
    folder, out = inputs(tmp_path), tmp_path / "out"
    run_once(folder, out, fr_en)
    (out / "a.html").unlink()
    (out / "a.html").symlink_to(victim / "sub" / "page.html")
    again = run_once(folder, out, fr_en)
    assert again.report.skipped == 0
    assert SECRET not in published(out)


def test_a_fifo_at_the_manifests_name_does_not_block(tmp_path: Path, fr_en: Glossary) -> None:
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / MANIFEST_NAME)
    run_once(inputs(tmp_path), out, fr_en, force=True)
    assert stat.S_ISREG((out / MANIFEST_NAME).lstat().st_mode)


def test_write_atomic_replaces_a_link_and_refuses_a_folder(tmp_path: Path) -> None:
    target = tmp_path / "target.txt"
    target.write_text("keep", encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(target)
    write_atomic(tmp_path / "link.txt", "new")
    assert target.read_text(encoding="utf-8") == "keep" and (tmp_path / "link.txt").read_text(encoding="utf-8") == "new"
    (tmp_path / "dir.txt").mkdir()
    with pytest.raises(OSError, match="folder"):
        write_atomic(tmp_path / "dir.txt", "x")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".normalize~")] == []


def test_an_input_named_like_the_manifest_does_not_overwrite_it(tmp_path: Path, fr_en: Glossary) -> None:
    folder, out = inputs(tmp_path), tmp_path / "out"
    (folder / ".normalize-manifest.txt").write_text(TEXT, encoding="utf-8")
    (folder / ".normalize.lock.txt").write_text(TEXT, encoding="utf-8")
    result = run_once(folder, out, fr_en)
    assert not result.failed
    names = output_names([folder / ".normalize-manifest.txt", folder / ".normalize.lock.txt"])
    assert all(n.startswith(".normalize") and "-" in n.removeprefix(".normalize") for n in names)
    assert '"files"' in (out / MANIFEST_NAME).read_text(encoding="utf-8")


# ---- inputs ----------------------------------------------------------------------------------------------------------


def failures(result: RunResult) -> dict[str, str]:
    return {d.name: d.error or "" for d in result.failed}


def test_links_out_of_the_input_folder_are_refused_and_not_published(tmp_path: Path, fr_en: Glossary) -> None:
    victim = victim_tree(tmp_path)
    folder, out = inputs(tmp_path), tmp_path / "out"
    (folder / "p.txt").symlink_to(victim / "data.txt")
    (folder / "e.txt").symlink_to("/proc/self/environ")
    result = run_once(folder, out, fr_en)
    failed = failures(result)
    assert "outside" in failed["p"] and "--follow-links" in failed["p"]
    assert "system file" in failed["e"]
    assert SECRET not in published(out) and "PATH=" not in published(out)
    assert (out / "a.html").is_file()


def test_follow_links_reads_outside_files_but_never_system_files(tmp_path: Path, fr_en: Glossary) -> None:
    outside = tmp_path / "elsewhere.txt"
    outside.write_text(TEXT.replace("ministre", "général"), encoding="utf-8")
    folder, out = inputs(tmp_path), tmp_path / "out"
    (folder / "p.txt").symlink_to(outside)
    (folder / "e.txt").symlink_to("/proc/self/environ")
    result = run_once(folder, out, fr_en, follow_links=True)
    assert set(failures(result)) == {"e"}
    assert "général" in (out / "p.json").read_text(encoding="utf-8")


def test_links_inside_the_input_folder_are_followed(tmp_path: Path, fr_en: Glossary) -> None:
    folder, out = inputs(tmp_path), tmp_path / "out"
    (folder / "sub").mkdir()
    (folder / "sub" / "b.txt").write_text(TEXT, encoding="utf-8")
    (folder / "again").symlink_to(folder / "sub")
    (folder / "c.txt").symlink_to(folder / "sub" / "b.txt")
    result = run_once(folder, out, fr_en)
    assert not result.failed and (out / "a.html").is_file()
    assert sorted(p.name for p in out.glob("[bc].html")) in (["b.html"], ["c.html"])  # one file, read once


def test_a_link_to_a_folder_outside_is_reported_never_walked(tmp_path: Path, fr_en: Glossary) -> None:
    victim = victim_tree(tmp_path)
    folder, out = inputs(tmp_path), tmp_path / "out"
    (folder / "root.txt").symlink_to("/")
    (folder / "victim").symlink_to(victim)
    (folder / "loop").symlink_to(folder)
    result = run_once(folder, out, fr_en, follow_links=True)
    failed = failures(result)
    assert set(failed) == {"root", "victim"} and all("not searched" in e for e in failed.values())
    assert SECRET not in published(out)


def test_a_socket_is_named_as_a_socket(tmp_path: Path, fr_en: Glossary) -> None:
    folder, out = inputs(tmp_path), tmp_path / "out"
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(folder / "s.txt"))
        result = run_once(folder, out, fr_en)
    finally:
        sock.close()
    assert "is a socket, not a regular file" in failures(result)["s"]


# ---- the glossary and the terminal ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "variant"),
    [
        ("fr", "de"),
        ("fr", "à"),
        ("fr", "la"),
        ("fr", "de la"),
        ("fr", "le(s)"),
        ("es", "el"),
        ("es", "y"),
        ("ru", "и"),
        ("ar", "في"),
    ],
)
def test_function_words_are_never_variants_on_their_own(tmp_path: Path, source: str, variant: str) -> None:
    path = tmp_path / f"{source}-en.yaml"
    path.write_text(
        f"source: {source}\ntarget: en\nentries:\n  - id: x\n    standard: X\n    variants: ['{variant}']\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["glossary", "check", str(path)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and f"{path}:4:" in result.stderr
    assert "function words" in result.stderr or "one-letter word" in result.stderr


def test_a_label_holding_function_words_is_still_a_variant(tmp_path: Path) -> None:
    path = tmp_path / "fr-en.yaml"
    path.write_text(
        "source: fr\ntarget: en\nentries:\n  - id: x\n    standard: X\n    variants: ['groupe de Daech']\n", encoding="utf-8"
    )
    assert [e.variants for e in load_glossary_file(path).entries] == [("groupe de Daech",)]


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\ufeff", "\u200b", "\u200d"])
def test_invisible_characters_are_refused_in_a_glossary(tmp_path: Path, char: str) -> None:
    path = tmp_path / "fr-en.yaml"
    path.write_text(
        f"source: fr\ntarget: en\nentries:\n  - id: x\n    standard: X\n    variants: ['Da{char}ech']\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["glossary", "check", str(path)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and f"U+{ord(char):04X}" in result.stderr and "delete it" in result.stderr


def test_eval_articles_escapes_file_names(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    forged = "x\nnormalize: 0 failed, all good\n\x1b[2J"
    (folder / f"{forged}.txt").write_text(TEXT, encoding="utf-8")
    result = runner.invoke(app, ["eval", "--articles", str(folder), "--engine", "echo"])
    assert "\x1b" not in result.output
    assert not any(line.startswith("normalize: 0 failed") for line in result.output.splitlines())


# ---- property: any shape of the two folders ------------------------------------------------------------------------

SHAPES = ["file", "link-in", "link-out", "link-proc", "link-dir-out", "hardlink-out", "fifo", "socket", "folder", "unreadable"]


def plant(folder: Path, name: str, shape: str, victim: Path) -> Iterator[socket.socket]:
    path = folder / name
    if shape == "file":
        path.write_text(TEXT, encoding="utf-8")
    elif shape == "link-in":
        (folder / f"{name}.target").write_text(TEXT, encoding="utf-8")
        path.symlink_to(folder / f"{name}.target")
    elif shape == "link-out":
        path.symlink_to(victim / "data.txt")
    elif shape == "link-proc":
        path.symlink_to("/proc/self/environ")
    elif shape == "link-dir-out":
        path.symlink_to(victim)
    elif shape == "hardlink-out":
        os.link(victim / "data.txt", path)
    elif shape == "fifo":
        os.mkfifo(path)
    elif shape == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(path))
        yield sock
    elif shape == "folder":
        path.mkdir()
    elif shape == "unreadable":
        path.write_text(TEXT, encoding="utf-8")
        path.chmod(0)


# A hard link in the input folder is a name of the folder's own (only the owner of a file may link it where
# protected_hardlinks holds): it is read like any file there, so it is planted only on the output side.
INPUT_SHAPES = [s for s in SHAPES if s != "hardlink-out"]
OUTPUT_NAMES = ["a.html", "a.json", "report.json", "index.html", MANIFEST_NAME, LOCK_NAME, "review.json"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    ins=st.lists(st.sampled_from(INPUT_SHAPES), min_size=1, max_size=4),
    outs=st.dictionaries(st.sampled_from(OUTPUT_NAMES), st.sampled_from(SHAPES), max_size=3),
)
def test_any_shape_of_the_folders_changes_nothing_outside_out(
    tmp_path_factory: pytest.TempPathFactory, ins: list[str], outs: dict[str, str]
) -> None:
    root = tmp_path_factory.mktemp("shapes")
    victim = victim_tree(root)
    before = listing(victim)
    folder, out = inputs(root), root / "out"
    out.mkdir()
    sockets: list[socket.socket] = []
    for i, shape in enumerate(ins):
        sockets += plant(folder, f"in{i}.txt", shape, victim)
    for name, shape in outs.items():
        sockets += plant(out, name, shape, victim)
    planted = {_identity(p) for p in out.iterdir() if p.is_file() and not p.is_symlink()}
    try:
        result = runner.invoke(app, ["run", str(folder), "--out", str(out), "--engine", "echo", "--no-cache", "-q", "--force"])
    finally:
        for sock in sockets:
            sock.close()
    assert listing(victim) == before
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code == 2:
        assert result.stderr.count("\n") == 1, result.stderr
    else:
        assert all(line.startswith("normalize: ") for line in result.stderr.splitlines()), result.stderr
        assert SECRET not in published(out, planted)
